-- Torch7's `graph` package (the parts nngraph and saved gModules use): graph.Graph,
-- graph.Node and graph.Edge with the original field names (nodes, edges, children, data, id).
require 'torch'
graph = graph or {}
local graph = graph
package.loaded.graph = graph

-- A node holds `data`; `children` is an array of nodes plus a node -> index map.
local Node = torch.class('graph.Node')

function Node:__init(d)
   self.data = d
   self.id = 0
   self.children = {}
   self.visited = false
   self.marked = false
end

function Node:add(child)
   local children = self.children
   if type(child) == 'table' and not torch.typename(child) then
      for _, v in ipairs(child) do self:add(v) end
   elseif not children[child] then
      table.insert(children, child)
      children[child] = #children
   end
end

-- Depth-first visit: pre_func on the way down, post_func on the way up.
function Node:visit(pre_func, post_func)
   if not self.visited then
      if pre_func then pre_func(self) end
      for _, child in ipairs(self.children) do
         child:visit(pre_func, post_func)
      end
      if post_func then post_func(self) end
   end
end

-- Post-order traversal from this node calling func(node) once per reachable node.
function Node:dfs(func)
   local visitednodes = {}
   self:visit(function(node) node.visited = true end,
              function(node) func(node); table.insert(visitednodes, node) end)
   for _, node in ipairs(visitednodes) do node.visited = false end
end

-- Breadth-first traversal calling func(node) once per reachable node.
function Node:bfs(func)
   local visited = {[self] = true}
   local queue = {self}
   local head = 1
   while queue[head] do
      local node = queue[head]
      head = head + 1
      func(node)
      for _, child in ipairs(node.children) do
         if not visited[child] then
            visited[child] = true
            queue[#queue + 1] = child
         end
      end
   end
end

-- The graph of every node reachable from this one (edges node -> child).
function Node:graph()
   local g = graph.Graph()
   g:addNode(self)
   self:bfs(function(node)
      for _, child in ipairs(node.children) do
         g:add(graph.Edge(node, child))
      end
   end)
   return g
end

function Node:label()
   return tostring(self.data)
end

function Node:__tostring__()
   return 'graph.Node(' .. self:label() .. ')'
end

-- A directed edge from -> to.
local Edge = torch.class('graph.Edge')

function Edge:__init(from, to)
   self.from = from
   self.to = to
end

-- A graph: `nodes` and `edges` arrays, each also mapping element -> index.
local Graph = torch.class('graph.Graph')

function Graph:__init()
   self.nodes = {}
   self.edges = {}
end

function Graph:add(edge)
   if type(edge) == 'table' and not torch.typename(edge) then
      for _, e in ipairs(edge) do self:add(e) end
      return self
   end
   local nodes, edges = self.nodes, self.edges
   if not nodes[edge.from] then
      table.insert(nodes, edge.from)
      nodes[edge.from] = #nodes
   end
   if not nodes[edge.to] then
      table.insert(nodes, edge.to)
      nodes[edge.to] = #nodes
   end
   if not edges[edge] then
      table.insert(edges, edge)
      edges[edge] = #edges
   end
   edge.from:add(edge.to)
   return self
end

function Graph:addNode(node)
   if not self.nodes[node] then
      table.insert(self.nodes, node)
      self.nodes[node] = #self.nodes
   end
   return self
end

-- A graph with every edge reversed, on new nodes sharing the data; also the old -> new map.
function Graph:reverse()
   local rg = graph.Graph()
   local mapnodes = {}
   for _, e in ipairs(self.edges) do
      mapnodes[e.from] = mapnodes[e.from] or e.from.new(e.from.data)
      mapnodes[e.to] = mapnodes[e.to] or e.to.new(e.to.data)
      rg:add(graph.Edge(mapnodes[e.to], mapnodes[e.from]))
   end
   for _, n in ipairs(self.nodes) do
      if not mapnodes[n] then
         mapnodes[n] = n.new(n.data)
         rg:addNode(mapnodes[n])
      end
   end
   return rg, mapnodes
end

-- Nodes without incoming edges, in order of first appearance.
function Graph:roots()
   local hasParent = {}
   for _, e in ipairs(self.edges) do hasParent[e.to] = true end
   local roots = {}
   for _, n in ipairs(self.nodes) do
      if not hasParent[n] then roots[#roots + 1] = n end
   end
   return roots
end

-- Nodes without outgoing edges.
function Graph:leaves()
   local leaves = {}
   for _, n in ipairs(self.nodes) do
      if #n.children == 0 then leaves[#leaves + 1] = n end
   end
   return leaves
end

-- Topological order (for every edge a -> b, a comes before b); node ids are set to the
-- position. RETURN: sorted nodes, the reversed graph, its roots.
function Graph:topsort()
   local rg, map = self:reverse()
   local rmap = {}
   for k, v in pairs(map) do rmap[v] = k end
   local sortednodes = {}
   local rootnodes = rg:roots()
   if #rootnodes == 0 and #self.nodes > 0 then
      error('graph.Graph:topsort: the graph has cycles', 2)
   end
   local done = {}
   local function visit(node)
      if done[node] then return end
      done[node] = true
      for _, child in ipairs(node.children) do visit(child) end
      table.insert(sortednodes, rmap[node])
   end
   for _, root in ipairs(rootnodes) do visit(root) end
   if #sortednodes ~= #self.nodes then
      error('graph.Graph:topsort: the graph has cycles', 2)
   end
   for i, node in ipairs(sortednodes) do node.id = i end
   return sortednodes, rg, rootnodes
end

function Graph:__tostring__()
   return string.format('graph.Graph(%d nodes, %d edges)', #self.nodes, #self.edges)
end

return graph
