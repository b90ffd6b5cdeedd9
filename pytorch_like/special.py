"""pytorch_like.special: PyTorch's torch.special names, on the core ops.

Aliases of differentiable core ops record through those ops; the functions built here
(logit, xlogy, xlog1py, sinc, entr, ndtri, log_ndtr, erfcx, i0e, i1, i1e, zeta) record one node
each with PyTorch's own backward formula (autograd/formulas_special.py), so gradients at the
edge values (0, 1, poles) match PyTorch's rather than those of the composite's pieces. The
Bessel functions and orthogonal polynomials are not differentiable, as in PyTorch.
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
           "entr", "erfinv", "i0", "i0e", "i1", "i1e", "ndtri", "log_ndtr", "erfcx", "zeta", "gammainc", "gammaincc",
           "multigammaln", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0",
           "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
           "scaled_modified_bessel_k1", "spherical_bessel_j0", "airy_ai", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
           "laguerre_polynomial_l", "legendre_polynomial_p"]

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
erfinv = _ops.pointwise.erfinv
i0 = _ops.pointwise.i0
gammainc = _ops.pointwise.igamma
gammaincc = _ops.pointwise.igammac
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


# ---------------------------------------------------------------------- C special functions
_L = _pw.lib
_UNARY = [   # name, op, differentiable, doc
    ("ndtri", _L.TH_UNARY_NDTRI, True, "Inverse of ndtr: the x where the standard normal CDF is input."),
    ("log_ndtr", _L.TH_UNARY_LOG_NDTR, True, "log(ndtr(input)), accurate in the lower tail."),
    ("erfcx", _L.TH_UNARY_ERFCX, True, "Scaled complementary error function exp(x^2) erfc(x)."),
    ("i0e", _L.TH_UNARY_I0E, True, "Exponentially scaled modified Bessel function exp(-|x|) i0(x)."),
    ("i1", _L.TH_UNARY_I1, True, "Modified Bessel function of the first kind of order 1."),
    ("i1e", _L.TH_UNARY_I1E, True, "Exponentially scaled modified Bessel function exp(-|x|) i1(x)."),
    ("bessel_j0", _L.TH_UNARY_BESSEL_J0, False, "Bessel function of the first kind of order 0."),
    ("bessel_j1", _L.TH_UNARY_BESSEL_J1, False, "Bessel function of the first kind of order 1."),
    ("bessel_y0", _L.TH_UNARY_BESSEL_Y0, False, "Bessel function of the second kind of order 0."),
    ("bessel_y1", _L.TH_UNARY_BESSEL_Y1, False, "Bessel function of the second kind of order 1."),
    ("modified_bessel_i0", _L.TH_UNARY_MODIFIED_BESSEL_I0, False, "Modified Bessel function I0."),
    ("modified_bessel_i1", _L.TH_UNARY_MODIFIED_BESSEL_I1, False, "Modified Bessel function I1."),
    ("modified_bessel_k0", _L.TH_UNARY_MODIFIED_BESSEL_K0, False, "Modified Bessel function K0."),
    ("modified_bessel_k1", _L.TH_UNARY_MODIFIED_BESSEL_K1, False, "Modified Bessel function K1."),
    ("scaled_modified_bessel_k0", _L.TH_UNARY_SCALED_MODIFIED_BESSEL_K0, False, "exp(x) K0(x)."),
    ("scaled_modified_bessel_k1", _L.TH_UNARY_SCALED_MODIFIED_BESSEL_K1, False, "exp(x) K1(x)."),
    ("spherical_bessel_j0", _L.TH_UNARY_SPHERICAL_BESSEL_J0, False, "Spherical Bessel function j0 = sin(x) / x."),
    ("airy_ai", _L.TH_UNARY_AIRY_AI, False, "Airy function Ai."),
]
_POLYNOMIALS = [
    ("chebyshev_polynomial_t", _L.TH_BINARY_CHEBYSHEV_T, "Chebyshev polynomial of the first kind T_n(input)."),
    ("chebyshev_polynomial_u", _L.TH_BINARY_CHEBYSHEV_U, "Chebyshev polynomial of the second kind U_n(input)."),
    ("chebyshev_polynomial_v", _L.TH_BINARY_CHEBYSHEV_V, "Chebyshev polynomial of the third kind V_n(input)."),
    ("chebyshev_polynomial_w", _L.TH_BINARY_CHEBYSHEV_W, "Chebyshev polynomial of the fourth kind W_n(input)."),
    ("shifted_chebyshev_polynomial_t", _L.TH_BINARY_SHIFTED_CHEBYSHEV_T, "T_n(2 input - 1)."),
    ("shifted_chebyshev_polynomial_u", _L.TH_BINARY_SHIFTED_CHEBYSHEV_U, "U_n(2 input - 1)."),
    ("shifted_chebyshev_polynomial_v", _L.TH_BINARY_SHIFTED_CHEBYSHEV_V, "V_n(2 input - 1)."),
    ("shifted_chebyshev_polynomial_w", _L.TH_BINARY_SHIFTED_CHEBYSHEV_W, "W_n(2 input - 1)."),
    ("hermite_polynomial_h", _L.TH_BINARY_HERMITE_H, "Physicists' Hermite polynomial H_n(input)."),
    ("hermite_polynomial_he", _L.TH_BINARY_HERMITE_HE, "Probabilists' Hermite polynomial He_n(input)."),
    ("laguerre_polynomial_l", _L.TH_BINARY_LAGUERRE_L, "Laguerre polynomial L_n(input)."),
    ("legendre_polynomial_p", _L.TH_BINARY_LEGENDRE_P, "Legendre polynomial P_n(input)."),
]


def _named(f, name, doc):
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


def _polynomial(op, name, doc):
    raw = _pw._make_binary(op, name, doc)[0]

    def f(input, n, *, out=None):
        return raw(input, n, out=out)
    return _named(f, name, doc + " The degree n (tensor or number) is truncated to an integer; "
                  "a negative degree gives 0.")


def _build():
    g = globals()
    for name, op, diff, doc in _UNARY:
        raw = _pw._make_unary(op, name, doc, float_op=True)[0]
        g[name] = _named(_make_wrapper(raw, _SPECS[name]), name, doc) if diff else raw
    for name, op, doc in _POLYNOMIALS:
        g[name] = _polynomial(op, name, doc)
    raw_zeta = _pw._make_binary(_L.TH_BINARY_ZETA, "zeta", "")[0]

    def _zeta(input, other, *, out=None):
        return raw_zeta(input, other, out=out)
    g["zeta"] = _named(_make_wrapper(_zeta, _SPECS["zeta"]), "zeta",
                       "Hurwitz zeta function zeta(input, other) = sum_k (k + other)^-input.")


_build()


def multigammaln(input, p):
    """Multivariate log-gamma of dimension p: sum_i lgamma(input - i / 2) + p (p - 1) / 4 log(pi)."""
    x = _tensor_arg(input, "multigammaln")
    if not isinstance(p, int) or isinstance(p, bool):
        raise TypeError(f"multigammaln(): argument 'p' must be int, not {type(p).__name__}")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = _float_input(x)
    args = _ops.shape.arange(-p * 0.5 + 0.5, 0.5, 0.5, dtype=x.dtype)
    return (x.unsqueeze(-1) + args).lgamma().sum(-1) + p * (p - 1) * math.log(math.pi) / 4


def _float_inplace(self, name, compute):
    """self.copy_(compute()) for an in-place special function; self must be floating point, as in PyTorch."""
    _tensor_arg(self, name, "self")
    if not self.dtype.is_floating_point:
        raise RuntimeError(f"{name}(): result type Float can't be cast to the desired output type "
                           + _pw._TNAME[self.dtype.code])
    return self.copy_(compute())


def _mvlgamma_(self, p):
    """In-place multigammaln (self must be floating point)."""
    return _float_inplace(self, "mvlgamma_", lambda: multigammaln(self, p))


def _xlogy_method(self, other):
    return xlogy(self, other)


def _xlogy_(self, other):
    """In-place xlogy (self must be floating point)."""
    return _float_inplace(self, "xlogy_", lambda: xlogy(self, other))


Tensor.mvlgamma = multigammaln
Tensor.mvlgamma_ = _mvlgamma_
Tensor.xlogy = _xlogy_method
Tensor.xlogy_ = _xlogy_
