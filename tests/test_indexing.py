"""Indexing ops and the Tensor indexing protocol, differential against numpy and PyTorch."""
import numpy as np
import pytest
from hypothesis import given, settings, HealthCheck
from hypothesis import strategies as st

import pytorch_like as torch
from pytorch_like._lib import ffi, lib
from pytorch_like.tensor import _finish

DTYPES = [torch.float32, torch.float64, torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool]


def T(a, dtype=None):
    arr = np.asarray(a)
    if arr.ndim == 0:
        return torch.tensor(arr.reshape(1), dtype=dtype).reshape(())
    return torch.tensor(arr, dtype=dtype)


def N(t):
    return t.numpy()


def arange(*shape, dtype=np.float32):
    return np.arange(int(np.prod(shape))).astype(dtype).reshape(shape)


def same(ours, expected):
    e = np.asarray(expected)
    o = N(ours)
    assert o.shape == e.shape, (o.shape, e.shape)
    assert o.dtype == e.dtype, (o.dtype, e.dtype)
    np.testing.assert_array_equal(o, e)


def noncontig(a):
    """A transposed (non-contiguous) tensor holding the values of a."""
    t = T(np.ascontiguousarray(np.swapaxes(a, 0, -1)))
    return t.transpose(0, a.ndim - 1) if a.ndim > 1 else t


# ---------------------------------------------------------------------- __getitem__ vs numpy

A3 = arange(4, 5, 6)
I = np.array


def _exprs():
    """Index expressions with identical meaning in numpy and PyTorch."""
    return [
        1, -1, (0, 2), (-1, -2, -3), slice(None), slice(1, 3), slice(None, None, 2), slice(-3, None),
        (slice(None), 1), (Ellipsis, 2), (None,), (None, 1, None), (1, None, slice(1, 4, 2)),
        (Ellipsis, None), (slice(1, 100), slice(-100, 2)), (slice(3, 1),), (slice(0, 0),),
        (slice(None, None, 3), slice(None, None, 4), slice(1, None, 5)),
        I([0, 2]), I([-1, 0, -1]), [0, 3, 3], I([[0, 1], [2, 3]]),
        (I([0, 1]), I([2, 3])), (I([[0], [1]]), I([0, 4])), (slice(None), I([0, 4])),
        (I([0, 1]), slice(None), I([1, 2])),       # separated: advanced dims first
        (slice(None), I([0, 1]), I([1, 2])),       # adjacent: in place
        (Ellipsis, I([1, 0])), (None, I([1, 2]), slice(1, 3)), (I([1, 2]), None),
        (I([0, 1]), Ellipsis, I([2, 3])),
        A3[..., 0, 0] > 10, A3[:, :, 0] > 40, A3 > 50, (slice(None), A3[0, :, 0] > 10),
        (A3[:, 0, 0] > 20, slice(1, 3)), (Ellipsis, A3[0, 0] > 3),
        (I([0, 2]), A3[0, :, 0] > 15),
        True, False, (Ellipsis, True), (None, False),
        I([], dtype=np.int64), (I([], dtype=np.int64), slice(None)),
        (slice(1, 3), I([[1, 2], [3, 4]])),
    ]


def _ours(key):
    """The same key with numpy arrays turned into tensors (lists stay lists)."""
    if isinstance(key, tuple):
        return tuple(_ours(k) for k in key)
    if isinstance(key, np.ndarray):
        return T(key)
    return key


@pytest.mark.parametrize("i", range(len(_exprs())))
def test_getitem_matches_numpy(i):
    key = _exprs()[i]
    x = T(A3)
    same(x[_ours(key)], A3[key])
    same(x[key], A3[key])                                 # numpy arrays as indices work too
    same(noncontig(A3)[_ours(key)], A3[key])             # non-contiguous base


def test_basic_indexing_returns_views():
    x = T(A3.copy())
    for key in [1, (slice(None), 2), (Ellipsis, slice(1, 5, 2)), (None, 0), (slice(None, None, 2), None, 1)]:
        v = x[key]
        assert v.data_ptr() != 0 and v._t.storage == x._t.storage
    v = x[1, :, ::2]
    v.fill_(-7)
    assert (N(x)[1, :, ::2] == -7).all()
    assert (N(x)[0] == A3[0]).all()


def test_advanced_indexing_copies():
    x = T(A3.copy())
    for key in [T([0, 1]), (slice(None), [1, 2]), T(A3 > 5)]:
        r = x[key]
        r.fill_(-1)
    np.testing.assert_array_equal(N(x), A3)


def test_getitem_pytorch_int_then_advanced(ref_torch):
    """An int and an advanced index separated by a slice: PyTorch selects first (numpy would not)."""
    x = T(A3)
    r = ref_torch.from_numpy(A3)
    for key, rkey in [((0, slice(None), [0, 2]), (0, slice(None), ref_torch.tensor([0, 2]))),
                      (([1, 2], 0, slice(None), ), (ref_torch.tensor([1, 2]), 0, slice(None))),
                      ((T(1), slice(None), T([0, 1])), (ref_torch.tensor(1), slice(None), ref_torch.tensor([0, 1]))),
                      ((T(2),), (ref_torch.tensor(2),)), ((0, T(1)), (0, ref_torch.tensor(1)))]:
        same(x[key], r[rkey].numpy())


def test_getitem_zero_dim_and_empty():
    s = T(np.float32(3.5))
    same(s[()], np.float32(3.5))
    same(s[...], np.float32(3.5))
    same(s[None], np.array([3.5], np.float32))
    same(s[True], np.array([3.5], np.float32))
    same(s[False], np.zeros(0, np.float32))
    e = T(np.zeros((0, 3), np.float32))
    same(e[:, 1], np.zeros(0, np.float32))
    same(e[T(np.zeros((0, 3), bool))], np.zeros(0, np.float32))
    same(e[[]], np.zeros((0, 3), np.float32))
    x = T(A3)
    same(x[T(np.zeros(A3.shape, bool))], np.zeros(0, np.float32))


@st.composite
def _index_case(draw):
    shape = draw(st.lists(st.integers(0, 4), min_size=1, max_size=4))
    ndim = len(shape)
    items = []
    d = 0
    has_ell = False
    for _ in range(ndim + 3):
        if d >= ndim:
            break
        kind = draw(st.sampled_from(["stop", "slice", "int", "none", "adv", "ell", "mask"]))
        if kind == "stop":
            break
        if kind == "none":
            items.append(None)
            continue
        if kind == "ell":
            if not has_ell:
                has_ell = True
                items.append(Ellipsis)
                d += draw(st.integers(0, ndim - d))   # the dims the ellipsis will stand for
            continue
        size = shape[d]
        if kind == "int" and size:
            items.append(draw(st.integers(-size, size - 1)))
        elif kind == "adv" and size:
            n = draw(st.integers(0, 3))
            items.append(np.array(draw(st.lists(st.integers(-size, size - 1), min_size=n, max_size=n)),
                                  dtype=np.int64))
        elif kind == "mask":
            items.append(np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool))
        else:
            a = draw(st.one_of(st.none(), st.integers(-6, 6)))
            b = draw(st.one_of(st.none(), st.integers(-6, 6)))
            c = draw(st.one_of(st.none(), st.integers(1, 3)))
            items.append(slice(a, b, c))
        d += 1
    return shape, tuple(items)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_index_case())
def test_getitem_hypothesis_vs_pytorch(ref_torch, case):
    shape, key = case
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    rkey = tuple(ref_torch.from_numpy(k) if isinstance(k, np.ndarray) else k for k in key)
    try:
        expected = ref_torch.from_numpy(a)[rkey].numpy()
    except (IndexError, RuntimeError, ValueError):
        with pytest.raises((IndexError, ValueError, RuntimeError)):
            T(a)[_ours(key)]
        return
    same(T(a)[_ours(key)], expected)
    # numpy agrees whenever ints and None do not mix with advanced indices (PyTorch applies them first);
    # for an empty result PyTorch checks no bounds, numpy does
    has_adv = any(isinstance(k, np.ndarray) for k in key)
    if expected.size and not (has_adv and any(isinstance(k, int) or k is None for k in key)) and all(
            not isinstance(k, np.ndarray) or k.dtype != bool or k.ndim for k in key):
        np.testing.assert_array_equal(N(T(a)[_ours(key)]), a[key])


def test_getitem_errors():
    x = T(arange(5))
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 5"):
        x[5]
    with pytest.raises(IndexError, match="index -6 is out of bounds for dimension 0 with size 5"):
        x[-6]
    with pytest.raises(IndexError, match="index 7 is out of bounds for dimension 0 with size 5"):
        x[T([1, 7])]
    with pytest.raises(IndexError, match="index 7 is out of bounds for dimension 1 with size 5"):
        T(A3)[0, 7]
    with pytest.raises(IndexError, match="index 9 is out of bounds for dimension 1 with size 5"):
        T(A3)[:, [0, 9]]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1]
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        x[::0]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 1"):
        x[0, 0]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., ...]
    with pytest.raises(IndexError, match="tensors used as indices must be long, int, byte or bool"):
        x[T([1.0])]
    with pytest.raises(IndexError, match=r"only integers, slices .* \(got float\)"):
        x[1.0]
    with pytest.raises(IndexError, match=r"The shape of the mask \[3\] at index 0 does not match"):
        x[T([True, False, True])]
    with pytest.raises(IndexError, match="shape mismatch"):
        T(A3)[[0, 1], [0, 1, 2]]
    with pytest.raises(IndexError, match="invalid index of a 0-dim tensor"):
        T(np.float32(1))[0]


# ---------------------------------------------------------------------- __setitem__ vs numpy

def _set_cases():
    return [
        (1, 5.0), ((slice(None), 2), -1), ((Ellipsis, slice(1, 5, 2)), np.arange(2, dtype=np.float32)),
        ((None, 0), [[1, 2, 3, 4, 5, 6]]), ((slice(None, None, 2), 1), np.ones((2, 6), np.float32) * 3),
        (I([0, 2]), 9), ((I([0, 1]), I([2, 3])), np.array([[7], [8]], np.float32)),
        ((I([0, 1]), slice(None), I([1, 2])), np.arange(10, dtype=np.float32).reshape(2, 5)),
        ((slice(None), I([0, 1]), I([1, 2])), 1.5), (A3 > 50, -2), (A3 > 100, np.arange(19, dtype=np.float32)),
        ((A3[:, 0, 0] > 20, slice(1, 3)), 4), ((Ellipsis, A3[0, 0] > 3), np.arange(2, dtype=np.float32)),
        ((I([0, 0, 0]), 1, 1), np.array([1, 2, 3], np.float32)),   # repeated index: last write wins
        (I([], dtype=np.int64), 3), (True, 2), ((slice(None), [0, 4]), [[1.0], [2.0]]),
    ]


@pytest.mark.parametrize("i", range(len(_set_cases())))
def test_setitem_matches_numpy(i):
    key, value = _set_cases()[i]
    a = A3.copy()
    a[key] = value
    x = T(A3)
    v0 = x._version
    x[_ours(key)] = T(value) if isinstance(value, np.ndarray) else value
    np.testing.assert_array_equal(N(x), a)
    assert x._version > v0 or np.array_equal(a, A3)
    y = noncontig(A3)
    y[_ours(key)] = value
    np.testing.assert_array_equal(N(y), a)


def test_setitem_dtype_cast_and_sources():
    x = T(np.zeros((3, 4), np.int32))
    x[0] = T([1.7, 2.2, -3.9, 4.0])                 # float tensor into int32: truncates
    x[1, [0, 1]] = np.array([5, 6], np.int64)
    x[2] = [[9, 9, 9, 9]]                            # leading size-1 dim dropped
    x[T(np.array([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]], bool))] = T(np.array(42.0))
    np.testing.assert_array_equal(N(x), [[1, 2, -3, 4], [5, 6, 0, 0], [9, 9, 9, 42]])
    b = T(np.zeros(4, bool))
    b[1] = 1
    b[[2, 3]] = True
    assert N(b).tolist() == [False, True, True, True]


def test_setitem_aliasing_source():
    a = np.arange(10, dtype=np.float32)
    x = T(a)
    x[1:] = x[:-1]
    b = a.copy()
    b[1:] = a[:-1].copy()
    np.testing.assert_array_equal(N(x), b)
    x = T(a)
    x[[0, 1, 2]] = x[[2, 1, 0]]
    b = a.copy()
    b[[0, 1, 2]] = a[[2, 1, 0]]
    np.testing.assert_array_equal(N(x), b)


def test_setitem_errors():
    x = T(np.zeros((2, 5), np.float32))
    with pytest.raises(RuntimeError, match="shape mismatch"):
        x[0] = T(np.ones((2, 5), np.float32))
    with pytest.raises(RuntimeError, match="shape mismatch"):
        x[T(np.array([[1, 0, 1, 0, 0], [0] * 5], bool))] = T([1.0, 2.0, 3.0])
    with pytest.raises(IndexError, match="out of bounds"):
        x[[0, 3]] = 1
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[:, ::-2] = 1


# ---------------------------------------------------------------------- ops vs numpy

@pytest.mark.parametrize("dt", DTYPES)
def test_index_select_dtypes(dt):
    a = (arange(4, 5) % 7).astype(dt.numpy)
    idx = np.array([4, 0, 0, 2])
    same(torch.index_select(T(a), 1, T(idx)), a[:, idx])
    same(T(a).index_select(0, T([3, 1])), a[[3, 1]])
    same(noncontig(a).index_select(1, T(idx)), a[:, idx])
    same(torch.index_select(T(a), -1, T(idx, torch.int32)), a[:, idx])
    same(T(a).index_select(0, T(np.int64(2))), a[[2]])


def test_index_select_out_and_scalar():
    out = torch.empty(0, dtype=torch.float64)
    r = torch.index_select(T(arange(5)), 0, T([1, 1]), out=out)
    assert r is out and N(out).tolist() == [1.0, 1.0] and out.dtype is torch.float64
    same(T(np.float32(5)).index_select(0, T([0])), np.float32(5))


@pytest.mark.parametrize("dt", DTYPES)
def test_index_copy_add_fill(dt):
    a = (arange(5, 3) % 5).astype(dt.numpy)
    src = (arange(2, 3) % 3 + 1).astype(dt.numpy)
    idx = np.array([4, 1])
    e = a.copy()
    e[idx] = src
    same(T(a).index_copy(0, T(idx), T(src)), e)
    x = T(a)
    v0 = x._version
    x.index_copy_(0, T(idx), T(src))
    same(x, e)
    assert x._version > v0
    if dt is not torch.bool:
        e = a.copy()
        np.add.at(e, [4, 4], src * (2 if dt.is_floating_point else 2))
        same(T(a).index_add(0, T([4, 4]), T(src), alpha=2), e.astype(dt.numpy))
    e = a.copy()
    e[:, [0, 2]] = 1
    same(T(a).index_fill(1, T([0, 2]), 1), e)
    same(noncontig(a).index_fill_(1, T([0, 2]), T(np.array(1)).to(dt)), e)


def test_index_add_float_alpha_and_transposed():
    a = arange(3, 4)
    x = noncontig(a)
    x.index_add_(1, T([0, 0, 3]), T(np.ones((3, 3), np.float32)), alpha=0.5)
    e = a.copy()
    e[:, 0] += 1.0
    e[:, 3] += 0.5
    same(x, e)


@pytest.mark.parametrize("dt", DTYPES)
def test_gather_scatter(dt):
    a = (arange(3, 4) % 6).astype(dt.numpy)
    idx = np.array([[0, 2], [1, 1], [2, 0]])
    g0 = np.array([[a[idx[i, j], j] for j in range(2)] for i in range(3)], dtype=a.dtype)
    g1 = np.array([[a[i, idx[i, j]] for j in range(2)] for i in range(3)], dtype=a.dtype)
    same(torch.gather(T(a), 0, T(idx)), g0)                 # index smaller than input: a window
    same(T(a).gather(1, T(idx)), g1)
    same(noncontig(a).gather(1, T(idx)), g1)
    src = (arange(3, 2) + 1).astype(dt.numpy)
    e = a.copy()
    np.put_along_axis(e, np.array([[3, 0], [2, 1], [0, 3]]), src, 1)
    same(T(a).scatter(1, T([[3, 0], [2, 1], [0, 3]]), T(src)), e)
    e = a.copy()
    np.put_along_axis(e, np.array([[3, 0], [2, 1], [0, 3]]), 1, 1)
    same(T(a).scatter(1, T([[3, 0], [2, 1], [0, 3]]), 1), e)
    if dt is not torch.bool:
        e = a.copy()
        for i in range(3):
            for j in range(2):
                e[i, [1, 1][j]] += src[i, j]
        same(T(a).scatter_add(1, T([[1, 1]] * 3), T(src)), e.astype(dt.numpy))


def test_gather_scatter_vs_torch(ref_torch, rng):
    a = rng.standard_normal((4, 5, 6)).astype(np.float32)
    for dim in range(3):
        shape = [3, 4, 5]
        idx = rng.integers(0, a.shape[dim], shape)
        same(T(a).gather(dim, T(idx)), ref_torch.from_numpy(a).gather(dim, ref_torch.from_numpy(idx)).numpy())
        src = rng.standard_normal(shape).astype(np.float32)
        ref = ref_torch.zeros(4, 5, 6).scatter_add(dim, ref_torch.from_numpy(idx), ref_torch.from_numpy(src))
        ours = torch.zeros(4, 5, 6).scatter_add(dim, T(idx), T(src))
        np.testing.assert_allclose(N(ours), ref.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dt", DTYPES)
def test_masked_ops(dt):
    a = (arange(3, 4) % 5).astype(dt.numpy)
    m = (arange(3, 4) % 3 == 0)
    same(torch.masked_select(T(a), T(m)), a[m])
    same(T(a).masked_select(T(m[0])), a[np.broadcast_to(m[0], a.shape)])          # mask broadcast
    same(T(a[0]).masked_select(T(m)), np.broadcast_to(a[0], m.shape)[m])          # input broadcast
    same(noncontig(a).masked_select(T(m)), a[m])
    same(T(a).masked_select(T(m.astype(np.uint8))), a[m])
    e = a.copy()
    e[m] = 1
    same(T(a).masked_fill(T(m), 1), e)
    same(T(a).masked_fill(T(m), T(np.array(1))), e)
    x = noncontig(a)
    x.masked_fill_(T(m), 1)
    same(x, e)
    e = a.copy()
    e[:, m[0]] = 0
    same(T(a).masked_fill(T(m[0]), 0), e)
    src = (np.arange(20) % 4).astype(dt.numpy)
    e = a.copy()
    e[m] = src[:m.sum()]
    same(T(a).masked_scatter(T(m), T(src)), e)


def test_nonzero_take_put(rng):
    for dt in DTYPES:
        a = (rng.integers(0, 3, (3, 4, 2))).astype(dt.numpy)
        same(torch.nonzero(T(a)), np.argwhere(a))
        same(torch.argwhere(noncontig(a)), np.argwhere(a))
        tup = torch.nonzero(T(a), as_tuple=True)
        assert len(tup) == 3
        for o, e in zip(tup, np.nonzero(a)):
            same(o, e)
    f = np.array([0.0, -0.0, np.nan, 1.0], np.float32)
    same(torch.nonzero(T(f)), np.argwhere(f))
    same(torch.nonzero(T(np.float32(2))), np.zeros((1, 0), np.int64))
    same(torch.nonzero(T(np.zeros((0, 3)))), np.zeros((0, 2), np.int64))
    a = arange(3, 4)
    same(torch.take(T(a), T([[0, -1], [5, 11]])), a.reshape(-1)[[[0, -1], [5, 11]]])
    same(noncontig(a).take(T([1, 2, -12])), a.reshape(-1)[[1, 2, -12]])
    x = T(a)
    x.put_(T([0, -1, 5]), T([10.0, 20.0, 30.0], torch.float32))
    e = a.copy().reshape(-1)
    e[[0, -1, 5]] = [10, 20, 30]
    same(x, e.reshape(3, 4))
    x = noncontig(a)
    x.put_(T([1, 1, 2]), T([1.0, 2.0, 3.0], torch.float32), accumulate=True)
    e = a.copy().reshape(-1)
    np.add.at(e, [1, 1, 2], [1, 2, 3])
    same(x, e.reshape(3, 4))
    same(torch.take_along_dim(T(a), T([[0], [2], [1]]), 1), np.take_along_axis(a, np.array([[0], [2], [1]]), 1))
    same(torch.take_along_dim(T(a), T([3, 0])), a.reshape(-1)[[3, 0]])


def test_index_base_one_through_C():
    """The Lua frontend passes 1-based indices: the C functions take index_base."""
    a = arange(3, 4)
    src, idx = T(a), T([3, 1])

    def run(fn, *args):
        out = lib.THTensor_new(-1)
        return _finish(out, fn(out, *args))

    same(run(lib.THTensor_indexSelect, src._t, 1, idx._t, 1), a[:, [2, 0]])
    same(run(lib.THTensor_gather, src._t, 0, T([[1, 3, 2, 1]])._t, 1), a[[0, 2, 1, 0], [0, 1, 2, 3]][None])
    same(run(lib.THTensor_take, src._t, T([1, 12])._t, 1), a.reshape(-1)[[0, 11]])
    same(run(lib.THTensor_nonzero, T([0, 5, 0, 7])._t, 1), [[2], [4]])
    x = T(a)
    assert lib.THTensor_indexFill(x._t, 0, T([1])._t, -1.0, 1) == 0
    assert lib.THTensor_scatterFill(x._t, 1, T([[4], [4], [4]])._t, -2.0, 1) == 0
    assert lib.THTensor_put(x._t, T([2])._t, T([-3.0], torch.float32)._t, 0, 1) == 0
    e = a.copy()
    e[0] = -1
    e[:, 3] = -2
    e.reshape(-1)[1] = -3
    same(x, e)
    assert lib.THTensor_indexSelect(lib.THTensor_new(-1), src._t, 0, T([0])._t, 1) == lib.TH_ERR_INDEX
    assert "index 0 is out of bounds for dimension 0 with size 3" in ffi.string(lib.TH_lastError()).decode()


def test_op_errors():
    x = T(arange(5))
    with pytest.raises(IndexError, match=r"index_select\(\): index 7 is out of bounds for dimension 0 with size 5"):
        x.index_select(0, T([7]))
    with pytest.raises(IndexError, match=r"index_select\(\): index -1 is out of bounds"):
        x.index_select(0, T([-1]))
    with pytest.raises(TypeError, match=r"index_select\(\): Expected dtype int64 for index, got float64"):
        x.index_select(0, T([1.0]))
    with pytest.raises(TypeError, match="must be Tensor"):
        x.index_select(0, [1])
    with pytest.raises(ValueError, match="Index is supposed to be a vector"):
        x.index_select(0, T([[1]]))
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.index_select(1, T([0]))
    with pytest.raises(IndexError, match=r"gather\(\): index 5 is out of bounds for dimension 0 with size 5"):
        x.gather(0, T([5]))
    with pytest.raises(ValueError, match=r"gather\(\): Size does not match at dimension 1"):
        T(arange(2, 2)).gather(0, T([[0, 0, 0]]))
    with pytest.raises(ValueError, match="same number of dimensions"):
        T(arange(2, 2)).gather(0, T([0]))
    with pytest.raises(IndexError, match=r"scatter\(\): index 9 is out of bounds"):
        x.clone().scatter_(0, T([9]), T([1.0], torch.float32))
    with pytest.raises(TypeError, match="same dtype|src.dtype"):
        x.clone().scatter_(0, T([1]), T([1.0], torch.float64))
    with pytest.raises(ValueError, match="source must have the shape"):
        x.clone().index_copy_(0, T([1, 2]), T([1.0], torch.float32))
    with pytest.raises(IndexError, match=r"index_add\(\): index 5 is out of bounds"):
        x.clone().index_add_(0, T([5]), T([1.0], torch.float32))
    with pytest.raises(TypeError, match="bool or uint8"):
        x.masked_fill(T([1, 0, 1, 0, 1]), 0)
    with pytest.raises(ValueError, match=r"masked_fill"):
        x.clone().masked_fill_(T(np.ones(3, bool)), 0)
    with pytest.raises(ValueError, match="masked_fill"):
        x.masked_fill(T(np.ones(5, bool)), T([1.0, 2.0]))
    with pytest.raises(ValueError, match="The size of tensor a"):
        x.masked_select(T(np.ones(3, bool)))
    with pytest.raises(ValueError, match="Number of elements of source < number of ones in mask"):
        x.clone().masked_scatter_(T(np.ones(5, bool)), T([1.0], torch.float32))
    with pytest.raises(IndexError, match=r"take\(\): index 5 is out of bounds for a tensor with 5 elements"):
        x.take(T([5]))
    with pytest.raises(IndexError, match=r"put\(\): index -6 is out of bounds"):
        x.clone().put_(T([-6]), T([1.0], torch.float32))
    with pytest.raises(ValueError, match="same number of elements"):
        x.clone().put_(T([0, 1]), T([1.0], torch.float32))
    with pytest.raises(IndexError, match="out of bounds"):
        T(np.zeros(0, np.float32)).take(T([0]))
    m = T(arange(3, 4))                                    # rows: the block-copy path
    with pytest.raises(IndexError, match=r"index_select\(\): index 9 is out of bounds for dimension 0 with size 3"):
        m.index_select(0, T([0, 9]))
    with pytest.raises(IndexError, match=r"index_copy\(\): index -4 is out of bounds for dimension 0 with size 3"):
        m.clone().index_copy_(0, T([0, -4]), T(np.ones((2, 4), np.float32)))
    # errors leave the target untouched
    y = x.clone()
    with pytest.raises(IndexError):
        y.index_copy_(0, T([0, 9]), T([5.0, 6.0], torch.float32))
    same(y, arange(5))


def test_out_aliasing_input():
    x = T(arange(6))
    torch.gather(x, 0, T([5, 4, 3, 2, 1, 0]), out=x)
    same(x, arange(6)[::-1])
    i = T([2, 0, 1])
    torch.index_select(T(np.array([7, 8, 9])), 0, i, out=i)
    same(i, np.array([9, 7, 8]))


def test_out_is_the_input_with_another_shape():
    x = T(arange(6))
    torch.index_select(x, 0, T([5, 0]), out=x)
    same(x, np.array([5.0, 0.0], np.float32))
    y = T(arange(2, 3))
    torch.masked_select(y, T(arange(2, 3) > 2), out=y)
    same(y, np.array([3.0, 4.0, 5.0], np.float32))
    i = T([0, 2, 0])
    torch.nonzero(i, out=i)
    same(i, np.array([[1]]))


def test_zero_dim_advanced_indices():
    a = arange(3, 4)
    same(T(a)[np.array(1), np.array(2)], a[1, 2])
    same(T(a)[[1], np.array(2)], a[[1], 2])
    x = T(a)
    x[np.array(1), np.array(2)] = -5
    assert N(x)[1, 2] == -5


def test_index_put(ref_torch):
    a = arange(3, 4)
    idx = (T([0, 0, 2]), T([1, 1, 3]))
    vals = T([1.0, 2.0, 3.0], torch.float32)
    r = ref_torch.from_numpy(a.copy())
    ridx = (ref_torch.tensor([0, 0, 2]), ref_torch.tensor([1, 1, 3]))
    rv = ref_torch.tensor([1.0, 2.0, 3.0])
    same(T(a).index_put(idx, vals, accumulate=True), r.index_put(ridx, rv, accumulate=True).numpy())
    x = T(a)
    x.index_put_((T([1, 2]),), T(np.float32(7)))
    e = a.copy()
    e[[1, 2]] = 7
    same(x, e)
    m = T(a > 5)
    same(T(a).index_put((m,), T(np.float32(1)), accumulate=True),
         r.index_put((ref_torch.from_numpy(a > 5),), ref_torch.tensor(1.0), accumulate=True).numpy())
    same(T(a).index_put((T(1), T(2)), T(np.float32(10)), accumulate=True),
         r.index_put((ref_torch.tensor(1), ref_torch.tensor(2)), ref_torch.tensor(10.0), accumulate=True).numpy())
    with pytest.raises(IndexError, match="must be long, int, byte or bool"):
        T(a).index_put_((T([1.0]),), T(np.float32(1)))


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_index_case(), st.booleans())
def test_setitem_hypothesis_vs_pytorch(ref_torch, case, tensor_value):
    shape, key = case
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    rkey = tuple(ref_torch.from_numpy(k) if isinstance(k, np.ndarray) else k for k in key)
    r = ref_torch.from_numpy(a.copy())
    try:
        target_shape = tuple(r[rkey].shape)
    except (IndexError, RuntimeError, ValueError):
        return
    val = np.arange(int(np.prod(target_shape[-1:])), dtype=np.float64) + 100 if tensor_value else -1.0
    r[rkey] = ref_torch.from_numpy(np.asarray(val)) if tensor_value else val
    x = T(a)
    x[_ours(key)] = T(val) if tensor_value else val
    np.testing.assert_array_equal(N(x), r.numpy())


@st.composite
def _gather_case(draw):
    shape = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
    dim = draw(st.integers(0, len(shape) - 1))
    ishape = [draw(st.integers(0, s)) for s in shape]
    ishape[dim] = draw(st.integers(0, 6))
    return shape, dim, ishape, draw(st.integers(0, 2 ** 16)), draw(st.booleans())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_gather_case())
def test_dim_ops_hypothesis_vs_pytorch(ref_torch, case):
    shape, dim, ishape, seed, transposed = case
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape).astype(np.float32)
    x = noncontig(a) if transposed else T(a)
    r = ref_torch.from_numpy(a)
    idx = rng.integers(0, shape[dim], ishape)
    same(x.gather(dim, T(idx)), r.gather(dim, ref_torch.from_numpy(idx)).numpy())
    src = rng.standard_normal(ishape).astype(np.float32)
    ref = r.scatter_add(dim, ref_torch.from_numpy(idx), ref_torch.from_numpy(src))
    np.testing.assert_allclose(N(x.scatter_add(dim, T(idx), T(src))), ref.numpy(), rtol=1e-5, atol=1e-5)
    v = rng.integers(0, shape[dim], ishape[dim])
    same(x.index_select(dim, T(v)), r.index_select(dim, ref_torch.from_numpy(v)).numpy())
    sshape = list(shape)
    sshape[dim] = len(v)
    s2 = rng.standard_normal(sshape).astype(np.float32)
    ref = r.clone().index_add_(dim, ref_torch.from_numpy(v), ref_torch.from_numpy(s2), alpha=2.0)
    np.testing.assert_allclose(N(x.index_add(dim, T(v), T(s2), alpha=2.0)), ref.numpy(), rtol=1e-6, atol=1e-6)
    same(x.index_fill(dim, T(v), -3.0), r.index_fill(dim, ref_torch.from_numpy(v), -3.0).numpy())


def test_take_along_dim_broadcasts(ref_torch, rng):
    a = rng.standard_normal((3, 1, 5)).astype(np.float32)
    idx = rng.integers(0, 5, (1, 4, 2))
    same(torch.take_along_dim(T(a), T(idx), 2),
         ref_torch.take_along_dim(ref_torch.from_numpy(a), ref_torch.from_numpy(idx), 2).numpy())
    same(torch.take_along_dim(T(a), T(idx)), ref_torch.take_along_dim(ref_torch.from_numpy(a),
                                                                     ref_torch.from_numpy(idx)).numpy())
    with pytest.raises(ValueError, match="same number of dimensions"):
        torch.take_along_dim(T(a), T([0]), 0)
