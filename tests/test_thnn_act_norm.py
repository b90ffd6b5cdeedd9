"""THNN BatchNormalization, LookupTable and Linear against torch.nn.functional."""
import numpy as np
import pytest

import pytorch_like as P
from tests.thnn_util import call, fresh, npy

DTYPES = [np.float32, np.float64]


def T(a, dtype=np.float64):
    return P.from_numpy(np.array(a, dtype=dtype))


def L(a):
    return P.from_numpy(np.array(a, dtype=np.int64))


def tol(dt):
    return dict(rtol=1e-4, atol=1e-5) if dt == np.float32 else dict(rtol=1e-9, atol=1e-11)


# ---------------------------------------------------------------- BatchNormalization

def _bn_torch(torch, a, go, w, b, rm, rv, train, momentum, eps):
    import torch.nn.functional as F
    tx = torch.tensor(a.astype(np.float64), requires_grad=True)
    tw = torch.tensor(w.astype(np.float64), requires_grad=True) if w is not None else None
    tb = torch.tensor(b.astype(np.float64), requires_grad=True) if b is not None else None
    trm = torch.tensor(rm.astype(np.float64)) if rm is not None else None
    trv = torch.tensor(rv.astype(np.float64)) if rv is not None else None
    y = F.batch_norm(tx, trm, trv, tw, tb, training=train, momentum=momentum, eps=eps)
    y.backward(torch.tensor(go.astype(np.float64)))
    return (y.detach().numpy(), tx.grad.numpy(), tw.grad.numpy() if tw is not None else None,
            tb.grad.numpy() if tb is not None else None,
            trm.numpy() if trm is not None else None, trv.numpy() if trv is not None else None)


@pytest.mark.parametrize("dt", DTYPES)
# (40, 70) and (520, 67): N x C kernels sum channels in blocks of 32, with a partial last block;
# the latter is large enough for the channel split across threads when the machine allows it
@pytest.mark.parametrize("shape", [(8, 3), (40, 70), (520, 67), (4, 3, 5), (2, 3, 4, 5), (3, 2, 2, 2, 3)])
@pytest.mark.parametrize("train", [1, 0])
@pytest.mark.parametrize("affine", [True, False])
def test_batchnorm_vs_torch(ref_torch, rng, dt, shape, train, affine):
    C = shape[1]
    a = (rng.standard_normal(shape) * 2 + 1).astype(dt)
    go = rng.standard_normal(shape).astype(dt)
    w = rng.random(C).astype(dt) + 0.5 if affine else None
    b = rng.standard_normal(C).astype(dt) if affine else None
    rm = rng.standard_normal(C).astype(dt)
    rv = rng.random(C).astype(dt) + 0.5
    RM, RV, SM, SS = T(rm, dt), T(rv, dt), fresh(), fresh()
    W, B = (T(w, dt), T(b, dt)) if affine else (None, None)
    out, gi = fresh(), fresh()
    gw, gb = T(np.full(C, 0.25), dt), T(np.full(C, -0.5), dt)
    call("THNN_BatchNormalization_updateOutput", T(a, dt), out, W, B, RM, RV, SM, SS, train, 0.3, 1e-4)
    call("THNN_BatchNormalization_backward", T(a, dt), T(go, dt), gi, gw if affine else None, gb if affine else None,
         W, RM, RV, SM, SS, train, 0.5, 1e-4)
    ry, rgi, rgw, rgb, rrm, rrv = _bn_torch(ref_torch, a, go, w, b, rm, rv, bool(train), 0.3, 1e-4)
    np.testing.assert_allclose(npy(out), ry, **tol(dt))
    np.testing.assert_allclose(npy(gi), rgi, **tol(dt))
    np.testing.assert_allclose(npy(RM), rrm, **tol(dt))
    np.testing.assert_allclose(npy(RV), rrv, **tol(dt))
    if affine:
        np.testing.assert_allclose(npy(gw), 0.25 + 0.5 * rgw, **tol(dt))
        np.testing.assert_allclose(npy(gb), -0.5 + 0.5 * rgb, **tol(dt))
    if train:
        axes = tuple(d for d in range(len(shape)) if d != 1)
        a64 = a.astype(np.float64)
        np.testing.assert_allclose(npy(SM), a64.mean(axes), **tol(dt))
        np.testing.assert_allclose(npy(SS), 1 / np.sqrt(a64.var(axes) + 1e-4), **tol(dt))


def test_batchnorm_without_running_stats_and_separate_backward_parts(ref_torch, rng):
    a = rng.standard_normal((6, 4))
    go = rng.standard_normal((6, 4))
    w, b = rng.random(4) + 0.5, rng.standard_normal(4)
    out, SM, SS = fresh(), fresh(), fresh()
    call("THNN_BatchNormalization_updateOutput", T(a), out, T(w), T(b), None, None, SM, SS, 1, 0.1, 1e-5)
    ry, rgi, rgw, rgb, _, _ = _bn_torch(ref_torch, a, go, w, b, None, None, True, 0.1, 1e-5)
    np.testing.assert_allclose(npy(out), ry, rtol=1e-10)
    gi = fresh()   # gradInput only (Lua's updateGradInput)
    call("THNN_BatchNormalization_backward", T(a), T(go), gi, None, None, T(w), None, None, SM, SS, 1, 1.0, 1e-5)
    np.testing.assert_allclose(npy(gi), rgi, rtol=1e-9, atol=1e-12)
    gw, gb = T(np.zeros(4)), T(np.zeros(4))   # parameters only (Lua's accGradParameters)
    call("THNN_BatchNormalization_backward", T(a), T(go), None, gw, gb, T(w), None, None, SM, SS, 1, 1.0, 1e-5)
    np.testing.assert_allclose(npy(gw), rgw, rtol=1e-9)
    np.testing.assert_allclose(npy(gb), rgb, rtol=1e-9)


def test_batchnorm_noncontiguous_input(ref_torch, rng):
    a = rng.standard_normal((5, 3, 4))
    x = T(a.transpose(2, 1, 0).copy()).permute(2, 1, 0)
    out, SM, SS = fresh(), fresh(), fresh()
    call("THNN_BatchNormalization_updateOutput", x, out, None, None, None, None, SM, SS, 1, 0.1, 1e-5)
    ry = _bn_torch(ref_torch, a, np.zeros_like(a), None, None, None, None, True, 0.1, 1e-5)[0]
    np.testing.assert_allclose(npy(out), ry, rtol=1e-9, atol=1e-12)


def test_batchnorm_bad_inputs():
    x = T(np.ones((4, 3)))
    with pytest.raises(ValueError, match="BatchNormalization: expected 2D \\(N x C\\) or higher"):
        call("THNN_BatchNormalization_updateOutput", T(np.ones(3)), fresh(), None, None, None, None, fresh(), fresh(),
             1, 0.1, 1e-5)
    with pytest.raises(ValueError, match="BatchNormalization: expected weight of size \\[3\\]"):
        call("THNN_BatchNormalization_updateOutput", x, fresh(), T(np.ones(4)), None, None, None, fresh(), fresh(),
             1, 0.1, 1e-5)
    with pytest.raises(ValueError, match="more than 1 value per channel when training"):
        call("THNN_BatchNormalization_updateOutput", T(np.ones((1, 3))), fresh(), None, None, None, None, fresh(),
             fresh(), 1, 0.1, 1e-5)
    with pytest.raises(ValueError, match="running_mean and running_var are needed in evaluation mode"):
        call("THNN_BatchNormalization_updateOutput", x, fresh(), None, None, None, None, fresh(), fresh(), 0, 0.1, 1e-5)
    with pytest.raises(TypeError, match="BatchNormalization: running_mean has dtype float32"):
        call("THNN_BatchNormalization_updateOutput", x, fresh(), None, None, T(np.zeros(3), np.float32),
             T(np.ones(3)), fresh(), fresh(), 0, 0.1, 1e-5)
    with pytest.raises(ValueError, match="BatchNormalization: gradOutput of size \\[3 x 4\\] does not match"):
        call("THNN_BatchNormalization_backward", x, T(np.ones((3, 4))), fresh(), None, None, None, T(np.zeros(3)),
             T(np.ones(3)), None, None, 0, 1.0, 1e-5)


# ---------------------------------------------------------------- LookupTable

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("pad", [None, 2])
@pytest.mark.parametrize("freq", [False, True])
def test_lookup_table_grad_vs_torch_embedding(ref_torch, rng, dt, pad, freq):
    import torch.nn.functional as F
    nIndex, D = 7, 5
    idx = rng.integers(0, nIndex, (4, 6))
    idx[0, :3] = [2, 2, 3]
    go = rng.standard_normal((4, 6, D)).astype(dt)
    W = ref_torch.tensor(rng.standard_normal((nIndex, D)), requires_grad=True)
    y = F.embedding(ref_torch.tensor(idx), W, padding_idx=pad, scale_grad_by_freq=freq)
    y.backward(ref_torch.tensor(go.astype(np.float64)))
    for base in (0, 1):
        gw = T(np.ones((nIndex, D)), dt)
        count = fresh()
        padv = (pad + base) if pad is not None else base - 1
        call("THNN_LookupTable_accGradParameters", L(idx + base), T(go, dt), gw, count, None, None, int(freq),
             padv, 0.5, base)
        np.testing.assert_allclose(npy(gw), 1 + 0.5 * W.grad.numpy(), **tol(dt))
        cnt = np.bincount(idx[idx != pad].ravel() if pad is not None else idx.ravel(), minlength=nIndex)
        np.testing.assert_array_equal(npy(count), cnt)


def test_lookup_table_large_parallel_accumulation(rng):
    """Many repeated indices over threads: every contribution lands exactly once."""
    nIndex, D, n = 50, 64, 3000
    idx = rng.integers(0, nIndex, n)
    go = rng.standard_normal((n, D))
    gw = T(np.zeros((nIndex, D)))
    call("THNN_LookupTable_accGradParameters", L(idx), T(go), gw, None, None, None, 0, -1, 1.0, 0)
    ref = np.zeros((nIndex, D))
    np.add.at(ref, idx, go)
    np.testing.assert_allclose(npy(gw), ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("norm", [1.0, 2.0, 3.0, float("inf")])
def test_lookup_table_renorm_vs_torch(ref_torch, rng, norm):
    import torch.nn.functional as F
    Wn = rng.standard_normal((6, 4)) * 2
    idx = np.array([1, 3, 3, 5, 0])
    tw = ref_torch.tensor(Wn.copy())
    with ref_torch.no_grad():
        F.embedding(ref_torch.tensor(idx), tw, max_norm=1.5, norm_type=norm)
    w = T(Wn)
    call("THNN_LookupTable_renorm", L(idx + 1), w, 1.5, norm, 1)
    np.testing.assert_allclose(npy(w), tw.numpy(), rtol=1e-7)
    np.testing.assert_array_equal(npy(w)[[2, 4]], Wn[[2, 4]])


def test_lookup_table_bad_inputs():
    gw = T(np.zeros((3, 2)))
    with pytest.raises(IndexError, match="LookupTable: index 3 is out of bounds \\[0, 3\\)"):
        call("THNN_LookupTable_accGradParameters", L([0, 3]), T(np.ones((2, 2))), gw, None, None, None, 0, -1, 1.0, 0)
    with pytest.raises(IndexError, match="LookupTable: index 0 is out of bounds \\[1, 4\\)"):
        call("THNN_LookupTable_renorm", L([0]), gw, 1.0, 2.0, 1)
    with pytest.raises(TypeError, match="LookupTable: expected int64 indices for input, got float64"):
        call("THNN_LookupTable_accGradParameters", T([0.0]), T(np.ones((1, 2))), gw, None, None, None, 0, -1, 1.0, 0)
    with pytest.raises(ValueError, match="LookupTable: gradOutput of size \\[2 x 3\\] does not hold one row of 2"):
        call("THNN_LookupTable_accGradParameters", L([0, 1]), T(np.ones((2, 3))), gw, None, None, None, 0, -1, 1.0, 0)
    with pytest.raises(ValueError, match="LookupTable: normType must be positive"):
        call("THNN_LookupTable_renorm", L([0]), gw, 1.0, 0.0, 0)


# ---------------------------------------------------------------- Linear

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("batch", [True, False])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_vs_torch(ref_torch, rng, dt, batch, bias):
    import torch.nn.functional as F
    shape = (5, 4) if batch else (4,)
    a = rng.standard_normal(shape).astype(dt)
    w = rng.standard_normal((3, 4)).astype(dt)
    b = rng.standard_normal(3).astype(dt)
    go = rng.standard_normal(shape[:-1] + (3,)).astype(dt)
    tx = ref_torch.tensor(a.astype(np.float64), requires_grad=True)
    tw = ref_torch.tensor(w.astype(np.float64), requires_grad=True)
    tb = ref_torch.tensor(b.astype(np.float64), requires_grad=True)
    y = F.linear(tx, tw, tb if bias else None)
    y.backward(ref_torch.tensor(go.astype(np.float64)))
    out, gi = fresh(), fresh()
    gw, gb = T(np.ones((3, 4)), dt), T(np.ones(3), dt)
    B = T(b, dt) if bias else None
    call("THNN_Linear_updateOutput", T(a, dt), out, T(w, dt), B, None)
    call("THNN_Linear_updateGradInput", T(a, dt), T(go, dt), gi, T(w, dt))
    call("THNN_Linear_accGradParameters", T(a, dt), T(go, dt), gi, T(w, dt), B, gw, gb, None, 2.0)
    np.testing.assert_allclose(npy(out), y.detach().numpy(), **tol(dt))
    np.testing.assert_allclose(npy(gi), tx.grad.numpy(), **tol(dt))
    np.testing.assert_allclose(npy(gw), 1 + 2 * tw.grad.numpy(), **tol(dt))
    np.testing.assert_allclose(npy(gb), 1 + 2 * go.astype(np.float64).reshape(-1, 3).sum(0), **tol(dt))


def test_linear_bad_inputs():
    with pytest.raises(ValueError, match="Linear: expected 1D \\(4\\) or 2D \\(N x 4\\) input"):
        call("THNN_Linear_updateOutput", T(np.ones((2, 5))), fresh(), T(np.ones((3, 4))), None, None)
    with pytest.raises(ValueError, match="Linear: expected bias of size \\[3\\]"):
        call("THNN_Linear_updateOutput", T(np.ones((2, 4))), fresh(), T(np.ones((3, 4))), T(np.ones(4)), None)
    with pytest.raises(TypeError, match="Linear: weight has dtype float32"):
        call("THNN_Linear_updateOutput", T(np.ones((2, 4))), fresh(), T(np.ones((3, 4)), np.float32), None, None)
    with pytest.raises(ValueError, match="Linear: expected gradWeight shaped like weight"):
        call("THNN_Linear_accGradParameters", T(np.ones((2, 4))), T(np.ones((2, 3))), None, T(np.ones((3, 4))),
             None, T(np.ones((4, 3))), None, None, 1.0)


def test_batchnorm_train_jacobian(rng):
    """gradInput of training-mode BatchNormalization against central differences (float64)."""
    a = rng.standard_normal((4, 2, 3))
    w, b = rng.random(2) + 0.5, rng.standard_normal(2)

    def fwd(v):
        out = fresh()
        call("THNN_BatchNormalization_updateOutput", T(v), out, T(w), T(b), None, None, fresh(), fresh(), 1, 0.1, 1e-5)
        return npy(out).ravel()

    n = a.size
    num = np.zeros((n, n))
    for i in range(n):
        d = np.zeros(n)
        d[i] = 1e-6
        num[i] = (fwd(a + d.reshape(a.shape)) - fwd(a - d.reshape(a.shape))) / 2e-6
    SM, SS = fresh(), fresh()
    call("THNN_BatchNormalization_updateOutput", T(a), fresh(), T(w), T(b), None, None, SM, SS, 1, 0.1, 1e-5)
    for j in range(n):
        g = np.zeros(n)
        g[j] = 1
        gi = fresh()
        call("THNN_BatchNormalization_backward", T(a), T(g.reshape(a.shape)), gi, None, None, T(w), None, None, SM,
             SS, 1, 1.0, 1e-5)
        np.testing.assert_allclose(npy(gi).ravel(), num[:, j], atol=1e-6)


@pytest.mark.parametrize("dt", DTYPES)
def test_batchnorm_large_offset_keeps_variance(ref_torch, rng, dt):
    """Data far from zero (mean 1e4, std 1): the one-pass statistics must not cancel."""
    a = (rng.standard_normal((64, 3, 5)) + 1e4).astype(dt)
    out, SM, SS, RV = fresh(), fresh(), fresh(), T(np.ones(3), dt)
    call("THNN_BatchNormalization_updateOutput", T(a, dt), out, None, None, T(np.zeros(3), dt), RV, SM, SS, 1, 1.0,
         1e-5)
    a64 = a.astype(np.float64)
    np.testing.assert_allclose(npy(SS), 1 / np.sqrt(a64.var((0, 2)) + 1e-5), rtol=1e-5 if dt == np.float32 else 1e-9)
    np.testing.assert_allclose(npy(RV), a64.var((0, 2), ddof=1), rtol=1e-5 if dt == np.float32 else 1e-9)
