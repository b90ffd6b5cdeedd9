"""Backward formulas of pytorch_like.special's own functions (PyTorch's derivatives.yaml entries):
written on the public ops, so create_graph=True records them too."""
import math

from .._lib import lib
from ._record import Spec
from .formulas import _P, _is_t, _req, not_implemented

SPECIAL_SPECS = {}


def _spec(name, node_name):
    def deco(f):
        SPECIAL_SPECS[name] = Spec(name, formula=f, node_name=node_name)
        return f
    return deco


@_spec("logit", "LogitBackward0")
def _logit(out, input, eps=None, **__):
    def bw(g, x):
        P = _P()
        d = P.where((x == 0) | (x == 1), g * math.inf, g / (x * (1 - x)))    # +-inf at -0.0 too
        if eps is None or eps < 0:
            return (P.where((x < 0) | (x > 1), math.nan, d),)
        return (P.where((x < eps) | (x > 1 - eps), 0.0, d),)
    return (input,), (input,), bw


def _x_log_formula(log_fn, y_shift):
    def formula(out, input, other, **__):
        def bw(g, x, y):
            gx = gy = None
            if _is_t(input) and input.requires_grad:
                # PyTorch: xlogy(grad, y) with 0 where x == 0 and y is at or below the log's pole
                gx = _P().where((x == 0) & (y <= -y_shift), 0.0, log_fn()(g, y))
            if _is_t(other) and other.requires_grad:
                gy = g * x / (y + y_shift if y_shift else y)
            return gx, gy
        xs = input if _is_t(input) else _P().tensor(float(input), dtype=other.dtype)
        ys = other if _is_t(other) else _P().tensor(float(other), dtype=input.dtype)
        return (input, other), (xs, ys), bw
    return formula


SPECIAL_SPECS["xlogy"] = Spec("xlogy", formula=_x_log_formula(lambda: _P().special.xlogy, 0),
                              node_name="XlogyBackward0")
SPECIAL_SPECS["xlog1py"] = Spec("xlog1py", formula=_x_log_formula(lambda: _P().special.xlog1py, 1),
                                node_name="SpecialXlog1PyBackward0")


@_spec("sinc", "SincBackward0")
def _sinc(out, input, **__):
    def bw(g, x):
        px = x * math.pi
        sq = x * x * math.pi
        return (_P().where(sq == 0, 0.0, g * (px * px.cos() - px.sin()) / sq),)
    return (input,), (input,), bw


@_spec("entr", "SpecialEntrBackward0")
def _entr(out, input, **__):
    return (input,), (input,), lambda g, x: (g * -(x.log() + 1),)


def _unary_spec(name, node_name, bw):
    """name(input) with backward bw(g, x, y) (x the input, y the result)."""
    def formula(out, input, **__):
        return (input,), (input, out), bw
    SPECIAL_SPECS[name] = Spec(name, formula=formula, node_name=node_name)


_SQRT_2PI = math.sqrt(2 * math.pi)
_EPS = {lib.TH_FLOAT16: 2.0 ** -10, lib.TH_FLOAT32: 2.0 ** -23, lib.TH_FLOAT64: 2.0 ** -52}   # machine epsilon


def _bessel1_grad(scaled):
    """PyTorch's i1_backward / i1e_backward: 0.5 at |x| <= eps, where the formula is 0/0."""
    def bw(g, x, y):
        P = _P()
        eps = _EPS.get(x.dtype.code, _EPS[P.float32.code])
        not_tiny = x.abs() > eps
        safe = P.where(not_tiny, x, eps)
        if scaled:
            d = P.special.i0e(safe) - y * (safe.sign() + safe.reciprocal())
        else:
            d = P.i0(safe) - y * safe.reciprocal()
        return (g * P.where(not_tiny, d, 0.5),)
    return bw


_unary_spec("ndtri", "SpecialNdtriBackward0", lambda g, x, y: (g * (_SQRT_2PI * (y * y / 2).exp()),))
_unary_spec("log_ndtr", "SpecialLogNdtrBackward0", lambda g, x, y: (g / _SQRT_2PI * (-(y + x * x / 2)).exp(),))
_unary_spec("erfcx", "SpecialErfcxBackward0", lambda g, x, y: ((2.0 * x * y - 2.0 / math.sqrt(math.pi)) * g,))
_unary_spec("i0e", "SpecialI0EBackward0", lambda g, x, y: (g * (_P().special.i1e(x) - x.sign() * y),))
_unary_spec("i1", "SpecialI1Backward0", _bessel1_grad(False))
_unary_spec("i1e", "SpecialI1EBackward0", _bessel1_grad(True))


@_spec("zeta", "SpecialZetaBackward0")
def _zeta(out, input, other, **__):
    def bw(g, x, q):
        if _req(input):
            not_implemented("zeta")
        return None, g * -x * _P().special.zeta(x + 1.0, q)
    xs = input if _is_t(input) else _P().tensor(float(input), dtype=other.dtype)
    qs = other if _is_t(other) else _P().tensor(float(other), dtype=input.dtype)
    return (input, other), (xs, qs), bw
