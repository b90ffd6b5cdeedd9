-- Torch7's `nngraph`: graphs of nn modules built with the call syntax `module(inputNodes)`,
-- run as one module by nn.gModule. Requiring it patches nn.Module.__call__ (as nngraph did),
-- so `m(x)` builds a node instead of computing.
require 'torch'
require 'nn'
require 'graph'

nngraph = nngraph or {}
local nngraph = nngraph
package.loaded.nngraph = nngraph

dofile(assert(package.searchpath('nngraph.nesting', package.path)))
dofile(assert(package.searchpath('nngraph.node', package.path)))
dofile(assert(package.searchpath('nngraph.gmodule', package.path)))

local function istable(x)
   return type(x) == 'table' and not torch.typename(x)
end

local function tableMaxN(t)
   local n = 0
   for k in pairs(t) do
      if type(k) == 'number' and k > n then n = k end
   end
   return n
end
nngraph._tableMaxN = tableMaxN

function nngraph._expectingNodeErrorMessage(val, what, i)
   return string.format('what is this in the %s table at index %d: %s (of type %s)? '
                        .. 'expected an nngraph.Node', what, i, tostring(val), torch.type(val))
end

local Module = torch.getmetatable('nn.Module')

-- m(node), m({node1, node2}) or m() for a graph input: a new node holding m.
function Module:__call__(...)
   local nArgs = select('#', ...)
   if nArgs > 1 then
      error('nngraph: use {input1, input2} to pass multiple inputs to ' .. torch.typename(self), 2)
   end
   local input = ...
   if nArgs == 1 and input == nil then
      error(nngraph._expectingNodeErrorMessage(input, 'inputs', 1), 2)
   end
   if istable(input) and next(input) == nil then
      error('nngraph: cannot pass an empty table of inputs. To indicate no incoming '
            .. 'connections, leave the second set of parens blank.', 2)
   end
   if not istable(input) then
      input = {input}
   end
   local mnode = nngraph.Node({module = self})
   for i = 1, tableMaxN(input) do
      local dnode = input[i]
      if torch.typename(dnode) ~= 'nngraph.Node' then
         error(nngraph._expectingNodeErrorMessage(dnode, 'inputs', i), 2)
      end
      mnode:add(dnode, true)
   end
   return mnode
end

-- -module is module(); module - node is module(node); node - module is module(node).
function Module:__unm__()
   return self()
end

function Module:__sub__(prev)
   return self(prev)
end

function nngraph.Node:__sub__(prev)
   return prev(self)
end

-- A criterion in a graph runs as a module taking {input, target}.
local okc, Criterion = pcall(torch.getmetatable, 'nn.Criterion')
if okc and Criterion then
   function Criterion:__call__(...)
      return nn.ModuleFromCriterion(self)(...)
   end
end

local MFC, MFCparent = torch.class('nn.ModuleFromCriterion', 'nn.Module')

function MFC:__init(criterion)
   MFCparent.__init(self)
   self.criterion = criterion
   self.output = torch.Tensor(1)
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end

function MFC:updateOutput(input)
   local prediction, target = input[1], input[2]
   local loss = self.criterion:updateOutput(prediction, target)
   self.output = self.output:typeAs(prediction):resize(1)
   self.output[1] = loss
   return self.output
end

function MFC:updateGradInput(input, gradOutput)
   local prediction, target = input[1], input[2]
   local gi = self.criterion:updateGradInput(prediction, target)
   self.gradInput[1]:resizeAs(gi):copy(gi):mul(gradOutput[1])
   if torch.isTensor(target) then
      self.gradInput[2]:resizeAs(target):zero()
   end
   return self.gradInput
end

-- nngraph.annotateNodes(): names every node held by a local variable of the caller after it.
function nngraph.annotateNodes()
   local i = 1
   while true do
      local name, value = debug.getlocal(2, i)
      if not name then break end
      if torch.typename(value) == 'nngraph.Node' then
         value.data.annotations.name = value.data.annotations.name or name
      end
      i = i + 1
   end
end

function nngraph.setDebug(enable)
   nngraph._debug = enable and true or false
end

return nngraph
