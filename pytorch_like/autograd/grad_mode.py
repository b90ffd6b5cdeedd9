"""Grad mode: whether ops on tensors that require grad record the graph."""
import functools

from ..tensor import _grad_enabled as _enabled   # one mutable cell read on the ops' hot paths


def is_grad_enabled():
    """True while ops record the autograd graph."""
    return _enabled[0]


class _Mode:
    """Context manager and decorator that sets grad mode and restores it on exit."""
    _value = True

    def __enter__(self):
        self._prev = _enabled[0]
        _enabled[0] = self._value

    def __exit__(self, *exc):
        _enabled[0] = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__() if type(self) is not set_grad_enabled else set_grad_enabled(self._value):
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_Mode):
    """Disable graph recording inside the block (or the decorated function)."""
    _value = False


class enable_grad(_Mode):
    """Enable graph recording inside the block (or the decorated function)."""
    _value = True


class set_grad_enabled(_Mode):
    """Set grad mode to mode; takes effect at once (like PyTorch) and as a context manager."""

    def __init__(self, mode):
        self._prev = _enabled[0]
        self._value = bool(mode)
        _enabled[0] = self._value

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _enabled[0] = self._prev
        return False


class inference_mode(no_grad):
    """no_grad (pytorch_like has no separate inference tensors)."""

    def __init__(self, mode=True):
        self._value = not mode
