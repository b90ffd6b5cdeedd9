-- geqrf / orgqr / ormqr / pstrf (Torch7 forms, 1-based pivots) and bhistc.
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

tester:add(tests)
tester:run()
