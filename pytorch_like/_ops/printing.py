"""Printing: Tensor.__repr__/__str__/__format__ with PyTorch's layout, and the print options."""
from .._printing import get_printoptions, printoptions, set_printoptions, tensor_format, tensor_repr
from ..tensor import Tensor

__all__ = ["set_printoptions", "get_printoptions", "printoptions"]

Tensor.__repr__ = tensor_repr
Tensor.__str__ = tensor_repr
Tensor.__format__ = tensor_format
