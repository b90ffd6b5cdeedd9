"""THNN elementwise activations (Abs ... Threshold, RReLU, PReLU) against torch.nn.functional."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like._lib import lib
from tests.thnn_util import call, fresh, npy

DTYPES = [np.float32, np.float64]


def T(a, dtype=np.float64):
    """A contiguous pytorch_like copy of a (0-D arrays stay 0-D)."""
    return P.from_numpy(np.array(a, dtype=dtype))


def tol(dt):
    return dict(rtol=1e-4, atol=1e-5) if dt == np.float32 else dict(rtol=1e-10, atol=1e-12)


# name -> (forward(x) -> (output, state), backward(x, go, output, state) -> gradInput, torch reference)
def _simple(op, *args, fromout=False, noinput=False, ip=False, bargs=None):
    def fwd(x, inplace=None):
        inplace = 0 if ip and inplace is None else inplace
        o = fresh()
        a = args + ((inplace,) if inplace is not None else ())
        call("THNN_%s_updateOutput" % op, x, o, *a)
        return o, None

    def bwd(x, go, o, st, inplace=None):
        inplace = 0 if ip and inplace is None else inplace
        gi = fresh()
        a = (args if bargs is None else bargs) + ((inplace,) if inplace is not None else ())
        if fromout:
            call("THNN_%s_updateGradInput" % op, None if noinput else x, go, gi, o, *a)
        else:
            call("THNN_%s_updateGradInput" % op, x, go, gi, *a)
        return gi
    return fwd, bwd


def _logsigmoid():
    def fwd(x):
        o, b = fresh(), fresh()
        call("THNN_LogSigmoid_updateOutput", x, o, b)
        return o, b

    def bwd(x, go, o, b):
        gi = fresh()
        call("THNN_LogSigmoid_updateGradInput", x, go, gi, b)
        return gi
    return fwd, bwd


def _softplus(beta, th):
    def fwd(x):
        o = fresh()
        call("THNN_SoftPlus_updateOutput", x, o, beta, th)
        return o, None

    def bwd(x, go, o, st):
        gi = fresh()
        call("THNN_SoftPlus_updateGradInput", x, go, gi, o, beta, th)
        return gi
    return fwd, bwd


def _elu(alpha):
    def fwd(x, inplace=0):
        o = fresh()
        call("THNN_ELU_updateOutput", x, o, alpha, inplace)
        return o, None

    def bwd(x, go, o, st, inplace=0):
        gi = fresh()
        call("THNN_ELU_updateGradInput", x, go, gi, o, alpha, inplace)
        return gi
    return fwd, bwd


def _rrelu_eval(lo, up):
    def fwd(x, inplace=0):
        o = fresh()
        call("THNN_RReLU_updateOutput", x, o, fresh(), lo, up, 0, inplace, None)
        return o, None

    def bwd(x, go, o, st, inplace=0):
        gi = fresh()
        call("THNN_RReLU_updateGradInput", x, go, gi, fresh(), lo, up, 0, inplace)
        return gi
    return fwd, bwd


def _ops(F, torch):
    return {
        "Abs": (_simple("Abs"), torch.abs, None),
        "ELU": (_elu(1.3), lambda t: F.elu(t, 1.3), None),
        "HardTanh": (_simple("HardTanh", -0.7, 1.2, ip=True), lambda t: F.hardtanh(t, -0.7, 1.2), None),
        "LeakyReLU": (_simple("LeakyReLU", 0.07, ip=True), lambda t: F.leaky_relu(t, 0.07), None),
        "LogSigmoid": (_logsigmoid(), F.logsigmoid, None),
        "Sigmoid": (_simple("Sigmoid", fromout=True), torch.sigmoid, None),
        "Tanh": (_simple("Tanh", fromout=True, noinput=True), torch.tanh, None),
        "SoftPlus": (_softplus(1.5, 4.0), lambda t: F.softplus(t, 1.5, 4.0), None),
        "SoftShrink": (_simple("SoftShrink", 0.4), lambda t: F.softshrink(t, 0.4), None),
        "HardShrink": (_simple("HardShrink", 0.4), lambda t: F.hardshrink(t, 0.4), None),
        "Sqrt": (_simple("Sqrt", 1e-3, fromout=True, bargs=()), lambda t: torch.sqrt(t + 1e-3), "positive"),
        "Square": (_simple("Square"), lambda t: t * t, None),
        "Threshold": (_simple("Threshold", 0.25, -0.5, ip=True), lambda t: F.threshold(t, 0.25, -0.5), None),
        "RReLU": (_rrelu_eval(0.1, 0.3), lambda t: F.rrelu(t, 0.1, 0.3, training=False), None),
    }


NAMES = ["Abs", "ELU", "HardTanh", "LeakyReLU", "LogSigmoid", "Sigmoid", "Tanh", "SoftPlus", "SoftShrink",
         "HardShrink", "Sqrt", "Square", "Threshold", "RReLU"]
INPLACE = {"ELU": _elu(0.8), "HardTanh": _simple("HardTanh", -0.5, 0.5, ip=True), "LeakyReLU": _simple("LeakyReLU", 0.2, ip=True),
           "Threshold": _simple("Threshold", 0.1, 0.0, ip=True), "RReLU": _rrelu_eval(0.2, 0.4)}


def _data(rng, shape, kind, dt):
    a = rng.standard_normal(shape) * 3
    if kind == "positive":
        a = np.abs(a) + 0.1
    return a.astype(dt)


def _reference(torch, tfn, a, go):
    t = torch.tensor(a.astype(np.float64), requires_grad=True)
    y = tfn(t)
    y.backward(torch.tensor(go.astype(np.float64)))
    return y.detach().numpy(), t.grad.numpy()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", [(7, 13), (2, 3, 5), (40000,), (0, 4), ()])
def test_forward_backward_vs_torch(ref_torch, rng, name, dt, shape):
    import torch.nn.functional as F
    (fwd, bwd), tfn, kind = _ops(F, ref_torch)[name]
    a = _data(rng, shape, kind, dt)
    go = rng.standard_normal(shape).astype(dt)
    x = T(a, dt)
    o, st = fwd(x)
    gi = bwd(x, T(go, dt), o, st)
    ry, rg = _reference(ref_torch, tfn, a, go)
    assert o.dtype == x.dtype and gi.dtype == x.dtype and tuple(o.shape) == shape
    np.testing.assert_allclose(npy(o), ry, **tol(dt))
    np.testing.assert_allclose(npy(gi), rg, **tol(dt))


@pytest.mark.parametrize("name", NAMES)
def test_noncontiguous_inputs(ref_torch, rng, name):
    """Transposed input and gradOutput give the same values as their contiguous copies."""
    import torch.nn.functional as F
    (fwd, bwd), tfn, kind = _ops(F, ref_torch)[name]
    a = _data(rng, (9, 6), kind, np.float64)
    go = rng.standard_normal((9, 6))
    x = T(a.T.copy()).t()
    g = T(go.T.copy()).t()
    assert not x.is_contiguous()
    o, st = fwd(x)
    gi = bwd(x, g, o, st)
    ry, rg = _reference(ref_torch, tfn, a, go)
    np.testing.assert_allclose(npy(o), ry, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(npy(gi), rg, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_aliases_input_and_gradoutput(rng, name):
    fwd, bwd = INPLACE[name]
    a = rng.standard_normal((5, 4))
    go = rng.standard_normal((5, 4))
    ref_o, _ = fwd(T(a))
    ref_gi = bwd(T(a), T(go), ref_o, None)
    x, g = T(a), T(go)
    o, _ = fwd(x, 1)
    assert o.data_ptr() == x.data_ptr()
    np.testing.assert_allclose(npy(x), npy(ref_o), rtol=1e-12)
    gi = bwd(x, g, o, None, 1)
    assert gi.data_ptr() == g.data_ptr()
    np.testing.assert_allclose(npy(g), npy(ref_gi), rtol=1e-12)


def test_float32_tanh_sigmoid_accuracy_over_wide_range():
    """The vectorised float32 exp/tanh stay within a few ulp over the whole range."""
    a = np.concatenate([np.linspace(-100, 100, 20001), np.linspace(-1e-3, 1e-3, 2001)]).astype(np.float32)
    x = T(a, np.float32)
    o = fresh()
    call("THNN_Tanh_updateOutput", x, o)
    ref = np.tanh(a.astype(np.float64))
    assert np.all(np.abs(npy(o) - ref) <= 4e-7 * np.maximum(np.abs(ref), 1e-30) + 1e-30)
    call("THNN_Sigmoid_updateOutput", x, o)
    ref = 1 / (1 + np.exp(-a.astype(np.float64)))
    np.testing.assert_allclose(npy(o), ref, rtol=5e-7, atol=1e-38)


def _jacobian_check(fwd, bwd, a, eps=1e-6):
    x = T(a)
    o, st = fwd(x)
    n = a.size
    num = np.zeros((n, n))
    for i in range(n):
        ap, am = a.copy().ravel(), a.copy().ravel()
        ap[i] += eps
        am[i] -= eps
        num[i] = (npy(fwd(T(ap.reshape(a.shape)))[0]).ravel() - npy(fwd(T(am.reshape(a.shape)))[0]).ravel()) / (2 * eps)
    ana = np.zeros((n, n))
    for j in range(n):
        go = np.zeros(n)
        go[j] = 1
        ana[:, j] = npy(bwd(x, T(go.reshape(a.shape)), o, st)).ravel()
    np.testing.assert_allclose(ana, num, atol=1e-6)


@pytest.mark.parametrize("name", ["ELU", "LogSigmoid", "Sigmoid", "Tanh", "SoftPlus", "Sqrt", "Square", "LeakyReLU"])
def test_jacobian_finite_differences(ref_torch, rng, name):
    import torch.nn.functional as F
    (fwd, bwd), _, kind = _ops(F, ref_torch)[name]
    a = _data(rng, (3, 4), kind, np.float64)
    a[np.abs(a) < 0.05] += 0.1      # keep clear of the kinks
    _jacobian_check(fwd, bwd, a)


# ---------------------------------------------------------------- RReLU training mode

def test_rrelu_train_noise_is_torch7_stream(rng):
    """Train mode draws uniform(lower, upper) for each x <= 0 in row-major order from the generator."""
    a = rng.standard_normal((6, 7))
    x = T(a)
    g1 = lib.THGenerator_new()
    g2 = lib.THGenerator_new()
    try:
        lib.THGenerator_manualSeed(g1, 123)
        lib.THGenerator_manualSeed(g2, 123)
        o, noise = fresh(), fresh()
        call("THNN_RReLU_updateOutput", x, o, noise, 0.1, 0.4, 1, 0, g1)
        expect = np.ones(a.size)
        for i, v in enumerate(a.ravel()):
            if v <= 0:
                expect[i] = lib.THRandom_uniform(g2, 0.1, 0.4)
        np.testing.assert_allclose(npy(noise).ravel(), expect, rtol=1e-15)
        np.testing.assert_allclose(npy(o), a * expect.reshape(a.shape), rtol=1e-15)
        go = rng.standard_normal(a.shape)
        gi = fresh()
        call("THNN_RReLU_updateGradInput", x, T(go), gi, noise, 0.1, 0.4, 1, 0)
        np.testing.assert_allclose(npy(gi), go * expect.reshape(a.shape), rtol=1e-15)
        # a transposed input visits its elements in its own row-major order too
        lib.THGenerator_manualSeed(g1, 7)
        lib.THGenerator_manualSeed(g2, 7)
        xt = T(a.T.copy()).t()
        call("THNN_RReLU_updateOutput", xt, o, noise, 0.1, 0.4, 1, 0, g1)
        expect = np.ones(a.size)
        for i, v in enumerate(a.ravel()):
            if v <= 0:
                expect[i] = lib.THRandom_uniform(g2, 0.1, 0.4)
        np.testing.assert_allclose(npy(noise).ravel(), expect, rtol=1e-15)
    finally:
        lib.THGenerator_free(g1)
        lib.THGenerator_free(g2)


def test_rrelu_train_inplace_float32(rng):
    a = rng.standard_normal((50,)).astype(np.float32)
    x = T(a, np.float32)
    noise = fresh()
    call("THNN_RReLU_updateOutput", x, x, noise, 0.2, 0.3, 1, 1, None)
    n = npy(noise)
    assert np.all((n == 1) == (a > 0))
    assert np.all((n[a <= 0] >= 0.2) & (n[a <= 0] <= 0.3))
    np.testing.assert_allclose(npy(x), a * n, rtol=1e-6)


# ---------------------------------------------------------------- PReLU

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape,planes", [((5,), 5), ((4, 3), 3), ((2, 3, 4, 5), 3), ((2, 3, 2, 2, 2), 3),
                                          ((3, 4), 0), ((2, 3, 4, 5), 0), ((6,), 0)])
def test_prelu_vs_torch(ref_torch, rng, dt, shape, planes):
    import torch.nn.functional as F
    a = rng.standard_normal(shape).astype(dt)
    go = rng.standard_normal(shape).astype(dt)
    w = (rng.random(max(planes, 1)) * 0.5).astype(dt)
    x, W = T(a, dt), T(w, dt)
    o, gi, gw = fresh(), fresh(), T(np.full(w.shape, 0.5), dt)
    call("THNN_PReLU_updateOutput", x, o, W, planes)
    call("THNN_PReLU_updateGradInput", x, T(go, dt), gi, W, planes)
    call("THNN_PReLU_accGradParameters", x, T(go, dt), gi, W, gw, None, None, planes, 0.5)
    lift = len(shape) == 1 and planes > 0      # Torch7's 1-D input is one sample of C channels
    tx = ref_torch.tensor((a[None] if lift else a).astype(np.float64), requires_grad=True)
    tw = ref_torch.tensor(w.astype(np.float64), requires_grad=True)
    y = F.prelu(tx, tw)
    y.backward(ref_torch.tensor((go[None] if lift else go).astype(np.float64)))
    np.testing.assert_allclose(npy(o), y.detach().numpy().reshape(shape), **tol(dt))
    np.testing.assert_allclose(npy(gi), tx.grad.numpy().reshape(shape), **tol(dt))
    np.testing.assert_allclose(npy(gw), 0.5 + 0.5 * tw.grad.numpy(), rtol=1e-4 if dt == np.float32 else 1e-10)


def test_prelu_3d_is_one_sample_of_channels(ref_torch, rng):
    """Torch7 reads a 3-D input as C x H x W (PyTorch would read N x C x L): same as the 4-D batch of one."""
    a = rng.standard_normal((3, 4, 5))
    w = rng.random(3)
    o3, o4 = fresh(), fresh()
    call("THNN_PReLU_updateOutput", T(a), o3, T(w), 3)
    call("THNN_PReLU_updateOutput", T(a[None]), o4, T(w), 3)
    np.testing.assert_array_equal(npy(o3), npy(o4)[0])


def test_prelu_batch_equals_stacked_samples(rng):
    a = rng.standard_normal((4, 3, 2, 2))
    w = rng.random(3)
    ob = fresh()
    call("THNN_PReLU_updateOutput", T(a), ob, T(w), 3)
    for i in range(4):
        o = fresh()
        call("THNN_PReLU_updateOutput", T(a[i]), o, T(w), 3)
        np.testing.assert_array_equal(npy(o), npy(ob)[i])


# ---------------------------------------------------------------- bad inputs

def test_bad_inputs_raise_named_errors():
    xi = P.from_numpy(np.arange(6, dtype=np.int64))
    with pytest.raises(TypeError, match="Threshold.*float32 or float64"):
        call("THNN_Threshold_updateOutput", xi, fresh(), 0.0, 0.0, 0)
    x = T(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Tanh: output of size \\[2 x 3\\] does not match gradOutput of size \\[3 x 2\\]"):
        call("THNN_Tanh_updateGradInput", None, T(np.ones((3, 2))), fresh(), x)
    with pytest.raises(TypeError, match="Sigmoid: output has dtype float32"):
        call("THNN_Sigmoid_updateGradInput", None, x, fresh(), T(np.ones((2, 3)), np.float32))
    with pytest.raises(ValueError, match="Threshold: in-place.*val"):
        call("THNN_Threshold_updateOutput", x, fresh(), 0.0, 1.0, 1)
    with pytest.raises(ValueError, match="HardTanh: min_val"):
        call("THNN_HardTanh_updateOutput", x, fresh(), 1.0, -1.0, 0)
    with pytest.raises(ValueError, match="LeakyReLU: in-place.*negval"):
        call("THNN_LeakyReLU_updateOutput", x, fresh(), -0.5, 1)
    with pytest.raises(ValueError, match="RReLU: lower"):
        call("THNN_RReLU_updateOutput", x, fresh(), fresh(), 0.5, 0.1, 1, 0, None)
    with pytest.raises(ValueError, match="RReLU: noise is NULL"):
        call("THNN_RReLU_updateOutput", x, fresh(), None, 0.1, 0.5, 1, 0, None)
    with pytest.raises(ValueError, match="SoftPlus: beta"):
        call("THNN_SoftPlus_updateOutput", x, fresh(), 0.0, 20.0)
    with pytest.raises(ValueError, match="LogSigmoid: buffer is NULL"):
        call("THNN_LogSigmoid_updateOutput", x, fresh(), None)
    with pytest.raises(TypeError, match="Abs: output has dtype int64"):
        call("THNN_Abs_updateOutput", x, P.from_numpy(np.zeros((2, 3), dtype=np.int64)))
    with pytest.raises(ValueError, match="PReLU: weight has 2 elements, expected nOutputPlane = 3"):
        call("THNN_PReLU_updateOutput", T(np.ones((2, 3))), fresh(), T(np.ones(2)), 3)
    with pytest.raises(ValueError, match="PReLU: expected input of size 4 at dimension 1"):
        call("THNN_PReLU_updateOutput", T(np.ones((2, 3))), fresh(), T(np.ones(4)), 4)
    with pytest.raises(ValueError, match="PReLU: a shared slope"):
        call("THNN_PReLU_updateOutput", T(np.ones((2, 3))), fresh(), T(np.ones(3)), 0)
    with pytest.raises(TypeError, match="PReLU: weight has dtype float32"):
        call("THNN_PReLU_updateOutput", T(np.ones((2, 3))), fresh(), T(np.ones(3), np.float32), 3)


def test_output_aliasing_input_with_other_layout_is_safe(rng):
    """out is a transposed view of input: the result is computed through a temporary."""
    a = rng.standard_normal((4, 4))
    x = T(a)
    out = x.t()
    call("THNN_Square_updateOutput", x, out)
    np.testing.assert_allclose(npy(x).T, a * a)


@pytest.mark.parametrize("dt", DTYPES)
def test_nan_and_inf_propagate(dt):
    a = np.array([np.nan, np.inf, -np.inf, 0.0], dtype=dt)
    x = T(a, dt)
    o = fresh()
    call("THNN_Tanh_updateOutput", x, o)
    np.testing.assert_array_equal(npy(o), np.array([np.nan, 1, -1, 0], dtype=dt))
    call("THNN_Sigmoid_updateOutput", x, o)
    np.testing.assert_array_equal(npy(o), np.array([np.nan, 1, 0, 0.5], dtype=dt))
    call("THNN_Threshold_updateOutput", x, o, 0.0, 0.0, 0)
    np.testing.assert_array_equal(npy(o), np.array([0, np.inf, 0, 0], dtype=dt))   # NaN > 0 is false, as THNN


def test_prelu_into_noncontiguous_output(rng):
    """An existing transposed output of the right shape is filled correctly."""
    a = rng.standard_normal((3, 4))
    w = rng.random(4)
    out = T(np.zeros((4, 3))).t()
    call("THNN_PReLU_updateOutput", T(a), out, T(w), 4)
    np.testing.assert_allclose(npy(out), np.where(a > 0, a, a * w), rtol=1e-15)
    gi = T(np.zeros((4, 3))).t()
    call("THNN_PReLU_updateGradInput", T(a), T(np.ones((3, 4))), gi, T(w), 4)
    np.testing.assert_allclose(npy(gi), np.where(a > 0, 1.0, w + 0 * a), rtol=1e-15)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("th", [0.0, 0.3, -1.5])
@pytest.mark.parametrize("inplace", [0, 1])
def test_threshold_equal_val_matches_select(rng, dt, th, inplace):
    """val == threshold (ReLU) has its own kernel: it must keep x > th ? x : val exactly, NaN and
    -0.0 included, on the vector path (long runs), the strided path and in place."""
    a = (rng.standard_normal(1000) * 2).astype(dt)
    a[::7] = np.nan
    a[1::11] = np.inf
    a[2::13] = -np.inf
    a[3::17] = -0.0
    a[4::19] = th
    want = np.where(a > th, a, dt(th))
    x = T(a, dt)
    o = fresh()
    call("THNN_Threshold_updateOutput", x, o, th, th, inplace)
    got = npy(x if inplace else o)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))
    xs = T(np.stack([a, -a]), dt).t()     # strided input
    o = fresh()
    call("THNN_Threshold_updateOutput", xs, o, th, th, 0)
    np.testing.assert_array_equal(npy(o), np.where(np.stack([a, -a]).T > th, np.stack([a, -a]).T, dt(th)))
