-- lua/nn classes inside a model saved by real Torch7 (loaded with torch.load + nngraph).
require 'nn'
local tester = torch.Tester()
local tests = torch.TestSuite()

-- a gModule saved by real Torch7 (../shared/t7): output = b + Linear(a)
local here = debug.getinfo(1, 'S').source:match('^@(.*)/[^/]*$') or '.'
local t7file
for _, p in ipairs{here .. '/../../../shared/t7/gmodule_with_linear_identity.t7',
                   here .. '/../../../../shared/t7/gmodule_with_linear_identity.t7'} do
   local f = io.open(p, 'rb')
   if f then f:close(); t7file = p; break end
end
if t7file and pcall(require, 'nngraph') then
   function tests.load_torch7_saved_gmodule()
      local g = torch.load(t7file)
      tester:asserteq(torch.type(g), 'nn.gModule')
      local lin = g:findModules('nn.Linear')[1]
      tester:assertalmosteq(lin.weight[2][1], 0.17503953725099564, 1e-15, 'saved Linear weight')
      local a, b = torch.Tensor{0.5}, torch.Tensor{1, -2}
      local y = g:forward({a, b})
      local ref = b + lin.weight * a + lin.bias
      tester:assertTensorEq(y, ref, 1e-12, 'forward of a Torch7-saved graph of nn modules')
      g:zeroGradParameters()
      local gi = g:backward({a, b}, torch.Tensor{1, 1})
      tester:assertTensorEq(gi[2], torch.ones(2), 0, 'gradient through CAddTable')
      tester:assertalmosteq(gi[1][1], lin.weight:sum(), 1e-12, 'gradient through Linear')
   end
end


tester:add(tests)
tester:run()
