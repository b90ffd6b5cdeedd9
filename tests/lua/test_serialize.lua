-- torch.save/load, serialize/deserialize and File:writeObject/readObject (lua/torch/serialize.lua
-- over the C .t7 engine): every value type in both modes, shared references, cycles, tables
-- as keys, storage sharing, classes, custom read/write, functions and errors.
require 'torch'
local tester = torch.Tester()
local tests = torch.TestSuite()

local MODES = {'binary', 'ascii'}

local function tmpname()
   local n = os.tmpname()
   os.remove(n)
   return n .. '.t7'
end

-- every round trip path: serialize string, storage, a file, a MemoryFile
local function roundtrips(obj, mode, opts)
   local out = {}
   out[#out + 1] = torch.deserialize(torch.serialize(obj, mode), mode, opts)
   out[#out + 1] = torch.deserializeFromStorage(torch.serializeToStorage(obj, mode), mode, opts)
   local name = tmpname()
   torch.save(name, obj, mode)
   out[#out + 1] = torch.load(name, mode, opts)
   os.remove(name)
   local mf = torch.MemoryFile()
   if mode == 'binary' then mf:binary() end
   mf:writeObject(obj)
   mf:seek(1)
   if opts and opts.functions then mf:allowFunctions(true) end
   out[#out + 1] = mf:readObject()
   return out
end

function tests.scalars_and_strings()
   local bin = string.char(0, 1, 2, 255, 10, 13) .. 'x\n\n'
   local vals = {0, -0.5, 1e308, -1e-300, 2 ^ 53, 123456789, math.huge, -math.huge, true, false, '', 'hello', bin,
                 string.rep('long ', 1000)}
   for _, mode in ipairs(MODES) do
      for _, v in ipairs(vals) do
         for _, r in ipairs(roundtrips(v, mode)) do
            tester:asserteq(r, v, mode .. ' ' .. tostring(v))
         end
      end
      for _, r in ipairs(roundtrips(0 / 0, mode)) do tester:assert(r ~= r, 'nan survives ' .. mode) end
      tester:asserteq(torch.deserialize(torch.serialize(nil, mode), mode), nil)
   end
end

function tests.tables()
   local t = {1, 2, 3, 'four', x = {y = {z = 'deep'}}, [true] = false, [2.5] = 'float key', [-1] = 'neg'}
   for _, mode in ipairs(MODES) do
      for _, r in ipairs(roundtrips(t, mode)) do
         tester:assertTableEq(r, t, mode)
         tester:asserteq(r.x.y.z, 'deep')
         tester:asserteq(r[true], false)
      end
   end
end

function tests.shared_references_cycles_and_table_keys()
   for _, mode in ipairs(MODES) do
      local shared = {v = 1}
      local t = {a = shared, b = shared}
      t.self = t
      local key = {k = 'key'}
      t[key] = key
      t.list = {shared, t}
      for _, r in ipairs(roundtrips(t, mode)) do
         tester:assert(r.a == r.b, 'shared table stays shared ' .. mode)
         tester:assert(r.self == r, 'cycle')
         tester:assert(r.list[1] == r.a and r.list[2] == r)
         local found
         for k, v in pairs(r) do if type(k) == 'table' then found = k; tester:assert(v == k) end end
         tester:assert(found and found.k == 'key', 'table as key')
      end
   end
end

function tests.deep_nesting_is_not_recursive()
   local root = {}
   local cur = root
   for i = 1, 100000 do cur.next = {i = i}; cur = cur.next end
   local r = torch.deserialize(torch.serialize(root))
   local n = 0
   cur = r
   while cur.next do cur = cur.next; n = n + 1 end
   tester:asserteq(n, 100000)
   tester:asserteq(cur.i, 100000)
end

function tests.tensors_every_type()
   for _, mode in ipairs(MODES) do
      for _, tn in ipairs{'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double'} do
         local t = torch[tn .. 'Tensor'](3, 4):random(0, 100)
         for _, r in ipairs(roundtrips(t, mode)) do
            tester:asserteq(torch.typename(r), 'torch.' .. tn .. 'Tensor')
            tester:assertTensorEq(r:double(), t:double(), 0, mode .. ' ' .. tn)
         end
         local s = torch[tn .. 'Storage']({1, 2, 3})
         for _, r in ipairs(roundtrips(s, mode)) do
            tester:asserteq(torch.typename(r), 'torch.' .. tn .. 'Storage')
            tester:asserteq(r:size(), 3)
            tester:asserteq(r[3], 3)
         end
      end
      local e = torch.DoubleTensor()
      for _, r in ipairs(roundtrips(e, mode)) do tester:asserteq(r:dim(), 0) end
      local x = torch.randn(5, 6)
      local v = x:t():narrow(1, 2, 3)       -- non-contiguous view with an offset
      for _, r in ipairs(roundtrips(v, mode)) do
         tester:assertTensorEq(r, v, 1e-15, 'view ' .. mode)
         tester:asserteq(r:stride(1), v:stride(1))
         tester:asserteq(r:storageOffset(), v:storageOffset())
         tester:asserteq(r:storage():size(), 30)
      end
   end
end

function tests.tensors_sharing_storage_stay_sharing()
   for _, mode in ipairs(MODES) do
      local a = torch.range(1, 12)
      local b = a:view(3, 4)
      local c = a:narrow(1, 5, 4)
      local obj = {a = a, b = b, c = c, again = a, st = a:storage()}
      for _, r in ipairs(roundtrips(obj, mode)) do
         tester:assert(r.again == r.a, 'same tensor, same object')
         r.a[5] = -7
         tester:asserteq(r.b[2][1], -7, 'views share the storage')
         tester:asserteq(r.c[1], -7)
         tester:asserteq(r.st[5], -7, 'the storage object is the tensors storage')
      end
   end
end

function tests.generator_round_trip()
   local g = torch.Generator()
   torch.manualSeed(g, 77)
   local r = torch.deserialize(torch.serialize(g))
   tester:asserteq(torch.typename(r), 'torch.Generator')
   tester:asserteq(torch.random(g), torch.random(r))
end

local Point = torch.class('sertest.Point')
function Point:__init(x, y) self.x, self.y = x, y end
function Point:norm2() return self.x * self.x + self.y * self.y end

local Child = torch.class('sertest.Child', 'sertest.Point')
function Child:__init(x, y) Point.__init(self, x, y); self.kind = 'child' end

function tests.class_objects()
   for _, mode in ipairs(MODES) do
      local p = sertest.Point(3, 4)
      local c = sertest.Child(1, 2)
      c.parent = p
      c.me = c
      local obj = {p = p, c = c, list = {p, c}}
      for _, r in ipairs(roundtrips(obj, mode)) do
         tester:asserteq(torch.typename(r.p), 'sertest.Point')
         tester:asserteq(r.p:norm2(), 25, 'methods come back with the metatable')
         tester:asserteq(torch.typename(r.c), 'sertest.Child')
         tester:assert(torch.isTypeOf(r.c, 'sertest.Point'))
         tester:assert(r.c.parent == r.p and r.c.me == r.c and r.list[1] == r.p)
         tester:asserteq(r.c.kind, 'child')
      end
   end
end

-- a class with its own write/read writing one field table (version-aware)
local Cached = torch.class('sertest.Cached')
Cached.__version = 2
function Cached:__init() self.w = torch.ones(2); self.cache = torch.zeros(100); self.n = 1 end
function Cached:write(file)
   local var = {}
   for k, v in pairs(self) do if k ~= 'cache' then var[k] = v end end
   file:writeObject(var)
end
function Cached:read(file, version)
   local var = file:readObject()
   for k, v in pairs(var) do self[k] = v end
   self.version_read = version
   self.cache = torch.zeros(100)
   if version < 2 then self.n = self.old_n; self.old_n = nil end
end

function tests.custom_read_write_and_versions()
   for _, mode in ipairs(MODES) do
      local o = sertest.Cached()
      o.n = 5
      local r = torch.deserialize(torch.serialize(o, mode), mode)
      tester:asserteq(torch.typename(r), 'sertest.Cached')
      tester:asserteq(r.version_read, 2)
      tester:asserteq(r.n, 5)
      tester:asserteq(r.cache:size(1), 100, 'rebuilt by read')
      tester:assertTensorEq(r.w, torch.ones(2), 0)
   end
   -- an old version of the class (V 1, field old_n) migrated by read
   local Cached = torch.getmetatable('sertest.Cached')
   Cached.__version = 1
   local o = sertest.Cached()
   o.old_n = 9
   o.n = nil
   local s = torch.serialize(o)
   Cached.__version = 2
   local r = torch.deserialize(s)
   tester:asserteq(r.version_read, 1)
   tester:asserteq(r.n, 9)
   tester:asserteq(r.old_n, nil)
   -- __write/__read are honoured too
   local Dunder = torch.class('sertest.Dunder')
   function Dunder:__write(file) file:writeObject({v = self.v * 10}) end
   function Dunder:__read(file, version) self.v = file:readObject().v / 10; self.seen = version end
   local d = sertest.Dunder()
   d.v = 4
   local rd = torch.deserialize(torch.serialize({d, d}))
   tester:asserteq(rd[1].v, 4)
   tester:asserteq(rd[1].seen, 1)
   tester:assert(rd[1] == rd[2])
end

-- sertest.Seq and sertest.Bag: classes whose write/read methods write any sequence of objects
-- and primitives (as nn modules, tds and user classes do in Torch7)
local newSeq = dofile(debug.getinfo(1, 'S').source:sub(2):gsub('[^/]*$', '') .. 'serialize_classes.lua')

function tests.custom_write_read_sequences()
   for _, mode in ipairs(MODES) do
      local shared = {tag = 'shared'}
      local inner = newSeq({'leaf', 7})
      local t = torch.range(1, 6):view(2, 3)
      local o = newSeq({shared, t, inner, t:select(1, 2), shared})
      -- both orders: the payload's objects first met inside it, or met before it (back references)
      -- (array parts are written in order)
      local paths = {}
      for _, r in ipairs(roundtrips({{o = o}, shared, t, 'after'}, mode)) do paths[#paths + 1] = r end
      for _, r in ipairs(roundtrips({shared, t, {o = o}, 'after'}, mode)) do
         r[1], r[2], r[3] = r[3], r[1], r[2]
         paths[#paths + 1] = r
      end
      for _, r in ipairs(paths) do r.o, r.shared, r.t, r.after = r[1].o, r[2], r[3], r[4] end
      for k, r in ipairs(paths) do
         local ro = r.o
         local what = mode .. ' path ' .. k
         tester:asserteq(torch.typename(ro), 'sertest.Seq', what)
         tester:asserteq(ro.version_read, 3, what)
         tester:asserteq(#ro.items, 5, what)
         tester:assert(ro.items[1] == r.shared and ro.items[5] == r.shared, 'shared references across the payload ' .. what)
         tester:assert(ro.items[2] == r.t, what)
         tester:assertTensorEq(ro.items[4], torch.Tensor({4, 5, 6}), 0, what)
         ro.items[4][1] = 40
         tester:asserteq(r.t[2][1], 40, 'a view read by a read method shares the storage ' .. what)
         tester:asserteq(ro.scale, 0.25, what)
         tester:asserteq(ro.tail, 'END', what)
         tester:asserteq(ro.big, 2 ^ 40 + 3, what)
         tester:assert(ro.me == ro, 'self reference ' .. what)
         tester:asserteq(ro.raw:size(), 3, what)
         tester:asserteq(ro.raw[2], -2, what)
         tester:asserteq(ro.flag, true, what)
         tester:asserteq(ro.binary, mode == 'binary', what)
         local ri = ro.items[3]
         tester:asserteq(torch.typename(ri), 'sertest.Seq', 'nested custom object ' .. what)
         tester:asserteq(ri.items[1], 'leaf', what)
         tester:asserteq(ri.items[2], 7, what)
         tester:assert(ri.me == ri, what)
         tester:asserteq(r.after, 'after', 'the stream continues after the payload ' .. what)
      end
   end
end

-- a container class storing a count then its elements (the tds.Vec layout)
function tests.custom_read_errors()
   local good = torch.serialize({bag = sertest.Bag(1, 'two', {3}), x = 1})
   local r = torch.deserialize(good)
   tester:asserteq(r.bag.n, 3)
   tester:asserteq(r.bag.v[3][1], 3)
   -- a count that lies: the nested readObject runs past the end, naming the offset
   local i64 = function(v) return string.char(v, 0, 0, 0, 0, 0, 0, 0) end
   local at = good:find(i64(3), 1, true)
   local bad = good:sub(1, at - 1) .. i64(9) .. good:sub(at + 8)
   tester:assertErrorPattern(function() torch.deserialize(bad) end, 'at offset %d+')
   -- every truncation is a clean error (8-byte longs: a cut stream may parse with 4)
   for cut = 0, #good - 1 do
      tester:assert(not pcall(torch.deserialize, good:sub(1, cut), 'b64'), 'truncated at ' .. cut)
   end
   -- byte corruptions of a stream full of read methods: errors or values, never a crash
   local n, len = sertest.mutationSweep()
   tester:assert(n >= 4 * len, 'mutations ran')
   -- a read method that fails: its error reaches the caller; the file's references are unusable
   local Boom = torch.class('sertest.Boom')
   function Boom:write(file) file:writeInt(1) end
   function Boom:read(file) file:readInt(); error('boom while reading') end
   local mf = torch.MemoryFile():binary()
   mf:writeObject(sertest.Boom())
   mf:writeObject({1})
   mf:seek(1)
   tester:assertErrorPattern(function() mf:readObject() end, 'boom while reading')
   tester:assertErrorPattern(function() mf:readObject() end, 'earlier readObject on this file failed')
   -- a read method that catches a nested read's error: the stream refuses to read on from the
   -- wrong place (it once returned the failed inner object as the result)
   local Inner = torch.class('sertest.FailingInner')
   function Inner:write(file) file:writeInt(1) end
   function Inner:read(file) file:readInt(); error('inner boom') end
   local Catcher = torch.class('sertest.Catcher')
   function Catcher:write(file) file:writeObject(sertest.FailingInner()); file:writeInt(7); file:writeObject({1}) end
   function Catcher:read(file)
      self.caught = select(2, pcall(file.readObject, file))
      self.x = file:readInt()
   end
   for _, mode in ipairs({'binary', 'ascii'}) do
      local s = torch.serialize({sertest.Catcher(), 5}, mode)
      tester:assertErrorPattern(function() torch.deserialize(s, mode) end, 'inner boom')
      local Catcher2 = torch.getmetatable('sertest.Catcher')
      local read = Catcher2.read
      Catcher2.read = function(self, file)      -- catching every later error too
         pcall(read, self, file)
         self.more = select(2, pcall(file.readObject, file))
      end
      tester:assertErrorPattern(function() torch.deserialize(s, mode) end, 'inner boom')
      Catcher2.read = read
   end
   -- a read method writing to the MemoryFile being read (moving its bytes under the reader)
   local mfw
   local Grow = torch.class('sertest.Grow')
   function Grow:write(file) file:writeInt(1); file:writeObject({2}) end
   function Grow:read(file)
      self.a = file:readInt()
      mfw:seekEnd()
      mfw:writeString(string.rep('x', 2 ^ 16))
      self.b = file:readObject()
   end
   mfw = torch.MemoryFile():binary()
   mfw:writeObject(sertest.Grow())
   local before = mfw:storage():size()
   mfw:seek(1)
   tester:assertErrorPattern(function() mfw:readObject() end, 'cannot write to or resize the file while readObject')
   tester:asserteq(mfw:storage():size(), before, 'the file kept its bytes')
   -- a read method reading more raw bytes than written: File's short-read error
   local Greedy = torch.class('sertest.Greedy')
   function Greedy:write(file) file:writeInt(5) end
   function Greedy:read(file) self.a = file:readInt(); self.b = file:readInt() end
   tester:assertErrorPattern(function() torch.deserialize(torch.serialize(sertest.Greedy())) end,
                             'read error: read 0 blocks instead of 1')
   -- raw reads past the end stop at the end: a huge count allocates nothing big
   local Huge = torch.class('sertest.Huge')
   function Huge:write(file) file:writeString('abc') end
   function Huge:read(file) self.s = file:readString(2 ^ 40) end
   tester:assertErrorPattern(function() torch.deserialize(torch.serialize({sertest.Huge(), 'x'}), 'b64') end,
                             'truncated file at offset %d+ while reading a type tag')
   tester:asserteq(#torch.deserialize(torch.serialize(sertest.Huge())).s, 3)
   -- a write method writing an unwritable value names it
   local Bad = torch.class('sertest.BadWrite')
   function Bad:write(file) file:writeObject(coroutine.create(print)) end
   tester:assertErrorPattern(function() torch.serialize({sertest.BadWrite()}) end, 'Unwritable object <thread>')
   tester:assertErrorPattern(function()
      local B2 = torch.class('sertest.BadWrite2')
      function B2:write(file) file:writeInt('x') end
      torch.serialize(sertest.BadWrite2())
   end, 'number or torch.IntStorage expected')
end

function tests.unknown_classes_are_generic_objects()
   local Tmp = torch.class('sertest.Vanishing')
   local s = torch.serialize({obj = sertest.Vanishing(), n = 1})
   -- a file naming a class nobody registered: rename the class in the stream
   local s2 = s:gsub('sertest%.Vanishing', 'sertest.Unknown12')
   local r = torch.deserialize(s2)
   tester:asserteq(torch.typename(r.obj), 'sertest.Unknown12')
   tester:asserteq(torch.factory('sertest.Unknown12'), nil, 'no class is registered by loading')
   -- and it saves back under its own name
   local again = torch.serialize(r)
   tester:assert(again:find('sertest.Unknown12', 1, true) ~= nil)
   tester:asserteq(torch.typename(torch.deserialize(again).obj), 'sertest.Unknown12')
end

function tests.cudnn_maps_to_nn_when_available()
   -- a stream written under class sertx.SerTestConv, renamed to cudnn.* (same length)
   torch.class('sertx.SerTestConv')
   local o = sertx.SerTestConv()
   o.weight = torch.ones(2, 2)
   local s = torch.serialize(o)
   local had_nn = rawget(_G, 'nn')
   local created = torch.factory('nn.SerTestConv') == nil
   if created then torch.class('nn.SerTestConv') end
   local r = torch.deserialize((s:gsub('sertx%.SerTestConv', 'cudnn.SerTestConv')))
   tester:asserteq(torch.typename(r), 'nn.SerTestConv')
   tester:assertTensorEq(r.weight, torch.ones(2, 2), 0)
   local r2 = torch.deserialize((s:gsub('sertx%.SerTestConv', 'cudnn.SerTestCon2')))
   tester:asserteq(torch.typename(r2), 'cudnn.SerTestCon2', 'generic when nn has no equivalent')
   tester:assertTensorEq(r2.weight, torch.ones(2, 2), 0)
   if created then nn.SerTestConv = nil end
   if not had_nn then nn = nil end
end

function tests.functions_refused_unless_allowed()
   local up = {base = 10}
   local function f(a) return a + up.base end
   local s = torch.serialize({f = f, up = up})
   tester:assertErrorPattern(function() torch.deserialize(s) end, 'functions=true')
   local r = torch.deserialize(s, 'binary', {functions = true})
   tester:asserteq(r.f(1), 11)
   r.up.base = 20
   tester:asserteq(r.f(1), 21, 'the upvalue is the shared table')
   -- a recursive local function (its upvalue is itself) and two closures sharing an upvalue
   local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
   local counter = 0
   local function inc() counter = counter + 1; return counter end
   local function get() return counter end
   for _, mode in ipairs(MODES) do
      for _, rr in ipairs(roundtrips({fact = fact, inc = inc, get = get}, mode, {functions = true})) do
         tester:asserteq(rr.fact(5), 120)
         rr.inc(); rr.inc()
         tester:asserteq(rr.get(), counter + 2, 'closures sharing an upvalue stay joined')
      end
   end
   tester:assertErrorPattern(function() torch.serialize(print) end, 'Unwritable object')
   tester:assertErrorPattern(function() torch.serialize({a = {b = coroutine.create(print)}}) end,
                             'Unwritable object <thread> at <obj>.a.b')
end

function tests.file_write_read_object_across_calls()
   for _, mode in ipairs(MODES) do
      for _, kind in ipairs{'disk', 'memory'} do
         local shared = {s = 'shared'}
         local t = torch.range(1, 4)
         local name, f = tmpname()
         if kind == 'disk' then f = torch.DiskFile(name, 'w') else f = torch.MemoryFile() end
         if mode == 'binary' then f:binary() end
         f:writeObject(shared)
         f:writeInt(42)
         f:writeObject({again = shared, t = t})
         f:writeObject(t:view(2, 2))
         f:writeObject(shared)
         local r
         if kind == 'disk' then
            f:close()
            r = torch.DiskFile(name, 'r')
            if mode == 'binary' then r:binary() end
         else
            r = f
            r:seek(1)
         end
         local a = r:readObject()
         tester:asserteq(r:readInt(), 42, 'primitives interleave with objects')
         local b = r:readObject()
         local c = r:readObject()
         local d = r:readObject()
         tester:assert(b.again == a and d == a, 'the memo persists across calls (' .. kind .. ' ' .. mode .. ')')
         c[1][1] = 99
         tester:asserteq(b.t[1], 99, 'storage shared across calls')
         if kind == 'disk' then r:close(); os.remove(name) end
      end
   end
end

function tests.storage_is_a_memoryfile_image()
   local st = torch.serializeToStorage({a = 1, t = torch.ones(3)})
   tester:asserteq(st[st:size()], 0, 'NUL-terminated like a MemoryFile storage')
   local r = torch.MemoryFile(st):binary():readObject()
   tester:asserteq(r.a, 1)
   tester:asserteq(r.t:sum(), 3)
   local mf = torch.MemoryFile():binary()
   mf:writeObject({b = 2})
   tester:asserteq(torch.deserializeFromStorage(mf:storage()).b, 2)
end

function tests.write_hook_and_pipes()
   local mf = torch.MemoryFile():binary()
   local t = torch.DoubleTensor(2):fill(1)
   mf:writeObject({a = t, b = t}, 'obj', function(o) if torch.isTensor(o) then return o:float() end end)
   mf:seek(1)
   local r = mf:readObject()
   tester:asserteq(torch.typename(r.a), 'torch.FloatTensor', 'the hook substitutes what is written')
   tester:assert(r.a == r.b, 'the memo is keyed by the original object')
   local name = tmpname()
   torch.save(name, {x = 'piped', t = torch.range(1, 3)})
   local p = torch.PipeFile('cat ' .. name, 'r'):binary()
   local back = p:readObject()
   p:close()
   os.remove(name)
   tester:asserteq(back.x, 'piped')
   tester:asserteq(back.t:sum(), 6)
end

function tests.referenced_false()
   local name = tmpname()
   local s = {1}
   torch.save(name, {a = s, b = s}, 'binary', false)
   local r = torch.load(name, 'binary', false)
   tester:assert(r.a ~= r.b and r.a[1] == 1 and r.b[1] == 1, 'no memo: copies')
   os.remove(name)
   local mf = torch.MemoryFile():binary()
   mf:referenced(false)
   local cyc = {}
   cyc.self = cyc
   tester:assertErrorPattern(function() mf:writeObject(cyc) end, 'cyclic')
end

function tests.atomic_save_keeps_the_previous_file()
   local name = tmpname()
   torch.save(name, {epoch = 1})
   tester:assertError(function() torch.save(name, {epoch = 2, bad = coroutine.create(print)}) end)
   tester:asserteq(torch.load(name).epoch, 1)
   torch.save(name, {epoch = 3}, 'ascii')
   tester:asserteq(torch.load(name, 'ascii').epoch, 3)
   os.remove(name)
end

function tests.bad_arguments_and_hostile_input()
   tester:assertErrorPattern(function() torch.save(1, {}) end, 'filename')
   tester:assertErrorPattern(function() torch.save(tmpname(), {}, 'b32') end, "'binary' or 'ascii'")
   tester:assertErrorPattern(function() torch.load(tmpname() .. '/none') end, 'cannot open')
   tester:assertErrorPattern(function() torch.load('/work/no/such/file.t7', 'hex') end, "'binary', 'ascii'")
   tester:assertErrorPattern(function() torch.deserialize('') end, 'truncated file at offset 0')
   tester:assertErrorPattern(function() torch.deserialize(string.char(42, 0, 0, 0)) end, 'unknown type tag 42')
   tester:assertErrorPattern(function() torch.deserialize('4\n1\n3\nV 1\n') end, 'ascii')
   local good = torch.serialize({a = torch.range(1, 10), b = {'x', 'y'}, c = sertest.Point(1, 2)})
   -- every truncation and a sweep of byte corruptions give Lua errors, never a crash
   for cut = 0, #good - 1, 7 do
      tester:assert(not pcall(torch.deserialize, good:sub(1, cut)), 'truncated at ' .. cut)
   end
   local n = 0
   for i = 1, #good, 3 do
      for _, b in ipairs{0, 255, 7} do
         local bad = good:sub(1, i - 1) .. string.char(b) .. good:sub(i + 1)
         local ok = pcall(torch.deserialize, bad)
         n = n + 1
      end
   end
   tester:assert(n > 100, 'mutations ran')
   -- a nil table key (valid in the format, impossible in Lua)
   local i32 = function(v) return string.char(v % 256, math.floor(v / 256) % 256, 0, 0) end
   tester:assertErrorPattern(function() torch.deserialize(i32(3) .. i32(1) .. i32(1) .. i32(0) .. i32(0)) end,
                             'nil key')
end

tester:add(tests)
return tester:run()
