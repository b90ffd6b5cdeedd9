-- Tensor construction, geometry, views, element access, copy, conversions and printing
-- (Torch7's generic/Tensor.c and Tensor.lua). Dimensions and indices are 1-based.
local torch = torch
local ffi = require 'ffi'
local I = torch._I
local C = I.C
local Tensor = I.Tensor
local istensor, isstorage, wrap, check = I.istensor, I.isstorage, I.wrap, I.check
local NAMES, DT, PTRCT, ELSIZE = I.NAMES, I.DT, I.PTRCT, I.ELSIZE
local sget, sset = I.sget, I.sset
local floor = math.floor

local SZ = ffi.new('int64_t[32]')     -- scratch size/stride arrays (C never calls back)
local ST = ffi.new('int64_t[32]')
I.SZ, I.ST = SZ, ST

local function typename(x) return torch.typename(x) or type(x) end

local function checktensor(x, n, fname)
   if not istensor(x) then
      torch._argerror(n, fname, 'tensor expected, got ' .. typename(x))
   end
   return x
end
I.checktensor = checktensor

-- Torch7's dim(): 0 for a tensor without elements
local function ldim(th)
   local nd = th.ndim
   for d = 0, nd - 1 do if th.size[d] == 0 then return 0 end end
   return nd
end
I.ldim = ldim

local function numel(th)
   return tonumber(C.THTensor_numel(th))
end
I.numel = numel

-- the 1-based text of a bad dimension (Lua never shows C's 0-based dims)
function I.dimrange(d, nd)
   if nd == 0 then
      return string.format('dimension %s out of range for a tensor with no dimensions', tostring(d))
   end
   return string.format('dimension %s out of range for a %dD tensor: expected 1 <= dim <= %d', tostring(d), nd, nd)
end

-- 1-based Lua dim -> 0-based C dim, with Torch7's error text
local function cdim(th, d, n, fname)
   if type(d) ~= 'number' then
      torch._argerror(n, fname, 'number expected, got ' .. typename(d))
   end
   local nd = ldim(th)
   if d < 1 or d > nd or d ~= floor(d) then
      torch._argerror(n, fname, I.dimrange(d, nd))
   end
   return d - 1
end
I.cdim = cdim

-- Parse sizes given as numbers or a LongStorage (args starting at position n).
-- Torch7's resize rule: the size list stops at the first entry <= 0 (unless allowneg).
local function parse_sizes(fname, argn, allowneg, ...)
   local a = ...
   local nd = 0
   if isstorage(a) then
      local st = a.__st
      for i = 0, tonumber(st.size) - 1 do
         local v = sget(st, i)
         if v <= 0 and not (allowneg and v == -1) then break end
         SZ[nd] = v; nd = nd + 1
      end
      return nd, select(2, ...)
   end
   if type(a) == 'table' and not istensor(a) then
      for i = 1, #a do
         local v = a[i]
         if v <= 0 and not (allowneg and v == -1) then break end
         SZ[nd] = v; nd = nd + 1
      end
      return nd, select(2, ...)
   end
   local n = select('#', ...)
   local stop = false
   for i = 1, n do
      local v = select(i, ...)
      if type(v) ~= 'number' then
         if i == 1 and v ~= nil then
            torch._argerror(argn, fname, 'number or LongStorage expected, got ' .. typename(v))
         end
         return nd, select(i, ...)
      end
      if nd >= 32 then torch._argerror(argn + i - 1, fname, 'too many dimensions') end
      if v <= 0 and not (allowneg and v == -1) then stop = true end
      if not stop then SZ[nd] = v; nd = nd + 1 end
   end
   return nd
end
I.parse_sizes = parse_sizes

local function sizes_storage(th)
   local nd = ldim(th)
   return I.longstorage(nd, th.size)
end

-- ------------------------------------------------------------------ construction
local function from_table(dtype, tbl, fname)
   local nd, sub = 0, tbl
   while type(sub) == 'table' do
      if nd >= 32 then torch._argerror(1, fname, 'too many dimensions') end
      SZ[nd] = #sub; nd = nd + 1
      if #sub == 0 then break end
      sub = sub[1]
   end
   local t = wrap(C.THTensor_newWithSize(dtype, nd, SZ))
   local th = t.__th
   if numel(th) == 0 then return wrap(C.THTensor_new(dtype)) end
   local sizes = {}
   for d = 0, nd - 1 do sizes[d + 1] = tonumber(th.size[d]) end
   local st, k = th.storage, 0
   local function fill(x, d)
      if d == nd then
         if type(x) ~= 'number' then torch._argerror(1, fname, 'invalid element (not a number)') end
         sset(st, k, x); k = k + 1
         return
      end
      if type(x) ~= 'table' or #x ~= sizes[d + 1] then torch._argerror(1, fname, 'invalid tensor sizes') end
      for i = 1, #x do fill(x[i], d + 1) end
   end
   fill(tbl, 0)
   return t
end

-- th becomes an empty tensor without storage (what a bare constructor gives; Torch7's x:set())
local function set_empty(th)
   SZ[0] = 0
   check(C.THTensor_setStorage(th, nil, 0, 1, SZ, nil))
end

-- set th to view storage s: (offset 1-based, sizes..., strides...) forms
local function set_storage(th, s, fname, argn, offset, ...)
   if s ~= nil and not isstorage(s) then torch._argerror(argn, fname, 'storage expected') end
   if s and s.__st.dtype ~= th.dtype then
      torch._argerror(argn, fname, 'expected a ' .. 'torch.' .. NAMES[th.dtype] .. 'Storage')
   end
   local off = (offset or 1) - 1
   if type(off) ~= 'number' or off < 0 then torch._argerror(argn + 1, fname, 'invalid storage offset') end
   local a, b = ...
   local nd = 0
   local stride = nil
   if a == nil then
      if s then SZ[0] = tonumber(s.__st.size) - off; nd = 1 end
   elseif isstorage(a) then
      nd = parse_sizes(fname, argn + 2, false, a)
      if b ~= nil then
         if not isstorage(b) then torch._argerror(argn + 3, fname, 'LongStorage expected for strides') end
         for i = 0, nd - 1 do ST[i] = sget(b.__st, i) end
         stride = ST
      end
   else
      local n = select('#', ...)
      local i = 1
      stride = ST
      while i <= n do
         local sz, sd = select(i, ...)
         if type(sz) ~= 'number' then torch._argerror(argn + 1 + i, fname, 'number expected') end
         if sz <= 0 then break end
         SZ[nd] = sz
         ST[nd] = (type(sd) == 'number' and sd >= 0) and sd or -1
         nd = nd + 1
         i = i + 2
      end
      -- negative strides mean "contiguous": computed from the sizes on the right
      local acc = 1
      for d = nd - 1, 0, -1 do
         if ST[d] < 0 then ST[d] = acc end
         acc = acc * SZ[d]
      end
   end
   if s == nil then return set_empty(th) end
   check(C.THTensor_setStorage(th, s.__st, off, nd, SZ, stride))
end

function Tensor.__construct(dtype, ...)
   local name = 'torch.' .. NAMES[dtype] .. 'Tensor'
   local a = ...
   local n = select('#', ...)
   if n == 0 or a == nil then return wrap(C.THTensor_new(dtype)) end
   if istensor(a) then
      if a.__th.dtype ~= dtype then torch._argerror(1, name, 'expected a ' .. name .. ', got ' .. typename(a)) end
      return wrap(C.THTensor_newAlias(a.__th))
   end
   if type(a) == 'number' then
      local nd = parse_sizes(name, 1, false, ...)
      if nd == 0 then return wrap(C.THTensor_new(dtype)) end
      return wrap(C.THTensor_newWithSize(dtype, nd, SZ))
   end
   if type(a) == 'table' then return from_table(dtype, a, name) end
   if isstorage(a) then
      local t = wrap(C.THTensor_new(dtype))
      if a.__st.dtype == 7 and dtype ~= 7 then
         -- LongStorage sizes [, LongStorage strides]
         local nd = parse_sizes(name, 1, false, a)
         local b = select(2, ...)
         if isstorage(b) then
            local total = 1
            for i = 0, nd - 1 do
               ST[i] = sget(b.__st, i)
               if ST[i] < 0 then torch._argerror(2, name, 'invalid stride') end
               total = total + (SZ[i] - 1) * ST[i]
            end
            local storage = I.wrapstorage(C.THStorage_new(dtype, nd > 0 and total or 0))
            check(C.THTensor_setStorage(t.__th, storage.__st, 0, nd, SZ, ST))
         elseif nd > 0 then
            check(C.THTensor_resize(t.__th, nd, SZ))
         end
         return t
      end
      set_storage(t.__th, a, name, 1, select(2, ...))
      return t
   end
   torch._argerror(1, name, 'expected nothing, sizes, a storage, a tensor or a table; got ' .. typename(a))
end

-- x:set(...) re-points x with the constructor's argument forms
function Tensor:set(a, ...)
   local th = self.__th
   if a == nil then set_empty(th); return self end
   if istensor(a) then
      if a.__th.dtype ~= th.dtype then torch._argerror(2, 'set', 'expected a ' .. torch.typename(self)) end
      check(C.THTensor_set(th, a.__th)); return self
   end
   set_storage(th, a, 'set', 2, ...)
   C.THTensor_bumpVersion(th)
   return self
end

-- ------------------------------------------------------------------ geometry
function Tensor:size(d)
   local th = self.__th
   if d == nil then return sizes_storage(th) end
   return tonumber(th.size[cdim(th, d, 2, 'size')])
end
function Tensor:__len__() return self:size() end
function Tensor:stride(d)
   local th = self.__th
   if d == nil then return I.longstorage(ldim(th), th.stride) end
   return tonumber(th.stride[cdim(th, d, 2, 'stride')])
end
function Tensor:dim() return ldim(self.__th) end
Tensor.nDimension = Tensor.dim
function Tensor:nElement() return numel(self.__th) end
function Tensor:numel() return numel(self.__th) end
function Tensor:elementSize() return ELSIZE[self.__th.dtype] end
function Tensor:storage()
   local s = self.__th.storage
   if s == nil then return nil end
   C.THStorage_retain(s)
   return I.wrapstorage(s)
end
function Tensor:storageOffset() return tonumber(self.__th.offset) + 1 end
function Tensor:isContiguous() return C.THTensor_isContiguous(self.__th) ~= 0 end
function Tensor:isSameSizeAs(o)
   checktensor(o, 2, 'isSameSizeAs')
   local a, b = self.__th, o.__th
   local nd = ldim(a)
   if nd ~= ldim(b) then return false end
   for d = 0, nd - 1 do if a.size[d] ~= b.size[d] then return false end end
   return true
end
function Tensor:isSetTo(o)
   checktensor(o, 2, 'isSetTo')
   local a, b = self.__th, o.__th
   if a.storage == nil or a.storage ~= b.storage or a.offset ~= b.offset or a.ndim ~= b.ndim then return false end
   for d = 0, a.ndim - 1 do
      if a.size[d] ~= b.size[d] or a.stride[d] ~= b.stride[d] then return false end
   end
   return true
end
function Tensor:isSize(s)
   if not isstorage(s) then torch._argerror(2, 'isSize', 'LongStorage expected') end
   local th = self.__th
   local nd = ldim(th)
   if nd ~= tonumber(s.__st.size) then return false end
   for d = 0, nd - 1 do if th.size[d] ~= sget(s.__st, d) then return false end end
   return true
end

function Tensor:resize(...)
   local nd = parse_sizes('resize', 2, false, ...)
   check(C.THTensor_resize(self.__th, nd, SZ))
   return self
end
function Tensor:resizeAs(o)
   checktensor(o, 2, 'resizeAs')
   check(C.THTensor_resize(self.__th, ldim(o.__th), o.__th.size))
   return self
end

function Tensor:clone() return wrap(C.THTensor_newClone(self.__th)) end
function Tensor:contiguous() return wrap(C.THTensor_newContiguous(self.__th)) end

-- copy: any tensor type with the same number of elements (shapes may differ, as Torch7)
function Tensor:copy(src)
   checktensor(src, 2, 'copy')
   local d, s = self.__th, src.__th
   local n = numel(d)
   if n ~= numel(s) then
      torch._argerror(2, 'copy', string.format('inconsistent tensor size: %d elements vs %d', numel(s), n))
   end
   if n == 0 then return self end
   local same = d.ndim == s.ndim
   if same then for i = 0, d.ndim - 1 do if d.size[i] ~= s.size[i] then same = false; break end end end
   if same then
      check(C.THTensor_copy(d, s))
   else
      local r = C.THTensor_newReshape(s, d.ndim, d.size)
      if r == nil then torch._error(I.lasterror()) end
      local st = C.THTensor_copy(d, r)
      C.THTensor_free(r)
      check(st)
   end
   return self
end

function Tensor:fill(v)
   if type(v) ~= 'number' then torch._argerror(2, 'fill', 'number expected, got ' .. typename(v)) end
   check(C.THTensor_fill(self.__th, v))
   return self
end
function Tensor:zero()
   check(C.THTensor_zero(self.__th))
   return self
end

-- ------------------------------------------------------------------ views
function Tensor:narrow(d, i, n)
   local th = self.__th
   local cd = cdim(th, d, 2, 'narrow')
   local size = tonumber(th.size[cd])
   if type(i) ~= 'number' then torch._argerror(3, 'narrow', 'number expected, got ' .. typename(i)) end
   if type(n) ~= 'number' then torch._argerror(4, 'narrow', 'number expected, got ' .. typename(n)) end
   if i < 1 or i > size then torch._argerror(3, 'narrow', 'out of range') end
   if n <= 0 or i - 1 + n > size then torch._argerror(4, 'narrow', 'out of range') end
   return wrap(C.THTensor_newNarrow(th, cd, i - 1, n))
end

function Tensor:select(d, i)
   local th = self.__th
   local cd = cdim(th, d, 2, 'select')
   if type(i) ~= 'number' then torch._argerror(3, 'select', 'number expected, got ' .. typename(i)) end
   local size = tonumber(th.size[cd])
   if i < 0 then i = size + i + 1 end
   if i < 1 or i > size or i ~= floor(i) then torch._argerror(3, 'select', 'out of range') end
   if th.ndim == 1 then
      return sget(th.storage, th.offset + (i - 1) * th.stride[0])
   end
   return wrap(C.THTensor_newSelect(th, cd, i - 1))
end

function Tensor:sub(...)
   local r = self
   local n = select('#', ...)
   if n % 2 == 1 then torch._argerror(n + 1, 'sub', 'ranges come in pairs (start, end)') end
   local th = self.__th
   for k = 1, n / 2 do
      local s, e = select(2 * k - 1, ...)
      if type(s) ~= 'number' or type(e) ~= 'number' then torch._argerror(2 * k, 'sub', 'number expected') end
      if k > ldim(th) then torch._argerror(2 * k, 'sub', 'too many ranges') end
      local size = tonumber(th.size[k - 1])
      if s < 0 then s = s + size + 1 end
      if e < 0 then e = e + size + 1 end
      if s < 1 or s > size then torch._argerror(2 * k, 'sub', 'out of range') end
      if e < s or e > size then torch._argerror(2 * k + 1, 'sub', 'end smaller than beginning or out of range') end
      r = r:narrow(k, s, e - s + 1)
   end
   return r
end

function Tensor:transpose(d1, d2)
   local th = self.__th
   local a = cdim(th, d1, 2, 'transpose')
   local b = cdim(th, d2, 3, 'transpose')
   return wrap(C.THTensor_newTranspose(th, a, b))
end
function Tensor:t()
   local th = self.__th
   if ldim(th) ~= 2 then torch._argerror(1, 't', 'Tensor must have 2 dimensions') end
   return wrap(C.THTensor_newTranspose(th, 0, 1))
end
function Tensor:unfold(d, size, step)
   local th = self.__th
   local cd = cdim(th, d, 2, 'unfold')
   if type(size) ~= 'number' or size < 1 or size > th.size[cd] then torch._argerror(3, 'unfold', 'out of range') end
   if type(step) ~= 'number' or step < 1 then torch._argerror(4, 'unfold', 'step must be positive') end
   return wrap(C.THTensor_newUnfold(th, cd, size, step))
end
function Tensor:permute(...)
   local th = self.__th
   local n = select('#', ...)
   if n ~= ldim(th) then torch._argerror(2, 'permute', 'expected one dimension per tensor dimension') end
   local dims = ffi.new('int[?]', n)
   for i = 1, n do dims[i - 1] = cdim(th, (select(i, ...)), i + 1, 'permute') end
   return wrap(C.THTensor_newPermute(th, n, dims))
end

-- view([res,] sizes...): contiguous input, one -1 allowed
function Tensor:view(...)
   local res = nil
   local a = ...
   local src = self
   if istensor(a) then res, src = self, a; return res:set(Tensor.view(src, select(2, ...))) end
   local th = src.__th
   if not C.THTensor_isContiguous(th) then torch._error('expecting a contiguous tensor') end
   local nd = parse_sizes('view', 2, true, ...)
   return wrap(C.THTensor_newView(th, nd, SZ))
end
-- viewAs(o) or, into self, viewAs(src, o)
function Tensor:viewAs(a, b)
   if b ~= nil then checktensor(a, 2, 'viewAs'); checktensor(b, 3, 'viewAs'); return self:set(a:viewAs(b)) end
   checktensor(a, 2, 'viewAs')
   return self:view(a:size())
end

-- expand([res,] sizes...): same number of dims; size-1 dims get stride 0
function Tensor:expand(...)
   local a = ...
   if istensor(a) then return self:set(Tensor.expand(a, select(2, ...))) end
   local th = self.__th
   local nd = parse_sizes('expand', 2, false, ...)
   if nd ~= ldim(th) then torch._error('the number of dimensions provided must equal tensor:dim()') end
   for d = 0, nd - 1 do
      if th.size[d] ~= SZ[d] and th.size[d] ~= 1 then
         torch._error('expand: only supporting singleton expansion (dimension ' .. (d + 1) .. ')')
      end
   end
   return wrap(C.THTensor_newExpand(th, nd, SZ))
end
-- expandAs(o) or, into self, expandAs(src, o)
function Tensor:expandAs(a, b)
   if b ~= nil then checktensor(a, 2, 'expandAs'); checktensor(b, 3, 'expandAs'); return self:set(a:expandAs(b)) end
   checktensor(a, 2, 'expandAs')
   return self:expand(a:size())
end

function Tensor:repeatTensor(...)
   local a = ...
   local res = nil
   local src = self
   if istensor(a) then res, src = self, a end
   local args = res and {select(2, ...)} or {...}
   local nd = parse_sizes('repeatTensor', 2, false, unpack(args))
   local th = src.__th
   if nd < ldim(th) then torch._error('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor') end
   local out = res or wrap(C.THTensor_new(th.dtype))
   local reps = ffi.new('int64_t[?]', nd)
   for i = 0, nd - 1 do reps[i] = SZ[i] end
   check(C.THTensor_repeat(out.__th, th, nd, reps))
   return out
end

function Tensor:split(a, b, c)
   local res, src, size, dim
   if type(a) == 'table' then res, src, size, dim = a, self, b, c else res, src, size, dim = {}, self, a, b end
   I.checkargs('split', type(a) == 'table' and 3 or 2, {'number', 'number?'}, size, dim)
   dim = dim or 1
   local n = src:size(dim)
   local i, k = 1, 1
   for k2 = #res, 1, -1 do res[k2] = nil end
   while i <= n do
      local len = math.min(size, n - i + 1)
      res[k] = src:narrow(dim, i, len)
      i, k = i + size, k + 1
   end
   return res
end
function Tensor:chunk(a, b, c)
   local res, n, dim
   if type(a) == 'table' then res, n, dim = a, b, c else res, n, dim = {}, a, b end
   I.checkargs('chunk', type(a) == 'table' and 3 or 2, {'number', 'number?'}, n, dim)
   dim = dim or 1
   local size = math.ceil(self:size(dim) / n)
   return self:split(res, size, dim)
end
-- torch.split/chunk([result,] tensor, ...): the result table form is Torch7's
for _, name in ipairs({'split', 'chunk'}) do
   torch[name] = function(a, ...)
      if type(a) == 'table' and not istensor(a) then
         local src = ...
         checktensor(src, 2, name)
         return src[name](src, a, select(2, ...))
      end
      checktensor(a, 1, name)
      return a[name](a, ...)
   end
end

function Tensor:squeeze(d)
   local th = self.__th
   local r
   if d == nil then
      r = wrap(C.THTensor_newSqueeze(th))
      if r.__th.ndim == 0 and numel(th) == 1 then
         return sget(th.storage, th.offset)       -- Torch7 quirk: a lone element is a number
      end
   else
      local cd = cdim(th, d, 2, 'squeeze')
      if th.ndim == 1 then
         if th.size[0] == 1 then return sget(th.storage, th.offset) end
         return wrap(C.THTensor_newAlias(th))
      end
      r = wrap(C.THTensor_newSqueezeDim(th, cd))
   end
   return r
end

-- ------------------------------------------------------------------ element access
local function elemoffset(th, k, d, userdim)
   local size = tonumber(th.size[d])
   if k < 0 then k = size + k + 1 end
   if k < 1 or k > size or k ~= floor(k) then
      torch._error(string.format('index %s out of range for dimension %d of size %d', tostring(k), userdim or d + 1, size))
   end
   return k - 1
end

-- apply a {a, {b, c}, {b}, {}} table index; returns a view tensor or (nil, element offset)
local function tableindex(self, k)
   local th = self.__th
   local t = wrap(C.THTensor_newAlias(th))
   local cd = 0
   for i = 1, #k do
      local tth = t.__th
      local e = k[i]
      if cd >= tth.ndim then torch._error('too many indices provided') end
      if type(e) == 'number' then
         local j = elemoffset(tth, e, cd, i)   -- k[i] indexes the original dimension i
         if tth.ndim == 1 then
            if i < #k then torch._error('too many indices provided') end
            return nil, tth.offset + j * tth.stride[0], tth.storage
         end
         t = wrap(C.THTensor_newSelect(tth, cd, j))
      elseif type(e) == 'table' then
         local size = tonumber(tth.size[cd])
         local s, f = e[1], e[2]
         if s == nil then s, f = 1, size end
         if f == nil then f = s end
         if s < 0 then s = size + s + 1 end
         if f < 0 then f = size + f + 1 end
         if s < 1 or s > size or f < s or f > size then
            torch._error(string.format('range {%s, %s} out of bounds for dimension %d of size %d',
                                       tostring(e[1]), tostring(e[2]), i, size))
         end
         t = wrap(C.THTensor_newNarrow(tth, cd, s - 1, f - s + 1))
         cd = cd + 1
      else
         torch._error('index must be a number or a table of ranges, got ' .. typename(e))
      end
   end
   return t
end

-- the storage offset of the element a LongStorage of coordinates (one per dimension) names
local function coordoffset(th, k)
   local n = tonumber(k.__st.size)
   if n ~= ldim(th) then torch._error('LongStorage index must give one coordinate per dimension') end
   local off = th.offset
   for d = 0, n - 1 do off = off + elemoffset(th, sget(k.__st, d), d) * th.stride[d] end
   return off
end

function Tensor:__index__(k)
   local th = self.__th
   if type(k) == 'number' then
      if th.ndim == 1 or ldim(th) == 1 then
         local j = elemoffset(th, k, 0)
         return sget(th.storage, th.offset + j * th.stride[0])
      end
      if ldim(th) == 0 then torch._error('index ' .. k .. ' out of range of an empty tensor') end
      return wrap(C.THTensor_newSelect(th, 0, elemoffset(th, k, 0)))
   end
   if istensor(k) then
      local dt = k.__th.dtype
      if dt == 3 or dt == 8 then return self:maskedSelect(k) end
      if dt == 7 then return self:index(1, k) end
      torch._error('index tensor must be a ByteTensor mask or a LongTensor')
   end
   if isstorage(k) then
      return sget(th.storage, coordoffset(th, k))
   end
   if type(k) == 'table' then
      local t, off, st = tableindex(self, k)
      if t then return t end
      return sget(st, off)
   end
   return nil
end

local function assign(t, v, fname)
   if type(v) == 'number' then t:fill(v)
   elseif istensor(v) then t:copy(v)
   else torch._argerror(3, fname, 'number or tensor expected, got ' .. typename(v)) end
end

function Tensor:__newindex__(k, v)
   local th = self.__th
   if type(k) == 'number' then
      if ldim(th) == 1 then
         local j = elemoffset(th, k, 0)
         if type(v) ~= 'number' and type(v) ~= 'boolean' then
            if istensor(v) and numel(v.__th) == 1 then v = v:__index__({}) end
            if type(v) ~= 'number' then torch._argerror(3, '__newindex', 'number expected, got ' .. typename(v)) end
         end
         sset(th.storage, th.offset + j * th.stride[0], v)
         C.THTensor_bumpVersion(th)
         return
      end
      if ldim(th) == 0 then torch._error('index ' .. k .. ' out of range of an empty tensor') end
      assign(wrap(C.THTensor_newSelect(th, 0, elemoffset(th, k, 0))), v, '__newindex')
      return
   end
   if istensor(k) then
      local dt = k.__th.dtype
      if dt == 3 or dt == 8 then
         if type(v) == 'number' then self:maskedFill(k, v) else self:maskedCopy(k, v) end
         return
      end
      if dt == 7 then
         if type(v) == 'number' then self:indexFill(1, k, v) else self:indexCopy(1, k, v) end
         return
      end
      torch._error('index tensor must be a ByteTensor mask or a LongTensor')
   end
   if isstorage(k) then
      sset(th.storage, coordoffset(th, k), v)
      C.THTensor_bumpVersion(th)
      return
   end
   if type(k) == 'table' then
      local t, off, st = tableindex(self, k)
      if t then assign(t, v, '__newindex'); return end
      if type(v) ~= 'number' then torch._argerror(3, '__newindex', 'number expected, got ' .. typename(v)) end
      sset(st, off, v)
      C.THTensor_bumpVersion(th)
      return
   end
   torch._error(string.format("cannot set field '%s' of a %s", tostring(k), torch.typename(self)))
end

-- apply/map/map2: call a Lua function per element in row-major order (Torch7's semantics)
function Tensor:apply(f)
   local th = self.__th
   local n = numel(th)
   if n == 0 then return self end
   local c = self:contiguous()
   local cst, coff = c.__th.storage, c.__th.offset
   for i = 0, n - 1 do
      local v = f(sget(cst, coff + i))
      if v ~= nil then sset(cst, coff + i, v) end
   end
   if c.__th ~= th then self:copy(c) end
   C.THTensor_bumpVersion(th)
   return self
end
function Tensor:map(o, f)
   checktensor(o, 2, 'map')
   local th = self.__th
   if numel(th) ~= numel(o.__th) then torch._argerror(2, 'map', 'inconsistent tensor size') end
   local c, oc = self:contiguous(), o:contiguous()
   local cst, coff, ost, ooff = c.__th.storage, c.__th.offset, oc.__th.storage, oc.__th.offset
   for i = 0, numel(th) - 1 do
      local v = f(sget(cst, coff + i), sget(ost, ooff + i))
      if v ~= nil then sset(cst, coff + i, v) end
   end
   if c.__th ~= th then self:copy(c) end
   C.THTensor_bumpVersion(th)
   return self
end
function Tensor:map2(o1, o2, f)
   checktensor(o1, 2, 'map2'); checktensor(o2, 3, 'map2')
   local th = self.__th
   local n = numel(th)
   if n ~= numel(o1.__th) or n ~= numel(o2.__th) then torch._argerror(2, 'map2', 'inconsistent tensor size') end
   local c, a, b = self:contiguous(), o1:contiguous(), o2:contiguous()
   local cst, coff = c.__th.storage, c.__th.offset
   for i = 0, n - 1 do
      local v = f(sget(cst, coff + i), sget(a.__th.storage, a.__th.offset + i), sget(b.__th.storage, b.__th.offset + i))
      if v ~= nil then sset(cst, coff + i, v) end
   end
   if c.__th ~= th then self:copy(c) end
   C.THTensor_bumpVersion(th)
   return self
end

-- ------------------------------------------------------------------ conversions
function Tensor:type(name)
   local tn = torch.typename(self)
   if name == nil then return tn end
   if name == tn then return self end
   local dt = DT[name]
   if not dt or not name:match('Tensor$') then torch._argerror(2, 'type', 'unknown tensor type ' .. tostring(name)) end
   if numel(self.__th) == 0 then return wrap(C.THTensor_new(dt)) end
   return wrap(C.THTensor_newCast(self.__th, dt))
end
function Tensor:typeAs(o) checktensor(o, 2, 'typeAs'); return self:type(torch.typename(o)) end
for _, n in ipairs{'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double', 'Half'} do
   Tensor[n:lower()] = function(self) return self:type('torch.' .. n .. 'Tensor') end
end
function Tensor:real() return self:type(torch.getdefaulttensortype()) end
function Tensor:isTensor() return true end
function Tensor:totable()
   local th = self.__th
   local nd = ldim(th)
   if nd == 0 then return {} end
   local function rec(off, d)
      local t = {}
      for i = 0, tonumber(th.size[d]) - 1 do
         local o = off + i * th.stride[d]
         if d == nd - 1 then t[i + 1] = sget(th.storage, o) else t[i + 1] = rec(o, d + 1) end
      end
      return t
   end
   return rec(th.offset, 0)
end
function torch.totable(x)
   if istensor(x) or isstorage(x) then return x:totable() end
   torch._argerror(1, 'totable', 'tensor or storage expected')
end
function Tensor:data() return ffi.cast(PTRCT[self.__th.dtype], C.THTensor_data(self.__th)) end
function Tensor:cdata() return self.__th end
function Tensor:retain() C.THTensor_retain(self.__th); return self end
function Tensor:free() C.THTensor_free(self.__th) end

-- ------------------------------------------------------------------ printing (Tensor.lua)
-- Format of a set of values (a contiguous double array of n elements), as Torch7 chose it.
local function printformat(p, n)
   if n == 0 then return '', nil, 0 end
   local intMode = true
   local amin, amax = math.huge, -math.huge
   local hasnan = false
   for i = 0, n - 1 do
      local v = p[i]
      if v ~= math.ceil(v) then intMode = false end
      if v ~= v then hasnan = true end
      local a = math.abs(v)
      if a < amin then amin = a end
      if a > amax then amax = a end
   end
   if hasnan then amin, amax = 0 / 0, 0 / 0 end
   local expMin = amin ~= 0 and floor(math.log10(amin)) + 1 or 1
   local expMax = amax ~= 0 and floor(math.log10(amax)) + 1 or 1
   local format, scale, sz
   if intMode then
      if expMax > 9 then
         format, sz = '%11.4e', 11
      else
         format, sz = '%SZd', expMax + 1
      end
   else
      if expMax - expMin > 4 then
         format, sz = '%SZ.4e', 11
         if math.abs(expMax) > 99 or math.abs(expMin) > 99 then sz = sz + 1 end
      else
         if expMax > 5 or expMax < 0 then
            format, sz = '%SZ.4f', 7
            scale = math.pow(10, expMax - 1)
         else
            format = '%SZ.4f'
            if expMax == 0 then sz = 7 else sz = expMax + 6 end
         end
      end
   end
   format = string.gsub(format, 'SZ', tostring(sz))
   if scale == 1 then scale = nil end
   return format, scale, sz
end

local function fmt(format, v)
   if format:sub(-1) == 'd' then
      if v ~= v or v == math.huge or v == -math.huge then return string.format('%' .. format:match('%%(%d*)d') .. 's', tostring(v)) end
      return string.format(format, v)
   end
   return string.format(format, v)
end

local function printMatrix(p, rows, cols, rowstride, format, scale, sz, indent)
   if format:sub(2, 4) == 'nan' then format = '%f' end
   scale = scale or 1
   indent = indent or ''
   local strt = {indent}
   local nColumnPerLine = floor((80 - #indent) / (sz + 1))
   local firstColumn, lastColumn = 1, -1
   while firstColumn <= cols do
      if firstColumn + nColumnPerLine - 1 <= cols then
         lastColumn = firstColumn + nColumnPerLine - 1
      else
         lastColumn = cols
      end
      if nColumnPerLine < cols then
         if firstColumn ~= 1 then table.insert(strt, '\n') end
         table.insert(strt, 'Columns ' .. firstColumn .. ' to ' .. lastColumn .. '\n' .. indent)
      end
      if scale ~= 1 then table.insert(strt, string.format('%g', scale) .. ' *\n ' .. indent) end
      for l = 1, rows do
         for c = firstColumn, lastColumn do
            table.insert(strt, fmt(format, p[(l - 1) * rowstride + c - 1] / scale))
            if c == lastColumn then
               table.insert(strt, '\n')
               if l ~= rows then
                  if scale ~= 1 then table.insert(strt, indent .. ' ') else table.insert(strt, indent) end
               end
            else
               table.insert(strt, ' ')
            end
         end
      end
      firstColumn = lastColumn + 1
   end
   return table.concat(strt)
end

function Tensor:__tostring__()
   local th = self.__th
   local tn = torch.typename(self)
   local nd = ldim(th)
   if nd == 0 then
      if numel(th) == 1 then                 -- a 0-dim tensor from the Python side
         return string.format('%g', sget(th.storage, th.offset)) .. '\n[' .. tn .. ' of dimension 0]\n'
      end
      return '[' .. tn .. ' with no dimension]\n'
   end
   local d = wrap(C.THTensor_newCast(th, 1))
   local p = ffi.cast('double *', C.THTensor_data(d.__th))
   local n = numel(th)
   local format, scale, sz = printformat(p, n)
   local strt = {}
   local sizes = {}
   for i = 0, nd - 1 do sizes[i + 1] = tonumber(th.size[i]) end
   if nd == 1 then
      if format:sub(2, 4) == 'nan' then format = '%f' end
      if scale then
         table.insert(strt, string.format('%g', scale) .. ' *\n')
         for i = 0, n - 1 do table.insert(strt, fmt(format, p[i] / scale) .. '\n') end
      else
         for i = 0, n - 1 do table.insert(strt, fmt(format, p[i]) .. '\n') end
      end
   elseif nd == 2 then
      table.insert(strt, printMatrix(p, sizes[1], sizes[2], sizes[2], format, scale, sz))
   else
      local rows, cols = sizes[nd - 1], sizes[nd]
      local counter = {}
      for i = 1, nd - 2 do counter[i] = 1 end
      local nmat = n / (rows * cols)
      for m = 0, nmat - 1 do
         if m > 0 then table.insert(strt, '\n') end
         table.insert(strt, '(')
         for i = 1, nd - 2 do table.insert(strt, counter[i] .. ',') end
         table.insert(strt, '.,.) = \n')
         table.insert(strt, printMatrix(p + m * rows * cols, rows, cols, cols, format, scale, sz, ' '))
         for i = nd - 2, 1, -1 do
            counter[i] = counter[i] + 1
            if counter[i] <= sizes[i] then break end
            counter[i] = 1
         end
      end
   end
   table.insert(strt, '[' .. tn .. ' of size ' .. table.concat(sizes, 'x') .. ']\n')
   return table.concat(strt)
end

return Tensor
