"""The one ABI header: cffi built from it, and LuaJIT's ffi.cdef accepts the same text
and calls into the very shared object cffi built."""
import pytest

from pytorch_like import _lib


def _header():
    import os
    with open(os.path.join(os.path.dirname(_lib.__file__), "..", "lib", "include", "TH.h")) as f:
        return f.read()


def test_header_has_no_preprocessor_lines():
    for line in _header().splitlines():
        assert not line.lstrip().startswith("#"), line


def test_luajit_ffi_accepts_header_and_calls_C():
    luajit21 = pytest.importorskip("lupa.luajit21")
    lua = luajit21.LuaRuntime()
    fn = lua.eval("""function(hdr, path)
      local ffi = require 'ffi'
      ffi.cdef(hdr)
      local C = ffi.load(path)
      local sz = ffi.new('int64_t[3]', {5, 7, 2})
      local t = ffi.gc(C.THTensor_newWithSize(C.TH_FLOAT64, 3, sz), C.THTensor_free)
      assert(C.THTensor_fill(t, 1.5) == 0)
      local p = ffi.cast('double *', C.THTensor_data(t))
      local bad = C.THTensor_newNarrow(t, 7, 0, 1)
      return tonumber(t.size[0]), tonumber(t.size[1]), tonumber(C.THTensor_numel(t)),
             ffi.string(C.TH_dtypeName(t.dtype)), p[69], bad == nil, ffi.string(C.TH_lastError())
    end""")
    s0, s1, n, name, last, bad_is_null, msg = fn(_header(), _lib.C_LIBRARY_PATH)
    assert (s0, s1, n, name, last) == (5, 7, 70, "float64", 1.5)
    assert bad_is_null and "dimension 7 out of range" in msg


def test_lua_and_python_share_one_tensor():
    """A tensor made in C through Python is visible, unchanged, through LuaJIT's FFI."""
    luajit21 = pytest.importorskip("lupa.luajit21")
    import pytorch_like as torch
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
    lua = luajit21.LuaRuntime()
    fn = lua.eval("""function(hdr, path, addr)
      local ffi = require 'ffi'
      ffi.cdef(hdr)
      local C = ffi.load(path)
      local t = ffi.cast('THTensor *', addr)
      C.THTensor_fill(t, 9)
      return tonumber(t.size[0]) * 10 + tonumber(t.size[1])
    end""")
    addr = int(_lib.ffi.cast("uintptr_t", a._t))
    assert fn(_header(), _lib.C_LIBRARY_PATH, addr) == 22
    assert a.tolist() == [[9.0, 9.0], [9.0, 9.0]]
