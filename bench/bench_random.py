"""Random fills against numpy's legacy RandomState (the same MT19937 generator).

numpy's legacy samplers produce float64 only (random_sample: 53-bit, two raw draws per
value; standard_normal: polar Box-Muller with rejection), so rand float32 is compared
with random_sample(n) and randn float64 with standard_normal(n).
"""
import numpy as np

import pytorch_like as torch
from timing import median_time, row

N = 10_000_000


def run():
    g = torch.Generator().manual_seed(0)
    rs = np.random.RandomState(0)
    out32 = torch.empty(N, dtype=torch.float32)
    out64 = torch.empty(N, dtype=torch.float64)
    rows = []
    ours = median_time(lambda: torch.rand(N, generator=g), repeat=5)
    ref = median_time(lambda: rs.random_sample(N), repeat=5)
    rows.append(row("rand 10M float32 (vs RandomState.random_sample)", ours, ref, "numpy", 2.0))
    ours = median_time(lambda: out32.uniform_(generator=g), repeat=5)
    rows.append(row("uniform_ 10M float32 in place", ours, ref, "numpy", 2.0))
    ours = median_time(lambda: torch.randn(N, dtype=torch.float64, generator=g), repeat=5)
    ref = median_time(lambda: rs.standard_normal(N), repeat=5)
    rows.append(row("randn 10M float64 (vs RandomState.standard_normal)", ours, ref, "numpy", 2.0))
    ours = median_time(lambda: out64.normal_(generator=g), repeat=5)
    rows.append(row("normal_ 10M float64 in place", ours, ref, "numpy", 2.0))
    return rows
