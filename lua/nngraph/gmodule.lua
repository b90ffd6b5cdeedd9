-- nn.gModule(inputs, outputs): a module running a graph of nngraph.Nodes. Fields as nngraph:
-- fg/bg (forward/backward graph.Graph), forwardnodes/backwardnodes (topologically sorted),
-- innode/outnode, nInputs, modules (the container's list, forward order).
local nesting = nngraph.nesting

local function istable(x)
   return type(x) == 'table' and not torch.typename(x)
end

local gModule, parent = torch.class('nn.gModule', 'nn.Container')

function gModule:__init(inputs, outputs)
   parent.__init(self)
   if not istable(inputs) then
      error("nn.gModule: argument #1 (inputs) must be a table of nngraph.Node, got " .. torch.type(inputs), 2)
   end
   if not istable(outputs) then
      error("nn.gModule: argument #2 (outputs) must be a table of nngraph.Node, got " .. torch.type(outputs), 2)
   end
   -- the graph is built backwards (each node points to its inputs): a dummy output node
   -- takes every output, a dummy input node feeds every input
   local outnode = nngraph.Node({input = {}})
   for i = 1, nngraph._tableMaxN(outputs) do
      local node = outputs[i]
      if torch.typename(node) ~= 'nngraph.Node' then
         error("nn.gModule: " .. nngraph._expectingNodeErrorMessage(node, 'outputs', i), 2)
      end
      outnode:add(node, true)
   end
   for i = 1, nngraph._tableMaxN(inputs) do
      local node = inputs[i]
      if torch.typename(node) ~= 'nngraph.Node' then
         error("nn.gModule: " .. nngraph._expectingNodeErrorMessage(node, 'inputs', i), 2)
      end
   end
   if #inputs == 0 then
      error("nn.gModule: argument #1 (inputs) is empty; a graph without inputs is not supported", 2)
   end
   if #outputs == 0 then
      error("nn.gModule: argument #2 (outputs) is empty", 2)
   end
   local innode = nngraph.Node({input = {}})
   if #inputs == 1 then
      inputs[1]:add(innode, true)
   else
      local splits = {innode:split(#inputs)}
      for i = 1, #inputs do
         if #inputs[i].children ~= 0 then
            error(string.format("nn.gModule: input %d (declared at %s) has inputs itself; graph inputs are nodes made by module()",
                                i, inputs[i].data.annotations._debugLabel), 2)
         end
      end
      for i = 1, #inputs do
         inputs[i]:add(splits[i], true)
      end
   end

   self.bg = outnode:graph()
   self.fg = self.bg:reverse()

   local roots = self.fg:roots()
   local innodeRoot
   for _, root in ipairs(roots) do
      if root.data == innode.data then
         innodeRoot = root
      elseif not (root.data.module and torch.typename(root.data.module) == 'nnop.Parameters') then
         error(string.format("nn.gModule: the node declared at %s has no input and is not a graph input",
                             root.data.annotations._debugLabel or '?'), 2)
      end
   end
   if not innodeRoot then
      error("nn.gModule: the outputs do not depend on the inputs", 2)
   end
   self.innode = innodeRoot
   self.outnode = outnode
   self.verbose = false
   self.nInputs = #inputs

   self.forwardnodes = self.fg:topsort()
   self.backwardnodes = self.bg:topsort()

   for i, node in ipairs(self.forwardnodes) do
      if node.data.nSplitOutputs and node.data.nSplitOutputs ~= #node.children then
         local nUnused = node.data.nSplitOutputs - #node.children
         error(string.format("nn.gModule: %d of split(%d) outputs from the node declared at %s are unused",
                             nUnused, node.data.nSplitOutputs, node.data.annotations._debugLabel), 2)
      end
      -- a consumer that was declared but does not reach the outputs is an error
      for successor in pairs(node.data.reverseMap) do
         local found = false
         for j = i + 1, #self.forwardnodes do
            if self.forwardnodes[j].data == successor.data then found = true; break end
         end
         if not found then
            error(string.format("nn.gModule: node declared on %s does not connect to gmodule output",
                                successor.data.annotations._debugLabel), 2)
         end
      end
      node.data.forwardNodeId = node.id
      if node.data.module then
         self:add(node.data.module)
      end
   end

   self.output = nil
   self.gradInput = nil
   if #self.outnode.children > 1 then
      self.output = self.outnode.data.input
   end
end

function gModule:map(gm, func)
   for i, node in ipairs(self.forwardnodes) do
      local gmnode = gm.forwardnodes[i]
      assert(gmnode, 'nn.gModule:map: the two graphs have different numbers of nodes')
      if node.data.module then
         local gmmod = gmnode.data.module
         assert(gmmod, 'nn.gModule:map: the two graphs have different structures')
         func(node.data.module, gmmod)
      end
   end
end

function gModule:share(gm, ...)
   local args = {...}
   self:map(gm, function(subnet1, subnet2) subnet1:share(subnet2, unpack(args)) end)
   return self
end

-- Converts the modules and every tensor held by the graph (inputs, gradient buffers).
function gModule:type(typename, tensorCache)
   if not typename then
      return self._type
   end
   tensorCache = tensorCache or {}
   local seen = {}
   local function convert(x)
      if torch.isTensor(x) then
         return nn.utils.recursiveType(x, typename, tensorCache)
      elseif istable(x) and not seen[x] then
         seen[x] = true
         for k, v in pairs(x) do x[k] = convert(v) end
      end
      return x
   end
   if torch.isTensor(self.output) or istable(self.output) then self.output = convert(self.output) end
   if torch.isTensor(self.gradInput) or istable(self.gradInput) then self.gradInput = convert(self.gradInput) end
   for _, m in ipairs(self.modules) do
      m:type(typename, tensorCache)
   end
   for _, node in ipairs(self.forwardnodes) do
      local d = node.data
      if d.input then d.input = convert(d.input) end
      if d.gradOutput then d.gradOutput = convert(d.gradOutput) end
      if d.gradOutputBuffer then d.gradOutputBuffer = convert(d.gradOutputBuffer) end
   end
   self._type = typename
   return self
end

function gModule:updateOutput(input)
   return self:runForwardFunction('updateOutput', input)
end

function gModule:clearState()
   local ret = parent.clearState(self)
   for _, node in ipairs(self.backwardnodes) do
      node.data.gradOutput = nil
      node.data.gradOutputBuffer = nil
   end
   for _, node in ipairs(self.forwardnodes) do
      node.data.input = nil
   end
   return ret
end

-- Runs func(module, input) (default: updateOutput) through the forward nodes.
function gModule:runForwardFunction(func, input)
   if type(func) == 'string' then
      local func_name = func
      func = function(module, x) return module[func_name](module, x) end
   end
   local nInputs = self.nInputs or #self.innode.children
   if nInputs <= 1 then
      input = {input}
   elseif not istable(input) then
      error(string.format("nn.gModule: expecting a table of %d inputs, got %s", nInputs, torch.type(input)), 3)
   end

   local function propagate(node, x)
      for _, child in ipairs(node.children) do
         child.data.input = child.data.input or {}
         local mapindex = child.data.mapindex[node.data]
         assert(not child.data.input[mapindex], "each input should have one source")
         child.data.input[mapindex] = x
      end
   end

   local function neteval(node)
      if node.data.selectindex then
         local inp = node.data.input
         if not istable(inp[1]) then
            error(string.format("nn.gModule: the node declared at %s is split, so its output must be a table, got %s",
                                node.data.annotations._debugLabel, torch.type(inp[1])), 4)
         end
         propagate(node, inp[1][node.data.selectindex])
      else
         local inp = node.data.input
         if inp == nil and node.data.module ~= nil then inp = {} end
         if #inp == 1 then inp = inp[1] end
         local output
         if not node.data.module then
            output = inp
         else
            output = func(node.data.module, inp)
         end
         if node.data.nSplitOutputs and (not istable(output) or node.data.nSplitOutputs ~= #output) then
            error(string.format("nn.gModule: split(%d) cannot split %s outputs", node.data.nSplitOutputs,
                                istable(output) and #output or torch.type(output)), 4)
         end
         propagate(node, output)
      end
      if self.verbose then print(' V : ' .. node:label()) end
   end

   if #input ~= nInputs then
      error(string.format('nn.gModule: got %d inputs instead of %d', #input, nInputs), 3)
   end
   for _, node in ipairs(self.forwardnodes) do
      local inp = node.data.input
      while inp and #inp > 0 do table.remove(inp) end
   end
   local innode = self.innode
   innode.data.input = innode.data.input or {}
   for i, item in ipairs(input) do
      innode.data.input[i] = item
   end
   for _, node in ipairs(self.forwardnodes) do
      neteval(node)
   end

   self.output = self.outnode.data.input
   if #self.outnode.children == 1 then
      self.output = self.output[1]
   end
   return self.output
end

-- The sum of the gradients a node received (no copy when all but one are 1-element zeros).
local function getTotalGradOutput(node)
   local gradOutput = node.data.gradOutput
   if #gradOutput > 1 then
      if not node.data.gradOutputBuffer then
         local count, idx = 0, 1
         for i = 1, #gradOutput do
            local g = gradOutput[i]
            local zero = torch.isTensor(g) and g:storage() ~= nil and g:storage():size() == 1
                         and g:storage()[1] == 0
            if not zero then
               idx = i
               count = count + 1
            end
         end
         if count < 2 then
            return gradOutput[idx]
         end
      end
      node.data.gradOutputBuffer = node.data.gradOutputBuffer or nesting.cloneNested(gradOutput[1])
      local gobuff = node.data.gradOutputBuffer
      nesting.resizeNestedAs(gobuff, gradOutput[1])
      nesting.copyNested(gobuff, gradOutput[1])
      for i = 2, #gradOutput do
         nesting.addNestedTo(gobuff, gradOutput[i])
      end
      return gobuff
   end
   return gradOutput[1]
end

local function nodeInput(node)
   local inp = node.data.input
   if inp == nil and node.data.module ~= nil then inp = {} end
   if #inp == 1 then inp = inp[1] end
   return inp
end

-- a graph with several outputs takes a table of as many gradOutputs (the error blames the caller
-- of updateGradInput / accGradParameters)
local function checkGradOutputCount(outnode, gradOutput)
   if #outnode.children > 1 and (not istable(gradOutput) or #gradOutput ~= #outnode.children) then
      error(string.format('nn.gModule: got %s gradOutputs instead of %d',
                          istable(gradOutput) and #gradOutput or torch.type(gradOutput), #outnode.children), 3)
   end
end

function gModule:updateGradInput(input, gradOutput)
   local function neteval(node)
      if node.data.selectindex then
         local child = node.children[1]
         local go = getTotalGradOutput(node)
         child.data.gradOutput = child.data.gradOutput or {}
         child.data.gradOutput[1] = child.data.gradOutput[1] or {}
         child.data.gradOutput[1][node.data.selectindex] = go
      else
         local go = getTotalGradOutput(node)
         local gradInput
         if not node.data.module then
            gradInput = go
         else
            gradInput = node.data.module:updateGradInput(nodeInput(node), go)
         end
         for _, child in ipairs(node.children) do
            child.data.gradOutput = child.data.gradOutput or {}
            local mapindex = node.data.mapindex[child.data]
            local gi
            if #node.children == 1 then
               gi = gradInput
            else
               gi = gradInput[mapindex]
            end
            table.insert(child.data.gradOutput, gi)
         end
      end
      if self.verbose then print(' V : ' .. node:label()) end
   end

   local outnode = self.outnode
   checkGradOutputCount(outnode, gradOutput)
   for _, node in ipairs(self.backwardnodes) do
      local go = node.data.gradOutput
      while go and #go > 0 do table.remove(go) end
   end
   -- split nodes collect their gradients in a table that must start empty
   for _, node in ipairs(self.backwardnodes) do
      if node.data.nSplitOutputs then node.data.gradOutput = {} end
   end
   outnode.data.gradOutput = outnode.data.gradOutput or {}
   outnode.data.gradOutput[1] = gradOutput

   for _, node in ipairs(self.backwardnodes) do
      neteval(node)
   end

   self.gradInput = self.innode.data.gradOutput[1]
   return self.gradInput
end

function gModule:accGradParameters(input, gradOutput, lr)
   local outnode = self.outnode
   checkGradOutputCount(outnode, gradOutput)
   for _, node in ipairs(self.backwardnodes) do
      if node.data.module then
         local go = node.data.gradOutput[1]
         if #node.data.gradOutput > 1 then
            go = node.data.gradOutputBuffer or getTotalGradOutput(node)
         end
         node.data.module:accGradParameters(nodeInput(node), go, lr)
      end
      if self.verbose then print(' V : ' .. node:label()) end
   end
end

function gModule:__tostring__()
   return torch.typename(self)
end
