"""Matrix norms and the functions of the singular values: linalg.norm, linalg.matrix_norm,
linalg.cond, linalg.matrix_rank, linalg.pinv (torch.pinverse).

norm, matrix_norm and cond are written with differentiable ops (svdvals, vector_norm, amax,
inv, ...), looked up at call time, so they record their own graphs; pinv records through its
own backward formula (PyTorch's pinv_backward).
"""
import math
import numbers

from .. import dtypes as _dt
from .._args import bool_arg, tensor_arg
from .. import _grad_mode as grad_mode
from ..tensor import Tensor, zeros
from . import linalg as _la

_INF = math.inf
_MATRIX_ORDS = ("fro", "nuc", 2, -2, 1, -1, _INF, -_INF)


def _lin():
    from .. import linalg
    return linalg


def _is_ord(x, v):
    return not isinstance(x, bool) and isinstance(x, (numbers.Real, str)) and x == v


def _check_ord(ord, fn):      # noqa: A002  (PyTorch's name)
    if not any(_is_ord(ord, v) for v in _MATRIX_ORDS):
        raise ValueError(f"{fn}: Order {ord} not supported.")


def _float_input(A, fn, dtype):
    if dtype is not None:
        if not isinstance(dtype, _dt.dtype) or not dtype.is_floating_point:
            raise TypeError(f"{fn}: dtype must be a floating point dtype, got {dtype}")
        if A.dtype is not dtype:
            A = A.to(dtype)
    if not A.dtype.is_floating_point or A.dtype is _dt.float16:
        raise TypeError(f"{fn}: Expected a float32 or float64 tensor as input. Got {A.dtype}")
    return A


def _two_dims(dim, ndim, fn):
    if not isinstance(dim, (tuple, list)) or len(dim) != 2 or not all(isinstance(d, int) for d in dim):
        raise ValueError(f"{fn}: dim must be a 2-tuple of ints. Got {dim}")
    d = []
    for x in dim:
        if not -ndim <= x < ndim:
            raise IndexError(f"{fn}: dim {x} is out of range for a {ndim}-D tensor")
        d.append(x % ndim)
    if d[0] == d[1]:
        raise ValueError(f"{fn}: dims must be different. Got ({dim[0]}, {dim[1]})")
    return d


def _smallest(s):
    return s.amin(-1)


def _spectral(A, d0, d1, keepdim, reduce):
    """reduce(singular values) of the matrices over dims (d0, d1), keepdim as a reduction."""
    M = A.movedim((d0, d1), (-2, -1))
    if M.shape[-2] == 0 or M.shape[-1] == 0:
        if reduce is _smallest:
            raise IndexError("linalg.matrix_norm: the smallest singular value of an empty matrix is not defined")
        r = zeros(tuple(M.shape[:-2]), dtype=A.dtype)
    else:
        r = reduce(_lin().svdvals(M))
    if keepdim:
        for d in sorted((d0, d1)):
            r = r.unsqueeze(d)
    return r


def _matrix_norm(A, ord, dim, keepdim, fn):   # noqa: A002
    d0, d1 = _two_dims(dim, A.dim(), fn)
    if _is_ord(ord, "fro"):
        return _lin().vector_norm(A, 2, (d0, d1), keepdim)
    if _is_ord(ord, "nuc"):
        return _spectral(A, d0, d1, keepdim, lambda s: s.sum(-1))
    if _is_ord(ord, 2):
        return _spectral(A, d0, d1, keepdim, lambda s: s.amax(-1))
    if _is_ord(ord, -2):
        return _spectral(A, d0, d1, keepdim, _smallest)
    # 1 / -1: max / min column sum (sum over the rows d0); inf / -inf: over rows (sum over d1)
    sum_dim, red_dim = (d0, d1) if abs(ord) == 1 else (d1, d0)
    s = A.abs().sum(sum_dim, keepdim=True)
    if ord > 0 and A.shape[red_dim] == 0:     # the largest of no sums: 0, as PyTorch
        r = s.sum(red_dim, keepdim=True)
    else:
        r = s.amax(red_dim, keepdim=True) if ord > 0 else s.amin(red_dim, keepdim=True)
    if not keepdim:
        r = r.squeeze(max(d0, d1)).squeeze(min(d0, d1))
    return r


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """Matrix norm over dims dim: 'fro', 'nuc', 2, -2 (singular values), 1, -1, inf, -inf (column/row sums)."""
    fn = "linalg.matrix_norm"
    tensor_arg(A, fn, "A")
    keepdim = bool_arg(keepdim, fn, "keepdim")
    if A.dim() < 2:
        raise ValueError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    _check_ord(ord, fn)
    A = _float_input(A, fn, dtype)
    return _la._write_out(out, _matrix_norm(A, ord, dim, keepdim, fn), fn)


def _linalg_norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):  # noqa: A002
    """Vector norm (ord a number, dim an int or None with A 1-D) or matrix norm (dim a pair, ord a string,
    or A 2-D with ord given); ord None and dim None: the 2-norm of all elements."""
    fn = "linalg.norm"
    tensor_arg(A, fn, "A")
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        if not isinstance(dim, (tuple, list)) or len(dim) not in (1, 2):
            raise ValueError(f"{fn}: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
        matrix = len(dim) == 2
    elif ord is None:
        A = _float_input(A, fn, dtype)
        return _lin().vector_norm(A, 2, None, keepdim, out=out)
    else:
        if A.dim() not in (1, 2):
            raise ValueError(f"{fn}: If dim is not specified but ord is, the input must be 1D or 2D. "
                             f"Got {A.dim()}D.")
        matrix = A.dim() == 2
        dim = (0, 1) if matrix else (0,)
    if isinstance(ord, str) or matrix:
        return matrix_norm(A, "fro" if ord is None else ord, tuple(dim), keepdim, dtype=dtype, out=out)
    A = _float_input(A, fn, dtype)
    return _lin().vector_norm(A, 2 if ord is None else ord, dim, keepdim, out=out)


# ---------------------------------------------------------------------- tolerances, rank, pinv

def _tol_value(x, fn, name):
    if x is None or isinstance(x, Tensor):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{fn}(): argument '{name}' must be a float or a Tensor, not {type(x).__name__}")
    return float(x)


def _tolerance(smax, m, n, atol, rtol, fn):
    """max(atol, rtol * smax) per matrix (smax: the largest value, keepdim), with PyTorch's default
    rtol: eps * max(m, n), or 0 where a positive atol is given."""
    from .. import where
    atol, rtol = _tol_value(atol, fn, "atol"), _tol_value(rtol, fn, "rtol")
    eps = 2.220446049250313e-16 if smax.dtype is _dt.float64 else 1.1920928955078125e-07
    default = eps * max(m, n)
    # tensor tolerances hold one value per matrix of the batch: a trailing dim to meet smax's
    atol = atol.to(smax.dtype).unsqueeze(-1) if isinstance(atol, Tensor) else atol
    rtol = rtol.to(smax.dtype).unsqueeze(-1) if isinstance(rtol, Tensor) else rtol
    if rtol is None:
        if atol is None:
            rtol = default
        else:
            rtol = where(atol > 0, 0.0, default) if isinstance(atol, Tensor) else (0.0 if atol > 0 else default)
    tol = smax * rtol
    if atol is None:
        return tol
    return tol.maximum(atol.expand_as(tol)) if isinstance(atol, Tensor) else tol.clamp(min=atol)


def _abs_spectrum(A, hermitian):
    """(|values|, the largest, keepdim): the singular values, or |eigenvalues| when hermitian."""
    if hermitian:
        absL = _lin().eigvalsh(A).abs()
        return absL, absL.amax(-1, keepdim=True)
    S = _lin().svdvals(A)
    return S, S.narrow(-1, 0, 1)


def _rank_args(fn, tol, atol, rtol, hermitian):
    if tol is not None:
        if atol is not None or rtol is not None:
            raise ValueError(f"{fn}: tol cannot be given together with atol or rtol")
        atol, rtol = tol, 0.0
    return atol, rtol, bool_arg(hermitian, fn, "hermitian")


def _linalg_matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """Number of singular values (|eigenvalues| when hermitian) above max(atol, rtol * largest), int64."""
    fn = "linalg.matrix_rank"
    tensor_arg(A, fn, "A")
    atol, rtol, hermitian = _rank_args(fn, tol, atol, rtol, hermitian)
    if A.dim() < 2:
        raise ValueError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    _la._require_float(A, fn)
    m, n = A.shape[-2], A.shape[-1]
    if m == 0 or n == 0:
        return _la._write_out(out, zeros(tuple(A.shape[:-2]), dtype=_dt.int64), fn)
    with grad_mode.no_grad():
        absS, smax = _abs_spectrum(A.detach(), hermitian)
        tol_ = _tolerance(smax, m, n, atol, rtol, fn)
        r = (absS > tol_).to(_dt.int64).sum(-1)
    return _la._write_out(out, r, fn)


def _pinv_raw(A, atol, rtol, hermitian, fn):
    m, n = A.shape[-2], A.shape[-1]
    if m == 0 or n == 0:
        return zeros(tuple(A.shape[:-2]) + (n, m), dtype=A.dtype)
    lin = _lin()
    if hermitian:
        L, V = lin.eigh(A)
        absL = L.abs()
        tol = _tolerance(absL.amax(-1, keepdim=True), m, n, atol, rtol, fn)
        inv = (absL > tol).to(A.dtype) / L.masked_fill(absL <= tol, 1.0)
        return (V * inv.unsqueeze(-2)).matmul(V.mT)
    U, S, Vh = lin.svd(A, full_matrices=False)
    tol = _tolerance(S.narrow(-1, 0, 1), m, n, atol, rtol, fn)
    inv = (S > tol).to(A.dtype) / S.masked_fill(S <= tol, 1.0)
    return (Vh.mT * inv.unsqueeze(-2)).matmul(U.mT)


def _linalg_pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """Moore-Penrose pseudo-inverse from the SVD (eigh when hermitian), singular values at or below
    max(atol, rtol * largest) treated as zero; rcond is rtol (with atol 0)."""
    fn = "linalg.pinv"
    tensor_arg(A, fn, "A")
    if rcond is not None:
        if atol is not None or rtol is not None:
            raise ValueError(f"{fn}: rcond cannot be given together with atol or rtol")
        atol, rtol = 0.0, rcond
    hermitian = bool_arg(hermitian, fn, "hermitian")
    if A.dim() < 2:
        raise ValueError(f"{fn}: expected a tensor with 2 or more dimensions of float32 or float64 type, got a "
                         f"{A.dim()}-D tensor")
    _la._require_float(A, fn)
    if hermitian:
        _la._sq(fn)(A)
    return _la._write_out(out, _pinv_raw(A, atol, rtol, hermitian, fn), fn)


def pinverse(input, rcond=1e-15):
    """torch.pinverse: linalg.pinv(input, rtol=rcond)."""
    return _lin().pinv(input, rcond=rcond)


def _linalg_cond(A, p=None, *, out=None):
    """Condition number in norm p: sigma_max / sigma_min (p None or 2; -2 the inverse ratio), sum(S) * sum(1/S)
    ('nuc'), else norm(A) * norm(inv(A)) for square A, inf where A is singular."""
    fn = "linalg.cond"
    tensor_arg(A, fn, "A")
    if A.dim() < 2:
        raise ValueError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    _la._require_float(A, fn)
    if p is None or _is_ord(p, 2) or _is_ord(p, -2):
        if A.shape[-2] == 0 or A.shape[-1] == 0:
            return _la._write_out(out, zeros(tuple(A.shape[:-2]), dtype=A.dtype), fn)
        S = _lin().svdvals(A)
        hi, lo = S.narrow(-1, 0, 1).squeeze(-1), S.narrow(-1, S.shape[-1] - 1, 1).squeeze(-1)
        return _la._write_out(out, lo / hi if _is_ord(p, -2) else hi / lo, fn)
    if A.shape[-1] != A.shape[-2]:
        raise ValueError(f"{fn}(ord={p}): A must be batches of square matrices, but they are {A.shape[-2]} by "
                         f"{A.shape[-1]} matrices")
    if not any(_is_ord(p, v) for v in _MATRIX_ORDS):
        raise ValueError(f"{fn} got an invalid norm type: {p}")
    n = A.shape[-1]
    if n == 0:
        return _la._write_out(out, zeros(tuple(A.shape[:-2]), dtype=A.dtype), fn)
    if _is_ord(p, "nuc"):    # from the singular values, as PyTorch: nan for a zero matrix
        S = _lin().svdvals(A)
        return _la._write_out(out, S.sum(-1) * S.reciprocal().sum(-1), fn)
    from .. import eye, where
    with grad_mode.no_grad():
        singular = _lin().lu_factor_ex(A.detach())[2] > 0
    mask = singular.unsqueeze(-1).unsqueeze(-1)
    safe = where(mask, eye(n, dtype=A.dtype), A)
    r = _matrix_norm(A, p, (-2, -1), False, fn) * _matrix_norm(_lin().inv(safe), p, (-2, -1), False, fn)
    return _la._write_out(out, where(singular, _INF, r), fn)


Tensor.pinverse = pinverse

__all__ = ["pinverse"]
