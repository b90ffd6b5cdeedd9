"""Powers of matrices and of vectors: linalg.matrix_power, linalg.matrix_exp, torch.vander and
linalg.vander.

matrix_power and the Vandermonde matrices are products of differentiable ops (matmul, inv, mul),
looked up at call time, so they record their own graphs. matrix_exp is scaling and squaring
with a diagonal Pade approximant (Higham 2005, degrees 3..13 in float64, 3..7 in float32),
batched: each matrix is scaled by its own power of two; its backward is in autograd/formulas_linalg_matrix.py.
"""
import math
import numbers

import numpy as np

from .. import dtypes as _dt
from .._args import tensor_arg
from ..tensor import Tensor, from_numpy
from . import linalg as _la


def _P():
    import pytorch_like
    return pytorch_like


def _n_arg(n, fn):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{fn}(): argument 'n' (position 2) must be int, not {type(n).__name__}")
    return int(n)


def _square(A, fn, name="A"):
    tensor_arg(A, fn, name)
    if A.dim() < 2:
        raise ValueError(f"{fn}: The input tensor {name} must have at least 2 dimensions.")
    _la._sq(fn)(A)


def matrix_power(A, n, *, out=None):
    """A to the integer power n (n < 0: the inverse's power; n = 0: the identity), by repeated squaring."""
    fn = "linalg.matrix_power"
    _square(A, fn)
    n = _n_arg(n, fn)
    if n == 0:     # the identity filled into A, as PyTorch: the result is in A's graph, with a zero gradient
        diag = _P().eye(A.shape[-1], dtype=_dt.bool)
        return _la._write_out(out, A.masked_fill(~diag, 0).masked_fill(diag, 1), fn)
    if n < 0:
        A = _P().linalg.inv(A)
        n = -n
    if n == 1:
        return _la._write_out(out, A.clone(), fn)
    # PyTorch's order: bits from the least significant, z = A^(2^k), result *= z where the bit is set
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = A if z is None else z.matmul(z)
        if bit:
            result = z if result is None else result.matmul(z)
    return _la._write_out(out, result, fn)


# ---------------------------------------------------------------------- matrix_exp

def _pade_coefficients(m):
    """b_k of the [m/m] Pade approximant of exp: (2m-k)! m! / ((2m)! k! (m-k)!)."""
    f = math.factorial
    return [f(2 * m - k) * f(m) / (f(2 * m) * f(k) * f(m - k)) for k in range(m + 1)]


# the largest 1-norm for which the degree-m approximant is accurate to unit roundoff (Higham 2005)
_THETA = {_dt.float64: ((3, 1.495585217958292e-2), (5, 2.539398330063230e-1), (7, 9.504178996162932e-1),
                        (9, 2.097847961257068e0), (13, 5.371920351148152e0)),
          _dt.float32: ((3, 4.258730016922831e-1), (5, 1.880152677804762e0), (7, 3.925724783138660e0))}


def _combo(coefs, mats):
    """sum of coefs[i] * mats[i]; a None matrix is the identity (no graph: fused adds, in place)."""
    r = None
    for c, M in zip(coefs, mats):
        if M is not None:
            r = M * c if r is None else r.add_(M, alpha=c)
    for c, M in zip(coefs, mats):
        if M is None:
            r.diagonal(0, -2, -1).add_(c)
    return r


def _pade_uv(A, m):
    """U (odd part) and V (even part) of the degree-m Pade numerator p(A) = V + U, q(A) = V - U."""
    b = _pade_coefficients(m)
    A2 = A.matmul(A)
    if m == 13:     # Higham's evaluation: 6 products
        A4 = A2.matmul(A2)
        A6 = A4.matmul(A2)
        U = A.matmul(A6.matmul(_combo(b[9:14:2], [A2, A4, A6])).add_(_combo(b[1:8:2], [None, A2, A4, A6])))
        V = A6.matmul(_combo(b[8:13:2], [A2, A4, A6])).add_(_combo(b[0:7:2], [None, A2, A4, A6]))
        return U, V
    powers = [None, A2]
    while len(powers) <= m // 2:
        powers.append(powers[-1].matmul(A2))
    return A.matmul(_combo(b[1::2], powers)), _combo(b[0::2], powers)


def _expm(A):
    """exp of each matrix of A (batch, n, n), contiguous float32/float64, no graph."""
    norms = A.abs().sum(-2).amax(-1).numpy(force=True).astype(np.float64)    # 1-norms
    table = _THETA[A.dtype]
    top = float(norms.max()) if norms.size else 0.0
    m = next((deg for deg, theta in table if top <= theta), table[-1][0])
    theta_max = table[-1][1]
    # squarings per matrix: 2^-s A has a norm within theta (none for inf/nan: the result is nan anyway)
    ratio = np.where(np.isfinite(norms) & (norms > theta_max), norms / theta_max, 1.0)
    s = np.ceil(np.log2(ratio)).astype(np.int64)
    if s.any():
        scale = from_numpy(np.ldexp(1.0, -s).astype(A.dtype.numpy)).unsqueeze(-1).unsqueeze(-1)
        A = A * scale
    U, V = _pade_uv(A, m)
    lin = _P().linalg
    LU, piv, _ = lin.lu_factor_ex(V - U)     # q(A) is well conditioned for norms within theta
    R = lin.lu_solve(LU, piv, V.add_(U))
    for k in range(int(s.max()) if s.size else 0):
        idx = np.nonzero(s > k)[0]
        if idx.size == R.shape[0]:
            R = R.matmul(R)
        else:
            it = from_numpy(idx)
            sub = R.index_select(0, it)
            R = R.index_copy(0, it, sub.matmul(sub))
    return R


def matrix_exp(A):
    """The matrix exponential of A (..., n, n)."""
    fn = "linalg.matrix_exp"
    _square(A, fn)
    _la._require_float(A, fn)
    n = A.shape[-1]
    if A.numel() == 0:
        return A.clone()
    if n == 1:
        return A.exp()
    return _expm(A.reshape(-1, n, n).contiguous()).reshape(A.shape)


# ---------------------------------------------------------------------- Vandermonde matrices

def _powers(x, N):
    """(..., N): x^0, x^1, ..., x^(N-1) along a new last dim, by repeated products (differentiable at 0)."""
    P = _P()
    if x.dtype is _dt.bool or not x.dtype.is_floating_point and x.dtype is not _dt.int64:
        x = x.to(_dt.int64)
    cols = []
    if N > 0:
        cols.append(P.ones_like(x))
    for _ in range(1, N):
        cols.append(cols[-1] * x)
    if not cols:
        return P.empty(tuple(x.shape) + (0,), dtype=x.dtype)
    return P.stack(cols, -1)


def vander(x, N=None, increasing=False):
    """torch.vander: the len(x) x N matrix of powers of a 1-D x, decreasing (x^(N-1) first) by default."""
    tensor_arg(x, "vander", "x")
    if x.dim() != 1:
        raise ValueError(f"vander: x must be a one-dimensional tensor, got a {x.dim()}-D tensor")
    if N is None:
        N = x.shape[0]
    if isinstance(N, bool) or not isinstance(N, numbers.Integral):
        raise TypeError(f"vander(): argument 'N' must be int, not {type(N).__name__}")
    if N < 0:
        raise ValueError(f"vander: N must be non-negative, got {N}")
    r = _powers(x, int(N))
    return r if increasing else r.flip(-1)


def _linalg_vander(x, *, N=None):
    """linalg.vander: powers x^0 ... x^(N-1) of x (..., n) along a new last dim (increasing)."""
    fn = "linalg.vander"
    tensor_arg(x, fn, "x")
    if x.dim() < 1:
        raise ValueError(f"{fn}: x must have at least one dimension, got a 0-D tensor")
    if N is None:
        N = x.shape[-1]
    if isinstance(N, bool) or not isinstance(N, numbers.Integral):
        raise TypeError(f"{fn}(): argument 'N' must be int, not {type(N).__name__}")
    if N <= 1:
        raise ValueError(f"{fn}: N must be greater than 1, got {N}")
    return _powers(x, int(N))


Tensor.matrix_power = matrix_power
Tensor.matrix_exp = matrix_exp

__all__ = ["matrix_power", "matrix_exp", "vander"]
