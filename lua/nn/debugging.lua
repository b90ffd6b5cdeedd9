-- Debugging aids (Torch7's nn): PrintSize prints shapes passing through, ZeroGrad blocks
-- gradients, NaN raises where a NaN first appears, Profile times a wrapped module.
local utils = nn.utils

------------------------------------------------------------------------ PrintSize
local PrintSize, psparent = torch.class('nn.PrintSize', 'nn.Module')

function PrintSize:__init(prefix)
   psparent.__init(self)
   self.prefix = prefix or 'PrintSize'
end

local function sizeOf(x)
   if torch.type(x) == 'table' then return x end
   if x == nil then return 'missing size' end
   return x:size()
end

function PrintSize:updateOutput(input)
   self.output = input
   print(self.prefix .. ':input\n', sizeOf(input))
   return self.output
end

function PrintSize:updateGradInput(input, gradOutput)
   print(self.prefix .. ':gradOutput\n', sizeOf(gradOutput))
   self.gradInput = gradOutput
   return self.gradInput
end

function PrintSize:clearState()
   -- output/gradInput alias other modules' tensors: drop the references only
   self.output = torch.Tensor(); self.gradInput = torch.Tensor()
   return self
end

------------------------------------------------------------------------ ZeroGrad
-- identity forward, zero gradient: cuts backpropagation along a path
local ZeroGrad, zgparent = torch.class('nn.ZeroGrad', 'nn.Module')

function ZeroGrad:updateOutput(input)
   utils.checkTensor(self, input, 'input')
   self.output:set(input)
   return self.output
end

function ZeroGrad:updateGradInput(input, gradOutput)
   self.gradInput = utils.recursiveResizeAs(self.gradInput, input)
   self.gradInput = utils.recursiveFill(self.gradInput, 0)
   return self.gradInput
end

------------------------------------------------------------------------ NaN
local NaN, nanparent = torch.class('nn.NaN', 'nn.Decorator')

local idseq = 0
function NaN.newId()
   idseq = idseq + 1
   return idseq
end

function NaN:__init(module, id)
   nanparent.__init(self, module)
   self.id = id or NaN.newId()
end

function NaN:recursiveIsNaN(x)
   if torch.type(x) == 'table' then
      for _, v in pairs(x) do
         if self:recursiveIsNaN(v) then return true end
      end
      return false
   elseif torch.isTensor(x) then
      if x:nElement() == 0 then return false end
      local s = x:sum()
      return s ~= s
   end
   return false
end

function NaN:updateOutput(input)
   self.output = self.modules[1]:updateOutput(input)
   if self:recursiveIsNaN(self.output) then
      if self:recursiveIsNaN(input) then
         error(string.format('NaN found in input of module :\n%s', self:__tostring__()), 0)
      elseif self:recursiveIsNaN(self:parameters()) then
         error(string.format('NaN found in parameters of module :\n%s', self:__tostring__()), 0)
      end
      error(string.format('NaN found in output of module :\n%s', self:__tostring__()), 0)
   end
   return self.output
end

function NaN:updateGradInput(input, gradOutput)
   self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
   if self:recursiveIsNaN(self.gradInput) then
      if self:recursiveIsNaN(gradOutput) then
         error(string.format('NaN found in gradOutput of module :\n%s', self:__tostring__()), 0)
      end
      error(string.format('NaN found in gradInput of module :\n%s', self:__tostring__()), 0)
   end
   return self.gradInput
end

function NaN:accGradParameters(input, gradOutput, scale)
   self.modules[1]:accGradParameters(input, gradOutput, scale)
   local _, gradParams = self:parameters()
   if self:recursiveIsNaN(gradParams) then
      error(string.format('NaN found in gradParameters of module :\n%s', self:__tostring__()), 0)
   end
end

function NaN:__tostring__()
   local s = torch.type(self) .. '(' .. self.id .. ')'
   if self.modules[1].__tostring__ then return s .. ' @ ' .. self.modules[1]:__tostring__() end
   return s .. ' @ ' .. torch.type(self.modules[1])
end

------------------------------------------------------------------------ Profile
-- prints the time the wrapped module spent in every `print_interval` forward (backward) calls
local Profile, profparent = torch.class('nn.Profile', 'nn.Decorator')

function Profile:__init(module, print_interval, name)
   profparent.__init(self, module)
   self.print_interval = print_interval or 100
   self.name = name or torch.type(module)
   self.module = module
   self.numFwds = 0
   self.numBwds = 0
   self.summedFwdTime = 0
   self.summedBwdTime = 0
   self.timer = torch.Timer()
end

-- f() timed into the forward (kind 'Fwd') or backward ('Bwd') totals, reported every
-- print_interval calls
local function timed(self, kind, label, f)
   self.timer:reset()
   local result = f()
   self['summed' .. kind .. 'Time'] = self['summed' .. kind .. 'Time'] + self.timer:time().real
   self['num' .. kind .. 's'] = self['num' .. kind .. 's'] + 1
   if self['num' .. kind .. 's'] % self.print_interval == 0 then
      print(string.format('%s took %.3f seconds for %d %s passes', self.name, self['summed' .. kind .. 'Time'],
                          self.print_interval, label))
      self['num' .. kind .. 's'] = 0
      self['summed' .. kind .. 'Time'] = 0
   end
   return result
end

function Profile:updateOutput(input)
   self.output = timed(self, 'Fwd', 'forward', function() return self.modules[1]:updateOutput(input) end)
   return self.output
end

function Profile:updateGradInput(input, gradOutput)
   self.gradInput = timed(self, 'Bwd', 'backward', function() return self.modules[1]:updateGradInput(input, gradOutput) end)
   return self.gradInput
end
