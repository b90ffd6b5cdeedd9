-- geqrf / orgqr / ormqr / pstrf (Torch7 forms, 1-based pivots), gels with its factor, and bhistc.
require 'torch'
local tester = torch.Tester()
local tests = torch.TestSuite()

local function eq(a, b, tol, msg) return tester:assertTensorEq(a, b, tol or 1e-10, msg) end

local A = torch.Tensor{{2, -1, 0.5}, {1, 3, -2}, {0.5, 1, 4}, {-1, 2, 1}, {3, 0, 1}}

function tests.geqrf_orgqr_reconstruct()
   local m, tau = torch.geqrf(A)
   tester:asserteq(m:size(1), 5); tester:asserteq(m:size(2), 3); tester:asserteq(tau:size(1), 3)
   local q = torch.orgqr(m, tau)
   local r = torch.triu(m:narrow(1, 1, 3))
   eq(q * r, A, 1e-10, 'Q R = A')
   eq(q:t() * q, torch.eye(3), 1e-10, 'Q orthonormal')
   local q2, r2 = torch.qr(A)
   eq(torch.abs(q), torch.abs(q2), 1e-10, 'same Q as qr up to signs')
   -- result-tensor forms
   local m3, tau3, q3 = torch.Tensor(), torch.Tensor(), torch.Tensor()
   torch.geqrf(m3, tau3, A)
   eq(m3, m); eq(tau3, tau)
   torch.orgqr(q3, m3, tau3)
   eq(q3, q)
end

function tests.ormqr_forms()
   local m, tau = torch.geqrf(A)
   local q = torch.orgqr(m, tau)
   local c = torch.Tensor{{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}}
   -- Q^T c: its first 3 rows are q^T c
   local qtc = torch.ormqr(m, tau, c, 'L', 'T')
   eq(qtc:narrow(1, 1, 3), q:t() * c, 1e-10, "Q^T c")
   eq(torch.ormqr(m, tau, qtc), c, 1e-10, "Q (Q^T c) = c")
   local d = torch.Tensor{{1, 2, 3, 4, 5}}
   local res = torch.Tensor()
   torch.ormqr(res, m, tau, d, 'R')
   eq(torch.ormqr(m, tau, res, 'R', 'T'), d, 1e-10, "(d Q) Q^T = d")
   tester:assertError(function() torch.ormqr(m, tau, torch.Tensor(4, 2)) end, 'row mismatch')
   tester:assertError(function() torch.ormqr(m, tau, c, 'X') end, 'bad option')
end

function tests.pstrf_rank_deficient()
   local B = torch.Tensor{{1, 2}, {0, 1}, {3, -1}, {2, 2}}
   local S = B * B:t()                  -- 4x4 PSD of rank 2
   local u, piv = torch.pstrf(S)
   tester:asserteq(torch.type(piv), 'torch.IntTensor')
   local seen = {}
   for i = 1, 4 do seen[piv[i]] = true end
   for i = 1, 4 do tester:assert(seen[i], 'piv is a 1-based permutation') end
   local P = torch.zeros(4, 4)
   for j = 1, 4 do P[piv[j]][j] = 1 end
   eq(P:t() * S * P, u:t() * u, 1e-9, "P^T A P = U^T U")
   eq(u, torch.triu(u), 0, 'upper')
   local l, piv2 = torch.pstrf(S, 'L')
   eq(P:t() * S * P, l * l:t(), 1e-9, "lower form")
   local r, p = torch.Tensor(), torch.IntTensor()
   torch.pstrf(r, p, S, 'U', -1)
   eq(r, u, 0); eq(p, piv, 0)
   tester:assertError(function() torch.pstrf(torch.Tensor(3, 2)) end, 'not square')
end

function tests.pstrf_pivot_order()
   local u, piv = torch.pstrf(torch.diag(torch.Tensor{1, 9, 4}))
   eq(piv, torch.IntTensor{2, 3, 1}, 0)
   eq(torch.diag(u), torch.Tensor{3, 2, 1}, 1e-12)
end

function tests.bhistc()
   local x = torch.Tensor{{1, 2, 1, 4}, {3, 3, 3, 2}}
   local h = torch.bhistc(x, 4)
   tester:asserteq(h:size(1), 2); tester:asserteq(h:size(2), 4)
   eq(h[1], torch.histc(x[1], 4, 1, 4), 0, 'row 1 over the whole range')
   eq(h[2], torch.histc(x[2], 4, 1, 4), 0, 'row 2 over the whole range')
   eq(h, torch.Tensor{{2, 1, 0, 1}, {0, 1, 3, 0}}, 0)
   local r = torch.Tensor()
   torch.bhistc(r, x, 2, 0, 4)
   eq(r, torch.Tensor{{2, 2}, {0, 4}}, 0)
   eq(x:bhistc(2, 0, 4), r, 0, 'method form')
   tester:asserteq(torch.bhistc(x):size(2), 100)
   tester:assertError(function() torch.bhistc(torch.Tensor{1, 2}) end, '1-D refused')
end

-- Torch7 test.lua's overdetermined system (the LAPACK dgels example), residual norm from it
local function gelsExample()
   local a = torch.Tensor({{1.44, -9.96, -7.55, 8.34, 7.08, -5.45}, {-7.84, -0.28, 3.24, 8.09, 2.52, -5.70},
                           {-4.39, -3.24, 6.27, 5.28, 0.74, -1.19}, {4.53, 3.83, -6.64, 2.06, -2.47, 4.70}}):t()
   local b = torch.Tensor({{8.58, 8.26, 8.48, -5.28, 5.72, 8.93}, {9.35, -4.43, -0.70, -0.26, -7.36, -2.52}}):t()
   return a, b
end

function tests.gels_overdetermined_and_factor()
   local a, b = gelsExample()
   local a0, b0 = a:clone(), b:clone()
   local x, f = torch.gels(b, a)
   eq(a, a0, 0, 'gels leaves a alone')
   eq(b, b0, 0, 'gels leaves b alone')
   tester:asserteq(x:size(1), 4); tester:asserteq(x:size(2), 2)
   tester:assertalmosteq((torch.mm(a, x) - b):norm(), 17.390200628863, 1e-8, 'residual norm of Torch7 test')
   eq(torch.mm(a:t(), torch.mm(a, x) - b), torch.zeros(4, 2), 1e-10, 'normal equations')
   -- the second result is A's QR factor as LAPACK leaves it: geqrf's compact form
   tester:asserteq(f:size(1), 6); tester:asserteq(f:size(2), 4)
   local g = torch.geqrf(a)
   eq(f, g, 1e-12, 'gels factor = geqrf of A')
   eq(torch.triu(f):narrow(1, 1, 4):abs(), torch.triu(select(2, torch.qr(a))):abs(), 1e-10, '|R| of qr')
   -- result tensors (reused) and the in-place form of Torch7's tests
   local tb, ta = torch.Tensor(), torch.Tensor()
   local x2, f2 = torch.gels(tb, ta, b, a)
   tester:assert(x2 == tb and f2 == ta, 'results are the given tensors')
   eq(tb, x, 1e-12); eq(ta, f, 1e-12)
   local bb, aa = b:clone(), a:clone()
   torch.gels(bb, aa, bb, aa)
   eq(bb, x, 1e-12, 'in place: b becomes x')
   eq(aa, f, 1e-12, 'in place: a becomes its factor')
   local xf, ff = torch.gels(b:float(), a:float())
   eq(xf:double(), x, 1e-4, 'float')
   tester:asserteq(torch.typename(ff), 'torch.FloatTensor')
end

function tests.gels_underdetermined_least_norm_and_factor()
   local a, b = gelsExample()
   a, b = a:t():contiguous(), torch.Tensor({{1, 2}, {3, 4}, {5, 6}, {7, 8}})   -- 4 x 6: wide
   local x, f = torch.gels(b, a)
   tester:asserteq(x:size(1), 6)
   eq(torch.mm(a, x), b, 1e-10, 'exact solution')
   -- least norm: x lies in the row space of A, x = A^T (A A^T)^-1 b
   eq(x, torch.mm(a:t(), (torch.gesv(b, torch.mm(a, a:t())))), 1e-10, 'least-norm solution')
   -- the LQ factor: L (lower triangle of the first 4 columns) = R^T of qr(A^T) up to signs
   tester:asserteq(f:size(1), 4); tester:asserteq(f:size(2), 6)
   local L = torch.tril(f:narrow(2, 1, 4))
   local _, R = torch.qr(a:t())
   eq(L:abs(), R:t():abs(), 1e-10, '|L| = |R^T| of qr(A^T)')
   -- a uniquely determined system
   local sq = torch.Tensor({{1, 2}, {3, 5}})
   local xs = torch.gels(torch.Tensor({{5}, {13}}), sq)
   eq(xs, torch.Tensor({{1}, {2}}), 1e-12, 'square system')
end

function tests.gels_bad_input()
   local a, b = gelsExample()
   tester:assertErrorPattern(function() torch.gels(b) end, 'expected 2 input tensor')
   tester:assertErrorPattern(function() torch.gels(b:narrow(1, 1, 5), a) end, 'gels')
   local deficient = a:clone()
   deficient:select(2, 2):zero()
   tester:assertErrorPattern(function() torch.gels(b, deficient) end, 'full rank')
   tester:assertErrorPattern(function() torch.gels(b:int(), a:int()) end, 'gels')
end

-- Torch7's TH bhistc: min == max (whatever their value) means the whole tensor's range,
-- and a constant tensor gets [v - 1, v + 1]; values outside [min, max] are not counted
local function naivebhistc(x, nbins, lo, hi)
   if lo == hi then lo, hi = x:min(), x:max() end
   if lo == hi then lo, hi = lo - 1, hi + 1 end
   local h = torch.zeros(x:size(1), nbins)
   for i = 1, x:size(1) do
      for j = 1, x:size(2) do
         local v = x[i][j]
         if v >= lo and v <= hi then
            local bin = math.floor((v - lo) / (hi - lo) * nbins)
            bin = math.min(bin, nbins - 1) + 1
            h[i][bin] = h[i][bin] + 1
         end
      end
   end
   return h
end

function tests.bhistc_torch7_cases()
   -- Torch7 test.lua's bhistc case
   local x = torch.Tensor({{2, 4, 2, 2, 5, 4}, {3, 5, 1, 5, 3, 5}, {3, 4, 2, 5, 5, 1}})
   eq(torch.bhistc(x, 5, 1, 5), torch.Tensor({{0, 3, 0, 2, 1}, {1, 0, 2, 0, 3}, {1, 1, 1, 1, 2}}), 0)
   -- min == max == 0 and min == max ~= 0 both take the tensor's range, not each row's
   local y = torch.Tensor({{1, 1, 1}, {4, 6, 9}})
   for _, mm in ipairs({0, 7, -3}) do
      eq(torch.bhistc(y, 4, mm, mm), naivebhistc(y, 4, 1, 9), 0, 'min == max == ' .. mm)
   end
   eq(torch.bhistc(y, 4), torch.Tensor({{3, 0, 0, 0}, {0, 1, 1, 1}}), 0, 'defaults')
   -- a constant tensor: [v - 1, v + 1]
   local c = torch.Tensor(2, 3):fill(5)
   eq(torch.bhistc(c, 4), torch.Tensor({{0, 0, 3, 0}, {0, 0, 3, 0}}), 0, 'constant tensor')
   -- values outside an explicit range are dropped; random data against the naive loop
   torch.manualSeed(7)
   local r = torch.randn(5, 40)
   eq(torch.bhistc(r, 7, -0.5, 1), naivebhistc(r, 7, -0.5, 1), 0, 'explicit range')
   eq(torch.bhistc(r, 9), naivebhistc(r, 9, 0, 0), 0, 'data range')
   eq(torch.bhistc(r:float(), 9):double(), naivebhistc(r:float():double(), 9, 0, 0), 0, 'float')
   tester:assertErrorPattern(function() torch.bhistc(torch.Tensor(2, 2, 2)) end, '2%-D tensor expected')
   tester:assertErrorPattern(function() torch.bhistc(r, 0) end, 'nbins must be positive')
end

tester:add(tests)
tester:run()
