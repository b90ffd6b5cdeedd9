"""nn.Parameter: a Tensor that a Module registers as a learnable parameter."""
from .._lib import ffi, lib
from ..tensor import Tensor, empty


class Parameter(Tensor):
    """A Tensor that modules register as a parameter; shares data's storage; requires_grad=True by default."""

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter: data must be a Tensor, got {type(data).__name__}")
        p = Tensor.__new__(cls)
        p._t = ffi.gc(lib.THTensor_newAlias(data._t), lib.THTensor_free)
        if requires_grad:
            p.requires_grad_(True)   # raises for integer dtypes, as PyTorch does
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        r = type(self)(self.clone(), self.requires_grad)
        memo[id(self)] = r
        return r

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (Tensor.clone(self), self.requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)

