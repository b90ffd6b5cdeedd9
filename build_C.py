"""cffi build script: compiles everything under lib/ into the one extension pytorch_like._C."""
import glob
import os

import cffi
import numpy
import scipy_openblas32

ROOT = os.path.dirname(os.path.abspath(__file__))
HEADER = os.path.join(ROOT, "lib", "include", "TH.h")

ffibuilder = cffi.FFI()
with open(HEADER) as f:
    ffibuilder.cdef(f.read())   # the ABI header, verbatim
# Python-only (pytorch_like/_C_numpy.c): C tensors over numpy memory that hold a reference to the
# array, and the numpy()/from_numpy() fast paths it installs into the module.
ffibuilder.cdef("THTensor *_th_tensor_pinning(intptr_t obj, int dtype, void *data, int64_t span, "
                "int ndim, const int64_t *size, const int64_t *stride);")
ffibuilder.cdef("int _th_numpy_install(void);")
with open(os.path.join(ROOT, "pytorch_like", "_C_numpy.c")) as f:
    NUMPY_SOURCE = f.read()

sources = sorted(glob.glob(os.path.join("lib", "TH*", "*.c")))
blas_lib = scipy_openblas32.get_lib_dir()

ffibuilder.set_source(
    "pytorch_like._C",
    '#include "TH.h"\n' + NUMPY_SOURCE,
    sources=sources,
    include_dirs=[os.path.join("lib", "include"), "lib", scipy_openblas32.get_include_dir(), numpy.get_include()],
    define_macros=[("BLAS_SYMBOL_PREFIX", "scipy_")],
    libraries=[scipy_openblas32.get_library()],
    library_dirs=[blas_lib],
    extra_compile_args=["-O3", "-fopenmp", "-std=gnu11", "-fno-strict-aliasing", "-Wall",
                        "-Wno-unused-function"],
    # $ORIGIN finds the wheel next to an installed package; the absolute path serves
    # editable installs. pytorch_like/_loader.py preloads it as a last resort.
    extra_link_args=["-fopenmp", "-Wl,-rpath,$ORIGIN/../scipy_openblas32/lib", "-Wl,-rpath," + blas_lib],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=False)
