"""linalg.matrix_power (torch.matrix_power, Tensor.matrix_power), linalg.matrix_exp (torch.matrix_exp,
Tensor.matrix_exp) and the two Vandermonde conventions (torch.vander: decreasing powers of a 1-D x;
linalg.vander: increasing powers, batched) against PyTorch: values, gradients, gradcheck/gradgradcheck,
bad input."""
import numpy as np
import pytest

import pytorch_like as P
from tests.linalg_check import assert_gradchecks, assert_grads_match, assert_values_match, values

R = np.random.default_rng(17)


def _any(*s):
    return R.uniform(-1.0, 1.0, s)


# ---------------------------------------------------------------------- matrix_power

@pytest.mark.parametrize("n", [-3, -1, 0, 1, 2, 3, 6, 11])
@pytest.mark.parametrize("shape", [(3, 3), (1, 1), (2, 4, 4), (2, 1, 2, 2), (0, 3, 3)], ids=str)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_matrix_power_values(ref_torch, n, shape, dtype):
    a = _any(*shape) + 1.5 * np.eye(shape[-1])        # invertible, for negative n
    rtol = 1e-9 if dtype == "float64" else 1e-4
    for nc in (False, True):
        assert_values_match(ref_torch, lambda T, A: T.linalg.matrix_power(A, n), [a], dtype, noncontig=nc, rtol=rtol)
    assert_values_match(ref_torch, lambda T, A: T.matrix_power(A, n), [a], dtype, rtol=rtol)
    assert_values_match(ref_torch, lambda T, A: A.matrix_power(n), [a], dtype, rtol=rtol)


def test_matrix_power_integer(ref_torch):
    a = R.integers(-3, 4, (2, 3, 3))
    assert_values_match(ref_torch, lambda T, A: T.linalg.matrix_power(A, 5), [a], "int64")
    assert_values_match(ref_torch, lambda T, A: T.linalg.matrix_power(A, 0), [a], "int64")


@pytest.mark.parametrize("n", [-2, -1, 2, 3, 5])
def test_matrix_power_grads(ref_torch, n):
    fn = lambda T, A: T.linalg.matrix_power(A, n)   # noqa: E731
    assert_grads_match(ref_torch, fn, [_any(2, 3, 3) + 1.5 * np.eye(3)], rtol=1e-6)
    assert_gradchecks(fn, [_any(3, 3) + 1.5 * np.eye(3)])


def test_matrix_power_zero_keeps_graph(ref_torch):
    # n = 0: the identity, still in A's graph (a zero gradient), also where A has inf entries
    a = P.full((2, 3, 3), float("inf"), requires_grad=True)
    r = P.linalg.matrix_power(a, 0)
    np.testing.assert_array_equal(r.detach().numpy(), np.broadcast_to(np.eye(3), (2, 3, 3)))
    r.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.zeros((2, 3, 3)))
    assert_grads_match(ref_torch, lambda T, A: T.linalg.matrix_power(A, 0), [_any(3, 3)])


def test_matrix_power_bad_inputs():
    with pytest.raises(ValueError, match="square matrices, but they are 3 by 2"):
        P.linalg.matrix_power(P.ones(3, 2), 2)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        P.linalg.matrix_power(P.ones(3), 2)
    with pytest.raises(TypeError, match="argument 'n' .* must be int, not float"):
        P.linalg.matrix_power(P.ones(3, 3), 2.0)
    with pytest.raises(TypeError, match="must be int, not bool"):
        P.matrix_power(P.ones(3, 3), True)
    with pytest.raises(RuntimeError, match="singular"):
        P.linalg.matrix_power(P.zeros(3, 3), -1)
    with pytest.raises(TypeError, match="argument 'A'"):
        P.linalg.matrix_power([[1.0]], 2)


# ---------------------------------------------------------------------- matrix_exp

def _rel_match(ours, ref, rtol):
    scale = np.abs(ref).max(axis=(-2, -1), keepdims=True)
    bound = np.broadcast_to(rtol * scale, ref.shape)
    assert ours.shape == ref.shape and ours.dtype == ref.dtype
    np.testing.assert_array_less(np.abs(ours - ref), bound + 1e-300)


@pytest.mark.parametrize("scale", [0.0, 1e-4, 0.01, 0.3, 1.0, 4.0, 25.0])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_matrix_exp_values(ref_torch, scale, dtype):
    a = scale * _any(3, 5, 5)
    fn = lambda T, A: T.linalg.matrix_exp(A)    # noqa: E731
    rtol = 1e-12 if dtype == "float64" else 2e-5
    if scale > 1:    # scaling and squaring loses some digits with the norm (in both libraries)
        rtol *= 50
    for nc in (False, True):
        _rel_match(values(P, fn, [a], dtype, nc)[0], values(ref_torch, fn, [a], dtype)[0], rtol)


def test_matrix_exp_mixed_scales(ref_torch):
    # one batch whose matrices need different numbers of squarings
    a = np.stack([_any(4, 4) * s for s in (1e-3, 0.5, 3.0, 40.0)]).reshape(2, 2, 4, 4)
    fn = lambda T, A: T.linalg.matrix_exp(A)    # noqa: E731
    _rel_match(values(P, fn, [a])[0], values(ref_torch, fn, [a])[0], 1e-10)


def test_matrix_exp_known_values(ref_torch):
    # exp(0) = I; a diagonal matrix; a nilpotent one (I + N + N^2 / 2); a rotation generator
    N = np.array([[0.0, 1, 2], [0, 0, 3], [0, 0, 0]])
    t = 0.7
    rot = np.array([[0.0, -t], [t, 0.0]])
    cases = [(np.zeros((3, 3)), np.eye(3)), (np.diag([1.0, -2.0, 0.5]), np.diag(np.exp([1.0, -2.0, 0.5]))),
             (N, np.eye(3) + N + N @ N / 2), (rot, np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]))]
    for a, expected in cases:
        np.testing.assert_allclose(P.matrix_exp(P.tensor(a)).numpy(), expected, rtol=1e-13, atol=1e-14)
    assert_values_match(ref_torch, lambda T, A: T.matrix_exp(A), [np.array([[2.0]])])
    assert_values_match(ref_torch, lambda T, A: A.matrix_exp(), [np.zeros((2, 0, 0))])
    big = np.array([[1e3, 0.0], [0.0, -1e3]])     # overflow to inf, as PyTorch
    assert_values_match(ref_torch, lambda T, A: T.linalg.matrix_exp(A), [big], "float32", rtol=1e-6)


def test_matrix_exp_non_finite(ref_torch):
    # nan/inf entries and norms too large to scale: nan, or 0 for a hugely negative diagonal, as PyTorch
    for v in (float("nan"), float("inf"), 1e300, 1e5, -1e5):
        a = np.array([[v, 0.0], [1.0, v]])
        ours = P.linalg.matrix_exp(P.tensor(a)).numpy()
        np.testing.assert_array_equal(ours, ref_torch.linalg.matrix_exp(ref_torch.tensor(a)).numpy())


@pytest.mark.parametrize("scale", [0.1, 1.0, 3.0])
def test_matrix_exp_grads(ref_torch, scale):
    fn = lambda T, A: T.linalg.matrix_exp(A)    # noqa: E731
    assert_grads_match(ref_torch, fn, [scale * _any(2, 4, 4)], rtol=1e-9, atol=1e-9 * max(1.0, np.exp(4 * scale)))
    assert_gradchecks(fn, [scale * _any(3, 3)], gradgrad=scale <= 1)


def test_matrix_exp_bad_inputs():
    with pytest.raises(ValueError, match="square matrices, but they are 3 by 2"):
        P.linalg.matrix_exp(P.ones(3, 2))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        P.matrix_exp(P.ones(3))
    with pytest.raises(TypeError, match="float32 or float64"):
        P.linalg.matrix_exp(P.ones(3, 3, dtype=P.int64))
    with pytest.raises(RuntimeError, match="out=... arguments don't support automatic differentiation"):
        P.linalg.matrix_power(P.ones(2, 2, requires_grad=True), 2, out=P.empty(0))


# ---------------------------------------------------------------------- vander

VANDER_CASES = {
    "torch_default": lambda T, x: T.vander(x[0]),
    "torch_N": lambda T, x: T.vander(x[0], N=6),
    "torch_N0": lambda T, x: T.vander(x[0], N=0),
    "torch_increasing": lambda T, x: T.vander(x[0], 3, True),
    "linalg_default": lambda T, x: T.linalg.vander(x),
    "linalg_N": lambda T, x: T.linalg.vander(x, N=2),
    "linalg_batched": lambda T, x: T.linalg.vander(x.reshape(2, 2, 2), N=5),
}


@pytest.mark.parametrize("name", sorted(VANDER_CASES))
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int32"])
def test_vander_values(ref_torch, name, dtype):
    x = R.integers(-3, 4, (2, 4)).astype(np.float64)
    x[0, 1] = 0
    assert_values_match(ref_torch, VANDER_CASES[name], [x], dtype)


def test_vander_bool(ref_torch):
    x = np.array([[True, False, True]])
    assert_values_match(ref_torch, VANDER_CASES["torch_default"], [x], "bool")


@pytest.mark.parametrize("name", ["linalg_default", "linalg_batched"])
def test_vander_grads(ref_torch, name):
    x = _any(2, 4)
    x[0, 1] = 0.0    # the gradient at zero is finite (the powers are products, not divisions)
    assert_grads_match(ref_torch, VANDER_CASES[name], [x])
    assert_gradchecks(VANDER_CASES[name], [x])


def test_torch_vander_gradcheck():
    # PyTorch's own torch.vander backward fails (an in-place op), so only the finite differences
    x = _any(2, 4)
    x[0, 2] = 0.0
    assert_gradchecks(VANDER_CASES["torch_N"], [x])


def test_vander_bad_inputs():
    with pytest.raises(ValueError, match="x must be a one-dimensional tensor"):
        P.vander(P.ones(2, 2))
    with pytest.raises(ValueError, match="N must be non-negative"):
        P.vander(P.ones(2), N=-1)
    with pytest.raises(TypeError, match="argument 'N' must be int"):
        P.vander(P.ones(2), N=2.5)
    with pytest.raises(ValueError, match="N must be greater than 1"):
        P.linalg.vander(P.ones(2), N=1)
    with pytest.raises(ValueError, match="at least one dimension"):
        P.linalg.vander(P.tensor(1.0))
    with pytest.raises(TypeError, match="argument 'x'"):
        P.linalg.vander([1.0, 2.0])
