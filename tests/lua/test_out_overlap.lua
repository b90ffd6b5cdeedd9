-- Result-first forms whose result tensor shares memory with an input (lib/TH/THTensorOut.c):
-- the same tensor works in place (torch.cumsum(x, x) as in Torch7), any other sharing reads
-- the inputs first, and a result whose elements alias each other is refused.
require 'torch'
local tester = torch.Tester()
local tests = torch.TestSuite()

local INTERNAL = 'more than one element of the written%-to tensor refers to a single memory location'

local function expanded(...)
   local one = {}
   for i = 1, select('#', ...) do one[i] = 1 end
   return torch.DoubleTensor(unpack(one)):zero():expand(...)
end

function tests.same_tensor_in_place()
   local x = torch.DoubleTensor({1, 2, 3, 4})
   torch.cumsum(x, x)
   tester:assertTensorEq(x, torch.DoubleTensor({1, 3, 6, 10}), 0)
   x = torch.DoubleTensor({1, 2, 3, 4})
   torch.cumprod(x, x)
   tester:assertTensorEq(x, torch.DoubleTensor({1, 2, 6, 24}), 0)
   local a = torch.DoubleTensor({{2, 1}, {0, 3}})
   local ref = torch.mm(a, a)
   torch.mm(a, a, a)
   tester:assertTensorEq(a, ref, 0)
   local s = torch.DoubleTensor({3, 1, 2})
   local idx = torch.LongTensor()
   torch.sort(s, idx, s)
   tester:assertTensorEq(s, torch.DoubleTensor({1, 2, 3}), 0)
   tester:assertTensorEq(idx, torch.LongTensor({2, 3, 1}), 0)
   local m = torch.DoubleTensor({{4, 1}, {1, 3}})
   local inv = torch.inverse(m:clone())
   torch.inverse(m, m)
   tester:assertTensorEq(m, inv, 1e-12)
end

function tests.overlapping_result_reads_inputs_first()
   local y = torch.DoubleTensor({1, 2, 3, 4, 5})
   torch.cumsum(y:narrow(1, 2, 4), y:narrow(1, 1, 4))
   tester:assertTensorEq(y, torch.DoubleTensor({1, 1, 3, 6, 10}), 0)
   y = torch.DoubleTensor({5, 4, 3, 2, 1})
   torch.sort(y:narrow(1, 1, 3), torch.LongTensor(), y:narrow(1, 3, 3))
   tester:assertTensorEq(y, torch.DoubleTensor({1, 2, 3, 2, 1}), 0)
   y = torch.DoubleTensor({1, 2, 3, 4, 5, 6})
   torch.cat(y:narrow(1, 2, 4), y:narrow(1, 1, 2), y:narrow(1, 3, 2), 1)
   tester:assertTensorEq(y, torch.DoubleTensor({1, 1, 2, 3, 4, 6}), 0)
   y = torch.DoubleTensor({1, 2, 3, 4})
   torch.add(y:narrow(1, 2, 3), y:narrow(1, 1, 3), 10)
   tester:assertTensorEq(y, torch.DoubleTensor({1, 11, 12, 13}), 0)
   y = torch.DoubleTensor({1, 2, 3, 4})
   torch.index(y:narrow(1, 1, 2), y, 1, torch.LongTensor({4, 3}))
   tester:assertTensorEq(y, torch.DoubleTensor({4, 3, 3, 4}), 0)
end

function tests.aliasing_result_refused()
   local x = torch.DoubleTensor({1, 2, 3})
   local m = torch.DoubleTensor({{2, 0}, {0, 2}})
   tester:assertErrorPattern(function() torch.cumsum(expanded(3), x) end, INTERNAL)
   tester:assertErrorPattern(function() torch.cumprod(expanded(3), x) end, INTERNAL)
   tester:assertErrorPattern(function() torch.mm(expanded(2, 2), m, m) end, INTERNAL)
   tester:assertErrorPattern(function() torch.inverse(expanded(2, 2), m) end, INTERNAL)
   tester:assertErrorPattern(function() torch.sort(expanded(3), torch.LongTensor(), x) end, INTERNAL)
   tester:assertErrorPattern(function() torch.topk(expanded(2), torch.LongTensor(), x, 2) end, INTERNAL)
   tester:assertErrorPattern(function() torch.cat(expanded(6), x, x, 1) end, INTERNAL)
   tester:assertErrorPattern(function() torch.add(expanded(3), x, 1) end, INTERNAL)
   tester:assertErrorPattern(function() torch.exp(expanded(3), x) end, INTERNAL)
   tester:assertErrorPattern(function() torch.index(expanded(2), x, 1, torch.LongTensor({1, 2})) end, INTERNAL)
   tester:assertErrorPattern(function() torch.sum(expanded(1, 2), m, 1) end, INTERNAL)
   local w = torch.DoubleTensor(5):zero():unfold(1, 2, 1)   -- 4 x 2 overlapping windows
   tester:assertErrorPattern(function() w:copy(torch.DoubleTensor(4, 2):fill(1)) end, INTERNAL)
end

tester:add(tests)
tester:run()
