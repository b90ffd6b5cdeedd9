-- CPU versions of the cudnn.torch classes whose semantics no nn class has: SoftMax and
-- LogSoftMax in cuDNN's instance mode, and SpatialCrossEntropyCriterion. Every other cudnn.X
-- behaves as nn.X (lua/cudnn/init.lua aliases it), or as the nn module lua/cudnn/load.lua
-- makes of it when loading.
require 'nn'
local utils = nn.utils

-- cudnn.SoftMax / cudnn.LogSoftMax (cudnn.torch: SpatialSoftMax run with
-- CUDNN_SOFTMAX_MODE_INSTANCE): one distribution over all the non-batch elements. cudnn.torch
-- views a 1-D input as 1 x C x 1 x 1, 2-D as N x C x 1 x 1, 3-D as 1 x C x H x W, so a 3-D
-- input is one instance of C*H*W and a 4-D one N instances (nn.SoftMax normalises over C
-- there instead).
local function instanceSoftMax(name, base, algorithm)
   local M, parent = torch.class('cudnn.' .. name, base)
   function M:__init()
      parent.__init(self)
      self.mode = 'CUDNN_SOFTMAX_MODE_INSTANCE'
      self.algorithm = algorithm
   end
   local function instances(self, x)
      utils.checkTensor(self, x, 'input')
      local d = x:dim()
      utils.checkInput(self, d >= 1 and d <= 4, '1-D, 2-D (batch), 3-D or 4-D (batch)', x)
      if d == 3 then return x:contiguous():view(x:nElement()) end
      if d == 4 then return x:contiguous():view(x:size(1), x:nElement() / x:size(1)) end
      return x
   end
   function M:updateOutput(input)
      parent.updateOutput(self, instances(self, input))
      self.output = self.output:view(input:size())
      return self.output
   end
   function M:updateGradInput(input, gradOutput)
      utils.checkInput(self, torch.isTensor(gradOutput) and gradOutput:nElement() == input:nElement(),
                       'of ' .. utils.shape(input), gradOutput, 'gradOutput')
      local out = self.output
      self.output = instances(self, out)
      local ok, err = pcall(parent.updateGradInput, self, instances(self, input),
                            gradOutput:contiguous():view(self.output:size()))
      self.output = out
      if not ok then error(err, 0) end
      self.gradInput = self.gradInput:view(input:size())
      return self.gradInput
   end
   return M
end
instanceSoftMax('SoftMax', 'nn.SoftMax', 'CUDNN_SOFTMAX_ACCURATE')
instanceSoftMax('LogSoftMax', 'nn.LogSoftMax', 'CUDNN_SOFTMAX_LOG')

-- cudnn.SpatialCrossEntropyCriterion: log-softmax over the channels of an N x C x H x W input,
-- then nn.SpatialClassNLLCriterion against N x H x W class targets (mini-batches only, as
-- cudnn.torch).
local SCE, sceparent = torch.class('cudnn.SpatialCrossEntropyCriterion', 'nn.Criterion')
function SCE:__init(weights)
   sceparent.__init(self)
   self.slsm = nn.LogSoftMax()
   self.nll = nn.SpatialClassNLLCriterion(weights)
   self.sizeAverage = true
end
local function checkPair(self, input, target)
   utils.checkTensor(self, input, 'input')
   utils.checkInput(self, input:dim() == 4, '4-D (mini-batch: N x C x H x W)', input)
   utils.checkTensor(self, target, 'target')
   utils.checkInput(self, target:dim() == 3 and target:size(1) == input:size(1) and target:size(2) == input:size(3)
                    and target:size(3) == input:size(4),
                    string.format('3-D (%d x %d x %d, as input without its channels)', input:size(1), input:size(3),
                                  input:size(4)), target, 'target')
end
function SCE:updateOutput(input, target)
   checkPair(self, input, target)
   self.nll.sizeAverage = self.sizeAverage
   self.slsm:updateOutput(input)
   self.output = self.nll:updateOutput(self.slsm.output, target)
   return self.output
end
function SCE:updateGradInput(input, target)
   checkPair(self, input, target)
   self.nll.sizeAverage = self.sizeAverage
   self.nll:updateGradInput(self.slsm.output, target)
   self.gradInput = self.slsm:updateGradInput(input, self.nll.gradInput)
   return self.gradInput
end

return cudnn
