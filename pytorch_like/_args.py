"""Argument checks for the public API: TypeErrors worded as PyTorch's, naming the function,
the argument (and its position) and what was expected, instead of an AttributeError from
deep inside ("'list' object has no attribute 'dim'")."""
import numpy as np

from . import tensor as _tensor   # Tensor is looked up at call time: tensor.py imports this module


def _where(fn, name, pos):
    return f"{fn}(): argument '{name}'" + (f" (position {pos})" if pos is not None else "")


def tensor_arg(x, fn, name="input", pos=None, arrays=False):
    """x if it is a Tensor (with arrays, a numpy array too, as a tensor), else PyTorch's
    "fn(): argument 'name' (position n) must be Tensor, not list"."""
    if isinstance(x, _tensor.Tensor):
        return x
    if arrays and isinstance(x, np.ndarray):
        return _tensor.as_tensor(x)
    raise TypeError(f"{_where(fn, name, pos)} must be Tensor, not {type(x).__name__}")


def bool_arg(x, fn, name, pos=None):
    """x as a Python bool (bool, numpy bool, or the integers 0 and 1), else a TypeError naming it."""
    if isinstance(x, (bool, np.bool_)) or (isinstance(x, (int, np.integer)) and x in (0, 1)):
        return bool(x)
    raise TypeError(f"{_where(fn, name, pos)} must be bool, not {type(x).__name__}")
