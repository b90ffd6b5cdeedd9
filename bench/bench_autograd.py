"""Autograd overhead: a chain of 100 small ops on 8-element tensors, then backward, against
PyTorch CPU doing the same (timed alternately, so load changes on a busy machine hit both)."""
import numpy as np

from timing import paired_median_time, row

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
    rows = []
    try:
        import torch
    except ImportError:  # PyTorch is only a reference; without it the row is skipped
        return rows
    tx = torch.tensor(xa, requires_grad=True)
    tw = torch.tensor(wa, requires_grad=True)
    ours, ref = paired_median_time(_step(P, x, w), _step(torch, tx, tw), repeat=15, number=20)
    rows.append(row("autograd: 100-op chain + backward, 8-element float32", ours, ref, "torch", 1.0))
    return rows
