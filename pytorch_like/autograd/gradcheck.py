"""Finite-difference checks of the backward formulas (use float64 inputs)."""
from ..tensor import Tensor
from . import grad_mode
from .graph import grad as _grad


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(func, inputs):
    return [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor) and o.dtype.is_floating_point]


def _numerical(func, inputs, i, eps):
    """d(outputs)/d(inputs[i]) by central differences: one column per input element."""
    x = inputs[i]
    flat = x.detach().reshape(-1)
    outs0 = _outputs(func, inputs)
    cols = [[] for _ in outs0]
    for k in range(x.numel()):
        with grad_mode.no_grad():
            orig = flat[k].item()
            flat[k] = orig + eps
        plus = [o.detach().clone() for o in _outputs(func, inputs)]
        with grad_mode.no_grad():
            flat[k] = orig - eps
        minus = [o.detach().clone() for o in _outputs(func, inputs)]
        with grad_mode.no_grad():
            flat[k] = orig
        for j, (p, m) in enumerate(zip(plus, minus)):
            cols[j].append(((p - m) / (2 * eps)).reshape(-1))
    return cols     # cols[j][k]: d out_j / d x_k (a flat tensor)


def _analytical(func, inputs, diff):
    outs = _outputs(func, inputs)
    rows = []    # rows[j][e][i]: d out_j[e] / d inputs[diff[i]]
    for o in outs:
        r = []
        for e in range(o.numel()):
            from .. import zeros_like
            go = zeros_like(o)
            go.reshape(-1)[e] = 1.0
            if not o.requires_grad:
                r.append([None] * len(diff))
                continue
            gs = _grad([o], [inputs[i] for i in diff], [go], retain_graph=True, allow_unused=True)
            r.append(list(gs))
        rows.append(r)
    return outs, rows


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False, fast_mode=False,
              **_):
    """Compare backward's gradients of func at inputs with central finite differences."""
    inputs = _as_tuple(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")
    outs, rows = _analytical(func, inputs, diff)
    for n, i in enumerate(diff):
        cols = _numerical(func, inputs, i, eps)
        for j, o in enumerate(outs):
            for e in range(o.numel()):
                a = rows[j][e][n]
                for k in range(inputs[i].numel()):
                    num = cols[j][k][e].item()
                    ana = 0.0 if a is None else a.reshape(-1)[k].item()
                    if not (abs(num - ana) <= atol + rtol * abs(num) or num == ana):   # nan never matches
                        if raise_exception:
                            raise GradcheckError(
                                f"Jacobian mismatch for output {j} with respect to input {i}: element {e} of the "
                                f"output, element {k} of the input: numerical {num!r}, analytical {ana!r}")
                        return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, **_):
    """gradcheck of the gradients themselves (create_graph backward, then finite differences)."""
    from .. import randn
    from ..dtypes import float64
    inputs = _as_tuple(inputs)
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        grad_outputs = tuple(randn(o.shape, dtype=float64).requires_grad_(True) for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]

    def first_grads(*args):
        ins, gos = args[:n_in], args[n_in:]
        os_ = _outputs(func, ins)
        gs = _grad(os_, [ins[i] for i in diff], list(gos), create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)
    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)


class GradcheckError(RuntimeError):
    """gradcheck found a mismatch."""
