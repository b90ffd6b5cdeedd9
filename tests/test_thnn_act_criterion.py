"""THNN criterions against torch.nn.functional losses (sizeAverage = 'mean', reduce = 0 is 'none')."""
import numpy as np
import pytest

import pytorch_like as P
from tests.thnn_util import call, fresh, npy

DTYPES = [np.float32, np.float64]
pytestmark = pytest.mark.filterwarnings("ignore:reduction. .mean. divides")
MODES = [(1, 1, "mean"), (0, 1, "sum"), (0, 0, "none")]   # (sizeAverage, reduce, PyTorch reduction)


def T(a, dtype=np.float64):
    return P.from_numpy(np.array(a, dtype=dtype))


def L(a):
    return P.from_numpy(np.array(a, dtype=np.int64))


def tol(dt):
    return dict(rtol=1e-4, atol=1e-6) if dt == np.float32 else dict(rtol=1e-10, atol=1e-12)


def torch_loss(torch, fn, a, tgt, go, **kw):
    """(loss, d loss / d input) by autograd in float64; go is the gradient of the loss."""
    t = torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)
    y = fn(t, tgt, **kw)
    y.backward(torch.tensor(np.asarray(go, dtype=np.float64)).reshape(y.shape))
    return y.detach().numpy(), t.grad.numpy()


# ---------------------------------------------------------------- pointwise criterions

def _pointwise(F):
    return {
        "MSECriterion": (lambda x, t, r: F.mse_loss(x, t, reduction=r), "any", ()),
        "AbsCriterion": (lambda x, t, r: F.l1_loss(x, t, reduction=r), "any", ()),
        "SmoothL1Criterion": (lambda x, t, r: F.smooth_l1_loss(x, t, reduction=r), "any", ()),
        "SoftMarginCriterion": (lambda x, t, r: F.soft_margin_loss(x, t, reduction=r), "sign", ()),
        "DistKLDivCriterion": (lambda x, t, r: F.kl_div(x, t, reduction=r), "prob", ()),
        "MarginCriterion": (lambda x, t, r: _margin(x, t, r, 0.7), "sign", (0.7,)),
    }


def _margin(x, t, r, m):
    import torch
    l = torch.clamp(m - x * t, min=0)
    return l.mean() if r == "mean" else (l.sum() if r == "sum" else l)


def _targets(rng, kind, shape):
    if kind == "sign":
        return np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    if kind == "prob":
        t = rng.random(shape)
        t[t < 0.2] = 0          # zero targets contribute nothing
        return t
    return rng.standard_normal(shape)


@pytest.mark.parametrize("name", ["MSECriterion", "AbsCriterion", "SmoothL1Criterion", "SoftMarginCriterion",
                                  "DistKLDivCriterion", "MarginCriterion"])
@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape", [(4, 7), (3, 2, 5), (40000,), ()])
def test_pointwise_criterions_vs_torch(ref_torch, rng, name, dt, mode, shape):
    import torch.nn.functional as F
    fn, kind, extra = _pointwise(F)[name]
    sa, red, r = mode
    a = (rng.standard_normal(shape) * 2).astype(dt)
    tg = _targets(rng, kind, shape).astype(dt)
    go = rng.standard_normal(shape if not red else ()).astype(dt)
    out, gi = fresh(), fresh()
    call("THNN_%s_updateOutput" % name, T(a, dt), T(tg, dt), out, sa, *extra, red)
    call("THNN_%s_updateGradInput" % name, T(a, dt), T(tg, dt), T(go, dt), gi, sa, *extra, red)
    ry, rg = torch_loss(ref_torch, lambda x, t: fn(x, t, r), a, ref_torch.tensor(tg.astype(np.float64)), go)
    assert tuple(out.shape) == (() if red else shape) and out.dtype == T(a, dt).dtype
    np.testing.assert_allclose(npy(out), ry, **tol(dt))
    np.testing.assert_allclose(npy(gi), rg, **tol(dt))


def test_pointwise_noncontiguous_and_null_gradoutput(ref_torch, rng):
    import torch.nn.functional as F
    a = rng.standard_normal((6, 5))
    tg = rng.standard_normal((6, 5))
    x = T(a.T.copy()).t()
    t = T(tg.T.copy()).t()
    out, gi = fresh(), fresh()
    call("THNN_MSECriterion_updateOutput", x, t, out, 1, 1)
    call("THNN_MSECriterion_updateGradInput", x, t, None, gi, 1, 1)   # NULL gradOutput means 1
    ry, rg = torch_loss(ref_torch, lambda u, v: F.mse_loss(u, v), a, ref_torch.tensor(tg), 1.0)
    np.testing.assert_allclose(npy(out), ry, rtol=1e-12)
    np.testing.assert_allclose(npy(gi), rg, rtol=1e-12)


def test_one_element_output_keeps_its_shape():
    """Lua passes a 1-element output_tensor: it stays 1-D; a fresh output becomes 0-D."""
    out = T([0.0])
    call("THNN_AbsCriterion_updateOutput", T([1.0, 2.0]), T([0.0, 0.0]), out, 0, 1)
    assert tuple(out.shape) == (1,) and npy(out)[0] == 3.0


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_vs_torch(ref_torch, rng, dt, mode, weighted):
    import torch.nn.functional as F
    sa, red, r = mode
    shape = (5, 4)
    a = rng.uniform(0.02, 0.98, shape).astype(dt)
    tg = rng.random(shape).astype(dt)
    w = rng.random(4).astype(dt) if weighted else None      # broadcast over rows
    go = rng.standard_normal(shape if not red else ()).astype(dt)
    out, gi = fresh(), fresh()
    W = T(w, dt) if weighted else None
    call("THNN_BCECriterion_updateOutput", T(a, dt), T(tg, dt), out, sa, W, red)
    call("THNN_BCECriterion_updateGradInput", T(a, dt), T(tg, dt), T(go, dt), gi, sa, W, red)
    tw = ref_torch.tensor(w.astype(np.float64)) if weighted else None
    ry, rg = torch_loss(ref_torch, lambda x, t: F.binary_cross_entropy(x, t, weight=tw, reduction=r), a,
                        ref_torch.tensor(tg.astype(np.float64)), go)
    np.testing.assert_allclose(npy(out), ry, **tol(dt))
    np.testing.assert_allclose(npy(gi), rg, **tol(dt))


def test_bce_log_clamped_at_minus_100(ref_torch):
    import torch.nn.functional as F
    a = np.array([0.0, 1.0, 0.5])
    tg = np.array([1.0, 0.0, 1.0])
    out = fresh()
    call("THNN_BCECriterion_updateOutput", T(a), T(tg), out, 0, None, 1)
    ref = F.binary_cross_entropy(ref_torch.tensor(a), ref_torch.tensor(tg), reduction="sum")
    np.testing.assert_allclose(npy(out), ref.numpy(), rtol=1e-12)


def test_pointwise_bad_inputs():
    with pytest.raises(TypeError, match="MSECriterion: output has dtype float32, expected float64"):
        call("THNN_MSECriterion_updateOutput", T([1.0]), T([1.0]), T([0.0], np.float32), 1, 1)
    with pytest.raises(ValueError, match="MSECriterion: target of size \\[3\\] does not match input of size \\[2\\]"):
        call("THNN_MSECriterion_updateOutput", T([1.0, 2.0]), T([1.0, 2.0, 3.0]), fresh(), 1, 1)
    with pytest.raises(TypeError, match="AbsCriterion: target has dtype float32 but input has dtype float64"):
        call("THNN_AbsCriterion_updateOutput", T([1.0]), T([1.0], np.float32), fresh(), 1, 1)
    with pytest.raises(TypeError, match="SmoothL1Criterion: expected a float32 or float64 tensor for input"):
        call("THNN_SmoothL1Criterion_updateOutput", L([1]), L([1]), fresh(), 1, 1)
    with pytest.raises(ValueError, match="MSECriterion: expected gradOutput with 1 element"):
        call("THNN_MSECriterion_updateGradInput", T([1.0, 2.0]), T([1.0, 2.0]), T([1.0, 1.0]), fresh(), 1, 1)
    with pytest.raises(ValueError, match="SoftMarginCriterion: gradOutput is NULL"):
        call("THNN_SoftMarginCriterion_updateGradInput", T([1.0]), T([1.0]), None, fresh(), 1, 0)
    with pytest.raises(ValueError, match="DistKLDivCriterion: gradOutput of size \\[3\\] does not match input"):
        call("THNN_DistKLDivCriterion_updateGradInput", T([1.0]), T([1.0]), T([1.0, 2.0, 3.0]), fresh(), 1, 0)
    with pytest.raises(ValueError, match="BCECriterion: weights of size \\[3\\] cannot be broadcast"):
        call("THNN_BCECriterion_updateOutput", T([0.5, 0.5]), T([1.0, 0.0]), fresh(), 1, T([1.0, 1.0, 1.0]), 1)


# ---------------------------------------------------------------- ClassNLL / SpatialClassNLL

def _nll_run(name, x, t, go, sa, w, ign, red, base):
    out, tw, gi = fresh(), fresh(), fresh()
    call("THNN_%s_updateOutput" % name, x, t, out, sa, w, tw, ign, red, base)
    call("THNN_%s_updateGradInput" % name, x, t, go, gi, sa, w, tw, ign, red, base)
    return out, tw, gi


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore", [-100, 2])
def test_classnll_vs_torch(ref_torch, rng, dt, mode, weighted, ignore):
    import torch.nn.functional as F
    sa, red, r = mode
    N, C = 9, 5
    a = np.log(rng.dirichlet(np.ones(C), N)).astype(dt)
    tg = rng.integers(0, C, N)
    tg[0] = 2
    w = rng.random(C).astype(dt) if weighted else None
    go = rng.standard_normal(N if not red else ()).astype(dt)
    out, tw, gi = _nll_run("ClassNLLCriterion", T(a, dt), L(tg), T(go, dt), sa, T(w, dt) if weighted else None,
                           ignore, red, 0)
    tW = ref_torch.tensor(w.astype(np.float64)) if weighted else None
    ry, rg = torch_loss(ref_torch, lambda x, t: F.nll_loss(x, t, weight=tW, ignore_index=ignore, reduction=r), a,
                        ref_torch.tensor(tg), go)
    np.testing.assert_allclose(npy(out), ry, **tol(dt))
    np.testing.assert_allclose(npy(gi), rg, **tol(dt))
    keep = tg != ignore
    np.testing.assert_allclose(npy(tw), (w[tg[keep]] if weighted else np.ones(keep.sum())).sum(), rtol=1e-6)


def test_classnll_lua_base_and_1d_input(ref_torch, rng):
    import torch.nn.functional as F
    a = np.log(rng.dirichlet(np.ones(4)))
    out, tw, gi = _nll_run("ClassNLLCriterion", T(a), L([3]), None, 1, None, -100, 1, 1)   # Lua: class 3 = index 2
    np.testing.assert_allclose(npy(out), -a[2], rtol=1e-12)
    np.testing.assert_allclose(npy(gi), np.eye(4)[2] * -1, rtol=1e-12)
    # 0-D target, reduction none: a 0-D loss like PyTorch
    out, tw, gi = _nll_run("ClassNLLCriterion", T(a), L(1), T(2.0), 1, None, -100, 0, 0)
    ref = F.nll_loss(ref_torch.tensor(a), ref_torch.tensor(1), reduction="none")
    assert tuple(out.shape) == tuple(ref.shape) == ()
    np.testing.assert_allclose(npy(out), ref.numpy(), rtol=1e-12)
    np.testing.assert_allclose(npy(gi), np.eye(4)[1] * -2, rtol=1e-12)


def test_classnll_all_ignored_mean_is_nan_like_pytorch():
    out, tw, gi = _nll_run("ClassNLLCriterion", T(np.zeros((2, 3))), L([-100, -100]), None, 1, None, -100, 1, 0)
    assert np.isnan(npy(out)) and npy(tw) == 0


def test_classnll_batch_equals_stacked_samples(rng):
    a = rng.standard_normal((6, 4))
    tg = rng.integers(0, 4, 6)
    out = fresh()
    call("THNN_ClassNLLCriterion_updateOutput", T(a), L(tg), out, 0, None, fresh(), -100, 0, 0)
    for i in range(6):
        o = fresh()
        call("THNN_ClassNLLCriterion_updateOutput", T(a[i]), L([tg[i]]), o, 0, None, fresh(), -100, 1, 0)
        assert npy(o) == npy(out)[i]


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("mode", MODES)
def test_spatial_classnll_vs_torch(ref_torch, rng, dt, mode):
    import torch.nn.functional as F
    sa, red, r = mode
    N, C, H, W = 2, 4, 3, 5
    a = rng.standard_normal((N, C, H, W)).astype(dt)
    tg = rng.integers(0, C, (N, H, W))
    tg[0, 0, 0] = 1
    w = rng.random(C).astype(dt)
    go = rng.standard_normal((N, H, W) if not red else ()).astype(dt)
    out, tw, gi = _nll_run("SpatialClassNLLCriterion", T(a, dt), L(tg + 1), T(go, dt), sa, T(w, dt), 2, red, 1)
    ry, rg = torch_loss(ref_torch, lambda x, t: F.nll_loss(x, t, weight=ref_torch.tensor(w.astype(np.float64)),
                                                          ignore_index=1, reduction=r), a, ref_torch.tensor(tg), go)
    np.testing.assert_allclose(npy(out), ry, **tol(dt))
    np.testing.assert_allclose(npy(gi), rg, **tol(dt))


def test_classnll_bad_inputs():
    x = T(np.zeros((2, 5)))
    with pytest.raises(IndexError, match="ClassNLLCriterion: target 7 is out of bounds \\[0, 5\\)"):
        call("THNN_ClassNLLCriterion_updateOutput", x, L([1, 7]), fresh(), 1, None, fresh(), -100, 1, 0)
    with pytest.raises(IndexError, match="ClassNLLCriterion: target 0 is out of bounds \\[1, 6\\)"):
        call("THNN_ClassNLLCriterion_updateOutput", x, L([1, 0]), fresh(), 1, None, fresh(), -100, 1, 1)
    with pytest.raises(IndexError, match="target -1 is out of bounds"):
        call("THNN_ClassNLLCriterion_updateGradInput", x, L([-1, 0]), None, fresh(), 1, None, fresh(), -100, 1, 0)
    with pytest.raises(TypeError, match="ClassNLLCriterion: expected an int64 target, got float64"):
        call("THNN_ClassNLLCriterion_updateOutput", x, T([1.0, 0.0]), fresh(), 1, None, fresh(), -100, 1, 0)
    with pytest.raises(ValueError, match="ClassNLLCriterion: expected target of size \\[2\\] for input of size \\[2 x 5\\], got \\[3\\]"):
        call("THNN_ClassNLLCriterion_updateOutput", x, L([1, 0, 0]), fresh(), 1, None, fresh(), -100, 1, 0)
    with pytest.raises(ValueError, match="ClassNLLCriterion: expected 1D \\(C\\) or 2D \\(N x C\\) input, got \\[2 x 5 x 1\\]"):
        call("THNN_ClassNLLCriterion_updateOutput", T(np.zeros((2, 5, 1))), L([1, 0]), fresh(), 1, None, fresh(), -100, 1, 0)
    with pytest.raises(ValueError, match="ClassNLLCriterion: expected weights of size 5"):
        call("THNN_ClassNLLCriterion_updateOutput", x, L([1, 0]), fresh(), 1, T(np.ones(4)), fresh(), -100, 1, 0)
    with pytest.raises(ValueError, match="SpatialClassNLLCriterion: expected 4D input"):
        call("THNN_SpatialClassNLLCriterion_updateOutput", x, L([1, 0]), fresh(), 1, None, fresh(), -100, 1, 0)
    with pytest.raises(ValueError, match="SpatialClassNLLCriterion: expected target of size \\[1 x 2 x 2\\]"):
        call("THNN_SpatialClassNLLCriterion_updateOutput", T(np.zeros((1, 3, 2, 2))), L(np.zeros((1, 2, 3))),
             fresh(), 1, None, fresh(), -100, 1, 0)
    with pytest.raises(ValueError, match="ClassNLLCriterion: gradOutput of size \\[3\\] does not match"):
        call("THNN_ClassNLLCriterion_updateGradInput", x, L([1, 0]), T([1.0, 1.0, 1.0]), fresh(), 1, None, fresh(),
             -100, 0, 0)


# ---------------------------------------------------------------- MultiMargin / MultiLabelMargin

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_multimargin_vs_torch(ref_torch, rng, dt, mode, p, weighted):
    import torch.nn.functional as F
    sa, red, r = mode
    N, C = 7, 5
    a = rng.standard_normal((N, C)).astype(dt)
    tg = rng.integers(0, C, N)
    w = rng.random(C).astype(dt) if weighted else None
    go = rng.standard_normal(N if not red else ()).astype(dt)
    out, gi = fresh(), fresh()
    W = T(w, dt) if weighted else None
    call("THNN_MultiMarginCriterion_updateOutput", T(a, dt), L(tg), out, sa, p, W, 0.8, red, 0)
    call("THNN_MultiMarginCriterion_updateGradInput", T(a, dt), L(tg), T(go, dt), gi, sa, p, W, 0.8, red, 0)
    tW = ref_torch.tensor(w.astype(np.float64)) if weighted else None
    ry, rg = torch_loss(ref_torch, lambda x, t: F.multi_margin_loss(x, t, p=p, margin=0.8, weight=tW, reduction=r),
                        a, ref_torch.tensor(tg), go)
    np.testing.assert_allclose(npy(out), ry, **tol(dt))
    np.testing.assert_allclose(npy(gi), rg, **tol(dt))


def test_multimargin_1d_and_lua_base(ref_torch, rng):
    import torch.nn.functional as F
    a = rng.standard_normal(6)
    out = fresh()
    call("THNN_MultiMarginCriterion_updateOutput", T(a), L([4]), out, 1, 1, None, 1.0, 1, 1)
    ref = F.multi_margin_loss(ref_torch.tensor(a[None]), ref_torch.tensor([3]))
    np.testing.assert_allclose(npy(out), ref.numpy(), rtol=1e-12)
    with pytest.raises(IndexError, match="MultiMarginCriterion: target 0 is out of bounds \\[1, 7\\)"):
        call("THNN_MultiMarginCriterion_updateOutput", T(a), L([0]), out, 1, 1, None, 1.0, 1, 1)
    with pytest.raises(ValueError, match="MultiMarginCriterion: only p == 1 and p == 2"):
        call("THNN_MultiMarginCriterion_updateOutput", T(a), L([0]), out, 1, 3, None, 1.0, 1, 0)
    with pytest.raises(ValueError, match="MultiMarginCriterion: expected target of size \\[2\\]"):
        call("THNN_MultiMarginCriterion_updateOutput", T(np.ones((2, 3))), L([0]), out, 1, 1, None, 1.0, 1, 0)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("mode", MODES)
def test_multilabel_margin_vs_torch(ref_torch, rng, dt, mode):
    import torch.nn.functional as F
    sa, red, r = mode
    N, C = 6, 5
    a = rng.standard_normal((N, C)).astype(dt)
    tg = np.full((N, C), -1)
    for i in range(N):
        k = rng.integers(0, C + 1)
        tg[i, :k] = rng.permutation(C)[:k]
    tg[0, :3] = [1, 1, 3]            # a repeated label counts twice, as in PyTorch
    go = rng.standard_normal(N if not red else ()).astype(dt)
    out, gi, ist = fresh(), fresh(), fresh()
    call("THNN_MultiLabelMarginCriterion_updateOutput", T(a, dt), L(tg), out, ist, sa, red, 0)
    call("THNN_MultiLabelMarginCriterion_updateGradInput", T(a, dt), L(tg), T(go, dt), gi, ist, sa, red, 0)
    ry, rg = torch_loss(ref_torch, lambda x, t: F.multilabel_margin_loss(x, t, reduction=r), a,
                        ref_torch.tensor(tg), go)
    np.testing.assert_allclose(npy(out), ry, **tol(dt))
    np.testing.assert_allclose(npy(gi), rg, **tol(dt))
    expect = np.zeros((N, C))
    for i in range(N):
        for v in tg[i]:
            if v < 0:
                break
            expect[i, v] = 1
    np.testing.assert_array_equal(npy(ist), expect)


def test_multilabel_margin_lua_padding_and_errors(ref_torch, rng):
    import torch.nn.functional as F
    a = rng.standard_normal(4)
    out = fresh()
    call("THNN_MultiLabelMarginCriterion_updateOutput", T(a), L([3, 1, 0, 2]), out, None, 1, 1, 1)   # Lua: 0 ends
    ref = F.multilabel_margin_loss(ref_torch.tensor(a), ref_torch.tensor([2, 0, -1, 1]))
    np.testing.assert_allclose(npy(out), ref.numpy(), rtol=1e-12)
    with pytest.raises(IndexError, match="MultiLabelMarginCriterion: target 4 is out of bounds \\[0, 4\\)"):
        call("THNN_MultiLabelMarginCriterion_updateOutput", T(a), L([4, -1, 0, 0]), out, None, 1, 1, 0)
    with pytest.raises(ValueError, match="MultiLabelMarginCriterion: target of size \\[3\\] does not match input"):
        call("THNN_MultiLabelMarginCriterion_updateOutput", T(a), L([0, -1, 0]), out, None, 1, 1, 0)


def test_empty_inputs():
    e = T(np.zeros((0, 3)))
    out, gi = fresh(), fresh()
    call("THNN_MSECriterion_updateOutput", e, e, out, 0, 1)
    assert npy(out) == 0.0
    call("THNN_MSECriterion_updateOutput", e, e, out, 1, 1)
    assert np.isnan(npy(out))                         # mean of nothing, as PyTorch
    call("THNN_MSECriterion_updateOutput", e, e, out, 1, 0)
    assert tuple(out.shape) == (0, 3)
    call("THNN_MSECriterion_updateGradInput", e, e, None, gi, 1, 1)
    assert tuple(gi.shape) == (0, 3)
    out = fresh()
    call("THNN_ClassNLLCriterion_updateOutput", e, L(np.zeros(0, dtype=np.int64)), out, 1, None, fresh(), -100, 0, 0)
    assert tuple(out.shape) == (0,)
    call("THNN_ClassNLLCriterion_updateGradInput", e, L(np.zeros(0, dtype=np.int64)), T(np.zeros(0)), gi, 1, None,
         fresh(), -100, 0, 0)
    assert tuple(gi.shape) == (0, 3)
    call("THNN_MultiMarginCriterion_updateOutput", e, L(np.zeros(0, dtype=np.int64)), out, 0, 1, None, 1.0, 1, 0)
    assert npy(out) == 0.0
    call("THNN_MultiLabelMarginCriterion_updateOutput", e, L(np.zeros((0, 3), dtype=np.int64)), out, None, 0, 0, 0)
    assert tuple(out.shape) == (0,)


def test_bce_input_outside_unit_interval():
    for bad in (1.5, -0.1, float("nan")):
        with pytest.raises(ValueError, match="BCECriterion: all elements of input should be between 0 and 1"):
            call("THNN_BCECriterion_updateOutput", T([0.5, bad]), T([1.0, 0.0]), fresh(), 1, None, 1)
