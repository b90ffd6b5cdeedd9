-- Training smoke tests: a small MLP and a LeNet-style CNN on synthetic data must drive the
-- loss below stated bounds (plain SGD through getParameters, a few seconds in all).
require 'nn'
local tester = torch.Tester()
local tests = torch.TestSuite()

local function sgd(model, criterion, inputs, targets, lr, epochs, batch)
   local params, grads = model:getParameters()
   local n = inputs:size(1)
   local loss
   for epoch = 1, epochs do
      local perm = torch.randperm(n, 'torch.LongTensor')
      loss = 0
      local nb = 0
      for i = 1, n, batch do
         local idx = perm:narrow(1, i, math.min(batch, n - i + 1))
         local x = inputs:index(1, idx)
         local y = targets:index(1, idx)
         grads:zero()
         local out = model:forward(x)
         loss = loss + criterion:forward(out, y)
         model:backward(x, criterion:backward(out, y))
         params:add(-lr, grads)
         nb = nb + 1
      end
      loss = loss / nb
   end
   return loss
end

-- MLP: 3 Gaussian blobs in 2-D, 3 classes; bound: mean NLL < 0.1 and accuracy > 95 %
function tests.mlp_blobs()
   torch.manualSeed(11)
   local n = 300
   local centers = torch.Tensor{{2, 0}, {-1, 1.7}, {-1, -1.7}}
   local x = torch.randn(n, 2):mul(0.5)
   local y = torch.LongTensor(n)
   for i = 1, n do
      local c = (i - 1) % 3 + 1
      y[i] = c
      x[i]:add(centers[c])
   end
   local model = nn.Sequential()
      :add(nn.Linear(2, 16)):add(nn.ReLU())
      :add(nn.Linear(16, 16)):add(nn.Tanh())
      :add(nn.Linear(16, 3)):add(nn.LogSoftMax())
   local crit = nn.ClassNLLCriterion()
   local first = crit:forward(model:forward(x), y)
   local loss = sgd(model, crit, x, y, 0.1, 40, 20)
   tester:assertlt(loss, 0.1, 'MLP training loss below 0.1 (started at ' .. first .. ')')
   local _, pred = model:forward(x):max(2)
   local acc = pred:view(-1):eq(y):sum() / n
   tester:assertgt(acc, 0.95, 'MLP accuracy above 95%')
end

-- LeNet-style CNN: 1 x 12 x 12 images holding a bright 3x3 blob in one of 4 quadrants (plus
-- noise); bound: mean cross-entropy < 0.15
function tests.lenet_quadrants()
   torch.manualSeed(5)
   local n = 160
   local x = torch.randn(n, 1, 12, 12):mul(0.3)
   local y = torch.LongTensor(n)
   for i = 1, n do
      local c = (i - 1) % 4 + 1
      y[i] = c
      local r = (c <= 2) and 1 or 7
      local col = (c % 2 == 1) and 1 or 7
      r = r + math.random(0, 2); col = col + math.random(0, 2)
      x[i][1]:narrow(1, r, 3):narrow(2, col, 3):add(2)
   end
   local model = nn.Sequential()
      :add(nn.SpatialConvolution(1, 6, 3, 3, 1, 1, 1, 1)):add(nn.ReLU())
      :add(nn.SpatialMaxPooling(2, 2, 2, 2))                      -- 6 x 6 x 6
      :add(nn.SpatialConvolution(6, 8, 3, 3)):add(nn.ReLU())   -- 8 x 4 x 4
      :add(nn.SpatialMaxPooling(2, 2, 2, 2))                      -- 8 x 2 x 2
      :add(nn.View(8 * 2 * 2))
      :add(nn.Linear(32, 16)):add(nn.Tanh())
      :add(nn.Linear(16, 4))
   local crit = nn.CrossEntropyCriterion()
   local first = crit:forward(model:forward(x), y)
   local loss = sgd(model, crit, x, y, 0.05, 25, 16)
   tester:assertlt(loss, 0.15, 'LeNet training loss below 0.15 (started at ' .. first .. ')')
   local _, pred = model:forward(x):max(2)
   tester:assertgt(pred:view(-1):eq(y):sum() / n, 0.95, 'LeNet accuracy above 95%')
end

tester:add(tests)
tester:run()
