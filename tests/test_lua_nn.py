"""Lua nn modules (lua/nn, run through pytorch_like.lua.LuaSession) against PyTorch's
equivalents: forward, gradInput and parameter gradients, 1-based indices on the Lua side."""
import numpy as np
import pytest

pytest.importorskip("lupa.luajit21")

import pytorch_like as ptl  # noqa: E402
from pytorch_like.lua import LuaSession  # noqa: E402


@pytest.fixture(scope="module")
def lua():
    s = LuaSession()
    s.require("nn")
    s.execute("torch.setdefaulttensortype('torch.DoubleTensor')")
    return s


def L(a):
    """A float64 pytorch_like tensor (shared with Lua by reference)."""
    return ptl.from_numpy(np.ascontiguousarray(a, dtype=np.float64))


def N(t):
    return np.array(t.numpy(), copy=True)


RUN = """
return function(m, x, go, params)
   -- params: list of tensors copied into m:parameters() in order
   local p, g = m:parameters()
   if params then for i = 1, #params do p[i]:copy(params[i]) end end
   local y = m:forward(x):clone()
   m:zeroGradParameters()
   local gi = m:backward(x, go):clone()
   local grads = {}
   if g then for i = 1, #g do grads[i] = g[i]:clone() end end
   return y, gi, grads
end
"""


def run(lua, ctor, x, go, params=None):
    f = lua.execute(RUN)
    m = lua.eval(ctor)
    try:
        y, gi, grads = f(m, L(x), L(go), [L(p) for p in params] if params else None)
    except Exception as e:  # a THNN kernel another helper has not landed yet
        if "is not implemented yet" in str(e):
            pytest.skip("C core function not landed yet: " + str(e).splitlines()[0])
        raise
    return N(y), N(gi), [N(grads[i + 1]) for i in range(len(params or []))], m


def tt(ref_torch, a):
    return ref_torch.tensor(a, dtype=ref_torch.float64, requires_grad=True)


def test_linear(lua, ref_torch):
    rng = np.random.default_rng(0)
    x, w, b, go = rng.normal(size=(4, 5)), rng.normal(size=(3, 5)), rng.normal(size=3), rng.normal(size=(4, 3))
    y, gi, (gw, gb), _ = run(lua, "nn.Linear(5, 3)", x, go, [w, b])
    tx, tw, tb = tt(ref_torch, x), tt(ref_torch, w), tt(ref_torch, b)
    ty = ref_torch.nn.functional.linear(tx, tw, tb)
    ty.backward(ref_torch.tensor(go))
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gi, tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gw, tw.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gb, tb.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("stride,pad", [(1, 1), (2, 0)])
def test_spatial_convolution(lua, ref_torch, stride, pad):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 7, 6))
    w, b = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    F = ref_torch.nn.functional
    tx, tw, tb = tt(ref_torch, x), tt(ref_torch, w), tt(ref_torch, b)
    ty = F.conv2d(tx, tw, tb, stride=stride, padding=pad)
    go = rng.normal(size=tuple(ty.shape))
    ty.backward(ref_torch.tensor(go))
    ctor = "nn.SpatialConvolution(3, 4, 3, 3, %d, %d, %d, %d)" % (stride, stride, pad, pad)
    y, gi, (gw, gb), _ = run(lua, ctor, x, go, [w, b])
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gi, tx.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gw, tw.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gb, tb.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_spatial_full_convolution(lua, ref_torch):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 3, 4, 5))
    w, b = rng.normal(size=(3, 2, 3, 3)), rng.normal(size=2)
    F = ref_torch.nn.functional
    tx, tw, tb = tt(ref_torch, x), tt(ref_torch, w), tt(ref_torch, b)
    ty = F.conv_transpose2d(tx, tw, tb, stride=2, padding=1, output_padding=1)
    go = rng.normal(size=tuple(ty.shape))
    ty.backward(ref_torch.tensor(go))
    y, gi, (gw, gb), _ = run(lua, "nn.SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1, 1, 1)", x, go, [w, b])
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gi, tx.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gw, tw.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_max_pooling_ceil_and_indices(lua, ref_torch):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3, 7, 8))
    F = ref_torch.nn.functional
    tx = tt(ref_torch, x)
    ty, tidx = F.max_pool2d(tx, 3, 2, 1, ceil_mode=True, return_indices=True)
    go = rng.normal(size=tuple(ty.shape))
    ty.backward(ref_torch.tensor(go))
    y, gi, _, m = run(lua, "nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil()", x, go)
    np.testing.assert_array_equal(y, ty.detach().numpy())
    np.testing.assert_allclose(gi, tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    idx = N(m.field("indices"))
    np.testing.assert_array_equal(idx, tidx.numpy() + 1)   # Lua indices are 1-based


def test_batchnorm_train_and_running_stats(lua, ref_torch):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(6, 3, 2, 2)) * 2 + 1
    w, b = rng.uniform(size=3), rng.normal(size=3)
    F = ref_torch.nn.functional
    tx, tw, tb = tt(ref_torch, x), tt(ref_torch, w), tt(ref_torch, b)
    rm, rv = ref_torch.zeros(3, dtype=ref_torch.float64), ref_torch.ones(3, dtype=ref_torch.float64)
    ty = F.batch_norm(tx, rm, rv, tw, tb, training=True, momentum=0.1, eps=1e-5)
    go = rng.normal(size=x.shape)
    ty.backward(ref_torch.tensor(go))
    y, gi, (gw, gb), m = run(lua, "nn.SpatialBatchNormalization(3)", x, go, [w, b])
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gi, tx.grad.numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(gw, tw.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gb, tb.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(N(m.field("running_mean")), rm.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(N(m.field("running_var")), rv.numpy(), rtol=1e-12, atol=1e-12)


def test_logsoftmax_classnll_crossentropy(lua, ref_torch):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(5, 4))
    target = np.array([0, 3, 1, 1, 2])
    F = ref_torch.nn.functional
    tx = tt(ref_torch, x)
    tl = F.cross_entropy(tx, ref_torch.tensor(target))
    tl.backward()
    f = lua.execute("""
       return function(x, t)
          local c = nn.CrossEntropyCriterion()
          local l = c:forward(x, t)
          local g = c:backward(x, t):clone()
          local lsm = nn.LogSoftMax():forward(x)
          local l2 = nn.ClassNLLCriterion():forward(lsm, t)
          return l, g, l2
       end""")
    loss, g, loss2 = f(L(x), L(target + 1))               # Lua targets are 1-based
    assert abs(loss - tl.item()) < 1e-12
    assert abs(loss2 - tl.item()) < 1e-12
    np.testing.assert_allclose(N(g), tx.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_lookup_table(lua, ref_torch):
    rng = np.random.default_rng(6)
    w = rng.normal(size=(7, 3))
    idx = np.array([[0, 6, 2], [2, 2, 5]])
    F = ref_torch.nn.functional
    tw = tt(ref_torch, w)
    ty = F.embedding(ref_torch.tensor(idx), tw)
    go = rng.normal(size=tuple(ty.shape))
    ty.backward(ref_torch.tensor(go))
    f = lua.execute("""
       return function(w, idx, go)
          local m = nn.LookupTable(7, 3)
          m.weight:copy(w)
          local y = m:forward(idx:long()):clone()
          m:zeroGradParameters()
          m:backward(idx:long(), go)
          return y, m.gradWeight:clone()
       end""")
    y, gw = f(L(w), L(idx + 1), L(go))
    np.testing.assert_allclose(N(y), ty.detach().numpy(), rtol=0, atol=0)
    np.testing.assert_allclose(N(gw), tw.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("ctor,fn", [
    ("nn.ELU(0.5)", lambda F, x: F.elu(x, 0.5)),
    ("nn.LeakyReLU(0.2)", lambda F, x: F.leaky_relu(x, 0.2)),
    ("nn.SoftPlus(2)", lambda F, x: F.softplus(x, 2)),
    ("nn.LogSigmoid()", lambda F, x: F.logsigmoid(x)),
    ("nn.HardTanh(-0.5, 0.5)", lambda F, x: F.hardtanh(x, -0.5, 0.5)),
    ("nn.SoftMax()", lambda F, x: F.softmax(x, 1)),
    ("nn.SpatialAveragePooling(2, 2, 2, 2, 1, 1):ceil()",
     lambda F, x: F.avg_pool2d(x, 2, 2, 1, ceil_mode=True)),
    ("nn.SpatialUpSamplingBilinear(2)", lambda F, x: F.interpolate(x, scale_factor=None, size=(7, 9), mode="bilinear",
                                                                   align_corners=True)),
    ("nn.SpatialReflectionPadding(1, 2, 2, 1)", lambda F, x: F.pad(x, (1, 2, 2, 1), mode="reflect")),
])
def test_pointwise_and_spatial(lua, ref_torch, ctor, fn):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 3, 4, 5))
    F = ref_torch.nn.functional
    tx = tt(ref_torch, x)
    ty = fn(F, tx)
    go = rng.normal(size=tuple(ty.shape))
    ty.backward(ref_torch.tensor(go))
    y, gi, _, _ = run(lua, ctor, x, go)
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gi, tx.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_bad_input_raises_lua_error_naming_module(lua):
    with pytest.raises(Exception, match=r"ClassNLLCriterion: target 7 is out of range \[1, 4\]"):
        lua.execute("nn.ClassNLLCriterion():forward(torch.randn(2, 4), torch.LongTensor{1, 7})")
    with pytest.raises(Exception, match=r"nn.Linear: expected input of size 5 \(1-D\) or N x 5 \(2-D\), got 2 x 3"):
        lua.execute("nn.Linear(5, 2):forward(torch.randn(2, 3))")
