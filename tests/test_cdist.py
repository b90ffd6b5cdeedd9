"""cdist against real PyTorch: every p and compute mode (matrix-product and norm paths), batch
broadcasting, layouts, the blocked path, gradients (values and gradcheck), and bad inputs."""
import math

import numpy as np
import pytest

import pytorch_like as P
from pytorch_like._ops import distance
from pytorch_like.autograd import gradcheck
from tests.torch_pairs import LAYOUTS, assert_grads_match, assert_same, pair

torch = pytest.importorskip("torch")
R = np.random.default_rng(3)
PS = [0, 0.5, 1, 1.5, 2, 3, math.inf]
MODES = ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"]


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("s1,s2", [((5, 3), (4, 3)), ((30, 3), (40, 3)), ((2, 1, 6, 3), (4, 7, 3)), ((1, 3), (1, 3)),
                                   ((0, 3), (4, 3)), ((3, 0), (2, 0))])
def test_cdist_values(p, mode, s1, s2):
    a, ta = pair(torch, R.standard_normal(s1))
    b, tb = pair(torch, R.standard_normal(s2))
    assert_same(P.cdist(a, b, p, mode), torch.cdist(ta, tb, p, mode), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("p", [1, 2, math.inf])
def test_cdist_layouts_float32(layout, p):
    a, ta = pair(torch, R.standard_normal((40, 8)).astype(np.float32), layout)
    b, tb = pair(torch, R.standard_normal((30, 8)).astype(np.float32), "transposed")
    assert_same(P.cdist(a, b, p), torch.cdist(ta, tb, p), rtol=1e-4, atol=1e-4)


def test_cdist_blocked_path(monkeypatch):
    monkeypatch.setattr(distance, "BLOCK_ELEMENTS", 64)     # many row blocks
    a, ta = pair(torch, R.standard_normal((2, 13, 4)))
    b, tb = pair(torch, R.standard_normal((2, 9, 4)))
    for p in (0.5, 1, 3):
        assert_same(P.cdist(a, b, p), torch.cdist(ta, tb, p), rtol=1e-10, atol=1e-10)
        assert_grads_match(torch, lambda L, x, y: L.cdist(x, y, p), [a.numpy(), b.numpy()])


def test_cdist_identical_points():
    x = R.standard_normal((4, 3))
    a, ta = pair(torch, x)
    assert_same(P.cdist(a, a), torch.cdist(ta, ta), rtol=1e-7, atol=1e-7)
    # zero distances: PyTorch's backward gives 0 there, not nan
    xs = P.tensor(x).requires_grad_()
    P.cdist(xs, xs.detach(), compute_mode="donot_use_mm_for_euclid_dist").sum().backward()
    assert np.isfinite(xs.grad.numpy()).all()


@pytest.mark.parametrize("p", [0, 0.5, 1, 1.5, 2, 3, math.inf])
@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"])
def test_cdist_grads(p, mode):
    assert_grads_match(torch, lambda L, x, y: L.cdist(x, y, p, mode), [R.standard_normal((5, 3)),
                                                                       R.standard_normal((4, 3))], rtol=1e-6, atol=1e-8)
    assert_grads_match(torch, lambda L, x, y: L.cdist(x, y, p, mode), [R.standard_normal((2, 1, 3, 2)),
                                                                       R.standard_normal((3, 4, 2))], rtol=1e-6,
                       atol=1e-8)
    if p != 0:
        x = P.tensor(R.standard_normal((3, 2))).requires_grad_()
        y = P.tensor(R.standard_normal((4, 2))).requires_grad_()
        assert gradcheck(lambda a, b: P.cdist(a, b, p, mode), (x, y))


@pytest.mark.parametrize("args,kw,exc,msg", [
    (((4,), (5, 4)), {}, RuntimeError, "cdist only supports at least 2D tensors, X1 got: 1D"),
    (((3, 4), (5,)), {}, RuntimeError, "cdist only supports at least 2D tensors, X2 got: 1D"),
    (((3, 4), (5, 3)), {}, RuntimeError, "X1 and X2 must have the same number of columns. X1: 4 X2: 3"),
    (((3, 4), (5, 4)), {"p": -1}, RuntimeError, "cdist only supports non-negative p values"),
    (((3, 4), (5, 4)), {"p": "two"}, TypeError, "argument 'p'"),
    (((3, 4), (5, 4)), {"compute_mode": "foo"}, ValueError, "foo is not a valid value for compute_mode"),
    (((2, 3, 4), (3, 5, 4)), {}, RuntimeError, "size"),
])
def test_cdist_errors(args, kw, exc, msg):
    a, b = (P.randn(*s) for s in args)
    with pytest.raises(exc, match=msg):
        P.cdist(a, b, **kw)


def test_cdist_dtype_errors():
    with pytest.raises(RuntimeError, match="cdist only supports floating-point dtypes, X1 got: Long"):
        P.cdist(P.ones(2, 3, dtype=P.int64), P.ones(2, 3, dtype=P.int64))
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Double"):
        P.cdist(P.randn(2, 3), P.randn(2, 3, dtype=P.float64))
    with pytest.raises(TypeError, match="argument 'x2'"):
        P.cdist(P.randn(2, 3), [[1.0, 2.0, 3.0]])
    with pytest.raises(NotImplementedError, match="\"cdist\" not implemented for 'Half'"):
        P.cdist(P.randn(2, 3).half(), P.randn(2, 3).half())


@pytest.mark.parametrize("p", [0, 1, 1.5, 3, math.inf])
def test_cdist_large_norm_path(p):
    # big enough for the engine to split the output across threads
    a, ta = pair(torch, R.standard_normal((2, 150, 16)).astype(np.float32))
    b, tb = pair(torch, R.standard_normal((2, 170, 16)).astype(np.float32), "transposed")
    assert_same(P.cdist(a, b, p), torch.cdist(ta, tb, p), rtol=2e-5, atol=2e-5)


def test_cdist_kernel_checks():
    from pytorch_like._lib import lib
    from pytorch_like.tensor import _finish, _new_out
    for x1, x2, exc, msg in [(P.randn(2, 3), P.randn(1, 2, 3), ValueError, "expected 3-D"),
                             (P.randn(1, 2, 3), P.randn(1, 2, 3, dtype=P.float64), TypeError, "two float32 or two"),
                             (P.randn(1, 2, 3), P.randn(2, 2, 3), ValueError, "same batch size")]:
        o = _new_out()
        with pytest.raises(exc, match=msg):
            _finish(o, lib.THTensor_cdist(o, x1._t, x2._t, 1.0))
    o = _new_out()
    with pytest.raises(ValueError, match="non-negative p"):
        _finish(o, lib.THTensor_cdist(o, P.randn(1, 2, 3)._t, P.randn(1, 2, 3)._t, -1.0))
