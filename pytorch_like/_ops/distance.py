"""Pairwise distances: cdist. Euclidean distances of many points go through one matrix product
(|x|^2 + |y|^2 - 2 x.y, PyTorch's use_mm_for_euclid_dist path); other p-norms are one
reduction on the iteration engine (lib.THTensor_cdist). The backward of general p works on
the broadcast differences a block of rows at a time to bound memory."""
import math
import numbers

from .._args import tensor_arg
from .._lib import lib
from ..tensor import _finish, _new_out
from .pointwise import _TNAME

__all__ = ["cdist"]

_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")
BLOCK_ELEMENTS = 1 << 22      # differences materialised at once by the general-p backward


def _batched(x1, x2):
    """x1, x2 expanded to their common batch shape and flattened to (B, P, M), (B, R, M), plus that shape."""
    from .. import broadcast_shapes
    batch = list(broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2])))
    nb = math.prod(batch)
    a = x1.expand(batch + list(x1.shape[-2:])).reshape(nb, x1.shape[-2], x1.shape[-1])
    b = x2.expand(batch + list(x2.shape[-2:])).reshape(nb, x2.shape[-2], x2.shape[-1])
    return a, b, batch


def row_blocks(p_rows, r_rows, m):
    """Row ranges of x1 whose differences against all of x2 stay within BLOCK_ELEMENTS."""
    step = max(1, BLOCK_ELEMENTS // max(1, r_rows * m))
    return [(i, min(step, p_rows - i)) for i in range(0, p_rows, step)]


def uses_mm(p, mode, p_rows, r_rows):
    """PyTorch's choice of the matrix-product path for p = 2."""
    return p == 2 and (mode == "use_mm_for_euclid_dist" or
                       (mode == "use_mm_for_euclid_dist_if_necessary" and (p_rows > 25 or r_rows > 25)))


def _check(x1, x2, p, compute_mode):
    tensor_arg(x1, "cdist", "x1")
    tensor_arg(x2, "cdist", "x2")
    if not isinstance(p, numbers.Real) or isinstance(p, bool):
        raise TypeError(f"cdist(): argument 'p' must be a number, not {type(p).__name__}")
    if compute_mode is None:
        compute_mode = _MODES[0]
    if compute_mode not in _MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    if x1.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if not x1.dtype.is_floating_point:
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {_TNAME[x1.dtype.code]}")
    if not x2.dtype.is_floating_point:
        raise RuntimeError(f"cdist only supports floating-point dtypes, X2 got: {_TNAME[x2.dtype.code]}")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"expected scalar type {_TNAME[x1.dtype.code]} but found {_TNAME[x2.dtype.code]}")
    if math.isnan(p) or p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if x1.dtype.itemsize == 2:
        raise NotImplementedError("\"cdist\" not implemented for 'Half'")
    return float(p), compute_mode


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """p-norm distances between each row of x1 and each row of x2 (leading batch dims broadcast)."""
    from .. import cat, empty, ones_like, zeros
    p, mode = _check(x1, x2, p, compute_mode)
    a, b, batch = _batched(x1, x2)
    nb, pr, rr, m = a.shape[0], a.shape[1], b.shape[1], a.shape[2]
    shape = batch + [pr, rr]
    if pr == 0 or rr == 0 or nb == 0:
        return empty(shape, dtype=x1.dtype)
    if m == 0:
        return zeros(shape, dtype=x1.dtype)
    if uses_mm(p, mode, pr, rr):
        # PyTorch's _euclidean_dist: [-2a, |a|^2, 1] . [b, 1, |b|^2] is |a|^2 + |b|^2 - 2 a.b in one product
        an = (a * a).sum(-1, keepdim=True)
        bn = (b * b).sum(-1, keepdim=True)
        a_ = cat([a * -2, an, ones_like(an)], -1)
        b_ = cat([b, ones_like(bn), bn], -1)
        r = a_.bmm(b_.transpose(1, 2)) if nb > 1 else a_[0].mm(b_[0].t()).unsqueeze(0)
        return r.clamp_(min=0).sqrt_().reshape(shape)
    o = _new_out()
    return _finish(o, lib.THTensor_cdist(o, a._t, b._t, p)).reshape(shape)
