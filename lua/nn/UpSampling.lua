-- nn.UpSampling(params, mode): 2-D (N x C x H x W) or 3-D (N x C x T x H x W) upsampling,
-- mode 'nearest' (default) or 'linear' (bilinear / trilinear with aligned corners, as
-- SpatialUpSamplingBilinear). params: an integer scale factor (nearest: o = i * scale; linear:
-- o = (i - 1) * scale + 1), or for 'linear' a table {[odepth=,] oheight=, owidth=} of output sizes.
-- THNN Spatial/VolumetricUpSamplingNearest, SpatialUpSamplingBilinear, VolumetricUpSamplingTrilinear.
local THNN = nn.THNN
local utils = nn.utils
local H = THNN.moduleHelpers

local UP, parent = torch.class('nn.UpSampling', 'nn.Module')
function UP:__init(params, mode)
   parent.__init(self)
   self.mode = mode or 'nearest'
   if self.mode ~= 'nearest' and self.mode ~= 'linear' then
      error("nn.UpSampling: mode must be 'nearest' or 'linear', got " .. tostring(self.mode), 2)
   end
   if type(params) == 'number' then
      if params < 1 or math.floor(params) ~= params then
         error('nn.UpSampling: the scale factor must be an integer >= 1, got ' .. params, 2)
      end
      self.scale_factor = params
   elseif type(params) == 'table' and self.mode == 'linear' then
      if not (params.oheight and params.owidth) then
         error('nn.UpSampling: a size table needs oheight and owidth (and odepth for 3-D input)', 2)
      end
      self.odepth, self.oheight, self.owidth = params.odepth, params.oheight, params.owidth
   else
      error("nn.UpSampling: expected an integer scale factor (or an {oheight=, owidth=} table with mode 'linear'), got "
            .. type(params), 2)
   end
end
-- output sizes (T, H, W; T nil for 4-D input) of a linear upsampling
function UP:_linearSize(input)
   local d = input:dim()
   if self.scale_factor then
      local s = self.scale_factor
      local t = d == 5 and (input:size(d - 2) - 1) * s + 1 or nil
      return t, (input:size(d - 1) - 1) * s + 1, (input:size(d) - 1) * s + 1
   end
   if d == 5 and not self.odepth then error('nn.UpSampling: 5-D input needs odepth in the size table', 0) end
   return self.odepth, self.oheight, self.owidth
end
function UP:_run(input, gradOutput)
   H.checkIn(self, input, {4, 5}, '4-D (N x C x H x W) or 5-D (N x C x T x H x W)')
   local vol = input:dim() == 5
   local back = gradOutput ~= nil
   local out = back and self.gradInput or self.output
   local pre = back and {input:cdata(), gradOutput:cdata(), out:cdata()} or {input:cdata(), out:cdata()}
   local suffix = back and '_updateGradInput' or '_updateOutput'
   if self.mode == 'nearest' then
      local name = vol and 'VolumetricUpSamplingNearest' or 'SpatialUpSamplingNearest'
      pre[#pre + 1] = self.scale_factor
      THNN[name .. suffix](unpack(pre))
   else
      local t, h, w = self:_linearSize(input)
      if vol then pre[#pre + 1] = t end
      pre[#pre + 1] = h; pre[#pre + 1] = w; pre[#pre + 1] = 1   -- align_corners
      THNN[(vol and 'VolumetricUpSamplingTrilinear' or 'SpatialUpSamplingBilinear') .. suffix](unpack(pre))
   end
   return out
end
function UP:updateOutput(input) return self:_run(input) end
function UP:updateGradInput(input, gradOutput)
   utils.checkTensor(self, gradOutput, 'gradOutput')
   return self:_run(input, gradOutput)
end
function UP:__tostring__()
   if self.scale_factor then return string.format('%s(%d, %s)', torch.type(self), self.scale_factor, self.mode) end
   return string.format('%s(%s%dx%d, %s)', torch.type(self), self.odepth and (self.odepth .. 'x') or '', self.oheight,
                        self.owidth, self.mode)
end
