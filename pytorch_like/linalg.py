"""pytorch_like.linalg: PyTorch's torch.linalg names (implemented in pytorch_like._ops.linalg*)."""
from ._ops import linalg as _impl
from ._ops import linalg_lu as _lu
from ._ops import linalg_norms as _norms
from ._ops import linalg_powers as _powers
from ._ops import linalg_products as _products
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
norm = _norms._linalg_norm
matrix_norm = _norms.matrix_norm
cond = _norms._linalg_cond
matrix_rank = _norms._linalg_matrix_rank
pinv = _norms._linalg_pinv
lu_factor = _lu._linalg_lu_factor
lu_factor_ex = _lu._linalg_lu_factor_ex
lu = _lu._linalg_lu
lu_solve = _lu._linalg_lu_solve
matrix_power = _powers.matrix_power
matrix_exp = _powers.matrix_exp
vander = _powers._linalg_vander
multi_dot = _products._linalg_multi_dot
cross = _products._linalg_cross
tensorinv = _products._linalg_tensorinv
tensorsolve = _products._linalg_tensorsolve

__all__ = ["householder_product", "solve", "inv", "det", "slogdet", "cholesky", "qr", "svd", "svdvals", "eigh",
           "eigvalsh", "eig", "eigvals", "lstsq", "solve_triangular", "matmul", "vector_norm", "norm", "matrix_norm",
           "cond", "matrix_rank", "pinv", "lu_factor", "lu_factor_ex", "lu", "lu_solve", "matrix_power", "matrix_exp",
           "vander", "multi_dot", "cross", "tensorinv", "tensorsolve"]
