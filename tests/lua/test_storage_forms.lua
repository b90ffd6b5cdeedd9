-- torch.XStorage(size, pointer) and torch.XStorage(filename [, shared [, size]]) (memory-mapped).
require 'torch'
local tester = torch.Tester()
local tests = torch.TestSuite()

local function tmpname() return os.tmpname() end

function tests.pointer_wrapping_shares_memory()
   local a = torch.DoubleStorage({1, 2, 3, 4})
   local w = torch.DoubleStorage(4, torch.data(a, true))
   tester:asserteq(w:size(), 4)
   tester:asserteq(w[3], 3)
   w[2] = 20
   tester:asserteq(a[2], 20)
   a[4] = 40
   tester:asserteq(w[4], 40)
   -- a cdata pointer works too, and a sub-range
   local v = torch.DoubleStorage(2, torch.data(a) + 2)
   tester:asserteq(v[1], 3); tester:asserteq(v[2], 40)
   local wl = torch.LongStorage(3, torch.data(torch.LongStorage({7, 8, 9}), true))
   tester:asserteq(wl:size(), 3)
   -- the wrapped memory is not freed by the wrapper: a survives it
   w = nil; v = nil; collectgarbage(); collectgarbage()
   tester:asserteq(a[2], 20)
end

function tests.pointer_bad_args()
   tester:assertErrorPattern(function() torch.DoubleStorage(3, 'x') end, 'pointer')
   tester:assertErrorPattern(function() torch.DoubleStorage(3, 0) end, 'NULL pointer')
   tester:asserteq(torch.DoubleStorage(0, 0):size(), 0)
end

function tests.mapped_shared_persists()
   local f = tmpname()
   local s = torch.DoubleStorage(f, true, 6)
   tester:asserteq(s:size(), 6)
   for i = 1, 6 do s[i] = i * 0.5 end
   s = nil; collectgarbage(); collectgarbage()
   local r = torch.DoubleStorage(f, true)            -- size 0: whole file
   tester:asserteq(r:size(), 6)
   for i = 1, 6 do tester:asserteq(r[i], i * 0.5) end
   -- a tensor on a mapped storage writes through too
   local t = torch.DoubleTensor(r):fill(7)
   r = nil; t = nil; collectgarbage(); collectgarbage()
   local q = torch.DoubleStorage(f)
   tester:asserteq(q[6], 7)
   -- same bytes as another type
   tester:asserteq(torch.ByteStorage(f):size(), 48)
   q = nil; collectgarbage()
   os.remove(f)
end

function tests.mapped_private_leaves_file()
   local f = tmpname()
   local s = torch.LongStorage(f, true, 3)
   s[1], s[2], s[3] = 1, 2, 3
   s = nil; collectgarbage(); collectgarbage()
   local p = torch.LongStorage(f, false)
   tester:asserteq(p:size(), 3)
   p[1] = 100
   tester:asserteq(p[1], 100)
   p = nil; collectgarbage(); collectgarbage()
   local r = torch.LongStorage(f)
   tester:asserteq(r[1], 1); tester:asserteq(r[3], 3)
   tester:assertErrorPattern(function() r:resize(10) end, 'not resizable')
   r = nil; collectgarbage()
   os.remove(f)
end

function tests.mapped_errors()
   tester:assertErrorPattern(function() torch.DoubleStorage('/nonexistent/dir/file.bin') end,
                             'cannot open file')
   tester:assertErrorPattern(function() torch.DoubleStorage('/nonexistent/dir/file.bin', true, 4) end,
                             'cannot open file')
   local f = tmpname()
   local s = torch.ByteStorage(f, true, 4); s = nil; collectgarbage()
   tester:assertErrorPattern(function() torch.DoubleStorage(f, false, 10) end, 'larger than file')
   tester:assertErrorPattern(function() torch.DoubleStorage(f, 'yes') end, 'boolean')
   tester:assertErrorPattern(function() torch.DoubleStorage(f, true, -1) end, 'non%-negative')
   os.remove(f)
end

tester:add(tests)
tester:run()
