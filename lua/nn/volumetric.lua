-- Volumetric unpooling, fractional max pooling and replication padding on lib/THNN.
local THNN = nn.THNN
local utils = nn.utils
local H = THNN.moduleHelpers
local VOLUME = '4-D (C x T x H x W) or 5-D (batch: N x C x T x H x W)'

------------------------------------------------------------------------ VolumetricMaxUnpooling
local VMU, vmuparent = torch.class('nn.VolumetricMaxUnpooling', 'nn.Module')
function VMU:__init(poolingModule)
   vmuparent.__init(self)
   assert(torch.type(poolingModule) == 'nn.VolumetricMaxPooling',
          'nn.VolumetricMaxUnpooling: argument must be a nn.VolumetricMaxPooling module')
   assert(poolingModule.kT == poolingModule.dT and poolingModule.kH == poolingModule.dH and
          poolingModule.kW == poolingModule.dW,
          "nn.VolumetricMaxUnpooling: the size of the pooling module's kernel must be equal to its stride")
   self.pooling = poolingModule
end
function VMU:setParams(input)
   local p, d = self.pooling, input:dim()
   self.indices = p.indices
   self.dT, self.dW, self.dH = p.dT, p.dW, p.dH
   self.padT, self.padW, self.padH = p.padT, p.padW, p.padH
   self.otime = (input:size(d - 2) - 1) * p.dT + p.kT - 2 * p.padT
   self.oheight = (input:size(d - 1) - 1) * p.dH + p.kH - 2 * p.padH
   self.owidth = (input:size(d) - 1) * p.dW + p.kW - 2 * p.padW
end
function VMU:_args()
   return self.otime, self.owidth, self.oheight, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH, THNN.BASE
end
function VMU:updateOutput(input)
   H.checkIn(self, input, {4, 5}, VOLUME)
   local pi = self.pooling.indices
   if not pi or pi:nElement() == 0 then
      error('nn.VolumetricMaxUnpooling: run the paired nn.VolumetricMaxPooling forward first (its indices are empty)', 0)
   end
   self:setParams(input)
   THNN.VolumetricMaxUnpooling_updateOutput(input:cdata(), self.output:cdata(), self.indices:cdata(), self:_args())
   return self.output
end
function VMU:updateGradInput(input, gradOutput)
   self:setParams(input)
   THNN.VolumetricMaxUnpooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self.indices:cdata(), self:_args())
   return self.gradInput
end
function VMU:empty() self:clearState() end
function VMU:__tostring__() return 'nn.VolumetricMaxUnpooling associated to ' .. tostring(self.pooling) end

------------------------------------------------------------------------ VolumetricFractionalMaxPooling
local VFMP, vfmpparent = torch.class('nn.VolumetricFractionalMaxPooling', 'nn.Module')
function VFMP:__init(poolSizeT, poolSizeW, poolSizeH, arg1, arg2, arg3)
   vfmpparent.__init(self)
   assert(poolSizeT >= 2 and poolSizeW >= 2 and poolSizeH >= 2,
          'nn.VolumetricFractionalMaxPooling: poolSize must be >= 2')
   self.poolSizeT, self.poolSizeW, self.poolSizeH = poolSizeT, poolSizeW, poolSizeH
   if arg1 >= 1 and arg2 >= 1 and arg3 >= 1 then
      self.outT, self.outW, self.outH = arg1, arg2, arg3
   else
      self.ratioT, self.ratioW, self.ratioH = arg1, arg2, arg3
      assert(arg1 > 0 and arg1 < 1 and arg2 > 0 and arg2 < 1 and arg3 > 0 and arg3 < 1,
             'nn.VolumetricFractionalMaxPooling: ratios must be in (0, 1)')
   end
   self.indices = torch.LongTensor()
end
-- fixPoolingRegions(): keep the random samples of the next forward for every later one
function VFMP:fixPoolingRegions(val)
   if val == nil then val = true end
   self.newRandomPool = not val
   return self
end
function VFMP:getOutputSizes_(input)
   local d = input:dim()
   local iT, iH, iW = input:size(d - 2), input:size(d - 1), input:size(d)
   local oT, oW, oH = self.outT, self.outW, self.outH
   if self.ratioT then
      oT, oW, oH = math.floor(iT * self.ratioT), math.floor(iW * self.ratioW), math.floor(iH * self.ratioH)
      if oT < 1 or oW < 1 or oH < 1 then
         error(string.format('nn.VolumetricFractionalMaxPooling: ratios (%g, %g, %g) of input %s give an empty output',
                             self.ratioT, self.ratioW, self.ratioH, utils.shape(input)), 0)
      end
   end
   return oT, oW, oH
end
function VFMP:updateOutput(input)
   H.checkIn(self, input, {4, 5}, VOLUME)
   local n, c = 1, input:size(1)
   if input:dim() == 5 then n, c = input:size(1), input:size(2) end
   local s = self.randomSamples
   if not s or s:nElement() == 0 or s:size(1) ~= n or s:size(2) ~= c or self.newRandomPool ~= false
      or torch.type(s) ~= torch.type(input) then
      self.randomSamples = input.new(n, c, 3):uniform()
   end
   local oT, oW, oH = self:getOutputSizes_(input)
   THNN.VolumetricFractionalMaxPooling_updateOutput(input:cdata(), self.output:cdata(), oT, oW, oH, self.poolSizeT,
      self.poolSizeW, self.poolSizeH, H.longBuffer(self, 'indices'):cdata(), self.randomSamples:cdata(), THNN.BASE)
   return self.output
end
function VFMP:updateGradInput(input, gradOutput)
   local oT, oW, oH = self:getOutputSizes_(input)
   THNN.VolumetricFractionalMaxPooling_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      oT, oW, oH, self.poolSizeT, self.poolSizeW, self.poolSizeH, self.indices:cdata(), THNN.BASE)
   return self.gradInput
end
function VFMP:clearState()
   utils.clear(self, 'indices', 'randomSamples')
   return vfmpparent.clearState(self)
end
function VFMP:__tostring__()
   if self.outT then
      return string.format('%s(%dx%dx%d, %d,%d,%d)', torch.type(self), self.poolSizeT, self.poolSizeW,
                           self.poolSizeH, self.outT, self.outW, self.outH)
   end
   return string.format('%s(%dx%dx%d, %g,%g,%g)', torch.type(self), self.poolSizeT, self.poolSizeW, self.poolSizeH,
                        self.ratioT, self.ratioW, self.ratioH)
end

------------------------------------------------------------------------ VolumetricReplicationPadding
local VRP, vrpparent = torch.class('nn.VolumetricReplicationPadding', 'nn.Module')
function VRP:__init(pleft, pright, ptop, pbottom, pfront, pback)
   vrpparent.__init(self)
   self.pleft = pleft
   self.pright = pright or self.pleft
   self.ptop = ptop or self.pleft
   self.pbottom = pbottom or self.pleft
   self.pfront = pfront or self.pleft
   self.pback = pback or self.pleft
end
function VRP:_args() return self.pleft, self.pright, self.ptop, self.pbottom, self.pfront, self.pback end
function VRP:updateOutput(input)
   H.checkIn(self, input, {4, 5}, VOLUME)
   THNN.VolumetricReplicationPadding_updateOutput(input:cdata(), self.output:cdata(), self:_args())
   return self.output
end
function VRP:updateGradInput(input, gradOutput)
   THNN.VolumetricReplicationPadding_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
                                                     self:_args())
   return self.gradInput
end
function VRP:__tostring__()
   return torch.type(self) .. string.format('(left=%d, right=%d, top=%d, bottom=%d, front=%d, back=%d)', self:_args())
end
