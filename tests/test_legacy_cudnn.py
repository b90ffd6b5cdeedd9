"""legacy.convert and th-migrate on cudnn.torch classes: each stream holds an object of the cudnn
class name with the fields cudnn.torch saves (written with save_lua); the Lua model loaded from
the same file (lua/cudnn/load.lua) is the reference, at 1e-6 in float64."""
import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like import legacy, migrate
from pytorch_like._ops.t7 import LuaTable, TorchObject
from tests.test_legacy_torch7_classes import assert_same, lua, lua_forward  # noqa: F401 - lua: fixture
from tests.test_migrate import load_model


def rand(*shape, seed=0, dtype=np.float64):
    return torch.from_numpy(np.random.default_rng(seed + sum(shape)).standard_normal(shape).astype(dtype))


def obj(name, version=1, **fields):
    """An object of class name as cudnn.torch saves it (nn.Module's fields included)."""
    z = torch.zeros(0, dtype=torch.float64)
    f = LuaTable(output=z, gradInput=z.clone(), train=True, _type="torch.CudaTensor")
    f.update(fields)
    return TorchObject(name, f, version)


def write(o, tmp_path, name="m.t7"):
    path = str(tmp_path / name)
    torch.save_lua(o, path)
    return path


def lua_load(lua, path):
    return lua.call("function(p) local m = torch.load(p) m:evaluate() return m end", path)


def conv(nin, nout, k, g=1, **kw):
    fields = dict(nInputPlane=nin, nOutputPlane=nout, kW=k[1], kH=k[0], dW=1, dH=1, padW=0, padH=0, groups=g,
                  weight=rand(nout, nin // g, *k, seed=1), bias=rand(nout, seed=2),
                  gradWeight=torch.zeros(nout, nin // g, *k), gradBias=torch.zeros(nout), iSize=torch.zeros(4))
    fields.update(kw)
    return obj("cudnn.SpatialConvolution", **fields)


def pool(name, mode, **kw):
    return obj(name, mode=mode, iSize=torch.zeros(4), **kw)


def bn(name, n, affine=True, **kw):
    f = dict(eps=1e-3, momentum=0.1, running_mean=rand(n, seed=3), running_var=rand(n, seed=4).abs() + 0.5,
             save_mean=torch.zeros(n), save_std=torch.zeros(n), mode="CUDNN_BATCHNORM_SPATIAL")
    if affine:
        f.update(affine=True, weight=rand(n, seed=5), bias=rand(n, seed=6), gradWeight=torch.zeros(n),
                 gradBias=torch.zeros(n))
    f.update(kw)
    return obj(name, 2, **f)


def softmax(name, alg="CUDNN_SOFTMAX_ACCURATE", mode="CUDNN_SOFTMAX_MODE_CHANNEL"):
    return obj(name, mode=mode, algorithm=alg, iSize=torch.zeros(4))


# name: (object, input shapes, the class it converts to)
CASES = {
    "SpatialConvolutionGroups": (lambda: conv(4, 6, (3, 3), g=2, padW=1, padH=1), [(4, 5, 6), (2, 4, 5, 6)],
                                 "Conv2d"),
    "SpatialConvolutionGroups3": (lambda: conv(6, 3, (2, 3), g=3, dW=2), [(2, 6, 5, 7)], "Conv2d"),
    "SpatialConvolutionOld": (lambda: obj("cudnn.SpatialConvolution", nInputPlane=2, nOutputPlane=3, kW=2, kH=2,
                                          dW=1, dH=1, weight=rand(3, 8, seed=7)), [(2, 2, 4, 4)], "Conv2d"),
    "SpatialFullConvolution": (lambda: obj("cudnn.SpatialFullConvolution", nInputPlane=3, nOutputPlane=2, kW=3,
                                           kH=3, dW=2, dH=2, padW=1, padH=1, adjW=1, adjH=0,
                                           weight=rand(3, 2, 3, 3, seed=8), bias=rand(2, seed=9)),
                               [(3, 4, 5), (2, 3, 4, 5)], "TorchFullConvolution"),
    "VolumetricConvolution": (lambda: obj("cudnn.VolumetricConvolution", nInputPlane=2, nOutputPlane=3, kT=2,
                                          kW=3, kH=2, dT=1, dW=2, dH=1, padT=1, padW=1, padH=0,
                                          weight=rand(3, 2, 2, 2, 3, seed=10), bias=rand(3, seed=11)),
                              [(2, 2, 4, 5, 6)], "Conv3d"),
    "VolumetricFullConvolution": (lambda: obj("cudnn.VolumetricFullConvolution", nInputPlane=2, nOutputPlane=3,
                                              kT=2, kW=2, kH=3, dT=2, dW=2, dH=1, padT=0, padW=1, padH=1, adjT=1,
                                              weight=rand(2, 3, 2, 3, 2, seed=12), bias=rand(3, seed=13)),
                                  [(2, 2, 3, 4, 4)], "ConvTranspose3d"),
    "SpatialMaxPooling": (lambda: pool("cudnn.SpatialMaxPooling", "CUDNN_POOLING_MAX", kW=3, kH=2, dW=2, dH=2,
                                       padW=1, padH=0, ceil_mode=True), [(3, 7, 8), (2, 3, 7, 8)], "MaxPool2d"),
    "SpatialAveragePoolingInclude": (lambda: pool("cudnn.SpatialAveragePooling",
                                                  "CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING", kW=3, kH=3, dW=2,
                                                  dH=2, padW=1, padH=1, ceil_mode=False),
                                     [(3, 7, 6), (2, 3, 7, 6)], "AvgPool2d"),
    "SpatialAveragePoolingExclude": (lambda: pool("cudnn.SpatialAveragePooling",
                                                  "CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING", kW=3, kH=3, dW=2,
                                                  dH=2, padW=1, padH=1, ceil_mode=True),
                                     [(3, 7, 6), (2, 3, 7, 6)], "AvgPool2d"),
    "VolumetricMaxPooling": (lambda: pool("cudnn.VolumetricMaxPooling", "CUDNN_POOLING_MAX", kT=2, kW=2, kH=3,
                                          dT=1, dW=2, dH=2, padT=0, padW=1, padH=1), [(2, 2, 4, 5, 5)],
                             "MaxPool3d"),
    "VolumetricAveragePoolingExclude": (lambda: pool("cudnn.VolumetricAveragePooling",
                                                     "CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING", kT=2, kW=3, kH=2,
                                                     dT=2, dW=2, dH=1, padT=1, padW=1, padH=0),
                                        [(2, 2, 4, 5, 5)], "AvgPool3d"),
    "VolumetricAveragePoolingInclude": (lambda: pool("cudnn.VolumetricAveragePooling", "CUDNN_POOLING_AVERAGE",
                                                     kT=2, kW=2, kH=2, dT=2, dW=2, dH=2), [(2, 2, 4, 4, 4)],
                                        "AvgPool3d"),
    "ReLU": (lambda: obj("cudnn.ReLU", inplace=False, mode="CUDNN_ACTIVATION_RELU"), [(5,), (3, 4)], "ReLU"),
    "ReLUNoMode": (lambda: obj("cudnn.ReLU", inplace=True), [(3, 4)], "ReLU"),
    "Tanh": (lambda: obj("cudnn.Tanh", inplace=False, mode="CUDNN_ACTIVATION_TANH"), [(3, 4)], "Tanh"),
    "Sigmoid": (lambda: obj("cudnn.Sigmoid", inplace=False), [(3, 4)], "Sigmoid"),
    "ClippedReLU": (lambda: obj("cudnn.ClippedReLU", inplace=False, ceiling=0.6,
                                mode="CUDNN_ACTIVATION_CLIPPED_RELU"), [(4, 5)], "Hardtanh"),
    "SpatialSoftMax": (lambda: softmax("cudnn.SpatialSoftMax"), [(5,), (3, 4), (3, 2, 2), (2, 3, 2, 2)],
                       "TorchSoftMax"),
    "SpatialLogSoftMax": (lambda: softmax("cudnn.SpatialLogSoftMax", "CUDNN_SOFTMAX_LOG"),
                          [(5,), (3, 4), (3, 2, 2), (2, 3, 2, 2)], "TorchSoftMax"),
    "SoftMax": (lambda: softmax("cudnn.SoftMax"), [(5,), (3, 4), (3, 2, 2), (2, 3, 2, 2)], "TorchInstanceSoftMax"),
    "SoftMaxInstance": (lambda: softmax("cudnn.SoftMax", mode="CUDNN_SOFTMAX_MODE_INSTANCE"), [(2, 3, 2, 2)],
                        "TorchInstanceSoftMax"),
    "LogSoftMax": (lambda: softmax("cudnn.LogSoftMax", "CUDNN_SOFTMAX_LOG"), [(5,), (3, 4), (3, 2, 2), (2, 3, 2, 2)],
                   "TorchInstanceSoftMax"),
    "SpatialSoftMaxInstanceMode": (lambda: softmax("cudnn.SpatialSoftMax", mode="CUDNN_SOFTMAX_MODE_INSTANCE"),
                                   [(3, 2, 2)], "TorchInstanceSoftMax"),
    "BatchNormalization": (lambda: bn("cudnn.BatchNormalization", 3), [(4, 3)], "TorchBatchNorm1d"),
    "SpatialBatchNormalization": (lambda: bn("cudnn.SpatialBatchNormalization", 3), [(2, 3, 4, 5)], "TorchBatchNorm2d"),
    "SpatialBatchNormalizationNoAffine": (lambda: bn("cudnn.SpatialBatchNormalization", 3, affine=False),
                                          [(2, 3, 4, 5)], "TorchBatchNorm2d"),
    "VolumetricBatchNormalization": (lambda: bn("cudnn.VolumetricBatchNormalization", 3), [(2, 3, 2, 3, 2)],
                                     "TorchBatchNorm3d"),
    "SpatialCrossMapLRN": (lambda: obj("cudnn.SpatialCrossMapLRN", size=5, alpha=0.5, beta=0.75, k=2),
                           [(7, 3, 3), (2, 7, 3, 3)], "TorchCrossMapLRN"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cudnn_class_matches_lua(lua, case, tmp_path):
    make, shapes, cls = CASES[case]
    path = write(make(), tmp_path)
    m = lua_load(lua, path)
    net = legacy.convert(torch.load_lua(path))
    assert type(net).__name__ == cls
    # the module Lua made of it converts too (it saves as its nn class, or a cudnn CPU class)
    net_lua = legacy.convert(m)
    assert type(net_lua).__name__ == cls
    for k, shape in enumerate(shapes):
        x = rand(*shape, seed=20 + k)
        ref = lua_forward(lua, m, x)
        assert_same(net(x), ref)
        assert_same(net_lua(x), ref)


def test_conv_groups_constructor_and_weights(tmp_path):
    net = legacy.convert(torch.load_lua(write(conv(4, 6, (3, 3), g=2), tmp_path)))
    assert net.groups == 2 and tuple(net.weight.shape) == (6, 2, 3, 3)
    assert legacy.constructor_of(net)[3]["groups"] == 2


def test_instance_softmax_semantics():
    """cuDNN instance mode on a 3-D input: one distribution over all C*H*W elements."""
    net = legacy.convert(softmax("cudnn.SoftMax"))
    x = rand(3, 2, 2)
    y = net(x).numpy()
    e = np.exp(x.numpy() - x.numpy().max())
    np.testing.assert_allclose(y, e / e.sum(), rtol=1e-12)
    np.testing.assert_allclose(y.sum(), 1.0, rtol=1e-12)
    with pytest.raises(ValueError, match="expected a 1-D to 4-D input"):
        net(rand(1, 2, 2, 2, 2))


@pytest.mark.parametrize("size_average", [True, False])
def test_spatial_cross_entropy_matches_lua(lua, tmp_path, size_average):
    w = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64)
    nll = TorchObject("nn.SpatialClassNLLCriterion", LuaTable(weights=w, sizeAverage=True, ignoreIndex=-100,
                                                              output_tensor=torch.zeros(1),
                                                              total_weight_tensor=torch.ones(1)))
    crit = TorchObject("cudnn.SpatialCrossEntropyCriterion",
                       LuaTable(sizeAverage=size_average, nll=nll, slsm=softmax("cudnn.SpatialLogSoftMax",
                                                                                "CUDNN_SOFTMAX_LOG"),
                                output=0, gradInput=torch.zeros(0)))
    path = write(crit, tmp_path)
    c = lua.call("function(p) return torch.load(p) end", path)
    x = rand(2, 3, 4, 5)
    t = torch.from_numpy(np.random.default_rng(1).integers(1, 4, size=(2, 4, 5)).astype(np.int64))
    res = lua.call("function(c, x, t) local l = c:forward(x, t) return l, c:backward(x, t):clone() end", c, x, t)
    loss_fn = legacy.convert(torch.load_lua(path))
    assert type(loss_fn).__name__ == "CrossEntropyLoss"
    xg = x.clone().requires_grad_(True)
    loss = loss_fn(xg, t - 1)
    np.testing.assert_allclose(loss.item(), float(res[0]), rtol=1e-9, atol=1e-9)
    loss.backward()
    np.testing.assert_allclose(xg.grad.numpy(), res[1].numpy(), rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", ["cudnn.RNN", "cudnn.LSTM", "cudnn.GRU", "cudnn.BLSTM", "cudnn.BGRU"])
def test_rnn_is_named_not_dropped(lua, tmp_path, name):
    rnn = obj(name, inputSize=3, hiddenSize=4, numLayers=1, weight=rand(40), gradWeight=torch.zeros(40))
    seq = TorchObject("nn.Sequential", LuaTable(modules=[rnn], output=torch.zeros(0), gradInput=torch.zeros(0),
                                                train=True))
    path = write(seq, tmp_path)
    pattern = name.replace(".", r"\.") + r" is not supported \(a cuDNN RNN"
    with pytest.raises(legacy.UnsupportedModuleError, match=pattern):
        legacy.convert(torch.load_lua(path))
    ok, report = migrate.migrate(path, str(tmp_path / "out"))
    assert not ok and name + " " in report and "NOT converted" in report
    # Lua loads it inert, naming it when run
    m = lua.call("function(p) return torch.load(p) end", path)
    with pytest.raises(Exception, match=name.replace(".", r"\.") + ": cuDNN RNNs"):
        lua.call("function(m, x) return m:forward(x) end", m, rand(2, 3))


BAD = {
    "weight size": (lambda: conv(4, 6, (3, 3), weight=rand(5)), ValueError,
                    r"cudnn\.SpatialConvolution \(cudnn\.torch object\): field weight has 5 elements, expected 216"),
    "groups not dividing": (lambda: conv(4, 6, (3, 3), g=4, weight=rand(6, 1, 3, 3)), ValueError,
                            r"must be divisible by groups \(4\)"),
    "groups zero": (lambda: conv(4, 6, (3, 3), groups=0), ValueError, "field groups: integer >= 1 expected, got 0"),
    "kW not a number": (lambda: conv(4, 6, (3, 3), kW="3"), ValueError, "field kW: number expected, got str"),
    "full conv groups": (lambda: obj("cudnn.SpatialFullConvolution", nInputPlane=2, nOutputPlane=2, kW=1, kH=1,
                                     groups=2, weight=rand(2, 1, 1, 1)), ValueError, "groups = 2 is not supported"),
    "pooling mode": (lambda: pool("cudnn.SpatialMaxPooling", "CUDNN_POOLING_X", kW=2, kH=2), ValueError,
                     "unknown pooling mode CUDNN_POOLING_X"),
    "pooling kernel": (lambda: pool("cudnn.SpatialMaxPooling", "CUDNN_POOLING_MAX", kH=2), ValueError,
                       "field kW is missing"),
    "clipped relu": (lambda: obj("cudnn.ClippedReLU", inplace=False), ValueError,
                     "field ceiling: a positive number expected, got None"),
    "activation mode": (lambda: obj("cudnn.ReLU", mode="CUDNN_ACTIVATION_X"), ValueError, "unknown activation mode"),
    "softmax algorithm": (lambda: softmax("cudnn.SoftMax", alg="CUDNN_SOFTMAX_X"), ValueError,
                          "unknown softmax algorithm"),
    "bn running_var": (lambda: bn("cudnn.BatchNormalization", 3, running_var=rand(2)), ValueError,
                       "field running_var has 2 elements, expected 3"),
    "bn running_mean": (lambda: bn("cudnn.BatchNormalization", 3, running_mean=None), ValueError,
                        "field running_mean: non-empty tensor expected"),
    "lrn even": (lambda: obj("cudnn.SpatialCrossMapLRN", size=4), ValueError, "size 4: only odd sizes"),
    "criterion nll": (lambda: TorchObject("cudnn.SpatialCrossEntropyCriterion", LuaTable(nll=3)), ValueError,
                      "field nll: nn.SpatialClassNLLCriterion expected, got int"),
    "no rule": (lambda: obj("cudnn.VolumetricSoftMax", mode="CUDNN_SOFTMAX_MODE_CHANNEL"),
                legacy.UnsupportedModuleError,
                r"nn\.VolumetricSoftMax is not supported \(cudnn\.VolumetricSoftMax converts as nn\.VolumetricSoftMax\)"),
    "volumetric full conv groups": (lambda: obj("cudnn.VolumetricFullConvolution", nInputPlane=2, nOutputPlane=2,
                                                kT=2, kW=2, kH=2, groups=2, weight=rand(2, 1, 2, 2, 2)), ValueError,
                                    "groups = 2 is not supported"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_cudnn_objects_are_errors(case, tmp_path):
    make, exc, pattern = BAD[case]
    o = torch.load_lua(write(make(), tmp_path))
    with pytest.raises(exc, match=pattern):
        legacy.convert(o)


def test_fields_not_a_table():
    with pytest.raises(ValueError, match=r"cudnn\.ReLU \(cudnn\.torch object\): expected a table of fields, got list"):
        legacy.convert(TorchObject("cudnn.ReLU", [1, 2]))


def test_bn_old_running_std():
    var = np.array([0.5, 2.0, 1.0])
    o = bn("cudnn.SpatialBatchNormalization", 3, running_var=None,
           running_std=torch.from_numpy((var + 1e-3) ** -0.5))
    net = legacy.convert(o)
    np.testing.assert_allclose(net.running_var.numpy(), var, rtol=1e-10)


# ------------------------------------------------------------------ a GPU-saved cudnn CNN

def small_cnn(dtype=np.float64):
    def r(*shape, seed):
        return rand(*shape, seed=seed, dtype=dtype)
    def z():    # each module's own buffer (one shared tensor would be one buffer in Lua too)
        return torch.zeros(0, dtype=torch.float32 if dtype == np.float32 else torch.float64)
    view_size = torch.tensor([24], dtype=torch.int64)
    view_size._t7_storage = True        # written as the LongStorage nn.View holds
    mods = [
        obj("cudnn.SpatialConvolution", nInputPlane=4, nOutputPlane=6, kW=3, kH=3, dW=1, dH=1, padW=1, padH=1,
            groups=2, weight=r(6, 2, 3, 3, seed=1), bias=r(6, seed=2), output=z(), gradInput=z()),
        obj("cudnn.SpatialBatchNormalization", 2, eps=1e-5, momentum=0.1, affine=True, running_mean=r(6, seed=3),
            running_var=r(6, seed=4).abs() + 0.5, weight=r(6, seed=5), bias=r(6, seed=6), output=z(), gradInput=z()),
        obj("cudnn.ReLU", inplace=True, mode="CUDNN_ACTIVATION_RELU", output=z(), gradInput=z()),
        obj("cudnn.SpatialMaxPooling", kW=2, kH=2, dW=2, dH=2, padW=0, padH=0, ceil_mode=False,
            mode="CUDNN_POOLING_MAX", output=z(), gradInput=z()),
        TorchObject("nn.View", LuaTable(size=view_size, numElements=24, output=z(), gradInput=z(), train=True)),
        TorchObject("nn.Linear", LuaTable(weight=r(5, 24, seed=7), bias=r(5, seed=8), output=z(), gradInput=z(),
                                          train=True)),
        obj("cudnn.SoftMax", mode="CUDNN_SOFTMAX_MODE_INSTANCE", algorithm="CUDNN_SOFTMAX_ACCURATE", output=z(),
            gradInput=z()),
    ]
    return TorchObject("nn.Sequential", LuaTable(modules=mods, output=z(), gradInput=z(), train=False,
                                                 _type="torch.CudaTensor"))


def cuda_names(data):
    """The binary stream with Torch7's CUDA class names for its float tensors and storages."""
    out = data
    for a, b in ((b"torch.FloatTensor", b"torch.CudaTensor"), (b"torch.FloatStorage", b"torch.CudaStorage")):
        old = len(a).to_bytes(4, "little") + a
        assert old in out
        out = out.replace(old, len(b).to_bytes(4, "little") + b)
    return out


def test_cuda_tensors_and_cudnn_model_run(lua, tmp_path):
    path = write(small_cnn(np.float32), tmp_path)
    with open(path, "rb") as f:
        data = cuda_names(f.read())
    gpu = str(tmp_path / "gpu.t7")
    with open(gpu, "wb") as f:
        f.write(data)
    o = torch.load_lua(gpu)
    assert o.modules[0].weight.dtype == torch.float32
    net = legacy.convert(o)
    m = lua_load(lua, gpu)
    assert lua.eval("function(m) return torch.type(m.modules[1].weight) end")(m) == "torch.FloatTensor"
    x = rand(3, 4, 4, 4, seed=30, dtype=np.float32)
    ref = lua_forward(lua, m, x)
    y = net(x)
    assert y.dtype == torch.float32
    np.testing.assert_allclose(y.detach().numpy(), ref.numpy(), rtol=1e-5, atol=1e-6)


def test_cudnn_cnn_migrates_to_pytorch(lua, tmp_path, ref_torch):
    path = write(small_cnn(), tmp_path)
    out = str(tmp_path / "out")
    ok, report = migrate.migrate(path, out)
    assert ok, report
    for name in ("cudnn.SpatialConvolution", "cudnn.SpatialBatchNormalization", "cudnn.ReLU",
                 "cudnn.SpatialMaxPooling", "cudnn.SoftMax"):
        assert name in report
    src = open(str(tmp_path / "out" / "model.py")).read()
    assert "groups=2" in src and "class TorchInstanceSoftMax" in src
    net = load_model(out, ref_torch)
    m = lua_load(lua, path)
    for k, shape in enumerate([(2, 4, 4, 4), (1, 4, 4, 4)]):
        x = rand(*shape, seed=40 + k)
        ref = lua_forward(lua, m, x)
        got = net(ref_torch.from_numpy(x.numpy().copy()))
        assert_same(got, ref)
