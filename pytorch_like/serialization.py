"""pytorch_like.save / pytorch_like.load: tensors, state_dicts and nested containers in a safe file format.

A file is a zip archive (stored, not compressed) holding
  format            the text "pytorch_like.save v1"
  data.json         the object tree; containers and tensors are {"__t": kind, ...} records
  storages/<k>      the raw bytes (native byte order) of each distinct storage

Tensors that share a storage are saved with one copy of it and share it again after
loading. Loading never runs pickle unless the caller passes weights_only=False: objects
outside the supported kinds are stored as a pickle record that a weights_only load refuses.
Saving writes a temporary file next to the target and renames it over the target.
"""
import base64
import collections
import io
import json
import os
import pickle
import tempfile
import zipfile

import numpy as np

from . import dtypes as _dt
from ._lib import ffi
from .tensor import Size, Tensor, empty

__all__ = ["save", "load"]

_MAGIC = b"pytorch_like.save v1"
_MAX_DIMS = 32


class _Saver:
    def __init__(self):
        self.storages = {}    # storage address -> (key, THStorage*, itemsize, dtype)
        self.memo = {}        # id(tensor) -> record id, so one tensor object saved twice loads as one
        self.keep = []

    def storage_key(self, t):
        s = t._t.storage
        if s == ffi.NULL:
            return None
        addr = int(ffi.cast("uintptr_t", s))
        entry = self.storages.get(addr)
        if entry is None:
            entry = (str(len(self.storages)), s, _dt.BY_CODE[s.dtype].itemsize, t)
            self.storages[addr] = entry
        return entry[0]

    def encode(self, obj):
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return obj
        if isinstance(obj, float):
            return obj
        if isinstance(obj, Tensor):
            return self.encode_tensor(obj)
        if isinstance(obj, _dt.dtype):
            return {"__t": "dtype", "name": obj.name}
        if isinstance(obj, Size):
            return {"__t": "size", "items": list(obj)}
        if isinstance(obj, collections.Counter):
            return {"__t": "counter", "items": [[self.encode(k), self.encode(v)] for k, v in obj.items()]}
        if isinstance(obj, collections.OrderedDict):
            rec = {"__t": "odict", "items": [[self.encode(k), self.encode(v)] for k, v in obj.items()]}
            meta = getattr(obj, "_metadata", None)
            if meta is not None:
                rec["metadata"] = self.encode(meta)
            return rec
        if type(obj) is dict or isinstance(obj, collections.defaultdict):
            return {"__t": "dict", "items": [[self.encode(k), self.encode(v)] for k, v in obj.items()]}
        if type(obj) is list:
            return {"__t": "list", "items": [self.encode(v) for v in obj]}
        if type(obj) is tuple:
            return {"__t": "tuple", "items": [self.encode(v) for v in obj]}
        if type(obj) in (set, frozenset):
            return {"__t": type(obj).__name__, "items": [self.encode(v) for v in obj]}
        if isinstance(obj, (bytes, bytearray)):
            return {"__t": "bytes", "b64": base64.b64encode(bytes(obj)).decode("ascii")}
        if isinstance(obj, complex):
            return {"__t": "complex", "re": obj.real, "im": obj.imag}
        if isinstance(obj, (np.integer, np.floating, np.bool_)):
            return self.encode(obj.item())
        # anything else (a whole Module, a custom object): pickled, loadable only with weights_only=False
        try:
            data = pickle.dumps(obj, protocol=4)
        except Exception as e:
            raise TypeError(f"save: cannot serialise an object of type {type(obj).__name__}: {e}") from None
        return {"__t": "pickle", "type": f"{type(obj).__module__}.{type(obj).__qualname__}",
                "b64": base64.b64encode(data).decode("ascii")}

    def encode_tensor(self, t):
        n = self.memo.get(id(t))
        if n is not None:
            return {"__t": "ref", "id": n}
        from .nn.parameter import Parameter
        c = t._t
        rec = {"__t": "tensor", "dtype": t.dtype.name, "shape": list(t.shape), "stride": list(t.stride()),
               "offset": int(c.offset), "storage": self.storage_key(t),
               "requires_grad": bool(t.requires_grad), "parameter": isinstance(t, Parameter), "id": len(self.memo)}
        self.memo[id(t)] = rec["id"]
        self.keep.append(t)     # ids stay unique while saving
        return rec


def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True):
    """Save tensors, state_dicts and nested dicts/lists/tuples/numbers/strings to a path or binary file object."""
    saver = _Saver()
    tree = saver.encode(obj)
    payload = json.dumps({"root": tree, "storages": {
        key: {"dtype": _dt.BY_CODE[s.dtype].name, "numel": int(s.size)}
        for key, s, _, _ in saver.storages.values()}}, allow_nan=True).encode("utf-8")

    def write(fileobj):
        with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
            z.writestr("format", _MAGIC)
            z.writestr("data.json", payload)
            for key, s, itemsize, _keep in saver.storages.values():
                n = int(s.size) * itemsize
                z.writestr(f"storages/{key}", bytes(ffi.buffer(s.data, n)) if n else b"")

    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fspath(f)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        directory = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".tmp-save-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                write(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    else:
        if not hasattr(f, "write"):
            raise TypeError(f"save: f must be a path or a writable binary file object, got {type(f).__name__}")
        write(f)


class _Loader:
    def __init__(self, z, meta, weights_only, where):
        self.z = z
        self.meta = meta
        self.weights_only = weights_only
        self.where = where
        self.bases = {}
        self.tensors = {}

    def bad(self, what):
        return RuntimeError(f"load: {self.where} is corrupt or not a pytorch_like save file: {what}")

    def base(self, key):
        t = self.bases.get(key)
        if t is not None:
            return t
        info = self.meta.get(key)
        if not isinstance(info, dict):
            raise self.bad(f"storage {key!r} is not described")
        try:
            d = _dt._by_name(info["dtype"])
        except Exception:
            raise self.bad(f"storage {key!r} has an unknown dtype {info.get('dtype')!r}") from None
        numel = info.get("numel")
        if not isinstance(numel, int) or isinstance(numel, bool) or numel < 0:
            raise self.bad(f"storage {key!r} has an invalid size {numel!r}")
        name = f"storages/{key}"
        try:
            zi = self.z.getinfo(name)
        except KeyError:
            raise self.bad(f"the bytes of storage {key!r} are missing") from None
        if zi.file_size != numel * d.itemsize:
            raise self.bad(f"storage {key!r} holds {zi.file_size} bytes, expected {numel * d.itemsize}")
        t = empty(numel, dtype=d)
        if numel:
            raw = self.z.read(name)
            t.numpy(force=True)[...] = np.frombuffer(raw, dtype=d.numpy)
        self.bases[key] = t
        return t

    def decode(self, node):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            raise self.bad("a bare JSON list in the object tree")
        if not isinstance(node, dict) or "__t" not in node:
            raise self.bad("an untagged JSON object in the object tree")
        kind = node["__t"]
        if kind == "tensor":
            t = self.decode_tensor(node)
            self.tensors[node.get("id")] = t
            return t
        if kind == "ref":
            t = self.tensors.get(node.get("id"))
            if t is None:
                raise self.bad(f"a reference to an unknown tensor {node.get('id')!r}")
            return t
        items = node.get("items")
        if kind in ("dict", "odict", "counter"):
            if not isinstance(items, list) or not all(isinstance(kv, list) and len(kv) == 2 for kv in items):
                raise self.bad(f"a {kind} record without [key, value] items")
            cls = {"dict": dict, "odict": collections.OrderedDict, "counter": collections.Counter}[kind]
            out = cls()
            for k, v in items:
                k = self.decode(k)
                try:
                    hash(k)
                except TypeError:
                    raise self.bad(f"an unhashable dict key of type {type(k).__name__}") from None
                out[k] = self.decode(v)
            if kind == "odict" and "metadata" in node:
                out._metadata = self.decode(node["metadata"])
            return out
        if kind in ("list", "tuple", "set", "frozenset", "size"):
            if not isinstance(items, list):
                raise self.bad(f"a {kind} record without items")
            vals = [self.decode(v) for v in items]
            if kind == "size":
                return Size(int(v) for v in vals)
            return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[kind](vals)
        if kind == "dtype":
            try:
                return _dt._by_name(node.get("name"))
            except Exception:
                raise self.bad(f"unknown dtype {node.get('name')!r}") from None
        if kind == "bytes":
            return self.b64(node)
        if kind == "complex":
            return complex(node.get("re", 0.0), node.get("im", 0.0))
        if kind == "pickle":
            if self.weights_only:
                raise pickle.UnpicklingError(
                    f"Weights only load failed: {self.where} holds a pickled Python object of type "
                    f"{node.get('type', '?')}, which weights_only=True refuses to unpickle (it could run arbitrary "
                    "code). Load with weights_only=False only if you trust the source of the file.")
            return pickle.loads(self.b64(node))
        raise self.bad(f"unknown record kind {kind!r}")

    def b64(self, node):
        try:
            return base64.b64decode(node["b64"], validate=True)
        except Exception:
            raise self.bad("invalid base64 data") from None

    def decode_tensor(self, node):
        try:
            d = _dt._by_name(node["dtype"])
        except Exception:
            raise self.bad(f"a tensor with an unknown dtype {node.get('dtype')!r}") from None
        shape, stride, offset = node.get("shape"), node.get("stride"), node.get("offset", 0)
        ok = (isinstance(shape, list) and isinstance(stride, list) and len(shape) == len(stride)
              and len(shape) <= _MAX_DIMS and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                                                  for v in shape + stride + [offset]))
        if not ok:
            raise self.bad(f"a tensor with an invalid geometry (shape {shape!r}, stride {stride!r}, "
                           f"offset {offset!r})")
        key = node.get("storage")
        if key is None:
            if all(shape) or not shape:
                raise self.bad("a non-empty tensor without a storage")
            t = empty(shape, dtype=d)
        else:
            base = self.base(key)
            if base.dtype is not d:
                raise self.bad(f"a {d.name} tensor on a {base.dtype.name} storage")
            # as_strided checks the view against the storage's size in C
            try:
                t = base.as_strided(shape, stride, offset)
            except (RuntimeError, ValueError, IndexError) as e:
                raise self.bad(f"a tensor does not fit in its storage ({e})") from None
        if node.get("parameter"):
            from .nn.parameter import Parameter
            return Parameter(t, requires_grad=bool(node.get("requires_grad", True)))
        if node.get("requires_grad"):
            t.requires_grad_(True)
        return t


def _check_map_location(map_location):
    if map_location is None or callable(map_location) and not isinstance(map_location, (str, dict)):
        return
    locs = map_location.values() if isinstance(map_location, dict) else [map_location]
    for loc in locs:
        if str(loc).split(":")[0] != "cpu":
            raise RuntimeError(f"load: map_location {loc!r} is not available: pytorch_like runs on the CPU only here")


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """Load what save() wrote, from a path or binary file object. With weights_only=True (the default) no pickle
    code ever runs: only tensors, numbers, strings and containers are accepted."""
    _check_map_location(map_location)
    where = repr(os.fspath(f)) if isinstance(f, (str, bytes, os.PathLike)) else "the file object"
    opened = None
    try:
        if isinstance(f, (str, bytes, os.PathLike)):
            opened = open(f, "rb")
            fileobj = opened
        else:
            if not hasattr(f, "read"):
                raise TypeError(f"load: f must be a path or a readable binary file object, got {type(f).__name__}")
            fileobj = f if hasattr(f, "seek") else io.BytesIO(f.read())
        try:
            z = zipfile.ZipFile(fileobj, "r")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
            raise RuntimeError(f"load: {where} is not a pytorch_like save file (not a zip archive: {e}). "
                               "Files written by pickle or by other libraries are not loaded.") from None
        with z:
            try:
                magic = z.read("format")
                doc = json.loads(z.read("data.json").decode("utf-8"))
            except KeyError as e:
                raise RuntimeError(f"load: {where} is not a pytorch_like save file (missing {e})") from None
            except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, EOFError) as e:
                raise RuntimeError(f"load: {where} is corrupt: {e}") from None
            if magic != _MAGIC:
                raise RuntimeError(f"load: {where} is not a pytorch_like save file (format {magic[:40]!r})")
            if not isinstance(doc, dict) or "root" not in doc or not isinstance(doc.get("storages"), dict):
                raise RuntimeError(f"load: {where} is corrupt: data.json lacks the root or the storages table")
            loader = _Loader(z, doc["storages"], weights_only, where)
            try:
                return loader.decode(doc["root"])
            except zipfile.BadZipFile as e:
                raise RuntimeError(f"load: {where} is corrupt: {e}") from None
    finally:
        if opened is not None:
            opened.close()
