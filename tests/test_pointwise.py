"""Elementwise ops: differential tests against numpy (values) and PyTorch (dtypes, edge
semantics), layouts (0-dim, zero-size, transposed, broadcast), in-place, out= and errors."""
import math
import operator
import warnings

import numpy as np
import pytest

import pytorch_like as P

FLOATS = [np.float32, np.float64]
INTS = [np.uint8, np.int8, np.int16, np.int32, np.int64]
ALL = FLOATS + INTS + [np.bool_]
SHAPES = [(), (0,), (7,), (3, 4), (2, 0, 3), (2, 3, 5)]


def T(a):
    return P.from_numpy(np.array(a, copy=True))


def rand(rng, shape, dt, lo=-5, hi=5):
    if dt == np.bool_:
        return rng.random(shape) < 0.5
    if np.issubdtype(dt, np.integer):
        info = np.iinfo(dt)
        return rng.integers(max(info.min, lo * 10), min(info.max, hi * 10) + 1, shape).astype(dt)
    return (rng.random(shape) * (hi - lo) + lo).astype(dt)


def assert_close(ours, ref, rtol=None, atol=0.0, dtype=None):
    assert isinstance(ours, P.Tensor)
    ref = np.asarray(ref)
    if dtype is not None:
        assert ours.dtype.numpy == np.dtype(dtype), (ours.dtype, dtype)
    got = ours.numpy()
    assert got.shape == ref.shape, (got.shape, ref.shape)
    if rtol is None:
        rtol = 2e-6 if got.dtype == np.float32 else 1e-12
    if np.issubdtype(got.dtype, np.floating):
        np.testing.assert_allclose(got, ref.astype(got.dtype), rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, ref)


# ---------------------------------------------------------------------- unary

FLOAT_UNARY = {
    "exp": np.exp, "expm1": np.expm1, "exp2": np.exp2, "log": np.log, "log1p": np.log1p, "log2": np.log2,
    "log10": np.log10, "sqrt": np.sqrt, "rsqrt": lambda x: 1 / np.sqrt(x), "sin": np.sin, "cos": np.cos,
    "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh,
    "tanh": np.tanh, "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "frac": lambda x: x - np.trunc(x),
    "reciprocal": lambda x: 1 / x, "erf": None, "erfc": None, "lgamma": None,
    "arcsin": np.arcsin, "arccos": np.arccos, "arctan": np.arctan,
}
KEEP_UNARY = {
    "neg": np.negative, "negative": np.negative, "abs": np.abs, "absolute": np.abs, "sign": np.sign,
    "floor": np.floor, "ceil": np.ceil, "round": np.round, "trunc": np.trunc, "fix": np.trunc,
    "square": np.square,
}


def _special_ref(name, x):
    fn = {"erf": math.erf, "erfc": math.erfc, "lgamma": math.lgamma}[name]
    return np.vectorize(fn)(x.astype(np.float64))


@pytest.mark.parametrize("name", sorted(FLOAT_UNARY))
@pytest.mark.parametrize("dt", FLOATS)
def test_float_unary_matches_numpy(name, dt, rng):
    x = rand(rng, (3, 5), dt, -3, 3)
    if name in ("log", "log2", "log10", "sqrt", "rsqrt"):
        x = np.abs(x) + dt(0.1)
    if name in ("asin", "acos", "arcsin", "arccos"):
        x = np.clip(x / 3, -0.99, 0.99).astype(dt)
    if name == "log1p":
        x = np.abs(x)
    fn = FLOAT_UNARY[name]
    with np.errstate(all="ignore"):
        ref = _special_ref(name, x) if fn is None else fn(x.astype(np.float64))
    t = T(x)
    rtol = 1e-5 if dt == np.float32 else 1e-12
    assert_close(getattr(P, name)(t), ref, rtol=rtol, atol=1e-6 if dt == np.float32 else 1e-13, dtype=dt)
    # method and transposed (non-contiguous) input
    assert_close(getattr(t.T, name)(), ref.T, rtol=rtol, atol=1e-6 if dt == np.float32 else 1e-13)
    # in-place
    u = T(x)
    ver = u._version
    assert getattr(u, name + "_")() is u
    assert u._version > ver
    assert_close(u, ref, rtol=rtol, atol=1e-6 if dt == np.float32 else 1e-13)


@pytest.mark.parametrize("name", sorted(KEEP_UNARY))
@pytest.mark.parametrize("dt", FLOATS + [np.int8, np.int32, np.int64, np.uint8])
def test_keep_dtype_unary(name, dt, rng):
    x = rand(rng, (4, 3), dt)
    if dt in FLOATS:
        x = np.concatenate([x.ravel(), np.array([0.5, 1.5, 2.5, -0.5, -2.5, -0.0], dt)]).astype(dt)
    with np.errstate(all="ignore"):
        ref = KEEP_UNARY[name](x)
    r = getattr(P, name)(T(x))
    assert_close(r, ref, dtype=dt)


@pytest.mark.parametrize("shape", SHAPES)
def test_unary_shapes(shape, rng):
    x = rand(rng, shape, np.float32)
    assert_close(P.exp(T(x)), np.exp(x), rtol=1e-6)
    assert_close(-T(x), -x)
    assert P.exp(T(x)).shape == P.Size(shape)


def test_unary_int_and_bool_inputs_promote_like_torch(ref_torch):
    for dt in INTS + [np.bool_]:
        x = np.array([0, 1, 2, 3], dtype=dt) if dt != np.bool_ else np.array([True, False])
        for name in ["exp", "sqrt", "sin", "sigmoid", "reciprocal", "log1p", "erf", "isnan", "isinf", "isfinite",
                     "logical_not", "square", "sign", "bitwise_not"]:
            tr = getattr(ref_torch, name)(ref_torch.from_numpy(x))
            ours = getattr(P, name)(T(x))
            assert ours.dtype.name == str(tr.dtype).split(".")[1], (name, dt)
            np.testing.assert_allclose(ours.numpy().astype(np.float64), tr.numpy().astype(np.float64), rtol=1e-6)
        for name in ["floor", "ceil", "round", "trunc", "abs", "neg"]:
            if dt == np.bool_:
                continue
            tr = getattr(ref_torch, name)(ref_torch.from_numpy(x))
            ours = getattr(P, name)(T(x))
            assert ours.dtype.name == str(tr.dtype).split(".")[1]
            np.testing.assert_array_equal(ours.numpy(), tr.numpy())


def test_unary_special_values(ref_torch):
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 88.0, 89.0, -87.0, -104.0, -110.0], np.float32)
    for name in ["exp", "sigmoid", "tanh", "log", "sqrt", "sign", "round", "floor", "erf", "lgamma", "frac",
                 "isnan", "isinf", "isfinite", "abs", "expm1", "reciprocal"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = getattr(ref_torch, name)(ref_torch.from_numpy(x)).numpy()
        got = getattr(P, name)(T(x)).numpy()
        np.testing.assert_allclose(got.astype(np.float64), ref.astype(np.float64), rtol=3e-7, equal_nan=True,
                                   err_msg=name)


def _ulp_diff(a, b):
    ai = a.view(np.int32).astype(np.int64)
    bi = b.view(np.int32).astype(np.int64)
    ai = np.where(ai < 0, -(ai & 0x7FFFFFFF), ai)
    bi = np.where(bi < 0, -(bi & 0x7FFFFFFF), bi)
    return np.abs(ai - bi)


@pytest.mark.parametrize("name,ref", [("exp", np.exp), ("sigmoid", lambda x: 1 / (1 + np.exp(-x)))])
def test_float32_vectorised_exp_accuracy(name, ref):
    """The SIMD float32 path stays within 2 ulp of the correctly rounded result everywhere,
    including the overflow and subnormal ranges, at odd lengths and offsets."""
    x = np.concatenate([np.linspace(-110, 95, 200_003, dtype=np.float32),
                        np.array([np.nan, np.inf, -np.inf, 88.72283, 88.72284, -87.33654, -103.97], np.float32)])
    with np.errstate(all="ignore"):
        exact = ref(x.astype(np.float64)).astype(np.float32)
    for off in (0, 3):
        got = getattr(P, name)(T(x[off:])).numpy()
        fin = np.isfinite(exact[off:])
        assert _ulp_diff(got[fin], exact[off:][fin]).max() <= 2
        np.testing.assert_array_equal(got[~fin], exact[off:][~fin])


def test_round_half_even_and_half_away():
    from pytorch_like._lib import lib
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6], np.float32)
    assert_close(P.round(T(x)), np.round(x))
    r = P.empty(0)
    assert lib.THTensor_unary(r._t, lib.TH_UNARY_ROUND_HALF_AWAY, T(x)._t) == 0  # Torch7's round
    np.testing.assert_array_equal(r.numpy(), np.array([1, 2, 3, -1, -2, 2, -3], np.float32))
    assert_close(P.round(T(np.array([1.234, -5.678])), decimals=2), np.array([1.23, -5.68]))


def test_nan_to_num_and_inf_predicates(ref_torch):
    x = np.array([np.nan, np.inf, -np.inf, 1.5], np.float32)
    assert_close(P.nan_to_num(T(x)), ref_torch.nan_to_num(ref_torch.from_numpy(x)).numpy())
    assert_close(P.nan_to_num(T(x), nan=1.0, posinf=2.0, neginf=-2.0), np.array([1, 2, -2, 1.5], np.float32))
    assert_close(P.isposinf(T(x)), np.isposinf(x))
    assert_close(P.isneginf(T(x)), np.isneginf(x))
    u = T(x)
    assert u.nan_to_num_() is u and np.isfinite(u.numpy()).all()


def test_unary_errors():
    with pytest.raises(RuntimeError, match="Negation, the `-` operator, on a bool tensor"):
        -T(np.array([True]))
    with pytest.raises(TypeError, match="bitwise_not"):
        ~T(np.array([1.0]))
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        T(np.array([1, 2])).exp_()
    with pytest.raises(RuntimeError, match="can't be cast"):
        P.sqrt(T(np.array([1, 2])), out=P.empty(2, dtype=P.int64))
    with pytest.raises(TypeError, match="abs: not implemented for bool"):
        P.abs(T(np.array([True])))


# ---------------------------------------------------------------------- binary values

def _np_floor_divide(a, b):
    return np.floor_divide(a, b)


BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide, "true_divide": np.true_divide,
    "floor_divide": _np_floor_divide, "remainder": np.remainder, "fmod": np.fmod, "atan2": np.arctan2,
    "hypot": np.hypot, "maximum": np.maximum, "minimum": np.minimum, "pow": np.power,
    "eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
    "ge": np.greater_equal, "logical_and": np.logical_and, "logical_or": np.logical_or,
    "logical_xor": np.logical_xor, "greater": np.greater, "less_equal": np.less_equal,
}
INT_BINARY = {"bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or, "bitwise_xor": np.bitwise_xor}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("dt", FLOATS)
def test_float_binary_matches_numpy(name, dt, rng):
    a = rand(rng, (4, 5), dt)
    b = rand(rng, (4, 5), dt)
    if name in ("div", "true_divide", "floor_divide", "remainder", "fmod"):
        b = np.where(np.abs(b) < 0.5, dt(1.5), b).astype(dt)
    if name == "pow":
        a = np.abs(a)
    a[0, 0] = b[0, 0]  # exercise equality
    fn = BINARY[name]
    with np.errstate(invalid="ignore"):
        ref = fn(a, b)
        ref_row, ref_col, ref_t, ref_s = fn(a, b[:1]), fn(a[:, :1], b), fn(a.T, b.T), fn(a, dt(1.75))
    rtol = 2e-6 if dt == np.float32 else 1e-13
    assert_close(getattr(P, name)(T(a), T(b)), ref, rtol=rtol)
    # broadcasting: row vector and column vector
    assert_close(getattr(P, name)(T(a), T(b[:1])), ref_row, rtol=rtol)
    assert_close(getattr(P, name)(T(a[:, :1]), T(b)), ref_col, rtol=rtol)
    # transposed operands
    assert_close(getattr(P, name)(T(a).T, T(b).T), ref_t, rtol=rtol)
    # scalar operand
    assert_close(getattr(P, name)(T(a), 1.75), ref_s, rtol=rtol)


@pytest.mark.parametrize("name", sorted((set(BINARY) - {"div", "true_divide", "atan2", "hypot", "pow"})
                                        | set(INT_BINARY)))
@pytest.mark.parametrize("dt", INTS)
def test_int_binary_matches_numpy(name, dt, rng):
    a = rand(rng, (3, 6), dt)
    b = rand(rng, (3, 6), dt)
    if name in ("floor_divide", "remainder", "fmod"):
        b = np.where(b == 0, dt(3), b).astype(dt)
    fn = BINARY.get(name) or INT_BINARY[name]
    with np.errstate(all="ignore"):
        ref = fn(a, b)
    assert_close(getattr(P, name)(T(a), T(b)), ref)
    assert_close(getattr(P, name)(T(a), T(b[:, 2:3])), fn(a, b[:, 2:3]))
    assert_close(getattr(P, name)(T(a).T, T(b).T), fn(a.T, b.T))


def test_division_semantics_match_torch(ref_torch):
    a = np.array([7, -7, 7, -7, 0, 5, -5, 123], np.int64)
    b = np.array([2, 2, -2, -2, 3, 7, 7, -10], np.int64)
    ta, tb = ref_torch.from_numpy(a), ref_torch.from_numpy(b)
    for mode in ("trunc", "floor"):
        np.testing.assert_array_equal(P.div(T(a), T(b), rounding_mode=mode).numpy(),
                                      ref_torch.div(ta, tb, rounding_mode=mode).numpy())
    np.testing.assert_array_equal(P.remainder(T(a), T(b)).numpy(), ref_torch.remainder(ta, tb).numpy())
    np.testing.assert_array_equal(P.fmod(T(a), T(b)).numpy(), ref_torch.fmod(ta, tb).numpy())
    np.testing.assert_array_equal((T(a) // T(b)).numpy(), (ta // tb).numpy())
    np.testing.assert_array_equal((T(a) % T(b)).numpy(), (ta % tb).numpy())
    fa, fb = a.astype(np.float32) + 0.5, b.astype(np.float32)
    tfa, tfb = ref_torch.from_numpy(fa), ref_torch.from_numpy(fb)
    for mode in ("trunc", "floor"):
        np.testing.assert_array_equal(P.div(T(fa), T(fb), rounding_mode=mode).numpy(),
                                      ref_torch.div(tfa, tfb, rounding_mode=mode).numpy())
    np.testing.assert_array_equal(P.remainder(T(fa), T(fb)).numpy(), ref_torch.remainder(tfa, tfb).numpy())
    np.testing.assert_array_equal(P.fmod(T(fa), T(fb)).numpy(), ref_torch.fmod(tfa, tfb).numpy())
    # float division by zero is IEEE
    z = np.array([0.0, 0.0], np.float32)
    np.testing.assert_array_equal((T(np.array([3.5, -3.5], np.float32)) // T(z)).numpy(),
                                  (ref_torch.tensor([3.5, -3.5]) // ref_torch.from_numpy(z)).numpy())
    # INT_MIN / -1 wraps like PyTorch instead of trapping
    for dt in (np.int32, np.int64):
        mn = np.iinfo(dt).min
        x = T(np.array([mn, mn], dt))
        assert (x // -1).tolist() == [mn, mn]
        assert (x % -1).tolist() == [0, 0]
        assert P.fmod(x, T(np.array([-1, -1], dt))).tolist() == [0, 0]
        assert P.div(x, -1, rounding_mode="trunc").tolist() == [mn, mn]


@pytest.mark.parametrize("dt", INTS)
def test_integer_division_by_zero_raises(dt):
    a = T(np.array([1, 2, 3], dt))
    z = T(np.array([1, 0, 1], dt))
    for f in (lambda: a // z, lambda: a % z, lambda: P.fmod(a, z), lambda: P.div(a, z, rounding_mode="trunc"),
              lambda: P.div(a, z, rounding_mode="floor"), lambda: a // 0, lambda: a % 0, lambda: P.fmod(a, 0),
              lambda: a.floor_divide_(z), lambda: 5 // z, lambda: P.remainder(7, z)):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            f()
    # true division by zero is floating
    assert np.isinf((a / z).numpy()[1])


def test_int_pow(ref_torch):
    a = np.array([2, 3, -2, 1, -1, 0], np.int64)
    e = np.array([3, 2, 5, -3, -3, 4], np.int64)
    np.testing.assert_array_equal((T(a) ** T(e)).numpy(), (ref_torch.from_numpy(a) ** ref_torch.from_numpy(e)).numpy())
    assert (T(np.array([3], np.int8)) ** 5).tolist() == [-13]  # wraps like torch int8
    with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed."):
        T(np.array([1, 2])) ** -1
    assert (2 ** T(np.array([0, 1, 10]))).tolist() == [1, 2, 1024]
    r = 2.5 ** T(np.array([1, 2]))
    assert r.dtype is P.float32 and np.allclose(r.numpy(), [2.5, 6.25])
    r = T(np.array([4, 9])) ** 0.5
    assert r.dtype is P.float32 and r.tolist() == [2.0, 3.0]


def test_shifts_match_torch(ref_torch):
    for dt in (np.uint8, np.int8, np.int16, np.int32, np.int64):
        bits = np.dtype(dt).itemsize * 8
        a = np.array([5, 1, 3, 7, 2, 1, 100][: 7], dt)
        if dt != np.uint8:
            a[2] = -3
        s = np.array([1, 0, bits - 1, bits, bits + 5, 2, 1], dt)
        if dt != np.uint8:
            s[5] = -1
        ta, ts = ref_torch.from_numpy(a), ref_torch.from_numpy(s)
        np.testing.assert_array_equal((T(a) << T(s)).numpy(), (ta << ts).numpy())
        np.testing.assert_array_equal((T(a) >> T(s)).numpy(), (ta >> ts).numpy())
        np.testing.assert_array_equal(P.bitwise_left_shift(T(a), 2).numpy(), (ta << 2).numpy())


def test_bitwise_and_logical(rng):
    a = rand(rng, (5,), np.int32)
    b = rand(rng, (5,), np.int32)
    assert_close(T(a) & T(b), a & b)
    assert_close(T(a) | T(b), a | b)
    assert_close(T(a) ^ T(b), a ^ b)
    assert_close(~T(a), ~a)
    assert_close(T(a) & 6, a & 6)
    assert_close(6 | T(a), a | 6)
    m = np.array([True, False, True, False])
    n = np.array([True, True, False, False])
    assert_close(T(m) & T(n), m & n, dtype=np.bool_)
    assert_close(T(m) ^ True, m ^ True, dtype=np.bool_)
    assert_close(~T(m), ~m, dtype=np.bool_)
    assert_close(P.logical_and(T(a), T(b)), np.logical_and(a, b), dtype=np.bool_)
    assert_close(P.logical_not(T(a.astype(np.float32))), np.logical_not(a), dtype=np.bool_)
    assert_close(P.logical_xor(T(m), T(n)), m ^ n)


@pytest.mark.parametrize("shape_a,shape_b", [((), ()), ((), (3,)), ((0,), (1,)), ((2, 0), (2, 1)), ((3, 1), (1, 4)),
                                             ((2, 1, 4), (3, 1)), ((5,), ())])
def test_binary_shapes(shape_a, shape_b, rng):
    a = rand(rng, shape_a, np.float64)
    b = rand(rng, shape_b, np.float64)
    assert_close(T(a) + T(b), a + b)
    assert_close(T(a) * T(b), a * b)
    assert_close(P.maximum(T(a), T(b)), np.maximum(a, b))
    assert_close(T(a) < T(b), a < b)


def test_large_parallel_matches_numpy(rng):
    n = 300_001
    a = rng.random(n).astype(np.float32)
    b = rng.random(n).astype(np.float32)
    assert_close(T(a) + T(b), a + b)
    assert_close(P.exp(T(a)), np.exp(a), rtol=3e-7)
    x = T(a)
    x.mul_(T(b))
    assert_close(x, a * b)
    ia = rng.integers(-1000, 1000, n)
    assert_close(T(ia) // 7, ia // 7)
    big = rng.random((600, 700)).astype(np.float32)
    assert_close(T(big).T + 1, big.T + 1)


def test_maximum_minimum_nan():
    a = np.array([1.0, np.nan, 3.0, np.nan])
    b = np.array([np.nan, 2.0, 1.0, np.nan])
    assert_close(P.maximum(T(a), T(b)), np.maximum(a, b))
    assert_close(P.minimum(T(a), T(b)), np.minimum(a, b))
    assert_close(P.maximum(T(np.array([True, False])), T(np.array([False, False]))), np.array([True, False]))


# ---------------------------------------------------------------------- promotion

PROMO_DTYPES = ["float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool"]


def test_tensor_tensor_promotion_matches_torch(ref_torch):
    ops = [("add", operator.add), ("mul", operator.mul), ("div", operator.truediv), ("lt", operator.lt),
           ("max", P.maximum)]
    for da in PROMO_DTYPES:
        for db in PROMO_DTYPES:
            for zero_a, zero_b in ((False, False), (True, False), (False, True)):
                a = np.ones(() if zero_a else (2,), da)
                b = np.ones(() if zero_b else (2,), db)
                for name, op in ops:
                    top = ref_torch.maximum if name == "max" else op
                    expected = top(ref_torch.from_numpy(a), ref_torch.from_numpy(b)).dtype
                    got = op(T(a), T(b)).dtype
                    assert got.name == str(expected).split(".")[1], (name, da, db, zero_a, zero_b)
                    assert P.result_type(T(a), T(b)).name == str(ref_torch.result_type(
                        ref_torch.from_numpy(a), ref_torch.from_numpy(b))).split(".")[1]


def test_tensor_scalar_promotion_matches_torch(ref_torch):
    # (PyTorch treats np.bool_ as a float; here numpy scalars act like the Python ones)
    scalars = [2, 2.5, True, np.int64(3), np.float32(1.5), np.float64(0.25)]
    ops = [operator.add, operator.mul, operator.truediv, operator.lt, operator.eq, operator.floordiv]
    for da in PROMO_DTYPES:
        a = np.ones((3,), da)
        for s in scalars:
            for op in ops:
                if op is operator.floordiv and (da == "bool" or isinstance(s, (bool, np.bool_))):
                    continue
                for args in ((a, s), (s, a)):
                    targs = [ref_torch.from_numpy(x) if isinstance(x, np.ndarray) else x for x in args]
                    oargs = [T(x) if isinstance(x, np.ndarray) else x for x in args]
                    try:
                        exp = op(*targs)
                    except Exception:
                        with pytest.raises(Exception):
                            op(*oargs)
                        continue
                    got = op(*oargs)
                    assert got.dtype.name == str(exp.dtype).split(".")[1], (op, da, s, args[0] is s)
                    np.testing.assert_allclose(got.numpy().astype(np.float64), exp.numpy().astype(np.float64),
                                               rtol=1e-6)


def test_scalar_edge_values_match_torch(ref_torch):
    u = np.array([1, 200, 255], np.uint8)
    tu = ref_torch.from_numpy(u)
    assert (T(u) < 300).tolist() == (tu < 300).tolist()  # 300 wraps to 44, as in PyTorch
    for v in (2, 1, 0, 0.5, -1):
        bt = np.array([True, False])
        for op in (operator.eq, operator.lt, operator.ge):
            assert op(T(bt), v).tolist() == op(ref_torch.from_numpy(bt), v).tolist(), (op, v)
    assert (T(np.array([1, 2], np.int8)) == 257).tolist() == [True, False]
    assert (T(np.array([True, False])) == np.bool_(True)).tolist() == [True, False]
    assert (T(np.array([1], np.uint8)) + np.bool_(True)).dtype is P.uint8
    assert (T(u) + 300).tolist() == (tu + 300).tolist()
    assert (T(u) - 5).tolist() == (tu - 5).tolist()
    i = np.array([1, 2], np.int32)
    assert (T(i) + 2 ** 40).tolist() == (ref_torch.from_numpy(i) + 2 ** 40).tolist()
    assert (T(i) == 1.5).tolist() == [False, False]
    assert (T(i) < 1.5).tolist() == [True, False]
    big = np.array([2 ** 62, -(2 ** 62)], np.int64)
    assert (T(big) + (2 ** 53 + 1)).tolist() == [2 ** 62 + 2 ** 53 + 1, -(2 ** 62) + 2 ** 53 + 1]
    assert (T(np.array([True, False])) == 2).tolist() == [False, False]
    f = np.array([0.1], np.float32)
    assert (T(f) == 0.1).tolist() == (ref_torch.from_numpy(f) == 0.1).tolist()


def test_default_dtype_float64_for_int_division():
    P.set_default_dtype(P.float64)
    try:
        a = T(np.array([1, 2]))
        assert (a / a).dtype is P.float64
        assert (a / 2).dtype is P.float64
        assert (a + 0.5).dtype is P.float64
        assert P.exp(a).dtype is P.float64
        assert (T(np.array([1.0], np.float32)) / 2).dtype is P.float32
    finally:
        P.set_default_dtype(P.float32)


# ---------------------------------------------------------------------- operators

def test_python_operators(rng):
    a = rand(rng, (3, 4), np.float32)
    b = rand(rng, (3, 4), np.float32) + 6
    ta, tb = T(a), T(b)
    assert_close(ta + tb, a + b)
    assert_close(ta - tb, a - b)
    assert_close(ta * tb, a * b)
    assert_close(ta / tb, a / b)
    assert_close(ta // tb, np.floor_divide(a, b))
    assert_close(ta % tb, np.remainder(a, b), rtol=1e-5)
    assert_close(tb ** ta, b ** a, rtol=1e-5)
    assert_close(2 + ta, 2 + a)
    assert_close(2 - ta, 2 - a)
    assert_close(2 * ta, 2 * a)
    assert_close(2 / tb, 2 / b)
    assert_close(7 // tb, np.floor_divide(np.float32(7), b))
    assert_close(7 % tb, np.remainder(np.float32(7), b), rtol=1e-5)
    assert_close(2 ** ta, np.float32(2) ** a, rtol=1e-6)
    assert_close(-ta, -a)
    assert +ta is ta
    assert_close(abs(ta), np.abs(a))
    assert_close(ta == tb, a == b)
    assert_close(ta != ta, a != a)
    assert_close(ta < tb, a < b)
    assert_close(ta <= 0, a <= 0)
    assert_close(ta > 0.5, a > 0.5)
    assert_close(0.5 < ta, a > 0.5)
    assert_close(ta >= tb, a >= b)
    # numpy arrays and numpy scalars
    assert_close(ta + b, a + b)
    r = a + tb
    assert isinstance(r, P.Tensor)
    assert_close(r, a + b)
    assert_close(ta * np.float32(2), a * 2)
    assert (ta == None) is False  # noqa: E711
    assert (ta != "x") is True
    with pytest.raises(TypeError):
        ta + "x"
    with pytest.raises(TypeError):
        ta + [1, 2]


def test_inplace_operators_modify_self():
    a = T(np.arange(6, dtype=np.float32).reshape(2, 3))
    ident = id(a)
    ptr = a.data_ptr()
    ver = a._version
    a += 1
    a *= T(np.array([1.0, 2.0, 3.0], np.float32))
    a -= 0.5
    a /= 2
    assert id(a) == ident and a.data_ptr() == ptr and a._version > ver
    ref = (np.arange(6, dtype=np.float32).reshape(2, 3) + 1) * np.array([1, 2, 3], np.float32)
    assert_close(a, (ref - 0.5) / 2)
    i = T(np.array([5, 6, 7]))
    ip = i.data_ptr()
    i //= 2
    i %= 2
    i <<= 3
    i >>= 1
    i |= 1
    i &= 7
    i ^= 2
    i **= 2
    i += True
    assert i.data_ptr() == ip
    r = np.array([5, 6, 7]) // 2 % 2
    r = ((r << 3) >> 1 | 1) & 7 ^ 2
    assert i.tolist() == (r ** 2 + 1).tolist()
    f = T(np.array([1.0, 2.0], np.float32))
    f += T(np.array([1, 2]))  # int into float is allowed
    assert f.tolist() == [2.0, 4.0] and f.dtype is P.float32


def test_inplace_methods_and_out(rng):
    a = rand(rng, (4,), np.float64)
    b = rand(rng, (4,), np.float64)
    t = T(a)
    assert t.add_(T(b), alpha=2) is t
    assert_close(t, a + 2 * b)
    t = T(a)
    assert t.sub_(3, alpha=2) is t
    assert_close(t, a - 6)
    assert_close(P.add(T(a), T(b), alpha=-0.5), a - 0.5 * b)
    assert_close(P.sub(T(a), T(b), alpha=3), a - 3 * b)
    out = P.empty(4, dtype=P.float64)
    r = P.mul(T(a), T(b), out=out)
    assert r is out
    assert_close(out, a * b)
    out = P.empty(0, dtype=P.float64)
    P.add(T(a), 1, out=out)
    assert_close(out, a + 1)
    out = P.empty(4, dtype=P.float32)
    P.eq(T(a), T(a), out=out)
    assert out.tolist() == [1.0] * 4
    bo = P.empty(4, dtype=P.bool)
    P.lt(T(a), 0, out=bo)
    assert bo.tolist() == (a < 0).tolist()
    t = T(a)
    assert t.lt_(0) is t and t.tolist() == (a < 0).astype(np.float64).tolist()
    t = T(np.array([1, 2, 3]))
    t.div_(2, rounding_mode="floor")
    assert t.tolist() == [0, 1, 1]
    # out of a different, castable dtype
    out = P.empty(4, dtype=P.float64)
    P.add(T(np.array([1, 2, 3, 4], np.int32)), 1, out=out)
    assert out.tolist() == [2.0, 3.0, 4.0, 5.0]
    # non-contiguous out
    base = P.zeros(4, 2)
    view = base.select(1, 0)
    P.add(T(np.ones(4, np.float32)), 1, out=view)
    assert base.numpy()[:, 0].tolist() == [2.0] * 4 and base.numpy()[:, 1].tolist() == [0.0] * 4


def test_inplace_aliasing_and_overlap():
    x = np.arange(10, dtype=np.float64)
    t = T(x)
    tail, head = t.narrow(0, 1, 9), t.narrow(0, 0, 9)
    tail += head  # partial overlap: computed from the old values
    ref = x.copy()
    ref[1:] = x[1:] + x[:-1]
    assert_close(t, ref)
    # transposed view of itself as output
    m = np.arange(9, dtype=np.float32).reshape(3, 3)
    tm = T(m)
    P.add(tm, tm.T, out=tm)
    assert_close(tm, m + m.T)
    tm = T(m)
    P.add(tm.T, 0, out=tm)
    assert_close(tm, m.T)
    # exact alias: a.mul_(a)
    a = T(np.array([1.0, 2.0, 3.0]))
    a.mul_(a)
    assert a.tolist() == [1.0, 4.0, 9.0]
    P.exp(a, out=a)
    assert_close(a, np.exp([1.0, 4.0, 9.0]))


def test_float16_inputs():
    h = np.array([1.5, -2.25, 3.0], np.float16)
    r = T(h) + T(h)
    assert r.dtype is P.float16
    assert_close(r, h + h)
    assert_close(P.exp(T(h)), np.exp(h.astype(np.float32)).astype(np.float16), rtol=1e-3)
    assert (T(h) < 0).tolist() == [False, True, False]
    assert (T(h) + T(np.array([1.0], np.float32))).dtype is P.float32


# ---------------------------------------------------------------------- errors

def test_binary_errors():
    f = T(np.array([1.0, 2.0], np.float32))
    i = T(np.array([1, 2]))
    b = T(np.array([True, False]))
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(2\) must match the size of tensor b \(3\)"):
        f + T(np.ones(3))
    with pytest.raises(TypeError, match="bitwise_and: not implemented for float32"):
        f & f
    with pytest.raises(TypeError, match="bitwise_or"):
        i | 1.5
    with pytest.raises(TypeError, match="bitwise_left_shift"):
        f << 1
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        i += 1.5
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        i += f
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        i /= 2
    with pytest.raises(RuntimeError, match="result type Long can't be cast to the desired output type Bool"):
        b += 1
    with pytest.raises(RuntimeError, match="can't be cast"):
        P.add(f, f, out=P.empty(2, dtype=P.int64))
    with pytest.raises(RuntimeError, match=r"output with shape \[2\] doesn't match the broadcast shape \[3, 2\]"):
        f.add_(T(np.ones((3, 2))))
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        T(np.ones(3)).expand(2, 3).add_(1)
    with pytest.raises(RuntimeError, match="Subtraction, the `-` operator, with two bool tensors"):
        b - b
    with pytest.raises(RuntimeError, match="Subtraction, the `-` operator, with a bool tensor"):
        b - 1
    with pytest.raises(RuntimeError, match="Subtraction, the `-` operator, with a bool tensor"):
        i - True
    with pytest.raises(RuntimeError, match="For integral input tensors, argument alpha must not be a floating"):
        P.add(i, i, alpha=0.5)
    with pytest.raises(RuntimeError, match="div expected rounding_mode to be one of None, 'trunc', or 'floor'"):
        P.div(f, f, rounding_mode="round")
    with pytest.raises(TypeError, match="floor_divide: not implemented for bool"):
        b // b
    with pytest.raises(TypeError):
        f + 1j
    with pytest.raises(TypeError, match="expected at least one Tensor"):
        P.add(1, 2)
    # nothing above corrupted the operands
    assert f.tolist() == [1.0, 2.0] and i.tolist() == [1, 2]


# ---------------------------------------------------------------------- clamp, ternary, where, isclose

def test_clamp(ref_torch, rng):
    x = rand(rng, (3, 4), np.float32)
    x[0, 0] = np.nan
    assert_close(P.clamp(T(x), -1, 2), np.clip(x, -1, 2))
    assert_close(P.clamp(T(x), min=0.5), np.maximum(x, np.float32(0.5)))
    assert_close(T(x).clip(max=0.5), np.minimum(x, np.float32(0.5)))
    assert_close(P.clamp(T(x), 3, 2), ref_torch.clamp(ref_torch.from_numpy(x), 3, 2).numpy())
    i = np.array([1, 5, 9, -3])
    ti = ref_torch.from_numpy(i)
    r = P.clamp(T(i), 2, 6)
    assert r.dtype is P.int64 and r.tolist() == ref_torch.clamp(ti, 2, 6).tolist()
    r = P.clamp(T(i), min=2.5)
    assert r.dtype is P.float32 and r.tolist() == ref_torch.clamp(ti, min=2.5).tolist()
    u = T(np.array([0, 100, 255], np.uint8))
    assert P.clamp(u, -1, 300).tolist() == [0, 100, 255]
    big = T(np.array([2 ** 62, -(2 ** 62)], np.int64))
    assert P.clamp(big, min=-(2 ** 63)).tolist() == [2 ** 62, -(2 ** 62)]
    # tensor bounds broadcast
    lo = T(np.array([0.0, 1.0, -1.0, 0.0], np.float32))
    assert_close(P.clamp(T(x), min=lo), np.fmax(x, lo.numpy()) * 0 + np.maximum(x, lo.numpy()))
    t = T(x)
    assert t.clamp_(-0.5, 0.5) is t
    assert_close(t, np.clip(x, -0.5, 0.5))
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
        P.clamp(T(x))
    with pytest.raises(RuntimeError, match="can't be cast"):
        T(i).clamp_(min=0.5)


def test_addcmul_addcdiv(rng, ref_torch):
    a, b, c = (rand(rng, s, np.float32) for s in ((3, 4), (4,), (3, 1)))
    c = np.where(np.abs(c) < 0.5, np.float32(1), c)
    assert_close(P.addcmul(T(a), T(b), T(c), value=0.5), a + np.float32(0.5) * b * c, rtol=1e-6)
    assert_close(P.addcdiv(T(a), T(b), T(c), value=2), a + np.float32(2) * b / c, rtol=1e-6)
    t = T(a)
    assert t.addcmul_(T(b), T(c)) is t
    assert_close(t, a + b * c, rtol=1e-6)
    ia = np.array([1, 2])
    ti = ref_torch.from_numpy(ia)
    assert P.addcmul(T(ia), T(ia), T(ia), value=2).tolist() == ref_torch.addcmul(ti, ti, ti, value=2).tolist()
    with pytest.raises(RuntimeError, match="Integer division with addcdiv is no longer supported"):
        P.addcdiv(T(ia), T(ia), T(ia))
    with pytest.raises(RuntimeError, match="must match the size"):
        P.addcmul(T(a), T(np.ones(5, np.float32)), T(c))


def test_lerp(rng, ref_torch):
    a = rand(rng, (5,), np.float32)
    b = rand(rng, (5,), np.float32)
    w = rng.random(5).astype(np.float32)
    ta, tb = ref_torch.from_numpy(a), ref_torch.from_numpy(b)
    for wt in (0.25, 0.75):
        np.testing.assert_allclose(P.lerp(T(a), T(b), wt).numpy(), ref_torch.lerp(ta, tb, wt).numpy(), rtol=1e-6)
    np.testing.assert_allclose(P.lerp(T(a), T(b), T(w)).numpy(),
                               ref_torch.lerp(ta, tb, ref_torch.from_numpy(w)).numpy(), rtol=1e-6)
    t = T(a)
    assert t.lerp_(T(b), 0.5) is t
    with pytest.raises(TypeError, match="lerp: not implemented for int64"):
        P.lerp(T(np.array([1, 2])), T(np.array([3, 4])), 0.5)
    with pytest.raises(RuntimeError, match="expected dtype float32 for `end` but got dtype float64"):
        P.lerp(T(a), T(b.astype(np.float64)), 0.5)


def test_where(rng, ref_torch):
    c = rng.random((3, 4)) < 0.5
    a = rand(rng, (3, 4), np.float32)
    b = rand(rng, (4,), np.float64)
    assert_close(P.where(T(c), T(a), T(b)), np.where(c, a, b), dtype=np.float64)
    assert_close(T(a).where(T(c), T(b)), np.where(c, a, b))
    for x, y in ((1.0, T(np.array([1, 2]))), (1, 2), (1.0, 2.0), (T(np.array([1, 2], np.int32)), 2.5), (True, False)):
        cc = np.array([True, False])
        exp = ref_torch.where(ref_torch.from_numpy(cc), *[ref_torch.from_numpy(v.numpy()) if isinstance(v, P.Tensor)
                                                          else v for v in (x, y)])
        got = P.where(T(cc), x, y)
        assert got.dtype.name == str(exp.dtype).split(".")[1]
        assert got.tolist() == exp.tolist()
    idx = P.where(T(np.array([[True, False], [False, True]])))
    assert [i.tolist() for i in idx] == [[0, 1], [0, 1]]
    with pytest.raises(RuntimeError, match="where expected condition to be a boolean tensor"):
        P.where(T(np.array([1, 0])), 1.0, 2.0)
    with pytest.raises(RuntimeError, match="must match the size"):
        P.where(T(c), T(a), T(np.ones(5)))
    s = np.array([1.0, 2.0], np.float16)
    assert_close(P.where(T(np.array([True, False])), T(s), T(s[::-1].copy())), np.array([1.0, 1.0], np.float16))


def test_isclose_allclose(ref_torch):
    a = np.array([1.0, 2.0, np.nan, np.inf, -np.inf, 1e-9], np.float32)
    b = np.array([1.0 + 1e-6, 2.1, np.nan, np.inf, np.inf, 0.0], np.float32)
    ta, tb = ref_torch.from_numpy(a), ref_torch.from_numpy(b)
    assert P.isclose(T(a), T(b)).tolist() == ref_torch.isclose(ta, tb).tolist()
    assert P.isclose(T(a), T(b), equal_nan=True).tolist() == ref_torch.isclose(ta, tb, equal_nan=True).tolist()
    assert P.isclose(T(a), T(b), rtol=0.1).tolist() == ref_torch.isclose(ta, tb, rtol=0.1).tolist()
    i = np.array([1, 2, 3])
    assert P.isclose(T(i), T(i + 1), atol=1).tolist() == ref_torch.isclose(
        ref_torch.from_numpy(i), ref_torch.from_numpy(i + 1), atol=1).tolist()
    assert P.allclose(T(a[:2]), T(a[:2]))
    assert not P.allclose(T(a[:2]), T(b[:2]))
    with pytest.raises(RuntimeError, match="Long did not match Float"):
        P.isclose(T(i), T(i.astype(np.float32)))


def test_exports_and_methods():
    for name in ["add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "fmod", "pow", "atan2",
                 "maximum", "minimum", "hypot", "bitwise_and", "bitwise_not", "bitwise_left_shift", "logical_and",
                 "eq", "greater", "less_equal", "isclose", "allclose", "clamp", "clip", "addcmul", "addcdiv",
                 "lerp", "where", "neg", "negative", "abs", "absolute", "sign", "exp", "expm1", "exp2", "log",
                 "log1p", "log2", "log10", "sqrt", "rsqrt", "sin", "arcsin", "sigmoid", "floor", "round", "trunc",
                 "fix", "frac", "reciprocal", "square", "erf", "erfc", "lgamma", "isnan", "isinf", "isfinite",
                 "nan_to_num"]:
        assert callable(getattr(P, name)), name
        assert getattr(P, name).__doc__, name
    t = T(np.array([1.0, 4.0]))
    for name in ["sqrt_", "add_", "clamp_", "sigmoid_", "abs_", "floor_", "pow_", "remainder_", "lerp_", "eq_"]:
        assert hasattr(t, name), name
    assert math.isclose(t.sqrt().tolist()[1], 2.0)


def test_fast_and_slow_paths_agree(rng):
    """The operator/function fast paths and the general path give the same results."""
    a = rand(rng, (3, 4), np.float32)
    b = rand(rng, (4,), np.float32)
    ta, tb = T(a), T(b)
    assert_close(P.add(ta, tb, alpha=2), a + 2 * b)
    assert_close(P.add(ta, tb, alpha=0.5), a + np.float32(0.5) * b)
    t = T(a)
    assert t.add_(tb, alpha=-1) is t
    assert_close(t, a - b)
    out = P.empty(3, 4)
    assert P.sub(ta, tb, alpha=3, out=out) is out
    assert_close(out, a - 3 * b, rtol=1e-6)
    i = T(np.array([1, 2, 3]))
    with pytest.raises(RuntimeError, match="alpha must not be a floating point number"):
        i.add_(i, alpha=0.5)
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.add_(T(np.array([0.5, 0.5, 0.5], np.float32)))
    assert i.tolist() == [1, 2, 3]
    f = T(np.array([1.0, 2.0, 3.0], np.float32))
    f.add_(i)
    assert f.tolist() == [2.0, 4.0, 6.0]
    for op in (operator.add, operator.mul, operator.sub, operator.truediv, operator.lt, operator.pow):
        for s in (2, 2.5, -3):
            with np.errstate(invalid="ignore"):
                r1, r2 = op(a, np.float32(s)), op(np.float32(s), np.abs(a) + 1)
            assert_close(op(ta, s), r1, rtol=1e-5)
            assert_close(op(s, T(np.abs(a) + 1)), r2, rtol=1e-5)
    assert_close(P.clamp(ta, 0, 1), np.clip(a, 0, 1))
    assert_close(P.clamp(ta, max=0), np.minimum(a, 0))
    c = a > 0
    assert_close(P.where(T(c), ta, tb), np.where(c, a, b))
    assert_close(P.mul(ta, tb), a * b)
    assert_close(P.sigmoid(ta), 1 / (1 + np.exp(-a.astype(np.float64))), rtol=1e-6)


try:
    from hypothesis import given, settings, strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError:  # pragma: no cover
    given = None

if given is not None:
    _DTS = [np.float32, np.float64, np.int32, np.int64, np.uint8, np.int16, np.bool_]

    @st.composite
    def _layout_pair(draw):
        """Two broadcast-compatible arrays, each possibly transposed or strided."""
        shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=5))
        arrs = []
        for shape in shapes.input_shapes:
            dt = draw(st.sampled_from(_DTS))
            base_shape = tuple(s * 2 for s in shape)
            full = draw(hnp.arrays(dt, base_shape, elements=st.integers(-20, 20).map(
                lambda v, dt=dt: np.asarray(v).astype(dt)[()])))
            view = full[(Ellipsis,) + tuple(slice(None, None, 2) for _ in shape)]
            if view.ndim >= 2 and draw(st.booleans()):
                view = np.ascontiguousarray(view.swapaxes(0, -1)).swapaxes(0, -1)
            arrs.append(view)
        return arrs

    @given(_layout_pair(), st.sampled_from([operator.add, operator.mul, operator.lt, operator.eq, P.maximum]))
    @settings(max_examples=60, deadline=None)
    def test_random_layouts_match_numpy(pair, op):
        a, b = pair
        ta, tb = P.from_numpy(a), P.from_numpy(b)
        # PyTorch promotion (a 0-dim operand does not widen its category): compute the
        # numpy reference in our result dtype
        rdt = P.result_type(ta, tb).numpy
        with np.errstate(all="ignore"):
            a, b = a.astype(rdt), b.astype(rdt)
        if op is operator.add and a.dtype == np.bool_ and b.dtype == np.bool_:
            ref = a | b
        elif op is operator.mul and a.dtype == np.bool_ and b.dtype == np.bool_:
            ref = a & b
        else:
            npop = np.maximum if op is P.maximum else op
            with np.errstate(all="ignore"):
                ref = npop(a, b)
        got = op(ta, tb)
        assert got.shape == ref.shape
        np.testing.assert_allclose(got.numpy().astype(np.float64), np.asarray(ref).astype(np.float64), rtol=1e-6)


def test_no_leaks_across_many_ops():
    """Results, temporaries, converted inputs and failed ops all give their memory back."""
    import gc
    from pytorch_like._lib import lib
    a = T(np.arange(64, dtype=np.float32).reshape(8, 8))
    i = T(np.arange(64).reshape(8, 8))
    gc.collect()
    before = lib.TH_allocatedBytes()
    for _ in range(200):
        r = a + a.T + 1.5
        r = P.exp(i) < a
        r = P.where(r, a, i)
        r = P.clamp(i, 0.5, 3)
        r = P.addcmul(a, a, i)
        r.add_(r.T.contiguous())
        try:
            i // T(np.zeros(8, np.int64))
        except RuntimeError:
            pass
        try:
            a + T(np.ones(3, np.float32))
        except RuntimeError:
            pass
    del r
    gc.collect()
    assert lib.TH_allocatedBytes() == before


def test_c_entry_points_reject_bad_arguments():
    """The C functions (also called from Lua) validate op codes, NULLs and undecided dtypes."""
    from pytorch_like._lib import ffi, lib
    a = T(np.ones(3, np.float32))
    fresh = P.tensor([0.0])
    undecided = lib.THTensor_new(-1)
    try:
        assert lib.THTensor_binary(fresh._t, 999, a._t, a._t, 1.0) == lib.TH_ERR_VALUE
        assert "unknown op 999" in ffi.string(lib.TH_lastError()).decode()
        assert lib.THTensor_unary(fresh._t, -1, a._t) == lib.TH_ERR_VALUE
        assert lib.THTensor_binary(fresh._t, lib.TH_BINARY_ADD, undecided, a._t, 1.0) == lib.TH_ERR_TYPE
        assert "has no dtype" in ffi.string(lib.TH_lastError()).decode()
        assert lib.THTensor_binary(ffi.NULL, lib.TH_BINARY_ADD, a._t, a._t, 1.0) == lib.TH_ERR_VALUE
        assert lib.THTensor_unary(fresh._t, lib.TH_UNARY_EXP, ffi.NULL) == lib.TH_ERR_VALUE
        assert lib.THTensor_clamp(fresh._t, a._t, 0, 0, 0, 0) == lib.TH_ERR_VALUE
        assert lib.THTensor_where(fresh._t, ffi.NULL, a._t, a._t) == lib.TH_ERR_VALUE
        assert lib.THTensor_newBinary(lib.TH_BINARY_ADD, a._t, T(np.ones(2, np.float32))._t) == ffi.NULL
        assert "must match the size" in ffi.string(lib.TH_lastError()).decode()
    finally:
        lib.THTensor_free(undecided)
    # Torch7 semantics through C: an integer out truncates DIV, ROUND_HALF_AWAY rounds away
    o = P.empty(3, dtype=P.int64)
    assert lib.THTensor_binaryScalar(o._t, lib.TH_BINARY_DIV, T(np.array([7, -7, 5]))._t, 2.0, 0) == 0
    assert o.tolist() == [3, -3, 2]
    assert lib.THTensor_binaryScalar(o._t, lib.TH_BINARY_DIV, T(np.array([7, -7, 5]))._t, 0.0, 0) != 0
    assert "ZeroDivisionError" in ffi.string(lib.TH_lastError()).decode()


def test_streaming_float32_kernels_large_unaligned(rng):
    """Runs above a million elements take the non-temporal store path: check every op, an
    output offset off the 32-byte grid, in-place, and the tail."""
    n = 2_500_003
    a = rng.random(n + 3, dtype=np.float32) + 0.5
    b = rng.random(n + 3, dtype=np.float32) + 0.5
    ta, tb = T(a).narrow(0, 1, n), T(b).narrow(0, 2, n)
    for op in (operator.add, operator.sub, operator.mul, operator.truediv):
        assert_close(op(ta, tb), op(a[1:n + 1], b[2:n + 2]))
    out = P.zeros(n + 5).narrow(0, 3, n)
    P.add(ta, tb, out=out)
    assert_close(out, a[1:n + 1] + b[2:n + 2])
    x = T(a)
    x.mul_(T(b))
    assert_close(x, a * b)
