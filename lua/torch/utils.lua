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
   local ok, ffi = pcall(require, 'ffi')
   pcall(ffi.cdef, 'int isatty(int fd); int fileno(void *stream);')
   local fd = (f == io.stderr) and 2 or (f == io.stdin and 0 or 1)
   return ffi.C.isatty(fd) ~= 0
end
function torch.updatethreadlocals() end
function torch.updateerrorhandlers() end
function torch.tic() return torch.Timer():time().real end
local tic0
function torch.tic()
   tic0 = torch.Timer()
   return 0
end
function torch.toc() return tic0 and tic0:time().real or 0 end

-- help stubs where Torch7 had dok-generated documentation
function torch.help(x)
   print('no documentation available for ' .. tostring(torch.typename(x) or x) .. ' (dok is not bundled)')
end
return torch
