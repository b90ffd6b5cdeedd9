-- torch.Timer: wall-clock (gettimeofday) and user/sys (getrusage) times.
local torch = torch
local ffi = require 'ffi'
pcall(ffi.cdef, [[
typedef struct torch_timeval { long tv_sec; long tv_usec; } torch_timeval;
typedef struct torch_rusage { torch_timeval ru_utime; torch_timeval ru_stime; long ru_opt[14]; } torch_rusage;
int gettimeofday(torch_timeval *tv, void *tz);
int getrusage(int who, torch_rusage *usage);
]])
local tv = ffi.new('torch_timeval')
local ru = ffi.new('torch_rusage')

local function now()
   ffi.C.gettimeofday(tv, nil)
   ffi.C.getrusage(0, ru)
   return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) * 1e-6,
          tonumber(ru.ru_utime.tv_sec) + tonumber(ru.ru_utime.tv_usec) * 1e-6,
          tonumber(ru.ru_stime.tv_sec) + tonumber(ru.ru_stime.tv_usec) * 1e-6
end

torch._now = now

local Timer = torch.class('torch.Timer')

function Timer:__init()
   self.isRunning = true
   self.totalrealtime, self.totalusertime, self.totalsystime = 0, 0, 0
   self.startrealtime, self.startusertime, self.startsystime = now()
end
function Timer:reset()
   self.totalrealtime, self.totalusertime, self.totalsystime = 0, 0, 0
   self.startrealtime, self.startusertime, self.startsystime = now()
   return self
end
function Timer:stop()
   if self.isRunning then
      local r, u, s = now()
      self.totalrealtime = self.totalrealtime + r - self.startrealtime
      self.totalusertime = self.totalusertime + u - self.startusertime
      self.totalsystime = self.totalsystime + s - self.startsystime
      self.isRunning = false
   end
   return self
end
function Timer:resume()
   if not self.isRunning then
      self.startrealtime, self.startusertime, self.startsystime = now()
      self.isRunning = true
   end
   return self
end
function Timer:time()
   local real, user, sys = self.totalrealtime, self.totalusertime, self.totalsystime
   if self.isRunning then
      local r, u, s = now()
      real = real + r - self.startrealtime
      user = user + u - self.startusertime
      sys = sys + s - self.startsystime
   end
   return {real = real, user = user, sys = sys}
end
function Timer:__tostring__()
   return 'torch.Timer [status: ' .. (self.isRunning and 'running' or 'stopped') .. ']'
end
return Timer
