--[[ AdaGrad, Torch7 optim.adagrad.
config: learningRate (1e-3), learningRateDecay (0), weightDecay (0).
state: evalCounter, paramVariance, paramStd. RETURN: x, {f(x)}. ]]
function optim.adagrad(opfunc, x, config, state)
   optim._checkx(x, 'adagrad')
   if config == nil and state == nil then
      print('no state table, ADAGRAD initializing')
   end
   local config = config or {}
   local state = state or config
   local lr = config.learningRate or 1e-3
   local lrd = config.learningRateDecay or 0
   local wd = config.weightDecay or 0
   state.evalCounter = state.evalCounter or 0
   local nevals = state.evalCounter

   local fx, dfdx = opfunc(x)
   optim._checkgrad(dfdx, x, 'adagrad')
   if wd ~= 0 then
      dfdx:add(wd, x)
   end

   local clr = lr / (1 + nevals * lrd)
   if not state.paramVariance then
      state.paramVariance = torch.Tensor():typeAs(x):resizeAs(dfdx):zero()
      state.paramStd = torch.Tensor():typeAs(x):resizeAs(dfdx)
   end
   state.paramVariance:addcmul(1, dfdx, dfdx)
   state.paramStd:resizeAs(state.paramVariance):copy(state.paramVariance):sqrt()
   x:addcdiv(-clr, dfdx, state.paramStd:add(1e-10))

   state.evalCounter = state.evalCounter + 1
   return x, {fx}
end
