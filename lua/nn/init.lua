-- Torch7's `nn` on the pytorch_like Lua frontend: the Module protocol, containers, pure-Lua
-- layers on tensor math and THNN-backed layers calling lib/THNN through LuaJIT's FFI.
require 'torch'
nn = nn or {}
local nn = nn
package.loaded.nn = nn

local files = {'utils', 'THNN', 'Module', 'Container', 'containers', 'Criterion', 'simple', 'table',
               'transfer', 'spatial', 'criterions', 'extra', 'Jacobian', 'StochasticGradient',
               'table_extra', 'debugging', 'conversion', 'constant_noise', 'criterions_extra',
               'linear_variants', 'weightnorm', 'convolution_map', 'normalization', 'pooling_extra',
               'gpu', 'dilated', 'volumetric', 'depthwise', 'FeatureLPPooling', 'UpSampling',
               'SpatialGridSamplerBilinear', 'SparseLinear', 'GatedLinearUnit', 'IndexLinear', 'test'}
for _, f in ipairs(files) do
   dofile(assert(package.searchpath('nn.' .. f, package.path)))
end
return nn
