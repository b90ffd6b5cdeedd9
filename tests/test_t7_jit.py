"""The .t7 reader's class read-method path under LuaJIT's JIT, in fresh processes: a crash
there (Lua heap corruption) is a dead process, not a failing Lua test."""
import os
import subprocess
import sys

import pytest

pytest.importorskip("lupa.luajit21")

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "lua", "stress_t7_custom_read.lua")
REPS = 25
RUNNER = ("import sys\nfrom pytorch_like.lua import LuaSession\n"
          "s = LuaSession()\n"
          "s.runtime.globals().STRESS_REPS = int(sys.argv[2])\n"
          "s.runtime.globals().dofile(sys.argv[1])\n")


@pytest.mark.parametrize("proc", range(6))
def test_mutation_sweep_with_read_methods_survives(proc):
    """Each process runs the byte-mutation sweep of test_serialize's custom_read_errors REPS
    times (with allocation sinking on, about 1 process in 5 segfaulted)."""
    env = dict(os.environ)
    root = os.path.dirname(HERE)
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, "-c", RUNNER, SCRIPT, str(REPS)], env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr[-2000:]}"
    assert f"mutations {REPS * 4 * 390}" in r.stdout, r.stdout[-500:]
