"""Reductions: sum, prod, mean, nanmean, var/std, max/min (with indices), amax/amin, argmax/argmin,
norm, dist, all/any, logsumexp, count_nonzero, and the scans cumsum/cumprod/logcumsumexp/cummax/cummin
-- PyTorch's signatures on lib.THTensor_reduce, THTensor_maxDim/minDim, THTensor_cumsum/cumprod/
logcumsumexp/cummax/cummin and THTensor_dist."""
import builtins as _b
import collections
import math
import numbers

from .. import dtypes as _dt
from .._args import bool_arg, tensor_arg
from .._lib import error, ffi, lib
from ..tensor import Tensor, _finish, _new_out, _wrap_dim
from .pointwise import _TNAME

__all__ = ["sum", "nansum", "prod", "mean", "var", "std", "var_mean", "std_mean", "max", "min", "amax", "amin",
           "aminmax", "argmax", "argmin", "cumsum", "cumprod", "norm", "dist", "all", "any", "logsumexp",
           "count_nonzero", "nanmean", "logcumsumexp", "cummax", "cummin"]


def _return_type(name, fields):
    cls = collections.namedtuple(name, fields)
    cls.__module__ = "pytorch_like.return_types"

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"pytorch_like.return_types.{name}(\n{body})"

    cls.__repr__ = __repr__
    return cls


_MaxRT = _return_type("max", ["values", "indices"])
_MinRT = _return_type("min", ["values", "indices"])
_AminmaxRT = _return_type("aminmax", ["min", "max"])
_CummaxRT = _return_type("cummax", ["values", "indices"])
_CumminRT = _return_type("cummin", ["values", "indices"])


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, _b.bool)


def _dims(dim, ndim, name):
    """Wrapped dims as a list; None or an empty sequence mean all dims (an empty list)."""
    if dim is None:
        return []
    if _is_int(dim):
        return [_wrap_dim(dim, ndim)]
    if isinstance(dim, (tuple, list)):
        for d in dim:
            if not _is_int(d):
                raise TypeError(f"{name}(): argument 'dim' must be a tuple of ints, but found element of type "
                                f"{type(d).__name__}")
        return [_wrap_dim(d, ndim) for d in dim]
    raise TypeError(f"{name}(): argument 'dim' must be an int or a tuple of ints, not {type(dim).__name__}")


def _one_dim(dim, ndim, name):
    if not _is_int(dim):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    return _wrap_dim(dim, ndim)


def _dtype_arg(dtype, name):
    if dtype is not None and not isinstance(dtype, _dt.dtype):
        raise TypeError(f"{name}(): argument 'dtype' must be a pytorch_like.dtype, not {type(dtype).__name__}")
    return dtype


def _raise(status, cname=None, name=None):
    """Raise the C error, naming the Python function instead of the C op where they differ."""
    exc = error(status)
    if cname and name and cname != name:
        msg = str(exc.args[0]) if exc.args else ""
        if msg.startswith(cname + "()"):
            exc = type(exc)(name + msg[len(cname):])
    raise exc


def _check_out(out, name):
    if out is not None and not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")


def _reduce(op, x, dims, keepdim, arg=0.0, out=None, dtype=None, name=None, cname=None):
    """Run THTensor_reduce into out (an existing Tensor) or a fresh tensor of dtype (or the natural dtype)."""
    keepdim = bool_arg(keepdim, name or cname, "keepdim")
    if out is not None:
        if dtype is not None and out.dtype is not dtype:
            raise RuntimeError(f"{name}(): Expected out tensor to have dtype {dtype}, but got {out.dtype} instead")
        st = lib.THTensor_reduce(out._t, op, x._t, len(dims), ffi.new("int[]", dims) if dims else ffi.NULL,
                                 _b.bool(keepdim), float(arg))
        if st:
            _raise(st, cname, name)
        return out
    o = _new_out(dtype)
    st = lib.THTensor_reduce(o, op, x._t, len(dims), ffi.new("int[]", dims) if dims else ffi.NULL,
                             _b.bool(keepdim), float(arg))
    if st:
        lib.THTensor_free(o)
        _raise(st, cname, name)
    return _finish(o, 0)


# ---------------------------------------------------------------------- sums and means

def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001
    """Sum over all elements or the given dims (integer and bool inputs give int64)."""
    tensor_arg(input, "sum")
    _check_out(out, "sum")
    return _reduce(lib.TH_REDUCE_SUM, input, _dims(dim, input.ndim, "sum"), keepdim, out=out,
                   dtype=_dtype_arg(dtype, "sum"), name="sum")


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum treating NaN as zero."""
    tensor_arg(input, "nansum")
    _check_out(out, "nansum")
    return _reduce(lib.TH_REDUCE_NANSUM, input, _dims(dim, input.ndim, "nansum"), keepdim, out=out,
                   dtype=_dtype_arg(dtype, "nansum"), name="nansum")


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product over all elements or one dim (integer and bool inputs give int64)."""
    tensor_arg(input, "prod")
    _check_out(out, "prod")
    dims = [] if dim is None else [_one_dim(dim, input.ndim, "prod")]
    return _reduce(lib.TH_REDUCE_PROD, input, dims, keepdim, out=out, dtype=_dtype_arg(dtype, "prod"), name="prod")


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean (floating inputs, or an explicit floating dtype)."""
    tensor_arg(input, "mean")
    _check_out(out, "mean")
    return _reduce(lib.TH_REDUCE_MEAN, input, _dims(dim, input.ndim, "mean"), keepdim, out=out,
                   dtype=_dtype_arg(dtype, "mean"), name="mean")


def _correction(dim, unbiased, correction, name):
    if isinstance(dim, _b.bool):  # var(x, True): the legacy unbiased overload
        if unbiased is not None:
            raise TypeError(f"{name}(): received an invalid combination of arguments (unbiased given twice)")
        dim, unbiased = None, dim
    if unbiased is not None:
        unbiased = bool_arg(unbiased, name, "unbiased")
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}(): cannot pass both 'unbiased' and 'correction'")
    if correction is None:
        c = 1.0 if unbiased is None or unbiased else 0.0
    else:
        if not isinstance(correction, numbers.Real) or isinstance(correction, _b.bool):
            raise TypeError(f"{name}(): argument 'correction' must be a number, not {type(correction).__name__}")
        c = float(correction)
    return dim, c


def _var_std(op, name, input, dim, unbiased, keepdim, correction, out):
    tensor_arg(input, name)
    _check_out(out, name)
    dim, c = _correction(dim, unbiased, correction, name)
    return _reduce(op, input, _dims(dim, input.ndim, name), keepdim, c, out=out, name=name, cname="std")


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance with Bessel's correction by default (correction=0 gives the biased estimate)."""
    return _var_std(lib.TH_REDUCE_VAR, "var", input, dim, unbiased, keepdim, correction, out)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation (square root of var)."""
    return _var_std(lib.TH_REDUCE_STD, "std", input, dim, unbiased, keepdim, correction, out)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over the same dims."""
    dim2, _ = _correction(dim, unbiased, correction, "var_mean")
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim2, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over the same dims."""
    dim2, _ = _correction(dim, unbiased, correction, "std_mean")
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim2, keepdim))


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean of the non-NaN elements (NaN where a slice has none)."""
    tensor_arg(input, "nanmean")
    _check_out(out, "nanmean")
    if not input.dtype.is_floating_point:
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_TNAME[input.dtype.code]}")
    count = input.isnan().logical_not().sum(dim, keepdim)
    s = nansum(input, dim, keepdim, dtype=dtype, out=out)
    return s.div_(count) if out is not None else s / count


def logsumexp(input, dim, keepdim=False, *, out=None):
    """log(sum(exp(x))) computed stably (integer inputs give the default float dtype)."""
    tensor_arg(input, "logsumexp")
    _check_out(out, "logsumexp")
    dtype = None if input.dtype.is_floating_point else _dt.get_default_dtype()
    return _reduce(lib.TH_REDUCE_LOGSUMEXP, input, _dims(dim, input.ndim, "logsumexp"), keepdim, out=out,
                   dtype=dtype if out is None else None, name="logsumexp")


def count_nonzero(input, dim=None):
    """Number of non-zero elements (int64), over all elements or the given dims."""
    tensor_arg(input, "count_nonzero")
    return _reduce(lib.TH_REDUCE_COUNT_NONZERO, input, _dims(dim, input.ndim, "count_nonzero"), False,
                   name="count_nonzero")


# ---------------------------------------------------------------------- logical

def _all_any(op, name, input, dim, keepdim, out):
    tensor_arg(input, name)
    _check_out(out, name)
    if isinstance(dim, (tuple, list)) and len(dim) == 0:
        # an empty dim list reduces nothing (PyTorch): fold a new size-1 dim instead
        return _reduce(op, input.unsqueeze(0), [0], False, out=out, name=name)
    return _reduce(op, input, _dims(dim, input.ndim, name), keepdim, out=out, name=name)


def all(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    """True where every element is non-zero (uint8 inputs give uint8, others bool)."""
    return _all_any(lib.TH_REDUCE_ALL, "all", input, dim, keepdim, out)


def any(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    """True where some element is non-zero (uint8 inputs give uint8, others bool)."""
    return _all_any(lib.TH_REDUCE_ANY, "any", input, dim, keepdim, out)


# ---------------------------------------------------------------------- max / min

def _values_indices(fn, rt, name, input, dim, keepdim, out):
    keepdim = bool_arg(keepdim, name, "keepdim")
    d = _one_dim(dim, input.ndim, name)
    if out is not None:
        if not (isinstance(out, (tuple, list)) and len(out) == 2 and _b.all(isinstance(t, Tensor) for t in out)):
            raise TypeError(f"{name}(): argument 'out' must be a tuple of two Tensors (values, indices)")
        st = fn(out[0]._t, out[1]._t, input._t, d, _b.bool(keepdim), 0)
        if st:
            _raise(st)
        return rt(out[0], out[1])
    v, i = _new_out(), _new_out()
    st = fn(v, i, input._t, d, _b.bool(keepdim), 0)
    if st:
        lib.THTensor_free(v)
        lib.THTensor_free(i)
        _raise(st)
    return rt(_finish(v, 0), _finish(i, 0))


def _binary_extreme(op, input, other, out):
    o = out._t if out is not None else _new_out()
    st = lib.THTensor_binary(o, op, input._t, other._t, 1.0)
    if out is not None:
        if st:
            _raise(st)
        return out
    return _finish(o, st)


def _extreme(name, binary_op, reduce_op, dim_fn, rtype, input, dim, keepdim, out):
    """max / min: over every element (0-dim), along dim ((values, indices)), or elementwise against a tensor."""
    tensor_arg(input, name)
    if isinstance(dim, Tensor):
        return _binary_extreme(binary_op, input, dim, out)
    if dim is None:
        if keepdim:
            raise TypeError(f"{name}(): keepdim needs a dim")
        _check_out(out, name)
        return _reduce(reduce_op, input, [], False, out=out, name=name)
    return _values_indices(dim_fn, rtype, name, input, dim, keepdim, out)


def max(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    """Largest element (0-dim); with dim, (values, indices) along it; with a tensor, the elementwise maximum."""
    return _extreme("max", lib.TH_BINARY_MAXIMUM, lib.TH_REDUCE_MAX, lib.THTensor_maxDim, _MaxRT, input, dim,
                    keepdim, out)


def min(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    """Smallest element (0-dim); with dim, (values, indices) along it; with a tensor, the elementwise minimum."""
    return _extreme("min", lib.TH_BINARY_MINIMUM, lib.TH_REDUCE_MIN, lib.THTensor_minDim, _MinRT, input, dim,
                    keepdim, out)


def amax(input, dim=(), keepdim=False, *, out=None):
    """Largest values over the given dims (all dims when dim is empty); NaN propagates."""
    tensor_arg(input, "amax")
    _check_out(out, "amax")
    return _reduce(lib.TH_REDUCE_MAX, input, _dims(dim, input.ndim, "amax"), keepdim, out=out,
                   name="amax", cname="max")


def amin(input, dim=(), keepdim=False, *, out=None):
    """Smallest values over the given dims (all dims when dim is empty); NaN propagates."""
    tensor_arg(input, "amin")
    _check_out(out, "amin")
    return _reduce(lib.TH_REDUCE_MIN, input, _dims(dim, input.ndim, "amin"), keepdim, out=out,
                   name="amin", cname="min")


def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) over all elements or one dim."""
    tensor_arg(input, "aminmax")
    dims = [] if dim is None else [_one_dim(dim, input.ndim, "aminmax")]
    n = input.numel() if dim is None else (input.shape[dims[0]] if input.ndim else 1)
    if n == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    return _AminmaxRT(_reduce(lib.TH_REDUCE_MIN, input, dims, keepdim, name="aminmax", cname="min"),
                      _reduce(lib.TH_REDUCE_MAX, input, dims, keepdim, name="aminmax", cname="max"))


def _arg(fn, name, input, dim, keepdim):
    tensor_arg(input, name)
    keepdim = bool_arg(keepdim, name, "keepdim")
    if dim is None:
        if input.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        flat = input.reshape(-1)
        r = _values_indices(fn, _MaxRT, name, flat, 0, False, None).indices
        return r.reshape([1] * input.ndim) if keepdim else r
    return _values_indices(fn, _MaxRT, name, input, dim, keepdim, None).indices


def _arg_error_name(fn, name, input, dim, keepdim):
    try:
        return _arg(fn, name, input, dim, keepdim)
    except IndexError as e:
        msg = str(e)
        cname = "max" if fn is lib.THTensor_maxDim else "min"
        if msg.startswith(cname + "()"):
            raise IndexError(name + msg[len(cname):]) from None
        raise


def argmax(input, dim=None, keepdim=False):
    """Index of the largest element (of the flattened tensor when dim is None); the first NaN wins."""
    return _arg_error_name(lib.THTensor_maxDim, "argmax", input, dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    """Index of the smallest element (of the flattened tensor when dim is None); the first NaN wins."""
    return _arg_error_name(lib.THTensor_minDim, "argmin", input, dim, keepdim)


# ---------------------------------------------------------------------- cumulative

def _cumulative(fn, name, input, dim, dtype, out):
    tensor_arg(input, name)
    _check_out(out, name)
    d = _one_dim(dim, input.ndim, name)
    dtype = _dtype_arg(dtype, name)
    if out is not None:
        if dtype is not None and out.dtype is not dtype:
            raise RuntimeError(f"{name}(): Expected out tensor to have dtype {dtype}, but got {out.dtype} instead")
        st = fn(out._t, input._t, d)
        if st:
            _raise(st)
        return out
    o = _new_out(dtype)
    return _finish(o, fn(o, input._t, d))


def cumsum(input, dim, *, dtype=None, out=None):
    """Cumulative sums along dim (integer and bool inputs give int64)."""
    return _cumulative(lib.THTensor_cumsum, "cumsum", input, dim, dtype, out)


def cumprod(input, dim, *, dtype=None, out=None):
    """Cumulative products along dim (integer and bool inputs give int64)."""
    return _cumulative(lib.THTensor_cumprod, "cumprod", input, dim, dtype, out)


def logcumsumexp(input, dim, *, out=None):
    """log(cumsum(exp(input))) along dim, computed stably (floating inputs only)."""
    tensor_arg(input, "logcumsumexp")
    _check_out(out, "logcumsumexp")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{_TNAME[input.dtype.code]}'")
    if out is not None and out.dtype is not input.dtype and input.dtype.is_floating_point:
        raise RuntimeError(f"logcumsumexp(): Expected out tensor to have dtype {input.dtype}, but got {out.dtype} "
                           "instead")
    return _cumulative(lib.THTensor_logcumsumexp, "logcumsumexp", input, dim, None, out)


def _cum_extreme(fn, rt, name, input, dim, out):
    tensor_arg(input, name)
    d = _one_dim(dim, input.ndim, name)
    if out is not None:
        if not (isinstance(out, (tuple, list)) and len(out) == 2 and _b.all(isinstance(t, Tensor) for t in out)):
            raise TypeError(f"{name}(): argument 'out' must be a tuple of two Tensors (values, indices)")
        st = fn(out[0]._t, out[1]._t, input._t, d, 0)
        if st:
            _raise(st)
        return rt(out[0], out[1])
    v, i = _new_out(), _new_out()
    st = fn(v, i, input._t, d, 0)
    if st:
        lib.THTensor_free(v)
        lib.THTensor_free(i)
        _raise(st)
    return rt(_finish(v, 0), _finish(i, 0))


def cummax(input, dim, *, out=None):
    """(values, indices): the running maximum along dim and the last index where it was reached (NaN sticks)."""
    return _cum_extreme(lib.THTensor_cummax, _CummaxRT, "cummax", input, dim, out)


def cummin(input, dim, *, out=None):
    """(values, indices): the running minimum along dim and the last index where it was reached (NaN sticks)."""
    return _cum_extreme(lib.THTensor_cummin, _CumminRT, "cummin", input, dim, out)


def _cumulative_(fn, name, self, dim, dtype):
    _dtype_arg(dtype, name)
    if dtype is not None and dtype is not self.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {self.dtype.name} and output tensor dtype "
                           f"{dtype.name} should match")
    st = fn(self._t, self._t, _one_dim(dim, self.ndim, name))
    if st:
        _raise(st)
    return self


# ---------------------------------------------------------------------- norms

def _norm_p(p, name):
    if isinstance(p, str):
        if p == "fro":
            return 2.0
        if p == "nuc":
            raise ValueError(f"{name}(): the nuclear norm (p='nuc') is a matrix norm: use norm(x, 'nuc', dim=(d0, d1))")
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    if not isinstance(p, numbers.Real) or isinstance(p, _b.bool):
        raise TypeError(f"{name}(): argument 'p' must be a number or 'fro', not {type(p).__name__}")
    p = float(p)
    if math.isnan(p):
        raise ValueError(f"{name}(): the order p must not be nan")
    return p


def _nuclear_norm(input, dim, keepdim, out, dtype):
    """The sum of the singular values of the matrices over a dim pair (dim None: a 2-D input's two dims)."""
    from .. import linalg
    from .linalg import _write_out
    pair = list(range(input.ndim)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    if len(pair) != 2:
        raise ValueError(f"norm(): p='nuc' needs dim to be a 2-tuple (or a 2-D input with dim=None). "
                         f"Got {' '.join(str(d) for d in pair)}")
    return _write_out(out, linalg.matrix_norm(input, "nuc", tuple(pair), keepdim, dtype=dtype), "norm")


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """Vector p-norm over all elements or the given dims ('fro' is the 2-norm; inf, -inf, 0 and fractional p work);
    p='nuc': the nuclear norm (sum of singular values) over a pair of dims."""
    tensor_arg(input, "norm")
    _check_out(out, "norm")
    if isinstance(p, str) and p == "nuc":
        return _nuclear_norm(input, dim, keepdim, out, _dtype_arg(dtype, "norm"))
    pv = _norm_p(p, "norm")
    dtype = _dtype_arg(dtype, "norm")
    x = input
    if dtype is not None and x.dtype.is_floating_point and dtype is not x.dtype:
        x = x.to(dtype)
    return _reduce(lib.TH_REDUCE_NORM, x, _dims(dim, x.ndim, "norm"), keepdim, pv, out=out, dtype=None,
                   name="norm")


def _vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002  (PyTorch's name)
    """linalg.vector_norm: the ord-norm of x over all elements or the given dims (x cast to dtype first)."""
    tensor_arg(x, "linalg.vector_norm", "x")
    _check_out(out, "linalg.vector_norm")
    if not isinstance(ord, numbers.Real) or isinstance(ord, _b.bool):
        raise TypeError(f"linalg.vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}")
    if math.isnan(ord):
        raise ValueError("linalg.vector_norm(): the order must not be nan")
    dtype = _dtype_arg(dtype, "linalg.vector_norm")
    if dtype is not None and x.dtype.is_floating_point and dtype is not x.dtype:
        x = x.to(dtype)
    return _reduce(lib.TH_REDUCE_NORM, x, _dims(dim, x.ndim, "linalg.vector_norm"), keepdim, float(ord), out=out,
                   name="linalg.vector_norm")


def dist(input, other, p=2):
    """p-norm of input - other (broadcast)."""
    tensor_arg(input, "dist")
    tensor_arg(other, "dist", "other")
    pv = _norm_p(p, "dist")
    o = _new_out()
    return _finish(o, lib.THTensor_dist(o, input._t, other._t, pv))


# ---------------------------------------------------------------------- numpy-style aliases, Tensor methods

def _np_aliases(fn):
    """Accept PyTorch's numpy-compatible keyword aliases axis= (dim) and keepdims= (keepdim)."""
    def wrapper(*args, **kwargs):
        if kwargs:
            for alias, name in (("axis", "dim"), ("keepdims", "keepdim")):
                if alias in kwargs:
                    if name in kwargs:
                        raise TypeError(f"{fn.__name__}() got both '{name}' and its alias '{alias}'")
                    kwargs[name] = kwargs.pop(alias)
        return fn(*args, **kwargs)
    wrapper.__name__ = wrapper.__qualname__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    wrapper.__wrapped__ = fn
    return wrapper


def _method(fn, name):
    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    method.__name__ = name
    method.__qualname__ = "Tensor." + name
    method.__doc__ = fn.__doc__
    return method


def _cumsum_(self, dim, dtype=None):
    """In-place cumsum along dim (keeps self's dtype)."""
    return _cumulative_(lib.THTensor_cumsum, "cumsum_", self, dim, dtype)


def _cumprod_(self, dim, dtype=None):
    """In-place cumprod along dim (keeps self's dtype)."""
    return _cumulative_(lib.THTensor_cumprod, "cumprod_", self, dim, dtype)


for _name in ["sum", "nansum", "prod", "mean", "var", "std", "var_mean", "std_mean", "max", "min", "amax", "amin",
              "aminmax", "argmax", "argmin", "cumsum", "cumprod", "norm", "all", "any", "logsumexp",
              "count_nonzero", "_vector_norm", "nanmean", "logcumsumexp", "cummax", "cummin"]:
    globals()[_name] = _np_aliases(globals()[_name])
for _name in ["sum", "nansum", "prod", "mean", "var", "std", "max", "min", "amax", "amin", "aminmax", "argmax",
              "argmin", "cumsum", "cumprod", "norm", "dist", "all", "any", "logsumexp", "count_nonzero", "nanmean",
              "logcumsumexp", "cummax", "cummin"]:
    setattr(Tensor, _name, _method(globals()[_name], _name))
Tensor.cumsum_ = _np_aliases(_cumsum_)
Tensor.cumprod_ = _np_aliases(_cumprod_)
Tensor.cumsum_.__name__, Tensor.cumprod_.__name__ = "cumsum_", "cumprod_"
del _name
