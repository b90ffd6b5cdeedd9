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
        f(2)
    except Exception as e:  # a THNN kernel has not landed yet
        print("bench_lua_nn: skipping LeNet step:", str(e).splitlines()[0])
        return []
    try:
        import torch  # noqa: F401
        step = _torch_step()
    except ImportError:
        step = None
    # interleave ours and PyTorch's batches so load changes on a shared machine hit both
    ours_t, ref_t, last = [], [], None
    for _ in range(7):
        last = f(10)
        ours_t.append(last[0])
        if step is not None:
            from timing import median_time
            ref_t.append(median_time(step, repeat=1, number=10))
    ours = statistics.median(ours_t)
    print("bench_lua_nn: C bytes allocated before/after 30 more LeNet steps: %d / %d" % (last[1], last[2]))
    if step is None:
        return [row("lua nn: LeNet-5 training step, batch 64 float32", ours, None, "none", None)]
    ref = statistics.median(ref_t)
    return [row("lua nn: LeNet-5 training step, batch 64 float32 (vs PyTorch)", ours, ref, "torch", 1.2)]
