"""Elementwise ops: 10M-element float32 add/mul/exp against numpy, and the per-op cost of
`a + b` on 8-element tensors against PyTorch CPU (and numpy, for scale)."""
import numpy as np

from timing import median_time, row

import pytorch_like as P

N = 10_000_000


def run():
    rng = np.random.default_rng(0)
    an = rng.random(N, dtype=np.float32)
    bn = rng.random(N, dtype=np.float32)
    a, b = P.from_numpy(an), P.from_numpy(bn)
    rows = []
    for name, ours, ref in [
        ("add 10M float32 (a + b)", lambda: a + b, lambda: an + bn),
        ("mul 10M float32 (a * b)", lambda: a * b, lambda: an * bn),
        ("exp 10M float32", lambda: P.exp(a), lambda: np.exp(an)),
    ]:
        rows.append(row(name, median_time(ours, repeat=9), median_time(ref, repeat=9), "numpy", 1.0))

    xs, ys = rng.random(8, dtype=np.float32), rng.random(8, dtype=np.float32)
    x, y = P.from_numpy(xs), P.from_numpy(ys)
    number = 20000
    ours = median_time(lambda: x + y, repeat=9, number=number)
    try:
        import torch
        tx, ty = torch.from_numpy(xs), torch.from_numpy(ys)
        ref = median_time(lambda: tx + ty, repeat=9, number=number)
        rows.append(row("a + b, 8-element float32 (per op)", ours, ref, "torch", 1.0))
    except ImportError:  # PyTorch is only a reference; without it the row is skipped
        pass
    ref = median_time(lambda: xs + ys, repeat=9, number=number)
    rows.append(row("a + b, 8-element float32 (per op)", ours, ref, "numpy", 99.0))
    return rows
