"""erfinv, ndtri, log_ndtr and erfcx (C kernels in lib/TH/THSpecialMath.c) against PyTorch:
values on dense grids with the edge values, dtypes, layouts, gradients and bad inputs."""
import math

import numpy as np
import pytest

import pytorch_like as P
from pytorch_like.autograd import gradcheck
from tests.special_compare import assert_matches

torch = pytest.importorskip("torch")

DTYPES = ["float32", "float64"]
NAN, INF = float("nan"), float("inf")


def _run(name, x, dt, ulps=4, floor=None, namespace="special"):
    ours = getattr(getattr(P, namespace) if namespace else P, name)(P.tensor(x, dtype=getattr(P, dt)))
    ref = getattr(getattr(torch, namespace) if namespace else torch, name)(torch.tensor(x, dtype=getattr(torch, dt)))
    assert_matches(ours.numpy(), ref.numpy(), dt, ulps, floor)


def _unit_grid():
    tiny = [1e-300, -1e-300, 1e-40, 5e-324, 1e-8, -1e-8]
    near1 = [1 - 10.0 ** -k for k in range(1, 16)]
    return list(np.linspace(-1, 1, 20001)) + tiny + near1 + [-v for v in near1] + \
        [0.0, -0.0, 1.0, -1.0, 1.5, -1.5, NAN, INF, -INF, 0.7, -0.7, 0.5, -0.5]


@pytest.mark.parametrize("dt", DTYPES)
def test_erfinv_matches_torch(dt):
    x = _unit_grid()
    ulps = 4 if dt == "float32" else 2     # float32: Giles' approximation, PyTorch's is correctly rounded
    _run("erfinv", x, dt, ulps=ulps)
    _run("erfinv", x, dt, ulps=ulps, namespace=None)      # torch.erfinv


def test_erfinv_edges():
    r = P.erfinv(P.tensor([1.0, -1.0, 0.0, -0.0, 1.0000001, -2.0, NAN], dtype=P.float64)).tolist()
    assert r[:2] == [INF, -INF]
    assert r[2] == 0.0 and math.copysign(1, r[3]) == -1
    assert all(math.isnan(v) for v in r[4:])


@pytest.mark.parametrize("dt", DTYPES)
def test_ndtri_matches_torch(dt):
    x = list(np.linspace(0, 1, 20001)) + [1e-300, 5e-324, 1e-20, 1e-40, 1 - 1e-16, 0.135, 0.865,
                                          -0.5, 1.5, NAN, INF, -INF, -0.0]
    _run("ndtri", x, dt, ulps=8)    # 1 - y near 1 magnifies the FMA-contraction differences


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", ["log_ndtr", "erfcx"])
def test_log_ndtr_erfcx_match_torch(dt, name):
    x = list(np.linspace(-60, 60, 12001)) + [-1e10, -40, -26.8, -26.6, -6.2, -6.0, -1.0, -0.999, 0.0, -0.0, 49.9,
                                             50.1, 5e7, 6e7, 1e300, 5e-324, NAN, INF, -INF]
    _run(name, x, dt, ulps=4)


@pytest.mark.parametrize("name", ["erfinv", "ndtri", "log_ndtr", "erfcx"])
def test_noncontiguous_and_out(name):
    f = getattr(P.special, name)
    base = P.tensor(np.linspace(0.01, 0.99, 40).reshape(5, 8), dtype=P.float64)
    view = base.t()[::2]
    assert not view.is_contiguous()
    np.testing.assert_array_equal(f(view).numpy(), f(view.contiguous()).numpy())
    out = P.empty(0, dtype=P.float64)
    r = f(base, out=out)
    assert r is out
    np.testing.assert_array_equal(out.numpy(), f(base).numpy())


@pytest.mark.parametrize("name", ["erfinv", "ndtri", "log_ndtr", "erfcx"])
def test_integer_input_promotes_to_default_float(name):
    x = [0, 1, 2] if name != "ndtri" else [0, 1]
    ours = getattr(P.special, name)(P.tensor(x))
    ref = getattr(torch.special, name)(torch.tensor(x))
    assert ours.dtype == P.float32 and ref.dtype == torch.float32
    assert_matches(ours.numpy(), ref.numpy(), "float32", 2)


def test_erfinv_method_and_inplace():
    x = P.tensor([0.1, -0.5, 0.9])
    np.testing.assert_array_equal(x.erfinv().numpy(), P.special.erfinv(x).numpy())
    y = x.clone()
    assert y.erfinv_() is y
    np.testing.assert_array_equal(y.numpy(), P.erfinv(x).numpy())


def test_bad_inputs():
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        P.tensor([0, 1]).erfinv_()
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        P.special.ndtri(P.tensor([0.5]), out=P.empty(1, dtype=P.int64))
    with pytest.raises(TypeError, match="input"):
        P.special.erfinv([0.5])
    with pytest.raises(TypeError):
        P.special.log_ndtr("x")


@pytest.mark.parametrize("name,lo,hi", [("erfinv", -0.95, 0.95), ("ndtri", 0.02, 0.98), ("log_ndtr", -8.0, 8.0),
                                        ("erfcx", -3.0, 10.0)])
def test_gradients_match_torch(name, lo, hi):
    x = np.linspace(lo, hi, 31)
    ours = P.tensor(x, dtype=P.float64, requires_grad=True)
    ref = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    getattr(P.special, name)(ours).sum().backward()
    getattr(torch.special, name)(ref).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), ref.grad.numpy(), rtol=1e-12, atol=1e-300)
    assert gradcheck(getattr(P.special, name), (P.tensor(x[::5], dtype=P.float64, requires_grad=True),))


def test_grad_node_names():
    x = P.tensor([0.3], dtype=P.float64, requires_grad=True)
    assert P.erfinv(x).grad_fn.name() == "ErfinvBackward0"
    assert P.special.ndtri(x).grad_fn.name() == "SpecialNdtriBackward0"
    assert P.special.log_ndtr(x).grad_fn.name() == "SpecialLogNdtrBackward0"
    assert P.special.erfcx(x).grad_fn.name() == "SpecialErfcxBackward0"


def test_float32_simd_and_strided_paths_agree():
    """Contiguous float32 erfinv runs the AVX2 kernel (where the CPU has it), strided input the
    scalar one: both are Giles' approximation and agree to a few ULP, special values exactly."""
    x = np.concatenate([np.linspace(-1, 1, 4001), [NAN, INF, -INF, 2.0, -0.0, 1e-42]]).astype(np.float32)
    base = P.tensor(np.stack([x, x]).T.copy())           # column 0 strided by 2
    strided = P.special.erfinv(base[:, 0]).numpy()
    contiguous = P.special.erfinv(P.tensor(x)).numpy()
    assert_matches(contiguous, strided, "float32", ulps=4)
    ref = torch.special.erfinv(torch.tensor(x)).numpy()
    assert_matches(strided, ref, "float32", ulps=4)
