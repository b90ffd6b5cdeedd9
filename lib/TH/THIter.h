/* The one iteration engine (DESIGN.md): every elementwise op, copy, fill and reduction
 * runs through it. Operands are broadcast to a common shape by stride 0, dimensions are
 * reordered by memory layout and coalesced, and the inner loop is handed to a kernel as
 * (data pointers, byte strides, count). Large iterations are split across OpenMP threads.
 */
#ifndef TH_ITER_H
#define TH_ITER_H
#include "THGeneral.h"

#define TH_ITER_MAX 6

typedef struct THIter {
    int ntensors;
    int ndim;                                  /* after coalescing; dim 0 is innermost */
    int64_t numel;
    int64_t shape[TH_MAX_DIMS];
    int64_t strides[TH_ITER_MAX][TH_MAX_DIMS];  /* bytes */
    char *data[TH_ITER_MAX];
} THIter;

/* Inner loop: n elements; operand k starts at data[k] and steps strides[k] bytes. */
typedef void (*THLoop)(char **data, const int64_t *strides, int64_t n, void *ctx);

/* Build over operands ts[0..nt) broadcast to shape[0..ndim) (row-major order of dims).
 * order_operand: dims are reordered so this operand's strides grow outward (-1 keeps
 * row-major order, as random fills need). Fails if an operand cannot broadcast. */
int THIter_build(THIter *it, int nt, THTensor *const *ts, int ndim, const int64_t *shape, int order_operand);

/* Run an elementwise loop. parallel = 0 forces one thread (and row-major visiting order
 * when built with order_operand -1). Operand 0 must not have stride-0 dimensions when
 * parallel (threads would race on it). */
void THIter_run(THIter *it, THLoop loop, void *ctx, int parallel);

/* Reductions: operand 0 is the output, broadcast by stride 0 over reduced dims.
 * The loop accumulates into operand 0 (its strides[0] may be 0 inside the run).
 * For a parallel full reduction (one output element) each thread accumulates into a
 * private accumulator initialised by init(acc, ctx); results are merged with
 * combine(dst, src, ctx) in thread order. acc_size is the output element size.
 * Partial reductions split a dim along which the output advances across threads. */
typedef void (*THLoop2d)(char **data, const int64_t *strides, int64_t n,
                         const int64_t *outer_strides, int64_t m, void *ctx);
typedef struct THReduceOps {
    THLoop loop;
    void (*init)(char *acc, void *ctx);
    void (*combine)(char *dst, const char *src, void *ctx);
    int acc_size;
    /* optional: m rows of n elements (row r of operand k at data[k] + r*outer_strides[k]).
     * Used where whole rows are visited, so a reduction over an outer dim can fold
     * several input rows per pass over the output row. */
    THLoop2d loop2d;
} THReduceOps;
void THIter_reduce(THIter *it, const THReduceOps *ops, void *ctx, int parallel);

/* Slice-wise application along one dimension (sort, cumsum, max with index, ...).
 * For every position of the other dims fn receives the first element of each operand's
 * slice; len[k] and stride[k] (bytes) describe operand k along dim. All operands must
 * have the same shape outside dim. */
typedef void (*THDimLoop)(char **data, const int64_t *len, const int64_t *stride, void *ctx);
int THIter_dimApply(int nt, THTensor *const *ts, int dim, THDimLoop fn, void *ctx, int parallel);

/* 1 when a loop of this much work should be split across OpenMP threads: above the size
 * threshold and while the machine has free cores (load average). Kernels outside THIter
 * (THNN's per-sample loops) use it in their `omp parallel ... if (...)` clauses; it is 0
 * inside a parallel region or with one thread. */
int TH_parallelOK(int64_t work);

/* Helpers every op uses. */
/* Returns t retained if it already has dtype, else a contiguous converted copy. NULL on error. */
THTensor *TH_asDtype(THTensor *t, int dtype);

/* ---- where ops write their results (THTensorOut.c): the one out= check.
 * How two tensors' memory meets, by address (views of one storage, storages viewing
 * another, foreign arrays alike): not at all, the same elements in the same layout
 * (FULL), or any other sharing (PARTIAL). Exact, not a storage-identity guess. */
enum { TH_OVERLAP_NO = 0, TH_OVERLAP_FULL = 1, TH_OVERLAP_PARTIAL = 2 };
int TH_memOverlap(const THTensor *a, const THTensor *b);
/* 1 when two elements of t share a memory location (stride 0, overlapping windows). */
int TH_internalOverlap(const THTensor *t);
/* 1 if out partially overlaps in (compute via a temporary). */
int TH_overlapsDifferently(const THTensor *out, const THTensor *in);
/* Decide out's dtype if undecided (-1), resize it to shape, refuse internal overlap. */
int TH_prepareOut(THTensor *out, int dtype, int ndim, const int64_t *shape);
/* The check every out= path makes: refuse an out whose elements alias each other (at
 * the result shape; an out of another shape will be resized; ndim < 0: judge it as it
 * is), with PyTorch's message, and classify its sharing with the inputs (NULL
 * skipped) in *full (may be NULL): 0 none; 1 it holds exactly an input's elements in
 * the same layout (ops that read each element or slice before writing it may write out
 * directly); 2 any other sharing (compute into a temporary, then copy). */
int TH_checkOut(const THTensor *out, int ndim, const int64_t *shape, int nin, THTensor *const *ins, int *full);
/* Two outputs of one op (values and indices) must not share memory: PyTorch's message. */
int TH_checkApart(const THTensor *a, const THTensor *b);
/* Where an op writes: out itself (prepared, retained), or a fresh temporary when out has
 * another dtype or holds an input's elements (unless inplace_ok: ops that read each
 * element, or each slice, before writing it). NULL on error (see TH_checkOut). */
THTensor *TH_outBegin(THTensor *out, int dtype, int ndim, const int64_t *shape, int nin, THTensor *const *ins,
                      int inplace_ok);
/* Finish what TH_outBegin began: copy a temporary into out, bump out's version, release. */
int TH_outEnd(THTensor *out, THTensor *target, int status);

#endif
