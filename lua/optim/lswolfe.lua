--[[ Line search satisfying the strong Wolfe conditions (Torch7 optim.lswolfe, from minFunc).
ARGS: opfunc, x, t (initial step), d (direction), f, g (f and df/dx at x), gtd (g.d),
options {c1 (1e-4), c2 (0.9), tolX (1e-9), maxIter (20), verbose}.
RETURN: f_new, g_new, x_new (x itself, moved to x + t*d), t, number of function evaluations. ]]
function optim.lswolfe(opfunc, x, t, d, f, g, gtd, options)
   options = options or {}
   local c1 = options.c1 or 1e-4
   local c2 = options.c2 or 0.9
   local tolX = options.tolX or 1e-9
   local maxIter = options.maxIter or 20
   local isverbose = options.verbose or false
   local abs, min, max = math.abs, math.min, math.max

   local function verbose(...)
      if isverbose then print('<optim.lswolfe> ', ...) end
   end

   local x_init = x:clone()
   x:add(t, d)
   local f_new, g_new = opfunc(x)
   g_new = g_new:clone()
   local funEvals = 1
   local gtd_new = g_new:dot(d)

   -- bracketing phase; brackets hold Lua numbers and gradient clones
   local t_prev, f_prev, g_prev, gtd_prev = 0, f, g:clone(), gtd
   local bracket, bracketFval, bracketGval
   local done = false
   local lsiter = 0
   while lsiter < maxIter do
      if (f_new > (f + c1 * t * gtd)) or (lsiter > 1 and f_new >= f_prev) then
         bracket, bracketFval, bracketGval = {t_prev, t}, {f_prev, f_new}, {g_prev, g_new}
         break
      elseif abs(gtd_new) <= -c2 * gtd then
         bracket, bracketFval, bracketGval = {t}, {f_new}, {g_new}
         done = true
         break
      elseif gtd_new >= 0 then
         bracket, bracketFval, bracketGval = {t_prev, t}, {f_prev, f_new}, {g_prev, g_new}
         break
      end

      -- extrapolate
      local tmp = t_prev
      local minStep = t + 0.01 * (t - t_prev)
      local maxStep = t * 10
      t = optim.polyinterp(torch.Tensor{{t_prev, f_prev, gtd_prev}, {t, f_new, gtd_new}},
                           minStep, maxStep)

      t_prev = tmp
      f_prev = f_new
      g_prev = g_new
      gtd_prev = gtd_new
      x:copy(x_init)
      x:add(t, d)
      f_new, g_new = opfunc(x)
      g_new = g_new:clone()
      funEvals = funEvals + 1
      gtd_new = g_new:dot(d)
      lsiter = lsiter + 1
   end

   if lsiter == maxIter then
      bracket, bracketFval, bracketGval = {0, t}, {f, f_new}, {g, g_new}
   end

   -- zoom phase: refine the bracket until a point satisfies the conditions
   local insufProgress = false
   while not done and lsiter < maxIter do
      local LOpos = bracketFval[1] <= bracketFval[2] and 1 or 2
      local f_LO = bracketFval[LOpos]
      local HIpos = 3 - LOpos

      t = optim.polyinterp(torch.Tensor{{bracket[1], bracketFval[1], bracketGval[1]:dot(d)},
                                        {bracket[2], bracketFval[2], bracketGval[2]:dot(d)}})

      local bmax, bmin = max(bracket[1], bracket[2]), min(bracket[1], bracket[2])
      if min(bmax - t, t - bmin) / (bmax - bmin) < 0.1 then
         if insufProgress or t >= bmax or t <= bmin then
            if abs(t - bmax) < abs(t - bmin) then
               t = bmax - 0.1 * (bmax - bmin)
            else
               t = bmin + 0.1 * (bmax - bmin)
            end
            insufProgress = false
         else
            insufProgress = true
         end
      else
         insufProgress = false
      end

      x:copy(x_init)
      x:add(t, d)
      f_new, g_new = opfunc(x)
      g_new = g_new:clone()
      funEvals = funEvals + 1
      gtd_new = g_new:dot(d)
      lsiter = lsiter + 1
      if f_new > f + c1 * t * gtd or f_new >= f_LO then
         bracket[HIpos], bracketFval[HIpos], bracketGval[HIpos] = t, f_new, g_new
      else
         if abs(gtd_new) <= -c2 * gtd then
            done = true
         elseif gtd_new * (bracket[HIpos] - bracket[LOpos]) >= 0 then
            bracket[HIpos] = bracket[LOpos]
            bracketFval[HIpos] = bracketFval[LOpos]
            bracketGval[HIpos] = bracketGval[LOpos]
         end
         bracket[LOpos], bracketFval[LOpos], bracketGval[LOpos] = t, f_new, g_new
      end

      if not done and abs((bracket[1] - bracket[2]) * gtd_new) < tolX then
         break
      end
   end

   if lsiter == maxIter then
      verbose('reached max number of iterations')
   end

   local LOpos = 1
   if #bracketFval == 2 and bracketFval[2] < bracketFval[1] then LOpos = 2 end
   t = bracket[LOpos]
   f_new = bracketFval[LOpos]
   g_new = bracketGval[LOpos]
   x:copy(x_init)
   x:add(t, d)
   return f_new, g_new, x, t, funEvals
end
