"""Indexing: index_select/copy/add/fill, gather/scatter, masked ops, nonzero, take/put,
and the Tensor indexing protocol (__getitem__ / __setitem__) built on them.

Basic indexing (ints, slices, None, Ellipsis) makes views. Advanced indexing (integer
or boolean tensors, lists, numpy arrays) copies: the storage offsets of the selected
elements are computed with int64 numpy arithmetic and handed to the C take/put kernels,
with index_select / masked_select / masked_fill / masked_scatter as fast paths.
"""
import builtins
import numbers

import numpy as np

from .. import dtypes as _dt
from .._args import bool_arg, tensor_arg
from .._lib import check, ffi, lib
from ..tensor import Tensor, _finish, _int64_array, _new_out, _wrap, _wrap_dim, empty, from_numpy, tensor

__all__ = ["index_select", "index_copy", "index_add", "index_fill", "gather", "scatter", "scatter_add",
           "masked_fill", "masked_select", "masked_scatter", "nonzero", "argwhere", "take", "put",
           "take_along_dim", "index_put"]


# ---------------------------------------------------------------------- argument helpers

def _c_array(a):
    """a as a writable C-contiguous array (np.ascontiguousarray would turn 0-d into 1-d); a
    read-only one is copied, else from_numpy would warn the user about our own offsets."""
    a = np.asarray(a, order="C")
    return a if a.flags.writeable else a.copy()


def _index_arg(index, fn, allow_int32=False):
    """The index as an int64 tensor (int32 is converted where PyTorch accepts it)."""
    tensor_arg(index, fn, "index")
    if allow_int32 and index.dtype is _dt.int32:
        return index.to(_dt.int64)
    return index


def _mask_arg(mask, fn):
    tensor_arg(mask, fn, "mask")
    if mask.dtype is not _dt.bool and mask.dtype is not _dt.uint8:
        raise TypeError(f"{fn}(): expected mask to be a bool or uint8 tensor, got {mask.dtype}")
    return mask


def _scalar_value(value, fn):
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise ValueError(f"{fn}() only supports a 0-dimensional value tensor, but got a tensor with "
                             f"{value.dim()} dimension(s)")
        return value.item()
    if isinstance(value, (numbers.Number, np.generic)):
        return value
    raise TypeError(f"{fn}(): value must be a number or a 0-dim tensor, not {type(value).__name__}")


def _out_call(out, fn_c, *args):
    """Run a C op writing into out (a Tensor) or a fresh result."""
    if out is not None:
        check(fn_c(out._t, *args))
        return out
    o = _new_out()
    return _finish(o, fn_c(o, *args))


def _dim(t, dim):
    return _wrap_dim(dim, t.dim())


# ---------------------------------------------------------------------- ops

def index_select(input, dim, index, *, out=None):
    """Entries of input at the given indices along dim."""
    index = _index_arg(index, "index_select", allow_int32=True)
    return _out_call(out, lib.THTensor_indexSelect, input._t, _dim(input, dim), index._t, 0)


def index_copy_(self, dim, index, source):
    """self[..., index[i], ...] = source[..., i, ...] along dim (in place)."""
    index = _index_arg(index, "index_copy_", allow_int32=True)
    tensor_arg(source, "index_copy_", "source")
    check(lib.THTensor_indexCopy(self._t, _dim(self, dim), index._t, source._t, 0))
    return self


def index_copy(input, dim, index, source):
    """Out-of-place index_copy_."""
    return index_copy_(input.clone(), dim, index, source)


def index_add_(self, dim, index, source, *, alpha=1):
    """self[..., index[i], ...] += alpha * source[..., i, ...] along dim (in place)."""
    index = _index_arg(index, "index_add_", allow_int32=True)
    tensor_arg(source, "index_add_", "source")
    check(lib.THTensor_indexAdd(self._t, _dim(self, dim), index._t, source._t, float(alpha), 0))
    return self


def index_add(input, dim, index, source, *, alpha=1):
    """Out-of-place index_add_."""
    return index_add_(input.clone(), dim, index, source, alpha=alpha)


def index_fill_(self, dim, index, value):
    """Fill the entries at index along dim with value (in place)."""
    index = _index_arg(index, "index_fill_", allow_int32=True)
    value = _scalar_value(value, "index_fill_")
    check(lib.THTensor_indexFill(self._t, _dim(self, dim), index._t, float(value), 0))
    return self


def index_fill(input, dim, index, value):
    """Out-of-place index_fill_."""
    return index_fill_(input.clone(), dim, index, value)


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """out[i][j] = input[index[i][j]][j] (for dim 0), shaped like index."""
    index = _index_arg(index, "gather")
    return _out_call(out, lib.THTensor_gather, input._t, _dim(input, dim), index._t, 0)


def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    """self[index[i][j]][j] = src[i][j] (for dim 0), or a scalar value (in place)."""
    if reduce is not None:
        raise NotImplementedError("scatter_(): reduce= is not supported; use scatter_add_")
    index = _index_arg(index, "scatter_")
    if src is None and value is None:
        raise TypeError("scatter_(): expected a src tensor or a value")
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src
    d = _dim(self, dim)
    if src is not None:
        check(lib.THTensor_scatter(self._t, d, index._t, src._t, 0))
    else:
        check(lib.THTensor_scatterFill(self._t, d, index._t, float(_scalar_value(value, "scatter_")), 0))
    return self


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """Out-of-place scatter_."""
    return scatter_(input.clone(), dim, index, src, value, reduce=reduce)


def scatter_add_(self, dim, index, src):
    """self[index[i][j]][j] += src[i][j] (for dim 0), in place."""
    index = _index_arg(index, "scatter_add_")
    tensor_arg(src, "scatter_add_", "src")
    check(lib.THTensor_scatterAdd(self._t, _dim(self, dim), index._t, src._t, 0))
    return self


def scatter_add(input, dim, index, src):
    """Out-of-place scatter_add_."""
    return scatter_add_(input.clone(), dim, index, src)


def masked_fill_(self, mask, value):
    """Set self to value where mask (broadcast to self) is true."""
    mask = _mask_arg(mask, "masked_fill_")
    value = _scalar_value(value, "masked_fill_")
    check(lib.THTensor_maskedFill(self._t, mask._t, float(value)))
    return self


def masked_fill(input, mask, value):
    """Out-of-place masked_fill_ (input and mask broadcast together)."""
    mask = _mask_arg(mask, "masked_fill")
    shape = _broadcast_shapes(input.shape, mask.shape, "masked_fill")
    base = input if tuple(input.shape) == shape else input.expand(shape)
    return masked_fill_(base.clone(), mask, value)


def masked_select(input, mask, *, out=None):
    """1-D tensor of the elements of input where mask is true (both broadcast)."""
    mask = _mask_arg(mask, "masked_select")
    return _out_call(out, lib.THTensor_maskedSelect, input._t, mask._t)


def masked_scatter_(self, mask, source):
    """Copy consecutive elements of source into self where mask is true (row-major order)."""
    mask = _mask_arg(mask, "masked_scatter_")
    tensor_arg(source, "masked_scatter_", "source")
    check(lib.THTensor_maskedScatter(self._t, mask._t, source._t))
    return self


def masked_scatter(input, mask, source):
    """Out-of-place masked_scatter_."""
    return masked_scatter_(input.clone(), mask, source)


def nonzero(input, *, out=None, as_tuple=False):
    """Coordinates of the non-zero elements: an n x ndim int64 tensor, or a tuple of 1-D tensors."""
    r = _out_call(out, lib.THTensor_nonzero, tensor_arg(input, "nonzero")._t, 0)
    if not as_tuple:
        return r
    if input.dim() == 0:
        return (r.reshape(-1),)
    return tuple(r.select(1, i) for i in range(input.dim()))


def argwhere(input):
    """nonzero(input) as an n x ndim tensor."""
    return nonzero(tensor_arg(input, "argwhere"))


def take(input, index):
    """Elements of input (seen as 1-D, row-major) at index; negative indices count from the end."""
    tensor_arg(input, "take")
    index = _index_arg(index, "take")
    return _out_call(None, lib.THTensor_take, input._t, index._t, 0)


def put_(self, index, source, accumulate=False):
    """self.view(-1)[index] = source (or += with accumulate), in place."""
    index = _index_arg(index, "put_")
    tensor_arg(source, "put_", "source")
    check(lib.THTensor_put(self._t, index._t, source._t, 1 if accumulate else 0, 0))
    return self


def put(input, index, source, accumulate=False):
    """Out-of-place put_."""
    return put_(input.clone(), index, source, accumulate)


def take_along_dim(input, indices, dim=None, *, out=None):
    """Gather along dim with input and indices broadcast over the other dims (dim None: flattened)."""
    tensor_arg(input, "take_along_dim")
    indices = _index_arg(indices, "take_along_dim")
    if dim is None:
        return _out_call(out, lib.THTensor_take, input._t, indices.reshape(-1)._t, 0)
    if input.dim() != indices.dim():
        raise ValueError(f"take_along_dim(): input and indices should have the same number of dimensions, but got "
                         f"{input.dim()} dimensions for input, and {indices.dim()} dimensions for indices")
    if input.dim() == 0:
        return gather(input, 0, indices, out=out)
    d = _wrap_dim(dim, input.dim())
    others_in, others_ix = list(input.shape), list(indices.shape)
    others_in[d] = others_ix[d] = 1
    common = list(_broadcast_shapes(others_in, others_ix, "take_along_dim"))
    in_shape, ix_shape = list(common), list(common)
    in_shape[d], ix_shape[d] = input.shape[d], indices.shape[d]
    return gather(input.expand(in_shape), d, indices.expand(ix_shape), out=out)


def _broadcast_shapes(a, b, fn):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and x != 1 and y != 1:
            raise ValueError(f"{fn}(): The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                             f"non-singleton dimension {i}")
        out.append(y if x == 1 else x)
    return tuple(out)


# ---------------------------------------------------------------------- indexing protocol

_BAD_INDEX = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
              "(got {})")


def _classify(item):
    """('int', i) | ('slice', s) | ('none',) | ('ellipsis',) | ('bool', b) | ('adv', int64 ndarray)
    | ('mask', bool ndarray or Tensor)."""
    tp = type(item)
    if tp is int:
        return ("int", item)
    if tp is slice:
        return ("slice", item)
    if item is None:
        return ("none",)
    if item is Ellipsis:
        return ("ellipsis",)
    if isinstance(item, (builtins.bool, np.bool_)):
        return ("bool", builtins.bool(item))
    if isinstance(item, (numbers.Integral, np.integer)):
        return ("int", int(item))
    if isinstance(item, slice):
        return ("slice", item)
    if isinstance(item, Tensor):
        d = item.dtype
        if d is _dt.bool or d is _dt.uint8:
            if item.dim() == 0:
                return ("bool", builtins.bool(item.item()))
            return ("mask", item)
        if d.is_floating_point:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if item.dim() == 0:
            return ("int", int(item.item()), True)   # PyTorch: placed like an int, result copied
        return ("adv", item.numpy(force=True))
    if isinstance(item, (list, tuple, np.ndarray)):
        arr = np.asarray(item)
        if arr.dtype == np.bool_:
            if arr.ndim == 0:
                return ("bool", builtins.bool(arr))
            return ("mask", arr)
        if arr.size == 0 and arr.dtype.kind == "f":
            arr = arr.astype(np.int64)
        if arr.dtype.kind not in "iu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return ("adv", arr)
    raise IndexError(_BAD_INDEX.format(type(item).__name__))


def _slice_bounds(s, size):
    def idx(v):
        if v is None:
            return None
        try:
            return v.__index__()
        except (AttributeError, TypeError):
            raise TypeError(f"slice indices must be integers or None or have an __index__ method, "
                            f"got {type(v).__name__}") from None
    step = idx(s.step)
    if step is not None and step <= 0:
        if step == 0:
            raise ValueError("slice step cannot be zero")
        raise ValueError("step must be greater than zero")
    return slice(idx(s.start), idx(s.stop), step).indices(size)


def _geometry(t):
    c = t._t
    n = c.ndim
    return list(c.size[0:n]) if n else [], list(c.stride[0:n]) if n else []


def _strided(t, size, stride, offset):
    return _wrap(lib.THTensor_newAsStrided(t._t, len(size), _int64_array(size), _int64_array(stride), offset))


class _Parsed:
    __slots__ = ("view", "adv", "single_mask", "copy")

    def __init__(self, view, adv, single_mask, copy=False):
        self.view = view          # the tensor after basic indexing (a view of self)
        self.adv = adv            # [(dim in view, int64 ndarray, dim as the user counts it)]
        self.single_mask = single_mask  # a mask covering every dim of view, when it is the only index
        self.copy = copy          # a 0-dim index tensor was used: the result is not a view


def _parse(self, key):
    items = key if isinstance(key, tuple) else (key,)
    parsed = [_classify(it) for it in items]
    consumed = 0
    n_ell = 0
    for p in parsed:
        k = p[0]
        if k in ("int", "slice", "adv"):
            consumed += 1
        elif k == "mask":
            consumed += p[1].ndim
        elif k == "ellipsis":
            n_ell += 1
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    ndim = self.dim()
    if consumed > ndim:
        if ndim == 0 and parsed and parsed[0][0] == "int":
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                             "in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")

    if len(parsed) == 1 and parsed[0][0] == "mask" and parsed[0][1].ndim == ndim and ndim > 0:
        m = parsed[0][1]
        _check_mask_shape(m, list(self.shape), 0)
        return _Parsed(self, [], m)

    size, stride = _geometry(self)
    offset = self._t.offset
    d = 0          # current dim in the view being built
    user_d = 0     # the dim as the user's index counts it (for messages)
    adv = []
    copy = False
    for p in parsed:
        k = p[0]
        if k == "int":
            copy = copy or len(p) > 2
            i, n = p[1], size[d]
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for dimension {user_d} with size {n}")
            if i < 0:
                i += n
            offset += i * stride[d]
            del size[d], stride[d]
            user_d += 1
        elif k == "slice":
            start, stop, step = _slice_bounds(p[1], size[d])
            length = max(0, (stop - start + step - 1) // step)
            if length:
                offset += start * stride[d]
            size[d] = length
            stride[d] *= step
            d += 1
            user_d += 1
        elif k == "none":
            size.insert(d, 1)
            stride.insert(d, stride[d] * size[d + 1] if d < len(stride) else 1)
            d += 1
            user_d += 1
        elif k == "ellipsis":
            skip = ndim - consumed
            d += skip
            user_d += skip
        elif k == "bool":
            size.insert(d, 1)
            stride.insert(d, 1)
            adv.append((d, np.zeros(1 if p[1] else 0, dtype=np.int64), user_d))
            d += 1
            user_d += 1
        elif k == "adv":
            adv.append((d, p[1], user_d))
            d += 1
            user_d += 1
        else:  # mask over dims d .. d+k-1
            m = p[1]
            _check_mask_shape(m, size[d:d + m.ndim], user_d)
            marr = m.numpy(force=True) if isinstance(m, Tensor) else m
            for j, coords in enumerate(np.nonzero(marr)):
                adv.append((d + j, coords.astype(np.int64, copy=False), user_d + j))
            d += m.ndim
            user_d += m.ndim
    view = _strided(self, size, stride, offset)
    return _Parsed(view, adv, None, copy)


def _check_mask_shape(m, shape, at):
    ms = list(m.shape)
    for j, s in enumerate(ms):
        if j >= len(shape) or s != shape[j]:
            raise IndexError(f"The shape of the mask {ms} at index {j} does not match the shape of the indexed "
                             f"tensor {list(shape)} at index {at + j}")


def _checked_indices(view, adv):
    """Broadcast advanced indices, bounds-checked and wrapped; returns (arrays, broadcast shape)."""
    try:
        shape = tuple(np.broadcast_shapes(*[a.shape for _, a, _ in adv]))
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + " ".join(str(list(a.shape)) for _, a, _ in adv)) from None
    size = view.shape
    adims = {d for d, _, _ in adv}
    # like PyTorch: nothing is checked when the result is empty, except indexing an empty dim
    empty_result = int(np.prod(shape)) == 0 or any(size[d] == 0 for d in range(len(size)) if d not in adims)
    arrays = []
    for d, arr, user_d in adv:
        n = size[d]
        if arr.size and int(np.prod(shape)):
            lo, hi = int(arr.min()), int(arr.max())
            if lo < -n or hi >= n:
                bad = hi if hi >= n else lo
                if n == 0 or not empty_result:
                    raise IndexError(f"index {bad} is out of bounds for dimension {user_d} with size {n}")
                arr = np.zeros_like(arr)
                lo = 0
            if lo < 0:
                arr = np.where(arr < 0, arr + n, arr)
        arrays.append(arr.astype(np.int64, copy=False))
    return arrays, shape


def _offsets(view, adv):
    """Storage offsets of the advanced-indexing result (int64 ndarray shaped like the result)."""
    arrays, bshape = _checked_indices(view, adv)
    size, stride = _geometry(view)
    adims = [d for d, _, _ in adv]
    rest = [d for d in range(len(size)) if d not in adims]
    adjacent = adims == list(range(adims[0], adims[0] + len(adims)))
    if adjacent:
        before = [d for d in rest if d < adims[0]]
        after = [d for d in rest if d > adims[-1]]
    else:
        before, after = [], rest
    nb = len(bshape)
    rdim = len(before) + nb + len(after)
    adv_off = np.zeros(bshape, dtype=np.int64)
    for (d, _, _), a in zip(adv, arrays):
        adv_off = adv_off + a * stride[d]
    shape_b = [1] * rdim
    shape_b[len(before):len(before) + nb] = bshape
    total = adv_off.reshape(shape_b) + view._t.offset
    for pos, d in enumerate(before + after):
        axis = pos if pos < len(before) else pos + nb
        s = [1] * rdim
        s[axis] = size[d]
        total = total + (np.arange(size[d], dtype=np.int64) * stride[d]).reshape(s)
    full = [size[d] for d in before] + list(bshape) + [size[d] for d in after]
    return np.broadcast_to(total, full)


def _storage_view(t):
    """A 1-D view over t's whole storage (advanced indexing addresses storage offsets)."""
    s = t._t.storage
    n = s.size if s != ffi.NULL else 0
    return _wrap(lib.THTensor_newAsStrided(t._t, 1, _int64_array([n]), _int64_array([1]), 0))


def _getitem(self, key):
    if type(key) is int:          # the commonest case, without the general machinery
        t = self._t
        if t.ndim:
            n = t.size[0]
            if -n <= key < n:
                return _wrap(lib.THTensor_newSelect(t, 0, key + n if key < 0 else key))
    p = _parse(self, key)
    if p.single_mask is not None:
        m = p.single_mask
        mt = m if isinstance(m, Tensor) else from_numpy(_c_array(m))
        return masked_select(self, mt)
    view, adv = p.view, p.adv
    if not adv:
        return view.clone() if p.copy else view
    if len(adv) == 1 and adv[0][1].ndim <= 1 and view.dim() > 0:
        # one 1-D integer index: index_select keeps every other dim in place
        arrays, _ = _checked_indices(view, adv)
        idx = arrays[0]
        r = index_select(view, adv[0][0], from_numpy(_c_array(idx.reshape(-1))))
        if idx.ndim == 0:
            r = r.squeeze(adv[0][0])
        return r
    offs = _offsets(view, adv)
    if offs.size == 0:
        return empty(offs.shape, dtype=self.dtype)
    return take(_storage_view(view), from_numpy(_c_array(offs)))


def _as_value_tensor(value, dtype):
    if isinstance(value, Tensor):
        return value if value.dtype is dtype else value.to(dtype)
    if isinstance(value, np.ndarray):
        return from_numpy(_c_array(value.astype(dtype.numpy, copy=False)))
    return tensor(value, dtype=dtype)


def _fit_value(v, shape):
    """v broadcast to shape, after dropping leading size-1 dims PyTorch ignores."""
    while v.dim() > len(shape) and v.shape[0] == 1:
        v = v.squeeze(0)
    try:
        return v.expand(list(shape))
    except (ValueError, RuntimeError):
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(v.shape)} cannot be broadcast to indexing "
                           f"result of shape {list(shape)}") from None


def _all_offsets(view):
    """Storage offsets of every element of view (row-major), for accumulating writes."""
    size, stride = _geometry(view)
    total = np.full([1] * len(size), view._t.offset, dtype=np.int64)
    for d, (n, st) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[d] = n
        total = total + (np.arange(n, dtype=np.int64) * st).reshape(shape)
    return np.broadcast_to(total, size)


def _setitem(self, key, value, accumulate=False):
    p = _parse(self, key)
    scalar = isinstance(value, (numbers.Number, np.generic)) and not isinstance(value, complex)
    if isinstance(value, Tensor) and value.dim() == 0:
        scalar, value = True, value.item()
    if p.single_mask is not None and not accumulate:
        m = p.single_mask
        mt = m if isinstance(m, Tensor) else from_numpy(_c_array(m))
        if scalar:
            masked_fill_(self, mt, value)
            return
        v = _as_value_tensor(value, self.dtype)
        count = int(np.count_nonzero(mt.numpy(force=True)))
        v = _fit_value(v, (count,))
        masked_scatter_(self, mt, v.contiguous())
        return
    view, adv = p.view, p.adv
    if p.single_mask is not None:        # accumulate through a mask: its coordinates
        marr = p.single_mask.numpy(force=True) if isinstance(p.single_mask, Tensor) else p.single_mask
        view, adv = self, [(d, c.astype(np.int64), d) for d, c in enumerate(np.nonzero(marr))]
    if not adv and not accumulate:
        if scalar:
            view.fill_(value)
        else:
            v = _as_value_tensor(value, self.dtype)
            view.copy_(_fit_value(v, view.shape))
        return
    if len(adv) == 1 and adv[0][1].ndim == 1 and not accumulate and view.dim() > 0:
        # one 1-D integer index: index_fill_ / index_copy_ along its dim (whole rows at once)
        d = adv[0][0]
        arrays, _ = _checked_indices(view, adv)
        idx = from_numpy(_c_array(arrays[0]))
        if scalar:
            index_fill_(view, d, idx, value)
        else:
            shape = list(view.shape)
            shape[d] = idx.numel()
            index_copy_(view, d, idx, _fit_value(_as_value_tensor(value, self.dtype), shape))
        return
    offs = _offsets(view, adv) if adv else _all_offsets(view)
    if offs.size == 0:
        return
    if scalar:
        v = empty(list(offs.shape), dtype=self.dtype).fill_(value)
    else:
        v = _fit_value(_as_value_tensor(value, self.dtype), offs.shape).contiguous()
    # the storage view shares self's storage: the write bumps self's version
    put_(_storage_view(view), from_numpy(_c_array(offs)), v, accumulate)


def index_put_(self, indices, values, accumulate=False):
    """self[indices] = values (or += with accumulate: repeated indices add up), in place."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put_(): indices must be a tuple of tensors, not {type(indices).__name__}")
    key = []
    for i in indices:
        if isinstance(i, Tensor) and i.dtype is not _dt.bool and i.dtype is not _dt.uint8:
            if i.dtype.is_floating_point:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            key.append(i.numpy(force=True))      # advanced even when 0-dim
        elif i is None:
            key.append(slice(None))
        else:
            key.append(i)
    _setitem(self, tuple(key), values, accumulate)
    return self


def index_put(input, indices, values, accumulate=False):
    """Out-of-place index_put_."""
    return index_put_(input.clone(), indices, values, accumulate)


def _tensor_getitem(self, key):
    return _getitem(self, key)


def _tensor_setitem(self, key, value):
    _setitem(self, key, value)


Tensor.__getitem__ = _tensor_getitem
Tensor.__setitem__ = _tensor_setitem
Tensor.index_select = index_select
Tensor.index_copy = index_copy
Tensor.index_copy_ = index_copy_
Tensor.index_add = index_add
Tensor.index_add_ = index_add_
Tensor.index_fill = index_fill
Tensor.index_fill_ = index_fill_
Tensor.gather = gather
Tensor.scatter = scatter
Tensor.scatter_ = scatter_
Tensor.scatter_add = scatter_add
Tensor.scatter_add_ = scatter_add_
Tensor.masked_fill = masked_fill
Tensor.masked_fill_ = masked_fill_
Tensor.masked_select = masked_select
Tensor.masked_scatter = masked_scatter
Tensor.masked_scatter_ = masked_scatter_
Tensor.nonzero = nonzero
Tensor.argwhere = argwhere
Tensor.take = take
Tensor.put_ = put_
Tensor.put = put
Tensor.take_along_dim = take_along_dim
Tensor.index_put_ = index_put_
Tensor.index_put = index_put
