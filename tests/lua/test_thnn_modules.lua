-- lua/nn: the volumetric, dilated, depthwise, row-convolution and feature-pooling THNN modules:
-- Jacobian checks (float64, finite differences), batch == stacked samples, Torch7 fields and
-- sizes, 1-based indices, and bad input.
require 'nn'
local tester = torch.Tester()
local tests = torch.TestSuite()
torch.manualSeed(4321)
torch.setdefaulttensortype('torch.DoubleTensor')

local C = dofile(assert(package.searchpath('nn.test.checks', package.path)))(tester)
local errs, checkModule = C.errs, C.checkModule

local cases = {
   {'VolumetricDilatedConvolution', function() return nn.VolumetricDilatedConvolution(2, 3, 2, 3, 2, 1, 2, 1, 1, 0, 1, 2, 1, 2) end, {2, 2, 5, 6, 5}},
   {'VolumetricDilatedConvolutionSingle', function() return nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2) end, {2, 4, 4, 4}},
   {'VolumetricDilatedConvolutionNoBias', function() return nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 1, 1):noBias() end, {2, 4, 3, 3}},
   {'VolumetricFullDilatedConvolution', function() return nn.VolumetricFullDilatedConvolution(2, 3, 2, 2, 3, 2, 1, 2, 1, 0, 1, 2, 1, 2, 1, 0, 1) end, {2, 2, 2, 3, 2}},
   {'SpatialFullDilatedConvolution', function() return nn.SpatialFullDilatedConvolution(2, 3, 3, 2, 2, 1, 1, 0, 2, 2, 1, 0) end, {2, 2, 3, 3}},
   {'SpatialFullDilatedConvolutionSingle', function() return nn.SpatialFullDilatedConvolution(3, 2, 3, 3, 1, 1, 1, 1, 2, 2) end, {3, 4, 3}},
   {'VolumetricDilatedMaxPooling', function() return nn.VolumetricDilatedMaxPooling(2, 2, 2, 1, 2, 1, 0, 1, 0, 2, 1, 2) end, {2, 2, 5, 4, 5}},
   {'VolumetricDilatedMaxPoolingCeil', function() return nn.VolumetricDilatedMaxPooling(2, 2, 2, 2, 2, 2, 0, 0, 0, 2, 2, 2):ceil() end, {2, 6, 6, 6}},
   {'VolumetricFractionalMaxPooling', function() return nn.VolumetricFractionalMaxPooling(2, 2, 2, 3, 2, 3):fixPoolingRegions() end, {2, 2, 6, 5, 6}, {noio = true}},
   {'VolumetricFractionalMaxPoolingRatio', function() return nn.VolumetricFractionalMaxPooling(2, 3, 2, 0.5, 0.5, 0.6):fixPoolingRegions() end, {2, 6, 7, 6}, {noio = true}},
   {'VolumetricReplicationPadding', function() return nn.VolumetricReplicationPadding(1, 2, 0, 1, 2, 1) end, {2, 2, 3, 3, 3}},
   {'VolumetricReplicationPaddingCrop', function() return nn.VolumetricReplicationPadding(-1, 1, 1, -1, 0, 2) end, {2, 3, 4, 4}},
   {'SpatialDepthWiseConvolution', function() return nn.SpatialDepthWiseConvolution(3, 2, 3, 2, 1, 2, 1, 0) end, {2, 3, 5, 6}},
   {'SpatialDepthWiseConvolutionSingle', function() return nn.SpatialDepthWiseConvolution(2, 3, 2, 2) end, {2, 4, 4}},
   {'TemporalRowConvolution', function() return nn.TemporalRowConvolution(4, 3, 2) end, {2, 7, 4}},
   {'TemporalRowConvolution2D', function() return nn.TemporalRowConvolution(3, 2) end, {6, 3}},
   {'TemporalRowConvolutionFeatFirst', function() return nn.TemporalRowConvolution(3, 3, 1, true) end, {2, 3, 6}},
   {'TemporalRowConvolutionNoBias', function() return nn.TemporalRowConvolution(3, 2, 1, true):noBias() end, {3, 5}},
   {'FeatureLPPooling2', function() return nn.FeatureLPPooling(3, 2, 2, true) end, {2, 7, 3}},
   -- an odd power is real only on positive inputs
   {'FeatureLPPooling3', function() return nn.FeatureLPPooling(2, 1, 3, false) end, {5, 2, 3}, {min = 0.5, max = 2}},
   {'FeatureLPPooling4D', function() return nn.FeatureLPPooling(4, 4, 2, true) end, {2, 8, 2, 2}},
   {'GatedLinearUnit', function() return nn.GatedLinearUnit() end, {3, 4}},
   {'GatedLinearUnitDim', function() return nn.GatedLinearUnit(2) end, {2, 6, 3}},
   {'UpSamplingNearest2D', function() return nn.UpSampling(2) end, {2, 2, 3, 2}},
   {'UpSamplingNearest3D', function() return nn.UpSampling(2, 'nearest') end, {1, 2, 2, 3, 2}},
   {'UpSamplingLinear2D', function() return nn.UpSampling(3, 'linear') end, {2, 1, 3, 2}},
   {'UpSamplingLinear3D', function() return nn.UpSampling({odepth = 4, oheight = 3, owidth = 5}, 'linear') end, {1, 2, 2, 3, 3}},
}
for _, e in ipairs(cases) do
   tests[e[1]] = function()
      local x = torch.Tensor(unpack(e[3])):uniform(-2, 2)
      checkModule(e[1], e[2](), x, e[4])
   end
end

-- the table-input grid sampler: central differences w.r.t. the images and the grid
function tests.SpatialGridSamplerBilinear()
   local m = nn.SpatialGridSamplerBilinear()
   local x, grid = torch.randn(2, 2, 4, 5), torch.rand(2, 3, 4, 2):mul(2.2):add(-1.1)
   local y = m:forward({x, grid}):clone()
   tester:assertTableEq(y:size():totable(), {2, 2, 3, 4}, 'output N x C x H x W')
   local go = torch.randn(y:size())
   local gi = m:backward({x, grid}, go)
   local eps = 1e-6
   for k, t in ipairs{x, grid} do
      local flat, g, worst = t:view(-1), gi[k]:view(-1), 0
      for i = 1, flat:nElement() do
         local v = flat[i]
         flat[i] = v + eps
         local a = m:forward({x, grid}):dot(go)
         flat[i] = v - eps
         local b = m:forward({x, grid}):dot(go)
         flat[i] = v
         worst = math.max(worst, math.abs((a - b) / (2 * eps) - g[i]))
      end
      tester:assertlt(worst, 1e-5, 'SpatialGridSamplerBilinear: gradient w.r.t. input ' .. k)
   end
   -- the corners of the grid are the corner pixels
   local corners = torch.Tensor{{{{-1, -1}, {1, -1}}, {{-1, 1}, {1, 1}}}}
   local c = m:forward({x[{{1}}], corners})
   tester:assertTensorEq(c[1][1], torch.Tensor{{x[1][1][1][1], x[1][1][1][5]}, {x[1][1][4][1], x[1][1][4][5]}}, 1e-12,
                         'align_corners: +-1 are the corner pixel centres')
end

-- SparseLinear equals Linear on the densified input, in the single, table and legacy formats
local function densify(x, n)
   local d = torch.zeros(n)
   for i = 1, x:size(1) do d[x[i][1]] = d[x[i][1]] + x[i][2] end
   return d
end
function tests.SparseLinear()
   local m = nn.SparseLinear(7, 3, true)
   local lin = nn.Linear(7, 3)
   lin.weight:copy(m.weight); lin.bias:copy(m.bias)
   local xs = {torch.Tensor{{2, 0.5}, {6, -1.5}, {2, 1}}, torch.Tensor{{7, 2}}, torch.Tensor()}
   local dense = torch.Tensor(3, 7)
   for i = 1, 3 do dense[i]:copy(xs[i]:nElement() > 0 and densify(xs[i], 7) or torch.zeros(7)) end
   local go = torch.randn(3, 3)
   m:zeroGradParameters(); lin:zeroGradParameters()
   tester:assertTensorEq(m:forward(xs), lin:forward(dense), 1e-12, 'table (batch) forward')
   local gi = m:backward(xs, go)
   local gd = lin:backward(dense, go)
   tester:assertTensorEq(m.gradWeight, lin.gradWeight, 1e-12, 'gradWeight')
   tester:assertTensorEq(m.gradBias, lin.gradBias, 1e-12, 'gradBias')
   tester:assertTensorEq(gi[2]:select(2, 2), gd[2], 1e-12, 'dense gradInput values')
   tester:assertTensorEq(gi[2]:select(2, 1), torch.range(1, 7), 0, '1-based feature indices of gradInput')
   -- sparse update: only the seen columns (2, 6, 7) move; the bias always
   local w0 = m.weight:clone()
   m:updateParameters(0.1)
   local moved = (m.weight - w0):abs():sum(1):view(-1)
   tester:assert(moved[1] == 0 and moved[3] == 0 and moved[2] > 0 and moved[6] > 0 and moved[7] > 0, 'sparse weight step')
   tester:assertTensorEq(m.weight, w0 - lin.gradWeight * 0.1, 1e-12, 'step = -lr * gradWeight')
   m:zeroGradParameters()
   tester:asserteq(m.gradWeight:abs():max(), 0, 'sparse zeroing clears the seen columns')
   tester:asserteq(m.gradBias:abs():max(), 0, 'and the bias')
   -- one sample
   local y1 = m:forward(xs[1])
   tester:asserteq(y1:dim(), 1, 'one sample gives a vector')
   lin.weight:copy(m.weight); lin.bias:copy(m.bias)
   tester:assertTensorEq(y1, lin:forward(dense[1]), 1e-12, 'single forward')
   -- the legacy batch x nnz x 2 format
   local leg = torch.Tensor{{{2, 0.5}, {6, -1.5}}, {{7, 2}, {1, 0}}}
   local dl = torch.Tensor(2, 7)
   dl[1]:copy(densify(leg[1], 7)); dl[2]:copy(densify(leg[2], 7))
   tester:assertTensorEq(m:forward(leg), lin:forward(dl), 1e-12, 'legacy forward')
   local g2 = torch.randn(2, 3)
   m:zeroGradParameters(); lin:zeroGradParameters()
   m:backward(leg, g2); lin:backward(dl, g2)
   tester:assertTensorEq(m.gradWeight, lin.gradWeight, 1e-12, 'legacy gradWeight')
   -- weight decay adds weightDecay * weight
   m.weightDecay = 0.5
   m:zeroGradParameters(); m.gradWeight:zero()
   m:forward(leg); m:backward(leg, g2)
   tester:assertTensorEq(m.gradWeight, lin.gradWeight + m.weight * 0.5, 1e-12, 'weight decay')
   errs(function() m:forward(torch.Tensor{{8, 1}}) end, 'feature index 8 is out of range %[1, 7%]', 'index too large')
   errs(function() m:forward(torch.Tensor{{0, 1}}) end, 'feature index 0 is out of range', 'index 0')
   errs(function() m:forward(torch.Tensor{{1.5, 1}}) end, 'not an integer', 'fractional index')
   errs(function() m:forward(torch.randn(2, 3)) end, 'nnz x 2 %(index, value%) tensor, got 2 x 3', 'a dense matrix is not (index, value) rows')
   errs(function() m:forward({torch.randn(3)}) end, 'expected input%[1%] to be an nnz x 2', 'bad table entry')
   errs(function() m:forward(torch.randn(2, 2, 2, 2)) end, 'expected input nnz x 2', 'bad dims')
end

-- a table input {x, sizeRef} fixes the output size of the transposed convolutions
function tests.FullDilated_sizeRef()
   local m = nn.SpatialFullDilatedConvolution(2, 3, 3, 3, 2, 2, 1, 1, 2, 2)
   local x, ref = torch.randn(2, 2, 4, 4), torch.randn(2, 3, 10, 9)
   local y = m:forward({x, ref})
   tester:assertTableEq(y:size():totable(), {2, 3, 10, 9}, 'output takes the reference size')
   local gi = m:backward({x, ref}, torch.randn(y:size()))
   tester:assertTableEq(gi[1]:size():totable(), {2, 2, 4, 4}, 'gradInput[1] like x')
   tester:asserteq(gi[2]:abs():max(), 0, 'gradInput[2] zeros like the reference')
   local v = nn.VolumetricFullDilatedConvolution(2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 2, 1, 1)
   local vx, vref = torch.randn(2, 2, 2, 2), torch.randn(2, 5, 4, 5)
   tester:assertTableEq(v:forward({vx, vref}):size():totable(), {2, 5, 4, 5}, 'volumetric output takes the reference size')
   tester:assertTableEq(v:backward({vx, vref}, torch.randn(2, 5, 4, 5))[1]:size():totable(), {2, 2, 2, 2}, 'volumetric gradInput[1]')
   -- SpatialFullConvolution shares the table handling
   local f = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1)
   local fy = f:forward({x, torch.randn(2, 3, 8, 8)})
   tester:assertTableEq(fy:size():totable(), {2, 3, 8, 8}, 'SpatialFullConvolution output takes the reference size')
   tester:assertTableEq(f:backward({x, torch.randn(2, 3, 8, 8)}, fy)[1]:size():totable(), {2, 2, 4, 4},
                        'SpatialFullConvolution table gradInput')
end

-- IndexLinear against the dense product with its key-major weight
local function ilDense(keys, vals, n)
   local d = torch.zeros(#keys, n)
   for i = 1, #keys do
      for k = 1, keys[i]:nElement() do d[i][keys[i][k]] = d[i][keys[i][k]] + vals[i][k] end
   end
   return d
end
function tests.IndexLinear()
   local m = nn.IndexLinear(8, 3)
   local keys = {torch.LongTensor{1, 4, 8}, torch.LongTensor{2}, torch.LongTensor{4, 4}}
   local vals = {torch.Tensor{0.5, -1, 2}, torch.Tensor{3}, torch.Tensor{1, 1}}
   local d = ilDense(keys, vals, 8)
   local w0, b0 = m.weight:clone(), m.bias:clone()
   local y = m:forward({keys, vals}):clone()
   tester:assertTensorEq(y, d * w0 + b0:view(1, 3):expand(3, 3), 1e-12, 'batch forward')
   tester:assertTensorEq(m:forward({keys[1], vals[1]}), y[1], 1e-12, 'one sample')
   tester:assertTensorEq(m:forward({torch.LongTensor{1, 4, 8, 2}, torch.Tensor{0.5, -1, 2, 3}, torch.LongTensor{3, 1}}),
                         y:narrow(1, 1, 2), 1e-12, 'flat {keys, values, sizes}')
   -- two accumulations, then one sparse SGD step: weight -= lr * dense^T gradOutput
   local g1, g2 = torch.randn(3, 3), torch.randn(3, 3)
   m:zeroGradParameters()
   m:forward({keys, vals}); m:backward({keys, vals}, g1)
   m:forward({keys, vals}); m:backward({keys, vals}, g2)
   m:updateParameters(0.1)
   tester:assertTensorEq(m.weight, w0 - (d:t() * (g1 + g2)) * 0.1, 1e-12, 'updateParameters after two accumulations')
   tester:assertTensorEq(m.bias, b0 - (g1 + g2):sum(1):view(3) * 0.1, 1e-12, 'bias step')
   -- accUpdateGradParameters with weight decay on the rows of the keys seen
   local w1, b1 = m.weight:clone(), m.bias:clone()
   m.weightDecay = 0.01
   local uk, uv = {torch.LongTensor{1, 4, 8}, torch.LongTensor{2}}, {vals[1], vals[2]}
   local du = ilDense(uk, uv, 8)
   m:forward({uk, uv})
   m:accUpdateGradParameters({uk, uv}, g1:narrow(1, 1, 2), 0.5)
   local expect = w1:clone()
   for _, r in ipairs{1, 2, 4, 8} do expect[r]:add(-0.5, (du:t() * g1:narrow(1, 1, 2))[r] + w1[r] * 0.01) end
   tester:assertTensorEq(m.weight, expect, 1e-12, 'accUpdateGradParameters with weight decay on the keys seen')
   tester:assertTensorEq(m.bias, b1 - g1:narrow(1, 1, 2):sum(1):view(3) * 0.5, 1e-12, 'accUpdate bias')
   m.weightDecay = 0
   -- keysOffset: keys 11..18 address rows 1..8
   local mo = nn.IndexLinear(8, 3, false, 10, m.weight, m.bias)
   local shifted = {}
   for i = 1, 3 do shifted[i] = keys[i] + 10 end
   tester:assertTensorEq(mo:forward({shifted, vals}), m:forward({keys, vals}), 0, 'keysOffset')
   -- doGradInput: dense gradient over every key
   local mg = nn.IndexLinear(8, 3, true, nil, m.weight, m.bias)
   mg:forward({keys, vals})
   local gi = mg:backward({keys, vals}, g1)
   tester:assertTensorEq(gi[2][2], m.weight * g1[2], 1e-12, 'gradInput values')
   tester:assertTensorEq(gi[1][2], torch.range(1, 8):long(), 0, 'gradInput keys 1-based')
   -- normalize: values are divided by the largest magnitude seen in training, plus a feature bias
   local mn = nn.IndexLinear(4, 2, false, nil, nil, nil, true)
   tester:assertTableEq(mn.weight:size():totable(), {4, 6}, 'normalize adds 4 columns')
   local yk = mn:forward({torch.LongTensor{2, 3}, torch.Tensor{-4, 0.5}})
   tester:assertalmosteq(mn.weight[2][1], 4, 1e-12, 'max-abs of feature 2')
   local wn = mn.weight:narrow(2, 5, 2)
   tester:assertTensorEq(yk, wn[2] * -1 + wn[3] * 1 + mn.bias, 1e-12, 'normalized values -1 and 1')
   mn:evaluate()
   local ye = mn:forward({torch.LongTensor{2}, torch.Tensor{8}})
   tester:assertTensorEq(ye, wn[2] + mn.bias, 1e-12, 'beyond the max: the sign (evaluate mode)')
   -- float32, with the keys still LongTensors after :float()
   local mf = m:clone():float()
   local fv = {vals[1]:float(), vals[2]:float(), vals[3]:float()}
   tester:assertlt((mf:forward({keys, fv}):double() - m:forward({keys, vals})):abs():max(), 1e-5, 'float32 forward')
   tester:asserteq(torch.type(mf.keys), 'torch.LongTensor', 'keys stay LongTensors')
   mf:zeroGradParameters(); mf:backward({keys, fv}, g1:float()); mf:updateParameters(0.1)
   errs(function() m:forward({torch.LongTensor{9}, torch.Tensor{1}}) end, 'key 9 is out of range %[1, 8%]', 'key too large')
   errs(function() m:forward({torch.LongTensor{0}, torch.Tensor{1}}) end, 'key 0 is out of range', 'key 0')
   errs(function() m:forward({torch.LongTensor{1, 2}, torch.Tensor{1}}) end, 'same size', 'keys/values mismatch')
   errs(function() m:forward(torch.randn(3)) end, 'expected input', 'not a table')
   errs(function() m:forward({torch.LongTensor{1, 2}, torch.Tensor{1, 2}, torch.LongTensor{3}}) end, 'sizes sum to 3',
        'bad sizes')
end

function tests.VolumetricMaxUnpooling()
   local p = nn.VolumetricMaxPooling(2, 2, 2)
   local u = nn.VolumetricMaxUnpooling(p)
   local x = torch.randn(2, 2, 4, 6, 4)
   local y = p:forward(x)
   local z = u:forward(y)
   tester:assertTableEq(z:size():totable(), {2, 2, 4, 6, 4}, 'unpooled size')
   tester:asserteq(z:ne(0):sum(), y:nElement(), 'one value per window')
   -- the unpooled maxima sit where the pooling found them
   tester:assertTensorEq(z:view(-1):index(1, (z:view(-1):ne(0)):nonzero():view(-1)):sort(),
                         y:view(-1):sort(), 1e-12, 'same values')
   tester:assertTensorEq(p:forward(z), y, 0, 'pooling the unpooled gives the pooled')
   tester:assert(p.indices:min() >= 1, 'indices are 1-based')
   checkModule('VolumetricMaxUnpooling', u, y:clone(), {noio = true})
   errs(function() nn.VolumetricMaxUnpooling(nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1)) end,
        'kernel must be equal to its stride', 'kernel ~= stride')
   errs(function() nn.VolumetricMaxUnpooling(nn.SpatialMaxPooling(2, 2)) end, 'VolumetricMaxPooling', 'wrong pooling type')
   errs(function() nn.VolumetricMaxUnpooling(nn.VolumetricMaxPooling(2, 2, 2)):forward(torch.randn(2, 2, 2, 2)) end,
        'forward first', 'pooling not run')
   p.indices[1][1][1][1][1] = 10000
   errs(function() u:forward(y) end, 'out of bounds', 'bad index')
end

function tests.VolumetricDilatedMaxPooling_indices()
   local m = nn.VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2)
   local x = torch.randn(1, 3, 3, 3)
   local y = m:forward(x)
   tester:assertTableEq(y:size():totable(), {1, 1, 1, 1}, 'dilated window covers the volume')
   local corners = torch.Tensor{x[1][1][1][1], x[1][1][1][3], x[1][1][3][1], x[1][1][3][3], x[1][3][1][1],
                                x[1][3][1][3], x[1][3][3][1], x[1][3][3][3]}
   tester:asserteq(y[1][1][1][1], corners:max(), 'max over the dilated corners')
   local idx = m.indices[1][1][1][1]
   tester:asserteq(x:view(-1)[idx], y[1][1][1][1], '1-based flat index into the volume')
end

function tests.BatchCompare()
   local cs = {
      {nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2), {3, 2, 4, 4, 4}},
      {nn.VolumetricFullDilatedConvolution(2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 2, 1, 1), {3, 2, 2, 2, 2}},
      {nn.SpatialFullDilatedConvolution(2, 2, 3, 3, 2, 2, 1, 1, 2, 2), {3, 2, 3, 3}},
      {nn.SpatialDepthWiseConvolution(2, 3, 3, 3, 1, 1, 1, 1), {3, 2, 4, 4}},
      {nn.TemporalRowConvolution(3, 2, 1), {3, 5, 3}},
      {nn.TemporalRowConvolution(3, 2, 2, true), {3, 3, 6}},
      {nn.VolumetricReplicationPadding(1, 0, 2, 1, 0, 1), {3, 2, 2, 3, 2}},
      {nn.FeatureLPPooling(2, 2, 2, true), {3, 6, 4}},
   }
   for _, c in ipairs(cs) do
      local m, single = c[1], c[1]:clone()
      if torch.type(m) == 'nn.FeatureLPPooling' then single.batch_mode = false end
      C.checkBatchGrad(m, c[2], single)
   end
end

-- the Torch7 layouts: a depthwise convolution is one SpatialConvolution per (plane, multiplier)
function tests.SpatialDepthWiseConvolution_layout()
   local m = nn.SpatialDepthWiseConvolution(3, 2, 3, 3, 1, 1, 1, 1)
   tester:assertTableEq(m.weight:size():totable(), {2, 3, 3, 3}, 'weight nOutputPlane x nInputPlane x kH x kW')
   tester:assertTableEq(m.bias:size():totable(), {2, 3}, 'bias nOutputPlane x nInputPlane')
   local x = torch.randn(3, 5, 5)
   local y = m:forward(x)
   tester:assertTableEq(y:size():totable(), {6, 5, 5}, 'nInputPlane * nOutputPlane output planes')
   for k = 1, 3 do
      for o = 1, 2 do
         local c = nn.SpatialConvolution(1, 1, 3, 3, 1, 1, 1, 1)
         c.weight[1][1]:copy(m.weight[o][k]); c.bias[1] = m.bias[o][k]
         tester:assertTensorEq(y[(k - 1) * 2 + o], c:forward(x[{{k}}])[1], 1e-12, 'plane k*nOut + o')
      end
   end
end

function tests.TemporalRowConvolution_values()
   local m = nn.TemporalRowConvolution(2, 3, 2)
   local x = torch.randn(7, 2)
   local y = m:forward(x)
   tester:assertTableEq(y:size():totable(), {3, 2}, 'output nOutputFrame x inputFrameSize')
   for t = 1, 3 do
      for f = 1, 2 do
         local v = m.bias[f]
         for k = 1, 3 do v = v + m.weight[f][1][k] * x[(t - 1) * 2 + k][f] end
         tester:assertalmosteq(y[t][f], v, 1e-12, 'row convolution value')
      end
   end
   local mf = m:clone()
   mf.featFirst = true
   tester:assertTensorEq(mf:forward(x:t():contiguous()), y:t(), 1e-12, 'featFirst is the transposed layout')
end

function tests.FeatureLPPooling_values()
   local x = torch.rand(2, 6, 3)
   local y = nn.FeatureLPPooling(3, 1, 2, true):forward(x)
   tester:assertTableEq(y:size():totable(), {2, 4, 3}, 'output features (6 - 3) / 1 + 1')
   tester:assertalmosteq(y[2][3][2], x[2]:narrow(1, 3, 3):select(2, 2):norm(), 1e-12, 'L2 over the window')
   local y3 = nn.FeatureLPPooling(2, 2, 3, false):forward(x[1])
   tester:assertalmosteq(y3[2][1], (x[1][3][1] ^ 3 + x[1][4][1] ^ 3) ^ (1 / 3), 1e-12, 'L3 over the window')
end

function tests.VolumetricReplicationPadding_values()
   local x = torch.randn(1, 2, 2, 2)
   local y = nn.VolumetricReplicationPadding(1, 0, 0, 0, 0, 1):forward(x)
   tester:assertTableEq(y:size():totable(), {1, 3, 2, 3}, 'padded size')
   tester:assertTensorEq(y[{1, {1, 2}, {}, 2}], x[{1, {}, {}, 1}], 0, 'left column replicated')
   tester:assertTensorEq(y[{1, 3, {}, {2, 3}}], x[{1, 2}], 0, 'back plane replicated')
end

function tests.bad_input()
   errs(function() nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2):forward(torch.randn(2, 3, 3, 3, 3)) end,
        'nn.VolumetricDilatedConvolution: expected input with 2 planes', 'wrong planes')
   errs(function() nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2):forward(torch.randn(2, 3, 3)) end,
        'expected input 4%-D', 'wrong dims')
   errs(function() nn.VolumetricDilatedConvolution(1, 1, 3, 3, 3, 1, 1, 1, 0, 0, 0, 2, 2, 2):forward(torch.randn(1, 4, 4, 4)) end,
        'too small', 'dilated kernel larger than input')
   errs(function() nn.VolumetricFullDilatedConvolution(2, 2, 2, 2, 2):forward(torch.randn(3, 2, 2, 2)) end,
        'with 2 planes', 'full: wrong planes')
   errs(function() nn.SpatialFullDilatedConvolution(2, 2, 3, 3):forward(torch.randn(2, 2)) end,
        'expected input 3%-D', 'spatial full: wrong dims')
   local m = nn.SpatialFullDilatedConvolution(2, 2, 3, 3)
   m:forward(torch.randn(2, 3, 3))
   errs(function() m:backward(torch.randn(2, 3, 3), torch.randn(2, 4, 4)) end, 'gradOutput', 'bad gradOutput')
   errs(function() nn.VolumetricDilatedMaxPooling(2, 2, 2):forward(torch.randn(3, 3, 3)) end, '4%-D', 'pool dims')
   errs(function() nn.VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 0, 0, 0, 3, 3, 3):forward(torch.randn(1, 3, 3, 3)) end,
        'too small', 'dilated pool larger than input')
   errs(function() nn.VolumetricFractionalMaxPooling(2, 2, 2, 4, 4, 4):forward(torch.randn(1, 4, 4, 4)) end,
        'too large', 'fractional pool too large')
   errs(function() nn.VolumetricFractionalMaxPooling(2, 2, 2, 2, 2, 2):forward(torch.randn(4, 4, 4)) end, '4%-D', 'fractional dims')
   errs(function() nn.VolumetricReplicationPadding(-3):forward(torch.randn(1, 2, 2, 2)) end, 'too small', 'over-cropping')
   errs(function() nn.SpatialDepthWiseConvolution(2, 2, 3, 3):forward(torch.randn(2, 2)) end, 'expected input 3%-D', 'depthwise dims')
   errs(function() nn.SpatialDepthWiseConvolution(2, 2, 3, 3):forward(torch.randn(2, 2, 2)) end, 'too small', 'depthwise kernel too large')
   errs(function() nn.TemporalRowConvolution(3, 2):forward(torch.randn(5, 4)) end, 'inputFrameSize 3', 'row conv frame size')
   errs(function() nn.TemporalRowConvolution(3, 4):forward(torch.randn(2, 3)) end, 'too few', 'row conv too short')
   errs(function() nn.TemporalRowConvolution(3, 2):forward(torch.randn(2, 3, 4, 5)) end, '2%-D', 'row conv dims')
   local r = nn.TemporalRowConvolution(3, 2)
   r:forward(torch.randn(5, 3))
   errs(function() r:backward(torch.randn(5, 3), torch.randn(3, 3)) end, 'expected gradOutput of size %[4 x 3%]', 'row conv gradOutput')
   errs(function() nn.FeatureLPPooling(1, 1, 2) end, 'width must be within 2 to 16', 'lp width')
   errs(function() nn.FeatureLPPooling(2, 5, 2) end, 'stride must be within 1 to 4', 'lp stride')
   errs(function() nn.FeatureLPPooling(4, 1, 2, true):forward(torch.randn(2, 3)) end, 'must be >= width', 'lp too few features')
   errs(function() nn.FeatureLPPooling(2, 1, 2, false):forward(torch.randn(2, 2, 2, 2)) end, '1%-D to 3%-D', 'lp dims')
   errs(function() nn.GatedLinearUnit():forward(torch.randn(2, 3)) end, 'halving dimension must be even', 'glu odd dim')
   errs(function() nn.GatedLinearUnit(3):forward(torch.randn(2, 4)) end, 'dim 3 is out of range %[1, 2%]', 'glu bad dim')
   errs(function() nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2):forward(torch.LongTensor(2, 3, 3, 3)) end,
        'FloatTensor or DoubleTensor', 'integer input')
end

function tests.float32()
   local ms = {
      {nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2), {2, 4, 4, 4}},
      {nn.SpatialDepthWiseConvolution(2, 2, 3, 3), {2, 4, 4}},
      {nn.TemporalRowConvolution(3, 2), {5, 3}},
      {nn.FeatureLPPooling(2, 1, 2), {4, 3}},
      {nn.VolumetricReplicationPadding(1), {2, 2, 2, 2}},
   }
   for _, c in ipairs(ms) do
      local x = torch.rand(unpack(c[2]))
      local yd = c[1]:forward(x):clone()
      local f = c[1]:clone():float()
      local yf = f:forward(x:float())
      tester:asserteq(torch.type(yf), 'torch.FloatTensor', torch.type(c[1]) .. ': float output')
      tester:assertlt((yf:double() - yd):abs():max(), 1e-5, torch.type(c[1]) .. ': float32 matches float64')
   end
end

function tests.tostring()
   tester:asserteq(tostring(nn.VolumetricDilatedConvolution(2, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 2, 2, 2)),
                   'nn.VolumetricDilatedConvolution(2 -> 3, 3x3x3, 1,1,1, 1,1,1, 2,2,2)')
   tester:asserteq(tostring(nn.TemporalRowConvolution(4, 3, 2)), 'nn.TemporalRowConvolution(4, 3, 2)')
   tester:asserteq(tostring(nn.VolumetricReplicationPadding(1, 2, 3, 4, 5, 6)),
                   'nn.VolumetricReplicationPadding(left=1, right=2, top=3, bottom=4, front=5, back=6)')
end

tester:add(tests)
tester:run()
