"""The direct float32 path of the convolution engine (lib/THNN/ConvDirect.c: stride-1 2-D convolutions
with outputs at least 12 wide on AVX-512 CPUs, no im2col buffer; Winograd F(2x2, 3x3) for 3x3 kernels
with 16 or more planes a group) against PyTorch CPU: forward, gradInput, gradWeight and gradBias over
ragged tile edges (planes not a multiple of the 12/8-plane tiles, widths not a multiple of 16, odd
output sizes for the 2x2 Winograd tiles), padding, dilation, groups, batch 1, non-contiguous inputs,
1-D and T=1 volumetric callers, inf/NaN; its small scratch buffers; and the same results with the
direct and gemm paths switched off (THNN_CONV_NO_AVX512)."""
import numpy as np
import pytest

import pytorch_like as P
from tests.test_thnn_conv import Conv, assert_same_without_avx512, run_all, storage_ptr, torch_all
from tests.thnn_util import T, call, fresh


def check_case(torch, conv, x, w, b, go=None, tol=1e-4):
    yref = conv.torch_ref(torch, torch.tensor(x), torch.tensor(w), None if b is None else torch.tensor(b))
    if go is None:
        go = np.random.default_rng(1).standard_normal(tuple(yref.shape)).astype(np.float32)
    ours = run_all(conv, x, w, b, go, np.float32)
    ref = torch_all(torch, conv, x, w, b, go)
    for name, o, r in zip(("output", "gradInput", "gradWeight", "gradBias"), ours, ref):
        if r is None:
            assert o is None
            continue
        scale = max(1.0, float(np.abs(r).max()))
        np.testing.assert_allclose(o, r, err_msg=name, rtol=tol, atol=tol * scale)


# (N, cin, cout, H x W, kernel, padding, dilation, groups, bias)
CASES = [
    (2, 64, 64, (32, 32), (3, 3), (1, 1), (1, 1), 1, True),      # the benchmark shape, smaller batch
    (1, 3, 5, (9, 14), (3, 3), (0, 0), (1, 1), 1, True),         # narrowest direct output: 7 x 12
    (3, 7, 13, (11, 29), (3, 3), (1, 1), (1, 1), 1, True),       # 13 planes: one 12-tile + ragged 8-tile
    (2, 5, 20, (6, 47), (3, 5), (1, 2), (1, 1), 1, False),       # 20 = 12 + 8, width 47 = 32 + 15
    (1, 16, 70, (5, 33), (1, 1), (0, 0), (1, 1), 1, True),       # 1x1, 70 planes, width 33 = 32 + 1
    (2, 6, 9, (8, 17), (5, 5), (2, 2), (1, 1), 3, True),         # groups, width 17 = 16 + 1
    (1, 4, 6, (28, 28), (5, 5), (2, 2), (1, 1), 1, True),        # LeNet's first layer
    (2, 3, 8, (10, 40), (3, 3), (3, 4), (1, 1), 1, True),        # padding beyond the kernel: gemm gradInput
    (2, 4, 24, (12, 20), (3, 3), (2, 2), (2, 2), 2, True),       # dilation (SpatialDilatedConvolution)
    (1, 8, 16, (7, 64), (2, 4), (1, 0), (2, 3), 1, True),        # even kernels, mixed dilation
    (4, 17, 33, (3, 18), (3, 2), (1, 1), (1, 1), 1, True),       # 17 -> 33 planes, short images
    # Winograd (3x3, >= 16 planes a group)
    (1, 16, 16, (5, 33), (3, 3), (1, 1), (1, 1), 1, True),       # batch 1, odd height, 17 tiles a row
    (2, 20, 30, (9, 70), (3, 3), (0, 0), (1, 1), 1, True),       # 3 tile vectors a row, no padding
    (3, 32, 17, (14, 15), (3, 3), (2, 2), (1, 1), 1, False),     # padding 2: gradInput unpadded
    (2, 32, 48, (8, 16), (3, 3), (1, 0), (1, 1), 2, True),       # groups of 16 -> 24 planes
    (2, 16, 24, (3, 14), (3, 3), (0, 1), (1, 1), 1, True),       # one output row
    (2, 24, 16, (7, 12), (3, 3), (1, 1), (1, 1), 1, True),       # 6 tiles a row: segments span tile rows
    (1, 16, 32, (16, 16), (3, 3), (1, 1), (1, 1), 1, True),      # 8 tiles a row, batch 1
]


@pytest.mark.parametrize("N,cin,cout,size,k,p,d,G,bias", CASES)
def test_direct_path_matches_torch(ref_torch, N, cin, cout, size, k, p, d, G, bias):
    rng = np.random.default_rng(sum(size) + cout)
    op = "SpatialConvolutionMM" if d == (1, 1) else "SpatialDilatedConvolution"
    conv = Conv(op, k, p=p, d=d, groups=G)
    x = rng.standard_normal((N, cin) + size).astype(np.float32)
    w = rng.standard_normal((cout, cin // G) + k).astype(np.float32)
    b = rng.standard_normal(cout).astype(np.float32) if bias else None
    check_case(ref_torch, conv, x, w, b)


def test_direct_path_single_sample_and_noncontiguous(ref_torch):
    rng = np.random.default_rng(3)
    conv = Conv("SpatialConvolutionMM", (3, 3), p=(1, 1))
    w = rng.standard_normal((10, 6, 3, 3)).astype(np.float32)
    b = rng.standard_normal(10).astype(np.float32)
    # a single 3-D sample (no batch dim)
    x = rng.standard_normal((6, 14, 21)).astype(np.float32)
    check_case(ref_torch, conv, x, w, b)
    # a transposed (non-contiguous) input and gradOutput
    xt = rng.standard_normal((3, 6, 21, 14)).astype(np.float32)
    X = T(xt, np.float32).transpose(2, 3)
    assert not X.is_contiguous()
    go = rng.standard_normal((3, 10, 21, 14)).astype(np.float32)
    GO = T(go, np.float32).transpose(2, 3)
    W, B = T(w, np.float32), T(b, np.float32)
    out, gin = conv.forward(X, W, B), conv.grad_input(X, GO, W)
    gw, gb = T(np.zeros(w.shape), np.float32), T(np.zeros(10), np.float32)
    conv.acc(X, GO, gw, gb, 0.5)
    ref = torch_all(ref_torch, conv, np.ascontiguousarray(xt.transpose(0, 1, 3, 2)), w, b,
                    np.ascontiguousarray(go.transpose(0, 1, 3, 2)), scale=0.5)
    for name, o, r in zip(("output", "gradInput", "gradWeight", "gradBias"), (out, gin, gw, gb), ref):
        np.testing.assert_allclose(o.numpy(), r, err_msg=name, rtol=1e-4, atol=1e-3)


def test_direct_path_accumulates_grad_weight(ref_torch):
    """accGradParameters adds scale * dL/dW to what gradWeight holds."""
    rng = np.random.default_rng(4)
    conv = Conv("SpatialConvolutionMM", (3, 3), p=(1, 1))
    x = rng.standard_normal((2, 5, 9, 16)).astype(np.float32)
    w = rng.standard_normal((7, 5, 3, 3)).astype(np.float32)
    go = rng.standard_normal((2, 7, 9, 16)).astype(np.float32)
    X, GO = T(x, np.float32), T(go, np.float32)
    conv.forward(X, T(w, np.float32), None)
    start = rng.standard_normal(w.shape).astype(np.float32)
    gw = T(start.copy(), np.float32)   # from_numpy shares memory: keep start intact
    conv.acc(X, GO, gw, None, 0.25)
    conv.acc(X, GO, gw, None, 0.25)
    ref = torch_all(ref_torch, conv, x, w, None, go, scale=0.5)[2]
    np.testing.assert_allclose(gw.numpy(), start + ref, rtol=1e-4, atol=1e-4)


def test_direct_path_one_d_and_volumetric(ref_torch):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 4, 40)).astype(np.float32)
    w = rng.standard_normal((9, 4, 5)).astype(np.float32)
    b = rng.standard_normal(9).astype(np.float32)
    xt, wt, bt = (ref_torch.tensor(a, requires_grad=True) for a in (x, w, b))
    xp, wp, bp = (P.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = ref_torch.nn.functional.conv1d(xt, wt, bt, padding=2)
    yp = P.nn.functional.conv1d(xp, wp, bp, padding=2)
    np.testing.assert_allclose(yp.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-4)
    g = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
    yt.backward(ref_torch.tensor(g))
    yp.backward(P.tensor(g))
    for a, r in ((xp, xt), (wp, wt), (bp, bt)):
        np.testing.assert_allclose(a.grad.numpy(), r.grad.numpy(), rtol=1e-4, atol=1e-3)
    # VolumetricConvolutionMM on one frame with a 1-frame kernel takes the direct path too
    conv = Conv("VolumetricConvolutionMM", (1, 3, 3), p=(0, 1, 1))
    check_case(ref_torch, conv, rng.standard_normal((2, 3, 1, 8, 20)).astype(np.float32),
               rng.standard_normal((5, 3, 1, 3, 3)).astype(np.float32), rng.standard_normal(5).astype(np.float32))


def test_direct_path_nonfinite_values_stay_local(ref_torch):
    """An inf in the input reaches only the outputs and weight gradients that read it, as in PyTorch
    (the kernels' vector lanes past a row's end must not mix it into other results)."""
    rng = np.random.default_rng(6)
    conv = Conv("SpatialConvolutionMM", (3, 3), p=(1, 1))
    x = rng.standard_normal((1, 2, 6, 20)).astype(np.float32)
    x[0, 1, 2, 19] = np.inf
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    go = rng.standard_normal((1, 3, 6, 20)).astype(np.float32)
    ours = run_all(conv, x, w, None, go, np.float32)
    ref = torch_all(ref_torch, conv, x, w, None, go)
    for name, o, r in zip(("output", "gradInput", "gradWeight"), ours, ref):
        np.testing.assert_array_equal(np.isfinite(o), np.isfinite(r), err_msg=name)
        f = np.isfinite(r)
        np.testing.assert_allclose(o[f], r[f], rtol=1e-4, atol=1e-3, err_msg=name)


def test_winograd_nonfinite_values_stay_local(ref_torch):
    """Winograd's transforms would spread an inf over its whole tile: samples holding inf or NaN (input
    or gradOutput), and all samples for non-finite weights, take the direct kernels, so the results
    match PyTorch's."""
    rng = np.random.default_rng(8)
    conv = Conv("SpatialConvolutionMM", (3, 3), p=(1, 1))
    x = rng.standard_normal((3, 16, 6, 20)).astype(np.float32)
    x[1, 3, 2, 7] = np.inf
    x[2, 0, 5, 19] = np.nan
    w = rng.standard_normal((16, 16, 3, 3)).astype(np.float32)
    go = rng.standard_normal((3, 16, 6, 20)).astype(np.float32)
    finite_x = np.nan_to_num(x, nan=0.0, posinf=0.0)
    inf_w = np.where(np.arange(w.size).reshape(w.shape) == 40, np.inf, w).astype(np.float32)
    nan_go = go.copy()
    nan_go[0, 5, 3, 11] = np.nan
    for ww, xx, gg in ((w, x, go), (inf_w, finite_x, go), (w, finite_x, nan_go)):
        ours = run_all(conv, xx, ww, None, gg, np.float32)
        ref = torch_all(ref_torch, conv, xx, ww, None, gg)
        for name, o, r in zip(("output", "gradInput", "gradWeight"), ours, ref):
            np.testing.assert_array_equal(np.isnan(o), np.isnan(r), err_msg=name)
            np.testing.assert_array_equal(np.isinf(o), np.isinf(r), err_msg=name)
            f = np.isfinite(r)
            np.testing.assert_allclose(o[f], r[f], rtol=1e-4, atol=1e-3, err_msg=name)


def test_direct_path_scratch_is_small_and_reused():
    """finput holds per-thread padded copies, not N x (C*kH*kW) x (oH*oW) columns, and repeated
    steps reuse every buffer."""
    rng = np.random.default_rng(7)
    conv = Conv("SpatialConvolutionMM", (3, 3), p=(1, 1))
    x = T(rng.standard_normal((8, 16, 20, 20)), np.float32)
    w = T(rng.standard_normal((16, 16, 3, 3)), np.float32)
    go = T(rng.standard_normal((8, 16, 20, 20)), np.float32)
    out, gin = fresh(), fresh()
    gw, gb = T(np.zeros((16, 16, 3, 3)), np.float32), T(np.zeros(16), np.float32)

    def step():
        conv.forward(x, w, None, out)
        conv.grad_input(x, go, w, gin)
        conv.acc(x, go, gw, gb)
        return [storage_ptr(t) for t in (out, gin, conv.b1, conv.b2)]

    first = step()
    assert step() == first and step() == first
    sample_columns = 16 * 9 * 400      # one sample's unfolded input: (C * kH * kW) x (oH * oW)
    for buf in (conv.b1, conv.b2):      # threads x per-thread scratch
        assert buf.dim() == 2 and buf.shape[0] <= max(P.get_num_threads(), 1)
        assert buf.shape[1] < sample_columns


def test_direct_path_bad_buffer_dtype():
    conv = Conv("SpatialConvolutionMM", (3, 3), p=(1, 1))
    conv.b1 = T(np.zeros(3))      # a float64 buffer for float32 input
    with pytest.raises(TypeError, match=r"SpatialConvolutionMM: expected buffer finput of dtype float32, got float64"):
        conv.forward(T(np.zeros((1, 2, 5, 16)), np.float32), T(np.zeros((4, 2, 3, 3)), np.float32), None)
    conv = Conv("SpatialConvolutionMM", (3, 3), p=(1, 1))
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: expected gradOutput of size \[1 x 4 x 5 x 16\]"):
        conv.grad_input(T(np.zeros((1, 2, 5, 16)), np.float32), T(np.zeros((1, 4, 5, 15)), np.float32),
                        T(np.zeros((4, 2, 3, 3)), np.float32))
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: buffer finput is NULL"):
        call("THNN_SpatialConvolutionMM_accGradParameters", T(np.zeros((1, 2, 5, 16)), np.float32),
             T(np.zeros((1, 4, 5, 16)), np.float32), T(np.zeros((4, 2, 3, 3)), np.float32), None, None, None,
             3, 3, 1, 1, 1, 1, 1.0, 1)


def test_direct_and_gemm_paths_agree():
    """THNN_CONV_NO_AVX512 turns off the direct path and the AVX-512 gemm: shapes that take the direct
    path by default give the same results."""
    mm, dil = "SpatialConvolutionMM", "SpatialDilatedConvolution"
    assert_same_without_avx512([(mm, (1, 1), (1, 1), 1, 3, 6, 13, (9, 20)), (mm, (1, 1), (1, 1), 2, 3, 8, 20, (6, 35)),
                                (dil, (1, 1), (2, 2), 1, 3, 3, 8, (8, 24))], 14)
