"""Batched products and batched LU solvers vs PyTorch: bmm/matmul/einsum over many batch shapes
(the batch-parallel path and the threaded-BLAS path), linalg.solve/inv/det/slogdet on one batched
LU, their singular-matrix errors and gradients."""
import numpy as np
import pytest

import pytorch_like as P

FLOATS = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=1e-4, atol=1e-4), np.float64: dict(rtol=1e-10, atol=1e-10)}


def _pair(rng, dt, b, m, k, n):
    return rng.standard_normal((b, m, k)).astype(dt), rng.standard_normal((b, k, n)).astype(dt)


# (batch, m, k, n): tiny and many (batch-parallel), medium, and matrices big enough for threaded BLAS
SHAPES = [(1, 3, 4, 5), (2, 1, 1, 1), (7, 5, 3, 2), (257, 8, 8, 8), (64, 128, 64, 128), (3, 200, 180, 190)]


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", SHAPES)
def test_bmm_matches_torch(rng, ref_torch, dt, shape):
    a, b = _pair(rng, dt, *shape)
    want = ref_torch.bmm(ref_torch.from_numpy(a), ref_torch.from_numpy(b)).numpy()
    np.testing.assert_allclose(P.bmm(P.from_numpy(a), P.from_numpy(b)).numpy(), want, **TOL[dt])
    np.testing.assert_allclose(P.matmul(P.from_numpy(a), P.from_numpy(b)).numpy(), want, **TOL[dt])
    np.testing.assert_allclose(P.einsum("bij,bjk->bik", P.from_numpy(a), P.from_numpy(b)).numpy(), want, **TOL[dt])


@pytest.mark.parametrize("dt", FLOATS)
def test_bmm_noncontiguous_and_out(rng, ref_torch, dt):
    a, b = _pair(rng, dt, 40, 9, 6, 7)
    # transposed operands, a strided batch, an output with no unit stride
    ta = P.from_numpy(a.transpose(0, 2, 1).copy()).transpose(1, 2)
    tb = P.from_numpy(np.repeat(b, 2, axis=0))[::2]
    out = P.zeros(40, 7, 9, dtype=ta.dtype).transpose(1, 2)
    P.bmm(ta, tb, out=out)
    want = ref_torch.bmm(ref_torch.from_numpy(a), ref_torch.from_numpy(b)).numpy()
    np.testing.assert_allclose(out.numpy(), want, **TOL[dt])
    r = P.baddbmm(P.ones(40, 9, 7, dtype=ta.dtype), ta, tb, beta=0.5, alpha=2.0)
    np.testing.assert_allclose(r.numpy(), 0.5 + 2 * want, **TOL[dt])


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("sa,sb", [((2, 3, 5, 4), (3, 4, 6)), ((5, 1, 4, 3), (1, 6, 3, 2)), ((33, 4, 4), (4, 4)),
                                   ((4,), (9, 4, 3)), ((2, 6, 5), (5,))])
def test_matmul_broadcast_batches(rng, ref_torch, dt, sa, sb):
    a, b = rng.standard_normal(sa).astype(dt), rng.standard_normal(sb).astype(dt)
    want = ref_torch.matmul(ref_torch.from_numpy(a), ref_torch.from_numpy(b)).numpy()
    np.testing.assert_allclose(P.matmul(P.from_numpy(a), P.from_numpy(b)).numpy(), want, **TOL[dt])


def test_bmm_grad_and_errors(rng, ref_torch):
    a, b = _pair(rng, np.float64, 50, 4, 3, 5)
    pa, pb = P.from_numpy(a).requires_grad_(), P.from_numpy(b).requires_grad_()
    ra, rb = ref_torch.from_numpy(a).requires_grad_(), ref_torch.from_numpy(b).requires_grad_()
    P.bmm(pa, pb).sum().backward()
    ref_torch.bmm(ra, rb).sum().backward()
    np.testing.assert_allclose(pa.grad.numpy(), ra.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(pb.grad.numpy(), rb.grad.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="batch1 and batch2 shapes cannot be multiplied"):
        P.bmm(P.zeros(5, 2, 3), P.zeros(5, 4, 2))
    with pytest.raises(TypeError, match="same dtype"):
        P.bmm(P.zeros(5, 2, 3), P.zeros(5, 3, 2, dtype=P.float64))


# ---------------------------------------------------------------------- batched LU solvers

def _wellcond(rng, shape, dt):
    n = shape[-1]
    return (rng.standard_normal(shape) + 2 * n ** 0.5 * np.eye(n)).astype(dt)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("sa,sb", [((4, 4), (4, 2)), ((256, 16, 16), (256, 16, 3)), ((2, 1, 5, 5), (3, 5, 1)),
                                   ((3, 6, 6), (6, 2)), ((2, 3, 5, 5), (2, 3, 5)), ((3, 4, 4), (4,)),
                                   ((0, 3, 3), (0, 3, 2)), ((2, 0, 0), (2, 0, 1))])
def test_solve_matches_torch(rng, ref_torch, dt, sa, sb):
    A, B = _wellcond(rng, sa, dt), rng.standard_normal(sb).astype(dt)
    want = ref_torch.linalg.solve(ref_torch.from_numpy(A), ref_torch.from_numpy(B)).numpy()
    got = P.linalg.solve(P.from_numpy(A), P.from_numpy(B)).numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, **TOL[dt])
    # non-contiguous A (a transposed batch) and left=False
    At = np.ascontiguousarray(A.swapaxes(-1, -2))
    got_t = P.linalg.solve(P.from_numpy(At).mT, P.from_numpy(B)).numpy()
    np.testing.assert_allclose(got_t, want, **TOL[dt])
    if not (len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1])):     # B not a (batch of) vector
        Bl = np.ascontiguousarray(B.swapaxes(-1, -2))
        want_l = ref_torch.linalg.solve(ref_torch.from_numpy(A), ref_torch.from_numpy(Bl), left=False).numpy()
        np.testing.assert_allclose(P.linalg.solve(P.from_numpy(A), P.from_numpy(Bl), left=False).numpy(), want_l,
                                   **TOL[dt])


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(5, 5), (7, 4, 4), (2, 3, 6, 6), (0, 2, 2), (3, 0, 0), (1, 1)])
def test_inv_det_slogdet_match_torch(rng, ref_torch, dt, shape):
    A = rng.standard_normal(shape).astype(dt)
    tA = ref_torch.from_numpy(A)
    pA = P.from_numpy(np.ascontiguousarray(A.swapaxes(-1, -2))).mT     # non-contiguous input
    rtol = 1e-3 if dt == np.float32 else 1e-9
    np.testing.assert_allclose(P.linalg.inv(pA).numpy(), ref_torch.linalg.inv(tA).numpy(), rtol=rtol, atol=rtol)
    np.testing.assert_allclose(P.linalg.det(pA).numpy(), ref_torch.linalg.det(tA).numpy(), rtol=rtol, atol=rtol)
    s, la = P.linalg.slogdet(pA)
    ws, wla = ref_torch.linalg.slogdet(tA)
    np.testing.assert_array_equal(s.numpy(), ws.numpy())
    np.testing.assert_allclose(la.numpy(), wla.numpy(), rtol=rtol, atol=rtol)
    assert P.linalg.det(pA).dtype == P.linalg.inv(pA).dtype == pA.dtype


def test_det_slogdet_singular_and_permutations(ref_torch):
    sing = np.array([[[1.0, 2.0], [2.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]]])
    np.testing.assert_array_equal(P.linalg.det(P.from_numpy(sing)).numpy(), [0.0, -1.0, 0.0])
    s, la = P.linalg.slogdet(P.from_numpy(sing))
    ws, wla = ref_torch.linalg.slogdet(ref_torch.from_numpy(sing))
    np.testing.assert_array_equal(s.numpy(), ws.numpy())
    np.testing.assert_array_equal(la.numpy(), wla.numpy())
    assert not np.signbit(s.numpy()[0])


def test_singular_errors_name_the_batch_element(ref_torch):
    A = np.stack([np.eye(3), np.zeros((3, 3)), np.eye(3)])
    B = np.ones((3, 3, 1))
    for lib, exc in ((P, RuntimeError), (ref_torch, ref_torch.linalg.LinAlgError)):
        with pytest.raises(exc, match=r"\(Batch element 1\): The solver failed because the input matrix is singular"):
            lib.linalg.solve(lib.from_numpy(A), lib.from_numpy(B))
        with pytest.raises(exc, match=r"\(Batch element 1\): The diagonal element 1 is zero, the inversion could not "
                                      "be completed because the input matrix is singular"):
            lib.linalg.inv(lib.from_numpy(A))
    with pytest.raises(RuntimeError, match=r"linalg.solve: The solver failed because the input matrix is singular"):
        P.linalg.solve(P.from_numpy(np.array([[1.0, 2.0], [2.0, 4.0]])), P.ones(2, dtype=P.float64))


def test_solve_bad_inputs():
    with pytest.raises(ValueError, match=r"Incompatible shapes of A and B for the equation AX = B \(3x3 and 2x1\)"):
        P.linalg.solve(P.eye(3), P.ones(2, 1))
    with pytest.raises(ValueError, match="batch dimensions"):
        P.linalg.solve(P.eye(3).expand(2, 3, 3), P.ones(4, 3, 1))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        P.linalg.solve(P.ones(3), P.ones(3))
    with pytest.raises(ValueError, match="square"):
        P.linalg.solve(P.ones(2, 3, 4), P.ones(2, 3, 1))
    with pytest.raises(TypeError, match="same dtype"):
        P.linalg.solve(P.eye(3), P.ones(3, 1, dtype=P.float64))
    with pytest.raises(TypeError, match="float32 or float64"):
        P.linalg.solve(P.eye(3, dtype=P.int64), P.ones(3, 1, dtype=P.int64))
    with pytest.raises(TypeError, match="float32 or float64"):
        P.linalg.det(P.ones(2, 2, dtype=P.int32))


def test_batched_solver_gradients(rng, ref_torch):
    A = _wellcond(rng, (3, 4, 4), np.float64)
    B = rng.standard_normal((4, 2))
    pa, pb = P.from_numpy(A).requires_grad_(), P.from_numpy(B).requires_grad_()
    ra, rb = ref_torch.from_numpy(A).requires_grad_(), ref_torch.from_numpy(B).requires_grad_()
    (P.linalg.solve(pa, pb).sum() + P.linalg.inv(pa).sum() + P.linalg.det(pa).sum()
     + P.linalg.slogdet(pa)[1].sum()).backward()
    (ref_torch.linalg.solve(ra, rb).sum() + ref_torch.linalg.inv(ra).sum() + ref_torch.linalg.det(ra).sum()
     + ref_torch.linalg.slogdet(ra)[1].sum()).backward()
    np.testing.assert_allclose(pa.grad.numpy(), ra.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(pb.grad.numpy(), rb.grad.numpy(), rtol=1e-8, atol=1e-10)
    assert P.autograd.gradcheck(lambda a, b: P.linalg.solve(a, b, left=False), (pa.detach().requires_grad_(),
                                P.from_numpy(rng.standard_normal((3, 2, 4))).requires_grad_()))


# ---------------------------------------------------------------------- nuclear norm, chain_matmul

@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape,kw", [((3, 4), {}), ((5, 2), dict(keepdim=True)), ((2, 3, 4), dict(dim=(1, 2))),
                                      ((2, 3, 4), dict(dim=(0, 2))), ((2, 3, 4), dict(dim=(-1, -2), keepdim=True)),
                                      ((4, 2, 3, 3), dict(dim=(2, 3))), ((0, 3, 2), dict(dim=(1, 2)))])
def test_norm_nuc_matches_torch(rng, ref_torch, dt, shape, kw):
    x = rng.standard_normal(shape).astype(dt)
    want = ref_torch.norm(ref_torch.from_numpy(x), p="nuc", **kw).numpy()
    px = P.from_numpy(np.ascontiguousarray(np.swapaxes(x, 0, -1))).transpose(0, -1)    # non-contiguous
    got = P.norm(px, p="nuc", **kw)
    assert got.dtype == px.dtype
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5 if dt == np.float32 else 1e-12, atol=1e-6)
    np.testing.assert_allclose(px.norm("nuc", **kw).numpy(), want, rtol=1e-5 if dt == np.float32 else 1e-12,
                               atol=1e-6)


def test_norm_nuc_grad_out_and_errors(rng, ref_torch):
    x = rng.standard_normal((3, 4, 5))
    px, rx = P.from_numpy(x).requires_grad_(), ref_torch.from_numpy(x).requires_grad_()
    g = rng.standard_normal((4, 1, 3))
    (P.norm(px, "nuc", dim=(2, 0), keepdim=True) * P.from_numpy(g)).sum().backward()
    (ref_torch.norm(rx, "nuc", dim=(2, 0), keepdim=True) * ref_torch.from_numpy(g)).sum().backward()
    np.testing.assert_allclose(px.grad.numpy(), rx.grad.numpy(), rtol=1e-10, atol=1e-12)
    a = P.from_numpy(rng.standard_normal((3, 5))).requires_grad_()
    assert P.autograd.gradcheck(lambda a: P.norm(a, "nuc"), (a,))
    out = P.empty(3, dtype=P.float64)
    r = P.norm(P.from_numpy(x), "nuc", dim=(1, 2), out=out)
    assert r is out
    np.testing.assert_allclose(out.numpy(), ref_torch.norm(ref_torch.from_numpy(x), "nuc", dim=(1, 2)).numpy())
    with pytest.raises(ValueError, match=r"p='nuc' needs dim to be a 2-tuple .*Got 0 1 2"):
        P.norm(P.ones(2, 2, 2), "nuc")
    with pytest.raises(ValueError, match=r"p='nuc' needs dim to be a 2-tuple .*Got 2"):
        P.norm(P.ones(2, 2, 2), "nuc", dim=2)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        P.norm(P.ones(3), "nuc", dim=(0, 0))
    with pytest.raises(ValueError, match="dims must be different"):
        P.norm(P.ones(3, 3), "nuc", dim=(0, 0))
    with pytest.raises(TypeError, match="float32 or float64"):
        P.norm(P.ones(3, 3, dtype=P.int64), "nuc")
    with pytest.raises(ValueError, match="nuclear norm"):
        P.dist(P.ones(3, 3), P.ones(3, 3), "nuc")


def test_chain_matmul(rng, ref_torch):
    ms = [rng.standard_normal(s) for s in [(3, 7), (7, 2), (2, 9), (9, 4)]]
    pm = [P.from_numpy(m).requires_grad_() for m in ms]
    rm = [ref_torch.from_numpy(m).requires_grad_() for m in ms]
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        got = P.chain_matmul(*pm)
    with pytest.warns(UserWarning):
        want = ref_torch.chain_matmul(*rm)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12)
    got.sum().backward()
    want.sum().backward()
    for a, b in zip(pm, rm):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)
    with pytest.warns(UserWarning):
        one = P.chain_matmul(pm[0])
        assert one is not pm[0] and np.array_equal(one.detach().numpy(), ms[0])
        with pytest.raises(ValueError, match="Expected one or more matrices"):
            P.chain_matmul()
        with pytest.raises(ValueError, match=r"matrices\[0\] must be a 2-D matrix"):
            P.chain_matmul(P.ones(3), P.ones(3, 3))
        with pytest.raises(ValueError, match="cannot be multiplied"):
            P.chain_matmul(P.ones(2, 3), P.ones(4, 4))


# ---------------------------------------------------------------------- batched Cholesky

@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(4, 4), (6, 3, 3), (2, 3, 5, 5), (0, 2, 2), (3, 0, 0)])
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_batched_matches_torch(rng, ref_torch, dt, shape, upper):
    m = rng.standard_normal(shape)
    A = (m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dt)
    want = ref_torch.linalg.cholesky(ref_torch.from_numpy(A), upper=upper).numpy()
    pA = P.from_numpy(np.ascontiguousarray(np.swapaxes(A, -1, -2))).mT      # non-contiguous (A symmetric)
    got = P.linalg.cholesky(pA, upper=upper)
    assert got.dtype == pA.dtype and tuple(got.shape) == want.shape
    np.testing.assert_allclose(got.numpy(), want, **TOL[dt])
    np.testing.assert_allclose(P.cholesky(pA, upper).numpy(), want, **TOL[dt])


def test_cholesky_batched_errors_and_grad(rng, ref_torch):
    A = np.stack([np.eye(3), np.diag([1.0, -2.0, 3.0])])
    with pytest.raises(RuntimeError, match=r"cholesky: \(Batch element 1\): The factorization could not be completed "
                                           r"because the input is not positive-definite \(the leading minor of order 2"):
        P.linalg.cholesky(P.from_numpy(A))
    with pytest.raises(ref_torch.linalg.LinAlgError, match=r"\(Batch element 1\).*leading minor of order 2"):
        ref_torch.linalg.cholesky(ref_torch.from_numpy(A))
    with pytest.raises(TypeError, match="float32 or float64"):
        P.linalg.cholesky(P.eye(2, dtype=P.int64))
    with pytest.raises(ValueError, match="square"):
        P.linalg.cholesky(P.ones(2, 2, 3))
    m = rng.standard_normal((3, 4, 4))
    S = m @ np.swapaxes(m, -1, -2) + 4 * np.eye(4)
    ps, rs = P.from_numpy(S).requires_grad_(), ref_torch.from_numpy(S).requires_grad_()
    g = rng.standard_normal((3, 4, 4))
    (P.linalg.cholesky(ps) * P.from_numpy(g)).sum().backward()
    (ref_torch.linalg.cholesky(rs) * ref_torch.from_numpy(g)).sum().backward()
    np.testing.assert_allclose(ps.grad.numpy(), rs.grad.numpy(), rtol=1e-8, atol=1e-10)
