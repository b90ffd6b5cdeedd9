"""cudnn.torch modules (class names cudnn.*, from GPU-trained .t7 files) as the Torch7 objects
legacy.convert knows.

as_nn(obj) returns a new TorchObject: the nn class with the same semantics, its fields those
cudnn.torch saved turned into nn's (SpatialConvolution keeps `groups`), or, for the semantics
nn has no class for, cudnn.SoftMax / cudnn.LogSoftMax (cuDNN's instance mode) and
cudnn.SpatialCrossEntropyCriterion with normalised fields. cuDNN RNNs raise
UnsupportedModuleError. The Lua side of the same mapping is lua/cudnn/load.lua (what `th`
loads a cudnn object as); the field layouts are cudnn.torch's (R5-R7) as remembered from its
sources, so every field but the weights is optional, defaulting as cudnn.torch's constructors.
"""
from ._ops.t7 import LuaTable, TorchObject

__all__ = ["as_nn", "RNN_CLASSES"]

RNN_CLASSES = ("RNN", "RNNReLU", "RNNTanh", "LSTM", "GRU", "BLSTM", "BGRU")


def _unsupported(msg):
    from .legacy import UnsupportedModuleError
    return UnsupportedModuleError(msg)


class _Fields:
    """The fields of one cudnn object being converted, with checked accessors."""

    def __init__(self, obj):
        self.name = obj.torch_typename()
        src = obj.fields
        if not isinstance(src, dict):
            raise ValueError(f"convert: {self.name} (cudnn.torch object): expected a table of fields, "
                             f"got {type(src).__name__}")
        self.f = LuaTable((k, v) for k, v in src.items())

    def fail(self, msg):
        return ValueError(f"convert: {self.name} (cudnn.torch object): {msg}")

    def num(self, key, default=None):
        v = self.f.get(key)
        if v is None:
            return default
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v:
            raise self.fail(f"field {key}: number expected, got {type(v).__name__ if v == v else 'nan'}")
        return v

    def int(self, key, default=None, least=0):
        v = self.num(key, default)
        if v is None:
            raise self.fail(f"field {key} is missing")
        if v != int(v) or v < least:
            raise self.fail(f"field {key}: integer >= {least} expected, got {v}")
        self.f[key] = int(v)
        return int(v)

    def str(self, key, default):
        v = self.f.get(key)
        if v is None:
            return default
        if not isinstance(v, str):
            raise self.fail(f"field {key}: string expected, got {type(v).__name__}")
        return v

    def shaped(self, key, sizes, optional=False):
        t = self.f.get(key)
        if t is None and optional:
            return None
        if not hasattr(t, "numel"):
            raise self.fail(f"field {key}: tensor expected, got {type(t).__name__ if t is not None else 'nil'}")
        n = 1
        for s in sizes:
            n *= s
        if t.numel() != n:
            raise self.fail(f"field {key} has {t.numel()} elements, expected {n} ({' x '.join(map(str, sizes))})")
        self.f[key] = t.contiguous().reshape(*sizes)
        return self.f[key]

    def as_class(self, cls, version=1):
        return TorchObject(cls, self.f, version)


def _conv(nd, transposed):
    kdims = ("kT", "kH", "kW")[3 - nd:]

    def fix(c):
        g = c.int("groups", 1, 1)
        if g != 1 and (transposed or nd != 2):
            raise c.fail(f"groups = {g} is not supported for this class")
        w = c.f.get("weight")
        full = hasattr(w, "dim") and w.dim() == nd + 2
        first, second = ("nInputPlane", "nOutputPlane") if transposed else ("nOutputPlane", "nInputPlane")
        n1 = c.int(first, int(w.shape[0]) if full else None, 1)
        n2 = c.int(second, int(w.shape[1]) * g if full else None, 1)
        sizes = [n1, n2 // g] + [c.int(k, int(w.shape[2 + i]) if full else None, 1) for i, k in enumerate(kdims)]
        for k in kdims:
            c.int("d" + k[1], 1, 1)
            c.int("pad" + k[1], 0, 0)
            if transposed:
                c.int("adj" + k[1], 0, 0)
        if c.f["nInputPlane"] % g or c.f["nOutputPlane"] % g:
            raise c.fail(f"nInputPlane ({c.f['nInputPlane']}) and nOutputPlane ({c.f['nOutputPlane']}) must be "
                         f"divisible by groups ({g})")
        c.shaped("weight", sizes)
        c.shaped("bias", [c.f["nOutputPlane"]], optional=True)
        c.f["groups"] = g
        return "nn." + c.name.split(".", 1)[1]
    return fix


_POOL_MODES = {"CUDNN_POOLING_MAX": "max", "CUDNN_POOLING_MAX_DETERMINISTIC": "max",
               "CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING": "include", "CUDNN_POOLING_AVERAGE": "include",
               "CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING": "exclude"}


def _pool(nd, default):
    dims = ("T", "H", "W")[3 - nd:]
    prefix = "nn.Spatial" if nd == 2 else "nn.Volumetric"

    def fix(c):
        mode = c.str("mode", default)
        kind = _POOL_MODES.get(mode)
        if kind is None:
            raise c.fail(f"unknown pooling mode {mode}")
        for d in dims:
            k = c.int("k" + d, None, 1)
            c.int("d" + d, k, 1)
            c.int("pad" + d, 0, 0)
        c.f["ceil_mode"] = bool(c.f.get("ceil_mode", False))
        if kind == "max":
            return prefix + "MaxPooling"
        c.f["count_include_pad"] = kind == "include"
        c.f["divide"] = True
        return prefix + "AveragePooling"
    return fix


def _clipped(c):
    ceiling = c.num("ceiling")
    if ceiling is None or ceiling <= 0:
        raise c.fail(f"field ceiling: a positive number expected, got {ceiling}")
    c.f["min_val"], c.f["max_val"] = 0.0, float(ceiling)
    return "nn.HardTanh"


def _relu(c):
    c.f["threshold"], c.f["val"] = 0, 0
    return "nn.ReLU"


_ACTIVATIONS = {"CUDNN_ACTIVATION_RELU": _relu, "CUDNN_ACTIVATION_TANH": lambda c: "nn.Tanh",
                "CUDNN_ACTIVATION_SIGMOID": lambda c: "nn.Sigmoid", "CUDNN_ACTIVATION_CLIPPED_RELU": _clipped}


def _pointwise(default):
    def fix(c):
        mode = c.str("mode", default)
        if mode not in _ACTIVATIONS:
            raise c.fail(f"unknown activation mode {mode}")
        return _ACTIVATIONS[mode](c)
    return fix


def _softmax(instance, log):
    def fix(c):
        mode = c.str("mode", "CUDNN_SOFTMAX_MODE_CHANNEL")
        alg = c.str("algorithm", "CUDNN_SOFTMAX_ACCURATE")
        if mode not in ("CUDNN_SOFTMAX_MODE_CHANNEL", "CUDNN_SOFTMAX_MODE_INSTANCE"):
            raise c.fail(f"unknown softmax mode {mode}")
        if alg not in ("CUDNN_SOFTMAX_ACCURATE", "CUDNN_SOFTMAX_FAST", "CUDNN_SOFTMAX_LOG"):
            raise c.fail(f"unknown softmax algorithm {alg}")
        is_log = log or alg == "CUDNN_SOFTMAX_LOG"
        cls = "LogSoftMax" if is_log else "SoftMax"
        if instance or mode == "CUDNN_SOFTMAX_MODE_INSTANCE":
            c.f["mode"] = "CUDNN_SOFTMAX_MODE_INSTANCE"
            c.f["algorithm"] = "CUDNN_SOFTMAX_LOG" if is_log else "CUDNN_SOFTMAX_ACCURATE"
            return "cudnn." + cls
        return "nn." + cls
    return fix


def _batchnorm(cls):
    def fix(c):
        eps = c.num("eps", 1e-5)
        c.f["eps"] = eps
        rm = c.f.get("running_mean")
        if not hasattr(rm, "numel") or rm.numel() == 0:
            raise c.fail(f"field running_mean: non-empty tensor expected, got {type(rm).__name__}")
        n = int(rm.numel())
        c.shaped("running_mean", [n])
        if c.f.get("running_var") is None and hasattr(c.f.get("running_std"), "numel"):
            # saves before version 2 hold 1 / sqrt(var + eps)
            c.f["running_var"] = c.f["running_std"].pow(-2) - eps
        c.f.pop("running_std", None)
        c.shaped("running_var", [n])
        affine = c.f.get("affine")
        affine = c.f.get("weight") is not None if affine is None else bool(affine)
        c.shaped("weight", [n], optional=not affine)
        c.shaped("bias", [n], optional=not affine)
        if not affine:
            c.f["weight"] = c.f["bias"] = None
        return cls
    return fix


def _lrn(c):
    size = c.int("size", 5, 1)
    if size % 2 == 0:
        # cuDNN's window for even sizes is not nn's; refused rather than computed differently
        raise c.fail(f"size {size}: only odd sizes are supported")
    return "nn.SpatialCrossMapLRN"


def _cross_entropy(c):
    nll = c.f.get("nll")
    if nll is None:
        nll = TorchObject("nn.SpatialClassNLLCriterion", LuaTable())
    if not hasattr(nll, "torch_typename") or nll.torch_typename() != "nn.SpatialClassNLLCriterion":
        raise c.fail(f"field nll: nn.SpatialClassNLLCriterion expected, got "
                     f"{nll.torch_typename() if hasattr(nll, 'torch_typename') else type(nll).__name__}")
    # cudnn.torch sets nll.sizeAverage from its own at each forward
    fields = LuaTable((k, v) for k, v in nll.fields.items())
    fields["sizeAverage"] = bool(c.f.get("sizeAverage", True))
    c.f["nll"] = TorchObject("nn.SpatialClassNLLCriterion", fields)
    return "cudnn.SpatialCrossEntropyCriterion"


_FIELDS = {
    "SpatialConvolution": _conv(2, False),
    "SpatialFullConvolution": _conv(2, True),
    "VolumetricConvolution": _conv(3, False),
    "VolumetricFullConvolution": _conv(3, True),
    "SpatialMaxPooling": _pool(2, "CUDNN_POOLING_MAX"),
    "SpatialAveragePooling": _pool(2, "CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING"),
    "VolumetricMaxPooling": _pool(3, "CUDNN_POOLING_MAX"),
    "VolumetricAveragePooling": _pool(3, "CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING"),
    "ReLU": _pointwise("CUDNN_ACTIVATION_RELU"),
    "Tanh": _pointwise("CUDNN_ACTIVATION_TANH"),
    "Sigmoid": _pointwise("CUDNN_ACTIVATION_SIGMOID"),
    "ClippedReLU": _pointwise("CUDNN_ACTIVATION_CLIPPED_RELU"),
    "SpatialSoftMax": _softmax(False, False),
    "SpatialLogSoftMax": _softmax(False, True),
    "SoftMax": _softmax(True, False),
    "LogSoftMax": _softmax(True, True),
    "BatchNormalization": _batchnorm("nn.BatchNormalization"),
    "SpatialBatchNormalization": _batchnorm("nn.SpatialBatchNormalization"),
    "VolumetricBatchNormalization": _batchnorm("nn.VolumetricBatchNormalization"),
    "SpatialCrossMapLRN": _lrn,
    "SpatialCrossEntropyCriterion": _cross_entropy,
}


def as_nn(obj):
    """The Torch7 object legacy.convert converts in place of the cudnn.torch object obj."""
    name = obj.torch_typename()
    short = name.split(".", 1)[1]
    if short in RNN_CLASSES:
        raise _unsupported(f"convert: {name} is not supported (a cuDNN RNN: its weights are one flattened "
                           "cuDNN blob)")
    fix = _FIELDS.get(short)
    if fix is None:      # another cudnn class: converted as its nn namesake, when there is one
        return TorchObject("nn." + short, obj.fields, obj.version)
    c = _Fields(obj)
    return c.as_class(fix(c), obj.version)
