"""linalg.multi_dot (and its multiplication order), linalg.cross (and torch.cross), linalg.tensorinv and
linalg.tensorsolve against PyTorch: values, gradients, gradcheck/gradgradcheck, bad input."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like._ops import linalg_products
from tests.linalg_check import assert_gradchecks, assert_grads_match, assert_values_match

R = np.random.default_rng(23)


def _any(*s):
    return R.uniform(-1.0, 1.0, s)


# ---------------------------------------------------------------------- multi_dot

CHAINS = {
    "two": [(3, 4), (4, 2)],
    "three": [(10, 30), (30, 5), (5, 60)],
    "vector_first": [(4,), (4, 6), (6, 2)],
    "vector_last": [(3, 4), (4, 6), (6,)],
    "vectors": [(5,), (5, 3), (3, 7), (7,)],
    "two_vectors": [(5,), (5,)],
    "long": [(2, 9), (9, 3), (3, 8), (8, 1), (1, 6), (6, 4)],
    "empty_inner": [(3, 0), (0, 4), (4, 2)],
}


@pytest.mark.parametrize("name", sorted(CHAINS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_multi_dot_values(ref_torch, name, dtype):
    arrays = [_any(*s) for s in CHAINS[name]]
    fn = lambda T, *ms: T.linalg.multi_dot(ms)    # noqa: E731
    assert_values_match(ref_torch, fn, arrays, dtype)
    assert_values_match(ref_torch, fn, arrays, dtype, noncontig=True)
    assert_values_match(ref_torch, lambda T, *ms: T.linalg.multi_dot(list(ms)), arrays, dtype)


def test_multi_dot_order(monkeypatch):
    # A (10x100) B (100x5) C (5x50): (AB)C costs 7500 products, A(BC) 75000
    assert linalg_products._chain_order([10, 100, 5, 50])[0][2] == 1
    assert linalg_products._chain_order([50, 5, 100, 10])[0][2] == 0
    shapes = []
    mm = P.mm

    def spy(a, b, **kw):
        shapes.append((tuple(a.shape), tuple(b.shape)))
        return mm(a, b, **kw)
    monkeypatch.setattr(P, "mm", spy)
    P.linalg.multi_dot([P.ones(10, 100), P.ones(100, 5), P.ones(5, 50)])
    assert shapes == [((10, 100), (100, 5)), ((10, 5), (5, 50))]


def test_multi_dot_out():
    out = P.empty(0, dtype=P.float64)
    a, b = P.tensor(_any(2, 3)), P.tensor(_any(3, 4))
    assert P.linalg.multi_dot([a, b], out=out) is out
    np.testing.assert_allclose(out.numpy(), a.numpy() @ b.numpy())


@pytest.mark.parametrize("name", ["three", "vectors", "vector_first", "long"])
def test_multi_dot_grads(ref_torch, name):
    arrays = [_any(*s) for s in CHAINS[name]]
    fn = lambda T, *ms: T.linalg.multi_dot(ms)    # noqa: E731
    assert_grads_match(ref_torch, fn, arrays)
    if name != "three":
        assert_gradchecks(fn, arrays)


def test_multi_dot_bad_inputs():
    a = P.ones(3, 2)
    with pytest.raises(ValueError, match="expected at least 2 tensors but got 1"):
        P.linalg.multi_dot([a])
    with pytest.raises(ValueError, match="expected at least 2 tensors but got 0"):
        P.linalg.multi_dot([])
    with pytest.raises(ValueError, match=r"tensors 0 and 1 with shapes \[3, 2\] and \[3, 2\] cannot be multiplied"):
        P.linalg.multi_dot([a, a])
    with pytest.raises(ValueError, match="the first tensor must be 1D or 2D but got 3D"):
        P.linalg.multi_dot([P.ones(2, 2, 2), a])
    with pytest.raises(ValueError, match="the last tensor must be 1D or 2D but got 0D"):
        P.linalg.multi_dot([a, P.tensor(1.0)])
    with pytest.raises(ValueError, match="tensor 1 must be 2D but got 1D"):
        P.linalg.multi_dot([a, P.ones(2), P.ones(2, 2)])
    with pytest.raises(TypeError, match="same dtype but tensor 0 is .*float32 and tensor 1 .*float64"):
        P.linalg.multi_dot([P.ones(3, 2), P.ones(2, 2, dtype=P.float64)])
    with pytest.raises(TypeError, match="must be a list or tuple"):
        P.linalg.multi_dot(a)
    with pytest.raises(TypeError, match=r"argument 'tensors\[1\]'"):
        P.linalg.multi_dot([a, [[1.0]]])


# ---------------------------------------------------------------------- cross

CROSS_CASES = {
    "last": (lambda T, a, b: T.linalg.cross(a, b), [(4, 3), (4, 3)]),
    "broadcast": (lambda T, a, b: T.linalg.cross(a, b), [(4, 1, 3), (1, 2, 3)]),
    "dim0": (lambda T, a, b: T.linalg.cross(a, b, dim=0), [(3, 5), (3, 5)]),
    "dim_neg": (lambda T, a, b: T.linalg.cross(a, b, dim=-2), [(2, 3, 4), (2, 3, 4)]),
    "torch_cross_dim": (lambda T, a, b: T.cross(a, b, dim=1), [(2, 3), (2, 3)]),
    "method": (lambda T, a, b: a.cross(b, dim=-1), [(3, 3), (3, 3)]),
}


@pytest.mark.parametrize("name", sorted(CROSS_CASES))
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
def test_cross_values(ref_torch, name, dtype):
    fn, shapes = CROSS_CASES[name]
    arrays = [R.integers(-5, 6, s).astype(np.float64) if dtype == "int64" else _any(*s) for s in shapes]
    assert_values_match(ref_torch, fn, arrays, dtype)
    assert_values_match(ref_torch, fn, arrays, dtype, noncontig=True)


@pytest.mark.parametrize("name", ["last", "broadcast", "dim0", "dim_neg"])
def test_cross_grads(ref_torch, name):
    fn, shapes = CROSS_CASES[name]
    arrays = [_any(*s) for s in shapes]
    assert_grads_match(ref_torch, fn, arrays)
    assert_gradchecks(fn, arrays)


def test_cross_bad_inputs():
    with pytest.raises(ValueError, match="inputs dimension -1 must have length 3. Got 2 and 2"):
        P.linalg.cross(P.ones(3, 2), P.ones(3, 2))
    with pytest.raises(ValueError, match="inputs must have the same number of dimensions"):
        P.linalg.cross(P.ones(3, 3), P.ones(3))
    with pytest.raises(IndexError, match="out of range"):
        P.linalg.cross(P.ones(3, 3), P.ones(3, 3), dim=2)
    with pytest.raises(TypeError, match="argument 'dim' must be int"):
        P.linalg.cross(P.ones(3), P.ones(3), dim=0.5)
    with pytest.raises(RuntimeError):       # 4 and 2 do not broadcast
        P.linalg.cross(P.ones(4, 3), P.ones(2, 3))
    with pytest.raises(TypeError, match="argument 'other'"):
        P.linalg.cross(P.ones(3), [1.0, 2.0, 3.0])


# ---------------------------------------------------------------------- tensorinv / tensorsolve

def test_tensorinv_values(ref_torch):
    for shape, ind in (((4, 6, 8, 3), 2), ((6, 2, 3), 1), ((2, 3, 6), 2), ((4, 4), 1)):
        a = _any(*shape)
        assert_values_match(ref_torch, lambda T, A: T.linalg.tensorinv(A, ind=ind), [a])
        assert_values_match(ref_torch, lambda T, A: T.linalg.tensorinv(A, ind), [a], "float32", noncontig=True,
                            rtol=1e-3, atol=1e-3)


def test_tensorinv_is_the_inverse():
    a = P.tensor(_any(2, 3, 6))
    inv = P.linalg.tensorinv(a, 2)
    np.testing.assert_allclose(np.tensordot(a.numpy(), inv.numpy(), 1), np.eye(6).reshape(2, 3, 2, 3), atol=1e-10)


TENSORSOLVE_CASES = {
    "plain": (lambda T, A, B: T.linalg.tensorsolve(A, B), [(2, 3, 6), (2, 3)]),
    "dims": (lambda T, A, B: T.linalg.tensorsolve(A, B, dims=(0,)), [(6, 2, 3), (2, 3)]),
    "dims_neg": (lambda T, A, B: T.linalg.tensorsolve(A, B, dims=(-3,)), [(6, 2, 3), (2, 3)]),
    "multi_dim_x": (lambda T, A, B: T.linalg.tensorsolve(A, B), [(6, 2, 3), (6,)]),
}


@pytest.mark.parametrize("name", sorted(TENSORSOLVE_CASES))
def test_tensorsolve_values(ref_torch, name):
    fn, shapes = TENSORSOLVE_CASES[name]
    arrays = [_any(*s) for s in shapes]
    assert_values_match(ref_torch, fn, arrays)
    assert_values_match(ref_torch, fn, arrays, "float32", noncontig=True, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("name", sorted(TENSORSOLVE_CASES))
def test_tensorsolve_grads(ref_torch, name):
    fn, shapes = TENSORSOLVE_CASES[name]
    arrays = [_any(*s) for s in shapes]
    assert_grads_match(ref_torch, fn, arrays, rtol=1e-6)
    assert_gradchecks(fn, arrays)


def test_tensorinv_grads(ref_torch):
    fn = lambda T, A: T.linalg.tensorinv(A, 1)     # noqa: E731
    assert_grads_match(ref_torch, fn, [_any(4, 2, 2) + np.eye(4).reshape(4, 2, 2)], rtol=1e-6)
    assert_gradchecks(fn, [_any(4, 2, 2) + np.eye(4).reshape(4, 2, 2)])


def test_tensor_bad_inputs():
    with pytest.raises(ValueError, match=r"prod\(self.shape\[ind:\]\) == prod\(self.shape\[:ind\]\), but got 144 != 4"):
        P.linalg.tensorinv(P.ones(4, 6, 8, 3), ind=1)
    with pytest.raises(ValueError, match="strictly positive integer for 'ind', but got 0"):
        P.linalg.tensorinv(P.ones(4, 4), ind=0)
    with pytest.raises(ValueError, match="must not exceed"):
        P.linalg.tensorinv(P.ones(4, 4), ind=3)
    with pytest.raises(RuntimeError, match="singular"):
        P.linalg.tensorinv(P.zeros(2, 2, 4), ind=2)
    with pytest.raises(ValueError, match="but got 1 != 36"):
        P.linalg.tensorsolve(P.ones(2, 3, 6), P.ones(2, 3, 6))
    with pytest.raises(ValueError, match="but got 6 != 9"):
        P.linalg.tensorsolve(P.ones(2, 3, 6), P.ones(3, 3))
    with pytest.raises(ValueError, match="must hold as many elements as B"):
        P.linalg.tensorsolve(P.ones(3, 2, 4), P.ones(2, 2))
    with pytest.raises(ValueError, match="dims must be distinct dims of A"):
        P.linalg.tensorsolve(P.ones(6, 2, 3), P.ones(2, 3), dims=(0, 0))
    with pytest.raises(ValueError, match="must not have more dimensions"):
        P.linalg.tensorsolve(P.ones(6), P.ones(1, 1, 6))
    with pytest.raises(TypeError, match="argument 'B'"):
        P.linalg.tensorsolve(P.ones(2, 2), [1.0, 2.0])
