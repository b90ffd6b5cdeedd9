"""Helpers for tests that compare ops with real PyTorch: the same values in the same memory
layout on both sides, results compared by shape, dtype and value, gradients compared too."""
import numpy as np

import pytorch_like as P

LAYOUTS = ("contiguous", "transposed", "strided", "expanded")


def pair(torch, arr, layout="contiguous"):
    """(ours, theirs): tensors holding arr's values (for "expanded", arr[:1] broadcast along dim 0)
    viewed through the given layout: a permuted contiguous block, every other element of a wider
    block, or a stride-0 dim 0."""
    arr = np.asarray(arr)
    nd = arr.ndim

    def build(lib):
        if layout == "contiguous" or nd == 0:
            t = lib.tensor(np.array(arr))
        elif layout == "transposed":
            rev = list(range(nd))[::-1]
            t = lib.tensor(np.ascontiguousarray(arr.transpose(rev))).permute(*rev)
        elif layout == "strided":
            base = np.zeros(arr.shape[:-1] + (2 * arr.shape[-1],), dtype=arr.dtype)
            base[..., ::2] = arr
            t = lib.tensor(base)[..., ::2]
        elif layout == "expanded":
            t = lib.tensor(np.ascontiguousarray(arr[:1])).expand(*arr.shape)
        else:
            raise ValueError(layout)
        return t
    return build(P), build(torch)


def name_of(dtype):
    return str(dtype).split(".")[-1]


def assert_same(ours, theirs, rtol=1e-6, atol=1e-6, check_dtype=True):
    """Same shape, dtype and values (NaN equal to NaN); tuples compared element by element."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b, rtol, atol, check_dtype)
        return
    assert tuple(ours.shape) == tuple(theirs.shape), (tuple(ours.shape), tuple(theirs.shape))
    if check_dtype:
        assert name_of(ours.dtype) == name_of(theirs.dtype), (ours.dtype, theirs.dtype)
    a = np.asarray(ours.detach().numpy(), dtype=np.float64) if ours.numel() else np.zeros(0)
    b = np.asarray(theirs.detach().numpy(), dtype=np.float64) if theirs.numel() else np.zeros(0)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


def assert_grads_match(torch, fn, arrays, layouts=None, rtol=1e-7, atol=1e-9, seed=0):
    """fn(lib, *tensors) run on both sides with float64 leaves: outputs and every input's grad
    (for the same random output gradient) agree with PyTorch's."""
    layouts = layouts or ["contiguous"] * len(arrays)
    ours, theirs = [], []
    for a, lay in zip(arrays, layouts):
        o, t = pair(torch, np.asarray(a, dtype=np.float64), lay)
        ours.append(o.detach().requires_grad_(True))      # a leaf in the same layout
        theirs.append(t.detach().requires_grad_(True))
    yo, yt = fn(P, *ours), fn(torch, *theirs)
    assert_same(yo, yt, rtol=rtol, atol=atol)
    g = np.random.default_rng(seed).standard_normal(tuple(yt.shape))
    yo.backward(P.tensor(g))
    yt.backward(torch.tensor(g))
    for o, t in zip(ours, theirs):
        if t.grad is None:
            assert o.grad is None or not np.any(o.grad.numpy())
            continue
        assert_same(o.grad, t.grad, rtol=rtol, atol=atol)
