-- nn.utils: type conversion keeping sharing, clearing, deep copies, argument checks.
local nn = nn
nn.utils = nn.utils or {}
local utils = nn.utils

-- convert every tensor reachable from param to typename; tensorCache (keyed by tensor and by
-- storage pointer) keeps tensors that shared a storage sharing the converted one
function utils.recursiveType(param, typename, tensorCache)
   tensorCache = tensorCache or {}
   if torch.type(param) == 'table' then
      for k, v in pairs(param) do param[k] = utils.recursiveType(v, typename, tensorCache) end
   elseif torch.isTypeOf(param, 'nn.Module') or torch.isTypeOf(param, 'nn.Criterion') then
      param:type(typename, tensorCache)
   elseif torch.isTensor(param) then
      if torch.typename(param) ~= typename then
         local newparam = tensorCache[param]
         if not newparam then
            newparam = torch.getconstructortable(typename)()
            local st = param:storage()
            if st and st:size() > 0 then
               local key = torch.pointer(st)
               local nst = tensorCache[key]
               if not nst then
                  local whole = param.new():set(st, 1, st:size())
                  nst = whole:type(typename):storage()
                  tensorCache[key] = nst
               end
               if param:nElement() > 0 then
                  newparam:set(nst, param:storageOffset(), param:size(), param:stride())
               end
            end
            tensorCache[param] = newparam
         end
         param = newparam
      end
   end
   return param
end

function utils.recursiveResizeAs(t1, t2)
   if torch.type(t2) == 'table' then
      t1 = (torch.type(t1) == 'table') and t1 or {t1}
      for key, _ in pairs(t2) do t1[key], t2[key] = utils.recursiveResizeAs(t1[key], t2[key]) end
      for key, _ in pairs(t1) do if not t2[key] then t1[key] = nil end end
   elseif torch.isTensor(t2) then
      t1 = torch.isTensor(t1) and t1 or t2.new()
      t1:resizeAs(t2)
   else
      error("nn.utils.recursiveResizeAs: expected Tensor or table, got " .. torch.type(t2))
   end
   return t1, t2
end

function utils.recursiveFill(t2, val)
   if torch.type(t2) == 'table' then
      for key, _ in pairs(t2) do t2[key] = utils.recursiveFill(t2[key], val) end
   elseif torch.isTensor(t2) then
      t2:fill(val)
   else
      error("nn.utils.recursiveFill: expected Tensor or table, got " .. torch.type(t2))
   end
   return t2
end

function utils.recursiveAdd(t1, val, t2)
   if not t2 then t2 = val; val = 1 end
   if torch.type(t2) == 'table' then
      t1 = (torch.type(t1) == 'table') and t1 or {t1}
      for key, _ in pairs(t2) do t1[key], t2[key] = utils.recursiveAdd(t1[key], val, t2[key]) end
   elseif torch.isTensor(t1) and torch.isTensor(t2) then
      t1:add(val, t2)
   else
      error("nn.utils.recursiveAdd: expected Tensor or table, got " .. torch.type(t1) .. ' and ' .. torch.type(t2))
   end
   return t1, t2
end

function utils.recursiveCopy(t1, t2)
   if torch.type(t2) == 'table' then
      t1 = (torch.type(t1) == 'table') and t1 or {t1}
      for key, _ in pairs(t2) do t1[key] = utils.recursiveCopy(t1[key], t2[key]) end
   elseif torch.isTensor(t2) then
      t1 = torch.isTensor(t1) and t1 or t2.new()
      t1:resizeAs(t2):copy(t2)
   else
      error("nn.utils.recursiveCopy: expected Tensor or table, got " .. torch.type(t2))
   end
   return t1
end

-- drop a tensor's storage (Torch7's t:set(): no elements, no storage)
function utils.empty(t)
   t:set(t.new())
   return t
end

-- clear(self, 'a', 'b', ...) or clear(self, {'a', 'b'}): tensors emptied, tables emptied
function utils.clear(self, ...)
   local arg = {...}
   if #arg > 0 and type(arg[1]) == 'table' then arg = arg[1] end
   local function clear(f)
      if self[f] then
         if torch.isTensor(self[f]) then nn.utils.empty(self[f])
         elseif type(self[f]) == 'table' then self[f] = {}
         else self[f] = nil end
      end
   end
   for _, k in ipairs(arg) do clear(k) end
   return self
end

-- deep copy of a value graph: tensors get fresh storages, and tensors that shared a
-- storage keep sharing the copied one (the stand-in for Torch7's MemoryFile clone)
function utils.deepCopy(x, memo)
   memo = memo or {}
   if memo[x] ~= nil then return memo[x] end
   if torch.isTensor(x) then
      local r = x.new()
      memo[x] = r
      local st = x:storage()
      if st and st:size() > 0 then
         local key = 'st:' .. torch.pointer(st)
         local nst = memo[key]
         if not nst then
            nst = torch.getconstructortable(torch.typename(st))(st:size()):copy(st)
            memo[key] = nst
         end
         if x:nElement() > 0 then r:set(nst, x:storageOffset(), x:size(), x:stride()) end
      end
      return r
   elseif torch.isStorage(x) then
      local key = 'st:' .. torch.pointer(x)
      if not memo[key] then memo[key] = torch.getconstructortable(torch.typename(x))(x:size()):copy(x) end
      memo[x] = memo[key]
      return memo[key]
   elseif type(x) == 'table' then
      local r = {}
      memo[x] = r
      for k, v in pairs(x) do r[utils.deepCopy(k, memo)] = utils.deepCopy(v, memo) end
      local mt = getmetatable(x)
      if mt then setmetatable(r, mt) end
      return r
   end
   return x
end

function utils.addSingletonDimension(...)
   local view, t, dim
   if select('#', ...) < 3 then t, dim = select(1, ...) else view, t, dim = select(1, ...) end
   dim = dim or 1
   local size = torch.LongStorage(t:dim() + 1)
   local stride = torch.LongStorage(t:dim() + 1)
   for d = 1, dim - 1 do size[d] = t:size(d); stride[d] = t:stride(d) end
   size[dim] = 1
   stride[dim] = 1
   for d = dim + 1, t:dim() + 1 do size[d] = t:size(d - 1); stride[d] = t:stride(d - 1) end
   view = view or t.new()
   view:set(t:storage(), t:storageOffset(), size, stride)
   return view
end

-- "a x b x c" of a tensor's shape ("empty" for no elements)
function utils.shape(t)
   if not torch.isTensor(t) then return torch.type(t) end
   if t:dim() == 0 then return 'empty' end
   return table.concat(t:size():totable(), ' x ')
end

-- argument check raising "<module>: expected <what>, got <shape>"
function utils.checkInput(module, ok, what, t, argname)
   if not ok then
      error(string.format('%s: expected %s %s, got %s', torch.typename(module) or tostring(module),
                          argname or 'input', what, utils.shape(t)), 0)
   end
end

function utils.checkTensor(module, t, argname)
   if not torch.isTensor(t) then
      error(string.format('%s: expected %s to be a Tensor, got %s', torch.typename(module) or tostring(module),
                          argname or 'input', torch.type(t)), 0)
   end
end

-- ensure a 1-based LongTensor of class labels (numbers become a 1-element tensor)
function utils.toLong(buf, t)
   buf = buf or torch.LongTensor()
   if type(t) == 'number' then buf:resize(1):fill(t); return buf end
   if torch.typename(t) == 'torch.LongTensor' then return t end
   buf:resize(t:size()):copy(t)
   return buf
end

-- accUpdateGradParameters for modules whose gradients do not depend on the parameters' current
-- values: accumulate -lr * gradients straight into the parameters, each gradient field
-- aliasing its parameter for the call. pairs: {{owner, paramField, gradField}, ...}
function utils.accUpdateIntoParameters(module, input, gradOutput, lr, pairs_)
   local saved = {}
   for i, p in ipairs(pairs_) do
      saved[i] = p[1][p[3]]
      p[1][p[3]] = p[1][p[2]]
   end
   module:accGradParameters(input, gradOutput, -lr)
   for i, p in ipairs(pairs_) do p[1][p[3]] = saved[i] end
end

-- input (and gradOutput) as contiguous tensors for the THNN kernels: non-contiguous ones are
-- copied into the module's _input / _gradOutput buffers
function utils.makeContiguous(module, input, gradOutput)
   if not input:isContiguous() then
      module._input = module._input or input.new()
      module._input:resizeAs(input):copy(input)
      input = module._input
   end
   if gradOutput and not gradOutput:isContiguous() then
      module._gradOutput = module._gradOutput or gradOutput.new()
      module._gradOutput:resizeAs(gradOutput):copy(gradOutput)
      gradOutput = module._gradOutput
   end
   return input, gradOutput
end

-- the size given to a constructor as numbers (d1, d2, ...) or as one LongStorage
function utils.sizeFromArgs(arg)
   if #arg == 1 and torch.typename(arg[1]) == 'torch.LongStorage' then
      return torch.LongStorage(#arg[1]):copy(arg[1])
   end
   local size = torch.LongStorage(#arg)
   for i = 1, #arg do size[i] = arg[i] end
   return size
end
