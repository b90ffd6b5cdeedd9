-- nngraph.Node: a graph.Node whose data holds module, input, gradOutput, mapindex (the
-- position of each input's data), reverseMap (consumers), annotations, and for split
-- nodes nSplitOutputs / selectindex.
local nnNode, parent = torch.class('nngraph.Node', 'graph.Node')

-- sources under the Lua package root (torch, nn, graph, nngraph) are not user code
local LUAROOT = debug.getinfo(1, 'S').source:match('^(@.*/)nngraph/[^/]*$') or '@\0'

function nnNode:__init(data)
   parent.__init(self, data)
   self.data.annotations = self.data.annotations or {}
   self.data.mapindex = self.data.mapindex or {}
   self.data.reverseMap = self.data.reverseMap or {}
   if not self.data.annotations._debugLabel then
      -- the first stack frame outside nngraph is where the node was declared
      local lvl = 2
      while true do
         local info = debug.getinfo(lvl, 'Sl')
         if not info then break end
         if info.source:sub(1, #LUAROOT) ~= LUAROOT and info.what ~= 'C'
            and not info.source:find('/torch/class%.lua$') then
            self.data.annotations._debugLabel = string.format('[%s]:%d', info.short_src, info.currentline or 0)
            break
         end
         lvl = lvl + 1
      end
      self.data.annotations._debugLabel = self.data.annotations._debugLabel or '[unknown]'
   end
end

-- Adds an input (child); with domap the input's position is recorded in data.mapindex.
function nnNode:add(child, domap)
   parent.add(self, child)
   if domap then
      local mapindex = self.data.mapindex
      local data = child.data
      if mapindex[data] then
         error("nngraph: don't pass the same input twice to one node", 3)
      end
      table.insert(mapindex, data)
      mapindex[data] = #mapindex
      child.data.reverseMap[self] = true
   end
end

-- node:split(n): n nodes selecting the entries of this node's table output.
function nnNode:split(noutput)
   if type(noutput) ~= 'number' or noutput < 2 then
      error("nngraph.Node:split: argument #1 (noutput) must be >= 2 (splitting to one output is not supported)", 2)
   end
   local debugLabel = self.data.annotations._debugLabel
   local mnode = nngraph.Node({nSplitOutputs = noutput,
                               annotations = {_debugLabel = debugLabel .. '-mnode'}})
   mnode:add(self, true)
   local selectnodes = {}
   for i = 1, noutput do
      local node = nngraph.Node({selectindex = i, input = {},
                                 annotations = {_debugLabel = debugLabel .. '-' .. i}})
      node:add(mnode, true)
      table.insert(selectnodes, node)
   end
   return unpack(selectnodes)
end

-- node:annotate{name = ..., description = ..., graphAttributes = {...}}
function nnNode:annotate(annotations)
   if type(annotations) ~= 'table' then
      error("nngraph.Node:annotate: argument #1 (annotations) must be a table", 2)
   end
   for k, v in pairs(annotations) do
      self.data.annotations[k] = v
   end
   return self
end

function nnNode:graphNodeName()
   if self.data.annotations.name then
      return self.data.annotations.name .. ' (' .. self.id .. ')'
   end
   return 'Node' .. self.id
end

function nnNode:label()
   local lbl = {}
   local function describe(x)
      if torch.isTensor(x) then
         return torch.typename(x) .. '(' .. table.concat(x:size():totable(), 'x') .. ')'
      elseif type(x) == 'table' and not torch.typename(x) then
         local parts = {}
         for _, v in ipairs(x) do parts[#parts + 1] = describe(v) end
         return '{' .. table.concat(parts, ',') .. '}'
      end
      return tostring(x)
   end
   if self.data.module then lbl[#lbl + 1] = 'module = ' .. tostring(self.data.module) end
   if self.data.selectindex then lbl[#lbl + 1] = 'selectindex = ' .. self.data.selectindex end
   if self.data.nSplitOutputs then lbl[#lbl + 1] = 'nSplitOutputs = ' .. self.data.nSplitOutputs end
   if self.data.input then lbl[#lbl + 1] = 'input = ' .. describe(self.data.input) end
   if self.data.annotations.name then lbl[#lbl + 1] = 'name = ' .. self.data.annotations.name end
   return table.concat(lbl, '\\l')
end

function nnNode:__tostring__()
   return 'nngraph.Node(' .. self:graphNodeName() .. ')'
end
