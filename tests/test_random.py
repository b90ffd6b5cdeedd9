"""Random family: Torch7 bit-exactness (reference/torch7-core.md §4.5), the raw stream
against numpy's MT19937, fills against a pure-Python re-statement of Torch7's formulas,
state save/restore, generator independence, distribution sanity and bad inputs."""
import math
import struct

import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like._lib import ffi, lib

TWO32 = 4294967296.0


def raw_stream(seed, n):
    """Torch7's random() stream: numpy's legacy MT19937 seeded with init_genrand."""
    return np.random.RandomState(seed & 0xffffffff).randint(0, 2**32, size=n, dtype=np.uint32).astype(np.uint64)


def gen(seed):
    return torch.Generator().manual_seed(seed)


# ---------------------------------------------------------------------- §4.5 reference values

REF_RAW = {
    0: [2357136044, 2546248239, 3071714933, 3626093760, 2588848963],
    1: [1791095845, 4282876139, 3093770124, 4005303368, 491263],
    42: [1608637542, 3421126067, 4083286876, 787846414, 3143890026],
    5489: [3499211612, 581869302, 3890346734, 3586334585, 545404204],
    123456: [545331265, 2211535594, 4152021490, 3857419313, 1118735928],
}


@pytest.mark.parametrize("seed", sorted(REF_RAW))
def test_reference_raw_streams(seed):
    g = gen(seed)
    assert [g.random() for _ in range(5)] == REF_RAW[seed]
    c = lib.THGenerator_new()
    try:
        lib.THGenerator_manualSeed(c, seed)
        assert [lib.THRandom_random(c) for _ in range(5)] == REF_RAW[seed]
    finally:
        lib.THGenerator_free(c)


def test_reference_seed_minus_one():
    g = gen(-1)
    assert g.initial_seed() == 2**64 - 1
    assert g.random() == 419326371
    assert gen(2**64 - 1).random() == 419326371


def test_only_low_32_bits_drive_the_stream():
    a, b = gen(1), gen(2**32 + 1)
    assert [a.random() for _ in range(10)] == [b.random() for _ in range(10)]
    assert (a.initial_seed(), b.initial_seed()) == (1, 2**32 + 1)


def test_reference_rand_randn_seed_123456():
    torch.manual_seed(123456)
    assert torch.rand(6, dtype=torch.float64).tolist() == [
        0.12696982943452895, 0.5149132558144629, 0.96671783598139882, 0.89812542148865759,
        0.26047600619494915, 0.70582012343220413]
    torch.manual_seed(123456)
    f = torch.rand(6).numpy()
    assert f.dtype == np.float32
    np.testing.assert_array_equal(f[:5], np.array([0.126969829, 0.514913261, 0.966717839, 0.89812541,
                                                   0.260475993], dtype=np.float32))
    torch.manual_seed(123456)
    assert torch.randn(6, dtype=torch.float64).tolist() == [
        0.83995353305748044, 0.86100706291929086, 2.0907317681156958, -0.44369625113934213,
        -0.1028940553571242, 1.5609422028746955]
    torch.manual_seed(123456)
    np.testing.assert_array_equal(torch.randn(6).numpy(), np.array(
        [0.83995353305748044, 0.86100706291929086, 2.0907317681156958, -0.44369625113934213,
         -0.1028940553571242, 1.5609422028746955]).astype(np.float32))


def test_reference_seed_1():
    torch.manual_seed(1)
    assert torch.rand(3, dtype=torch.float64).tolist() == [0.41702199843712151, 0.99718480813317001,
                                                          0.72032448928803205]
    torch.manual_seed(1)
    assert torch.randn(2, dtype=torch.float64).tolist() == [-2.9718290309304063, 1.7069510634116105]
    g = gen(1)
    assert [g.normal(), g.uniform(), g.normal()] == [-2.9718290309304063, 0.72032448928803205,
                                                      1.7069510634116105]
    torch.manual_seed(1)
    assert torch.randint(1, 11, (5,)).tolist() == [6, 10, 5, 9, 4]
    torch.manual_seed(1)
    assert torch.empty(8).bernoulli_(0.5).tolist() == [1, 0, 0, 0, 1, 1, 1, 0]
    assert [gen(1).bernoulli(0.5) for _ in range(1)] == [1]
    torch.manual_seed(1)
    assert torch.empty(3, dtype=torch.float64).exponential_(1).tolist() == [
        0.53960582651186306, 5.8727248609813936, 1.2741252381599264]
    g = gen(0)
    assert [g.uniform() for _ in range(3)] == [0.54881350230425596, 0.59284461638890207, 0.71518936497159302]


def test_reference_randperm_both_index_bases():
    torch.manual_seed(1)
    assert torch.randperm(10).tolist() == [5, 6, 1, 2, 0, 8, 9, 3, 7, 4]
    out = lib.THTensor_new(-1)
    try:
        lib.THGenerator_manualSeed(torch.default_generator._g, 1)
        assert lib.THTensor_randperm(out, ffi.NULL, 10, 1) == 0   # NULL: the default generator
        assert out.dtype == lib.TH_INT64
        assert list(ffi.cast("int64_t *", lib.THTensor_data(out))[0:10]) == [6, 7, 2, 3, 1, 9, 10, 4, 8, 5]
    finally:
        lib.THTensor_free(out)


def test_c_random_range_inclusive():
    t = torch.empty(5, dtype=torch.int64)
    lib.THGenerator_manualSeed(torch.default_generator._g, 1)
    assert lib.THTensor_randomRange(t._t, ffi.NULL, 1, 10) == 0
    assert t.tolist() == [6, 10, 5, 9, 4]


# ---------------------------------------------------------------------- raw stream vs numpy

@pytest.mark.parametrize("seed", [0, 1, 42, 5489, 123456, 2**64 - 1, 2**32 + 7, 987654321])
def test_raw_stream_matches_numpy_mt19937(seed):
    n = 3001   # crosses several regenerations at odd offsets
    ref = raw_stream(seed, n)
    g = gen(seed)
    assert [g.random() for _ in range(n)] == ref.tolist()
    # block draws (tensor fills) and scalar draws interleave on one stream
    g = gen(seed)
    first = g.random()
    blk = torch.empty(1500, dtype=torch.int64).random_(generator=g)   # int64: the raw value
    rest = [g.random() for _ in range(n - 1501)]
    assert [first] + blk.tolist() + rest == ref.tolist()


def test_random64_is_hi_then_lo():
    ref = raw_stream(7, 4)
    g = gen(7)
    assert g.random64() == (int(ref[0]) << 32) | int(ref[1])
    assert g.random() == ref[2]


# ---------------------------------------------------------------------- fills vs Torch7's formulas

def ref_uniform(raw, a, b):
    return [r / TWO32 * (b - a) + a for r in raw.tolist()]


def ref_normal(raw, mean, std, cache=None):
    out, it = [], iter(raw.tolist())
    while True:
        try:
            x = next(it) / TWO32
        except StopIteration:
            break
        y = next(it) / TWO32
        rho = math.sqrt(-2.0 * math.log(1.0 - y))
        out.append(rho * math.cos(2.0 * math.pi * x) * std + mean)
        out.append(rho * math.sin(2.0 * math.pi * x) * std + mean)
    return out


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_uniform_fill_matches_formula(dtype):
    n = 2500
    raw = raw_stream(11, n)
    t = torch.empty(n, dtype=dtype).uniform_(-2.5, 7.0, generator=gen(11))
    np.testing.assert_array_equal(t.numpy(), np.array(ref_uniform(raw, -2.5, 7.0)).astype(dtype.numpy))


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_normal_fill_matches_box_muller_and_carries_cache(dtype):
    raw = raw_stream(3, 4000)
    want = np.array(ref_normal(raw, 1.5, 0.25)).astype(dtype.numpy)
    g = gen(3)
    parts = [torch.empty(k, dtype=dtype).normal_(1.5, 0.25, generator=g).numpy() for k in (1, 3, 0, 998, 7, 990)]
    got = np.concatenate(parts)
    np.testing.assert_array_equal(got, want[:len(got)])
    # scalar draws continue the same pairs
    nxt = g.normal(1.5, 0.25)
    assert np.asarray(nxt, dtype=dtype.numpy) == want[len(got)]


def test_lognormal_exponential_cauchy_geometric_bernoulli_match_formulas():
    n = 1001
    raw = raw_stream(99, 2 * n)
    u = (raw / TWO32).tolist()
    t = torch.empty(n, dtype=torch.float64).log_normal_(0.3, 0.7, generator=gen(99))
    assert t.tolist() == [math.exp(v) for v in ref_normal(raw[:2 * n], 0.3, 0.7)][:n]
    t = torch.empty(n, dtype=torch.float64).exponential_(2.5, generator=gen(99))
    assert t.tolist() == [-1.0 / 2.5 * math.log(1 - x) for x in u[:n]]
    t = torch.empty(n, dtype=torch.float64).cauchy_(1.0, 3.0, generator=gen(99))
    assert t.tolist() == [1.0 + 3.0 * math.tan(math.pi * (x - 0.5)) for x in u[:n]]
    # C geometric takes Torch7's continuation probability
    t = torch.empty(n, dtype=torch.int64)
    lib.THGenerator_manualSeed(torch.default_generator._g, 99)
    assert lib.THTensor_geometric(t._t, ffi.NULL, 0.8) == 0
    assert t.tolist() == [int(math.log(1 - x) / math.log(0.8)) + 1 for x in u[:n]]
    # Python geometric_(p): p is PyTorch's success probability
    t = torch.empty(n, dtype=torch.float32).geometric_(0.2, generator=gen(99))
    assert t.tolist() == [int(math.log(1 - x) / math.log(1.0 - 0.2)) + 1 for x in u[:n]]
    t = torch.empty(n, dtype=torch.uint8).bernoulli_(0.3, generator=gen(99))
    assert t.tolist() == [int(x <= 0.3) for x in u[:n]]
    g = gen(99)
    assert [g.geometric(0.8) for _ in range(5)] == [int(math.log(1 - x) / math.log(0.8)) + 1 for x in u[:5]]


def test_bernoulli_tensor_probs_elementwise_and_broadcast():
    raw = raw_stream(5, 12)
    u = (raw / TWO32).tolist()
    p = torch.tensor([0.1, 0.5, 0.9, 0.0, 1.0, 0.5], dtype=torch.float64)
    r = torch.bernoulli(p, generator=gen(5))
    assert r.dtype is torch.float64
    assert r.tolist() == [float(x <= q) for x, q in zip(u, p.tolist())]
    # probs broadcast over rows; elements visited row-major
    t = torch.empty(2, 6, dtype=torch.int32).bernoulli_(p.float(), generator=gen(5))
    pf = p.float().tolist()
    assert t.flatten().tolist() == [int(x <= pf[i % 6]) for i, x in enumerate(u)]


RAND_MOD = {torch.uint8: 256, torch.int8: 128, torch.int16: 32768, torch.int32: 2**31, torch.int64: 2**63,
            torch.float32: 2**24 + 1, torch.float64: 2**53 + 1, torch.bool: 2}


@pytest.mark.parametrize("dtype", list(RAND_MOD))
def test_random_per_dtype_reduction(dtype):
    raw = raw_stream(21, 700)
    t = torch.empty(700, dtype=dtype).random_(generator=gen(21))
    want = (raw % np.uint64(RAND_MOD[dtype])).astype(dtype.numpy)
    np.testing.assert_array_equal(t.numpy(), want)


@pytest.mark.parametrize("low,high", [(0, 10), (-5, 5), (-(2**31), 2**31), (3, 2**32 + 3)])
def test_randint_matches_torch7_modulo(low, high):
    raw = raw_stream(8, 500)
    r = torch.randint(low, high, (500,), generator=gen(8))
    assert r.dtype is torch.int64
    assert r.tolist() == [int(x) % (high - low) + low for x in raw.tolist()]


def test_randint_wide_range_uses_64_bit_draws():
    raw = raw_stream(8, 200).tolist()
    lo, hi = -(2**40), 2**45
    r = torch.randint(lo, hi, (100,), generator=gen(8)).tolist()
    want = [((raw[2 * i] << 32 | raw[2 * i + 1]) % (hi - lo)) + lo for i in range(100)]
    assert r == want
    full = torch.empty(50, dtype=torch.int64)
    lib.THGenerator_manualSeed(torch.default_generator._g, 8)
    assert lib.THTensor_randomRange(full._t, ffi.NULL, -(2**63), 2**63 - 1) == 0
    signed = [((raw[2 * i] << 32 | raw[2 * i + 1]) + 2**63) % 2**64 for i in range(50)]
    assert full.tolist() == [x - 2**64 if x >= 2**63 else x for x in signed]


def test_randperm_matches_forward_fisher_yates():
    n = 1000
    raw = raw_stream(4, n).tolist()
    v = list(range(n))
    for i in range(n - 1):
        z = raw[i] % (n - i)
        v[i], v[i + z] = v[i + z], v[i]
    assert torch.randperm(n, generator=gen(4)).tolist() == v
    assert torch.randperm(n, generator=gen(4), dtype=torch.float32).tolist() == v
    assert sorted(torch.randperm(257, generator=gen(4), dtype=torch.int16).tolist()) == list(range(257))
    assert torch.randperm(0).tolist() == []
    assert torch.randperm(1).tolist() == [0]


def ref_multinomial(raw_u, p, n, replacement):
    """Torch7's multinomial for one row (pure Python)."""
    s, cum = 0.0, []
    for v in p:
        s += v
        cum.append(s)
    cum = [c / s for c in cum]
    out, it = [], iter(raw_u)
    for _ in range(n):
        cum[-1] = 1.0
        u = next(it)
        lo, hi = 0, len(cum)
        while hi - lo > 0:
            mid = lo + (hi - lo) // 2
            if cum[mid] < u:
                lo = mid + 1
            else:
                hi = mid
        out.append(lo)
        if not replacement:
            prev = cum[lo - 1] if lo else 0.0
            diff = cum[lo] - prev
            ns = 1.0 - diff
            if ns == 0:      # the last category was drawn: nothing left to sample
                break
            cum = [((c - diff) if k >= lo else c) / ns for k, c in enumerate(cum)]
    return out


@pytest.mark.parametrize("replacement", [True, False])
def test_multinomial_matches_torch7(replacement):
    p = [0.1, 0.05, 0.3, 0.15, 0.2, 0.2]
    n = 200 if replacement else 6
    u = (raw_stream(13, 2 * n) / TWO32).tolist()
    probs = torch.tensor([p, p[::-1]], dtype=torch.float64)
    r = torch.multinomial(probs, n, replacement, generator=gen(13))
    assert r.dtype is torch.int64 and tuple(r.shape) == (2, n)
    assert r.tolist() == [ref_multinomial(u[:n], p, n, replacement), ref_multinomial(u[n:], p[::-1], n, replacement)]
    r1 = torch.multinomial(torch.tensor(p), n, replacement, generator=gen(13))
    assert tuple(r1.shape) == (n,)
    # float32 probs are summed in double, as Torch7 does
    pf = np.array(p, dtype=np.float32).astype(np.float64).tolist()
    assert r1.tolist() == ref_multinomial(u[:n], pf, n, replacement)


def test_fills_visit_row_major_order_of_noncontiguous_views():
    base = torch.zeros(4, 6, dtype=torch.float64)
    view = base.t()                         # 6 x 4, column-major in memory
    view.uniform_(generator=gen(17))
    want = torch.rand(6, 4, dtype=torch.float64, generator=gen(17))
    np.testing.assert_array_equal(view.numpy(), want.numpy())
    sl = torch.zeros(5, 8, dtype=torch.float32).as_strided((5, 4), (8, 2))
    sl.normal_(generator=gen(17))
    np.testing.assert_array_equal(sl.numpy(), torch.randn(5, 4, generator=gen(17)).numpy())
    z = torch.zeros((), dtype=torch.float64).uniform_(generator=gen(17))
    assert z.item() == ref_uniform(raw_stream(17, 1), 0, 1)[0]
    e = torch.empty(0, 3).uniform_(generator=gen(17))
    assert tuple(e.shape) == (0, 3)


FILLS = [
    ("uniform_", (-1.0, 2.0), [torch.float32, torch.float64]),
    ("normal_", (0.5, 2.0), [torch.float32, torch.float64]),
    ("exponential_", (1.5,), [torch.float32, torch.float64]),
    ("cauchy_", (0.0, 1.0), [torch.float64]),
    ("log_normal_", (0.0, 1.0), [torch.float32]),
    ("geometric_", (0.3,), [torch.int64, torch.float32, torch.uint8]),
    ("bernoulli_", (0.4,), [torch.bool, torch.int16, torch.float64]),
    ("random_", (), [torch.int32, torch.uint8, torch.float32, torch.int8]),
    ("random_", (-7, 9), [torch.int64, torch.float64, torch.int8]),
]


@pytest.mark.parametrize("name,args,dtypes", FILLS, ids=[f[0] + str(len(f[1])) for f in FILLS])
@pytest.mark.parametrize("shape,perm", [((3, 5, 7), (2, 0, 1)), ((4, 1, 3), (1, 2, 0)), ((2, 0, 3), (2, 1, 0)),
                                        ((5,), (0,))])
def test_fill_of_permuted_view_equals_contiguous_fill(name, args, dtypes, shape, perm):
    for dt in dtypes:
        base = torch.zeros(*shape, dtype=dt)
        view = base.permute(*perm)
        getattr(view, name)(*args, generator=gen(41))
        want = getattr(torch.zeros(*view.shape, dtype=dt), name)(*args, generator=gen(41))
        np.testing.assert_array_equal(view.numpy(), want.numpy())
    z = getattr(torch.zeros((), dtype=dtypes[0]), name)(*args, generator=gen(41))
    w = getattr(torch.zeros(1, dtype=dtypes[0]), name)(*args, generator=gen(41))
    assert z.dim() == 0 and z.item() == w.item()


def test_c_generator_copy_and_default():
    a = lib.THGenerator_new()
    b = lib.THGenerator_new()
    try:
        lib.THGenerator_manualSeed(a, 42)
        lib.THRandom_normal(a, 0, 1)
        assert lib.THGenerator_copy(b, a) == 0
        assert [lib.THRandom_normal(b, 0, 1) for _ in range(3)] == [lib.THRandom_normal(a, 0, 1) for _ in range(3)]
        assert lib.THGenerator_copy(b, ffi.NULL) != 0
        assert lib.THGenerator_default() == lib.THGenerator_default() == torch.default_generator._g
        lib.THGenerator_free(lib.THGenerator_default())    # a no-op: never freed
        assert lib.THGenerator_initialSeed(ffi.NULL) == torch.initial_seed()
    finally:
        lib.THGenerator_free(a)
        lib.THGenerator_free(b)


def test_fill_bumps_version_and_returns_self():
    t = torch.zeros(3)
    v = t._version
    assert t.uniform_() is t and t.normal_() is t and t.random_(0, 5) is t and t.bernoulli_() is t
    assert t._version >= v + 4


# ---------------------------------------------------------------------- generators and state

def test_state_is_torch7_struct_and_round_trips_with_odd_normal_count():
    g = gen(2024)
    g.normal()                       # odd number: the sin half is cached
    s = g.get_state()
    assert s.dtype is torch.uint8 and tuple(s.shape) == (5048,) and lib.THGenerator_stateSize() == 5048
    b = bytes(s.numpy())
    seed_, left, seeded, nxt = struct.unpack_from("<QiiQ", b, 0)
    assert (seed_, left, seeded, nxt) == (2024, 623, 1, 2)
    assert struct.unpack_from("<i", b, 5040)[0] == 1          # normal_is_valid
    a = torch.randn(5, dtype=torch.float64, generator=g).tolist()
    g.set_state(s)
    assert torch.randn(5, dtype=torch.float64, generator=g).tolist() == a
    # the state travels between generators, default one included
    h = torch.Generator().set_state(s)
    assert torch.randn(5, dtype=torch.float64, generator=h).tolist() == a
    old = torch.get_rng_state()
    torch.set_rng_state(s)
    assert torch.randn(5, dtype=torch.float64).tolist() == a
    torch.set_rng_state(old)


def test_manual_seed_clears_box_muller_cache_and_cache_survives_other_draws():
    g = gen(1)
    first = g.normal()
    g.uniform()
    g.random()
    torch.empty(10).uniform_(generator=g)
    assert g.normal() == 1.7069510634116105           # the cached sin half
    g.manual_seed(1)
    assert g.normal() == first
    g.normal()
    assert struct.unpack_from("<i", bytes(g.get_state().numpy()), 5040)[0] == 0


def test_generators_are_independent():
    torch.manual_seed(0)
    a, b = gen(5), gen(5)
    xa = torch.rand(100, generator=a)
    d0 = torch.rand(3, dtype=torch.float64).tolist()
    xb = torch.rand(100, generator=b)
    np.testing.assert_array_equal(xa.numpy(), xb.numpy())
    assert d0 == ref_uniform(raw_stream(0, 3), 0, 1)
    assert torch.manual_seed(3) is torch.default_generator
    assert torch.initial_seed() == 3


def test_seed_from_urandom():
    g = torch.Generator()
    s = g.seed()
    assert g.initial_seed() == s and 0 <= s < 2**64
    assert g.random() == raw_stream(s, 1)[0]
    assert torch.Generator().initial_seed() != torch.Generator().initial_seed()   # 2**-64 chance
    d = torch.seed()
    assert torch.initial_seed() == d


def test_bad_state_bytes():
    g = gen(1)
    with pytest.raises(ValueError, match="5048 bytes"):
        g.set_state(torch.zeros(10, dtype=torch.uint8))
    with pytest.raises(ValueError, match="5048 bytes"):
        g.set_state(torch.zeros(0, dtype=torch.uint8))
    with pytest.raises(TypeError, match="uint8"):
        g.set_state(torch.zeros(5048, dtype=torch.float32))
    with pytest.raises(TypeError, match="uint8"):
        g.set_state(b"\0" * 5048)
    good = g.get_state().numpy().copy()
    for off, val, fmt in [(12, 0, "<i"), (8, 0, "<i"), (8, 625, "<i"), (16, 625, "<Q"), (16, 600, "<Q"),
                          (24 + 8 * 5, 2**32, "<Q")]:
        bad = good.copy()
        struct.pack_into(fmt, bad, off, val)
        if off == 16 and val == 600:
            struct.pack_into("<i", bad, 8, 100)        # next + left past the state words
        with pytest.raises(ValueError, match="invalid RNG state"):
            g.set_state(torch.from_numpy(bad))
    assert g.random() == REF_RAW[1][0]                 # a refused state leaves g untouched


def test_bad_generator_and_seed_arguments():
    for call in (lambda: torch.rand(2, generator=5), lambda: torch.randn(2, generator="g"),
                 lambda: torch.randint(3, (2,), generator=object()), lambda: torch.randperm(3, generator=1),
                 lambda: torch.zeros(2).uniform_(generator=[]), lambda: torch.bernoulli(torch.ones(2), generator=1),
                 lambda: torch.multinomial(torch.ones(2), 1, generator=1.0)):
        with pytest.raises(TypeError, match="generator must be a pytorch_like.Generator"):
            call()
    with pytest.raises(ValueError, match="Overflow"):
        torch.manual_seed(2**64)
    with pytest.raises(ValueError, match="Overflow"):
        torch.manual_seed(-(2**63) - 1)
    with pytest.raises(TypeError, match="seed must be an int"):
        torch.manual_seed("x")
    with pytest.raises(RuntimeError, match="CPU only"):
        torch.Generator("cuda")


# ---------------------------------------------------------------------- distribution sanity

def test_distribution_moments():
    g = gen(31337)
    n = 100_000
    u = torch.rand(n, dtype=torch.float64, generator=g).numpy()
    assert 0 <= u.min() and u.max() < 1 and abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    z = torch.randn(n, dtype=torch.float64, generator=g).numpy()
    assert abs(z.mean()) < 0.015 and abs(z.var() - 1) < 0.02
    z = torch.normal(3.0, 2.0, (n,), generator=g).numpy()
    assert abs(z.mean() - 3) < 0.03 and abs(z.std() - 2) < 0.03
    e = torch.empty(n, dtype=torch.float64).exponential_(4.0, generator=g).numpy()
    assert e.min() >= 0 and abs(e.mean() - 0.25) < 0.005
    ln = torch.empty(n, dtype=torch.float64).log_normal_(0.0, 0.5, generator=g).numpy()
    assert abs(np.log(ln).mean()) < 0.01 and abs(np.log(ln).std() - 0.5) < 0.01
    c = torch.empty(n, dtype=torch.float64).cauchy_(2.0, 1.0, generator=g).numpy()
    assert abs(np.median(c) - 2.0) < 0.03
    k = torch.empty(n, dtype=torch.int64).geometric_(0.25, generator=g).numpy()
    assert k.min() >= 1 and abs(k.mean() - 4.0) < 0.08
    b = torch.empty(n).bernoulli_(0.3, generator=g).numpy()
    assert set(np.unique(b)) <= {0, 1} and abs(b.mean() - 0.3) < 0.01
    r = torch.randint(-3, 4, (n,), generator=g).numpy()
    assert r.min() == -3 and r.max() == 3 and np.all(np.abs(np.bincount(r + 3) / n - 1 / 7) < 0.01)
    u32 = torch.rand(n, generator=g).numpy()
    assert u32.dtype == np.float32 and 0 <= u32.min() and u32.max() <= 1


def test_normal_with_tensor_mean_std():
    g = gen(6)
    mean = torch.tensor([[0.0], [10.0]], dtype=torch.float64)
    std = torch.tensor([1.0, 0.5, 0.0], dtype=torch.float64)
    r = torch.normal(mean, std, generator=g)
    z = torch.randn(2, 3, dtype=torch.float64, generator=gen(6)).numpy()
    assert r.dtype is torch.float64 and tuple(r.shape) == (2, 3)
    np.testing.assert_array_equal(r.numpy(), z * std.numpy() + mean.numpy())
    assert torch.normal(torch.zeros(4), 2.0).dtype is torch.float32
    big = torch.normal(torch.full((100_000,), 5.0), 3.0, generator=g).numpy()
    assert abs(big.mean() - 5) < 0.05 and abs(big.std() - 3) < 0.05
    assert tuple(torch.normal(1.0, torch.ones(2, 2)).shape) == (2, 2)


def test_multinomial_frequencies_and_without_replacement():
    g = gen(77)
    p = torch.tensor([0.1, 0.0, 0.6, 0.3])
    s = torch.multinomial(p, 100_000, True, generator=g).numpy()
    freq = np.bincount(s, minlength=4) / s.size
    np.testing.assert_allclose(freq, [0.1, 0.0, 0.6, 0.3], atol=0.01)
    assert freq[1] == 0
    w = torch.tensor([[1.0, 2, 3, 4, 5, 0], [5, 4, 3, 2, 1, 1]])
    for _ in range(50):
        r = torch.multinomial(w, 5, generator=g).numpy()
        assert all(len(set(row)) == 5 for row in r)
        assert 5 not in r[0]
    # unnormalised weights work; the first draw follows the weights
    first = np.array([torch.multinomial(torch.tensor([1.0, 3.0]), 2, generator=g).tolist()[0] for _ in range(4000)])
    assert abs((first == 1).mean() - 0.75) < 0.03
    assert torch.tensor([0.2, 0.8]).multinomial(3, True).shape == (3,)


def test_bernoulli_forms():
    x = torch.full((3, 4), 0.5)
    assert torch.bernoulli(x).dtype is torch.float32
    assert tuple(torch.bernoulli(x, 0.2).shape) == (3, 4)
    assert set(x.bernoulli().flatten().tolist()) <= {0.0, 1.0}
    assert torch.ones(5).bernoulli().tolist() == [1.0] * 5
    assert torch.zeros(5).bernoulli_(torch.zeros(5)).tolist() in ([0.0] * 5,)
    b = torch.empty(6, dtype=torch.bool).bernoulli_(0.5, generator=gen(1))
    assert b.dtype is torch.bool and b.tolist() == [True, False, False, False, True, True]


def test_like_functions_dtypes_and_float16():
    x = torch.zeros(2, 3, dtype=torch.float64)
    assert torch.rand_like(x).dtype is torch.float64 and tuple(torch.randn_like(x).shape) == (2, 3)
    r = torch.randint_like(x, 10)
    assert r.dtype is torch.float64 and r.numpy().max() < 10
    r = torch.randint_like(torch.zeros(50, dtype=torch.int32), 3, 5)
    assert r.dtype is torch.int32 and set(r.tolist()) <= {3, 4}
    h = torch.rand(1000, dtype=torch.float16)
    assert h.dtype is torch.float16 and 0 <= h.numpy().min() and h.numpy().max() <= 1
    torch.manual_seed(9)
    h = torch.randn(4, dtype=torch.float16)
    torch.manual_seed(9)
    np.testing.assert_array_equal(h.numpy(), torch.randn(4).numpy().astype(np.float16))
    assert torch.rand(2, 3, requires_grad=True).requires_grad
    out = torch.empty(0, dtype=torch.float64)
    assert torch.rand(4, out=out) is out and tuple(out.shape) == (4,) and out.dtype is torch.float64
    assert torch.randint(5, (3,), dtype=torch.float32).dtype is torch.float32
    assert torch.randint(low=2, high=4, size=(3,)).numpy().min() >= 2


def test_random_forms():
    t = torch.empty(1000, dtype=torch.int64)
    assert set(t.random_(4).tolist()) == {0, 1, 2, 3}
    assert set(t.random_(-2, 1).tolist()) == {-2, -1, 0}
    assert set(t.random_(**{"from": 3, "to": 5}).tolist()) == {3, 4}
    u8 = torch.empty(2000, dtype=torch.uint8).random_(250, None)
    assert set(u8.tolist()) == {250, 251, 252, 253, 254, 255}
    b = torch.empty(100, dtype=torch.bool).random_()
    assert set(b.tolist()) == {False, True}
    f = torch.empty(10).random_(-3, 3)
    assert f.dtype is torch.float32 and set(f.tolist()) <= {-3.0, -2.0, -1.0, 0.0, 1.0, 2.0}


# ---------------------------------------------------------------------- bad inputs

def test_bad_distribution_parameters():
    t = torch.empty(3)
    cases = [
        (lambda: t.uniform_(1, 0), RuntimeError, r"uniform_ expects to return a \[from, to\) range"),
        (lambda: t.normal_(0, -1), RuntimeError, "normal expects std >= 0.0"),
        (lambda: t.exponential_(0), RuntimeError, "exponential_ expects lambda > 0.0"),
        (lambda: t.cauchy_(0, -1), RuntimeError, "cauchy_ expects sigma > 0.0"),
        (lambda: t.log_normal_(0, 0), RuntimeError, "log_normal_ expects std > 0.0"),
        (lambda: t.geometric_(0), RuntimeError, r"geometric_ expects p to be in \(0, 1\)"),
        (lambda: t.geometric_(1.0), RuntimeError, r"geometric_ expects p to be in \(0, 1\)"),
        (lambda: t.bernoulli_(1.5), RuntimeError, r"bernoulli_ expects p to be in \[0, 1\]"),
        (lambda: t.bernoulli_(-0.1), RuntimeError, r"bernoulli_ expects p to be in \[0, 1\]"),
        (lambda: t.bernoulli_(float("nan")), RuntimeError, r"bernoulli_ expects p to be in \[0, 1\]"),
        (lambda: t.bernoulli_(torch.tensor([0.5, 2.0, 0.1])), ValueError, r"probability must be in \[0, 1\]"),
        (lambda: torch.bernoulli(torch.tensor([0.5, -1.0])), ValueError, r"probability must be in \[0, 1\]"),
        (lambda: t.bernoulli_(torch.ones(4)), ValueError, "cannot be broadcast"),
        (lambda: t.random_(5, 5), RuntimeError, "expects 'from' to be less than 'to'"),
        (lambda: torch.randint(5, 5, (3,)), RuntimeError, "from=5 >= to=5"),
        (lambda: torch.randint(5, 2, (3,)), RuntimeError, "from=5 >= to=2"),
        (lambda: torch.randint(0, 300, (3,), dtype=torch.uint8), ValueError, "does not fit dtype uint8"),
        (lambda: torch.empty(3, dtype=torch.int8).random_(-200, 0), ValueError, "does not fit dtype int8"),
        (lambda: torch.empty(2, dtype=torch.bool).random_(0, 3), ValueError, "does not fit dtype bool"),
        (lambda: torch.randint(1.5, (2,)), TypeError, "high must be an int"),
        (lambda: torch.randint((2,)), TypeError, "high"),
        (lambda: torch.normal(0.0, -1.0, (3,)), RuntimeError, "normal expects std >= 0.0"),
        (lambda: torch.normal(torch.zeros(3), torch.tensor([1.0, -1.0, 1.0])), RuntimeError,
         "all elements of std >= 0.0"),
        (lambda: torch.normal(torch.zeros(3), torch.ones(2)), RuntimeError, "cannot be broadcast"),
        (lambda: torch.normal(0.0, 1.0), TypeError, "requires size"),
        (lambda: torch.empty(3, dtype=torch.int64).uniform_(), TypeError, "floating-point"),
        (lambda: torch.empty(3, dtype=torch.int32).normal_(), TypeError, "floating-point"),
        (lambda: torch.rand(3, dtype=torch.int64), TypeError, "floating-point dtype"),
        (lambda: torch.randn(3, dtype=torch.uint8), TypeError, "floating-point dtype"),
        (lambda: torch.rand(-1), ValueError, "negative dimension"),
        (lambda: torch.randperm(-1), ValueError, "n must be non-negative"),
        (lambda: torch.randperm(300, dtype=torch.uint8), ValueError, "does not fit dtype uint8"),
        (lambda: torch.randperm(2.5), TypeError, "n must be an int"),
        (lambda: t.uniform_("a"), TypeError, "from must be a number"),
        (lambda: t.normal_(std=None), TypeError, "std must be a number"),
    ]
    for fn, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            fn()


def test_bad_multinomial_inputs():
    cases = [
        (lambda: torch.multinomial(torch.tensor([0.5, -1.0]), 1), ValueError, "inf, nan or element < 0"),
        (lambda: torch.multinomial(torch.tensor([0.5, float("nan")]), 1), ValueError, "inf, nan or element < 0"),
        (lambda: torch.multinomial(torch.tensor([0.5, float("inf")]), 1), ValueError, "inf, nan or element < 0"),
        (lambda: torch.multinomial(torch.tensor([[0.5, 0.5], [0.0, 0.0]]), 1), ValueError,
         r"sum of probabilities <= 0\) in row 1"),
        (lambda: torch.multinomial(torch.tensor([0.5, 0.5]), 3), ValueError, "without replacement"),
        (lambda: torch.multinomial(torch.tensor([0.5, 0.0]), 2), ValueError, "not enough non-zero categories"),
        (lambda: torch.multinomial(torch.tensor([0.5, 0.5]), 0), RuntimeError, "n_sample <= 0"),
        (lambda: torch.multinomial(torch.tensor([1, 2]), 1), RuntimeError, "floating-point dtypes"),
        (lambda: torch.multinomial(torch.ones(2, 2, 2), 1), RuntimeError, "1 or 2 dim"),
        (lambda: torch.multinomial(torch.ones(0), 1, True), ValueError, "at least one category"),
        (lambda: torch.multinomial([0.5, 0.5], 1), TypeError, "input must be a Tensor"),
    ]
    g = gen(1)
    for fn, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            fn()
    # validation happens before any draw
    with pytest.raises(ValueError):
        torch.multinomial(torch.tensor([[0.5, 0.5], [0.0, 0.0]]), 1, generator=g)
    assert g.random() == REF_RAW[1][0]


def test_c_scalar_forms_report_bad_parameters():
    g = lib.THGenerator_new()
    try:
        lib.THGenerator_manualSeed(g, 1)
        lib.TH_clearError()
        assert math.isnan(lib.THRandom_normal(g, 0, -1))
        assert lib.TH_lastErrorCode() == lib.TH_ERR_VALUE and b"std" in ffi.string(lib.TH_lastError())
        assert math.isnan(lib.THRandom_exponential(g, 0))
        assert lib.THRandom_bernoulli(g, 2.0) == 0 and b"bernoulli" in ffi.string(lib.TH_lastError())
        assert lib.THRandom_geometric(g, 1.0) == 0
        assert lib.THRandom_random(g) == REF_RAW[1][0]     # refused calls drew nothing
        assert lib.THGenerator_setState(g, ffi.NULL, 5048) != 0
        assert lib.THGenerator_getState(g, ffi.new("char[10]"), 10) != 0
        assert lib.THTensor_uniform(ffi.NULL, g, 0, 1) != 0
        h = lib.THTensor_new(lib.TH_FLOAT16)
        assert lib.THTensor_uniform(h, g, 0, 1) == lib.TH_ERR_TYPE
        lib.THTensor_free(h)
    finally:
        lib.THGenerator_free(g)
    with pytest.raises(ValueError, match="std must be >= 0"):
        gen(1).normal(0, -1)
    with pytest.raises(ValueError, match=r"geometric: p must be in \(0, 1\)"):
        gen(1).geometric(0)


def test_luajit_ffi_shares_the_generator():
    """The Lua frontend reaches the same generators through LuaJIT's FFI."""
    luajit21 = pytest.importorskip("lupa.luajit21")
    import os
    from pytorch_like import _lib
    with open(os.path.join(os.path.dirname(_lib.__file__), "..", "lib", "include", "TH.h")) as f:
        hdr = f.read()
    lua = luajit21.LuaRuntime()
    fn = lua.eval("""function(hdr, path)
      local ffi = require 'ffi'
      ffi.cdef(hdr)
      local C = ffi.load(path)
      local g = ffi.gc(C.THGenerator_new(), C.THGenerator_free)
      C.THGenerator_manualSeed(g, 1)
      local t = ffi.gc(C.THTensor_new(-1), C.THTensor_free)
      assert(C.THTensor_randperm(t, g, 10, 1) == 0)
      local p = ffi.cast('int64_t *', C.THTensor_data(t))
      local r = {}
      for i = 0, 9 do r[#r + 1] = tonumber(p[i]) end
      C.THGenerator_manualSeed(nil, 42)
      return table.concat(r, ' '), tonumber(C.THRandom_random(nil))
    end""")
    perm, first = fn(hdr, _lib.C_LIBRARY_PATH)
    assert perm == "6 7 2 3 1 9 10 4 8 5"
    assert first == REF_RAW[42][0]
    assert torch.initial_seed() == 42


def test_bernoulli_broadcast_error_wraps_the_cause_once():
    # TH_setError given TH_lastError() as an argument once printed overlapping text
    with pytest.raises(ValueError) as ei:
        torch.empty(2, 3).bernoulli_(torch.full((4,), 0.5))
    msg = str(ei.value)
    assert msg.startswith("bernoulli: probs cannot be broadcast to the tensor's shape: ")
    assert msg.count("bernoulli") == 1 and "cannot be broadcast to size 3" in msg
