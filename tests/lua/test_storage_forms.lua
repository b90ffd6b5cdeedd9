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

-- torch.XStorage([allocator,] size | table): Torch7's allocator form
function tests.allocator_default_form()
   local a = torch.Allocator()
   tester:asserteq(torch.typename(a), 'torch.Allocator')
   local s = torch.FloatStorage(a, 5):fill(2)
   tester:asserteq(s:size(), 5)
   tester:asserteq(s[5], 2)
   local d = torch.DoubleStorage(a, {1, 2, 3})
   tester:asserteq(d[3], 3)
   d:resize(10)
   tester:asserteq(d:size(), 10)
   tester:asserteq(d[2], 2, 'resize keeps the values')
   tester:asserteq(torch.ByteStorage(a):size(), 0, 'allocator alone: empty')
end

-- a C allocator built through the FFI (Lua callbacks) receives every malloc/realloc/free
local ffi = require 'ffi'
pcall(ffi.cdef, 'void *malloc(size_t); void *realloc(void *, size_t); void free(void *);')
local function counting(with_realloc)
   local counts = {malloc = 0, realloc = 0, free = 0, ctx = 0}
   local al = ffi.new('THAllocator')
   al.malloc = function(ctx, n)
      counts.malloc = counts.malloc + 1
      if ctx ~= nil then counts.ctx = counts.ctx + 1 end
      return ffi.C.malloc(n)
   end
   if with_realloc then
      al.realloc = function(ctx, p, n) counts.realloc = counts.realloc + 1; return ffi.C.realloc(p, n) end
   end
   al.free = function(ctx, p) counts.free = counts.free + 1; ffi.C.free(p) end
   return al, counts
end

local function allocator_hooks()
   for _, with_realloc in ipairs({true, false}) do
      local al, counts = counting(with_realloc)
      local ctx = ffi.new('int[1]')
      local A = torch.Allocator(al, ctx)
      local st = torch.IntStorage(A, {4, 5, 6})
      tester:asserteq(counts.malloc, 1, 'malloc through the allocator')
      tester:asserteq(counts.ctx, 1, 'with its context')
      st:resize(100)
      tester:asserteq(st[3], 6, 'values survive a resize')
      if with_realloc then
         tester:asserteq(counts.realloc, 1, 'realloc used when given')
      else
         tester:asserteq(counts.malloc, 2, 'no realloc: malloc + copy + free')
         tester:asserteq(counts.free, 1)
      end
      local t = torch.IntTensor(st, 1, torch.LongStorage({3}))
      tester:asserteq(t:sum(), 15, 'tensors over it')
      local frees = counts.free
      st, t = nil, nil
      collectgarbage()
      collectgarbage()
      tester:asserteq(counts.free, frees + 1, 'freed through the allocator')
   end
end
jit.off(allocator_hooks, true)   -- callbacks into Lua must not come from compiled code
tests.allocator_hooks = allocator_hooks

function tests.allocator_bad_args()
   local a = torch.Allocator()
   local s = torch.FloatStorage(3)
   tester:assertErrorPattern(function() torch.FloatStorage(a, 'file.bin') end, 'not supported when using file mapping')
   tester:assertErrorPattern(function() torch.FloatStorage(a, s) end, 'not supported when using storage views')
   tester:assertErrorPattern(function() torch.FloatStorage(a, 4, 1234) end, 'not supported when using pointer')
   tester:assertErrorPattern(function() torch.FloatStorage(a, -1) end, "bad argument #2 to 'torch.FloatStorage'")
   tester:assertErrorPattern(function() torch.FloatStorage(a, {1, 'x'}) end, 'invalid element')
   tester:assertErrorPattern(function() torch.FloatStorage(a, true) end, 'size or table expected')
   tester:assertErrorPattern(function() torch.Allocator('x') end, "bad argument #1 to 'torch.Allocator'")
   tester:assertErrorPattern(function() torch.Allocator(ffi.new('THAllocator')) end, 'needs malloc and free')
   tester:assertErrorPattern(function() torch.Allocator(0) end, 'NULL allocator')
   tester:assertErrorPattern(function() torch.Allocator(nil, 5) end, 'context pointer')
end

-- a storage with views into it does not move: the views' data would dangle (it crashed)
function tests.storage_with_views_does_not_resize()
   local base = torch.FloatStorage(8):fill(1)
   local v = torch.FloatStorage(base, 3, 4)
   tester:assertErrorPattern(function() base:resize(2 ^ 20) end, 'has storage views into it')
   tester:assertErrorPattern(function() torch.FloatTensor(base):resize(2 ^ 20) end, 'has storage views into it')
   tester:asserteq(base:size(), 8)
   v:fill(5)
   tester:asserteq(base[3], 5, 'the view still writes into its base')
   v = nil
   collectgarbage()
   collectgarbage()
   base:resize(2 ^ 20)   -- once the views are gone
   tester:asserteq(base:size(), 2 ^ 20)
   tester:asserteq(base[3], 5)
end

tester:add(tests)
tester:run()
