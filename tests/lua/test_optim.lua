-- optim: every method minimises Rosenbrock from (0, 0) as in Torch7's optim/test scripts;
-- sgd variants against hand-computed updates; ConfusionMatrix; Logger files; bad inputs.
require 'torch'
require 'optim'
local tester = torch.Tester()
local tests = torch.TestSuite()

-- optim/test/rosenbrock.lua: f(x) = sum 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, minimum at ones
local function rosenbrock(x)
   local d = x:size(1)
   local x0 = x:narrow(1, 1, d - 1)
   local x1 = x:narrow(1, 2, d - 1)
   local r = x1 - torch.cmul(x0, x0)
   local fout = 100 * r:dot(r) + (1 - x0):dot(1 - x0)
   local dxout = torch.zeros(d)
   dxout:narrow(1, 1, d - 1):add(-400, torch.cmul(r, x0)):add(-2, 1 - x0)
   dxout:narrow(1, 2, d - 1):add(200, r)
   return fout, dxout
end

local function run(method, config, iters)
   local x = torch.Tensor(2):fill(0)
   local fx
   for _ = 1, iters do
      x, fx = optim[method](rosenbrock, x, config)
   end
   return x, fx
end

local function near(x, tol, name)
   tester:assertlt(math.abs(x[1] - 1), tol, name .. ': x[1] = ' .. x[1])
   tester:assertlt(math.abs(x[2] - 1), tol, name .. ': x[2] = ' .. x[2])
end

function tests.rosenbrock_gradient()
   local x = torch.randn(5)
   local diff = optim.checkgrad(rosenbrock, x)
   tester:assertlt(diff, 1e-6)
   local f = rosenbrock(torch.ones(5))
   tester:asserteq(f, 0)
end

-- the configurations of Torch7's optim/test/test_*.lua, 10001 iterations each
function tests.sgd_rosenbrock()
   local x, fx = run('sgd', {learningRate = 1e-3}, 10001)
   near(x, 0.02, 'sgd')
   tester:assertlt(fx[1], 1e-3)
end

function tests.sgd_momentum_nesterov_rosenbrock()
   near(run('sgd', {learningRate = 1e-3, momentum = 0.9}, 10001), 0.02, 'sgd momentum')
   near(run('sgd', {learningRate = 1e-3, momentum = 0.9, dampening = 0, nesterov = true}, 10001), 1e-3, 'sgd nesterov')
end

function tests.nag_rosenbrock()
   near(run('nag', {learningRate = 1e-3, momentum = 0.9}, 10001), 1e-4, 'nag')
end

function tests.adam_rosenbrock()
   near(run('adam', {learningRate = 0.01}, 10001), 1e-3, 'adam')
end

function tests.adamax_rosenbrock()
   near(run('adamax', {learningRate = 0.01}, 10001), 1e-3, 'adamax')
end

function tests.adagrad_rosenbrock()
   near(run('adagrad', {learningRate = 0.1}, 10001), 1e-3, 'adagrad')
end

function tests.adadelta_rosenbrock()
   local x, fx = run('adadelta', {rho = 0.95, eps = 1e-10}, 10001)
   near(x, 0.15, 'adadelta')
   tester:assertlt(fx[1], 1e-2)
end

function tests.rmsprop_rosenbrock()
   near(run('rmsprop', {learningRate = 1e-3}, 10001), 5e-3, 'rmsprop')
end

function tests.asgd_rosenbrock()
   local state = {eta0 = 1e-3, t0 = 1000}
   local x = torch.Tensor(2):fill(0)
   local fx, ax
   for _ = 1, 10001 do x, fx, ax = optim.asgd(rosenbrock, x, state) end
   near(x, 0.02, 'asgd')
   near(ax, 0.15, 'asgd average')
   tester:asserteq(state.t, 10001)
   tester:asserteq(state.alpha, 0.75)          -- defaults are written back into config
end

function tests.rprop_rosenbrock()
   local state = {stepsize = 0.1, niter = 10}
   local x = torch.Tensor(2):fill(0)
   local fx
   for _ = 1, 1000 do x, fx = optim.rprop(rosenbrock, x, state) end
   tester:asserteq(#fx, 10)
   near(x, 5e-3, 'rprop')
end

function tests.lbfgs_rosenbrock()
   local x = torch.Tensor(2):fill(0)
   local state = {maxIter = 100, lineSearch = optim.lswolfe}
   local xs, fx, nEval = optim.lbfgs(rosenbrock, x, state)
   near(xs, 1e-5, 'lbfgs+lswolfe')
   tester:assertlt(fx[#fx], 1e-10)
   tester:assertgt(fx[1], fx[#fx])
   tester:asserteq(state.funcEval, nEval)
   tester:assert(state.nIter > 0 and state.nIter <= 100)
   -- fixed step without line search, several calls sharing the state
   local x2 = torch.Tensor(2):fill(0)
   local st = {maxIter = 100, learningRate = 0.5}
   for _ = 1, 20 do optim.lbfgs(rosenbrock, x2, st) end
   near(x2, 1e-3, 'lbfgs fixed step')
end

function tests.shared_gradient_buffer()
   -- nn-style opfunc: one gradient tensor reused (and overwritten) at every call
   local gbuf = torch.zeros(2)
   local f = function(p)
      local fx, g = rosenbrock(p)
      gbuf:copy(g)
      return fx, gbuf
   end
   local x = torch.Tensor(2):fill(0)
   optim.lbfgs(f, x, {maxIter = 100, lineSearch = optim.lswolfe})
   near(x, 1e-5, 'lbfgs+lswolfe, shared buffer')
   local x2 = torch.Tensor(2):fill(0)
   optim.cg(f, x2, {maxIter = 100})
   near(x2, 1e-6, 'cg, shared buffer')
   local x3 = torch.randn(2)
   tester:assertlt((optim.checkgrad(f, x3)), 1e-6)
end

function tests.cg_rosenbrock()
   local x = torch.Tensor(2):fill(0)
   local xs, fx, i = optim.cg(rosenbrock, x, {maxIter = 100})
   near(xs, 1e-6, 'cg')
   tester:assertgt(fx[1], fx[#fx])
   tester:assertgt(i, 1)
end

function tests.cmaes_rosenbrock()
   torch.manualSeed(1)
   local x = torch.zeros(2)
   local evals = 0
   local f = function(p) evals = evals + 1; return (rosenbrock(p)) end
   local xs, fh, n = optim.cmaes(f, x, {sigma = 0.5, maxEval = 3000})
   near(xs, 1e-6, 'cmaes')
   tester:asserteq(n, evals)
   tester:assertle(n, 3000)
   tester:assertTensorEq(x, xs, 0)
   tester:assertlt(fh[#fh], 1e-10)
   -- ftarget stops early
   local _, fh2, n2 = optim.cmaes(f, torch.zeros(2), {sigma = 0.5, ftarget = 1e-2})
   tester:assertle(fh2[#fh2], 1e-2)
   tester:assertlt(n2, n)
   tester:assertErrorPattern(function() optim.cmaes(f, torch.LongTensor(2), {}) end, 'FloatTensor or DoubleTensor')
end

function tests.de_rosenbrock()
   torch.manualSeed(1)
   local x = torch.zeros(2)
   local xs, fx = optim.de(rosenbrock, x, {popsize = 20, scaleFactor = 0.5, crossoverRate = 0.9,
                                           maxFEs = 4000, minRegion = -2, maxRegion = 2})
   near(xs, 1e-4, 'de')
   tester:asserteq(fx:size(1), 4000)
   tester:assertlt(fx:min(), 1e-8)
   tester:assertErrorPattern(function() optim.de(rosenbrock, torch.zeros(2), {}) end, 'maxFEs')
end

function tests.fista_rosenbrock()
   -- FistaLS with no non-smooth part (g = 0, the proximal map the identity): accelerated
   -- gradient descent with a backtracking estimate of the Lipschitz constant; ISTA without
   -- the momentum update
   local f = function(x, mode)
      local fx, g = rosenbrock(x)
      if mode == 'dx' then return fx, g end
      return fx
   end
   local g, pl = function() return 0 end, function() end
   local x = torch.zeros(2)
   local sol, hist = optim.FistaLS(f, g, pl, x, {L = 0.1, maxiter = 5000, doFistaUpdate = true, errthres = 1e-14})
   near(sol, 1e-3, 'fista')
   tester:assertlt(hist[#hist].F, 1e-7)
   local x2 = torch.zeros(2)
   near(optim.fista(f, g, pl, x2, {L = 0.1, maxiter = 10001, errthres = 1e-14}), 1e-3, 'ista')
end

-- every optimizer in optim has a <name>_rosenbrock test above; the rest are helpers
function tests.every_optimizer_on_rosenbrock()
   local helpers = {
      checkgrad = 'finite-difference gradient check (tests.rosenbrock_gradient, checkgrad_detects_errors)',
      lswolfe = 'line search used by lbfgs (tests.lbfgs_rosenbrock, polyinterp_and_lswolfe)',
      polyinterp = 'cubic interpolation used by lswolfe (tests.polyinterp_and_lswolfe)',
      FistaLS = 'the same function as optim.fista (tests.fista_rosenbrock)',
   }
   local n = 0
   for k, v in pairs(optim) do
      if type(v) == 'function' and k:sub(1, 1) ~= '_' and not helpers[k] then
         n = n + 1
         tester:assert(tests[k .. '_rosenbrock'] ~= nil, 'optim.' .. k .. ' has no Rosenbrock test')
      end
   end
   tester:assertge(n, 14, 'the optimizers were found')
   for k in pairs(helpers) do tester:assert(type(optim[k]) == 'function', 'helper exists: optim.' .. k) end
end

function tests.fista_lasso()
   -- min 0.5 ||x - b||^2 + lambda ||x||_1: the soft-thresholded b
   local b = torch.Tensor{3, -0.2, 0.5, -2}
   local lambda = 1
   local f = function(x, mode)
      local r = x - b
      if mode == 'dx' then return 0.5 * r:dot(r), r end
      return 0.5 * r:dot(r)
   end
   local g = function(x) return lambda * x:norm(1) end
   local pl = function(x, L)
      local t = lambda / L
      x:copy(torch.cmul(torch.sign(x), torch.cmax(torch.abs(x) - t, 0)))
   end
   local x = torch.zeros(4)
   local sol, hist = optim.FistaLS(f, g, pl, x, {L = 0.1, maxiter = 200, doFistaUpdate = true, errthres = 1e-12})
   tester:assertTensorEq(sol, torch.Tensor{2, 0, 0, -1}, 1e-4)
   tester:assertTensorEq(x, sol, 0)
   tester:assert(#hist >= 1 and hist[#hist].F <= hist[1].F)
   tester:asserteq(optim.fista, optim.FistaLS)
end

function tests.sgd_hand_computed()
   -- f = 0.5 ||x||^2 - c.x, gradient x - c
   local c = torch.Tensor{1, -2, 3}
   local grad = function(x) return 0.5 * x:dot(x) - c:dot(x), x - c end
   local x = torch.Tensor{0.5, 0.5, 0.5}
   local cfg = {learningRate = 0.1, momentum = 0.9, dampening = 0.5, weightDecay = 0.01,
                learningRateDecay = 0.1}
   -- step 1: g = x - c + wd x; v = g; x -= lr/(1+0*lrd) * v
   local x0 = x:clone()
   local g1 = x0 - c + x0 * 0.01
   local _, fs = optim.sgd(grad, x, cfg)
   tester:assertalmosteq(fs[1], 0.5 * x0:dot(x0) - c:dot(x0), 1e-14)
   local e1 = x0 - g1 * 0.1
   tester:assertTensorEq(x, e1, 1e-14)
   -- step 2: v = 0.9 v + (1 - 0.5) g; clr = 0.1 / (1 + 1 * 0.1)
   local g2 = e1 - c + e1 * 0.01
   local v2 = g1 * 0.9 + g2 * 0.5
   optim.sgd(grad, x, cfg)
   local e2 = e1 - v2 * (0.1 / 1.1)
   tester:assertTensorEq(x, e2, 1e-14)
   tester:asserteq(cfg.evalCounter, 2)
   tester:assertTensorEq(cfg.dfdx, v2, 1e-14)
   -- nesterov: step uses g + m v
   local xn = torch.Tensor{0.5, 0.5, 0.5}
   local st = {learningRate = 0.1, momentum = 0.9, dampening = 0, nesterov = true}
   optim.sgd(grad, xn, st)
   local gn1 = torch.Tensor{0.5, 0.5, 0.5} - c
   local en1 = torch.Tensor{0.5, 0.5, 0.5} - (gn1 + gn1 * 0.9) * 0.1
   tester:assertTensorEq(xn, en1, 1e-14)
   -- per-parameter learning rates and weight decays
   local xl = torch.Tensor{0.5, 0.5, 0.5}
   local lrs = torch.Tensor{1, 0, 2}
   local wds = torch.Tensor{0, 0.5, 1}
   optim.sgd(grad, xl, {learningRate = 0.1, learningRates = lrs, weightDecays = wds})
   local x0l = torch.Tensor{0.5, 0.5, 0.5}
   local gl = x0l - c + torch.cmul(wds, x0l)
   tester:assertTensorEq(xl, x0l - torch.cmul(lrs, gl) * 0.1, 1e-14)
   tester:assertErrorPattern(function()
      optim.sgd(grad, torch.zeros(3), {momentum = 0.9, nesterov = true})
   end, 'Nesterov')
end

function tests.nag_hand_computed()
   local c = torch.Tensor{1, -2}
   local grad = function(x) return 0, x - c end
   local x = torch.Tensor{0, 0}
   local st = {learningRate = 0.1, momentum = 0.5}
   optim.nag(grad, x, st)
   -- first call: v = 0 - lr g(x0); x = x0 - lr g(x0)
   local g0 = -c
   tester:assertTensorEq(x, -g0 * 0.1, 1e-14)
   tester:assertTensorEq(st.dfdx, -g0 * 0.1, 1e-14)
   -- second call: look ahead x + m v, gradient there
   local x1 = x:clone()
   local v1 = st.dfdx:clone()
   optim.nag(grad, x, st)
   local xa = x1 + v1 * 0.5
   local ga = xa - c
   tester:assertTensorEq(x, xa - ga * 0.1, 1e-14)
   tester:assertTensorEq(st.dfdx, v1 * 0.5 - ga * 0.1, 1e-14)
   tester:assertErrorPattern(function() optim.nag(grad, x, {momentum = 0}) end, 'Momentum must be positive')
end

function tests.polyinterp_and_lswolfe()
   -- (x - 1)^2 sampled at 0 and 3 with derivatives: the cubic is the parabola, minimum at 1
   local pts = torch.Tensor{{0, 1, -2}, {3, 4, 4}}
   tester:assertalmosteq(optim.polyinterp(pts), 1, 1e-12)
   -- general case with bounds: the minimum is clipped to the interval
   tester:assertalmosteq((optim.polyinterp(pts, 0, 0.5)), 0.5, 1e-12)
   local t, fmin = optim.polyinterp(pts, -5, 5)
   tester:assertalmosteq(t, 1, 1e-9)
   tester:assertalmosteq(fmin, 0, 1e-9)
   -- a cubic with no real minimiser inside: midpoint of the points
   tester:assertalmosteq(optim.polyinterp(torch.Tensor{{0, 0, 2}, {1, 1, 2}}), 0.5, 1e-12)
   -- strong Wolfe conditions hold at the returned step
   local q = function(x) return (x - 3):dot(x - 3), (x - 3) * 2 end
   local x = torch.zeros(2)
   local f, g = q(x)
   local d = -g
   local gtd = g:dot(d)
   local fn, gn, xn, tt, nev = optim.lswolfe(q, x, 1, d, f, g, gtd)
   tester:assertle(fn, f + 1e-4 * tt * gtd)
   tester:assertle(math.abs(gn:dot(d)), -0.9 * gtd)
   tester:assertgt(nev, 0)
   tester:assertTensorEq(xn, d * tt, 1e-12)
   tester:assertErrorPattern(function() optim.polyinterp(torch.Tensor(2, 2)) end, 'points')
end

function tests.checkgrad_detects_errors()
   local x = torch.randn(4)
   local diff = optim.checkgrad(rosenbrock, x)
   tester:assertlt(diff, 1e-6)
   local wrong = function(p) local f, g = rosenbrock(p); return f, g * 1.1 end
   local diff2, dC, dC_est = optim.checkgrad(wrong, x)
   tester:assertgt(diff2, 1e-2)
   tester:asserteq(dC:size(1), 4)
   tester:asserteq(dC_est:size(1), 4)
end

function tests.state_fields()
   local st = {}
   run('adam', st, 3)
   tester:asserteq(st.t, 3)
   tester:assert(torch.isTensor(st.m) and torch.isTensor(st.v) and torch.isTensor(st.denom))
   local ag = {learningRate = 0.1}
   run('adagrad', ag, 2)
   tester:asserteq(ag.evalCounter, 2)
   tester:assert(torch.isTensor(ag.paramVariance) and torch.isTensor(ag.paramStd))
   local ad = {}
   run('adadelta', ad, 2)
   tester:assert(torch.isTensor(ad.accDelta) and torch.isTensor(ad.delta))
   local rm = {}
   run('rmsprop', rm, 2)
   tester:assert(torch.isTensor(rm.m) and torch.isTensor(rm.tmp))
   local am = {}
   run('adamax', am, 2)
   tester:asserteq(am.t, 2)
   tester:assert(torch.isTensor(am.u))
   -- separate config and state tables: config stays clean
   local cfg, state = {learningRate = 0.01}, {}
   local x = torch.zeros(2)
   optim.adam(rosenbrock, x, cfg, state)
   tester:asserteq(cfg.t, nil)
   tester:asserteq(state.t, 1)
   -- float parameters get float state
   local xf = torch.FloatTensor(2):zero()
   local sf = {}
   optim.adam(function(p) local f, g = rosenbrock(p:double()); return f, g:float() end, xf, sf)
   tester:asserteq(torch.type(sf.m), 'torch.FloatTensor')
end

function tests.bad_inputs()
   local methods = {'sgd', 'adam', 'adamax', 'adagrad', 'adadelta', 'rmsprop', 'nag', 'asgd',
                    'rprop', 'lbfgs', 'cg'}
   for _, m in ipairs(methods) do
      tester:assertErrorPattern(function() optim[m](rosenbrock, {0, 0}, {}) end,
                                'optim.' .. m .. ': argument #2 %(x%) must be a tensor', m)
      tester:assertErrorPattern(function() optim[m](rosenbrock, torch.zeros(2, 2), {}) end,
                                'optim.' .. m .. ': argument #2 %(x%) must be a 1%-D', m)
      tester:assertErrorPattern(function() optim[m](rosenbrock, torch.zeros(4):narrow(1, 1, 2):set(torch.zeros(4):storage(), 1, torch.LongStorage{2}, torch.LongStorage{2}), {}) end,
                                'contiguous', m)
      tester:assertErrorPattern(function() optim[m](function() return 0, torch.zeros(3) end, torch.zeros(2), {}) end,
                                'has 3 elements, x has 2', m)
      tester:assertErrorPattern(function() optim[m](function() return 0 end, torch.zeros(2), {}) end,
                                'must return f%(x%) and df/dx', m)
   end
end

function tests.bad_inputs_gradient_free()
   for _, m in ipairs{'cmaes', 'de'} do
      local cfg = {maxFEs = 50, maxEval = 50}
      tester:assertErrorPattern(function() optim[m](rosenbrock, {0, 0}, cfg) end,
                                'optim.' .. m .. ': argument #2 %(x%) must be a tensor', m)
      tester:assertErrorPattern(function() optim[m](rosenbrock, torch.zeros(2, 2), cfg) end,
                                'optim.' .. m .. ': argument #2 %(x%) must be a 1%-D', m)
      tester:assertErrorPattern(function() optim[m](function() return 'x' end, torch.zeros(2), cfg) end,
                                'optim.' .. m .. ': opfunc must return f%(x%) %(a number%)', m)
   end
end

function tests.confusion_matrix()
   local cm = optim.ConfusionMatrix(3)
   cm:add(1, 1)
   cm:add(2, 1)
   cm:add(torch.Tensor{0.1, 0.7, 0.2}, 2)               -- scores + index
   cm:add(torch.Tensor{0.1, 0.2, 0.7}, torch.Tensor{0, 0, 1})   -- scores + one-hot
   cm:batchAdd(torch.Tensor{1, 3, 3}, torch.Tensor{2, 3, 0})   -- target 0 is ignored
   cm:batchAdd(torch.Tensor{{0.9, 0.05, 0.05}, {0.1, 0.1, 0.8}}, torch.Tensor{{1, 0, 0}, {0, 1, 0}})
   local expect = torch.LongTensor{{2, 1, 0}, {1, 1, 1}, {0, 0, 2}}
   tester:assertTensorEq(cm.mat, expect, 0)
   cm:updateValids()
   tester:assertalmosteq(cm.totalValid, 5 / 8, 1e-12)
   tester:assertalmosteq(cm.valids[1], 2 / 3, 1e-6)
   tester:assertalmosteq(cm.valids[2], 1 / 3, 1e-6)
   tester:assertalmosteq(cm.valids[3], 1, 1e-6)
   tester:assertalmosteq(cm.averageValid, (2 / 3 + 1 / 3 + 1) / 3, 1e-6)
   tester:assertalmosteq(cm.unionvalids[1], 2 / 4, 1e-6)
   tester:assertalmosteq(cm.unionvalids[3], 2 / 3, 1e-6)
   local s = tostring(cm)
   local lines = {}
   for l in s:gmatch('[^\n]+') do lines[#lines + 1] = l end
   tester:asserteq(lines[1], 'ConfusionMatrix:')
   tester:asserteq(lines[2], '[[       2       1       0]   66.667% ')
   tester:asserteq(lines[3], ' [       1       1       1]   33.333% ')
   tester:asserteq(lines[4], ' [       0       0       2]]  100.000% ')
   tester:assert(lines[5]:find('^ %+ average row correct: 66%.66') ~= nil, lines[5])
   tester:assert(lines[6]:find('^ %+ average rowUcol correct %(VOC measure%): ') ~= nil)
   tester:asserteq(lines[7], ' + global correct: 62.5%')
   cm:zero()
   tester:asserteq(cm.mat:sum(), 0)
   tester:asserteq(cm.totalValid, 0)
   -- class names
   local named = optim.ConfusionMatrix({'cat', 'dog'})
   tester:asserteq(named.nclasses, 2)
   named:add(2, 2)
   tester:assert(tostring(named):find('%[class: dog%]') ~= nil)
   local _, _, frrs, fars = named:farFrr()
   tester:asserteq(frrs:size(1), 1)
end

function tests.confusion_matrix_bad_labels()
   local cm = optim.ConfusionMatrix(10)
   tester:assertErrorPattern(function() cm:add(1, 11) end,
                             'ConfusionMatrix: target label 11 out of range %[1, 10%]')
   tester:assertErrorPattern(function() cm:add(0, 3) end,
                             'ConfusionMatrix: prediction label 0 out of range %[1, 10%]')
   tester:assertErrorPattern(function() cm:add(12, 3) end, 'prediction label 12 out of range')
   tester:assertErrorPattern(function() cm:batchAdd(torch.Tensor{1, 2}, torch.Tensor{1, 11}) end,
                             'ConfusionMatrix: target label 11 out of range %[1, 10%]')
   tester:assertErrorPattern(function() cm:batchAdd(torch.Tensor{1, 13}, torch.Tensor{1, 2}) end,
                             'prediction label 13 out of range')
   tester:assertErrorPattern(function() cm:batchAdd(torch.Tensor{1, 2, 3}, torch.Tensor{1, 2}) end,
                             '3 predictions for 2 targets')
   tester:assertErrorPattern(function() cm:batchAdd(torch.zeros(2, 2, 2), torch.Tensor{1, 2}) end,
                             'invalid number of dimensions')
   tester:assertErrorPattern(function() optim.ConfusionMatrix(0) end, 'nclasses')
   tester:asserteq(cm.mat:sum(), 0)   -- nothing was counted by the failed calls
end

local function readfile(name)
   local f = assert(io.open(name, 'r'))
   local s = f:read('*a')
   f:close()
   return s
end

function tests.logger_files()
   local dir = os.tmpname()
   os.remove(dir)
   local name = dir .. '/sub/log.txt'
   local logger = optim.Logger(name)
   logger:setNames{'train error', 'test error'}
   logger:add{0.5, 0.75}
   logger:add{0.25, 'n/a'}
   logger:style{'-', '+-'}
   tester:asserteq(readfile(name), 'train error\ttest error\t\n 5.0000e-01\t 7.5000e-01\t\n'
                                   .. ' 2.5000e-01\tn/a\t\n')
   tester:asserteq(#logger.symbols[1], 2)
   -- plotting without gnuplot prints a notice and does nothing
   logger:display(false)
   tester:assertNoError(function() logger:plot() end)
   logger:close()
   -- named values: the header is written by the first add
   local name2 = dir .. '/named.log'
   local l2 = optim.Logger(name2)
   l2:add{['loss'] = 1.5, ['acc'] = 0.1}
   l2:add{['loss'] = 1.25, ['acc'] = 0.2}
   tester:asserteq(readfile(name2), 'acc\tloss\t\n 1.0000e-01\t 1.5000e+00\t\n 2.0000e-01\t 1.2500e+00\t\n')
   tester:assertErrorPattern(function() l2:add{loss = {}} end, 'can only log numbers and strings')
   tester:assertErrorPattern(function() optim.Logger('/proc/self/nonexistent.log') end, 'cannot open')
   l2:close()
   os.execute('rm -rf "' .. dir .. '"')
end

tester:add(tests)
return tester:run()
