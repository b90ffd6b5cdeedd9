-- Table layers (table.md): JoinTable, SplitTable, CAdd/CSub/CMul/CDivTable, SelectTable,
-- NarrowTable, FlattenTable, PairwiseDistance, DotProduct, CosineDistance, MM.
local utils = nn.utils

local function checkTable(self, input, n)
   if torch.type(input) ~= 'table' or (n and #input < n) then
      error(string.format('%s: expected input to be a table of %s tensors, got %s', torch.typename(self),
                          n and tostring(n) or 'several', torch.type(input)), 0)
   end
end

local JoinTable, jparent = torch.class('nn.JoinTable', 'nn.Module')
function JoinTable:__init(dimension, nInputDims)
   jparent.__init(self)
   self.size = torch.LongStorage()
   self.dimension = dimension
   self.gradInput = {}
   self.nInputDims = nInputDims
end
function JoinTable:_getPositiveDimension(input)
   local dimension = self.dimension
   if dimension < 0 then
      dimension = input[1]:dim() + dimension + 1
   elseif self.nInputDims and input[1]:dim() == (self.nInputDims + 1) then
      dimension = dimension + 1
   end
   return dimension
end
function JoinTable:updateOutput(input)
   checkTable(self, input, 1)
   local dimension = self:_getPositiveDimension(input)
   for i = 1, #input do
      local currentOutput = input[i]
      if i == 1 then
         self.size:resize(currentOutput:dim()):copy(currentOutput:size())
      else
         utils.checkInput(self, currentOutput:dim() == #self.size, 'element ' .. i .. ' with ' .. #self.size .. ' dimensions', currentOutput)
         self.size[dimension] = self.size[dimension] + currentOutput:size(dimension)
      end
   end
   self.output:resize(self.size)
   local offset = 1
   for i = 1, #input do
      local currentOutput = input[i]
      self.output:narrow(dimension, offset, currentOutput:size(dimension)):copy(currentOutput)
      offset = offset + currentOutput:size(dimension)
   end
   return self.output
end
function JoinTable:updateGradInput(input, gradOutput)
   local dimension = self:_getPositiveDimension(input)
   for i = 1, #input do
      if self.gradInput[i] == nil then self.gradInput[i] = input[i].new() end
      self.gradInput[i]:resizeAs(input[i])
   end
   for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
   local offset = 1
   for i = 1, #input do
      local currentOutput = input[i]
      local currentGradInput = gradOutput:narrow(dimension, offset, currentOutput:size(dimension))
      self.gradInput[i]:copy(currentGradInput)
      offset = offset + currentOutput:size(dimension)
   end
   return self.gradInput
end

local SplitTable, spparent = torch.class('nn.SplitTable', 'nn.Module')
function SplitTable:__init(dimension, nInputDims)
   spparent.__init(self)
   self.dimension = dimension
   self.nInputDims = nInputDims
end
function SplitTable:_getPositiveDimension(input)
   local dimension = self.dimension
   if dimension < 0 then
      dimension = input:dim() + dimension + 1
   elseif self.nInputDims and input:dim() == (self.nInputDims + 1) then
      dimension = dimension + 1
   end
   utils.checkInput(self, dimension >= 1 and dimension <= input:dim(), 'with at least ' .. dimension .. ' dimensions', input)
   return dimension
end
function SplitTable:updateOutput(input)
   local dimension = self:_getPositiveDimension(input)
   local slices = input:size(dimension)
   local currentOutput = {}
   for i = 1, slices do currentOutput[#currentOutput + 1] = input:select(dimension, i) end
   self.output = currentOutput
   return self.output
end
function SplitTable:updateGradInput(input, gradOutput)
   local dimension = self:_getPositiveDimension(input)
   local slices = input:size(dimension)
   if self.gradInput then
      self.gradInput:resizeAs(input)
      for i = 1, slices do
         local currentGradInput = gradOutput[i]
         self.gradInput:select(dimension, i):copy(currentGradInput)
      end
   end
   return self.gradInput
end

local function cwise(name, init, step, grad)
   local M, mp = torch.class('nn.' .. name, 'nn.Module')
   function M:__init(ip)
      mp.__init(self)
      self.inplace = ip
      self.gradInput = {}
   end
   function M:updateOutput(input)
      checkTable(self, input, 2)
      for i = 2, #input do
         utils.checkInput(self, input[i]:nElement() == input[1]:nElement(),
                          'element ' .. i .. ' of size ' .. utils.shape(input[1]), input[i])
      end
      self.output:resizeAs(input[1]):copy(input[1])
      for i = 2, #input do step(self.output, input[i]) end
      return self.output
   end
   function M:updateGradInput(input, gradOutput)
      for i = 1, #input do
         self.gradInput[i] = self.gradInput[i] or input[1].new()
         grad(self, input, gradOutput, i)
      end
      for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
      return self.gradInput
   end
   return M
end

cwise('CAddTable', nil, function(o, x) o:add(x) end, function(self, input, go, i)
   self.gradInput[i]:resizeAs(input[i]):copy(go)
end)
cwise('CSubTable', nil, function(o, x) o:add(-1, x) end, function(self, input, go, i)
   self.gradInput[i]:resizeAs(input[i]):copy(go)
   if i == 2 then self.gradInput[i]:mul(-1) end
end)
cwise('CMulTable', nil, function(o, x) o:cmul(x) end, function(self, input, go, i)
   self.gradInput[i]:resizeAs(input[i]):copy(go)
   for j = 1, #input do if j ~= i then self.gradInput[i]:cmul(input[j]) end end
end)
cwise('CDivTable', nil, function(o, x) o:cdiv(x) end, function(self, input, go, i)
   if i == 1 then
      self.gradInput[1]:resizeAs(input[1]):copy(go):cdiv(input[2])
   else
      self.gradInput[2]:resizeAs(input[2]):zero():addcdiv(-1, self.gradInput[1], input[2]):cmul(input[1])
   end
end)

local SelectTable, stparent = torch.class('nn.SelectTable', 'nn.Module')
function SelectTable:__init(index)
   stparent.__init(self)
   self.index = index
   self.gradInput = {}
end
function SelectTable:updateOutput(input)
   local index = self.index < 0 and #input + self.index + 1 or self.index
   if torch.type(input) ~= 'table' or input[index] == nil then
      error(string.format('nn.SelectTable: index %d is out of range for a table of %d elements', self.index,
                          torch.type(input) == 'table' and #input or 0), 0)
   end
   self.output = input[index]
   return self.output
end
local function zeroTableCopy(t1, t2)
   for k, v in pairs(t2) do
      if torch.type(v) == 'table' then
         t1[k] = zeroTableCopy(t1[k] or {}, t2[k])
      elseif torch.isTensor(v) then
         if not t1[k] then t1[k] = v:clone():zero() else t1[k]:resizeAs(v):zero() end
      else
         t1[k] = nil
      end
   end
   for k, _ in pairs(t1) do if not t2[k] then t1[k] = nil end end
   return t1
end
function SelectTable:updateGradInput(input, gradOutput)
   local index = self.index < 0 and #input + self.index + 1 or self.index
   self.gradInput[index] = self.gradInput[index] or gradOutput.new()
   zeroTableCopy(self.gradInput, input)
   nn.utils.recursiveCopy(self.gradInput[index], gradOutput)
   self.gradInput[index] = nn.utils.recursiveCopy(self.gradInput[index], gradOutput)
   return self.gradInput
end
function SelectTable:__tostring__() return torch.type(self) .. '(' .. self.index .. ')' end
function SelectTable:clearState()
   self.output = torch.Tensor()
   self.gradInput = {}
   return self
end

local NarrowTable, ntparent = torch.class('nn.NarrowTable', 'nn.Module')
function NarrowTable:__init(offset, length)
   ntparent.__init(self)
   self.offset = offset
   self.length = length or 1
   self.output = {}
   self.gradInput = {}
end
function NarrowTable:updateOutput(input)
   for k, _ in ipairs(self.output) do self.output[k] = nil end
   for i = 1, self.length do self.output[i] = input[self.offset + i - 1] end
   return self.output
end
function NarrowTable:updateGradInput(input, gradOutput)
   for i = 1, #gradOutput do self.gradInput[self.offset + i - 1] = gradOutput[i] end
   for i = 1, #input do
      if (i < self.offset) or (i >= self.offset + self.length) then
         self.gradInput[i] = nn.utils.recursiveResizeAs(self.gradInput[i], input[i])
         nn.utils.recursiveFill(self.gradInput[i], 0)
      end
   end
   for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
   return self.gradInput
end

local FlattenTable, ftparent = torch.class('nn.FlattenTable', 'nn.Module')
function FlattenTable:__init()
   ftparent.__init(self)
   self.output = {}
   self.input_map = {}
   self.gradInput = {}
end
local function flatten(output, input)
   local input_map
   if torch.type(input) == 'table' then
      input_map = {}
      for i = 1, #input do input_map[#input_map + 1] = flatten(output, input[i]) end
   else
      input_map = #output + 1
      output[input_map] = input
   end
   return input_map
end
local function inverseFlatten(gradOutput, input_map)
   if torch.type(input_map) == 'table' then
      local gradInput = {}
      for i = 1, #input_map do gradInput[#gradInput + 1] = inverseFlatten(gradOutput, input_map[i]) end
      return gradInput
   else
      return gradOutput[input_map]
   end
end
function FlattenTable:updateOutput(input)
   assert(torch.type(input) == 'table', 'nn.FlattenTable: input must be a table')
   self.output = {}
   self.input_map = flatten(self.output, input)
   return self.output
end
function FlattenTable:updateGradInput(input, gradOutput)
   self.gradInput = inverseFlatten(gradOutput, self.input_map)
   return self.gradInput
end

local PairwiseDistance, pdparent = torch.class('nn.PairwiseDistance', 'nn.Module')
function PairwiseDistance:__init(p)
   pdparent.__init(self)
   assert(p % 1 == 0, 'nn.PairwiseDistance: only integer norms are supported')
   self.gradInput = {}
   self.diff = torch.Tensor()
   self.norm = p or 2
end
function PairwiseDistance:updateOutput(input)
   checkTable(self, input, 2)
   utils.checkInput(self, input[1]:dim() <= 2 and input[1]:isSameSizeAs(input[2]), 'pair of equal 1-D or 2-D tensors, element 1', input[1])
   self.output:resize(1)
   if input[1]:dim() == 1 then
      self.output:resize(1)
      self.output[1] = input[1]:dist(input[2], self.norm)
   else
      self.diff = self.diff or input[1].new()
      self.diff:resizeAs(input[1]):copy(input[1]):add(-1, input[2]):abs()
      self.output:resize(input[1]:size(1))
      self.output:zero()
      self.output:add(self.diff:pow(self.norm):sum(2))
      self.output:pow(1 / self.norm)
   end
   return self.output
end
function PairwiseDistance:updateGradInput(input, gradOutput)
   self.gradInput[1] = self.gradInput[1] or input[1].new()
   self.gradInput[2] = self.gradInput[2] or input[2].new()
   local x = input[1]:dim() == 1 and input[1]:view(1, -1) or input[1]
   local y = input[2]:dim() == 1 and input[2]:view(1, -1) or input[2]
   local n, d = x:size(1), x:size(2)
   local diff = torch.add(x, -1, y)
   local out = self.output:contiguous():view(n, 1)
   local go = gradOutput:contiguous():view(n, 1)
   local g = diff:clone():abs():pow(self.norm - 2):cmul(diff)
   local denom = torch.pow(out, self.norm - 1):add(1e-12)
   g:cmul(torch.cdiv(go, denom):expand(n, d))
   self.gradInput[1]:resizeAs(input[1]):copy(g:viewAs(input[1]))
   self.gradInput[2]:resizeAs(input[2]):copy(g:viewAs(input[2])):mul(-1)
   return self.gradInput
end

local DotProduct, dpparent = torch.class('nn.DotProduct', 'nn.Module')
function DotProduct:__init()
   dpparent.__init(self)
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end
function DotProduct:updateOutput(input)
   checkTable(self, input, 2)
   local input1, input2 = input[1], input[2]
   utils.checkInput(self, input1:isSameSizeAs(input2) and input1:dim() <= 2, 'pair of equal 1-D or 2-D tensors, element 1', input1)
   if input1:dim() == 1 then
      input1 = input1:view(1, -1)
      input2 = input2:view(1, -1)
   end
   self.buffer = self.buffer or input1.new()
   self.buffer:cmul(input1, input2)
   self.output:sum(self.buffer, 2)
   self.output:resize(input1:size(1))
   return self.output
end
function DotProduct:updateGradInput(input, gradOutput)
   local v1, v2 = input[1], input[2]
   local not_batch = false
   if #self.gradInput ~= 2 then
      self.gradInput[1] = self.gradInput[1] or input[1].new()
      self.gradInput[2] = self.gradInput[2] or input[2].new()
   end
   if v1:dim() == 1 then
      v1 = v1:view(1, -1)
      v2 = v2:view(1, -1)
      not_batch = true
   end
   local gw1, gw2 = self.gradInput[1], self.gradInput[2]
   gw1:resizeAs(v1):copy(v2)
   gw2:resizeAs(v2):copy(v1)
   local go = gradOutput:contiguous():view(-1, 1):expandAs(v1)
   gw1:cmul(go)
   gw2:cmul(go)
   if not_batch then
      self.gradInput[1]:set(gw1:select(1, 1))
      self.gradInput[2]:set(gw2:select(1, 1))
   end
   return self.gradInput
end

local CosineDistance, cdparent = torch.class('nn.CosineDistance', 'nn.Module')
function CosineDistance:__init()
   cdparent.__init(self)
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end
function CosineDistance:updateOutput(input)
   checkTable(self, input, 2)
   local x, y = input[1], input[2]
   utils.checkInput(self, x:isSameSizeAs(y) and x:dim() <= 2, 'pair of equal 1-D or 2-D tensors, element 1', x)
   if x:dim() == 1 then x = x:view(1, -1); y = y:view(1, -1) end
   local n = x:size(1)
   self._xn = x:norm(2, 2):add(1e-12)
   self._yn = y:norm(2, 2):add(1e-12)
   local dot = torch.cmul(x, y):sum(2)
   local out = dot:cdiv(self._xn):cdiv(self._yn):view(n)
   self.output:resizeAs(out):copy(out)
   if input[1]:dim() == 1 then self.output = self.output:view(1) end
   return self.output
end
function CosineDistance:updateGradInput(input, gradOutput)
   local x, y = input[1], input[2]
   if x:dim() == 1 then x = x:view(1, -1); y = y:view(1, -1) end
   local n, d = x:size(1), x:size(2)
   local c = self.output:contiguous():view(n, 1)
   local go = gradOutput:contiguous():view(n, 1)
   local xn, yn = self._xn, self._yn
   -- dc/dx = y/(|x||y|) - c x/|x|^2
   local g1 = torch.cdiv(y, torch.cmul(xn, yn):expand(n, d))
   g1:addcmul(-1, x, torch.cdiv(c, torch.cmul(xn, xn)):expand(n, d))
   local g2 = torch.cdiv(x, torch.cmul(xn, yn):expand(n, d))
   g2:addcmul(-1, y, torch.cdiv(c, torch.cmul(yn, yn)):expand(n, d))
   g1:cmul(go:expand(n, d)); g2:cmul(go:expand(n, d))
   self.gradInput[1] = self.gradInput[1] or input[1].new()
   self.gradInput[2] = self.gradInput[2] or input[2].new()
   self.gradInput[1]:resizeAs(input[1]):copy(g1:viewAs(input[1]))
   self.gradInput[2]:resizeAs(input[2]):copy(g2:viewAs(input[2]))
   return self.gradInput
end

local MM, mmparent = torch.class('nn.MM', 'nn.Module')
function MM:__init(transA, transB)
   mmparent.__init(self)
   self.transA = transA or false
   self.transB = transB or false
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end
function MM:updateOutput(input)
   checkTable(self, input, 2)
   local a, b = input[1], input[2]
   utils.checkInput(self, (a:dim() == 2 or a:dim() == 3) and a:dim() == b:dim(), 'pair of 2-D or 3-D tensors, element 1', a)
   if a:dim() == 2 then
      if self.transA then a = a:t() end
      if self.transB then b = b:t() end
      utils.checkInput(self, a:size(2) == b:size(1), 'matrices with matching inner sizes, element 1', a)
      self.output:resize(a:size(1), b:size(2))
      self.output:mm(a, b)
   else
      if self.transA then a = a:transpose(2, 3) end
      if self.transB then b = b:transpose(2, 3) end
      utils.checkInput(self, a:size(3) == b:size(2) and a:size(1) == b:size(1), 'batches with matching sizes, element 1', a)
      self.output:resize(a:size(1), a:size(2), b:size(3))
      self.output:bmm(a, b)
   end
   return self.output
end
function MM:updateGradInput(input, gradOutput)
   self.gradInput[1] = self.gradInput[1] or input[1].new()
   self.gradInput[2] = self.gradInput[2] or input[2].new()
   local a, b = input[1], input[2]
   self.gradInput[1]:resizeAs(a)
   self.gradInput[2]:resizeAs(b)
   local h_dim, w_dim, f
   if gradOutput:dim() == 2 then
      h_dim, w_dim = 1, 2
      f = 'mm'
   else
      h_dim, w_dim = 2, 3
      f = 'bmm'
   end
   if self.transA == self.transB then
      a = a:transpose(h_dim, w_dim)
      b = b:transpose(h_dim, w_dim)
   end
   if self.transA then
      self.gradInput[1][f](self.gradInput[1], b, gradOutput:transpose(h_dim, w_dim))
   else
      self.gradInput[1][f](self.gradInput[1], gradOutput, b)
   end
   if self.transB then
      self.gradInput[2][f](self.gradInput[2], gradOutput:transpose(h_dim, w_dim), a)
   else
      self.gradInput[2][f](self.gradInput[2], a, gradOutput)
   end
   return self.gradInput
end
