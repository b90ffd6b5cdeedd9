from setuptools import setup

setup(cffi_modules=["build_C.py:ffibuilder"])
