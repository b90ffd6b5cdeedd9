"""THNN SoftMax / LogSoftMax against torch.nn.functional."""
import numpy as np
import pytest

import pytorch_like as P
from tests.thnn_util import call, fresh, npy


def T(a, dtype=np.float64):
    return P.from_numpy(np.array(a, dtype=dtype))


def tol(dt):
    return dict(rtol=1e-4, atol=1e-6) if dt == np.float32 else dict(rtol=1e-10, atol=1e-13)


def run(op, x, go, dim):
    o, gi = fresh(), fresh()
    call("THNN_%s_updateOutput" % op, x, o, dim)
    call("THNN_%s_updateGradInput" % op, x, go, gi, o, dim)
    return o, gi


def ref(torch, op, a, go, dim):
    import torch.nn.functional as F
    t = torch.tensor(a.astype(np.float64), requires_grad=True)
    y = (F.softmax if op == "SoftMax" else F.log_softmax)(t, dim=dim)
    y.backward(torch.tensor(go.astype(np.float64)))
    return y.detach().numpy(), t.grad.numpy()


# THNN's feature dim: dim 0 of 1-D/3-D inputs, dim 1 of 2-D/4-D inputs
@pytest.mark.parametrize("op", ["SoftMax", "LogSoftMax"])
@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("shape,fdim", [((10,), 0), ((6, 11), 1), ((4, 5, 6), 0), ((2, 4, 3, 5), 1),
                                        ((300, 1000), 1), ((0, 5), 1), ((3, 0), 1)])
def test_feature_dim_vs_torch(ref_torch, rng, op, dt, shape, fdim):
    a = (rng.standard_normal(shape) * 4).astype(dt)
    go = rng.standard_normal(shape).astype(dt)
    o, gi = run(op, T(a, dt), T(go, dt), -1)
    ry, rg = ref(ref_torch, op, a, go, fdim)
    assert o.dtype == gi.dtype == T(a, dt).dtype
    np.testing.assert_allclose(npy(o), ry, **tol(dt))
    np.testing.assert_allclose(npy(gi), rg, **tol(dt))


@pytest.mark.parametrize("op", ["SoftMax", "LogSoftMax"])
@pytest.mark.parametrize("dim", [0, 1, 2])
def test_explicit_dim_and_noncontiguous(ref_torch, rng, op, dim):
    a = rng.standard_normal((5, 6, 7)) * 3
    go = rng.standard_normal((5, 6, 7))
    x = T(a.transpose(2, 1, 0).copy()).permute(2, 1, 0)
    g = T(go.transpose(2, 1, 0).copy()).permute(2, 1, 0)
    assert not x.is_contiguous()
    o, gi = run(op, x, g, dim)
    ry, rg = ref(ref_torch, op, a, go, dim)
    np.testing.assert_allclose(npy(o), ry, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(npy(gi), rg, rtol=1e-10, atol=1e-13)


def test_zero_dim_input(ref_torch):
    o, gi = run("SoftMax", T(3.0), T(2.0), 0)
    assert tuple(o.shape) == () and npy(o) == 1.0 and npy(gi) == 0.0
    o, gi = run("LogSoftMax", T(3.0), T(2.0), 0)
    assert npy(o) == 0.0 and npy(gi) == 0.0


def test_extreme_values_stay_finite():
    a = np.array([[1000.0, -1000.0, 0.0], [-1e30, -1e30, -1e30]])
    o, _ = run("LogSoftMax", T(a, np.float32), T(np.ones_like(a), np.float32), -1)
    assert np.all(np.isfinite(npy(o)))
    np.testing.assert_allclose(npy(o)[0], [0.0, -2000.0, -1000.0], rtol=1e-6)
    np.testing.assert_allclose(npy(o)[1], np.log([1 / 3] * 3), rtol=1e-6)


def test_batch_equals_stacked_samples(rng):
    a = rng.standard_normal((4, 3, 5, 2))
    ob = fresh()
    call("THNN_LogSoftMax_updateOutput", T(a), ob, -1)
    for i in range(4):
        o = fresh()
        call("THNN_LogSoftMax_updateOutput", T(a[i]), o, -1)
        np.testing.assert_array_equal(npy(o), npy(ob)[i])


def test_inplace_output_is_input(rng):
    a = rng.standard_normal((3, 8))
    x = T(a)
    call("THNN_SoftMax_updateOutput", x, x, 1)
    e = np.exp(a - a.max(1, keepdims=True))
    np.testing.assert_allclose(npy(x), e / e.sum(1, keepdims=True), rtol=1e-12)


def test_jacobian(rng):
    a = rng.standard_normal((2, 4))
    for op in ["SoftMax", "LogSoftMax"]:
        o = fresh()
        call("THNN_%s_updateOutput" % op, T(a), o, -1)
        num = np.zeros((8, 8))
        for i in range(8):
            d = np.zeros(8)
            d[i] = 1e-6
            op_, om = fresh(), fresh()
            call("THNN_%s_updateOutput" % op, T(a + d.reshape(a.shape)), op_, -1)
            call("THNN_%s_updateOutput" % op, T(a - d.reshape(a.shape)), om, -1)
            num[i] = (npy(op_) - npy(om)).ravel() / 2e-6
        for j in range(8):
            g = np.zeros(8)
            g[j] = 1
            gi = fresh()
            call("THNN_%s_updateGradInput" % op, None, T(g.reshape(a.shape)), gi, o, -1)
            np.testing.assert_allclose(npy(gi).ravel(), num[:, j], atol=1e-7)


def test_bad_inputs():
    with pytest.raises(ValueError, match="SoftMax: expected 1D, 2D, 3D or 4D input"):
        call("THNN_SoftMax_updateOutput", T(np.ones((1, 2, 3, 4, 5))), fresh(), -1)
    with pytest.raises(IndexError, match="LogSoftMax: dim 2 out of range for a 2-D input"):
        call("THNN_LogSoftMax_updateOutput", T(np.ones((2, 3))), fresh(), 2)
    with pytest.raises(TypeError, match="SoftMax: expected a float32 or float64"):
        call("THNN_SoftMax_updateOutput", P.from_numpy(np.ones((2, 3), dtype=np.int32)), fresh(), -1)
    with pytest.raises(ValueError, match="LogSoftMax: gradOutput of size \\[3 x 2\\] does not match"):
        call("THNN_LogSoftMax_updateGradInput", None, T(np.ones((3, 2))), fresh(), T(np.ones((2, 3))), -1)
    with pytest.raises(ValueError, match="SoftMax: output is NULL"):
        call("THNN_SoftMax_updateGradInput", None, T(np.ones((3, 2))), fresh(), None, -1)
