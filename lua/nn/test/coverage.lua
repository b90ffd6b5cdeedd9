-- Coverage audit of lua/nn: every class in `nn` deriving from nn.Module or nn.Criterion (found at
-- run time) has a row below that builds an instance with a valid input and runs the float64
-- finite-difference checks (nn.Jacobian, δ=1e-6, tolerance 1e-5, 1.1e-4 for the softmax family):
-- input Jacobian, parameter Jacobians with their direct-update variants, batch == stacked
-- samples; criterions get their input gradient checked. A class missing from both the table and
-- the commented exclusion list fails `all_classes_covered`.
require 'nn'
local tester = torch.Tester()
local tests = torch.TestSuite()
local jac = nn.Jacobian
local precision = 1e-5
local expprecision = 1.1e-4
torch.manualSeed(2024)
torch.setdefaulttensortype('torch.DoubleTensor')

local C = dofile(assert(package.searchpath('nn.test.checks', package.path)))(tester)

local function R(...) return torch.randn(...) end
local function L(t) return torch.LongTensor(t) end
local WB = {{'weight', 'gradWeight'}, {'bias', 'gradBias'}}
local W = {{'weight', 'gradWeight'}}

-- max |finite difference - backprop| of the parameter Jacobian with the input held fixed (the
-- nn.Jacobian test* functions overwrite the input with random values, which breaks index inputs)
local function paramJacobianError(m, input, param, dparam)
   return (jac.forward(m, input, param) - jac.backward(m, input, param, dparam)):abs():max()
end

-- for modules with sparse gradients: max |finite difference of sum(output .* go) w.r.t. the
-- parameter field - the change that one step of updateParameters(1) (or, direct, of
-- accUpdateGradParameters(input, go, 1)) makes to it|
local function updateGradientError(m, input, field, direct)
   local p = m[field]
   local go = R(m:forward(input):size())
   local function loss() return torch.cmul(m:forward(input), go):sum() end
   local flat, eps = p:view(-1), 1e-6
   local num = torch.Tensor(flat:nElement())
   for j = 1, flat:nElement() do
      local orig = flat[j]
      flat[j] = orig + eps; local a = loss()
      flat[j] = orig - eps; local b = loss()
      flat[j] = orig
      num[j] = (a - b) / (2 * eps)
   end
   local p0 = p:clone()
   m:zeroGradParameters()
   m:forward(input)
   m:updateGradInput(input, go)
   if direct then m:accUpdateGradParameters(input, go, 1)
   else m:accGradParameters(input, go); m:updateParameters(1) end
   local step = (p0 - m[field]):view(-1)
   m[field]:copy(p0)
   return (step - num):abs():max()
end

-- gradient of sum(output .* go) w.r.t. the floating leaves of a table input (index and mask
-- leaves are skipped; the gradInput leaves pair with the input leaves in order)
local function checkTableInput(name, m, input, prec)
   local leaves = C.leaves(input)
   local out = m:forward(input)
   local go = torch.isTensor(out) and R(out:size()) or nil
   local function gos(o)
      if torch.isTensor(o) then return R(o:size()) end
      local r = {}; for i = 1, #o do r[i] = gos(o[i]) end; return r
   end
   go = go or gos(out)
   local gin = C.leaves(m:backward(input, go))
   local g = {}
   for i, t in ipairs(gin) do g[i] = t:clone() end
   local golv = C.leaves(go)
   local function loss()
      local s, outs = 0, C.leaves(m:forward(input))
      for i = 1, #outs do s = s + torch.cmul(outs[i], golv[i]):sum() end
      return s
   end
   local eps, worst = 1e-6, 0
   for i, x in ipairs(leaves) do
      if torch.type(x) == 'torch.DoubleTensor' then
         tester:assert(g[i] ~= nil and g[i]:nElement() == x:nElement(), name .. ': gradInput leaf ' .. i .. ' shape')
         if g[i] and g[i]:nElement() == x:nElement() then
            local flat, gf = x:view(-1), g[i]:contiguous():view(-1)
            for j = 1, flat:nElement() do
               local orig = flat[j]
               flat[j] = orig + eps; local a = loss()
               flat[j] = orig - eps; local b = loss()
               flat[j] = orig
               worst = math.max(worst, math.abs((a - b) / (2 * eps) - gf[j]))
            end
         end
      end
   end
   tester:assertlt(worst, prec or precision, name .. ': gradient error')
end

-- a module taking a table, fed from one tensor: the columns [a, b] of x become input i, so the
-- nn.Jacobian parameter checks (which need a tensor input) reach modules with table inputs
local function fromColumns(m, ranges, join)
   local split = nn.ConcatTable()
   for _, r in ipairs(ranges) do split:add(nn.Narrow(2, r[1], r[2])) end
   local s = nn.Sequential():add(split):add(m)
   if join then s:add(nn.JoinTable(2)) end
   return s
end

-- the modules: name -> function returning a spec
--   m: the module; x: a tensor input (checked with nn.Jacobian: input, parameters o.params or
--      weight/bias, direct updates, testIO) or t: a table input (checkTableInput)
--   o: options of checkModule; batch: the module maps x's first dimension as a batch
--   p: for a table module, {a module with a tensor input and output wrapping it, that input}: the
--      Jacobian w.r.t. its flat parameters (containers with o.noparams get the same)
--   idx: an index-valued input; only parameter Jacobians ({{field, gradField}}) are checked
local M = {}

-- pointwise and transfer functions
local pointwise = {
   Abs = {}, Sigmoid = {}, Tanh = {}, ELU = {0.7}, HardTanh = {-0.5, 1.5}, LeakyReLU = {0.1},
   LogSigmoid = {}, SoftPlus = {2}, SoftShrink = {0.3}, HardShrink = {0.3}, Threshold = {0.2, -0.5},
   ReLU = {}, Square = {}, Exp = {}, Power = {3}, Clamp = {-0.7, 0.9}, SoftSign = {}, TanhShrink = {},
   MulConstant = {-2.5}, AddConstant = {3.5}, Identity = {}, Contiguous = {},
}
for k, args in pairs(pointwise) do
   M[k] = function() return {m = nn[k](unpack(args)), x = R(3, 5), batch = true} end
end
M.ReLU6 = function() return {m = nn.ReLU6(), x = R(3, 5), o = {min = -3, max = 8}, batch = true} end
M.Sqrt = function() return {m = nn.Sqrt(), x = R(3, 5), o = {min = 0.1, max = 2}, batch = true} end
M.Log = function() return {m = nn.Log(), x = R(3, 5), o = {min = 0.1, max = 2}, batch = true} end
M.Copy = function() return {m = nn.Copy('torch.DoubleTensor', 'torch.DoubleTensor', true), x = R(3, 4)} end
for _, k in ipairs{'SoftMax', 'LogSoftMax', 'SoftMin'} do
   M[k] = function() return {m = nn[k](), x = R(3, 5), o = {prec = expprecision}, batch = true} end
end
for _, k in ipairs{'SpatialSoftMax', 'SpatialLogSoftMax'} do
   M[k] = function() return {m = nn[k](), x = R(2, 3, 2, 2), o = {prec = expprecision}, batch = true} end
end
M.PReLU = function() return {m = nn.PReLU(3), x = R(2, 3, 2, 2), o = {params = W}, batch = true} end
-- random modules: deterministic (and differentiable) in evaluation mode
local function eval(m) m:evaluate(); return m end
M.RReLU = function() return {m = eval(nn.RReLU(0.1, 0.3)), x = R(3, 5), batch = true} end
M.Dropout = function() return {m = eval(nn.Dropout(0.4)), x = R(3, 5), batch = true} end
M.SpatialDropout = function() return {m = eval(nn.SpatialDropout(0.4)), x = R(2, 3, 2, 2), batch = true} end
M.VolumetricDropout = function() return {m = eval(nn.VolumetricDropout(0.4)), x = R(2, 2, 2, 2, 2), batch = true} end
M.WhiteNoise = function() return {m = eval(nn.WhiteNoise(0, 0.1)), x = R(3, 5), batch = true} end
M.CReLU = function() return {m = nn.CReLU(3), x = R(2, 3, 2, 2), batch = true} end
-- GradientReversal's gradInput is -lambda * gradOutput: with lambda = -1 that is the Jacobian
M.GradientReversal = function() return {m = nn.GradientReversal(-1), x = R(3, 5), batch = true} end
M.GatedLinearUnit = function() return {m = nn.GatedLinearUnit(), x = R(3, 6), batch = true} end

-- simple modules with parameters
M.Linear = function() return {m = nn.Linear(4, 3), x = R(2, 4), batch = true} end
M.PartialLinear = function() return {m = nn.PartialLinear(4, 3), x = R(2, 4)} end
M.Add = function() return {m = nn.Add(4), x = R(2, 4), batch = true} end
M.CAdd = function() return {m = nn.CAdd(3, 1), x = R(2, 3, 1), batch = true} end
M.CMul = function() return {m = nn.CMul(4), x = R(2, 4), o = {params = W}, batch = true} end
M.Mul = function() return {m = nn.Mul(), x = R(2, 4), o = {params = W}, batch = true} end
M.Euclidean = function() return {m = nn.Euclidean(4, 3), x = R(2, 4), o = {params = W}, batch = true} end
M.WeightedEuclidean = function()
   return {m = nn.WeightedEuclidean(4, 3), x = R(2, 4), batch = true,
           o = {params = {{'weight', 'gradWeight'}, {'diagCov', 'gradDiagCov'}}}}
end
M.Cosine = function() return {m = nn.Cosine(4, 3), x = R(2, 4), o = {params = W}, batch = true} end
M.Maxout = function() return {m = nn.Maxout(4, 3, 2), x = R(2, 4), batch = true} end
M.LinearWeightNorm = function()
   return {m = nn.LinearWeightNorm(4, 3), x = R(2, 4), batch = true,
           o = {params = {{'v', 'gradV'}, {'g', 'gradG'}, {'bias', 'gradBias'}}}}
end
M.WeightNorm = function()
   return {m = nn.WeightNorm(nn.Linear(4, 3)), x = R(2, 4), batch = true,
           o = {params = {{'v', 'gradV'}, {'g', 'gradG'}, {'bias', 'gradBias'}}}}
end
M.Bilinear = function()
   local b = nn.Bilinear(3, 2, 4)
   return {m = b, t = {R(2, 3), R(2, 2)}, p = {fromColumns(nn.Bilinear(3, 2, 4), {{1, 3}, {4, 2}}), R(2, 5)}}
end
M.LookupTable = function() return {m = nn.LookupTable(6, 3), idx = L{{1, 3, 3}, {6, 2, 1}}, o = {params = W}} end
-- IndexLinear keeps sparse gradients: its parameters are checked through the update they make
M.IndexLinear = function()
   return {m = nn.IndexLinear(8, 3), idx = {{L{1, 5, 8}, L{2}}, {R(3), R(1)}}, o = {params = WB}, sparse = true}
end
M.SparseLinear = function()
   return {m = nn.SparseLinear(7, 3), idx = torch.Tensor{{1, 0.5}, {4, -1.2}, {7, 2}}, o = {params = WB}}
end

-- shape and reduction modules
M.Narrow = function() return {m = nn.Narrow(2, 2, 3), x = R(3, 5)} end
M.Select = function() return {m = nn.Select(2, 3), x = R(3, 5)} end
M.View = function() return {m = nn.View(6):setNumInputDims(2), x = R(2, 2, 3), batch = true} end
M.Reshape = function() return {m = nn.Reshape(6), x = R(2, 2, 3), batch = true} end
M.Transpose = function() return {m = nn.Transpose({1, 2}), x = R(3, 4)} end
M.Squeeze = function() return {m = nn.Squeeze(), x = R(3, 1, 4)} end
M.Unsqueeze = function() return {m = nn.Unsqueeze(2), x = R(3, 4)} end
M.Replicate = function() return {m = nn.Replicate(3, 2), x = R(2, 4)} end
M.Padding = function() return {m = nn.Padding(1, 2, 1, -1.5), x = R(2, 4), batch = true} end
M.Sum = function() return {m = nn.Sum(1, 2), x = R(3, 4, 2), batch = true} end
M.Mean = function() return {m = nn.Mean(1, 2), x = R(3, 4, 2), batch = true} end
M.Max = function() return {m = nn.Max(1, 2), x = R(3, 4, 2), batch = true} end
M.Min = function() return {m = nn.Min(1, 2), x = R(3, 4, 2), batch = true} end
M.Normalize = function() return {m = nn.Normalize(2), x = R(3, 4), batch = true} end
M.Collapse = function() return {m = nn.Collapse(2), x = R(2, 3, 2)} end
M.Convert = function() return {m = nn.Convert('bchw', 'bf'), x = R(2, 3, 2, 2)} end
M.Constant = function() return {m = nn.Constant(R(3), 1), x = R(2, 4)} end
M.PixelShuffle = function() return {m = nn.PixelShuffle(2), x = R(2, 8, 2, 3), batch = true} end
M.LayerNormalization = function() return {m = nn.LayerNormalization(6), x = R(3, 6), batch = true} end
M.FeatureLPPooling = function() return {m = nn.FeatureLPPooling(3, 2, 2, true), x = R(2, 7, 3)} end
M.Index = function() return {m = nn.Index(1), t = {R(4, 3), L{2, 4, 2}}} end
M.MaskedSelect = function() return {m = nn.MaskedSelect(), t = {R(3, 4), torch.ByteTensor(3, 4):bernoulli(0.5)}} end

-- table modules
M.JoinTable = function() return {m = nn.JoinTable(2), t = {R(2, 3), R(2, 2)}} end
M.SplitTable = function() return {m = nn.SplitTable(2), t = R(3, 4)} end
M.CAddTable = function() return {m = nn.CAddTable(), t = {R(2, 3), R(2, 3), R(2, 3)}} end
M.CSubTable = function() return {m = nn.CSubTable(), t = {R(2, 3), R(2, 3)}} end
M.CMulTable = function() return {m = nn.CMulTable(), t = {R(2, 3), R(2, 3), R(2, 3)}} end
M.CDivTable = function() return {m = nn.CDivTable(), t = {R(2, 3), torch.rand(2, 3):add(1)}} end
M.CMaxTable = function() return {m = nn.CMaxTable(), t = {R(2, 3), R(2, 3), R(2, 3)}} end
M.CMinTable = function() return {m = nn.CMinTable(), t = {R(2, 3), R(2, 3), R(2, 3)}} end
M.SelectTable = function() return {m = nn.SelectTable(2), t = {R(2), R(3), R(4)}} end
M.NarrowTable = function() return {m = nn.NarrowTable(2, 2), t = {R(2), R(3), R(4)}} end
M.FlattenTable = function() return {m = nn.FlattenTable(), t = {R(2), {R(3), {R(4)}}}} end
M.CAddTensorTable = function() return {m = nn.CAddTensorTable(), t = {R(3), {R(3), R(3)}}} end
M.ZipTable = function() return {m = nn.ZipTable(), t = {{R(2), R(3)}, {R(4), R(1)}}} end
M.ZipTableOneToMany = function() return {m = nn.ZipTableOneToMany(), t = {R(2), {R(3), R(4)}}} end
M.MixtureTable = function()
   return {m = nn.MixtureTable(), t = {nn.SoftMax():forward(R(2, 3)):clone(), {R(2, 4), R(2, 4), R(2, 4)}}}
end
M.MM = function() return {m = nn.MM(), t = {R(2, 3, 4), R(2, 4, 2)}} end
M.MV = function() return {m = nn.MV(), t = {R(2, 3, 4), R(2, 4)}} end
M.DotProduct = function() return {m = nn.DotProduct(), t = {R(3, 4), R(3, 4)}} end
M.CosineDistance = function() return {m = nn.CosineDistance(), t = {R(3, 4), R(3, 4)}} end
M.PairwiseDistance = function() return {m = nn.PairwiseDistance(2), t = {R(3, 4), R(3, 4)}} end
M.SpatialGridSamplerBilinear = function()
   return {m = nn.SpatialGridSamplerBilinear(), t = {R(2, 2, 3, 4), torch.rand(2, 3, 3, 2):mul(1.6):add(-0.8)}}
end

-- containers and wrappers
M.Sequential = function() return {m = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()):add(nn.Linear(3, 2)), x = R(2, 4), o = {noparams = true}, batch = true} end
M.Concat = function() return {m = nn.Concat(2):add(nn.Linear(4, 3)):add(nn.Linear(4, 2)), x = R(2, 4), o = {noparams = true}} end
M.DepthConcat = function()
   return {m = nn.DepthConcat(2):add(nn.SpatialConvolution(2, 3, 1, 1)):add(nn.SpatialConvolution(2, 2, 3, 3)),
           x = R(2, 2, 4, 4), o = {noparams = true}}
end
M.ConcatTable = function()
   return {m = nn.ConcatTable():add(nn.Linear(4, 3)):add(nn.Tanh()), t = R(2, 4),
           p = {nn.Sequential():add(nn.ConcatTable():add(nn.Linear(4, 3)):add(nn.Linear(4, 2))):add(nn.JoinTable(2)), R(2, 4)}}
end
M.Parallel = function() return {m = nn.Parallel(1, 1):add(nn.Linear(4, 3)):add(nn.Linear(4, 2)), x = R(2, 4), o = {noparams = true}} end
M.ParallelTable = function()
   return {m = nn.ParallelTable():add(nn.Linear(4, 3)):add(nn.Tanh()), t = {R(2, 4), R(2, 3)},
           p = {fromColumns(nn.ParallelTable():add(nn.Linear(4, 3)):add(nn.Linear(2, 2)), {{1, 4}, {5, 2}}, true), R(2, 6)}}
end
M.MapTable = function()
   return {m = nn.MapTable(nn.Linear(4, 3)), t = {R(2, 4), R(1, 4)},
           p = {fromColumns(nn.MapTable(nn.Linear(2, 3)), {{1, 2}, {3, 2}}, true), R(2, 4)}}
end
M.Bottle = function() return {m = nn.Bottle(nn.Linear(4, 3)), x = R(2, 3, 4), o = {noparams = true}, batch = true} end
M.Decorator = function() return {m = nn.Decorator(nn.Linear(4, 3)), x = R(2, 4), o = {noparams = true}, batch = true} end
M.DontCast = function() return {m = nn.DontCast(nn.Linear(4, 3), true), x = R(2, 4), o = {noparams = true}, batch = true} end
M.GPU = function() return {m = nn.GPU(nn.Linear(4, 3), 1), x = R(2, 4), o = {noparams = true}, batch = true} end
M.NaN = function() return {m = nn.NaN(nn.Linear(4, 3)), x = R(2, 4), o = {noparams = true}, batch = true} end
M.Profile = function() return {m = nn.Profile(nn.Linear(4, 3), 1e9), x = R(2, 4), o = {noparams = true}, batch = true} end
M.CriterionTable = function() return {m = nn.CriterionTable(nn.MSECriterion()), crit = true, t = {R(3), R(3)}} end

-- normalization
M.BatchNormalization = function() return {m = nn.BatchNormalization(3), x = R(4, 3)} end
M.SpatialBatchNormalization = function() return {m = nn.SpatialBatchNormalization(2), x = R(3, 2, 2, 2)} end
M.VolumetricBatchNormalization = function() return {m = nn.VolumetricBatchNormalization(2), x = R(2, 2, 2, 2, 2)} end
local kernel = torch.Tensor{{1, 2, 1}, {2, 4, 2}, {1, 2, 1}}
M.SpatialSubtractiveNormalization = function() return {m = nn.SpatialSubtractiveNormalization(2, kernel:clone()), x = R(2, 4, 5)} end
M.SpatialDivisiveNormalization = function() return {m = nn.SpatialDivisiveNormalization(2, kernel:clone()), x = R(2, 4, 5)} end
M.SpatialContrastiveNormalization = function() return {m = nn.SpatialContrastiveNormalization(2, kernel:clone()), x = R(2, 4, 5)} end
M.SpatialCrossMapLRN = function() return {m = nn.SpatialCrossMapLRN(3), x = R(2, 4, 3, 3), batch = true} end

-- spatial convolutions, pooling, padding, sampling (batch of 2, planes 2)
local sx = function() return R(2, 2, 5, 5) end
local spatial = {
   SpatialConvolution = function() return nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1) end,
   SpatialConvolutionMM = function() return nn.SpatialConvolutionMM(2, 3, 3, 3, 2, 2, 1, 1) end,
   SpatialConvolutionLocal = function() return nn.SpatialConvolutionLocal(2, 3, 5, 5, 3, 3) end,
   SpatialConvolutionMap = function() return nn.SpatialConvolutionMap(nn.tables.random(2, 3, 1), 3, 3) end,
   SpatialFullConvolution = function() return nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 1) end,
   SpatialFullConvolutionMap = function() return nn.SpatialFullConvolutionMap(nn.tables.full(2, 3), 3, 3, 2, 2) end,
   SpatialDilatedConvolution = function() return nn.SpatialDilatedConvolution(2, 3, 2, 2, 1, 1, 0, 0, 2, 2) end,
   SpatialFullDilatedConvolution = function() return nn.SpatialFullDilatedConvolution(2, 3, 2, 2, 1, 1, 0, 0, 2, 2, 0, 0) end,
   SpatialDepthWiseConvolution = function() return nn.SpatialDepthWiseConvolution(2, 2, 3, 3) end,
   SpatialSubSampling = function() return nn.SpatialSubSampling(2, 2, 2, 1, 1) end,
   SpatialMaxPooling = function() return nn.SpatialMaxPooling(2, 2, 2, 2):ceil() end,
   SpatialAveragePooling = function() return nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1) end,
   SpatialDilatedMaxPooling = function() return nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 0, 0, 2, 2) end,
   SpatialAdaptiveMaxPooling = function() return nn.SpatialAdaptiveMaxPooling(2, 3) end,
   SpatialAdaptiveAveragePooling = function() return nn.SpatialAdaptiveAveragePooling(2, 3) end,
   SpatialFractionalMaxPooling = function() return nn.SpatialFractionalMaxPooling(2, 2, 3, 3):fixPoolingRegions() end,
   SpatialLPPooling = function() return nn.SpatialLPPooling(2, 2, 2, 2, 2, 2) end,
   SpatialReflectionPadding = function() return nn.SpatialReflectionPadding(1, 2, 2, 1) end,
   SpatialReplicationPadding = function() return nn.SpatialReplicationPadding(1, 2, 2, 1) end,
   SpatialZeroPadding = function() return nn.SpatialZeroPadding(1, -1, 2, 0) end,
   SpatialUpSamplingNearest = function() return nn.SpatialUpSamplingNearest(2) end,
   SpatialUpSamplingBilinear = function() return nn.SpatialUpSamplingBilinear(2) end,
   UpSampling = function() return nn.UpSampling(2, 'linear') end,
}
-- these take batches only (UpSampling) or fix their pooling regions for one batch size
local batchOnly = {UpSampling = true, SpatialFractionalMaxPooling = true, VolumetricFractionalMaxPooling = true}
-- (as in Torch7, clearState drops fixed pooling regions, so no serialization round trip there)
for k, f in pairs(spatial) do
   M[k] = function() return {m = f(), x = sx(), batch = not batchOnly[k], o = k:find('Fractional') and {noio = true} or nil} end
end
M.SpatialMaxUnpooling = function()
   local p = nn.SpatialMaxPooling(2, 2, 2, 2)
   return {m = nn.Sequential():add(p):add(nn.SpatialMaxUnpooling(p)), x = R(2, 2, 4, 4), batch = true}
end

-- temporal
M.TemporalConvolution = function() return {m = nn.TemporalConvolution(3, 2, 2, 1), x = R(2, 5, 3), batch = true} end
M.TemporalMaxPooling = function() return {m = nn.TemporalMaxPooling(2, 1), x = R(2, 5, 3), batch = true} end
M.TemporalSubSampling = function() return {m = nn.TemporalSubSampling(3, 2, 1), x = R(5, 3)} end
M.TemporalRowConvolution = function() return {m = nn.TemporalRowConvolution(4, 3, 2), x = R(2, 7, 4), batch = true} end
M.TemporalDynamicKMaxPooling = function() return {m = nn.TemporalDynamicKMaxPooling(2), x = R(2, 5, 3), batch = true} end

-- volumetric (batch of 2, planes 2, 4x4x4)
local volumetric = {
   VolumetricConvolution = function() return nn.VolumetricConvolution(2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1) end,
   VolumetricDilatedConvolution = function() return nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2) end,
   VolumetricFullConvolution = function() return nn.VolumetricFullConvolution(2, 2, 2, 2, 2, 2, 2, 2) end,
   VolumetricFullDilatedConvolution = function() return nn.VolumetricFullDilatedConvolution(2, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2, 0, 0, 0) end,
   VolumetricMaxPooling = function() return nn.VolumetricMaxPooling(2, 2, 2, 2, 2, 2) end,
   VolumetricAveragePooling = function() return nn.VolumetricAveragePooling(2, 2, 2, 2, 2, 2) end,
   VolumetricDilatedMaxPooling = function() return nn.VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2) end,
   VolumetricFractionalMaxPooling = function() return nn.VolumetricFractionalMaxPooling(2, 2, 2, 3, 3, 3):fixPoolingRegions() end,
   VolumetricReplicationPadding = function() return nn.VolumetricReplicationPadding(1, 0, 0, 1, 1, 0) end,
}
for k, f in pairs(volumetric) do M[k] = function() return {m = f(), x = R(2, 2, 4, 4, 4), batch = not batchOnly[k]} end end
M.VolumetricMaxUnpooling = function()
   local p = nn.VolumetricMaxPooling(2, 2, 2, 2, 2, 2)
   return {m = nn.Sequential():add(p):add(nn.VolumetricMaxUnpooling(p)), x = R(2, 2, 4, 4, 4), batch = true}
end

-- criterions: name -> function returning {c = criterion, x = input, y = target, prec}
local K = {}
local function probs(...) return torch.rand(...):mul(0.8):add(0.1) end
K.AbsCriterion = function() return {c = nn.AbsCriterion(), x = R(3, 4), y = R(3, 4)} end
K.MSECriterion = function() return {c = nn.MSECriterion(), x = R(3, 4), y = R(3, 4)} end
K.SmoothL1Criterion = function() return {c = nn.SmoothL1Criterion(), x = R(3, 4), y = R(3, 4)} end
K.BCECriterion = function() return {c = nn.BCECriterion(torch.rand(4)), x = probs(3, 4), y = torch.rand(3, 4):gt(0.5):double()} end
K.ClassNLLCriterion = function() return {c = nn.ClassNLLCriterion(torch.rand(5)), x = R(3, 5), y = L{2, 5, 1}} end
K.CrossEntropyCriterion = function() return {c = nn.CrossEntropyCriterion(), x = R(3, 5), y = L{2, 5, 1}, prec = expprecision} end
K.SpatialClassNLLCriterion = function()
   return {c = nn.SpatialClassNLLCriterion(), x = R(2, 3, 2, 2), y = L{{{1, 3}, {2, 2}}, {{3, 1}, {1, 2}}}}
end
K.DistKLDivCriterion = function() return {c = nn.DistKLDivCriterion(), x = R(3, 4), y = probs(3, 4)} end
K.MarginCriterion = function() return {c = nn.MarginCriterion(0.7), x = R(3, 4), y = torch.rand(3, 4):gt(0.5):double():mul(2):add(-1)} end
K.SoftMarginCriterion = function() return {c = nn.SoftMarginCriterion(), x = R(3, 4), y = torch.rand(3, 4):gt(0.5):double():mul(2):add(-1)} end
K.MultiMarginCriterion = function() return {c = nn.MultiMarginCriterion(2, torch.rand(5), 0.5), x = R(3, 5), y = L{2, 5, 1}} end
K.MultiLabelMarginCriterion = function() return {c = nn.MultiLabelMarginCriterion(), x = R(2, 4), y = L{{3, 1, 0, 0}, {2, 0, 0, 0}}} end
K.MultiLabelSoftMarginCriterion = function() return {c = nn.MultiLabelSoftMarginCriterion(), x = R(3, 4), y = torch.rand(3, 4):gt(0.5):double()} end
K.ClassSimplexCriterion = function() return {c = nn.ClassSimplexCriterion(5), x = R(3, 5), y = L{2, 5, 1}} end
K.L1Cost = function() return {c = nn.L1Cost(), x = R(3, 4)} end
K.WeightedMSECriterion = function() return {c = nn.WeightedMSECriterion(R(3, 4)), x = R(3, 4), y = R(3, 4)} end
K.HingeEmbeddingCriterion = function() return {c = nn.HingeEmbeddingCriterion(1.5), x = R(4), y = torch.Tensor{1, -1, -1, 1}} end
K.L1HingeEmbeddingCriterion = function() return {c = nn.L1HingeEmbeddingCriterion(5), x = {R(3), R(3)}, y = -1} end
K.CosineEmbeddingCriterion = function() return {c = nn.CosineEmbeddingCriterion(0.1), x = {R(3, 4), R(3, 4)}, y = torch.Tensor{1, -1, 1}} end
K.MarginRankingCriterion = function() return {c = nn.MarginRankingCriterion(0.5), x = {R(4), R(4)}, y = torch.Tensor{1, -1, 1, -1}} end
K.DistanceRatioCriterion = function() return {c = nn.DistanceRatioCriterion(), x = {torch.rand(4):add(0.5), torch.rand(4):add(0.5)}} end
K.SpatialAutoCropMSECriterion = function() return {c = nn.SpatialAutoCropMSECriterion(), x = R(2, 2, 5, 5), y = R(2, 2, 3, 4)} end
K.ModuleCriterion = function() return {c = nn.ModuleCriterion(nn.ClassNLLCriterion(), nn.LogSoftMax()), x = R(3, 5), y = L{2, 5, 1}, prec = expprecision} end
K.MultiCriterion = function() return {c = nn.MultiCriterion():add(nn.MSECriterion(), 0.5):add(nn.AbsCriterion(), 2), x = R(3, 4), y = R(3, 4)} end
K.ParallelCriterion = function()
   return {c = nn.ParallelCriterion():add(nn.MSECriterion(), 0.5):add(nn.AbsCriterion(), 2), x = {R(3), R(2)}, y = {R(3), R(2)}}
end

-- classes not checked here by finite differences, and why (each is tested in the named file)
local excluded = {
   Module = 'abstract base class',
   Criterion = 'abstract base class',
   Container = 'abstract base of the containers (Sequential, Concat, ... are in the table)',
   ZeroGrad = 'gradInput is zero by design, not the Jacobian (test_nn_extra.lua)',
   L1Penalty = 'gradInput adds the penalty gradient, which the output does not carry (test_nn.lua)',
   Kmeans = 'clustering: output is cluster indices, gradInput zero, the "gradient" a centroid update (test_nn_extra.lua)',
   OneHot = 'index input, no gradient (test_nn_extra.lua)',
   PrintSize = 'identity debug module that prints on every call (test_nn_extra.lua)',
}

-- every parameter tensor (the fields of `fields`, weight/bias/gradients by default) of a module
-- tree, hidden submodules included, lives in the flat vectors of getParameters: no stale copy
local function checkInFlat(name, m, p, g, fields)
   local paramFields = {}
   for _, f in ipairs(fields or WB) do paramFields[f[1]] = true; paramFields[f[2]] = true end
   local flat = {[torch.pointer(p:storage())] = true, [torch.pointer(g:storage())] = true}
   local seen = {}
   local function walk(t, path)
      if seen[t] then return end
      seen[t] = true
      for k, v in pairs(t) do
         if torch.isTensor(v) and paramFields[k] and v:nElement() > 0 then
            tester:assert(flat[torch.pointer(v:storage())] ~= nil, name .. ': ' .. path .. '.' .. tostring(k) .. ' is outside the flat vectors')
         elseif type(v) == 'table' and not torch.isTensor(v) and (torch.isTypeOf(v, 'nn.Module') or getmetatable(v) == nil) then
            walk(v, path .. '.' .. tostring(k))
         end
      end
   end
   walk(m, torch.type(m))
end

-- containers: the Jacobian w.r.t. all parameters at once, through getParameters' flat vector
local function checkFlatParameters(name, m, x)
   local p, g = m:getParameters()
   checkInFlat(name, m, p, g)
   tester:assertgt(p:nElement(), 0, name .. ': has parameters')
   tester:assertlt(jac.testJacobianParameters(m, x, p, g), precision, name .. ': error on the flat parameters')
   tester:assertlt(jac.testJacobianUpdateParameters(m, x, p), precision,
                   name .. ': error on the flat parameters [direct update]')
end

-- the Module protocol on each class with parameters: clone computes the same; getParameters
-- flattens parameters and gradients into views of one vector each, and a second call keeps
-- the first vectors valid; clone(names) shares those fields
local function checkProtocol(name, m, x, fields)
   local y = m:forward(x):clone()
   tester:assertTensorEq(m:clone():forward(x), y, 1e-12, name .. ': clone computes the same')
   local p, g = m:getParameters()
   checkInFlat(name, m, p, g, fields)
   local p2, g2 = m:getParameters()
   local params, grads = m:parameters()
   for k, pair in ipairs{{p, params, 'parameters'}, {g, grads, 'gradParameters'}} do
      local flat, list, what = pair[1], pair[2], pair[3]
      local n = 0
      for _, t in ipairs(list) do n = n + t:nElement() end
      tester:asserteq(flat:nElement(), n, name .. ': flat ' .. what .. ' hold them all')
      local second = k == 1 and p2 or g2
      second:fill(k + 0.5)
      for i, t in ipairs(list) do
         tester:asserteq(t:min(), k + 0.5, name .. ': ' .. what .. ' ' .. i .. ' is a view of the flat vector')
      end
      tester:asserteq(flat:min(), k + 0.5, name .. ': the first flat ' .. what .. ' survive a second call')
   end
   local names = {}
   for _, f in ipairs(fields) do if m[f[1]] then names[#names + 1] = f[1] end end
   local s = m:clone(unpack(names))
   for _, f in ipairs(names) do
      s[f]:fill(-0.25)
      tester:asserteq(m[f]:max(), -0.25, name .. ': clone(' .. f .. ') shares ' .. f)
   end
   -- type conversion keeps that sharing
   local a = m:clone()
   local b = a:clone(unpack(names))
   nn.Container():add(a):add(b):float()
   for _, f in ipairs(names) do
      tester:asserteq(torch.type(b[f]), 'torch.FloatTensor', name .. ': float() converts ' .. f)
      a[f]:fill(0.75)
      tester:asserteq(b[f]:min(), 0.75, name .. ': float() keeps ' .. f .. ' shared')
   end
end

-- the float32 module (m:float()) computes what the float64 one does, forward and backward
local function checkFloat(name, m, x)
   local go = R(m:forward(x):size())
   local y = m:forward(x):clone()
   local gi = m:backward(x, go):clone()
   local mf = m:clone():float()
   local yf = mf:forward(x:float())
   tester:asserteq(torch.type(yf), 'torch.FloatTensor', name .. ': float output type')
   local scale = math.max(1, torch.abs(y):max())
   tester:assertlt((yf:double() - y):abs():max() / scale, 1e-4, name .. ': float32 output')
   local gif = mf:backward(x:float(), go:float())
   scale = math.max(1, torch.abs(gi):max())
   tester:assertlt((gif:double() - gi):abs():max() / scale, 1e-4, name .. ': float32 gradInput')
end

-- a copy of a (table of) tensor(s) with its float64 tensors made float32
local function toFloat(x)
   if torch.type(x) == 'torch.DoubleTensor' then return x:float() end
   if type(x) ~= 'table' then return x end
   local r = {}
   for i = 1, #x do r[i] = toFloat(x[i]) end
   return r
end

-- max |float32 - float64| over the leaves, relative to the largest float64 magnitude (at least 1)
local function floatError(a, b)
   local la, lb = C.leaves(a), C.leaves(b)
   tester:asserteq(#la, #lb, 'float32 and float64 results have the same structure')
   local worst = 0
   for i = 1, math.min(#la, #lb) do
      if lb[i]:nElement() > 0 then
         local scale = math.max(1, torch.abs(lb[i]):max())
         worst = math.max(worst, torch.abs(la[i]:double() - lb[i]):max() / scale)
      end
   end
   return worst
end

local function countMeasured(name, spec)
   local m = spec.m
   if spec.crit then
      -- a module wrapping a criterion: its output is the loss
      local gin = C.leaves(m:backward(spec.t))
      local g = {}
      for i, t in ipairs(gin) do g[i] = t:clone() end
      local ref = nn.MSECriterion():forward(spec.t[1], spec.t[2])
      tester:assertalmosteq(m:forward(spec.t), ref, 1e-12, name .. ': output is the criterion loss')
      local eps, worst = 1e-6, 0
      -- as in Torch7, gradInput has the gradient w.r.t. the criterion's input only
      for i, x in ipairs{spec.t[1]} do
         local flat, gf = x:view(-1), g[i]:contiguous():view(-1)
         for j = 1, flat:nElement() do
            local orig = flat[j]
            flat[j] = orig + eps; local a = m:forward(spec.t)
            flat[j] = orig - eps; local b = m:forward(spec.t)
            flat[j] = orig
            worst = math.max(worst, math.abs((a - b) / (2 * eps) - gf[j]))
         end
      end
      tester:assertlt(worst, precision, name .. ': gradient error')
      return
   end
   if spec.x then
      local single = spec.batch and spec.x[1]:clone() or nil
      C.checkModule(name, m, spec.x, spec.o)
      if spec.o and spec.o.noparams then checkFlatParameters(name, m, spec.x) end
      if spec.batch then
         local bm = m:clone()
         local lo, hi = spec.o and spec.o.min or -2, spec.o and spec.o.max or 2
         local x = torch.rand(spec.x:size()):mul(hi - lo):add(lo)
         C.checkBatch(name, bm, x, 1e-10)
         -- and the single-sample input form passes the Jacobian check too
         tester:assertlt(jac.testJacobian(bm, single, spec.o and spec.o.min, spec.o and spec.o.max),
                         (spec.o and spec.o.prec) or precision, name .. ': error on a single sample')
      end
      if not spec.nofloat then checkFloat(name, m, spec.x:clone()) end
      if not (spec.o and spec.o.noparams) and m:parameters() and #m:parameters() > 0 then
         checkProtocol(name, m, spec.x:clone(), spec.o and spec.o.params or WB)
      end
   elseif spec.t then
      checkTableInput(name, m, spec.t, spec.o and spec.o.prec)
      local out = m:forward(spec.t)
      local go = torch.isTensor(out) and R(out:size()) or nil
      if go then
         local y = out:clone()
         local gi = m:backward(spec.t, go)
         local gic = {}
         for i, t in ipairs(C.leaves(gi)) do gic[i] = t:clone() end
         local mf = m:clone():float()
         local xf = toFloat(spec.t)
         tester:assertlt(floatError(mf:forward(xf), y), 1e-4, name .. ': float32 output')
         local gif = {}
         for i, t in ipairs(C.leaves(mf:backward(xf, go:float()))) do gif[i] = t end
         tester:assertlt(floatError(gif, gic), 1e-4, name .. ': float32 gradInput')
      end
      if spec.p then
         checkFlatParameters(name, spec.p[1], spec.p[2])
      end
   elseif spec.idx then
      for _, pr in ipairs(spec.o.params) do
         m[pr[1]]:copy(R(m[pr[1]]:size()))
         if spec.sparse then
            for _, direct in ipairs{false, true} do
               tester:assertlt(updateGradientError(m, spec.idx, pr[1], direct), precision,
                               name .. ': error on ' .. pr[1] .. (direct and ' [direct update]' or ''))
            end
         else
            tester:assertlt(paramJacobianError(m, spec.idx, m[pr[1]], m[pr[2]]), precision, name .. ': error on ' .. pr[1])
         end
      end
   end
end

-- further configurations of covered classes (options, other input ranks), same checks
local V = {}
V.SoftMax_1D = function() return {m = nn.SoftMax(), x = R(5), o = {prec = expprecision}} end
V.LogSoftMax_4D = function() return {m = nn.LogSoftMax(), x = R(2, 3, 2, 2), o = {prec = expprecision}} end
V.SoftMin_3D = function() return {m = nn.SoftMin(), x = R(3, 2, 2), o = {prec = expprecision}} end
V.PReLU_shared = function() return {m = nn.PReLU(), x = R(3, 5), o = {params = W}, batch = true} end
V.LeakyReLU_4D = function() return {m = nn.LeakyReLU(0.2), x = R(2, 3, 2, 2), batch = true} end
V.Linear_noBias = function() return {m = nn.Linear(4, 3):noBias(), x = R(2, 4), batch = true} end
V.Linear_1D = function() return {m = nn.Linear(4, 3), x = R(4)} end
V.Add_scalar = function() return {m = nn.Add(1, true), x = R(2, 4)} end
V.CMul_broadcast = function() return {m = nn.CMul(1, 4), x = R(3, 4), o = {params = W}} end
V.CMul_2D = function() return {m = nn.CMul(3, 4), x = R(2, 3, 4), o = {params = W}, batch = true} end
V.Euclidean_1D = function() return {m = nn.Euclidean(4, 3), x = R(4), o = {params = W}} end
V.Cosine_1D = function() return {m = nn.Cosine(4, 3), x = R(4), o = {params = W}} end
V.Normalize_1 = function() return {m = nn.Normalize(1), x = R(3, 4), batch = true} end
V.Normalize_inf = function() return {m = nn.Normalize(math.huge), x = R(3, 4), batch = true} end
V.Normalize_3 = function() return {m = nn.Normalize(3), x = R(3, 4), batch = true} end
V.Sum_mean = function() return {m = nn.Sum(2, nil, true), x = R(3, 4)} end
V.Sum_negative = function() return {m = nn.Sum(-1), x = R(3, 4)} end
V.Max_nodims = function() return {m = nn.Max(2), x = R(3, 4, 2)} end
V.Min_1D = function() return {m = nn.Min(1), x = R(5)} end
V.Mean_negative = function() return {m = nn.Mean(-2), x = R(3, 4, 2)} end
V.Padding_left = function() return {m = nn.Padding(1, -2, 1, 0.5), x = R(2, 4), batch = true} end
V.Padding_index = function() return {m = nn.Padding(1, 2, 1, 0, 3), x = R(2, 4), batch = true} end
V.Replicate_dim = function() return {m = nn.Replicate(2, 1, 1), x = R(3, 4), batch = true} end
V.View_infer = function() return {m = nn.View(-1, 2), x = R(3, 4)} end
V.Reshape_batch = function() return {m = nn.Reshape(2, 6, true), x = R(3, 4, 3)} end
V.Squeeze_dim = function() return {m = nn.Squeeze(2), x = R(3, 1, 4)} end
V.Transpose_many = function() return {m = nn.Transpose({1, 3}, {2, 3}), x = R(2, 3, 4)} end
V.Narrow_negative = function() return {m = nn.Narrow(-1, -3, 2), x = R(3, 5)} end
V.Select_negative = function() return {m = nn.Select(-1, -2), x = R(3, 5)} end
V.BatchNormalization_eval = function()
   local m = nn.BatchNormalization(3)
   m.running_mean:copy(R(3)); m.running_var:copy(torch.rand(3):add(0.5)); m:evaluate()
   return {m = m, x = R(4, 3), batch = true}
end
V.BatchNormalization_noaffine = function() return {m = nn.BatchNormalization(3, 1e-5, 0.1, false), x = R(4, 3)} end
V.SpatialBatchNormalization_eval = function()
   local m = nn.SpatialBatchNormalization(2)
   m.running_mean:copy(R(2)); m.running_var:copy(torch.rand(2):add(0.5)); m:evaluate()
   return {m = m, x = R(3, 2, 2, 2), batch = true}
end
V.LayerNormalization_noaffine = function() return {m = nn.LayerNormalization(6, 0, 1e-5, false), x = R(3, 6), batch = true} end
V.SpatialConvolution_noBias = function() return {m = nn.SpatialConvolution(2, 3, 3, 3):noBias(), x = R(2, 2, 5, 5), batch = true} end
V.SpatialConvolutionMM_rect = function() return {m = nn.SpatialConvolutionMM(2, 3, 3, 2, 1, 2, 2, 0), x = R(2, 2, 5, 6), batch = true} end
V.SpatialConvolutionMM_noBias = function() return {m = nn.SpatialConvolutionMM(2, 3, 2, 2):noBias(), x = R(2, 2, 4, 4), batch = true} end
V.SpatialFullConvolution_adj = function() return {m = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 0), x = R(2, 2, 3, 4), batch = true} end
V.SpatialFullConvolution_noBias = function() return {m = nn.SpatialFullConvolution(2, 3, 2, 2):noBias(), x = R(2, 2, 3, 3), batch = true} end
V.SpatialMaxPooling_pad = function() return {m = nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1), x = R(2, 2, 5, 5), batch = true} end
V.SpatialAveragePooling_ceil = function() return {m = nn.SpatialAveragePooling(2, 2, 2, 2, 1, 1):ceil(), x = R(2, 2, 5, 5), batch = true} end
V.SpatialAveragePooling_nopadcount = function()
   return {m = nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):setCountExcludePad(), x = R(2, 2, 5, 5), batch = true}
end
V.SpatialDilatedMaxPooling_ceil = function() return {m = nn.SpatialDilatedMaxPooling(2, 2, 2, 2, 1, 1, 2, 2):ceil(), x = R(2, 2, 6, 6), batch = true} end
V.SpatialAdaptiveMaxPooling_up = function() return {m = nn.SpatialAdaptiveMaxPooling(4, 3), x = R(2, 2, 3, 2), batch = true} end
V.SpatialAdaptiveAveragePooling_odd = function() return {m = nn.SpatialAdaptiveAveragePooling(3, 2), x = R(2, 2, 5, 7), batch = true} end
V.SpatialUpSamplingNearest_3 = function() return {m = nn.SpatialUpSamplingNearest(3), x = R(2, 2, 2, 3), batch = true} end
V.SpatialUpSamplingBilinear_size = function() return {m = nn.SpatialUpSamplingBilinear({oheight = 5, owidth = 7}), x = R(2, 2, 3, 4), batch = true} end
V.SpatialReflectionPadding_neg = function() return {m = nn.SpatialReflectionPadding(2, -1, 0, 1), x = R(2, 2, 4, 4), batch = true} end
V.SpatialZeroPadding_3D = function() return {m = nn.SpatialZeroPadding(1, 1, 1, 1), x = R(2, 3, 3)} end
V.SpatialCrossMapLRN_3D = function() return {m = nn.SpatialCrossMapLRN(5, 0.01, 0.75, 2), x = R(6, 3, 3)} end
V.SpatialSubSampling_stride = function() return {m = nn.SpatialSubSampling(2, 3, 2, 2, 1), x = R(2, 2, 5, 5), batch = true} end
V.SpatialLPPooling_p3 = function() return {m = nn.SpatialLPPooling(2, 3, 2, 2, 2, 2), x = R(2, 2, 4, 4), o = {min = 0.2, max = 2}, batch = true} end
V.TemporalConvolution_2D = function() return {m = nn.TemporalConvolution(3, 2, 3, 2), x = R(7, 3)} end
V.TemporalMaxPooling_stride = function() return {m = nn.TemporalMaxPooling(3, 2), x = R(2, 7, 3), batch = true} end
V.TemporalSubSampling_3D = function() return {m = nn.TemporalSubSampling(3, 2, 2), x = R(2, 6, 3), batch = true} end
V.VolumetricConvolution_noBias = function() return {m = nn.VolumetricConvolution(2, 2, 2, 2, 2):noBias(), x = R(2, 2, 3, 3, 3), batch = true} end
V.VolumetricFullConvolution_adj = function() return {m = nn.VolumetricFullConvolution(2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, 0), x = R(2, 2, 2, 2, 2), batch = true} end
V.VolumetricMaxPooling_ceilpad = function() return {m = nn.VolumetricMaxPooling(2, 2, 2, 2, 2, 2, 1, 1, 1):ceil(), x = R(2, 2, 3, 4, 3), batch = true} end
V.VolumetricAveragePooling_stride = function() return {m = nn.VolumetricAveragePooling(2, 2, 2, 1, 1, 1), x = R(2, 2, 3, 3, 3), batch = true} end
V.LookupTable_1D = function() return {m = nn.LookupTable(6, 3), idx = L{4, 1, 4}, o = {params = W}} end
V.Bottle_nested = function() return {m = nn.Bottle(nn.SpatialConvolution(2, 3, 2, 2), 4), x = R(2, 3, 2, 3, 3), o = {noparams = true}} end
V.Concat_dim1 = function() return {m = nn.Concat(1):add(nn.Linear(4, 3)):add(nn.Tanh()), x = R(4), o = {noparams = true}} end
V.JoinTable_nInputDims = function() return {m = nn.JoinTable(1, 1), t = {R(2, 3), R(2, 2)}} end
V.JoinTable_negative = function() return {m = nn.JoinTable(-1), t = {R(2, 3), R(2, 2)}} end
V.SplitTable_negative = function() return {m = nn.SplitTable(-1), t = R(2, 3)} end
V.MixtureTable_dim = function() return {m = nn.MixtureTable(2), t = {nn.SoftMax():forward(R(2, 3)):clone(), R(2, 3, 4)}} end
V.CosineDistance_1D = function() return {m = nn.CosineDistance(), t = {R(4), R(4)}} end
V.PairwiseDistance_1 = function() return {m = nn.PairwiseDistance(1), t = {R(3, 4), R(3, 4)}} end
V.DotProduct_1D = function() return {m = nn.DotProduct(), t = {R(4), R(4)}} end
V.MM_transA = function() return {m = nn.MM(true, false), t = {R(2, 4, 3), R(2, 4, 2)}} end
V.MM_transB_2D = function() return {m = nn.MM(false, true), t = {R(3, 4), R(2, 4)}} end
V.CAddTable_inplace = function() return {m = nn.CAddTable(true), t = {R(2, 3), R(2, 3)}} end

for name, f in pairs(M) do
   tests['module_' .. name] = function() countMeasured(name, f()) end
end
-- the padding row gets no gradient by design (Torch7's paddingValue): the weight Jacobian is
-- the finite-difference one with that row's block zeroed
function tests.variant_LookupTable_padding()
   local m = nn.LookupTable(6, 3, 2)
   local input = L{{1, 2, 3}, {2, 5, 2}}
   local fj = jac.forward(m, input, m.weight)
   local bj = jac.backward(m, input, m.weight, m.gradWeight)
   tester:assertgt(fj:narrow(1, 4, 3):abs():max(), 0.5, 'LookupTable padding: the padding row is used')
   fj:narrow(1, 4, 3):zero()
   tester:assertlt((fj - bj):abs():max(), precision, 'LookupTable padding: error on weight')
end
for name, f in pairs(V) do
   tests['variant_' .. name] = function() countMeasured(name, f()) end
end
-- in-place forms compute what the out-of-place ones do (the finite-difference check cannot
-- run on a module that overwrites its input)
function tests.inplace_forms()
   local forms = {
      {'ReLU', {}, {true}}, {'Threshold', {0.1, -1}, {0.1, -1, true}}, {'ELU', {1.3}, {1.3, true}},
      {'LeakyReLU', {0.2}, {0.2, true}}, {'HardTanh', {-0.5, 0.5}, {-0.5, 0.5, true}},
      {'ReLU6', {}, {true}}, {'MulConstant', {-1.5}, {-1.5, true}}, {'AddConstant', {2}, {2, true}},
   }
   for _, f in ipairs(forms) do
      local x, go = R(3, 4), R(3, 4)
      local ref = nn[f[1]](unpack(f[2]))
      local y = ref:forward(x:clone()):clone()
      local gi = ref:backward(x:clone(), go:clone()):clone()
      local m = nn[f[1]](unpack(f[3]))
      local xi = x:clone()
      tester:assertTensorEq(m:forward(xi):clone(), y, 1e-12, f[1] .. ' in place: output')
      tester:assertTensorEq(m:backward(xi, go:clone()), gi, 1e-12, f[1] .. ' in place: gradInput')
   end
end

-- float32: the same loss and gradient as float64
local function checkCriterionFloat(name, s)
   local loss = s.c:forward(s.x, s.y)
   local g = {}
   for i, t in ipairs(C.leaves(s.c:backward(s.x, s.y))) do g[i] = t:clone() end
   local cf = s.c:clone():float()
   local xf, yf = toFloat(s.x), toFloat(s.y)
   tester:assertlt(math.abs(cf:forward(xf, yf) - loss) / math.max(1, math.abs(loss)), 1e-4, name .. ': float32 loss')
   local gf = {}
   for i, t in ipairs(C.leaves(cf:backward(xf, yf))) do gf[i] = t end
   tester:assertlt(floatError(gf, g), 1e-4, name .. ': float32 gradient')
end

-- getParameters on a MapTable whose clones already exist (it has run forward) keeps the clones
-- sharing with the flat vectors: the flat-parameter Jacobian and an update reach every clone
function tests.MapTable_getParameters_after_forward()
   local pm = fromColumns(nn.MapTable(nn.Linear(2, 3)), {{1, 2}, {3, 2}}, true)
   local x = R(2, 4)
   pm:forward(x)
   local map = pm:get(2)
   tester:asserteq(#map.modules, 2, 'MapTable: a clone per input')
   local p, g = pm:getParameters()
   tester:asserteq(p:nElement(), 9, 'MapTable: shared parameters counted once')
   p:fill(0.5)
   for i = 1, 2 do
      tester:asserteq(map.modules[i].weight:min(), 0.5, 'MapTable: clone ' .. i .. ' weight is in the flat vector')
   end
   tester:assertlt(jac.testJacobianParameters(pm, x, p, g), precision, 'MapTable: error on the flat parameters')
end

-- and with another lambda the gradient is scaled and reversed (the row above cannot tell)
function tests.GradientReversal_lambda()
   local m, x, go = nn.GradientReversal(0.5), R(3, 4), R(3, 4)
   tester:assertTensorEq(m:forward(x), x, 0, 'GradientReversal: identity forward')
   tester:assertTensorEq(m:backward(x, go), go * -0.5, 1e-15, 'GradientReversal: gradInput = -lambda gradOutput')
end

-- further criterion configurations: 1-D inputs, sizeAverage false, ignored classes, options
local KV = {}
local function noAvg(c) c.sizeAverage = false; return c end
KV.MSECriterion_1D_sum = function() return {c = noAvg(nn.MSECriterion()), x = R(5), y = R(5)} end
KV.AbsCriterion_sum = function() return {c = noAvg(nn.AbsCriterion()), x = R(3, 4), y = R(3, 4)} end
KV.SmoothL1Criterion_sum = function() return {c = noAvg(nn.SmoothL1Criterion()), x = R(3, 4), y = R(3, 4)} end
KV.BCECriterion_noweights = function() return {c = nn.BCECriterion(), x = probs(5), y = torch.rand(5):gt(0.5):double()} end
KV.BCECriterion_soft = function() return {c = noAvg(nn.BCECriterion()), x = probs(3, 2), y = torch.rand(3, 2)} end
KV.ClassNLLCriterion_1D = function() return {c = nn.ClassNLLCriterion(), x = R(5), y = 3} end
KV.ClassNLLCriterion_ignore = function() return {c = nn.ClassNLLCriterion(nil, true, 2), x = R(4, 5), y = L{2, 5, 1, 2}} end
KV.ClassNLLCriterion_sum = function() return {c = nn.ClassNLLCriterion(torch.rand(5), false), x = R(3, 5), y = L{2, 5, 1}} end
KV.CrossEntropyCriterion_1D = function() return {c = nn.CrossEntropyCriterion(torch.rand(5)), x = R(5), y = 4, prec = expprecision} end
KV.SpatialClassNLLCriterion_weights = function()
   return {c = nn.SpatialClassNLLCriterion(torch.rand(3)), x = R(2, 3, 2, 2), y = L{{{1, 3}, {2, 2}}, {{3, 1}, {1, 2}}}}
end
KV.DistKLDivCriterion_sum = function() return {c = noAvg(nn.DistKLDivCriterion()), x = R(5), y = probs(5)} end
KV.MarginCriterion_1D = function() return {c = nn.MarginCriterion(), x = R(5), y = torch.Tensor{1, -1, 1, 1, -1}} end
KV.SoftMarginCriterion_sum = function() return {c = noAvg(nn.SoftMarginCriterion()), x = R(5), y = torch.Tensor{1, -1, 1, 1, -1}} end
KV.MultiMarginCriterion_p1_1D = function() return {c = nn.MultiMarginCriterion(1), x = R(5), y = 2} end
KV.MultiMarginCriterion_sum = function() return {c = noAvg(nn.MultiMarginCriterion(2)), x = R(3, 5), y = L{2, 5, 1}} end
KV.MultiLabelMarginCriterion_1D = function() return {c = nn.MultiLabelMarginCriterion(), x = R(4), y = L{4, 2, 0, 1}} end
KV.MultiLabelSoftMarginCriterion_weights = function()
   return {c = nn.MultiLabelSoftMarginCriterion(torch.rand(4)), x = R(3, 4), y = torch.rand(3, 4):gt(0.5):double()}
end
KV.HingeEmbeddingCriterion_sum = function() return {c = noAvg(nn.HingeEmbeddingCriterion(1.5)), x = R(4), y = torch.Tensor{1, -1, -1, 1}} end
KV.CosineEmbeddingCriterion_1D = function() return {c = nn.CosineEmbeddingCriterion(0.2), x = {R(4), R(4)}, y = -1} end
KV.MarginRankingCriterion_1 = function() return {c = nn.MarginRankingCriterion(0.5), x = {R(1), R(1)}, y = 1} end
KV.L1HingeEmbeddingCriterion_pos = function() return {c = nn.L1HingeEmbeddingCriterion(5), x = {R(3), R(3)}, y = 1} end
KV.WeightedMSECriterion_sum = function() return {c = noAvg(nn.WeightedMSECriterion(R(4))), x = R(4), y = R(4)} end
KV.DistanceRatioCriterion_sum = function() return {c = nn.DistanceRatioCriterion(false), x = {torch.rand(4):add(0.5), torch.rand(4):add(0.5)}} end
KV.SpatialAutoCropMSECriterion_sum = function() return {c = nn.SpatialAutoCropMSECriterion(false), x = R(2, 6, 5), y = R(2, 3, 4)} end
KV.ClassSimplexCriterion_1D = function() return {c = nn.ClassSimplexCriterion(4), x = R(4), y = 3} end
KV.ModuleCriterion_target = function()
   return {c = nn.ModuleCriterion(nn.MSECriterion(), nn.Tanh(), nn.MulConstant(2)), x = R(3, 4), y = R(3, 4)}
end
for name, f in pairs(KV) do
   tests['criterion_variant_' .. name] = function()
      local s = f()
      C.checkCriterion(name, s.c, s.x, s.y, s.prec)
      checkCriterionFloat(name, s)
   end
end

-- criterions whose batch loss (sizeAverage false) is the sum of the single-sample losses
local summed = {'AbsCriterion', 'MSECriterion', 'SmoothL1Criterion', 'BCECriterion', 'ClassNLLCriterion',
                'CrossEntropyCriterion', 'DistKLDivCriterion', 'MarginCriterion', 'SoftMarginCriterion',
                'MultiMarginCriterion', 'MultiLabelMarginCriterion', 'ClassSimplexCriterion', 'L1Cost'}
local batchCrit = {}
for _, k in ipairs(summed) do batchCrit[k] = true end

for name, f in pairs(K) do
   tests['criterion_' .. name] = function()
      local s = f()
      C.checkCriterion(name, s.c, s.x, s.y, s.prec)
      checkCriterionFloat(name, s)
      if batchCrit[name] then
         local c = f().c
         c.sizeAverage = false
         local total, batch = 0, c:forward(s.x, s.y)
         for i = 1, s.x:size(1) do total = total + c:forward(s.x[i], s.y and s.y[i]) end
         tester:assertalmosteq(batch, total, 1e-10, name .. ': batch loss = sum of the sample losses')
      end
   end
end

-- every nn class (found at run time, aliases included) is in M, K or excluded
function tests.all_classes_covered()
   local total, missing = 0, {}
   for key, v in pairs(nn) do
      local mt = type(v) == 'table' and getmetatable(v)
      local tname = mt and rawget(mt, '__typename')
      local cls = tname and torch.getmetatable(tname)
      local base
      while cls do
         local n = rawget(cls, '__typename')
         if n == 'nn.Module' or n == 'nn.Criterion' then base = n; break end
         cls = getmetatable(cls)
      end
      if base then
         total = total + 1
         if not (M[key] or K[key] or excluded[key]) then missing[#missing + 1] = key end
      end
   end
   table.sort(missing)
   tester:asserteq(#missing, 0, 'nn classes without a coverage row: ' .. table.concat(missing, ', '))
   tester:assertgt(total, 150, 'the class enumeration found the nn classes')
   for key in pairs(excluded) do tester:assert(nn[key] ~= nil, 'excluded class exists: ' .. key) end
end

tester:add(tests)
tester:run()
