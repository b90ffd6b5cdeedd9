"""THNN convolution benchmarks: SpatialConvolutionMM (im2col + OpenBLAS gemm) against
PyTorch CPU conv2d, same thread count."""
import numpy as np

import pytorch_like as pl
from pytorch_like._lib import check, lib
from pytorch_like.tensor import _wrap
from timing import median_time, row


def _conv_case(N=32, C=64, H=32, W=32, O=64, k=3, pad=1):
    import torch
    torch.set_num_threads(pl.get_num_threads())
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    w = (rng.standard_normal((O, C, k, k)) * 0.05).astype(np.float32)
    b = rng.standard_normal(O).astype(np.float32)
    go = rng.standard_normal((N, O, H + 2 * pad - k + 1, W + 2 * pad - k + 1)).astype(np.float32)

    X, Wt, B, GO = (pl.from_numpy(a) for a in (x, w, b, go))
    out, fin, fgi, gin = (_wrap(lib.THTensor_new(-1)) for _ in range(4))
    gw, gb = pl.zeros(O, C, k, k), pl.zeros(O)
    args = (k, k, 1, 1, pad, pad)

    def fwd():
        check(lib.THNN_SpatialConvolutionMM_updateOutput(X._t, out._t, Wt._t, B._t, fin._t, fgi._t, *args, 1))

    def fwd_bwd():
        fwd()
        check(lib.THNN_SpatialConvolutionMM_updateGradInput(X._t, GO._t, gin._t, Wt._t, fin._t, fgi._t, *args, 1))
        check(lib.THNN_SpatialConvolutionMM_accGradParameters(X._t, GO._t, gw._t, gb._t, fin._t, fgi._t, *args,
                                                              1.0, 1))

    xt = torch.from_numpy(x).requires_grad_()
    wt = torch.from_numpy(w).requires_grad_()
    bt = torch.from_numpy(b).requires_grad_()
    got = torch.from_numpy(go)

    def ref_fwd():
        with torch.no_grad():
            torch.nn.functional.conv2d(xt, wt, bt, padding=pad)

    def ref_fwd_bwd():
        y = torch.nn.functional.conv2d(xt, wt, bt, padding=pad)
        torch.autograd.grad(y, (xt, wt, bt), got)

    return fwd, fwd_bwd, ref_fwd, ref_fwd_bwd


def run():
    fwd, fwd_bwd, ref_fwd, ref_fwd_bwd = _conv_case()
    rows = []
    ours = median_time(fwd_bwd, repeat=9, warmup=2)
    ref = median_time(ref_fwd_bwd, repeat=9, warmup=2)
    rows.append(row("SpatialConvolutionMM 3x3 64->64 32x32 N=32 fwd+bwd (vs conv2d+autograd)", ours, ref, "torch", 1.3))
    ours = median_time(fwd, repeat=9, warmup=2)
    ref = median_time(ref_fwd, repeat=9, warmup=2)
    rows.append(row("SpatialConvolutionMM 3x3 64->64 32x32 N=32 forward only (report, no target)", ours, ref, "torch", 2.0))
    return rows


if __name__ == "__main__":
    for r in run():
        print(f"{r['name']}: ours {r['ours_s']*1e3:.2f} ms, {r['ref']} {r['ref_s']*1e3:.2f} ms, ratio {r['ratio']:.2f}")
