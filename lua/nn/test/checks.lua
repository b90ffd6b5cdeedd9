-- The checks the Lua nn test files (lua/nn/test/*.lua) share; not a test file itself.
-- local C = dofile(<this file>)(tester): C.errs, C.checkModule, C.checkCriterion,
-- C.checkTableGrad, C.checkBatch, C.checkBatchGrad, C.leaves; float64 finite differences, precision 1e-5.
local jac = nn.Jacobian
local precision = 1e-5

return function(tester)
   local C = {precision = precision}

   -- f must raise an error whose text matches pattern
   function C.errs(f, pattern, msg)
      local ok, err = pcall(f)
      tester:assert(not ok, msg .. ' (no error raised)')
      if not ok then tester:assert(tostring(err):find(pattern) ~= nil, msg .. ': got "' .. tostring(err) .. '"') end
   end

   -- Jacobian w.r.t. the input and the parameters (o.params: {{field, gradField}, ...}, by default
   -- weight and bias where the module has them, none with o.noparams), the fused update (unless
   -- o.noupdate), and the clearState + serialization round trip (unless o.noio)
   function C.checkModule(name, module, input, o)
      o = o or {}
      local prec = o.prec or precision
      tester:assertlt(jac.testJacobian(module, input, o.min, o.max), prec, name .. ': error on state')
      local params = o.params or (not o.noparams and {{'weight', 'gradWeight'}, {'bias', 'gradBias'}}) or {}
      for _, p in ipairs(params) do
         if module[p[1]] then
            local err = jac.testJacobianParameters(module, input, module[p[1]], module[p[2]], o.min, o.max)
            tester:assertlt(err, prec, name .. ': error on ' .. p[1])
            if not o.noupdate then
               err = jac.testJacobianUpdateParameters(module, input, module[p[1]], o.min, o.max)
               tester:assertlt(err, prec, name .. ': error on ' .. p[1] .. ' [direct update]')
               for t, e in pairs(jac.testAllUpdate(module, input, p[1], p[2])) do
                  tester:assertlt(e, prec, name .. ': error on ' .. p[1] .. ' [' .. t .. ']')
               end
            end
         end
      end
      if not o.noio then
         local ferr, berr = jac.testIO(module, input, o.min, o.max)
         tester:asserteq(ferr, 0, name .. ': io error on forward')
         tester:asserteq(berr, 0, name .. ': io error on backward')
      end
   end

   -- leaves of a (nested) table of tensors, in a fixed order
   function C.leaves(x, out)
      out = out or {}
      if torch.isTensor(x) then out[#out + 1] = x
      else for i = 1, #x do C.leaves(x[i], out) end end
      return out
   end

   local function randLike(x)
      if torch.isTensor(x) then return torch.randn(x:size()) end
      local r = {}
      for i = 1, #x do r[i] = randLike(x[i]) end
      return r
   end

   -- max |finite difference - analytic| of f() w.r.t. every leaf of input, analytic the leaves
   -- of grads (same order)
   local function numericError(f, input, grads)
      local eps, worst = 1e-6, 0
      for i, x in ipairs(C.leaves(input)) do
         local flat = x:view(-1)
         local g = grads[i]:contiguous():view(-1)
         for j = 1, flat:nElement() do
            local orig = flat[j]
            flat[j] = orig + eps; local a = f()
            flat[j] = orig - eps; local b = f()
            flat[j] = orig
            worst = math.max(worst, math.abs((a - b) / (2 * eps) - g[j]))
         end
      end
      return worst
   end

   -- a criterion's gradient w.r.t. its input (a tensor or a table of them)
   function C.checkCriterion(name, crit, input, target, prec)
      crit:forward(input, target)
      local g = {}
      for i, t in ipairs(C.leaves(crit:backward(input, target))) do g[i] = t:clone() end
      local err = numericError(function() return crit:forward(input, target) end, input, g)
      tester:assertlt(err, prec or precision, name .. ': gradient error')
   end

   -- a module's gradInput for table inputs/outputs: the gradient of sum(output .* go)
   function C.checkTableGrad(name, module, input, prec)
      local go = randLike(module:forward(input))
      local g = {}
      for i, t in ipairs(C.leaves(module:backward(input, go))) do g[i] = t:clone() end
      local function loss()
         local s, outs, gos = 0, C.leaves(module:forward(input)), C.leaves(go)
         for i = 1, #outs do s = s + torch.cmul(outs[i], gos[i]):sum() end
         return s
      end
      tester:assertlt(numericError(loss, input, g), prec or precision, name .. ': gradient error')
   end

   -- the batch result is the single-sample results stacked
   function C.checkBatch(name, module, input, prec)
      local out = module:forward(input):clone()
      for i = 1, input:size(1) do
         tester:assertTensorEq(module:forward(input[i]), out[i], prec or 1e-12, name .. ': batch vs sample ' .. i)
      end
   end

   -- batch forward/backward on a size[1]-sample input == those of each sample, and the batch's
   -- gradWeight == the one accumulated over the samples; single: the per-sample module (by
   -- default a clone of module)
   function C.checkBatchGrad(module, size, single)
      local name = torch.type(module)
      local x = torch.randn(unpack(size))
      local y = module:forward(x):clone()
      local go = torch.randn(y:size())
      module:zeroGradParameters()
      local gi = module:backward(x, go):clone()
      local gw = module.gradWeight and module.gradWeight:clone()
      single = single or module:clone()
      single:zeroGradParameters()
      for i = 1, size[1] do
         tester:assertTensorEq(single:forward(x[i]), y[i], 1e-10, name .. ': batch output equals sample ' .. i)
         tester:assertTensorEq(single:backward(x[i], go[i]), gi[i], 1e-10, name .. ': batch gradInput equals sample ' .. i)
      end
      if gw then tester:assertTensorEq(single.gradWeight, gw, 1e-10, name .. ': accumulated gradWeight') end
   end

   return C
end
