-- Convolutions over a connection table (Torch7's SpatialConvolutionMap and
-- SpatialFullConvolutionMap) and the tables of nn.tables. A table row {i, o} connects input
-- plane i to output plane o through its own kH x kW kernel (weight[k] for row k). The sparse
-- kernels are scattered into a dense weight (zeros where planes are not connected) so the one
-- set of THNN convolution kernels does the work; kernel gradients are gathered back per row.
local utils = nn.utils
local THNN = nn.THNN
local opt = THNN.optional

------------------------------------------------------------------------ nn.tables
nn.tables = nn.tables or {}

-- every input plane to every output plane
function nn.tables.full(nin, nout)
   local ft = torch.Tensor(nin * nout, 2)
   local p = 1
   for j = 1, nout do
      for i = 1, nin do
         ft[p][1] = i
         ft[p][2] = j
         p = p + 1
      end
   end
   return ft
end

-- plane i to plane i
function nn.tables.oneToOne(nfeat)
   local ft = torch.Tensor(nfeat, 2)
   for i = 1, nfeat do
      ft[i][1] = i
      ft[i][2] = i
   end
   return ft
end

-- each output plane from nto distinct random input planes, cycling through random
-- permutations of the inputs so they are used evenly
function nn.tables.random(nin, nout, nto)
   assert(nto >= 1 and nto <= nin, 'nn.tables.random: expected 1 <= nto <= nin')
   local nker = nto * nout
   local tbl = torch.Tensor(nker, 2)
   local fi = torch.randperm(nin)
   local frcntr = 1
   local nfi = math.floor(nin / nto)
   local totbl = tbl:select(2, 2)
   local frtbl = tbl:select(2, 1)
   local ufrtbl = frtbl:unfold(1, nto, nto)
   local utotbl = totbl:unfold(1, nto, nto)
   for i = 1, nout do
      ufrtbl:select(1, i):copy(fi:narrow(1, (frcntr - 1) * nto + 1, nto))
      frcntr = frcntr + 1
      if frcntr - 1 == nfi then
         fi:copy(torch.randperm(nin))
         frcntr = 1
      end
   end
   for tocntr = 1, utotbl:size(1) do utotbl:select(1, tocntr):fill(tocntr) end
   return tbl
end

------------------------------------------------------------------------ shared machinery
local function checkTable(name, conMatrix)
   if not torch.isTensor(conMatrix) or conMatrix:dim() ~= 2 or conMatrix:size(2) ~= 2 or conMatrix:size(1) < 1 then
      error(string.format('nn.%s: expected a connection table (nConnections x 2 tensor of {input plane, output plane}), got %s',
                          name, utils.shape(conMatrix)), 3)
   end
   if conMatrix:min() < 1 or conMatrix:min() ~= math.floor(conMatrix:min()) then
      error('nn.' .. name .. ': connection table entries must be plane numbers >= 1', 3)
   end
end

-- the constructor and reset shared by both maps
local function mapClass(name)
   local M, parent = torch.class('nn.' .. name, 'nn.Module')
   function M:__init(conMatrix, kW, kH, dW, dH)
      parent.__init(self)
      checkTable(name, conMatrix)
      self.kW = kW
      self.kH = kH
      self.dW = dW or 1
      self.dH = dH or 1
      self.connTable = conMatrix
      self.nInputPlane = self.connTable:select(2, 1):max()
      self.nOutputPlane = self.connTable:select(2, 2):max()
      self.weight = torch.Tensor(self.connTable:size(1), kH, kW)
      self.bias = torch.Tensor(self.nOutputPlane)
      self.gradWeight = torch.Tensor(self.connTable:size(1), kH, kW)
      self.gradBias = torch.Tensor(self.nOutputPlane)
      self:reset()
   end
   -- fan-in of an output plane = kW * kH * (connections into it)
   function M:reset(stdv)
      if stdv then
         stdv = stdv * math.sqrt(3)
         self.weight:uniform(-stdv, stdv)
         self.bias:uniform(-stdv, stdv)
      else
         local ninp = torch.Tensor(self.nOutputPlane):zero()
         for i = 1, self.connTable:size(1) do
            local o = self.connTable[i][2]
            ninp[o] = ninp[o] + 1
         end
         for k = 1, self.connTable:size(1) do
            stdv = 1 / math.sqrt(self.kW * self.kH * ninp[self.connTable[k][2]])
            self.weight:select(1, k):uniform(-stdv, stdv)
         end
         for k = 1, self.bias:size(1) do
            stdv = 1 / math.sqrt(self.kW * self.kH * math.max(ninp[k], 1))
            self.bias[k] = torch.uniform(-stdv, stdv)
         end
      end
      return self
   end
   function M:_check(input)
      utils.checkTensor(self, input, 'input')
      utils.checkInput(self, (input:dim() == 3 or input:dim() == 4) and input:size(input:dim() - 2) == self.nInputPlane,
                       string.format('3-D (%d x H x W) or 4-D (batch: N x %d x H x W)', self.nInputPlane, self.nInputPlane),
                       input)
   end
   -- rows of the dense weight (viewed planes x (kH*kW)) that connection k maps to
   function M:_rows(outerIsInput)
      if not self._rowIndex or self._rowIndex:size(1) ~= self.connTable:size(1) then
         local n = self.connTable:size(1)
         self._rowIndex = torch.LongTensor(n)
         for k = 1, n do
            local i, o = self.connTable[k][1], self.connTable[k][2]
            if outerIsInput then
               self._rowIndex[k] = (i - 1) * self.nOutputPlane + o
            else
               self._rowIndex[k] = (o - 1) * self.nInputPlane + i
            end
         end
      end
      return self._rowIndex
   end
   function M:_dense(outerIsInput, src)
      local d1, d2 = self.nOutputPlane, self.nInputPlane
      if outerIsInput then d1, d2 = d2, d1 end
      self._denseWeight = self._denseWeight or self.weight.new()
      self._denseWeight:resize(d1, d2, self.kH, self.kW):zero()
      self._denseWeight:view(d1 * d2, self.kH * self.kW)
         :indexAdd(1, self:_rows(outerIsInput), src:contiguous():view(-1, self.kH * self.kW))
      return self._denseWeight
   end
   -- contiguous arguments and the THNN column buffers
   function M:_contig(input, gradOutput)
      self.finput = self.finput or input.new()
      self.fgradInput = self.fgradInput or input.new()
      return utils.makeContiguous(self, input, gradOutput)
   end
   -- gradWeight[k] += the dense weight gradient's row of connection k
   function M:_gatherGrad(outerIsInput, accumulate)
      self._denseGrad = self._denseGrad or self.weight.new()
      local d = self._denseWeight:size()
      self._denseGrad:resize(d):zero()
      accumulate(self._denseGrad)
      local rows = self._denseGrad:view(d[1] * d[2], self.kH * self.kW):index(1, self:_rows(outerIsInput))
      self.gradWeight:add(rows:viewAs(self.gradWeight))
   end
   function M:type(typename, tensorCache)
      self._rowIndex = nil
      utils.clear(self, 'finput', 'fgradInput', '_denseWeight', '_denseGrad')
      return parent.type(self, typename, tensorCache)
   end
   function M:clearState()
      utils.clear(self, 'finput', 'fgradInput', '_input', '_gradOutput', '_denseWeight', '_denseGrad')
      return parent.clearState(self)
   end
   function M:__tostring__()
      return string.format('%s(%d -> %d, %dx%d, %d connections)', torch.type(self), self.nInputPlane, self.nOutputPlane,
                           self.kW, self.kH, self.connTable:size(1))
   end
   return M
end

------------------------------------------------------------------------ SpatialConvolutionMap
-- output[o] = bias[o] + sum over rows k = {i, o}: valid cross-correlation of input[i] with
-- weight[k], stride dW x dH
local SCM = mapClass('SpatialConvolutionMap')

function SCM:updateOutput(input)
   self:_check(input)
   local d = input:dim()
   utils.checkInput(self, input:size(d) >= self.kW and input:size(d - 1) >= self.kH,
                    string.format('planes of at least %d x %d (the kernel size)', self.kH, self.kW), input)
   input = self:_contig(input)
   local w = self:_dense(false, self.weight)
   THNN.SpatialConvolutionMM_updateOutput(input:cdata(), self.output:cdata(), w:cdata(), self.bias:cdata(),
      self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH, 0, 0, 1)
   return self.output
end

function SCM:updateGradInput(input, gradOutput)
   input, gradOutput = self:_contig(input, gradOutput)
   THNN.SpatialConvolutionMM_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self._denseWeight:cdata(), self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH,
      0, 0, 1)
   return self.gradInput
end

function SCM:accGradParameters(input, gradOutput, scale)
   input, gradOutput = self:_contig(input, gradOutput)
   self:_gatherGrad(false, function(denseGrad)
      THNN.SpatialConvolutionMM_accGradParameters(input:cdata(), gradOutput:cdata(), denseGrad:cdata(),
         self.gradBias:cdata(), self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH,
         0, 0, scale or 1, 1)
   end)
end

------------------------------------------------------------------------ SpatialFullConvolutionMap
-- the transpose: output[o] = bias[o] + sum over rows k = {i, o}: full convolution of input[i]
-- with weight[k] (each input pixel adds a scaled kernel at stride dW x dH); output planes of
-- (iH - 1) * dH + kH x (iW - 1) * dW + kW
local SFCM = mapClass('SpatialFullConvolutionMap')

function SFCM:updateOutput(input)
   self:_check(input)
   input = self:_contig(input)
   local w = self:_dense(true, self.weight)
   THNN.SpatialFullConvolution_updateOutput(input:cdata(), self.output:cdata(), w:cdata(), self.bias:cdata(),
      self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH, 0, 0, 0, 0, 1)
   return self.output
end

function SFCM:updateGradInput(input, gradOutput)
   input, gradOutput = self:_contig(input, gradOutput)
   THNN.SpatialFullConvolution_updateGradInput(input:cdata(), gradOutput:cdata(), self.gradInput:cdata(),
      self._denseWeight:cdata(), self.finput:cdata(), self.kW, self.kH, self.dW, self.dH, 0, 0, 0, 0, 1)
   return self.gradInput
end

function SFCM:accGradParameters(input, gradOutput, scale)
   input, gradOutput = self:_contig(input, gradOutput)
   self:_gatherGrad(true, function(denseGrad)
      THNN.SpatialFullConvolution_accGradParameters(input:cdata(), gradOutput:cdata(), denseGrad:cdata(),
         self.gradBias:cdata(), self.finput:cdata(), self.fgradInput:cdata(), self.kW, self.kH, self.dW, self.dH,
         0, 0, 0, 0, scale or 1, 1)
   end)
end
