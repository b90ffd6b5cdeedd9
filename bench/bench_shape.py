"""Shape/construction benchmarks: cat, flip, arange against numpy."""
import numpy as np

import pytorch_like as torch
from timing import median_time, row


def run():
    rows = []
    rng = np.random.default_rng(0)
    arrs = [rng.standard_normal(1_000_000).astype(np.float32) for _ in range(8)]
    ts = [torch.from_numpy(a) for a in arrs]
    ours = median_time(lambda: torch.cat(ts), repeat=15)
    ref = median_time(lambda: np.concatenate(arrs), repeat=15)
    rows.append(row("cat 8 x 1M float32", ours, ref, "numpy", 1.5))

    m = rng.standard_normal((1000, 1000)).astype(np.float32)
    tm = torch.from_numpy(m)
    ours = median_time(lambda: torch.flip(tm, [1]), repeat=15)
    ref = median_time(lambda: np.flip(m, 1).copy(), repeat=15)
    rows.append(row("flip 1000x1000 float32 dim 1", ours, ref, "numpy", 1.5))

    ours = median_time(lambda: torch.arange(10_000_000), repeat=9)
    ref = median_time(lambda: np.arange(10_000_000), repeat=9)
    rows.append(row("arange 10M int64", ours, ref, "numpy", 1.5))
    ours = median_time(lambda: torch.arange(0.0, 10_000_000.0), repeat=9)
    ref = median_time(lambda: np.arange(0.0, 10_000_000.0, dtype=np.float32), repeat=9)
    rows.append(row("arange 10M float32", ours, ref, "numpy", 1.5))
    return rows
