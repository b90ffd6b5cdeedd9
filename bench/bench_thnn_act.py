"""THNN activation / softmax / criterion kernels against the matching PyTorch CPU ATen kernels.

Our kernels are called through cffi with their output tensors reused (as nn modules do);
PyTorch allocates its outputs. float32, MLP-sized batches. Both libraries run on one thread:
on the shared bench machine THIter's load-average policy keeps ours single-threaded while
PyTorch would still split, so one thread each is the comparison of the kernels themselves."""
import numpy as np

import pytorch_like as pl
from pytorch_like._lib import ffi, lib
from pytorch_like.tensor import _wrap
from timing import median_time, row


def _fresh():
    return _wrap(lib.THTensor_new(-1))


def run():
    import torch
    ours_threads, ref_threads = lib.TH_getNumThreads(), torch.get_num_threads()
    lib.TH_setNumThreads(1)
    torch.set_num_threads(1)
    try:
        return _run(torch)
    finally:
        lib.TH_setNumThreads(ours_threads)
        torch.set_num_threads(ref_threads)


def _run(torch):
    aten = torch.ops.aten
    rows = []
    rng = np.random.default_rng(0)
    N = 256

    for shape in [(N, 1024), (4096, 1024)]:
        a = rng.standard_normal(shape).astype(np.float32)
        g = rng.standard_normal(shape).astype(np.float32)
        x, go, tx, tg = pl.from_numpy(a), pl.from_numpy(g), torch.from_numpy(a), torch.from_numpy(g)
        o, gi = _fresh(), _fresh()
        desc = "x".join(map(str, shape))
        lib.THNN_Sigmoid_updateOutput(x._t, o._t)
        ty = torch.sigmoid(tx)
        cases = [
            ("Threshold (ReLU) forward", lambda: lib.THNN_Threshold_updateOutput(x._t, o._t, 0.0, 0.0, 0),
             lambda: torch.relu(tx)),
            ("Threshold (ReLU) backward", lambda: lib.THNN_Threshold_updateGradInput(x._t, go._t, gi._t, 0.0, 0.0, 0),
             lambda: aten.threshold_backward(tg, tx, 0.0)),
            ("Sigmoid forward", lambda: lib.THNN_Sigmoid_updateOutput(x._t, o._t), lambda: torch.sigmoid(tx)),
            ("Sigmoid backward", lambda: lib.THNN_Sigmoid_updateGradInput(ffi.NULL, go._t, gi._t, o._t),
             lambda: aten.sigmoid_backward(tg, ty)),
            ("Tanh forward", lambda: lib.THNN_Tanh_updateOutput(x._t, o._t), lambda: torch.tanh(tx)),
            ("Tanh backward", lambda: lib.THNN_Tanh_updateGradInput(ffi.NULL, go._t, gi._t, o._t),
             lambda: aten.tanh_backward(tg, ty)),
        ]
        for name, ours_fn, ref_fn in cases:
            rows.append(row(f"THNN {name} {desc} float32, 1 thread", median_time(ours_fn, repeat=15),
                            median_time(ref_fn, repeat=15), "torch", 1.2))

    C = 1000
    a = rng.standard_normal((N, C)).astype(np.float32)
    g = rng.standard_normal((N, C)).astype(np.float32)
    x, go, tx, tg = pl.from_numpy(a), pl.from_numpy(g), torch.from_numpy(a), torch.from_numpy(g)
    o, gi = _fresh(), _fresh()
    lib.THNN_LogSoftMax_updateOutput(x._t, o._t, 1)
    ty = torch.log_softmax(tx, 1)
    ts = torch.softmax(tx, 1)
    so = _fresh()
    lib.THNN_SoftMax_updateOutput(x._t, so._t, 1)
    cases = [
        ("LogSoftMax forward", lambda: lib.THNN_LogSoftMax_updateOutput(x._t, o._t, 1), lambda: torch.log_softmax(tx, 1)),
        ("LogSoftMax backward", lambda: lib.THNN_LogSoftMax_updateGradInput(ffi.NULL, go._t, gi._t, o._t, 1),
         lambda: aten._log_softmax_backward_data(tg, ty, 1, torch.float32)),
        ("SoftMax forward", lambda: lib.THNN_SoftMax_updateOutput(x._t, so._t, 1), lambda: torch.softmax(tx, 1)),
        ("SoftMax backward", lambda: lib.THNN_SoftMax_updateGradInput(ffi.NULL, go._t, gi._t, so._t, 1),
         lambda: aten._softmax_backward_data(tg, ts, 1, torch.float32)),
    ]
    t = rng.integers(0, C, N)
    tt, target = torch.from_numpy(t), pl.from_numpy(t)
    out, tw = _fresh(), _fresh()
    lib.THNN_ClassNLLCriterion_updateOutput(o._t, target._t, out._t, 1, ffi.NULL, tw._t, -100, 1, 0)
    _, ttw = aten.nll_loss_forward(ty, tt, None, 1, -100)
    one = torch.tensor(1.0)
    cases += [
        ("ClassNLL forward", lambda: lib.THNN_ClassNLLCriterion_updateOutput(o._t, target._t, out._t, 1, ffi.NULL,
                                                                             tw._t, -100, 1, 0),
         lambda: aten.nll_loss_forward(ty, tt, None, 1, -100)),
        ("ClassNLL backward", lambda: lib.THNN_ClassNLLCriterion_updateGradInput(o._t, target._t, ffi.NULL, gi._t, 1,
                                                                                 ffi.NULL, tw._t, -100, 1, 0),
         lambda: aten.nll_loss_backward(one, ty, tt, None, 1, -100, ttw)),
    ]
    for name, ours_fn, ref_fn in cases:
        rows.append(row(f"THNN {name} {N}x{C} float32, 1 thread", median_time(ours_fn, repeat=15),
                        median_time(ref_fn, repeat=15), "torch", 1.2))

    # MLP layer: Linear 1024 -> 1024, batch 256
    F = torch.nn.functional
    D = 1024
    a = rng.standard_normal((N, D)).astype(np.float32)
    w = (rng.standard_normal((D, D)) * 0.03).astype(np.float32)
    b = rng.standard_normal(D).astype(np.float32)
    g = rng.standard_normal((N, D)).astype(np.float32)
    x, W, B, go = (pl.from_numpy(v) for v in (a, w, b, g))
    tx, tW, tB, tg = (torch.from_numpy(v) for v in (a, w, b, g))
    o, gi = _fresh(), _fresh()
    gW, gB = pl.from_numpy(np.zeros((D, D), np.float32)), pl.from_numpy(np.zeros(D, np.float32))
    tgW, tgB = torch.zeros(D, D), torch.zeros(D)
    cases = [
        ("Linear forward", lambda: lib.THNN_Linear_updateOutput(x._t, o._t, W._t, B._t, ffi.NULL),
         lambda: F.linear(tx, tW, tB)),
        ("Linear updateGradInput", lambda: lib.THNN_Linear_updateGradInput(x._t, go._t, gi._t, W._t),
         lambda: torch.mm(tg, tW)),
        ("Linear accGradParameters", lambda: lib.THNN_Linear_accGradParameters(x._t, go._t, gi._t, W._t, B._t, gW._t,
                                                                               gB._t, ffi.NULL, 1.0),
         lambda: (tgW.addmm_(tg.t(), tx), tgB.add_(tg.sum(0)))),
    ]
    for name, ours_fn, ref_fn in cases:
        rows.append(row(f"THNN {name} {N}x{D} float32, 1 thread", median_time(ours_fn, repeat=15),
                        median_time(ref_fn, repeat=15), "torch", 1.2))
    # BatchNormalization after that Linear layer (channels on the contiguous axis) and after a conv
    # layer (N x C x H x W: each channel a contiguous run of H*W values)
    for shape in [(N, D), (32, 64, 16, 16)]:
        rows += _batchnorm_rows(torch, rng, shape)
    return rows


def _batchnorm_rows(torch, rng, shape):
    aten = torch.ops.aten
    C = shape[1]
    a = rng.standard_normal(shape).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)
    b = rng.standard_normal(C).astype(np.float32)
    x, B, go = pl.from_numpy(a), pl.from_numpy(b), pl.from_numpy(g)
    tx, tB, tg = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(g)
    o, gi, sm, ss = _fresh(), _fresh(), _fresh(), _fresh()
    gB = pl.from_numpy(np.zeros(C, np.float32))
    rm, rv = pl.from_numpy(np.zeros(C, np.float32)), pl.from_numpy(np.ones(C, np.float32))
    trm, trv = torch.zeros(C), torch.ones(C)
    _, tsm, tss = aten.native_batch_norm(tx, tB, tB, trm, trv, True, 0.1, 1e-5)
    cases = [
        ("forward", lambda: lib.THNN_BatchNormalization_updateOutput(
            x._t, o._t, B._t, B._t, rm._t, rv._t, sm._t, ss._t, 1, 0.1, 1e-5),
         lambda: aten.native_batch_norm(tx, tB, tB, trm, trv, True, 0.1, 1e-5)),
        ("backward", lambda: lib.THNN_BatchNormalization_backward(
            x._t, go._t, gi._t, gB._t, gB._t, B._t, rm._t, rv._t, sm._t, ss._t, 1, 1.0, 1e-5),
         lambda: aten.native_batch_norm_backward(tg, tx, tB, trm, trv, tsm, tss, True, 1e-5, [True, True, True])),
    ]
    desc = "x".join(map(str, shape))
    return [row(f"THNN BatchNormalization train {name} {desc} float32, 1 thread", median_time(ours_fn, repeat=15),
                median_time(ref_fn, repeat=15), "torch", 1.2) for name, ours_fn, ref_fn in cases]
