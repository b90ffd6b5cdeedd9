"""zeta, gammainc/gammaincc (torch.igamma/igammac), multigammaln (torch.mvlgamma) and the
top-level xlogy against PyTorch: values, broadcasting and scalar operands, gradients, bad inputs."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like.autograd import gradcheck
from tests.special_compare import assert_matches

torch = pytest.importorskip("torch")

DTYPES = ["float32", "float64"]
NAN, INF = float("nan"), float("inf")


def _pairs(seed, n=2000):
    rng = np.random.default_rng(seed)
    a = np.concatenate([rng.uniform(0, 40, n), 10 ** rng.uniform(-6, 3, n), [0, 1, 2, 0.5, NAN, INF, 1, 2, 3, 300]])
    b = np.concatenate([rng.uniform(-10, 40, n), 10 ** rng.uniform(-6, 3, n), [0, 0, -1, -2.5, 1, 1, INF, NAN, 0.0, 310]])
    return a, b


def _binary(name, a, b, dt, ns="special"):
    ours = getattr(getattr(P, ns), name)(P.tensor(a, dtype=getattr(P, dt)), P.tensor(b, dtype=getattr(P, dt)))
    ref = getattr(getattr(torch, ns), name)(torch.tensor(a, dtype=getattr(torch, dt)),
                                            torch.tensor(b, dtype=getattr(torch, dt)))
    return ours.numpy(), ref.numpy()


@pytest.mark.parametrize("dt", DTYPES)
def test_zeta_matches_torch(dt):
    a, q = _pairs(0)
    a = np.concatenate([a + 1, [1.0, 0.5, 2.0, 3.0, 2.5, 4.0]])     # x = 1: inf; x < 1: nan
    q = np.concatenate([q, [2.0, 2.0, -3.0, -2.5, -2.5, 0.0]])       # poles at q = 0, -1, ...; q < 0 needs integer x
    got, want = _binary("zeta", a, q, dt)
    assert_matches(got, want, dt, ulps=4)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name,torch_name", [("gammainc", "igamma"), ("gammaincc", "igammac")])
def test_incomplete_gamma_matches_torch(dt, name, torch_name):
    a, x = _pairs(1)
    x = np.abs(x)
    a = np.concatenate([a, [-1.0, 1.0, 0.0, 0.0, 25.0, 250.0, 1e4]])
    x = np.concatenate([x, [1.0, -1.0, 0.0, 2.0, 26.0, 240.0, 1.001e4]])     # negative: nan; a = x = 0: nan
    got, want = _binary(name, a, x, dt)
    # the prefactor exp(a log x - x - lgamma(a)) magnifies the FMA-contraction differences of its
    # argument (up to hundreds in magnitude) by that argument: a few ULP of it, not of the result
    assert_matches(got, want, dt, ulps=16 if dt == "float32" else 64, floor=1.0)
    got2 = getattr(P, torch_name)(P.tensor(a, dtype=getattr(P, dt)), P.tensor(x, dtype=getattr(P, dt)))
    np.testing.assert_array_equal(got2.numpy(), got)


def test_broadcast_and_scalar_operands():
    q = P.tensor([[1.0], [2.0], [3.5]])
    x = P.tensor([2.0, 3.0, 4.5])
    tq = torch.tensor([[1.0], [2.0], [3.5]])
    tx = torch.tensor([2.0, 3.0, 4.5])
    assert_matches(P.special.zeta(x, q).numpy(), torch.special.zeta(tx, tq).numpy(), "float32", 2)
    assert_matches(P.special.zeta(x, 2.0).numpy(), torch.special.zeta(tx, 2.0).numpy(), "float32", 2)
    assert_matches(P.special.zeta(3.0, x).numpy(), torch.special.zeta(3.0, tx).numpy(), "float32", 2)
    assert_matches(P.igamma(x, 1.5).numpy(), torch.igamma(tx, torch.tensor(1.5)).numpy(), "float32", 2)
    ints = P.special.zeta(P.tensor([2, 3]), P.tensor([1, 2]))
    assert ints.dtype == P.float32 == P.special.gammainc(P.tensor([1, 2]), P.tensor([1, 1])).dtype
    assert P.special.zeta(P.tensor([2.0], dtype=P.float32), P.tensor([2.0], dtype=P.float64)).dtype == P.float64


def test_noncontiguous_out_and_inplace():
    base = P.tensor(np.linspace(1.5, 9, 24).reshape(4, 6), dtype=P.float64)
    v = base.t()
    assert not v.is_contiguous()
    np.testing.assert_array_equal(P.special.zeta(v, 2.0).numpy(), P.special.zeta(v.contiguous(), 2.0).numpy())
    out = P.empty(0, dtype=P.float64)
    assert P.special.gammaincc(base, base, out=out) is out
    np.testing.assert_array_equal(out.numpy(), P.igammac(base, base).numpy())
    y = base.clone()
    assert y.igamma_(base) is y
    np.testing.assert_array_equal(y.numpy(), P.igamma(base, base).numpy())
    np.testing.assert_array_equal(base.igammac(base).numpy(), P.igammac(base, base).numpy())


def test_bad_inputs():
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        P.tensor([1, 2]).igamma_(P.tensor([1, 2]))
    with pytest.raises(RuntimeError, match=r"zeta: The size of tensor a \(3\) must match the size of tensor b \(4\)"):
        P.special.zeta(P.ones(3), P.ones(4))
    with pytest.raises(TypeError, match="zeta\\(\\): argument 'input' must be a Tensor or a number, not str"):
        P.special.zeta("a", P.ones(2))
    with pytest.raises(TypeError, match="expected at least one Tensor argument"):
        P.special.zeta(2.0, 3.0)
    with pytest.raises(RuntimeError, match="can't be cast"):
        P.special.gammainc(P.ones(2), P.ones(2), out=P.empty(2, dtype=P.int64))


def test_zeta_gradient_like_torch():
    """d/dq zeta(x, q) = -x zeta(x + 1, q); PyTorch has no derivative in x (error at backward)."""
    x = np.array([2.0, 3.5, 5.0])
    q = np.array([0.5, 1.5, 7.0])
    qo = P.tensor(q, dtype=P.float64, requires_grad=True)
    qt = torch.tensor(q, dtype=torch.float64, requires_grad=True)
    P.special.zeta(P.tensor(x, dtype=P.float64), qo).sum().backward()
    torch.special.zeta(torch.tensor(x, dtype=torch.float64), qt).sum().backward()
    np.testing.assert_allclose(qo.grad.numpy(), qt.grad.numpy(), rtol=1e-13)
    assert gradcheck(lambda q: P.special.zeta(P.tensor(x, dtype=P.float64), q), (qo.detach().requires_grad_(),))
    xo = P.tensor(x, dtype=P.float64, requires_grad=True)
    y = P.special.zeta(xo, 2.0)
    with pytest.raises(RuntimeError, match="the derivative for 'zeta' is not implemented"):
        y.sum().backward()


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_incomplete_gamma_gradient_like_torch(name):
    a = np.array([0.5, 2.0, 7.5])
    x = np.array([0.3, 2.5, 6.0])
    xo = P.tensor(x, dtype=P.float64, requires_grad=True)
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    getattr(P, name)(P.tensor(a, dtype=P.float64), xo).sum().backward()
    getattr(torch, name)(torch.tensor(a, dtype=torch.float64), xt).sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-13)
    ao = P.tensor(a, dtype=P.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match=f"the derivative for '{name}' is not implemented"):
        getattr(P, name)(ao, P.tensor(x, dtype=P.float64)).sum().backward()


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("p", [1, 2, 3, 6])
def test_multigammaln_matches_torch(dt, p):
    x = np.concatenate([np.linspace(-5, 30, 701), [0.1, 2.5, NAN, INF]])
    ours = P.special.multigammaln(P.tensor(x, dtype=getattr(P, dt)), p)
    ref = torch.special.multigammaln(torch.tensor(x, dtype=getattr(torch, dt)), p)
    assert_matches(ours.numpy(), ref.numpy(), dt, ulps=8, floor=8.0)
    np.testing.assert_array_equal(P.mvlgamma(P.tensor(x, dtype=getattr(P, dt)), p).numpy(), ours.numpy())


def test_multigammaln_methods_grad_and_bad_inputs():
    x = P.tensor([[2.5, 3.0], [4.0, 7.25]], dtype=P.float64, requires_grad=True)
    xt = torch.tensor(x.tolist(), dtype=torch.float64, requires_grad=True)
    x.mvlgamma(3).sum().backward()
    xt.mvlgamma(3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-13)
    assert gradcheck(lambda t: P.special.multigammaln(t, 2), (P.tensor([1.5, 3.0], dtype=P.float64, requires_grad=True),))
    y = P.tensor([2.5, 3.0])
    z = y.clone()
    assert z.mvlgamma_(2) is z
    np.testing.assert_array_equal(z.numpy(), P.mvlgamma(y, 2).numpy())
    assert P.mvlgamma(P.tensor([3, 4]), 2).dtype == P.float32
    with pytest.raises(RuntimeError, match="p has to be greater than or equal to 1"):
        P.special.multigammaln(y, 0)
    with pytest.raises(TypeError, match="'p' must be int"):
        P.mvlgamma(y, 2.0)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        P.tensor([3, 4]).mvlgamma_(2)


def test_top_level_xlogy():
    x = P.tensor([0.0, 1.5, 2.0])
    y = P.tensor([0.0, 3.0, float("nan")])
    np.testing.assert_array_equal(P.xlogy(x, y).numpy(), torch.xlogy(torch.tensor(x.tolist()), torch.tensor(y.tolist())).numpy())
    np.testing.assert_array_equal(x.xlogy(y).numpy(), P.special.xlogy(x, y).numpy())
    z = x.clone()
    assert z.xlogy_(y) is z
    np.testing.assert_array_equal(z.numpy(), P.xlogy(x, y).numpy())
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        P.tensor([1, 2]).xlogy_(P.tensor([1.0, 2.0]))
