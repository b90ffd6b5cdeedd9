"""Backward formulas of the core ops: the table of differentiable ops.

Each formula is f(out, *args, **kwargs) with the op's own arguments and returns
(inputs, saved, backward): the tensors gradients flow to, the tensors backward needs
(checked against in-place changes), and backward(grad_output, *saved) -> one gradient per
input. Gradients may keep a broadcast shape or a wider dtype: the engine sums and casts
them to each input's shape and dtype. Formulas use the public (differentiable) ops, so with
create_graph=True their own computation is recorded (double backward).
"""
import math

import numpy as np

from .._lib import ffi, lib
from ..tensor import Tensor, _wrap
from . import grad_mode
from ._record import Spec

_T = Tensor
SPECS = {}
UNARY = {}        # name -> (backward(g, x, y), saved: "x", "y", both or ""), for the lean recorder

_enabled = grad_mode._enabled
_NULL = ffi.NULL
_free = lib.THTensor_free
_gc = ffi.gc
_tnew = object.__new__
_new = lib.THTensor_new
_new_binary = lib.THTensor_newBinary
_MUL = lib.TH_BINARY_MUL


def _P():
    import pytorch_like
    return pytorch_like


def op(name, view=False, node_name=None):
    def deco(f):
        SPECS[name] = Spec(name, formula=f, view=view, node_name=node_name)
        return f
    return deco


def composite(name):
    def deco(f):
        SPECS[name] = Spec(name, composite=f)
        return f
    return deco


def _arg(args, kwargs, i, name, default=None):
    if len(args) > i:
        return args[i]
    return kwargs.get(name, default)


def _is_t(x):
    return isinstance(x, _T)


def _req(x):
    return isinstance(x, _T) and x.requires_grad


# ---------------------------------------------------------------------- unary pointwise

def _unary(name, bw, uses="x"):
    """bw(g, x, y) with x the input and y the output (only the ones in uses are saved)."""
    def f(out, x, *a, **k):
        sx = x if "x" in uses else None
        sy = out if "y" in uses else None
        return (x,), (sx, sy), bw
    SPECS[name] = Spec(name, formula=f)
    UNARY[name] = (bw, uses)


def _thnn_from_output(kernel, formula):
    """Backward of y = f(x) from y: THNN's gradient kernel, or formula(g, y) when the backward itself is
    recorded (create_graph) or THNN does not take the operands (float16, mixed dtypes or shapes)."""
    def bw(g, x, y):
        if not _enabled[0]:
            o = _new(-1)
            if not kernel(_NULL, g._t, o, y._t):      # it checks dtypes and shapes itself
                r = _tnew(_T)
                r._t = _gc(o, _free)
                return r
            _free(o)
        return formula(g, y)
    return bw


def tanh_grad(g, y):
    """g (1 - y^2), differentiable."""
    return _P().addcmul(g, g * y, y, value=-1)


def sigmoid_grad(g, y):
    """g y (1 - y), differentiable."""
    t = g * y
    return _P().addcmul(t, t, y, value=-1)


_LN2, _LN10 = math.log(2.0), math.log(10.0)
_unary("neg", lambda g, x, y: -g, "")
_unary("abs", lambda g, x, y: g * x.sign())
_unary("square", lambda g, x, y: g * (x * 2))
_unary("exp", lambda g, x, y: g * y, "y")
_unary("expm1", lambda g, x, y: g * (y + 1), "y")
_unary("exp2", lambda g, x, y: g * (y * _LN2), "y")
_unary("log", lambda g, x, y: g / x)
_unary("log1p", lambda g, x, y: g / (x + 1))
_unary("log2", lambda g, x, y: g / (x * _LN2))
_unary("log10", lambda g, x, y: g / (x * _LN10))
_unary("sqrt", lambda g, x, y: g / (y * 2), "y")
_unary("rsqrt", lambda g, x, y: g * (y * y * y) * -0.5, "y")
_unary("sin", lambda g, x, y: g * x.cos())
_unary("cos", lambda g, x, y: -g * x.sin())
_unary("tan", lambda g, x, y: g * (y * y + 1), "y")
_unary("asin", lambda g, x, y: g * (-(x * x) + 1).rsqrt())
_unary("acos", lambda g, x, y: -g * (-(x * x) + 1).rsqrt())
_unary("atan", lambda g, x, y: g / (x * x + 1))
_unary("sinh", lambda g, x, y: g * x.cosh())
_unary("cosh", lambda g, x, y: g * x.sinh())
_unary("tanh", _thnn_from_output(lib.THNN_Tanh_updateGradInput, tanh_grad), "y")
_unary("sigmoid", _thnn_from_output(lib.THNN_Sigmoid_updateGradInput, sigmoid_grad), "y")
_unary("reciprocal", lambda g, x, y: -g * (y * y), "y")
_unary("erf", lambda g, x, y: g * ((-(x * x)).exp() * (2 / math.sqrt(math.pi))))
_unary("erfc", lambda g, x, y: g * ((-(x * x)).exp() * (-2 / math.sqrt(math.pi))))
_unary("frac", lambda g, x, y: g, "")
_unary("lgamma", lambda g, x, y: g * x.digamma())
_unary("digamma", lambda g, x, y: g * _P().polygamma(1, x))


_unary("erfinv", lambda g, x, y: g * ((y * y).exp() * (math.sqrt(math.pi) / 2)), "y")
_unary("i0", lambda g, x, y: g * _P().special.i1(x))


def not_implemented(name):
    """PyTorch's not_implemented(name): the error a backward raises for an input it cannot differentiate."""
    raise RuntimeError(f"the derivative for '{name}' is not implemented.")


def _igamma_formula(name, sign):
    def formula(out, a, x, **__):
        def bw(g, a, x):
            if _req(a):
                not_implemented(name)
            return None, g * (((a - 1) * x.log() - x - a.lgamma()).exp() * sign)
        at = a if _is_t(a) else _P().tensor(float(a), dtype=x.dtype)
        xt = x if _is_t(x) else _P().tensor(float(x), dtype=a.dtype)
        return (a, x), (at, xt), bw
    SPECS[name] = Spec(name, formula=formula)


_igamma_formula("igamma", 1.0)
_igamma_formula("igammac", -1.0)


@op("polygamma")
def _polygamma(out, a, b, **__):
    n, x = (a, b) if _is_t(b) else (b, a)      # torch.polygamma(n, x) or x.polygamma(n)
    return (x,), (x,), lambda g, x: (g * _P().polygamma(n + 1, x),)
for _n in ("sign", "floor", "ceil", "trunc", "round"):
    _unary(_n, lambda g, x, y: g * 0, "")
_unary("positive", lambda g, x, y: g, "")


# ---------------------------------------------------------------------- binary pointwise

@op("add")
def _add(out, a, b, *_, alpha=1, **__):
    if not _req(b):
        return (a,), (), pass_grad
    if alpha == 1:
        return (a, b), (), pass_grad2
    return (a, b), (), lambda g: (g, g * alpha)


@op("sub")
def _sub(out, a, b, *_, alpha=1, **__):
    if not _req(b):
        return (a,), (), pass_grad
    return (a, b), (), sub_grad if alpha == 1 else lambda g: (g, g * -alpha)


def pass_grad(g):
    """Backward of x + number, x - number."""
    return (g,)


def pass_grad2(g):
    """Backward of a + b."""
    return (g, g)


def sub_grad(g):
    """Backward of a - b."""
    return (g, -g)


def rsub_grad(g):
    """Backward of number - x."""
    return (-g,)


@op("rsub")
def _rsub(out, a, b, *_, **__):     # b - a (Tensor.__rsub__)
    return (a,), (), rsub_grad


@op("mul")
def _mul(out, a, b, *_, **__):
    ta, tb = isinstance(a, _T), isinstance(b, _T)
    if ta and tb:
        sa = a if b.requires_grad else None
        sb = b if a.requires_grad else None
        return (a, b), (sa, sb), mul_grad
    if not tb:
        return (a,), (), scaled_grad(b)
    return (b,), (), scaled_grad(a)


def mul_grad(g, a, b):
    """Backward of a * b (a or b None when the other needs no grad): direct C products unless recorded."""
    if _enabled[0]:
        return (None if b is None else g * b), (None if a is None else g * a)
    gt = g._t
    return (None if b is None else _wrap(_new_binary(_MUL, gt, b._t)),
            None if a is None else _wrap(_new_binary(_MUL, gt, a._t)))


def scaled_grad(s):
    """Backward of x * s for a number s."""
    return lambda g: (g * s,)


def div_grad(g, a, b):
    """Backward of a / b (a None when b needs no grad)."""
    return g / b, (None if a is None else -g * a / (b * b))


@op("div")
def _div(out, a, b, *_, rounding_mode=None, **__):
    if rounding_mode is not None:
        return (a, b), (), lambda g: (g * 0, None)
    if not _is_t(b):
        return (a,), (), lambda g: (g / b,)
    if not _is_t(a):        # number / tensor
        return (b,), (b,), lambda g, b: (-g * a / (b * b),)
    sa = a if _req(b) else None
    return (a, b), (sa, b), div_grad


SPECS["true_divide"] = Spec("true_divide", formula=_div, node_name="DivBackward0")


@op("rdiv", node_name="DivBackward0")
def _rdiv(out, a, b, *_, **__):    # b / a (Tensor.__rtruediv__)
    return (a,), (a,), lambda g, a: (-g * b / (a * a),)


@op("pow")
def _pow(out, a, b, *_, **__):
    if not _is_t(b):
        if b == 0:
            return (a,), (), lambda g: (g * 0,)
        return (a,), (a,), lambda g, a: (g * (b * a.pow(b - 1)),)
    if not _is_t(a):   # number ** tensor
        return _rpow(out, b, a)
    sy = out if b.requires_grad else None

    def bw(g, a, b, y):
        ga = g * b * a.pow(b - 1)
        # d/db a**b = a**b log a, taken as 0 where a == 0 and b >= 0 (PyTorch)
        gb = None if y is None else _zero_where(g * y * a.log(), (a == 0) & (b >= 0))
        return ga, gb
    return (a, b), (a, b, sy), bw


def _zero_where(x, mask):
    return _P().where(mask, 0.0, x)


@op("rpow", node_name="PowBackward1")
def _rpow(out, a, b, *_, **__):    # b ** a (Tensor.__rpow__, b a number)
    lb = math.log(b) if b > 0 else float("nan") if b < 0 else float("-inf")
    return (a,), (a, out), lambda g, a, y: (_zero_where(g * y * lb, a >= 0) if b == 0 else g * y * lb,)


@op("atan2")
def _atan2(out, a, b, *_, **__):
    def bw(g, a, b):
        d = a * a + b * b
        return g * b / d, -g * a / d
    return (a, b), (a, b), bw


@op("hypot")
def _hypot(out, a, b, *_, **__):
    return (a, b), (a, b, out), lambda g, a, b, y: (g * a / y, g * b / y)


def _extreme(is_max):
    def f(out, a, b, *_, **__):
        if not _is_t(b):
            return None
        with grad_mode.no_grad():
            m = ((a > b) if is_max else (a < b)).to(out.dtype) + (a == b).to(out.dtype) * 0.5
            mb = -m + 1
        return (a, b), (), lambda g: (g * m, g * mb)
    return f


SPECS["maximum"] = Spec("maximum", formula=_extreme(True))
SPECS["minimum"] = Spec("minimum", formula=_extreme(False))
SPECS["fmax"] = Spec("fmax", formula=_extreme(True))
SPECS["fmin"] = Spec("fmin", formula=_extreme(False))


def _log_add_exp(base_exp):
    """Backward of logaddexp / logaddexp2: g / (1 + base**(b - a)) and g / (1 + base**(a - b))."""
    def f(out, a, b, *_, **__):
        def bw(g, a, b):
            return g / (base_exp(b - a) + 1), g / (base_exp(a - b) + 1)
        return (a, b), (a, b), bw
    return f


SPECS["logaddexp"] = Spec("logaddexp", formula=_log_add_exp(lambda t: t.exp()))
SPECS["logaddexp2"] = Spec("logaddexp2", formula=_log_add_exp(lambda t: t.exp2()))


@op("fmod")
def _fmod(out, a, b, *_, **__):
    if not _is_t(b):
        return (a,), (), lambda g: (g,)
    return (a, b), (a, b), lambda g, a, b: (g, -g * (a / b).trunc())


@op("remainder")
def _remainder(out, a, b, *_, **__):
    if not _is_t(b):
        return (a,), (), lambda g: (g,)
    if not _is_t(a):
        return (b,), (b,), lambda g, b: (-g * (a / b).floor(),)
    return (a, b), (a, b), lambda g, a, b: (g, -g * (a / b).floor())


@op("clamp")
def _clamp(out, x, min=None, max=None, **__):
    lo, hi = min, max
    with grad_mode.no_grad():
        m = (x >= lo) if lo is not None else None
        if hi is not None:
            mh = x <= hi
            m = mh if m is None else m & mh
        gm_lo = (x < lo) if _is_t(lo) else None
        gm_hi = (x > hi) if _is_t(hi) else None
        if gm_lo is not None and gm_hi is not None:
            gm_lo = gm_lo & ~gm_hi
    return (x, lo, hi), (), lambda g: (_P().where(m, g, 0.0), None if gm_lo is None else _P().where(gm_lo, g, 0.0),
                                       None if gm_hi is None else _P().where(gm_hi, g, 0.0))


@op("where")
def _where(out, cond, a=None, b=None, **__):
    if a is None:
        return None
    W = _P().where
    return (a, b), (), lambda g: (W(cond, g, 0.0) if _is_t(a) else None, W(cond, 0.0, g) if _is_t(b) else None)


@composite("lerp")
def _lerp(input, end, weight, **__):
    return input + weight * (end - input)


@composite("addcmul")
def _addcmul(input, tensor1, tensor2, *, value=1, **__):
    p = tensor1 * tensor2
    return input + (p if value == 1 else p * value)


@composite("addcdiv")
def _addcdiv(input, tensor1, tensor2, *, value=1, **__):
    p = tensor1 / tensor2
    return input + (p if value == 1 else p * value)


# ---------------------------------------------------------------------- copies and casts

def _identity(out, x, *a, **k):
    if not _is_t(out):
        return None
    return (x,), (), lambda g: (g,)


for _n in ("clone", "contiguous", "to", "float", "double", "half", "type", "detach_copy"):
    SPECS[_n] = Spec(_n, formula=_identity, node_name={"to": "ToCopyBackward0", "float": "ToCopyBackward0",
                                                       "double": "ToCopyBackward0", "half": "ToCopyBackward0",
                                                       "type": "ToCopyBackward0"}.get(_n))


# ---------------------------------------------------------------------- reductions

def _dims_of(dim, ndim):
    if dim is None:
        return list(range(ndim))
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return list(range(ndim))
        return sorted(d % ndim if ndim else 0 for d in dim)
    return [dim % ndim if ndim else 0]


def _expand_back(g, shape, dim, keepdim):
    """A reduced gradient broadcast back to the input shape."""
    nd = len(shape)
    if nd == 0:
        return g.reshape(())
    if dim is None:          # a full reduction: g is 0-dim, or all ones with keepdim
        return g.expand(shape)
    if not keepdim:
        for d in _dims_of(dim, nd):
            g = g.unsqueeze(d)
    return g.expand(shape)


def _keep(t, shape, dim, keepdim):
    """t (reduced) reshaped with keepdim so it broadcasts against the input."""
    nd = len(shape)
    if nd == 0 or keepdim:
        return t
    for d in _dims_of(dim, nd):
        t = t.unsqueeze(d)
    return t


def _red_args(args, kwargs, dim_pos=1):
    dim = _arg(args, kwargs, dim_pos, "dim")
    keepdim = _arg(args, kwargs, dim_pos + 1, "keepdim", False)
    return dim, keepdim


@op("sum")
def _sum(out, x, *args, **kwargs):
    dim, keepdim = _red_args((x,) + args, kwargs) if args or kwargs else (None, False)
    shape = tuple(x.shape)
    return (x,), (), lambda g: (_expand_back(g, shape, dim, keepdim),)


SPECS["nansum"] = Spec("nansum", formula=lambda out, x, *a, **k: ((x,), (x,), lambda g, x: (
    _P().where(x.isnan(), 0.0, _expand_back(g, tuple(x.shape), *_red_args((x,) + a, k))),)))


@op("mean")
def _mean(out, x, *args, **kwargs):
    dim, keepdim = _red_args((x,) + args, kwargs)
    shape = tuple(x.shape)
    n = x.numel() // max(out.numel(), 1) if out.numel() else 0
    return (x,), (), lambda g: (_expand_back(g, shape, dim, keepdim) / n,)


def _excl_cumprod(x, d):
    """prod of the elements before each one along d."""
    P = _P()
    c = x.cumprod(d)
    one = P.ones_like(x.narrow(d, 0, 1))
    return P.cat([one, c.narrow(d, 0, x.shape[d] - 1)], d)


@op("prod")
def _prod(out, x, *args, **kwargs):
    dim, keepdim = _red_args((x,) + args, kwargs)
    if dim is not None and not isinstance(dim, int):
        return None
    shape = tuple(x.shape)

    def bw(g, x):
        if x.ndim == 0:
            return (g,)
        if dim is None:
            xf = x.reshape(-1)
            d = 0
        else:
            xf, d = x, dim % x.ndim
        if xf.shape[d] == 0:
            return (_expand_back(g, shape, dim, keepdim),)
        others = _excl_cumprod(xf, d) * _excl_cumprod(xf.flip(d), d).flip(d)
        return (_expand_back(g, shape, dim, keepdim) * others.reshape(shape),)
    return (x,), (x,), bw


def _correction(kwargs, args, pos):
    unbiased = _arg(args, kwargs, pos, "unbiased")
    corr = kwargs.get("correction")
    if corr is not None:
        return corr
    if isinstance(unbiased, bool):
        return 1 if unbiased else 0
    return 1


def _var_like(is_std):
    def f(out, x, *args, **kwargs):
        a = (x,) + args
        dim = _arg(a, kwargs, 1, "dim")
        if isinstance(dim, bool):      # var(x, unbiased)
            unb, dim = dim, None
            corr = 1 if unb else 0
            keepdim = False
        else:
            corr = _correction(kwargs, a, 2)
            keepdim = _arg(a, kwargs, 3, "keepdim", False)
        shape = tuple(x.shape)
        n = x.numel() // max(out.numel(), 1)

        def bw(g, x, y):
            m = x.mean(dim if dim is not None else None, keepdim=True) if dim is not None else x.mean()
            gx = _expand_back(g, shape, dim, keepdim)
            if is_std:
                return (gx * (x - m) / (_keep(y, shape, dim, keepdim) * (n - corr)),)
            return (gx * (x - m) * (2.0 / (n - corr)),)
        return (x,), (x, out if is_std else None), bw
    return f


SPECS["var"] = Spec("var", formula=_var_like(False))
SPECS["std"] = Spec("std", formula=_var_like(True))


@composite("var_mean")
def _var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    P = _P()
    return (P.var(input, dim, unbiased, keepdim, correction=correction), P.mean(input, dim, keepdim)
            if dim is not None else P.mean(input))


@composite("std_mean")
def _std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    P = _P()
    return (P.std(input, dim, unbiased, keepdim, correction=correction), P.mean(input, dim, keepdim)
            if dim is not None else P.mean(input))


@op("logsumexp")
def _logsumexp(out, x, dim, keepdim=False, **__):
    shape = tuple(x.shape)
    return (x,), (x, out), lambda g, x, y: (_expand_back(g, shape, dim, keepdim) *
                                            (x - _keep(y, shape, dim, keepdim)).exp(),)


def _evenly(x, y, g, shape, dim=None, keepdim=False):
    """The gradient of a value-selecting reduction shared evenly among the equal elements."""
    with grad_mode.no_grad():
        mask = (x == _keep(y, shape, dim, keepdim)).to(x.dtype)
        cnt = mask.sum(_dims_of(dim, len(shape)), keepdim=True) if len(shape) else mask
    return _expand_back(g, shape, dim, keepdim) * (mask / cnt)


def _select_back(g, idx, shape, dim, keepdim, dtype):
    P = _P()
    if len(shape) == 0:
        return g.reshape(())
    d = dim % len(shape)
    if not keepdim:
        g = g.unsqueeze(d)
        idx = idx.unsqueeze(d)
    return P.zeros(shape, dtype=dtype).scatter(d, idx, g)


def _max_min(out, x, *args, **kwargs):
    a = (x,) + args
    other = _arg(a, kwargs, 1, "dim")
    if other is None:
        shape = tuple(x.shape)
        return (x,), (x, out), lambda g, x, y: (_evenly(x, y, g, shape),)
    if _is_t(other):
        return _extreme(True)(out, x, other)
    dim, keepdim = other, _arg(a, kwargs, 2, "keepdim", False)
    shape, idx, dt = tuple(x.shape), out[1], x.dtype
    return (x,), (), lambda gs: (_select_back(gs[0] if gs[0] is not None else _P().zeros_like(out[0]),
                                              idx, shape, dim, keepdim, dt),)


@op("max")
def _max(out, x, *args, **kwargs):
    a = (x,) + args
    if _is_t(_arg(a, kwargs, 1, "dim")):
        return _extreme(True)(out, x, a[1] if len(a) > 1 else kwargs["other"])
    return _max_min(out, x, *args, **kwargs)


@op("min")
def _min(out, x, *args, **kwargs):
    a = (x,) + args
    if _is_t(_arg(a, kwargs, 1, "dim")):
        return _extreme(False)(out, x, a[1] if len(a) > 1 else kwargs["other"])
    return _max_min(out, x, *args, **kwargs)


def _amax(out, x, *args, **kwargs):
    a = (x,) + args
    dim = _arg(a, kwargs, 1, "dim", ())
    keepdim = _arg(a, kwargs, 2, "keepdim", False)
    if isinstance(dim, (tuple, list)) and len(dim) == 0:
        dim = None
    shape = tuple(x.shape)
    return (x,), (x, out), lambda g, x, y: (_evenly(x, y, g, shape, dim, keepdim),)


SPECS["amax"] = Spec("amax", formula=_amax)
SPECS["amin"] = Spec("amin", formula=_amax)


@op("aminmax")
def _aminmax(out, x, *, dim=None, keepdim=False):
    shape = tuple(x.shape)

    def bw(gs, x, mn, mx):
        g = None
        for gi, y in zip(gs, (mn, mx)):
            if gi is not None:
                gy = _evenly(x, y, gi, shape, dim, keepdim)
                g = gy if g is None else g + gy
        return (g,)
    return (x,), (x, out[0], out[1]), bw


@composite("renorm")
def _renorm(input, p, dim, maxnorm):
    P = _P()
    d = dim % input.ndim
    norm = P.linalg.vector_norm(input, p, [i for i in range(input.ndim) if i != d], keepdim=True)
    # PyTorch's factor: maxnorm / (norm + 1e-7) on the slices over maxnorm
    return input * P.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)


def _norm_formula(out, x, p, dim, keepdim):
    shape = tuple(x.shape)
    if p in ("fro", None):
        p = 2
    if p == "nuc":
        return _nuc_formula(x, dim, keepdim)

    def bw(g, x, y):
        P = _P()
        gx = _expand_back(g, shape, dim, keepdim)
        yk = _keep(y, shape, dim, keepdim)
        if p == 0:
            return (gx * 0,)
        if p == 1:
            return (gx * x.sign(),)
        if p == float("inf") or p == float("-inf"):
            with grad_mode.no_grad():
                mask = (x.abs() == yk).to(x.dtype)
                cnt = mask.sum(_dims_of(dim, len(shape)), keepdim=True) if len(shape) else mask
            return (gx * x.sign() * mask / cnt,)
        if p == 2:
            return (P.where(yk == 0, 0.0, gx * x / yk),)
        r = gx * x.sign() * x.abs().pow(p - 1) / yk.pow(p - 1)
        return (P.where(yk == 0, 0.0, r),)
    return (x,), (x, out), bw


def _nuc_formula(x, dim, keepdim):
    """d ||X||_* / dX = U Vh (X = U S Vh, reduced), per matrix over the dim pair (all dims when None)."""
    shape = tuple(x.shape)
    pair = list(range(len(shape))) if dim is None else [d % len(shape) for d in dim]

    def bw(g, x):
        P = _P()
        U, _, Vh = P.linalg.svd(x.movedim(pair, (-2, -1)), full_matrices=False)
        return (_keep(g, shape, pair, keepdim) * (U @ Vh).movedim((-2, -1), pair),)
    return (x,), (x,), bw


@op("norm")
def _norm(out, x, *args, **kwargs):
    a = (x,) + args
    p = _arg(a, kwargs, 1, "p", "fro")
    dim = _arg(a, kwargs, 2, "dim")
    keepdim = _arg(a, kwargs, 3, "keepdim", False)
    if p == "fro" and isinstance(dim, (tuple, list)) is False and dim is not None:
        p = 2
    return _norm_formula(out, x, p, dim, keepdim)


@op("vector_norm", node_name="LinalgVectorNormBackward0")
def _vector_norm(out, x, *args, **kwargs):
    a = (x,) + args
    return _norm_formula(out, x, _arg(a, kwargs, 1, "ord", 2), _arg(a, kwargs, 2, "dim"),
                         _arg(a, kwargs, 3, "keepdim", False))


@composite("dist")
def _dist(input, other, p=2):
    return (input - other).norm(p)


@op("cumsum")
def _cumsum(out, x, dim, *_, **__):
    return (x,), (), lambda g: (g.flip(dim).cumsum(dim).flip(dim) if g.ndim else g,)


@op("cumprod")
def _cumprod(out, x, dim, *_, **__):
    def bw(g, x, y):
        if x.ndim == 0:
            return (g,)
        return ((g * y).flip(dim).cumsum(dim).flip(dim) / x,)
    return (x,), (x, out), bw


@op("logcumsumexp")
def _logcumsumexp(out, x, dim, *_, **__):
    def bw(g, x, y):
        # PyTorch's (after TensorFlow's): the positive and negative parts of g through log space
        if x.ndim == 0 or x.numel() == 0:
            return (g,)
        P = _P()
        d = dim % x.ndim

        def rev_lcse(t):
            return t.flip(d).logcumsumexp(d).flip(d)
        lowest = float(np.finfo(g.dtype.numpy).min)
        log_abs = g.abs().log()
        pos = (rev_lcse(P.where(g > 0, log_abs, lowest) - y) + x).exp()
        neg = (rev_lcse(P.where(g < 0, log_abs, lowest) - y) + x).exp()
        return (pos - neg,)
    return (x,), (x, out), bw


def _cum_extreme(out, x, dim, *_, **__):
    idx = out[1]

    def bw(gs):
        g = gs[0]
        if g is None or x.ndim == 0 or x.numel() == 0:
            return (g,)
        return (_P().zeros(tuple(x.shape), dtype=g.dtype).scatter_add(dim, idx, g),)
    return (x,), (), bw


SPECS["cummax"] = Spec("cummax", formula=_cum_extreme)
SPECS["cummin"] = Spec("cummin", formula=_cum_extreme)


@op("cdist")
def _cdist(out, x1, x2, p=2.0, compute_mode=None):
    p = float(p)

    def bw(g, x1, x2, d):
        from .._ops.distance import _batched, row_blocks
        P = _P()
        a, b, batch = _batched(x1, x2)
        nb, pr, rr, m = a.shape[0], a.shape[1], b.shape[1], a.shape[2]
        if p == 0 or a.numel() == 0 or b.numel() == 0:
            return a.reshape(batch + [pr, m]) * 0, b.reshape(batch + [rr, m]) * 0
        g = g.reshape(nb, pr, rr)
        d = d.reshape(nb, pr, rr)
        if p == 2:
            # sum_j w_ij (a_i - b_j) with w = g / d (0 where d == 0): two matrix products
            w = P.where(d == 0, 0.0, g / d)
            ga = w.sum(2, keepdim=True) * a - w.bmm(b)
            gb = w.sum(1).unsqueeze(2) * b - w.transpose(1, 2).bmm(a)
            return ga.reshape(batch + [pr, m]), gb.reshape(batch + [rr, m])
        ga_parts, gb = [], None
        for i, n in row_blocks(pr, rr, m):
            diff = a.narrow(1, i, n).unsqueeze(2) - b.unsqueeze(1)
            gi = g.narrow(1, i, n).unsqueeze(3)
            di = d.narrow(1, i, n).unsqueeze(3)
            if p == 1:
                w = gi * diff.sign()
            elif math.isinf(p):
                w = gi * diff.sign() * (diff.abs() == di).to(diff.dtype)
            else:
                # PyTorch's _cdist_backward: 0 where the distance (or, for p < 1, a difference) is 0
                w = gi * diff.sign() * diff.abs().pow(p - 1) / di.pow(p - 1)
                zero = (di == 0) | (diff == 0) if p < 1 else di == 0
                w = P.where(zero, 0.0, w)
            ga_parts.append(w.sum(2))
            part = -w.sum(1)
            gb = part if gb is None else gb + part
        return P.cat(ga_parts, 1).reshape(batch + [pr, m]), gb.reshape(batch + [rr, m])
    return (x1, x2), (x1, x2, out), bw


# ---------------------------------------------------------------------- views and shape

def _reshape_back(out, x, *a, **k):
    shape = tuple(x.shape)
    return (x,), (), lambda g: (g.reshape(shape),)


for _n, _nn in (("view", "ViewBackward0"), ("reshape", "ReshapeAliasBackward0"), ("flatten", "ViewBackward0"),
                ("unflatten", "ViewBackward0"), ("squeeze", "SqueezeBackward0"), ("unsqueeze", "UnsqueezeBackward0"),
                ("view_as", "ViewBackward0"), ("reshape_as", "ViewBackward0"), ("ravel", "ViewBackward0")):
    SPECS[_n] = Spec(_n, formula=_reshape_back, view=True, node_name=_nn)


def _expand(out, x, *a, **k):
    return (x,), (), lambda g: (g,)       # the engine sums the broadcast dims away


for _n in ("expand", "expand_as", "broadcast_to"):
    SPECS[_n] = Spec(_n, formula=_expand, view=True, node_name="ExpandBackward0")


@op("transpose", view=True)
def _transpose(out, x, d0, d1):
    return (x,), (), lambda g: (g.transpose(d0, d1),)


SPECS["swapaxes"] = SPECS["swapdims"] = SPECS["transpose"]


@op("t", view=True, node_name="TBackward0")
def _t(out, x):
    return (x,), (), lambda g: (g.t(),)


@op("permute", view=True)
def _permute(out, x, *dims):
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    n = x.ndim
    inv = [0] * n
    for i, d in enumerate(dims):
        inv[d % n] = i
    return (x,), (), lambda g: (g.permute(*inv),)


def _gather_like(name, view=False, node_name=None):
    """Ops that only move or repeat elements: the gradient scatters back through the
    positions the op picks from an index tensor (replaying the op on arange)."""
    def f(out, raw, x, *args, **kwargs):
        if not _is_t(x):
            return None
        shape, n = tuple(x.shape), x.numel()
        multi = not _is_t(out)

        def bw(g, _raw=raw):
            P = _P()
            with grad_mode.no_grad():
                pos = _raw(P.arange(n).reshape(shape), *args, **kwargs)
            gl = g if multi else [g]
            ps = pos if multi else [pos]
            acc = P.zeros(n, dtype=_first(gl).dtype)
            for gi, pi in zip(gl, ps):
                if gi is not None:
                    acc = acc.index_add(0, pi.reshape(-1), gi.reshape(-1))
            return (acc.reshape(shape),)
        return (x,), (), bw
    SPECS[name] = Spec(name, formula=f, view=view, node_name=node_name, needs_raw=True)


def _first(gs):
    for g in gs:
        if g is not None:
            return g


for _n, _nn in (("narrow", "NarrowBackward0"), ("select", "SelectBackward0"), ("__getitem__", "IndexBackward0"),
                ("unfold", "UnfoldBackward0"), ("diagonal", "DiagonalBackward0"),
                ("as_strided", "AsStridedBackward0"), ("split", "SplitBackward0"), ("chunk", "SplitBackward0"),
                ("unbind", "UnbindBackward0"), ("tensor_split", "SplitBackward0"), ("hsplit", "SplitBackward0"),
                ("vsplit", "SplitBackward0"), ("dsplit", "SplitBackward0"), ("movedim", "PermuteBackward0"),
                ("moveaxis", "PermuteBackward0")):
    _gather_like(_n, view=True, node_name=_nn)
for _n in ("take", "index_select", "gather", "masked_select", "flip", "roll", "repeat", "tile", "take_along_dim",
           "fliplr", "flipud", "rot90", "repeat_interleave", "narrow_copy"):
    _gather_like(_n)


@op("cat")
def _cat(out, tensors, dim=0, *_, **kw):
    if "axis" in kw:
        dim = kw["axis"]
    tensors = list(tensors)
    d = dim % max(out.ndim, 1)
    # legacy: 1-D empty tensors are skipped by cat whatever the dim
    sizes = [None if (t.ndim == 1 and t.shape[0] == 0 and out.ndim != 1) else t.shape[d] for t in tensors]

    def bw(g):
        res, off = [], 0
        for k in sizes:
            if k is None:
                res.append(None)
                continue
            res.append(g.narrow(d, off, k))
            off += k
        return tuple(res)
    return tuple(tensors), (), bw


SPECS["concatenate"] = SPECS["concat"] = SPECS["cat"]


@op("stack")
def _stack(out, tensors, dim=0, *_, **__):
    tensors = list(tensors)
    d = dim % out.ndim
    return tuple(tensors), (), lambda g: tuple(g.select(d, i) for i in range(len(tensors)))


@op("tril")
def _tril(out, x, diagonal=0, **__):
    return (x,), (), lambda g: (g.tril(diagonal),)


@op("triu")
def _triu(out, x, diagonal=0, **__):
    return (x,), (), lambda g: (g.triu(diagonal),)


@op("diag")
def _diag(out, x, diagonal=0, **__):
    if x.ndim == 1:
        return (x,), (), lambda g: (g.diagonal(diagonal),)
    shape = tuple(x.shape)
    return (x,), (), lambda g: (_diag_back(g, shape, diagonal),)


def _diag_back(g, shape, k):
    P = _P()
    n, m = shape
    idx = P.arange(n * m).reshape(shape).diagonal(k)
    return P.zeros(n * m, dtype=g.dtype).index_add(0, idx.reshape(-1), g).reshape(shape)


@op("diag_embed")
def _diag_embed(out, x, offset=0, dim1=-2, dim2=-1):
    return (x,), (), lambda g: (g.diagonal(offset, dim1, dim2),)


@composite("trace")
def _trace(input):
    return input.diagonal().sum()


@op("cross")
def _cross(out, a, b, dim=None, **__):
    d = dim
    if d is None:
        d = next(i for i, s in enumerate(out.shape) if s == 3)
    return (a, b), (a, b), lambda g, a, b: (b.cross(g, dim=d), g.cross(a, dim=d))


# ---------------------------------------------------------------------- scatter-like

def _const_mask(shape, dtype, fill_fn):
    """ones of shape with fill_fn(mask) zeroing the written positions (no graph)."""
    P = _P()
    with grad_mode.no_grad():
        m = P.ones(shape, dtype=dtype)
        fill_fn(m)
    return m


@op("masked_fill")
def _masked_fill(out, x, mask, value):
    def bw(g):
        gx = _P().where(mask, 0.0, g)
        gv = None
        if _is_t(value):
            gv = _P().where(mask, g, 0.0).sum()
        return gx, gv
    return (x, value), (), bw


@op("index_fill")
def _index_fill(out, x, dim, index, value):
    return (x, value), (), lambda g: (g.index_fill(dim, index, 0), g.index_select(dim, index).sum()
                                      if _is_t(value) else None)


@op("index_add")
def _index_add(out, x, dim, index, source, *_, alpha=1, **__):
    def bw(g):
        gs = g.index_select(dim, index) if g.ndim else g
        if source.ndim == 0:
            gs = gs.reshape(())
        return g, (gs if alpha == 1 else gs * alpha)
    return (x, source), (), bw


@op("index_copy")
def _index_copy(out, x, dim, index, source):
    return (x, source), (), lambda g: (g.index_fill(dim, index, 0), g.index_select(dim, index).reshape(source.shape))


@op("scatter")
def _scatter(out, x, dim, index, src=None, value=None, **kw):
    if kw.get("reduce") is not None:
        return None
    return (x, src), (), lambda g: (g.scatter(dim, index, 0.0), g.gather(dim, index) if _is_t(src) else None)


@op("scatter_add")
def _scatter_add(out, x, dim, index, src):
    return (x, src), (), lambda g: (g, g.gather(dim, index))


@op("masked_scatter")
def _masked_scatter(out, x, mask, source):
    ns = source.numel()
    sshape = tuple(source.shape)

    def bw(g):
        P = _P()
        sel = g.masked_select(mask)
        k = sel.numel()
        gs = P.cat([sel, P.zeros(ns - k, dtype=g.dtype)]) if ns > k else sel
        return P.where(mask, 0.0, g), gs.reshape(sshape)
    return (x, source), (), bw


def _index_put_formula(out, x, indices, values, accumulate=False):
    key = tuple(indices)

    def bw(g):
        if accumulate:
            gx = g
        else:
            m = _const_mask(tuple(x.shape), g.dtype, lambda m: m.__setitem__(key, 0))
            gx = g * m
        gv = g[key] if _is_t(values) else None
        return gx, gv
    return (x, values), (), bw


SPECS["index_put"] = Spec("index_put", formula=_index_put_formula)


@op("put")
def _put(out, x, index, source, accumulate=False):
    def bw(g):
        if accumulate:
            gx = g
        else:
            m = _const_mask(tuple(x.shape), g.dtype, lambda m: m.put_(index, _P().zeros(index.shape, dtype=g.dtype)))
            gx = g * m
        return gx, g.take(index).reshape(source.shape)
    return (x, source), (), bw


def _setitem_oop(x, key, value):
    """x with x[key] = value, as a new tensor (the out-of-place form of __setitem__)."""
    from ._record import attach, run_raw
    from ..tensor import Tensor as T
    r = run_raw(T.clone, (x,), {})
    run_raw(_SETITEM[0], (r, key, value), {})

    def bw(g):
        m = _const_mask(tuple(x.shape), g.dtype, lambda m: _SETITEM[0](m, key, 0))
        gv = g[key] if _is_t(value) else None
        return g * m, gv
    attach("CopySlices", r, (x, value), (), bw)
    return r


_SETITEM = [None]


# ---------------------------------------------------------------------- sorting

def _values_indices(dim_pos, dim_default, keep_pos=None):
    def f(out, x, *args, **kwargs):
        a = (x,) + args
        dim = _arg(a, kwargs, dim_pos, "dim", dim_default)
        keepdim = True if keep_pos is None else _arg(a, kwargs, keep_pos, "keepdim", False)
        if dim is None:       # median()/nanmedian(): one value
            shape = tuple(x.shape)
            return (x,), (x, out), lambda g, x, y: (_evenly(x, y, g, shape),)
        shape, idx, dt = tuple(x.shape), out[1], x.dtype
        return (x,), (), lambda gs: (_select_back(gs[0] if gs[0] is not None else _P().zeros_like(out[0]),
                                                  idx, shape, dim, keepdim, dt),)
    return f


SPECS["sort"] = Spec("sort", formula=_values_indices(1, -1))
SPECS["msort"] = Spec("msort", composite=lambda input: _P().sort(input, 0).values)
SPECS["topk"] = Spec("topk", formula=_values_indices(2, -1))
SPECS["kthvalue"] = Spec("kthvalue", formula=_values_indices(2, -1, 3))
SPECS["median"] = Spec("median", formula=_values_indices(1, None, 2))
SPECS["nanmedian"] = Spec("nanmedian", formula=_values_indices(1, None, 2))
SPECS["mode"] = Spec("mode", formula=_values_indices(1, -1, 2))


# ---------------------------------------------------------------------- linear algebra

def _mm_grads(g, a, b, need_a, need_b):
    """Gradients of a @ b (matmul semantics: 1-D operands, broadcast batches)."""
    if a.ndim == 1 and b.ndim == 1:
        return (g * b if need_a else None), (g * a if need_b else None)
    a2 = a.unsqueeze(0) if a.ndim == 1 else a
    b2 = b.unsqueeze(-1) if b.ndim == 1 else b
    g2 = g
    if a.ndim == 1:
        g2 = g2.unsqueeze(-2)
    if b.ndim == 1:
        g2 = g2.unsqueeze(-1)
    ga = gb = None
    if need_a:
        ga = g2.matmul(b2.transpose(-1, -2))
        if a.ndim == 1:
            ga = ga.squeeze(-2)
            if ga.ndim > 1:
                ga = ga.reshape(-1, a.shape[0]).sum(0)
    if need_b:
        gb = a2.transpose(-1, -2).matmul(g2)
        if b.ndim == 1:
            gb = gb.squeeze(-1)
            if gb.ndim > 1:
                gb = gb.reshape(-1, b.shape[0]).sum(0)
    return ga, gb


def _mm_formula(out, a, b, *_, **__):
    sa = a if _req(b) else None
    sb = b if _req(a) else None

    def bw(g, a_, b_):
        return _mm_grads(g, a_ if a_ is not None else a.detach(), b_ if b_ is not None else b.detach(),
                         sb is not None, sa is not None)
    return (a, b), (sa, sb), bw


for _n, _nn in (("matmul", "MmBackward0"), ("mm", "MmBackward0"), ("bmm", "BmmBackward0"),
                ("mv", "MvBackward0"), ("dot", "DotBackward0"), ("inner", "DotBackward0"),
                ("vdot", "DotBackward0")):
    SPECS[_n] = Spec(_n, formula=_mm_formula, node_name=_nn)


@op("rmatmul", node_name="MmBackward0")
def _rmatmul(out, a, b):    # b @ a
    f = _mm_formula(out, b, a)
    inputs, saved, bw = f
    return (a, b), saved, lambda g, x, y: tuple(reversed(bw(g, x, y)))


@op("outer")
def _outer(out, a, b, *_, **__):
    return (a, b), (a, b), lambda g, a, b: (g.mv(b), g.t().mv(a))


SPECS["ger"] = SPECS["outer"]


def _addop(prod):
    def f(input, m1, m2, *, beta=1, alpha=1, **__):
        r = prod(m1, m2)
        if alpha != 1:
            r = r * alpha
        if beta == 0:
            return r
        return r + (input if beta == 1 else input * beta)
    return f


SPECS["addmm"] = Spec("addmm", composite=_addop(lambda a, b: a.mm(b)))
SPECS["addmv"] = Spec("addmv", composite=_addop(lambda a, b: a.mv(b)))
SPECS["addr"] = Spec("addr", composite=_addop(lambda a, b: a.outer(b)))
SPECS["baddbmm"] = Spec("baddbmm", composite=_addop(lambda a, b: a.bmm(b)))
SPECS["addbmm"] = Spec("addbmm", composite=_addop(lambda a, b: a.bmm(b).sum(0)))
