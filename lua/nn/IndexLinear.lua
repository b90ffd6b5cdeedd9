-- nn.IndexLinear(inputSize, outputSize, doGradInput, keysOffset, weight, bias, normalize), as
-- Torch7: a Linear layer on sparse (key, value) batches, weight stored key-major
-- (inputSize x outputSize, + 4 columns with normalize). Input: {keys, values} for one sample
-- (LongTensor, Tensor), {{keys...}, {values...}} for a batch, or the flat
-- {keys, values, sizes}. Keys are 1-based (in [1 + keysOffset, inputSize + keysOffset]).
-- Gradients stay dense per key seen: accGradParameters stores one gradWeight block per call in
-- self.running, and updateParameters applies them to the keys' rows (THNN IndexLinear_*).
local THNN = nn.THNN

local IL, parent = torch.class('nn.IndexLinear', 'nn.Module')
function IL:__init(inputSize, outputSize, doGradInput, keysOffset, weight, bias, normalize)
   parent.__init(self)
   -- with normalize, 4 extra columns per feature: max-abs value, its inverse, update scale, feature bias
   self.normalize = normalize and 4 or 0
   self.weight = weight or torch.Tensor(inputSize, outputSize + self.normalize):zero()
   self.bias = bias or torch.Tensor(outputSize):zero()
   self.inputSize = self.weight:size(1)
   self.outputSize = self.weight:size(2) - self.normalize
   -- gradWeight stays empty: the gradients are kept per key in self.running
   self.gradWeight = torch.Tensor()
   self.gradBias = torch.Tensor(self.outputSize):zero()
   self.gradWeightBuffer = torch.Tensor()
   self.valuesBuffer = torch.Tensor()
   self.normalizedValues = torch.Tensor()
   self.running = {cumSumSizes = {}, keys = {}, gradWeight = {}, counter = 1}
   self.sizesCache = {}
   self.cumSumSizesCache = {}
   self.weightDecay = 0
   self.doGradInput = doGradInput or false
   -- weight row (0-based) = key + offset: keys lie in [1 + keysOffset, inputSize + keysOffset]
   self.offset = -(keysOffset or 0) - 1
   self:reset()
end
function IL:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(2)) end
   self.weight:uniform(-stdv, stdv)
   self.bias:uniform(-stdv, stdv):mul(0.000001)
   if self.normalize > 0 then self.weight:narrow(2, 1, self.normalize):zero() end
   return self
end
local function bad(msg) error('nn.IndexLinear: ' .. msg, 0) end
-- (keys, values[, sizes]) of the input; sets isFlat / noBatch
function IL:reshapeInput(input)
   if type(input) ~= 'table' or (#input ~= 2 and #input ~= 3) then
      bad('expected input {keys, values}, {{keys...}, {values...}} or {keys, values, sizes}, got ' .. torch.type(input))
   end
   if #input == 3 then
      local fkeys, fvals = input[1], input[2]
      local fsizes = torch.isTensor(input[3]) and input[3] or torch.LongTensor{input[3]}
      if not torch.isTensor(fkeys) or not torch.isTensor(fvals) or fkeys:nElement() ~= fvals:nElement() then
         bad('keys and values should be tensors of the same size')
      end
      if fkeys:nElement() > 0 and fkeys:dim() ~= 1 then bad('keys and values should be 1D') end
      self.isFlat, self.noBatch = true, false
      return fkeys, fvals, fsizes
   end
   local keys, values = input[1], input[2]
   local lkeys, lvalues
   if type(keys) == 'table' and type(values) == 'table' then
      lkeys, lvalues = keys, values
      self.isFlat, self.noBatch = false, false
   elseif torch.isTensor(keys) and torch.isTensor(values) then
      lkeys, lvalues = {keys}, {values}
      self.isFlat, self.noBatch = false, true
   else
      bad('wrong input format: expected {keys, values} tensors or tables of them')
   end
   if #lkeys ~= #lvalues then bad(string.format('%d key tensors but %d value tensors', #lkeys, #lvalues)) end
   for i = 1, #lkeys do
      if not torch.isTensor(lkeys[i]) or not torch.isTensor(lvalues[i])
         or lkeys[i]:nElement() ~= lvalues[i]:nElement() or (lkeys[i]:nElement() > 0 and lkeys[i]:dim() ~= 1) then
         bad(string.format('keys and values of sample %d should be 1D tensors of the same size', i))
      end
   end
   return lkeys, lvalues
end
function IL:flattenInputs(input)
   local lkeys, lvalues, sizes = self:reshapeInput(input)
   local counter = self.running.counter
   self.running.keys[counter] = self.running.keys[counter] or torch.LongTensor()
   self.keys = self.running.keys[counter]
   if not self.values or torch.type(self.values) ~= torch.type(self.weight) then self.values = self.weight.new() end
   if self.isFlat then
      self.keys:resize(lkeys:nElement()):copy(lkeys)
      self.values:resize(lvalues:nElement()):copy(lvalues)
      self.sizes = torch.LongTensor(sizes:nElement()):copy(sizes)
   else
      local n = #lkeys
      self.sizesCache[1] = self.sizesCache[1] or torch.LongTensor()
      self.sizes = self.sizesCache[1]:resize(n)
      local total = 0
      for i = 1, n do
         self.sizes[i] = lkeys[i]:nElement()
         total = total + self.sizes[i]
      end
      self.keys:resize(total)
      self.values:resize(total)
      local at = 1
      for i = 1, n do
         local k = self.sizes[i]
         if k > 0 then
            self.keys:narrow(1, at, k):copy(lkeys[i])
            self.values:narrow(1, at, k):copy(lvalues[i])
         end
         at = at + k
      end
   end
   self.cumSumSizesCache[1] = self.cumSumSizesCache[1] or torch.LongTensor()
   self.cumSumSizes = self.cumSumSizesCache[1]:resize(self.sizes:nElement())
   if self.sizes:nElement() > 0 then self.cumSumSizes:cumsum(self.sizes) end
   self.running.cumSumSizes[counter] = self.cumSumSizes:clone()
end
function IL:updateOutput(input)
   self:flattenInputs(input)
   THNN.IndexLinear_updateOutput(self.keys:cdata(), self.offset + 1, self.values:cdata(), self.sizes:cdata(),
      self.output:cdata(), self.weight:cdata(), self.bias:cdata(), self.normalizedValues:cdata(),
      self.train ~= false and 1 or 0, THNN.BASE)
   if self.noBatch then self.output = self.output:view(self.output:size(2)) end
   return self.output
end
local function batchGrad(self, gradOutput)
   if gradOutput:dim() == 1 then return gradOutput:view(1, gradOutput:size(1)) end
   return gradOutput
end
function IL:accUpdateGradParameters(input, gradOutput, lr)
   THNN.IndexLinear_accUpdateGradParameters(self.keys:cdata(), self.offset + 1,
      (self.normalize > 0 and self.normalizedValues or self.values):cdata(), self.sizes:cdata(),
      batchGrad(self, gradOutput):cdata(), self.weight:cdata(), self.bias:cdata(), self.weightDecay or 0, lr or 1,
      THNN.BASE)
end
function IL:accGradParameters(input, gradOutput, scale)
   local counter = self.running.counter
   -- one dense gradient block per call, for the keys of this call
   self.running.gradWeight[counter] = self.running.gradWeight[counter] or self.weight.new()
   if torch.type(self.running.gradWeight[counter]) ~= torch.type(self.weight) then
      self.running.gradWeight[counter] = self.weight.new()
   end
   THNN.IndexLinear_accGradParameters(self.keys:cdata(), self.offset + 1,
      (self.normalize > 0 and self.normalizedValues or self.values):cdata(), self.sizes:cdata(),
      batchGrad(self, gradOutput):cdata(), self.running.gradWeight[counter]:cdata(), self.gradBias:cdata(),
      self.weight:cdata(), self.bias:cdata(), scale or 1, THNN.BASE)
   self.running.counter = counter + 1
end
function IL:updateGradInput(input, gradOutput)
   self.gradInput = {}
   if self.doGradInput and self.normalize > 0 then
      error('nn.IndexLinear: updateGradInput is not implemented in max-normalize mode', 0)
   end
   local ini = self.weight:size(1)
   if self.doGradInput then
      local gi
      if gradOutput:dim() == 1 then gi = torch.mv(self.weight, gradOutput):view(1, ini)
      else gi = torch.mm(gradOutput, self.weight:t()) end
      local indices = torch.LongTensor(ini):range(1, ini)
      if self.isFlat then
         self.gradInput[1] = indices:view(1, ini):expand(gi:size(1), ini):clone()
         self.gradInput[2] = gi
      else
         self.gradInput[1], self.gradInput[2] = {}, {}
         for i = 1, gi:size(1) do
            self.gradInput[1][i] = indices:clone()
            self.gradInput[2][i] = gradOutput.new(ini):copy(gi[i])
         end
      end
      if self.noBatch then self.gradInput = {self.gradInput[1][1], self.gradInput[2][1]} end
   end
   return self.gradInput
end
function IL:updateParameters(lr)
   local counter = self.running.counter
   if counter <= 1 then return end
   if lr == nil then error('nn.IndexLinear: you must specify a learning rate', 0) end
   local keys, gw
   if counter == 2 then
      keys, gw = self.running.keys[1], self.running.gradWeight[1]
   else
      local lkeys, lgw, total = {}, {}, 0
      for i = 1, counter - 1 do
         lkeys[i] = self.running.keys[i]
         lgw[i] = self.running.gradWeight[i]
         total = total + lkeys[i]:nElement()
      end
      self.updateKeysBuffer = self.updateKeysBuffer or torch.LongTensor()
      keys = self.updateKeysBuffer:cat(lkeys, 1)
      gw = self.gradWeightBuffer:cat(lgw, 1)
   end
   THNN.IndexLinear_updateParameters(gw:cdata(), self.gradBias:cdata(), self.weight:cdata(), self.bias:cdata(),
      keys:cdata(), self.offset + 1, self.weightDecay or 0, lr, THNN.BASE)
end
function IL:zeroGradParameters()
   -- the per-key gradient blocks are rewritten by the next accumulation
   self.gradBias:zero()
   self.running.counter = 1
end
-- keys, sizes and their caches stay LongTensors through type conversions
function IL:type(typename, tensorCache)
   local keep = {keys = self.keys, sizes = self.sizes, cumSumSizes = self.cumSumSizes,
                 updateKeysBuffer = self.updateKeysBuffer, sizesCache = self.sizesCache,
                 cumSumSizesCache = self.cumSumSizesCache}
   local rkeys, rsums = self.running.keys, self.running.cumSumSizes
   for k in pairs(keep) do self[k] = nil end
   self.running.keys, self.running.cumSumSizes = {}, {}
   parent.type(self, typename, tensorCache)
   for k, v in pairs(keep) do self[k] = v end
   self.running.keys, self.running.cumSumSizes = rkeys, rsums
   return self
end
function IL:parameters()
   return {self.weight, self.bias}, {self.running, self.gradBias}
end
function IL:clearState()
   self.running.keys, self.running.gradWeight, self.running.cumSumSizes = {}, {}, {}
   self.running.counter = 1
   self.keys, self.values, self.sizes, self.cumSumSizes = nil, nil, nil, nil
   self.sizesCache, self.cumSumSizesCache = {}, {}
   nn.utils.clear(self, 'gradWeightBuffer', 'valuesBuffer', 'normalizedValues', 'updateKeysBuffer')
   return parent.clearState(self)
end
function IL:__tostring__()
   return torch.type(self) .. string.format('(%d -> %d)%s', self.inputSize, self.outputSize,
                                            self.normalize > 0 and ' normalized' or '')
end
