--[[ Differential evolution (DE/best/1/bin), Torch7 optim.de. Gradient-free: opfunc(x)
returns f(x) (anything after it is ignored).
config: popsize (10*D), scaleFactor (0.5), crossoverRate (0.9), maxFEs (required: the number
of function evaluations), maxRegion (30), minRegion (-30). The initial population is drawn
uniformly in [minRegion, maxRegion] with the global generator.
RETURN: best solution (also copied into x), fx (tensor of every evaluated f, in order). ]]
function optim.de(opfunc, x, config, state)
   optim._checkx(x, 'de')
   local config = config or {}
   local D = x:nElement()
   local popsize = config.popsize or 10 * D
   local scaleFactor = config.scaleFactor or 0.5
   local crossoverRate = config.crossoverRate or 0.9
   local maxFEs = tonumber(config.maxFEs)
   local maxRegion = config.maxRegion or 30
   local minRegion = config.minRegion or -30
   if not maxFEs or maxFEs < 1 then
      error("optim.de: config.maxFEs (the number of function evaluations) must be a positive number", 2)
   end
   if popsize < 3 then
      error("optim.de: config.popsize must be at least 3, got " .. tostring(popsize), 2)
   end

   local fx = x.new(maxFEs):zero()
   local pop = x.new(popsize, D)
   local children = x.new(popsize, D)
   local fitness = x.new(popsize)
   local children_fitness = x.new(popsize)
   local fes = 0
   local best_solution = x.new(D)

   local function eval(v)
      local f = opfunc(v)
      if type(f) ~= 'number' then
         error("optim.de: opfunc must return f(x) (a number), got " .. torch.type(f), 3)
      end
      fes = fes + 1
      if fes <= maxFEs then fx[fes] = f end
      return f
   end

   pop:uniform(minRegion, maxRegion)
   for i = 1, popsize do
      fitness[i] = eval(pop[i])
   end
   local best_fitness = math.huge
   for i = 1, popsize do
      if fitness[i] < best_fitness then
         best_fitness = fitness[i]
         best_solution:copy(pop[i])
      end
   end

   while fes < maxFEs do
      for i = 1, popsize do
         if fes >= maxFEs then break end
         local r1, r2
         repeat r1 = torch.random(1, popsize) until r1 ~= i
         repeat r2 = torch.random(1, popsize) until r2 ~= r1 and r2 ~= i
         local jrand = torch.random(1, D)
         local child, pr1, pr2, pi = children[i], pop[r1], pop[r2], pop[i]
         for j = 1, D do
            if torch.uniform(0, 1) < crossoverRate or j == jrand then
               child[j] = best_solution[j] + scaleFactor * (pr1[j] - pr2[j])
            else
               child[j] = pi[j]
            end
         end
         children_fitness[i] = eval(child)
         if children_fitness[i] <= fitness[i] then
            pi:copy(child)
            fitness[i] = children_fitness[i]
            if fitness[i] < best_fitness then
               best_fitness = fitness[i]
               best_solution:copy(child)
            end
         end
      end
   end
   x:view(-1):copy(best_solution)
   return x, fx
end
