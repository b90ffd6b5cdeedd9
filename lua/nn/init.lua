-- Torch7's `nn` on the pytorch_like Lua frontend: the Module protocol, containers, pure-Lua
-- layers on tensor math and THNN-backed layers calling lib/THNN through LuaJIT's FFI.
require 'torch'
nn = nn or {}
local nn = nn
package.loaded.nn = nn

local files = {'utils', 'THNN', 'Module', 'Container', 'containers', 'Criterion', 'simple', 'table',
               'transfer', 'spatial', 'criterions', 'extra', 'Jacobian', 'StochasticGradient'}
files[#files + 1] = 'dilated'
files[#files + 1] = 'volumetric'
files[#files + 1] = 'depthwise'
files[#files + 1] = 'FeatureLPPooling'
files[#files + 1] = 'UpSampling'
files[#files + 1] = 'SpatialGridSamplerBilinear'
files[#files + 1] = 'SparseLinear'
files[#files + 1] = 'GatedLinearUnit'
files[#files + 1] = 'IndexLinear'
for _, f in ipairs(files) do
   dofile(assert(package.searchpath('nn.' .. f, package.path)))
end
return nn
