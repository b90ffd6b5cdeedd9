"""Layers and losses vs PyTorch CPU: same weights and inputs give the same outputs, input gradients,
parameter gradients and buffers (float64 to 1e-10, float32 to 1e-4); reprs match PyTorch's."""
import numpy as np
import pytest

import pytorch_like as P
import pytorch_like.nn as nn

R = np.random.default_rng(7)


def _f(*shape):
    return R.standard_normal(shape)


def _i(high, *shape):
    return R.integers(0, high, shape).astype(np.int64)


def _copy_state(rt, tm, pm):
    sd = {}
    for k, v in tm.state_dict().items():
        sd[k] = P.from_numpy(np.ascontiguousarray(v.detach().numpy()))
    pm.load_state_dict(sd)


def _run(rt, name, args, kwargs, inputs, dtype="float64", train=True, call_kw=None, tol=None):
    """Build nn.<name>(*args, **kwargs) in both libraries, copy the weights, compare forward and backward."""
    tdt = getattr(rt, dtype)
    pdt = getattr(P, dtype)
    rt.manual_seed(0)
    tm = getattr(rt.nn, name)(*args, **kwargs).to(tdt)
    pm = getattr(nn, name)(*args, **kwargs).to(pdt)
    _copy_state(rt, tm, pm)
    tm.train(train)
    pm.train(train)
    assert repr(pm) == repr(tm)
    tin, pin = [], []
    for a in inputs:
        if a.dtype.kind == "f":
            tin.append(rt.tensor(a, dtype=tdt, requires_grad=True))
            pin.append(P.tensor(a, dtype=pdt, requires_grad=True))
        else:
            tin.append(rt.tensor(a))
            pin.append(P.tensor(a))
    call_kw = call_kw or {}
    to = tm(*tin, **call_kw)
    po = pm(*pin, **call_kw)
    tol = tol or (1e-10 if dtype == "float64" else 1e-4)

    def flat(o):
        if isinstance(o, (tuple, list)):
            return [x for e in o for x in flat(e)]
        return [o] if o is not None else []
    tos, pos = flat(to), flat(po)
    assert len(tos) == len(pos)
    tl = 0
    pl = 0
    for t, p in zip(tos, pos):
        np.testing.assert_allclose(p.detach().numpy(), t.detach().numpy(), rtol=tol, atol=tol)
        if t.is_floating_point() and t.requires_grad:
            g = R.standard_normal(tuple(t.shape))
            tl = tl + (t * rt.tensor(g, dtype=tdt)).sum()
            pl = pl + (p * P.tensor(g, dtype=pdt)).sum()
    if not isinstance(tl, int):
        tl.backward()
        pl.backward()
        for t, p in zip(tin, pin):
            if t.requires_grad:
                np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)
        tparams = dict(tm.named_parameters())
        for k, p in pm.named_parameters():
            tg = tparams[k].grad
            if tg is None:
                assert p.grad is None or np.all(p.grad.numpy() == 0), k
            else:
                np.testing.assert_allclose(p.grad.numpy(), tg.numpy(), rtol=tol, atol=tol, err_msg=k)
    tb = dict(tm.named_buffers())
    for k, b in pm.named_buffers():
        np.testing.assert_allclose(b.numpy(), tb[k].numpy(), rtol=tol, atol=tol, err_msg=k)
    return pm, tm


LAYERS = [
    ("Linear", (6, 4), {}, [_f(3, 6)]),
    ("Linear", (6, 4), {"bias": False}, [_f(2, 5, 6)]),
    ("Linear", (6, 4), {}, [_f(6)]),
    ("Bilinear", (3, 4, 5), {}, [_f(6, 3), _f(6, 4)]),
    ("Conv1d", (4, 6, 3), {"stride": 2, "padding": 1}, [_f(2, 4, 11)]),
    ("Conv1d", (4, 6, 3), {"dilation": 2, "groups": 2, "padding": "same"}, [_f(2, 4, 11)]),
    ("Conv2d", (4, 6, 3), {"stride": 2, "padding": 1}, [_f(2, 4, 9, 8)]),
    ("Conv2d", (4, 6, (3, 2)), {"padding": "same", "dilation": (1, 2)}, [_f(2, 4, 7, 7)]),
    ("Conv2d", (4, 6, 3), {"padding": "valid", "groups": 2, "bias": False}, [_f(2, 4, 7, 7)]),
    ("Conv2d", (4, 8, 3), {"dilation": 2, "groups": 4, "stride": (2, 1), "padding": (1, 2)}, [_f(2, 4, 9, 9)]),
    ("Conv2d", (3, 5, 3), {}, [_f(3, 6, 6)]),
    ("Conv3d", (2, 4, 3), {"padding": 1, "stride": (1, 2, 1)}, [_f(2, 2, 5, 6, 5)]),
    ("Conv3d", (4, 4, 2), {"dilation": 2, "groups": 2}, [_f(1, 4, 5, 5, 5)]),
    ("ConvTranspose2d", (4, 6, 3), {"stride": 2, "padding": 1, "output_padding": 1}, [_f(2, 4, 5, 5)]),
    ("ConvTranspose2d", (4, 6, 3), {"stride": 2, "groups": 2, "dilation": 2, "bias": False}, [_f(2, 4, 4, 5)]),
    ("MaxPool1d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, [_f(2, 3, 10)]),
    ("MaxPool1d", (2,), {"return_indices": True}, [_f(2, 3, 9)]),
    ("MaxPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, [_f(2, 3, 8, 9)]),
    ("MaxPool2d", (2,), {"return_indices": True, "dilation": 2}, [_f(2, 3, 8, 8)]),
    ("MaxPool2d", ((2, 3),), {}, [_f(3, 7, 8)]),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1}, [_f(2, 3, 8, 9)]),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False}, [_f(2, 3, 8, 9)]),
    ("AdaptiveAvgPool2d", ((3, 4),), {}, [_f(2, 3, 8, 9)]),
    ("AdaptiveAvgPool2d", (1,), {}, [_f(2, 3, 5, 5)]),
    ("AdaptiveMaxPool2d", ((3, 2),), {}, [_f(2, 3, 7, 9)]),
    ("AdaptiveMaxPool2d", (2,), {"return_indices": True}, [_f(3, 7, 9)]),
    ("BatchNorm1d", (4,), {}, [_f(6, 4)]),
    ("BatchNorm1d", (4,), {"momentum": 0.3, "affine": False}, [_f(6, 4, 5)]),
    ("BatchNorm1d", (4,), {"track_running_stats": False}, [_f(6, 4, 5)]),
    ("BatchNorm1d", (4,), {"momentum": None}, [_f(6, 4)]),
    ("BatchNorm2d", (3,), {}, [_f(4, 3, 5, 5)]),
    ("LayerNorm", ((4, 5),), {}, [_f(3, 4, 5)]),
    ("LayerNorm", (5,), {"elementwise_affine": False}, [_f(3, 4, 5)]),
    ("GroupNorm", (2, 6), {}, [_f(3, 6, 4, 2)]),
    ("GroupNorm", (3, 6), {"affine": False}, [_f(3, 6, 5)]),
    ("Embedding", (10, 4), {}, [_i(10, 3, 5)]),
    ("Embedding", (10, 4), {"padding_idx": 2}, [np.array([[2, 3, 2], [1, 2, 9]])]),
    ("Embedding", (10, 4), {"scale_grad_by_freq": True}, [np.array([1, 3, 3, 1, 1])]),
    ("EmbeddingBag", (10, 4), {"mode": "sum"}, [_i(10, 3, 5)]),
    ("EmbeddingBag", (10, 4), {"mode": "mean"}, [_i(10, 3, 5)]),
    ("EmbeddingBag", (10, 4), {"mode": "max"}, [_i(10, 3, 5)]),
    ("EmbeddingBag", (10, 4), {"mode": "mean"}, [np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 4, 4])]),
    ("EmbeddingBag", (10, 4), {"mode": "max"}, [np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 3])]),
    ("EmbeddingBag", (10, 4), {"mode": "sum", "padding_idx": 4}, [np.array([1, 2, 4, 5, 4, 3, 2, 9]),
                                                                  np.array([0, 2, 5])]),
    ("RNN", (3, 5), {}, [_f(4, 2, 3)]),
    ("RNN", (3, 5, 2), {"nonlinearity": "relu", "batch_first": True, "bidirectional": True}, [_f(2, 4, 3)]),
    ("LSTM", (3, 5), {}, [_f(4, 2, 3)]),
    ("LSTM", (3, 5), {"num_layers": 2, "bidirectional": True, "batch_first": True}, [_f(2, 4, 3)]),
    ("LSTM", (3, 5), {"bias": False}, [_f(4, 3)]),
    ("GRU", (3, 5), {}, [_f(4, 2, 3)]),
    ("GRU", (3, 5), {"num_layers": 3, "bidirectional": True}, [_f(4, 2, 3)]),
    ("ReLU", (), {}, [_f(3, 4)]),
    ("ReLU6", (), {}, [_f(3, 4) * 5]),
    ("LeakyReLU", (0.2,), {}, [_f(3, 4)]),
    ("PReLU", (), {}, [_f(3, 4, 2)]),
    ("PReLU", (4,), {"init": 0.1}, [_f(3, 4, 2)]),
    ("PReLU", (4,), {}, [_f(3, 4, 2, 2)]),
    ("PReLU", (4,), {}, [_f(3, 4)]),
    ("ELU", (0.7,), {}, [_f(3, 4)]),
    ("SELU", (), {}, [_f(3, 4)]),
    ("GELU", (), {}, [_f(3, 4)]),
    ("GELU", (), {"approximate": "tanh"}, [_f(3, 4)]),
    ("SiLU", (), {}, [_f(3, 4)]),
    ("Tanh", (), {}, [_f(3, 4)]),
    ("Sigmoid", (), {}, [_f(3, 4)]),
    ("Softplus", (2.0, 3.0), {}, [_f(3, 4) * 3]),
    ("Softmax", (1,), {}, [_f(3, 4)]),
    ("Softmax", (-1,), {}, [_f(2, 3, 4)]),
    ("LogSoftmax", (0,), {}, [_f(3, 4)]),
    ("LogSoftmax", (2,), {}, [_f(2, 3, 4, 2)]),
    ("Hardtanh", (-0.5, 0.7), {}, [_f(3, 4)]),
    ("Flatten", (), {}, [_f(2, 3, 4)]),
    ("Unflatten", (1, (2, 3)), {}, [_f(2, 6)]),
    ("Identity", (), {}, [_f(2, 6)]),
    ("Upsample", (), {"scale_factor": 2}, [_f(2, 3, 4, 5)]),
    ("Upsample", (), {"size": (7, 9), "mode": "bilinear"}, [_f(2, 3, 4, 5)]),
    ("Upsample", (), {"scale_factor": 2, "mode": "bilinear", "align_corners": True}, [_f(2, 3, 4, 5)]),
    ("ZeroPad2d", (2,), {}, [_f(2, 3, 4, 5)]),
    ("ZeroPad2d", ((1, 0, 2, -1),), {}, [_f(2, 3, 4, 5)]),
    ("Dropout", (0.0,), {}, [_f(3, 4)]),
    ("Dropout2d", (0.3,), {}, [_f(3, 4, 2, 2)]),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec", LAYERS, ids=[f"{s[0]}-{i}" for i, s in enumerate(LAYERS)])
def test_layer_matches_torch(ref_torch, spec, dtype):
    name, args, kwargs, inputs = spec
    train = name not in ("Dropout2d",)
    _run(ref_torch, name, args, kwargs, inputs, dtype, train=train)


@pytest.mark.parametrize("name,args", [("BatchNorm1d", (4,)), ("BatchNorm2d", (3,))])
def test_batchnorm_eval_and_running_stats(ref_torch, name, args):
    x = _f(5, 4) if name == "BatchNorm1d" else _f(4, 3, 3, 3)
    pm, tm = _run(ref_torch, name, args, {}, [x], train=True)
    for _ in range(3):     # more training steps move the running stats the same way
        tm(ref_torch.tensor(x * 2 + 1))
        pm(P.tensor(x * 2 + 1))
    tm.eval()
    pm.eval()
    y = _f(*x.shape)
    np.testing.assert_allclose(pm(P.tensor(y)).detach().numpy(), tm(ref_torch.tensor(y)).detach().numpy(),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(pm.running_var.numpy(), tm.running_var.numpy(), rtol=1e-10)
    assert int(pm.num_batches_tracked.item()) == 4


def test_rnn_initial_state(ref_torch):
    for name in ("RNN", "GRU", "LSTM"):
        rt = ref_torch
        rt.manual_seed(0)
        tm = getattr(rt.nn, name)(3, 4, 2).double()
        pm = getattr(nn, name)(3, 4, 2).double()
        _copy_state(rt, tm, pm)
        x, h = _f(5, 2, 3), _f(2, 2, 4)
        if name == "LSTM":
            c = _f(2, 2, 4)
            to, (th, tc) = tm(rt.tensor(x), (rt.tensor(h), rt.tensor(c)))
            po, (ph, pc) = pm(P.tensor(x), (P.tensor(h), P.tensor(c)))
            np.testing.assert_allclose(pc.detach().numpy(), tc.detach().numpy(), rtol=1e-10, atol=1e-12)
        else:
            to, th = tm(rt.tensor(x), rt.tensor(h))
            po, ph = pm(P.tensor(x), P.tensor(h))
        np.testing.assert_allclose(po.detach().numpy(), to.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ph.detach().numpy(), th.detach().numpy(), rtol=1e-10, atol=1e-12)
        with pytest.raises(RuntimeError, match=r"hidden state of shape \[2, 2, 4\]"):
            pm(P.tensor(x), (P.tensor(_f(1, 2, 4)), P.tensor(c)) if name == "LSTM" else P.tensor(_f(1, 2, 4)))


def test_embedding_max_norm(ref_torch):
    rt = ref_torch
    w = _f(10, 4) * 3
    tm = rt.nn.Embedding(10, 4, max_norm=1.5, _weight=rt.tensor(w))
    pm = nn.Embedding(10, 4, max_norm=1.5, _weight=P.tensor(w))
    idx = np.array([[1, 3], [3, 7]])
    to = tm(rt.tensor(idx))
    po = pm(P.tensor(idx))
    np.testing.assert_allclose(po.detach().numpy(), to.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(pm.weight.detach().numpy(), tm.weight.detach().numpy(), rtol=1e-10)
    to.sum().backward()
    po.sum().backward()
    np.testing.assert_allclose(pm.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=1e-10)


def test_dropout_statistics_and_eval():
    P.manual_seed(3)
    d = nn.Dropout(0.25)
    x = P.ones(200, 100, dtype=P.float64, requires_grad=True)
    y = d(x)
    a = y.detach().numpy()
    kept = a != 0
    assert 0.72 < kept.mean() < 0.78
    np.testing.assert_allclose(a[kept], 1 / 0.75)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), a)
    d.eval()
    assert d(x) is x
    d2 = nn.Dropout2d(0.5)
    z = d2(P.ones(4, 50, 3, 3)).numpy()
    per_channel = z.reshape(4, 50, 9)
    assert np.all((per_channel == per_channel[:, :, :1]))       # whole channels kept or dropped
    assert 0.3 < (per_channel[:, :, 0] != 0).mean() < 0.7


def test_conv_transpose_output_size(ref_torch):
    pm, tm = _run(ref_torch, "ConvTranspose2d", (3, 2, 3), {"stride": 2}, [_f(1, 3, 4, 4)],
                  call_kw={"output_size": [10, 10]})


# ---------------------------------------------------------------------- losses

def _lossrun(rt, name, kwargs, inputs, grad_mask=None, dtype="float64"):
    tdt, pdt = getattr(rt, dtype), getattr(P, dtype)
    tol = 1e-10 if dtype == "float64" else 1e-4
    kw_t = {k: (rt.tensor(v, dtype=tdt) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    kw_p = {k: (P.tensor(v, dtype=pdt) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    tm = getattr(rt.nn, name)(**kw_t)
    pm = getattr(nn, name)(**kw_p)
    assert repr(pm) == repr(tm)
    grad_mask = grad_mask or [a.dtype.kind == "f" for a in inputs]
    tin, pin = [], []
    for a, g in zip(inputs, grad_mask):
        if a.dtype.kind == "f":
            tin.append(rt.tensor(a, dtype=tdt, requires_grad=g))
            pin.append(P.tensor(a, dtype=pdt, requires_grad=g))
        else:
            tin.append(rt.tensor(a))
            pin.append(P.tensor(a))
    to, po = tm(*tin), pm(*pin)
    np.testing.assert_allclose(po.detach().numpy(), to.detach().numpy(), rtol=tol, atol=tol)
    g = R.standard_normal(tuple(to.shape))
    (to * rt.tensor(g, dtype=tdt)).sum().backward()
    (po * P.tensor(g, dtype=pdt)).sum().backward()
    for t, p in zip(tin, pin):
        if t.requires_grad:
            np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


P01 = 1 / (1 + np.exp(-_f(4, 5)))
Y01 = (R.random((4, 5)) > 0.5).astype(np.float64)
LOSSES = [
    ("L1Loss", {}, [_f(4, 5), _f(4, 5)], None),
    ("MSELoss", {}, [_f(4, 5), _f(4, 5)], None),
    ("MSELoss", {}, [_f(4, 5), _f(4, 5)], [True, False]),
    ("SmoothL1Loss", {}, [_f(4, 5), _f(4, 5)], [True, False]),
    ("SmoothL1Loss", {"beta": 0.3}, [_f(4, 5), _f(4, 5)], [True, False]),
    ("SmoothL1Loss", {"beta": 0.0}, [_f(4, 5), _f(4, 5)], [True, False]),
    ("HuberLoss", {"delta": 0.4}, [_f(4, 5), _f(4, 5)], [True, False]),
    ("BCELoss", {}, [P01, Y01], [True, False]),
    ("BCELoss", {"weight": R.random(5)}, [P01, Y01], [True, False]),
    ("BCEWithLogitsLoss", {}, [_f(4, 5) * 3, Y01], None),
    ("BCEWithLogitsLoss", {"pos_weight": R.random(5) * 3, "weight": R.random(5)}, [_f(4, 5) * 3, Y01], None),
    ("KLDivLoss", {"reduction": "batchmean"}, [np.log(P01), P01], [True, False]),
    ("KLDivLoss", {"log_target": True, "reduction": "sum"}, [np.log(P01), _f(4, 5)], None),
    ("NLLLoss", {}, [_f(6, 5), _i(5, 6)], None),
    ("NLLLoss", {"weight": R.random(5), "ignore_index": 1}, [_f(6, 5), np.array([1, 0, 1, 4, 3, 2])], None),
    ("NLLLoss", {}, [_f(2, 5, 3, 4), _i(5, 2, 3, 4)], None),
    ("NLLLoss", {"weight": R.random(5)}, [_f(2, 5, 3), _i(5, 2, 3)], None),
    ("NLLLoss", {}, [_f(5), np.array(3)], None),
    ("CrossEntropyLoss", {}, [_f(6, 5), _i(5, 6)], None),
    ("CrossEntropyLoss", {"weight": R.random(5), "ignore_index": 2, "label_smoothing": 0.2},
     [_f(6, 5), np.array([2, 0, 1, 4, 2, 2])], None),
    ("CrossEntropyLoss", {"label_smoothing": 0.1}, [_f(2, 5, 3, 3), _i(5, 2, 3, 3)], None),
    ("CrossEntropyLoss", {"label_smoothing": 0.1}, [_f(4, 5), np.abs(_f(4, 5))], [True, False]),
    ("CrossEntropyLoss", {"weight": R.random(5)}, [_f(4, 5), np.abs(_f(4, 5))], [True, False]),
    ("MarginRankingLoss", {"margin": 0.3}, [_f(7), _f(7), np.sign(_f(7))], [True, True, False]),
    ("CosineEmbeddingLoss", {"margin": 0.2}, [_f(6, 4), _f(6, 4), np.array([1., -1, 1, -1, -1, 1])],
     [True, True, False]),
    ("TripletMarginLoss", {"margin": 0.5}, [_f(6, 4), _f(6, 4), _f(6, 4)], None),
    ("TripletMarginLoss", {"p": 1, "swap": True}, [_f(6, 4), _f(6, 4), _f(6, 4)], None),
]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("spec", LOSSES, ids=[f"{s[0]}-{i}" for i, s in enumerate(LOSSES)])
def test_loss_matches_torch(ref_torch, spec, reduction):
    name, kwargs, inputs, mask = spec
    kwargs = dict(kwargs)
    if "reduction" not in kwargs:
        kwargs["reduction"] = reduction
    elif reduction != "mean":
        return
    _lossrun(ref_torch, name, kwargs, inputs, mask)


@pytest.mark.parametrize("spec", LOSSES[:14], ids=[f"{s[0]}-{i}" for i, s in enumerate(LOSSES[:14])])
def test_loss_matches_torch_float32(ref_torch, spec):
    name, kwargs, inputs, mask = spec
    _lossrun(ref_torch, name, kwargs, inputs, mask, dtype="float32")


# ---------------------------------------------------------------------- bad input

def test_layer_shape_errors():
    with pytest.raises(RuntimeError, match=r"Linear: expected input with last dimension 784, got \[32, 100\]"):
        nn.Linear(784, 10)(P.zeros(32, 100))
    with pytest.raises(RuntimeError, match=r"Conv2d: .*3 channels.*got \[2, 4, 8, 8\]"):
        nn.Conv2d(3, 4, 3)(P.zeros(2, 4, 8, 8))
    with pytest.raises(RuntimeError, match=r"Conv1d: .*got \[2, 4\]"):
        nn.Conv1d(4, 4, 3)(P.zeros(2, 4))
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected 4-D input with 3 channels"):
        nn.BatchNorm2d(3)(P.zeros(2, 3, 4))
    with pytest.raises(RuntimeError, match=r"LayerNorm: expected input with shape \[\*, 5\]"):
        nn.LayerNorm(5)(P.zeros(2, 4))
    with pytest.raises(RuntimeError, match=r"LSTM: expected input of shape \[L, N, 3\]"):
        nn.LSTM(3, 4)(P.zeros(5, 2, 4))
    with pytest.raises(RuntimeError, match=r"MaxPool2d: expected 3-D or 4-D"):
        nn.MaxPool2d(2)(P.zeros(4, 4))
    with pytest.raises(RuntimeError, match="smaller than the kernel"):
        nn.Conv2d(1, 1, 5)(P.zeros(1, 1, 3, 3))
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="strided"):
        nn.Conv2d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(RuntimeError, match=r"GroupNorm: expected input with 6 channels"):
        nn.GroupNorm(2, 6)(P.zeros(2, 4))
    with pytest.raises(RuntimeError, match="Bilinear: expected inputs with last dimensions 3 and 4"):
        nn.Bilinear(3, 4, 2)(P.zeros(2, 3), P.zeros(2, 5))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        nn.BatchNorm1d(3)(P.zeros(1, 3))
    with pytest.raises(ValueError, match="dropout probability"):
        nn.Dropout(1.5)


def test_target_and_index_errors():
    with pytest.raises(IndexError, match=r"Target 7 is out of bounds"):
        nn.CrossEntropyLoss()(P.zeros(3, 5), P.tensor([1, 7, 0]))
    with pytest.raises(IndexError, match=r"Target -2 is out of bounds"):
        nn.NLLLoss()(P.zeros(3, 5), P.tensor([1, -2, 0]))
    with pytest.raises(ValueError, match=r"expected target of shape \[3\]"):
        nn.NLLLoss()(P.zeros(3, 5), P.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="int64"):
        nn.NLLLoss()(P.zeros(3, 5), P.zeros(3))
    with pytest.raises(IndexError, match="index 10 is out of range for an embedding with 10 rows"):
        nn.Embedding(10, 3)(P.tensor([1, 10]))
    with pytest.raises(RuntimeError, match="embedding: expected indices of dtype int64"):
        nn.Embedding(10, 3)(P.tensor([1.0]))
    with pytest.raises(RuntimeError, match=r"nll_loss: expected weight of shape \[5\]"):
        nn.NLLLoss(weight=P.ones(4))(P.zeros(3, 5), P.tensor([0, 1, 2]))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        nn.BCELoss()(P.tensor([0.5, 1.5]), P.tensor([0.0, 1.0]))


@pytest.mark.parametrize("name", ["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss",
                                  "KLDivLoss"])
def test_loss_size_mismatch(name):
    with pytest.raises(ValueError, match=r"target size \(\[3, 4\]\) that is different to the input size "
                                         r"\(\[3, 5\]\)"):
        getattr(nn, name)()(P.full((3, 5), 0.5), P.full((3, 4), 0.5))
    with pytest.raises(RuntimeError, match="same size"):
        nn.MarginRankingLoss()(P.zeros(3), P.zeros(4), P.ones(3))


def test_bad_reduction_and_args():
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="label_smoothing"):
        nn.CrossEntropyLoss(label_smoothing=1.5)(P.zeros(2, 3), P.tensor([0, 1]))
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="mode has to be one of"):
        nn.EmbeddingBag(4, 2, mode="median")
