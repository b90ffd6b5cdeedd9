"""Finite differences and integration along a dim: diff, trapezoid/trapz, cumulative_trapezoid --
PyTorch's formulas on narrow views and the differentiable pointwise ops and reductions."""
import numbers

from .. import dtypes as _dt
from .._args import tensor_arg
from ..tensor import Tensor, _int_arg, _wrap_dim
from .pointwise import _into

__all__ = ["diff", "trapezoid", "trapz", "cumulative_trapezoid"]


def _check_extension(input, other, d, what):
    if other is None:
        return
    tensor_arg(other, "diff", what)
    if other.ndim != input.ndim:
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    for i in range(other.ndim):
        if i != d and other.shape[i] != input.shape[i]:
            raise RuntimeError("diff expects the shape of tensor to prepend or append to match that of input except "
                               f"along the differencing dimension; input.size({i}) = {input.shape[i]}, but got "
                               f"tensor.size({i}) = {other.shape[i]}")


def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """n-th forward difference along dim (logical xor for bool), after concatenating prepend/append."""
    tensor_arg(input, "diff")
    if out is not None:
        tensor_arg(out, "diff", "out")
        return _into(out, _diff(input, n, dim, prepend, append))
    return _diff(input, n, dim, prepend, append)


def _diff(input, n, dim, prepend, append):
    from .. import cat, logical_xor
    n = _int_arg(n, "diff(): n")
    if input.ndim < 1:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _wrap_dim(dim, input.ndim)
    _check_extension(input, prepend, d, "prepend")
    _check_extension(input, append, d, "append")
    r = input
    if n and (prepend is not None or append is not None):
        r = cat([t for t in (prepend, input, append) if t is not None], d)
    if n == 0:
        return r.view(r.shape)
    length = r.shape[d] - 1
    for _ in range(min(n, r.shape[d])):
        hi, lo = r.narrow(d, 1, length), r.narrow(d, 0, length)
        r = logical_xor(hi, lo) if r.dtype is _dt.bool else hi - lo
        length -= 1
    return r


def _dx_tensor(y, x, d, name):
    """x's differences along d, shaped to broadcast against y's (PyTorch: x is not broadcast first)."""
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * y.ndim
        shape[d] = x.shape[0]
        x = x.view(shape)
    elif x.ndim < y.ndim:
        x = x.view([1] * (y.ndim - x.ndim) + list(x.shape))
    n = x.shape[d]
    return x.narrow(d, 1, n - 1) - x.narrow(d, 0, n - 1)


def _check_y(y, x, dx, dim, name):
    tensor_arg(y, name, "y")
    if x is not None:
        tensor_arg(x, name, "x")
        if dx is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments: x and dx are exclusive")
    if dx is not None and (not isinstance(dx, numbers.Real) or isinstance(dx, bool)):
        raise RuntimeError(f"{name}: Currently, we only support dx as a real number.")
    d = _wrap_dim(dim, y.ndim)
    if y.dtype is _dt.bool or (x is not None and x.dtype is _dt.bool):
        raise RuntimeError(f"{name}: received a bool input for `{'y' if y.dtype is _dt.bool else 'x'}`, but bool is not "
                           "supported")
    return d


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """Integral of y along dim by the trapezoidal rule, at sample points x or a spacing dx (default 1)."""
    from .. import zeros
    d = _check_y(y, x, dx, dim, "trapezoid")
    n = y.shape[d] if y.ndim else 1
    if n == 0:      # numpy's answer for no samples: 0
        return zeros([s for i, s in enumerate(y.shape) if i != d], dtype=y.dtype)
    if x is not None:
        step = _dx_tensor(y, x, d, "trapezoid")
        return ((step * (y.narrow(d, 0, n - 1) + y.narrow(d, 1, n - 1))) / 2.).sum(d)
    h = 1.0 if dx is None else float(dx)
    return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * h


def trapz(y, x=None, *, dx=None, dim=-1):
    """Alias of trapezoid."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """Running trapezoidal integral of y along dim (one element shorter than y there)."""
    d = _check_y(y, x, dx, dim, "cumulative_trapezoid")
    n = y.shape[d] if y.ndim else 1
    pair = y.narrow(d, 0, max(n - 1, 0)) + y.narrow(d, min(1, n), max(n - 1, 0))
    if x is not None:
        return (_dx_tensor(y, x, d, "cumulative_trapezoid") * pair).cumsum(d) / 2.
    h = 1.0 if dx is None else float(dx)
    return (pair * (h / 2.)).cumsum(d)


Tensor.diff = lambda self, n=1, dim=-1, prepend=None, append=None: diff(self, n, dim, prepend, append)
