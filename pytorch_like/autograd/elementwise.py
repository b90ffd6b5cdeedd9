"""Lean recording of the hot elementwise ops: +, -, *, / between tensors or a tensor and a
number, and the float unary functions (tanh, sigmoid, exp, ...).

One function per op kind runs the C kernel, builds the node and saves what backward needs,
instead of the generic wrapper -> formula -> attach protocol, with the same backward functions
(formulas.py). A node plans no broadcast reduction when its inputs already have the output's
shape and dtype. Anything unusual (out=, alpha, keyword arguments, numpy operands, bool or huge
integer scalars) takes the generic path.
"""
from .._lib import error, ffi, lib
from .._ops import pointwise as _pw
from ..tensor import Tensor
from . import formulas as _formulas
from . import grad_mode
from .graph import Node, _accumulate_node, _meta, _next_seq

_enabled = grad_mode._enabled
_NULL = ffi.NULL
_free = lib.THTensor_free
_gc = ffi.gc
_tnew = object.__new__
_new_binary = lib.THTensor_newBinary
_new_unary = lib.THTensor_newUnary
_new_binary_scalar = lib.THTensor_newBinaryScalar
_same_size = lib.THTensor_isSameSizeAs
_scalar_fast = _pw._scalar_fast
_EXACT = _pw._EXACT
_T = Tensor

_ADD, _SUB, _MUL, _DIV = lib.TH_BINARY_ADD, lib.TH_BINARY_SUB, lib.TH_BINARY_MUL, lib.TH_BINARY_DIV


# ---------------------------------------------------------------------- recording

# Each recorder fills the node's slots and out's autograd fields inline (as Node.__init__, graph.save
# and _record.attach would): it runs once per recorded op, where every call counts.

def _binary_recorders(op, name, grad, grad_a, save_a, save_b, ts_grad, rev_name, rts_grad, generic_fwd,
                      generic_rev):
    """Recording twins of Tensor.__op__ and __rop__ (called only when something needs grad):
    a op b for two tensors, a op s / s op a for a Python number s, else the generic hooks.
    grad: the backward of a op b; grad_a: the one used when only a needs grad; save_a/save_b: keep
    a (b) for backward never (0), when the other needs grad (1) or always (2); ts_grad(s) /
    rts_grad(s): the backward of a op s / s op a (rts_grad None: the generic path)."""
    def fwd(a, b):
        if isinstance(b, _T):
            ca = a._t
            cb = b._t
            o = _new_binary(op, ca, cb)
            if o == _NULL:
                raise error()
            out = _tnew(_T)
            out._t = co = _gc(o, _free)
            node = _tnew(Node)
            fa = fb = None
            ra = a.requires_grad
            if ra:
                fa = a.grad_fn
                if fa is not None:
                    ea = (fa, a._output_nr)
                else:       # a leaf: its AccumulateGrad (graph._accumulate_node's common case inlined)
                    ref = a.__dict__.get("_accum")
                    acc = ref() if ref is not None else None
                    ea = (acc if acc is not None else _accumulate_node(a), 0)
            else:
                ea = None
            rb = b.requires_grad
            if rb:
                fb = b.grad_fn
                if fb is not None:
                    eb = (fb, b._output_nr)
                else:
                    ref = b.__dict__.get("_accum")
                    acc = ref() if ref is not None else None
                    eb = (acc if acc is not None else _accumulate_node(b), 0)
                node._fn = grad
            else:
                eb = None
                node._fn = grad_a
            node._name = name
            node.next_functions = (ea, eb)
            node._released = False
            node._n_out = 1
            node._pre_hooks = node._hooks = None
            # a and b of one shape and float dtype (one needs grad): out has both too, so no gradient
            # needs reducing or casting
            if ca.dtype == cb.dtype and _same_size(ca, cb):
                node._meta = None
            else:
                node._meta = (_meta(a) if ra else None, _meta(b) if rb else None)
            node._seq = _next_seq()
            if save_a == 2 or (save_a and rb):
                st = ca.storage
                sa = (a, st.version if st else 0, a._v0, fa, a._output_nr, False)
            else:
                sa = None
            if save_b == 2 or (save_b and ra):
                st = cb.storage
                sb = (b, st.version if st else 0, b._v0, fb, b._output_nr, False)
            else:
                sb = None
            node._saved = (sa, sb) if sa is not None or sb is not None else None
            st = co.storage
            out._v0 = st.version if st else 0
            out.requires_grad = True
            out.grad_fn = node
            return out
        tp = type(b)
        if tp is float or (tp is int and -_EXACT <= b <= _EXACT):
            return _record_ts(name, op, 0, ts_grad(b), a, b)
        return generic_fwd(a, b)

    def rev(a, b):
        tp = type(b)
        if rts_grad is not None and (tp is float or (tp is int and -_EXACT <= b <= _EXACT)):
            return _record_ts(rev_name, op, 1, rts_grad(b), a, b)
        return generic_rev(a, b)
    return fwd, rev


def _record_ts(name, op, rev, grad, a, s):
    """out = a op s (s op a when rev) for a float tensor a that needs grad and a Python number s:
    the result keeps a's dtype (a number never widens a float tensor)."""
    o = _new_binary_scalar(op, a._t, s, rev)
    if o == _NULL:
        raise error()
    return _one_input_output(o, name, grad, a, a.grad_fn)


def _one_input_output(o, name, grad, x, fx):
    """The C result o wrapped as the output of a new node with one edge, to x (whose grad_fn is fx)."""
    out = _tnew(_T)
    out._t = co = _gc(o, _free)
    node = _tnew(Node)
    node._name = name
    node._fn = grad
    node.next_functions = ((fx, x._output_nr) if fx is not None else (_accumulate_node(x), 0),)
    node._saved = None
    node._released = False
    node._n_out = 1
    node._pre_hooks = node._hooks = None
    node._meta = None
    node._seq = _next_seq()
    st = co.storage
    out._v0 = st.version if st else 0
    out.requires_grad = True
    out.grad_fn = node
    return out


def _unary_recorder(name, op, grad, uses):
    """record(x): out = op(x) for a float tensor x that needs grad; uses: which of x and the output y
    backward needs."""
    use_x, use_y = "x" in uses, "y" in uses

    def record(x):
        cx = x._t
        o = _new_unary(op, cx)
        if o == _NULL:
            raise error()
        fx = x.grad_fn
        out = _one_input_output(o, name, grad, x, fx)
        co = out._t
        v = out._v0
        # the generic path's layout: (x, y), either None when unused; an output keeps only its C tensor
        if use_x:
            st = cx.storage
            sx = (x, st.version if st else 0, x._v0, fx, x._output_nr, False)
        else:
            sx = None
        out.grad_fn._saved = (sx, (co, v, v, None, 0, True) if use_y else None)
        return out
    return record


# ---------------------------------------------------------------------- the operators

def _first(g):
    return g, None


def _scaled(op, s):
    """Backward of x * s or x / s for a number s: a direct C op unless recorded."""
    def bw(g):
        if _enabled[0]:
            return (g * s if op == _MUL else g / s,)
        return (_scalar_fast(op, g, s, type(s), 0),)
    return bw


def install_operators(hooks, recorder):
    """Install lean recording hooks for Tensor's +, -, *, / (pointwise._AUTOGRAD maps each operator
    method to its hook); recorder(raw, spec_name) gives the generic hook for what they do not take."""
    F = _formulas
    node = {n: F.SPECS[n].node_name for n in ("add", "sub", "rsub", "mul", "div")}

    def const(bw):
        return lambda s: bw
    scaled = {op: (lambda s, op=op: _scaled(op, s)) for op in (_MUL, _DIV)}
    table = [   # dunder, op, a op b grads (both, a only), saved a/b, a op s, s op a (node, grads)
        ("add", _ADD, F.pass_grad2, F.pass_grad2, 0, 0, const(F.pass_grad), (node["add"], const(F.pass_grad))),
        ("sub", _SUB, F.sub_grad, _first, 0, 0, const(F.pass_grad), (node["rsub"], const(F.rsub_grad))),
        ("mul", _MUL, F.mul_grad, F.mul_grad, 1, 1, scaled[_MUL], (node["mul"], scaled[_MUL])),
        ("truediv", _DIV, F.div_grad, F.div_grad, 1, 2, scaled[_DIV], (None, None)),
    ]
    generic = {"add": ("add", "add"), "sub": ("sub", "rsub"), "mul": ("mul", "mul"), "truediv": ("div", "rdiv")}
    S = Tensor.__dict__
    for dunder, op, tt, tt_a, sa, sb, ts, (rname, rts) in table:
        raw_f, raw_r = S[f"__{dunder}__"], S[f"__r{dunder}__"]
        gf, gr = generic[dunder]
        hooks[raw_f], hooks[raw_r] = _binary_recorders(op, node[gf], tt, tt_a, sa, sb, ts, rname, rts,
                                                       recorder(raw_f, gf), recorder(raw_r, gr))


# ---------------------------------------------------------------------- unary functions

def unary_wrapper(name, raw, generic):
    """The public unary function name: the lean recorder for one float tensor needing grad, else
    generic (the make_wrapper wrapper of raw). Only the pointwise C unary ops qualify."""
    entry = _formulas.UNARY.get(name)
    op = getattr(lib, "TH_UNARY_" + name.upper(), None)
    if entry is None or op is None or getattr(_pw, name, None) is not raw:
        return generic
    record = _unary_recorder(_formulas.SPECS[name].node_name, op, entry[0], entry[1])

    def wrapper(input, *args, **kwargs):
        if not _enabled[0]:
            return raw(input, *args, **kwargs)
        if not args and not kwargs and isinstance(input, _T) and input.requires_grad:
            return record(input)
        return generic(input, *args, **kwargs)
    for k in ("__name__", "__qualname__", "__doc__", "__wrapped__"):
        setattr(wrapper, k, getattr(generic, k))
    return wrapper
