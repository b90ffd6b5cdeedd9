"""Grad mode: whether ops on tensors that require grad record the graph."""
import functools

from ..tensor import _grad_enabled as _enabled   # one mutable cell read on the ops' hot paths


def is_grad_enabled():
    """True while ops record the autograd graph."""
    return _enabled[0]


class _Mode:
    """Context manager and decorator (with or without parentheses) that sets grad mode and restores it."""
    _value = True

    def __new__(cls, *args, **kwargs):
        if cls is not set_grad_enabled and len(args) == 1 and callable(args[0]) and not kwargs:
            return cls()(args[0])        # @no_grad without parentheses
        return super().__new__(cls)

    def __enter__(self):
        self._prev = _enabled[0]
        _enabled[0] = self._value

    def __exit__(self, *exc):
        _enabled[0] = self._prev
        return False

    def _fresh(self):
        return type(self)()

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._fresh():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_Mode):
    """Disable graph recording inside the block (or the decorated function)."""
    _value = False


class enable_grad(_Mode):
    """Enable graph recording inside the block (or the decorated function)."""
    _value = True


class set_grad_enabled(_Mode):
    """Set grad mode to mode; takes effect at once (like PyTorch), and as a context manager or
    decorator restores the previous mode on exit."""

    def __init__(self, mode):
        self._prev = _enabled[0]
        self._value = bool(mode)
        _enabled[0] = self._value

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _enabled[0] = self._prev
        return False

    def __call__(self, fn):
        _enabled[0] = self._prev      # used as a decorator: the mode applies only inside fn
        return super().__call__(fn)

    def _fresh(self):
        return set_grad_enabled(self._value)


class inference_mode(_Mode):
    """no_grad(mode) (pytorch_like has no separate inference tensors)."""

    def __init__(self, mode=True):
        self._value = not mode

    def _fresh(self):
        return inference_mode(not self._value)
