-- Torch7's random numbers: the same values as Torch7 for the same seed (reference values of
-- torch7-core.md section 4.5), state save/restore, generators, scalar and tensor forms.
require 'torch'
local tester = torch.Tester()
local tests = torch.TestSuite()

function tests.raw_stream_matches_torch7()
   local ref = {
      [0] = {2357136044, 2546248239, 3071714933, 3626093760, 2588848963},
      [1] = {1791095845, 4282876139, 3093770124, 4005303368, 491263},
      [42] = {1608637542, 3421126067, 4083286876, 787846414, 3143890026},
      [5489] = {3499211612, 581869302, 3890346734, 3586334585, 545404204},
   }
   for seed, values in pairs(ref) do
      torch.manualSeed(seed)
      for i = 1, 5 do tester:asserteq(torch.random(), values[i], 'seed ' .. seed) end
   end
   torch.manualSeed(-1)
   tester:asserteq(torch.random(), 419326371)
   torch.manualSeed(123456)
   tester:asserteq(torch.initialSeed(), 123456)
end

function tests.rand_randn_reference()
   torch.manualSeed(123456)
   tester:assertTensorEq(torch.rand(6), torch.Tensor{0.12696982943452895, 0.5149132558144629,
      0.96671783598139882, 0.89812542148865759, 0.26047600619494915, 0.70582012343220413}, 1e-15)
   torch.manualSeed(123456)
   tester:assertTensorEq(torch.randn(6), torch.Tensor{0.83995353305748044, 0.86100706291929086,
      2.0907317681156958, -0.44369625113934213, -0.1028940553571242, 1.5609422028746955}, 1e-14)
   torch.manualSeed(1)
   tester:assertalmosteq(torch.normal(), -2.9718290309304063, 1e-14)
   tester:assertalmosteq(torch.uniform(), 0.72032448928803205, 1e-15)
   tester:assertalmosteq(torch.normal(), 1.7069510634116105, 1e-14)
   torch.manualSeed(0)
   tester:assertalmosteq(torch.uniform(), 0.54881350230425596, 1e-15)
end

function tests.integer_forms_reference()
   torch.manualSeed(1)
   tester:assertTensorEq(torch.randperm(10), torch.Tensor{6, 7, 2, 3, 1, 9, 10, 4, 8, 5}, 0)
   torch.manualSeed(1)
   local r = {}
   for i = 1, 5 do r[i] = torch.random(1, 10) end
   tester:assertTableEq(r, {6, 10, 5, 9, 4})
   torch.manualSeed(1)
   local b = {}
   for i = 1, 8 do b[i] = torch.bernoulli(0.5) end
   tester:assertTableEq(b, {1, 0, 0, 0, 1, 1, 1, 0})
   torch.manualSeed(1)
   tester:assertalmosteq(torch.exponential(1), 0.53960582651186306, 1e-14)
end

function tests.tensor_fills_and_state()
   torch.manualSeed(7)
   local s = torch.getRNGState()
   tester:asserteq(torch.typename(s), 'torch.ByteTensor')
   local a = torch.Tensor(5):uniform(2, 3)
   tester:assert(a:ge(2):all() and a:lt(3):all())
   torch.setRNGState(s)
   tester:assertTensorEq(torch.Tensor(5):uniform(2, 3), a, 0)
   local n = torch.FloatTensor(101):normal(0, 1)
   tester:asserteq(torch.typename(n), 'torch.FloatTensor')
   local i = torch.IntTensor(50):random(3, 5)
   tester:assert(i:ge(3):all() and i:le(5):all())
   local g = torch.Generator()
   torch.manualSeed(g, 5489)
   tester:asserteq(torch.random(g), 3499211612)
   tester:assertErrorPattern(function() torch.setRNGState(torch.Tensor(3)) end, 'ByteTensor expected')
   tester:assertErrorPattern(function() torch.randperm(0) end, 'strictly positive')
end

function tests.alias_method_frequencies()
   local probs = torch.Tensor{0.1, 0.2, 0.3, 0.4}
   local state = torch.multinomialAliasSetup(probs)
   torch.manualSeed(3)
   local out = torch.multinomialAlias(torch.LongTensor(20000), state)
   local counts = {0, 0, 0, 0}
   for i = 1, out:size(1) do counts[out[i]] = counts[out[i]] + 1 end
   for k = 1, 4 do tester:assertalmosteq(counts[k] / 20000, probs[k], 0.02, 'category ' .. k) end
   tester:assertErrorPattern(function() torch.multinomialAliasSetup(torch.Tensor(2, 2)) end, '1D tensor')
   -- J names a class for every entry (itself where there is no alias), as in Torch7
   tester:assert(state[1]:min() >= 1 and state[1]:max() <= 4, 'J holds classes 1..4 only')
   -- draws into a non-LongTensor or non-contiguous output: the same stream, converted
   torch.manualSeed(3)
   local d = torch.multinomialAlias(torch.Tensor(2, 20000):select(1, 2), state)
   tester:assertTensorEq(d:long(), out, 0, 'non-contiguous DoubleTensor output')
   tester:assertErrorPattern(function() torch.multinomialAlias(torch.LongTensor(3), {torch.LongTensor{1, 5}, torch.Tensor{0.5, 1}}) end,
                             "bad argument #2 to 'multinomialAlias' %(.*J in %[1, 2%]")
   tester:assertErrorPattern(function() torch.multinomialAlias(torch.LongTensor(3), {torch.LongTensor{1, 2}, torch.Tensor{1.5, 1}}) end,
                             "q in %[0, 1%]")
   tester:assertErrorPattern(function() torch.multinomialAlias(torch.LongTensor(3), {torch.LongTensor(), torch.Tensor()}) end,
                             'state {J, q} from multinomialAliasSetup expected')
end

function tests.alias_method_underscore_forms()
   local probs = torch.Tensor{0.5, 0.25, 0.25}
   local J, q = torch.multinomialAliasSetup_(probs)
   local state = torch.multinomialAliasSetup(probs)
   tester:assertTensorEq(J, state[1], 0, 'J as the table form')
   tester:assertTensorEq(q, state[2], 0, 'q as the table form')
   local J2, q2 = probs:multinomialAliasSetup_(torch.LongTensor(), torch.Tensor())
   tester:assertTensorEq(J2, J, 0, 'method form, given result tensors')
   torch.manualSeed(11)
   local a = torch.multinomialAlias_(torch.LongTensor(50), J, q)
   torch.manualSeed(11)
   local b = torch.multinomialAlias(torch.LongTensor(50), state)
   tester:assertTensorEq(a, b, 0, 'the same draws as multinomialAlias')
   tester:assertErrorPattern(function() torch.multinomialAlias_(torch.LongTensor(3), nil, q) end,
                             "bad argument #2 to 'multinomialAlias_'")
   tester:assertErrorPattern(function() torch.multinomialAlias(torch.LongTensor(3), {q, J}) end,
                             'state {J, q} from multinomialAliasSetup expected')
end

function tests.saveobj_loadobj()
   local path = os.tmpname()
   torch.saveobj(path, {a = torch.Tensor{1, 2}})
   tester:assertTensorEq(torch.loadobj(path).a, torch.Tensor{1, 2}, 0, 'saveobj/loadobj round trip')
   os.remove(path)
end

tester:add(tests)
tester:run()
