--[[ Resilient backpropagation, Torch7 optim.rprop.
config: stepsize (0.1), etaplus (1.2), etaminus (0.5), stepsizemax (50), stepsizemin (1e-6),
niter (1). state: delta, stepsize, sign, psign, nsign, zsign, dminmax.
RETURN: x, {f_1, ..., f_niter}. ]]
function optim.rprop(opfunc, x, config, state)
   optim._checkx(x, 'rprop')
   if config == nil and state == nil then
      print('no state table RPROP initializing')
   end
   local config = config or {}
   local state = state or config
   local stepsize = config.stepsize or 0.1
   local etaplus = config.etaplus or 1.2
   local etaminus = config.etaminus or 0.5
   local stepsizemax = config.stepsizemax or 50.0
   local stepsizemin = config.stepsizemin or 1E-06
   local niter = config.niter or 1

   local hfx = {}
   for i = 1, niter do
      local fx, dfdx = opfunc(x)
      optim._checkgrad(dfdx, x, 'rprop')

      if not state.delta then
         state.delta = dfdx.new(dfdx:size()):zero()
         state.stepsize = dfdx.new(dfdx:size()):fill(stepsize)
         state.sign = dfdx.new(dfdx:size())
         state.psign = torch.ByteTensor(dfdx:size())
         state.nsign = torch.ByteTensor(dfdx:size())
         state.zsign = torch.ByteTensor(dfdx:size())
         state.dminmax = torch.ByteTensor(dfdx:size())
      end

      -- sign of the derivative change from the last step to this one
      torch.cmul(state.sign, dfdx, state.delta)
      torch.sign(state.sign, state.sign)

      state.sign.gt(state.psign, state.sign, 0)
      state.sign.lt(state.nsign, state.sign, 0)
      state.sign.eq(state.zsign, state.sign, 0)

      state.sign:maskedFill(state.psign, etaplus)
      state.sign:maskedFill(state.nsign, etaminus)
      state.sign:maskedFill(state.zsign, 1)

      state.stepsize:cmul(state.sign)

      state.stepsize.gt(state.dminmax, state.stepsize, stepsizemax)
      state.stepsize:maskedFill(state.dminmax, stepsizemax)
      state.stepsize.lt(state.dminmax, state.stepsize, stepsizemin)
      state.stepsize:maskedFill(state.dminmax, stepsizemin)

      -- after a sign change the step is skipped and the derivative forgotten
      dfdx:maskedFill(state.nsign, 0)
      torch.sign(state.sign, dfdx)

      x:addcmul(-1, state.sign, state.stepsize)
      state.delta:copy(dfdx)
      table.insert(hfx, fx)
   end
   return x, hfx
end
