"""The recorded graph and the engine that walks it backwards.

A Node is one recorded op. next_functions pairs each differentiable input with the node
that produced it (AccumulateGrad for leaves). Saved tensors remember the storage version
at save time so backward refuses data changed in place. Nodes never hold their own
outputs strongly (an output is saved as an alias without grad_fn), so graphs are freed by
reference counting as soon as the last output dies.
"""
import itertools
import operator
from heapq import heappop as _heappop, heappush as _heappush, heapreplace as _heapreplace

from .._lib import check, error, ffi, lib
from ..dtypes import BY_CODE as _BY_CODE
from ..tensor import Tensor, Size, _TYPE_NAMES, _wrap

from . import grad_mode

_NULL = ffi.NULL
_binary = lib.THTensor_binary
_ADD = lib.TH_BINARY_ADD
_clone = lib.THTensor_newClone

_enabled = grad_mode._enabled

_SECOND_TIME = ("Trying to backward through the graph a second time (or directly access saved tensors after "
                "they have already been freed). Saved intermediate values of the graph are freed when you call "
                ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                "graph a second time or if you need to access saved tensors after calling backward.")


def _describe(t):
    return f"[pytorch_like.{_TYPE_NAMES[t.dtype.name]} [{', '.join(str(s) for s in t.shape)}]]"


def _storage_version(t):
    s = t._t.storage
    return s.version if s != _NULL else 0


_next_seq = itertools.count().__next__


def save(t, is_output=False):
    """A tensor kept for backward: (tensor, storage version, version base, grad_fn, output_nr, is_output).
    An output keeps only its C tensor, so the node does not hold its own output (no cycle)."""
    st = t._t.storage
    ver = st.version if st != _NULL else 0
    if is_output:
        return (t._t, ver, t.__dict__.get("_v0", 0), None, t._output_nr, True)
    return (t, ver, t.__dict__.get("_v0", 0), t.grad_fn, t._output_nr, False)


def unpack(s, node):
    """The saved tensor, refused if its storage changed since it was saved."""
    d, ver, v0, fn, nr, is_output = s
    if is_output:
        d = Tensor.__new__(Tensor)
        d._t = s[0]
    st = d._t.storage
    now = st.version if st else 0
    if now != ver:
        fn = node if is_output else fn
        where = f", which is output {nr} of {fn.name()}," if fn is not None else ""
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an inplace "
            f"operation: {_describe(d)}{where} is at version {now - v0}; expected version {ver - v0} "
            "instead. Hint: enable anomaly detection to find the operation that failed to compute its "
            "gradient, with torch.autograd.set_detect_anomaly(True).")
    if is_output and _enabled[0]:
        # double backward through a formula that uses the output: re-attach it to its node
        d.requires_grad = True
        d.grad_fn = node
        d._output_nr = nr
    return d


class Node:
    """One recorded operation (PyTorch's grad_fn)."""
    __slots__ = ("_name", "next_functions", "_fn", "_saved", "_released", "_meta", "_seq", "_n_out", "_pre_hooks",
                 "_hooks", "__weakref__", "__dict__")

    def __init__(self, name, fn, next_functions, saved, meta, n_out=1):
        self._name = name
        self._fn = fn
        self.next_functions = next_functions
        self._saved = saved
        self._released = False
        # (shape, dtype code) of each input, for reducing broadcast grads and casting them back;
        # None when every input has the output's shape and dtype
        self._meta = meta
        self._n_out = n_out
        self._pre_hooks = self._hooks = None
        self._seq = _next_seq()        # creation order: a node's inputs always come earlier

    @property
    def metadata(self):
        """A dict for the user's annotations (PyTorch's grad_fn.metadata)."""
        d = self.__dict__
        m = d.get("_metadata")
        if m is None:
            m = d["_metadata"] = {}
        return m

    def name(self):
        """PyTorch-style node name, e.g. 'MulBackward0'."""
        return self._name

    def __repr__(self):
        return f"<{self._name} object at {hex(id(self))}>"

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) runs after this node computed its gradients."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _Handle(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) runs before this node; it may return replacement gradients."""
        return self._add_pre_hook(-1, fn)

    def _add_pre_hook(self, key, fn):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        lst = self._pre_hooks.setdefault(key, [])
        lst.append(fn)
        return _Handle(lst, fn)

    def apply(self, grads):
        """Gradients for each input from the gradients of each output."""
        if self._n_out == 1:
            g = grads[0]
            if g is None:
                return [None] * len(self.next_functions)
        else:
            g = grads
            if all(x is None for x in grads):
                return [None] * len(self.next_functions)
        saved = self._saved
        if saved is None:
            if self._released:
                raise RuntimeError(_SECOND_TIME)
            res = self._fn(g)
        elif len(saved) == 2:
            a, b = saved
            res = self._fn(g, None if a is None else unpack(a, self), None if b is None else unpack(b, self))
        else:
            res = self._fn(g, *[None if s is None else unpack(s, self) for s in saved])
        if type(res) is not tuple:
            res = (res,)
        return res if self._meta is None else self._fit_grads(res)

    def _fit_grads(self, res):
        """Each input's gradient reduced to its shape and cast to its dtype."""
        out = []
        for g, m in zip(res, self._meta):
            if g is not None and m is not None:
                g = _fit(g, m)
            out.append(g)
        return out

    def _release(self):
        if self._saved:
            self._saved = None
            self._released = True

    def __call__(self, *grads):
        return tuple(self.apply(list(grads)))


def _meta(t):
    """(shape, dtype code) of a tensor, as nodes record their inputs."""
    c = t._t
    n = c.ndim
    return (tuple(c.size[0:n]) if n else (), c.dtype)


def _fit(g, meta):
    """Reduce a broadcast gradient to the input's shape and cast it to the input's dtype."""
    shape, code = meta
    c = g._t
    n = c.ndim
    if (tuple(c.size[0:n]) if n else ()) != shape:
        g = _unbroadcast(g, shape)
    if g._t.dtype != code:
        g = g.to(_BY_CODE[code])
    return g


def _unbroadcast(grad, shape):
    """Sum grad over the dimensions that broadcasting added or expanded to reach grad.shape."""
    shape = tuple(shape)
    gs = tuple(grad.shape)
    if gs == shape:
        return grad
    lead = len(gs) - len(shape)
    dims = list(range(lead))
    for i, s in enumerate(shape):
        if s == 1 and gs[lead + i] != 1:
            dims.append(lead + i)
    if dims:
        grad = grad.sum(dims, keepdim=True)
    if lead:
        grad = grad.reshape(shape)
    elif tuple(grad.shape) != shape:
        grad = grad.reshape(shape)
    return grad


class AccumulateGrad(Node):
    """The node of a leaf: adds the incoming gradient into leaf.grad."""
    __slots__ = ("variable",)

    def __init__(self, leaf):
        Node.__init__(self, "AccumulateGrad", None, (), None, (_meta(leaf),))
        self.variable = leaf

    def apply(self, grads):
        g = grads[0]
        leaf = self.variable
        hooks = leaf.__dict__.get("_leaf_hooks")
        if hooks:
            for h in list(hooks.values()):
                r = h(g)
                if r is not None:
                    g = r
        if g is None:
            return []
        g = _fit(g, self._meta[0])
        old = leaf._grad
        if _enabled[0]:      # create_graph: the accumulated gradient is itself differentiable
            leaf._grad = g if old is None else old + g
        elif old is None:
            leaf._grad = _wrap(_clone(g._t))
        elif old.requires_grad:
            leaf._grad = old.detach() + g.detach()
        else:
            old.add_(g)
        for h in leaf.__dict__.get("_post_acc_hooks", {}).values():
            h(leaf)
        return []


def _accumulate_node(leaf):
    """The AccumulateGrad of a leaf (one per leaf while any graph uses it)."""
    d = leaf.__dict__
    ref = d.get("_accum")
    node = ref() if ref is not None else None
    if node is None:
        import weakref
        node = AccumulateGrad(leaf)
        d["_accum"] = weakref.ref(node)
    return node


def _edge(t):
    """(node, output_nr) an input's gradient flows to, or None if t needs none."""
    if not t.requires_grad:
        return None
    fn = t.grad_fn
    if fn is None:
        return (_accumulate_node(t), 0)
    return (fn, t._output_nr)


class _Handle:
    """RemovableHandle."""

    def __init__(self, container, item):
        self._c = container
        self._item = item

    def remove(self):
        c = self._c
        if isinstance(c, dict):
            c.pop(self._item, None)
        elif self._item in c:
            c.remove(self._item)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


_hook_ids = itertools.count()


# ---------------------------------------------------------------------- engine

def run_backward(roots, grads, retain_graph, create_graph, inputs=None, accumulate=True, allow_unused=False):
    """Propagate grads from roots ((node, output_nr) pairs); accumulate into leaves, or
    return the gradients of inputs (tensors) when accumulate is False.

    A node is always created after the nodes of its inputs, so taking the node with the
    latest creation among those holding gradients runs each one after every node that feeds it.
    A node's pending gradient is a tensor (one output) or a list with one slot per output.
    Sums of gradients the engine made itself are not seen by anyone else until their node
    runs, so further gradients are added into them in place (unless create_graph)."""
    captures = needed = None
    if inputs is not None:
        captures = {}        # (node, output_nr) -> slot indices
        for i, t in enumerate(inputs):
            if not t.requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            captures.setdefault(_edge(t), []).append(i)
        needed = _needed(roots, {e[0] for e in captures})

    pending = {}
    heap = []
    owned = None if create_graph else {}     # id(sum made here) -> the node it is pending for
    for r, g in zip(roots, grads):
        if r is not None and (needed is None or r[0] in needed):
            _send(pending, heap, owned, r[0], r[1], g)

    results = [None] * len(inputs) if inputs is not None else None
    prev = _enabled[0]
    _enabled[0] = create_graph
    nxt = None          # a node scheduled by the last one, kept out of the heap while it is the latest
    try:
        while True:
            if nxt is not None:
                n = nxt
                nxt = None
                if heap and -heap[0][0] > n._seq:     # a pending node made later runs first
                    n = _heapreplace(heap, (-n._seq, n))[1]
            elif heap:
                n = _heappop(heap)[1]
            else:
                break
            g = pending.pop(n)
            if type(n) is Node and type(g) is not list and n._pre_hooks is None and captures is None:
                # Node.apply inlined for its common case (one output, no hooks)
                saved = n._saved
                if saved is None:
                    if n._released:
                        raise RuntimeError(_SECOND_TIME)
                    out = n._fn(g)
                elif len(saved) == 2:
                    a, b = saved
                    # unpack's common case inlined: a saved input whose storage version is unchanged
                    if a is not None:
                        t = a[0]
                        st = None if a[5] else t._t.storage
                        a = t if st and st.version == a[1] else unpack(a, n)
                    if b is not None:
                        t = b[0]
                        if not b[5]:
                            st = t._t.storage
                            b = t if st and st.version == b[1] else unpack(b, n)
                        elif create_graph:
                            b = unpack(b, n)
                        else:       # the node's own output (unary layout (x, y)): a fresh wrapper
                            st = t.storage
                            if st and st.version == b[1]:
                                b = Tensor.__new__(Tensor)
                                b._t = t
                            else:
                                b = unpack(b, n)
                    out = n._fn(g, a, b)
                    if not retain_graph:
                        n._saved = None
                        n._released = True
                else:
                    out = n._fn(g, *[None if s is None else unpack(s, n) for s in saved])
                    if not retain_graph:
                        n._saved = None
                        n._released = True
                if type(out) is not tuple:
                    out = (out,)
                if n._meta is not None:
                    out = n._fit_grads(out)
                if n._hooks:
                    out = _run_hooks(n, out, [g])
            else:
                buf = g if type(g) is list else [g]
                if n._pre_hooks is not None:
                    buf = _run_pre_hooks(n, buf)
                if captures is not None:
                    _capture(n, buf, captures, results)
                    if not accumulate and type(n) is AccumulateGrad:
                        continue
                out = n.apply(buf)
                if n._hooks:
                    out = _run_hooks(n, out, buf)
                if n._saved is not None and not retain_graph:
                    n._saved = None
                    n._released = True
            for e, g in zip(n.next_functions, out):
                if g is not None and e is not None:
                    m = e[0]
                    if needed is not None and m not in needed:
                        continue
                    s = pending.get(m)
                    if s is None and m._n_out == 1:      # _send's common cases, inlined
                        pending[m] = g
                        if nxt is None:
                            nxt = m
                        elif m._seq > nxt._seq:
                            _heappush(heap, (-nxt._seq, nxt))
                            nxt = m
                        else:
                            _heappush(heap, (-m._seq, m))
                    elif type(s) is Tensor and owned is not None and owned.get(id(s)) is m and \
                            s._t.dtype == g._t.dtype and not _binary(s._t, _ADD, s._t, g._t, 1.0):
                        pass        # added in place (C refuses a g that would change s's shape)
                    else:
                        _send(pending, heap, owned, m, e[1], g)
    finally:
        _enabled[0] = prev
    if results is not None and not allow_unused and accumulate is False:
        for r in results:
            if r is None:
                raise RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. "
                                   "Set allow_unused=True if this is the desired behavior.")
    return results


def _send(pending, heap, owned, m, k, g):
    """Add g to the pending gradient of output k of node m (scheduling m on its first gradient)."""
    s = pending.get(m)
    if s is None:
        if m._n_out == 1:
            pending[m] = g
        else:
            s = pending[m] = [None] * m._n_out
            s[k] = g
        _heappush(heap, (-m._seq, m))
    elif type(s) is not list:
        pending[m] = _add(s, g, m, owned)
    elif s[k] is None:
        s[k] = g
    else:
        s[k] = _add(s[k], g, m, owned)


def _add(s, g, m, owned):
    """s + g, in place when s is a sum this engine made for m (same dtype and shape)."""
    if owned is None:
        return s + g
    if owned.get(id(s)) is m and s._t.dtype == g._t.dtype and not _binary(s._t, _ADD, s._t, g._t, 1.0):
        return s            # added in place (C refuses a g that would change s's shape)
    s = s + g
    owned[id(s)] = m
    return s


def _run_hooks(n, out, buf):
    for h in n._hooks:
        r = h(tuple(out), tuple(buf))
        if r is not None:
            out = list(r)
    return out


def _needed(roots, targets):
    """The nodes reachable from roots from which some target node is reachable."""
    seen = set()
    stack = []
    for r in roots:
        if r is not None and r[0] not in seen:
            seen.add(r[0])
            stack.append(r[0])
    while stack:
        for e in stack.pop().next_functions:
            if e is not None and e[0] not in seen:
                m = e[0]
                seen.add(m)
                stack.append(m)
    needed = set()
    for n in sorted(seen, key=_seq_key):      # inputs before the nodes they feed
        if n in targets or any(e is not None and e[0] in needed for e in n.next_functions):
            needed.add(n)
    return needed


_seq_key = operator.attrgetter("_seq")


def _run_pre_hooks(n, buf):
    pre = n._pre_hooks
    # tensor hooks by output, then retain_grad (keys ("retain", nr)), then node pre-hooks (-1)
    for key, hooks in sorted(pre.items(), key=lambda kv: type(kv[0]) is tuple):
        if key == -1:
            continue
        if type(key) is tuple:
            key = key[1]
        for h in list(hooks):
            if buf[key] is None:
                break
            r = h(buf[key])
            if r is not None:
                buf[key] = r
    for h in list(pre.get(-1, ())):
        r = h(tuple(buf))
        if r is not None:
            buf = list(r)
    return buf


def _capture(n, buf, captures, results):
    for i in range(len(buf)):
        slots = captures.get((n, i))
        if slots is None:
            continue
        g = buf[i]
        if type(n) is AccumulateGrad:
            hooks = n.variable.__dict__.get("_leaf_hooks")
            if hooks and g is not None:
                for h in list(hooks.values()):
                    r = h(g)
                    if r is not None:
                        g = r
        for s in slots:
            results[s] = g


def _ones_like(o):
    c = o._t
    g = _wrap(lib.THTensor_newWithSize(c.dtype, c.ndim, c.size))
    check(lib.THTensor_fill(g._t, 1.0))
    return g


def _make_grads(outputs, grad_outputs, create_graph):
    res = []
    for o, g in zip(outputs, grad_outputs):
        if g is None:
            if o.requires_grad:
                if o.numel() != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not o.dtype.is_floating_point:
                    raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                       f"{o.dtype}")
                g = _ones_like(o)
        elif isinstance(g, Tensor):
            if tuple(g.shape) != tuple(o.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[{len(res)}] has a shape of {Size(g.shape)!r} "
                                   f"and output[{len(res)}] has a shape of {Size(o.shape)!r}.")
            if not create_graph:
                g = g.detach()
        else:
            from .. import tensor
            g = tensor(g, dtype=o.dtype).expand(o.shape)
        res.append(g)
    return res


def _roots(outputs):
    roots = []
    for o in outputs:
        if not isinstance(o, Tensor):
            raise TypeError(f"expected a Tensor, got {type(o).__name__}")
        if not o.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        roots.append(_edge(o))
    return roots


def _seq_arg(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every leaf's .grad (or only into inputs)."""
    tensors = _seq_arg(tensors)
    gts = _seq_arg(grad_tensors) or [None] * len(tensors)
    if len(gts) != len(tensors):
        raise RuntimeError(f"got {len(gts)} gradients for {len(tensors)} tensors")
    if retain_graph is None:
        retain_graph = create_graph
    roots = _roots(tensors)
    grads = _make_grads(tensors, gts, create_graph)
    inputs = _seq_arg(inputs)
    if inputs is not None:
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        res = run_backward(roots, grads, retain_graph, create_graph, inputs, accumulate=False, allow_unused=True)
        prev = _enabled[0]
        _enabled[0] = create_graph
        try:
            for t, g in zip(inputs, res):
                if g is None:
                    continue
                if t.grad_fn is None:
                    _acc(t, g, create_graph)
                else:
                    t._grad = g if t._grad is None else t._grad + g
        finally:
            _enabled[0] = prev
        return
    run_backward(roots, grads, retain_graph, create_graph)


def _acc(leaf, g, create_graph):
    g = _fit(g, _meta(leaf))
    old = leaf._grad
    if create_graph:
        leaf._grad = g if old is None else old + g
    elif old is None:
        leaf._grad = g.detach().clone()
    else:
        old.add_(g)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of outputs with respect to inputs (returned, not accumulated)."""
    outputs = _seq_arg(outputs)
    single = isinstance(inputs, Tensor)
    inputs = _seq_arg(inputs)
    gos = _seq_arg(grad_outputs) or [None] * len(outputs)
    if len(gos) != len(outputs):
        raise RuntimeError(f"grad requires one grad_output per output: got {len(gos)} for {len(outputs)} outputs")
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    roots = _roots(outputs)
    grads = _make_grads(outputs, gos, create_graph)
    res = run_backward(roots, grads, retain_graph, create_graph, inputs, accumulate=False,
                       allow_unused=allow_unused)
    out = []
    for t, g in zip(inputs, res):
        if g is not None:
            g = _fit(g, _meta(t))
        elif materialize_grads:
            from .. import zeros_like
            g = zeros_like(t)
        out.append(g)
    return tuple(out)
