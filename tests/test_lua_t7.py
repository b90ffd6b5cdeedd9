"""The Lua frontend's .t7 serialization (lua/torch/serialize.lua over lib/TH/THT7.c):
real Torch7 files load in Lua with the values MANIFEST.md states, files cross between the
Lua and Python frontends both ways, torchfile reads what Lua writes, functions need an
opt-in, saves are atomic, and hostile files give Lua errors, never a crash."""
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("lupa.luajit21")

import pytorch_like as torch  # noqa: E402
from pytorch_like._ops.t7 import LuaList, LuaTable, TorchObject  # noqa: E402

try:
    import torchfile
except Exception:  # pragma: no cover
    torchfile = None

from tests.t7_files import REAL_FILES, ROOT, T7_DIR  # noqa: E402,F401



@pytest.fixture(scope="module")
def lua():
    from pytorch_like.lua import LuaSession
    return LuaSession()


def run(lua, code, *args):
    return lua.execute(textwrap.dedent(code), *args)


# ---------------------------------------------------------------- the real Torch7 files in Lua

MANIFEST_CHECKS = {
    "hello=123.t7": "local t = torch.load(p) local n = 0 for _ in pairs(t) do n = n + 1 end "
                    "return type(t) == 'table' and n == 1 and t.hello == 123",
    "custom_class.t7": "local o = torch.load(p) local n = 0 for _ in pairs(o) do n = n + 1 end "
                       "return torch.typename(o) == 'Blah' and n == 0",
    "doubletensor.t7": "local t = torch.load(p) return torch.typename(t) == 'torch.DoubleTensor' and t:dim() == 2 "
                       "and t:size(1) == 2 and t:size(2) == 3 and t[1][1] == 1 and t[1][3] == 3 and t[2][3] == 6.9",
    "floattensor.t7": "local t = torch.load(p) return torch.typename(t) == 'torch.FloatTensor' and t:dim() == 3 "
                      "and t:size(3) == 4 and math.abs(t:sum() - 12.97241666913) < 1e-5 "
                      "and math.abs(t[1][1][1] - 0.8635312) < 1e-6 and math.abs(t[1][1][4] - 0.5423465) < 1e-6",
    "list_table.t7": "local t = torch.load(p) return #t == 4 and t[1] == 'hello' and t[2] == 'world' "
                     "and t[3] == 'third item' and t[4] == 123",
    "map_table1.t7": "local t = torch.load(p) return t[0] == 'zero' and t[1] == 'hello' and t[4] == 123",
    "map_table2.t7": "local t = torch.load(p) return t.a == 'non number key' and t[1] == 'hello' and t[4] == 123",
    "recursive_class.t7": "local o = torch.load(p) return torch.typename(o) == 'A' and o.a == o",
    "recursive_kv_table.t7": "local t = torch.load(p) local k, v = next(t) return k == t and v == t and t[t] == t "
                             "and next(t, k) == nil",
    "tds_hash.t7": "local t = torch.load(p) local n = 0 for _ in pairs(t) do n = n + 1 end "
                   "return n == 3 and t[1] == 2 and t[2] == 3 and t[10] == 11",
    "tds_vec.t7": "local t = torch.load(p) return #t == 2 and t[1] == 123 and t[2] == 456",
    "function.t7": "local ok, err = pcall(torch.load, p) if ok or not tostring(err):find('functions=true') then "
                   "return false end local f = torch.load(p, 'binary', {functions = true}) "
                   "return type(f) == 'function' and f(3, 5) == 7 and f(10, -2) == 7",
    "function_upvals.t7": "local ok = pcall(torch.load, p) if ok then return false end "
                          "local f = torch.load(p, 'binary', {functions = true}) return f() == 124",
    "nngraph_node.t7": "local o = torch.load(p) return torch.typename(o) == 'nngraph.Node' and o.id == 0 "
                       "and o.visited == false and o.marked == false and next(o.children) == nil "
                       "and o.data.annotations.hello == 123 and type(o.data.annotations._debugLabel) == 'string' "
                       "and next(o.data.mapindex) == nil",
    "gmodule_with_linear_identity.t7": """
        local g = torch.load(p)
        if torch.typename(g) ~= 'nn.gModule' or g.nInputs ~= 2 then return false end
        if #g.forwardnodes ~= 9 or #g.backwardnodes ~= 9 then return false end
        local names = {}
        for i, m in ipairs(g.modules) do names[i] = torch.typename(m) end
        if table.concat(names, ',') ~= 'nn.Identity,nn.Identity,nn.Linear,nn.CAddTable' then return false end
        local lin = g.forwardnodes[7].data.module
        if lin ~= g.modules[3] then return false end
        local w, b = lin.weight, lin.bias
        local close = function(a, e) return math.abs(a - e) < 1e-15 end
        if not (w:size(1) == 2 and w:size(2) == 1 and close(w[1][1], -0.024837296921759844)
                and close(w[2][1], 0.17503953725099564) and close(b[1], 0.05159847717732191)
                and close(b[2], -0.2536714617162943)) then return false end
        -- mapindex tables use other nodes' data tables as keys (the very same tables)
        local datas = {}
        for _, node in ipairs(g.forwardnodes) do datas[node.data] = true end
        local found = 0
        for _, node in ipairs(g.forwardnodes) do
           for k, v in pairs(node.data.mapindex) do
              if type(k) == 'table' then
                 if not datas[k] or node.data.mapindex[v] ~= k then return false end
                 found = found + 1
              end
           end
        end
        return found >= 8
    """,
    "X.t7": "local t = torch.load(p) return torch.typename(t) == 'torch.DoubleTensor' and t:size(1) == 32 "
            "and t:size(2) == 32 and t:sum() == 769 and t:eq(0):sum() == 255",
    "mnistsample.t7": "local t = torch.load(p) return torch.typename(t) == 'torch.FloatTensor' and t:dim() == 4 "
                      "and t:size(1) == 16 and t:size(2) == 28 and t:stride(1) == 784 and t:min() >= 0 "
                      "and t:max() <= 1 and math.abs(t:sum() - 1656.5531) < 1e-2",
}


@pytest.mark.parametrize("name", sorted(MANIFEST_CHECKS))
def test_real_file_loads_in_lua_with_manifest_values(t7_dir, lua, name):
    path = os.path.join(t7_dir, name)
    if name.startswith("function"):
        pytest.importorskip("lupa.luajit20")
    assert run(lua, "local p = ... " + MANIFEST_CHECKS[name], path) is True


def test_every_real_file_is_checked(t7_dir):
    assert set(REAL_FILES) == set(MANIFEST_CHECKS)


def test_legacy_bytecode_without_the_bridge_names_the_version(t7_dir, lua):
    path = os.path.join(t7_dir, "function.t7")
    msg = run(lua, "local hook = torch._luajit20 torch._luajit20 = nil "
                   "local ok, err = pcall(torch.load, ..., 'binary', {functions = true}) "
                   "torch._luajit20 = hook return tostring(err)", path)
    assert "LuaJIT 2.0 bytecode (bytecode version 1)" in msg and "LuaJIT 2.1" in msg, msg


def test_legacy_function_values_cross_as_plain_values(t7_dir, lua):
    pytest.importorskip("lupa.luajit20")
    path = os.path.join(t7_dir, "function.t7")
    out = run(lua, "local f = torch.load(..., 'binary', {functions = true}) "
                   "local ok, err = pcall(f, torch.ones(2), 1) return f(0.5, 0.25), ok, tostring(err)", path)
    assert out[0] == -0.25 and out[1] is False and "cannot cross" in out[2], out


def test_legacy_function_with_table_upvalues_and_results(lua, tmp_path):
    lj20 = pytest.importorskip("lupa.luajit20")
    from pytorch_like._ops.t7 import LuaFunction
    rt = lj20.LuaRuntime(encoding=None)
    dump = rt.eval("function() local cfg, scale local function f(x, s) "
                   "return {sum = x + cfg.base, list = {scale, x}, s = cfg.name .. (s or '') .. '\\255'} end "
                   "return string.dump(f) end")
    code = dump()
    assert code[:4] == b"\x1bLJ\x01"
    ups = LuaList([LuaTable(name="cfg", value=LuaTable(base=100, name="n\u00e9")), LuaTable(name="scale", value=3)])
    p = tmp_path / "legacy.t7"
    torch.save_lua({"f": LuaFunction(code, ups, 8)}, p)
    got = run(lua, "local o = torch.load(..., 'binary', {functions = true}) local r = o.f(5, '!') "
                   "return r.sum, r.list[1], r.list[2], r.s == 'n\\195\\169!\\255'", str(p))
    assert got == (105, 3, 5, True)
    # through `th` as well
    script = tmp_path / "legacy.lua"
    script.write_text(f"local o = torch.load({str(p)!r}, 'binary', {{functions = true}}) print('R', o.f(1).sum)")
    out = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {ROOT!r}); "
                          "from pytorch_like.th import main; sys.exit(main())", str(script)],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0 and "R\t101" in out.stdout, (out.stdout, out.stderr)


# ---------------------------------------------------------------- cross-frontend

def equiv(a, b, memo=None):
    """Deep equality of two load_lua graphs, ignoring table order, checking sharing."""
    if memo is None:
        memo = {}
    if isinstance(a, (LuaTable, LuaList, TorchObject, torch.Tensor)):
        if id(a) in memo:
            return memo[id(a)] is b
        memo[id(a)] = b
    if isinstance(a, torch.Tensor):
        return (isinstance(b, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a.numpy(), b.numpy(), equal_nan=a.dtype.is_floating_point))
    if isinstance(a, TorchObject):
        return (isinstance(b, TorchObject) and a.torch_typename() == b.torch_typename() and a.version == b.version
                and equiv(a.fields, b.fields, memo))
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(equiv(x, y, memo) for x, y in zip(a, b))
    if isinstance(a, dict):
        if not isinstance(b, dict) or len(a) != len(b):
            return False
        tkeys_b = [k for k in b if isinstance(k, (LuaTable, LuaList, TorchObject))]
        for k, v in a.items():
            if isinstance(k, (LuaTable, LuaList, TorchObject)):
                kb = memo.get(id(k)) or next((x for x in tkeys_b if equiv(k, x, dict(memo))), None)
                if kb is None or not equiv(k, kb, memo) or not equiv(v, b[kb], memo):
                    return False
            elif k not in b or not equiv(v, b[k], memo):
                return False
        return True
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if type(a) is not type(b) or a != b:
        return False
    return not isinstance(a, float) or math.copysign(1, a) == math.copysign(1, b)


def _sample():
    rng = np.random.default_rng(0)
    base = torch.from_numpy(rng.standard_normal(24).astype(np.float32))
    shared = LuaTable(x=1.5)
    selfref = LuaTable(name="me")
    selfref["me"] = selfref
    key_table = LuaTable(k=1)
    return {
        "ints": [1, 2, 3, -4, 2 ** 52],
        "floats": [0.1, -0.0, float("inf"), -float("inf"), float("nan"), 1e-310, 1.7976931348623157e308],
        "strings": ["", "hello", "h\u00e9llo \u4e16\u754c", "with\nnewline"],
        "bytes": b"\x00\xff\xfe binary\x00",
        "bools": [True, False],
        "nested": {"a": {"b": {"c": [{"x": 1}, [1, [2, [3]]]]}}},
        "shared1": shared, "shared2": [shared, shared],
        "cycle": selfref,
        key_table: "table as key", 7: "int key", 2.5: "float key", True: "bool key",
        "f64": torch.from_numpy(rng.standard_normal((3, 4))),
        "f32_view": base.view(4, 6).transpose(0, 1),
        "f32_base": base,
        "f32_narrow": base.narrow(0, 5, 7),
        "f16": torch.from_numpy(np.array([0.5, -2.0, 65504.0], dtype=np.float16)),
        "u8": torch.from_numpy(np.arange(256, dtype=np.uint8)),
        "i8": torch.from_numpy(np.arange(-128, 128, dtype=np.int8)),
        "i16": torch.from_numpy(np.array([-32768, 0, 32767], dtype=np.int16)),
        "i32": torch.from_numpy(np.array([-2 ** 31, 7, 2 ** 31 - 1], dtype=np.int32)),
        "i64": torch.from_numpy(np.array([-2 ** 40, 5, 2 ** 40], dtype=np.int64)),
        "empty": torch.from_numpy(np.zeros((0, 3), np.float64)),
        "module": TorchObject("nn.SerXLinear", LuaTable(weight=torch.from_numpy(np.ones((2, 3))), train=True), 1),
        "old_class": TorchObject("nn.SerXOld", LuaTable(v=0), 0),
        "v2_class": TorchObject("sertest.V2", LuaTable(v=2), 2),
    }


@pytest.mark.parametrize("mode", ["binary", "ascii"])
def test_python_file_through_lua_and_back(lua, tmp_path, mode):
    p1, p2 = tmp_path / "py.t7", tmp_path / "lua.t7"
    torch.save_lua(_sample(), p1, mode=mode)
    # Lua loads it, checks a few values, and saves it again
    ok = run(lua, """
        local p1, p2, mode = ...
        local o = torch.load(p1, mode)
        assert(o.cycle.me == o.cycle and o.shared2[1] == o.shared1 and o.shared2[2] == o.shared1)
        assert(o.f32_view:storage() == o.f32_base:storage(), 'views share one storage')
        assert(o.f32_view:stride(2) == 6 and o.f32_narrow:storageOffset() == 6)
        assert(torch.typename(o.module) == 'nn.SerXLinear' and o.module.weight:sum() == 6)
        assert(torch.typename(o.f16) == 'torch.HalfTensor' and o.f16[3] == 65504)
        assert(o.i64[1] == -2^40 and o.u8[256] == 255 and o[7] == 'int key' and o[2.5] == 'float key')
        assert(o.strings[3] == 'h\\195\\169llo \\228\\184\\150\\231\\149\\140' and o.bytes:byte(2) == 255)
        local n = 0
        for k, v in pairs(o) do if type(k) == 'table' then n = n + 1; assert(k.k == 1 and v == 'table as key') end end
        assert(n == 1)
        torch.save(p2, o, mode)
        return true
    """, str(p1), str(p2), mode)
    assert ok is True
    a = torch.load_lua(p1, mode=mode)
    b = torch.load_lua(p2, mode=mode)
    assert equiv(a, b)
    assert b["cycle"]["me"] is b["cycle"] and b["shared2"][0] is b["shared1"]
    assert b["f32_view"]._t.storage == b["f32_base"]._t.storage == b["f32_narrow"]._t.storage
    assert b["old_class"].version == 0 and b["v2_class"].version == 2


@pytest.mark.parametrize("mode", ["binary", "ascii"])
def test_lua_file_loads_in_python(lua, tmp_path, mode):
    p = tmp_path / "lua.t7"
    run(lua, """
        local path, mode = ...
        local Cls = torch.getmetatable('serpy.Thing') or torch.class('serpy.Thing')
        local t = torch.range(1, 6):view(2, 3)
        local shared = {1, 2}
        local obj = {t = t, col = t:select(2, 2), s = 'str', n = 2.5, b = true, shared = shared,
                     again = shared, thing = serpy.Thing(), ints = torch.IntTensor({4, 5}),
                     st = t:storage()}
        obj.thing.weight = t
        obj.me = obj
        torch.save(path, obj, mode)
    """, str(p), mode)
    o = torch.load_lua(p, mode=mode)
    assert o["me"] is o and o["again"] is o["shared"] and o["shared"] == [1, 2]
    assert o["s"] == "str" and o["n"] == 2.5 and o["b"] is True
    assert np.array_equal(o["t"].numpy(), np.arange(1, 7, dtype=np.float64).reshape(2, 3))
    assert o["col"].tolist() == [2.0, 5.0] and o["col"]._t.storage == o["t"]._t.storage
    assert o["st"]._t.storage == o["t"]._t.storage
    assert isinstance(o["thing"], TorchObject) and o["thing"].torch_typename() == "serpy.Thing"
    assert o["thing"].weight is o["t"]
    assert o["ints"].dtype == torch.int32 and o["ints"].tolist() == [4, 5]


def test_class_versions_reach_read_methods(lua, tmp_path):
    run(lua, """
        local C = torch.getmetatable('serv.Versioned') or torch.class('serv.Versioned')
        function C:read(file, version) local f = file:readObject() self.v = version; self.x = f.x end
    """)
    for version in (0, 1, 2):
        p = tmp_path / f"v{version}.t7"
        torch.save_lua([TorchObject("serv.Versioned", LuaTable(x=version * 10), version),
                        TorchObject("serv.NoSuchClass", LuaTable(y=1), version)], p)
        got = run(lua, "local o = torch.load(...) return torch.typename(o[1]), o[1].v, o[1].x, "
                       "torch.typename(o[2]), torch.version(o[2]), o[2].y", str(p))
        assert got == ("serv.Versioned", version, version * 10, "serv.NoSuchClass", version, 1), got
        q = tmp_path / f"w{version}.t7"
        run(lua, "local a, b = ... torch.save(b, torch.load(a))", str(p), str(q))
        assert torch.load_lua(q)[1].version == version    # generic objects keep their version


def test_four_byte_long_files(lua, tmp_path):
    p = tmp_path / "b32.t7"
    torch.save_lua({"t": torch.from_numpy(np.arange(6, dtype=np.int64).reshape(2, 3)), "x": 1}, p, mode="b32")
    for mode in ("binary", "b32"):
        got = run(lua, "local o = torch.load(...) return torch.typename(o.t), o.t:stride(1), o.t[2][3], o.x",
                  str(p), mode)
        assert got == ("torch.LongTensor", 3, 5, 1), (mode, got)
    msg = run(lua, "local ok, err = pcall(torch.load, ..., 'b64') return tostring(err)", str(p))
    assert "t7:" in msg


def test_torchfile_reads_lua_files(lua, tmp_path):
    if torchfile is None:
        pytest.skip("torchfile is not installed")
    p = tmp_path / "lua.t7"
    run(lua, """
        local path = ...
        local Cls = torch.getmetatable('serpy.TF') or torch.class('serpy.TF')
        local t = torch.FloatTensor({{1, 2}, {3, 4}})
        local obj = {t = t, tt = t:t(), list = {'a', 'b', 3}, obj = serpy.TF(), x = 7}
        obj.obj.w = torch.LongTensor({9, 8})
        obj.me = obj
        torch.save(path, obj)
    """, str(p))
    o = torchfile.load(str(p))
    assert o[b"x"] == 7 and o[b"list"] == [b"a", b"b", 3] and o[b"me"] is o
    assert np.array_equal(o[b"t"], np.array([[1, 2], [3, 4]], np.float32))
    assert np.array_equal(o[b"tt"], np.array([[1, 3], [2, 4]], np.float32))
    assert o[b"obj"].torch_typename() == b"serpy.TF" and o[b"obj"][b"w"].tolist() == [9, 8]


CUSTOM_CLASS = """
    local Cls = torch.getmetatable('serpy.Custom') or torch.class('serpy.Custom')
    Cls.__version = 2
    function Cls:write(file)
       file:writeInt(#self.items)
       for _, v in ipairs(self.items) do file:writeObject(v) end
       file:writeDouble(self.scale)
       file:writeString('END')
       file:writeLong(self.big)
    end
    function Cls:read(file, version)
       self.items = {}
       for i = 1, file:readInt() do self.items[i] = file:readObject() end
       self.scale, self.tail, self.big, self.v = file:readDouble(), file:readString(3), file:readLong(), version
    end
"""


def test_custom_write_methods_are_read_by_torchfile_handlers(lua, tmp_path):
    """Class write methods writing primitives and several objects produce Torch7's stream:
    the independent torchfile reader, given a handler for the class, reads it back."""
    if torchfile is None:
        pytest.skip("torchfile is not installed")
    p = tmp_path / "custom.t7"
    run(lua, CUSTOM_CLASS + """
        local path = ...
        local shared = {s = 'shared'}
        local o = serpy.Custom()
        o.items = {shared, torch.FloatTensor({1, 2, 3}), 'str', shared}
        o.scale, o.big = 0.5, 2 ^ 40 + 1
        torch.save(path, {o = o, shared = shared, after = 9})
    """, str(p))

    def handler(reader, version):
        items = [reader.read_obj() for _ in range(reader.read_int())]
        return {"version": version, "items": items, "scale": reader.read_double(), "tail": reader.f.read(3),
                "big": reader._read("<q")[0]}

    torchfile.type_handlers[b"serpy.Custom"] = handler
    try:
        o = torchfile.load(str(p))
    finally:
        del torchfile.type_handlers[b"serpy.Custom"]
    c = o[b"o"]
    assert c["version"] == b"V 2" and c["scale"] == 0.5 and c["tail"] == b"END" and c["big"] == 2 ** 40 + 1
    assert c["items"][0] is o[b"shared"] and c["items"][3] is o[b"shared"] and c["items"][2] == b"str"
    assert c["items"][1].tolist() == [1, 2, 3]
    assert o[b"after"] == 9
    # and Lua reads its own stream back through the read method
    got = run(lua, CUSTOM_CLASS + "local o = torch.load(...) return o.o.v, o.o.items[1] == o.shared, "
                                  "o.o.items[2]:sum(), o.o.tail, o.o.big, o.after", str(p))
    assert got == (2, True, 6, "END", 2 ** 40 + 1, 9), got


def test_python_names_classes_with_unknown_custom_layouts(lua, tmp_path):
    """load_lua cannot run Lua read methods: a custom payload gives an error naming the class."""
    for mode in ("binary", "ascii"):
        p = tmp_path / f"custom_{mode}.t7"
        run(lua, CUSTOM_CLASS + """
            local path, mode = ...
            local o = serpy.Custom()
            o.items, o.scale, o.big = {1, 2}, 1, 3
            torch.save(path, {x = 1, o = o}, mode)
        """, str(p), mode)
        with pytest.raises(ValueError, match=r"class serpy\.Custom at offset \d+; if that class has its own "
                                             r"write/read methods"):
            torch.load_lua(p, mode=mode)
    # a class whose write method writes one field table stays readable by Python
    q = tmp_path / "one_table.t7"
    run(lua, """
        local path = ...
        local Cls = torch.getmetatable('serpy.OneTable') or torch.class('serpy.OneTable')
        function Cls:write(file) file:writeObject({kept = self.a}) end
        local o = serpy.OneTable()
        o.a = 5
        torch.save(path, o)
    """, str(q))
    got = torch.load_lua(q)
    assert got.torch_typename() == "serpy.OneTable" and got.kept == 5


def test_real_files_round_trip_through_lua(t7_dir, lua, tmp_path):
    for name in REAL_FILES:
        if name.startswith("function"):
            continue
        q = tmp_path / name
        run(lua, "local a, b = ... torch.save(b, torch.load(a))", os.path.join(t7_dir, name), str(q))
        a = torch.load_lua(os.path.join(t7_dir, name))
        b = torch.load_lua(q)
        assert equiv(a, b) or name in ("tds_hash.t7", "tds_vec.t7"), name
        if torchfile is not None and not name.startswith("tds"):
            torchfile.load(str(q))    # readable by the independent reader


def test_lua_function_to_python_and_back(lua, tmp_path):
    p, q = tmp_path / "f.t7", tmp_path / "g.t7"
    run(lua, "local up = {k = 3} torch.save(..., {f = function(x) return x * up.k end, up = up})", str(p))
    with pytest.raises(ValueError, match="Lua function"):
        torch.load_lua(p)
    o = torch.load_lua(p, functions=True)
    assert o["f"].bytecode.startswith(b"\x1bLJ\x02")
    torch.save_lua(o, q)
    assert run(lua, "local o = torch.load(..., 'binary', {functions = true}) o.up.k = 5 return o.f(2)", str(q)) == 10
    msg = run(lua, "local ok, err = pcall(torch.load, ...) return tostring(err)", str(q))
    assert "functions=true" in msg and "arbitrary code" in msg


# ---------------------------------------------------------------- durability and hostile input

def _th(script, tmp_path, timeout=240, env=None):
    f = tmp_path / "script.lua"
    f.write_text(textwrap.dedent(script))
    e = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", **(env or {}))
    return subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {ROOT!r}); "
                           "from pytorch_like.th import main; sys.exit(main())", str(f)],
                          capture_output=True, text=True, timeout=timeout, env=e, cwd=ROOT)


def test_atomic_save_keeps_previous_checkpoint(tmp_path):
    ckpt = tmp_path / "ckpt.t7"
    out = _th(f"""
        local path = {str(ckpt)!r}
        torch.save(path, {{epoch = 1, w = torch.ones(4)}})
        -- fails while building the graph
        local ok, err = pcall(torch.save, path, {{epoch = 2, bad = coroutine.create(print)}})
        assert(not ok and tostring(err):find('Unwritable object'), tostring(err))
        assert(torch.load(path).epoch == 1)
        -- fails half way through writing 8 MB: the file size limit is 1 MB
        local ffi = require 'ffi'
        ffi.cdef[[ struct rl {{ uint64_t cur, max; }}; int setrlimit(int, const struct rl *);
                  typedef void (*sighandler_t)(int); sighandler_t signal(int, sighandler_t); ]]
        ffi.C.signal(25, ffi.cast('sighandler_t', 1))          -- SIGXFSZ ignored
        assert(ffi.C.setrlimit(1, ffi.new('struct rl', 1048576, 1048576)) == 0)  -- RLIMIT_FSIZE
        local ok2, err2 = pcall(torch.save, path, {{epoch = 3, w = torch.ones(1048576)}})
        print('SAVE', ok2, err2)
        local back = torch.load(path)
        print('EPOCH', back.epoch, back.w:sum())
    """, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "SAVE\tfalse" in out.stdout and "t7: write error" in out.stdout, out.stdout
    assert "EPOCH\t1\t4" in out.stdout, out.stdout
    assert sorted(os.listdir(tmp_path)) == ["ckpt.t7", "script.lua"]    # no temporary left behind


def test_hostile_files_give_lua_errors_never_a_crash(t7_dir, tmp_path):
    seeds = [os.path.join(t7_dir, n) for n in REAL_FILES if not n.startswith("function")]
    ours = tmp_path / "ours.t7"
    torch.save_lua(_sample(), ours)
    ours_ascii = tmp_path / "ours.ascii"
    torch.save_lua(_sample(), ours_ascii, mode="ascii")
    seeds += [str(ours), str(ours_ascii)]
    lua_list = ", ".join(repr(s).replace("'", '"') for s in seeds)
    out = _th(f"""
        local seeds = {{{lua_list}}}
        local data = {{}}
        for i, p in ipairs(seeds) do
           local f = assert(io.open(p, 'rb')); data[i] = {{f:read('*a'), p:match('ascii$') and 'ascii' or 'binary'}}; f:close()
        end
        math.randomseed(4321)
        local HUGE = {{'\\255\\255\\255\\127', '\\255\\255\\255\\255', '\\0\\0\\0\\128', '\\33\\0\\0\\0',
                      '\\0\\0\\0\\0\\0\\0\\0\\64'}}
        local function mutate(s)
           for _ = 1, math.random(1, 4) do
              local n = #s
              local pos = math.random(1, math.max(n, 1))
              local op = math.random(1, 5)
              if op == 1 then s = s:sub(1, pos - 1) .. string.char(math.random(0, 255)) .. s:sub(pos + 1)
              elseif op == 2 then s = s:sub(1, pos - 1)
              elseif op == 3 then s = s:sub(1, pos - 1) .. s:sub(pos + math.random(1, 8))
              elseif op == 4 then local h = HUGE[math.random(#HUGE)]; s = s:sub(1, pos - 1) .. h .. s:sub(pos + #h)
              else local q = math.random(1, math.max(n, 1)); s = s:sub(1, pos - 1) .. s:sub(q, q + 20) .. s:sub(pos) end
           end
           return s
        end
        local counts = {{ok = 0, err = 0}}
        local N = tonumber(os.getenv('LUA_T7_FUZZ') or '3000')
        for c = 1, N do
           local d = data[(c - 1) % #data + 1]
           local ok, err = pcall(torch.deserialize, mutate(d[1]), d[2])
           if ok then counts.ok = counts.ok + 1 else
              counts.err = counts.err + 1
              assert(type(err) == 'string' and err:find('t7') or err:find('key'), tostring(err))
           end
           if c % 500 == 0 then collectgarbage() end
        end
        print('DONE', N, counts.ok, counts.err)
    """, tmp_path, env={"LUA_T7_FUZZ": "8000"})
    assert out.returncode == 0, (out.returncode, out.stdout[-2000:], out.stderr[-3000:])
    assert "DONE\t8000" in out.stdout, out.stdout
    print(out.stdout)
