"""torch.special's orthogonal polynomials (C kernels in lib/TH/THSpecialMath.c) against PyTorch:
degrees as tensors or numbers (truncated; negative, nan and inf give 0), edge values, dtypes."""
import numpy as np
import pytest

import pytorch_like as P
from tests.special_compare import assert_matches

torch = pytest.importorskip("torch")

NAMES = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
         "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
         "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
         "laguerre_polynomial_l", "legendre_polynomial_p"]
NAN, INF = float("nan"), float("inf")


def _grid(seed):
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(-1.2, 1.2, 3000), rng.uniform(-4, 4, 1000), [0, 1, -1, 0.5, 0, 1, -1, 2, 0.25, INF,
                                                                                  -INF, 1e-30, 0.999999, 3.0, 3.0]])
    n = np.concatenate([rng.integers(-3, 20, 4000).astype(float), [0, 1, 2, 3, 7, 8, 9, 130, 3, 3, 3, NAN, INF,
                                                                   -INF, 5.9]])
    return x, n


@pytest.mark.parametrize("dt", ["float32", "float64"])
@pytest.mark.parametrize("name", NAMES)
def test_matches_torch(name, dt):
    x, n = _grid(NAMES.index(name))
    ours = getattr(P.special, name)(P.tensor(x, dtype=getattr(P, dt)), P.tensor(n, dtype=getattr(P, dt)))
    ref = getattr(torch.special, name)(torch.tensor(x, dtype=getattr(torch, dt)), torch.tensor(n, dtype=getattr(torch, dt)))
    want = ref.numpy()
    # the recurrences cancel near the polynomials' zeros: compare there against the size of the
    # terms, i.e. the polynomial's scale at that degree (bounded by its value at |x| = 1.2 or 4)
    fin = np.isfinite(want)
    scale = np.ones_like(want, dtype=np.float64)
    scale[fin] = np.maximum(1.0, np.abs(want[fin]))
    for deg in np.unique(n[np.isfinite(n)]):
        sel = fin & (n == deg)
        if sel.any():
            scale[sel] = np.maximum(scale[sel], np.max(np.abs(want[sel])))
    got = ours.numpy()
    tol = 32 * np.finfo(dt).eps * scale
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    assert np.all(np.abs(got[fin].astype(np.float64) - want[fin]) <= tol[fin])


@pytest.mark.parametrize("name", NAMES)
def test_scalar_degree_and_scalar_x(name):
    f, g = getattr(P.special, name), getattr(torch.special, name)
    x = [-0.7, 0.0, 0.3, 0.9, 1.5]
    assert_matches(f(P.tensor(x, dtype=P.float64), 4).numpy(), g(torch.tensor(x, dtype=torch.float64), 4).numpy(),
                   "float64", 8, floor=16.0)
    assert_matches(f(P.tensor(x, dtype=P.float64), n=4).numpy(), g(torch.tensor(x, dtype=torch.float64), n=4).numpy(),
                   "float64", 8, floor=16.0)
    ns = [0, 1, 2, 5, -1]
    assert_matches(f(0.5, P.tensor(ns)).numpy(), g(0.5, torch.tensor(ns)).numpy(), "float32", 8, floor=16.0)
    assert f(P.tensor([1, 2]), P.tensor([2, 3])).dtype == P.float32
    assert f(P.tensor([0.5], dtype=P.float64), P.tensor([2])).dtype == P.float64


def test_noncontiguous_out_and_not_differentiable():
    base = P.tensor(np.linspace(-1, 1, 30).reshape(5, 6), dtype=P.float64)
    v = base.t()
    f = P.special.legendre_polynomial_p
    np.testing.assert_array_equal(f(v, 5).numpy(), f(v.contiguous(), 5).numpy())
    out = P.empty(0, dtype=P.float64)
    assert f(base, 3, out=out) is out
    np.testing.assert_array_equal(out.numpy(), f(base, 3).numpy())
    x = P.tensor([0.5], requires_grad=True)
    assert f(x, 3).grad_fn is None


def test_bad_inputs():
    f = P.special.chebyshev_polynomial_t
    with pytest.raises(TypeError, match="expected at least one Tensor argument"):
        f(0.5, 3)
    with pytest.raises(TypeError, match="argument 'other' must be a Tensor or a number, not str"):
        f(P.ones(2), "3")
    with pytest.raises(RuntimeError, match="must match the size"):
        f(P.ones(2), P.ones(3))
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        f(P.ones(2), 3, out=P.empty(2, dtype=P.int64))


@pytest.mark.parametrize("name", NAMES)
def test_nan_x_gives_nan(name):
    """nan x gives nan for every degree >= 1 (PyTorch returns an uninitialized value for some of
    these, e.g. U_3(nan): its recurrence's result variable is never set; ours starts at q)."""
    r = getattr(P.special, name)(P.tensor([NAN] * 4, dtype=P.float64), P.tensor([1.0, 2.0, 3.0, 9.0], dtype=P.float64))
    assert np.isnan(r.numpy()).all()
    assert getattr(P.special, name)(P.tensor([NAN]), 0).tolist() == [1.0]
