-- cudnn stand-in for a CPU-only build: cudnn.X aliases nn.X so CPU code paths keep working,
-- except the classes whose cuDNN semantics nn lacks (cudnn/modules.lua); :cuda() still raises
-- (no GPU). Loading cudnn.torch objects from .t7 files: cudnn/load.lua.
require 'cunn'
cudnn = cudnn or {}
local cudnn = cudnn
package.loaded.cudnn = cudnn
cudnn.available = false
cudnn.benchmark = false
cudnn.fastest = false
cudnn.verbose = false
function cudnn.convert(net, dst) return net end
-- cudnn.SoftMax/LogSoftMax (instance mode) and SpatialCrossEntropyCriterion, which nn lacks
require 'cudnn.modules'
-- cudnn.ClippedReLU(ceiling [, inplace]): min(max(x, 0), ceiling)
function cudnn.ClippedReLU(ceiling, inplace)
   if type(ceiling) ~= 'number' or ceiling <= 0 then
      error("bad argument #1 to 'cudnn.ClippedReLU' (positive number expected, got " .. tostring(ceiling) .. ')', 2)
   end
   return nn.HardTanh(0, ceiling, inplace)
end
setmetatable(cudnn, {__index = function(_, k)
   local v = rawget(nn, k)
   if v == nil then v = nn[k] end
   return v
end})
return cudnn
