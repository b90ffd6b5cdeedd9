-- nn.FeatureLPPooling(width, stride, power, batchMode): Lp pooling across the feature
-- dimension (THNN FeatureLPPooling_*).
local THNN = nn.THNN
local H = THNN.moduleHelpers

local FLP, parent = torch.class('nn.FeatureLPPooling', 'nn.Module')
function FLP:__init(width, stride, power, batch_mode)
   parent.__init(self)
   if width < 2 or width > 16 then error('nn.FeatureLPPooling: width must be within 2 to 16', 2) end
   if stride < 1 or stride > 4 then error('nn.FeatureLPPooling: stride must be within 1 to 4', 2) end
   self.width = width
   self.stride = stride
   self.power = power
   self.batch_mode = batch_mode
end
function FLP:updateOutput(input)
   if self.batch_mode then
      H.checkIn(self, input, {2, 3, 4}, '2-D to 4-D (batch x features x [dim [x dim]])')
   else
      H.checkIn(self, input, {1, 2, 3}, '1-D to 3-D (features x [dim [x dim]])')
   end
   THNN.FeatureLPPooling_updateOutput(input:cdata(), self.output:cdata(), self.power, self.width, self.stride,
                                      self.batch_mode and 1 or 0)
   return self.output
end
function FLP:updateGradInput(input, gradOutput)
   THNN.FeatureLPPooling_updateGradInput(gradOutput:cdata(), input:cdata(), self.output:cdata(),
      self.gradInput:cdata(), self.power, self.width, self.stride, self.batch_mode and 1 or 0)
   return self.gradInput
end
function FLP:__tostring__()
   return string.format('%s(w%d s%d power %d batch %d)', torch.type(self), self.width, self.stride, self.power,
                        self.batch_mode and 1 or 0)
end
