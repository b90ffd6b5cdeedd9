"""Loads the C core (pytorch_like._C) and turns its error codes into Python exceptions."""
import ctypes
import os

import scipy_openblas32

# Two thread pools share the cores: OpenMP's (our loops) and OpenBLAS's (gemm). Threads that
# spin after their region steal the core the other pool's threads need, and a training step
# alternating small gemms and elementwise ops then runs up to 10x slower. Sleeping at once
# costs a futex wake-up per parallel region (microseconds; regions are >= 32K elements).
# Both are read when the libraries load, so they are set before that; the user's values win.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

# The extension is linked against libscipy_openblas.so with an rpath; preloading it by
# absolute path also covers installs whose rpath does not point at the wheel.
ctypes.CDLL(os.path.join(scipy_openblas32.get_lib_dir(), "libscipy_openblas.so"), mode=ctypes.RTLD_GLOBAL)

from ._C import ffi, lib  # noqa: E402

C_LIBRARY_PATH = None
try:
    from . import _C as _Cmod
    C_LIBRARY_PATH = _Cmod.__file__
except Exception:  # pragma: no cover
    pass

HEADER_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "include", "TH.h")

_EXC = {
    lib.TH_ERR_RUNTIME: RuntimeError,
    lib.TH_ERR_VALUE: ValueError,
    lib.TH_ERR_INDEX: IndexError,
    lib.TH_ERR_TYPE: TypeError,
    lib.TH_ERR_MEMORY: MemoryError,
    lib.TH_ERR_NOTIMPL: NotImplementedError,
}


def error(code=None):
    """Build the Python exception for the C core's last error."""
    if code is None:
        code = lib.TH_lastErrorCode()
    msg = ffi.string(lib.TH_lastError()).decode("utf-8", "replace")
    return _EXC.get(code, RuntimeError)(msg)


def check(status):
    """Raise the C core's last error if status is non-zero."""
    if status:
        raise error(status)


def check_ptr(ptr):
    """Raise the C core's last error if ptr is NULL, else return ptr."""
    if ptr == ffi.NULL:
        raise error()
    return ptr
