--[[ L-BFGS (minFunc-style), Torch7 optim.lbfgs.
config: maxIter (20), maxEval (1.25*maxIter), tolFun (1e-5), tolX (1e-9), nCorrection (100),
lineSearch (e.g. optim.lswolfe), lineSearchOptions, learningRate (1), verbose.
state: funcEval, nIter, d, t, old_dirs, old_stps, Hdiag, g_old, f_old, ro, al, tmp1,
dir_bufs, stp_bufs. Does up to maxIter iterations per call.
RETURN: x*, {f(x) history}, number of function evaluations of this call. ]]
function optim.lbfgs(opfunc, x, config, state)
   optim._checkx(x, 'lbfgs')
   local config = config or {}
   local state = state or config
   local maxIter = tonumber(config.maxIter) or 20
   local maxEval = tonumber(config.maxEval) or maxIter * 1.25
   local tolFun = config.tolFun or 1e-5
   local tolX = config.tolX or 1e-9
   local nCorrection = config.nCorrection or 100
   local lineSearch = config.lineSearch
   local lineSearchOpts = config.lineSearchOptions
   local learningRate = config.learningRate or 1
   local isverbose = config.verbose or false

   state.funcEval = state.funcEval or 0
   state.nIter = state.nIter or 0

   local verbose
   if isverbose then
      verbose = function(...) print('<optim.lbfgs> ', ...) end
   else
      verbose = function() end
   end
   local abs, min = math.abs, math.min

   local f, g = opfunc(x)
   optim._checkgrad(g, x, 'lbfgs')
   local f_hist = {f}
   local currentFuncEval = 1
   state.funcEval = state.funcEval + 1
   local p = g:nElement()

   state.tmp1 = state.tmp1 or g.new(g:size()):zero()
   local tmp1 = state.tmp1
   tmp1:copy(g):abs()
   if tmp1:sum() <= tolFun then
      verbose('optimality condition below tolFun')
      return x, f_hist, currentFuncEval
   end

   if not state.dir_bufs then
      -- recyclable buffers for the y's and s's of the history
      verbose('creating recyclable direction/step/history buffers')
      state.dir_bufs, state.stp_bufs = {}, {}
      local db, sb = g.new(nCorrection + 1, p), g.new(nCorrection + 1, p)
      for i = 1, nCorrection + 1 do
         state.dir_bufs[i] = db[i]
         state.stp_bufs[i] = sb[i]
      end
   end

   local d = state.d
   local t = state.t
   local old_dirs = state.old_dirs
   local old_stps = state.old_stps
   local Hdiag = state.Hdiag
   local g_old = state.g_old
   local f_old = state.f_old

   local nIter = 0
   while nIter < maxIter do
      nIter = nIter + 1
      state.nIter = state.nIter + 1

      -- descent direction
      if state.nIter == 1 then
         d = g:clone():mul(-1)
         old_dirs = {}
         old_stps = {}
         Hdiag = 1
      else
         local y = table.remove(state.dir_bufs)
         local s = table.remove(state.stp_bufs)
         y:copy(g):add(-1, g_old)
         s:copy(d):mul(t)
         local ys = y:dot(s)
         if ys > 1e-10 then
            if #old_dirs == nCorrection then
               local removed1 = table.remove(old_dirs, 1)
               local removed2 = table.remove(old_stps, 1)
               table.insert(state.dir_bufs, removed1)
               table.insert(state.stp_bufs, removed2)
            end
            -- Torch7 stores s in old_dirs and y in old_stps
            table.insert(old_dirs, s)
            table.insert(old_stps, y)
            Hdiag = ys / y:dot(y)
         else
            table.insert(state.dir_bufs, y)
            table.insert(state.stp_bufs, s)
         end

         -- two-loop recursion: d = -H g
         local k = #old_dirs
         state.ro = state.ro or torch.Tensor(nCorrection)
         local ro = state.ro
         for i = 1, k do
            ro[i] = 1 / old_stps[i]:dot(old_dirs[i])
         end
         local q = tmp1
         state.al = state.al or torch.zeros(nCorrection)
         local al = state.al
         q:copy(g):mul(-1)
         for i = k, 1, -1 do
            al[i] = old_dirs[i]:dot(q) * ro[i]
            q:add(-al[i], old_stps[i])
         end
         local r = d
         r:copy(q):mul(Hdiag)
         for i = 1, k do
            local be_i = old_stps[i]:dot(r) * ro[i]
            r:add(al[i] - be_i, old_dirs[i])
         end
      end
      g_old = g_old or g:clone()
      g_old:copy(g)
      f_old = f

      -- step length
      local gtd = g:dot(d)
      if gtd > -tolX then
         break
      end

      if state.nIter == 1 then
         tmp1:copy(g):abs()
         t = min(1, 1 / tmp1:sum()) * learningRate
      else
         t = learningRate
      end

      local lsFuncEval = 0
      if lineSearch and type(lineSearch) == 'function' then
         f, g, x, t, lsFuncEval = lineSearch(opfunc, x, t, d, f, g, gtd, lineSearchOpts)
         table.insert(f_hist, f)
      else
         x:add(t, d)
         if nIter ~= maxIter then
            -- in a stochastic setting there is no use re-evaluating on the last iteration
            f, g = opfunc(x)
            lsFuncEval = 1
            table.insert(f_hist, f)
         end
      end

      currentFuncEval = currentFuncEval + lsFuncEval
      state.funcEval = state.funcEval + lsFuncEval

      -- stopping conditions
      if nIter == maxIter then
         verbose('reached max number of iterations')
         break
      end
      if currentFuncEval >= maxEval then
         verbose('max nb of function evals')
         break
      end
      tmp1:copy(g):abs()
      if tmp1:sum() <= tolFun then
         verbose('optimality condition below tolFun')
         break
      end
      tmp1:copy(d):mul(t):abs()
      if tmp1:sum() <= tolX then
         verbose('step size below tolX')
         break
      end
      if abs(f - f_old) < tolX then
         verbose('function value changing less than tolX')
         break
      end
   end

   state.old_dirs = old_dirs
   state.old_stps = old_stps
   state.Hdiag = Hdiag
   state.g_old = g_old
   state.f_old = f_old
   state.t = t
   state.d = d

   return x, f_hist, currentFuncEval
end
