-- Linear-family layers beyond simple.lua (Torch7's nn): PartialLinear (a subset of output
-- columns), Euclidean, WeightedEuclidean and Cosine (distances to learned templates), Kmeans (online
-- k-means centres), Maxout.
local utils = nn.utils

------------------------------------------------------------------------ PartialLinear
-- a Linear whose forward computes only the output columns in `partition` (setPartition);
-- the weight rows live in a LookupTable so only those rows get gradients
local PartialLinear, plparent = torch.class('nn.PartialLinear', 'nn.Module')

function PartialLinear:__init(inputsize, outputsize, bias)
   plparent.__init(self)
   bias = (bias == nil) and true or bias
   local pt = nn.ParallelTable()
   pt:add(nn.Identity()):add(nn.LookupTable(outputsize, inputsize))
   self.network = nn.Sequential():add(pt):add(nn.MM(false, true))
   if bias then
      self.bias = torch.Tensor(1, outputsize):zero()
      self.gradBias = torch.Tensor(1, outputsize):zero()
   end
   self.inputsize = inputsize
   self.outputsize = outputsize
   self.allcolumns = torch.range(1, self.outputsize)
   self:resetPartition()
end

function PartialLinear:setPartition(indices)
   self.partition = indices:type(self.allcolumns:type())
   return self
end

function PartialLinear:resetPartition()
   self.partition = self.allcolumns
   return self
end

function PartialLinear:parameters()
   local lut = self.network:get(1):get(2)
   if self.bias then return {lut.weight, self.bias}, {lut.gradWeight, self.gradBias} end
   return {lut.weight}, {lut.gradWeight}
end

function PartialLinear:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.inputsize) end
   self.network:get(1):get(2).weight:uniform(-stdv, stdv)
   if self.bias then self.bias:uniform(-stdv, stdv) end
   return self
end

function PartialLinear:updateOutput(input)
   utils.checkTensor(self, input, 'input')
   utils.checkInput(self, input:dim() == 2 and input:size(2) == self.inputsize,
                    string.format('of size N x %d (2-D)', self.inputsize), input)
   self.output:set(self.network:forward{input, self.partition})
   if self.bias then
      self.output:add(self.bias:index(2, self.partition:long()):expandAs(self.output))
      self.addBuffer = self.addBuffer or input.new()
      if self.addBuffer:nElement() ~= input:size(1) then self.addBuffer:resize(input:size(1)):fill(1) end
   end
   return self.output
end

function PartialLinear:updateGradInput(input, gradOutput)
   if self.gradInput then
      self.network:updateGradInput({input, self.partition}, gradOutput)
      self.gradInput:set(self.network.gradInput[1])
   end
   return self.gradInput
end

function PartialLinear:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   self.network:accGradParameters({input, self.partition}, gradOutput, scale)
   if self.bias then
      self.buffer = self.buffer or input.new()
      self.buffer:resize(gradOutput:size(2))
      self.buffer:mv(gradOutput:t(), self.addBuffer):mul(scale)
      self.gradBias:indexAdd(2, self.partition:long(), self.buffer:view(1, self.buffer:nElement()))
   end
end

function PartialLinear:accUpdateGradParameters(input, gradOutput, lr)
   utils.accUpdateIntoParameters(self, input, gradOutput, lr,
                                 {{self.network:get(1):get(2), 'weight', 'gradWeight'}, {self, 'bias', 'gradBias'}})
end
PartialLinear.sharedAccUpdateGradParameters = PartialLinear.accUpdateGradParameters

function PartialLinear:zeroGradParameters()
   self.network:zeroGradParameters()
   if self.gradBias then self.gradBias:zero() end
end

function PartialLinear:updateParameters(learningRate)
   self.network:updateParameters(learningRate)
   if self.bias then self.bias:add(-learningRate, self.gradBias) end
end

function PartialLinear:clearState()
   utils.clear(self, 'addBuffer', 'buffer')
   self.network:clearState()
   return plparent.clearState(self)
end

function PartialLinear:__tostring__()
   return torch.type(self) .. string.format('(%d -> %d)', self.inputsize, self.outputsize)
      .. (self.bias == nil and ' without bias' or '')
end

------------------------------------------------------------------------ Euclidean, WeightedEuclidean
-- distances to templates w_j (the columns of weight, inputSize x outputSize):
-- Euclidean y_j = || x - w_j ||, WeightedEuclidean y_j = || c_j .* (x - w_j) || with the
-- diagonal metrics c_j = diagCov[{{}, j}]. One implementation, diagCov nil for Euclidean.

-- y; keeps diff = x - w and wdiff = c .* diff (n x in x out) for the backward passes
local function templateForward(self, input, diagCov)
   utils.checkTensor(self, input, 'input')
   local inputSize, outputSize = self.weight:size(1), self.weight:size(2)
   utils.checkInput(self, (input:dim() == 1 and input:size(1) == inputSize) or (input:dim() == 2 and input:size(2) == inputSize),
                    string.format('of size %d (1-D) or N x %d (2-D)', inputSize, inputSize), input)
   local x = input:dim() == 1 and input:view(1, inputSize) or input
   local n = x:size(1)
   local size = torch.LongStorage{n, inputSize, outputSize}
   self._diff = self._diff or input.new()
   self._diff:resize(size):copy(x:view(n, inputSize, 1):expand(size))
   self._diff:add(-1, self.weight:view(1, inputSize, outputSize):expand(size))
   local wdiff = self._diff
   if diagCov then
      self._c = self._c or input.new()
      self._c:resizeAs(diagCov):copy(diagCov)                  -- accUpdate changes diagCov in place
      self._wdiff = self._wdiff or input.new()
      self._wdiff:resizeAs(self._diff):cmul(self._diff, self._c:view(1, inputSize, outputSize):expand(size))
      wdiff = self._wdiff
   end
   local out = torch.cmul(wdiff, wdiff):sum(2):sqrt():view(n, outputSize)
   self.output:resizeAs(out):copy(out)
   if input:dim() == 1 then self.output = self.output:view(outputSize) end
   return self.output
end

-- (c .* c .* (x - w)) .* gradOutput / y, the gradient of the distances w.r.t. x before the sum
-- over templates (n x in x out); 1e-12 guards y = 0, where the numerator is 0 too
local function templateSlope(self, gradOutput, weighted)
   local n, outputSize = self._diff:size(1), self._diff:size(3)
   local out = self.output:contiguous():view(n, 1, outputSize)
   local coef = torch.cdiv(gradOutput:contiguous():view(n, 1, outputSize), torch.add(out, 1e-12)):expandAs(self._diff)
   local slope = torch.cmul(self._diff, coef)
   if weighted then
      local c3 = self._c:view(1, self._c:size(1), outputSize):expandAs(self._diff)
      slope:cmul(c3):cmul(c3)
   end
   return slope, coef
end

local function templateGradInput(self, input, gradOutput, weighted)
   local n, inputSize = self._diff:size(1), self._diff:size(2)
   local gi = templateSlope(self, gradOutput, weighted):sum(3):view(n, inputSize)
   self.gradInput:resizeAs(input):copy(gi:viewAs(input))
   return self.gradInput
end

local function templateReset(self, stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(1)) end
   self.weight:uniform(-stdv, stdv)
   return self
end

local function templateString(self)
   return torch.type(self) .. string.format('(%d -> %d)', self.weight:size(1), self.weight:size(2))
end

local Euclidean, eparent = torch.class('nn.Euclidean', 'nn.Module')

function Euclidean:__init(inputSize, outputSize)
   eparent.__init(self)
   self.weight = torch.Tensor(inputSize, outputSize)
   self.gradWeight = torch.Tensor(inputSize, outputSize)
   self:reset()
end

Euclidean.reset = templateReset
Euclidean.__tostring__ = templateString

function Euclidean:updateOutput(input) return templateForward(self, input) end

function Euclidean:updateGradInput(input, gradOutput) return templateGradInput(self, input, gradOutput) end

-- dy_j/dw_j = -(x - w_j) / y_j
function Euclidean:accGradParameters(input, gradOutput, scale)
   local slope = templateSlope(self, gradOutput)
   self.gradWeight:add(-(scale or 1), slope:sum(1):viewAs(self.gradWeight))
end

function Euclidean:clearState()
   utils.clear(self, '_diff')
   return eparent.clearState(self)
end

local WeightedEuclidean, weparent = torch.class('nn.WeightedEuclidean', 'nn.Module')

function WeightedEuclidean:__init(inputSize, outputSize)
   weparent.__init(self)
   self.weight = torch.Tensor(inputSize, outputSize)
   self.gradWeight = torch.Tensor(inputSize, outputSize)
   self.diagCov = torch.Tensor(inputSize, outputSize)
   self.gradDiagCov = torch.Tensor(inputSize, outputSize)
   self:reset()
end

function WeightedEuclidean:reset(stdv)
   templateReset(self, stdv)
   self.diagCov:fill(1)
   return self
end

WeightedEuclidean.__tostring__ = templateString

function WeightedEuclidean:parameters()
   return {self.weight, self.diagCov}, {self.gradWeight, self.gradDiagCov}
end

function WeightedEuclidean:updateOutput(input) return templateForward(self, input, self.diagCov) end

function WeightedEuclidean:updateGradInput(input, gradOutput) return templateGradInput(self, input, gradOutput, true) end

-- dy_j/dw_j = -c_j .* c_j .* (x - w_j) / y_j ; dy_j/dc_j = c_j .* (x - w_j)^2 / y_j
function WeightedEuclidean:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local slope, coef = templateSlope(self, gradOutput, true)
   local gw = slope:sum(1):viewAs(self.gradWeight)
   local gc = torch.cmul(self._wdiff, self._diff):cmul(coef):sum(1):viewAs(self.gradDiagCov)
   self.gradWeight:add(-scale, gw)
   self.gradDiagCov:add(scale, gc)
end

-- the gradients come from the forward's buffers, so they may accumulate into the parameters
function WeightedEuclidean:accUpdateGradParameters(input, gradOutput, lr)
   utils.accUpdateIntoParameters(self, input, gradOutput, lr, {{self, 'weight', 'gradWeight'}, {self, 'diagCov', 'gradDiagCov'}})
end
WeightedEuclidean.sharedAccUpdateGradParameters = WeightedEuclidean.accUpdateGradParameters

function WeightedEuclidean:clearState()
   utils.clear(self, '_diff', '_wdiff', '_c')
   return weparent.clearState(self)
end

------------------------------------------------------------------------ Cosine
local Cosine, cosparent = torch.class('nn.Cosine', 'nn.Module')
function Cosine:__init(inputSize, outputSize)
   cosparent.__init(self)
   self.weight = torch.Tensor(outputSize, inputSize)
   self.gradWeight = torch.Tensor(outputSize, inputSize)
   self:reset()
end
-- Torch7's: the bound from weight:size(1), here the number of templates
Cosine.reset = templateReset
-- y_j = w_j.x / (|w_j| |x|)
function Cosine:updateOutput(input)
   local inputSize, outputSize = self.weight:size(2), self.weight:size(1)
   utils.checkInput(self, (input:dim() == 1 and input:size(1) == inputSize) or (input:dim() == 2 and input:size(2) == inputSize),
                    string.format('of size %d or N x %d', inputSize, inputSize), input)
   local x = input:dim() == 1 and input:view(1, inputSize) or input
   local n = x:size(1)
   self._xn = x:norm(2, 2):add(1e-12)                      -- n x 1
   self._wn = self.weight:norm(2, 2):add(1e-12)            -- out x 1
   self._weight = self._weight or self.weight.new()
   self._weight:resizeAs(self.weight):copy(self.weight)    -- accGradParameters may run after a shared update
   local dot = torch.mm(x, self.weight:t())                  -- n x out
   local out = dot:cdiv(self._xn:expand(n, outputSize)):cdiv(self._wn:t():expand(n, outputSize))
   self.output:resizeAs(out):copy(out)
   if input:dim() == 1 then self.output = self.output:view(outputSize) end
   return self.output
end
function Cosine:updateGradInput(input, gradOutput)
   local inputSize, outputSize = self.weight:size(2), self.weight:size(1)
   local x = input:dim() == 1 and input:view(1, inputSize) or input
   local n = x:size(1)
   local y = self.output:contiguous():view(n, outputSize)
   local go = gradOutput:contiguous():view(n, outputSize)
   -- dy_j/dx = w_j/(|w_j||x|) - y_j x/|x|^2
   local wnorm = torch.cdiv(self._weight, self._wn:expand(outputSize, inputSize))   -- out x in
   local gi = torch.mm(go, wnorm):cdiv(self._xn:expand(n, inputSize))
   local s = torch.cmul(go, y):sum(2)                                            -- n x 1
   gi:addcmul(-1, x, torch.cdiv(s, torch.cmul(self._xn, self._xn)):expand(n, inputSize))
   self.gradInput:resizeAs(input):copy(gi:viewAs(input))
   return self.gradInput
end
function Cosine:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local inputSize, outputSize = self.weight:size(2), self.weight:size(1)
   local x = input:dim() == 1 and input:view(1, inputSize) or input
   local n = x:size(1)
   local y = self.output:contiguous():view(n, outputSize)
   local go = gradOutput:contiguous():view(n, outputSize)
   -- dy_j/dw_j = x/(|w_j||x|) - y_j w_j/|w_j|^2
   local xnorm = torch.cdiv(x, self._xn:expand(n, inputSize))
   local gw = torch.mm(go:t(), xnorm):cdiv(self._wn:expand(outputSize, inputSize))
   local s = torch.cmul(go, y):sum(1):t()                                        -- out x 1
   gw:addcmul(-1, self._weight, torch.cdiv(s, torch.cmul(self._wn, self._wn)):expand(outputSize, inputSize))
   self.gradWeight:add(scale, gw)
end

------------------------------------------------------------------------ Kmeans
-- k centres (weight, k x dim); forward returns each sample's nearest centre (1-based) and
-- sets `loss` (summed squared distances); accGradParameters gives the online update
-- c -> c + scale/n * sum_i (x_i - c) through the usual updateParameters(1)
local Kmeans, kparent = torch.class('nn.Kmeans', 'nn.Module')

function Kmeans:__init(k, dim, scale)
   kparent.__init(self)
   assert(k and k > 0, 'nn.Kmeans: clusters cannot be 0 or negative')
   assert(dim and dim > 0, 'nn.Kmeans: dimensionality cannot be 0 or negative')
   self.k = k
   self.dim = dim
   self.scale = scale
   self.weight = torch.Tensor(self.k, self.dim)
   self.gradWeight = torch.Tensor(self.weight:size())
   self.loss = 0
   self.clusterSampleCount = torch.Tensor(self.k)
   self:reset()
end

function Kmeans:reset(stdev)
   stdev = stdev or 1
   self.weight:uniform(-stdev, stdev)
   return self
end

local function checkSamples(self, input)
   utils.checkTensor(self, input, 'input')
   utils.checkInput(self, input:dim() == 2 and input:size(2) == self.dim,
                    string.format('N x %d (2-D)', self.dim), input)
end

-- centres = k random samples
function Kmeans:initRandom(input)
   checkSamples(self, input)
   local n = input:size(1)
   assert(n >= self.k, 'nn.Kmeans: need at least k samples for initialization')
   local indices = torch.LongTensor(self.k):random(1, n)
   for i = 1, self.k do self.weight[i]:copy(input[indices[i]]) end
   return self
end

-- k-means++-like: each next centre is drawn among the ceil((1 - p) n) samples farthest from
-- the centres chosen so far
function Kmeans:initKmeansPlus(input, p)
   checkSamples(self, input)
   self.p = p or self.p or 0.95
   assert(self.p >= 0 and self.p <= 1, 'nn.Kmeans: p value should be between 0 and 1')
   local n = input:size(1)
   local pcount = math.max(math.ceil((1 - self.p) * n), 1)
   self.weight[1]:copy(input[torch.random(1, n)])
   for c = 2, self.k do
      local d = torch.match(input, self.weight:narrow(1, 1, c - 1))    -- n x (c-1) squared distances
      local minDist = d:min(2):view(n)
      local _, order = torch.sort(minDist, 1, true)
      self.weight[c]:copy(input[order[torch.random(1, pcount)]])
   end
   return self
end

function Kmeans:updateOutput(input)
   checkSamples(self, input)
   local n = input:size(1)
   self._distances = torch.match(input, self.weight)          -- n x k
   self._minScore, self._minIndx = self._distances:min(2)
   self._minIndx = self._minIndx:view(n)
   self.output:resize(n):copy(self._minIndx)
   self.loss = self._minScore:sum()
   return self.output
end

-- Kmeans has its own objective: no gradient flows to the input
function Kmeans:updateGradInput(input, gradOutput)
   self.gradInput:resize(input:size()):zero()
   return self.gradInput
end

function Kmeans:accGradParameters(input, gradOutput, scale)
   scale = self.scale or scale or 1
   assert(scale > 0, 'nn.Kmeans: scale has to be positive')
   local n = input:size(1)
   self.clusterSampleCount:zero()
   self.clusterSampleCount:indexAdd(1, self._minIndx, self.clusterSampleCount.new(n):fill(1))
   -- -scale * (x - c_nearest), summed per cluster and divided by the cluster's count
   local g = self.weight:index(1, self._minIndx):mul(-1):add(input):mul(-scale)
   local g2 = self.gradWeight.new():resizeAs(self.gradWeight):zero():indexAdd(1, self._minIndx, g)
   local counts = self.clusterSampleCount:clone():add(1e-7)
   g2:cdiv(counts:view(self.k, 1):expandAs(g2))
   self.gradWeight:add(g2)
end

function Kmeans:clearState()
   self._distances, self._minScore, self._minIndx = nil, nil, nil
   return kparent.clearState(self)
end

function Kmeans:type(typename, tensorCache)
   if typename then self:clearState() end
   return kparent.type(self, typename, tensorCache)
end

------------------------------------------------------------------------ Maxout
-- Linear to outputSize x maxoutNumber, then the max over each group of maxoutNumber units
local Maxout, moparent = torch.class('nn.Maxout', 'nn.Sequential')

function Maxout:__init(inputSize, outputSize, maxoutNumber, preprocess)
   moparent.__init(self)
   self:add(nn.Linear(inputSize, outputSize * maxoutNumber))
   self:add(nn.View(maxoutNumber, outputSize):setNumInputDims(1))
   if preprocess then self:add(preprocess) end
   self:add(nn.Max(1, 2))
end
