"""The grad-mode contexts used by nn, optim and serialization for in-place updates of parameters.

Optimizer steps, nn.init and load_state_dict write into leaf tensors that require grad;
PyTorch does that under torch.no_grad() (and runs an optimizer's closure under
enable_grad()). The autograd package provides both; until it is importable (it lands
separately) nothing is recorded anyway and null contexts are used.
"""
import contextlib

_impl = {}


def _get(name):
    f = _impl.get(name)
    if f is None:
        import importlib
        import sys
        try:
            autograd = importlib.import_module(__package__ + ".autograd")
        except ModuleNotFoundError as e:
            if e.name != __package__ + ".autograd":
                raise
            autograd = None
        f = getattr(autograd, name, None) or getattr(sys.modules[__package__], name, None) or contextlib.nullcontext
        _impl[name] = f
    return f


def no_grad():
    """A context in which operations are not recorded by autograd."""
    return _get("no_grad")()


def enable_grad():
    """A context in which operations are recorded by autograd (inside a no_grad region)."""
    return _get("enable_grad")()
