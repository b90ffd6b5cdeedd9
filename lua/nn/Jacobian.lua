-- nn.Jacobian: finite-difference checks of modules (torch7-nn.md §4.2).
nn.Jacobian = {}
local J = nn.Jacobian

function J.backward(module, input, param, dparam)
   local doparam = 0
   if param then doparam = 1 end
   param = param or input
   -- output deriv
   module:forward(input)
   local dout = module.output.new():resizeAs(module.output)
   -- 1D view
   local sdout = module.output.new(dout:storage(), 1, dout:nElement())
   -- jacobian matrix to calculate
   local jacobian = torch.Tensor(param:nElement(), dout:nElement()):zero()
   for i = 1, sdout:nElement() do
      dout:zero()
      sdout[i] = 1
      module:zeroGradParameters()
      local din = module:updateGradInput(input, dout)
      module:accGradParameters(input, dout)
      if doparam == 1 then
         jacobian:select(2, i):copy(dparam)
      else
         jacobian:select(2, i):copy(din)
      end
   end
   return jacobian
end

function J.backwardUpdate(module, input, param)
   -- output deriv
   module:forward(input)
   local dout = module.output.new():resizeAs(module.output)
   local sdout = module.output.new(dout:storage(), 1, dout:nElement())
   local jacobian = torch.Tensor(param:nElement(), dout:nElement()):zero()
   -- original param
   local params = module:parameters()
   local origparams = {}
   for j = 1, #params do table.insert(origparams, params[j]:clone()) end
   for i = 1, sdout:nElement() do
      for j = 1, #params do params[j]:copy(origparams[j]) end
      dout:zero()
      sdout[i] = 1
      module:updateGradInput(input, dout)
      module:accUpdateGradParameters(input, dout, 1)
      jacobian:select(2, i):copy(param)
   end
   for j = 1, #params do params[j]:copy(origparams[j]) end
   return jacobian
end

-- d output / d param by central differences (perturbation defaults to 1e-6); asUpdate turns row
-- i into param[i] - row i, the jacobian of an update step (forwardUpdate)
local function centralDifferences(module, input, param, perturbation, asUpdate)
   perturbation = perturbation or 1e-6
   -- 1D view of param
   local sin = param.new(param):resize(param:nElement())
   local jacobian = torch.Tensor():resize(param:nElement(), module:forward(input):nElement())
   local outa = torch.Tensor(jacobian:size(2))
   local outb = torch.Tensor(jacobian:size(2))
   for i = 1, sin:nElement() do
      local orig = sin[i]
      sin[i] = orig - perturbation
      outa:copy(module:forward(input))
      sin[i] = orig + perturbation
      outb:copy(module:forward(input))
      sin[i] = orig
      outb:add(-1, outa):div(2 * perturbation)
      jacobian:select(1, i):copy(outb)
      if asUpdate then
         jacobian:select(1, i):mul(-1)
         jacobian:select(1, i):add(sin[i])
      end
   end
   return jacobian
end

function J.forward(module, input, param, perturbation)
   return centralDifferences(module, input, param or input, perturbation, false)
end

function J.forwardUpdate(module, input, param, perturbation)
   return centralDifferences(module, input, param, perturbation, true)
end

function J.testJacobian(module, input, minval, maxval, perturbation)
   minval = minval or -2
   maxval = maxval or 2
   local inrange = maxval - minval
   input:copy(torch.rand(input:nElement()):mul(inrange):add(minval))
   local jac_fprop = J.forward(module, input, input, perturbation)
   local jac_bprop = J.backward(module, input)
   local error = jac_fprop - jac_bprop
   return error:abs():max()
end

function J.testJacobianParameters(module, input, param, dparam, minval, maxval, perturbation)
   minval = minval or -2
   maxval = maxval or 2
   local inrange = maxval - minval
   input:copy(torch.rand(input:nElement()):mul(inrange):add(minval))
   param:copy(torch.rand(param:nElement()):mul(inrange):add(minval))
   local jac_bprop = J.backward(module, input, param, dparam)
   local jac_fprop = J.forward(module, input, param, perturbation)
   local error = jac_fprop - jac_bprop
   return error:abs():max()
end

function J.testJacobianUpdateParameters(module, input, param, minval, maxval, perturbation)
   minval = minval or -2
   maxval = maxval or 2
   local inrange = maxval - minval
   input:copy(torch.rand(input:nElement()):mul(inrange):add(minval))
   param:copy(torch.rand(param:nElement()):mul(inrange):add(minval))
   local params_bprop = J.backwardUpdate(module, input, param)
   local params_fprop = J.forwardUpdate(module, input, param, perturbation)
   local error = params_fprop - params_bprop
   return error:abs():max()
end

-- forward/backward, clearState (must return self), a serialization round trip, then the same
-- again: max changes of output and gradInput
function J.testIO(module, input, minval, maxval)
   minval = minval or -2
   maxval = maxval or 2
   local inrange = maxval - minval
   local inputclone = input:clone()
   -- run module
   module:forward(input)
   local go = module.output:clone():copy(torch.rand(module.output:nElement()):mul(inrange):add(minval))
   local goclone = go:clone()
   module:zeroGradParameters()
   module:updateGradInput(input, go)
   module:accGradParameters(input, go)
   local fo = module.output:clone()
   local bo = module.gradInput:clone()
   local self = module:clearState()
   assert(self == module, 'clearState did not return self')
   -- the serialization round trip of Torch7's testIO (in-memory deep copy without torch.serialize)
   local m
   if torch.serialize and torch.deserialize then
      m = torch.deserialize(torch.serialize(module))
   else
      m = module:clone()
   end
   m:forward(inputclone)
   m:zeroGradParameters()
   m:updateGradInput(inputclone, goclone)
   m:accGradParameters(inputclone, goclone)
   local fo2 = m.output:clone()
   local bo2 = m.gradInput:clone()
   local errf = fo - fo2
   local errb = bo - bo2
   return errf:abs():max(), errb:numel() == 0 and 0 or errb:abs():max()
end

function J.testAllUpdate(module, input, weight, gradWeight)
   local gradOutput
   local lr = torch.uniform(0.1, 1)
   local errors = {}
   -- accGradParameters
   local maccgp = module:clone()
   local weightc = maccgp[weight]:clone()
   maccgp:forward(input)
   gradOutput = torch.rand(maccgp.output:size())
   maccgp:zeroGradParameters()
   maccgp:updateGradInput(input, gradOutput)
   maccgp:accGradParameters(input, gradOutput)
   maccgp:updateParameters(lr)
   errors['accGradParameters'] = (weightc - maccgp[gradWeight] * lr - maccgp[weight]):norm()
   -- accUpdateGradParameters
   local maccugp = module:clone()
   maccugp:forward(input)
   maccugp:updateGradInput(input, gradOutput)
   maccugp:accUpdateGradParameters(input, gradOutput, lr)
   errors['accUpdateGradParameters'] = (maccugp[weight] - maccgp[weight]):norm()
   -- shared, accGradParameters
   local macsh1 = module:clone()
   local macsh2 = module:clone()
   macsh2:share(macsh1, weight)
   macsh1:forward(input)
   macsh2:forward(input)
   macsh1:zeroGradParameters()
   macsh2:zeroGradParameters()
   macsh1:updateGradInput(input, gradOutput)
   macsh2:updateGradInput(input, gradOutput)
   macsh1:accGradParameters(input, gradOutput)
   macsh2:accGradParameters(input, gradOutput)
   macsh1:updateParameters(lr)
   macsh2:updateParameters(lr)
   local err = (weightc - maccgp[gradWeight] * (lr * 2) - macsh1[weight]):norm()
   err = err + (weightc - maccgp[gradWeight] * (lr * 2) - macsh2[weight]):norm()
   errors['accGradParameters [shared]'] = err
   -- shared, accUpdateGradParameters
   local macshu1 = module:clone()
   local macshu2 = module:clone()
   macshu2:share(macshu1, weight)
   macshu1:forward(input)
   macshu2:forward(input)
   macshu1:updateGradInput(input, gradOutput)
   macshu2:updateGradInput(input, gradOutput)
   macshu1:accUpdateGradParameters(input, gradOutput, lr)
   macshu2:accUpdateGradParameters(input, gradOutput, lr)
   err = (weightc - maccgp[gradWeight] * (lr * 2) - macshu1[weight]):norm()
   err = err + (weightc - maccgp[gradWeight] * (lr * 2) - macshu2[weight]):norm()
   errors['accUpdateGradParameters [shared]'] = err
   return errors
end
