-- Criterions: THNN-backed (MSE, Abs, SmoothL1, SoftMargin, DistKLDiv, Margin, BCE, ClassNLL,
-- SpatialClassNLL, MultiMargin, MultiLabelMargin) and pure Lua ones.
local THNN = nn.THNN
local opt = THNN.optional
local utils = nn.utils

local function checkPair(self, input, target)
   utils.checkTensor(self, input, 'input')
   utils.checkTensor(self, target, 'target')
   THNN.checkFloat(self, input, 'input')
   if input:nElement() ~= target:nElement() then
      error(string.format('%s: expected target with as many elements as input (%s), got %s', torch.typename(self),
                          utils.shape(input), utils.shape(target)), 0)
   end
end

local function outTensor(self, input)
   if not self.output_tensor or torch.typename(self.output_tensor) ~= torch.typename(input) then
      self.output_tensor = input.new(1)
   end
   return self.output_tensor
end

------------------------------------------------------------------------ elementwise THNN criterions
local function pointwise(name, extra)
   local M, mp = torch.class('nn.' .. name, 'nn.Criterion')
   function M:__init(a, b)
      mp.__init(self)
      if extra == 'margin' then
         self.margin = a or 1
         self.sizeAverage = true
      else
         if a ~= nil then self.sizeAverage = a else self.sizeAverage = true end
      end
   end
   function M:updateOutput(input, target)
      checkPair(self, input, target)
      if torch.typename(target) ~= torch.typename(input) then target = target:typeAs(input) end
      local out = outTensor(self, input)
      if extra == 'margin' then
         THNN[name .. '_updateOutput'](input:cdata(), target:cdata(), out:cdata(), self.sizeAverage and 1 or 0, self.margin, 1)
      else
         THNN[name .. '_updateOutput'](input:cdata(), target:cdata(), out:cdata(), self.sizeAverage and 1 or 0, 1)
      end
      self.output = out[1]
      return self.output
   end
   function M:updateGradInput(input, target)
      checkPair(self, input, target)
      if torch.typename(target) ~= torch.typename(input) then target = target:typeAs(input) end
      if extra == 'margin' then
         THNN[name .. '_updateGradInput'](input:cdata(), target:cdata(), nil, self.gradInput:cdata(),
                                          self.sizeAverage and 1 or 0, self.margin, 1)
      else
         THNN[name .. '_updateGradInput'](input:cdata(), target:cdata(), nil, self.gradInput:cdata(),
                                          self.sizeAverage and 1 or 0, 1)
      end
      return self.gradInput
   end
   return M
end
pointwise('MSECriterion')
pointwise('AbsCriterion')
pointwise('SmoothL1Criterion')
pointwise('SoftMarginCriterion')
pointwise('DistKLDivCriterion')
pointwise('MarginCriterion', 'margin')

local BCE, bceparent = torch.class('nn.BCECriterion', 'nn.Criterion')
function BCE:__init(weights, sizeAverage)
   bceparent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
   if weights ~= nil then
      assert(weights:dim() == 1, 'nn.BCECriterion: weights input should be 1-D Tensor')
      self.weights = weights
   end
end
function BCE:_weights(input)
   if not self.weights then return nil end
   if self.weights:nElement() == input:nElement() then return self.weights:viewAs(input) end
   if input:dim() == 2 and self.weights:size(1) == input:size(2) then
      self._w = self._w or input.new()
      self._w:resizeAs(input):copy(self.weights:view(1, -1):expandAs(input))
      return self._w
   end
   error(string.format('nn.BCECriterion: weights of size %s do not match input %s', utils.shape(self.weights), utils.shape(input)), 0)
end
function BCE:updateOutput(input, target)
   checkPair(self, input, target)
   if torch.typename(target) ~= torch.typename(input) then target = target:typeAs(input) end
   local out = outTensor(self, input)
   THNN.BCECriterion_updateOutput(input:cdata(), target:cdata(), out:cdata(), self.sizeAverage and 1 or 0,
                                  opt(self:_weights(input)), 1)
   self.output = out[1]
   return self.output
end
function BCE:updateGradInput(input, target)
   checkPair(self, input, target)
   if torch.typename(target) ~= torch.typename(input) then target = target:typeAs(input) end
   THNN.BCECriterion_updateGradInput(input:cdata(), target:cdata(), nil, self.gradInput:cdata(),
                                     self.sizeAverage and 1 or 0, opt(self:_weights(input)), 1)
   return self.gradInput
end

------------------------------------------------------------------------ class criterions
local function classTarget(self, input, target, spatial)
   utils.checkTensor(self, input, 'input')
   THNN.checkFloat(self, input, 'input')
   if not self._target or torch.typename(self._target) ~= 'torch.LongTensor' then
      self._target = torch.LongTensor()        -- type() converts every field; targets stay Long
   end
   if type(target) == 'number' then
      self._target:resize(1):fill(target)
      target = self._target
   elseif torch.isTensor(target) then
      if torch.typename(target) ~= 'torch.LongTensor' then
         self._target:resize(target:size()):copy(target)
         target = self._target
      end
   else
      error(torch.typename(self) .. ': expected target to be a number or a tensor of class indices, got ' .. torch.type(target), 0)
   end
   return target
end

local ClassNLL, cnparent = torch.class('nn.ClassNLLCriterion', 'nn.Criterion')
function ClassNLL:__init(weights, sizeAverage, ignoreIndex)
   cnparent.__init(self)
   self.sizeAverage = (sizeAverage == nil) and true or sizeAverage
   self.ignoreIndex = ignoreIndex or -100
   if weights then
      assert(weights:dim() == 1, 'nn.ClassNLLCriterion: weights tensor should be 1-D')
      self.weights = weights
   end
   self.output_tensor = torch.zeros(1)
   self.total_weight_tensor = torch.ones(1)
end
function ClassNLL:_check(input, target)
   utils.checkInput(self, input:dim() == 1 or input:dim() == 2, '1-D (nClasses) or 2-D (batch: N x nClasses)', input)
   local n = input:dim() == 1 and 1 or input:size(1)
   if target:nElement() ~= n then
      error(string.format('%s: expected target of %d class indices (one per sample of input %s), got %s',
                          torch.typename(self), n, utils.shape(input), utils.shape(target)), 0)
   end
   local C = input:size(input:dim())
   if target:nElement() > 0 then
      local lo, hi = target:min(), target:max()
      for _, v in ipairs{lo, hi} do
         if (v < 1 or v > C) and v ~= self.ignoreIndex then
            error(string.format('%s: target %d is out of range [1, %d] (nClasses of input %s)', torch.typename(self), v, C,
                                utils.shape(input)), 0)
         end
      end
   end
end
function ClassNLL:updateOutput(input, target)
   target = classTarget(self, input, target)
   self:_check(input, target)
   local out = outTensor(self, input)
   if torch.typename(self.total_weight_tensor) ~= torch.typename(input) then self.total_weight_tensor = input.new(1) end
   THNN.ClassNLLCriterion_updateOutput(input:cdata(), target:view(-1):cdata(), out:cdata(), self.sizeAverage and 1 or 0,
      opt(self.weights), self.total_weight_tensor:cdata(), self.ignoreIndex, 1, THNN.BASE)
   self.output = out[1]
   return self.output, self.total_weight_tensor[1]
end
function ClassNLL:updateGradInput(input, target)
   target = classTarget(self, input, target)
   self:_check(input, target)
   self.gradInput:resizeAs(input):zero()
   THNN.ClassNLLCriterion_updateGradInput(input:cdata(), target:view(-1):cdata(), nil, self.gradInput:cdata(),
      self.sizeAverage and 1 or 0, opt(self.weights), self.total_weight_tensor:cdata(), self.ignoreIndex, 1, THNN.BASE)
   return self.gradInput
end

local SCN, scnparent = torch.class('nn.SpatialClassNLLCriterion', 'nn.Criterion')
function SCN:__init(weights, sizeAverage)
   scnparent.__init(self)
   self.sizeAverage = (sizeAverage == nil) and true or sizeAverage
   self.ignoreIndex = -100
   if weights then
      assert(weights:dim() == 1, 'nn.SpatialClassNLLCriterion: weights tensor should be 1-D')
      self.weights = weights
   end
   self.output_tensor = torch.zeros(1)
   self.total_weight_tensor = torch.ones(1)
end
function SCN:updateOutput(input, target)
   target = classTarget(self, input, target)
   utils.checkInput(self, input:dim() == 4, '4-D (N x nClasses x H x W)', input)
   local out = outTensor(self, input)
   if torch.typename(self.total_weight_tensor) ~= torch.typename(input) then self.total_weight_tensor = input.new(1) end
   THNN.SpatialClassNLLCriterion_updateOutput(input:cdata(), target:cdata(), out:cdata(), self.sizeAverage and 1 or 0,
      opt(self.weights), self.total_weight_tensor:cdata(), self.ignoreIndex, 1, THNN.BASE)
   self.output = out[1]
   return self.output, self.total_weight_tensor[1]
end
function SCN:updateGradInput(input, target)
   target = classTarget(self, input, target)
   self.gradInput:resizeAs(input):zero()
   THNN.SpatialClassNLLCriterion_updateGradInput(input:cdata(), target:cdata(), nil, self.gradInput:cdata(),
      self.sizeAverage and 1 or 0, opt(self.weights), self.total_weight_tensor:cdata(), self.ignoreIndex, 1, THNN.BASE)
   return self.gradInput
end

local CE, ceparent = torch.class('nn.CrossEntropyCriterion', 'nn.Criterion')
function CE:__init(weights, sizeAverage)
   ceparent.__init(self)
   self.lsm = nn.LogSoftMax()
   self.nll = nn.ClassNLLCriterion(weights, sizeAverage)
   self.sizeAverage = self.nll.sizeAverage
   self.oldSizeAverage = self.sizeAverage
end
function CE:updateOutput(input, target)
   input = input:squeeze()
   target = type(target) == 'number' and target or target:squeeze()
   if self.sizeAverage ~= self.oldSizeAverage then
      self.nll.sizeAverage = self.sizeAverage
      self.oldSizeAverage = self.sizeAverage
   end
   self.lsm:updateOutput(input)
   self.nll:updateOutput(self.lsm.output, target)
   self.output = self.nll.output
   return self.output
end
function CE:updateGradInput(input, target)
   local size = input:size()
   input = input:squeeze()
   target = type(target) == 'number' and target or target:squeeze()
   self.nll:updateGradInput(self.lsm.output, target)
   self.lsm:updateGradInput(input, self.nll.gradInput)
   self.gradInput:view(self.lsm.gradInput, size)
   return self.gradInput
end

local MMC, mmcparent = torch.class('nn.MultiMarginCriterion', 'nn.Criterion')
function MMC:__init(p, weights, margin)
   mmcparent.__init(self)
   assert(p == nil or p == 1 or p == 2, 'nn.MultiMarginCriterion: only p == 1 and p == 2 supported')
   self.p = p or 1
   self.margin = margin or 1.0
   self.sizeAverage = true
   if weights then
      assert(weights:dim() == 1, 'nn.MultiMarginCriterion: weights input should be 1-D Tensor')
      self.weights = weights
   end
end
function MMC:updateOutput(input, target)
   target = classTarget(self, input, target)
   utils.checkInput(self, input:dim() == 1 or input:dim() == 2, '1-D (nClasses) or 2-D (batch: N x nClasses)', input)
   local out = outTensor(self, input)
   THNN.MultiMarginCriterion_updateOutput(input:cdata(), target:view(-1):cdata(), out:cdata(), self.sizeAverage and 1 or 0,
      self.p, opt(self.weights), self.margin, 1, THNN.BASE)
   self.output = out[1]
   return self.output
end
function MMC:updateGradInput(input, target)
   target = classTarget(self, input, target)
   THNN.MultiMarginCriterion_updateGradInput(input:cdata(), target:view(-1):cdata(), nil, self.gradInput:cdata(),
      self.sizeAverage and 1 or 0, self.p, opt(self.weights), self.margin, 1, THNN.BASE)
   return self.gradInput
end

local MLMC, mlmcparent = torch.class('nn.MultiLabelMarginCriterion', 'nn.Criterion')
function MLMC:__init()
   mlmcparent.__init(self)
   self.sizeAverage = true
   self.isTarget = torch.Tensor()
end
function MLMC:updateOutput(input, target)
   target = classTarget(self, input, target)
   utils.checkInput(self, input:dim() == 1 or input:dim() == 2, '1-D (nClasses) or 2-D (batch: N x nClasses)', input)
   local out = outTensor(self, input)
   if torch.typename(self.isTarget) ~= torch.typename(input) then self.isTarget = input.new() end
   THNN.MultiLabelMarginCriterion_updateOutput(input:cdata(), target:cdata(), out:cdata(), self.isTarget:cdata(),
      self.sizeAverage and 1 or 0, 1, THNN.BASE)
   self.output = out[1]
   return self.output
end
function MLMC:updateGradInput(input, target)
   target = classTarget(self, input, target)
   THNN.MultiLabelMarginCriterion_updateGradInput(input:cdata(), target:cdata(), nil, self.gradInput:cdata(),
      self.isTarget:cdata(), self.sizeAverage and 1 or 0, 1, THNN.BASE)
   return self.gradInput
end

local CSC, cscparent = torch.class('nn.ClassSimplexCriterion', 'nn.MSECriterion')
function CSC:__init(nClasses)
   cscparent.__init(self)
   assert(nClasses and nClasses > 1 and nClasses == (nClasses - nClasses % 1), 'nn.ClassSimplexCriterion: required argument nClasses > 1')
   self.nClasses = nClasses
   -- the regular simplex vertices in R^nClasses (centred, unit norm)
   local simp = torch.eye(nClasses)
   simp:add(-1 / nClasses)
   for i = 1, nClasses do simp[i]:div(simp[i]:norm()) end
   self.simplex = simp
   self._target = torch.Tensor(nClasses)
end
function CSC:_transformTarget(target)
   if type(target) == 'number' then
      self._target:resize(self.nClasses):copy(self.simplex[target])
   else
      self._target:resize(target:size(1), self.nClasses)
      for i = 1, target:size(1) do self._target[i]:copy(self.simplex[target[i]]) end
   end
   return self._target
end
function CSC:updateOutput(input, target)
   return cscparent.updateOutput(self, input, self:_transformTarget(target):typeAs(input))
end
function CSC:updateGradInput(input, target)
   return cscparent.updateGradInput(self, input, self._target:typeAs(input))
end

------------------------------------------------------------------------ pure Lua criterions
local MRC, mrcparent = torch.class('nn.MarginRankingCriterion', 'nn.Criterion')
function MRC:__init(margin)
   mrcparent.__init(self)
   self.margin = margin or 1
   self.gradInput = {torch.Tensor(1), torch.Tensor(1)}
   self.sizeAverage = true
end
function MRC:updateOutput(input, y)
   if torch.type(y) == 'number' then
      self.output = math.max(0, -y * (input[1][1] - input[2][1]) + self.margin)
   else
      self._output = self._output or input[1]:clone()
      self._output:resizeAs(input[1]):copy(input[1])
      self._output:add(-1, input[2])
      self._output:mul(-1):cmul(y:typeAs(input[1]))
      self._output:add(self.margin)
      self._output:cmax(0)
      self.output = self._output:sum()
      if self.sizeAverage then self.output = self.output / y:size(1) end
   end
   return self.output
end
function MRC:updateGradInput(input, y)
   if torch.type(y) == 'number' then
      local dist = -y * (input[1][1] - input[2][1]) + self.margin
      if dist < 0 then
         self.gradInput[1][1] = 0; self.gradInput[2][1] = 0
      else
         self.gradInput[1][1] = -y; self.gradInput[2][1] = y
      end
   else
      y = y:typeAs(input[1])
      self.dist = self.dist or input[1].new()
      self.dist = self.dist:resizeAs(input[1]):copy(input[1])
      self.dist:add(-1, input[2])
      self.dist:mul(-1):cmul(y):add(self.margin)
      self.mask = self.mask or input[1].new()
      self.mask = self.mask:resizeAs(input[1]):copy(self.dist)
      self.mask:ge(self.dist, 0)
      self.gradInput[1]:resizeAs(self.dist):copy(self.mask:typeAs(self.dist)):mul(-1):cmul(y)
      self.gradInput[2]:resizeAs(self.dist):copy(self.mask:typeAs(self.dist)):cmul(y)
      if self.sizeAverage then
         self.gradInput[1]:div(y:size(1))
         self.gradInput[2]:div(y:size(1))
      end
   end
   return self.gradInput
end

local HEC, hecparent = torch.class('nn.HingeEmbeddingCriterion', 'nn.Criterion')
function HEC:__init(margin)
   hecparent.__init(self)
   self.margin = margin or 1
   self.sizeAverage = true
end
function HEC:updateOutput(input, y)
   if type(y) == 'number' then y = input.new(1):fill(y) end
   checkPair(self, input, y)
   y = y:typeAs(input)
   local x = input:view(-1)
   local yy = y:contiguous():view(-1)
   local pos = torch.cmul(x, torch.eq(yy, 1):typeAs(x))
   local neg = x.new():resizeAs(x):fill(self.margin):add(-1, x):cmax(0):cmul(torch.eq(yy, -1):typeAs(x))
   self.output = pos:sum() + neg:sum()
   if self.sizeAverage then self.output = self.output / input:nElement() end
   return self.output
end
function HEC:updateGradInput(input, y)
   if type(y) == 'number' then y = input.new(1):fill(y) end
   y = y:typeAs(input)
   local x = input:contiguous():view(-1)
   local yy = y:contiguous():view(-1)
   local g = torch.eq(yy, 1):typeAs(x)
   local active = torch.lt(x, self.margin):typeAs(x):cmul(torch.eq(yy, -1):typeAs(x))
   g:add(-1, active)
   if self.sizeAverage then g:div(input:nElement()) end
   self.gradInput:resizeAs(input):copy(g:viewAs(input))
   return self.gradInput
end

local L1HEC, l1parent = torch.class('nn.L1HingeEmbeddingCriterion', 'nn.Criterion')
function L1HEC:__init(margin)
   l1parent.__init(self)
   self.margin = margin or 1
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end
function L1HEC:updateOutput(input, y)
   self.output = input[1]:dist(input[2], 1)
   if y == -1 then self.output = math.max(0, self.margin - self.output) end
   return self.output
end
function L1HEC:updateGradInput(input, y)
   self.gradInput[1]:resizeAs(input[1])
   self.gradInput[2]:resizeAs(input[2])
   self.gradInput[1]:copy(input[1])
   self.gradInput[1]:add(-1, input[2])
   local dist = self.gradInput[1]:norm(1)
   self.gradInput[1]:sign()
   if y == -1 then
      if dist > self.margin then self.gradInput[1]:zero() else self.gradInput[1]:mul(-1) end
   end
   self.gradInput[2]:zero():add(-1, self.gradInput[1])
   return self.gradInput
end

local CEC, cecparent = torch.class('nn.CosineEmbeddingCriterion', 'nn.Criterion')
function CEC:__init(margin)
   cecparent.__init(self)
   self.margin = margin or 0
   self.gradInput = {torch.Tensor(), torch.Tensor()}
   self.sizeAverage = true
end
function CEC:updateOutput(input, y)
   local x1, x2 = input[1], input[2]
   if x1:dim() == 1 then x1 = x1:view(1, -1); x2 = x2:view(1, -1) end
   if type(y) == 'number' then y = x1.new(1):fill(y) end
   y = y:typeAs(x1)
   local n = x1:size(1)
   local eps = 1e-12
   self._w1 = torch.cmul(x1, x2):sum(2)
   self._w22 = torch.cmul(x1, x1):sum(2):add(eps)
   self._w32 = torch.cmul(x2, x2):sum(2):add(eps)
   self._w = torch.cmul(self._w22, self._w32):sqrt()
   self._cos = torch.cdiv(self._w1, self._w):view(n)
   local out = 0
   for i = 1, n do
      if y[i] == 1 then out = out + 1 - self._cos[i]
      else out = out + math.max(0, self._cos[i] - self.margin) end
   end
   if self.sizeAverage then out = out / n end
   self.output = out
   self._y = y
   return self.output
end
function CEC:updateGradInput(input, y)
   local x1, x2 = input[1], input[2]
   local is1 = x1:dim() == 1
   if is1 then x1 = x1:view(1, -1); x2 = x2:view(1, -1) end
   local n, d = x1:size(1), x1:size(2)
   local y = self._y
   local g1, g2 = x1.new(n, d), x1.new(n, d)
   for i = 1, n do
      local c = self._cos[i]
      local coef
      if y[i] == 1 then coef = -1 elseif c > self.margin then coef = 1 else coef = 0 end
      local w = self._w[i][1]
      -- dcos/dx1 = x2/w - cos * x1 / |x1|^2
      g1[i]:copy(x2[i]):div(w):add(-c / self._w22[i][1], x1[i]):mul(coef)
      g2[i]:copy(x1[i]):div(w):add(-c / self._w32[i][1], x2[i]):mul(coef)
   end
   if self.sizeAverage then g1:div(n); g2:div(n) end
   self.gradInput[1]:resizeAs(input[1]):copy(g1:viewAs(input[1]))
   self.gradInput[2]:resizeAs(input[2]):copy(g2:viewAs(input[2]))
   return self.gradInput
end

local PC, pcparent = torch.class('nn.ParallelCriterion', 'nn.Criterion')
function PC:__init(repeatTarget)
   pcparent.__init(self)
   self.criterions = {}
   self.weights = {}
   self.gradInput = {}
   self.repeatTarget = repeatTarget
end
function PC:add(criterion, weight)
   assert(criterion, 'nn.ParallelCriterion: no criterion provided')
   weight = weight or 1
   table.insert(self.criterions, criterion)
   table.insert(self.weights, weight)
   return self
end
function PC:updateOutput(input, target)
   self.output = 0
   for i, criterion in ipairs(self.criterions) do
      local t = self.repeatTarget and target or target[i]
      self.output = self.output + self.weights[i] * criterion:updateOutput(input[i], t)
   end
   return self.output
end
function PC:updateGradInput(input, target)
   self.gradInput = nn.utils.recursiveResizeAs(self.gradInput, input)
   nn.utils.recursiveFill(self.gradInput, 0)
   for i, criterion in ipairs(self.criterions) do
      local t = self.repeatTarget and target or target[i]
      nn.utils.recursiveAdd(self.gradInput[i], self.weights[i], criterion:updateGradInput(input[i], t))
   end
   return self.gradInput
end
function PC:type(type, tensorCache)
   self.gradInput = {}
   return pcparent.type(self, type, tensorCache)
end

local MC, mcparent = torch.class('nn.MultiCriterion', 'nn.Criterion')
function MC:__init()
   mcparent.__init(self)
   self.criterions = {}
   self.weights = {}
end
function MC:add(criterion, weight)
   assert(criterion, 'nn.MultiCriterion: no criterion provided')
   weight = weight or 1
   table.insert(self.criterions, criterion)
   self.weights[#self.criterions] = weight
   return self
end
function MC:updateOutput(input, target)
   self.output = 0
   for i = 1, #self.criterions do
      self.output = self.output + self.weights[i] * self.criterions[i]:updateOutput(input, target)
   end
   return self.output
end
function MC:updateGradInput(input, target)
   self.gradInput = nn.utils.recursiveResizeAs(self.gradInput, input)
   nn.utils.recursiveFill(self.gradInput, 0)
   for i = 1, #self.criterions do
      nn.utils.recursiveAdd(self.gradInput, self.weights[i], self.criterions[i]:updateGradInput(input, target))
   end
   return self.gradInput
end
function MC:type(type)
   for i, criterion in ipairs(self.criterions) do criterion:type(type) end
   return mcparent.type(self, type)
end
