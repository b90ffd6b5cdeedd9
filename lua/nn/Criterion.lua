-- nn.Criterion: losses. output is a Lua number, gradInput a tensor.
local Criterion = torch.class('nn.Criterion')

function Criterion:__init()
   self.gradInput = torch.Tensor()
   self.output = 0
end

function Criterion:updateOutput(input, target) end

function Criterion:forward(input, target) return self:updateOutput(input, target) end

function Criterion:backward(input, target) return self:updateGradInput(input, target) end

function Criterion:updateGradInput(input, target) end

function Criterion:clone() return nn.utils.deepCopy(self) end

function Criterion:type(typename, tensorCache)
   assert(typename, 'Criterion: must provide a type to convert to')
   for key, param in pairs(self) do self[key] = nn.utils.recursiveType(param, typename, tensorCache or {}) end
   return self
end

function Criterion:float() return self:type('torch.FloatTensor') end
function Criterion:double() return self:type('torch.DoubleTensor') end
function Criterion:cuda()
   if nn._cudaType then return self:type(nn._cudaType) end
   error('cunn: no CUDA GPU available (pytorch_like was built without lib/THC)', 2)
end

function Criterion:__call__(input, target)
   self.output = self:forward(input, target)
   self.gradInput = self:backward(input, target)
   return self.output, self.gradInput
end

function Criterion:__tostring__() return torch.typename(self) end
