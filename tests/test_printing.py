"""Tensor printing is string-equal to PyTorch's (with "torch." read as "pytorch_like.")."""
import math
import re

import numpy as np
import pytest

import pytorch_like as torch

NP_DTYPES = [np.float32, np.float64, np.float16, np.uint8, np.int8, np.int16, np.int32, np.int64, np.bool_]


def _unwrap_suffixes(text):
    # "pytorch_like." is 7 characters longer than "torch.", so a dtype suffix may move to
    # its own line in one library and not the other; compare with suffixes joined
    return re.sub(r",\n {7}(dtype=|size=|requires_grad=|grad_fn=)", r", \1", text)


def _same(ref, arr):
    ours = _unwrap_suffixes(repr(torch.from_numpy(arr)))
    theirs = _unwrap_suffixes(repr(ref.from_numpy(arr.copy())).replace("torch.", "pytorch_like."))
    assert ours == theirs, f"\nours:\n{ours}\ntorch:\n{theirs}"
    assert _unwrap_suffixes(str(torch.from_numpy(arr))) == ours


def test_suffix_goes_to_its_own_line_past_linewidth():
    a = torch.from_numpy(np.array([-16.0384, 0.6410, 7.4089, 1.5262, 8.6374]))
    assert repr(a) == ("tensor([-16.0384,   0.6410,   7.4089,   1.5262,   8.6374],\n"
                       "       dtype=pytorch_like.float64)")
    assert repr(a.narrow(0, 0, 4)) == "tensor([-16.0384,   0.6410,   7.4089,   1.5262], dtype=pytorch_like.float64)"


@pytest.fixture
def opts(ref_torch):
    """Set print options on both libraries; restore defaults afterwards."""
    def set_(**kw):
        torch.set_printoptions(**kw)
        ref_torch.set_printoptions(**kw)
    yield set_
    torch.set_printoptions(profile="default")
    ref_torch.set_printoptions(profile="default")


CASES = [
    [1.0, 2.0, 3.0], [[1, 2], [3, 4]], 3.5, 0.0, -0.0, [0.0, -0.0], [1.5, -2.25, 3.0],
    [1e-5, 1.0], [1.0, 1e9], [1.0, 1001.0], [1.0, 999.0], [1e8, 2e8], [123456789.0],
    [0.1, 0.2, 0.3], [np.nan, 1.0], [np.inf, -np.inf, 1.0], [np.nan, np.inf, 2.5],
    [np.nan], [np.inf], [0.0, 0.0], [-1.0, 2.0], [1e-4, 1.0], [9.9e-5, 0.5], [100.0, 0.1],
    [[1.123456, 2.0], [3.0, 400.5]], [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]],
    [1e-20], [3.0e38], [-12345.678], [1, -1, 100000], [[0.5]],
]


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int64])
def test_cases_match_torch(ref_torch, case, dt):
    v = np.array(CASES[case])
    if dt is np.int64:
        v = np.nan_to_num(v, nan=7, posinf=9, neginf=-9)
        if np.abs(v).max() > 1e15:
            return
    _same(ref_torch, np.asarray(v.astype(dt)))


@pytest.mark.parametrize("dt", NP_DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (5,), (0, 3), (2, 0, 4), (3, 4), (2, 3, 4), (1, 1, 1, 2), (30,), (4, 25)])
def test_dtypes_and_shapes(ref_torch, rng, dt, shape):
    if dt is np.bool_:
        a = rng.random(shape) > 0.5
    elif np.issubdtype(dt, np.floating):
        a = (rng.standard_normal(shape) * 10).astype(dt)
    else:
        info = np.iinfo(dt)
        a = rng.integers(max(info.min, -1000), min(info.max, 1000), shape).astype(dt)
    _same(ref_torch, np.asarray(a))


@pytest.mark.parametrize("shape", [(2000,), (1001,), (40, 40), (10, 11, 12), (3, 400), (400, 3), (2, 3, 200)])
@pytest.mark.parametrize("dt", [np.float32, np.int64, np.bool_, np.float64])
def test_summarised(ref_torch, rng, shape, dt):
    a = (rng.standard_normal(shape) * 100).astype(dt)
    _same(ref_torch, a)


@pytest.mark.parametrize("n", [20, 21, 40, 100])
def test_linewidth_wrapping(ref_torch, rng, n):
    _same(ref_torch, rng.standard_normal(n).astype(np.float32))
    _same(ref_torch, rng.integers(-10**9, 10**9, n))
    _same(ref_torch, rng.standard_normal((3, n)) * 1e6)


def test_large_magnitudes_and_scientific(ref_torch):
    for a in ([1e10, 1.0], [1e-10, 1e-9], [5e-5, 5e-5], [2e8], [1e100, -1e-100], [65504.0, 0.001]):
        for dt in (np.float32, np.float64, np.float16):
            with np.errstate(over="ignore", under="ignore"):
                _same(ref_torch, np.array(a).astype(dt))


def test_int_extremes(ref_torch):
    for dt in (np.int8, np.int16, np.int32, np.int64, np.uint8):
        info = np.iinfo(dt)
        _same(ref_torch, np.array([info.min, 0, info.max], dtype=dt))


def test_non_contiguous_views_print_their_values(ref_torch, rng):
    base = rng.standard_normal((6, 8)).astype(np.float32)
    t = torch.from_numpy(base)
    for ours, arr in ((t.t(), base.T), (t.narrow(1, 2, 3), base[:, 2:5]),
                      (t.select(1, 3), base[:, 3]), (t.unsqueeze(0).expand(3, 6, 8), np.broadcast_to(base, (3, 6, 8)))):
        assert repr(ours) == repr(ref_torch.from_numpy(np.ascontiguousarray(arr))).replace("torch.", "pytorch_like.")


@pytest.mark.parametrize("kw", [dict(precision=2), dict(precision=8), dict(threshold=5), dict(edgeitems=1, threshold=10),
                                dict(linewidth=40), dict(sci_mode=True), dict(sci_mode=False), dict(profile="short"),
                                dict(profile="full"), dict(edgeitems=0, threshold=5)])
def test_set_printoptions(ref_torch, opts, rng, kw):
    opts(**kw)
    for a in (rng.standard_normal(50), np.arange(30), rng.standard_normal((12, 13)).astype(np.float32),
              np.array([1.0, 2.0]), np.array([1e-6, 1e6]), np.array(2.5), np.arange(1500) * 0.5):
        _same(ref_torch, a)


def test_float_default_dtype_changes_suffix(ref_torch):
    torch.set_default_dtype(torch.float64)
    ref_torch.set_default_dtype(ref_torch.float64)
    try:
        for a in (np.array([1.0, 2.0]), np.array([1.0], dtype=np.float32), np.zeros((0,)), np.zeros((0,), np.float32)):
            _same(ref_torch, a)
    finally:
        torch.set_default_dtype(torch.float32)
        ref_torch.set_default_dtype(ref_torch.float32)


def test_empty_dtype_suffix(ref_torch):
    for dt in NP_DTYPES:
        _same(ref_torch, np.zeros((0,), dt))
        _same(ref_torch, np.zeros((2, 0), dt))


def test_requires_grad_and_grad_fn_suffix(ref_torch):
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    r = ref_torch.tensor([1.0, 2.0], requires_grad=True)
    assert repr(t) == repr(r)
    assert repr(torch.tensor(1.5, requires_grad=True)) == repr(ref_torch.tensor(1.5, requires_grad=True))

    class MulBackward0:
        pass
    t2 = torch.tensor([2.0, 4.0])
    t2.grad_fn = MulBackward0()
    assert repr(t2) == repr(r * 2)
    long_ = torch.from_numpy(np.arange(0.5, 11))
    long_.requires_grad_(True)
    ref_long = ref_torch.arange(0.5, 11, dtype=ref_torch.float64, requires_grad=True)
    assert _unwrap_suffixes(repr(long_)) == _unwrap_suffixes(repr(ref_long).replace("torch.", "pytorch_like."))


def test_format_spec():
    assert f"{torch.tensor(2.5):.2f}" == "2.50"
    assert f"{torch.tensor(7):04d}" == "0007"
    assert f"{torch.tensor([1, 2])}" == "tensor([1, 2])"
    with pytest.raises(TypeError):
        f"{torch.tensor([1.0, 2.0]):.2f}"


def test_bad_printoptions():
    with pytest.raises(ValueError, match="precision"):
        torch.set_printoptions(precision=-1)
    with pytest.raises(ValueError, match="profile"):
        torch.set_printoptions(profile="loud")
    with pytest.raises(ValueError, match="sci_mode"):
        torch.set_printoptions(sci_mode="yes")
    torch.set_printoptions(profile="default")
    assert torch.get_printoptions()["precision"] == 4
    assert math.isfinite(torch.get_printoptions()["threshold"])


def test_printoptions_context(ref_torch):
    a = np.array([1.23456789])
    with torch.printoptions(precision=6):
        assert repr(torch.from_numpy(a)).startswith("tensor([1.234568]")
    assert repr(torch.from_numpy(a)).startswith("tensor([1.2346]")
