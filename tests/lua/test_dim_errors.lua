-- Lua-visible dimension/index errors are 1-based (C dims are 0-based): dims are validated in
-- Lua before the C call, and C messages naming a dimension are renumbered.
require 'torch'
local tester = torch.Tester()
local tests = torch.TestSuite()

local function dimmsg(n, fname, d, nd)
   return string.format("bad argument #%d to '%s' %%(dimension %d out of range for a %dD tensor: expected 1 <= dim <= %d%%)",
                        n, fname, d, nd, nd)
end

function tests.dim_out_of_range()
   local a = torch.DoubleTensor(2, 3):fill(1)
   local idx = torch.LongTensor(2, 3):fill(1)
   tester:assertErrorPattern(function() a:narrow(3, 1, 1) end, dimmsg(2, 'narrow', 3, 2))
   tester:assertErrorPattern(function() a:select(0, 1) end, dimmsg(2, 'select', 0, 2))
   tester:assertErrorPattern(function() a:index(3, torch.LongTensor{1}) end, dimmsg(2, 'index', 3, 2))
   tester:assertErrorPattern(function() a:sum(3) end, dimmsg(2, 'sum', 3, 2))
   tester:assertErrorPattern(function() torch.sum(a, 5) end, dimmsg(2, 'sum', 5, 2))
   tester:assertErrorPattern(function() a:max(3) end, dimmsg(2, 'max', 3, 2))
   tester:assertErrorPattern(function() a:min(0) end, dimmsg(2, 'min', 0, 2))
   tester:assertErrorPattern(function() a:sort(3) end, dimmsg(2, 'sort', 3, 2))
   tester:assertErrorPattern(function() a:transpose(1, 3) end, dimmsg(3, 'transpose', 3, 2))
   tester:assertErrorPattern(function() a:transpose(4, 1) end, dimmsg(2, 'transpose', 4, 2))
   tester:assertErrorPattern(function() a:gather(3, idx) end, dimmsg(2, 'gather', 3, 2))
   tester:assertErrorPattern(function() a:scatter(3, idx, 0) end, dimmsg(2, 'scatter', 3, 2))
   tester:assertErrorPattern(function() a:cumsum(3) end, dimmsg(2, 'cumsum', 3, 2))
   tester:assertErrorPattern(function() a:topk(1, 3) end, dimmsg(3, 'topk', 3, 2))
   tester:assertErrorPattern(function() torch.cat(a, a, 3) end, dimmsg(3, 'cat', 3, 2))
   tester:assertErrorPattern(function() torch.cat({a, a}, 3) end, dimmsg(2, 'cat', 3, 2))
   tester:assertErrorPattern(function() torch.DoubleTensor(4):size(2) end, dimmsg(2, 'size', 2, 1))
   tester:assertErrorPattern(function() torch.DoubleTensor():size(1) end,
                             'dimension 1 out of range for a tensor with no dimensions')
   -- a valid last dimension still works
   tester:asserteq(a:sum(2):size(2), 1)
   tester:asserteq(torch.cat(a, a, 2):size(2), 6)
end

function tests.c_index_errors_name_1based_dims()
   local a = torch.DoubleTensor(2, 3):fill(1)
   tester:assertErrorPattern(function() a:index(2, torch.LongTensor{5}) end,
      "bad argument #3 to 'index' %(index 5 is out of bounds for dimension 2 with size 3%)")
   tester:assertErrorPattern(function() a:index(1, torch.LongTensor{0}) end,
      "index 0 is out of bounds for dimension 1 with size 2")
   tester:assertErrorPattern(function() a:gather(2, torch.LongTensor(2, 3):fill(4)) end,
      "bad argument #3 to 'gather' %(index 4 is out of bounds for dimension 2 with size 3%)")
   tester:assertErrorPattern(function() a:scatter(1, torch.LongTensor(2, 3):fill(3), 0) end,
      "bad argument #3 to 'scatter' %(index 3 is out of bounds for dimension 1 with size 2%)")
   tester:assertErrorPattern(function() a:indexFill(2, torch.LongTensor{9}, 1) end,
      "bad argument #3 to 'indexFill' %(index 9 is out of bounds for dimension 2")
   tester:assertErrorPattern(function() a:indexCopy(2, torch.LongTensor{9}, torch.zeros(2, 1)) end,
      "dimension 2")
   tester:assertErrorPattern(function() a:indexAdd(2, torch.LongTensor{9}, torch.zeros(2, 1)) end,
      "dimension 2")
   tester:assertErrorPattern(function() torch.cat(a, torch.zeros(3, 3), 2) end,
      "must match except in dimension 2.*tensor number 2")
end

function tests.element_index_errors_name_the_user_dim()
   local a = torch.DoubleTensor(2, 3)
   tester:assertErrorPattern(function() return a[{1, 4}] end, 'index 4 out of range for dimension 2 of size 3')
   tester:assertErrorPattern(function() return a[{3, 1}] end, 'index 3 out of range for dimension 1 of size 2')
   tester:assertErrorPattern(function() return a[{{1, 2}, {2, 5}}] end, 'out of bounds for dimension 2 of size 3')
   tester:assertErrorPattern(function() a[{2, 7}] = 1 end, 'index 7 out of range for dimension 2 of size 3')
end

tester:add(tests)
tester:run()
