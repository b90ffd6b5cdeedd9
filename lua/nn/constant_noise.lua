-- Layers whose output ignores the input (Constant) or perturbs it (WhiteNoise), as in Torch7.
local utils = nn.utils

------------------------------------------------------------------------ Constant
-- outputs `value` (a number or tensor), once per sample when the input has more than
-- nInputDim dims
local Constant, cparent = torch.class('nn.Constant', 'nn.Module')

function Constant:__init(value, nInputDim)
   self.value = value
   if torch.type(self.value) == 'number' then self.value = torch.Tensor{self.value} end
   if not torch.isTensor(self.value) then
      error('nn.Constant: expecting number or tensor at arg 1, got ' .. torch.type(value), 2)
   end
   self.nInputDim = nInputDim
   cparent.__init(self)
end

function Constant:updateOutput(input)
   utils.checkTensor(self, input, 'input')
   if self.nInputDim and input:dim() > self.nInputDim then
      local vsize = self.value:size():totable()
      self.output:resize(input:size(1), unpack(vsize))
      self.output:copy(self.value:view(1, unpack(vsize)):expand(self.output:size()))
   else
      self.output:resize(self.value:size()):copy(self.value)
   end
   return self.output
end

function Constant:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(input):zero()
   return self.gradInput
end

------------------------------------------------------------------------ WhiteNoise
-- adds N(mean, std) noise in training; in evaluation adds the mean only
local WhiteNoise, wparent = torch.class('nn.WhiteNoise', 'nn.Module')

function WhiteNoise:__init(mean, std)
   wparent.__init(self)
   self.mean = mean or 0
   self.std = std or 0.1
   self.noise = torch.Tensor()
end

function WhiteNoise:updateOutput(input)
   utils.checkTensor(self, input, 'input')
   self.output:resizeAs(input):copy(input)
   if self.train ~= false then
      self.noise:resizeAs(input)
      self.noise:normal(self.mean, self.std)
      self.output:add(self.noise)
   elseif self.mean ~= 0 then
      self.output:add(self.mean)
   end
   return self.output
end

function WhiteNoise:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   return self.gradInput
end

function WhiteNoise:clearState()
   utils.clear(self, 'noise')
   return wparent.clearState(self)
end

function WhiteNoise:__tostring__()
   return string.format('%s mean: %f, std: %f', torch.type(self), self.mean, self.std)
end
