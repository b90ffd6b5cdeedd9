"""Construction and shape ops: cat/stack and friends, splitting, ranges, eye/diag,
tril/triu, trace, cross, histc, renorm, flip/roll/rot90, repeat/tile, broadcasting
helpers, meshgrid and atleast_nd."""
import builtins as _b
import numbers
import warnings

from .. import dtypes as _dt
from .._args import bool_arg, tensor_arg
from .._lib import check, ffi, lib
from ..tensor import Size, Tensor, _finish, _int64_array, _new_out, _size_args, _wrap_dim, empty, tensor, zeros

__all__ = [
    "cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack", "column_stack",
    "split", "chunk", "tensor_split", "hsplit", "vsplit", "dsplit", "unbind", "movedim", "moveaxis",
    "arange", "range", "linspace", "logspace", "eye", "diag", "diag_embed", "diagflat", "tril", "triu",
    "trace", "cross", "histc", "renorm", "flip", "fliplr", "flipud", "rot90", "roll", "tile",
    "repeat_interleave", "broadcast_tensors", "broadcast_to", "broadcast_shapes", "meshgrid",
    "atleast_1d", "atleast_2d", "atleast_3d", "cartesian_prod", "narrow_copy",
]


# ---------------------------------------------------------------------- helpers

def _tensor_list(tensors, fn):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    try:
        tensors = list(tensors)
    except TypeError:
        raise TypeError(f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}") from None
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}(): expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return tensors


def _run(out, fn, *args, dtype=None):
    """Call a C op writing into out (a Tensor), or into a fresh output of dtype."""
    if out is not None:
        tensor_arg(out, "out", "out")
        check(fn(out._t, *args))
        return out
    o = _new_out(dtype)
    return _finish(o, fn(o, *args))


def _scalar(x, fn, name):
    """A Python number from a number or a one-element tensor."""
    if isinstance(x, Tensor):
        if x.numel() != 1:
            raise ValueError(f"{fn}(): argument '{name}' must be a number or a one-element tensor, "
                             f"got a tensor of {x.numel()} elements")
        return x.item()
    if isinstance(x, numbers.Number) and not isinstance(x, complex):
        return x
    raise TypeError(f"{fn}(): argument '{name}' must be a number, not {type(x).__name__}")


def _is_float_scalar(x):
    if isinstance(x, Tensor):
        return x.dtype.is_floating_point
    return not isinstance(x, numbers.Integral)


def _int_arg(x, fn, name):
    if isinstance(x, Tensor) and x.numel() == 1 and not x.dtype.is_floating_point:
        x = x.item()
    if not isinstance(x, numbers.Integral) or isinstance(x, _b.bool):
        raise TypeError(f"{fn}(): argument '{name}' must be int, not {type(x).__name__}")
    return int(x)


def _dims_arg(dims, fn, name="dims"):
    if isinstance(dims, numbers.Integral) and not isinstance(dims, _b.bool):
        return (int(dims),)
    if isinstance(dims, (tuple, list, Size)):
        return tuple(_int_arg(d, fn, name) for d in dims)
    raise TypeError(f"{fn}(): argument '{name}' must be tuple of ints, not {type(dims).__name__}")


def _finish_factory(r, requires_grad):
    if requires_grad:
        r.requires_grad_(True)
    return r


def _check_dtype(dtype):
    if dtype is not None and not isinstance(dtype, _dt.dtype):
        raise TypeError(f"dtype must be a pytorch_like.dtype, got {dtype!r}")
    return dtype


# ---------------------------------------------------------------------- cat / stack

def cat(tensors, dim=0, *, out=None):
    """Concatenate tensors along an existing dimension (1-D empty tensors are skipped)."""
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    ref = next((t for t in tensors if not (t.ndim == 1 and t._t.size[0] == 0)), tensors[0])
    d = _wrap_dim(dim, ref.ndim)
    arr = ffi.new("THTensor *[]", [t._t for t in tensors])
    return _run(out, lib.THTensor_cat, len(tensors), arr, d)


concat = cat


def concatenate(tensors, axis=0, *, out=None, dim=None):
    """cat with numpy's argument name."""
    return cat(tensors, axis if dim is None else dim, out=out)


def stack(tensors, dim=0, *, out=None):
    """Join equal-shaped tensors along a new dimension."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    d = _wrap_dim(dim, tensors[0].ndim + 1)
    arr = ffi.new("THTensor *[]", [t._t for t in tensors])
    return _run(out, lib.THTensor_stack, len(tensors), arr, d)


def hstack(tensors, *, out=None):
    """Concatenate column-wise (dim 1; dim 0 for 1-D inputs)."""
    ts = _seq(atleast_1d(*_tensor_list(tensors, "hstack")))
    if not ts:
        raise RuntimeError("hstack expects a non-empty TensorList")
    return cat(ts, 0 if ts[0].ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """Concatenate row-wise after making inputs at least 2-D."""
    ts = _seq(atleast_2d(*_tensor_list(tensors, "vstack")))
    if not ts:
        raise RuntimeError("vstack expects a non-empty TensorList")
    return cat(ts, 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Concatenate depth-wise (dim 2) after making inputs at least 3-D."""
    ts = _seq(atleast_3d(*_tensor_list(tensors, "dstack")))
    if not ts:
        raise RuntimeError("dstack expects a non-empty TensorList")
    return cat(ts, 2, out=out)


def column_stack(tensors, *, out=None):
    """Stack 0-D/1-D tensors as columns (and 2-D ones as they are) along dim 1."""
    ts = _tensor_list(tensors, "column_stack")
    if not ts:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    ts = [t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in ts]
    return cat(ts, 1, out=out)


def _seq(x):
    return list(x) if isinstance(x, tuple) else [x]


# ---------------------------------------------------------------------- splitting

def split(tensor, split_size_or_sections, dim=0):
    """Views of consecutive pieces: of split_size each (last smaller), or of the listed sizes."""
    tensor_arg(tensor, "split", "tensor")
    if tensor.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, tensor.ndim)
    size = tensor._t.size[d]
    if isinstance(split_size_or_sections, (list, tuple, Size)):
        sizes = [_int_arg(s, "split_with_sizes", "split_sizes") for s in split_size_or_sections]
        for s in sizes:
            if s < 0:
                raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, "
                                   f"but got split_sizes={sizes}")
        if _b.sum(sizes) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size "
                               f"at dimension {d}), but got split_sizes={sizes}")
    else:
        s = _int_arg(split_size_or_sections, "split", "split_size")
        if s < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
        if s == 0 and size != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        n = _b.max((size + s - 1) // s, 1) if s else 1
        sizes = [s] * n
        sizes[-1] = s - (s * n - size)
    out, pos = [], 0
    for s in sizes:
        out.append(tensor.narrow(d, pos, s))
        pos += s
    return tuple(out)


def chunk(input, chunks, dim=0):
    """Split into `chunks` pieces of ceil(size/chunks) (fewer when the size runs out)."""
    tensor_arg(input, "chunk")
    chunks = _int_arg(chunks, "chunk", "chunks")
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _wrap_dim(dim, input.ndim)
    size = input._t.size[d]
    s = (size + chunks - 1) // chunks
    if s == 0 and size == 0:
        return split(input, [0] * chunks, d)
    return split(input, s, d)


def tensor_split(input, indices_or_sections, dim=0):
    """Split into n nearly equal views (int), or at the given indices (sequence)."""
    tensor_arg(input, "tensor_split")
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    d = _wrap_dim(dim, input.ndim)
    size = input._t.size[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios.dtype.is_floating_point or ios.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor of integers, but got a tensor with {ios.ndim} dims "
                               f"of {ios.dtype}")
        ios = ios.item() if ios.ndim == 0 else ios.tolist()
    if isinstance(ios, (list, tuple)):
        idx = [_int_arg(i, "tensor_split", "indices") for i in ios]
        out, prev = [], 0
        for i in idx + [size]:
            i = _b.min(_b.max(i + size if i < 0 else i, 0), size)
            out.append(input.narrow(d, prev, _b.max(i - prev, 0)))
            prev = i
        return tuple(out)
    n = _int_arg(ios, "tensor_split", "sections")
    if n <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {n}")
    base, extra = divmod(size, n)
    return split(input, [base + 1] * extra + [base] * (n - extra), d)


def _split_dir(input, ios, dim, name, min_dims):
    if input.ndim < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor "
                           f"with {input.ndim} dimensions!")
    if isinstance(ios, numbers.Integral) and not isinstance(ios, _b.bool):
        size = input._t.size[dim]
        if ios == 0 or size % ios:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                               f"dimension {size} is not divisible by the split_size {ios}!")
    return tensor_split(input, ios, dim)


def hsplit(input, indices_or_sections):
    """tensor_split along dim 1 (dim 0 for 1-D); int sections must divide evenly."""
    tensor_arg(input, "hsplit")
    return _split_dir(input, indices_or_sections, 1 if input.ndim > 1 else 0, "hsplit", 1)


def vsplit(input, indices_or_sections):
    """tensor_split along dim 0 of an at least 2-D tensor."""
    tensor_arg(input, "vsplit")
    return _split_dir(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    """tensor_split along dim 2 of an at least 3-D tensor."""
    tensor_arg(input, "dsplit")
    return _split_dir(input, indices_or_sections, 2, "dsplit", 3)


def unbind(input, dim=0):
    """All slices along dim (views), as a tuple."""
    tensor_arg(input, "unbind")
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, input.ndim)
    return tuple(input.select(d, i) for i in _b.range(input._t.size[d]))


def movedim(input, source, destination):
    """Move dimensions source to positions destination (a view)."""
    tensor_arg(input, "movedim")
    src = _dims_arg(source, "movedim", "source")
    dst = _dims_arg(destination, "movedim", "destination")
    n = input.ndim
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain "
                           f"the same number of elements as destination ({list(dst)} dims)")
    src = [_wrap_dim(s, n) for s in src]
    dst = [_wrap_dim(s, n) for s in dst]
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source) if not isinstance(source, int) else source})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` "
                           f"({list(destination) if not isinstance(destination, int) else destination})")
    if n == 0:
        return input.detach_view()
    perm = [-1] * n
    for s, t in zip(src, dst):
        perm[t] = s
    rest = iter(d for d in _b.range(n) if d not in src)
    for i in _b.range(n):
        if perm[i] < 0:
            perm[i] = next(rest)
    return input.permute(*perm)


moveaxis = movedim


# ---------------------------------------------------------------------- ranges

def _range_impl(fn, start, end, step, out, dtype, inclusive, requires_grad):
    _check_dtype(dtype)
    args = [_scalar(v, fn, n) for v, n in ((start, "start"), (end, "end"), (step, "step"))]
    if dtype is None and out is None:
        if inclusive or _b.any(_is_float_scalar(v) for v in (start, end, step)):
            dtype = _dt.get_default_dtype()
        else:
            dtype = _dt.int64
    if out is not None and dtype is not None and out.dtype is not dtype:
        raise RuntimeError(f"{fn}: the out tensor has dtype {out.dtype} but dtype={dtype} was requested")
    for v, n in zip(args, ("start", "end", "step")):
        if isinstance(v, _b.bool):
            raise TypeError(f"{fn}(): argument '{n}' must be a number, not bool")
    r = _half_via_float(out, dtype, lib.THTensor_arange, float(args[0]), float(args[1]), float(args[2]), inclusive)
    return _finish_factory(r, requires_grad)


def _half_via_float(out, dtype, fn, *args):
    """Run a range kernel; float16 (storage-only in the core) is computed in float32."""
    if (dtype if out is None else out.dtype) is _dt.float16:
        r = _run(None, fn, *args, dtype=_dt.float32).to(_dt.float16)
        return r if out is None else _copy_out(out, r)
    return _run(out, fn, *args, dtype=dtype)


def _copy_out(out, r):
    check(lib.THTensor_resize(out._t, r.ndim, _int64_array(r.shape)))
    return out.copy_(r)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Values from start up to (excluding) end by step; int64 when all arguments are ints."""
    if end is None:
        start, end = 0, start
    return _range_impl("arange", start, end, step, out, dtype, 0, requires_grad)


def _range(start, end, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Deprecated inclusive range [start, end] (Torch7's range); default float dtype."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values "
                  "in [start, end).", UserWarning, stacklevel=2)
    return _range_impl("range", start, end, step, out, dtype, 1, requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """steps evenly spaced values from start to end inclusive."""
    _check_dtype(dtype)
    s, e = _scalar(start, "linspace", "start"), _scalar(end, "linspace", "end")
    n = _int_arg(steps, "linspace", "steps")
    r = _half_via_float(out, dtype or (None if out is not None else _dt.get_default_dtype()),
                        lib.THTensor_linspace, float(s), float(e), n)
    return _finish_factory(r, requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """base ** linspace(start, end, steps)."""
    _check_dtype(dtype)
    s, e = _scalar(start, "logspace", "start"), _scalar(end, "logspace", "end")
    n = _int_arg(steps, "logspace", "steps")
    bs = _scalar(base, "logspace", "base")
    r = _half_via_float(out, dtype or (None if out is not None else _dt.get_default_dtype()),
                        lib.THTensor_logspace, float(s), float(e), n, float(bs))
    return _finish_factory(r, requires_grad)


# ---------------------------------------------------------------------- eye / diag / triangles

def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """n x m matrix with ones on the diagonal."""
    _check_dtype(dtype)
    n = _int_arg(n, "eye", "n")
    m = n if m is None else _int_arg(m, "eye", "m")
    r = _run(out, lib.THTensor_eye, n, m, dtype=dtype or (None if out is not None else _dt.get_default_dtype()))
    return _finish_factory(r, requires_grad)


def diag(input, diagonal=0, *, out=None):
    """Vector -> matrix with it on a diagonal; matrix -> that diagonal as a vector."""
    tensor_arg(input, "diag")
    return _run(out, lib.THTensor_diag, input._t, _int_arg(diagonal, "diag", "diagonal"))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Batched diag: the last dim becomes the diagonal of the (dim1, dim2) planes."""
    tensor_arg(input, "diag_embed")
    offset = _int_arg(offset, "diag_embed", "offset")
    n = input.ndim + 1
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    last = input.shape[-1] if input.ndim else 1
    k = last + _b.abs(offset)
    batch = iter(input.shape[:-1])
    shape = [k if i in (d1, d2) else next(batch) for i in _b.range(n)]
    r = zeros(shape, dtype=input.dtype)
    r.diagonal(offset, d1, d2).copy_(input)
    return r


def diagflat(input, offset=0):
    """The flattened input on diagonal `offset` of a square matrix."""
    tensor_arg(input, "diagflat")
    return diag(input.reshape(-1), offset)


def tril(input, diagonal=0, *, out=None):
    """Lower triangle (elements on and below diagonal k) of the last two dims; the rest zero."""
    tensor_arg(input, "tril")
    return _run(out, lib.THTensor_tril, input._t, _int_arg(diagonal, "tril", "diagonal"))


def triu(input, diagonal=0, *, out=None):
    """Upper triangle (elements on and above diagonal k) of the last two dims; the rest zero."""
    tensor_arg(input, "triu")
    return _run(out, lib.THTensor_triu, input._t, _int_arg(diagonal, "triu", "diagonal"))


def _tril_(self, diagonal=0):
    """In-place tril."""
    check(lib.THTensor_tril(self._t, self._t, _int_arg(diagonal, "tril_", "diagonal")))
    return self


def _triu_(self, diagonal=0):
    """In-place triu."""
    check(lib.THTensor_triu(self._t, self._t, _int_arg(diagonal, "triu_", "diagonal")))
    return self


def trace(input):
    """Sum of the main diagonal of a matrix (int64 for integer inputs)."""
    tensor_arg(input, "trace")
    return _run(None, lib.THTensor_trace, input._t)


# ---------------------------------------------------------------------- cross / histc / renorm

def cross(input, other, dim=None, *, out=None):
    """Cross product of 3-vectors along dim (default: the first dim of size 3)."""
    tensor_arg(input, "cross")
    tensor_arg(other, "cross", "other")
    shape = broadcast_shapes(input.shape, other.shape)
    n = len(shape)
    if dim is None:
        d = next((i for i, s in enumerate(shape) if s == 3), None)
        if d is None:
            raise RuntimeError(f"cross: no dimension of size 3 in input (broadcast shape {list(shape)})")
    else:
        d = _wrap_dim(dim, n)
    return _run(out, lib.THTensor_cross, input._t, other._t, d)


def histc(input, bins=100, min=0, max=0, *, out=None):  # noqa: A002  (PyTorch's names)
    """Histogram of the values in `bins` equal-width bins over [min, max] (data range when equal)."""
    tensor_arg(input, "histc")
    bins = _int_arg(bins, "histc", "bins")
    lo, hi = _scalar(min, "histc", "min"), _scalar(max, "histc", "max")
    return _run(out, lib.THTensor_histc, input._t, bins, float(lo), float(hi))


def renorm(input, p, dim, maxnorm, *, out=None):
    """Rescale each slice along dim whose p-norm exceeds maxnorm to norm maxnorm."""
    tensor_arg(input, "renorm")
    p = float(_scalar(p, "renorm", "p"))
    maxnorm = float(_scalar(maxnorm, "renorm", "maxnorm"))
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    d = _wrap_dim(dim, input.ndim)
    return _run(out, lib.THTensor_renorm, input._t, p, d, maxnorm)


def _renorm_(self, p, dim, maxnorm):
    """In-place renorm."""
    return renorm(self, p, dim, maxnorm, out=self)


# ---------------------------------------------------------------------- flip / roll / rot90

def flip(input, dims):
    """Reverse the order of elements along the given dims (a copy)."""
    tensor_arg(input, "flip")
    ds = [_wrap_dim(d, input.ndim) for d in _dims_arg(dims, "flip")]
    return _run(None, lib.THTensor_flip, input._t, len(ds), ffi.new("int[]", ds))


def _flip_method(self, *dims):
    """Reverse the order of elements along the given dims (a copy)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list, Size)):
        dims = dims[0]
    return flip(self, list(dims))


def fliplr(input):
    """Flip dim 1 (left/right) of an at least 2-D tensor."""
    tensor_arg(input, "fliplr")
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, [1])


def flipud(input):
    """Flip dim 0 (up/down) of an at least 1-D tensor."""
    tensor_arg(input, "flipud")
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, [0])


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees k times in the plane of dims (from the first towards the second)."""
    tensor_arg(input, "rot90")
    dims = _dims_arg(dims, "rot90")
    k = _int_arg(k, "rot90", "k")
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = _wrap_dim(dims[0], input.ndim), _wrap_dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k %= 4
    if k == 1:
        return flip(input, [d1]).transpose(d0, d1)
    if k == 2:
        return flip(input, [d0, d1])
    if k == 3:
        return flip(input, [d0]).transpose(d0, d1)
    return input.clone()


def roll(input, shifts, dims=None):
    """Shift elements circularly along dims (the flattened tensor when dims is None)."""
    tensor_arg(input, "roll")
    sh = _dims_arg(shifts, "roll", "shifts")
    if dims is None:
        if len(sh) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:0")
        return _run(None, lib.THTensor_roll, input._t, 1, _int64_array(sh), ffi.NULL)
    ds = _dims_arg(dims, "roll")
    if input.ndim == 0 and ds:
        raise IndexError(f"Dimension specified as {ds[0]} but tensor has no dimensions")
    if len(sh) != len(ds):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(ds)}")
    ds = [_wrap_dim(d, input.ndim) for d in ds]
    return _run(None, lib.THTensor_roll, input._t, len(sh), _int64_array(sh), ffi.new("int[]", ds))


# ---------------------------------------------------------------------- repeat / tile / repeat_interleave

def _repeat(self, *sizes):
    """Tile the tensor: sizes[i] copies along dim i (extra leading sizes add dims)."""
    s = _size_args(sizes, "repeats")
    if len(s) < self.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                           f"of tensor (got {len(s)} for a {self.ndim}-D tensor)")
    return _run(None, lib.THTensor_repeat, self._t, len(s), _int64_array(s))


def tile(input, dims):
    """repeat, with dims padded by leading ones when shorter than input.ndim."""
    tensor_arg(input, "tile")
    s = _size_args((dims,), "dims")
    s = (1,) * (input.ndim - len(s)) + tuple(s)
    return _repeat(input, s)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element `repeats` times along dim (the flattened tensor when dim is None)."""
    if repeats is None:  # repeat_interleave(repeats): indices repeated by their counts
        rep = tensor_arg(input, "repeat_interleave", "repeats")
        return repeat_interleave(arange(rep.numel()), rep, 0)
    tensor_arg(input, "repeat_interleave")
    if dim is None:
        input = input.reshape(-1)
        d = 0
    else:
        d = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        input = input.reshape(1)
    size = input._t.size[d]
    if isinstance(repeats, Tensor) and repeats.numel() == 1 and repeats.ndim <= 1:
        repeats = repeats.item()
    if isinstance(repeats, Tensor):
        if repeats.dtype.is_floating_point or repeats.ndim != 1:
            raise RuntimeError(f"repeat_interleave: repeats must be a 0-dim or 1-dim tensor of integers, got "
                               f"{repeats.ndim} dims of {repeats.dtype}")
        reps = [int(r) for r in repeats.tolist()]
        if len(reps) != size:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{len(reps)} and input.size({d}) = {size}")
        if _b.any(r < 0 for r in reps):
            raise RuntimeError("repeat_interleave: repeats can not be negative")
        shape = list(input.shape)
        pieces = []
        for i, r in enumerate(reps):
            if r:
                sh = list(shape)
                sh[d] = r
                pieces.append(input.narrow(d, i, 1).expand(sh))
        if not pieces:
            shape[d] = 0
            return empty(shape, dtype=input.dtype)
        return cat(pieces, d)
    r = _int_arg(repeats, "repeat_interleave", "repeats")
    if r < 0:
        raise RuntimeError(f"repeat_interleave: repeats can not be negative, got {r}")
    shape = list(input.shape)
    exp = shape[:d + 1] + [r] + shape[d + 1:]
    res = input.unsqueeze(d + 1).expand(exp).contiguous()
    shape[d] *= r
    return res.reshape(shape)


# ---------------------------------------------------------------------- broadcasting / grids

def broadcast_shapes(*shapes):
    """The shape tensors of the given shapes broadcast to."""
    res = []
    for k, s in enumerate(shapes):
        s = (int(s),) if isinstance(s, numbers.Integral) else _size_args((s,), "shape")
        for v in s:
            if v < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {v}: {list(s)}")
        n = _b.max(len(res), len(s))
        a = [1] * (n - len(res)) + res
        b = [1] * (n - len(s)) + list(s)
        for i in _b.range(n):
            if a[i] == b[i] or b[i] == 1:
                continue
            if a[i] == 1:
                a[i] = b[i]
            else:
                raise RuntimeError(f"Shape mismatch: objects cannot be broadcast to a single shape. Mismatch is "
                                   f"between arg {k} and the earlier args: the size "
                                   f"{a[i]} does not match the size {b[i]} at non-singleton dimension {i}")
        res = a
    return Size(res)


def broadcast_to(input, size):
    """A broadcast view of input with the given shape."""
    tensor_arg(input, "broadcast_to")
    return input.expand(_size_args((size,), "size"))


def broadcast_tensors(*tensors):
    """Views of the tensors broadcast to their common shape."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    ts = _tensor_list(tensors, "broadcast_tensors")
    shape = broadcast_shapes(*(t.shape for t in ts))
    return tuple(t.expand(shape) for t in ts)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 0-D/1-D tensors; indexing 'ij' (matrix) or 'xy' (Cartesian)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    ts = _tensor_list(tensors, "meshgrid")
    if not ts:
        raise RuntimeError("torch.meshgrid: Expected at least one tensor as input")
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise ValueError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for i, t in enumerate(ts):
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a "
                               f"{t.ndim}-D tensor at position {i}")
    ts = [t.reshape(-1) for t in ts]
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = [t.numel() for t in ts]
    n = len(ts)
    grids = []
    for i, t in enumerate(ts):
        view = [1] * n
        view[i] = shape[i]
        grids.append(t.reshape(view).expand(shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def _atleast(tensors, nd, fn):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_atleast(tuple(tensors[0]), nd, fn)) if tensors[0] else ()
    res = []
    for t in tensors:
        if not isinstance(t, Tensor):
            t = tensor(t)
        if t.ndim < nd:
            if nd == 1:
                t = t.reshape(1)
            elif nd == 2:
                t = t.reshape(1, -1) if t.ndim == 1 else t.reshape(1, 1)
            else:
                if t.ndim == 0:
                    t = t.reshape(1, 1, 1)
                elif t.ndim == 1:
                    t = t.reshape(1, -1, 1)
                else:
                    t = t.unsqueeze(-1)
        res.append(t)
    return res[0] if len(res) == 1 else tuple(res)


def atleast_1d(*tensors):
    """Tensors viewed with at least 1 dimension (one tensor, or a tuple)."""
    return _atleast(tensors, 1, "atleast_1d")


def atleast_2d(*tensors):
    """Tensors viewed with at least 2 dimensions (one tensor, or a tuple)."""
    return _atleast(tensors, 2, "atleast_2d")


def atleast_3d(*tensors):
    """Tensors viewed with at least 3 dimensions (one tensor, or a tuple)."""
    return _atleast(tensors, 3, "atleast_3d")


def cartesian_prod(*tensors):
    """All combinations of elements of 1-D tensors, one per row."""
    ts = _tensor_list(tensors, "cartesian_prod")
    if not ts:
        raise RuntimeError("cartesian_prod expects at least one tensor")
    for t in ts:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(ts) == 1:
        return ts[0]
    grids = meshgrid(*ts, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def narrow_copy(input, dim, start, length):
    """A contiguous copy of input.narrow(dim, start, length)."""
    tensor_arg(input, "narrow_copy")
    return input.narrow(dim, start, length).clone()


# ---------------------------------------------------------------------- methods

def _split_method(self, split_size, dim=0):
    """Views of consecutive pieces along dim (see split)."""
    return split(self, split_size, dim)


Tensor.split = _split_method
Tensor.chunk = chunk
Tensor.tensor_split = tensor_split
Tensor.hsplit = hsplit
Tensor.vsplit = vsplit
Tensor.dsplit = dsplit
Tensor.unbind = unbind
Tensor.movedim = movedim
Tensor.moveaxis = movedim
Tensor.diag = diag
Tensor.diag_embed = diag_embed
Tensor.diagflat = diagflat
Tensor.tril = tril
Tensor.triu = triu
Tensor.tril_ = _tril_
Tensor.triu_ = _triu_
Tensor.trace = trace
Tensor.cross = cross
Tensor.histc = histc
Tensor.renorm = renorm
Tensor.renorm_ = _renorm_
Tensor.flip = _flip_method
Tensor.fliplr = fliplr
Tensor.flipud = flipud
Tensor.rot90 = rot90
Tensor.roll = roll
Tensor.repeat = _repeat
Tensor.tile = tile
Tensor.repeat_interleave = repeat_interleave
Tensor.broadcast_to = broadcast_to
Tensor.narrow_copy = narrow_copy

range = _range  # noqa: A001  (torch.range; this module uses builtins.range as _b.range)
