-- Transfer functions calling lib/THNN (transfer.md).
local THNN = nn.THNN
local opt = THNN.optional
local utils = nn.utils

local function checkIn(self, input)
   utils.checkTensor(self, input, 'input')
   THNN.checkFloat(self, input, 'input')
end

------------------------------------------------------------------------ simple pointwise
local function simple(name, fwd, bwd)
   local M = torch.class('nn.' .. name, 'nn.Module')
   function M:updateOutput(input)
      checkIn(self, input)
      fwd(self, input)
      return self.output
   end
   function M:updateGradInput(input, gradOutput)
      bwd(self, input, gradOutput)
      return self.gradInput
   end
   return M
end

simple('Abs', function(self, x) THNN.Abs_updateOutput(x:cdata(), self.output:cdata()) end,
       function(self, x, g) THNN.Abs_updateGradInput(x:cdata(), g:cdata(), self.gradInput:cdata()) end)
simple('Sigmoid', function(self, x) THNN.Sigmoid_updateOutput(x:cdata(), self.output:cdata()) end,
       function(self, x, g) THNN.Sigmoid_updateGradInput(opt(x), g:cdata(), self.gradInput:cdata(), self.output:cdata()) end)
simple('Tanh', function(self, x) THNN.Tanh_updateOutput(x:cdata(), self.output:cdata()) end,
       function(self, x, g) THNN.Tanh_updateGradInput(opt(x), g:cdata(), self.gradInput:cdata(), self.output:cdata()) end)
simple('Square', function(self, x) THNN.Square_updateOutput(x:cdata(), self.output:cdata()) end,
       function(self, x, g) THNN.Square_updateGradInput(x:cdata(), g:cdata(), self.gradInput:cdata()) end)
local LogSigmoid = simple('LogSigmoid', function(self, x)
   self.buffer = self.buffer or x.new()
   THNN.LogSigmoid_updateOutput(x:cdata(), self.output:cdata(), self.buffer:cdata())
end, function(self, x, g)
   THNN.LogSigmoid_updateGradInput(x:cdata(), g:cdata(), self.gradInput:cdata(), self.buffer:cdata())
end)
function LogSigmoid:clearState()
   if self.buffer then nn.utils.empty(self.buffer) end
   return nn.Module.clearState(self)
end

local Sqrt, sqrtparent = torch.class('nn.Sqrt', 'nn.Module')
function Sqrt:__init(b) sqrtparent.__init(self); self.eps = b or 0 end
function Sqrt:updateOutput(input)
   checkIn(self, input)
   self.eps = self.eps or 0
   THNN.Sqrt_updateOutput(input:cdata(), self.output:cdata(), self.eps)
   return self.output
end
function Sqrt:updateGradInput(input, gradOutput)
   THNN.Sqrt_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.output:cdata())
   return self.gradInput
end

------------------------------------------------------------------------ parametrised
local HardTanh, htparent = torch.class('nn.HardTanh', 'nn.Module')
function HardTanh:__init(min_value, max_value, inplace)
   htparent.__init(self)
   self.min_val = min_value or -1
   self.max_val = max_value or 1
   self.inplace = inplace or false
   assert(self.max_val > self.min_val, 'nn.HardTanh: max_value must be larger than min_value')
end
function HardTanh:updateOutput(input)
   checkIn(self, input)
   THNN.HardTanh_updateOutput(input:cdata(), self.output:cdata(), self.min_val, self.max_val, self.inplace and 1 or 0)
   return self.output
end
function HardTanh:updateGradInput(input, gradOutput)
   THNN.HardTanh_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.min_val, self.max_val,
                                 self.inplace and 1 or 0)
   return self.gradInput
end
function HardTanh:__tostring__()
   return torch.type(self) .. string.format('(%g, %g)', self.min_val, self.max_val)
end

local ReLU6, r6parent = torch.class('nn.ReLU6', 'nn.HardTanh')
function ReLU6:__init(inplace) r6parent.__init(self, 0, 6, inplace) end
function ReLU6:__tostring__() return torch.type(self) end

local Clamp, clparent = torch.class('nn.Clamp', 'nn.HardTanh')
function Clamp:__init(min_value, max_value) clparent.__init(self, min_value, max_value) end

local Threshold, thparent = torch.class('nn.Threshold', 'nn.Module')
function Threshold:__init(th, v, ip)
   thparent.__init(self)
   self.threshold = th or 1e-6
   self.val = v or 0
   if (th and type(th) ~= 'number') or (v and type(v) ~= 'number') then
      error('nn.Threshold(threshold, value)')
   end
   self.inplace = ip or false
   if self.inplace and self.val > self.threshold then
      error('nn.Threshold: in-place processing requires value (' .. self.val .. ') not exceed threshold (' .. self.threshold .. ')')
   end
end
function Threshold:updateOutput(input)
   checkIn(self, input)
   THNN.Threshold_updateOutput(input:cdata(), self.output:cdata(), self.threshold, self.val, self.inplace and 1 or 0)
   return self.output
end
function Threshold:updateGradInput(input, gradOutput)
   THNN.Threshold_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.threshold, self.val,
                                  self.inplace and 1 or 0)
   return self.gradInput
end
function Threshold:__tostring__()
   return torch.type(self) .. string.format('(%g, %g)', self.threshold, self.val)
end

local ReLU, reluparent = torch.class('nn.ReLU', 'nn.Threshold')
function ReLU:__init(p) reluparent.__init(self, 0, 0, p) end
function ReLU:__tostring__() return torch.type(self) end

local LeakyReLU, lrparent = torch.class('nn.LeakyReLU', 'nn.Module')
function LeakyReLU:__init(negval, ip)
   lrparent.__init(self)
   if type(negval) == 'boolean' then
      local inplace = ip
      self.negval = 1 / 100
      self.inplace = negval
   else
      self.negval = negval or (1 / 100)
      self.inplace = ip or false
   end
   if self.negval < 0 then self.inplace = false end
end
function LeakyReLU:updateOutput(input)
   checkIn(self, input)
   THNN.LeakyReLU_updateOutput(input:cdata(), self.output:cdata(), self.negval, self.inplace and 1 or 0)
   return self.output
end
function LeakyReLU:updateGradInput(input, gradOutput)
   THNN.LeakyReLU_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.negval,
                                  self.inplace and 1 or 0)
   return self.gradInput
end
function LeakyReLU:__tostring__() return torch.type(self) .. string.format('(%g)', self.negval) end

local ELU, eluparent = torch.class('nn.ELU', 'nn.Module')
function ELU:__init(alpha, inplace)
   eluparent.__init(self)
   self.alpha = alpha or 1
   assert(type(self.alpha) == 'number')
   self.inplace = inplace or false
end
function ELU:updateOutput(input)
   checkIn(self, input)
   THNN.ELU_updateOutput(input:cdata(), self.output:cdata(), self.alpha, self.inplace and 1 or 0)
   return self.output
end
function ELU:updateGradInput(input, gradOutput)
   THNN.ELU_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.output:cdata(),
                            self.alpha, self.inplace and 1 or 0)
   return self.gradInput
end
function ELU:__tostring__() return torch.type(self) .. string.format('(alpha:%g)', self.alpha) end

local SoftPlus, spparent = torch.class('nn.SoftPlus', 'nn.Module')
function SoftPlus:__init(beta)
   spparent.__init(self)
   self.beta = beta or 1
   self.threshold = 20
end
function SoftPlus:updateOutput(input)
   checkIn(self, input)
   THNN.SoftPlus_updateOutput(input:cdata(), self.output:cdata(), self.beta, self.threshold)
   return self.output
end
function SoftPlus:updateGradInput(input, gradOutput)
   THNN.SoftPlus_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.output:cdata(),
                                 self.beta, self.threshold)
   return self.gradInput
end

local function shrink(name)
   local M, mp = torch.class('nn.' .. name, 'nn.Module')
   function M:__init(lam)
      mp.__init(self)
      self.lambda = lam or 0.5
   end
   function M:updateOutput(input)
      checkIn(self, input)
      THNN[name .. '_updateOutput'](input:cdata(), self.output:cdata(), self.lambda)
      return self.output
   end
   function M:updateGradInput(input, gradOutput)
      THNN[name .. '_updateGradInput'](input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.lambda)
      return self.gradInput
   end
end
shrink('SoftShrink')
shrink('HardShrink')

------------------------------------------------------------------------ softmax family
local function softmaxLike(name, kernel, negate)
   local M = torch.class('nn.' .. name, 'nn.Module')
   function M:updateOutput(input)
      checkIn(self, input)
      utils.checkInput(self, input:dim() >= 1 and input:dim() <= 4, '1-D, 2-D (batch), 3-D or 4-D (batch)', input)
      local x = input
      if negate then
         self._neg = self._neg or input.new()
         self._neg:resizeAs(input):copy(input):mul(-1)
         x = self._neg
      end
      THNN[kernel .. '_updateOutput'](x:cdata(), self.output:cdata(), -1)
      return self.output
   end
   function M:updateGradInput(input, gradOutput)
      THNN[kernel .. '_updateGradInput'](input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.output:cdata(), -1)
      if negate then self.gradInput:mul(-1) end
      return self.gradInput
   end
   return M
end
softmaxLike('SoftMax', 'SoftMax')
softmaxLike('LogSoftMax', 'LogSoftMax')
softmaxLike('SoftMin', 'SoftMax', true)

------------------------------------------------------------------------ PReLU / RReLU
local PReLU, prparent = torch.class('nn.PReLU', 'nn.Module')
function PReLU:__init(nOutputPlane)
   prparent.__init(self)
   self.nOutputPlane = nOutputPlane or 0
   self.weight = torch.Tensor(nOutputPlane or 1):fill(0.25)
   self.gradWeight = torch.Tensor(nOutputPlane or 1)
end
function PReLU:updateOutput(input)
   checkIn(self, input)
   THNN.PReLU_updateOutput(input:cdata(), self.output:cdata(), self.weight:cdata(), self.nOutputPlane)
   return self.output
end
function PReLU:updateGradInput(input, gradOutput)
   THNN.PReLU_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.weight:cdata(), self.nOutputPlane)
   return self.gradInput
end
function PReLU:accGradParameters(input, gradOutput, scale)
   THNN.PReLU_accGradParameters(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.weight:cdata(),
                                self.gradWeight:cdata(), nil, nil, self.nOutputPlane, scale or 1)
end

local RReLU, rrparent = torch.class('nn.RReLU', 'nn.Module')
function RReLU:__init(l, u, ip)
   rrparent.__init(self)
   self.lower = l or 1 / 8
   self.upper = u or 1 / 3
   assert(self.lower <= self.upper and self.lower >= 0 and self.upper >= 0)
   self.noise = torch.Tensor()
   self.train = true
   self.inplace = ip or false
end
function RReLU:updateOutput(input)
   checkIn(self, input)
   THNN.RReLU_updateOutput(input:cdata(), self.output:cdata(), self.noise:cdata(), self.lower, self.upper,
                           self.train and 1 or 0, self.inplace and 1 or 0, nil)
   return self.output
end
function RReLU:updateGradInput(input, gradOutput)
   THNN.RReLU_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(), self.noise:cdata(),
                              self.lower, self.upper, self.train and 1 or 0, self.inplace and 1 or 0)
   return self.gradInput
end
function RReLU:__tostring__()
   return string.format('%s (l:%f, u:%f)', torch.type(self), self.lower, self.upper)
end
function RReLU:clearState()
   if self.noise then nn.utils.empty(self.noise) end
   return rrparent.clearState(self)
end
