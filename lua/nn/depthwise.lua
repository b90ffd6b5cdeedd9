-- Per-channel convolutions on lib/THNN: SpatialDepthWiseConvolution (each input plane with
-- its own nOutputPlane kernels) and TemporalRowConvolution (each feature row with its own kernel).
local THNN = nn.THNN
local opt = THNN.optional
local utils = nn.utils
local H = THNN.moduleHelpers

------------------------------------------------------------------------ SpatialDepthWiseConvolution
local SDW, sdwparent = torch.class('nn.SpatialDepthWiseConvolution', 'nn.Module')
function SDW:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
   sdwparent.__init(self)
   self.nInputPlane = nInputPlane
   self.nOutputPlane = nOutputPlane
   self.kW = kW; self.kH = kH
   self.dW = dW or 1; self.dH = dH or 1
   self.padW = padW or 0
   self.padH = padH or self.padW
   self.weight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW)
   self.bias = torch.Tensor(nOutputPlane, nInputPlane)
   self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW)
   self.gradBias = torch.Tensor(nOutputPlane, nInputPlane)
   self:reset()
end
SDW.noBias = H.noBias
function SDW:reset(stdv) H.fanInReset(self, self.kW * self.kH * self.nInputPlane, stdv) end
function SDW:_args(...) return self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, ... end
function SDW:updateOutput(input)
   H.checkIn(self, input, {3, 4}, string.format('3-D (%d x H x W) or 4-D (batch: N x %d x H x W)', self.nInputPlane, self.nInputPlane))
   utils.checkInput(self, input:size(input:dim() - 2) == self.nInputPlane,
                    string.format('with %d planes in the channel dimension', self.nInputPlane), input)
   H.buffers(self, input)
   input = H.contig(self, input)
   THNN.SpatialDepthWiseConvolution_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(),
      opt(self.bias), self.finput:cdata(), self.fgradInput:cdata(), self:_args())
   return self.output
end
function SDW:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   input, gradOutput = H.contig(self, input, gradOutput)
   THNN.SpatialDepthWiseConvolution_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.weight:cdata(), self.finput:cdata(), self.fgradInput:cdata(), self:_args())
   return self.gradInput
end
function SDW:accGradParameters(input, gradOutput, scale)
   input, gradOutput = H.contig(self, input, gradOutput)
   THNN.SpatialDepthWiseConvolution_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.finput:cdata(), self.fgradInput:cdata(), self:_args(scale or 1))
end
SDW.type = H.convType(sdwparent.type)
SDW.clearState = H.convClear
SDW.__tostring__ = H.convString

------------------------------------------------------------------------ TemporalRowConvolution
local TRC, trcparent = torch.class('nn.TemporalRowConvolution', 'nn.Module')
function TRC:__init(inputFrameSize, kW, dW, featFirst)
   trcparent.__init(self)
   self.inputFrameSize = inputFrameSize
   self.kW = kW
   self.dW = dW or 1
   self.weight = torch.Tensor(inputFrameSize, 1, kW)
   self.bias = torch.Tensor(inputFrameSize)
   self.gradWeight = torch.Tensor(inputFrameSize, 1, kW)
   self.gradBias = torch.Tensor(inputFrameSize)
   -- true: input (batch x) inputFrameSize x nInputFrame
   self.featFirst = featFirst and true or false
   self:reset()
end
TRC.noBias = H.noBias
function TRC:reset(stdv) H.fanInReset(self, self.kW * self.inputFrameSize, stdv) end
-- padding is not supported (Torch7 passed 0 as well)
function TRC:_args(...) return self.kW, self.dW, 0, self.featFirst and 1 or 0, ... end
function TRC:updateOutput(input)
   local F = self.inputFrameSize
   H.checkIn(self, input, {2, 3}, self.featFirst
      and string.format('2-D (%d x nFrame) or 3-D (batch: N x %d x nFrame)', F, F)
      or string.format('2-D (nFrame x %d) or 3-D (batch: N x nFrame x %d)', F, F))
   H.buffers(self, input)
   THNN.TemporalRowConvolution_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(), opt(self.bias),
      self.finput:cdata(), self.fgradInput:cdata(), self:_args())
   return self.output
end
function TRC:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   THNN.TemporalRowConvolution_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.weight:cdata(), self.finput:cdata(), self.fgradInput:cdata(), self:_args())
   return self.gradInput
end
function TRC:accGradParameters(input, gradOutput, scale)
   THNN.TemporalRowConvolution_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradWeight:cdata(),
      opt(self.gradBias), self.finput:cdata(), self.fgradInput:cdata(), self:_args(scale or 1))
end
TRC.type = H.convType(trcparent.type)
TRC.clearState = H.convClear
function TRC:__tostring__()
   local s = string.format('%s(%d, %d', torch.type(self), self.inputFrameSize, self.kW)
   if self.dW ~= 1 then s = s .. string.format(', %d', self.dW) end
   if self.bias then return s .. ')' end
   return s .. ') without bias'
end
