"""digamma / polygamma (and lgamma's gradient through them) against PyTorch."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like.autograd import gradcheck

torch = pytest.importorskip("torch")

SPECIAL = [0.0, -0.0, -1.0, -2.0, -7.0, 0.5, -0.5, 1.0, 2.5, 10.0, 1e-5, -1e-5, -3.7, 100.0, 1e20, -1e8 + 0.5,
           float("nan"), float("inf"), float("-inf")]
DTYPES = [("float32", 2e-6), ("float64", 1e-12)]


def _values(seed):
    rng = np.random.default_rng(seed)
    return SPECIAL + list(rng.uniform(-20, 20, 300)) + list(rng.uniform(0, 3, 100)) + list(10 ** rng.uniform(-6, 6, 100))


def _compare(ours, ref, rtol):
    got = ours.numpy().astype(np.float64)
    want = ref.numpy().astype(np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(np.isposinf(got), np.isposinf(want))
    np.testing.assert_array_equal(np.isneginf(got), np.isneginf(want))
    fin = np.isfinite(want)
    np.testing.assert_allclose(got[fin], want[fin], rtol=rtol, atol=0)


@pytest.mark.parametrize("dt,rtol", DTYPES)
def test_digamma_matches_torch(dt, rtol):
    x = _values(0)
    _compare(P.digamma(P.tensor(x, dtype=getattr(P, dt))), torch.digamma(torch.tensor(x, dtype=getattr(torch, dt))), rtol)


@pytest.mark.parametrize("dt,rtol", DTYPES)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 7, 12])
def test_polygamma_matches_torch(dt, rtol, n):
    x = _values(n)
    ours = P.polygamma(n, P.tensor(x, dtype=getattr(P, dt)))
    _compare(ours, torch.polygamma(n, torch.tensor(x, dtype=getattr(torch, dt))), rtol * 10)


def test_poles_follow_torch_rules():
    x = P.tensor([0.0, -0.0, -1.0, -5.0], dtype=P.float64)
    assert P.digamma(x).tolist()[:2] == [float("-inf"), float("inf")]
    assert all(np.isnan(P.digamma(x).numpy()[2:]))
    assert P.polygamma(2, x).tolist() == [float("-inf")] * 4     # -n! zeta(3, pole) = -inf
    assert P.polygamma(3, x).tolist() == [float("inf")] * 4


def test_methods_inplace_out_and_integer_input():
    x = P.tensor([0.3, 1.7, 4.0])
    np.testing.assert_array_equal(x.digamma().numpy(), P.digamma(x).numpy())
    np.testing.assert_array_equal(x.polygamma(2).numpy(), P.polygamma(2, x).numpy())
    y = x.clone()
    y.digamma_()
    np.testing.assert_array_equal(y.numpy(), P.digamma(x).numpy())
    y = x.clone()
    y.polygamma_(1)
    np.testing.assert_array_equal(y.numpy(), P.polygamma(1, x).numpy())
    out = P.empty(3, dtype=P.float64)
    P.polygamma(1, x.double(), out=out)
    np.testing.assert_array_equal(out.numpy(), P.polygamma(1, x.double()).numpy())
    i = P.tensor([1, 2, 3])
    assert P.digamma(i).dtype is P.float32 and P.polygamma(1, i).dtype is P.float32
    _compare(P.polygamma(1, i), torch.polygamma(1, torch.tensor([1, 2, 3])), 1e-6)


def test_bad_inputs():
    x = P.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="does not support negative n"):
        P.polygamma(-1, x)
    with pytest.raises(TypeError, match="argument 'n'"):
        P.polygamma(1.5, x)
    with pytest.raises(TypeError, match="input"):
        P.polygamma(1, "x")
    with pytest.raises(TypeError, match="input"):
        P.digamma([1.0])
    with pytest.raises(RuntimeError):
        P.tensor([1, 2]).digamma_()            # float result into an int tensor


@pytest.mark.parametrize("name", ["lgamma", "digamma"])
def test_gradcheck_unary(name):
    x = P.tensor([0.3, 1.7, 4.5, -0.4, -2.6], dtype=P.float64, requires_grad=True)
    assert gradcheck(getattr(P, name), (x,))


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_gradcheck_polygamma(n):
    x = P.tensor([0.3, 1.7, 4.5, -0.4, -2.6], dtype=P.float64, requires_grad=True)
    assert gradcheck(lambda t: P.polygamma(n, t), (x,))
    assert gradcheck(lambda t: t.polygamma(n), (x,))


def test_grads_match_torch_incl_double_backward():
    v = [0.3, 1.7, 4.5, -0.4, -2.6]
    for name, fn in [("lgamma", lambda m, t: m.lgamma(t)), ("digamma", lambda m, t: m.digamma(t)),
                     ("polygamma2", lambda m, t: m.polygamma(2, t)), ("method", lambda m, t: t.polygamma(1))]:
        x = P.tensor(v, dtype=P.float64, requires_grad=True)
        tx = torch.tensor(v, dtype=torch.float64, requires_grad=True)
        (g,) = P.autograd.grad(fn(P, x).sum(), x, create_graph=True)
        (tg,) = torch.autograd.grad(fn(torch, tx).sum(), tx, create_graph=True)
        np.testing.assert_allclose(g.detach().numpy(), tg.detach().numpy(), rtol=1e-10, err_msg=name)
        (gg,) = P.autograd.grad(g.sum(), x)
        (tgg,) = torch.autograd.grad(tg.sum(), tx)
        np.testing.assert_allclose(gg.numpy(), tgg.numpy(), rtol=1e-10, err_msg=name)


def test_inplace_polygamma_records():
    x = P.tensor([0.5, 2.0], dtype=P.float64, requires_grad=True)
    y = x * 1
    y.polygamma_(1)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), P.polygamma(2, x.detach()).numpy(), rtol=1e-12)


def test_lua_digamma_same_kernel():
    pytest.importorskip("lupa.luajit21")
    from pytorch_like.lua import LuaSession
    lua = LuaSession()
    x = P.tensor([0.0, -1.0, 0.5, 2.5, -3.7, 30.0], dtype=P.float64)
    got = lua.eval("function(x) local r = torch.digamma(x); local s = x:clone():digamma(); "
                   "assert(torch.equal(r:ne(r), s:ne(s))); return r end")(x)
    _compare(got, torch.digamma(torch.tensor(x.tolist(), dtype=torch.float64)), 1e-12)
    with pytest.raises(Exception, match="digamma"):
        lua.execute("torch.digamma('a')")
