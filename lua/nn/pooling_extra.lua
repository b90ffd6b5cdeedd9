-- Pooling layers written in Lua in Torch7: SpatialLPPooling (a Sequential over existing
-- layers) and TemporalDynamicKMaxPooling (sort and gather).
local utils = nn.utils

------------------------------------------------------------------------ SpatialLPPooling
-- (sum over each kW x kH window of x^p)^(1/p)
local SpatialLPPooling, lpparent = torch.class('nn.SpatialLPPooling', 'nn.Sequential')

function SpatialLPPooling:__init(nInputPlane, pnorm, kW, kH, dW, dH)
   lpparent.__init(self)
   dW = dW or kW
   dH = dH or kH
   self.nInputPlane = nInputPlane
   self.kW = kW
   self.kH = kH
   self.dW = dW
   self.dH = dH
   if pnorm == 2 then self:add(nn.Square()) else self:add(nn.Power(pnorm)) end
   self:add(nn.SpatialAveragePooling(kW, kH, dW, dH))
   self:add(nn.MulConstant(kW * kH))
   if pnorm == 2 then self:add(nn.Sqrt()) else self:add(nn.Power(1 / pnorm)) end
end

-- the inner layers have no parameters to learn
function SpatialLPPooling:reset() end
function SpatialLPPooling:accGradParameters() end
function SpatialLPPooling:accUpdateGradParameters() end
function SpatialLPPooling:zeroGradParameters() end
function SpatialLPPooling:updateParameters() end

------------------------------------------------------------------------ TemporalDynamicKMaxPooling
-- keeps the k largest frames of each feature along time, in their original order, with
-- k = max(minK, ceil(factor * nFrames)); input nFrames x features or N x nFrames x features
local TDKMP, tdparent = torch.class('nn.TemporalDynamicKMaxPooling', 'nn.Module')

function TDKMP:__init(minK, factor)
   tdparent.__init(self)
   self.minK = minK
   self.factor = factor or 0
end

function TDKMP:updateOutput(input)
   utils.checkTensor(self, input, 'input')
   utils.checkInput(self, input:dim() == 2 or input:dim() == 3, '2-D (nFrames x features) or 3-D (batch)', input)
   local seqDim = input:dim() - 1
   local k = math.max(self.minK, math.ceil(self.factor * input:size(seqDim)))
   if input:size(seqDim) < k then
      error(string.format('%s: input sequence length (%d) too small for desired k value (%d)', torch.typename(self),
                          input:size(seqDim), k), 0)
   end
   local _, allIndices = input:sort(seqDim, true)
   -- the top k back in temporal order
   self.indices = allIndices:narrow(seqDim, 1, k):sort(seqDim)
   self.output = input:gather(seqDim, self.indices)
   return self.output
end

function TDKMP:updateGradInput(input, gradOutput)
   if self.gradInput then
      local seqDim = input:dim() - 1
      self.gradInput:resizeAs(input):zero()
      self.gradInput:scatter(seqDim, self.indices, gradOutput)
      return self.gradInput
   end
end

function TDKMP:clearState()
   self.indices = nil
   return tdparent.clearState(self)
end

function TDKMP:type(typename, tensorCache)
   if typename then self.indices = nil end
   return tdparent.type(self, typename, tensorCache)
end
