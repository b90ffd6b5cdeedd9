"""Backward formulas of the LU family, pinv and matrix_exp, and the composites (norms, cond,
matrix_power, multi_dot, cross, tensorinv/tensorsolve, vander, lu, lu_unpack): entries of the
same table as formulas.py.

A name "linalg.X" is torch.linalg.X where torch.X differs (norm, cross, vander, lu, lu_solve).
A composite here is the function itself: it is written with differentiable ops, and going
through the table only adds the out= check of a recording call.
"""
from .._ops import linalg_lu, linalg_norms, linalg_powers, linalg_products
from ._record import Spec
from .formulas import SPECS, _P, _req, op
from .formulas_linalg import _pinv_backward


def _lin():
    return _P().linalg


def _composites(**fns):
    for name, f in fns.items():
        name = name.replace("linalg_", "linalg.")
        SPECS[name] = Spec(name, composite=f)


_composites(linalg_norm=linalg_norms._linalg_norm, matrix_norm=linalg_norms.matrix_norm,
            cond=linalg_norms._linalg_cond, pinverse=linalg_norms.pinverse,
            matrix_power=linalg_powers.matrix_power, vander=linalg_powers.vander,
            linalg_vander=linalg_powers._linalg_vander, multi_dot=linalg_products._linalg_multi_dot,
            linalg_cross=linalg_products._linalg_cross, tensorinv=linalg_products._linalg_tensorinv,
            tensorsolve=linalg_products._linalg_tensorsolve, linalg_lu=linalg_lu._linalg_lu, lu=linalg_lu.lu,
            lu_unpack=linalg_lu.lu_unpack, lu_solve=linalg_lu.lu_solve)


# ---------------------------------------------------------------------- LU

def _lu_backward(gL, gU, P, L, U):
    """gA for A = P L U (L m x k unit lower, U k x n upper, k = min(m, n)); the square block is
    PyTorch's linalg_lu_backward, the extra rows (tall) or columns (wide) follow from A2 = P L2 U or
    A2 = P L U2."""
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    L1, U1 = L.narrow(-2, 0, k), U.narrow(-1, 0, k)
    gL1, gU1 = gL.narrow(-2, 0, k), gU.narrow(-1, 0, k)
    lower = L1.mT.matmul(gL1)
    upper = gU1.matmul(U1.mT)
    if n > m:      # wide: U = [U1 U2]
        U2, gU2 = U.narrow(-1, k, n - k), gU.narrow(-1, k, n - k)
        lower = lower - gU2.matmul(U2.mT)
    if m > n:      # tall: L = [L1; L2]
        L2, gL2 = L.narrow(-2, k, m - k), gL.narrow(-2, k, m - k)
        upper = upper - L2.mT.matmul(gL2)
    inner = lower.tril(-1) + upper.triu()
    H = _lin().solve_triangular(U1.mT, inner, upper=False, left=False)
    H = _lin().solve_triangular(L1.mT, H, upper=True, unitriangular=True)
    if n > m:
        H = _P().cat([H, _lin().solve_triangular(L1.mT, gU2, upper=True, unitriangular=True)], -1)
    if m > n:
        H = _P().cat([H, _lin().solve_triangular(U1.mT, gL2, upper=False, left=False)], -2)
    return P.matmul(H)


def _lu_factor(out, A, *_, **__):
    m, n = A.shape[-2], A.shape[-1]
    k = min(m, n)

    def bw(gs, LU, piv):
        g = gs[0]
        if g is None:
            return (None,)
        P, L, U = _P().lu_unpack(LU, piv)
        return (_lu_backward(g.narrow(-1, 0, k).tril(-1), g.narrow(-2, 0, k).triu(), P, L, U),)
    return (A,), (out[0], out[1]), bw


SPECS["lu_factor"] = Spec("lu_factor", formula=_lu_factor, node_name="LinalgLuFactorExBackward0")
SPECS["lu_factor_ex"] = Spec("lu_factor_ex", formula=_lu_factor, node_name="LinalgLuFactorExBackward0")


def _lu_solve(out, LU, pivots, B, *, left=True, adjoint=False, **__):
    def bw(g, LU, piv, X):
        gB = _lin().lu_solve(LU, piv, g, left=left, adjoint=not adjoint)
        gLU = None
        if _req(LU):
            # the gradient for A = P L U, then pulled back to the factors: dA = P (dL U + L dU)
            if left:
                gA = -gB.matmul(X.mT) if not adjoint else -X.matmul(gB.mT)
            else:
                gA = -X.mT.matmul(gB) if not adjoint else -gB.mT.matmul(X)
            P, L, U = _P().lu_unpack(LU, piv)
            PtgA = P.mT.matmul(gA)
            gLU = PtgA.matmul(U.mT).tril(-1) + L.mT.matmul(PtgA).triu()
        return gLU, None, gB
    return (LU, pivots, B), (LU, pivots, out), bw


SPECS["linalg.lu_solve"] = Spec("linalg.lu_solve", formula=_lu_solve, node_name="LinalgLuSolveBackward0")


# ---------------------------------------------------------------------- pinv, matrix_exp

@op("pinv", node_name="LinalgPinvBackward0")
def _pinv(out, A, *_, **__):
    return (A,), (out, A), lambda g, pinvA, A: (_pinv_backward(g, pinvA, A),)


@op("matrix_exp", node_name="LinalgMatrixExpBackward0")
def _matrix_exp(out, A, *_, **__):
    def bw(g, A):
        # exp([[A^T, G], [0, A^T]]) holds the adjoint of d exp at A applied to G in its upper-right block
        n = A.shape[-1]
        P = _P()
        At = A.mT
        M = P.cat([P.cat([At, g], -1), P.cat([P.zeros_like(At), At], -1)], -2)
        return (P.matrix_exp(M).narrow(-2, 0, n).narrow(-1, n, n),)
    return (A,), (A,), bw
