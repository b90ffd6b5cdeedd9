"""Bad inputs to the object model raise a Python exception whose message names the
problem, and the interpreter survives (a crash would kill the test process)."""
import subprocess
import sys

import numpy as np
import pytest

import pytorch_like as torch


def _raises(exc, match, fn, *args, **kw):
    with pytest.raises(exc, match=match):
        fn(*args, **kw)


def test_negative_sizes():
    for f in (torch.empty, torch.zeros, torch.ones):
        _raises(ValueError, "negative dimension -1", f, 2, -1)
    _raises(ValueError, "negative dimension", torch.full, (-3,), 1.0)
    _raises(ValueError, "size of dimension 0 must be non-negative", torch.empty(6).as_strided, (-1,), (1,))
    _raises(ValueError, "invalid shape dimension -2", torch.empty(6).view, -2, -3)
    _raises(ValueError, "invalid shape dimension -2", torch.empty(6).reshape, 3, -2)


def test_overflowing_sizes():
    _raises(ValueError, "overflows", torch.empty, 2 ** 62, 2 ** 62)
    _raises(ValueError, "overflows", torch.zeros, 2 ** 32, 2 ** 32, 2 ** 32)
    _raises(ValueError, "too many", torch.empty, 2 ** 61)
    _raises(ValueError, "size: .* does not fit in a 64-bit integer", torch.empty, 2 ** 64)
    _raises(ValueError, "does not fit", torch.empty(4).view, 2 ** 70)
    with pytest.raises(MemoryError, match="not enough memory"):
        torch.empty(2 ** 55, dtype=torch.uint8)
    _raises(ValueError, "overflows", torch.zeros(1).expand, 2 ** 62, 2 ** 62)
    assert torch.empty(0).expand(2 ** 62, 2 ** 62, 0).numel() == 0


def test_as_strided_overflowing_geometry():
    t = torch.zeros(4)
    _raises(IndexError, "overflows", t.as_strided, (3,), (2 ** 62,))
    _raises(IndexError, "overflows", t.as_strided, (2, 2), (2 ** 62, 2 ** 62), 2 ** 62)
    _raises(IndexError, "out of bounds", t.as_strided, (2,), (1,), 2 ** 62)
    _raises(IndexError, "out of bounds", t.as_strided, (2, 2), (2 ** 61, 2 ** 61))


def test_size_arguments_must_be_ints():
    _raises(TypeError, "size must be a sequence of ints.*float", torch.empty, 2.5)
    _raises(TypeError, "shape must be a sequence of ints.*str", torch.empty(4).view, "4")
    _raises(TypeError, "size must be a sequence of ints.*NoneType", torch.zeros, (2, None))
    _raises(TypeError, "bool", torch.empty, True)
    _raises(TypeError, "dtype", torch.zeros, 2, dtype="float32")
    _raises(TypeError, "dtype", torch.tensor, [1], dtype=np.float32)


def test_view_of_non_contiguous():
    t = torch.zeros(3, 4).t()
    _raises(RuntimeError, "view size is not compatible with input tensor's size and stride", t.view, 12)
    _raises(RuntimeError, "Use reshape", t.view, -1)
    _raises(ValueError, "shape of 13 elements is invalid for input of size 12", t.reshape, 13)
    _raises(ValueError, "only one dimension can be inferred", t.reshape, -1, -1)
    _raises(ValueError, "cannot infer the -1 dimension", t.reshape, 5, -1)
    _raises(ValueError, "cannot infer", torch.empty(0, 3).view, -1, 0)


def test_bad_dims():
    t = torch.zeros(2, 3)
    for f, args in ((t.transpose, (0, 2)), (t.transpose, (-3, 0)), (t.narrow, (2, 0, 1)), (t.select, (-3, 0)),
                    (t.squeeze, (2,)), (t.unsqueeze, (3,)), (t.unsqueeze, (-4,)), (t.flatten, (0, 5)),
                    (t.diagonal, (0, 0, 2)), (t.unfold, (2, 1, 1)), (t.size, (2,)), (t.stride, (-3,))):
        _raises(IndexError, "[Dd]imension out of range", f, *args)
    _raises(IndexError, "Dimension specified as 0 but tensor has no dimensions", torch.tensor(1.0).size, 0)
    _raises(IndexError, "Dimension specified as -1 but tensor has no dimensions", torch.tensor(1.0).stride, -1)
    _raises(TypeError, "dim must be an int", t.transpose, 0.5, 1)
    _raises(TypeError, "dim must be an int", t.size, "0")
    _raises(ValueError, "start_dim .* cannot come after end_dim", t.flatten, 1, 0)
    _raises(ValueError, "dimensions cannot be identical", t.diagonal, 0, 1, -1)
    _raises(ValueError, "t\\(\\) expects a tensor with <= 2 dimensions", torch.zeros(1, 2, 3).t)


def test_out_of_range_narrow_select_unfold():
    t = torch.zeros(4, 5)
    _raises(IndexError, "start 3 and length 2 out of range for dimension 0 of size 4", t.narrow, 0, 3, 2)
    _raises(IndexError, "length -1", t.narrow, 1, 0, -1)
    _raises(IndexError, "start 6", t.narrow, 1, 6, 0)
    _raises(IndexError, "start -2", t.narrow, 1, -7, 1)
    _raises(IndexError, "index 4 is out of bounds for dimension 0 with size 4", t.select, 0, 4)
    _raises(IndexError, "index -6 is out of bounds for dimension 1 with size 5", t.select, 1, -6)
    _raises(IndexError, "narrow\\(\\) cannot be applied to a 0-dim tensor", torch.tensor(1.0).narrow, 0, 0, 1)
    _raises(IndexError, "select\\(\\) cannot be applied to a 0-dim tensor", torch.tensor(1.0).select, 0, 0)
    _raises(ValueError, "unfold: size 6 exceeds the size 5 of dimension 1", t.unfold, 1, 6, 1)
    _raises(ValueError, "step must be positive", t.unfold, 1, 2, 0)
    _raises(ValueError, "unfold: size -1", t.unfold, 1, -1, 1)


def test_int_arguments_are_checked():
    t = torch.zeros(4, 5)
    _raises(TypeError, "start must be an int, got float", t.narrow, 0, 1.5, 1)
    _raises(TypeError, "length must be an int", t.narrow, 0, 1, "2")
    _raises(TypeError, "index must be an int, got float", t.select, 0, 1.0)
    _raises(TypeError, "step must be an int", t.unfold, 0, 2, 1.5)
    _raises(TypeError, "offset must be an int", t.diagonal, 0.5)
    _raises(ValueError, "start: .* does not fit", t.narrow, 0, 2 ** 64, 1)
    _raises(ValueError, "storage_offset: .* does not fit", t.as_strided, (1,), (1,), 2 ** 64)
    # integer-like values are accepted
    assert t.narrow(np.int64(0), np.int32(1), torch.tensor(2)).shape == (2, 5)
    assert t.select(1, torch.tensor(4)).shape == (4,)


def test_expand_mismatch():
    t = torch.zeros(3, 1)
    _raises(ValueError, "expanded size of the tensor \\(4\\) must match the existing size \\(3\\) at non-singleton "
            "dimension 0", t.expand, 4, 5)
    _raises(ValueError, "number of sizes provided \\(1\\) must be greater or equal", t.expand, 3)
    _raises(ValueError, "-1 is not allowed in a leading, non-existing dimension", t.expand, -1, 3, 2)
    _raises(ValueError, "must match the existing size", t.expand, 3, -2)


def test_permute_errors():
    t = torch.zeros(2, 3, 4)
    _raises(ValueError, "dimension 0 repeats", t.permute, 0, 0, 1)
    _raises(ValueError, "repeats", t.permute, 2, -1, 0)
    _raises(ValueError, "input.dim\\(\\) = 3 is not equal to len\\(dims\\) = 2", t.permute, 0, 1)
    _raises(IndexError, "out of range", t.permute, 0, 1, 3)


def test_too_many_dims():
    _raises(ValueError, "number of dimensions must be in \\[0, 32\\], got 33", torch.empty, *[1] * 33)
    t = torch.zeros(*[1] * 32)
    _raises(ValueError, "at most 32 dimensions", t.unsqueeze, 0)
    _raises(ValueError, "at most 32 dimensions", t.unfold, 0, 1, 1)
    _raises(ValueError, "number of dimensions must be in \\[0, 32\\], got 33", t.view, *[1] * 33)
    _raises(ValueError, "number of dimensions must be in \\[0, 32\\], got 33", t.reshape, *[1] * 33)
    _raises(ValueError, "must be greater or equal", t.expand, *[1] * 33)
    _raises(ValueError, "number of dimensions must be in \\[0, 32\\], got 33", t.as_strided, [1] * 33, [1] * 33)
    _raises(ValueError, "more than 32 dimensions", torch.from_numpy, np.zeros([1] * 33))
    _raises(ValueError, "more than 32 dimensions", torch.tensor, np.zeros([1] * 33))
    assert t.numpy().shape == (1,) * 32


def test_copy_errors():
    t = torch.zeros(2, 3)
    _raises(ValueError, "cannot be broadcast", t.copy_, torch.zeros(4))
    _raises(ValueError, "cannot be broadcast", t.copy_, torch.zeros(2, 2, 3))
    _raises(RuntimeError, "more than one element of the written-to tensor refers to a single memory location",
            torch.zeros(1).expand(3).copy_, torch.ones(3))
    ok = torch.zeros(1, 1).expand(1, 1)   # size-1 dims of stride 0 are fine
    ok.copy_(torch.ones(1))
    assert ok.tolist() == [[1.0]]
    empty = torch.zeros(1, 0).expand(3, 0)   # nothing is written twice when nothing is written
    empty.copy_(torch.ones(3, 0))
    _raises(ValueError, "cannot be broadcast", torch.zeros(0, 2).copy_, torch.zeros(3))


def test_construction_errors():
    _raises(ValueError, "rectangular", torch.tensor, [[1, 2], [3]])
    _raises(TypeError, "Could not infer dtype of NoneType", torch.tensor, [1, None])
    _raises(TypeError, "Could not infer dtype of str", torch.tensor, "abc")
    _raises(TypeError, "complex", torch.tensor, [1 + 2j])
    _raises(RuntimeError, "value cannot be converted to type int64 without overflow", torch.tensor, [2 ** 63])
    _raises(RuntimeError, "to type int8 without overflow", torch.tensor, [1, 300], dtype=torch.int8)
    _raises(RuntimeError, "to type int64 without overflow", torch.tensor, [float("nan")], dtype=torch.int64)
    _raises(RuntimeError, "to type uint8 without overflow", torch.tensor, [-256], dtype=torch.uint8)
    assert torch.tensor([-1, 255], dtype=torch.uint8).tolist() == [255, 255]   # as PyTorch
    _raises(TypeError, "can't convert np.ndarray of type complex128", torch.tensor, np.zeros(2, complex))
    _raises(RuntimeError, "not available", torch.tensor, [1.0], device="cuda")
    _raises(TypeError, "only floating-point types", torch.set_default_dtype, torch.int32)
    _raises(TypeError, "use pytorch_like.tensor", torch.Tensor, 3)


def test_item_and_conversion_errors():
    _raises(ValueError, "a Tensor with 0 elements cannot be converted to Scalar", torch.empty(0).item)
    _raises(ValueError, "with 2 elements", float, torch.zeros(2))
    _raises(RuntimeError, "ambiguous", bool, torch.empty(0))
    _raises(RuntimeError, "Can't call numpy\\(\\) on Tensor that requires grad",
            torch.zeros(1, requires_grad=True).numpy)
    _raises(RuntimeError, "only Tensors of floating point (and complex )?dtype can require gradients",
            torch.zeros(1, dtype=torch.int64).requires_grad_)


def test_c_errors_do_not_leak_between_calls():
    t = torch.zeros(2)
    with pytest.raises(IndexError):
        t.narrow(0, 5, 1)
    assert t.narrow(0, 1, 1).shape == (1,)   # a later success is unaffected


def test_interpreter_survives_a_battery_of_bad_calls():
    """Runs every bad call in a fresh interpreter: a segfault or abort would show as a bad exit code."""
    code = r"""
import numpy as np, pytorch_like as torch
calls = [
    lambda: torch.empty(2**62, 2**62), lambda: torch.empty(-5), lambda: torch.zeros(3, 4).t().view(12),
    lambda: torch.zeros(3).narrow(0, 2, 5), lambda: torch.zeros(3).select(0, 3), lambda: torch.zeros(3, 1).expand(2, 2),
    lambda: torch.zeros(2, 2).permute(1, 1), lambda: torch.empty(*[1] * 40), lambda: torch.zeros(4).as_strided((5,), (1,)),
    lambda: torch.zeros(4).as_strided((2,), (2**62,)), lambda: torch.zeros(4).as_strided((3,), (1,), 2**62),
    lambda: torch.zeros(4).unfold(0, 9, 1), lambda: torch.zeros(2).diagonal(), lambda: torch.from_numpy(np.zeros(3)[::-1]),
    lambda: torch.tensor([[1], [1, 2]]), lambda: torch.zeros(2).copy_(torch.zeros(3)), lambda: torch.empty(2**64),
    lambda: torch.zeros(0).expand(-1, 0), lambda: torch.zeros(1).fill_(float("nan")).int().fill_(2**40),
]
n = 0
for c in calls:
    try:
        c()
    except (ValueError, IndexError, TypeError, RuntimeError, MemoryError) as e:
        assert str(e), c
        n += 1
print("caught", n, "of", len(calls))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       cwd=__import__("os").path.dirname(__import__("os").path.dirname(__file__)))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "caught 19 of 19", r.stdout + r.stderr
