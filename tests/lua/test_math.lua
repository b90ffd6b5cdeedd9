-- TensorMath in both forms (torch.f([res,] ...) and x:f(...)), 1-based dims and indices,
-- reductions keeping the reduced dimension, operators, and bad inputs.
require 'torch'
local tester = torch.Tester()
local tests = torch.TestSuite()

local function T(t) return torch.Tensor(t) end
local function eq(a, b, tol, msg) return tester:assertTensorEq(a, b, tol or 1e-12, msg) end

function tests.unary_both_forms()
   local x = T{0.25, 0.5, 1.5}
   for _, name in ipairs{'log', 'exp', 'cos', 'sin', 'tan', 'sqrt', 'tanh', 'atan', 'floor', 'ceil', 'abs', 'cosh', 'sinh', 'asin', 'acos'} do
      local f = math[name]
      local want = x:clone():apply(function(v) return (name == 'asin' or name == 'acos') and f(v / 2) or f(v) end)
      local src = (name == 'asin' or name == 'acos') and x / 2 or x
      eq(torch[name](src), want, 1e-12, name)
      local r = torch.Tensor()
      torch[name](r, src)
      eq(r, want, 1e-12, name .. ' result form')
      local inplace = src:clone()
      inplace[name](inplace)
      eq(inplace, want, 1e-12, name .. ' method form')
      tester:assertalmosteq(torch[name](0.5 / ((name == 'asin' or name == 'acos') and 1 or 1)), f(0.5), 1e-15)
   end
   eq(torch.neg(x), T{-0.25, -0.5, -1.5})
   eq(torch.cinv(T{2, 4}), T{0.5, 0.25})
   eq(torch.sigmoid(T{0}), T{0.5})
   eq(torch.round(T{0.5, 1.5, -0.5, 2.4}), T{1, 2, -1, 2})   -- half away from zero
   eq(torch.sign(T{-2, 0, 3}), T{-1, 0, 1})
   eq(torch.frac(T{1.25, -1.25}), T{0.25, -0.25})
   eq(torch.trunc(T{1.7, -1.7}), T{1, -1})
   eq(torch.rsqrt(T{4}), T{0.5})
   eq(torch.abs(torch.IntTensor{-3, 3}), torch.IntTensor{3, 3}, 0)
end

function tests.add_forms()
   local a, b = T{1, 2, 3}, T{10, 20, 30}
   eq(torch.add(a, 1), T{2, 3, 4})
   eq(torch.add(a, b), T{11, 22, 33})
   eq(torch.add(a, 2, b), T{21, 42, 63})
   local r = torch.Tensor()
   torch.add(r, a, b)
   eq(r, T{11, 22, 33})
   torch.add(r, a, 3, b)
   eq(r, T{31, 62, 93})
   local c = a:clone():add(1)
   eq(c, T{2, 3, 4})
   c:add(b)
   eq(c, T{12, 23, 34})
   c:add(-1, b)
   eq(c, T{2, 3, 4})
   local d = torch.Tensor(3)
   d:add(a, b)
   eq(d, T{11, 22, 33})
   d:add(a, 10, b)
   eq(d, T{101, 202, 303})
   eq(torch.csub(b, a), T{9, 18, 27})
   eq(b:clone():csub(1), T{9, 19, 29})
   -- equal element counts are enough (no broadcasting in Torch7)
   eq(torch.add(torch.Tensor{{1, 2}, {3, 4}}, torch.Tensor{1, 1, 1, 1}), torch.Tensor{{2, 3}, {4, 5}})
   tester:assertErrorPattern(function() torch.add(a, T{1, 2}) end, 'inconsistent tensor size')
   tester:assertErrorPattern(function() a:add('x') end, "invalid arguments to 'add'")
   tester:assertErrorPattern(function() torch.add(1, 2) end, "invalid arguments to 'add'")
end

function tests.mul_div_cmul_cdiv()
   local a, b = T{1, 2, 3}, T{2, 4, 6}
   eq(torch.mul(a, 2), b)
   eq(a:clone():mul(2), b)
   eq(torch.div(b, 2), a)
   eq(torch.cmul(a, b), T{2, 8, 18})
   eq(a:clone():cmul(b), T{2, 8, 18})
   eq(torch.cdiv(b, a), T{2, 2, 2})
   eq(torch.cpow(a, T{2, 2, 2}), T{1, 4, 9})
   eq(torch.pow(a, 2), T{1, 4, 9})
   eq(torch.pow(2, a), T{2, 4, 8})
   tester:asserteq(torch.pow(2, 3), 8)
   eq(torch.div(torch.IntTensor{7, -7}, 2), torch.IntTensor{3, -3}, 0)   -- integer division truncates
   eq(torch.clamp(T{-1, 0.5, 2}, 0, 1), T{0, 0.5, 1})
   eq(torch.cmax(T{1, 5}, T{3, 2}), T{3, 5})
   eq(torch.cmin(T{1, 5}, 2), T{1, 2})
   eq(torch.fmod(T{-3, 3}, 2), T{-1, 1})
   eq(torch.remainder(T{-3, 3}, 2), T{1, 1})
   eq(torch.addcmul(T{1, 1}, 2, T{1, 2}, T{3, 4}), T{7, 17})
   eq(torch.addcdiv(T{1, 1}, T{4, 8}, T{2, 2}), T{3, 5})
   eq(torch.lerp(T{0, 0}, T{10, 20}, 0.5), T{5, 10})
   eq(torch.atan2(T{1}, T{1}), T{math.atan2(1, 1)})
   eq(torch.bitand(torch.IntTensor{6}, 3), torch.IntTensor{2}, 0)
   eq(torch.lshift(torch.IntTensor{1}, 3), torch.IntTensor{8}, 0)
   eq(torch.lshift(T{1}, 3), T{8})
end

function tests.comparisons()
   local a = T{1, 2, 3}
   local m = torch.lt(a, 2)
   tester:asserteq(torch.typename(m), 'torch.ByteTensor')
   eq(m, torch.ByteTensor{1, 0, 0}, 0)
   eq(a:ge(2), torch.ByteTensor{0, 1, 1}, 0)
   eq(torch.eq(a, T{1, 0, 3}), torch.ByteTensor{1, 0, 1}, 0)
   local r = torch.Tensor()
   torch.gt(r, a, 1)
   eq(r, T{0, 1, 1})
end

function tests.all_any()
   tester:assert(torch.ByteTensor{1, 1}:all())
   tester:assert(not torch.ByteTensor{1, 0}:all())
   tester:assert(torch.ByteTensor{1, 0}:any())
   tester:assert(not torch.any(torch.ByteTensor{0, 0}))
end

function tests.reductions_keep_dims()
   local a = T{{1, 2, 3}, {4, 5, 6}}
   tester:asserteq(a:sum(), 21)
   tester:asserteq(torch.sum(a), 21)
   local s1 = torch.sum(a, 1)
   tester:assertTableEq(s1:size():totable(), {1, 3})
   eq(s1, T{{5, 7, 9}})
   eq(a:sum(2), T{{6}, {15}})
   tester:asserteq(a:prod(), 720)
   eq(a:prod(1), T{{4, 10, 18}})
   tester:asserteq(a:mean(), 3.5)
   eq(a:mean(2), T{{2}, {5}})
   local mx, ix = a:max(2)
   eq(mx, T{{3}, {6}})
   tester:asserteq(torch.typename(ix), 'torch.LongTensor')
   eq(ix, torch.LongTensor{{3}, {3}}, 0)
   local mn, in_ = torch.min(a, 1)
   eq(mn, T{{1, 2, 3}})
   eq(in_, torch.LongTensor{{1, 1, 1}}, 0)
   tester:asserteq(a:max(), 6)
   tester:asserteq(a:min(), 1)
   local rv, ri = torch.Tensor(), torch.LongTensor()
   torch.max(rv, ri, a, 1)
   eq(rv, T{{4, 5, 6}})
   tester:assertalmosteq(T{1, 2, 3, 4}:var(), 5 / 3, 1e-12)
   tester:assertalmosteq(T{1, 2, 3, 4}:var(true), 1.25, 1e-12)
   tester:assertalmosteq(T{1, 2, 3, 4}:std(), math.sqrt(5 / 3), 1e-12)
   eq(a:std(2), T{{1}, {1}})
   tester:assertalmosteq(T{3, 4}:norm(), 5, 1e-12)
   tester:assertalmosteq(T{3, 4}:norm(1), 7, 1e-12)
   eq(a:norm(1, 2), T{{6}, {15}})
   tester:assertalmosteq(torch.dist(T{1, 1}, T{4, 5}), 5, 1e-12)
   eq(a:cumsum(2), T{{1, 3, 6}, {4, 9, 15}})
   eq(torch.cumsum(a), T{{1, 2, 3}, {5, 7, 9}})
   eq(torch.cumprod(T{1, 2, 3}), T{1, 2, 6})
   tester:asserteq(torch.trace(T{{1, 2}, {3, 4}}), 5)
   tester:assert(torch.equal(a, a:clone()))
   tester:assert(not torch.equal(a, a:t():contiguous()))
   tester:assertErrorPattern(function() a:sum(3) end, "bad argument #2 to 'sum' %(dimension 3 out of range for a 2D tensor: expected 1 <= dim <= 2%)")
   tester:assertErrorPattern(function() a:max(0) end, "bad argument #2 to 'max'")
end

function tests.sort_topk_kth()
   local a = T{{3, 1, 2}, {9, 7, 8}}
   local v, i = a:sort(2)
   eq(v, T{{1, 2, 3}, {7, 8, 9}})
   eq(i, torch.LongTensor{{2, 3, 1}, {2, 3, 1}}, 0)
   local vd, id = torch.sort(a, 2, true)
   eq(vd, T{{3, 2, 1}, {9, 8, 7}})
   eq(id, torch.LongTensor{{1, 3, 2}, {1, 3, 2}}, 0)
   local tv, ti = torch.topk(T{5, 1, 4, 2}, 2)          -- smallest by default
   eq(tv:sort(), T{1, 2})
   local tl = torch.topk(T{5, 1, 4, 2}, 2, 1, true, true)
   eq(tl, T{5, 4})
   local kv, ki = torch.kthvalue(T{5, 1, 4, 2}, 2)
   eq(kv, T{2})
   eq(ki, torch.LongTensor{4}, 0)
   local mv = torch.median(T{{5, 1, 4}})
   eq(mv, T{{4}})
   local mo = torch.mode(T{1, 2, 2, 3})
   eq(mo, T{2})
   tester:assertErrorPattern(function() a:sort(3) end, "bad argument #2 to 'sort'")
end

function tests.blas()
   local A = T{{1, 2}, {3, 4}}
   local B = T{{5, 6}, {7, 8}}
   eq(torch.mm(A, B), T{{19, 22}, {43, 50}})
   eq(A * B, T{{19, 22}, {43, 50}})
   eq(torch.mv(A, T{1, 1}), T{3, 7})
   eq(A * T{1, 1}, T{3, 7})
   tester:asserteq(torch.dot(T{1, 2}, T{3, 4}), 11)
   tester:asserteq(T{1, 2} * T{3, 4}, 11)
   eq(torch.ger(T{1, 2}, T{3, 4}), T{{3, 4}, {6, 8}})
   eq(torch.addmm(A, A, B), T{{20, 24}, {46, 54}})
   eq(torch.addmm(2, A, 3, A, B), T{{59, 70}, {135, 158}})
   local M = A:clone()
   M:addmm(A, B)
   eq(M, T{{20, 24}, {46, 54}})
   local r = torch.Tensor()
   r:addmm(A, A, B)
   eq(r, T{{20, 24}, {46, 54}})
   eq(torch.addmv(T{1, 1}, A, T{1, 1}), T{4, 8})
   eq(torch.addr(torch.zeros(2, 2), T{1, 2}, T{1, 1}), T{{1, 1}, {2, 2}})
   local b1 = torch.Tensor(2, 2, 2):fill(1)
   eq(torch.bmm(b1, b1), torch.Tensor(2, 2, 2):fill(2))
   eq(torch.baddbmm(torch.zeros(2, 2, 2), b1, b1), torch.Tensor(2, 2, 2):fill(2))
   eq(torch.addbmm(torch.zeros(2, 2), b1, b1), torch.Tensor(2, 2):fill(4))
   tester:assertErrorPattern(function() torch.mm(A, T{1, 2}) end, "bad argument #2 to 'mm'")
   tester:assertErrorPattern(function() torch.mm(A, T{{1, 2, 3}}) end, 'size mismatch')
   tester:assertErrorPattern(function() return torch.Tensor(2, 2, 2) * torch.Tensor(2, 2, 2) end, 'not yet supported')
end

function tests.operators()
   local a = T{1, 2}
   eq(a + a, T{2, 4})
   eq(a + 1, T{2, 3})
   eq(1 + a, T{2, 3})
   eq(a - 1, T{0, 1})
   eq(1 - a, T{0, -1})
   eq(-a, T{-1, -2})
   eq(a * 2, T{2, 4})
   eq(2 * a, T{2, 4})
   eq(a / 2, T{0.5, 1})
   eq(T{-3, 3} % 2, T{1, 1})
   tester:assertErrorPattern(function() return 2 / a end, 'only tensor / number')
   tester:asserteq(a[1], 1)   -- operators returned new tensors
end

function tests.indexing_functions()
   local a = T{{1, 2, 3}, {4, 5, 6}}
   local idx = torch.LongTensor{2, 1}
   eq(a:index(1, idx), T{{4, 5, 6}, {1, 2, 3}})
   eq(torch.index(a, 2, torch.LongTensor{3}), T{{3}, {6}})
   eq(a[torch.LongTensor{2}], T{{4, 5, 6}})
   local c = torch.zeros(2, 3)
   c:indexCopy(1, idx, a)
   eq(c, T{{4, 5, 6}, {1, 2, 3}})
   c:indexFill(2, torch.LongTensor{1}, -1)
   eq(c:select(2, 1), T{-1, -1})
   c:indexAdd(1, torch.LongTensor{1}, T{{1, 1, 1}})
   eq(c[1], T{0, 6, 7})
   eq(torch.gather(a, 2, torch.LongTensor{{3, 1}, {2, 2}}), T{{3, 1}, {5, 5}})
   local s = torch.zeros(2, 3):scatter(2, torch.LongTensor{{3}, {1}}, T{{9}, {8}})
   eq(s, T{{0, 0, 9}, {8, 0, 0}})
   eq(torch.zeros(2, 2):scatter(1, torch.LongTensor{{2, 1}}, 5), T{{0, 5}, {5, 0}})
   local mask = a:gt(3)
   eq(a:maskedSelect(mask), T{4, 5, 6})
   eq(a[mask], T{4, 5, 6})
   local b = a:clone()
   b[mask] = 0
   eq(b, T{{1, 2, 3}, {0, 0, 0}})
   b:maskedCopy(mask, T{7, 8, 9})
   eq(b, T{{1, 2, 3}, {7, 8, 9}})
   b:maskedFill(a:lt(2), -5)
   tester:asserteq(b[1][1], -5)
   local nz = torch.nonzero(T{{0, 1}, {1, 0}})
   eq(nz, torch.LongTensor{{1, 2}, {2, 1}}, 0)
   tester:assertErrorPattern(function() a:index(1, T{1}) end, "bad argument #3 to 'index' %(LongTensor expected")
   tester:assertErrorPattern(function() a:index(1, torch.LongTensor{3}) end, 'out of')
   tester:assertErrorPattern(function() a:maskedFill(T{1, 0, 0, 0, 0, 0}, 1) end, 'ByteTensor expected')
end

function tests.construction()
   eq(torch.zeros(2, 3), T{{0, 0, 0}, {0, 0, 0}})
   eq(torch.ones(2), T{1, 1})
   tester:asserteq(torch.typename(torch.ones(2, 'torch.FloatTensor')), 'torch.FloatTensor')
   tester:asserteq(torch.typename(torch.zeros(torch.LongStorage{2}, 'torch.IntTensor')), 'torch.IntTensor')
   local x = torch.Tensor()
   x:zeros(2, 2)
   tester:assertTableEq(x:size():totable(), {2, 2})
   x:ones(3)
   eq(x, T{1, 1, 1})
   eq(torch.eye(2), T{{1, 0}, {0, 1}})
   eq(torch.eye(2, 3), T{{1, 0, 0}, {0, 1, 0}})
   eq(torch.range(1, 4), T{1, 2, 3, 4})
   eq(torch.range(1, 2, 0.5), T{1, 1.5, 2})
   eq(torch.range(3, 1, -1), T{3, 2, 1})
   tester:assertErrorPattern(function() torch.range(1, 3, 0) end, 'step')
   eq(torch.linspace(0, 1, 3), T{0, 0.5, 1})
   tester:asserteq(torch.linspace(0, 1):size(1), 100)
   eq(torch.logspace(0, 2, 3), T{1, 10, 100}, 1e-9)
   tester:assertErrorPattern(function() torch.linspace(0, 1, 1) end, "bad argument #3 to 'linspace' %(invalid number of points%)")
   tester:assertErrorPattern(function() torch.logspace(torch.Tensor(), 0, 1, 1) end, "bad argument #4 to 'logspace'")
   eq(torch.linspace(2, 2, 1), T{2})
   local r = torch.zeros(2, 2)
   torch.linspace(r, 1, 4, 4)                                  -- a result of n elements keeps its shape
   eq(r, T{{1, 2}, {3, 4}})
   torch.linspace(r, 1, 3, 3)                                  -- else it becomes 1-D
   eq(r, T{1, 2, 3})
   eq(torch.zeros(torch.Tensor(), 2), T{0, 0})                 -- result forms
   eq(torch.ones(torch.Tensor(), 1, 2), T{{1, 1}})
   eq(torch.eye(torch.Tensor(), 2), T{{1, 0}, {0, 1}})
   tester:assertErrorPattern(function() torch.eye(torch.Tensor(), 'x') end, "bad argument #2 to 'eye'")
   local parts = {}
   torch.split(parts, T{1, 2, 3}, 2)
   tester:asserteq(#parts, 2, 'torch.split into a result table')
   tester:assertErrorPattern(function() torch.split({}, 5, 2) end, "bad argument #2 to 'split'")
   tester:assertErrorPattern(function() torch.chunk(5, 2) end, "bad argument #1 to 'chunk'")
   local X, A = torch.trtrs(T{{1}, {2}}, T{{1, 0}, {0, 2}})
   eq(X, T{{1}, {1}})
   eq(A, T{{1, 0}, {0, 2}})
   tester:assertErrorPattern(function() torch.Tensor():expandAs(T{1}, 'x') end, "bad argument #3 to 'expandAs'")
   eq(torch.reshape(T{1, 2, 3, 4}, 2, 2), T{{1, 2}, {3, 4}})
   eq(torch.diag(T{1, 2}), T{{1, 0}, {0, 2}})
   eq(torch.diag(T{{1, 2}, {3, 4}}), T{1, 4})
   eq(torch.tril(T{{1, 2}, {3, 4}}), T{{1, 0}, {3, 4}})
   eq(torch.triu(T{{1, 2}, {3, 4}}, 1), T{{0, 2}, {0, 0}})
   eq(torch.cat(T{1, 2}, T{3}), T{1, 2, 3})
   eq(torch.cat({T{{1}}, T{{2}}}, 1), T{{1}, {2}})
   eq(torch.cat({T{{1}}, T{{2}}}), T{{1, 2}})                -- default: the last dimension
   eq(torch.cat({torch.Tensor(), T{5}}), T{5})                -- empty inputs are skipped
   eq(torch.histc(T{1, 2, 2, 3}, 3, 1, 3), T{1, 2, 1})
   eq(torch.cross(T{1, 0, 0}, T{0, 1, 0}), T{0, 0, 1})
   eq(T{1, 2}:repeatTensor(2), T{1, 2, 1, 2})
   eq(T{1, 2}:repeatTensor(2, 1), T{{1, 2}, {1, 2}})
end

function tests.lapack()
   local A = T{{4, 1}, {1, 3}}
   local b = T{{1}, {2}}
   local x = torch.gesv(b, A)
   eq(A * x, b, 1e-10)
   local inv = torch.inverse(A)
   eq(A * inv, torch.eye(2), 1e-10)
   local e = torch.symeig(A)
   tester:assertlt(e[1], e[2])
   local u = torch.potrf(A)
   eq(u:t() * u, A, 1e-10)
   local U, S, V = torch.svd(A)
   eq(U * torch.diag(S) * V:t(), A, 1e-10)
   local q, r = torch.qr(A)
   eq(q * r, A, 1e-10)
end

function tests.conv()
   local x = T{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}
   local k = T{{1, 0}, {0, -1}}
   eq(torch.xcorr2(x, k), T{{-4, -4}, {-4, -4}})
   eq(torch.conv2(x, k), T{{4, 4}, {4, 4}})
   local full = torch.conv2(x, k, 'F')
   tester:assertTableEq(full:size():totable(), {4, 4})
   eq(full, T{{1, 2, 3, 0}, {4, 4, 4, -3}, {7, 4, 4, -6}, {0, -7, -8, -9}})
   local xb = torch.Tensor(2, 3, 3)
   xb[1]:copy(x); xb[2]:copy(x * 2)
   local kb = torch.Tensor(2, 2, 2)
   kb[1]:copy(k); kb[2]:copy(k)
   eq(torch.xcorr2(xb, kb)[2], T{{-8, -8}, {-8, -8}})
   local k4 = torch.Tensor(1, 2, 2, 2)
   k4[1]:copy(kb)
   eq(torch.xcorr2(xb, k4)[1], T{{-12, -12}, {-12, -12}})
   local v = torch.Tensor(3, 3, 3):fill(1)
   eq(torch.xcorr3(v, torch.Tensor(2, 2, 2):fill(1)), torch.Tensor(2, 2, 2):fill(8))
   tester:assertErrorPattern(function() torch.conv2(T{1, 2}, T{1}) end, 'unsupported dimensions')
end

function tests.match()
   local m = torch.match(T{{0, 0}, {1, 1}}, T{{1, 0}})
   eq(m, T{{1}, {1}})
   eq(torch.match(T{{0, 0}}, T{{3, 4}}, 2), T{{50}})
end

function tests.torch_namespace_functions()
   local x = T{{1, 2}, {3, 4}}
   eq(torch.view(x, 4), T{1, 2, 3, 4})
   eq(torch.narrow(x, 1, 2, 1), T{{3, 4}})
   tester:asserteq(torch.select(x, 1, 2)[1], 3)
   eq(torch.t(x), T{{1, 3}, {2, 4}})
   eq(torch.squeeze(torch.Tensor(1, 2):fill(1)), T{1, 1})
   eq(torch.fill(torch.Tensor(2), 5), T{5, 5})
   eq(torch.permute(x, 2, 1), T{{1, 3}, {2, 4}})
   tester:asserteq(#torch.split(T{1, 2, 3}, 2), 2)
end

-- reference values: torch.polygamma(n, x) of PyTorch 2.13 in float64
function tests.polygamma()
   local x = T{0.25, 1.0, 2.5, 7.0, -1.5, 30.0}
   local ref = {
      [0] = {-4.2274535333762655, -0.5772156649015328, 0.7031566406452431, 1.872784335098467,
             0.7031566406452433, 3.384438132685525},
      [1] = {17.19732915341456, 1.6449340676383375, 0.4903577562398206, 0.1535451779624394,
             9.37924664484954, 0.03389506035774027},
      [2] = {-129.32773993753688, -2.404113806319188, -0.23620405164172736, -0.023530472985855234,
             -0.23620405164172825, -0.0011487652037285997},
      [3] = {1538.782144009189, 6.493939402266829, 0.2239058488172521, 0.007198198563125444,
             194.59427621918758, 7.786003664736127e-05},
   }
   for n = 0, 3 do
      local want = T(ref[n])
      tester:assertTensorEq(torch.polygamma(n, x), want, 1e-9 * want:clone():abs():max(), 'polygamma ' .. n)
      local res = torch.Tensor()
      tester:assert(torch.polygamma(res, n, x) == res, 'result tensor returned')
      tester:assertTensorEq(res, want, 1e-9 * want:clone():abs():max())
      local y = x:clone()
      tester:assert(y:polygamma(n) == y, 'method works in place')
      tester:assertTensorEq(y, want, 1e-9 * want:clone():abs():max())
      local z = torch.Tensor(6)
      z:polygamma(n, x)
      tester:assertTensorEq(z, want, 1e-9 * want:clone():abs():max())
   end
   tester:assertTensorEq(torch.polygamma(0, x), torch.digamma(x), 0)
   tester:assertTensorEq(torch.polygamma(1, x:float()), T(ref[1]):float(), 1e-4 * 18)
   tester:asserteq(torch.polygamma(1, T{0})[1], math.huge)
   tester:asserteq(torch.polygamma(2, T{0})[1], -math.huge)
   for _, bad in ipairs{-1, 1.5, 0 / 0} do
      tester:assertErrorPattern(function() torch.polygamma(bad, x) end,
                                "bad argument #1 to 'polygamma' %(n must be a non%-negative integer")
   end
   tester:assertErrorPattern(function() torch.polygamma(torch.Tensor(), -2, x) end, "bad argument #2 to 'polygamma'")
   tester:assertErrorPattern(function() x:polygamma(-1) end, "bad argument #1 to 'polygamma'")
   tester:assertErrorPattern(function() torch.polygamma(x, 1) end, "invalid arguments to 'polygamma'")
   tester:assertErrorPattern(function() x:polygamma('a') end, "invalid arguments to 'polygamma'")
end

tester:add(tests)
tester:run()
