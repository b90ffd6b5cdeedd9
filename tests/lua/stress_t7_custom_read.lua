-- Run in a fresh process by tests/test_t7_jit.py (not a torch.Tester file): the byte-mutation
-- sweep of a stream full of class read methods, repeated. It segfaulted (Lua heap corruption)
-- in some processes: a one-value buffer of torch.File that LuaJIT rebuilt wrongly at a side
-- exit (a sunk VLA; see tests/test_t7_jit.py).
require 'torch'
local newSeq = dofile(debug.getinfo(1, 'S').source:sub(2):gsub('[^/]*$', '') .. 'serialize_classes.lua')

local rich = torch.serialize({sertest.Bag(sertest.Bag(1, {2}), 'x'), newSeq({'a', torch.range(1, 3)})})
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
