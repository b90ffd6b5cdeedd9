"""Construction and shape ops: differential tests against numpy and PyTorch CPU."""
import warnings

import numpy as np
import pytest

import pytorch_like as torch

DTYPES = [torch.float32, torch.float64, torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool]


def rand(rng, shape, dtype=torch.float32):
    """A tensor of random values of dtype (small ints for integer dtypes)."""
    if dtype is torch.bool:
        a = rng.integers(0, 2, shape).astype(np.bool_)
    elif dtype.is_floating_point:
        a = rng.standard_normal(shape).astype(dtype.numpy)
    else:
        a = rng.integers(0, 100, shape).astype(dtype.numpy)
    return torch.tensor(a)


def noncontig(rng, shape, dtype=torch.float32):
    """A transposed (non-contiguous) tensor of the given shape."""
    t = rand(rng, tuple(reversed(shape)), dtype)
    r = t.permute(*range(len(shape) - 1, -1, -1))
    if len(shape) > 1 and all(s > 1 for s in shape):
        assert not r.is_contiguous()
    return r


def N(t):
    return np.asarray(t.numpy())


def to_ref(ref_torch, t):
    return ref_torch.from_numpy(np.array(t.numpy()))


# ---------------------------------------------------------------------- cat / stack

@pytest.mark.parametrize("dtype", DTYPES)
def test_cat_matches_numpy(rng, dtype):
    for dim in (0, 1, 2, -1):
        shapes = [[2, 3, 4] for _ in range(3)]
        for i, s in enumerate(shapes):
            s[dim] = i + 1
        ts = [rand(rng, s, dtype) for s in shapes[:2]] + [noncontig(rng, shapes[2], dtype)]
        r = torch.cat(ts, dim)
        assert r.dtype is dtype
        np.testing.assert_array_equal(N(r), np.concatenate([N(t) for t in ts], dim))


def test_cat_zero_size_and_legacy_empty(rng, ref_torch):
    a, b = rand(rng, (2, 0, 3)), rand(rng, (2, 4, 3))
    np.testing.assert_array_equal(N(torch.cat([a, b], 1)), np.concatenate([N(a), N(b)], 1))
    e = torch.empty(0, dtype=torch.float64)
    r = torch.cat([e, b, e], 1)
    ref = ref_torch.cat([ref_torch.empty(0, dtype=ref_torch.float64), to_ref(ref_torch, b)], 1)
    assert tuple(r.shape) == tuple(ref.shape) == (2, 4, 3)
    assert r.dtype is torch.float64 and ref.dtype == ref_torch.float64
    assert tuple(torch.cat([e, e]).shape) == (0,)
    assert torch.cat([torch.empty(0, dtype=torch.int32), torch.empty(0, dtype=torch.int8)]).dtype is torch.int32


@pytest.mark.parametrize("pair", [(torch.int32, torch.float32), (torch.uint8, torch.int8), (torch.bool, torch.int16),
                                  (torch.float32, torch.float64), (torch.bool, torch.bool)])
def test_cat_promotion_matches_torch(rng, ref_torch, pair):
    a, b = rand(rng, (2, 3), pair[0]), rand(rng, (1, 3), pair[1])
    r = torch.cat([a, b])
    ref = ref_torch.cat([to_ref(ref_torch, a), to_ref(ref_torch, b)])
    assert r.dtype.name == str(ref.dtype).split(".")[1]
    np.testing.assert_array_equal(N(r), ref.numpy())


def test_cat_out_and_aliasing(rng):
    a, b = rand(rng, (2, 3)), rand(rng, (1, 3))
    out = torch.empty(0, dtype=torch.float64)
    r = torch.cat([a, b], out=out)
    assert r is out and out.dtype is torch.float64 and tuple(out.shape) == (3, 3)
    np.testing.assert_allclose(N(out), np.concatenate([N(a), N(b)]).astype(np.float64))
    x = torch.zeros(2, 2).copy_(rand(rng, (2, 2)))     # a resizable storage
    expect = np.concatenate([N(x), N(x)])
    torch.cat([x, x], out=x)     # out is also an input: computed through a temporary
    np.testing.assert_array_equal(N(x), expect)
    assert torch.concat([a, b]).shape == torch.concatenate([a, b], axis=0).shape == (3, 3)


def test_cat_errors():
    with pytest.raises(RuntimeError, match=r"Sizes of tensors must match except in dimension 1. Expected size 3 "
                                           r"but got size 4 for tensor number 1 in the list."):
        torch.cat([torch.zeros(3, 2), torch.zeros(4, 2)], 1)
    with pytest.raises(ValueError, match="non-empty list"):
        torch.cat([])
    with pytest.raises(RuntimeError, match="zero-dimensional tensor"):
        torch.cat([torch.zeros(()), torch.zeros(())])
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        torch.cat([torch.zeros(2, 3), torch.zeros(3)])
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.cat([torch.zeros(2, 3)], 2)
    with pytest.raises(TypeError, match="element 1"):
        torch.cat([torch.zeros(2), 3])
    with pytest.raises(TypeError, match="tuple of Tensors"):
        torch.cat(torch.zeros(2))


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -3])
def test_stack_matches_numpy(rng, dim):
    ts = [rand(rng, (2, 3)), noncontig(rng, (2, 3)), rand(rng, (2, 3))]
    np.testing.assert_array_equal(N(torch.stack(ts, dim)), np.stack([N(t) for t in ts], dim))
    z = [torch.zeros(0, 2), torch.zeros(0, 2)]
    assert torch.stack(z, dim % 3).shape == np.stack([np.zeros((0, 2))] * 2, dim % 3).shape
    assert tuple(torch.stack([torch.tensor(1.), torch.tensor(2.)]).shape) == (2,)


def test_stack_errors():
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \[2\] at entry 0 "
                                           r"and \[3\] at entry 1"):
        torch.stack([torch.zeros(2), torch.zeros(3)])
    with pytest.raises(RuntimeError, match="non-empty TensorList"):
        torch.stack([])
    with pytest.raises(IndexError):
        torch.stack([torch.zeros(2)], 2)


def test_hstack_vstack_dstack_column_stack(rng):
    a1, b1 = rand(rng, (3,)), rand(rng, (3,))
    a2, b2 = rand(rng, (3, 2)), noncontig(rng, (3, 2))
    for fn, nfn in ((torch.hstack, np.hstack), (torch.vstack, np.vstack), (torch.dstack, np.dstack),
                    (torch.column_stack, np.column_stack), (torch.row_stack, np.vstack)):
        np.testing.assert_array_equal(N(fn([a1, b1])), nfn([N(a1), N(b1)]))
        np.testing.assert_array_equal(N(fn([a2, b2])), nfn([N(a2), N(b2)]))
    s = torch.tensor(5.)
    np.testing.assert_array_equal(N(torch.hstack([s, a1])), np.hstack([5., N(a1)]))


# ---------------------------------------------------------------------- splitting

@pytest.mark.parametrize("size", [0, 1, 5, 7, 12])
def test_split_chunk_sizes_match_torch(ref_torch, size):
    x = torch.arange(size * 2).reshape(size, 2)
    rx = ref_torch.arange(size * 2).reshape(size, 2)
    for s in (1, 2, 3, 5, 13):
        ours, ref = torch.split(x, s), ref_torch.split(rx, s)
        assert [tuple(p.shape) for p in ours] == [tuple(p.shape) for p in ref]
        for p, q in zip(ours, ref):
            np.testing.assert_array_equal(N(p), q.numpy())
    for c in (1, 2, 3, 4, 6, 20):
        assert [tuple(p.shape) for p in torch.chunk(x, c)] == [tuple(p.shape) for p in ref_torch.chunk(rx, c)]
        assert [tuple(p.shape) for p in x.tensor_split(c)] == [tuple(p.shape) for p in rx.tensor_split(c)]
    for idx in ([1, 3], [0, 0, 2], [4, 2, 9], [-2]):
        assert ([tuple(p.shape) for p in torch.tensor_split(x, idx)]
                == [tuple(p.shape) for p in ref_torch.tensor_split(rx, idx)])
    if size:
        assert [tuple(p.shape) for p in x.split([size - 1, 1])] == [(size - 1, 2), (1, 2)]


def test_split_views_and_dims(rng):
    x = rand(rng, (4, 6))
    parts = x.split(4, dim=-1)
    assert [tuple(p.shape) for p in parts] == [(4, 4), (4, 2)]
    parts[1].fill_(7)
    assert (N(x)[:, 4:] == 7).all()     # pieces are views
    for fn, nfn in ((torch.hsplit, np.hsplit), (torch.vsplit, np.vsplit)):
        for p, q in zip(fn(x, 2), nfn(N(x), 2)):
            np.testing.assert_array_equal(N(p), q)
    y = rand(rng, (2, 2, 4))
    for p, q in zip(torch.dsplit(y, [1, 3]), np.dsplit(N(y), [1, 3])):
        np.testing.assert_array_equal(N(p), q)
    for p, q in zip(torch.unbind(x, 1), np.moveaxis(N(x), 1, 0)):
        np.testing.assert_array_equal(N(p), q)


def test_split_errors():
    x = torch.zeros(5)
    with pytest.raises(RuntimeError, match="sum exactly to 5"):
        torch.split(x, [2, 2])
    with pytest.raises(RuntimeError, match="non-negative"):
        torch.split(x, -1)
    with pytest.raises(RuntimeError, match="split_size can only be 0"):
        torch.split(x, 0)
    with pytest.raises(RuntimeError, match="greater than 0"):
        torch.chunk(x, 0)
    with pytest.raises(RuntimeError, match="not divisible"):
        torch.hsplit(x, 2)
    with pytest.raises(RuntimeError, match="larger than 0"):
        torch.tensor_split(x, 0)
    with pytest.raises(TypeError, match="split_size"):
        torch.split(x, 1.5)


def test_movedim_matches_numpy(rng):
    x = noncontig(rng, (2, 3, 4, 5))
    for src, dst in ((0, -1), (1, 0), ([0, 1], [2, 3]), ((3, 0), (0, 2)), ([], [])):
        np.testing.assert_array_equal(N(torch.movedim(x, src, dst)), np.moveaxis(N(x), src, dst))
        np.testing.assert_array_equal(N(x.moveaxis(src, dst)), np.moveaxis(N(x), src, dst))
    with pytest.raises(RuntimeError, match="same number of elements"):
        torch.movedim(x, [0, 1], [0])
    with pytest.raises(RuntimeError, match="repeated dim in `source`"):
        torch.movedim(x, [0, 0], [1, 2])
    with pytest.raises(IndexError):
        torch.movedim(x, 4, 0)


# ---------------------------------------------------------------------- ranges

ARANGE_ARGS = [(5,), (0,), (2, 9), (2, 9, 3), (9, 2, -3), (0, 1, 0.1), (-1.5, 2.25, 0.25), (1, 2.5, 0.5),
               (0.5, 5.5, 2), (10, 0, -1), (0, 1e-3, 1e-4), (3, 3), (0, 7, 7), (-5, 5, 0.7)]


@pytest.mark.parametrize("args", ARANGE_ARGS)
def test_arange_matches_torch(ref_torch, args):
    r, ref = torch.arange(*args), ref_torch.arange(*args)
    assert r.dtype.name == str(ref.dtype).split(".")[1]
    assert tuple(r.shape) == tuple(ref.shape)
    np.testing.assert_allclose(N(r), ref.numpy(), rtol=1e-6, atol=1e-6)
    all_int = all(isinstance(a, int) for a in args)
    for dt in (torch.float64, torch.int64) + ((torch.int32, torch.int16) if all_int else ()):
        try:
            ref = ref_torch.arange(*args, dtype=getattr(ref_torch, dt.name))
        except (RuntimeError, ValueError):    # a step that truncates to 0 for int64
            with pytest.raises(RuntimeError, match="step must be nonzero"):
                torch.arange(*args, dtype=dt)
            continue
        r = torch.arange(*args, dtype=dt)
        assert r.dtype is dt and tuple(r.shape) == tuple(ref.shape)
        np.testing.assert_allclose(N(r), ref.numpy(), rtol=1e-12)


def test_arange_numpy_and_kwargs():
    np.testing.assert_array_equal(N(torch.arange(0, 100000, 3)), np.arange(0, 100000, 3))
    np.testing.assert_allclose(N(torch.arange(0, 10, 0.1, dtype=torch.float64)), np.arange(0, 10, 0.1))
    out = torch.empty(0, dtype=torch.float64)
    assert torch.arange(4, out=out) is out and N(out).tolist() == [0, 1, 2, 3]
    assert torch.arange(torch.tensor(3)).dtype is torch.int64
    assert torch.arange(torch.tensor(3.0)).dtype is torch.float32
    assert torch.arange(3, requires_grad=False).dtype is torch.int64
    torch.set_default_dtype(torch.float64)
    try:
        assert torch.arange(0.5, 3).dtype is torch.float64
    finally:
        torch.set_default_dtype(torch.float32)


def test_arange_errors():
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        torch.arange(0, 5, 0)
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        torch.arange(0, 5, 0.3, dtype=torch.int64)     # the step truncates to 0 like PyTorch
    with pytest.raises(RuntimeError, match="inconsistent with step sign"):
        torch.arange(0, 5, -1)
    with pytest.raises(RuntimeError, match="inconsistent with step sign"):
        torch.arange(5, 0, 0.5)
    with pytest.raises(RuntimeError, match="unsupported range"):
        torch.arange(0, float("inf"))
    with pytest.raises(TypeError, match="end"):
        torch.arange(0, "a")
    with pytest.raises(TypeError, match="bool"):
        torch.arange(0, 5, dtype=torch.bool)


@pytest.mark.parametrize("args", [(1, 4), (0, 1, 0.3), (5, 1, -2), (0, 0), (1, 2, 0.25), (-1, 1, 0.1)])
def test_range_inclusive_matches_torch(ref_torch, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ref_torch.range(*args)
        with pytest.warns(UserWarning, match="deprecated"):
            r = torch.range(*args)
        assert r.dtype is torch.float32 and tuple(r.shape) == tuple(ref.shape)
        np.testing.assert_allclose(N(r), ref.numpy(), rtol=1e-6, atol=1e-7)
        if all(isinstance(a, int) for a in args):
            ri = torch.range(*args, dtype=torch.int64)
            refi = ref_torch.range(*args, dtype=ref_torch.int64)
            np.testing.assert_array_equal(N(ri), refi.numpy())
        else:   # the step truncates to 0 (PyTorch divides by zero here)
            with pytest.raises(RuntimeError, match="step must be nonzero"):
                torch.range(*args, dtype=torch.int64)
        with pytest.raises(RuntimeError, match="inconsistent"):
            torch.range(3, 1)


@pytest.mark.parametrize("steps", [0, 1, 2, 5, 100, 1001])
def test_linspace_logspace(ref_torch, steps):
    for start, end in ((0, 1), (-3.7, 10.2), (5, -5), (2, 2)):
        for dt in (torch.float32, torch.float64, torch.int64, torch.int32, torch.uint8):
            if dt is torch.uint8 and min(start, end) < 0:
                continue
            rdt = getattr(ref_torch, dt.name)
            r, ref = torch.linspace(start, end, steps, dtype=dt), ref_torch.linspace(start, end, steps, dtype=rdt)
            assert r.dtype is dt and tuple(r.shape) == tuple(ref.shape)
            # integer results truncate values that PyTorch's blocked kernel may round 1 ulp differently
            np.testing.assert_allclose(N(r), ref.numpy(), rtol=1e-6, atol=1e-6 if dt.is_floating_point else 1)
            if dt.is_floating_point or (start >= 0 and end >= 0 and end < 5):
                for base in (10.0, 2.0):
                    r = torch.logspace(start, end, steps, base=base, dtype=dt)
                    ref = ref_torch.logspace(start, end, steps, base=base, dtype=rdt)
                    np.testing.assert_allclose(N(r), ref.numpy(), rtol=1e-5)
    np.testing.assert_allclose(N(torch.linspace(-2, 3, steps, dtype=torch.float64)), np.linspace(-2, 3, steps))
    np.testing.assert_allclose(N(torch.logspace(-2, 3, steps, dtype=torch.float64)), np.logspace(-2, 3, steps))
    assert torch.linspace(0, 1, steps).dtype is torch.float32


def test_linspace_errors():
    with pytest.raises(RuntimeError, match="non-negative"):
        torch.linspace(0, 1, -1)
    with pytest.raises(RuntimeError, match="non-negative"):
        torch.logspace(0, 1, -2)
    with pytest.raises(TypeError, match="steps"):
        torch.linspace(0, 1, 2.5)
    with pytest.raises(TypeError, match="bool"):
        torch.linspace(0, 1, 3, dtype=torch.bool)


# ---------------------------------------------------------------------- eye / diag / triangles / trace

def test_eye_matches_numpy():
    for n, m in ((0, None), (1, None), (3, None), (3, 5), (5, 2), (4, 0)):
        r = torch.eye(n, m)
        assert r.dtype is torch.float32
        np.testing.assert_array_equal(N(r), np.eye(n, m))
    assert N(torch.eye(3, dtype=torch.int64)).dtype == np.int64
    assert N(torch.eye(2, dtype=torch.bool)).tolist() == [[True, False], [False, True]]
    out = torch.ones(7, 7)
    torch.eye(2, out=out)
    np.testing.assert_array_equal(N(out), np.eye(2))
    with pytest.raises(RuntimeError, match="n must be greater or equal to 0"):
        torch.eye(-1)
    with pytest.raises(RuntimeError, match="m must be greater or equal to 0"):
        torch.eye(2, -3)


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.bool, torch.uint8])
def test_diag_matches_numpy(rng, dtype):
    v = rand(rng, (4,), dtype)
    m = noncontig(rng, (3, 5), dtype)
    for k in (-4, -2, -1, 0, 1, 3, 6):
        np.testing.assert_array_equal(N(torch.diag(v, k)), np.diag(N(v), k))
        np.testing.assert_array_equal(N(m.diag(k)), np.diag(N(m), k))
        np.testing.assert_array_equal(N(torch.diagflat(m, k)), np.diagflat(N(m), k))
    assert torch.diag(v).dtype is dtype
    np.testing.assert_array_equal(N(torch.diag(torch.zeros(0))), np.zeros((0, 0)))
    with pytest.raises(RuntimeError, match="Supports 1D or 2D tensors. Got 3D"):
        torch.diag(torch.zeros(2, 2, 2))
    with pytest.raises(RuntimeError, match="Got 0D"):
        torch.diag(torch.tensor(1.))


def test_diag_embed_matches_torch(rng, ref_torch):
    x = rand(rng, (2, 3))
    for off, d1, d2 in ((0, -2, -1), (1, 0, 2), (-2, 2, 0), (0, 1, 2)):
        r = torch.diag_embed(x, off, d1, d2)
        ref = ref_torch.diag_embed(to_ref(ref_torch, x), off, d1, d2)
        np.testing.assert_array_equal(N(r), ref.numpy())
    with pytest.raises(RuntimeError, match="cannot be identical"):
        torch.diag_embed(x, 0, 1, 1)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int32, torch.bool])
def test_tril_triu_match_numpy(rng, dtype):
    for shape in ((4, 4), (3, 5), (5, 2), (2, 3, 4), (2, 0, 3), (0, 0)):
        a = rand(rng, shape, dtype)
        b = noncontig(rng, shape, dtype) if len(shape) == 2 else a
        for k in (-7, -2, -1, 0, 1, 3, 9):
            for x in (a, b):
                np.testing.assert_array_equal(N(torch.tril(x, k)), np.tril(N(x), k))
                np.testing.assert_array_equal(N(x.triu(k)), np.triu(N(x), k))
    a = rand(rng, (4, 4), dtype)
    expect = np.triu(N(a), 1)
    v = a._version
    assert a.triu_(1) is a
    np.testing.assert_array_equal(N(a), expect)
    assert a._version > v
    b = noncontig(rng, (4, 4), dtype)
    expect = np.tril(N(b), -1)
    b.tril_(-1)
    np.testing.assert_array_equal(N(b), expect)
    out = torch.empty(0, dtype=torch.float64)
    torch.tril(rand(rng, (3, 3), dtype), out=out)
    assert out.dtype is torch.float64 and tuple(out.shape) == (3, 3)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        torch.tril(torch.zeros(3))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        torch.zeros(3).triu_()


def test_tril_out_aliasing_a_view(rng):
    a = rand(rng, (4, 4))
    base = np.array(N(a))
    t = a.t()
    torch.tril(t, out=a)      # out overlaps the input with another layout
    np.testing.assert_array_equal(N(a), np.tril(base.T))


def test_trace_matches_numpy(rng, ref_torch):
    for dtype in (torch.float32, torch.float64, torch.int32, torch.int8, torch.uint8):
        for shape in ((3, 3), (2, 5), (5, 2), (0, 0)):
            m = noncontig(rng, shape, dtype)
            r = torch.trace(m)
            ref = ref_torch.trace(to_ref(ref_torch, m))
            assert r.ndim == 0 and r.dtype.name == str(ref.dtype).split(".")[1]
            np.testing.assert_allclose(r.item(), np.trace(N(m).astype(np.float64)), rtol=1e-5)
    with pytest.raises(RuntimeError, match="expected a matrix"):
        torch.trace(torch.zeros(3))


# ---------------------------------------------------------------------- cross / histc / renorm

def test_cross_matches_numpy(rng):
    a, b = rand(rng, (4, 3)), noncontig(rng, (4, 3))
    np.testing.assert_allclose(N(torch.cross(a, b, dim=1)), np.cross(N(a), N(b)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(N(a.cross(b)), np.cross(N(a), N(b)), rtol=1e-5, atol=1e-6)   # first size-3 dim
    c, d = rand(rng, (3, 2, 5), torch.float64), rand(rng, (3, 2, 5), torch.float64)
    np.testing.assert_allclose(N(torch.cross(c, d)), np.cross(N(c), N(d), axis=0))
    np.testing.assert_allclose(N(torch.cross(c, d, dim=-3)), np.cross(N(c), N(d), axis=0))
    i, j = rand(rng, (5, 3), torch.int64), rand(rng, (3,), torch.int64)    # broadcast
    np.testing.assert_array_equal(N(torch.cross(i, j, dim=1)), np.cross(N(i), N(j)))
    e = torch.zeros(0, 3)
    assert tuple(torch.cross(e, e, dim=1).shape) == (0, 3)
    x = rand(rng, (2, 3))
    expect = np.cross(N(x), N(a.narrow(0, 0, 2)))
    torch.cross(x, a.narrow(0, 0, 2), dim=1, out=x)     # out aliases an input
    np.testing.assert_allclose(N(x), expect, rtol=1e-5, atol=1e-6)
    with pytest.raises(RuntimeError, match="no dimension of size 3"):
        torch.cross(torch.zeros(2, 2), torch.zeros(2, 2))
    with pytest.raises(RuntimeError, match="must have length 3"):
        torch.cross(torch.zeros(2, 3), torch.zeros(2, 3), dim=0)
    with pytest.raises(TypeError, match="bool"):
        torch.cross(torch.zeros(3, dtype=torch.bool), torch.zeros(3, dtype=torch.bool))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_histc_matches_torch(rng, ref_torch, dtype):
    x = rand(rng, (1000,), dtype)
    rx = to_ref(ref_torch, x)
    for bins, lo, hi in ((10, 0, 0), (7, -1, 1), (1, -5, 5), (100, -0.5, 3), (3, 2, 2)):
        r = torch.histc(x, bins=bins, min=lo, max=hi)
        ref = ref_torch.histc(rx, bins=bins, min=lo, max=hi)
        assert r.dtype is dtype
        np.testing.assert_array_equal(N(r), ref.numpy())
    nc = noncontig(rng, (30, 20), dtype)
    np.testing.assert_array_equal(N(nc.histc(bins=5)), ref_torch.histc(to_ref(ref_torch, nc), bins=5).numpy())
    # bins whose edges do not fall near data points agree with numpy
    v = torch.tensor(np.array([0.1, 0.2, 0.55, 0.9, 0.95, 1.0, 1.5, -0.2], dtype=dtype.numpy))
    np.testing.assert_array_equal(N(torch.histc(v, 4, 0, 1)), np.histogram(N(v), 4, (0, 1))[0])
    np.testing.assert_array_equal(N(torch.histc(torch.tensor([1.0, 1.0]), 4)), [0, 0, 2, 0])
    np.testing.assert_array_equal(N(torch.histc(torch.zeros(0), 3)), [0, 0, 0])


def test_histc_errors():
    with pytest.raises(RuntimeError, match="bins must be > 0"):
        torch.histc(torch.zeros(3), bins=0)
    with pytest.raises(RuntimeError, match="max must be larger than min"):
        torch.histc(torch.zeros(3), min=2, max=1)
    with pytest.raises(TypeError, match="floating point"):
        torch.histc(torch.zeros(3, dtype=torch.int32))
    with pytest.raises(RuntimeError, match="not finite"):
        torch.histc(torch.tensor([float("nan"), 1.0]))


@pytest.mark.parametrize("p", [1, 2, 3, float("inf")])
def test_renorm_matches_torch(rng, ref_torch, p):
    for dtype in (torch.float32, torch.float64):
        for shape, dim in (((4, 5), 0), ((4, 5), 1), ((3, 2, 4), 1), ((3, 2, 4), -1)):
            x = rand(rng, shape, dtype)
            r = torch.renorm(x, p, dim, 1.5)
            ref = ref_torch.renorm(to_ref(ref_torch, x), p, dim, 1.5)
            np.testing.assert_allclose(N(r), ref.numpy(), rtol=1e-5, atol=1e-6)
        y = noncontig(rng, (4, 6), dtype)
        expect = ref_torch.renorm(to_ref(ref_torch, y), p, 1, 0.5).numpy()
        assert y.renorm_(p, 1, 0.5) is y
        np.testing.assert_allclose(N(y), expect, rtol=1e-5, atol=1e-6)


def test_renorm_errors():
    with pytest.raises(RuntimeError, match="non-positive-norm"):
        torch.renorm(torch.ones(2, 2), 0, 0, 1)
    with pytest.raises(RuntimeError, match="maxnorm to be >= 0"):
        torch.renorm(torch.ones(2, 2), 2, 0, -1)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        torch.renorm(torch.ones(2), 2, 0, 1)
    with pytest.raises(TypeError, match="floating point"):
        torch.renorm(torch.ones(2, 2, dtype=torch.int64), 2, 0, 1)
    with pytest.raises(IndexError):
        torch.renorm(torch.ones(2, 2), 2, 2, 1)


# ---------------------------------------------------------------------- flip / roll / rot90

@pytest.mark.parametrize("dtype", DTYPES + [torch.float16])
def test_flip_matches_numpy(rng, dtype):
    shape = (3, 4, 5)
    for x in (rand(rng, shape, dtype) if dtype is not torch.float16 else rand(rng, shape).half(),
              noncontig(rng, shape, torch.float32).to(dtype)):
        for dims in ((0,), (1,), (2,), (-1,), (0, 2), (0, 1, 2), ()):
            r = torch.flip(x, dims)
            assert r.dtype is dtype
            np.testing.assert_array_equal(N(r), np.flip(N(x), dims) if dims else N(x))
    big = rand(rng, (300, 257), dtype) if dtype is not torch.float16 else rand(rng, (300, 257)).half()
    np.testing.assert_array_equal(N(big.flip(1)), np.flip(N(big), 1))
    np.testing.assert_array_equal(N(big.flip(0, 1)), np.flip(N(big)))


def test_flip_edge_cases(rng):
    np.testing.assert_array_equal(N(torch.flip(torch.tensor(3.), [0])), 3.)
    assert tuple(torch.flip(torch.zeros(2, 0), [0, 1]).shape) == (2, 0)
    x = rand(rng, (4, 3))
    np.testing.assert_array_equal(N(torch.fliplr(x)), np.fliplr(N(x)))
    np.testing.assert_array_equal(N(x.flipud()), np.flipud(N(x)))
    assert [v.item() for v in reversed(torch.tensor([1, 2, 3]))] == [3, 2, 1]
    with pytest.raises(RuntimeError, match="appears multiple times"):
        torch.flip(x, [0, -2])
    with pytest.raises(IndexError):
        torch.flip(x, [2])
    with pytest.raises(RuntimeError, match=">= 2-d"):
        torch.fliplr(torch.zeros(3))
    with pytest.raises(RuntimeError, match=">= 1-d"):
        torch.flipud(torch.tensor(1.))


def test_rot90_matches_numpy(rng):
    x = noncontig(rng, (3, 4, 2))
    for k in (-3, -1, 0, 1, 2, 3, 4, 5):
        for dims in ((0, 1), (1, 0), (2, 0), (-1, -2)):
            np.testing.assert_array_equal(N(torch.rot90(x, k, dims)), np.rot90(N(x), k, dims))
    with pytest.raises(RuntimeError, match="rotation dims == 2"):
        torch.rot90(x, 1, [0])
    with pytest.raises(RuntimeError, match="different"):
        torch.rot90(x, 1, [1, 1])
    with pytest.raises(RuntimeError, match="total dims >= 2"):
        torch.rot90(torch.zeros(3))


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.bool, torch.int8])
def test_roll_matches_numpy(rng, dtype):
    for x in (rand(rng, (4, 5, 3), dtype), noncontig(rng, (4, 5, 3), torch.float32).to(dtype)):
        for shifts, dims in ((1, None), (-7, None), (2, 0), (-1, 1), ((1, 2), (0, 2)), ((3, -2, 1), (0, 1, 2)),
                             ((1, 1), (1, 1)), (0, 0), (13, -1)):
            r = torch.roll(x, shifts, dims)
            assert r.dtype is dtype
            np.testing.assert_array_equal(N(r), np.roll(N(x), shifts, dims))
        np.testing.assert_array_equal(N(x.roll(2)), np.roll(N(x), 2))
    assert tuple(torch.roll(torch.zeros(0, 3), 2, 0).shape) == (0, 3)
    np.testing.assert_array_equal(N(torch.roll(torch.tensor(5), 3)), 5)


def test_roll_errors():
    with pytest.raises(RuntimeError, match="shifts and dimensions must align"):
        torch.roll(torch.zeros(3, 3), (1, 2), 0)
    with pytest.raises(RuntimeError, match="shifts and dimensions must align"):
        torch.roll(torch.zeros(3, 3), (1, 2))
    with pytest.raises(IndexError):
        torch.roll(torch.zeros(3, 3), 1, 2)


# ---------------------------------------------------------------------- repeat / tile / repeat_interleave

@pytest.mark.parametrize("dtype", [torch.float32, torch.int16, torch.bool, torch.float64])
def test_repeat_and_tile_match_numpy(rng, dtype):
    x = rand(rng, (2, 3), dtype)
    y = noncontig(rng, (2, 3), torch.float32).to(dtype)
    for reps in ((1, 1), (2, 3), (3, 1), (1, 4), (2, 1, 2), (0, 2), (2, 2, 1, 1)):
        for t in (x, y):
            np.testing.assert_array_equal(N(t.repeat(*reps)), np.tile(N(t), reps))
            np.testing.assert_array_equal(N(t.repeat(reps)), np.tile(N(t), reps))
    for reps in ((2,), (3, 2), (2, 1, 3), ()):
        np.testing.assert_array_equal(N(torch.tile(x, reps)), np.tile(N(x), reps))
        np.testing.assert_array_equal(N(y.tile(reps)), np.tile(N(y), reps))
    s = torch.tensor(7, dtype=dtype) if dtype is not torch.bool else torch.tensor(True)
    np.testing.assert_array_equal(N(s.repeat(3, 2)), np.tile(N(s), (3, 2)))
    assert tuple(torch.zeros(0, 2).repeat(3, 2).shape) == (0, 4)


def test_repeat_errors():
    with pytest.raises(RuntimeError, match="can not be smaller than number of dimensions"):
        torch.zeros(2, 2).repeat(2)
    with pytest.raises(RuntimeError, match="non-negative"):
        torch.zeros(2).repeat(-1)
    with pytest.raises(TypeError):
        torch.zeros(2).repeat(1.5)


def test_repeat_interleave_matches_numpy(rng, ref_torch):
    x = noncontig(rng, (3, 4))
    for r in (0, 1, 3):
        np.testing.assert_array_equal(N(torch.repeat_interleave(x, r)), np.repeat(N(x), r))
        for d in (0, 1, -1):
            np.testing.assert_array_equal(N(x.repeat_interleave(r, dim=d)), np.repeat(N(x), r, axis=d))
    reps = [2, 0, 1]
    np.testing.assert_array_equal(N(x.repeat_interleave(torch.tensor(reps), dim=0)), np.repeat(N(x), reps, axis=0))
    np.testing.assert_array_equal(N(torch.repeat_interleave(torch.tensor([1, 0, 3]))),
                                  ref_torch.repeat_interleave(ref_torch.tensor([1, 0, 3])).numpy())
    np.testing.assert_array_equal(N(torch.repeat_interleave(torch.tensor(2.), 3)), [2., 2., 2.])
    with pytest.raises(RuntimeError, match="negative"):
        torch.repeat_interleave(x, -1)
    with pytest.raises(RuntimeError, match="negative"):
        torch.repeat_interleave(x, torch.tensor([1, -1, 1]), dim=0)
    with pytest.raises(RuntimeError, match="same size"):
        torch.repeat_interleave(x, torch.tensor([1, 2]), dim=0)


# ---------------------------------------------------------------------- broadcasting / grids / atleast

def test_broadcast_helpers_match_numpy(rng):
    a, b, c = rand(rng, (3, 1)), rand(rng, (1, 4)), rand(rng, (2, 1, 1))
    for r, q in zip(torch.broadcast_tensors(a, b, c), np.broadcast_arrays(N(a), N(b), N(c))):
        np.testing.assert_array_equal(N(r), q)
    assert torch.broadcast_shapes((3, 1), (1, 4), (2, 1, 1)) == (2, 3, 4)
    assert torch.broadcast_shapes(5, (2, 1)) == (2, 5)
    assert torch.broadcast_shapes() == ()
    np.testing.assert_array_equal(N(torch.broadcast_to(a, (2, 3, 5))), np.broadcast_to(N(a), (2, 3, 5)))
    np.testing.assert_array_equal(N(a.broadcast_to((3, 2))), np.broadcast_to(N(a), (3, 2)))
    with pytest.raises(RuntimeError, match="Shape mismatch"):
        torch.broadcast_shapes((2, 3), (4, 3))
    with pytest.raises(RuntimeError, match="Shape mismatch"):
        torch.broadcast_tensors(torch.zeros(2), torch.zeros(3))
    with pytest.raises(ValueError, match="expand"):
        torch.broadcast_to(torch.zeros(2), (3,))


def test_meshgrid_matches_numpy(rng):
    x, y, z = rand(rng, (3,)), rand(rng, (4,)), rand(rng, (2,))
    for ix in ("ij", "xy"):
        for ours, ref in zip(torch.meshgrid(x, y, z, indexing=ix), np.meshgrid(N(x), N(y), N(z), indexing=ix)):
            np.testing.assert_array_equal(N(ours), ref)
        for ours, ref in zip(torch.meshgrid([x, y], indexing=ix), np.meshgrid(N(x), N(y), indexing=ix)):
            np.testing.assert_array_equal(N(ours), ref)
    g = torch.meshgrid(torch.tensor(1.), y)
    assert tuple(g[0].shape) == (1, 4)
    with pytest.raises(ValueError, match="indexing"):
        torch.meshgrid(x, y, indexing="xx")
    with pytest.raises(RuntimeError, match="0D or 1D"):
        torch.meshgrid(torch.zeros(2, 2), x)


def test_atleast_and_cartesian_prod(rng, ref_torch):
    for t in (torch.tensor(1.), rand(rng, (3,)), rand(rng, (2, 3)), rand(rng, (2, 3, 4))):
        for fn, nfn in ((torch.atleast_1d, np.atleast_1d), (torch.atleast_2d, np.atleast_2d),
                        (torch.atleast_3d, np.atleast_3d)):
            np.testing.assert_array_equal(N(fn(t)), nfn(N(t)))
    pair = torch.atleast_2d(torch.tensor(1.), rand(rng, (3,)))
    assert isinstance(pair, tuple) and [tuple(p.shape) for p in pair] == [(1, 1), (1, 3)]
    a, b, c = torch.tensor([1, 2]), torch.tensor([3, 4, 5]), torch.tensor([6])
    ref = ref_torch.cartesian_prod(ref_torch.tensor([1, 2]), ref_torch.tensor([3, 4, 5]), ref_torch.tensor([6]))
    np.testing.assert_array_equal(N(torch.cartesian_prod(a, b, c)), ref.numpy())
    np.testing.assert_array_equal(N(torch.cartesian_prod(a)), [1, 2])
    with pytest.raises(RuntimeError, match="1D vector"):
        torch.cartesian_prod(torch.zeros(2, 2), a)


def test_narrow_copy(rng):
    x = noncontig(rng, (4, 5))
    r = torch.narrow_copy(x, 1, 1, 3)
    assert r.is_contiguous()
    np.testing.assert_array_equal(N(r), N(x)[:, 1:4])
    r.fill_(0)
    assert not (N(x)[:, 1:4] == 0).all()
    np.testing.assert_array_equal(N(x.narrow_copy(0, 2, 2)), N(x)[2:4])


# ---------------------------------------------------------------------- random layouts (hypothesis)

from hypothesis import given, settings, strategies as st  # noqa: E402


@st.composite
def layouts(draw):
    """A numpy array and a tensor viewing the same values through a random permuted/strided layout."""
    nd = draw(st.integers(1, 4))
    shape = draw(st.lists(st.integers(0, 4), min_size=nd, max_size=nd))
    perm = draw(st.permutations(range(nd)))
    step = draw(st.integers(1, 2))
    base = np.arange(int(np.prod([s * step for s in shape])) or 1, dtype=np.float32)[:int(np.prod([s * step for s in shape]))]
    big = base.reshape([s * step for s in shape])
    view = big[tuple(slice(None, None, step) for _ in shape)]
    t = torch.from_numpy(np.ascontiguousarray(big.transpose(perm))).permute(*np.argsort(perm))
    t = t.as_strided(view.shape, [st_ * step for st_ in t.stride()], t.storage_offset()) if step > 1 else t
    return np.array(t.numpy()), t


@settings(max_examples=60, deadline=None)
@given(layouts(), st.data())
def test_flip_roll_repeat_random_layouts(case, data):
    arr, t = case
    nd = arr.ndim
    dims = data.draw(st.lists(st.integers(-nd, nd - 1), unique_by=lambda d: d % nd, max_size=nd))
    np.testing.assert_array_equal(N(torch.flip(t, dims)), np.flip(arr, dims) if dims else arr)
    shifts = data.draw(st.lists(st.integers(-9, 9), min_size=len(dims), max_size=len(dims)))
    if dims:
        np.testing.assert_array_equal(N(torch.roll(t, shifts, dims)), np.roll(arr, shifts, dims))
    reps = data.draw(st.lists(st.integers(0, 3), min_size=nd, max_size=nd + 1))
    np.testing.assert_array_equal(N(t.repeat(*reps)), np.tile(arr, reps))
    d = data.draw(st.integers(-nd, nd - 1))
    np.testing.assert_array_equal(N(torch.cat([t, t.contiguous(), t], d)), np.concatenate([arr] * 3, d))
    np.testing.assert_array_equal(N(torch.stack([t, t], d)), np.stack([arr, arr], d))
    if nd >= 2:
        np.testing.assert_array_equal(N(torch.tril(t, shifts[0] if shifts else 0)),
                                      np.tril(arr, shifts[0] if shifts else 0))


def test_float16_storage_only_paths():
    assert N(torch.arange(5, dtype=torch.float16)).tolist() == [0, 1, 2, 3, 4]
    assert torch.linspace(0, 1, 3, dtype=torch.float16).dtype is torch.float16
    np.testing.assert_array_equal(N(torch.logspace(0, 1, 2, dtype=torch.float16)), [1, 10])
    h = torch.ones(2, 3).half()
    np.testing.assert_array_equal(N(torch.tril(h)), np.tril(np.ones((2, 3))))
    np.testing.assert_array_equal(N(h.repeat(2, 1)), np.ones((4, 3)))
    with pytest.raises(TypeError, match="float16"):
        torch.cross(torch.ones(3).half(), torch.ones(3).half())
