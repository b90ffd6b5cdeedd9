"""LU factorisation with partial pivoting: linalg.lu_factor(_ex), linalg.lu, linalg.lu_solve,
torch.lu_unpack and the older torch.lu / torch.lu_solve.

Pivots follow PyTorch (and LAPACK): int32, 1-based, row i was swapped with row pivots[i].
The factorisation and the solves are batched in C (THTensor_getrf / THTensor_getrs);
lu_unpack is written with differentiable ops so that linalg.lu is differentiable through it.
"""
import collections

import numpy as np

from .._args import bool_arg, tensor_arg
from .._lib import error, lib
from ..tensor import Tensor, _finish, _new_out, empty, from_numpy
from . import linalg as _la

LUFactor = collections.namedtuple("linalg_lu_factor", ["LU", "pivots"])
LUFactorEx = collections.namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
PLU = collections.namedtuple("linalg_lu", ["P", "L", "U"])
LUUnpack = collections.namedtuple("lu_unpack", ["P", "L", "U"])


def _factor(fn, A, pivot):
    tensor_arg(A, fn, "A")
    if not bool_arg(pivot, fn, "pivot"):
        raise RuntimeError(f"{fn}: LU without pivoting is not implemented on the CPU")
    if A.dim() < 2:
        raise ValueError(f"{fn}: A must have at least 2 dimensions, got a {A.dim()}-D tensor")
    _la._require_float(A, fn)
    outs = [_new_out() for _ in range(3)]
    status = lib.THTensor_getrf(outs[0], outs[1], outs[2], A._t, 1)
    if status:
        for o in outs:
            lib.THTensor_free(o)
        raise error(status)
    return [_finish(o, 0) for o in outs]


def _write_outs(out, results, fn):
    if out is None:
        return results
    if not isinstance(out, (tuple, list)) or len(out) != len(results):
        raise TypeError(f"{fn}: out must be a tuple of {len(results)} tensors")
    return [_la._write_out(o, r, fn) for o, r in zip(out, results)]


def _linalg_lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """(LU, pivots, info): the LU factors of A (..., m, n) packed in one matrix, 1-based int32 pivots,
    and info > 0 where U[info-1, info-1] is zero (an error only with check_errors)."""
    LU, piv, info = _factor("linalg.lu_factor_ex", A, pivot)
    if bool_arg(check_errors, "linalg.lu_factor_ex", "check_errors"):
        _raise_singular("linalg.lu_factor_ex", info)
    return LUFactorEx(*_write_outs(out, [LU, piv, info], "linalg.lu_factor_ex"))


def _raise_singular(fn, info):
    bad = np.argwhere(info.numpy(force=True).reshape(-1) > 0)
    if bad.size:
        b = int(bad[0, 0])
        k = int(info.numpy(force=True).reshape(-1)[b])
        where = f"(Batch element {b}): " if info.dim() else ""
        raise RuntimeError(f"{fn}: {where}U[{k},{k}] is zero and using it on lu_solve would result in a division "
                           "by zero. If you still want to perform the factorization, consider calling "
                           "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def _linalg_lu_factor(A, *, pivot=True, out=None):
    """(LU, pivots) of A (..., m, n); raises if some U has a zero on its diagonal."""
    LU, piv, info = _factor("linalg.lu_factor", A, pivot)
    _raise_singular("linalg.lu_factor", info)
    return LUFactor(*_write_outs(out, [LU, piv], "linalg.lu_factor"))


def _permutations(pivots, m, fn):
    """perm (batch..., m) with row i of L U equal to row perm[i] of A, from 1-based pivots."""
    p = pivots.numpy(force=True).astype(np.int64) - 1
    k = p.shape[-1]
    if p.size and (p.min() < 0 or p.max() >= m):
        raise ValueError(f"{fn}: pivots must be between 1 and {m}, got values in [{p.min() + 1}, {p.max() + 1}]")
    batch = p.shape[:-1]
    flat = p.reshape(int(np.prod(batch)), k)
    perm = np.broadcast_to(np.arange(m), (flat.shape[0], m)).copy()
    rows = np.arange(flat.shape[0])
    for i in range(k):
        j = flat[:, i]
        tmp = perm[rows, i].copy()
        perm[rows, i] = perm[rows, j]
        perm[rows, j] = tmp
    return perm.reshape(batch + (m,))


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """(P, L, U) with A = P L U from lu_factor's packed LU (..., m, n) and pivots (..., min(m, n))."""
    fn = "lu_unpack"
    tensor_arg(LU_data, fn, "LU_data"), tensor_arg(LU_pivots, fn, "LU_pivots")
    unpack_data, unpack_pivots = bool_arg(unpack_data, fn, "unpack_data"), bool_arg(unpack_pivots, fn, "unpack_pivots")
    if LU_data.dim() < 2:
        raise ValueError(f"{fn}: LU_data must have at least 2 dimensions, got a {LU_data.dim()}-D tensor")
    m, n = LU_data.shape[-2], LU_data.shape[-1]
    k = min(m, n)
    if LU_pivots.dtype.is_floating_point or LU_pivots.dtype.name == "bool":
        raise TypeError(f"{fn}: LU_pivots must be an integer tensor (int32), got {LU_pivots.dtype}")
    if tuple(LU_pivots.shape) != tuple(LU_data.shape[:-2]) + (k,):
        raise ValueError(f"{fn}: LU_pivots must have shape {list(LU_data.shape[:-2]) + [k]} for LU_data of shape "
                         f"{list(LU_data.shape)}, got {list(LU_pivots.shape)}")
    dt = LU_data.dtype
    L = U = P = empty(0, dtype=dt)
    if unpack_data:
        from .. import eye
        L = LU_data.narrow(-1, 0, k).tril(-1) + eye(m, k, dtype=dt)
        U = LU_data.narrow(-2, 0, k).triu()
    if unpack_pivots:
        perm = _permutations(LU_pivots, m, fn)
        Pm = np.zeros(perm.shape + (m,), dtype=dt.numpy)
        np.put_along_axis(Pm, perm[..., None], 1, axis=-1)      # Pm[..., j, perm[j]] = 1: P = Pm^T
        P = from_numpy(np.ascontiguousarray(np.swapaxes(Pm, -1, -2)))
    return LUUnpack(*_write_outs(out, [P, L, U], fn))


def _linalg_lu(A, *, pivot=True, out=None):
    """(P, L, U) with A = P L U, L unit lower trapezoidal, U upper trapezoidal (no error when singular)."""
    from .. import linalg
    LU, piv, _ = linalg.lu_factor_ex(A, pivot=pivot)
    return PLU(*_write_outs(out, list(lu_unpack(LU, piv)), "linalg.lu"))


def _linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """X with A X = B (left=False: X A = B; adjoint: A^T instead of A) from lu_factor's (LU, pivots)."""
    fn = "linalg.lu_solve"
    tensor_arg(LU, fn, "LU"), tensor_arg(pivots, fn, "pivots"), tensor_arg(B, fn, "B")
    left, adjoint = bool_arg(left, fn, "left"), bool_arg(adjoint, fn, "adjoint")
    if LU.dim() < 2 or B.dim() < 2:
        raise ValueError(f"{fn}: LU and B must have at least 2 dimensions, got {LU.dim()}-D and {B.dim()}-D tensors")
    _la._sq(fn)(LU)
    if pivots.dtype.name != "int32":
        raise TypeError(f"{fn}: pivots must be an int32 tensor (as linalg.lu_factor returns), got {pivots.dtype}")
    n = LU.shape[-1]
    if tuple(pivots.shape) != tuple(LU.shape[:-1]):
        raise ValueError(f"{fn}: pivots must have shape {list(LU.shape[:-1])} for LU of shape {list(LU.shape)}, "
                         f"got {list(pivots.shape)}")
    if B.dtype is not LU.dtype:
        raise TypeError(f"{fn}: expected LU and B to have the same dtype, but got {LU.dtype} and {B.dtype}")
    rows = B.shape[-2] if left else B.shape[-1]
    if rows != n:
        eq = "AX = B" if left else "XA = B"
        raise ValueError(f"{fn}: Incompatible shapes of A and B for the equation {eq} ({n}x{n} and "
                         f"{B.shape[-2]}x{B.shape[-1]})")
    rhs = B if left else B.mT
    batch = _la._broadcast_batch(fn, [tuple(LU.shape[:-2]), tuple(rhs.shape[:-2])])
    LUe = LU.expand(batch + (n, n))
    pe = pivots.expand(batch + (n,))
    rhs = rhs.expand(batch + tuple(rhs.shape[-2:]))
    trans = adjoint if left else not adjoint
    o = _new_out()
    X = _finish(o, lib.THTensor_getrs(o, LUe._t, pe._t, rhs._t, int(trans), 1))
    return _la._write_out(out, X if left else X.mT, fn)


def lu(A, pivot=True, get_infos=False, *, out=None):
    """torch.lu: (LU, pivots) or, with get_infos, (LU, pivots, infos) of linalg.lu_factor_ex."""
    from .. import linalg
    LU, piv, info = linalg.lu_factor_ex(A, pivot=pivot)
    r = (LU, piv, info) if bool_arg(get_infos, "lu", "get_infos") else (LU, piv)
    return tuple(_write_outs(out, list(r), "lu"))


def lu_solve(b, LU_data, LU_pivots, *, out=None):
    """torch.lu_solve: linalg.lu_solve(LU_data, LU_pivots, b)."""
    from .. import linalg
    return linalg.lu_solve(LU_data, LU_pivots, b, out=out)


Tensor.lu = lu
Tensor.lu_solve = lu_solve

__all__ = ["lu", "lu_solve", "lu_unpack"]
