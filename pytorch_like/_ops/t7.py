"""Torch7 ``.t7`` files: ``load_lua`` and ``save_lua``.

The format itself (type tags, reference indices, class versions, long sizes, tensor and
storage payloads, ascii and binary encodings, validation of hostile input) is handled by
the C core (lib/TH/THT7.c), shared with the Lua frontend. This module only maps its node
graph to Python objects and back:

==========================  ==========================================================
Lua / Torch7                Python
==========================  ==========================================================
nil, boolean                None, bool
number                      float; int when integral (``int_heuristic``)
string                      str when valid UTF-8, else bytes
table with keys 1..n        LuaList (a list) when ``list_heuristic``; empty tables too
other table                 LuaTable (a dict with attribute access)
torch.*Tensor               Tensor sharing the memory read (no copy); CUDA classes give
                            the CPU dtype, HalfTensor float16, and Torch7's 0-dim
                            (empty) tensors a tensor of shape (0,)
torch.*Storage              a 1-D tensor over the storage, written back as a storage
torch.Generator             pytorch_like.Generator with that state
tds.Hash, tds.Vec           LuaTable, LuaList
any other class             TorchObject (class name as written, version, fields)
function                    refused unless ``functions=True``; then a LuaFunction record
                            (bytecode and upvalues; Python cannot run it)
==========================  ==========================================================

Shared references and cycles survive both ways (one Python object per Lua object).
LuaTable and LuaList hash by identity, like Lua tables, so a table used as a key of
another table loads fine (their ``==`` still compares contents). Tensors are written with
their whole storage, once per storage: views of one storage come back sharing it.
Writing: dicts and lists/tuples become tables (list index i is key i+1), bool tensors are
written as ByteTensors, 0-dim tensors as 1-element tensors.
"""
import math
import numbers
import os

import numpy as np

from .._lib import check, error, ffi, lib
from ..tensor import Tensor, _wrap, from_numpy

__all__ = ["load_lua", "save_lua", "TorchObject", "LuaTable", "LuaList", "LuaFunction"]


class LuaTable(dict):
    """A Lua table loaded from a .t7 file: a dict that hashes by identity and allows ``t.key``."""

    __slots__ = ()

    def __hash__(self):
        return id(self)

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"LuaTable has no key {key!r}") from None


class LuaList(list):
    """A Lua table whose keys were 1..n, as a list (index 0 is Lua key 1); hashes by identity."""

    __slots__ = ()

    def __hash__(self):
        return id(self)


class TorchObject:
    """An instance of a Torch7 class (``nn.Linear``, ``torch.class`` objects...): name, version, fields.

    Fields are reachable as attributes or items (``m.weight``, ``m["weight"]``).
    """

    __slots__ = ("_typename", "_version", "_fields", "__weakref__")

    def __init__(self, typename, fields=None, version=1):
        if not isinstance(typename, str):
            raise TypeError(f"TorchObject: typename must be a str, got {type(typename).__name__}")
        object.__setattr__(self, "_typename", typename)
        object.__setattr__(self, "_version", int(version))
        object.__setattr__(self, "_fields", LuaTable() if fields is None else fields)

    def torch_typename(self):
        """The Torch7 class name, as written in the file (e.g. 'nn.Linear', 'cudnn.SpatialConvolution')."""
        return self._typename

    @property
    def version(self):
        return self._version

    @property
    def fields(self):
        return self._fields

    def __getattr__(self, key):
        if key in _OBJECT_SLOTS:    # not set yet (copy, pickle)
            raise AttributeError(key)
        try:
            return self._fields[key]
        except (KeyError, IndexError, TypeError):
            raise AttributeError(f"{self._typename} object has no field {key!r}") from None

    def __setattr__(self, key, value):
        if key in _OBJECT_SLOTS:
            object.__setattr__(self, key, value)
        else:
            self._fields[key] = value

    def __getitem__(self, key):
        return self._fields[key]

    def __setitem__(self, key, value):
        self._fields[key] = value

    def __contains__(self, key):
        return key in self._fields

    def __dir__(self):
        return [k for k in self._fields if isinstance(k, str)] + ["torch_typename", "version", "fields"]

    def __repr__(self):
        keys = list(self._fields) if isinstance(self._fields, dict) else []
        return f"TorchObject({self._typename}, fields {keys})"


_OBJECT_SLOTS = frozenset(TorchObject.__slots__)


class LuaFunction:
    """A serialized Lua function: its bytecode (string.dump output) and upvalues, never executed."""

    __slots__ = ("bytecode", "upvalues", "type_code", "__weakref__")

    def __init__(self, bytecode, upvalues=None, type_code=8):
        if type_code not in (6, 7, 8):
            raise ValueError(f"LuaFunction: type_code must be 6, 7 or 8, got {type_code}")
        self.bytecode = bytes(bytecode)
        self.upvalues = LuaList() if upvalues is None else upvalues
        self.type_code = type_code

    @property
    def size(self):
        return len(self.bytecode)

    def __repr__(self):
        return f"LuaFunction({len(self.bytecode)} bytes of bytecode)"


_MODES = {"binary": (lib.THT7_BINARY, 0), "ascii": (lib.THT7_ASCII, 0),
          "b32": (lib.THT7_BINARY, 4), "b64": (lib.THT7_BINARY, 8)}


def _mode(mode, long_size):
    if mode not in _MODES:
        raise ValueError(f"mode must be 'binary', 'ascii', 'b32' or 'b64', got {mode!r}")
    fmt, ls = _MODES[mode]
    if long_size is not None:
        if long_size not in (4, 8) or isinstance(long_size, bool):
            raise ValueError(f"long_size must be 4, 8 or None, got {long_size!r}")
        if ls and ls != long_size:
            raise ValueError(f"mode {mode!r} means long_size {ls}, but long_size={long_size} was given")
        ls = long_size
    return fmt, ls


# ---------------------------------------------------------------------- loading

def _decode_str(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b


_T_NIL, _T_NUMBER, _T_STRING, _T_TABLE, _T_BOOLEAN, _T_FUNCTION = (
    lib.THT7_NIL, lib.THT7_NUMBER, lib.THT7_STRING, lib.THT7_TABLE, lib.THT7_BOOLEAN, lib.THT7_FUNCTION)
# THT7Graph_kinds gives TORCH nodes as 16 + their class kind
_T_OBJECT, _T_TENSOR, _T_STORAGE, _T_HASH, _T_VEC, _T_GENERATOR = (16 + c for c in (
    lib.THT7_OBJECT, lib.THT7_TENSOR, lib.THT7_STORAGE, lib.THT7_TDS_HASH, lib.THT7_TDS_VEC, lib.THT7_GENERATOR))


def _int_mask(vals):
    """Which numbers the int heuristic turns into ints: exact integers (|x| <= 2**53), not -0.0."""
    with np.errstate(invalid="ignore"):
        return (np.abs(vals) <= 2.0 ** 53) & (vals == np.floor(vals)) & ~((vals == 0) & np.signbit(vals))


def _table_ids(ptr, m):
    ids = np.empty(2 * m, np.int64)
    if m:
        lib.THT7_tableIds(ptr, ffi.from_buffer("int64_t[]", ids))
    return ids


def _decode(g, list_heuristic, int_heuristic):
    n = g.nnodes
    kinds = np.empty(n, np.int32)
    nums = np.empty(n, np.float64)
    lib.THT7Graph_kinds(g, ffi.from_buffer("int32_t[]", kinds), ffi.from_buffer("double[]", nums))
    ptrs = ffi.unpack(g.nodes, n)
    objs = [None] * n
    # scalars, vectorised
    idx = np.flatnonzero(kinds == _T_NUMBER)
    vals = nums[idx]
    if int_heuristic:
        for i, v, b in zip(idx.tolist(), vals.tolist(), _int_mask(vals).tolist()):
            objs[i] = int(v) if b else v
    else:
        for i, v in zip(idx.tolist(), vals.tolist()):
            objs[i] = v
    for i in np.flatnonzero(kinds == _T_BOOLEAN).tolist():
        objs[i] = bool(nums[i])
    for i in np.flatnonzero(kinds == _T_STRING).tolist():
        p = ptrs[i]
        objs[i] = _decode_str(ffi.unpack(p.str, p.len))
    # tables that must stay dicts (field tables, tds.Hash) or lists (tds.Vec)
    as_dict, as_list = set(), set()
    torch_idx = np.flatnonzero(kinds >= 16).tolist()
    tkinds = kinds.tolist()
    for i in torch_idx:
        k = tkinds[i]
        if k in (_T_OBJECT, _T_HASH):
            as_dict.add(ptrs[i].payload.id)
        elif k == _T_VEC:
            as_list.add(ptrs[i].payload.id)
    # containers first (empty), so that cycles and shared references need no recursion
    tables = []
    for i in np.flatnonzero(kinds == _T_TABLE).tolist():
        p = ptrs[i]
        ids = _table_ids(p, p.n)
        keys, values = ids[0::2], ids[1::2]
        order = None
        if i in as_list:
            order = values
        elif i not in as_dict and list_heuristic:
            # a list when the keys are exactly the numbers 1..n
            if (kinds[keys] == _T_NUMBER).all():
                kv = nums[keys]
                perm = np.argsort(kv, kind="stable")
                if np.array_equal(kv[perm], np.arange(1, len(kv) + 1)):
                    order = values[perm]
        if order is not None:
            objs[i] = LuaList()
            tables.append((i, None, order.tolist()))
        else:
            objs[i] = LuaTable()
            tables.append((i, keys.tolist(), values.tolist()))
    for i in torch_idx:
        p = ptrs[i]
        k = tkinds[i]
        if k == _T_TENSOR:
            lib.THTensor_retain(p.tensor)
            objs[i] = _wrap(p.tensor)
        elif k == _T_STORAGE:
            s = p.storage
            size = ffi.new("int64_t[1]", [s.size])
            t = _wrap(lib.THTensor_newWithStorage(s, 0, 1, size, ffi.NULL))
            t._t7_storage = True
            objs[i] = t
        elif k == _T_GENERATOR:
            objs[i] = _generator(ffi.unpack(p.payload.str, p.payload.len))
        elif k in (_T_HASH, _T_VEC):
            objs[i] = objs[p.payload.id]
        else:
            name = ffi.unpack(p.str, p.len).decode("utf-8", "surrogateescape")
            objs[i] = TorchObject(name, None, p.version)
    funcs = np.flatnonzero(kinds == _T_FUNCTION).tolist()
    for i in funcs:
        p = ptrs[i]
        objs[i] = LuaFunction(ffi.unpack(p.str, p.len), None, p.cls)
    # then fill them
    for i, keys, values in tables:
        o = objs[i]
        if keys is None:
            o.extend([objs[v] for v in values])
        else:
            o.update(zip([objs[k] for k in keys], [objs[v] for v in values]))
    for i in torch_idx:
        if tkinds[i] == _T_OBJECT:
            object.__setattr__(objs[i], "_fields", objs[ptrs[i].payload.id])
    for i in funcs:
        objs[i].upvalues = objs[ptrs[i].payload.id]
    return objs[g.root.id]


def _generator(state):
    from .random import Generator
    from ..tensor import tensor as _tensor
    gen = Generator()
    gen.set_state(_tensor(np.frombuffer(state, dtype=np.uint8).copy()))
    return gen


def load_lua(f, mode="binary", long_size=None, functions=False, list_heuristic=True, int_heuristic=True):
    """Load a Torch7 .t7 file (path, bytes, or binary file object) written by torch.save.

    mode is 'binary' (default), 'ascii', 'b32' or 'b64' (binary with 4- or 8-byte longs);
    binary files are tried with 8-byte longs and then 4-byte ones unless long_size is given.
    Lua functions are refused unless functions=True (their bytecode could run arbitrary
    code); they then load as inert LuaFunction records. See the module docstring for types.
    """
    fmt, ls = _mode(mode, long_size)
    functions = 1 if functions else 0
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        os.stat(path)      # FileNotFoundError / PermissionError with Python's message
        g = lib.THT7_readFile(os.fsencode(path), fmt, ls, functions)
    else:
        if isinstance(f, (bytes, bytearray, memoryview)):
            data = f
        elif hasattr(f, "read"):
            data = f.read()
            if not isinstance(data, (bytes, bytearray)):
                raise TypeError("load_lua: the file object must be opened in binary mode")
        else:
            raise TypeError(f"load_lua: expected a path, bytes or a binary file object, got {type(f).__name__}")
        buf = ffi.from_buffer(data)
        g = lib.THT7_readBuffer(buf, len(buf), fmt, ls, functions)
    if g == ffi.NULL:
        raise error()
    try:
        return _decode(g, list_heuristic, int_heuristic)
    finally:
        lib.THT7Graph_free(g)


# ---------------------------------------------------------------------- saving

def _path_str(chain):
    parts = []
    while chain is not None:
        chain, key = chain
        parts.append(f"[{key!r}]")
    return "obj" + "".join(reversed(parts))


_new_number = lib.THT7_newNumber
_new_string = lib.THT7_newString
_INT_FAST = 2 ** 62


class _Encoder:
    def __init__(self, g):
        self.g = g
        self.memo = {}        # id(obj) -> node, for objects with identity (tables, tensors, ...)
        self.keep = []        # objects made on the way (kept alive while ids are in the memo)
        self.todo = []        # (table node, items, path) still to fill

    def _new(self, ptr):
        if ptr == ffi.NULL:
            raise error()
        return ptr

    def node(self, x, path):
        g = self.g
        t = type(x)
        if t is float or (t is int and -_INT_FAST <= x <= _INT_FAST):     # fast path for plain numbers
            return self._new(_new_number(g, x))
        if t is str:
            b = x.encode("utf-8", "surrogateescape")
            return self._new(_new_string(g, b, len(b)))
        if x is None:
            return self._new(lib.THT7_newNil(g))
        if isinstance(x, (bool, np.bool_)):
            return self._new(lib.THT7_newBoolean(g, 1 if x else 0))
        if isinstance(x, numbers.Real) and not isinstance(x, Tensor):
            try:
                v = float(x)
            except OverflowError:
                raise ValueError(f"save_lua: the number at {_path_str(path)} is too large for a Lua number") from None
            return self._new(lib.THT7_newNumber(g, v))
        if isinstance(x, str):
            b = x.encode("utf-8", "surrogateescape")
            return self._new(lib.THT7_newString(g, b, len(b)))
        if isinstance(x, (bytes, bytearray)):
            return self._new(lib.THT7_newString(g, bytes(x), len(x)))
        node = self.memo.get(id(x))
        if node is not None:
            return node
        if isinstance(x, np.ndarray):
            a = x if x.dtype.isnative and all(s >= 0 for s in x.strides) else np.ascontiguousarray(x)
            if a.dtype.byteorder == ">":
                a = a.astype(a.dtype.newbyteorder("="))
            self.keep.append(x)
            node = self.node(from_numpy(a), path)
        elif isinstance(x, Tensor):
            t = x._t
            s = t.storage
            if (x.__dict__.get("_t7_storage") and s != ffi.NULL and t.ndim == 1 and t.offset == 0
                    and t.size[0] == s.size and (t.stride[0] == 1 or s.size <= 1)):
                node = self._new(lib.THT7_newStorage(g, ffi.NULL, s))
            else:
                node = self._new(lib.THT7_newTensor(g, ffi.NULL, t))
        elif isinstance(x, TorchObject):
            name = x._typename.encode("utf-8", "surrogateescape")
            if x._typename == "torch.Generator":
                raise TypeError(f"save_lua: write a torch.Generator as a pytorch_like.Generator ({_path_str(path)})")
            fields = x._fields
            if x._typename == "tds.Vec" and not isinstance(fields, (list, tuple)):
                raise TypeError(f"save_lua: a tds.Vec TorchObject needs a list of elements ({_path_str(path)})")
            if not isinstance(fields, (dict, list, tuple)):
                raise TypeError(f"save_lua: the fields of the {x._typename} at {_path_str(path)} must be a dict, "
                                f"got {type(fields).__name__}")
            payload = self.node(fields, path)
            node = self._new(lib.THT7_newObject(g, name, x._version, payload))
        elif isinstance(x, LuaFunction):
            up = self.node(x.upvalues, (path, "upvalues"))
            node = self._new(lib.THT7_newFunction(g, x.type_code, x.bytecode, len(x.bytecode), up))
        elif isinstance(x, dict):
            node = self._new(lib.THT7_newTable(g))
            self.todo.append((node, list(x.items()), path))
        elif isinstance(x, (list, tuple)):
            node = self._new(lib.THT7_newTable(g))
            self.todo.append((node, [(i + 1, v) for i, v in enumerate(x)], path))
        else:
            from .random import Generator
            if not isinstance(x, Generator):
                raise TypeError(f"save_lua: cannot write an object of type {type(x).__name__} at {_path_str(path)}")
            state = bytes(np.asarray(x.get_state()))
            st = self._new(lib.THT7_newString(g, state, len(state)))
            node = self._new(lib.THT7_newObject(g, b"torch.Generator", 1, st))
        self.memo[id(x)] = node
        self.keep.append(x)
        return node

    def encode(self, obj):
        root = self.node(obj, None)
        todo = self.todo
        node = self.node
        append = lib.THT7_tableAppend
        while todo:        # tables are filled after they exist, so cycles and depth need no recursion
            tnode, items, path = todo.pop()
            for k, v in items:
                if k is None or (isinstance(k, float) and k != k):
                    raise ValueError(f"save_lua: a Lua table key cannot be {k!r} (at {_path_str(path)})")
                if append(tnode, node(k, path), node(v, (path, k))):
                    raise error()
        return root


def save_lua(obj, f, mode="binary", long_size=None):
    """Write obj as a Torch7 .t7 file (torch.save format) to a path or a binary file object.

    mode is 'binary' (default; 8-byte longs, or long_size=4 / mode 'b32'), or 'ascii'.
    Saving to a path is atomic: a temporary file in the same directory is written, synced
    and renamed over the path, so a failed save leaves any previous file intact.
    """
    fmt, ls = _mode(mode, long_size)
    g = lib.THT7Graph_new()
    if g == ffi.NULL:
        raise error()
    try:
        root = _Encoder(g).encode(obj)
        if isinstance(f, (str, os.PathLike)):
            check(lib.THT7_writeFile(os.fsencode(os.fspath(f)), root, fmt, ls))
            return
        if not hasattr(f, "write"):
            raise TypeError(f"save_lua: expected a path or a binary file object, got {type(f).__name__}")
        w = lib.THT7Writer_new(fmt, ls, 1)
        if w == ffi.NULL:
            raise error()
        try:
            check(lib.THT7Writer_write(w, root))
            size = ffi.new("int64_t *")
            data = lib.THT7Writer_data(w, size)
            f.write(ffi.buffer(data, size[0]))
        finally:
            lib.THT7Writer_free(w)
    finally:
        lib.THT7Graph_free(g)
