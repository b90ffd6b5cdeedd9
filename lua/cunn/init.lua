-- cunn stand-in for a CPU-only build: requiring it succeeds (scripts can fall back to the
-- CPU), module:cuda() raises a clear error.
require 'cutorch'
require 'nn'
cunn = cunn or {}
package.loaded.cunn = cunn
cunn.available = false
nn.DataParallelTable = nil
return cunn
