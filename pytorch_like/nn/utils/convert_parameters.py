"""Flatten parameters into one vector and back (PyTorch's torch.nn.utils.convert_parameters)."""
from ...tensor import Tensor
from ..._ops.shape import cat as _cat


def parameters_to_vector(parameters):
    """One 1-D tensor holding every parameter's elements in order."""
    if isinstance(parameters, Tensor):
        raise TypeError(f"expected an iterable of Tensors, but got: {parameters.type()}")
    return _cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Make each parameter a view of its slice of vec (the parameters then share vec's memory)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    parameters = list(parameters)
    need = sum(p.numel() for p in parameters)
    if vec.dim() != 1 or vec.numel() < need:
        raise ValueError(f"vector_to_parameters: vec must be a 1-D tensor of at least {need} elements (the parameters' "
                         f"total), got shape {list(vec.shape)}")
    pointer = 0
    for p in parameters:
        n = p.numel()
        view = vec[pointer:pointer + n].view_as(p)
        if view.dtype is not p.dtype:
            view = view.to(p.dtype)
        p._t = view._t
        pointer += n
