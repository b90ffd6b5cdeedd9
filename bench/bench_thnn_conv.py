"""THNN convolution benchmarks: SpatialConvolutionMM (for this stride-1 shape the direct AVX-512
kernels of lib/THNN/ConvDirect.c) against PyTorch CPU conv2d, same thread count, timed alternately.
Our threads follow TH_parallelOK, which drops to one thread while the load average exceeds the
cores and PyTorch does not, so the one-thread rows compare the kernels themselves."""
import numpy as np

import pytorch_like as pl
from pytorch_like._lib import check, lib
from pytorch_like.tensor import _wrap
from timing import paired_median_time, row


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

    def grad_input():
        check(lib.THNN_SpatialConvolutionMM_updateGradInput(X._t, GO._t, gin._t, Wt._t, fin._t, fgi._t, *args, 1))

    def grad_weight():
        check(lib.THNN_SpatialConvolutionMM_accGradParameters(X._t, GO._t, gw._t, gb._t, fin._t, fgi._t, *args,
                                                              1.0, 1))

    def fwd_bwd():
        fwd()
        grad_input()
        grad_weight()

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

    def ref_grad(mask):
        return lambda: torch.ops.aten.convolution_backward(got, xt, wt, [O], [1, 1], [pad, pad], [1, 1], False,
                                                           [0, 0], 1, mask)

    return {"fwd+bwd": (fwd_bwd, ref_fwd_bwd), "forward": (fwd, ref_fwd),
            "gradInput": (grad_input, ref_grad([True, False, False])),
            "gradWeight+gradBias": (grad_weight, ref_grad([False, True, True]))}


def run():
    import torch
    name = "SpatialConvolutionMM 3x3 64->64 32x32 N=32"
    case = _conv_case()
    rows = []
    for what, target in (("fwd+bwd", 1.3), ("forward", 1.2), ("gradInput", 1.3), ("gradWeight+gradBias", 1.3)):
        ours, ref = paired_median_time(*case[what], repeat=9)
        note = " (vs conv2d+autograd)" if what == "fwd+bwd" else " (report)"
        rows.append(row(f"{name} {what}{note}", ours, ref, "torch", target))
    threads = (pl.get_num_threads(), torch.get_num_threads())
    pl.set_num_threads(1)
    torch.set_num_threads(1)
    try:
        ours, ref = paired_median_time(*case["fwd+bwd"], repeat=5)
        rows.append(row(f"{name} fwd+bwd, one thread each (report)", ours, ref, "torch", 1.3))
    finally:
        pl.set_num_threads(threads[0])
        torch.set_num_threads(threads[1])
    return rows


if __name__ == "__main__":
    for r in run():
        print(f"{r['name']}: ours {r['ours_s']*1e3:.2f} ms, {r['ref']} {r['ref_s']*1e3:.2f} ms, ratio {r['ratio']:.2f}")
