"""nn.Module, Parameter, containers, init and nn.utils (no layers: those need autograd + THNN)."""
import copy
import math
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like import nn


def _norm(text):
    return text.replace("pytorch_like.", "torch.")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(2, 3))
        self.b = nn.Parameter(torch.zeros(3))
        self.register_buffer("running", torch.zeros(3))
        self.register_buffer("scratch", torch.zeros(1), persistent=False)
        self.body = nn.Sequential(nn.Identity(), nn.Flatten())

    def forward(self, x):
        return self.body(x)


def _ref_net(rt):
    class RNet(rt.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = rt.nn.Parameter(rt.ones(2, 3))
            self.b = rt.nn.Parameter(rt.zeros(3))
            self.register_buffer("running", rt.zeros(3))
            self.register_buffer("scratch", rt.zeros(1), persistent=False)
            self.body = rt.nn.Sequential(rt.nn.Identity(), rt.nn.Flatten())
    return RNet()


# ---------------------------------------------------------------------- Parameter
def test_parameter_basics():
    data = torch.tensor([1.0, 2.0])
    p = nn.Parameter(data)
    assert isinstance(p, torch.Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad is True
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert str(p) == repr(p)
    with torch.no_grad():   # in-place writes into leaves that require grad (PyTorch refuses them outside no_grad)
        p[0] = 5.0      # shares data's storage, as PyTorch
    assert data[0].item() == 5.0
    q = nn.Parameter(torch.zeros(2), requires_grad=False)
    assert q.requires_grad is False
    assert repr(q) == "Parameter containing:\ntensor([0., 0.])"
    assert type(p * 2) is torch.Tensor
    assert nn.Parameter().shape == (0,)


def test_parameter_bad_input():
    with pytest.raises(TypeError, match="data must be a Tensor"):
        nn.Parameter([1.0, 2.0])
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(torch.tensor([1, 2]))
    nn.Parameter(torch.tensor([1, 2]), requires_grad=False)


def test_parameter_deepcopy_and_pickle():
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    c = copy.deepcopy(p)
    assert type(c) is nn.Parameter and c.requires_grad
    with torch.no_grad():   # in-place writes into leaves that require grad (PyTorch refuses them outside no_grad)
        c[0] = 9.0
    assert p[0].item() == 1.0
    r = pickle.loads(pickle.dumps(p))
    assert type(r) is nn.Parameter and r.tolist() == [1.0, 2.0]


def test_parameter_repr_matches_torch(ref_torch):
    for vals in ([1.0, 2.5], [[1.0, 2.0], [3.0, 4.0]]):
        assert _norm(repr(nn.Parameter(torch.tensor(vals)))) == repr(ref_torch.nn.Parameter(ref_torch.tensor(vals)))


# ---------------------------------------------------------------------- registration and traversal
def test_named_members_match_torch(ref_torch):
    n, r = Net(), _ref_net(ref_torch)
    assert [k for k, _ in n.named_parameters()] == [k for k, _ in r.named_parameters()]
    assert [k for k, _ in n.named_buffers()] == [k for k, _ in r.named_buffers()]
    assert [k for k, _ in n.named_modules()] == [k for k, _ in r.named_modules()]
    assert [k for k, _ in n.named_children()] == [k for k, _ in r.named_children()]
    assert list(n.state_dict().keys()) == list(r.state_dict().keys())
    assert [k for k, _ in n.named_parameters(prefix="m", recurse=False)] == ["m.w", "m.b"]


def test_shared_parameters_and_modules_dedup():
    shared = nn.Identity()
    shared.p = nn.Parameter(torch.zeros(2))
    m = nn.Sequential(shared, shared)
    m.extra = shared.p
    assert len(list(m.parameters())) == 1
    assert [k for k, _ in m.named_modules()] == ["", "0"]
    assert len(list(m.named_parameters(remove_duplicate=False))) == 3
    assert len(list(m.children())) == 1


def test_setattr_routing():
    n = Net()
    assert "w" in n._parameters and "w" not in n.__dict__
    with pytest.raises(TypeError, match="cannot assign 'pytorch_like.FloatTensor' as parameter 'w'"):
        n.w = torch.zeros(2, 3)
    n.w = None
    assert n.w is None and "w" in n._parameters
    assert [k for k, _ in n.named_parameters()] == ["b"]
    with pytest.raises(TypeError, match="as child module 'body'"):
        n.body = 3
    with pytest.raises(TypeError, match="as buffer 'running'"):
        n.running = 3
    n.running = torch.ones(3)
    assert n._buffers["running"].tolist() == [1.0, 1.0, 1.0]
    n.plain = 5
    assert n.plain == 5 and "plain" in n.__dict__
    n.plain = nn.Identity()          # an attribute becomes a child module
    assert "plain" in n._modules and "plain" not in n.__dict__
    del n.plain
    assert "plain" not in n._modules
    del n.running
    assert "running" not in n._buffers
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        n.nope


def test_register_errors():
    m = nn.Module()
    with pytest.raises(KeyError, match="name can.*contain"):
        m.register_parameter("a.b", None)
    with pytest.raises(KeyError, match="empty string"):
        m.register_buffer("", None)
    with pytest.raises(TypeError, match="buffer name should be a string"):
        m.register_buffer(1, None)
    with pytest.raises(TypeError, match="object to parameter 'x'"):
        m.register_parameter("x", torch.zeros(1))
    with pytest.raises(TypeError, match="object to buffer 'x'"):
        m.register_buffer("x", [1])
    m.attr = 1
    with pytest.raises(KeyError, match="attribute 'attr' already exists"):
        m.register_buffer("attr", torch.zeros(1))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("c", 3)

    class Early(nn.Module):
        def __init__(self):
            self.p = nn.Parameter(torch.zeros(1))
    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()

    class Early2(nn.Module):
        def __init__(self):
            self.m = nn.Identity()
    with pytest.raises(AttributeError, match="cannot assign module before Module.__init__"):
        Early2()
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        nn.Module(foo=1)
    with pytest.raises(NotImplementedError, match="missing the required \"forward\""):
        nn.Module()(1)


def test_get_submodule_parameter_buffer():
    n = Net()
    assert n.get_submodule("body.1") is n.body[1]
    assert n.get_parameter("w") is n.w
    assert n.get_buffer("running") is n.running
    with pytest.raises(AttributeError, match="has no attribute `zz`"):
        n.get_submodule("body.zz")
    with pytest.raises(AttributeError, match="is not an nn.Parameter"):
        n.get_parameter("running")
    with pytest.raises(AttributeError, match="is not a buffer"):
        n.get_buffer("w")


# ---------------------------------------------------------------------- modes, conversions, grads
def test_train_eval_apply_requires_grad():
    n = Net()
    assert n.training and n.body[0].training
    assert n.eval() is n
    assert not n.training and not n.body[1].training
    n.train()
    assert n.body[1].training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        n.train(1)
    seen = []
    n.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Identity", "Flatten", "Sequential", "Net"]
    n.requires_grad_(False)
    assert not any(p.requires_grad for p in n.parameters())


def test_to_dtype_in_place_keeps_identity():
    n = Net()
    w = n.w
    n.w.grad = torch.ones(2, 3)
    n.register_buffer("count", torch.tensor(3))
    opt_ref = [w]
    assert n.double() is n
    assert n.w is w and opt_ref[0].dtype is torch.float64
    assert n.w.grad.dtype is torch.float64
    assert n.running.dtype is torch.float64
    assert n.count.dtype is torch.int64          # integer buffers are left alone
    n.to(torch.float32)
    assert w.dtype is torch.float32
    n.half()
    assert w.dtype is torch.float16
    n.float()
    assert w.tolist() == [[1.0] * 3] * 2 and w.requires_grad
    n.to("cpu")
    n.to(None)
    with pytest.raises(TypeError, match="only accepts floating point"):
        n.to(torch.int64)
    with pytest.raises(RuntimeError, match="not available"):
        n.to("cuda")


def test_zero_grad():
    n = Net()
    n.w.grad = torch.ones(2, 3)
    n.zero_grad(set_to_none=False)
    assert n.w.grad.tolist() == [[0.0] * 3] * 2
    n.zero_grad()
    assert n.w.grad is None and n.b.grad is None


# ---------------------------------------------------------------------- state_dict
def test_state_dict_contents():
    n = Net()
    sd = n.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == ["w", "b", "running"]
    assert type(sd["w"]) is torch.Tensor and not sd["w"].requires_grad
    sd["w"][0, 0] = 7.0                         # detached, but the same memory
    assert n.w[0, 0].item() == 7.0
    assert n.state_dict(keep_vars=True)["w"] is n.w
    assert list(n.state_dict(prefix="net.")) == ["net.w", "net.b", "net.running"]
    assert sd._metadata[""] == {"version": 1}


def test_load_state_dict_roundtrip_and_result(ref_torch):
    a, b = Net(), Net()
    with torch.no_grad():   # in-place writes into leaves that require grad (PyTorch refuses them outside no_grad)
        a.w.fill_(3.0)
    a.running.fill_(2.0)
    res = b.load_state_dict(a.state_dict())
    assert repr(res) == "<All keys matched successfully>"
    assert b.w.tolist() == [[3.0] * 3] * 2 and b.running.tolist() == [2.0] * 3
    sd = a.state_dict()
    del sd["b"]
    sd["extra"] = torch.zeros(1)
    res = b.load_state_dict(sd, strict=False)
    assert res.missing_keys == ["b"] and res.unexpected_keys == ["extra"]
    r = _ref_net(ref_torch)
    rsd = r.state_dict()
    del rsd["b"]
    rsd["extra"] = ref_torch.zeros(1)
    assert tuple(r.load_state_dict(rsd, strict=False)) == (["b"], ["extra"])


def test_load_state_dict_errors_like_torch_and_nothing_modified(ref_torch):
    n = Net()
    sd = n.state_dict()
    sd = OrderedDict((k, v.clone() + 1) for k, v in sd.items())
    sd["body.bogus"] = torch.zeros(1)
    del sd["b"]
    with pytest.raises(RuntimeError) as ei:
        n.load_state_dict(sd)
    r = _ref_net(ref_torch)
    rsd = OrderedDict((k, v.clone()) for k, v in r.state_dict().items())
    rsd["body.bogus"] = ref_torch.zeros(1)
    del rsd["b"]
    with pytest.raises(RuntimeError) as er:
        r.load_state_dict(rsd)
    assert str(ei.value).replace("Net", "RNet") == str(er.value)
    assert n.w.tolist() == [[1.0] * 3] * 2      # nothing copied

    # a wrong shape raises PyTorch's text, and the good keys are NOT copied either
    sd = OrderedDict((k, v.clone() + 1) for k, v in n.state_dict().items())
    sd["b"] = torch.zeros(4)
    with pytest.raises(RuntimeError) as ei:
        n.load_state_dict(sd, strict=False)
    rsd = OrderedDict((k, v.clone()) for k, v in r.state_dict().items())
    rsd["b"] = ref_torch.zeros(4)
    with pytest.raises(RuntimeError) as er:
        r.load_state_dict(rsd, strict=False)
    assert _norm(str(ei.value)).replace("Net", "RNet") == str(er.value)
    assert "size mismatch for b: copying a param with shape" in str(ei.value)
    assert n.w.tolist() == [[1.0] * 3] * 2 and n.running.tolist() == [0.0] * 3

    with pytest.raises(RuntimeError, match='While copying the parameter named "w", expected torch.Tensor'):
        n.load_state_dict({"w": [1.0], "b": torch.zeros(3), "running": torch.zeros(3)})
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        n.load_state_dict([1, 2])


def test_load_state_dict_assign_and_dtype_cast():
    n = Net()
    sd = {"w": torch.full((2, 3), 2.0, dtype=torch.float64), "b": torch.zeros(3), "running": torch.ones(3)}
    n.load_state_dict(sd)
    assert n.w.dtype is torch.float32 and n.w[0, 0].item() == 2.0
    n.load_state_dict(sd, assign=True)
    assert n.w.dtype is torch.float64 and isinstance(n.w, nn.Parameter) and n.w.requires_grad


def test_load_state_dict_post_hook():
    n = Net()
    calls = []
    h = n.register_load_state_dict_post_hook(lambda m, keys: calls.append(tuple(keys)))
    n.load_state_dict(n.state_dict())
    assert calls == [([], [])]
    h.remove()
    n.load_state_dict(n.state_dict())
    assert len(calls) == 1


# ---------------------------------------------------------------------- hooks and calling
def test_forward_hooks():
    m = nn.Identity()
    log = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] + 1,))
    h2 = m.register_forward_hook(lambda mod, args, out: out * 10)
    h3 = m.register_forward_hook(lambda mod, args, out: log.append(out.item()))
    assert m(torch.tensor(1.0)).item() == 20.0
    assert log == [20.0]
    h1.remove()
    assert m(torch.tensor(1.0)).item() == 10.0
    h2.remove()
    h3.remove()
    h3.remove()     # idempotent
    assert m(torch.tensor(1.0)).item() == 1.0
    with m.register_forward_hook(lambda mod, args, out: out + 100):
        assert m(torch.tensor(1.0)).item() == 101.0
    assert m(torch.tensor(1.0)).item() == 1.0
    m.register_forward_pre_hook(lambda mod, args, kwargs: ((args[0] * 3,), kwargs), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: out - 1, with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: out * 2, prepend=True)
    assert m(torch.tensor(1.0)).item() == 5.0


# ---------------------------------------------------------------------- repr
def test_repr_matches_torch(ref_torch):
    rn = ref_torch.nn

    def build(nn_, t):
        inner = nn_.Sequential(nn_.Identity(), nn_.Flatten(0, 1), nn_.Unflatten(1, (2, 5)))
        return nn_.Sequential(OrderedDict([
            ("inner", inner),
            ("ml", nn_.ModuleList([nn_.Identity(), nn_.Identity(), nn_.Flatten(), nn_.Identity()])),
            ("md", nn_.ModuleDict({"a": nn_.Identity(), "b": nn_.ModuleList()})),
            ("pl", nn_.ParameterList([nn_.Parameter(t.zeros(2, 3)), nn_.Parameter(t.zeros(4, dtype=t.float64))])),
            ("pd", nn_.ParameterDict({"x": nn_.Parameter(t.zeros(1))})),
            ("empty", nn_.Sequential()),
        ]))
    assert _norm(repr(build(nn, torch))) == repr(build(rn, ref_torch))

    class WithExtra(nn.Module):
        def extra_repr(self):
            return "a=1\nb=2"
    assert repr(WithExtra()) == "WithExtra(\n  a=1\n  b=2\n)"


# ---------------------------------------------------------------------- containers
def test_sequential():
    a, b, c = nn.Identity(), nn.Flatten(), nn.Identity()
    s = nn.Sequential(a, b, c)
    assert len(s) == 3 and s[0] is a and s[-1] is c
    sl = s[1:]
    assert type(sl) is nn.Sequential and list(sl) == [b, c] and list(sl._modules) == ["1", "2"]
    s.append(nn.Identity())
    assert len(s) == 4
    del s[0]
    assert list(s._modules) == ["0", "1", "2"] and s[0] is b
    s[0] = a
    assert s[0] is a
    s.insert(0, b)
    assert s[0] is b and s[1] is a
    assert s.pop(0) is b
    assert len(s + nn.Sequential(b)) == len(s) + 1
    with pytest.raises(IndexError, match="out of range"):
        s[10]
    with pytest.raises(ValueError, match="only objects of Sequential"):
        s + 1
    od = nn.Sequential(OrderedDict([("first", a), ("second", b)]))
    assert od.first is a and list(od._modules) == ["first", "second"]
    x = torch.zeros(2, 3, 4)
    assert nn.Sequential(nn.Identity(), nn.Flatten())(x).shape == (2, 12)


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.Identity()])
    ml.append(nn.Flatten())
    ml.extend([nn.Identity()])
    ml += [nn.Identity()]
    assert len(ml) == 4 and isinstance(ml[1], nn.Flatten) and isinstance(ml[-3], nn.Flatten)
    assert len(ml[1:3]) == 2
    ml.insert(0, nn.Flatten())
    assert isinstance(ml[0], nn.Flatten) and len(ml) == 5
    del ml[0]
    assert list(ml._modules) == ["0", "1", "2", "3"]
    with pytest.raises(IndexError):
        ml[4]
    with pytest.raises(TypeError, match="should be called with an iterable"):
        ml.extend(3)
    md = nn.ModuleDict({"a": nn.Identity()})
    md["b"] = nn.Flatten()
    md.update([("c", nn.Identity())])
    assert list(md.keys()) == ["a", "b", "c"] and "b" in md and len(md) == 3
    assert md.pop("a") is not None and list(md) == ["b", "c"]
    with pytest.raises(ValueError, match="has length 1; 2 is required"):
        md.update([("x",)])


def test_parameter_list_and_dict():
    pl = nn.ParameterList([torch.zeros(2), nn.Parameter(torch.ones(1))])
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    pl.append(torch.zeros(3))
    assert len(list(pl.parameters())) == 3
    assert [k for k, _ in pl.named_parameters()] == ["0", "1", "2"]
    pd = nn.ParameterDict({"a": torch.zeros(2)})
    pd["b"] = nn.Parameter(torch.ones(1))
    assert list(pd.keys()) == ["a", "b"] and isinstance(pd["a"], nn.Parameter)
    assert [k for k, _ in pd.named_parameters()] == ["a", "b"]
    del pd["a"]
    assert list(pd) == ["b"]
    with pytest.raises(RuntimeError, match="should not be called"):
        pl(1)


def test_flatten_unflatten():
    x = torch.zeros(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Unflatten(1, (3, 1))(torch.zeros(2, 3)).shape == (2, 3, 1)
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints"):
        nn.Unflatten(1, 3)
    assert nn.Identity(1, foo=2)(x) is x


def test_deepcopy_module():
    n = Net()
    c = copy.deepcopy(n)
    with torch.no_grad():   # in-place writes into leaves that require grad (PyTorch refuses them outside no_grad)
        c.w[0, 0] = 5.0
    assert n.w[0, 0].item() == 1.0 and isinstance(c.w, nn.Parameter)
    assert c.body is not n.body


# ---------------------------------------------------------------------- init
def test_calculate_gain_and_fans(ref_torch):
    ri = ref_torch.nn.init
    for nl, p in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                  ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)]:
        assert nn.init.calculate_gain(nl, p) == ri.calculate_gain(nl, p)
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        nn.init.calculate_gain("nope")
    with pytest.raises(ValueError, match="negative_slope"):
        nn.init.calculate_gain("leaky_relu", "x")
    for shape in [(3, 4), (8, 3, 5, 5), (2, 3, 4)]:
        assert nn.init._calculate_fan_in_and_fan_out(torch.empty(shape)) == \
            ri._calculate_fan_in_and_fan_out(ref_torch.empty(shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(torch.empty(3))


def test_init_distributions():
    g = torch.Generator().manual_seed(0)
    w = torch.empty(200, 300)
    fan_in, fan_out = 300, 200
    nn.init.uniform_(w, -2, 3, generator=g)
    assert w.min().item() >= -2 and w.max().item() <= 3
    nn.init.normal_(w, 1.0, 2.0, generator=g)
    a = w.numpy()
    assert abs(a.mean() - 1.0) < 0.05 and abs(a.std() - 2.0) < 0.05
    nn.init.xavier_uniform_(w, gain=2.0, generator=g)
    bound = 2.0 * math.sqrt(6.0 / (fan_in + fan_out))
    assert np.abs(w.numpy()).max() <= bound and np.abs(w.numpy()).max() > 0.95 * bound
    nn.init.xavier_normal_(w, generator=g)
    assert abs(w.numpy().std() - math.sqrt(2.0 / (fan_in + fan_out))) < 0.003
    nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g)
    bound = nn.init.calculate_gain("leaky_relu", math.sqrt(5)) * math.sqrt(3.0 / fan_in)
    assert np.abs(w.numpy()).max() <= bound and np.abs(w.numpy()).max() > 0.95 * bound
    nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", generator=g)
    assert abs(w.numpy().std() - math.sqrt(2.0 / fan_out)) < 0.003
    with pytest.raises(ValueError, match="Mode fan_x not supported"):
        nn.init.kaiming_normal_(w, mode="fan_x")
    nn.init.constant_(w, 0.5)
    assert (w.numpy() == 0.5).all()
    nn.init.zeros_(w)
    assert (w.numpy() == 0).all()
    nn.init.ones_(w)
    assert (w.numpy() == 1).all()
    e = nn.init.eye_(torch.empty(3, 5))
    assert (e.numpy() == np.eye(3, 5)).all()
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        nn.init.eye_(torch.empty(3))
    with pytest.raises(TypeError, match="must be a Tensor"):
        nn.init.zeros_([1.0])
    # same seed, same values
    a = nn.init.normal_(torch.empty(5), generator=torch.Generator().manual_seed(3))
    b = nn.init.normal_(torch.empty(5), generator=torch.Generator().manual_seed(3))
    assert a.tolist() == b.tolist()
    with pytest.warns(UserWarning, match="zero-element"):
        nn.init.kaiming_uniform_(torch.empty(0, 3))


@pytest.mark.parametrize("shape", [(4, 6), (6, 4), (5, 5), (3, 2, 2)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_orthogonal(shape, dtype):
    w = torch.empty(*shape, dtype=dtype)
    nn.init.orthogonal_(w, gain=2.0, generator=torch.Generator().manual_seed(1))
    m = w.numpy().reshape(shape[0], -1).astype(np.float64) / 2.0
    tol = 1e-5 if dtype is torch.float32 else 1e-12
    if m.shape[0] <= m.shape[1]:
        np.testing.assert_allclose(m @ m.T, np.eye(m.shape[0]), atol=tol)
    else:
        np.testing.assert_allclose(m.T @ m, np.eye(m.shape[1]), atol=tol)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        nn.init.orthogonal_(torch.empty(3))


# ---------------------------------------------------------------------- nn.utils
def _grads(rng, dtype):
    shapes = [(3, 4), (5,), (2, 2, 2)]
    return [rng.standard_normal(s) * 3 for s in shapes]


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf")])
def test_clip_grad_norm_matches_torch(ref_torch, rng, norm_type):
    gs = _grads(rng, np.float64)
    ours = [nn.Parameter(torch.zeros(*g.shape, dtype=torch.float64)) for g in gs]
    refs = [ref_torch.zeros(*g.shape, dtype=ref_torch.float64, requires_grad=True) for g in gs]
    for o, r, g in zip(ours, refs, gs):
        o.grad = torch.tensor(g)
        r.grad = ref_torch.tensor(g)
    ours[1].grad = None
    refs[1].grad = None
    tn = nn.utils.clip_grad_norm_(ours, 1.5, norm_type)
    tr = ref_torch.nn.utils.clip_grad_norm_(refs, 1.5, norm_type)
    assert abs(tn.item() - tr.item()) < 1e-12
    for o, r in zip(ours, refs):
        if r.grad is not None:
            np.testing.assert_allclose(o.grad.numpy(), r.grad.numpy(), rtol=1e-12)
    # below the max: unchanged (coefficient clamped to 1)
    before = ours[0].grad.numpy().copy()
    nn.utils.clip_grad_norm_(ours[0], 1e9, norm_type)
    np.testing.assert_array_equal(ours[0].grad.numpy(), before)


def test_clip_grad_edge_cases():
    assert nn.utils.clip_grad_norm_([], 1.0).item() == 0.0
    p = nn.Parameter(torch.zeros(2))
    p.grad = torch.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    p.grad = torch.tensor([-3.0, 0.5, 4.0][:2])
    nn.utils.clip_grad_value_(p, 1.0)
    assert p.grad.tolist() == [-1.0, 0.5]
    p32 = nn.Parameter(torch.zeros(3))
    p32.grad = torch.tensor([3.0, 4.0, 0.0])
    total = nn.utils.clip_grad_norm_(p32.__iter__() if False else [p32], 1.0)
    assert abs(total.item() - 5.0) < 1e-6
    np.testing.assert_allclose(p32.grad.numpy(), [0.6, 0.8, 0.0], rtol=1e-5)


def test_parameters_to_vector_and_back():
    n = Net()
    with torch.no_grad():   # in-place writes into leaves that require grad (PyTorch refuses them outside no_grad)
        n.w.copy_(torch.arange(6).reshape(2, 3).float())
    v = nn.utils.parameters_to_vector(n.parameters())
    assert v.tolist() == [0, 1, 2, 3, 4, 5, 0, 0, 0]
    new = torch.arange(9).float() * 10
    nn.utils.vector_to_parameters(new, n.parameters())
    assert n.w.tolist() == [[0, 10, 20], [30, 40, 50]] and n.b.tolist() == [60, 70, 80]
    assert isinstance(n.w, nn.Parameter)
    new[0] = -1.0                                 # the parameters view vec, as in PyTorch
    assert n.w[0, 0].item() == -1.0
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        nn.utils.vector_to_parameters([1.0], n.parameters())
    with pytest.raises(ValueError, match="at least 9 elements"):
        nn.utils.vector_to_parameters(torch.zeros(3), n.parameters())
    with pytest.raises(TypeError, match="expected an iterable of Tensors"):
        nn.utils.parameters_to_vector(torch.zeros(3))


def test_exports():
    import pytorch_like
    assert pytorch_like.nn is nn and pytorch_like.nn.init is nn.init
    assert pytorch_like.nn.Parameter is nn.Parameter
    assert callable(pytorch_like.save) and callable(pytorch_like.load)
    assert pytorch_like.utils.data.DataLoader is not None
    assert pytorch_like.optim.SGD is not None
