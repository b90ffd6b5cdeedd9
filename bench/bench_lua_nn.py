"""Lua nn: one LeNet-5 training step (batch 64, 1x28x28 float32, forward + backward + SGD update
through getParameters) in Lua vs the same step in PyTorch CPU (target 1.2), and the peak C
memory of 30 steps (im2col buffers must not grow with repeated steps)."""
import statistics

from timing import row

LENET = """
local model = nn.Sequential()
   :add(nn.SpatialConvolution(1, 6, 5, 5)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2, 2, 2))
   :add(nn.SpatialConvolution(6, 16, 5, 5)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2, 2, 2))
   :add(nn.View(16 * 4 * 4))
   :add(nn.Linear(256, 120)):add(nn.ReLU()):add(nn.Linear(120, 84)):add(nn.ReLU()):add(nn.Linear(84, 10))
   :add(nn.LogSoftMax())
model:float()
local crit = nn.ClassNLLCriterion():float()
local params, grads = model:getParameters()
local x = torch.FloatTensor(64, 1, 28, 28):uniform()
local y = torch.LongTensor(64):random(1, 10)
local function step()
   grads:zero()
   local out = model:forward(x)
   crit:forward(out, y)
   model:backward(x, crit:backward(out, y))
   params:add(-0.01, grads)
end
return function(n)
   step()
   local t = torch.Timer()
   for i = 1, n do step() end
   local dt = t:time().real / n
   local peak0 = tonumber(torch._C.TH_allocatedBytes())
   for i = 1, 30 do step() end
   local peak1 = tonumber(torch._C.TH_allocatedBytes())
   return dt, peak0, peak1
end
"""


def _torch_step():
    import torch
    import torch.nn as tnn
    torch.manual_seed(0)
    model = tnn.Sequential(
        tnn.Conv2d(1, 6, 5), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(6, 16, 5), tnn.ReLU(), tnn.MaxPool2d(2), tnn.Flatten(),
        tnn.Linear(256, 120), tnn.ReLU(), tnn.Linear(120, 84), tnn.ReLU(), tnn.Linear(84, 10),
        tnn.LogSoftmax(dim=1))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.rand(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    crit = tnn.NLLLoss()

    def step():
        opt.zero_grad()
        crit(model(x), y).backward()
        opt.step()
    return step


def run():
    from pytorch_like.lua import LuaSession
    s = LuaSession()
    s.require("nn")
    try:
        f = s.execute(LENET)
        times = [f(20) for _ in range(5)]
    except Exception as e:  # a THNN kernel has not landed yet
        print("bench_lua_nn: skipping LeNet step:", str(e).splitlines()[0])
        return []
    ours = statistics.median(t[0] for t in times)
    peak0, peak1 = times[-1][1], times[-1][2]
    print("bench_lua_nn: C bytes allocated before/after 30 more LeNet steps: %d / %d" % (peak0, peak1))
    try:
        import torch
        from timing import median_time
        torch.set_num_threads(max(1, torch.get_num_threads()))
        step = _torch_step()
        ref = median_time(step, repeat=7, number=10)
        return [row("lua nn: LeNet-5 training step, batch 64 float32 (vs PyTorch)", ours, ref, "torch", 1.2)]
    except ImportError:
        return [row("lua nn: LeNet-5 training step, batch 64 float32", ours, None, "none", None)]
