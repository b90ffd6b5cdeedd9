"""Lua nn modules of lua/nn's Lua-only layers (weight normalization, layer normalization,
convolution maps, LP pooling, GLU, k-max pooling, ...) against PyTorch: forward, gradInput and
parameter gradients in float64."""
import numpy as np
import pytest

pytest.importorskip("lupa.luajit21")

from test_lua_nn import L, N, lua, run, tt  # noqa: E402,F401  (lua is the session fixture)


def close(a, b, tol=1e-10):
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def check(lua, torch, rng, ctor, fn, x, params=(), tol=1e-10):
    """The Lua module built by ctor (its parameters set to params) against fn(x, *params) in
    PyTorch: output, gradInput and parameter gradients for a random gradOutput."""
    tx = tt(torch, x)
    tp = [tt(torch, p) for p in params]
    ty = fn(tx, *tp)
    go = rng.normal(size=tuple(ty.shape))
    ty.backward(torch.tensor(go))
    y, gi, grads, _ = run(lua, ctor, x, go, list(params))
    close(y, ty.detach().numpy(), tol)
    close(gi, tx.grad.numpy(), tol)
    for g, t in zip(grads, tp):
        close(g, t.grad.numpy(), tol)


def test_layer_normalization(lua, ref_torch):
    rng = np.random.default_rng(10)
    D, eps = 6, 1e-5
    # Torch7's eps sits under the sum of squares: the mean-of-squares eps is eps / D
    check(lua, ref_torch, rng, "nn.LayerNormalization(%d, 0, %r)" % (D, eps),
          lambda x, g, b: ref_torch.nn.functional.layer_norm(x, (D,), g, b, eps=eps / D),
          rng.normal(size=(4, D)), [rng.uniform(0.5, 1.5, D), rng.normal(size=D)])


def test_linear_weight_norm(lua, ref_torch):
    rng = np.random.default_rng(11)
    # PyTorch's _weight_norm: g * v / ||v|| over the rows
    check(lua, ref_torch, rng, "nn.LinearWeightNorm(4, 3)",
          lambda x, v, g, b: ref_torch.nn.functional.linear(x, ref_torch._weight_norm(v, g, 0), b),
          rng.normal(size=(5, 4)), [rng.normal(size=(3, 4)), rng.uniform(0.5, 2, (3, 1)), rng.normal(size=3)])


def test_weight_norm_convolution(lua, ref_torch):
    rng = np.random.default_rng(12)

    # Torch7's WeightNorm: g * v / sqrt(||v||^2 + 1e-4), v the weight viewed nOut x rest
    def fn(x, v, g, b):
        w = (g.view(4, 1) * v / ref_torch.sqrt((v * v).sum(1, keepdim=True) + 1e-4)).view(4, 3, 3, 3)
        return ref_torch.nn.functional.conv2d(x, w, b)
    check(lua, ref_torch, rng, "nn.WeightNorm(nn.SpatialConvolution(3, 4, 3, 3))", fn,
          rng.normal(size=(2, 3, 6, 5)), [rng.normal(size=(4, 27)), rng.uniform(0.5, 2, 4), rng.normal(size=4)])


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
    conv = F.conv_transpose2d if transposed else F.conv2d
    name = "SpatialFullConvolutionMap" if transposed else "SpatialConvolutionMap"
    table = "{" + ", ".join("{%d, %d}" % tuple(r) for r in CONN) + "}"
    check(lua, ref_torch, rng, "nn.%s(torch.Tensor(%s), 3, 2, 2, 1)" % (name, table),
          lambda x, k, b: conv(x, dense_mask(ref_torch, k, CONN, 3, 3, transposed), b, stride=(1, 2)),
          rng.normal(size=(2, 3, 5, 6)), [rng.normal(size=(len(CONN), 2, 3)), rng.normal(size=3)])


@pytest.mark.parametrize("p", [2, 3])
def test_spatial_lp_pooling(lua, ref_torch, p):
    rng = np.random.default_rng(15)
    check(lua, ref_torch, rng, "nn.SpatialLPPooling(3, %d, 3, 2, 1, 2)" % p,
          lambda x: ref_torch.nn.functional.lp_pool2d(x, p, (2, 3), stride=(2, 1)),
          rng.uniform(0.1, 2, size=(2, 3, 6, 7)))


@pytest.mark.parametrize("dim", [None, 1])
def test_gated_linear_unit(lua, ref_torch, dim):
    rng = np.random.default_rng(16)
    check(lua, ref_torch, rng, "nn.GatedLinearUnit(%s)" % ("" if dim is None else dim),
          lambda x: ref_torch.nn.functional.glu(x, dim=-1 if dim is None else dim - 1),
          rng.normal(size=(4, 6)), tol=1e-12)


def test_temporal_dynamic_kmax_pooling(lua, ref_torch):
    rng = np.random.default_rng(17)

    def fn(x):                                         # k = max(2, ceil(0.5 * 7)) = 4
        return x.gather(1, ref_torch.topk(x, 4, dim=1).indices.sort(dim=1).values)
    check(lua, ref_torch, rng, "nn.TemporalDynamicKMaxPooling(2, 0.5)", fn, rng.normal(size=(2, 7, 3)), tol=0)


def test_weighted_euclidean(lua, ref_torch):
    rng = np.random.default_rng(18)
    check(lua, ref_torch, rng, "nn.WeightedEuclidean(5, 3)",
          lambda x, w, c: ((c.unsqueeze(0) * (x.unsqueeze(2) - w.unsqueeze(0))) ** 2).sum(1).sqrt(),
          rng.normal(size=(4, 5)), [rng.normal(size=(5, 3)), rng.uniform(0.5, 2, (5, 3))])


def test_euclidean(lua, ref_torch):
    rng = np.random.default_rng(24)
    check(lua, ref_torch, rng, "nn.Euclidean(5, 3)",
          lambda x, w: ((x.unsqueeze(2) - w.unsqueeze(0)) ** 2).sum(1).sqrt(),
          rng.normal(size=(4, 5)), [rng.normal(size=(5, 3))])


def test_spatial_subtractive_normalization(lua, ref_torch):
    rng = np.random.default_rng(19)
    F = ref_torch.nn.functional
    kernel = np.array([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]])
    k = ref_torch.tensor(kernel / kernel.sum() / 3).expand(1, 3, 3, 3)
    ones = ref_torch.ones(1, 3, 7, 8, dtype=ref_torch.float64)

    # the local mean over the planes (the normalised kernel on the zero-padded image) divided by
    # the same filter's response to ones (the border correction)
    def fn(x):
        return x - F.conv2d(x, k, padding=1) / F.conv2d(ones, k, padding=1)
    check(lua, ref_torch, rng, "nn.SpatialSubtractiveNormalization(3, torch.Tensor({{1, 2, 1}, {2, 4, 2}, {1, 2, 1}}))",
          fn, rng.normal(size=(2, 3, 7, 8)))


def test_spatial_divisive_normalization(lua, ref_torch):
    rng = np.random.default_rng(20)
    F = ref_torch.nn.functional
    k = ref_torch.full((1, 2, 5, 5), 1.0 / 50, dtype=ref_torch.float64)
    coef = F.conv2d(ref_torch.ones(1, 2, 6, 7, dtype=ref_torch.float64), k, padding=2)

    # x / the border-corrected local std, stds at or below 1e-4 replaced by 1e-4
    def fn(x):
        std = F.conv2d(x * x, k, padding=2).sqrt() / coef
        return x / ref_torch.where(std > 1e-4, std, ref_torch.full_like(std, 1e-4))
    check(lua, ref_torch, rng, "nn.SpatialDivisiveNormalization(2, torch.Tensor(5, 5):fill(1))", fn,
          rng.normal(size=(2, 2, 6, 7)))


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
    ty.backward(ref_torch.tensor(go))
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


def test_cosine(lua, ref_torch):
    rng = np.random.default_rng(25)
    check(lua, ref_torch, rng, "nn.Cosine(5, 3)",
          lambda x, w: (x @ w.t()) / x.norm(dim=1, keepdim=True) / w.norm(dim=1).unsqueeze(0),
          rng.normal(size=(4, 5)), [rng.normal(size=(3, 5))])
