"""Custom differentiable operations: subclass Function with forward/backward staticmethods."""
from ..tensor import Tensor
from . import grad_mode
from ._record import attach

_enabled = grad_mode._enabled


class FunctionCtx:
    """The ctx passed to forward and backward."""

    def __init__(self):
        self._to_save = ()
        self._unpacked = None
        self._released = False
        self._dirty = ()
        self._non_diff = ()
        self.materialize_grads = True
        self.needs_input_grad = ()

    def save_for_backward(self, *tensors):
        """Keep tensors for backward (checked against later in-place changes)."""
        self._to_save = tensors

    @property
    def saved_tensors(self):
        if self._released:
            from .graph import _SECOND_TIME
            raise RuntimeError(_SECOND_TIME)
        if self._unpacked is not None:
            return self._unpacked
        return tuple(self._to_save)

    def mark_dirty(self, *tensors):
        """Declare inputs that forward modified in place."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        """Declare outputs that get no gradient."""
        self._non_diff = tensors

    def set_materialize_grads(self, value):
        """Whether missing output gradients reach backward as zeros (True) or None."""
        self.materialize_grads = bool(value)


class Function:
    """Base class of custom autograd operations (call them with .apply)."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        record = _enabled[0] and any(ctx.needs_input_grad)
        with grad_mode.no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        if not record:
            return out
        for d in ctx._dirty:
            if d.requires_grad and d.grad_fn is None:
                from ._record import _LEAF_MSG
                raise RuntimeError(_LEAF_MSG)
        multi = isinstance(out, tuple)
        outs = list(out) if multi else [out]
        dirty_ids = {id(d) for d in ctx._dirty}
        for i, o in enumerate(outs):
            if isinstance(o, Tensor) and id(o) not in dirty_ids and any(o is a for a in args):
                outs[i] = o.detach_view()     # an input returned as is: a new alias gets the node
        non_diff = {id(t) for t in ctx._non_diff}
        tensor_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        inputs = tuple(args[i] for i in tensor_pos)
        shapes = [(tuple(o.shape), o.dtype) if isinstance(o, Tensor) else None for o in outs]

        def bw(grads, *saved):
            if not multi:
                grads = [grads]
            gs = []
            for g, m in zip(grads, shapes):
                if g is None and m is not None and ctx.materialize_grads:
                    from .. import zeros
                    g = zeros(m[0], dtype=m[1])
                gs.append(g)
            ctx._unpacked = saved
            try:
                res = cls.backward(ctx, *gs)
            finally:
                ctx._unpacked = None
            if not isinstance(res, tuple):
                res = (res,)
            if len(res) != len(args):
                raise RuntimeError(f"function {cls.__name__}Backward returned an incorrect number of gradients "
                                   f"(expected {len(args)}, got {len(res)})")
            return tuple(res[i] for i in tensor_pos)

        target = tuple(outs) if multi else outs[0]
        node = attach(cls.__name__ + "Backward", _Outs(target) if multi else target, inputs, ctx._to_save, bw,
                      allow_identity=True)
        if node is not None:
            for o in outs:
                if isinstance(o, Tensor) and id(o) in non_diff:
                    o.requires_grad = False
                    o.__dict__.pop("grad_fn", None)
            ctx._to_save = ()     # the node holds them now (no cycle ctx <-> node)
        return tuple(outs) if multi else outs[0]


class _Outs(tuple):
    """Outputs of a multi-output Function (a tuple the attach step accepts)."""


class InplaceFunction(Function):
    pass


def once_differentiable(fn):
    """Decorator kept for API compatibility: backward runs without recording its own graph."""
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            return fn(ctx, *args)
    return wrapper
