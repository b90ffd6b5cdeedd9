"""linalg.norm, linalg.matrix_norm, linalg.cond, linalg.matrix_rank, linalg.pinv and torch.pinverse
against PyTorch: values (batches, float32/float64, non-contiguous, singular and rank-deficient
inputs), gradients, gradcheck/gradgradcheck, and the errors on bad input."""
import math

import numpy as np
import pytest

import pytorch_like as P
from tests.linalg_check import assert_gradchecks, assert_grads_match, assert_values_match

R = np.random.default_rng(5)
ORDS = ["fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf]
SHAPES = [(3, 3), (4, 2), (2, 5), (2, 3, 4), (2, 1, 3, 3)]


def _any(*s):
    return R.uniform(-1.0, 1.0, s)


def _low_rank(batch, m, n, r):
    return _any(*batch, m, r) @ _any(*batch, r, n)


# ---------------------------------------------------------------------- matrix_norm / norm

@pytest.mark.parametrize("ord", ORDS, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_matrix_norm_values(ref_torch, ord, shape, dtype):
    a = _any(*shape)
    assert_values_match(ref_torch, lambda T, A: T.linalg.matrix_norm(A, ord), [a], dtype)
    assert_values_match(ref_torch, lambda T, A: T.linalg.matrix_norm(A, ord, keepdim=True), [a], dtype,
                        noncontig=True)


@pytest.mark.parametrize("ord", ORDS, ids=str)
@pytest.mark.parametrize("dim", [(0, 2), (2, 0), (-1, 1), (1, -3)])
def test_matrix_norm_dims(ref_torch, ord, dim):
    a = _any(3, 4, 2)
    for keepdim in (False, True):
        assert_values_match(ref_torch, lambda T, A: T.linalg.matrix_norm(A, ord, dim, keepdim), [a])


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, 1, math.inf])
def test_matrix_norm_empty_and_zero(ref_torch, ord):
    assert_values_match(ref_torch, lambda T, A: T.linalg.matrix_norm(A, ord), [np.zeros((2, 0, 3))])
    assert_values_match(ref_torch, lambda T, A: T.linalg.matrix_norm(A, ord), [np.zeros((3, 3))])


def test_matrix_norm_dtype_and_out(ref_torch):
    a = _any(3, 3)
    assert_values_match(ref_torch, lambda T, A: T.linalg.matrix_norm(A, "nuc", dtype=T.float64), [a], "float32",
                        rtol=1e-6)
    out = P.empty(5)
    r = P.linalg.matrix_norm(P.tensor(a), 2, out=out)
    assert r is out and out.shape == ()
    np.testing.assert_allclose(out.item(), np.linalg.norm(a, 2))


NORM_CASES = {
    "all": lambda T, A: T.linalg.norm(A),
    "all_keepdim": lambda T, A: T.linalg.norm(A, keepdim=True),
    "vector_dim": lambda T, A: T.linalg.norm(A, 3, dim=1),
    "vector_dim_tuple": lambda T, A: T.linalg.norm(A, -math.inf, dim=(2,)),
    "vector_default_ord": lambda T, A: T.linalg.norm(A, dim=-1),
    "matrix_dims": lambda T, A: T.linalg.norm(A, dim=(0, 2)),
    "matrix_nuc": lambda T, A: T.linalg.norm(A, "nuc", dim=(1, 2)),
    "matrix_2": lambda T, A: T.linalg.norm(A, 2, dim=(-2, -1), keepdim=True),
    "2d_ord": lambda T, A: T.linalg.norm(A[0], 1),
    "2d_fro": lambda T, A: T.linalg.norm(A[0], "fro"),
    "1d_ord": lambda T, A: T.linalg.norm(A[0, 0], 0.5),
    "1d_inf": lambda T, A: T.linalg.norm(A[0, 0], math.inf),
}


@pytest.mark.parametrize("name", sorted(NORM_CASES))
def test_norm(ref_torch, name):
    a = _any(2, 3, 4)
    assert_values_match(ref_torch, NORM_CASES[name], [a])
    assert_values_match(ref_torch, NORM_CASES[name], [a], "float32", noncontig=True)


@pytest.mark.parametrize("ord", ORDS, ids=str)
def test_matrix_norm_grads(ref_torch, ord):
    fn = lambda T, A: T.linalg.matrix_norm(A, ord)    # noqa: E731
    assert_grads_match(ref_torch, fn, [_any(2, 4, 3)])
    assert_gradchecks(fn, [_any(3, 3)])


@pytest.mark.parametrize("name", ["all", "vector_dim", "matrix_dims", "matrix_nuc", "2d_ord"])
def test_norm_grads(ref_torch, name):
    assert_grads_match(ref_torch, NORM_CASES[name], [_any(2, 3, 4)])


def test_norm_bad_inputs():
    a = P.tensor(_any(3, 3))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        P.linalg.matrix_norm(P.tensor(_any(3)))
    with pytest.raises(ValueError, match="Order 3 not supported"):
        P.linalg.matrix_norm(a, 3)
    with pytest.raises(ValueError, match="Order abc not supported"):
        P.linalg.matrix_norm(a, "abc")
    with pytest.raises(ValueError, match="Order True not supported"):
        P.linalg.matrix_norm(a, True)
    with pytest.raises(ValueError, match="dims must be different"):
        P.linalg.matrix_norm(a, dim=(0, 0))
    with pytest.raises(ValueError, match="dim must be a 2-tuple"):
        P.linalg.matrix_norm(a, dim=(0,))
    with pytest.raises(IndexError, match="out of range"):
        P.linalg.matrix_norm(a, dim=(0, 2))
    with pytest.raises(TypeError, match="float32 or float64"):
        P.linalg.matrix_norm(P.ones(3, 3, dtype=P.int64))
    with pytest.raises(TypeError, match="argument 'A'"):
        P.linalg.matrix_norm([[1.0]])
    with pytest.raises(ValueError, match="input must be 1D or 2D. Got 3D"):
        P.linalg.norm(P.tensor(_any(2, 2, 2)), 2)
    with pytest.raises(ValueError, match="must be of length 1 or 2"):
        P.linalg.norm(P.tensor(_any(2, 2, 2)), dim=(0, 1, 2))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        P.linalg.norm(P.tensor(_any(3)), "fro")


# ---------------------------------------------------------------------- cond

COND_PS = [None, 2, -2, "fro", "nuc", 1, -1, math.inf, -math.inf]


@pytest.mark.parametrize("p", COND_PS, ids=str)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cond_values(ref_torch, p, dtype):
    a = _any(2, 4, 4) + 2 * np.eye(4)
    rtol = 1e-8 if dtype == "float64" else 1e-3
    assert_values_match(ref_torch, lambda T, A: T.linalg.cond(A, p), [a], dtype, rtol=rtol)
    assert_values_match(ref_torch, lambda T, A: T.linalg.cond(A, p), [a], dtype, noncontig=True, rtol=rtol)


@pytest.mark.parametrize("p", COND_PS, ids=str)
def test_cond_singular(ref_torch, p):
    # exactly singular matrices in a batch with a regular one: inf (norm-based p) or sigma ratios as PyTorch
    a = np.stack([np.zeros((3, 3)), np.array([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]]), np.eye(3) * 2])
    ours = P.linalg.cond(P.tensor(a), p).numpy()
    ref = ref_torch.linalg.cond(ref_torch.tensor(a), p).numpy()
    for o, r in zip(ours, ref):
        if np.isfinite(r) and r < 1e12:
            np.testing.assert_allclose(o, r, rtol=1e-9)
        elif np.isnan(r):
            assert np.isnan(o)
        else:        # inf, or a huge ratio with a rounding-error smallest singular value
            assert o == math.inf or o > 1e12


def test_cond_non_square(ref_torch):
    assert_values_match(ref_torch, lambda T, A: T.linalg.cond(A), [_any(2, 3, 5)])
    assert_values_match(ref_torch, lambda T, A: T.linalg.cond(A, -2), [_any(4, 2)])
    with pytest.raises(ValueError, match=r"cond\(ord=fro\): A must be batches of square matrices"):
        P.linalg.cond(P.tensor(_any(2, 3)), "fro")


@pytest.mark.parametrize("p", [None, -2])
def test_cond_grads_match(ref_torch, p):
    assert_grads_match(ref_torch, lambda T, A: T.linalg.cond(A, p), [_any(2, 3, 3) + 2 * np.eye(3)], rtol=1e-6)


@pytest.mark.parametrize("p", ["fro", "nuc", 1, math.inf])
def test_cond_gradcheck(p):
    # PyTorch's own backward fails for these orders (its inv_ex output is modified in place)
    assert_gradchecks(lambda T, A: T.linalg.cond(A, p), [_any(3, 3) + 2 * np.eye(3)])


def test_cond_bad_inputs():
    with pytest.raises(ValueError, match="invalid norm type: 3"):
        P.linalg.cond(P.tensor(_any(3, 3)), 3)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        P.linalg.cond(P.tensor(_any(3)))
    with pytest.raises(TypeError, match="float32 or float64"):
        P.linalg.cond(P.ones(2, 2, dtype=P.int32))


# ---------------------------------------------------------------------- matrix_rank

RANK_CASES = {
    "default": lambda T, A: T.linalg.matrix_rank(A),
    "atol": lambda T, A: T.linalg.matrix_rank(A, atol=0.5),
    "rtol": lambda T, A: T.linalg.matrix_rank(A, rtol=0.3),
    "atol_rtol": lambda T, A: T.linalg.matrix_rank(A, atol=0.2, rtol=0.1),
    "tol": lambda T, A: T.linalg.matrix_rank(A, 0.4),
    "hermitian": lambda T, A: T.linalg.matrix_rank(A.matmul(A.mT), hermitian=True),
    "atol_tensor": lambda T, A: T.linalg.matrix_rank(A, atol=T.tensor([0.0, 1.0, 100.0], dtype=A.dtype)),
    "rtol_tensor": lambda T, A: T.linalg.matrix_rank(A, rtol=T.tensor([0.5, 0.0, 1e-3], dtype=A.dtype)),
    "both_tensor": lambda T, A: T.linalg.matrix_rank(A, atol=T.tensor([0.0, 1.0, 0.1], dtype=A.dtype),
                                                     rtol=T.tensor([0.5, 0.0, 1e-3], dtype=A.dtype)),
}


@pytest.mark.parametrize("name", sorted(RANK_CASES))
def test_matrix_rank(ref_torch, name):
    a = np.stack([_low_rank((), 5, 5, r) for r in (1, 3, 5)])
    assert_values_match(ref_torch, RANK_CASES[name], [a])
    assert_values_match(ref_torch, RANK_CASES[name], [a], "float32", noncontig=True)


def test_matrix_rank_shapes(ref_torch):
    for a in (_low_rank((2,), 4, 6, 2), _low_rank((), 6, 3, 3), np.zeros((2, 3, 3)), np.zeros((2, 0, 3))):
        assert_values_match(ref_torch, lambda T, A: T.linalg.matrix_rank(A), [a])


def test_matrix_rank_bad_inputs():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        P.linalg.matrix_rank(P.ones(3))
    with pytest.raises(TypeError, match="float32 or float64"):
        P.linalg.matrix_rank(P.ones(3, 3, dtype=P.int64))
    with pytest.raises(TypeError, match="argument 'atol' must be a float or a Tensor"):
        P.linalg.matrix_rank(P.ones(3, 3), atol="x")
    with pytest.raises(ValueError, match="tol cannot be given together"):
        P.linalg.matrix_rank(P.ones(3, 3), 0.1, atol=0.1)


# ---------------------------------------------------------------------- pinv

PINV_CASES = {
    "default": lambda T, A: T.linalg.pinv(A),
    "rcond": lambda T, A: T.linalg.pinv(A, 0.3),
    "rcond_kw": lambda T, A: T.linalg.pinv(A, rcond=0.3),
    "atol": lambda T, A: T.linalg.pinv(A, atol=0.4),
    "rtol": lambda T, A: T.linalg.pinv(A, rtol=0.2),
    "atol_tensor": lambda T, A: T.linalg.pinv(A, atol=T.tensor([0.0, 1.0], dtype=A.dtype)),
    "hermitian": lambda T, A: T.linalg.pinv(A.matmul(A.mT) - 0.5 * A.matmul(A.mT).diagonal(0, -2, -1).diag_embed(),
                                            hermitian=True),
    "pinverse": lambda T, A: T.pinverse(A),
    "pinverse_rcond": lambda T, A: T.pinverse(A, rcond=0.25),
    "method": lambda T, A: A.pinverse(),
}


@pytest.mark.parametrize("name", sorted(PINV_CASES))
@pytest.mark.parametrize("shape", [(2, 4, 4), (2, 5, 3), (2, 3, 5)], ids=str)
def test_pinv_values(ref_torch, name, shape):
    a = _any(*shape)
    assert_values_match(ref_torch, PINV_CASES[name], [a])
    assert_values_match(ref_torch, PINV_CASES[name], [a], "float32", noncontig=True, rtol=1e-3, atol=1e-4)


def test_pinv_rank_deficient_and_empty(ref_torch):
    for a in (_low_rank((2,), 5, 4, 2), np.zeros((3, 2)), np.zeros((2, 0, 3)), _low_rank((), 4, 4, 1)):
        assert_values_match(ref_torch, lambda T, A: T.linalg.pinv(A), [a])
        assert_values_match(ref_torch, lambda T, A: T.linalg.pinv(A, hermitian=True), [a @ np.swapaxes(a, -1, -2)])


def test_pinv_out():
    a = P.tensor(_any(3, 2))
    out = P.empty(0, dtype=P.float64)
    assert P.linalg.pinv(a, out=out) is out
    np.testing.assert_allclose(out.numpy(), np.linalg.pinv(a.numpy()), atol=1e-12)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)], ids=str)
def test_pinv_grads(ref_torch, shape):
    fn = lambda T, A: T.linalg.pinv(A)    # noqa: E731
    assert_grads_match(ref_torch, fn, [_any(*shape)], rtol=1e-6)
    if len(shape) == 2:
        assert_gradchecks(fn, [_any(*shape)])


def test_pinv_hermitian_grads(ref_torch):
    fn = PINV_CASES["hermitian"]
    assert_grads_match(ref_torch, fn, [_any(3, 3)], rtol=1e-6)
    assert_gradchecks(fn, [_any(3, 3)])


def test_pinv_bad_inputs():
    with pytest.raises(ValueError, match="2 or more dimensions"):
        P.linalg.pinv(P.ones(3))
    with pytest.raises(TypeError, match="float32 or float64"):
        P.linalg.pinv(P.ones(3, 3, dtype=P.int64))
    with pytest.raises(ValueError, match="square matrices"):
        P.linalg.pinv(P.ones(3, 2), hermitian=True)
    with pytest.raises(ValueError, match="rcond cannot be given together"):
        P.linalg.pinv(P.ones(3, 3), 0.1, atol=0.1)
    with pytest.raises(TypeError, match="argument 'hermitian' must be bool"):
        P.linalg.pinv(P.ones(3, 3), hermitian="yes")
    with pytest.raises(TypeError, match="argument 'A'"):
        P.pinverse([[1.0]])
    a = P.ones(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="out=... arguments don't support automatic differentiation"):
        P.linalg.pinv(a, out=P.empty(0))
