"""Backward of the LAPACK-backed ops (svd, qr, eigh, eig, slogdet, triangular solves, lstsq, cholesky_*):
gradcheck in float64, gradients equal to PyTorch's, and clear errors where the gradient is undefined.

Singular and eigen vectors are only defined up to sign, so the losses compared with PyTorch
depend on them through sign-invariant quantities (|U|, U_k Vh_k products), as PyTorch's own tests do.
"""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like.autograd import gradcheck, gradgradcheck

R = np.random.default_rng(11)
# PyTorch warns that torch.qr/svd/triangular_solve are deprecated; they are compared on purpose
pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated:UserWarning")


def _any(*s):
    return R.uniform(-1.0, 1.0, s)


def _wellcond(*s):
    """Square matrices (last two dims equal) with a dominant diagonal."""
    return _any(*s) + 3 * np.eye(s[-1])


def _real_eig(n):
    """A non-symmetric matrix with distinct real eigenvalues (similar to a diagonal one)."""
    S = np.eye(n) + 0.3 * _any(n, n)
    return S @ np.diag(np.arange(1.0, n + 1) * 1.3 - 2.2) @ np.linalg.inv(S)


def _tau(*s):
    return R.uniform(0.2, 1.5, s)


def _sym(T, X):
    return X + X.mT


def _svd_lin(full, k=None):
    def f(T, A):
        U, S, Vh = T.linalg.svd(A, full_matrices=full)
        kk = S.shape[-1]
        Uk, Vhk = U[..., :kk], Vh[..., :kk, :]
        return S, Uk.abs(), Vhk.abs(), Uk.matmul(Vhk)
    return f


def _svd_torch(some):
    def f(T, A):
        U, S, V = T.svd(A, some=some)
        kk = S.shape[-1]
        return S, U[..., :kk].abs(), (U[..., :kk] * S.unsqueeze(-2)).matmul(V[..., :kk].mT)
    return f


def _eigh(uplo):
    def f(T, X):
        L, V = T.linalg.eigh(_sym(T, X), UPLO=uplo)
        return L, V.abs(), (V * L.unsqueeze(-2)).matmul(V.mT)
    return f


def _eig_lin(T, A):
    L, V = T.linalg.eig(A)
    if T is not P:       # PyTorch: complex outputs, with zero imaginary parts here
        L, V = L.real, V.real
    return L, V.abs()


def _qr_lin(mode):
    def f(T, A):
        return tuple(T.linalg.qr(A, mode=mode))
    return f


def _tri(upper, transpose, unit):
    def f(T, b, A):
        return T.triangular_solve(b, A, upper=upper, transpose=transpose, unitriangular=unit)[0]
    return f


def _tri_both_outputs(T, b, A):
    X, M = T.triangular_solve(b, A, upper=False)
    return X, M * 2


def _solve_tri(upper, left, unit):
    def f(T, A, B):
        return T.linalg.solve_triangular(A, B, upper=upper, left=left, unitriangular=unit)
    return f


def _lstsq(T, A, B):
    return T.linalg.lstsq(A, B).solution


def _chol_solve(upper):
    def f(T, B, X):
        L = X.triu() if upper else X.tril()
        return T.cholesky_solve(B, L, upper)
    return f


def _chol_inverse(upper):
    def f(T, X):
        L = X.triu() if upper else X.tril()
        return T.cholesky_inverse(L, upper)
    return f


_TRI = _wellcond(3, 3)

# name -> (function of (module, *inputs) -> tensor or tuple of tensors, input arrays)
CASES = {
    "svd_tall_reduced": (_svd_lin(False), [_any(4, 3)]),
    "svd_wide_reduced": (_svd_lin(False), [_any(3, 5)]),
    "svd_square": (_svd_lin(True), [_any(3, 3)]),
    "svd_tall_full": (_svd_lin(True), [_any(4, 2)]),
    "svd_wide_full": (_svd_lin(True), [_any(2, 4)]),
    "svd_batched": (_svd_lin(False), [_any(2, 4, 3)]),
    "svd_torch_some": (_svd_torch(True), [_any(4, 3)]),
    "svd_torch_full_wide": (_svd_torch(False), [_any(2, 3)]),
    "svd_values_only": (lambda T, A: T.linalg.svd(A)[1], [_any(3, 4)]),
    "svdvals": (lambda T, A: T.linalg.svdvals(A), [_any(2, 4, 3)]),
    "svd_no_uv": (lambda T, A: T.svd(A, compute_uv=False)[1], [_any(4, 3)]),
    "svd_only_U": (lambda T, A: T.linalg.svd(A, full_matrices=False)[0].abs(), [_any(4, 3)]),
    "svd_only_Vh": (lambda T, A: T.linalg.svd(A, full_matrices=False)[2].abs(), [_any(3, 4)]),
    "qr_tall": (_qr_lin("reduced"), [_any(4, 3)]),
    "qr_square": (_qr_lin("reduced"), [_any(3, 3)]),
    "qr_wide": (_qr_lin("reduced"), [_any(3, 5)]),
    "qr_complete_wide": (_qr_lin("complete"), [_any(2, 4)]),
    "qr_batched": (_qr_lin("reduced"), [_any(2, 4, 3)]),
    "qr_only_R": (lambda T, A: T.linalg.qr(A)[1], [_any(4, 3)]),
    "qr_torch": (lambda T, A: tuple(T.qr(A)), [_any(3, 2)]),
    "eigh_L": (_eigh("L"), [_any(3, 3)]),
    "eigh_U": (_eigh("U"), [_any(4, 4)]),
    "eigh_batched": (_eigh("L"), [_any(2, 3, 3)]),
    "eigh_values_only": (lambda T, X: T.linalg.eigh(_sym(T, X))[0], [_any(3, 3)]),
    "eigvalsh": (lambda T, X: T.linalg.eigvalsh(_sym(T, X), UPLO="U"), [_any(3, 3)]),
    "eig_real": (_eig_lin, [_real_eig(3)]),
    "eigvals_real": (lambda T, A: _eig_lin(T, A)[0], [_real_eig(4)]),
    "slogdet": (lambda T, A: T.linalg.slogdet(A)[1], [_wellcond(3, 3)]),
    "slogdet_negative": (lambda T, A: T.slogdet(A)[1], [np.diag([-2.0, 1.5, 3.0]) + 0.3 * _any(3, 3)]),
    "slogdet_batched": (lambda T, A: T.linalg.slogdet(A).logabsdet, [_wellcond(2, 3, 3)]),
    "solve_right": (lambda T, A, B: T.linalg.solve(A, B, left=False), [_wellcond(3, 3), _any(2, 3)]),
    "solve_vector": (lambda T, A, b: T.linalg.solve(A, b), [_wellcond(2, 3, 3), _any(2, 3)]),
    **{f"triangular_solve_{'U' if u else 'L'}{'T' if t else ''}{'1' if d else ''}": (
        _tri(u, t, d), [_any(3, 2), _TRI]) for u in (True, False) for t in (False, True) for d in (False, True)},
    "triangular_solve_batched_b": (_tri(True, False, False), [_any(2, 3, 2), _TRI]),
    "triangular_solve_clone_out": (_tri_both_outputs, [_any(3, 2), _TRI]),
    **{f"solve_triangular_{'U' if u else 'L'}{'' if left else 'R'}{'1' if d else ''}": (
        _solve_tri(u, left, d), [_TRI, _any(3, 2) if left else _any(2, 3)])
       for u in (True, False) for left in (True, False) for d in (False, True)},
    "solve_triangular_batched": (_solve_tri(False, True, False), [_wellcond(2, 3, 3), _any(2, 3, 2)]),
    "lstsq_tall": (_lstsq, [_any(5, 3), _any(5, 2)]),
    "lstsq_wide": (_lstsq, [_any(2, 4), _any(2, 3)]),
    "lstsq_square": (_lstsq, [_wellcond(3, 3), _any(3, 2)]),
    "lstsq_batched": (_lstsq, [_any(2, 4, 3), _any(2, 4, 2)]),
    "cholesky_solve_L": (_chol_solve(False), [_any(3, 2), _wellcond(3, 3)]),
    "cholesky_solve_U": (_chol_solve(True), [_any(3, 2), _wellcond(3, 3)]),
    "cholesky_inverse_L": (_chol_inverse(False), [_wellcond(3, 3)]),
    "cholesky_inverse_U": (_chol_inverse(True), [_wellcond(3, 3)]),
    "cholesky_symmetrised": (lambda T, X: T.linalg.cholesky(X.matmul(X.mT) + 3 * T.eye(3, dtype=T.float64)),
                             [_any(3, 3)]),
    "householder_product": (lambda T, A, tau: T.linalg.householder_product(A, tau), [_any(5, 3), _tau(3)]),
    "orgqr_fewer_reflectors": (lambda T, A, tau: T.orgqr(A, tau), [_any(4, 3), _tau(2)]),
    "householder_product_batched": (lambda T, A, tau: T.linalg.householder_product(A, tau),
                                    [_any(2, 4, 3), _tau(2, 2)]),
    **{f"ormqr_{'left' if left else 'right'}{'_T' if tr else ''}": (
        lambda T, A, tau, C, left=left, tr=tr: T.ormqr(A, tau, C, left, tr),
        [_any(4, 3), _tau(3), _any(4, 2) if left else _any(2, 4)]) for left in (True, False) for tr in (False, True)},
    "inverse_batched": (lambda T, A: T.linalg.inv(A), [_wellcond(2, 3, 3)]),
    "det_batched": (lambda T, A: T.linalg.det(A), [_wellcond(2, 3, 3)]),
}


def _outs(o):
    return list(o) if isinstance(o, (tuple, list)) else [o]


def _loss_grads(T, fn, arrays, seed=3):
    xs = [T.tensor(a, dtype=T.float64, requires_grad=True) for a in arrays]
    outs = _outs(fn(T, *xs))
    rng = np.random.default_rng(seed)
    loss = sum((o * T.tensor(rng.uniform(-1, 1, tuple(o.shape)))).sum() for o in outs)
    loss.backward()
    return [o.detach().numpy() for o in outs], [None if x.grad is None else x.grad.numpy() for x in xs]


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    fn, arrays = CASES[name]
    xs = [P.tensor(a, dtype=P.float64, requires_grad=True) for a in arrays]
    assert gradcheck(lambda *a: fn(P, *a), xs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grad_matches_torch(name, ref_torch):
    fn, arrays = CASES[name]
    outs, grads = _loss_grads(P, fn, arrays)
    touts, tgrads = _loss_grads(ref_torch, fn, arrays)
    for o, to in zip(outs, touts):
        np.testing.assert_allclose(o, to, rtol=1e-8, atol=1e-10, err_msg=name)
    for g, tg in zip(grads, tgrads):
        assert (g is None) == (tg is None), name
        if tg is not None:
            np.testing.assert_allclose(g, tg, rtol=1e-7, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("name", ["svd_tall_reduced", "svd_wide_reduced", "qr_tall", "qr_wide", "eigh_L",
                                  "eig_real", "slogdet", "triangular_solve_UT", "solve_triangular_LR",
                                  "lstsq_tall", "cholesky_solve_L", "cholesky_inverse_U", "ormqr_right_T"])
def test_gradgradcheck(name):
    fn, arrays = CASES[name]
    xs = [P.tensor(a, dtype=P.float64, requires_grad=True) for a in arrays]
    assert gradgradcheck(lambda *a: fn(P, *a), xs)


def test_symeig_matches_eigh():
    X = _any(3, 3)
    for upper in (True, False):
        a = P.tensor(X + X.T, requires_grad=True)
        e, v = P.symeig(a, eigenvectors=True, upper=upper)
        ((e * P.tensor([1.0, -2.0, 0.5], dtype=P.float64)).sum() + (v.abs() * 0.3).sum()).backward()
        b = P.tensor(X + X.T, requires_grad=True)
        e2, v2 = P.linalg.eigh(b, UPLO="U" if upper else "L")
        ((e2 * P.tensor([1.0, -2.0, 0.5], dtype=P.float64)).sum() + (v2.abs() * 0.3).sum()).backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)
    c = P.tensor(X + X.T, requires_grad=True)
    e, v = P.symeig(c)
    assert v.numel() == 0
    assert gradcheck(lambda x: P.symeig(x + x.mT)[0], [P.tensor(X, requires_grad=True)])


def test_torch7_eig_matches_linalg_eig():
    A = _real_eig(3)
    for vectors in (True, False):
        a = P.tensor(A, requires_grad=True)
        e, v = P.eig(a, eigenvectors=vectors)
        loss = (e[:, 0] * P.tensor([1.0, 2.0, -1.0], dtype=P.float64)).sum() + (e[:, 1] * 5).sum()
        if vectors:
            loss = loss + v.abs().sum()
        loss.backward()
        b = P.tensor(A, requires_grad=True)
        L, V = P.linalg.eig(b)
        loss = (L * P.tensor([1.0, 2.0, -1.0], dtype=P.float64)).sum()
        if vectors:
            loss = loss + V.abs().sum()
        loss.backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------- undefined gradients: clear errors

def _raises_on_backward(make_loss, match):
    x = make_loss()
    with pytest.raises(RuntimeError, match=match):
        x.backward()


def test_qr_r_mode_and_complete_tall_are_not_differentiable():
    a = P.tensor(_any(4, 3), requires_grad=True)
    _raises_on_backward(lambda: P.linalg.qr(a, mode="r")[1].sum(), "not computed when mode='r'")
    _raises_on_backward(lambda: P.linalg.qr(a, mode="complete")[0].sum(), "mode='complete' and nrows > ncols")
    _raises_on_backward(lambda: P.qr(a, some=False)[1].sum(), "mode='complete' and nrows > ncols")


def test_qr_rank_deficient():
    a = P.tensor([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], requires_grad=True)     # column 2 = 2 x column 1
    q, r = P.linalg.qr(a)
    if r[1, 1].item() != 0:
        pytest.skip("LAPACK left a rounding residue in R[1, 1]")
    _raises_on_backward(lambda: P.linalg.qr(a)[0].sum(), "R is singular")


def test_svd_repeated_singular_values():
    a = P.eye(3, dtype=P.float64).requires_grad_()
    _raises_on_backward(lambda: P.linalg.svd(a)[0].abs().sum(), "singular values are not distinct")
    S = P.linalg.svd(a)[1]
    S.sum().backward()        # the values alone stay differentiable
    np.testing.assert_allclose(a.grad.numpy(), np.eye(3))


def test_svd_rank_deficient_rectangular():
    a = P.tensor([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]], requires_grad=True)
    _raises_on_backward(lambda: P.linalg.svd(a, full_matrices=False)[0].abs().sum(), "does not have full rank")


def test_eigh_repeated_eigenvalues():
    a = P.tensor(np.diag([1.0, 1.0, 2.0]), requires_grad=True)
    _raises_on_backward(lambda: P.linalg.eigh(a)[1].abs().sum(), "eigenvalues are not distinct")


def test_eig_complex_eigenvalues():
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])
    a = P.tensor(rot, requires_grad=True)
    with pytest.raises(NotImplementedError, match="complex eigenvalues"):
        P.linalg.eig(a)
    _raises_on_backward(lambda: P.eig(a, eigenvectors=True)[0].sum(), "complex eigenvalues")


def test_slogdet_singular():
    a = P.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True)
    _raises_on_backward(lambda: P.linalg.slogdet(a)[1] * 1, "matrix is singular")


def test_triangular_solve_singular():
    A = P.tensor([[1.0, 2.0], [0.0, 0.0]], requires_grad=True)
    with pytest.raises(RuntimeError, match="singular"):
        P.linalg.solve_triangular(A, P.ones(2, 1), upper=True)


def test_non_square_eigh_is_refused():
    a = P.tensor(_any(3, 2), requires_grad=True)
    with pytest.raises(ValueError, match="square"):
        P.linalg.eigh(a)


def test_out_argument_refused_with_grad():
    a = P.tensor(_any(3, 3), requires_grad=True)
    with pytest.raises(RuntimeError, match="out=... arguments don't support automatic differentiation"):
        P.linalg.svdvals(a, out=P.empty(3, dtype=P.float64))


def test_det_of_singular_matrices_gives_the_cofactors():
    # the gradient of det is the cofactor matrix, defined (and nonzero at rank n-1) for singular A too
    a = P.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], dtype=P.float64, requires_grad=True)
    P.linalg.det(a).backward()
    np.testing.assert_allclose(a.grad.numpy(), [[4, 4, -4], [-2, -2, 2], [0, 0, 0]], atol=1e-12)
    r = _any(2, 3, 3)
    r[0, 2] = 2 * r[0, 1]          # a batch with one singular matrix
    assert gradcheck(lambda x: P.linalg.det(x), [P.tensor(r, requires_grad=True)])
    assert gradcheck(lambda x: P.det(x), [P.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=P.float64, requires_grad=True)])


def test_lstsq_rank_deficient():
    exact = P.tensor([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]], dtype=P.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="does not have full rank"):
        P.linalg.lstsq(exact, P.ones(3, 1, dtype=P.float64))
    nearly = P.tensor([[1.0, 1.0], [1.0, 1.0 + 1e-15], [1.0, 1.0]], dtype=P.float64, requires_grad=True)
    _raises_on_backward(lambda: P.linalg.lstsq(nearly, P.ones(3, 1, dtype=P.float64)).solution.sum(),
                        "lstsq backward: A does not have full rank")


def test_householder_product_bad_input_keeps_the_raw_checks():
    A = P.tensor(_any(4, 3), requires_grad=True)
    with pytest.raises(ValueError, match="tau"):
        P.linalg.householder_product(A, P.tensor(_tau(3, 1)))
    with pytest.raises(ValueError, match="tau must have at most 3 elements"):
        P.linalg.householder_product(A, P.tensor(_tau(4)))     # more reflectors than columns
