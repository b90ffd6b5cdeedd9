-- Sequential, Concat, DepthConcat, ConcatTable, Parallel, ParallelTable, MapTable, Bottle, Decorator.

-- gives class the four backward passes, each through pass(self, method, input, gradOutput[, scale or lr])
local function defineBackwardPasses(class, pass)
   function class:updateGradInput(input, gradOutput)
      return pass(self, 'updateGradInput', input, gradOutput)
   end
   function class:accGradParameters(input, gradOutput, scale)
      pass(self, 'accGradParameters', input, gradOutput, scale or 1)
   end
   function class:backward(input, gradOutput, scale)
      return pass(self, 'backward', input, gradOutput, scale or 1)
   end
   function class:accUpdateGradParameters(input, gradOutput, lr)
      pass(self, 'accUpdateGradParameters', input, gradOutput, lr)
   end
end

------------------------------------------------------------------------ Sequential
local Sequential, _ = torch.class('nn.Sequential', 'nn.Container')

function Sequential:__len__() return #self.modules end

function Sequential:add(module)
   if #self.modules == 0 then self.gradInput = module.gradInput end
   table.insert(self.modules, module)
   self.output = module.output
   return self
end

function Sequential:insert(module, index)
   index = index or (#self.modules + 1)
   if index > (#self.modules + 1) or index < 1 then
      error('nn.Sequential.insert: index should be contained in [1, ' .. (#self.modules + 1) .. '], got ' .. index, 2)
   end
   table.insert(self.modules, index, module)
   self.output = self.modules[#self.modules].output
   self.gradInput = self.modules[1].gradInput
end

function Sequential:remove(index)
   index = index or #self.modules
   if index > #self.modules or index < 1 then
      error('nn.Sequential.remove: index should be contained in [1, ' .. #self.modules .. '], got ' .. index, 2)
   end
   table.remove(self.modules, index)
   if #self.modules > 0 then
      self.output = self.modules[#self.modules].output
      self.gradInput = self.modules[1].gradInput
   else
      self.output = torch.Tensor()
      self.gradInput = torch.Tensor()
   end
end

function Sequential:updateOutput(input)
   local currentOutput = input
   for i = 1, #self.modules do
      currentOutput = self:rethrowErrors(self.modules[i], i, 'updateOutput', currentOutput)
   end
   self.output = currentOutput
   return currentOutput
end

-- Sequential's backward passes: modules last to first, each fed the gradOutput the one after it
-- gives back (its return value, or its gradInput for the parameter passes)
local function sequentialBackward(self, method, input, gradOutput, ...)
   local returnsGradInput = method == 'updateGradInput' or method == 'backward'
   local currentGradOutput = gradOutput
   local currentModule = self.modules[#self.modules]
   for i = #self.modules - 1, 1, -1 do
      local previousModule = self.modules[i]
      local result = self:rethrowErrors(currentModule, i + 1, method, previousModule.output, currentGradOutput, ...)
      if returnsGradInput then
         currentGradOutput = result
         if method == 'backward' then currentModule.gradInput = result end
      else
         currentGradOutput = currentModule.gradInput
      end
      currentModule = previousModule
   end
   currentGradOutput = self:rethrowErrors(currentModule, 1, method, input, currentGradOutput, ...)
   if returnsGradInput then
      self.gradInput = currentGradOutput
      return currentGradOutput
   end
end

defineBackwardPasses(Sequential, sequentialBackward)

function Sequential:__tostring__()
   local tab, line, nxt = '  ', '\n', ' -> '
   local str = 'nn.Sequential'
   str = str .. ' {' .. line .. tab .. '[input'
   for i = 1, #self.modules do str = str .. nxt .. '(' .. i .. ')' end
   str = str .. nxt .. 'output]'
   for i = 1, #self.modules do
      str = str .. line .. tab .. '(' .. i .. '): ' .. tostring(self.modules[i]):gsub(line, line .. tab)
   end
   str = str .. line .. '}'
   return str
end

-- tree art shared by Concat, ConcatTable, Parallel...
local function treeString(self, inputName, outputName)
   local tab, line = '  ', '\n'
   local nxt, lastNext, ext, extlast, last = '  |`-> ', '   `-> ', '  |    ', '       ', '   ... -> '
   local str = torch.type(self) .. ' {' .. line .. tab .. (inputName or 'input')
   for i = 1, #self.modules do
      if i == #self.modules then
         str = str .. line .. tab .. lastNext .. '(' .. i .. '): ' .. tostring(self.modules[i]):gsub(line, line .. tab .. extlast)
      else
         str = str .. line .. tab .. nxt .. '(' .. i .. '): ' .. tostring(self.modules[i]):gsub(line, line .. tab .. ext)
      end
   end
   str = str .. line .. tab .. last .. (outputName or 'output')
   str = str .. line .. '}'
   return str
end
nn._treeString = treeString

------------------------------------------------------------------------ Concat
local Concat, cparent = torch.class('nn.Concat', 'nn.Container')

function Concat:__init(dimension)
   cparent.__init(self)
   self.outputSize = torch.LongStorage()
   self.dimension = dimension
end

function Concat:updateOutput(input)
   self.outputSize = self.outputSize or torch.LongStorage()
   local outs = {}
   for i = 1, #self.modules do
      local currentOutput = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
      outs[i] = currentOutput
      if i == 1 then
         self.outputSize:resize(currentOutput:dim()):copy(currentOutput:size())
      else
         if currentOutput:dim() ~= #self.outputSize then
            error(string.format('%s: output %d has %d dimensions, expected %d', torch.type(self), i, currentOutput:dim(), #self.outputSize), 0)
         end
         self.outputSize[self.dimension] = self.outputSize[self.dimension] + currentOutput:size(self.dimension)
      end
   end
   self.output:resize(self.outputSize)
   local offset = 1
   for i, module in ipairs(self.modules) do
      local currentOutput = outs[i]
      self.output:narrow(self.dimension, offset, currentOutput:size(self.dimension)):copy(currentOutput)
      offset = offset + currentOutput:size(self.dimension)
   end
   return self.output
end

-- the part of output (or gradOutput) that belongs to a module's currentOutput; DepthConcat centres it
function Concat:windowNarrow(output, currentOutput, offset)
   return output:narrow(self.dimension, offset, currentOutput:size(self.dimension))
end

-- Concat's and DepthConcat's backward passes: module i gets its window of gradOutput; the
-- gradInputs it returns (updateGradInput, backward) sum into self.gradInput
local function concatBackward(self, method, input, gradOutput, ...)
   local sumsGradInput = method == 'updateGradInput' or method == 'backward'
   if sumsGradInput then self.gradInput:resizeAs(input) end
   local offset = 1
   for i, module in ipairs(self.modules) do
      local currentOutput = module.output
      local currentGradInput = self:rethrowErrors(module, i, method, input,
         self:windowNarrow(gradOutput, currentOutput, offset), ...)
      -- a module that gives no gradInput (e.g. a first layer) adds nothing
      if sumsGradInput and currentGradInput then
         if i == 1 then self.gradInput:copy(currentGradInput) else self.gradInput:add(currentGradInput) end
      end
      offset = offset + currentOutput:size(self.dimension)
   end
   if sumsGradInput then return self.gradInput end
end

defineBackwardPasses(Concat, concatBackward)

Concat.__tostring__ = function(self) return treeString(self) end

------------------------------------------------------------------------ DepthConcat
local DepthConcat, dparent = torch.class('nn.DepthConcat', 'nn.Concat')

function DepthConcat:windowNarrow(output, currentOutput, offset)
   local outputWindow = output:narrow(self.dimension, offset, currentOutput:size(self.dimension))
   for dim = 1, self.outputSize:size() do
      local currentSize = currentOutput:size(dim)
      if dim ~= self.dimension and self.outputSize[dim] ~= currentSize then
         local start = math.floor((self.outputSize[dim] - currentSize) / 2) + 1
         outputWindow = outputWindow:narrow(dim, start, currentSize)
      end
   end
   return outputWindow
end

function DepthConcat:updateOutput(input)
   self.outputSize = self.outputSize or torch.LongStorage()
   local outs = {}
   for i = 1, #self.modules do
      local currentOutput = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
      outs[i] = currentOutput
      if i == 1 then
         self.outputSize:resize(currentOutput:dim()):copy(currentOutput:size())
      else
         self.outputSize[self.dimension] = self.outputSize[self.dimension] + currentOutput:size(self.dimension)
         for dim = 1, self.outputSize:size() do
            if dim ~= self.dimension then
               self.outputSize[dim] = math.max(self.outputSize[dim], currentOutput:size(dim))
            end
         end
      end
   end
   self.output:resize(self.outputSize):zero()
   local offset = 1
   for i = 1, #self.modules do
      local currentOutput = outs[i]
      self:windowNarrow(self.output, currentOutput, offset):copy(currentOutput)
      offset = offset + currentOutput:size(self.dimension)
   end
   return self.output
end

-- the backward passes are Concat's, through the centring windowNarrow above

------------------------------------------------------------------------ ConcatTable
local ConcatTable, ctparent = torch.class('nn.ConcatTable', 'nn.Container')

function ConcatTable:__init()
   ctparent.__init(self)
   self.modules = {}
   self.output = {}
end

function ConcatTable:updateOutput(input)
   for i = 1, #self.modules do
      self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
   end
   for i = #self.modules + 1, #self.output do self.output[i] = nil end
   return self.output
end

local function retable(t1, t2, f)
   for k, v in ipairs(t2) do
      if torch.type(v) == 'table' then
         t1[k] = retable(t1[k] or {}, t2[k], f)
      else
         f(t1, k, v)
      end
   end
   for i = #t2 + 1, #t1 do t1[i] = nil end
   return t1
end

local function backwardTable(self, method, input, gradOutput, ...)
   local isTable = torch.type(input) == 'table'
   local wasTable = torch.type(self.gradInput) == 'table'
   if isTable then
      for i, module in ipairs(self.modules) do
         local currentGradInput = self:rethrowErrors(module, i, method, input, gradOutput[i], ...)
         if torch.type(currentGradInput) ~= 'table' then
            error('nn.ConcatTable: input is a table, so each module must return a table gradInput, got ' .. torch.type(currentGradInput), 0)
         end
         if i == 1 then
            self.gradInput = wasTable and self.gradInput or {}
            retable(self.gradInput, currentGradInput, function(t, k, v)
               t[k] = t[k] or v:clone()
               t[k]:resize(v:size())
               t[k]:copy(v)
            end)
         else
            retable(self.gradInput, currentGradInput, function(t, k, v)
               if t[k] then t[k]:add(v) else t[k] = v:clone() end
            end)
         end
      end
   else
      self.gradInput = (not wasTable) and self.gradInput or input:clone()
      for i, module in ipairs(self.modules) do
         local currentGradInput = self:rethrowErrors(module, i, method, input, gradOutput[i], ...)
         if i == 1 then
            self.gradInput:resizeAs(currentGradInput):copy(currentGradInput)
         else
            self.gradInput:add(currentGradInput)
         end
      end
   end
   return self.gradInput
end

function ConcatTable:updateGradInput(input, gradOutput)
   return backwardTable(self, 'updateGradInput', input, gradOutput)
end

function ConcatTable:backward(input, gradOutput, scale)
   return backwardTable(self, 'backward', input, gradOutput, scale or 1)
end

function ConcatTable:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   for i, module in ipairs(self.modules) do
      self:rethrowErrors(module, i, 'accGradParameters', input, gradOutput[i], scale)
   end
end

function ConcatTable:accUpdateGradParameters(input, gradOutput, lr)
   for i, module in ipairs(self.modules) do
      self:rethrowErrors(module, i, 'accUpdateGradParameters', input, gradOutput[i], lr)
   end
end

ConcatTable.__tostring__ = function(self) return treeString(self) end

------------------------------------------------------------------------ Parallel
local Parallel, pparent = torch.class('nn.Parallel', 'nn.Container')

function Parallel:__init(inputDimension, outputDimension)
   pparent.__init(self)
   self.modules = {}
   self.inputDimension = inputDimension
   self.outputDimension = outputDimension
end

function Parallel:updateOutput(input)
   local nModule = input:size(self.inputDimension)
   if nModule ~= #self.modules then
      error(string.format('nn.Parallel: expected input size %d along dimension %d (one slice per module), got %s',
                          #self.modules, self.inputDimension, nn.utils.shape(input)), 0)
   end
   local outputs = {}
   self.totalOutputSize = self.totalOutputSize or torch.LongStorage()
   local totalOutputSize = self.totalOutputSize
   for i = 1, nModule do
      local currentInput = input:select(self.inputDimension, i)
      local currentOutput = self:rethrowErrors(self.modules[i], i, 'updateOutput', currentInput)
      table.insert(outputs, currentOutput)
      local outputSize = currentOutput:size(self.outputDimension)
      if i == 1 then
         totalOutputSize:resize(currentOutput:dim()):copy(currentOutput:size())
      else
         totalOutputSize[self.outputDimension] = totalOutputSize[self.outputDimension] + outputSize
      end
   end
   self.output:resize(totalOutputSize)
   local offset = 1
   for i = 1, nModule do
      local currentOutput = outputs[i]
      local outputSize = currentOutput:size(self.outputDimension)
      self.output:narrow(self.outputDimension, offset, outputSize):copy(currentOutput)
      offset = offset + currentOutput:size(self.outputDimension)
   end
   return self.output
end

function Parallel:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(input)
   local offset = 1
   for i = 1, #self.modules do
      local module = self.modules[i]
      local currentInput = input:select(self.inputDimension, i)
      local currentOutput = module.output
      local outputSize = currentOutput:size(self.outputDimension)
      local currentGradOutput = gradOutput:narrow(self.outputDimension, offset, outputSize)
      local currentGradInput = self:rethrowErrors(module, i, 'updateGradInput', currentInput, currentGradOutput)
      self.gradInput:select(self.inputDimension, i):copy(currentGradInput)
      offset = offset + outputSize
   end
   return self.gradInput
end

-- Parallel's parameter passes: module i gets input slice i and its block of gradOutput
local function parallelParameterPass(self, method, input, gradOutput, arg)
   local offset = 1
   for i = 1, #self.modules do
      local module = self.modules[i]
      local outputSize = module.output:size(self.outputDimension)
      self:rethrowErrors(module, i, method, input:select(self.inputDimension, i),
                         gradOutput:narrow(self.outputDimension, offset, outputSize), arg)
      offset = offset + outputSize
   end
end

function Parallel:accGradParameters(input, gradOutput, scale)
   parallelParameterPass(self, 'accGradParameters', input, gradOutput, scale)
end

function Parallel:accUpdateGradParameters(input, gradOutput, lr)
   parallelParameterPass(self, 'accUpdateGradParameters', input, gradOutput, lr)
end

Parallel.__tostring__ = function(self) return treeString(self) end

------------------------------------------------------------------------ ParallelTable
local ParallelTable, ptparent = torch.class('nn.ParallelTable', 'nn.Container')

function ParallelTable:__init()
   ptparent.__init(self)
   self.modules = {}
   self.output = {}
   self.gradInput = {}
end

function ParallelTable:updateOutput(input)
   if torch.type(input) ~= 'table' or #input < #self.modules then
      error(string.format('nn.ParallelTable: expected input to be a table of at least %d elements, got %s',
                          #self.modules, torch.type(input) == 'table' and ('a table of ' .. #input) or torch.type(input)), 0)
   end
   for i = 1, #self.modules do
      self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input[i])
   end
   for i = #self.modules + 1, #self.output do self.output[i] = nil end
   return self.output
end

function ParallelTable:updateGradInput(input, gradOutput)
   for i, module in ipairs(self.modules) do
      self.gradInput[i] = self:rethrowErrors(module, i, 'updateGradInput', input[i], gradOutput[i])
   end
   for i = #self.modules + 1, #self.gradInput do self.gradInput[i] = nil end
   return self.gradInput
end

function ParallelTable:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   for i, module in ipairs(self.modules) do
      self:rethrowErrors(module, i, 'accGradParameters', input[i], gradOutput[i], scale)
   end
end

function ParallelTable:accUpdateGradParameters(input, gradOutput, lr)
   lr = lr or 1
   for i, module in ipairs(self.modules) do
      self:rethrowErrors(module, i, 'accUpdateGradParameters', input[i], gradOutput[i], lr)
   end
end

ParallelTable.__tostring__ = function(self) return treeString(self) end

------------------------------------------------------------------------ MapTable
local MapTable, mparent = torch.class('nn.MapTable', 'nn.Container')

function MapTable:__init(module, shared)
   mparent.__init(self)
   self.shared = (shared == nil) and true or shared
   self.sharedparams = {'weight', 'bias', 'gradWeight', 'gradBias'}
   self.output = {}
   self.gradInput = {}
   self:add(module)
end

function MapTable:_extend(n)
   self.sharedparams = self.sharedparams or {'weight', 'bias', 'gradWeight', 'gradBias'}
   self.modules[1] = self.module
   for i = 2, n do
      if not self.modules[i] then
         if self.shared then
            self.modules[i] = self.module:clone(unpack(self.sharedparams))
         else
            self.modules[i] = self.module:clone()
         end
      end
   end
end

function MapTable:resize(n)
   self:_extend(n)
   for i = n + 1, #self.modules do
      self.modules[i] = nil
   end
end

function MapTable:add(module)
   assert(not self.module, 'nn.MapTable: can only hold one module')
   self.module = module
   self.modules[1] = self.module
   return self
end

function MapTable:updateOutput(input)
   self.output = {}
   self:_extend(#input)
   for i = 1, #input do
      self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input[i])
   end
   return self.output
end

function MapTable:updateGradInput(input, gradOutput)
   self.gradInput = {}
   self:_extend(#input)
   for i = 1, #input do
      self.gradInput[i] = self:rethrowErrors(self.modules[i], i, 'updateGradInput', input[i], gradOutput[i])
   end
   return self.gradInput
end

function MapTable:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   self:_extend(#input)
   for i = 1, #input do
      self:rethrowErrors(self.modules[i], i, 'accGradParameters', input[i], gradOutput[i], scale)
   end
end

function MapTable:accUpdateGradParameters(input, gradOutput, lr)
   lr = lr or 1
   self:_extend(#input)
   for i = 1, #input do
      self:rethrowErrors(self.modules[i], i, 'accUpdateGradParameters', input[i], gradOutput[i], lr)
   end
end

function MapTable:zeroGradParameters()
   if self.module then
      if self.shared then self.module:zeroGradParameters() else mparent.zeroGradParameters(self) end
   end
end

function MapTable:updateParameters(learningRate)
   if self.module then
      if self.shared then self.module:updateParameters(learningRate) else mparent.updateParameters(self, learningRate) end
   end
end

-- parameters: the Container's, over every clone (as Torch7), so getParameters also re-points
-- the clones that already exist into the flat vectors (shared storages are counted once)

function MapTable:clearState()
   for i = 2, #self.modules do self.modules[i] = nil end
   mparent.clearState(self)
   return self
end

function MapTable:__tostring__()
   local tab, line, extlast = '  ', '\n', '      '
   local str = torch.type(self)
   if self.module then
      str = str .. ' {' .. line .. tab
      str = str .. tostring(self.module):gsub(line, line .. tab .. extlast) .. line .. '}'
   else
      str = str .. ' { }'
   end
   return str
end

------------------------------------------------------------------------ Decorator
local Decorator, decparent = torch.class('nn.Decorator', 'nn.Container')

function Decorator:__init(module)
   decparent.__init(self)
   self.modules[1] = module
end

function Decorator:updateOutput(input)
   self.output = self.modules[1]:updateOutput(input)
   return self.output
end

function Decorator:updateGradInput(input, gradOutput)
   self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
   return self.gradInput
end

function Decorator:accGradParameters(input, gradOutput, scale)
   self.modules[1]:accGradParameters(input, gradOutput, scale)
end

function Decorator:accUpdateGradParameters(input, gradOutput, lr)
   self.modules[1]:accUpdateGradParameters(input, gradOutput, lr)
end

function Decorator:sharedAccUpdateGradParameters(input, gradOutput, lr)
   self.modules[1]:sharedAccUpdateGradParameters(input, gradOutput, lr)
end

function Decorator:__tostring__()
   if self.modules[1].__tostring__ then
      return torch.type(self) .. ' @ ' .. self.modules[1]:__tostring__()
   else
      return torch.type(self) .. ' @ ' .. torch.type(self.modules[1])
   end
end

------------------------------------------------------------------------ Bottle
local Bottle, bparent = torch.class('nn.Bottle', 'nn.Decorator')

function Bottle:__init(module, nInputDim, nOutputDim)
   bparent.__init(self, module)
   self.nInputDim = nInputDim or 2
   self.nOutputDim = nOutputDim or self.nInputDim
   self.dimDelta = self.nInputDim - self.nOutputDim
   self.inShape = torch.LongStorage(self.nInputDim)
   self.outShape = torch.LongStorage(self.nOutputDim)
end

function Bottle:updateOutput(input)
   local idx = input:dim() - self.nInputDim + 1
   self.inShape = input:size()
   local squeeze = idx > 1
   if squeeze then
      local batch = 1
      for d = 1, idx do batch = batch * input:size(d) end
      local shape = {batch}
      for d = idx + 1, input:dim() do shape[#shape + 1] = input:size(d) end
      self._input = input:contiguous():view(unpack(shape))
   else
      self._input = input
   end
   local output = self.modules[1]:updateOutput(self._input)
   assert(output:dim() == self.nOutputDim,
          'nn.Bottle: expected the inner module to output ' .. self.nOutputDim .. ' dimensions, got ' .. output:dim())
   if squeeze then
      local shape = {}
      for d = 1, idx - 1 do shape[#shape + 1] = input:size(d) end
      for d = 1, output:dim() do shape[#shape + 1] = output:size(d) end
      -- idx-th input dim merged into output dim 1
      local outShape = {}
      for d = 1, idx do outShape[d] = input:size(d) end
      for d = 2, output:dim() do outShape[#outShape + 1] = output:size(d) end
      self.output = output:view(unpack(outShape))
   else
      self.output = output
   end
   return self.output
end

function Bottle:updateGradInput(input, gradOutput)
   if self.modules[1].gradInput then
      local g = gradOutput:contiguous():view(self.modules[1].output:size())
      local gi = self.modules[1]:updateGradInput(self._input, g)
      self.gradInput = gi:view(input:size())
   end
   return self.gradInput
end

function Bottle:accGradParameters(input, gradOutput, scale)
   local g = gradOutput:contiguous():view(self.modules[1].output:size())
   self.modules[1]:accGradParameters(self._input, g, scale)
end

function Bottle:accUpdateGradParameters(input, gradOutput, lr)
   local g = gradOutput:contiguous():view(self.modules[1].output:size())
   self.modules[1]:accUpdateGradParameters(self._input, g, lr)
end
