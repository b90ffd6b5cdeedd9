-- Table layers beyond table.lua (table.md): CAddTensorTable, ZipTable, ZipTableOneToMany,
-- MixtureTable. Pure Lua over tensor math, as in Torch7.
local utils = nn.utils

local function checkTable(self, input, n, what)
   if torch.type(input) ~= 'table' or (n and #input ~= n) then
      error(string.format('%s: expected input to be a table of %s, got %s', torch.typename(self), what,
                          torch.type(input) == 'table' and (#input .. ' entries') or torch.type(input)), 0)
   end
end

------------------------------------------------------------------------ CAddTensorTable
-- input {v, {t1, ..., tn}}: output {t1 + v, ..., tn + v}
local CAddTensorTable, catparent = torch.class('nn.CAddTensorTable', 'nn.Module')

function CAddTensorTable:__init()
   catparent.__init(self)
   self.gradInput = {}
end

function CAddTensorTable:updateOutput(input)
   checkTable(self, input, 2, '2 entries {tensor, table of tensors}')
   if not torch.isTensor(input[1]) or torch.type(input[2]) ~= 'table' then
      error(torch.typename(self) .. ': expected input {tensor, table of tensors}, got {'
            .. torch.type(input[1]) .. ', ' .. torch.type(input[2]) .. '}', 0)
   end
   local out = {}
   for i = 1, #input[2] do
      local t = input[2][i]
      utils.checkInput(self, torch.isTensor(t) and t:nElement() == input[1]:nElement(),
                       'entry ' .. i .. ' of the table to have ' .. input[1]:nElement() .. ' elements like input[1]', t,
                       'input[2]')
      out[i] = (torch.type(self.output) == 'table' and self.output[i]) or input[1].new()
      out[i]:resizeAs(input[1]):copy(t):add(input[1])
   end
   self.output = out
   return self.output
end

function CAddTensorTable:updateGradInput(input, gradOutput)
   local v, ts = input[1], input[2]
   self.gradInput[1] = self.gradInput[1] or v.new()
   self.gradInput[1]:resizeAs(v):zero()
   self.gradInput[2] = self.gradInput[2] or {}
   local g2 = self.gradInput[2]
   for i = 1, #ts do
      self.gradInput[1]:add(gradOutput[i]:viewAs(v))
      g2[i] = g2[i] or v.new()
      g2[i]:resizeAs(ts[i]):copy(gradOutput[i])
   end
   for i = #ts + 1, #g2 do g2[i] = nil end
   return self.gradInput
end

function CAddTensorTable:clearState()
   self.output = torch.Tensor(); self.gradInput = {}
   return self
end

------------------------------------------------------------------------ ZipTable
-- input {{a1, a2}, {b1, b2}, {c1, c2}}: output {{a1, b1, c1}, {a2, b2, c2}}
local ZipTable, zparent = torch.class('nn.ZipTable', 'nn.Module')

function ZipTable:__init()
   zparent.__init(self)
   self.output = {}
   self.gradInput = {}
end

local function zip(tables, self, what)
   local out = {}
   for i, inTable in ipairs(tables) do
      if torch.type(inTable) ~= 'table' then
         error(string.format('%s: expected %s to be a table of tables, entry %d is %s', torch.typename(self), what, i,
                             torch.type(inTable)), 0)
      end
      for j, x in ipairs(inTable) do
         out[j] = out[j] or {}
         out[j][i] = x
      end
   end
   return out
end

function ZipTable:updateOutput(input)
   checkTable(self, input, nil, 'tables')
   self.output = zip(input, self, 'input')
   return self.output
end

function ZipTable:updateGradInput(input, gradOutput)
   self.gradInput = zip(gradOutput, self, 'gradOutput')
   return self.gradInput
end

function ZipTable:clearState()
   self.output = {}; self.gradInput = {}
   return self
end

------------------------------------------------------------------------ ZipTableOneToMany
-- input {v, {a, b, c}}: output {{v, a}, {v, b}, {v, c}}
local ZipTableOneToMany, zoparent = torch.class('nn.ZipTableOneToMany', 'nn.Module')

function ZipTableOneToMany:__init()
   zoparent.__init(self)
   self.output = {}
   self.gradInput = {}
   self.gradInputEl = torch.Tensor()
end

function ZipTableOneToMany:updateOutput(input)
   checkTable(self, input, 2, '2 entries {element, table}')
   if torch.type(input[2]) ~= 'table' then
      error(torch.typename(self) .. ': expected input[2] to be a table, got ' .. torch.type(input[2]), 0)
   end
   self.output = {}
   for i, v in ipairs(input[2]) do self.output[i] = {input[1], v} end
   return self.output
end

function ZipTableOneToMany:updateGradInput(input, gradOutput)
   local el = input[1]
   if torch.typename(self.gradInputEl) ~= torch.typename(el) then self.gradInputEl = el.new() end
   self.gradInputEl:resizeAs(el):zero()
   local gradTable = {}
   for i, g in ipairs(gradOutput) do
      self.gradInputEl:add(g[1])
      gradTable[i] = g[2]
   end
   self.gradInput = {self.gradInputEl, gradTable}
   return self.gradInput
end

function ZipTableOneToMany:clearState()
   self.output = {}; self.gradInput = {}
   utils.empty(self.gradInputEl)
   return self
end

------------------------------------------------------------------------ MixtureTable
-- input {gater, experts}: gater B x n (or n), experts a table of n tensors B x ... or one
-- tensor with the n experts along `dim`; output sum_i gater[., i] * expert_i
local MixtureTable, mparent = torch.class('nn.MixtureTable', 'nn.Module')

function MixtureTable:__init(dim)
   mparent.__init(self)
   self.dim = dim
   self.size = torch.LongStorage()
   self.batchSize = 0
   self.gradInput = {}
end

-- the gater viewed with singleton dims so it broadcasts against one expert (table mode) or the
-- expert tensor (tensor mode)
function MixtureTable:_gaterView(gater, ndim)
   local size = {}
   for d = 1, ndim do size[d] = 1 end
   if self.dimG == 2 then size[1] = gater:size(1) end
   size[self.dim] = gater:size(self.dimG)
   return gater:contiguous():view(torch.LongStorage(size))
end

function MixtureTable:updateOutput(input)
   checkTable(self, input, 2, '2 entries {gater, experts}')
   local gater, experts = input[1], input[2]
   utils.checkInput(self, torch.isTensor(gater) and (gater:dim() == 1 or gater:dim() == 2), '1-D or 2-D (batch)', gater,
                    'gater input[1]')
   self.dimG = gater:dim()
   self.batchSize = self.dimG == 2 and gater:size(1) or 1
   self.dim = self.dim or self.dimG
   local n = gater:size(self.dimG)
   if torch.type(experts) == 'table' then
      self.table = true
      if #experts ~= n then
         error(string.format('%s: expected one gater output per expert (%d experts, gater has %d)', torch.typename(self),
                             #experts, n), 0)
      end
      local e1 = experts[1]
      local g = self:_gaterView(gater, e1:dim() + 1)
      self.output:resizeAs(e1):zero()
      for i, e in ipairs(experts) do
         utils.checkInput(self, e:isSameSizeAs(e1), utils.shape(e1) .. ' like expert 1', e, 'expert ' .. i)
         self.output:addcmul(e, g:select(self.dim, i):expandAs(e))
      end
   else
      self.table = false
      utils.checkInput(self, torch.isTensor(experts) and experts:dim() >= self.dim and experts:size(self.dim) == n,
                       string.format('experts with %d entries along dimension %d', n, self.dim), experts, 'input[2]')
      local g = self:_gaterView(gater, experts:dim())
      local prod = torch.cmul(experts, g:expandAs(experts))
      self.output:resizeAs(experts:select(self.dim, 1)):copy(prod:sum(self.dim):select(self.dim, 1))
   end
   return self.output
end

function MixtureTable:updateGradInput(input, gradOutput)
   local gater, experts = input[1], input[2]
   self.gradInput[1] = self.gradInput[1] or gater.new()
   local gGater = self.gradInput[1]:resizeAs(gater)
   local B = self.batchSize
   if self.table then
      local g = self:_gaterView(gater, experts[1]:dim() + 1)
      local gExperts = torch.type(self.gradInput[2]) == 'table' and self.gradInput[2] or {}
      for i, e in ipairs(experts) do
         -- d/dgater_i = sum over the sample's elements of gradOutput * expert_i
         local s = torch.cmul(gradOutput, e):contiguous():view(B, -1):sum(2):view(B)
         if self.dimG == 2 then gGater:select(2, i):copy(s) else gGater[i] = s[1] end
         gExperts[i] = gExperts[i] or e.new()
         gExperts[i]:resizeAs(e):cmul(gradOutput, g:select(self.dim, i):expandAs(e))
      end
      for i = #experts + 1, #gExperts do gExperts[i] = nil end
      self.gradInput[2] = gExperts
   else
      local g = self:_gaterView(gater, experts:dim())
      -- gradOutput with a singleton expert dim, broadcast over the experts
      local goSize = experts:size():totable()
      goSize[self.dim] = 1
      local go = gradOutput:contiguous():view(torch.LongStorage(goSize)):expandAs(experts)
      local prod = torch.cmul(go, experts):transpose(self.dim, self.dimG):contiguous()
      -- gater dim leads (after the batch dim): sum everything else per sample and expert
      local s = prod:view(B, gater:size(self.dimG), -1):sum(3)
      gGater:copy(s:viewAs(gater))
      self.gradInput[2] = torch.isTensor(self.gradInput[2]) and self.gradInput[2] or experts.new()
      self.gradInput[2]:resizeAs(experts):cmul(go, g:expandAs(experts))
   end
   return self.gradInput
end

function MixtureTable:clearState()
   self.gradInput = {}
   return utils.clear(self, 'output')
end
