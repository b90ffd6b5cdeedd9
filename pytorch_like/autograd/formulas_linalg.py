"""Backward formulas of the LAPACK-backed ops: inverse, det, slogdet, solve, cholesky, triangular
solves, qr, svd, eigh, eig, lstsq, Householder products (entries of the same table as
formulas.py, same contract).

The formulas are PyTorch's (FunctionsManual.cpp: svd_backward, linalg_qr_backward,
linalg_eig_backward, pinv_backward, ...) for real tensors, written with the public ops so that
create_graph=True records them. Where a formula would divide by zero (repeated singular values
or eigenvalues, a singular triangular factor) backward raises instead of returning inf/nan.
orgqr/householder_product and ormqr are composites: the reflectors applied by recorded ops.
"""
from . import grad_mode
from ._record import Spec
from .formulas import SPECS, _P, _arg, _excl_cumprod, _req, composite, op


def _lin():
    return _P().linalg


def _unsq2(t):
    """A batch of scalars, broadcastable against a batch of matrices."""
    return t.unsqueeze(-1).unsqueeze(-1)


def _eye_like(v):
    """The identity matching the last dimension of v (a batch of vectors)."""
    return _P().eye(v.shape[-1], dtype=v.dtype)


def _tri_part(g, upper, unitriangular):
    """The gradient restricted to the triangle a triangular solve reads."""
    k = 1 if unitriangular else 0
    return g.triu(k) if upper else g.tril(-k)


def _any(mask):
    with grad_mode.no_grad():
        return bool(mask.any().item())


def _check_distinct(d, fn, values, vectors):
    """d: differences with a nonzero diagonal; a zero elsewhere makes the formula undefined."""
    if _any(d == 0):
        raise RuntimeError(f"{fn}: the {values} are not distinct, so the gradient with respect to the {vectors} "
                           "is not defined (it depends on the basis chosen in a repeated eigenspace); differentiate "
                           "a function of the values only, or of a basis-independent quantity")


# ---------------------------------------------------------------------- inverse, det, solve

@op("inverse", node_name="LinalgInvExBackward0")
def _inverse(out, x, *_, **__):
    return (x,), (out,), lambda g, y: (-(y.mT.matmul(g).matmul(y.mT)),)


SPECS["inv"] = SPECS["inverse"]


@op("det", node_name="LinalgDetBackward0")
def _det(out, x, *_, **__):
    def bw(g, x, y):
        if not _any(y == 0):
            return (_unsq2(g * y) * x.inverse().mT,)
        # singular: the cofactor matrix from A = U diag(S) Vh, det(A) = det(U) det(Vh) prod(S)
        U, S, Vh = _lin().svd(x)
        others = _excl_cumprod(S, -1) * _excl_cumprod(S.flip(-1), -1).flip(-1)      # prod of the other S
        alpha = g * _lin().det(U) * _lin().det(Vh)
        return ((U * (others * alpha.unsqueeze(-1)).unsqueeze(-2)).matmul(Vh),)
    return (x,), (x, out), bw


@op("logdet")
def _logdet(out, x, *_, **__):
    return (x,), (x,), lambda g, x: (_unsq2(g) * _inv_nonsingular(x, "logdet").mT,)


def _inv_nonsingular(x, fn):
    try:
        return x.inverse()
    except RuntimeError as e:
        raise RuntimeError(f"{fn} backward: the matrix is singular (log|det| = -inf), so the gradient is not "
                           f"defined ({e})") from None


@op("slogdet", node_name="LinalgSlogdetBackward0")
def _slogdet(out, x, *_, **__):
    # sign is piecewise constant: only logabsdet has a gradient
    return (x,), (x,), lambda gs, x: (None if gs[1] is None else _unsq2(gs[1]) * _inv_nonsingular(x, "slogdet").mT,)


def _solve_left_grads(g, A, X, vec):
    gB = _lin().solve(A.mT, g)
    if vec:
        return -gB.unsqueeze(-1).matmul(X.unsqueeze(-1).mT), gB
    return -gB.matmul(X.mT), gB


@op("solve", node_name="LinalgSolveExBackward0")
def _solve(out, A, B, *_, left=True, **__):
    vec = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))

    def bw(g, A, X):
        if left:
            return _solve_left_grads(g, A, X, vec)
        gA, gB = _solve_left_grads(g.mT, A.mT, X.mT, False)     # X A = B is A^T X^T = B^T
        return gA.mT, gB.mT
    return (A, B), (A, out), bw


# ---------------------------------------------------------------------- Cholesky

@op("cholesky", node_name="LinalgCholeskyExBackward0")
def _cholesky(out, x, upper=False, **kw):
    up = kw.get("upper", upper)

    def bw(g, L):
        # Murray (2016): Phi(L^T gL), symmetrised, with L lower
        if up:
            L, g = L.mT, g.mT
        phi = L.mT.matmul(g).tril()
        phi = phi - phi.diagonal(0, -2, -1).diag_embed() * 0.5
        li = L.inverse()
        s = li.mT.matmul(phi).matmul(li)
        s = (s + s.mT) * 0.5
        return (s,)
    return (x,), (out,), bw


@op("cholesky_solve")
def _cholesky_solve(out, B, L, upper=False, **__):
    def bw(g, L, X):
        gB = _P().cholesky_solve(g, L, upper)
        gL = None
        if _req(L):
            c = gB.matmul(X.mT)
            c = c + c.mT
            gL = -L.matmul(c) if upper else -c.matmul(L)
        return gB, gL
    return (B, L), (L, out), bw


@op("cholesky_inverse")
def _cholesky_inverse(out, L, upper=False, **__):
    def bw(g, L, Y):
        c = Y.matmul((g + g.mT).matmul(Y))
        return (-L.matmul(c) if upper else -c.matmul(L),)
    return (L,), (L, out), bw


# ---------------------------------------------------------------------- triangular solves

def _check_triangular(A, unitriangular, fn):
    if not unitriangular and _any(A.diagonal(0, -2, -1) == 0):
        raise RuntimeError(f"{fn} backward: the triangular matrix A is singular (a zero on its diagonal), so the "
                           "gradient is not defined")


@op("triangular_solve")
def _triangular_solve(out, b, A, upper=True, transpose=False, unitriangular=False):
    # out = (solution, cloned_coefficient); the clone's gradient flows to A unchanged
    def bw(gs, A, X):
        gX, gM = gs
        gb = gA = None
        if gX is not None:
            _check_triangular(A, unitriangular, "triangular_solve")
            gb = _P().triangular_solve(gX, A, upper, not transpose, unitriangular)[0]
            if _req(A):
                gA = _tri_part(-X.matmul(gb.mT) if transpose else -gb.matmul(X.mT), upper, unitriangular)
        if gM is not None:
            gA = gM if gA is None else gA + gM
        return gb, gA
    return (b, A), (A, out[0]), bw


@op("solve_triangular", node_name="LinalgSolveTriangularBackward0")
def _solve_triangular(out, A, B, *, upper, left=True, unitriangular=False, **__):
    def bw(g, A, X):
        _check_triangular(A, unitriangular, "linalg.solve_triangular")
        gB = _lin().solve_triangular(A.mT, g, upper=not upper, left=left, unitriangular=unitriangular)
        gA = None
        if _req(A):
            gA = _tri_part(-gB.matmul(X.mT) if left else -X.mT.matmul(gB), upper, unitriangular)
        return gA, gB
    return (A, B), (A, out), bw


# ---------------------------------------------------------------------- QR

def _qr_backward_tall(gQ, gR, Q, R):
    """m >= n (Q m x n, R n x n): gA = [gQ + Q copyltu(M)] R^-T with M = R gR^T - gQ^T Q."""
    M = None
    if gR is not None:
        M = R.matmul(gR.mT)
    if gQ is not None:
        t = gQ.mT.matmul(Q)
        M = -t if M is None else M - t
    b = Q.matmul(M.tril() + M.tril(-1).mT)
    if gQ is not None:
        b = b + gQ
    if _any(R.diagonal(0, -2, -1) == 0):
        raise RuntimeError("qr backward: R is singular (the input does not have full rank), so the gradient is "
                           "not defined")
    return _lin().solve_triangular(R.mT, b, upper=False, left=False)


def _qr_backward(gQ, gR, Q, R):
    m, n = Q.shape[-2], R.shape[-1]
    if m >= n:
        return _qr_backward_tall(gQ, gR, Q, R)
    # wide: A = [X | Y] with X = Q U square, Y = Q V
    U, V = R.narrow(-1, 0, m), R.narrow(-1, m, n - m)
    gU = gV = None
    if gR is not None:
        gU, gV = gR.narrow(-1, 0, m), gR.narrow(-1, m, n - m)
    gQX = gQ
    if gV is not None:
        t = Q.matmul(V).matmul(gV.mT)
        gQX = t if gQX is None else gQX + t
    if gQX is None and gU is None:
        gX = _P().zeros_like(U)
    else:
        gX = _qr_backward_tall(gQX, gU, Q, U)
    gY = Q.matmul(gV) if gV is not None else _P().zeros_like(V)
    return _P().cat([gX, gY], -1)


def _qr(out, raw, x, *args, **kwargs):
    a = (x,) + args
    if raw.__name__ == "_linalg_qr":
        mode = _arg(a, kwargs, 1, "mode", "reduced")
    else:
        mode = "reduced" if _arg(a, kwargs, 1, "some", True) else "complete"
    m, n = x.shape[-2], x.shape[-1]

    def bw(gs, Q, R):
        if mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        if mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        return (_qr_backward(gs[0], gs[1], Q, R),)
    return (x,), tuple(out), bw


SPECS["qr"] = Spec("qr", formula=_qr, node_name="LinalgQrBackward0", needs_raw=True)


# ---------------------------------------------------------------------- SVD

def _svd_backward(gU, gS, gVh, U, S, Vh):
    """A = U diag(S) Vh, reduced (U m x k, Vh k x n, k = min(m, n))."""
    m, n = U.shape[-2], Vh.shape[-1]
    if gU is None and gVh is None:
        return U.matmul(gS.unsqueeze(-1) * Vh) if m >= n else (U * gS.unsqueeze(-2)).matmul(Vh)
    S2 = S * S
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + _eye_like(S)
    _check_distinct(E, "svd backward", "singular values", "singular vectors")
    UhgU = VhgV = None
    if gU is not None:
        UhgU = U.mT.matmul(gU)
        UhgU = UhgU - UhgU.mT
    if gVh is not None:
        VhgV = Vh.matmul(gVh.mT)
        VhgV = VhgV - VhgV.mT
    if UhgU is not None and VhgV is not None:
        r = (UhgU * S.unsqueeze(-2) + S.unsqueeze(-1) * VhgV) / E
    elif UhgU is not None:
        r = UhgU * (S.unsqueeze(-2) / E)
    else:
        r = S.unsqueeze(-1) * (VhgV / E)
    if gS is not None:
        r = r + gS.diag_embed()
    if (m > n and gU is not None) or (m < n and gVh is not None):
        if _any(S == 0):
            raise RuntimeError("svd backward: the input does not have full rank (a zero singular value), so the "
                               "gradient with respect to the singular vectors is not defined")
    if m > n and gU is not None:
        gUSinv = gU / S.unsqueeze(-2)
        gA = U.matmul(r) + gUSinv - U.matmul(U.mT.matmul(gUSinv))
        return gA.matmul(Vh)
    if m < n and gVh is not None:
        SinvgVh = gVh / S.unsqueeze(-1)
        gA = r.matmul(Vh) + SinvgVh - SinvgVh.matmul(Vh.mT).matmul(Vh)
        return U.matmul(gA)
    return U.matmul(r.matmul(Vh)) if m >= n else U.matmul(r).matmul(Vh)


def _svd(out, raw, x, *args, **kwargs):
    a = (x,) + args
    linalg = raw.__name__ == "_linalg_svd"
    if linalg:
        full, uv = _arg(a, kwargs, 1, "full_matrices", True), True
    else:
        full, uv = not _arg(a, kwargs, 1, "some", True), _arg(a, kwargs, 2, "compute_uv", True)
    saved = tuple(out)
    if not uv:      # U and V came back as zeros: the gradient of S needs the real ones
        with grad_mode.no_grad():
            saved = tuple(raw(x.detach(), True, True))
        full = False
    k = out[1].shape[-1]

    def bw(gs, U, S, V):
        gU, gS, gV = gs if uv else (None, gs[1], None)     # the zeros U, V of compute_uv=False: no gradient
        Vh, gVh = (V, gV) if linalg else (V.mT, None if gV is None else gV.mT)
        if full:
            U, Vh = U.narrow(-1, 0, k), Vh.narrow(-2, 0, k)
            gU = None if gU is None else gU.narrow(-1, 0, k)
            gVh = None if gVh is None else gVh.narrow(-2, 0, k)
        if gS is None and gU is None and gVh is None:
            return (None,)
        return (_svd_backward(gU, gS, gVh, U, S, Vh),)
    return (x,), saved, bw


SPECS["svd"] = Spec("svd", formula=_svd, node_name="LinalgSvdBackward0", needs_raw=True)


@composite("svdvals")
def _svdvals(A, *, driver=None):
    return _lin().svd(A, full_matrices=False)[1]


# ---------------------------------------------------------------------- eigendecompositions

def _eig_backward(gL, gV, L, V, hermitian):
    """A V = V diag(L) with unit-norm columns of V (orthonormal when hermitian)."""
    if gV is None:
        if hermitian:
            return (V * gL.unsqueeze(-2)).matmul(V.mT)
        return _lin().solve(V.mT, gL.unsqueeze(-1) * V.mT)
    VhgV = V.mT.matmul(gV)
    if hermitian:
        VhgV = (VhgV - VhgV.mT) * 0.5
    else:   # the tangent space of unit-norm columns
        VhgV = VhgV - V.mT.matmul(V * VhgV.diagonal(0, -2, -1).unsqueeze(-2))
    E = L.unsqueeze(-2) - L.unsqueeze(-1) + _eye_like(L)
    _check_distinct(E, "eigh backward" if hermitian else "eig backward", "eigenvalues", "eigenvectors")
    r = VhgV / E
    if gL is not None:
        r = r - r.diagonal(0, -2, -1).diag_embed() + gL.diag_embed()
    if hermitian:
        return V.matmul(r.matmul(V.mT))
    return _lin().solve(V.mT, r.matmul(V.mT))


@op("eigh", node_name="LinalgEighBackward0")
def _eigh(out, A, *_, **__):
    return (A,), tuple(out), lambda gs, L, V: (_eig_backward(gs[0], gs[1], L, V, True),)


@composite("eigvalsh")
def _eigvalsh(A, UPLO="L"):
    return _lin().eigh(A, UPLO)[0]


@composite("symeig")
def _symeig(input, eigenvectors=False, upper=True):
    from .._ops.linalg import SymEig
    e, v = _lin().eigh(input, "U" if upper else "L")
    return SymEig(e, v if eigenvectors else _P().empty(0, dtype=e.dtype))


def _eig(out, raw, x, *args, **kwargs):
    if raw.__name__ == "_linalg_eig":      # real eigenvalues only (else the forward raised)
        return (x,), tuple(out), lambda gs, L, V: (_eig_backward(gs[0], gs[1], L, V, False),)
    # Torch7's eig: eigenvalues as (real, imaginary) columns, vectors only when asked for
    vectors = _arg((x,) + args, kwargs, 1, "eigenvectors", False)
    e, v = out
    complex_values = _any(e.select(-1, 1) != 0)
    if not vectors:
        with grad_mode.no_grad():
            v = raw(x.detach(), True)[1]

    def bw(gs, e, v):
        if complex_values:
            raise RuntimeError("eig backward: the matrix has complex eigenvalues, and pytorch_like has no complex "
                               "tensors to differentiate them with")
        ge, gv = gs
        return (_eig_backward(None if ge is None else ge.select(-1, 0), gv if vectors else None,
                              e.select(-1, 0), v, False),)
    return (x,), (e, v), bw


SPECS["eig"] = Spec("eig", formula=_eig, node_name="LinalgEigBackward0", needs_raw=True)


@composite("eigvals")
def _eigvals(A):
    return _lin().eig(A)[0]


# ---------------------------------------------------------------------- least squares

def _check_full_rank(A):
    """lstsq solves for full-rank A only (QR-based gels): refuse a numerically rank-deficient one."""
    with grad_mode.no_grad():
        S = _lin().svdvals(A)
        tol = S.narrow(-1, 0, 1) * (max(A.shape[-2], A.shape[-1]) * (2.2e-16 if A.dtype.itemsize == 8 else 1.2e-7))
        deficient = _any(S <= tol)
    if deficient:
        raise RuntimeError("lstsq backward: A does not have full rank, so its least-squares solution (and its "
                           "gradient) is not determined; pytorch_like's lstsq handles full-rank A only")


def _pinv_full_rank(A):
    """pinv(A) for A of full rank, as the least-squares solution of A X = I (differentiable)."""
    m = A.shape[-2]
    eye = _P().eye(m, dtype=A.dtype).expand(tuple(A.shape[:-2]) + (m, m))
    return _lin().lstsq(A, eye)[0]


def _pinv_backward(g, pinvA, A):
    m, n = A.shape[-2], A.shape[-1]
    pinvAh, gh = pinvA.mT, g.mT
    if m <= n:
        K = gh.matmul(pinvA)
        KpinvAh = K.matmul(pinvAh)
        return (-(pinvA.matmul(K)).mT + KpinvAh - A.matmul(pinvA).matmul(KpinvAh)
                + pinvAh.matmul(pinvA).matmul(gh - K.matmul(A)))
    K = pinvA.matmul(gh)
    pinvAhK = pinvAh.matmul(K)
    return (-(K.matmul(pinvA)).mT + (gh - A.matmul(K)).matmul(pinvA).matmul(pinvAh) + pinvAhK
            - pinvAhK.matmul(pinvA).matmul(A))


@op("lstsq", node_name="LinalgLstsqBackward0")
def _lstsq(out, A, B, *_, **__):
    vec = B.ndim == A.ndim - 1

    def bw(gs, A, B):
        gX = gs[0]
        if gX is None:
            return None, None
        if vec:
            gX, B = gX.unsqueeze(-1), B.unsqueeze(-1)
        _check_full_rank(A)
        pinvA = _pinv_full_rank(A)
        gA = _pinv_backward(gX.matmul(B.mT), pinvA, A) if _req(A) else None
        gB = pinvA.mT.matmul(gX)
        return gA, (gB.squeeze(-1) if vec else gB)
    return (A, B), (A, B), bw


# ---------------------------------------------------------------------- Householder products

def _reflector(A, i):
    """v_i of LAPACK's Householder form: 0 above row i, 1 at row i, A's column i below."""
    P = _P()
    col = A.select(-1, i)
    m = col.shape[-1]
    lead = P.zeros(tuple(col.shape[:-1]) + (i,), dtype=A.dtype)
    one = P.ones(tuple(col.shape[:-1]) + (1,), dtype=A.dtype)
    return P.cat([lead, one, col.narrow(-1, i + 1, m - i - 1)], -1)


def _apply_reflectors(A, tau, C, left, transpose):
    """op(Q) C (left) or C op(Q) with Q = H_0 ... H_{k-1}, H_i = I - tau_i v_i v_i^T, by
    differentiable ops, one reflector at a time."""
    k = tau.shape[-1]
    order = range(k) if left == transpose else range(k - 1, -1, -1)
    for i in order:
        v = _reflector(A, i)
        t = _unsq2(tau.select(-1, i))
        if left:
            C = C - t * v.unsqueeze(-1).matmul(v.unsqueeze(-2).matmul(C))
        else:
            C = C - t * C.matmul(v.unsqueeze(-1)).matmul(v.unsqueeze(-2))
    return C


def _householder_product(A, tau, *, out=None):
    from .._ops import linalg as raw
    with grad_mode.no_grad():
        raw.orgqr(A.detach(), tau.detach())       # the raw op's checks of the shapes (and their messages)
    m, n = A.shape[-2], A.shape[-1]
    eye = _P().eye(m, n, dtype=A.dtype).expand(tuple(A.shape[:-2]) + (m, n))
    return _apply_reflectors(A, tau, eye, True, False)


def _ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    from .._ops import linalg as raw
    with grad_mode.no_grad():
        raw.ormqr(input.detach(), tau.detach(), other.detach(), left, transpose)
    return _apply_reflectors(input, tau, other, left, transpose)


SPECS["orgqr"] = Spec("orgqr", composite=_householder_product)
SPECS["householder_product"] = Spec("householder_product", composite=_householder_product)
SPECS["ormqr"] = Spec("ormqr", composite=_ormqr)
