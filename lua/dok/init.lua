-- dok: documentation is not bundled; help() explains that, dok.unpack parses arguments as
-- xlua.unpack does (legacy packages call it to read named arguments).
local dok = {}

function dok.help(obj)
   local name = obj
   if torch and torch.typename(obj) then name = torch.typename(obj) end
   print('no documentation available for ' .. tostring(name) .. ' (dok is not bundled)')
end
dok.inline = dok.help
function dok.html() return '' end

function dok.unpack(args, funcname, description, ...)
   return require('xlua').unpack(args, funcname, description, ...)
end

function dok.error(message, domain)
   if domain then message = '<' .. domain .. '> ' .. message end
   error(message, 2)
end

package.loaded.dok = dok
_G.dok = dok
return dok
