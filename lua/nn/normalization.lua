-- Normalization layers built from other modules, as in Torch7: LayerNormalization (a
-- Sequential), and the local (convolutional) Spatial{Subtractive,Divisive,Contrastive}
-- Normalization of images.
local utils = nn.utils

------------------------------------------------------------------------ LayerNormalization
-- arXiv:1607.06450 §3: (x - mean(x)) / sqrt(sum((x - mean)^2) + eps) * sqrt(nOutput), then a
-- learned gain (CMul, 1) and bias (Add, `bias`) when affine. Torch7 replicated the means with
-- Replicate(nOutput, 1, 1), which for a batch builds nOutput x N and subtracts other samples'
-- means (CSubTable pairs elements by position); Replicate(nOutput, 2) gives N x nOutput for a
-- batch and 1 x nOutput for one sample, the same as Torch7's for one sample.
local LayerNormalization, lnparent = torch.class('nn.LayerNormalization', 'nn.Sequential')

function LayerNormalization:__init(nOutput, bias, eps, affine)
   lnparent.__init(self)
   eps = eps or 1e-10
   affine = (affine == nil) and true or affine
   bias = bias or 0
   self:add(nn.ConcatTable()
               :add(nn.Identity())
               :add(nn.Sequential()
                       :add(nn.Mean(1, 1))
                       :add(nn.Replicate(nOutput, 2))))
      :add(nn.CSubTable())
      :add(nn.Normalize(2, eps))
      :add(nn.MulConstant(torch.sqrt(nOutput)))
   if affine then
      local biasTransform = nn.Add(nOutput, false)
      biasTransform.bias:fill(bias)
      local gainTransform = nn.CMul(nOutput)
      gainTransform.weight:fill(1.)
      self:add(gainTransform)
      self:add(biasTransform)
   end
end

------------------------------------------------------------------------ local normalizations
-- the constructor arguments of the three, with Torch7's defaults (one plane, a 9 x 9 box
-- kernel; thresholds for the divisive ones)
local function setArgs(self, name, nInputPlane, kernel, threshold, thresval)
   self.nInputPlane = nInputPlane or 1
   self.kernel = kernel or torch.Tensor(9, 9):fill(1)
   if not torch.isTensor(self.kernel) or (self.kernel:dim() ~= 2 and self.kernel:dim() ~= 1) then
      error('<' .. name .. '> averaging kernel must be 2D or 1D', 0)
   end
   if self.kernel:size(1) % 2 == 0 or (self.kernel:dim() == 2 and self.kernel:size(2) % 2 == 0) then
      error('<' .. name .. '> averaging kernel must have ODD dimensions', 0)
   end
   if name ~= 'SpatialSubtractiveNormalization' then
      self.threshold = threshold or 1e-4
      self.thresval = thresval or threshold or 1e-4
   end
end

-- the convolutional local-average estimator of Torch7: zero padding, the kernel summed over the
-- planes (a 2-D kernel in one SpatialConvolution, a 1-D one separably: horizontal per plane,
-- then vertical across planes), replicated back to every plane
local function estimator(nInputPlane, kernel, pre, post)
   local kdim = kernel:dim()
   local padH = math.floor(kernel:size(1) / 2)
   local padW = kdim == 2 and math.floor(kernel:size(2) / 2) or padH
   local seq = nn.Sequential()
   if pre then seq:add(pre) end
   seq:add(nn.SpatialZeroPadding(padW, padW, padH, padH))
   local first = #seq.modules + 1
   if kdim == 2 then
      seq:add(nn.SpatialConvolution(nInputPlane, 1, kernel:size(2), kernel:size(1)))
      for i = 1, nInputPlane do seq.modules[first].weight[1][i]:copy(kernel) end
      seq.modules[first].bias:zero()
   else
      seq:add(nn.SpatialConvolutionMap(nn.tables.oneToOne(nInputPlane), kernel:size(1), 1))
      seq:add(nn.SpatialConvolution(nInputPlane, 1, 1, kernel:size(1)))
      for i = 1, nInputPlane do
         seq.modules[first].weight[i]:copy(kernel:view(1, -1))
         seq.modules[first + 1].weight[1][i]:copy(kernel:view(-1, 1))
      end
      seq.modules[first].bias:zero()
      seq.modules[first + 1].bias:zero()
   end
   seq:add(nn.Replicate(nInputPlane, 1, 3))
   if post then seq:add(post) end
   return seq
end

local function checkImage(self, input)
   utils.checkTensor(self, input, 'input')
   utils.checkInput(self, (input:dim() == 3 or input:dim() == 4) and input:size(input:dim() - 2) == self.nInputPlane,
                    string.format('3-D (%d x H x W) or 4-D (batch: N x %d x H x W)', self.nInputPlane, self.nInputPlane),
                    input)
end

-- an estimator's output (with Replicate's extra singleton dim) seen in the input's shape
local function asInput(out, input)
   return out:select(input:dim() - 1, 1)
end

-- a gradient in the input's shape seen as the estimator's output shape
local function asEstimator(grad, estimatorOutput)
   return grad:contiguous():view(estimatorOutput:size())
end

-- the estimator's response to a constant image: divides out the zero padding at the borders
local function borderCoef(self, estimator, input)
   local d = input:dim()
   local key = input:size(d - 1) .. 'x' .. input:size(d) .. torch.typename(input)
   if self._coefKey ~= key then
      local one = d == 4 and input[1] or input
      self.ones = self.ones or input.new()
      self.ones:resizeAs(one):fill(1)
      self._coef = self._coef or input.new()
      local c = asInput(estimator:updateOutput(self.ones), self.ones)
      self._coef:resizeAs(c):copy(c)
      self._coefKey = key
   end
   if d == 4 then
      self.coef = self._coef:view(1, self._coef:size(1), self._coef:size(2), self._coef:size(3)):expandAs(input)
   else
      self.coef = self._coef
   end
   return self.coef
end

local function localNormClass(name)
   local M, parent = torch.class('nn.' .. name, 'nn.Module')
   function M:clearState()
      self._coefKey = nil
      utils.clear(self, 'ones', '_coef', 'coef', 'localsums', 'adjustedsums', 'localstds', 'adjustedstds',
                  'thresholdedstds')
      if self.meanestimator then self.meanestimator:clearState() end
      if self.stdestimator then self.stdestimator:clearState() end
      return parent.clearState(self)
   end
   function M:type(typename, tensorCache)
      if typename then self._coefKey = nil end
      return parent.type(self, typename, tensorCache)
   end
   return M, parent
end

------------------------------------------------------------------------ SpatialSubtractiveNormalization
-- x - (local weighted mean of x over all planes), the mean corrected at the borders
local SSN, ssnparent = localNormClass('SpatialSubtractiveNormalization')

function SSN:__init(nInputPlane, kernel)
   ssnparent.__init(self)
   setArgs(self, 'SpatialSubtractiveNormalization', nInputPlane, kernel)
   self.kernel:div(self.kernel:sum() * self.nInputPlane)
   self.meanestimator = estimator(self.nInputPlane, self.kernel)
   self.coef = torch.Tensor(1, 1, 1)
end

function SSN:updateOutput(input)
   checkImage(self, input)
   local coef = borderCoef(self, self.meanestimator, input)
   self._sums = self.meanestimator:updateOutput(input)
   self.localsums = asInput(self._sums, input)
   self.adjustedsums = self.adjustedsums or input.new()
   self.adjustedsums:resizeAs(input):cdiv(self.localsums, coef)
   self.output:resizeAs(input):copy(input):add(-1, self.adjustedsums)
   return self.output
end

function SSN:updateGradInput(input, gradOutput)
   -- d/dx = gradOutput - estimator^T(gradOutput / coef)
   local g = torch.cdiv(gradOutput, self.coef):mul(-1)
   self.gradInput:resizeAs(input):copy(gradOutput)
   self.gradInput:add(self.meanestimator:updateGradInput(input, asEstimator(g, self._sums)))
   return self.gradInput
end

------------------------------------------------------------------------ SpatialDivisiveNormalization
-- x / max-like-threshold(local weighted std of x), the std corrected at the borders; stds at or
-- below `threshold` become `thresval`
local SDN, sdnparent = localNormClass('SpatialDivisiveNormalization')

function SDN:__init(nInputPlane, kernel, threshold, thresval)
   sdnparent.__init(self)
   setArgs(self, 'SpatialDivisiveNormalization', nInputPlane, kernel, threshold, thresval)
   self.kernel:div(self.kernel:sum() * self.nInputPlane)
   self.meanestimator = estimator(self.nInputPlane, self.kernel)
   self.stdestimator = estimator(self.nInputPlane, self.kernel, nn.Square(), nn.Sqrt())
   self.thresholder = nn.Threshold(self.threshold, self.thresval)
   self.coef = torch.Tensor(1, 1, 1)
end

function SDN:updateOutput(input)
   checkImage(self, input)
   self._stds = self.stdestimator:updateOutput(input)
   self.localstds = asInput(self._stds, input)
   local coef = borderCoef(self, self.meanestimator, input)
   self.adjustedstds = self.adjustedstds or input.new()
   self.adjustedstds:resizeAs(input):cdiv(self.localstds, coef)
   self.thresholdedstds = self.thresholder:updateOutput(self.adjustedstds)
   self.output:resizeAs(input):cdiv(input, self.thresholdedstds)
   return self.output
end

function SDN:updateGradInput(input, gradOutput)
   -- y = x / t(s / coef): d/dx = gradOutput / t  -  estimator^T(t' * gradOutput * x / t^2 / coef)
   local t = self.thresholdedstds
   local gt = torch.cmul(gradOutput, input):cdiv(t):cdiv(t):mul(-1)
   local gadj = self.thresholder:updateGradInput(self.adjustedstds, gt)
   local gstd = torch.cdiv(gadj, self.coef)
   self.gradInput:resizeAs(input):cdiv(gradOutput, t)
   self.gradInput:add(self.stdestimator:updateGradInput(input, asEstimator(gstd, self._stds)))
   return self.gradInput
end

------------------------------------------------------------------------ SpatialContrastiveNormalization
-- subtractive then divisive normalization with the same kernel
local SCN, scnparent = torch.class('nn.SpatialContrastiveNormalization', 'nn.Module')

function SCN:__init(nInputPlane, kernel, threshold, thresval)
   scnparent.__init(self)
   setArgs(self, 'SpatialContrastiveNormalization', nInputPlane, kernel, threshold, thresval)
   self.normalizer = nn.Sequential()
   self.normalizer:add(nn.SpatialSubtractiveNormalization(self.nInputPlane, self.kernel))
   self.normalizer:add(nn.SpatialDivisiveNormalization(self.nInputPlane, self.kernel, self.threshold, self.thresval))
end

function SCN:updateOutput(input)
   self.output = self.normalizer:forward(input)
   return self.output
end

function SCN:updateGradInput(input, gradOutput)
   self.gradInput = self.normalizer:backward(input, gradOutput)
   return self.gradInput
end

function SCN:clearState()
   self.normalizer:clearState()
   self.output = torch.Tensor(); self.gradInput = torch.Tensor()
   return self
end
