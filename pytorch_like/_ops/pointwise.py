"""Elementwise math: unary and binary ops (broadcasting, PyTorch type promotion), Python
operators on Tensor, clamp, addcmul/addcdiv, lerp, where, isclose.

Binary ops take tensors or Python/numpy scalars on either side; a scalar never widens a
tensor of its own category (int_tensor + 1 stays int, int_tensor + 1.5 becomes the
default float dtype). In-place forms require the result dtype to be castable to self's.
"""
import builtins
import numbers

import numpy as np

from .. import dtypes as _dt
from .._args import bool_arg, tensor_arg
from .._lib import error, ffi, lib
from ..tensor import Tensor, _finish, _grad_enabled, as_tensor, tensor

_free = lib.THTensor_free
_gc = ffi.gc
_new = lib.THTensor_new
_binary = lib.THTensor_binary
_binary_scalar = lib.THTensor_binaryScalar
_unary = lib.THTensor_unary
_new_binary = lib.THTensor_newBinary
_NULL = ffi.NULL
_tnew = object.__new__

_BOOL = lib.TH_BOOL
_INT64 = lib.TH_INT64
_FLOAT32 = lib.TH_FLOAT32
_FLOATS = (lib.TH_FLOAT32, lib.TH_FLOAT64, lib.TH_FLOAT16)
_promote = lib.TH_promoteTypes

# PyTorch's ScalarType names, used in its error messages
_TNAME = {lib.TH_FLOAT32: "Float", lib.TH_FLOAT64: "Double", lib.TH_FLOAT16: "Half", lib.TH_UINT8: "Byte",
          lib.TH_INT8: "Char", lib.TH_INT16: "Short", lib.TH_INT32: "Int", lib.TH_INT64: "Long",
          lib.TH_BOOL: "Bool"}

B = lib  # op codes: B.TH_BINARY_ADD, B.TH_UNARY_EXP, ...

_CMP_OPS = frozenset([B.TH_BINARY_EQ, B.TH_BINARY_NE, B.TH_BINARY_LT, B.TH_BINARY_LE, B.TH_BINARY_GT,
                      B.TH_BINARY_GE, B.TH_BINARY_LOGICAL_AND, B.TH_BINARY_LOGICAL_OR, B.TH_BINARY_LOGICAL_XOR])
_FLOAT_OUT_OPS = frozenset([B.TH_BINARY_DIV, B.TH_BINARY_ATAN2, B.TH_BINARY_HYPOT]
                           + list(range(B.TH_BINARY_ZETA, B.TH_BINARY_COUNT)))   # the special functions

_SUB_BOOL_MSG = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert "
                 "a mask, use the `~` or `logical_not()` operator instead.")


# ---------------------------------------------------------------------- promotion

def _scalar_code(s):
    """dtype code a Python/numpy scalar takes as a wrapped number, or None if s is not one."""
    if isinstance(s, (builtins.bool, np.bool_)):
        return _BOOL
    if isinstance(s, numbers.Integral):
        return _INT64
    if isinstance(s, numbers.Real):
        return _dt.get_default_dtype().code
    if isinstance(s, numbers.Complex):
        raise TypeError("complex numbers are not supported by pytorch_like")
    return None


def _is_float(code):
    return code in _FLOATS


def _combine(higher, lower):
    # PyTorch's combine_categories: a lower-priority operand only matters if it is of a
    # higher category (bool < integer < floating)
    if higher >= 0 and _is_float(higher):
        return higher
    if higher == _BOOL or (lower >= 0 and _is_float(lower)):
        return _promote(higher, lower)
    return higher if higher >= 0 else lower


def _result_code(*args):
    """PyTorch's result_type over tensors and scalars (None entries are skipped)."""
    dim = zero = wrapped = -1
    for a in args:
        if a is None:
            continue
        if isinstance(a, Tensor):
            t = a._t
            if t.ndim:
                dim = _promote(dim, t.dtype)
            else:
                zero = _promote(zero, t.dtype)
        else:
            c = _scalar_code(a)
            if c is None:
                raise TypeError(f"expected a Tensor or a number, got {type(a).__name__}")
            wrapped = _promote(wrapped, c)
    return _combine(dim, _combine(zero, wrapped))


def _can_cast(src, dst):
    if _is_float(src) and not _is_float(dst) and dst != _BOOL:
        return False
    if src != _BOOL and dst == _BOOL:
        return False
    return True


def result_type(tensor1, tensor2):
    """The dtype an arithmetic op on the two operands (tensors or numbers) produces."""
    return _dt.BY_CODE[_result_code(tensor1, tensor2)]


def can_cast(from_, to):
    """Whether PyTorch's casting rules allow writing a from_ result into a to tensor."""
    for name, d in (("from_", from_), ("to", to)):
        if not isinstance(d, _dt.dtype):
            raise TypeError(f"can_cast(): argument '{name}' must be torch.dtype, not {type(d).__name__}")
    return _can_cast(from_.code, to.code)


def _check_cast(rt, dst):
    if rt >= 0 and not _can_cast(rt, dst):
        raise RuntimeError(f"result type {_TNAME[rt]} can't be cast to the desired output type {_TNAME[dst]}")


def _float_result(code):
    return code if _is_float(code) else _dt.get_default_dtype().code


def _op_result_code(op, rt):
    """Result dtype of a binary op whose operands promote to rt."""
    if op in _CMP_OPS:
        return _BOOL
    if op in _FLOAT_OUT_OPS:
        return _float_result(rt)
    return rt


def _as_operand(x, name):
    """Tensors pass; numpy arrays become tensors; anything else is not an operand."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return as_tensor(x)
    return None


# ---------------------------------------------------------------------- core dispatch

def _run(out, rt, status_fn):
    """Allocate a result of dtype rt (-1: the C op decides) or check and reuse out."""
    if out is None:
        o = _new(rt)
        return _finish(o, status_fn(o))
    if not isinstance(out, Tensor):
        raise TypeError(f"out must be a Tensor, got {type(out).__name__}")
    _check_cast(rt, out._t.dtype)
    st = status_fn(out._t)
    if st:
        raise error(st)
    return out


def _big_int(s):
    return isinstance(s, numbers.Integral) and not isinstance(s, (builtins.bool, np.bool_)) and \
        builtins.abs(builtins.int(s)) > (1 << 53)


def _binop(op, a, b, out=None, alpha=1, name="op", inplace=False):
    """a op b for tensors and scalars on either side; inplace writes into a."""
    ta = _as_operand(a, "input")
    tb = _as_operand(b, "other")
    if ta is not None and tb is None and _big_int(b):
        tb = tensor(builtins.int(b) if -(1 << 63) <= b < (1 << 63) else 0, dtype=_dt.int64)
    if tb is not None and ta is None and _big_int(a):
        ta = tensor(builtins.int(a) if -(1 << 63) <= a < (1 << 63) else 0, dtype=_dt.int64)
    if inplace:
        out = ta
    if ta is not None and tb is not None:
        rt = _result_code(ta, tb)
        if alpha != 1 and op in (B.TH_BINARY_ADD, B.TH_BINARY_SUB):
            _check_alpha(alpha, rt)
        res = _op_result_code(op, rt)
        if out is None and not (op in _FLOAT_OUT_OPS and res != rt and res != _FLOAT32):
            res = -1   # the C op decides; only a non-float32 default float must be asked for
        at, bt, al = ta._t, tb._t, builtins.float(alpha)
        return _run(out, res, lambda o: _binary(o, op, at, bt, al))
    if ta is not None:
        t, s, rev = ta, b, 0
    elif tb is not None:
        t, s, rev = tb, a, 1
    else:
        raise TypeError(f"{name}(): expected at least one Tensor argument, got {type(a).__name__} and "
                        f"{type(b).__name__}")
    sc = _scalar_code(s)
    if sc is None:
        raise TypeError(f"{name}(): argument '{'input' if rev else 'other'}' must be a Tensor or a number, "
                        f"not {type(s).__name__}")
    rt = _combine(t._t.dtype, sc)
    if op == B.TH_BINARY_SUB and (sc == _BOOL or t._t.dtype == _BOOL):
        raise RuntimeError(_SUB_BOOL_MSG)
    if alpha != 1 and op in (B.TH_BINARY_ADD, B.TH_BINARY_SUB):
        _check_alpha(alpha, rt)
        s = s * alpha
    if op in _CMP_OPS:
        res, req = _BOOL, -1
    else:
        res = req = _op_result_code(op, rt)
    tt, sv = t._t, builtins.float(s)
    if out is None:
        o = _new(req)
        return _finish(o, _binary_scalar(o, op, tt, sv, rev))
    if not isinstance(out, Tensor):
        raise TypeError(f"out must be a Tensor, got {type(out).__name__}")
    _check_cast(res, out._t.dtype)
    st = _binary_scalar(out._t, op, tt, sv, rev)
    if st:
        raise error(st)
    return out


_DEFAULT = _dt._default   # [default float dtype]; read directly on hot paths
_SCALAR_REQ = {}
_MISS = object()


def _scalar_req(op, tdt, tp):
    """Output dtype code to request for tensor(tdt) op scalar-of-type-tp (-1: the C op
    decides), or None when the slow path must handle it (it raises the error)."""
    key = (op, tdt, tp, _DEFAULT[0])
    req = _SCALAR_REQ.get(key, _MISS)
    if req is not _MISS:
        return req
    sc = _scalar_code(tp(1))
    if op == B.TH_BINARY_SUB and (sc == _BOOL or tdt == _BOOL):
        req = None
    elif op in _CMP_OPS:
        req = -1
    else:
        req = _op_result_code(op, _combine(tdt, sc))
    _SCALAR_REQ[key] = req
    return req


def _check_alpha(alpha, rt):
    if not _is_float(rt) and isinstance(alpha, numbers.Real) and not isinstance(alpha, numbers.Integral):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def _unop(op, a, out=None, name="op", inplace=False, float_op=False, apply=_unary):
    """op on a (apply(out_t, op, a_t) runs the C op) into a new tensor, out, or a itself."""
    if not isinstance(a, Tensor):
        a = _as_operand(a, "input")
        if a is None:
            raise TypeError(f"{name}(): argument 'input' must be Tensor")
    at = a._t
    if inplace:
        out = a
    req = -1
    if float_op and not _is_float(at.dtype):
        req = _dt.get_default_dtype().code
    if out is None:
        o = _new(req)
        return _finish(o, apply(o, op, at))
    rt = req if req >= 0 else (_BOOL if op in _BOOL_UNARY else at.dtype)
    _check_cast(rt, out._t.dtype)
    st = apply(out._t, op, at)
    if st:
        raise error(st)
    return out


_BOOL_UNARY = frozenset([B.TH_UNARY_ISNAN, B.TH_UNARY_ISINF, B.TH_UNARY_ISFINITE, B.TH_UNARY_LOGICAL_NOT])


# ---------------------------------------------------------------------- binary functions

def _make_binary(op, name, doc):
    fast_new = op not in _FLOAT_OUT_OPS   # int / int gives the default float dtype: slow path

    def f(input, other, *, out=None):
        if out is None and type(other) is Tensor and type(input) is Tensor and (
                fast_new or _DEFAULT[0] is _dt.float32):
            o = _new_binary(op, input._t, other._t)
            if o == _NULL:
                raise error()
            r = _tnew(Tensor)
            r._t = _gc(o, _free)
            return r
        return _binop(op, input, other, out, name=name)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc

    def f_(self, other):
        if type(other) is Tensor and other._t.dtype == self._t.dtype and fast_new:
            st = _binary(self._t, op, self._t, other._t, 1.0)
            if st:
                raise error(st)
            return self
        return _binop(op, self, other, name=name + "_", inplace=True)
    f_.__name__ = f_.__qualname__ = name + "_"
    f_.__doc__ = "In-place " + name + "."
    return f, f_


def _addsub(op, input, other, alpha, out, name):
    if type(other) is Tensor and type(input) is Tensor:
        at, bt = input._t, other._t
        # a fractional alpha is refused for integral results: only the slow path checks it
        if type(alpha) is int or (type(alpha) is float and _is_float(_promote(at.dtype, bt.dtype))):
            if out is None:
                o = _new(-1)
                st = _binary(o, op, at, bt, alpha)
                if st:
                    _free(o)
                    raise error(st)
                r = _tnew(Tensor)
                r._t = _gc(o, _free)
                return r
            if type(out) is Tensor and at.dtype == bt.dtype == out._t.dtype:
                st = _binary(out._t, op, at, bt, alpha)
                if st:
                    raise error(st)
                return out
    return _binop(op, input, other, out, alpha, name)


def add(input, other, *, alpha=1, out=None):
    """input + alpha * other, broadcasting."""
    return _addsub(B.TH_BINARY_ADD, input, other, alpha, out, "add")


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other, broadcasting."""
    return _addsub(B.TH_BINARY_SUB, input, other, alpha, out, "sub")


def _add_(self, other, *, alpha=1):
    return _addsub(B.TH_BINARY_ADD, self, other, alpha, self, "add_")


def _sub_(self, other, *, alpha=1):
    return _addsub(B.TH_BINARY_SUB, self, other, alpha, self, "sub_")


subtract = sub

_DIV_MODES = {None: B.TH_BINARY_DIV, "trunc": B.TH_BINARY_TRUNC_DIVIDE, "floor": B.TH_BINARY_FLOOR_DIVIDE}


def _div_op(rounding_mode):
    try:
        return _DIV_MODES[rounding_mode]
    except (KeyError, TypeError):
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'") from None


def div(input, other, *, rounding_mode=None, out=None):
    """input / other: true division, or rounded with rounding_mode 'trunc' or 'floor'."""
    return _binop(_div_op(rounding_mode), input, other, out, name="div")


def _div_(self, other, *, rounding_mode=None):
    return _binop(_div_op(rounding_mode), self, other, name="div_", inplace=True)


divide = div


def true_divide(dividend, divisor, *, out=None):
    """dividend / divisor as true (floating) division."""
    return _binop(B.TH_BINARY_DIV, dividend, divisor, out, name="true_divide")


mul, _mul_ = _make_binary(B.TH_BINARY_MUL, "mul", "input * other, broadcasting.")
multiply = mul
floor_divide, _floor_divide_ = _make_binary(B.TH_BINARY_FLOOR_DIVIDE, "floor_divide",
                                            "input // other rounded toward minus infinity (Python's //).")
remainder, _remainder_ = _make_binary(B.TH_BINARY_REMAINDER, "remainder",
                                      "Python's modulus: the result has the sign of the divisor.")
fmod, _fmod_ = _make_binary(B.TH_BINARY_FMOD, "fmod", "C's fmod: the result has the sign of the dividend.")
pow, _pow_ = _make_binary(B.TH_BINARY_POW, "pow", "input ** exponent (tensor or scalar on either side).")
atan2, _atan2_ = _make_binary(B.TH_BINARY_ATAN2, "atan2", "Elementwise arctangent of input / other (quadrant-aware).")
arctan2 = atan2
hypot, _hypot_ = _make_binary(B.TH_BINARY_HYPOT, "hypot", "sqrt(input**2 + other**2) without overflow.")


def _log_add_exp(op, name, doc):
    binary, _ = _make_binary(op, name, doc)

    def f(input, other, *, out=None):
        tensor_arg(input, name)
        tensor_arg(other, name, "other", 2)
        if not (input.dtype.is_floating_point or other.dtype.is_floating_point):
            raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                      f"'{_TNAME[_promote(input._t.dtype, other._t.dtype)]}'")
        return binary(input, other, out=out)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


logaddexp = _log_add_exp(B.TH_BINARY_LOGADDEXP, "logaddexp", "log(exp(input) + exp(other)) without overflow.")
logaddexp2 = _log_add_exp(B.TH_BINARY_LOGADDEXP2, "logaddexp2", "log2(2**input + 2**other) without overflow.")
maximum, _ = _make_binary(B.TH_BINARY_MAXIMUM, "maximum", "Elementwise maximum (nan propagates).")
minimum, _ = _make_binary(B.TH_BINARY_MINIMUM, "minimum", "Elementwise minimum (nan propagates).")
bitwise_and, _bitwise_and_ = _make_binary(B.TH_BINARY_BITAND, "bitwise_and", "Bitwise AND of integer or bool tensors.")
bitwise_or, _bitwise_or_ = _make_binary(B.TH_BINARY_BITOR, "bitwise_or", "Bitwise OR of integer or bool tensors.")
bitwise_xor, _bitwise_xor_ = _make_binary(B.TH_BINARY_BITXOR, "bitwise_xor", "Bitwise XOR of integer or bool tensors.")
bitwise_left_shift, _bitwise_left_shift_ = _make_binary(B.TH_BINARY_LSHIFT, "bitwise_left_shift",
                                                        "input << other for integer tensors.")
bitwise_right_shift, _bitwise_right_shift_ = _make_binary(B.TH_BINARY_RSHIFT, "bitwise_right_shift",
                                                          "input >> other (arithmetic) for integer tensors.")
logical_and, _logical_and_ = _make_binary(B.TH_BINARY_LOGICAL_AND, "logical_and", "Elementwise logical AND (bool).")
logical_or, _logical_or_ = _make_binary(B.TH_BINARY_LOGICAL_OR, "logical_or", "Elementwise logical OR (bool).")
logical_xor, _logical_xor_ = _make_binary(B.TH_BINARY_LOGICAL_XOR, "logical_xor", "Elementwise logical XOR (bool).")
eq, _eq_ = _make_binary(B.TH_BINARY_EQ, "eq", "Elementwise input == other (bool).")
ne, _ne_ = _make_binary(B.TH_BINARY_NE, "ne", "Elementwise input != other (bool).")
lt, _lt_ = _make_binary(B.TH_BINARY_LT, "lt", "Elementwise input < other (bool).")
le, _le_ = _make_binary(B.TH_BINARY_LE, "le", "Elementwise input <= other (bool).")
gt, _gt_ = _make_binary(B.TH_BINARY_GT, "gt", "Elementwise input > other (bool).")
ge, _ge_ = _make_binary(B.TH_BINARY_GE, "ge", "Elementwise input >= other (bool).")
not_equal, greater, greater_equal, less, less_equal = ne, gt, ge, lt, le
igamma, _igamma_ = _make_binary(B.TH_BINARY_IGAMMA, "igamma",
                                "Regularized lower incomplete gamma function P(input, other).")
igammac, _igammac_ = _make_binary(B.TH_BINARY_IGAMMAC, "igammac",
                                  "Regularized upper incomplete gamma function Q(input, other).")


# ---------------------------------------------------------------------- unary functions

def _make_unary(op, name, doc, float_op=False):
    def f(input, *, out=None):
        if out is None and type(input) is Tensor:
            t = input._t
            if not float_op or t.dtype in _FLOATS or _DEFAULT[0] is _dt.float32:
                o = _new(-1)
                st = _unary(o, op, t)
                if st:
                    _free(o)
                    raise error(st)
                r = _tnew(Tensor)
                r._t = _gc(o, _free)
                return r
        return _unop(op, input, out, name, float_op=float_op)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc

    def f_(self):
        return _unop(op, self, None, name + "_", inplace=True, float_op=float_op)
    f_.__name__ = f_.__qualname__ = name + "_"
    f_.__doc__ = "In-place " + name + "."
    return f, f_


U = lib
neg, _neg_ = _make_unary(U.TH_UNARY_NEG, "neg", "-input.")
negative = neg
abs, _abs_ = _make_unary(U.TH_UNARY_ABS, "abs", "Absolute value.")
absolute = abs
sign, _sign_ = _make_unary(U.TH_UNARY_SIGN, "sign", "-1, 0 or 1 by the sign of each element (0 for nan).")
floor, _floor_ = _make_unary(U.TH_UNARY_FLOOR, "floor", "Largest integer not above each element.")
ceil, _ceil_ = _make_unary(U.TH_UNARY_CEIL, "ceil", "Smallest integer not below each element.")
trunc, _trunc_ = _make_unary(U.TH_UNARY_TRUNC, "trunc", "Round toward zero.")
fix = trunc
square, _square_ = _make_unary(U.TH_UNARY_SQUARE, "square", "input * input.")
bitwise_not, _bitwise_not_ = _make_unary(U.TH_UNARY_BITWISE_NOT, "bitwise_not",
                                         "Bitwise NOT of integer tensors (logical NOT of bool tensors).")
logical_not, _logical_not_ = _make_unary(U.TH_UNARY_LOGICAL_NOT, "logical_not", "Elementwise logical NOT (bool).")
isnan, _ = _make_unary(U.TH_UNARY_ISNAN, "isnan", "True where an element is nan.")
isinf, _ = _make_unary(U.TH_UNARY_ISINF, "isinf", "True where an element is +-inf.")
isfinite, _ = _make_unary(U.TH_UNARY_ISFINITE, "isfinite", "True where an element is neither inf nor nan.")

_FLOAT_UNARY = [
    ("exp", U.TH_UNARY_EXP, "e ** input."), ("expm1", U.TH_UNARY_EXPM1, "exp(input) - 1, exact near 0."),
    ("exp2", U.TH_UNARY_EXP2, "2 ** input."), ("log", U.TH_UNARY_LOG, "Natural logarithm."),
    ("log1p", U.TH_UNARY_LOG1P, "log(1 + input), exact near 0."), ("log2", U.TH_UNARY_LOG2, "Base-2 logarithm."),
    ("log10", U.TH_UNARY_LOG10, "Base-10 logarithm."), ("sqrt", U.TH_UNARY_SQRT, "Square root."),
    ("rsqrt", U.TH_UNARY_RSQRT, "1 / sqrt(input)."), ("sin", U.TH_UNARY_SIN, "Sine."),
    ("cos", U.TH_UNARY_COS, "Cosine."), ("tan", U.TH_UNARY_TAN, "Tangent."), ("asin", U.TH_UNARY_ASIN, "Arcsine."),
    ("acos", U.TH_UNARY_ACOS, "Arccosine."), ("atan", U.TH_UNARY_ATAN, "Arctangent."),
    ("sinh", U.TH_UNARY_SINH, "Hyperbolic sine."), ("cosh", U.TH_UNARY_COSH, "Hyperbolic cosine."),
    ("tanh", U.TH_UNARY_TANH, "Hyperbolic tangent."), ("sigmoid", U.TH_UNARY_SIGMOID, "1 / (1 + exp(-input))."),
    ("frac", U.TH_UNARY_FRAC, "input - trunc(input)."), ("reciprocal", U.TH_UNARY_RECIPROCAL, "1 / input."),
    ("erf", U.TH_UNARY_ERF, "Error function."), ("erfc", U.TH_UNARY_ERFC, "1 - erf(input), exact in the tail."),
    ("lgamma", U.TH_UNARY_LGAMMA, "log |gamma(input)|."),
    ("digamma", U.TH_UNARY_DIGAMMA, "d/dx lgamma(input) (-inf at +0, inf at -0, nan at negative integers)."),
    ("erfinv", U.TH_UNARY_ERFINV, "Inverse error function (+-inf at +-1, nan outside [-1, 1])."),
    ("i0", U.TH_UNARY_I0, "Modified Bessel function of the first kind of order 0."),
]
_g = globals()
for _name, _op, _doc in _FLOAT_UNARY:
    _g[_name], _g["_" + _name + "_"] = _make_unary(_op, _name, _doc, float_op=True)
del _g, _name, _op, _doc
arcsin, arccos, arctan = asin, acos, atan  # noqa: F821  (defined by the loop above)


def _polygamma_apply(n):
    return lambda o, op, t: lib.THTensor_polygamma(o, n, t)


def _order(n):
    if not isinstance(n, (numbers.Integral, np.integer)):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    return builtins.int(n)


def polygamma(n, input, *, out=None):
    """The n-th derivative of digamma (n >= 0): polygamma(0, x) = digamma(x)."""
    return _unop(None, input, out, "polygamma", float_op=True, apply=_polygamma_apply(_order(n)))


def _polygamma_method(self, n):
    return polygamma(n, self)


def _polygamma_(self, n):
    return _unop(None, self, None, "polygamma_", inplace=True, float_op=True, apply=_polygamma_apply(_order(n)))


def round(input, *, decimals=0, out=None):
    """Round half to even (numpy/PyTorch), optionally to a number of decimals."""
    if decimals == 0:
        return _unop(U.TH_UNARY_ROUND, input, out, "round")
    if not input.dtype.is_floating_point:
        return _unop(U.TH_UNARY_ROUND, input, out, "round")
    scale = 10.0 ** decimals
    r = _unop(U.TH_UNARY_ROUND, _binop(B.TH_BINARY_MUL, input, scale), None, "round")
    return _binop(B.TH_BINARY_DIV, r, scale, out)


def _round_(self, *, decimals=0):
    if decimals == 0:
        return _unop(U.TH_UNARY_ROUND, self, None, "round_", inplace=True)
    return self.copy_(round(self, decimals=decimals))


def positive(input):
    """input itself (refused for bool tensors, like PyTorch)."""
    tensor_arg(input, "positive")
    if input.dtype is _dt.bool:
        raise TypeError("The `+` operator, on a bool tensor is not supported.")
    return input


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace nan, +inf and -inf by finite numbers (default: 0 and the dtype's extremes)."""
    tensor_arg(input, "nan_to_num")
    for name, v in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
        if v is not None and not isinstance(v, (numbers.Real, np.number)):
            raise TypeError(f"nan_to_num(): argument '{name}' must be float, not {type(v).__name__}")
    if not input.dtype.is_floating_point:
        r = input.clone()
    else:
        fi = np.finfo(input.dtype.numpy)
        hi = builtins.float(fi.max) if posinf is None else posinf
        lo = builtins.float(fi.min) if neginf is None else neginf
        r = where(isnan(input), _scalar_like(nan, input), input)
        r = where(eq(input, builtins.float("inf")), _scalar_like(hi, input), r)
        r = where(eq(input, builtins.float("-inf")), _scalar_like(lo, input), r)
    return r if out is None else _into(out, r)


def _into(out, r):
    """Write the computed r into the out= tensor (resized to r's shape)."""
    _check_cast(r._t.dtype, out._t.dtype)
    if out is not r:
        if out.shape != r.shape:
            st = lib.THTensor_resize(out._t, r._t.ndim, ffi.new("int64_t[]", list(r.shape)))
            if st:
                raise error(st)
        out.copy_(r)
    return out


def _nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
    return self.copy_(nan_to_num(self, nan, posinf, neginf))


def _scalar_like(v, t):
    return tensor(v, dtype=t.dtype)


def isposinf(input):
    """True where an element is +inf."""
    tensor_arg(input, "isposinf")
    return eq(input, builtins.float("inf")) if input.dtype.is_floating_point else isinf(input)


def isneginf(input):
    """True where an element is -inf."""
    tensor_arg(input, "isneginf")
    return eq(input, builtins.float("-inf")) if input.dtype.is_floating_point else isinf(input)


# ---------------------------------------------------------------------- clamp, ternary, where

def clamp(input, min=None, max=None, *, out=None):
    """Clamp every element into [min, max] (numbers or tensors; either may be None)."""
    tmin, tmax = type(min), type(max)
    if out is None and type(input) is Tensor and input._t.dtype in _FLOATS and \
            (tmin is float or tmin is int or min is None) and (tmax is float or tmax is int or max is None) and \
            (min is not None or max is not None):
        o = _new(-1)
        st = lib.THTensor_clamp(o, input._t, 0.0 if min is None else min, 0.0 if max is None else max,
                                min is not None, max is not None)
        if st:
            _free(o)
            raise error(st)
        r = _tnew(Tensor)
        r._t = _gc(o, _free)
        return r
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        r = input
        if min is not None:
            r = maximum(r, min)
        if max is not None:
            r = minimum(r, max)
        if out is None:
            return r if r is not input else input.clone()
        return _into(out, r)
    for v, n in ((min, "min"), (max, "max")):
        if v is not None and _scalar_code(v) is None:
            raise TypeError(f"clamp(): argument '{n}' must be a number or a Tensor, not {type(v).__name__}")
    rt = _result_code(input, min, max)
    req = rt if rt != input._t.dtype else -1
    lo = builtins.float(min) if min is not None else 0.0
    hi = builtins.float(max) if max is not None else 0.0
    at = input._t
    return _run(out, req if out is None else rt,
                lambda o: lib.THTensor_clamp(o, at, lo, hi, min is not None, max is not None))


def _clamp_(self, min=None, max=None):
    return clamp(self, min, max, out=self)


clip = clamp


def clamp_min(input, min):
    """clamp(input, min=min)."""
    return clamp(input, min=min)


def clamp_max(input, max):
    """clamp(input, max=max)."""
    return clamp(input, max=max)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2, broadcasting."""
    a, b, c = (tensor_arg(x, "addcmul", n, arrays=True)
               for x, n in ((input, "input"), (tensor1, "tensor1"), (tensor2, "tensor2")))
    rt = _result_code(a, b, c)
    v = builtins.float(value)
    return _run(out, -1 if out is None else rt, lambda o: lib.THTensor_addcmul(o, a._t, b._t, c._t, v))


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 / tensor2, broadcasting (floating point only)."""
    a, b, c = (tensor_arg(x, "addcdiv", n, arrays=True)
               for x, n in ((input, "input"), (tensor1, "tensor1"), (tensor2, "tensor2")))
    rt = _result_code(a, b, c)
    v = builtins.float(value)
    return _run(out, -1 if out is None else rt, lambda o: lib.THTensor_addcdiv(o, a._t, b._t, c._t, v))


def _addcmul_(self, tensor1, tensor2, *, value=1):
    return addcmul(self, tensor1, tensor2, value=value, out=self)


def _addcdiv_(self, tensor1, tensor2, *, value=1):
    return addcdiv(self, tensor1, tensor2, value=value, out=self)


def lerp(input, end, weight, *, out=None):
    """input + weight * (end - input) (weight a number or a tensor; floating point only)."""
    a, b = tensor_arg(input, "lerp", "input", arrays=True), tensor_arg(end, "lerp", "end", arrays=True)
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected dtype {a.dtype.name} for `end` but got dtype {b.dtype.name}")
    if isinstance(weight, Tensor):
        if weight.dtype is not a.dtype:
            raise RuntimeError(f"expected dtype {a.dtype.name} for `weight` but got dtype {weight.dtype.name}")
        w = weight._t
        return _run(out, -1 if out is None else a._t.dtype, lambda o: lib.THTensor_lerp(o, a._t, b._t, w))
    if _scalar_code(weight) is None:
        raise TypeError(f"lerp(): argument 'weight' must be a number or a Tensor, not {type(weight).__name__}")
    wv = builtins.float(weight)
    return _run(out, -1 if out is None else a._t.dtype, lambda o: lib.THTensor_lerpScalar(o, a._t, b._t, wv))


def _lerp_(self, end, weight):
    return lerp(self, end, weight, out=self)


def where(condition, input=None, other=None, *, out=None):
    """Elements of input where condition is true, else of other (numbers allowed);
    where(condition) alone gives the indices of the true elements, as a tuple."""
    if type(condition) is Tensor and type(input) is Tensor and type(other) is Tensor and out is None and \
            condition._t.dtype == _BOOL:
        o = _new(-1)
        st = lib.THTensor_where(o, condition._t, input._t, other._t)
        if st:
            _free(o)
            raise error(st)
        r = _tnew(Tensor)
        r._t = _gc(o, _free)
        return r
    cond = tensor_arg(condition, "where", "condition", arrays=True)
    if input is None and other is None:
        return tuple(tensor(ix, dtype=_dt.int64) for ix in np.nonzero(cond.numpy(force=True)))
    if cond.dtype is not _dt.bool and cond.dtype is not _dt.uint8:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_TNAME[cond._t.dtype]}")
    a = _as_operand(input, "input")
    b = _as_operand(other, "other")
    rt = _result_code(a if a is not None else input, b if b is not None else other)
    if a is None:
        if _scalar_code(input) is None:
            raise TypeError(f"where(): argument 'input' must be a Tensor or a number, not {type(input).__name__}")
        a = tensor(input, dtype=_dt.BY_CODE[rt])
    if b is None:
        if _scalar_code(other) is None:
            raise TypeError(f"where(): argument 'other' must be a Tensor or a number, not {type(other).__name__}")
        b = tensor(other, dtype=_dt.BY_CODE[rt])
    return _run(out, rt, lambda o: lib.THTensor_where(o, cond._t, a._t, b._t))


def _tensor_where(self, condition, y):
    return where(condition, self, y)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise |input - other| <= atol + rtol * |other| (nan equal only if equal_nan)."""
    a, b = tensor_arg(input, "isclose", "input", arrays=True), tensor_arg(other, "isclose", "other", arrays=True)
    if a.dtype is not b.dtype:
        raise RuntimeError(f"{_TNAME[a._t.dtype]} did not match {_TNAME[b._t.dtype]}")
    for name, v in (("rtol", rtol), ("atol", atol)):
        if not isinstance(v, (numbers.Real, np.number)) or isinstance(v, np.bool_):
            raise TypeError(f"isclose(): argument '{name}' must be float, not {type(v).__name__}")
    equal_nan = bool_arg(equal_nan, "isclose", "equal_nan")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    close = eq(a, b)
    if a.dtype is _dt.bool:
        return close
    if equal_nan and a.dtype.is_floating_point:
        close = logical_or(close, logical_and(isnan(a), isnan(b)))
    if rtol == 0 and atol == 0:
        return close
    if not a.dtype.is_floating_point:
        d = _dt.get_default_dtype()
        a, b = a.to(d), b.to(d)
    allowed = add(mul(abs(b), rtol), atol)
    actual = abs(sub(a, b))
    return logical_or(close, logical_and(isfinite(actual), le(actual, allowed)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if isclose holds for every element."""
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan).numpy(force=True).all())


# ---------------------------------------------------------------------- operators

def _make_operator(op):
    """Forward, reflected and in-place operator methods. The forward tensor-tensor case is
    the hot path: one C call into a fresh output whose dtype the C op decides."""
    def fwd(self, other):
        tp = type(other)
        if tp is Tensor:
            if (self.requires_grad or other.requires_grad) and _grad_enabled[0]:
                return _AUTOGRAD[fwd](self, other)
            out = _new_binary(op, self._t, other._t)
            if out == _NULL:
                raise error()
            t = _tnew(Tensor)
            t._t = _gc(out, _free)
            return t
        if (self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)) and _grad_enabled[0]:
            return _AUTOGRAD[fwd](self, other)
        if tp is float or (tp is int and -_EXACT <= other <= _EXACT):
            return _scalar_fast(op, self, other, tp, 0)
        if _as_operand(other, "other") is None and _scalar_code(other) is None:
            return NotImplemented
        return _binop(op, self, other)

    def rev(self, other):
        tp = type(other)
        if self.requires_grad and _grad_enabled[0]:
            return _AUTOGRAD[rev](self, other)
        if tp is float or (tp is int and -_EXACT <= other <= _EXACT):
            return _scalar_fast(op, self, other, tp, 1)
        if _as_operand(other, "other") is None and _scalar_code(other) is None:
            return NotImplemented
        return _binop(op, other, self)

    def inplace(self, other):
        tp = type(other)
        if (self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)) and _grad_enabled[0]:
            return _AUTOGRAD[inplace](self, other)
        t = self._t
        if tp is Tensor:
            if other._t.dtype == t.dtype and op not in _FLOAT_OUT_OPS:
                st = _binary(t, op, t, other._t, 1.0)
                if st:
                    raise error(st)
                return self
        elif tp is float or (tp is int and -_EXACT <= other <= _EXACT):
            req = _scalar_req(op, t.dtype, tp)
            if req is not None and (req == -1 or _can_cast(req, t.dtype)):
                st = _binary_scalar(t, op, t, other, 0)
                if st:
                    raise error(st)
                return self
        elif _as_operand(other, "other") is None and _scalar_code(other) is None:
            return NotImplemented
        return _binop(op, self, other, inplace=True)
    return fwd, rev, inplace


_EXACT = 1 << 53   # Python ints up to this travel as a double exactly

# operator method -> its recording twin, installed by pytorch_like.autograd; the operators
# test requires_grad inline (a class attribute, False unless set) to keep the plain path fast
_AUTOGRAD = {}


def _scalar_fast(op, self, s, tp, rev):
    t = self._t
    req = _scalar_req(op, t.dtype, tp)
    if req is None:
        return _binop(op, s, self) if rev else _binop(op, self, s)
    out = _new(req)
    st = _binary_scalar(out, op, t, s, rev)
    if st:
        _free(out)
        raise error(st)
    r = _tnew(Tensor)
    r._t = _gc(out, _free)
    return r


def _truediv(self, other):
    if (self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)) and _grad_enabled[0]:
        return _AUTOGRAD[_truediv](self, other)
    if type(other) is Tensor and (_is_float(self._t.dtype) or _is_float(other._t.dtype)
                                  or _dt.get_default_dtype() is _dt.float32):
        out = _new_binary(B.TH_BINARY_DIV, self._t, other._t)
        if out == _NULL:
            raise error()
        t = _tnew(Tensor)
        t._t = _gc(out, _free)
        return t
    if _as_operand(other, "other") is None and _scalar_code(other) is None:
        return NotImplemented
    return _binop(B.TH_BINARY_DIV, self, other)


def _neg_op(self):
    if self.requires_grad and _grad_enabled[0]:
        return _AUTOGRAD[_neg_op](self)
    out = _new(-1)
    st = _unary(out, U.TH_UNARY_NEG, self._t)
    if st:
        _free(out)
        raise error(st)
    t = _tnew(Tensor)
    t._t = _gc(out, _free)
    return t


def _pos_op(self):
    return positive(self)


_OPERATORS = {
    "add": B.TH_BINARY_ADD, "sub": B.TH_BINARY_SUB, "mul": B.TH_BINARY_MUL, "truediv": B.TH_BINARY_DIV,
    "floordiv": B.TH_BINARY_FLOOR_DIVIDE, "mod": B.TH_BINARY_REMAINDER, "pow": B.TH_BINARY_POW,
    "and": B.TH_BINARY_BITAND, "or": B.TH_BINARY_BITOR, "xor": B.TH_BINARY_BITXOR,
    "lshift": B.TH_BINARY_LSHIFT, "rshift": B.TH_BINARY_RSHIFT,
}
_COMPARISONS = {"eq": B.TH_BINARY_EQ, "ne": B.TH_BINARY_NE, "lt": B.TH_BINARY_LT, "le": B.TH_BINARY_LE,
                "gt": B.TH_BINARY_GT, "ge": B.TH_BINARY_GE}

for _n, _op in _OPERATORS.items():
    _f, _r, _i = _make_operator(_op)
    setattr(Tensor, f"__{_n}__", _f)
    setattr(Tensor, f"__r{_n}__", _r)
    setattr(Tensor, f"__i{_n}__", _i)
for _n, _op in _COMPARISONS.items():
    setattr(Tensor, f"__{_n}__", _make_operator(_op)[0])
del _n, _op, _f, _r, _i
Tensor.__truediv__ = _truediv
Tensor.__div__ = _truediv
Tensor.__neg__ = _neg_op
Tensor.__pos__ = _pos_op
Tensor.__abs__ = lambda self: abs(self)
Tensor.__invert__ = lambda self: bitwise_not(self)


# ---------------------------------------------------------------------- Tensor methods

def _attach():
    names = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
             "remainder", "fmod", "pow", "atan2", "arctan2", "hypot", "logaddexp", "logaddexp2", "maximum", "minimum", "bitwise_and",
             "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "logical_and",
             "logical_or", "logical_xor", "eq", "ne", "lt", "le", "gt", "ge", "not_equal", "greater",
             "greater_equal", "less", "less_equal", "neg", "negative", "abs", "absolute", "sign", "floor",
             "ceil", "trunc", "fix", "square", "bitwise_not", "logical_not", "isnan", "isinf", "isfinite",
             "round", "frac", "positive", "nan_to_num", "isposinf", "isneginf", "clamp", "clip", "clamp_min",
             "clamp_max", "addcmul", "addcdiv", "lerp", "isclose", "allclose", "igamma", "igammac"]
    names += [n for n, _, _ in _FLOAT_UNARY] + ["arcsin", "arccos", "arctan"]
    g = globals()
    for n in names:
        setattr(Tensor, n, g[n])
    inplace = {
        "add_": _add_, "sub_": _sub_, "subtract_": _sub_, "mul_": _mul_, "multiply_": _mul_, "div_": _div_,
        "divide_": _div_, "true_divide_": _div_, "floor_divide_": _floor_divide_, "remainder_": _remainder_,
        "fmod_": _fmod_, "pow_": _pow_, "atan2_": _atan2_, "arctan2_": _atan2_, "hypot_": _hypot_,
        "bitwise_and_": _bitwise_and_, "bitwise_or_": _bitwise_or_, "bitwise_xor_": _bitwise_xor_,
        "bitwise_left_shift_": _bitwise_left_shift_, "bitwise_right_shift_": _bitwise_right_shift_,
        "logical_and_": _logical_and_, "logical_or_": _logical_or_, "logical_xor_": _logical_xor_,
        "eq_": _eq_, "ne_": _ne_, "lt_": _lt_, "le_": _le_, "gt_": _gt_, "ge_": _ge_, "not_equal_": _ne_,
        "greater_": _gt_, "greater_equal_": _ge_, "less_": _lt_, "less_equal_": _le_,
        "neg_": _neg_, "negative_": _neg_, "abs_": _abs_, "absolute_": _abs_, "sign_": _sign_,
        "floor_": _floor_, "ceil_": _ceil_, "trunc_": _trunc_, "fix_": _trunc_, "square_": _square_,
        "bitwise_not_": _bitwise_not_, "logical_not_": _logical_not_, "round_": _round_,
        "nan_to_num_": _nan_to_num_, "clamp_": _clamp_, "clip_": _clamp_, "addcmul_": _addcmul_,
        "addcdiv_": _addcdiv_, "lerp_": _lerp_, "igamma_": _igamma_, "igammac_": _igammac_,
        "arcsin_": g["_asin_"], "arccos_": g["_acos_"], "arctan_": g["_atan_"],
    }
    for n, _, _ in _FLOAT_UNARY:
        inplace[n + "_"] = g["_" + n + "_"]
    for n, f in inplace.items():
        setattr(Tensor, n, f)
    Tensor.where = _tensor_where
    Tensor.polygamma = _polygamma_method
    Tensor.polygamma_ = _polygamma_


_attach()

__all__ = [
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide", "remainder",
    "fmod", "pow", "atan2", "arctan2", "hypot", "logaddexp", "logaddexp2", "maximum", "minimum", "bitwise_and",
    "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift", "logical_and", "logical_or", "logical_xor",
    "logical_not", "eq", "ne", "lt", "le", "gt", "ge", "not_equal", "greater", "greater_equal", "less",
    "less_equal", "neg", "negative", "abs", "absolute", "sign", "floor", "ceil", "round", "trunc", "fix", "frac",
    "square", "isnan", "isinf", "isfinite", "isposinf", "isneginf", "nan_to_num", "positive", "clamp", "clip",
    "clamp_min", "clamp_max", "addcmul", "addcdiv", "lerp", "where", "isclose", "allclose", "result_type",
    "can_cast", "arcsin", "arccos", "arctan", "polygamma", "igamma", "igammac",
] + [n for n, _, _ in _FLOAT_UNARY]
