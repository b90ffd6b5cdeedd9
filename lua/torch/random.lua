-- Torch7's random.lua and the random TensorMath entries over the C MT19937 generator.
local torch = torch
local ffi = require 'ffi'
local I = torch._I
local C = I.C
local Tensor = I.Tensor
local istensor, wrap, check = I.istensor, I.wrap, I.check

if not pcall(ffi.typeof, 'torch_GeneratorBox') then
   ffi.cdef 'typedef struct torch_GeneratorBox { THGenerator *__g; int owned; } torch_GeneratorBox;'
end
-- C functions returning a value (not a status) report failures through TH_lastError
local function scall(f, ...)
   C.TH_clearError()
   local r = f(...)
   if C.TH_lastErrorCode() ~= 0 then torch._error(I.lasterror()) end
   return r
end

local Generator = {__typename = 'torch.Generator'}
local GenBox = ffi.metatype('torch_GeneratorBox', {
   __index = Generator,
   __gc = function(self) if self.owned ~= 0 then C.THGenerator_free(self.__g) end end,
   __tostring = function() return 'torch.Generator' end,
})
local function isgenerator(x) return ffi.istype(GenBox, x) end
I.isgenerator = isgenerator
table.insert(torch._cdata_typename, function(x) if isgenerator(x) then return 'torch.Generator' end end)
local gmt = torch.newmetatable('torch.Generator', nil, function()
   local g = scall(C.THGenerator_new)
   if g == nil then torch._error(I.lasterror()) end
   return GenBox(g, 1)
end)
for k, v in pairs(Generator) do gmt[k] = v end

torch._gen = GenBox(C.THGenerator_default(), 0)

-- optional generator first: returns gen, rest...
local function gen(...)
   local g = ...
   if isgenerator(g) then return g.__g, select(2, ...) end
   return torch._gen.__g, ...
end

function torch.manualSeed(...)
   local g, s = gen(...)
   if type(s) ~= 'number' then torch._argerror(1, 'manualSeed', 'number expected') end
   local u = ffi.cast('uint64_t', ffi.cast('int64_t', s))
   scall(C.THGenerator_manualSeed, g, u)
end
function torch.seed(...)
   local g = gen(...)
   return tonumber(scall(C.THGenerator_seed, g))
end
function torch.initialSeed(...)
   local g = gen(...)
   return tonumber(scall(C.THGenerator_initialSeed, g))
end
function torch.getRNGState(...)
   local g = gen(...)
   local n = tonumber(scall(C.THGenerator_stateSize))
   local t = wrap(C.THTensor_newWithSize(3, 1, ffi.new('int64_t[1]', n)))
   check(C.THGenerator_getState(g, C.THTensor_data(t.__th), n))
   return t
end
function torch.setRNGState(...)
   local g, state = gen(...)
   if not istensor(state) or state.__th.dtype ~= 3 then torch._argerror(1, 'setRNGState', 'ByteTensor expected') end
   if not state:isContiguous() then torch._argerror(1, 'setRNGState', 'state must be contiguous') end
   check(C.THGenerator_setState(g, C.THTensor_data(state.__th), I.numel(state.__th)))
end

-- ------------------------------------------------------------------ scalar draws
function I.random_scalar(g, a, b, first)
   I.checkargs('random', first or 1, {'number?', 'number?'}, a, b)
   local r = tonumber(scall(C.THRandom_random, g))
   if a == nil then return r end
   if b == nil then
      if a <= 0 then torch._error('random: upper bound must be strictly positive') end
      return r % a + 1
   end
   if b < a then torch._error('random: upper bound must be larger than lower bound') end
   return r % (b + 1 - a) + a
end

-- x:dist([gen,] params) on a tensor fills it; torch.dist([gen,] params) draws a number
local function dist(name, defaults, scalarfn, tensorfn)
   local nd = #defaults
   local function params(...)
      local p = {...}
      for i = 1, nd do if p[i] == nil then p[i] = defaults[i] end end
      for i = 1, nd do
         if type(p[i]) ~= 'number' then torch._argerror(i, name, 'number expected, got ' .. torch.type(p[i])) end
      end
      return unpack(p, 1, nd)
   end
   torch[name] = function(...)
      local a = ...
      if istensor(a) then return Tensor[name](...) end
      local g = gen(...)
      return scall(scalarfn, g, params(select(isgenerator(a) and 2 or 1, ...)))
   end
   Tensor[name] = function(self, ...)
      local g = gen(...)
      local a = ...
      if istensor(a) and name == 'bernoulli' then
         check(C.THTensor_bernoulliTensor(self.__th, g, a.__th))
         return self
      end
      check(tensorfn(self.__th, g, params(select(isgenerator(a) and 2 or 1, ...))))
      return self
   end
end
dist('uniform', {0, 1}, C.THRandom_uniform, C.THTensor_uniform)
dist('normal', {0, 1}, function(g, m, s)
   if s <= 0 then torch._argerror(2, 'normal', 'standard deviation must be positive') end
   return C.THRandom_normal(g, m, s)
end, C.THTensor_normal)
dist('exponential', {1}, C.THRandom_exponential, C.THTensor_exponential)
dist('cauchy', {0, 1}, C.THRandom_cauchy, C.THTensor_cauchy)
dist('logNormal', {1, 2}, C.THRandom_logNormal, C.THTensor_logNormal)
dist('geometric', {0.5}, function(g, p) return C.THRandom_geometric(g, p) end, C.THTensor_geometric)
dist('bernoulli', {0.5}, function(g, p) return C.THRandom_bernoulli(g, p) end, C.THTensor_bernoulli)

torch.random = function(...)
   local a = ...
   if istensor(a) then return Tensor.random(...) end
   local g, x, y = gen(...)
   return I.random_scalar(g, x, y, isgenerator(a) and 2 or 1)
end
function Tensor:random(...)
   local g, a, b = gen(...)
   I.checkargs('random', isgenerator((...)) and 3 or 2, {'number?', 'number?'}, a, b)
   if a == nil then check(C.THTensor_random(self.__th, g))
   elseif b == nil then check(C.THTensor_randomRange(self.__th, g, 1, a))
   else check(C.THTensor_randomRange(self.__th, g, a, b)) end
   return self
end

-- rand/randn([res,] [gen,] sizes... [, typename])
local function randfactory(name, method, p1, p2)
   local function fill(t, g, ...)
      local nd = I.parse_sizes(name, 1, false, ...)
      check(C.THTensor_resize(t.__th, nd, I.SZ))
      check(method(t.__th, g, p1, p2))
      return t
   end
   torch[name] = function(...)
      local a = ...
      local args = {...}
      local dt, n = I.typearg(...)
      local res
      if istensor(a) then res = a; table.remove(args, 1); n = n - 1 else res = wrap(C.THTensor_new(dt)) end
      return fill(res, gen(unpack(args, 1, n)))
   end
   Tensor[name] = function(self, ...) return fill(self, gen(...)) end
end
randfactory('rand', C.THTensor_uniform, 0, 1)
randfactory('randn', C.THTensor_normal, 0, 1)

torch.randperm = function(...)
   local a = ...
   local res
   local args = {...}
   if istensor(a) then res = table.remove(args, 1) end
   local dt = I.typearg(...)
   if type(args[#args]) == 'string' then args[#args] = nil end
   local g, m = gen(unpack(args))
   if type(m) ~= 'number' or m < 1 then torch._argerror(1, 'randperm', 'must be strictly positive') end
   res = res or wrap(C.THTensor_new(dt))
   check(C.THTensor_randperm(res.__th, g, m, 1))
   return res
end
Tensor.randperm = function(self, ...) return torch.randperm(self, ...) end

torch.multinomial = function(...)
   local a = ...
   local args = {...}
   local res
   if istensor(a) and istensor(args[2]) then res = table.remove(args, 1) end
   local g, p, n, repl = gen(unpack(args, 1, 4))
   I.checktensor(p, 1, 'multinomial')
   if type(n) ~= 'number' then torch._argerror(2, 'multinomial', 'number of samples expected') end
   res = res or wrap(C.THTensor_new(7))
   check(C.THTensor_multinomial(res.__th, g, p.__th, n, repl and 1 or 0, 1))
   return res
end
Tensor.multinomial = function(self, ...) return torch.multinomial(self, ...) end

-- Walker/Vose alias method: setup builds (J, q) (J 1-based; an entry without an alias points at
-- itself with q = 1, so J holds valid classes only, as in Torch7); each draw takes
-- k = floor(uniform(0, K)) then bernoulli(q[k]) to keep k or jump to its alias (Torch7's order).
function torch.multinomialAliasSetup(probs, state)
   I.checktensor(probs, 1, 'multinomialAliasSetup')
   if probs:dim() ~= 1 then torch._argerror(1, 'multinomialAliasSetup', '1D tensor of probabilities expected') end
   local K = probs:size(1)
   local J, q
   if type(state) == 'table' then J, q = state[1], state[2] else J, q = torch.LongTensor(), probs.new() end
   J:resize(K):zero()
   q:resize(K)
   local p = probs:contiguous()
   local smaller, larger = {}, {}
   for i = 1, K do
      local v = K * p[i]
      q[i] = v
      if v < 1 then smaller[#smaller + 1] = i else larger[#larger + 1] = i end
   end
   while #smaller > 0 and #larger > 0 do
      local large, small = larger[#larger], smaller[#smaller]
      J[small] = large
      q[large] = q[large] - (1 - q[small])
      if q[large] < 1 then
         smaller[#smaller] = large
         larger[#larger] = nil
      else
         smaller[#smaller] = nil
      end
   end
   local qmin, qmax = math.huge, -math.huge
   for i = 1, K do
      qmin = math.min(qmin, q[i]); qmax = math.max(qmax, q[i])
   end
   if not (qmin > 0) then torch._argerror(1, 'multinomialAliasSetup', 'q[i] must be positive') end
   for i = 1, K do
      if qmax > 1 then q[i] = q[i] / qmax end
      if J[i] <= 0 then q[i] = 1; J[i] = i end
   end
   return {J, q}
end

function torch.multinomialAlias(output, state)
   I.checktensor(output, 1, 'multinomialAlias')
   if type(state) ~= 'table' then torch._argerror(2, 'multinomialAlias', 'state from multinomialAliasSetup expected') end
   local J, q = state[1], state[2]
   if not (torch.typename(J) == 'torch.LongTensor' and J:dim() == 1 and torch.isTensor(q) and q:dim() == 1
           and q:size(1) == J:size(1)) then
      torch._argerror(2, 'multinomialAlias', 'state {J, q} from multinomialAliasSetup expected (a 1D LongTensor '
                      .. 'and a 1D tensor of the same size)')
   end
   local K = J:size(1)
   local g = torch._gen.__g
   local n = output:nElement()
   if n == 0 then return output end
   -- the draw loop reads and writes raw arrays: it must stay fast even where LuaJIT cannot
   -- trace it (Tensor indexing through metamethods is ~50x slower interpreted)
   local Jc, qc = J:contiguous(), q:double():contiguous()
   local Jp = ffi.cast('int64_t *', C.THTensor_data(Jc.__th))
   local qp = ffi.cast('double *', C.THTensor_data(qc.__th))
   for i = 0, K - 1 do
      if not (qp[i] >= 0 and qp[i] <= 1) or Jp[i] < 1 or Jp[i] > K then
         torch._argerror(2, 'multinomialAlias', 'state {J, q} from multinomialAliasSetup expected (q in [0, 1], '
                         .. 'J in [1, ' .. K .. '])')
      end
   end
   local direct = torch.typename(output) == 'torch.LongTensor' and output:isContiguous()
   local draws = direct and output or torch.LongTensor(n)
   local dp = ffi.cast('int64_t *', C.THTensor_data(draws.__th))
   for i = 0, n - 1 do
      local k = math.floor(C.THRandom_uniform(g, 0, K))
      dp[i] = (C.THRandom_bernoulli(g, qp[k]) == 1) and (k + 1) or Jp[k]
   end
   if not direct then output:copy(draws:view(output:size())) end
   return output
end

-- TensorMath's forms under Torch7's names: setup returns J, q; draws take them separately
function torch.multinomialAliasSetup_(probs, J, q)
   I.checkargs('multinomialAliasSetup_', 1, {'tensor', 'tensor?', 'tensor?'}, probs, J, q)
   local state = torch.multinomialAliasSetup(probs, (J or q) and {J or torch.LongTensor(), q or probs.new()} or nil)
   return state[1], state[2]
end
function torch.multinomialAlias_(output, J, q)
   I.checkargs('multinomialAlias_', 1, {'tensor', 'tensor', 'tensor'}, output, J, q)
   return torch.multinomialAlias(output, {J, q})
end
Tensor.multinomialAliasSetup_ = torch.multinomialAliasSetup_
Tensor.multinomialAlias_ = torch.multinomialAlias_

return torch
