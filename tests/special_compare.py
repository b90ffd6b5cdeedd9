"""Comparison of pytorch_like.special results with PyTorch's, in ULP.

PyTorch's CPU kernels are the same algorithms compiled with FMA contraction, so results agree
to a few ULP; near the zeros of oscillating functions (Bessel functions, polynomials) the
difference of a few ULP of the function's scale is all that is meaningful (the absolute floor).
"""
import numpy as np

EPS = {"float32": float(np.finfo(np.float32).eps), "float64": float(np.finfo(np.float64).eps)}


def assert_matches(got, want, dt, ulps=4, floor=None):
    """got/want: numpy arrays; nan/+-inf where want has them, else within ulps ULP of want or
    (floor given) within ulps * eps * floor, floor being the function's scale."""
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(np.isposinf(got), np.isposinf(want))
    np.testing.assert_array_equal(np.isneginf(got), np.isneginf(want))
    fin = np.isfinite(want)
    g = got[fin].astype(np.float64)
    w = want[fin].astype(np.float64)
    tol = ulps * np.spacing(np.abs(want[fin])).astype(np.float64)
    if floor is not None:
        tol = np.maximum(tol, ulps * EPS[dt] * floor)
    bad = np.abs(g - w) > tol
    assert not bad.any(), f"{bad.sum()} of {bad.size} differ, e.g. {g[bad][:4]} vs {w[bad][:4]}"
