"""Lua nn modules of lua/nn's Lua-only layers (weight normalization, layer normalization,
convolution maps, LP pooling, GLU, k-max pooling, ...) against PyTorch: forward, gradInput and
parameter gradients in float64."""
import numpy as np
import pytest

pytest.importorskip("lupa.luajit21")

from test_lua_nn import L, N, lua, run, tt  # noqa: E402,F401  (lua is the session fixture)


def close(a, b, tol=1e-10):
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def backward(ref_torch, y, go):
    y.backward(ref_torch.tensor(go))


def test_layer_normalization(lua, ref_torch):
    rng = np.random.default_rng(10)
    D, eps = 6, 1e-5
    x, gain, bias = rng.normal(size=(4, D)), rng.uniform(0.5, 1.5, D), rng.normal(size=D)
    go = rng.normal(size=(4, D))
    y, gi, (gg, gb), _ = run(lua, "nn.LayerNormalization(%d, 0, %r)" % (D, eps), x, go, [gain, bias])
    tx, tg, tb = tt(ref_torch, x), tt(ref_torch, gain), tt(ref_torch, bias)
    # Torch7's eps sits under the sum of squares: the mean-of-squares eps is eps / D
    ty = ref_torch.nn.functional.layer_norm(tx, (D,), tg, tb, eps=eps / D)
    backward(ref_torch, ty, go)
    close(y, ty.detach().numpy())
    close(gi, tx.grad.numpy())
    close(gg, tg.grad.numpy())
    close(gb, tb.grad.numpy())


def test_linear_weight_norm(lua, ref_torch):
    rng = np.random.default_rng(11)
    x, v, g, b = rng.normal(size=(5, 4)), rng.normal(size=(3, 4)), rng.uniform(0.5, 2, (3, 1)), rng.normal(size=3)
    go = rng.normal(size=(5, 3))
    y, gi, (gv, gg, gb), _ = run(lua, "nn.LinearWeightNorm(4, 3)", x, go, [v, g, b])
    tx, tv, tg, tb = (tt(ref_torch, a) for a in (x, v, g, b))
    w = ref_torch._weight_norm(tv, tg, 0)              # PyTorch's g * v / ||v|| (rows)
    ty = ref_torch.nn.functional.linear(tx, w, tb)
    backward(ref_torch, ty, go)
    close(y, ty.detach().numpy())
    close(gi, tx.grad.numpy())
    close(gv, tv.grad.numpy())
    close(gg, tg.grad.numpy())
    close(gb, tb.grad.numpy())


def test_weight_norm_convolution(lua, ref_torch):
    rng = np.random.default_rng(12)
    x = rng.normal(size=(2, 3, 6, 5))
    v, g, b = rng.normal(size=(4, 27)), rng.uniform(0.5, 2, 4), rng.normal(size=4)
    go = rng.normal(size=(2, 4, 4, 3))
    y, gi, (gv, gg, gb), _ = run(lua, "nn.WeightNorm(nn.SpatialConvolution(3, 4, 3, 3))", x, go, [v, g, b])
    tx, tv, tg, tb = (tt(ref_torch, a) for a in (x, v, g, b))
    # Torch7's WeightNorm: g * v / sqrt(||v||^2 + 1e-4), v the weight viewed nOut x rest
    norm = ref_torch.sqrt((tv * tv).sum(1, keepdim=True) + 1e-4)
    w = (tg.view(4, 1) * tv / norm).view(4, 3, 3, 3)
    ty = ref_torch.nn.functional.conv2d(tx, w, tb)
    backward(ref_torch, ty, go)
    close(y, ty.detach().numpy())
    close(gi, tx.grad.numpy())
    close(gv, tv.grad.numpy())
    close(gg, tg.grad.numpy())
    close(gb, tb.grad.numpy())


CONN = [[1, 1], [3, 1], [2, 2], [3, 2], [1, 3], [2, 3]]


def dense_mask(torch, kernels, conn, n_in, n_out, transposed):
    """The dense convolution weight of a connection table (zeros where planes are unconnected)."""
    kH, kW = kernels.shape[1:]
    rows = []
    for o in range(n_out):
        for i in range(n_in):
            k = [j for j, (ci, co) in enumerate(conn) if ci == i + 1 and co == o + 1]
            rows.append(kernels[k[0]] if k else torch.zeros(kH, kW, dtype=torch.float64))
    w = torch.stack(rows).view(n_out, n_in, kH, kW)
    return w.transpose(0, 1) if transposed else w


@pytest.mark.parametrize("transposed", [False, True])
def test_convolution_maps(lua, ref_torch, transposed):
    rng = np.random.default_rng(13 + transposed)
    F = ref_torch.nn.functional
    x = rng.normal(size=(2, 3, 5, 6))
    k, b = rng.normal(size=(len(CONN), 2, 3)), rng.normal(size=3)
    tx, tk, tb = tt(ref_torch, x), tt(ref_torch, k), tt(ref_torch, b)
    w = dense_mask(ref_torch, tk, CONN, 3, 3, transposed)
    if transposed:
        ty = F.conv_transpose2d(tx, w, tb, stride=(1, 2))
        ctor = "nn.SpatialFullConvolutionMap(torch.Tensor(%s), 3, 2, 2, 1)"
    else:
        ty = F.conv2d(tx, w, tb, stride=(1, 2))
        ctor = "nn.SpatialConvolutionMap(torch.Tensor(%s), 3, 2, 2, 1)"
    go = rng.normal(size=tuple(ty.shape))
    backward(ref_torch, ty, go)
    table = "{" + ", ".join("{%d, %d}" % tuple(r) for r in CONN) + "}"
    y, gi, (gk, gb), _ = run(lua, ctor % table, x, go, [k, b])
    close(y, ty.detach().numpy())
    close(gi, tx.grad.numpy())
    close(gk, tk.grad.numpy())
    close(gb, tb.grad.numpy())


@pytest.mark.parametrize("p", [2, 3])
def test_spatial_lp_pooling(lua, ref_torch, p):
    rng = np.random.default_rng(15)
    x = rng.uniform(0.1, 2, size=(2, 3, 6, 7))
    tx = tt(ref_torch, x)
    ty = ref_torch.nn.functional.lp_pool2d(tx, p, (2, 3), stride=(2, 1))
    go = rng.normal(size=tuple(ty.shape))
    backward(ref_torch, ty, go)
    y, gi, _, _ = run(lua, "nn.SpatialLPPooling(3, %d, 3, 2, 1, 2)" % p, x, go)
    close(y, ty.detach().numpy())
    close(gi, tx.grad.numpy())


@pytest.mark.parametrize("dim", [None, 1])
def test_gated_linear_unit(lua, ref_torch, dim):
    rng = np.random.default_rng(16)
    x = rng.normal(size=(4, 6))
    tx = tt(ref_torch, x)
    ty = ref_torch.nn.functional.glu(tx, dim=-1 if dim is None else dim - 1)
    go = rng.normal(size=tuple(ty.shape))
    backward(ref_torch, ty, go)
    y, gi, _, _ = run(lua, "nn.GatedLinearUnit(%s)" % ("" if dim is None else dim), x, go)
    close(y, ty.detach().numpy(), 1e-12)
    close(gi, tx.grad.numpy(), 1e-12)


def test_temporal_dynamic_kmax_pooling(lua, ref_torch):
    rng = np.random.default_rng(17)
    x = rng.normal(size=(2, 7, 3))
    tx = tt(ref_torch, x)
    k = 4                                              # max(2, ceil(0.5 * 7))
    idx = ref_torch.topk(tx, k, dim=1).indices.sort(dim=1).values
    ty = tx.gather(1, idx)
    go = rng.normal(size=tuple(ty.shape))
    backward(ref_torch, ty, go)
    y, gi, _, _ = run(lua, "nn.TemporalDynamicKMaxPooling(2, 0.5)", x, go)
    close(y, ty.detach().numpy(), 0)
    close(gi, tx.grad.numpy(), 0)


def test_weighted_euclidean(lua, ref_torch):
    rng = np.random.default_rng(18)
    x, w, c = rng.normal(size=(4, 5)), rng.normal(size=(5, 3)), rng.uniform(0.5, 2, (5, 3))
    go = rng.normal(size=(4, 3))
    y, gi, (gw, gc), _ = run(lua, "nn.WeightedEuclidean(5, 3)", x, go, [w, c])
    tx, tw, tc = tt(ref_torch, x), tt(ref_torch, w), tt(ref_torch, c)
    ty = ((tc.unsqueeze(0) * (tx.unsqueeze(2) - tw.unsqueeze(0))) ** 2).sum(1).sqrt()
    backward(ref_torch, ty, go)
    close(y, ty.detach().numpy())
    close(gi, tx.grad.numpy())
    close(gw, tw.grad.numpy())
    close(gc, tc.grad.numpy())


def test_euclidean(lua, ref_torch):
    rng = np.random.default_rng(24)
    x, w, go = rng.normal(size=(4, 5)), rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
    y, gi, (gw,), _ = run(lua, "nn.Euclidean(5, 3)", x, go, [w])
    tx, tw = tt(ref_torch, x), tt(ref_torch, w)
    ty = ((tx.unsqueeze(2) - tw.unsqueeze(0)) ** 2).sum(1).sqrt()
    backward(ref_torch, ty, go)
    close(y, ty.detach().numpy())
    close(gi, tx.grad.numpy())
    close(gw, tw.grad.numpy())


def test_spatial_subtractive_normalization(lua, ref_torch):
    rng = np.random.default_rng(19)
    F = ref_torch.nn.functional
    x = rng.normal(size=(2, 3, 7, 8))
    kernel = np.array([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]])
    tx = tt(ref_torch, x)
    # local mean over the planes with the normalised kernel on the zero-padded image, divided
    # by the same filter's response to ones (the border correction)
    k = ref_torch.tensor(kernel / kernel.sum() / 3).expand(1, 3, 3, 3)
    mean = F.conv2d(tx, k, padding=1) / F.conv2d(ref_torch.ones(1, 3, 7, 8, dtype=ref_torch.float64), k, padding=1)
    ty = tx - mean
    go = rng.normal(size=tuple(ty.shape))
    backward(ref_torch, ty, go)
    ker = "torch.Tensor({{1, 2, 1}, {2, 4, 2}, {1, 2, 1}})"
    y, gi, _, _ = run(lua, "nn.SpatialSubtractiveNormalization(3, %s)" % ker, x, go)
    close(y, ty.detach().numpy())
    close(gi, tx.grad.numpy())


def test_spatial_divisive_normalization(lua, ref_torch):
    rng = np.random.default_rng(20)
    F = ref_torch.nn.functional
    x = rng.normal(size=(2, 2, 6, 7))
    tx = tt(ref_torch, x)
    k = ref_torch.full((1, 2, 5, 5), 1.0 / 50, dtype=ref_torch.float64)
    coef = F.conv2d(ref_torch.ones(1, 2, 6, 7, dtype=ref_torch.float64), k, padding=2)
    std = F.conv2d(tx * tx, k, padding=2).sqrt() / coef
    std = ref_torch.where(std > 1e-4, std, ref_torch.full_like(std, 1e-4))
    ty = tx / std
    go = rng.normal(size=tuple(ty.shape))
    backward(ref_torch, ty, go)
    y, gi, _, _ = run(lua, "nn.SpatialDivisiveNormalization(2, torch.Tensor(5, 5):fill(1))", x, go)
    close(y, ty.detach().numpy())
    close(gi, tx.grad.numpy())


PAIR = """
return function(ctor, a, b, go)
   local m = load('return ' .. ctor)()
   local out = m:forward({a, b})
   if type(out) == 'number' then
      local g = m:backward({a, b})
      return out, g[1]:clone(), g[2]:clone()
   end
   out = out:clone()
   local g = m:backward({a, b}, go)
   return out, g[1]:clone(), g[2]:clone()
end
"""


def test_distance_ratio_criterion(lua, ref_torch):
    rng = np.random.default_rng(21)
    ds, dd = rng.uniform(0, 3, 6), rng.uniform(0, 3, 6)
    f = lua.execute(PAIR)
    loss, g1, g2 = f("nn.DistanceRatioCriterion()", L(ds), L(dd), None)
    tds, tdd = tt(ref_torch, ds), tt(ref_torch, dd)
    tl = -ref_torch.log_softmax(ref_torch.stack([-tds, -tdd], 1), 1)[:, 0].mean()
    tl.backward()
    close(loss, tl.item())
    close(N(g1), tds.grad.numpy())
    close(N(g2), tdd.grad.numpy())


def test_mixture_table(lua, ref_torch):
    rng = np.random.default_rng(22)
    gater, experts = rng.uniform(size=(4, 3)), rng.normal(size=(4, 3, 5))
    go = rng.normal(size=(4, 5))
    f = lua.execute(PAIR)
    y, gg, ge = f("nn.MixtureTable()", L(gater), L(experts), L(go))
    tg, te = tt(ref_torch, gater), tt(ref_torch, experts)
    ty = ref_torch.einsum("bn,bnf->bf", tg, te)
    backward(ref_torch, ty, go)
    close(N(y), ty.detach().numpy())
    close(N(gg), tg.grad.numpy())
    close(N(ge), te.grad.numpy())


def test_kmeans_assignment(lua, ref_torch):
    rng = np.random.default_rng(23)
    x, centres = rng.normal(size=(40, 3)), rng.normal(size=(4, 3))
    f = lua.execute("""
return function(x, c)
   local m = nn.Kmeans(4, 3)
   m.weight:copy(c)
   return m:forward(x):clone(), m.loss
end
""")
    out, loss = f(L(x), L(centres))
    d = ref_torch.cdist(ref_torch.tensor(x), ref_torch.tensor(centres)) ** 2
    np.testing.assert_array_equal(N(out), d.argmin(1).numpy() + 1)   # 1-based cluster ids
    close(loss, d.min(1).values.sum().item())
