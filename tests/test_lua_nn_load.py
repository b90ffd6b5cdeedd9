"""Lua nn modules saved without their transient fields (output, gradInput, gradWeight...),
as files written after clearState or by other tools are, load and still run."""
import os
import subprocess
import sys

SCRIPT = r"""
require 'nn'
torch.manualSeed(7)
local m = nn.Sequential():add(nn.SpatialConvolution(1, 2, 3, 3)):add(nn.ReLU())
   :add(nn.SpatialMaxPooling(2, 2, 2, 2)):add(nn.View(-1)):add(nn.Linear(18, 3)):add(nn.LogSoftMax())
local x = torch.randn(1, 8, 8)
local y0 = m:forward(x):clone()
local keep = {weight = true, bias = true, modules = true}
local function strip(mod)
   for k, v in pairs(mod) do
      if not keep[k] and torch.isTensor(v) then mod[k] = nil end
   end
   if mod.modules then for _, c in ipairs(mod.modules) do strip(c) end end
end
strip(m)
assert(m.modules[1].output == nil and m.modules[5].gradWeight == nil)
torch.save(arg[1], m)
local m2 = torch.load(arg[1])
local y = m2:forward(x)
assert((y - y0):abs():max() == 0, 'outputs differ')
local g = m2:backward(x, torch.ones(3))
assert(g:dim() == 3 and g:size(2) == 8, 'bad gradInput')
assert(m2.modules[5].gradWeight:norm() > 0, 'gradWeight not accumulated')
print('ok')
"""


def test_stripped_module_loads_and_runs(tmp_path):
    script = tmp_path / "stripped.lua"
    script.write_text(SCRIPT)
    th = os.path.join(os.path.dirname(sys.executable), "th")
    r = subprocess.run([th, str(script), str(tmp_path / "m.t7")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith("ok")
