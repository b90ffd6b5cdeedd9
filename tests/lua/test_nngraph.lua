-- nngraph: graph building with the call syntax, gModule forward/backward through the
-- topologically sorted nodes, multiple inputs/outputs, split, annotate, Jacobian against
-- finite differences, type conversion and clone with sharing.
require 'torch'
local tester = torch.Tester()
local tests = torch.TestSuite()

-- Until lua/nn is present, a minimal nn.Module/nn.Container (just the protocol gModule uses).
local haveNN = pcall(require, 'nn') and nn and nn.Linear ~= nil
if not pcall(torch.getmetatable, 'nn.Module') or not torch.getmetatable('nn.Module') then
   nn = {utils = {}}
   package.loaded.nn = nn
   local Module = torch.class('nn.Module')
   function Module:__init()
      self.output = torch.Tensor(); self.gradInput = torch.Tensor(); self._type = 'torch.DoubleTensor'
   end
   function Module:parameters()
      if self.weight then return {self.weight, self.bias}, {self.gradWeight, self.gradBias} end
   end
   function Module:forward(x) return self:updateOutput(x) end
   function Module:backward(x, go, s)
      self:updateGradInput(x, go); self:accGradParameters(x, go, s); return self.gradInput
   end
   function Module:updateOutput() return self.output end
   function Module:updateGradInput() return self.gradInput end
   function Module:accGradParameters() end
   function Module:zeroGradParameters()
      local _, g = self:parameters()
      for _, t in ipairs(g or {}) do t:zero() end
   end
   function Module:clearState() return self end
   local function deepCopy(x, memo)
      if memo[x] ~= nil then return memo[x] end
      if torch.isTensor(x) then memo[x] = x:clone(); return memo[x] end
      if type(x) ~= 'table' then return x end
      local r = {}
      memo[x] = r
      for k, v in pairs(x) do r[deepCopy(k, memo)] = deepCopy(v, memo) end
      return setmetatable(r, getmetatable(x))
   end
   function Module:clone(...)
      local c = deepCopy(self, {})
      if select('#', ...) > 0 then c:share(self, ...) end
      return c
   end
   function Module:share(m, ...)
      for _, name in ipairs{...} do
         if self[name] then self[name]:set(m[name]) end
      end
      return self
   end
   function nn.utils.recursiveType(t, typename)
      if torch.isTensor(t) then return t:type(typename) end
      if type(t) == 'table' then for k, v in pairs(t) do t[k] = nn.utils.recursiveType(v, typename) end end
      return t
   end
   function Module:type(typename)
      for k, v in pairs(self) do
         if torch.isTensor(v) then self[k] = v:type(typename) end
      end
      self._type = typename
      return self
   end
   function Module:float() return self:type('torch.FloatTensor') end
   function Module:double() return self:type('torch.DoubleTensor') end
   local Container, cparent = torch.class('nn.Container', 'nn.Module')
   function Container:__init() cparent.__init(self); self.modules = {} end
   function Container:add(m) table.insert(self.modules, m); return self end
   function Container:parameters()
      local w, gw = {}, {}
      for _, m in ipairs(self.modules) do
         local a, b = m:parameters()
         for i = 1, #(a or {}) do w[#w + 1] = a[i]; gw[#gw + 1] = b[i] end
      end
      return w, gw
   end
   function Container:zeroGradParameters() for _, m in ipairs(self.modules) do m:zeroGradParameters() end end
   function Container:share(other, ...)
      for i, m in ipairs(self.modules) do m:share(other.modules[i], ...) end
      return self
   end
end
require 'nngraph'

-- Tiny local modules (independent of lua/nn): y = W x + b on vectors, tanh, table sum and product.
local Lin, lp = torch.class('nngtest.Lin', 'nn.Module')
function Lin:__init(i, o)
   lp.__init(self)
   self.weight = torch.randn(o, i); self.bias = torch.randn(o)
   self.gradWeight = torch.zeros(o, i); self.gradBias = torch.zeros(o)
end
function Lin:parameters() return {self.weight, self.bias}, {self.gradWeight, self.gradBias} end
function Lin:updateOutput(x)
   self.output = self.output:typeAs(x)
   self.output:resize(self.bias:size(1)):copy(self.bias):addmv(1, self.weight, x)
   return self.output
end
function Lin:updateGradInput(x, go)
   self.gradInput = self.gradInput:typeAs(x)
   self.gradInput:resizeAs(x):zero():addmv(1, self.weight:t(), go)
   return self.gradInput
end
function Lin:accGradParameters(x, go, scale)
   scale = scale or 1
   self.gradWeight:addr(scale, go, x)
   self.gradBias:add(scale, go)
end
function Lin:share(m, ...)
   for _, name in ipairs{...} do self[name]:set(m[name]) end
   return self
end

local Tanh, tp = torch.class('nngtest.Tanh', 'nn.Module')
function Tanh:updateOutput(x) self.output = torch.tanh(x); return self.output end
function Tanh:updateGradInput(x, go)
   self.gradInput = torch.cmul(go, torch.ones(x:size()):typeAs(x) - torch.cmul(self.output, self.output))
   return self.gradInput
end

local Add, ap = torch.class('nngtest.Add', 'nn.Module')
function Add:updateOutput(x) self.output = x[1]:clone(); for i = 2, #x do self.output:add(x[i]) end; return self.output end
function Add:updateGradInput(x, go)
   self.gradInput = {}
   for i = 1, #x do self.gradInput[i] = go:clone() end
   return self.gradInput
end

local Mul, mp = torch.class('nngtest.Mul', 'nn.Module')
function Mul:updateOutput(x) self.output = torch.cmul(x[1], x[2]); return self.output end
function Mul:updateGradInput(x, go)
   self.gradInput = {torch.cmul(go, x[2]), torch.cmul(go, x[1])}
   return self.gradInput
end

local Id, ip = torch.class('nngtest.Id', 'nn.Module')
function Id:updateOutput(x) self.output = x; return x end
function Id:updateGradInput(x, go) self.gradInput = go; return go end

-- Emits {x, 2x}: a table output for split.
local Two, twp = torch.class('nngtest.Two', 'nn.Module')
function Two:updateOutput(x) self.output = {x:clone(), x * 2}; return self.output end
function Two:updateGradInput(x, go) self.gradInput = go[1] + go[2] * 2; return self.gradInput end

-- Central-difference Jacobian check of a function of a flat input vector.
local function numgrad(f, x, eps)
   eps = eps or 1e-6
   local g = torch.zeros(x:size(1))
   for i = 1, x:size(1) do
      local old = x[i]
      x[i] = old + eps; local fp = f(x)
      x[i] = old - eps; local fm = f(x)
      x[i] = old
      g[i] = (fp - fm) / (2 * eps)
   end
   return g
end

function tests.build_and_fields()
   local a = nngtest.Id()()
   local b = nngtest.Id()()
   local c = nngtest.Lin(1, 2)(a)
   local d = nngtest.Add()({b, c})
   tester:asserteq(torch.typename(a), 'nngraph.Node')
   tester:asserteq(#c.children, 1)
   tester:asserteq(c.children[1], a)
   tester:asserteq(c.data.mapindex[a.data], 1)
   tester:asserteq(d.data.mapindex[c.data], 2)
   tester:assert(a.data.reverseMap[c])
   local g = nn.gModule({a, b}, {d})
   -- as in the saved gmodule_with_linear_identity.t7: 9 nodes each way, 4 modules
   tester:asserteq(#g.forwardnodes, 9)
   tester:asserteq(#g.backwardnodes, 9)
   tester:asserteq(#g.modules, 4)
   tester:asserteq(g.nInputs, 2)
   tester:asserteq(torch.typename(g.fg), 'graph.Graph')
   tester:asserteq(torch.typename(g.bg), 'graph.Graph')
   tester:asserteq(torch.typename(g.fg.edges[1]), 'graph.Edge')
   tester:asserteq(g.innode.data, g.forwardnodes[1].data)
   tester:asserteq(g.outnode, g.backwardnodes[1])
   tester:asserteq(g.forwardnodes[#g.forwardnodes].data, g.outnode.data)
   tester:asserteq(torch.typename(g.forwardnodes[7].data.module), 'nngtest.Lin')
   -- topological order: every node comes after its inputs
   local pos = {}
   for i, n in ipairs(g.forwardnodes) do pos[n.data] = i end
   for i, n in ipairs(g.forwardnodes) do
      for _, child in ipairs(n.children) do tester:assertlt(i, pos[child.data]) end
   end
   tester:assert(torch.isTypeOf(g, 'nn.Container'))
end

function tests.forward_backward_two_inputs()
   local a = nngtest.Id()()
   local b = nngtest.Id()()
   local lin = nngtest.Lin(3, 2)
   local c = lin(a)
   local g = nn.gModule({a, b}, {nngtest.Add()({b, c})})
   local x1, x2 = torch.randn(3), torch.randn(2)
   local out = g:forward({x1, x2})
   tester:assertTensorEq(out, torch.mv(lin.weight, x1) + lin.bias + x2, 1e-12)
   local go = torch.randn(2)
   g:zeroGradParameters()
   local gi = g:backward({x1, x2}, go)
   tester:asserteq(#gi, 2)
   tester:assertTensorEq(gi[1], torch.mv(lin.weight:t(), go), 1e-12)
   tester:assertTensorEq(gi[2], go, 1e-12)
   tester:assertTensorEq(lin.gradWeight, torch.ger(go, x1), 1e-12)
   tester:assertTensorEq(lin.gradBias, go, 1e-12)
   -- accGradParameters accumulates with a scale
   g:accGradParameters({x1, x2}, go, 0.5)
   tester:assertTensorEq(lin.gradBias, go * 1.5, 1e-12)
   local p, gp = g:parameters()
   tester:asserteq(#p, 2)
   tester:asserteq(p[1], lin.weight)
   tester:asserteq(gp[2], lin.gradBias)
end

function tests.multiple_outputs_and_split()
   local x = nngtest.Id()()
   local t = nngtest.Two()(x)
   local p1, p2 = t:split(2)
   local h = nngtest.Tanh()(p1)
   local m = nngtest.Mul()({p2, h})
   local g = nn.gModule({x}, {h, m})
   local input = torch.randn(4)
   local out = g:forward(input)
   tester:asserteq(#out, 2)
   tester:assertTensorEq(out[1], torch.tanh(input), 1e-12)
   tester:assertTensorEq(out[2], torch.cmul(input * 2, torch.tanh(input)), 1e-12)
   -- gradient: d/dx [sum(go1 * tanh x) + sum(go2 * 2x tanh x)], checked numerically
   local go1, go2 = torch.randn(4), torch.randn(4)
   local gi = g:backward(input, {go1, go2})
   local num = numgrad(function(v)
      local o = g:forward(v)
      return o[1]:dot(go1) + o[2]:dot(go2)
   end, input:clone())
   tester:assertTensorEq(gi, num, 1e-6)
   -- a gModule whose output is a node fed to two consumers sums the two gradients
   tester:assertErrorPattern(function() g:backward(input, go1) end, 'gradOutputs')
end

function tests.nested_table_input_and_fanout()
   -- input {{a, b}, c}: the outer split feeds a node that is split again
   local inp = nngtest.Id()()
   local ab, c = inp:split(2)
   local a, b = ab:split(2)
   local s = nngtest.Add()({a, b, c})
   local h = nngtest.Tanh()(s)
   local out = nngtest.Add()({h, s})         -- s used twice: gradients are summed
   local g = nn.gModule({inp}, {out})
   local A, B, C = torch.randn(3), torch.randn(3), torch.randn(3)
   local y = g:forward({{A, B}, C})
   local S = A + B + C
   tester:assertTensorEq(y, torch.tanh(S) + S, 1e-12)
   local go = torch.randn(3)
   local gi = g:backward({{A, B}, C}, go)
   local expect = torch.cmul(go, torch.ones(3) - torch.cmul(torch.tanh(S), torch.tanh(S))) + go
   tester:assertTensorEq(gi[1][1], expect, 1e-12)
   tester:assertTensorEq(gi[1][2], expect, 1e-12)
   tester:assertTensorEq(gi[2], expect, 1e-12)
end

function tests.jacobian_small_graph()
   local x = nngtest.Id()()
   local l1 = nngtest.Lin(4, 3)
   local l2 = nngtest.Lin(3, 3)
   local h = nngtest.Tanh()(l1(x))
   local o = nngtest.Mul()({h, l2(h)})
   local g = nn.gModule({x}, {o})
   local input = torch.randn(4)
   -- Jacobian wrt the input, one output unit at a time
   for j = 1, 3 do
      local go = torch.zeros(3); go[j] = 1
      g:forward(input)
      local gi = g:backward(input, go):clone()
      local num = numgrad(function(v) return g:forward(v)[j] end, input:clone())
      tester:assertTensorEq(gi, num, 1e-5)
   end
   -- and wrt l1's weight (through accGradParameters)
   local go = torch.randn(3)
   g:zeroGradParameters()
   g:forward(input)
   g:backward(input, go)
   local w = l1.weight:view(-1)
   local num = numgrad(function(v) return g:forward(input):dot(go) end, w)
   tester:assertTensorEq(l1.gradWeight:view(-1), num, 1e-5)
end

function tests.annotate_and_operators()
   local x = nngtest.Id()():annotate{name = 'input', description = 'the input',
                                     graphAttributes = {color = 'red'}}
   tester:asserteq(x.data.annotations.name, 'input')
   tester:asserteq(x.data.annotations.description, 'the input')
   tester:asserteq(x.data.annotations.graphAttributes.color, 'red')
   tester:assert(x.data.annotations._debugLabel:find('test_nngraph') ~= nil)
   -- -m is m(); node - module is module(node)
   local a = -nngtest.Id()
   local b = a - nngtest.Tanh()
   tester:asserteq(torch.typename(b), 'nngraph.Node')
   tester:asserteq(b.children[1], a)
   local g = nn.gModule({a}, {b})
   local v = torch.randn(3)
   tester:assertTensorEq(g:forward(v), torch.tanh(v), 1e-12)
end

function tests.clone_type_share()
   local x = nngtest.Id()()
   local lin = nngtest.Lin(3, 2)
   local g = nn.gModule({x}, {nngtest.Tanh()(lin(x))})
   local input = torch.randn(3)
   local y = g:forward(input):clone()
   local c = g:clone()
   tester:assertTensorEq(c:forward(input), y, 1e-12)
   tester:assert(c.modules[2].weight ~= lin.weight)
   c.modules[2].weight:fill(0)
   tester:assertTensorEq(g:forward(input), y, 1e-12)   -- a deep copy
   -- sharing: the shared clone follows the original's weights
   local s = g:clone('weight', 'bias')
   lin.weight:fill(0.5)
   tester:assertTensorEq(s:forward(input), g:forward(input), 1e-12)
   tester:assert(torch.pointer(s.modules[2].weight:storage()) == torch.pointer(lin.weight:storage()))
   -- type conversion reaches the modules
   local f = g:clone():float()
   tester:asserteq(f:type(), 'torch.FloatTensor')
   tester:asserteq(f.modules[2].weight:type(), 'torch.FloatTensor')
   tester:assertTensorEq(f:forward(input:float()):double(), g:forward(input), 1e-6)
end

function tests.module_from_criterion()
   -- a criterion inside a graph: {prediction, target} -> 1-element loss
   local crit = {}
   function crit:updateOutput(x, t) local r = x - t; self.output = 0.5 * r:dot(r); return self.output end
   function crit:updateGradInput(x, t) self.gradInput = x - t; return self.gradInput end
   local x, t = nngtest.Id()(), nngtest.Id()()
   local h = nngtest.Tanh()(x)
   local loss = nn.ModuleFromCriterion(crit)({h, t})
   local g = nn.gModule({x, t}, {loss})
   local xi, ti = torch.randn(3), torch.randn(3)
   local out = g:forward({xi, ti})
   local r = torch.tanh(xi) - ti
   tester:assertalmosteq(out[1], 0.5 * r:dot(r), 1e-12)
   local gi = g:backward({xi, ti}, torch.ones(1))
   local num = numgrad(function(v) return g:forward({v, ti})[1] end, xi:clone())
   tester:assertTensorEq(gi[1], num, 1e-6)
   tester:assertTensorEq(gi[2], torch.zeros(3), 0)
end

function tests.bad_inputs()
   tester:assertErrorPattern(function() nngtest.Tanh()(nil) end, 'expected an nngraph.Node')
   tester:assertErrorPattern(function() nngtest.Tanh()({}) end, 'empty table')
   tester:assertErrorPattern(function() nngtest.Tanh()(torch.randn(2)) end, 'expected an nngraph.Node')
   tester:assertErrorPattern(function() nngtest.Tanh()(1, 2) end, 'multiple inputs')
   local a = nngtest.Id()()
   tester:assertErrorPattern(function() nn.gModule({a}, {3}) end, 'outputs')
   tester:assertErrorPattern(function() nn.gModule(a, {a}) end, 'argument #1')
   local x, y = nngtest.Id()(), nngtest.Id()()
   local g = nn.gModule({x, y}, {nngtest.Add()({x, y})})
   tester:assertErrorPattern(function() g:forward(torch.randn(2)) end, 'expecting a table of 2 inputs')
   tester:assertErrorPattern(function() g:forward({torch.randn(2)}) end, 'got 1 inputs instead of 2')
   -- an unused split output is refused
   local i2 = nngtest.Id()()
   local p1, p2 = nngtest.Two()(i2):split(2)
   tester:assertErrorPattern(function() nn.gModule({i2}, {nngtest.Tanh()(p1)}) end, 'unused')
   -- a dangling consumer of a graph node is refused
   local i3 = nngtest.Id()()
   local used = nngtest.Tanh()(i3)
   local dangling = nngtest.Tanh()(i3)
   tester:assertErrorPattern(function() nn.gModule({i3}, {used}) end, 'does not connect')
end

function tests.graph_package()
   local n1, n2, n3 = graph.Node(1), graph.Node(2), graph.Node(3)
   local g = graph.Graph()
   g:add(graph.Edge(n1, n2))
   g:add(graph.Edge(n2, n3))
   g:add(graph.Edge(n1, n3))
   tester:asserteq(#g.nodes, 3)
   tester:asserteq(#g.edges, 3)
   tester:asserteq(g.nodes[n2], 2)
   tester:asserteq(n1.children[n3], 2)
   local sorted = g:topsort()
   tester:asserteq(sorted[1].data, 1)
   tester:asserteq(sorted[2].data, 2)
   tester:asserteq(sorted[3].data, 3)
   local rg = g:reverse()
   tester:asserteq(rg:roots()[1].data, 3)
   tester:asserteq(#g:leaves(), 1)
   local n4, n5 = graph.Node(4), graph.Node(5)
   local cyc = graph.Graph()
   cyc:add(graph.Edge(n4, n5)); cyc:add(graph.Edge(n5, n4))
   tester:assertErrorPattern(function() cyc:topsort() end, 'cycles')
end

if haveNN then
   -- char-rnn's LSTM cell on the real nn modules
   function tests.lstm_cell()
      local input_size, rnn_size = 3, 4
      local x = nn.Identity()()
      local prev_c = nn.Identity()()
      local prev_h = nn.Identity()()
      local i2h = nn.Linear(input_size, 4 * rnn_size)(x)
      local h2h = nn.Linear(rnn_size, 4 * rnn_size)(prev_h)
      local all_input_sums = nn.CAddTable()({i2h, h2h})
      local sigmoid_chunk = nn.Sigmoid()(nn.Narrow(2, 1, 3 * rnn_size)(all_input_sums))
      local in_gate = nn.Narrow(2, 1, rnn_size)(sigmoid_chunk)
      local forget_gate = nn.Narrow(2, rnn_size + 1, rnn_size)(sigmoid_chunk)
      local out_gate = nn.Narrow(2, 2 * rnn_size + 1, rnn_size)(sigmoid_chunk)
      local in_transform = nn.Tanh()(nn.Narrow(2, 3 * rnn_size + 1, rnn_size)(all_input_sums))
      local next_c = nn.CAddTable()({nn.CMulTable()({forget_gate, prev_c}),
                                     nn.CMulTable()({in_gate, in_transform})})
      local next_h = nn.CMulTable()({out_gate, nn.Tanh()(next_c)})
      local m = nn.gModule({x, prev_c, prev_h}, {next_c, next_h})
      local inp = {torch.randn(2, input_size), torch.randn(2, rnn_size), torch.randn(2, rnn_size)}
      local out = m:forward(inp)
      tester:asserteq(#out, 2)
      tester:asserteq(out[2]:size(2), rnn_size)
      -- the cell by hand
      local W1, b1 = m.modules[1].weight, m.modules[1].bias
      local lins = m:findModules('nn.Linear')
      local sums = torch.zeros(2, 4 * rnn_size)
      for _, l in ipairs(lins) do
         local src = l.weight:size(2) == input_size and inp[1] or inp[3]
         sums:add(src * l.weight:t()):add(torch.ones(2, 1) * l.bias:view(1, -1))
      end
      local sg = torch.sigmoid(sums:narrow(2, 1, 3 * rnn_size))
      local c = torch.cmul(sg:narrow(2, rnn_size + 1, rnn_size), inp[2])
         + torch.cmul(sg:narrow(2, 1, rnn_size), torch.tanh(sums:narrow(2, 3 * rnn_size + 1, rnn_size)))
      tester:assertTensorEq(out[1], c, 1e-10)
      tester:assertTensorEq(out[2], torch.cmul(sg:narrow(2, 2 * rnn_size + 1, rnn_size), torch.tanh(c)), 1e-10)
      -- gradient wrt prev_h numerically
      local go = {torch.randn(2, rnn_size), torch.randn(2, rnn_size)}
      m:zeroGradParameters()
      local gi = m:backward(inp, go)
      local h = inp[3]:view(-1)
      local num = numgrad(function()
         local o = m:forward(inp)
         return o[1]:dot(go[1]) + o[2]:dot(go[2])
      end, h)
      tester:assertTensorEq(gi[3]:view(-1), num, 1e-5)
      local p, gp = m:getParameters()
      tester:asserteq(p:nElement(), 2 * 4 * rnn_size + 4 * rnn_size * (input_size + rnn_size))
   end
end

tester:add(tests)
return tester:run()
