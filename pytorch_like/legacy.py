"""Convert Lua Torch7 nn models into pytorch_like.nn modules with the same weights.

    model = pytorch_like.load_lua("model.t7")          # a TorchObject 'nn.Sequential'
    net = pytorch_like.legacy.convert(model)           # a pytorch_like.nn.Module, eval mode

convert() also takes a Lua module living in a LuaSession (a LuaObject): it is serialized in
Lua (torch.serializeToStorage, in memory) and read back with load_lua, so both kinds of input
go through the one converter working on TorchObjects.

Converted modules are PyTorch-idiomatic: LookupTable becomes nn.Embedding and takes 0-based
indices, ClassNLLCriterion / CrossEntropyCriterion become nn.NLLLoss / nn.CrossEntropyLoss and
take 0-based class targets (Torch7 takes 1-based ones); a criterion converts to a loss module
called as loss(input, target), sizeAverage becoming reduction. Torch7 behaviour with no PyTorch
module of its own (batch-aware dims, View/Reshape, Torch7's implicit SoftMax dimension, table
modules, nngraph graphs, ...) is kept by the small modules of legacy_modules.py; they use only
the API PyTorch and pytorch_like share, so `th-migrate` copies their source into the exported
plain-PyTorch model.py. cudnn.torch classes (GPU-trained models) are first mapped to the nn
objects of the same semantics by legacy_cudnn.as_nn. A class with no rule raises
UnsupportedModuleError naming it.
"""
import pytorch_like as torch
from pytorch_like import nn
from pytorch_like.nn.parameter import Parameter

from .legacy_cudnn import as_nn
from .legacy_modules import *  # noqa: F401,F403 - the helper modules, re-exported
from .legacy_modules import HELPER_CLASSES

__all__ = ["convert", "UnsupportedModuleError", "HELPER_CLASSES", "constructor_of"]


class UnsupportedModuleError(NotImplementedError):
    """A Torch7 class (or a configuration of one) that convert() cannot express."""




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


def _weight_as(obj, *shape):
    """obj.weight viewed as shape (Torch7 saves some weights flattened), or a ValueError."""
    w = obj["weight"]
    n = 1
    for s in shape:
        n *= s
    if w.numel() != n:
        raise ValueError(f"convert: {obj.torch_typename()} weight of shape {tuple(w.shape)}, expected {n} elements "
                         f"(shape {tuple(shape)})")
    return w.reshape(*shape)


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
    if name.startswith("cudnn."):
        fixed = as_nn(obj)
        try:
            return _convert_nn(fixed)
        except UnsupportedModuleError as e:
            if fixed.torch_typename() == name:
                raise
            raise UnsupportedModuleError(f"{e} ({name} converts as {fixed.torch_typename()})") from None
    return _convert_nn(obj)


def _convert_nn(obj):
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
        return _mk(JoinTable, "", "JoinTable", _dim0(_int(obj, "dimension")), _int(obj, "nInputDims"))
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
        groups = _int(obj, "groups", 1)        # cudnn.SpatialConvolution's
        kw_groups = {"groups": groups} if groups != 1 else {}
        m = _mk(nn.Conv2d, "nn", "Conv2d", nin, nout, (kh, kw), stride=(_int(obj, "dH", 1), _int(obj, "dW", 1)),
                padding=(padh, padw), bias=bias, dtype=dt, **kw_groups)
        return _load(m, weight=_weight_as(obj, nout, nin // groups, kh, kw), bias=obj["bias"] if bias else None)
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
    if cls == "View":
        size = _seq(obj["size"])
        return _mk(TorchView, "", "TorchView", size, _int(obj, "numInputDims"))
    if cls == "Reshape":
        bm = obj["batchMode"] if "batchMode" in obj else None
        return _mk(TorchReshape, "", "TorchReshape", _seq(obj["size"]), None if bm is None else bool(bm))
    if cls in ("BatchNormalization", "SpatialBatchNormalization", "VolumetricBatchNormalization"):
        rm = obj["running_mean"]
        eps = float(_num(obj, "eps", 1e-5))
        rv = obj["running_var"] if "running_var" in obj else None
        if rv is None and "running_std" in obj and obj["running_std"] is not None:
            # saves before BatchNormalization version 2 hold 1/sqrt(var + eps), as Torch7's read() undoes
            rv = obj["running_std"].pow(-2) - eps
        if rv is None:
            raise UnsupportedModuleError(f"convert: {name} without running_var or running_std is not supported")
        affine = "weight" in obj and obj["weight"] is not None
        # Torch7's classes also take a single sample without the batch dim: the Torch* subclasses
        ctor = {"BatchNormalization": TorchBatchNorm1d, "SpatialBatchNormalization": TorchBatchNorm2d}.get(
            cls, TorchBatchNorm3d)
        m = _mk(ctor, "", ctor.__name__, int(rm.shape[0]), eps=eps,
                momentum=float(_num(obj, "momentum", 0.1)), affine=affine, dtype=rm.dtype)
        return _load(m, weight=obj["weight"] if affine else None, bias=obj["bias"] if affine else None,
                     running_mean=rm, running_var=rv)
    if cls == "LookupTable":
        w = obj["weight"]
        mn = _num(obj, "maxNorm")
        kw = {"dtype": dt}
        if mn is not None:
            kw.update(max_norm=float(mn), norm_type=float(_num(obj, "normType", 2)))
        m = _mk(nn.Embedding, "nn", "Embedding", int(w.shape[0]), int(w.shape[1]), **kw)
        return _load(m, weight=w)
    rule = _RULES.get(cls)
    if rule is not None:
        return rule(obj, dt)
    raise UnsupportedModuleError(f"convert: the Torch7 class {name} is not supported")


def _dim0(d):
    """A Torch7 dimension (1-based, or negative from the end) 0-based."""
    d = int(d)
    return d - 1 if d > 0 else d


def _reduction(obj):
    return "mean" if bool(_num(obj, "sizeAverage", True)) else "sum"


def _opt_tensor(obj, key):
    return obj[key].clone().contiguous() if key in obj and hasattr(obj[key], "shape") else None


def _nll(obj, cls_name):
    """ClassNLLCriterion / CrossEntropyCriterion: the loss takes 0-based targets, as PyTorch's do
    (Torch7's are 1-based), so ignoreIndex moves down by one too."""
    w = _opt_tensor(obj, "weights")
    ign = _int(obj, "ignoreIndex", -100)
    kw = {"weight": w, "reduction": _reduction(obj)}
    if ign != -100:
        kw["ignore_index"] = ign - 1
    return _set(getattr(nn, cls_name)(**kw), "nn", cls_name, [], kw)


def _crit_children(obj):
    return [_convert_one(c) for c in _values(obj["criterions"])], [float(w) for w in _values(obj["weights"])]


def _full_conv(obj, dt):
    nin, nout = _int(obj, "nInputPlane"), _int(obj, "nOutputPlane")
    kh, kw = _int(obj, "kH"), _int(obj, "kW")
    bias = "bias" in obj and obj["bias"] is not None
    m = _mk(TorchFullConvolution, "", "TorchFullConvolution", nin, nout, (kh, kw),
            stride=(_int(obj, "dH", 1), _int(obj, "dW", 1)), padding=(_int(obj, "padH", 0), _int(obj, "padW", 0)),
            output_padding=(_int(obj, "adjH", 0), _int(obj, "adjW", 0)), bias=bias, dtype=dt)
    return _load(m, weight=_weight_as(obj, nin, nout, kh, kw), bias=obj["bias"] if bias else None)


def _triple(obj, prefix, defaults=(None, None, None)):
    """(T, H, W) values of a volumetric module's prefix+T/H/W fields."""
    return tuple(_int(obj, prefix + d, v) for d, v in zip("THW", defaults))


def _volumetric_conv(obj, dt):
    nin, nout = _int(obj, "nInputPlane"), _int(obj, "nOutputPlane")
    k = _triple(obj, "k")
    bias = "bias" in obj and obj["bias"] is not None
    m = _mk(nn.Conv3d, "nn", "Conv3d", nin, nout, k, stride=_triple(obj, "d", (1,) * 3),
            padding=_triple(obj, "pad", (0,) * 3),
            bias=bias, dtype=dt)
    return _load(m, weight=_weight_as(obj, nout, nin, *k), bias=obj["bias"] if bias else None)


def _volumetric_full_conv(obj, dt):
    nin, nout = _int(obj, "nInputPlane"), _int(obj, "nOutputPlane")
    k = _triple(obj, "k")
    bias = "bias" in obj and obj["bias"] is not None
    m = _mk(nn.ConvTranspose3d, "nn", "ConvTranspose3d", nin, nout, k, stride=_triple(obj, "d", (1,) * 3),
            padding=_triple(obj, "pad", (0,) * 3), output_padding=_triple(obj, "adj", (0,) * 3), bias=bias, dtype=dt)
    return _load(m, weight=_weight_as(obj, nin, nout, *k), bias=obj["bias"] if bias else None)


def _volumetric_pool(obj, dt):
    k = _triple(obj, "k")
    s = _triple(obj, "d", k)
    p = _triple(obj, "pad", (0,) * 3)
    ceil = bool(_num(obj, "ceil_mode", False))
    if obj.torch_typename().endswith("MaxPooling"):
        return _mk(nn.MaxPool3d, "nn", "MaxPool3d", k, s, p, ceil_mode=ceil)
    return _mk(nn.AvgPool3d, "nn", "AvgPool3d", k, s, p, ceil_mode=ceil,
               count_include_pad=bool(_num(obj, "count_include_pad", True)))


def _cudnn_softmax(obj, dt):
    """cudnn.SoftMax / cudnn.LogSoftMax: cuDNN's instance mode (legacy_cudnn.as_nn normalises the fields)."""
    return _mk(TorchInstanceSoftMax, "", "TorchInstanceSoftMax", log=obj["algorithm"] == "CUDNN_SOFTMAX_LOG")


def _temporal_conv(obj, dt):
    m = _mk(TorchTemporalConvolution, "", "TorchTemporalConvolution", _int(obj, "inputFrameSize"),
            _int(obj, "outputFrameSize"), _int(obj, "kW"), _int(obj, "dW", 1), dtype=dt)
    return _load(m, weight=obj["weight"], bias=obj["bias"])


def _prelu(obj, dt):
    n = _int(obj, "nOutputPlane", 0)
    return _load(_mk(TorchPReLU, "", "TorchPReLU", n, dtype=dt), weight=_weight_as(obj, max(n, 1)))


def _cmul(obj, dt):
    size = _seq(obj["size"]) if "size" in obj and obj["size"] is not None else list(obj["weight"].shape)
    return _load(_mk(TorchCMul, "", "TorchCMul", size, dtype=dt), weight=_weight_as(obj, *size))


def _dropout(obj, dt):
    p = float(_num(obj, "p", 0.5))
    if _num(obj, "stochastic_inference", False):
        raise UnsupportedModuleError("convert: nn.Dropout with stochasticInference (dropout at test time) "
                                     "is not supported")
    if "v2" in obj and not obj["v2"]:
        return _mk(TorchDropout, "", "TorchDropout", p)
    return _mk(nn.Dropout, "nn", "Dropout", p)


def _zero_pad(obj, dt):
    pads = tuple(_int(obj, k) for k in ("pad_l", "pad_r", "pad_t", "pad_b"))
    return _mk(nn.ZeroPad2d, "nn", "ZeroPad2d", pads)


def _reduce(op):
    def rule(obj, dt):
        squeeze = bool(_num(obj, "squeeze", True))
        if op == "sum" and bool(_num(obj, "sizeAverage", False)):
            kind = "mean"
        else:
            kind = op
        return _mk(TorchReduce, "", "TorchReduce", kind, _dim0(_int(obj, "dimension", 1)), _int(obj, "nInputDims"),
                   squeeze=squeeze)
    return rule


def _transpose(obj, dt):
    perms = [[int(a) - 1, int(b) - 1] for a, b in (_seq(p) for p in _values(obj["permutations"]))]
    return _mk(TorchTranspose, "", "TorchTranspose", perms, _int(obj, "numInputDims"))


def _parallel_criterion(obj, dt):
    crits, weights = _crit_children(obj)
    return _mk(ParallelCriterion, "", "ParallelCriterion", weights, bool(_num(obj, "repeatTarget", False)), *crits)


def _multi_criterion(obj, dt):
    crits, weights = _crit_children(obj)
    return _mk(MultiCriterion, "", "MultiCriterion", weights, *crits)


def _loss(cls_name):
    return lambda obj, dt: _mk(getattr(nn, cls_name), "nn", cls_name, reduction=_reduction(obj))


# class -> rule(obj, dtype); the classes above are handled inline in _convert_one
_RULES = {
    "SpatialFullConvolution": _full_conv,
    "TemporalConvolution": _temporal_conv,
    "SpatialCrossMapLRN": lambda o, dt: _mk(TorchCrossMapLRN, "", "TorchCrossMapLRN", _int(o, "size"),
                                            float(_num(o, "alpha", 1e-4)), float(_num(o, "beta", 0.75)),
                                            float(_num(o, "k", 1.0))),
    "SpatialZeroPadding": _zero_pad,
    "SpatialUpSamplingNearest": lambda o, dt: _mk(TorchUpSamplingNearest, "", "TorchUpSamplingNearest",
                                                  _int(o, "scale_factor")),
    "LeakyReLU": lambda o, dt: _mk(nn.LeakyReLU, "nn", "LeakyReLU", float(_num(o, "negval", 0.01))),
    "ELU": lambda o, dt: _mk(nn.ELU, "nn", "ELU", float(_num(o, "alpha", 1.0))),
    "PReLU": _prelu,
    "Dropout": _dropout,
    "Transpose": _transpose,
    "Narrow": lambda o, dt: _mk(TorchNarrow, "", "TorchNarrow", _int(o, "dimension"), _int(o, "index"),
                                _int(o, "length", 1)),
    "Replicate": lambda o, dt: _mk(TorchReplicate, "", "TorchReplicate", _int(o, "nfeatures"), _int(o, "dim", 1) - 1,
                                   _int(o, "ndim")),
    "Padding": lambda o, dt: _mk(TorchPadding, "", "TorchPadding", _int(o, "dim"), _int(o, "pad"), _int(o, "nInputDim"),
                                 float(_num(o, "value", 0.0)), _int(o, "index", 1)),
    "CMul": _cmul,
    "MulConstant": lambda o, dt: _mk(MulConstant, "", "MulConstant", float(_num(o, "constant_scalar"))),
    "Normalize": lambda o, dt: _mk(TorchNormalize, "", "TorchNormalize", float(_num(o, "p")),
                                   float(_num(o, "eps", 1e-10))),
    "Sum": _reduce("sum"),
    "Mean": _reduce("mean"),
    "Max": _reduce("max"),
    "CMulTable": lambda o, dt: _mk(CMulTable, "", "CMulTable"),
    "SplitTable": lambda o, dt: _mk(SplitTable, "", "SplitTable", _dim0(_int(o, "dimension")), _int(o, "nInputDims")),
    "SelectTable": lambda o, dt: _mk(SelectTable, "", "SelectTable", _dim0(_int(o, "index"))),
    "ParallelTable": lambda o, dt: _mk(ParallelTable, "", "ParallelTable", *_children(o, _convert_one)),
    "ClassNLLCriterion": lambda o, dt: _nll(o, "NLLLoss"),
    "CrossEntropyCriterion": lambda o, dt: _nll(o["nll"], "CrossEntropyLoss"),
    "MSECriterion": _loss("MSELoss"),
    "BCECriterion": lambda o, dt: _mk(nn.BCELoss, "nn", "BCELoss", weight=_opt_tensor(o, "weights"),
                                      reduction=_reduction(o)),
    "AbsCriterion": _loss("L1Loss"),
    "SmoothL1Criterion": _loss("SmoothL1Loss"),
    "DistKLDivCriterion": lambda o, dt: _mk(DistKLDivLoss, "", "DistKLDivLoss", _reduction(o) == "mean"),
    "MarginRankingCriterion": lambda o, dt: _mk(MarginRankingLoss, "", "MarginRankingLoss",
                                                float(_num(o, "margin", 1.0)), _reduction(o)),
    "ParallelCriterion": _parallel_criterion,
    "MultiCriterion": _multi_criterion,
    "HardTanh": lambda o, dt: _mk(nn.Hardtanh, "nn", "Hardtanh", float(_num(o, "min_val", -1.0)),
                                  float(_num(o, "max_val", 1.0))),
    "VolumetricConvolution": _volumetric_conv,
    "VolumetricFullConvolution": _volumetric_full_conv,
    "VolumetricMaxPooling": _volumetric_pool,
    "VolumetricAveragePooling": _volumetric_pool,
    "cudnn.SoftMax": _cudnn_softmax,
    "cudnn.LogSoftMax": _cudnn_softmax,
    "cudnn.SpatialCrossEntropyCriterion": lambda o, dt: _nll(o["nll"], "CrossEntropyLoss"),
}


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
