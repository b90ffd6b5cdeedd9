"""THNN pooling / sampling / padding kernels against PyTorch CPU (and numpy for the Torch7-only ops)."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like._lib import lib
from pytorch_like.tensor import _wrap
from tests.thnn_util import T, call, fresh, npy

DT = {np.float64: "float64", np.float32: "float32"}


def tol(dtype):
    return dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-5)


def tdt(torch, dtype):
    return torch.float64 if dtype == np.float64 else torch.float32


def torch_fb(torch, f, x, g_rng, dtype=np.float64):
    """PyTorch forward of f at x plus gradInput for a random gradOutput: (outputs, gradOutput, gradInput)."""
    xt = torch.tensor(x, dtype=tdt(torch, dtype), requires_grad=True)
    res = f(xt)
    outs = res if isinstance(res, tuple) else (res,)
    g = g_rng.standard_normal(tuple(outs[0].shape)).astype(dtype)
    (gi,) = torch.autograd.grad(outs[0], xt, torch.tensor(g))
    return [o.detach().numpy() for o in outs], g, gi.numpy()


def jacobian_check(fwd, bwd, x, eps=1e-6):
    """Finite-difference check of <gradOutput, d out/dx> against the kernel's gradInput (float64)."""
    rng = np.random.default_rng(7)
    out = fwd(x)
    g = rng.standard_normal(out.shape)
    gi = bwd(x, g)
    for _ in range(6):
        v = rng.standard_normal(x.shape)
        num = (np.sum(g * fwd(x + eps * v)) - np.sum(g * fwd(x - eps * v))) / (2 * eps)
        assert abs(num - np.sum(gi * v)) < 1e-6 * max(1.0, abs(num))


# ---------------------------------------------------------------- max pooling 2-D

MAX2D = [  # kW, kH, dW, dH, padW, padH, dilW, dilH, ceil
    (2, 2, 2, 2, 0, 0, 1, 1, 0),
    (2, 2, 2, 2, 0, 0, 1, 1, 1),
    (3, 3, 2, 2, 1, 1, 1, 1, 0),
    (3, 3, 2, 2, 1, 1, 1, 1, 1),
    (3, 2, 1, 2, 1, 0, 1, 1, 1),
    (3, 3, 3, 3, 0, 0, 1, 1, 1),
    (2, 3, 1, 1, 0, 1, 2, 2, 0),
    (3, 2, 2, 1, 1, 1, 2, 3, 1),
]


@pytest.mark.parametrize("cfg", MAX2D)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("base", [0, 1])
def test_max_pool2d(ref_torch, rng, cfg, dtype, base):
    F = ref_torch.nn.functional
    kW, kH, dW, dH, pW, pH, dlW, dlH, ceil = cfg
    x = rng.standard_normal((2, 3, 9, 8)).astype(dtype)
    (ro, ri), g, rgi = torch_fb(ref_torch, lambda t: F.max_pool2d(t, (kH, kW), (dH, dW), (pH, pW), (dlH, dlW),
                                                                   ceil_mode=bool(ceil), return_indices=True), x, rng, dtype)
    o, i, gi = fresh(), fresh(), fresh()
    call(lib.THNN_SpatialDilatedMaxPooling_updateOutput, T(x, dtype), o, i, kW, kH, dW, dH, pW, pH, dlW, dlH, ceil, base)
    assert o.dtype == getattr(P, DT[dtype]) and i.dtype == P.int64
    np.testing.assert_array_equal(npy(o), ro)
    np.testing.assert_array_equal(npy(i), ri + base)
    call(lib.THNN_SpatialDilatedMaxPooling_updateGradInput, T(x, dtype), T(g, dtype), gi, i, kW, kH, dW, dH, pW, pH,
         dlW, dlH, ceil, base)
    np.testing.assert_allclose(npy(gi), rgi, **tol(dtype))
    if dlW == 1 and dlH == 1:
        o2, i2, gi2 = fresh(), fresh(), fresh()
        call(lib.THNN_SpatialMaxPooling_updateOutput, T(x, dtype), o2, i2, kW, kH, dW, dH, pW, pH, ceil, base)
        np.testing.assert_array_equal(npy(o2), ro)
        np.testing.assert_array_equal(npy(i2), ri + base)
        call(lib.THNN_SpatialMaxPooling_updateGradInput, T(x, dtype), T(g, dtype), gi2, i2, kW, kH, dW, dH, pW, pH,
             ceil, base)
        np.testing.assert_allclose(npy(gi2), rgi, **tol(dtype))


def test_max_pool2d_single_sample_and_batch_stack(rng):
    x = rng.standard_normal((3, 4, 7, 7))
    o, i, gi = fresh(), fresh(), fresh()
    g = rng.standard_normal((3, 4, 4, 4))
    call(lib.THNN_SpatialMaxPooling_updateOutput, T(x), o, i, 3, 3, 2, 2, 1, 1, 1, 0)
    call(lib.THNN_SpatialMaxPooling_updateGradInput, T(x), T(g), gi, i, 3, 3, 2, 2, 1, 1, 1, 0)
    for n in range(3):
        o1, i1, gi1 = fresh(), fresh(), fresh()
        call(lib.THNN_SpatialMaxPooling_updateOutput, T(x[n]), o1, i1, 3, 3, 2, 2, 1, 1, 1, 0)
        call(lib.THNN_SpatialMaxPooling_updateGradInput, T(x[n]), T(g[n]), gi1, i1, 3, 3, 2, 2, 1, 1, 1, 0)
        assert o1.shape == (4, 4, 4)
        np.testing.assert_array_equal(npy(o1), npy(o)[n])
        np.testing.assert_array_equal(npy(i1), npy(i)[n])
        np.testing.assert_array_equal(npy(gi1), npy(gi)[n])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_max_pool2d_2x2_fast_path_large(ref_torch, rng, dtype):
    # the 2x2/2 fast path on odd sizes (last row/col dropped) and a batch big enough for OpenMP
    F = ref_torch.nn.functional
    x = rng.standard_normal((4, 16, 33, 31)).astype(dtype)
    (ro, ri), g, rgi = torch_fb(ref_torch, lambda t: F.max_pool2d(t, 2, 2, return_indices=True), x, rng, dtype)
    o, i, gi = fresh(), fresh(), fresh()
    call(lib.THNN_SpatialMaxPooling_updateOutput, T(x, dtype), o, i, 2, 2, 2, 2, 0, 0, 0, 1)
    np.testing.assert_array_equal(npy(o), ro)
    np.testing.assert_array_equal(npy(i), ri + 1)
    call(lib.THNN_SpatialMaxPooling_updateGradInput, T(x, dtype), T(g, dtype), gi, i, 2, 2, 2, 2, 0, 0, 0, 1)
    np.testing.assert_array_equal(npy(gi), rgi)


def test_max_pool_ties_and_nan(ref_torch):
    F = ref_torch.nn.functional
    x = np.array([[[1, 1, 0, 2, 2, 2], [1, 1, 0, 2, 2, 2],
                   [np.nan, 0, np.nan, -np.inf, -np.inf, -np.inf], [5, np.nan, 1, -np.inf, -np.inf, -np.inf]]])
    for k, s in [(2, 2), (3, 3), (2, 1)]:
        ro, ri = F.max_pool2d(ref_torch.tensor(x), k, s, return_indices=True)
        o, i = fresh(), fresh()
        call(lib.THNN_SpatialMaxPooling_updateOutput, T(x), o, i, k, k, s, s, 0, 0, 0, 0)
        np.testing.assert_array_equal(npy(o), ro.numpy())
        np.testing.assert_array_equal(npy(i), ri.numpy())


@pytest.mark.parametrize("base", [0, 1])
def test_max_pool1d_via_spatial(ref_torch, rng, base):
    # MaxPool1d = SpatialMaxPooling with kH = dH = 1 on an N x C x 1 x L view
    F = ref_torch.nn.functional
    for (k, s, p, ceil) in [(3, 2, 1, False), (2, 2, 0, True), (4, 3, 2, True)]:
        x = rng.standard_normal((2, 3, 11))
        (ro, ri), g, rgi = torch_fb(ref_torch, lambda t: F.max_pool1d(t, k, s, p, ceil_mode=ceil, return_indices=True), x, rng)
        o, i, gi = fresh(), fresh(), fresh()
        x4 = T(x[:, :, None, :])
        call(lib.THNN_SpatialMaxPooling_updateOutput, x4, o, i, k, 1, s, 1, p, 0, int(ceil), base)
        np.testing.assert_array_equal(npy(o)[:, :, 0], ro)
        np.testing.assert_array_equal(npy(i)[:, :, 0], ri + base)
        call(lib.THNN_SpatialMaxPooling_updateGradInput, x4, T(g[:, :, None, :]), gi, i, k, 1, s, 1, p, 0, int(ceil), base)
        np.testing.assert_allclose(npy(gi)[:, :, 0], rgi, rtol=1e-12)


@pytest.mark.parametrize("cfg", [  # kT, kW, kH, dT, dW, dH, pT, pW, pH, dil (T, W, H), ceil
    (2, 2, 2, 2, 2, 2, 0, 0, 0, (1, 1, 1), 0),
    (3, 3, 2, 2, 2, 1, 1, 1, 1, (1, 1, 1), 1),
    (2, 3, 3, 1, 2, 2, 1, 1, 0, (1, 1, 1), 1),
    (2, 2, 3, 1, 1, 2, 0, 1, 1, (2, 1, 2), 0),
])
@pytest.mark.parametrize("base", [0, 1])
def test_max_pool3d(ref_torch, rng, cfg, base):
    F = ref_torch.nn.functional
    kT, kW, kH, dT, dW, dH, pT, pW, pH, dil, ceil = cfg
    x = rng.standard_normal((2, 2, 6, 7, 5))
    (ro, ri), g, rgi = torch_fb(ref_torch, lambda t: F.max_pool3d(t, (kT, kH, kW), (dT, dH, dW), (pT, pH, pW),
                                                                   (dil[0], dil[2], dil[1]), ceil_mode=bool(ceil),
                                                                   return_indices=True), x, rng)
    o, i, gi = fresh(), fresh(), fresh()
    if dil == (1, 1, 1):
        call(lib.THNN_VolumetricMaxPooling_updateOutput, T(x), o, i, kT, kW, kH, dT, dW, dH, pT, pW, pH, ceil, base)
        call(lib.THNN_VolumetricMaxPooling_updateGradInput, T(x), T(g), gi, i, kT, kW, kH, dT, dW, dH, pT, pW, pH,
             ceil, base)
    else:
        call(lib.THNN_VolumetricDilatedMaxPooling_updateOutput, T(x), o, i, kT, kW, kH, dT, dW, dH, pT, pW, pH,
             *dil, ceil, base)
        call(lib.THNN_VolumetricDilatedMaxPooling_updateGradInput, T(x), T(g), gi, i, kT, kW, kH, dT, dW, dH,
             pT, pW, pH, *dil, ceil, base)
    np.testing.assert_array_equal(npy(o), ro)
    np.testing.assert_array_equal(npy(i), ri + base)
    np.testing.assert_allclose(npy(gi), rgi, rtol=1e-12)
    # single sample == slice of the batch
    o1, i1 = fresh(), fresh()
    call(lib.THNN_VolumetricDilatedMaxPooling_updateOutput, T(x[1]), o1, i1, kT, kW, kH, dT, dW, dH, pT, pW, pH,
         *dil, ceil, base)
    np.testing.assert_array_equal(npy(o1), ro[1])
    np.testing.assert_array_equal(npy(i1), ri[1] + base)


def test_ceil_mode_edge_cases(ref_torch):
    # THNN's rule: in ceil mode the last window must start inside input + left pad. PyTorch inherited
    # it unchanged (pooling_output_shape), so there is no case where Torch7 and PyTorch differ here.
    F = ref_torch.nn.functional
    cases = [  # H(=W), k, s, p, expected ceil output size
        (5, 2, 2, 0, 3),   # window at 4 starts inside: kept
        (4, 2, 2, 0, 2),   # exact fit: ceil == floor
        (6, 3, 2, 1, 4),   # ceil((6+2-3)/2)+1 = 4, start 5 < 6+1: kept
        (5, 2, 2, 1, 3),   # ceil((5+2-2)/2)+1 = 4, but start 6 >= 5+1: dropped -> 3
        (2, 3, 2, 0, 1),   # kernel wider than the input: ceil mode still gives one window
    ]
    for H, k, s, p, exp in cases:
        x = np.random.default_rng(H).standard_normal((1, 1, H, H))
        ro, ri = F.max_pool2d(ref_torch.tensor(x), k, s, p, ceil_mode=True, return_indices=True)
        assert ro.shape[-1] == exp
        o, i = fresh(), fresh()
        call(lib.THNN_SpatialMaxPooling_updateOutput, T(x), o, i, k, k, s, s, p, p, 1, 0)
        assert o.shape == (1, 1, exp, exp)
        np.testing.assert_array_equal(npy(o), ro.numpy())
        np.testing.assert_array_equal(npy(i), ri.numpy())
        ra = F.avg_pool2d(ref_torch.tensor(x), k, s, p, ceil_mode=True)
        oa = fresh()
        call(lib.THNN_SpatialAveragePooling_updateOutput, T(x), oa, k, k, s, s, p, p, 1, 1)
        np.testing.assert_allclose(npy(oa), ra.numpy(), rtol=1e-12)
    # floor mode with a kernel wider than the input is an error
    with pytest.raises(ValueError, match="SpatialMaxPooling.*output size is too small"):
        call(lib.THNN_SpatialMaxPooling_updateOutput, T(np.zeros((1, 2, 2))), fresh(), fresh(), 3, 3, 2, 2, 0, 0, 0, 0)


# ---------------------------------------------------------------- average pooling

AVG2D = [  # kW, kH, dW, dH, padW, padH, ceil, count_include_pad
    (2, 2, 2, 2, 0, 0, 0, 1),
    (3, 3, 2, 2, 1, 1, 0, 1),
    (3, 3, 2, 2, 1, 1, 0, 0),
    (3, 3, 2, 2, 1, 1, 1, 1),
    (3, 3, 2, 2, 1, 1, 1, 0),
    (2, 3, 3, 2, 1, 1, 1, 1),
    (4, 2, 3, 1, 2, 0, 1, 0),
]


@pytest.mark.parametrize("cfg", AVG2D)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_avg_pool2d(ref_torch, rng, cfg, dtype):
    F = ref_torch.nn.functional
    kW, kH, dW, dH, pW, pH, ceil, cip = cfg
    x = rng.standard_normal((2, 3, 9, 8)).astype(dtype)
    (ro,), g, rgi = torch_fb(ref_torch, lambda t: F.avg_pool2d(t, (kH, kW), (dH, dW), (pH, pW), ceil_mode=bool(ceil),
                                                                count_include_pad=bool(cip)), x, rng, dtype)
    o, gi = fresh(), fresh()
    call(lib.THNN_SpatialAveragePooling_updateOutput, T(x, dtype), o, kW, kH, dW, dH, pW, pH, ceil, cip)
    np.testing.assert_allclose(npy(o), ro, **tol(dtype))
    call(lib.THNN_SpatialAveragePooling_updateGradInput, T(x, dtype), T(g, dtype), gi, kW, kH, dW, dH, pW, pH, ceil, cip)
    np.testing.assert_allclose(npy(gi), rgi, **tol(dtype))
    o1 = fresh()
    call(lib.THNN_SpatialAveragePooling_updateOutput, T(x[1], dtype), o1, kW, kH, dW, dH, pW, pH, ceil, cip)
    np.testing.assert_array_equal(npy(o1), npy(o)[1])


@pytest.mark.parametrize("cfg", [  # kT, kW, kH, dT, dW, dH, pT, pW, pH, ceil, cip
    (2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 1),
    (3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1),
    (3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 0),
    (2, 3, 3, 1, 2, 2, 1, 0, 1, 0, 0),
])
def test_avg_pool3d(ref_torch, rng, cfg):
    F = ref_torch.nn.functional
    kT, kW, kH, dT, dW, dH, pT, pW, pH, ceil, cip = cfg
    x = rng.standard_normal((2, 2, 6, 7, 5))
    (ro,), g, rgi = torch_fb(ref_torch, lambda t: F.avg_pool3d(t, (kT, kH, kW), (dT, dH, dW), (pT, pH, pW),
                                                                ceil_mode=bool(ceil), count_include_pad=bool(cip)), x, rng)
    o, gi = fresh(), fresh()
    call(lib.THNN_VolumetricAveragePooling_updateOutput, T(x), o, kT, kW, kH, dT, dW, dH, pT, pW, pH, ceil, cip)
    np.testing.assert_allclose(npy(o), ro, rtol=1e-12)
    call(lib.THNN_VolumetricAveragePooling_updateGradInput, T(x), T(g), gi, kT, kW, kH, dT, dW, dH, pT, pW, pH, ceil, cip)
    np.testing.assert_allclose(npy(gi), rgi, rtol=1e-12, atol=1e-14)
    o1 = fresh()
    call(lib.THNN_VolumetricAveragePooling_updateOutput, T(x[0]), o1, kT, kW, kH, dT, dW, dH, pT, pW, pH, ceil, cip)
    np.testing.assert_array_equal(npy(o1), npy(o)[0])


def test_avg_pool_jacobian():
    def fwd(x):
        o = fresh()
        call(lib.THNN_SpatialAveragePooling_updateOutput, T(x), o, 3, 2, 2, 1, 1, 1, 1, 0)
        return npy(o)

    def bwd(x, g):
        gi = fresh()
        call(lib.THNN_SpatialAveragePooling_updateGradInput, T(x), T(g), gi, 3, 2, 2, 1, 1, 1, 1, 0)
        return npy(gi)
    jacobian_check(fwd, bwd, np.random.default_rng(3).standard_normal((2, 5, 6)))


# ---------------------------------------------------------------- adaptive pooling

@pytest.mark.parametrize("osize", [(1, 1), (3, 4), (5, 3), (9, 8), (12, 11)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adaptive_pool2d(ref_torch, rng, osize, dtype):
    F = ref_torch.nn.functional
    oH, oW = osize
    x = rng.standard_normal((2, 3, 9, 8)).astype(dtype)
    (ro, ri), g, rgi = torch_fb(ref_torch, lambda t: F.adaptive_max_pool2d(t, osize, return_indices=True), x, rng, dtype)
    for base in (0, 1):
        o, i, gi = fresh(), fresh(), fresh()
        call(lib.THNN_SpatialAdaptiveMaxPooling_updateOutput, T(x, dtype), o, i, oW, oH, base)
        np.testing.assert_array_equal(npy(o), ro)
        np.testing.assert_array_equal(npy(i), ri + base)
        call(lib.THNN_SpatialAdaptiveMaxPooling_updateGradInput, T(x, dtype), T(g, dtype), gi, i, base)
        np.testing.assert_allclose(npy(gi), rgi, **tol(dtype))
    (ra,), g, rga = torch_fb(ref_torch, lambda t: F.adaptive_avg_pool2d(t, osize), x, rng, dtype)
    o, gi = fresh(), fresh()
    call(lib.THNN_SpatialAdaptiveAveragePooling_updateOutput, T(x, dtype), o, oW, oH)
    np.testing.assert_allclose(npy(o), ra, **tol(dtype))
    call(lib.THNN_SpatialAdaptiveAveragePooling_updateGradInput, T(x, dtype), T(g, dtype), gi)
    np.testing.assert_allclose(npy(gi), rga, **tol(dtype))
    o1 = fresh()
    call(lib.THNN_SpatialAdaptiveAveragePooling_updateOutput, T(x[1], dtype), o1, oW, oH)
    np.testing.assert_array_equal(npy(o1), npy(o)[1])


# ---------------------------------------------------------------- unpooling

@pytest.mark.parametrize("base", [0, 1])
def test_max_unpool2d(ref_torch, rng, base):
    F = ref_torch.nn.functional
    x = rng.standard_normal((2, 3, 8, 7))
    pooled, ind = F.max_pool2d(ref_torch.tensor(x), 3, 2, 1, return_indices=True)
    p = pooled.numpy()
    (ro,), g, rgi = torch_fb(ref_torch, lambda t: F.max_unpool2d(t, ind, 3, 2, 1, output_size=(8, 7)), p, rng)
    o, gi = fresh(), fresh()
    idx = T(ind.numpy() + base, np.int64)
    call(lib.THNN_SpatialMaxUnpooling_updateOutput, T(p), o, idx, 7, 8, base)
    np.testing.assert_array_equal(npy(o), ro)
    call(lib.THNN_SpatialMaxUnpooling_updateGradInput, T(p), T(g), gi, idx, 7, 8, base)
    np.testing.assert_array_equal(npy(gi), rgi)
    # round trip with our own pooling indices, single sample
    o2, i2, u = fresh(), fresh(), fresh()
    call(lib.THNN_SpatialMaxPooling_updateOutput, T(x[0]), o2, i2, 2, 2, 2, 2, 0, 0, 0, base)
    call(lib.THNN_SpatialMaxUnpooling_updateOutput, o2, u, i2, 7, 8, base)
    ref = F.max_unpool2d(*F.max_pool2d(ref_torch.tensor(x[0]), 2, 2, return_indices=True), 2, 2, output_size=(8, 7))
    np.testing.assert_array_equal(npy(u), ref.numpy())


def test_max_unpool2d_bad_index(rng):
    x = T(rng.standard_normal((1, 2, 2)))
    for base in (0, 1):
        bad = T([[[0, 1], [2, 16 + base]]], np.int64)
        with pytest.raises(IndexError, match=r"SpatialMaxUnpooling: index %d .*out of bounds \[%d, %d\)" % (16 + base, base, 16 + base)):
            call(lib.THNN_SpatialMaxUnpooling_updateOutput, x, fresh(), bad, 4, 4, base)
        with pytest.raises(IndexError, match="SpatialMaxUnpooling: index"):
            call(lib.THNN_SpatialMaxUnpooling_updateGradInput, x, T(np.zeros((1, 4, 4))), fresh(), bad, 4, 4, base)
    neg = T([[[0, 1], [2, -1]]], np.int64)
    with pytest.raises(IndexError, match="index -1"):
        call(lib.THNN_SpatialMaxUnpooling_updateOutput, x, fresh(), neg, 4, 4, 0)
    with pytest.raises(ValueError, match="SpatialMaxUnpooling: indices of size"):
        call(lib.THNN_SpatialMaxUnpooling_updateOutput, x, fresh(), T([[0, 1]], np.int64), 4, 4, 0)
    with pytest.raises(TypeError, match="SpatialMaxUnpooling: expected an int64 tensor for indices"):
        call(lib.THNN_SpatialMaxUnpooling_updateOutput, x, fresh(), T([[[0, 1], [2, 3]]], np.float64), 4, 4, 0)


# ---------------------------------------------------------------- fractional max pooling

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cfg", [((2, 2), (5, 4)), ((3, 2), (4, 6)), ((2, 3), (1, 1)), ((1, 1), (9, 10))])
def test_fractional_max_pool2d(ref_torch, rng, dtype, cfg):
    F = ref_torch.nn.functional
    (kH, kW), (oH, oW) = cfg
    x = rng.standard_normal((2, 3, 9, 10)).astype(dtype)
    samples = rng.random((2, 3, 2)).astype(dtype)
    st = ref_torch.tensor(samples)
    (ro, ri), g, rgi = torch_fb(ref_torch, lambda t: F.fractional_max_pool2d(t, (kH, kW), output_size=(oH, oW),
                                                                              return_indices=True, _random_samples=st),
                                x, rng, dtype)
    for base in (0, 1):
        o, i, gi = fresh(), fresh(), fresh()
        call(lib.THNN_SpatialFractionalMaxPooling_updateOutput, T(x, dtype), o, oW, oH, kW, kH, i, T(samples, dtype), base)
        np.testing.assert_array_equal(npy(o), ro)
        np.testing.assert_array_equal(npy(i), ri + base)
        call(lib.THNN_SpatialFractionalMaxPooling_updateGradInput, T(x, dtype), T(g, dtype), gi, oW, oH, kW, kH, i, base)
        np.testing.assert_allclose(npy(gi), rgi, **tol(dtype))
    o1, i1 = fresh(), fresh()
    call(lib.THNN_SpatialFractionalMaxPooling_updateOutput, T(x[1], dtype), o1, oW, oH, kW, kH, i1, T(samples[1], dtype), 0)
    np.testing.assert_array_equal(npy(o1), ro[1])


def test_fractional_bad_inputs(rng):
    x = T(rng.standard_normal((1, 2, 6, 6)))
    s = T(rng.random((1, 2, 2)))
    with pytest.raises(ValueError, match="SpatialFractionalMaxPooling: pool height 3 too large"):
        call(lib.THNN_SpatialFractionalMaxPooling_updateOutput, x, fresh(), 4, 5, 2, 3, fresh(), s, 0)
    with pytest.raises(ValueError, match="SpatialFractionalMaxPooling: expected randomSamples of size"):
        call(lib.THNN_SpatialFractionalMaxPooling_updateOutput, x, fresh(), 3, 3, 2, 2, fresh(), T(np.zeros((2, 2))), 0)
    with pytest.raises(ValueError, match="randomSamples must lie in"):
        call(lib.THNN_SpatialFractionalMaxPooling_updateOutput, x, fresh(), 3, 3, 2, 2, fresh(), T(np.full((1, 2, 2), 1.5)), 0)


# ---------------------------------------------------------------- subsampling

def np_subsampling(x, w, b, kW, kH, dW, dH):
    *lead, C, H, W = x.shape
    oH, oW = (H - kH) // dH + 1, (W - kW) // dW + 1
    out = np.empty((*lead, C, oH, oW))
    for i in range(oH):
        for j in range(oW):
            out[..., i, j] = x[..., i * dH:i * dH + kH, j * dW:j * dW + kW].sum(axis=(-1, -2))
    return out * w[:, None, None] + b[:, None, None]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cfg", [(2, 2, 2, 2), (3, 2, 1, 2), (3, 3, 2, 1)])
def test_spatial_subsampling(rng, dtype, cfg):
    kW, kH, dW, dH = cfg
    x = rng.standard_normal((2, 3, 8, 9)).astype(dtype)
    w, b = rng.standard_normal(3).astype(dtype), rng.standard_normal(3).astype(dtype)
    o = fresh()
    call(lib.THNN_SpatialSubSampling_updateOutput, T(x, dtype), o, T(w, dtype), T(b, dtype), kW, kH, dW, dH)
    ref = np_subsampling(x.astype(np.float64), w.astype(np.float64), b.astype(np.float64), kW, kH, dW, dH)
    np.testing.assert_allclose(npy(o), ref, **tol(dtype))
    o1 = fresh()
    call(lib.THNN_SpatialSubSampling_updateOutput, T(x[1], dtype), o1, T(w, dtype), T(b, dtype), kW, kH, dW, dH)
    np.testing.assert_array_equal(npy(o1), npy(o)[1])
    # gradients: gradInput = J^T g, gradWeight/gradBias accumulate scale * grad
    g = rng.standard_normal(ref.shape).astype(dtype)
    gi = fresh()
    call(lib.THNN_SpatialSubSampling_updateGradInput, T(x, dtype), T(g, dtype), gi, T(w, dtype), kW, kH, dW, dH)
    x64, g64 = x.astype(np.float64), g.astype(np.float64)
    ref_gi = np.zeros_like(x64)
    for i in range(ref.shape[-2]):
        for j in range(ref.shape[-1]):
            ref_gi[..., i * dH:i * dH + kH, j * dW:j * dW + kW] += (g64[..., i, j] * w)[..., None, None]
    np.testing.assert_allclose(npy(gi), ref_gi, **tol(dtype))
    gw0, gb0 = rng.standard_normal(3).astype(dtype), rng.standard_normal(3).astype(dtype)
    gw, gb = T(gw0.copy(), dtype), T(gb0.copy(), dtype)
    call(lib.THNN_SpatialSubSampling_accGradParameters, T(x, dtype), T(g, dtype), gw, gb, kW, kH, dW, dH, 0.5)
    zero = np.zeros(3)
    win = np_subsampling(x64, np.ones(3), zero, kW, kH, dW, dH)
    np.testing.assert_allclose(npy(gw), gw0 + 0.5 * (g64 * win).sum(axis=(0, 2, 3)), **tol(dtype))
    np.testing.assert_allclose(npy(gb), gb0 + 0.5 * g64.sum(axis=(0, 2, 3)), **tol(dtype))


def test_spatial_subsampling_jacobian():
    rng = np.random.default_rng(5)
    w, b = T(rng.standard_normal(2)), T(rng.standard_normal(2))

    def fwd(x):
        o = fresh()
        call(lib.THNN_SpatialSubSampling_updateOutput, T(x), o, w, b, 2, 3, 1, 2)
        return npy(o)

    def bwd(x, g):
        gi = fresh()
        call(lib.THNN_SpatialSubSampling_updateGradInput, T(x), T(g), gi, w, 2, 3, 1, 2)
        return npy(gi)
    jacobian_check(fwd, bwd, rng.standard_normal((2, 7, 5)))


def test_spatial_subsampling_bad_inputs(rng):
    x = T(rng.standard_normal((3, 4, 4)))
    w, b = T(np.ones(3)), T(np.zeros(3))
    with pytest.raises(ValueError, match="SpatialSubSampling: expected input with 2 planes"):
        call(lib.THNN_SpatialSubSampling_updateOutput, x, fresh(), T(np.ones(2)), T(np.ones(2)), 2, 2, 2, 2)
    with pytest.raises(ValueError, match="SpatialSubSampling: input image .* smaller than kernel size"):
        call(lib.THNN_SpatialSubSampling_updateOutput, x, fresh(), w, b, 5, 2, 1, 1)
    with pytest.raises(ValueError, match="SpatialSubSampling: expected bias with 3 elements"):
        call(lib.THNN_SpatialSubSampling_updateOutput, x, fresh(), w, T(np.ones(4)), 2, 2, 2, 2)
    with pytest.raises(TypeError, match="SpatialSubSampling: expected gradWeight of dtype float64"):
        call(lib.THNN_SpatialSubSampling_accGradParameters, x, T(np.ones((3, 2, 2))), T(np.ones(3), np.float32), None,
             2, 2, 2, 2, 1.0)


# ---------------------------------------------------------------- temporal

@pytest.mark.parametrize("cfg", [(2, 2), (3, 1), (3, 2), (1, 3)])
@pytest.mark.parametrize("base", [0, 1])
def test_temporal_max_pooling(ref_torch, rng, cfg, base):
    # Torch7 layout (frames x features); reference: max_pool1d over frames on the transpose
    F = ref_torch.nn.functional
    kW, dW = cfg
    x = rng.standard_normal((2, 9, 4))
    (ro, ri), g, rgi = torch_fb(ref_torch, lambda t: tuple(r.transpose(1, 2) for r in
                                                           F.max_pool1d(t.transpose(1, 2), kW, dW, return_indices=True)),
                                x, rng)
    o, i, gi = fresh(), fresh(), fresh()
    call(lib.THNN_TemporalMaxPooling_updateOutput, T(x), o, i, kW, dW, base)
    np.testing.assert_array_equal(npy(o), ro)
    window_start = (np.arange(ro.shape[1]) * dW)[None, :, None]
    np.testing.assert_array_equal(npy(i), ri - window_start + base)
    call(lib.THNN_TemporalMaxPooling_updateGradInput, T(x), T(g), gi, i, kW, dW, base)
    np.testing.assert_allclose(npy(gi), rgi, rtol=1e-12)
    o1, i1 = fresh(), fresh()
    call(lib.THNN_TemporalMaxPooling_updateOutput, T(x[1]), o1, i1, kW, dW, base)
    np.testing.assert_array_equal(npy(o1), ro[1])
    bad = T(npy(i) + kW, np.int64)
    with pytest.raises(IndexError, match=r"TemporalMaxPooling: index .* out of bounds \[%d, %d\)" % (base, kW + base)):
        call(lib.THNN_TemporalMaxPooling_updateGradInput, T(x), T(g), fresh(), bad, kW, dW, base)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_temporal_subsampling(rng, dtype):
    kW, dW = 3, 2
    x = rng.standard_normal((2, 9, 4)).astype(dtype)
    w, b = rng.standard_normal(4).astype(dtype), rng.standard_normal(4).astype(dtype)
    x64 = x.astype(np.float64)
    oT = (9 - kW) // dW + 1
    win = np.stack([x64[:, t * dW:t * dW + kW].sum(axis=1) for t in range(oT)], axis=1)
    o = fresh()
    call(lib.THNN_TemporalSubSampling_updateOutput, T(x, dtype), o, T(w, dtype), T(b, dtype), kW, dW, 4)
    np.testing.assert_allclose(npy(o), win * w + b, **tol(dtype))
    o1 = fresh()
    call(lib.THNN_TemporalSubSampling_updateOutput, T(x[0], dtype), o1, T(w, dtype), T(b, dtype), kW, dW, 4)
    np.testing.assert_array_equal(npy(o1), npy(o)[0])
    g = rng.standard_normal((2, oT, 4)).astype(dtype)
    g64 = g.astype(np.float64)
    gi = fresh()
    call(lib.THNN_TemporalSubSampling_updateGradInput, T(x, dtype), T(g, dtype), gi, T(w, dtype), kW, dW)
    ref_gi = np.zeros_like(x64)
    for t in range(oT):
        ref_gi[:, t * dW:t * dW + kW] += (g64[:, t] * w)[:, None]
    np.testing.assert_allclose(npy(gi), ref_gi, **tol(dtype))
    gw, gb = T(np.ones(4), dtype), T(np.ones(4), dtype)
    call(lib.THNN_TemporalSubSampling_accGradParameters, T(x, dtype), T(g, dtype), gw, gb, kW, dW, 2.0)
    np.testing.assert_allclose(npy(gw), 1 + 2 * (g64 * win).sum(axis=(0, 1)), **tol(dtype))
    np.testing.assert_allclose(npy(gb), 1 + 2 * g64.sum(axis=(0, 1)), **tol(dtype))
    with pytest.raises(ValueError, match="TemporalSubSampling: expected input with frame size 5"):
        call(lib.THNN_TemporalSubSampling_updateOutput, T(x), fresh(), T(w), T(b), kW, dW, 5)
    with pytest.raises(ValueError, match="TemporalSubSampling: input sequence of 9 frames .* smaller than kernel"):
        call(lib.THNN_TemporalSubSampling_updateOutput, T(x), fresh(), T(w), T(b), 10, dW, 4)


# ---------------------------------------------------------------- upsampling

@pytest.mark.parametrize("scale", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_upsampling_nearest(ref_torch, rng, scale, dtype):
    F = ref_torch.nn.functional
    x = rng.standard_normal((2, 3, 4, 5)).astype(dtype)
    (ro,), g, rgi = torch_fb(ref_torch, lambda t: F.interpolate(t, scale_factor=scale, mode="nearest"), x, rng, dtype)
    o, gi = fresh(), fresh()
    call(lib.THNN_SpatialUpSamplingNearest_updateOutput, T(x, dtype), o, scale)
    np.testing.assert_array_equal(npy(o), ro)
    call(lib.THNN_SpatialUpSamplingNearest_updateGradInput, T(x, dtype), T(g, dtype), gi, scale)
    np.testing.assert_allclose(npy(gi), rgi, **tol(dtype))
    o1 = fresh()
    call(lib.THNN_SpatialUpSamplingNearest_updateOutput, T(x[0], dtype), o1, scale)
    np.testing.assert_array_equal(npy(o1), ro[0])


@pytest.mark.parametrize("osize", [(8, 10), (7, 3), (1, 1), (4, 5), (13, 2)])
@pytest.mark.parametrize("align", [0, 1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_upsampling_bilinear(ref_torch, rng, osize, align, dtype):
    F = ref_torch.nn.functional
    x = rng.standard_normal((2, 3, 4, 5)).astype(dtype)
    (ro,), g, rgi = torch_fb(ref_torch, lambda t: F.interpolate(t, size=osize, mode="bilinear",
                                                                 align_corners=bool(align)), x, rng, dtype)
    o, gi = fresh(), fresh()
    call(lib.THNN_SpatialUpSamplingBilinear_updateOutput, T(x, dtype), o, osize[0], osize[1], align)
    t = dict(rtol=1e-12, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(npy(o), ro, **t)
    call(lib.THNN_SpatialUpSamplingBilinear_updateGradInput, T(x, dtype), T(g, dtype), gi, osize[0], osize[1], align)
    np.testing.assert_allclose(npy(gi), rgi, **t)
    o1 = fresh()
    call(lib.THNN_SpatialUpSamplingBilinear_updateOutput, T(x[1], dtype), o1, osize[0], osize[1], align)
    np.testing.assert_array_equal(npy(o1), npy(o)[1])


def test_upsampling_bilinear_jacobian():
    for align in (0, 1):
        def fwd(x):
            o = fresh()
            call(lib.THNN_SpatialUpSamplingBilinear_updateOutput, T(x), o, 7, 5, align)
            return npy(o)

        def bwd(x, g):
            gi = fresh()
            call(lib.THNN_SpatialUpSamplingBilinear_updateGradInput, T(x), T(g), gi, 7, 5, align)
            return npy(gi)
        jacobian_check(fwd, bwd, np.random.default_rng(9).standard_normal((2, 3, 4)))


# ---------------------------------------------------------------- padding

PADS = [(1, 2, 3, 1), (0, 0, 0, 0), (3, 3, 2, 2), (-1, 2, 1, -2), (2, -2, -1, 0)]


@pytest.mark.parametrize("pads", PADS)
@pytest.mark.parametrize("mode", ["reflect", "replicate"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_padding(ref_torch, rng, pads, mode, dtype):
    F = ref_torch.nn.functional
    fn = "SpatialReflectionPadding" if mode == "reflect" else "SpatialReplicationPadding"
    pl, pr, pt, pb = pads
    x = rng.standard_normal((2, 3, 5, 6)).astype(dtype)
    (ro,), g, rgi = torch_fb(ref_torch, lambda t: F.pad(t, (pl, pr, pt, pb), mode=mode), x, rng, dtype)
    o, gi = fresh(), fresh()
    call(getattr(lib, "THNN_%s_updateOutput" % fn), T(x, dtype), o, pl, pr, pt, pb)
    np.testing.assert_array_equal(npy(o), ro)
    call(getattr(lib, "THNN_%s_updateGradInput" % fn), T(x, dtype), T(g, dtype), gi, pl, pr, pt, pb)
    np.testing.assert_allclose(npy(gi), rgi, **tol(dtype))
    o1 = fresh()
    call(getattr(lib, "THNN_%s_updateOutput" % fn), T(x[1], dtype), o1, pl, pr, pt, pb)
    np.testing.assert_array_equal(npy(o1), ro[1])


def test_padding_bad_inputs(rng):
    x = T(rng.standard_normal((1, 3, 4)))
    with pytest.raises(ValueError, match="SpatialReflectionPadding: padding size should be less than the corresponding"):
        call(lib.THNN_SpatialReflectionPadding_updateOutput, x, fresh(), 4, 0, 0, 0)
    with pytest.raises(ValueError, match="SpatialReplicationPadding: input .* is too small"):
        call(lib.THNN_SpatialReplicationPadding_updateOutput, x, fresh(), -2, -2, 0, 0)
    with pytest.raises(ValueError, match="SpatialReflectionPadding: expected gradOutput of size"):
        call(lib.THNN_SpatialReflectionPadding_updateGradInput, x, T(np.zeros((1, 3, 4))), fresh(), 1, 1, 0, 0)
    with pytest.raises(ValueError, match="SpatialReplicationPadding: expected 3D or 4D input"):
        call(lib.THNN_SpatialReplicationPadding_updateOutput, T(np.zeros((3, 4))), fresh(), 1, 1, 1, 1)


# ---------------------------------------------------------------- layouts, outputs, dtypes

def test_noncontiguous_input_and_kept_output(ref_torch, rng):
    F = ref_torch.nn.functional
    base = rng.standard_normal((2, 9, 3, 8))
    xt = P.from_numpy(base).transpose(1, 2)        # 2 x 3 x 9 x 8, non-contiguous
    assert not xt.is_contiguous()
    ref, ri = F.max_pool2d(ref_torch.tensor(base).transpose(1, 2), 2, 2, return_indices=True)
    # an output that already has the result shape but a transposed layout is kept (written through)
    out = P.from_numpy(np.zeros((2, 4, 3, 4))).transpose(1, 2)
    idx = fresh()
    call(lib.THNN_SpatialMaxPooling_updateOutput, xt, out, idx, 2, 2, 2, 2, 0, 0, 0, 0)
    assert not out.is_contiguous()
    np.testing.assert_array_equal(npy(out), ref.numpy())
    np.testing.assert_array_equal(npy(idx), ri.numpy())
    # a float32 gradInput receives the float64 result converted
    gi = _new(np.float32)
    call(lib.THNN_SpatialMaxPooling_updateGradInput, xt, T(np.ones((2, 3, 4, 4))), gi, idx, 2, 2, 2, 2, 0, 0, 0, 0)
    assert gi.dtype == P.float32 and gi.shape == (2, 3, 9, 8)
    assert npy(gi).sum() == 2 * 3 * 16


def _new(dtype):
    """An empty resizable tensor of a fixed dtype."""
    return _wrap(lib.THTensor_new(0 if dtype == np.float32 else 1))


def test_zero_batch(rng):
    x = T(np.zeros((0, 3, 4, 4)))
    o, i = fresh(), fresh()
    call(lib.THNN_SpatialMaxPooling_updateOutput, x, o, i, 2, 2, 2, 2, 0, 0, 0, 0)
    assert o.shape == (0, 3, 2, 2) and i.shape == (0, 3, 2, 2)
    gi = fresh()
    call(lib.THNN_SpatialMaxPooling_updateGradInput, x, T(np.zeros((0, 3, 2, 2))), gi, i, 2, 2, 2, 2, 0, 0, 0, 0)
    assert gi.shape == (0, 3, 4, 4)


# ---------------------------------------------------------------- bad inputs

def test_pooling_bad_inputs(rng):
    x = T(rng.standard_normal((2, 3, 6, 6)))
    with pytest.raises(ValueError, match=r"SpatialMaxPooling: expected 3D or 4D input \(batch mode\), got \[6 x 6\]"):
        call(lib.THNN_SpatialMaxPooling_updateOutput, T(np.zeros((6, 6))), fresh(), fresh(), 2, 2, 2, 2, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="SpatialMaxPooling: given input size .* output size is too small"):
        call(lib.THNN_SpatialMaxPooling_updateOutput, x, fresh(), fresh(), 7, 7, 1, 1, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="SpatialMaxPooling: pad should be .* at most half of the kernel size.*padW = 2"):
        call(lib.THNN_SpatialMaxPooling_updateOutput, x, fresh(), fresh(), 3, 3, 1, 1, 2, 0, 0, 0)
    with pytest.raises(ValueError, match="SpatialAveragePooling: pad should be"):
        call(lib.THNN_SpatialAveragePooling_updateOutput, x, fresh(), 2, 2, 1, 1, 0, 2, 0, 1)
    with pytest.raises(ValueError, match="SpatialDilatedMaxPooling: stride should be greater than zero"):
        call(lib.THNN_SpatialDilatedMaxPooling_updateOutput, x, fresh(), fresh(), 2, 2, 0, 1, 0, 0, 1, 1, 0, 0)
    with pytest.raises(ValueError, match="SpatialDilatedMaxPooling: dilation should be greater than zero"):
        call(lib.THNN_SpatialDilatedMaxPooling_updateOutput, x, fresh(), fresh(), 2, 2, 1, 1, 0, 0, 0, 1, 0, 0)
    with pytest.raises(ValueError, match="SpatialMaxPooling: kernel size should be greater than zero"):
        call(lib.THNN_SpatialMaxPooling_updateOutput, x, fresh(), fresh(), 0, 2, 1, 1, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="VolumetricMaxPooling: expected 4D or 5D input"):
        call(lib.THNN_VolumetricMaxPooling_updateOutput, T(np.zeros((3, 6, 6))), fresh(), fresh(), 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="VolumetricAveragePooling: given input size .* too small"):
        call(lib.THNN_VolumetricAveragePooling_updateOutput, x, fresh(), 4, 2, 2, 1, 1, 1, 0, 0, 0, 0, 1)
    with pytest.raises(ValueError, match="SpatialMaxPooling: expected non-empty"):
        call(lib.THNN_SpatialMaxPooling_updateOutput, T(np.zeros((2, 0, 4, 4))), fresh(), fresh(), 2, 2, 2, 2, 0, 0, 0, 0)
    for dt in (np.int64, np.int32, np.uint8):
        with pytest.raises(TypeError, match="SpatialMaxPooling: expected a float32 or float64 tensor for input, got"):
            call(lib.THNN_SpatialMaxPooling_updateOutput, T(np.zeros((1, 4, 4)), dt), fresh(), fresh(), 2, 2, 2, 2, 0, 0, 0, 0)
    with pytest.raises(TypeError, match="SpatialAdaptiveAveragePooling: expected a float32 or float64"):
        call(lib.THNN_SpatialAdaptiveAveragePooling_updateOutput, T(np.zeros((1, 4, 4)), np.int64), fresh(), 2, 2)
    with pytest.raises(TypeError, match="TemporalMaxPooling: expected a float32 or float64"):
        call(lib.THNN_TemporalMaxPooling_updateOutput, T(np.zeros((4, 4)), np.int32), fresh(), fresh(), 2, 2, 0)
    with pytest.raises(TypeError, match="SpatialUpSamplingBilinear: expected a float32 or float64"):
        call(lib.THNN_SpatialUpSamplingBilinear_updateOutput, T(np.zeros((1, 4, 4)), np.uint8), fresh(), 5, 5, 0)
    with pytest.raises(TypeError, match="SpatialMaxPooling: expected an int64 tensor for indices"):
        call(lib.THNN_SpatialMaxPooling_updateOutput, x, fresh(), T(np.zeros(1)), 2, 2, 2, 2, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="SpatialAdaptiveMaxPooling: output size must be non-negative"):
        call(lib.THNN_SpatialAdaptiveMaxPooling_updateOutput, x, fresh(), fresh(), -1, 2, 0)
    with pytest.raises(ValueError, match="SpatialUpSamplingNearest: scale_factor should be greater than 0"):
        call(lib.THNN_SpatialUpSamplingNearest_updateOutput, x, fresh(), 0)
    with pytest.raises(ValueError, match="SpatialUpSamplingBilinear: output size should be greater than 0"):
        call(lib.THNN_SpatialUpSamplingBilinear_updateOutput, x, fresh(), 0, 3, 1)
    with pytest.raises(ValueError, match="TemporalMaxPooling: input sequence of 4 frames .* smaller than kernel size"):
        call(lib.THNN_TemporalMaxPooling_updateOutput, T(np.zeros((4, 3))), fresh(), fresh(), 5, 1, 0)


def test_pooling_backward_bad_inputs(rng):
    x = T(rng.standard_normal((2, 3, 6, 6)))
    o, i = fresh(), fresh()
    call(lib.THNN_SpatialMaxPooling_updateOutput, x, o, i, 2, 2, 2, 2, 0, 0, 0, 0)
    with pytest.raises(ValueError, match=r"SpatialMaxPooling: expected gradOutput of size \[2 x 3 x 3 x 3\], got \[2 x 3 x 3\]"):
        call(lib.THNN_SpatialMaxPooling_updateGradInput, x, T(np.zeros((2, 3, 3))), fresh(), i, 2, 2, 2, 2, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="SpatialMaxPooling: indices of size .* does not match"):
        call(lib.THNN_SpatialMaxPooling_updateGradInput, x, o, fresh(), T(np.zeros((2, 3, 3)), np.int64),
             2, 2, 2, 2, 0, 0, 0, 0)
    with pytest.raises(TypeError, match="SpatialMaxPooling: expected an int64 tensor for indices, got float64"):
        call(lib.THNN_SpatialMaxPooling_updateGradInput, x, o, fresh(), T(npy(i)), 2, 2, 2, 2, 0, 0, 0, 0)
    for base in (0, 1):
        bad = npy(i) + base
        bad[1, 2, 0, 0] = 36 + base
        with pytest.raises(IndexError, match=r"SpatialMaxPooling: index %d in indices is out of bounds \[%d, %d\)" % (36 + base, base, 36 + base)):
            call(lib.THNN_SpatialMaxPooling_updateGradInput, x, o, fresh(), T(bad, np.int64), 2, 2, 2, 2, 0, 0, 0, base)
        bad[1, 2, 0, 0] = base - 1
        with pytest.raises(IndexError, match="index %d in indices is out of bounds" % (base - 1)):
            call(lib.THNN_SpatialAdaptiveMaxPooling_updateGradInput, x, o, fresh(), T(bad, np.int64), base)


def test_noncontiguous_grad_output(ref_torch, rng):
    F = ref_torch.nn.functional
    x = rng.standard_normal((2, 3, 8, 8))
    gbase = rng.standard_normal((2, 4, 3, 4))
    g = P.from_numpy(gbase).transpose(2, 3)           # 2 x 4 x 4 x 3 -> want 2 x 3 x 4 x 4
    g = g.transpose(1, 3)                             # 2 x 3 x 4 x 4, non-contiguous
    assert not g.is_contiguous() and g.shape == (2, 3, 4, 4)
    gn = npy(g)
    xt = ref_torch.tensor(x, requires_grad=True)
    (rgi,) = ref_torch.autograd.grad(F.avg_pool2d(xt, 3, 2, 1), xt, ref_torch.tensor(gn))
    gi = fresh()
    call(lib.THNN_SpatialAveragePooling_updateGradInput, T(x), g, gi, 3, 3, 2, 2, 1, 1, 0, 1)
    np.testing.assert_allclose(npy(gi), rgi.numpy(), rtol=1e-12)


def test_padding_jacobian():
    for fn in ("SpatialReflectionPadding", "SpatialReplicationPadding"):
        def fwd(x):
            o = fresh()
            call(getattr(lib, "THNN_%s_updateOutput" % fn), T(x), o, 2, -1, 1, 3)
            return npy(o)

        def bwd(x, g):
            gi = fresh()
            call(getattr(lib, "THNN_%s_updateGradInput" % fn), T(x), T(g), gi, 2, -1, 1, 3)
            return npy(gi)
        jacobian_check(fwd, bwd, np.random.default_rng(11).standard_normal((2, 4, 5)))


def test_random_pool2d_configs(ref_torch):
    # a seeded sweep over kernel/stride/pad/dilation/ceil/count_include_pad and sizes
    F = ref_torch.nn.functional
    r = np.random.default_rng(2024)
    for _ in range(60):
        kH, kW = r.integers(1, 5, 2)
        dH, dW = r.integers(1, 4, 2)
        pH, pW = r.integers(0, kH // 2 + 1), r.integers(0, kW // 2 + 1)
        dlH, dlW = r.integers(1, 3, 2)
        ceil, cip = int(r.integers(0, 2)), int(r.integers(0, 2))
        H, W = r.integers(max(kH, (kH - 1) * dlH + 1), 12), r.integers(max(kW, (kW - 1) * dlW + 1), 12)
        x = r.standard_normal((2, 2, H, W))
        ro, ri = F.max_pool2d(ref_torch.tensor(x), (kH, kW), (dH, dW), (pH, pW), (dlH, dlW), ceil_mode=bool(ceil),
                              return_indices=True)
        o, i = fresh(), fresh()
        call(lib.THNN_SpatialDilatedMaxPooling_updateOutput, T(x), o, i, kW, kH, dW, dH, pW, pH, dlW, dlH, ceil, 0)
        np.testing.assert_array_equal(npy(o), ro.numpy())
        np.testing.assert_array_equal(npy(i), ri.numpy())
        ra = F.avg_pool2d(ref_torch.tensor(x), (kH, kW), (dH, dW), (pH, pW), ceil_mode=bool(ceil), count_include_pad=bool(cip))
        oa = fresh()
        call(lib.THNN_SpatialAveragePooling_updateOutput, T(x), oa, kW, kH, dW, dH, pW, pH, ceil, cip)
        np.testing.assert_allclose(npy(oa), ra.numpy(), rtol=1e-12, atol=1e-15)


def test_output_aliasing_input(ref_torch, rng):
    # output == input (Lua code may pass the same tensor): the kernel reads a private copy
    F = ref_torch.nn.functional
    x = rng.standard_normal((2, 3, 6, 6))
    ref = F.max_pool2d(ref_torch.tensor(x), 2, 2).numpy()
    t = _wrap(lib.THTensor_newClone(T(x)._t))   # TH-owned, resizable storage
    call(lib.THNN_SpatialMaxPooling_updateOutput, t, t, fresh(), 2, 2, 2, 2, 0, 0, 0, 0)
    np.testing.assert_array_equal(npy(t), ref)
    t = _wrap(lib.THTensor_newClone(T(x)._t))   # TH-owned, resizable storage
    call(lib.THNN_SpatialUpSamplingNearest_updateOutput, t, t, 2)
    np.testing.assert_array_equal(npy(t), x.repeat(2, axis=2).repeat(2, axis=3))
    t = _wrap(lib.THTensor_newClone(T(x)._t))   # TH-owned, resizable storage
    call(lib.THNN_SpatialReflectionPadding_updateOutput, t, t, 1, 2, 0, 1)
    np.testing.assert_array_equal(npy(t), np.pad(x, ((0, 0), (0, 0), (0, 1), (1, 2)), mode="reflect"))


def test_no_leaks(rng):
    import gc
    gc.collect()
    before = lib.TH_allocatedBytes()
    x = T(rng.standard_normal((2, 3, 6, 6)))
    o, i, gi = fresh(), fresh(), fresh()
    call(lib.THNN_SpatialMaxPooling_updateOutput, x, o, i, 2, 2, 2, 2, 0, 0, 0, 0)
    bad = T(npy(i) + 100, np.int64)
    with pytest.raises(IndexError):
        call(lib.THNN_SpatialMaxPooling_updateGradInput, x, o, gi, bad, 2, 2, 2, 2, 0, 0, 0, 0)
    with pytest.raises(IndexError):
        call(lib.THNN_SpatialMaxUnpooling_updateOutput, o, fresh(), bad, 6, 6, 0)
    with pytest.raises(ValueError):
        call(lib.THNN_SpatialFractionalMaxPooling_updateOutput, x, fresh(), 3, 3, 2, 2, fresh(), T(np.full((2, 3, 2), 2.0)), 0)
    call(lib.THNN_SpatialUpSamplingBilinear_updateOutput, T(npy(x), np.float32), fresh(), 9, 9, 0)
    call(lib.THNN_SpatialReplicationPadding_updateGradInput, x, T(np.ones((2, 3, 8, 8))), fresh(), 1, 1, 1, 1)
    del x, o, i, gi, bad
    gc.collect()
    assert lib.TH_allocatedBytes() == before
