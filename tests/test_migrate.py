"""th-migrate: model.py + model.safetensors load into real PyTorch and give the Lua model's
outputs (and the converted pytorch_like module's)."""
import importlib.util
import json
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like import legacy, migrate
from pytorch_like.lua import LuaSession

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ST_DTYPES = {"F64": "float64", "F32": "float32", "I64": "int64"}


def read_st(path, ref_torch):
    """The safetensors file parsed here independently: header, then torch.frombuffer."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    (n,) = struct.unpack("<Q", bytes(data[:8]))
    assert n % 8 == 0
    header = json.loads(bytes(data[8:8 + n]))
    out = {}
    for k, info in header.items():
        if k == "__metadata__":
            continue
        b, e = info["data_offsets"]
        dt = getattr(ref_torch, ST_DTYPES[info["dtype"]])
        t = ref_torch.frombuffer(data, dtype=dt, count=(e - b) // dt.itemsize, offset=8 + n + b) if e > b \
            else ref_torch.empty(0, dtype=dt)
        out[k] = t.reshape(info["shape"]).clone()
    return out


def load_model(outdir, ref_torch):
    spec = importlib.util.spec_from_file_location("migrated_model_%d" % id(outdir),
                                                  os.path.join(outdir, "model.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    net = mod.Model()
    res = net.load_state_dict(read_st(os.path.join(outdir, "model.safetensors"), ref_torch), strict=True)
    assert not res.missing_keys and not res.unexpected_keys
    return net.eval()


@pytest.fixture(scope="module")
def lua():
    s = LuaSession()
    s.require("nngraph")
    s.execute("torch.setdefaulttensortype('torch.DoubleTensor') torch.manualSeed(3)")
    return s


MODELS = {
    "convnet": ("nn.Sequential():add(nn.SpatialConvolution(1, 4, 3, 3, 1, 1, 1, 1))"
                ":add(nn.SpatialBatchNormalization(4)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2, 2, 2):ceil())"
                ":add(nn.SpatialAveragePooling(2, 2, 1, 1, 1, 1):setCountExcludePad())"
                ":add(nn.View(-1):setNumInputDims(3)):add(nn.Dropout(0.5)):add(nn.Linear(100, 5))"
                ":add(nn.Threshold(0.1, -1)):add(nn.LogSoftMax())", (3, 1, 7, 7)),
    "tables": ("nn.Sequential():add(nn.ConcatTable():add(nn.Linear(4, 4)):add(nn.Sequential()"
               ":add(nn.Tanh()):add(nn.Identity()))):add(nn.CAddTable()):add(nn.Concat(2):add(nn.Sigmoid())"
               ":add(nn.Sequential():add(nn.Reshape(2, 2)):add(nn.View(-1):setNumInputDims(2)))):add(nn.BatchNormalization(8)):add(nn.SoftMax())", (5, 4)),
    "torch7mix": ("nn.Sequential():add(nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 1))"
                  ":add(nn.SpatialCrossMapLRN(3, 0.1, 0.75, 1)):add(nn.PReLU(3))"
                  ":add(nn.SpatialZeroPadding(1, 0, -1, 1))"
                  ":add(nn.SpatialUpSamplingNearest(2)):add(nn.SpatialMaxPooling(2, 2, 2, 2))"
                  ":add(nn.View(-1):setNumInputDims(3)):add(nn.Replicate(2, 1, 1)):add(nn.SplitTable(1, 2))"
                  ":add(nn.ParallelTable():add(nn.Normalize(2)):add(nn.MulConstant(3))):add(nn.CMulTable())"
                  ":add(nn.Padding(1, 2, 1)):add(nn.Dropout(0.2, true))", (2, 2, 3, 3)),
    "graph": ("(function() local a = nn.Identity()() local b = nn.Tanh()(nn.Linear(3, 3)(a)) "
              "return nn.gModule({a}, {nn.CAddTable()({b, nn.Linear(3, 3)(a)})}) end)()", (4, 3)),
}
# one sample without the batch dim through the batch norms (Torch7 takes it in evaluate mode)
MODELS["convnet_single"] = (MODELS["convnet"][0], (1, 7, 7))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_export_matches_lua_and_converted(lua, name, tmp_path, ref_torch):
    ctor, shape = MODELS[name]
    m = lua.call("function(m) for _, b in ipairs(m:findModules('nn.SpatialBatchNormalization')) do "
                 "b.running_mean:uniform(-1, 1) b.running_var:uniform(0.5, 2) end "
                 "for _, b in ipairs(m:findModules('nn.BatchNormalization')) do "
                 "b.running_mean:uniform(-1, 1) b.running_var:uniform(0.5, 2) end m:evaluate() return m end",
                 lua.eval(ctor))
    path = str(tmp_path / "model.t7")
    lua.call("function(m, p) torch.save(p, m) end", m, path)
    x = torch.from_numpy(np.random.default_rng(5).standard_normal(shape))
    ref = lua.call_method(m, "forward", x).clone().numpy()
    out = str(tmp_path / "out")
    r = subprocess.run([sys.executable, "-m", "pytorch_like.migrate", path, out], capture_output=True,
                       text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    report = open(os.path.join(out, "report.txt")).read()
    assert "NOT converted" not in report and "converted" in report
    net = load_model(out, ref_torch)
    got = net(ref_torch.from_numpy(x.numpy().copy())).detach().numpy()
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-6)
    ours = legacy.convert(torch.load_lua(path))(x).detach().numpy()
    np.testing.assert_allclose(got, ours, rtol=0, atol=1e-6)
    src = open(os.path.join(out, "model.py")).read()
    assert "pytorch_like" not in src.split('"""', 2)[2]      # plain PyTorch, not our package


def test_report_lists_classes_and_refuses_unsupported(lua, tmp_path, capsys):
    m = lua.eval("nn.Sequential():add(nn.Linear(2, 3)):add(nn.SoftSign()):add(nn.Linear(3, 1))")
    path = str(tmp_path / "bad.t7")
    lua.call("function(m, p) torch.save(p, m) end", m, path)
    out = str(tmp_path / "out")
    assert migrate.main([path, out]) == 1
    report = open(os.path.join(out, "report.txt")).read()
    assert "nn.SoftSign" in report and "NOT converted" in report
    assert "nn.Linear" in report and " x2 " in report
    assert not os.path.exists(os.path.join(out, "model.py"))
    assert "nn.SoftSign" in capsys.readouterr().out


def test_missing_file(tmp_path, capsys):
    assert migrate.main([str(tmp_path / "nope.t7"), str(tmp_path / "o")]) == 2
    assert "nope.t7" in capsys.readouterr().err


def test_safetensors_roundtrip(tmp_path, ref_torch):
    tensors = {"a": np.arange(6, dtype=np.float64).reshape(2, 3), "b": np.array([1, -2], dtype=np.int64),
               "c": np.ones((1, 2, 1), dtype=np.float32), "e": np.zeros((0, 3))}
    p = str(tmp_path / "t.safetensors")
    migrate.write_safetensors(p, tensors, {"k": "v"})
    back = migrate.read_safetensors(p)
    theirs = read_st(p, ref_torch)
    for k, v in tensors.items():
        np.testing.assert_array_equal(back[k], v)
        assert back[k].dtype == v.dtype
        np.testing.assert_array_equal(theirs[k].numpy(), v)
    with pytest.raises(TypeError, match="'z'"):
        migrate.write_safetensors(p, {"z": np.zeros(2, dtype=np.complex128)})
