"""pytorch_like.special: PyTorch's torch.special names, on the core ops.

Aliases of differentiable core ops record through those ops; the functions built here
(logit, xlogy, xlog1py, sinc, entr) record one node each with PyTorch's own backward
formula (autograd/formulas_special.py), so gradients at the edge values (0, 1, poles)
match PyTorch's rather than those of the composite's pieces. erfinv, ndtri and i0 are not
provided: the core has no kernel for them.
"""
import math

from . import _ops, dtypes as _dt
from ._ops import pointwise as _pw, reduce as _red
from .autograd._record import make_wrapper as _make_wrapper
from .autograd.formulas_special import SPECIAL_SPECS as _SPECS
from .nn import functional as _F
from .tensor import Tensor, tensor as _tensor

__all__ = ["digamma", "psi", "polygamma", "gammaln", "erf", "erfc", "expit", "logit", "exp2", "expm1",
           "log1p", "xlogy", "xlog1py", "sinc", "round", "log_softmax", "softmax", "logsumexp", "ndtr",
           "entr"]

digamma = psi = _ops.pointwise.digamma
polygamma = _ops.pointwise.polygamma
gammaln = _ops.pointwise.lgamma
erf = _ops.pointwise.erf
erfc = _ops.pointwise.erfc
expit = _ops.pointwise.sigmoid
exp2 = _ops.pointwise.exp2
expm1 = _ops.pointwise.expm1
log1p = _ops.pointwise.log1p
round = _ops.pointwise.round
logsumexp = _red.logsumexp

_where = _pw.where
_SQRT1_2 = math.sqrt(0.5)


def _tensor_arg(x, fn, name="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"special.{fn}(): argument '{name}' must be Tensor, not {type(x).__name__}")
    return x


def _float_input(x):
    return x if x.dtype.is_floating_point else x.to(_dt.get_default_dtype())


def softmax(input, dim, *, dtype=None):
    """exp(x) / sum(exp(x)) along dim."""
    return _F.softmax(_tensor_arg(input, "softmax"), dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """log(softmax(x)) along dim, computed stably."""
    return _F.log_softmax(_tensor_arg(input, "log_softmax"), dim, dtype=dtype)


def ndtr(input, *, out=None):
    """The standard normal CDF, 0.5 * erfc(-x / sqrt(2))."""
    x = _float_input(_tensor_arg(input, "ndtr"))
    return _pw.mul(_pw.erfc(x * -_SQRT1_2), 0.5, out=out)


def _logit(input, eps=None, *, out=None):
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given (and >= 0)."""
    x = _float_input(_tensor_arg(input, "logit"))
    if eps is not None:
        if not isinstance(eps, (int, float)) or isinstance(eps, bool):
            raise TypeError(f"special.logit(): argument 'eps' must be float, not {type(eps).__name__}")
        if eps >= 0:
            x = x.clamp(eps, 1 - eps)
    return _pw.log(x / (1 - x), out=out)


def _operands(fn, input, other):
    """input and other as tensors of one float dtype: a number takes the tensor's dtype."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"special.{fn}(): expected at least one of 'input' and 'other' to be a Tensor, got "
                        f"{type(input).__name__} and {type(other).__name__}")
    pair = []
    for v, name in ((input, "input"), (other, "other")):
        if not isinstance(v, Tensor):
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise TypeError(f"special.{fn}(): argument '{name}' must be Tensor or Number, not "
                                f"{type(v).__name__}")
            ref = other if v is input else input
            v = _tensor(float(v), dtype=ref.dtype if ref.dtype.is_floating_point else _dt.get_default_dtype())
        pair.append(v)
    x, y = pair
    if not x.dtype.is_floating_point and not y.dtype.is_floating_point:
        x = _float_input(x)
    return x, y


def _x_log_fn(fn, log):
    def f(input, other, *, out=None):
        x, y = _operands(fn, input, other)
        # 0 where x == 0 (even where log(y) is -inf), unless y is nan
        keep = (x != 0) | y.isnan()
        return _pw.mul(x, _where(keep, log(y), 0.0), out=out)
    return f


_xlogy = _x_log_fn("xlogy", _pw.log)
_xlogy.__doc__ = "x * log(y), 0 where x == 0 (unless y is nan)."
_xlog1py = _x_log_fn("xlog1py", _pw.log1p)
_xlog1py.__doc__ = "x * log1p(y), 0 where x == 0 (unless y is nan)."


def _sinc(input, *, out=None):
    """sin(pi x) / (pi x), 1 at x = 0."""
    x = _float_input(_tensor_arg(input, "sinc"))
    px = x * math.pi
    return _where(x == 0, 1.0, px.sin() / px, out=out)


def _entr(input, *, out=None):
    """-x log(x) for x > 0, 0 at 0, -inf for x < 0 (nan stays nan)."""
    x = _float_input(_tensor_arg(input, "entr"))
    r = _where(x > 0, -x * x.log(), _where(x == 0, 0.0, -math.inf))
    return _where(x.isnan(), x, r, out=out)


logit = _make_wrapper(_logit, _SPECS["logit"])
xlogy = _make_wrapper(_xlogy, _SPECS["xlogy"])
xlog1py = _make_wrapper(_xlog1py, _SPECS["xlog1py"])
sinc = _make_wrapper(_sinc, _SPECS["sinc"])
entr = _make_wrapper(_entr, _SPECS["entr"])
for _f, _n in ((logit, "logit"), (xlogy, "xlogy"), (xlog1py, "xlog1py"), (sinc, "sinc"), (entr, "entr")):
    _f.__name__ = _f.__qualname__ = _n
del _f, _n
