--[[ AdaMax (infinity-norm Adam), Torch7 optim.adamax.
config: learningRate (2e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-38), weightDecay (0).
state: t, m, u, max. RETURN: x, {f(x)}. ]]
function optim.adamax(opfunc, x, config, state)
   optim._checkx(x, 'adamax')
   local config = config or {}
   local state = state or config
   local lr = config.learningRate or 0.002
   local beta1 = config.beta1 or 0.9
   local beta2 = config.beta2 or 0.999
   local epsilon = config.epsilon or 1e-38
   local wd = config.weightDecay or 0

   local fx, dfdx = opfunc(x)
   optim._checkgrad(dfdx, x, 'adamax')
   if wd ~= 0 then
      dfdx:add(wd, x)
   end

   state.t = state.t or 0
   state.m = state.m or x.new(dfdx:size()):zero()
   state.u = state.u or x.new(dfdx:size()):zero()
   -- Torch7 keeps a 2xN buffer {beta2*u, |g|+eps} and takes its column max
   state.max = state.max or x.new(2, dfdx:nElement()):zero()

   state.t = state.t + 1
   state.m:mul(beta1):add(1 - beta1, dfdx)
   local a, b = state.max[1], state.max[2]
   a:copy(state.u):mul(beta2)
   b:copy(dfdx):abs():add(epsilon)
   state.u:view(-1):copy(torch.cmax(a, b))

   local biasCorrection1 = 1 - beta1 ^ state.t
   local stepSize = lr / biasCorrection1
   x:addcdiv(-stepSize, state.m, state.u)
   return x, {fx}
end
