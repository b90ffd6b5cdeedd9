"""The Python Tensor: a thin owner of one THTensor* reference, with PyTorch's API.

Op families live in pytorch_like/_ops/ and attach their methods to Tensor when
imported; this file holds the object model: wrapping, geometry, views, conversions
and numpy interop.
"""
import builtins
import operator
import numbers
import warnings

import numpy as np

from ._args import tensor_arg
from . import dtypes as _dt
from ._lib import check, check_ptr, error, ffi, lib

_free = lib.THTensor_free
_gc = ffi.gc

# autograd's grad mode cell (pytorch_like.autograd.grad_mode); read on the ops' hot paths
_grad_enabled = [True]
_NULL = ffi.NULL


def _wrap(ptr):
    """Own a new THTensor* reference as a Tensor (raises the C error if ptr is NULL)."""
    if ptr == _NULL:
        raise error()
    t = Tensor.__new__(Tensor)
    t._t = _gc(ptr, _free)
    return t


def _new_out(dtype=None):
    """A fresh C output tensor whose dtype the op decides (or the given dtype)."""
    return lib.THTensor_new(-1 if dtype is None else dtype.code)


def _finish(out, status):
    """Wrap out after a C op returned status (freeing out and raising on failure)."""
    if status:
        lib.THTensor_free(out)
        raise error(status)
    t = Tensor.__new__(Tensor)
    t._t = _gc(out, _free)
    return t


def _int64_array(values):
    return ffi.new("int64_t[]", [int(v) for v in values])


def _size_args(args, name="size"):
    """Normalise f(2, 3) / f((2, 3)) / f([2, 3]) / f(Size) size arguments to a tuple of ints."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        args = tuple(args[0])
    out = []
    for a in args:
        if isinstance(a, Tensor):
            if a.numel() != 1 or a.dtype.is_floating_point:
                raise TypeError(f"{name} must be a sequence of ints, got a tensor of {a.numel()} elements of {a.dtype}")
            a = a.item()
        if not isinstance(a, numbers.Integral) or isinstance(a, builtins.bool):
            raise TypeError(f"{name} must be a sequence of ints, but got an element of type {type(a).__name__}")
        a = int(a)
        if not -_INT64_LIMIT <= a < _INT64_LIMIT:
            raise ValueError(f"{name}: {a} does not fit in a 64-bit integer")
        out.append(a)
    return tuple(out)


_INT64_LIMIT = 1 << 63


def _int_arg(v, name):
    """An int argument (Python/numpy ints, one-element integer tensors) that fits in 64 bits."""
    try:
        v = operator.index(v)
    except TypeError:
        raise TypeError(f"{name} must be an int, got {type(v).__name__}") from None
    if not -_INT64_LIMIT <= v < _INT64_LIMIT:
        raise ValueError(f"{name}: {v} does not fit in a 64-bit integer")
    return v


def _wrap_dim(dim, ndim, name="dim"):
    """PyTorch dim wrapping: -1 is the last dim; 0-dim tensors accept 0 and -1."""
    if not isinstance(dim, numbers.Integral) or isinstance(dim, builtins.bool):
        raise TypeError(f"{name} must be an int, got {type(dim).__name__}")
    n = ndim if ndim > 0 else 1
    if dim < -n or dim >= n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


class Size(tuple):
    """torch.Size: a tuple of ints with PyTorch's repr."""

    def __repr__(self):
        return "pytorch_like.Size([" + ", ".join(str(s) for s in self) + "])"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


class _ArrayView:
    """Exposes a tensor's memory through __array_interface__ and keeps the tensor alive."""

    __slots__ = ("__array_interface__", "_keep")


_EMPTY_BUF = ffi.new("char[64]")
_EMPTY_ADDR = int(ffi.cast("uintptr_t", _EMPTY_BUF))
_unpack = ffi.unpack
_cast = ffi.cast
_asarray = np.asarray


_BY_CODE = _dt.BY_CODE


def _array_view(tensor):
    """A numpy array over tensor's memory (no copy) whose base is tensor (it keeps it alive)."""
    a = _C_array_view(tensor)
    return _array_view_empty(tensor) if a is None else a


def _array_view_empty(tensor):
    """_array_view of a tensor without elements (no memory to point at: numpy refuses a NULL pointer)."""
    t = tensor._t
    n = t.ndim
    v = _ArrayView()
    v.__array_interface__ = {"shape": tuple(_unpack(t.size, n)), "typestr": _BY_CODE[t.dtype].typestr,
                             "data": (_EMPTY_ADDR, False), "version": 3}
    v._keep = tensor
    return _asarray(v)


class Tensor:
    """A multi-dimensional array of one dtype backed by the C core (PyTorch semantics)."""

    __slots__ = ("_t", "__dict__", "__weakref__")
    __array_priority__ = 1000  # numpy defers binary operators to Tensor

    # autograd state lives in the instance dict only when set
    requires_grad = False
    grad_fn = None
    _grad = None    # autograd's accumulation writes this directly: the checks below are for users

    @property
    def grad(self):
        """The gradient accumulated into this tensor by backward() (None until then)."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value is self:
                raise RuntimeError("can't assign Variable as its own grad")
            if value.dtype != self.dtype:
                raise RuntimeError(f"attempting to assign a gradient with dtype '{value.dtype}' to a tensor with "
                                   f"dtype '{self.dtype}'. The gradient must match the tensor's dtype")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor "
                                   f"are the same size")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    def __init__(self, *args, **kwargs):
        raise TypeError("use pytorch_like.tensor(...), pytorch_like.empty(...) or pytorch_like.zeros(...) "
                        "to create tensors")

    # ------------------------------------------------------------------ geometry
    @property
    def dtype(self):
        return _dt.BY_CODE[self._t.dtype]

    @property
    def shape(self):
        t = self._t
        return Size(t.size[0:t.ndim] if t.ndim else ())

    def size(self, dim=None):
        """The shape (a Size), or the size of one dimension."""
        t = self._t
        if dim is None:
            return Size(t.size[0:t.ndim] if t.ndim else ())
        if not t.ndim:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return t.size[_wrap_dim(dim, t.ndim)]

    def stride(self, dim=None):
        """Strides in elements (a tuple), or the stride of one dimension."""
        t = self._t
        if dim is None:
            return tuple(t.stride[0:t.ndim]) if t.ndim else ()
        if not t.ndim:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return t.stride[_wrap_dim(dim, t.ndim)]

    def dim(self):
        """Number of dimensions."""
        return self._t.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._t.ndim

    def numel(self):
        """Number of elements."""
        return lib.THTensor_numel(self._t)

    nelement = numel

    def element_size(self):
        """Bytes per element."""
        return self.dtype.itemsize

    def storage_offset(self):
        """Offset of the first element in the storage, in elements."""
        return self._t.offset

    def is_contiguous(self):
        """True if the elements are laid out densely in row-major order."""
        return builtins.bool(lib.THTensor_isContiguous(self._t))

    def data_ptr(self):
        """Address of the first element (0 for a tensor without storage)."""
        p = lib.THTensor_data(self._t)
        return int(ffi.cast("uintptr_t", p)) if p != _NULL else 0

    @property
    def is_floating_point_type(self):
        return self.dtype.is_floating_point

    def is_floating_point(self):
        """True for float16/32/64 tensors."""
        return self.dtype.is_floating_point

    @property
    def device(self):
        return "cpu"

    @property
    def is_cuda(self):
        return False

    @property
    def T(self):
        n = self._t.ndim
        return self.permute(*range(n - 1, -1, -1))

    @property
    def mT(self):
        return self.transpose(-2, -1)

    def __len__(self):
        t = self._t
        if t.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return t.size[0]

    # ------------------------------------------------------------------ views
    def view(self, *shape):
        """A view with a new shape (one -1 allowed); the layout must allow it, else use reshape."""
        if len(shape) == 1 and isinstance(shape[0], _dt.dtype):
            return self._view_dtype(shape[0])
        s = _size_args(shape, "shape")
        return _wrap(lib.THTensor_newView(self._t, len(s), _int64_array(s)))

    def _view_dtype(self, d):
        if d.itemsize != self.dtype.itemsize:
            raise RuntimeError(f"view(dtype): {self.dtype} and {d} differ in element size")
        arr = self.numpy().view(d.numpy)
        return from_numpy(arr)

    def view_as(self, other):
        """view(other.shape)."""
        return self.view(tensor_arg(other, "view_as", "other").shape)

    def reshape(self, *shape):
        """A view when the layout allows it, else a copy, with the new shape."""
        s = _size_args(shape, "shape")
        return _wrap(lib.THTensor_newReshape(self._t, len(s), _int64_array(s)))

    def reshape_as(self, other):
        """reshape(other.shape)."""
        return self.reshape(tensor_arg(other, "reshape_as", "other").shape)

    def transpose(self, dim0, dim1):
        """Swap two dimensions (a view)."""
        n = self._t.ndim
        if n == 0:
            _wrap_dim(dim0, 0), _wrap_dim(dim1, 0)
            return self.detach_view()
        return _wrap(lib.THTensor_newTranspose(self._t, _wrap_dim(dim0, n), _wrap_dim(dim1, n)))

    swapaxes = transpose
    swapdims = transpose

    def t(self):
        """Transpose of a tensor with at most 2 dimensions."""
        n = self._t.ndim
        if n > 2:
            raise ValueError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
        return self.transpose(0, 1) if n == 2 else self.detach_view()

    def permute(self, *dims):
        """Reorder dimensions (a view)."""
        dims = _size_args(dims, "dims")
        n = self._t.ndim
        if len(dims) != n:
            raise ValueError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                             f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
                             f"to len(dims) = {len(dims)}")
        wd = [_wrap_dim(d, n) for d in dims]
        return _wrap(lib.THTensor_newPermute(self._t, n, ffi.new("int[]", wd)))

    def narrow(self, dim, start, length):
        """Elements [start, start+length) of one dimension (a view)."""
        n = self._t.ndim
        if n == 0:
            raise IndexError("narrow() cannot be applied to a 0-dim tensor.")
        dim = _wrap_dim(dim, n)
        size = self._t.size[dim]
        start, length = _int_arg(start, "start"), _int_arg(length, "length")
        if start < 0:
            start += size
        return _wrap(lib.THTensor_newNarrow(self._t, dim, start, length))

    def select(self, dim, index):
        """Index one dimension, removing it (a view)."""
        n = self._t.ndim
        if n == 0:
            raise IndexError("select() cannot be applied to a 0-dim tensor.")
        dim = _wrap_dim(dim, n)
        size = self._t.size[dim]
        index = _int_arg(index, "index")
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
        if index < 0:
            index += size
        return _wrap(lib.THTensor_newSelect(self._t, dim, index))

    def expand(self, *sizes):
        """Broadcast size-1 dims to larger sizes without copying (-1 keeps a dim)."""
        s = _size_args(sizes, "size")
        return _wrap(lib.THTensor_newExpand(self._t, len(s), _int64_array(s)))

    def expand_as(self, other):
        """expand(other.shape)."""
        return self.expand(tensor_arg(other, "expand_as", "other").shape)

    def unfold(self, dimension, size, step):
        """All slices of length size along dimension, every step elements (a view)."""
        return _wrap(lib.THTensor_newUnfold(self._t, _wrap_dim(dimension, self._t.ndim), _int_arg(size, "size"),
                                            _int_arg(step, "step")))

    def squeeze(self, dim=None):
        """Remove size-1 dimensions (all, or the given one)."""
        if dim is None:
            return _wrap(lib.THTensor_newSqueeze(self._t))
        if isinstance(dim, (tuple, list)):
            out = self
            for d in sorted((_wrap_dim(d, self._t.ndim) for d in dim), reverse=True):
                out = out.squeeze(d)
            return out
        return _wrap(lib.THTensor_newSqueezeDim(self._t, _wrap_dim(dim, self._t.ndim)))

    def unsqueeze(self, dim):
        """Insert a size-1 dimension at dim."""
        n = self._t.ndim
        dim = _int_arg(dim, "dim")
        if not -n - 1 <= dim <= n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n - 1}, {n}], but got {dim})")
        if dim < 0:
            dim += n + 1
        return _wrap(lib.THTensor_newUnsqueeze(self._t, dim))

    def flatten(self, start_dim=0, end_dim=-1):
        """Merge dims start_dim..end_dim into one (a view when possible)."""
        n = self._t.ndim
        if n == 0:
            return self.reshape(1)
        return _wrap(lib.THTensor_newFlatten(self._t, _wrap_dim(start_dim, n), _wrap_dim(end_dim, n)))

    def ravel(self):
        """flatten()."""
        return self.flatten()

    def unflatten(self, dim, sizes):
        """Split one dimension into the given sizes."""
        n = self._t.ndim
        dim = _wrap_dim(dim, n)
        shape = list(self.shape)
        return self.reshape(shape[:dim] + list(_size_args((sizes,), "sizes")) + shape[dim + 1:])

    def diagonal(self, offset=0, dim1=0, dim2=1):
        """The diagonal of the (dim1, dim2) planes, as the last dimension (a view)."""
        n = self._t.ndim
        return _wrap(lib.THTensor_newDiagonal(self._t, _int_arg(offset, "offset"), _wrap_dim(dim1, n),
                                              _wrap_dim(dim2, n)))

    def as_strided(self, size, stride, storage_offset=None):
        """A view with explicit geometry over the same storage (checked against it)."""
        size = _size_args((size,), "size")
        stride = _size_args((stride,), "stride")
        if len(size) != len(stride):
            raise ValueError(f"mismatch in length of strides and shape ({len(stride)} vs {len(size)})")
        off = self._t.offset if storage_offset is None else _int_arg(storage_offset, "storage_offset")
        return _wrap(lib.THTensor_newAsStrided(self._t, len(size), _int64_array(size), _int64_array(stride), off))

    def contiguous(self):
        """self if contiguous, else a contiguous copy."""
        if lib.THTensor_isContiguous(self._t):
            return self
        return _wrap(lib.THTensor_newClone(self._t))

    def detach_view(self):
        """A new Tensor object sharing self's storage and geometry."""
        return _wrap(lib.THTensor_newAlias(self._t))

    def clone(self):
        """A contiguous copy."""
        return _wrap(lib.THTensor_newClone(self._t))

    # ------------------------------------------------------------------ data movement
    def copy_(self, src):
        """Copy src (broadcast, any dtype) into self in place."""
        if not isinstance(src, Tensor):
            src = tensor(src)
        check(lib.THTensor_copy(self._t, src._t))
        return self

    def fill_(self, value):
        """Set every element to value."""
        if isinstance(value, Tensor):
            value = value.item()
        _check_scalar_fits(value, self.dtype)
        if isinstance(value, numbers.Integral) and not self.dtype.is_floating_point:
            check(lib.THTensor_fillInt(self._t, int(value)))
        else:
            check(lib.THTensor_fill(self._t, float(value)))
        return self

    def zero_(self):
        """Set every element to zero."""
        check(lib.THTensor_zero(self._t))
        return self

    def to(self, *args, **kwargs):
        """Convert to a dtype (device 'cpu' is accepted); self if nothing changes."""
        dtype = kwargs.get("dtype")
        copy = kwargs.get("copy", False)
        for a in args:
            if isinstance(a, _dt.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, str):
                if a.split(":")[0] != "cpu":
                    raise RuntimeError(f"device '{a}' is not available: pytorch_like runs on the CPU only here")
            elif a is None:
                pass
            else:
                raise TypeError(f"to() received an invalid argument of type {type(a).__name__}")
        dev = kwargs.get("device")
        if dev is not None and str(dev).split(":")[0] != "cpu":
            raise RuntimeError(f"device '{dev}' is not available: pytorch_like runs on the CPU only here")
        if dtype is None or dtype is self.dtype:
            return self.clone() if copy else self
        return _wrap(lib.THTensor_newCast(self._t, dtype.code))

    def type(self, dtype=None):
        """The type name ('pytorch_like.FloatTensor'), or a converted tensor."""
        if dtype is None:
            return "pytorch_like." + _TYPE_NAMES[self.dtype.name]
        if isinstance(dtype, str):
            name = dtype.split(".")[-1]
            for k, v in _TYPE_NAMES.items():
                if v == name:
                    return self.to(_dt._by_name(k))
            raise TypeError(f"invalid type: '{dtype}'")
        return self.to(dtype)

    def float(self):
        return self.to(_dt.float32)

    def double(self):
        return self.to(_dt.float64)

    def half(self):
        return self.to(_dt.float16)

    def long(self):
        return self.to(_dt.int64)

    def int(self):
        return self.to(_dt.int32)

    def short(self):
        return self.to(_dt.int16)

    def char(self):
        return self.to(_dt.int8)

    def byte(self):
        return self.to(_dt.uint8)

    def bool(self):
        return self.to(_dt.bool)

    def cpu(self):
        return self

    def item(self):
        """The value of a one-element tensor as a Python number."""
        n = lib.THTensor_numel(self._t)
        if n != 1:
            raise ValueError(f"a Tensor with {n} elements cannot be converted to Scalar")
        d = self.dtype
        if d.is_floating_point:
            v = ffi.new("double*")
            check(lib.THTensor_itemDouble(self._t, v))
            return v[0]
        v = ffi.new("int64_t*")
        check(lib.THTensor_itemInt64(self._t, v))
        return builtins.bool(v[0]) if d is _dt.bool else v[0]

    def tolist(self):
        """Nested Python lists (a number for a 0-dim tensor)."""
        return self.numpy(force=True).tolist()

    def numpy(self, force=False):
        """A numpy array sharing this tensor's memory (no copy)."""
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return _array_view(self)

    def __array__(self, dtype=None, copy=None):
        a = _array_view(self)
        if dtype is not None and np.dtype(dtype) != a.dtype:
            if copy is False:
                raise ValueError(f"__array__: converting {self.dtype} to {np.dtype(dtype)} needs a copy, "
                                 "but copy=False was requested")
            return a.astype(dtype)        # a fresh array
        return a.copy() if copy else a    # np.array(t) passes copy=True: it must not alias t

    def __bool__(self):
        n = lib.THTensor_numel(self._t)
        if n != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'no' if n == 0 else 'more than one'} values is ambiguous")
        return builtins.bool(self.item())

    def __float__(self):
        return builtins.float(self.item())

    def __int__(self):
        return builtins.int(self.item())

    def __index__(self):
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __hash__(self):
        return id(self)

    def __iter__(self):
        if self._t.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self.select(0, i) for i in range(self._t.size[0]))

    def __reversed__(self):
        return iter(self.flip(0))

    def __reduce_ex__(self, proto):
        return (_rebuild, (np.array(self.numpy(force=True)),))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                               "because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        r = _wrap(lib.THTensor_newClone(self._t))
        if self.requires_grad:
            r.requires_grad = True
        if self.grad is not None:
            r.grad = self.grad.__deepcopy__(memo)
        memo[id(self)] = r
        return r

    def requires_grad_(self, requires_grad=True):
        """Mark this tensor as a leaf whose gradient autograd should compute."""
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = builtins.bool(requires_grad)
        return self

    @property
    def _version(self):
        """In-place writes into this tensor's storage since the op that made it (PyTorch's counter)."""
        s = self._t.storage
        return s.version - self.__dict__.get("_v0", 0) if s != _NULL else 0


def _check_scalar_fits(value, d):
    """PyTorch's checked scalar conversion: integer dtypes refuse values they cannot hold
    (uint8 accepts -255..255, wrapping negatives); float dtypes refuse finite values beyond their range."""
    if isinstance(value, complex) or not isinstance(value, numbers.Number):
        raise TypeError(f"fill value must be a real number, got {type(value).__name__}")
    if d is _dt.bool:
        return
    if d.is_floating_point:
        v = builtins.float(value)
        lim = _FLOAT_MAX[d.name]
        if v == v and abs(v) != _INF and abs(v) > lim:
            raise RuntimeError(f"value cannot be converted to type {d.name} without overflow: {value}")
        return
    if isinstance(value, builtins.float) and value != value:
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow: {value}")
    info = np.iinfo(d.numpy)
    lo = -info.max if info.min == 0 else info.min
    if not lo <= value <= info.max:
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow: {value}")


_INF = builtins.float("inf")
_FLOAT_MAX = {"float16": 65504.0, "float32": builtins.float(np.finfo(np.float32).max),
              "float64": builtins.float(np.finfo(np.float64).max)}


def _rebuild(arr):
    return tensor(arr)


_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "uint8": "ByteTensor", "int8": "CharTensor", "int16": "ShortTensor", "int32": "IntTensor",
               "int64": "LongTensor", "bool": "BoolTensor"}


# ---------------------------------------------------------------------- construction

def from_numpy(arr):
    """A tensor sharing the memory of a numpy array (no copy)."""
    t = _C_from_numpy(arr)   # C does the plain cases; None leaves the checks, errors and warnings to us
    if t is not None:
        return t
    if not isinstance(arr, _np_ndarray):
        raise TypeError(f"expected np.ndarray (got {type(arr).__name__})")
    d = _NUMPY_TO_DTYPE.get(arr.dtype)
    if d is None:
        if not arr.dtype.isnative and arr.dtype.newbyteorder("=") in _NUMPY_TO_DTYPE:
            raise ValueError("given numpy array has byte order different from the native byte order. "
                             "Conversion between byte orders is currently not supported.")
        d = _dt.from_numpy_dtype(arr.dtype)  # raises TypeError naming the dtype
    n = arr.ndim
    if n > 32:
        raise ValueError(f"from_numpy: arrays of more than 32 dimensions are not supported (got {n})")
    ptr, span, stride = _numpy_layout(arr)
    # the C storage holds a reference to arr (dropped by its C deleter, or at once if this fails)
    p = _tensor_pinning(id(arr), d.code, ptr, span, n, arr.shape, stride)
    if p == _NULL:
        raise error()
    t = _Tensor_new(Tensor)
    t._t = _gc(p, _free)
    return t


def _numpy_layout(arr):
    """(data pointer, span in elements, strides in elements or NULL) of an array refusing the fast path."""
    if not arr.flags.writeable:
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable "
                      "tensors. This means writing to this tensor will result in undefined behavior. You may "
                      "want to copy the array to protect its data or make it writable before converting it to "
                      "a tensor.",
                      UserWarning, stacklevel=3)
    ptr = _cast("void *", arr.__array_interface__["data"][0])
    if arr.flags.c_contiguous:
        return ptr, arr.size, _NULL
    isz = arr.itemsize
    stride = []
    span = 1
    for sz, st in zip(arr.shape, arr.strides):
        if st < 0:
            raise ValueError("At least one stride in the given numpy array is negative, and tensors with "
                             "negative strides are not currently supported. (You can probably work around "
                             "this by making a copy of your array with array.copy().)")
        if st % isz:
            raise ValueError("given numpy array strides not a multiple of the element byte size. "
                             "Copy the numpy array to reallocate the memory.")
        stride.append(st // isz)
        span = 0 if sz == 0 or span == 0 else span + (sz - 1) * (st // isz)
    return ptr, span, stride


_np_ndarray = np.ndarray
_NUMPY_TO_DTYPE = _dt.NUMPY_TO_DTYPE
_tensor_pinning = lib._th_tensor_pinning
_Tensor_new = object.__new__


def _setup_numpy_interop():
    from . import _C
    if lib._th_numpy_install():
        raise ImportError("pytorch_like._C: could not set up its numpy interop (the error is printed above)")
    _C.numpy_setup(Tensor, ffi.typeof("THTensor *"), _gc, _free)
    return _C.array_view, _C.from_numpy


_C_array_view, _C_from_numpy = _setup_numpy_interop()


def _infer_dtype(data):
    """dtype PyTorch gives to nested Python data."""
    kinds = set()

    def walk(x):
        if isinstance(x, Tensor):
            kinds.add(x.dtype)
        elif isinstance(x, (np.generic, np.ndarray)):
            # numpy scalars and arrays keep their own dtype (PyTorch does the same)
            kinds.add(_dt.from_numpy_dtype(x.dtype))
        elif isinstance(x, builtins.bool):
            kinds.add(_dt.bool)
        elif isinstance(x, numbers.Integral):
            kinds.add(_dt.int64)
        elif isinstance(x, numbers.Real):
            kinds.add(_dt.get_default_dtype())
        elif isinstance(x, (list, tuple)):
            for y in x:
                walk(y)
        elif isinstance(x, complex):
            raise TypeError("complex tensors are not supported")
        else:
            raise TypeError(f"Could not infer dtype of {type(x).__name__}")

    walk(data)
    if not kinds:
        return _dt.get_default_dtype()
    res = None
    for k in kinds:
        res = k if res is None else _dt.promote_types(res, k)
    return res


def _nested_to_numpy(data, d):
    def conv(x):
        if isinstance(x, Tensor):
            return x.numpy(force=True).tolist()
        if isinstance(x, (np.ndarray, np.generic)):
            return x.tolist()
        if isinstance(x, (list, tuple)):
            return [conv(y) for y in x]
        if not isinstance(x, (numbers.Number, str, bytes)) and x is not None:
            # PyTorch's wording, instead of numpy's "float() argument must be ..."
            raise TypeError(f"can't convert an object of type '{type(x).__name__}' to a {d.name} tensor element")
        return x
    obj = conv(data)
    try:
        with np.errstate(over="ignore"):   # PyTorch gives inf for out-of-range floats, silently
            return np.array(obj, dtype=d.numpy)
    except (ValueError, OverflowError) as e:
        if isinstance(e, ValueError) and ("sequence" in str(e) or "inhomogeneous" in str(e)):
            raise ValueError(f"expected a sequence of equal-length sequences (a rectangular nested list): {e}") from None
        err = e
    if d is _dt.uint8:
        # PyTorch's checked conversion lets uint8 take -255..255, wrapping negatives
        try:
            wide = np.array(obj, dtype=np.int64)
            if wide.size == 0 or (wide.min() >= -255 and wide.max() <= 255):
                return wide.astype(np.uint8)
        except (ValueError, OverflowError):
            pass
    raise RuntimeError(f"value cannot be converted to type {d.name} without overflow ({err})")


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of data (nested lists, numbers, numpy arrays or tensors)."""
    if device is not None and str(device).split(":")[0] != "cpu":
        raise RuntimeError(f"device '{device}' is not available: pytorch_like runs on the CPU only here")
    if dtype is not None and not isinstance(dtype, _dt.dtype):
        raise TypeError(f"dtype must be a pytorch_like.dtype, got {type(dtype).__name__}")
    if isinstance(data, Tensor):
        data = data.detach_view()      # a copy of the data, never of the graph
        r = data.to(dtype) if dtype is not None else data
        r = r.clone() if r is data else r
    elif isinstance(data, np.ndarray):
        d = dtype or _dt.from_numpy_dtype(data.dtype.newbyteorder("="))
        if data.ndim > 32:
            raise ValueError(f"tensor: arrays of more than 32 dimensions are not supported (got {data.ndim})")
        r = empty(data.shape, dtype=d)
        if data.size:
            _array_view(r)[...] = data   # numpy casts (unsafe, like astype) and copies
    else:
        d = dtype or _infer_dtype(data)
        if isinstance(data, np.generic):
            data = data.item()
        arr = _nested_to_numpy(data, d)
        if arr.dtype == object:
            raise TypeError("could not convert the data to a tensor (ragged or non-numeric entries)")
        r = empty(arr.shape, dtype=d)
        if arr.size:
            r.numpy(force=True)[...] = arr
    if requires_grad:
        r.requires_grad_(True)
    return r


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a tensor or numpy array when the dtype already matches."""
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray):
        try:
            d = _dt.from_numpy_dtype(data.dtype)
        except TypeError:
            d = None
        if (dtype is None or dtype is d) and d is not None and all(s >= 0 for s in data.strides):
            return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def _dtype_arg(dtype, default=None):
    if dtype is None:
        return default or _dt.get_default_dtype()
    if not isinstance(dtype, _dt.dtype):
        raise TypeError(f"dtype must be a pytorch_like.dtype, got {dtype!r}")
    return dtype


def empty(*size, dtype=None, device=None, requires_grad=False, out=None, **_):
    """An uninitialised tensor of the given shape."""
    s = _size_args(size)
    for v in s:
        if v < 0:
            raise ValueError(f"Trying to create tensor with negative dimension {v}: {list(s)}")
    d = _dtype_arg(dtype)
    if out is not None:
        check(lib.THTensor_resize(out._t, len(s), _int64_array(s)))
        return out
    r = _wrap(lib.THTensor_newWithSize(d.code, len(s), _int64_array(s)))
    if requires_grad:
        r.requires_grad_(True)
    return r


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of zeros."""
    r = empty(*size, dtype=dtype, out=out)
    r.zero_()
    if requires_grad:
        r.requires_grad_(True)
    return r


def ones(*size, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of ones."""
    r = empty(*size, dtype=dtype, out=out)
    r.fill_(1)
    if requires_grad:
        r.requires_grad_(True)
    return r


def full(size, fill_value, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor filled with fill_value (dtype inferred from the value when not given)."""
    if dtype is None:
        dtype = _infer_dtype(fill_value)
    r = empty(size, dtype=dtype, out=out)
    r.fill_(fill_value)
    if requires_grad:
        r.requires_grad_(True)
    return r


def empty_like(t, dtype=None, **kw):
    """Uninitialised tensor with t's shape (and dtype unless given)."""
    tensor_arg(t, "empty_like")
    return empty(t.shape, dtype=t.dtype if dtype is None else dtype, **kw)


def zeros_like(t, dtype=None, **kw):
    """Zeros with t's shape and dtype."""
    tensor_arg(t, "zeros_like")
    return zeros(t.shape, dtype=t.dtype if dtype is None else dtype, **kw)


def ones_like(t, dtype=None, **kw):
    """Ones with t's shape and dtype."""
    tensor_arg(t, "ones_like")
    return ones(t.shape, dtype=t.dtype if dtype is None else dtype, **kw)


def full_like(t, fill_value, dtype=None, **kw):
    """fill_value with t's shape and dtype."""
    tensor_arg(t, "full_like")
    return full(t.shape, fill_value, dtype=t.dtype if dtype is None else dtype, **kw)


def is_tensor(obj):
    """True if obj is a pytorch_like Tensor."""
    return isinstance(obj, Tensor)


def numel(t):
    """Number of elements of t."""
    return tensor_arg(t, "numel").numel()
