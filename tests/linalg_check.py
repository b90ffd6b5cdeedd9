"""Helpers of the tests/test_linalg_*.py files: run one function of (module, *inputs) on
pytorch_like and on PyTorch and compare values, gradients and the finite-difference checks."""
import numpy as np

import pytorch_like as P
from pytorch_like.autograd import gradcheck, gradgradcheck


def outs(o):
    """The outputs of a call as a list of tensors."""
    return list(o) if isinstance(o, (tuple, list)) else [o]


def _inputs(T, arrays, dtype, noncontig, requires_grad=False):
    xs = []
    for a in arrays:
        if noncontig and a.ndim >= 2:      # the same values, as a transposed (non-contiguous) view
            x = T.tensor(np.ascontiguousarray(np.swapaxes(a, -1, -2)), dtype=getattr(T, dtype)).mT
        else:
            x = T.tensor(a, dtype=getattr(T, dtype))
        xs.append(x.requires_grad_() if requires_grad else x)
    return xs


def values(T, fn, arrays, dtype="float64", noncontig=False):
    """fn(T, *inputs) as numpy arrays."""
    return [o.detach().numpy() for o in outs(fn(T, *_inputs(T, arrays, dtype, noncontig)))]


def assert_values_match(torch, fn, arrays, dtype="float64", noncontig=False, rtol=None, atol=None):
    """fn's outputs on pytorch_like equal PyTorch's (dtype, shape, values; nan/inf where PyTorch has them)."""
    ours = values(P, fn, arrays, dtype, noncontig)
    ref = values(torch, fn, arrays, dtype, False)
    assert len(ours) == len(ref)
    tight = dtype == "float64"
    rtol = rtol if rtol is not None else (1e-9 if tight else 2e-4)
    atol = atol if atol is not None else (1e-10 if tight else 2e-5)
    for o, r in zip(ours, ref):
        assert o.shape == r.shape, (o.shape, r.shape)
        assert o.dtype == r.dtype, (o.dtype, r.dtype)
        np.testing.assert_allclose(o, r, rtol=rtol, atol=atol)
    return ours


def loss_grads(T, fn, arrays, seed=3):
    """Gradients of a random linear function of fn's float outputs w.r.t. float64 inputs."""
    xs = _inputs(T, arrays, "float64", False, requires_grad=True)
    fo = [o for o in outs(fn(T, *xs)) if o.dtype.is_floating_point]
    rng = np.random.default_rng(seed)
    loss = sum((o * T.tensor(rng.uniform(-1, 1, tuple(o.shape)))).sum() for o in fo)
    loss.backward()
    return [None if x.grad is None else x.grad.numpy() for x in xs]


def assert_grads_match(torch, fn, arrays, rtol=1e-7, atol=1e-9):
    """The gradients of fn on pytorch_like equal PyTorch's."""
    for g, r in zip(loss_grads(P, fn, arrays), loss_grads(torch, fn, arrays)):
        assert (g is None) == (r is None)
        if g is not None:
            np.testing.assert_allclose(g, r, rtol=rtol, atol=atol)


def assert_gradchecks(fn, arrays, gradgrad=True):
    """gradcheck (and gradgradcheck) of fn at float64 inputs."""
    xs = [P.tensor(a, dtype=P.float64, requires_grad=True) for a in arrays]
    assert gradcheck(lambda *a: fn(P, *a), xs)
    if gradgrad:
        assert gradgradcheck(lambda *a: fn(P, *a), xs)
