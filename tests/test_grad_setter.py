"""Assigning Tensor.grad: PyTorch's checks (tensor or None, same dtype, same size), compared with PyTorch."""
import pytest

import pytorch_like as torch


def _bad_values(lib, t):
    return [lib.zeros(3, 2), lib.zeros(2, 3, dtype=lib.float64), lib.zeros(2, 3, dtype=lib.int64), 3, [1.0], t]


def test_bad_grad_assignments_raise_like_pytorch(ref_torch):
    ours = torch.zeros(2, 3, requires_grad=True)
    ref = ref_torch.zeros(2, 3, requires_grad=True)
    for mine, theirs in zip(_bad_values(torch, ours), _bad_values(ref_torch, ref)):
        with pytest.raises(Exception) as ref_err:
            ref.grad = theirs
        with pytest.raises(type(ref_err.value)):
            ours.grad = mine
        assert ours.grad is None


def test_messages_name_the_mismatch():
    t = torch.zeros(2, 3)
    with pytest.raises(RuntimeError, match=r"gradient of size '\[3, 2\]' to a tensor of size '\[2, 3\]'"):
        t.grad = torch.zeros(3, 2)
    with pytest.raises(RuntimeError, match="gradient with dtype '[a-z_]+.float64' to a tensor with dtype '[a-z_]+.float32'"):
        t.grad = torch.zeros(2, 3, dtype=torch.float64)
    with pytest.raises(TypeError, match="Tensor or None but got grad of type int"):
        t.grad = 3
    with pytest.raises(RuntimeError, match="its own grad"):
        t.grad = t


def test_good_assignments_and_delete():
    t = torch.zeros(2, 3, requires_grad=True)
    g = torch.ones(2, 3)
    t.grad = g
    assert t.grad is g
    (t * 2).sum().backward()           # accumulates into the assigned grad
    assert t.grad.tolist() == [[3.0] * 3] * 2
    del t.grad
    assert t.grad is None
    t.grad = torch.ones(2, 3)
    t.grad = None
    assert t.grad is None


def test_backward_accumulation_still_fills_grad_of_broadcast_leaf(ref_torch):
    a = torch.ones(3, 1, requires_grad=True)
    (a * torch.ones(3, 4)).sum().backward()
    assert a.grad.shape == (3, 1) and a.grad.tolist() == [[4.0]] * 3
