-- Run in a fresh process by tests/test_t7_jit.py (not a torch.Tester file): one value written
-- and read back through torch.File while the encoding (binary/ascii, 8/4-byte longs) changes
-- under the compiled code, so that traces leave by side exits right after the value's buffer
-- was allocated. With a buffer LuaJIT rebuilds wrongly at such an exit (a sunk VLA), values
-- came back wrong or the process segfaulted.
require 'torch'
local N = STRESS_REPS or 5000
local kinds = {'Long', 'Int', 'Double', 'Float', 'Short', 'Byte', 'Char'}
local bad, n = 0, 0
local function once(i, a, b)
   local f = torch.MemoryFile('rw')
   if i % a == 0 then f:binary() end
   if i % b < 3 then f:longSize(4) end
   local kind = kinds[i % 5 + 1]
   f['write' .. kind](f, i % 100)
   f:seek(1)
   if f['read' .. kind](f) ~= i % 100 then bad = bad + 1 end
   f:close()
   n = n + 1
end
-- separate loops: separate traces (each with its own exits)
for i = 1, N do once(i, 3, 7) end
for i = 1, N do once(i, 2, 5) end
for i = 1, N do once(i, 5, 4) end
for i = 1, N do once(i, 4, 9) end
if bad > 0 then error(string.format('%d of %d values read back wrong', bad, n)) end
print('values ' .. n)
