"""The Lua bridge: run Torch7-style Lua (LuaJIT, in-process) and share tensors with Python.

    from pytorch_like.lua import LuaSession
    lua = LuaSession()
    t = lua.eval("torch.range(1, 6):view(2, 3)")      # a pytorch_like.Tensor, same C tensor
    lua.call("function(x) return x:mul(2) end", t)

Lua tensors cross into Python as pytorch_like.Tensor objects holding the very same THTensor*
(and back), so nothing is copied; each side keeps its own index base.
"""
import os

from . import _lib

_PKG_DIR = os.path.dirname(os.path.abspath(__file__))


def lua_root():
    """Directory holding the Lua packages (torch, paths, sys, xlua)."""
    installed = os.path.join(_PKG_DIR, "_lua")
    if os.path.isdir(installed):
        return installed
    return os.path.normpath(os.path.join(_PKG_DIR, "..", "lua"))


def header_path():
    """The ABI header (TH.h) that LuaJIT's ffi.cdef reads."""
    installed = os.path.join(_PKG_DIR, "TH.h")
    if os.path.isfile(installed):
        return installed
    return os.path.normpath(_lib.HEADER_PATH)


def _new_runtime():
    import lupa.luajit21 as luajit
    rt = luajit.LuaRuntime(unpack_returned_tuples=True)
    root = lua_root()
    cfg = rt.eval("function(root, lib, hdr) "
                  "package.path = root .. '/?.lua;' .. root .. '/?/init.lua;' .. package.path "
                  "package.loaded['torch._config'] = {library = lib, header = hdr, luaroot = root} end")
    cfg(root, _lib.C_LIBRARY_PATH, header_path())
    return rt


class LuaObject:
    """A Lua value seen from Python: call it, index it, and call its methods (obj.method(x)
    runs obj:method(x) in Lua)."""

    __slots__ = ("_session", "_obj")

    def __init__(self, session, obj):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_obj", obj)

    def __call__(self, *args):
        return self._session._call(self._obj, *args)

    def __getattr__(self, name):
        s = self._session
        value = s._index(self._obj, name)
        if s._is_function(value) and s._is_object(self._obj):
            obj = self._obj
            return lambda *args: s._call(value, obj, *args)
        return s._to_py(value)

    def __getitem__(self, key):
        return self._session._to_py(self._session._index(self._obj, self._session._to_lua(key)))

    def __setitem__(self, key, value):
        self._session._setindex(self._obj, self._session._to_lua(key), self._session._to_lua(value))

    def field(self, name):
        """The raw field (no method binding)."""
        return self._session._to_py(self._session._index(self._obj, name))

    def __repr__(self):
        return "<LuaObject %s>" % self._session._tostring(self._obj)


class LuaSession:
    """An embedded LuaJIT with Torch7's `torch` package loaded."""

    def __init__(self, load_torch=True):
        self.runtime = _new_runtime()
        rt = self.runtime
        self._lua_eval = rt.eval
        self._index = rt.eval("function(o, k) return o[k] end")
        self._setindex = rt.eval("function(o, k, v) o[k] = v end")
        self._tostring = rt.eval("function(o) return tostring(o) end")
        self._is_function = rt.eval("function(o) return type(o) == 'function' end")
        # objects (class instances, tensors) get obj:method(...) calls; plain tables
        # (modules) get plain function calls
        self._is_object = rt.eval("function(o) if type(o) == 'cdata' then return true end "
                                  "local mt = getmetatable(o) return type(mt) == 'table' and "
                                  "rawget(mt, '__typename') ~= nil end")
        self._call_raw = rt.eval("function(f, ...) return f(...) end")
        self.torch = None
        if load_torch:
            self.torch = rt.eval("require('torch')")
            self._from_ptr = rt.eval("function(p) return torch._fromPointer(p) end")
            self._tensor_ptr = rt.eval("function(o) if torch.isTensor(o) then return torch.pointer(o) end end")
            try:
                import lupa.luajit20  # noqa: F401
            except ImportError:
                pass
            else:
                self.torch._luajit20 = _Luajit20(rt).load

    # ---------------------------------------------------------------- conversions
    def _to_lua(self, x):
        from .tensor import Tensor
        if isinstance(x, Tensor):
            addr = int(_lib.ffi.cast("uintptr_t", x._t))
            return self._from_ptr(addr)          # Lua retains the same THTensor
        if isinstance(x, LuaObject):
            return x._obj
        if isinstance(x, (list, tuple)):
            return self.runtime.table_from([self._to_lua(v) for v in x])
        if isinstance(x, dict):
            return self.runtime.table_from({k: self._to_lua(v) for k, v in x.items()})
        return x

    def _to_py(self, x):
        if x is None or isinstance(x, (bool, int, float, str, bytes)):
            return x
        if isinstance(x, tuple):
            return tuple(self._to_py(v) for v in x)
        import lupa.luajit21 as luajit
        kind = luajit.lua_type(x)
        if kind == "cdata" and self.torch is not None:     # maybe a torch tensor
            addr = self._tensor_ptr(x)
            if addr is not None:
                return tensor_from_address(int(addr))
        return LuaObject(self, x)

    def _call(self, f, *args):
        return self._to_py(self._call_raw(f, *[self._to_lua(a) for a in args]))

    # ---------------------------------------------------------------- public API
    def execute(self, code, *args):
        """Run a chunk of Lua code (args become `...`); returns its results."""
        chunk = self._lua_eval("function(code) local f, err = loadstring(code, '=(bridge)') "
                               "if not f then error(err, 0) end return f end")(code)
        return self._call(chunk, *args)

    def eval(self, expr):
        """Evaluate a Lua expression."""
        return self.execute("return " + expr)

    def require(self, name):
        """require(name) in Lua; returns the module."""
        return self._to_py(self._call_raw(self._lua_eval("require"), name))

    def call(self, fn, *args):
        """Call a Lua function: a LuaObject, a global name ('torch.add'), or Lua source
        of a function expression ('function(x) ... end')."""
        if isinstance(fn, str):
            fn = self._lua_eval(fn)
        elif isinstance(fn, LuaObject):
            fn = fn._obj
        return self._call(fn, *args)

    def call_method(self, obj, name, *args):
        """obj:name(args...) in Lua."""
        o = self._to_lua(obj)
        return self._call(self._index(o, name), o, *args)

    def globals(self):
        """The Lua global table (as a LuaObject)."""
        return LuaObject(self, self.runtime.globals())

    def __getitem__(self, name):
        return self._to_py(self.runtime.globals()[name])

    def __setitem__(self, name, value):
        self.runtime.globals()[name] = self._to_lua(value)

    def to_lua(self, x):
        """A Python value as a Lua value (tensors by reference)."""
        return LuaObject(self, self._to_lua(x)) if not isinstance(x, (int, float, str, bool, type(None))) else x


class _Luajit20:
    """Runs LuaJIT 2.0 bytecode (functions in .t7 files from old Torch7 installs, which LuaJIT
    2.1 refuses) in a separate lupa.luajit20 runtime; torch.load(..., {functions=true}) calls
    `load` through torch._luajit20. Upvalues, arguments and results cross as plain values
    (nil, booleans, numbers, strings and tables of those, copied); the 2.0 runtime has no torch."""

    def __init__(self, rt21):
        self._rt21 = rt21
        self._rt = None

    def _runtime(self):
        if self._rt is None:
            import lupa.luajit20 as lj20
            # encoding=None: strings come back as bytes, so binary strings survive the trip
            rt = lj20.LuaRuntime(encoding=None, unpack_returned_tuples=True)
            self._lj20 = lj20
            self._loader = rt.eval(
                "function(code, ups, n) local f, err = loadstring(code, '=(t7 function)') "
                "if not f then error(err, 0) end "
                "for i = 1, n do if ups[i] ~= nil then debug.setupvalue(f, i, ups[i]) end end return f end")
            self._rt = rt
        return self._rt

    def _copy(self, x, to_rt, lua_type, memo, what):
        if isinstance(x, str) and to_rt is self._rt:
            return x.encode("utf-8", "surrogateescape")
        if x is None or isinstance(x, (bool, int, float, str, bytes)):
            return x
        kind = lua_type(x)
        if kind != "table":
            raise TypeError("t7: %s holds a Lua %s, which cannot cross into or out of the LuaJIT 2.0 runtime "
                            "(only nil, booleans, numbers, strings and plain tables can)" % (what, kind or type(x).__name__))
        key = id(x)
        if key in memo:
            return memo[key][0]
        t = to_rt.table()
        memo[key] = (t, x)
        for k, v in list(x.items()):
            t[self._copy(k, to_rt, lua_type, memo, what)] = self._copy(v, to_rt, lua_type, memo, what)
        return t

    def load(self, hexcode, upvalues):
        """A Python callable running the 2.0 bytecode (hex text) with upvalues [{name, value}]."""
        import lupa.luajit21 as lj21
        rt = self._runtime()
        n = int(upvalues["n"] or 0)
        ups = rt.table()
        for i in range(1, n + 1):
            u = upvalues[i]
            if u is None or u["name"] == "_ENV":
                continue
            ups[i] = self._copy(u["value"], rt, lj21.lua_type, {}, "upvalue %s" % u["name"])
        fn = self._loader(bytes.fromhex(hexcode), ups, n)
        lj20 = self._lj20
        rt21 = self._rt21

        def call(*args):
            res = fn(*[self._copy(a, rt, lj21.lua_type, {}, "an argument") for a in args])
            if isinstance(res, tuple):
                return tuple(self._copy(r, rt21, lj20.lua_type, {}, "a result") for r in res)
            return self._copy(res, rt21, lj20.lua_type, {}, "a result")
        return call


def tensor_from_address(addr):
    """A pytorch_like.Tensor owning one new reference to the THTensor at addr."""
    from .tensor import _wrap
    ptr = _lib.ffi.cast("THTensor *", addr)
    _lib.lib.THTensor_retain(ptr)
    return _wrap(ptr)
