"""Autograd behaviour: accumulation, hooks, retain_grad, in-place ops, views, autograd.grad,
double backward, custom Functions, grad mode, error messages, memory."""
import gc
import os

import numpy as np
import pytest

import pytorch_like as P
from pytorch_like import autograd


def _both(ref_torch, fn, *arrays):
    """fn(module, *leaves) in both libraries; returns the leaves' grads (ours, torch)."""
    res = []
    for T in (P, ref_torch):
        xs = [T.tensor(a, dtype=T.float64, requires_grad=True) for a in arrays]
        fn(T, *xs)
        res.append([None if x.grad is None else x.grad.detach().numpy().copy() for x in xs])
    return res


def _same(ours, theirs):
    for a, b in zip(ours, theirs):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


A = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])
B = np.array([0.2, -0.4, 1.1])


# ---------------------------------------------------------------------- basics

def test_leaf_and_grad_fn_attributes():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert x.is_leaf and x.grad_fn is None and x.requires_grad
    assert not y.is_leaf and y.requires_grad and y.grad_fn.name() == "MulBackward0"
    z = y.sum()
    assert z.grad_fn.name() == "SumBackward0"
    (fn, nr), = z.grad_fn.next_functions
    assert fn is y.grad_fn and nr == 0
    acc = y.grad_fn.next_functions[0][0]
    assert acc.name() == "AccumulateGrad" and acc.variable is x
    assert "grad_fn=<SumBackward0>" in repr(z)
    assert repr(x).endswith("requires_grad=True)")
    assert P.tensor([1.0]).is_leaf
    assert not (P.tensor([1.0]) * 2).requires_grad


def test_accumulation_and_broadcasting(ref_torch):
    def f(T, a, b):
        (a * b + b).sum().backward()
        (a - b).pow(2).mean().backward()
    _same(*_both(ref_torch, f, A, B))


def test_backward_with_gradient_argument(ref_torch):
    def f(T, a):
        (a.tanh() * 3).backward(T.tensor(A, dtype=T.float64))
    _same(*_both(ref_torch, f, A))


def test_shared_input_and_diamond(ref_torch):
    def f(T, a):
        b = a.exp()
        c = b * b + b.sin() * a
        c.sum().backward()
    _same(*_both(ref_torch, f, A))


def test_retain_graph_second_backward(ref_torch):
    def f(T, a):
        y = (a * a).sum()
        y.backward(retain_graph=True)
        y.backward()
    _same(*_both(ref_torch, f, A))


def test_integer_and_comparison_outputs_do_not_require_grad():
    x = P.tensor([1.0, -2.0], requires_grad=True)
    assert not (x > 0).requires_grad
    assert not x.argmax().requires_grad
    v, i = x.sort()
    assert v.requires_grad and not i.requires_grad
    assert not x.long().requires_grad


def test_detach_and_data():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None
    d[0] = 5.0
    assert y[0].item() == 5.0        # shares storage
    y.detach_()
    assert y.is_leaf and not y.requires_grad
    assert not x.data.requires_grad
    x.data = P.tensor([3.0, 4.0])
    assert x.tolist() == [3.0, 4.0] and x.requires_grad


def test_requires_grad_flags():
    x = P.tensor([1.0])
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    y = P.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)


# ---------------------------------------------------------------------- grad mode

def test_no_grad_context_and_decorator():
    x = P.tensor([1.0], requires_grad=True)
    with P.no_grad():
        assert not P.is_grad_enabled()
        y = x * 2
        with P.enable_grad():
            z = x * 2
    assert P.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad

    @P.no_grad()
    def f(t):
        return t * 3
    assert not f(x).requires_grad and P.is_grad_enabled()
    with P.set_grad_enabled(False):
        assert not (x + 1).requires_grad
    assert P.is_grad_enabled()
    P.set_grad_enabled(False)
    assert not P.is_grad_enabled()
    P.set_grad_enabled(True)
    with autograd.no_grad():
        x.mul_(2)     # in-place on a leaf is fine without grad mode
    assert x.item() == 2.0


def test_no_grad_restores_mode_after_exception():
    with pytest.raises(ValueError):
        with P.no_grad():
            raise ValueError("x")
    assert P.is_grad_enabled()


# ---------------------------------------------------------------------- hooks and retain_grad

def test_retain_grad(ref_torch):
    outs = []
    for T in (P, ref_torch):
        x = T.tensor(A, dtype=T.float64, requires_grad=True)
        y = x * 2
        y.retain_grad()
        z = (y * y).sum()
        z.backward()
        outs.append(y.grad.numpy().copy())
        assert y.retains_grad
    np.testing.assert_allclose(*outs)


def test_tensor_hooks_replace_gradients(ref_torch):
    def f(T, a, b):
        y = a * b
        y.register_hook(lambda g: g * 10)
        h = a.register_hook(lambda g: g + 1)
        (y.sum() + a.sum()).backward()
        h.remove()
        (a * 1).sum().backward()
    _same(*_both(ref_torch, f, A, B))


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        P.tensor([1.0]).register_hook(lambda g: g)


def test_hook_observes_gradient():
    seen = []
    x = P.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: seen.append(g.tolist()))
    y.sum().backward()
    assert seen == [[1.0, 1.0]] and x.grad.tolist() == [3.0, 3.0]


# ---------------------------------------------------------------------- in-place and views

def test_inplace_on_non_leaf(ref_torch):
    def f(T, a, b):
        y = a * 1
        y.mul_(b)
        y.add_(a, alpha=2)
        y.sin_()
        y += b
        y *= 2
        y.sum().backward()
    _same(*_both(ref_torch, f, A, B))


def test_setitem_on_non_leaf(ref_torch):
    def f(T, a, b):
        y = a.clone()
        y[0] = b
        y[1, 1:] = b[:2] * 3
        y[:, 0] = 7.0
        (y * y).sum().backward()
    _same(*_both(ref_torch, f, A, B))


def test_setitem_into_plain_buffer(ref_torch):
    def f(T, b):
        buf = T.zeros(2, 3, dtype=T.float64)
        buf[1] = b
        (buf * buf).sum().backward()
    _same(*_both(ref_torch, f, B))


def test_inplace_on_view_updates_base(ref_torch):
    def f(T, a, b):
        y = a.clone()
        v = y[:, 1]
        v.mul_(b[:2])
        y.narrow(1, 2, 1).copy_(b[:2].unsqueeze(1))
        (y * y).sum().backward()
    _same(*_both(ref_torch, f, A, B))


def test_fill_and_zero_on_non_leaf(ref_torch):
    def f(T, a):
        y = a * 2
        y[0].zero_()
        y[1].fill_(3.0)
        z = a * 3
        z.masked_fill_(T.tensor([[True, False, True], [False, False, True]]), 0.0)
        (y.sum() + (z * a).sum()).backward()
    _same(*_both(ref_torch, f, A))


def test_inplace_index_ops(ref_torch):
    def f(T, a, b):
        y = a * 1
        y.index_add_(1, T.tensor([0, 2]), b[:2].unsqueeze(0).expand(2, 2))
        y.clamp_(-1.0, 1.0)
        y.sum().backward()
    _same(*_both(ref_torch, f, A, B))


def test_inplace_on_leaf_raises():
    x = P.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError,
                       match="a leaf Variable that requires grad is being used in an in-place operation."):
        x.add_(1)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x += 1
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x[0] = 2.0
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[1:].mul_(2)
    assert x.tolist() == [1.0, 2.0, 3.0]


def test_modified_saved_tensor_raises():
    x = P.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.tanh()
    z = y * y
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"one of the variables needed for gradient computation has been modified "
                                           r"by an inplace operation: \[pytorch_like.FloatTensor \[3\]\], which is "
                                           r"output 0 of TanhBackward0, is at version 1; expected version 0 instead"):
        z.sum().backward()


def test_modified_saved_output_raises():
    x = P.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp()
    y.mul_(2)
    with pytest.raises(RuntimeError, match=r"\[pytorch_like.FloatTensor \[3\]\], which is output 0 of "
                                           r"ExpBackward0, is at version 1; expected version 0"):
        y.sum().backward()


def test_modified_leaf_saved_raises():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    w = P.tensor([3.0, 4.0])
    y = x * w
    w.add_(1)
    with pytest.raises(RuntimeError, match=r"\[pytorch_like.FloatTensor \[2\]\] is at version 1; expected version 0"):
        y.sum().backward()


def test_version_counter_shared_by_views():
    x = P.zeros(3)
    v = x[1:]
    v0 = x._version
    assert v._version == v0
    v.add_(1)
    assert x._version == v._version == v0 + 1
    y = P.tensor([1.0], requires_grad=True) * 2     # a recorded op's output starts at version 0
    assert y._version == 0 and y[0:]._version == 0
    y[0:].mul_(2)
    assert y._version == 1


# ---------------------------------------------------------------------- errors

def test_backward_twice_raises():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_backward_without_saved_tensors_may_repeat(ref_torch):
    def f(T, a):
        y = (a + 1).sum()
        y.backward()
        y.backward()
    _same(*_both(ref_torch, f, A))


def test_non_scalar_backward_raises():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()


def test_backward_of_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        P.tensor([1.0]).sum().backward()


def test_gradient_shape_mismatch_raises():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(P.ones(3))


def test_integer_requires_grad_raises():
    with pytest.raises(RuntimeError, match="only Tensors of floating point and complex dtype can require gradients"):
        P.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        P.tensor([1, 2], requires_grad=True)


def test_out_argument_with_grad_raises():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"add\(\): functions with out=... arguments don't support automatic "
                                           r"differentiation"):
        P.add(x, x, out=P.empty(2))


# ---------------------------------------------------------------------- autograd.grad and double backward

def test_autograd_grad_does_not_accumulate(ref_torch):
    res = []
    for T in (P, ref_torch):
        x = T.tensor(A, dtype=T.float64, requires_grad=True)
        w = T.tensor(B, dtype=T.float64, requires_grad=True)
        y = (x * w).sin().sum()
        gx, gw = T.autograd.grad(y, [x, w])
        assert x.grad is None and w.grad is None
        res.append((gx.numpy().copy(), gw.numpy().copy()))
    _same(res[0], res[1])


def test_autograd_grad_non_leaf_input(ref_torch):
    res = []
    for T in (P, ref_torch):
        x = T.tensor(A, dtype=T.float64, requires_grad=True)
        h = x.exp()
        y = (h * h).sum()
        (gh,) = T.autograd.grad(y, h)
        res.append(gh.numpy().copy())
    _same([res[0]], [res[1]])


def test_autograd_grad_unused():
    x = P.tensor([1.0], requires_grad=True)
    z = P.tensor([1.0], requires_grad=True)
    y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        autograd.grad(y, [x, z], retain_graph=True)
    gx, gz = autograd.grad(y, [x, z], allow_unused=True)
    assert gz is None and gx.tolist() == [2.0]


@pytest.mark.parametrize("fn", [lambda T, x: x ** 3, lambda T, x: x.tanh(), lambda T, x: x.sigmoid() * x,
                                lambda T, x: (x * x).exp(), lambda T, x: x.log() / x,
                                lambda T, x: T.matmul(x.reshape(2, 3), x.reshape(3, 2)).sum()])
def test_double_backward(ref_torch, fn):
    xa = np.array([0.3, 0.7, 1.1, 1.4, 0.9, 0.5])
    res = []
    for T in (P, ref_torch):
        x = T.tensor(xa, dtype=T.float64, requires_grad=True)
        y = fn(T, x).sum()
        (g,) = T.autograd.grad(y, x, create_graph=True)
        assert g.requires_grad
        (gg,) = T.autograd.grad((g * g).sum(), x)
        res.append((g.detach().numpy().copy(), gg.numpy().copy()))
    _same(res[0], res[1])


@pytest.mark.filterwarnings(r"ignore:Using backward\(\) with create_graph=True")
def test_create_graph_backward_accumulates_differentiable_grad(ref_torch):
    res = []
    for T in (P, ref_torch):
        x = T.tensor(B, dtype=T.float64, requires_grad=True)
        (x ** 3).sum().backward(create_graph=True)
        g = x.grad
        assert g.requires_grad
        x.grad = None
        g.sum().backward()
        res.append(x.grad.numpy().copy())
    _same([res[0]], [res[1]])


def test_backward_inputs_argument(ref_torch):
    def f(T, a, b):
        (a * b).sum().backward(inputs=[b])
    ours, theirs = _both(ref_torch, f, A, B)
    assert ours[0] is None
    _same(ours, theirs)


# ---------------------------------------------------------------------- custom Function

class Cube(autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        ctx.k = k
        return x ** 3 * k

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        assert ctx.needs_input_grad == (True, False)
        return g * 3 * x * x * ctx.k, None


class SplitSign(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        idx = (x > 0).long()
        ctx.mark_non_differentiable(idx)
        return x.clamp(min=0), -x.clamp(max=0), idx

    @staticmethod
    def backward(ctx, gp, gn, gi):
        (x,) = ctx.saved_tensors
        return P.where(x > 0, gp, -gn)


def test_custom_function():
    x = P.tensor([1.0, -2.0, 3.0], dtype=P.float64, requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert y.grad_fn.name() == "CubeBackward"
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 24.0, 54.0]
    assert autograd.gradcheck(lambda t: Cube.apply(t, 0.5), (x,))
    assert not Cube.apply(x.detach(), 2.0).requires_grad


def test_custom_function_multiple_outputs():
    x = P.tensor([1.0, -2.0, 3.0], dtype=P.float64, requires_grad=True)
    p, n, i = SplitSign.apply(x)
    assert p.requires_grad and n.requires_grad and not i.requires_grad
    (p * 2).sum().backward()           # n's gradient is materialised as zeros
    assert x.grad.tolist() == [2.0, 0.0, 2.0]
    assert autograd.gradcheck(lambda t: SplitSign.apply(t)[:2], (x,))


def test_custom_function_saved_tensor_checks():
    x = P.tensor([1.0, 2.0], dtype=P.float64, requires_grad=True)
    h = x * 1
    y = Cube.apply(h, 1.0)
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    y = Cube.apply(x * 1, 1.0).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_custom_function_mark_dirty():
    class AddOne(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g
    x = P.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = AddOne.apply(y)
    assert z is y and z.grad_fn.name() == "AddOneBackward"
    (z * z).sum().backward()
    assert x.grad.tolist() == [12.0, 20.0]


# ---------------------------------------------------------------------- memory

def _rss():
    with open(f"/proc/{os.getpid()}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_training_loop_memory_is_flat():
    from pytorch_like._lib import lib
    w = P.randn(32, 16, dtype=P.float64, requires_grad=True)
    b = P.zeros(16, dtype=P.float64, requires_grad=True)
    x = P.randn(8, 32, dtype=P.float64)

    def step():
        h = (x @ w + b).tanh()
        h2 = h.clone()
        h2[0] = 0.0
        loss = (h2 * h).mean() + h.var()
        loss.backward()
        with P.no_grad():
            w.sub_(w.grad * 0.01)
            b.sub_(b.grad * 0.01)
        w.grad = None
        b.grad = None

    for _ in range(200):
        step()
    gc.collect()
    bytes0, rss0 = lib.TH_allocatedBytes(), _rss()
    gc.disable()     # graphs must be freed by reference counting alone (no cycles)
    try:
        for _ in range(2000):
            step()
    finally:
        gc.enable()
    assert lib.TH_allocatedBytes() - bytes0 < 64 * 1024
    assert _rss() - rss0 < 8 * 1024 * 1024


def test_copies_of_leaves():
    import copy
    x = P.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    c = copy.deepcopy(x)
    assert c.is_leaf and c.requires_grad and c.grad.tolist() == [2.0, 2.0] and c.grad is not x.grad
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(x * 2)
    t = P.tensor(x * 2)
    assert t.is_leaf and not t.requires_grad and t.tolist() == [2.0, 4.0]


def test_subclass_of_tensor_records():
    class Param(P.Tensor):
        pass
    base = P.tensor([1.0, 2.0])
    p = Param.__new__(Param)
    p._t = base._t
    p.requires_grad = True
    y = (p * p).contiguous()
    y.sum().backward()
    assert p.grad.tolist() == [2.0, 4.0]
    assert p.contiguous() is p


def test_post_accumulate_grad_hook():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    h = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (x * 3).sum().backward()
    (x * 1).sum().backward()
    h.remove()
    (x * 1).sum().backward()
    assert seen == [[3.0, 3.0], [4.0, 4.0]]
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda t: None)


def test_random_fills_follow_inplace_rules():
    x = P.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x.normal_()
    with P.no_grad():
        x.uniform_(0.0, 1.0)       # nn.init's way
    assert 0.0 <= x.min().item() and x.max().item() <= 1.0
    y = x * 2
    y.normal_()                  # overwritten: no gradient reaches x
    (y * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy())


def test_grad_mode_decorators():
    x = P.tensor([1.0], requires_grad=True)

    @P.no_grad
    def f(t):
        return t * 2

    @P.set_grad_enabled(False)
    def g(t):
        return t * 2

    assert P.is_grad_enabled()
    assert not f(x).requires_grad and not g(x).requires_grad
    assert P.is_grad_enabled()

    @P.enable_grad()
    def h(t):
        return t * 2
    with P.no_grad():
        assert h(x).requires_grad
        with P.inference_mode():
            assert not (x * 2).requires_grad
    with P.inference_mode(False):
        assert (x * 2).requires_grad
