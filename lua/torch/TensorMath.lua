-- TensorMath (Torch7's cwrap-generated functions) over the C core: every function exists
-- as torch.f([res,] ...) and as a method; dims and indices are 1-based, reductions keep
-- the reduced dimension, elementwise ops need equal element counts (no broadcasting).
local torch = torch
local ffi = require 'ffi'
local I = torch._I
local C = I.C
local Tensor = I.Tensor
local istensor, wrap, check, numel, ldim, cdim = I.istensor, I.wrap, I.check, I.numel, I.ldim, I.cdim
local NAMES, DT, SZ = I.NAMES, I.DT, I.SZ
local lasterror = I.lasterror
local checkargs = I.checkargs
local floor = math.floor

local DIMS = ffi.new('int[32]')
local DBL = ffi.new('double[1]')

local function typename(x) return torch.typename(x) or type(x) end

-- ------------------------------------------------------------------ argument patterns
local function argcode(v)
   local t = type(v)
   if t == 'number' then return 'n' end
   if t == 'cdata' then
      if istensor(v) then return 't' end
      if I.isgenerator and I.isgenerator(v) then return 'g' end
      return 'x'
   end
   if t == 'boolean' then return 'b' end
   if t == 'string' then return 's' end
   if t == 'nil' then return '_' end
   return 'x'
end
local function pattern(...)
   local n = select('#', ...)
   while n > 0 and select(n, ...) == nil do n = n - 1 end
   local s = ''
   for i = 1, n do s = s .. argcode((select(i, ...))) end
   return s
end
I.pattern = pattern

local function usage(fname, p, forms)
   local got = {}
   for c in p:gmatch('.') do
      got[#got + 1] = ({n = 'number', t = 'Tensor', b = 'boolean', s = 'string', g = 'Generator', _ = 'nil'})[c] or '?'
   end
   local exp = {}
   for _, f in ipairs(forms) do
      local e = {'[*Tensor*]'}
      for c in f:gmatch('.') do
         e[#e + 1] = ({n = 'number', t = 'Tensor', b = 'boolean', s = 'string'})[c] or c
      end
      exp[#exp + 1] = table.concat(e, ' ')
   end
   torch._error(string.format("invalid arguments to '%s': %s\nexpected arguments: %s", fname,
                              table.concat(got, ' '), table.concat(exp, ' | ')))
end

-- Define torch.name and Tensor:name from the explicit argument forms (without the result)
-- and impl(res or nil, ...). mode 'inplace': x:f(args) defaults the first source to x
-- and writes into x; mode 'new': x:f(args) uses x as the first source, new result.
local function defop(name, forms, impl, mode, numberfn)
   local F = {}
   for _, f in ipairs(forms) do F[f] = true end
   torch[name] = function(...)
      local p = pattern(...)
      if numberfn and p == 'n' then return numberfn((...)) end
      if F[p] then return impl(nil, ...) end
      if p:sub(1, 1) == 't' and F[p:sub(2)] then return impl(...) end
      usage(name, p, forms)
   end
   Tensor[name] = function(self, ...)
      if not istensor(self) then torch._argerror(1, name, 'tensor expected, got ' .. typename(self)) end
      local p = pattern(...)
      if F[p] then return impl(self, ...) end
      if F['t' .. p] then
         if mode == 'inplace' then return impl(self, self, ...) end
         return impl(nil, self, ...)
      end
      usage(name, 't' .. p, forms)
   end
end
I.defop = defop

local function newlike(x, dtype)
   return wrap(C.THTensor_new(dtype or x.__th.dtype))
end
I.newlike = newlike

local function sameshape(a, b)
   if a.ndim ~= b.ndim then return false end
   for d = 0, a.ndim - 1 do if a.size[d] ~= b.size[d] then return false end end
   return true
end

-- b's THTensor viewed with a's shape (Torch7 only needs equal element counts)
local function alike(a, b, n, fname)
   local at, bt = a.__th, b.__th
   if sameshape(at, bt) then return bt, nil end
   if numel(at) ~= numel(bt) then
      torch._argerror(n, fname, string.format('inconsistent tensor size: %d elements vs %d', numel(at), numel(bt)))
   end
   local r = C.THTensor_newReshape(bt, at.ndim, at.size)
   if r == nil then torch._error(lasterror()) end
   return r, r
end
I.alike = alike

local function binary(res, op, a, b, alpha, fname, argn)
   local bt, tmp = alike(a, b, argn or 3, fname)
   local st = C.THTensor_binary(res.__th, op, a.__th, bt, alpha or 1)
   if tmp then C.THTensor_free(tmp) end
   if st ~= 0 then torch._error(lasterror()) end
   return res
end
I.binary = binary

local function scalar(res, op, a, s, reversed)
   check(C.THTensor_binaryScalar(res.__th, op, a.__th, s, reversed and 1 or 0))
   return res
end

-- ------------------------------------------------------------------ pointwise unary
local U = {NEG = 0, ABS = 1, SIGN = 2, EXP = 3, EXPM1 = 4, EXP2 = 5, LOG = 6, LOG1P = 7, LOG2 = 8,
           LOG10 = 9, SQRT = 10, RSQRT = 11, SIN = 12, COS = 13, TAN = 14, ASIN = 15, ACOS = 16,
           ATAN = 17, SINH = 18, COSH = 19, TANH = 20, SIGMOID = 21, FLOOR = 22, CEIL = 23,
           ROUND = 24, TRUNC = 25, FRAC = 26, RECIPROCAL = 27, SQUARE = 28, ERF = 29, ERFC = 30,
           LGAMMA = 31, BITWISE_NOT = 32, LOGICAL_NOT = 33, ISNAN = 34, ISINF = 35, ISFINITE = 36,
           ROUND_HALF_AWAY = 37, DIGAMMA = 38}
local function round_away(x) if x >= 0 then return floor(x + 0.5) else return -floor(-x + 0.5) end end
local number_unary = {
   log = math.log, exp = math.exp, cos = math.cos, acos = math.acos, cosh = math.cosh, sin = math.sin,
   asin = math.asin, sinh = math.sinh, tan = math.tan, atan = math.atan, tanh = math.tanh,
   sqrt = math.sqrt, ceil = math.ceil, floor = math.floor, abs = math.abs, round = round_away,
}
for name, op in pairs{log = U.LOG, log1p = U.LOG1P, exp = U.EXP, cos = U.COS, acos = U.ACOS, cosh = U.COSH,
                      sin = U.SIN, asin = U.ASIN, sinh = U.SINH, tan = U.TAN, atan = U.ATAN, tanh = U.TANH,
                      sqrt = U.SQRT, rsqrt = U.RSQRT, round = U.ROUND_HALF_AWAY, ceil = U.CEIL, floor = U.FLOOR,
                      trunc = U.TRUNC, frac = U.FRAC, sigmoid = U.SIGMOID, abs = U.ABS, neg = U.NEG,
                      cinv = U.RECIPROCAL, sign = U.SIGN, exp2 = U.EXP2, expm1 = U.EXPM1, log2 = U.LOG2,
                      log10 = U.LOG10, erf = U.ERF, erfc = U.ERFC, lgamma = U.LGAMMA, square = U.SQUARE,
                      digamma = U.DIGAMMA} do
   defop(name, {'t'}, function(res, a)
      res = res or newlike(a)
      check(C.THTensor_unary(res.__th, op, a.__th))
      return res
   end, 'inplace', number_unary[name])
end

-- polygamma(n, x): the n-th derivative of digamma, an addition like digamma (Torch7 had neither);
-- x:polygamma(n) works in place as x:digamma() does
local function polygamma(res, n, x, argn)
   if n < 0 or n ~= floor(n) or n ~= n then
      torch._argerror(argn, 'polygamma', 'n must be a non-negative integer, got ' .. tostring(n))
   end
   check(C.THTensor_polygamma(res.__th, n, x.__th))
   return res
end
torch.polygamma = function(...)
   local p = pattern(...)
   local a, b, c = ...
   if p == 'nt' then return polygamma(newlike(b), a, b, 1) end
   if p == 'tnt' then return polygamma(a, b, c, 2) end
   usage('polygamma', p, {'nt'})
end
Tensor.polygamma = function(self, a, b)
   if not istensor(self) then torch._argerror(1, 'polygamma', 'tensor expected, got ' .. typename(self)) end
   local p = pattern(a, b)
   if p == 'n' then return polygamma(self, a, self, 1) end
   if p == 'nt' then return polygamma(self, a, b, 1) end
   usage('polygamma', 't' .. p, {'nt'})
end

-- ------------------------------------------------------------------ pointwise binary
local B = {ADD = 0, SUB = 1, MUL = 2, DIV = 3, FLOOR_DIVIDE = 4, POW = 5, FMOD = 6, REMAINDER = 7,
           ATAN2 = 8, MINIMUM = 9, MAXIMUM = 10, BITAND = 11, BITOR = 12, BITXOR = 13, LSHIFT = 14,
           RSHIFT = 15, LOGICAL_AND = 16, LOGICAL_OR = 17, LOGICAL_XOR = 18, EQ = 19, NE = 20, LT = 21,
           LE = 22, GT = 23, GE = 24, HYPOT = 25, TRUNC_DIVIDE = 26,
           LOGADDEXP = 42, LOGADDEXP2 = 43}
I.B = B

-- add/csub: (t, v) -> t + v ; (t1 [, v], t2) -> t1 + v * t2
local function addsub(op, name)
   return function(res, a, b, c)
      res = res or newlike(a)
      if c ~= nil then return binary(res, op, a, c, b, name, 4) end
      if type(b) == 'number' then return scalar(res, op, a, b, false) end
      return binary(res, op, a, b, 1, name, 3)
   end
end
local add_impl = addsub(B.ADD, 'add')
defop('add', {'tn', 'tt', 'tnt'}, add_impl, 'inplace')
defop('csub', {'tn', 'tt', 'tnt'}, addsub(B.SUB, 'csub'), 'inplace')
do   -- the hot path of res:add(a, b) without the generic pattern matching
   local generic = Tensor.add
   local C_binary = C.THTensor_binary
   Tensor.add = function(self, a, b, c)
      if c == nil and istensor(self) and istensor(a) and istensor(b) then
         local at, bt = a.__th, b.__th
         if sameshape(at, bt) then
            if C_binary(self.__th, 0, at, bt, 1) ~= 0 then torch._error(lasterror()) end
            return self
         end
      end
      return generic(self, a, b, c)
   end
end

local function scalarop(op, name)
   return function(res, a, v)
      res = res or newlike(a)
      return scalar(res, op, a, v, false)
   end
end
local function tensorop(op, name)
   return function(res, a, b)
      res = res or newlike(a)
      return binary(res, op, a, b, 1, name, 3)
   end
end
defop('mul', {'tn'}, scalarop(B.MUL, 'mul'), 'inplace')
defop('div', {'tn'}, scalarop(B.DIV, 'div'), 'inplace')
defop('cmul', {'tt'}, tensorop(B.MUL, 'cmul'), 'inplace')
defop('cdiv', {'tt'}, tensorop(B.DIV, 'cdiv'), 'inplace')
defop('cpow', {'tt'}, tensorop(B.POW, 'cpow'), 'inplace')
defop('fmod', {'tn'}, scalarop(B.FMOD, 'fmod'), 'inplace')
defop('mod', {'tn'}, scalarop(B.FMOD, 'mod'), 'inplace')
defop('remainder', {'tn'}, scalarop(B.REMAINDER, 'remainder'), 'inplace')
defop('cfmod', {'tt'}, tensorop(B.FMOD, 'cfmod'), 'inplace')
defop('cmod', {'tt'}, tensorop(B.FMOD, 'cmod'), 'inplace')
defop('cremainder', {'tt'}, tensorop(B.REMAINDER, 'cremainder'), 'inplace')
defop('bitand', {'tn'}, scalarop(B.BITAND, 'bitand'), 'inplace')
defop('bitor', {'tn'}, scalarop(B.BITOR, 'bitor'), 'inplace')
defop('bitxor', {'tn'}, scalarop(B.BITXOR, 'bitxor'), 'inplace')
defop('cbitand', {'tt'}, tensorop(B.BITAND, 'cbitand'), 'inplace')
defop('cbitor', {'tt'}, tensorop(B.BITOR, 'cbitor'), 'inplace')
defop('cbitxor', {'tt'}, tensorop(B.BITXOR, 'cbitxor'), 'inplace')
defop('atan2', {'tt'}, tensorop(B.ATAN2, 'atan2'), 'inplace')
-- shifts: bit shifts on integers; multiply/divide by 2^v on floating types (Torch7)
local function shift(left, tensorarg)
   return function(res, a, v)
      res = res or newlike(a)
      if I.ISFLOAT[a.__th.dtype] then
         if tensorarg then
            local p = newlike(a)
            scalar(p, B.POW, v, 2, true)
            return binary(res, left and B.MUL or B.DIV, a, p, 1, 'shift', 3)
         end
         return scalar(res, left and B.MUL or B.DIV, a, 2 ^ v, false)
      end
      if tensorarg then return binary(res, left and B.LSHIFT or B.RSHIFT, a, v, 1, 'shift', 3) end
      return scalar(res, left and B.LSHIFT or B.RSHIFT, a, v, false)
   end
end
defop('lshift', {'tn'}, shift(true, false), 'inplace')
defop('rshift', {'tn'}, shift(false, false), 'inplace')
defop('clshift', {'tt'}, shift(true, true), 'inplace')
defop('crshift', {'tt'}, shift(false, true), 'inplace')

local function minmaxop(op, name)
   return function(res, a, b)
      res = res or newlike(a)
      if type(b) == 'number' then return scalar(res, op, a, b, false) end
      return binary(res, op, a, b, 1, name, 3)
   end
end
defop('cmin', {'tt', 'tn'}, minmaxop(B.MINIMUM, 'cmin'), 'inplace')
defop('cmax', {'tt', 'tn'}, minmaxop(B.MAXIMUM, 'cmax'), 'inplace')

defop('clamp', {'tnn'}, function(res, a, lo, hi)
   res = res or newlike(a)
   check(C.THTensor_clamp(res.__th, a.__th, lo, hi, 1, 1))
   return res
end, 'inplace')

-- pow(t, v), pow(v, t) (tpow), pow(a, b) numbers
torch.pow = function(...)
   local p = pattern(...)
   local a, b, c = ...
   if p == 'nn' then return a ^ b end
   if p == 'tn' then return scalar(newlike(a), B.POW, a, b, false) end
   if p == 'nt' then return scalar(newlike(b), B.POW, b, a, true) end
   if p == 'ttn' then return scalar(a, B.POW, b, c, false) end
   if p == 'tnt' then return scalar(a, B.POW, c, b, true) end
   usage('pow', p, {'tn', 'nt'})
end
Tensor.pow = function(self, a, b)
   local p = pattern(a, b)
   if p == 'n' then return scalar(self, B.POW, self, a, false) end
   if p == 'tn' then return scalar(self, B.POW, a, b, false) end
   if p == 'nt' then return scalar(self, B.POW, b, a, true) end
   usage('pow', 't' .. p, {'tn', 'nt'})
end
Tensor.tpow = function(self, v, t)
   checkargs('tpow', 2, {'number', 'tensor?'}, v, t)
   return scalar(self, B.POW, t or self, v, true)
end

-- addcmul, addcdiv: res = a + v * (t1 op t2), v defaulting to 1; t1 and t2 are made like a
local function addcop(name, fn)
   defop(name, {'ttt', 'tntt'}, function(res, a, v, t1, t2)
      if t2 == nil then v, t1, t2 = 1, v, t1 end
      res = res or newlike(a)
      local t1t, tmp1 = alike(a, t1, 3, name)
      local t2t, tmp2 = alike(a, t2, 4, name)
      local st = fn(res.__th, a.__th, t1t, t2t, v)
      if tmp1 then C.THTensor_free(tmp1) end
      if tmp2 then C.THTensor_free(tmp2) end
      check(st)
      return res
   end, 'inplace')
end
addcop('addcmul', C.THTensor_addcmul)
addcop('addcdiv', C.THTensor_addcdiv)
defop('lerp', {'ttn'}, function(res, a, b, w)
   res = res or newlike(a)
   local bt, tmp = alike(a, b, 3, 'lerp')
   local st = C.THTensor_lerpScalar(res.__th, a.__th, bt, w)
   if tmp then C.THTensor_free(tmp) end
   check(st)
   return res
end, 'inplace')

-- comparisons: a new ByteTensor of 0/1, or 0/1 written into the given result
for name, op in pairs{lt = B.LT, le = B.LE, gt = B.GT, ge = B.GE, eq = B.EQ, ne = B.NE} do
   defop(name, {'tn', 'tt'}, function(res, a, b)
      res = res or newlike(a, 3)
      if type(b) == 'number' then return scalar(res, op, a, b, false) end
      return binary(res, op, a, b, 1, name, 3)
   end, 'new')
end

-- ------------------------------------------------------------------ reductions
local R = {SUM = 0, PROD = 1, MEAN = 2, MAX = 3, MIN = 4, ALL = 5, ANY = 6, NORM = 7, LOGSUMEXP = 8,
           VAR = 9, STD = 10, COUNT_NONZERO = 11}
I.R = R

local function item(out)
   local st = C.THTensor_itemDouble(out, DBL)
   C.THTensor_free(out)
   if st ~= 0 then torch._error(lasterror()) end
   return DBL[0]
end
I.item = item

local function reduce_all(op, a, arg)
   local out = C.THTensor_new(-1)
   local st = C.THTensor_reduce(out, op, a.__th, 0, nil, 0, arg or 0)
   if st ~= 0 then C.THTensor_free(out); torch._error(lasterror()) end
   return item(out)
end
local function reduce_dim(res, op, a, d, arg, fname, argn)
   DIMS[0] = cdim(a.__th, d, argn or 2, fname)
   res = res or newlike(a)
   check(C.THTensor_reduce(res.__th, op, a.__th, 1, DIMS, 1, arg or 0))
   return res
end

for name, op in pairs{sum = R.SUM, prod = R.PROD, mean = R.MEAN} do
   defop(name, {'t', 'tn'}, function(res, a, d)
      if d == nil then return reduce_all(op, a) end
      return reduce_dim(res, op, a, d, 0, name)
   end, 'new')
end
for name, op in pairs{var = R.VAR, std = R.STD} do
   defop(name, {'t', 'tn', 'tb', 'tnb'}, function(res, a, d, biased)
      if type(d) == 'boolean' then d, biased = nil, d end
      local corr = biased and 0 or 1
      if d == nil then return reduce_all(op, a, corr) end
      return reduce_dim(res, op, a, d, corr, name)
   end, 'new')
end
defop('norm', {'t', 'tn', 'tnn'}, function(res, a, p, d)
   p = p or 2
   if d == nil then return reduce_all(R.NORM, a, p) end
   return reduce_dim(res, R.NORM, a, d, p, 'norm', 3)
end, 'new')
defop('logsumexp', {'t', 'tn'}, function(res, a, d)
   if d == nil then return reduce_all(R.LOGSUMEXP, a) end
   return reduce_dim(res, R.LOGSUMEXP, a, d, 0, 'logsumexp')
end, 'new')
Tensor.all = function(self) return reduce_all(R.ALL, self) ~= 0 end
Tensor.any = function(self) return reduce_all(R.ANY, self) ~= 0 end
torch.all = function(t) I.checktensor(t, 1, 'all'); return t:all() end
torch.any = function(t) I.checktensor(t, 1, 'any'); return t:any() end
Tensor.numel = function(self) return numel(self.__th) end
torch.numel = function(t) I.checktensor(t, 1, 'numel'); return numel(t.__th) end

for name, fn in pairs{cumsum = C.THTensor_cumsum, cumprod = C.THTensor_cumprod} do
   defop(name, {'t', 'tn'}, function(res, a, d)
      local cd = cdim(a.__th, d or 1, 2, name)
      res = res or newlike(a)
      check(fn(res.__th, a.__th, cd))
      return res
   end, 'new')
end

defop('trace', {'t'}, function(res, a)
   local out = C.THTensor_new(-1)
   local st = C.THTensor_trace(out, a.__th)
   if st ~= 0 then C.THTensor_free(out); torch._error(lasterror()) end
   return item(out)
end, 'new')
defop('dist', {'tt', 'ttn'}, function(res, a, b, p)
   local bt, tmp = alike(a, b, 2, 'dist')
   local out = C.THTensor_new(-1)
   local st = C.THTensor_dist(out, a.__th, bt, p or 2)
   if tmp then C.THTensor_free(tmp) end
   if st ~= 0 then C.THTensor_free(out); torch._error(lasterror()) end
   return item(out)
end, 'new')
defop('equal', {'tt'}, function(res, a, b)
   local r = ffi.new('int[1]')
   check(C.THTensor_equal(a.__th, b.__th, r))
   return r[0] ~= 0
end, 'new')
defop('cross', {'tt', 'ttn'}, function(res, a, b, d)
   local cd
   if d then cd = cdim(a.__th, d, 3, 'cross') else
      for i = 0, a.__th.ndim - 1 do if a.__th.size[i] == 3 then cd = i; break end end
      if not cd then torch._argerror(1, 'cross', 'no dimension of size 3') end
   end
   res = res or newlike(a)
   check(C.THTensor_cross(res.__th, a.__th, b.__th, cd))
   return res
end, 'new')
defop('renorm', {'tnnn'}, function(res, a, p, d, maxnorm)
   res = res or newlike(a)
   check(C.THTensor_renorm(res.__th, a.__th, p, cdim(a.__th, d, 3, 'renorm'), maxnorm))
   return res
end, 'inplace')

-- split leading result tensors from the arguments: returns res list, source, rest...
local function leading(nres, name, ...)
   local n = select('#', ...)
   local k = 0
   while k < n and istensor((select(k + 1, ...))) do k = k + 1 end
   if k == 0 then torch._argerror(1, name, 'tensor expected, got ' .. typename((...))) end
   local res = {}
   if k > nres + 1 then k = nres + 1 end
   for i = 1, k - 1 do res[i] = select(i, ...) end
   return res, select(k, ...), select(k + 1, ...)
end

-- values + 1-based LongTensor indices
local function valind(name, body, nres)
   local function run(res, src, ...)
      local v = res[1] or newlike(src)
      local ix = res[2] or newlike(src, 7)
      return body(v, ix, src, ...)
   end
   torch[name] = function(...) return run(leading(2, name, ...)) end
   Tensor[name] = function(self, ...)
      local a = ...
      if istensor(a) then return run(leading(2, name, self, ...)) end
      return run({}, self, ...)
   end
end

for name, fn in pairs{max = C.THTensor_maxDim, min = C.THTensor_minDim} do
   local op = name == 'max' and R.MAX or R.MIN
   valind(name, function(v, ix, a, d)
      if d == nil then return reduce_all(op, a) end
      check(fn(v.__th, ix.__th, a.__th, cdim(a.__th, d, 2, name), 1, 1))
      return v, ix
   end)
end
local function lastdim(a) return math.max(ldim(a.__th), 1) end
valind('sort', function(v, ix, a, d, desc)
   if type(d) == 'boolean' then d, desc = nil, d end
   if desc ~= nil and type(desc) ~= 'boolean' then torch._argerror(3, 'sort', 'boolean expected') end
   check(C.THTensor_sort(v.__th, ix.__th, a.__th, cdim(a.__th, d or lastdim(a), 2, 'sort'), desc and 1 or 0, 0, 1))
   return v, ix
end)
valind('topk', function(v, ix, a, k, d, dir, sorted)
   k = k or 1
   if type(k) ~= 'number' then torch._argerror(2, 'topk', 'number expected for k') end
   check(C.THTensor_topk(v.__th, ix.__th, a.__th, k, cdim(a.__th, d or lastdim(a), 3, 'topk'),
                         dir and 1 or 0, sorted and 1 or 0, 1))
   return v, ix
end)
valind('kthvalue', function(v, ix, a, k, d)
   if type(k) ~= 'number' then torch._argerror(2, 'kthvalue', 'number expected for k') end
   check(C.THTensor_kthvalue(v.__th, ix.__th, a.__th, k, cdim(a.__th, d or lastdim(a), 3, 'kthvalue'), 1, 1))
   return v, ix
end)
valind('median', function(v, ix, a, d)
   check(C.THTensor_median(v.__th, ix.__th, a.__th, cdim(a.__th, d or lastdim(a), 2, 'median'), 1, 1))
   return v, ix
end)
valind('mode', function(v, ix, a, d)
   check(C.THTensor_mode(v.__th, ix.__th, a.__th, cdim(a.__th, d or lastdim(a), 2, 'mode'), 1, 1))
   return v, ix
end)

-- ------------------------------------------------------------------ BLAS
local function needdim(t, nd, n, fname, what)
   if ldim(t.__th) ~= nd then
      torch._argerror(n, fname, string.format('%s must be a %dD tensor, got %dD', what, nd, ldim(t.__th)))
   end
end
local function sizestr(t) return table.concat(t:size():totable(), ' x ') end

defop('dot', {'tt'}, function(res, a, b)
   if numel(a.__th) ~= numel(b.__th) then torch._argerror(2, 'dot', 'inconsistent tensor size') end
   local out = C.THTensor_new(-1)
   local va = C.THTensor_newReshape(a.__th, 1, ffi.new('int64_t[1]', numel(a.__th)))
   local vb = C.THTensor_newReshape(b.__th, 1, ffi.new('int64_t[1]', numel(b.__th)))
   local st = C.THTensor_dot(out, va, vb)
   C.THTensor_free(va); C.THTensor_free(vb)
   if st ~= 0 then C.THTensor_free(out); torch._error(lasterror()) end
   return item(out)
end, 'new')
-- mm, mv, bmm, ger: res = a x b, through the add-form kernel with beta 0, alpha 1; mismatch (a
-- format of a's and b's sizes) where the inner sizes must agree before the kernel sees them
local function productop(name, fn, dims, kinds, mismatch)
   defop(name, {'tt'}, function(res, a, b)
      needdim(a, dims[1], 1, name, kinds[1]); needdim(b, dims[2], 2, name, kinds[2])
      if mismatch and a.__th.size[1] ~= b.__th.size[0] then
         torch._error(string.format(mismatch, sizestr(a), sizestr(b)))
      end
      res = res or newlike(a)
      check(fn(res.__th, 0, nil, 1, a.__th, b.__th))
      return res
   end, 'new')
end
productop('mm', C.THTensor_addmm, {2, 2}, {'matrix', 'matrix'}, 'size mismatch, m1: [%s], m2: [%s]')
productop('mv', C.THTensor_addmv, {2, 1}, {'matrix', 'vector'}, 'size mismatch, [%s] X [%s]')
productop('bmm', C.THTensor_baddbmm, {3, 3}, {'batch1', 'batch2'})
productop('ger', C.THTensor_addr, {1, 1}, {'vector', 'vector'})

-- addmm([res,] [beta,] M, [alpha,] a, b) and friends
local function addblas(name, fn, dims)
   defop(name, {'ttt', 'nttt', 'tntt', 'ntntt'}, function(res, ...)
      local p = pattern(...)
      local beta, M, alpha, a, b
      if p == 'ttt' then M, a, b = ...; beta, alpha = 1, 1
      elseif p == 'nttt' then beta, M, a, b = ...; alpha = 1
      elseif p == 'tntt' then M, alpha, a, b = ...; beta = 1
      else beta, M, alpha, a, b = ... end
      needdim(a, dims[2], 3, name, 'argument'); needdim(b, dims[3], 4, name, 'argument')
      res = res or newlike(M)
      check(fn(res.__th, beta, M.__th, alpha, a.__th, b.__th))
      return res
   end, 'inplace')
end
addblas('addmm', C.THTensor_addmm, {2, 2, 2})
addblas('addmv', C.THTensor_addmv, {1, 2, 1})
addblas('addr', C.THTensor_addr, {2, 1, 1})
addblas('addbmm', C.THTensor_addbmm, {2, 3, 3})
addblas('baddbmm', C.THTensor_baddbmm, {3, 3, 3})

-- ------------------------------------------------------------------ indexing
local function checklong(idx, n, fname)
   if not istensor(idx) or idx.__th.dtype ~= 7 then
      torch._argerror(n, fname, 'LongTensor expected, got ' .. typename(idx))
   end
end
local function checkmask(m, n, fname)
   if not istensor(m) or (m.__th.dtype ~= 3 and m.__th.dtype ~= 8) then
      torch._argerror(n, fname, 'ByteTensor expected, got ' .. typename(m))
   end
end

defop('index', {'tnt'}, function(res, src, d, idx)
   checklong(idx, 3, 'index')
   res = res or newlike(src)
   I.checkdim(C.THTensor_indexSelect(res.__th, src.__th, cdim(src.__th, d, 2, 'index'), idx.__th, 1), 3, 'index')
   return res
end, 'new')
function Tensor:indexCopy(d, idx, src)
   checklong(idx, 3, 'indexCopy'); I.checktensor(src, 4, 'indexCopy')
   I.checkdim(C.THTensor_indexCopy(self.__th, cdim(self.__th, d, 2, 'indexCopy'), idx.__th, src.__th, 1), 3, 'indexCopy')
   return self
end
function Tensor:indexAdd(d, idx, src)
   checklong(idx, 3, 'indexAdd'); I.checktensor(src, 4, 'indexAdd')
   I.checkdim(C.THTensor_indexAdd(self.__th, cdim(self.__th, d, 2, 'indexAdd'), idx.__th, src.__th, 1, 1), 3, 'indexAdd')
   return self
end
function Tensor:indexFill(d, idx, v)
   checklong(idx, 3, 'indexFill')
   if type(v) ~= 'number' then torch._argerror(4, 'indexFill', 'number expected') end
   I.checkdim(C.THTensor_indexFill(self.__th, cdim(self.__th, d, 2, 'indexFill'), idx.__th, v, 1), 3, 'indexFill')
   return self
end
-- torch.name(t, ...) as t:name(...) (on a clone of t when clone): argument #1 must be a tensor
local function asfunction(name, clone)
   torch[name] = function(t, ...)
      checkargs(name, 1, {'tensor'}, t)
      if clone then t = t:clone() end
      return Tensor[name](t, ...)
   end
end
I.asfunction = asfunction
asfunction('indexCopy'); asfunction('indexAdd'); asfunction('indexFill')
defop('gather', {'tnt'}, function(res, src, d, idx)
   checklong(idx, 3, 'gather')
   res = res or newlike(src)
   I.checkdim(C.THTensor_gather(res.__th, src.__th, cdim(src.__th, d, 2, 'gather'), idx.__th, 1), 3, 'gather')
   return res
end, 'new')
function Tensor:scatter(d, idx, src)
   checklong(idx, 3, 'scatter')
   local cd = cdim(self.__th, d, 2, 'scatter')
   if type(src) == 'number' then
      I.checkdim(C.THTensor_scatterFill(self.__th, cd, idx.__th, src, 1), 3, 'scatter')
   else
      I.checktensor(src, 4, 'scatter')
      I.checkdim(C.THTensor_scatter(self.__th, cd, idx.__th, src.__th, 1), 3, 'scatter')
   end
   return self
end
function Tensor:scatterAdd(d, idx, src)
   checklong(idx, 3, 'scatterAdd'); I.checktensor(src, 4, 'scatterAdd')
   I.checkdim(C.THTensor_scatterAdd(self.__th, cdim(self.__th, d, 2, 'scatterAdd'), idx.__th, src.__th, 1), 3, 'scatterAdd')
   return self
end
asfunction('scatter', true)
defop('maskedSelect', {'tt'}, function(res, src, mask)
   checkmask(mask, 2, 'maskedSelect')
   res = res or newlike(src)
   local mt, tmp = alike(src, mask, 2, 'maskedSelect')
   local st = C.THTensor_maskedSelect(res.__th, src.__th, mt)
   if tmp then C.THTensor_free(tmp) end
   check(st)
   return res
end, 'new')
function Tensor:maskedFill(mask, v)
   checkmask(mask, 2, 'maskedFill')
   if type(v) ~= 'number' then torch._argerror(3, 'maskedFill', 'number expected') end
   local mt, tmp = alike(self, mask, 2, 'maskedFill')
   local st = C.THTensor_maskedFill(self.__th, mt, v)
   if tmp then C.THTensor_free(tmp) end
   check(st)
   return self
end
function Tensor:maskedCopy(mask, src)
   checkmask(mask, 2, 'maskedCopy'); I.checktensor(src, 3, 'maskedCopy')
   local mt, tmp = alike(self, mask, 2, 'maskedCopy')
   local st = C.THTensor_maskedScatter(self.__th, mt, src.__th)
   if tmp then C.THTensor_free(tmp) end
   check(st)
   return self
end
asfunction('maskedFill'); asfunction('maskedCopy')
defop('nonzero', {'t'}, function(res, src)
   res = res or newlike(src, 7)
   check(C.THTensor_nonzero(res.__th, src.__th, 1))
   return res
end, 'new')

-- ------------------------------------------------------------------ construction
-- trailing type-name string -> dtype (else the default tensor type)
local typearg = I.typearg

local function factory(name, fill)
   torch[name] = function(...)
      local a = ...
      if istensor(a) then return Tensor[name](...) end    -- torch.zeros(res, sizes...)
      local dt, n = typearg(...)
      local t = wrap(C.THTensor_new(dt))
      local args = {...}
      local nd = I.parse_sizes(name, 1, false, unpack(args, 1, n))
      check(C.THTensor_resize(t.__th, nd, SZ))
      return fill(t)
   end
   Tensor[name] = function(self, ...)
      local nd = I.parse_sizes(name, 2, false, ...)
      check(C.THTensor_resize(self.__th, nd, SZ))
      return fill(self)
   end
end
factory('zeros', function(t) return t:zero() end)
factory('ones', function(t) return t:fill(1) end)

torch.eye = function(...)
   local r = ...
   if istensor(r) then return Tensor.eye(...) end     -- torch.eye(res, n [, m])
   local dt, n = typearg(...)
   local a, b = ...
   if n < 2 then b = nil end
   checkargs('eye', 1, {'number', 'number?'}, a, b)
   local t = wrap(C.THTensor_new(dt))
   check(C.THTensor_eye(t.__th, a, b or a))
   return t
end
function Tensor:eye(a, b)
   checkargs('eye', 2, {'number', 'number?'}, a, b)
   check(C.THTensor_eye(self.__th, a, b or a))
   return self
end

local function rangeimpl(res, first, x, y, step)
   checkargs('range', first, {'number', 'number', 'number?'}, x, y, step)
   step = step or 1
   if step == 0 then torch._error('step must be a non-null number') end
   if (step > 0 and x > y) or (step < 0 and x < y) then torch._error('upper bound and larger bound incoherent with step sign') end
   check(C.THTensor_arange(res.__th, x, y, step, 1))
   return res
end
torch.range = function(...)
   local dt, n = typearg(...)
   local a = ...
   if istensor(a) then return rangeimpl(a, 2, select(2, ...)) end
   return rangeimpl(wrap(C.THTensor_new(dt)), 1, ...)
end
Tensor.range = function(self, ...) return rangeimpl(self, 2, ...) end

-- linspace, logspace ([res,] x, y [, n = 100]): res filled by fill(res, x, y, n)
local function spaceop(name, fill)
   torch[name] = function(...)
      local dt = typearg(...)
      local a = ...
      local res
      if istensor(a) then res = a else res = wrap(C.THTensor_new(dt)) end
      local off = istensor(a) and 1 or 0
      local x, y, n = select(1 + off, ...)
      if type(n) == 'string' then n = nil end     -- the type name
      checkargs(name, 1 + off, {'number', 'number', 'number?'}, x, y, n)
      n = n or 100
      if n == 1 and x ~= y then torch._argerror(3 + off, name, 'invalid number of points') end
      if res:nElement() == n and res:dim() > 1 then
         -- Torch7 keeps a result of the right element count in its shape, filled in order
         local flat = res.new()
         check(fill(flat.__th, x, y, n))
         res:copy(flat:view(res:size()))
      else
         check(fill(res.__th, x, y, n))
      end
      return res
   end
   Tensor[name] = function(self, ...) return torch[name](self, ...) end
end
spaceop('linspace', C.THTensor_linspace)
spaceop('logspace', function(th, x, y, n) return C.THTensor_logspace(th, x, y, n, 10) end)

torch.reshape = function(...)
   local a, b = ...
   local res, src, rest
   if istensor(b) then res, src = a, b; rest = {select(3, ...)} else src = a; rest = {select(2, ...)} end
   I.checktensor(src, 1, 'reshape')
   res = res or newlike(src)
   local nd = I.parse_sizes('reshape', 2, false, unpack(rest))
   local n = 1
   for i = 0, nd - 1 do n = n * SZ[i] end
   if n ~= numel(src.__th) then torch._error('reshape: the number of elements must not change') end
   check(C.THTensor_resize(res.__th, nd, SZ))
   return res:copy(src)
end
Tensor.reshape = function(self, ...)
   local a = ...
   if istensor(a) then return torch.reshape(self, ...) end
   return torch.reshape(self, ...)
end

for name, fn in pairs{diag = C.THTensor_diag, tril = C.THTensor_tril, triu = C.THTensor_triu} do
   defop(name, {'t', 'tn'}, function(res, a, k)
      res = res or newlike(a)
      check(fn(res.__th, a.__th, k or 0))
      return res
   end, 'new')
end

torch.cat = function(...)
   local a, b, c, d = ...
   local res, list, dim, dimarg
   if type(a) == 'table' and not istensor(a) then list, dim, dimarg = a, b, 2
   elseif istensor(a) and type(b) == 'table' and not istensor(b) then res, list, dim, dimarg = a, b, c, 3
   elseif istensor(a) and istensor(b) and istensor(c) then res, list, dim, dimarg = a, {b, c}, d, 4
   elseif istensor(a) and istensor(b) then list, dim, dimarg = {a, b}, c, 3
   else torch._error("invalid arguments to 'cat': expected (tensor, tensor [, dim]) or ({tensors} [, dim])") end
   if list[1] == nil then torch._argerror(dimarg - 1, 'cat', 'non-empty table of tensors expected') end
   local inputs, maxd = {}, 0
   for i, t in ipairs(list) do
      if not istensor(t) then torch._argerror(i, 'cat', 'tensor expected') end
      if numel(t.__th) > 0 then inputs[#inputs + 1] = t; maxd = math.max(maxd, ldim(t.__th)) end
   end
   local proto = list[1]
   res = res or newlike(proto)
   if #inputs == 0 then check(C.THTensor_resize(res.__th, 0, SZ)); return res end
   dim = dim or maxd
   if type(dim) ~= 'number' then torch._argerror(dimarg, 'cat', 'number expected for dim, got ' .. typename(dim)) end
   if dim < 1 or dim > maxd or dim ~= math.floor(dim) then torch._argerror(dimarg, 'cat', I.dimrange(dim, maxd)) end
   local arr = ffi.new('THTensor *[?]', #inputs)
   for i, t in ipairs(inputs) do arr[i - 1] = t.__th end
   I.checkdim(C.THTensor_cat(res.__th, #inputs, arr, dim - 1), dimarg - 1, 'cat')
   return res
end
Tensor.cat = function(self, ...)
   local a = ...
   if type(a) == 'table' and not istensor(a) then return torch.cat(self, ...) end
   return torch.cat(self, ...)
end

defop('histc', {'t', 'tn', 'tnn', 'tnnn'}, function(res, a, bins, lo, hi)
   res = res or newlike(a)
   check(C.THTensor_histc(res.__th, a.__th, bins or 100, lo or 0, hi or 0))
   return res
end, 'new')

-- row-wise histc of a 2-D tensor; min == max: the whole tensor's range (Torch7 bhistc)
defop('bhistc', {'t', 'tn', 'tnn', 'tnnn'}, function(res, a, bins, lo, hi)
   res = res or newlike(a)
   bins, lo, hi = bins or 100, lo or 0, hi or 0
   if a:dim() ~= 2 then torch._argerror(1, 'bhistc', 'a 2-D tensor expected, got a ' .. a:dim() .. '-D tensor') end
   if bins < 1 then torch._argerror(2, 'bhistc', 'nbins must be positive, got ' .. bins) end
   res:resize(a:size(1), bins):zero()
   if a:nElement() == 0 then return res end
   if lo == hi then lo, hi = a:min(), a:max() end
   if lo == hi then lo, hi = lo - 1, hi + 1 end
   for i = 1, a:size(1) do
      local row = res:select(1, i)
      check(C.THTensor_histc(row.__th, a:select(1, i).__th, bins, lo, hi))
   end
   return res
end, 'new')

-- ------------------------------------------------------------------ LAPACK (functions only)
local function uplo(c, default) c = c or default; return (c == 'U' or c == 'u') and 1 or 0 end

-- args: (nres optional result tensors, nin input tensors, options...)
local function lapack(name, nres, nin, body)
   torch[name] = function(...)
      local n = select('#', ...)
      local k = 0
      while k < n and istensor((select(k + 1, ...))) do k = k + 1 end
      local r = {}
      local args = {...}
      local firstin = 1
      if k == nres + nin then for i = 1, nres do r[i] = args[i] end; firstin = nres + 1
      elseif k ~= nin then torch._error(string.format("invalid arguments to '%s': expected %d input tensor(s)", name, nin)) end
      local ins = {}
      for i = 1, nin do ins[i] = args[firstin + i - 1] end
      for i = 1, nres do r[i] = r[i] or newlike(ins[1]) end
      return body(r, ins, unpack(args, firstin + nin, n))
   end
end
lapack('gesv', 2, 2, function(r, ins) check(C.THTensor_gesv(r[1].__th, r[2].__th, ins[1].__th, ins[2].__th)); return r[1], r[2] end)
-- Torch7: the solution (n rows) and A's QR (m >= n) or LQ (m < n) factor as LAPACK gels leaves it
lapack('gels', 2, 2, function(r, ins)
   check(C.THTensor_gels(r[1].__th, r[2].__th, ins[1].__th, ins[2].__th))
   return r[1], r[2]
end)
-- Torch7: torch.trtrs([resb, resa,] b, a, ...) returns the solution and a copy of A
lapack('trtrs', 2, 2, function(r, ins, ul, tr, dg)
   check(C.THTensor_trtrs(r[1].__th, ins[1].__th, ins[2].__th, uplo(ul, 'U'), (tr == 'T' or tr == 't') and 1 or 0,
                          (dg == 'U' or dg == 'u') and 1 or 0))
   if r[2] ~= ins[2] then r[2]:resizeAs(ins[2]):copy(ins[2]) end
   return r[1], r[2]
end)
lapack('symeig', 2, 1, function(r, ins, jobz, ul)
   local vec = (jobz == 'V' or jobz == 'v') and 1 or 0
   check(C.THTensor_symeig(r[1].__th, r[2].__th, ins[1].__th, vec, uplo(ul, 'U')))
   return r[1], r[2]
end)
lapack('eig', 2, 1, function(r, ins, jobz)
   local vec = (jobz == 'V' or jobz == 'v') and 1 or 0
   check(C.THTensor_eig(r[1].__th, r[2].__th, ins[1].__th, vec))
   return r[1], r[2]
end)
lapack('svd', 3, 1, function(r, ins, jobu)
   check(C.THTensor_svd(r[1].__th, r[2].__th, r[3].__th, ins[1].__th, (jobu == 'A' or jobu == 'a') and 0 or 1))
   return r[1], r[2], r[3]
end)
lapack('inverse', 1, 1, function(r, ins) check(C.THTensor_inverse(r[1].__th, ins[1].__th)); return r[1] end)
lapack('potrf', 1, 1, function(r, ins, ul) check(C.THTensor_potrf(r[1].__th, ins[1].__th, uplo(ul, 'U'))); return r[1] end)
lapack('potrs', 1, 2, function(r, ins, ul) check(C.THTensor_potrs(r[1].__th, ins[1].__th, ins[2].__th, uplo(ul, 'U'))); return r[1] end)
lapack('potri', 1, 1, function(r, ins, ul) check(C.THTensor_potri(r[1].__th, ins[1].__th, uplo(ul, 'U'))); return r[1] end)
lapack('qr', 2, 1, function(r, ins) check(C.THTensor_qr(r[1].__th, r[2].__th, ins[1].__th)); return r[1], r[2] end)
local function side_trans(...)
   local left, trans = 1, 0
   for i = 1, select('#', ...) do
      local o = select(i, ...)
      if o == 'L' or o == 'l' then left = 1 elseif o == 'R' or o == 'r' then left = 0
      elseif o == 'T' or o == 't' then trans = 1 elseif o == 'N' or o == 'n' then trans = 0
      elseif o ~= nil then torch._error("ormqr: options must be 'L'|'R' and 'N'|'T', got " .. tostring(o)) end
   end
   return left, trans
end
lapack('geqrf', 2, 1, function(r, ins) check(C.THTensor_geqrf(r[1].__th, r[2].__th, ins[1].__th)); return r[1], r[2] end)
lapack('orgqr', 1, 2, function(r, ins) check(C.THTensor_orgqr(r[1].__th, ins[1].__th, ins[2].__th)); return r[1] end)
lapack('ormqr', 1, 3, function(r, ins, ...)
   local left, trans = side_trans(...)
   check(C.THTensor_ormqr(r[1].__th, ins[1].__th, ins[2].__th, ins[3].__th, left, trans))
   return r[1]
end)
do
   local pstrf = function(r, ins, ul, tol)
      if type(ul) == 'number' and tol == nil then ul, tol = nil, ul end
      check(C.THTensor_pstrf(r[1].__th, r[2].__th, ins[1].__th, uplo(ul, 'U'), tol or -1, 1))
      return r[1], r[2]
   end
   lapack('pstrf', 2, 1, pstrf)
   local generic = torch.pstrf
   torch.pstrf = function(a, b, ...)
      -- the pivots are an IntTensor (Torch7): make a fresh one when no result tensors were given
      if istensor(a) and not istensor(b) then return pstrf({newlike(a), torch.IntTensor()}, {a}, b, ...) end
      return generic(a, b, ...)
   end
end
lapack('det', 0, 1, function(r, ins)
   local out = C.THTensor_new(-1)
   local st = C.THTensor_det(out, ins[1].__th)
   if st ~= 0 then C.THTensor_free(out); torch._error(lasterror()) end
   return item(out)
end)

-- ------------------------------------------------------------------ operators
function Tensor.__add__(a, b)
   if istensor(a) then
      if type(b) == 'number' then return scalar(newlike(a), B.ADD, a, b, false) end
      if istensor(b) then return binary(newlike(a), B.ADD, a, b, 1, 'add', 2) end
   elseif type(a) == 'number' and istensor(b) then
      return scalar(newlike(b), B.ADD, b, a, false)
   end
   torch._error('attempt to add ' .. typename(a) .. ' and ' .. typename(b))
end
function Tensor.__sub__(a, b)
   if istensor(a) then
      if type(b) == 'number' then return scalar(newlike(a), B.SUB, a, b, false) end
      if istensor(b) then return binary(newlike(a), B.SUB, a, b, 1, 'sub', 2) end
   elseif type(a) == 'number' and istensor(b) then
      return scalar(newlike(b), B.SUB, b, a, true)
   end
   torch._error('attempt to subtract ' .. typename(a) .. ' and ' .. typename(b))
end
function Tensor.__unm__(a) return torch.neg(a) end
function Tensor.__mul__(a, b)
   if type(a) == 'number' and istensor(b) then return scalar(newlike(b), B.MUL, b, a, false) end
   if istensor(a) and type(b) == 'number' then return scalar(newlike(a), B.MUL, a, b, false) end
   if istensor(a) and istensor(b) then
      local da, db = ldim(a.__th), ldim(b.__th)
      if da == 1 and db == 1 then return torch.dot(a, b) end
      if da == 2 and db == 1 then return torch.mv(a, b) end
      if da == 2 and db == 2 then return torch.mm(a, b) end
      torch._error(string.format('multiplication between %dD and %dD tensors not yet supported', da, db))
   end
   torch._error('attempt to multiply ' .. typename(a) .. ' and ' .. typename(b))
end
function Tensor.__div__(a, b)
   if istensor(a) and type(b) == 'number' then return scalar(newlike(a), B.DIV, a, b, false) end
   torch._error('only tensor / number is supported, got ' .. typename(a) .. ' / ' .. typename(b))
end
function Tensor.__mod__(a, b)
   if istensor(a) and type(b) == 'number' then return scalar(newlike(a), B.REMAINDER, a, b, false) end
   torch._error('only tensor % number is supported, got ' .. typename(a) .. ' % ' .. typename(b))
end

return torch
