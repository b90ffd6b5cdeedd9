-- conv2/xcorr2/conv3/xcorr3 and match: compositions of C kernels (strided unfold views, one
-- contiguous copy, matrix-vector products); no elementwise math runs in Lua.
local torch = torch
local I = torch._I
local istensor = I.istensor

local function flipped(k, nd)
   local r = k
   for d = k:dim() - nd + 1, k:dim() do
      local n = k:size(d)
      local idx = torch.LongTensor(n)
      for i = 1, n do idx[i] = n - i + 1 end
      r = r:index(d, idx)
   end
   return r
end

-- zero-pad the last nd dims of x by (ksize - 1) on both sides ('F' full mode)
local function padded(x, k, nd)
   local sizes = x:size():totable()
   local off = {}
   for i = 1, nd do
      local d = x:dim() - nd + i
      local kd = k:size(k:dim() - nd + i)
      sizes[d] = sizes[d] + 2 * (kd - 1)
      off[i] = kd
   end
   local p = x.new():resize(torch.LongStorage(sizes)):zero()
   local view = p
   for i = 1, nd do
      local d = x:dim() - nd + i
      view = view:narrow(d, off[i], x:size(d))
   end
   view:copy(x)
   return p
end

-- valid cross-correlation of one nd-dimensional plane with one kernel
local function xcorr_plane(res, x, k, nd, accumulate)
   local u = x
   local osz, ksz = {}, 1
   for d = 1, nd do
      local kd = k:size(d)
      if kd > x:size(d) then torch._error('conv: kernel larger than input in dimension ' .. d .. " (use 'F' for full)") end
      u = u:unfold(d, kd, 1)
      osz[d] = x:size(d) - kd + 1
      ksz = ksz * kd
   end
   local nout = 1
   for d = 1, nd do nout = nout * osz[d] end
   local m = u:contiguous():view(nout, ksz)
   local out = res:view(nout)
   if accumulate then out:addmv(m, k:contiguous():view(ksz))
   else out:mv(m, k:contiguous():view(ksz)) end
end

local function convnd(nd, name, flip)
   return function(...)
      local a = ...
      local res, x, k, mode
      if istensor(a) and istensor((select(2, ...))) and istensor((select(3, ...))) then
         res, x, k, mode = ...
      else
         x, k, mode = ...
      end
      local first = res and 2 or 1
      I.checkargs(name, first, {'tensor', 'tensor', 'string?'}, x, k, mode)
      mode = (mode or 'V'):upper()
      if x:dim() < nd or k:dim() < nd then
         torch._error(string.format('%s: unsupported dimensions %dD x %dD', name, x:dim(), k:dim()))
      end
      if mode:find('F') then x = padded(x, k, nd) end
      if flip then k = flipped(k, nd) end
      res = res or x.new()
      local xd, kd = x:dim(), k:dim()
      if xd < nd or kd < nd then torch._error(string.format('%s: unsupported dimensions %dD x %dD', name, xd, kd)) end
      local osz = {}
      for d = 1, nd do osz[d] = x:size(xd - nd + d) - k:size(kd - nd + d) + 1 end
      if xd == nd and kd == nd then                          -- plane * kernel
         res:resize(torch.LongStorage(osz))
         xcorr_plane(res, x, k, nd, false)
      elseif xd == nd + 1 and kd == nd + 1 then              -- one kernel per plane
         if x:size(1) ~= k:size(1) then torch._error(name .. ': input and kernel must have the same number of planes') end
         res:resize(x:size(1), unpack(osz))
         for i = 1, x:size(1) do xcorr_plane(res[i], x[i], k[i], nd, false) end
      elseif xd == nd + 1 and kd == nd + 2 then              -- sum over input planes
         if x:size(1) ~= k:size(2) then torch._error(name .. ': kernel input planes do not match the input') end
         res:resize(k:size(1), unpack(osz)):zero()
         for o = 1, k:size(1) do
            for i = 1, x:size(1) do xcorr_plane(res[o], x[i], k[o][i], nd, true) end
         end
      else
         torch._error(string.format('%s: unsupported dimensions %dD x %dD', name, xd, kd))
      end
      return res
   end
end
torch.conv2 = convnd(2, 'conv2', true)
torch.xcorr2 = convnd(2, 'xcorr2', false)
torch.conv3 = convnd(3, 'conv3', true)
torch.xcorr3 = convnd(3, 'xcorr3', false)
for _, n in ipairs{'conv2', 'xcorr2', 'conv3', 'xcorr3'} do
   I.Tensor[n] = function(self, ...) return torch[n](self, ...) end
end

-- match([res,] m1, m2 [, gain=1]): gain * squared Euclidean distances between rows
function torch.match(...)
   local a, b, c, d = ...
   local res, m1, m2, gain
   if istensor(c) then res, m1, m2, gain = a, b, c, d else m1, m2, gain = a, b, c end
   I.checktensor(m1, 1, 'match'); I.checktensor(m2, 2, 'match')
   gain = gain or 1
   local n1, n2 = m1:size(1), m2:size(1)
   local x = m1:contiguous():view(n1, -1)
   local y = m2:contiguous():view(n2, -1)
   if x:size(2) ~= y:size(2) then torch._error('match: rows of m1 and m2 must have the same size') end
   local x2 = torch.cmul(x, x):sum(2)            -- n1 x 1
   local y2 = torch.cmul(y, y):sum(2):t()        -- 1 x n2
   res = res or m1.new()
   res:resize(n1, n2)
   res:mm(x, y:t()):mul(-2)
   res:add(x2:expand(n1, n2)):add(y2:expand(n1, n2)):mul(gain)
   return res
end
function I.Tensor:match(...) return torch.match(self, ...) end

-- functions Torch7 installs from Tensor.lua / generic/Tensor.c in the torch namespace
for _, n in ipairs{'expand', 'expandAs', 'repeatTensor', 'view', 'viewAs', 'split', 'chunk', 'permute',
                   'squeeze', 'fill', 'zero', 'narrow', 'select', 'transpose', 't', 'unfold', 'clone',
                   'contiguous', 'resize', 'resizeAs', 'copy', 'apply', 'map', 'map2', 'isSameSizeAs',
                   'isSetTo', 'isSize', 'storage', 'storageOffset', 'dim', 'nDimension', 'nElement',
                   'size', 'stride', 'isContiguous', 'maskedSelect', 'sub', 'indexCopy'} do
   if torch[n] == nil then
      torch[n] = function(x, ...)
         I.checktensor(x, 1, n)
         return x[n](x, ...)
      end
   end
end
return torch
