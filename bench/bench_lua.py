"""Lua frontend: per-op overhead of c:add(a, b) on 8-element DoubleTensors in a Lua loop vs the
Python frontend's torch.add(a, b, out=c) (target 0.3), and a loop of 1000 addmm on 256x256
DoubleTensors in Lua vs the same loop in Python (target 1.1)."""
import statistics
import time

from timing import row

import pytorch_like as torch


def _lua():
    from pytorch_like.lua import LuaSession
    return LuaSession()


def _median(fn, repeat=7):
    fn()
    return statistics.median(fn() for _ in range(repeat))


def _python_loop(op, n):
    def go():
        t0 = time.perf_counter()
        for _ in range(n):
            op()
        return (time.perf_counter() - t0) / n
    return go


def run():
    rows = []
    s = _lua()
    # ---- per-op overhead on tiny tensors
    n = 200000
    lua_add = s.eval("""function(n)
        local a, b, c = torch.Tensor(8):fill(1), torch.Tensor(8):fill(2), torch.Tensor(8)
        local t = torch.Timer()
        for i = 1, n do c:add(a, b) end
        return t:time().real / n
    end""")
    a = torch.ones(8, dtype=torch.float64)
    b = torch.ones(8, dtype=torch.float64)
    c = torch.empty(8, dtype=torch.float64)
    try:
        torch.add(a, b, out=c)
        s.execute("local a = torch.Tensor(2); a:add(a, a)")
    except (AttributeError, NotImplementedError, Exception) as e:  # pointwise core not landed
        print("bench_lua: skipping c:add(a, b):", str(e).splitlines()[0])
    else:
        ours = _median(lambda: lua_add(n))
        ref = _median(_python_loop(lambda: torch.add(a, b, out=c), n // 10))
        rows.append(row("lua: c:add(a, b) per op, 8 doubles (vs Python torch.add out=)", ours, ref, "python", 0.3))
    # ---- 1000 addmm 256x256
    m = 1000
    lua_addmm = s.eval("""function(m)
        local M, A, B, r = torch.ones(256, 256), torch.ones(256, 256), torch.ones(256, 256), torch.Tensor(256, 256)
        local t = torch.Timer()
        for i = 1, m do r:addmm(M, A, B) end
        return t:time().real
    end""")
    try:
        M, A, B, R = (torch.ones(256, 256, dtype=torch.float64), torch.ones(256, 256, dtype=torch.float64),
                      torch.ones(256, 256, dtype=torch.float64), torch.empty(256, 256, dtype=torch.float64))
        torch.addmm(M, A, B, out=R)
        s.execute("local a = torch.Tensor(2, 2):fill(1); a:addmm(a, a, a)")
    except Exception as e:  # BLAS core not landed
        print("bench_lua: skipping addmm:", str(e).splitlines()[0])
    else:
        # 1000 iterations per side, interleaved in chunks of 100 so both loops see the same
        # machine load; the median over 3 such runs
        lua_addmm(10)
        chunk = 100
        ours_t, ref_t = [], []
        for _ in range(3):
            lo = re = 0.0
            for _ in range(m // chunk):
                lo += lua_addmm(chunk)
                t0 = time.perf_counter()
                for _ in range(chunk):
                    torch.addmm(M, A, B, out=R)
                re += time.perf_counter() - t0
            ours_t.append(lo)
            ref_t.append(re)
        rows.append(row("lua: 1000 x r:addmm(M, A, B) 256x256 double (vs Python loop)",
                        statistics.median(ours_t), statistics.median(ref_t), "python", 1.1))
    return rows
