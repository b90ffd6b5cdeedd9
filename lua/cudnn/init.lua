-- cudnn stand-in for a CPU-only build: cudnn.X aliases nn.X so CPU code paths keep working;
-- :cuda() still raises (no GPU).
require 'cunn'
cudnn = cudnn or {}
local cudnn = cudnn
package.loaded.cudnn = cudnn
cudnn.available = false
cudnn.benchmark = false
cudnn.fastest = false
cudnn.verbose = false
function cudnn.convert(net, dst) return net end
setmetatable(cudnn, {__index = function(_, k)
   local v = rawget(nn, k)
   if v == nil then v = nn[k] end
   return v
end})
return cudnn
