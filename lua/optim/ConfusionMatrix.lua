--[[ optim.ConfusionMatrix(nclasses | classNames [, classNames]).
mat (LongTensor nclasses x nclasses: rows = targets, columns = predictions), add, batchAdd,
zero, updateValids (valids, unionvalids, totalValid, averageValid, averageUnionValid),
farFrr, __tostring__ as Torch7. Targets <= 0 are missing values and ignored (Torch7);
other labels outside [1, nclasses] are errors. ]]
local ConfusionMatrix = torch.class('optim.ConfusionMatrix')

function ConfusionMatrix:__init(nclasses, classes)
   if type(nclasses) == 'table' then
      classes = nclasses
      nclasses = #classes
   end
   if type(nclasses) ~= 'number' or nclasses < 1 or nclasses ~= math.floor(nclasses) then
      error("optim.ConfusionMatrix: argument #1 (nclasses) must be a positive integer or a table of class names, got "
            .. tostring(nclasses), 2)
   end
   self.mat = torch.LongTensor(nclasses, nclasses):zero()
   self.valids = torch.FloatTensor(nclasses):zero()
   self.unionvalids = torch.FloatTensor(nclasses):zero()
   self.nclasses = nclasses
   self.totalValid = 0
   self.averageValid = 0
   self.classes = classes or {}
   self._mat_flat = self.mat:view(-1)
   self._target = torch.FloatTensor()
   self._prediction = torch.FloatTensor()
   self._max = torch.FloatTensor()
   self._pred_idx = torch.LongTensor()
   self._targ_idx = torch.LongTensor()
end

function ConfusionMatrix:_checkLabel(v, what)
   if v ~= math.floor(v) or v > self.nclasses or (what == 'prediction' and v < 1) then
      optim._error(string.format("ConfusionMatrix: %s label %s out of range [1, %d]", what, tostring(v),
                                 self.nclasses))
   end
end

function ConfusionMatrix:_add(p, t)
   if type(p) ~= 'number' then
      error("ConfusionMatrix.add: prediction must be a number or a tensor, got " .. torch.type(p), 3)
   end
   if type(t) ~= 'number' then
      error("ConfusionMatrix.add: target must be a number or a tensor, got " .. torch.type(t), 3)
   end
   -- non-positive targets are missing values and ignored
   if t > 0 then
      self:_checkLabel(t, 'target')
      self:_checkLabel(p, 'prediction')
      self.mat[t][p] = self.mat[t][p] + 1
   end
end

function ConfusionMatrix:add(prediction, target)
   if type(prediction) == 'number' then
      self:_add(prediction, target)
   else
      if not torch.isTensor(prediction) or prediction:dim() ~= 1 then
         error("ConfusionMatrix.add: prediction must be a number or a 1-D tensor of scores", 2)
      end
      self._prediction:resize(prediction:size()):copy(prediction)
      if type(target) == 'number' then
         -- a score vector and a class index
         self._max:max(self._pred_idx, self._prediction, 1)
         self:_add(self._pred_idx[1], target)
      else
         if not torch.isTensor(target) or target:dim() ~= 1 then
            error("ConfusionMatrix.add: target must be a number or a 1-D tensor", 2)
         end
         self._target:resize(target:size()):copy(target)
         self._max:max(self._targ_idx, self._target, 1)
         self._max:max(self._pred_idx, self._prediction, 1)
         self:_add(self._pred_idx[1], self._targ_idx[1])
      end
   end
end

function ConfusionMatrix:batchAdd(predictions, targets)
   if not torch.isTensor(predictions) then
      error("ConfusionMatrix.batchAdd: argument #1 (predictions) must be a tensor", 2)
   end
   if not torch.isTensor(targets) then
      error("ConfusionMatrix.batchAdd: argument #2 (targets) must be a tensor", 2)
   end
   local preds, targs
   self._prediction:resize(predictions:size()):copy(predictions)
   if predictions:dim() == 1 then
      preds = self._prediction
   elseif predictions:dim() == 2 then
      if predictions:size(2) == 1 then
         preds = self._prediction:select(2, 1)
      else
         self._max:max(self._pred_idx, self._prediction, 2)
         preds = self._pred_idx:select(2, 1)
      end
   else
      error("ConfusionMatrix.batchAdd: predictions has invalid number of dimensions (1 or 2 expected, got "
            .. predictions:dim() .. ")", 2)
   end

   self._target:resize(targets:size()):copy(targets)
   if targets:dim() == 1 then
      targs = self._target
   elseif targets:dim() == 2 then
      if targets:size(2) == 1 then
         targs = self._target:select(2, 1)
      else
         self._max:max(self._targ_idx, self._target, 2)
         targs = self._targ_idx:select(2, 1)
      end
   else
      error("ConfusionMatrix.batchAdd: targets has invalid number of dimensions (1 or 2 expected, got "
            .. targets:dim() .. ")", 2)
   end
   if preds:size(1) ~= targs:size(1) then
      error(string.format("ConfusionMatrix.batchAdd: %d predictions for %d targets", preds:size(1),
                          targs:size(1)), 2)
   end

   -- non-positive targets are missing values and ignored
   local mask = targs:ge(1)
   if mask:sum() == 0 then return end
   targs = targs[mask]
   preds = preds[mask]
   preds = preds:typeAs(targs)
   if targs:max() > self.nclasses then
      error(string.format("ConfusionMatrix: target label %s out of range [1, %d]",
                          tostring(targs:max()), self.nclasses), 2)
   end
   local pmin, pmax = preds:min(), preds:max()
   if pmin < 1 or pmax > self.nclasses then
      error(string.format("ConfusionMatrix: prediction label %s out of range [1, %d]",
                          tostring(pmin < 1 and pmin or pmax), self.nclasses), 2)
   end

   self._mat_flat = self._mat_flat or self.mat:view(-1)
   local indices = ((targs - 1) * self.mat:stride(1) + preds):typeAs(self.mat)
   local ones = torch.ones(1):typeAs(self.mat):expand(indices:size(1))
   self._mat_flat:indexAdd(1, indices, ones)
end

function ConfusionMatrix:zero()
   self.mat:zero()
   self.valids:zero()
   self.unionvalids:zero()
   self.totalValid = 0
   self.averageValid = 0
end

local function isNaN(number)
   return number ~= number
end

function ConfusionMatrix:updateValids()
   local total = 0
   for t = 1, self.nclasses do
      self.valids[t] = self.mat[t][t] / self.mat:select(1, t):sum()
      self.unionvalids[t] = self.mat[t][t] / (self.mat:select(1, t):sum() + self.mat:select(2, t):sum() - self.mat[t][t])
      total = total + self.mat[t][t]
   end
   self.totalValid = total / self.mat:sum()
   self.averageValid = 0
   self.averageUnionValid = 0
   local nvalids = 0
   local nunionvalids = 0
   for t = 1, self.nclasses do
      if not isNaN(self.valids[t]) then
         self.averageValid = self.averageValid + self.valids[t]
         nvalids = nvalids + 1
      end
      if not isNaN(self.valids[t]) and not isNaN(self.unionvalids[t]) then
         self.averageUnionValid = self.averageUnionValid + self.unionvalids[t]
         nunionvalids = nunionvalids + 1
      end
   end
   self.averageValid = self.averageValid / nvalids
   self.averageUnionValid = self.averageUnionValid / nunionvalids
end

-- False acceptance / false rejection rates per class.
function ConfusionMatrix:farFrr()
   local cmat = self.mat
   local noOfClasses = cmat:size(1)
   self._frrs = self._frrs or torch.zeros(noOfClasses)
   self._frrs:zero()
   self._classFrrs = self._classFrrs or torch.zeros(noOfClasses)
   self._classFrrs:zero()
   self._classFrrs:add(-1)
   self._fars = self._fars or torch.zeros(noOfClasses)
   self._fars:zero()
   self._classFars = self._classFars or torch.zeros(noOfClasses)
   self._classFars:zero()
   self._classFars:add(-1)
   local classSamplesCount = cmat:sum(2)
   local indx = 1
   for i = 1, noOfClasses do
      if classSamplesCount[i][1] ~= 0 then
         self._frrs[indx] = 1 - cmat[i][i] / classSamplesCount[i][1]
         self._classFrrs[i] = self._frrs[indx]
         local farNumerator = 0
         local farDenominator = 0
         for j = 1, noOfClasses do
            if i ~= j and classSamplesCount[j][1] ~= 0 then
               farNumerator = farNumerator + cmat[j][i] / classSamplesCount[j][1]
               farDenominator = farDenominator + 1
            end
         end
         self._fars[indx] = farNumerator / farDenominator
         self._classFars[i] = self._fars[indx]
         indx = indx + 1
      end
   end
   indx = indx - 1
   local returnFrrs = indx > 0 and self._frrs:narrow(1, 1, indx) or torch.Tensor()
   local returnFars = indx > 0 and self._fars:narrow(1, 1, indx) or torch.Tensor()
   return self._classFrrs, self._classFars, returnFrrs, returnFars
end

function ConfusionMatrix:__tostring__()
   self:updateValids()
   local str = {'ConfusionMatrix:\n'}
   local nclasses = self.nclasses
   table.insert(str, '[')
   local maxCnt = self.mat:max()
   local nDigits = math.max(8, 1 + math.ceil(math.log10(maxCnt)))
   for t = 1, nclasses do
      local pclass = self.valids[t] * 100
      pclass = string.format('%2.3f', pclass)
      if t == 1 then
         table.insert(str, '[')
      else
         table.insert(str, ' [')
      end
      for p = 1, nclasses do
         table.insert(str, string.format('%' .. nDigits .. 'd', self.mat[t][p]))
      end
      if self.classes and self.classes[1] then
         if t == nclasses then
            table.insert(str, ']]  ' .. pclass .. '% \t[class: ' .. (self.classes[t] or '') .. ']\n')
         else
            table.insert(str, ']   ' .. pclass .. '% \t[class: ' .. (self.classes[t] or '') .. ']\n')
         end
      else
         if t == nclasses then
            table.insert(str, ']]  ' .. pclass .. '% \n')
         else
            table.insert(str, ']   ' .. pclass .. '% \n')
         end
      end
   end
   table.insert(str, ' + average row correct: ' .. (self.averageValid * 100) .. '% \n')
   table.insert(str, ' + average rowUcol correct (VOC measure): ' .. (self.averageUnionValid * 100) .. '% \n')
   table.insert(str, ' + global correct: ' .. (self.totalValid * 100) .. '%')
   return table.concat(str)
end
