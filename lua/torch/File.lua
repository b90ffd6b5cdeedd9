-- torch.File, torch.DiskFile and torch.MemoryFile: Torch7's THFile primitives in binary and
-- ascii modes (object serialization lives elsewhere). Positions are 1-based in Lua.
local torch = torch
local ffi = require 'ffi'
local I = torch._I
local C = I.C

local File = torch.class('torch.File')

local KINDS = {   -- name -> dtype, C type, ascii format
   Byte = {3, 'uint8_t', nil}, Char = {4, 'int8_t', nil}, Short = {5, 'int16_t', '%d'},
   Int = {6, 'int32_t', '%d'}, Long = {7, 'int64_t', '%d'}, Float = {0, 'float', '%.9g'},
   Double = {1, 'double', '%.17g'},
}

function File:__init()
   self._quiet = false
   self._binary = false          -- Torch7 default: ascii, auto spacing
   self._autoSpacing = true
   self._hasError = false
   self._longSize = 8
   self._swap = false
   self._readable, self._writable = false, false
end

function File:isQuiet() return self._quiet end
function File:isReadable() return self._readable end
function File:isWritable() return self._writable end
function File:isBinary() return self._binary end
function File:isAutoSpacing() return self._autoSpacing end
function File:hasError() return self._hasError end
function File:binary() self._binary = true; return self end
function File:ascii() self._binary = false; return self end
function File:autoSpacing() self._autoSpacing = true; return self end
function File:noAutoSpacing() self._autoSpacing = false; return self end
function File:quiet() self._quiet = true; return self end
function File:pedantic() self._quiet = false; return self end
function File:clearError() self._hasError = false; return self end
function File:longSize(n)
   if n ~= 0 and n ~= 4 and n ~= 8 then error('Invalid long size specified', 2) end
   self._longSize = (n == 0) and 8 or n
   return self
end
function File:isLittleEndianCPU() return ffi.abi('le') end
function File:isBigEndianCPU() return ffi.abi('be') end
function File:nativeEndianEncoding() self._swap = false; return self end
function File:littleEndianEncoding() self._swap = not ffi.abi('le'); return self end
function File:bigEndianEncoding() self._swap = ffi.abi('le'); return self end

function File:_checkOpen(fn)
   if not self:isOpened() then error('attempt to use a closed file', 3) end
end
function File:_checkRead()
   self:_checkOpen()
   if not self._readable then error('attempt to read in a write-only file', 3) end
end
function File:_checkWrite()
   self:_checkOpen()
   if not self._writable then error('attempt to write in a read-only file', 3) end
end
function File:_error(msg)
   self._hasError = true
   if not self._quiet then error(msg, 3) end
end

local function swapbytes(ptr, n, size)
   local p = ffi.cast('uint8_t *', ptr)
   for i = 0, n - 1 do
      local b = p + i * size
      for j = 0, size / 2 - 1 do b[j], b[size - 1 - j] = b[size - 1 - j], b[j] end
   end
end

-- ascii: skip spaces, read a token of number characters
function File:_readToken()
   local c = self:_rawread(1)
   while c ~= '' and c:match('%s') do c = self:_rawread(1) end
   if c == '' then return nil end
   local tok = {c}
   while true do
      c = self:_rawread(1)
      if c == '' then break end
      if c:match('%s') then break end
      tok[#tok + 1] = c
   end
   return table.concat(tok)
end

-- read n values of a kind into a C buffer; returns the count read
function File:_readValues(kind, buf, n)
   local k = KINDS[kind]
   local size = ffi.sizeof(k[2])
   if kind == 'Long' and self._longSize == 4 then size = 4 end
   if self._binary or not k[3] then
      local s = self:_rawread(n * size)
      local got = math.floor(#s / size)
      if kind == 'Long' and size == 4 then
         local tmp = ffi.new('int32_t[?]', got)
         ffi.copy(tmp, s, got * 4)
         if self._swap then swapbytes(tmp, got, 4) end
         for i = 0, got - 1 do buf[i] = tmp[i] end
      else
         ffi.copy(buf, s, got * size)
         if self._swap and size > 1 then swapbytes(buf, got, size) end
      end
      return got
   end
   for i = 0, n - 1 do
      local tok = self:_readToken()
      local v = tok and tonumber(tok)
      if tok == 'nan' or tok == '-nan' then v = 0 / 0 elseif tok == 'inf' then v = math.huge elseif tok == '-inf' then v = -math.huge end
      if v == nil then return i end
      buf[i] = v
   end
   return n
end

function File:_writeValues(kind, buf, n)
   local k = KINDS[kind]
   local size = ffi.sizeof(k[2])
   if self._binary or not k[3] then
      if kind == 'Long' and self._longSize == 4 then
         local tmp = ffi.new('int32_t[?]', n)
         for i = 0, n - 1 do tmp[i] = buf[i] end
         if self._swap then swapbytes(tmp, n, 4) end
         self:_rawwrite(ffi.string(tmp, 4 * n))
         return n
      end
      if self._swap and size > 1 then
         local tmp = ffi.new(k[2] .. '[?]', n)
         ffi.copy(tmp, buf, n * size)
         swapbytes(tmp, n, size)
         buf = tmp
      end
      self:_rawwrite(ffi.string(buf, n * size))
      return n
   end
   local parts = {}
   for i = 0, n - 1 do
      local v = tonumber(buf[i])
      local s
      if v ~= v then s = 'nan' elseif v == math.huge then s = 'inf' elseif v == -math.huge then s = '-inf'
      elseif k[3] == '%d' then s = string.format('%d', v) else s = string.format(k[3], v) end
      parts[#parts + 1] = s
   end
   local sep = self._autoSpacing and ' ' or ''
   local out = table.concat(parts, sep)
   if self._autoSpacing and n > 0 then out = out .. '\n' end
   self:_rawwrite(out)
   return n
end

for kind, k in pairs(KINDS) do
   local dtype, ctype = k[1], k[2]
   -- one value: a fixed-size array, not a VLA of length 1. LuaJIT (2.1 as bundled by lupa 2.8)
   -- sinks a constant-size VLA allocation that does not escape its trace, and a side exit then
   -- rebuilds it with the VLA type's size (-1): a too-small cdata that the interpreter writes
   -- past, corrupting the Lua heap (tests/test_t7_jit.py).
   local onect = ffi.typeof(ctype .. '[1]')
   local storagename = 'torch.' .. kind .. 'Storage'
   File['read' .. kind] = function(self, arg)
      self:_checkRead()
      if arg == nil then
         local buf = onect()
         if self:_readValues(kind, buf, 1) ~= 1 then
            self:_error(string.format('read error: read %d blocks instead of %d', 0, 1))
            return 0
         end
         return tonumber(buf[0])
      end
      local storage, n
      if type(arg) == 'number' then
         storage = torch[kind .. 'Storage'](arg); n = arg
      elseif torch.typename(arg) == storagename then
         storage = arg; n = arg:size()
      else
         error('read' .. kind .. ': number or ' .. storagename .. ' expected', 2)
      end
      local got = self:_readValues(kind, ffi.cast(ctype .. ' *', storage.__st.data), n)
      if got ~= n then
         self:_error(string.format('read error: read %d blocks instead of %d', got, n))
         if type(arg) == 'number' then storage:resize(got) end
      end
      if type(arg) == 'number' then return storage end
      return got
   end
   File['write' .. kind] = function(self, arg)
      self:_checkWrite()
      if type(arg) == 'number' then
         local buf = onect()
         buf[0] = arg
         return self:_writeValues(kind, buf, 1)
      end
      if torch.typename(arg) ~= storagename then
         error('write' .. kind .. ': number or ' .. storagename .. ' expected', 2)
      end
      return self:_writeValues(kind, ffi.cast(ctype .. ' *', arg.__st.data), arg:size())
   end
end

function File:readBool() return self:readInt() == 1 end
function File:writeBool(v) return self:writeInt(v and 1 or 0) end

function File:readString(format)
   self:_checkRead()
   if format == '*a' then return self:_rawread(math.huge) end
   if format == '*l' then
      local line = {}
      while true do
         local c = self:_rawread(1)
         if c == '' then
            if #line == 0 then self:_error('read error: read 0 blocks instead of 1') end
            break
         end
         if c == '\n' then break end
         line[#line + 1] = c
      end
      return table.concat(line)
   end
   if type(format) == 'number' then return self:_rawread(format) end
   error("readString: format must be '*a' or '*l'", 2)
end
function File:writeString(s)
   self:_checkWrite()
   if type(s) ~= 'string' then error('writeString: string expected', 2) end
   self:_rawwrite(s)
   return #s
end

function File:referenced(v) self._referenced = v; return self end
function File:isReferenced() return self._referenced ~= false end

-- ------------------------------------------------------------------ DiskFile
local DiskFile = torch.class('torch.DiskFile', 'torch.File')

function DiskFile:__init(name, mode, quiet)
   File.__init(self)
   mode = mode or 'r'
   if mode ~= 'r' and mode ~= 'w' and mode ~= 'rw' then error("invalid mode: 'r', 'w' or 'rw' expected", 2) end
   local fmode = ({r = 'rb', w = 'wb', rw = 'r+b'})[mode]
   local f = io.open(name, fmode)
   if not f and mode == 'rw' then f = io.open(name, 'w+b') end
   if not f then
      if quiet then self._hasError = true; return end
      error(string.format('cannot open <%s> in mode %s', name, mode), 2)
   end
   self._f = f
   self._name = name
   self._quiet = quiet or false
   self._readable = mode ~= 'w'
   self._writable = mode ~= 'r'
end
function DiskFile:isOpened() return self._f ~= nil end
function DiskFile:_rawread(n)
   if n == math.huge then return self._f:read('*a') or '' end
   if n == 0 then return '' end
   return self._f:read(n) or ''
end
function DiskFile:_rawwrite(s) self._f:write(s) end
function DiskFile:synchronize() self:_checkOpen(); self._f:flush(); return self end
function DiskFile:seek(pos)
   self:_checkOpen()
   if type(pos) ~= 'number' or pos < 1 then error('seek: position must be >= 1', 2) end
   local ok = self._f:seek('set', pos - 1)
   if not ok then self:_error('unable to seek at position ' .. pos) end
   return self
end
function DiskFile:seekEnd() self:_checkOpen(); self._f:seek('end'); return self end
function DiskFile:position() self:_checkOpen(); return self._f:seek('cur') + 1 end
function DiskFile:close() if self._f then self._f:close(); self._f = nil end; return self end
function DiskFile:noBuffer() if self._f then self._f:setvbuf('no') end; return self end
function DiskFile:name() return self._name end
function DiskFile:__tostring__()
   return string.format('torch.DiskFile on <%s> [status: %s -- mode %s%s]', self._name or '?',
                        self._f and 'open' or 'closed', self._readable and 'r' or '', self._writable and 'w' or '')
end

-- ------------------------------------------------------------------ MemoryFile
local MemoryFile = torch.class('torch.MemoryFile', 'torch.File')

function MemoryFile:__init(a, b)
   File.__init(self)
   local storage, mode
   if torch.typename(a) == 'torch.CharStorage' then storage, mode = a, b else mode = a end
   mode = mode or 'rw'
   if mode ~= 'r' and mode ~= 'w' and mode ~= 'rw' then error("invalid mode: 'r', 'w' or 'rw' expected", 2) end
   if storage then
      local n = storage:size()
      if n == 0 or storage[n] ~= 0 then error('provided CharStorage must be terminated by 0', 2) end
      self._size = n - 1
   else
      storage = torch.CharStorage(1):fill(0)
      self._size = 0
   end
   self._storage = storage
   self._pos = 0
   self._open = true
   self._readable = mode ~= 'w'
   self._writable = mode ~= 'r'
end
function MemoryFile:isOpened() return self._open end
function MemoryFile:_rawread(n)
   local avail = self._size - self._pos
   if n > avail then n = avail end
   if n <= 0 then return '' end
   local s = ffi.string(self._storage.__st.data + self._pos, n)
   self._pos = self._pos + n
   return s
end
-- (readObject reads the storage in place: moving it under the reader would be a use after free)
local function checknotreading(self)
   if self._t7reading then
      torch._error('MemoryFile: cannot write to or resize the file while readObject reads from it')
   end
end
function MemoryFile:_rawwrite(s)
   checknotreading(self)
   local n = #s
   local need = self._pos + n + 1
   local st = self._storage
   if st:size() < need then
      st:resize(math.max(need, st:size() * 2))
   end
   ffi.copy(st.__st.data + self._pos, s, n)
   self._pos = self._pos + n
   if self._pos > self._size then self._size = self._pos end
   st.__st.data[self._size] = 0
end
function MemoryFile:storage()
   checknotreading(self)
   self._storage:resize(self._size + 1)
   self._storage.__st.data[self._size] = 0
   return self._storage
end
function MemoryFile:synchronize() return self end
function MemoryFile:seek(pos)
   self:_checkOpen()
   if type(pos) ~= 'number' or pos < 1 or pos - 1 > self._size then
      self:_error('unable to seek at position ' .. tostring(pos))
      return self
   end
   self._pos = pos - 1
   return self
end
function MemoryFile:seekEnd() self._pos = self._size; return self end
function MemoryFile:position() return self._pos + 1 end
function MemoryFile:close() self._open = false; return self end
function MemoryFile:__tostring__()
   return string.format('torch.MemoryFile [status: %s -- mode %s%s]', self._open and 'open' or 'closed',
                        self._readable and 'r' or '', self._writable and 'w' or '')
end

-- ------------------------------------------------------------------ PipeFile
local PipeFile = torch.class('torch.PipeFile', 'torch.DiskFile')

function PipeFile:__init(cmd, mode, quiet)
   File.__init(self)
   mode = mode or 'r'
   if mode ~= 'r' and mode ~= 'w' then error("invalid mode: 'r' or 'w' expected", 2) end
   local f = io.popen(cmd, mode)
   if not f then
      if quiet then self._hasError = true; return end
      error(string.format('cannot open <%s> in mode %s', cmd, mode), 2)
   end
   self._f = f
   self._name = cmd
   self._quiet = quiet or false
   self._readable = mode == 'r'
   self._writable = mode == 'w'
end
function PipeFile:seek() error('seek is not supported on a pipe', 2) end
function PipeFile:__tostring__()
   return string.format('torch.PipeFile on <%s> [status: %s -- mode %s]', self._name or '?',
                        self._f and 'open' or 'closed', self._readable and 'r' or 'w')
end

return File
