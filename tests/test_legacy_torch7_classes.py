"""legacy.convert on every Torch7 class of the migration list (reference torch7-nn.md §2.8):
each module is built in Lua (LuaSession), converted, and its float64 output compared with Lua's
(1e-6) on single-sample and batch inputs; criterions compare loss and gradient with Lua's
forward/backward."""
import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like import legacy
from pytorch_like.lua import LuaSession


@pytest.fixture(scope="module")
def lua():
    s = LuaSession()
    s.require("nn")
    s.execute("torch.setdefaulttensortype('torch.DoubleTensor') torch.manualSeed(11)")
    return s


def rand(shape, seed=0):
    return torch.from_numpy(np.random.default_rng(seed + sum(shape)).standard_normal(shape))


# Lua: m:forward on a tensor (n = 0) or a table of n tensors; a table output comes back unpacked
FORWARD = ("function(m, n, ...) local a = {...} local o = m:forward(n == 0 and a[1] or a) "
           "if torch.type(o) == 'table' then local r = {} for i, t in ipairs(o) do r[i] = t:clone() end "
           "return unpack(r) end return o:clone() end")

# name: (Lua constructor, input specs); a spec is a shape or a list of shapes (a table input)
LAYERS = {
    "Concat1d": ("nn.Concat(1):add(nn.Linear(4, 2)):add(nn.Linear(4, 3))", [(4,)]),
    "ConcatTable": ("nn.ConcatTable():add(nn.Linear(4, 2)):add(nn.Identity())", [(4,), (3, 4)]),
    "ParallelTable": ("nn.ParallelTable():add(nn.Linear(3, 2)):add(nn.Tanh())", [[(3,), (4,)], [(5, 3), (5, 4)]]),
    "Identity": ("nn.Identity()", [(4,), (2, 4)]),
    "Linear": ("nn.Linear(5, 3)", [(5,), (4, 5)]),
    "SpatialConvolution": ("nn.SpatialConvolution(2, 3, 3, 2, 2, 1, 1, 0)", [(2, 7, 6), (2, 2, 7, 6)]),
    "SpatialConvolutionMM": ("nn.SpatialConvolutionMM(2, 4, 3, 3, 1, 1, 1, 1)", [(2, 5, 5), (2, 2, 5, 5)]),
    "SpatialFullConvolution": ("nn.SpatialFullConvolution(2, 3, 3, 2, 2, 3, 1, 0, 1, 2)", [(2, 4, 5), (2, 2, 4, 5)]),
    "SpatialFullConvolutionNoBias": ("nn.SpatialFullConvolution(2, 3, 2, 2, 2, 2):noBias()", [(2, 2, 3, 3)]),
    # {input, sizeReference}: the reference's last two sizes set adjW/adjH (Torch7's calculateAdj)
    "SpatialFullConvolutionSizeRef": ("nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1)",
                                      [[(2, 4, 5), (8, 10)], [(2, 2, 4, 5), (2, 5, 7, 9)], [(2, 2, 4, 5), (1, 8, 9)]]),
    "SpatialMaxPooling": ("nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1)", [(3, 8, 8), (2, 3, 8, 8)]),
    "SpatialAveragePooling": ("nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1)", [(3, 7, 7), (2, 3, 7, 7)]),
    "SpatialCrossMapLRN": ("nn.SpatialCrossMapLRN(5, 0.5, 0.75, 2)", [(7, 3, 3), (2, 7, 3, 3)]),
    "SpatialCrossMapLRNEven": ("nn.SpatialCrossMapLRN(4, 1, 0.6, 1)", [(5, 2, 3), (2, 5, 2, 3)]),
    "SpatialZeroPadding": ("nn.SpatialZeroPadding(1, -1, 2, 0)", [(3, 4, 5), (2, 3, 4, 5)]),
    "SpatialUpSamplingNearest": ("nn.SpatialUpSamplingNearest(3)", [(3, 2, 4), (2, 3, 2, 4)]),
    "TemporalConvolution": ("nn.TemporalConvolution(3, 4, 2, 2)", [(7, 3), (2, 7, 3)]),
    "TemporalConvolutionK3": ("nn.TemporalConvolution(2, 5, 3)", [(6, 2), (3, 6, 2)]),
    "ReLU": ("nn.ReLU()", [(5,), (3, 4)]),
    "LeakyReLU": ("nn.LeakyReLU(0.2)", [(5,), (3, 4)]),
    "PReLUShared": ("nn.PReLU()", [(5,), (3, 4), (2, 3, 4, 4)]),
    "PReLUPlanes": ("(function() local m = nn.PReLU(3) m.weight:uniform(-1, 1) return m end)()",
                    [(3,), (2, 3), (3, 4, 4), (2, 3, 4, 4)]),
    "ELU": ("nn.ELU(0.7)", [(5,), (3, 4)]),
    "Tanh": ("nn.Tanh()", [(5,), (3, 4)]),
    "Sigmoid": ("nn.Sigmoid()", [(5,), (3, 4)]),
    "SoftMax": ("nn.SoftMax()", [(5,), (3, 4), (3, 2, 2), (2, 3, 2, 2)]),
    "LogSoftMax": ("nn.LogSoftMax()", [(5,), (3, 4), (3, 2, 2), (2, 3, 2, 2)]),
    "DropoutV2": ("nn.Dropout(0.3)", [(5,), (3, 4)]),
    "DropoutV1": ("nn.Dropout(0.3, true)", [(5,), (3, 4)]),
    "View": ("nn.View(2, -1)", [(6,), (3, 6)]),
    "Reshape": ("nn.Reshape(3, 2)", [(6,), (4, 6)]),
    "ReshapeBatchMode": ("nn.Reshape(3, 2, true)", [(1, 6)]),
    "Transpose": ("nn.Transpose({1, 2}, {2, 3})", [(2, 3, 4)]),
    "TransposeNumInputDims": ("nn.Transpose({1, 2}):setNumInputDims(2)", [(3, 4), (2, 3, 4)]),
    "Narrow": ("nn.Narrow(2, 2, 3)", [(3, 6)]),
    "NarrowNegative": ("nn.Narrow(-1, -3, 2)", [(6,), (3, 6)]),
    "NarrowNegativeLength": ("nn.Narrow(1, 2, -2)", [(5, 4)]),
    "Replicate": ("nn.Replicate(3, 2, 1)", [(4,), (2, 4)]),
    "ReplicateDim1": ("nn.Replicate(3)", [(2, 4)]),
    "PaddingAfter": ("nn.Padding(1, 2, 1, 0.5)", [(4,), (3, 4)]),
    "PaddingBefore": ("nn.Padding(1, -2, 1, -1.5)", [(4,), (3, 4)]),
    "PaddingIndex": ("nn.Padding(1, -2, 1, 0.5, 3)", [(4,), (3, 4)]),
    "PaddingIndexAfter": ("nn.Padding(2, 1, 2, 2, 2)", [(2, 4), (3, 2, 4)]),
    "CMul": ("nn.CMul(4)", [(4,), (3, 4)]),
    "CMul2d": ("nn.CMul(2, 3)", [(2, 3), (4, 2, 3)]),
    "MulConstant": ("nn.MulConstant(2.5)", [(5,), (3, 4)]),
    "Normalize2": ("nn.Normalize(2)", [(5,), (3, 5)]),
    "NormalizeP": ("nn.Normalize(1.5, 1e-3)", [(5,), (3, 5)]),
    "NormalizeInf": ("nn.Normalize(math.huge, 0.1)", [(5,), (3, 5)]),
    "Sum": ("nn.Sum(1, 1)", [(4,), (3, 4)]),
    "SumNoSqueeze": ("nn.Sum(2, 2, false, false)", [(3, 4), (2, 3, 4)]),
    "SumAverage": ("nn.Sum(-1, nil, true)", [(3, 4)]),
    "Mean": ("nn.Mean(1, 1)", [(4,), (3, 4)]),
    "Max": ("nn.Max(2)", [(3, 4)]),
    "Max1d": ("nn.Max(1, 1)", [(5,), (3, 5)]),
    "CAddTable": ("nn.CAddTable()", [[(4,), (4,), (4,)], [(3, 4), (3, 4)]]),
    "CMulTable": ("nn.CMulTable()", [[(4,), (4,), (4,)], [(3, 4), (3, 4)]]),
    "JoinTable": ("nn.JoinTable(1, 1)", [[(3,), (4,)], [(2, 3), (2, 4)]]),
    "JoinTable2": ("nn.JoinTable(2)", [[(2, 3), (2, 4)]]),
    "JoinTableNegative": ("nn.JoinTable(-1)", [[(2, 3), (2, 4)]]),
    "SplitTable": ("nn.SplitTable(1, 2)", [(3, 4), (2, 3, 4)]),
    "SplitTableNegative": ("nn.SplitTable(-1)", [(3, 4)]),
    "SelectTable": ("nn.SelectTable(2)", [[(3,), (4,), (2,)]]),
    "SelectTableNegative": ("nn.SelectTable(-1)", [[(3,), (4,), (2,)]]),
    "SplitSelectJoin": ("nn.Sequential():add(nn.SplitTable(1, 2)):add(nn.ConcatTable():add(nn.SelectTable(1))"
                        ":add(nn.SelectTable(-1))):add(nn.ParallelTable():add(nn.Linear(4, 2)):add(nn.Tanh()))"
                        ":add(nn.JoinTable(1, 1))", [(3, 4), (2, 3, 4)]),
}


def inputs_for(spec, seed):
    if isinstance(spec, list):
        return [rand(s, seed + i) for i, s in enumerate(spec)]
    return rand(spec, seed)


def lua_forward(lua, m, x):
    args = (len(x), *x) if isinstance(x, list) else (0, x)
    out = lua.call(FORWARD, m, *args)
    return list(out) if isinstance(out, tuple) else out


def assert_same(got, ref):
    if isinstance(ref, list) or isinstance(got, (list, tuple)):
        got = list(got) if isinstance(got, (list, tuple)) else [got]
        ref = ref if isinstance(ref, list) else [ref]
        assert len(got) == len(ref)
        for g, r in zip(got, ref):
            assert_same(g, r)
        return
    assert tuple(got.shape) == tuple(ref.shape)
    assert str(got.dtype).endswith("float64")       # ours or real PyTorch's
    np.testing.assert_allclose(got.detach().numpy(), ref.numpy(), rtol=0, atol=1e-6)


@pytest.mark.parametrize("case", sorted(LAYERS))
def test_layer_matches_lua(lua, case):
    ctor, specs = LAYERS[case]
    m = lua.call("function(m) m:evaluate() return m end", lua.eval(ctor))
    net = legacy.convert(m)
    assert not net.training
    for k, spec in enumerate(specs):
        x = inputs_for(spec, k)
        ref = lua_forward(lua, m, x)
        assert_same(net(x), ref)


def test_lookup_table_single_and_batch(lua):
    m = lua.eval("nn.LookupTable(6, 3)")
    net = legacy.convert(m)
    for idx in ([3, 1, 6], [[1, 2], [6, 5]]):
        t = torch.tensor(idx, dtype=torch.int64)
        assert_same(net(t - 1), lua.call_method(m, "forward", t).clone())


def test_dropout_v1_training_keeps_unscaled_mask(lua):
    net = legacy.convert(lua.eval("nn.Dropout(0.5, true)"))
    x = torch.ones(2000, dtype=torch.float64)
    net.train()
    y = net(x).numpy()
    # Torch7 v1 trains with the bare 0/1 mask (v2 would give 1 / (1 - p) = 2)
    assert set(np.unique(y)) <= {0.0, 1.0} and 0.3 < y.mean() < 0.7


def test_layer_bad_input_is_an_error(lua):
    net = legacy.convert(lua.eval("nn.ParallelTable():add(nn.Identity()):add(nn.Identity())"))
    with pytest.raises(ValueError, match="at least 2"):
        net([rand((2,))])


def test_full_convolution_bad_size_reference(lua):
    m = lua.eval("nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2)")
    net = legacy.convert(m)
    x = rand((2, 4, 5))
    for bad in ([x], [x, rand((3,))], [x, x, x]):
        with pytest.raises(ValueError, match=r"expected a tensor or \[input, size reference of at least 2 dims\]"):
            net(bad)
    with pytest.raises(Exception, match=r"expected input\[2\] \(size reference\) a tensor of at least 2 dimensions"):
        lua.call("function(m, x, r) return m:forward({x, r}) end", m, x, rand((3,)))


def test_malformed_weights_are_an_error(lua, tmp_path):
    path = str(tmp_path / "fc.t7")
    lua.call("function(p) torch.save(p, nn.SpatialFullConvolution(2, 3, 3, 3)) end", path)
    obj = torch.load_lua(path)
    obj.weight = obj.weight.reshape(3, 2, 3, 3).clone()[:, :, :2].clone()
    with pytest.raises(ValueError, match="weight of shape"):
        legacy.convert(obj)


# ------------------------------------------------------------------ criterions

CRIT = ("function(c, ni, nt, ...) local a = {...} local inp, tgt, k "
        "if ni == 0 then inp = a[1] k = 2 else inp = {} for i = 1, ni do inp[i] = a[i] end k = ni + 1 end "
        "if nt == 0 then tgt = a[k] else tgt = {} for i = 1, nt do tgt[i] = a[k + i - 1] end end "
        "local l = c:forward(inp, tgt) local g = c:backward(inp, tgt) "
        "if torch.type(g) == 'table' then local r = {} for i, t in ipairs(g) do r[i] = t:clone() end "
        "return l, unpack(r) end return l, g:clone() end")


def cls_target(n, classes, seed):
    return torch.from_numpy(np.random.default_rng(seed).integers(1, classes + 1, size=n).astype(np.float64))


def probs(shape, seed):
    return torch.from_numpy(np.random.default_rng(seed).uniform(0.05, 0.95, size=shape))


def logp(shape, seed):
    x = rand(shape, seed).numpy()
    return torch.from_numpy(x - np.log(np.exp(x).sum(-1, keepdims=True)))


def signs(n, seed):
    return torch.from_numpy(np.where(np.random.default_rng(seed).random(n) < 0.5, -1.0, 1.0))


# name: (Lua constructor, input (tensor or list), target (tensor or list), which targets are class indices)
def crit_cases():
    return {
        "ClassNLL": ("nn.ClassNLLCriterion()", logp((4, 5), 1), cls_target(4, 5, 2), [0]),
        "ClassNLLWeightsSum": ("nn.ClassNLLCriterion(torch.Tensor{1, 2, 0.5, 3, 1}, false)", logp((4, 5), 1),
                               cls_target(4, 5, 3), [0]),
        "ClassNLLWeightsMean": ("nn.ClassNLLCriterion(torch.Tensor{1, 2, 0.5, 3, 1})", logp((6, 5), 1),
                                cls_target(6, 5, 4), [0]),
        "ClassNLLSingle": ("nn.ClassNLLCriterion()", logp((5,), 1), cls_target(1, 5, 5), [0]),
        "CrossEntropy": ("nn.CrossEntropyCriterion()", rand((4, 5), 1), cls_target(4, 5, 6), [0]),
        "CrossEntropyWeights": ("nn.CrossEntropyCriterion(torch.Tensor{1, 2, 0.5, 3, 1})", rand((4, 5), 1),
                                cls_target(4, 5, 7), [0]),
        "CrossEntropySingle": ("nn.CrossEntropyCriterion()", rand((5,), 1), cls_target(1, 5, 8), [0]),
        "MSE": ("nn.MSECriterion()", rand((3, 4), 1), rand((3, 4), 2), []),
        "MSESum": ("nn.MSECriterion(false)", rand((3, 4), 1), rand((3, 4), 2), []),
        "BCE": ("nn.BCECriterion()", probs((3, 4), 1), probs((3, 4), 2), []),
        "BCEWeights": ("nn.BCECriterion(torch.Tensor{1, 2, 0.5, 3}, false)", probs((3, 4), 1), probs((3, 4), 2), []),
        "Abs": ("nn.AbsCriterion()", rand((3, 4), 1), rand((3, 4), 2), []),
        "AbsSum": ("nn.AbsCriterion(false)", rand((5,), 1), rand((5,), 2), []),
        "SmoothL1": ("nn.SmoothL1Criterion()", rand((3, 4), 1) * 2, rand((3, 4), 2), []),
        "DistKLDiv": ("nn.DistKLDivCriterion()", logp((3, 4), 1), probs((3, 4), 2), []),
        "DistKLDivSum": ("nn.DistKLDivCriterion(false)", logp((3, 4), 1), probs((3, 4), 2), []),
        "MarginRanking": ("nn.MarginRankingCriterion(0.5)", [rand((6,), 1), rand((6,), 2)], signs(6, 3), []),
        "Parallel": ("nn.ParallelCriterion():add(nn.MSECriterion(), 0.5):add(nn.ClassNLLCriterion())",
                     [rand((3, 4), 1), logp((3, 5), 2)], [rand((3, 4), 3), cls_target(3, 5, 4)], [1]),
        "ParallelRepeat": ("nn.ParallelCriterion(true):add(nn.MSECriterion(), 0.5):add(nn.AbsCriterion(), 2)",
                           [rand((3, 4), 1), rand((3, 4), 2)], rand((3, 4), 3), []),
        "Multi": ("nn.MultiCriterion():add(nn.MSECriterion(), 0.3):add(nn.AbsCriterion(), 2)", rand((3, 4), 1),
                  rand((3, 4), 2), []),
    }


def _py_target(t, class_slots):
    """PyTorch-style targets: class indices 0-based int64 (a 0-d one for a single sample)."""
    ts = t if isinstance(t, list) else [t]
    out = []
    for i, x in enumerate(ts):
        if i in class_slots:
            x = (x - 1).long()
            if x.numel() == 1:
                x = x.reshape(())
        out.append(x)
    return out if isinstance(t, list) else out[0]


@pytest.mark.parametrize("case", sorted(crit_cases()))
def test_criterion_matches_lua(lua, case):
    ctor, inp, tgt, class_slots = crit_cases()[case]
    c = lua.eval(ctor)
    ins = inp if isinstance(inp, list) else [inp]
    tgts = tgt if isinstance(tgt, list) else [tgt]
    res = lua.call(CRIT, c, len(inp) if isinstance(inp, list) else 0, len(tgt) if isinstance(tgt, list) else 0,
                   *ins, *tgts)
    ref_loss, ref_grads = float(res[0]), list(res[1:])
    loss_fn = legacy.convert(c)
    xs = [x.clone().requires_grad_(True) for x in ins]
    loss = loss_fn(xs if isinstance(inp, list) else xs[0], _py_target(tgt, class_slots))
    assert loss.dtype == torch.float64
    np.testing.assert_allclose(loss.item(), ref_loss, rtol=1e-9, atol=1e-9)
    loss.backward()
    for x, g in zip(xs, ref_grads):
        np.testing.assert_allclose(x.grad.numpy(), g.numpy(), rtol=0, atol=1e-9)
