"""block_diag, tril_indices, triu_indices against real PyTorch: shapes, dtypes (promotion),
offsets, gradients, and bad inputs."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like.autograd import gradcheck
from tests.torch_pairs import assert_grads_match, assert_same, pair

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("arrays", [
    [np.array(1), np.array([1.0, 2.0]), np.ones((2, 1), dtype=np.int32)], [],
    [np.ones((0, 2)), np.ones((1, 0))], [np.arange(6).reshape(2, 3), np.arange(4).reshape(2, 2)],
    [np.array([True, False]), np.array([[1, 2]], dtype=np.uint8)], [np.ones((3, 3), dtype=np.float32)]])
def test_block_diag_values(arrays):
    ours, theirs = zip(*[pair(torch, a, "transposed") for a in arrays]) if arrays else ((), ())
    assert_same(P.block_diag(*ours), torch.block_diag(*theirs))


def test_block_diag_grads_errors():
    assert_grads_match(torch, lambda L, a, b, c: L.block_diag(a, b, c),
                       [np.random.default_rng(0).standard_normal((2, 3)), np.array([1.0, 2.0]), np.array(3.0)])
    a = P.randn(2, 2, dtype=P.float64, requires_grad=True)
    b = P.randn(1, 3, dtype=P.float64, requires_grad=True)
    assert gradcheck(P.block_diag, (a, b))
    with pytest.raises(RuntimeError, match="Input tensors must have 2 or fewer dimensions. Input 1 has 3 dimensions"):
        P.block_diag(P.ones(2), P.ones(2, 2, 2))
    with pytest.raises(TypeError, match="must be Tensor"):
        P.block_diag(P.ones(2), [1, 2])


@pytest.mark.parametrize("name", ["tril_indices", "triu_indices"])
@pytest.mark.parametrize("row,col", [(3, 4), (4, 3), (0, 3), (3, 0), (1, 1), (5, 5)])
def test_tri_indices(name, row, col):
    for offset in (-5, -1, 0, 1, 2, 7):
        assert_same(getattr(P, name)(row, col, offset), getattr(torch, name)(row, col, offset))
        assert_same(getattr(P, name)(row, col, offset, dtype=P.int32),
                    getattr(torch, name)(row, col, offset, dtype=torch.int32))


@pytest.mark.parametrize("name", ["tril_indices", "triu_indices"])
def test_tri_indices_errors(name):
    f = getattr(P, name)
    with pytest.raises(RuntimeError, match="row must be non-negative, got-1"):
        f(-1, 3)
    with pytest.raises(RuntimeError, match="col must be non-negative, got-2"):
        f(3, -2)
    with pytest.raises(NotImplementedError, match=f"\"{name}\" not implemented for 'Float'"):
        f(3, 3, dtype=P.float32)
    with pytest.raises(TypeError, match="must be an int"):
        f(3.5, 3)
