"""Tensor contractions: einsum, tensordot, kron -- composed from permute/reshape views and the
BLAS products (mm, bmm), so they are differentiable through those ops' formulas.

einsum contracts its operands pairwise in a greedy order (the pair whose result is smallest,
then cheapest, first), like opt_einsum's greedy path, instead of strictly left to right.
"""
import builtins as _b
import numbers

from .. import dtypes as _dt
from .._args import tensor_arg
from ..tensor import Tensor, _int_arg
from .pointwise import _TNAME, _into

__all__ = ["einsum", "tensordot", "kron"]

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _prod(xs):
    r = 1
    for x in xs:
        r *= x
    return r


def half_product(op, a, b):
    """op(a, b) for mm/bmm; float16 (storage-only in the core) multiplies in float32 and rounds back."""
    if a.dtype is _dt.float16:
        return op(a.to(_dt.float32), b.to(_dt.float32)).to(_dt.float16)
    return op(a, b)


# ---------------------------------------------------------------------- einsum: parsing

def _sublist_equation(args):
    """einsum(op1, sub1, op2, sub2, ..., [out]) as (equation, operands)."""
    ops, parts = [], []

    def subs(lst):
        s = []
        for v in lst:
            if v is Ellipsis:
                s.append("...")
            elif isinstance(v, numbers.Integral) and not isinstance(v, _b.bool):
                if not 0 <= v < 52:
                    raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
                s.append(_LETTERS[v])
            else:
                raise TypeError(f"einsum(): expected subscripts to be ints or Ellipsis, got {type(v).__name__}")
        return "".join(s)
    i = 0
    while i + 1 < len(args):
        ops.append(args[i])
        parts.append(subs(args[i + 1]))
        i += 2
    eq = ",".join(parts)
    if i < len(args):
        eq += "->" + subs(args[i])
    return eq, ops


def _parse_term(term, start, what):
    """Labels of one term: letters, and None once for an ellipsis (position start in the equation)."""
    labels, i = [], 0
    seen_ellipsis = False
    while i < len(term):
        c = term[i]
        if c == ".":
            if seen_ellipsis:
                raise RuntimeError(f"einsum(): found '.' for {what} but an ellipsis (...) was already found")
            if term[i:i + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for {what} that is not part of any ellipsis")
            labels.append(None)
            seen_ellipsis = True
            i += 3
            continue
        if c not in _LETTERS:
            raise RuntimeError(f"einsum(): invalid subscript given at index {start + i} in the equation string, "
                               "subscripts must be in [a-zA-Z]")
        labels.append(c)
        i += 1
    return labels


def _parse(equation, operands):
    eq = equation.replace(" ", "")
    arrow = eq.find("->")
    lhs, rhs = (eq, None) if arrow < 0 else (eq[:arrow], eq[arrow + 2:])
    terms, pos = [], 0
    for k, term in enumerate(lhs.split(",")):
        if k >= len(operands):
            raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
        terms.append(_parse_term(term, pos, f"operand {k}"))
        pos += len(term) + 1
    if len(terms) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    out = None if rhs is None else _parse_term(rhs, arrow + 2, "output")
    return terms, out


# ---------------------------------------------------------------------- einsum: evaluation

class _Term:
    """An operand during contraction: the tensor and the label of each of its dims."""
    __slots__ = ("t", "labels")

    def __init__(self, t, labels):
        self.t = t
        self.labels = labels


def _expand_ellipsis(terms, operands):
    """Replace each operand's ellipsis by labels 0..n-1 of the common broadcast dims (right-aligned)."""
    ell = 0
    for k, (labels, op) in enumerate(zip(terms, operands)):
        named = _b.sum(1 for l in labels if l is not None)
        if None in labels:
            if named > op.ndim:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) is more than the "
                                   f"number of dimensions ({op.ndim}) for operand {k}")
            ell = _b.max(ell, op.ndim - named)
        elif named != op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) does not match the "
                               f"number of dimensions ({op.ndim}) for operand {k} and no ellipsis was given")
    out = []
    for labels, op in zip(terms, operands):
        if None in labels:
            n = op.ndim - (len(labels) - 1)
            i = labels.index(None)
            labels = labels[:i] + list(range(ell - n, ell)) + labels[i + 1:]
        out.append(labels)
    return out, ell


def _take_diagonals(term, k):
    """Repeated labels of one operand become one dim (its diagonal)."""
    t, labels = term.t, list(term.labels)
    while True:
        dup = next((l for i, l in enumerate(labels) if l in labels[i + 1:]), None)
        if dup is None:
            break
        i = labels.index(dup)
        j = labels.index(dup, i + 1)
        if t.shape[i] != t.shape[j]:
            raise RuntimeError(f"einsum(): subscript {dup} is repeated for operand {k} but the sizes don't match, "
                               f"{t.shape[j]} != {t.shape[i]}")
        t = t.diagonal(0, i, j)
        labels = [l for n, l in enumerate(labels) if n not in (i, j)] + [dup]
    return _Term(t, labels)


def _sum_labels(term, drop):
    """Sum term over the labels in drop."""
    dims = [i for i, l in enumerate(term.labels) if l in drop]
    if not dims:
        return term
    # sum's dtype rule (integers to int64), as PyTorch's einsum
    return _Term(term.t.sum(dims), [l for l in term.labels if l not in drop])


def _contract(a, b, keep, sizes):
    """The pairwise contraction of terms a and b, keeping the labels in keep, via one (b)mm."""
    la, lb = a.labels, b.labels
    if a.t.dtype is not b.t.dtype:     # an integer operand already summed (int64) meets an unsummed one
        from ..dtypes import promote_types
        dt = promote_types(a.t.dtype, b.t.dtype)
        a, b = _Term(a.t.to(dt), la), _Term(b.t.to(dt), lb)
    sb = set(lb)
    batch = [l for l in la if l in sb and l in keep]
    summed = [l for l in la if l in sb and l not in keep]
    a_only = [l for l in la if l not in sb]
    b_only = [l for l in lb if l not in set(la)]
    if not summed:
        # an outer/elementwise product: broadcasting multiplies without a matmul
        order = batch + a_only + b_only
        ta = a.t.permute([la.index(l) for l in batch + a_only])
        tb = b.t.permute([lb.index(l) for l in batch + b_only])
        ta = ta.reshape(list(ta.shape) + [1] * len(b_only))
        tb = tb.reshape([sizes[l] for l in batch] + [1] * len(a_only) + [sizes[l] for l in b_only])
        return _Term(ta * tb, order)
    nb = _prod(sizes[l] for l in batch)
    m = _prod(sizes[l] for l in a_only)
    n = _prod(sizes[l] for l in b_only)
    k = _prod(sizes[l] for l in summed)
    ta = a.t.permute([la.index(l) for l in batch + a_only + summed]).reshape(nb, m, k)
    tb = b.t.permute([lb.index(l) for l in batch + summed + b_only]).reshape(nb, k, n)
    if m == 1 and n == 1:
        r = (ta.reshape(nb, k) * tb.reshape(nb, k)).sum(1, dtype=ta.dtype)
    elif nb == 1:
        r = half_product(Tensor.mm, ta.reshape(m, k), tb.reshape(k, n))
    else:
        r = half_product(Tensor.bmm, ta, tb)
    order = batch + a_only + b_only
    return _Term(r.reshape([sizes[l] for l in order]), order)


def _pick_pair(terms, out_labels, sizes):
    """Greedy: the pair whose contraction gives the smallest result, then costs the fewest products."""
    best = None
    for i in range(len(terms)):
        for j in range(i + 1, len(terms)):
            keep = _needed(terms, (i, j), out_labels)
            la, lb = terms[i].labels, terms[j].labels
            union = set(la) | set(lb)
            res = _prod(sizes[l] for l in union if l in keep)
            cost = _prod(sizes[l] for l in union)
            key = (res, cost, i, j)
            if best is None or key < best:
                best = key
    return best[2], best[3]


def _needed(terms, skip, out_labels):
    """Labels needed after contracting the terms at positions skip: the output's and the other terms'."""
    keep = set(out_labels)
    for n, t in enumerate(terms):
        if n not in skip:
            keep.update(t.labels)
    return keep


def _label_sizes(terms, operands):
    """Each label's size: the largest it has; a size-1 dim broadcasts against it."""
    sizes = {}
    for k, (labels, op) in enumerate(zip(terms, operands)):
        own = {}
        for l, s in zip(labels, op.shape):
            if own.setdefault(l, s) != s:
                raise RuntimeError(f"einsum(): subscript {l} is repeated for operand {k} but the sizes don't match, "
                                   f"{s} != {own[l]}")
        for l, s in zip(labels, op.shape):
            prev = sizes.get(l)
            if prev is None or prev == 1:
                sizes[l] = s
            elif s != 1 and s != prev:
                if isinstance(l, int):
                    raise RuntimeError(f"einsum(): operands do not broadcast with remapped shapes: dimension {l} of "
                                       f"the ellipsis has size {s} for operand {k} and {prev} before")
                raise RuntimeError(f"einsum(): subscript {l} has size {s} for operand {k} which does not broadcast "
                                   f"with previously seen size {prev}")
    return sizes


def _output_labels(terms, out, ell, sizes):
    """The output's labels: as written, or (implicit form) the ellipsis dims then the labels seen once, sorted."""
    if out is None:
        counts = {}
        for labels in terms:
            for l in labels:
                counts[l] = counts.get(l, 0) + 1
        return list(range(ell)) + sorted(l for l, c in counts.items() if isinstance(l, str) and c == 1)
    out_labels = []
    for l in out:
        if l is None:
            out_labels.extend(range(ell))
            continue
        if l in out_labels:
            raise RuntimeError(f"einsum(): output subscript {l} appears more than once in the output")
        if l not in sizes:
            raise RuntimeError(f"einsum(): output subscript {l} does not appear in the equation for any input operand")
        out_labels.append(l)
    return out_labels


def einsum(*args):
    """Einstein summation over the operands' subscripts (equation form or the sublist form)."""
    if len(args) < 2 and not (len(args) == 1 and not isinstance(args[0], str)):
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    if not operands:
        raise ValueError("einsum(): must provide at least one operand")
    for k, op in enumerate(operands):
        tensor_arg(op, "einsum", f"operands[{k}]")
    dt = operands[0].dtype
    for op in operands[1:]:
        if op.dtype is not dt:
            raise RuntimeError(f"expected scalar type {_TNAME[dt.code]} but found {_TNAME[op.dtype.code]}")
    terms, out = _parse(equation, operands)
    terms, ell = _expand_ellipsis(terms, operands)
    sizes = _label_sizes(terms, operands)
    out_labels = _output_labels(terms, out, ell, sizes)
    work = []
    for k, (labels, op) in enumerate(zip(terms, operands)):
        term = _take_diagonals(_Term(op, labels), k)
        # a size-1 dim broadcast against a larger size is that label's absence
        sq = [i for i, l in enumerate(term.labels) if term.t.shape[i] == 1 and sizes[l] != 1]
        if sq:
            term = _Term(term.t.reshape([s for i, s in enumerate(term.t.shape) if i not in sq]),
                         [l for i, l in enumerate(term.labels) if i not in sq])
        work.append(term)
    while True:
        # labels no other term or the output needs are summed where they are
        for n in range(len(work)):
            keep = _needed(work, (n,), out_labels)
            work[n] = _sum_labels(work[n], set(work[n].labels) - keep)
        if len(work) == 1:
            break
        i, j = _pick_pair(work, out_labels, sizes)
        keep = _needed(work, (i, j), out_labels)
        r = _contract(work[i], work[j], keep, sizes)
        work = [t for n, t in enumerate(work) if n not in (i, j)] + [r]
    res = work[0]
    # every output label survives: a size-1 dim is only dropped where another term has the label
    return res.t.permute([res.labels.index(l) for l in out_labels])


# ---------------------------------------------------------------------- tensordot, kron

def _dim_list(v, nd, name):
    if isinstance(v, Tensor):
        v = v.tolist()
    if isinstance(v, numbers.Integral):
        v = [v]
    out = []
    for d in v:
        d = _int_arg(d, f"tensordot(): {name}")
        if not -nd <= d < _b.max(nd, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {d})")
        out.append(d % nd if nd else 0)
    return out


def tensordot(a, b, dims=2, out=None):
    """Sum of products over dims of a and b: the last `dims` of a with the first of b, or two dim lists."""
    tensor_arg(a, "tensordot", "a")
    tensor_arg(b, "tensordot", "b")
    if out is not None and not isinstance(out, Tensor):
        raise TypeError(f"tensordot(): argument 'out' must be Tensor, not {type(out).__name__}")
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if isinstance(dims, Tensor) and dims.ndim == 0:
        dims = dims.item()
    if isinstance(dims, numbers.Integral) and not isinstance(dims, _b.bool):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    elif isinstance(dims, (list, tuple, Tensor)) and len(dims) == 2:
        da, db = _dim_list(dims[0], a.ndim, "dims_a"), _dim_list(dims[1], b.ndim, "dims_b")
    else:
        raise TypeError("tensordot(): argument 'dims' must be an int, a pair of dim lists or a tensor, not "
                        f"{type(dims).__name__}")
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if len(set(da)) != len(da) or len(set(db)) != len(db):
        raise RuntimeError("tensordot(): a dimension appears more than once in a dimension list")
    csize = 1
    for x, y in zip(da, db):
        sx, sy = a.shape[x], b.shape[y]
        if sy == 1 and sx != 1:      # a broadcast dim is summed on the other side first
            a = a.sum(x, keepdim=True, dtype=a.dtype)
        elif sx == 1 and sy != 1:
            b = b.sum(y, keepdim=True, dtype=b.dtype)
        elif sx != sy:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sx} in dim {x} and second "
                               f"has size {sy} in dim {y}")
        else:
            csize *= sx
    fa = [d for d in range(a.ndim) if d not in da]
    fb = [d for d in range(b.ndim) if d not in db]
    shape = [a.shape[d] for d in fa] + [b.shape[d] for d in fb]
    m, n = _prod(a.shape[d] for d in fa), _prod(b.shape[d] for d in fb)
    r = half_product(Tensor.mm, a.permute(fa + da).reshape(m, csize), b.permute(db + fb).reshape(csize, n))
    r = r.reshape(shape)
    return r if out is None else _into(out, r)


def kron(input, other, *, out=None):
    """Kronecker product: blocks other * input[i...] laid out in input's pattern (shapes right-aligned)."""
    tensor_arg(input, "kron")
    tensor_arg(other, "kron", "other")
    nd = _b.max(input.ndim, other.ndim)
    sa = [1] * (nd - input.ndim) + list(input.shape)
    sb = [1] * (nd - other.ndim) + list(other.shape)
    # a[i, 1, j, 1] * b[1, k, 1, l] interleaves the dims, then each pair merges
    ia = [v for s in sa for v in (s, 1)]
    ib = [v for s in sb for v in (1, s)]
    r = (input.reshape(ia) * other.reshape(ib)).reshape([x * y for x, y in zip(sa, sb)])
    if out is not None:
        tensor_arg(out, "kron", "out")
    return r if out is None else _into(out, r)


Tensor.kron = lambda self, other: kron(self, other)
