"""The LU family against PyTorch: linalg.lu_factor(_ex), linalg.lu, linalg.lu_solve, torch.lu_unpack,
torch.lu, torch.lu_solve. Pivots are 1-based int32 as PyTorch's; values on square, tall, wide and
batched inputs (float32/float64, non-contiguous), singular inputs, gradients (the LU backward),
gradcheck/gradgradcheck, and the errors on bad input."""
import numpy as np
import pytest

import pytorch_like as P
from tests.linalg_check import assert_gradchecks, assert_grads_match, assert_values_match

R = np.random.default_rng(9)
SHAPES = [(4, 4), (1, 1), (5, 3), (3, 5), (2, 4, 4), (2, 1, 3, 3), (3, 2, 4)]
# torch.lu / torch.lu_solve are deprecated in PyTorch (it warns); they are compared on purpose
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated:UserWarning")


def _any(*s):
    return R.uniform(-1.0, 1.0, s)


def _wellcond(*s):
    return _any(*s) + 3 * np.eye(s[-1])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lu_factor_values(ref_torch, shape, dtype):
    a = _any(*shape)
    for nc in (False, True):
        LU, piv = assert_values_match(ref_torch, lambda T, A: tuple(T.linalg.lu_factor(A)), [a], dtype, noncontig=nc)
        assert piv.dtype == np.int32 and piv.min() >= 1
        assert_values_match(ref_torch, lambda T, A: tuple(T.linalg.lu_factor_ex(A)), [a], dtype, noncontig=nc)
        assert_values_match(ref_torch, lambda T, A: tuple(T.linalg.lu(A)), [a], dtype, noncontig=nc)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_lu_reconstructs(shape):
    a = _any(*shape)
    Pm, L, U = P.linalg.lu(P.tensor(a))
    np.testing.assert_allclose((Pm.matmul(L).matmul(U)).numpy(), a, atol=1e-12)
    k = min(shape[-2:])
    assert tuple(L.shape) == shape[:-1] + (k,) and tuple(U.shape) == shape[:-2] + (k, shape[-1])


def test_lu_unpack(ref_torch):
    a = _any(2, 5, 3)
    for data, pivots in ((True, True), (False, True), (True, False)):
        assert_values_match(ref_torch, lambda T, A: tuple(T.lu_unpack(*T.linalg.lu_factor(A), data, pivots)), [a])
    out = [P.empty(0, dtype=P.float64) for _ in range(3)]
    r = P.lu_unpack(*P.linalg.lu_factor(P.tensor(a)), out=out)
    assert all(x is o for x, o in zip(r, out))


def test_lu_empty(ref_torch):
    for a in (np.zeros((0, 0)), np.zeros((2, 0, 3)), np.zeros((0, 3, 3))):
        assert_values_match(ref_torch, lambda T, A: tuple(T.linalg.lu_factor_ex(A)), [a])
        assert_values_match(ref_torch, lambda T, A: tuple(T.linalg.lu(A)), [a])


def test_singular(ref_torch):
    a = np.stack([np.eye(3), np.array([[1.0, 2, 3], [2, 4, 6], [0, 0, 0]])])
    # lu_factor_ex and lu factor a singular matrix; info is the first zero of U's diagonal (1-based)
    LU, piv, info = assert_values_match(ref_torch, lambda T, A: tuple(T.linalg.lu_factor_ex(A)), [a])
    assert info.tolist() == [0, 2]
    assert_values_match(ref_torch, lambda T, A: tuple(T.linalg.lu(A)), [a])
    with pytest.raises(RuntimeError, match=r"\(Batch element 1\): U\[2,2\] is zero"):
        P.linalg.lu_factor(P.tensor(a))
    with pytest.raises(RuntimeError, match=r"U\[1,1\] is zero and using it on lu_solve"):
        P.linalg.lu_factor(P.zeros(2, 2))
    with pytest.raises(RuntimeError, match=r"U\[1,1\] is zero"):
        P.linalg.lu_factor_ex(P.zeros(2, 2), check_errors=True)
    # solving with a singular factor gives inf/nan as LAPACK (no error), as PyTorch
    LU, piv, _ = P.linalg.lu_factor_ex(P.zeros(3, 3))
    x = P.linalg.lu_solve(LU, piv, P.ones(3, 1)).numpy()
    assert not np.isfinite(x).all()


LU_SOLVE = [(left, adjoint) for left in (True, False) for adjoint in (False, True)]


def _lu_solve(left, adjoint):
    def f(T, A, B):
        LU, piv = T.linalg.lu_factor(A)
        return T.linalg.lu_solve(LU, piv, B, left=left, adjoint=adjoint)
    return f


@pytest.mark.parametrize("left,adjoint", LU_SOLVE)
@pytest.mark.parametrize("shapes", [((4, 4), (4, 2)), ((2, 3, 3), (2, 3, 3)), ((3, 3), (2, 3, 1)),
                                    ((2, 1, 3, 3), (4, 3, 2)), ((3, 3), (3, 0))], ids=str)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lu_solve_values(ref_torch, left, adjoint, shapes, dtype):
    sa, sb = shapes
    b = _any(*sb)
    if not left:
        b = np.ascontiguousarray(np.swapaxes(b, -1, -2))
    for nc in (False, True):
        assert_values_match(ref_torch, _lu_solve(left, adjoint), [_wellcond(*sa), b], dtype, noncontig=nc)


def test_torch_lu_and_lu_solve(ref_torch):
    a, b = _wellcond(2, 3, 3), _any(2, 3, 2)
    assert_values_match(ref_torch, lambda T, A: tuple(T.lu(A)), [a])
    assert_values_match(ref_torch, lambda T, A: tuple(T.lu(A, get_infos=True)), [a])
    assert_values_match(ref_torch, lambda T, A: tuple(A.lu()), [a])
    assert_values_match(ref_torch, lambda T, A, B: T.lu_solve(B, *T.lu(A)), [a, b])
    assert_values_match(ref_torch, lambda T, A, B: B.lu_solve(*T.linalg.lu_factor(A)), [a, b])


def test_out():
    a = P.tensor(_wellcond(3, 3))
    out = (P.empty(0, dtype=P.float64), P.empty(0, dtype=P.int32))
    r = P.linalg.lu_factor(a, out=out)
    assert r[0] is out[0] and r[1] is out[1]
    x = P.empty(0, dtype=P.float64)
    assert P.linalg.lu_solve(r[0], r[1], P.ones(3, 2, dtype=P.float64), out=x) is x
    np.testing.assert_allclose(a.matmul(x).numpy(), np.ones((3, 2)), atol=1e-12)
    with pytest.raises(TypeError, match="out must be a tuple of 2 tensors"):
        P.linalg.lu_factor(a, out=P.empty(0))


# ---------------------------------------------------------------------- gradients

GRAD_CASES = {
    **{f"lu_factor_{'x'.join(map(str, s))}": (lambda T, A: T.linalg.lu_factor(A)[0], [_any(*s)])
       for s in [(4, 4), (5, 3), (3, 5), (2, 3, 3)]},
    **{f"lu_{'x'.join(map(str, s))}": (lambda T, A: tuple(T.linalg.lu(A))[1:], [_any(*s)])
       for s in [(4, 4), (5, 3), (3, 5), (2, 4, 2)]},
    "lu_only_L": (lambda T, A: T.linalg.lu(A)[1], [_any(4, 3)]),
    "lu_only_U": (lambda T, A: T.linalg.lu(A)[2], [_any(3, 4)]),
    "lu_factor_ex": (lambda T, A: T.linalg.lu_factor_ex(A)[0], [_any(3, 3)]),
    **{f"lu_solve_{'left' if lf else 'right'}{'_adjoint' if adj else ''}": (
        _lu_solve(lf, adj), [_wellcond(3, 3), _any(3, 2) if lf else _any(2, 3)]) for lf, adj in LU_SOLVE},
    "lu_solve_broadcast": (_lu_solve(True, False), [_wellcond(3, 3), _any(2, 3, 2)]),
    "lu_solve_broadcast_A": (_lu_solve(False, True), [_wellcond(2, 1, 3, 3), _any(2, 3)]),
    "lu_unpack": (lambda T, A: tuple(T.lu_unpack(*T.linalg.lu_factor(A)))[1:], [_any(3, 4)]),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_grads_match_torch(ref_torch, name):
    fn, arrays = GRAD_CASES[name]
    assert_grads_match(ref_torch, fn, arrays, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradcheck(name):
    fn, arrays = GRAD_CASES[name]
    big = any(a.size > 12 for a in arrays)
    assert_gradchecks(fn, arrays, gradgrad=not big)


# ---------------------------------------------------------------------- bad input

def test_bad_inputs():
    a = P.tensor(_wellcond(3, 3))
    LU, piv = P.linalg.lu_factor(a)
    b = P.ones(3, 2, dtype=P.float64)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        P.linalg.lu_factor(P.ones(3))
    with pytest.raises(RuntimeError, match="LU without pivoting is not implemented on the CPU"):
        P.linalg.lu_factor(a, pivot=False)
    with pytest.raises(TypeError, match="float32 or float64"):
        P.linalg.lu_factor(P.ones(3, 3, dtype=P.int64))
    with pytest.raises(TypeError, match="argument 'A'"):
        P.linalg.lu([[1.0]])
    with pytest.raises(ValueError, match="square matrices"):
        P.linalg.lu_solve(*P.linalg.lu_factor(P.tensor(_any(2, 4))), b)
    with pytest.raises(ValueError, match=r"Incompatible shapes of A and B for the equation AX = B \(3x3 and 2x2\)"):
        P.linalg.lu_solve(LU, piv, P.ones(2, 2, dtype=P.float64))
    with pytest.raises(ValueError, match=r"equation XA = B"):
        P.linalg.lu_solve(LU, piv, b, left=False)
    with pytest.raises(TypeError, match="pivots must be an int32 tensor"):
        P.linalg.lu_solve(LU, piv.long(), b)
    with pytest.raises(ValueError, match="pivots must have shape"):
        P.linalg.lu_solve(LU, piv[:2], b)
    with pytest.raises(ValueError, match="pivots must be between 1 and 3"):
        P.linalg.lu_solve(LU, P.tensor([1, 5, 3], dtype=P.int32), b)
    with pytest.raises(ValueError, match="pivots must be between 1 and 3"):
        P.lu_unpack(LU, P.tensor([0, 2, 3], dtype=P.int32))
    with pytest.raises(TypeError, match="same dtype"):
        P.linalg.lu_solve(LU, piv, P.ones(3, 2))
    with pytest.raises(ValueError, match="cannot be broadcast"):
        P.linalg.lu_solve(LU.expand(2, 3, 3), piv.expand(2, 3), P.ones(3, 3, 2, dtype=P.float64))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        P.linalg.lu_solve(LU, piv, P.ones(3, dtype=P.float64))
    with pytest.raises(TypeError, match="LU_pivots must be an integer tensor"):
        P.lu_unpack(LU, piv.double())
    with pytest.raises(ValueError, match="LU_pivots must have shape"):
        P.lu_unpack(LU, piv[:1])
    with pytest.raises(TypeError, match="argument 'adjoint' must be bool"):
        P.linalg.lu_solve(LU, piv, b, adjoint="no")


def test_c_getrs_checks_batches():
    """The C entry point refuses mismatched batches itself (Python broadcasts before calling it)."""
    from pytorch_like._lib import lib
    from pytorch_like.tensor import _finish, _new_out
    LU, piv = P.linalg.lu_factor(P.tensor(_wellcond(2, 3, 3)))
    o = _new_out()
    with pytest.raises(ValueError, match="batch dimensions of LU, pivots and B must be equal"):
        _finish(o, lib.THTensor_getrs(o, LU._t, piv._t, P.ones(3, 3, 1, dtype=P.float64)._t, 0, 1))
