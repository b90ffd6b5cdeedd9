-- nn.SparseLinear(inputSize, outputSize, doGradInput): Linear on sparse input, as Torch7. Input:
-- an nnz x 2 tensor of (index, value) rows (one sample), a table of those (a batch), or the
-- legacy batch x nnz x 2 tensor. Indices are 1-based. After one forward/backward, zeroGradParameters
-- and updateParameters touch only the weight columns of the features seen (THNN SparseLinear_*).
local THNN = nn.THNN

local NO_LAST_INPUT, ONE_LAST_INPUT, ACC_MULTIPLE_TIMES = 0, 1, 2

local SL, parent = torch.class('nn.SparseLinear', 'nn.Module')
function SL:__init(inputSize, outputSize, doGradInput)
   parent.__init(self)
   self.weightDecay = 0
   self.doGradInput = doGradInput or false
   assert(type(self.doGradInput) == 'boolean', 'nn.SparseLinear: doGradInput must be a boolean')
   self.weight = torch.Tensor(outputSize, inputSize):zero()
   self.bias = torch.Tensor(outputSize):zero()
   self.gradWeight = torch.Tensor(outputSize, inputSize):zero()
   self.gradBias = torch.Tensor(outputSize):zero()
   self.lastInput = nil
   self.sparseUpdate = NO_LAST_INPUT
   self.formatted_input = nil
   self.gradInput = {}
   self.output:resize(outputSize)
   self:reset()
end
function SL:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(2)) end
   self.weight:uniform(-stdv, stdv)
   self.bias:uniform(-stdv, stdv):mul(0.000001)
end
-- input as (list of samples, batchMode, legacyMode)
function SL:reshapeInput(input)
   if type(input) == 'table' then return input, true, false end
   if not torch.isTensor(input) then
      error('nn.SparseLinear: expected input to be an nnz x 2 tensor, a table of them or a batch x nnz x 2 tensor, got '
            .. torch.type(input), 0)
   end
   if input:dim() == 2 then return {input}, false, false end
   if input:dim() == 3 then return input, true, true end
   error('nn.SparseLinear: expected input nnz x 2 (index, value) or batch x nnz x 2, got ' .. nn.utils.shape(input), 0)
end
function SL:updateOutput(input)
   if self.sparseUpdate == ONE_LAST_INPUT then self.sparseUpdate = ACC_MULTIPLE_TIMES end
   local batchMode, legacyMode
   input, batchMode, legacyMode = self:reshapeInput(input)
   self.legacyMode = legacyMode
   if legacyMode then
      THNN.checkFloat(self, input, 'input')
      THNN.SparseLinear_legacyUpdateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(), self.bias:cdata(),
                                           THNN.BASE)
      return self.output
   end
   local nbatches = #input
   if nbatches == 0 then
      self.output:resizeAs(self.bias):copy(self.bias)
      return self.output
   end
   local size, counts = 0, {}
   for i = 1, nbatches do
      local v = input[i]
      -- a sample without entries may be an empty tensor (0 dims in Torch7)
      local empty = torch.isTensor(v) and v:nElement() == 0
      if not empty and (not torch.isTensor(v) or v:dim() ~= 2 or v:size(2) ~= 2) then
         error(string.format('nn.SparseLinear: expected input[%d] to be an nnz x 2 (index, value) tensor, got %s', i,
                             nn.utils.shape(v)), 0)
      end
      counts[i] = empty and 0 or v:size(1)
      size = size + counts[i]
   end
   if not self.formatted_input or torch.type(self.formatted_input) ~= torch.type(self.weight) then
      self.formatted_input = self.weight.new()
   end
   self.formatted_input:resize(size, 3)
   local marker = 1
   for i = 1, nbatches do
      local n = counts[i]
      if n > 0 then
         local buf = self.formatted_input:narrow(1, marker, n)
         buf:narrow(2, 2, 2):copy(input[i])
         buf:select(2, 1):fill(i)
      end
      marker = marker + n
   end
   self.output:resize(nbatches, self.weight:size(1))
   THNN.SparseLinear_updateOutput(self.formatted_input:cdata(), self.output:cdata(), self.weight:cdata(),
                                  self.bias:cdata(), THNN.BASE)
   if not batchMode then self.output = self.output[1] end
   return self.output
end
function SL:accGradParameters(input, gradOutput, scale)
   local batchMode, legacyMode
   input, batchMode, legacyMode = self:reshapeInput(input)
   self.legacyMode = legacyMode
   self.lastInput = self.lastInput or gradOutput.new()
   if self.sparseUpdate == NO_LAST_INPUT then
      local v = legacyMode and input or self.formatted_input
      self.lastInput:resizeAs(v):copy(v)
      self.sparseUpdate = ONE_LAST_INPUT
   elseif self.sparseUpdate == ONE_LAST_INPUT then
      self.sparseUpdate = ACC_MULTIPLE_TIMES
   end
   if legacyMode then
      THNN.SparseLinear_legacyAccGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
         self.gradBias:cdata(), self.weight:cdata(), self.bias:cdata(), self.weightDecay or 0, scale or 1, THNN.BASE)
   else
      if #input == 0 then return end
      if not batchMode then gradOutput = gradOutput:view(1, gradOutput:size(1)) end
      THNN.SparseLinear_accGradParameters(self.formatted_input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
         self.gradBias:cdata(), self.weight:cdata(), self.bias:cdata(), self.weightDecay or 0, scale or 1, THNN.BASE)
   end
end
-- the dense gradient w.r.t. the values, returned in the input's sparse format over every feature
function SL:updateGradInput(input, gradOutput)
   if self.legacyMode then
      if not torch.isTensor(self.gradInput) then self.gradInput = gradOutput.new() end
      self.gradInput:resizeAs(input)
   else
      self.gradInput = {}
   end
   if self.doGradInput then
      local gi, batchMode = nil, true
      if gradOutput:dim() == 1 then
         gi = torch.mv(self.weight:t(), gradOutput)
         batchMode = false
      else
         gi = torch.mm(gradOutput, self.weight)
      end
      local ini = self.weight:size(2)
      if self.legacyMode then
         local batches = self.gradInput:size(1)
         self.gradInput:resize(batches, ini, 2)
         self.gradInput:select(3, 1):copy(torch.range(1, ini):view(1, ini):expand(batches, ini))
         self.gradInput:select(3, 2):copy(gi)
      else
         if not batchMode then gi = gi:view(1, ini) end
         for i = 1, gi:size(1) do
            self.gradInput[i] = gradOutput.new(ini, 2)
            self.gradInput[i]:select(2, 2):copy(gi[i])
            self.gradInput[i]:select(2, 1):range(1, ini)
         end
      end
   end
   return self.gradInput
end
-- sparse steps / zeroing are only valid after exactly one accumulation since the last zeroing
function SL:updateParameters(learningRate)
   if self.lastInput and self.sparseUpdate == ONE_LAST_INPUT then
      local f = self.legacyMode and THNN.SparseLinear_legacyUpdateParameters or THNN.SparseLinear_updateParameters
      f(self.weight:cdata(), self.bias:cdata(), self.gradWeight:cdata(), self.gradBias:cdata(), self.lastInput:cdata(),
        learningRate, THNN.BASE)
   else
      parent.updateParameters(self, learningRate)
   end
end
function SL:zeroGradParameters()
   if self.lastInput and self.sparseUpdate == ONE_LAST_INPUT then
      local f = self.legacyMode and THNN.SparseLinear_legacyZeroGradParameters or THNN.SparseLinear_zeroGradParameters
      f(self.gradWeight:cdata(), self.gradBias:cdata(), self.lastInput:cdata(), THNN.BASE)
   else
      parent.zeroGradParameters(self)
   end
   self.sparseUpdate = NO_LAST_INPUT
end
function SL:clearState()
   if self.lastInput then nn.utils.empty(self.lastInput) end
   nn.utils.clear(self, 'formatted_input')
   self.sparseUpdate = NO_LAST_INPUT
   return parent.clearState(self)
end
function SL:__tostring__()
   return torch.type(self) .. string.format('(%d -> %d)', self.weight:size(2), self.weight:size(1))
end
