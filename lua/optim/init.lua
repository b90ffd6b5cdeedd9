-- Torch7's `optim` package: optimizers over a flat parameter tensor, Logger, ConfusionMatrix.
require 'torch'

optim = optim or {}
local optim = optim
package.loaded.optim = optim

-- Raises msg at the first stack level outside the optim package (the user's call).
local OPTIMDIR = debug.getinfo(1, 'S').source:match('^(@.*/)[^/]*$') or '@\0'
function optim._error(msg)
   local lvl = 2
   while true do
      local info = debug.getinfo(lvl + 1, 'S')
      if not info then return error(msg, 0) end
      if info.source:sub(1, #OPTIMDIR) ~= OPTIMDIR and info.what ~= 'C' then break end
      lvl = lvl + 1
   end
   error(msg, lvl)
end

-- Every optimizer checks its parameter vector: a tensor (any shape is accepted by Torch7 as
-- long as opfunc's gradient matches; a non-contiguous one is refused, as flat vectors are
-- what getParameters gives).
function optim._checkx(x, fname, argn)
   if not torch.isTensor(x) then
      error(string.format("optim.%s: argument #%d (x) must be a tensor (flat parameter vector), got %s",
                          fname, argn or 2, torch.type(x)), 3)
   end
   if not x:isContiguous() then
      error(string.format("optim.%s: argument #%d (x) must be a contiguous (flat) parameter tensor; "
                          .. "use getParameters() to flatten parameters", fname, argn or 2), 3)
   end
   if x:dim() > 1 then
      error(string.format("optim.%s: argument #%d (x) must be a 1-D (flat) parameter tensor, got %d dimensions; "
                          .. "use getParameters() to flatten parameters", fname, argn or 2, x:dim()), 3)
   end
end

-- The gradient returned by opfunc must be a tensor with x's element count.
function optim._checkgrad(dfdx, x, fname)
   if not torch.isTensor(dfdx) then
      error(string.format("optim.%s: opfunc must return f(x) and df/dx (a tensor), got df/dx of type %s",
                          fname, torch.type(dfdx)), 3)
   end
   if dfdx:nElement() ~= x:nElement() then
      error(string.format("optim.%s: df/dx returned by opfunc has %d elements, x has %d",
                          fname, dfdx:nElement(), x:nElement()), 3)
   end
end

for _, f in ipairs{'sgd', 'cg', 'asgd', 'nag', 'fista', 'lbfgs', 'adagrad', 'rprop', 'adam',
                   'adamax', 'rmsprop', 'adadelta', 'cmaes', 'de', 'polyinterp', 'lswolfe',
                   'checkgrad', 'Logger', 'ConfusionMatrix'} do
   dofile(assert(package.searchpath('optim.' .. f, package.path)))
end

return optim
