"""pytorch_like.nn's volumetric ops and grid_sample (on the THNN Volumetric* and
SpatialGridSamplerBilinear kernels) against PyTorch CPU: values, gradients, indices, bad input."""
import numpy as np
import pytest

import pytorch_like as P
import pytorch_like.nn as pnn
import pytorch_like.nn.functional as F

TOL = dict(rtol=1e-10, atol=1e-10)


def both(torch, x, **kw):
    """(pytorch_like, torch) leaf tensors of x requiring grad."""
    return P.tensor(x, requires_grad=True, **kw), torch.tensor(x, requires_grad=True)


def grads(out_p, out_t, xp, xt, rng):
    go = rng.normal(size=tuple(out_t.shape))
    out_p.backward(P.tensor(go))
    out_t.backward(out_t.new_tensor(go))
    return xp.grad.numpy(), xt.grad.numpy()


@pytest.mark.parametrize("ceil", [False, True])
def test_max_pool3d(ref_torch, rng, ceil):
    x = rng.normal(size=(2, 3, 7, 6, 8))
    xp, xt = both(ref_torch, x)
    yp, ip = F.max_pool3d(xp, (2, 3, 2), (2, 1, 2), (1, 1, 0), (2, 1, 3), ceil, return_indices=True)
    yt, it = ref_torch.nn.functional.max_pool3d(xt, (2, 3, 2), (2, 1, 2), (1, 1, 0), (2, 1, 3), ceil,
                                                return_indices=True)
    np.testing.assert_array_equal(yp.detach().numpy(), yt.detach().numpy())
    np.testing.assert_array_equal(ip.numpy(), it.numpy())
    gp, gt = grads(yp, yt, xp, xt, rng)
    np.testing.assert_allclose(gp, gt, **TOL)


def test_max_unpool3d_module(ref_torch, rng):
    x = rng.normal(size=(2, 2, 4, 6, 4))
    pool, unpool = pnn.MaxPool3d(2, return_indices=True), pnn.MaxUnpool3d(2)
    tpool, tunpool = ref_torch.nn.MaxPool3d(2, return_indices=True), ref_torch.nn.MaxUnpool3d(2)
    yp, ip = pool(P.tensor(x))
    yt, it = tpool(ref_torch.tensor(x))
    yp.requires_grad_(True)
    yt.requires_grad_(True)
    up, ut = unpool(yp, ip), tunpool(yt, it)
    np.testing.assert_array_equal(up.detach().numpy(), ut.detach().numpy())
    gp, gt = grads(up, ut, yp, yt, rng)
    np.testing.assert_allclose(gp, gt, **TOL)
    bad = ip.clone()
    bad.view(-1)[0] = 10 ** 6
    with pytest.raises(IndexError, match="out of bounds"):
        unpool(yp, bad)
    with pytest.raises(TypeError, match="int64"):
        unpool(yp, ip.double())


@pytest.mark.parametrize("shape", [(2, 3, 3, 4, 2), (3, 3, 4, 2)])
def test_replication_pad3d(ref_torch, rng, shape):
    x = rng.normal(size=shape)
    pads = (1, 2, 0, 1, 2, 1)
    xp, xt = both(ref_torch, x)
    yp, yt = pnn.ReplicationPad3d(pads)(xp), ref_torch.nn.ReplicationPad3d(pads)(xt)
    np.testing.assert_array_equal(yp.detach().numpy(), yt.detach().numpy())
    gp, gt = grads(yp, yt, xp, xt, rng)
    np.testing.assert_allclose(gp, gt, **TOL)
    np.testing.assert_array_equal(F.pad(P.tensor(x), (2, 0, 1, 1, 0, 3), mode="replicate").numpy(),
                                  ref_torch.nn.functional.pad(ref_torch.tensor(x), (2, 0, 1, 1, 0, 3),
                                                              mode="replicate").numpy())


@pytest.mark.parametrize("kw", [dict(scale_factor=2, mode="nearest"), dict(size=(5, 7, 4), mode="trilinear",
                                                                          align_corners=True),
                                dict(size=(4, 5, 6), mode="trilinear", align_corners=False)])
def test_interpolate_5d(ref_torch, rng, kw):
    x = rng.normal(size=(2, 2, 3, 4, 2))
    xp, xt = both(ref_torch, x)
    yp, yt = F.interpolate(xp, **kw), ref_torch.nn.functional.interpolate(xt, **kw)
    np.testing.assert_allclose(yp.detach().numpy(), yt.detach().numpy(), **TOL)
    gp, gt = grads(yp, yt, xp, xt, rng)
    np.testing.assert_allclose(gp, gt, **TOL)


def test_grid_sample(ref_torch, rng):
    x, g = rng.normal(size=(2, 3, 5, 6)), rng.uniform(-1.1, 1.1, size=(2, 4, 7, 2))
    xp, xt = both(ref_torch, x)
    gp_, gt_ = both(ref_torch, g)
    yp = F.grid_sample(xp, gp_, align_corners=True)
    yt = ref_torch.nn.functional.grid_sample(xt, gt_, align_corners=True)
    np.testing.assert_allclose(yp.detach().numpy(), yt.detach().numpy(), **TOL)
    gxp, gxt = grads(yp, yt, xp, xt, rng)
    np.testing.assert_allclose(gxp, gxt, **TOL)
    np.testing.assert_allclose(gp_.grad.numpy(), gt_.grad.numpy(), **TOL)


def test_bad_input():
    with pytest.raises(RuntimeError, match="max_pool3d: expected 4-D or 5-D"):
        F.max_pool3d(P.randn(2, 3, 4), 2)
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.max_pool3d(P.randn(1, 4, 4, 4), 2, padding=2)
    with pytest.raises(NotImplementedError, match="align_corners=True"):
        F.grid_sample(P.randn(1, 1, 3, 3), P.randn(1, 2, 2, 2))
    with pytest.raises(ValueError, match="expected grid of size"):
        F.grid_sample(P.randn(1, 1, 3, 3), P.randn(2, 2, 2, 2), align_corners=True)
    with pytest.raises(NotImplementedError, match="4-D or 5-D"):
        F.pad(P.randn(2, 3, 3), (1, 1, 1, 1, 1, 1), mode="replicate")
    with pytest.raises(ValueError, match="too small"):
        F.pad(P.randn(1, 2, 2, 2), (-3, 0, 0, 0, 0, 0), mode="replicate")
    with pytest.raises(NotImplementedError, match="one integer scale"):
        F.interpolate(P.randn(1, 1, 2, 2, 2), size=(4, 4, 6), mode="nearest")
    with pytest.raises(ValueError, match="6-tuple"):
        pnn.ReplicationPad3d((1, 2))


@pytest.mark.parametrize("ceil,include", [(False, True), (True, False), (True, True)])
def test_avg_pool3d(ref_torch, rng, ceil, include):
    x = rng.normal(size=(2, 3, 5, 6, 7))
    xp, xt = both(ref_torch, x)
    yp = pnn.AvgPool3d((2, 3, 2), (2, 2, 1), (1, 1, 0), ceil_mode=ceil, count_include_pad=include)(xp)
    yt = ref_torch.nn.AvgPool3d((2, 3, 2), (2, 2, 1), (1, 1, 0), ceil_mode=ceil, count_include_pad=include)(xt)
    np.testing.assert_allclose(yp.detach().numpy(), yt.detach().numpy(), **TOL)
    gp, gt = grads(yp, yt, xp, xt, rng)
    np.testing.assert_allclose(gp, gt, **TOL)
    # unbatched
    np.testing.assert_allclose(F.avg_pool3d(P.tensor(x[0]), 2).numpy(),
                               ref_torch.nn.functional.avg_pool3d(ref_torch.tensor(x[0]), 2).numpy(), **TOL)


@pytest.mark.parametrize("groups,stride,out_pad", [(1, (2, 2, 1), (1, 1, 0)), (2, (1, 2, 2), (0, 1, 1))])
def test_conv_transpose3d(ref_torch, rng, groups, stride, out_pad):
    x = rng.normal(size=(2, 4, 3, 4, 5))
    mp = pnn.ConvTranspose3d(4, 6, (2, 3, 2), stride, (1, 0, 1), out_pad, groups, dtype=P.float64)
    mt = ref_torch.nn.ConvTranspose3d(4, 6, (2, 3, 2), stride, (1, 0, 1), out_pad, groups).double()
    with ref_torch.no_grad():
        mt.weight.copy_(ref_torch.tensor(mp.weight.detach().numpy()))
        mt.bias.copy_(ref_torch.tensor(mp.bias.detach().numpy()))
    xp, xt = both(ref_torch, x)
    yp, yt = mp(xp), mt(xt)
    np.testing.assert_allclose(yp.detach().numpy(), yt.detach().numpy(), **TOL)
    gp, gt = grads(yp, yt, xp, xt, rng)
    np.testing.assert_allclose(gp, gt, **TOL)
    np.testing.assert_allclose(mp.weight.grad.numpy(), mt.weight.grad.numpy(), **TOL)
    np.testing.assert_allclose(mp.bias.grad.numpy(), mt.bias.grad.numpy(), **TOL)
    np.testing.assert_allclose(mp(P.tensor(x[0])).detach().numpy(), mt(ref_torch.tensor(x[0])).detach().numpy(),
                               **TOL)


def test_batch_norm3d(ref_torch, rng):
    x = rng.normal(size=(3, 2, 2, 3, 4))
    bp, bt = pnn.BatchNorm3d(2, dtype=P.float64), ref_torch.nn.BatchNorm3d(2).double()
    xp, xt = both(ref_torch, x)
    yp, yt = bp(xp), bt(xt)
    np.testing.assert_allclose(yp.detach().numpy(), yt.detach().numpy(), **TOL)
    np.testing.assert_allclose(bp.running_var.numpy(), bt.running_var.numpy(), **TOL)
    bp.eval(), bt.eval()
    np.testing.assert_allclose(bp(xp).detach().numpy(), bt(xt).detach().numpy(), **TOL)


def test_bad_input_pool_conv_bn3d():
    with pytest.raises(RuntimeError, match="AvgPool3d: expected 4-D or 5-D input"):
        pnn.AvgPool3d(2)(P.randn(2, 3, 4))
    with pytest.raises(RuntimeError, match="avg_pool3d: pad should be at most half of kernel size"):
        F.avg_pool3d(P.randn(1, 1, 4, 4, 4), 2, padding=2)
    with pytest.raises(NotImplementedError, match="avg_pool3d: divisor_override"):
        F.avg_pool3d(P.randn(1, 1, 4, 4, 4), 2, divisor_override=3)
    w = P.randn(4, 3, 2, 2, 2)
    with pytest.raises(RuntimeError, match="conv_transpose3d: expected 4-D or 5-D input"):
        F.conv_transpose3d(P.randn(4, 3, 3), w)
    with pytest.raises(RuntimeError, match="conv_transpose3d: expected input with 4 channels"):
        F.conv_transpose3d(P.randn(1, 3, 3, 3, 3), w)
    with pytest.raises(RuntimeError, match="output_padding .* must be smaller than stride"):
        F.conv_transpose3d(P.randn(1, 4, 3, 3, 3), w, stride=1, output_padding=1)
    with pytest.raises(NotImplementedError, match="conv_transpose3d: dilation"):
        F.conv_transpose3d(P.randn(1, 4, 3, 3, 3), w, dilation=2)
    with pytest.raises(ValueError, match="ConvTranspose3d: in_channels \\(3\\) must be divisible by groups \\(2\\)"):
        pnn.ConvTranspose3d(3, 4, 2, groups=2)
    with pytest.raises(ValueError, match="BatchNorm3d: expected 5-D input with 2 channels"):
        pnn.BatchNorm3d(2)(P.randn(2, 2, 3, 3))
