-- A small legacy-style Torch7 script: command-line options, tensors, a timer and printing.
--   th examples/demo.lua -size 4 -seed 1
require 'torch'

local cmd = torch.CmdLine()
cmd:text()
cmd:text('pytorch_like demo: Torch7 tensors on the shared C core')
cmd:text()
cmd:text('Options')
cmd:option('-size', 3, 'matrix size')
cmd:option('-seed', 123, 'random seed')
cmd:option('-type', 'double', 'tensor type: float | double')
cmd:option('-verbose', false, 'print more')
cmd:text()
local opt = cmd:parse(arg or {})

torch.setdefaulttensortype(opt.type == 'float' and 'torch.FloatTensor' or 'torch.DoubleTensor')
print('options:', 'size=' .. opt.size, 'seed=' .. opt.seed, 'type=' .. torch.getdefaulttensortype())

local total = torch.Timer()
local timer = torch.Timer()

-- construction, views and element access (1-based)
local n = opt.size
local a = torch.Tensor(n, n)
for i = 1, n do
   for j = 1, n do a[i][j] = (i - 1) * n + j end
end
print('a =')
print(a)
print('a:t() =')
print(a:t())
print('row 2 of a: ', a[2])
print('a[{2, ' .. n .. '}] = ' .. a[{2, n}])
print('a:narrow(2, 2, ' .. (n - 1) .. ') =')
print(a:narrow(2, 2, n - 1))

-- the math lives in the C core; skip what this build does not have yet
local function section(title, f)
   local ok, err = pcall(f)
   if not ok then print(title .. ': not available (' .. tostring(err):match('[^\n]*') .. ')') end
end

section('arithmetic', function()
   local b = a + 1
   print('a + 1 =')
   print(b)
   print('a * a (matrix product) =')
   print(a * a)
   local c = torch.Tensor(n, n)
   c:add(a, 2, b)
   print('c = a + 2 * b =')
   print(c)
end)

section('reductions', function()
   print('sum of a: ' .. a:sum())
   local m, idx = a:max(2)
   print('row maxima and their (1-based) indices:')
   print(m)
   print(idx)
end)

section('random', function()
   torch.manualSeed(opt.seed)
   local r = torch.rand(2, n)
   print('torch.rand(2, ' .. n .. ') with seed ' .. opt.seed .. ':')
   print(r)
end)

local big = torch.Tensor(200, 200):fill(0.5)
section('timing', function()
   timer:reset()
   local acc = torch.Tensor(200, 200):zero()
   for i = 1, 20 do acc:add(big) end
   print(string.format('20 adds of 200x200: %.3f ms', timer:time().real * 1000))
end)

if opt.verbose then
   print(torch.LongStorage{1, 2, 3})
end
print('done in ' .. string.format('%.3f', total:time().real) .. ' s')
