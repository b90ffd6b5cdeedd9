"""Structured constructions: block_diag, tril_indices, triu_indices (on cat, zeros and nonzero,
so block_diag is differentiable through cat)."""
from .. import dtypes as _dt
from .._args import tensor_arg
from ..tensor import _int_arg
from .pointwise import _TNAME

__all__ = ["block_diag", "tril_indices", "triu_indices"]


def block_diag(*tensors):
    """A block-diagonal matrix of the given tensors (0-d and 1-d ones count as 1 x n); dtypes promote."""
    from .. import cat, result_type, zeros
    blocks = []
    for k, t in enumerate(tensors):
        tensor_arg(t, "block_diag", f"tensors[{k}]")
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {k} has "
                               f"{t.ndim} dimensions")
        blocks.append(t.reshape(1, -1) if t.ndim < 2 else t)
    dt = _dt.float32 if not blocks else blocks[0].dtype
    for b in blocks[1:]:
        dt = _dt.promote_types(dt, b.dtype)
    width = sum(b.shape[1] for b in blocks)
    if not blocks:
        return zeros(1, 0, dtype=dt)
    rows, left = [], 0
    for b in blocks:
        h, w = b.shape
        # each block row: zeros, the block, zeros
        rows.append(cat([zeros(h, left, dtype=dt), b.to(dt), zeros(h, width - left - w, dtype=dt)], 1))
        left += w
    return cat(rows, 0)


def _tri_indices(name, lower, row, col, offset, dtype):
    from .. import arange
    row = _int_arg(row, f"{name}(): row")
    col = _int_arg(col, f"{name}(): col")
    offset = _int_arg(offset, f"{name}(): offset")
    if dtype is None:
        dtype = _dt.int64
    if not isinstance(dtype, _dt.dtype):
        raise TypeError(f"{name}(): argument 'dtype' must be pytorch_like.dtype, not {type(dtype).__name__}")
    if dtype not in (_dt.int32, _dt.int64):
        raise NotImplementedError(f"\"{name}\" not implemented for '{_TNAME[dtype.code]}'")
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    # (i, j) in row-major order where j - i <= offset (lower) or >= offset (upper)
    r = arange(row).reshape(-1, 1)
    c = arange(col).reshape(1, -1)
    keep = (c - r <= offset) if lower else (c - r >= offset)
    return keep.nonzero().t().contiguous().to(dtype)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """2 x N indices of the lower triangle of a row x col matrix (diagonals up to offset), row-major."""
    return _tri_indices("tril_indices", True, row, col, offset, dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """2 x N indices of the upper triangle of a row x col matrix (diagonals from offset), row-major."""
    return _tri_indices("triu_indices", False, row, col, offset, dtype)
