"""The Tensor object model: geometry, views, copies between dtypes and layouts,
construction and conversions -- differential against numpy and PyTorch."""
import itertools

import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided as np_as_strided
from numpy.lib.stride_tricks import sliding_window_view

import pytorch_like as torch

DTYPES = [torch.float32, torch.float64, torch.float16, torch.uint8, torch.int8, torch.int16, torch.int32,
          torch.int64, torch.bool]
SHAPES = [(), (0,), (1,), (5,), (2, 3), (3, 1, 4), (0, 3), (2, 0, 5), (1, 1), (2, 3, 4, 5), (4, 1, 3, 1)]


def _same_view(ours, arr):
    """ours is a view whose values and geometry equal the numpy view arr."""
    assert tuple(ours.shape) == arr.shape
    got = ours.numpy()
    np.testing.assert_array_equal(got, arr)
    if arr.size > 1:
        for sz, s_ours, s_np in zip(arr.shape, ours.stride(), arr.strides):
            if sz > 1:
                assert s_ours * arr.itemsize == s_np, (ours.stride(), arr.strides)


def _rand(rng, shape, np_dt=np.float32):
    return np.asarray((rng.standard_normal(shape) * 10).astype(np_dt))


# ---------------------------------------------------------------------- geometry

@pytest.mark.parametrize("shape", SHAPES)
def test_geometry_matches_numpy_and_torch(ref_torch, shape):
    for d in DTYPES:
        t = torch.empty(shape, dtype=d)
        r = ref_torch.empty(shape, dtype=getattr(ref_torch, d.name))
        assert t.shape == tuple(r.shape) and t.size() == r.size()
        assert t.stride() == r.stride()
        assert t.dim() == r.dim() == t.ndim == len(shape)
        assert t.numel() == r.numel() == int(np.prod(shape))
        assert t.element_size() == r.element_size()
        assert t.is_contiguous()
        assert t.dtype is d
        if shape:
            assert len(t) == shape[0]
            assert t.size(-1) == shape[-1] and t.stride(0) == r.stride(0)


def test_size_is_a_tuple_with_torch_repr():
    s = torch.empty(2, 3).shape
    assert s == (2, 3) and isinstance(s, tuple) and repr(s) == "pytorch_like.Size([2, 3])"
    assert s.numel() == 6 and torch.empty(()).shape == () and repr(torch.empty(()).shape) == "pytorch_like.Size([])"


def test_zero_dim_tensor():
    t = torch.tensor(3.5)
    assert t.dim() == 0 and t.shape == () and t.numel() == 1 and t.stride() == ()
    assert t.item() == 3.5 and t.tolist() == 3.5 and float(t) == 3.5 and int(t) == 3
    with pytest.raises(TypeError, match="0-d"):
        len(t)
    with pytest.raises(TypeError, match="0-d"):
        iter(t)
    assert t.view(1).shape == (1,) and t.reshape(1, 1).shape == (1, 1) and t.unsqueeze(0).shape == (1,)
    assert t.flatten().shape == (1,) and t.squeeze().shape == () and t.t().shape == ()
    assert t.expand(3, 2).numpy().tolist() == [[3.5, 3.5]] * 3
    assert t.unfold(0, 1, 1).shape == (1,)


# ---------------------------------------------------------------------- views

@pytest.mark.parametrize("shape,new", [((2, 3, 4), (6, 4)), ((2, 3, 4), (-1,)), ((2, 3, 4), (4, -1)),
                                       ((2, 3, 4), (2, 1, 3, 1, 4)), ((0, 3), (3, 0)), ((0, 3), (-1, 3)),
                                       ((6,), (2, 3)), ((1,), ()), ((), (1, 1, 1)), ((4, 0), (0, 4))])
def test_view_and_reshape_contiguous(rng, ref_torch, shape, new):
    a = _rand(rng, shape)
    t = torch.from_numpy(a)
    v = t.view(*new)
    expect = a.reshape(new)
    _same_view(v, expect)
    assert v.stride() == ref_torch.zeros(shape).view(new).stride()
    v2 = t.reshape(new)
    assert v2.data_ptr() == t.data_ptr() or t.numel() == 0
    if t.numel():
        v.fill_(7)
        assert (a == 7).all()  # a view shares memory


def test_view_non_contiguous_compatible_and_not(rng, ref_torch):
    a = _rand(rng, (4, 6, 5))
    t = torch.from_numpy(a).permute(1, 0, 2)       # (6, 4, 5) with strides (5, 30, 1)
    r = ref_torch.from_numpy(a).permute(1, 0, 2)
    ok = t.view(6, 4, 5, 1).view(3, 2, 2, 2, 5)
    assert ok.stride() == r.view(6, 4, 5, 1).view(3, 2, 2, 2, 5).stride()
    np.testing.assert_array_equal(ok.numpy(), a.transpose(1, 0, 2).reshape(3, 2, 2, 2, 5))
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        t.view(24, 5)
    # reshape copies exactly when view cannot
    c = t.reshape(24, 5)
    assert c.data_ptr() != t.data_ptr()
    np.testing.assert_array_equal(c.numpy(), a.transpose(1, 0, 2).reshape(24, 5))
    c.fill_(0)
    assert a.any()
    tt = torch.from_numpy(a).transpose(0, 2)
    assert tt.reshape(5, 24).data_ptr() != tt.data_ptr()
    s = torch.from_numpy(a).select(0, 1)
    assert s.reshape(30).data_ptr() == s.data_ptr()


def test_view_as_and_reshape_as():
    a = torch.empty(2, 6)
    assert a.view_as(torch.empty(3, 4)).shape == (3, 4)
    assert a.reshape_as(torch.empty(12)).shape == (12,)


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (1, 5), (0, 3), (2, 1, 0)])
def test_transpose_permute_t(rng, shape):
    a = _rand(rng, shape)
    t = torch.from_numpy(a)
    n = len(shape)
    for d0, d1 in itertools.product(range(-n, n), repeat=2):
        _same_view(t.transpose(d0, d1), np.swapaxes(a, d0, d1))
    for p in itertools.permutations(range(n)):
        v = t.permute(*p)
        _same_view(v, a.transpose(p))
        assert v.data_ptr() == t.data_ptr() or a.size == 0
        _same_view(t.permute(p), a.transpose(p))
    _same_view(t.T, a.T)
    if n == 2:
        _same_view(t.t(), a.T)
        _same_view(t.mT, a.T)


def test_narrow_select(rng):
    a = _rand(rng, (5, 6, 7))
    t = torch.from_numpy(a)
    for dim in range(-3, 3):
        size = a.shape[dim]
        for start in range(-size, size + 1):
            s0 = start % size if start < 0 else start
            for length in (0, 1, size - s0):
                if length < 0 or s0 + length > size:
                    continue
                idx = [slice(None)] * 3
                idx[dim] = slice(s0, s0 + length)
                _same_view(t.narrow(dim, start, length), a[tuple(idx)])
        for i in range(-size, size):
            idx = [slice(None)] * 3
            idx[dim] = i
            _same_view(t.select(dim, i), a[tuple(idx)])
    # chains of views keep the storage offset right
    v = t.narrow(0, 1, 3).select(2, 4).narrow(1, 2, 2)
    _same_view(v, a[1:4, 2:4, 4])
    assert v.storage_offset() == 1 * 42 + 2 * 7 + 4


@pytest.mark.parametrize("shape,target", [((3, 1), (3, 4)), ((1,), (5,)), ((), (2, 3)), ((2, 1, 3), (4, 2, 5, 3)),
                                          ((1, 1), (0, 3)), ((3,), (2, 3)), ((2, 1), (-1, 6)), ((1,), (1,))])
def test_expand_stride_zero(rng, ref_torch, shape, target):
    a = _rand(rng, shape)
    t = torch.from_numpy(a)
    e = t.expand(*target)
    r = ref_torch.from_numpy(a).expand(*target)
    assert e.shape == tuple(r.shape) and e.stride() == r.stride()
    np.testing.assert_array_equal(e.numpy(), np.broadcast_to(a, tuple(r.shape)))
    assert e.expand_as(e).shape == e.shape
    if a.size:
        assert e.data_ptr() == t.data_ptr()


@pytest.mark.parametrize("dim,size,step", [(0, 2, 1), (0, 3, 2), (1, 1, 1), (1, 4, 4), (1, 4, 1), (-1, 2, 3), (0, 0, 1)])
def test_unfold(rng, ref_torch, dim, size, step):
    a = _rand(rng, (5, 4))
    t = torch.from_numpy(a)
    u = t.unfold(dim, size, step)
    r = ref_torch.from_numpy(a).unfold(dim, size, step)
    assert u.shape == tuple(r.shape) and u.stride() == r.stride()
    np.testing.assert_array_equal(u.numpy(), r.numpy())
    if size:
        w = sliding_window_view(a, size, axis=dim)
        idx = [slice(None)] * 2
        idx[dim] = slice(None, None, step)
        np.testing.assert_array_equal(u.numpy(), w[tuple(idx)])


def test_squeeze_unsqueeze(rng, ref_torch):
    a = _rand(rng, (1, 3, 1, 2, 1))
    t, r = torch.from_numpy(a), ref_torch.from_numpy(a)
    assert t.squeeze().shape == tuple(r.squeeze().shape)
    for d in range(-5, 5):
        assert t.squeeze(d).shape == tuple(r.squeeze(d).shape)
        assert t.squeeze(d).stride() == r.squeeze(d).stride()
    assert t.squeeze((0, 2)).shape == (3, 2, 1)
    for d in range(-6, 6):
        u, ru = t.unsqueeze(d), r.unsqueeze(d)
        assert u.shape == tuple(ru.shape) and u.stride() == ru.stride()
        np.testing.assert_array_equal(u.numpy(), np.expand_dims(a, d))
    z = torch.empty(0, 1, 3)
    assert z.squeeze().shape == (0, 3) and z.unsqueeze(1).shape == (0, 1, 1, 3)


@pytest.mark.parametrize("shape,s,e", [((2, 3, 4), 0, -1), ((2, 3, 4), 1, 2), ((2, 3, 4), 0, 1), ((2, 3, 4), 2, 2),
                                       ((0, 3), 0, 1), ((5,), 0, 0)])
def test_flatten(rng, ref_torch, shape, s, e):
    a = _rand(rng, shape)
    t, r = torch.from_numpy(a), ref_torch.from_numpy(a)
    f = t.flatten(s, e)
    assert f.shape == tuple(r.flatten(s, e).shape)
    np.testing.assert_array_equal(f.numpy(), r.flatten(s, e).numpy())
    assert t.ravel().shape == (a.size,)
    # flatten of a transposed tensor copies
    tt = torch.from_numpy(_rand(rng, (3, 4))).t()
    np.testing.assert_array_equal(tt.flatten().numpy(), tt.numpy().reshape(-1))
    assert t.unflatten(0, (shape[0], 1)).shape == (shape[0], 1) + tuple(shape[1:])


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3), (2, 3, 4), (0, 3), (1, 1)])
def test_diagonal_offsets(rng, ref_torch, shape):
    a = _rand(rng, shape)
    t, r = torch.from_numpy(a), ref_torch.from_numpy(a)
    n = len(shape)
    for off in range(-6, 7):
        for d1, d2 in itertools.permutations(range(n), 2):
            v = t.diagonal(off, d1, d2)
            rv = r.diagonal(off, d1, d2)
            assert v.shape == tuple(rv.shape)
            np.testing.assert_array_equal(v.numpy(), np.diagonal(a, off, d1, d2))
            if rv.numel():
                assert v.stride() == rv.stride() and v.storage_offset() == rv.storage_offset()


def test_diagonal_is_writable_view():
    a = np.zeros((3, 3), np.float32)
    torch.from_numpy(a).diagonal().fill_(2)
    torch.from_numpy(a).diagonal(1).fill_(3)
    assert a.tolist() == [[2, 3, 0], [0, 2, 3], [0, 0, 2]]


def test_as_strided(rng, ref_torch):
    a = _rand(rng, (12,))
    t, r = torch.from_numpy(a), ref_torch.from_numpy(a)
    for size, stride, off in [((3, 4), (4, 1), 0), ((4, 3), (1, 4), 0), ((2, 2), (1, 1), 3), ((5,), (0,), 2),
                              ((2, 3), (6, 2), 1), ((0, 5), (100, 100), 12), ((), (), 11)]:
        v = t.as_strided(size, stride, off)
        rv = r.as_strided(size, stride, off)
        assert v.shape == tuple(rv.shape) and v.stride() == rv.stride() and v.storage_offset() == off
        np.testing.assert_array_equal(v.numpy(), rv.numpy())
        np.testing.assert_array_equal(v.numpy(), np_as_strided(a[off:], size, tuple(s * 4 for s in stride)))
    with pytest.raises(IndexError, match="out of bounds"):
        t.as_strided((3, 4), (4, 1), 1)
    with pytest.raises(IndexError, match="out of bounds"):
        t.as_strided((13,), (1,))
    with pytest.raises(ValueError, match="stride"):
        t.as_strided((2,), (-1,), 5)
    with pytest.raises(ValueError, match="offset"):
        t.as_strided((2,), (1,), -1)
    with pytest.raises(ValueError, match="mismatch"):
        t.as_strided((2, 2), (1,))


def test_as_strided_on_a_view_uses_the_storage(rng):
    a = _rand(rng, (4, 5))
    v = torch.from_numpy(a).narrow(0, 2, 2)
    np.testing.assert_array_equal(v.as_strided((2, 5), (5, 1)).numpy(), a[2:])
    np.testing.assert_array_equal(v.as_strided((2, 5), (5, 1), 0).numpy(), a[:2])


@pytest.mark.parametrize("make", [lambda t: t.t(), lambda t: t.narrow(1, 1, 2), lambda t: t.unsqueeze(1).expand(4, 3, 5),
                                  lambda t: t.select(1, 2), lambda t: t.diagonal(), lambda t: t.unfold(1, 2, 2)])
def test_contiguous_and_clone(rng, make):
    a = _rand(rng, (4, 5))
    v = make(torch.from_numpy(a))
    c = v.contiguous()
    assert c.is_contiguous()
    np.testing.assert_array_equal(c.numpy(), v.numpy())
    if v.is_contiguous():
        assert c is v
    else:
        assert c.data_ptr() != v.data_ptr()
    k = v.clone()
    assert k.is_contiguous() and k.data_ptr() != v.data_ptr()
    np.testing.assert_array_equal(k.numpy(), v.numpy())


def test_is_contiguous_matches_torch(rng, ref_torch):
    a = _rand(rng, (3, 1, 4))
    t, r = torch.from_numpy(a), ref_torch.from_numpy(a)
    for f in (lambda x: x, lambda x: x.transpose(0, 2), lambda x: x.transpose(0, 1), lambda x: x.narrow(2, 0, 2),
              lambda x: x.narrow(0, 1, 1), lambda x: x.expand(2, 3, 1, 4), lambda x: x.select(2, 1)):
        assert f(t).is_contiguous() == f(r).is_contiguous()


def test_views_share_storage_and_version():
    t = torch.zeros(3, 4)
    v = t.t().narrow(0, 1, 2)
    v0 = t._version
    v.fill_(5)
    assert t._version > v0
    assert t.numpy()[:, 1:3].tolist() == [[5, 5]] * 3
    assert t.numpy()[:, 0].tolist() == [0, 0, 0]


def test_iteration_yields_views():
    a = np.arange(6.).reshape(3, 2)
    rows = list(torch.from_numpy(a))
    assert [r.tolist() for r in rows] == a.tolist()
    rows[1].fill_(-1)
    assert a[1].tolist() == [-1, -1]


# ---------------------------------------------------------------------- copy_ and conversions

def _values_for(np_dt, rng, shape):
    """Values every dtype can hold exactly (so casting is defined and agrees with numpy)."""
    if np_dt == np.bool_:
        return rng.random(shape) > 0.5
    v = rng.integers(0, 100, shape).astype(np.float64)
    if np.issubdtype(np_dt, np.floating):
        v = v + rng.choice([0.0, 0.25, 0.5, 0.75], shape)   # fractions truncate on integer casts
        v = v * rng.choice([1, -1], shape) if np_dt != np.float16 else v
    return v.astype(np_dt)


@pytest.mark.parametrize("src_dt", DTYPES, ids=lambda d: d.name)
@pytest.mark.parametrize("dst_dt", DTYPES, ids=lambda d: d.name)
def test_copy_between_every_pair_of_dtypes(rng, src_dt, dst_dt):
    a = _values_for(src_dt.numpy, rng, (4, 6))
    if not dst_dt.is_signed and src_dt.is_signed:
        a = np.abs(a)
    src = torch.from_numpy(a)
    layouts = [
        (lambda x: x, lambda n: n),
        (lambda x: x.t(), lambda n: n.T),
        (lambda x: x.narrow(1, 1, 3), lambda n: n[:, 1:4]),
        (lambda x: x.select(1, 2).unsqueeze(1).expand(4, 5), lambda n: np.broadcast_to(n[:, 2:3], (4, 5))),
    ]
    for src_view, np_view in layouts:
        s = src_view(src)
        expect = np.ascontiguousarray(np_view(a)).astype(dst_dt.numpy)
        d = torch.empty(s.shape, dtype=dst_dt)
        d.copy_(s)
        np.testing.assert_array_equal(d.numpy(), expect)
        # a transposed destination too
        dt_ = torch.empty(tuple(reversed(s.shape)), dtype=dst_dt).t()
        dt_.copy_(s)
        np.testing.assert_array_equal(dt_.numpy(), expect)
        # to() / type conversions give the same values
        np.testing.assert_array_equal(s.to(dst_dt).numpy(), expect)


def test_copy_broadcasts_source():
    d = torch.zeros(3, 4)
    d.copy_(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    assert d.numpy().tolist() == [[1, 2, 3, 4]] * 3
    d.copy_(torch.tensor(7))
    assert (d.numpy() == 7).all()
    d.copy_([[1], [2], [3]])
    assert d.numpy()[:, 0].tolist() == [1, 2, 3]


def test_copy_overlapping_self():
    a = np.arange(16.).reshape(4, 4)
    t = torch.from_numpy(a)
    t.copy_(t.t())
    np.testing.assert_array_equal(a, np.arange(16.).reshape(4, 4).T)
    b = np.arange(10.)
    tb = torch.from_numpy(b)
    tb.narrow(0, 1, 9).copy_(tb.narrow(0, 0, 9))
    np.testing.assert_array_equal(b, [0, 0, 1, 2, 3, 4, 5, 6, 7, 8])


def test_float16_round_trip(rng):
    a = rng.standard_normal(1000).astype(np.float32) * 100
    h = torch.from_numpy(a).half()
    assert h.dtype is torch.float16
    np.testing.assert_array_equal(h.numpy(), a.astype(np.float16))
    np.testing.assert_array_equal(h.float().numpy(), a.astype(np.float16).astype(np.float32))
    specials = np.array([0.0, -0.0, np.inf, -np.inf, 65504, 65520, 1e-8, 6e-8, 5.96e-8, 1e5, 2.0 ** -24, 2.0 ** -25,
                         3 * 2.0 ** -26, 0.1, 1 / 3], dtype=np.float32)
    hs = torch.from_numpy(specials).half()
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(hs.numpy().view(np.uint16), specials.astype(np.float16).view(np.uint16))
    nan = torch.tensor([float("nan")]).half().float()
    assert np.isnan(nan.numpy()).all()
    bits = np.arange(65536, dtype=np.uint16).view(np.float16)
    back = torch.from_numpy(bits).float().numpy()
    np.testing.assert_array_equal(back, bits.astype(np.float32))
    for d in (torch.int64, torch.int8, torch.uint8, torch.bool, torch.float64, torch.int32):
        np.testing.assert_array_equal(torch.from_numpy(bits[np.isfinite(bits) & (np.abs(bits) < 100)]).to(d).numpy(),
                                      bits[np.isfinite(bits) & (np.abs(bits) < 100)].astype(d.numpy))


def test_float64_to_float16_matches_torch(ref_torch, rng):
    a = rng.standard_normal(2000) * 10.0 ** rng.integers(-8, 6, 2000)
    a = np.concatenate([a, [1 + 2 ** -11 + 2 ** -40, 65519.99, 1e-9]])
    ours = torch.from_numpy(a).half().numpy().view(np.uint16)
    ref = ref_torch.from_numpy(a).half().numpy().view(np.uint16)
    np.testing.assert_array_equal(ours, ref)


def test_fill_every_dtype(ref_torch):
    for d in DTYPES:
        for v in (0, 1, 3, True, 2.5, -1):
            if v == -1 and d is torch.bool:
                continue
            t = torch.empty(2, 3, dtype=d).fill_(v)
            r = ref_torch.empty(2, 3, dtype=getattr(ref_torch, d.name)).fill_(v)
            assert t.tolist() == r.tolist(), (d, v)
    t = torch.zeros(3, 4).t().fill_(2)
    assert (t.numpy() == 2).all()
    assert torch.zeros(2).fill_(torch.tensor(4)).tolist() == [4, 4]
    assert torch.ones(2, dtype=torch.int64).zero_().tolist() == [0, 0]
    big = torch.empty(1, dtype=torch.int64).fill_(2 ** 62 + 1)
    assert big.item() == 2 ** 62 + 1


def test_fill_refuses_values_that_do_not_fit(ref_torch):
    for d, v in ((torch.int32, 2 ** 40), (torch.int8, 128), (torch.int64, 2 ** 63), (torch.uint8, 256),
                 (torch.float16, 1e6), (torch.int16, float("nan"))):
        with pytest.raises(RuntimeError, match="without overflow"):
            torch.zeros(2, dtype=d).fill_(v)
        with pytest.raises(RuntimeError):
            ref_torch.zeros(2, dtype=getattr(ref_torch, d.name)).fill_(v)
    assert torch.zeros(2, dtype=torch.uint8).fill_(-1).tolist() == [255, 255]
    assert torch.zeros(1, dtype=torch.float32).fill_(float("inf")).item() == float("inf")
    with pytest.raises(TypeError, match="fill value"):
        torch.zeros(2).fill_("x")


def test_conversion_methods(rng):
    a = _rand(rng, (2, 3), np.float64)
    t = torch.from_numpy(a)
    for name, d in [("float", torch.float32), ("double", torch.float64), ("half", torch.float16),
                    ("long", torch.int64), ("int", torch.int32), ("short", torch.int16), ("char", torch.int8),
                    ("byte", torch.uint8), ("bool", torch.bool)]:
        c = getattr(t, name)()
        assert c.dtype is d
        with np.errstate(invalid="ignore"):
            np.testing.assert_array_equal(c.numpy(), a.astype(d.numpy))
    assert t.double() is t and t.to(torch.float64) is t and t.cpu() is t
    assert t.to(torch.float64, copy=True) is not t
    assert t.to("cpu") is t and t.to(device="cpu", dtype=torch.float32).dtype is torch.float32
    assert t.to(torch.empty(1, dtype=torch.int16)).dtype is torch.int16
    assert t.type() == "pytorch_like.DoubleTensor"
    assert t.type(torch.int32).dtype is torch.int32
    assert t.type("torch.FloatTensor").dtype is torch.float32
    assert t.type("pytorch_like.LongTensor").dtype is torch.int64
    assert torch.empty(1, dtype=torch.bool).type() == "pytorch_like.BoolTensor"
    with pytest.raises(TypeError, match="invalid type"):
        t.type("torch.ComplexTensor")
    with pytest.raises(RuntimeError, match="device"):
        t.to("cuda")
    with pytest.raises(TypeError, match="to\\(\\)"):
        t.to(3.5)


def test_item_and_tolist(ref_torch):
    for d in DTYPES:
        rd = getattr(ref_torch, d.name)
        for v in (0, 1, 5):
            t, r = torch.tensor(v, dtype=d), ref_torch.tensor(v, dtype=rd)
            assert t.item() == r.item() and type(t.item()) is type(r.item()), d
        data = [[1, 0, 3], [4, 5, 1]]
        t, r = torch.tensor(data, dtype=d), ref_torch.tensor(data, dtype=rd)
        assert t.tolist() == r.tolist()
        assert [type(x) for x in t.tolist()[0]] == [type(x) for x in r.tolist()[0]]
        assert t.t().tolist() == r.t().tolist()
    assert torch.tensor(2 ** 62 + 3).item() == 2 ** 62 + 3
    assert torch.tensor([[1.5]]).item() == 1.5
    assert torch.empty(0, 2).tolist() == []
    with pytest.raises(ValueError, match="4 elements"):
        torch.zeros(4).item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(torch.zeros(2))
    assert bool(torch.tensor([1])) and not bool(torch.tensor(0.0))
    assert torch.tensor(7).__index__() == 7 and [10, 20, 30][torch.tensor(1)] == 20
    with pytest.raises(TypeError, match="integer tensors of a single element"):
        torch.tensor(1.5).__index__()


# ---------------------------------------------------------------------- construction

TENSOR_DATA = [
    [1, 2, 3], [1.0, 2, 3], [True, False], [True, 1], [True, 1.5], [[1, 2], [3, 4]], 3, 3.5, True, [], [[]],
    [[[]]], [[1.5], [2.5]], [0.1, -0.0], (1, 2), ((1.0,), (2.0,)), [np.float64(1.0)], np.float32(2.5),
    np.int32(7), [np.int16(1), 2], [np.uint8(3), np.int8(3)], [np.float32(1), 2.5], [np.bool_(True), False],
    np.arange(6).reshape(2, 3), np.arange(3, dtype=np.float32), np.array(True), np.zeros((0, 2), np.int16),
    [np.arange(2), np.arange(2)], [2 ** 40, -2 ** 62], [float("inf"), float("nan")], [1e300],
]


@pytest.mark.parametrize("i", range(len(TENSOR_DATA)))
def test_tensor_dtype_inference_matches_torch(ref_torch, i):
    import warnings
    data = TENSOR_DATA[i]
    ours = torch.tensor(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ref_torch.tensor(data)
    assert ours.dtype.name == str(ref.dtype).split(".")[1]
    assert ours.shape == tuple(ref.shape)
    np.testing.assert_array_equal(ours.numpy(), ref.numpy())


@pytest.mark.parametrize("d", DTYPES, ids=lambda d: d.name)
def test_tensor_with_explicit_dtype(ref_torch, d):
    rd = getattr(ref_torch, d.name)
    for data in ([1, 2, 3], [[0.5, 1.5], [2.0, 0.0]], [True, False], 7, np.arange(4.0) * 1.5, [np.float32(1.75), 2.0]):
        if isinstance(data, list) and isinstance(data[0], np.float32) and not d.is_floating_point:
            continue  # PyTorch refuses numpy float scalars for integer dtypes; we cast them
        ours, ref = torch.tensor(data, dtype=d), ref_torch.tensor(data, dtype=rd)
        assert ours.dtype is d
        np.testing.assert_array_equal(ours.numpy(), ref.numpy())


def test_tensor_from_tensors_and_default_dtype(ref_torch):
    a = torch.tensor([1.0, 2.0])
    b = torch.tensor(a)
    assert b.data_ptr() != a.data_ptr() and b.tolist() == [1.0, 2.0]
    assert torch.tensor([torch.tensor(1), torch.tensor(2)]).dtype is torch.int64
    assert torch.tensor(a, dtype=torch.int64).tolist() == [1, 2]
    torch.set_default_dtype(torch.float64)
    try:
        assert torch.tensor([1.5]).dtype is torch.float64 and torch.empty(2).dtype is torch.float64
        assert torch.tensor([1]).dtype is torch.int64
    finally:
        torch.set_default_dtype(torch.float32)
    assert torch.tensor([1.5]).dtype is torch.float32


def test_tensor_requires_grad_flag():
    t = torch.tensor([1.0], requires_grad=True)
    assert t.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        torch.tensor([1], requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        t.numpy()
    assert t.numpy(force=True).tolist() == [1.0]


def test_factories(ref_torch):
    for f in ("zeros", "ones"):
        for d in DTYPES:
            t = getattr(torch, f)(2, 3, dtype=d)
            r = getattr(ref_torch, f)(2, 3, dtype=getattr(ref_torch, d.name))
            assert t.tolist() == r.tolist() and t.dtype is d
    assert torch.zeros((2, 3)).shape == (2, 3) and torch.zeros([4]).shape == (4,) and torch.ones(()).shape == ()
    assert torch.zeros(torch.Size([2, 1])).shape == (2, 1)
    assert torch.full((2, 2), 7).dtype is torch.int64 and torch.full((2,), 1.5).dtype is torch.float32
    assert torch.full((2,), True).dtype is torch.bool
    assert torch.full((2, 2), 7).tolist() == ref_torch.full((2, 2), 7).tolist()
    x = torch.tensor([[1, 2]], dtype=torch.int16)
    for f in ("zeros_like", "ones_like", "empty_like"):
        y = getattr(torch, f)(x)
        assert y.shape == x.shape and y.dtype is torch.int16
    assert torch.full_like(x, 3).tolist() == [[3, 3]]
    assert torch.zeros_like(x, dtype=torch.float64).dtype is torch.float64
    out = torch.empty(0)
    assert torch.zeros(3, out=out) is out and out.tolist() == [0, 0, 0]
    assert torch.is_tensor(x) and not torch.is_tensor(3) and torch.numel(x) == 2
    with pytest.raises(TypeError):
        torch.Tensor([1, 2])


def test_as_tensor_shares_when_it_can():
    a = np.arange(4.0)
    t = torch.as_tensor(a)
    t.fill_(1)
    assert (a == 1).all()
    assert torch.as_tensor(a, dtype=torch.float32).data_ptr() != t.data_ptr()
    assert torch.as_tensor(t) is t
    assert torch.as_tensor([1, 2]).tolist() == [1, 2]


def test_pickle_and_deepcopy():
    import copy
    import pickle
    t = torch.tensor([[1, 2], [3, 4]], dtype=torch.int16).t()
    u = pickle.loads(pickle.dumps(t))
    assert u.dtype is torch.int16 and u.tolist() == t.tolist()
    c = copy.deepcopy(t)
    assert c.tolist() == t.tolist() and c.data_ptr() != t.data_ptr()
    assert pickle.loads(pickle.dumps(torch.float16)) is torch.float16


# ---------------------------------------------------------------------- random view chains

def _random_view_step(rng, t, a):
    """Apply one random view op to tensor t and the same op to numpy view a."""
    n = a.ndim
    op = rng.integers(9)
    if op == 0 and n >= 2:
        d0, d1 = (int(x) for x in rng.integers(-n, n, 2))
        return t.transpose(d0, d1), np.swapaxes(a, d0, d1)
    if op == 1 and n >= 1:
        p = [int(x) for x in rng.permutation(n)]
        return t.permute(*p), a.transpose(p)
    if op == 2 and n >= 1:
        d = int(rng.integers(n))
        size = a.shape[d]
        start = int(rng.integers(0, size + 1))
        length = int(rng.integers(0, size - start + 1))
        idx = [slice(None)] * n
        idx[d] = slice(start, start + length)
        return t.narrow(d, start, length), a[tuple(idx)]
    if op == 3 and n >= 1 and all(a.shape):
        d = int(rng.integers(n))
        i = int(rng.integers(-a.shape[d], a.shape[d]))
        idx = [slice(None)] * n
        idx[d] = i
        return t.select(d, i), a[tuple(idx)]
    if op == 4 and n < 6:
        d = int(rng.integers(-n - 1, n + 1))
        return t.unsqueeze(d), np.expand_dims(a, d)
    if op == 5:
        return t.squeeze(), a.squeeze()
    if op == 6 and n >= 1:
        d = int(rng.integers(n))
        if a.shape[d] == 1:
            new = list(a.shape)
            new[d] = int(rng.integers(0, 4))
            return t.expand(*new), np.broadcast_to(a, new)
    if op == 7 and n >= 1 and a.shape[-1] >= 1:
        size = int(rng.integers(1, a.shape[-1] + 1))
        step = int(rng.integers(1, 3))
        w = sliding_window_view(a, size, axis=n - 1)
        return t.unfold(n - 1, size, step), w[..., ::step, :]
    if op == 8 and n >= 2:
        off = int(rng.integers(-2, 3))
        return t.diagonal(off, 0, 1), np.diagonal(a, off, 0, 1)
    return t, a


def test_random_view_chains_match_numpy(rng):
    for trial in range(300):
        shape = tuple(int(x) for x in rng.integers(0, 5, rng.integers(0, 5)))
        base = np.asarray(np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) + 1)
        t, a = torch.from_numpy(base), base
        for step in range(6):
            t, a = _random_view_step(rng, t, a)
            assert tuple(t.shape) == a.shape, (trial, step)
            n = t.numpy()
            np.testing.assert_array_equal(n, a)
            if a.size:
                assert np.shares_memory(n, base)
            # reshape / contiguous / clone of any view give the same values
            np.testing.assert_array_equal(t.contiguous().numpy(), a)
            np.testing.assert_array_equal(t.reshape(-1).numpy(), a.reshape(-1))
            np.testing.assert_array_equal(t.clone().numpy(), a)
            if t.numel():
                np.testing.assert_array_equal(t.flatten().numpy(), a.reshape(-1))


@pytest.mark.parametrize("shape,perm", [((70, 100), (1, 0)), ((3, 70, 100), (0, 2, 1)), ((65, 33, 3), (1, 0, 2)),
                                        ((2, 3, 65, 97), (0, 3, 1, 2)), ((129, 2, 64), (2, 1, 0)),
                                        ((200, 300), (1, 0))])
@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int8, np.int16])
def test_large_transposed_copies(rng, shape, perm, dt):
    """Layouts big enough for the engine's tiled (cache-blocked) visiting order, with partial tiles."""
    a = (rng.standard_normal(shape) * 50).astype(dt)
    v = torch.from_numpy(a).permute(*perm)
    expect = np.ascontiguousarray(a.transpose(perm))
    np.testing.assert_array_equal(v.contiguous().numpy(), expect)
    np.testing.assert_array_equal(v.double().numpy(), expect.astype(np.float64))
    # transposed destination, contiguous source
    d = torch.empty(tuple(reversed(expect.shape)), dtype=torch.dtypes.NUMPY_TO_DTYPE[np.dtype(dt)])
    d = d.permute(*range(d.dim() - 1, -1, -1))
    d.copy_(torch.from_numpy(expect))
    np.testing.assert_array_equal(d.numpy(), expect)
    # a broadcast source into a transposed destination
    row = torch.from_numpy(np.ascontiguousarray(expect[..., :1]))
    d.copy_(row)
    np.testing.assert_array_equal(d.numpy(), np.broadcast_to(expect[..., :1], expect.shape))
