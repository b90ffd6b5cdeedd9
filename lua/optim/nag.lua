--[[ Nesterov's accelerated gradient in Sutskever's form (Torch7 optim.nag).
config: learningRate (1e-3), learningRateDecay, weightDecay, momentum (0.9, > 0), dampening,
learningRates. state: evalCounter, dfdx. RETURN: x, {f(x)}. ]]
function optim.nag(opfunc, x, config, state)
   optim._checkx(x, 'nag')
   local config = config or {}
   local state = state or config
   local lr = config.learningRate or 1e-3
   local lrd = config.learningRateDecay or 0
   local wd = config.weightDecay or 0
   local mom = config.momentum or 0.9
   local damp = config.dampening or mom
   local lrs = config.learningRates
   state.evalCounter = state.evalCounter or 0
   local nevals = state.evalCounter

   if mom <= 0 then
      error('Momentum must be positive for Nesterov Accelerated Gradient')
   end

   -- first step along the momentum, then the gradient at that point
   if state.dfdx then
      x:add(mom, state.dfdx)
   end
   local fx, dfdx = opfunc(x)
   optim._checkgrad(dfdx, x, 'nag')

   if wd ~= 0 then
      dfdx:add(wd, x)
   end

   local clr = lr / (1 + nevals * lrd)

   if not state.dfdx then
      state.dfdx = torch.Tensor():typeAs(dfdx):resizeAs(dfdx):fill(0)
   else
      state.dfdx:mul(mom)
   end

   if lrs then
      if not state.deltaParameters then
         state.deltaParameters = torch.Tensor():typeAs(x):resizeAs(dfdx)
      end
      state.deltaParameters:copy(lrs):cmul(dfdx)
      x:add(-clr, state.deltaParameters)
      state.dfdx:add(-clr, state.deltaParameters)
   else
      x:add(-clr, dfdx)
      state.dfdx:add(-clr, dfdx)
   end

   state.evalCounter = state.evalCounter + 1
   return x, {fx}
end
