-- cudnn.torch objects in .t7 streams (lua/cudnn/load.lua): each class is written under its
-- cudnn name with the fields cudnn.torch saves, loaded, and run against the nn module (or a
-- direct computation) with the same semantics, forward and backward.
require 'nn'
require 'cudnn'
local tester = torch.Tester()
local tests = torch.TestSuite()
torch.setdefaulttensortype('torch.DoubleTensor')

-- an object of class name with these fields, as a stream holds it
local function fake(name, fields, version)
   return setmetatable(fields, {__typename = name, __version = version})
end
local function roundtrip(obj, mode)
   return torch.deserialize(torch.serialize(obj, mode), mode)
end
-- the fields every cudnn.torch module carries (nn.Module's, saved from the GPU)
local function base(f)
   f.output = f.output or torch.Tensor()
   f.gradInput = f.gradInput or torch.Tensor()
   if f.train == nil then f.train = true end
   f._type = 'torch.CudaTensor'
   return f
end
local function load(name, fields, version) return roundtrip(fake(name, base(fields), version)) end
local function errs(f, pat, msg)
   local ok, err = pcall(f)
   tester:assert(not ok, msg .. ': no error')
   if not ok then tester:assert(tostring(err):find(pat) ~= nil, msg .. ': got ' .. tostring(err)) end
end

-- forward and backward of m and ref on x (gradOutput random); parameters' gradients too
local function same(m, ref, x, tol, msg)
   tol = tol or 1e-10
   local y = m:forward(x)
   local yr = ref:forward(x)
   tester:assertTensorEq(y, yr, tol, msg .. ': output')
   local go = yr:clone():normal()
   if m.zeroGradParameters then m:zeroGradParameters(); ref:zeroGradParameters() end
   tester:assertTensorEq(m:backward(x, go), ref:backward(x, go), tol, msg .. ': gradInput')
   local _, g = m:parameters()
   local _, gr = ref:parameters()
   for i, t in ipairs(g or {}) do tester:assertTensorEq(t, gr[i], tol, msg .. ': gradient of parameter ' .. i) end
end

------------------------------------------------------------------------ convolutions
function tests.SpatialConvolution()
   local ref = nn.SpatialConvolution(3, 4, 3, 2, 2, 1, 1, 0)
   local m = load('cudnn.SpatialConvolution', {nInputPlane = 3, nOutputPlane = 4, kW = 3, kH = 2, dW = 2, dH = 1,
      padW = 1, padH = 0, groups = 1, weight = ref.weight:clone(), bias = ref.bias:clone(),
      gradWeight = ref.gradWeight:clone(), gradBias = ref.gradBias:clone(), iSize = torch.LongStorage(4):fill(0)})
   tester:asserteq(torch.type(m), 'nn.SpatialConvolution')
   tester:asserteq(m.iSize, nil, 'cudnn state dropped')
   tester:asserteq(m._type, 'torch.DoubleTensor', 'a CUDA _type becomes the tensors type')
   same(m, ref, torch.randn(3, 6, 7), nil, 'cudnn.SpatialConvolution single')
   same(m, ref, torch.randn(2, 3, 6, 7), nil, 'cudnn.SpatialConvolution batch')
end

function tests.SpatialConvolution_old_fields()
   -- no groups, no padding, no gradients, a flattened weight, no bias
   local ref = nn.SpatialConvolution(2, 3, 2, 2):noBias()
   local m = load('cudnn.SpatialConvolution', {nInputPlane = 2, nOutputPlane = 3, kW = 2, kH = 2, dW = 1, dH = 1,
      weight = ref.weight:clone():view(3, 8)})
   tester:asserteq(m.bias, nil)
   tester:asserteq(m.gradWeight:dim(), 4, 'gradWeight recreated as the weight')
   same(m, ref, torch.randn(2, 2, 5, 4), nil, 'old-layout cudnn.SpatialConvolution')
end

-- groups: equal to per-group convolutions on the channel slices
function tests.SpatialConvolution_groups()
   local g, nin, nout = 2, 4, 6
   local w, b = torch.randn(nout, nin / g, 3, 3), torch.randn(nout)
   local m = load('cudnn.SpatialConvolution', {nInputPlane = nin, nOutputPlane = nout, kW = 3, kH = 3, dW = 1,
      dH = 1, padW = 1, padH = 1, groups = g, weight = w:clone(), bias = b:clone(),
      gradWeight = w:clone():zero(), gradBias = b:clone():zero()})
   tester:asserteq(m.groups, 2)
   local ref = nn.Sequential()
   local ct = nn.ConcatTable()
   for k = 1, g do
      local c = nn.SpatialConvolution(nin / g, nout / g, 3, 3, 1, 1, 1, 1)
      c.weight:copy(w:narrow(1, (k - 1) * nout / g + 1, nout / g))
      c.bias:copy(b:narrow(1, (k - 1) * nout / g + 1, nout / g))
      ct:add(nn.Sequential():add(nn.Narrow(2, (k - 1) * nin / g + 1, nin / g)):add(c))
   end
   ref:add(ct):add(nn.JoinTable(2))
   local x = torch.randn(2, nin, 5, 6)
   local y = m:forward(x)
   tester:assertTensorEq(y, ref:forward(x), 1e-10, 'grouped output')
   local go = torch.randn(y:size())
   m:zeroGradParameters(); ref:zeroGradParameters()
   tester:assertTensorEq(m:backward(x, go), ref:backward(x, go), 1e-10, 'grouped gradInput')
   for k = 1, g do
      local c = ct.modules[k].modules[2]
      tester:assertTensorEq(m.gradWeight:narrow(1, (k - 1) * nout / g + 1, nout / g), c.gradWeight, 1e-10,
                            'grouped gradWeight of group ' .. k)
      tester:assertTensorEq(m.gradBias:narrow(1, (k - 1) * nout / g + 1, nout / g), c.gradBias, 1e-10,
                            'grouped gradBias of group ' .. k)
   end
   -- a wrong channel count is refused
   errs(function() m:forward(torch.randn(2, 2, 5, 6)) end, 'with 4 planes', 'grouped conv, wrong planes')
end

function tests.SpatialFullConvolution()
   local ref = nn.SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1, 1, 0)
   local m = load('cudnn.SpatialFullConvolution', {nInputPlane = 3, nOutputPlane = 2, kW = 3, kH = 3, dW = 2, dH = 2,
      padW = 1, padH = 1, adjW = 1, adjH = 0, weight = ref.weight:clone(), bias = ref.bias:clone()})
   tester:asserteq(torch.type(m), 'nn.SpatialFullConvolution')
   same(m, ref, torch.randn(3, 4, 5), nil, 'cudnn.SpatialFullConvolution single')
   same(m, ref, torch.randn(2, 3, 4, 5), nil, 'cudnn.SpatialFullConvolution batch')
end

function tests.VolumetricConvolution()
   local ref = nn.VolumetricConvolution(2, 3, 2, 3, 2, 1, 2, 1, 1, 1, 0)
   local m = load('cudnn.VolumetricConvolution', {nInputPlane = 2, nOutputPlane = 3, kT = 2, kW = 3, kH = 2,
      dT = 1, dW = 2, dH = 1, padT = 1, padW = 1, padH = 0, weight = ref.weight:clone(), bias = ref.bias:clone()})
   tester:asserteq(torch.type(m), 'nn.VolumetricConvolution')
   same(m, ref, torch.randn(2, 2, 4, 5, 6), nil, 'cudnn.VolumetricConvolution')
end

function tests.VolumetricFullConvolution()
   local ref = nn.VolumetricFullConvolution(2, 3, 2, 2, 3, 2, 2, 1, 0, 1, 1, 1, 0, 0)
   local m = load('cudnn.VolumetricFullConvolution', {nInputPlane = 2, nOutputPlane = 3, kT = 2, kW = 2, kH = 3,
      dT = 2, dW = 2, dH = 1, padT = 0, padW = 1, padH = 1, adjT = 1, weight = ref.weight:clone(),
      bias = ref.bias:clone()})
   tester:asserteq(torch.type(m), 'nn.VolumetricFullConvolution')
   same(m, ref, torch.randn(2, 2, 3, 4, 4), nil, 'cudnn.VolumetricFullConvolution')
end

function tests.convolution_bad_fields()
   local function conv(f)
      local t = {nInputPlane = 4, nOutputPlane = 6, kW = 3, kH = 3, dW = 1, dH = 1, weight = torch.randn(6, 4, 3, 3)}
      for k, v in pairs(f) do t[k] = v end
      return function() load('cudnn.SpatialConvolution', t) end
   end
   errs(conv{weight = torch.randn(5)}, 'cudnn.SpatialConvolution %(cudnn.torch object%): field weight has 5 elements, '
        .. 'expected 216', 'weight of the wrong size')
   errs(conv{weight = 'w'}, 'field weight: tensor expected, got string', 'weight not a tensor')
   errs(conv{groups = 4}, 'divisible by groups %(4%)', 'groups not dividing nOutputPlane')
   errs(conv{groups = 0}, 'field groups: integer >= 1 expected, got 0', 'groups 0')
   errs(conv{kW = 'x'}, 'field kW: number expected, got string', 'kW not a number')
   errs(conv{dW = 0}, 'field dW: integer >= 1 expected', 'stride 0')
   errs(conv{kW = 2.5}, 'field kW: integer >= 1 expected, got 2.5', 'fractional kernel')
   errs(function() load('cudnn.SpatialFullConvolution', {nInputPlane = 2, nOutputPlane = 2, kW = 1, kH = 1,
        groups = 2, weight = torch.randn(2, 1, 1, 1)}) end, 'groups = 2 is not supported', 'groups on full conv')
   -- a missing size is read off a full-rank weight, else refused
   local m = load('cudnn.SpatialConvolution', {weight = torch.randn(6, 2, 3, 1), groups = 2})
   tester:asserteq(m.nInputPlane, 4); tester:asserteq(m.kW, 1); tester:asserteq(m.kH, 3)
   errs(function() load('cudnn.SpatialConvolution', {weight = torch.randn(6)}) end, 'field nOutputPlane is missing',
        'sizes missing')
end

------------------------------------------------------------------------ pooling
function tests.SpatialMaxPooling()
   local m = load('cudnn.SpatialMaxPooling', {kW = 3, kH = 2, dW = 2, dH = 2, padW = 1, padH = 0, ceil_mode = true,
      mode = 'CUDNN_POOLING_MAX', iSize = torch.LongStorage(4):fill(0)})
   tester:asserteq(torch.type(m), 'nn.SpatialMaxPooling')
   same(m, nn.SpatialMaxPooling(3, 2, 2, 2, 1, 0):ceil(), torch.randn(2, 3, 7, 8), nil, 'cudnn.SpatialMaxPooling')
   -- an older save: no mode, no ceil_mode, no padding
   local m2 = load('cudnn.SpatialMaxPooling', {kW = 2, kH = 2, dW = 2, dH = 2})
   same(m2, nn.SpatialMaxPooling(2, 2, 2, 2), torch.randn(3, 6, 6), nil, 'cudnn.SpatialMaxPooling, old fields')
end

function tests.SpatialAveragePooling_modes()
   local f = {kW = 3, kH = 3, dW = 2, dH = 2, padW = 1, padH = 1, ceil_mode = false}
   local function with(mode)
      local t = {}
      for k, v in pairs(f) do t[k] = v end
      t.mode = mode
      return load('cudnn.SpatialAveragePooling', t)
   end
   local x = torch.randn(2, 3, 7, 6)
   local inc = with('CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING')
   tester:asserteq(torch.type(inc), 'nn.SpatialAveragePooling')
   tester:asserteq(inc.count_include_pad, true)
   same(inc, nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1), x, nil, 'average, including padding')
   local exc = with('CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING')
   tester:asserteq(exc.count_include_pad, false)
   same(exc, nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):setCountExcludePad(), x, nil, 'average, excluding padding')
   -- excluding padding: a corner window over 2 x 2 real pixels is their mean
   local y = exc:forward(x)
   tester:assertalmosteq(y[1][1][1][1], x[1][1]:narrow(1, 1, 2):narrow(2, 1, 2):mean(), 1e-12, 'corner mean')
   -- the mode string decides, whatever the class
   local avg = load('cudnn.SpatialMaxPooling', {kW = 2, kH = 2, mode = 'CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING'})
   tester:asserteq(torch.type(avg), 'nn.SpatialAveragePooling', 'mode string over class')
   errs(function() with('CUDNN_POOLING_SOMETHING') end, 'unknown pooling mode CUDNN_POOLING_SOMETHING', 'bad mode')
   errs(function() load('cudnn.SpatialMaxPooling', {kH = 2}) end, 'field kW is missing', 'kernel missing')
end

-- average pooling with padding, directly: the sum over the zero-padded window divided by the
-- window size (including padding) or by the count of real elements
local function avgPool3d(x, k, d, p, include)
   local N, C, T, H, W = x:size(1), x:size(2), x:size(3), x:size(4), x:size(5)
   local oT, oH, oW = math.floor((T + 2 * p[1] - k[1]) / d[1]) + 1, math.floor((H + 2 * p[2] - k[2]) / d[2]) + 1,
                      math.floor((W + 2 * p[3] - k[3]) / d[3]) + 1
   local y = torch.zeros(N, C, oT, oH, oW)
   for t = 1, oT do for h = 1, oH do for w = 1, oW do
      local t0, h0, w0 = (t - 1) * d[1] - p[1] + 1, (h - 1) * d[2] - p[2] + 1, (w - 1) * d[3] - p[3] + 1
      local t1, h1, w1 = math.max(t0, 1), math.max(h0, 1), math.max(w0, 1)
      local t2, h2, w2 = math.min(t0 + k[1] - 1, T), math.min(h0 + k[2] - 1, H), math.min(w0 + k[3] - 1, W)
      local win = x:narrow(3, t1, t2 - t1 + 1):narrow(4, h1, h2 - h1 + 1):narrow(5, w1, w2 - w1 + 1)
      local n = include and k[1] * k[2] * k[3] or (t2 - t1 + 1) * (h2 - h1 + 1) * (w2 - w1 + 1)
      y:select(3, t):select(3, h):select(3, w):copy(win:sum(3):sum(4):sum(5):view(N, C)):div(n)
   end end end
   return y
end

function tests.VolumetricPooling()
   local x = torch.randn(2, 2, 4, 5, 5)
   local mp = load('cudnn.VolumetricMaxPooling', {kT = 2, kW = 2, kH = 3, dT = 1, dW = 2, dH = 2, padT = 0, padW = 1,
      padH = 1, mode = 'CUDNN_POOLING_MAX', iSize = torch.LongStorage(5):fill(0)})
   tester:asserteq(torch.type(mp), 'nn.VolumetricMaxPooling')
   same(mp, nn.VolumetricMaxPooling(2, 2, 3, 1, 2, 2, 0, 1, 1), x, nil, 'cudnn.VolumetricMaxPooling')
   for _, mode in ipairs{'CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING',
                         'CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING'} do
      local ap = load('cudnn.VolumetricAveragePooling', {kT = 2, kW = 3, kH = 2, dT = 2, dW = 2, dH = 1, padT = 1,
         padW = 1, padH = 0, mode = mode})
      tester:asserteq(torch.type(ap), 'nn.VolumetricAveragePooling')
      local y = ap:forward(x)
      tester:assertTensorEq(y, avgPool3d(x, {2, 2, 3}, {2, 1, 2}, {1, 0, 1}, mode:find('INCLUDE') ~= nil), 1e-12,
                            'cudnn.VolumetricAveragePooling ' .. mode)
      -- gradient: the transpose of the forward (linear), checked as <gradOutput, f(x)> = <g(gradOutput), x>
      local go = torch.randn(y:size())
      local gi = ap:backward(x, go)
      tester:assertalmosteq(go:dot(y), gi:dot(x), 1e-9, 'VolumetricAveragePooling gradient ' .. mode)
   end
end

------------------------------------------------------------------------ pointwise
function tests.pointwise()
   local x = torch.randn(3, 4, 5)
   local relu = load('cudnn.ReLU', {inplace = false, mode = 'CUDNN_ACTIVATION_RELU'})
   tester:asserteq(torch.type(relu), 'nn.ReLU')
   same(relu, nn.ReLU(), x, 0, 'cudnn.ReLU')
   -- ReLU saved before its first forward: no mode field
   same(load('cudnn.ReLU', {inplace = false}), nn.ReLU(), x, 0, 'cudnn.ReLU without mode')
   local ip = load('cudnn.ReLU', {inplace = true})
   local xi = x:clone()
   tester:assertTensorEq(ip:forward(xi), nn.ReLU():forward(x), 0, 'in-place cudnn.ReLU output')
   tester:assertTensorEq(xi, nn.ReLU():forward(x), 0, 'in-place cudnn.ReLU changed its input')
   same(load('cudnn.Tanh', {inplace = false, mode = 'CUDNN_ACTIVATION_TANH'}), nn.Tanh(), x, 1e-15, 'cudnn.Tanh')
   same(load('cudnn.Sigmoid', {inplace = false}), nn.Sigmoid(), x, 1e-15, 'cudnn.Sigmoid')
   local c = load('cudnn.ClippedReLU', {inplace = false, ceiling = 0.7, mode = 'CUDNN_ACTIVATION_CLIPPED_RELU'})
   tester:asserteq(torch.type(c), 'nn.HardTanh')
   local y = c:forward(x)
   tester:assertTensorEq(y, x:clone():clamp(0, 0.7), 0, 'cudnn.ClippedReLU = min(max(x, 0), ceiling)')
   local go = torch.randn(x:size())
   local mask = x:gt(0):cmul(x:lt(0.7)):double()
   tester:assertTensorEq(c:backward(x, go), go:clone():cmul(mask), 0, 'cudnn.ClippedReLU gradient')
   errs(function() load('cudnn.ClippedReLU', {inplace = false}) end, 'field ceiling: a positive number expected',
        'ClippedReLU without ceiling')
   errs(function() load('cudnn.ReLU', {mode = 'CUDNN_ACTIVATION_SWISH'}) end, 'unknown activation mode', 'bad mode')
   errs(function() load('cudnn.ReLU', {mode = 3}) end, 'field mode: string expected, got number', 'mode not a string')
   -- constructing one (cudnn.ClippedReLU has no nn namesake)
   tester:assertTensorEq(cudnn.ClippedReLU(0.7):forward(x), y, 0, 'cudnn.ClippedReLU(ceiling)')
   errs(function() cudnn.ClippedReLU() end, "bad argument #1 to 'cudnn.ClippedReLU'", 'ClippedReLU()')
end

------------------------------------------------------------------------ softmax
-- softmax (or log-softmax) of each instance: all the non-batch elements of 3-D/4-D inputs
local function instanceRef(x, log)
   local flat = x:dim() == 3 and x:contiguous():view(1, x:nElement())
             or x:dim() == 4 and x:contiguous():view(x:size(1), -1)
             or x:dim() == 1 and x:view(1, -1) or x
   local y = flat:clone()
   for i = 1, y:size(1) do
      local r = y[i]
      r:add(-r:max()):exp():div(r:sum())
      if log then r:log() end
   end
   return y:viewAs(x)
end

function tests.softmax_instance_and_channel()
   local mk = function(name, alg, mode)
      return load(name, {mode = mode or 'CUDNN_SOFTMAX_MODE_CHANNEL', algorithm = alg or 'CUDNN_SOFTMAX_ACCURATE',
                         iSize = torch.LongStorage(4):fill(0)})
   end
   local cases = {{'cudnn.SoftMax', nil, false}, {'cudnn.LogSoftMax', 'CUDNN_SOFTMAX_LOG', true}}
   for _, case in ipairs(cases) do
      -- cudnn.SoftMax sets instance mode at each forward: a save before one still says channel
      for _, mode in ipairs{'CUDNN_SOFTMAX_MODE_CHANNEL', 'CUDNN_SOFTMAX_MODE_INSTANCE'} do
         local m = mk(case[1], case[2], mode)
         tester:asserteq(torch.type(m), case[1])
         for _, shape in ipairs{{5}, {3, 4}, {3, 2, 2}, {2, 3, 2, 2}} do
            local x = torch.randn(torch.LongStorage(shape))
            local y = m:forward(x)
            tester:assertTensorEq(y, instanceRef(x, case[3]), 1e-12, case[1] .. ' instance mode, ' .. #shape .. '-D')
            tester:assertTableEq(y:size():totable(), shape, 'output shape')
            -- gradient: the Jacobian-transpose product, from the output
            local go = torch.randn(x:size())
            local gi = m:backward(x, go)
            local flat = function(t) return #shape >= 3 and t:contiguous():view(#shape == 3 and 1 or shape[1], -1)
                                            or t:contiguous():view(#shape == 1 and 1 or shape[1], -1) end
            local yf, gf = flat(y), flat(go)
            local ref = gf:clone()
            for i = 1, yf:size(1) do
               if case[3] then
                  ref[i]:add(-gf[i]:sum(), yf[i]:clone():exp())
               else
                  ref[i]:add(-gf[i]:dot(yf[i])):cmul(yf[i])
               end
            end
            tester:assertTensorEq(gi, ref:viewAs(x), 1e-12, case[1] .. ' gradient, ' .. #shape .. '-D')
         end
      end
   end
   -- channel mode: nn.SoftMax / nn.LogSoftMax
   local x = torch.randn(2, 3, 2, 2)
   local s = mk('cudnn.SpatialSoftMax')
   tester:asserteq(torch.type(s), 'nn.SoftMax')
   same(s, nn.SoftMax(), x, 1e-14, 'cudnn.SpatialSoftMax')
   same(mk('cudnn.SpatialSoftMax', 'CUDNN_SOFTMAX_FAST'), nn.SoftMax(), x, 1e-14, 'cudnn.SpatialSoftMax fast')
   local ls = mk('cudnn.SpatialLogSoftMax', 'CUDNN_SOFTMAX_LOG')
   tester:asserteq(torch.type(ls), 'nn.LogSoftMax')
   same(ls, nn.LogSoftMax(), x, 1e-14, 'cudnn.SpatialLogSoftMax')
   tester:asserteq(torch.type(mk('cudnn.SpatialSoftMax', 'CUDNN_SOFTMAX_LOG')), 'nn.LogSoftMax', 'LOG algorithm')
   tester:asserteq(torch.type(mk('cudnn.SpatialSoftMax', nil, 'CUDNN_SOFTMAX_MODE_INSTANCE')), 'cudnn.SoftMax',
                   'instance mode field')
   errs(function() mk('cudnn.SoftMax', 'CUDNN_SOFTMAX_SLOW') end, 'unknown softmax algorithm', 'bad algorithm')
   errs(function() mk('cudnn.SoftMax', nil, 'CUDNN_SOFTMAX_MODE_X') end, 'unknown softmax mode', 'bad mode')
   -- constructed: cudnn.SoftMax is cuDNN's instance mode, not nn.SoftMax
   tester:assertTensorEq(cudnn.SoftMax():forward(x), instanceRef(x, false), 1e-12, 'cudnn.SoftMax()')
   errs(function() cudnn.SoftMax():forward(torch.randn(2, 2, 2, 2, 2)) end, 'cudnn.SoftMax: expected input 1%-D',
        '5-D input')
   errs(function() cudnn.LogSoftMax():forward('x') end, 'expected input to be a Tensor', 'not a tensor')
end

------------------------------------------------------------------------ batch normalization
function tests.BatchNormalization()
   local cases = {{'cudnn.BatchNormalization', 'nn.BatchNormalization', {4, 3}},
                  {'cudnn.SpatialBatchNormalization', 'nn.SpatialBatchNormalization', {2, 3, 4, 5}},
                  {'cudnn.VolumetricBatchNormalization', 'nn.VolumetricBatchNormalization', {2, 3, 2, 3, 2}}}
   for _, case in ipairs(cases) do
      local ref = nn[case[2]:sub(4)](3, 1e-3, 0.2)
      ref.weight:uniform(0.5, 1.5); ref.bias:normal()
      ref.running_mean:normal(); ref.running_var:uniform(0.5, 2)
      local function fields()
         return {eps = 1e-3, momentum = 0.2, affine = true, train = true, running_mean = ref.running_mean:clone(),
                 running_var = ref.running_var:clone(), weight = ref.weight:clone(), bias = ref.bias:clone(),
                 gradWeight = ref.gradWeight:clone(), gradBias = ref.gradBias:clone(), save_mean = torch.Tensor(3),
                 save_std = torch.Tensor(3), mode = 'CUDNN_BATCHNORM_SPATIAL', nDim = #case[3]}
      end
      local m = load(case[1], fields(), 2)
      tester:asserteq(torch.type(m), case[2])
      tester:asserteq(m.nDim, ref.nDim, 'class nDim')
      local x = torch.randn(torch.LongStorage(case[3]))
      m:evaluate(); ref:evaluate()
      same(m, ref, x, 1e-12, case[1] .. ' evaluate')
      -- training: batch statistics and the running averages they update
      local m2, ref2 = load(case[1], fields(), 2), ref:clone()
      m2:training(); ref2:training()
      same(m2, ref2, x, 1e-12, case[1] .. ' training')
      tester:assertTensorEq(m2.running_var, ref2.running_var, 1e-12, 'running_var updated')
      -- no affine field, no weight: not affine
      local f = fields()
      f.affine, f.weight, f.bias, f.gradWeight, f.gradBias = nil, nil, nil, nil, nil
      local m3 = load(case[1], f, 2)
      tester:asserteq(m3.affine, false)
      local ref3 = nn[case[2]:sub(4)](3, 1e-3, 0.2, false)
      ref3.running_mean:copy(ref.running_mean); ref3.running_var:copy(ref.running_var)
      m3:evaluate(); ref3:evaluate()
      same(m3, ref3, x, 1e-12, case[1] .. ' without affine')
   end
   -- a version-1 save holds running_std = 1 / sqrt(var + eps)
   local var = torch.Tensor{0.5, 2, 1}
   local m = load('cudnn.SpatialBatchNormalization', {eps = 1e-5, momentum = 0.1, running_mean = torch.zeros(3),
      running_std = var:clone():add(1e-5):pow(-0.5), weight = torch.ones(3), bias = torch.zeros(3)}, 1)
   tester:assertTensorEq(m.running_var, var, 1e-10, 'running_std converted')
   errs(function() load('cudnn.BatchNormalization', {eps = 1e-5}) end, 'field running_mean: non%-empty tensor expected',
        'no running_mean')
   errs(function() load('cudnn.BatchNormalization', {running_mean = torch.zeros(3), running_var = torch.ones(2)}) end,
        'field running_var has 2 elements, expected 3', 'running_var size')
   errs(function() load('cudnn.BatchNormalization', {running_mean = torch.zeros(3), running_var = torch.ones(3),
                                                     affine = true}) end,
        'field weight: tensor expected, got nil', 'affine without weight')
end

------------------------------------------------------------------------ LRN
function tests.SpatialCrossMapLRN()
   local m = load('cudnn.SpatialCrossMapLRN', {size = 5, alpha = 0.5, beta = 0.75, k = 2})
   tester:asserteq(torch.type(m), 'nn.SpatialCrossMapLRN')
   same(m, nn.SpatialCrossMapLRN(5, 0.5, 0.75, 2), torch.randn(2, 7, 3, 3), 1e-12, 'cudnn.SpatialCrossMapLRN')
   same(load('cudnn.SpatialCrossMapLRN', {}), nn.SpatialCrossMapLRN(5), torch.randn(6, 2, 2), 1e-12,
        'cudnn.SpatialCrossMapLRN defaults')
   errs(function() load('cudnn.SpatialCrossMapLRN', {size = 4}) end, 'size 4: only odd sizes are supported',
        'even size')
end

------------------------------------------------------------------------ criterion
function tests.SpatialCrossEntropyCriterion()
   local w = torch.Tensor{1, 2, 0.5}
   local nll = nn.SpatialClassNLLCriterion(w:clone())
   local slsm = fake('cudnn.SpatialLogSoftMax', base{mode = 'CUDNN_SOFTMAX_MODE_CHANNEL',
                                                     algorithm = 'CUDNN_SOFTMAX_LOG'})
   for _, avg in ipairs{true, false} do
      local c = roundtrip(fake('cudnn.SpatialCrossEntropyCriterion', {sizeAverage = avg, nll = nll, slsm = slsm,
                                                                      output = 0, gradInput = torch.Tensor()}))
      tester:asserteq(torch.type(c), 'cudnn.SpatialCrossEntropyCriterion')
      tester:asserteq(torch.type(c.slsm), 'nn.LogSoftMax', 'nested cudnn.SpatialLogSoftMax loaded too')
      local x = torch.randn(2, 3, 4, 5)
      local t = torch.LongTensor(2, 4, 5):random(1, 3)
      local lsm = nn.LogSoftMax():forward(x)
      local ref = nn.SpatialClassNLLCriterion(w:clone(), avg)
      tester:assertalmosteq(c:forward(x, t), ref:forward(lsm, t), 1e-12, 'loss, sizeAverage ' .. tostring(avg))
      local l = nn.LogSoftMax()
      l:forward(x)
      local gref = l:backward(x, ref:backward(lsm, t))
      tester:assertTensorEq(c:backward(x, t), gref, 1e-12, 'gradInput, sizeAverage ' .. tostring(avg))
   end
   local c = cudnn.SpatialCrossEntropyCriterion()
   errs(function() c:forward(torch.randn(3, 4, 5), torch.LongTensor(4, 5):fill(1)) end,
        'expected input 4%-D %(mini%-batch', '3-D input')
   errs(function() c:forward(torch.randn(2, 3, 4, 5), torch.LongTensor(2, 5, 4):fill(1)) end,
        'expected target 3%-D %(2 x 4 x 5', 'target size')
   errs(function() roundtrip(fake('cudnn.SpatialCrossEntropyCriterion', {nll = 3})) end,
        'field nll: nn.SpatialClassNLLCriterion expected, got number', 'bad nll field')
end

------------------------------------------------------------------------ RNNs
function tests.rnn_classes_load_inert()
   for _, name in ipairs{'cudnn.RNN', 'cudnn.LSTM', 'cudnn.GRU', 'cudnn.BLSTM', 'cudnn.BGRU'} do
      local seq = nn.Sequential()
      seq.modules = {fake(name, base{inputSize = 3, hiddenSize = 4, numLayers = 1, weight = torch.randn(40),
                                     gradWeight = torch.zeros(40)})}
      local m = roundtrip(seq)
      tester:asserteq(torch.type(m.modules[1]), name, 'keeps its class name')
      tester:assert(torch.isTypeOf(m.modules[1], 'nn.Module'), 'a Module')
      tester:asserteq(m.modules[1].weight:nElement(), 40, 'weights loaded')
      errs(function() m:forward(torch.randn(2, 3)) end, name:gsub('%.', '%%.') .. ': cuDNN RNNs %(weights in one '
           .. 'flattened cuDNN blob%) cannot run on the CPU', name .. ' forward')
      m:evaluate()
      tester:assert(roundtrip(m).modules[1] ~= nil, 'saves back')
   end
end

-- a cudnn class with neither a rule nor an nn namesake: inert, named when run
function tests.unknown_cudnn_class_inert()
   local m = load('cudnn.VolumetricSoftMax', {mode = 'CUDNN_SOFTMAX_MODE_CHANNEL'})
   tester:asserteq(torch.type(m), 'cudnn.VolumetricSoftMax')
   errs(function() m:forward(torch.randn(2, 3, 2, 2, 2)) end,
        'cudnn%.VolumetricSoftMax: this cudnn%.torch class has no CPU version here; not supported', 'forward')
   -- one with an nn namesake loads as that
   tester:asserteq(torch.type(load('cudnn.SpatialUpSamplingNearest', {scale_factor = 2})),
                   'nn.SpatialUpSamplingNearest')
end

------------------------------------------------------------------------ a whole model from the GPU
-- s with class names renamed (their length prefixes too), in a stream of mode
local function renameClasses(s, mode, pairs_)
   local counts = {}
   local function rename(from, to)
      local pf = mode == 'ascii' and (#from .. '\n') or string.char(#from, 0, 0, 0)
      local pt = mode == 'ascii' and (#to .. '\n') or string.char(#to, 0, 0, 0)
      local parts, pos, n = {}, 1, 0
      while true do
         local i, j = s:find(pf .. from, pos, true)
         if not i then break end
         parts[#parts + 1] = s:sub(pos, i - 1) .. pt .. to
         pos, n = j + 1, n + 1
      end
      s = table.concat(parts) .. s:sub(pos)
      return n
   end
   for i, p in ipairs(pairs_) do counts[i] = rename(p[1], p[2]) end
   return s, counts
end
-- a stream with torch.Cuda* tensor/storage class names, as a GPU-saved model has
local function cudaNames(s, mode)
   local out, n = renameClasses(s, mode, {{'torch.FloatTensor', 'torch.CudaTensor'},
                                          {'torch.FloatStorage', 'torch.CudaStorage'}})
   return n[1], n[2], out
end

function tests.cuda_tensor_types_load_as_cpu()
   local cases = {{'Double', torch.randn(3)}, {'Long', torch.LongTensor{1, -2, 3}}, {'Byte', torch.ByteTensor{1, 200}},
                  {'Int', torch.IntTensor{7, -7}}}
   for _, mode in ipairs{'binary', 'ascii'} do
      for _, c in ipairs(cases) do
         local s, n = renameClasses(torch.serialize({t = c[2]}, mode), mode,
            {{'torch.' .. c[1] .. 'Tensor', 'torch.Cuda' .. c[1] .. 'Tensor'},
             {'torch.' .. c[1] .. 'Storage', 'torch.Cuda' .. c[1] .. 'Storage'}})
         tester:assert(n[1] == 1 and n[2] == 1, 'renamed')
         local r = torch.deserialize(s, mode).t
         tester:asserteq(torch.type(r), 'torch.' .. c[1] .. 'Tensor', mode .. ': torch.Cuda' .. c[1] .. 'Tensor')
         tester:assertTensorEq(r, c[2], 0, mode .. ': values of torch.Cuda' .. c[1] .. 'Tensor')
      end
   end
end

local function cudnnModel()
   torch.manualSeed(5)
   torch.setdefaulttensortype('torch.FloatTensor')
   local fc = nn.Linear(6 * 2 * 2, 5)
   local seq = nn.Sequential()
   seq.modules = {
      fake('cudnn.SpatialConvolution', base{nInputPlane = 4, nOutputPlane = 6, kW = 3, kH = 3, dW = 1, dH = 1,
         padW = 1, padH = 1, groups = 2, weight = torch.randn(6, 2, 3, 3), bias = torch.randn(6)}),
      fake('cudnn.SpatialBatchNormalization', base{eps = 1e-5, momentum = 0.1, affine = true,
         running_mean = torch.randn(6), running_var = torch.rand(6):add(0.5), weight = torch.rand(6), bias = torch.randn(6), train = false}, 2),
      fake('cudnn.ReLU', base{inplace = true, mode = 'CUDNN_ACTIVATION_RELU'}),
      fake('cudnn.SpatialMaxPooling', base{kW = 2, kH = 2, dW = 2, dH = 2, padW = 0, padH = 0, ceil_mode = false,
         mode = 'CUDNN_POOLING_MAX'}),
      nn.View(6 * 2 * 2),
      fc,
      fake('cudnn.SoftMax', base{mode = 'CUDNN_SOFTMAX_MODE_INSTANCE', algorithm = 'CUDNN_SOFTMAX_ACCURATE'}),
   }
   seq.train = false
   seq._type = 'torch.CudaTensor'
   torch.setdefaulttensortype('torch.DoubleTensor')
   return seq
end

function tests.cuda_cudnn_model_runs()
   local model = cudnnModel()
   for _, mode in ipairs{'binary', 'ascii'} do
      local s = torch.serialize(model, mode)
      local ref = torch.deserialize(s, mode)
      local nt, ns, cs = cudaNames(s, mode)
      tester:assert(nt >= 4 and ns >= 4, mode .. ': the stream names CUDA classes (' .. nt .. ', ' .. ns .. ')')
      local m = torch.deserialize(cs, mode)
      tester:asserteq(torch.type(m.modules[1].weight), 'torch.FloatTensor', 'CudaTensor loads as FloatTensor')
      tester:asserteq(torch.type(m.modules[6].weight), 'torch.FloatTensor', 'in nn modules too')
      tester:asserteq(torch.type(m.modules[1]), 'nn.SpatialConvolution')
      tester:asserteq(torch.type(m.modules[7]), 'cudnn.SoftMax')
      local x = torch.randn(3, 4, 4, 4):float()
      local y = m:forward(x:clone())
      tester:assertTensorEq(y, ref:forward(x:clone()), 0, mode .. ': same as the float stream')
      tester:assertTableEq(y:size():totable(), {3, 5}, 'output shape')
      tester:assertTensorEq(y:sum(2):double(), torch.ones(3, 1), 1e-6, 'rows are distributions')
      local gi = m:backward(x, torch.randn(3, 5):float())
      tester:assertTableEq(gi:size():totable(), {3, 4, 4, 4}, 'backward runs')
   end
end

-- torch.save / torch.load of a file
function tests.cudnn_model_on_disk()
   local path = os.tmpname()
   torch.save(path, cudnnModel())
   local m = torch.load(path)
   os.remove(path)
   tester:asserteq(torch.type(m.modules[2]), 'nn.SpatialBatchNormalization')
   tester:assert(m:forward(torch.randn(2, 4, 4, 4):float()):dim() == 2, 'runs')
end

tester:add(tests)
tester:run()
