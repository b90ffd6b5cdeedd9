"""Regression tests for crashes found by the API fuzzer (tests/test_api_fuzz.py) and the
ASan/UBSan build: each once killed the interpreter; now it raises or works."""
import os
import subprocess
import sys
import textwrap

import pytest

import pytorch_like as torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run_child(code):
    """Run code in a fresh interpreter with this checkout first on sys.path."""
    code = "import sys; sys.path.insert(0, %r)\n" % ROOT + textwrap.dedent(code)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"child died with {r.returncode}:\n{r.stderr[-2000:]}"
    return r.stdout


@pytest.mark.parametrize("n, exc, match", [
    (0, ValueError, "positive number of threads"),
    (-5, ValueError, "positive number of threads"),
    (100000, ValueError, "up to 1024, got 100000"),
    (2 ** 40, ValueError, "up to 1024"),
    (2 ** 64, ValueError, "does not fit"),
    (1.5, TypeError, "n must be an int"),
    ("4", TypeError, "n must be an int"),
])
def test_set_num_threads_rejects_bad_counts(n, exc, match):
    before = torch.get_num_threads()
    with pytest.raises(exc, match=match):
        torch.set_num_threads(n)
    assert torch.get_num_threads() == before


def test_huge_thread_count_does_not_crash_openmp():
    # set_num_threads(100000) used to reach omp_set_num_threads; the next parallel region
    # (integer gemm parallelises without the load check) segfaulted inside libgomp.
    out = _run_child("""
        import pytorch_like as torch
        from pytorch_like._lib import lib
        lib.TH_setNumThreads(100000)          # the C entry point (Lua calls it directly) clamps
        assert torch.get_num_threads() <= 1024, torch.get_num_threads()
        torch.set_num_threads(2)
        a = torch.ones(100, 100, dtype=torch.int64)
        print(int(torch.mm(a, a).sum()))
    """)
    assert out.split() == ["1000000"]


def test_repeat_size_overflow_raises():
    # size * repeats wrapped around 2**64: ones(4).repeat(2**62 + 1) returned 4 elements
    with pytest.raises(ValueError, match="repeat: the number of elements overflows 64 bits"):
        torch.ones(4).repeat(2 ** 62 + 1)
    with pytest.raises(ValueError, match="overflows 64 bits"):
        torch.ones(4).repeat(2 ** 62)
    with pytest.raises(ValueError, match="overflows 64 bits"):
        torch.ones(3).repeat(2 ** 62, 2 ** 62)
    assert torch.ones(0).repeat(2 ** 62).shape == (0,)


def test_diag_huge_offset_raises():
    # size + |k| overflowed (and -k is undefined for k = -2**63)
    for k in (-2 ** 63, 2 ** 63 - 1, 2 ** 63 - 2, -2 ** 63 + 2):
        with pytest.raises(ValueError, match=r"diag\(\): diagonal .* out of range for a vector of 3 elements"):
            torch.diag(torch.ones(3), k)
    assert torch.diag(torch.ones(3), 2).shape == (5, 5)
    assert torch.diag(torch.ones(3, 3), 2 ** 63 - 1).shape == (0,)
    assert torch.diag(torch.ones(3, 3), -2 ** 63).shape == (0,)


@pytest.mark.parametrize("k", [2 ** 63 - 1, 2 ** 62, -2 ** 63, -2 ** 62, 3, -3, 4, -4])
def test_tril_triu_extreme_diagonals(k):
    # row + k overflowed: triu(x, 2**63 - 1) kept rows 1.. and tril(x, 2**63 - 1) zeroed all
    np = pytest.importorskip("numpy")
    x = torch.arange(1.0, 13.0).reshape(3, 4)
    a = x.numpy()
    kk = max(min(k, 10), -10)
    assert (torch.triu(x, k).numpy() == np.triu(a, kk)).all()
    assert (torch.tril(x, k).numpy() == np.tril(a, kk)).all()


def test_unfold_step_past_the_end():
    # step * stride overflowed (undefined behaviour) for the single window left
    u = torch.arange(12.0).reshape(6, 2).unfold(0, 2, 2 ** 62)
    assert u.shape == (1, 2, 2) and min(u.stride()) >= 0
    assert u.tolist() == [[[0.0, 2.0], [1.0, 3.0]]]


def test_zero_size_huge_dims_do_not_wrap():
    # sizes of empty tensors can be huge; their sum/product wrapped to 0 and gave wrong
    # shapes ((4, 2**62, 0).flatten(0, 1) was (0, 0)) or a misleading narrow() error
    with pytest.raises(ValueError, match=r"flatten: the product of dimensions 0\.\.1 overflows 64 bits"):
        torch.empty(4, 2 ** 62, 0).flatten(0, 1)
    with pytest.raises(ValueError, match="flatten: .* overflows"):
        torch.empty(2 ** 62, 2 ** 62, 0).flatten(0, 1)
    assert torch.empty(2, 2 ** 61, 0).flatten(0, 1).shape == (2 ** 62, 0)
    with pytest.raises(ValueError, match="cat\\(\\): the total size of dimension 0 overflows 64 bits"):
        torch.cat([torch.empty(2 ** 62, 0)] * 4)
    assert torch.cat([torch.empty(2 ** 61, 0)] * 3).shape == (3 * 2 ** 61, 0)


def test_huge_count_of_empty_slices_does_not_hang():
    # a (2**62, 0) tensor holds nothing, but sort / renorm / addbmm looped over its 2**62
    # empty slices or batches (a hang found by the fuzzer's "hugeempty" tensors)
    _run_child("""
        import faulthandler, sys
        faulthandler.dump_traceback_later(30, exit=True)
        import pytorch_like as torch
        e = torch.empty(1, 0).expand(2 ** 62, 0)
        assert torch.sort(e)[0].shape == (2 ** 62, 0)
        assert torch.argsort(e, dim=1).shape == (2 ** 62, 0)
        assert e.topk(0, 1)[1].shape == (2 ** 62, 0)
        assert e.renorm(1, 0, 1).shape == (2 ** 62, 0)
        M = torch.ones(3, 3)
        b1 = torch.empty(1, 3, 0).expand(2 ** 62, 3, 0)
        b2 = torch.empty(1, 0, 3).expand(2 ** 62, 0, 3)
        assert torch.addbmm(M, b1, b2, beta=2).tolist() == [[2.0] * 3] * 3
    """)


def test_unique_dim_with_empty_other_dims_raises():
    # numpy.unique(axis=0) looped over the 2**62 rows of a (2**62, 0) tensor (a hang)
    for t, d in ((torch.empty(1, 0).expand(2 ** 62, 0), 0), (torch.empty(5, 0), 0)):
        with pytest.raises(RuntimeError, match="0 sized dimensions, and they aren't selected"):
            torch.unique(t, dim=d, return_counts=True)
    assert torch.unique(torch.empty(0, 5), dim=0).shape == (0, 5)


@pytest.mark.parametrize("how", ["numpy", "view_of_numpy", "out_of_memory"])
def test_refused_resize_keeps_the_shape(how):
    """A resize whose storage cannot grow (foreign numpy memory, or no memory) raises and leaves
    the tensor's shape over its storage: it once kept the new shape, so the next op wrote past
    the numpy array's end and killed the interpreter."""
    out = _run_child("""
        import numpy as np
        import pytorch_like as torch
        how = %r
        a = np.arange(6, dtype=np.float32)
        t = torch.from_numpy(a) if how != "out_of_memory" else torch.zeros(6)
        if how == "view_of_numpy":
            t = t[1:4]
        shape = tuple(t.shape)
        try:
            torch.empty(2 ** 61 if how == "out_of_memory" else 10_000_000, out=t)
        except (RuntimeError, MemoryError, ValueError) as e:
            print("refused:", e)
        assert tuple(t.shape) == shape, t.shape
        t.fill_(7.0)                       # writes stay inside the storage
        assert float(t.sum()) == 7.0 * t.numel()
        if how != "out_of_memory":
            assert np.count_nonzero(a == 7.0) == t.numel()
        print("ok")
    """ % how)
    assert "refused:" in out and out.rstrip().endswith("ok")


@pytest.mark.parametrize("left, nxt", [(-5, 10 ** 12), (0, 3), (300, 700), (624, 2 ** 63)])
def test_raced_generator_state_stays_inside(left, nxt):
    """Python threads drawing from one generator race on its left/next counters (cffi calls
    release the GIL). Torch7's draw trusted them: a lost update left them inconsistent and the
    draws then read state[] far past its end. Such states are set here directly (set_rng_state
    refuses them); every draw form must stay inside state[] and give numbers in range."""
    out = _run_child("""
        import pytorch_like as torch
        from pytorch_like._lib import ffi
        for draw in (lambda g: torch.rand(2000, generator=g), lambda g: torch.randn(2000, generator=g),
                     lambda g: torch.randint(0, 7, (2000,), generator=g)):
            g = torch.Generator()
            g.manual_seed(1)
            p = ffi.cast("THGenerator *", g._g)
            p.left = %d
            p.next = %d
            x = draw(g)
            assert bool(x.isfinite().all()), x
            assert 0 <= int(p.next) <= 624 and 1 <= p.left <= 624, (p.left, int(p.next))
        r = torch.rand(10 ** 5, generator=g)
        assert 0.0 <= float(r.min()) and float(r.max()) < 1.0
        print("ok")
    """ % (left, nxt))
    assert out.rstrip().endswith("ok")
