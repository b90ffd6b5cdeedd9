"""Reductions: differential tests against numpy (values) and PyTorch (dtype rules, NaN,
empty tensors, error messages) over dtypes, dims, keepdim, shapes and layouts."""
import math

import numpy as np
import pytest

import pytorch_like as P

# the cases include read-only (broadcast) arrays: from_numpy warns about them, as PyTorch does
pytestmark = pytest.mark.filterwarnings("ignore:The given NumPy array is not writable")

FLOATS = [np.float32, np.float64]
INTS = [np.uint8, np.int8, np.int16, np.int32, np.int64]
ALL = FLOATS + INTS + [np.bool_]
SHAPES = [(), (1,), (5,), (3, 4), (2, 3, 4), (1, 5), (4, 1, 3), (0,), (3, 0), (2, 0, 3)]


def _data(shape, dt, rng):
    if dt == np.bool_:
        return rng.random(shape) < 0.5
    if np.issubdtype(dt, np.floating):
        return rng.standard_normal(shape).astype(dt)
    lo = 0 if dt == np.uint8 else -3
    return rng.integers(lo, 4, shape).astype(dt)


def _layouts(x):
    """x in several memory layouts (the broadcast one has other values)."""
    yield "contig", np.ascontiguousarray(x)
    if x.ndim >= 2:
        yield "transposed", np.ascontiguousarray(x.T).T
    if x.ndim >= 1:
        big = np.zeros(x.shape[:-1] + (2 * x.shape[-1] + 1,), x.dtype)
        big[..., 1::2] = x
        yield "strided", big[..., 1::2]
        if x.shape[0] > 1:
            yield "broadcast", np.broadcast_to(x[:1], x.shape)


def _dims(ndim):
    """dim arguments to try: None, every single dim (positive and negative), pairs."""
    out = [None]
    n = max(ndim, 1)
    out += list(range(n)) + [-1]
    if ndim >= 2:
        out += [(0, 1), (-1, 0)]
    if ndim >= 3:
        out += [(0, 2), (2, 1, 0)]
    return out


def _axis(dim, ndim):
    if dim is None or ndim == 0:
        return None
    return dim


def _cases(dtypes, rng, shapes=SHAPES):
    for dt in dtypes:
        for shape in shapes:
            base = _data(shape, dt, rng)
            for lname, x in _layouts(base):
                yield dt, shape, lname, x


def _close(ours, ref, rtol=1e-5, atol=1e-6, what=""):
    o = ours.numpy() if isinstance(ours, P.Tensor) else np.asarray(ours)
    ref = np.asarray(ref)
    assert o.shape == ref.shape, (what, o.shape, ref.shape)
    if ref.dtype.kind in "fc" or o.dtype.kind == "f":
        np.testing.assert_allclose(o.astype(np.float64), ref.astype(np.float64), rtol=rtol, atol=atol,
                                   equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(o, ref, err_msg=what)


def _tol(dt):
    return (2e-5, 1e-5) if dt == np.float32 else (1e-12, 1e-12)


# ---------------------------------------------------------------------- numpy differential

@pytest.mark.parametrize("keepdim", [False, True])
def test_sum_prod_vs_numpy(rng, keepdim):
    for dt, shape, lname, x in _cases(ALL, rng):
        t = P.from_numpy(x)
        acc = np.float64 if np.issubdtype(dt, np.floating) else np.int64
        rt, at = _tol(dt)
        for dim in _dims(x.ndim):
            ax = _axis(dim, x.ndim)
            what = f"{dt.__name__} {shape} {lname} dim={dim} keepdim={keepdim}"
            ref = np.sum(x, axis=ax, dtype=acc, keepdims=keepdim)
            r = P.sum(t, dim, keepdim)
            _close(r, ref, rt, at, "sum " + what)
            assert r.dtype is (P.int64 if acc is np.int64 else t.dtype)
            if dim is None or isinstance(dim, int):
                ref_p = np.prod(x, axis=ax, dtype=acc, keepdims=keepdim)
                _close(P.prod(t, dim, keepdim), ref_p, rt, at, "prod " + what)
            _close(t.nansum(dim, keepdim), ref, rt, at, "nansum " + what)


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.filterwarnings("ignore")
def test_mean_var_std_vs_numpy(rng, keepdim):
    for dt, shape, lname, x in _cases(FLOATS, rng):
        t = P.from_numpy(x)
        rt, at = _tol(dt)
        vt = 1e-4 if dt == np.float32 else 1e-10
        x64 = x.astype(np.float64)
        for dim in _dims(x.ndim):
            ax = _axis(dim, x.ndim)
            what = f"{dt.__name__} {shape} {lname} dim={dim}"
            with np.errstate(all="ignore"):
                _close(P.mean(t, dim, keepdim), np.mean(x64, axis=ax, keepdims=keepdim), rt, at, "mean " + what)
                for corr in (0, 1, 2):
                    ref_v = np.var(x64, axis=ax, ddof=corr, keepdims=keepdim)
                    _close(P.var(t, dim, keepdim=keepdim, correction=corr), ref_v, vt, at, f"var c={corr} " + what)
                    _close(t.std(dim, keepdim=keepdim, correction=corr), np.sqrt(ref_v), vt, at,
                           f"std c={corr} " + what)
                _close(P.var(t, dim, False, keepdim), np.var(x64, axis=ax, keepdims=keepdim), vt, at,
                       "var unbiased=False " + what)


@pytest.mark.parametrize("keepdim", [False, True])
def test_amax_amin_all_any_count_vs_numpy(rng, keepdim):
    for dt, shape, lname, x in _cases(ALL, rng):
        t = P.from_numpy(x)
        for dim in _dims(x.ndim):
            ax = _axis(dim, x.ndim)
            what = f"{dt.__name__} {shape} {lname} dim={dim}"
            axes = (ax,) if isinstance(ax, int) else ax
            empty_red = x.size == 0 if ax is None else any(x.shape[a] == 0 for a in axes)
            if not empty_red:
                _close(P.amax(t, () if dim is None else dim, keepdim), np.max(x, axis=ax, keepdims=keepdim),
                       what="amax " + what)
                _close(t.amin(() if dim is None else dim, keepdim), np.min(x, axis=ax, keepdims=keepdim),
                       what="amin " + what)
            r = P.all(t, dim, keepdim)
            _close(r, np.all(x, axis=ax, keepdims=keepdim), what="all " + what)
            assert r.dtype is (P.uint8 if dt == np.uint8 else P.bool)
            _close(t.any(dim, keepdim), np.any(x, axis=ax, keepdims=keepdim), what="any " + what)
            c = P.count_nonzero(t, dim)
            _close(c, np.count_nonzero(x, axis=ax), what="count_nonzero " + what)
            assert c.dtype is P.int64


def _np_norm(x, p, axis, keepdim):
    a = np.abs(x.astype(np.float64))
    if p == 0:
        return np.sum(a != 0, axis=axis, keepdims=keepdim).astype(np.float64)
    if p == math.inf:
        return np.max(a, axis=axis, keepdims=keepdim)
    if p == -math.inf:
        return np.min(a, axis=axis, keepdims=keepdim)
    with np.errstate(divide="ignore"):
        return np.sum(a ** p, axis=axis, keepdims=keepdim) ** (1.0 / p)


@pytest.mark.parametrize("p", [2, 1, 0, 3, 0.5, math.inf, -math.inf, -1.5])
def test_norm_vs_numpy(rng, p):
    for dt, shape, lname, x in _cases(FLOATS, rng):
        t = P.from_numpy(x)
        for dim in _dims(x.ndim):
            for keepdim in (False, True):
                ax = _axis(dim, x.ndim)
                axes = (ax,) if isinstance(ax, int) else ax
                empty_red = x.size == 0 if ax is None else any(x.shape[a] == 0 for a in axes)
                if empty_red and math.isinf(p):
                    with pytest.raises(RuntimeError, match="does not have an identity"):
                        P.norm(t, p, dim, keepdim)
                    continue
                with np.errstate(all="ignore"):
                    ref = _np_norm(x, p, ax, keepdim)
                _close(P.norm(t, p, dim, keepdim), ref, 1e-5 if dt == np.float32 else 1e-12, 1e-6,
                       f"norm p={p} {dt.__name__} {shape} {lname} dim={dim}")


def test_norm_fro_and_method(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    t = P.from_numpy(x)
    _close(t.norm(), np.linalg.norm(x), 1e-6)
    _close(P.norm(t, "fro", (0, 1)), np.linalg.norm(x), 1e-6)
    _close(P.norm(t, "fro", 1), np.linalg.norm(x, axis=1), 1e-6)
    _close(t.norm(dtype=P.float64), np.linalg.norm(x.astype(np.float64)), 1e-12)
    assert t.norm(dtype=P.float64).dtype is P.float64


def test_logsumexp_vs_numpy(rng):
    for dt, shape, lname, x in _cases(FLOATS, rng):
        t = P.from_numpy(x)
        for dim in _dims(x.ndim)[1:]:
            for keepdim in (False, True):
                ax = _axis(dim, x.ndim)
                x64 = x.astype(np.float64)
                with np.errstate(all="ignore"):
                    m = np.max(x64, axis=ax, keepdims=True, initial=-np.inf)
                    m = np.where(np.isinf(m), 0, m)
                    ref = np.log(np.sum(np.exp(x64 - m), axis=ax, keepdims=True)) + m
                    if not keepdim and ax is not None:
                        ref = np.squeeze(ref, axis=ax)
                _close(P.logsumexp(t, dim, keepdim), ref, 1e-5 if dt == np.float32 else 1e-12, 1e-6,
                       f"logsumexp {dt.__name__} {shape} {lname} dim={dim}")


def test_logsumexp_is_stable():
    t = P.tensor([1000.0, 1000.0, -1000.0], dtype=P.float32)
    _close(P.logsumexp(t, 0), 1000.0 + math.log(2), 1e-6)
    t = P.tensor([-1000.0, -1000.0], dtype=P.float64)
    _close(P.logsumexp(t, 0), -1000.0 + math.log(2), 1e-12)


def test_max_min_dim_vs_numpy(rng):
    for dt, shape, lname, x in _cases(ALL, rng):
        t = P.from_numpy(x)
        for dim in range(-max(x.ndim, 1), max(x.ndim, 1)):
            ax = None if x.ndim == 0 else dim
            if x.ndim and x.shape[dim] == 0:
                msg = f"max\\(\\): Expected reduction dim {dim % x.ndim} to have non-zero size"
                with pytest.raises(IndexError, match=msg):
                    P.max(t, dim)
                continue
            for keepdim in (False, True):
                what = f"{dt.__name__} {shape} {lname} dim={dim} keepdim={keepdim}"
                r = P.max(t, dim, keepdim)
                _close(r.values, np.max(x, axis=ax, keepdims=keepdim and x.ndim > 0), what="max " + what)
                ref_i = np.argmax(x, axis=ax) if x.ndim else np.int64(0)
                if keepdim and x.ndim:
                    ref_i = np.expand_dims(ref_i, ax)
                _close(r.indices, ref_i, what="argmax " + what)
                assert r.indices.dtype is P.int64 and r.values.dtype is t.dtype
                v, i = t.min(dim, keepdim)
                _close(v, np.min(x, axis=ax, keepdims=keepdim and x.ndim > 0), what="min " + what)
                ref_i = np.argmin(x, axis=ax) if x.ndim else np.int64(0)
                if keepdim and x.ndim:
                    ref_i = np.expand_dims(ref_i, ax)
                _close(i, ref_i, what="argmin " + what)
                _close(P.argmax(t, dim, keepdim), r.indices, what="argmax fn " + what)
                _close(t.argmin(dim, keepdim), i, what="argmin method " + what)


def test_argmax_flat_and_full_max(rng):
    for dt, shape, lname, x in _cases(ALL, rng):
        if x.size == 0:
            continue
        t = P.from_numpy(x)
        _close(P.argmax(t), np.argmax(x), what=f"argmax {shape} {lname}")
        _close(t.argmin(), np.argmin(x), what=f"argmin {shape} {lname}")
        assert P.argmax(t, keepdim=True).shape == (1,) * x.ndim
        m = P.max(t)
        assert m.shape == () and m.dtype is t.dtype
        _close(m, np.max(x))
        _close(t.min(), np.min(x))
        mn, mx = P.aminmax(t)
        _close(mn, np.min(x))
        _close(mx, np.max(x))
        if x.ndim:
            r = t.aminmax(dim=-1, keepdim=True)
            _close(r.min, np.min(x, axis=-1, keepdims=True))
            _close(r.max, np.max(x, axis=-1, keepdims=True))


def test_argmax_long_rows_first_occurrence():
    # the contiguous fast path (vectorised extreme, then a blocked search)
    x = np.zeros((3, 1000), np.float32)
    x[0, 700] = 5
    x[0, 900] = 5
    x[1, 64] = np.nan
    x[1, 999] = np.nan
    x[2, :] = -1
    x[2, 999] = 0
    r = P.from_numpy(x).max(1)
    _close(r.indices, [700, 64, 999])
    _close(r.values, [5, np.nan, 0])
    _close(P.from_numpy(x).argmin(1), [0, 64, 0])
    xi = np.arange(2000, dtype=np.int32) % 777
    assert P.from_numpy(xi).argmax().item() == 776


@pytest.mark.parametrize("fn", ["cumsum", "cumprod"])
def test_cumulative_vs_numpy(rng, fn):
    for dt, shape, lname, x in _cases(ALL, rng):
        t = P.from_numpy(x)
        acc = np.float64 if np.issubdtype(dt, np.floating) else np.int64
        for dim in range(-max(x.ndim, 1), max(x.ndim, 1)):
            if x.ndim == 0:
                ref = x.astype(acc)
            else:
                ref = getattr(np, fn)(x, axis=dim, dtype=acc)
            r = getattr(P, fn)(t, dim)
            _close(r, ref, 1e-5, 1e-5, f"{fn} {dt.__name__} {shape} {lname} dim={dim}")
            assert r.dtype is (P.int64 if acc is np.int64 else t.dtype)
            assert r.shape == t.shape


def test_cumulative_dtype_out_and_inplace():
    x = P.tensor([[1.5, 2.5, 3.0], [4.0, 5.0, 6.0]])
    r = P.cumsum(x, 1, dtype=P.int32)
    assert r.dtype is P.int32
    _close(r, [[1, 3, 6], [4, 9, 15]])
    r = x.cumprod(0, dtype=P.float64)
    assert r.dtype is P.float64
    _close(r, [[1.5, 2.5, 3.0], [6.0, 12.5, 18.0]])
    out = P.empty(0, dtype=P.float64)
    assert P.cumsum(x, 0, out=out) is out
    _close(out, [[1.5, 2.5, 3.0], [5.5, 7.5, 9.0]])
    y = x.clone()
    v = y._version
    assert y.cumsum_(1) is y
    _close(y, [[1.5, 4.0, 7.0], [4.0, 9.0, 15.0]])
    assert y._version > v
    yi = P.tensor([1, 2, 3], dtype=P.int32)
    yi.cumprod_(0)
    assert yi.dtype is P.int32
    _close(yi, [1, 2, 6])
    # in place on a transposed view
    z = P.tensor([[1.0, 2.0], [3.0, 4.0]])
    zt = z.t()
    zt.cumsum_(1)
    _close(z, [[1.0, 2.0], [4.0, 6.0]])


def test_dist_vs_numpy(rng):
    a = rng.standard_normal((3, 4)).astype(np.float32)
    b = rng.standard_normal((4,)).astype(np.float32)
    for p in (2, 1, 0, 3, 0.5, math.inf, -math.inf):
        ref = _np_norm((a.astype(np.float64) - b), p, None, False)
        _close(P.dist(P.from_numpy(a), P.from_numpy(b), p), ref, 1e-5, 1e-6, f"dist p={p}")
    _close(P.from_numpy(a.T).dist(P.from_numpy(a.T.copy())), 0.0)
    r = P.dist(P.from_numpy(a), P.from_numpy(b.astype(np.float64)))
    assert r.dtype is P.float64 and r.shape == ()
    assert P.dist(P.zeros(0), P.zeros(0)).item() == 0


def test_out_arguments():
    x = P.tensor([[1.0, 2.0], [3.0, 4.0]])
    out = P.empty(7)
    assert P.sum(x, 0, out=out) is out
    _close(out, [4.0, 6.0])
    out64 = P.empty(0, dtype=P.float64)
    P.mean(x, 1, out=out64)
    _close(out64, [1.5, 3.5])
    v, i = P.empty(0), P.empty(0, dtype=P.int64)
    r = P.max(x, 1, out=(v, i))
    assert r.values is v and r.indices is i
    _close(v, [2.0, 4.0])
    _close(i, [1, 1])
    o = P.empty(0, dtype=P.bool)
    P.any(x, 0, out=o)
    _close(o, [True, True])
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype"):
        P.sum(x, 0, dtype=P.float64, out=P.empty(0))
    with pytest.raises(TypeError, match="out"):
        P.sum(x, 0, out=[1, 2])
    with pytest.raises(TypeError, match="out"):
        P.max(x, 0, out=P.empty(0))


def test_out_aliasing_input():
    x = P.tensor([[1.0, 2.0], [3.0, 4.0]])
    P.sum(x, 0, out=x)
    _close(x, [4.0, 6.0])
    y = P.tensor([[1.0, 5.0], [3.0, 4.0]])
    P.max(y, 0, out=(y, P.empty(0, dtype=P.int64)))
    _close(y, [3.0, 5.0])


def test_dtype_argument():
    x = P.tensor([1.5, 2.7, 0.9])
    r = P.sum(x, dtype=P.int64)
    assert r.dtype is P.int64 and r.item() == 3  # elements are cast first (PyTorch), not 5
    r = P.sum(P.tensor([1, 2, 3]), dtype=P.float32)
    assert r.dtype is P.float32 and r.item() == 6.0
    r = P.mean(P.tensor([1, 2, 4]), dtype=P.float64)
    assert r.dtype is P.float64 and abs(r.item() - 7 / 3) < 1e-12
    r = P.prod(P.tensor([1.5, 2.0]), 0, dtype=P.int32)
    assert r.dtype is P.int32 and r.item() == 2
    r = P.tensor([200, 100], dtype=P.uint8).sum(dtype=P.uint8)
    assert r.dtype is P.uint8 and r.item() == 44  # wraps like PyTorch
    assert P.tensor([1, 0], dtype=P.int8).sum(dtype=P.bool).item() is True


def test_var_std_signatures():
    x = P.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]])
    xn = x.numpy().astype(np.float64)
    _close(P.var(x), np.var(xn, ddof=1))
    _close(P.var(x, True), np.var(xn, ddof=1))
    _close(P.var(x, False), np.var(xn))
    _close(P.var(x, 1, True, True), np.var(xn, axis=1, ddof=1, keepdims=True))
    _close(x.var(1, unbiased=False), np.var(xn, axis=1))
    _close(P.std(x, dim=0, correction=0), np.std(xn, axis=0))
    _close(P.std(x, dim=0, correction=1.5), np.sqrt(np.sum((xn - xn.mean(0)) ** 2, 0) / 0.5))
    s, m = P.std_mean(x, 1)
    _close(s, np.std(xn, axis=1, ddof=1))
    _close(m, xn.mean(1))
    v, m = P.var_mean(x, dim=1, correction=0, keepdim=True)
    _close(v, np.var(xn, axis=1, keepdims=True))
    _close(m, xn.mean(1, keepdims=True))
    v, m = P.var_mean(x, False)
    _close(v, np.var(xn))
    _close(m, xn.mean())
    with pytest.raises(TypeError, match="both"):
        P.var(x, 0, unbiased=True, correction=0)


def test_var_numerically_stable():
    rng = np.random.default_rng(0)
    x = (1e4 + rng.standard_normal(100_000)).astype(np.float32)
    ref = np.var(x.astype(np.float64), ddof=1)
    _close(P.var(P.from_numpy(x)), ref, 1e-5)
    x = np.full(1000, 1e8, np.float64) + np.arange(1000) % 2
    _close(P.var(P.from_numpy(x), correction=0), 0.25, 1e-9)


def test_float32_sum_accuracy_10M():
    rng = np.random.default_rng(7)
    x = rng.random(10_000_000, dtype=np.float32) * 2 - 0.3
    exact = math.fsum(x.astype(np.float64).tolist())
    t = P.from_numpy(x)
    s = P.sum(t).item()
    assert abs(s - exact) <= 1e-6 * abs(exact), (s, exact)
    m = P.mean(t).item()
    assert abs(m - exact / x.size) <= 1e-6 * abs(exact / x.size)
    n2 = P.norm(t).item()
    exact2 = math.sqrt(math.fsum((x.astype(np.float64) ** 2).tolist()))
    assert abs(n2 - exact2) <= 1e-6 * exact2
    # partial reductions fold rows in double too
    xm = x.reshape(10_000, 1000)
    exact_cols = xm.astype(np.float64).sum(0)
    np.testing.assert_allclose(P.from_numpy(xm).sum(0).numpy(), exact_cols, rtol=1e-6)
    # cancellation a float32 accumulator loses entirely
    assert P.tensor([1e8, 1.0, -1e8], dtype=P.float32).sum().item() == 1.0


def test_many_threads_partial_reductions(rng):
    # outputs along an inner dim with the reduced dim outer (split on the output row)
    x = rng.standard_normal((513, 77, 3)).astype(np.float64)
    t = P.from_numpy(x)
    _close(t.sum(0), x.sum(0), 1e-12, 1e-12)
    _close(t.sum((0, 2)), x.sum((0, 2)), 1e-12, 1e-12)
    _close(t.amax((0, 2)), x.max((0, 2)))
    _close(t.var(0), x.var(0, ddof=1), 1e-10, 1e-12)
    _close(P.logsumexp(t, 0), np.log(np.exp(x).sum(0)), 1e-10, 1e-12)
    # full reductions split across threads with private accumulators
    big = rng.standard_normal(300_001).astype(np.float32)
    big[123_456] = 7.5
    tb = P.from_numpy(big)
    assert tb.max().item() == 7.5 and tb.argmax().item() == 123_456
    assert tb.min().item() == big.min()
    assert P.count_nonzero(tb).item() == np.count_nonzero(big)
    near1 = (1 + 1e-3 * big).astype(np.float32)
    _close(P.from_numpy(near1).prod(), np.prod(near1.astype(np.float64)), 1e-6, 0)
    ints = rng.integers(-100, 100, 300_001).astype(np.int8)
    ti = P.from_numpy(ints)
    assert ti.sum().item() == int(ints.astype(np.int64).sum())
    assert ti.amax().item() == ints.max() and ti.amin().item() == ints.min()
    bools = rng.random(300_001) < 0.999
    assert P.from_numpy(bools).all().item() is False and P.from_numpy(bools).any().item() is True
    assert P.from_numpy(np.ones(300_001, np.bool_)).all().item() is True
    # a NaN anywhere wins, whichever thread sees it
    big[250_000] = np.nan
    assert math.isnan(tb.max().item()) and tb.argmax().item() == 250_000 and math.isnan(tb.amin().item())
    x32 = rng.standard_normal((4003, 129)).astype(np.float32)
    _close(P.from_numpy(x32).sum(0), x32.astype(np.float64).sum(0), 1e-5, 1e-5)
    _close(P.from_numpy(x32).mean(0, keepdim=True), x32.astype(np.float64).mean(0, keepdims=True), 1e-5, 1e-6)
    _close(P.from_numpy(x32.T).sum(1), x32.astype(np.float64).sum(0), 1e-5, 1e-5)


# ---------------------------------------------------------------------- PyTorch semantics

@pytest.mark.parametrize("dt", ALL + [np.float16])
def test_result_dtypes_match_pytorch(ref_torch, rng, dt):
    x = _data((3, 4), dt, rng)
    ours = P.from_numpy(x)
    theirs = ref_torch.from_numpy(x.copy())
    ops = [("sum", {}), ("prod", {}), ("amax", {}), ("amin", {}), ("all", {}), ("any", {}),
           ("count_nonzero", {}), ("cumsum", {"dim": 1}), ("cumprod", {"dim": 0}), ("nansum", {})]
    if np.issubdtype(dt, np.floating):
        ops += [("mean", {}), ("var", {}), ("std", {}), ("norm", {}), ("logsumexp", {"dim": 1})]
    else:
        ops += [("logsumexp", {"dim": 1})]
    for name, kw in ops:
        r = getattr(P, name)(ours, **kw)
        e = getattr(ref_torch, name)(theirs, **kw)
        assert r.dtype.name == str(e.dtype).replace("torch.", ""), (name, dt)
        assert tuple(r.shape) == tuple(e.shape), name
        np.testing.assert_allclose(r.numpy().astype(np.float64), e.numpy().astype(np.float64),
                                   rtol=2e-3 if dt == np.float16 else 1e-5, atol=1e-5, err_msg=name)


def test_nan_handling_matches_pytorch(ref_torch):
    vals = np.array([[1.0, np.nan, 3.0, np.nan], [2.0, 0.5, np.inf, -np.inf], [np.nan, 1, 2, 3]], np.float32)
    ours, theirs = P.from_numpy(vals), ref_torch.from_numpy(vals)
    for name, args in [("sum", ()), ("nansum", ()), ("nansum", (1,)), ("amax", (1,)), ("amin", (0,)), ("mean", (1,)),
                       ("var", (1,)), ("logsumexp", (1,)), ("logsumexp", (0,)), ("count_nonzero", (1,)),
                       ("all", (1,)), ("any", (0,)), ("cumsum", (1,)), ("cumprod", (0,)), ("argmax", (1,)),
                       ("argmin", (1,)), ("argmax", ()), ("max", ()), ("min", ())]:
        r = getattr(P, name)(ours, *args)
        e = getattr(ref_torch, name)(theirs, *args)
        np.testing.assert_allclose(r.numpy().astype(np.float64), e.numpy().astype(np.float64), rtol=1e-5,
                                   equal_nan=True, err_msg=f"{name}{args}")
    for p in (math.inf, -math.inf, 2, 1, 0):
        r, e = P.norm(ours, p, 1), ref_torch.linalg.vector_norm(theirs, p, 1)
        np.testing.assert_allclose(r.numpy(), e.numpy(), rtol=1e-5, equal_nan=True, err_msg=f"norm {p}")
    for dim in (0, 1):
        r, e = P.max(ours, dim), ref_torch.max(theirs, dim)
        np.testing.assert_array_equal(r.indices.numpy(), e.indices.numpy())
        np.testing.assert_allclose(r.values.numpy(), e.values.numpy(), equal_nan=True)
        r, e = P.min(ours, dim, keepdim=True), ref_torch.min(theirs, dim, keepdim=True)
        np.testing.assert_array_equal(r.indices.numpy(), e.indices.numpy())


def test_empty_reductions_match_pytorch(ref_torch):
    import warnings
    for shape, dims in [((0,), [None, 0]), ((3, 0), [None, 0, 1, (0, 1)]), ((0, 4), [None, 0, 1]),
                        ((2, 0, 3), [None, 1, (0, 2), 2])]:
        x = np.zeros(shape, np.float32)
        ours, theirs = P.from_numpy(x), ref_torch.from_numpy(x)
        for dim in dims:
            for name in ("sum", "prod", "mean", "var", "std", "norm", "logsumexp", "all", "any", "count_nonzero",
                         "nansum", "amax"):
                if name == "prod" and isinstance(dim, tuple):
                    continue
                if name in ("logsumexp",) and dim is None:
                    continue
                kw = {"dim": dim} if dim is not None else {}
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    try:
                        e = getattr(ref_torch, name)(theirs, **kw)
                    except (RuntimeError, IndexError) as exc:
                        with pytest.raises((RuntimeError, IndexError)) as info:
                            getattr(P, name)(ours, **kw)
                        assert str(info.value).split("(")[0] in str(exc), (name, dim)
                        continue
                    r = getattr(P, name)(ours, **kw)
                assert tuple(r.shape) == tuple(e.shape), (name, shape, dim)
                assert r.dtype.name == str(e.dtype).replace("torch.", ""), (name, shape, dim)
                np.testing.assert_allclose(r.numpy().astype(np.float64), e.numpy().astype(np.float64),
                                           equal_nan=True, err_msg=f"{name} {shape} {dim}")
    # max over a non-empty dim of a zero-size tensor is an empty result, not an error
    r = P.max(P.zeros(3, 0), 0)
    assert r.values.shape == (0,) and r.indices.shape == (0,)
    assert P.cumsum(P.zeros(3, 0), 0).shape == (3, 0)
    assert P.sum(P.zeros(3, 0), 1).numpy().tolist() == [0, 0, 0]
    assert P.prod(P.zeros(0, dtype=P.int32)).item() == 1


def test_zero_dim_inputs(ref_torch):
    x = P.tensor(2.5)
    for name in ("sum", "prod", "mean", "amax", "amin", "norm", "nansum"):
        assert getattr(P, name)(x).shape == ()
        assert getattr(P, name)(x, 0).shape == ()
        assert getattr(P, name)(x, -1, keepdim=True).shape == ()
    assert P.sum(x, 0).item() == 2.5
    r = P.max(x, 0)
    assert r.values.item() == 2.5 and r.indices.item() == 0 and r.indices.shape == ()
    assert P.argmax(x).item() == 0
    assert P.cumsum(x, 0).shape == () and P.cumsum(x, 0).item() == 2.5
    assert P.logsumexp(x, 0).item() == 2.5
    assert math.isnan(P.var(x).item()) and P.var(x, correction=0).item() == 0
    with pytest.raises(IndexError, match="Dimension out of range"):
        P.sum(x, 1)


def test_dim_list_empty_means_all(ref_torch):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    ours, theirs = P.from_numpy(x), ref_torch.from_numpy(x)
    for name in ("sum", "mean", "amax", "count_nonzero"):
        np.testing.assert_allclose(getattr(P, name)(ours, dim=[]).numpy(),
                                   getattr(ref_torch, name)(theirs, dim=[]).numpy())
    # all/any with an empty dim tuple reduce nothing (PyTorch)
    np.testing.assert_array_equal(P.all(ours, dim=()).numpy(), ref_torch.all(theirs, dim=()).numpy())
    np.testing.assert_array_equal(P.any(ours, dim=()).numpy(), ref_torch.any(theirs, dim=()).numpy())


def test_elementwise_max_min_with_tensor():
    a = P.tensor([1.0, 5.0, 3.0])
    b = P.tensor([2.0, 4.0, 3.0])
    try:
        r = P.max(a, b)
    except NotImplementedError:
        pytest.skip("THTensor_binary (pointwise family) has not landed in this tree")
    _close(r, [2.0, 5.0, 3.0])
    _close(a.min(b), [1.0, 4.0, 3.0])


def test_return_types():
    r = P.tensor([[1.0, 3.0], [4.0, 2.0]]).max(1)
    values, indices = r
    assert values is r.values and indices is r[1]
    assert "return_types.max" in repr(r)
    mm = P.tensor([1, 5, 3]).aminmax()
    assert mm.min.item() == 1 and mm.max.item() == 5


def test_methods_attached():
    for name in ("sum", "nansum", "prod", "mean", "var", "std", "max", "min", "amax", "amin", "aminmax", "argmax",
                 "argmin", "cumsum", "cumprod", "cumsum_", "cumprod_", "norm", "dist", "all", "any", "logsumexp",
                 "count_nonzero"):
        assert callable(getattr(P.Tensor, name)), name
        assert getattr(P.Tensor, name).__doc__, name


# ---------------------------------------------------------------------- bad inputs

def test_bad_dims():
    x = P.zeros(2, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        P.sum(x, 2)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.mean((0, -3))
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times in the list of dims"):
        P.sum(x, (0, 0))
    with pytest.raises(RuntimeError, match="dim 1 appears multiple times"):
        P.amax(x, (1, -1))
    with pytest.raises(TypeError, match="dim"):
        P.sum(x, "a")
    with pytest.raises(TypeError, match="dim"):
        P.sum(x, 1.5)
    with pytest.raises(TypeError, match="dim"):
        P.sum(x, (0, 1.0))
    with pytest.raises(TypeError, match="dim"):
        P.prod(x, (0, 1))
    with pytest.raises(IndexError, match="Dimension out of range"):
        P.cumsum(x, 5)
    with pytest.raises(IndexError, match="Dimension out of range"):
        P.max(x, -3)
    with pytest.raises(IndexError, match="Dimension out of range"):
        P.argmin(x, 2)
    with pytest.raises(TypeError, match="input"):
        P.sum([1, 2, 3])
    with pytest.raises(TypeError, match="dtype"):
        P.sum(x, dtype="float64")


def test_bad_dtypes():
    i = P.tensor([1, 2, 3])
    with pytest.raises(TypeError, match="mean\\(\\): could not infer output dtype. Input dtype must be either a "
                                        "floating point or complex dtype. Got: Long"):
        P.mean(i)
    with pytest.raises(TypeError, match="Optional dtype must be either a floating point or complex dtype. Got: Long"):
        P.mean(P.tensor([1.0]), dtype=P.int64)
    with pytest.raises(TypeError, match="std and var only support floating point and complex dtypes"):
        P.var(i)
    with pytest.raises(TypeError, match="std and var only support floating point"):
        i.std(0)
    with pytest.raises(TypeError, match="linalg.vector_norm: Expected a floating point or complex tensor as input. "
                                        "Got Long"):
        P.norm(i)
    with pytest.raises(TypeError, match="norm\\(\\): input dtype should be either floating point or complex. Got Long"):
        P.dist(i, i)
    with pytest.raises(TypeError, match="Got Byte"):
        P.norm(P.tensor([1, 2], dtype=P.uint8), 1)


def test_bad_empty_and_orders():
    e = P.zeros(0)
    with pytest.raises(RuntimeError, match="max\\(\\): Expected reduction dim to be specified for "
                                           "input.numel\\(\\) == 0. "
                                           "Specify the reduction dim with the 'dim' argument."):
        P.max(e)
    with pytest.raises(RuntimeError, match="min\\(\\): Expected reduction dim to be specified"):
        e.min()
    with pytest.raises(RuntimeError, match="amax\\(\\): Expected reduction dim to be specified"):
        P.amax(e)
    with pytest.raises(IndexError, match="amin\\(\\): Expected reduction dim 0 to have non-zero size"):
        P.amin(P.zeros(0, 3), 0)
    with pytest.raises(IndexError, match="max\\(\\): Expected reduction dim 1 to have non-zero size"):
        P.max(P.zeros(3, 0), 1)
    with pytest.raises(IndexError, match="argmax\\(\\): Expected reduction dim to be specified for "
                                         "input.numel\\(\\) == 0"):
        P.argmax(e)
    with pytest.raises(IndexError, match="argmin\\(\\): Expected reduction dim 0 to have non-zero size"):
        P.argmin(P.zeros(0, 2), 0)
    with pytest.raises(RuntimeError, match="aminmax\\(\\): cannot compute aminmax over an empty dimension"):
        P.aminmax(e)
    with pytest.raises(RuntimeError, match="cannot compute the inf norm on an empty tensor"):
        P.norm(e, math.inf)
    with pytest.raises(RuntimeError, match="cannot compute the -inf norm on an empty tensor"):
        P.dist(e, e, -math.inf)
    with pytest.raises(RuntimeError, match="Order abc not supported"):
        P.norm(P.ones(2), "abc")
    with pytest.raises(ValueError, match="p='nuc' needs dim to be a 2-tuple"):
        P.norm(P.ones(2, 2, 2), "nuc")
    with pytest.raises(ValueError, match="nan"):
        P.norm(P.ones(2), math.nan)
    with pytest.raises(TypeError, match="'p'"):
        P.norm(P.ones(2), [2])
    with pytest.raises(ValueError, match="The size of tensor a \\(3\\) must match the size of tensor b \\(4\\)"):
        P.dist(P.zeros(2, 3), P.zeros(4))
    with pytest.raises(TypeError, match="other"):
        P.dist(P.zeros(2), [1, 2])
    with pytest.raises(RuntimeError, match="Bad in-place call"):
        P.zeros(3).cumsum_(0, dtype=P.float64)


# ---------------------------------------------------------------------- properties and memory

try:
    from hypothesis import given, settings, strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError:  # pragma: no cover
    given = None

if given is not None:
    @settings(max_examples=60, deadline=None)
    @given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5),
                      elements=st.floats(-1e3, 1e3)),
           st.data())
    def test_random_shapes_dims_layouts(x, data):
        nd = x.ndim
        dims = data.draw(st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=nd, unique_by=lambda d: d % nd))
        keepdim = data.draw(st.booleans())
        perm = data.draw(st.permutations(range(nd)))
        xp = np.ascontiguousarray(x.transpose(perm)).transpose(np.argsort(perm))  # same values, permuted memory
        t = P.from_numpy(xp)
        ax = tuple(d % nd for d in dims)
        _close(P.sum(t, tuple(dims), keepdim), np.sum(x, axis=ax, keepdims=keepdim), 1e-12, 1e-9)
        _close(P.mean(t, tuple(dims), keepdim), np.mean(x, axis=ax, keepdims=keepdim) if all(x.shape[a] for a in ax)
               else np.full(np.sum(x, axis=ax, keepdims=keepdim).shape, np.nan), 1e-12, 1e-9)
        if all(x.shape[a] for a in ax):
            _close(P.amax(t, tuple(dims), keepdim), np.max(x, axis=ax, keepdims=keepdim))
            _close(P.var(t, tuple(dims), keepdim=keepdim, correction=0), np.var(x, axis=ax, keepdims=keepdim),
                   1e-9, 1e-9)
        _close(P.norm(t, 3, tuple(dims), keepdim), np.sum(np.abs(x) ** 3, axis=ax, keepdims=keepdim) ** (1 / 3),
               1e-9, 1e-9)


def test_no_leaks():
    from pytorch_like._lib import lib
    x = P.from_numpy(np.random.default_rng(0).standard_normal((50, 40)).astype(np.float32))
    xi = P.tensor([[1, 2], [3, 4]])

    def work():
        x.sum(0), x.mean(), x.var(1), x.std(), x.max(1), x.argmin(), x.amax((0, 1)), x.cumsum(0), x.cumprod(1)
        P.logsumexp(x, 1), x.norm(3), P.dist(x, x.select(0, 0)), x.all(), x.any(0), P.count_nonzero(x), x.nansum()
        xi.sum(dtype=P.float32), xi.prod(0), xi.float().mean(0, keepdim=True)
        for bad in (lambda: xi.mean(), lambda: P.max(P.zeros(0)), lambda: x.sum((0, 0))):
            with pytest.raises(Exception):
                bad()

    for _ in range(3):
        work()
    before = lib.TH_allocatedBytes()
    for _ in range(50):
        work()
    assert lib.TH_allocatedBytes() <= before


def test_c_maxdim_null_outputs_and_index_base():
    # the C contract the Lua frontend uses: either output may be NULL, indices 1-based
    from pytorch_like._lib import ffi, lib
    x = P.tensor([[1.0, 7.0, 3.0], [9.0, 2.0, 9.0]])
    idx = lib.THTensor_new(-1)
    try:
        assert lib.THTensor_maxDim(ffi.NULL, idx, x._t, 1, 1, 1) == 0
        assert idx.dtype == lib.TH_INT64 and idx.ndim == 2
        assert [idx.size[0], idx.size[1]] == [2, 1]
        data = ffi.cast("int64_t *", lib.THTensor_data(idx))
        assert [data[0], data[1]] == [2, 1]
    finally:
        lib.THTensor_free(idx)
    vals = lib.THTensor_new(-1)
    try:
        assert lib.THTensor_minDim(vals, ffi.NULL, x._t, 0, 0, 1) == 0
        data = ffi.cast("float *", lib.THTensor_data(vals))
        assert [data[0], data[1], data[2]] == [1.0, 2.0, 3.0]
    finally:
        lib.THTensor_free(vals)
    out = lib.THTensor_new(-1)
    try:
        assert lib.THTensor_reduce(out, 99, x._t, 0, ffi.NULL, 0, 0.0) != 0
        assert "unknown operation" in ffi.string(lib.TH_lastError()).decode()
        assert lib.THTensor_reduce(out, lib.TH_REDUCE_SUM, x._t, 1, ffi.new("int[]", [-1]), 0, 0.0) == lib.TH_ERR_INDEX
    finally:
        lib.THTensor_free(out)


def test_linalg_vector_norm(ref_torch, rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    ours, theirs = P.from_numpy(x), ref_torch.from_numpy(x)
    for ord_, dim, keepdim in [(2, None, False), (1, (0, 1), True), (math.inf, 1, False), (0, 0, True),
                               (-math.inf, -1, False), (0.5, None, False), (3, 1, True)]:
        r = P.linalg.vector_norm(ours, ord_, dim, keepdim)
        e = ref_torch.linalg.vector_norm(theirs, ord_, dim, keepdim)
        assert tuple(r.shape) == tuple(e.shape)
        np.testing.assert_allclose(r.numpy(), e.numpy(), rtol=1e-5)
    r = P.linalg.vector_norm(ours, math.inf, dim=1, dtype=P.float64)
    assert r.dtype is P.float64
    np.testing.assert_allclose(r.numpy(), np.abs(x).max(1))
    with pytest.raises(TypeError, match="'ord' must be Number"):
        P.linalg.vector_norm(ours, "fro")
    with pytest.raises(TypeError, match="linalg.vector_norm: Expected a floating point"):
        P.linalg.vector_norm(P.tensor([1, 2]))
