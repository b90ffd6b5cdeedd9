-- Tensor:write/read and Storage:write/read: the payloads of Torch7's C classes (torch7-core.md
-- §3.4), on files of both modes and inside class write/read methods.
local ffi = require 'ffi'
local tester = torch.Tester()
local tests = torch.TestSuite()

local function errs(f, pat, msg)
   local ok, err = pcall(f)
   tester:assert(not ok, msg .. ': no error')
   if not ok then tester:assert(tostring(err):find(pat) ~= nil, msg .. ': got ' .. tostring(err)) end
end
local function memfile(mode)
   local f = torch.MemoryFile('rw')
   if mode == 'binary' then f:binary() end
   return f
end
local function contents(f)
   local s = f:storage()
   return ffi.string(s.__st.data, f:position() - 1)
end
local function bytes(ctype, ...)
   local vals = {...}
   local a = ffi.new(ctype .. '[?]', #vals, vals)
   return ffi.string(a, ffi.sizeof(ctype) * #vals)
end
local function str(s) return bytes('int32_t', #s) .. s end

-- the worked example of torch7-core.md §3.4: a 1-D DoubleTensor holding 1, 2, 3
function tests.tensor_payload_bytes()
   local t = torch.DoubleTensor{1, 2, 3}
   local f = memfile('binary')
   t:write(f)
   local want = bytes('int32_t', 1) .. bytes('int64_t', 3, 1, 1) .. bytes('int32_t', 4, 1) .. str('V 1')
                .. str('torch.DoubleStorage') .. bytes('int64_t', 3) .. bytes('double', 1, 2, 3)
   tester:assert(contents(f) == want, 'binary payload')
   local a = memfile('ascii')
   t:write(a)
   tester:asserteq(contents(a), '1\n3\n1\n1\n4\n1\n3\nV 1\n19\ntorch.DoubleStorage\n3\n1 2 3\n', 'ascii payload')
   -- the body torch.serialize writes after the tensor's header (where the storage is object 2)
   local s = torch.serialize(t)
   local body = want:sub(1, 32) .. bytes('int32_t', 2) .. want:sub(37)
   tester:assert(s == bytes('int32_t', 4, 1) .. str('V 1') .. str('torch.DoubleTensor') .. body,
                 'same body as torch.serialize')
end

function tests.storage_payload_round_trip()
   for _, mode in ipairs{'binary', 'ascii'} do
      for _, name in ipairs{'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double'} do
         local src = torch[name .. 'Storage']{1, 2, 3, 120}
         local f = memfile(mode)
         tester:asserteq(src:write(f), src, 'write returns the storage')
         f:seek(1)
         local dst = torch[name .. 'Storage'](7):fill(9)
         dst:read(f)
         tester:asserteq(dst:size(), 4, mode .. ' ' .. name .. ': read resizes')
         for i = 1, 4 do tester:asserteq(dst[i], src[i], mode .. ' ' .. name .. ' element ' .. i) end
      end
   end
   -- empty
   local f = memfile('binary')
   torch.FloatStorage():write(f)
   f:seek(1)
   tester:asserteq(torch.FloatStorage(3):read(f):size(), 0, 'empty storage')
end

function tests.tensor_payload_round_trip()
   for _, mode in ipairs{'binary', 'ascii'} do
      local base = torch.randn(4, 5)
      local views = {base, base:t(), base:narrow(2, 2, 3), base[3], torch.DoubleTensor(), torch.LongTensor{5, -2}}
      for k, t in ipairs(views) do
         local f = memfile(mode)
         tester:asserteq(t:write(f), t, 'write returns the tensor')
         f:seek(1)
         local r = t.new():read(f)
         tester:asserteq(r:dim(), t:dim(), mode .. ' view ' .. k .. ': dims')
         if t:dim() > 0 then
            tester:assertTensorEq(r, t, 0, mode .. ' view ' .. k)
            tester:assertTableEq(r:stride():totable(), t:stride():totable(), 'strides kept')
            tester:asserteq(r:storageOffset(), t:storageOffset(), 'offset kept')
            tester:asserteq(r:storage():size(), t:storage():size(), 'whole storage written')
         end
      end
      -- two tensors on one storage, one file: the storage is written once and shared again
      local f = memfile(mode)
      base:write(f); base[2]:write(f)
      f:seek(1)
      local a, b = torch.DoubleTensor():read(f), torch.DoubleTensor():read(f)
      b:fill(7)
      tester:assertTensorEq(a[2], torch.Tensor(5):fill(7), 0, mode .. ': storage shared after reading')
   end
end

-- a class whose write/read methods use the payload methods (as Torch7 classes could)
local Packed = torch.class('payloadtest.Packed')
function Packed:__init(w, b) self.weight, self.bias = w, b end
function Packed:write(file)
   file:writeDouble(42)
   self.weight:write(file)
   self.bias:write(file)
end
function Packed:read(file)
   self.tag = file:readDouble()
   self.weight = torch.FloatTensor():read(file)
   self.bias = torch.FloatTensor():read(file)
end

function tests.class_methods_using_payloads()
   local w = torch.FloatTensor(3, 4):uniform()
   for _, mode in ipairs{'binary', 'ascii'} do
      local r = torch.deserialize(torch.serialize(payloadtest.Packed(w, w[2]), mode), mode)
      tester:asserteq(torch.typename(r), 'payloadtest.Packed')
      tester:asserteq(r.tag, 42)
      tester:assertTensorEq(r.weight, w, 0, mode .. ': weight')
      tester:assertTensorEq(r.bias, w[2], 0, mode .. ': bias')
      r.bias:fill(-1)
      tester:assertTensorEq(r.weight[2], torch.FloatTensor(4):fill(-1), 0, mode .. ': views share their storage')
   end
   local path = os.tmpname()
   torch.save(path, {m = payloadtest.Packed(w, w[1])})
   local r = torch.load(path)
   os.remove(path)
   tester:assertTensorEq(r.m.weight, w, 0, 'through a file')
end

function tests.payload_bad_inputs()
   local t = torch.DoubleTensor{1, 2, 3}
   errs(function() t:write('f') end, "bad argument #2 to 'write' %(torch.File expected, got string%)", 'write to a string')
   errs(function() t:read({}) end, "bad argument #2 to 'read' %(torch.File expected, got table%)", 'read from a table')
   errs(function() t:storage():write(nil) end, "bad argument #2 to 'write' %(torch.File expected, got nil%)",
        'storage write to nil')
   errs(function() torch.HalfStorage(2):write(memfile('binary')) end,
        'write: torch.HalfStorage has no Torch7 file encoding', 'half storage')
   local ro = torch.MemoryFile(torch.CharStorage():string('abc\0'), 'r')
   errs(function() t:write(ro) end, 'attempt to write in a read%-only file', 'read-only file')
   -- a FloatTensor payload read into a DoubleTensor
   local f = memfile('binary')
   torch.FloatTensor{1, 2}:write(f)
   f:seek(1)
   errs(function() torch.DoubleTensor():read(f) end, 'read: a torch.DoubleTensor holds a torch.DoubleStorage, got '
        .. 'torch.FloatStorage', 'storage of another type')
   -- geometry beyond the storage: 10 elements claimed over 3
   local g = memfile('binary')
   g:writeInt(1); g:writeLong(10); g:writeLong(1); g:writeLong(1)
   g:writeObject(torch.DoubleStorage{1, 2, 3})
   g:seek(1)
   errs(function() torch.DoubleTensor():read(g) end, 'out of bounds for a storage of 3 elements', 'bad geometry')
   local h = memfile('binary')
   h:writeInt(100)
   h:seek(1)
   errs(function() torch.DoubleTensor():read(h) end, 'read: invalid number of dimensions 100', 'too many dims')
   -- truncated: a storage claiming more elements than there are
   local s = memfile('binary')
   s:writeLong(5); s:writeDouble(1); s:writeDouble(2)
   s:seek(1)
   errs(function() torch.DoubleStorage():read(s) end, 'read error: read 2 blocks instead of 5', 'truncated storage')
   s:seek(1); s:quiet()
   errs(function() torch.DoubleStorage():read(s) end, 'read: the file ends after 2 of the 5 elements',
        'truncated storage, quiet file')
   local n = memfile('binary')
   n:writeLong(-4)
   n:seek(1)
   errs(function() torch.DoubleStorage():read(n) end, 'read: invalid storage size %-4', 'negative size')
   -- a huge claimed size fails on the missing bytes, not on allocating them
   local big = memfile('binary')
   big:writeLong(2 ^ 40); big:writeDouble(1)
   big:seek(1)
   errs(function() torch.DoubleStorage():read(big) end, 'read error', 'huge size')
end

tester:add(tests)
tester:run()
