-- LookupTable, BatchNormalization, convolutions, pooling, upsampling and padding on lib/THNN.
local THNN = nn.THNN
local opt = THNN.optional
local utils = nn.utils

local function checkIn(self, input, dims, what)
   utils.checkTensor(self, input, 'input')
   THNN.checkFloat(self, input, 'input')
   local ok = false
   for _, d in ipairs(dims) do if input:dim() == d then ok = true end end
   utils.checkInput(self, ok, what, input)
end

local function longBuffer(self, name)
   local t = self[name]
   if not t or torch.typename(t) ~= 'torch.LongTensor' then
      t = torch.LongTensor()
      self[name] = t
   end
   return t
end

local function fanInReset(self, fanIn, stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(fanIn) end
   self.weight:uniform(-stdv, stdv)
   if self.bias then self.bias:uniform(-stdv, stdv) end
end

local function noBias(self)
   self.bias = nil
   self.gradBias = nil
   return self
end

------------------------------------------------------------------------ LookupTable
local LookupTable, ltparent = torch.class('nn.LookupTable', 'nn.Module')
LookupTable.__version = 4
function LookupTable:__init(nIndex, nOutput, paddingValue, maxNorm, normType)
   ltparent.__init(self)
   self.weight = torch.Tensor(nIndex, nOutput)
   self.gradWeight = torch.Tensor(nIndex, nOutput):zero()
   self.paddingValue = paddingValue or 0
   self.maxNorm = maxNorm or nil
   self.normType = normType or nil
   self:reset()
end
function LookupTable:backCompatibility() self._count = self._count or torch.LongTensor() end
function LookupTable:accUpdateOnly()
   self.gradWeight = nil
   return self
end
function LookupTable:setPadding(paddingValue) self.paddingValue = paddingValue; return self end
function LookupTable:setMaxNorm(maxNorm) self.maxNorm = maxNorm; return self end
function LookupTable:setNormType(normType) self.normType = normType; return self end
function LookupTable:scaleGradByFreq() self.shouldScaleGradByFreq = true; return self end
function LookupTable:reset(stdv)
   stdv = stdv or 1
   self.weight:normal(0, stdv)
end
function LookupTable:makeInputContiguous(input)
   if not input:isContiguous() or torch.typename(input) ~= 'torch.LongTensor' then
      self.copiedInput = true
      self._input = self._input or torch.LongTensor()
      self._input:resize(input:size()):copy(input)
      return self._input
   end
   self.copiedInput = false
   return input
end
function LookupTable:updateOutput(input)
   utils.checkTensor(self, input, 'input')
   utils.checkInput(self, input:dim() == 1 or input:dim() == 2, 'indices 1-D or 2-D (batch)', input)
   self:backCompatibility()
   self:renorm(input)
   input = self:makeInputContiguous(input)
   local n = self.weight:size(1)
   if input:nElement() > 0 then
      local lo, hi = input:min(), input:max()
      if lo < 1 or hi > n then
         error(string.format('nn.LookupTable: index %d is out of range [1, %d] (input)', (lo < 1) and lo or hi, n), 0)
      end
   end
   if input:dim() == 1 then
      self.output:index(self.weight, 1, input)
   else
      self.output:index(self.weight, 1, input:view(-1))
      self.output = self.output:view(input:size(1), input:size(2), self.weight:size(2))
   end
   return self.output
end
function LookupTable:updateGradInput(input, gradOutput)
   if torch.type(self.gradInput) ~= torch.type(input) then self.gradInput = input.new() end
   if not self.gradInput:isSameSizeAs(input) then self.gradInput:resizeAs(input):zero() end
   return self.gradInput
end
function LookupTable:accGradParameters(input, gradOutput, scale)
   self:backCompatibility()
   input = self.copiedInput and self._input or input
   if input:dim() == 2 then input = input:view(-1) end
   if not gradOutput:isContiguous() then
      self._gradOutput = self._gradOutput or gradOutput.new()
      self._gradOutput:resizeAs(gradOutput):copy(gradOutput)
      gradOutput = self._gradOutput
   end
   THNN.LookupTable_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(), self._count:cdata(),
                                      nil, nil, self.shouldScaleGradByFreq and 1 or 0, self.paddingValue or 0,
                                      scale or 1, THNN.BASE)
end
function LookupTable:renorm(input)
   if not self.maxNorm then return end
   self._input = self._input or torch.LongTensor()
   local idx = self._input:resize(input:size()):copy(input):view(-1)
   THNN.LookupTable_renorm(idx:cdata(), self.weight:cdata(), self.maxNorm, self.normType or 2, THNN.BASE)
end
function LookupTable:type(type, tensorCache)
   ltparent.type(self, type, tensorCache)
   self._count = torch.LongTensor()
   self._input = torch.LongTensor()
   return self
end
function LookupTable:clearState()
   utils.clear(self, '_count', '_input', '_gradOutput')
   return ltparent.clearState(self)
end
function LookupTable:__tostring__()
   return torch.type(self) .. string.format('(%d -> %d)', self.weight:size(1), self.weight:size(2))
end

------------------------------------------------------------------------ BatchNormalization
local BN, bnparent = torch.class('nn.BatchNormalization', 'nn.Module')
BN.__version = 2
BN.nDim = 2
function BN:__init(nOutput, eps, momentum, affine)
   bnparent.__init(self)
   assert(nOutput and type(nOutput) == 'number', 'nn.BatchNormalization: nOutput must be a number')
   assert(nOutput > 0, 'nn.BatchNormalization: nOutput must be positive')
   if affine ~= nil then self.affine = affine else self.affine = true end
   self.eps = eps or 1e-5
   self.train = true
   self.momentum = momentum or 0.1
   self.running_mean = torch.zeros(nOutput)
   self.running_var = torch.ones(nOutput)
   if self.affine then
      self.weight = torch.Tensor(nOutput)
      self.bias = torch.Tensor(nOutput)
      self.gradWeight = torch.Tensor(nOutput)
      self.gradBias = torch.Tensor(nOutput)
      self:reset()
   end
end
function BN:reset()
   if self.weight then self.weight:uniform() end
   if self.bias then self.bias:zero() end
   self.running_mean:zero()
   self.running_var:fill(1)
end
function BN:checkInputDim(input)
   local iDim = input:dim()
   local nOut = self.running_mean:nElement()
   local ok = iDim == self.nDim or (iDim == self.nDim - 1 and self.train == false)
   if ok then
      local c = (iDim == self.nDim) and input:size(2) or input:size(1)
      ok = c == nOut
   end
   if not ok then
      error(string.format('%s: expected input of %d dimensions with %d features in dimension 2, got %s',
                          torch.type(self), self.nDim, nOut, utils.shape(input)), 0)
   end
end
BN.makeContiguous = utils.makeContiguous
local function makeBatch(self, input)
   if input:dim() == self.nDim - 1 then
      return nn.utils.addSingletonDimension(input, 1)
   end
   return input
end
function BN:updateOutput(input)
   utils.checkTensor(self, input, 'input')
   THNN.checkFloat(self, input, 'input')
   self:checkInputDim(input)
   local single = input:dim() == self.nDim - 1 and input:size() or nil
   input = makeBatch(self, self:makeContiguous(input))
   self.output:resizeAs(input)
   self.save_mean = self.save_mean or input.new()
   self.save_std = self.save_std or input.new()
   THNN.BatchNormalization_updateOutput(input:cdata(), self.output:cdata(), opt(self.weight), opt(self.bias),
      self.running_mean:cdata(), self.running_var:cdata(), self.save_mean:cdata(), self.save_std:cdata(),
      self.train and 1 or 0, self.momentum, self.eps)
   if single then self.output:resize(single) end      -- one sample (evaluate mode) keeps its shape
   return self.output
end
local function bnBackward(self, input, gradOutput, scale, gradInput, gradWeight, gradBias)
   self:checkInputDim(input)
   local origInput = input
   input, gradOutput = self:makeContiguous(input, gradOutput)
   input = makeBatch(self, input)
   gradOutput = makeBatch(self, gradOutput)
   scale = scale or 1
   if gradInput then gradInput:resizeAs(gradOutput) end
   THNN.BatchNormalization_backward(input:cdata(), gradOutput:cdata(), opt(gradInput), opt(gradWeight), opt(gradBias),
      opt(self.weight), self.running_mean:cdata(), self.running_var:cdata(), self.save_mean:cdata(),
      self.save_std:cdata(), self.train and 1 or 0, scale, self.eps)
   if gradInput and origInput:dim() == self.nDim - 1 then gradInput:resizeAs(origInput) end
   return self.gradInput
end
function BN:backward(input, gradOutput, scale)
   return bnBackward(self, input, gradOutput, scale, self.gradInput, self.gradWeight, self.gradBias)
end
function BN:updateGradInput(input, gradOutput)
   return bnBackward(self, input, gradOutput, 1, self.gradInput)
end
function BN:accGradParameters(input, gradOutput, scale)
   return bnBackward(self, input, gradOutput, scale, nil, self.gradWeight, self.gradBias)
end
function BN:clearState()
   utils.clear(self, {'_input', '_gradOutput', 'save_mean', 'save_std'})
   return bnparent.clearState(self)
end
function BN:__tostring__()
   return string.format('%s (%dD) (%d)', torch.type(self), self.nDim, self.running_mean:nElement())
end

local SBN = torch.class('nn.SpatialBatchNormalization', 'nn.BatchNormalization')
SBN.nDim = 4
local VBN = torch.class('nn.VolumetricBatchNormalization', 'nn.BatchNormalization')
VBN.nDim = 5

------------------------------------------------------------------------ convolutions
local function convType(parentType)
   return function(self, type, tensorCache)
      utils.clear(self, 'finput', 'fgradInput')
      return parentType(self, type, tensorCache)
   end
end
local function buffers(self, input)
   self.finput = self.finput or input.new()
   self.fgradInput = self.fgradInput or input.new()
end
local function convClear(self)
   utils.clear(self, 'finput', 'fgradInput', '_input', '_gradOutput', 'columns', 'ones')
   return nn.Module.clearState(self)
end
local contig = utils.makeContiguous
-- Torch7's SpatialConvolution text: 'name(in -> out, kWxkH[, dW,dH][, padW,padH])[ without bias]'
local function convString(self)
   local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane, self.nOutputPlane, self.kW, self.kH)
   if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then s = s .. string.format(', %d,%d', self.dW, self.dH) end
   if self.padW ~= 0 or self.padH ~= 0 then s = s .. ', ' .. self.padW .. ',' .. self.padH end
   if self.bias then return s .. ')' end
   return s .. ') without bias'
end

-- the tensor a transposed convolution writes its gradInput to: with a table input {x, sizeRef}
-- gradInput becomes {dx, zeros like sizeRef}
local function fullGradInput(self, input, x)
   if torch.type(input) ~= 'table' then return self.gradInput end
   local gi = self.gradInput
   if torch.isTensor(gi) then self.gradInput = {gi, x.new()}
   else self.gradInput = {gi[1] or x.new(), gi[2] or x.new()} end
   self.gradInput[2]:resizeAs(input[2]):zero()
   return self.gradInput[1]
end

-- the helpers above, for the other THNN-backed module files (dilated.lua, volumetric.lua, ...)
THNN.moduleHelpers = {checkIn = checkIn, longBuffer = longBuffer, fanInReset = fanInReset, noBias = noBias,
                      convType = convType, convClear = convClear, convString = convString, buffers = buffers,
                      contig = contig, fullGradInput = fullGradInput}

-- SpatialConvolution and SpatialConvolutionMM share SpatialConvolutionMM_* (4-D weight). A groups
-- field (cudnn.SpatialConvolution's, kept when loading one) splits the channels into that many
-- convolutions; the weight is then nOutputPlane x nInputPlane/groups x kH x kW.
local function spatialConv(name)
   local M, mp = torch.class('nn.' .. name, 'nn.Module')
   function M:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
      mp.__init(self)
      dW = dW or 1; dH = dH or 1
      self.nInputPlane = nInputPlane
      self.nOutputPlane = nOutputPlane
      self.kW = kW; self.kH = kH
      self.dW = dW; self.dH = dH
      self.padW = padW or 0
      self.padH = padH or self.padW
      self.weight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW)
      self.bias = torch.Tensor(nOutputPlane)
      self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW)
      self.gradBias = torch.Tensor(nOutputPlane)
      self:reset()
   end
   M.noBias = noBias
   function M:reset(stdv) fanInReset(self, self.kW * self.kH * self.nInputPlane, stdv) end
   function M:_check(input)
      checkIn(self, input, {3, 4}, string.format('3-D (%d x H x W) or 4-D (batch: N x %d x H x W)', self.nInputPlane, self.nInputPlane))
      local c = input:size(input:dim() - 2)
      utils.checkInput(self, c == self.nInputPlane, string.format('with %d planes in the channel dimension', self.nInputPlane), input)
   end
   function M:updateOutput(input)
      self:_check(input)
      buffers(self, input)
      input = contig(self, input)
      THNN.SpatialConvolutionMM_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(), opt(self.bias),
         self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
         self.groups or 1)
      return self.output
   end
   function M:updateGradInput(input, gradOutput)
      if not self.gradInput then return end
      input, gradOutput = contig(self, input, gradOutput)
      THNN.SpatialConvolutionMM_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
         self.weight:cdata(), self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH,
         self.padW, self.padH, self.groups or 1)
      return self.gradInput
   end
   function M:accGradParameters(input, gradOutput, scale)
      input, gradOutput = contig(self, input, gradOutput)
      THNN.SpatialConvolutionMM_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
         opt(self.gradBias), self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH,
         self.padW, self.padH, scale or 1, self.groups or 1)
   end
   M.type = convType(mp.type)
   M.clearState = convClear
   M.__tostring__ = convString
   return M
end
spatialConv('SpatialConvolution')
spatialConv('SpatialConvolutionMM')

local SDC, sdcparent = torch.class('nn.SpatialDilatedConvolution', 'nn.SpatialConvolution')
function SDC:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, dilationW, dilationH)
   sdcparent.__init(self, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
   self.dilationW = dilationW or 1
   self.dilationH = dilationH or 1
end
function SDC:updateOutput(input)
   self:_check(input)
   self.finput = self.finput or input.new(); self.fgradInput = self.fgradInput or input.new()
   input = contig(self, input)
   THNN.SpatialDilatedConvolution_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(), opt(self.bias),
      self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
      self.dilationW, self.dilationH, 1)
   return self.output
end
function SDC:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   input, gradOutput = contig(self, input, gradOutput)
   THNN.SpatialDilatedConvolution_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.weight:cdata(), self.finput:cdata(), self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
      self.dilationW, self.dilationH, 1)
   return self.gradInput
end
function SDC:accGradParameters(input, gradOutput, scale)
   input, gradOutput = contig(self, input, gradOutput)
   THNN.SpatialDilatedConvolution_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH,
      self.padW, self.padH, self.dilationW, self.dilationH, scale or 1, 1)
end
function SDC:__tostring__()
   return string.format('%s(%d -> %d, %dx%d, %d,%d, %d,%d, %d,%d)', torch.type(self), self.nInputPlane, self.nOutputPlane,
                        self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.dilationW, self.dilationH)
end

local SFC, sfcparent = torch.class('nn.SpatialFullConvolution', 'nn.Module')
function SFC:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, adjW, adjH)
   sfcparent.__init(self)
   self.nInputPlane = nInputPlane
   self.nOutputPlane = nOutputPlane
   self.kW = kW; self.kH = kH
   self.dW = dW or 1; self.dH = dH or 1
   self.padW = padW or 0; self.padH = padH or 0
   self.adjW = adjW or 0; self.adjH = adjH or 0
   if self.adjW > self.dW - 1 or self.adjH > self.dH - 1 then
      error('nn.SpatialFullConvolution: adjW and adjH must be smaller than dW - 1 and dH - 1 respectively')
   end
   self.weight = torch.Tensor(nInputPlane, nOutputPlane, kH, kW)
   self.gradWeight = torch.Tensor(nInputPlane, nOutputPlane, kH, kW)
   self.bias = torch.Tensor(nOutputPlane)
   self.gradBias = torch.Tensor(nOutputPlane)
   self:reset()
end
SFC.noBias = noBias
function SFC:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else
      stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
   end
   self.weight:uniform(-stdv, stdv)
   if self.bias then self.bias:uniform(-stdv, stdv) end
end
-- input {x, sizeReference}: adjW/adjH from the reference's last two sizes, as Torch7's
-- calculateAdj: (target + 2 * pad - k) % stride
function SFC:_adj(input)
   local adjW, adjH = self.adjW, self.adjH
   if torch.type(input) == 'table' then
      local x, ref = input[1], input[2]
      utils.checkInput(self, torch.isTensor(ref) and ref:dim() >= 2, 'a tensor of at least 2 dimensions', ref,
                       'input[2] (size reference)')
      local tW, tH = ref:size(ref:dim()), ref:size(ref:dim() - 1)
      adjW = (tW + 2 * self.padW - self.kW) % self.dW
      adjH = (tH + 2 * self.padH - self.kH) % self.dH
      return x, adjW, adjH
   end
   return input, adjW, adjH
end
function SFC:updateOutput(input)
   local x, adjW, adjH = self:_adj(input)
   checkIn(self, x, {3, 4}, string.format('3-D (%d x H x W) or 4-D (batch: N x %d x H x W)', self.nInputPlane, self.nInputPlane))
   utils.checkInput(self, x:size(x:dim() - 2) == self.nInputPlane, string.format('with %d planes in the channel dimension', self.nInputPlane), x)
   self.finput = self.finput or x.new(); self.fgradInput = self.fgradInput or x.new()
   x = contig(self, x)
   THNN.SpatialFullConvolution_updateOutput(x:cdata(), self.output:cdata(), self.weight:cdata(), opt(self.bias),
      self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
      adjW, adjH, 1)
   return self.output
end
function SFC:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local x, adjW, adjH = self:_adj(input)
   x, gradOutput = contig(self, x, gradOutput)
   local gi = fullGradInput(self, input, x)
   THNN.SpatialFullConvolution_updateGradInput(x:cdata(), gradOutput:cdata(), gi:cdata(), self.weight:cdata(),
      self.finput:cdata(), self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, adjW, adjH, 1)
   return self.gradInput
end
function SFC:accGradParameters(input, gradOutput, scale)
   local x, adjW, adjH = self:_adj(input)
   x, gradOutput = contig(self, x, gradOutput)
   THNN.SpatialFullConvolution_accGradParameters(x:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH,
      self.padW, self.padH, adjW, adjH, scale or 1, 1)
end
SFC.type = convType(sfcparent.type)
SFC.clearState = convClear
function SFC:__tostring__()
   local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane, self.nOutputPlane, self.kW, self.kH)
   if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then s = s .. string.format(', %d,%d', self.dW, self.dH) end
   if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then s = s .. ', ' .. self.padW .. ',' .. self.padH end
   if (self.adjW or self.adjH) and (self.adjW ~= 0 or self.adjH ~= 0) then s = s .. ', ' .. self.adjW .. ',' .. self.adjH end
   return s .. ')'
end

local SCL, sclparent = torch.class('nn.SpatialConvolutionLocal', 'nn.Module')
function SCL:__init(nInputPlane, nOutputPlane, iW, iH, kW, kH, dW, dH, padW, padH)
   sclparent.__init(self)
   dW = dW or 1; dH = dH or 1
   self.nInputPlane = nInputPlane; self.nOutputPlane = nOutputPlane
   self.kW = kW; self.kH = kH; self.iW = iW; self.iH = iH
   self.dW = dW; self.dH = dH
   self.padW = padW or 0; self.padH = padH or self.padW
   self.oW = math.floor((self.padW * 2 + iW - self.kW) / self.dW) + 1
   self.oH = math.floor((self.padH * 2 + iH - self.kH) / self.dH) + 1
   assert(1 <= self.oW and 1 <= self.oH, 'nn.SpatialConvolutionLocal: illegal configuration (output width or height less than 1)')
   self.weight = torch.Tensor(self.oH, self.oW, nOutputPlane, nInputPlane, kH, kW)
   self.bias = torch.Tensor(nOutputPlane, self.oH, self.oW)
   self.gradWeight = torch.Tensor():resizeAs(self.weight)
   self.gradBias = torch.Tensor():resizeAs(self.bias)
   self:reset()
end
function SCL:reset(stdv) fanInReset(self, self.kW * self.kH * self.nInputPlane, stdv) end
function SCL:_check(input)
   checkIn(self, input, {3, 4}, string.format('3-D (%d x %d x %d) or 4-D (batch)', self.nInputPlane, self.iH, self.iW))
   local d = input:dim()
   utils.checkInput(self, input:size(d - 2) == self.nInputPlane and input:size(d - 1) == self.iH and input:size(d) == self.iW,
                    string.format('of size %d x %d x %d (or N x that)', self.nInputPlane, self.iH, self.iW), input)
end
function SCL:updateOutput(input)
   self:_check(input)
   buffers(self, input)
   input = contig(self, input)
   THNN.SpatialConvolutionLocal_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(), opt(self.bias),
      self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
      self.iW, self.iH, self.oW, self.oH)
   return self.output
end
function SCL:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   input, gradOutput = contig(self, input, gradOutput)
   THNN.SpatialConvolutionLocal_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.weight:cdata(), self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH,
      self.padW, self.padH, self.iW, self.iH, self.oW, self.oH)
   return self.gradInput
end
function SCL:accGradParameters(input, gradOutput, scale)
   input, gradOutput = contig(self, input, gradOutput)
   THNN.SpatialConvolutionLocal_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH,
      self.padW, self.padH, self.iW, self.iH, self.oW, self.oH, scale or 1)
end
SCL.type = convType(sclparent.type)
SCL.clearState = convClear
function SCL:__tostring__()
   return string.format('%s(%d -> %d, %dx%d, %dx%d)', torch.type(self), self.nInputPlane, self.nOutputPlane,
                        self.iW, self.iH, self.kW, self.kH)
end

local TC, tcparent = torch.class('nn.TemporalConvolution', 'nn.Module')
function TC:__init(inputFrameSize, outputFrameSize, kW, dW)
   tcparent.__init(self)
   dW = dW or 1
   self.inputFrameSize = inputFrameSize
   self.outputFrameSize = outputFrameSize
   self.kW = kW; self.dW = dW
   self.weight = torch.Tensor(outputFrameSize, inputFrameSize * kW)
   self.bias = torch.Tensor(outputFrameSize)
   self.gradWeight = torch.Tensor(outputFrameSize, inputFrameSize * kW)
   self.gradBias = torch.Tensor(outputFrameSize)
   self:reset()
end
TC.noBias = noBias
function TC:reset(stdv) fanInReset(self, self.kW * self.inputFrameSize, stdv) end
function TC:updateOutput(input)
   checkIn(self, input, {2, 3}, string.format('2-D (nFrame x %d) or 3-D (batch: N x nFrame x %d)', self.inputFrameSize, self.inputFrameSize))
   utils.checkInput(self, input:size(input:dim()) == self.inputFrameSize, string.format('with frame size %d', self.inputFrameSize), input)
   input = contig(self, input)
   THNN.TemporalConvolution_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(), opt(self.bias),
      self.kW, self.dW, self.inputFrameSize, self.outputFrameSize)
   return self.output
end
function TC:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   input, gradOutput = contig(self, input, gradOutput)
   THNN.TemporalConvolution_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.weight:cdata(), self.kW, self.dW)
   return self.gradInput
end
function TC:accGradParameters(input, gradOutput, scale)
   input, gradOutput = contig(self, input, gradOutput)
   THNN.TemporalConvolution_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.kW, self.dW, scale or 1)
end
TC.clearState = convClear

local VC, vcparent = torch.class('nn.VolumetricConvolution', 'nn.Module')
function VC:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH)
   vcparent.__init(self)
   self.nInputPlane = nInputPlane; self.nOutputPlane = nOutputPlane
   self.kT = kT; self.kW = kW; self.kH = kH
   self.dT = dT or 1; self.dW = dW or 1; self.dH = dH or 1
   self.padT = padT or 0; self.padW = padW or self.padT; self.padH = padH or self.padW
   self.weight = torch.Tensor(nOutputPlane, nInputPlane, kT, kH, kW)
   self.bias = torch.Tensor(nOutputPlane)
   self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane, kT, kH, kW)
   self.gradBias = torch.Tensor(nOutputPlane)
   self:reset()
end
VC.noBias = noBias
function VC:reset(stdv) fanInReset(self, self.kT * self.kW * self.kH * self.nInputPlane, stdv) end
function VC:updateOutput(input)
   checkIn(self, input, {4, 5}, string.format('4-D (%d x T x H x W) or 5-D (batch)', self.nInputPlane))
   utils.checkInput(self, input:size(input:dim() - 3) == self.nInputPlane, string.format('with %d planes in the channel dimension', self.nInputPlane), input)
   buffers(self, input)
   input = contig(self, input)
   THNN.VolumetricConvolutionMM_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(), opt(self.bias),
      self.finput:cdata(), self.fgradInput:cdata(), self.kT, self.kW, self.kH, self.dT, self.dW, self.dH,
      self.padT, self.padW, self.padH, 1)
   return self.output
end
function VC:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   input, gradOutput = contig(self, input, gradOutput)
   THNN.VolumetricConvolutionMM_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.weight:cdata(), self.finput:cdata(), self.fgradInput:cdata(), self.kT, self.kW, self.kH, self.dT, self.dW,
      self.dH, self.padT, self.padW, self.padH, 1)
   return self.gradInput
end
function VC:accGradParameters(input, gradOutput, scale)
   input, gradOutput = contig(self, input, gradOutput)
   THNN.VolumetricConvolutionMM_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.finput:cdata(), self.fgradInput:cdata(), self.kT, self.kW, self.kH, self.dT, self.dW,
      self.dH, self.padT, self.padW, self.padH, scale or 1, 1)
end
VC.type = convType(vcparent.type)
VC.clearState = convClear
function VC:__tostring__()
   return string.format('%s(%d -> %d, %dx%dx%d)', torch.type(self), self.nInputPlane, self.nOutputPlane, self.kT, self.kW, self.kH)
end

local VFC, vfcparent = torch.class('nn.VolumetricFullConvolution', 'nn.Module')
function VFC:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH, adjT, adjW, adjH)
   vfcparent.__init(self)
   self.nInputPlane = nInputPlane; self.nOutputPlane = nOutputPlane
   self.kT = kT; self.kW = kW; self.kH = kH
   self.dT = dT or 1; self.dW = dW or 1; self.dH = dH or 1
   self.padT = padT or 0; self.padW = padW or 0; self.padH = padH or 0
   self.adjT = adjT or 0; self.adjW = adjW or 0; self.adjH = adjH or 0
   self.weight = torch.Tensor(nInputPlane, nOutputPlane, kT, kH, kW)
   self.bias = torch.Tensor(nOutputPlane)
   self.gradWeight = torch.Tensor(nInputPlane, nOutputPlane, kT, kH, kW)
   self.gradBias = torch.Tensor(nOutputPlane)
   self:reset()
end
VFC.noBias = noBias
function VFC:reset(stdv) fanInReset(self, self.kT * self.kW * self.kH * self.nInputPlane, stdv) end
function VFC:updateOutput(input)
   checkIn(self, input, {4, 5}, string.format('4-D (%d x T x H x W) or 5-D (batch)', self.nInputPlane))
   utils.checkInput(self, input:size(input:dim() - 3) == self.nInputPlane, string.format('with %d planes in the channel dimension', self.nInputPlane), input)
   buffers(self, input)
   input = contig(self, input)
   THNN.VolumetricFullConvolution_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(), opt(self.bias),
      self.finput:cdata(), self.fgradInput:cdata(), self.kT, self.kW, self.kH, self.dT, self.dW, self.dH,
      self.padT, self.padW, self.padH, self.adjT, self.adjW, self.adjH, 1)
   return self.output
end
function VFC:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   input, gradOutput = contig(self, input, gradOutput)
   THNN.VolumetricFullConvolution_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.weight:cdata(), self.finput:cdata(), self.fgradInput:cdata(), self.kT, self.kW, self.kH, self.dT, self.dW,
      self.dH, self.padT, self.padW, self.padH, self.adjT, self.adjW, self.adjH, 1)
   return self.gradInput
end
function VFC:accGradParameters(input, gradOutput, scale)
   input, gradOutput = contig(self, input, gradOutput)
   THNN.VolumetricFullConvolution_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.finput:cdata(), self.fgradInput:cdata(), self.kT, self.kW, self.kH, self.dT, self.dW,
      self.dH, self.padT, self.padW, self.padH, self.adjT, self.adjW, self.adjH, scale or 1, 1)
end
VFC.type = convType(vfcparent.type)
VFC.clearState = convClear

------------------------------------------------------------------------ pooling
local SMP, smpparent = torch.class('nn.SpatialMaxPooling', 'nn.Module')
function SMP:__init(kW, kH, dW, dH, padW, padH)
   smpparent.__init(self)
   dW = dW or kW; dH = dH or kH
   self.kW = kW; self.kH = kH; self.dW = dW; self.dH = dH
   self.padW = padW or 0; self.padH = padH or 0
   self.ceil_mode = false
   self.indices = torch.LongTensor()
end
function SMP:ceil() self.ceil_mode = true; return self end
function SMP:floor() self.ceil_mode = false; return self end
function SMP:updateOutput(input)
   checkIn(self, input, {3, 4}, '3-D (C x H x W) or 4-D (batch: N x C x H x W)')
   local indices = longBuffer(self, 'indices')
   if self.dilationW then
      THNN.SpatialDilatedMaxPooling_updateOutput(input:cdata(), self.output:cdata(), indices:cdata(), self.kW, self.kH,
         self.dW, self.dH, self.padW, self.padH, self.dilationW, self.dilationH, self.ceil_mode and 1 or 0, THNN.BASE)
   else
      THNN.SpatialMaxPooling_updateOutput(input:cdata(), self.output:cdata(), indices:cdata(), self.kW, self.kH,
         self.dW, self.dH, self.padW, self.padH, self.ceil_mode and 1 or 0, THNN.BASE)
   end
   return self.output
end
function SMP:updateGradInput(input, gradOutput)
   if self.dilationW then
      THNN.SpatialDilatedMaxPooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
         self.indices:cdata(), self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.dilationW,
         self.dilationH, self.ceil_mode and 1 or 0, THNN.BASE)
   else
      THNN.SpatialMaxPooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
         self.indices:cdata(), self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.ceil_mode and 1 or 0,
         THNN.BASE)
   end
   return self.gradInput
end
function SMP:empty() self:clearState() end
function SMP:clearState()
   if self.indices then nn.utils.empty(self.indices) end
   return smpparent.clearState(self)
end
function SMP:__tostring__()
   local s = string.format('%s(%dx%d, %d,%d', torch.type(self), self.kW, self.kH, self.dW, self.dH)
   if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then s = s .. ', ' .. self.padW .. ',' .. self.padH end
   return s .. ')'
end

local SDMP, sdmpparent = torch.class('nn.SpatialDilatedMaxPooling', 'nn.SpatialMaxPooling')
function SDMP:__init(kW, kH, dW, dH, padW, padH, dilationW, dilationH)
   sdmpparent.__init(self, kW, kH, dW, dH, padW, padH)
   self.dilationW = dilationW or 1
   self.dilationH = dilationH or 1
end
function SDMP:__tostring__()
   return string.format('%s(%dx%d, %d,%d, %d,%d, %d,%d)', torch.type(self), self.kW, self.kH, self.dW, self.dH,
                        self.padW, self.padH, self.dilationW, self.dilationH)
end

local SAP, sapparent = torch.class('nn.SpatialAveragePooling', 'nn.Module')
function SAP:__init(kW, kH, dW, dH, padW, padH)
   sapparent.__init(self)
   self.kW = kW; self.kH = kH
   self.dW = dW or 1; self.dH = dH or 1
   self.padW = padW or 0; self.padH = padH or 0
   self.ceil_mode = false
   self.count_include_pad = true
   self.divide = true
end
function SAP:ceil() self.ceil_mode = true; return self end
function SAP:floor() self.ceil_mode = false; return self end
function SAP:setCountIncludePad() self.count_include_pad = true; return self end
function SAP:setCountExcludePad() self.count_include_pad = false; return self end
function SAP:updateOutput(input)
   checkIn(self, input, {3, 4}, '3-D (C x H x W) or 4-D (batch: N x C x H x W)')
   THNN.SpatialAveragePooling_updateOutput(input:cdata(), self.output:cdata(), self.kW, self.kH, self.dW, self.dH,
      self.padW, self.padH, self.ceil_mode and 1 or 0, self.count_include_pad and 1 or 0)
   if not self.divide then self.output:mul(self.kW * self.kH) end
   return self.output
end
function SAP:updateGradInput(input, gradOutput)
   if self.gradInput then
      THNN.SpatialAveragePooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.kW,
         self.kH, self.dW, self.dH, self.padW, self.padH, self.ceil_mode and 1 or 0, self.count_include_pad and 1 or 0)
      if not self.divide then self.gradInput:mul(self.kW * self.kH) end
      return self.gradInput
   end
end
function SAP:__tostring__()
   local s = string.format('%s(%dx%d, %d,%d', torch.type(self), self.kW, self.kH, self.dW, self.dH)
   if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then s = s .. ', ' .. self.padW .. ',' .. self.padH end
   return s .. ')'
end

local function adaptive(name, isMax)
   local M, mp = torch.class('nn.' .. name, 'nn.Module')
   function M:__init(W, H)
      mp.__init(self)
      self.W = W; self.H = H
      if isMax then self.indices = torch.LongTensor() end
   end
   function M:updateOutput(input)
      checkIn(self, input, {3, 4}, '3-D (C x H x W) or 4-D (batch: N x C x H x W)')
      if isMax then
         THNN.SpatialAdaptiveMaxPooling_updateOutput(input:cdata(), self.output:cdata(), longBuffer(self, 'indices'):cdata(),
                                                     self.W, self.H, THNN.BASE)
      else
         THNN.SpatialAdaptiveAveragePooling_updateOutput(input:cdata(), self.output:cdata(), self.W, self.H)
      end
      return self.output
   end
   function M:updateGradInput(input, gradOutput)
      if isMax then
         THNN.SpatialAdaptiveMaxPooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
                                                        self.indices:cdata(), THNN.BASE)
      else
         THNN.SpatialAdaptiveAveragePooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata())
      end
      return self.gradInput
   end
   function M:clearState()
      if self.indices then nn.utils.empty(self.indices) end
      return mp.clearState(self)
   end
end
adaptive('SpatialAdaptiveMaxPooling', true)
adaptive('SpatialAdaptiveAveragePooling', false)

local SMU, smuparent = torch.class('nn.SpatialMaxUnpooling', 'nn.Module')
function SMU:__init(poolingModule)
   smuparent.__init(self)
   assert(torch.type(poolingModule) == 'nn.SpatialMaxPooling', 'nn.SpatialMaxUnpooling: argument must be a nn.SpatialMaxPooling module')
   assert(poolingModule.kH == poolingModule.dH and poolingModule.kW == poolingModule.dW,
          'nn.SpatialMaxUnpooling: the pooling module must have kernel size == stride')
   self.pooling = poolingModule
end
function SMU:setParams()
   self.indices = self.pooling.indices
   self.oheight = self.pooling.iheight
   self.owidth = self.pooling.iwidth
end
function SMU:updateOutput(input)
   checkIn(self, input, {3, 4}, '3-D (C x H x W) or 4-D (batch: N x C x H x W)')
   local pi = self.pooling.indices
   if not pi or pi:nElement() == 0 then
      error('nn.SpatialMaxUnpooling: run the paired nn.SpatialMaxPooling forward first (its indices are empty)', 0)
   end
   local d = input:dim()
   local oH = (input:size(d - 1) - 1) * self.pooling.dH + self.pooling.kH - 2 * self.pooling.padH
   local oW = (input:size(d) - 1) * self.pooling.dW + self.pooling.kW - 2 * self.pooling.padW
   self.oheight, self.owidth = oH, oW
   THNN.SpatialMaxUnpooling_updateOutput(input:cdata(), self.output:cdata(), pi:cdata(), oW, oH, THNN.BASE)
   return self.output
end
function SMU:updateGradInput(input, gradOutput)
   THNN.SpatialMaxUnpooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.pooling.indices:cdata(), self.owidth, self.oheight, THNN.BASE)
   return self.gradInput
end
function SMU:__tostring__() return 'nn.SpatialMaxUnpooling associated to ' .. tostring(self.pooling) end

local SFMP, sfmpparent = torch.class('nn.SpatialFractionalMaxPooling', 'nn.Module')
function SFMP:__init(poolSizeW, poolSizeH, arg1, arg2)
   sfmpparent.__init(self)
   assert(poolSizeW >= 2 and poolSizeH >= 2, 'nn.SpatialFractionalMaxPooling: poolSize must be >= 2')
   self.poolSizeW = poolSizeW
   self.poolSizeH = poolSizeH
   if arg1 >= 1 and arg2 >= 1 then
      self.outW = arg1; self.outH = arg2
   else
      self.ratioW = arg1; self.ratioH = arg2
      assert(self.ratioW > 0 and self.ratioW < 1 and self.ratioH > 0 and self.ratioH < 1,
             'nn.SpatialFractionalMaxPooling: ratios must be in (0, 1)')
   end
   self.indices = torch.LongTensor()
end
function SFMP:fixPoolingRegions(val)
   if val == nil then val = true end
   self.newRandomPool = not val
   return self
end
function SFMP:getBufferSize_(input)
   if input:dim() == 3 then return torch.LongStorage{input:size(1), 2} end
   return torch.LongStorage{input:size(1), input:size(2), 2}
end
function SFMP:getOutputSizes_(input)
   local d = input:dim()
   local inputW, inputH = input:size(d), input:size(d - 1)
   local outW, outH = self.outW, self.outH
   if self.ratioW ~= nil and self.ratioH ~= nil then
      outW = math.floor(inputW * self.ratioW)
      outH = math.floor(inputH * self.ratioH)
      assert(outW + self.poolSizeW - 1 <= inputW and outH + self.poolSizeH - 1 <= inputH,
             'nn.SpatialFractionalMaxPooling: input too small for the pooling size')
   end
   return outW, outH
end
function SFMP:updateOutput(input)
   checkIn(self, input, {3, 4}, '3-D (C x H x W) or 4-D (batch: N x C x H x W)')
   if not self.randomSamples or self.randomSamples:nElement() == 0 or self.newRandomPool ~= false then
      self.randomSamples = self.randomSamples or input.new()
      self.randomSamples:resize(self:getBufferSize_(input)):uniform()
   end
   local outW, outH = self:getOutputSizes_(input)
   THNN.SpatialFractionalMaxPooling_updateOutput(input:cdata(), self.output:cdata(), outW, outH, self.poolSizeW,
      self.poolSizeH, longBuffer(self, 'indices'):cdata(), self.randomSamples:cdata(), THNN.BASE)
   return self.output
end
function SFMP:updateGradInput(input, gradOutput)
   local outW, outH = self:getOutputSizes_(input)
   THNN.SpatialFractionalMaxPooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), outW,
      outH, self.poolSizeW, self.poolSizeH, self.indices:cdata(), THNN.BASE)
   return self.gradInput
end
function SFMP:clearState()
   utils.clear(self, 'indices', 'randomSamples')
   return sfmpparent.clearState(self)
end

local SSS, sssparent = torch.class('nn.SpatialSubSampling', 'nn.Module')
function SSS:__init(nInputPlane, kW, kH, dW, dH)
   sssparent.__init(self)
   self.nInputPlane = nInputPlane
   self.kW = kW; self.kH = kH; self.dW = dW or 1; self.dH = dH or 1
   self.weight = torch.Tensor(nInputPlane)
   self.bias = torch.Tensor(nInputPlane)
   self.gradWeight = torch.Tensor(nInputPlane)
   self.gradBias = torch.Tensor(nInputPlane)
   self:reset()
end
function SSS:reset(stdv) fanInReset(self, self.kW * self.kH, stdv) end
function SSS:updateOutput(input)
   checkIn(self, input, {3, 4}, string.format('3-D (%d x H x W) or 4-D (batch)', self.nInputPlane))
   THNN.SpatialSubSampling_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(), opt(self.bias),
      self.kW, self.kH, self.dW, self.dH)
   return self.output
end
function SSS:updateGradInput(input, gradOutput)
   if self.gradInput then
      THNN.SpatialSubSampling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
         self.weight:cdata(), self.kW, self.kH, self.dW, self.dH)
      return self.gradInput
   end
end
function SSS:accGradParameters(input, gradOutput, scale)
   THNN.SpatialSubSampling_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.kW, self.kH, self.dW, self.dH, scale or 1)
end

local SUN, sunparent = torch.class('nn.SpatialUpSamplingNearest', 'nn.Module')
function SUN:__init(scale)
   sunparent.__init(self)
   self.scale_factor = scale
   if self.scale_factor < 1 then error('nn.SpatialUpSamplingNearest: scale_factor must be greater than 1') end
   if math.floor(self.scale_factor) ~= self.scale_factor then
      error('nn.SpatialUpSamplingNearest: scale_factor must be integer')
   end
end
function SUN:updateOutput(input)
   checkIn(self, input, {3, 4}, '3-D (C x H x W) or 4-D (batch: N x C x H x W)')
   THNN.SpatialUpSamplingNearest_updateOutput(input:cdata(), self.output:cdata(), self.scale_factor)
   return self.output
end
function SUN:updateGradInput(input, gradOutput)
   THNN.SpatialUpSamplingNearest_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.scale_factor)
   return self.gradInput
end
function SUN:__tostring__() return torch.type(self) .. '(' .. self.scale_factor .. ')' end

local SUB, subparent = torch.class('nn.SpatialUpSamplingBilinear', 'nn.Module')
function SUB:__init(params)
   subparent.__init(self)
   if type(params) == 'number' then
      self.scale_factor = params
   else
      self.oheight = params.oheight
      self.owidth = params.owidth
   end
end
function SUB:setSize(input)
   local d = input:dim()
   if self.scale_factor then
      self.oheight = (input:size(d - 1) - 1) * self.scale_factor + 1
      self.owidth = (input:size(d) - 1) * self.scale_factor + 1
   end
end
function SUB:updateOutput(input)
   checkIn(self, input, {3, 4}, '3-D (C x H x W) or 4-D (batch: N x C x H x W)')
   self:setSize(input)
   THNN.SpatialUpSamplingBilinear_updateOutput(input:cdata(), self.output:cdata(), self.oheight, self.owidth, 1)
   return self.output
end
function SUB:updateGradInput(input, gradOutput)
   THNN.SpatialUpSamplingBilinear_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
                                                  self.oheight, self.owidth, 1)
   return self.gradInput
end

local function padding(name)
   local M, mp = torch.class('nn.' .. name, 'nn.Module')
   function M:__init(pad_l, pad_r, pad_t, pad_b)
      mp.__init(self)
      self.pad_l = pad_l
      self.pad_r = pad_r or self.pad_l
      self.pad_t = pad_t or self.pad_l
      self.pad_b = pad_b or self.pad_l
   end
   function M:updateOutput(input)
      checkIn(self, input, {3, 4}, '3-D (C x H x W) or 4-D (batch: N x C x H x W)')
      THNN[name .. '_updateOutput'](input:cdata(), self.output:cdata(), self.pad_l, self.pad_r, self.pad_t, self.pad_b)
      return self.output
   end
   function M:updateGradInput(input, gradOutput)
      THNN[name .. '_updateGradInput'](input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.pad_l,
                                       self.pad_r, self.pad_t, self.pad_b)
      return self.gradInput
   end
   function M:__tostring__()
      return torch.type(self) .. string.format('(l=%d, r=%d, t=%d, b=%d)', self.pad_l, self.pad_r, self.pad_t, self.pad_b)
   end
end
padding('SpatialReflectionPadding')
padding('SpatialReplicationPadding')

-- SpatialZeroPadding is pure Lua in Torch7 (negative pads crop)
local SZP, szpparent = torch.class('nn.SpatialZeroPadding', 'nn.Module')
function SZP:__init(pad_l, pad_r, pad_t, pad_b)
   szpparent.__init(self)
   self.pad_l = pad_l
   self.pad_r = pad_r or self.pad_l
   self.pad_t = pad_t or self.pad_l
   self.pad_b = pad_b or self.pad_l
end
function SZP:updateOutput(input)
   utils.checkInput(self, input:dim() == 3 or input:dim() == 4, '3-D (C x H x W) or 4-D (batch: N x C x H x W)', input)
   local d = input:dim()
   local h = input:size(d - 1) + self.pad_t + self.pad_b
   local w = input:size(d) + self.pad_l + self.pad_r
   if w < 1 or h < 1 then error('nn.SpatialZeroPadding: input is too small for the cropping', 0) end
   local sz = input:size()
   sz[d - 1] = h; sz[d] = w
   self.output:resize(sz):zero()
   local c_input = input
   if self.pad_t < 0 then c_input = c_input:narrow(d - 1, 1 - self.pad_t, c_input:size(d - 1) + self.pad_t) end
   if self.pad_b < 0 then c_input = c_input:narrow(d - 1, 1, c_input:size(d - 1) + self.pad_b) end
   if self.pad_l < 0 then c_input = c_input:narrow(d, 1 - self.pad_l, c_input:size(d) + self.pad_l) end
   if self.pad_r < 0 then c_input = c_input:narrow(d, 1, c_input:size(d) + self.pad_r) end
   local c_output = self.output
   if self.pad_t > 0 then c_output = c_output:narrow(d - 1, 1 + self.pad_t, c_output:size(d - 1) - self.pad_t) end
   if self.pad_b > 0 then c_output = c_output:narrow(d - 1, 1, c_output:size(d - 1) - self.pad_b) end
   if self.pad_l > 0 then c_output = c_output:narrow(d, 1 + self.pad_l, c_output:size(d) - self.pad_l) end
   if self.pad_r > 0 then c_output = c_output:narrow(d, 1, c_output:size(d) - self.pad_r) end
   c_output:copy(c_input)
   return self.output
end
function SZP:updateGradInput(input, gradOutput)
   local d = input:dim()
   self.gradInput:resizeAs(input):zero()
   local cg_output = gradOutput
   if self.pad_t > 0 then cg_output = cg_output:narrow(d - 1, 1 + self.pad_t, cg_output:size(d - 1) - self.pad_t) end
   if self.pad_b > 0 then cg_output = cg_output:narrow(d - 1, 1, cg_output:size(d - 1) - self.pad_b) end
   if self.pad_l > 0 then cg_output = cg_output:narrow(d, 1 + self.pad_l, cg_output:size(d) - self.pad_l) end
   if self.pad_r > 0 then cg_output = cg_output:narrow(d, 1, cg_output:size(d) - self.pad_r) end
   local cg_input = self.gradInput
   if self.pad_t < 0 then cg_input = cg_input:narrow(d - 1, 1 - self.pad_t, cg_input:size(d - 1) + self.pad_t) end
   if self.pad_b < 0 then cg_input = cg_input:narrow(d - 1, 1, cg_input:size(d - 1) + self.pad_b) end
   if self.pad_l < 0 then cg_input = cg_input:narrow(d, 1 - self.pad_l, cg_input:size(d) + self.pad_l) end
   if self.pad_r < 0 then cg_input = cg_input:narrow(d, 1, cg_input:size(d) + self.pad_r) end
   cg_input:copy(cg_output)
   return self.gradInput
end
function SZP:__tostring__()
   return torch.type(self) .. string.format('(l=%d, r=%d, t=%d, b=%d)', self.pad_l, self.pad_r, self.pad_t, self.pad_b)
end

local TMP, tmpparent = torch.class('nn.TemporalMaxPooling', 'nn.Module')
function TMP:__init(kW, dW)
   tmpparent.__init(self)
   self.kW = kW
   self.dW = dW or kW
   self.indices = torch.LongTensor()
end
function TMP:updateOutput(input)
   checkIn(self, input, {2, 3}, '2-D (nFrame x frameSize) or 3-D (batch)')
   THNN.TemporalMaxPooling_updateOutput(input:cdata(), self.output:cdata(), longBuffer(self, 'indices'):cdata(), self.kW,
                                        self.dW, THNN.BASE)
   return self.output
end
function TMP:updateGradInput(input, gradOutput)
   THNN.TemporalMaxPooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
                                           self.indices:cdata(), self.kW, self.dW, THNN.BASE)
   return self.gradInput
end
function TMP:clearState()
   if self.indices then nn.utils.empty(self.indices) end
   return tmpparent.clearState(self)
end

local TSS, tssparent = torch.class('nn.TemporalSubSampling', 'nn.Module')
function TSS:__init(inputFrameSize, kW, dW)
   tssparent.__init(self)
   self.inputFrameSize = inputFrameSize
   self.kW = kW; self.dW = dW or 1
   self.weight = torch.Tensor(inputFrameSize)
   self.bias = torch.Tensor(inputFrameSize)
   self.gradWeight = torch.Tensor(inputFrameSize)
   self.gradBias = torch.Tensor(inputFrameSize)
   self:reset()
end
function TSS:reset(stdv) fanInReset(self, self.kW, stdv) end
function TSS:updateOutput(input)
   checkIn(self, input, {2, 3}, string.format('2-D (nFrame x %d) or 3-D (batch)', self.inputFrameSize))
   THNN.TemporalSubSampling_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(), opt(self.bias),
                                         self.kW, self.dW, self.inputFrameSize)
   return self.output
end
function TSS:updateGradInput(input, gradOutput)
   if self.gradInput then
      THNN.TemporalSubSampling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
                                               self.weight:cdata(), self.kW, self.dW)
      return self.gradInput
   end
end
function TSS:accGradParameters(input, gradOutput, scale)
   THNN.TemporalSubSampling_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
                                              opt(self.gradBias), self.kW, self.dW, scale or 1)
end

local VMP, vmpparent = torch.class('nn.VolumetricMaxPooling', 'nn.Module')
function VMP:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH)
   vmpparent.__init(self)
   dT = dT or kT; dW = dW or kW; dH = dH or kH
   self.kT = kT; self.kH = kH; self.kW = kW
   self.dT = dT; self.dW = dW; self.dH = dH
   self.padT = padT or 0; self.padW = padW or 0; self.padH = padH or 0
   self.ceil_mode = false
   self.indices = torch.LongTensor()
end
function VMP:ceil() self.ceil_mode = true; return self end
function VMP:floor() self.ceil_mode = false; return self end
function VMP:updateOutput(input)
   checkIn(self, input, {4, 5}, '4-D (C x T x H x W) or 5-D (batch)')
   THNN.VolumetricMaxPooling_updateOutput(input:cdata(), self.output:cdata(), longBuffer(self, 'indices'):cdata(),
      self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH,
      self.ceil_mode and 1 or 0, THNN.BASE)
   return self.output
end
function VMP:updateGradInput(input, gradOutput)
   THNN.VolumetricMaxPooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.indices:cdata(), self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH,
      self.ceil_mode and 1 or 0, THNN.BASE)
   return self.gradInput
end
function VMP:clearState()
   if self.indices then nn.utils.empty(self.indices) end
   return vmpparent.clearState(self)
end

-- padding, ceil_mode and count_include_pad as Torch7's later nn (absent fields: none, floor, true)
local VAP, vapparent = torch.class('nn.VolumetricAveragePooling', 'nn.Module')
function VAP:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH)
   vapparent.__init(self)
   self.kT = kT; self.kH = kH; self.kW = kW
   self.dT = dT or kT; self.dW = dW or kW; self.dH = dH or kH
   self.padT = padT or 0; self.padW = padW or 0; self.padH = padH or 0
   self.ceil_mode = false
   self.count_include_pad = true
end
VAP.ceil, VAP.floor = SAP.ceil, SAP.floor
VAP.setCountIncludePad, VAP.setCountExcludePad = SAP.setCountIncludePad, SAP.setCountExcludePad
local function vapArgs(self)
   return self.padT or 0, self.padW or 0, self.padH or 0, self.ceil_mode and 1 or 0,
          self.count_include_pad == false and 0 or 1
end
function VAP:updateOutput(input)
   checkIn(self, input, {4, 5}, '4-D (C x T x H x W) or 5-D (batch)')
   THNN.VolumetricAveragePooling_updateOutput(input:cdata(), self.output:cdata(), self.kT, self.kW, self.kH,
      self.dT, self.dW, self.dH, vapArgs(self))
   return self.output
end
function VAP:updateGradInput(input, gradOutput)
   THNN.VolumetricAveragePooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, vapArgs(self))
   return self.gradInput
end
