-- A small deterministic image data set: 16x16 grayscale digits rendered from a built-in
-- 5x7 bitmap font with random glyph size, stroke thickness, slant, position, ink and
-- pixel noise.
--   local digits = dofile('examples/data/make_digits.lua')
--   local train, test = digits.make(4000, 1000, seed)
--   train.data: N x 1 x 16 x 16 FloatTensor in [0, 1];  train.labels: N LongTensor in 1..10
--   (label k is the digit k - 1, Torch7's 1-based class indices)
require 'torch'

local digits = {}

-- the font, one string per row, '#' = ink
local FONT = {
   [0] = {'.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'},
   [1] = {'..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'},
   [2] = {'.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'},
   [3] = {'####.', '....#', '....#', '.###.', '....#', '....#', '####.'},
   [4] = {'...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'},
   [5] = {'#####', '#....', '####.', '....#', '....#', '#...#', '.###.'},
   [6] = {'..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'},
   [7] = {'#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'},
   [8] = {'.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'},
   [9] = {'.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'},
}

local SIZE = 16
digits.size = SIZE
digits.classes = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'}

-- one glyph scaled (nearest neighbour) to w x h, strokes widened by `thick` pixels and
-- rows shifted right by up to `slant` * h pixels towards the top (italic)
local function render(d, w, h, thick, slant)
   local rows = FONT[d]
   local extra = math.ceil(slant * h)
   local t = torch.FloatTensor(h, w + extra):zero()
   for y = 1, h do
      local fy = math.floor((y - 0.5) * 7 / h) + 1
      local row = rows[fy]
      local shift = math.floor(slant * (h - y) + 0.5)
      for x = 1, w do
         local fx = math.floor((x - 0.5) * 5 / w) + 1
         if row:sub(fx, fx) == '#' then
            for dy = 0, thick - 1 do
               for dx = 0, thick - 1 do
                  if y + dy <= h and x + dx <= w then t[y + dy][x + dx + shift] = 1 end
               end
            end
         end
      end
   end
   return t
end

-- every (digit, width, height, thickness) template, rendered once
local WIDTHS, HEIGHTS, THICK, SLANT = {7, 8, 9, 10}, {11, 12, 13, 14}, {1, 2}, {0, 0.2}
local templates
local function build_templates()
   templates = {}
   for d = 0, 9 do
      templates[d] = {}
      for _, w in ipairs(WIDTHS) do
         for _, h in ipairs(HEIGHTS) do
            for _, k in ipairs(THICK) do
               for _, sl in ipairs(SLANT) do
                  table.insert(templates[d], render(d, w, h, k, sl))
               end
            end
         end
      end
   end
end

-- n images of random digits (generator state advanced deterministically)
local function sample(n)
   local data = torch.FloatTensor(n, 1, SIZE, SIZE):zero()
   local labels = torch.LongTensor(n)
   local noise = torch.FloatTensor(n, 1, SIZE, SIZE)
   for i = 1, n do
      local d = (i - 1) % 10                       -- balanced classes
      local tpl = templates[d][torch.random(1, #templates[d])]
      local h, w = tpl:size(1), tpl:size(2)
      local y0 = torch.random(0, SIZE - h)
      local x0 = torch.random(0, SIZE - w)
      local ink = torch.uniform(0.6, 1.0)
      data[i][1]:narrow(1, y0 + 1, h):narrow(2, x0 + 1, w):add(ink, tpl)
      labels[i] = d + 1
   end
   noise:normal(0, 0.15)
   data:add(noise):clamp(0, 1)
   -- shuffle so batches mix the classes
   local perm = torch.randperm(n):long()
   return {data = data:index(1, perm), labels = labels:index(1, perm)}
end

-- a training set and a test set from one seed
function digits.make(ntrain, ntest, seed)
   torch.manualSeed(seed or 1)
   if not templates then build_templates() end
   local train = sample(ntrain)
   local test = sample(ntest)
   return train, test
end

return digits
