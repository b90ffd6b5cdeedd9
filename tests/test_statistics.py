"""cov, corrcoef, quantile, nanquantile, bincount, bucketize, unique_consecutive against real
PyTorch: values on shapes, layouts and dtypes, weights, every interpolation, out=, gradients,
and bad inputs."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like.autograd import gradcheck
from tests.torch_pairs import LAYOUTS, assert_grads_match, assert_same, pair

torch = pytest.importorskip("torch")
R = np.random.default_rng(9)


# ---------------------------------------------------------------------- cov / corrcoef

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("shape", [(3, 7), (7,), (1, 5), (4, 2)])
def test_cov_corrcoef_values(layout, dtype, shape):
    x = (R.standard_normal(shape) * 3).astype(dtype)
    a, ta = pair(torch, x, layout)
    for corr in (0, 1, 2):
        assert_same(P.cov(a, correction=corr), torch.cov(ta, correction=corr), rtol=1e-5, atol=1e-5)
    assert_same(a.cov(), ta.cov(), rtol=1e-5, atol=1e-5)
    if layout == "expanded" and len(shape) == 1:
        return      # constant data: a zero variance (or PyTorch's rounding residue) makes corrcoef 0/0
    assert_same(P.corrcoef(a), torch.corrcoef(ta), rtol=1e-5, atol=1e-5)
    assert_same(a.corrcoef(), ta.corrcoef(), rtol=1e-5, atol=1e-5)


def test_cov_weights():
    a, ta = pair(torch, R.standard_normal((3, 6)))
    fw, tfw = pair(torch, R.integers(0, 4, 6))
    aw, taw = pair(torch, R.random(6))
    for kw, tkw in [({"fweights": fw}, {"fweights": tfw}), ({"aweights": aw}, {"aweights": taw}),
                    ({"fweights": fw, "aweights": aw}, {"fweights": tfw, "aweights": taw})]:
        for corr in (0, 1):
            assert_same(P.cov(a, correction=corr, **kw), torch.cov(ta, correction=corr, **tkw), rtol=1e-10, atol=1e-12)


def test_cov_corrcoef_grads():
    assert_grads_match(torch, lambda L, x: L.cov(x), [R.standard_normal((3, 5))])
    assert_grads_match(torch, lambda L, x, w: L.cov(x, aweights=w), [R.standard_normal((3, 5)), R.random(5) + 0.5])
    assert_grads_match(torch, lambda L, x: L.corrcoef(x), [R.standard_normal((3, 6))])
    x = P.tensor(R.standard_normal((2, 4))).requires_grad_()
    assert gradcheck(P.cov, (x,))
    assert gradcheck(P.corrcoef, (x,))


def test_cov_degenerate():
    a, ta = pair(torch, R.standard_normal((2, 1)))
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        r = P.cov(a)
    assert_same(r, torch.cov(ta))
    c, tc = pair(torch, np.ones(4))
    assert_same(P.corrcoef(c), torch.corrcoef(tc))


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: P.cov(P.randn(2, 3, 4)), RuntimeError, "expected input to have two or fewer dimensions"),
    (lambda: P.cov(P.ones(3, dtype=P.bool)), RuntimeError, "bool dtype is not supported"),
    (lambda: P.cov(P.randn(2, 3), fweights=P.tensor([1.0, 2.0, 3.0])), RuntimeError,
     "expected fweights to have integral dtype"),
    (lambda: P.cov(P.randn(2, 3), fweights=P.tensor([1, 2])), RuntimeError,
     "expected fweights to have the same numel as there are observations in the input but got 2 != 3"),
    (lambda: P.cov(P.randn(2, 3), fweights=P.tensor([1, -2, 1])), RuntimeError, "fweights cannot be negative"),
    (lambda: P.cov(P.randn(2, 3), aweights=P.tensor([1, 2, 3])), RuntimeError,
     "expected aweights to have floating point dtype"),
    (lambda: P.cov(P.randn(2, 3), aweights=P.ones(3, 1)), RuntimeError,
     "expected aweights to have one or fewer dimensions"),
    (lambda: P.cov(P.randn(2, 3), aweights=P.zeros(3)), RuntimeError, "weights sum to zero"),
    (lambda: P.cov([1.0, 2.0]), TypeError, "must be Tensor"),
    (lambda: P.corrcoef(P.randn(2, 3, 4)), RuntimeError, "expected input to have two or fewer dimensions"),
])
def test_cov_errors(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


# ---------------------------------------------------------------------- quantile / nanquantile

INTERPOLATIONS = ["linear", "lower", "higher", "midpoint", "nearest"]


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_quantile_values(name, interpolation, dtype):
    x = R.standard_normal((3, 7)).astype(dtype)
    xn = x.copy()
    xn[0, 2] = np.nan
    xn[2, :] = np.nan
    for data in (x, xn):
        for layout in ("contiguous", "transposed"):
            a, ta = pair(torch, data, layout)
            for q in (0.0, 0.3, 0.5, 1.0, np.array([0.1, 0.5, 0.9], dtype=dtype), np.array(0.25, dtype=dtype)):
                qa, qt = (P.tensor(q), torch.tensor(q)) if isinstance(q, np.ndarray) else (q, q)
                for dim in (None, 0, 1, -1):
                    for keepdim in (False, True):
                        r = getattr(P, name)(a, qa, dim, keepdim, interpolation=interpolation)
                        e = getattr(torch, name)(ta, qt, dim, keepdim, interpolation=interpolation)
                        assert_same(r, e, rtol=1e-6, atol=1e-6)


def test_quantile_shapes_out_method():
    a, ta = pair(torch, R.standard_normal((2, 3, 4)))
    q, tq = P.tensor([0.2, 0.8], dtype=P.float64), torch.tensor([0.2, 0.8], dtype=torch.float64)
    assert_same(a.quantile(q, 1, True), ta.quantile(tq, 1, True))
    assert_same(a.nanquantile(0.4), ta.nanquantile(0.4))
    s, ts = pair(torch, np.array(1.5))
    assert_same(P.quantile(s, 0.5), torch.quantile(ts, 0.5))
    out, tout = P.empty(0, dtype=P.float64), torch.empty(0, dtype=torch.float64)
    assert P.quantile(a, q, 2, out=out) is out
    assert_same(out, torch.quantile(ta, tq, 2, out=tout))


def test_quantile_grads():
    for interp in INTERPOLATIONS:
        assert_grads_match(torch, lambda L, x: L.quantile(x, L.tensor([0.25, 0.6], dtype=L.float64), 1,
                                                           interpolation=interp), [R.standard_normal((3, 6))])
    x = R.standard_normal((3, 6))
    x[1, 2] = np.nan
    assert_grads_match(torch, lambda L, t: L.nanquantile(t, 0.4, 1), [x])
    xs = P.tensor(R.standard_normal((2, 5))).requires_grad_()
    assert gradcheck(lambda t: P.quantile(t, 0.3, 1), (xs,))


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: P.quantile(P.randn(3), 1.5), RuntimeError, r"q must be in the range \[0, 1\] but got 1.5"),
    (lambda: P.quantile(P.randn(3), P.tensor([0.5, 1.5])), RuntimeError, r"q values must be in the range \[0, 1\]"),
    (lambda: P.quantile(P.randn(3), P.tensor([[0.5]])), RuntimeError, "q must be a scalar or 1D tensor"),
    (lambda: P.quantile(P.tensor([1, 2, 3]), 0.5), RuntimeError, "input tensor must be either float or double"),
    (lambda: P.quantile(P.randn(3), P.tensor([0.5], dtype=P.float64)), RuntimeError,
     "q tensor must be same dtype as the input tensor"),
    (lambda: P.quantile(P.randn(0), 0.5), RuntimeError, "input tensor must be non-empty"),
    (lambda: P.quantile(P.randn(3), 0.5, interpolation="cubic"), RuntimeError,
     "interpolation must be one of linear, lower, higher, midpoint or nearest. Got cubic"),
    (lambda: P.quantile(P.randn(3, 2), 0.5, dim=2), IndexError, "Dimension out of range"),
    (lambda: P.nanquantile(P.randn(3), "0.5"), TypeError, "argument 'q'"),
])
def test_quantile_errors(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


# ---------------------------------------------------------------------- bincount

@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16, np.uint8, np.int8])
def test_bincount_values(dtype):
    x = R.integers(0, 9, 40).astype(dtype)
    a, ta = pair(torch, x, "strided")
    assert_same(P.bincount(a), torch.bincount(ta))
    assert_same(P.bincount(a, minlength=15), torch.bincount(ta, minlength=15))
    assert_same(a.bincount(minlength=3), ta.bincount(minlength=3))
    for wd in (np.float64, np.float32, np.int64, np.float16):
        w, tw = pair(torch, (R.random(40) * 4).astype(wd))
        assert_same(P.bincount(a, w), torch.bincount(ta, tw), rtol=1e-6)
        assert_same(P.bincount(a, weights=w, minlength=12), torch.bincount(ta, weights=tw, minlength=12), rtol=1e-6)
    e, te = pair(torch, np.zeros(0, dtype=dtype))
    assert_same(P.bincount(e, minlength=4), torch.bincount(te, minlength=4))


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: P.bincount(P.tensor([1.0, 2.0])), NotImplementedError, "\"bincount_cpu\" not implemented for 'Float'"),
    (lambda: P.bincount(P.tensor([True])), NotImplementedError, "not implemented for 'Bool'"),
    (lambda: P.bincount(P.tensor([1, -2])), RuntimeError, "bincount only supports 1-d non-negative integral inputs"),
    (lambda: P.bincount(P.tensor([[1, 2]])), RuntimeError, "bincount only supports 1-d non-negative integral inputs"),
    (lambda: P.bincount(P.tensor([1, 2]), minlength=-1), RuntimeError, "minlength should be >= 0"),
    (lambda: P.bincount(P.tensor([1, 2]), P.tensor([1.0])), RuntimeError,
     "weights should be 1-d and have the same length as input"),
    (lambda: P.bincount(P.tensor([1, 2]), minlength=1.5), TypeError, "minlength"),
])
def test_bincount_errors(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


# ---------------------------------------------------------------------- bucketize

@pytest.mark.parametrize("right", [False, True])
@pytest.mark.parametrize("out_int32", [False, True])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided"])
def test_bucketize_values(right, out_int32, layout):
    b, tb = pair(torch, np.array([1.0, 3.0, 5.0, 7.0, 9.0]))
    for x in (R.integers(0, 11, (3, 4)).astype(np.float64), R.standard_normal((2, 5)) * 5):
        a, ta = pair(torch, x, layout)
        assert_same(P.bucketize(a, b, right=right, out_int32=out_int32),
                    torch.bucketize(ta, tb, right=right, out_int32=out_int32))
    assert_same(P.bucketize(3, b, right=right), torch.bucketize(3, tb, right=right))
    out, tout = P.empty(0, dtype=P.int64), torch.empty(0, dtype=torch.int64)
    a, ta = pair(torch, np.array([0.5, 5.0, 10.0]))
    assert P.bucketize(a, b, out=out) is out
    assert_same(out, torch.bucketize(ta, tb, out=tout))


def test_bucketize_errors():
    with pytest.raises(RuntimeError, match=r"boundaries tensor must be 1 dimension, but got dim\(2\)"):
        P.bucketize(P.tensor([1.0]), P.tensor([[1.0, 3.0]]))
    with pytest.raises(TypeError, match="argument 'boundaries'"):
        P.bucketize(P.tensor([1.0]), [1.0, 2.0])
    with pytest.raises(TypeError, match="argument 'input'"):
        P.bucketize("a", P.tensor([1.0, 2.0]))


# ---------------------------------------------------------------------- unique_consecutive

@pytest.mark.parametrize("arr,kw", [
    (np.array([1, 1, 2, 2, 3, 1, 1, 2]), {}), (np.array([[1, 1], [1, 1], [2, 3]]), {"dim": 0}),
    (np.array([[1, 1], [1, 1], [2, 3]]), {"dim": 1}), (np.array([[1, 1], [1, 1], [2, 3]]), {}),
    (np.array(5), {}), (np.array([], dtype=np.float32), {}), (np.array([1.0, np.nan, np.nan, 2.0]), {}),
    (np.array([[[1, 2], [1, 2]], [[1, 2], [1, 2]], [[0, 0], [0, 0]]]), {"dim": -1}),
    (np.array([True, True, False]), {}),
])
@pytest.mark.parametrize("inverse", [False, True])
@pytest.mark.parametrize("counts", [False, True])
def test_unique_consecutive(arr, kw, inverse, counts):
    a, ta = pair(torch, arr)
    r = P.unique_consecutive(a, return_inverse=inverse, return_counts=counts, **kw)
    e = torch.unique_consecutive(ta, return_inverse=inverse, return_counts=counts, **kw)
    assert_same(r, e, rtol=0, atol=0)
    assert_same(a.unique_consecutive(return_inverse=inverse, return_counts=counts, **kw), e, rtol=0, atol=0)


def test_unique_consecutive_layouts_errors():
    x = np.repeat(R.integers(0, 3, (6, 4)), 2, axis=0)
    for layout in LAYOUTS:
        a, ta = pair(torch, x, layout)
        for dim in (None, 0, 1):
            assert_same(P.unique_consecutive(a, return_inverse=True, return_counts=True, dim=dim),
                        torch.unique_consecutive(ta, return_inverse=True, return_counts=True, dim=dim))
    with pytest.raises(IndexError, match="Dimension out of range"):
        P.unique_consecutive(P.tensor([1, 2]), dim=1)
    with pytest.raises(TypeError, match="return_counts"):
        P.unique_consecutive(P.tensor([1, 2]), return_counts="yes")


def test_cov_float16():
    a, ta = pair(torch, R.standard_normal((3, 6)).astype(np.float16))
    assert_same(P.cov(a), torch.cov(ta), rtol=2e-3, atol=2e-3)
