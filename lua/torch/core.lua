-- The C-backed classes: Storage and Tensor boxes around THStorage*/THTensor*, dtype
-- tables, error checking and the C-memory-driven garbage collection.
local torch = torch
local ffi = require 'ffi'
local C = torch._C

if not pcall(ffi.typeof, 'torch_TensorBox') then
   ffi.cdef [[
   typedef struct torch_TensorBox { THTensor *__th; } torch_TensorBox;
   typedef struct torch_StorageBox { THStorage *__st; } torch_StorageBox;
   ]]
end

local I = {}                         -- internals shared by the torch package files
torch._I = I
I.C = C

-- dtype codes of TH.h and the Torch7 class name of each
local NAMES = {[0] = 'Float', 'Double', 'Half', 'Byte', 'Char', 'Short', 'Int', 'Long', 'Bool'}
local PTR = {[0] = 'float *', 'double *', 'uint16_t *', 'uint8_t *', 'int8_t *', 'int16_t *',
             'int32_t *', 'int64_t *', 'uint8_t *'}
local ELSIZE = {[0] = 4, 8, 2, 1, 1, 2, 4, 8, 1}
local DT = {}                        -- 'Double' -> 1, 'torch.DoubleTensor' -> 1, ...
for code, n in pairs(NAMES) do
   DT[n] = code
   DT['torch.' .. n .. 'Tensor'] = code
   DT['torch.' .. n .. 'Storage'] = code
end
I.NAMES, I.PTR, I.ELSIZE, I.DT = NAMES, PTR, ELSIZE, DT
local PTRCT = {}
for code, p in pairs(PTR) do PTRCT[code] = ffi.typeof(p) end
I.PTRCT = PTRCT
local ISFLOAT = {[0] = true, true, true}
I.ISFLOAT = ISFLOAT

I.F32, I.F64, I.F16, I.U8, I.I8, I.I16, I.I32, I.I64, I.BOOL = 0, 1, 2, 3, 4, 5, 6, 7, 8

-- ------------------------------------------------------------------ errors
local function lasterror()
   return ffi.string(C.TH_lastError())
end
I.lasterror = lasterror
function I.check(status)
   if status ~= 0 then torch._error(lasterror()) end
end
local check = I.check

-- check() for C calls whose messages name a (0-based) dimension: the Lua message is 1-based
-- and blames argument n of fname (C validates index values itself, with index_base 1)
function I.checkdim(status, n, fname)
   if status == 0 then return end
   local msg = lasterror():gsub('^[%w_]+%(%):%s*', '')
   msg = msg:gsub('(dimension )(%d+)', function(w, d) return w .. (tonumber(d) + 1) end)
   msg = msg:gsub('(tensor number )(%d+)', function(w, d) return w .. (tonumber(d) + 1) end)
   torch._argerror(n, fname, msg)
end

-- ------------------------------------------------------------------ C memory and the GC
-- Lua's collector only sees the small boxes; the C bytes behind them are counted by the
-- core (TH_allocatedBytes). When they grow past a threshold, collect from Lua code.
local GC_BASE = 128 * 1024 * 1024
local gc_threshold = GC_BASE
-- extra: bytes about to be allocated (a file about to be loaded), so that garbage is freed
-- before the allocation and its memory is reused instead of faulting in fresh pages
local function gcstep(extra)
   local bytes = tonumber(C.TH_allocatedBytes()) + (extra or 0)
   if bytes > gc_threshold then
      collectgarbage('collect')
      if I.drainallocators then I.drainallocators() end
      local after = tonumber(C.TH_allocatedBytes())
      gc_threshold = math.max(GC_BASE, after * 2)
   end
end
I.gcstep = gcstep
function torch.setheaptracking(on) I.heaptracking = on end
torch.setheaptracking(true)
function torch.setgcthreshold(bytes) GC_BASE = bytes; gc_threshold = bytes end

-- ------------------------------------------------------------------ boxes
local tensor_class = {}              -- dtype -> class method table
local storage_class = {}
I.tensor_class, I.storage_class = tensor_class, storage_class

local TensorBox, StorageBox
local function istensor(x) return ffi.istype(TensorBox, x) end
local function isstorage(x) return ffi.istype(StorageBox, x) end
I.istensor, I.isstorage = istensor, isstorage

-- ------------------------------------------------------------------ argument checks
-- The one checker of argument kinds for the functions whose forms defop's patterns do not
-- describe: I.checkargs(fname, first, kinds, ...) checks the values ... (numbered from
-- argument #first) against kinds ('number', 'tensor', 'string', 'table'; a trailing '?'
-- allows nil) and raises "bad argument #n to 'fname' (number expected, got string)".
local KIND = {
   number = function(v) return type(v) == 'number' end,
   tensor = istensor,
   string = function(v) return type(v) == 'string' end,
   table = function(v) return type(v) == 'table' end,
}
function I.checkargs(fname, first, kinds, ...)
   for i = 1, #kinds do
      local kind, v = kinds[i], (select(i, ...))
      local opt = kind:sub(-1) == '?'
      if opt then kind = kind:sub(1, -2) end
      if not (opt and v == nil) and not KIND[kind](v) then
         torch._argerror(first + i - 1, fname, kind .. ' expected, got ' .. (torch.typename(v) or type(v)))
      end
   end
end

-- (dtype, count of the other arguments) for factories taking an optional trailing type name
function I.typearg(...)
   local n = select('#', ...)
   if n > 0 and type((select(n, ...))) == 'string' then
      local last = select(n, ...)
      local dt = I.DT[last]
      if not dt then torch._error('unknown tensor type ' .. last) end
      return dt, n - 1
   end
   return I.default_dtype, n
end

-- own one new reference to a THTensor* (NULL: raise the C error)
local function wrap(p)
   if p == nil then torch._error(lasterror()) end
   if I.heaptracking then gcstep() end
   return TensorBox(p)
end
local function wrapstorage(p)
   if p == nil then torch._error(lasterror()) end
   if I.heaptracking then gcstep() end
   return StorageBox(p)
end
I.wrap, I.wrapstorage = wrap, wrapstorage

function I.newtensor(dtype)
   return wrap(C.THTensor_new(dtype))
end

table.insert(torch._cdata_typename, function(x)
   if istensor(x) then return 'torch.' .. NAMES[x.__th.dtype] .. 'Tensor' end
   if isstorage(x) then return 'torch.' .. NAMES[x.__st.dtype] .. 'Storage' end
end)

-- element access helpers (indices are 0-based element offsets into the storage)
local halfToFloat, floatToHalf = C.TH_halfToFloat, C.TH_floatToHalf
local function sget(s, i)            -- s: THStorage*
   local dt = s.dtype
   local v = ffi.cast(PTRCT[dt], s.data)[i]
   if dt == 2 then return tonumber(halfToFloat(v)) end
   return tonumber(v)
end
local function sset(s, i, v)
   local dt = s.dtype
   if type(v) ~= 'number' then
      if type(v) == 'boolean' then v = v and 1 or 0 else v = tonumber(v) end
   end
   if dt == 2 then v = floatToHalf(v) elseif dt == 8 then v = (v ~= 0) and 1 or 0 end
   ffi.cast(PTRCT[dt], s.data)[i] = v
end
I.sget, I.sset = sget, sset

-- ------------------------------------------------------------------ Storage
local Storage = {}                   -- generic storage methods
I.Storage = Storage

local storage_mt = {
   __index = function(self, k)
      local st = self.__st
      local v = storage_class[st.dtype][k]
      if v ~= nil then return v end
      if type(k) == 'number' then
         if k < 1 or k > st.size or k ~= math.floor(k) then
            torch._error(string.format('index out of bounds: %s not in [1, %d]', tostring(k), tonumber(st.size)))
         end
         return sget(st, k - 1)
      end
      return nil
   end,
   __newindex = function(self, k, v)
      local st = self.__st
      if type(k) == 'number' then
         if k < 1 or k > st.size or k ~= math.floor(k) then
            torch._error(string.format('index out of bounds: %s not in [1, %d]', tostring(k), tonumber(st.size)))
         end
         if type(v) ~= 'number' and type(v) ~= 'boolean' then
            torch._argerror(3, '__newindex', 'number expected, got ' .. type(v))
         end
         sset(st, k - 1, v)
         return
      end
      torch._error(string.format("cannot set field '%s' of a %s", tostring(k), torch.typename(self)))
   end,
   __len = function(self) return tonumber(self.__st.size) end,
   __gc = function(self) C.THStorage_free(self.__st) end,
   __tostring = function(self) return self:__tostring__() end,
   __eq = function(a, b) return isstorage(a) and isstorage(b) and a.__st == b.__st end,
}
StorageBox = ffi.metatype('torch_StorageBox', storage_mt)

local function checkstorage(s, n, fname)
   if not isstorage(s) then
      torch._argerror(n, fname, 'storage expected, got ' .. torch.type(s))
   end
end

-- torch.Allocator: Torch7's opaque allocator type, the optional first argument of the
-- storage constructors. torch.Allocator() is the default allocator; torch.Allocator(p [, ctx])
-- wraps a C `THAllocator *` (cdata or address, e.g. from an FFI library) with its context.
-- Allocators stay alive for the session: storages made with one may outlive every Lua
-- reference to it. A wrapped allocator runs behind a THAllocatorGuard: its functions (often
-- Lua callbacks) run only on this session's thread while it is open; storages freed elsewhere
-- (Python threads) wait for the session's next allocation or collection, and after the
-- session closed their bytes leak instead of calling into a dead Lua state.
local Allocator = torch.class('torch.Allocator')
local live_allocators = {}
local guards = {}
function I.drainallocators()
   for i = 1, #guards do C.THAllocatorGuard_drain(guards[i]) end
end
local function closeguards()
   for i = 1, #guards do C.THAllocatorGuard_close(guards[i]) end
end
function Allocator:__init(p, ctx)
   self._keep = p                 -- an FFI-made THAllocator lives as long as its cdata
   if p == nil then
      p = ffi.cast('THAllocator *', C.THDefaultAllocator)
   elseif type(p) == 'number' then
      p = ffi.cast('THAllocator *', ffi.cast('intptr_t', p))
   elseif type(p) == 'cdata' then
      p = ffi.cast('THAllocator *', p)
   else
      torch._argerror(1, 'torch.Allocator', 'THAllocator pointer (cdata or number) expected, got ' .. torch.type(p))
   end
   if p == nil then torch._argerror(1, 'torch.Allocator', 'NULL allocator') end
   if p.malloc == nil or p.free == nil then
      torch._argerror(1, 'torch.Allocator', 'the allocator needs malloc and free functions')
   end
   if ctx ~= nil and type(ctx) ~= 'cdata' then
      torch._argerror(2, 'torch.Allocator', 'context pointer (cdata) expected, got ' .. torch.type(ctx))
   end
   self._a, self._ctx = p, ctx
   if p ~= ffi.cast('THAllocator *', C.THDefaultAllocator) then
      local g = C.THAllocatorGuard_new(p, ctx)
      if g == nil then torch._error(lasterror()) end
      if #guards == 0 then   -- finalized when the session closes
         live_allocators.closer = ffi.gc(ffi.new('char[1]'), closeguards)
      end
      guards[#guards + 1] = g
      self._a, self._ctx = C.THAllocatorGuard_allocator(g), g
   end
   live_allocators[#live_allocators + 1] = self
end
function Allocator:__tostring__() return 'torch.Allocator' end

local function filltable(s, t, name, argn)
   for i = 1, #t do
      if type(t[i]) ~= 'number' then torch._argerror(argn, name, 'invalid element (not a number)') end
      sset(s.__st, i - 1, t[i])
   end
   return s
end

-- torch.XStorage([allocator,] size) with an allocator (Torch7: no views, files or pointers)
local function storage_with_allocator(dtype, name, alloc, b, c)
   local size = 0
   if type(b) == 'number' then
      if b < 0 or b ~= math.floor(b) then torch._argerror(2, name, 'size must be a non-negative integer') end
      if c ~= nil then torch._argerror(3, name, 'Passing allocator not supported when using pointer') end
      size = b
   elseif type(b) == 'table' then
      size = #b
   elseif type(b) == 'string' then
      torch._argerror(2, name, 'Passing allocator not supported when using file mapping')
   elseif isstorage(b) then
      torch._argerror(2, name, 'Passing allocator not supported when using storage views')
   elseif b ~= nil then
      torch._argerror(2, name, 'size or table expected after the allocator, got ' .. torch.type(b))
   end
   I.drainallocators()
   local s = wrapstorage(C.THStorage_newWithAllocator(dtype, size, alloc._a, alloc._ctx))
   if type(b) == 'table' then filltable(s, b, name, 2) end
   return s
end

-- torch.XStorage([size [, pointer]] | table | storage [, offset [, size]] | filename [, shared [, size]]),
-- optionally preceded by a torch.Allocator
local function storage_ctor(dtype)
   local name = 'torch.' .. NAMES[dtype] .. 'Storage'
   return function(a, b, c, d)
      if a == nil then return wrapstorage(C.THStorage_new(dtype, 0)) end
      if torch.typename(a) == 'torch.Allocator' then return storage_with_allocator(dtype, name, a, b, c) end
      if type(a) == 'number' then
         if a < 0 then torch._argerror(1, name, 'size must be non-negative') end
         if b ~= nil then
            -- torch.XStorage(size, pointer): wraps raw memory, never freed by the storage
            local p
            if type(b) == 'number' then p = ffi.cast('char *', ffi.cast('intptr_t', b))
            elseif type(b) == 'cdata' then p = ffi.cast('char *', b)
            else torch._argerror(2, name, 'pointer (number or cdata) expected, got ' .. torch.type(b)) end
            if p == nil and a > 0 then torch._argerror(2, name, 'NULL pointer for a non-empty storage') end
            return wrapstorage(C.THStorage_newWithData(dtype, p, a, nil, nil))
         end
         return wrapstorage(C.THStorage_new(dtype, a))
      end
      if type(a) == 'table' then
         return filltable(wrapstorage(C.THStorage_new(dtype, #a)), a, name, 1)
      end
      if isstorage(a) then
         if a.__st.dtype ~= dtype then torch._argerror(1, name, 'expected a ' .. name) end
         local off = (b or 1) - 1
         local size = c or (tonumber(a.__st.size) - off)
         if off < 0 or size < 0 or off + size > a.__st.size then
            torch._argerror(2, name, 'out of bounds')
         end
         return wrapstorage(C.THStorage_newView(a.__st, off, size))
      end
      if type(a) == 'string' then
         -- torch.XStorage(filename [, shared=false [, size=0 [, sharedMem]]]): memory-mapped file
         if b ~= nil and type(b) ~= 'boolean' then torch._argerror(2, name, 'boolean (shared) expected, got ' .. torch.type(b)) end
         if c ~= nil and (type(c) ~= 'number' or c < 0 or c ~= math.floor(c)) then
            torch._argerror(3, name, 'non-negative integer size expected, got ' .. tostring(c))
         end
         if d then torch._argerror(4, name, 'shared memory (shm) storages are not supported') end
         return wrapstorage(C.THStorage_newMapped(dtype, a, b and 1 or 0, c or 0))
      end
      torch._argerror(1, name, 'expected size, table or storage, got ' .. torch.type(a))
   end
end

function Storage:size() return tonumber(self.__st.size) end
Storage.__len__ = Storage.size
function Storage:elementSize() return ELSIZE[self.__st.dtype] end
function Storage:resize(n)
   if type(n) ~= 'number' or n < 0 then torch._argerror(2, 'resize', 'non-negative number expected') end
   check(C.THStorage_resize(self.__st, n))
   return self
end
function Storage:fill(v)
   if type(v) ~= 'number' then torch._argerror(2, 'fill', 'number expected, got ' .. type(v)) end
   check(C.THStorage_fill(self.__st, v))
   return self
end
function Storage:zero() return self:fill(0) end
function Storage:copy(src)
   if istensor(src) then
      local t = wrap(C.THTensor_newWithStorage(self.__st, 0, 1, ffi.new('int64_t[1]', self.__st.size), nil))
      t:copy(src)
      return self
   end
   checkstorage(src, 2, 'copy')
   if src.__st.size ~= self.__st.size then
      torch._argerror(2, 'copy', string.format('size mismatch: %d vs %d', tonumber(src.__st.size), tonumber(self.__st.size)))
   end
   check(C.THStorage_copy(self.__st, src.__st))
   return self
end
function Storage:totable()
   local st, t = self.__st, {}
   for i = 0, tonumber(st.size) - 1 do t[i + 1] = sget(st, i) end
   return t
end
function Storage:string(str)
   local st = self.__st
   if str ~= nil then
      if type(str) ~= 'string' then torch._argerror(2, 'string', 'string expected') end
      check(C.THStorage_resize(st, #str))
      if #str > 0 then ffi.copy(st.data, str, #str) end
      return self
   end
   return ffi.string(st.data, st.size)
end
function Storage:data() return ffi.cast(PTRCT[self.__st.dtype], self.__st.data) end
function Storage:cdata() return self.__st end
function Storage:retain() C.THStorage_retain(self.__st); return self end
function Storage:free() C.THStorage_free(self.__st) end
function Storage:type(name)
   local tn = torch.typename(self)
   if not name then return tn end
   if name == tn then return self end
   local dt = DT[name]
   if not dt then torch._argerror(2, 'type', 'unknown type ' .. tostring(name)) end
   local r = wrapstorage(C.THStorage_new(dt, self.__st.size))
   check(C.THStorage_copy(r.__st, self.__st))
   return r
end
function Storage:isStorage() return true end
function Storage:__tostring__()
   local n = tonumber(self.__st.size)
   local t = wrap(C.THTensor_newWithStorage(self.__st, 0, 1, ffi.new('int64_t[1]', n), nil))
   if n == 0 then
      return '[' .. torch.typename(self) .. ' of size 0]\n'
   end
   local s = tostring(t)
   return (s:gsub('%[torch%.%w+Tensor of size (%d+)%]', '[' .. torch.typename(self) .. ' of size %1]'))
end

for code, n in pairs(NAMES) do
   local name = 'torch.' .. n .. 'Storage'
   local mt = torch.newmetatable(name, nil, storage_ctor(code), nil,
                                 function() return wrapstorage(C.THStorage_new(code, 0)) end)
   setmetatable(mt, {__index = Storage})
   mt.__index = nil                  -- lookups go through the box metatype
   storage_class[code] = mt
end

-- a LongStorage holding n int64 values from a C array
function I.longstorage(n, arr)
   local s = wrapstorage(C.THStorage_new(7, n))
   if n > 0 then ffi.copy(s.__st.data, arr, 8 * n) end
   return s
end

-- ------------------------------------------------------------------ Tensor box
local Tensor = {}                    -- generic tensor methods
I.Tensor = Tensor

local tensor_mt = {
   __index = function(self, k)
      local v = tensor_class[self.__th.dtype][k]
      if v ~= nil then return v end
      if type(k) == 'string' then return nil end
      return Tensor.__index__(self, k)
   end,
   __newindex = function(self, k, v)
      return Tensor.__newindex__(self, k, v)
   end,
   __gc = function(self) C.THTensor_free(self.__th) end,
   __len = function(self) return self:__len__() end,
   __tostring = function(self) return self:__tostring__() end,
   __eq = function(a, b) return istensor(a) and istensor(b) and a.__th == b.__th end,
   __add = function(a, b) return Tensor.__add__(a, b) end,
   __sub = function(a, b) return Tensor.__sub__(a, b) end,
   __mul = function(a, b) return Tensor.__mul__(a, b) end,
   __div = function(a, b) return Tensor.__div__(a, b) end,
   __mod = function(a, b) return Tensor.__mod__(a, b) end,
   __unm = function(a) return Tensor.__unm__(a) end,
   __concat = function(a, b) return tostring(a) .. tostring(b) end,
}
TensorBox = ffi.metatype('torch_TensorBox', tensor_mt)
I.TensorBox, I.StorageBox = TensorBox, StorageBox

for code, n in pairs(NAMES) do
   local name = 'torch.' .. n .. 'Tensor'
   local mt = torch.newmetatable(name, nil, function(...) return Tensor.__construct(code, ...) end, nil,
                                 function() return wrap(C.THTensor_new(code)) end)
   setmetatable(mt, {__index = Tensor})
   mt.__index = nil
   tensor_class[code] = mt
end

-- the class table of the Tensor and Storage abstractions (torch.Tensor follows the default)
function torch.setdefaulttensortype(name)
   local dt = DT[name]
   if not dt or not name:match('Tensor$') then error('invalid type ' .. tostring(name), 2) end
   I.default_dtype = dt
   torch.Tensor = torch.getconstructortable(name)
   torch.Storage = torch.getconstructortable('torch.' .. NAMES[dt] .. 'Storage')
end
function torch.getdefaulttensortype()
   return 'torch.' .. NAMES[I.default_dtype] .. 'Tensor'
end

function torch.isTensor(x) return istensor(x) end
function torch.isStorage(x) return isstorage(x) end

-- torch.pointer: the C pointer held by a tensor/storage, else the Lua address
function torch.pointer(x)
   if istensor(x) then return tonumber(ffi.cast('uintptr_t', x.__th)) end
   if isstorage(x) then return tonumber(ffi.cast('uintptr_t', x.__st)) end
   if type(x) == 'cdata' then return tonumber(ffi.cast('uintptr_t', x)) end
   local t = type(x)
   if t == 'table' or t == 'function' or t == 'thread' or t == 'userdata' then
      local s = tostring(x):match('0x%x+') or string.format('%p', x)
      return tonumber(s)
   end
   return nil
end
function torch.isequal(a, b)
   if istensor(a) and istensor(b) then return a.__th == b.__th end
   if isstorage(a) and isstorage(b) then return a.__st == b.__st end
   return rawequal(a, b)
end

-- a tensor box retaining an existing THTensor* (given as a pointer or an address)
function torch._fromPointer(p)
   local th = ffi.cast('THTensor *', p)
   C.THTensor_retain(th)
   return TensorBox(th)
end
function torch.pushudata(p, name)
   if name and name:match('Storage$') then
      local s = ffi.cast('THStorage *', p)
      C.THStorage_retain(s)
      return StorageBox(s)
   end
   return torch._fromPointer(p)
end

return I
