-- The dilated variants of the transposed and volumetric convolutions and of volumetric max
-- pooling: SpatialFullDilatedConvolution, VolumetricDilatedConvolution,
-- VolumetricFullDilatedConvolution, VolumetricDilatedMaxPooling (lib/THNN through nn.THNN).
local THNN = nn.THNN
local opt = THNN.optional
local utils = nn.utils
local H = THNN.moduleHelpers

-- the adj of a transposed convolution whose output must match a reference size
local function adjFor(target, inSize, k, d, pad, dil)
   return target - ((inSize - 1) * d - 2 * pad + dil * (k - 1) + 1)
end

local function volumetricCheck(self, input)
   H.checkIn(self, input, {4, 5}, string.format('4-D (%d x T x H x W) or 5-D (batch: N x %d x T x H x W)',
                                                self.nInputPlane, self.nInputPlane))
   utils.checkInput(self, input:size(input:dim() - 3) == self.nInputPlane,
                    string.format('with %d planes in the channel dimension', self.nInputPlane), input)
end

------------------------------------------------------------------------ SpatialFullDilatedConvolution
local SFDC, sfdcparent = torch.class('nn.SpatialFullDilatedConvolution', 'nn.SpatialFullConvolution')
function SFDC:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, dilationW, dilationH, adjW, adjH)
   sfdcparent.__init(self, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, adjW, adjH)
   self.dilationW = dilationW or 1
   self.dilationH = dilationH or 1
end
-- the tensor input and the adj to use (a table {x, sizeRef} fixes the output size)
function SFDC:_adj(input)
   if torch.type(input) == 'table' then
      local x, ref = input[1], input[2]
      return x, adjFor(ref:size(ref:dim()), x:size(x:dim()), self.kW, self.dW, self.padW, self.dilationW),
             adjFor(ref:size(ref:dim() - 1), x:size(x:dim() - 1), self.kH, self.dH, self.padH, self.dilationH)
   end
   return input, self.adjW, self.adjH
end
function SFDC:_args(adjW, adjH, ...)
   return self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.dilationW, self.dilationH, adjW, adjH, ...
end
function SFDC:updateOutput(input)
   local x, adjW, adjH = self:_adj(input)
   H.checkIn(self, x, {3, 4}, string.format('3-D (%d x H x W) or 4-D (batch: N x %d x H x W)', self.nInputPlane, self.nInputPlane))
   utils.checkInput(self, x:size(x:dim() - 2) == self.nInputPlane, string.format('with %d planes in the channel dimension', self.nInputPlane), x)
   H.buffers(self, x)
   x = H.contig(self, x)
   THNN.SpatialFullDilatedConvolution_updateOutput(x:cdata(), self.output:cdata(), self.weight:cdata(), opt(self.bias),
      self.finput:cdata(), self.fgradInput:cdata(), self:_args(adjW, adjH, 1))
   return self.output
end
function SFDC:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local x, adjW, adjH = self:_adj(input)
   x, gradOutput = H.contig(self, x, gradOutput)
   local gi = H.fullGradInput(self, input, x)
   THNN.SpatialFullDilatedConvolution_updateGradInput(x:cdata(), gradOutput:cdata(), gi:cdata(), self.weight:cdata(),
      self.finput:cdata(), self:_args(adjW, adjH, 1))
   return self.gradInput
end
function SFDC:accGradParameters(input, gradOutput, scale)
   local x, adjW, adjH = self:_adj(input)
   x, gradOutput = H.contig(self, x, gradOutput)
   THNN.SpatialFullDilatedConvolution_accGradParameters(x:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.finput:cdata(), self.fgradInput:cdata(), self:_args(adjW, adjH, scale or 1, 1))
end
function SFDC:__tostring__()
   local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane, self.nOutputPlane, self.kW, self.kH)
   if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then s = s .. string.format(', %d,%d', self.dW, self.dH) end
   if self.padW ~= 0 or self.padH ~= 0 then s = s .. ', ' .. self.padW .. ',' .. self.padH end
   s = s .. ', ' .. self.dilationW .. ',' .. self.dilationH
   if self.adjW ~= 0 or self.adjH ~= 0 then s = s .. ', ' .. self.adjW .. ',' .. self.adjH end
   if self.bias then return s .. ')' end
   return s .. ') without bias'
end

------------------------------------------------------------------------ VolumetricDilatedConvolution
local VDC, vdcparent = torch.class('nn.VolumetricDilatedConvolution', 'nn.VolumetricConvolution')
function VDC:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT, dilationW, dilationH)
   vdcparent.__init(self, nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH)
   self.dilationT = dilationT or 1
   self.dilationW = dilationW or 1
   self.dilationH = dilationH or 1
end
function VDC:_args(...)
   return self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH,
          self.dilationT, self.dilationW, self.dilationH, ...
end
function VDC:updateOutput(input)
   volumetricCheck(self, input)
   H.buffers(self, input)
   input = H.contig(self, input)
   THNN.VolumetricDilatedConvolution_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(),
      opt(self.bias), self.finput:cdata(), self.fgradInput:cdata(), self:_args(1))
   return self.output
end
function VDC:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   input, gradOutput = H.contig(self, input, gradOutput)
   THNN.VolumetricDilatedConvolution_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.weight:cdata(), self.finput:cdata(), self:_args(1))
   return self.gradInput
end
function VDC:accGradParameters(input, gradOutput, scale)
   input, gradOutput = H.contig(self, input, gradOutput)
   THNN.VolumetricDilatedConvolution_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.finput:cdata(), self.fgradInput:cdata(), self:_args(scale or 1, 1))
end
function VDC:__tostring__()
   local s = string.format('%s(%d -> %d, %dx%dx%d', torch.type(self), self.nInputPlane, self.nOutputPlane,
                           self.kT, self.kW, self.kH)
   if self.dT ~= 1 or self.dW ~= 1 or self.dH ~= 1 or self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0 then
      s = s .. string.format(', %d,%d,%d', self.dT, self.dW, self.dH)
   end
   if self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0 then
      s = s .. ', ' .. self.padT .. ',' .. self.padW .. ',' .. self.padH
   end
   s = s .. ', ' .. self.dilationT .. ',' .. self.dilationW .. ',' .. self.dilationH
   if self.bias then return s .. ')' end
   return s .. ') without bias'
end

------------------------------------------------------------------------ VolumetricFullDilatedConvolution
local VFDC, vfdcparent = torch.class('nn.VolumetricFullDilatedConvolution', 'nn.VolumetricFullConvolution')
function VFDC:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT, dilationW,
                     dilationH, adjT, adjW, adjH)
   vfdcparent.__init(self, nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH, adjT, adjW, adjH)
   self.dilationT = dilationT or 1
   self.dilationW = dilationW or 1
   self.dilationH = dilationH or 1
end
-- the tensor input and the adjs to use (a table {x, sizeRef} fixes the output size)
function VFDC:_adj(input)
   if torch.type(input) == 'table' then
      local x, ref = input[1], input[2]
      local rd, xd = ref:dim(), x:dim()
      return x, adjFor(ref:size(rd - 2), x:size(xd - 2), self.kT, self.dT, self.padT, self.dilationT),
             adjFor(ref:size(rd), x:size(xd), self.kW, self.dW, self.padW, self.dilationW),
             adjFor(ref:size(rd - 1), x:size(xd - 1), self.kH, self.dH, self.padH, self.dilationH)
   end
   return input, self.adjT, self.adjW, self.adjH
end
function VFDC:_args(aT, aW, aH, ...)
   return self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH,
          self.dilationT, self.dilationW, self.dilationH, aT, aW, aH, ...
end
function VFDC:updateOutput(input)
   local x, aT, aW, aH = self:_adj(input)
   volumetricCheck(self, x)
   H.buffers(self, x)
   x = H.contig(self, x)
   THNN.VolumetricFullDilatedConvolution_updateOutput(x:cdata(), self.output:cdata(), self.weight:cdata(),
      opt(self.bias), self.finput:cdata(), self.fgradInput:cdata(), self:_args(aT, aW, aH, 1))
   return self.output
end
function VFDC:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local x, aT, aW, aH = self:_adj(input)
   x, gradOutput = H.contig(self, x, gradOutput)
   local gi = H.fullGradInput(self, input, x)
   THNN.VolumetricFullDilatedConvolution_updateGradInput(x:cdata(), gradOutput:cdata(), gi:cdata(),
      self.weight:cdata(), self.finput:cdata(), self.fgradInput:cdata(), self:_args(aT, aW, aH, 1))
   return self.gradInput
end
function VFDC:accGradParameters(input, gradOutput, scale)
   local x, aT, aW, aH = self:_adj(input)
   x, gradOutput = H.contig(self, x, gradOutput)
   THNN.VolumetricFullDilatedConvolution_accGradParameters(x:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.finput:cdata(), self.fgradInput:cdata(), self:_args(aT, aW, aH, scale or 1, 1))
end
function VFDC:__tostring__()
   local s = string.format('%s(%d -> %d, %dx%dx%d', torch.type(self), self.nInputPlane, self.nOutputPlane,
                           self.kT, self.kW, self.kH)
   s = s .. string.format(', %d,%d,%d, %d,%d,%d, %d,%d,%d', self.dT, self.dW, self.dH, self.padT, self.padW,
                          self.padH, self.dilationT, self.dilationW, self.dilationH)
   if self.adjT ~= 0 or self.adjW ~= 0 or self.adjH ~= 0 then
      s = s .. string.format(', %d,%d,%d', self.adjT, self.adjW, self.adjH)
   end
   if self.bias then return s .. ')' end
   return s .. ') without bias'
end

------------------------------------------------------------------------ VolumetricDilatedMaxPooling
local VDMP, vdmpparent = torch.class('nn.VolumetricDilatedMaxPooling', 'nn.VolumetricMaxPooling')
function VDMP:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT, dilationW, dilationH)
   vdmpparent.__init(self, kT, kW, kH, dT, dW, dH, padT, padW, padH)
   self.dilationT = dilationT or 1
   self.dilationW = dilationW or 1
   self.dilationH = dilationH or 1
end
function VDMP:_args()
   return self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH,
          self.dilationT, self.dilationW, self.dilationH, self.ceil_mode and 1 or 0, THNN.BASE
end
function VDMP:updateOutput(input)
   H.checkIn(self, input, {4, 5}, '4-D (C x T x H x W) or 5-D (batch: N x C x T x H x W)')
   local d = input:dim()
   self.itime, self.iheight, self.iwidth = input:size(d - 2), input:size(d - 1), input:size(d)
   THNN.VolumetricDilatedMaxPooling_updateOutput(input:cdata(), self.output:cdata(),
      H.longBuffer(self, 'indices'):cdata(), self:_args())
   return self.output
end
function VDMP:updateGradInput(input, gradOutput)
   THNN.VolumetricDilatedMaxPooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.indices:cdata(), self:_args())
   return self.gradInput
end
function VDMP:__tostring__()
   return string.format('%s(%dx%dx%d, %d,%d,%d, %d,%d,%d, %d,%d,%d)', torch.type(self), self.kT, self.kW, self.kH,
                        self.dT, self.dW, self.dH, self.padT, self.padW, self.padH,
                        self.dilationT, self.dilationW, self.dilationH)
end
