"""Sorting and selection: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode,
unique, unique_consecutive, searchsorted, bucketize. The C core sorts slice-wise (stable; NaN sorts as the largest value)."""
import builtins
import collections

import numpy as np

from .. import dtypes as _dt
from .._args import bool_arg, tensor_arg
from .._lib import check, ffi, lib
from ..tensor import Tensor, _finish, _new_out, _wrap_dim, empty, from_numpy, tensor

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode", "unique",
           "unique_consecutive", "searchsorted", "bucketize"]

_SortResult = collections.namedtuple("sort", ["values", "indices"])
_TopkResult = collections.namedtuple("topk", ["values", "indices"])
_KthResult = collections.namedtuple("kthvalue", ["values", "indices"])
_MedianResult = collections.namedtuple("median", ["values", "indices"])
_NanmedianResult = collections.namedtuple("nanmedian", ["values", "indices"])
_ModeResult = collections.namedtuple("mode", ["values", "indices"])


def _from_np(a):
    """A tensor copy of a numpy array (0-d arrays stay 0-d)."""
    a = np.asarray(a)
    if a.ndim == 0:
        return tensor(a.reshape(1)).reshape(())
    return tensor(np.asarray(a, order="C"))


def _pair(fn_c, out, *args):
    """Call a C op filling (values, indices); into out=(values, indices) when given."""
    if out is not None:
        if not (isinstance(out, (tuple, list)) and len(out) == 2 and all(isinstance(o, Tensor) for o in out)):
            raise TypeError("out must be a tuple of two tensors (values, indices)")
        check(fn_c(out[0]._t, out[1]._t, *args))
        return out[0], out[1]
    v, i = _new_out(), _new_out()
    st = fn_c(v, i, *args)
    if st:
        lib.THTensor_free(i)
        _finish(v, st)   # raises
    return _finish(v, 0), _finish(i, 0)


def _check_int(k, name, fn):
    if isinstance(k, Tensor):
        k = k.item()
    if not isinstance(k, (int, np.integer)) or isinstance(k, builtins.bool):
        raise TypeError(f"{fn}(): argument '{name}' must be int, not {type(k).__name__}")
    return int(k)


def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """Sorted values and their indices along dim (stable: equal elements keep their order)."""
    d = _wrap_dim(dim, tensor_arg(input, "sort").dim())
    descending, stable = bool_arg(descending, "sort", "descending"), bool_arg(stable, "sort", "stable")
    v, i = _pair(lib.THTensor_sort, out, input._t, d, 1 if descending else 0, 1 if stable else 0, 0)
    return _SortResult(v, i)


def argsort(input, dim=-1, descending=False, stable=False):
    """Indices that sort input along dim."""
    d = _wrap_dim(dim, tensor_arg(input, "argsort").dim())
    descending, stable = bool_arg(descending, "argsort", "descending"), bool_arg(stable, "argsort", "stable")
    i = _new_out()
    return _finish(i, lib.THTensor_sort(ffi.NULL, i, input._t, d,
                                        1 if descending else 0, 1 if stable else 0, 0))


def msort(input):
    """input sorted along its first dimension."""
    return sort(tensor_arg(input, "msort"), dim=0).values


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The k largest (or smallest) elements along dim and their indices."""
    k = _check_int(k, "k", "topk")
    d = _wrap_dim(dim, tensor_arg(input, "topk").dim())
    largest, sorted = bool_arg(largest, "topk", "largest"), bool_arg(sorted, "topk", "sorted")
    v, i = _pair(lib.THTensor_topk, out, input._t, k, d, 1 if largest else 0, 1 if sorted else 0, 0)
    return _TopkResult(v, i)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The k-th smallest element (k >= 1) along dim and its index."""
    k = _check_int(k, "k", "kthvalue")
    d = _wrap_dim(dim, tensor_arg(input, "kthvalue").dim())
    keepdim = bool_arg(keepdim, "kthvalue", "keepdim")
    v, i = _pair(lib.THTensor_kthvalue, out, input._t, k, d, 1 if keepdim else 0, 0)
    return _KthResult(v, i)


def median(input, dim=None, keepdim=False, *, out=None):
    """Lower median: of all elements (a 0-dim tensor), or along dim with indices. NaN propagates."""
    tensor_arg(input, "median")
    keepdim = bool_arg(keepdim, "median", "keepdim")
    if dim is None:
        flat = input.reshape(-1)
        if flat.numel() == 0:
            if not input.dtype.is_floating_point:
                raise IndexError("median(): cannot compute the median of an empty tensor of integers")
            return tensor(float("nan"), dtype=input.dtype)
        v, _ = _pair(lib.THTensor_median, None, flat._t, 0, 0, 0)
        return v
    d = _wrap_dim(dim, input.dim())
    v, i = _pair(lib.THTensor_median, out, input._t, d, 1 if keepdim else 0, 0)
    return _MedianResult(v, i)


def nanmedian(input, dim=None, keepdim=False):
    """Lower median ignoring NaNs (NaN only where a slice is all NaN)."""
    tensor_arg(input, "nanmedian")
    keepdim = bool_arg(keepdim, "nanmedian", "keepdim")
    if not input.dtype.is_floating_point:
        return median(input, dim, keepdim)
    if dim is None:
        arr = input.numpy(force=True).reshape(-1)
        keep = arr[~np.isnan(arr)]
        if keep.size == 0:
            return tensor(float("nan"), dtype=input.dtype)
        return median(from_numpy(np.asarray(keep, order="C")))
    d = _wrap_dim(dim, input.dim())
    if input.dim() == 0:
        return _NanmedianResult(input.clone(), tensor(0))
    # sorted order puts NaNs last: the lower median of the non-NaN prefix of each slice
    sv, si = sort(input, dim=d)
    a = np.moveaxis(sv.numpy(force=True), d, -1)
    ia = np.moveaxis(si.numpy(force=True), d, -1)
    if a.shape[-1] == 0:
        raise IndexError(f"nanmedian(): Expected reduction dim {d} to have non-zero size.")
    cnt = a.shape[-1] - np.isnan(a).sum(axis=-1)
    pos = np.where(cnt > 0, (cnt - 1) // 2, 0)[..., None]
    vals = np.take_along_axis(a, pos, axis=-1)
    idx = np.take_along_axis(ia, pos, axis=-1)
    if keepdim:
        vals, idx = np.moveaxis(vals, -1, d), np.moveaxis(idx, -1, d)
    else:
        vals, idx = vals[..., 0], idx[..., 0]
    return _NanmedianResult(_from_np(vals), _from_np(idx))


def mode(input, dim=-1, keepdim=False, *, out=None):
    """Most frequent value along dim (ties: the smallest) and the index of its last occurrence."""
    d = _wrap_dim(dim, tensor_arg(input, "mode").dim())
    keepdim = bool_arg(keepdim, "mode", "keepdim")
    v, i = _pair(lib.THTensor_mode, out, input._t, d, 1 if keepdim else 0, 0)
    return _ModeResult(v, i)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Distinct elements (ascending), optionally with the inverse mapping and the counts."""
    tensor_arg(input, "unique")
    sorted, return_inverse, return_counts = (bool_arg(sorted, "unique", "sorted"),
                                             bool_arg(return_inverse, "unique", "return_inverse"),
                                             bool_arg(return_counts, "unique", "return_counts"))
    if dim is not None:
        d = _wrap_dim(dim, input.dim())
        if any(s == 0 for k, s in enumerate(input.shape) if k != d):   # as PyTorch (numpy would loop over them)
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
        arr = input.numpy(force=True)
        u, inv, cnt = np.unique(arr, axis=d, return_inverse=True, return_counts=True)
        res = [tensor(u)]
        if return_inverse:
            res.append(tensor(inv.reshape(-1).astype(np.int64)))
        if return_counts:
            res.append(tensor(cnt.astype(np.int64)))
        return res[0] if len(res) == 1 else tuple(res)
    flat = input.reshape(-1)
    sv, si = sort(flat, stable=True)
    a = sv.numpy(force=True)
    n = a.shape[0]
    if n:
        new = np.empty(n, dtype=bool)
        new[0] = True
        # NaNs never equal each other: each is its own value (as PyTorch)
        np.not_equal(a[1:], a[:-1], out=new[1:])
        starts = np.flatnonzero(new)
    else:
        starts = np.zeros(0, dtype=np.int64)
    values = _from_np(a[starts]) if n else empty(0, dtype=input.dtype)
    res = [values]
    if return_inverse:
        group = np.cumsum(new) - 1 if n else np.zeros(0, dtype=np.int64)
        inv = np.empty(n, dtype=np.int64)
        inv[si.numpy(force=True)] = group
        res.append(tensor(inv.reshape(tuple(input.shape))))
    if return_counts:
        res.append(tensor(np.diff(np.append(starts, n)).astype(np.int64)))
    return res[0] if len(res) == 1 else tuple(res)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse each run of equal consecutive elements (or slices along dim) to one, optionally with the
    run each input element belongs to (inverse) and the run lengths (counts)."""
    from .. import cat, ones, tensor as _tensor
    tensor_arg(input, "unique_consecutive")
    return_inverse = bool_arg(return_inverse, "unique_consecutive", "return_inverse")
    return_counts = bool_arg(return_counts, "unique_consecutive", "return_counts")
    if dim is None:
        x = input.reshape(-1)
        inv_shape = tuple(input.shape)
        d = None
    else:
        d = _wrap_dim(dim, input.ndim)
        x = input.movedim(d, 0) if input.ndim else input.reshape(1)
        inv_shape = (x.shape[0],)
    n = x.shape[0]
    if n:
        rows = x.reshape(n, -1)
        differs = (rows[1:] != rows[:-1])
        differs = differs.any(1) if rows.ndim > 1 else differs
        new = cat([ones(1, dtype=_dt.bool), differs])
    else:
        new = empty(0, dtype=_dt.bool)
    starts = new.nonzero().reshape(-1)
    values = x.index_select(0, starts)
    if d is not None and input.ndim:
        values = values.movedim(0, d)
    res = [values]
    if return_inverse:
        res.append((new.cumsum(0) - 1).reshape(inv_shape))
    if return_counts:
        res.append(cat([starts, _tensor([n])]).diff() if n else empty(0, dtype=_dt.int64))
    return res[0] if len(res) == 1 else tuple(res)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """Index of the bucket of 1-D sorted boundaries each input value falls in (searchsorted of input)."""
    from .pointwise import _into
    tensor_arg(boundaries, "bucketize", "boundaries")
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    if not isinstance(input, Tensor) and not isinstance(input, (int, float, np.number)):
        raise TypeError(f"bucketize(): argument 'input' must be Tensor or Number, not {type(input).__name__}")
    r = searchsorted(boundaries, input, out_int32=bool_arg(out_int32, "bucketize", "out_int32"),
                     right=bool_arg(right, "bucketize", "right"))
    if out is not None:
        if not isinstance(out, Tensor):
            raise TypeError(f"bucketize(): argument 'out' must be Tensor, not {type(out).__name__}")
        return _into(out, r)
    return r


def searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None, sorter=None):
    """Insertion points of values into the sorted last dimension of sorted_sequence."""
    tensor_arg(sorted_sequence, "searchsorted", "sorted_sequence")
    if side is not None:
        if side not in ("left", "right"):
            raise ValueError(f"searchsorted(): side can only be 'left' or 'right' but got {side!r}")
        if right and side == "left":
            raise ValueError("searchsorted(): side and right can't be set to opposites")
        right = side == "right"
    seq = sorted_sequence.numpy(force=True)
    scalar = not isinstance(values, Tensor)
    vals = np.asarray(values) if scalar else values.numpy(force=True)
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter.numpy(force=True), axis=-1)
    how = "right" if right else "left"
    if seq.ndim <= 1:
        res = np.searchsorted(seq, vals, side=how)
    else:
        if vals.shape[:-1] != seq.shape[:-1]:
            raise ValueError("searchsorted(): boundaries and input should have the same leading dimensions, got "
                             f"{list(seq.shape)} and {list(vals.shape)}")
        s2 = seq.reshape(-1, seq.shape[-1])
        v2 = vals.reshape(-1, vals.shape[-1])
        res = np.stack([np.searchsorted(s2[r], v2[r], side=how) for r in range(s2.shape[0])]).reshape(vals.shape)
    return tensor(np.asarray(res), dtype=_dt.int32 if out_int32 else _dt.int64)


def _sort_method(self, dim=-1, descending=False, stable=False):
    return sort(self, dim, descending, stable)


Tensor.sort = _sort_method
Tensor.argsort = argsort
Tensor.msort = msort
Tensor.topk = topk
Tensor.kthvalue = kthvalue
Tensor.median = median
Tensor.nanmedian = nanmedian
Tensor.mode = mode
Tensor.unique = unique
Tensor.unique_consecutive = unique_consecutive
