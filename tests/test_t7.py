"""Torch7 .t7 serialization: load_lua / save_lua over lib/TH/THT7.c.

Real Torch7 files come from ../shared/t7 (MANIFEST.md states their contents); the
independent `torchfile` package cross-checks what we read and what we write.
"""
import io
import math
import os
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like._lib import ffi, lib
from pytorch_like._ops.t7 import LuaFunction, LuaList, LuaTable, TorchObject

try:
    import torchfile
except Exception:  # pragma: no cover
    torchfile = None

from tests.t7_files import REAL_FILES, ROOT, T7_DIR  # noqa: E402,F401



def real(name):
    return os.path.join(T7_DIR, name)


def arr(t):
    return np.asarray(t.numpy()) if isinstance(t, torch.Tensor) else np.asarray(t)


# ---------------------------------------------------------------- structural comparison

def same(a, b, tf=False, memo=None):
    """Deep equality of two loaded object graphs, sharing structure included.

    tf=True: b comes from torchfile (bytes strings, numpy arrays, its own classes)."""
    if memo is None:
        memo = {}
    if id(a) in memo and not isinstance(a, (int, float, str, bytes, bool, type(None))):
        assert memo[id(a)] is b, "sharing differs"
        return True
    if isinstance(a, (LuaTable, LuaList, TorchObject, LuaFunction, torch.Tensor, dict, list)):
        memo[id(a)] = b
    if isinstance(a, torch.Tensor):
        if tf:
            assert isinstance(b, np.ndarray), type(b)
            if a.numel() == 0:
                assert b.size == 0
                return True
            assert a.dtype.numpy == b.dtype and tuple(a.shape) == b.shape
        else:
            assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape, (a, b)
        x, y = arr(a), arr(b)
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), (x, y)
        return True
    if isinstance(a, TorchObject):
        if tf:
            assert isinstance(b, torchfile.TorchObject)
            assert a.torch_typename().encode() == b.torch_typename()
            return same(a.fields, b._obj, tf, memo)
        assert isinstance(b, TorchObject) and a.torch_typename() == b.torch_typename() and a.version == b.version
        return same(a.fields, b.fields, tf, memo)
    if isinstance(a, LuaFunction):
        if tf:
            assert a.bytecode == b.dumped
            return same(a.upvalues, b.upvalues, tf, memo)
        assert isinstance(b, LuaFunction) and a.bytecode == b.bytecode and a.type_code == b.type_code
        return same(a.upvalues, b.upvalues, tf, memo)
    if isinstance(a, dict):
        if a == {} and b == []:    # an empty table loads as a list (field tables stay dicts with us, not torchfile)
            return True
        assert isinstance(b, dict) and len(a) == len(b), (a, b)
        for (ka, va), (kb, vb) in zip(a.items(), b.items()):   # file order is kept both ways
            same(ka, kb, tf, memo)
            same(va, vb, tf, memo)
        return True
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            same(x, y, tf, memo)
        return True
    if isinstance(a, str) and tf:
        assert a.encode() == b, (a, b)
        return True
    if tf and isinstance(a, float) and isinstance(b, int):   # torchfile makes every integral float an int
        assert a == b
        return True
    if isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b)
        return True
    assert type(a) is type(b) and a == b, (a, b)
    if isinstance(a, float):
        assert math.copysign(1, a) == math.copysign(1, b)
    return True


# ---------------------------------------------------------------- the real Torch7 files

def test_hello(t7_dir):
    obj = torch.load_lua(real("hello=123.t7"))
    assert obj == {"hello": 123} and type(obj["hello"]) is int and obj.hello == 123
    assert isinstance(obj, LuaTable)
    raw = torch.load_lua(real("hello=123.t7"), int_heuristic=False)
    assert type(raw["hello"]) is float and raw["hello"] == 123.0
    with pytest.raises(AttributeError):
        obj.nope


def test_torch_object_api():
    import copy
    import pickle
    m = TorchObject("nn.Linear", {"weight": 1, "_type": "torch.DoubleTensor"})
    assert m.weight == 1 and m["weight"] == 1 and m._type == "torch.DoubleTensor" and "weight" in m
    m.bias = 2
    assert m.fields == {"weight": 1, "_type": "torch.DoubleTensor", "bias": 2}
    with pytest.raises(AttributeError, match="nn.Linear object has no field 'nope'"):
        m.nope
    for c in (copy.copy(m), copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert c.torch_typename() == "nn.Linear" and c.fields == m.fields and c.version == 1
    with pytest.raises(TypeError, match="typename must be a str"):
        TorchObject(b"nn.Linear")
    with pytest.raises(ValueError, match="type_code must be 6, 7 or 8"):
        LuaFunction(b"", type_code=3)


def test_custom_class(t7_dir):
    obj = torch.load_lua(real("custom_class.t7"))
    assert isinstance(obj, TorchObject)
    assert obj.torch_typename() == "Blah" and obj.version == 1 and dict(obj.fields) == {}
    assert isinstance(obj.fields, LuaTable)   # a field table stays a dict even when empty


def test_tensors(t7_dir):
    d = torch.load_lua(real("doubletensor.t7"))
    assert d.dtype == torch.float64 and d.shape == (2, 3) and d.stride() == (3, 1)
    np.testing.assert_array_equal(arr(d), [[1, 2, 3], [4, 5, 6.9]])
    f = torch.load_lua(real("floattensor.t7"))
    assert f.dtype == torch.float32 and f.shape == (2, 3, 4) and f.stride() == (12, 4, 1)
    assert abs(arr(f).astype(np.float64).sum() - 12.97241666913) < 1e-5
    np.testing.assert_allclose(arr(f)[0, 0], [0.8635312, 0.53612185, 0.4820634, 0.5423465], rtol=1e-6)


def test_x_and_mnist(t7_dir):
    x = torch.load_lua(real("X.t7"))
    a = arr(x)
    assert x.dtype == torch.float64 and x.shape == (32, 32)
    assert (a == 1).sum() == 769 and (a == 0).sum() == 255
    m = torch.load_lua(real("mnistsample.t7"))
    a = arr(m)
    assert m.dtype == torch.float32 and m.shape == (16, 28, 28, 1) and m.stride() == (784, 28, 1, 1)
    assert abs(a.astype(np.float64).sum() - 1656.5531) < 1e-3 and a.min() >= 0 and a.max() <= 1


def test_list_and_map_tables(t7_dir):
    lst = torch.load_lua(real("list_table.t7"))
    assert lst == ["hello", "world", "third item", 123] and isinstance(lst, list)
    d = torch.load_lua(real("list_table.t7"), list_heuristic=False)
    assert isinstance(d, dict) and d == {1: "hello", 2: "world", 3: "third item", 4: 123}
    d = torch.load_lua(real("list_table.t7"), list_heuristic=False, int_heuristic=False)
    assert sorted(type(k).__name__ for k in d) == ["float"] * 4
    assert torch.load_lua(real("map_table1.t7")) == {0: "zero", 1: "hello", 2: "world", 3: "third item", 4: 123}
    assert torch.load_lua(real("map_table2.t7")) == {1: "hello", 2: "world", 3: "third item", 4: 123,
                                                        "a": "non number key"}


def test_cycles_and_tables_as_keys(t7_dir):
    obj = torch.load_lua(real("recursive_class.t7"))
    assert obj.torch_typename() == "A" and obj.a is obj
    t = torch.load_lua(real("recursive_kv_table.t7"))
    keys = list(t)
    assert len(keys) == 1 and keys[0] is t and t[t] is t


def test_tds(t7_dir):
    h = torch.load_lua(real("tds_hash.t7"))
    assert len(h) == 3 and h[1] == 2 and h[2] == 3 and h[10] == 11
    for lh in (True, False):
        v = torch.load_lua(real("tds_vec.t7"), list_heuristic=lh)
        assert v == [123, 456] and isinstance(v, list)


@pytest.mark.parametrize("name,size", [("function.t7", 218), ("function_upvals.t7", 89)])
def test_functions_refused_unless_allowed(t7_dir, name, size):
    with pytest.raises(ValueError, match=r"Lua function \(bytecode\) at offset 0.*functions=True"):
        torch.load_lua(real(name))
    f = torch.load_lua(real(name), functions=True)
    assert isinstance(f, LuaFunction) and f.size == size and f.bytecode.startswith(b"\x1bLJ") and f.type_code == 8
    if name == "function_upvals.t7":
        assert f.upvalues == [{"name": "asdf", "value": 123}]
    else:
        assert f.upvalues == []


def test_nngraph_node(t7_dir):
    n = torch.load_lua(real("nngraph_node.t7"))
    assert n.torch_typename() == "nngraph.Node" and n.version == 1
    assert n.id == 0 and n.children == [] and n.visited is False and n.marked is False
    assert n.data.annotations.hello == 123 and "trepl" in n.data.annotations._debugLabel
    assert len(n.data.mapindex) == 0


def test_gmodule(t7_dir):
    g = torch.load_lua(real("gmodule_with_linear_identity.t7"))
    assert g.torch_typename() == "nn.gModule" and g.nInputs == 2
    assert len(g.forwardnodes) == 9 and len(g.backwardnodes) == 9
    assert [m.torch_typename() for m in g.modules] == ["nn.Identity", "nn.Identity", "nn.Linear", "nn.CAddTable"]
    lin = g.forwardnodes[6].data.module
    assert lin is g.modules[2]           # one object, referenced from two places
    assert lin.weight.dtype == torch.float64 and lin.weight.shape == (2, 1)
    np.testing.assert_array_equal(arr(lin.weight), [[-0.024837296921759844], [0.17503953725099564]])
    np.testing.assert_array_equal(arr(lin.bias), [0.05159847717732191, -0.2536714617162943])
    keyed = [k for node in g.forwardnodes for k in node.data.mapindex if isinstance(k, (LuaTable, LuaList))]
    assert keyed and all(node.data.mapindex[k] for node in g.forwardnodes for k in node.data.mapindex
                         if isinstance(k, (LuaTable, LuaList)))


@pytest.mark.skipif(torchfile is None, reason="torchfile is not installed")
def test_real_files_match_torchfile(t7_dir):
    for name in REAL_FILES:
        ours = torch.load_lua(real(name), functions=True)
        theirs = torchfile.load(real(name))
        same(ours, theirs, tf=True)


def test_real_files_from_bytes_and_file_objects(t7_dir):
    for name in REAL_FILES:
        with open(real(name), "rb") as fh:
            data = fh.read()
        a = torch.load_lua(real(name), functions=True)
        same(a, torch.load_lua(data, functions=True))
        same(a, torch.load_lua(io.BytesIO(data), functions=True))
        same(a, torch.load_lua(bytearray(data), mode="b64", functions=True))


def test_real_files_round_trip(t7_dir, tmp_path):
    for name in REAL_FILES:
        a = torch.load_lua(real(name), functions=True)
        for mode in ("binary", "ascii", "b32"):
            p = tmp_path / f"{mode}-{name}"
            torch.save_lua(a, p, mode=mode)
            same(a, torch.load_lua(p, mode="ascii" if mode == "ascii" else "binary", functions=True))


def test_real_tensor_files_rewrite_byte_identical(t7_dir):
    # same graph -> same bytes as real Torch7 wrote (tensors: no table ordering involved)
    for name in ("doubletensor.t7", "floattensor.t7", "X.t7", "mnistsample.t7"):
        with open(real(name), "rb") as fh:
            data = fh.read()
        buf = io.BytesIO()
        torch.save_lua(torch.load_lua(data), buf)
        assert buf.getvalue() == data, name


# ---------------------------------------------------------------- our own files

def _sample(with_half=True, with_functions=True):
    rng = np.random.default_rng(0)
    base = torch.from_numpy(rng.standard_normal(24).astype(np.float32))
    shared = LuaTable(x=1.5)
    selfref = LuaTable(name="me")
    selfref["me"] = selfref
    key_table = LuaTable(k=1)
    obj = {
        "ints": [1, 2, 3, -4, 2 ** 52],
        "floats": [0.1, -0.0, float("inf"), -float("inf"), float("nan"), 1e-310, 1.7976931348623157e308],
        "strings": ["", "hello", "h\u00e9llo \u4e16\u754c", "with\nnewline"],
        "bytes": b"\x00\xff\xfe binary\x00",
        "bools": [True, False],
        "nested": {"a": {"b": {"c": [[], {}, [1, [2, [3]]]]}}},
        "shared1": shared, "shared2": [shared, shared],
        "cycle": selfref,
        key_table: "table as key", 7: "int key", 2.5: "float key", True: "bool key",
        "f64": torch.from_numpy(rng.standard_normal((3, 4))),
        "f32_view": base.view(4, 6).transpose(0, 1),      # non-contiguous, shares `base`
        "f32_base": base,
        "f32_narrow": base.narrow(0, 5, 7),
        "u8": torch.from_numpy(np.arange(256, dtype=np.uint8)),
        "i8": torch.from_numpy(np.arange(-128, 128, dtype=np.int8)),
        "i16": torch.from_numpy(np.array([-32768, 0, 32767], dtype=np.int16)),
        "i32": torch.from_numpy(np.array([-2 ** 31, 7, 2 ** 31 - 1], dtype=np.int32)),
        "i64": torch.from_numpy(np.array([-2 ** 31, 5, 2 ** 31 - 1], dtype=np.int64)),
        "empty": torch.from_numpy(np.zeros((0, 3), np.float64)),
        "module": TorchObject("nn.Linear", LuaTable(weight=torch.from_numpy(np.ones((2, 3))), train=True), 1),
        "old_class": TorchObject("nn.Old", LuaTable(v=0), 0),
        "hash": TorchObject("tds.Hash", LuaTable({1: 2, "x": "y"}), 0),
        "vec": TorchObject("tds.Vec", [5, "six", None], 0),
    }
    if with_half:
        obj["f16"] = torch.from_numpy(np.array([0.5, -2.0, 65504.0], dtype=np.float16))
    if with_functions:
        obj["fn"] = LuaFunction(b"\x1bLJ\x02fake", LuaList([LuaTable(name="up", value=3)]), 8)
    return obj


def _expected(obj):
    """What loading `_sample()` gives back: tds objects become a dict and a list."""
    out = dict(obj)
    out["hash"] = LuaTable({1: 2, "x": "y"})
    out["vec"] = [5, "six", None]
    return out


@pytest.mark.parametrize("mode", ["binary", "ascii", "b32", "b64"])
def test_round_trip_ours(tmp_path, mode):
    obj = _sample()
    p = tmp_path / "x.t7"
    torch.save_lua(obj, p, mode=mode)
    back = torch.load_lua(p, mode=mode, functions=True)
    same(_expected(obj), back)
    assert back["cycle"]["me"] is back["cycle"]
    assert back["shared2"][0] is back["shared1"] and back["shared2"][1] is back["shared1"]
    keys = [k for k in back if isinstance(k, LuaTable)]
    assert len(keys) == 1 and keys[0] == {"k": 1} and back[keys[0]] == "table as key"
    # views of one storage come back sharing one storage (written once)
    assert back["f32_view"]._t.storage == back["f32_base"]._t.storage == back["f32_narrow"]._t.storage
    assert back["f32_view"].stride() == (1, 6) and back["f32_narrow"].storage_offset() == 5
    assert back["empty"].shape == (0, 3)


def test_storage_written_once_and_shared_after_load(tmp_path):
    base = torch.from_numpy(np.arange(100000, dtype=np.float64))
    views = [base.narrow(0, i * 10, 10) for i in range(50)]
    p = tmp_path / "v.t7"
    torch.save_lua(views, p)
    assert os.path.getsize(p) < 800000 + 50 * 200          # 800 KB of data, once
    back = torch.load_lua(p)
    assert all(v._t.storage == back[0]._t.storage for v in back)
    back[3].fill_(-1)                                       # a write through one view shows in the others
    assert arr(back[0]).sum() == sum(range(10))
    np.testing.assert_array_equal(arr(back[3]), -1)


def test_standalone_storage_round_trip():
    # Lua classes such as nn.View keep a torch.LongStorage: it loads as a 1-D tensor and is written back as a storage
    g = lib.THT7Graph_new()
    try:
        s = lib.THStorage_new(lib.TH_INT64, 3)
        ffi.cast("int64_t *", s.data)[0:3] = [2, 3, 4]
        node = lib.THT7_newStorage(g, ffi.NULL, s)
        lib.THStorage_free(s)
        w = lib.THT7Writer_new(0, 8, 1)
        assert lib.THT7Writer_write(w, node) == 0
        size = ffi.new("int64_t *")
        data = ffi.buffer(lib.THT7Writer_data(w, size), size[0])[:]
        lib.THT7Writer_free(w)
    finally:
        lib.THT7Graph_free(g)
    t = torch.load_lua(data)
    assert t.dtype == torch.int64 and t.tolist() == [2, 3, 4]
    buf = io.BytesIO()
    torch.save_lua(t, buf)
    assert buf.getvalue() == data
    assert b"torch.LongStorage" in data


def test_golden_bytes_worked_example():
    # torch7-core.md §3.4: torch.save of a 1-D DoubleTensor {1, 2, 3}
    t = torch.from_numpy(np.array([1.0, 2.0, 3.0]))
    b = io.BytesIO()
    torch.save_lua(t, b)
    i, q = (lambda v: struct.pack("<i", v)), (lambda v: struct.pack("<q", v))
    s = lambda x: i(len(x)) + x  # noqa: E731
    want = (i(4) + i(1) + s(b"V 1") + s(b"torch.DoubleTensor") + i(1) + q(3) + q(1) + q(1)
            + i(4) + i(2) + s(b"V 1") + s(b"torch.DoubleStorage") + q(3) + struct.pack("<3d", 1, 2, 3))
    assert len(want) == 135 and b.getvalue() == want
    a = io.BytesIO()
    torch.save_lua(t, a, mode="ascii")
    assert a.getvalue() == b"4\n1\n3\nV 1\n18\ntorch.DoubleTensor\n1\n3\n1\n1\n4\n2\n3\nV 1\n19\ntorch.DoubleStorage\n3\n1 2 3\n"
    same(t, torch.load_lua(a.getvalue(), mode="ascii"))
    b32 = io.BytesIO()
    torch.save_lua(t, b32, mode="b32")
    assert len(b32.getvalue()) == 135 - 4 * 4


def test_ascii_and_binary_encode_the_same_stream():
    # ascii files are the same object stream as text: reading the ascii file and writing it
    # as binary gives exactly the bytes of the direct binary write
    obj = _sample()
    a, b = io.BytesIO(), io.BytesIO()
    torch.save_lua(obj, a, mode="ascii")
    torch.save_lua(obj, b)
    c = io.BytesIO()
    torch.save_lua(torch.load_lua(a.getvalue(), mode="ascii", functions=True), c)
    d = io.BytesIO()
    torch.save_lua(torch.load_lua(b.getvalue(), functions=True), d)
    assert c.getvalue() == d.getvalue()


def test_ascii_strings_numbers_and_formats():
    buf = io.BytesIO()
    torch.save_lua({"s": "a\nb", "n": 0.1, "e": ""}, buf, mode="ascii")
    text = buf.getvalue()
    assert b"2\n1\ns\n2\n3\na\nb\n" in text and b"0.10000000000000001\n" in text and b"2\n0\n" in text
    # Torch7 ascii quirks: extra whitespace between numbers is fine, '-nan' parses
    src = b"3\n1\n1\n2\n1\nx\n1\n-nan\n"
    v = torch.load_lua(src, mode="ascii")
    assert list(v) == ["x"] and math.isnan(v["x"])


@pytest.mark.skipif(torchfile is None, reason="torchfile is not installed")
def test_torchfile_reads_our_files(tmp_path):
    # torchfile 0.1.0 reads binary files with native 8-byte longs only (no ascii, no Half, no Generator)
    obj = _sample(with_half=False)
    p = tmp_path / "ours.t7"
    torch.save_lua(obj, p)
    theirs = torchfile.load(str(p))
    ours = torch.load_lua(p, functions=True)
    same(ours, theirs, tf=True)
    assert theirs[b"cycle"][b"me"] is theirs[b"cycle"]
    # every real file, re-written by us, reads back identically in torchfile
    for name in REAL_FILES:
        a = torch.load_lua(real(name), functions=True)
        q = tmp_path / name
        torch.save_lua(a, q)
        same(a, torchfile.load(str(q)), tf=True)


def test_long_size_4(tmp_path):
    obj = {"t": torch.from_numpy(np.arange(6, dtype=np.int64).reshape(2, 3)), "n": 3}
    p4, p8 = tmp_path / "l4.t7", tmp_path / "l8.t7"
    torch.save_lua(obj, p4, long_size=4)
    torch.save_lua(obj, p8)
    # 2 sizes + 2 strides + offset + storage count + 6 elements are 4 bytes shorter each
    assert os.path.getsize(p8) - os.path.getsize(p4) == 4 * (2 + 2 + 1 + 1 + 6)
    for kw in ({}, {"mode": "b32"}, {"long_size": 4}):
        same(obj, torch.load_lua(p4, **kw))
    same(obj, torch.load_lua(p8, mode="b64"))
    with pytest.raises(ValueError, match="t7:"):
        torch.load_lua(p4, mode="b64")
    with pytest.raises(ValueError, match="does not fit a 4-byte long"):
        torch.save_lua(torch.from_numpy(np.array([2 ** 40])), io.BytesIO(), mode="b32")


def test_scalars_bools_and_half():
    b = io.BytesIO()
    torch.save_lua([torch.tensor(3.5), torch.tensor([True, False]), torch.from_numpy(np.array([1.5], np.float16))], b)
    s, m, h = torch.load_lua(b.getvalue())
    assert s.shape == (1,) and s.tolist() == [3.5]             # Torch7 has no 0-dim tensors
    assert m.dtype == torch.uint8 and m.tolist() == [1, 0]    # masks are ByteTensors in Torch7
    assert h.dtype == torch.float16 and h.tolist() == [1.5]
    assert b"torch.HalfTensor" in b.getvalue() and b"torch.ByteTensor" in b.getvalue()


def test_cuda_class_names_load_as_cpu():
    def tensor_file(cls, storage_cls, fmt, values):
        i, q = (lambda v: struct.pack("<i", v)), (lambda v: struct.pack("<q", v))
        s = lambda x: i(len(x)) + x  # noqa: E731
        n = len(values)
        return (i(4) + i(1) + s(b"V 1") + s(cls) + i(1) + q(n) + q(1) + q(1)
                + i(4) + i(2) + s(b"V 1") + s(storage_cls) + q(n) + struct.pack("<%d%s" % (n, fmt), *values))
    cases = [(b"torch.CudaTensor", b"torch.CudaStorage", "f", torch.float32),
             (b"torch.CudaDoubleTensor", b"torch.CudaDoubleStorage", "d", torch.float64),
             (b"torch.CudaLongTensor", b"torch.CudaLongStorage", "q", torch.int64),
             (b"torch.CudaHalfTensor", b"torch.CudaHalfStorage", "e", torch.float16),
             (b"torch.CudaByteTensor", b"torch.CudaByteStorage", "B", torch.uint8)]
    for cls, scls, fmt, dt in cases:
        t = torch.load_lua(tensor_file(cls, scls, fmt, [1, 2, 3]))
        assert t.dtype == dt and t.tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="its storage is a torch.DoubleStorage, expected a float32 storage"):
        torch.load_lua(tensor_file(b"torch.FloatTensor", b"torch.DoubleStorage", "d", [1.0]))


def test_version_0_objects_and_generator(tmp_path):
    # files older than class versions have no "V n" string: the first string is the class name
    i = lambda v: struct.pack("<i", v)  # noqa: E731
    s = lambda x: i(len(x)) + x  # noqa: E731
    data = i(4) + i(1) + s(b"nn.Old") + i(3) + i(2) + i(1) + i(2) + s(b"k") + i(1) + struct.pack("<d", 2)
    o = torch.load_lua(data)
    assert o.torch_typename() == "nn.Old" and o.version == 0 and o.k == 2
    assert torch.load_lua(i(4) + i(1) + s(b"V 1.0") + s(b"X") + i(3) + i(2) + i(0)).version == 1
    gen = torch.Generator().manual_seed(7)
    gen.random()
    p = tmp_path / "g.t7"
    torch.save_lua({"g": gen}, p)
    g2 = torch.load_lua(p)["g"]
    assert isinstance(g2, torch.Generator) and g2.random() == gen.random()


def test_deep_nesting_no_recursion(tmp_path):
    depth = 50000
    obj = leaf = []
    for _ in range(depth):
        nxt = []
        leaf.append(nxt)
        leaf = nxt
    p = tmp_path / "deep.t7"
    torch.save_lua(obj, p)
    back = torch.load_lua(p)
    n = 0
    while back:
        back = back[0]
        n += 1
    assert n == depth
    # a hand-made file nested 200000 deep: {[1] = {[1] = ... {[1] = nil}}}
    one = struct.pack("<d", 1)
    data = b"".join(_i(3) + _i(k) + _i(1) + _i(1) + one for k in range(1, 200001)) + _i(0)
    back = torch.load_lua(data)
    n = 0
    while isinstance(back, list):
        back = back[0]
        n += 1
    assert n == 200000 and back is None


def test_streams_keep_the_memo():
    # File:writeObject / readObject: several objects in one stream share reference indices
    g = lib.THT7Graph_new()
    try:
        t = lib.THT7_newTable(g)
        assert lib.THT7_tableAppend(t, lib.THT7_newString(g, b"k", 1), lib.THT7_newNumber(g, 5)) == 0
        w = lib.THT7Writer_new(0, 8, 1)
        assert lib.THT7Writer_write(w, t) == 0
        assert lib.THT7Writer_write(w, t) == 0
        size = ffi.new("int64_t *")
        data = ffi.buffer(lib.THT7Writer_data(w, size), size[0])[:]
        lib.THT7Writer_free(w)
    finally:
        lib.THT7Graph_free(g)
    assert data.endswith(struct.pack("<ii", 3, 1))          # the second write is a reference
    r = lib.THT7Reader_new(0, 8, 0, 1)
    try:
        pos = ffi.new("int64_t *", 0)
        a = lib.THT7Reader_readBuffer(r, data, len(data), pos)
        b = lib.THT7Reader_readBuffer(r, data, len(data), pos)
        assert a != ffi.NULL and a == b and pos[0] == len(data) and a.n == 1
        assert lib.THT7Reader_readBuffer(r, data, len(data), pos) == ffi.NULL      # nothing left
        assert "truncated file at offset %d" % len(data) in ffi.string(lib.TH_lastError()).decode()
        pos[0] = 0   # after a failure the memo may hold half-read objects: the reader refuses to go on
        assert lib.THT7Reader_readBuffer(r, data, len(data), pos) == ffi.NULL
        assert "failed on an earlier object" in ffi.string(lib.TH_lastError()).decode()
    finally:
        lib.THT7Reader_free(r)


# ---------------------------------------------------------------- bad input

def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="mode must be"):
        torch.load_lua(b"", mode="text")
    with pytest.raises(ValueError, match="long_size must be 4, 8"):
        torch.load_lua(b"", long_size=2)
    with pytest.raises(ValueError, match="means long_size 4"):
        torch.load_lua(b"", mode="b32", long_size=8)
    with pytest.raises(FileNotFoundError):
        torch.load_lua(tmp_path / "missing.t7")
    with pytest.raises(RuntimeError, match="is a directory"):
        torch.load_lua(tmp_path)
    with pytest.raises(TypeError, match="expected a path, bytes"):
        torch.load_lua(3)
    with pytest.raises(TypeError, match="cannot write an object of type set at obj\\['a'\\]\\[2\\]"):
        torch.save_lua({"a": [1, {1, 2}]}, io.BytesIO())
    with pytest.raises(ValueError, match="key cannot be None"):
        torch.save_lua({None: 1}, io.BytesIO())
    with pytest.raises(ValueError, match="key cannot be nan"):
        torch.save_lua({float("nan"): 1}, io.BytesIO())
    with pytest.raises(ValueError, match="too large for a Lua number"):
        torch.save_lua([10 ** 400], io.BytesIO())
    with pytest.raises(TypeError, match="expected a path or a binary file object"):
        torch.save_lua([], 5)
    with pytest.raises(RuntimeError, match="cannot create a temporary file"):
        torch.save_lua([], tmp_path / "no" / "dir.t7")


def _i(v):
    return struct.pack("<i", v)


def _s(x):
    return _i(len(x)) + x


def test_hostile_files_give_clean_errors():
    q = lambda v: struct.pack("<q", v)  # noqa: E731
    tensor_head = _i(4) + _i(1) + _s(b"V 1") + _s(b"torch.FloatTensor")
    storage = lambda n: _i(4) + _i(2) + _s(b"V 1") + _s(b"torch.FloatStorage") + q(n) + b"\0" * 4 * n  # noqa: E731
    cases = [
        (b"", "truncated file at offset 0 while reading a type tag"),
        (_i(2) + _i(99999) + b"abc", "truncated file at offset 8 while reading a string of 99999 bytes"),
        (_i(2) + _i(-5), "negative length -5"),
        (_i(3) + _i(1) + _i(2 ** 31 - 1), "claims 2147483647 key/value pairs"),
        (_i(42), "unknown type tag 42 at offset 0"),
        (b"4\n1\n3\nV 1\n", "looks like an ascii .t7 file"),
        (tensor_head + _i(33), "has 33 dimensions"),
        (tensor_head + _i(1) + q(10) + q(1) + q(1) + storage(4), "does not fit its storage of 4 elements"),
        (tensor_head + _i(2) + q(2) + q(2) + q(2 ** 62) + q(1) + q(1) + storage(4), "does not fit its storage"),
        (tensor_head + _i(1) + q(4) + q(1) + q(2) + storage(4), "does not fit its storage"),
        (tensor_head + _i(1) + q(4) + q(1) + q(0) + storage(4), "does not fit its storage"),
        (tensor_head + _i(1) + q(-1) + q(1) + q(1) + storage(4), "negative size"),
        (tensor_head + _i(1) + q(4) + q(1) + q(1) + _i(0), "has 4 elements but no storage"),
        (tensor_head + _i(1) + q(1) + q(1) + q(1) + _i(3) + _i(2) + _i(0), "its storage is a table"),
        (tensor_head + _i(1) + q(1) + q(1) + q(1) + _i(4) + _i(1), "its storage is a torch.FloatTensor"),
        (_i(4) + _i(1) + _s(b"V 1") + _s(b"torch.DoubleStorage") + q(2 ** 60), "truncated file at offset 46 while reading the 1152921504606846976 elements"),
        (_i(4) + _i(1) + _s(b"V 1") + _s(b"torch.DoubleStorage") + q(-3), "negative element count"),
        (_i(4) + _i(1) + _s(b"V 1") + _s(b"nn.Foo") + _i(1) + struct.pack("<d", 1),
         "expected a field table, found a number (while reading the fields of an object of class nn.Foo at offset 0"),
        # a class whose own write method wrote primitives: the error names the class
        (_i(3) + _i(1) + _i(1) + _i(2) + _i(1) + b"k" + _i(4) + _i(2) + _s(b"V 1") + _s(b"my.Custom") + _i(99) + _i(7),
         "unknown type tag 99 at offset 49 (not a .t7 file, corrupted, or written with another long size?) (while "
         "reading the fields of an object of class my.Custom at offset 21; if that class has its own write/read methods"),
        (_i(4) + _i(1) + _s(b"V 1") + _s(b"tds.Hash") + q(2 ** 40), "claims 1099511627776 elements"),
        (_i(4) + _i(1) + _s(b"V 1") + _i(-1), "negative length -1 at offset 19 for a class name"),
        (_i(4) + _i(1) + _s(b"V zz") + _s(b"A"), "malformed version string"),
        (_i(8) + _i(1) + _i(3) + b"abc" + _i(3) + _i(2) + _i(0), "Lua function"),
    ]
    for data, msg in cases:
        with pytest.raises(ValueError) as ei:
            torch.load_lua(data, long_size=8)
        assert msg in str(ei.value), (data, str(ei.value))
    bad_ascii = [(b"1\nabc\n", "expected a number, found 'abc'"), (b"3\n1\n99999999999\n", "expected a table's size"),
                 (b"2\n10\nabc", "truncated file at offset 5 while reading a string of 10 bytes"),
                 (b"1\n" + b"1" * 200, "long run of text")]
    for data, msg in bad_ascii:
        with pytest.raises(ValueError) as ei:
            torch.load_lua(data, mode="ascii")
        assert msg in str(ei.value), (data, str(ei.value))


def test_auto_long_size_reports_the_8_byte_error():
    with pytest.raises(ValueError, match="truncated file at offset 8 while reading a string of 99999 bytes"):
        torch.load_lua(_i(2) + _i(99999) + b"abc")


# ---------------------------------------------------------------- durability

def test_atomic_save_keeps_previous_file_on_failure(tmp_path):
    p = tmp_path / "ckpt.t7"
    torch.save_lua({"epoch": 1}, p)
    before = p.read_bytes()
    with pytest.raises(TypeError):
        torch.save_lua({"epoch": 2, "bad": object()}, p)
    assert p.read_bytes() == before
    # a write that fails half way (file size limit hit while writing 4 MB) leaves the old file
    code = textwrap.dedent(f"""
        import resource, signal, sys, numpy as np
        sys.path.insert(0, {ROOT!r})
        import pytorch_like as torch
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
        try:
            torch.save_lua({{"w": torch.from_numpy(np.ones(1 << 20, np.float32))}}, {str(p)!r})
        except RuntimeError as e:
            print("ERR", e)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ERR t7: write error"), out.stdout
    assert p.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["ckpt.t7"]       # the temporary file is gone
    torch.save_lua({"epoch": 3}, p)
    assert torch.load_lua(p) == {"epoch": 3} and sorted(os.listdir(tmp_path)) == ["ckpt.t7"]


# ---------------------------------------------------------------- fuzzing

FUZZ_SCRIPT = r"""
import os, random, struct, sys, time, io, resource
sys.path.insert(0, sys.argv[1])
import pytorch_like as torch
from pytorch_like._lib import lib
seeds = []
for p in sys.argv[3:]:
    with open(p, "rb") as fh:
        seeds.append((os.path.basename(p), fh.read(), "ascii" if p.endswith(".ascii") else "binary"))
rng = random.Random(int(sys.argv[2]))
HUGE = [0x7fffffff, -1, -0x80000000, 0x40000000, 0xffff, 1 << 20, 33, 9]
def mutate(data):
    b = bytearray(data)
    for _ in range(rng.choice([1, 1, 1, 2, 3, 8])):
        op = rng.randrange(7)
        if not b:
            b += bytes([rng.randrange(256)])
        pos = rng.randrange(len(b))
        if op == 0:
            b[pos] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[pos] = rng.randrange(256)
        elif op == 2:
            b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))
        elif op == 3:
            del b[pos:pos + rng.randrange(1, 9)]
        elif op == 4:
            del b[pos:]
        elif op == 5:
            v = rng.choice(HUGE)
            pos -= pos % 4
            if rng.random() < 0.5:
                b[pos:pos + 4] = struct.pack("<i", v if v < 2**31 else v - 2**32)
            else:
                b[pos:pos + 8] = struct.pack("<Q", (v * rng.choice([1, 1 << 31, 1 << 40])) % (1 << 64))
        else:
            q = rng.randrange(len(b))
            b[pos:pos] = b[q:q + rng.randrange(1, 64)]
    return bytes(b)
counts = {}
worst = 0.0
ncases = int(os.environ["FUZZ_CASES"])
for case in range(ncases):
    name, data, mode = seeds[case % len(seeds)]
    m = mutate(data)
    t0 = time.perf_counter()
    try:
        torch.load_lua(m, mode=mode, functions=rng.random() < 0.5, list_heuristic=rng.random() < 0.8)
        r = "ok"
    except (ValueError, TypeError, IndexError, RuntimeError) as e:
        r = type(e).__name__
    dt = time.perf_counter() - t0
    worst = max(worst, dt)
    if dt > 2.0:
        print("SLOW", name, case, dt); sys.exit(3)
    counts[r] = counts.get(r, 0) + 1
print("DONE", ncases, counts, "worst %.4f" % worst, "allocated", lib.TH_allocatedBytes())
"""


def test_fuzz_mutated_files(t7_dir, tmp_path):
    # our own files too, in both modes
    seeds = [real(n) for n in REAL_FILES]
    obj = _sample()
    for mode in ("binary", "ascii"):
        p = tmp_path / f"ours.{mode}"
        torch.save_lua(obj, p, mode=mode)
        seeds.append(str(p))
    a = tmp_path / "gmod.ascii"
    torch.save_lua(torch.load_lua(real("gmodule_with_linear_identity.t7")), a, mode="ascii")
    seeds.append(str(a))
    script = tmp_path / "fuzz.py"
    script.write_text(FUZZ_SCRIPT)
    # an address-space cap turns any huge allocation into a MemoryError, which the script does not catch
    env = dict(os.environ, FUZZ_CASES="8000", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    pre = "import resource; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30));"
    cmd = [sys.executable, "-c", pre + f"import sys; sys.argv = {[str(script), ROOT, '1234'] + seeds!r}; "
           f"exec(open({str(script)!r}).read())"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, (out.returncode, out.stdout[-2000:], out.stderr[-4000:])
    assert "DONE 8000" in out.stdout, out.stdout
    print(out.stdout)
