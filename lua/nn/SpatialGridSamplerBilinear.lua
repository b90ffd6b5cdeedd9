-- nn.SpatialGridSamplerBilinear(): input {images N x C x IH x IW, grid N x H x W x 2}, output
-- N x C x H x W sampled bilinearly at the grid's (x, y) in [-1, 1] (THNN
-- SpatialGridSamplerBilinear_*; Torch7 exported the kernel without a module, this is its module).
local THNN = nn.THNN

local GS, parent = torch.class('nn.SpatialGridSamplerBilinear', 'nn.Module')
function GS:__init()
   parent.__init(self)
   self.gradInput = {}
end
local function split(self, input)
   if type(input) ~= 'table' or not torch.isTensor(input[1]) or not torch.isTensor(input[2]) then
      error('nn.SpatialGridSamplerBilinear: expected input {images (N x C x IH x IW), grid (N x H x W x 2)}, got '
            .. torch.type(input), 0)
   end
   THNN.checkFloat(self, input[1], 'input[1] (images)')
   if torch.type(input[2]) ~= torch.type(input[1]) then
      error(string.format('nn.SpatialGridSamplerBilinear: expected input[2] (grid) to be a %s like the images, got %s',
                          torch.type(input[1]), torch.type(input[2])), 0)
   end
   return input[1], input[2]
end
function GS:updateOutput(input)
   local x, grid = split(self, input)
   THNN.SpatialGridSamplerBilinear_updateOutput(x:cdata(), grid:cdata(), self.output:cdata())
   return self.output
end
function GS:updateGradInput(input, gradOutput)
   local x, grid = split(self, input)
   if not torch.isTensor(self.gradInput[1]) or torch.type(self.gradInput[1]) ~= torch.type(x) then
      self.gradInput = {x.new(), x.new()}
   end
   THNN.SpatialGridSamplerBilinear_updateGradInput(x:cdata(), self.gradInput[1]:cdata(), grid:cdata(),
      self.gradInput[2]:cdata(), gradOutput:cdata())
   return self.gradInput
end
