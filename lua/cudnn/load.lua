-- cudnn.torch objects read from .t7 files, as working CPU modules.
--
-- torch.load (lua/torch/serialize.lua) asks load.factory for each class name cudnn.X once nn
-- is loaded. An object of a class listed in FIELDS is read as its field table, which FIELDS[X]
-- turns into the fields of the module with the same semantics (an nn class, or a class of
-- lua/cudnn/modules.lua where nn has none) before that class's own read method finishes the
-- load (recreating transient buffers). cuDNN RNNs, and cudnn classes with no nn namesake,
-- load as inert objects that keep their class name and refuse to run.
--
-- The field layouts below are cudnn.torch's (R5-R7) as remembered from its sources, not
-- checked against them here: every field but the weights is optional and defaults as
-- cudnn.torch's constructors set it, and the weights are taken by element count.
require 'nn'
require 'cudnn.modules'

local load = {}

local function fail(name, msg)
   error(string.format('%s (cudnn.torch object): %s', name, msg), 0)
end

local function num(f, name, k, default)
   local v = f[k]
   if v == nil then return default end
   if type(v) ~= 'number' or v ~= v then
      fail(name, string.format('field %s: number expected, got %s', k, type(v) == 'number' and 'nan' or torch.type(v)))
   end
   return v
end

-- an integer field >= min, stored back (so that the module gets the default too)
local function int(f, name, k, default, min)
   local v = num(f, name, k, default)
   if v == nil then fail(name, 'field ' .. k .. ' is missing') end
   if v ~= math.floor(v) or v < min then
      fail(name, string.format('field %s: integer >= %d expected, got %s', k, min, tostring(v)))
   end
   f[k] = v
   return v
end

local function str(f, name, k, default)
   local v = f[k]
   if v == nil then return default end
   if type(v) ~= 'string' then fail(name, string.format('field %s: string expected, got %s', k, torch.type(v))) end
   return v
end

-- f[k] viewed as sizes (cudnn.torch's weight layouts hold the same elements as nn's)
local function shaped(f, name, k, sizes, optional)
   local t = f[k]
   if t == nil and optional then return nil end
   if not torch.isTensor(t) then
      fail(name, string.format('field %s: tensor expected, got %s', k, torch.type(t)))
   end
   local n = 1
   for _, s in ipairs(sizes) do n = n * s end
   if t:nElement() ~= n then
      fail(name, string.format('field %s has %d elements, expected %d (%s)', k, t:nElement(), n,
                               table.concat(sizes, ' x ')))
   end
   f[k] = t:contiguous():view(torch.LongStorage(sizes))
   return f[k]
end

-- a gradient buffer shaped as its parameter; dropped when it does not match (nn's read then
-- recreates it, zeroed)
local function gradOf(f, k, param)
   local g = f[k]
   if torch.isTensor(g) and param and g:nElement() == param:nElement() then
      f[k] = g:contiguous():view(param:size())
   else
      f[k] = nil
   end
end

-- cudnn.torch's own state (descriptors are cleared before saving; sizes cached per input;
-- nDim is BatchNormalization's class constant), and a _type naming a CUDA type (its tensors
-- load as CPU ones). The mode and algorithm strings go after the fix, which reads them.
local function clean(f)
   for _, k in ipairs{'iSize', 'iDesc', 'oDesc', 'nDim', 'poolDesc', 'weightDesc', 'biasDesc',
                      'convDesc', 'oDescForBias', 'extraBuffer', 'extraBufferSizeInBytes', 'scaleT', 'input_slice',
                      'output_slice', 'fmode', 'bwmode', 'bdmode', 'sDesc', 'activDesc', 'nnOutput'} do
      f[k] = nil
   end
   if type(f._type) == 'string' and f._type:find('^torch%.Cuda') then
      local p = f.weight or f.running_mean or f.output
      f._type = torch.isTensor(p) and p:type() or nil
   end
end

local function bool(v, default)
   if v == nil then return default end
   return v and true or false
end

-- convolutions: nd spatial dims, transposed ("Full") or not; only SpatialConvolution has groups
local function conv(nd, transposed)
   local kdims = nd == 2 and {'kH', 'kW'} or {'kT', 'kH', 'kW'}
   local strides = nd == 2 and {'dH', 'dW'} or {'dT', 'dH', 'dW'}
   local pads = nd == 2 and {'padH', 'padW'} or {'padT', 'padH', 'padW'}
   local adjs = nd == 2 and {'adjH', 'adjW'} or {'adjT', 'adjH', 'adjW'}
   return function(f, name, nnname)
      local g = int(f, name, 'groups', 1, 1)
      if g ~= 1 and (transposed or nd ~= 2) then
         fail(name, string.format('groups = %d is not supported for this class', g))
      end
      local w = f.weight
      local wfull = torch.isTensor(w) and w:dim() == nd + 2
      -- missing sizes are read off a full-rank weight
      local first = transposed and 'nInputPlane' or 'nOutputPlane'
      local second = transposed and 'nOutputPlane' or 'nInputPlane'
      local nfirst = int(f, name, first, wfull and w:size(1) or nil, 1)
      local nsecond = int(f, name, second, wfull and w:size(2) * g or nil, 1)
      local sizes = {nfirst, nsecond / g}
      for i, k in ipairs(kdims) do sizes[#sizes + 1] = int(f, name, k, wfull and w:size(2 + i) or nil, 1) end
      for _, k in ipairs(strides) do int(f, name, k, 1, 1) end
      for _, k in ipairs(pads) do int(f, name, k, 0, 0) end
      if transposed then for _, k in ipairs(adjs) do int(f, name, k, 0, 0) end end
      if f.nInputPlane % g ~= 0 or f.nOutputPlane % g ~= 0 then
         fail(name, string.format('nInputPlane (%d) and nOutputPlane (%d) must be divisible by groups (%d)',
                                  f.nInputPlane, f.nOutputPlane, g))
      end
      gradOf(f, 'gradWeight', shaped(f, name, 'weight', sizes))
      gradOf(f, 'gradBias', shaped(f, name, 'bias', {f.nOutputPlane}, true))
      f.groups = g ~= 1 and g or nil
      f.finput, f.fgradInput = nil, nil
      return nnname
   end
end

-- pooling: kind from cudnn.torch's mode string (the class's default when absent)
local POOL_MODES = {
   CUDNN_POOLING_MAX = 'max', CUDNN_POOLING_MAX_DETERMINISTIC = 'max',
   CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING = 'include', CUDNN_POOLING_AVERAGE = 'include',
   CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING = 'exclude',
}
local function pool(nd, default)
   local dims = nd == 2 and {'H', 'W'} or {'T', 'H', 'W'}
   local prefix = nd == 2 and 'nn.Spatial' or 'nn.Volumetric'
   return function(f, name)
      local mode = str(f, name, 'mode', default)
      local kind = POOL_MODES[mode]
      if not kind then fail(name, 'unknown pooling mode ' .. mode) end
      for _, d in ipairs(dims) do
         local k = int(f, name, 'k' .. d, nil, 1)
         int(f, name, 'd' .. d, k, 1)
         int(f, name, 'pad' .. d, 0, 0)
      end
      f.ceil_mode = bool(f.ceil_mode, false)
      if kind == 'max' then
         f.indices = nil
         return prefix .. 'MaxPooling'
      end
      f.count_include_pad = kind == 'include'
      f.divide = true
      return prefix .. 'AveragePooling'
   end
end

-- cudnn._Pointwise: the activation follows its mode string (the class's default when absent)
local ACTIVATIONS = {
   CUDNN_ACTIVATION_RELU = function(f)
      f.threshold, f.val = 0, 0
      return 'nn.ReLU'
   end,
   CUDNN_ACTIVATION_TANH = function() return 'nn.Tanh' end,
   CUDNN_ACTIVATION_SIGMOID = function() return 'nn.Sigmoid' end,
   CUDNN_ACTIVATION_CLIPPED_RELU = function(f, name)
      -- min(max(x, 0), ceiling)
      local c = num(f, name, 'ceiling')
      if c == nil or c <= 0 then fail(name, 'field ceiling: a positive number expected, got ' .. tostring(c)) end
      f.min_val, f.max_val, f.ceiling = 0, c, nil
      return 'nn.HardTanh'
   end,
}
local function pointwise(default)
   return function(f, name)
      local mode = str(f, name, 'mode', default)
      local act = ACTIVATIONS[mode]
      if not act then fail(name, 'unknown activation mode ' .. mode) end
      f.inplace = bool(f.inplace, false)
      return act(f, name)
   end
end

-- softmax: instance mode by class (cudnn.SoftMax/LogSoftMax set it at each forward) or mode
-- field; log by class or algorithm
local function softmax(instance, log)
   return function(f, name)
      local mode = str(f, name, 'mode', 'CUDNN_SOFTMAX_MODE_CHANNEL')
      local alg = str(f, name, 'algorithm', 'CUDNN_SOFTMAX_ACCURATE')
      if mode ~= 'CUDNN_SOFTMAX_MODE_CHANNEL' and mode ~= 'CUDNN_SOFTMAX_MODE_INSTANCE' then
         fail(name, 'unknown softmax mode ' .. mode)
      end
      if alg ~= 'CUDNN_SOFTMAX_ACCURATE' and alg ~= 'CUDNN_SOFTMAX_FAST' and alg ~= 'CUDNN_SOFTMAX_LOG' then
         fail(name, 'unknown softmax algorithm ' .. alg)
      end
      local inst = instance or mode == 'CUDNN_SOFTMAX_MODE_INSTANCE'
      local islog = log or alg == 'CUDNN_SOFTMAX_LOG'
      local cls = islog and 'LogSoftMax' or 'SoftMax'
      if inst then
         f.mode, f.algorithm = 'CUDNN_SOFTMAX_MODE_INSTANCE', islog and 'CUDNN_SOFTMAX_LOG' or 'CUDNN_SOFTMAX_ACCURATE'
         return 'cudnn.' .. cls, true
      end
      return 'nn.' .. cls
   end
end

local function batchnorm(nnname)
   return function(f, name)
      f.eps = num(f, name, 'eps', 1e-5)
      f.momentum = num(f, name, 'momentum', 0.1)
      local rm = f.running_mean
      if not torch.isTensor(rm) or rm:nElement() == 0 then
         fail(name, 'field running_mean: non-empty tensor expected, got ' .. torch.type(rm))
      end
      local n = rm:nElement()
      shaped(f, name, 'running_mean', {n})
      if f.running_var == nil and torch.isTensor(f.running_std) then
         -- saves before version 2 hold 1 / sqrt(var + eps)
         f.running_var = f.running_std:clone():pow(-2):add(-f.eps)
      end
      f.running_std = nil
      shaped(f, name, 'running_var', {n})
      f.affine = bool(f.affine, f.weight ~= nil)
      gradOf(f, 'gradWeight', shaped(f, name, 'weight', {n}, not f.affine))
      gradOf(f, 'gradBias', shaped(f, name, 'bias', {n}, not f.affine))
      f.save_mean, f.save_std = nil, nil      -- cuDNN's saved statistics; recomputed by each forward
      return nnname
   end
end

local function lrn(f, name)
   local size = int(f, name, 'size', 5, 1)
   f.alpha = num(f, name, 'alpha', 1e-4)
   f.beta = num(f, name, 'beta', 0.75)
   f.k = num(f, name, 'k', 1)
   if size % 2 == 0 then
      -- cuDNN's window for even sizes is not nn's; refused rather than computed differently
      fail(name, string.format('size %d: only odd sizes are supported', size))
   end
   f.scale = nil
   return 'nn.SpatialCrossMapLRN'
end

local function crossEntropy(f, name)
   f.sizeAverage = bool(f.sizeAverage, true)
   if f.nll == nil then f.nll = nn.SpatialClassNLLCriterion() end
   if f.slsm == nil then f.slsm = nn.LogSoftMax() end
   if not torch.isTypeOf(f.nll, 'nn.SpatialClassNLLCriterion') then
      fail(name, 'field nll: nn.SpatialClassNLLCriterion expected, got ' .. torch.type(f.nll))
   end
   if not (torch.isTypeOf(f.slsm, 'nn.LogSoftMax') and not torch.isTypeOf(f.slsm, 'cudnn.LogSoftMax')) then
      fail(name, 'field slsm: a log-softmax over channels expected, got ' .. torch.type(f.slsm))
   end
   -- criteria have no read method recreating their transient tensors
   local proto = torch.isTensor(f.nll.weights) and f.nll.weights or f.slsm.output
   local function empty() return torch.isTensor(proto) and proto.new() or torch.Tensor() end
   f.nll.gradInput = f.nll.gradInput or empty()
   f.gradInput = f.gradInput or empty()
   f.output = f.output or 0
   return 'cudnn.SpatialCrossEntropyCriterion', true
end

-- class (without 'cudnn.') -> function(fields, name) -> class to load as
local FIELDS = {
   SpatialConvolution = conv(2, false),
   SpatialFullConvolution = conv(2, true),
   VolumetricConvolution = conv(3, false),
   VolumetricFullConvolution = conv(3, true),
   SpatialMaxPooling = pool(2, 'CUDNN_POOLING_MAX'),
   SpatialAveragePooling = pool(2, 'CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING'),
   VolumetricMaxPooling = pool(3, 'CUDNN_POOLING_MAX'),
   VolumetricAveragePooling = pool(3, 'CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING'),
   ReLU = pointwise('CUDNN_ACTIVATION_RELU'),
   Tanh = pointwise('CUDNN_ACTIVATION_TANH'),
   Sigmoid = pointwise('CUDNN_ACTIVATION_SIGMOID'),
   ClippedReLU = pointwise('CUDNN_ACTIVATION_CLIPPED_RELU'),
   SpatialSoftMax = softmax(false, false),
   SpatialLogSoftMax = softmax(false, true),
   SoftMax = softmax(true, false),
   LogSoftMax = softmax(true, true),
   BatchNormalization = batchnorm('nn.BatchNormalization'),
   SpatialBatchNormalization = batchnorm('nn.SpatialBatchNormalization'),
   VolumetricBatchNormalization = batchnorm('nn.VolumetricBatchNormalization'),
   SpatialCrossMapLRN = lrn,
   SpatialCrossEntropyCriterion = crossEntropy,
}

-- cuDNN RNNs keep their weights in one flattened cuDNN blob
local RNNS = {RNN = true, RNNReLU = true, RNNTanh = true, LSTM = true, GRU = true, BLSTM = true, BGRU = true}

local loaders = {}
local function loaderFor(name, short, version)
   local key = name .. '\0' .. version
   local mt = loaders[key]
   if mt then return mt end
   mt = {__typename = name, __version = version}
   if not FIELDS[short] then
      -- inert: a Module (it loads, shows and saves back), but it does not run
      local why = RNNS[short] and 'cuDNN RNNs (weights in one flattened cuDNN blob) cannot run on the CPU'
                  or 'this cudnn.torch class has no CPU version here'
      local function refuse()
         error(name .. ': ' .. why .. '; not supported', 2)
      end
      local methods = {updateOutput = refuse, updateGradInput = refuse, accGradParameters = refuse, forward = refuse,
                       backward = refuse}
      mt.__index = setmetatable(methods, {__index = torch.getmetatable('nn.Module')})
      setmetatable(mt, torch.getmetatable('nn.Module'))
   else
      local fix = FIELDS[short]
      mt.__index = {read = function(self, file, v)
         local fields = file:readObject()
         if type(fields) ~= 'table' then fail(name, 'expected a table of fields, got ' .. torch.type(fields)) end
         clean(fields)
         local cls, keepExtra = fix(fields, name, 'nn.' .. short)
         if not keepExtra then fields.mode, fields.algorithm = nil, nil end
         setmetatable(self, torch.getmetatable(cls))
         -- that class's read (if any) finishes the load on the fixed fields
         if type(self.read) == 'function' then
            self:read({readObject = function() return fields end}, v)
         else
            for k, x in pairs(fields) do self[k] = x end
         end
      end}
   end
   loaders[key] = mt
   return mt
end

-- the factory of objects of class name (cudnn.X) for torch.load, or nil for a class X that nn
-- has (loaded as nn.X) or a class registered under that name
function load.factory(name, version)
   local short = name:match('^cudnn%.(.+)$')
   if not short then return nil end
   if not (FIELDS[short] or RNNS[short]) and (torch.factory(name) or torch.factory('nn.' .. short)) then
      return nil
   end
   local mt = loaderFor(name, short, version)
   return function() return setmetatable({}, mt) end
end

return load
