-- nn.GPU(module, device, outdevice): runs the wrapped module on one GPU (Torch7's model
-- parallelism decorator). With CPU tensor types it is a plain pass-through, as in Torch7; with
-- CUDA types each call runs under cutorch.withDevice(device) when cutorch provides it.
local GPU, parent = torch.class('nn.GPU', 'nn.Container')

function GPU:__init(module, device, outdevice)
   parent.__init(self)
   if torch.type(device) ~= 'number' then
      error('nn.GPU: expected device (argument 2) to be a number, got ' .. torch.type(device), 2)
   end
   if not torch.isTypeOf(module, 'nn.Module') then
      error('nn.GPU: expected module (argument 1) to be an nn.Module, got ' .. torch.type(module), 2)
   end
   self.device = device
   self.outdevice = outdevice or device
   self.modules[1] = module
   if module:type():find('torch%.Cuda.*Tensor') then self:type(module:type()) end
end

local function onDevice(self, f)
   local cut = rawget(_G, 'cutorch')
   if (self._type or ''):find('torch%.Cuda.*Tensor') and cut and cut.withDevice then
      return cut.withDevice(self.device, f)
   end
   return f()
end

function GPU:updateOutput(input)
   self.output = onDevice(self, function() return self.modules[1]:updateOutput(input) end)
   return self.output
end

function GPU:updateGradInput(input, gradOutput)
   self.gradInput = onDevice(self, function() return self.modules[1]:updateGradInput(input, gradOutput) end)
   return self.gradInput
end

function GPU:accGradParameters(input, gradOutput, scale)
   onDevice(self, function() self.modules[1]:accGradParameters(input, gradOutput, scale) end)
end

function GPU:accUpdateGradParameters(input, gradOutput, lr)
   onDevice(self, function() self.modules[1]:accUpdateGradParameters(input, gradOutput, lr) end)
end

function GPU:type(typename, tensorCache)
   if not typename then return self._type end
   return onDevice({_type = typename, device = self.device},
                   function() return parent.type(self, typename, tensorCache) end)
end

function GPU:__tostring__()
   local inner = self.modules[1].__tostring__ and self.modules[1]:__tostring__() or torch.type(self.modules[1])
   return torch.type(self) .. '(' .. self.device .. ') @ ' .. inner
end
