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
