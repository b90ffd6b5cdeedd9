"""Optimizers and lr schedulers against PyTorch given the same gradient sequences."""
import math
import warnings

import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like import nn, optim
from pytorch_like.optim import lr_scheduler

_SHAPES = [(3, 4), (4,), (2, 1, 3)]


def _init(rng):
    return [rng.standard_normal(s) for s in _SHAPES]


def _grad(values, i, k):
    # a deterministic, parameter-dependent gradient: that of a quadratic plus a step-dependent drift
    return 0.4 * values + 0.1 * (k + 1) * np.cos(i + np.arange(values.size).reshape(values.shape))


def _run_pair(rt, name, kw, dtype_np, steps=10, closure_every=0, none_grad_for=None):
    rng = np.random.default_rng(7)
    init = _init(rng)
    tdt = {np.float32: rt.float32, np.float64: rt.float64}[dtype_np]
    odt = {np.float32: torch.float32, np.float64: torch.float64}[dtype_np]
    refs = [rt.tensor(v.astype(dtype_np), requires_grad=True) for v in init]
    ours = [nn.Parameter(torch.tensor(v.astype(dtype_np))) for v in init]
    if isinstance(kw, list):     # param groups
        ropt = getattr(rt.optim, name)([dict(g, params=[refs[i] for i in g["params"]]) for g in kw])
        oopt = getattr(optim, name)([dict(g, params=[ours[i] for i in g["params"]]) for g in kw])
    else:
        ropt = getattr(rt.optim, name)(refs, **kw)
        oopt = getattr(optim, name)(ours, **kw)
    for i in range(steps):
        for k, (r, o) in enumerate(zip(refs, ours)):
            if none_grad_for is not None and k == none_grad_for:
                r.grad = None
                o.grad = None
                continue
            g = _grad(o.detach_view().numpy().astype(np.float64), i, k).astype(dtype_np)
            r.grad = rt.tensor(g, dtype=tdt)
            o.grad = torch.tensor(g, dtype=odt)
        ropt.step()
        oopt.step()
    return refs, ours, ropt, oopt


CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.2, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.5, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.05, amsgrad=True, maximize=True, weight_decay=0.05)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("Adamax", dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, weight_decay=0.1, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, alpha=0.9, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.3, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, eps=1e-5, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1)),
    ("Adadelta", dict(lr=0.5, maximize=True)),
]


@pytest.mark.parametrize("name,kw", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
def test_optimizer_matches_torch(ref_torch, name, kw, dtype):
    refs, ours, _, _ = _run_pair(ref_torch, name, kw, dtype)
    tol = 1e-12 if dtype is np.float64 else 1e-6
    for r, o in zip(refs, ours):
        np.testing.assert_allclose(o.detach_view().numpy(), r.detach().numpy(), rtol=tol, atol=tol)
        assert o.dtype.name == str(r.dtype).split(".")[1]


def test_param_groups_and_none_grads_match_torch(ref_torch):
    groups = [{"params": [0, 2], "lr": 0.01, "momentum": 0.9}, {"params": [1], "weight_decay": 0.1}]
    refs, ours, ropt, oopt = _run_pair(ref_torch, "SGD", groups, np.float64, none_grad_for=None)
    for r, o in zip(refs, ours):
        np.testing.assert_allclose(o.detach_view().numpy(), r.detach().numpy(), rtol=1e-12)
    assert oopt.param_groups[1]["lr"] == 0.001 and oopt.param_groups[1]["momentum"] == 0
    # a parameter whose grad is None is skipped (no state, no change)
    refs, ours, ropt, oopt = _run_pair(ref_torch, "Adam", dict(lr=0.1), np.float64, none_grad_for=1)
    rng = np.random.default_rng(7)
    assert np.array_equal(ours[1].detach_view().numpy(), _init(rng)[1])
    assert ours[1] not in [k for k in oopt.state if k is ours[1]] or len(oopt.state[ours[1]]) == 0
    for r, o in zip(refs, ours):
        np.testing.assert_allclose(o.detach_view().numpy(), r.detach().numpy(), rtol=1e-12)


def test_state_dict_format_matches_torch(ref_torch):
    refs, ours, ropt, oopt = _run_pair(ref_torch, "Adam", dict(lr=0.05, amsgrad=True), np.float32, steps=3)
    rs, os_ = ropt.state_dict(), oopt.state_dict()
    assert list(os_) == ["state", "param_groups"]
    assert set(os_["state"]) == set(rs["state"]) == {0, 1, 2}
    for k in rs["state"]:
        assert list(os_["state"][k]) == list(rs["state"][k])
        assert os_["state"][k]["step"].item() == rs["state"][k]["step"].item() == 3.0
        assert os_["state"][k]["step"].dtype is torch.float32
    rg, og = rs["param_groups"][0], os_["param_groups"][0]
    assert og["params"] == rg["params"] == [0, 1, 2]
    assert set(og) == set(rg)
    for key in rg:
        if key != "params":
            assert og[key] == rg[key], key
    for name, kw in [("SGD", dict(lr=0.1, momentum=0.9)), ("RMSprop", dict(centered=True, momentum=0.1)),
                     ("Adagrad", {}), ("Adadelta", {}), ("Adamax", {}), ("AdamW", {})]:
        _, _, ropt, oopt = _run_pair(ref_torch, name, kw, np.float64, steps=2)
        rs, os_ = ropt.state_dict(), oopt.state_dict()
        assert set(os_["param_groups"][0]) == set(rs["param_groups"][0]), name
        assert {k: list(v) for k, v in os_["state"].items()} == {k: list(v) for k, v in rs["state"].items()}, name


@pytest.mark.parametrize("name,kw", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.05, amsgrad=True)),
                                     ("RMSprop", dict(centered=True, momentum=0.5)), ("Adagrad", {})])
def test_state_dict_round_trip_continues_identically(name, kw):
    rng = np.random.default_rng(3)
    init = _init(rng)

    def make():
        ps = [nn.Parameter(torch.tensor(v)) for v in init]
        return ps, getattr(optim, name)(ps, **kw)

    def step(ps, opt, i):
        for k, p in enumerate(ps):
            p.grad = torch.tensor(_grad(p.detach_view().numpy(), i, k))
        opt.step()

    a_ps, a = make()
    for i in range(3):
        step(a_ps, a, i)
    sd = a.state_dict()
    b_ps, b = make()
    with torch.no_grad():
        for p, q in zip(b_ps, a_ps):
            p.copy_(q)
    b.load_state_dict(sd)
    for k, v in sd["state"].items():                  # the loaded state is a copy
        for kk, vv in v.items():
            if isinstance(vv, torch.Tensor):
                assert b.state[b_ps[k]][kk] is not vv
    for i in range(3, 6):
        step(a_ps, a, i)
        step(b_ps, b, i)
    for p, q in zip(a_ps, b_ps):
        assert np.array_equal(p.detach_view().numpy(), q.detach_view().numpy())


def test_load_state_dict_casts_to_param_dtype_and_errors():
    p = nn.Parameter(torch.zeros(3, dtype=torch.float64))
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    sd = {"state": {0: {"momentum_buffer": torch.ones(3)}}, "param_groups": [dict(opt.state_dict()["param_groups"][0])]}
    opt.load_state_dict(sd)
    assert opt.state[p]["momentum_buffer"].dtype is torch.float64
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})
    bad = dict(sd, param_groups=[dict(sd["param_groups"][0], params=[0, 1])])
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        opt.load_state_dict(bad)
    with pytest.raises(KeyError, match="param_groups"):
        opt.load_state_dict({"state": {}})


def test_optimizer_construction_errors():
    p = nn.Parameter(torch.zeros(2))
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.Adam([p], lr=-1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1"):
        optim.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero dampening"):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Invalid momentum value"):
        optim.SGD([p], lr=0.1, momentum=-1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors"):
        optim.SGD([1.0], lr=0.1)
    opt = optim.SGD([p], lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {nn.Parameter(torch.zeros(1))}})
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [p]})
    with pytest.raises(ValueError, match="Invalid rho value"):
        optim.Adadelta([p], rho=1.5)
    with pytest.raises(ValueError, match="Invalid lr_decay value"):
        optim.Adagrad([p], lr_decay=-1)
    with pytest.raises(ValueError, match="Invalid alpha value"):
        optim.RMSprop([p], alpha=-1)
    with pytest.raises(ValueError, match="per-parameter options"):
        optim.LBFGS([{"params": [p]}, {"params": [nn.Parameter(torch.zeros(1))]}])


def test_add_param_group_defaults_zero_grad_repr():
    a, b = nn.Parameter(torch.zeros(2)), nn.Parameter(torch.zeros(3))
    opt = optim.SGD([a], lr=0.1, momentum=0.5)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert opt.param_groups[1]["momentum"] == 0.5 and opt.param_groups[1]["lr"] == 0.01
    a.grad = torch.ones(2)
    b.grad = torch.ones(3)
    opt.zero_grad(set_to_none=False)
    assert a.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert a.grad is None and b.grad is None
    assert repr(opt).startswith("SGD (\nParameter Group 0\n    dampening: 0\n")
    named = optim.SGD([("w", a)], lr=0.1)
    assert named.param_groups[0]["param_names"] == ["w"]
    assert named.state_dict()["param_groups"][0]["param_names"] == ["w"]


def test_step_hooks_and_closure():
    p = nn.Parameter(torch.tensor([1.0]))
    opt = optim.SGD([p], lr=0.5)
    log = []
    h = opt.register_step_pre_hook(lambda o, a, k: log.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: log.append("post"))

    def closure():
        p.grad = torch.tensor([2.0])
        log.append("closure")
        return 3.0
    assert opt.step(closure) == 3.0
    assert log == ["pre", "closure", "post"] and p.item() == 0.0
    h.remove()
    opt.step(closure)
    assert log[-2:] == ["closure", "post"]


# ---------------------------------------------------------------------- LBFGS
def _quadratic(rt_or_ours, A, b, x):
    # f = 0.5 x'Ax - b'x ; grad = Ax - b, computed with tensor ops
    Ax = A @ x
    return 0.5 * (x @ Ax) - b @ x, Ax - b


def _rosenbrock(x):
    a = x.detach().numpy() if hasattr(x, "detach") else x.detach_view().numpy()
    f = sum(100.0 * (a[1:] - a[:-1] ** 2) ** 2 + (1 - a[:-1]) ** 2)
    g = np.zeros_like(a)
    g[:-1] += -400.0 * a[:-1] * (a[1:] - a[:-1] ** 2) - 2 * (1 - a[:-1])
    g[1:] += 200.0 * (a[1:] - a[:-1] ** 2)
    return float(f), g


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
@pytest.mark.parametrize("problem", ["quadratic", "rosenbrock"])
def test_lbfgs_matches_torch(ref_torch, line_search, problem):
    rng = np.random.default_rng(5)
    n = 6
    M = rng.standard_normal((n, n))
    A = M @ M.T + n * np.eye(n)
    bvec = rng.standard_normal(n)
    x0 = rng.standard_normal(n) * (0.3 if problem == "rosenbrock" else 1.0)
    kw = dict(lr=1 if line_search else 0.2, max_iter=25, history_size=5, line_search_fn=line_search)
    r = ref_torch.tensor(x0, requires_grad=True)
    o = nn.Parameter(torch.tensor(x0))
    ropt = ref_torch.optim.LBFGS([r], **kw)
    oopt = optim.LBFGS([o], **kw)
    rA, rb, oA, ob = ref_torch.tensor(A), ref_torch.tensor(bvec), torch.tensor(A), torch.tensor(bvec)

    def make_closure(x, lib, Am, bm):
        def closure():
            if problem == "quadratic":
                with (ref_torch.no_grad() if lib is ref_torch else _null()):
                    f, g = _quadratic(lib, Am, bm, x.detach() if lib is ref_torch else x)
                x.grad = g.clone() if lib is ref_torch else g
                return f
            f, g = _rosenbrock(x)
            x.grad = lib.tensor(g)
            return lib.tensor(f)
        return closure

    rc = make_closure(r, ref_torch, rA, rb)
    oc = make_closure(o, torch, oA, ob)
    for _ in range(3):
        lr_ = ropt.step(rc)
        lo = oopt.step(oc)
        assert abs(float(lr_) - float(lo)) <= 1e-6 * max(1.0, abs(float(lr_)))
    # Rosenbrock is ill-conditioned: last-bit differences of dot products grow over 75 iterations
    tol = 1e-12 if problem == "quadratic" else 1e-6
    np.testing.assert_allclose(o.detach_view().numpy(), r.detach().numpy(), rtol=tol, atol=tol)
    assert oopt.state[o]["func_evals"] == ropt.state[r]["func_evals"]
    assert oopt.state[o]["n_iter"] == ropt.state[r]["n_iter"]
    if problem == "quadratic" and line_search:
        np.testing.assert_allclose(o.detach_view().numpy(), np.linalg.solve(A, bvec), atol=1e-4)


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def test_lbfgs_requires_closure_and_converges_float32():
    x = nn.Parameter(torch.tensor([3.0, -2.0]))
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe")
    with pytest.raises(RuntimeError, match="closure"):
        opt.step(None)

    def closure():
        x.grad = 2 * (x.detach_view() - torch.tensor([1.0, 2.0]))
        return ((x.detach_view() - torch.tensor([1.0, 2.0])) ** 2).sum()
    for _ in range(3):
        opt.step(closure)
    np.testing.assert_allclose(x.detach_view().numpy(), [1.0, 2.0], atol=1e-5)
    with pytest.raises(ValueError, match="strong_wolfe"):
        optim.LBFGS([x], line_search_fn="armijo")


# ---------------------------------------------------------------------- schedulers
def _sched_pair(rt, make, steps=25, opt_name="SGD", opt_kw=None, groups=2, metric=None):
    opt_kw = dict(lr=0.1, momentum=0.9) if opt_kw is None else opt_kw
    rps = [[rt.zeros(1, requires_grad=True)] for _ in range(groups)]
    ops = [[nn.Parameter(torch.zeros(1))] for _ in range(groups)]
    rg = [{"params": p, "lr": 0.1 * (i + 1)} for i, p in enumerate(rps)]
    og = [{"params": p, "lr": 0.1 * (i + 1)} for i, p in enumerate(ops)]
    ropt = getattr(rt.optim, opt_name)(rg, **opt_kw)
    oopt = getattr(optim, opt_name)(og, **opt_kw)
    rs, os_ = make(rt.optim.lr_scheduler, ropt), make(lr_scheduler, oopt)
    r_lrs, o_lrs, r_mom, o_mom = [rs.get_last_lr()], [os_.get_last_lr()], [], []
    for i in range(steps):
        ropt.step()
        oopt.step()
        if metric is None:
            rs.step()
            os_.step()
        else:
            rs.step(metric(i))
            os_.step(metric(i))
        r_lrs.append(rs.get_last_lr())
        o_lrs.append(os_.get_last_lr())
        key = "betas" if "betas" in ropt.param_groups[0] else "momentum"
        r_mom.append([g[key] for g in ropt.param_groups])
        o_mom.append([g[key] for g in oopt.param_groups])
    return r_lrs, o_lrs, r_mom, o_mom, rs, os_


SCHEDULERS = [
    ("StepLR", lambda m, o: m.StepLR(o, step_size=4, gamma=0.5)),
    ("MultiStepLR", lambda m, o: m.MultiStepLR(o, milestones=[3, 7, 7, 15], gamma=0.3)),
    ("ExponentialLR", lambda m, o: m.ExponentialLR(o, gamma=0.9)),
    ("CosineAnnealingLR", lambda m, o: m.CosineAnnealingLR(o, T_max=8, eta_min=0.001)),
    ("LambdaLR", lambda m, o: m.LambdaLR(o, lr_lambda=[lambda e: 0.95 ** e, lambda e: 1.0 / (e + 1)])),
    ("OneCycleLR", lambda m, o: m.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=30)),
    ("OneCycleLR-3", lambda m, o: m.OneCycleLR(o, max_lr=0.5, epochs=3, steps_per_epoch=10, three_phase=True,
                                               anneal_strategy="linear")),
]


@pytest.mark.parametrize("name,make", SCHEDULERS, ids=[s[0] for s in SCHEDULERS])
def test_scheduler_matches_torch(ref_torch, name, make):
    r_lrs, o_lrs, r_mom, o_mom, rs, os_ = _sched_pair(ref_torch, make, steps=25)
    np.testing.assert_allclose(np.array(o_lrs), np.array(r_lrs), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(np.array(o_mom), np.array(r_mom), rtol=1e-13)
    assert os_.last_epoch == rs.last_epoch


def test_onecycle_with_adam_betas(ref_torch):
    make = lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=20)  # noqa: E731
    r_lrs, o_lrs, r_mom, o_mom, _, _ = _sched_pair(ref_torch, make, steps=20, opt_name="Adam", opt_kw={})
    np.testing.assert_allclose(np.array(o_lrs), np.array(r_lrs), rtol=1e-13)
    assert o_mom == r_mom
    with pytest.raises(ValueError, match="Tried to step 21 times"):
        p = nn.Parameter(torch.zeros(1))
        o = optim.Adam([p])
        s = lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=20)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(21):
                o.step()
                s.step()


@pytest.mark.parametrize("kw", [dict(), dict(mode="max", factor=0.5, patience=2, threshold_mode="abs",
                                                threshold=0.1, cooldown=2, min_lr=[0.02, 0.05])])
def test_reduce_lr_on_plateau_matches_torch(ref_torch, kw):
    metric = lambda i: [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.5, 0.6, 0.6, 0.6][i % 10] + (i // 10) * 0.01  # noqa
    make = lambda m, o: m.ReduceLROnPlateau(o, **kw)  # noqa: E731
    r_lrs, o_lrs, _, _, rs, os_ = _sched_pair(ref_torch, make, steps=40, metric=metric)
    np.testing.assert_allclose(np.array(o_lrs), np.array(r_lrs), rtol=1e-13)
    assert os_.num_bad_epochs == rs.num_bad_epochs and os_.best == rs.best


def test_scheduler_state_dict_and_errors():
    p = nn.Parameter(torch.zeros(1))
    o = optim.SGD([p], lr=1.0)
    s = lr_scheduler.StepLR(o, step_size=2, gamma=0.5)
    for _ in range(3):
        o.step()
        s.step()
    sd = s.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 3 and sd["base_lrs"] == [1.0]
    o2 = optim.SGD([p], lr=1.0)
    s2 = lr_scheduler.StepLR(o2, step_size=100)
    s2.load_state_dict(sd)
    assert s2.step_size == 2 and s2.last_epoch == 3
    lam = lr_scheduler.LambdaLR(o2, lambda e: 1.0)
    assert lam.state_dict()["lr_lambdas"] == [None]
    with pytest.raises(ValueError, match="Expected 1 lr_lambdas, but got 2"):
        lr_scheduler.LambdaLR(o2, [lambda e: 1, lambda e: 1])
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR(object(), 1)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(optim.SGD([p], lr=0.1), 1, last_epoch=3)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(o2, factor=1.0)
    with pytest.raises(ValueError, match="mode foo is unknown"):
        lr_scheduler.ReduceLROnPlateau(o2, mode="foo")
    with pytest.raises(ValueError, match="You must define either total_steps"):
        lr_scheduler.OneCycleLR(o2, max_lr=1.0)
    with pytest.raises(ValueError, match="optimizer must support momentum"):
        lr_scheduler.OneCycleLR(optim.Adagrad([p]), max_lr=1.0, total_steps=5)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        lr_scheduler.ExponentialLR(optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1), 0.9).step()
    r = lr_scheduler.ReduceLROnPlateau(o2, patience=0)
    r.step(1.0)
    r.step(2.0)
    assert o2.param_groups[0]["lr"] == pytest.approx(0.1, rel=1e-15)
    rsd = r.state_dict()
    r2 = lr_scheduler.ReduceLROnPlateau(o2)
    r2.load_state_dict(rsd)
    assert r2.patience == 0 and r2.best == 1.0 and math.isinf(lr_scheduler.ReduceLROnPlateau(o2).best)


def test_scheduler_closed_form_epoch(ref_torch):
    rp = ref_torch.zeros(1, requires_grad=True)
    op = nn.Parameter(torch.zeros(1))
    ro, oo = ref_torch.optim.SGD([rp], lr=1.0), optim.SGD([op], lr=1.0)
    rs = ref_torch.optim.lr_scheduler.MultiStepLR(ro, [2, 5], 0.1)
    os_ = lr_scheduler.MultiStepLR(oo, [2, 5], 0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for e in [3, 6, 1]:
            rs.step(e)
            os_.step(e)
            assert os_.get_last_lr() == pytest.approx(rs.get_last_lr(), rel=1e-15)


def test_updates_run_under_autograd_no_grad(monkeypatch):
    # the plug-in point for autograd: steps, init and load_state_dict write under no_grad(),
    # and an optimizer's closure runs under enable_grad()
    import contextlib
    from pytorch_like import _grad_mode
    log = []

    def ctx(name):
        real = getattr(torch.autograd, name)

        @contextlib.contextmanager
        def cm():
            log.append(name + "+")
            with real():
                yield
            log.append(name + "-")
        return cm
    monkeypatch.setitem(_grad_mode._impl, "no_grad", ctx("no_grad"))
    monkeypatch.setitem(_grad_mode._impl, "enable_grad", ctx("enable_grad"))
    p = nn.Parameter(torch.ones(2))
    opt = optim.SGD([p], lr=0.1)

    def closure():
        log.append("closure")
        p.grad = torch.ones(2)
        return 0.0
    opt.step(closure)
    assert log == ["no_grad+", "enable_grad+", "closure", "enable_grad-", "no_grad-"]
    log.clear()
    nn.init.normal_(p)
    assert log == ["no_grad+", "no_grad-"]
    log.clear()
    m = nn.Module()
    m.p = p
    m.load_state_dict({"p": torch.zeros(2)})
    assert log == ["no_grad+", "no_grad-"] and p.tolist() == [0.0, 0.0]


# ---------------------------------------------------------------------- the fused Adam pass (THTensor_adamUpdate)

@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("kw", [dict(lr=0.01), dict(lr=0.01, amsgrad=True), dict(lr=0.01, betas=(0.3, 0.9))],
                         ids=["default", "amsgrad", "beta1<0.5"])
def test_adam_fused_large_and_strided_grads_match_torch(ref_torch, dtype, kw):
    rng = np.random.default_rng(3)
    init = [rng.standard_normal((37, 29)).astype(dtype), rng.standard_normal(1001).astype(dtype)]
    refs = [ref_torch.tensor(v, requires_grad=True) for v in init]
    ours = [nn.Parameter(torch.tensor(v)) for v in init]
    ropt, oopt = ref_torch.optim.Adam(refs, **kw), optim.Adam(ours, **kw)
    for i in range(10):
        g0 = rng.standard_normal((29, 37)).astype(dtype)     # used transposed: a strided grad
        g1 = rng.standard_normal(1001).astype(dtype) * (i + 1)
        refs[0].grad, refs[1].grad = ref_torch.tensor(g0).t(), ref_torch.tensor(g1)
        ours[0].grad, ours[1].grad = torch.tensor(g0).t(), torch.tensor(g1)
        ropt.step()
        oopt.step()
    tol = 1e-12 if dtype is np.float64 else 1e-6
    for r, o in zip(refs, ours):
        np.testing.assert_allclose(o.detach_view().numpy(), r.detach().numpy(), rtol=tol, atol=tol)
    for r, o in zip(refs, ours):
        for key in ("exp_avg", "exp_avg_sq"):
            np.testing.assert_allclose(oopt.state[o][key].numpy(), ropt.state[r][key].numpy(), rtol=tol, atol=tol)


def test_adam_float16_params_follow_float32():
    rng = np.random.default_rng(4)
    v = rng.standard_normal(20).astype(np.float32)
    p16, p32 = nn.Parameter(torch.tensor(v).half()), nn.Parameter(torch.tensor(v))
    o16, o32 = optim.Adam([p16], lr=0.01), optim.Adam([p32], lr=0.01)
    for _ in range(5):
        g = rng.standard_normal(20).astype(np.float32)
        p16.grad, p32.grad = torch.tensor(g).half(), torch.tensor(g)
        o16.step()
        o32.step()
    assert p16.dtype is torch.float16 and o16.state[p16]["exp_avg"].dtype is torch.float16
    np.testing.assert_allclose(p16.detach_view().float().numpy(), p32.detach_view().numpy(), atol=2e-3)


def test_adam_fused_bad_state_and_grad():
    # the grad setter refuses mismatches, but replacing p.data afterwards still makes them
    p = nn.Parameter(torch.zeros(4, 3))
    opt = optim.Adam([p])
    p.grad = torch.zeros(4, 3)
    p.data = torch.zeros(3, 4)
    with pytest.raises(ValueError, match=r"Adam.step\(\): parameter 0 of param group 0: grad has shape \[4, 3\]"):
        opt.step()
    p.grad = None
    p.data = torch.zeros(3, 4, dtype=torch.float64)
    p.grad = torch.zeros(3, 4, dtype=torch.float64)
    p.data = torch.zeros(3, 4)
    with pytest.raises(TypeError, match=r"grad has dtype pytorch_like.float64 but the parameter has dtype"):
        opt.step()
    assert not opt.state                   # nothing was initialised by the refused steps
    p.grad = torch.zeros(3, 4)
    opt.step()
    opt.state[p]["exp_avg"] = torch.zeros(4).expand(3, 4)
    with pytest.raises(ValueError, match="state 'exp_avg' is updated in place and must not be an expanded"):
        opt.step()
    assert opt.state[p]["step"].item() == 1


def _snapshot(opt, params):
    state = {id(p): {k: (v.clone() if isinstance(v, torch.Tensor) else v) for k, v in opt.state[p].items()}
             for p in params if p in opt.state}
    return [p.detach().clone() for p in params], state


def _assert_same(before, after):
    (pb, sb), (pa, sa) = before, after
    for x, y in zip(pb, pa):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    assert sb.keys() == sa.keys()
    for k in sb:
        assert sb[k].keys() == sa[k].keys()
        for name in sb[k]:
            a, b = sb[k][name], sa[k][name]
            if isinstance(a, torch.Tensor):
                np.testing.assert_array_equal(a.numpy(), b.numpy())
            else:
                assert a == b


def _mismatched_grad(p, g):
    """Give p a grad of another shape/dtype the way user code still can past the grad setter's
    checks: assign it while p.data matches it, then swap p.data back."""
    data = p.data
    p.grad = None
    p.data = torch.zeros(tuple(g.shape), dtype=g.dtype)
    p.grad = g
    p.data = data


@pytest.mark.parametrize("name,kw", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
@pytest.mark.parametrize("bad", ["shape", "dtype", "state_shape"])
def test_bad_grad_leaves_params_and_state_unchanged(name, kw, bad):
    # two groups; the bad grad is on the last parameter of the second group, so a step that
    # mutated as it went would already have changed the others
    rng = np.random.default_rng(3)
    ps = [nn.Parameter(torch.tensor(rng.standard_normal(s))) for s in _SHAPES]
    opt = getattr(optim, name)([{"params": ps[:1]}, {"params": ps[1:]}], **kw)
    for _ in range(2):                     # warm state (moments, step counters, momentum buffers)
        for p in ps:
            p.grad = torch.tensor(rng.standard_normal(tuple(p.shape)))
        opt.step()
    for p in ps:
        p.grad = torch.tensor(rng.standard_normal(tuple(p.shape)))
    last = ps[-1]
    if bad == "shape":
        _mismatched_grad(last, torch.zeros(7))
        exc, msg = ValueError, r"parameter 1 of param group 1: grad has shape \[7\] but the parameter has shape"
    elif bad == "dtype":
        _mismatched_grad(last, last.grad.float())
        exc, msg = TypeError, "parameter 1 of param group 1: grad has dtype pytorch_like.float32"
    else:
        if not opt.state[last]:
            pytest.skip("this optimizer keeps no per-parameter state here")
        key = next(k for k, v in opt.state[last].items() if k != "step" and isinstance(v, torch.Tensor))
        opt.state[last][key] = torch.zeros(2, 2, dtype=torch.float64)
        exc, msg = ValueError, f"state '{key}' has shape \\[2, 2\\]"
    before = _snapshot(opt, ps)
    with pytest.raises(exc, match=msg):
        opt.step()
    _assert_same(before, _snapshot(opt, ps))


def test_bad_lr_and_integer_param_refused_before_any_change():
    a, b = nn.Parameter(torch.ones(2)), nn.Parameter(torch.ones(2))
    opt = optim.Adam([{"params": [a]}, {"params": [b]}])
    a.grad, b.grad = torch.ones(2), torch.ones(2)
    opt.param_groups[1]["lr"] = "fast"
    with pytest.raises(TypeError, match="param group 1: lr must be a number"):
        opt.step()
    assert not opt.state and a.tolist() == [1.0, 1.0]
    i = torch.ones(2, dtype=torch.int64)
    sgd = optim.SGD([i], lr=0.1)
    i.grad = torch.ones(2, dtype=torch.int64)
    with pytest.raises(TypeError, match="only floating-point parameters"):
        sgd.step()
    assert i.tolist() == [1, 1]


def test_lbfgs_bad_grad_refused_before_state_changes():
    p = nn.Parameter(torch.ones(3, dtype=torch.float64))
    opt = optim.LBFGS([p])

    def closure():
        _mismatched_grad(p, torch.ones(4, dtype=torch.float64))
        return torch.tensor(1.0)
    with pytest.raises(ValueError, match=r"LBFGS.step\(\): parameter 0: grad has shape \[4\]"):
        opt.step(closure)
    assert not opt.state and p.tolist() == [1.0, 1.0, 1.0]


def _steps(lib, opt, params, grads):
    for g in grads:
        for p, gv in zip(params, g):
            p.grad = lib.tensor(gv)
        opt.step()


@pytest.mark.parametrize("name", ["Adam", "AdamW", "Adamax", "Adagrad", "RMSprop", "Adadelta"])
def test_plain_number_step_from_old_state_dict_is_converted_and_counted(ref_torch, name):
    # an old PyTorch state_dict stores state['step'] as a plain number; loading converts it to a
    # tensor that the following steps increment, so the bias corrections keep advancing
    rng = np.random.default_rng(11)
    init = _init(rng)
    grads = [[rng.standard_normal(v.shape) for v in init] for _ in range(6)]
    results = {}
    for lib in (ref_torch, torch):
        params = [lib.nn.Parameter(lib.tensor(v)) for v in init]
        opt = getattr(lib.optim, name)(params, lr=0.05)
        _steps(lib, opt, params, grads[:3])
        sd = opt.state_dict()
        for st in sd["state"].values():
            st["step"] = int(st["step"].item())
        fresh = getattr(lib.optim, name)(params, lr=0.05)
        fresh.load_state_dict(sd)
        _steps(lib, fresh, params, grads[3:])
        results[lib] = ([p.detach().numpy() for p in params],
                        [fresh.state[p]["step"] for p in params])
    (ref_p, ref_steps), (our_p, our_steps) = results[ref_torch], results[torch]
    for a, b in zip(our_p, ref_p):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    for s, r in zip(our_steps, ref_steps):
        assert isinstance(s, torch.Tensor) and s.dtype == torch.float32 and s.item() == r.item() == 6.0


def test_plain_number_step_set_directly_is_refused_like_pytorch():
    p = nn.Parameter(torch.ones(2))
    opt = optim.Adam([p])
    p.grad = torch.ones(2)
    opt.step()
    opt.state[p]["step"] = 3
    with pytest.raises(RuntimeError, match=r"Adam.step\(\): parameter 0 of param group 0: API has changed"):
        opt.step()
    assert p.tolist() == pytest.approx([0.999, 0.999])
