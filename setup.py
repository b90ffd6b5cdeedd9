import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = os.path.dirname(os.path.abspath(__file__))


class build_py_with_lua(build_py):
    """Non-editable installs ship the Lua packages (lua/ -> pytorch_like/_lua) and the ABI
    header LuaJIT's ffi.cdef reads (lib/include/TH.h -> pytorch_like/TH.h); editable installs
    find both in the source tree (pytorch_like/lua.py resolves either)."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        dst = os.path.join(self.build_lib, "pytorch_like")
        shutil.copytree(os.path.join(ROOT, "lua"), os.path.join(dst, "_lua"), dirs_exist_ok=True)
        shutil.copy2(os.path.join(ROOT, "lib", "include", "TH.h"), os.path.join(dst, "TH.h"))


setup(cffi_modules=["build_C.py:ffibuilder"], cmdclass={"build_py": build_py_with_lua})
