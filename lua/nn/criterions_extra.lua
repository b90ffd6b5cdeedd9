-- Criterions and criterion wrappers beyond criterions.lua (Torch7's nn): CriterionTable,
-- ModuleCriterion, DistanceRatioCriterion, SpatialAutoCropMSECriterion.
local utils = nn.utils

------------------------------------------------------------------------ CriterionTable
-- a criterion as a module: input {input, target}, output the loss
local CriterionTable, ctparent = torch.class('nn.CriterionTable', 'nn.Module')

function CriterionTable:__init(criterion)
   ctparent.__init(self)
   self.criterion = criterion
   self.gradInput = {criterion.gradInput}
end

function CriterionTable:updateOutput(input)
   if torch.type(input) ~= 'table' then
      error('nn.CriterionTable: expected input to be a table {input, target}, got ' .. torch.type(input), 0)
   end
   self.output = self.criterion:updateOutput(unpack(input))
   return self.output
end

function CriterionTable:updateGradInput(input, gradOutput)
   self.gradInput[1] = self.criterion:updateGradInput(unpack(input))
   return self.gradInput
end

function CriterionTable:clearState()
   return self
end

------------------------------------------------------------------------ ModuleCriterion
-- criterion(inputModule(input), targetModule(target)); the modules' parameters are not trained
local ModuleCriterion, mcparent = torch.class('nn.ModuleCriterion', 'nn.Criterion')

function ModuleCriterion:__init(criterion, inputModule, targetModule, castTarget)
   mcparent.__init(self)
   self.inputModule = inputModule
   self.targetModule = targetModule
   self.castTarget = (castTarget == nil) and true or castTarget
   if self.inputModule then
      local params = self.inputModule:parameters()
      if params and #params > 0 then print("Warning: nn.ModuleCriterion doesn't support parameter updates") end
   end
   self.criterion = criterion
end

function ModuleCriterion:updateOutput(input, target)
   if self.inputModule then self.input = self.inputModule:forward(input) end
   if self.targetModule then self.target = self.targetModule:forward(target) end
   self.output = self.criterion:forward(self.input or input, self.target or target)
   return self.output
end

function ModuleCriterion:updateGradInput(input, target)
   self.gradInput = self.criterion:backward(self.input or input, self.target or target)
   if self.inputModule then self.gradInput = self.inputModule:backward(input, self.gradInput) end
   return self.gradInput
end

function ModuleCriterion:type(typename, tensorCache)
   if self.inputModule then self.inputModule:type(typename, tensorCache) end
   if self.castTarget and self.targetModule then self.targetModule:type(typename, tensorCache) end
   self.criterion:type(typename, tensorCache)
   return self
end

------------------------------------------------------------------------ DistanceRatioCriterion
-- triplet loss of arXiv:1611.07034 on {dSimilar, dDissimilar} distances of a batch:
-- sum of -log(exp(-Ds) / (exp(-Ds) + exp(-Dd))), divided by the batch size if sizeAverage
local DistanceRatioCriterion, drparent = torch.class('nn.DistanceRatioCriterion', 'nn.Criterion')

function DistanceRatioCriterion:__init(sizeAverage)
   drparent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

local function checkDistances(self, input)
   if torch.type(input) ~= 'table' or #input ~= 2 then
      error('nn.DistanceRatioCriterion: expected input {dSimilar, dDissimilar}, got '
            .. (torch.type(input) == 'table' and (#input .. ' entries') or torch.type(input)), 0)
   end
   local Ds, Dd = input[1], input[2]
   utils.checkTensor(self, Ds, 'dSimilar input[1]')
   utils.checkTensor(self, Dd, 'dDissimilar input[2]')
   utils.checkInput(self, Ds:dim() >= 1 and Dd:isSameSizeAs(Ds), 'the size of dSimilar (' .. utils.shape(Ds) .. ')',
                    Dd, 'dDissimilar')
   return Ds, Dd
end

function DistanceRatioCriterion:updateOutput(input)
   local Ds, Dd = checkDistances(self, input)
   -- -log(e^-Ds / (e^-Ds + e^-Dd)) = Ds + log(e^-Ds + e^-Dd), computed stably around m = min(Ds, Dd)
   local m = torch.cmin(Ds, Dd)
   local expDs = torch.exp(torch.add(m, -1, Ds))
   local expDd = torch.exp(torch.add(m, -1, Dd))
   local loss = torch.add(expDs, expDd):log():add(Ds):add(-1, m):sum()
   if self.sizeAverage then loss = loss / Ds:size(1) end
   self.output = loss
   return self.output
end

function DistanceRatioCriterion:updateGradInput(input)
   local Ds, Dd = checkDistances(self, input)
   -- d/dDs = 1 - p, d/dDd = -(1 - p), with p = e^-Ds / (e^-Ds + e^-Dd) = sigmoid(Dd - Ds)
   local q = torch.add(Ds, -1, Dd):sigmoid()                   -- 1 - p = sigmoid(Ds - Dd)
   if self.sizeAverage then q:div(Ds:size(1)) end
   self.gradInput = {q, torch.mul(q, -1)}
   return self.gradInput
end

------------------------------------------------------------------------ SpatialAutoCropMSECriterion
-- MSE between the target and the centre crop of the (larger) input to the target's H x W
local SACMSE, sacparent = torch.class('nn.SpatialAutoCropMSECriterion', 'nn.MSECriterion')

function SACMSE:__init(sizeAverage)
   sacparent.__init(self, sizeAverage)
end

local function centerCrop(input, h, w)
   local d = input:dim()
   local rowStart = 1 + math.floor((input:size(d - 1) - h) / 2)
   local colStart = 1 + math.floor((input:size(d) - w) / 2)
   return input:narrow(d - 1, rowStart, h):narrow(d, colStart, w)
end

local function checkCrop(self, input, target)
   utils.checkTensor(self, input, 'input')
   utils.checkTensor(self, target, 'target')
   utils.checkInput(self, input:dim() == 3 or input:dim() == 4, '3-D (C x H x W) or 4-D (N x C x H x W)', input)
   utils.checkInput(self, target:dim() == input:dim(), input:dim() .. '-D like the input', target, 'target')
   local d = input:dim()
   utils.checkInput(self, target:size(d - 2) == input:size(d - 2) and (d == 3 or target:size(1) == input:size(1)),
                    'the input\'s batch size and channels (' .. utils.shape(input) .. ')', target, 'target')
   if input:size(d - 1) < target:size(d - 1) or input:size(d) < target:size(d) then
      error(string.format('%s: input resolution (%d x %d) must be greater than or equal to target resolution (%d x %d)',
                          torch.typename(self), input:size(d - 1), input:size(d), target:size(d - 1), target:size(d)), 0)
   end
   return centerCrop(input, target:size(d - 1), target:size(d))
end

function SACMSE:updateOutput(input, target)
   return sacparent.updateOutput(self, checkCrop(self, input, target), target)
end

function SACMSE:updateGradInput(input, target)
   local cropped = checkCrop(self, input, target)
   self._gradCropped = self._gradCropped or input.new()
   local gradInput = self.gradInput
   self.gradInput = self._gradCropped
   sacparent.updateGradInput(self, cropped, target)
   self.gradInput = gradInput
   self.gradInput:resizeAs(input):zero()
   centerCrop(self.gradInput, target:size(input:dim() - 1), target:size(input:dim())):copy(self._gradCropped)
   return self.gradInput
end
