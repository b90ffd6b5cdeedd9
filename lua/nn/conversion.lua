-- Layers converting layout or type (Torch7's nn): Collapse (flatten the non-batch dims), OneHot
-- (indices to one-hot rows), Convert (between shape strings such as 'bchw' and 'bf'),
-- DontCast (keeps a module's type when the net is converted).
local utils = nn.utils

------------------------------------------------------------------------ Collapse
local Collapse, colparent = torch.class('nn.Collapse', 'nn.Module')

function Collapse:__init(nInputDim)
   colparent.__init(self)
   self.nInputDim = nInputDim
end

function Collapse:updateOutput(input)
   utils.checkTensor(self, input, 'input')
   if not input:isContiguous() then
      self._input = self._input or input.new()
      self._input:resize(input:size()):copy(input)
      input = self._input
   end
   if input:dim() > self.nInputDim then
      self.output = input:view(input:size(1), -1)
   else
      self.output = input:view(-1)
   end
   return self.output
end

function Collapse:updateGradInput(input, gradOutput)
   self.gradInput = gradOutput:contiguous():view(input:size())
   return self.gradInput
end

function Collapse:clearState()
   self._input = nil
   self.output = torch.Tensor(); self.gradInput = torch.Tensor()
   return self
end

------------------------------------------------------------------------ OneHot
local OneHot, ohparent = torch.class('nn.OneHot', 'nn.Module')

function OneHot:__init(outputSize)
   ohparent.__init(self)
   self.outputSize = outputSize
end

function OneHot:updateOutput(input)
   local size
   if type(input) == 'number' then
      self._single = self._single or torch.LongTensor(1)
      self._single[1] = input
      input = self._single
      size = {}
   else
      utils.checkTensor(self, input, 'input')
      size = input:size():totable()
   end
   if input:nElement() > 0 then
      local lo, hi = input:min(), input:max()
      if lo < 1 or hi > self.outputSize or lo ~= math.floor(lo) or hi ~= math.floor(hi) then
         error(string.format('%s: expected indices in [1, %d], got values in [%s, %s]', torch.typename(self),
                             self.outputSize, tostring(lo), tostring(hi)), 0)
      end
   end
   size[#size + 1] = self.outputSize
   self.output:resize(torch.LongStorage(size)):zero()
   size[#size] = 1
   local idx = input
   if torch.typename(input) ~= 'torch.LongTensor' then
      self._input = self._input or torch.LongTensor()
      self._input:resize(input:size()):copy(input)
      idx = self._input
   end
   self.output:scatter(self.output:dim(), idx:contiguous():view(torch.LongStorage(size)), 1)
   return self.output
end

function OneHot:updateGradInput(input, gradOutput)
   if type(input) == 'number' then return 0 end
   self.gradInput:resize(input:size()):zero()
   return self.gradInput
end

function OneHot:clearState()
   self._single = nil
   self._input = nil
   return ohparent.clearState(self)
end

function OneHot:type(typename, tensorCache)
   self._single = nil
   self._input = nil
   return ohparent.type(self, typename, tensorCache)
end

------------------------------------------------------------------------ Convert
-- shapes are strings of axis letters: b (batch), f (feature), c (channel), h, w, t (time);
-- 'b*' is any shape with a batch dim. A missing 'b' is prepended.
local Convert, cvparent = torch.class('nn.Convert', 'nn.Container')

function Convert:__init(inputShape, outputShape)
   if outputShape and not inputShape then error('nn.Convert: expecting non-nil arg 1 when arg 2 is provided', 2) end
   inputShape = inputShape or 'b*'
   outputShape = outputShape or inputShape
   self.inputShape = inputShape:find('b') and inputShape or ('b' .. inputShape)
   self.outputShape = outputShape:find('b') and outputShape or ('b' .. outputShape)
   self.inputBatchDim = self.inputShape:find('b')
   self.outputBatchDim = self.outputShape:find('b')
   if self.inputShape == 'b*' or self.outputShape == 'b*' then
      assert(self.inputShape == 'b*' and self.outputShape == 'b*', 'nn.Convert: both or neither shapes must be b*')
      self.nInputDim = -1
      self.nOutputDim = -1
      self.transposition = true
   else
      self.nInputDim = #self.inputShape
      self.nOutputDim = #self.outputShape
      -- the output shape is a permutation of the input shape
      if self.nInputDim == self.nOutputDim then
         self.transposition = true
         for i = 1, self.nInputDim do
            if not self.outputShape:find(self.inputShape:sub(i, i), 1, true) then
               self.transposition = false
               break
            end
         end
      end
   end
   cvparent.__init(self)
end

function Convert:buildConverter(input)
   if self.transposition then
      self.converter = self:transpose(self.outputShape)
   else
      if torch.type(self[self.outputShape]) ~= 'function' then
         error(string.format('nn.Convert: unrecognized conversion of shape %s to %s', self.inputShape,
                             self.outputShape), 0)
      end
      self.converter = self[self.outputShape](self, input)
   end
   self.converter:type(torch.type(self.output))
   self.modules[1] = self.converter
end

function Convert:updateOutput(input)
   utils.checkTensor(self, input, 'input')
   if not torch.isTypeOf(input, torch.type(self.output)) then
      self._input = self._input or self.output.new()
      self._input:resize(input:size()):copy(input)
      input = self._input
   end
   self.batchMode = true
   if input:dim() < self.nInputDim then
      -- one sample: add the batch dim
      local inputSize = input:size():totable()
      table.insert(inputSize, self.inputBatchDim, 1)
      self.__input = input:view(torch.LongStorage(inputSize))
      input = self.__input
      self.batchMode = false
   end
   if not self.converter then self:buildConverter(input) end
   local output = self.converter:updateOutput(input)
   if not self.batchMode then
      local outputSize = output:size():totable()
      table.remove(outputSize, self.outputBatchDim)
      output = output:contiguous():view(torch.LongStorage(outputSize))
   end
   self.output = output
   return self.output
end

function Convert:updateGradInput(input, gradOutput)
   local origInput = input
   input = self._input or input
   if not self.batchMode then
      input = self.__input
      self.__gradOutput = gradOutput:contiguous():view(self.converter.output:size())
      gradOutput = self.__gradOutput
   end
   local gradInput = self.converter:updateGradInput(input, gradOutput)
   if not self.batchMode then gradInput = gradInput:contiguous():view(origInput:size()) end
   if self._input then
      self._gradInput = self._gradInput or origInput.new()
      self._gradInput:resize(origInput:size()):copy(gradInput)
      self.gradInput = self._gradInput
   else
      self.gradInput = gradInput
   end
   return self.gradInput
end

function Convert:_converterArgs(input, gradOutput)
   if not self.batchMode then return self.__input, self.__gradOutput end
   return self._input or input, gradOutput
end

function Convert:accGradParameters(input, gradOutput, scale)
   input, gradOutput = self:_converterArgs(input, gradOutput)
   self.converter:accGradParameters(input, gradOutput, scale)
end

function Convert:accUpdateGradParameters(input, gradOutput, lr)
   input, gradOutput = self:_converterArgs(input, gradOutput)
   self.converter:accUpdateGradParameters(input, gradOutput, lr)
end

-- batch x features
function Convert:bf(input)
   local b_pos = self:findAxis('b', self.inputShape)
   local dim = #self.inputShape
   if self.inputShape == 'bt' then error('nn.Convert: conversion of shape bt to bf not supported', 0) end
   if dim == 1 then return nn.Reshape(1) end
   local modula
   if b_pos ~= 1 then modula = nn.Transpose({1, b_pos}) end
   if dim > 2 then
      local transpose = modula
      local sampleSize = input:select(self:findAxis('b'), 1):nElement()
      local reshape = nn.Reshape(sampleSize)
      if transpose then
         modula = nn.Sequential():add(transpose):add(reshape)
      else
         modula = reshape
      end
   end
   return modula or nn.Identity()
end

-- one scalar per example
function Convert:b(input)
   if self.inputShape == 'bt' or self.inputShape == 'tb' then
      return nn.Select(self:findAxis('t'), 1)
   elseif self.inputShape == 'bf' or self.inputShape == 'fb' then
      local f_pos = self:findAxis('f')
      if input:size(f_pos) > 1 then
         error('nn.Convert: cannot convert shape ' .. self.inputShape .. ' to b when feature > 1', 0)
      end
      return nn.Select(f_pos, 1)
   end
   error('nn.Convert: cannot convert shape ' .. self.inputShape .. ' to shape b', 0)
end

function Convert:default() return self.inputShape end

-- batch x targets
function Convert:bt()
   if self.inputShape == 'b' then return nn.Reshape(1) end
   error("nn.Convert: cannot convert shape '" .. self.inputShape .. "' to bt", 0)
end

-- a module permuting the input's axes into newShape
function Convert:transpose(newShape)
   if newShape == self.inputShape then return nn.Identity() end
   local shape = {}
   for i = 1, #self.inputShape do shape[i] = self.inputShape:sub(i, i) end
   local transpositions = {}
   for i = 1, #newShape do
      local j
      for k = 1, #shape do if shape[k] == newShape:sub(i, i) then j = k end end
      if i ~= j then
         shape[i], shape[j] = shape[j], shape[i]
         transpositions[#transpositions + 1] = {j, i}
      end
   end
   return nn.Transpose(unpack(transpositions))
end

function Convert:findAxis(axis_char, shape, silent)
   shape = shape or self.inputShape
   local axis_pos = shape:find(axis_char, 1, true)
   if not silent and not axis_pos then
      error("nn.Convert: provided shape '" .. shape .. "' has no axis '" .. axis_char .. "'", 2)
   end
   return axis_pos
end

function Convert:clearState()
   self._input = nil
   self._gradInput = nil
   self.__input = nil
   self.__gradOutput = nil
   return cvparent.clearState(self)
end

function Convert:type(typename, tensorCache)
   if not typename then return self._type end
   self:clearState()
   return cvparent.type(self, typename, tensorCache)
end

------------------------------------------------------------------------ DontCast
-- the wrapped module keeps its type through :type(); castin/castout copy the data between the
-- net's type and the module's
local DontCast, dcparent = torch.class('nn.DontCast', 'nn.Decorator')

local function recursiveTypeCopy(dst, src, typename)
   if torch.type(src) == 'table' then
      dst = (torch.type(dst) == 'table') and dst or {}
      for k, v in pairs(src) do dst[k] = recursiveTypeCopy(dst[k], v, typename) end
   elseif torch.isTensor(src) then
      dst = (torch.type(dst) == typename) and dst or torch.getconstructortable(typename)()
      dst:resize(src:size())
      if src:nElement() > 0 then dst:copy(src) end
   end
   return dst
end

-- the type of the first tensor found in a (nested) table
local function tableTensorType(src)
   if type(src) == 'table' and not torch.isTensor(src) then
      local typename, found
      for _, v in pairs(src) do
         typename, found = tableTensorType(v)
         if found then return typename, true end
      end
      return typename, found
   end
   return torch.type(src), torch.isTensor(src)
end

function DontCast:__init(module, castin, castout, moduleType)
   dcparent.__init(self, module)
   self.castin = castin
   self.castout = (castout == nil) and castin or castout
   self.moduleType = moduleType
   if (self.castin or self.castout) and not self.moduleType then
      local mtype, found = tableTensorType(module.output)
      if found then
         self.moduleType = mtype
      else
         mtype, found = tableTensorType(module:parameters())
         if found then
            self.moduleType = mtype
         else
            error('nn.DontCast: cannot extrapolate moduleType. Provide constructor argument 4', 2)
         end
      end
   end
end

function DontCast:updateOutput(input)
   if self.castin and tableTensorType(input) ~= self.moduleType then
      self._input = recursiveTypeCopy(self._input, input, self.moduleType)
      input = self._input
   end
   local output = self.modules[1]:updateOutput(input)
   if self.castout then
      self.output = recursiveTypeCopy(self.output, output, tableTensorType(self.output))
   else
      self.output = output
   end
   return self.output
end

function DontCast:_moduleArgs(input, gradOutput)
   if self.castin and tableTensorType(input) ~= self.moduleType then input = self._input end
   if self.castout and tableTensorType(gradOutput) ~= self.moduleType then
      self._gradOutput = recursiveTypeCopy(self._gradOutput, gradOutput, self.moduleType)
      gradOutput = self._gradOutput
   end
   return input, gradOutput
end

function DontCast:updateGradInput(input, gradOutput)
   local inp, go = self:_moduleArgs(input, gradOutput)
   local gradInput = self.modules[1]:updateGradInput(inp, go)
   if self.castin then
      self.gradInput = recursiveTypeCopy(self.gradInput, gradInput, tableTensorType(self.gradInput))
   else
      self.gradInput = gradInput
   end
   return self.gradInput
end

function DontCast:accGradParameters(input, gradOutput, scale)
   local inp, go = self:_moduleArgs(input, gradOutput)
   self.modules[1]:accGradParameters(inp, go, scale)
end

function DontCast:accUpdateGradParameters(input, gradOutput, lr)
   local inp, go = self:_moduleArgs(input, gradOutput)
   self.modules[1]:accUpdateGradParameters(inp, go, lr)
end

-- the essence: only the decorator's own output/gradInput follow the net's type
function DontCast:type(typename)
   if not typename then return self._type end
   if self.castout and tableTensorType(self.output) ~= typename then
      self.output = recursiveTypeCopy(nil, self.output, typename)
   end
   if self.castin and tableTensorType(self.gradInput) ~= typename then
      self.gradInput = recursiveTypeCopy(nil, self.gradInput, typename)
   end
   return self
end
