-- Run in a fresh process by tests/test_t7_jit.py (not a torch.Tester file): the byte-mutation
-- sweep of a stream full of class read methods, repeated. It segfaulted (Lua heap corruption)
-- in some processes: a one-value buffer of torch.File that LuaJIT rebuilt wrongly at a side
-- exit (a sunk VLA; see tests/test_t7_jit.py).
require 'torch'
dofile(debug.getinfo(1, 'S').source:sub(2):gsub('[^/]*$', '') .. 'serialize_classes.lua')

local n = 0
for rep = 1, STRESS_REPS or 12 do
   n = n + sertest.mutationSweep()
   if rep % 5 == 0 then collectgarbage() end
end
print('mutations ' .. n)
