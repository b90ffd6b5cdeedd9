-- Torch7 object serialization: torch.save/load, torch.serialize/deserialize,
-- serializeToStorage/deserializeFromStorage and File:writeObject/readObject.
--
-- The .t7 format itself (type tags, reference indices, class versions, long sizes, tensor
-- and storage payloads, ascii/binary encodings, validation of hostile input, atomic saves)
-- lives once in C (lib/TH/THT7.c, shared with Python's load_lua/save_lua). This file only
-- maps Lua values to the C node graph and back, without recursion: writing creates one node
-- per Lua object (tables are filled from a work list), reading creates one Lua object per
-- node id and fills them afterwards, so cycles, shared references and tables as keys
-- survive, and tensors viewing one storage still share it.
--
-- Class `write(file)` / `read(file, version)` methods (or `__write`/`__read`) run as in Torch7,
-- in stream order, and may write/read any sequence of objects (file:writeObject/readObject)
-- and primitives (file:writeInt, readDouble, writeString...): they get a torch.File of the
-- stream's mode. Writing records the primitives' bytes and the objects as the items of a
-- CUSTOM node; reading suspends the C walk at each object of a plain class, runs its read
-- method against the reader (raw bytes and nested objects), then resumes. An object's Lua
-- value exists (and is in the reference memo) before its read method runs, so it may refer
-- to itself; the values a read method gets back are complete, except enclosing objects
-- still being read (as in Torch7).
-- Limits:
--  * 'binary' loads that must guess the long size (8, then 4) run read methods once per try.
--  * Python's load_lua cannot run Lua read methods: a payload that is not one field table
--    is an error naming the class.
--  * unknown classes load as generic objects keeping their class name and version (they
--    save back as the same class). With nn loaded, cudnn.torch objects load as the CPU
--    modules lua/cudnn/load.lua makes of them, another `cudnn.X` as `nn.X` when that exists.
--  * tds.Hash and tds.Vec load as plain tables.
--  * functions are refused unless {functions=true} is given; LuaJIT 2.1 bytecode (ours)
--    loads directly; LuaJIT 2.0 bytecode (files from old Torch7 installs) runs in a
--    separate LuaJIT 2.0 runtime when the Python bridge provides one (torch._luajit20:
--    `th` and LuaSession do, via lupa.luajit20), with its upvalues and arguments copied
--    as plain values (numbers, strings, booleans, plain tables).
local torch = torch
local ffi = require 'ffi'
local I = torch._I
local C = I.C
local istensor, isstorage = I.istensor, I.isstorage

local K_NIL, K_NUMBER, K_STRING, K_TABLE, K_TORCH, K_BOOLEAN, K_FUNCTION = 0, 1, 2, 3, 4, 5, 6
local C_OBJECT, C_TENSOR, C_STORAGE, C_HASH, C_VEC, C_GENERATOR = 0, 1, 2, 3, 4, 5
local BINARY, ASCII = 0, 1

local function lasterr()
   local msg = I.lasterror()
   return (msg:gsub('%(functions=True%)', "(torch.load(path, mode, {functions=true}), " ..
                    "torch.deserialize(str, mode, {functions=true}) or file:allowFunctions(true))"))
end
local function nonnull(p)
   if p == nil then torch._error(lasterr()) end
   return p
end
local function check(st)
   if st ~= 0 then torch._error(lasterr()) end
end

local function isgenerator(x) return I.isgenerator and I.isgenerator(x) end
local function addr(p) return tonumber(ffi.cast('uintptr_t', p)) end

-- debug path of a value being written: a chain {parent, key}, formatted only on error
local function pathstr(chain)
   local parts = {}
   while chain do
      local k = chain[2]
      parts[#parts + 1] = type(k) == 'string' and ('.' .. k) or ('[' .. tostring(k) .. ']')
      chain = chain[1]
   end
   local out = {'<obj>'}
   for i = #parts, 1, -1 do out[#out + 1] = parts[i] end
   return table.concat(out)
end

-- ================================================================ Lua -> node graph

local Encoder = {}
Encoder.__index = Encoder

local function newEncoder(g, fmt, longsize)
   return setmetatable({g = g, fmt = fmt, longsize = longsize, memo = {}, cmemo = {}, keep = {}, upids = {},
                        nupids = 0, todo = {}}, Encoder)
end

-- Torch7's isWritableObject
local function writable(v)
   local t = type(v)
   if t == 'nil' or t == 'number' or t == 'string' or t == 'boolean' or t == 'table' then return true end
   if t == 'function' then return (pcall(string.dump, v)) end
   if t == 'cdata' then return istensor(v) or isstorage(v) or isgenerator(v) end
   return torch.typename(v) ~= nil
end

-- The torch.File a class `write` method writes to: primitives are encoded by File's own
-- methods in the stream's mode into raw chunks; objects become items written by the graph
-- writer (with references), in call order.
local WriteStream = torch.class('torch.T7WriteStream', 'torch.File')

function WriteStream:__init(fmt, longsize)
   torch.File.__init(self)
   self._binary = fmt == BINARY
   self._longSize = longsize
   self._writable = true
   self._open = true
   self._chunks, self._items = {}, {}
end
function WriteStream:isOpened() return self._open end
function WriteStream:_rawwrite(s) self._chunks[#self._chunks + 1] = s end
function WriteStream:_flush()
   if #self._chunks > 0 then
      self._items[#self._items + 1] = {raw = table.concat(self._chunks)}
      self._chunks = {}
   end
end
function WriteStream:writeObject(obj)
   self:_checkWrite()
   self:_flush()
   self._items[#self._items + 1] = {obj = obj}
end
function WriteStream:close() self._open = false; return self end

function Encoder:remember(key, node, x)
   self.added[#self.added + 1] = {'o', key}
   self.keep[#self.keep + 1] = x
   return node
end

-- the node of x; a writeObject hook may substitute the value written, while the reference
-- memo stays keyed by the original object (as Torch7)
function Encoder:node(x, path)
   local hook = self.hook
   if not hook or x == nil then return self:_node(x, path) end
   local t = type(x)
   local key, memo
   if t == 'cdata' and (istensor(x) or isstorage(x) or isgenerator(x)) then
      memo, key = self.cmemo, addr(istensor(x) and x.__th or isstorage(x) and x.__st or x.__g)
   elseif t == 'table' or t == 'function' or t == 'userdata' then
      memo, key = self.memo, x
   end
   if key ~= nil and memo[key] then return memo[key] end
   local h = hook(x)
   if h == nil or rawequal(h, x) then return self:_node(x, path) end
   local node = self:_node(h, path)
   if key ~= nil then
      memo[key] = node
      self.added[#self.added + 1] = {memo == self.cmemo and 'c' or 'o', key}
      self.keep[#self.keep + 1] = x
   end
   return node
end

function Encoder:_node(x, path)
   local g = self.g
   local t = type(x)
   if t == 'number' then return nonnull(C.THT7_newNumber(g, x)) end
   if t == 'string' then return nonnull(C.THT7_newString(g, x, #x)) end
   if t == 'boolean' then return nonnull(C.THT7_newBoolean(g, x and 1 or 0)) end
   if t == 'nil' then return nonnull(C.THT7_newNil(g)) end
   if t == 'cdata' then
      local key
      if istensor(x) then key = addr(x.__th)
      elseif isstorage(x) then key = addr(x.__st)
      elseif isgenerator(x) then key = addr(x.__g)
      else torch._error('Unwritable object <cdata> at ' .. pathstr(path)) end
      local node = self.cmemo[key]
      if node then return node end
      if istensor(x) then
         node = nonnull(C.THT7_newTensor(g, nil, x.__th))
      elseif isstorage(x) then
         node = nonnull(C.THT7_newStorage(g, nil, x.__st))
      else
         local n = tonumber(C.THGenerator_stateSize())
         local buf = ffi.new('uint8_t[?]', n)
         check(C.THGenerator_getState(x.__g, buf, n))
         node = nonnull(C.THT7_newObject(g, 'torch.Generator', 1, nonnull(C.THT7_newString(g, buf, n))))
      end
      self.cmemo[key] = node
      self.added[#self.added + 1] = {'c', key}
      self.keep[#self.keep + 1] = x
      return node
   end
   local node = self.memo[x]
   if node then return node end
   local name = (t == 'table' or t == 'userdata') and torch.typename(x)
   if name then
      local version = math.floor(tonumber(torch.version(x)) or 1)
      local w = x.__write
      if type(w) ~= 'function' then w = x.write end
      if type(w) == 'function' then
         -- the object is in the memo before its write method runs, so it may write itself
         local items = nonnull(C.THT7_newTable(g))
         node = nonnull(C.THT7_newCustom(g, name, version, items))
         self.memo[x] = node
         self:remember(x, node, x)
         local file = torch.T7WriteStream(self.fmt, self.longsize)
         w(x, file)
         file:_flush()
         file:close()
         for i, item in ipairs(file._items) do
            local inode
            if item.raw then
               inode = nonnull(C.THT7_newRaw(g, item.raw, #item.raw))
            else
               inode = self:node(item.obj, {path, '<written ' .. i .. '>'})
            end
            check(C.THT7_tableAppend(items, nonnull(C.THT7_newNumber(g, i)), inode))
         end
         return node
      end
      local payload = {}
      for k, v in pairs(x) do
         if writable(k) and writable(v) then
            payload[k] = v
         else
            print(string.format('$ Warning: cannot write object field <%s> of <%s> %s', tostring(k), name,
                                pathstr(path)))
         end
      end
      local pnode = self:node(payload, {path, '<fields>'})
      node = nonnull(C.THT7_newObject(g, name, version, pnode))
      self.memo[x] = node
      return self:remember(x, node, x)
   end
   if t == 'table' then
      node = nonnull(C.THT7_newTable(g))
      self.memo[x] = node
      self.todo[#self.todo + 1] = {node, x, path}
      return self:remember(x, node, x)
   end
   if t == 'function' then
      local ok, code = pcall(string.dump, x)
      if not ok then torch._error('Unwritable object <function> at ' .. pathstr(path) .. ' (a C function)') end
      local ups = {}
      local i = 1
      while true do
         local uname, value = debug.getupvalue(x, i)
         if not uname then break end
         if uname == '_ENV' then value = nil end
         local id
         if debug.upvalueid then
            local uid = debug.upvalueid(x, i)
            id = self.upids[uid]
            if not id then
               self.nupids = self.nupids + 1
               id = self.nupids
               self.upids[uid] = id
            end
         end
         ups[i] = {name = uname, id = id, value = value}
         i = i + 1
      end
      local unode = self:node(ups, {path, '<upvalues>'})
      node = nonnull(C.THT7_newFunction(g, 8, code, #code, unode))
      self.memo[x] = node
      return self:remember(x, node, x)
   end
   torch._error(string.format('Unwritable object <%s> at %s', t, pathstr(path)))
end

-- the node of obj, every table reachable from it filled (a work list, no recursion); on
-- error the memo forgets the objects of this call, so a later call writes them afresh
function Encoder:encode(obj, hook)
   self.hook = hook
   self.added = {}
   local ok, res = pcall(function()
      local root = self:node(obj, nil)
      local todo = self.todo
      while #todo > 0 do
         local job = todo[#todo]
         todo[#todo] = nil
         local tnode, tbl, path = job[1], job[2], job[3]
         for k, v in pairs(tbl) do
            if k ~= k then torch._error('t7: a table key cannot be nan (at ' .. pathstr(path) .. ')') end
            check(C.THT7_tableAppend(tnode, self:node(k, path), self:node(v, {path, k})))
         end
      end
      return root
   end)
   if not ok then
      for _, a in ipairs(self.added) do
         if a[1] == 'c' then self.cmemo[a[2]] = nil else self.memo[a[2]] = nil end
      end
      self.todo = {}
      error(res, 0)
   end
   return res
end

-- ================================================================ node graph -> Lua

local generic = setmetatable({}, {__mode = 'v'})   -- name .. '\0' .. version -> metatable (unknown classes)

local function genericmt(name, version)
   local key = name .. '\0' .. version
   local mt = generic[key]
   if not mt then
      mt = {__typename = name, __version = version, __t7generic = true}
      mt.__index = mt
      mt.__tostring = function() return name end
      generic[key] = mt
   end
   return mt
end

-- the factory for a class name: once nn is loaded, a cudnn.torch class its CPU module
-- (lua/cudnn/load.lua); the registered class; another cudnn.X as nn.X; else a generic object
local function factoryfor(name, version)
   local rest = name:match('^cudnn%.(.+)$')
   if rest and package.loaded.nn then
      local f = require('cudnn.load').factory(name, version)
      if f then return f end
   end
   local f = torch.factory(name)
   if f then return f end
   if rest then
      f = torch.factory('nn.' .. rest)
      if f then return f end
   end
   local mt = genericmt(name, version)
   return function() return setmetatable({}, mt) end
end

local OUR_BC_VERSION = string.dump(function() end):byte(4)

local function tohex(s)
   return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end))
end

-- a Lua function from its bytecode; returns f and a setter of its upvalues (called once the
-- upvalue objects are complete)
local function loadfunction(code, cls, id, joins)
   local f, err = loadstring(code, '=(t7 function)')
   if f then
      return f, function(ups)
         for idx, u in ipairs(ups) do
            if type(u) == 'table' and cls == 8 then
               if u.name ~= '_ENV' then
                  debug.setupvalue(f, idx, u.value)
                  -- closures that shared an upvalue cell share it again (ids are per stream)
                  if debug.upvaluejoin and type(u.id) == 'number' then
                     local first = joins[u.id]
                     if first then debug.upvaluejoin(f, idx, first[1], first[2]) else joins[u.id] = {f, idx} end
                  end
               end
            else
               debug.setupvalue(f, idx, u)
            end
         end
      end
   end
   local head, ver = code:sub(1, 3), code:byte(4)
   if head == '\27LJ' and ver == 1 and OUR_BC_VERSION ~= 1 then
      local hook = torch._luajit20
      if not hook then
         torch._error(string.format("t7: the function at node %d is LuaJIT 2.0 bytecode (bytecode version 1); this " ..
            "runtime is %s (bytecode version %d) and cannot load it. Run under `th` or pytorch_like.lua.LuaSession " ..
            "with lupa.luajit20 installed to execute it in a LuaJIT 2.0 runtime", id, jit and jit.version or _VERSION,
            OUR_BC_VERSION))
      end
      local box = {}
      local fn = function(...)
         local impl = box.impl
         if not impl then error('t7: legacy LuaJIT 2.0 function called before its upvalues were loaded', 2) end
         return impl(...)
      end
      return fn, function(ups)
         local list = {n = #ups}
         for idx, u in ipairs(ups) do
            if type(u) == 'table' and cls == 8 then
               list[idx] = {name = u.name, value = u.value}
            else
               list[idx] = {name = '?', value = u}
            end
         end
         box.impl = hook(tohex(code), list)
      end
   end
   if head == '\27Lu' then
      torch._error(string.format("t7: the function at node %d is PUC Lua bytecode (version 0x%02x), which LuaJIT " ..
                                 "cannot load", id, ver or 0))
   end
   if head == '\27LJ' then
      torch._error(string.format("t7: the function at node %d is LuaJIT bytecode version %d, which this runtime " ..
                                 "(%s, bytecode version %d) cannot load: %s", id, ver or 0,
                                 jit and jit.version or _VERSION, OUR_BC_VERSION, tostring(err)))
   end
   torch._error(string.format('t7: the function at node %d does not load: %s', id, tostring(err)))
end

-- A reading session: one THT7Reader and the Lua objects of its nodes (objs: node id ->
-- value; shells of tables/objects are made first and filled once their node is complete).
local Decoder = {}
Decoder.__index = Decoder

local function newDecoder(r, fmt, longsize)
   C.THT7Reader_setSuspend(r, 1)
   return setmetatable({r = r, g = C.THT7Reader_graph(r), fmt = fmt, longsize = longsize, objs = {}, filled = {},
                        joins = {}, funcs = {}}, Decoder)
end

-- the Lua object of node i, made now if needed (a container is filled later by fill)
function Decoder:ensure(i)
   local objs = self.objs
   local v = objs[i]
   if v ~= nil then return v end
   local nd = self.g.nodes[i]
   local k = nd.kind
   if k == K_TABLE then
      v = {}
   elseif k == K_NUMBER then
      v = nd.number
   elseif k == K_STRING then
      v = ffi.string(nd.str, nd.len)
   elseif k == K_BOOLEAN then
      v = nd.boolean ~= 0
   elseif k == K_TORCH then
      local cls = nd.cls
      if cls == C_TENSOR then
         C.THTensor_retain(nd.tensor)
         v = I.wrap(nd.tensor)
      elseif cls == C_STORAGE then
         C.THStorage_retain(nd.storage)
         v = I.wrapstorage(nd.storage)
      elseif cls == C_GENERATOR then
         v = torch.Generator()
         check(C.THGenerator_setState(v.__g, nd.payload.str, nd.payload.len))
      elseif cls == C_HASH or cls == C_VEC then
         v = self:ensure(tonumber(nd.payload.id))
      else
         local name = ffi.string(nd.str, nd.len)
         v = factoryfor(name, nd.version)()
         if type(v) ~= 'table' then
            torch._error(string.format('t7: class %s does not make table objects; its fields cannot be loaded', name))
         end
      end
   elseif k == K_FUNCTION then
      local setups
      v, setups = loadfunction(ffi.string(nd.str, nd.len), nd.cls, i, self.joins)
      self.funcs[i] = setups
   else
      return nil
   end
   objs[i] = v
   return v
end

-- fills the containers among nodes [from, nnodes), which are all complete
function Decoder:fill(from)
   local n = tonumber(self.g.nnodes)
   local nodes = self.g.nodes
   local objs, filled = self.objs, self.filled
   for i = from, n - 1 do        -- containers first, so that every reference finds its object
      if nodes[i].kind == K_TABLE and objs[i] == nil then objs[i] = {} end
   end
   for i = from, n - 1 do
      if objs[i] == nil then self:ensure(i) end
   end
   local function ref(id)
      local v = objs[id]
      if v == nil and id < from then v = self:ensure(id) end   -- an enclosing object still being read
      return v
   end
   local funcs, objects = {}, {}
   for i = from, n - 1 do
      local nd = nodes[i]
      local k = nd.kind
      if filled[i] then   -- luacheck: ignore (a custom read, or filled by a nested read)
      elseif k == K_TABLE then
         filled[i] = true
         local t = objs[i]
         local kv = nd.kv
         for j = 0, tonumber(nd.n) - 1 do
            local key = ref(tonumber(kv[2 * j].id))
            if key == nil or key ~= key then
               torch._error(string.format('t7: a table (node %d) has a %s key, which Lua tables cannot hold', i,
                                          key == nil and 'nil' or 'nan'))
            end
            t[key] = ref(tonumber(kv[2 * j + 1].id))
         end
      elseif k == K_FUNCTION then
         funcs[#funcs + 1] = i
      elseif k == K_TORCH and nd.cls == C_OBJECT and nd.payload ~= nil then
         objects[#objects + 1] = i
      end
   end
   -- upvalues and fields once every table is filled
   for _, i in ipairs(funcs) do
      filled[i] = true
      local ups = ref(tonumber(nodes[i].payload.id))
      if type(ups) ~= 'table' then torch._error(string.format('t7: the upvalues of function node %d are not a table', i)) end
      self.funcs[i](ups)
      self.funcs[i] = nil
   end
   for _, i in ipairs(objects) do   -- Torch7's default read: the field table copied into the object
      filled[i] = true
      local obj = objs[i]
      for key, v in pairs(ref(tonumber(nodes[i].payload.id))) do obj[key] = v end
   end
end

-- The torch.File a class `read` method reads from: raw bytes and nested objects come from
-- the reader at the object's payload, decoded by File's own methods in the stream's mode.
local ReadStream = torch.class('torch.T7ReadStream', 'torch.File')

function ReadStream:__init(dec)
   torch.File.__init(self)
   self._dec = dec
   self._binary = dec.fmt == BINARY
   self._longSize = dec.longsize
   self._readable = true
   self._open = true
end
function ReadStream:isOpened() return self._open end
-- in chunks, so that a hostile count allocates no more than the bytes actually there
local RAW_CHUNK = 2 ^ 20
function ReadStream:_rawread(n)
   self._dec:checkbroken()
   local parts = {}
   while n > 0 do
      local k = math.min(n, RAW_CHUNK)
      local buf = ffi.new('uint8_t[?]', k)
      local got = tonumber(C.THT7Reader_readRaw(self._dec.r, buf, k))
      if got < 0 then torch._error(lasterr()) end
      parts[#parts + 1] = ffi.string(buf, got)
      if got < k then break end
      n = n - k
   end
   return table.concat(parts)
end
function ReadStream:readObject()
   self:_checkRead()
   return self._dec:read()
end
function ReadStream:close() self._open = false; return self end

-- a suspended object: its class read method reads the payload, else its field table follows
function Decoder:suspended(node, pending)
   local i = tonumber(node.id)
   local obj = self:ensure(i)
   local rd = obj.__read
   if type(rd) ~= 'function' then rd = obj.read end
   if type(rd) ~= 'function' then return C.THT7Reader_resume(self.r, 0, pending) end
   self.filled[i] = true
   local file = torch.T7ReadStream(self)
   local ok, err = pcall(rd, obj, file, node.version)
   file:close()
   if not ok then
      self.broken = self.broken or err
      error(err, 0)
   end
   self:checkbroken()   -- a nested read failed and this read method caught its error
   return C.THT7Reader_resume(self.r, 1, pending)
end

-- A failed nested read leaves the reader inside that object: everything after it in this
-- stream is refused (a read method that catches the error would otherwise read on from
-- the wrong place and return the wrong objects).
function Decoder:checkbroken()
   if self.broken ~= nil then
      torch._error('t7: an object read earlier in this stream failed (' .. tostring(self.broken) ..
                   '); nothing after it can be read')
   end
end

-- the next object of the open source (nested when called from a read method)
function Decoder:read()
   self:checkbroken()
   local from = tonumber(self.g.nnodes)
   local pending = ffi.new('int[1]')
   local node = C.THT7Reader_begin(self.r, pending)
   while node ~= nil and pending[0] ~= 0 do node = self:suspended(node, pending) end
   if node == nil then
      self.broken = self.broken or lasterr()
      torch._error(lasterr())
   end
   self:fill(from)
   -- a back reference may name an object of an enclosing read, not converted yet
   return self:ensure(tonumber(node.id))
end

-- runs fn(dec) with the reader's source open; closes it (an error fails the reader)
local function withsource(dec, open, fn)
   check(open)
   local ok, res = pcall(fn, dec)
   local pos = tonumber(C.THT7Reader_close(dec.r))
   if not ok then error(res, 0) end
   return res, pos
end

-- ================================================================ public API

local MODES = {binary = {BINARY, 0}, ascii = {ASCII, 0}, b32 = {BINARY, 4}, b64 = {BINARY, 8}}

local function parsemode(fname, mode, argn, allowlong)
   mode = mode or 'binary'
   local m = MODES[mode]
   if type(mode) ~= 'string' or not m or (not allowlong and m[2] ~= 0) then
      torch._argerror(argn, fname, (allowlong and "'binary', 'ascii', 'b32' or 'b64'" or "'binary' or 'ascii'") ..
                      ' expected, got ' .. tostring(mode))
   end
   return m[1], m[2]
end

-- trailing options table ({functions=true}) anywhere after the fixed arguments
local function splitopts(...)
   local args = {...}
   local n = select('#', ...)
   local opts = {}
   for i = n, 1, -1 do
      if type(args[i]) == 'table' then
         opts = args[i]
         args[i] = nil
         break
      end
   end
   return opts, args[1], args[2]
end

local function newgraph()
   return ffi.gc(nonnull(C.THT7Graph_new()), C.THT7Graph_free)
end

-- one root object from a source (opener(r) opens it on a reader); binary with long size 0
-- tries 8-byte longs, then 4 when that fails or stops before the end, as THT7_readFile
-- (class read methods then run once per try)
local function readroot(opener, size, fmt, ls, functions, referenced, source)
   local function attempt(l)
      local r = ffi.gc(nonnull(C.THT7Reader_new(fmt, l, functions, referenced)), C.THT7Reader_free)
      local dec = newDecoder(r, fmt, l)
      -- the reader reads a Lua string in place: the decoder holds it, since compiled code
      -- may drop the caller's reference while the reader still points into it
      dec.source = source
      return pcall(withsource, dec, opener(r), dec.read)
   end
   if fmt == ASCII or ls ~= 0 then
      local ok, obj = attempt(ls == 0 and 8 or ls)
      if not ok then error(obj, 0) end
      return obj
   end
   local ok8, obj8, pos8 = attempt(8)
   if ok8 and pos8 == size then return obj8 end
   local ok4, obj4, pos4 = attempt(4)
   if ok4 and pos4 == size then return obj4 end
   if ok8 then return obj8 end
   error(obj8, 0)
end

local function readstring(str, size, fmt, ls, functions)
   return readroot(function(r) return C.THT7Reader_openBuffer(r, str, size, 0) end, size, fmt, ls, functions, 1, str)
end

local function tobytes(obj, fmt, referenced)
   local g = newgraph()
   local root = newEncoder(g, fmt, 8):encode(obj)
   local w = ffi.gc(nonnull(C.THT7Writer_new(fmt, 8, referenced and 1 or 0)), C.THT7Writer_free)
   check(C.THT7Writer_write(w, root))
   local size = ffi.new('int64_t[1]')
   local data = C.THT7Writer_data(w, size)
   local s = ffi.string(data, size[0])
   C.THT7Writer_free(ffi.gc(w, nil))
   C.THT7Graph_free(ffi.gc(g, nil))
   return s
end

-- torch.save(filename, obj [, 'binary'|'ascii' [, referenced]]): atomic (temporary file +
-- rename, done in C), so a failed save leaves a previous file intact
function torch.save(filename, obj, mode, referenced)
   if type(filename) ~= 'string' then torch._argerror(1, 'save', 'filename (string) expected, got ' .. type(filename)) end
   local fmt = parsemode('save', mode, 3, false)
   if referenced == false then
      -- Torch7's referenced(false): no reference memo (cycles cannot be written)
      local data = tobytes(obj, fmt, false)
      local tmp = string.format('%s.tmp-%d', filename, math.random(1, 2 ^ 30))
      local f, err = io.open(tmp, 'wb')
      if not f then torch._error('t7: cannot create a temporary file next to ' .. filename .. ': ' .. tostring(err)) end
      local ok, werr = f:write(data)
      local cok = f:close()
      if not ok or not cok then
         os.remove(tmp)
         torch._error('t7: cannot write ' .. filename .. ': ' .. tostring(werr))
      end
      local rok, rerr = os.rename(tmp, filename)
      if not rok then
         os.remove(tmp)
         torch._error('t7: cannot replace ' .. filename .. ': ' .. tostring(rerr))
      end
      return
   end
   local g = newgraph()
   local root = newEncoder(g, fmt, 8):encode(obj)
   check(C.THT7_writeFile(filename, root, fmt, 8))
   C.THT7Graph_free(ffi.gc(g, nil))
end

-- torch.load(filename [, 'binary'|'ascii'|'b32'|'b64' [, referenced]] [, {functions=true}]);
-- 'binary' detects 8- or 4-byte longs; Lua functions are refused without functions=true
function torch.load(filename, ...)
   if type(filename) ~= 'string' then torch._argerror(1, 'load', 'filename (string) expected, got ' .. type(filename)) end
   local opts, mode, referenced = splitopts(...)
   local fmt, ls = parsemode('load', mode, 2, true)
   local functions = opts.functions and 1 or 0
   local size
   local f = io.open(filename, 'rb')
   if f then
      size = f:seek('end')
      f:close()
   end
   -- free garbage before the file's storages are allocated, so its memory is reused
   if I.heaptracking and size then I.gcstep(size) end
   return readroot(function(r) return C.THT7Reader_openFile(r, filename, 0) end, size, fmt, ls, functions,
                   referenced == false and 0 or 1)
end

-- File.lua's old names
torch.saveobj = torch.save
torch.loadobj = torch.load

-- torch.serialize(obj [, mode='binary']) -> string
function torch.serialize(obj, mode)
   return tobytes(obj, parsemode('serialize', mode, 2, false), true)
end
-- torch.serializeToStorage(obj [, mode]) -> CharStorage ending with a NUL, as Torch7's
-- MemoryFile storage (so torch.MemoryFile(storage) reads it)
function torch.serializeToStorage(obj, mode)
   return torch.CharStorage():string(tobytes(obj, parsemode('serializeToStorage', mode, 2, false), true) .. '\0')
end

-- torch.deserialize(str [, mode='binary'] [, {functions=true}])
function torch.deserialize(str, ...)
   if type(str) ~= 'string' then torch._argerror(1, 'deserialize', 'string expected, got ' .. type(str)) end
   local opts, mode = splitopts(...)
   local fmt, ls = parsemode('deserialize', mode, 2, true)
   return readstring(str, #str, fmt, ls, opts.functions and 1 or 0)
end
function torch.deserializeFromStorage(storage, ...)
   if torch.typename(storage) ~= 'torch.CharStorage' then
      torch._argerror(1, 'deserializeFromStorage', 'torch.CharStorage expected, got ' .. torch.type(storage))
   end
   local n = storage:size()
   -- Torch7's storages from serializeToStorage may carry a trailing NUL (MemoryFile)
   local s = ffi.string(storage.__st.data, n)
   local opts, mode = splitopts(...)
   local fmt, ls = parsemode('deserializeFromStorage', mode, 2, true)
   local functions = opts.functions and 1 or 0
   local ok, obj = pcall(readstring, s, n, fmt, ls, functions)
   if not ok and n > 0 and s:byte(n) == 0 then return readstring(s, n - 1, fmt, ls, functions) end
   if not ok then error(obj, 0) end
   return obj
end

-- ---------------------------------------------------------------- File:writeObject/readObject
-- One THT7Writer / THT7Reader per File keeps the reference memo across calls, as Torch7's
-- per-file environment did; changing the mode, long size or referenced state starts a new one.
local File = torch.getmetatable('torch.File')

local function fileformat(self)
   if self._swap then
      torch._error('t7: writeObject/readObject support native (little-endian) encoding only')
   end
   return self._binary and BINARY or ASCII
end

function File:writeObject(obj, debugname, hook)
   self:_checkWrite()
   local fmt = fileformat(self)
   local ref = self:isReferenced() and 1 or 0
   local st = self._t7w
   if not st or st.fmt ~= fmt or st.ls ~= self._longSize or st.ref ~= ref then
      local g = newgraph()
      st = {fmt = fmt, ls = self._longSize, ref = ref, g = g, enc = newEncoder(g, fmt, self._longSize),
            w = ffi.gc(nonnull(C.THT7Writer_new(fmt, self._longSize, ref)), C.THT7Writer_free)}
      self._t7w = st
   end
   local root = st.enc:encode(obj, hook)
   check(C.THT7Writer_write(st.w, root))
   local size = ffi.new('int64_t[1]')
   local data = C.THT7Writer_data(st.w, size)
   self:_rawwrite(ffi.string(data, size[0]))
   C.THT7Writer_clear(st.w)
end

-- file:allowFunctions(true): readObject accepts Lua functions (their bytecode runs code)
function File:allowFunctions(flag)
   self._t7functions = flag ~= false
   return self
end

function File:readObject()
   self:_checkRead()
   local fmt = fileformat(self)
   local ref = self:isReferenced() and 1 or 0
   local fun = self._t7functions and 1 or 0
   local st = self._t7r
   if not st or st.fmt ~= fmt or st.ls ~= self._longSize or st.ref ~= ref or st.fun ~= fun then
      local r = ffi.gc(nonnull(C.THT7Reader_new(fmt, self._longSize, fun, ref)), C.THT7Reader_free)
      st = {fmt = fmt, ls = self._longSize, ref = ref, fun = fun, dec = newDecoder(r, fmt, self._longSize)}
      self._t7r = st
   end
   if st.broken then
      torch._error('t7: an earlier readObject on this file failed (' .. tostring(st.broken) .. '); its references are unusable')
   end
   local r, dec = st.dec.r, st.dec
   local ok, obj, pos
   if self._storage then                                  -- MemoryFile
      -- the reader reads the storage's bytes in place: class read methods must not grow it
      self._t7reading = true
      ok, obj, pos = pcall(withsource, dec, C.THT7Reader_openBuffer(r, self._storage.__st.data, self._size, self._pos),
                           dec.read)
      self._t7reading = nil
      if ok then self._pos = pos end
   elseif self._f and self._name and not torch.isTypeOf(self, 'torch.PipeFile') then
      if self._writable then self._f:flush() end
      local start = self._f:seek('cur')
      ok, obj, pos = pcall(withsource, dec, C.THT7Reader_openFile(r, self._name, start), dec.read)
      self._f:seek('set', ok and pos or start)
   else                                                   -- pipes: the rest of the stream
      self._t7pipe = self._t7pipe or {data = self._f:read('*a') or '', pos = 0}
      local p = self._t7pipe
      ok, obj, pos = pcall(withsource, dec, C.THT7Reader_openBuffer(r, p.data, #p.data, p.pos), dec.read)
      if ok then p.pos = pos end
   end
   if not ok then
      st.broken = obj
      self._hasError = true
      error(obj, 0)
   end
   return obj
end

-- ---------------------------------------------------------------- Tensor / Storage payloads
-- x:write(file) / x:read(file): the body Torch7's C classes write for a tensor or storage
-- object (no type tag or class header; torch7-core.md §3.4), so that a class write/read
-- method can call self.weight:write(file). Tensor: Int nDimension, Long sizes, Long strides,
-- Long storageOffset (1-based), then the storage as an object (nil when none). Storage: Long
-- size, then the elements. Reading validates the geometry against the storage read and reads
-- elements in chunks, so a hostile size allocates no more than the bytes actually there.
local PAYLOAD_KIND = {[I.F32] = 'Float', [I.F64] = 'Double', [I.U8] = 'Byte', [I.I8] = 'Char', [I.I16] = 'Short',
                      [I.I32] = 'Int', [I.I64] = 'Long'}
local STORAGE_CHUNK = 2 ^ 20

local function payloadfile(file, fname)
   if not torch.isTypeOf(file, 'torch.File') then
      torch._argerror(2, fname, 'torch.File expected, got ' .. torch.type(file))
   end
end
local function payloadkind(dtype, what, fname)
   local kind = PAYLOAD_KIND[dtype]
   if not kind then
      torch._error(string.format("%s: %s has no Torch7 file encoding", fname, what))
   end
   return kind
end
-- a count read from file: an integer in [0, max]
local function readcount(file, fname, what, max)
   local n = file:readLong()
   if n ~= n or n < 0 or n ~= math.floor(n) or n > max then
      torch._error(string.format('%s: invalid %s %s in the file', fname, what, tostring(n)))
   end
   return n
end

local Storage, Tensor = I.Storage, I.Tensor

function Storage:write(file)
   payloadfile(file, 'write')
   local kind = payloadkind(self.__st.dtype, torch.typename(self), 'write')
   file:writeLong(self:size())
   file['write' .. kind](file, self)
   return self
end

function Storage:read(file)
   payloadfile(file, 'read')
   local dtype = self.__st.dtype
   local kind = payloadkind(dtype, torch.typename(self), 'read')
   local n = readcount(file, 'read', 'storage size', 2 ^ 53)
   local parts, got = {}, 0
   while got < n do
      local k = math.min(STORAGE_CHUNK, n - got)
      local part = file['read' .. kind](file, k)
      if part:size() ~= k then   -- a quiet file returns what was there
         torch._error(string.format('read: the file ends after %d of the %d elements of a %s', got + part:size(), n,
                                    torch.typename(self)))
      end
      parts[#parts + 1] = part
      got = got + k
   end
   self:resize(n)
   local es, off = I.ELSIZE[dtype], 0
   local dst = ffi.cast('uint8_t *', self.__st.data)
   for _, part in ipairs(parts) do
      ffi.copy(dst + off, part.__st.data, part:size() * es)
      off = off + part:size() * es
   end
   return self
end

function Tensor:write(file)
   payloadfile(file, 'write')
   local nd = self:dim()
   file:writeInt(nd)
   file:writeLong(self:size())
   file:writeLong(self:stride())
   file:writeLong(self:storageOffset())
   file:writeObject(self:storage())
   return self
end

function Tensor:read(file)
   payloadfile(file, 'read')
   local nd = file:readInt()
   if nd < 0 or nd > C.TH_MAX_DIMS then
      torch._error(string.format('read: invalid number of dimensions %d in the file (0 to %d)', nd, C.TH_MAX_DIMS))
   end
   local sizes, strides = file:readLong(nd), file:readLong(nd)
   if sizes:size() ~= nd or strides:size() ~= nd then torch._error('read: the file ends inside a tensor header') end
   local offset = readcount(file, 'read', 'storage offset', 2 ^ 53)
   local storage = file:readObject()
   local want = 'torch.' .. I.NAMES[self.__th.dtype] .. 'Storage'
   if storage ~= nil and torch.typename(storage) ~= want then
      torch._error(string.format('read: a %s holds a %s, got %s', torch.typename(self), want, torch.type(storage)))
   end
   if nd == 0 or storage == nil then
      if nd > 0 then torch._error('read: a tensor of ' .. nd .. ' dimensions without a storage') end
      return self:set()          -- Torch7's empty tensor
   end
   if offset < 1 then torch._error('read: invalid storage offset 0 in the file (1-based)') end
   return self:set(storage, offset, sizes, strides)
end

return torch
