"""Products and their inverses over several dims: linalg.multi_dot (optimal chain order) and its
deprecated alias torch.chain_matmul, linalg.cross, linalg.tensorinv, linalg.tensorsolve.

All are written with differentiable ops looked up at call time (mm, cross, inv, solve,
reshape), so they record their own graphs.
"""
import math
import numbers
import warnings

from .._args import tensor_arg
from . import linalg as _la


def _P():
    import pytorch_like
    return pytorch_like


def _chain_order(dims):
    """split[i][j]: where the optimal parenthesisation of matrices i..j splits (dims: n + 1 sizes)."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _multiply(mats, split, i, j):
    if i == j:
        return mats[i]
    k = split[i][j]
    return _P().mm(_multiply(mats, split, i, k), _multiply(mats, split, k + 1, j))


def _linalg_multi_dot(tensors, *, out=None):
    """The product of a chain of matrices (the first may be a row vector, the last a column vector),
    multiplied in the order with the fewest scalar multiplications."""
    fn = "multi_dot()"
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{fn}: tensors must be a list or tuple of tensors, not {type(tensors).__name__}")
    n = len(tensors)
    if n < 2:
        raise ValueError(f"{fn}: expected at least 2 tensors but got {n}")
    for i, t in enumerate(tensors):
        tensor_arg(t, "multi_dot", f"tensors[{i}]")
    first, last = tensors[0], tensors[-1]
    if first.dim() not in (1, 2):
        raise ValueError(f"{fn}: the first tensor must be 1D or 2D but got {first.dim()}D")
    if last.dim() not in (1, 2):
        raise ValueError(f"{fn}: the last tensor must be 1D or 2D but got {last.dim()}D")
    for i in range(1, n - 1):
        if tensors[i].dim() != 2:
            raise ValueError(f"{fn}: tensor {i} must be 2D but got {tensors[i].dim()}D")
    dt = first.dtype
    for i, t in enumerate(tensors):
        if t.dtype is not dt:
            raise TypeError(f"{fn}: all tensors must have be the same dtype but tensor 0 is {dt} and tensor {i} "
                            f"{t.dtype}")
    mats = list(tensors)
    if first.dim() == 1:
        mats[0] = first.unsqueeze(0)
    if last.dim() == 1:
        mats[-1] = last.unsqueeze(-1)
    for i in range(n - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise ValueError(f"{fn}: tensors {i} and {i + 1} with shapes {list(mats[i].shape)} and "
                             f"{list(mats[i + 1].shape)} cannot be multiplied")
    dims = [mats[0].shape[0]] + [m.shape[1] for m in mats]
    r = _multiply(mats, _chain_order(dims), 0, n - 1)
    if first.dim() == 1 and last.dim() == 1:
        r = r.reshape(())
    elif first.dim() == 1:
        r = r.squeeze(0)
    elif last.dim() == 1:
        r = r.squeeze(-1)
    return _la._write_out(out, r, "multi_dot")


def chain_matmul(*matrices, out=None):
    """Deprecated torch.chain_matmul: linalg.multi_dot of 2-D matrices (a single matrix is cloned)."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
                  "parameters.", UserWarning, stacklevel=2)
    if not matrices:
        raise ValueError("chain_matmul(): Expected one or more matrices")
    for i, t in enumerate(matrices):
        tensor_arg(t, "chain_matmul", f"matrices[{i}]")
        if t.dim() != 2:
            raise ValueError(f"chain_matmul(): matrices[{i}] must be a 2-D matrix, got a {t.dim()}-D tensor")
    if len(matrices) == 1:
        return _la._write_out(out, matrices[0].clone(), "chain_matmul")
    return _P().linalg.multi_dot(list(matrices), out=out)


def _linalg_cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along dim (default the last), the other dims broadcast."""
    fn = "linalg.cross"
    tensor_arg(input, fn, "input"), tensor_arg(other, fn, "other")
    if input.dim() != other.dim():
        raise ValueError(f"{fn}: inputs must have the same number of dimensions.")
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"{fn}(): argument 'dim' must be int, not {type(dim).__name__}")
    if not -input.dim() <= dim < max(input.dim(), 1):
        raise IndexError(f"{fn}: dim {dim} is out of range for {input.dim()}-D inputs")
    a, b = input.shape[dim], other.shape[dim]
    if a != 3 or b != 3:
        raise ValueError(f"{fn}: inputs dimension {dim} must have length 3. Got {a} and {b}")
    return _P().cross(input, other, dim=int(dim), out=out)


def _prod(shape):
    return math.prod(shape)


def _linalg_tensorinv(A, ind=2, *, out=None):
    """The inverse of A for tensordot(A, ., ind): shape A.shape[ind:] + A.shape[:ind]."""
    fn = "linalg.tensorinv"
    tensor_arg(A, fn, "A")
    if isinstance(ind, bool) or not isinstance(ind, numbers.Integral) or ind <= 0:
        raise ValueError(f"{fn}: Expected a strictly positive integer for 'ind', but got {ind}")
    ind = int(ind)
    if ind > A.dim():
        raise ValueError(f"{fn}: ind ({ind}) must not exceed the number of dimensions of A ({A.dim()})")
    rows, cols = _prod(A.shape[:ind]), _prod(A.shape[ind:])
    if rows != cols:
        raise ValueError(f"{fn}: Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                         f"prod(self.shape[:ind]), but got {cols} != {rows}")
    inv = _P().linalg.inv(A.reshape(rows, cols))
    return _la._write_out(out, inv.reshape(tuple(A.shape[ind:]) + tuple(A.shape[:ind])), fn)


def _linalg_tensorsolve(A, B, dims=None, *, out=None):
    """X with tensordot(A, X, X.ndim) = B; dims: dims of A moved to the end first."""
    fn = "linalg.tensorsolve"
    tensor_arg(A, fn, "A"), tensor_arg(B, fn, "B")
    if dims is not None:
        if isinstance(dims, int):
            dims = (dims,)
        dims = [d % A.dim() if isinstance(d, int) and -A.dim() <= d < A.dim() else None for d in dims]
        if None in dims or len(set(dims)) != len(dims):
            raise ValueError(f"{fn}: dims must be distinct dims of A ({A.dim()}-D), got {dims}")
        A = A.movedim(dims, list(range(A.dim() - len(dims), A.dim())))
    if B.dim() > A.dim():
        raise ValueError(f"{fn}: B ({B.dim()}-D) must not have more dimensions than A ({A.dim()}-D)")
    lead, rest = tuple(A.shape[:B.dim()]), tuple(A.shape[B.dim():])
    if _prod(rest) != B.numel():
        raise ValueError(f"{fn}: Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                         f"prod(self.shape[:other.ndim]), but got {_prod(rest)} != {B.numel()}")
    if _prod(lead) != B.numel():
        raise ValueError(f"{fn}: the leading dims of A {list(lead)} must hold as many elements as B (shape "
                         f"{list(B.shape)})")
    x = _P().linalg.solve(A.reshape(_prod(lead), _prod(rest)), B.reshape(-1))
    return _la._write_out(out, x.reshape(rest), fn)


__all__ = ["chain_matmul"]
