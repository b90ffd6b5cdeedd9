"""How ops record: one wrapper per differentiable function, driven by the formula table.

The wrapper's fast path is one list read (grad mode) and a requires_grad attribute test
per tensor argument (a class attribute, False unless set). Only when some input requires
grad in grad mode does the op go through _record, which runs the raw op with recording
off, asks the op's formula what to save and how to differentiate, and attaches a Node.
"""
from ..tensor import Tensor
from . import grad_mode
from .._lib import ffi, lib
from .graph import Node, _accumulate_node, _edge, _meta, _storage_version as _sv, save

_NULL = ffi.NULL
_FLOAT_CODES = frozenset([lib.TH_FLOAT32, lib.TH_FLOAT64, lib.TH_FLOAT16])

_enabled = grad_mode._enabled
_T = Tensor
_same_size = lib.THTensor_isSameSizeAs


class Spec:
    """A differentiable op: formula(out, *args, **kwargs) -> (inputs, saved, backward) or None;
    or composite(*args, **kwargs) built from differentiable ops; view: outputs alias input 0."""
    __slots__ = ("name", "formula", "composite", "view", "node_name", "needs_raw")

    def __init__(self, name, formula=None, composite=None, view=False, node_name=None, needs_raw=False):
        self.name = name
        self.needs_raw = needs_raw
        self.formula = formula
        self.composite = composite
        self.view = view
        self.node_name = node_name or (_camel(name) + "Backward0")


def _camel(name):
    return "".join(p[:1].upper() + p[1:] for p in name.strip("_").split("_"))


def _any_requires(args, kwargs):
    for a in args:
        if isinstance(a, _T):
            if a.requires_grad:
                return True
        elif a.__class__ is list or a.__class__ is tuple:
            for b in a:
                if isinstance(b, _T) and b.requires_grad:
                    return True
    if kwargs:
        for a in kwargs.values():
            if isinstance(a, _T) and a.requires_grad:
                return True
    return False


def make_wrapper(raw, spec):
    """The public function: raw when nothing needs grad, else the recording path."""
    def wrapper(*args, **kwargs):
        if _enabled[0]:
            for a in args:
                if isinstance(a, _T):
                    if a.requires_grad:
                        return record(spec, raw, wrapper, args, kwargs)
                elif a.__class__ is list or a.__class__ is tuple:
                    if _any_requires(a, None):
                        return record(spec, raw, wrapper, args, kwargs)
            if kwargs and _any_requires((), kwargs):
                return record(spec, raw, wrapper, args, kwargs)
        return raw(*args, **kwargs)
    wrapper.__name__ = getattr(raw, "__name__", spec.name)
    wrapper.__qualname__ = getattr(raw, "__qualname__", spec.name)
    wrapper.__doc__ = raw.__doc__
    wrapper.__wrapped__ = raw
    return wrapper


def _check_out(name, kwargs):
    if kwargs.get("out") is not None:
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")


def run_raw(raw, args, kwargs):
    _enabled[0] = False
    try:
        return raw(*args, **kwargs)
    finally:
        _enabled[0] = True


def record(spec, raw, public, args, kwargs):
    if kwargs:
        _check_out(spec.name, kwargs)
    if spec.composite is not None:
        return spec.composite(*args, **kwargs)
    _enabled[0] = False
    try:
        out = raw(*args, **kwargs)
    finally:
        _enabled[0] = True
    if kwargs and "out" in kwargs:
        kwargs = {k: v for k, v in kwargs.items() if k != "out"}
    r = spec.formula(out, raw, *args, **kwargs) if spec.needs_raw else spec.formula(out, *args, **kwargs)
    if r is None:
        return out
    inputs, saved, bw = r
    attach(spec.node_name, out, inputs, saved, bw, view_src=args[0] if spec.view else None)
    if spec.view:
        _track_views(out, args, kwargs, public)
    return out


def attach(name, out, inputs, saved, bw, allow_identity=False, view_src=None):
    """Give out (a tensor or a sequence of them) a Node computing bw; returns the node or None."""
    edges = []
    anyreq = False
    for t in inputs:
        if isinstance(t, _T) and t.requires_grad:
            fn = t.grad_fn
            edges.append((fn, t._output_nr) if fn is not None else (_accumulate_node(t), 0))
            anyreq = True
        else:
            edges.append(None)
    if not anyreq:
        return None
    if isinstance(out, _T):
        if not allow_identity:
            for t in inputs:
                if out is t:       # an op returned its input unchanged (contiguous, to): keep its graph
                    return None
        c = out._t
        dt = c.dtype
        meta = None                # reductions planned only where an input differs from out
        for t, e in zip(inputs, edges):
            if e is not None and (t._t.dtype != dt or not _same_size(t._t, c)):
                meta = tuple([None if e is None else _meta(t) for t, e in zip(inputs, edges)])
                break
        node = Node(name, bw, tuple(edges), None, meta)
        # PyTorch numbers versions from the op that made a tensor (views share their base's count)
        st = c.storage
        if view_src is not None and st == view_src._t.storage:
            out._v0 = view_src.__dict__.get("_v0", 0)
        elif st != _NULL:
            out._v0 = st.version
        if c.dtype in _FLOAT_CODES:
            out.requires_grad = True
            out.grad_fn = node
        if saved:
            node._saved = tuple([None if s is None else save(s, s is out) for s in saved])
        return node
    outs = tuple(out)
    if not allow_identity:
        for o in outs:
            for t in inputs:
                if o is t:
                    return None
    meta = tuple([None if e is None else _meta(t) for t, e in zip(inputs, edges)])
    node = Node(name, bw, tuple(edges), None, meta, len(outs))
    for i, o in enumerate(outs):
        if isinstance(o, _T):
            src = view_src if view_src is not None and o._t.storage == view_src._t.storage else None
            o._v0 = src.__dict__.get("_v0", 0) if src is not None else _sv(o)
            if o._t.dtype in _FLOAT_CODES:
                o.requires_grad = True
                o.grad_fn = node
                if i:
                    o._output_nr = i
    if saved:
        node._saved = tuple([None if s is None else save(s, _is_in(s, outs)) for s in saved])
    return node


def _is_in(s, outs):
    for o in outs:
        if s is o:
            return True
    return False


# ---------------------------------------------------------------------- views and in-place

def _track_views(out, args, kwargs, public):
    """Remember how each output views args[0], so in-place writes into it can update the base's graph."""
    src = args[0]
    if not isinstance(src, _T):
        return
    base_info = src.__dict__.get("_view_of")
    rest = args[1:]
    outs = (out,) if isinstance(out, _T) else tuple(out)
    st = src._t.storage
    for i, o in enumerate(outs):
        if not isinstance(o, _T) or o._t.storage != st:
            continue
        if isinstance(out, _T):
            def fn(t, _r=rest, _k=kwargs):
                return public(t, *_r, **_k)
        else:
            def fn(t, _r=rest, _k=kwargs, _i=i):
                return public(t, *_r, **_k)[_i]
        if base_info is not None:
            base, f0 = base_info

            def fn(t, _f0=f0, _f1=fn):
                return _f1(_f0(t))
        else:
            base = src
        o._view_of = (base, fn)


_LEAF_MSG = "a leaf Variable that requires grad is being used in an in-place operation."
_VIEW_LEAF_MSG = "a view of a leaf Variable that requires grad is being used in an in-place operation."


def record_inplace(oop, args, kwargs, name):
    """self.op_(...) on tensors that need grad: the out-of-place op on self's old value, written
    back into self, with self taking over the result's graph (and a view's base updated)."""
    self = args[0]
    _check_out(name, kwargs)
    if self.requires_grad and self.grad_fn is None:
        raise RuntimeError(_LEAF_MSG)
    vo = self.__dict__.get("_view_of")
    if vo is not None and vo[0].requires_grad and vo[0].grad_fn is None:
        raise RuntimeError(_VIEW_LEAF_MSG)
    _enabled[0] = False
    try:
        old = self.clone()
    finally:
        _enabled[0] = True
    if self.requires_grad:
        old.requires_grad = True
        old.grad_fn = self.grad_fn
        old._output_nr = self._output_nr
    res = oop(old, *args[1:], **kwargs)
    _enabled[0] = False
    try:
        self.copy_(res)
    finally:
        _enabled[0] = True
    if res.requires_grad:
        _rebase(self, res.grad_fn, res._output_nr)
    return self


def _rebase(t, fn, nr):
    old_fn, old_nr, old_req = t.grad_fn, t._output_nr, t.requires_grad
    t.requires_grad = True
    t.grad_fn = fn
    t._output_nr = nr
    vo = t.__dict__.get("_view_of")
    if vo is None:
        return
    base, view_fn = vo
    # the base now holds its old value outside the view and t inside it
    old_base = base.detach_view()
    if base.requires_grad:
        old_base.requires_grad = True
        old_base.grad_fn = base.grad_fn
        old_base._output_nr = base._output_nr

    def bw(g, _vf=view_fn):
        from .. import ones_like
        with grad_mode.no_grad():
            m = ones_like(g)
            _vf(m).fill_(0)
        return g * m, _vf(g)
    cur = t.detach_view()
    cur.requires_grad = True
    cur.grad_fn = fn
    cur._output_nr = nr
    node = attach("CopySlices", base.detach_view(), (old_base, cur), (), bw)
    if node is not None:
        base.requires_grad = True
        base.grad_fn = node
        base._output_nr = 0
