"""Indexing and sorting against numpy: sort, index_select/gather/take, boolean-mask select."""
import numpy as np

import pytorch_like as torch
from timing import median_time, row

N = 1_000_000


def run():
    rng = np.random.default_rng(0)
    rows = []
    x = rng.random(N, dtype=np.float32)
    t = torch.from_numpy(x)
    # torch.sort returns values AND indices; numpy.sort only values (and uses AVX-512 where present)
    rows.append(row("sort 1M float32 (values+indices) vs numpy.sort",
                    median_time(lambda: torch.sort(t)), median_time(lambda: np.sort(x)), "numpy", 1.5))
    rows.append(row("sort 1M float32 stable vs numpy.sort(kind=stable)",
                    median_time(lambda: torch.sort(t, stable=True)),
                    median_time(lambda: np.sort(x, kind="stable")), "numpy", 1.5))
    rows.append(row("argsort 1M float32 vs numpy.argsort",
                    median_time(lambda: torch.argsort(t)), median_time(lambda: np.argsort(x)), "numpy", 1.5))
    xr = rng.standard_normal((1000, 1000)).astype(np.float32)
    tr = torch.from_numpy(xr)
    rows.append(row("sort 1000x1000 float32 along rows vs numpy.sort",
                    median_time(lambda: torch.sort(tr, dim=1)), median_time(lambda: np.sort(xr, axis=1)), "numpy", 1.5))
    xi = rng.integers(-2**31, 2**31, (1000, 1000), dtype=np.int64).astype(np.int32)
    ti32 = torch.from_numpy(xi)
    rows.append(row("sort 1000x1000 int32 along rows vs numpy.sort",
                    median_time(lambda: torch.sort(ti32, dim=1)), median_time(lambda: np.sort(xi, axis=1)), "numpy", 1.5))
    idx = rng.integers(0, N, N)
    ti = torch.from_numpy(idx)
    rows.append(row("index_select 1M float32 vs numpy.take",
                    median_time(lambda: torch.index_select(t, 0, ti)), median_time(lambda: np.take(x, idx)),
                    "numpy", 1.5))
    rows.append(row("gather 1M float32 vs numpy.take",
                    median_time(lambda: torch.gather(t, 0, ti)), median_time(lambda: np.take(x, idx)), "numpy", 1.5))
    rows.append(row("x[idx] 1M float32 vs numpy x[idx]",
                    median_time(lambda: t[ti]), median_time(lambda: x[idx]), "numpy", 1.5))
    a2 = rng.random((2000, 500), dtype=np.float32)
    t2 = torch.from_numpy(a2)
    r2 = rng.integers(0, 2000, 2000)
    tr2 = torch.from_numpy(r2)
    rows.append(row("index_select 2000 rows of 500 float32 vs numpy.take(axis=0)",
                    median_time(lambda: torch.index_select(t2, 0, tr2)), median_time(lambda: np.take(a2, r2, 0)),
                    "numpy", 1.5))
    m = rng.random(N) < 0.5
    tm = torch.from_numpy(m)
    rows.append(row("masked_select 1M float32 (50%) vs numpy x[mask]",
                    median_time(lambda: torch.masked_select(t, tm)), median_time(lambda: x[m]), "numpy", 1.5))
    rows.append(row("x[mask] 1M float32 (50%) vs numpy x[mask]",
                    median_time(lambda: t[tm]), median_time(lambda: x[m]), "numpy", 1.5))
    return rows
