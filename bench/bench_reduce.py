"""Reductions against numpy: a full float32 sum, sums along each dim of a matrix, and a
few other reductions for reference."""
import numpy as np

import pytorch_like as P
from timing import median_time, row


def run():
    rng = np.random.default_rng(0)
    a = rng.random(10_000_000, dtype=np.float32)
    m = rng.random((4000, 2500), dtype=np.float32)
    ta, tm = P.from_numpy(a), P.from_numpy(m)
    cases = [
        ("sum 10M float32", lambda: ta.sum(), lambda: a.sum(), 1.0),
        ("sum dim 0 of 4000x2500 float32", lambda: tm.sum(0), lambda: m.sum(0), 1.5),
        ("sum dim 1 of 4000x2500 float32", lambda: tm.sum(1), lambda: m.sum(1), 1.5),
        ("mean 10M float32", lambda: ta.mean(), lambda: a.mean(), 1.0),
        ("max 10M float32", lambda: ta.max(), lambda: a.max(), 1.0),
        ("var 10M float32", lambda: ta.var(), lambda: a.var(ddof=1), 1.0),
        ("amax dim 0 of 4000x2500 float32", lambda: tm.amax(0), lambda: m.max(0), 1.5),
        ("argmax dim 1 of 4000x2500 float32", lambda: tm.argmax(1), lambda: m.argmax(1), 2.0),
        ("cumsum dim 1 of 4000x2500 float32", lambda: tm.cumsum(1), lambda: np.cumsum(m, 1), 1.5),
    ]
    rows = []
    for name, ours, ref, target in cases:
        rows.append(row(name, median_time(ours, repeat=15), median_time(ref, repeat=15), "numpy", target))
    return rows


if __name__ == "__main__":
    for r in run():
        print(f"{r['name']:40s} {r['ours_s'] * 1e3:8.3f}ms {r['ref_s'] * 1e3:8.3f}ms ratio {r['ratio']:.2f} "
              f"(target {r['target']})")
