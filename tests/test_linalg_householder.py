"""geqrf / orgqr (linalg.householder_product) / ormqr / pstrf: reconstruction, vs PyTorch, bad inputs."""
import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like.tensor import from_numpy

FLOATS = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=1e-4, atol=1e-4), np.float64: dict(rtol=1e-10, atol=1e-10)}
SHAPES = [(5, 3), (3, 5), (4, 4), (1, 1), (6, 1)]


def N(t):
    return np.array(t.numpy())


def rand(shape, dt, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dt)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", SHAPES)
def test_geqrf_orgqr_reconstructs(dt, shape):
    A = rand(shape, dt)
    a, tau = torch.geqrf(from_numpy(A))
    m, n = shape
    k = min(m, n)
    assert tuple(a.shape) == shape and tuple(tau.shape) == (k,)
    R = np.triu(N(a))[:k]
    if m >= n:
        Q = N(torch.orgqr(a, tau))
    else:
        Q = N(torch.linalg.householder_product(a[:, :k], tau))
    np.testing.assert_allclose(Q.T @ Q, np.eye(Q.shape[1]), **TOL[dt])
    np.testing.assert_allclose(Q[:, :k] @ R, A, **TOL[dt])


@pytest.mark.parametrize("dt", FLOATS)
def test_non_contiguous_input_not_modified(dt):
    A = rand((4, 6), dt).T          # column-major 6x4 view
    keep = A.copy()
    a, tau = torch.geqrf(from_numpy(A))
    np.testing.assert_array_equal(A, keep)
    Q = N(torch.orgqr(a, tau))
    np.testing.assert_allclose(Q @ np.triu(N(a))[:4], A, **TOL[dt])


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", SHAPES)
def test_vs_torch(ref_torch, dt, shape):
    A = rand(shape, dt, 1)
    a, tau = torch.geqrf(from_numpy(A))
    ra, rt = ref_torch.geqrf(ref_torch.from_numpy(A))
    np.testing.assert_allclose(N(a), ra.numpy(), **TOL[dt])
    np.testing.assert_allclose(N(tau), rt.numpy(), **TOL[dt])
    m, n = shape
    if m >= n:
        np.testing.assert_allclose(N(torch.linalg.householder_product(a, tau)),
                                   ref_torch.linalg.householder_product(ra, rt).numpy(), **TOL[dt])
    for left in (True, False):
        for tr in (False, True):
            C = rand((m, 3) if left else (2, m), dt, 2)
            o = torch.ormqr(a, tau, from_numpy(C), left=left, transpose=tr)
            r = ref_torch.ormqr(ra, rt, ref_torch.from_numpy(C), left=left, transpose=tr)
            np.testing.assert_allclose(N(o), r.numpy(), **TOL[dt])


def test_batched_vs_torch(ref_torch):
    A = rand((2, 5, 3), np.float64)
    a, tau = torch.geqrf(from_numpy(A))
    ra, rt = ref_torch.geqrf(ref_torch.from_numpy(A))
    np.testing.assert_allclose(N(a), ra.numpy(), atol=1e-12)
    np.testing.assert_allclose(N(torch.orgqr(a, tau)), ref_torch.orgqr(ra, rt).numpy(), atol=1e-12)
    C = rand((2, 5, 2), np.float64, 3)
    np.testing.assert_allclose(N(torch.ormqr(a, tau, from_numpy(C), transpose=True)),
                               ref_torch.ormqr(ra, rt, ref_torch.from_numpy(C), transpose=True).numpy(), atol=1e-12)


def test_ormqr_q_transpose_q_is_identity():
    A = rand((5, 5), np.float64)
    a, tau = torch.geqrf(from_numpy(A))
    C = rand((5, 2), np.float64, 4)
    qc = torch.ormqr(a, tau, from_numpy(C))
    np.testing.assert_allclose(N(torch.ormqr(a, tau, qc, transpose=True)), C, atol=1e-12)


def test_zero_size():
    a, tau = torch.geqrf(torch.zeros(0, 3, dtype=torch.float64))
    assert tuple(a.shape) == (0, 3) and tuple(tau.shape) == (0,)
    q = torch.orgqr(torch.zeros(3, 0), torch.zeros(0))
    assert tuple(q.shape) == (3, 0)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("upper", [True, False])
def test_pstrf_rank_deficient(dt, upper):
    B = rand((6, 3), np.float64, 5)
    A = (B @ B.T).astype(dt)          # PSD, rank 3
    u, piv = torch.pstrf(from_numpy(A), upper=upper)
    assert piv.dtype == torch.int32
    P = N(piv).astype(np.int64)
    assert sorted(P.tolist()) == list(range(6))
    U = N(u)
    U = U if upper else U.T
    assert np.allclose(U, np.triu(U))
    np.testing.assert_allclose(U.T @ U, A[np.ix_(P, P)], rtol=1e-3 if dt == np.float32 else 1e-9,
                               atol=1e-3 if dt == np.float32 else 1e-9)
    assert np.all(U[3:] == 0)        # past the rank: zero


def test_pstrf_full_rank_matches_diag_pivoting():
    A = np.diag([1.0, 9.0, 4.0])
    u, piv = torch.pstrf(from_numpy(A))
    assert N(piv).tolist() == [1, 2, 0]            # largest diagonal first
    np.testing.assert_allclose(np.diag(N(u)), [3.0, 2.0, 1.0])


def test_bad_inputs():
    with pytest.raises(TypeError, match="A must be a float32 or float64"):
        torch.geqrf(torch.zeros(3, 3, dtype=torch.int64))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        torch.geqrf(torch.zeros(3))
    with pytest.raises(ValueError, match="at least as many rows as columns"):
        torch.orgqr(torch.zeros(2, 3), torch.zeros(2))
    with pytest.raises(ValueError, match="tau must have at most 3"):
        torch.orgqr(torch.zeros(5, 3), torch.zeros(4))
    with pytest.raises(TypeError, match="tau and A to have the same dtype"):
        torch.orgqr(torch.zeros(5, 3), torch.zeros(3, dtype=torch.float64))
    with pytest.raises(ValueError, match="tau must have one dimension less"):
        torch.orgqr(torch.zeros(5, 3), torch.zeros(1, 3))
    with pytest.raises(ValueError, match="A must have 4 rows"):
        torch.ormqr(torch.zeros(5, 3), torch.zeros(3), torch.zeros(4, 2))
    with pytest.raises(TypeError, match="C and A to have the same dtype"):
        torch.ormqr(torch.zeros(5, 3), torch.zeros(3), torch.zeros(5, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match="square"):
        torch.pstrf(torch.zeros(3, 2))
    with pytest.raises(ValueError, match="non-finite"):
        torch.pstrf(torch.full((2, 2), float("nan")))
    with pytest.raises(TypeError, match="tol"):
        torch.pstrf(torch.eye(2), tol="x")
