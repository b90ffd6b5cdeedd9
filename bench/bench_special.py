"""Special functions (lib/TH/THSpecialMath.c): erfinv and i0 on 1M float32 against PyTorch CPU,
both at their default thread counts, timed alternately."""
import numpy as np

from timing import paired_median_time, row

import pytorch_like as P

N = 1_000_000


def run():
    try:
        import torch
    except ImportError:  # PyTorch is only a reference; without it there are no rows
        return []
    rng = np.random.default_rng(0)
    rows = []
    for name, lo, hi in [("erfinv", -1.0, 1.0), ("i0", -12.0, 12.0)]:
        xn = rng.uniform(lo, hi, N).astype(np.float32)
        x, tx = P.from_numpy(xn), torch.from_numpy(xn)
        f, g = getattr(P.special, name), getattr(torch.special, name)
        ours, ref = paired_median_time(lambda: f(x), lambda: g(tx), repeat=15)
        rows.append(row(f"special.{name} 1M float32", ours, ref, "torch", 1.2))
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
