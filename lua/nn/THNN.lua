-- nn.THNN.<Op>_updateOutput(...): the lib/THNN kernels through the FFI (cdef'd by torch from
-- TH.h). A failing status raises the kernel's message (it names the module and argument).
local ffi = require 'ffi'
local C = torch._C
local THNN = {}
nn.THNN = THNN

local function lookup(name)
   local ok, f = pcall(function() return C['THNN_' .. name] end)
   if ok then return f end
end

setmetatable(THNN, {__index = function(_, name)
   local f = lookup(name)
   local fn
   if f then
      fn = function(...)
         if f(...) ~= 0 then error(ffi.string(C.TH_lastError()), 0) end
      end
   else
      fn = function()
         error('THNN_' .. name .. ' is not implemented yet in this build of the C core', 0)
      end
   end
   rawset(THNN, name, fn)
   return fn
end})

-- the THTensor* of an optional tensor (NULL for nil)
function THNN.optional(t)
   if t == nil then return nil end
   return t:cdata()
end
-- index_base of Lua
THNN.BASE = 1

-- the kernels compute in float32/float64 only
function THNN.checkFloat(module, t, argname)
   local tn = torch.typename(t)
   if tn ~= 'torch.FloatTensor' and tn ~= 'torch.DoubleTensor' then
      error(string.format('%s: expected %s to be a FloatTensor or DoubleTensor, got %s',
                          torch.typename(module), argname or 'input', torch.type(t)), 0)
   end
end
