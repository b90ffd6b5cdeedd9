"""Op families (pointwise, reductions, linalg, indexing, shape, random, ...).

Each module here binds one family of C functions: it defines the functions, attaches
the matching Tensor methods, and lists its public names in __all__, which the package
re-exports. Modules are discovered, so adding a family touches no other file.
"""
import importlib
import pkgutil

MODULES = [importlib.import_module(f"{__name__}.{m.name}")
           for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)]
