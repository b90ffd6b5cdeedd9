-- paths: the file-system helpers legacy Torch7 scripts use.
local ffi = require 'ffi'
pcall(ffi.cdef, [[
int mkdir(const char *path, unsigned int mode);
int rmdir(const char *path);
char *getcwd(char *buf, size_t size);
]])

local paths = {}
paths.sep = '/'

-- a directory opens for reading but read() fails with EISDIR (21)
local function exists(p, what)
   if type(p) ~= 'string' then return false end
   local f = io.open(p, 'r')
   if not f then return false end
   local ok, err, errno = f:read(1)
   f:close()
   local dir = (ok == nil and errno == 21)
   if what == 'dir' then return dir end
   return not dir
end

function paths.filep(p) return exists(p, 'file') end
function paths.dirp(p) return exists(p, 'dir') end

function paths.concat(...)
   local n = select('#', ...)
   local parts = {}
   if n == 0 then return paths.cwd() end
   for i = 1, n do
      local p = select(i, ...)
      if type(p) ~= 'string' then error('paths.concat: strings expected', 2) end
      if p:sub(1, 1) == '/' then parts = {} end
      if p ~= '' then parts[#parts + 1] = p end
   end
   local s = table.concat(parts, '/')
   if s:sub(1, 1) ~= '/' then s = paths.cwd() .. '/' .. s end
   s = s:gsub('/%./', '/'):gsub('/+', '/')
   if #s > 1 then s = s:gsub('/$', '') end
   return s
end

function paths.dirname(p)
   if type(p) ~= 'string' then error('paths.dirname: string expected', 2) end
   local d = p:match('^(.*)/[^/]*$')
   if d == nil then return '.' end
   if d == '' then return '/' end
   return d
end

function paths.basename(p, ext)
   if type(p) ~= 'string' then error('paths.basename: string expected', 2) end
   local b = p:gsub('/+$', ''):match('([^/]*)$')
   if ext then
      ext = ext:gsub('^%.', '')
      b = b:gsub('%.' .. ext:gsub('%p', '%%%0') .. '$', '')
   end
   return b
end

function paths.extname(p)
   return p:match('%.([^./]+)$')
end

function paths.cwd()
   local buf = ffi.new('char[4096]')
   local r = ffi.C.getcwd(buf, 4096)
   if r == nil then return os.getenv('PWD') or '.' end
   return ffi.string(buf)
end

function paths.home()
   return os.getenv('HOME') or '/'
end
paths.install_prefix = os.getenv('HOME') or '/'

function paths.mkdir(p)
   if ffi.C.mkdir(p, tonumber('777', 8)) == 0 then return true end
   return paths.dirp(p)
end
function paths.rmdir(p) return ffi.C.rmdir(p) == 0 end
function paths.rmall(p, yes)
   if yes ~= 'yes' then error('paths.rmall: pass "yes" to confirm', 2) end
   return os.execute('rm -rf ' .. string.format('%q', p)) == 0
end

local function listdir(p)
   local out = {}
   local h = io.popen('ls -a ' .. string.format('%q', p) .. ' 2>/dev/null')
   if not h then return nil end
   for line in h:lines() do out[#out + 1] = line end
   h:close()
   return out
end
function paths.dir(p)
   if not paths.dirp(p) then return nil end
   return listdir(p)
end
function paths.files(p, filter)
   local list = paths.dir(p) or {}
   local i = 0
   return function()
      while true do
         i = i + 1
         local f = list[i]
         if f == nil then return nil end
         if filter == nil then return f end
         if type(filter) == 'function' then
            if filter(f) then return f end
         elseif f:find(filter) then
            return f
         end
      end
   end
end
function paths.iterfiles(p)
   return paths.files(p, function(f) return paths.filep(paths.concat(p, f)) end)
end
function paths.iterdirs(p)
   return paths.files(p, function(f) return f ~= '.' and f ~= '..' and paths.dirp(paths.concat(p, f)) end)
end

function paths.tmpname()
   local n = os.tmpname()
   return n
end

function paths.thisfile(arg)
   local info = debug.getinfo(2, 'S')
   local f = info.source:match('^@(.*)$')
   if arg then return paths.concat(paths.dirname(f), arg) end
   return f
end
function paths.dofile(f, ...)
   return dofile(paths.thisfile(f), ...)
end

-- Torch7's paths.require: like require (there are no C modules to load here)
function paths.require(name) return require(name) end

function paths.findprogram(...)
   for i = 1, select('#', ...) do
      local name = select(i, ...)
      local h = io.popen('command -v ' .. name .. ' 2>/dev/null')
      local r = h:read('*l')
      h:close()
      if r and r ~= '' then return r end
   end
   return nil
end

function paths.uname()
   local h = io.popen('uname -s 2>/dev/null')
   local s = h and h:read('*l') or 'Linux'
   if h then h:close() end
   return s, s, s
end
function paths.is_win() return false end
function paths.is_mac() return paths.uname() == 'Darwin' end

package.loaded.paths = paths
_G.paths = paths   -- Torch7 packages define their global
return paths
