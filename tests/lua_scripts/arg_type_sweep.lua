-- Wrong-typed arguments (nil, a string, a table, a number, a boolean, a function, tensors of
-- other types) at each of the first four positions of every torch.* function and Tensor method,
-- after well-typed leading arguments. Returns the calls whose error leaked from inside the
-- library (a raw LuaJIT FFI or Lua runtime error, or one located in lua/torch/) instead of a
-- Torch7-style error at the caller (one a line), and the number of calls.
local bad = {
   {'nil', function() return nil end}, {'string', function() return 'x' end},
   {'table', function() return {} end}, {'number', function() return 2 end},
   {'FloatTensor', function() return torch.FloatTensor(2, 3):fill(1) end},
   {'LongTensor', function() return torch.LongTensor(2, 3):fill(1) end},
   {'boolean', function() return true end}, {'function', function() return print end},
}
local good = {function() return torch.DoubleTensor(2, 3):fill(1) end, function() return 1 end,
              function() return torch.LongTensor{1, 2} end}
local skip = {apply = true, map = true, map2 = true, free = true, retain = true, cdata = true, data = true,
              new = true, factory = true}
local RAW = {'cannot convert', 'attempt to ', "to '?'", 'lua/torch/', 'table index is nil', 'stack overflow'}

local function leaked(msg)
   msg = tostring(msg)
   for _, frag in ipairs(RAW) do
      if msg:find(frag, 1, true) then return true end
   end
   return false
end

local Tm = torch._I.Tensor
local methods, functions = {}, {}
for k, v in pairs(Tm) do
   if type(v) == 'function' and not skip[k] and not k:match('^_') then methods[#methods + 1] = k end
end
for k, v in pairs(torch) do
   if type(v) == 'function' and Tm[k] and not skip[k] and not k:match('^_') then functions[#functions + 1] = k end
end
table.sort(methods)
table.sort(functions)

local leaks, seen, calls = {}, {}, 0
local function try(label, f, ...)
   calls = calls + 1
   local ok, err = pcall(f, ...)
   if not ok and leaked(err) and not seen[label] then
      seen[label] = true
      leaks[#leaks + 1] = label .. ': ' .. tostring(err)
   end
end
local function sweep(prefix, f, with_self)
   for pos = 1, 4 do
      for _, b in ipairs(bad) do
         for _, g in ipairs(good) do
            local args = {}
            for i = 1, pos - 1 do args[i] = g() end
            args[pos] = b[2]()
            if with_self then
               try(prefix .. ' #' .. (pos + 1) .. ' ' .. b[1], f, torch.DoubleTensor(2, 3):fill(1), unpack(args, 1, pos))
            else
               try(prefix .. ' #' .. pos .. ' ' .. b[1], f, unpack(args, 1, pos))
            end
         end
      end
   end
end
for _, name in ipairs(methods) do sweep('x:' .. name, Tm[name], true) end
for _, name in ipairs(functions) do sweep('torch.' .. name, torch[name], false) end
return table.concat(leaks, "\n"), calls
