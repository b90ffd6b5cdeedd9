--[[ CMA-ES (covariance matrix adaptation evolution strategy, Hansen's purecma), Torch7
optim.cmaes. Gradient-free: opfunc(x) returns f(x) (anything after it is ignored).
config: sigma (initial step size, 0.5), maxEval (1e3*N^2), ftarget (stop at or below it),
popsize (4 + floor(3 ln N)), verb_disp (print every that many iterations; 0: quiet),
min_iterations (1).
RETURN: best x found (also copied into x), {best f per iteration}, number of evaluations. ]]
function optim.cmaes(opfunc, x, config, state)
   optim._checkx(x, 'cmaes')
   local tname = torch.typename(x)
   if tname ~= 'torch.DoubleTensor' and tname ~= 'torch.FloatTensor' then
      error("optim.cmaes: argument #2 (x) must be a FloatTensor or DoubleTensor, got " .. tname, 2)
   end
   local config = config or {}
   local N = x:nElement()
   local sigma = config.sigma or 0.5
   local maxEval = tonumber(config.maxEval) or 1e3 * N * N
   local ftarget = config.ftarget or -math.huge
   local lambda = config.popsize or (4 + math.floor(3 * math.log(N)))
   local verb_disp = config.verb_disp or 0
   local min_iterations = config.min_iterations or 1
   if lambda < 2 then
      error("optim.cmaes: config.popsize must be at least 2, got " .. tostring(lambda), 2)
   end

   local xmean = x:clone():view(-1):double()
   local mu = math.floor(lambda / 2)
   local weights = torch.Tensor(mu)
   for i = 1, mu do weights[i] = math.log((lambda + 1) / 2) - math.log(i) end
   weights:div(weights:sum())
   local mueff = weights:sum() ^ 2 / weights:dot(weights)

   local cc = (4 + mueff / N) / (N + 4 + 2 * mueff / N)
   local cs = (mueff + 2) / (N + mueff + 5)
   local c1 = 2 / ((N + 1.3) ^ 2 + mueff)
   local cmu = math.min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((N + 2) ^ 2 + mueff))
   local damps = 2 * mueff / lambda + 0.3 + cs
   local chiN = math.sqrt(N) * (1 - 1 / (4 * N) + 1 / (21 * N * N))

   local pc, ps = torch.zeros(N), torch.zeros(N)
   local B, D = torch.eye(N), torch.ones(N)
   local C = torch.eye(N)
   local invsqrtC = torch.eye(N)
   local eigeneval = 0
   local counteval = 0
   local fhist = {}
   local bestx, bestf = xmean:clone(), math.huge
   local arx = torch.Tensor(lambda, N)
   local fitness = {}
   local cand = x.new(x:size())
   local iter = 0

   while counteval < maxEval do
      iter = iter + 1
      for k = 1, lambda do
         arx[k]:copy(xmean):addmv(sigma, B, torch.cmul(D, torch.randn(N)))
         cand:view(-1):copy(arx[k])
         local f = opfunc(cand)
         if torch.isTensor(f) and f:nElement() == 1 then f = f:storage()[f:storageOffset()] end
         if type(f) ~= 'number' then
            error("optim.cmaes: opfunc must return f(x) (a number), got " .. torch.type(f), 2)
         end
         fitness[k] = {f, k}
         counteval = counteval + 1
      end
      table.sort(fitness, function(a, b) return a[1] < b[1] end)
      if fitness[1][1] < bestf then
         bestf = fitness[1][1]
         bestx:copy(arx[fitness[1][2]])
      end
      fhist[#fhist + 1] = fitness[1][1]

      local xold = xmean:clone()
      local sel = torch.Tensor(mu, N)
      for i = 1, mu do sel[i]:copy(arx[fitness[i][2]]) end
      xmean = torch.mv(sel:t(), weights)
      local y = (xmean - xold):div(sigma)

      ps:mul(1 - cs):add(math.sqrt(cs * (2 - cs) * mueff), torch.mv(invsqrtC, y))
      local hsig = ps:norm() / math.sqrt(1 - (1 - cs) ^ (2 * counteval / lambda)) / chiN
                   < 1.4 + 2 / (N + 1)
      hsig = hsig and 1 or 0
      pc:mul(1 - cc):add(hsig * math.sqrt(cc * (2 - cc) * mueff), y)

      local artmp = sel:add(-1, xold:view(1, N):expand(mu, N)):div(sigma)
      local rankmu = torch.mm(artmp:t(), torch.cmul(artmp, weights:view(mu, 1):expand(mu, N)))
      local Cold = C:clone()
      C:mul(1 - c1 - cmu):add(c1, torch.ger(pc, pc)):add(c1 * (1 - hsig) * cc * (2 - cc), Cold)
       :add(cmu, rankmu)

      sigma = sigma * math.exp((cs / damps) * (ps:norm() / chiN - 1))

      if counteval - eigeneval > lambda / (c1 + cmu) / N / 10 then
         eigeneval = counteval
         C = (C + C:t()):div(2)
         local e, V = torch.symeig(C, 'V')
         e:cmax(1e-20)
         D = torch.sqrt(e)
         B = V
         invsqrtC = torch.mm(torch.mm(B, torch.diag(torch.cdiv(torch.ones(N), D))), B:t())
      end

      if verb_disp > 0 and iter % verb_disp == 0 then
         print(string.format('<optim.cmaes> iter %d evals %d f %g sigma %g', iter, counteval,
                             fitness[1][1], sigma))
      end
      if iter >= min_iterations then
         if fitness[1][1] <= ftarget then break end
         if D:max() > 1e7 * D:min() then break end
         if sigma * D:max() < 1e-12 then break end
      end
   end
   x:view(-1):copy(bestx)
   return x, fhist, counteval
end
