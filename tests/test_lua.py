"""Runs the Lua test files tests/lua/test_*.lua (written with torch.Tester) under pytest,
one pytest item per Lua test function."""
import glob
import os

import pytest

pytest.importorskip("lupa.luajit21")

HERE = os.path.dirname(os.path.abspath(__file__))
LUA_FILES = sorted(glob.glob(os.path.join(HERE, "lua", "test_*.lua")))

_sessions = {}


def _load(path):
    """(session, [(tester, name)]) for one Lua test file, or the loading error."""
    if path in _sessions:
        return _sessions[path]
    from pytorch_like.lua import LuaSession
    s = LuaSession()
    rt = s.runtime
    collect = rt.eval("function(path) torch._testerCollect = {} "
                      "local ok, err = pcall(dofile, path) "
                      "local c = torch._testerCollect; torch._testerCollect = nil "
                      "if not ok then error(err, 0) end "
                      "local out = {} "
                      "for _, t in ipairs(c) do for _, test in ipairs(t.tests) do "
                      "out[#out + 1] = {t, test.name, test.f} end end "
                      "return out end")
    try:
        items = [(row[1], row[2], row[3]) for row in collect(path).values()]
        result = (s, items, None)
    except Exception as e:  # a file that does not load becomes one failing item
        result = (s, [], str(e))
    _sessions[path] = result
    return result


def _params():
    out = []
    for path in LUA_FILES:
        _, items, err = _load(path)
        base = os.path.basename(path)[:-4]
        if err is not None:
            out.append(pytest.param(path, None, id=base + "::<load>"))
        for _, name, _ in items:
            out.append(pytest.param(path, name, id=base + "::" + name))
    return out


@pytest.mark.parametrize("path,name", _params())
def test_lua(path, name):
    s, items, err = _load(path)
    if name is None:
        pytest.fail("loading %s failed:\n%s" % (path, err))
    tester, f = next((t, f) for t, n, f in items if n == name)
    run = s.runtime.eval("function(t, name, f) local st, msg = t:_runTest(name, f) "
                         "local a = (t.assertionPass[name] or 0) + (t.assertionFail[name] or 0) "
                         "return st, msg and tostring(msg) or nil, a end")
    status, msg, nasserts = run(tester, name, f)
    if status != "pass" and msg and "is not implemented yet" in msg:
        pytest.skip("C core function not landed yet: " + msg.splitlines()[0])
    assert status == "pass", msg
    assert nasserts > 0, "the Lua test made no assertion"
