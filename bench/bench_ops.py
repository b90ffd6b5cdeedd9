"""Composite and scan ops against PyTorch CPU (same thread count, float32): einsum batched matmul
and a three-operand chain, tensordot, cdist 1000x1000 in 64 dims (p=2 on the matrix-product path,
p=1 on the blocked norm path), cummax and logcumsumexp over 1M elements, quantile, logaddexp."""
import numpy as np

import pytorch_like as pl
from timing import paired_median_time, row

try:
    import torch
except Exception:  # pragma: no cover
    torch = None


def _cases(rng):
    def f32(*shape):
        return rng.standard_normal(shape).astype(np.float32)
    b1, b2 = f32(64, 128, 64), f32(64, 64, 128)
    c1, c2, c3 = f32(256, 512), f32(512, 64), f32(64, 512)
    t1, t2 = f32(32, 64, 48), f32(64, 48, 96)
    x1, x2 = f32(1000, 64), f32(1000, 64)
    v = f32(1_000_000)
    q = f32(1000, 1000)
    la, lb = f32(1_000_000), f32(1_000_000)
    return [
        ("einsum 'bij,bjk->bik' 64x128x64 @ 64x64x128", lambda L, a, b: L.einsum("bij,bjk->bik", a, b), (b1, b2), 1.3),
        ("einsum 'ij,jk,kl->il' 256x512, 512x64, 64x512", lambda L, a, b, c: L.einsum("ij,jk,kl->il", a, b, c),
         (c1, c2, c3), 1.3),
        ("tensordot 32x64x48 . 64x48x96 dims=2", lambda L, a, b: L.tensordot(a, b, 2), (t1, t2), 1.3),
        ("cdist 1000x1000 dims 64 p=2", lambda L, a, b: L.cdist(a, b), (x1, x2), 1.5),
        ("cdist 1000x1000 dims 64 p=1", lambda L, a, b: L.cdist(a, b, p=1), (x1, x2), 1.5),
        ("cummax 1M float32", lambda L, a: L.cummax(a, 0), (v,), 1.3),
        ("logcumsumexp 1M float32", lambda L, a: L.logcumsumexp(a, 0), (v,), 1.3),
        ("quantile q=0.3 dim 1 of 1000x1000", lambda L, a: L.quantile(a, 0.3, dim=1), (q,), 1.5),
        ("logaddexp 1M float32", lambda L, a, b: L.logaddexp(a, b), (la, lb), 1.3),
    ]


def run():
    if torch is None:
        return []
    ref_threads = torch.get_num_threads()
    torch.set_num_threads(pl.get_num_threads())
    try:
        rows = []
        for name, fn, arrays, target in _cases(np.random.default_rng(0)):
            ours_in = [pl.from_numpy(a) for a in arrays]
            ref_in = [torch.from_numpy(a) for a in arrays]
            ours, ref = paired_median_time(lambda: fn(pl, *ours_in), lambda: fn(torch, *ref_in), repeat=9)
            rows.append(row(name, ours, ref, "torch", target))
        return rows
    finally:
        torch.set_num_threads(ref_threads)


if __name__ == "__main__":
    for r in run():
        print(f"{r['name']:50s} {r['ours_s'] * 1e3:8.3f}ms {r['ref_s'] * 1e3:8.3f}ms ratio {r['ratio']:.2f} "
              f"(target {r['target']})")
