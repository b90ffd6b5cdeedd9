"""Convert Lua Torch7 nn models into pytorch_like.nn modules with the same weights.

    model = pytorch_like.load_lua("model.t7")          # a TorchObject 'nn.Sequential'
    net = pytorch_like.legacy.convert(model)           # a pytorch_like.nn.Module, eval mode

convert() also takes a Lua module living in a LuaSession (a LuaObject): it is serialized in
Lua (torch.serializeToStorage, in memory) and read back with load_lua, so both kinds of input
go through the one converter working on TorchObjects.

Converted modules are PyTorch-idiomatic: LookupTable becomes nn.Embedding and takes 0-based
indices (Torch7 takes 1-based ones). Torch7 behaviour with no PyTorch module of its own
(batch-aware View/Reshape, Torch7's implicit SoftMax dimension, table containers, nngraph
graphs) is kept by the small modules defined below (TorchView, ConcatTable, Graph...); they
use only the API PyTorch and pytorch_like share, so `th-migrate` copies their source into the
exported plain-PyTorch model.py. A class with no rule raises NotImplementedError naming it.
"""
import pytorch_like as torch
from pytorch_like import nn
from pytorch_like.nn.parameter import Parameter

__all__ = ["convert", "UnsupportedModuleError", "HELPER_CLASSES", "constructor_of"]


class UnsupportedModuleError(NotImplementedError):
    """A Torch7 class (or a configuration of one) that convert() cannot express."""


# ------------------------------------------------------------------ helper modules
# (their source is copied verbatim into model.py by th-migrate: torch and nn only)

class TorchView(nn.Module):
    """Torch7 nn.View: view as `size` (one entry may be -1), keeping leading batch dims when the
    input has more than num_input_dims dims or more elements than size holds."""

    def __init__(self, size, num_input_dims=None):
        super().__init__()
        self.size = [int(s) for s in size]
        self.num_input_dims = num_input_dims

    def extra_repr(self):
        return f"size={self.size}, num_input_dims={self.num_input_dims}"

    def forward(self, x):
        nel = x.numel()
        nd = x.dim()
        ind = self.num_input_dims
        numel_size = 1
        for s in self.size:
            if s != -1:
                numel_size *= s
        has_batch = ind is not None and nd > ind
        ine = nel
        if ind is not None and nd >= ind:
            ine = 1
            for i in range(nd - ind, nd):
                ine *= x.shape[i]
        bsz, inferred = None, None
        if -1 in self.size:
            inferred = ine // numel_size
            if has_batch:
                bsz = nel // ine
        elif ine != numel_size:
            bsz = nel // numel_size
        elif has_batch:
            bsz = nel // ine
        sz = [bsz] if bsz is not None else []
        sz += [inferred if s == -1 else s for s in self.size]
        return x.contiguous().view(*sz)


class TorchReshape(nn.Module):
    """Torch7 nn.Reshape: view as `size`, with the first dim kept as batch when batch_mode is
    True, or (batch_mode None) when the input holds more elements or starts with size 1."""

    def __init__(self, size, batch_mode=None):
        super().__init__()
        self.size = [int(s) for s in size]
        self.batch_mode = batch_mode

    def forward(self, x):
        nel = 1
        for s in self.size:
            nel *= s
        if self.batch_mode is False or (self.batch_mode is None and x.numel() == nel and x.shape[0] != 1):
            return x.contiguous().view(*self.size)
        return x.contiguous().view(x.shape[0], *self.size)


class TorchSoftMax(nn.Module):
    """Torch7 nn.SoftMax / nn.LogSoftMax: over dim 0 of 1-D and 3-D inputs, else dim 1."""

    def __init__(self, log=False):
        super().__init__()
        self.log = log

    def extra_repr(self):
        return f"log={self.log}"

    def forward(self, x):
        dim = 0 if x.dim() in (1, 3) else 1
        return nn.functional.log_softmax(x, dim) if self.log else nn.functional.softmax(x, dim)


class Threshold(nn.Module):
    """Torch7 nn.Threshold: x if x > threshold else value."""

    def __init__(self, threshold=1e-6, value=0.0):
        super().__init__()
        self.threshold = threshold
        self.value = value

    def forward(self, x):
        return torch.where(x > self.threshold, x, torch.full_like(x, self.value))


class ConcatTable(nn.Module):
    """Torch7 nn.ConcatTable: every child applied to the same input; a list of outputs."""

    def __init__(self, *mods):
        super().__init__()
        self.mods = nn.ModuleList(list(mods))

    def forward(self, x):
        return [m(x) for m in self.mods]


class Concat(nn.Module):
    """Torch7 nn.Concat: every child applied to the same input, outputs concatenated along dim."""

    def __init__(self, dim, *mods):
        super().__init__()
        self.dim = dim
        self.mods = nn.ModuleList(list(mods))

    def forward(self, x):
        return torch.cat([m(x) for m in self.mods], self.dim)


class Parallel(nn.Module):
    """Torch7 nn.Parallel: child i applied to input.select(in_dim, i), outputs concatenated
    along out_dim."""

    def __init__(self, in_dim, out_dim, *mods):
        super().__init__()
        self.in_dim = in_dim
        self.out_dim = out_dim
        self.mods = nn.ModuleList(list(mods))

    def forward(self, x):
        return torch.cat([m(x.select(self.in_dim, i)) for i, m in enumerate(self.mods)], self.out_dim)


class CAddTable(nn.Module):
    """Torch7 nn.CAddTable: the elementwise sum of a list of tensors."""

    def forward(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class JoinTable(nn.Module):
    """Torch7 nn.JoinTable: concatenate a list along dim (shifted by one when the inputs have
    num_input_dims + 1 dims, i.e. a batch dim)."""

    def __init__(self, dim, num_input_dims=None):
        super().__init__()
        self.dim = dim
        self.num_input_dims = num_input_dims

    def forward(self, xs):
        dim = self.dim
        if self.num_input_dims is not None and xs[0].dim() == self.num_input_dims + 1:
            dim += 1
        return torch.cat(list(xs), dim)


class Graph(nn.Module):
    """An nngraph gModule: nodes run in topological order. Each node is
    [module index or -1, select index or -1, [source node per input slot]]; a node with no
    module passes its input on (the single input itself, or the list of inputs)."""

    def __init__(self, nodes, in_node, out_node, n_inputs, *mods):
        super().__init__()
        self.nodes = nodes
        self.in_node = in_node
        self.out_node = out_node
        self.n_inputs = n_inputs
        self.mods = nn.ModuleList(list(mods))

    def forward(self, *inputs):
        if self.n_inputs <= 1 and len(inputs) == 1:
            inputs = [inputs[0]]
        elif len(inputs) == 1 and isinstance(inputs[0], (list, tuple)):
            inputs = list(inputs[0])
        outs = {}
        result = None
        for k, (mod, sel, srcs) in enumerate(self.nodes):
            inp = list(inputs) if k == self.in_node else [outs[s] for s in srcs]
            if sel >= 0:
                out = inp[0][sel]
            else:
                x = inp[0] if len(inp) == 1 else inp
                out = x if mod < 0 else self.mods[mod](x)
            outs[k] = out
            if k == self.out_node:
                result = out
        return result


HELPER_CLASSES = (TorchView, TorchReshape, TorchSoftMax, Threshold, ConcatTable, Concat, Parallel,
                  CAddTable, JoinTable, Graph)


# ------------------------------------------------------------------ conversion

def _num(obj, key, default=None):
    if key in obj and obj[key] is not None:
        v = obj[key]
        return v.item() if hasattr(v, "item") else v
    return default


def _int(obj, key, default=None):
    v = _num(obj, key, default)
    return None if v is None else int(v)


def _seq(v):
    """A LongStorage / list / tensor of sizes as a list of ints."""
    if v is None:
        return []
    if hasattr(v, "tolist"):
        v = v.tolist()
    return [int(s) for s in v]


def _tensor(t):
    return Parameter(t.clone().contiguous())


def _set(module, prefix, name, args, kwargs=None):
    """Record how th-migrate writes this module's constructor."""
    object.__setattr__(module, "_migrate_ctor", (prefix, name, list(args), dict(kwargs or {})))
    return module


def constructor_of(module):
    """(prefix, class name, args, kwargs) recorded for a converted module."""
    return module._migrate_ctor


def _mk(cls, prefix, name, *args, **kwargs):
    return _set(cls(*args, **kwargs), prefix, name, args, kwargs)


def _load(mod, **tensors):
    for k, t in tensors.items():
        if t is None:
            continue
        dst = getattr(mod, k)
        if tuple(dst.shape) != tuple(t.shape):
            raise ValueError(f"convert: {k} of shape {tuple(t.shape)}, expected {tuple(dst.shape)}")
        if isinstance(dst, Parameter):
            setattr(mod, k, _tensor(t))
        else:
            setattr(mod, k, t.clone().contiguous())
    return mod


def _dtype_of(obj):
    for k in ("weight", "running_mean", "bias"):
        if k in obj and hasattr(obj[k], "dtype"):
            return obj[k].dtype
    return None


def _children(obj, convert_one):
    return [convert_one(m) for m in _values(obj["modules"] if "modules" in obj else None)]


def _values(t):
    """The entries of a Lua array (a list, or a dict keyed 1..n)."""
    if t is None:
        return []
    if isinstance(t, dict):
        return [t[k] for k in sorted(k for k in t if isinstance(k, int))]
    return list(t)


def _convert_graph(g, convert_one):
    nodes = _values(g["forwardnodes"])
    index = {id(n.data): k for k, n in enumerate(nodes)}
    mods, mod_index = [], {}
    spec = [None] * len(nodes)
    sources = [dict() for _ in nodes]     # node -> {slot: source node}
    for k, n in enumerate(nodes):
        for child in _values(n["children"]):
            slot = child.data["mapindex"][n.data]
            sources[index[id(child.data)]][int(slot)] = k
    for k, n in enumerate(nodes):
        d = n.data
        m = -1
        if "module" in d and d["module"] is not None:
            key = id(d["module"])
            if key not in mod_index:
                mod_index[key] = len(mods)
                mods.append(convert_one(d["module"]))
            m = mod_index[key]
        sel = int(d["selectindex"]) - 1 if "selectindex" in d and d["selectindex"] is not None else -1
        srcs = [sources[k][s] for s in sorted(sources[k])]
        spec[k] = [m, sel, srcs]
    in_node = index[id(g["innode"].data)]
    out_node = index[id(g["outnode"].data)]
    n_inputs = _int(g, "nInputs", 1)
    return _mk(Graph, "", "Graph", spec, in_node, out_node, n_inputs, *mods)


def _convert_one(obj):
    name = obj.torch_typename() if hasattr(obj, "torch_typename") else type(obj).__name__
    cls = name.split(".", 1)[1] if name.startswith("nn.") else name
    dt = _dtype_of(obj)
    if cls == "Sequential":
        return _mk(nn.Sequential, "nn", "Sequential", *_children(obj, _convert_one))
    if cls == "ConcatTable":
        return _mk(ConcatTable, "", "ConcatTable", *_children(obj, _convert_one))
    if cls in ("Concat",):
        return _mk(Concat, "", "Concat", _int(obj, "dimension") - 1, *_children(obj, _convert_one))
    if cls == "Parallel":
        return _mk(Parallel, "", "Parallel", _int(obj, "inputDimension") - 1,
                   _int(obj, "outputDimension") - 1, *_children(obj, _convert_one))
    if cls == "CAddTable":
        return _mk(CAddTable, "", "CAddTable")
    if cls == "JoinTable":
        return _mk(JoinTable, "", "JoinTable", _int(obj, "dimension") - 1, _int(obj, "nInputDims"))
    if cls == "gModule":
        return _convert_graph(obj, _convert_one)
    if cls == "Linear":
        w = obj["weight"]
        bias = "bias" in obj and obj["bias"] is not None
        m = _mk(nn.Linear, "nn", "Linear", int(w.shape[1]), int(w.shape[0]), bias=bias, dtype=dt)
        return _load(m, weight=w, bias=obj["bias"] if bias else None)
    if cls in ("SpatialConvolution", "SpatialConvolutionMM"):
        nin, nout = _int(obj, "nInputPlane"), _int(obj, "nOutputPlane")
        kh, kw = _int(obj, "kH"), _int(obj, "kW")
        pad = _int(obj, "padding", 0)
        padh, padw = _int(obj, "padH", pad), _int(obj, "padW", pad)
        bias = "bias" in obj and obj["bias"] is not None
        m = _mk(nn.Conv2d, "nn", "Conv2d", nin, nout, (kh, kw), stride=(_int(obj, "dH", 1), _int(obj, "dW", 1)),
                padding=(padh, padw), bias=bias, dtype=dt)
        return _load(m, weight=obj["weight"].reshape(nout, nin, kh, kw), bias=obj["bias"] if bias else None)
    if cls in ("SpatialMaxPooling", "SpatialAveragePooling"):
        k = (_int(obj, "kH"), _int(obj, "kW"))
        s = (_int(obj, "dH", k[0]), _int(obj, "dW", k[1]))
        p = (_int(obj, "padH", 0), _int(obj, "padW", 0))
        ceil = bool(_num(obj, "ceil_mode", False))
        if cls == "SpatialMaxPooling":
            return _mk(nn.MaxPool2d, "nn", "MaxPool2d", k, s, p, ceil_mode=ceil)
        if not bool(_num(obj, "divide", True)):
            raise UnsupportedModuleError("convert: nn.SpatialAveragePooling with divide=false is not supported")
        return _mk(nn.AvgPool2d, "nn", "AvgPool2d", k, s, p, ceil_mode=ceil,
                   count_include_pad=bool(_num(obj, "count_include_pad", True)))
    if cls == "ReLU" and not _num(obj, "threshold", 0) and not _num(obj, "val", 0):
        return _mk(nn.ReLU, "nn", "ReLU")
    if cls in ("Threshold", "ReLU"):
        return _mk(Threshold, "", "Threshold", float(_num(obj, "threshold", 0)), float(_num(obj, "val", 0)))
    if cls == "Tanh":
        return _mk(nn.Tanh, "nn", "Tanh")
    if cls == "Sigmoid":
        return _mk(nn.Sigmoid, "nn", "Sigmoid")
    if cls in ("SoftMax", "LogSoftMax"):
        return _mk(TorchSoftMax, "", "TorchSoftMax", log=(cls == "LogSoftMax"))
    if cls == "Identity":
        return _mk(nn.Identity, "nn", "Identity")
    if cls == "Dropout":
        if "v2" in obj and not obj["v2"]:
            raise UnsupportedModuleError("convert: nn.Dropout with v2=false (scales at test time) is not supported")
        return _mk(nn.Dropout, "nn", "Dropout", float(_num(obj, "p", 0.5)))
    if cls == "View":
        size = _seq(obj["size"])
        return _mk(TorchView, "", "TorchView", size, _int(obj, "numInputDims"))
    if cls == "Reshape":
        bm = obj["batchMode"] if "batchMode" in obj else None
        return _mk(TorchReshape, "", "TorchReshape", _seq(obj["size"]), None if bm is None else bool(bm))
    if cls in ("BatchNormalization", "SpatialBatchNormalization"):
        rm = obj["running_mean"]
        if "running_var" not in obj or obj["running_var"] is None:
            raise UnsupportedModuleError(f"convert: {name} without running_var (an old save) is not supported")
        affine = "weight" in obj and obj["weight"] is not None
        ctor = "BatchNorm1d" if cls == "BatchNormalization" else "BatchNorm2d"
        m = _mk(getattr(nn, ctor), "nn", ctor, int(rm.shape[0]), eps=float(_num(obj, "eps", 1e-5)),
                momentum=float(_num(obj, "momentum", 0.1)), affine=affine, dtype=rm.dtype)
        return _load(m, weight=obj["weight"] if affine else None, bias=obj["bias"] if affine else None,
                     running_mean=rm, running_var=obj["running_var"])
    if cls == "LookupTable":
        w = obj["weight"]
        mn = _num(obj, "maxNorm")
        kw = {"dtype": dt}
        if mn is not None:
            kw.update(max_norm=float(mn), norm_type=float(_num(obj, "normType", 2)))
        m = _mk(nn.Embedding, "nn", "Embedding", int(w.shape[0]), int(w.shape[1]), **kw)
        return _load(m, weight=w)
    raise UnsupportedModuleError(f"convert: the Torch7 class {name} is not supported")


def _from_lua_session(obj):
    s = obj._session
    blob = s.call("function(m) return torch.CharTensor(torch.serializeToStorage(m)) end", obj)
    data = blob.numpy().tobytes()[:-1]        # serializeToStorage appends a NUL
    return torch.load_lua(data)


def convert(obj):
    """An equivalent pytorch_like.nn module (eval mode, weights copied) for a Torch7 nn module:
    a TorchObject from load_lua or a LuaObject from a LuaSession."""
    from .lua import LuaObject
    if isinstance(obj, LuaObject):
        obj = _from_lua_session(obj)
    if not hasattr(obj, "torch_typename"):
        raise TypeError(f"convert: expected a Torch7 nn module (TorchObject or LuaObject), got {type(obj).__name__}")
    return _convert_one(obj).eval()
