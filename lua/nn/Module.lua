-- nn.Module: the protocol every layer follows (torch7-nn.md §1).
local Module = torch.class('nn.Module')

function Module:__init()
   self.gradInput = torch.Tensor()
   self.output = torch.Tensor()
   self._type = self.output:type()
end

function Module:parameters()
   if self.weight and self.bias then
      return {self.weight, self.bias}, {self.gradWeight, self.gradBias}
   elseif self.weight then
      return {self.weight}, {self.gradWeight}
   elseif self.bias then
      return {self.bias}, {self.gradBias}
   end
end

function Module:updateOutput(input) return self.output end

function Module:forward(input) return self:updateOutput(input) end

function Module:backward(input, gradOutput, scale)
   scale = scale or 1
   self:updateGradInput(input, gradOutput)
   self:accGradParameters(input, gradOutput, scale)
   return self.gradInput
end

function Module:backwardUpdate(input, gradOutput, lr)
   self:updateGradInput(input, gradOutput)
   self:accUpdateGradParameters(input, gradOutput, lr)
   return self.gradInput
end

function Module:updateGradInput(input, gradOutput) return self.gradInput end

function Module:accGradParameters(input, gradOutput, scale) end

function Module:accUpdateGradParameters(input, gradOutput, lr)
   if self.shared then
      self:sharedAccUpdateGradParameters(input, gradOutput, lr)
   else
      self:defaultAccUpdateGradParameters(input, gradOutput, lr)
   end
end

function Module:defaultAccUpdateGradParameters(input, gradOutput, lr)
   nn.utils.accUpdateIntoParameters(self, input, gradOutput, lr, {{self, 'weight', 'gradWeight'}, {self, 'bias', 'gradBias'}})
end

function Module:sharedAccUpdateGradParameters(input, gradOutput, lr)
   if self:parameters() then
      self:zeroGradParameters()
      self:accGradParameters(input, gradOutput, 1)
      self:updateParameters(lr)
   end
end

function Module:zeroGradParameters()
   local _, gradParams = self:parameters()
   if gradParams then
      for i = 1, #gradParams do gradParams[i]:zero() end
   end
end

function Module:updateParameters(learningRate)
   local params, gradParams = self:parameters()
   if params then
      for i = 1, #params do params[i]:add(-learningRate, gradParams[i]) end
   end
end

function Module:training() self.train = true end
function Module:evaluate() self.train = false end

function Module:share(mlp, ...)
   local arg = {...}
   for i, v in ipairs(arg) do
      if self[v] ~= nil then
         self[v]:set(mlp[v])
         self.shared = true
         mlp.shared = true
      end
   end
   return self
end

-- a deep copy (buffers included); with field names, those fields share the original's
function Module:clone(...)
   local clone = nn.utils.deepCopy(self)
   if select('#', ...) > 0 then clone:share(self, ...) end
   return clone
end

function Module:type(typename, tensorCache)
   if not typename then return self._type end
   tensorCache = tensorCache or {}
   for key, param in pairs(self) do
      self[key] = nn.utils.recursiveType(param, typename, tensorCache)
   end
   self._type = typename
   return self
end

function Module:float(...) return self:type('torch.FloatTensor', ...) end
function Module:double(...) return self:type('torch.DoubleTensor', ...) end
function Module:cuda(...)
   if nn._cudaType then return self:type(nn._cudaType, ...) end
   error('cunn: no CUDA GPU available (pytorch_like was built without lib/THC)', 2)
end

function Module:reset() end

function Module:clearState()
   return nn.utils.clear(self, 'output', 'gradInput')
end

function Module:apply(callback)
   callback(self)
   if self.modules then
      for _, module in ipairs(self.modules) do module:apply(callback) end
   end
end

function Module:replace(callback)
   local out = callback(self)
   if self.modules then
      for i, module in ipairs(self.modules) do self.modules[i] = module:replace(callback) end
   end
   return out
end

function Module:findModules(typename, container)
   container = container or self
   local nodes, containers = {}, {}
   local mod_type = torch.typename(self)
   if mod_type == typename then
      nodes[#nodes + 1] = self
      containers[#containers + 1] = container
   end
   if self.modules then
      for i = 1, #self.modules do
         local child = self.modules[i]
         local cur_nodes, cur_containers = child:findModules(typename, self)
         for j = 1, #cur_nodes do
            nodes[#nodes + 1] = cur_nodes[j]
            containers[#containers + 1] = cur_containers[j]
         end
      end
   end
   return nodes, containers
end

function Module:listModules()
   local function tinsert(to, from)
      if torch.type(from) == 'table' then
         for i = 1, #from do tinsert(to, from[i]) end
      else
         table.insert(to, from)
      end
   end
   local modules = {self}
   if self.modules then
      for i = 1, #self.modules do
         local modulas = self.modules[i]:listModules()
         if modulas then tinsert(modules, modulas) end
      end
   end
   return modules
end

function Module:__call__(input, gradOutput)
   self:forward(input)
   if gradOutput then
      self:backward(input, gradOutput)
      return self.output, self.gradInput
   end
   return self.output
end

-- one flat tensor over the storages of `parameters` (sharing kept; holes compacted); when the
-- tensors already tile one storage exactly, that storage is reused, so a second call leaves the
-- first result valid
function Module.flatten(parameters)
   if not parameters or #parameters == 0 then return torch.Tensor() end
   local Tensor = parameters[1].new
   local tn = torch.typename(parameters[1])
   local storages, order, nParameters = {}, {}, 0
   local meta = {}
   for k = 1, #parameters do
      local p = parameters[k]
      if torch.typename(p) ~= tn then
         error(string.format('nn.Module.flatten: all parameters must have one type (parameter %d is %s, expected %s)',
                             k, torch.typename(p), tn), 0)
      end
      local st = p:storage()
      if not st then
         meta[k] = false
      else
         local key = torch.pointer(st)
         if not storages[key] then
            storages[key] = {st, nParameters}
            order[#order + 1] = key
            nParameters = nParameters + st:size()
         end
         meta[k] = {offset = p:storageOffset() + storages[key][2], size = p:size(), stride = p:stride(),
                    nel = p:nElement()}
      end
   end
   -- which elements are used (and each tensor must be compact: no holes inside its extent)
   local mask = torch.ByteTensor(math.max(nParameters, 1)):zero()
   local used = torch.ByteTensor()
   for k = 1, #parameters do
      local m = meta[k]
      if m and m.nel > 0 then
         used:set(mask:storage(), m.offset, m.size, m.stride):fill(1)
      end
   end
   local mdata = mask:data()
   local holes = 0
   for i = 0, nParameters - 1 do if mdata[i] == 0 then holes = holes + 1 end end

   if #order == 1 and holes == 0 then
      local st = storages[order[1]][1]
      return Tensor():set(st, 1, st:size())
   end

   local flat = Tensor(math.max(nParameters, 0))
   if nParameters > 0 then flat:zero() end
   for _, key in ipairs(order) do
      local st, off = storages[key][1], storages[key][2]
      if st:size() > 0 then flat:narrow(1, off + 1, st:size()):copy(Tensor():set(st, 1, st:size())) end
   end
   for k = 1, #parameters do nn.utils.empty(parameters[k]) end

   if holes > 0 then
      -- new offset = old offset minus the holes before it
      local before = {}
      local acc = 0
      for i = 0, nParameters - 1 do
         before[i + 1] = acc
         if mdata[i] == 0 then acc = acc + 1 end
      end
      for k = 1, #parameters do
         local m = meta[k]
         if m and m.nel > 0 then
            local extent = 1
            for d = 1, #m.size do extent = extent + (m.size[d] - 1) * m.stride[d] end
            for i = m.offset, m.offset + extent - 1 do
               if mdata[i - 1] == 0 then
                  error('nn.Module.flatten: cannot gather tensors that are not compact (parameter ' .. k .. ')', 0)
               end
            end
            m.offset = m.offset - before[m.offset]
         end
      end
      local keep = {}
      local fdata = flat:data()
      local compact = Tensor(nParameters - holes)
      local cdata = compact:data()
      local j = 0
      for i = 0, nParameters - 1 do
         if mdata[i] ~= 0 then cdata[j] = fdata[i]; j = j + 1 end
      end
      flat = compact
   end
   local fst = flat:storage()
   for k = 1, #parameters do
      local m = meta[k]
      if m and m.nel > 0 then parameters[k]:set(fst, m.offset, m.size, m.stride) end
   end
   return flat
end

function Module:getParameters()
   local parameters, gradParameters = self:parameters()
   local p, g = Module.flatten(parameters), Module.flatten(gradParameters)
   if p:nElement() ~= g:nElement() then
      error('nn.Module.getParameters: check that you are sharing parameters and gradParameters ('
            .. p:nElement() .. ' parameters vs ' .. g:nElement() .. ' gradients)', 0)
   end
   if parameters then
      for i = 1, #parameters do
         if parameters[i]:storageOffset() ~= gradParameters[i]:storageOffset() then
            error('nn.Module.getParameters: misaligned parameter at ' .. tostring(i), 0)
         end
      end
   end
   return p, g
end

function Module:__tostring__() return torch.typename(self) end

-- Loading: Torch7's default field copy, then the transient tensors a file may lack
-- (saved after clearState, or written by other tools) are recreated empty, in the type of
-- the module's parameters, so the loaded module runs.
function Module:read(file, version)
   local fields = file:readObject()
   for k, v in pairs(fields) do self[k] = v end
   local proto = self.weight or self.bias or self.running_mean
   local function empty()
      if torch.isTensor(proto) then return proto.new() end
      return torch.Tensor()
   end
   if self.output == nil and not self.modules then self.output = empty() end
   if self.gradInput == nil and not self.modules then self.gradInput = empty() end
   for _, p in ipairs({{'weight', 'gradWeight'}, {'bias', 'gradBias'}}) do
      local w = self[p[1]]
      if torch.isTensor(w) and self[p[2]] == nil then self[p[2]] = w.new():resizeAs(w):zero() end
   end
   if self.modules then
      -- containers compute output/gradInput from their children; Torch7 starts them as tensors
      self.output = self.output or empty()
      self.gradInput = self.gradInput or empty()
   end
end
