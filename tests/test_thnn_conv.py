"""THNN convolution kernels against PyTorch CPU (conv1d/2d/3d, conv_transpose2d/3d, unfold for
the untied SpatialConvolutionLocal): forward, gradInput, accGradParameters with scale,
batch == stacked samples, finite-difference Jacobians, buffer reuse and bad inputs."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like._lib import ffi
from tests.thnn_util import T, call, fresh, npy

TOL = {np.float64: dict(rtol=1e-9, atol=1e-10), np.float32: dict(rtol=1e-4, atol=1e-4)}


# ---------------------------------------------------------------- op table
# Each op: spatial dims, transposed, which of dilation/adj its signature carries, buffer style.
OPS = {
    "SpatialConvolutionMM": dict(nsp=2, tr=False, dil=False, adj=False, bufs="mm"),
    "SpatialDilatedConvolution": dict(nsp=2, tr=False, dil=True, adj=False, bufs="cols"),
    "SpatialFullConvolution": dict(nsp=2, tr=True, dil=False, adj=True, bufs="cols"),
    "SpatialFullDilatedConvolution": dict(nsp=2, tr=True, dil=True, adj=True, bufs="cols"),
    "VolumetricConvolutionMM": dict(nsp=3, tr=False, dil=False, adj=False, bufs="mm"),
    "VolumetricDilatedConvolution": dict(nsp=3, tr=False, dil=True, adj=False, bufs="cols"),
    "VolumetricFullConvolution": dict(nsp=3, tr=True, dil=False, adj=True, bufs="mm"),
    "VolumetricFullDilatedConvolution": dict(nsp=3, tr=True, dil=True, adj=True, bufs="mm"),
}


def int_args(op, k, s, p, d, a):
    """Torch7 argument order: (kW, kH, dW, dH, padW, padH[, dilW, dilH][, adjW, adjH]) for 2-D,
    (kT, kW, kH, dT, dW, dH, pT, pW, pH[, dilT, dilW, dilH][, aT, aW, aH]) for 3-D; k etc. in
    PyTorch order (T,) H, W."""
    spec = OPS[op]
    if spec["nsp"] == 2:
        rev = lambda v: [v[1], v[0]]
        out = rev(k) + rev(s) + rev(p)
    else:
        rev = lambda v: [v[0], v[2], v[1]]
        out = rev(k) + rev(s) + rev(p)
    if spec["dil"]:
        out += rev(d)
    if spec["adj"]:
        out += rev(a)
    return out


class Conv:
    """Calls one op's three kernels with persistent buffers, like an nn module would."""

    def __init__(self, op, k, s=None, p=None, d=None, a=None, groups=1):
        n = OPS[op]["nsp"]
        self.op, self.groups = op, groups
        self.k, self.s = list(k), list(s or [1] * n)
        self.p, self.d, self.a = list(p or [0] * n), list(d or [1] * n), list(a or [0] * n)
        self.ints = int_args(op, self.k, self.s, self.p, self.d, self.a)
        self.b1, self.b2 = fresh(), fresh()

    def fwd_bufs(self):
        return (self.b1, self.b2)

    def bwd_bufs(self):
        return (self.b1, self.b2) if OPS[self.op]["bufs"] == "mm" else (self.b2,)

    def forward(self, x, w, b, out=None):
        out = fresh() if out is None else out
        call("THNN_%s_updateOutput" % self.op, x, out, w, b, *self.fwd_bufs(), *self.ints, self.groups)
        return out

    def grad_input(self, x, go, w, gin=None):
        gin = fresh() if gin is None else gin
        call("THNN_%s_updateGradInput" % self.op, x, go, gin, w, *self.bwd_bufs(), *self.ints, self.groups)
        return gin

    def acc(self, x, go, gw, gb, scale=1.0):
        call("THNN_%s_accGradParameters" % self.op, x, go, gw, gb, *self.fwd_bufs(), *self.ints, scale,
             self.groups)

    def torch_ref(self, torch, x, w, b):
        F = torch.nn.functional
        n = OPS[self.op]["nsp"]
        if OPS[self.op]["tr"]:
            f = F.conv_transpose2d if n == 2 else F.conv_transpose3d
            return f(x, w, b, stride=self.s, padding=self.p, output_padding=self.a, groups=self.groups,
                     dilation=self.d)
        f = F.conv2d if n == 2 else F.conv3d
        return f(x, w, b, stride=self.s, padding=self.p, dilation=self.d, groups=self.groups)


def weight_shape(op, cin, cout, k, groups):
    return [cin, cout // groups] + list(k) if OPS[op]["tr"] else [cout, cin // groups] + list(k)


def run_all(conv, x, w, b, go, dtype, scale=0.7):
    """Ours: output, gradInput, gradWeight, gradBias (accGradParameters from zero, times scale)."""
    X, W, B, GO = T(x, dtype), T(w, dtype), None if b is None else T(b, dtype), T(go, dtype)
    out = conv.forward(X, W, B)
    gin = conv.grad_input(X, GO, W)
    gw = T(np.zeros(w.shape), dtype)
    gb = None if b is None else T(np.zeros(b.shape), dtype)
    conv.acc(X, GO, gw, gb, scale)
    return npy(out), npy(gin), npy(gw), None if gb is None else npy(gb)


def torch_all(torch, conv, x, w, b, go, scale=0.7):
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    ins = [xt, wt]
    bt = None
    if b is not None:
        bt = torch.tensor(b, requires_grad=True)
        ins.append(bt)
    y = conv.torch_ref(torch, xt, wt, bt)
    grads = torch.autograd.grad(y, ins, torch.tensor(go))
    return (y.detach().numpy(), grads[0].numpy(), scale * grads[1].numpy(),
            None if b is None else scale * grads[2].numpy())


# (op, cin, cout, spatial input size, kernel, stride, padding, dilation, adj, groups, bias)
CASES = [
    ("SpatialConvolutionMM", 3, 4, (7, 6), (3, 3), (1, 1), (0, 0), None, None, 1, True),
    ("SpatialConvolutionMM", 4, 6, (7, 9), (3, 2), (2, 1), (1, 2), None, None, 2, True),
    ("SpatialConvolutionMM", 4, 4, (5, 5), (1, 1), (1, 1), (0, 0), None, None, 4, False),
    ("SpatialConvolutionMM", 2, 3, (6, 8), (5, 5), (3, 2), (2, 2), None, None, 1, True),
    ("SpatialConvolutionMM", 3, 2, (3, 5), (5, 5), (1, 1), (4, 2), None, None, 1, True),   # same width, tall pad
    ("SpatialDilatedConvolution", 2, 3, (6, 7), (3, 3), (1, 1), (2, 2), (2, 2), None, 1, True),
    ("SpatialDilatedConvolution", 3, 4, (9, 8), (3, 3), (1, 2), (2, 1), (2, 3), None, 1, True),
    ("SpatialDilatedConvolution", 4, 2, (8, 8), (2, 3), (2, 1), (0, 1), (3, 1), None, 2, False),
    ("SpatialFullConvolution", 3, 4, (4, 5), (3, 3), (2, 2), (1, 0), None, (1, 0), 1, True),
    ("SpatialFullConvolution", 4, 6, (3, 4), (2, 3), (1, 3), (0, 1), None, (0, 2), 2, False),
    ("SpatialFullDilatedConvolution", 2, 3, (4, 4), (3, 2), (2, 1), (1, 0), (2, 2), (1, 1), 1, True),
    ("VolumetricConvolutionMM", 2, 3, (4, 5, 6), (2, 3, 2), (1, 2, 1), (1, 0, 1), None, None, 1, True),
    ("VolumetricConvolutionMM", 2, 2, (3, 4, 5), (3, 3, 3), (1, 1, 1), (1, 1, 1), None, None, 1, True),
    ("VolumetricConvolutionMM", 4, 4, (3, 4, 4), (1, 2, 2), (2, 1, 2), (0, 1, 0), None, None, 2, False),
    ("VolumetricDilatedConvolution", 2, 2, (5, 5, 5), (2, 2, 2), (1, 1, 2), (1, 0, 1), (2, 1, 2), None, 1, True),
    ("VolumetricFullConvolution", 2, 3, (2, 3, 3), (2, 3, 2), (2, 1, 2), (0, 1, 1), None, (1, 0, 1), 1, True),
    ("VolumetricFullConvolution", 4, 2, (2, 2, 3), (2, 2, 2), (1, 2, 1), (0, 0, 1), None, (0, 1, 0), 2, False),
    ("VolumetricFullDilatedConvolution", 2, 2, (2, 3, 2), (2, 2, 2), (1, 2, 1), (1, 0, 0), (2, 1, 2), (1, 1, 0), 1, True),
]


def case_id(c):
    return "%s-g%d-%s" % (c[0], c[9], "x".join(map(str, c[3])))


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_against_torch(ref_torch, case, dtype):
    op, cin, cout, size, k, s, p, d, a, G, has_bias = case
    conv = Conv(op, k, s, p, d, a, G)
    rng = np.random.default_rng(7)
    N = 3
    x = rng.standard_normal((N, cin) + size).astype(dtype)
    w = rng.standard_normal(weight_shape(op, cin, cout, k, G)).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype) if has_bias else None
    yref = conv.torch_ref(ref_torch, ref_torch.tensor(x), ref_torch.tensor(w),
                          None if b is None else ref_torch.tensor(b))
    go = rng.standard_normal(tuple(yref.shape)).astype(dtype)
    ours = run_all(conv, x, w, b, go, dtype)
    ref = torch_all(ref_torch, conv, x, w, b, go)
    for name, o, r in zip(("output", "gradInput", "gradWeight", "gradBias"), ours, ref):
        if r is None:
            continue
        assert o.shape == r.shape, name
        np.testing.assert_allclose(o, r, err_msg=name, **TOL[dtype])
    # batch == stacked single samples (fresh buffers, 3-D/4-D input)
    single = Conv(op, k, s, p, d, a, G)
    for n in range(N):
        so = run_all(single, x[n], w, b, go[n], dtype)
        np.testing.assert_allclose(so[0], ours[0][n], **TOL[dtype])
        np.testing.assert_allclose(so[1], ours[1][n], **TOL[dtype])


def test_mm_weight_2d_equals_4d():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 4, 6, 5)), rng.standard_normal((6, 2, 3, 3))
    b, go = rng.standard_normal(6), rng.standard_normal((2, 6, 4, 3))
    r4 = run_all(Conv("SpatialConvolutionMM", (3, 3), groups=2), x, w, b, go, np.float64)
    r2 = run_all(Conv("SpatialConvolutionMM", (3, 3), groups=2), x, w.reshape(6, 18), b, go, np.float64)
    for u, v in zip(r4, r2):
        np.testing.assert_allclose(u.ravel(), v.ravel(), rtol=1e-12)
    r5 = run_all(Conv("VolumetricConvolutionMM", (1, 3, 3), groups=2), x[:, :, None], w[:, :, None].reshape(6, 18),
                 b, go[:, :, None], np.float64)
    np.testing.assert_allclose(r5[0][:, :, 0], r4[0], rtol=1e-12)


def test_acc_grad_accumulates_and_scales():
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    go = rng.standard_normal((2, 4, 3, 3))
    conv = Conv("SpatialConvolutionMM", (3, 3))
    X, W, B, GO = T(x), T(w), T(b), T(go)
    conv.forward(X, W, B)
    gw, gb = T(np.ones(w.shape)), T(np.ones(4))
    conv.acc(X, GO, gw, gb, 1.0)
    once_w, once_b = npy(gw) - 1, npy(gb) - 1
    conv.acc(X, GO, gw, gb, 0.5)
    np.testing.assert_allclose(npy(gw), 1 + 1.5 * once_w, rtol=1e-12)
    np.testing.assert_allclose(npy(gb), 1 + 1.5 * once_b, rtol=1e-12)
    conv.acc(X, GO, gw, None, 0.0)   # no bias, scale 0: nothing changes
    np.testing.assert_allclose(npy(gw), 1 + 1.5 * once_w, rtol=1e-12)


# ---------------------------------------------------------------- Temporal and Local

def temporal_run(x, w, b, go, kW, dW, dtype, scale=0.7):
    ifs, ofs = x.shape[-1], w.shape[0]
    X, W, GO = T(x, dtype), T(w, dtype), T(go, dtype)
    B = None if b is None else T(b, dtype)
    out, gin = fresh(), fresh()
    call("THNN_TemporalConvolution_updateOutput", X, out, W, B, kW, dW, ifs, ofs)
    call("THNN_TemporalConvolution_updateGradInput", X, GO, gin, W, kW, dW)
    gw = T(np.zeros(w.shape), dtype)
    gb = None if b is None else T(np.zeros(b.shape), dtype)
    call("THNN_TemporalConvolution_accGradParameters", X, GO, gw, gb, kW, dW, scale)
    return npy(out), npy(gin), npy(gw), None if gb is None else npy(gb)


def temporal_torch(torch, x, w, b, go, kW, dW, scale=0.7):
    ifs, ofs = x.shape[-1], w.shape[0]
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    wk = wt.reshape(ofs, kW, ifs).permute(0, 2, 1)
    y = torch.nn.functional.conv1d(xt.transpose(-1, -2), wk, bt, stride=dW).transpose(-1, -2)
    g = torch.autograd.grad(y, (xt, wt, bt), torch.tensor(go))
    return y.detach().numpy(), g[0].numpy(), scale * g[1].numpy(), scale * g[2].numpy()


@pytest.mark.parametrize("kW,dW,nframe", [(3, 1, 9), (3, 2, 10), (2, 3, 11), (4, 4, 8), (5, 2, 5), (1, 1, 4)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_temporal(ref_torch, kW, dW, nframe, dtype):
    rng = np.random.default_rng(3)
    ifs, ofs, N = 4, 5, 3
    x = rng.standard_normal((N, nframe, ifs)).astype(dtype)
    w = rng.standard_normal((ofs, kW * ifs)).astype(dtype)
    b = rng.standard_normal(ofs).astype(dtype)
    nout = (nframe - kW) // dW + 1
    go = rng.standard_normal((N, nout, ofs)).astype(dtype)
    ours = temporal_run(x, w, b, go, kW, dW, dtype)
    ref = temporal_torch(ref_torch, x, w, b, go, kW, dW)
    for name, o, r in zip(("output", "gradInput", "gradWeight", "gradBias"), ours, ref):
        np.testing.assert_allclose(o, r, err_msg=name, **TOL[dtype])
    for n in range(N):
        so = temporal_run(x[n], w, b, go[n], kW, dW, dtype)
        np.testing.assert_allclose(so[0], ours[0][n], **TOL[dtype])
        np.testing.assert_allclose(so[1], ours[1][n], **TOL[dtype])


def local_run(x, w, b, go, k, s, p, dtype, scale=0.7, bufs=None):
    kH, kW = k
    iH, iW = x.shape[-2:]
    oH, oW = go.shape[-2:]
    ints = (kW, kH, s[1], s[0], p[1], p[0], iW, iH, oW, oH)
    X, W, GO = T(x, dtype), T(w, dtype), T(go, dtype)
    B = None if b is None else T(b, dtype)
    fin, fgi = bufs or (fresh(), fresh())
    out, gin = fresh(), fresh()
    call("THNN_SpatialConvolutionLocal_updateOutput", X, out, W, B, fin, fgi, *ints)
    call("THNN_SpatialConvolutionLocal_updateGradInput", X, GO, gin, W, fin, fgi, *ints)
    gw = T(np.zeros(w.shape), dtype)
    gb = None if b is None else T(np.zeros(b.shape), dtype)
    call("THNN_SpatialConvolutionLocal_accGradParameters", X, GO, gw, gb, fin, fgi, *ints, scale)
    return npy(out), npy(gin), npy(gw), None if gb is None else npy(gb)


def local_torch(torch, x, w, b, go, k, s, p, scale=0.7):
    """Untied convolution through unfold: out[n, o, l] = sum_k W[l, o, k] cols[n, k, l] + b[o, l]."""
    xt, wt, bt = (torch.tensor(v, requires_grad=True) for v in (x, w, b))
    cols = torch.nn.functional.unfold(xt, k, padding=p, stride=s)
    oH, oW = go.shape[-2:]
    w3 = wt.reshape(oH * oW, b.shape[0], -1)
    y = torch.einsum("lok,nkl->nol", w3, cols).reshape(x.shape[0], b.shape[0], oH, oW) + bt
    g = torch.autograd.grad(y, (xt, wt, bt), torch.tensor(go))
    return y.detach().numpy(), g[0].numpy(), scale * g[1].numpy(), scale * g[2].numpy()


@pytest.mark.parametrize("k,s,p,six", [((3, 3), (1, 1), (0, 0), False), ((3, 2), (2, 1), (1, 2), True),
                                       ((2, 2), (2, 2), (0, 0), False)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_local(ref_torch, k, s, p, six, dtype):
    rng = np.random.default_rng(4)
    N, cin, cout, iH, iW = 2, 3, 4, 6, 5
    oH = (iH + 2 * p[0] - k[0]) // s[0] + 1
    oW = (iW + 2 * p[1] - k[1]) // s[1] + 1
    shape = (oH, oW, cout, cin, k[0], k[1]) if six else (oH * oW, cout, cin * k[0] * k[1])
    x = rng.standard_normal((N, cin, iH, iW)).astype(dtype)
    w = rng.standard_normal(shape).astype(dtype)
    b = rng.standard_normal((cout, oH, oW)).astype(dtype)
    go = rng.standard_normal((N, cout, oH, oW)).astype(dtype)
    ours = local_run(x, w, b, go, k, s, p, dtype)
    ref = local_torch(ref_torch, x, w, b, go, k, s, p)
    for name, o, r in zip(("output", "gradInput", "gradWeight", "gradBias"), ours, ref):
        np.testing.assert_allclose(o, r, err_msg=name, **TOL[dtype])
    so = local_run(x[1], w, b, go[1], k, s, p, dtype)
    np.testing.assert_allclose(so[0], ours[0][1], **TOL[dtype])
    np.testing.assert_allclose(so[1], ours[1][1], **TOL[dtype])


# ---------------------------------------------------------------- finite differences (float64)

def jacobian_check(f_out, grads, params, go, eps=1e-6, max_entries=40):
    """Central differences of sum(f(params) * go) against the analytic gradients (at most
    max_entries entries of each parameter, chosen at random)."""
    rng = np.random.default_rng(0)
    for arr, g in zip(params, grads):
        flat = arr.reshape(-1)
        idx = rng.choice(flat.size, min(flat.size, max_entries), replace=False)
        num = np.zeros(idx.size)
        for n, i in enumerate(idx):
            old = flat[i]
            flat[i] = old + eps
            up = np.sum(f_out() * go)
            flat[i] = old - eps
            dn = np.sum(f_out() * go)
            flat[i] = old
            num[n] = (up - dn) / (2 * eps)
        np.testing.assert_allclose(g.reshape(-1)[idx], num, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("op,k,s,p,d,a,G", [
    ("SpatialConvolutionMM", (2, 3), (2, 1), (1, 1), None, None, 2),
    ("SpatialFullDilatedConvolution", (2, 2), (2, 1), (0, 1), (1, 2), (1, 0), 1),
    ("VolumetricConvolutionMM", (2, 2, 2), (1, 2, 1), (1, 0, 0), None, None, 1),
    ("VolumetricFullConvolution", (2, 1, 2), (2, 1, 1), (0, 0, 1), None, (1, 0, 0), 2),
])
def test_jacobian(op, k, s, p, d, a, G):
    rng = np.random.default_rng(5)
    conv = Conv(op, k, s, p, d, a, G)
    n = OPS[op]["nsp"]
    x = rng.standard_normal((2, 2) + (3,) * n)
    w = rng.standard_normal(weight_shape(op, 2, 2, k, G))
    b = rng.standard_normal(2)
    go_shape = npy(conv.forward(T(x), T(w), T(b))).shape
    go = rng.standard_normal(go_shape)
    _, gin, gw, gb = run_all(conv, x, w, b, go, np.float64, scale=1.0)
    f = lambda: npy(conv.forward(T(x), T(w), T(b)))
    jacobian_check(f, (gin, gw, gb), (x, w, b), go)


def test_jacobian_temporal_and_local():
    rng = np.random.default_rng(6)
    x, w, b = rng.standard_normal((2, 7, 2)), rng.standard_normal((3, 3 * 2)), rng.standard_normal(3)
    go = rng.standard_normal((2, 3, 3))
    _, gin, gw, gb = temporal_run(x, w, b, go, 3, 2, np.float64, 1.0)
    jacobian_check(lambda: temporal_run(x, w, b, go, 3, 2, np.float64)[0], (gin, gw, gb), (x, w, b), go)
    x, w, b = rng.standard_normal((1, 2, 4, 3)), rng.standard_normal((4, 2, 8)), rng.standard_normal((2, 2, 2))
    go = rng.standard_normal((1, 2, 2, 2))
    _, gin, gw, gb = local_run(x, w, b, go, (2, 2), (2, 1), (0, 0), np.float64, 1.0)
    jacobian_check(lambda: local_run(x, w, b, go, (2, 2), (2, 1), (0, 0), np.float64)[0], (gin, gw, gb), (x, w, b), go)


# ---------------------------------------------------------------- layouts, buffers, sizes

def storage_ptr(t):
    return int(ffi.cast("intptr_t", t._t.storage.data)) if t._t.storage != ffi.NULL else 0


def test_buffers_reused_across_calls():
    rng = np.random.default_rng(8)
    x, w, b = T(rng.standard_normal((4, 3, 8, 8))), T(rng.standard_normal((5, 27))), T(rng.standard_normal(5))
    go = T(rng.standard_normal((4, 5, 8, 8)))
    conv = Conv("SpatialConvolutionMM", (3, 3), p=(1, 1))
    out, gin = fresh(), fresh()
    gw, gb = T(np.zeros((5, 27))), T(np.zeros(5))

    def step():
        conv.forward(x, w, b, out)
        conv.grad_input(x, go, w, gin)
        conv.acc(x, go, gw, gb)
        return [storage_ptr(t) for t in (out, gin, conv.b1, conv.b2)]

    first = step()
    assert tuple(conv.b1.shape) == (4, 27, 64)   # finput: N x (nIn*kH*kW) x (oH*oW), as THNN
    assert step() == first and step() == first
    for op, k in (("SpatialFullConvolution", (2, 2)), ("VolumetricConvolutionMM", (1, 2, 2))):
        c = Conv(op, k)
        xx = T(rng.standard_normal((2, 3, 4, 4) if op.startswith("Spatial") else (2, 3, 1, 4, 4)))
        ww = T(rng.standard_normal(weight_shape(op, 3, 2, k, 1)))
        o = c.forward(xx, ww, None)
        ptrs = [storage_ptr(c.b1)]
        c.forward(xx, ww, None, o)
        assert [storage_ptr(c.b1)] == ptrs


def test_noncontiguous_inputs_and_outputs(ref_torch):
    rng = np.random.default_rng(9)
    xa = rng.standard_normal((2, 3, 6, 7))
    w, b = rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    x = T(xa).transpose(2, 3)                     # 2 x 3 x 7 x 6, strided
    assert not x.is_contiguous()
    wt = T(np.ascontiguousarray(w.transpose(1, 0, 2, 3))).transpose(0, 1)
    out = T(np.zeros((2, 5, 4, 4))).transpose(1, 3)   # 2 x 4 x 5 x 4 non-contiguous output
    conv = Conv("SpatialConvolutionMM", (3, 3))
    conv.forward(x, wt, T(b), out)
    ref = ref_torch.nn.functional.conv2d(ref_torch.tensor(xa).transpose(2, 3), ref_torch.tensor(w), ref_torch.tensor(b))
    np.testing.assert_allclose(npy(out), ref.numpy(), rtol=1e-10)
    go = T(rng.standard_normal((2, 4, 4, 5))).transpose(2, 3)
    gin = T(np.zeros((2, 3, 6, 7))).transpose(2, 3)
    conv.grad_input(x, go, wt, gin)
    xt = ref_torch.tensor(xa).transpose(2, 3).requires_grad_()
    y = ref_torch.nn.functional.conv2d(xt, ref_torch.tensor(w))
    g, = ref_torch.autograd.grad(y, (xt,), ref_torch.tensor(npy(go)))
    np.testing.assert_allclose(npy(gin), g.numpy(), rtol=1e-10)


def test_zero_batch_and_one_by_one():
    conv = Conv("SpatialConvolutionMM", (3, 3), p=(1, 1))
    x, w = T(np.zeros((0, 2, 4, 4))), T(np.ones((3, 2, 3, 3)))
    out = conv.forward(x, w, None)
    assert tuple(out.shape) == (0, 3, 4, 4)
    gin = conv.grad_input(x, T(np.zeros((0, 3, 4, 4))), w)
    assert tuple(gin.shape) == (0, 2, 4, 4)
    gw = T(np.zeros((3, 2, 3, 3)))
    conv.acc(x, T(np.zeros((0, 3, 4, 4))), gw, None)
    assert not npy(gw).any()


def test_output_dtype_follows_input():
    conv = Conv("SpatialConvolutionMM", (2, 2))
    out = conv.forward(T(np.ones((1, 1, 3, 3)), np.float32), T(np.ones((1, 1, 2, 2)), np.float32), None)
    assert out.dtype == P.float32
    np.testing.assert_array_equal(npy(out), np.full((1, 1, 2, 2), 4.0))


# ---------------------------------------------------------------- bad inputs

def mm(x, w, b=None, k=(3, 3), p=(0, 0), s=(1, 1), groups=1):
    return Conv("SpatialConvolutionMM", k, s, p, groups=groups).forward(x, w, b)


def test_bad_output_size():
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: calculated output size \(-1 x 3\) is too small"):
        mm(T(np.zeros((1, 2, 1, 5))), T(np.zeros((4, 2, 3, 3))))
    with pytest.raises(ValueError, match=r"SpatialFullConvolution: .*too small"):
        Conv("SpatialFullConvolution", (2, 2), p=(3, 3)).forward(T(np.zeros((1, 2, 2, 2))), T(np.zeros((2, 1, 2, 2))), None)
    with pytest.raises(ValueError, match=r"VolumetricConvolutionMM: calculated output size \(0 x 2 x 1\)"):
        Conv("VolumetricConvolutionMM", (3, 1, 1)).forward(T(np.zeros((1, 2, 2, 1))), T(np.zeros((1, 1, 3, 1, 1))), None)
    with pytest.raises(ValueError, match=r"TemporalConvolution: calculated output size \(-1\) is too small"):
        temporal_run(np.zeros((2, 3)), np.zeros((2, 12)), np.zeros(2), np.zeros((1, 2)), 4, 1, np.float64)


def test_bad_shapes():
    x = T(np.zeros((2, 3, 5, 5)))
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: expected weight of size .*got \[4 x 3 x 2 x 2\]"):
        mm(x, T(np.zeros((4, 3, 2, 2))))
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: expected weight of size .*got \[4 x 26\]"):
        mm(x, T(np.zeros((4, 26))))
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: expected input with 2 planes"):
        mm(x, T(np.zeros((4, 2, 3, 3))))
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: expected 3D or 4D input \(batch mode\), got \[3 x 5\]"):
        mm(T(np.zeros((3, 5))), T(np.zeros((4, 3, 3, 3))))
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: expected bias of size \[4\], got \[5\]"):
        mm(x, T(np.zeros((4, 3, 3, 3))), T(np.zeros(5)))
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: nOutputPlane 4 is not divisible by groups 3"):
        mm(T(np.zeros((2, 3, 5, 5))), T(np.zeros((4, 1, 3, 3))), groups=3)
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: stride should be greater than zero"):
        mm(x, T(np.zeros((4, 3, 3, 3))), s=(0, 1))
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: expected gradOutput of size \[2 x 4 x 3 x 3\]"):
        Conv("SpatialConvolutionMM", (3, 3)).grad_input(x, T(np.zeros((2, 4, 3, 4))), T(np.zeros((4, 3, 3, 3))))
    with pytest.raises(ValueError, match=r"SpatialFullConvolution: output padding \(adj\) must be smaller"):
        Conv("SpatialFullConvolution", (2, 2), a=(2, 0)).forward(x, T(np.zeros((3, 2, 2, 2))), None)
    with pytest.raises(ValueError, match=r"SpatialConvolutionLocal: expected input of height x width 6 x 6"):
        call("THNN_SpatialConvolutionLocal_updateOutput", T(np.zeros((1, 2, 5, 5))), fresh(), T(np.zeros((9, 3, 8))),
             None, fresh(), fresh(), 2, 2, 2, 2, 0, 0, 6, 6, 3, 3)
    with pytest.raises(ValueError, match=r"TemporalConvolution: expected weight of size \[outputFrameSize x 12\]"):
        call("THNN_TemporalConvolution_updateOutput", T(np.zeros((5, 4))), fresh(), T(np.zeros((2, 8))), None,
             3, 1, 4, 2)


def test_acc_grad_needs_finput_from_forward():
    conv = Conv("SpatialConvolutionMM", (3, 3))
    x, go = T(np.zeros((2, 3, 5, 5))), T(np.zeros((2, 4, 3, 3)))
    with pytest.raises(ValueError, match=r"SpatialConvolutionMM: finput of size .* does not hold the unfolded input"):
        conv.acc(x, go, T(np.zeros((4, 3, 3, 3))), None)


def test_bad_dtypes():
    with pytest.raises(TypeError, match=r"SpatialConvolutionMM: expected a float32 or float64 tensor for input, got int64"):
        mm(P.zeros(1, 3, 5, 5, dtype=P.int64), T(np.zeros((4, 3, 3, 3))))
    with pytest.raises(TypeError, match=r"SpatialConvolutionMM: weight has dtype float32 but input has dtype float64"):
        mm(T(np.zeros((1, 3, 5, 5))), T(np.zeros((4, 3, 3, 3)), np.float32))
    with pytest.raises(TypeError, match=r"TemporalConvolution: expected a float32 or float64 tensor for input"):
        call("THNN_TemporalConvolution_updateOutput", P.zeros(5, 4, dtype=P.int32), fresh(), T(np.zeros((2, 12))),
             None, 3, 1, 4, 2)
    with pytest.raises(TypeError, match=r"SpatialConvolutionLocal: expected a float32"):
        call("THNN_SpatialConvolutionLocal_updateOutput", P.zeros(1, 2, 4, 4, dtype=P.uint8), fresh(),
             T(np.zeros((4, 3, 8))), None, fresh(), fresh(), 2, 2, 2, 2, 0, 0, 4, 4, 2, 2)
    conv = Conv("SpatialConvolutionMM", (3, 3))
    conv.b1 = T(np.zeros(3), np.float32)      # a float32 buffer for float64 input
    with pytest.raises(TypeError, match=r"SpatialConvolutionMM: expected buffer finput of dtype float64, got float32"):
        conv.forward(T(np.zeros((1, 3, 5, 5))), T(np.zeros((4, 3, 3, 3))), None)


@pytest.mark.parametrize("N,cin,cout,size,k,p,G", [
    (2, 5, 7, (13, 11), (3, 3), (1, 0), 1),     # ragged tiles in every gemm
    (1, 32, 9, (24, 24), (3, 3), (1, 1), 1),    # K > 256 and P > 512: several blocks, serial threaded path
    (3, 6, 12, (20, 17), (2, 3), (0, 1), 3),
])
def test_float32_larger_shapes(ref_torch, N, cin, cout, size, k, p, G):
    """Shapes large enough for the blocked float32 gemm paths, including ragged edges."""
    rng = np.random.default_rng(11)
    conv = Conv("SpatialConvolutionMM", k, p=p, groups=G)
    x = rng.standard_normal((N, cin) + size).astype(np.float32)
    w = rng.standard_normal((cout, cin // G) + k).astype(np.float32)
    b = rng.standard_normal(cout).astype(np.float32)
    yref = conv.torch_ref(ref_torch, ref_torch.tensor(x), ref_torch.tensor(w), ref_torch.tensor(b))
    go = rng.standard_normal(tuple(yref.shape)).astype(np.float32)
    ours = run_all(conv, x, w, b, go, np.float32)
    ref = torch_all(ref_torch, conv, x, w, b, go)
    for name, o, r in zip(("output", "gradInput", "gradWeight", "gradBias"), ours, ref):
        np.testing.assert_allclose(o, r, err_msg=name, rtol=1e-4, atol=1e-3)


def test_float32_larger_transposed(ref_torch):
    rng = np.random.default_rng(12)
    conv = Conv("SpatialFullConvolution", (3, 3), s=(2, 2), p=(1, 1), a=(1, 1), groups=1)
    x = rng.standard_normal((2, 19, 9, 10)).astype(np.float32)
    w = rng.standard_normal((19, 7, 3, 3)).astype(np.float32)
    b = rng.standard_normal(7).astype(np.float32)
    yref = conv.torch_ref(ref_torch, ref_torch.tensor(x), ref_torch.tensor(w), ref_torch.tensor(b))
    go = rng.standard_normal(tuple(yref.shape)).astype(np.float32)
    for name, o, r in zip(("output", "gradInput", "gradWeight", "gradBias"), run_all(conv, x, w, b, go, np.float32),
                          torch_all(ref_torch, conv, x, w, b, go)):
        np.testing.assert_allclose(o, r, err_msg=name, rtol=1e-4, atol=1e-3)


def assert_same_without_avx512(cases, seed):
    """Float32 3x3 stride-1 convolutions (cases: (op, padding, dilation, groups, N, cin, cout, size)) give
    the same four results with THNN_CONV_NO_AVX512 set (no AVX-512 gemm or direct kernels: the path of
    CPUs without AVX-512) as by default, each run in a fresh process."""
    import io
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    script = (
        "import numpy as np, sys\n"
        "sys.path.insert(0, %r)\n"
        "from tests.test_thnn_conv import Conv, run_all\n"
        "rng = np.random.default_rng(%d)\n"
        "for op, p, d, G, N, cin, cout, size in %r:\n"
        "    conv = Conv(op, (3, 3), p=p, d=d, groups=G)\n"
        "    x = rng.standard_normal((N, cin, *size)).astype(np.float32)\n"
        "    w = rng.standard_normal((cout, cin // G, 3, 3)).astype(np.float32)\n"
        "    b = rng.standard_normal(cout).astype(np.float32)\n"
        "    osz = [s + 2 * pp - 2 * dd for s, pp, dd in zip(size, p, d)]\n"
        "    go = rng.standard_normal((N, cout, *osz)).astype(np.float32)\n"
        "    for a in run_all(conv, x, w, b, go, np.float32):\n"
        "        np.save(sys.stdout.buffer, a)\n" % (root, seed, cases))
    outs = []
    for env_extra in ({}, {"THNN_CONV_NO_AVX512": "1"}):
        env = dict(os.environ, **env_extra)
        r = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, cwd=root)
        assert r.returncode == 0, r.stderr.decode()
        buf = io.BytesIO(r.stdout)
        outs.append([np.load(buf) for _ in range(4 * len(cases))])
    for u, v in zip(*outs):
        np.testing.assert_allclose(u, v, rtol=1e-4, atol=1e-3)


def test_openblas_fallback_path():
    """THNN_CONV_NO_AVX512 routes float32 gemms to OpenBLAS: same results as the default path."""
    mm = "SpatialConvolutionMM"
    assert_same_without_avx512([(mm, (1, 1), (1, 1), 1, 2, 6, 8, (13, 11)), (mm, (1, 1), (1, 1), 2, 2, 6, 8, (20, 9))],
                               13)
