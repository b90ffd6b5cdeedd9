-- lua/nn modules of torch7-nn.md §2 written in Lua in Torch7 (table_extra, debugging, conversion,
-- constant_noise, criterions_extra, linear_variants, weightnorm, convolution_map, normalization,
-- pooling_extra) and nn.test: Jacobians (float64, finite differences), batch == stacked
-- samples, values against explicit formulas, and bad input.
require 'nn'
local tester = torch.Tester()
local tests = torch.TestSuite()
local jac = nn.Jacobian
local precision = 1e-5
torch.manualSeed(4321)
torch.setdefaulttensortype('torch.DoubleTensor')

local C = dofile(assert(package.searchpath('nn.test.checks', package.path)))(tester)
local errs, checkModule, checkTableGrad, checkBatch = C.errs, C.checkModule, C.checkTableGrad, C.checkBatch

------------------------------------------------------------------------ table layers
function tests.CAddTensorTable()
   local m = nn.CAddTensorTable()
   local v = torch.randn(3, 2)
   local ts = {torch.randn(3, 2), torch.randn(3, 2), torch.randn(3, 2)}
   local out = m:forward({v, ts})
   tester:asserteq(#out, 3, 'CAddTensorTable: one output per table entry')
   for i = 1, 3 do tester:assertTensorEq(out[i], ts[i] + v, 1e-15, 'CAddTensorTable: value ' .. i) end
   checkTableGrad('CAddTensorTable', m, {v, ts})
   -- a shorter table later drops the extra entries
   tester:asserteq(#m:forward({v, {ts[1]}}), 1, 'CAddTensorTable: output shrinks')
   tester:asserteq(#m:backward({v, {ts[1]}}, {torch.randn(3, 2)})[2], 1, 'CAddTensorTable: gradInput shrinks')
   errs(function() m:forward(torch.randn(3)) end, 'CAddTensorTable.*table', 'CAddTensorTable: tensor input')
   errs(function() m:forward({v, {torch.randn(4)}}) end, 'CAddTensorTable.*6 elements', 'CAddTensorTable: size mismatch')
end

function tests.ZipTable()
   local m = nn.ZipTable()
   local a1, a2, b1, b2, c1, c2 = torch.randn(2), torch.randn(3), torch.randn(2), torch.randn(3), torch.randn(2), torch.randn(3)
   local out = m:forward({{a1, a2}, {b1, b2}, {c1, c2}})
   tester:asserteq(#out, 2, 'ZipTable: 2 zipped tables')
   tester:assert(out[1][1] == a1 and out[1][2] == b1 and out[1][3] == c1 and out[2][1] == a2 and out[2][3] == c2,
                 'ZipTable: zipped order')
   checkTableGrad('ZipTable', m, {{a1, a2}, {b1, b2}, {c1, c2}})
   errs(function() m:forward({torch.randn(2)}) end, 'ZipTable.*table of tables', 'ZipTable: entry not a table')
end

function tests.ZipTableOneToMany()
   local m = nn.ZipTableOneToMany()
   local v, a, b, c = torch.randn(3), torch.randn(3), torch.randn(2), torch.randn(4)
   local out = m:forward({v, {a, b, c}})
   tester:asserteq(#out, 3, 'ZipTableOneToMany: one pair per entry')
   tester:assert(out[2][1] == v and out[2][2] == b, 'ZipTableOneToMany: pairs {v, x}')
   checkTableGrad('ZipTableOneToMany', m, {v, {a, b, c}})
   errs(function() m:forward({v}) end, 'ZipTableOneToMany.*2 entries', 'ZipTableOneToMany: missing table')
end

function tests.MixtureTable()
   -- table of experts, batch
   local B, n = 4, 3
   local gater = torch.rand(B, n)
   local experts = {torch.randn(B, 5), torch.randn(B, 5), torch.randn(B, 5)}
   local m = nn.MixtureTable()
   local out = m:forward({gater, experts})
   local ref = torch.zeros(B, 5)
   for i = 1, n do ref:add(torch.cmul(experts[i], gater:select(2, i):contiguous():view(B, 1):expand(B, 5))) end
   tester:assertTensorEq(out, ref, 1e-13, 'MixtureTable: table-of-experts value')
   checkTableGrad('MixtureTable (table)', m, {gater, experts})
   -- one tensor of experts (B x n x 5), batch
   local et = torch.randn(B, n, 5)
   local mt = nn.MixtureTable()
   local outt = mt:forward({gater, et})
   local reft = torch.zeros(B, 5)
   for i = 1, n do reft:add(torch.cmul(et:select(2, i), gater:select(2, i):contiguous():view(B, 1):expand(B, 5))) end
   tester:assertTensorEq(outt, reft, 1e-13, 'MixtureTable: tensor-of-experts value')
   checkTableGrad('MixtureTable (tensor)', mt, {gater, et})
   -- experts with more dims along dim 2 of B x n x 2 x 3
   checkTableGrad('MixtureTable (tensor, 4-D)', nn.MixtureTable(2), {gater, torch.randn(B, n, 2, 3)})
   -- single sample: gater n, experts table of n vectors, or n x 5
   local g1 = torch.rand(n)
   local o1 = nn.MixtureTable():forward({g1, {experts[1][1], experts[2][1], experts[3][1]}})
   local r1 = experts[1][1] * g1[1] + experts[2][1] * g1[2] + experts[3][1] * g1[3]
   tester:assertTensorEq(o1, r1, 1e-13, 'MixtureTable: single sample')
   checkTableGrad('MixtureTable (single, table)', nn.MixtureTable(), {g1, {torch.randn(5), torch.randn(5), torch.randn(5)}})
   checkTableGrad('MixtureTable (single, tensor)', nn.MixtureTable(), {g1, torch.randn(n, 5)})
   errs(function() nn.MixtureTable():forward({gater, {experts[1]}}) end, 'one gater output per expert',
        'MixtureTable: expert count')
   errs(function() nn.MixtureTable():forward({torch.randn(2, 2, 2), experts}) end, 'MixtureTable.*1%-D or 2%-D',
        'MixtureTable: 3-D gater')
end

------------------------------------------------------------------------ debugging aids
local function capturePrint(f)
   local lines = {}
   local old = print
   print = function(...)
      local parts = {}
      for i = 1, select('#', ...) do parts[i] = tostring((select(i, ...))) end
      lines[#lines + 1] = table.concat(parts, '\t')
   end
   local ok, err = pcall(f)
   print = old
   if not ok then error(err, 0) end
   return table.concat(lines, '\n')
end

function tests.PrintSize()
   local m = nn.PrintSize('probe')
   local x = torch.randn(2, 3)
   local out
   local text = capturePrint(function() out = m:forward(x) end)
   tester:assert(out == x, 'PrintSize: forward is the identity')
   tester:assert(text:find('probe:input') ~= nil and text:find('2') ~= nil and text:find('3') ~= nil,
                 'PrintSize: prints the input size, got ' .. text)
   local go = torch.randn(2, 3)
   text = capturePrint(function() out = m:backward(x, go) end)
   tester:assert(out == go and text:find('probe:gradOutput') ~= nil, 'PrintSize: backward prints and passes gradOutput')
   tester:assert(m:clearState() == m, 'PrintSize: clearState returns self')
end

function tests.ZeroGrad()
   local m = nn.ZeroGrad()
   local x = torch.randn(3, 4)
   tester:assertTensorEq(m:forward(x), x, 0, 'ZeroGrad: identity forward')
   local gi = m:backward(x, torch.randn(3, 4))
   tester:assertTensorEq(gi, torch.zeros(3, 4), 0, 'ZeroGrad: zero gradient')
   -- in a net, the path through ZeroGrad contributes nothing to the input's gradient
   local net = nn.Sequential():add(nn.ConcatTable():add(nn.ZeroGrad()):add(nn.MulConstant(2))):add(nn.CAddTable())
   net:forward(x)
   tester:assertTensorEq(net:backward(x, torch.ones(3, 4)), torch.Tensor(3, 4):fill(2), 1e-15, 'ZeroGrad: blocked path')
   errs(function() m:forward({x}) end, 'ZeroGrad: expected input to be a Tensor', 'ZeroGrad: table input')
end

function tests.NaN()
   local lin = nn.Linear(3, 2)
   local m = nn.NaN(lin, 7)
   local x = torch.randn(4, 3)
   tester:assertTensorEq(m:forward(x), lin:forward(x), 0, 'NaN: forward of the wrapped module')
   m:backward(x, torch.randn(4, 2))
   local bad = x:clone(); bad[2][2] = 0 / 0
   errs(function() m:forward(bad) end, 'NaN found in input of module :\nnn.NaN%(7%) @ nn.Linear', 'NaN: input')
   lin.weight[1][1] = 0 / 0
   errs(function() m:forward(x) end, 'NaN found in parameters', 'NaN: parameters')
   lin:reset()
   local badgo = torch.randn(4, 2); badgo[1][1] = 0 / 0
   m:forward(x)
   errs(function() m:backward(x, badgo) end, 'NaN found in gradOutput', 'NaN: gradOutput')
   tester:assert(tostring(nn.NaN(nn.Tanh())):find('nn.NaN%(%d+%) @ nn.Tanh') ~= nil, 'NaN: tostring')
end

function tests.Profile()
   local lin = nn.Linear(3, 2)
   local m = nn.Profile(lin, 2, 'lin')
   local x = torch.randn(5, 3)
   local text = capturePrint(function()
      for _ = 1, 3 do m:forward(x); m:backward(x, torch.randn(5, 2)) end
   end)
   tester:assertTensorEq(m.output, lin:forward(x), 0, 'Profile: forward of the wrapped module')
   local _, nf = text:gsub('lin took [%d.]+ seconds for 2 forward passes', '')
   local _, nb = text:gsub('lin took [%d.]+ seconds for 2 backward passes', '')
   tester:asserteq(nf, 1, 'Profile: one forward report per 2 passes')
   tester:asserteq(nb, 1, 'Profile: one backward report per 2 passes')
   tester:asserteq(m.numFwds, 1, 'Profile: counter restarts after a report')
   checkModule('Profile', nn.Profile(nn.Tanh(), 1000), torch.randn(3, 4))
end

------------------------------------------------------------------------ layout and type
function tests.Collapse()
   local m = nn.Collapse(3)
   local x = torch.randn(2, 3, 4, 5)
   tester:assertTensorEq(m:forward(x), x:view(2, 60), 0, 'Collapse: batch keeps dim 1')
   tester:assertTensorEq(m:forward(x[1]), x[1]:view(60), 0, 'Collapse: one sample flattens')
   local nc = torch.randn(5, 4, 3, 2):transpose(1, 4)
   tester:assertTensorEq(m:forward(nc), nc:contiguous():view(2, 60), 0, 'Collapse: non-contiguous input')
   checkModule('Collapse', m, torch.randn(2, 3, 2, 2))
end

function tests.OneHot()
   local m = nn.OneHot(5)
   local out = m:forward(torch.LongTensor{3, 1, 5})
   local ref = torch.zeros(3, 5); ref[1][3] = 1; ref[2][1] = 1; ref[3][5] = 1
   tester:assertTensorEq(out, ref, 0, 'OneHot: 1-D indices')
   tester:assertTensorEq(m:forward(torch.Tensor{{2, 4}, {1, 1}})[1][2], torch.Tensor{0, 0, 0, 1, 0}, 0,
                         'OneHot: 2-D double indices')
   tester:assertTensorEq(m:forward(4), torch.Tensor{0, 0, 0, 1, 0}, 0, 'OneHot: number input')
   tester:assertTensorEq(m:backward(torch.LongTensor{3, 1}, torch.randn(2, 5)), torch.zeros(2), 0, 'OneHot: zero gradInput')
   errs(function() m:forward(torch.LongTensor{0, 2}) end, 'OneHot: expected indices in %[1, 5%]', 'OneHot: index 0')
   errs(function() m:forward(torch.LongTensor{6}) end, 'OneHot: expected indices in %[1, 5%]', 'OneHot: index 6')
   errs(function() m:forward('a') end, 'OneHot: expected input to be a Tensor', 'OneHot: string')
end

function tests.Convert()
   local x = torch.randn(2, 3, 4, 5)
   local m = nn.Convert('bchw', 'bf')
   tester:assertTensorEq(m:forward(x), x:view(2, 60), 0, 'Convert: bchw -> bf')
   tester:assertTensorEq(m:backward(x, torch.ones(2, 60)), torch.ones(2, 3, 4, 5), 0, 'Convert: bchw -> bf gradient')
   local t = nn.Convert('bf', 'fb')
   local y = torch.randn(3, 4)
   tester:assertTensorEq(t:forward(y), y:t(), 0, 'Convert: bf -> fb transposes')
   checkModule('Convert bf->fb', nn.Convert('bf', 'fb'), torch.randn(3, 4))
   local hw = nn.Convert('bchw', 'bhwc')
   tester:assertTensorEq(hw:forward(x), x:permute(1, 3, 4, 2), 0, 'Convert: bchw -> bhwc')
   -- one sample (no batch dim) gets one added then removed
   local s = nn.Convert('bchw', 'bf')
   tester:assertTensorEq(s:forward(x[1]), x[1]:view(60), 0, 'Convert: single chw -> f')
   tester:assertTensorEq(s:backward(x[1], torch.ones(60)), torch.ones(3, 4, 5), 0, 'Convert: single gradient')
   -- other input types are copied to the module's type
   tester:assertTensorEq(nn.Convert('bf', 'fb'):forward(y:float()), y:t(), 1e-6, 'Convert: FloatTensor input')
   tester:assertTensorEq(nn.Convert('b', 'bt'):forward(torch.Tensor{1, 2}), torch.Tensor{{1}, {2}}, 0, 'Convert: b -> bt')
   tester:assertTensorEq(nn.Convert():forward(y), y, 0, "Convert: default 'b*' is the identity")
   errs(function() nn.Convert('bhwc', 'bt'):forward(x) end, "cannot convert shape 'bhwc' to bt", 'Convert: bad pair')
   errs(function() nn.Convert('bf', 'fb'):forward({y}) end, 'Convert: expected input to be a Tensor', 'Convert: table')
end

function tests.DontCast()
   local lin = nn.Linear(3, 2):float()
   local m = nn.DontCast(lin, true)
   tester:asserteq(m.moduleType, 'torch.FloatTensor', 'DontCast: module type found from the output')
   local net = nn.Sequential():add(nn.Tanh()):add(m):add(nn.Tanh())
   net:double()
   tester:asserteq(torch.type(lin.weight), 'torch.FloatTensor', 'DontCast: wrapped module not converted')
   local x = torch.randn(4, 3)
   local out = net:forward(x)
   tester:asserteq(torch.type(out), 'torch.DoubleTensor', 'DontCast: net output double')
   tester:asserteq(torch.type(m.output), 'torch.DoubleTensor', 'DontCast: castout to the net type')
   local ref = torch.tanh(lin:forward(torch.tanh(x):float()):double())
   tester:assertTensorEq(out, ref, 1e-6, 'DontCast: value')
   net:zeroGradParameters()   -- gradWeight starts uninitialized, as in Torch7
   local gi = net:backward(x, torch.ones(4, 2))
   tester:asserteq(torch.type(gi), 'torch.DoubleTensor', 'DontCast: gradInput double')
   tester:assertgt(lin.gradWeight:abs():sum(), 0, 'DontCast: wrapped module got gradients')
   errs(function() nn.DontCast(nn.ConcatTable(), true) end, 'cannot extrapolate moduleType', 'DontCast: no type to infer')
end

function tests.Constant()
   local v = torch.randn(2, 3)
   local m = nn.Constant(v, 2)
   tester:assertTensorEq(m:forward(torch.randn(4, 5)), v, 0, 'Constant: non-batch')
   local out = m:forward(torch.randn(3, 4, 5))
   tester:assertTensorEq(out, v:view(1, 2, 3):expand(3, 2, 3), 0, 'Constant: batch of 3')
   tester:assertTensorEq(m:backward(torch.randn(3, 4, 5), out), torch.zeros(3, 4, 5), 0, 'Constant: zero gradient')
   tester:assertTensorEq(nn.Constant(2.5):forward(torch.randn(3)), torch.Tensor{2.5}, 0, 'Constant: number')
   errs(function() nn.Constant('x') end, 'Constant: expecting number or tensor', 'Constant: bad value')
end

function tests.WhiteNoise()
   local m = nn.WhiteNoise(0.5, 2)
   local x = torch.randn(200, 100)
   local noise = m:forward(x) - x
   tester:assertlt(math.abs(noise:mean() - 0.5), 0.05, 'WhiteNoise: noise mean')
   tester:assertlt(math.abs(noise:std() - 2), 0.05, 'WhiteNoise: noise std')
   local go = torch.randn(200, 100)
   tester:assertTensorEq(m:backward(x, go), go, 0, 'WhiteNoise: identity gradient')
   m:evaluate()
   tester:assertTensorEq(m:forward(x), x + 0.5, 1e-15, 'WhiteNoise: evaluation adds the mean')
   tester:assert(tostring(m):find('mean: 0.5') ~= nil, 'WhiteNoise: tostring')
end

------------------------------------------------------------------------ criterions
local checkCriterionGrad = C.checkCriterion

function tests.DistanceRatioCriterion()
   local c = nn.DistanceRatioCriterion()
   local ds, dd = torch.rand(6) * 3, torch.rand(6) * 3
   local ref = 0
   for i = 1, 6 do ref = ref - math.log(math.exp(-ds[i]) / (math.exp(-ds[i]) + math.exp(-dd[i]))) end
   tester:assertalmosteq(c:forward({ds, dd}), ref / 6, 1e-12, 'DistanceRatioCriterion: averaged value')
   tester:assertalmosteq(nn.DistanceRatioCriterion(false):forward({ds, dd}), ref, 1e-12, 'DistanceRatioCriterion: summed')
   checkCriterionGrad('DistanceRatioCriterion', c, {ds, dd})
   checkCriterionGrad('DistanceRatioCriterion (sum)', nn.DistanceRatioCriterion(false), {ds, dd})
   -- large distances stay finite
   local big = c:forward({torch.Tensor{800}, torch.Tensor{1}})
   tester:assertalmosteq(big, 799, 1e-9, 'DistanceRatioCriterion: large distances')
   errs(function() c:forward({ds}) end, 'DistanceRatioCriterion: expected input {dSimilar, dDissimilar}', 'missing input')
   errs(function() c:forward({ds, torch.rand(5)}) end, 'DistanceRatioCriterion: expected dDissimilar the size of dSimilar',
        'size mismatch')
end

function tests.CriterionTable()
   local crit = nn.MSECriterion()
   local m = nn.CriterionTable(crit)
   local x, t = torch.randn(3, 4), torch.randn(3, 4)
   tester:assertalmosteq(m:forward({x, t}), nn.MSECriterion():forward(x, t), 1e-15, 'CriterionTable: output')
   local gi = m:backward({x, t}, 1)
   tester:assertTensorEq(gi[1], nn.MSECriterion():backward(x, t), 1e-15, 'CriterionTable: gradInput[1]')
   errs(function() m:forward(x) end, 'CriterionTable: expected input to be a table', 'CriterionTable: tensor input')
end

function tests.ModuleCriterion()
   local m = nn.ModuleCriterion(nn.ClassNLLCriterion(), nn.LogSoftMax())
   local ce = nn.CrossEntropyCriterion()
   local x, t = torch.randn(5, 4), torch.LongTensor{1, 4, 2, 2, 3}
   tester:assertalmosteq(m:forward(x, t), ce:forward(x, t), 1e-12, 'ModuleCriterion: LogSoftMax + ClassNLL = CrossEntropy')
   tester:assertTensorEq(m:backward(x, t), ce:backward(x, t), 1e-12, 'ModuleCriterion: gradient')
   -- a target module transforms the target
   local mt = nn.ModuleCriterion(nn.MSECriterion(), nil, nn.MulConstant(2))
   local y, z = torch.randn(3), torch.randn(3)
   tester:assertalmosteq(mt:forward(y, z), nn.MSECriterion():forward(y, z * 2), 1e-12, 'ModuleCriterion: target module')
   mt:float()
   tester:asserteq(torch.type(mt.targetModule.output), 'torch.FloatTensor', 'ModuleCriterion: type casts the target module')
end

function tests.SpatialAutoCropMSECriterion()
   local c = nn.SpatialAutoCropMSECriterion()
   local x, t = torch.randn(2, 3, 7, 6), torch.randn(2, 3, 4, 3)
   local crop = x:narrow(3, 2, 4):narrow(4, 2, 3)
   tester:assertalmosteq(c:forward(x, t), nn.MSECriterion():forward(crop, t), 1e-13, 'SpatialAutoCropMSECriterion: value')
   local gi = c:backward(x, t)
   tester:assertTensorEq(gi:narrow(3, 2, 4):narrow(4, 2, 3), nn.MSECriterion():backward(crop, t), 1e-13,
                         'SpatialAutoCropMSECriterion: gradient inside the crop')
   tester:asserteq(gi:narrow(3, 1, 1):abs():sum(), 0, 'SpatialAutoCropMSECriterion: zero gradient outside the crop')
   checkCriterionGrad('SpatialAutoCropMSECriterion', c, torch.randn(3, 5, 5), torch.randn(3, 2, 3))
   checkCriterionGrad('SpatialAutoCropMSECriterion (sum)', nn.SpatialAutoCropMSECriterion(false), torch.randn(1, 2, 4, 4),
                      torch.randn(1, 2, 3, 3))
   errs(function() c:forward(torch.randn(3, 2, 2), torch.randn(3, 3, 3)) end, 'input resolution %(2 x 2%) must be greater',
        'SpatialAutoCropMSECriterion: input smaller than target')
   errs(function() c:forward(torch.randn(3, 4, 4), torch.randn(2, 3, 3)) end, 'SpatialAutoCropMSECriterion: expected target',
        'SpatialAutoCropMSECriterion: channel mismatch')
   errs(function() c:forward(torch.randn(4, 4), torch.randn(3, 3)) end, 'SpatialAutoCropMSECriterion: expected input 3%-D',
        'SpatialAutoCropMSECriterion: 2-D input')
end

------------------------------------------------------------------------ linear family
function tests.GatedLinearUnit()
   local m = nn.GatedLinearUnit()
   local x = torch.randn(3, 6)
   local a, b = x:narrow(2, 1, 3), x:narrow(2, 4, 3)
   tester:assertTensorEq(m:forward(x), torch.cmul(a, torch.sigmoid(b)), 1e-15, 'GatedLinearUnit: value')
   checkModule('GatedLinearUnit', nn.GatedLinearUnit(), torch.randn(3, 6))
   checkModule('GatedLinearUnit dim 1', nn.GatedLinearUnit(1), torch.randn(4, 3))
   checkBatch('GatedLinearUnit', nn.GatedLinearUnit(), torch.randn(3, 6))
   errs(function() m:forward(torch.randn(3, 5)) end, 'GatedLinear: halving dimension must be even, but dim 2 is of size 5',
        'GatedLinearUnit: odd size')
end

function tests.Maxout()
   local m = nn.Maxout(4, 3, 2)
   local x = torch.randn(5, 4)
   local lin = m.modules[1]:forward(x):view(5, 2, 3)
   tester:assertTensorEq(m:forward(x), lin:max(2):view(5, 3), 1e-15, 'Maxout: max over the groups')
   tester:assertTensorEq(m:forward(x[2]), lin[2]:max(1):view(3), 1e-15, 'Maxout: single sample')
   tester:asserteq(#m:parameters(), 2, 'Maxout: the Linear\'s parameters')
   tester:assertlt(jac.testJacobian(m, torch.randn(5, 4)), precision, 'Maxout: Jacobian')
   errs(function() m:forward(torch.randn(5, 3)) end, 'Linear', 'Maxout: wrong input size')
end

function tests.PartialLinear()
   local m = nn.PartialLinear(5, 7)
   local lin = nn.Linear(5, 7)
   lin.weight:copy(m.network:get(1):get(2).weight)
   lin.bias:copy(m.bias:view(7))
   local x = torch.randn(4, 5)
   tester:assertTensorEq(m:forward(x), lin:forward(x), 1e-13, 'PartialLinear: full partition = Linear')
   local part = torch.LongTensor{2, 5, 7}
   m:setPartition(part)
   tester:assertTensorEq(m:forward(x), lin:forward(x):index(2, part), 1e-13, 'PartialLinear: partition columns')
   local lut = m.network:get(1):get(2)
   for _, p in ipairs({{lut, 'weight', 'gradWeight'}, {m, 'bias', 'gradBias'}}) do
      local err = jac.testJacobianParameters(m, x, p[1][p[2]], p[1][p[3]])
      tester:assertlt(err, precision, 'PartialLinear: error on ' .. p[2])
      err = jac.testJacobianUpdateParameters(m, x, p[1][p[2]])
      tester:assertlt(err, precision, 'PartialLinear: error on ' .. p[2] .. ' [direct update]')
   end
   tester:assertlt(jac.testJacobian(m, x), precision, 'PartialLinear: error on state')
   -- columns outside the partition get no gradient
   m:zeroGradParameters()
   m:forward(x); m:backward(x, torch.randn(4, 3))
   tester:asserteq(lut.gradWeight[1]:abs():sum() + m.gradBias[1][3], 0, 'PartialLinear: untouched columns')
   m:resetPartition()
   lin.weight:copy(lut.weight); lin.bias:copy(m.bias:view(7))
   tester:assertTensorEq(m:forward(x), lin:forward(x), 1e-13, 'PartialLinear: resetPartition')
   errs(function() m:forward(torch.randn(5)) end, 'PartialLinear: expected input of size N x 5', 'PartialLinear: 1-D')
   tester:asserteq(tostring(m), 'nn.PartialLinear(5 -> 7)', 'PartialLinear: tostring')
end

function tests.WeightedEuclidean()
   local m = nn.WeightedEuclidean(5, 3)
   m.diagCov:uniform(0.5, 2)
   local x = torch.randn(4, 5)
   local out = m:forward(x)
   for b = 1, 4 do
      for j = 1, 3 do
         local ref = torch.cmul(m.diagCov:select(2, j), x[b] - m.weight:select(2, j)):norm()
         tester:assertalmosteq(out[b][j], ref, 1e-12, 'WeightedEuclidean: value')
      end
   end
   checkBatch('WeightedEuclidean', m, x)
   local params = {{'weight', 'gradWeight'}, {'diagCov', 'gradDiagCov'}}
   checkModule('WeightedEuclidean', nn.WeightedEuclidean(5, 3), torch.randn(5), {params = params})
   checkModule('WeightedEuclidean batch', nn.WeightedEuclidean(5, 3), torch.randn(4, 5), {params = params})
   errs(function() m:forward(torch.randn(4, 6)) end, 'WeightedEuclidean: expected input of size 5', 'WeightedEuclidean: size')
end

function tests.Kmeans()
   local k, dim = 3, 2
   local m = nn.Kmeans(k, dim)
   local x = torch.randn(30, dim)
   m:initRandom(x)
   local out = m:forward(x)
   local loss = 0
   for i = 1, 30 do
      local best, bi = math.huge, 0
      for j = 1, k do
         local d = (x[i] - m.weight[j]):pow(2):sum()
         if d < best then best, bi = d, j end
      end
      tester:asserteq(out[i], bi, 'Kmeans: nearest centre of sample ' .. i)
      loss = loss + best
   end
   tester:assertalmosteq(m.loss, loss, 1e-10, 'Kmeans: loss')
   tester:assertTensorEq(m:backward(x, out), torch.zeros(30, dim), 0, 'Kmeans: no input gradient')
   -- one update with scale 1 and lr 1 moves each centre to the mean of its samples
   m:zeroGradParameters()
   m:forward(x)
   m:backward(x, out)
   local assign = m.output:clone()
   m:updateParameters(1)
   for j = 1, k do
      local sum, n = torch.zeros(dim), 0
      for i = 1, 30 do if assign[i] == j then sum:add(x[i]); n = n + 1 end end
      if n > 0 then tester:assertTensorEq(m.weight[j], sum / n, 1e-6, 'Kmeans: centre ' .. j .. ' = cluster mean') end
   end
   -- training on separated blobs finds them
   local blobs = torch.randn(60, 2):mul(0.1)
   blobs:narrow(1, 1, 20):add(5); blobs:narrow(1, 41, 20):add(-5)
   local km = nn.Kmeans(3, 2)
   km:initKmeansPlus(blobs)
   for _ = 1, 10 do km:zeroGradParameters(); km:forward(blobs); km:backward(blobs, km.output); km:updateParameters(1) end
   tester:assertlt(km.loss, 60 * 0.1, 'Kmeans: converges on 3 blobs')
   errs(function() m:forward(torch.randn(4, 3)) end, 'Kmeans: expected input N x 2', 'Kmeans: wrong dim')
end

------------------------------------------------------------------------ weight normalization
function tests.LinearWeightNorm()
   local m = nn.LinearWeightNorm(4, 3)
   local x = torch.randn(5, 4)
   m:forward(x)
   local norm = m.v:norm(2, 2)
   tester:assertTensorEq(m.weight, torch.cmul(m.v, torch.cdiv(m.g, norm):expandAs(m.v)), 1e-14,
                         'LinearWeightNorm: weight = g v / ||v||')
   local params = {{'v', 'gradV'}, {'g', 'gradG'}, {'bias', 'gradBias'}}
   checkModule('LinearWeightNorm', nn.LinearWeightNorm(4, 3), torch.randn(4), {params = params})
   checkModule('LinearWeightNorm batch', nn.LinearWeightNorm(4, 3), torch.randn(5, 4), {params = params})
   checkModule('LinearWeightNorm no bias', nn.LinearWeightNorm(4, 3, false), torch.randn(5, 4),
               {params = {{'v', 'gradV'}, {'g', 'gradG'}}})
   -- fromLinear / toLinear keep the function
   local lin = nn.Linear(4, 3)
   local wn = nn.LinearWeightNorm.fromLinear(lin)
   tester:assertTensorEq(wn:forward(x), lin:forward(x), 1e-13, 'LinearWeightNorm: fromLinear')
   tester:assertTensorEq(wn:toLinear():forward(x), lin:forward(x), 1e-13, 'LinearWeightNorm: toLinear')
   -- evaluation after clearState recomputes the weight
   wn:evaluate(); wn:clearState()
   tester:assertTensorEq(wn:forward(x), lin:forward(x), 1e-13, 'LinearWeightNorm: evaluate after clearState')
   -- accumulating two backward passes = the sum of the two gradients
   local a, b = nn.LinearWeightNorm(4, 3), nil
   b = a:clone()
   local x1, x2, g1, g2 = torch.randn(2, 4), torch.randn(2, 4), torch.randn(2, 3), torch.randn(2, 3)
   a:zeroGradParameters(); a:forward(x1); a:backward(x1, g1); a:forward(x2); a:backward(x2, g2)
   b:zeroGradParameters(); local xx = torch.cat(x1, x2, 1); b:forward(xx); b:backward(xx, torch.cat(g1, g2, 1))
   tester:assertTensorEq(a.gradV, b.gradV, 1e-12, 'LinearWeightNorm: gradV accumulates')
   tester:assertTensorEq(a.gradG, b.gradG, 1e-12, 'LinearWeightNorm: gradG accumulates')
   tester:asserteq(tostring(m), 'nn.LinearWeightNorm(4 -> 3)', 'LinearWeightNorm: tostring')
   errs(function() m:forward(torch.randn(5, 3)) end, 'LinearWeightNorm: expected input of size 4', 'LinearWeightNorm: size')
end

function tests.WeightNorm()
   local params = {{'v', 'gradV'}, {'g', 'gradG'}, {'bias', 'gradBias'}}
   local lin = nn.Linear(5, 4)
   local m = nn.WeightNorm(lin)
   local x = torch.randn(3, 5)
   m:forward(x)
   local norm = torch.sqrt(m.v:norm(2, 2):pow(2):add(1e-4))
   tester:assertTensorEq(lin.weight, torch.cmul(m.v, torch.cdiv(m.g:view(4, 1), norm):expandAs(m.v)), 1e-14,
                         'WeightNorm: weight = g v / sqrt(||v||^2 + 1e-4)')
   checkModule('WeightNorm(Linear)', nn.WeightNorm(nn.Linear(5, 4)), torch.randn(3, 5), {params = params})
   checkModule('WeightNorm(TemporalConvolution)', nn.WeightNorm(nn.TemporalConvolution(3, 4, 2)), torch.randn(5, 3),
               {params = params})
   checkModule('WeightNorm(SpatialConvolution)', nn.WeightNorm(nn.SpatialConvolution(2, 3, 2, 2)), torch.randn(2, 4, 4),
               {params = params})
   -- a transposed convolution's weight is nIn x nOut x kH x kW: outputs along dim 2
   local full = nn.WeightNorm(nn.SpatialFullConvolution(2, 3, 2, 2), 2)
   tester:asserteq(full.v:size(1), 3, 'WeightNorm: outputDim 2 rows')
   checkModule('WeightNorm(SpatialFullConvolution, 2)', full, torch.randn(2, 3, 3), {params = params})
   full:forward(torch.randn(2, 3, 3))
   local w = full.weight:transpose(1, 2):contiguous():view(3, -1)
   local n2 = torch.sqrt(full.v:norm(2, 2):pow(2):add(1e-4))
   tester:assertTensorEq(w, torch.cmul(full.v, torch.cdiv(full.g:view(3, 1), n2):expandAs(full.v)), 1e-14,
                         'WeightNorm: outputDim 2 weight')
   -- getParameters flattens v, g and bias
   local p, g = nn.WeightNorm(nn.Linear(5, 4)):getParameters()
   tester:asserteq(p:nElement(), 20 + 4 + 4, 'WeightNorm: getParameters size')
   tester:asserteq(g:nElement(), 28, 'WeightNorm: getParameters grad size')
   errs(function() nn.WeightNorm(nn.Tanh()) end, 'WeightNorm: expected a module with a weight', 'WeightNorm: no weight')
   errs(function() nn.WeightNorm(nn.Linear(2, 3), 3) end, 'WeightNorm: outputDim 3 out of range', 'WeightNorm: outputDim')
end

------------------------------------------------------------------------ convolution maps
function tests.tables()
   local full = nn.tables.full(3, 2)
   tester:asserteq(full:size(1), 6, 'tables.full: nin * nout rows')
   tester:assertTensorEq(full[4], torch.Tensor{1, 2}, 0, 'tables.full: order (inputs fastest)')
   tester:assertTensorEq(nn.tables.oneToOne(3), torch.Tensor{{1, 1}, {2, 2}, {3, 3}}, 0, 'tables.oneToOne')
   local r = nn.tables.random(6, 4, 3)
   tester:asserteq(r:size(1), 12, 'tables.random: nto * nout rows')
   for o = 1, 4 do
      local ins = r:narrow(1, (o - 1) * 3 + 1, 3)
      tester:assertTensorEq(ins:select(2, 2), torch.Tensor(3):fill(o), 0, 'tables.random: output plane ' .. o)
      local seen = {}
      for i = 1, 3 do
         local v = ins[i][1]
         tester:assert(v >= 1 and v <= 6 and not seen[v], 'tables.random: distinct inputs for output ' .. o)
         seen[v] = true
      end
   end
end

-- reference: output[o] = bias[o] + sum_k xcorr2 / full conv of input[i_k] with weight[k] (stride 1)
local function mapReference(m, x, full)
   local oH, oW
   if full then oH, oW = x:size(2) + m.kH - 1, x:size(3) + m.kW - 1
   else oH, oW = x:size(2) - m.kH + 1, x:size(3) - m.kW + 1 end
   local out = torch.zeros(m.nOutputPlane, oH, oW)
   for o = 1, m.nOutputPlane do out[o]:fill(m.bias[o]) end
   for k = 1, m.connTable:size(1) do
      local i, o = m.connTable[k][1], m.connTable[k][2]
      if full then
         -- each input pixel adds the (unflipped) kernel scaled by it
         for a = 1, x:size(2) do
            for b = 1, x:size(3) do
               out[o]:narrow(1, a, m.kH):narrow(2, b, m.kW):add(x[i][a][b], m.weight[k])
            end
         end
      else
         out[o]:add(torch.xcorr2(x[i], m.weight[k]))
      end
   end
   return out
end

function tests.SpatialConvolutionMap()
   local conn = torch.Tensor{{1, 1}, {3, 1}, {2, 2}, {3, 2}, {1, 3}}
   local m = nn.SpatialConvolutionMap(conn, 3, 2)
   tester:asserteq(m.nInputPlane, 3, 'SpatialConvolutionMap: nInputPlane')
   tester:asserteq(m.nOutputPlane, 3, 'SpatialConvolutionMap: nOutputPlane')
   local x = torch.randn(3, 6, 7)
   tester:assertTensorEq(m:forward(x), mapReference(m, x), 1e-12, 'SpatialConvolutionMap: value')
   -- the full table is SpatialConvolution with the same kernels
   local f = nn.SpatialConvolutionMap(nn.tables.full(2, 3), 3, 3, 2, 1)
   local sc = nn.SpatialConvolution(2, 3, 3, 3, 2, 1)
   for k = 1, 6 do sc.weight[f.connTable[k][2]][f.connTable[k][1]]:copy(f.weight[k]) end
   sc.bias:copy(f.bias)
   local y = torch.randn(2, 7, 8)
   tester:assertTensorEq(f:forward(y), sc:forward(y), 1e-12, 'SpatialConvolutionMap: full table = SpatialConvolution')
   local params = {{'weight', 'gradWeight'}, {'bias', 'gradBias'}}
   checkModule('SpatialConvolutionMap', nn.SpatialConvolutionMap(conn, 3, 2, 2, 1), torch.randn(3, 5, 6), {params = params})
   checkModule('SpatialConvolutionMap random', nn.SpatialConvolutionMap(nn.tables.random(4, 3, 2), 2, 2),
               torch.randn(2, 4, 4, 4), {params = params})
   checkBatch('SpatialConvolutionMap', m, torch.randn(3, 3, 6, 7), 1e-12)
   errs(function() m:forward(torch.randn(2, 6, 7)) end, 'SpatialConvolutionMap: expected input 3%-D %(3 x H x W%)',
        'SpatialConvolutionMap: planes')
   errs(function() m:forward(torch.randn(3, 1, 7)) end, 'SpatialConvolutionMap: expected input planes of at least 2 x 3',
        'SpatialConvolutionMap: small input')
   errs(function() nn.SpatialConvolutionMap(torch.Tensor{1, 2}, 3, 3) end, 'SpatialConvolutionMap: expected a connection table',
        'SpatialConvolutionMap: bad table')
end

function tests.SpatialFullConvolutionMap()
   local conn = torch.Tensor{{1, 1}, {2, 1}, {2, 2}, {1, 3}}
   local m = nn.SpatialFullConvolutionMap(conn, 3, 2)
   local x = torch.randn(2, 4, 5)
   tester:assertTensorEq(m:forward(x), mapReference(m, x, true), 1e-12, 'SpatialFullConvolutionMap: value')
   local s = nn.SpatialFullConvolutionMap(conn, 2, 3, 2, 2)
   tester:assertTableEq(s:forward(x):size():totable(), {3, (4 - 1) * 2 + 3, (5 - 1) * 2 + 2},
                         'SpatialFullConvolutionMap: strided output size')
   local params = {{'weight', 'gradWeight'}, {'bias', 'gradBias'}}
   checkModule('SpatialFullConvolutionMap', nn.SpatialFullConvolutionMap(conn, 3, 2, 2, 1), torch.randn(2, 3, 3),
               {params = params})
   checkModule('SpatialFullConvolutionMap oneToOne', nn.SpatialFullConvolutionMap(nn.tables.oneToOne(2), 2, 2),
               torch.randn(2, 2, 3, 3), {params = params})
   checkBatch('SpatialFullConvolutionMap', m, torch.randn(2, 2, 4, 5), 1e-12)
   errs(function() m:forward(torch.randn(3, 4, 5)) end, 'SpatialFullConvolutionMap: expected input 3%-D %(2 x H x W%)',
        'SpatialFullConvolutionMap: planes')
end

------------------------------------------------------------------------ normalization
function tests.LayerNormalization()
   local m = nn.LayerNormalization(6)
   local x = torch.randn(4, 6)
   local out = m:forward(x):clone()
   for b = 1, 4 do
      local c = x[b] - x[b]:mean()
      local ref = c / math.sqrt(c:dot(c) / 6 + 1e-10 / 6)
      tester:assertTensorEq(out[b], ref, 1e-10, 'LayerNormalization: value of row ' .. b)
   end
   tester:assertTensorEq(m:forward(x[2]), out[2], 1e-12, 'LayerNormalization: single sample')
   m.modules[5].weight:uniform(0.5, 1.5)
   m.modules[6].bias:uniform(-1, 1)
   tester:assertlt(jac.testJacobian(m, torch.randn(4, 6)), precision, 'LayerNormalization: Jacobian')
   local gain, bias = m.modules[5], m.modules[6]
   tester:assertlt(jac.testJacobianParameters(m, torch.randn(4, 6), gain.weight, gain.gradWeight), precision,
                   'LayerNormalization: gain Jacobian')
   tester:assertlt(jac.testJacobianParameters(m, torch.randn(4, 6), bias.bias, bias.gradBias), precision,
                   'LayerNormalization: bias Jacobian')
   local na = nn.LayerNormalization(6, 0, 1e-5, false)
   tester:asserteq(#na.modules, 4, 'LayerNormalization: no affine layers')
   tester:asserteq(nn.LayerNormalization(3, 0.5).modules[6].bias[2], 0.5, 'LayerNormalization: initial bias')
   errs(function() m:forward(torch.randn(4, 5)) end, '', 'LayerNormalization: wrong size')
end

-- LayerNormalization relies on Torch7's placement of Normalize's eps: under the p-th root
function tests.Normalize_eps()
   local x = torch.randn(3, 4)
   local out = nn.Normalize(2, 0.5):forward(x)
   for i = 1, 3 do
      tester:assertTensorEq(out[i], x[i] / math.sqrt(x[i]:dot(x[i]) + 0.5), 1e-14, 'Normalize: (sum x^2 + eps)^(1/2)')
   end
   local o3 = nn.Normalize(3, 0.25):forward(x[1])
   tester:assertTensorEq(o3, x[1] / math.pow(torch.abs(x[1]):pow(3):sum() + 0.25, 1 / 3), 1e-14, 'Normalize: p = 3')
   local oi = nn.Normalize(math.huge, 0.25):forward(x[1])
   tester:assertTensorEq(oi, x[1] / (torch.abs(x[1]):max() + 0.25), 1e-14, 'Normalize: p = inf adds eps to the max')
   checkModule('Normalize eps', nn.Normalize(2, 0.5), torch.randn(3, 4))
   checkModule('Normalize p=3 eps', nn.Normalize(3, 0.5), torch.randn(4))
end

local function localNormCases()
   return {
      {'2-D kernel', torch.Tensor(5, 5):fill(1)},
      {'1-D kernel', torch.Tensor{1, 2, 1}},
      {'Gaussian kernel', torch.Tensor{{0.1, 0.2, 0.1}, {0.2, 0.8, 0.2}, {0.1, 0.2, 0.1}}},
   }
end

-- reference local mean of Torch7's subtractive normalization: the kernel (normalised to sum 1
-- over kernel and planes) applied to the zero-padded image, summed over the planes, divided by
-- its response to an image of ones
local function localMean(x, kernel)
   local k2 = kernel:dim() == 1 and torch.ger(kernel, kernel) or kernel
   k2 = k2 / k2:sum()
   local C, H, W = x:size(1), x:size(2), x:size(3)
   local ph, pw = math.floor(k2:size(1) / 2), math.floor(k2:size(2) / 2)
   local function avg(img)
      local p = torch.zeros(C, H + 2 * ph, W + 2 * pw)
      p:narrow(2, ph + 1, H):narrow(3, pw + 1, W):copy(img)
      local s = torch.zeros(H, W)
      for c = 1, C do s:add(torch.xcorr2(p[c], k2)) end
      return s
   end
   return torch.cdiv(avg(x), avg(torch.ones(C, H, W)))
end

function tests.SpatialSubtractiveNormalization()
   for _, case in ipairs(localNormCases()) do
      local name = 'SpatialSubtractiveNormalization ' .. case[1]
      local m = nn.SpatialSubtractiveNormalization(3, case[2]:clone())
      local x = torch.randn(3, 7, 8)
      local mean = localMean(x, case[2])
      tester:assertTensorEq(m:forward(x), x - mean:view(1, 7, 8):expandAs(x), 1e-12, name .. ': value')
      checkModule(name, nn.SpatialSubtractiveNormalization(3, case[2]:clone()), torch.randn(3, 6, 7))
      checkBatch(name, m, torch.randn(2, 3, 7, 8), 1e-12)
   end
   local m = nn.SpatialSubtractiveNormalization(2)
   tester:assertlt(m:forward(torch.Tensor(2, 10, 10):fill(3)):abs():max(), 1e-12, 'SpatialSubtractiveNormalization: constant image')
   errs(function() m:forward(torch.randn(3, 5, 5)) end, 'SpatialSubtractiveNormalization: expected input 3%-D %(2 x H x W%)',
        'SpatialSubtractiveNormalization: planes')
   errs(function() nn.SpatialSubtractiveNormalization(1, torch.ones(4, 4)) end, 'ODD dimensions', 'even kernel')
   errs(function() nn.SpatialSubtractiveNormalization(1, torch.ones(3, 3, 3)) end, 'must be 2D or 1D', '3-D kernel')
end

function tests.SpatialDivisiveNormalization()
   for _, case in ipairs(localNormCases()) do
      local name = 'SpatialDivisiveNormalization ' .. case[1]
      local m = nn.SpatialDivisiveNormalization(3, case[2]:clone())
      local x = torch.randn(3, 7, 8)
      local std = localMean(torch.cmul(x, x), case[2]):sqrt()
      -- Torch7 divides the local std (sqrt of the averaged squares) by the border coefficient
      local k2 = case[2]:dim() == 1 and torch.ger(case[2], case[2]) or case[2]
      local coef = localMean(torch.ones(3, 7, 8), case[2])     -- = 1: the mean is border-corrected
      tester:assertTensorEq(coef, torch.ones(7, 8), 1e-12, name .. ': corrected mean of ones')
      local raw = localMean(torch.cmul(x, x), case[2])
      tester:assertgt(k2:sum(), 0, name .. ': kernel')
      local out = m:forward(x)
      -- out * thresholded std = x, with the std of the module
      local t = m.thresholdedstds
      tester:assertTensorEq(torch.cmul(out, t), x, 1e-12, name .. ': x / std')
      tester:assertgt(raw:min(), 0, name .. ': positive local energy')
      checkModule(name, nn.SpatialDivisiveNormalization(3, case[2]:clone()), torch.randn(3, 6, 7))
      checkBatch(name, m, torch.randn(2, 3, 7, 8), 1e-12)
      tester:assertTableEq(std:size():totable(), {7, 8}, name .. ': reference shape')
   end
   -- thresholding: a zero image has zero std, replaced by thresval
   local m = nn.SpatialDivisiveNormalization(1, torch.ones(3, 3), 0.5, 2)
   local z = torch.zeros(1, 5, 5); z[1][3][3] = 1
   local out = m:forward(z)
   tester:assertalmosteq(out[1][3][3], 1 / m.thresholdedstds[1][3][3], 1e-12, 'SpatialDivisiveNormalization: divides')
   tester:asserteq(m.thresholdedstds[1][1][1], 2, 'SpatialDivisiveNormalization: thresval below threshold')
   errs(function() m:forward(torch.randn(5, 5)) end, 'SpatialDivisiveNormalization: expected input 3%-D',
        'SpatialDivisiveNormalization: 2-D input')
end

function tests.SpatialContrastiveNormalization()
   local kernel = torch.Tensor{1, 2, 1}
   local m = nn.SpatialContrastiveNormalization(2, kernel:clone())
   local x = torch.randn(2, 6, 7)
   local sub = nn.SpatialSubtractiveNormalization(2, kernel:clone())
   local div = nn.SpatialDivisiveNormalization(2, kernel:clone())
   tester:assertTensorEq(m:forward(x), div:forward(sub:forward(x)), 1e-13, 'SpatialContrastiveNormalization: sub then div')
   checkModule('SpatialContrastiveNormalization', nn.SpatialContrastiveNormalization(2, kernel:clone()), torch.randn(2, 5, 6))
   checkModule('SpatialContrastiveNormalization default', nn.SpatialContrastiveNormalization(1), torch.randn(1, 5, 5))
   checkBatch('SpatialContrastiveNormalization', m, torch.randn(2, 2, 6, 7), 1e-12)
   errs(function() m:forward(torch.randn(3, 5, 5)) end, 'SpatialSubtractiveNormalization: expected input',
        'SpatialContrastiveNormalization: planes')
end

------------------------------------------------------------------------ pooling
function tests.SpatialLPPooling()
   local m = nn.SpatialLPPooling(2, 2, 2, 2)
   local x = torch.randn(2, 4, 6)
   local out = m:forward(x)
   tester:assertTableEq(out:size():totable(), {2, 2, 3}, 'SpatialLPPooling: size')
   for c = 1, 2 do
      for i = 1, 2 do
         for j = 1, 3 do
            local win = x[c]:narrow(1, 2 * i - 1, 2):narrow(2, 2 * j - 1, 2)
            tester:assertalmosteq(out[c][i][j], win:norm(), 1e-12, 'SpatialLPPooling: L2 of a window')
         end
      end
   end
   local p3 = nn.SpatialLPPooling(1, 3, 3, 2, 1, 2)
   local y = torch.rand(1, 4, 5) + 0.1
   local o3 = p3:forward(y)
   local win = y[1]:narrow(1, 3, 2):narrow(2, 2, 3)
   tester:assertalmosteq(o3[1][2][2], math.pow(torch.pow(win, 3):sum(), 1 / 3), 1e-12, 'SpatialLPPooling: p = 3')
   checkModule('SpatialLPPooling', nn.SpatialLPPooling(2, 2, 2, 2), torch.randn(2, 4, 4))
   checkModule('SpatialLPPooling p3', nn.SpatialLPPooling(1, 3, 2, 2, 1, 1), torch.rand(1, 3, 3), {min = 0.2, max = 2})
   checkBatch('SpatialLPPooling', m, torch.randn(3, 2, 4, 6), 1e-12)
   tester:asserteq(#(m:parameters() or {}), 0, 'SpatialLPPooling: no parameters')
end

function tests.TemporalDynamicKMaxPooling()
   local m = nn.TemporalDynamicKMaxPooling(2, 0.5)
   local x = torch.Tensor{{1, 9}, {5, 2}, {3, 8}, {7, 1}, {0, 4}, {6, 3}}
   -- k = max(2, ceil(0.5 * 6)) = 3: the 3 largest per column in time order
   tester:assertTensorEq(m:forward(x), torch.Tensor{{5, 9}, {7, 8}, {6, 4}}, 0, 'TemporalDynamicKMaxPooling: value')
   tester:assertTensorEq(nn.TemporalDynamicKMaxPooling(2):forward(x), torch.Tensor{{7, 9}, {6, 8}}, 0,
                         'TemporalDynamicKMaxPooling: minK')
   checkModule('TemporalDynamicKMaxPooling', nn.TemporalDynamicKMaxPooling(3), torch.randn(6, 4))
   checkModule('TemporalDynamicKMaxPooling batch', nn.TemporalDynamicKMaxPooling(2, 0.5), torch.randn(2, 5, 3))
   checkBatch('TemporalDynamicKMaxPooling', m, torch.randn(3, 6, 2))
   errs(function() nn.TemporalDynamicKMaxPooling(4):forward(torch.randn(3, 2)) end,
        'input sequence length %(3%) too small for desired k value %(4%)', 'TemporalDynamicKMaxPooling: short input')
   errs(function() m:forward(torch.randn(3)) end, 'TemporalDynamicKMaxPooling: expected input 2%-D', '1-D input')
end

------------------------------------------------------------------------ type conversion
function tests.TypeConversion()
   local mods = {
      {nn.WeightedEuclidean(3, 2), torch.randn(2, 3)},
      {nn.LinearWeightNorm(3, 2), torch.randn(2, 3)},
      {nn.WeightNorm(nn.Linear(3, 2)), torch.randn(2, 3)},
      {nn.SpatialConvolutionMap(nn.tables.oneToOne(2), 2, 2), torch.randn(2, 3, 3)},
      {nn.SpatialFullConvolutionMap(nn.tables.full(2, 2), 2, 2), torch.randn(2, 3, 3)},
      {nn.SpatialSubtractiveNormalization(2, torch.Tensor{1, 1, 1}), torch.randn(2, 4, 4)},
      {nn.SpatialContrastiveNormalization(1), torch.randn(1, 4, 4)},
      {nn.LayerNormalization(3), torch.randn(2, 3)},
      {nn.TemporalDynamicKMaxPooling(2), torch.randn(4, 3)},
      {nn.GatedLinearUnit(), torch.randn(2, 4)},
      {nn.Kmeans(2, 3), torch.randn(4, 3)},
      {nn.SpatialLPPooling(1, 2, 2, 2), torch.randn(1, 4, 4)},
      {nn.PartialLinear(3, 4), torch.randn(2, 3)},
      {nn.Maxout(3, 2, 2), torch.randn(2, 3)},
      {nn.Euclidean(3, 2), torch.randn(2, 3)},
      {nn.Cosine(3, 2), torch.randn(2, 3)},
      {nn.WeightNorm(nn.SpatialConvolution(2, 2, 2, 2)), torch.randn(2, 3, 3)},
      {nn.SpatialDivisiveNormalization(2, torch.Tensor{1, 2, 1}), torch.randn(2, 4, 4)},
      {nn.Collapse(2), torch.randn(2, 2, 2)},
      {nn.Constant(torch.randn(2), 1), torch.randn(3, 2)},
      {nn.ZeroGrad(), torch.randn(2, 3)},
      {nn.Convert('bchw', 'bf'), torch.randn(2, 2, 2, 2)},
      {nn.GPU(nn.Linear(3, 2), 1), torch.randn(2, 3)},
      {nn.Profile(nn.Tanh(), 1000), torch.randn(2, 3)},
   }
   for _, c in ipairs(mods) do
      local m, x = c[1], c[2]
      local ref = m:forward(x):clone()
      m:float()
      local out = m:forward(x:float())
      tester:asserteq(torch.type(out), 'torch.FloatTensor', torch.type(m) .. ': float output')
      tester:assertTensorEq(out:double(), ref, 1e-4, torch.type(m) .. ': float value')
      m:double()
      tester:assertTensorEq(m:forward(x), ref, 1e-5, torch.type(m) .. ': back to double')
   end
end

-- clearState returns the module and leaves it usable
function tests.clearState()
   local cases = {
      {nn.CAddTensorTable(), {torch.randn(2), {torch.randn(2), torch.randn(2)}}},
      {nn.ZipTable(), {{torch.randn(2)}, {torch.randn(2)}}},
      {nn.ZipTableOneToMany(), {torch.randn(2), {torch.randn(2)}}},
      {nn.MixtureTable(), {torch.rand(2, 2), torch.randn(2, 2, 3)}},
      {nn.OneHot(4), torch.LongTensor{1, 4}},
      {nn.PrintSize(), torch.randn(2)},
      {nn.CriterionTable(nn.MSECriterion()), {torch.randn(3), torch.randn(3)}},
      {nn.Kmeans(2, 3), torch.randn(4, 3)},
      {nn.WhiteNoise(), torch.randn(3)},
      {nn.LinearWeightNorm(3, 2), torch.randn(2, 3)},
      {nn.DontCast(nn.Linear(3, 2), true), torch.randn(2, 3)},
      {nn.NaN(nn.Linear(3, 2)), torch.randn(2, 3)},
   }
   for _, c in ipairs(cases) do
      local m, x = c[1], c[2]
      local out = capturePrint(function() return m:forward(x) end)
      tester:assert(m:clearState() == m, torch.type(m) .. ': clearState returns self')
      capturePrint(function() m:forward(x) end)
      tester:assert(m.output ~= nil, torch.type(m) .. ': usable after clearState')
      tester:assert(out ~= nil, torch.type(m) .. ': forward ran')
   end
end

------------------------------------------------------------------------ GPU
function tests.GPU()
   local lin = nn.Linear(4, 3)
   local m = nn.GPU(lin, 2)
   tester:asserteq(m.device, 2, 'GPU: device')
   tester:asserteq(m.outdevice, 2, 'GPU: outdevice defaults to device')
   local x = torch.randn(5, 4)
   tester:assertTensorEq(m:forward(x), lin:forward(x), 0, 'GPU: CPU types pass through')
   checkModule('GPU', nn.GPU(nn.Linear(4, 3), 1), torch.randn(5, 4))
   tester:assertlt(jac.testJacobianParameters(m, x, lin.weight, lin.gradWeight), precision, 'GPU: weight Jacobian')
   tester:asserteq(tostring(m), 'nn.GPU(2) @ nn.Linear(4 -> 3)', 'GPU: tostring')
   m:float()
   tester:asserteq(torch.type(lin.weight), 'torch.FloatTensor', 'GPU: type converts the module')
   errs(function() nn.GPU(nn.Linear(2, 2)) end, 'GPU: expected device %(argument 2%) to be a number', 'GPU: no device')
   errs(function() nn.GPU(3, 1) end, 'GPU: expected module %(argument 1%) to be an nn.Module', 'GPU: not a module')
end

------------------------------------------------------------------------ nn.test
function tests.nn_test()
   local results
   local text = capturePrint(function() results = nn.test({'OneHot', 'ZipTable$'}, 7) end)
   tester:assert(text:find('Seed') ~= nil, 'nn.test: prints the seed')
   local ran = 0
   for _, t in ipairs(results) do
      for _, name in ipairs({'OneHot', 'ZipTable'}) do
         if t.assertionPass[name] then
            ran = ran + 1
            tester:assertgt(t.assertionPass[name], 0, 'nn.test: ' .. name .. ' made assertions')
            tester:asserteq(t.assertionFail[name], 0, 'nn.test: ' .. name .. ' passed')
         end
      end
   end
   tester:asserteq(ran, 2, 'nn.test: ran the two named tests')
   tester:asserteq(torch.getdefaulttensortype(), 'torch.DoubleTensor', 'nn.test: default type restored')
   capturePrint(function()
      errs(function() nn.test({'NoSuchTestAnywhere'}, 1) end, 'no test matches', 'nn.test: unknown name')
   end)
end

tester:add(tests)
tester:run()
