-- cutorch stand-in for a CPU-only build: loads, reports no GPU, and :cuda() raises.
require 'torch'
cutorch = cutorch or {}
local cutorch = cutorch
package.loaded.cutorch = cutorch
local MSG = 'cutorch: no CUDA GPU available (pytorch_like was built without lib/THC)'
cutorch.available = false
cutorch.hasHalf = false
function cutorch.getDeviceCount() return 0 end
function cutorch.isAvailable() return false end
local function nogpu() error(MSG, 2) end
for _, f in ipairs{'setDevice', 'getDevice', 'synchronize', 'getDeviceProperties', 'getMemoryUsage',
                   'manualSeed', 'manualSeedAll', 'seed', 'seedAll', 'streamWaitFor', 'withDevice'} do
   cutorch[f] = nogpu
end
-- tensor:cuda() and the Cuda tensor constructors fail clearly
local I = torch._I
if I and I.Tensor and not I.Tensor.cuda then
   I.Tensor.cuda = function() error(MSG, 2) end
end
for _, n in ipairs{'CudaTensor', 'CudaDoubleTensor', 'CudaHalfTensor', 'CudaLongTensor', 'CudaByteTensor'} do
   if not torch[n] then
      torch[n] = setmetatable({}, {__call = function() error(MSG, 2) end, __index = function() error(MSG, 2) end})
   end
end
return cutorch
