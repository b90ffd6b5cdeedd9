"""pytorch_like: PyTorch's API on a Torch7-compatible C core.

    import pytorch_like as torch
"""
from . import dtypes as _dtypes
from ._lib import lib as _clib
from .dtypes import (bool, double, dtype, float, float16, float32, float64, get_default_dtype, half,  # noqa: A004
                     int, int8, int16, int32, int64, long, promote_types, set_default_dtype, short, uint8)
from .tensor import (Size, Tensor, as_tensor, empty, empty_like, from_numpy, full, full_like, is_tensor, numel,
                     ones, ones_like, tensor, zeros, zeros_like)
from . import _args, _ops as _ops_pkg


def _export_ops():
    g = globals()
    for m in _ops_pkg.MODULES:
        for name in getattr(m, "__all__", ()):
            g[name] = getattr(m, name)


_export_ops()

__version__ = "0.1.0"


def is_floating_point(t):
    """True if t has a floating-point dtype."""
    return _args.tensor_arg(t, "is_floating_point").dtype.is_floating_point


def set_num_threads(n):
    """Threads used by the C core's parallel loops."""
    from .tensor import _int_arg
    n = _int_arg(n, "set_num_threads(): n")
    if not 1 <= n <= 1024:   # the C core's cap: OpenMP crashes when it cannot start that many
        raise ValueError(f"set_num_threads(): n must be a positive number of threads up to 1024, got {n}")
    _clib.TH_setNumThreads(n)


def get_num_threads():
    """Threads used by the C core's parallel loops."""
    return _clib.TH_getNumThreads()

from . import autograd  # noqa: E402  (installs graph recording into the ops above)
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: E402
from . import nn, optim, special, utils  # noqa: E402,F401
mvlgamma = special.multigammaln     # the top-level names torch also has
xlogy = special.xlogy
from .serialization import load, save  # noqa: E402,F401
