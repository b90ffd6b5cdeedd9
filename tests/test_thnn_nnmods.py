"""The volumetric / dilated / depthwise / row-convolution / feature-pooling / upsampling /
grid-sampler THNN modules of lua/nn against PyTorch CPU: outputs, gradInput, parameter
gradients and 1-based indices (Torch7 layouts mapped to PyTorch's where they differ)."""
import numpy as np
import pytest

pytest.importorskip("lupa.luajit21")

from tests.test_lua_nn import L, N, lua  # noqa: E402,F401  (the LuaSession fixture and tensor helpers)

TOL = dict(rtol=1e-10, atol=1e-10)


RUN = """
return function(m, x, go, params, setup, setarg)
   if setup then setup(m, setarg) end
   local p, g = m:parameters()
   if params then for i = 1, #params do p[i]:copy(params[i]) end end
   local y = m:forward(x):clone()
   m:zeroGradParameters()
   local gi = m:backward(x, go)
   if torch.isTensor(gi) then gi = gi:clone() else gi = {gi[1]:clone(), gi[2]:clone()} end
   local grads = {}
   if g then for i = 1, #g do grads[i] = g[i]:clone() end end
   return y, gi, grads
end
"""


def run(lua, ctor, x, go, params=None, setup=None, setarg=None):
    """Forward/backward of the Lua module built by ctor, after setup(m, setarg) (Lua source of a
    function) if given: (output, gradInput, [param grads], module)."""
    f = lua.execute(RUN)
    m = lua.eval(ctor)
    xin = [L(a) for a in x] if isinstance(x, tuple) else L(x)
    y, gi, grads = f(m, xin, L(go), [L(p) for p in params] if params else None,
                     lua.execute(setup) if setup else None, None if setarg is None else L(setarg))
    gi = (N(gi[1]), N(gi[2])) if isinstance(x, tuple) else N(gi)
    return N(y), gi, [N(grads[i + 1]) for i in range(len(params or []))], m


def torch_ref(torch, f, xs, params, rng):
    """PyTorch forward of f(*xs, *params) and the gradients for a random gradOutput."""
    txs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in xs]
    tps = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    out = f(*txs, *tps)
    go = rng.normal(size=tuple(out.shape))
    out.backward(torch.tensor(go))
    return out.detach().numpy(), go, [t.grad.numpy() for t in txs], [t.grad.numpy() for t in tps]


@pytest.mark.parametrize("batch", [True, False])
def test_volumetric_dilated_convolution(lua, ref_torch, batch):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 2, 6, 7, 6) if batch else (2, 6, 7, 6))
    w, b = rng.normal(size=(3, 2, 2, 3, 2)), rng.normal(size=3)
    F = ref_torch.nn.functional
    # Lua order: kT, kW, kH, dT, dW, dH, padT, padW, padH, dilT, dilW, dilH
    y0, go, (gx,), (gw, gb) = torch_ref(ref_torch, lambda t, W, B: F.conv3d(
        t, W, B, stride=(1, 1, 2), padding=(1, 0, 1), dilation=(2, 2, 1)), [x], [w, b], rng)
    y, gi, (lw, lb), _ = run(lua, "nn.VolumetricDilatedConvolution(2, 3, 2, 2, 3, 1, 2, 1, 1, 1, 0, 2, 1, 2)",
                             x, go, [w, b])
    np.testing.assert_allclose(y, y0, **TOL)
    np.testing.assert_allclose(gi, gx, **TOL)
    np.testing.assert_allclose(lw, gw, **TOL)
    np.testing.assert_allclose(lb, gb, **TOL)


def test_volumetric_full_dilated_convolution(lua, ref_torch):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 2, 3, 2, 3))
    w, b = rng.normal(size=(2, 3, 2, 3, 2)), rng.normal(size=3)
    F = ref_torch.nn.functional
    y0, go, (gx,), (gw, gb) = torch_ref(ref_torch, lambda t, W, B: F.conv_transpose3d(
        t, W, B, stride=(2, 1, 2), padding=(1, 1, 0), output_padding=(1, 0, 1), dilation=(1, 2, 2)), [x], [w, b], rng)
    # kT, kW, kH, dT, dW, dH, padT, padW, padH, dilT, dilW, dilH, adjT, adjW, adjH
    y, gi, (lw, lb), _ = run(lua, "nn.VolumetricFullDilatedConvolution(2, 3, 2, 2, 3, 2, 2, 1, 1, 0, 1, 1, 2, 2, 1, 1, 0)",
                             x, go, [w, b])
    np.testing.assert_allclose(y, y0, **TOL)
    np.testing.assert_allclose(gi, gx, **TOL)
    np.testing.assert_allclose(lw, gw, **TOL)
    np.testing.assert_allclose(lb, gb, **TOL)


def test_spatial_full_dilated_convolution(lua, ref_torch):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 3, 4, 5))
    w, b = rng.normal(size=(3, 2, 3, 2)), rng.normal(size=2)
    F = ref_torch.nn.functional
    y0, go, (gx,), (gw, gb) = torch_ref(ref_torch, lambda t, W, B: F.conv_transpose2d(
        t, W, B, stride=(2, 2), padding=(1, 0), output_padding=(1, 1), dilation=(2, 3)), [x], [w, b], rng)
    # kW, kH, dW, dH, padW, padH, dilW, dilH, adjW, adjH
    y, gi, (lw, lb), _ = run(lua, "nn.SpatialFullDilatedConvolution(3, 2, 2, 3, 2, 2, 0, 1, 3, 2, 1, 1)", x, go, [w, b])
    np.testing.assert_allclose(y, y0, **TOL)
    np.testing.assert_allclose(gi, gx, **TOL)
    np.testing.assert_allclose(lw, gw, **TOL)
    np.testing.assert_allclose(lb, gb, **TOL)


@pytest.mark.parametrize("ceil", [False, True])
def test_volumetric_dilated_max_pooling(lua, ref_torch, ceil):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3, 7, 6, 8))
    F = ref_torch.nn.functional
    tx = ref_torch.tensor(x, requires_grad=True)
    ty, tidx = F.max_pool3d(tx, (2, 3, 2), (2, 1, 2), (1, 1, 0), dilation=(2, 1, 3), ceil_mode=ceil,
                            return_indices=True)
    go = rng.normal(size=tuple(ty.shape))
    ty.backward(ref_torch.tensor(go))
    ctor = "nn.VolumetricDilatedMaxPooling(2, 2, 3, 2, 2, 1, 1, 0, 1, 2, 3, 1)" + (":ceil()" if ceil else "")
    y, gi, _, m = run(lua, ctor, x, go)
    np.testing.assert_array_equal(y, ty.detach().numpy())
    np.testing.assert_allclose(gi, tx.grad.numpy(), **TOL)
    np.testing.assert_array_equal(N(m.field("indices")), tidx.numpy() + 1)


def test_volumetric_max_unpooling(lua, ref_torch):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 2, 4, 6, 4))
    F = ref_torch.nn.functional
    pooled, idx = F.max_pool3d(ref_torch.tensor(x), 2, 2, return_indices=True)
    tp = pooled.clone().requires_grad_(True)
    ty = F.max_unpool3d(tp, idx, 2, 2, output_size=(4, 6, 4))
    go = rng.normal(size=tuple(ty.shape))
    ty.backward(ref_torch.tensor(go))
    y, gi, _, _ = run(lua, "nn.VolumetricMaxUnpooling(nn.VolumetricMaxPooling(2, 2, 2))", pooled.numpy(), go,
                      setup="return function(u, x) u.pooling:forward(x) end", setarg=x)
    np.testing.assert_array_equal(y, ty.detach().numpy())
    np.testing.assert_allclose(gi, tp.grad.numpy(), **TOL)


@pytest.mark.parametrize("pads", [(1, 2, 0, 1, 2, 1), (2, 0, 1, 1, 0, 3)])
@pytest.mark.parametrize("batch", [True, False])
def test_volumetric_replication_padding(lua, ref_torch, pads, batch):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 3, 4, 2) if batch else (3, 3, 4, 2))
    F = ref_torch.nn.functional
    # PyTorch's ReplicationPad3d takes 4-D input too; pad order (left, right, top, bottom, front, back)
    y0, go, (gx,), _ = torch_ref(ref_torch, lambda t: F.pad(t, pads, mode="replicate"), [x], [], rng)
    y, gi, _, _ = run(lua, "nn.VolumetricReplicationPadding(%d, %d, %d, %d, %d, %d)" % pads, x, go)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_allclose(gi, gx, **TOL)


@pytest.mark.parametrize("stride,pad", [(1, 1), (2, 0)])
def test_spatial_depthwise_convolution(lua, ref_torch, stride, pad):
    rng = np.random.default_rng(6)
    nin, mult = 3, 2
    x = rng.normal(size=(2, nin, 7, 6))
    w, b = rng.normal(size=(mult, nin, 3, 2)), rng.normal(size=(mult, nin))
    # Torch7's output plane k*mult + m is PyTorch's groups=nin channel k*mult + m with weight[k*mult + m] = w[m][k]
    wt = w.transpose(1, 0, 2, 3).reshape(nin * mult, 1, 3, 2)
    bt = b.T.reshape(-1)
    F = ref_torch.nn.functional
    y0, go, (gx,), (gw, gb) = torch_ref(ref_torch, lambda t, W, B: F.conv2d(
        t, W, B, stride=stride, padding=pad, groups=nin), [x], [wt, bt], rng)
    y, gi, (lw, lb), _ = run(lua, "nn.SpatialDepthWiseConvolution(%d, %d, 2, 3, %d, %d, %d, %d)" % (
        nin, mult, stride, stride, pad, pad), x, go, [w, b])
    np.testing.assert_allclose(y, y0, **TOL)
    np.testing.assert_allclose(gi, gx, **TOL)
    np.testing.assert_allclose(lw, gw.reshape(nin, mult, 3, 2).transpose(1, 0, 2, 3), **TOL)
    np.testing.assert_allclose(lb, gb.reshape(nin, mult).T, **TOL)


@pytest.mark.parametrize("feat_first", [False, True])
def test_temporal_row_convolution(lua, ref_torch, feat_first):
    rng = np.random.default_rng(7)
    F_, T, kW, dW = 4, 9, 3, 2
    xt = rng.normal(size=(2, F_, T))           # PyTorch's conv1d layout
    w, b = rng.normal(size=(F_, 1, kW)), rng.normal(size=F_)
    Fn = ref_torch.nn.functional
    y0, go, (gx,), (gw, gb) = torch_ref(ref_torch, lambda t, W, B: Fn.conv1d(t, W, B, stride=dW, groups=F_),
                                        [xt], [w, b], rng)
    x, gol = (xt, go) if feat_first else (xt.transpose(0, 2, 1), go.transpose(0, 2, 1))
    y, gi, (lw, lb), _ = run(lua, "nn.TemporalRowConvolution(%d, %d, %d, %s)" % (F_, kW, dW, str(feat_first).lower()),
                             x, gol, [w, b])
    if not feat_first:
        y, gi = y.transpose(0, 2, 1), gi.transpose(0, 2, 1)
    np.testing.assert_allclose(y, y0, **TOL)
    np.testing.assert_allclose(gi, gx, **TOL)
    np.testing.assert_allclose(lw, gw, **TOL)
    np.testing.assert_allclose(lb, gb, **TOL)


@pytest.mark.parametrize("power,width,stride", [(2, 3, 1), (3, 2, 2), (1.5, 4, 3)])
def test_feature_lp_pooling(lua, ref_torch, power, width, stride):
    rng = np.random.default_rng(8)
    x = rng.uniform(0.1, 2, size=(2, 11, 3, 2))      # batch x features x d1 x d2; positive (no abs, as Torch7)
    Fn = ref_torch.nn.functional

    def f(t):   # lp_pool1d over the feature dim moved last
        tl = t.permute(0, 2, 3, 1).reshape(-1, 1, t.shape[1])
        o = Fn.lp_pool1d(tl, power, width, stride)
        return o.reshape(t.shape[0], t.shape[2], t.shape[3], -1).permute(0, 3, 1, 2)
    y0, go, (gx,), _ = torch_ref(ref_torch, f, [x], [], rng)
    y, gi, _, _ = run(lua, "nn.FeatureLPPooling(%d, %d, %r, true)" % (width, stride, power), x, go)
    np.testing.assert_allclose(y, y0, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(gi, gx, rtol=1e-8, atol=1e-9)


def test_volumetric_fractional_max_pooling_fixed_samples(lua, ref_torch):
    rng = np.random.default_rng(9)
    x = rng.normal(size=(2, 3, 9, 8, 10))
    samples = rng.uniform(size=(2, 3, 3))           # (u_t, u_h, u_w) per plane, PyTorch's order
    F = ref_torch.nn.functional
    tx = ref_torch.tensor(x, requires_grad=True)
    ty, tidx = F.fractional_max_pool3d(tx, (2, 3, 2), output_size=(4, 5, 6), return_indices=True,
                                       _random_samples=ref_torch.tensor(samples))
    go = rng.normal(size=tuple(ty.shape))
    ty.backward(ref_torch.tensor(go))
    # Lua order: poolSizeT, poolSizeW, poolSizeH, outT, outW, outH
    y, gi, _, m = run(lua, "nn.VolumetricFractionalMaxPooling(2, 2, 3, 4, 6, 5)", x, go,
                      setup="return function(m, s) m.randomSamples = s:clone() m:fixPoolingRegions() end",
                      setarg=samples)
    np.testing.assert_array_equal(y, ty.detach().numpy())
    np.testing.assert_allclose(gi, tx.grad.numpy(), **TOL)
    np.testing.assert_array_equal(N(m.field("indices")), tidx.numpy() + 1)


@pytest.mark.parametrize("mode", ["nearest", "linear"])
@pytest.mark.parametrize("shape", [(2, 3, 3, 4), (2, 2, 3, 2, 4)])
def test_upsampling(lua, ref_torch, mode, shape):
    rng = np.random.default_rng(10)
    x = rng.normal(size=shape)
    F = ref_torch.nn.functional
    s = 3
    if mode == "nearest":
        f = lambda t: F.interpolate(t, scale_factor=s, mode="nearest")  # noqa: E731
    else:
        size = tuple((n - 1) * s + 1 for n in shape[2:])
        f = lambda t: F.interpolate(t, size=size, mode="bilinear" if len(shape) == 4 else "trilinear",  # noqa: E731
                                    align_corners=True)
    y0, go, (gx,), _ = torch_ref(ref_torch, f, [x], [], rng)
    y, gi, _, _ = run(lua, "nn.UpSampling(%d, '%s')" % (s, mode), x, go)
    np.testing.assert_allclose(y, y0, **TOL)
    np.testing.assert_allclose(gi, gx, **TOL)


def test_upsampling_linear_size_table(lua, ref_torch):
    rng = np.random.default_rng(11)
    x = rng.normal(size=(1, 2, 3, 4, 2))
    F = ref_torch.nn.functional
    y0, go, (gx,), _ = torch_ref(ref_torch, lambda t: F.interpolate(t, size=(5, 7, 4), mode="trilinear",
                                                                    align_corners=True), [x], [], rng)
    y, gi, _, _ = run(lua, "nn.UpSampling({odepth = 5, oheight = 7, owidth = 4}, 'linear')", x, go)
    np.testing.assert_allclose(y, y0, **TOL)
    np.testing.assert_allclose(gi, gx, **TOL)


@pytest.mark.parametrize("dim", [1, 2, 3])
def test_gated_linear_unit(lua, ref_torch, dim):
    rng = np.random.default_rng(14)
    x = rng.normal(size=(4, 2, 6))
    y0, go, (gx,), _ = torch_ref(ref_torch, lambda t: ref_torch.nn.functional.glu(t, dim - 1), [x], [], rng)
    y, gi, _, _ = run(lua, "nn.GatedLinearUnit(%d)" % dim, x, go)
    np.testing.assert_allclose(y, y0, **TOL)
    np.testing.assert_allclose(gi, gx, **TOL)


def test_spatial_grid_sampler_bilinear(lua, ref_torch):
    rng = np.random.default_rng(12)
    x = rng.normal(size=(2, 3, 5, 6))
    grid = rng.uniform(-1.2, 1.2, size=(2, 4, 7, 2))   # some points outside: zeros padding
    F = ref_torch.nn.functional
    y0, go, (gx, gg), _ = torch_ref(ref_torch, lambda t, g: F.grid_sample(
        t, g, mode="bilinear", padding_mode="zeros", align_corners=True), [x, grid], [], rng)
    y, (gi, ggrid), _, _ = run(lua, "nn.SpatialGridSamplerBilinear()", (x, grid), go)
    np.testing.assert_allclose(y, y0, **TOL)
    np.testing.assert_allclose(gi, gx, **TOL)
    np.testing.assert_allclose(ggrid, gg, **TOL)


BAD = [
    ("nn.VolumetricReplicationPadding(1)", "torch.randn(3, 3)", "expected input 4-D"),
    ("nn.VolumetricDilatedMaxPooling(2, 2, 2)", "torch.randn(2, 2, 2)", "expected input 4-D"),
    ("nn.UpSampling(2)", "torch.randn(2, 3, 3)", "expected input 4-D"),
    ("nn.UpSampling({oheight = 3, owidth = 3}, 'linear')", "torch.randn(1, 1, 2, 2, 2)", "needs odepth"),
    ("nn.SpatialGridSamplerBilinear()", "torch.randn(1, 1, 3, 3)", "expected input {images"),
    ("nn.SpatialGridSamplerBilinear()", "{torch.randn(1, 1, 3, 3), torch.randn(2, 2, 2, 2)}", "expected grid of size"),
    ("nn.SpatialDepthWiseConvolution(2, 2, 3, 3)", "torch.randn(1, 3, 5, 5)", "with 2 planes"),
    ("nn.TemporalRowConvolution(4, 3)", "torch.randn(5, 3)", "inputFrameSize 4"),
    ("nn.FeatureLPPooling(3, 1, 2)", "torch.randn(2, 3, 4, 5)", "1-D to 3-D"),
]


@pytest.mark.parametrize("ctor,inp,msg", BAD)
def test_bad_input(lua, ctor, inp, msg):
    f = lua.execute("return function() return pcall(function() return %s:forward(%s) end) end" % (ctor, inp))
    ok, err = f()
    assert not ok
    assert msg in str(err), err


@pytest.mark.parametrize("ctor", ["nn.UpSampling(2, 'cubic')", "nn.UpSampling(1.5)",
                                  "nn.UpSampling({oheight = 3, owidth = 3})", "nn.FeatureLPPooling(17, 1, 2)",
                                  "nn.VolumetricFractionalMaxPooling(1, 2, 2, 2, 2, 2)"])
def test_bad_constructor(lua, ctor):
    ok, err = lua.execute("return function() return pcall(function() return %s end) end" % ctor)()
    assert not ok and "nn." in str(err)


def test_sparse_linear(lua, ref_torch):
    """A batch of (index, value) samples against torch.sparse.mm on the COO matrix (PyTorch sums
    duplicate entries as SparseLinear does)."""
    rng = np.random.default_rng(13)
    nin, nout = 9, 4
    samples = [np.stack([rng.choice(nin, size=k) + 1, rng.normal(size=k)], 1) for k in (3, 5, 1)]
    w, b = rng.normal(size=(nout, nin)), rng.normal(size=nout)
    rows = np.concatenate([np.full(len(s), i) for i, s in enumerate(samples)])
    cols = np.concatenate([s[:, 0] - 1 for s in samples]).astype(np.int64)
    vals = np.concatenate([s[:, 1] for s in samples])
    sp = ref_torch.sparse_coo_tensor(np.stack([rows, cols]), vals, (len(samples), nin), check_invariants=True)
    tw, tb = (ref_torch.tensor(a, requires_grad=True) for a in (w, b))
    ty = ref_torch.sparse.mm(sp, tw.t()) + tb
    go = rng.normal(size=tuple(ty.shape))
    ty.backward(ref_torch.tensor(go))
    f = lua.execute("""return function(x, w, b, go)
       local m = nn.SparseLinear(%d, %d)
       m.weight:copy(w); m.bias:copy(b)
       local y = m:forward(x):clone()
       m:zeroGradParameters()
       m:backward(x, go)
       return y, m.gradWeight, m.gradBias end""" % (nin, nout))
    y, gw, gb = f([L(s) for s in samples], L(w), L(b), L(go))
    np.testing.assert_allclose(N(y), ty.detach().numpy(), **TOL)
    np.testing.assert_allclose(N(gw), tw.grad.numpy(), **TOL)
    np.testing.assert_allclose(N(gb), tb.grad.numpy(), **TOL)


def test_index_linear(lua, ref_torch):
    """IndexLinear's key-major weight is an embedding table: its forward is embedding_bag(sum) with
    the values as per-sample weights plus the bias, and one accumulation + updateParameters(lr)
    moves the weight by -lr * PyTorch's gradient."""
    rng = np.random.default_rng(15)
    nin, nout, lr = 10, 3, 0.1
    sizes = [3, 1, 4]
    keys = [rng.choice(nin, size=k) + 1 for k in sizes]           # 1-based, may repeat
    vals = [rng.normal(size=k) for k in sizes]
    w, b = rng.normal(size=(nin, nout)), rng.normal(size=nout)
    tw, tb = (ref_torch.tensor(a, requires_grad=True) for a in (w, b))
    flat_k = ref_torch.tensor(np.concatenate(keys) - 1)
    offsets = ref_torch.tensor(np.cumsum([0] + sizes[:-1]))
    ty = ref_torch.nn.functional.embedding_bag(flat_k, tw, offsets, mode="sum",
                                               per_sample_weights=ref_torch.tensor(np.concatenate(vals))) + tb
    go = rng.normal(size=tuple(ty.shape))
    ty.backward(ref_torch.tensor(go))
    f = lua.execute("""return function(keys, vals, w, b, go, lr)
       local lk = {}
       for i = 1, #keys do lk[i] = keys[i]:long() end
       local m = nn.IndexLinear(%d, %d)
       m.weight:copy(w); m.bias:copy(b)
       local y = m:forward({lk, vals}):clone()
       m:zeroGradParameters()
       m:backward({lk, vals}, go)
       m:updateParameters(lr)
       return y, m.weight, m.bias end""" % (nin, nout))
    y, w1, b1 = f([L(k) for k in keys], [L(v) for v in vals], L(w), L(b), L(go), lr)
    np.testing.assert_allclose(N(y), ty.detach().numpy(), **TOL)
    np.testing.assert_allclose(N(w1), w - lr * tw.grad.numpy(), **TOL)
    np.testing.assert_allclose(N(b1), b - lr * tb.grad.numpy(), **TOL)
