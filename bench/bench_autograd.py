"""Autograd overhead: a chain of 100 small ops on 8-element tensors, then backward, against
PyTorch CPU doing the same."""
import numpy as np

from timing import median_time, row

import pytorch_like as P


def _chain(x, w):
    y = x
    for i in range(25):
        y = y * w
        y = y + x
        y = y.tanh()
        y = y - 0.5
    return y.sum()


def _step(T, x, w):
    def f():
        _chain(x, w).backward()
        x.grad = None
        w.grad = None
    return f


def run():
    rng = np.random.default_rng(0)
    xa, wa = rng.random(8, dtype=np.float32), rng.random(8, dtype=np.float32)
    x = P.tensor(xa, requires_grad=True)
    w = P.tensor(wa, requires_grad=True)
    ours = median_time(_step(P, x, w), repeat=9, number=20)
    rows = []
    try:
        import torch
        tx = torch.tensor(xa, requires_grad=True)
        tw = torch.tensor(wa, requires_grad=True)
        ref = median_time(_step(torch, tx, tw), repeat=9, number=20)
        rows.append(row("autograd: 100-op chain + backward, 8-element float32", ours, ref, "torch", 1.0))
    except ImportError:  # PyTorch is only a reference; without it the row is skipped
        pass
    return rows
