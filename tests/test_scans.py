"""cummax, cummin, logcumsumexp (C scans), logaddexp, logaddexp2 (C binary kernels) and nanmean
against real PyTorch: values on many shapes, layouts and dtypes (NaN and ties included), out=,
gradients, and bad inputs."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like.autograd import gradcheck
from tests.torch_pairs import LAYOUTS, assert_grads_match, assert_same, pair

torch = pytest.importorskip("torch")
R = np.random.default_rng(5)
DTYPES = [np.float32, np.float64, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]


def _arr(shape, dtype=np.float64, ties=False, nans=False):
    if dtype == np.bool_:
        return R.integers(0, 2, shape).astype(bool)
    if np.issubdtype(dtype, np.integer) or ties:
        a = R.integers(0 if dtype == np.uint8 else -4, 5, shape).astype(dtype)
    else:
        a = R.standard_normal(shape).astype(dtype)
    if nans and a.size:
        a.reshape(-1)[R.integers(0, a.size, max(1, a.size // 5))] = np.nan
    return a


SHAPES = [(7,), (3, 5), (2, 3, 4), (4, 1), (0,), (2, 0, 3), ()]


# ---------------------------------------------------------------------- cummax / cummin

@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_cummax_cummin_values(name, dtype, shape):
    a, ta = pair(torch, _arr(shape, dtype, ties=True))
    for dim in range(-max(len(shape), 1), max(len(shape), 1)):
        r, e = getattr(P, name)(a, dim), getattr(torch, name)(ta, dim)
        assert_same((r.values, r.indices), (e.values, e.indices), rtol=0, atol=0)
        assert type(r).__name__ == name


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_cummax_cummin_nan_ties_layouts(name, layout):
    a, ta = pair(torch, _arr((6, 9), ties=True, nans=True), layout)
    for dim in (0, 1):
        r, e = getattr(a, name)(dim), getattr(ta, name)(dim)
        assert_same(tuple(r), tuple(e), rtol=0, atol=0)


def test_cummax_float16_and_out():
    a, ta = pair(torch, _arr((4, 5), np.float16, ties=True))
    assert_same(tuple(P.cummax(a, 1)), tuple(torch.cummax(ta, 1)), rtol=0, atol=0)
    x, tx = pair(torch, _arr((4, 5)))
    v, i = P.empty(0, dtype=P.float64), P.empty(0, dtype=P.int64)
    tv, ti = torch.empty(0, dtype=torch.float64), torch.empty(0, dtype=torch.int64)
    r = P.cummin(x, 0, out=(v, i))
    assert r.values is v and r.indices is i
    torch.cummin(tx, 0, out=(tv, ti))
    assert_same((v, i), (tv, ti), rtol=0, atol=0)
    # writing the values over the input (same layout) is fine: each element is read before written
    y = x.clone()
    P.cummax(y, 1, out=(y, i))
    assert_same(y, torch.cummax(tx, 1).values, rtol=0, atol=0)


def test_cummax_large_scan():
    a, ta = pair(torch, _arr((100_003,), np.float32))
    assert_same(tuple(P.cummax(a, 0)), tuple(torch.cummax(ta, 0)), rtol=0, atol=0)
    b, tb = pair(torch, _arr((300, 400), np.float32), "transposed")
    assert_same(tuple(P.cummin(b, 0)), tuple(torch.cummin(tb, 0)), rtol=0, atol=0)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin_grads(name):
    data = _arr((4, 6), ties=True)   # ties: the gradient goes to the index PyTorch reports
    for dim in (0, 1):
        assert_grads_match(torch, lambda L, x: getattr(L, name)(x, dim).values, [data])
    x = P.tensor(_arr((3, 4))).requires_grad_()
    assert gradcheck(lambda t: getattr(P, name)(t, 1).values, (x,))
    s = P.tensor(2.0, dtype=P.float64, requires_grad=True)
    getattr(P, name)(s, 0).values.backward()
    assert s.grad.item() == 1.0


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin_errors(name):
    a = P.randn(2, 3)
    with pytest.raises(IndexError, match="Dimension out of range"):
        getattr(P, name)(a, 2)
    with pytest.raises(TypeError, match="must be Tensor"):
        getattr(P, name)([1.0, 2.0], 0)
    with pytest.raises(TypeError, match="'dim' must be int"):
        getattr(P, name)(a, 0.5)
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype Long"):
        getattr(P, name)(a, 0, out=(P.empty(0), P.empty(0, dtype=P.int32)))
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype Float, but got Double"):
        getattr(P, name)(a, 0, out=(P.empty(0, dtype=P.float64), P.empty(0, dtype=P.int64)))
    with pytest.raises(TypeError, match="tuple of two Tensors"):
        getattr(P, name)(a, 0, out=P.empty(0))
    v = P.empty(2, 3, dtype=P.int64)
    with pytest.raises(RuntimeError):
        getattr(P, name)(a.long(), 0, out=(v, v))


# ---------------------------------------------------------------------- logcumsumexp

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
def test_logcumsumexp_values(dtype, shape):
    a, ta = pair(torch, _arr(shape, dtype) * 30)
    for dim in range(-max(len(shape), 1), max(len(shape), 1)):
        assert_same(P.logcumsumexp(a, dim), torch.logcumsumexp(ta, dim), rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_logcumsumexp_special_values_layouts(layout):
    x = _arr((5, 8))
    x[0, 2] = np.inf
    x[1, :3] = -np.inf
    x[2, 4] = np.nan
    x[3, 1:3] = np.inf
    a, ta = pair(torch, x, layout)
    for dim in (0, 1):
        assert_same(a.logcumsumexp(dim), ta.logcumsumexp(dim), rtol=1e-12, atol=1e-12)


def test_logcumsumexp_out_grads_errors():
    a, ta = pair(torch, _arr((3, 4)))
    out, tout = P.empty(0, dtype=P.float64), torch.empty(0, dtype=torch.float64)
    assert P.logcumsumexp(a, 1, out=out) is out
    assert_same(out, torch.logcumsumexp(ta, 1, out=tout))
    f16, tf16 = pair(torch, _arr((3, 4), np.float16))
    assert_same(P.logcumsumexp(f16, 1), torch.logcumsumexp(tf16, 1), rtol=1e-3, atol=1e-3)
    for dim in (0, 1):
        assert_grads_match(torch, lambda L, x: L.logcumsumexp(x, dim), [_arr((3, 5)) * 3])
    x = P.tensor(_arr((3, 4))).requires_grad_()
    assert gradcheck(lambda t: P.logcumsumexp(t, 0), (x,))
    with pytest.raises(NotImplementedError, match="\"logcumsumexp_out_cpu\" not implemented for 'Long'"):
        P.logcumsumexp(P.tensor([1, 2]), 0)
    with pytest.raises(NotImplementedError):
        torch.logcumsumexp(torch.tensor([1, 2]), 0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        P.logcumsumexp(a, 3)
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype"):
        P.logcumsumexp(a, 0, out=P.empty(0))


# ---------------------------------------------------------------------- logaddexp / logaddexp2

@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shapes", [((1000,), (1000,)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (5,)), ((0,), (1,))])
def test_logaddexp_values(name, dtype, shapes):
    a, ta = pair(torch, _arr(shapes[0], dtype) * 40)
    b, tb = pair(torch, _arr(shapes[1], dtype) * 40)
    assert_same(getattr(P, name)(a, b), getattr(torch, name)(ta, tb), rtol=2e-6, atol=1e-6)
    assert_same(getattr(a, name)(b), getattr(ta, name)(tb), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_logaddexp_special_values_layouts(name, layout):
    vals = np.array([0.0, 1e-30, -1e-30, 1.0, -1.0, 20.0, -20.0, 88.0, -100.0, 1e30, -1e30, np.inf, -np.inf,
                     np.nan], dtype=np.float32)
    x = np.repeat(vals[:, None], len(vals), 1)
    a, ta = pair(torch, x, layout)
    b, tb = pair(torch, np.ascontiguousarray(x.T), "contiguous")
    assert_same(getattr(P, name)(a, b), getattr(torch, name)(ta, tb), rtol=2e-6, atol=1e-7)   # torch rounds -1 (+) -1 in base 2 to -1e-8
    a64, ta64 = pair(torch, x.astype(np.float64), layout)
    assert_same(getattr(P, name)(a64, b.double()), getattr(torch, name)(ta64, tb.double()), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2"])
def test_logaddexp_promotion_out_grads_errors(name):
    f, tf = pair(torch, _arr((3,), np.float32))
    i, ti = pair(torch, _arr((3,), np.int64))
    assert_same(getattr(P, name)(f, i), getattr(torch, name)(tf, ti))
    out, tout = P.empty(0, dtype=P.float64), torch.empty(0, dtype=torch.float64)
    assert getattr(P, name)(f.double(), f.double(), out=out) is out
    assert_same(out, getattr(torch, name)(tf.double(), tf.double(), out=tout))
    assert_grads_match(torch, lambda L, x, y: getattr(L, name)(x, y), [_arr((3, 4)), _arr((4,))])
    x, y = P.tensor(_arr((2, 3))).requires_grad_(), P.tensor(_arr((2, 3))).requires_grad_()
    assert gradcheck(getattr(P, name), (x, y))
    with pytest.raises(NotImplementedError, match=f"\"{name}_cpu\" not implemented for 'Long'"):
        getattr(P, name)(i, i)
    with pytest.raises(NotImplementedError):
        getattr(torch, name)(ti, ti)
    with pytest.raises(TypeError, match="argument 'other'"):
        getattr(P, name)(f, 1.0)
    with pytest.raises(RuntimeError):
        getattr(P, name)(P.randn(2), P.randn(3))


# ---------------------------------------------------------------------- nanmean

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dim,keepdim", [(None, False), (None, True), (0, False), (1, True), ((0, 1), False),
                                         (-1, False), ([], False)])
def test_nanmean_values(layout, dim, keepdim):
    x = _arr((4, 5), nans=True)
    x[2, :] = np.nan
    a, ta = pair(torch, x, layout)
    assert_same(P.nanmean(a, dim, keepdim), torch.nanmean(ta, dim, keepdim), rtol=1e-12, atol=1e-12)
    assert_same(a.nanmean(dim, keepdim), ta.nanmean(dim, keepdim), rtol=1e-12, atol=1e-12)


def test_nanmean_dtype_out_grads_errors():
    a, ta = pair(torch, _arr((3, 4), np.float32, nans=True))
    assert_same(P.nanmean(a, 1, dtype=P.float64), torch.nanmean(ta, 1, dtype=torch.float64), rtol=1e-6)
    out, tout = P.empty(0), torch.empty(0)
    assert P.nanmean(a, 0, out=out) is out
    assert_same(out, torch.nanmean(ta, 0, out=tout), rtol=1e-6)
    data = _arr((3, 4), nans=True)
    assert_grads_match(torch, lambda L, x: L.nanmean(x, 1), [data])
    with pytest.raises(RuntimeError, match="nanmean\\(\\): expected input to have floating point or complex dtype "
                                           "but got Long"):
        P.nanmean(P.tensor([1, 2]))
    with pytest.raises(IndexError, match="Dimension out of range"):
        P.nanmean(a, 2)


def test_double_backward():
    from pytorch_like.autograd import gradgradcheck
    x = P.tensor(_arr((3, 4))).requires_grad_()
    y = P.tensor(_arr((3, 4))).requires_grad_()
    assert gradgradcheck(P.logaddexp, (x, y))
    assert gradgradcheck(P.logaddexp2, (x, y))
    assert gradgradcheck(lambda t: P.logcumsumexp(t, 1), (x,))
    assert gradgradcheck(lambda t: P.cummax(t, 1).values, (x,))
    assert gradgradcheck(lambda t: P.cdist(t, y, 1.5), (x,))
    assert gradgradcheck(lambda t: P.cdist(t, y), (x,))
