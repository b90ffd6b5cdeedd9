"""Memory: storages are freed when the last Python owner dies; RSS and the C core's
allocation counter stay flat over many allocations, views, copies and numpy round trips."""
import gc
import os
import sys

import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like._lib import lib


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _settle():
    gc.collect()
    return lib.TH_allocatedBytes()


def test_allocated_bytes_tracks_storages():
    base = _settle()
    t = torch.empty(1000, dtype=torch.float64)
    assert lib.TH_allocatedBytes() - base == 8000
    v = t.narrow(0, 10, 10).view(2, 5).t()
    del t
    gc.collect()
    assert lib.TH_allocatedBytes() - base == 8000   # the view keeps the storage alive
    n = v.numpy()
    del v
    gc.collect()
    assert lib.TH_allocatedBytes() - base == 8000   # so does a numpy array over it
    del n
    assert _settle() == base


def test_foreign_memory_is_not_counted_and_is_released():
    base = _settle()
    a = np.zeros(10_000)
    holder = [a]   # a second owner, to watch the storage's reference to a
    refs = sys.getrefcount(holder[0])
    t = torch.from_numpy(a)
    now = sys.getrefcount(holder[0])   # outside assert: pytest's rewriting holds temporaries
    assert lib.TH_allocatedBytes() == base and now == refs + 1
    del a
    v = t.narrow(0, 0, 5)
    del t
    gc.collect()
    now = sys.getrefcount(holder[0])
    assert now == refs   # one fewer name (a), the storage's reference kept
    del v
    gc.collect()
    now = sys.getrefcount(holder[0])
    assert now == refs - 1


def test_resize_through_out_accounts_bytes():
    base = _settle()
    out = torch.empty(0)
    torch.zeros(100, out=out)
    assert lib.TH_allocatedBytes() - base == 400
    torch.zeros(1000, out=out)
    assert lib.TH_allocatedBytes() - base == 4000
    del out
    assert _settle() == base


def _churn(i, keep):
    a = torch.empty(64, 32)
    b = a.t().contiguous()
    c = b.view(-1).narrow(0, 5, 100).unsqueeze(0).expand(3, 100)
    d = c.clone().to(torch.float64).half()
    e = torch.from_numpy(np.arange(50.0)).reshape(5, 10).t()
    f = torch.from_numpy(e.numpy()).clone()
    g = torch.tensor([[1, 2], [3, 4]]).permute(1, 0).diagonal()
    h = torch.tensor(np.ones((3, 3), np.float32)).unfold(0, 2, 1).squeeze()
    b.copy_(a.t())
    if i % 1000 == 0:
        keep.append((repr(g), f.tolist()[0], d.shape, h.shape))


def test_flat_memory_over_20k_iterations():
    keep = []
    for i in range(2000):   # warm up allocator pools and caches
        _churn(i, keep)
    base_bytes = _settle()
    base_rss = _rss_bytes()
    for i in range(20_000):
        _churn(i, keep)
    gc.collect()
    assert lib.TH_allocatedBytes() == base_bytes
    grown = _rss_bytes() - base_rss
    assert grown < 8 * 2 ** 20, f"RSS grew by {grown / 2 ** 20:.1f} MiB over 20k iterations"


def test_from_numpy_round_trips_do_not_leak():
    a = np.arange(1000.0)
    base_rss = _rss_bytes()
    refs = sys.getrefcount(a)
    for _ in range(20_000):
        t = torch.from_numpy(a)
        b = t.numpy()
        t2 = torch.from_numpy(b[::2])
        _ = t2.numpy()[3]
    del t, b, t2
    gc.collect()
    now = sys.getrefcount(a)
    assert now == refs
    assert _rss_bytes() - base_rss < 4 * 2 ** 20


def test_large_tensor_memory_is_returned():
    base = _settle()
    for _ in range(20):
        t = torch.zeros(4_000_000)   # 16 MB each
        t.fill_(1)
        del t
    assert _settle() == base
    rss = _rss_bytes()
    t = torch.zeros(16_000_000)   # 64 MB, touched
    assert _rss_bytes() - rss > 32 * 2 ** 20
    del t
    gc.collect()
    assert _rss_bytes() - rss < 16 * 2 ** 20


def test_reused_big_blocks_stay_bounded():
    """Freed blocks of 4-40 MiB are kept for reuse (THGeneral.c), but at most 96 MiB of them."""
    rss = _rss_bytes()
    for _ in range(10):
        torch.cat([torch.ones(4_000_000), torch.ones(4_000_000)])   # 32 MB results, freed at once
    assert _rss_bytes() - rss < 80 * 2 ** 20
    ts = [torch.ones(7_000_000) for _ in range(8)]                  # 8 x 28 MB alive together
    del ts
    gc.collect()
    assert _rss_bytes() - rss < 128 * 2 ** 20


@pytest.mark.parametrize("n", [1, 32])
def test_storage_refcounts_balance(n):
    """Views take a storage reference each and give it back when they die."""
    t = torch.empty(4, 4)
    s = t._t.storage
    before = s.refcount
    views = [t.t().narrow(0, 0, 2) for _ in range(n)]
    assert s.refcount == before + n
    arrays = [v.numpy() for v in views]
    del views
    gc.collect()
    assert s.refcount == before + n   # numpy arrays keep their tensors
    del arrays
    gc.collect()
    assert s.refcount == before


def test_freed_model_of_4mib_tensors_is_reused_without_page_faults():
    """Reloading a model (here 20 x 4 MiB, 80 MiB: within the 96 MiB of kept blocks) reuses
    the freed blocks: glibc would give most of them back, and each reload fault them in anew."""
    import resource

    def faults():
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    def load():
        return [torch.empty(1 << 20).fill_(1.0) for _ in range(20)]     # 4 MiB each, touched

    for _ in range(3):
        ts = load()
        del ts
        gc.collect()
    f0 = faults()
    ts = load()
    touched = faults() - f0
    del ts
    gc.collect()
    # 80 MiB faulted anew would be >= 40 huge pages or 20480 small ones
    assert touched < 20, f"{touched} page faults reloading 80 MiB of freed 4 MiB blocks"
