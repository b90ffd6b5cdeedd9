"""pytorch_like.legacy.convert: Torch7 nn models built in Lua (LuaSession) and read from .t7
files become pytorch_like.nn modules whose float64 outputs equal Lua's within 1e-6."""
import os

import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like import legacy
from pytorch_like.lua import LuaSession




@pytest.fixture(scope="module")
def lua():
    s = LuaSession()
    s.require("nn")
    s.execute("torch.setdefaulttensortype('torch.DoubleTensor') torch.manualSeed(7)")
    return s


def rand(*shape):
    return torch.from_numpy(np.random.default_rng(sum(shape) + len(shape)).standard_normal(shape))


# (Lua constructor, input shape); every model is run in evaluate() mode
CASES = {
    "Linear": ("nn.Linear(5, 3)", (4, 5)),
    "LinearNoBias": ("nn.Linear(5, 3, false)", (4, 5)),
    "Conv": ("nn.SpatialConvolution(2, 3, 3, 2, 2, 1, 1, 0)", (2, 2, 7, 6)),
    "ConvNoBatch": ("nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1)", (2, 5, 5)),
    "ConvMM": ("nn.SpatialConvolutionMM(2, 4, 3, 3, 1, 1, 1, 1)", (2, 2, 5, 5)),
    "MaxPool": ("nn.SpatialMaxPooling(3, 3, 2, 2)", (2, 3, 8, 8)),
    "MaxPoolCeil": ("nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil()", (2, 3, 8, 8)),
    "AvgPool": ("nn.SpatialAveragePooling(2, 2, 2, 2)", (2, 3, 7, 7)),
    "AvgPoolCeilPad": ("nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):ceil()", (2, 3, 8, 8)),
    "AvgPoolNoPadCount": ("nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):setCountExcludePad()", (2, 3, 7, 7)),
    "ReLU": ("nn.ReLU()", (3, 4)),
    "Tanh": ("nn.Tanh()", (3, 4)),
    "Sigmoid": ("nn.Sigmoid()", (3, 4)),
    "LogSoftMax": ("nn.LogSoftMax()", (3, 4)),
    "LogSoftMax1d": ("nn.LogSoftMax()", (6,)),
    "SoftMax": ("nn.SoftMax()", (3, 4)),
    "SoftMax3d": ("nn.SoftMax()", (3, 2, 2)),
    "Threshold": ("nn.Threshold(0.3, -2)", (3, 4)),
    "Dropout": ("nn.Dropout(0.4)", (3, 4)),
    "Identity": ("nn.Identity()", (3, 4)),
    "View": ("nn.View(-1):setNumInputDims(3)", (2, 3, 2, 2)),
    "ViewNoBatch": ("nn.View(4, 3)", (2, 6)),
    "ViewBatchByCount": ("nn.View(6)", (4, 2, 3)),
    "Reshape": ("nn.Reshape(6)", (4, 2, 3)),
    "BatchNorm": ("nn.BatchNormalization(4)", (5, 4)),
    "BatchNormNoAffine": ("nn.BatchNormalization(4, 1e-3, 0.2, false)", (5, 4)),
    "SpatialBatchNorm": ("nn.SpatialBatchNormalization(3)", (2, 3, 4, 4)),
    # Torch7's batch norms take one sample without the batch dim in evaluate mode
    "SpatialBatchNormSingle": ("nn.SpatialBatchNormalization(3)", (3, 4, 4)),
    "BatchNormSingle": ("nn.BatchNormalization(4)", (4,)),
    "VolumetricBatchNorm": ("nn.VolumetricBatchNormalization(3)", (2, 3, 2, 3, 2)),
    "VolumetricBatchNormSingle": ("nn.VolumetricBatchNormalization(3)", (3, 2, 3, 2)),
    "Sequential": ("nn.Sequential():add(nn.Linear(4, 6)):add(nn.Tanh()):add(nn.Linear(6, 2))", (3, 4)),
    "Concat": ("nn.Concat(2):add(nn.Linear(4, 2)):add(nn.Linear(4, 3))", (3, 4)),
    "ConcatTableCAdd": ("nn.Sequential():add(nn.ConcatTable():add(nn.Linear(4, 4)):add(nn.Identity()))"
                        ":add(nn.CAddTable())", (3, 4)),
    "ConcatTableJoin": ("nn.Sequential():add(nn.ConcatTable():add(nn.Linear(4, 2)):add(nn.Tanh()))"
                        ":add(nn.JoinTable(1, 1))", (3, 4)),
    "Parallel": ("nn.Parallel(2, 1):add(nn.Linear(3, 2)):add(nn.Linear(3, 2))", (3, 2)),
    "ConvNet": ("nn.Sequential():add(nn.SpatialConvolution(1, 4, 3, 3, 1, 1, 1, 1))"
                ":add(nn.SpatialBatchNormalization(4)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2, 2, 2))"
                ":add(nn.View(4 * 3 * 3):setNumInputDims(3)):add(nn.Dropout(0.5)):add(nn.Linear(36, 5))"
                ":add(nn.LogSoftMax())", (3, 1, 6, 6)),
}
CASES["ConvNetSingle"] = (CASES["ConvNet"][0], (1, 6, 6))


def build(lua, ctor):
    """A Lua model with non-trivial BatchNorm statistics, in evaluate() mode."""
    m = lua.eval(ctor)
    return lua.call("function(m) "
                    "for _, b in ipairs(m:findModules('nn.BatchNormalization')) do "
                    "  b.running_mean:uniform(-1, 1) b.running_var:uniform(0.5, 2) "
                    "  if b.weight then b.weight:uniform(0.5, 1.5) b.bias:uniform(-1, 1) end end "
                    "for _, b in ipairs(m:findModules('nn.SpatialBatchNormalization')) do "
                    "  b.running_mean:uniform(-1, 1) b.running_var:uniform(0.5, 2) "
                    "  b.weight:uniform(0.5, 1.5) b.bias:uniform(-1, 1) end "
                    "m:evaluate() return m end", m)


def check(net, x, ref):
    out = net(x)
    assert out.dtype == torch.float64
    np.testing.assert_allclose(out.detach().numpy(), ref.numpy(), rtol=0, atol=1e-6)


@pytest.mark.parametrize("case", sorted(CASES))
def test_from_lua_session(lua, case):
    ctor, shape = CASES[case]
    m = build(lua, ctor)
    x = rand(*shape)
    ref = lua.call_method(m, "forward", x).clone()
    net = legacy.convert(m)
    assert not net.training
    check(net, x, ref)


@pytest.mark.parametrize("case", ["Linear", "Conv", "ConvMM", "MaxPoolCeil", "AvgPoolNoPadCount", "View",
                                  "BatchNorm", "SpatialBatchNorm", "SpatialBatchNormSingle", "ConcatTableCAdd",
                                  "Parallel", "ConvNet", "ConvNetSingle"])
def test_from_t7_file(lua, case, tmp_path):
    ctor, shape = CASES[case]
    m = build(lua, ctor)
    x = rand(*shape)
    ref = lua.call_method(m, "forward", x).clone()
    path = str(tmp_path / "m.t7")
    lua.call("function(m, p) torch.save(p, m) end", m, path)
    obj = torch.load_lua(path)
    assert obj.torch_typename().startswith("nn.")
    check(legacy.convert(obj), x, ref)


def test_single_sample_batch_norm_only_in_evaluate_mode(lua):
    m = build(lua, "nn.SpatialBatchNormalization(3)")
    net = legacy.convert(m)
    assert isinstance(net, torch.nn.BatchNorm2d) and type(net).__name__ == "TorchBatchNorm2d"
    x = rand(3, 4, 4)
    net.train()
    lua.call_method(m, "training")
    with pytest.raises(ValueError, match=r"TorchBatchNorm2d: only mini-batch supported \(4D tensor\), got 3D"):
        net(x)
    with pytest.raises(Exception, match="expected input of 4 dimensions"):
        lua.call_method(m, "forward", x)
    with pytest.raises(ValueError, match=r"expected 4-D input with 3 channels \(dim 1\), got \[4, 4\]"):
        net.eval()(rand(4, 4))
    # batches still train as BatchNorm2d
    y = net.train()(rand(2, 3, 4, 4))
    assert tuple(y.shape) == (2, 3, 4, 4)


def test_weights_are_copied(lua):
    m = build(lua, "nn.Linear(3, 2)")
    net = legacy.convert(m)
    w = lua.call("function(m) return m.weight end", m)
    np.testing.assert_array_equal(net.weight.detach().numpy(), w.numpy())
    w.fill_(5.0)
    assert not (net.weight.detach().numpy() == 5.0).all()


def test_lookup_table_is_zero_based(lua):
    m = build(lua, "nn.LookupTable(7, 3)")
    idx = torch.tensor([[1, 7, 3], [2, 2, 5]], dtype=torch.int64)
    ref = lua.call_method(m, "forward", idx).clone()
    net = legacy.convert(m)
    check(net, idx - 1, ref)


def test_gmodule_in_lua(lua, tmp_path):
    lua.require("nngraph")
    g = lua.execute("local a = nn.Identity()() local b = nn.Linear(3, 3)(a) local c = nn.Tanh()(b) "
                    "local d = nn.Linear(3, 3)(a) return nn.gModule({a}, {nn.CAddTable()({c, d})})")
    x = rand(4, 3)
    ref = lua.call_method(g, "forward", x).clone()
    check(legacy.convert(g), x, ref)


def test_gmodule_file(t7_dir):
    g = torch.load_lua(os.path.join(t7_dir, "gmodule_with_linear_identity.t7"))
    net = legacy.convert(g)
    a, b = rand(3, 1), rand(3, 2)
    lin = g.modules[2] if g.modules[2].torch_typename() == "nn.Linear" else None
    assert lin is not None
    expected = b.numpy() + a.numpy() @ lin.weight.numpy().T + lin.bias.numpy()
    np.testing.assert_allclose(net(a, b).detach().numpy(), expected, rtol=0, atol=1e-12)
    assert net(a, b).shape == (3, 2)
    np.testing.assert_allclose(net([a, b]).detach().numpy(), expected, rtol=0, atol=1e-12)
    # and the same file run by nngraph in Lua
    lua = LuaSession()
    lua.require("nngraph")
    lg = lua.call("function(p) return torch.load(p) end", os.path.join(t7_dir, "gmodule_with_linear_identity.t7"))
    ref = lua.call("function(g, a, b) return g:forward({a, b}) end", lg, a, b)
    np.testing.assert_allclose(net(a, b).detach().numpy(), ref.numpy(), rtol=0, atol=1e-6)


def test_unsupported_class_named(lua):
    m = lua.eval("nn.Sequential():add(nn.Linear(2, 2)):add(nn.SoftSign())")
    with pytest.raises(NotImplementedError, match=r"nn\.SoftSign"):
        legacy.convert(m)
    with pytest.raises(legacy.UnsupportedModuleError, match=r"nn\.TemporalMaxPooling"):
        legacy.convert(lua.eval("nn.Sequential():add(nn.TemporalMaxPooling(2))"))


def test_unsupported_configurations(lua):
    with pytest.raises(NotImplementedError, match="stochasticInference"):
        legacy.convert(lua.eval("nn.Dropout(0.5, false, false, true)"))
    with pytest.raises(NotImplementedError, match="divide"):
        legacy.convert(_no_divide(lua))


def _no_divide(lua):
    return lua.call("function() local m = nn.SpatialAveragePooling(2, 2) m.divide = false return m end")


def test_bad_argument():
    with pytest.raises(TypeError, match="Torch7 nn module"):
        legacy.convert(42)


def test_conv_mm_2d_weight_layout(lua, tmp_path):
    """Older SpatialConvolutionMM saves hold weight as nOutputPlane x (nInputPlane*kH*kW)."""
    m = build(lua, "nn.SpatialConvolutionMM(2, 3, 3, 2, 1, 1, 1, 0)")
    x = rand(2, 2, 5, 5)
    ref = lua.call_method(m, "forward", x).clone()
    path = str(tmp_path / "mm.t7")
    lua.call("function(m, p) torch.save(p, m) end", m, path)
    obj = torch.load_lua(path)
    obj.weight = obj.weight.reshape(3, 2 * 3 * 2).clone()
    assert obj.weight.dim() == 2
    check(legacy.convert(obj), x, ref)


def test_conv_without_bias_and_float32(lua):
    m = build(lua, "nn.SpatialConvolution(2, 3, 3, 3):noBias():float()")
    x = rand(2, 2, 5, 5).float()
    ref = lua.call_method(m, "forward", x).clone()
    net = legacy.convert(m)
    assert net.bias is None and net.weight.dtype == torch.float32
    np.testing.assert_allclose(net(x).detach().numpy(), ref.numpy(), rtol=1e-5, atol=1e-5)


def test_batchnorm_old_save_with_running_std(lua, tmp_path):
    """BatchNormalization saves before version 2 hold running_std = 1/sqrt(running_var + eps)."""
    m = build(lua, "nn.BatchNormalization(4, 1e-3)")
    x = rand(5, 4)
    ref = lua.call_method(m, "forward", x).clone()
    path = str(tmp_path / "bn.t7")
    lua.call("function(m, p) torch.save(p, m) end", m, path)
    obj = torch.load_lua(path)
    obj["running_std"] = (obj.running_var + 1e-3).pow(-0.5)
    del obj.fields["running_var"]
    check(legacy.convert(obj), x, ref)
    del obj.fields["running_std"]
    with pytest.raises(legacy.UnsupportedModuleError, match="running_std"):
        legacy.convert(obj)
