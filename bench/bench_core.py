"""Object-model benchmarks: numpy interop overhead, contiguous() of a transpose, dtype conversion."""
import numpy as np

import pytorch_like as pl
from timing import median_time, row


def run():
    import torch
    rows = []

    a = np.zeros((3, 4), dtype=np.float32)
    tp, tt = pl.from_numpy(a), torch.from_numpy(a)
    n = 2000
    ours = median_time(lambda: [pl.from_numpy(tp.numpy()) for _ in range(n)], repeat=7) / n
    ref = median_time(lambda: [torch.from_numpy(tt.numpy()) for _ in range(n)], repeat=7) / n
    rows.append(row("numpy() + from_numpy() round trip, per call", ours, ref, "torch", 1.5))

    x = np.random.default_rng(0).standard_normal((2000, 2000)).astype(np.float32)
    xt = pl.from_numpy(x).t()
    ours = median_time(lambda: xt.contiguous(), repeat=9)
    ref = median_time(lambda: np.ascontiguousarray(x.T), repeat=9)
    rows.append(row("contiguous() of transposed 2000x2000 float32", ours, ref, "numpy", 1.2))

    y = np.random.default_rng(1).standard_normal(10_000_000).astype(np.float32)
    src = pl.from_numpy(y)
    dst = pl.empty(10_000_000, dtype=pl.float64)
    ours = median_time(lambda: dst.copy_(src), repeat=9)
    ref = median_time(lambda: y.astype(np.float64), repeat=9)
    rows.append(row("copy_ float32->float64, 10M elements", ours, ref, "numpy", 1.2))
    ours = median_time(lambda: src.double(), repeat=9)
    rows.append(row("double() float32->float64, 10M (allocating, like astype)", ours, ref, "numpy", 1.2))
    return rows
