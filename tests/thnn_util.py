"""Helpers for THNN kernel tests: call the C kernels directly with pytorch_like tensors."""
import numpy as np

import pytorch_like as P
from pytorch_like._lib import check, ffi, lib
from pytorch_like.tensor import _wrap


def fresh():
    """An output tensor whose dtype the kernel decides (THTensor_new(-1))."""
    return _wrap(lib.THTensor_new(-1))


def T(a, dtype=np.float64):
    """A pytorch_like tensor copy of a numpy array / list."""
    return P.from_numpy(np.ascontiguousarray(np.asarray(a, dtype=dtype)))


def ptr(t):
    """The THTensor* of t, or NULL for None (optional arguments)."""
    return ffi.NULL if t is None else t._t


def call(fn, *args):
    """Call a THNN function given as a name or a cffi function, tensors or None passed as pointers."""
    f = getattr(lib, fn) if isinstance(fn, str) else fn
    conv = [ptr(a) if (a is None or isinstance(a, P.Tensor)) else a for a in args]
    check(f(*conv))


def npy(t):
    """A numpy copy of t."""
    return np.array(t.numpy())
