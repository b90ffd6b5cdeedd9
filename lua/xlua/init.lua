-- xlua: the progress bar and the helpers (xlua.require, xlua.print, ...) Torch7 scripts use.
local sys = require 'sys'
local xlua = {}

-- terminal progress bar: xlua.progress(i, n)
do
   local barDone = true
   local previous = -1
   local tm = ''
   local timer
   local times
   local indices
   local termLength = tonumber(os.getenv('COLUMNS')) or 80
   local function formatTime(seconds)
      local floor = math.floor
      local days = floor(seconds / 3600 / 24); seconds = seconds - days * 3600 * 24
      local hours = floor(seconds / 3600); seconds = seconds - hours * 3600
      local minutes = floor(seconds / 60); seconds = seconds - minutes * 60
      local secondsf = floor(seconds); seconds = seconds - secondsf
      local millis = floor(seconds * 1000)
      local f, i = '', 1
      if days > 0 then f = f .. days .. 'D'; i = i + 1 end
      if hours > 0 and i <= 2 then f = f .. hours .. 'h'; i = i + 1 end
      if minutes > 0 and i <= 2 then f = f .. minutes .. 'm'; i = i + 1 end
      if secondsf > 0 and i <= 2 then f = f .. secondsf .. 's'; i = i + 1 end
      if millis > 0 and i <= 2 then f = f .. millis .. 'ms'; i = i + 1 end
      if f == '' then f = '0ms' end
      return f
   end
   function xlua.progress(current, goal)
      if goal <= 0 then return end
      local barLength = termLength - 34
      local now = sys.clock()
      if barDone and ((previous == -1) or (previous > current)) then
         barDone = false
         previous = -1
         tm = ''
         timer = now
         times = {timer}
         indices = {current}
      else
         io.write('\r')
      end
      local percent = math.floor(((current) * barLength) / goal)
      io.write(' [')
      for i = 1, barLength do
         if i < percent then io.write('=') elseif i == percent then io.write('>') else io.write('.') end
      end
      io.write('] ')
      for i = 1, termLength - barLength - 4 do io.write(' ') end
      for i = 1, termLength - barLength - 4 do io.write('\b') end
      local elapsed = now - timer
      local step = (current > 0) and (elapsed / current) or 0
      local remaining = math.max(0, (goal - current) * step)
      tm = 'ETA: ' .. formatTime(remaining) .. ' | Step: ' .. formatTime(step)
      if current == goal then tm = 'Tot: ' .. formatTime(elapsed) .. ' | Step: ' .. formatTime(step) end
      io.write(tm)
      local strlen = #tostring(current) + #tostring(goal) + 1
      io.write(string.rep(' ', math.max(0, 10 - strlen)) .. current .. '/' .. goal)
      if current == goal then
         io.write('\n')
         barDone = true
         previous = -1
      else
         previous = current
      end
      io.flush()
   end
end

-- xlua.require(name [, verbose]): require that returns nil (or warns) instead of failing
function xlua.require(name, verbose)
   local ok, mod = pcall(require, name)
   if not ok then
      if verbose then print('warning: could not load package ' .. name .. ':\n' .. tostring(mod)) end
      return nil
   end
   return mod
end

function xlua.print(obj, ...)
   if type(obj) == 'table' and not (torch and torch.typename(obj)) then
      local keys = {}
      for k in pairs(obj) do keys[#keys + 1] = k end
      table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
      io.write('{\n')
      for _, k in ipairs(keys) do io.write('  ', tostring(k), ' : ', tostring(obj[k]), '\n') end
      io.write('}\n')
   else
      print(obj, ...)
   end
end

function xlua.error(message, domain, usage)
   if domain then message = '<' .. domain .. '> ' .. message end
   if usage then message = message .. '\n' .. usage end
   error(message, 2)
end

-- xlua.unpack(args, funcname, description, {arg=..., type=..., help=..., default=...}, ...)
function xlua.unpack(args, funcname, description, ...)
   local defs = {...}
   local params = {}
   local named = #args == 1 and type(args[1]) == 'table' and not (torch and torch.typename(args[1]))
   for i, d in ipairs(defs) do
      local v
      if named then v = args[1][d.arg] else v = args[i] end
      if v == nil then v = d.default end
      if v == nil and d.req then
         xlua.error('missing argument: ' .. d.arg, funcname, description)
      end
      params[i] = v
   end
   return unpack(params, 1, #defs)
end

function xlua.clearLine() io.write('\r' .. string.rep(' ', 80) .. '\r') end

package.loaded.xlua = xlua
_G.xlua = xlua
return xlua
