-- Pure-Lua layers on tensor math (simple.md): Linear, View, Reshape, shape and arithmetic layers.
local utils = nn.utils

local function checkDims(self, input, ok, what) utils.checkInput(self, ok, what, input) end

------------------------------------------------------------------------ Identity
local Identity = torch.class('nn.Identity', 'nn.Module')
function Identity:updateOutput(input) self.output = input; return self.output end
function Identity:updateGradInput(input, gradOutput) self.gradInput = gradOutput; return self.gradInput end
function Identity:clearState()
   -- output/gradInput alias other modules' tensors: drop the references only
   self.output = torch.Tensor(); self.gradInput = torch.Tensor()
   return self
end

------------------------------------------------------------------------ Linear
local Linear, parent = torch.class('nn.Linear', 'nn.Module')

function Linear:__init(inputSize, outputSize, bias)
   parent.__init(self)
   bias = (bias == nil) and true or bias
   self.weight = torch.Tensor(outputSize, inputSize)
   self.gradWeight = torch.Tensor(outputSize, inputSize)
   if bias then
      self.bias = torch.Tensor(outputSize)
      self.gradBias = torch.Tensor(outputSize)
   end
   self:reset()
end

function Linear:noBias()
   self.bias = nil
   self.gradBias = nil
   return self
end

function Linear:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(2)) end
   self.weight:uniform(-stdv, stdv)
   if self.bias then self.bias:uniform(-stdv, stdv) end
   return self
end

function Linear:updateAddBuffer(input)
   local nframe = input:size(1)
   self.addBuffer = self.addBuffer or input.new()
   if self.addBuffer:nElement() ~= nframe then self.addBuffer:resize(nframe):fill(1) end
end

local function linearCheck(self, input)
   utils.checkTensor(self, input, 'input')
   if torch.typename(input) ~= torch.typename(self.weight) then
      error(string.format('%s: expected input of type %s (the module\'s type; convert the module with :type()), got %s',
                          torch.typename(self), torch.typename(self.weight), torch.typename(input)), 0)
   end
   local n = self.weight:size(2)
   local ok = (input:dim() == 1 and input:size(1) == n) or (input:dim() == 2 and input:size(2) == n)
   checkDims(self, input, ok, string.format('of size %d (1-D) or N x %d (2-D)', n, n))
end

function Linear:updateOutput(input)
   linearCheck(self, input)
   if input:dim() == 1 then
      self.output:resize(self.weight:size(1))
      if self.bias then self.output:copy(self.bias) else self.output:zero() end
      self.output:addmv(1, self.weight, input)
   else
      local nframe = input:size(1)
      self.output:resize(nframe, self.weight:size(1))
      self:updateAddBuffer(input)
      self.output:addmm(0, self.output, 1, input, self.weight:t())
      if self.bias then self.output:addr(1, self.addBuffer, self.bias) end
   end
   return self.output
end

function Linear:updateGradInput(input, gradOutput)
   if self.gradInput then
      local nElement = self.gradInput:nElement()
      self.gradInput:resizeAs(input)
      if self.gradInput:nElement() ~= nElement then self.gradInput:zero() end
      if input:dim() == 1 then
         self.gradInput:addmv(0, self.gradInput, 1, self.weight:t(), gradOutput)
      else
         self.gradInput:addmm(0, self.gradInput, 1, gradOutput, self.weight)
      end
      return self.gradInput
   end
end

function Linear:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   if input:dim() == 1 then
      self.gradWeight:addr(scale, gradOutput, input)
      if self.bias then self.gradBias:add(scale, gradOutput) end
   else
      self.gradWeight:addmm(scale, gradOutput:t(), input)
      if self.bias then
         self:updateAddBuffer(input)
         self.gradBias:addmv(scale, gradOutput:t(), self.addBuffer)
      end
   end
end

Linear.sharedAccUpdateGradParameters = nn.Module.defaultAccUpdateGradParameters

function Linear:clearState()
   if self.addBuffer then nn.utils.empty(self.addBuffer) end
   return parent.clearState(self)
end

function Linear:__tostring__()
   return torch.type(self) .. string.format('(%d -> %d)', self.weight:size(2), self.weight:size(1))
      .. (self.bias == nil and ' without bias' or '')
end

------------------------------------------------------------------------ View
local View, vparent = torch.class('nn.View', 'nn.Module')

function View:resetSize(...)
   local size = select(1, ...)
   if select('#', ...) ~= 1 or type(size) == 'number' then size = torch.LongStorage({...}) end
   if torch.type(size) == 'table' then size = torch.LongStorage(size) end
   self.size = size
   self.numElements = 1
   local inferdim = false
   for i = 1, #self.size do
      local szi = self.size[i]
      if szi >= 0 then
         self.numElements = self.numElements * self.size[i]
      else
         assert(szi == -1, 'nn.View: size should be positive or -1')
         assert(not inferdim, 'nn.View: only one dimension can be at -1')
         inferdim = true
      end
   end
   return self
end

function View:__init(...)
   vparent.__init(self)
   self:resetSize(...)
   self.numInputDims = nil
end

function View:setNumInputDims(numInputDims)
   self.numInputDims = numInputDims
   return self
end

function View:updateOutput(input)
   local nel = input:nElement()
   local nd = input:dim()
   local ind = self.numInputDims
   local ine = nel
   local hasBatchDims = ind ~= nil and nd > ind
   if ind and nd >= ind then
      ine = 1
      for i = nd - ind + 1, nd do ine = ine * input:size(i) end
   end
   local infer = false
   for i = 1, #self.size do if self.size[i] == -1 then infer = true end end
   local function bad()
      error(string.format('nn.View: input of size %s cannot be viewed as %s', utils.shape(input),
                          table.concat(self.size:totable(), ' x ')), 0)
   end
   local bsz, inferred
   if infer then
      if self.numElements == 0 or ine % self.numElements ~= 0 then bad() end
      inferred = ine / self.numElements
      if hasBatchDims then bsz = nel / ine end
   else
      if ine ~= self.numElements then
         if self.numElements == 0 or nel % self.numElements ~= 0 or hasBatchDims then bad() end
         bsz = nel / self.numElements
      elseif hasBatchDims then
         bsz = nel / ine
      end
   end
   local sz = {}
   if bsz then sz[1] = bsz end
   for i = 1, #self.size do
      local s = self.size[i]
      sz[#sz + 1] = (s == -1) and inferred or s
   end
   self.output = input:contiguous():view(unpack(sz))
   return self.output
end

function View:updateGradInput(input, gradOutput)
   self.gradInput = self.gradInput or gradOutput.new()
   self.gradInput = gradOutput:contiguous():view(input:size())
   return self.gradInput
end

function View:__tostring__()
   return torch.type(self) .. '(' .. table.concat(self.size:totable(), ', ') .. ')'
end

------------------------------------------------------------------------ Reshape
local Reshape, rparent = torch.class('nn.Reshape', 'nn.Module')

function Reshape:__init(...)
   rparent.__init(self)
   local arg = {...}
   self.batchsize = torch.LongStorage()
   if torch.type(arg[#arg]) == 'boolean' then
      self.batchMode = arg[#arg]
      table.remove(arg, #arg)
   end
   self.size = utils.sizeFromArgs(arg)
   self.nelement = 1
   self.batchsize:resize(#self.size + 1)
   for i = 1, #self.size do
      self.nelement = self.nelement * self.size[i]
      self.batchsize[i + 1] = self.size[i]
   end
end

function Reshape:updateOutput(input)
   if not input:isContiguous() then
      self._input = self._input or input.new()
      self._input:resizeAs(input):copy(input)
      input = self._input
   end
   if (self.batchMode == false) or ((self.batchMode == nil) and (input:nElement() == self.nelement and input:size(1) ~= 1)) then
      utils.checkInput(self, input:nElement() == self.nelement,
                       string.format('with %d elements', self.nelement), input)
      self.output:view(input, self.size)
   else
      utils.checkInput(self, input:nElement() % self.nelement == 0 and input:dim() >= 1,
                       string.format('with N x %d elements', self.nelement), input)
      self.batchsize[1] = input:size(1)
      self.output:view(input, self.batchsize)
   end
   return self.output
end

function Reshape:updateGradInput(input, gradOutput)
   if not gradOutput:isContiguous() then
      self._gradOutput = self._gradOutput or gradOutput.new()
      self._gradOutput:resizeAs(gradOutput):copy(gradOutput)
      gradOutput = self._gradOutput
   end
   self.gradInput = gradOutput:view(input:size())
   return self.gradInput
end

function Reshape:__tostring__()
   return torch.type(self) .. '(' .. table.concat(self.size:totable(), 'x') .. ')'
end

function Reshape:clearState()
   utils.clear(self, '_input', '_gradOutput')
   return rparent.clearState(self)
end

------------------------------------------------------------------------ Narrow
local Narrow, nparent = torch.class('nn.Narrow', 'nn.Module')

function Narrow:__init(dimension, offset, length)
   nparent.__init(self)
   self.dimension = dimension
   self.index = offset
   self.length = length or 1
   if not dimension or not offset then error('nn.Narrow(dimension, offset, length)') end
end

function Narrow:updateOutput(input)
   local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
   utils.checkInput(self, dim >= 1 and dim <= input:dim(), 'with at least ' .. dim .. ' dimensions', input)
   local length = self.length
   if length < 0 then length = input:size(dim) - self.index + self.length + 2 end
   local index = self.index
   if index < 0 then index = input:size(dim) + index + 1 end
   utils.checkInput(self, index >= 1 and index + length - 1 <= input:size(dim),
                    string.format('with size >= %d along dimension %d', index + length - 1, dim), input)
   local output = input:narrow(dim, index, length)
   self.output = self.output:typeAs(output)
   self.output:resizeAs(output):copy(output)
   return self.output
end

function Narrow:updateGradInput(input, gradOutput)
   local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
   local length = self.length
   if length < 0 then length = input:size(dim) - self.index + self.length + 2 end
   local index = self.index
   if index < 0 then index = input:size(dim) + index + 1 end
   self.gradInput = self.gradInput:typeAs(input)
   self.gradInput:resizeAs(input):zero()
   self.gradInput:narrow(dim, index, length):copy(gradOutput)
   return self.gradInput
end

------------------------------------------------------------------------ Select
local Select, sparent = torch.class('nn.Select', 'nn.Module')

function Select:__init(dimension, index)
   sparent.__init(self)
   self.dimension = dimension
   self.index = index
end

function Select:updateOutput(input)
   local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
   utils.checkInput(self, dim >= 1 and dim <= input:dim(), 'with at least ' .. math.abs(self.dimension) .. ' dimensions', input)
   local index = self.index < 0 and input:size(dim) + self.index + 1 or self.index
   utils.checkInput(self, index >= 1 and index <= input:size(dim),
                    string.format('with size >= %d along dimension %d', index, dim), input)
   local output = input:select(dim, index)
   self.output:resizeAs(output)
   return self.output:copy(output)
end

function Select:updateGradInput(input, gradOutput)
   local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
   local index = self.index < 0 and input:size(dim) + self.index + 1 or self.index
   self.gradInput:resizeAs(input):zero()
   self.gradInput:select(dim, index):copy(gradOutput)
   return self.gradInput
end

------------------------------------------------------------------------ Contiguous / Copy
local Contiguous = torch.class('nn.Contiguous', 'nn.Module')
function Contiguous:updateOutput(input)
   if not input:isContiguous() then
      if self.output == input then self.output = input.new() end
      self.output:resizeAs(input):copy(input)
   else
      self.output:set(input)
   end
   return self.output
end
function Contiguous:updateGradInput(input, gradOutput)
   if not gradOutput:isContiguous() then
      if self.gradInput == gradOutput then self.gradInput = gradOutput.new() end
      self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   else
      self.gradInput:set(gradOutput)
   end
   return self.gradInput
end

local Copy, cpparent = torch.class('nn.Copy', 'nn.Module')
function Copy:__init(intype, outtype, forceCopy, dontCast)
   intype = intype or torch.Tensor.__typename
   outtype = outtype or torch.Tensor.__typename
   self.dontCast = dontCast
   cpparent.__init(self)
   self.gradInput = torch.getconstructortable(intype)()
   self.output = torch.getconstructortable(outtype)()
   if (not forceCopy) and intype == outtype then
      self.updateOutput = function(self, input) self.output:set(input); return input end
      self.updateGradInput = function(self, input, gradOutput) self.gradInput:set(gradOutput); return gradOutput end
   end
end
function Copy:updateOutput(input)
   self.output:resize(input:size()):copy(input)
   return self.output
end
function Copy:updateGradInput(input, gradOutput)
   self.gradInput:resize(gradOutput:size()):copy(gradOutput)
   return self.gradInput
end
function Copy:type(type, tensorCache)
   if type and self.dontCast then return self end
   return cpparent.type(self, type, tensorCache)
end

------------------------------------------------------------------------ Transpose
local Transpose, tparent = torch.class('nn.Transpose', 'nn.Module')
function Transpose:__init(...)
   tparent.__init(self)
   self.permutations = {...}
   self.numInputDims = nil
end
function Transpose:setNumInputDims(n) self.numInputDims = n; return self end
function Transpose:updateOutput(input)
   local offset = self.numInputDims and input:nDimension() - self.numInputDims or 0
   for _, perm in ipairs(self.permutations) do
      utils.checkInput(self, math.max(perm[1], perm[2]) + offset <= input:dim(),
                       'with at least ' .. (math.max(perm[1], perm[2]) + offset) .. ' dimensions', input)
      input = input:transpose(perm[1] + offset, perm[2] + offset)
   end
   self.output:resizeAs(input):copy(input)
   return self.output
end
function Transpose:updateGradInput(input, gradOutput)
   local offset = self.numInputDims and input:nDimension() - self.numInputDims or 0
   for i = #self.permutations, 1, -1 do
      local perm = self.permutations[i]
      gradOutput = gradOutput:transpose(perm[1] + offset, perm[2] + offset)
   end
   self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   return self.gradInput
end

------------------------------------------------------------------------ Squeeze / Unsqueeze
local Squeeze, sqparent = torch.class('nn.Squeeze', 'nn.Module')
function Squeeze:__init(dim, numInputDims)
   sqparent.__init(self)
   self.dim = dim
   self.numInputDims = numInputDims
end
function Squeeze:updateOutput(input)
   local dim = self.dim
   local addone = false
   if self.numInputDims and input:dim() == self.numInputDims + 1 then
      if dim then dim = dim + 1
      elseif input:size(1) == 1 then addone = true end
   end
   local out = dim and input:squeeze(dim) or input:squeeze()
   if addone then
      local s = out:size():totable(); table.insert(s, 1, 1)
      out = out:view(unpack(s))
   end
   self.output:set(out)
   return self.output
end
function Squeeze:updateGradInput(input, gradOutput)
   self.gradInput:set(gradOutput:contiguous():view(input:size()))
   return self.gradInput
end

local Unsqueeze, usparent = torch.class('nn.Unsqueeze', 'nn.Module')
function Unsqueeze:__init(pos, numInputDims)
   usparent.__init(self)
   self.pos = pos or error('nn.Unsqueeze(pos, [numInputDims])')
   self:setNumInputDims(numInputDims)
end
function Unsqueeze:setNumInputDims(numInputDims) self.numInputDims = numInputDims; return self end
function Unsqueeze:updateOutput(input)
   local actualPos = self.pos
   if self.numInputDims and input:dim() ~= self.numInputDims then
      actualPos = self.pos + (input:dim() - self.numInputDims)
   end
   utils.checkInput(self, actualPos >= 1 and actualPos <= input:dim() + 1,
                    'with at least ' .. (actualPos - 1) .. ' dimensions', input)
   nn.utils.addSingletonDimension(self.output, input, actualPos)
   return self.output
end
function Unsqueeze:updateGradInput(input, gradOutput)
   self.gradInput:set(gradOutput:contiguous():view(input:size()))
   return self.gradInput
end
function Unsqueeze:__tostring__()
   return torch.type(self) .. '(dim ' .. self.pos .. ')'
end

------------------------------------------------------------------------ Replicate
local Replicate, repparent = torch.class('nn.Replicate', 'nn.Module')
function Replicate:__init(nf, dim, ndim)
   repparent.__init(self)
   self.nfeatures = nf
   self.dim = dim or 1
   self.ndim = ndim
   assert(self.dim > 0, 'nn.Replicate: can only replicate across positive integer dimensions')
end
function Replicate:updateOutput(input)
   self.dim = self.dim or 1
   local rdim = self.dim
   if self.ndim and input:dim() > self.ndim then rdim = rdim + 1 end
   utils.checkInput(self, rdim <= input:dim() + 1, 'with at least ' .. (rdim - 1) .. ' dimensions', input)
   local sz = torch.LongStorage(input:dim() + 1)
   sz[rdim] = self.nfeatures
   for i = 1, input:dim() do
      local offset = (i >= rdim) and 1 or 0
      sz[i + offset] = input:size(i)
   end
   local st = torch.LongStorage(input:dim() + 1)
   st[rdim] = 0
   for i = 1, input:dim() do
      local offset = (i >= rdim) and 1 or 0
      st[i + offset] = input:stride(i)
   end
   self.output:set(input:storage(), input:storageOffset(), sz, st)
   return self.output
end
function Replicate:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(input):zero()
   local rdim = self.dim
   if self.ndim and input:dim() > self.ndim then rdim = rdim + 1 end
   local sz = torch.LongStorage(input:dim() + 1)
   sz[rdim] = 1
   for i = 1, input:dim() do
      local offset = (i >= rdim) and 1 or 0
      sz[i + offset] = input:size(i)
   end
   local gradInput = self.gradInput:view(sz)
   gradInput:sum(gradOutput, rdim)
   return self.gradInput
end

------------------------------------------------------------------------ Padding
local Padding, padparent = torch.class('nn.Padding', 'nn.Module')
function Padding:__init(dim, pad, nInputDim, value, index)
   self.value = value or 0
   self.index = index or 1
   self.dim = dim
   self.pad = pad
   self.nInputDim = nInputDim
   padparent.__init(self)
end
function Padding:updateOutput(input)
   self.outputSize = input:size()
   local dim = self.dim
   if self.nInputDim and input:dim() ~= self.nInputDim then dim = dim + 1 end
   utils.checkInput(self, dim >= 1 and dim <= input:dim(), 'with at least ' .. dim .. ' dimensions', input)
   self.outputSize[dim] = self.outputSize[dim] + math.abs(self.pad)
   self.output:resize(self.outputSize)
   self.output:fill(self.value)
   local index = self.index
   local pad = self.pad
   if pad > 0 then index = input:size(dim) - index + 2 else pad = -pad end
   if index == 1 then
      self.output:narrow(dim, 1 + pad, input:size(dim)):copy(input)
   elseif index == input:size(dim) + 1 then
      self.output:narrow(dim, 1, input:size(dim)):copy(input)
   else
      self.output:narrow(dim, 1, index - 1):copy(input:narrow(dim, 1, index - 1))
      self.output:narrow(dim, index + pad, input:size(dim) - (index - 1)):copy(input:narrow(dim, index, input:size(dim) - (index - 1)))
   end
   return self.output
end
function Padding:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(input)
   local dim = self.dim
   if self.nInputDim and input:dim() ~= self.nInputDim then dim = dim + 1 end
   local index = self.index
   local pad = self.pad
   if pad > 0 then index = input:size(dim) - index + 2 else pad = -pad end
   if index == 1 then
      self.gradInput:copy(gradOutput:narrow(dim, 1 + pad, input:size(dim)))
   elseif index == input:size(dim) + 1 then
      self.gradInput:copy(gradOutput:narrow(dim, 1, input:size(dim)))
   else
      self.gradInput:narrow(dim, 1, index - 1):copy(gradOutput:narrow(dim, 1, index - 1))
      self.gradInput:narrow(dim, index, input:size(dim) - (index - 1)):copy(gradOutput:narrow(dim, index + pad, input:size(dim) - (index - 1)))
   end
   return self.gradInput
end

------------------------------------------------------------------------ Sum / Mean / Max / Min
local Sum, sumparent = torch.class('nn.Sum', 'nn.Module')
function Sum:__init(dimension, nInputDims, sizeAverage, squeeze)
   sumparent.__init(self)
   self.dimension = dimension or 1
   self.nInputDims = nInputDims
   self.sizeAverage = sizeAverage or false
   if squeeze ~= nil then self.squeeze = squeeze else self.squeeze = true end
end
function Sum:_getPositiveDimension(input)
   local dimension = self.dimension
   if dimension < 0 then
      dimension = input:dim() + dimension + 1
   elseif self.nInputDims and input:dim() == (self.nInputDims + 1) then
      dimension = dimension + 1
   end
   utils.checkInput(self, dimension >= 1 and dimension <= input:dim(),
                    'with at least ' .. dimension .. ' dimensions', input)
   return dimension
end
function Sum:updateOutput(input)
   local dimension = self:_getPositiveDimension(input)
   if type(self.output) == 'number' then self.output = input.new() end
   self.output:sum(input, dimension)
   if self.sizeAverage then self.output:div(input:size(dimension)) end
   if self.squeeze and self.output:nDimension() > 1 then
      self.output = self.output:select(dimension, 1)
   end
   return self.output
end
function Sum:updateGradInput(input, gradOutput)
   local dimension = self:_getPositiveDimension(input)
   local size = input:size()
   size[dimension] = 1
   if not gradOutput:isContiguous() then
      self._gradOutput = self._gradOutput or gradOutput.new()
      self._gradOutput:resizeAs(gradOutput):copy(gradOutput)
      gradOutput = self._gradOutput
   end
   gradOutput = gradOutput:view(size)
   self.gradInput:resizeAs(input)
   self.gradInput:copy(gradOutput:expandAs(input))
   if self.sizeAverage then self.gradInput:div(input:size(dimension)) end
   return self.gradInput
end
function Sum:clearState()
   utils.clear(self, '_gradOutput')
   return sumparent.clearState(self)
end

local Mean, meanparent = torch.class('nn.Mean', 'nn.Sum')
function Mean:__init(dimension, nInputDims)
   meanparent.__init(self, dimension, nInputDims, true)
end

local function MaxMin(name, op)
   local M, mparent = torch.class('nn.' .. name, 'nn.Module')
   function M:__init(dimension, nInputDims)
      mparent.__init(self)
      self.dimension = dimension or 1
      self.nInputDims = nInputDims
   end
   M._getPositiveDimension = Sum._getPositiveDimension
   function M:_lazyInit()
      self._output = self._output or self.output.new()
      if not self._indices or torch.typename(self._indices) ~= 'torch.LongTensor' then
         self._indices = torch.LongTensor()
      end
   end
   function M:updateOutput(input)
      self:_lazyInit()
      local dimension = self:_getPositiveDimension(input)
      torch[op](self._output, self._indices, input, dimension)
      if input:dim() > 1 then
         self.output:set(self._output:select(dimension, 1))
      else
         self.output:set(self._output)
      end
      return self.output
   end
   function M:updateGradInput(input, gradOutput)
      self:_lazyInit()
      local dimension = self:_getPositiveDimension(input)
      local gradOutputView
      if input:dim() > 1 then
         gradOutputView = nn.utils.addSingletonDimension(gradOutput, dimension)
      else
         gradOutputView = gradOutput
      end
      self.gradInput:resizeAs(input):zero():scatter(dimension, self._indices, gradOutputView)
      return self.gradInput
   end
   function M:type(type, tensorCache)
      self._indices = nil
      mparent.type(self, type, tensorCache)
      return self
   end
   function M:clearState()
      utils.clear(self, '_indices', '_output')
      return mparent.clearState(self)
   end
end
MaxMin('Max', 'max')
MaxMin('Min', 'min')

------------------------------------------------------------------------ arithmetic with parameters
local CMul, cmparent = torch.class('nn.CMul', 'nn.Module')
function CMul:__init(...)
   cmparent.__init(self)
   self.size = utils.sizeFromArgs({...})
   self.weight = torch.Tensor(self.size)
   self.gradWeight = torch.Tensor(self.size)
   self.output:resize(self.size)
   self:reset()
end
function CMul:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:nElement()) end
   self.weight:uniform(-stdv, stdv)
end
-- the weight expanded to the input (batch = leading dimension when sizes differ)
function CMul:_expanded(input)
   if input:nElement() == self.weight:nElement() then
      return self.weight:view(input:size()), false
   end
   local batchSize = input:size(1)
   utils.checkInput(self, input:nElement() == batchSize * self.weight:nElement(),
                    'of size ' .. table.concat(self.size:totable(), ' x ') .. ' or N x that', input)
   local sz = {batchSize}
   for i = 1, #self.size do sz[#sz + 1] = self.size[i] end
   local w = self.weight:view(1, unpack(self.size:totable())):expand(unpack(sz))
   return w, true
end
function CMul:updateOutput(input)
   local w, batch = self:_expanded(input)
   self.output:resizeAs(input):copy(input)
   if batch then
      local sz = w:size()
      self.output:view(sz):cmul(w)
   else
      self.output:cmul(w)
   end
   return self.output
end
function CMul:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local w, batch = self:_expanded(input)
   self.gradInput:resizeAs(input):zero()
   if batch then
      self.gradInput:view(w:size()):addcmul(1, w, gradOutput:contiguous():view(w:size()))
   else
      self.gradInput:addcmul(1, w, gradOutput:contiguous():view(w:size()))
   end
   return self.gradInput
end
function CMul:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   if input:nElement() == self.weight:nElement() then
      self.gradWeight:view(input:size()):addcmul(scale, input, gradOutput:contiguous():view(input:size()))
   else
      local batchSize = input:size(1)
      local prod = torch.cmul(input:contiguous():view(batchSize, -1), gradOutput:contiguous():view(batchSize, -1))
      self.gradWeight:view(-1):add(scale, prod:sum(1):view(-1))
   end
end
function CMul:__tostring__()
   return torch.type(self) .. '(' .. table.concat(self.size:totable(), 'x') .. ')'
end

local Mul, mulparent = torch.class('nn.Mul', 'nn.Module')
function Mul:__init()
   mulparent.__init(self)
   self.weight = torch.Tensor(1)
   self.gradWeight = torch.Tensor(1)
   self:reset()
end
function Mul:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(1)) end
   self.weight:uniform(-stdv, stdv)
end
function Mul:updateOutput(input)
   self.output:resizeAs(input):copy(input)
   self.output:mul(self.weight[1])
   return self.output
end
function Mul:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(input):zero()
   self.gradInput:add(self.weight[1], gradOutput)
   return self.gradInput
end
function Mul:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   self.gradWeight[1] = self.gradWeight[1] + scale * input:dot(gradOutput:contiguous():viewAs(input))
end

local Add, addparent = torch.class('nn.Add', 'nn.Module')
function Add:__init(inputSize, scalar)
   addparent.__init(self)
   local size = inputSize
   if scalar then size = 1 end
   self.scalar = scalar
   self.bias = torch.Tensor(size)
   self.gradBias = torch.Tensor(size)
   self._ones = torch.Tensor{1}
   self:reset()
end
function Add:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.bias:size(1)) end
   self.bias:uniform(-stdv, stdv)
end
function Add:updateOutput(input)
   self.output:resizeAs(input):copy(input)
   if self.scalar then
      self.output:add(self.bias[1])
   elseif input:isSameSizeAs(self.bias) then
      self.output:add(self.bias)
   else
      local batchSize = input:size(1)
      utils.checkInput(self, input:nElement() == batchSize * self.bias:nElement(),
                       'of ' .. self.bias:nElement() .. ' elements or N x that', input)
      self.output:view(batchSize, -1):add(self.bias:view(1, -1):expand(batchSize, self.bias:nElement()))
   end
   return self.output
end
function Add:updateGradInput(input, gradOutput)
   if self.gradInput then
      self.gradInput:resizeAs(gradOutput):copy(gradOutput)
      return self.gradInput
   end
end
function Add:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   if self.gradBias:size(1) == 1 then
      self.gradBias[1] = self.gradBias[1] + scale * gradOutput:sum()
   elseif input:isSameSizeAs(self.bias) then
      self.gradBias:add(scale, gradOutput)
   else
      local batchSize = input:size(1)
      self.gradBias:view(-1):add(scale, gradOutput:contiguous():view(batchSize, -1):sum(1):view(-1))
   end
end

local MulConstant, mcparent = torch.class('nn.MulConstant', 'nn.Module')
function MulConstant:__init(constant_scalar, ip)
   mcparent.__init(self)
   assert(type(constant_scalar) == 'number', 'nn.MulConstant: input is not scalar!')
   self.constant_scalar = constant_scalar
   self.inplace = ip or false
end
-- output = input <op> constant_scalar, in the input's own storage when inplace
local function applyConstant(self, input, op)
   local out = input
   if not self.inplace then out = self.output:resizeAs(input):copy(input) end
   out[op](out, self.constant_scalar)
   self.output:set(out)
   return self.output
end

function MulConstant:updateOutput(input) return applyConstant(self, input, 'mul') end
function MulConstant:updateGradInput(input, gradOutput)
   if self.gradInput then
      if self.inplace then
         gradOutput:mul(self.constant_scalar)
         self.gradInput:set(gradOutput)
         input:div(self.constant_scalar)
      else
         self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(self.constant_scalar)
      end
      return self.gradInput
   end
end

local AddConstant, acparent = torch.class('nn.AddConstant', 'nn.Module')
function AddConstant:__init(constant_scalar, ip)
   acparent.__init(self)
   assert(type(constant_scalar) == 'number' or torch.isTensor(constant_scalar), 'nn.AddConstant: input is not a scalar or a tensor')
   self.constant_scalar = constant_scalar
   self.inplace = ip or false
end
function AddConstant:updateOutput(input) return applyConstant(self, input, 'add') end
function AddConstant:updateGradInput(input, gradOutput)
   if self.inplace then
      self.gradInput:set(gradOutput)
      input:add(-self.constant_scalar)
   else
      self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   end
   return self.gradInput
end

------------------------------------------------------------------------ Dropout
local Dropout, dparent = torch.class('nn.Dropout', 'nn.Module')
function Dropout:__init(p, v1, inplace, stochasticInference)
   dparent.__init(self)
   self.p = p or 0.5
   self.train = true
   self.inplace = inplace
   self.stochastic_inference = stochasticInference or false
   self.v2 = not v1
   if self.p >= 1 or self.p < 0 then error('nn.Dropout: p must be in [0, 1), got ' .. self.p) end
   self.noise = torch.Tensor()
end
function Dropout:updateOutput(input)
   if self.inplace then self.output:set(input) else self.output:resizeAs(input):copy(input) end
   if self.p > 0 then
      if self.train or self.stochastic_inference then
         self.noise:resizeAs(input)
         self.noise:bernoulli(1 - self.p)
         if self.v2 then self.noise:div(1 - self.p) end
         self.output:cmul(self.noise)
      elseif not self.v2 then
         self.output:mul(1 - self.p)
      end
   end
   return self.output
end
function Dropout:updateGradInput(input, gradOutput)
   if self.inplace then self.gradInput:set(gradOutput) else self.gradInput:resizeAs(gradOutput):copy(gradOutput) end
   if self.train then
      if self.p > 0 then self.gradInput:cmul(self.noise) end
   else
      if not self.v2 and self.p > 0 then self.gradInput:mul(1 - self.p) end
   end
   return self.gradInput
end
function Dropout:setp(p) self.p = p end
function Dropout:__tostring__()
   return string.format('%s(%f)', torch.type(self), self.p)
end
function Dropout:clearState()
   if self.noise then nn.utils.empty(self.noise) end
   return dparent.clearState(self)
end

------------------------------------------------------------------------ GradientReversal
local GradientReversal, grparent = torch.class('nn.GradientReversal', 'nn.Module')
function GradientReversal:__init(lambda)
   grparent.__init(self)
   self.lambda = lambda or 1
end
function GradientReversal:setLambda(lambda) self.lambda = lambda end
function GradientReversal:updateOutput(input) self.output:set(input); return self.output end
function GradientReversal:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(-self.lambda)
   return self.gradInput
end

------------------------------------------------------------------------ pointwise pure-Lua layers
local Power, powparent = torch.class('nn.Power', 'nn.Module')
function Power:__init(p) powparent.__init(self); self.pow = p; if not p then error('nn.Power(power)') end end
function Power:updateOutput(input)
   self.output:resizeAs(input):copy(input):pow(self.pow)
   return self.output
end
function Power:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(input):copy(input):pow(self.pow - 1):mul(self.pow):cmul(gradOutput)
   return self.gradInput
end

local Exp = torch.class('nn.Exp', 'nn.Module')
function Exp:updateOutput(input) return self.output:exp(input) end
function Exp:updateGradInput(input, gradOutput) return self.gradInput:cmul(self.output, gradOutput) end

local Log = torch.class('nn.Log', 'nn.Module')
function Log:updateOutput(input) self.output:resizeAs(input):copy(input):log(); return self.output end
function Log:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(input):fill(1):cdiv(input):cmul(gradOutput)
   return self.gradInput
end

local SoftSign = torch.class('nn.SoftSign', 'nn.Module')
function SoftSign:updateOutput(input)
   self.temp = self.temp or input.new()
   self.temp:resizeAs(input):copy(input):abs():add(1)
   self.output:resizeAs(input):copy(input):cdiv(self.temp)
   return self.output
end
function SoftSign:updateGradInput(input, gradOutput)
   self.tempgrad = self.tempgrad or input.new()
   self.tempgrad:resizeAs(self.output):copy(input):abs():add(1):cmul(self.tempgrad)
   self.gradInput:resizeAs(input):copy(gradOutput):cdiv(self.tempgrad)
   return self.gradInput
end

local TanhShrink, tsparent = torch.class('nn.TanhShrink', 'nn.Module')
function TanhShrink:__init() tsparent.__init(self); self.tanh = nn.Tanh() end
function TanhShrink:updateOutput(input)
   local th = self.tanh:updateOutput(input)
   self.output:resizeAs(input):copy(input)
   self.output:add(-1, th)
   return self.output
end
function TanhShrink:updateGradInput(input, gradOutput)
   local dth = self.tanh:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(input):copy(gradOutput)
   self.gradInput:add(-1, dth)
   return self.gradInput
end

------------------------------------------------------------------------ Normalize
local Normalize, normparent = torch.class('nn.Normalize', 'nn.Module')
function Normalize:__init(p, eps)
   normparent.__init(self)
   assert(p, 'nn.Normalize: p-norm not provided')
   assert(p > 0, 'nn.Normalize: p-norm must be > 0')
   self.p = p
   self.eps = eps or 1e-10
end
function Normalize:updateOutput(input)
   utils.checkInput(self, input:dim() <= 2 and input:dim() >= 1, '1-D or 2-D (batch)', input)
   local is_batch = input:dim() == 2
   local x = is_batch and input or input:view(1, -1)
   local n = x:size(1)
   self._norm = self._norm or x.new()
   -- Torch7's: max|x| + eps for p = inf, (sum |x|^p + eps)^(1/p) otherwise
   if self.p == math.huge then
      self._norm = x:clone():abs():max(2):add(self.eps)
   else
      self._norm = x:clone():abs():pow(self.p):sum(2):add(self.eps):pow(1 / self.p)
   end
   self.output:resizeAs(x):copy(x):cdiv(self._norm:expand(n, x:size(2)))
   self.output = self.output:viewAs(input)
   return self.output
end
function Normalize:updateGradInput(input, gradOutput)
   local is_batch = input:dim() == 2
   local x = is_batch and input or input:view(1, -1)
   local go = gradOutput:contiguous():viewAs(x)
   local n, d = x:size(1), x:size(2)
   local norm = self._norm  -- n x 1 (with eps)
   local gi = x.new():resizeAs(x)
   if self.p == math.huge then
      -- d||x||_inf/dx = sign(x_k) at the argmax
      local _, idx = x:clone():abs():max(2)
      local dots = torch.cmul(x, go):sum(2)
      gi:copy(go):cdiv(norm:expand(n, d))
      for i = 1, n do
         local k = idx[i][1]
         local s = x[i][k] >= 0 and 1 or -1
         gi[i][k] = gi[i][k] - dots[i][1] * s / (norm[i][1] * norm[i][1])
      end
   else
      -- y = x / N, dN/dx = |x|^(p-1) sign(x) / N^(p-1)
      local nr = norm
      local dots = torch.cmul(x, go):sum(2)                                -- n x 1
      local absx = x:clone():abs()
      local dN = absx:pow(self.p - 1):cmul(torch.sign(x))
      dN:cdiv(torch.pow(nr, self.p - 1):expand(n, d))
      gi:copy(go):cdiv(norm:expand(n, d))
      local coef = dots:cdiv(torch.cmul(norm, norm))                      -- n x 1
      gi:addcmul(-1, dN, coef:expand(n, d))
   end
   self.gradInput:resizeAs(input):copy(gi:viewAs(input))
   return self.gradInput
end
function Normalize:__tostring__()
   local s = (self.p == math.huge) and 'inf' or tostring(self.p)
   return torch.type(self) .. '(' .. s .. ')'
end

------------------------------------------------------------------------ distances with parameters
-- (Euclidean, WeightedEuclidean and Cosine: linear_variants.lua)

------------------------------------------------------------------------ Bilinear
local Bilinear, blparent = torch.class('nn.Bilinear', 'nn.Module')
function Bilinear:__init(inputSize1, inputSize2, outputSize, bias)
   blparent.__init(self)
   local bias = (bias == nil) and true or bias
   self.weight = torch.Tensor(outputSize, inputSize1, inputSize2)
   self.gradWeight = torch.Tensor(outputSize, inputSize1, inputSize2)
   if bias then
      self.bias = torch.Tensor(outputSize)
      self.gradBias = torch.Tensor(outputSize)
   end
   self.gradInput = {torch.Tensor(), torch.Tensor()}
   self:reset()
end
function Bilinear:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(2)) end
   self.weight:uniform(-stdv, stdv)
   if self.bias then self.bias:uniform(-stdv, stdv) end
   return self
end
function Bilinear:_check(input)
   local ok = torch.type(input) == 'table' and #input == 2 and torch.isTensor(input[1]) and torch.isTensor(input[2])
      and input[1]:dim() == 2 and input[2]:dim() == 2 and input[1]:size(1) == input[2]:size(1)
      and input[1]:size(2) == self.weight:size(2) and input[2]:size(2) == self.weight:size(3)
   if not ok then
      error(string.format('nn.Bilinear: expected input {N x %d, N x %d}, got %s', self.weight:size(2), self.weight:size(3),
                          torch.type(input) == 'table' and ('{' .. utils.shape(input[1]) .. ', ' .. utils.shape(input[2]) .. '}') or torch.type(input)), 0)
   end
end
function Bilinear:updateOutput(input)
   self:_check(input)
   local n = input[1]:size(1)
   self.output:resize(n, self.weight:size(1))
   self.buff2 = self.buff2 or input[1].new()
   for k = 1, self.weight:size(1) do
      self.buff2:resizeAs(input[2]):mm(input[1], self.weight[k])
      self.output:select(2, k):copy(self.buff2:cmul(input[2]):sum(2):view(n))
   end
   if self.bias then self.output:add(self.bias:view(1, -1):expand(n, self.bias:size(1))) end
   return self.output
end
function Bilinear:updateGradInput(input, gradOutput)
   local n = input[1]:size(1)
   self.gradInput[1] = self.gradInput[1] or input[1].new()
   self.gradInput[2] = self.gradInput[2] or input[2].new()
   self.gradInput[1]:resizeAs(input[1]):zero()
   self.gradInput[2]:resizeAs(input[2]):zero()
   for k = 1, self.weight:size(1) do
      local g = gradOutput:select(2, k):contiguous():view(n, 1)
      self.gradInput[1]:add(torch.mm(input[2], self.weight[k]:t()):cmul(g:expand(n, input[1]:size(2))))
      self.gradInput[2]:add(torch.mm(input[1], self.weight[k]):cmul(g:expand(n, input[2]:size(2))))
   end
   return self.gradInput
end
function Bilinear:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local n = input[1]:size(1)
   for k = 1, self.weight:size(1) do
      local g = gradOutput:select(2, k):contiguous():view(n, 1)
      local a = torch.cmul(input[1], g:expand(n, input[1]:size(2)))
      self.gradWeight[k]:addmm(scale, a:t(), input[2])
   end
   if self.bias then self.gradBias:add(scale, gradOutput:sum(1):view(-1)) end
end
function Bilinear:__tostring__()
   return torch.type(self) .. string.format('(%dx%d -> %d) %s', self.weight:size(2), self.weight:size(3),
                                            self.weight:size(1), (self.bias == nil and ' without bias' or ''))
end
