"""numpy interop: from_numpy and .numpy() share memory both ways; tensor() copies;
__array__ serves np.asarray and ufuncs; unsupported arrays are refused clearly."""
import gc
import sys
import weakref

import numpy as np
import pytest

import pytorch_like as torch

NP_DTYPES = [np.float32, np.float64, np.float16, np.uint8, np.int8, np.int16, np.int32, np.int64, np.bool_]


@pytest.mark.parametrize("np_dt", NP_DTYPES)
def test_from_numpy_shares_memory_both_ways(np_dt):
    a = np.zeros((3, 4), dtype=np_dt)
    t = torch.from_numpy(a)
    assert t.dtype.numpy == np.dtype(np_dt) and t.shape == (3, 4)
    assert t.data_ptr() == a.__array_interface__["data"][0]
    a[1, 2] = 1
    assert t.tolist()[1][2] == 1
    t.fill_(1)
    assert (a == 1).all()
    n = t.numpy()
    assert np.shares_memory(n, a) and n.dtype == a.dtype


@pytest.mark.parametrize("np_dt", NP_DTYPES)
def test_numpy_shares_memory_with_the_tensor(np_dt):
    t = torch.zeros(2, 3, dtype=torch.dtypes.NUMPY_TO_DTYPE[np.dtype(np_dt)])
    n = t.numpy()
    assert n.dtype == np.dtype(np_dt) and n.shape == (2, 3) and n.flags.writeable
    n[0, 1] = 1
    assert t.tolist()[0][1] == 1
    t.zero_()
    assert not n.any()
    assert n.__array_interface__["data"][0] == t.data_ptr()


def test_numpy_of_views_keeps_geometry():
    a = np.arange(24.0).reshape(2, 3, 4)
    t = torch.from_numpy(a)
    for v, expect in ((t.transpose(0, 2), a.transpose(2, 1, 0)), (t.narrow(2, 1, 2), a[:, :, 1:3]),
                      (t.select(1, 1), a[:, 1]), (t.unsqueeze(0).expand(5, 2, 3, 4), np.broadcast_to(a, (5, 2, 3, 4))),
                      (t.diagonal(0, 1, 2), np.diagonal(a, 0, 1, 2))):
        n = v.numpy()
        np.testing.assert_array_equal(n, expect)
        assert n.strides == tuple(s * 8 for s in v.stride())
        assert np.shares_memory(n, a)


def test_from_numpy_of_non_contiguous_arrays():
    a = np.arange(60.0).reshape(3, 4, 5)
    for view in (a.T, a[:, ::2], a[1:, 1:3, ::3], a[..., 2], np.broadcast_to(a[:1], (4, 4, 5)), a[:, :0],
                 np.asfortranarray(a)):
        if view.flags.writeable:
            t = torch.from_numpy(view)
        else:   # a broadcast view is read-only: PyTorch's warning
            with pytest.warns(UserWarning, match="not writable"):
                t = torch.from_numpy(view)
        np.testing.assert_array_equal(t.numpy(), view)
        assert t.stride() == tuple(s // 8 for s in view.strides) or view.size == 0
        if view.size and view.flags.writeable:
            t.fill_(-1)
            assert (view == -1).all()
            a[...] = np.arange(60.0).reshape(3, 4, 5)


def test_from_numpy_of_zero_dim_and_empty():
    a = np.array(2.5)
    t = torch.from_numpy(a)
    assert t.shape == () and t.item() == 2.5
    t.fill_(1)
    assert a == 1
    e = torch.from_numpy(np.zeros((0, 3), np.int32))
    assert e.shape == (0, 3) and e.numel() == 0 and e.numpy().shape == (0, 3)
    assert torch.empty(0).numpy().shape == (0,)


def test_from_numpy_keeps_array_alive():
    a = np.arange(1000.0)
    ref = weakref.ref(a) if hasattr(a, "__weakref__") else None
    t = torch.from_numpy(a)
    v = t.narrow(0, 10, 5)
    del a
    gc.collect()
    big = [np.full(1000, 7.0) for _ in range(50)]  # reuse freed memory if it was freed
    assert v.tolist() == [10.0, 11.0, 12.0, 13.0, 14.0]
    assert t.numpy()[999] == 999.0
    del big
    del t
    gc.collect()
    assert v.tolist() == [10.0, 11.0, 12.0, 13.0, 14.0]
    del v
    gc.collect()
    if ref is not None:
        assert ref() is None   # released once the last view dies


def test_numpy_array_keeps_tensor_memory_alive():
    t = torch.tensor([1.0, 2.0, 3.0])
    n = t.numpy()
    del t
    gc.collect()
    _ = [torch.full((3,), 9.0) for _ in range(50)]
    assert n.tolist() == [1.0, 2.0, 3.0]


def test_from_numpy_refcount_round_trip():
    a = np.arange(10.0)
    base = sys.getrefcount(a)
    ts = [torch.from_numpy(a) for _ in range(10)]
    assert sys.getrefcount(a) == base + 10
    del ts
    gc.collect()
    assert sys.getrefcount(a) == base


def test_tensor_of_ndarray_copies():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    t = torch.tensor(a)
    assert t.dtype is torch.int32 and t.tolist() == a.tolist()
    a[0, 0] = 100
    assert t.tolist()[0][0] == 0
    assert not np.shares_memory(t.numpy(), a)
    # any layout, including negative strides and byte-swapped data, is copied
    assert torch.tensor(a[:, ::-1]).tolist() == a[:, ::-1].tolist()
    sw = np.arange(4, dtype=">f4")
    assert torch.tensor(sw).tolist() == [0.0, 1.0, 2.0, 3.0] and torch.tensor(sw).dtype is torch.float32
    assert torch.tensor(a, dtype=torch.float64).dtype is torch.float64


def test_array_protocol_and_ufuncs():
    t = torch.tensor([[1.0, 4.0], [9.0, 16.0]])
    a = np.asarray(t)
    assert a.dtype == np.float32 and np.shares_memory(a, t.numpy())
    np.testing.assert_array_equal(np.sqrt(t), [[1, 2], [3, 4]])
    assert np.sum(t) == 30.0
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(np.add(t.t(), 1), [[2, 10], [5, 17]])
    np.testing.assert_array_equal(np.array(t), [[1, 4], [9, 16]])
    assert not np.shares_memory(np.array(t), t.numpy())          # np.array copies
    assert not np.shares_memory(np.array(t, dtype=np.float32), t.numpy())
    assert np.shares_memory(np.asarray(t, dtype=np.float32), t.numpy())
    with pytest.raises(ValueError, match="needs a copy"):
        np.asarray(t, dtype=np.float64, copy=False)
    assert np.shares_memory(np.asarray(t, copy=False), t.numpy())
    assert np.array(torch.tensor(3)).shape == ()


def test_ndarray_dtypes_round_trip(rng):
    for dt in NP_DTYPES:
        a = (rng.standard_normal((3, 5)) * 50).astype(dt)
        np.testing.assert_array_equal(torch.from_numpy(a).numpy(), a)
        np.testing.assert_array_equal(torch.tensor(a).numpy(), a)
        np.testing.assert_array_equal(torch.from_numpy(a).clone().numpy(), a)


def test_long_long_alias_accepted():
    a = np.arange(3, dtype=np.longlong)
    assert torch.from_numpy(a).dtype is torch.int64


@pytest.mark.parametrize("bad,exc,msg", [
    (np.arange(3, dtype=">f4"), ValueError, "byte order"),
    (np.arange(3, dtype=">i8"), ValueError, "byte order"),
    (np.arange(5.0)[::-1], ValueError, "negative"),
    (np.arange(12.0).reshape(3, 4)[:, ::-2], ValueError, "negative"),
    (np.zeros(3, np.complex64), TypeError, "complex64"),
    (np.zeros(3, np.uint16), TypeError, "uint16"),
    (np.zeros(3, object), TypeError, "object"),
    (np.zeros(3, "U3"), TypeError, "<U3"),
    (np.zeros(3, [("a", "f4")]), TypeError, "can't convert"),
    ([1.0, 2.0], TypeError, "expected np.ndarray"),
    (np.ndarray((3,), np.float64, np.zeros(25, np.uint8).data, 1), None, None),
])
def test_from_numpy_refuses_unsupported_arrays(bad, exc, msg):
    if exc is None:   # misaligned but element-strided memory is fine to view
        t = torch.from_numpy(bad)
        assert t.shape == (3,)
        return
    with pytest.raises(exc, match=msg):
        torch.from_numpy(bad)


def test_strides_not_multiple_of_itemsize_refused():
    raw = np.zeros(40, np.uint8)
    odd = np.lib.stride_tricks.as_strided(raw.view(np.int32)[:1], shape=(3,), strides=(5,))
    with pytest.raises(ValueError, match="multiple of the element byte size"):
        torch.from_numpy(odd)


def test_readonly_arrays_can_be_viewed():
    a = np.arange(4.0)
    a.flags.writeable = False
    with pytest.warns(UserWarning, match="not writable"):
        t = torch.from_numpy(a)
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_readonly_arrays_warn_like_pytorch():
    a = np.arange(4.0)[::2]
    a.flags.writeable = False
    with pytest.warns(UserWarning, match="NumPy array is not writable"):
        t = torch.from_numpy(a)
    assert t.tolist() == [0.0, 2.0] and t.stride() == (2,)


def test_numpy_of_offset_view_outlives_tensor_and_its_base():
    t = torch.arange(10.0)
    n = t.narrow(0, 3, 4).numpy()
    s = t.reshape(2, 5).t().numpy()   # strided view (numpy strides from the tensor's)
    del t
    gc.collect()
    _ = [torch.full((10,), -1.0) for _ in range(50)]
    assert n.tolist() == [3.0, 4.0, 5.0, 6.0] and n.flags.writeable
    np.testing.assert_array_equal(s, np.arange(10.0).reshape(2, 5).T)
    n[0] = 42.0
    assert s[3, 0] == 42.0   # both views share the one storage


def test_new_with_data_failure_keeps_the_caller_owner():
    from pytorch_like._lib import ffi, lib
    buf = ffi.new("float[4]")
    size = ffi.new("int64_t[1]", [4])
    # invalid dtype: no storage is made, so the deleter (NULL here) is never due and the error is set
    assert lib.THTensor_newWithData(99, buf, 4, ffi.NULL, ffi.NULL, 1, size, ffi.NULL) == ffi.NULL
    # a size beyond the span: the storage is made then freed, the tensor refused
    size[0] = 8
    assert lib.THTensor_newWithData(lib.TH_FLOAT32, buf, 4, ffi.NULL, ffi.NULL, 1, size, ffi.NULL) == ffi.NULL
    size[0] = 4
    p = lib.THTensor_newWithData(lib.TH_FLOAT32, buf, 4, ffi.NULL, ffi.NULL, 1, size, ffi.NULL)
    assert p != ffi.NULL and p.size[0] == 4 and lib.THTensor_data(p) == buf
    lib.THTensor_free(p)


def test_pinning_failure_and_release_from_another_thread_drop_the_reference():
    import threading
    from pytorch_like._lib import ffi, lib
    a = np.arange(4.0)
    base = sys.getrefcount(a)
    size = ffi.new("int64_t[1]", [8])   # beyond the 4-element span: refused, the reference dropped
    p = lib._th_tensor_pinning(id(a), lib.TH_FLOAT64, ffi.from_buffer(a), 4, 1, size, ffi.NULL)
    assert p == ffi.NULL
    gc.collect()
    now = sys.getrefcount(a)
    assert now == base
    t = torch.from_numpy(a)
    box = [t]
    del t
    worker = threading.Thread(target=box.clear)   # the last free (and the C deleter) on another thread
    worker.start()
    worker.join()
    now = sys.getrefcount(a)
    assert now == base


def test_numpy_of_empty_views_past_the_storage_end():
    t = torch.arange(6.0).reshape(2, 3)
    # narrow at a dim's end, then into another dim: the offset passes the storage's end
    for v in (t.narrow(0, 2, 0), t.narrow(0, 2, 0).narrow(1, 1, 2), t.t().narrow(0, 3, 0).narrow(1, 1, 1),
              t.t().narrow(0, 3, 0).narrow(1, 1, 1).unsqueeze(0).expand(2, 0, 1)):
        assert v.numel() == 0 and v.storage_offset() > 0
        n = v.numpy()
        assert n.shape == tuple(v.shape) and n.size == 0


def test_numpy_base_is_the_tensor_like_pytorch(ref_torch):
    # PyTorch's numpy() array has the tensor as its base: the array keeps the tensor (and its storage) alive
    for mod in (torch, ref_torch):
        t = mod.arange(12.0).reshape(3, 4)
        n = t.numpy()
        assert isinstance(n.base, mod.Tensor) and n.base.data_ptr() == t.data_ptr() and n.flags.writeable and n.flags.aligned and n.flags.c_contiguous
        nt = t.t().numpy()
        assert nt.base is not None and nt.flags.f_contiguous and not nt.flags.c_contiguous
        assert nt.strides == (t.element_size(), 4 * t.element_size())
        assert t.narrow(1, 1, 2).numpy().__array_interface__["data"][0] == t.data_ptr() + t.element_size()


@pytest.mark.parametrize("np_dt", NP_DTYPES)
def test_round_trip_deleting_either_side_keeps_the_data(np_dt):
    rng = np.random.default_rng(3)
    src = (rng.standard_normal((4, 6)) * 10).astype(np_dt)
    expect = src.copy()
    for view in (src, src[:, 1::2], src.T):
        t = torch.from_numpy(view)
        n = t.numpy()
        assert np.shares_memory(n, src)
        del t
        gc.collect()
        np.testing.assert_array_equal(n, expect[:, 1::2] if view.strides[1] == 2 * src.itemsize
                                      else expect.T if view.strides[0] == src.itemsize else expect)
        t2 = torch.from_numpy(n)    # a tensor over numpy() of a tensor over numpy memory
        del n
        gc.collect()
        np.testing.assert_array_equal(t2.numpy(), view)
    a = np.arange(5.0, dtype=np.float64)
    t = torch.from_numpy(a)
    del a
    gc.collect()
    _ = [np.full(5, -1.0) for _ in range(50)]
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_from_numpy_of_subclasses_and_aliases(ref_torch):
    m = np.arange(6.0).reshape(2, 3).view(np.matrix)
    t, r = torch.from_numpy(m), ref_torch.from_numpy(m)
    assert t.shape == tuple(r.shape) and t.tolist() == r.tolist()
    for code in ("q", "l", "i", "h", "b", "B", "?", "e", "f", "d"):
        a = np.zeros(3, dtype=code)
        assert str(torch.from_numpy(a).dtype).split(".")[1] == str(ref_torch.from_numpy(a).dtype).split(".")[1]


def test_from_numpy_refused_arrays_keep_no_reference():
    for bad in (np.arange(5.0)[::-1], np.zeros(3, np.uint16), np.arange(3, dtype=">f4")):
        base = sys.getrefcount(bad)
        with pytest.raises((ValueError, TypeError)):
            torch.from_numpy(bad)
        assert sys.getrefcount(bad) == base
