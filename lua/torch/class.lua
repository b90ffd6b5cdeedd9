-- luaT-like class system: named metatables, parents, constructors and factories.
local torch = torch
local ffi = require 'ffi'

local registry = {}          -- typename -> metatable (method table)
torch._registry = registry
local ctortables = {}        -- typename -> constructor table

-- Error raised at the first stack level outside the torch package (user code).
local PKGDIR = debug.getinfo(1, 'S').source:match('^(@.*/)[^/]*$') or '@'
local function ours(src)
   return src:sub(1, #PKGDIR) == PKGDIR and not src:find('/', #PKGDIR + 1, true)
end
local function userlevel()
   local lvl = 3
   while true do
      local info = debug.getinfo(lvl, 'S')
      if not info then return 1 end
      local src = info.source
      if not (ours(src) or src == '=[C]') then return lvl - 1 end
      lvl = lvl + 1
   end
end
function torch._error(msg)
   error(msg, userlevel())
end
function torch._argerror(n, fname, msg)
   error(string.format("bad argument #%d to '%s' (%s)", n, fname, msg), userlevel())
end

local function forward(name, default)
   return function(self, ...)
      local f = self[name]
      if f then return f(self, ...) end
      if default then return default(self, ...) end
      error(string.format("attempt to perform '%s' on a %s", name, torch.typename(self) or type(self)), 2)
   end
end

-- torch.newmetatable(name, parentName, constructor, destructor, factory, module)
function torch.newmetatable(name, parentname, constructor, destructor, factory, module)
   assert(type(name) == 'string', 'newmetatable: class name expected')
   local mt = registry[name]
   if not mt then
      mt = {}
      registry[name] = mt
      mt.__typename = name
      mt.__version = 1
      mt.__index = mt
      mt.__tostring = function(self)
         local f = self.__tostring__
         if f then return f(self) end
         return torch.typename(self) or tostring(nil)
      end
      for _, op in ipairs{'add', 'sub', 'mul', 'div', 'mod', 'pow', 'unm', 'concat', 'lt', 'le', 'call'} do
         mt['__' .. op] = forward('__' .. op .. '__')
      end
      mt.__len = forward('__len__')
      mt.__eq = function(a, b)
         local f = a.__eq__
         if f then return f(a, b) end
         return rawequal(a, b)
      end
   end
   if parentname then
      local pmt = registry[parentname]
      if not pmt then error(string.format("class %s: parent class %s is unknown", name, parentname), 2) end
      setmetatable(mt, pmt)
   end
   mt.__factory = factory
   -- constructor table: torch.Foo(...) creates, torch.Foo.method reaches the class
   local ctor = ctortables[name]
   if not ctor then
      ctor = setmetatable({}, {__index = mt, __newindex = mt, __typename = name,
                               __call = function(_, ...) return mt.__constructor_fn(...) end,
                               __tostring = function() return name end})
      ctortables[name] = ctor
   end
   mt.__constructor_fn = constructor or function() error(name .. ' has no constructor', 2) end
   mt.__constructor = ctor
   mt.new = function(...) return mt.__constructor_fn(...) end
   if module ~= false then
      local modname, last = name:match('^(.*)%.([^.]+)$')
      local mod = module
      if not mod then
         if modname then
            mod = _G
            for part in modname:gmatch('[^.]+') do
               mod[part] = mod[part] or {}
               mod = mod[part]
            end
         else
            mod, last = _G, name
         end
      end
      mod[last or name] = ctor
   end
   return mt
end

-- torch.class(name [, parentName] [, module]): a Lua class whose constructor calls __init.
function torch.class(...)
   local name, parentname, module = ...
   if type(parentname) == 'table' then module, parentname = parentname, nil end
   assert(type(name) == 'string', 'torch.class: class name (string) expected')
   if parentname ~= nil and type(parentname) ~= 'string' then
      error('torch.class: parent class name (string) expected', 2)
   end
   local mt
   mt = torch.newmetatable(name, parentname,
      function(...)
         local self = setmetatable({}, mt)
         local init = self.__init
         if init then init(self, ...) end
         return self
      end, nil,
      function() return setmetatable({}, mt) end,
      module)
   if module then
      local last = name:match('([^.]+)$')
      module[last] = mt.__constructor
   end
   return mt, parentname and registry[parentname] or nil
end

function torch.getmetatable(name)
   return registry[name]
end
function torch.getconstructortable(name)
   return ctortables[name]
end
function torch.factory(name)
   local mt = registry[name]
   return mt and mt.__factory
end
function torch.setmetatable(obj, name)
   local mt = type(name) == 'table' and name or registry[name]
   assert(mt, 'torch.setmetatable: unknown class ' .. tostring(name))
   return setmetatable(obj, mt)
end
function torch.metatype(name, methods)
   return torch.newmetatable(name, nil, nil, nil, nil, false)
end

local cdata_typename = {}     -- filled by core.lua: function(cdata) -> name or nil
torch._cdata_typename = cdata_typename

-- class metatable of an object (table with a registered metatable, or torch cdata)
local function classof(obj)
   local t = type(obj)
   if t == 'table' or t == 'userdata' then
      local mt = getmetatable(obj)
      if type(mt) == 'table' and rawget(mt, '__typename') then return mt end
   elseif t == 'cdata' then
      for _, f in ipairs(cdata_typename) do
         local name = f(obj)
         if name then return registry[name] end
      end
   end
   return nil
end
torch._classof = classof

function torch.typename(obj)
   local mt = classof(obj)
   return mt and rawget(mt, '__typename') or nil
end

function torch.type(obj)
   return torch.typename(obj) or type(obj)
end

function torch.isTypeOf(obj, spec)
   if type(spec) ~= 'string' then
      local m = getmetatable(spec)
      spec = type(m) == 'table' and m.__typename or (type(spec) == 'table' and rawget(spec, '__typename'))
      assert(type(spec) == 'string', 'type must be provided as [regexp] string, or factory')
   end
   local mt = classof(obj)
   while type(mt) == 'table' do
      local tn = rawget(mt, '__typename')
      if tn then
         local match = tn:match(spec)
         if match and (match ~= spec or match == tn) then return true end
      end
      mt = getmetatable(mt)
   end
   return false
end

function torch.version(obj)
   local mt = classof(obj)
   return mt and mt.__version
end

function torch.getenv(obj)
   return torch._env and torch._env[obj] or {}
end
function torch.setenv(obj, t)
   torch._env = torch._env or setmetatable({}, {__mode = 'k'})
   torch._env[obj] = t
end

return torch
