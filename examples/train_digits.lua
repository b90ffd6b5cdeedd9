-- Train a small convolutional network on 16x16 digit images, the way a 2015 Torch7 user
-- would: torch.CmdLine options, nn.Sequential, getParameters + optim.sgd with a closure,
-- an xlua progress bar, optim.ConfusionMatrix, torch.save of the model and the test set.
--   th examples/train_digits.lua -epochs 3 -lr 0.05 -batchSize 32 -save demo_out
require 'torch'
require 'nn'
require 'optim'
require 'xlua'
require 'paths'

local cmd = torch.CmdLine()
cmd:text()
cmd:text('Train a ConvNet on generated digit images')
cmd:text()
cmd:text('Options')
cmd:option('-lr', 0.05, 'learning rate')
cmd:option('-momentum', 0.9, 'momentum')
cmd:option('-batchSize', 32, 'mini-batch size')
cmd:option('-epochs', 3, 'number of epochs')
cmd:option('-ntrain', 10000, 'training images')
cmd:option('-ntest', 2000, 'test images')
cmd:option('-seed', 1, 'random seed (data and weights)')
cmd:option('-save', 'demo_out', 'directory for the checkpoint and the test set')
cmd:option('-quiet', false, 'no xlua progress bar')
cmd:text()
local opt = cmd:parse(arg or {})

torch.setdefaulttensortype('torch.FloatTensor')
torch.setnumthreads(2)

local scriptdir = paths.dirname(paths.thisfile())
local digits = dofile(paths.concat(scriptdir, 'data', 'make_digits.lua'))

local timer = torch.Timer()
local trainset, testset = digits.make(opt.ntrain, opt.ntest, opt.seed)
print(string.format('data: %d training and %d test images of %dx%d, generated in %.2f s',
   trainset.data:size(1), testset.data:size(1), digits.size, digits.size, timer:time().real))

-- normalise with the training set's statistics
local mean, std = trainset.data:mean(), trainset.data:std()
trainset.data:add(-mean):div(std)
testset.data:add(-mean):div(std)

-- the model: two conv/pool stages and a linear classifier
torch.manualSeed(opt.seed)
local model = nn.Sequential()
model:add(nn.SpatialConvolution(1, 16, 5, 5, 1, 1, 2, 2))    -- 16 x 16 x 16
model:add(nn.ReLU())
model:add(nn.SpatialMaxPooling(2, 2, 2, 2))                 -- 16 x 8 x 8
model:add(nn.SpatialConvolution(16, 32, 3, 3, 1, 1, 1, 1))   -- 32 x 8 x 8
model:add(nn.ReLU())
model:add(nn.SpatialMaxPooling(2, 2, 2, 2))                 -- 32 x 4 x 4
model:add(nn.View(32 * 4 * 4):setNumInputDims(3))
model:add(nn.Linear(32 * 4 * 4, 10))
model:add(nn.LogSoftMax())
local criterion = nn.ClassNLLCriterion()
print(model)

local parameters, gradParameters = model:getParameters()
print(string.format('%d parameters', parameters:nElement()))

local optimState = {learningRate = opt.lr, momentum = opt.momentum, weightDecay = 5e-4}
local confusion = optim.ConfusionMatrix(digits.classes)

local function train(epoch)
   model:training()
   confusion:zero()
   local n = trainset.data:size(1)
   local shuffle = torch.randperm(n):long()
   local epochTimer = torch.Timer()
   for t = 1, n, opt.batchSize do
      if not opt.quiet then xlua.progress(t, n) end
      local idx = shuffle:narrow(1, t, math.min(opt.batchSize, n - t + 1))
      local inputs = trainset.data:index(1, idx)
      local targets = trainset.labels:index(1, idx)
      local feval = function(x)
         if x ~= parameters then parameters:copy(x) end
         gradParameters:zero()
         local outputs = model:forward(inputs)
         local f = criterion:forward(outputs, targets)
         model:backward(inputs, criterion:backward(outputs, targets))
         confusion:batchAdd(outputs, targets)
         return f, gradParameters
      end
      optim.sgd(feval, parameters, optimState)
   end
   if not opt.quiet then xlua.progress(n, n) end
   confusion:updateValids()
   print(string.format('epoch %d: train accuracy %.2f%% (%.1f s)', epoch,
      confusion.totalValid * 100, epochTimer:time().real))
end

local function test()
   model:evaluate()
   confusion:zero()
   local n = testset.data:size(1)
   for t = 1, n, 250 do
      local len = math.min(250, n - t + 1)
      confusion:batchAdd(model:forward(testset.data:narrow(1, t, len)), testset.labels:narrow(1, t, len))
   end
   print(confusion)
   return confusion.totalValid
end

local accuracy
for epoch = 1, opt.epochs do
   train(epoch)
   accuracy = test()
   print(string.format('epoch %d: test accuracy %.2f%%', epoch, accuracy * 100))
end

paths.mkdir(opt.save)
model:clearState()
local modelpath = paths.concat(opt.save, 'model.t7')
local testpath = paths.concat(opt.save, 'testset.t7')
torch.save(modelpath, model)
torch.save(testpath, {data = testset.data, labels = testset.labels, accuracy = accuracy})
print(string.format('test accuracy %.2f%%', accuracy * 100))
print('saved ' .. modelpath .. ' and ' .. testpath)
print(string.format('done in %.1f s', timer:time().real))
