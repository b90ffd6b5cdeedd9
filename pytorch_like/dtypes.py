"""dtype objects with PyTorch's names, mapped to the C core's dtype codes."""
import numpy as np

from ._lib import lib


class dtype:
    """A tensor element type (pytorch_like.float32, ...)."""

    __slots__ = ("name", "code", "itemsize", "is_floating_point", "is_signed", "numpy", "typestr", "_pyname")

    def __init__(self, name, code, np_dtype, is_floating_point, is_signed):
        self.name = name
        self.code = code
        self.itemsize = lib.TH_dtypeSize(code)
        self.is_floating_point = is_floating_point
        self.is_signed = is_signed
        self.numpy = np.dtype(np_dtype)
        self.typestr = self.numpy.str

    def __repr__(self):
        return "pytorch_like." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


float32 = dtype("float32", lib.TH_FLOAT32, np.float32, True, True)
float64 = dtype("float64", lib.TH_FLOAT64, np.float64, True, True)
float16 = dtype("float16", lib.TH_FLOAT16, np.float16, True, True)
uint8 = dtype("uint8", lib.TH_UINT8, np.uint8, False, False)
int8 = dtype("int8", lib.TH_INT8, np.int8, False, True)
int16 = dtype("int16", lib.TH_INT16, np.int16, False, True)
int32 = dtype("int32", lib.TH_INT32, np.int32, False, True)
int64 = dtype("int64", lib.TH_INT64, np.int64, False, True)
bool = dtype("bool", lib.TH_BOOL, np.bool_, False, False)  # noqa: A001  (PyTorch's name)

float = float32  # noqa: A001
double = float64
half = float16
short = int16
int = int32  # noqa: A001
long = int64

BY_CODE = {d.code: d for d in (float32, float64, float16, uint8, int8, int16, int32, int64, bool)}
_NAMES = {d.name: d for d in BY_CODE.values()}
NUMPY_TO_DTYPE = {d.numpy: d for d in BY_CODE.values()}
_NUMPY = NUMPY_TO_DTYPE


def _by_name(name):
    return _NAMES[name]


def from_numpy_dtype(npdt):
    """The dtype matching a numpy dtype; TypeError if there is none."""
    d = _NUMPY.get(np.dtype(npdt))
    if d is None:
        raise TypeError(f"can't convert np.ndarray of type {np.dtype(npdt)}; the supported types are: "
                        "float64, float32, float16, int64, int32, int16, int8, uint8, and bool")
    return d


_default = [float32]


def get_default_dtype():
    """The dtype of tensors made from Python floats (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d):
    """Set the default floating-point dtype (float32 or float64)."""
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d!r}")
    _default[0] = d


def promote_types(a, b):
    """The dtype PyTorch's promotion rules give for a and b."""
    for name, d in (("type1", a), ("type2", b)):
        if not isinstance(d, dtype):
            raise TypeError(f"promote_types(): argument '{name}' must be torch.dtype, not {type(d).__name__}")
    return BY_CODE[lib.TH_promoteTypes(a.code, b.code)]
