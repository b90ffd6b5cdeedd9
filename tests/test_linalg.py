"""BLAS products and LAPACK decompositions: differential vs numpy / PyTorch, reconstruction, bad inputs."""
import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like.tensor import from_numpy

FLOATS = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-4, atol=2e-4), np.float64: dict(rtol=1e-10, atol=1e-10)}
LTOL = {np.float32: dict(rtol=1e-3, atol=1e-3), np.float64: dict(rtol=1e-8, atol=1e-8)}


def T(a):
    """A tensor sharing a numpy array's memory and layout (keeps strides, so views stay views)."""
    return from_numpy(a)


def owned(a):
    """A tensor with C-owned (resizable) storage holding a copy of a."""
    return torch.empty(a.shape, dtype=torch.float64 if a.dtype == np.float64 else torch.float32).copy_(T(a))


def N(t):
    return np.array(t.numpy())


def layouts(a):
    """The same matrix in several memory layouts: contiguous, transposed (column-major), strided."""
    yield "c", a
    yield "f", np.asfortranarray(a)
    big = np.zeros((a.shape[0] * 2, a.shape[1] * 3), a.dtype)
    big[::2, ::3] = a
    yield "strided", big[::2, ::3]
    if a.shape[0] > 0 and a.shape[1] > 0:
        big2 = np.zeros((a.shape[1] + 1, a.shape[0] + 2), a.dtype)
        big2[:a.shape[1], :a.shape[0]] = a.T
        yield "T-of-padded", big2[:a.shape[1], :a.shape[0]].T


def randn(rng, *shape, dtype=np.float64):
    return rng.standard_normal(shape).astype(dtype)


# ---------------------------------------------------------------------- mm / addmm

@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("m,k,n", [(5, 7, 3), (1, 4, 1), (6, 1, 2), (33, 17, 9)])
def test_mm_layouts(rng, dt, m, k, n):
    a, b = randn(rng, m, k, dtype=dt), randn(rng, k, n, dtype=dt)
    want = a.astype(np.float64) @ b
    for la, aa in layouts(a):
        for lb, bb in layouts(b):
            got = torch.mm(T(aa), T(bb))
            assert got.dtype == (torch.float32 if dt == np.float32 else torch.float64)
            np.testing.assert_allclose(N(got), want, **TOL[dt], err_msg=f"{la} x {lb}")


def test_mm_transposed_views_no_copy_results(rng):
    a = T(randn(rng, 6, 4))
    b = T(randn(rng, 6, 5))
    got = torch.mm(a.t(), b)          # (4x6) column-major view @ (6x5)
    np.testing.assert_allclose(N(got), N(a).T @ N(b), rtol=1e-12)
    got = b.t() @ a                   # both transposed
    np.testing.assert_allclose(N(got), N(b).T @ N(a), rtol=1e-12)


def test_mm_expanded_and_zero_strides(rng):
    row = randn(rng, 1, 4)
    a = T(row).expand(3, 4)           # stride 0 rows: must be copied
    b = T(randn(rng, 4, 2))
    np.testing.assert_allclose(N(torch.mm(a, b)), np.repeat(row, 3, 0) @ N(b), rtol=1e-12)


@pytest.mark.parametrize("dt", [np.int64, np.int32, np.int16, np.int8, np.uint8])
def test_mm_integer(rng, dt):
    a = rng.integers(-5, 6, (7, 5)).astype(dt)
    b = rng.integers(-5, 6, (5, 4)).astype(dt)
    for _, aa in layouts(a):
        got = torch.mm(T(aa), T(b))
        assert got.dtype.numpy == np.dtype(dt)
        np.testing.assert_array_equal(N(got), (a @ b).astype(dt))


def test_mm_integer_wraps_like_numpy():
    a = np.full((2, 3), 100, np.int8)
    b = np.full((3, 2), 3, np.int8)
    np.testing.assert_array_equal(N(torch.mm(T(a), T(b))), a @ b)


def test_addmm_integer_alpha_beta():
    M = np.arange(4, dtype=np.int64).reshape(2, 2)
    a = np.ones((2, 3), np.int64)
    b = np.ones((3, 2), np.int64)
    got = torch.addmm(T(M), T(a), T(b), beta=2, alpha=3)
    np.testing.assert_array_equal(N(got), 2 * M + 3 * (a @ b))


@pytest.mark.parametrize("dt", FLOATS)
def test_addmm_beta_alpha_broadcast(rng, dt, ref_torch):
    M, a, b = randn(rng, 1, 4, dtype=dt), randn(rng, 3, 5, dtype=dt), randn(rng, 5, 4, dtype=dt)
    got = torch.addmm(T(M), T(a), T(b), beta=0.5, alpha=-2.0)
    want = ref_torch.addmm(ref_torch.from_numpy(M), ref_torch.from_numpy(a), ref_torch.from_numpy(b),
                           beta=0.5, alpha=-2.0).numpy()
    np.testing.assert_allclose(N(got), want, **TOL[dt])


def test_addmm_beta_zero_ignores_nan(rng):
    M = np.full((2, 2), np.nan)
    a, b = randn(rng, 2, 3), randn(rng, 3, 2)
    np.testing.assert_allclose(N(torch.addmm(T(M), T(a), T(b), beta=0)), a @ b, rtol=1e-12)


def test_addmm_inplace_and_out(rng):
    M, a, b = randn(rng, 3, 2), randn(rng, 3, 4), randn(rng, 4, 2)
    m = T(M.copy())
    v0 = m._version
    r = m.addmm_(T(a), T(b), beta=2, alpha=0.5)
    assert r is m and m._version > v0
    np.testing.assert_allclose(N(m), 2 * M + 0.5 * (a @ b), rtol=1e-12)
    # in place on a transposed (column-major) self
    mt = T(np.asfortranarray(M))
    mt.addmm_(T(a), T(b))
    np.testing.assert_allclose(N(mt), M + a @ b, rtol=1e-12)
    out = torch.empty(0, dtype=torch.float64)
    r = torch.mm(T(a), T(b), out=out)
    assert r is out and tuple(out.shape) == (3, 2)
    np.testing.assert_allclose(N(out), a @ b, rtol=1e-12)
    with pytest.raises(RuntimeError, match="addmm_"):
        T(np.zeros((1, 2))).addmm_(T(a), T(b))


def test_out_aliasing_input(rng):
    a = randn(rng, 3, 3)
    b = randn(rng, 3, 3)
    ta, tb = T(a.copy()), T(b.copy())
    torch.mm(ta, tb, out=ta)              # out is an input: computed via a temporary
    np.testing.assert_allclose(N(ta), a @ b, rtol=1e-12)
    tb = T(b.copy())
    torch.matmul(tb.t(), tb, out=tb)
    np.testing.assert_allclose(N(tb), b.T @ b, rtol=1e-12)
    # out is an input and the result has another shape: inputs are read before out is resized
    a2, b2 = randn(rng, 2, 3), randn(rng, 3, 5)
    ta2 = owned(a2)
    torch.mm(ta2, T(b2), out=ta2)
    np.testing.assert_allclose(N(ta2), a2 @ b2, rtol=1e-12)
    ta2 = owned(a2)
    torch.matmul(ta2, T(b2[None]), out=ta2)
    np.testing.assert_allclose(N(ta2), (a2 @ b2)[None], rtol=1e-12)
    M = randn(rng, 1, 5)
    tM = owned(M)
    torch.addmm(tM, T(a2), T(b2), out=tM)      # out is a broadcast M: read before the resize
    np.testing.assert_allclose(N(tM), M + a2 @ b2, rtol=1e-12)
    x = owned(a2)
    torch.inverse(T(np.eye(2) * 2), out=x)      # LAPACK: inputs are copied first
    np.testing.assert_allclose(N(x), np.eye(2) / 2)


def test_out_with_other_dtype(rng):
    a, b = randn(rng, 2, 3, dtype=np.float32), randn(rng, 3, 2, dtype=np.float32)
    out = torch.empty(0, dtype=torch.float64)
    torch.mm(T(a), T(b), out=out)
    assert out.dtype == torch.float64
    np.testing.assert_allclose(N(out), a.astype(np.float64) @ b, rtol=1e-5)


@pytest.mark.parametrize("shapes", [((0, 3), (3, 4)), ((3, 0), (0, 4)), ((3, 4), (4, 0)), ((0, 0), (0, 0))])
def test_mm_zero_size(shapes):
    a, b = np.ones(shapes[0]), np.ones(shapes[1])
    got = torch.mm(T(a), T(b))
    assert tuple(got.shape) == (a @ b).shape
    np.testing.assert_array_equal(N(got), a @ b)
    M = np.full((a.shape[0], b.shape[1]), 2.0)
    np.testing.assert_array_equal(N(torch.addmm(T(M), T(a), T(b), beta=3)), 3 * M + a @ b)


def test_mm_bad_inputs():
    with pytest.raises(ValueError, match=r"mm: mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        torch.mm(torch.zeros(2, 3), torch.zeros(4, 5))
    with pytest.raises(ValueError, match="mat1 must be a matrix"):
        torch.mm(torch.zeros(3), torch.zeros(3, 2))
    with pytest.raises(ValueError, match="mat2 must be a matrix"):
        torch.mm(torch.zeros(2, 3), torch.zeros(3, 2, 1))
    with pytest.raises(TypeError, match="same dtype.*float32 != float64"):
        torch.mm(torch.zeros(2, 3), torch.zeros(3, 2, dtype=torch.float64))
    with pytest.raises(TypeError, match="float16"):
        torch.mm(torch.zeros(2, 3, dtype=torch.float16), torch.zeros(3, 2, dtype=torch.float16))
    with pytest.raises(TypeError, match="must be Tensor"):
        torch.mm(torch.zeros(2, 3), [[1.0]])
    with pytest.raises(ValueError, match=r"addmm: the input of shape \[3, 3\] cannot be broadcast"):
        torch.addmm(torch.zeros(3, 3), torch.zeros(2, 3), torch.zeros(3, 2))
    with pytest.raises(TypeError, match="beta"):
        torch.addmm(torch.zeros(2, 2), torch.zeros(2, 3), torch.zeros(3, 2), beta="x")


# ---------------------------------------------------------------------- mv / dot / outer / addr

@pytest.mark.parametrize("dt", FLOATS)
def test_mv_addmv(rng, dt):
    a, v, y = randn(rng, 5, 4, dtype=dt), randn(rng, 4, dtype=dt), randn(rng, 5, dtype=dt)
    for _, aa in layouts(a):
        np.testing.assert_allclose(N(torch.mv(T(aa), T(v))), a @ v, **TOL[dt])
    vs = np.zeros(8, dt)
    vs[::2] = v
    np.testing.assert_allclose(N(torch.mv(T(a), T(vs[::2]))), a @ v, **TOL[dt])
    np.testing.assert_allclose(N(torch.addmv(T(y), T(a), T(v), beta=2, alpha=3)), 2 * y + 3 * (a @ v), **TOL[dt])
    ty = T(y.copy())
    ty.addmv_(T(a), T(v), alpha=-1)
    np.testing.assert_allclose(N(ty), y - a @ v, **TOL[dt])
    np.testing.assert_array_equal(N(torch.mv(T(np.ones((3, 0), dt)), T(np.ones(0, dt)))), np.zeros(3))
    with pytest.raises(ValueError, match=r"mv: size mismatch, got mat \(5x4\) and vec \(3\)"):
        torch.mv(T(a), T(np.ones(3, dt)))
    with pytest.raises(ValueError, match="vec must be a vector"):
        torch.mv(T(a), T(a))


@pytest.mark.parametrize("dt", FLOATS + [np.int64])
def test_dot(rng, dt):
    a = (rng.standard_normal(9) * 4).astype(dt)
    b = (rng.standard_normal(9) * 4).astype(dt)
    got = torch.dot(T(a), T(b))
    assert got.dim() == 0
    np.testing.assert_allclose(got.item(), np.dot(a, b), rtol=1e-5)
    np.testing.assert_allclose(torch.vdot(T(a[::2]), T(b[::2])).item(), np.dot(a[::2], b[::2]), rtol=1e-5)
    assert torch.dot(T(a[:0]), T(b[:0])).item() == 0
    with pytest.raises(ValueError, match="inconsistent tensor size"):
        torch.dot(T(a), T(b[:3]))
    with pytest.raises(ValueError, match="1D tensors expected, but got 2D and 1D"):
        torch.dot(T(a.reshape(3, 3)), T(b))


@pytest.mark.parametrize("dt", FLOATS)
def test_outer_addr(rng, dt):
    x, y, M = randn(rng, 4, dtype=dt), randn(rng, 3, dtype=dt), randn(rng, 4, 3, dtype=dt)
    np.testing.assert_allclose(N(torch.outer(T(x), T(y))), np.outer(x, y), **TOL[dt])
    np.testing.assert_allclose(N(torch.ger(T(x), T(y))), np.outer(x, y), **TOL[dt])
    np.testing.assert_allclose(N(torch.addr(T(M), T(x), T(y), alpha=2)), M + 2 * np.outer(x, y), **TOL[dt])
    tm = T(M.copy())
    tm.addr_(T(x), T(y), beta=0)
    np.testing.assert_allclose(N(tm), np.outer(x, y), **TOL[dt])
    with pytest.raises(ValueError, match="vec1 must be a vector"):
        torch.outer(T(M), T(y))


def test_inner(rng):
    a, b = randn(rng, 2, 3, 4), randn(rng, 5, 4)
    np.testing.assert_allclose(N(torch.inner(T(a), T(b))), np.inner(a, b), rtol=1e-12)
    with pytest.raises(ValueError, match="last dimensions"):
        torch.inner(T(a), T(randn(rng, 5, 3)))


# ---------------------------------------------------------------------- batched

@pytest.mark.parametrize("dt", FLOATS)
def test_bmm_baddbmm_addbmm(rng, dt, ref_torch):
    a, b, M = randn(rng, 3, 4, 5, dtype=dt), randn(rng, 3, 5, 2, dtype=dt), randn(rng, 3, 4, 2, dtype=dt)
    np.testing.assert_allclose(N(torch.bmm(T(a), T(b))), a @ b, **TOL[dt])
    at = np.ascontiguousarray(a.transpose(0, 2, 1)).transpose(0, 2, 1)   # per-batch column-major
    np.testing.assert_allclose(N(torch.bmm(T(at), T(b))), a @ b, **TOL[dt])
    np.testing.assert_allclose(N(torch.baddbmm(T(M), T(a), T(b), beta=0.5, alpha=2)), 0.5 * M + 2 * (a @ b), **TOL[dt])
    M2 = randn(rng, 4, 2, dtype=dt)
    got = torch.addbmm(T(M2), T(a), T(b), beta=2, alpha=-1)
    want = ref_torch.addbmm(ref_torch.from_numpy(M2), ref_torch.from_numpy(a), ref_torch.from_numpy(b),
                            beta=2, alpha=-1).numpy()
    np.testing.assert_allclose(N(got), want, **TOL[dt])
    tm = T(M.copy())
    tm.baddbmm_(T(a), T(b))
    np.testing.assert_allclose(N(tm), M + a @ b, **TOL[dt])
    tm2 = T(M2.copy())
    tm2.addbmm_(T(a), T(b))
    np.testing.assert_allclose(N(tm2), M2 + (a @ b).sum(0), **TOL[dt])
    e = np.zeros((0, 4, 5), dt)
    assert tuple(torch.bmm(T(e), T(np.zeros((0, 5, 2), dt))).shape) == (0, 4, 2)
    np.testing.assert_allclose(N(torch.addbmm(T(M2), T(e), T(np.zeros((0, 5, 2), dt)), beta=3)), 3 * M2, **TOL[dt])
    with pytest.raises(ValueError, match="batch1 and batch2 shapes cannot be multiplied"):
        torch.bmm(T(a), T(randn(rng, 2, 5, 2, dtype=dt)))
    with pytest.raises(ValueError, match="batch1 must be a 3-D tensor"):
        torch.bmm(T(a[0]), T(b))


# ---------------------------------------------------------------------- matmul

MATMUL_SHAPES = [
    ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)), ((3, 4), (4, 5)),
    ((2, 3, 4), (4,)), ((4,), (2, 4, 5)), ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (5, 4, 2)), ((1, 3, 4), (6, 4, 2)), ((2, 3, 0), (0, 5)), ((0, 3, 4), (4, 2)),
    ((2, 2, 3, 4), (2, 2, 4, 1)), ((7, 1, 4), (4, 3)),
]


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_matmul_broadcasting(rng, dt, sa, sb):
    a, b = randn(rng, *sa, dtype=dt), randn(rng, *sb, dtype=dt)
    want = np.matmul(a.astype(np.float64), b)
    got = torch.matmul(T(a), T(b))
    assert tuple(got.shape) == want.shape
    np.testing.assert_allclose(N(got), want, **TOL[dt])
    got = T(a) @ T(b)
    np.testing.assert_allclose(N(got), want, **TOL[dt])
    if len(sa) >= 2:   # transposed batch operand
        at = np.ascontiguousarray(np.swapaxes(a, -1, -2))
        np.testing.assert_allclose(N(torch.matmul(T(at).mT, T(b))), want, **TOL[dt])


def test_matmul_integer_and_ops(rng):
    a = rng.integers(-3, 4, (2, 3, 4)).astype(np.int64)
    b = rng.integers(-3, 4, (4, 2)).astype(np.int64)
    np.testing.assert_array_equal(N(T(a) @ T(b)), a @ b)
    np.testing.assert_array_equal(N(T(b).__rmatmul__(T(a))), a @ b)
    sq = rng.integers(-3, 4, (3, 3)).astype(np.int64)
    x = T(sq.copy())
    x @= T(sq)
    np.testing.assert_array_equal(N(x), sq @ sq)
    with pytest.raises(RuntimeError, match="in place"):
        y = T(np.ones((3, 1)))
        y @= T(np.ones((1, 3)))
    assert T(a).__matmul__(3) is NotImplemented


def test_matmul_vs_torch_noncontiguous(rng, ref_torch):
    a = randn(rng, 3, 5, 4)
    b = randn(rng, 5, 6, 3)
    ta, tb = T(a).permute(0, 2, 1), T(b).transpose(0, 2)      # (3,4,5) and (3,6,5)... make compatible
    tb = tb.transpose(1, 2)                                   # (3,5,6)
    want = ref_torch.matmul(ref_torch.from_numpy(a).permute(0, 2, 1),
                            ref_torch.from_numpy(b).transpose(0, 2).transpose(1, 2)).numpy()
    np.testing.assert_allclose(N(torch.matmul(ta, tb)), want, rtol=1e-12)


def test_matmul_bad_inputs():
    with pytest.raises(ValueError, match="at least 1D"):
        torch.matmul(torch.zeros(()), torch.zeros(3))
    with pytest.raises(ValueError, match=r"shapes cannot be multiplied \(3x4 and 5x2\)"):
        torch.matmul(torch.zeros(2, 3, 4), torch.zeros(5, 2))
    with pytest.raises(ValueError, match="size mismatch"):
        torch.matmul(torch.zeros(3), torch.zeros(2, 4, 5))
    with pytest.raises(ValueError, match="batch dimensions"):
        torch.matmul(torch.zeros(2, 3, 4), torch.zeros(3, 4, 5))
    with pytest.raises(TypeError, match="same dtype"):
        torch.matmul(torch.zeros(2, 3, 4), torch.zeros(4, 5, dtype=torch.int64))


def test_blas_size_limit_refused():
    # a 1 x 2^31 row: sizes beyond the 32-bit BLAS must be refused, not truncated
    big = 2 ** 31
    base = torch.zeros(1, dtype=torch.float32)
    a = base.as_strided((1, big), (0, 0))
    b = base.as_strided((big, 1), (0, 0))
    with pytest.raises(ValueError, match="2\\^31"):
        torch.mm(a, b)


# ---------------------------------------------------------------------- LAPACK

def spd(rng, n, dt=np.float64):
    a = rng.standard_normal((n, n))
    return (a @ a.T + n * np.eye(n)).astype(dt)


@pytest.mark.parametrize("dt", FLOATS)
def test_solve_gesv(rng, dt, ref_torch):
    a, b = randn(rng, 5, 5, dtype=dt) + 5 * np.eye(5, dtype=dt), randn(rng, 5, 3, dtype=dt)
    for _, aa in layouts(a):
        x = torch.linalg.solve(T(aa), T(b))
        np.testing.assert_allclose(a.astype(np.float64) @ N(x), b, **LTOL[dt])
    a_before = a.copy()
    x, lu = torch.gesv(T(b), T(a))
    np.testing.assert_array_equal(a, a_before)           # inputs are never modified
    np.testing.assert_allclose(N(x), np.linalg.solve(a, b), **LTOL[dt])
    assert tuple(lu.shape) == (5, 5)
    xv = torch.linalg.solve(T(a), T(b[:, 0]))
    assert tuple(xv.shape) == (5,)
    np.testing.assert_allclose(N(xv), np.linalg.solve(a, b[:, 0]), **LTOL[dt])
    xl = torch.linalg.solve(T(a), T(b.T.copy()), left=False)
    np.testing.assert_allclose(N(xl) @ a, b.T, **LTOL[dt])
    # batched with broadcasting
    A3 = randn(rng, 2, 4, 4, dtype=dt) + 4 * np.eye(4, dtype=dt)
    B3 = randn(rng, 4, 2, dtype=dt)
    want = ref_torch.linalg.solve(ref_torch.from_numpy(A3), ref_torch.from_numpy(B3)).numpy()
    np.testing.assert_allclose(N(torch.linalg.solve(T(A3), T(B3))), want, **LTOL[dt])


def test_solve_bad_inputs(rng):
    with pytest.raises(RuntimeError, match=r"singular \(U\(2,2\) is zero\)"):
        torch.linalg.solve(T(np.array([[1.0, 2.0], [2.0, 4.0]])), T(np.ones(2)))
    with pytest.raises(ValueError, match="square"):
        torch.linalg.solve(T(np.ones((2, 3))), T(np.ones(2)))
    with pytest.raises(ValueError, match="b has 3 rows"):
        torch.gesv(T(np.ones((3, 1))), T(np.eye(2)))
    with pytest.raises(TypeError, match="float32 or float64"):
        torch.gesv(T(np.ones((2, 1), np.int64)), T(np.eye(2, dtype=np.int64)))
    with pytest.raises(TypeError, match="same dtype"):
        torch.gesv(T(np.ones((2, 1), np.float32)), T(np.eye(2)))


@pytest.mark.parametrize("dt", FLOATS)
def test_inverse_det(rng, dt, ref_torch):
    a = randn(rng, 6, 6, dtype=dt) + 3 * np.eye(6, dtype=dt)
    for _, aa in layouts(a):
        inv = torch.inverse(T(aa))
        np.testing.assert_allclose(N(inv) @ a.astype(np.float64), np.eye(6), **LTOL[dt])
        np.testing.assert_allclose(torch.det(T(aa)).item(), np.linalg.det(a.astype(np.float64)), rtol=1e-4)
    np.testing.assert_allclose(N(torch.linalg.inv(T(a))), np.linalg.inv(a), **LTOL[dt])
    # det sign from pivots
    p = np.array([[0.0, 1.0], [1.0, 0.0]], dt)
    assert torch.linalg.det(T(p)).item() == -1.0
    assert torch.det(T(np.array([[1.0, 2.0], [2.0, 4.0]], dt))).item() == 0.0
    assert torch.det(T(np.zeros((0, 0), dt))).item() == 1.0
    A3 = randn(rng, 3, 4, 4, dtype=dt)
    np.testing.assert_allclose(N(torch.det(T(A3))), np.linalg.det(A3), rtol=1e-3)
    np.testing.assert_allclose(N(torch.inverse(T(A3))),
                               ref_torch.inverse(ref_torch.from_numpy(A3)).numpy(), rtol=1e-3, atol=1e-3)
    assert tuple(torch.inverse(T(np.zeros((0, 3, 3), dt))).shape) == (0, 3, 3)


def test_inverse_bad_inputs():
    with pytest.raises(RuntimeError, match=r"inverse: The diagonal element 2 is zero, the inversion could not be "
                                            "completed because the input matrix is singular"):
        torch.inverse(T(np.array([[1.0, 2.0], [2.0, 4.0]])))
    with pytest.raises(ValueError, match="square"):
        torch.inverse(T(np.ones((2, 3))))
    with pytest.raises(TypeError, match="float32 or float64"):
        torch.linalg.inv(T(np.eye(2, dtype=np.int32)))
    with pytest.raises(ValueError, match="square"):
        torch.det(T(np.ones((3, 2))))


@pytest.mark.parametrize("dt", FLOATS)
def test_slogdet(rng, dt):
    a = randn(rng, 5, 5, dtype=dt)
    s, la = torch.linalg.slogdet(T(a))
    ws, wla = np.linalg.slogdet(a.astype(np.float64))
    assert s.item() == ws
    np.testing.assert_allclose(la.item(), wla, rtol=1e-4)
    big = (np.eye(80) * 1e5).astype(dt)           # det overflows, slogdet does not
    big[0, 0] = -1e5
    s, la = torch.slogdet(T(big))
    assert s.item() == -1.0
    np.testing.assert_allclose(la.item(), 80 * np.log(1e5), rtol=1e-5)


@pytest.mark.parametrize("dt", FLOATS)
def test_cholesky_family(rng, dt):
    a = spd(rng, 5, dt)
    L = N(torch.linalg.cholesky(T(a)))
    np.testing.assert_allclose(L, np.linalg.cholesky(a.astype(np.float64)), **LTOL[dt])
    assert np.all(np.triu(L, 1) == 0)
    U = N(torch.potrf(T(a)))                        # Torch7 default: upper, a = U^T U
    assert np.all(np.tril(U, -1) == 0)
    np.testing.assert_allclose(U.T @ U, a, **LTOL[dt])
    np.testing.assert_allclose(N(torch.cholesky(T(a), upper=True)), U, **LTOL[dt])
    np.testing.assert_allclose(N(torch.linalg.cholesky(T(a), upper=True)), U, **LTOL[dt])
    b = randn(rng, 5, 2, dtype=dt)
    x = N(torch.potrs(T(b), T(U)))
    np.testing.assert_allclose(a.astype(np.float64) @ x, b, **LTOL[dt])
    x = N(torch.cholesky_solve(T(b), T(L)))
    np.testing.assert_allclose(a.astype(np.float64) @ x, b, **LTOL[dt])
    inv = N(torch.potri(T(U)))
    np.testing.assert_allclose(inv, np.linalg.inv(a.astype(np.float64)), **LTOL[dt])
    np.testing.assert_allclose(N(torch.cholesky_inverse(T(L))), inv, **LTOL[dt])
    batch = np.stack([spd(rng, 3, dt), spd(rng, 3, dt)])
    Lb = N(torch.linalg.cholesky(T(batch)))
    np.testing.assert_allclose(Lb @ np.swapaxes(Lb, -1, -2), batch, **LTOL[dt])


def test_cholesky_not_pd():
    a = np.diag([1.0, 2.0, -1.0])
    with pytest.raises(RuntimeError, match="leading minor of order 3 is not positive-definite"):
        torch.linalg.cholesky(T(a))
    with pytest.raises(ValueError, match="square"):
        torch.potrf(T(np.ones((2, 3))))
    with pytest.raises(TypeError, match="float32 or float64"):
        torch.potrf(T(np.eye(2, dtype=np.int64)))


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("m,n", [(6, 4), (4, 6), (5, 5), (0, 3), (3, 0)])
def test_qr(rng, dt, m, n):
    a = randn(rng, m, n, dtype=dt)
    k = min(m, n)
    for _, aa in layouts(a):
        q, r = torch.linalg.qr(T(aa))
        q, r = N(q), N(r)
        assert q.shape == (m, k) and r.shape == (k, n)
        np.testing.assert_allclose(q @ r, a, **LTOL[dt])
        np.testing.assert_allclose(q.T @ q, np.eye(k), **LTOL[dt])
        assert np.all(np.tril(r, -1) == 0)
    q, r = torch.linalg.qr(T(a), mode="complete")
    q, r = N(q), N(r)
    assert q.shape == (m, m) and r.shape == (m, n)
    np.testing.assert_allclose(q @ r, a, **LTOL[dt])
    np.testing.assert_allclose(q.T @ q, np.eye(m), **LTOL[dt])
    q2, r2 = torch.qr(T(a))
    np.testing.assert_allclose(N(r2), np.linalg.qr(a.astype(np.float64))[1], **LTOL[dt])


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("m,n", [(6, 4), (4, 6), (5, 5), (0, 3)])
def test_svd(rng, dt, m, n):
    a = randn(rng, m, n, dtype=dt)
    k = min(m, n)
    for _, aa in layouts(a):
        u, s, v = torch.svd(T(aa))                     # reduced, returns V
        u, s, v = N(u), N(s), N(v)
        assert u.shape == (m, k) and s.shape == (k,) and v.shape == (n, k)
        np.testing.assert_allclose((u * s) @ v.T, a, **LTOL[dt])
        np.testing.assert_allclose(s, np.linalg.svd(a.astype(np.float64), compute_uv=False), **LTOL[dt])
        assert np.all(np.diff(s) <= 0)
    U, S, Vh = torch.linalg.svd(T(a))                 # full matrices, returns Vh
    U, S, Vh = N(U), N(S), N(Vh)
    assert U.shape == (m, m) and Vh.shape == (n, n)
    np.testing.assert_allclose(U.T @ U, np.eye(m), **LTOL[dt])
    np.testing.assert_allclose(Vh @ Vh.T, np.eye(n), **LTOL[dt])
    np.testing.assert_allclose((U[:, :k] * S) @ Vh[:k], a, **LTOL[dt])
    np.testing.assert_allclose(N(torch.linalg.svdvals(T(a))), S, **LTOL[dt])


@pytest.mark.parametrize("dt", FLOATS)
def test_eigh_symeig(rng, dt):
    a = spd(rng, 5, dt) - 3 * np.eye(5, dtype=dt)
    e, v = torch.linalg.eigh(T(a))
    e, v = N(e), N(v)
    np.testing.assert_allclose(e, np.linalg.eigvalsh(a.astype(np.float64)), **LTOL[dt])
    assert np.all(np.diff(e) >= 0)
    np.testing.assert_allclose(a @ v, v * e, **LTOL[dt])
    np.testing.assert_allclose(N(torch.linalg.eigvalsh(T(a), UPLO="U")), e, **LTOL[dt])
    # only the chosen triangle is read
    junk = a.copy()
    junk[np.triu_indices(5, 1)] = 99
    np.testing.assert_allclose(N(torch.linalg.eigvalsh(T(junk))), e, **LTOL[dt])
    e2, v2 = torch.symeig(T(a), eigenvectors=True)
    np.testing.assert_allclose(N(e2), e, **LTOL[dt])
    e3, v3 = torch.symeig(T(a))
    assert v3.numel() == 0
    with pytest.raises(ValueError, match="UPLO"):
        torch.linalg.eigh(T(a), UPLO="X")


@pytest.mark.parametrize("dt", FLOATS)
def test_eig(rng, dt):
    rot = np.array([[0.0, -1.0], [1.0, 0.0]], dt)
    e, v = torch.eig(T(rot), eigenvectors=True)
    e = N(e)
    assert e.shape == (2, 2)
    np.testing.assert_allclose(sorted(e[:, 1]), [-1, 1], **LTOL[dt])
    np.testing.assert_allclose(e[:, 0], [0, 0], **LTOL[dt])
    with pytest.raises(NotImplementedError, match="complex"):
        torch.linalg.eig(T(rot))
    a = np.triu(randn(rng, 4, 4, dtype=dt)) + np.diag([1.0, 2.0, 3.0, 4.0]).astype(dt)
    w, vr = torch.linalg.eig(T(a))
    w, vr = N(w), N(vr)
    np.testing.assert_allclose(np.sort(w), np.sort(np.linalg.eigvals(a.astype(np.float64)).real), **LTOL[dt])
    np.testing.assert_allclose(a @ vr, vr * w, **LTOL[dt])
    np.testing.assert_allclose(np.sort(N(torch.linalg.eigvals(T(a)))), np.sort(w), **LTOL[dt])
    e, v = torch.eig(T(a))
    assert v.numel() == 0 and N(e).shape == (4, 2)


@pytest.mark.parametrize("dt", FLOATS)
def test_triangular(rng, dt, ref_torch):
    a = np.triu(randn(rng, 5, 5, dtype=dt)) + 4 * np.eye(5, dtype=dt)
    b = randn(rng, 5, 3, dtype=dt)
    x = N(torch.linalg.solve_triangular(T(a), T(b), upper=True))
    np.testing.assert_allclose(a.astype(np.float64) @ x, b, **LTOL[dt])
    x, acopy = torch.trtrs(T(b), T(a), transpose=True)
    np.testing.assert_allclose(a.T.astype(np.float64) @ N(x), b, **LTOL[dt])
    np.testing.assert_array_equal(N(acopy), a)
    lo = a.T.copy()
    x = N(torch.triangular_solve(T(b), T(lo), upper=False, unitriangular=True)[0])
    lu1 = np.tril(lo, -1) + np.eye(5)
    np.testing.assert_allclose(lu1 @ x, b, **LTOL[dt])
    xr = N(torch.linalg.solve_triangular(T(a), T(b.T.copy()), upper=True, left=False))
    want = ref_torch.linalg.solve_triangular(ref_torch.from_numpy(a), ref_torch.from_numpy(b.T.copy()),
                                             upper=True, left=False).numpy()
    np.testing.assert_allclose(xr, want, **LTOL[dt])
    with pytest.raises(RuntimeError, match=r"trtrs: the triangular matrix A is singular \(A\(2,2\) is zero\)"):
        torch.trtrs(T(b), T(np.triu(np.ones((5, 5), dt)) - np.diag([0, 1, 0, 0, 0]).astype(dt)))


@pytest.mark.parametrize("dt", FLOATS)
def test_lstsq_gels(rng, dt):
    a, b = randn(rng, 8, 3, dtype=dt), randn(rng, 8, 2, dtype=dt)
    x = N(torch.linalg.lstsq(T(a), T(b)).solution)
    np.testing.assert_allclose(x, np.linalg.lstsq(a.astype(np.float64), b, rcond=None)[0], **LTOL[dt])
    x = N(torch.gels(T(b[:, 0].copy()), T(a)))
    assert x.shape == (3,)
    w = randn(rng, 2, 5, dtype=dt)                 # wide: least-norm solution
    bw = randn(rng, 2, dtype=dt)
    x = N(torch.gels(T(bw), T(w)))
    np.testing.assert_allclose(x, np.linalg.pinv(w.astype(np.float64)) @ bw, **LTOL[dt])
    r = torch.linalg.lstsq(T(np.stack([a, a])), T(np.stack([b, b])))
    assert tuple(r.solution.shape) == (2, 3, 2)
    with pytest.raises(RuntimeError, match="full rank"):
        torch.gels(T(b), T(np.concatenate([a[:, :2], np.zeros((8, 1), dt)], 1)))
    with pytest.raises(ValueError, match="b has 7 rows"):
        torch.gels(T(b[:7]), T(a))


def test_lapack_outputs_do_not_alias_inputs(rng):
    a = spd(rng, 4)
    ta = T(a.copy())
    torch.linalg.inv(ta)
    torch.linalg.cholesky(ta)
    torch.linalg.qr(ta)
    torch.linalg.svd(ta)
    torch.linalg.eigh(ta)
    np.testing.assert_array_equal(N(ta), a)
    out = torch.empty(0, dtype=torch.float64)
    r = torch.inverse(ta, out=out)
    assert r is out
    np.testing.assert_allclose(N(out) @ a, np.eye(4), atol=1e-10)


def test_nonfinite_inputs_refused_clearly():
    a = np.eye(3)
    a[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"svd: the input matrix contains non-finite values"):
        torch.linalg.svd(T(a))
    with pytest.raises(ValueError, match=r"eig: the input matrix contains non-finite values"):
        torch.eig(T(a))
    with pytest.raises(ValueError, match=r"symeig: the input matrix contains non-finite values"):
        torch.linalg.eigvalsh(T(a.T.copy()))          # NaN in the lower triangle, which is read
    np.testing.assert_allclose(N(torch.linalg.eigvalsh(T(a))), [1, 1, 1])   # upper NaN is not read


try:
    from hypothesis import given, settings, strategies as st
except ImportError:  # pragma: no cover
    given = None

if given is not None:
    @settings(max_examples=40, deadline=None)
    @given(st.data())
    def test_matmul_hypothesis(data):
        """Random shapes (incl. zero sizes, broadcast batches) and layouts against numpy."""
        rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 32 - 1)))
        m, k, n = (data.draw(st.integers(0, 6)) for _ in range(3))
        batch_a = tuple(data.draw(st.lists(st.sampled_from([1, 2, 3]), max_size=2)))
        batch_b = batch_a[len(batch_a) - data.draw(st.integers(0, len(batch_a))):]
        batch_b = tuple(1 if data.draw(st.booleans()) else s for s in batch_b)
        dt = data.draw(st.sampled_from([np.float32, np.float64, np.int64]))
        a = (rng.standard_normal(batch_a + (m, k)) * 3).astype(dt)
        b = (rng.standard_normal(batch_b + (k, n)) * 3).astype(dt)
        if data.draw(st.booleans()):
            a = np.swapaxes(np.ascontiguousarray(np.swapaxes(a, -1, -2)), -1, -2)   # column-major matrices
        if data.draw(st.booleans()):
            b = np.swapaxes(np.ascontiguousarray(np.swapaxes(b, -1, -2)), -1, -2)
        if data.draw(st.booleans()) and not batch_a:
            a = (rng.standard_normal(2 * k) * 3).astype(dt)[::2]                    # 1-D strided left operand
        want = np.matmul(a.astype(np.float64), b.astype(np.float64))
        got = torch.matmul(T(a), T(b))
        assert tuple(got.shape) == want.shape
        np.testing.assert_allclose(N(got).astype(np.float64), want, rtol=1e-4, atol=1e-4)
