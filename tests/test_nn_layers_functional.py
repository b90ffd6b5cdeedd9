"""gradcheck (float64 finite differences) of nn.functional ops: their THNN backward kernels and composed formulas."""
import numpy as np
import pytest

import pytorch_like as P
import pytorch_like.nn.functional as F
from pytorch_like.autograd import gradcheck

R = np.random.default_rng(11)


def _t(*shape, scale=1.0, shift=0.0):
    return P.tensor(R.standard_normal(shape) * scale + shift, requires_grad=True)


def _away_from_kinks(*shape):
    """Values with |x| in [0.2, 1.2]: finite differences do not straddle kinks at 0."""
    a = R.uniform(0.2, 1.2, shape) * R.choice([-1.0, 1.0], shape)
    return P.tensor(a, requires_grad=True)


def _distinct(*shape):
    """A permutation of well-separated values: max pooling picks one maximum under perturbation."""
    n = int(np.prod(shape))
    return P.tensor(R.permutation(n).reshape(shape) * 0.1, requires_grad=True)


TGT = P.tensor(R.standard_normal((3, 4)))
PROB = P.tensor(1 / (1 + np.exp(-R.standard_normal((3, 4)))))
CLS = P.tensor(np.array([0, 3, 1]))

CASES = [
    ("linear", lambda x, w, b: F.linear(x, w, b), [_t(3, 4), _t(2, 4), _t(2)]),
    ("bilinear", lambda a, b, w, c: F.bilinear(a, b, w, c), [_t(2, 3), _t(2, 2), _t(2, 3, 2), _t(2)]),
    ("conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), [_t(2, 2, 6), _t(3, 2, 3), _t(3)]),
    ("conv2d", lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=2), [_t(1, 4, 4, 4), _t(2, 2, 3, 3), _t(2)]),
    ("conv2d_dil", lambda x, w: F.conv2d(x, w, dilation=2, stride=(1, 2)), [_t(1, 2, 6, 6), _t(2, 2, 2, 2)]),
    ("conv3d", lambda x, w, b: F.conv3d(x, w, b, padding=1), [_t(1, 2, 3, 3, 3), _t(2, 2, 2, 2, 2), _t(2)]),
    ("conv_transpose2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, output_padding=1),
     [_t(1, 2, 3, 3), _t(2, 2, 2, 2), _t(2)]),
    ("max_pool2d", lambda x: F.max_pool2d(x, 2, 1, ceil_mode=True), [_distinct(1, 2, 4, 4)]),
    ("max_pool1d", lambda x: F.max_pool1d(x, 2), [_distinct(2, 2, 6)]),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), [_t(1, 2, 5, 5)]),
    ("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (2, 3)), [_t(1, 2, 5, 5)]),
    ("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, 2), [_distinct(1, 2, 5, 5)]),
    ("batch_norm", lambda x, w, b: F.batch_norm(x, None, None, w, b, True), [_t(4, 3, 2), _t(3), _t(3)]),
    ("batch_norm_eval", lambda x, w, b: F.batch_norm(x, P.tensor([0.1, -0.2, 0.3], dtype=P.float64),
                                                     P.tensor([1.5, 0.5, 2.0], dtype=P.float64), w, b,
                                                     False), [_t(4, 3, 2), _t(3), _t(3)]),
    ("layer_norm", lambda x, w, b: F.layer_norm(x, (3,), w, b), [_t(2, 3), _t(3), _t(3)]),
    ("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b), [_t(2, 4, 2), _t(4), _t(4)]),
    ("embedding", lambda w: F.embedding(P.tensor([[1, 2], [2, 0]]), w), [_t(4, 3)]),
    ("embedding_bag", lambda w: F.embedding_bag(P.tensor([1, 2, 2, 0, 3]), w, P.tensor([0, 2]), mode="max"),
     [_t(4, 3)]),
    ("relu", F.relu, [_away_from_kinks(3, 4)]),
    ("relu6", F.relu6, [_away_from_kinks(3, 4) * 4]),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.1), [_away_from_kinks(3, 4)]),
    ("prelu", F.prelu, [_away_from_kinks(2, 3, 2), _t(3)]),
    ("elu", F.elu, [_away_from_kinks(3, 4)]),
    ("selu", F.selu, [_away_from_kinks(3, 4)]),
    ("gelu", F.gelu, [_t(3, 4)]),
    ("silu", F.silu, [_t(3, 4)]),
    ("tanh", F.tanh, [_t(3, 4)]),
    ("sigmoid", F.sigmoid, [_t(3, 4)]),
    ("softplus", lambda x: F.softplus(x, 2.0), [_t(3, 4)]),
    ("hardtanh", F.hardtanh, [_away_from_kinks(3, 4) * 1.5]),
    ("softmax", lambda x: F.softmax(x, 1), [_t(3, 4)]),
    ("log_softmax", lambda x: F.log_softmax(x, 0), [_t(3, 4)]),
    ("pad", lambda x: F.pad(x, (1, 2, -1, 1)), [_t(1, 2, 3, 3)]),
    ("pad_reflect", lambda x: F.pad(x, (1, 2, 1, 0), mode="reflect"), [_t(1, 2, 3, 3)]),
    ("interpolate_nearest", lambda x: F.interpolate(x, scale_factor=2), [_t(1, 2, 2, 3)]),
    ("interpolate_bilinear", lambda x: F.interpolate(x, size=(3, 5), mode="bilinear"), [_t(1, 2, 2, 3)]),
    ("mse_loss", lambda x: F.mse_loss(x, TGT), [_t(3, 4)]),
    ("l1_loss", lambda x: F.l1_loss(x, TGT, reduction="sum"), [_t(3, 4)]),
    ("smooth_l1_loss", lambda x: F.smooth_l1_loss(x, TGT, beta=0.5), [_t(3, 4)]),
    ("huber_loss", lambda x: F.huber_loss(x, TGT, delta=0.7, reduction="none"), [_t(3, 4)]),
    ("bce", lambda x: F.binary_cross_entropy(x, PROB), [P.tensor(R.uniform(0.1, 0.9, (3, 4)), requires_grad=True)]),
    ("bce_logits", lambda x, pw: F.binary_cross_entropy_with_logits(x, PROB, pos_weight=pw), [_t(3, 4), _t(4)]),
    ("kl_div", lambda x: F.kl_div(x, PROB, reduction="batchmean"), [_t(3, 4)]),
    ("nll_loss", lambda x: F.nll_loss(x, CLS, weight=P.tensor([1.0, 2.0, 3.0, 4.0])), [_t(3, 4)]),
    ("cross_entropy", lambda x: F.cross_entropy(x, CLS, label_smoothing=0.2), [_t(3, 4)]),
    ("margin_ranking", lambda a, b: F.margin_ranking_loss(a, b, P.tensor([1.0, -1.0, 1.0]), margin=0.1),
     [_t(3), _t(3)]),
    ("cosine_embedding", lambda a, b: F.cosine_embedding_loss(a, b, P.tensor([1.0, -1.0, 1.0])), [_t(3, 4), _t(3, 4)]),
    ("triplet", lambda a, b, c: F.triplet_margin_loss(a, b, c, margin=2.0), [_t(3, 4), _t(3, 4), _t(3, 4)]),
]


@pytest.mark.parametrize("name,fn,inputs", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, inputs):
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4)


def test_functional_calls_thnn_kernels(monkeypatch):
    """The layer backward runs the THNN kernel (not a Python re-derivation): a patched kernel is seen."""
    from pytorch_like.nn import functional as Fm
    calls = []
    real = Fm.lib

    class Spy:
        def __getattr__(self, name):
            f = getattr(real, name)
            if name.startswith("THNN_"):
                def wrapped(*a):
                    calls.append(name)
                    return f(*a)
                return wrapped
            return f
    monkeypatch.setattr(Fm, "lib", Spy())
    x = _t(2, 3, 6, 6)
    w = _t(4, 3, 3, 3)
    y = F.max_pool2d(F.relu(F.conv2d(x, w)), 2)
    F.cross_entropy(F.linear(y.flatten(1), _t(5, 16)), P.tensor([1, 4])).backward()
    for k in ("THNN_SpatialConvolutionMM_updateGradInput", "THNN_SpatialConvolutionMM_accGradParameters",
              "THNN_Threshold_updateGradInput", "THNN_SpatialDilatedMaxPooling_updateGradInput",
              "THNN_Linear_updateGradInput", "THNN_LogSoftMax_updateGradInput",
              "THNN_ClassNLLCriterion_updateGradInput"):
        assert k in calls, k


def test_functional_misc_errors():
    with pytest.raises(RuntimeError, match=r"conv2d: expected input \[1, 2, 5, 5\] to have 3 channels"):
        F.conv2d(P.zeros(1, 2, 5, 5), P.zeros(4, 3, 3, 3))
    with pytest.raises(RuntimeError, match="linear: expected input with last dimension 4"):
        F.linear(P.zeros(3, 5), P.zeros(2, 4))
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.softmax(P.zeros(2, 3), 2)
    with pytest.raises(ValueError, match="padding length"):
        F.pad(P.zeros(2, 3), (1, 1, 1))
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.max_pool2d(P.zeros(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(RuntimeError, match="running_mean and running_var must be defined"):
        F.batch_norm(P.zeros(2, 3), None, None, training=False)
    with pytest.raises(ValueError, match="exactly one of size or scale_factor"):
        F.interpolate(P.zeros(1, 1, 2, 2))
    with pytest.raises(RuntimeError, match="prelu: the number of weights"):
        F.prelu(P.zeros(2, 3), P.zeros(4))


@pytest.mark.parametrize("name,kw", [("relu", {}), ("relu6", {}), ("hardtanh", {}),
                                     ("leaky_relu", {"negative_slope": 0.2}), ("elu", {"alpha": 0.5})])
def test_inplace_activation_matches_torch(ref_torch, name, kw):
    tf = ref_torch.nn.functional
    a = R.standard_normal((3, 4)) * 4
    g = R.standard_normal((3, 4))
    px, tx = P.tensor(a, requires_grad=True), ref_torch.tensor(a, requires_grad=True)
    ph, th = px * 1.5, tx * 1.5
    pr = getattr(F, name)(ph, inplace=True, **kw)
    tr = getattr(tf, name)(th, inplace=True, **kw)
    assert pr is ph
    np.testing.assert_allclose(ph.detach().numpy(), th.detach().numpy(), rtol=1e-12)
    (pr * P.tensor(g)).sum().backward()
    (tr * ref_torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(px.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


def test_inplace_relu_errors_and_layouts():
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        F.relu(P.ones(3, requires_grad=True), inplace=True)
    q = P.tensor([-1.0, 2.0], dtype=P.float64, requires_grad=True)
    e = q.exp()
    F.relu(e, inplace=True)         # exp saved its output: backward must refuse
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        e.sum().backward()
    t = P.tensor([[-1.0, 2.0], [3.0, -4.0]]).t()      # non-contiguous
    assert F.relu_(t) is t and t.tolist() == [[0.0, 3.0], [2.0, 0.0]]
    m = P.nn.Sequential(P.nn.Linear(2, 2), P.nn.ReLU(inplace=True))
    assert repr(m[1]) == "ReLU(inplace=True)"
    m(P.ones(1, 2)).sum().backward()


def test_one_hot():
    assert F.one_hot(P.tensor([0, 2]), 3).tolist() == [[1, 0, 0], [0, 0, 1]]


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_gradcheck_recurrent_layers(name):
    P.manual_seed(0)
    m = getattr(P.nn, name)(2, 3, num_layers=2, bidirectional=True).double()
    x = _t(3, 2, 2)
    # input gradient through every layer and direction
    assert gradcheck(lambda x: m(x)[0], [x], eps=1e-6, atol=1e-5, rtol=1e-4)
    assert gradcheck(lambda x: m(x)[1] if name != "LSTM" else m(x)[1][1], [x], eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.filterwarnings("ignore:Using padding=.same.")
def test_conv3d_same_padding(ref_torch):
    a, w = R.standard_normal((1, 2, 5, 4, 6)), R.standard_normal((3, 2, 2, 3, 4))
    out = F.conv3d(P.tensor(a), P.tensor(w), padding="same")
    ref = ref_torch.nn.functional.conv3d(ref_torch.tensor(a), ref_torch.tensor(w), padding="same")
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-10, atol=1e-12)
