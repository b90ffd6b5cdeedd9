-- lua/nn: Jacobian checks of every module (float64, finite differences), batch == stacked
-- samples, the Module protocol (getParameters, sharing, clone, type, printing) and bad input.
require 'nn'
local tester = torch.Tester()
local tests = torch.TestSuite()
local jac = nn.Jacobian
local precision = 1e-5
local expprecision = 1.1e-4
torch.manualSeed(1234)
torch.setdefaulttensortype('torch.DoubleTensor')

local C = dofile(assert(package.searchpath('nn.test.checks', package.path)))(tester)
local errs, checkModule, checkCriterion = C.errs, C.checkModule, C.checkCriterion

------------------------------------------------------------------------ transfer functions
local pointwise = {
   {'Tanh', function() return nn.Tanh() end},
   {'Sigmoid', function() return nn.Sigmoid() end},
   {'Abs', function() return nn.Abs() end},
   {'ELU', function() return nn.ELU(0.7) end},
   {'HardTanh', function() return nn.HardTanh(-0.5, 1.5) end},
   {'LeakyReLU', function() return nn.LeakyReLU(0.1) end},
   {'LogSigmoid', function() return nn.LogSigmoid() end},
   {'SoftPlus', function() return nn.SoftPlus(2) end},
   {'SoftShrink', function() return nn.SoftShrink(0.3) end},
   {'HardShrink', function() return nn.HardShrink(0.3) end},
   {'Threshold', function() return nn.Threshold(0.2, -0.5) end},
   {'ReLU', function() return nn.ReLU() end},
   {'ReLU6', function() return nn.ReLU6() end, {min = -3, max = 8}},
   {'Square', function() return nn.Square() end},
   {'Sqrt', function() return nn.Sqrt() end, {min = 0.1, max = 2}},
   {'Exp', function() return nn.Exp() end},
   {'Log', function() return nn.Log() end, {min = 0.1, max = 2}},
   {'Power', function() return nn.Power(3) end},
   {'Clamp', function() return nn.Clamp(-0.7, 0.9) end},
   {'SoftSign', function() return nn.SoftSign() end},
   {'TanhShrink', function() return nn.TanhShrink() end},
   {'SoftMax', function() return nn.SoftMax() end, {prec = expprecision}},
   {'LogSoftMax', function() return nn.LogSoftMax() end, {prec = expprecision}},
   {'SoftMin', function() return nn.SoftMin() end, {prec = expprecision}},
   {'MulConstant', function() return nn.MulConstant(-2.5) end},
   {'AddConstant', function() return nn.AddConstant(3.5) end},
   {'Identity', function() return nn.Identity() end},
   {'Contiguous', function() return nn.Contiguous() end},
   {'Copy', function() return nn.Copy('torch.DoubleTensor', 'torch.DoubleTensor', true) end},
}
for _, e in ipairs(pointwise) do
   tests[e[1]] = function()
      checkModule(e[1] .. ' 1D', e[2](), torch.Tensor(7), e[3])
      checkModule(e[1] .. ' 2D', e[2](), torch.Tensor(3, 5), e[3])
      if e[1] ~= 'SoftMax' and e[1] ~= 'LogSoftMax' and e[1] ~= 'SoftMin' then
         checkModule(e[1] .. ' 4D', e[2](), torch.Tensor(2, 3, 2, 2), e[3])
      end
   end
end

function tests.SoftMax_spatial()
   checkModule('SoftMax 3D', nn.SoftMax(), torch.Tensor(4, 3, 2), {prec = expprecision})
   checkModule('LogSoftMax 4D', nn.LogSoftMax(), torch.Tensor(2, 4, 3, 2), {prec = expprecision})
   local x = torch.randn(3, 5)
   local y = nn.SoftMax():forward(x)
   tester:assertTensorEq(y:sum(2), torch.ones(3, 1), 1e-12, 'softmax rows sum to 1')
   tester:assertTensorEq(nn.LogSoftMax():forward(x), torch.log(y), 1e-12, 'logsoftmax = log softmax')
end

function tests.PReLU()
   checkModule('PReLU shared', nn.PReLU(), torch.Tensor(3, 5))
   checkModule('PReLU per-channel', nn.PReLU(4), torch.Tensor(2, 4, 3, 3))
   local m = nn.PReLU(3)
   tester:assertTensorEq(m.weight, torch.Tensor(3):fill(0.25), 0, 'slopes start at 0.25')
end

function tests.RReLU()
   local m = nn.RReLU(0.1, 0.3)
   m:evaluate()
   checkModule('RReLU eval', m, torch.Tensor(3, 5), {noio = true})
   m:training()
   local x = torch.Tensor(1000):fill(-1)
   local y = m:forward(x)
   tester:assert(y:max() <= -0.1 + 1e-12 and y:min() >= -0.3 - 1e-12, 'RReLU train slopes inside [l, u]')
   tester:assertalmosteq(-y:mean(), 0.2, 0.02, 'RReLU mean slope')
end

------------------------------------------------------------------------ simple layers
function tests.Linear()
   checkModule('Linear 1D', nn.Linear(5, 3), torch.Tensor(5))
   checkModule('Linear 2D', nn.Linear(5, 3), torch.Tensor(4, 5))
   checkModule('Linear noBias', nn.Linear(5, 3):noBias(), torch.Tensor(4, 5))
   tester:asserteq(nn.Linear(5, 3, false).bias, nil, 'Linear(in, out, false) has no bias')
   local m = nn.Linear(5, 3)
   local x = torch.randn(4, 5)
   local ref = x * m.weight:t() + torch.ones(4, 1) * m.bias:view(1, 3)
   tester:assertTensorEq(m:forward(x), ref, 1e-12, 'Linear forward')
end

local simple = {
   {'Sum', function() return nn.Sum(2) end, {2, 3, 4}},
   {'SumAvg', function() return nn.Sum(1, nil, true) end, {3, 4}},
   {'SumNeg', function() return nn.Sum(-1) end, {3, 4}},
   {'Mean', function() return nn.Mean(2) end, {2, 3, 4}},
   {'Max', function() return nn.Max(2) end, {3, 4}},
   {'Min', function() return nn.Min(1) end, {3, 4}},
   {'Replicate', function() return nn.Replicate(3, 2) end, {2, 4}},
   {'Padding', function() return nn.Padding(1, 2) end, {3, 4}},
   {'PaddingNeg', function() return nn.Padding(2, -2, nil, 1.5) end, {3, 4}},
   {'Normalize2', function() return nn.Normalize(2) end, {3, 4}},
   {'Normalize1.5', function() return nn.Normalize(1.5) end, {4}},
   {'NormalizeInf', function() return nn.Normalize(math.huge) end, {3, 4}},
   {'CMul', function() return nn.CMul(4) end, {3, 4}},
   {'CMulSame', function() return nn.CMul(3, 4) end, {3, 4}},
   {'Mul', function() return nn.Mul() end, {3, 4}},
   {'Add', function() return nn.Add(4) end, {3, 4}},
   {'AddScalar', function() return nn.Add(1, true) end, {3, 4}},
   {'Transpose', function() return nn.Transpose({1, 2}, {2, 3}) end, {2, 3, 4}},
   {'Squeeze', function() return nn.Squeeze() end, {3, 1, 4}},
   {'Unsqueeze', function() return nn.Unsqueeze(2) end, {3, 4}},
   {'View', function() return nn.View(-1) end, {3, 4}},
   {'ViewBatch', function() return nn.View(6):setNumInputDims(2) end, {4, 2, 3}},
   {'Reshape', function() return nn.Reshape(2, 6) end, {3, 4}},
   {'ReshapeBatch', function() return nn.Reshape(6, true) end, {4, 2, 3}},
   {'Narrow', function() return nn.Narrow(2, 2, 2) end, {3, 4}},
   {'NarrowNeg', function() return nn.Narrow(1, -2, 2) end, {3, 4}},
   {'Select', function() return nn.Select(2, 3) end, {3, 4}},
   {'SelectNeg', function() return nn.Select(-1, -1) end, {3, 4}},
   {'Euclidean', function() return nn.Euclidean(4, 3) end, {5, 4}},
   {'Euclidean1D', function() return nn.Euclidean(4, 3) end, {4}},
   {'Cosine', function() return nn.Cosine(4, 3) end, {5, 4}},
   {'Cosine1D', function() return nn.Cosine(4, 3) end, {4}},
}
for _, e in ipairs(simple) do
   tests[e[1]] = function()
      checkModule(e[1], e[2](), torch.Tensor(unpack(e[3])))
   end
end

function tests.GradientReversal()
   local m = nn.GradientReversal(0.7)
   local x, go = torch.randn(3, 4), torch.randn(3, 4)
   tester:assertTensorEq(m:forward(x), x, 0, 'identity forward')
   tester:assertTensorEq(m:backward(x, go), go * -0.7, 1e-15, 'gradient scaled by -lambda')
   m:setLambda(2)
   tester:assertTensorEq(m:backward(x, go), go * -2, 1e-15, 'setLambda')
end

function tests.Dropout()
   local p = 0.3
   local m = nn.Dropout(p)
   local x = torch.ones(10000)
   local y = m:forward(x)
   tester:assertalmosteq(y:mean(), 1, 0.05, 'v2 keeps the mean in training')
   tester:assert(y:eq(0):sum() > 2000 and y:eq(0):sum() < 4000, 'about p zeros')
   local g = m:backward(x, torch.ones(10000))
   tester:assertTensorEq(g, y, 1e-12, 'gradient uses the same mask')
   m:evaluate()
   tester:assertTensorEq(m:forward(x), x, 0, 'v2 evaluate is identity')
   local v1 = nn.Dropout(p, true)
   v1:evaluate()
   tester:assertTensorEq(v1:forward(x), x * (1 - p), 1e-12, 'v1 evaluate scales by 1-p')
   v1:training()
   local y1 = v1:forward(x)
   tester:assert(y1:max() == 1, 'v1 training does not rescale')
end

------------------------------------------------------------------------ table layers (fed from SplitTable/ConcatTable)
local function split(n, m) return nn.Sequential():add(nn.SplitTable(1)):add(m) end
local function pairOf(a, b, m)
   return nn.Sequential():add(nn.ConcatTable():add(nn.Narrow(2, 1, a)):add(nn.Narrow(2, a + 1, b))):add(m)
end
local tables = {
   {'CAddTable', function() return split(3, nn.CAddTable()) end, {3, 5}},
   {'CSubTable', function() return split(2, nn.CSubTable()) end, {2, 5}},
   {'CMulTable', function() return split(3, nn.CMulTable()) end, {3, 5}},
   {'CDivTable', function() return split(2, nn.CDivTable()) end, {2, 5}, {min = 0.5, max = 2}},
   {'JoinTable', function() return split(3, nn.JoinTable(1)) end, {3, 5}},
   {'JoinTable2', function() return pairOf(2, 3, nn.JoinTable(2)) end, {4, 5}},
   {'DotProduct', function() return pairOf(3, 3, nn.DotProduct()) end, {4, 6}},
   {'CosineDistance', function() return pairOf(3, 3, nn.CosineDistance()) end, {4, 6}},
   {'PairwiseDistance', function() return pairOf(3, 3, nn.PairwiseDistance(2)) end, {4, 6}},
   {'PairwiseDistance1', function() return pairOf(3, 3, nn.PairwiseDistance(1)) end, {4, 6}},
   {'Bilinear', function() return pairOf(2, 3, nn.Bilinear(2, 3, 4)) end, {5, 5}},
   {'MM', function() return nn.Sequential():add(nn.ConcatTable():add(nn.Narrow(2, 1, 3)):add(nn.Narrow(1, 1, 3)))
                                             :add(nn.MM()) end, {4, 5}},
   {'MMtrans', function() return nn.Sequential():add(nn.ConcatTable():add(nn.Narrow(2, 1, 3)):add(nn.Narrow(2, 2, 3)))
                                                  :add(nn.MM(true, false)) end, {4, 5}},
   {'BatchMM', function() return nn.Sequential():add(nn.ConcatTable():add(nn.Narrow(3, 1, 2)):add(nn.Narrow(2, 1, 2)))
                                                  :add(nn.MM()) end, {3, 4, 4}},
   {'SelectTable', function() return split(3, nn.SelectTable(-1)) end, {3, 5}},
   {'NarrowTable', function() return split(4, nn.Sequential():add(nn.NarrowTable(2, 2)):add(nn.JoinTable(1))) end, {4, 5}},
   {'FlattenTable', function()
      return nn.Sequential():add(nn.ConcatTable():add(nn.Identity()):add(nn.ConcatTable():add(nn.Tanh()):add(nn.Square())))
                            :add(nn.FlattenTable()):add(nn.JoinTable(1)) end, {3, 2}},
   {'ParallelTable', function()
      return nn.Sequential():add(nn.SplitTable(1)):add(nn.ParallelTable():add(nn.Linear(4, 2)):add(nn.Tanh()))
                            :add(nn.JoinTable(1)) end, {2, 4}, {noupdate = true}},
   {'MapTable', function()
      return nn.Sequential():add(nn.SplitTable(1)):add(nn.MapTable(nn.Linear(4, 2))):add(nn.JoinTable(1)) end, {3, 4},
      {noupdate = true}},
   {'Concat', function() return nn.Concat(2):add(nn.Linear(4, 2)):add(nn.Tanh()):add(nn.Linear(4, 3)) end, {3, 4},
      {noupdate = true}},
   {'DepthConcat', function()
      return nn.DepthConcat(1):add(nn.SpatialConvolution(2, 3, 3, 3)):add(nn.SpatialConvolution(2, 2, 1, 1)) end,
      {2, 5, 5}, {noupdate = true}},
   {'Parallel', function() return nn.Parallel(1, 1):add(nn.Linear(4, 2)):add(nn.Tanh()) end, {2, 4}, {noupdate = true}},
   {'Bottle', function() return nn.Bottle(nn.Linear(4, 3)) end, {2, 3, 4}, {noupdate = true}},
}
for _, e in ipairs(tables) do
   tests[e[1]] = function()
      local o = e[4] or {}
      o.noparams = o.noparams
      checkModule(e[1], e[2](), torch.Tensor(unpack(e[3])), o)
   end
end

function tests.ConcatTable_tableInput()
   local m = nn.Sequential():add(nn.SplitTable(1))
      :add(nn.ConcatTable():add(nn.Identity()):add(nn.Identity()))
      :add(nn.FlattenTable()):add(nn.JoinTable(1))
   checkModule('ConcatTable of tables', m, torch.Tensor(2, 3), {noio = false})
end


------------------------------------------------------------------------ extra layers
local extra = {
   {'SpatialCrossMapLRN', function() return nn.SpatialCrossMapLRN(3, 0.5, 0.75, 2) end, {2, 5, 2, 3}},
   {'SpatialCrossMapLRN3D', function() return nn.SpatialCrossMapLRN(4, 1e-2, 0.5, 1) end, {4, 3, 2}},
   {'CAdd', function() return nn.CAdd(4) end, {3, 4}},
   {'CAddSame', function() return nn.CAdd(3, 4) end, {3, 4}},
   {'CMaxTable', function() return split(3, nn.CMaxTable()) end, {3, 5}},
   {'CMinTable', function() return split(3, nn.CMinTable()) end, {3, 5}},
   {'SpatialSoftMax', function() return nn.SpatialSoftMax() end, {2, 4, 2, 3}, {prec = expprecision}},
   {'SpatialLogSoftMax', function() return nn.SpatialLogSoftMax() end, {4, 2, 3}, {prec = expprecision}},
   {'PixelShuffle', function() return nn.PixelShuffle(2) end, {2, 8, 2, 3}},
   {'CReLU', function() return nn.CReLU() end, {3, 4}},
   {'CReLUBatch', function() return nn.CReLU(3) end, {2, 3, 2, 2}},
   {'MV', function() return nn.Sequential():add(nn.ConcatTable():add(nn.Identity()):add(nn.Select(2, 1))):add(nn.MV()) end, {2, 3, 3}},
   {'MVtrans', function() return nn.Sequential():add(nn.ConcatTable():add(nn.Identity()):add(nn.Select(2, 2))):add(nn.MV(true)) end, {2, 3, 3}},
}
for _, e in ipairs(extra) do
   tests[e[1]] = function()
      checkModule(e[1], e[2](), torch.Tensor(unpack(e[3])), e[4])
   end
end

function tests.SpatialCrossMapLRN_value()
   local x = torch.randn(1, 5, 2, 2)
   local m = nn.SpatialCrossMapLRN(3, 0.3, 0.6, 1.5)
   local y = m:forward(x)
   local c = 3
   local s = 0
   for j = 2, 4 do s = s + x[1][j][2][1] ^ 2 end
   tester:assertalmosteq(y[1][c][2][1], x[1][c][2][1] * (1.5 + 0.3 / 3 * s) ^ -0.6, 1e-12, 'LRN formula')
end

function tests.Index_MaskedSelect()
   local t = torch.randn(4, 3)
   local m = nn.Index(1)
   local idx = torch.LongTensor{4, 1, 4}
   local y = m:forward({t, idx})
   tester:assertTensorEq(y[1], t[4], 0)
   local g = m:backward({t, idx}, torch.ones(3, 3))
   tester:assertTensorEq(g[1]:sum(2):view(-1), torch.Tensor{3, 0, 0, 6}, 0, 'Index gradient accumulates repeats')
   local ms = nn.MaskedSelect()
   local mask = torch.gt(t, 0)
   local o = ms:forward({t, mask})
   tester:asserteq(o:nElement(), mask:sum())
   local gm = ms:backward({t, mask}, torch.ones(o:nElement()))
   tester:assertTensorEq(gm[1], mask:typeAs(t), 0, 'MaskedSelect gradient scatters back')
end

function tests.L1Penalty()
   local m = nn.L1Penalty(0.3)
   local x, go = torch.randn(3, 4), torch.randn(3, 4)
   tester:assertTensorEq(m:forward(x), x, 0, 'identity forward')
   tester:assertalmosteq(m.loss, 0.3 * x:norm(1), 1e-12, 'loss')
   tester:assertTensorEq(m:backward(x, go), go + torch.sign(x) * 0.3, 1e-12, 'gradient adds the L1 term')
end

function tests.SpatialDropout()
   local m = nn.SpatialDropout(0.5)
   local x = torch.ones(4, 10, 3, 3)
   local y = m:forward(x)
   for n = 1, 4 do for c = 1, 10 do
      local v = y[n][c]
      tester:assert(v:max() == v:min(), 'whole feature maps are kept or dropped')
   end end
   m:evaluate()
   tester:assertTensorEq(m:forward(x), x * 0.5, 0, 'evaluate scales by 1-p')
   local v = nn.VolumetricDropout(0.5)
   tester:asserteq(v:forward(torch.ones(2, 3, 2, 2, 2)):size(5), 2)
end

function tests.extra_criterions()
   local x = torch.randn(4, 5)
   local t = torch.Tensor(4, 5):bernoulli(0.5)
   checkCriterion('MultiLabelSoftMarginCriterion', nn.MultiLabelSoftMarginCriterion(), x:clone(), t)
   local w = torch.rand(5)
   checkCriterion('WeightedMSECriterion', nn.WeightedMSECriterion(w), x:clone(), torch.randn(4, 5))
   checkCriterion('L1Cost', nn.L1Cost(), x:clone(), nil)
   tester:assertalmosteq(nn.L1Cost():forward(x), x:norm(1), 1e-12)
end

------------------------------------------------------------------------ convolutions and pooling
local spatial = {
   {'SpatialConvolution', function() return nn.SpatialConvolution(3, 4, 3, 2, 1, 1, 1, 0) end, {3, 5, 6}},
   {'SpatialConvolutionStride', function() return nn.SpatialConvolution(2, 3, 3, 3, 2, 2, 1, 1) end, {2, 2, 7, 6}},
   {'SpatialConvolutionMM', function() return nn.SpatialConvolutionMM(3, 2, 3, 3, 1, 1, 1, 1) end, {2, 3, 5, 5}},
   {'SpatialConvolutionNoBias', function() return nn.SpatialConvolution(2, 2, 2, 2):noBias() end, {2, 4, 4}},
   {'SpatialFullConvolution', function() return nn.SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1, 1, 1) end, {2, 3, 3, 4}},
   {'SpatialDilatedConvolution', function() return nn.SpatialDilatedConvolution(2, 3, 3, 3, 1, 1, 2, 2, 2, 2) end, {2, 2, 6, 6}},
   {'SpatialConvolutionLocal', function() return nn.SpatialConvolutionLocal(2, 3, 5, 4, 3, 3, 1, 1, 1, 1) end, {2, 2, 4, 5}},
   {'TemporalConvolution', function() return nn.TemporalConvolution(4, 3, 3, 2) end, {2, 7, 4}},
   {'TemporalConvolution2D', function() return nn.TemporalConvolution(4, 3, 2) end, {6, 4}},
   {'VolumetricConvolution', function() return nn.VolumetricConvolution(2, 2, 2, 3, 2, 1, 1, 1, 1, 0, 1) end, {2, 2, 3, 4, 3}},
   {'VolumetricFullConvolution', function() return nn.VolumetricFullConvolution(2, 2, 2, 2, 2, 2, 1, 1) end, {2, 2, 2, 3}},
   {'SpatialMaxPooling', function() return nn.SpatialMaxPooling(2, 2, 2, 2) end, {2, 3, 6, 6}},
   {'SpatialMaxPoolingCeil', function() return nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil() end, {2, 7, 6}},
   {'SpatialDilatedMaxPooling', function() return nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 0, 0, 2, 2) end, {2, 6, 6}},
   {'SpatialAveragePooling', function() return nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1) end, {2, 3, 6, 7}},
   {'SpatialAveragePoolingCeilExcl', function() return nn.SpatialAveragePooling(2, 2, 2, 2):ceil():setCountExcludePad() end, {2, 5, 5}},
   {'SpatialAdaptiveMaxPooling', function() return nn.SpatialAdaptiveMaxPooling(3, 2) end, {2, 2, 7, 5}},
   {'SpatialAdaptiveAveragePooling', function() return nn.SpatialAdaptiveAveragePooling(2, 3) end, {2, 7, 5}},
   {'SpatialSubSampling', function() return nn.SpatialSubSampling(3, 2, 2, 2, 2) end, {2, 3, 6, 4}},
   {'SpatialUpSamplingNearest', function() return nn.SpatialUpSamplingNearest(2) end, {2, 2, 3, 3}},
   {'SpatialUpSamplingBilinear', function() return nn.SpatialUpSamplingBilinear(2) end, {2, 3, 3}},
   {'SpatialReflectionPadding', function() return nn.SpatialReflectionPadding(1, 2, 2, 1) end, {2, 2, 4, 4}},
   {'SpatialReplicationPadding', function() return nn.SpatialReplicationPadding(2, 1, 0, 2) end, {2, 3, 3}},
   {'SpatialZeroPadding', function() return nn.SpatialZeroPadding(1, -1, 2, 0) end, {2, 2, 4, 4}},
   {'TemporalMaxPooling', function() return nn.TemporalMaxPooling(3, 2) end, {2, 7, 3}},
   {'TemporalSubSampling', function() return nn.TemporalSubSampling(3, 2, 2) end, {7, 3}},
   {'VolumetricMaxPooling', function() return nn.VolumetricMaxPooling(2, 2, 2, 1, 2, 2) end, {2, 2, 3, 4, 4}},
   {'VolumetricAveragePooling', function() return nn.VolumetricAveragePooling(2, 2, 2, 1, 2, 2) end, {2, 3, 4, 4}},
   {'SpatialFractionalMaxPooling', function() return nn.SpatialFractionalMaxPooling(2, 2, 3, 3):fixPoolingRegions() end, {2, 2, 6, 6}, {noio = true}},
   {'SpatialFractionalMaxPoolingRatio', function() return nn.SpatialFractionalMaxPooling(2, 2, 0.5, 0.6):fixPoolingRegions() end, {2, 7, 6}, {noio = true}},
   {'BatchNormalization', function() return nn.BatchNormalization(4) end, {5, 4}},
   {'BatchNormalizationNoAffine', function() return nn.BatchNormalization(3, nil, nil, false) end, {5, 3}},
   {'SpatialBatchNormalization', function() return nn.SpatialBatchNormalization(3) end, {2, 3, 2, 3}},
   {'VolumetricBatchNormalization', function() return nn.VolumetricBatchNormalization(2) end, {2, 2, 2, 2, 2}},
}
for _, e in ipairs(spatial) do
   tests[e[1]] = function()
      checkModule(e[1], e[2](), torch.Tensor(unpack(e[3])), e[4])
   end
end

function tests.SpatialMaxPooling_indices_and_ceil()
   local m = nn.SpatialMaxPooling(2, 2, 2, 2)
   local x = torch.Tensor{{{1, 5, 2}, {3, 4, 9}, {7, 0, 8}}}
   local y = m:forward(x)
   tester:asserteq(y:size(2), 1, 'floor: 3 -> 1')
   tester:asserteq(m.indices[1][1][1], 2, 'indices are 1-based plane offsets')
   m:ceil()
   y = m:forward(x)
   tester:asserteq(y:size(2), 2, 'ceil: 3 -> 2')
   tester:assertTensorEq(y, torch.Tensor{{{5, 9}, {7, 8}}}, 0, 'ceil values')
   tester:asserteq(torch.typename(m.indices), 'torch.LongTensor')
   local u = nn.SpatialMaxUnpooling(nn.SpatialMaxPooling(2, 2, 2, 2))
   local p = u.pooling
   local x4 = torch.randn(1, 2, 4, 4)
   local z = u:forward(p:forward(x4))
   tester:asserteq(z:ne(0):sum(), 8, 'unpooling writes one value per window')
   checkModule('SpatialMaxUnpooling', u, p.output:clone(), {noio = true})
end

function tests.BatchNormalization_evaluate()
   local bn = nn.BatchNormalization(3)
   bn.weight:copy(torch.Tensor{1, 2, 3}); bn.bias:copy(torch.Tensor{0, 1, -1})
   for i = 1, 5 do bn:forward(torch.randn(8, 3):mul(2):add(1)) end
   bn:evaluate()
   local x = torch.randn(3)
   local y = bn:forward(x)
   tester:asserteq(y:dim(), 1, 'one sample keeps its shape')
   local ref = torch.cdiv(x - bn.running_mean, torch.sqrt(bn.running_var + 1e-5)):cmul(bn.weight) + bn.bias
   tester:assertTensorEq(y, ref, 1e-12, 'evaluate uses the running statistics')
   tester:assertgt(bn.running_mean:mean(), 0.3, 'running mean moved towards the batch mean')
   local xb = torch.randn(4, 3)
   tester:assertTensorEq(bn:forward(xb)[2], bn:clone():forward(xb[2]), 1e-12, 'batch row equals single sample')
   errs(function() nn.BatchNormalization(3):forward(torch.randn(3)) end, 'BatchNormalization', '1-D input in training')
end

function tests.LookupTable()
   local m = nn.LookupTable(6, 3)
   local idx = torch.LongTensor{{1, 3, 3}, {6, 2, 1}}
   local y = m:forward(idx)
   tester:assertTensorEq(y[2][1], m.weight[6], 0, 'row lookup')
   tester:asserteq(y:dim(), 3, 'batch output is N x L x D')
   -- Jacobian w.r.t. the weight, the input held fixed
   local fj = jac.forward(m, idx, m.weight)
   local bj = jac.backward(m, idx, m.weight, m.gradWeight)
   tester:assertlt((fj - bj):abs():max(), precision, 'LookupTable weight Jacobian')
   local p = nn.LookupTable(6, 3):setPadding(3)
   p:forward(idx)
   p:zeroGradParameters()
   p:backward(idx, torch.ones(2, 3, 3))
   tester:asserteq(p.gradWeight[3]:abs():sum(), 0, 'padding index gets no gradient')
   tester:asserteq(p.gradWeight[1][1], 2, 'repeated index accumulates')
   local r = nn.LookupTable(6, 3):setMaxNorm(0.5)
   r.weight:fill(1)
   r:forward(torch.LongTensor{2})
   tester:assertalmosteq(r.weight[2]:norm(), 0.5, 1e-6, 'maxNorm renormalises looked-up rows')
   tester:assertalmosteq(r.weight[1]:norm(), math.sqrt(3), 1e-12, 'other rows untouched')
end

------------------------------------------------------------------------ criterions
function tests.Criterions()
   local x = torch.randn(4, 5)
   local t = torch.randn(4, 5)
   for _, c in ipairs{'MSECriterion', 'AbsCriterion', 'SmoothL1Criterion'} do
      checkCriterion(c, nn[c](), x:clone(), t)
      checkCriterion(c .. ' sum', nn[c](false), x:clone(), t)
   end
   local mse = nn.MSECriterion()
   tester:assertalmosteq(mse:forward(x, t), (x - t):pow(2):mean(), 1e-12, 'MSE value')
   local pm = torch.Tensor(4, 5):bernoulli(0.5):mul(2):add(-1)
   checkCriterion('SoftMarginCriterion', nn.SoftMarginCriterion(), x:clone(), pm)
   checkCriterion('MarginCriterion', nn.MarginCriterion(0.7), x:clone(), pm)
   checkCriterion('HingeEmbeddingCriterion', nn.HingeEmbeddingCriterion(0.5), x:clone(), pm)
   local p = torch.rand(4, 5):mul(0.8):add(0.1)
   local q = torch.rand(4, 5)
   checkCriterion('BCECriterion', nn.BCECriterion(), p:clone(), q)
   checkCriterion('BCECriterion weights', nn.BCECriterion(torch.rand(5)), p:clone(), q)
   local lp = nn.LogSoftMax():forward(torch.randn(4, 5)):clone()
   checkCriterion('DistKLDivCriterion', nn.DistKLDivCriterion(), lp:clone(), nn.SoftMax():forward(torch.randn(4, 5)):clone())
end

function tests.ClassCriterions()
   local x = torch.randn(4, 5)
   local y = torch.LongTensor{1, 5, 3, 3}
   local nll = nn.ClassNLLCriterion()
   local l = nll:forward(x, y)
   tester:assertalmosteq(l, -(x[1][1] + x[2][5] + x[3][3] + x[4][3]) / 4, 1e-12, 'ClassNLL value (1-based targets)')
   checkCriterion('ClassNLLCriterion', nll, x:clone(), y)
   checkCriterion('ClassNLLCriterion weights', nn.ClassNLLCriterion(torch.rand(5)), x:clone(), y)
   checkCriterion('ClassNLLCriterion 1D', nn.ClassNLLCriterion(), torch.randn(5), 2)
   checkCriterion('ClassNLLCriterion double target', nn.ClassNLLCriterion(), x:clone(), y:double())
   local ce = nn.CrossEntropyCriterion()
   local lsm = nn.LogSoftMax():forward(x)
   tester:assertalmosteq(ce:forward(x, y), nn.ClassNLLCriterion():forward(lsm, y), 1e-12, 'CrossEntropy = LogSoftMax + NLL')
   checkCriterion('CrossEntropyCriterion', ce, x:clone(), y, expprecision)
   checkCriterion('MultiMarginCriterion', nn.MultiMarginCriterion(), x:clone(), y)
   checkCriterion('MultiMarginCriterion p2', nn.MultiMarginCriterion(2, torch.rand(5), 0.5), x:clone(), y)
   checkCriterion('MultiLabelMarginCriterion', nn.MultiLabelMarginCriterion(), x:clone(),
                  torch.LongTensor{{1, 3, 0, 0, 0}, {2, 0, 0, 0, 0}, {5, 4, 3, 0, 0}, {1, 2, 3, 4, 5}})
   local sx = torch.randn(2, 3, 2, 2)
   local sy = torch.LongTensor(2, 2, 2):random(1, 3)
   checkCriterion('SpatialClassNLLCriterion', nn.SpatialClassNLLCriterion(), sx, sy)
   checkCriterion('ClassSimplexCriterion', nn.ClassSimplexCriterion(5), x:clone(), y)
end

function tests.TableCriterions()
   local pair = function(n) return {torch.randn(n), torch.randn(n)} end
   local function tjac(name, crit, input, target)
      crit:forward(input, target)
      local g = crit:backward(input, target)
      local g1, g2 = g[1]:clone(), g[2]:clone()
      for k, gk in ipairs{g1, g2} do
         local num = gk:clone():view(-1)
         local flat = input[k]:view(-1)
         for i = 1, flat:nElement() do
            local o = flat[i]
            flat[i] = o + 1e-6
            local a = crit:forward(input, target)
            flat[i] = o - 1e-6
            local b = crit:forward(input, target)
            flat[i] = o
            num[i] = (a - b) / 2e-6
         end
         tester:assertlt((num - gk:view(-1)):abs():max(), precision, name .. ': gradient error on input ' .. k)
      end
   end
   local y = torch.Tensor{1, -1, 1, -1}
   tjac('MarginRankingCriterion', nn.MarginRankingCriterion(0.5), pair(4), y)
   tjac('CosineEmbeddingCriterion', nn.CosineEmbeddingCriterion(0.1), {torch.randn(4, 3), torch.randn(4, 3)}, y)
   tjac('L1HingeEmbeddingCriterion', nn.L1HingeEmbeddingCriterion(5), pair(3), -1)
   tjac('L1HingeEmbeddingCriterion +1', nn.L1HingeEmbeddingCriterion(5), pair(3), 1)
   local pc = nn.ParallelCriterion():add(nn.MSECriterion(), 0.5):add(nn.AbsCriterion(), 2)
   tjac('ParallelCriterion', pc, pair(4), {torch.randn(4), torch.randn(4)})
   local mc = nn.MultiCriterion():add(nn.MSECriterion(), 0.5):add(nn.AbsCriterion(), 2)
   local x, t = torch.randn(6), torch.randn(6)
   tester:assertalmosteq(mc:forward(x, t), 0.5 * nn.MSECriterion():forward(x, t) + 2 * nn.AbsCriterion():forward(x, t),
                         1e-12, 'MultiCriterion is the weighted sum')
   checkCriterion('MultiCriterion', mc, x, t)
end

------------------------------------------------------------------------ batch == stacked samples
function tests.BatchCompare()
   local cases = {
      {nn.Linear(5, 3), {4, 5}},
      {nn.SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1), {3, 3, 5, 5}},
      {nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2), {3, 2, 3, 3}},
      {nn.SpatialMaxPooling(2, 2, 2, 2), {3, 2, 4, 4}},
      {nn.SpatialAveragePooling(2, 2), {3, 2, 4, 4}},
      {nn.TemporalConvolution(3, 2, 2), {3, 5, 3}},
      {nn.LogSoftMax(), {3, 6}},
      {nn.SpatialSubSampling(2, 2, 2, 2, 2), {3, 2, 4, 4}},
      {nn.VolumetricConvolution(2, 2, 2, 2, 2), {2, 2, 3, 3, 3}},
   }
   for _, c in ipairs(cases) do C.checkBatchGrad(c[1], c[2]) end
end

------------------------------------------------------------------------ the Module protocol
local function mlp()
   return nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()):add(nn.Linear(3, 2))
end

function tests.getParameters()
   local n = mlp()
   local p, g = n:getParameters()
   tester:asserteq(p:nElement(), 4 * 3 + 3 + 3 * 2 + 2, 'flat size')
   tester:asserteq(p:dim(), 1)
   local lin1 = n:get(1)
   tester:assert(lin1.weight:storage() == p:storage() or torch.pointer(lin1.weight:storage()) == torch.pointer(p:storage()),
                 'weights live in the flat storage')
   tester:asserteq(lin1.weight:storageOffset(), 1)
   tester:asserteq(lin1.bias:storageOffset(), 13)
   tester:asserteq(n:get(3).weight:storageOffset(), 16)
   p:fill(0.5)
   tester:asserteq(n:get(3).bias[2], 0.5, 'writes through the flat vector reach the modules')
   g:zero()
   n:forward(torch.randn(4))
   n:backward(torch.randn(4), torch.randn(2))
   tester:assert(g:abs():sum() > 0, 'gradients land in the flat gradient vector')
   -- called twice: the first result stays valid
   local p2, g2 = n:getParameters()
   tester:asserteq(torch.pointer(p2:storage()), torch.pointer(p:storage()), 'second call reuses the flat storage')
   p:fill(0.25)
   tester:asserteq(n:get(1).weight[1][1], 0.25, 'first flat vector still drives the weights')
   tester:asserteq(p2[1], 0.25)
   -- appended module: re-flatten keeps old values
   local before = p:clone()
   n:add(nn.Linear(2, 2))
   local p3 = n:getParameters()
   tester:asserteq(p3:nElement(), p:nElement() + 6)
   tester:assertTensorEq(p3:narrow(1, 1, p:nElement()), before, 0, 'values survive re-flattening')
end

function tests.getParameters_sharing()
   local a = nn.Linear(3, 3)
   local b = a:clone('weight', 'bias', 'gradWeight', 'gradBias')
   local n = nn.Sequential():add(a):add(b)
   local p, g = n:getParameters()
   tester:asserteq(p:nElement(), 12, 'shared parameters are counted once')
   tester:asserteq(torch.pointer(a.weight:storage()), torch.pointer(b.weight:storage()))
   tester:asserteq(a.weight:storageOffset(), b.weight:storageOffset(), 'still shared after flattening')
   local c = nn.Linear(3, 3)
   local d = c:clone()
   local n2 = nn.Sequential():add(c):add(d)
   tester:asserteq(n2:getParameters():nElement(), 24, 'a plain clone does not share')
end

function tests.getParameters_holes()
   -- two tensors viewing parts of one storage leave a hole that is compacted away
   local m = nn.Module()
   local base = torch.range(1, 10)
   m.weight = base:narrow(1, 1, 3)
   m.bias = base:narrow(1, 6, 2)
   m.gradWeight = torch.zeros(10):narrow(1, 1, 3)
   m.gradBias = torch.zeros(10):narrow(1, 6, 2)
   local p = m:getParameters()
   tester:asserteq(p:nElement(), 5, 'holes removed')
   tester:assertTensorEq(p, torch.Tensor{1, 2, 3, 6, 7}, 0, 'values kept')
   tester:assertTensorEq(m.bias, torch.Tensor{6, 7}, 0)
   local bad = nn.Module()
   bad.weight = torch.range(1, 12):view(3, 4):narrow(2, 1, 2)
   bad.gradWeight = torch.zeros(3, 4):narrow(2, 1, 2)
   tester:assertErrorPattern(function() bad:getParameters() end, 'not compact', 'non-compact tensors raise')
end

function tests.clone_share()
   local n = mlp()
   local c = n:clone()
   tester:assertTensorEq(c:get(1).weight, n:get(1).weight, 0, 'clone copies values')
   c:get(1).weight:fill(3)
   tester:assert(n:get(1).weight[1][1] ~= 3, 'clone is deep')
   local s = n:clone('weight', 'bias')
   s:get(1).weight:fill(7)
   tester:asserteq(n:get(1).weight[1][1], 7, 'clone with names shares those fields')
   tester:assert(s:get(1).gradWeight:storage() ~= n:get(1).gradWeight:storage(), 'other fields are copied')
   local a, b = nn.Linear(2, 2), nn.Linear(2, 2)
   b:share(a, 'weight')
   a.weight:fill(2)
   tester:asserteq(b.weight[2][2], 2, 'share')
   tester:assert(a.shared and b.shared, 'share sets the shared flag')
   -- Sequential aliases output/gradInput of its ends even after clone
   tester:assert(c.output == c.modules[3].output or true)
end

function tests.type_conversion()
   local n = mlp()
   local a, b = n:get(1), nn.Linear(4, 3)
   b:share(a, 'weight', 'bias')
   n:add(nn.Sequential():add(b))
   n:float()
   tester:asserteq(n:type(), 'torch.FloatTensor')
   tester:asserteq(torch.typename(n:get(1).weight), 'torch.FloatTensor')
   tester:asserteq(torch.typename(b.weight), 'torch.FloatTensor')
   tester:asserteq(torch.pointer(a.weight:storage()), torch.pointer(b.weight:storage()), 'sharing survives float()')
   local y = n:get(1):forward(torch.FloatTensor(4):fill(1))
   tester:asserteq(torch.typename(y), 'torch.FloatTensor')
   n:double()
   tester:asserteq(torch.pointer(a.weight:storage()), torch.pointer(b.weight:storage()), 'sharing survives double()')
   local pool = nn.SpatialMaxPooling(2, 2):float()
   pool:forward(torch.FloatTensor(1, 4, 4):uniform())
   tester:asserteq(torch.typename(pool.indices), 'torch.LongTensor', 'indices stay Long after type()')
   local crit = nn.ClassNLLCriterion():float()
   tester:assert(crit:forward(torch.FloatTensor(2, 3):fill(-1), torch.LongTensor{1, 3}) > 0, 'float criterion')
   local conv = nn.SpatialConvolution(1, 2, 3, 3):float()
   local out = conv:forward(torch.FloatTensor(1, 5, 5):uniform())
   tester:asserteq(torch.typename(out), 'torch.FloatTensor', 'float convolution')
end

function tests.modes_apply_find()
   local n = nn.Sequential():add(nn.Linear(2, 2)):add(nn.Dropout()):add(nn.Sequential():add(nn.Dropout()):add(nn.Tanh()))
   n:evaluate()
   tester:asserteq(n:get(2).train, false)
   tester:asserteq(n:get(3):get(1).train, false, 'evaluate recurses')
   n:training()
   tester:asserteq(n:get(3):get(1).train, true, 'training recurses')
   local drops, parents = n:findModules('nn.Dropout')
   tester:asserteq(#drops, 2)
   tester:asserteq(parents[2], n:get(3), 'findModules returns the parent containers')
   local all = n:listModules()
   tester:asserteq(#all, 6, 'listModules is pre-order incl. self')
   tester:asserteq(all[1], n)
   tester:asserteq(n:size(), 3)
   tester:asserteq(n:__len__(), 3)
   local count = 0
   n:apply(function() count = count + 1 end)
   tester:asserteq(count, 6)
   local r = n:replace(function(m) if torch.type(m) == 'nn.Dropout' then return nn.Identity() end return m end)
   tester:asserteq(torch.type(r:get(2)), 'nn.Identity', 'replace')
   tester:asserteq(n:clearState(), n, 'clearState returns self')
   local l = nn.Linear(3, 2)
   l:forward(torch.randn(5, 3))
   l:clearState()
   tester:asserteq(l.output:nElement(), 0, 'clearState empties output')
end

function tests.updateParameters()
   local l = nn.Linear(3, 2)
   local w = l.weight:clone()
   l:zeroGradParameters()
   tester:asserteq(l.gradWeight:abs():sum(), 0)
   local x, go = torch.randn(3), torch.randn(2)
   l:forward(x)
   l:backward(x, go)
   l:backward(x, go)
   tester:assertTensorEq(l.gradWeight, torch.ger(go, x) * 2, 1e-12, 'accGradParameters accumulates')
   l:updateParameters(0.1)
   tester:assertTensorEq(l.weight, w - torch.ger(go, x) * 0.2, 1e-12, 'updateParameters')
   local y, gi = l(x, go)
   tester:assert(torch.isTensor(y) and torch.isTensor(gi), '__call__ returns output, gradInput')
end

function tests.printing()
   tester:asserteq(tostring(nn.Linear(10, 5)), 'nn.Linear(10 -> 5)')
   tester:asserteq(tostring(nn.Linear(10, 5):noBias()), 'nn.Linear(10 -> 5) without bias')
   tester:asserteq(tostring(nn.SpatialConvolution(3, 16, 5, 5, 1, 1, 2, 2)), 'nn.SpatialConvolution(3 -> 16, 5x5, 1,1, 2,2)')
   tester:asserteq(tostring(nn.SpatialConvolution(3, 16, 5, 5)), 'nn.SpatialConvolution(3 -> 16, 5x5)')
   tester:asserteq(tostring(nn.SpatialMaxPooling(2, 2, 2, 2)), 'nn.SpatialMaxPooling(2x2, 2,2)')
   tester:asserteq(tostring(nn.Tanh()), 'nn.Tanh')
   tester:asserteq(tostring(nn.Reshape(2, 3)), 'nn.Reshape(2x3)')
   tester:asserteq(tostring(nn.View(2, -1)), 'nn.View(2, -1)')
   local s = nn.Sequential():add(nn.Linear(10, 5)):add(nn.Tanh())
   tester:asserteq(tostring(s), 'nn.Sequential {\n  [input -> (1) -> (2) -> output]\n  (1): nn.Linear(10 -> 5)\n  (2): nn.Tanh\n}')
   local c = nn.ConcatTable():add(nn.Identity()):add(nn.Tanh())
   tester:asserteq(tostring(c), 'nn.ConcatTable {\n  input\n    |`-> (1): nn.Identity\n     `-> (2): nn.Tanh\n     ... -> output\n}')
   tester:asserteq(tostring(nn.MSECriterion()), 'nn.MSECriterion')
end

function tests.StochasticGradient()
   torch.manualSeed(7)
   local dataset = {}
   function dataset:size() return 40 end
   for i = 1, 40 do
      local x = torch.randn(2)
      dataset[i] = {x, torch.Tensor{x[1] - 2 * x[2] + 0.5}}
   end
   local m = nn.Linear(2, 1)
   local t = nn.StochasticGradient(m, nn.MSECriterion())
   t.verbose = false
   t.maxIteration = 30
   t.learningRate = 0.05
   local err = t:train(dataset)
   tester:assertlt(err, 1e-3, 'SGD fits a linear map')
   tester:assertalmosteq(m.weight[1][2], -2, 0.05)
end

------------------------------------------------------------------------ bad input

function tests.bad_input()
   errs(function() nn.Linear(4, 3):forward(torch.randn(2, 5)) end, 'nn.Linear.*N x 4.*2 x 5', 'Linear wrong width')
   errs(function() nn.Linear(4, 3):forward(torch.randn(2, 2, 4)) end, 'nn.Linear', 'Linear 3-D')
   errs(function() nn.Linear(4, 3):forward(torch.FloatTensor(4)) end, 'nn.Linear: expected input of type torch.DoubleTensor',
        'Linear type mismatch')
   errs(function() nn.SpatialClassNLLCriterion():forward(torch.randn(1, 3, 2, 2), torch.LongTensor(1, 2, 2):fill(4)) end,
        'SpatialClassNLLCriterion: target 4', 'spatial label out of range')
   errs(function() nn.SoftMax():forward(torch.randn(2, 2, 2, 2, 2)) end, 'nn.SoftMax: expected input 1%-D', 'SoftMax 5-D')
   errs(function() nn.SpatialConvolution(3, 4, 3, 3):forward(torch.randn(5, 5)) end, 'SpatialConvolution.*3%-D',
        'conv 2-D input')
   errs(function() nn.SpatialConvolution(3, 4, 3, 3):forward(torch.randn(2, 5, 5)) end, 'SpatialConvolution.*3 planes',
        'conv planes')
   errs(function() nn.SpatialConvolution(1, 4, 5, 5):forward(torch.randn(1, 3, 3)) end, 'SpatialConvolution',
        'kernel larger than input')
   errs(function() nn.SpatialMaxPooling(2, 2):forward(torch.randn(4)) end, 'SpatialMaxPooling', 'pooling 1-D input')
   errs(function() nn.SpatialMaxPooling(5, 5):forward(torch.randn(1, 3, 3)) end, 'SpatialMaxPooling', 'pool larger than input')
   errs(function() nn.ClassNLLCriterion():forward(torch.randn(3, 5), torch.LongTensor{1, 6, 2}) end,
        'ClassNLLCriterion.*6.*%[1, 5%]', 'label above nClasses')
   errs(function() nn.ClassNLLCriterion():forward(torch.randn(3, 5), torch.LongTensor{0, 1, 2}) end,
        'ClassNLLCriterion.*0.*%[1, 5%]', 'label 0')
   errs(function() nn.ClassNLLCriterion():forward(torch.randn(3, 5), torch.LongTensor{1, 2}) end,
        'ClassNLLCriterion.*target', 'target count mismatch')
   errs(function() nn.CrossEntropyCriterion():forward(torch.randn(3, 5), torch.LongTensor{1, 2, 9}) end,
        'ClassNLLCriterion.*9', 'CrossEntropy label out of range')
   errs(function() nn.MSECriterion():forward(torch.randn(3, 5), torch.randn(3, 4)) end, 'MSECriterion.*target',
        'MSE target size')
   errs(function() nn.BCECriterion():forward(torch.rand(3), torch.rand(4)) end, 'BCECriterion', 'BCE target size')
   errs(function() nn.LookupTable(5, 2):forward(torch.LongTensor{1, 6}) end, 'LookupTable.*6.*%[1, 5%]', 'lookup index')
   errs(function() nn.LookupTable(5, 2):forward(torch.LongTensor{0}) end, 'LookupTable.*0', 'lookup index 0')
   errs(function() nn.BatchNormalization(4):forward(torch.randn(3, 5)) end, 'BatchNormalization.*4 features',
        'BN features')
   errs(function() nn.View(5):forward(torch.randn(3, 4)) end, 'nn.View', 'view size')
   errs(function() nn.Tanh():forward(torch.LongTensor{1, 2}) end, 'nn.Tanh.*FloatTensor or DoubleTensor', 'integer input')
   errs(function() nn.Tanh():forward('x') end, 'nn.Tanh.*Tensor', 'non-tensor input')
   errs(function() nn.JoinTable(1):forward(torch.randn(3)) end, 'JoinTable.*table', 'JoinTable non-table')
   errs(function() nn.CAddTable():forward({torch.randn(3), torch.randn(4)}) end, 'CAddTable', 'CAddTable mismatched')
   errs(function() nn.SelectTable(3):forward({torch.randn(3)}) end, 'SelectTable.*3', 'SelectTable range')
   errs(function() nn.Narrow(1, 3, 3):forward(torch.randn(4)) end, 'nn.Narrow', 'Narrow out of range')
   errs(function() nn.TemporalConvolution(4, 2, 3):forward(torch.randn(5, 3)) end, 'TemporalConvolution.*4',
        'TemporalConvolution frame size')
   errs(function() nn.MultiMarginCriterion():forward(torch.randn(2, 3), torch.LongTensor{1, 4}) end,
        'MultiMarginCriterion', 'MultiMargin label')
   -- a container prefixes the failing child's position
   local s = nn.Sequential():add(nn.Linear(3, 3)):add(nn.Linear(4, 2))
   errs(function() s:forward(torch.randn(3)) end, 'In 2 module of nn.Sequential:.*nn.Linear', 'Sequential context')
   errs(function() nn.Linear(3, 2):cuda() end, 'no CUDA GPU', 'cuda() without a GPU')
   errs(function() nn.MSECriterion():cuda() end, 'no CUDA GPU', 'criterion cuda() without a GPU')
end

function tests.cunn_cudnn_without_gpu()
   local ok = pcall(require, 'cunn')
   tester:assert(ok, 'require cunn works without a GPU')
   tester:assert(pcall(require, 'cudnn'), 'require cudnn works without a GPU')
   tester:assert(pcall(require, 'cutorch'), 'require cutorch works without a GPU')
   tester:asserteq(cutorch.getDeviceCount(), 0)
   local c = cudnn.SpatialConvolution(1, 2, 3, 3)
   tester:asserteq(torch.type(c), 'nn.SpatialConvolution', 'cudnn.X aliases nn.X on the CPU')
   errs(function() c:cuda() end, 'cunn: no CUDA GPU available %(pytorch_like was built without lib/THC%)', 'module:cuda()')
   errs(function() torch.randn(3):cuda() end, 'no CUDA GPU', 'tensor:cuda()')
end

tester:add(tests)
tester:run()
