""".t7 benchmarks: load_lua/save_lua of 100 MB of float32 tensors vs torchfile and numpy file I/O."""
import os
import tempfile

import numpy as np

import heap_kept
import pytorch_like as torch
from timing import median_time, paired_median_time, row

try:
    import torchfile
except Exception:  # pragma: no cover
    torchfile = None


def run():
    rows = []
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(1 << 20).astype(np.float32) for _ in range(25)]   # 25 x 4 MiB
    obj = {f"w{i}": torch.from_numpy(a) for i, a in enumerate(arrays)}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.t7")
        raw = os.path.join(d, "raw.bin")
        blob = np.concatenate(arrays)

        def tofile_synced():
            with open(raw, "wb") as fh:
                blob.tofile(fh)
                fh.flush()
                os.fsync(fh.fileno())

        # save_lua is atomic and durable (temporary file, fsync, rename): the reference syncs too
        ours = median_time(lambda: torch.save_lua(obj, path), repeat=5)
        ref = median_time(tofile_synced, repeat=5)
        rows.append(row("save_lua 100 MiB float32 (25 tensors)", ours, ref, "tofile+fsync", 2.0))

        ours = median_time(lambda: torch.load_lua(path), repeat=7)
        ref = median_time(lambda: np.fromfile(path, dtype=np.uint8), repeat=7)
        rows.append(row("load_lua 100 MiB float32 (25 tensors)", ours, ref, "numpy fromfile", 2.0))
        if torchfile is not None:
            # torchfile's arrays come from glibc, which gives freed ones back to the system, so its
            # reloads fault their pages in anew, ours reuse TH_alloc's kept blocks; the next row
            # (heap_kept) is the reference's best case, no page faults on either side
            ours, ref = paired_median_time(lambda: torch.load_lua(path), lambda: torchfile.load(path), repeat=9)
            rows.append(row("load_lua 100 MiB float32 (25 tensors)", ours, ref, "torchfile.load", 1.0))
            ours, ref = heap_kept.times("bench_t7", path)
            rows.append(row("load_lua 100 MiB float32, glibc keeping freed pages", ours, ref, "torchfile.load", 1.0))
            # table-heavy files (vocabularies, configs): 300k Lua values
            tab = os.path.join(d, "tables.t7")
            torch.save_lua({"ids": list(range(200000)), "vocab": {f"w{i}": i for i in range(100000)}}, tab)
            ours = median_time(lambda: torch.load_lua(tab), repeat=3)
            ref = median_time(lambda: torchfile.load(tab), repeat=3)
            rows.append(row("load_lua tables of 300k numbers/strings", ours, ref, "torchfile.load", 1.0))
    return rows


def heap_kept_times(path):
    """Paired load medians of path, run by heap_kept in a child whose glibc keeps freed pages."""
    return paired_median_time(lambda: torch.load_lua(path), lambda: torchfile.load(path), repeat=21)


if __name__ == "__main__":
    for r in run():
        print(r)
