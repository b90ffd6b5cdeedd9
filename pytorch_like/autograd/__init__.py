"""pytorch_like.autograd: reverse-mode automatic differentiation recorded as a tape in Python.

Importing this package installs recording into the core ops: every function in the formula
table is replaced (in pytorch_like, in pytorch_like.linalg, in the op modules and on Tensor)
by a wrapper that calls the raw op directly unless an input requires grad in grad mode.
The hot elementwise ops (+, -, *, / and the float unary functions) record through the lean
recorders of elementwise.py instead of the generic wrapper.
"""
import builtins
import types
import weakref

from .. import _ops, linalg as _linalg_mod
from .._args import bool_arg
from ..tensor import Tensor
from . import elementwise as _elementwise
from . import formulas as _formulas
from . import formulas_linalg  # noqa: F401  (fills the formula table too)
from . import formulas_linalg_matrix  # noqa: F401  (and this)
from . import grad_mode
from .._ops import pointwise as _pointwise
from ._record import _any_requires, attach, make_wrapper, record_inplace, run_raw
from .formulas import SPECS
from .function import Function, FunctionCtx, InplaceFunction, once_differentiable
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .graph import Node, _Handle, _hook_ids, backward, grad  # noqa: F401  (Node: autograd.graph.Node)
from .gradcheck import gradcheck, gradgradcheck

_enabled = grad_mode._enabled

__all__ = ["Function", "FunctionCtx", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "inference_mode", "gradcheck", "gradgradcheck", "Variable", "once_differentiable"]


def Variable(data, requires_grad=False, volatile=False):
    """Legacy Variable(tensor): the tensor itself (optionally marked as requiring grad)."""
    if requires_grad:
        data.requires_grad_(True)
    return data


# ---------------------------------------------------------------------- Tensor autograd API

Tensor._output_nr = 0
Tensor._v0 = 0          # storage version when the op that made the tensor ran (see Tensor._version)


def _is_leaf(self):
    return self.grad_fn is None


def _backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradient of self into the .grad of the leaves it depends on."""
    backward([self], None if gradient is None else [gradient], retain_graph, create_graph, inputs)


def _detach(self):
    """A new tensor sharing self's data, cut from the graph."""
    return self.detach_view()


def _detach_(self):
    """Cut self from the graph in place."""
    d = self.__dict__
    d.pop("grad_fn", None)
    d.pop("requires_grad", None)
    d.pop("_output_nr", None)
    d.pop("_view_of", None)
    return self


def _requires_grad_(self, requires_grad=True):
    """Mark this tensor as a leaf whose gradient autograd should compute."""
    requires_grad = bool_arg(requires_grad, "requires_grad_", "requires_grad")
    if self.grad_fn is not None and not requires_grad:
        raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                           "computed variable in a subgraph that doesn't require differentiation use "
                           "var_no_grad = var.detach().")
    if requires_grad and not self.dtype.is_floating_point:
        raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
    if requires_grad:
        self.requires_grad = True
    else:
        self.__dict__.pop("requires_grad", None)
    return self


def _retain_grad(self):
    """Keep the gradient of this non-leaf tensor in .grad after backward."""
    if not self.requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if self.grad_fn is None or self.__dict__.get("_retains_grad"):
        return
    ref = weakref.ref(self)

    def hook(g):
        t = ref()
        if t is None or g is None:
            return None
        if t._grad is None:
            t._grad = g if _enabled[0] else g.detach().clone()
        else:
            t._grad = t._grad + g
        return None
    self.grad_fn._add_pre_hook(("retain", self._output_nr), hook)
    self._retains_grad = True


def _register_hook(self, hook):
    """hook(grad) runs when the gradient of self is computed; it may return a replacement."""
    if not self.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self.grad_fn is None:
        hooks = self.__dict__.setdefault("_leaf_hooks", {})
        k = next(_hook_ids)
        hooks[k] = hook
        return _Handle(hooks, k)
    return self.grad_fn._add_pre_hook(self._output_nr, hook)


def _register_post_accumulate_grad_hook(self, hook):
    """hook(tensor) runs after a gradient was accumulated into this leaf's .grad."""
    if not self.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    hooks = self.__dict__.setdefault("_post_acc_hooks", {})
    k = next(_hook_ids)
    hooks[k] = hook
    return _Handle(hooks, k)


def _get_data(self):
    return self.detach_view()


def _set_data(self, value):
    self._t = value.detach_view()._t


Tensor.is_leaf = property(_is_leaf)
Tensor.backward = _backward
Tensor.detach = _detach
Tensor.detach_ = _detach_
Tensor.requires_grad_ = _requires_grad_
Tensor.retain_grad = _retain_grad
Tensor.retains_grad = property(lambda self: builtins.bool(self.__dict__.get("_retains_grad", False)))
Tensor.register_hook = _register_hook
Tensor.register_post_accumulate_grad_hook = _register_post_accumulate_grad_hook
Tensor.data = property(_get_data, _set_data)


# ---------------------------------------------------------------------- installing the wrappers

_EXTRA_NAMES = {"solve": ("solve",), "inverse": ("inv",), "det": ("det",), "cholesky": ("cholesky",),
                "vector_norm": ("vector_norm",), "matmul": ("matmul",)}
_OPERATORS = {"__add__": "add", "__radd__": "add", "__sub__": "sub", "__rsub__": "rsub", "__mul__": "mul",
              "__rmul__": "mul", "__truediv__": "div", "__div__": "div", "__rtruediv__": "rdiv",
              "__pow__": "pow", "__rpow__": "rpow", "__matmul__": "matmul", "__rmatmul__": "rmatmul",
              "__neg__": "neg", "__abs__": "abs", "__mod__": "remainder", "__pos__": "positive",
              "__getitem__": "__getitem__"}
_INPLACE_OPERATORS = {"__iadd__": "add", "__isub__": "sub", "__imul__": "mul", "__itruediv__": "div",
                      "__idiv__": "div", "__ipow__": "pow", "__imod__": "remainder"}


def _make_inplace(raw, oop_name, name):
    def wrapper(*args, **kwargs):
        if _enabled[0] and _any_requires(args, kwargs):
            oop = _INPLACE_OOP.get(oop_name) or getattr(Tensor, oop_name)
            return record_inplace(oop, args, kwargs, name)
        return raw(*args, **kwargs)
    wrapper.__name__ = getattr(raw, "__name__", name)
    wrapper.__qualname__ = getattr(raw, "__qualname__", name)
    wrapper.__doc__ = raw.__doc__
    wrapper.__wrapped__ = raw
    return wrapper


def _copy_oop(self, src, non_blocking=False):
    if not isinstance(src, Tensor):
        from .. import tensor as _mk
        src = _mk(src, dtype=self.dtype)
    r = src.to(self.dtype) if src.dtype is not self.dtype else src
    return (r.expand(self.shape) if tuple(r.shape) != tuple(self.shape) else r).clone()


def _fill_oop(self, value):
    if isinstance(value, Tensor):
        return self * 0 + value
    return self * 0 + value


def _zero_oop(self):
    return self * 0


def _setitem_wrapper(raw):
    def __setitem__(self, key, value):
        if _enabled[0] and (self.requires_grad or (isinstance(value, Tensor) and value.requires_grad)):
            record_inplace(_formulas._setitem_oop, (self, key, value), {}, "__setitem__")
            return
        raw(self, key, value)
    return __setitem__


def _overwrite_oop(raw):
    """The out-of-place form of an in-place fill (random sampling): a value independent of self."""
    def oop(self, *args, **kwargs):
        sample = run_raw(raw, (self.detach().clone(),) + args, kwargs)
        return self * 0 + sample
    return oop


_INPLACE_OOP = {"copy": _copy_oop, "fill": _fill_oop, "zero": _zero_oop}
_RANDOM_FILLS = ("uniform", "normal", "exponential", "cauchy", "log_normal", "geometric", "bernoulli", "random")


def _recorder(raw, spec):
    """The recording twin of an operator method (positional tensors/numbers, never a composite)."""
    formula, name = spec.formula, spec.node_name

    def rec(*args):
        _enabled[0] = False
        try:
            out = raw(*args)
        finally:
            _enabled[0] = True
        if out is NotImplemented:
            return out
        r = formula(out, *args)
        if r is not None:
            attach(name, out, r[0], r[1], r[2])
        return out
    return rec


def _no_record(raw):
    def run(*args):
        return run_raw(raw, args, {})
    return run


def _install():
    import pytorch_like as _pkg
    namespaces = [Tensor.__dict__, vars(_pkg), vars(_linalg_mod)] + [vars(m) for m in _ops.MODULES]
    replace = {}        # id(raw) -> wrapper

    def add(raw, spec):
        if isinstance(raw, types.FunctionType) and id(raw) not in replace:
            replace[id(raw)] = (raw, _elementwise.unary_wrapper(spec.name, raw, make_wrapper(raw, spec)))

    linalg_ns = vars(_linalg_mod)
    for name, spec in SPECS.items():
        if name.startswith("linalg."):     # a torch.linalg function whose torch.* namesake differs
            add(linalg_ns.get(name[len("linalg."):]), spec)
            continue
        for ns in namespaces:
            if ns is linalg_ns and "linalg." + name in SPECS:
                continue
            v = ns.get(name)
            if v is not None:
                add(v, spec)
        for alias in _EXTRA_NAMES.get(name, ()):
            add(vars(_linalg_mod).get(alias), spec)
        inplace = Tensor.__dict__.get(name + "_")
        if isinstance(inplace, types.FunctionType) and id(inplace) not in replace:
            replace[id(inplace)] = (inplace, _make_inplace(inplace, name, name + "_"))
    hooks = _pointwise._AUTOGRAD
    for dunder, raw in list(Tensor.__dict__.items()):
        if not (dunder.startswith("__") and isinstance(raw, types.FunctionType)):
            continue
        inline = "_AUTOGRAD" in raw.__code__.co_names   # tests requires_grad itself and calls its hook
        if dunder in _OPERATORS:
            w = make_wrapper(raw, SPECS[_OPERATORS[dunder]])
            if inline:
                hooks[raw] = _recorder(raw, SPECS[_OPERATORS[dunder]])
            else:
                setattr(Tensor, dunder, w)
        elif dunder in _INPLACE_OPERATORS:
            w = _make_inplace(raw, _INPLACE_OPERATORS[dunder], dunder)
            if inline:
                hooks[raw] = w
            else:
                setattr(Tensor, dunder, w)
        elif inline:     # comparisons, bitwise ops: not differentiable
            hooks[raw] = _no_record(raw)
    _elementwise.install_operators(hooks, lambda raw, name: _recorder(raw, SPECS[name]))
    for name in _RANDOM_FILLS:
        raw = Tensor.__dict__.get(name + "_")
        if isinstance(raw, types.FunctionType):
            _INPLACE_OOP[name] = _overwrite_oop(raw)
            replace[id(raw)] = (raw, _make_inplace(raw, name, name + "_"))
    for name in ("copy", "fill", "zero"):
        raw = Tensor.__dict__[name + "_"]
        setattr(Tensor, name + "_", _make_inplace(raw, name, name + "_"))
    _formulas._SETITEM[0] = Tensor.__dict__["__setitem__"]
    Tensor.__setitem__ = _setitem_wrapper(Tensor.__dict__["__setitem__"])
    for ns_obj in [Tensor, _pkg, _linalg_mod] + list(_ops.MODULES):
        d = ns_obj.__dict__ if ns_obj is Tensor else vars(ns_obj)
        for k, v in list(d.items()):
            r = replace.get(id(v))
            if r is not None and r[0] is v:
                setattr(ns_obj, k, r[1])


_install()
