"""Linear algebra: BLAS products (dot, mm, matmul, addmm, ...) and LAPACK decompositions.

The torch.linalg names live in the namespace module pytorch_like.linalg (re-exported
here as `linalg`); this module holds the implementations, the torch.* names (PyTorch
and Torch7: gesv, potrf, symeig, ...) and the Tensor methods. The C core works on single
matrices, except the batched LU (getrf/getrs: lu_factor, lu_solve, solve, inv, det, slogdet) and
Cholesky (potrfBatched); other batched (3-D+) LAPACK inputs are looped over here. Norms, pinv,
LU, matrix functions and multi-matrix products are in the sibling modules linalg_norms, linalg_lu,
linalg_powers and linalg_products.
"""
import builtins
import collections
import itertools
import math
import numbers

import numpy as np

from .. import dtypes as _dt
from .._args import bool_arg, tensor_arg
from .._lib import check, error, ffi, lib
from ..tensor import Tensor, _finish, _new_out, empty, from_numpy, zeros

_NULL = ffi.NULL

QR = collections.namedtuple("qr", ["Q", "R"])
SVD = collections.namedtuple("svd", ["U", "S", "V"])
LinalgSVD = collections.namedtuple("linalg_svd", ["U", "S", "Vh"])
Eigh = collections.namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
Eig = collections.namedtuple("linalg_eig", ["eigenvalues", "eigenvectors"])
SymEig = collections.namedtuple("symeig", ["eigenvalues", "eigenvectors"])
Eig7 = collections.namedtuple("eig", ["eigenvalues", "eigenvectors"])
SlogDet = collections.namedtuple("slogdet", ["sign", "logabsdet"])
Lstsq = collections.namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
Solution = collections.namedtuple("triangular_solve", ["solution", "cloned_coefficient"])
Gesv = collections.namedtuple("gesv", ["solution", "LU"])


# ---------------------------------------------------------------------- helpers

def _scalar_arg(x, fn, name):
    if isinstance(x, Tensor):
        x = x.item()
    if not isinstance(x, numbers.Number) or isinstance(x, complex):
        raise TypeError(f"{fn}(): argument '{name}' must be a number, not {type(x).__name__}")
    return builtins.float(x)


def _call(out, fn, name, cfunc):
    """Run cfunc(out_ptr) into out (a Tensor) or a fresh output tensor."""
    if out is None:
        o = _new_out()
        return _finish(o, cfunc(o))
    tensor_arg(out, fn, name)
    check(cfunc(out._t))
    return out


def _call_n(n, cfunc):
    """Run cfunc(*outs) with n fresh output tensors; return them wrapped."""
    outs = [_new_out() for _ in range(n)]
    status = cfunc(*outs)
    if status:
        for o in outs:
            lib.THTensor_free(o)
        raise error(status)
    return [_finish(o, 0) for o in outs]


def _at(t, idx):
    for i in idx:
        t = t.select(0, i)
    return t


def _matrix_at(t, idx, batch):
    """Matrix idx of t's batch, t's batch dims broadcast (right-aligned) to batch."""
    nb = t.dim() - 2
    off = len(batch) - nb
    for d in range(nb):
        i = idx[off + d]
        t = t.select(0, i if t.shape[0] != 1 else 0)
    return t


def _broadcast_batch(fn, shapes):
    n = builtins.max(len(s) for s in shapes)
    out = []
    for i in range(n):
        sizes = {s[len(s) - n + i] for s in shapes if len(s) - n + i >= 0} - {1}
        if len(sizes) > 1:
            raise ValueError(f"{fn}: the batch dimensions {' and '.join(str(list(s)) for s in shapes)} "
                             "cannot be broadcast together")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def _dummy_like(t):
    """A well-conditioned stand-in matrix of t's trailing shape (for zero-size batches)."""
    r, c = t.shape[-2], t.shape[-1]
    return from_numpy(np.eye(r, c, dtype=t.dtype.numpy))


def _batched(fn, f, mats, min_dims=2):
    """Apply f (2-D tensors -> tuple of tensors) over the broadcast batch dims of mats."""
    for m in mats:
        if m.dim() < min_dims:
            raise ValueError(f"{fn}: the input must have at least {min_dims} dimensions, got a {m.dim()}-D tensor")
    if builtins.all(m.dim() == 2 for m in mats):
        return f(*mats)
    batch = _broadcast_batch(fn, [tuple(m.shape[:-2]) for m in mats])
    total = math.prod(batch)
    if total == 0:
        outs = f(*[_dummy_like(m) for m in mats])
        return tuple(empty(batch + tuple(o.shape), dtype=o.dtype) for o in outs)
    results = None
    for idx in itertools.product(*[range(b) for b in batch]):
        outs = f(*[_matrix_at(m, idx, batch) for m in mats])
        if results is None:
            results = tuple(empty(batch + tuple(o.shape), dtype=o.dtype) for o in outs)
        for r, o in zip(results, outs):
            _at(r, idx).copy_(o)
    return results


def _write_out(out, result, fn):
    if out is None:
        return result
    tensor_arg(out, fn, "out")
    check(lib.THTensor_resize(out._t, result.dim(), ffi.new("int64_t[]", list(result.shape))))
    out.copy_(result)
    return out


def _require_float(t, fn):
    if not t.dtype.is_floating_point or t.dtype is _dt.float16:
        raise TypeError(f"{fn}: expected a float32 or float64 tensor as input, got {t.dtype}")


# ---------------------------------------------------------------------- BLAS products

def dot(input, other, *, out=None):
    """Inner product of two 1-D tensors (a 0-dim tensor)."""
    tensor_arg(input, "dot", "input"), tensor_arg(other, "dot", "other")
    return _call(out, "dot", "out", lambda o: lib.THTensor_dot(o, input._t, other._t))


def vdot(input, other, *, out=None):
    """dot() (no complex tensors here, so no conjugation)."""
    return dot(input, other, out=out)


def inner(input, other, *, out=None):
    """Sum of products over the last dimension of input and other."""
    tensor_arg(input, "inner", "input"), tensor_arg(other, "inner", "other")
    if input.dim() == 0 or other.dim() == 0:
        return _write_out(out, input * other, "inner")
    if input.dim() == 1 and other.dim() == 1:
        return dot(input, other, out=out)
    k1, k2 = input.shape[-1], other.shape[-1]
    if k1 != k2:
        raise ValueError(f"inner: the last dimensions of input and other must match, got {k1} and {k2} "
                         f"(shapes {list(input.shape)} and {list(other.shape)})")
    a = input.reshape(-1, k1)
    b = other.reshape(-1, k2)
    r = mm(a, b.t()).reshape(tuple(input.shape[:-1]) + tuple(other.shape[:-1]))
    return _write_out(out, r, "inner")


def mv(input, vec, *, out=None):
    """Matrix-vector product."""
    tensor_arg(input, "mv", "input"), tensor_arg(vec, "mv", "vec")
    return _call(out, "mv", "out", lambda o: lib.THTensor_addmv(o, 0.0, _NULL, 1.0, input._t, vec._t))


def mm(input, mat2, *, out=None):
    """Matrix product of two 2-D tensors."""
    tensor_arg(input, "mm", "input"), tensor_arg(mat2, "mm", "mat2")
    return _call(out, "mm", "out", lambda o: lib.THTensor_addmm(o, 0.0, _NULL, 1.0, input._t, mat2._t))


def bmm(input, mat2, *, out=None):
    """Batched matrix product of two 3-D tensors."""
    tensor_arg(input, "bmm", "input"), tensor_arg(mat2, "bmm", "mat2")
    return _call(out, "bmm", "out", lambda o: lib.THTensor_baddbmm(o, 0.0, _NULL, 1.0, input._t, mat2._t))


def matmul(input, other, *, out=None):
    """numpy-style matrix product: 1-D/2-D operands and broadcast batch dimensions."""
    tensor_arg(input, "matmul", "input"), tensor_arg(other, "matmul", "other")
    return _call(out, "matmul", "out", lambda o: lib.THTensor_matmul(o, input._t, other._t))


def outer(input, vec2, *, out=None):
    """Outer product of two vectors."""
    tensor_arg(input, "outer", "input"), tensor_arg(vec2, "outer", "vec2")
    return _call(out, "outer", "out", lambda o: lib.THTensor_addr(o, 0.0, _NULL, 1.0, input._t, vec2._t))


ger = outer


def _addop(fn, cfunc, input, a, b, beta, alpha, out):
    tensor_arg(input, fn, "input"), tensor_arg(a, fn, "arg1"), tensor_arg(b, fn, "arg2")
    beta, alpha = _scalar_arg(beta, fn, "beta"), _scalar_arg(alpha, fn, "alpha")
    return _call(out, fn, "out", lambda o: cfunc(o, beta, input._t, alpha, a._t, b._t))


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat1 @ mat2)."""
    return _addop("addmm", lib.THTensor_addmm, input, mat1, mat2, beta, alpha, out)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat @ vec)."""
    return _addop("addmv", lib.THTensor_addmv, input, mat, vec, beta, alpha, out)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2)."""
    return _addop("addr", lib.THTensor_addr, input, vec1, vec2, beta, alpha, out)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * bmm(batch1, batch2)."""
    return _addop("baddbmm", lib.THTensor_baddbmm, input, batch1, batch2, beta, alpha, out)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (sum over the batch of batch1[i] @ batch2[i])."""
    return _addop("addbmm", lib.THTensor_addbmm, input, batch1, batch2, beta, alpha, out)


def _inplace(fn, cfunc, result_shape):
    def method(self, a, b, *, beta=1, alpha=1):
        tensor_arg(a, fn, "arg1"), tensor_arg(b, fn, "arg2")
        shape = result_shape(a, b)
        if shape is not None and tuple(self.shape) != shape:
            raise RuntimeError(f"{fn}: self of shape {list(self.shape)} does not match the result shape {list(shape)} "
                               "(an in-place operation cannot broadcast self)")
        bt, al = _scalar_arg(beta, fn, "beta"), _scalar_arg(alpha, fn, "alpha")
        check(cfunc(self._t, bt, self._t, al, a._t, b._t))
        return self
    method.__name__ = fn
    method.__doc__ = f"In-place {fn[:-1]}: self = beta * self + alpha * product."
    return method


def _shape_mm(a, b):
    return (a.shape[0], b.shape[1]) if a.dim() == 2 and b.dim() == 2 else None


def _shape_mv(a, b):
    return (a.shape[0],) if a.dim() == 2 else None


def _shape_r(a, b):
    return (a.shape[0], b.shape[0]) if a.dim() == 1 and b.dim() == 1 else None


def _shape_bmm(a, b):
    return (a.shape[0], a.shape[1], b.shape[2]) if a.dim() == 3 and b.dim() == 3 else None


def _shape_addbmm(a, b):
    return (a.shape[1], b.shape[2]) if a.dim() == 3 and b.dim() == 3 else None


# ---------------------------------------------------------------------- LAPACK: torch.* names

def _sq(name):
    def f(a):
        if a.dim() >= 2 and a.shape[-1] != a.shape[-2]:
            raise ValueError(f"{name}: A must be batches of square matrices, but they are "
                             f"{a.shape[-2]} by {a.shape[-1]} matrices")
    return f


def _lu_of(fn, A):
    """Batched LU of square float A (C getrf): (LU, pivots, numpy info)."""
    from .linalg_lu import _factor
    _sq(fn)(A)
    if A.dim() < 2:
        raise ValueError(f"{fn}: A must have at least 2 dimensions, got a {A.dim()}-D tensor")
    _require_float(A, fn)
    LU, piv, info = _factor(fn, A, True)
    return LU, piv, info.numpy(force=True)


def _check_nonsingular(fn, info, what):
    """PyTorch's singular-matrix error for the first batch element whose U has a zero pivot."""
    flat = info.reshape(-1)
    bad = np.flatnonzero(flat > 0)
    if bad.size:
        where = f"(Batch element {bad[0]}): " if info.ndim else ""
        raise RuntimeError(f"{fn}: {where}" + what.format(k=int(flat[bad[0]])))


def _lu_solve_batched(LU, piv, rhs, batch):
    """X with A X = rhs from A's LU factors; LU, piv and rhs broadcast to the batch shape."""
    n = LU.shape[-1]
    LUe = LU.expand(tuple(batch) + (n, n))
    pe = piv.expand(tuple(batch) + (n,))
    re = rhs.expand(tuple(batch) + tuple(rhs.shape[-2:]))
    o = _new_out()
    return _finish(o, lib.THTensor_getrs(o, LUe._t, pe._t, re._t, 0, 1))


_INV_SINGULAR = ("The diagonal element {k} is zero, the inversion could not be completed because the input "
                 "matrix is singular.")


def inverse(input, *, out=None):
    """Inverse of a square matrix (or a batch of them), from one batched LU."""
    tensor_arg(input, "inverse", "input")
    LU, piv, info = _lu_of("inverse", input)
    _check_nonsingular("inverse", info, _INV_SINGULAR)
    n = input.shape[-1]
    eye = from_numpy(np.eye(n, dtype=input.dtype.numpy))
    return _write_out(out, _lu_solve_batched(LU, piv, eye, tuple(input.shape[:-2])), "inverse")


def _lu_diag_and_sign(LU, piv):
    """U's diagonals (float64, batch..., n) and the permutation signs (batch...) of an LU."""
    n = LU.shape[-1]
    d = np.diagonal(LU.numpy(force=True), axis1=-2, axis2=-1).astype(np.float64)
    swaps = (piv.numpy(force=True) != np.arange(1, n + 1, dtype=np.int32)).sum(-1)
    return d, np.where(swaps % 2, -1.0, 1.0)


def det(input):
    """Determinant of a square matrix (or a batch of them): the product of U's diagonal, signed by the pivots."""
    tensor_arg(input, "det", "input")
    LU, piv, _ = _lu_of("det", input)
    d, sign = _lu_diag_and_sign(LU, piv)
    return from_numpy(np.asarray(sign * d.prod(-1), dtype=input.dtype.numpy))


def slogdet(input):
    """(sign, log|det|) of a square matrix (or a batch), robust to over/underflow."""
    tensor_arg(input, "slogdet", "input")
    LU, piv, _ = _lu_of("slogdet", input)
    d, sign = _lu_diag_and_sign(LU, piv)
    sign = sign * np.sign(d).prod(-1) + 0.0     # + 0.0: a singular matrix has sign 0, not -0
    with np.errstate(divide="ignore"):
        logabs = np.log(np.abs(d)).sum(-1)
    dt = input.dtype.numpy
    return SlogDet(from_numpy(np.asarray(sign, dtype=dt)), from_numpy(np.asarray(logabs, dtype=dt)))


def logdet(input):
    """log(det(input)): nan for a negative determinant, -inf for a singular matrix."""
    s, la = slogdet(input)
    r = la.numpy(force=True).copy()
    r[s.numpy(force=True) < 0] = np.nan
    return from_numpy(np.asarray(r))


def cholesky(input, upper=False, *, out=None):
    """Cholesky factor: lower L with A = L L^T (upper=True: U with A = U^T U); batches in one C call."""
    tensor_arg(input, "cholesky", "input")
    upper = bool_arg(upper, "cholesky", "upper")
    _sq("cholesky")(input)
    if input.dim() < 2:
        raise ValueError(f"cholesky: A must have at least 2 dimensions, got a {input.dim()}-D tensor")
    _require_float(input, "cholesky")
    L, info = _call_n(2, lambda o, i: lib.THTensor_potrfBatched(o, i, input._t, int(upper)))
    _check_nonsingular("cholesky", info.numpy(force=True), "The factorization could not be completed because the "
                       "input is not positive-definite (the leading minor of order {k} is not positive-definite).")
    return _write_out(out, L, "cholesky")


def cholesky_solve(input, input2, upper=False, *, out=None):
    """Solve A X = B given B (input) and the Cholesky factor of A (input2)."""
    tensor_arg(input, "cholesky_solve", "input"), tensor_arg(input2, "cholesky_solve", "input2")
    upper = bool_arg(upper, "cholesky_solve", "upper")

    def f(b, u):
        return (_call(None, "cholesky_solve", "out", lambda o: lib.THTensor_potrs(o, b._t, u._t, 1 if upper else 0)),)
    return _write_out(out, _batched("cholesky_solve", f, [input, input2])[0], "cholesky_solve")


def cholesky_inverse(input, upper=False, *, out=None):
    """Inverse of A given its Cholesky factor."""
    tensor_arg(input, "cholesky_inverse", "input")
    upper = bool_arg(upper, "cholesky_inverse", "upper")

    def f(u):
        return (_call(None, "cholesky_inverse", "out", lambda o: lib.THTensor_potri(o, u._t, 1 if upper else 0)),)
    return _write_out(out, _batched("cholesky_inverse", f, [input])[0], "cholesky_inverse")


def _qr2(a):
    return tuple(_call_n(2, lambda q, r: lib.THTensor_qr(q, r, a._t)))


def _qr_complete2(a):
    m, n = a.shape
    if m <= n:
        return _qr2(a)
    # Householder QR works column by column: the QR of [A | I] has the complete Q of A
    ext = empty(m, n + m, dtype=a.dtype)
    ext.narrow(1, 0, n).copy_(a)
    ext.narrow(1, n, m).copy_(from_numpy(np.eye(m, dtype=a.dtype.numpy)))
    q, r = _qr2(ext)
    return q, r.narrow(1, 0, n).contiguous()


def qr(input, some=True, *, out=None):
    """Reduced QR decomposition (some=False: complete Q)."""
    tensor_arg(input, "qr", "input")
    some = bool_arg(some, "qr", "some")
    r = QR(*_batched("qr", _qr2 if some else _qr_complete2, [input]))
    if out is not None:
        _write_out(out[0], r.Q, "qr"), _write_out(out[1], r.R, "qr")
        return QR(out[0], out[1])
    return r


def _svd2(some):
    def f(a):
        return tuple(_call_n(3, lambda u, s, v: lib.THTensor_svd(u, s, v, a._t, 1 if some else 0)))
    return f


def svd(input, some=True, compute_uv=True, *, out=None):
    """U, S, V with input = U diag(S) V^T (some: reduced U and V)."""
    tensor_arg(input, "svd", "input")
    some, compute_uv = bool_arg(some, "svd", "some"), bool_arg(compute_uv, "svd", "compute_uv")
    u, s, v = _batched("svd", _svd2(some), [input])
    if not compute_uv:
        u, v = zeros(u.shape, dtype=u.dtype), zeros(v.shape, dtype=v.dtype)
    if out is not None:
        return SVD(*(_write_out(o, r, "svd") for o, r in zip(out, (u, s, v))))
    return SVD(u, s, v)


def symeig(input, eigenvectors=False, upper=True):
    """Eigenvalues (ascending) and, if asked, eigenvectors of a symmetric matrix (Torch7/old PyTorch)."""
    tensor_arg(input, "symeig", "input")
    eigenvectors, upper = bool_arg(eigenvectors, "symeig", "eigenvectors"), bool_arg(upper, "symeig", "upper")
    _sq("symeig")(input)

    def f(a):
        return tuple(_call_n(2, lambda e, v: lib.THTensor_symeig(e, v, a._t, 1 if eigenvectors else 0,
                                                                  1 if upper else 0)))
    e, v = _batched("symeig", f, [input])
    return SymEig(e, v if eigenvectors else empty(0, dtype=e.dtype))


def eig(input, eigenvectors=False):
    """Torch7's eig: eigenvalues as an n x 2 tensor of (real, imaginary) parts, and right eigenvectors."""
    tensor_arg(input, "eig", "input")
    eigenvectors = bool_arg(eigenvectors, "eig", "eigenvectors")
    if input.dim() != 2:
        raise ValueError(f"eig: A must be a 2-D matrix, got a {input.dim()}-D tensor")
    _sq("eig")(input)
    e, v = _call_n(2, lambda e, v: lib.THTensor_eig(e, v, input._t, 1 if eigenvectors else 0))
    return Eig7(e, v)


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):
    """Solve A X = b for triangular A: returns (solution, cloned_coefficient)."""
    tensor_arg(b, "triangular_solve", "b"), tensor_arg(A, "triangular_solve", "A")
    upper, transpose, unitriangular = (bool_arg(upper, "triangular_solve", "upper"),
                                       bool_arg(transpose, "triangular_solve", "transpose"),
                                       bool_arg(unitriangular, "triangular_solve", "unitriangular"))

    def f(bb, aa):
        return (_call(None, "triangular_solve", "out",
                      lambda o: lib.THTensor_trtrs(o, bb._t, aa._t, int(upper), int(transpose), int(unitriangular))),)
    x = _batched("triangular_solve", f, [b, A])[0]
    return Solution(x, A.clone())


# Torch7 names (argument order and defaults of torch7's TensorMath)

def gesv(b, a):
    """Torch7 gesv: solve a x = b; returns (x, LU factors of a)."""
    tensor_arg(b, "gesv", "b"), tensor_arg(a, "gesv", "a")
    x, lu = _call_n(2, lambda x, lu: lib.THTensor_gesv(x, lu, b._t, a._t))
    return Gesv(x, lu)


def trtrs(b, a, upper=True, transpose=False, unitriangular=False):
    """Torch7 trtrs: solve a x = b for triangular a; returns (x, copy of a)."""
    tensor_arg(b, "trtrs", "b"), tensor_arg(a, "trtrs", "a")
    upper, transpose, unitriangular = (bool_arg(upper, "trtrs", "upper"), bool_arg(transpose, "trtrs", "transpose"),
                                       bool_arg(unitriangular, "trtrs", "unitriangular"))
    x = _call(None, "trtrs", "out",
              lambda o: lib.THTensor_trtrs(o, b._t, a._t, int(upper), int(transpose), int(unitriangular)))
    return Solution(x, a.clone())


def gels(b, a):
    """Torch7 gels: least-squares (tall a) or least-norm (wide a) solution of a x = b."""
    tensor_arg(b, "gels", "b"), tensor_arg(a, "gels", "a")
    return _call(None, "gels", "out", lambda o: lib.THTensor_gels(o, ffi.NULL, b._t, a._t))


def potrf(a, upper=True):
    """Torch7 potrf: Cholesky factor, upper (a = U^T U) by default."""
    tensor_arg(a, "potrf", "a")
    upper = bool_arg(upper, "potrf", "upper")
    return _call(None, "potrf", "out", lambda o: lib.THTensor_potrf(o, a._t, 1 if upper else 0))


def potrs(b, chol, upper=True):
    """Torch7 potrs: solve a x = b from the Cholesky factor of a."""
    tensor_arg(b, "potrs", "b"), tensor_arg(chol, "potrs", "chol")
    upper = bool_arg(upper, "potrs", "upper")
    return _call(None, "potrs", "out", lambda o: lib.THTensor_potrs(o, b._t, chol._t, 1 if upper else 0))


def potri(chol, upper=True):
    """Torch7 potri: inverse of a from its Cholesky factor."""
    tensor_arg(chol, "potri", "chol")
    upper = bool_arg(upper, "potri", "upper")
    return _call(None, "potri", "out", lambda o: lib.THTensor_potri(o, chol._t, 1 if upper else 0))


# ---------------------------------------------------------------------- Householder QR / pivoted Cholesky

Geqrf = collections.namedtuple("geqrf", ["a", "tau"])


def _tau_arg(tau, input, fn):
    tensor_arg(tau, fn, "tau")
    if tau.dim() < 1 or tau.dim() != input.dim() - 1:
        raise ValueError(f"{fn}: tau must have one dimension less than input ({input.dim() - 1}), "
                         f"got a {tau.dim()}-D tensor")
    return tau.unsqueeze(-2)     # batched as a 1 x k matrix


def geqrf(input, *, out=None):
    """QR in LAPACK's Householder form: (a with R above and reflectors below the diagonal, tau)."""
    tensor_arg(input, "geqrf", "input")

    def f(a):
        return tuple(_call_n(2, lambda o, t: lib.THTensor_geqrf(o, t, a._t)))
    r = Geqrf(*_batched("geqrf", f, [input]))
    if out is not None:
        _write_out(out[0], r.a, "geqrf"), _write_out(out[1], r.tau, "geqrf")
        return Geqrf(out[0], out[1])
    return r


def orgqr(input, tau, *, out=None):
    """The first n columns of Q = H_1 ... H_k from Householder reflectors (input m x n, tau k)."""
    tensor_arg(input, "orgqr", "input")
    t2 = _tau_arg(tau, input, "orgqr")

    def f(a, t):
        return (_call(None, "orgqr", "out", lambda o: lib.THTensor_orgqr(o, a._t, t.squeeze(0)._t)),)
    return _write_out(out, _batched("orgqr", f, [input, t2])[0], "orgqr")


def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    """op(Q) other (left) or other op(Q), Q from Householder reflectors (input, tau), op = transpose or not."""
    tensor_arg(input, "ormqr", "input"), tensor_arg(other, "ormqr", "other")
    t2 = _tau_arg(tau, input, "ormqr")

    def f(a, t, c):
        return (_call(None, "ormqr", "out",
                      lambda o: lib.THTensor_ormqr(o, a._t, t.squeeze(0)._t, c._t, int(bool(left)),
                                                   int(bool(transpose)))),)
    return _write_out(out, _batched("ormqr", f, [input, t2, other])[0], "ormqr")


def pstrf(a, upper=True, tol=-1):
    """Torch7 pstrf: pivoted Cholesky of a PSD a; returns (u, piv int32) with a[piv][:, piv] = U^T U."""
    tensor_arg(a, "pstrf", "a")
    upper = bool_arg(upper, "pstrf", "upper")
    tol = _scalar_arg(tol, "pstrf", "tol")
    u, piv = _call_n(2, lambda u, p: lib.THTensor_pstrf(u, p, a._t, 1 if upper else 0, float(tol), 0))
    return u, piv


def _linalg_householder_product(A, tau, *, out=None):
    """orgqr()."""
    return orgqr(A, tau, out=out)


# ---------------------------------------------------------------------- torch.linalg implementations

def _linalg_solve(A, B, *, left=True, out=None):
    """Solve A X = B (left=False: X A = B); B may be a vector or a batch. One batched LU of A."""
    fn = "linalg.solve"
    tensor_arg(A, fn, "A"), tensor_arg(B, fn, "B")
    if not bool_arg(left, fn, "left"):
        return _write_out(out, _linalg_solve(A.mT, B.mT).mT, fn)
    if A.dim() < 2:
        raise ValueError(f"{fn}: A must have at least 2 dimensions, got a {A.dim()}-D tensor")
    _sq(fn)(A)
    if B.dtype is not A.dtype:
        raise TypeError(f"{fn}: expected A and B to have the same dtype, but got {A.dtype} and {B.dtype}")
    vector = B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    rhs = B.unsqueeze(-1) if vector else B
    n = A.shape[-1]
    if rhs.dim() < 2 or rhs.shape[-2] != n:
        raise ValueError(f"{fn}: Incompatible shapes of A and B for the equation AX = B ({n}x{n} and "
                         f"{'x'.join(str(s) for s in rhs.shape[-2:])})")
    batch = _broadcast_batch(fn, [tuple(A.shape[:-2]), tuple(rhs.shape[:-2])])
    LU, piv, info = _lu_of(fn, A)
    _check_nonsingular(fn, info, "The solver failed because the input matrix is singular (U({k},{k}) is zero).")
    x = _lu_solve_batched(LU, piv, rhs, batch)
    return _write_out(out, x.squeeze(-1) if vector else x, fn)


def _linalg_inv(A, *, out=None):
    """Inverse of a square matrix (or batch)."""
    return inverse(A, out=out)


def _linalg_det(A, *, out=None):
    """Determinant of a square matrix (or batch)."""
    return _write_out(out, det(A), "linalg.det")


def _linalg_slogdet(A, *, out=None):
    """(sign, log|det|)."""
    return slogdet(A)


def _linalg_cholesky(A, *, upper=False, out=None):
    """Cholesky factor L (A = L L^T), or U (A = U^T U) with upper=True."""
    return cholesky(A, upper=upper, out=out)


def _linalg_qr(A, mode="reduced", *, out=None):
    """QR decomposition; mode 'reduced', 'complete' or 'r' (Q empty)."""
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                         "'r', or 'complete'")
    q, r = qr(A, some=mode != "complete")
    if mode == "r":
        q = empty(0, dtype=r.dtype)
    return QR(q, r)


def _linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """U, S, Vh with A = U diag(S) Vh."""
    u, s, v = svd(A, some=not full_matrices)
    return LinalgSVD(u, s, v.mT.contiguous())


def _linalg_svdvals(A, *, driver=None, out=None):
    """Singular values, descending."""
    return _write_out(out, svd(A)[1], "linalg.svdvals")


def _linalg_eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix, reading the UPLO triangle."""
    if UPLO not in ("L", "U"):
        raise ValueError(f"linalg.eigh: UPLO must be 'L' or 'U', got '{UPLO}'")
    e, v = symeig(A, eigenvectors=True, upper=UPLO == "U")
    return Eigh(e, v)


def _linalg_eigvalsh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) of a symmetric matrix."""
    if UPLO not in ("L", "U"):
        raise ValueError(f"linalg.eigvalsh: UPLO must be 'L' or 'U', got '{UPLO}'")
    return _write_out(out, symeig(A, eigenvectors=False, upper=UPLO == "U")[0], "linalg.eigvalsh")


def _real_eig(fn, A, vectors):
    tensor_arg(A, fn, "A")
    _sq(fn)(A)

    def f(a):
        e, v = _call_n(2, lambda e, v: lib.THTensor_eig(e, v, a._t, 1 if vectors else 0))
        if (e.numpy(force=True)[:, 1] != 0).any():
            raise NotImplementedError(f"{fn}: the matrix has complex eigenvalues, and pytorch_like has no complex "
                                      "tensors; use pytorch_like.eig(A) for the Torch7 form (an n x 2 tensor of "
                                      "real and imaginary parts)")
        return (e.select(1, 0).contiguous(), v)
    return _batched(fn, f, [A])


def _linalg_eig(A, *, out=None):
    """Eigenvalues and right eigenvectors as real tensors (NotImplementedError if any eigenvalue is complex)."""
    return Eig(*_real_eig("linalg.eig", A, True))


def _linalg_eigvals(A, *, out=None):
    """Eigenvalues as a real tensor (NotImplementedError if any is complex)."""
    return _real_eig("linalg.eigvals", A, False)[0]


def _linalg_lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of A X = B for full-rank A (least norm when A is wide)."""
    tensor_arg(A, "linalg.lstsq", "A"), tensor_arg(B, "linalg.lstsq", "B")
    vector = B.dim() == A.dim() - 1

    def f(a, b):
        return (_call(None, "linalg.lstsq", "out", lambda o: lib.THTensor_gels(o, ffi.NULL, b._t, a._t)),)
    if vector:
        x = _batched("linalg.lstsq", f, [A, B.unsqueeze(-1)])[0].squeeze(-1)
    else:
        x = _batched("linalg.lstsq", f, [A, B])[0]
    rank = from_numpy(np.full(tuple(A.shape[:-2]), builtins.min(A.shape[-2], A.shape[-1]), np.int64))
    return Lstsq(x, empty(0, dtype=x.dtype), rank, empty(0, dtype=x.dtype))


def _linalg_solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """Solve A X = B (left=False: X A = B) for triangular A."""
    tensor_arg(A, "linalg.solve_triangular", "A"), tensor_arg(B, "linalg.solve_triangular", "B")
    if not left:
        # X A = B  <=>  A^T X^T = B^T
        x = _linalg_solve_triangular(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
        return _write_out(out, x, "linalg.solve_triangular")

    def f(a, b):
        return (_call(None, "linalg.solve_triangular", "out",
                      lambda o: lib.THTensor_trtrs(o, b._t, a._t, int(upper), 0, int(unitriangular))),)
    return _write_out(out, _batched("linalg.solve_triangular", f, [A, B])[0], "linalg.solve_triangular")


def _linalg_matmul(input, other, *, out=None):
    """matmul()."""
    return matmul(input, other, out=out)


# ---------------------------------------------------------------------- Tensor methods

def _matmul_op(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


def _rmatmul_op(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _imatmul_op(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    r = matmul(self, other)
    if tuple(r.shape) != tuple(self.shape):
        raise RuntimeError(f"matmul: the result of shape {list(r.shape)} cannot be written in place into self of "
                           f"shape {list(self.shape)}")
    return self.copy_(r)


Tensor.__matmul__ = _matmul_op
Tensor.__rmatmul__ = _rmatmul_op
Tensor.__imatmul__ = _imatmul_op
Tensor.dot = dot
Tensor.vdot = vdot
Tensor.inner = inner
Tensor.mv = mv
Tensor.mm = mm
Tensor.bmm = bmm
Tensor.matmul = matmul
Tensor.outer = outer
Tensor.ger = outer
Tensor.addmm = addmm
Tensor.addmv = addmv
Tensor.addr = addr
Tensor.baddbmm = baddbmm
Tensor.addbmm = addbmm
Tensor.addmm_ = _inplace("addmm_", lib.THTensor_addmm, _shape_mm)
Tensor.addmv_ = _inplace("addmv_", lib.THTensor_addmv, _shape_mv)
Tensor.addr_ = _inplace("addr_", lib.THTensor_addr, _shape_r)
Tensor.baddbmm_ = _inplace("baddbmm_", lib.THTensor_baddbmm, _shape_bmm)
Tensor.addbmm_ = _inplace("addbmm_", lib.THTensor_addbmm, _shape_addbmm)
Tensor.inverse = inverse
Tensor.det = det
Tensor.slogdet = slogdet
Tensor.logdet = logdet
Tensor.cholesky = cholesky
Tensor.cholesky_solve = cholesky_solve
Tensor.cholesky_inverse = cholesky_inverse
Tensor.qr = qr
Tensor.svd = svd
Tensor.symeig = symeig
Tensor.triangular_solve = triangular_solve
Tensor.geqrf = geqrf
Tensor.orgqr = orgqr
Tensor.ormqr = ormqr

from .. import linalg  # noqa: E402  (the torch.linalg namespace; imports this module's functions)

__all__ = ["dot", "vdot", "inner", "mv", "mm", "bmm", "matmul", "outer", "ger", "addmm", "addmv", "addr",
           "baddbmm", "addbmm", "inverse", "det", "slogdet", "logdet", "cholesky", "cholesky_solve",
           "cholesky_inverse", "qr", "svd", "symeig", "eig", "triangular_solve", "gesv", "trtrs", "gels", "potrf",
           "potrs", "potri", "geqrf", "orgqr", "ormqr", "pstrf", "linalg"]
