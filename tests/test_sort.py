"""sort / topk / kthvalue / median / mode / unique / searchsorted against PyTorch and numpy."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pytorch_like as torch
from pytorch_like._lib import ffi, lib
from pytorch_like.tensor import _finish

NAN = float("nan")
INT_DTYPES = [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8]


def T(a, dtype=None):
    arr = np.asarray(a)
    if arr.ndim == 0:
        return torch.tensor(arr.reshape(1), dtype=dtype).reshape(())
    return torch.tensor(arr, dtype=dtype)


def N(t):
    return t.numpy()


def R(ref, a):
    return ref.from_numpy(np.array(a, order="C"))


def eq(ours, ref_t):
    o, e = N(ours), ref_t.numpy()
    assert o.shape == e.shape, (o.shape, e.shape)
    assert o.dtype == e.dtype, (o.dtype, e.dtype)
    np.testing.assert_array_equal(o, e)


def noncontig(a):
    t = T(np.ascontiguousarray(np.swapaxes(a, 0, -1)))
    return t.transpose(0, a.ndim - 1) if a.ndim > 1 else t


def _data(rng, n, dtype, dups=True):
    if dtype in (np.float32, np.float64):
        a = rng.standard_normal(n).astype(dtype)
        if dups:
            a[rng.integers(0, n, n // 3)] = 0.5
        if n >= 8:
            a[rng.integers(0, n, 3)] = np.nan
            a[rng.integers(0, n, 2)] = -0.0
            a[rng.integers(0, n, 2)] = 0.0
            a[rng.integers(0, n, 2)] = np.inf
            a[rng.integers(0, n, 2)] = -np.inf
        return a
    if dtype == np.bool_:
        return rng.integers(0, 2, n).astype(bool)
    info = np.iinfo(dtype)
    hi = 5 if dups else info.max
    return rng.integers(max(info.min, -hi), min(info.max, hi), n, endpoint=True).astype(dtype)


SIZES = [1, 7, 100, 300, 5000, 70000]   # insertion/quick, 8-bit radix, 11-bit radix


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_])
def test_stable_sort_matches_pytorch(ref_torch, rng, n, dtype):
    a = _data(rng, n, dtype)
    for desc in (False, True):
        v, i = torch.sort(T(a), descending=desc, stable=True)
        rv, ri = ref_torch.sort(R(ref_torch, a), descending=desc, stable=True)
        eq(v, rv)
        eq(i, ri)
        eq(torch.argsort(T(a), descending=desc, stable=True), ri)


def test_sort_nan_zero_order(ref_torch):
    a = np.array([0.0, -0.0, NAN, -NAN, 1.0, np.inf, -np.inf, -0.0], np.float32)
    for desc in (False, True):
        v, i = torch.sort(T(a), descending=desc, stable=True)
        rv, ri = ref_torch.sort(R(ref_torch, a), descending=desc, stable=True)
        eq(i, ri)
        np.testing.assert_array_equal(np.signbit(N(v)), np.signbit(rv.numpy()))   # -0.0 kept as -0.0
        np.testing.assert_array_equal(N(v), rv.numpy())


@pytest.mark.parametrize("n", [300, 70000])     # the 8-bit and 11-bit radix loaders
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_radix_sort_nan_zero_ties_match_pytorch(ref_torch, rng, n, dtype):
    a = rng.standard_normal(n).astype(dtype)
    special = np.array([NAN, -NAN, 0.0, -0.0, np.inf, -np.inf, 1.0], dtype)
    pos = rng.integers(0, n, n // 5)
    a[pos] = special[rng.integers(0, len(special), len(pos))]   # many ties, NaNs and signed zeros
    for desc in (False, True):
        for stable in (False, True):
            v, i = torch.sort(T(a), descending=desc, stable=stable)
            rv, ri = ref_torch.sort(R(ref_torch, a), descending=desc, stable=True)
            np.testing.assert_array_equal(N(v), rv.numpy())
            eq(i, ri)        # every path is stable: ties keep their order as PyTorch's stable sort


def test_sort_unstable_path_consistent(rng):
    a = _data(rng, 1000, np.float32)
    v, i = torch.sort(T(a))
    np.testing.assert_array_equal(N(v), np.sort(a))                 # numpy also puts NaN last
    np.testing.assert_array_equal(a[N(i)], N(v))


def test_sort_dims_layouts(ref_torch, rng):
    a = rng.integers(0, 10, (4, 5, 300)).astype(np.float32)
    for dim in (0, 1, 2, -1, -2):
        for src in (T(a), noncontig(a)):
            v, i = src.sort(dim, stable=True)
            rv, ri = ref_torch.sort(R(ref_torch, a), dim=dim, stable=True)
            eq(v, rv)
            eq(i, ri)
    v, i = torch.sort(T(np.float32(3.0)))
    assert v.shape == () and i.shape == () and i.item() == 0
    v, i = torch.sort(T(np.zeros((3, 0), np.float32)), 1)
    assert v.shape == (3, 0) and i.dtype is torch.int64
    v, i = torch.sort(T(np.zeros((0, 4), np.float32)), 1)
    assert v.shape == (0, 4)
    np.testing.assert_array_equal(N(torch.msort(T(a))), np.sort(a, axis=0))


def test_sort_out_and_in_place_alias(rng):
    a = rng.standard_normal((3, 50)).astype(np.float32)
    x = T(a)
    v = torch.empty(0)
    i = torch.empty(0, dtype=torch.int64)
    r = torch.sort(x, 1, out=(v, i))
    assert r[0] is v and r[1] is i
    np.testing.assert_array_equal(N(v), np.sort(a, 1))
    torch.sort(x, 1, out=(x, i))          # values written over the input
    np.testing.assert_array_equal(N(x), np.sort(a, 1))
    y = T(a).t()                          # out aliasing a non-contiguous input
    torch.sort(y, 0, out=(y, i))
    np.testing.assert_array_equal(N(y), np.sort(a.T, 0))


def test_sort_index_base_one():
    a = T(np.array([3.0, 1.0, 2.0], np.float32))
    v, i = lib.THTensor_new(-1), lib.THTensor_new(-1)
    assert lib.THTensor_sort(v, i, a._t, 0, 0, 1, 1) == 0
    assert N(_finish(i, 0)).tolist() == [2, 3, 1]
    assert N(_finish(v, 0)).tolist() == [1.0, 2.0, 3.0]
    v, i = lib.THTensor_new(-1), lib.THTensor_new(-1)
    assert lib.THTensor_topk(v, i, a._t, 1, 0, 1, 1, 1) == 0
    assert N(_finish(i, 0)).tolist() == [1]
    _finish(v, 0)
    v, i = lib.THTensor_new(-1), lib.THTensor_new(-1)
    assert lib.THTensor_median(v, i, a._t, 0, 0, 1) == 0
    assert _finish(i, 0).item() == 3 and _finish(v, 0).item() == 2.0


# ---------------------------------------------------------------------- topk / kthvalue / median / mode

@pytest.mark.parametrize("n,k", [(1, 1), (10, 3), (300, 1), (300, 150), (300, 300), (5000, 17), (5000, 4000)])
def test_topk_matches_pytorch(ref_torch, rng, n, k):
    a = rng.permutation(n).astype(np.float32)          # distinct: indices are unique
    for largest in (True, False):
        v, i = torch.topk(T(a), k, largest=largest)
        rv, ri = ref_torch.topk(R(ref_torch, a), k, largest=largest)
        eq(v, rv)
        eq(i, ri)
        v, i = torch.topk(T(a), k, largest=largest, sorted=False)
        assert sorted(N(v).tolist()) == sorted(rv.numpy().tolist())
        np.testing.assert_array_equal(a[N(i)], N(v))


def test_topk_nan_ties_dims(ref_torch, rng):
    a = np.array([1.0, 3.0, NAN, 3.0, 2.0], np.float32)
    v, i = torch.topk(T(a), 2)
    rv, ri = ref_torch.topk(R(ref_torch, a), 2)
    eq(v, rv)
    eq(i, ri)
    v, i = torch.topk(T(a), 2, largest=False)
    assert N(v).tolist() == [1.0, 2.0] and N(i).tolist() == [0, 4]
    b = rng.standard_normal((6, 7, 8)).astype(np.float32)
    for dim in range(3):
        v, i = noncontig(b).topk(3, dim)
        rv, ri = ref_torch.topk(R(ref_torch, b), 3, dim)
        eq(v, rv)
        eq(i, ri)
    v, i = torch.topk(T(np.zeros((4, 0), np.float32)), 0)
    assert v.shape == (4, 0)
    v, i = torch.topk(T(np.float32(2.0)), 1)
    assert v.shape == () and v.item() == 2.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int8, np.uint8])
def test_kthvalue_median_match_pytorch(ref_torch, rng, dtype):
    a = np.stack([rng.permutation(51) for _ in range(6)]).astype(dtype)   # distinct per row
    for k in (1, 7, 26, 51):
        for keep in (False, True):
            v, i = torch.kthvalue(T(a), k, 1, keepdim=keep)
            rv, ri = ref_torch.kthvalue(R(ref_torch, a), k, 1, keepdim=keep)
            eq(v, rv)
            eq(i, ri)
    for dim in (0, 1):
        for keep in (False, True):
            v, i = torch.median(noncontig(a), dim, keepdim=keep)
            rv, ri = ref_torch.median(R(ref_torch, a), dim, keepdim=keep)
            eq(v, rv)
            eq(i, ri)
    eq(torch.median(T(a)), ref_torch.median(R(ref_torch, a)))
    even = a[:, :50]
    eq(torch.median(T(even)), ref_torch.median(R(ref_torch, even)))    # lower median
    eq(torch.median(T(even), 1).values, ref_torch.median(R(ref_torch, even), 1).values)


def test_median_kthvalue_nan(ref_torch):
    a = np.array([1.0, NAN, 2.0, NAN, 0.0], np.float32)
    v, i = torch.median(T(a), 0)
    assert np.isnan(v.item()) and i.item() == 1                # the first NaN
    assert np.isnan(torch.median(T(a)).item())
    for k in range(1, 6):
        v, i = torch.kthvalue(T(a), k)
        rv, ri = ref_torch.kthvalue(R(ref_torch, a), k)
        np.testing.assert_array_equal(N(v), rv.numpy())
        assert i.item() == ri.item()
    b = np.array([[1.0, NAN, 3.0, 2.0], [4.0, 1.0, NAN, NAN], [NAN] * 4], np.float32)
    v, i = torch.nanmedian(T(b), 1)
    rv, ri = ref_torch.nanmedian(R(ref_torch, b), 1)
    np.testing.assert_array_equal(N(v), rv.numpy())
    np.testing.assert_array_equal(N(i)[:2], ri.numpy()[:2])   # all-NaN row: index unspecified
    assert torch.nanmedian(T(b)).item() == ref_torch.nanmedian(R(ref_torch, b)).item()
    assert np.isnan(torch.median(T(np.zeros(0, np.float32))).item())


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.uint8, np.float32, np.float64])
def test_mode_matches_pytorch(ref_torch, rng, dtype):
    """Values equal PyTorch's. The index is the mode's last occurrence: PyTorch's too for slices
    of up to 16 elements (beyond that its std::sort makes the choice arbitrary)."""
    a = rng.integers(0, 6, (7, 40)).astype(dtype)
    for dim in (0, 1):
        for keep in (False, True):
            v, i = torch.mode(noncontig(a), dim, keepdim=keep)
            rv, ri = ref_torch.mode(R(ref_torch, a), dim, keepdim=keep)
            eq(v, rv)
            assert i.shape == tuple(ri.shape) and i.dtype is torch.int64
            ii = N(i) if keep else np.expand_dims(N(i), dim)
            vv = N(v) if keep else np.expand_dims(N(v), dim)
            np.testing.assert_array_equal(np.take_along_axis(a, ii, dim), vv)
            slices = np.moveaxis(a, dim, -1)
            last = [np.flatnonzero(row == m).max() for row, m in zip(slices, vv.reshape(-1))]
            np.testing.assert_array_equal(ii.reshape(-1), last)
            if dim == 0:
                eq(i, ri)                                      # 7-element slices
    v, i = torch.mode(T(np.array([3, 3, 1, 1, 2])))
    assert v.item() == 1 and i.item() == 3                     # tie: smallest value, last occurrence
    big = rng.integers(0, 50, 3000).astype(dtype)
    assert torch.mode(T(big)).values.item() == ref_torch.mode(R(ref_torch, big)).values.item()


def test_selection_errors():
    x = T(np.arange(5, dtype=np.float32))
    with pytest.raises(IndexError, match=r"topk\(\): k \(7\) is out of range for dimension 0 of size 5"):
        x.topk(7)
    with pytest.raises(IndexError, match=r"topk\(\): k \(-1\)"):
        x.topk(-1)
    with pytest.raises(IndexError, match=r"kthvalue\(\): k \(0\) is out of range"):
        x.kthvalue(0)
    with pytest.raises(IndexError, match=r"kthvalue\(\): k \(6\) is out of range"):
        x.kthvalue(6)
    with pytest.raises(IndexError, match=r"median\(\): Expected reduction dim 1 to have non-zero size"):
        torch.median(T(np.zeros((2, 0), np.float32)), 1)
    with pytest.raises(IndexError, match=r"mode\(\): Expected reduction dim 0 to have non-zero size"):
        torch.mode(T(np.zeros(0, np.float32)))
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.sort(1)
    with pytest.raises(TypeError, match="argument 'k' must be int"):
        x.topk(1.5)
    with pytest.raises(TypeError, match="not implemented for float16"):
        torch.sort(x.half())
    with pytest.raises(TypeError, match="out must be a tuple"):
        torch.sort(x, out=torch.empty(0))
    assert lib.THTensor_sort(ffi.NULL, ffi.NULL, ffi.NULL, 0, 0, 0, 0) != 0


# ---------------------------------------------------------------------- unique / searchsorted

def test_unique_matches_pytorch(ref_torch, rng):
    a = rng.integers(-3, 4, (5, 6))
    for inv in (False, True):
        for cnt in (False, True):
            ours = torch.unique(T(a), return_inverse=inv, return_counts=cnt)
            ref = ref_torch.unique(R(ref_torch, a), return_inverse=inv, return_counts=cnt)
            if not isinstance(ref, tuple):
                ours, ref = (ours,), (ref,)
            assert len(ours) == len(ref)
            for o, r in zip(ours, ref):
                eq(o, r)
    f = np.array([2.0, 1.0, 2.0, -0.0, 0.0], np.float32)
    eq(T(f).unique(), ref_torch.unique(R(ref_torch, f)))
    u, inv, cnt = torch.unique(T(a), dim=0, return_inverse=True, return_counts=True)
    ru, rinv, rcnt = ref_torch.unique(R(ref_torch, a), dim=0, return_inverse=True, return_counts=True)
    eq(u, ru)
    eq(inv, rinv)
    eq(cnt, rcnt)
    assert torch.unique(T(np.zeros(0, np.int64))).shape == (0,)


def test_searchsorted_matches_pytorch(ref_torch, rng):
    s = np.sort(rng.standard_normal(20)).astype(np.float32)
    v = rng.standard_normal((3, 4)).astype(np.float32)
    v[0, 0] = s[3]
    for right in (False, True):
        eq(torch.searchsorted(T(s), T(v), right=right), ref_torch.searchsorted(R(ref_torch, s), R(ref_torch, v),
                                                                             right=right))
    s2 = np.sort(rng.standard_normal((3, 10)), axis=1)
    v2 = rng.standard_normal((3, 5))
    eq(torch.searchsorted(T(s2), T(v2), side="right"),
       ref_torch.searchsorted(R(ref_torch, s2), R(ref_torch, v2), side="right"))
    assert torch.searchsorted(T(s), T(v), out_int32=True).dtype is torch.int32
    with pytest.raises(ValueError, match="side can only be"):
        torch.searchsorted(T(s), T(v), side="middle")


def test_out_is_the_input_with_another_shape(rng):
    a = rng.standard_normal(20).astype(np.float32)
    x = T(a)
    i = torch.empty(0, dtype=torch.int64)
    torch.topk(x, 3, out=(x, i))                       # x is read before it is resized
    np.testing.assert_array_equal(N(x), np.sort(a)[::-1][:3])
    y = T(np.array([5, 1, 4], np.int64))
    torch.sort(T(np.array([3.0, 1.0, 2.0], np.float32)), out=(torch.empty(0), y))
    assert N(y).tolist() == [1, 2, 0]
    z = T(np.array([[4, 1], [3, 2]], np.int64))
    v = torch.empty(0, dtype=torch.int64)
    torch.median(z, 1, out=(v, z))                     # indices written over the input
    assert N(v).tolist() == [1, 2] and N(z).tolist() == [1, 1]


def test_nanmedian_zero_dim_results(ref_torch):
    a = np.array([3.0, NAN, 1.0], np.float32)
    v, i = torch.nanmedian(T(a), 0)
    rv, ri = ref_torch.nanmedian(R(ref_torch, a), 0)
    assert v.shape == () and i.shape == ()
    assert v.item() == rv.item() and i.item() == ri.item()
    assert torch.unique(T(np.array([2, 2]))).shape == (1,)


@st.composite
def _sort_case(draw):
    shape = draw(st.lists(st.integers(0, 6), min_size=0, max_size=3))
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int32, np.int8, np.uint8, np.bool_]))
    seed = draw(st.integers(0, 2 ** 16))
    dim = draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
    return shape, dtype, seed, dim, draw(st.booleans()), draw(st.booleans())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_sort_case())
def test_sort_topk_hypothesis_vs_pytorch(ref_torch, case):
    shape, dtype, seed, dim, desc, transpose = case
    rng = np.random.default_rng(seed)
    a = _data(rng, int(np.prod(shape)), dtype).reshape(shape)
    x = noncontig(a) if transpose and a.ndim >= 2 else T(a)
    r = R(ref_torch, a)
    v, i = torch.sort(x, dim, descending=desc, stable=True)
    rv, ri = ref_torch.sort(r, dim=dim, descending=desc, stable=True)
    eq(v, rv)
    eq(i, ri)
    n = a.shape[dim] if a.ndim else 1
    k = int(rng.integers(0, n + 1))
    if dtype != np.bool_:
        tv = torch.topk(x, k, dim, largest=desc).values
        np.testing.assert_array_equal(N(tv), ref_torch.topk(r, k, dim, largest=desc).values.numpy())
    if n and dtype != np.bool_:
        mv = torch.median(x, dim).values
        np.testing.assert_array_equal(N(mv), ref_torch.median(r, dim).values.numpy())


def test_sort_into_its_own_input_keeps_zeros_and_nans(ref_torch):
    # values out= the input itself: zeros' signs and NaNs are read back from the source after earlier
    # values were written, so the sort must not write over its input as it goes
    a = np.array([0.0, -1.0, -0.0, np.nan, 2.0, 0.0, -np.inf], np.float32)
    for desc in (False, True):
        x, rx = T(a), R(ref_torch, a)
        i, ri = torch.empty(7, dtype=torch.int64), ref_torch.empty(7, dtype=ref_torch.int64)
        torch.sort(x, descending=desc, stable=True, out=(x, i))
        ref_torch.sort(rx.clone(), descending=desc, stable=True, out=(rx, ri))
        eq(i, ri)
        np.testing.assert_array_equal(N(x), rx.numpy())
        assert (np.signbit(N(x)) == np.signbit(rx.numpy())).all()


# ---------------------------------------------------------------- the AVX-512 sort (THSortVec.c)
# float32/int32 slices shorter than VEC_MAX (65536) go through the vectorized quicksort where the
# CPU has AVX-512: leaves of up to 128 items in bitonic networks of 1..16 registers, splits above.
# Its items are (key << 32 | position), all distinct, so it must give PyTorch's stable order.
# From 65536 on the radix passes sort, loaded by the same vector loader (which counts the digits).
VEC_SIZES = sorted({0, 1, 2, 3, *range(5, 300, 7), 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                    127, 128, 129, 255, 256, 257, 1000, 65535, 65536, 65541})


def _pattern(rng, kind, n, dtype):
    if kind == "random":
        return _data(rng, n, dtype, dups=False)
    if kind == "dups":
        return _data(rng, n, dtype)
    if kind == "sorted":
        return np.sort(_data(rng, n, dtype, dups=False))
    if kind == "reversed":
        return np.sort(_data(rng, n, dtype, dups=False))[::-1].copy()
    if kind == "equal":
        return np.full(n, 3, dtype)
    # floats: NaNs, infinities and both zeros, nothing else
    special = np.array([NAN, -NAN, 0.0, -0.0, np.inf, -np.inf], np.float32)
    return special[rng.integers(0, len(special), n)].astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
@pytest.mark.parametrize("kind", ["random", "dups", "sorted", "reversed", "equal", "special"])
def test_vector_sort_sizes_match_pytorch(ref_torch, rng, dtype, kind):
    if kind == "special" and dtype == np.int32:
        pytest.skip("NaN/inf/-0.0 are float values")
    for n in VEC_SIZES:
        a = _pattern(rng, kind, n, dtype)
        for desc in (False, True):
            for stable in (False, True):
                v, i = torch.sort(T(a), descending=desc, stable=stable)
                rv, ri = ref_torch.sort(R(ref_torch, a), descending=desc, stable=True)
                np.testing.assert_array_equal(N(v), rv.numpy(), err_msg=f"n={n} desc={desc}")
                np.testing.assert_array_equal(np.signbit(N(v)), np.signbit(rv.numpy()))
                np.testing.assert_array_equal(N(i), ri.numpy(), err_msg=f"n={n} desc={desc}")


def test_vector_sort_one_million(ref_torch, rng):
    a = _data(rng, 1_000_000, np.float32)
    for desc in (False, True):
        v, i = torch.sort(T(a), descending=desc)
        rv, ri = ref_torch.sort(R(ref_torch, a), descending=desc, stable=True)
        eq(v, rv)
        eq(i, ri)


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_vector_sort_rows_and_strided(ref_torch, rng, dtype):
    a = np.stack([_data(rng, 300, dtype) for _ in range(40)])          # 40 rows of 300
    r = R(ref_torch, a)
    for src, dim in ((T(a), 1), (T(a), 0), (noncontig(a), 1), (noncontig(a), 0), (T(a)[:, ::3], 1)):
        ra = r if src.shape == tuple(r.shape) else r[:, ::3]
        for desc in (False, True):
            v, i = torch.sort(src, dim=dim, descending=desc)
            rv, ri = ref_torch.sort(ra, dim=dim, descending=desc, stable=True)
            eq(v, rv)
            eq(i, ri)
            # strided outputs: the written values and indices go through the generic writer
            vo, io = torch.empty((ra.shape[1], ra.shape[0]), dtype=src.dtype).t(), \
                torch.empty((ra.shape[1], ra.shape[0]), dtype=torch.int64).t()
            torch.sort(src, dim=dim, descending=desc, out=(vo, io))
            eq(vo, rv)
            eq(io, ri)


def test_vector_sort_topk_mode_share_it(ref_torch, rng):
    # topk with sorted=True and 2k >= n, and mode, sort the whole slice the same way
    # (and a short sorted topk sorts its k selected items with it)
    a = _data(rng, 1000, np.float32)
    for k in (700, 100):
        for largest in (True, False):
            v, i = torch.topk(T(a), k, largest=largest)
            rv, ri = ref_torch.topk(R(ref_torch, a), k, largest=largest)
            eq(v, rv)
            np.testing.assert_array_equal(a[N(i)], N(v))
    b = rng.integers(0, 20, (7, 500)).astype(np.int32)
    mv, mi = torch.mode(T(b), 1)
    eq(mv, ref_torch.mode(R(ref_torch, b), 1).values)
    last = [np.flatnonzero(row == m).max() for row, m in zip(b, N(mv))]    # the mode's last occurrence
    np.testing.assert_array_equal(N(mi), last)


def test_sort_without_avx512_gives_the_same_result():
    # TH_SORT_NO_AVX512 forces the portable quicksort/radix paths: same stable order
    import os
    import subprocess
    import sys
    code = """
import numpy as np, pytorch_like as torch
rng = np.random.default_rng(5)
for n in (0, 1, 9, 100, 129, 1000, 70000):
    a = rng.integers(-4, 4, n).astype(np.float32)
    a[rng.integers(0, n, n // 10)] = np.nan if n else 0
    for desc in (False, True):
        v, i = torch.sort(torch.from_numpy(a), descending=desc)
        print(n, desc, v.numpy().tobytes().hex()[:4000], i.numpy().tolist())
"""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outs = []
    for flag in (None, "1"):
        env = dict(os.environ)
        env.pop("TH_SORT_NO_AVX512", None)
        if flag:
            env["TH_SORT_NO_AVX512"] = flag
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=root,
                           env=env)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout)
    assert outs[0] == outs[1]
    assert outs[0].count("\n") == 14
