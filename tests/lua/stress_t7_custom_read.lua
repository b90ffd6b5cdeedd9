-- Run in a fresh process by tests/test_t7_jit.py (not a torch.Tester file): the byte-mutation
-- sweep of a stream full of class read methods, repeated. It segfaulted (Lua heap corruption)
-- in some processes while LuaJIT's allocation sinking was on.
require 'torch'
local Seq = torch.class('sertest.Seq')
Seq.__version = 3
function Seq:write(file)
   file:writeInt(#self.items)
   for _, v in ipairs(self.items) do file:writeObject(v) end
   file:writeDouble(self.scale)
   file:writeString('END')
   file:writeLong(self.big)
   file:writeObject(self)
   file:writeFloat(self.raw)
   file:writeBool(self.flag)
end
function Seq:read(file, version)
   local n = file:readInt()
   self.items = {}
   for i = 1, n do self.items[i] = file:readObject() end
   self.scale = file:readDouble()
   self.tail = file:readString(3)
   self.big = file:readLong()
   self.me = file:readObject()
   self.raw = file:readFloat(3)
   self.flag = file:readBool()
end
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

local seq = sertest.Seq()
seq.items, seq.scale, seq.big, seq.flag = {'a', torch.range(1, 3)}, 0.25, 2 ^ 40 + 3, true
seq.raw = torch.FloatStorage({1.5, -2, 3})
local rich = torch.serialize({sertest.Bag(sertest.Bag(1, {2}), 'x'), seq})
local n = 0
for rep = 1, STRESS_REPS or 12 do
   for i = 1, #rich do
      for _, b in ipairs({0, 255, 3, 128}) do
         pcall(torch.deserialize, rich:sub(1, i - 1) .. string.char(b) .. rich:sub(i + 1))
         n = n + 1
      end
   end
   if rep % 5 == 0 then collectgarbage() end
end
print('mutations ' .. n)
