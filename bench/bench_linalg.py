"""BLAS benchmarks: sgemm/dgemm vs numpy's matmul (same OpenBLAS-class work), transposed operands; LAPACK-level
linalg functions (lu_factor, lu_solve, batched bmm/solve/inv, pinv, matrix_exp) vs PyTorch CPU."""
import numpy as np

import pytorch_like as torch
from timing import median_time, row

# GFLOP/s >= 0.95x numpy's  <=>  time ratio <= 1/0.95
TARGET = 1 / 0.95


def _paired(ours, ref, repeat=7):
    """Median times of ours and ref. Each side runs in its own block (the two OpenBLAS thread
    pools, ours and numpy's, would fight if calls alternated); blocks run twice, A B A B, and
    the better median of each side is kept, so a load spike on a busy machine hits neither alone."""
    to, tr = [], []
    for _ in range(2):
        to.append(median_time(ours, repeat=repeat, warmup=2))
        tr.append(median_time(ref, repeat=repeat, warmup=2))
    return min(to), min(tr)


def _pair(n, dtype, rng):
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    return a, b


def run():
    rng = np.random.default_rng(0)
    rows = []

    a, b = _pair(1024, np.float32, rng)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    out = torch.empty(1024, 1024)
    ours, ref = _paired(lambda: torch.mm(ta, tb, out=out), lambda: np.matmul(a, b))
    rows.append(row("linalg: sgemm 1024x1024 float32 (mm)", ours, ref, "numpy", TARGET))

    a, b = _pair(512, np.float64, rng)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    ours, ref = _paired(lambda: torch.mm(ta, tb), lambda: np.matmul(a, b))
    rows.append(row("linalg: dgemm 512x512 float64 (mm)", ours, ref, "numpy", TARGET))

    # transposed operands go to gemm as transposes: no copies, same speed as plain mm
    a, b = _pair(1024, np.float32, rng)
    ta, tb = torch.from_numpy(a).t(), torch.from_numpy(b).t()
    at, bt = a.T, b.T
    ours, ref = _paired(lambda: torch.mm(ta, tb), lambda: np.matmul(at, bt))
    rows.append(row("linalg: sgemm 1024 a.t() @ b.t() float32", ours, ref, "numpy", TARGET))

    # batched matmul with broadcasting
    x = rng.standard_normal((64, 128, 64)).astype(np.float32)
    w = rng.standard_normal((64, 96)).astype(np.float32)
    tx, tw = torch.from_numpy(x), torch.from_numpy(w)
    ours, ref = _paired(lambda: torch.matmul(tx, tw), lambda: np.matmul(x, w))
    rows.append(row("linalg: matmul (64,128,64)@(64,96) float32", ours, ref, "numpy", TARGET))
    return rows + _lapack_rows(rng)


TORCH_TARGET = 1.3


def _lapack_rows(rng):
    try:
        import torch as ref_torch
    except ImportError:  # PyTorch is only a reference; without it the rows are skipped
        return []
    rows = []

    def vs_torch(name, fn, *arrays):
        ours_in = [torch.from_numpy(a) for a in arrays]
        ref_in = [ref_torch.from_numpy(a) for a in arrays]
        ours, ref = _paired(lambda: fn(torch, *ours_in), lambda: fn(ref_torch, *ref_in), repeat=9)
        rows.append(row(name, ours, ref, "torch", TORCH_TARGET))

    a = rng.standard_normal((512, 512)).astype(np.float32)
    vs_torch("linalg: lu_factor 512x512 float32", lambda T, A: T.linalg.lu_factor(A), a)
    b = rng.standard_normal((32, 64, 8)).astype(np.float32)
    lu_a = rng.standard_normal((32, 64, 64)).astype(np.float32) + 8 * np.eye(64, dtype=np.float32)
    vs_torch("linalg: lu_factor + lu_solve batch 32 of 64x64 float32",
             lambda T, A, B: T.linalg.lu_solve(*T.linalg.lu_factor(A), B), lu_a, b)
    # many small matrices: spread over the batch (bmm) / one batched C LU (solve, inv, det), not looped per matrix
    s1, s2 = (rng.standard_normal((256, 32, 32)).astype(np.float32) for _ in range(2))
    vs_torch("linalg: bmm batch 256 of 32x32 float32", lambda T, A, B: T.bmm(A, B), s1, s2)
    sa = rng.standard_normal((256, 16, 16)).astype(np.float32) + 8 * np.eye(16, dtype=np.float32)
    sb = rng.standard_normal((256, 16, 4)).astype(np.float32)
    vs_torch("linalg: solve batch 256 of 16x16 float32", lambda T, A, B: T.linalg.solve(A, B), sa, sb)
    vs_torch("linalg: inv batch 256 of 16x16 float32", lambda T, A: T.linalg.inv(A), sa)
    vs_torch("linalg: det batch 256 of 16x16 float32", lambda T, A: T.linalg.det(A), sa)
    vs_torch("linalg: slogdet batch 256 of 16x16 float32", lambda T, A: T.linalg.slogdet(A), sa)
    vs_torch("linalg: pinv 256x256 float32", lambda T, A: T.linalg.pinv(A),
             rng.standard_normal((256, 256)).astype(np.float32))
    vs_torch("linalg: matrix_exp batch 32 of 64x64 float32", lambda T, A: T.linalg.matrix_exp(A),
             (rng.standard_normal((32, 64, 64)) / 8).astype(np.float32))
    return rows
