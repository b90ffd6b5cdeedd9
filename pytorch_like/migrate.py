"""th-migrate: export a Torch7 nn model (.t7) as a plain PyTorch model.

    th-migrate model.t7 out/

writes out/model.py (a `Model(nn.Module)` using only torch), out/model.safetensors (its
state_dict, in the safetensors format, written here without the safetensors package) and
out/report.txt (every Torch7 class met and whether it was converted). Load it with

    from model import Model; m = Model(); m.load_state_dict(<tensors of model.safetensors>)

The conversion is pytorch_like.legacy.convert; helper modules it needs (Torch7's View,
table containers, nngraph graphs, ...) are copied into model.py from pytorch_like.legacy_modules.
A Torch7 criterion exports as a loss module: Model()(input, target), class targets 0-based.
"""
import argparse
import inspect
import json
import os
import struct
import sys

import numpy as np

from . import legacy

_ZERO_BASED = ("nn.ClassNLLCriterion", "nn.CrossEntropyCriterion", "nn.LookupTable",
               "cudnn.SpatialCrossEntropyCriterion")
_ST_DTYPES = {"float64": "F64", "float32": "F32", "float16": "F16", "int64": "I64", "int32": "I32",
              "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL"}
_CONTAINERS = {"nn.Sequential", "nn.ConcatTable", "nn.Concat", "nn.Parallel", "nn.ParallelTable", "nn.gModule",
               "nn.ParallelCriterion", "nn.MultiCriterion"}


# ------------------------------------------------------------------ safetensors

def write_safetensors(path, tensors, metadata=None):
    """Write {name: array-like} as a safetensors file (little-endian, 8-byte aligned header)."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.numpy() if hasattr(t, "numpy") else np.asarray(t))
        key = a.dtype.name
        if key not in _ST_DTYPES:
            raise TypeError(f"write_safetensors: tensor {name!r} has unsupported dtype {key}")
        raw = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _ST_DTYPES[key], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for raw in blobs:
            f.write(raw)


def read_safetensors(path):
    """{name: numpy array} from a safetensors file."""
    inv = {v: k for k, v in _ST_DTYPES.items()}
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        dt = np.dtype(inv[info["dtype"]] if info["dtype"] != "BOOL" else "bool").newbyteorder("<")
        out[name] = np.frombuffer(data[8 + n + b:8 + n + e], dtype=dt).reshape(info["shape"])
    return out


# ------------------------------------------------------------------ model.py

def _value(v, helpers):
    from .nn import Module
    if isinstance(v, Module):
        return _render(v, helpers)
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        # a buffer (a loss's class weights): its values come with model.safetensors
        return f"torch.zeros({_value(tuple(int(s) for s in v.shape), helpers)}, dtype={_value(v.dtype, helpers)})"
    if type(v).__name__ == "dtype" or str(v).startswith("pytorch_like."):
        return "torch." + str(v).split(".")[-1]
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return f'float("{v}")'
    if isinstance(v, tuple):
        return "(" + ", ".join(_value(x, helpers) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, list):
        return "[" + ", ".join(_value(x, helpers) for x in v) + "]"
    return repr(v)


def _render(module, helpers):
    prefix, name, args, kwargs = legacy.constructor_of(module)
    if not prefix:
        helpers.add(name)
    parts = [_value(a, helpers) for a in args]
    parts += [f"{k}={_value(v, helpers)}" for k, v in kwargs.items() if v is not None]
    return (prefix + "." if prefix else "") + name + "(" + ", ".join(parts) + ")"


def model_source(net):
    """(model.py source, {converted state_dict key: model.py key})."""
    from .nn import Sequential
    helpers = set()
    init, fwd, keymap = [], [], {}
    sd = net.state_dict()
    if isinstance(net, Sequential):
        names = list(net._modules)
        for i, n in enumerate(names):
            init.append(f"        self.layer{i + 1} = {_render(net._modules[n], helpers)}")
            fwd.append(f"        x = self.layer{i + 1}(x)")
        for k in sd:
            head, _, rest = k.partition(".")
            keymap[k] = f"layer{names.index(head) + 1}.{rest}"
        signature, ret = "x", "x"
    else:
        init.append(f"        self.net = {_render(net, helpers)}")
        fwd.append("        x = self.net(*inputs)")
        keymap = {k: "net." + k for k in sd}
        signature, ret = "*inputs", "x"
    lines = ['"""A PyTorch model exported by th-migrate (pytorch_like) from a Torch7 nn model.',
             "", "Weights: model.safetensors (keys = Model().state_dict() keys). Call .eval() before use.",
             '"""', "import torch", "import torch.nn as nn", "", ""]
    for cls in legacy.HELPER_CLASSES:     # bases come first there, and go with their subclasses
        if any(c.__name__ in helpers for c in legacy.HELPER_CLASSES if issubclass(c, cls)):
            lines += [inspect.getsource(cls).rstrip(), "", ""]
    lines += ["class Model(nn.Module):", "    def __init__(self):", "        super().__init__()", *init, "",
              f"    def forward(self, {signature}):", *fwd, f"        return {ret}", ""]
    return "\n".join(lines), keymap


# ------------------------------------------------------------------ report

def _walk(obj, seen, out):
    if not hasattr(obj, "torch_typename") or id(obj) in seen:
        return
    seen.add(id(obj))
    out.append(obj)
    name = obj.torch_typename()
    if name == "nn.gModule":
        for n in legacy._values(obj["forwardnodes"]):
            if "module" in n.data and n.data["module"] is not None:
                _walk(n.data["module"], seen, out)
    else:
        for key in ("modules", "criterions"):
            if key in obj:
                for m in legacy._values(obj[key]):
                    _walk(m, seen, out)


def class_report(model):
    """[(class name, count, None or why it was not converted)] in order of first appearance."""
    objs = []
    _walk(model, set(), objs)
    rows = {}
    for o in objs:
        name = o.torch_typename()
        err = None
        if name not in _CONTAINERS:
            try:
                legacy._convert_one(o)
            except Exception as e:      # noqa: BLE001 - reported, the export then fails
                err = str(e)
        if name in rows:
            rows[name][1] += 1
            rows[name][2] = rows[name][2] or err
        else:
            rows[name] = [name, 1, err]
    return [tuple(r) for r in rows.values()]


def migrate(path, outdir):
    """Export the .t7 model at path into outdir; returns (ok, report text)."""
    from ._ops.t7 import load_lua
    model = load_lua(path)
    os.makedirs(outdir, exist_ok=True)
    rows = class_report(model)
    lines = [f"th-migrate {path}", ""]
    for name, count, err in rows:
        lines.append(f"{name:32s} x{count:<4d} " + ("converted" if err is None else "NOT converted: " + err))
    ok = all(err is None for _, _, err in rows)
    zero_based = sorted(set(_ZERO_BASED) & {name for name, _, _ in rows})
    if zero_based:
        lines += ["", f"note: {', '.join(zero_based)} take 0-based indices in PyTorch (Torch7's are 1-based)"]
    if ok:
        net = legacy.convert(model)
        src, keymap = model_source(net)
        with open(os.path.join(outdir, "model.py"), "w") as f:
            f.write(src)
        sd = net.state_dict()
        write_safetensors(os.path.join(outdir, "model.safetensors"),
                          {keymap[k]: v.detach() for k, v in sd.items()},
                          {"format": "pt", "source": os.path.basename(path)})
        lines += ["", f"wrote model.py and model.safetensors ({len(sd)} tensors)"]
    else:
        lines += ["", "not exported: some classes cannot be converted"]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(outdir, "report.txt"), "w") as f:
        f.write(text)
    return ok, text


def main(argv=None):
    """Console entry point: th-migrate model.t7 outdir."""
    p = argparse.ArgumentParser(prog="th-migrate", description="Export a Torch7 .t7 nn model as PyTorch "
                                "(model.py, model.safetensors, report.txt).")
    p.add_argument("model", help="the .t7 file (an nn module saved by torch.save)")
    p.add_argument("outdir", help="output directory (created)")
    a = p.parse_args(argv)
    try:
        ok, text = migrate(a.model, a.outdir)
    except (OSError, ValueError, TypeError, RuntimeError) as e:
        print(f"th-migrate: {e}", file=sys.stderr)
        return 2
    print(text, end="")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
