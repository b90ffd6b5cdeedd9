-- Random argument lists to every Tensor method and to torch.* functions: errors only, never a crash.
math.randomseed(1)
local vals = {0, 1, -1, 2, 3, 1.5, -2, 0/0, 1/0, 'x', true, {}, {1, 2}, {{1, 2}}, torch.Tensor(), torch.Tensor(2, 3), torch.LongTensor{1, 2}, torch.ByteTensor{1, 0}, torch.LongStorage{2, 2}, torch.FloatTensor(3), function() end}
local names = {}
for k, v in pairs(torch.getmetatable('torch.DoubleTensor')) do if type(v) == 'function' then names[#names+1] = k end end
for k, v in pairs(getmetatable(torch.DoubleTensor).__index) do end
local Tm = torch._I.Tensor
for k, v in pairs(Tm) do if type(v) == 'function' and k ~= '__construct' then names[#names+1] = k end end
local skip = {apply = true, map = true, map2 = true, free = true, retain = true, data = true, cdata = true}
local n, errs = 0, 0
for iter = 1, 4000 do
   local name = names[math.random(#names)]
   if not skip[name] then
      local args = {}
      for i = 1, math.random(0, 4) do args[i] = vals[math.random(#vals)] end
      local self = ({torch.Tensor(2, 3):fill(1), torch.LongTensor(4):fill(1), torch.Tensor(), torch.ByteTensor(2, 2):fill(1)})[math.random(4)]
      local ok, err = pcall(Tm[name], self, unpack(args, 1, 4))
      n = n + 1
      if not ok then errs = errs + 1 end
   end
end
for iter = 1, 1500 do
   local fname = ({'add', 'mul', 'cmul', 'mm', 'sum', 'max', 'sort', 'cat', 'range', 'zeros', 'rand', 'index', 'gather', 'narrow', 'view', 'conv2', 'match', 'eye', 'linspace', 'gesv', 'svd', 'topk', 'randperm', 'multinomial', 'uniform'})[math.random(25)]
   local args = {}
   for i = 1, math.random(0, 4) do args[i] = vals[math.random(#vals)] end
   pcall(torch[fname], unpack(args, 1, 4))
end
print('calls', n, 'errors', errs, 'still alive')
