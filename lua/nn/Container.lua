-- nn.Container: a module holding child modules in self.modules.
local Container, parent = torch.class('nn.Container', 'nn.Module')

function Container:__init(...)
   parent.__init(self, ...)
   self.modules = {}
end

function Container:add(module)
   table.insert(self.modules, module)
   return self
end

function Container:get(index) return self.modules[index] end
function Container:size() return #self.modules end

-- run a child's method; errors get the position of the child prefixed
function Container:rethrowErrors(module, moduleIndex, funcName, ...)
   local results = {pcall(module[funcName], module, ...)}
   if not results[1] then
      local err = results[2]
      if type(err) == 'string' and not err:find('^In %d+ module of ') then
         err = string.format('In %d module of %s:\n%s', moduleIndex, torch.type(self), err)
      end
      error(err, 0)
   end
   return unpack(results, 2, table.maxn(results))
end

function Container:applyToModules(func)
   for _, module in ipairs(self.modules) do func(module) end
end

function Container:zeroGradParameters() self:applyToModules(function(m) m:zeroGradParameters() end) end
function Container:updateParameters(lr) self:applyToModules(function(m) m:updateParameters(lr) end) end
function Container:training() self:applyToModules(function(m) m:training() end); parent.training(self) end
function Container:evaluate() self:applyToModules(function(m) m:evaluate() end); parent.evaluate(self) end

function Container:share(mlp, ...)
   for i = 1, #self.modules do self.modules[i]:share(mlp.modules[i], ...) end
   return self
end

function Container:reset(stdv) self:applyToModules(function(m) m:reset(stdv) end) end

function Container:parameters()
   local function tinsert(to, from)
      if type(from) == 'table' then
         for i = 1, #from do tinsert(to, from[i]) end
      else
         table.insert(to, from)
      end
   end
   local w, gw = {}, {}
   for i = 1, #self.modules do
      local mw, mgw = self.modules[i]:parameters()
      if mw then tinsert(w, mw); tinsert(gw, mgw) end
   end
   return w, gw
end

function Container:clearState()
   -- new objects: the old output/gradInput may be aliased by other modules
   if self.output then
      if torch.isTensor(self.output) then self.output = self.output.new() else self.output = {} end
   end
   if self.gradInput then
      if torch.isTensor(self.gradInput) then self.gradInput = self.gradInput.new() else self.gradInput = {} end
   end
   for _, m in ipairs(self.modules) do m:clearState() end
   return self
end
