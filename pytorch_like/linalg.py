"""pytorch_like.linalg: PyTorch's torch.linalg names (implemented in pytorch_like._ops.linalg)."""
from ._ops import linalg as _impl
from ._ops import reduce as _reduce_impl

solve = _impl._linalg_solve
inv = _impl._linalg_inv
det = _impl._linalg_det
slogdet = _impl._linalg_slogdet
cholesky = _impl._linalg_cholesky
qr = _impl._linalg_qr
svd = _impl._linalg_svd
svdvals = _impl._linalg_svdvals
eigh = _impl._linalg_eigh
eigvalsh = _impl._linalg_eigvalsh
eig = _impl._linalg_eig
eigvals = _impl._linalg_eigvals
lstsq = _impl._linalg_lstsq
solve_triangular = _impl._linalg_solve_triangular
matmul = _impl._linalg_matmul
householder_product = _impl._linalg_householder_product
vector_norm = _reduce_impl._vector_norm

__all__ = ["householder_product", "solve", "inv", "det", "slogdet", "cholesky", "qr", "svd", "svdvals", "eigh", "eigvalsh", "eig",
           "eigvals", "lstsq", "solve_triangular", "matmul", "vector_norm"]
