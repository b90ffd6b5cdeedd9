"""Seeded API fuzzer: every public pytorch_like function and Tensor method, called with
hostile arguments (every dtype, 0-dim, zero-size, 32-dim, non-contiguous, stride-0 and
overlapping views, huge/negative ints, nan/inf, None, strings, nested lists, numpy arrays,
out= tensors of the wrong dtype/shape). Any Python exception is fine; the child process
dying (segfault, abort), hanging or exceeding its address-space cap is a failure that
names the call (tests/fuzz_child.py writes each call before making it). One worker in
four fuzzes the Torch7 reader (load_lua on mutated .t7 bytes) instead.

PYTORCH_LIKE_FUZZ_SCALE=20 multiplies the number of calls for a deeper run;
PYTORCH_LIKE_FUZZ_SEED shifts the seeds. Under ASan (LD_PRELOAD=libasan) set
PYTORCH_LIKE_FUZZ_MEM=0: the shadow memory does not fit an RLIMIT_AS cap.
"""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCALE = float(os.environ.get("PYTORCH_LIKE_FUZZ_SCALE", "1"))
SEED0 = int(os.environ.get("PYTORCH_LIKE_FUZZ_SEED", "0"))
MEM = int(os.environ.get("PYTORCH_LIKE_FUZZ_MEM", str(3 << 30)))
WORKERS = 4
CALLS = int(8000 * SCALE)


@pytest.mark.parametrize("worker", range(WORKERS))
def test_api_fuzz(worker, tmp_path):
    log = tmp_path / "calls.log"
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    seed = SEED0 * 1000 + worker
    cmd = [sys.executable, os.path.join(HERE, "fuzz_child.py"), str(seed), str(CALLS), str(log), str(MEM)]
    try:
        r = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120 + CALLS * 0.1)
        rc, err = r.returncode, r.stderr
    except subprocess.TimeoutExpired as e:
        rc, err = "timeout", (e.stderr or b"").decode(errors="replace")
    lines = log.read_text().splitlines() if log.exists() else []
    if rc != 0 or not lines or lines[-1] != "DONE":
        last = lines[-1] if lines else "<no call logged>"
        pytest.fail(f"seed {seed}: child exited with {rc} during call #{len(lines)}:\n    {last}\n"
                    f"stderr tail:\n{err[-3000:]}")
