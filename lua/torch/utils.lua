-- torch.* helpers of utils.c / init.lua that are not classes.
local torch = torch
local I = torch._I
local C = I.C

function torch.setnumthreads(n)
   if type(n) ~= 'number' or n < 1 then torch._argerror(1, 'setnumthreads', 'positive number expected') end
   C.TH_setNumThreads(n)
end
function torch.getnumthreads() return C.TH_getNumThreads() end
function torch.getnumcores() return C.TH_getNumCores() end
function torch.isatty(f)
   local ffi = require 'ffi'
   pcall(ffi.cdef, 'int isatty(int fd);')
   local fd = (f == io.stderr) and 2 or (f == io.stdin and 0 or 1)
   return ffi.C.isatty(fd) ~= 0
end
function torch.updatethreadlocals() end
function torch.updateerrorhandlers() end
-- torch.tic() -> wall-clock seconds; torch.toc(t) -> seconds elapsed since t
function torch.tic() return (torch._now()) end
function torch.toc(t)
   if type(t) ~= 'number' then torch._argerror(1, 'toc', 'number (from torch.tic) expected') end
   return (torch._now()) - t
end

-- FFInterface: raw pointers for LuaJIT code (torch.data(x) = first element, typed)
function torch.data(obj, asnumber)
   local ffi = require 'ffi'
   local p
   if I.istensor(obj) then
      p = ffi.cast(I.PTRCT[obj.__th.dtype], C.THTensor_data(obj.__th))
   elseif I.isstorage(obj) then
      p = ffi.cast(I.PTRCT[obj.__st.dtype], obj.__st.data)
   else
      error('torch.data: tensor or storage expected', 2)
   end
   if asnumber then return tonumber(ffi.cast('intptr_t', p)) end
   return p
end
function torch.cdata(obj, asnumber)
   local ffi = require 'ffi'
   local p = I.istensor(obj) and obj.__th or (I.isstorage(obj) and obj.__st)
   if not p then error('torch.cdata: tensor or storage expected', 2) end
   if asnumber then return tonumber(ffi.cast('intptr_t', p)) end
   return p
end

-- help stubs where Torch7 had dok-generated documentation
function torch.help(x)
   print('no documentation available for ' .. tostring(torch.typename(x) or x) .. ' (dok is not bundled)')
end

-- Calling a Tensor/Storage method on something else gives Torch7's "bad argument #1" error
-- instead of an indexing error deep inside (e.g. torch.Tensor.size(torch.Timer())).
do
   local function guard(methods, ok, what)
      for name, f in pairs(methods) do
         if type(f) == 'function' and not name:match('^__') then
            methods[name] = function(self, ...)
               if not ok(self) then
                  torch._argerror(1, name, what .. ' expected, got ' .. (torch.typename(self) or type(self)))
               end
               return f(self, ...)
            end
         end
      end
   end
   guard(I.Tensor, I.istensor, 'torch.*Tensor')
   guard(I.Storage, I.isstorage, 'torch.*Storage')
end

return torch
