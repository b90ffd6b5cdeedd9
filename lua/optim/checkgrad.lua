--[[ Central-difference gradient check, Torch7 optim.checkgrad.
ARGS: opfunc (x -> f(x), df/dx), x, eps (1e-7).
RETURN: diff = ||dC - dC_est|| / ||dC + dC_est||, dC (analytic), dC_est (numeric). ]]
function optim.checkgrad(opfunc, x, eps)
   optim._checkx(x, 'checkgrad')
   local Corg, dC = opfunc(x)
   optim._checkgrad(dC, x, 'checkgrad')
   -- opfunc may hand back the same gradient buffer at every call
   dC = dC:clone():resize(x:size())

   local Ctmp
   local isTensor = torch.isTensor(Corg)
   if isTensor then
      Ctmp = Corg.new(Corg:size())
   end

   local eps = eps or 1e-7
   local dC_est = torch.Tensor():typeAs(dC):resizeAs(dC)
   for i = 1, dC:size(1) do
      local tmp = x[i]
      x[i] = x[i] + eps
      local C1 = opfunc(x)
      if isTensor then
         Ctmp:copy(C1)
         C1 = Ctmp
      end
      x[i] = x[i] - 2 * eps
      local C2 = opfunc(x)
      x[i] = tmp
      dC_est[i] = (C1 - C2) / (2 * eps)
   end

   local diff = torch.norm(dC - dC_est) / torch.norm(dC + dC_est)
   return diff, dC, dC_est
end
