-- Weight normalization (arXiv:1602.07868): w = g * v / ||v||, trained through v and g.
-- WeightNorm decorates any module with a weight; LinearWeightNorm is the Linear variant.
local utils = nn.utils

-- the gradients of v and g (one row of v per output unit) from dL/dw, with dir = v / ||v|| and
-- s = g / ||v|| taken when the weight was computed (so clones sharing v, updated in between,
-- still differentiate at their forward's point): dL/dg = <dL/dw, dir>,
-- dL/dv = s (dL/dw - dL/dg dir)
local function reparamGrads(gradW, dir, s, gradV, gradG, scale)
   local n = dir:size(1)
   local gG = torch.cmul(gradW, dir):sum(2)                      -- n x 1
   local gV = torch.add(gradW, -1, torch.cmul(dir, gG:expandAs(dir))):cmul(s:view(n, 1):expandAs(dir))
   gradG:add(scale, gG:viewAs(gradG))
   gradV:add(scale, gV)
end

-- dir and s of reparamGrads from v, g and the row norms of v
local function cacheDirection(self, v, g, norm)
   local n = v:size(1)
   self._dir = self._dir or v.new()
   self._dir:resizeAs(v):cdiv(v, norm:view(n, 1):expandAs(v))
   self._s = self._s or v.new()
   self._s:resize(n):cdiv(g:contiguous():view(n), norm:contiguous():view(n))
end

------------------------------------------------------------------------ WeightNorm
local WeightNorm, wnparent = torch.class('nn.WeightNorm', 'nn.Decorator')

-- outputDim: the weight's output dimension (1 for Linear and convolutions); the weight is
-- viewed as nOut x (everything else)
function WeightNorm:__init(module, outputDim)
   wnparent.__init(self, module)
   if not torch.isTensor(module.weight) then
      error('nn.WeightNorm: expected a module with a weight, got ' .. torch.type(module), 2)
   end
   if module.bias then
      self.bias = module.bias
      self.gradBias = module.gradBias
   end
   self.gradWeight = module.gradWeight
   self.weight = module.weight
   self.outputDim = outputDim or 1
   if self.outputDim < 1 or self.outputDim > self.weight:dim() then
      error(string.format('nn.WeightNorm: outputDim %d out of range for a %d-D weight', self.outputDim, self.weight:dim()), 2)
   end
   self.otherDims = 1
   for i = 1, self.weight:dim() do
      if i ~= self.outputDim then self.otherDims = self.otherDims * self.weight:size(i) end
   end
   self.viewIn = torch.LongStorage({self.weight:size(self.outputDim), self.otherDims})
   -- the weight's size with outputDim bubbled to the front
   self.viewOut = self.weight:size()
   for i = self.outputDim - 1, 1, -1 do
      self.viewOut[i], self.viewOut[i + 1] = self.viewOut[i + 1], self.viewOut[i]
   end
   self.v = torch.Tensor(self.viewIn[1], self.viewIn[2])
   self.g = torch.Tensor(self.viewIn[1])
   self._norm = torch.Tensor(self.viewIn[1])
   self._scale = torch.Tensor(self.viewIn[1])
   self.gradG = torch.Tensor(self.viewIn[1]):zero()
   self.gradV = torch.Tensor(self.viewIn):zero()
   self:resetInit()
end

-- weight layout -> nOut-first layout and back
function WeightNorm:permuteIn(t)
   for i = self.outputDim - 1, 1, -1 do t = t:transpose(i, i + 1) end
   return t
end

function WeightNorm:permuteOut(t)
   for i = 1, self.outputDim - 1 do t = t:transpose(i, i + 1) end
   return t
end

function WeightNorm:resetInit()
   self.v:normal(0, math.sqrt(2 / self.viewIn[2]))
   self.g:norm(self.v, 2, 2)
   self:updateWeight()
end

function WeightNorm:evaluate()
   if self.train ~= false then self:updateWeight() end
   wnparent.evaluate(self)
end

-- weight = g * v / sqrt(||v||^2 + 1e-4) (Torch7's epsilon)
function WeightNorm:updateWeight()
   self._norm:norm(self.v, 2, 2):pow(2):add(10e-5):sqrt()
   self._scale:copy(self.g):cdiv(self._norm)
   local w = torch.cmul(self.v, self._scale:view(self.viewIn[1], 1):expandAs(self.v))
   self.weight:copy(self:permuteOut(w:view(self.viewOut)))
   cacheDirection(self, self.v, self.g, self._norm)
end

function WeightNorm:updateOutput(input)
   if self.train ~= false then self:updateWeight() end
   self.output = self.modules[1]:updateOutput(input)
   return self.output
end

function WeightNorm:updateGradInput(input, gradOutput)
   self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
   return self.gradInput
end

-- the module accumulates dL/dweight in its gradWeight; gradV and gradG are recomputed from
-- that total, so they accumulate across calls like every other gradient
function WeightNorm:accGradParameters(input, gradOutput, scale)
   self.modules[1]:accGradParameters(input, gradOutput, scale)
   local gradW = self:permuteIn(self.gradWeight):contiguous():view(self.viewIn)
   self.gradV:zero(); self.gradG:zero()
   reparamGrads(gradW, self._dir, self._s, self.gradV, self.gradG, 1)
end

function WeightNorm:accUpdateGradParameters(input, gradOutput, lr)
   local _, grads = self:parameters()
   local saved = {}
   for i, gp in ipairs(grads) do saved[i] = gp:clone() end
   local savedW = self.gradWeight:clone()
   self:zeroGradParameters()
   self:accGradParameters(input, gradOutput, 1)
   self:updateParameters(lr)
   for i, gp in ipairs(grads) do gp:copy(saved[i]) end
   self.gradWeight:copy(savedW)
end

WeightNorm.sharedAccUpdateGradParameters = WeightNorm.accUpdateGradParameters

-- the reparametrised fields (v, g, bias) are this decorator's own
function WeightNorm:share(mlp, ...)
   nn.Module.share(self, mlp, ...)
   self.modules[1]:share(mlp.modules[1], ...)
   return self
end

function WeightNorm:clearState()
   self._dir, self._s = nil, nil
   return wnparent.clearState(self)
end

function WeightNorm:zeroGradParameters()
   self.modules[1]:zeroGradParameters()
   self.gradV:zero()
   self.gradG:zero()
end

function WeightNorm:updateParameters(lr)
   self.v:add(-lr, self.gradV)
   self.g:add(-lr, self.gradG)
   if self.bias then self.bias:add(-lr, self.gradBias) end
end

function WeightNorm:parameters()
   if self.bias then return {self.v, self.g, self.bias}, {self.gradV, self.gradG, self.gradBias} end
   return {self.v, self.g}, {self.gradV, self.gradG}
end

function WeightNorm:__tostring__()
   return 'nn.WeightNorm @ ' .. tostring(self.modules[1])
end

------------------------------------------------------------------------ LinearWeightNorm
local LinearWeightNorm, lwparent = torch.class('nn.LinearWeightNorm', 'nn.Linear')

function LinearWeightNorm:__init(inputSize, outputSize, bias, eps)
   nn.Module.__init(self)         -- not Linear's constructor: the weight is derived from v and g
   bias = (bias == nil) and true or bias
   self.eps = eps or 1e-16
   self.outputSize = outputSize
   self.inputSize = inputSize
   self.v = torch.Tensor(outputSize, inputSize)
   self.gradV = torch.Tensor(outputSize, inputSize)
   self.weight = torch.Tensor(outputSize, inputSize)
   self.g = torch.Tensor(outputSize, 1)
   self.gradG = torch.Tensor(outputSize, 1)
   self.norm = torch.Tensor(outputSize, 1)
   self.scale = torch.Tensor(outputSize, 1)
   if bias then
      self.bias = torch.Tensor(outputSize)
      self.gradBias = torch.Tensor(outputSize)
   end
   self:reset()
end

function LinearWeightNorm:evaluate()
   if self.train ~= false then self:updateWeightMatrix() end
   lwparent.evaluate(self)
end

-- g = ||weight row||, v = weight
function LinearWeightNorm:initFromWeight(weight)
   weight = weight or self.weight
   self.g:norm(weight, 2, 2):clamp(self.eps, math.huge)
   self.v:copy(weight)
   return self
end

function LinearWeightNorm.fromLinear(linear)
   local module = nn.LinearWeightNorm(linear.weight:size(2), linear.weight:size(1), torch.isTensor(linear.bias))
   module.weight:copy(linear.weight)
   module:initFromWeight()
   if linear.bias then module.bias:copy(linear.bias) end
   return module
end

function LinearWeightNorm:toLinear()
   self:updateWeightMatrix()
   local module = nn.Linear(self.inputSize, self.outputSize, torch.isTensor(self.bias))
   module.weight:copy(self.weight)
   if self.bias then module.bias:copy(self.bias) end
   return module
end

function LinearWeightNorm:parameters()
   if self.bias then return {self.v, self.g, self.bias}, {self.gradV, self.gradG, self.gradBias} end
   return {self.v, self.g}, {self.gradV, self.gradG}
end

function LinearWeightNorm:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.inputSize) end
   self.weight:uniform(-stdv, stdv)
   self:initFromWeight()
   if self.bias then self.bias:uniform(-stdv, stdv) end
   return self
end

-- weight = g v / ||v||; keepDirection leaves the cached point of differentiation alone (after an
-- in-place update, before the next forward)
function LinearWeightNorm:updateWeightMatrix(keepDirection)
   if self.norm:dim() == 0 then self.norm:resizeAs(self.g) end
   if self.scale:dim() == 0 then self.scale:resizeAs(self.g) end
   if self.weight:dim() == 0 then self.weight:resizeAs(self.v) end
   self.norm:norm(self.v, 2, 2):clamp(self.eps, math.huge)
   self.scale:cdiv(self.g, self.norm)
   self.weight:cmul(self.v, self.scale:expandAs(self.v))
   if not keepDirection or not self._dir then cacheDirection(self, self.v, self.g, self.norm) end
end

function LinearWeightNorm:updateOutput(input)
   -- after clearState the derived weight is gone even in evaluation mode
   if self.train ~= false or self.weight:dim() == 0 then self:updateWeightMatrix() end
   return lwparent.updateOutput(self, input)
end

function LinearWeightNorm:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local gradW
   if input:dim() == 1 then
      gradW = torch.ger(gradOutput, input)
      if self.bias then self.gradBias:add(scale, gradOutput) end
   else
      gradW = torch.mm(gradOutput:t(), input)
      if self.bias then
         self:updateAddBuffer(input)
         self.gradBias:addmv(scale, gradOutput:t(), self.addBuffer)
      end
   end
   if not self._dir then self:updateWeightMatrix() end
   reparamGrads(gradW, self._dir, self._s, self.gradV, self.gradG, scale)
end

function LinearWeightNorm:accUpdateGradParameters(input, gradOutput, lr)
   utils.accUpdateIntoParameters(self, input, gradOutput, lr,
                                 {{self, 'v', 'gradV'}, {self, 'g', 'gradG'}, {self, 'bias', 'gradBias'}})
   self:updateWeightMatrix(true)
end

LinearWeightNorm.defaultAccUpdateGradParameters = LinearWeightNorm.accUpdateGradParameters
LinearWeightNorm.sharedAccUpdateGradParameters = LinearWeightNorm.accUpdateGradParameters

function LinearWeightNorm:clearState()
   self._dir, self._s = nil, nil
   utils.clear(self, 'weight', 'norm', 'scale')
   return lwparent.clearState(self)
end

function LinearWeightNorm:__tostring__()
   return torch.type(self) .. string.format('(%d -> %d)', self.inputSize, self.outputSize)
      .. (self.bias == nil and ' without bias' or '')
end
