"""Times a benchmark's loads in a child Python whose glibc keeps freed memory (no trimming,
no mmap below 32 MiB). Our loads reuse freed storages from TH_alloc's block cache; numpy
(torchfile's arrays) gets freed pages back only from glibc, which by default returns them
to the system, so each reload faults 100 MiB in anew. In the child both sides reuse their
pages: the ratio is then of the reading alone, the best case for the reference."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296"


def times(module, *args):
    """(ours_s, ref_s) from module.heap_kept_times(*args) run in the child."""
    code = ("import sys, json; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import " + module +
            " as m; print(json.dumps(m.heap_kept_times(*sys.argv[3:])))")
    env = dict(os.environ, GLIBC_TUNABLES=TUNABLES)
    out = subprocess.run([sys.executable, "-c", code, HERE, os.path.dirname(HERE), *args],
                         env=env, capture_output=True, text=True, check=True)
    return tuple(json.loads(out.stdout.splitlines()[-1]))
