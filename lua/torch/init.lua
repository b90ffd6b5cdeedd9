-- Torch7's `torch` package on LuaJIT: tensors live in pytorch_like's C core (lib/TH),
-- called through LuaJIT's FFI with the one ABI header (lib/include/TH.h).
local ffi = require 'ffi'

torch = torch or {}                -- Torch7 scripts expect a global `torch`
local torch = torch
package.loaded.torch = torch

local cfg = package.loaded['torch._config'] or {}
local libpath = cfg.library or os.getenv('PYTORCH_LIKE_C_LIBRARY')
local hdrpath = cfg.header or os.getenv('PYTORCH_LIKE_HEADER')
if not libpath or not hdrpath then
   error("torch: the C core is unknown; run Lua through `th` or pytorch_like.lua.LuaSession", 0)
end

if not pcall(ffi.typeof, 'THTensor') then
   local f = assert(io.open(hdrpath, 'r'))
   local text = f:read('*a')
   f:close()
   ffi.cdef(text)
end
torch._C = ffi.load(libpath)

torch._config = cfg

-- Torch7's global include(pkg, file): runs a file of a package in the current environment.
function torch.include(pkg, file)
   local path = assert(package.searchpath(pkg .. '.' .. file:gsub('%.lua$', ''), package.path))
   dofile(path)
end
include = include or function(file)
   local info = debug.getinfo(2, 'S')
   local dir = info.source:match('^@(.*/)') or './'
   return dofile(dir .. file)
end

function torch.packageLuaPath(name)
   if not name then
      local info = debug.getinfo(2, 'S')
      return info.source:match('^@(.*)/[^/]*$') or '.'
   end
   local p = package.searchpath(name, package.path)
   return p and p:match('^(.*)/[^/]*$')
end

require 'torch.class'
require 'torch.core'
require 'torch.Tensor'
require 'torch.TensorMath'
require 'torch.random'
require 'torch.conv'
require 'torch.Timer'
require 'torch.File'
require 'torch.serialize'
require 'torch.CmdLine'
require 'torch.Tester'
require 'torch.TestSuite'
require 'torch.utils'
require 'torch.test'

torch.setdefaulttensortype('torch.DoubleTensor')
return torch
