"""The `th` command (subprocess), the Python<->Lua bridge (zero copy both ways), Lua-vs-Python
differential computations, and bad input from Lua (errors, never crashes)."""
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("lupa.luajit21")

import pytorch_like as torch  # noqa: E402
from pytorch_like.lua import LuaObject, LuaSession  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def th(*args, stdin=None, cwd=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "pytorch_like.th", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env, timeout=60)


@pytest.fixture(scope="module")
def lua():
    return LuaSession()


def _ptr(t):
    return t.data_ptr()


# ---------------------------------------------------------------- th
def test_th_script_gets_torch7_arg_table(tmp_path):
    script = tmp_path / "s.lua"
    script.write_text("print(arg[0], arg[-1], #arg, arg[1], arg[2], arg[3], arg[4])\n"
                      "print(...)\n"
                      "print(torch.Tensor(2):fill(1))\n")
    r = th(str(script), "a", "b", "-lr", "0.1")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split("\t") == [str(script), "th", "4", "a", "b", "-lr", "0.1"]
    assert lines[1].split("\t") == ["a", "b", "-lr", "0.1"]
    assert " 1\n 1\n[torch.DoubleTensor of size 2]" in r.stdout


def test_th_e_and_l():
    r = th("-l", "paths", "-e", "print(type(paths.concat), torch.typename(torch.Tensor()))")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "function\ttorch.DoubleTensor"


def test_th_error_has_traceback_and_exit_code(tmp_path):
    script = tmp_path / "bad.lua"
    script.write_text("local function f()\n  local t = torch.Tensor(2)\n  local v = t:narrow(3, 1, 1)\n  return v\nend\nf()\n")
    r = th(str(script))
    assert r.returncode != 0
    assert "bad.lua:3: bad argument #2 to 'narrow' (dimension 3 out of range for a 1D tensor: expected 1 <= dim <= 1)" in r.stderr
    assert "stack traceback" in r.stderr and "bad.lua:6" in r.stderr


def test_th_syntax_error_and_missing_script(tmp_path):
    script = tmp_path / "syn.lua"
    script.write_text("x = = 1\n")
    r = th(str(script))
    assert r.returncode != 0 and "syn.lua:1" in r.stderr
    r = th(str(tmp_path / "nope.lua"))
    assert r.returncode != 0 and "nope.lua" in r.stderr


def test_th_missing_module_names_module_and_paths():
    r = th("-l", "no_such_module_qq")
    assert r.returncode != 0
    assert "module 'no_such_module_qq' not found" in r.stderr
    assert os.path.join(ROOT, "lua") + "/no_such_module_qq.lua" in r.stderr


def test_th_repl_prints_values_and_survives_errors():
    session = "\n".join([
        "x = torch.Tensor(2):fill(3)",
        "x",
        "1 + 1",
        "error('boom')",
        "x:narrow(7, 1, 1)",
        "torch.Tensor(3, 3):t():view(9)",
        "for i = 1, 2 do",
        "  print('loop', i)",
        "end",
        "{a = 1}",
        "print('alive')",
    ]) + "\n"
    r = th(stdin=session)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert " 3\n 3\n[torch.DoubleTensor of size 2]" in out
    assert "\n2\n" in out or out.startswith("2\n") or "th> 2\n" in out
    assert "boom" in r.stderr
    assert "bad argument #2 to 'narrow'" in r.stderr
    assert "contiguous" in r.stderr
    assert "loop\t1" in out and "loop\t2" in out
    assert "a : 1" in out
    assert "alive" in out


def test_th_help():
    r = th("-h")
    assert r.returncode == 0 and "Usage: th" in r.stdout


def test_console_script_declared():
    text = open(os.path.join(ROOT, "pyproject.toml")).read()
    assert 'th = "pytorch_like.th:main"' in text


# ---------------------------------------------------------------- bridge
def test_python_tensor_into_lua_is_the_same_c_tensor(lua):
    a = torch.zeros(2, 3, dtype=torch.float64)
    f = lua.eval("function(t) t:fill(7); t[1][2] = -1; return torch.typename(t), t:size(1), t:size(2), "
                 "torch.pointer(t), tonumber(torch.data(t) and 0 or 0) end")
    name, s0, s1, ptr, _ = f(a)
    assert (name, s0, s1) == ("torch.DoubleTensor", 2, 3)
    assert a.tolist() == [[7.0, -1.0, 7.0], [7.0, 7.0, 7.0]]
    from pytorch_like import _lib
    assert ptr == int(_lib.ffi.cast("uintptr_t", a._t))


def test_lua_tensor_into_python_is_the_same_c_tensor(lua):
    t = lua.eval("torch.range(1, 6):view(2, 3)") if _has("THTensor_arange") else lua.eval("torch.Tensor{{1,2,3},{4,5,6}}")
    assert isinstance(t, torch.Tensor)
    assert t.dtype == torch.float64 and t.shape == (2, 3)
    keep = lua.execute("_G.kept = ...; return torch.data(_G.kept)", t)
    t.narrow(0, 0, 1).narrow(1, 0, 1).fill_(100.0)
    assert lua.eval("kept[1][1]") == 100.0
    assert lua.eval("kept:storage():size()") == 6
    back = lua.eval("kept")
    assert back.data_ptr() == t.data_ptr()
    # a view made in Python is seen by Lua with its own geometry, 1-based there
    col = t.t()
    assert lua.call("function(x) return x[2][1], x:stride(1), x:stride(2) end", col) == (2.0, 1, 3)


def _has(fn):
    from pytorch_like import _lib
    import re
    todo = os.path.join(ROOT, "lib", "TH", "THTodo.c")
    return not (os.path.exists(todo) and re.search(r"\b%s\b" % fn, open(todo).read()))


def test_dtypes_map_to_torch7_classes(lua):
    names = lua.call("function(...) local out = {} for i = 1, select('#', ...) do "
                     "out[i] = torch.typename((select(i, ...))) end return table.concat(out, ',') end",
                     *[torch.zeros(1, dtype=d) for d in (torch.uint8, torch.int8, torch.int16, torch.int32,
                                                          torch.int64, torch.float32, torch.float64)])
    assert names == ("torch.ByteTensor,torch.CharTensor,torch.ShortTensor,torch.IntTensor,torch.LongTensor,"
                     "torch.FloatTensor,torch.DoubleTensor")


def test_methods_and_proxies(lua):
    cmd = lua.eval("torch.CmdLine()")
    assert isinstance(cmd, LuaObject)
    cmd.option("-lr", 0.1, "rate")
    p = cmd.parse(lua.runtime.table("-lr", "0.5"))
    assert p["lr"] == 0.5
    t = lua.eval("torch.Tensor(4, 5)")
    assert lua.call_method(t, "size", 2) == 5
    assert lua.call_method(t, "dim") == 2
    paths = lua.require("paths")
    assert paths.basename("/a/b.lua") == "b.lua"
    lua["gx"] = 41
    assert lua.eval("gx + 1") == 42
    assert lua.call("torch.typename", torch.zeros(1)) == "torch.FloatTensor"


def test_lua_errors_reach_python_as_exceptions(lua):
    import lupa.luajit21 as lj
    with pytest.raises(lj.LuaError, match=r"bad argument #2 to 'narrow'"):
        lua.execute("torch.Tensor(2):narrow(5, 1, 1)")
    with pytest.raises(lj.LuaError, match="bad argument #1 to 'size'"):
        lua.execute("torch.Tensor.size({})")
    assert lua.eval("1 + 1") == 2       # the session survives


def test_tensor_survives_when_other_side_drops_it(lua):
    import gc
    t = lua.eval("torch.Tensor(3):fill(5)")
    lua.execute("collectgarbage('collect')")
    assert t.tolist() == [5.0, 5.0, 5.0]
    a = torch.ones(3, dtype=torch.float64)
    lua.execute("_G.held = ...", a)
    del a
    gc.collect()
    assert lua.eval("held:sum()") == 3.0 if _has("THTensor_reduce") else lua.eval("held[3]") == 1.0


# ---------------------------------------------------------------- differential Lua vs Python
def test_views_agree_with_python(lua, rng):
    x = torch.from_numpy(rng.standard_normal((4, 5, 6)))
    got = lua.call("function(x) local v = x:narrow(2, 2, 3):select(3, 4):t() "
                   "return v, x:transpose(1, 3):contiguous(), x:unfold(3, 2, 2) end", x)
    want = (x.narrow(1, 1, 3).select(2, 3).t(), x.transpose(0, 2).contiguous(), x.unfold(2, 2, 2))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w.numpy())
    assert got[0].data_ptr() == want[0].data_ptr()           # views share memory


def test_indexing_agrees_with_python(lua, rng):
    x = torch.from_numpy(rng.standard_normal((3, 4)))
    got = lua.call("function(x) return x[{{2, 3}, {-2, -1}}], x[2], x[{3, 4}] end", x)
    np.testing.assert_array_equal(got[0].numpy(), x.numpy()[1:3, 2:4])
    np.testing.assert_array_equal(got[1].numpy(), x.numpy()[1])
    assert got[2] == x.numpy()[2, 3]


def test_copy_across_types_agrees_with_numpy(lua, rng):
    src = rng.standard_normal((3, 4)) * 10
    x = torch.from_numpy(src)
    got = lua.call("function(x) return torch.IntTensor(4, 3):copy(x), x:float(), x:t():clone() end", x)
    np.testing.assert_array_equal(got[0].numpy(), src.astype(np.int32).reshape(4, 3))
    np.testing.assert_array_equal(got[1].numpy(), src.astype(np.float32))
    np.testing.assert_array_equal(got[2].numpy(), src.T)


@pytest.mark.skipif(not _has("THTensor_binary"), reason="pointwise C core not landed")
def test_pointwise_agrees_with_python(lua, rng):
    a = torch.from_numpy(rng.standard_normal((3, 4)))
    b = torch.from_numpy(rng.standard_normal((3, 4)))
    got = lua.call("function(a, b) return torch.add(a, 2, b), torch.cmul(a, b), a:clone():exp(), "
                   "torch.lt(a, b), a * 3 - b end", a, b)
    np.testing.assert_allclose(got[0].numpy(), (a + 2 * b).numpy())
    np.testing.assert_allclose(got[1].numpy(), (a * b).numpy())
    np.testing.assert_allclose(got[2].numpy(), np.exp(a.numpy()))
    np.testing.assert_array_equal(got[3].numpy(), (a.numpy() < b.numpy()).astype(np.uint8))
    np.testing.assert_allclose(got[4].numpy(), (a * 3 - b).numpy())


@pytest.mark.skipif(not _has("THTensor_addmm"), reason="BLAS C core not landed")
def test_blas_agrees_with_python(lua, rng):
    a = torch.from_numpy(rng.standard_normal((3, 4)))
    b = torch.from_numpy(rng.standard_normal((4, 2)))
    got = lua.call("function(a, b) return a * b, torch.mm(a, b), torch.mv(a, b:select(2, 1)) end", a, b)
    np.testing.assert_allclose(got[0].numpy(), a.numpy() @ b.numpy())
    np.testing.assert_allclose(got[1].numpy(), a.numpy() @ b.numpy())
    np.testing.assert_allclose(got[2].numpy(), a.numpy() @ b.numpy()[:, 0])


@pytest.mark.skipif(not _has("THTensor_reduce"), reason="reductions not landed")
def test_reductions_agree_with_python(lua, rng):
    a = torch.from_numpy(rng.standard_normal((3, 4)))
    got = lua.call("function(a) local v, i = a:max(2) return a:sum(), a:sum(1), v, i end", a)
    assert got[0] == pytest.approx(float(a.numpy().sum()))
    np.testing.assert_allclose(got[1].numpy(), a.numpy().sum(0, keepdims=True))
    np.testing.assert_allclose(got[2].numpy(), a.numpy().max(1, keepdims=True))
    np.testing.assert_array_equal(got[3].numpy(), a.numpy().argmax(1)[:, None] + 1)   # 1-based in Lua


# ---------------------------------------------------------------- bad input from Lua
BAD = [
    ("torch.Tensor(2, 3):narrow(0, 1, 1)", r"bad argument #2 to 'narrow'"),
    ("torch.Tensor(2, 3):narrow(1, 3, 1)", r"bad argument #3 to 'narrow' \(out of range\)"),
    ("torch.Tensor(2, 3):select(2, 4)", r"bad argument #3 to 'select' \(out of range\)"),
    ("torch.Tensor(2, 3):transpose(1, 3)", r"bad argument #3 to 'transpose'"),
    ("torch.Tensor(2, 3):size(-1)", r"bad argument #2 to 'size'"),
    ("torch.Tensor(2, 3):view(7)", r"view"),
    ("torch.Tensor(2, 3):resize('a')", r"bad argument #2 to 'resize'"),
    ("torch.Tensor(2, 3):copy(torch.Tensor(5))", r"bad argument #2 to 'copy'"),
    ("torch.Tensor(2, 3):copy(3)", r"bad argument #2 to 'copy' \(tensor expected, got number\)"),
    ("torch.Tensor(2)[3]", r"out of range"),
    ("torch.Tensor(2)[{1, 2}]", r"too many indices"),
    ("torch.Tensor(2, 2)[{{1, 3}}]", r"out of bounds"),
    ("torch.Tensor({{1, 2}, {3}})", r"invalid tensor sizes"),
    ("torch.Tensor(2):unfold(1, 3, 1)", r"bad argument #3 to 'unfold'"),
    ("torch.Tensor(2):type('torch.Foo')", r"bad argument #2 to 'type'"),
    ("torch.Tensor(2):expand(3)", r"singleton"),
    ("torch.Tensor.narrow(torch.Timer(), 1, 1, 1)", r"bad argument #1 to 'narrow'"),
    ("torch.FloatStorage(2)[5]", r"out of bounds"),
    ("torch.DiskFile('/nonexistent/dir/x', 'r')", r"cannot open"),
    ("torch.Tensor(torch.FloatStorage(4))", r"expected a torch.DoubleStorage"),
    ("torch.add(torch.Tensor(2), torch.Tensor(3))", r"inconsistent tensor size|not implemented"),
    ("torch.Tensor(2):add('x')", r"invalid arguments to 'add'"),
    ("torch.mm(torch.Tensor(2, 2), torch.Tensor(2))", r"bad argument #2 to 'mm'"),
    ("torch.Tensor(2):sum(2)", r"bad argument #2 to 'sum'"),
    ("torch.Tensor(2):index(1, torch.Tensor{1})", r"bad argument #3 to 'index' \(LongTensor expected"),
    ("torch.CmdLine():option('-x', nil)", r"no default"),
    ("torch.class('a.B', 'no.Parent')", r"parent class no.Parent is unknown"),
    ("torch.Tensor(2, 3):narrow(1)", r"bad argument #3 to 'narrow' \(number expected, got nil\)"),
    ("torch.Tensor(2, 3):select()", r"bad argument #2 to 'select' \(number expected, got nil\)"),
    ("torch.Tensor(2, 3):transpose(1)", r"bad argument #3 to 'transpose'"),
    ("torch.Tensor(2, 3):sub(1)", r"bad argument #2 to 'sub'"),
    ("torch.Tensor(2, 3):view()", r"view"),
    ("torch.Tensor(2, 3):permute(1)", r"bad argument #2 to 'permute'"),
    ("torch.LongStorage(-1)", r"bad argument #1 to 'torch.LongStorage'"),
    ("torch.MemoryFile():readInt()", r"read error"),
    ("torch.Tester():assert(true, 'm', 'extra')", r"Unexpected arguments"),
]


@pytest.mark.parametrize("code,pattern", BAD, ids=[c for c, _ in BAD])
def test_bad_input_is_a_lua_error(lua, code, pattern):
    import lupa.luajit21 as lj
    with pytest.raises(lj.LuaError, match=pattern):
        lua.execute("return " + code)
    assert lua.eval("torch.Tensor(1):fill(2)[1]") == 2.0


def test_demo_runs():
    r = th(os.path.join("examples", "demo.lua"), "-size", "2", "-verbose")
    assert r.returncode == 0, r.stderr
    assert "[torch.DoubleTensor of size 2x2]" in r.stdout and "done in" in r.stdout
    r = th(os.path.join("examples", "demo.lua"), "-help")
    assert r.returncode == 0 and "-size" in r.stdout and "matrix size [3]" in r.stdout
    r = th(os.path.join("examples", "demo.lua"), "-size")
    assert r.returncode == 1 and "missing argument for option -size" in r.stderr


def test_random_bad_arguments_never_crash():
    r = th(os.path.join("tests", "lua_scripts", "fuzz_bad_args.lua"))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "still alive" in r.stdout


def test_builtin_torch_test_suite():
    """torch.test(): Torch7's built-in suite runs green; a broken function makes it fail
    non-zero naming the test; names select tests; bad names are errors."""
    r = th("-e", "require 'torch' torch.test()")
    assert r.returncode == 0, r.stdout + r.stderr
    done = [ln for ln in r.stdout.splitlines() if ln.startswith("Completed")]
    assert done and "with 0 failures and 0 errors" in done[0], r.stdout
    assert int(done[0].split()[1]) > 1000 and int(done[0].split()[4]) == 163, done[0]   # all of Torch7's
    broken = th("-e", "require 'torch' local f = torch.mm "
                      "torch.mm = function(...) local r = f(...) return r:add(1e-6) end torch.test{'mm', 'dot'}")
    assert broken.returncode != 0
    assert "[FAIL]" in broken.stdout and "mm" in broken.stdout and "An error was found" in broken.stderr
    assert "Running 5 tests" in broken.stdout, broken.stdout   # 'mm' also matches bmm, addbmm, baddbmm
    r = th("-e", "require 'torch' torch.test('nosuchtest')")
    assert r.returncode != 0 and "Could not find test nosuchtest" in r.stderr
    r = th("-e", "require 'torch' torch.test(5)")
    assert r.returncode != 0 and "bad argument #1 to 'test'" in r.stderr


def test_builtin_nn_test_runs_from_an_installed_layout(tmp_path):
    """nn.test() needs no repository files: in a copy laid out as setup.py installs it (lua/ as
    pytorch_like/_lua, TH.h beside it), run from elsewhere, named tests run and pass."""
    site = tmp_path / "site"
    shutil.copytree(os.path.join(ROOT, "pytorch_like"), site / "pytorch_like",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(os.path.join(ROOT, "lua"), site / "pytorch_like" / "_lua")
    shutil.copy2(os.path.join(ROOT, "lib", "include", "TH.h"), site / "pytorch_like" / "TH.h")
    env = dict(os.environ, PYTHONPATH=str(site))
    run = subprocess.run([sys.executable, "-m", "pytorch_like.th", "-e",
                          "require 'nn' print(package.searchpath('nn.test.modules', package.path)) "
                          "nn.test({'OneHot', 'Linear'}, 3)"],
                         capture_output=True, text=True, cwd=str(tmp_path), env=env, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert str(site / "pytorch_like" / "_lua" / "nn" / "test" / "modules.lua") in run.stdout
    assert "with 0 failures and 0 errors" in run.stdout and "Linear" in run.stdout
    bad = subprocess.run([sys.executable, "-m", "pytorch_like.th", "-e", "require 'nn' nn.test('NoSuchTestAnywhere', 1)"],
                         capture_output=True, text=True, cwd=str(tmp_path), env=env, timeout=120)
    assert bad.returncode != 0 and "no test matches NoSuchTestAnywhere" in bad.stderr


def test_wrong_argument_types_give_torch7_errors(lua):
    """Every torch.* function and Tensor method, given wrong-typed arguments, raises a Lua error
    at the caller (never a raw FFI conversion or 'attempt to index' error from inside lua/torch)."""
    path = os.path.join(ROOT, "tests", "lua_scripts", "arg_type_sweep.lua")
    leaks, calls = lua.execute("return dofile(...)", path)
    assert calls > 20000
    assert leaks == "", leaks


@pytest.mark.parametrize("code,pattern", [
    ("torch.linspace('a', 2)", r"bad argument #1 to 'linspace' \(number expected, got string\)"),
    ("torch.Tensor(2):linspace(1, {})", r"bad argument #3 to 'linspace' \(number expected, got table\)"),
    ("torch.range(1, nil)", r"bad argument #2 to 'range' \(number expected, got nil\)"),
    ("torch.Tensor():eye(2, 'x')", r"bad argument #3 to 'eye' \(number expected, got string\)"),
    ("torch.Tensor(2):random('a')", r"bad argument #2 to 'random' \(number expected, got string\)"),
    ("torch.random(torch.Generator(), {})", r"bad argument #2 to 'random' \(number expected, got table\)"),
    ("torch.Tensor(2):tpow(torch.Tensor(2))", r"bad argument #2 to 'tpow' \(number expected, got torch.DoubleTensor\)"),
    ("torch.indexFill(3, 1, torch.LongTensor{1}, 0)", r"bad argument #1 to 'indexFill' \(tensor expected, got number\)"),
    ("torch.scatter(nil)", r"bad argument #1 to 'scatter' \(tensor expected, got nil\)"),
    ("torch.Tensor(4):split('a')", r"bad argument #2 to 'split' \(number expected, got string\)"),
    ("torch.Tensor(4):chunk({}, nil)", r"bad argument #3 to 'chunk' \(number expected, got nil\)"),
    ("torch.conv2(torch.Tensor(3, 3), torch.Tensor(2, 2), {})", r"bad argument #3 to 'conv2' \(string expected"),
    ("torch.cat({})", r"bad argument #1 to 'cat' \(non-empty table of tensors expected\)"),
    ("torch.rand(2, 'torch.NoTensor')", r"unknown tensor type torch.NoTensor"),
    ("torch.randperm(3, 'x')", r"unknown tensor type x"),
])
def test_wrong_argument_type_messages(lua, code, pattern):
    import lupa.luajit21 as lj
    with pytest.raises(lj.LuaError, match=pattern):
        lua.execute("return " + code)
