"""THNN pooling benchmarks: SpatialMaxPooling 2x2/2 forward + backward against PyTorch F.max_pool2d."""
import numpy as np

import pytorch_like as P
from pytorch_like._lib import check, lib
from pytorch_like.tensor import _wrap
from timing import median_time, row


def run():
    try:
        import torch
        import torch.nn.functional as F
    except Exception:  # pragma: no cover
        return []
    rows = []
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 64, 32, 32)).astype(np.float32)
    g = rng.standard_normal((64, 64, 16, 16)).astype(np.float32)
    xt, gt = P.from_numpy(x), P.from_numpy(g)
    out, ind, gin = (_wrap(lib.THTensor_new(-1)) for _ in range(3))

    def ours_fwd():
        check(lib.THNN_SpatialMaxPooling_updateOutput(xt._t, out._t, ind._t, 2, 2, 2, 2, 0, 0, 0, 0))

    def ours_fb():
        ours_fwd()
        check(lib.THNN_SpatialMaxPooling_updateGradInput(xt._t, gt._t, gin._t, ind._t, 2, 2, 2, 2, 0, 0, 0, 0))

    tx = torch.from_numpy(x).requires_grad_(True)
    tg = torch.from_numpy(g)

    def ref_fwd():
        with torch.no_grad():
            F.max_pool2d(tx, 2, 2)

    def ref_fb():
        o = F.max_pool2d(tx, 2, 2)
        torch.autograd.grad(o, tx, tg)

    ours = median_time(ours_fwd, repeat=31)
    ref = median_time(ref_fwd, repeat=31)
    rows.append(row("SpatialMaxPooling 2x2/2 64x64x32x32 f32 forward", ours, ref, "torch", 1.3))
    ours = median_time(ours_fb, repeat=31)
    ref = median_time(ref_fb, repeat=31)
    rows.append(row("SpatialMaxPooling 2x2/2 64x64x32x32 f32 forward+backward", ours, ref, "torch", 1.3))
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
