-- Classes with their own write/read methods, shared by test_serialize.lua and
-- stress_t7_custom_read.lua: dofile returns newSeq(items); sertest.mutationSweep() is the
-- byte-corruption sweep both run.
require 'torch'

-- classes whose write/read methods write any sequence of objects and primitives (as nn
-- modules, tds and user classes do in Torch7)
local Seq = torch.class('sertest.Seq')
Seq.__version = 3
function Seq:write(file)
   file:writeInt(#self.items)
   for _, v in ipairs(self.items) do file:writeObject(v) end
   file:writeDouble(self.scale)
   file:writeString('END')          -- raw bytes, no length: read back by count
   file:writeLong(self.big)
   file:writeObject(self)           -- itself: a back reference
   file:writeFloat(self.raw)        -- a FloatStorage, element by element
   file:writeBool(self.flag)
end
function Seq:read(file, version)
   self.version_read = version
   local n = file:readInt()
   self.items = {}
   for i = 1, n do self.items[i] = file:readObject() end
   self.scale = file:readDouble()
   self.tail = file:readString(3)
   self.big = file:readLong()
   self.me = file:readObject()
   self.raw = file:readFloat(3)
   self.flag = file:readBool()
   self.binary = file:isBinary()
end

local function newSeq(items)
   local o = sertest.Seq()
   o.items, o.scale, o.big, o.flag = items, 0.25, 2 ^ 40 + 3, true
   o.raw = torch.FloatStorage({1.5, -2, 3})
   return o
end

-- a count followed by that many nested objects
local Bag = torch.class('sertest.Bag')
function Bag:__init(...) self.n = select('#', ...); self.v = {...} end
function Bag:write(file)
   file:writeLong(self.n)
   for i = 1, self.n do file:writeObject(self.v[i]) end
end
function Bag:read(file)
   self.n = file:readLong()
   self.v = {}
   for i = 1, self.n do self.v[i] = file:readObject() end
end

-- every byte of a stream full of read methods set in turn to 0, 255, 3 and 128, each stream
-- deserialized under pcall (an error or a value, never a crash); returns (streams tried, length)
function sertest.mutationSweep()
   local rich = torch.serialize({sertest.Bag(sertest.Bag(1, {2}), 'x'), newSeq({'a', torch.range(1, 3)})})
   local n = 0
   for i = 1, #rich do
      for _, b in ipairs({0, 255, 3, 128}) do
         pcall(torch.deserialize, rich:sub(1, i - 1) .. string.char(b) .. rich:sub(i + 1))
         n = n + 1
      end
   end
   return n, #rich
end

return newSeq
