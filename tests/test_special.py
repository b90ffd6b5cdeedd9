"""pytorch_like.special against torch.special: values and gradients at ordinary and edge
values (0, 1, poles, nan, inf) in float32 and float64, out=, double backward, bad input."""
import math

import numpy as np
import pytest

import pytorch_like as P
from pytorch_like import special as S

torch = pytest.importorskip("torch")

EDGE = [0.0, -0.0, 1e-3, 0.25, 0.5, 1.0, 1.5, -0.5, -1.0, -2.0, 2.5, 7.0, 30.0, -30.0,
        math.nan, math.inf, -math.inf]
UNARY = ["digamma", "psi", "gammaln", "erf", "erfc", "expit", "logit", "exp2", "expm1", "log1p", "sinc",
         "round", "ndtr", "entr"]
DTYPES = [(P.float32, torch.float32, 2e-6), (P.float64, torch.float64, 1e-12)]


def _pair(values, ours_dt, ref_dt, requires_grad=True):
    return (P.tensor(values, dtype=ours_dt, requires_grad=requires_grad),
            torch.tensor(values, dtype=ref_dt, requires_grad=requires_grad))


def _close(a, b, tol):
    a = a.detach().numpy() if isinstance(a, P.Tensor) else np.asarray(a)
    b = b.detach().numpy()
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol, equal_nan=True)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("ours_dt,ref_dt,tol", DTYPES, ids=["float32", "float64"])
def test_unary_values_and_grads(name, ours_dt, ref_dt, tol):
    # logit's gradient at -0.0 is +inf in PyTorch's float32 kernel but -inf in its float64 one
    x, xt = _pair([abs(v) for v in EDGE] if name == "logit" else EDGE, ours_dt, ref_dt)
    y, yt = getattr(S, name)(x), getattr(torch.special, name)(xt)
    assert y.dtype == ours_dt and tuple(y.shape) == tuple(yt.shape)
    _close(y, yt, tol)
    g, = P.autograd.grad(y.sum(), x)
    gt, = torch.autograd.grad(yt.sum(), xt)
    _close(g, gt, tol)


@pytest.mark.parametrize("ours_dt,ref_dt,tol", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("eps", [None, 1e-6, 0.2, -1.0])
def test_logit_eps(ours_dt, ref_dt, tol, eps):
    vals = [0.0, 1e-7, 0.1, 0.2, 0.5, 0.8, 0.9, 1.0, -0.5, 1.5, math.nan]
    x, xt = _pair(vals, ours_dt, ref_dt)
    y, yt = S.logit(x, eps), torch.special.logit(xt, eps)
    _close(y, yt, tol)
    _close(P.autograd.grad(y.sum(), x)[0], torch.autograd.grad(yt.sum(), xt)[0], tol)


@pytest.mark.parametrize("name", ["xlogy", "xlog1py"])
@pytest.mark.parametrize("ours_dt,ref_dt,tol", DTYPES, ids=["float32", "float64"])
def test_xlogy_xlog1py_values_and_grads(name, ours_dt, ref_dt, tol):
    pts = [-1.0, 0.0, 0.5, 2.0, math.nan, math.inf, -2.0]
    xs = [a for a in pts for _ in pts]
    ys = [b for _ in pts for b in pts]
    (x, xt), (y, yt) = _pair(xs, ours_dt, ref_dt), _pair(ys, ours_dt, ref_dt)
    r, rt = getattr(S, name)(x, y), getattr(torch.special, name)(xt, yt)
    _close(r, rt, tol)
    for a, b in zip(P.autograd.grad(r.sum(), [x, y]), torch.autograd.grad(rt.sum(), [xt, yt])):
        _close(a, b, tol)


@pytest.mark.parametrize("name", ["xlogy", "xlog1py"])
def test_xlogy_numbers_and_broadcasting(name):
    f, ft = getattr(S, name), getattr(torch.special, name)
    x, xt = _pair([[0.0], [1.5], [3.0]], P.float64, torch.float64)
    y, yt = _pair([0.5, 2.0], P.float64, torch.float64)
    r, rt = f(x, y), ft(xt, yt)
    _close(r, rt, 1e-12)
    for a, b in zip(P.autograd.grad(r.sum(), [x, y]), torch.autograd.grad(rt.sum(), [xt, yt])):
        _close(a, b, 1e-12)
    _close(f(2.0, y), ft(2.0, yt), 1e-12)
    _close(f(x, 3.0), ft(xt, 3.0), 1e-12)
    _close(P.autograd.grad(f(x, 3.0).sum(), x)[0], torch.autograd.grad(ft(xt, 3.0).sum(), xt)[0], 1e-12)
    r = f(P.tensor([0, 2, 3]), P.tensor([1, 4, 0]))           # integers give the default float dtype
    assert r.dtype == P.float32
    _close(r, ft(torch.tensor([0, 2, 3]), torch.tensor([1, 4, 0])), 1e-6)


def test_integer_inputs_give_float_like_pytorch():
    for name in ["digamma", "gammaln", "erf", "erfc", "expit", "logit", "exp2", "expm1", "log1p", "sinc", "ndtr",
                 "entr"]:
        r, rt = getattr(S, name)(P.tensor([0, 1, 3])), getattr(torch.special, name)(torch.tensor([0, 1, 3]))
        assert str(r.dtype).split(".")[-1] == str(rt.dtype).split(".")[-1], name
        _close(r, rt, 1e-6)


def test_polygamma_softmax_log_softmax_logsumexp():
    x, xt = _pair([[0.3, 1.2, -2.5], [4.0, 0.5, 2.0]], P.float64, torch.float64)
    for n in range(4):
        r, rt = S.polygamma(n, x), torch.special.polygamma(n, xt)
        _close(r, rt, 1e-11)
        _close(P.autograd.grad(r.sum(), x)[0], torch.autograd.grad(rt.sum(), xt)[0], 1e-10)
    for name, args in [("softmax", (1,)), ("softmax", (0,)), ("log_softmax", (1,)), ("log_softmax", (0,)),
                       ("logsumexp", (1,)), ("logsumexp", ((0, 1),))]:
        r, rt = getattr(S, name)(x, *args), getattr(torch.special, name)(xt, *args)
        _close(r, rt, 1e-12)
        _close(P.autograd.grad((r * r).sum(), x)[0], torch.autograd.grad((rt * rt).sum(), xt)[0], 1e-12)
    r = S.softmax(P.tensor([1.0, 2.0]), 0, dtype=P.float64)
    assert r.dtype == P.float64
    _close(S.logsumexp(x, 1, keepdim=True), torch.special.logsumexp(xt, 1, keepdim=True), 1e-12)


@pytest.mark.parametrize("name", ["logit", "sinc", "entr", "ndtr", "xlogy", "xlog1py"])
def test_double_backward(name):
    vals = [0.2, 0.45, 0.7]
    x, xt = _pair(vals, P.float64, torch.float64)
    args, targs = (x,), (xt,)
    if name in ("xlogy", "xlog1py"):
        y, yt = _pair([1.5, 0.3, 2.0], P.float64, torch.float64)
        args, targs = (x, y), (xt, yt)
    g = P.autograd.grad(getattr(S, name)(*args).sum(), args, create_graph=True)
    gt = torch.autograd.grad(getattr(torch.special, name)(*targs).sum(), targs, create_graph=True)
    gg = P.autograd.grad(sum(a.sum() for a in g), args)
    ggt = torch.autograd.grad(sum(a.sum() for a in gt), targs)
    for a, b in zip(gg, ggt):
        _close(a, b, 1e-10)
    assert P.autograd.gradcheck(lambda *a: getattr(S, name)(*a), args)


@pytest.mark.parametrize("name", ["digamma", "gammaln", "erf", "erfc", "expit", "logit", "exp2", "expm1", "log1p",
                                  "sinc", "round", "ndtr", "entr", "xlogy", "xlog1py"])
def test_out(name):
    x = P.tensor([0.0, 0.3, 2.0, -1.5])
    xt = torch.tensor(x.tolist())
    args, targs = ((x, x + 1), (xt, xt + 1)) if name.startswith("xlog") else ((x,), (xt,))
    out, outt = P.empty(0), torch.empty(0)
    r = getattr(S, name)(*args, out=out)
    getattr(torch.special, name)(*targs, out=outt)
    assert r is out
    _close(out, outt, 2e-6)
    out64 = P.empty(4, dtype=P.float64)                      # a wider out is allowed, as in PyTorch
    getattr(S, name)(*args, out=out64)
    _close(out64, outt, 2e-6)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
        getattr(S, name)(*args, out=P.empty(4, dtype=P.int64))
    with pytest.raises(RuntimeError, match="out=... arguments don't support automatic differentiation"):
        getattr(S, name)(*[a.detach().requires_grad_() for a in args], out=P.empty(4))


def test_bad_input():
    for name in ["logit", "sinc", "entr", "ndtr", "softmax", "log_softmax"]:
        args = ([1.0, 2.0], 0) if "softmax" in name else ([1.0, 2.0],)
        with pytest.raises(TypeError, match=f"{name}.*'input' must be Tensor"):
            getattr(S, name)(*args)
    with pytest.raises(TypeError, match="at least one of 'input' and 'other' to be a Tensor"):
        S.xlogy(1.0, 2.0)
    with pytest.raises(TypeError, match="argument 'other' must be Tensor or Number, not str"):
        S.xlog1py(P.ones(2), "a")
    with pytest.raises(TypeError, match="argument 'eps' must be float, not str"):
        S.logit(P.ones(2), "a")
    with pytest.raises(RuntimeError, match="polygamma"):
        S.polygamma(-1, P.ones(2))
    with pytest.raises(Exception, match="size|shape|broadcast"):
        S.xlogy(P.ones(2), P.ones(3))
    with pytest.raises(IndexError, match="Dimension out of range"):
        S.softmax(P.ones(2, 2), 5)


def test_namespace():
    assert P.special is S
    for name in S.__all__:
        assert callable(getattr(S, name)) and hasattr(torch.special, name), name
    assert S.psi is S.digamma
