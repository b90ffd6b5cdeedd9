-- torch.test([names]): Torch7's built-in test suite (test/test.lua's `torchtest`). Each test
-- checks the library against a naive Lua computation or a mathematical property (A x = b,
-- sortedness, reproducibility), in function, method and result-tensor forms; the names are
-- Torch7's, so `torch.test{'gels'}` selects as it did.
local torch = torch

local precision = 1e-8
local msize = 100

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
      local a, b = torch.rand(10, 10), torch.rand(10, 5)     -- Torch7's n, m, p
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
   ---------------------------------------------------------------- ported from Torch7's test.lua
   local function maxdiff(x, y)
      local d = x - y
      if x:type() == 'torch.DoubleTensor' or x:type() == 'torch.FloatTensor' then
         return d:abs():max()
      end
      return torch.Tensor():resize(d:size()):copy(d):abs():max()
   end
   -- Torch7's template for the unary math tests: row 4 (contiguous) and column 4
   -- (non-contiguous) of a msize x msize matrix against the Lua function, max absolute error
   local function singleOpErrors(tfn, lfn, m1)
      local function maxerr(v)
         local res1 = tfn(v)
         local err = 0
         for i = 1, res1:size(1) do err = math.max(err, math.abs(res1[i] - lfn(v[i]))) end
         return err
      end
      return maxerr(m1[{4, {}}]), maxerr(m1[{{}, 4}])
   end
   local function singleOpTest(name, lfn, gen)
      t[name] = function()
         local m1 = gen and gen() or torch.rand(msize, msize)
         local maxerrc, maxerrnc = singleOpErrors(torch[name], lfn, m1)
         tester:assertlt(maxerrc, precision, 'error in torch.' .. name .. ' - contiguous')
         tester:assertlt(maxerrnc, precision, 'error in torch.' .. name .. ' - non-contiguous')
      end
   end
   local function trunc(x) return x >= 0 and math.floor(x) or math.ceil(x) end
   singleOpTest('rsqrt', function(x) return 1 / math.sqrt(x) end)
   singleOpTest('frac', function(x) return x - trunc(x) end, function() return torch.randn(msize, msize) * 5 end)
   singleOpTest('trunc', trunc, function() return torch.randn(msize, msize) * 5 end)
   singleOpTest('round', function(x) return x >= 0 and math.floor(x + 0.5) or math.ceil(x - 0.5) end,
                function() return torch.randn(msize, msize) * 5 end)

   function t.sin_2()
      local x = torch.rand(msize, msize, msize)
      local mx = torch.sin(x)
      local mxx = torch.Tensor()
      torch.sin(mxx, x)
      tester:asserteq(maxdiff(mx, mxx), 0, 'torch.sin value')
   end

   function t.cmin()
      local a, b = torch.rand(msize, msize), torch.rand(msize, msize)
      local c = torch.cmin(a, b)
      local expected_c = torch.zeros(msize, msize)
      expected_c:map2(a, b, function(_, a, b) return math.min(a, b) end)
      tester:assertTensorEq(expected_c, c, 0, 'error in torch.cmin(tensor, tensor)')
      local v = torch.uniform()
      c = torch.cmin(a, v)
      expected_c:map(a, function(_, a) return math.min(a, v) end)
      tester:assertTensorEq(expected_c, c, 0, 'error in torch.cmin(tensor, scalar).')
   end

   function t.lerp()
      local function TH_lerp(a, b, weight) return a + weight * (b - a) end
      local a, b = torch.rand(msize, msize), torch.rand(msize, msize)
      local w = math.random()
      local result = torch.lerp(a, b, w)
      local expected = a.new():resizeAs(a)
      expected:map2(a, b, function(_, a, b) return TH_lerp(a, b, w) end)
      tester:assertTensorEq(expected, result, precision, 'error in torch.lerp(tensor, tensor, weight)')
      local result2 = torch.Tensor()
      torch.lerp(result2, a, b, w)
      tester:assertTensorEq(expected, result2, precision, 'error in torch.lerp(result, tensor, tensor, weight)')
   end

   for i, v in ipairs({{10}, {5, 5}}) do
      t['allAndAny' .. i] = function()
         local x = torch.ones(unpack(v)):byte()
         tester:assert(x:all(), 'error in all()')
         tester:assert(x:any(), 'error in any()')
         x[3] = 0
         tester:assert(not x:all(), 'error in all()')
         tester:assert(x:any(), 'error in any()')
         x:zero()
         tester:assert(not x:all(), 'error in all()')
         tester:assert(not x:any(), 'error in any()')
         x:fill(2)
         tester:assert(x:all(), 'error in all()')
         tester:assert(x:any(), 'error in any()')
      end
   end

   function t.csub()
      local rngState = torch.getRNGState()
      torch.manualSeed(123)
      local a = torch.randn(100, 90)
      local b = a:clone():normal()
      local res_add = torch.add(a, -1, b)
      local res_csub = a:clone()
      res_csub:csub(b)
      tester:assertlt((res_add - res_csub):abs():max(), 0.00001)
      torch.setRNGState(rngState)
   end
   function t.csub_scalar()
      local rngState = torch.getRNGState()
      torch.manualSeed(123)
      local a = torch.randn(100, 100)
      local scalar = 123.5
      local res_add = torch.add(a, -scalar)
      local res_csub = a:clone()
      res_csub:csub(scalar)
      tester:assertlt((res_add - res_csub):abs():max(), 0.00001)
      torch.setRNGState(rngState)
   end
   function t.neg()
      local a = torch.randn(100, 90)
      local zeros = torch.Tensor():resizeAs(a):zero()
      local res_add = torch.add(zeros, -1, a)
      local res_neg = a:clone()
      res_neg:neg()
      tester:assertlt((res_add - res_neg):abs():max(), 0.00001)
   end
   function t.cinv()
      local a = torch.randn(100, 89)
      local res_pow = torch.pow(a, -1)
      local res_inv = a:clone()
      res_inv:cinv()
      tester:assertlt((res_pow - res_inv):abs():max(), 0.00001)
   end

   -- Torch7's column tests: an op applied to column 3 in place against a Lua loop
   local function columnTest(m1, op, ref, what)
      local res1 = m1:clone()
      op(res1[{{}, 3}])
      local res2 = m1:clone()
      for i = 1, m1:size(1) do res2[{i, 3}] = ref(res2[{i, 3}], i, res2) end
      tester:assertlt(maxdiff(res1, res2), precision, 'error in torch.' .. what)
   end
   function t.div()
      columnTest(torch.randn(10, 10), function(c) c:div(2) end, function(v) return v / 2 end, 'div - scalar divide')
   end
   function t.lshift()
      local q = 2
      local f = math.pow(2, q)
      columnTest(torch.LongTensor(10, 10):random(0, 100), function(c) c:lshift(q) end,
                 function(v) return v * f end, 'lshift')
      columnTest(torch.Tensor(10, 10):random(0, 100), function(c) c:lshift(q) end,
                 function(v) return v * f end, 'lshift (double)')
   end
   function t.rshift()
      local q = 2
      local f = math.pow(2, q)
      columnTest(torch.LongTensor(10, 10):random(0, 100), function(c) c:rshift(q) end,
                 function(v) return math.floor(v / f) end, 'rshift')
      -- floating-point tensors divide (TH's rshift for float/double), no flooring
      columnTest(torch.Tensor(10, 10):random(0, 100), function(c) c:rshift(q) end,
                 function(v) return v / f end, 'rshift (double)')
   end
   function t.fmod()
      local q = 2.1
      columnTest(torch.Tensor(10, 10):uniform(-10, 10), function(c) c:fmod(q) end,
                 function(v) return math.fmod(v, q) end, 'fmod')
   end
   function t.remainder()
      local q = 2.1
      columnTest(torch.Tensor(10, 10):uniform(-10, 10), function(c) c:remainder(q) end,
                 function(v) return v % q end, 'remainder')
   end
   function t.bitand()
      local val = 32
      columnTest(torch.LongTensor(10, 10):random(0, 100), function(c) c:bitand(val - 1) end,
                 function(v) return v % val end, 'bitand')
   end
   function t.bitor()
      local val = 32
      columnTest(torch.LongTensor(10, 10):random(0, 100), function(c) c:bitor(val - 1) end,
                 function(v) return math.floor(v / val) * val + (val - 1) end, 'bitor')
   end
   function t.cbitxor()
      local t1 = torch.LongTensor(10, 10):random(0, 10000)
      local t2 = torch.LongTensor(10, 10):random(10001, 20000)
      -- xor swap
      local t3 = torch.cbitxor(t1, t2)
      local r1 = torch.cbitxor(t3, t2)
      local r2 = torch.cbitxor(t3, t1)
      local err1 = (r1 - t1):abs():max()
      local err2 = (r2 - t2):abs():max()
      tester:assertlt(err1 + err2, precision, 'error in torch.cbitxor contiguous')
   end
   function t.cmul()
      columnTest(torch.randn(10, 10), function(c) c:cmul(c:clone():fill(2)) end,
                 function(v) return v * 2 end, 'cmul')
      local m1 = torch.randn(10, 10)
      local res1 = m1:clone()
      res1[{{}, 3}]:cmul(m1[{{}, 4}])
      local res2 = m1:clone()
      for i = 1, m1:size(1) do res2[{i, 3}] = res2[{i, 3}] * res2[{i, 4}] end
      tester:assertlt(maxdiff(res1, res2), precision, 'error in torch.cmul - non-contiguous operand')
   end
   local function columnBinary(name, m1, m2, ref)
      t[name] = function()
         local a = m1()
         local res1 = a:clone()
         local other = m2 and m2() or a[{{}, 4}]
         res1[{{}, 3}][name](res1[{{}, 3}], other)
         local res2 = a:clone()
         for i = 1, a:size(1) do res2[{i, 3}] = ref(res2[{i, 3}], m2 and other[i] or res2[{i, 4}]) end
         tester:assertlt(maxdiff(res1, res2), precision, 'error in torch.' .. name)
      end
   end
   columnBinary('cpow', function() return torch.rand(10, 10) end, nil, function(a, b) return math.pow(a, b) end)
   columnBinary('cdiv', function() return torch.randn(10, 10) end, nil, function(a, b) return a / b end)
   columnBinary('cfmod', function() return torch.Tensor(10, 10):uniform(-10, 10) end,
                function() return torch.Tensor(10):uniform(-3, 3) end, function(a, b) return math.fmod(a, b) end)
   columnBinary('cremainder', function() return torch.Tensor(10, 10):uniform(-10, 10) end,
                function() return torch.Tensor(10):uniform(-3, 3) end, function(a, b) return a % b end)

   function t.addbmm()
      local num_batches = 10
      local M, N, O = 12, 8, 5
      local b1 = torch.randn(num_batches, M, N)
      local b2 = torch.randn(num_batches, N, O)
      local res = torch.bmm(b1, b2)
      local res2 = torch.Tensor():resizeAs(res[1]):zero()
      res2:addbmm(b1, b2)
      tester:assertTensorEq(res2, res:sum(1)[1], precision, 'addbmm result wrong')
      res2:addbmm(1, b1, b2)
      tester:assertTensorEq(res2, res:sum(1)[1] * 2, precision, 'addbmm result wrong')
      res2:addbmm(1, res2, .5, b1, b2)
      tester:assertTensorEq(res2, res:sum(1)[1] * 2.5, precision, 'addbmm result wrong')
      local res3 = torch.addbmm(1, res2, 0, b1, b2)
      tester:assertTensorEq(res3, res2, precision, 'addbmm result wrong')
      local res4 = torch.addbmm(1, res2, .5, b1, b2)
      tester:assertTensorEq(res4, res:sum(1)[1] * 3, precision, 'addbmm result wrong')
      local res5 = torch.addbmm(0, res2, 1, b1, b2)
      tester:assertTensorEq(res5, res:sum(1)[1], precision, 'addbmm result wrong')
      local res6 = torch.addbmm(.1, res2, .5, b1, b2)
      tester:assertTensorEq(res6, res2 * .1 + res:sum(1)[1] * .5, precision, 'addbmm result wrong')
   end
   function t.baddbmm()
      local num_batches = 10
      local M, N, O = 12, 8, 5
      local b1 = torch.randn(num_batches, M, N)
      local b2 = torch.randn(num_batches, N, O)
      local res = torch.bmm(b1, b2)
      local res2 = torch.Tensor():resizeAs(res):zero()
      res2:baddbmm(b1, b2)
      tester:assertTensorEq(res2, res, precision, 'baddbmm result wrong')
      res2:baddbmm(1, b1, b2)
      tester:assertTensorEq(res2, res * 2, precision, 'baddbmm result wrong')
      res2:baddbmm(1, res2, .5, b1, b2)
      tester:assertTensorEq(res2, res * 2.5, precision, 'baddbmm result wrong')
      local res3 = torch.baddbmm(1, res2, 0, b1, b2)
      tester:assertTensorEq(res3, res2, precision, 'baddbmm result wrong')
      local res4 = torch.baddbmm(1, res2, .5, b1, b2)
      tester:assertTensorEq(res4, res * 3, precision, 'baddbmm result wrong')
      local res5 = torch.baddbmm(0, res2, 1, b1, b2)
      tester:assertTensorEq(res5, res, precision, 'baddbmm result wrong')
      local res6 = torch.baddbmm(.1, res2, .5, b1, b2)
      tester:assertTensorEq(res6, res2 * .1 + res * .5, precision, 'baddbmm result wrong')
   end

   -- Torch7's result-form tests: torch.f(args) and torch.f(res, args) agree exactly
   local function resultForm(name, fname, mk)
      t[name] = function()
         local args = {mk()}
         local mx = torch[fname](unpack(args))
         local mxx = torch.Tensor()
         torch[fname](mxx, unpack(args))
         tester:asserteq(maxdiff(mx, mxx), 0, 'torch.' .. fname .. ' value')
      end
   end
   resultForm('prod', 'prod', function() return torch.rand(msize, msize), 2 end)
   resultForm('cumprod', 'cumprod', function() return torch.rand(msize, msize), 2 end)
   resultForm('ones', 'ones', function() return msize, msize end)
   resultForm('diag', 'diag', function() return torch.rand(msize, msize) end)
   resultForm('eye', 'eye', function() return msize, msize end)
   resultForm('triu', 'triu', function() return torch.rand(msize, msize) end)

   function t.renorm()
      local m1 = torch.randn(10, 5)
      local m2
      local function renorm(matrix, value, dim, max_norm)
         local m1 = matrix:transpose(dim, 1):contiguous()
         -- collapse non-dim dimensions
         m2 = m1:reshape(m1:size(1), m1:nElement() / m1:size(1))
         local norms = m2:norm(value, 2)
         -- clip
         local new_norms = norms:clone()
         new_norms[torch.gt(norms, max_norm)] = max_norm
         new_norms:cdiv(norms:add(1e-7))
         -- renormalize
         m1:cmul(new_norms:expandAs(m1))
         return m1:transpose(dim, 1)
      end
      -- note that the axis fed to torch.renorm is different (2~=1)
      local maxnorm = m1:norm(2, 1):mean()
      m2 = renorm(m1, 2, 2, maxnorm)
      m1:renorm(2, 2, maxnorm)
      tester:assertTensorEq(m1, m2, 0.00001, 'error in renorm')
      tester:assertTensorEq(m1:norm(2, 1), m2:norm(2, 1), 0.00001, 'error in renorm')
      m1 = torch.randn(3, 4, 5)
      m2 = m1:transpose(2, 3):contiguous():clone():resize(15, 4)
      maxnorm = m2:norm(2, 1):mean()
      m2 = renorm(m2, 2, 2, maxnorm)
      m1:renorm(2, 2, maxnorm)
      local m3 = m1:transpose(2, 3):contiguous():clone():resize(15, 4)
      tester:assertTensorEq(m3, m2, 0.00001, 'error in renorm')
      tester:assertTensorEq(m3:norm(2, 1), m2:norm(2, 1), 0.00001, 'error in renorm')
   end

   local function multinomialRows(replacement)
      local n_row = 3
      for n_col = 4, 5 do
         torch.manualSeed(os.time())
         local prob_dist = torch.rand(n_row, n_col)
         prob_dist:select(2, n_col):fill(0)   -- index n_col shouldn't be sampled
         local n_sample = replacement and n_col or n_col - 1
         local sample_indices = torch.multinomial(prob_dist, n_sample, replacement)
         tester:assert(prob_dist:dim() == 2, 'wrong number of prob_dist dimensions')
         tester:assert(sample_indices:size(2) == n_sample, 'wrong number of samples')
         for i = 1, n_row do
            local row_samples = {}
            for j = 1, n_sample do
               local sample_idx = sample_indices[{i, j}]
               tester:assertne(sample_idx, n_col, 'sampled an index with zero probability')
               if not replacement then
                  tester:assert(not row_samples[sample_idx], 'sampled an index twice')
                  row_samples[sample_idx] = true
               end
            end
         end
      end
   end
   function t.multinomialwithreplacement() multinomialRows(true) end
   function t.multinomialwithoutreplacement() multinomialRows(false) end
   function t.aliasMultinomial()
      for _ = 1, 5 do
         local n_class = 5
         torch.manualSeed(os.time())
         local probs = torch.Tensor(n_class):uniform(0, 1)
         probs:div(probs:sum())
         local output = torch.LongTensor(1000, 10000)
         local n_samples = output:nElement()
         local prob_state = torch.multinomialAliasSetup(probs)
         tester:assert(prob_state[1]:min() > 0, 'alias indices has an index below or equal to 0')
         tester:assert(prob_state[1]:max() <= n_class, 'alias indices has an index exceeding num_class')
         prob_state = torch.multinomialAliasSetup(probs, prob_state)
         tester:assert(prob_state[1]:min() > 0, 'alias indices has an index below or equal to 0 (reused state)')
         tester:assert(prob_state[1]:max() <= n_class, 'alias indices has an index exceeding num_class (reused state)')
         output = torch.LongTensor(n_samples)
         output = torch.multinomialAlias(output, prob_state)
         tester:assert(output:nElement() == n_samples, 'wrong number of samples')
         tester:assert(output:min() > 0, 'sampled indices has an index below or equal to 0')
         tester:assert(output:max() <= n_class, 'indices has an index exceeding num_class')
      end
   end
   function t.multinomialvector()
      local n_col = 4
      torch.manualSeed(os.time())
      local prob_dist = torch.rand(n_col)
      local n_sample = n_col
      local sample_indices = torch.multinomial(prob_dist, n_sample, true)
      local s_dim = sample_indices:dim()
      tester:assert(s_dim == 1, 'wrong number of returned dimensions: ' .. s_dim)
      tester:assert(prob_dist:dim() == 1, 'wrong number of prob_dist dimensions')
      tester:assert(sample_indices:size(1) == n_sample, 'wrong number of samples')
   end

   function t.rangenegative()
      local mx = torch.Tensor({1, 0})
      local mxx = torch.Tensor()
      torch.range(mxx, 1, 0, -1)
      tester:asserteq(maxdiff(mx, mxx), 0, 'torch.range value for negative step')
   end
   function t.rangeequalbounds()
      local mx = torch.Tensor({1})
      local mxx = torch.Tensor()
      torch.range(mxx, 1, 1, -1)
      tester:asserteq(maxdiff(mx, mxx), 0, 'torch.range value for equal bounds step')
      torch.range(mxx, 1, 1, 1)
      tester:asserteq(maxdiff(mx, mxx), 0, 'torch.range value for equal bounds step')
   end
   -- {from, to, step, expected size} rows of Tensor:range in one type
   local function rangeSizes(tname, cases)
      return function()
         for _, c in ipairs(cases) do
            local mx = torch[tname]():range(c[1], c[2], c[3])
            tester:asserteq(mx:size(1), c[4], 'wrong size for ' .. tname .. ' range')
         end
      end
   end
   t.rangefloat = rangeSizes('FloatTensor', {{0.6, 0.9, 0.1, 4}, {1, 10, 0.3, 31}})
   t.rangedouble = rangeSizes('DoubleTensor', {{0.6, 0.9, 0.1, 4}, {1, 1e6, 1, 1e6}})

   -- sorted along the last dimension in `order`, and the indices point at the values
   local function assertIsOrdered(order, x, mxx, ixx, task)
      local areOrdered = order == 'descending' and function(a, b) return a >= b end
                                               or function(a, b) return a <= b end
      local decreasing = true
      for j = 1, msize do
         for k = 2, msize do decreasing = decreasing and areOrdered(mxx[j][k - 1], mxx[j][k]) end
      end
      tester:assert(decreasing, 'torch.sort (' .. order .. ') values unordered for ' .. task)
      local seen = torch.ByteTensor(msize)
      local indicesCorrect = true
      for k = 1, msize do
         seen:zero()
         for j = 1, msize do
            indicesCorrect = indicesCorrect and (x[k][ixx[k][j]] == mxx[k][j])
            seen[ixx[k][j]] = 1
         end
         indicesCorrect = indicesCorrect and (torch.sum(seen) == msize)
      end
      tester:assert(indicesCorrect, 'torch.sort (' .. order .. ') indices wrong for ' .. task)
   end
   function t.sortDescending()
      local x = torch.rand(msize, msize)
      local mx, ix = torch.sort(x, true)
      local res2val, res2ind = torch.Tensor(), torch.LongTensor()
      torch.sort(res2val, res2ind, x, true)
      tester:assertTensorEq(res2val, mx, 0, 'torch.sort (DESC) value')
      tester:assertTensorEq(res2ind, ix, 0, 'torch.sort (DESC) index')
      assertIsOrdered('descending', x, mx, ix, 'random')
      tester:assertTensorEq(torch.sort(torch.Tensor{10, 20, 30, 40, 50}, 1, true),
                            torch.Tensor{50, 40, 30, 20, 10}, 0, 'torch.sort (DESC) simple sort')
      -- still sorted with duplicate keys
      x = torch.floor(torch.rand(msize, msize) * 10)
      torch.sort(res2val, res2ind, x, true)
      assertIsOrdered('descending', x, res2val, res2ind, 'random with duplicate keys')
   end

   function t.kthvalue()
      local x = torch.rand(msize, msize, msize)
      local x0 = x:clone()
      do
         local k = math.random(1, msize)
         local mx, ix = torch.kthvalue(x, k)
         local mxx, ixx = torch.sort(x)
         tester:assertTensorEq(mxx:select(3, k), mx:select(3, 1), 0, 'torch.kthvalue value')
         tester:assertTensorEq(ixx:select(3, k), ix:select(3, 1), 0, 'torch.kthvalue index')
      end
      do -- result tensors
         local k = math.random(1, msize)
         local mx, ix = torch.Tensor(), torch.LongTensor()
         torch.kthvalue(mx, ix, x, k)
         local mxx, ixx = torch.sort(x)
         tester:assertTensorEq(mxx:select(3, k), mx:select(3, 1), 0, 'torch.kthvalue value')
         tester:assertTensorEq(ixx:select(3, k), ix:select(3, 1), 0, 'torch.kthvalue index')
      end
      do -- non-default dim
         local k = math.random(1, msize)
         local mx, ix = torch.kthvalue(x, k, 1)
         local mxx, ixx = torch.sort(x, 1)
         tester:assertTensorEq(mxx:select(1, k), mx[1], 0, 'torch.kthvalue value')
         tester:assertTensorEq(ixx:select(1, k), ix[1], 0, 'torch.kthvalue index')
      end
      do -- non-contiguous
         local y = x:narrow(2, 1, 1)
         local y0 = y:clone()
         local k = math.random(1, msize)
         local my, ix = torch.kthvalue(y, k)
         local my0, ix0 = torch.kthvalue(y0, k)
         tester:assertTensorEq(my, my0, 0, 'torch.kthvalue value')
         tester:assertTensorEq(ix, ix0, 0, 'torch.kthvalue index')
      end
      tester:assertTensorEq(x, x0, 0, 'torch.kthvalue modified input')
      -- simple test case (with repetitions)
      local y = torch.Tensor{3, 5, 4, 1, 1, 5}
      tester:assertTensorEq(torch.kthvalue(y, 3), torch.Tensor{3}, 1e-16, 'torch.kthvalue simple')
      tester:assertTensorEq(torch.kthvalue(y, 2), torch.Tensor{1}, 1e-16, 'torch.kthvalue simple')
   end

   function t.median()
      for _, msize in ipairs({155, 156}) do
         local x = torch.rand(msize, msize)
         local x0 = x:clone()
         local mx, ix = torch.median(x)
         local mxx, ixx = torch.sort(x)
         local ind = math.floor((msize + 1) / 2)
         tester:assertTensorEq(mxx:select(2, ind), mx:select(2, 1), 0, 'torch.median value')
         tester:assertTensorEq(ixx:select(2, ind), ix:select(2, 1), 0, 'torch.median index')
         local mr, ir = torch.Tensor(), torch.LongTensor()
         torch.median(mr, ir, x)
         tester:assertTensorEq(mr, mx, 0, 'torch.median result tensor value')
         tester:assertTensorEq(ir, ix, 0, 'torch.median result tensor index')
         mx, ix = torch.median(x, 1)
         mxx, ixx = torch.sort(x, 1)
         tester:assertTensorEq(mxx:select(1, ind), mx[1], 0, 'torch.median value')
         tester:assertTensorEq(ixx:select(1, ind), ix[1], 0, 'torch.median index')
         tester:assertTensorEq(x, x0, 0, 'torch.median modified input')
      end
   end

   function t.mode()
      local x = torch.range(1, msize * msize):reshape(msize, msize)
      x:select(1, 1):fill(1)
      x:select(1, 2):fill(1)
      x:select(2, 1):fill(1)
      x:select(2, 2):fill(1)
      local x0 = x:clone()
      local res = torch.Tensor(msize):fill(1)
      -- the indices are the position of the last appearance of the mode element
      local resix = torch.LongTensor(msize):fill(2)
      resix[1] = msize
      resix[2] = msize
      local mx, ix = torch.mode(x)
      tester:assertTensorEq(res:view(msize, 1), mx, 0, 'torch.mode value')
      tester:assertTensorEq(resix:view(msize, 1), ix, 0, 'torch.mode index')
      local mr, ir = torch.Tensor(), torch.LongTensor()
      torch.mode(mr, ir, x)
      tester:assertTensorEq(mr, mx, 0, 'torch.mode result tensor value')
      tester:assertTensorEq(ir, ix, 0, 'torch.mode result tensor index')
      mx, ix = torch.mode(x, 1)
      tester:assertTensorEq(res:view(1, msize), mx, 0, 'torch.mode value')
      tester:assertTensorEq(resix:view(1, msize), ix, 0, 'torch.mode index')
      local input = torch.Tensor({{1, 2, 2, 2, 3, 2}, {1.5, 2, 2, 1.5, 1.5, 5}})
      local value = torch.mode(input)
      tester:assertTensorEq(value, torch.Tensor({{2}, {1.5}}), 0, 'torch.mode value')
      tester:assertTensorEq(x, x0, 0, 'torch.mode modified input')
   end

   function t.catArray()
      for dim = 1, 3 do
         local x = torch.rand(13, msize, msize):transpose(1, dim)
         local y = torch.rand(17, msize, msize):transpose(1, dim)
         local z = torch.rand(19, msize, msize):transpose(1, dim)
         local mx = torch.cat({x, y, z}, dim)
         tester:assertTensorEq(mx:narrow(dim, 1, 13), x, 0, 'torch.cat value')
         tester:assertTensorEq(mx:narrow(dim, 14, 17), y, 0, 'torch.cat value')
         tester:assertTensorEq(mx:narrow(dim, 31, 19), z, 0, 'torch.cat value')
         tester:assertError(function() torch.cat{} end, 'torch.cat empty table')
         local mxx = torch.Tensor()
         torch.cat(mxx, {x, y, z}, dim)
         tester:assertTensorEq(mx, mxx, 0, 'torch.cat value')
         local mxf = torch.FloatTensor()
         torch.cat(mxf, {x:float(), y:float(), z:float()}, dim)
         tester:assertTensorEq(mx:float(), mxf, 0, 'torch.cat value')
      end
      local x, y = torch.rand(1, 2, 3), torch.Tensor()
      local mx = torch.cat({x, y}, 1)
      tester:asserteq(mx:size(1), 1, 'torch.cat size')
      tester:asserteq(mx:size(2), 2, 'torch.cat size')
      tester:asserteq(mx:size(3), 3, 'torch.cat size')
      tester:assertTensorEq(mx, x, 0, 'torch.cat value')
      x, y = torch.Tensor(), torch.rand(1, 2, 3)
      mx = torch.cat({x, y}, 1)
      tester:asserteq(mx:size(1), 1, 'torch.cat size')
      tester:asserteq(mx:size(2), 2, 'torch.cat size')
      tester:asserteq(mx:size(3), 3, 'torch.cat size')
      tester:assertTensorEq(mx, y, 0, 'torch.cat value')
      mx = torch.cat({torch.Tensor(), torch.Tensor()}, 1)
      tester:asserteq(mx:dim(), 0, 'torch.cat dim')
   end
   function t.catNoDim()
      local a, b = torch.rand(msize), torch.rand(msize)
      local c = torch.cat(a, b)
      tester:assertTensorEq(c:narrow(1, 1, msize), a, 0, 'torch.cat value')
      tester:assertTensorEq(c:narrow(1, msize + 1, msize), b, 0, 'torch.cat value')
      for _, rows in ipairs({1, 10}) do
         a, b = torch.rand(rows, msize), torch.rand(rows, msize)
         c = torch.cat(a, b)
         tester:assertTensorEq(c:narrow(2, 1, msize), a, 0, 'torch.cat value')
         tester:assertTensorEq(c:narrow(2, msize + 1, msize), b, 0, 'torch.cat value')
      end
   end

   local function spaceTest(fname, zeroPoint, descending, noncontig)
      return function()
         local from = math.random()
         local to = from + math.random()
         local mx = torch[fname](from, to, 137)
         local mxx = torch.Tensor()
         torch[fname](mxx, from, to, 137)
         tester:asserteq(maxdiff(mx, mxx), 0, 'torch.' .. fname .. ' value')
         tester:assertError(function() torch[fname](0, 1, 1) end, 'accepted 1 point between 2 distinct endpoints')
         tester:assertTensorEq(torch[fname](0, 0, 1), zeroPoint, 1e-16, 'failed to generate for torch.' .. fname .. '(0,0,1)')
         tester:assertTensorEq(descending[1], descending[2], 1e-16, 'failed to generate with start > end')
         local x = torch.zeros(2, 3)
         torch[fname](x:narrow(2, 2, 2), 0, 3, 4)
         tester:assertTensorEq(x, noncontig, 1e-16, 'non contiguous ' .. fname)
      end
   end
   t.linspace = function()
      spaceTest('linspace', torch.zeros(1), {torch.linspace(2, 0, 3), torch.Tensor{2, 1, 0}},
                torch.Tensor{{0, 0, 1}, {0, 2, 3}})()
   end
   t.logspace = function()
      spaceTest('logspace', torch.ones(1), {torch.logspace(1, 0, 2), torch.Tensor{10, 1}},
                torch.Tensor{{0, 1, 10}, {0, 100, 1000}})()
   end

   ---------------------------------------------------------------- LAPACK
   local function gesvData()
      local a = torch.Tensor({{6.80, -2.11, 5.66, 5.97, 8.23},
                              {-6.05, -3.30, 5.36, -4.44, 1.08},
                              {-0.45, 2.58, -2.70, 0.27, 9.04},
                              {8.32, 2.71, 4.35, -7.17, 2.14},
                              {-9.67, -5.14, -7.26, 6.08, -6.87}}):t()
      local b = torch.Tensor({{4.02, 6.19, -8.22, -7.57, -3.03},
                              {-1.56, 4.00, -8.67, 1.75, 2.86},
                              {9.81, -4.09, -4.57, -8.61, 8.99}}):t()
      return a, b
   end
   -- result tensors given, then given again (now holding a result): the same solution
   local function reuseTest(fname)
      return function()
         local a, b = gesvData()
         local mx = torch[fname](b, a)
         local ma, mb = torch.Tensor(), torch.Tensor()
         torch[fname](mb, ma, b, a)
         tester:asserteq(maxdiff(mx, mb), 0, 'torch.' .. fname .. ' value temp')
         torch[fname](mb, ma, b, a)
         tester:asserteq(maxdiff(mx, mb), 0, 'torch.' .. fname .. ' value reuse')
      end
   end
   t.gesv_reuse = reuseTest('gesv')
   t.trtrs_reuse = reuseTest('trtrs')
   function t.trtrs()
      local a, b = gesvData()
      local U, L = torch.triu(a), torch.tril(a)
      -- Ux = b
      local x = torch.trtrs(b, U)
      tester:assertlt(b:dist(U * x), 1e-12, 'torch.trtrs')
      x = torch.trtrs(b, U, 'U', 'N', 'N')
      tester:assertlt(b:dist(U * x), 1e-12, 'torch.trtrs')
      -- Lx = b
      x = torch.trtrs(b, L, 'L')
      tester:assertlt(b:dist(L * x), 1e-12, 'torch.trtrs')
      x = torch.trtrs(b, L, 'L', 'N', 'N')
      tester:assertlt(b:dist(L * x), 1e-12, 'torch.trtrs')
      -- U'x = b
      x = torch.trtrs(b, U, 'U', 'T')
      tester:assertlt(b:dist(U:t() * x), 1e-12, 'torch.trtrs')
      x = torch.trtrs(b, U, 'U', 'T', 'N')
      tester:assertlt(b:dist(U:t() * x), 1e-12, 'torch.trtrs')
      -- U'x = b by manual transposition
      local y = torch.trtrs(b, U:t(), 'L', 'N')
      tester:assertlt(x:dist(y), 1e-12, 'torch.trtrs')
      -- L'x = b
      x = torch.trtrs(b, L, 'L', 'T')
      tester:assertlt(b:dist(L:t() * x), 1e-12, 'torch.trtrs')
      x = torch.trtrs(b, L, 'L', 'T', 'N')
      tester:assertlt(b:dist(L:t() * x), 1e-12, 'torch.trtrs')
      -- L'x = b by manual transposition
      y = torch.trtrs(b, L:t(), 'U', 'N')
      tester:assertlt(x:dist(y), 1e-12, 'torch.trtrs')
   end

   local function gelsCheck(a, b, x, expectedNorm)
      local n = a:size(2)
      local actualNorm = (torch.mm(a, x:narrow(1, 1, n)) - b):norm()
      tester:assertalmosteq(actualNorm, expectedNorm, 1e-8, 'torch.gels wrong answer')
   end
   local function gelsSquare()
      local a = torch.Tensor({{1.44, -9.96, -7.55, 8.34},
                              {-7.84, -0.28, 3.24, 8.09},
                              {-4.39, -3.24, 6.27, 5.28},
                              {4.53, 3.83, -6.64, 2.06}}):t()
      local b = torch.Tensor({{8.58, 8.26, 8.48, -5.28},
                              {9.35, -4.43, -0.70, -0.26}}):t()
      return a, b
   end
   local function gelsAllForms(a, b, expectedNorm)
      local a_copy, b_copy = a:clone(), b:clone()
      local mx = torch.gels(b, a)
      tester:assert(a:equal(a_copy), 'gels modified a')
      tester:assert(b:equal(b_copy), 'gels modified b')
      gelsCheck(a, b, mx, expectedNorm)
      local ta, tb = torch.Tensor(), torch.Tensor()
      local mxx = torch.gels(tb, ta, b, a)
      tester:assert(a:equal(a_copy), 'gels modified a')
      tester:assert(b:equal(b_copy), 'gels modified b')
      gelsCheck(a, b, tb, expectedNorm)
      local mxxx = torch.gels(b, a, b, a)
      gelsCheck(a_copy, b_copy, b, expectedNorm)
      tester:asserteq(maxdiff(mx, tb), 0, 'torch.gels value temp')
      tester:asserteq(maxdiff(mx, b), 0, 'torch.gels value flag')
      tester:asserteq(maxdiff(mx, mxx), 0, 'torch.gels value out1')
      tester:asserteq(maxdiff(mx, mxxx), 0, 'torch.gels value out2')
   end
   function t.gels_uniquely_determined()
      local a, b = gelsSquare()
      gelsAllForms(a, b, 0)
   end
   function t.gels_reuse()
      local a, b = gelsSquare()
      local ta, tb = torch.Tensor(), torch.Tensor()
      for _ = 1, 3 do
         torch.gels(tb, ta, b, a)
         gelsCheck(a, b, tb, 0)
      end
   end
   function t.gels_underdetermined()
      local a = torch.Tensor({{1.44, -9.96, -7.55, 8.34, 7.08, -5.45},
                              {-7.84, -0.28, 3.24, 8.09, 2.52, -5.70},
                              {-4.39, -3.24, 6.27, 5.28, 0.74, -1.19}})
      local b = torch.Tensor({{8.58, 8.26, 8.48},
                              {9.35, -4.43, -0.70}}):t()
      gelsAllForms(a, b, 0)
   end

   function t.eig()
      local a = torch.Tensor({{1.96, 0.00, 0.00, 0.00, 0.00},
                              {-6.49, 3.80, 0.00, 0.00, 0.00},
                              {-0.47, -6.39, 4.17, 0.00, 0.00},
                              {-7.20, 1.50, -1.51, 5.70, 0.00},
                              {-0.65, -6.34, 2.67, 1.80, -7.10}}):t():clone()
      local e = torch.eig(a)
      local ee, vv = torch.eig(a, 'V')
      local te, tv = torch.Tensor(), torch.Tensor()
      local eee, vvv = torch.eig(te, tv, a, 'V')
      tester:assertlt(maxdiff(e, ee), 1e-12, 'torch.eig value')
      tester:assertlt(maxdiff(ee, eee), 1e-12, 'torch.eig value')
      tester:assertlt(maxdiff(ee, te), 1e-12, 'torch.eig value')
      tester:assertlt(maxdiff(vv, vvv), 1e-12, 'torch.eig value')
      tester:assertlt(maxdiff(vv, tv), 1e-12, 'torch.eig value')
   end
   -- Torch7 also asserts its LAPACK results come back as transposed (column-major) views; ours are
   -- row-major contiguous tensors, so the eig_reuse/test_symeig/svd_reuse layout asserts are left out
   function t.eig_reuse()
      local X = torch.randn(4, 4)
      X = X:t() * X
      local e, v = torch.zeros(4, 2), torch.zeros(4, 4)
      torch.eig(e, v, X, 'V')
      local Xhat = v * torch.diag(e:select(2, 1)) * v:t()
      tester:assertTensorEq(X, Xhat, 1e-8, 'VeV\' wrong')
      torch.eig(e, v, X, 'V')
      Xhat = torch.mm(v, torch.mm(e:select(2, 1):diag(), v:t()))
      tester:assertTensorEq(X, Xhat, 1e-8, 'VeV\' wrong')
   end
   function t.eig_noncontig()
      local X = torch.randn(4, 4)
      X = X:t() * X
      local e = torch.zeros(4, 2, 2)[{{}, 1, {}}]
      local v = torch.zeros(4, 2, 4)[{{}, 1, {}}]
      tester:assert(not v:isContiguous(), 'V is contiguous')
      tester:assert(not e:isContiguous(), 'E is contiguous')
      torch.eig(e, v, X, 'V')
      local Xhat = v * torch.diag(e:select(2, 1)) * v:t()
      tester:assertTensorEq(X, Xhat, 1e-8, 'VeV\' wrong')
   end
   function t.test_symeig()
      local xval = torch.rand(100, 3)
      local cov = torch.mm(xval:t(), xval)
      local rese, resv = torch.zeros(3), torch.zeros(3, 3)
      tester:assert(resv:isContiguous(), 'resv is not contiguous')
      torch.symeig(rese, resv, cov:clone(), 'V')
      local ahat = resv * torch.diag(rese) * resv:t()
      tester:assertTensorEq(cov, ahat, 1e-8, 'VeV\' wrong')
      torch.symeig(rese, resv, cov:clone(), 'V')
      ahat = torch.mm(torch.mm(resv, torch.diag(rese)), resv:t())
      tester:assertTensorEq(cov, ahat, 1e-8, 'VeV\' wrong')
   end
   function t.svd_reuse()
      local X = torch.randn(4, 4)
      local U, S, V = torch.svd(X)
      local Xhat = torch.mm(U, torch.mm(S:diag(), V:t()))
      tester:assertTensorEq(X, Xhat, 1e-8, 'USV\' wrong')
      torch.svd(U, S, V, X)
      Xhat = torch.mm(U, torch.mm(S:diag(), V:t()))
      tester:assertTensorEq(X, Xhat, 1e-8, 'USV\' wrong')
   end
   function t.svd_noncontig()
      local X = torch.randn(5, 5)
      local U = torch.zeros(5, 2, 5)[{{}, 1, {}}]
      local S = torch.zeros(5, 2)[{{}, 1}]
      local V = torch.zeros(5, 2, 5)[{{}, 1, {}}]
      tester:assert(not U:isContiguous(), 'U is contiguous')
      tester:assert(not S:isContiguous(), 'S is contiguous')
      tester:assert(not V:isContiguous(), 'V is contiguous')
      torch.svd(U, S, V, X)
      local Xhat = torch.mm(U, torch.mm(S:diag(), V:t()))
      tester:assertTensorEq(X, Xhat, 1e-8, 'USV\' wrong')
   end
   function t.testCholesky()
      local x = torch.rand(10, 10)
      local A = torch.mm(x, x:t())
      local C = torch.potrf(A)
      tester:assertTensorEq(A, torch.mm(C:t(), C), 1e-14, 'potrf did not allow rebuilding the original matrix')
      local U = torch.potrf(A, 'U')
      tester:assertTensorEq(A, torch.mm(U:t(), U), 1e-14, 'potrf (upper) did not allow rebuilding the original matrix')
      local L = torch.potrf(A, 'L')
      tester:assertTensorEq(A, torch.mm(L, L:t()), 1e-14, 'potrf (lower) did not allow rebuilding the original matrix')
   end
   local function spdData()
      local a, b = gesvData()
      a = a:t()
      return torch.mm(a, a:t()), b
   end
   function t.potrs()
      local a, b = spdData()
      local U = torch.potrf(a, 'U')
      local x = torch.potrs(b, U, 'U')
      tester:assertlt(b:dist(a * x), 1e-12, "torch.potrs; uplo='U'")
      local L = torch.potrf(a, 'L')
      x = torch.potrs(b, L, 'L')
      tester:assertlt(b:dist(a * x), 1e-12, "torch.potrs; uplo='L'")
   end
   function t.potri()
      local a = spdData()
      local inv0 = torch.inverse(a)
      local inv1 = torch.potri(torch.potrf(a))
      tester:assertlt(inv0:dist(inv1), 1e-12, "torch.potri; uplo=''")
      inv1 = torch.potri(torch.potrf(a, 'U'), 'U')
      tester:assertlt(inv0:dist(inv1), 1e-12, "torch.potri; uplo='U'")
      inv1 = torch.potri(torch.potrf(a, 'L'), 'L')
      tester:assertlt(inv0:dist(inv1), 1e-12, "torch.potri; uplo='L'")
   end
   function t.pstrf()
      local function checkPsdCholesky(a, uplo, inplace)
         local u, piv, args, a_reconstructed
         if inplace then
            u = torch.Tensor(a:size())
            piv = torch.IntTensor(a:size(1))
            args = {u, piv, a}
         else
            args = {a}
         end
         if uplo then table.insert(args, uplo) end
         u, piv = torch.pstrf(unpack(args))
         if uplo == 'L' then
            a_reconstructed = torch.mm(u, u:t())
         else
            a_reconstructed = torch.mm(u:t(), u)
         end
         piv = piv:long()
         local a_permuted = a:index(1, piv):index(2, piv)
         tester:assertTensorEq(a_permuted, a_reconstructed, 1e-14,
                               'torch.pstrf did not allow rebuilding the original matrix; uplo: ' .. tostring(uplo))
      end
      for _, dim in pairs({{5, 1}, {5, 3}, {5, 5}, {10, 10}}) do
         local m = torch.Tensor(unpack(dim)):uniform()
         local a = torch.mm(m, m:t())
         -- a small number on the diagonal makes the matrix numerically positive semidefinite
         for i = 1, m:size(1) do a[i][i] = a[i][i] + 1e-7 end
         for _, inplace in ipairs({false, true}) do
            checkPsdCholesky(a, nil, inplace)
            checkPsdCholesky(a, 'U', inplace)
            checkPsdCholesky(a, 'L', inplace)
         end
      end
   end

   ---------------------------------------------------------------- convolutions
   local function flipped(k)
      local ki = k:clone()
      local ks, kis = k:storage(), ki:storage()
      for i = ks:size(), 1, -1 do kis[ks:size() - i + 1] = ks[i] end
      return ki
   end
   local function convTest(nd, xlo, xhi, klo, khi, dotTol)
      local conv, xcorr = torch['conv' .. nd], torch['xcorr' .. nd]
      local function dims(lo, hi)
         local d = {}
         for i = 1, nd do d[i] = math.floor(torch.uniform(lo, hi)) end
         return d
      end
      local x = torch.rand(unpack(dims(xlo, xhi)))
      local k = torch.rand(unpack(dims(klo, khi)))
      local imvc, imvc2, imfc = conv(x, k), conv(x, k, 'V'), conv(x, k, 'F')
      local ki = flipped(k)
      local imvx, imvx2, imfx = xcorr(x, ki), xcorr(x, ki, 'V'), xcorr(x, ki, 'F')
      local what = 'torch.conv' .. nd
      tester:asserteq(maxdiff(imvc, imvc2), 0, what)
      tester:asserteq(maxdiff(imvc, imvx), 0, what)
      tester:asserteq(maxdiff(imvc, imvx2), 0, what)
      tester:asserteq(maxdiff(imfc, imfx), 0, what)
      local corner = xcorr(x, x)
      for _ = 1, nd do corner = corner[1] end
      tester:assertlt(math.abs(x:dot(x) - corner), dotTol, what)
      local xsz, ksz = x:size():totable(), k:size():totable()
      table.insert(xsz, 1, 2)
      table.insert(ksz, 1, 2)
      local xx, kk = torch.Tensor(unpack(xsz)), torch.Tensor(unpack(ksz))
      xx[1]:copy(x); xx[2]:copy(x)
      kk[1]:copy(k); kk[2]:copy(k)
      local immvc, immvc2, immfc = conv(xx, kk), conv(xx, kk, 'V'), conv(xx, kk, 'F')
      tester:asserteq(maxdiff(immvc[1], immvc[2]), 0, what)
      tester:asserteq(maxdiff(immvc[1], imvc), 0, what)
      tester:asserteq(maxdiff(immvc2[1], imvc2), 0, what)
      tester:asserteq(maxdiff(immfc[1], immfc[2]), 0, what)
      tester:asserteq(maxdiff(immfc[1], imfc), 0, what)
   end
   function t.conv2() convTest(2, 50, 100, 10, 20, 1e-10) end
   function t.conv3() convTest(3, 20, 40, 5, 10, 4 * 1e-10) end

   -- a 3-D (full) correlation/convolution as the sum of 2-D ones over the planes
   local function planeSumTest(name, op3, op2, full, flip)
      t[name] = function()
         local function u(lo, hi) return math.floor(torch.uniform(lo, hi)) end
         local x = torch.rand(u(20, 40), u(20, 40), u(20, 40))
         local k = torch.rand(u(5, 10), u(5, 10), u(5, 10))
         local o3 = full and op3(x, k, 'F') or op3(x, k)
         local o32 = torch.zeros(o3:size())
         local kz = k:size(1)
         if full then
            for i = 1, x:size(1) do
               for j = 1, kz do
                  o32[i + j - 1]:add(op2(x[i], k[flip and kz - j + 1 or j], 'F'))
               end
            end
         else
            for i = 1, o3:size(1) do
               for j = 1, kz do
                  o32[i]:add(op2(x[i + j - 1], k[flip and kz - j + 1 or j]))
               end
            end
         end
         tester:assertlt(maxdiff(o3, o32), precision, 'torch.' .. name)
      end
   end
   planeSumTest('xcorr3_xcorr2_eq', torch.xcorr3, torch.xcorr2, false, false)
   planeSumTest('fxcorr3_fxcorr2_eq', torch.xcorr3, torch.xcorr2, true, true)
   planeSumTest('conv3_conv2_eq', torch.conv3, torch.conv2, false, true)
   planeSumTest('fconv3_fconv2_eq', torch.conv3, torch.conv2, true, false)

   ---------------------------------------------------------------- random generators
   function t.RNGStateAliasing()
      torch.manualSeed(1)
      torch.uniform()
      -- fork the random number stream at this point
      local gen = torch.Generator()
      torch.setRNGState(gen, torch.getRNGState())
      local target_value = torch.rand(1000)
      -- dramatically alter the internal state of the main generator
      torch.rand(100000)
      local forked_value = torch.rand(gen, 1000)
      tester:assertTensorEq(target_value, forked_value, 1e-16, 'RNG has not forked correctly.')
   end
   function t.serializeGenerator()
      local generator = torch.Generator()
      torch.manualSeed(generator, 123)
      local differentGenerator = torch.Generator()
      torch.manualSeed(differentGenerator, 124)
      local serializedGenerator = torch.serialize(generator)
      local generatorTensor = torch.rand(generator, 100)
      local deserializedGenerator = torch.deserialize(serializedGenerator)
      local deserializedGeneratorTensor = torch.rand(deserializedGenerator, 100)
      local differentGeneratorTensor = torch.rand(differentGenerator, 100)
      tester:assertTensorEq(generatorTensor, deserializedGeneratorTensor, 1e-16, 'torch.Generator serialization failed')
      tester:assert(not generatorTensor:equal(differentGeneratorTensor), 'different seeds gave the same numbers')
   end
   function t.testBoxMullerState()
      torch.manualSeed(123)
      local odd_number = 101
      local seeded = torch.randn(odd_number)
      local state = torch.getRNGState()
      local midstream = torch.randn(odd_number)
      torch.setRNGState(state)
      local repeat_midstream = torch.randn(odd_number)
      torch.manualSeed(123)
      local reseeded = torch.randn(odd_number)
      tester:assertTensorEq(midstream, repeat_midstream, 1e-16,
                            'getRNGState/setRNGState not generating same sequence of normally distributed numbers')
      tester:assertTensorEq(seeded, reseeded, 1e-16,
                            'repeated calls to manualSeed not generating same sequence of normally distributed numbers')
   end
   function t.logNormal()
      local tt = torch.FloatTensor(100, 100)
      local mean, std = torch.uniform(), 0.1 * torch.uniform()
      local tolerance = 0.02
      tt:logNormal(mean, std)
      local logt = tt:log()
      tester:assertalmosteq(logt:mean(), mean, tolerance, 'mean is wrong')
      tester:assertalmosteq(logt:std(), std, tolerance, 'tolerance is wrong')
   end

   ---------------------------------------------------------------- indexing
   function t.testNumel()
      local b = torch.ByteTensor(3, 100, 100)
      tester:asserteq(b:nElement(), 3 * 100 * 100, 'nElement not right')
      tester:asserteq(b:numel(), 3 * 100 * 100, 'numel not right')
   end
   function t.newIndex()
      local function consecutive(...) return torch.range(1, 27):resize(...) end
      local function checkPartialAssign(index)
         local reference = torch.zeros(3, 3, 3)
         reference[index] = consecutive(3, 3, 3)[index]
         tester:assertTensorEq(reference[index], consecutive(3, 3, 3)[index], 0, 'Failed to assign tensor with tensor index')
         reference[index] = 0
         tester:assertTensorEq(reference, torch.zeros(3, 3, 3), 0, 'Failed to assign tensor with tensor index')
      end
      checkPartialAssign({1})
      checkPartialAssign({{}, 2})
      checkPartialAssign({{1, 2}, {}, 3})
      checkPartialAssign(torch.gt(consecutive(3, 3, 3), 13))
      checkPartialAssign(torch.LongTensor({2, 3}))
      local reference = consecutive(3, 3, 3)
      tester:assertError(function() reference[{1, 1, 1, 1}] = 1 end, 'Setting an element with too many indices')
      tester:assertError(function() reference[{4}] = 1 end, 'Setting a slice out of range')
      reference[{1, 2, 3}] = -1
      tester:asserteq(reference[1][2][3], -1, 'Setting one element')
   end
   local function indexCopyAdd(method, combine)
      return function()
         local nCopy, nDest = 3, 20
         local dest = torch.randn(nDest, 4, 5)
         local src = torch.randn(nCopy, 4, 5)
         local idx = torch.randperm(nDest):narrow(1, 1, nCopy):long()
         local dest2 = dest:clone()
         dest[method](dest, 1, idx, src)
         for i = 1, idx:size(1) do combine.tensor(dest2[idx[i]], src[i]) end
         tester:assertTensorEq(dest, dest2, 0.000001, method .. ' tensor error')
         dest = torch.randn(nDest)
         src = torch.randn(nCopy)
         idx = torch.randperm(nDest):narrow(1, 1, nCopy):long()
         dest2 = dest:clone()
         dest[method](dest, 1, idx, src)
         for i = 1, idx:size(1) do dest2[idx[i]] = combine.scalar(dest2[idx[i]], src[i]) end
         tester:assertTensorEq(dest, dest2, 0.000001, method .. ' scalar error')
      end
   end
   t.indexCopy = indexCopyAdd('indexCopy', {tensor = function(d, s) d:copy(s) end, scalar = function(_, s) return s end})
   t.indexAdd = indexCopyAdd('indexAdd', {tensor = function(d, s) d:add(s) end, scalar = function(d, s) return d + s end})

   -- a random 3-D shape, a dimension, and an index tensor along it whose fibers hold distinct
   -- indices (as scatter needs)
   local function scatterSetup()
      local m, n, o = torch.random(10, 20), torch.random(10, 20), torch.random(10, 20)
      local elems_per_row = torch.random(10)
      local dim = torch.random(3)
      local idx_size = {m, n, o}
      idx_size[dim] = elems_per_row
      local idx = torch.LongTensor():resize(unpack(idx_size))
      local full = {m, n, o}
      for i = 1, idx_size[1] do
         for j = 1, idx_size[2] do
            for k = 1, idx_size[3] do
               local ii = {i, j, k}
               if ii[dim] == 1 then
                  local perm = torch.randperm(full[dim])
                  for e = 1, elems_per_row do
                     ii[dim] = e
                     idx[ii] = perm[e]
                  end
               end
            end
         end
      end
      return {m, n, o}, dim, idx, idx_size
   end
   function t.gather()
      local size, dim, idx, idx_size = scatterSetup()
      local src = torch.randn(unpack(size))
      local actual = torch.gather(src, dim, idx)
      local expected = torch.Tensor():resize(unpack(idx_size))
      for i = 1, idx_size[1] do
         for j = 1, idx_size[2] do
            for k = 1, idx_size[3] do
               local ii = {i, j, k}
               ii[dim] = idx[i][j][k]
               expected[i][j][k] = src[ii]
            end
         end
      end
      tester:assertTensorEq(actual, expected, 0, 'Wrong values for gather')
      idx[1][1][1] = 23
      tester:assertError(function() torch.gather(src, dim, idx) end, 'Invalid index not detected')
   end
   function t.gatherMax()
      local src = torch.randn(3, 4, 5)
      local expected, idx = src:max(3)
      local actual = torch.gather(src, 3, idx)
      tester:assertTensorEq(actual, expected, 0, 'Wrong values for gather')
   end
   local function scatterTest(fill)
      return function()
         local size, dim, idx, idx_size = scatterSetup()
         local src = fill and torch.uniform() or torch.Tensor():resize(unpack(idx_size)):normal()
         local actual = torch.zeros(unpack(size)):scatter(dim, idx, src)
         local expected = torch.zeros(unpack(size))
         for i = 1, idx_size[1] do
            for j = 1, idx_size[2] do
               for k = 1, idx_size[3] do
                  local ii = {i, j, k}
                  ii[dim] = idx[i][j][k]
                  expected[ii] = fill and src or src[i][j][k]
               end
            end
         end
         tester:assertTensorEq(actual, expected, 0, 'Wrong values for scatter')
         idx[1][1][1] = 34
         tester:assertError(function() torch.zeros(unpack(size)):scatter(dim, idx, src) end,
                            'Invalid index not detected')
      end
   end
   t.scatter = scatterTest(false)
   t.scatterFill = scatterTest(true)

   function t.maskedCopy()
      local nCopy, nDest = 3, 10
      local dest = torch.randn(nDest)
      local src = torch.randn(nCopy)
      local mask = torch.ByteTensor{0, 0, 0, 0, 1, 0, 1, 0, 1, 0}
      local dest2 = dest:clone()
      dest:maskedCopy(mask, src)
      local j = 1
      for i = 1, nDest do
         if mask[i] == 1 then dest2[i] = src[j]; j = j + 1 end
      end
      tester:assertTensorEq(dest, dest2, 0.000001, 'maskedCopy error')
      -- a source bigger than the mask's count of ones is fine
      src = torch.randn(nDest)
      tester:assert(pcall(dest.maskedCopy, dest, mask, src),
                    "maskedCopy incorrect complaint when src is bigger than mask's one count")
      -- a smaller one is an error
      src = torch.randn(nCopy - 1)
      tester:assert(not pcall(dest.maskedCopy, dest, mask, src),
                    "maskedCopy not erroring when src is smaller than mask's one count")
   end
   function t.maskedFill()
      local nDst = 10
      local dst = torch.randn(nDst)
      local mask = torch.rand(nDst):mul(2):floor():byte()
      local val = math.random()
      local dst2 = dst:clone()
      dst:maskedFill(mask, val)
      for i = 1, nDst do if mask[i] == 1 then dst2[i] = val end end
      tester:assertTensorEq(dst, dst2, 0.000001, 'maskedFill error')
   end

   ---------------------------------------------------------------- classes and types
   function t.classInModule()
      _mymodule123 = {}
      local x = torch.class('_mymodule123.myclass')
      tester:assert(x ~= nil, 'Could not create class in module')
      _G['_mymodule123'] = nil
   end
   function t.classNoModule()
      local x = torch.class('_myclass123')
      tester:assert(x ~= nil, 'Could not create class in module')
   end
   function t.type()
      local objects = {torch.DoubleTensor(), {}, nil, 2, 'asdf'}
      local types = {'torch.DoubleTensor', 'table', 'nil', 'number', 'string'}
      for i = 1, #types do
         tester:assert(torch.type(objects[i]) == types[i], 'wrong type ' .. types[i])
      end
   end
   function t.isTypeOfPartial()
      -- torch.class returns the metatable; the constructors are the globals it defines
      torch.class('TorchDummy')
      torch.class('OtherTorchDummy')
      torch.class('TorchMember')
      torch.class('OtherTorchMember')
      torch.class('FirstTorchMember', 'TorchMember')
      torch.class('SecondTorchMember', 'TorchMember')
      torch.class('ThirdTorchMember', 'OtherTorchMember')
      local td, otd = TorchDummy(), OtherTorchDummy()
      local tm, ftm, stm, ttm = TorchMember(), FirstTorchMember(), SecondTorchMember(), ThirdTorchMember()
      tester:assert(not torch.isTypeOf(td, 'OtherTorchDummy'), 'isTypeOf error: incorrect partial match')
      tester:assert(not torch.isTypeOf(otd, 'TorchDummy'), 'isTypeOf error: incorrect partial match')
      tester:assert(torch.isTypeOf(tm, 'TorchMember'), 'isTypeOf error, incorrect type')
      tester:assert(not torch.isTypeOf(tm, 'OtherTorchMember'), 'isTypeOf error: incorrect partial match')
      tester:assert(torch.isTypeOf(ftm, 'FirstTorchMember'), 'isTypeOf error: incorrect type')
      tester:assert(torch.isTypeOf(ftm, 'TorchMember'), 'isTypeOf error: incorrect type through inheritance')
      tester:assert(torch.isTypeOf(stm, 'SecondTorchMember'), 'isTypeOf error: incorrect type')
      tester:assert(torch.isTypeOf(stm, 'TorchMember'), 'isTypeOf error: incorrect type through inheritance')
      tester:assert(torch.isTypeOf(ttm, 'ThirdTorchMember'), 'isTypeOf error: incorrect type')
      tester:assert(torch.isTypeOf(ttm, 'OtherTorchMember'), 'isTypeOf error: incorrect type through inheritance')
      tester:assert(not torch.isTypeOf(ttm, 'TorchMember'), 'isTypeOf error: incorrect partial match')
   end
   function t.isTypeOfPattern()
      local tensor = torch.DoubleTensor()
      tester:assert(torch.isTypeOf(tensor, 'torch.DoubleTensor'), 'isTypeOf error: exact name')
      tester:assert(torch.isTypeOf(tensor, 'torch.*Tensor'), 'isTypeOf error: pattern')
      tester:assert(torch.isTypeOf(tensor, '.*Double.*'), 'isTypeOf error: pattern')
      tester:assert(not torch.isTypeOf(tensor, 'torch.FloatTensor'), 'isTypeOf error: other tensor type')
      tester:assert(not torch.isTypeOf(tensor, 'torch.*Storage'), 'isTypeOf error: pattern of another class')
      tester:assert(torch.isTypeOf(tensor, torch.DoubleTensor), 'isTypeOf error: class table')
   end
   function t.isTensor()
      local tt = torch.randn(3, 4)
      tester:assert(torch.isTensor(tt), 'error in isTensor')
      tester:assert(torch.isTensor(tt[1]), 'error in isTensor for subTensor')
      tester:assert(not torch.isTensor(tt[1][2]), 'false positive in isTensor')
      tester:assert(torch.Tensor.isTensor(tt), 'alias not working')
   end
   function t.isStorage()
      local tt = torch.randn(3, 4)
      tester:assert(torch.isStorage(tt:storage()), 'error in isStorage')
      tester:assert(not torch.isStorage(tt), 'false positive in isStorage')
   end

   ---------------------------------------------------------------- tensor shape
   function t.expand()
      local result = torch.Tensor()
      local tensor = torch.rand(8, 1)
      local template = torch.rand(8, 5)
      local target = template:size():totable()
      tester:assertTableEq(tensor:expandAs(template):size():totable(), target, 'Error in expandAs')
      tester:assertTableEq(tensor:expand(8, 5):size():totable(), target, 'Error in expand')
      tester:assertTableEq(tensor:expand(torch.LongStorage{8, 5}):size():totable(), target, 'Error in expand using LongStorage')
      result:expandAs(tensor, template)
      tester:assertTableEq(result:size():totable(), target, 'Error in expandAs using result')
      result:expand(tensor, 8, 5)
      tester:assertTableEq(result:size():totable(), target, 'Error in expand using result')
      result:expand(tensor, torch.LongStorage{8, 5})
      tester:assertTableEq(result:size():totable(), target, 'Error in expand using result and LongStorage')
      tester:asserteq((result:mean(2):view(8, 1) - tensor):abs():max(), 0, 'Error in expand (not equal)')
   end
   function t.repeatTensor()
      local result = torch.Tensor()
      local tensor = torch.rand(8, 4)
      local size = {3, 1, 1}
      local sizeStorage = torch.LongStorage(size)
      local target = {3, 8, 4}
      tester:assertTableEq(tensor:repeatTensor(unpack(size)):size():totable(), target, 'Error in repeatTensor')
      tester:assertTableEq(tensor:repeatTensor(sizeStorage):size():totable(), target, 'Error in repeatTensor using LongStorage')
      result:repeatTensor(tensor, unpack(size))
      tester:assertTableEq(result:size():totable(), target, 'Error in repeatTensor using result')
      result:repeatTensor(tensor, sizeStorage)
      tester:assertTableEq(result:size():totable(), target, 'Error in repeatTensor using result and LongStorage')
      tester:asserteq((result:mean(1):view(8, 4) - tensor):abs():max(), 0, 'Error in repeatTensor (not equal)')
   end
   function t.isSameSizeAs()
      local t1 = torch.Tensor(3, 4, 9, 10)
      local t2 = torch.Tensor(3, 4)
      local t3 = torch.Tensor(1, 9, 3, 3)
      local t4 = torch.Tensor(3, 4, 9, 10)
      tester:assert(t1:isSameSizeAs(t2) == false, 'wrong answer ')
      tester:assert(t1:isSameSizeAs(t3) == false, 'wrong answer ')
      tester:assert(t1:isSameSizeAs(t4) == true, 'wrong answer ')
   end
   function t.isSetTo()
      local t1 = torch.Tensor(3, 4, 9, 10)
      local t2 = torch.Tensor(3, 4, 9, 10)
      local t3 = torch.Tensor():set(t1)
      local t4 = t3:view(12, 90)
      tester:assert(t1:isSetTo(t2) == false, 'tensors do not share storage')
      tester:assert(t1:isSetTo(t3) == true, 'tensor is set to other')
      tester:assert(t3:isSetTo(t1) == true, 'isSetTo should be symmetric')
      tester:assert(t1:isSetTo(t4) == false, 'tensors have different view')
      tester:assert(not torch.Tensor():isSetTo(torch.Tensor()),
                    'Tensors with no storages should not appear to be set to each other')
   end
   function t.equal()
      -- contiguous, 1D
      local t1 = torch.Tensor{3, 4, 9, 10}
      local t2 = t1:clone()
      local t3 = torch.Tensor{1, 9, 3, 10}
      local t4 = torch.Tensor{3, 4, 9}
      local t5 = torch.Tensor()
      tester:assert(t1:equal(t2), 'wrong answer ')
      tester:assert(not t1:equal(t3), 'wrong answer ')
      tester:assert(not t1:equal(t4), 'wrong answer ')
      tester:assert(not t1:equal(t5), 'wrong answer ')
      tester:assert(torch.equal(t1, t2), 'wrong answer ')
      tester:assert(not torch.equal(t1, t3), 'wrong answer ')
      tester:assert(not torch.equal(t1, t4), 'wrong answer ')
      tester:assert(not torch.equal(t1, t5), 'wrong answer ')
      -- non-contiguous, 2D
      local s = torch.Tensor({{1, 2, 3, 4}, {5, 6, 7, 8}})
      local s1 = s[{{}, {2, 3}}]
      local s2 = s1:clone()
      local s3 = torch.Tensor({{2, 3}, {6, 7}})
      local s4 = torch.Tensor({{0, 0}, {0, 0}})
      tester:assert(not s1:isContiguous(), 'wrong answer ')
      tester:assert(s1:equal(s2), 'wrong answer ')
      tester:assert(s1:equal(s3), 'wrong answer ')
      tester:assert(not s1:equal(s4), 'wrong answer ')
      tester:assert(torch.equal(s1, s2), 'wrong answer ')
      tester:assert(torch.equal(s1, s3), 'wrong answer ')
      tester:assert(not torch.equal(s1, s4), 'wrong answer ')
   end
   function t.isSize()
      local t1 = torch.Tensor(3, 4, 5)
      local s1 = torch.LongStorage({3, 4, 5})
      local s2 = torch.LongStorage({5, 4, 3})
      tester:assert(t1:isSize(s1) == true, 'wrong answer ')
      tester:assert(t1:isSize(s2) == false, 'wrong answer ')
      tester:assert(t1:isSize(t1:size()) == true, 'wrong answer ')
   end
   local function splitTest(method, tensor, arg, targetSize, dim)
      return function()
         local result = {}
         local splits = tensor()[method](tensor(), arg, dim)
         local src = tensor()
         splits = src[method](src, arg, dim)
         local function check(list, what)
            local start = 1
            for i, split in ipairs(list) do
               tester:assertTableEq(split:size():totable(), targetSize[i], what .. ' size error in ' .. method .. ' ' .. i)
               tester:assertTensorEq(src:narrow(dim, start, targetSize[i][dim]), split, 0.00001,
                                     what .. ' content error in ' .. method .. ' ' .. i)
               start = start + targetSize[i][dim]
            end
         end
         check(splits, '')
         torch[method](result, src, arg, dim)
         check(result, 'Result')
         tester:asserteq(#splits, #result, 'Non-consistent output size from ' .. method)
         for i, split in ipairs(splits) do
            tester:assertTensorEq(split, result[i], 0, 'Non-consistent outputs from ' .. method)
         end
      end
   end
   t.split = splitTest('split', function() return torch.rand(7, 4) end, 3, {{3, 4}, {3, 4}, {1, 4}}, 1)
   t.chunk = splitTest('chunk', function() return torch.rand(4, 7) end, 3, {{4, 3}, {4, 3}, {4, 1}}, 2)
   function t.table()
      local data = {{1, 2, 3}, {4, 5, 6}}
      for _, name in ipairs({'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double'}) do
         local x = torch[name .. 'Tensor'](data)
         tester:assertTableEq(x:totable(), data, name .. 'Tensor from/to a table')
         tester:assertTableEq(x:size():totable(), {2, 3}, name .. 'Tensor size from a table')
         local s = torch[name .. 'Storage']({1, 2, 3})
         tester:assertTableEq(s:totable(), {1, 2, 3}, name .. 'Storage from/to a table')
      end
   end
   function t.permute()
      local orig = {1, 2, 3, 4, 5, 6, 7}
      local perm = torch.randperm(7):totable()
      local x = torch.Tensor(unpack(orig)):fill(0)
      local new = x:permute(unpack(perm)):size():totable()
      tester:assertTableEq(perm, new, 'Tensor:permute incorrect')
      tester:assertTableEq(x:size():totable(), orig, 'Tensor:permute changes tensor')
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
