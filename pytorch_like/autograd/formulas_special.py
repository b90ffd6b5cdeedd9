"""Backward formulas of pytorch_like.special's own functions (PyTorch's derivatives.yaml entries):
written on the public ops, so create_graph=True records them too."""
import math

from ._record import Spec
from .formulas import _P, _is_t

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
