-- torch.test([names]): Torch7's built-in test suite (test/test.lua's `torchtest`). Each test
-- checks the library against a naive Lua computation or a mathematical property (A x = b,
-- sortedness, reproducibility), in function, method and result-tensor forms; the names are
-- Torch7's, so `torch.test{'gels'}` selects as it did.
local torch = torch

local precision = 1e-8
local msize = 20

local function naivemm(a, b)
   local c = torch.zeros(a:size(1), b:size(2))
   for i = 1, a:size(1) do
      for j = 1, b:size(2) do
         local s = 0
         for k = 1, a:size(2) do s = s + a[i][k] * b[k][j] end
         c[i][j] = s
      end
   end
   return c
end

-- elementwise comparison with a Lua function over contiguous and non-contiguous input
local function unarytest(tester, fname, fn, lo, hi)
   local m = torch.rand(msize, msize) * (hi - lo) + lo
   for _, x in ipairs({m, m:t()}) do
      local ref = x:clone()
      ref:apply(fn)
      tester:assertTensorEq(torch[fname](x), ref, precision, fname .. ' function form')
      tester:assertTensorEq(x:clone()[fname](x:clone()), ref, precision, fname .. ' method form')
      local res = torch.Tensor()
      torch[fname](res, x)
      tester:assertTensorEq(res, ref, precision, fname .. ' result form')
   end
end

local function build(tester)
   local t = torch.TestSuite()

   for _, f in ipairs({{'sin', -3, 3}, {'cos', -3, 3}, {'tan', -1, 1}, {'asin', -1, 1}, {'acos', -1, 1},
                       {'atan', -5, 5}, {'sinh', -2, 2}, {'cosh', -2, 2}, {'tanh', -2, 2}, {'exp', -3, 3},
                       {'log', 0.1, 5}, {'sqrt', 0, 9}, {'floor', -5, 5}, {'ceil', -5, 5}, {'abs', -5, 5}}) do
      t[f[1]] = function() unarytest(tester, f[1], math[f[1]], f[2], f[3]) end
   end
   function t.sigmoid()
      unarytest(tester, 'sigmoid', function(v) return 1 / (1 + math.exp(-v)) end, -5, 5)
   end
   function t.dot()
      local a, b = torch.rand(100), torch.rand(100)
      local s = 0
      for i = 1, 100 do s = s + a[i] * b[i] end
      tester:assertalmosteq(torch.dot(a, b), s, 1e-10, 'dot')
      tester:assertalmosteq(a:dot(b), s, 1e-10, 'dot method')
      tester:assertalmosteq(torch.dot(a:float(), b:float()), s, 1e-3, 'float dot')
   end
   function t.max()
      local m = torch.rand(msize, msize)
      local mx, idx = torch.max(m, 2)
      for i = 1, msize do
         local best, bi = -math.huge, 0
         for j = 1, msize do if m[i][j] > best then best, bi = m[i][j], j end end
         tester:asserteq(mx[i][1], best, 'max value')
         tester:asserteq(idx[i][1], bi, 'max index (1-based)')
      end
      tester:asserteq(torch.max(m), m:view(-1):sort()[msize * msize], 'max of all')
   end
   function t.min()
      local m = torch.rand(msize, msize)
      local mn, idx = torch.min(m, 1)
      for j = 1, msize do
         local best, bi = math.huge, 0
         for i = 1, msize do if m[i][j] < best then best, bi = m[i][j], i end end
         tester:asserteq(mn[1][j], best, 'min value')
         tester:asserteq(idx[1][j], bi, 'min index (1-based)')
      end
   end
   function t.cmax()
      local a, b = torch.rand(msize, msize), torch.rand(msize, msize)
      local c = torch.cmax(a, b)
      for i = 1, msize do for j = 1, msize do
         tester:asserteq(c[i][j], math.max(a[i][j], b[i][j]), 'cmax')
      end end
      tester:assertTensorEq(torch.cmin(a, 0.5), a:clone():apply(function(v) return math.min(v, 0.5) end), 0, 'cmin scalar')
   end
   function t.mv()
      local m, v = torch.rand(msize, msize), torch.rand(msize)
      tester:assertTensorEq(torch.mv(m, v), naivemm(m, v:view(msize, 1)):view(msize), 1e-10, 'mv')
   end
   function t.mm()
      local a, b = torch.rand(msize, msize + 3), torch.rand(msize + 3, msize - 2)
      local ref = naivemm(a, b)
      tester:assertTensorEq(torch.mm(a, b), ref, 1e-10, 'mm')
      tester:assertTensorEq(torch.mm(a:t():contiguous():t(), b), ref, 1e-10, 'mm transposed input')
      local res = torch.Tensor()
      torch.mm(res, a, b)
      tester:assertTensorEq(res, ref, 1e-10, 'mm result form')
      tester:assertTensorEq(a * b, ref, 1e-10, 'matrix * matrix')
   end
   function t.bmm()
      local a, b = torch.rand(3, 4, 5), torch.rand(3, 5, 2)
      local c = torch.bmm(a, b)
      for i = 1, 3 do tester:assertTensorEq(c[i], naivemm(a[i], b[i]), 1e-10, 'bmm') end
   end
   function t.fill()
      local m = torch.Tensor(5, 6):fill(3.5)
      tester:asserteq(m:sum(), 3.5 * 30, 'fill')
      m:select(2, 2):fill(-1)
      tester:asserteq(m[4][2], -1, 'fill a view')
      tester:asserteq(m[4][3], 3.5, 'fill a view only')
   end
   function t.add()
      local a, b = torch.rand(msize, msize), torch.rand(msize, msize)
      local c = torch.add(a, b)
      local d = torch.add(a, 2, b)
      for i = 1, msize do for j = 1, msize do
         tester:assertalmosteq(c[i][j], a[i][j] + b[i][j], 1e-15, 'add')
         tester:assertalmosteq(d[i][j], a[i][j] + 2 * b[i][j], 1e-15, 'add with a scale')
      end end
      tester:assertTensorEq(a + 1, a:clone():apply(function(v) return v + 1 end), 0, 'add scalar')
   end
   function t.mul()
      local a = torch.rand(msize, msize)
      tester:assertTensorEq(torch.mul(a, 3), a:clone():apply(function(v) return v * 3 end), 0, 'mul')
      tester:assertTensorEq(torch.div(a, 4), a:clone():apply(function(v) return v / 4 end), 1e-15, 'div')
      local b = torch.rand(msize, msize) + 0.5
      local c, d = torch.cmul(a, b), torch.cdiv(a, b)
      for i = 1, msize do for j = 1, msize do
         tester:asserteq(c[i][j], a[i][j] * b[i][j], 'cmul')
         tester:assertalmosteq(d[i][j], a[i][j] / b[i][j], 1e-15, 'cdiv')
      end end
   end
   function t.clamp()
      local a = torch.randn(msize, msize)
      tester:assertTensorEq(torch.clamp(a, -0.5, 0.5), a:clone():apply(function(v) return math.min(math.max(v, -0.5), 0.5) end),
                            0, 'clamp')
   end
   function t.pow()
      local a = torch.rand(msize, msize)
      tester:assertTensorEq(torch.pow(a, 3), a:clone():apply(function(v) return v ^ 3 end), 1e-14, 'pow')
      tester:assertTensorEq(torch.pow(2, a), a:clone():apply(function(v) return 2 ^ v end), 1e-14, 'scalar ^ tensor')
   end
   function t.sum()
      local a = torch.rand(msize, msize)
      local s = a:sum(2)
      for i = 1, msize do
         local r = 0
         for j = 1, msize do r = r + a[i][j] end
         tester:assertalmosteq(s[i][1], r, 1e-12, 'sum keeps the dimension')
      end
      local p = torch.prod(torch.Tensor({{1, 2, 3}, {4, 5, 6}}), 1)
      tester:assertTensorEq(p, torch.Tensor({{4, 10, 18}}), 0, 'prod')
   end
   function t.cumsum()
      local a = torch.rand(msize, msize)
      local c = torch.cumsum(a, 2)
      for i = 1, msize do
         local r = 0
         for j = 1, msize do r = r + a[i][j]; tester:assertalmosteq(c[i][j], r, 1e-12, 'cumsum') end
      end
      tester:assertTensorEq(torch.cumprod(torch.Tensor({1, 2, 3, 4})), torch.Tensor({1, 2, 6, 24}), 0, 'cumprod')
   end
   function t.cross()
      local a, b = torch.rand(msize, 3), torch.rand(msize, 3)
      local c = torch.cross(a, b, 2)
      for i = 1, msize do
         local x, y = a[i], b[i]
         tester:assertTensorEq(c[i], torch.Tensor({x[2] * y[3] - x[3] * y[2], x[3] * y[1] - x[1] * y[3],
                                                   x[1] * y[2] - x[2] * y[1]}), 1e-14, 'cross')
      end
   end
   function t.zeros()
      tester:asserteq(torch.zeros(3, 4):sum(), 0, 'zeros')
      tester:asserteq(torch.ones(3, 4):sum(), 12, 'ones')
      tester:assertTensorEq(torch.eye(3), torch.diag(torch.ones(3)), 0, 'eye = diag(ones)')
      tester:assertTensorEq(torch.diag(torch.Tensor({{1, 2}, {3, 4}})), torch.Tensor({1, 4}), 0, 'diag of a matrix')
   end
   function t.histc()
      local x = torch.Tensor({2, 4, 2, 2, 5, 4})
      tester:assertTensorEq(torch.histc(x, 5, 1, 5), torch.Tensor({0, 3, 0, 2, 1}), 0, 'histc')
   end
   function t.bhistc()
      local x = torch.Tensor({{2, 4, 2, 2, 5, 4}, {3, 5, 1, 5, 3, 5}, {3, 4, 2, 5, 5, 1}})
      tester:assertTensorEq(torch.bhistc(x, 5, 1, 5),
                            torch.Tensor({{0, 3, 0, 2, 1}, {1, 0, 2, 0, 3}, {1, 1, 1, 1, 2}}), 0, 'bhistc')
   end
   function t.range()
      tester:assertTensorEq(torch.range(0, 1, 0.25), torch.Tensor({0, 0.25, 0.5, 0.75, 1}), 0, 'range')
      tester:assertTensorEq(torch.range(3, 1, -1), torch.Tensor({3, 2, 1}), 0, 'range negative')
      tester:asserteq(torch.range(2, 2):nElement(), 1, 'range equal bounds')
      tester:assertTensorEq(torch.linspace(0, 1, 5), torch.range(0, 1, 0.25), 1e-15, 'linspace')
   end
   function t.randperm()
      local p = torch.randperm(50)
      local seen = {}
      for i = 1, 50 do seen[p[i]] = true end
      for i = 1, 50 do tester:assert(seen[i], 'randperm holds ' .. i) end
   end
   function t.reshape()
      local a = torch.rand(4, 6)
      local r = torch.reshape(a, 3, 8)
      tester:asserteq(r:size(1), 3)
      tester:assertTensorEq(r:view(-1), a:view(-1), 0, 'reshape keeps the order')
      r[1][1] = -1
      tester:assertne(a[1][1], -1, 'reshape copies')
   end
   function t.sortAscending()
      local a = torch.rand(msize, msize)
      local s, idx = torch.sort(a, 2)
      for i = 1, msize do
         for j = 2, msize do tester:assert(s[i][j - 1] <= s[i][j], 'sorted') end
         for j = 1, msize do tester:asserteq(a[i][idx[i][j]], s[i][j], 'indices point at the values') end
      end
      local d = torch.sort(a, 2, true)
      tester:asserteq(d[1][1], s[1][msize], 'descending')
   end
   function t.topK()
      local a = torch.rand(30)
      local top = torch.topk(a, 5, 1, true, true)
      local s = torch.sort(a, 1, true)
      tester:assertTensorEq(top, s:narrow(1, 1, 5), 0, 'topk largest, sorted')
      local kv = torch.kthvalue(a, 3)
      tester:asserteq(kv[1], torch.sort(a)[3], 'kthvalue')
   end
   function t.tril()
      local a = torch.rand(5, 5)
      local l, u = torch.tril(a), torch.triu(a, 1)
      tester:assertTensorEq(l + u, a, 0, 'tril + strict triu = a')
      for i = 1, 5 do for j = i + 1, 5 do tester:asserteq(l[i][j], 0, 'tril zero above') end end
   end
   function t.cat()
      local a, b = torch.rand(3, 4), torch.rand(2, 4)
      local c = torch.cat(a, b, 1)
      tester:assertTensorEq(c:narrow(1, 1, 3), a, 0, 'cat first')
      tester:assertTensorEq(c:narrow(1, 4, 2), b, 0, 'cat second')
      tester:asserteq(torch.cat({a:t(), b:t()}):size(2), 5, 'cat of a table along the last dimension')
   end
   local function reseeded(fname)
      torch.manualSeed(123456)
      local a = torch[fname](msize, msize)
      torch.manualSeed(123456)
      tester:assertTensorEq(a, torch[fname](msize, msize), 0, 'same seed, same ' .. fname)
      return a
   end
   function t.rand()
      local a = reseeded('rand')
      tester:assert(a:min() >= 0 and a:max() < 1, 'rand in [0, 1)')
   end
   function t.randn() reseeded('randn') end
   function t.RNGState()
      local state = torch.getRNGState()
      local a = torch.randn(101)
      torch.setRNGState(state)
      tester:assertTensorEq(a, torch.randn(101), 0, 'RNG state round trip (odd count of normals)')
   end
   function t.gesv()
      local a = torch.rand(msize, msize) + torch.eye(msize) * msize
      local b = torch.rand(msize, 3)
      local x = torch.gesv(b, a)
      tester:assertTensorEq(torch.mm(a, x), b, 1e-10, 'gesv: A X = B')
   end
   function t.gels_overdetermined()
      local a = torch.Tensor({{1.44, -9.96, -7.55, 8.34, 7.08, -5.45}, {-7.84, -0.28, 3.24, 8.09, 2.52, -5.70},
                              {-4.39, -3.24, 6.27, 5.28, 0.74, -1.19}, {4.53, 3.83, -6.64, 2.06, -2.47, 4.70}}):t()
      local b = torch.Tensor({{8.58, 8.26, 8.48, -5.28, 5.72, 8.93}, {9.35, -4.43, -0.70, -0.26, -7.36, -2.52}}):t()
      local x = torch.gels(b, a)
      tester:assertalmosteq((torch.mm(a, x) - b):norm(), 17.390200628863, 1e-8, 'gels wrong answer')
   end
   function t.inverse()
      local a = torch.rand(msize, msize) + torch.eye(msize) * msize
      tester:assertTensorEq(torch.mm(a, torch.inverse(a)), torch.eye(msize), 1e-10, 'A A^-1 = I')
   end
   function t.svd()
      local a = torch.rand(8, 5)
      local u, s, v = torch.svd(a)
      tester:assertTensorEq(torch.mm(torch.mm(u, torch.diag(s)), v:t()), a, 1e-10, 'U S V^T = A')
   end
   function t.index()
      local a = torch.rand(5, 4)
      local r = a:index(1, torch.LongTensor({3, 1}))
      tester:assertTensorEq(r[1], a[3], 0, 'index')
      tester:assertTensorEq(r[2], a[1], 0, 'index')
      local g = torch.gather(a, 2, torch.LongTensor({{2}, {1}, {4}, {3}, {1}}))
      for i, j in ipairs({2, 1, 4, 3, 1}) do tester:asserteq(g[i][1], a[i][j], 'gather') end
   end
   function t.maskedSelect()
      local a = torch.range(1, 6)
      local m = torch.gt(a, 3)
      tester:assertTensorEq(a:maskedSelect(m), torch.Tensor({4, 5, 6}), 0, 'maskedSelect')
      a:maskedFill(m, 0)
      tester:assertTensorEq(a, torch.Tensor({1, 2, 3, 0, 0, 0}), 0, 'maskedFill')
   end
   function t.isTypeOfInheritance()
      local A = torch.class('torchtest.A')
      local B = torch.class('torchtest.B', 'torchtest.A')
      local b = torchtest.B()
      tester:assert(torch.isTypeOf(b, 'torchtest.A'), 'a B is an A')
      tester:assert(not torch.isTypeOf(torchtest.A(), 'torchtest.B'), 'an A is not a B')
      tester:asserteq(torch.type(nil), 'nil', 'torch.type(nil)')
      tester:asserteq(torch.type(torch.Tensor()), 'torch.DoubleTensor', 'torch.type of a tensor')
   end
   function t.view()
      local a = torch.range(1, 12)
      local v = a:view(3, -1)
      tester:asserteq(v:size(2), 4, 'view with -1')
      v[2][1] = 0
      tester:asserteq(a[5], 0, 'a view shares the storage')
      local e = torch.Tensor({1, 2, 3}):view(3, 1):expand(3, 4)
      tester:asserteq(e:stride(2), 0, 'expand has stride 0')
      tester:asserteq(#a:split(5), 3, 'split')
      tester:asserteq(#a:chunk(4), 4, 'chunk')
   end
   function t.elementSize()
      for name, n in pairs({Byte = 1, Char = 1, Short = 2, Int = 4, Long = 8, Float = 4, Double = 8}) do
         tester:asserteq(torch[name .. 'Tensor']():elementSize(), n, name .. ' element size')
         tester:asserteq(torch[name .. 'Storage']():elementSize(), n, name .. ' storage element size')
      end
   end
   function t.storageview()
      local s = torch.DoubleStorage({1, 2, 3, 4, 5})
      local v = torch.DoubleStorage(s, 2, 3)
      v[1] = 20
      tester:asserteq(s[2], 20, 'a storage view shares memory')
      tester:asserteq(v:size(), 3)
   end
   function t.serialize()
      local tab = {6, a = 42}
      local r = torch.deserialize(torch.serialize(tab))
      tester:asserteq(r[1], 6)
      tester:asserteq(r.a, 42)
      local x = torch.rand(3, 4, 5)
      tester:assertTensorEq(torch.deserialize(torch.serialize(x)), x, 0, 'tensor round trip')
      local g = torch.Generator()
      torch.manualSeed(g, 5)
      local g2 = torch.deserialize(torch.serialize(g))
      tester:asserteq(torch.random(g), torch.random(g2), 'generator round trip')
   end
   function t.nonzero()
      local nz = torch.nonzero(torch.Tensor({{0, 1}, {2, 0}}))
      tester:assertTensorEq(nz, torch.LongTensor({{1, 2}, {2, 1}}), 0, 'nonzero (1-based)')
   end
   function t.logical()
      local a = torch.Tensor({1, 5, 3})
      tester:assertTensorEq(torch.lt(a, 3), torch.ByteTensor({1, 0, 0}), 0, 'lt')
      tester:assertTensorEq(torch.ge(a, 3), torch.ByteTensor({0, 1, 1}), 0, 'ge')
      tester:assertTensorEq(torch.eq(a, 5), torch.ByteTensor({0, 1, 0}), 0, 'eq')
   end
   function t.testheaptracking()
      torch.setheaptracking(false)
      local a = torch.rand(10)
      torch.setheaptracking(true)
      tester:asserteq(a:nElement(), 10, 'heap tracking toggles')
   end
   function t.bernoulli()
      local b = torch.Tensor(1000):bernoulli(0.3)
      tester:assertTensorEq(torch.eq(b, 0) + torch.eq(b, 1), torch.ByteTensor(1000):fill(1), 0, 'binary values')
      tester:assert(math.abs(b:mean() - 0.3) < 0.1, 'mean near p')
   end
   return t
end

-- torch.test([names]): runs the suite (names: a test name/pattern or a list of them);
-- errors when a test fails, as Torch7's Tester:run
function torch.test(names)
   if names ~= nil and type(names) ~= 'string' and type(names) ~= 'table' then
      torch._argerror(1, 'test', 'test name or table of names expected, got ' .. type(names))
   end
   torch.setheaptracking(true)
   math.randomseed(os.time())
   local tester = torch.Tester()
   tester:add(build(tester))
   return tester:run(names)
end

return torch
