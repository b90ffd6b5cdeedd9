-- More pure-Lua layers: SpatialCrossMapLRN (CPU path), CAdd, MV, CMaxTable/CMinTable,
-- SpatialDropout/VolumetricDropout, SpatialSoftMax/SpatialLogSoftMax, L1Penalty, Index,
-- MaskedSelect, PixelShuffle, CReLU; criterions MultiLabelSoftMargin, WeightedMSE, L1Cost.
local utils = nn.utils

------------------------------------------------------------------------ SpatialCrossMapLRN
local LRN, lrnparent = torch.class('nn.SpatialCrossMapLRN', 'nn.Module')
function LRN:__init(size, alpha, beta, k)
   lrnparent.__init(self)
   self.size = size
   self.alpha = alpha or 0.0001
   self.beta = beta or 0.75
   self.k = k or 1
end
-- sum over the channel window [c - pre + 1, c + pre - 1] of t (N x C x H x W)
local function windowSum(out, t, size)
   local C = t:size(2)
   local pre = math.floor((size - 1) / 2) + 1
   out:resizeAs(t):zero()
   for c = 1, C do
      local lo, hi = math.max(1, c - pre + 1), math.min(C, c + pre - 1)
      out:select(2, c):copy(t:narrow(2, lo, hi - lo + 1):sum(2):select(2, 1))
   end
   return out
end
function LRN:updateOutput(input)
   utils.checkInput(self, input:dim() == 3 or input:dim() == 4, '3-D (C x H x W) or 4-D (batch: N x C x H x W)', input)
   local x = input:dim() == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
   self.scale = self.scale or x.new()
   self._sq = self._sq or x.new()
   self._sq:resizeAs(x):copy(x):cmul(x)
   windowSum(self.scale, self._sq, self.size)
   self.scale:mul(self.alpha / self.size):add(self.k)
   self.output:resizeAs(x):copy(self.scale):pow(-self.beta):cmul(x)
   self.output = self.output:viewAs(input)
   return self.output
end
function LRN:updateGradInput(input, gradOutput)
   local x = input:dim() == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
   local go = gradOutput:contiguous():viewAs(x)
   local y = self.output:viewAs(x)
   local ratio = torch.cmul(go, y):cdiv(self.scale)
   local acc = windowSum(x.new(), ratio, self.size)
   local gi = torch.pow(self.scale, -self.beta):cmul(go)
   gi:addcmul(-2 * self.alpha * self.beta / self.size, x, acc)
   self.gradInput:resizeAs(input):copy(gi:viewAs(input))
   return self.gradInput
end
function LRN:clearState()
   utils.clear(self, 'scale', '_sq')
   return lrnparent.clearState(self)
end

------------------------------------------------------------------------ CAdd
local CAdd, caddparent = torch.class('nn.CAdd', 'nn.Module')
function CAdd:__init(...)
   caddparent.__init(self)
   self.size = utils.sizeFromArgs({...})
   self.bias = torch.Tensor(self.size)
   self.gradBias = torch.Tensor(self.size)
   self:reset()
end
function CAdd:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.bias:nElement()) end
   self.bias:uniform(-stdv, stdv)
end
function CAdd:updateOutput(input)
   self.output:resizeAs(input):copy(input)
   if input:nElement() == self.bias:nElement() then
      self.output:add(self.bias:viewAs(input))
   else
      local n = input:size(1)
      utils.checkInput(self, input:nElement() == n * self.bias:nElement(),
                       'of size ' .. table.concat(self.size:totable(), ' x ') .. ' or N x that', input)
      self.output:view(n, -1):add(self.bias:view(1, -1):expand(n, self.bias:nElement()))
   end
   return self.output
end
function CAdd:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   return self.gradInput
end
function CAdd:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   if input:nElement() == self.bias:nElement() then
      self.gradBias:view(-1):add(scale, gradOutput:contiguous():view(-1))
   else
      local n = input:size(1)
      self.gradBias:view(-1):add(scale, gradOutput:contiguous():view(n, -1):sum(1):view(-1))
   end
end

------------------------------------------------------------------------ MV
local MV, mvparent = torch.class('nn.MV', 'nn.Module')
function MV:__init(trans)
   mvparent.__init(self)
   self.trans = trans or false
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end
function MV:updateOutput(input)
   local M, v = input[1], input[2]
   utils.checkInput(self, torch.type(input) == 'table' and ((M:dim() == 2 and v:dim() == 1) or (M:dim() == 3 and v:dim() == 2)),
                    'pair {matrix, vector} or a batch of them, element 1', M)
   if M:dim() == 2 then
      if self.trans then M = M:t() end
      self.output:resize(M:size(1)):mv(M, v)
   else
      if self.trans then M = M:transpose(2, 3) end
      self.output:resize(M:size(1), M:size(2))
      self.output:view(M:size(1), M:size(2), 1):bmm(M, v:contiguous():view(v:size(1), v:size(2), 1))
   end
   return self.output
end
function MV:updateGradInput(input, gradOutput)
   local M, v = input[1], input[2]
   self.gradInput[1] = self.gradInput[1] or M.new()
   self.gradInput[2] = self.gradInput[2] or v.new()
   self.gradInput[1]:resizeAs(M)
   self.gradInput[2]:resizeAs(v)
   if M:dim() == 2 then
      if self.trans then
         self.gradInput[1]:ger(v, gradOutput)
         self.gradInput[2]:mv(M, gradOutput)
      else
         self.gradInput[1]:ger(gradOutput, v)
         self.gradInput[2]:mv(M:t(), gradOutput)
      end
   else
      local n = M:size(1)
      local go = gradOutput:contiguous()
      if self.trans then
         self.gradInput[1]:bmm(v:contiguous():view(n, -1, 1), go:view(n, 1, -1))
         self.gradInput[2]:view(n, -1, 1):bmm(M, go:view(n, -1, 1))
      else
         self.gradInput[1]:bmm(go:view(n, -1, 1), v:contiguous():view(n, 1, -1))
         self.gradInput[2]:view(n, -1, 1):bmm(M:transpose(2, 3), go:view(n, -1, 1))
      end
   end
   return self.gradInput
end

------------------------------------------------------------------------ CMaxTable / CMinTable
local function cmaxmin(name, better)
   local M, mp = torch.class('nn.' .. name, 'nn.Module')
   function M:__init()
      mp.__init(self)
      self.gradInput = {}
   end
   function M:updateOutput(input)
      utils.checkInput(self, torch.type(input) == 'table' and #input >= 1, 'table of tensors', input)
      self.output:resizeAs(input[1]):copy(input[1])
      self._idx = self._idx or input[1].new()
      self._idx:resizeAs(input[1]):fill(1)
      for i = 2, #input do
         local mask = better(input[i], self.output)
         self.output:maskedCopy(mask, input[i]:maskedSelect(mask))
         self._idx:maskedFill(mask, i)
      end
      return self.output
   end
   function M:updateGradInput(input, gradOutput)
      for i = 1, #input do
         self.gradInput[i] = self.gradInput[i] or input[i].new()
         self.gradInput[i]:resizeAs(input[i]):copy(gradOutput)
         self.gradInput[i]:cmul(torch.eq(self._idx, i):typeAs(gradOutput))
      end
      for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
      return self.gradInput
   end
end
cmaxmin('CMaxTable', function(a, b) return torch.gt(a, b) end)
cmaxmin('CMinTable', function(a, b) return torch.lt(a, b) end)

------------------------------------------------------------------------ feature-map dropout
local function featureDropout(name, nd)
   local M, mp = torch.class('nn.' .. name, 'nn.Module')
   function M:__init(p, stochasticInference)
      mp.__init(self)
      self.p = p or 0.5
      self.train = true
      self.stochastic_inference = stochasticInference or false
      self.noise = torch.Tensor()
   end
   function M:updateOutput(input)
      self.output:resizeAs(input):copy(input)
      if self.train or self.stochastic_inference then
         utils.checkInput(self, input:dim() == nd or input:dim() == nd + 1,
                          string.format('%d-D or %d-D (batch)', nd, nd + 1), input)
         local sz = input:size()
         for d = input:dim() - nd + 2, input:dim() do sz[d] = 1 end
         self.noise:resize(sz):bernoulli(1 - self.p)
         self.output:cmul(self.noise:expandAs(input))
      else
         self.output:mul(1 - self.p)
      end
      return self.output
   end
   function M:updateGradInput(input, gradOutput)
      if self.train then
         self.gradInput:resizeAs(gradOutput):copy(gradOutput)
         self.gradInput:cmul(self.noise:expandAs(input))
      else
         self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(1 - self.p)
      end
      return self.gradInput
   end
   function M:setp(p) self.p = p end
   function M:__tostring__() return string.format('%s(%f)', torch.type(self), self.p) end
   function M:clearState()
      if self.noise then utils.empty(self.noise) end
      return mp.clearState(self)
   end
end
featureDropout('SpatialDropout', 3)
featureDropout('VolumetricDropout', 4)

-- softmax over the feature dimension of C x H x W / N x C x H x W inputs
torch.class('nn.SpatialSoftMax', 'nn.SoftMax')
torch.class('nn.SpatialLogSoftMax', 'nn.LogSoftMax')

------------------------------------------------------------------------ L1Penalty
local L1P, l1pparent = torch.class('nn.L1Penalty', 'nn.Module')
function L1P:__init(l1weight, sizeAverage, provideOutput)
   l1pparent.__init(self)
   self.l1weight = l1weight
   self.sizeAverage = sizeAverage or false
   if provideOutput == nil then self.provideOutput = true else self.provideOutput = provideOutput end
end
function L1P:updateOutput(input)
   local m = self.l1weight
   if self.sizeAverage then m = m / input:nElement() end
   self.loss = m * input:norm(1)
   self.output = input
   return self.output
end
function L1P:updateGradInput(input, gradOutput)
   local m = self.l1weight
   if self.sizeAverage then m = m / input:nElement() end
   self.gradInput:resizeAs(input):copy(input):sign():mul(m)
   if self.provideOutput then self.gradInput:add(gradOutput) end
   return self.gradInput
end

------------------------------------------------------------------------ Index / MaskedSelect
local Index, idxparent = torch.class('nn.Index', 'nn.Module')
function Index:__init(dimension)
   idxparent.__init(self)
   self.dimension = dimension
   self.gradInput = {self.gradInput, self.gradInput.new()}
end
function Index:updateOutput(input)
   local t, index = input[1], input[2]
   if torch.typename(index) ~= 'torch.LongTensor' then index = index:long() end
   self.output:index(t, self.dimension, index)
   return self.output
end
function Index:updateGradInput(input, gradOutput)
   local t, index = input[1], input[2]
   if torch.typename(index) ~= 'torch.LongTensor' then index = index:long() end
   self.gradInput[1] = self.gradInput[1] or t.new()
   self.gradInput[2] = self.gradInput[2] or t.new()
   self.gradInput[2]:resize(input[2]:size()):zero()
   self.gradInput[1]:resizeAs(t):zero()
   self.gradInput[1]:indexAdd(self.dimension, index, gradOutput)
   return self.gradInput
end

local MS, msparent = torch.class('nn.MaskedSelect', 'nn.Module')
function MS:__init()
   msparent.__init(self)
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end
function MS:updateOutput(input)
   local t, mask = input[1], input[2]
   self.output:maskedSelect(t, mask)
   return self.output
end
function MS:updateGradInput(input, gradOutput)
   local t, mask = input[1], input[2]
   self.gradInput[1] = self.gradInput[1] or t.new()
   self.gradInput[2] = self.gradInput[2] or t.new()
   self.gradInput[1]:resizeAs(t):zero():maskedCopy(mask, gradOutput)
   self.gradInput[2]:resize(mask:size()):zero()
   return self.gradInput
end

------------------------------------------------------------------------ PixelShuffle
local PS, psparent = torch.class('nn.PixelShuffle', 'nn.Module')
function PS:__init(upscaleFactor)
   psparent.__init(self)
   self.upscaleFactor = upscaleFactor
end
function PS:updateOutput(input)
   local r = self.upscaleFactor
   utils.checkInput(self, (input:dim() == 3 or input:dim() == 4) and input:size(input:dim() - 2) % (r * r) == 0,
                    string.format('3-D or 4-D (batch) with channels divisible by %d', r * r), input)
   local x = input:dim() == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
   local n, c, h, w = x:size(1), x:size(2) / (r * r), x:size(3), x:size(4)
   local y = x:contiguous():view(n, c, r, r, h, w):permute(1, 2, 5, 3, 6, 4):contiguous():view(n, c, h * r, w * r)
   if input:dim() == 3 then y = y:view(c, h * r, w * r) end
   self.output:resizeAs(y):copy(y)
   return self.output
end
function PS:updateGradInput(input, gradOutput)
   local r = self.upscaleFactor
   local x = input:dim() == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
   local n, c, h, w = x:size(1), x:size(2) / (r * r), x:size(3), x:size(4)
   local g = gradOutput:contiguous():view(n, c, h, r, w, r):permute(1, 2, 4, 6, 3, 5):contiguous()
   self.gradInput:resizeAs(input):copy(g:viewAs(input))
   return self.gradInput
end

------------------------------------------------------------------------ CReLU
local CReLU, crparent = torch.class('nn.CReLU', 'nn.Module')
function CReLU:__init(nInputDims, inplace)
   crparent.__init(self)
   self.nInputDims = nInputDims
   self.relu = nn.ReLU()
end
function CReLU:_dim(input)
   return (self.nInputDims and input:dim() > self.nInputDims) and 2 or 1
end
function CReLU:updateOutput(input)
   local d = self:_dim(input)
   local sz = input:size()
   sz[d] = sz[d] * 2
   self.output:resize(sz)
   local n = input:size(d)
   self.output:narrow(d, 1, n):copy(input):cmax(0)
   self.output:narrow(d, n + 1, n):copy(input):mul(-1):cmax(0)
   return self.output
end
function CReLU:updateGradInput(input, gradOutput)
   local d = self:_dim(input)
   local n = input:size(d)
   local pos = torch.gt(input, 0):typeAs(input)
   local neg = torch.lt(input, 0):typeAs(input)
   self.gradInput:resizeAs(input):copy(gradOutput:narrow(d, 1, n)):cmul(pos)
   self.gradInput:addcmul(-1, gradOutput:narrow(d, n + 1, n), neg)
   return self.gradInput
end

------------------------------------------------------------------------ criterions
local MLSM, mlsmparent = torch.class('nn.MultiLabelSoftMarginCriterion', 'nn.Criterion')
function MLSM:__init(weights, sizeAverage)
   mlsmparent.__init(self)
   self.lsm = nn.Sigmoid()
   self.nll = nn.BCECriterion(weights, sizeAverage)
   self.sizeAverage = self.nll.sizeAverage
end
function MLSM:updateOutput(input, target)
   input = input:nElement() == 1 and input or input:squeeze()
   target = target:nElement() == 1 and target or target:squeeze()
   self.nll.sizeAverage = self.sizeAverage
   self.lsm:updateOutput(input)
   self.nll:updateOutput(self.lsm.output, target)
   self.output = self.nll.output
   return self.output
end
function MLSM:updateGradInput(input, target)
   local size = input:size()
   input = input:nElement() == 1 and input or input:squeeze()
   target = target:nElement() == 1 and target or target:squeeze()
   self.nll:updateGradInput(self.lsm.output, target)
   self.lsm:updateGradInput(input, self.nll.gradInput)
   self.gradInput:resizeAs(self.lsm.gradInput):copy(self.lsm.gradInput)
   self.gradInput = self.gradInput:view(size)
   return self.gradInput
end

local WMSE, wmseparent = torch.class('nn.WeightedMSECriterion', 'nn.MSECriterion')
function WMSE:__init(w)
   wmseparent.__init(self)
   self.weight = w:clone()
end
function WMSE:_weighted(input, target)
   self.buffer = self.buffer or input.new()
   self.buffer:resizeAs(input):copy(target)
   if input:dim() - 1 == self.weight:dim() then
      for i = 1, input:size(1) do self.buffer[i]:cmul(self.weight) end
   else
      self.buffer:cmul(self.weight)
   end
   return self.buffer
end
function WMSE:updateOutput(input, target)
   return wmseparent.updateOutput(self, input, self:_weighted(input, target))
end
function WMSE:updateGradInput(input, target)
   return wmseparent.updateGradInput(self, input, self:_weighted(input, target))
end

local L1Cost = torch.class('nn.L1Cost', 'nn.Criterion')
function L1Cost:updateOutput(input)
   self.output = input:norm(1)
   return self.output
end
function L1Cost:updateGradInput(input)
   self.gradInput:resizeAs(input):copy(input):sign()
   return self.gradInput
end
