"""Storages made with a torch.Allocator of LuaJIT FFI callbacks, used from Python: freed after
their Lua session closed, or freed and resized from other Python threads. The callbacks must
never be called from a dead session or a foreign thread (that crashed the process)."""
import os
import subprocess
import sys
import textwrap
import threading

import pytest

pytest.importorskip("lupa.luajit21")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# a counting allocator of FFI callbacks and a 10-element tensor on a storage made with it
MAKE = """
local ffi = require 'ffi'
pcall(ffi.cdef, 'void *malloc(size_t); void *realloc(void *, size_t); void free(void *);')
counts = {malloc = 0, free = 0}
al = ffi.new('THAllocator')
al.malloc = function(ctx, n) counts.malloc = counts.malloc + 1; return ffi.C.malloc(n) end
al.free = function(ctx, p) counts.free = counts.free + 1; ffi.C.free(p) end
A = torch.Allocator(al)
return torch.FloatTensor(torch.FloatStorage(A, 10)):fill(3)
"""


def _run_child(body):
    """Runs body (after making a LuaSession s and its allocator tensor t) in a fresh interpreter:
    a crash there fails the test instead of killing pytest."""
    code = textwrap.dedent("""
        import gc
        import pytorch_like as pl
        from pytorch_like.lua import LuaSession
        s = LuaSession()
        t = s.execute(%r)
        assert float(t.sum()) == 30.0
    """) % MAKE + textwrap.dedent(body)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-X", "faulthandler", "-c", code], capture_output=True, text=True,
                       timeout=120, env=env, cwd=ROOT)
    return p


def test_freed_after_the_session_closed():
    p = _run_child("""
        del s
        gc.collect()
        del t
        gc.collect()
        print("done")
    """)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "done" in p.stdout


def test_resized_after_the_session_closed_is_an_error():
    p = _run_child("""
        del s
        gc.collect()
        try:
            pl.empty(1000, out=t)
        except RuntimeError as e:
            print("refused:", e)
        assert t.shape == (10,) and float(t.sum()) == 30.0
        del t
        gc.collect()
        print("done")
    """)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "refused:" in p.stdout and "closed Lua session" in p.stdout
    assert "done" in p.stdout


def _in_thread(f):
    out = {}

    def run():
        try:
            out["value"] = f()
        except Exception as e:  # noqa: BLE001 - handed to the test thread
            out["error"] = e
    th = threading.Thread(target=run)
    th.start()
    th.join()
    return out


def test_free_from_another_thread_waits_for_the_session():
    from pytorch_like.lua import LuaSession
    s = LuaSession()
    box = [s.execute(MAKE)]
    s.execute("collectgarbage(); collectgarbage()")   # Python holds the last reference
    counts = s.eval("counts")
    frees = counts["free"]
    out = _in_thread(lambda: box.clear())        # the last reference dies in that thread
    assert "error" not in out
    assert counts["free"] == frees, "the Lua free callback ran on a foreign thread"
    s.execute("return torch.FloatStorage(A, 1)")   # the session's next allocation drains the queue
    assert counts["free"] == frees + 1


def test_resize_from_another_thread_is_an_error():
    import pytorch_like as pl
    from pytorch_like.lua import LuaSession
    s = LuaSession()
    t = s.execute(MAKE)
    counts = s.eval("counts")
    mallocs = counts["malloc"]
    out = _in_thread(lambda: pl.empty(1000, out=t))
    assert isinstance(out.get("error"), RuntimeError)
    assert "runs only on the thread that made it" in str(out["error"])
    assert counts["malloc"] == mallocs
    assert t.shape == (10,) and float(t.sum()) == 30.0
    pl.empty(1000, out=t)                                # on the session's thread: through the allocator
    assert counts["malloc"] == mallocs + 1
    assert t.shape == (1000,) and float(t[:10].sum()) == 30.0
