-- sys: clock, tic/toc, shell execution and terminal colours (the Torch7 `sys` package).
local ffi = require 'ffi'
-- one cdef each: torch/Timer.lua declares gettimeofday with its own struct, and a failing
-- redeclaration must not drop the others (the clock then fell back to whole seconds)
pcall(ffi.cdef, 'typedef struct sys_timeval { long tv_sec; long tv_usec; } sys_timeval;')
pcall(ffi.cdef, 'int gettimeofday(sys_timeval *tv, void *tz);')
pcall(ffi.cdef, 'unsigned int sleep(unsigned int seconds);')
pcall(ffi.cdef, 'int usleep(unsigned int usec);')

local sys = {}
local tv = ffi.new('sys_timeval')
local ok_gtod = pcall(function() return ffi.C.gettimeofday end)

function sys.clock()
   if ok_gtod then
      local ok = pcall(ffi.C.gettimeofday, ffi.cast('void *', tv), nil)
      if ok then return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) * 1e-6 end
   end
   return os.time()
end

local t0
function sys.tic() t0 = sys.clock(); return t0 end
function sys.toc(verbose)
   local dt = sys.clock() - (t0 or sys.clock())
   if verbose then print(dt) end
   return dt
end

function sys.execute(cmd, readwhat)
   local h = io.popen(cmd .. ' 2>&1')
   local s = h:read(readwhat or '*a')
   h:close()
   s = (s or ''):gsub('^%s*', ''):gsub('%s*$', '')
   return s
end
sys.fexecute = sys.execute

function sys.uname()
   local s = sys.execute('uname -a')
   if s:find('Darwin') then return 'macos' end
   if s:find('Linux') then return 'linux' end
   if s:find('FreeBSD') then return 'freebsd' end
   return '?'
end
sys.OS = sys.uname()

function sys.sleep(seconds) ffi.C.usleep(math.floor(seconds * 1e6)) end
function sys.usleep(us) ffi.C.usleep(us) end
function sys.pwd() return os.getenv('PWD') or sys.execute('pwd') end
function sys.dirname(p) return (p:match('^(.*)/[^/]*$')) or '.' end
function sys.basename(p) return (p:match('([^/]*)$')) end
function sys.concat(...) return table.concat({...}, '/') end
function sys.ls(p) return sys.execute('ls ' .. (p or '')) end
function sys.ll(p) return sys.execute('ls -l ' .. (p or '')) end
function sys.prefix() return os.getenv('HOME') end

sys.COLORS = {
   none = '\27[0m', black = '\27[0;30m', red = '\27[0;31m', green = '\27[0;32m',
   yellow = '\27[0;33m', blue = '\27[0;34m', magenta = '\27[0;35m', cyan = '\27[0;36m',
   white = '\27[0;37m', Black = '\27[1;30m', Red = '\27[1;31m', Green = '\27[1;32m',
   Yellow = '\27[1;33m', Blue = '\27[1;34m', Magenta = '\27[1;35m', Cyan = '\27[1;36m',
   White = '\27[1;37m', _black = '\27[40m', _red = '\27[41m', _green = '\27[42m',
   _yellow = '\27[43m', _blue = '\27[44m', _magenta = '\27[45m', _cyan = '\27[46m',
   _white = '\27[47m',
}

package.loaded.sys = sys
_G.sys = sys
return sys
