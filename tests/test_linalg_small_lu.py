"""The small-matrix batched LU path of THTensor_getrf/getrs (both sides <= 32: row-major LU in C, no
LAPACK) vs PyTorch: pivots and singular-matrix info as LAPACK's getrf, lu_solve (plain and adjoint),
solve/inv/det/slogdet, sizes on both sides of the threshold, non-contiguous and broadcast inputs."""
import numpy as np
import pytest

import pytorch_like as P

FLOATS = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-4, atol=2e-4), np.float64: dict(rtol=1e-10, atol=1e-10)}
# the C threshold is 32: the sizes around it take both paths
SIZES = [1, 2, 3, 7, 16, 31, 32, 33, 40]
BATCHES = [(), (1,), (5,), (3, 4), (70,)]


def _rand(rng, dt, batch, n):
    return rng.standard_normal(batch + (n, n)).astype(dt)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("batch", BATCHES)
def test_lu_factor_matches_torch(rng, ref_torch, dt, n, batch):
    a = _rand(rng, dt, batch, n)
    LU, piv = P.linalg.lu_factor(P.from_numpy(a))
    wLU, wpiv = ref_torch.linalg.lu_factor(ref_torch.from_numpy(a))
    np.testing.assert_array_equal(piv.numpy(), wpiv.numpy())
    np.testing.assert_allclose(LU.numpy(), wLU.numpy(), **TOL[dt])


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("batch", BATCHES)
def test_solve_inv_det_match_torch(rng, ref_torch, dt, n, batch):
    a = _rand(rng, dt, batch, n)
    b = rng.standard_normal(batch + (n, 3)).astype(dt)
    A, B, tA, tB = P.from_numpy(a), P.from_numpy(b), ref_torch.from_numpy(a), ref_torch.from_numpy(b)
    tol = dict(rtol=TOL[dt]["rtol"] * n, atol=TOL[dt]["atol"] * n)
    np.testing.assert_allclose(P.linalg.solve(A, B).numpy(), ref_torch.linalg.solve(tA, tB).numpy(), **tol)
    np.testing.assert_allclose(P.linalg.inv(A).numpy(), ref_torch.linalg.inv(tA).numpy(), **tol)
    np.testing.assert_allclose(P.linalg.det(A).numpy(), ref_torch.linalg.det(tA).numpy(), **tol)
    s, ld = P.linalg.slogdet(A)
    ws, wld = ref_torch.linalg.slogdet(tA)
    np.testing.assert_array_equal(s.numpy(), ws.numpy())
    np.testing.assert_allclose(ld.numpy(), wld.numpy(), **tol)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("n", [4, 32, 33])
@pytest.mark.parametrize("adjoint", [False, True])
def test_lu_solve_plain_and_adjoint(rng, ref_torch, dt, n, adjoint):
    a = _rand(rng, dt, (6,), n)
    b = rng.standard_normal((6, n, 70)).astype(dt)          # 70 columns: more than one 32-column block
    LU, piv = P.linalg.lu_factor(P.from_numpy(a))
    x = P.linalg.lu_solve(LU, piv, P.from_numpy(b), adjoint=adjoint).numpy()
    want = np.linalg.solve(np.swapaxes(a, -1, -2) if adjoint else a, b)
    np.testing.assert_allclose(x, want, rtol=TOL[dt]["rtol"] * n, atol=TOL[dt]["atol"] * n)


@pytest.mark.parametrize("m,n", [(5, 3), (3, 5), (32, 20), (20, 32), (40, 20), (1, 7)])
def test_rectangular_lu_factor(rng, ref_torch, m, n):
    a = rng.standard_normal((4, m, n))
    LU, piv = P.linalg.lu_factor(P.from_numpy(a))
    wLU, wpiv = ref_torch.linalg.lu_factor(ref_torch.from_numpy(a))
    np.testing.assert_array_equal(piv.numpy(), wpiv.numpy())
    np.testing.assert_allclose(LU.numpy(), wLU.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("n", [3, 16, 32, 33])
def test_singular_items_in_batch(rng, ref_torch, dt, n):
    a = _rand(rng, dt, (6,), n)
    a[2, :, 1] = 0          # U(2,2) (1-based) is exactly zero
    a[4, :, n - 1] = 0
    a[5] = 0                # every pivot zero: info 1
    _, _, info = P.linalg.lu_factor_ex(P.from_numpy(a))
    _, _, winfo = ref_torch.linalg.lu_factor_ex(ref_torch.from_numpy(a))
    np.testing.assert_array_equal(info.numpy(), winfo.numpy())
    assert list(info.numpy()) == [0, 0, 2, 0, n, 1]
    with pytest.raises(RuntimeError, match=r"linalg.solve: \(Batch element 2\): .*singular \(U\(2,2\) is zero\)"):
        P.linalg.solve(P.from_numpy(a), P.from_numpy(a[..., :1]))
    with pytest.raises(RuntimeError, match=r"\(Batch element 2\): The diagonal element 2 is zero"):
        P.linalg.inv(P.from_numpy(a))
    np.testing.assert_allclose(P.linalg.det(P.from_numpy(a)).numpy()[[2, 4, 5]], 0)
    np.testing.assert_array_equal(P.linalg.slogdet(P.from_numpy(a))[0].numpy()[[2, 4, 5]], 0)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("n", [5, 32, 33])
def test_noncontiguous_and_broadcast(rng, ref_torch, dt, n):
    a = _rand(rng, dt, (8,), n)
    b = rng.standard_normal((8, n, 4)).astype(dt)
    want = np.linalg.solve(a, b)
    tol = dict(rtol=TOL[dt]["rtol"] * n, atol=TOL[dt]["atol"] * n)
    # A transposed in memory, a strided batch, B with no unit stride
    At = P.from_numpy(np.swapaxes(a, -1, -2).copy()).mT
    Ab = P.from_numpy(np.repeat(a, 2, axis=0))[::2]
    Bt = P.from_numpy(np.swapaxes(b, -1, -2).copy()).mT
    for A in (At, Ab):
        np.testing.assert_allclose(P.linalg.solve(A, Bt).numpy(), want, **tol)
        np.testing.assert_allclose(P.linalg.inv(A).numpy(), np.linalg.inv(a), **tol)
        LU, piv = P.linalg.lu_factor(A)
        wLU, wpiv = ref_torch.linalg.lu_factor(ref_torch.from_numpy(a))
        np.testing.assert_array_equal(piv.numpy(), wpiv.numpy())
    # one A broadcast over a batch of right-hand sides (a stride-0 batch)
    np.testing.assert_allclose(P.linalg.solve(P.from_numpy(a[0]), P.from_numpy(b)).numpy(),
                               np.linalg.solve(a[0], b), **tol)


def test_lu_solve_bad_pivots_still_rejected(rng):
    LU, piv = P.linalg.lu_factor(P.from_numpy(rng.standard_normal((2, 4, 4))))
    bad = P.from_numpy(np.array([[1, 2, 9, 4], [1, 2, 3, 4]], dtype=np.int32))
    with pytest.raises(ValueError, match="pivots must be between 1 and 4"):
        P.linalg.lu_solve(LU, bad, P.from_numpy(rng.standard_normal((2, 4, 1))))
