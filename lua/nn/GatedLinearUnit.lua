-- nn.GatedLinearUnit(dim): the input split in halves a, b along dim (default: the last),
-- output = a * sigmoid(b) (THNN GatedLinear_*).
local THNN = nn.THNN
local utils = nn.utils

local GLU, parent = torch.class('nn.GatedLinearUnit', 'nn.Module')
function GLU:__init(dim)
   parent.__init(self)
   self.dim = dim
end
function GLU:updateOutput(input)
   utils.checkTensor(self, input, 'input')
   THNN.checkFloat(self, input, 'input')
   THNN.GatedLinear_updateOutput(input:cdata(), self.output:cdata(), self.dim or input:dim(), THNN.BASE)
   return self.output
end
function GLU:updateGradInput(input, gradOutput)
   THNN.GatedLinear_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.dim or input:dim(),
                                    THNN.BASE)
   return self.gradInput
end
