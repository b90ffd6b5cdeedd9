"""diff, trapezoid/trapz, cumulative_trapezoid against real PyTorch: values on shapes, layouts and
dtypes, prepend/append, sample points x and spacing dx, gradients, and bad inputs."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like.autograd import gradcheck
from tests.torch_pairs import LAYOUTS, assert_grads_match, assert_same, pair

torch = pytest.importorskip("torch")
R = np.random.default_rng(4)


def _arr(shape, dtype=np.float64):
    if dtype == np.bool_:
        return R.integers(0, 2, shape).astype(bool)
    if np.issubdtype(dtype, np.integer):
        return R.integers(-5, 6, shape).astype(dtype)
    return R.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int16, np.uint8, np.bool_])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_diff_values(dtype, layout):
    a, ta = pair(torch, _arr((4, 6), dtype), layout)
    for n in (0, 1, 2, 5, 7):
        for dim in (0, 1, -1):
            assert_same(P.diff(a, n, dim), torch.diff(ta, n, dim), rtol=1e-6, atol=1e-6)
    assert_same(a.diff(), ta.diff())
    if dtype != np.bool_:
        out, tout = P.empty(0, dtype=a.dtype), torch.empty(0, dtype=ta.dtype)
        assert P.diff(a, 2, 0, out=out) is out
        assert_same(out, torch.diff(ta, 2, 0, out=tout))


def test_diff_prepend_append():
    a, ta = pair(torch, _arr((3, 4)))
    p, tp = pair(torch, _arr((3, 2)))
    q, tq = pair(torch, _arr((3, 1)))
    for n in (0, 1, 3):
        assert_same(P.diff(a, n, 1, prepend=p), torch.diff(ta, n, 1, prepend=tp))
        assert_same(P.diff(a, n, 1, append=q), torch.diff(ta, n, 1, append=tq))
        assert_same(P.diff(a, n, 1, p, q), torch.diff(ta, n, 1, tp, tq))
    assert_grads_match(torch, lambda L, x, y, z: L.diff(x, 2, 1, y, z), [_arr((3, 4)), _arr((3, 2)), _arr((3, 1))])
    x = P.tensor(_arr((3, 5))).requires_grad_()
    assert gradcheck(lambda t: P.diff(t, 2, 0), (x,))


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: P.diff(P.tensor(1.0)), RuntimeError, "diff expects input to be at least one-dimensional"),
    (lambda: P.diff(P.randn(3), -1), RuntimeError, "order must be non-negative but got -1"),
    (lambda: P.diff(P.randn(2, 3), prepend=P.randn(3)), RuntimeError,
     "diff expects prepend or append to be the same dimension as input"),
    (lambda: P.diff(P.randn(2, 3), append=P.randn(3, 3)), RuntimeError,
     r"input.size\(0\) = 2, but got tensor.size\(0\) = 3"),
    (lambda: P.diff(P.randn(2, 3), dim=2), IndexError, "Dimension out of range"),
    (lambda: P.diff([1, 2]), TypeError, "must be Tensor"),
])
def test_diff_errors(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_trapezoid_values(name, layout, dtype):
    y, ty = pair(torch, _arr((3, 5), dtype), layout)
    f, tf = getattr(P, name), getattr(torch, name)
    for dim in (0, 1, -1):
        assert_same(f(y, dim=dim), tf(ty, dim=dim), rtol=1e-6, atol=1e-6)
        assert_same(f(y, dx=0.5, dim=dim), tf(ty, dx=0.5, dim=dim), rtol=1e-6, atol=1e-6)
        n = y.shape[dim]
        x, tx = pair(torch, np.sort(_arr((n,))))
        assert_same(f(y, x, dim=dim), tf(ty, tx, dim=dim), rtol=1e-6, atol=1e-6)
    xf, txf = pair(torch, np.cumsum(R.random((3, 5)), 1))
    assert_same(f(y, xf), tf(ty, txf), rtol=1e-6, atol=1e-6)
    xb, txb = pair(torch, np.cumsum(R.random(5)).reshape(1, 5))
    assert_same(f(y, xb), tf(ty, txb), rtol=1e-6, atol=1e-6)


def test_trapezoid_empty_grads_errors():
    e, te = pair(torch, np.zeros((2, 0)))
    assert_same(P.trapezoid(e), torch.trapezoid(te))
    assert_same(P.cumulative_trapezoid(e), torch.cumulative_trapezoid(te))
    for name in ("trapezoid", "cumulative_trapezoid"):
        assert_grads_match(torch, lambda L, t, x: getattr(L, name)(t, x, dim=0), [_arr((4, 3)), np.sort(_arr((4,)))])
        assert_grads_match(torch, lambda L, t: getattr(L, name)(t, dx=0.3), [_arr((2, 5))])
    y = P.tensor(_arr((2, 4))).requires_grad_()
    x = P.tensor(np.sort(_arr((4,)))).requires_grad_()
    assert gradcheck(lambda a, b: P.trapezoid(a, b), (y, x))
    with pytest.raises(RuntimeError, match="trapezoid: There must be one `x` value for each sample point"):
        P.trapezoid(P.randn(2, 3), P.randn(2))
    with pytest.raises(RuntimeError, match="cumulative_trapezoid: There must be one `x` value for each sample point"):
        P.cumulative_trapezoid(P.randn(2, 3), P.randn(4))
    with pytest.raises(IndexError, match="Dimension out of range"):
        P.trapezoid(P.randn(2, 3), dim=3)
    with pytest.raises(RuntimeError, match="received a bool input for `y`, but bool is not supported"):
        P.trapezoid(P.ones(3, dtype=P.bool))
    with pytest.raises(TypeError, match="x and dx are exclusive"):
        P.trapezoid(P.randn(3), P.randn(3), dx=2)
    with pytest.raises(RuntimeError, match="we only support dx as a real number"):
        P.trapz(P.randn(3), dx="1")
