"""i0, i0e, i1, i1e and torch.special's Bessel functions (C kernels in lib/TH/THSpecialMath.c)
against PyTorch: dense grids with edge values, dtypes, layouts, gradients and bad inputs."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like.autograd import gradcheck
from tests.special_compare import assert_matches

torch = pytest.importorskip("torch")

DTYPES = ["float32", "float64"]
NAN, INF = float("nan"), float("inf")
EDGES = [0.0, -0.0, 1e-300, -1e-300, 5e-324, 1e-40, 1e-6, 8.0, -8.0, 8.000001, 5.0, 2.0, 1e-5, 700.0, 710.0, -710.0,
         88.0, 89.0, 1e5, 1e10, 1e30, -1e30, NAN, INF, -INF]
# growing (exponentially scaled or not) functions: compare in ULP everywhere
MONOTONE = ["i0", "i0e", "i1", "i1e", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
            "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1"]
# oscillating ones: near their zeros only an absolute difference of a few ULP of the scale is meaningful
OSCILLATING = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "spherical_bessel_j0", "airy_ai"]


def _grid():
    return list(np.linspace(-40, 40, 16001)) + list(np.geomspace(1e-8, 1e3, 2000)) + EDGES


def _pair(name, x, dt):
    ns = P if name == "i0" else P.special
    ours = getattr(ns, name)(P.tensor(x, dtype=getattr(P, dt)))
    ref = getattr(torch.special, name)(torch.tensor(x, dtype=getattr(torch, dt)))
    return ours.numpy(), ref.numpy()


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", MONOTONE)
def test_monotone_family_matches_torch(name, dt):
    got, want = _pair(name, _grid(), dt)
    # PyTorch's build contracts a*b+c into FMAs, which changes the rounding of the float32
    # Chebyshev recurrences by up to ~12 ULP (both sides are that far from the true values there)
    assert_matches(got, want, dt, ulps=16)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", OSCILLATING)
def test_oscillating_family_matches_torch(name, dt):
    x = _grid()
    got, want = _pair(name, x, dt)
    fin = np.isfinite(want) & (np.abs(np.asarray(x)) > 0.05)     # y0/y1 diverge at 0
    scale = float(np.max(np.abs(want[fin]))) if name not in ("bessel_y0", "bessel_y1") else 1.0
    assert_matches(got, want, dt, ulps=16, floor=scale)


@pytest.mark.parametrize("name", MONOTONE + OSCILLATING)
def test_edge_values_exact_classes(name):
    """nan stays nan; infinities and the poles of y0, y1, k0, k1 at 0 as PyTorch."""
    x = [0.0, -0.0, -1.0, NAN, INF, -INF]
    got, want = _pair(name, x, "float64")
    assert_matches(got, want, "float64", ulps=4)


def test_torch_level_i0_and_methods():
    x = P.tensor([-3.0, 0.0, 0.5, 9.0])
    np.testing.assert_array_equal(P.special.i0(x).numpy(), P.i0(x).numpy())
    np.testing.assert_array_equal(x.i0().numpy(), P.i0(x).numpy())
    y = x.clone()
    assert y.i0_() is y
    np.testing.assert_array_equal(y.numpy(), P.i0(x).numpy())


@pytest.mark.parametrize("name", ["i0", "i1", "bessel_j0", "modified_bessel_k1", "airy_ai"])
def test_noncontiguous_out_and_integer_input(name):
    f = getattr(P.special, name)
    base = P.tensor(np.linspace(0.1, 12, 48).reshape(6, 8), dtype=P.float64)
    view = base.t()[1::2]
    assert not view.is_contiguous()
    np.testing.assert_array_equal(f(view).numpy(), f(view.contiguous()).numpy())
    out = P.empty(3, dtype=P.float64)
    assert f(base, out=out) is out and out.shape == (6, 8)
    np.testing.assert_array_equal(out.numpy(), f(base).numpy())
    ints = f(P.tensor([1, 2, 3]))
    ref = getattr(torch.special, name)(torch.tensor([1, 2, 3]))
    assert ints.dtype == P.float32 and ref.dtype == torch.float32
    assert_matches(ints.numpy(), ref.numpy(), "float32", 16)


def test_bad_inputs():
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        P.tensor([1, 2]).i0_()
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Int"):
        P.special.i1e(P.tensor([0.5]), out=P.empty(1, dtype=P.int32))
    with pytest.raises(TypeError, match="input"):
        P.special.bessel_j0(1.5)
    with pytest.raises(TypeError, match="input"):
        P.i0("x")


@pytest.mark.parametrize("name", ["i0", "i0e", "i1", "i1e"])
def test_gradients_match_torch(name):
    x = np.concatenate([np.linspace(-12, 12, 41), [0.0, 1e-20, -1e-20]])
    ours = P.tensor(x, dtype=P.float64, requires_grad=True)
    ref = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    ns = P if name == "i0" else P.special
    getattr(ns, name)(ours).sum().backward()
    getattr(torch.special, name)(ref).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), ref.grad.numpy(), rtol=1e-12, atol=1e-300)
    assert gradcheck(getattr(ns, name), (P.tensor([-3.5, -0.7, 0.4, 2.2, 9.5], dtype=P.float64, requires_grad=True),))


def test_i1_gradient_at_zero_is_half():
    """PyTorch's i1_backward/i1e_backward: 0.5 where |x| <= eps instead of 0/0."""
    x = P.tensor([0.0, -0.0], dtype=P.float32, requires_grad=True)
    P.special.i1(x).sum().backward()
    assert x.grad.tolist() == [0.5, 0.5]


@pytest.mark.parametrize("name", OSCILLATING + ["modified_bessel_i0", "scaled_modified_bessel_k0"])
def test_not_differentiable_like_torch(name):
    x = P.tensor([0.5, 1.5], requires_grad=True)
    assert getattr(P.special, name)(x).grad_fn is None
    assert getattr(torch.special, name)(torch.tensor([0.5, 1.5], requires_grad=True)).grad_fn is None


def test_node_names():
    x = P.tensor([0.3], dtype=P.float64, requires_grad=True)
    assert P.i0(x).grad_fn.name() == "I0Backward0"
    assert P.special.i0e(x).grad_fn.name() == "SpecialI0EBackward0"
    assert P.special.i1(x).grad_fn.name() == "SpecialI1Backward0"
    assert P.special.i1e(x).grad_fn.name() == "SpecialI1EBackward0"


def test_float32_i0_simd_and_strided_paths_agree():
    """Contiguous float32 i0 runs the AVX2 Clenshaw sums, strided input the scalar function."""
    x = np.concatenate([np.linspace(-90, 90, 7201), [NAN, INF, -INF, 0.0, 8.0, -8.0, 1e-42]]).astype(np.float32)
    base = P.tensor(np.stack([x, x]).T.copy())
    strided = P.i0(base[:, 0]).numpy()
    contiguous = P.i0(P.tensor(x)).numpy()
    assert_matches(contiguous, strided, "float32", ulps=16)
    assert_matches(strided, torch.i0(torch.tensor(x)).numpy(), "float32", ulps=16)
