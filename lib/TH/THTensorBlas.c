/* BLAS-level tensor ops: addmm, addmv, addr, baddbmm, addbmm, dot, matmul.
 *
 * Every product funnels into gemm_views(): float32/float64 go to OpenBLAS gemm with
 * transposed operands passed as transposes (a copy only when a matrix has no unit stride
 * in either dimension); integer and bool dtypes use a plain C loop. */
#include "THIter.h"
#include "THBlas.h"
#include <stdlib.h>
#include <stdio.h>

/* ------------------------------------------------------------------ scaling (THIter) */

#define DEFINE_SCALE(CODE, T, N) \
static void scale_##N(char **d, const int64_t *s, int64_t n, void *ctx) \
{ \
    double beta = *(double *)ctx; \
    if (s[0] == sizeof(T)) { T *p = (T *)d[0]; for (int64_t i = 0; i < n; i++) p[i] = (T)(beta * p[i]); } \
    else for (int64_t i = 0; i < n; i++) { T *p = (T *)(d[0] + i * s[0]); *p = (T)(beta * *p); } \
}
TH_FORALL_FLOAT_DTYPES(DEFINE_SCALE)

#define DEFINE_SCALE_INT(CODE, T, N) \
static void scale_##N(char **d, const int64_t *s, int64_t n, void *ctx) \
{ \
    uint64_t beta = (uint64_t)(int64_t)*(double *)ctx; \
    for (int64_t i = 0; i < n; i++) { T *p = (T *)(d[0] + i * s[0]); *p = (T)(beta * (uint64_t)*p); } \
}
TH_FORALL_INT_DTYPES(DEFINE_SCALE_INT)

static void scale_Bool(char **d, const int64_t *s, int64_t n, void *ctx)
{
    (void)d; (void)s; (void)n; (void)ctx;   /* beta is neither 0 nor 1 here: true stays true */
}

/* t *= beta; beta == 0 writes zeros (the old contents, NaN included, are ignored). */
static int scale_tensor(THTensor *t, double beta)
{
    if (beta == 1.0 || THTensor_numel(t) == 0) return 0;
    if (beta == 0.0) return THTensor_zero(t);
    THLoop fn = NULL;
    switch (t->dtype) {
#define CASE(CODE, T, N) case CODE: fn = scale_##N; break;
    TH_FORALL_DTYPES(CASE)
#undef CASE
    default: return TH_setError(TH_ERR_TYPE, "scale: unsupported dtype %s", TH_dtypeName(t->dtype));
    }
    THIter it;
    TH_TRY(THIter_build(&it, 1, &t, t->ndim, t->size, 0));
    THIter_run(&it, fn, &beta, 1);
    return 0;
}

/* ------------------------------------------------------------------ integer gemm */

/* C = beta*C + alpha*A@B with wrap-around integer arithmetic (uint64 accumulation
 * truncated to T gives the same bits as computing in T). Strides in elements. */
#define DEFINE_INT_GEMM(CODE, T, N) \
static int gemm_int_##N(int64_t m, int64_t n, int64_t k, double alpha_d, \
                        const T *A, int64_t sa0, int64_t sa1, const T *B, int64_t sb0, int64_t sb1, \
                        double beta_d, T *C, int64_t sc0, int64_t sc1) \
{ \
    uint64_t alpha = (uint64_t)(int64_t)alpha_d, beta = (uint64_t)(int64_t)beta_d; \
    int failed = 0; \
    _Pragma("omp parallel if (m * n * k > 65536 && m > 1)") \
    { \
        uint64_t *acc = malloc(sizeof(uint64_t) * (size_t)n); \
        if (!acc) { _Pragma("omp atomic write") failed = 1; } \
        else { \
            _Pragma("omp for schedule(static)") \
            for (int64_t i = 0; i < m; i++) { \
                for (int64_t j = 0; j < n; j++) acc[j] = 0; \
                for (int64_t p = 0; p < k; p++) { \
                    uint64_t av = (uint64_t)A[i * sa0 + p * sa1]; \
                    if (!av) continue; \
                    const T *brow = B + p * sb0; \
                    if (sb1 == 1) for (int64_t j = 0; j < n; j++) acc[j] += av * (uint64_t)brow[j]; \
                    else for (int64_t j = 0; j < n; j++) acc[j] += av * (uint64_t)brow[j * sb1]; \
                } \
                T *crow = C + i * sc0; \
                if (beta_d == 0) for (int64_t j = 0; j < n; j++) crow[j * sc1] = (T)(alpha * acc[j]); \
                else for (int64_t j = 0; j < n; j++) \
                    crow[j * sc1] = (T)(beta * (uint64_t)crow[j * sc1] + alpha * acc[j]); \
            } \
            free(acc); \
        } \
    } \
    return failed ? TH_setError(TH_ERR_MEMORY, "mm: out of memory for an accumulator row") : 0; \
}
TH_FORALL_INT_DTYPES(DEFINE_INT_GEMM)

/* bool: C = (beta && C) || (alpha && any_p(A[i,p] && B[p,j])), PyTorch's bool addmm. */
static int gemm_int_Bool(int64_t m, int64_t n, int64_t k, double alpha, const uint8_t *A, int64_t sa0,
                         int64_t sa1, const uint8_t *B, int64_t sb0, int64_t sb1, double beta, uint8_t *C,
                         int64_t sc0, int64_t sc1)
{
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            int any = 0;
            for (int64_t p = 0; p < k && !any; p++) any = A[i * sa0 + p * sa1] && B[p * sb0 + j * sb1];
            uint8_t *c = C + i * sc0 + j * sc1;
            *c = (uint8_t)((beta != 0 && *c) || (alpha != 0 && any));
        }
    return 0;
}

/* ------------------------------------------------------------------ the gemm funnel */

/* How BLAS can read a rows x cols matrix with strides (s0, s1) in place: 'N' (row-major,
 * ld = s0), 'T' (column-major, ld = s1), or 0 (it must be copied). Strides of size-1
 * dimensions do not matter. */
static char blas_layout(int64_t rows, int64_t cols, int64_t s0, int64_t s1, int64_t *ld)
{
    int64_t mc = cols > 1 ? cols : 1, mr = rows > 1 ? rows : 1;
    if ((cols == 1 || s1 == 1) && (rows == 1 || s0 >= mc)) {
        *ld = rows == 1 ? mc : s0;
        if (*ld <= TH_BLAS_INT_MAX) return 'N';
    }
    if ((rows == 1 || s0 == 1) && (cols == 1 || s1 >= mr)) {
        *ld = cols == 1 ? mr : s1;
        if (*ld <= TH_BLAS_INT_MAX) return 'T';
    }
    return 0;
}

/* A 2-D view header of t on the stack (no reference taken): must not outlive t. */
static THTensor mat_view(const THTensor *t, int64_t offset, int64_t r, int64_t c, int64_t sr, int64_t sc)
{
    THTensor v = *t;
    v.offset = offset;
    v.ndim = 2;
    v.size[0] = r; v.size[1] = c;
    v.stride[0] = sr; v.stride[1] = sc;
    return v;
}

/* Row-major gemm into C whose rows are unit-stride (C->stride[1] == 1 or n == 1). */
static int gemm_rowmajor(const char *fn, THTensor *C, int64_t ldc, double alpha, THTensor *A, THTensor *B,
                         double beta)
{
    int64_t m = C->size[0], n = C->size[1], k = A->size[1];
    int64_t lda, ldb;
    THTensor *ca = NULL, *cb = NULL;
    char ta = blas_layout(m, k, A->stride[0], A->stride[1], &lda);
    if (!ta) {
        if (!(ca = THTensor_newClone(A))) return TH_lastErrorCode();
        A = ca; ta = 'N'; lda = k;
    }
    char tb = blas_layout(k, n, B->stride[0], B->stride[1], &ldb);
    if (!tb) {
        if (!(cb = THTensor_newClone(B))) { THTensor_free(ca); return TH_lastErrorCode(); }
        B = cb; tb = 'N'; ldb = n;
    }
    (void)fn;
    THBlas_gemm(C->dtype, ta, tb, m, n, k, alpha, THTensor_data(A), lda, THTensor_data(B), ldb, beta,
                THTensor_data(C), ldc);
    THTensor_free(ca);
    THTensor_free(cb);
    return 0;
}

/* C (m x n) = beta*C + alpha * A (m x k) @ B (k x n), all 2-D of one dtype; C must not
 * share memory with A or B. beta == 0 ignores C's old contents. */
static int gemm_views(const char *fn, THTensor *C, double alpha, THTensor *A, THTensor *B, double beta)
{
    int64_t m = C->size[0], n = C->size[1], k = A->size[1];
    if (m == 0 || n == 0) return 0;
    if (k == 0) return scale_tensor(C, beta);
    int dt = C->dtype;
    if (dt != TH_FLOAT32 && dt != TH_FLOAT64) {
        switch (dt) {
#define CASE(CODE, T, N) case CODE: \
            return gemm_int_##N(m, n, k, alpha, (const T *)THTensor_data(A), A->stride[0], A->stride[1], \
                                (const T *)THTensor_data(B), B->stride[0], B->stride[1], beta, \
                                (T *)THTensor_data(C), C->stride[0], C->stride[1]);
        TH_FORALL_INT_DTYPES(CASE)
#undef CASE
        case TH_BOOL:
            return gemm_int_Bool(m, n, k, alpha, THTensor_data(A), A->stride[0], A->stride[1], THTensor_data(B),
                                 B->stride[0], B->stride[1], beta, THTensor_data(C), C->stride[0], C->stride[1]);
        default:
            return TH_setError(TH_ERR_TYPE, "%s: not implemented for %s tensors", fn, TH_dtypeName(dt));
        }
    }
    if (m > TH_BLAS_INT_MAX || n > TH_BLAS_INT_MAX || k > TH_BLAS_INT_MAX)
        return TH_setError(TH_ERR_VALUE, "%s: matrix sizes beyond 2^31-1 are not supported by the 32-bit BLAS "
                           "(got %lldx%lld and %lldx%lld)", fn, (long long)m, (long long)k, (long long)k, (long long)n);
    int64_t ldc;
    char tc = blas_layout(m, n, C->stride[0], C->stride[1], &ldc);
    if (tc == 'N') return gemm_rowmajor(fn, C, ldc, alpha, A, B, beta);
    if (tc == 'T') {
        /* column-major C: compute C^T = B^T A^T, whose rows are unit-stride */
        THTensor ct = mat_view(C, C->offset, n, m, C->stride[1], C->stride[0]);
        THTensor at = mat_view(A, A->offset, k, m, A->stride[1], A->stride[0]);
        THTensor bt = mat_view(B, B->offset, n, k, B->stride[1], B->stride[0]);
        return gemm_rowmajor(fn, &ct, ldc, alpha, &bt, &at, beta);
    }
    /* C has no unit stride: compute into a contiguous temporary */
    THTensor *tmp = THTensor_newWithSize(dt, 2, C->size);
    if (!tmp) return TH_lastErrorCode();
    int st = 0;
    if (beta != 0) st = THTensor_copy(tmp, C);
    if (!st) st = gemm_rowmajor(fn, tmp, n, alpha, A, B, beta);
    if (!st) st = THTensor_copy(C, tmp);
    THTensor_free(tmp);
    return st;
}

/* ------------------------------------------------------------------ shared driver */

static int check_float_or_int(const char *fn, int dt)
{
    TH_CHECK(dt != TH_FLOAT16, TH_ERR_TYPE, "%s: not implemented for float16 tensors (convert to float32 first)", fn);
    TH_CHECK(TH_validDtype(dt), TH_ERR_TYPE, "%s: invalid dtype %d", fn, dt);
    return 0;
}

static int check_same_dtype(const char *fn, const char *na, const THTensor *a, const char *nb, const THTensor *b)
{
    TH_CHECK(a->dtype == b->dtype, TH_ERR_TYPE, "%s: expected %s and %s to have the same dtype, but got: %s != %s",
             fn, na, nb, TH_dtypeName(a->dtype), TH_dtypeName(b->dtype));
    return 0;
}

typedef int (*ProductBody)(const char *fn, THTensor *R, double alpha, THTensor *a, THTensor *b, double beta);

/* out = beta*M + alpha*product(a, b) with result shape `shape`: prepares out, computes
 * into a temporary when out aliases an input or differs in dtype, copies M in first. */
static int run_product(const char *fn, THTensor *out, double beta, THTensor *M, double alpha, THTensor *a,
                       THTensor *b, int dt, int ndim, const int64_t *shape, ProductBody body)
{
    TH_CHECK(out, TH_ERR_VALUE, "%s: output tensor is NULL", fn);
    if (M) {
        TH_TRY(check_same_dtype(fn, "input", M, "the product operands", a));
        int nd; int64_t bs[TH_MAX_DIMS];
        TH_CHECK(M->ndim <= ndim, TH_ERR_VALUE, "%s: the input of %d dimensions cannot be broadcast to the result "
                 "of %d dimensions", fn, M->ndim, ndim);
        if (THTensor_broadcastShape(M->ndim, M->size, ndim, shape, &nd, bs) || memcmp(bs, shape, sizeof(int64_t) * ndim)) {
            char got[160] = "", want[160] = "";
            for (int d = 0, p = 0; d < M->ndim && p < 150; d++)
                p += snprintf(got + p, sizeof got - p, d ? ", %lld" : "%lld", (long long)M->size[d]);
            for (int d = 0, p = 0; d < ndim && p < 150; d++)
                p += snprintf(want + p, sizeof want - p, d ? ", %lld" : "%lld", (long long)shape[d]);
            return TH_setError(TH_ERR_VALUE, "%s: the input of shape [%s] cannot be broadcast to the result shape [%s]",
                               fn, got, want);
        }
    }
    /* An out holding a's or b's elements is written only at the end (via a temporary);
     * holding M's is fine: gemm reads each element of C before writing it. */
    THTensor *ab[2] = {a, b};
    int full_ab, full_m = 0;
    TH_TRY(TH_checkOut(out, ndim, shape, 2, ab, &full_ab));
    if (M) TH_TRY(TH_checkOut(out, ndim, shape, 1, &M, &full_m));
    int need_tmp = (out->dtype >= 0 && out->dtype != dt) || full_ab || full_m == 2;
    if (!need_tmp) TH_TRY(TH_prepareOut(out, dt, ndim, shape));
    THTensor *R = out;
    if (need_tmp) {
        R = THTensor_newWithSize(dt, ndim, shape);
        if (!R) return TH_lastErrorCode();
    }
    int st = 0;
    double beff = 0.0;
    if (M && beta != 0.0) {
        beff = beta;
        if (R != M) st = THTensor_copy(R, M);
    }
    if (!st) st = body(fn, R, alpha, a, b, beff);
    if (!st && need_tmp) st = TH_prepareOut(out, dt, ndim, shape);
    if (!st && need_tmp) st = THTensor_copy(out, R);
    if (need_tmp) THTensor_free(R);
    if (!st) THTensor_bumpVersion(out);
    return st;
}

/* ------------------------------------------------------------------ addmm / addmv / addr / dot */

static int body_mm(const char *fn, THTensor *R, double alpha, THTensor *a, THTensor *b, double beta)
{
    return gemm_views(fn, R, alpha, a, b, beta);
}

int THTensor_addmm(THTensor *out, double beta, THTensor *M, double alpha, THTensor *a, THTensor *b)
{
    const char *fn = M ? "addmm" : "mm";
    TH_CHECK(a && b, TH_ERR_VALUE, "%s: input tensor is NULL", fn);
    TH_CHECK(a->ndim == 2, TH_ERR_VALUE, "%s: mat1 must be a matrix (2-D), got a %d-D tensor", fn, a->ndim);
    TH_CHECK(b->ndim == 2, TH_ERR_VALUE, "%s: mat2 must be a matrix (2-D), got a %d-D tensor", fn, b->ndim);
    TH_CHECK(a->size[1] == b->size[0], TH_ERR_VALUE, "%s: mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
             fn, (long long)a->size[0], (long long)a->size[1], (long long)b->size[0], (long long)b->size[1]);
    TH_TRY(check_same_dtype(fn, "mat1", a, "mat2", b));
    TH_TRY(check_float_or_int(fn, a->dtype));
    int64_t shape[2] = {a->size[0], b->size[1]};
    return run_product(fn, out, beta, M, alpha, a, b, a->dtype, 2, shape, body_mm);
}

static int body_mv(const char *fn, THTensor *R, double alpha, THTensor *mat, THTensor *vec, double beta)
{
    THTensor r = mat_view(R, R->offset, R->size[0], 1, R->stride[0], 1);
    THTensor v = mat_view(vec, vec->offset, vec->size[0], 1, vec->stride[0], 1);
    return gemm_views(fn, &r, alpha, mat, &v, beta);
}

int THTensor_addmv(THTensor *out, double beta, THTensor *v, double alpha, THTensor *mat, THTensor *vec)
{
    const char *fn = v ? "addmv" : "mv";
    TH_CHECK(mat && vec, TH_ERR_VALUE, "%s: input tensor is NULL", fn);
    TH_CHECK(mat->ndim == 2, TH_ERR_VALUE, "%s: mat must be a matrix (2-D), got a %d-D tensor", fn, mat->ndim);
    TH_CHECK(vec->ndim == 1, TH_ERR_VALUE, "%s: vec must be a vector (1-D), got a %d-D tensor", fn, vec->ndim);
    TH_CHECK(mat->size[1] == vec->size[0], TH_ERR_VALUE, "%s: size mismatch, got mat (%lldx%lld) and vec (%lld)",
             fn, (long long)mat->size[0], (long long)mat->size[1], (long long)vec->size[0]);
    TH_TRY(check_same_dtype(fn, "mat", mat, "vec", vec));
    TH_TRY(check_float_or_int(fn, mat->dtype));
    int64_t shape[1] = {mat->size[0]};
    return run_product(fn, out, beta, v, alpha, mat, vec, mat->dtype, 1, shape, body_mv);
}

static int body_outer(const char *fn, THTensor *R, double alpha, THTensor *x, THTensor *y, double beta)
{
    THTensor xv = mat_view(x, x->offset, x->size[0], 1, x->stride[0], 1);
    THTensor yv = mat_view(y, y->offset, 1, y->size[0], 1, y->stride[0]);
    return gemm_views(fn, R, alpha, &xv, &yv, beta);
}

int THTensor_addr(THTensor *out, double beta, THTensor *M, double alpha, THTensor *x, THTensor *y)
{
    const char *fn = M ? "addr" : "outer";
    TH_CHECK(x && y, TH_ERR_VALUE, "%s: input tensor is NULL", fn);
    TH_CHECK(x->ndim == 1, TH_ERR_VALUE, "%s: vec1 must be a vector (1-D), got a %d-D tensor", fn, x->ndim);
    TH_CHECK(y->ndim == 1, TH_ERR_VALUE, "%s: vec2 must be a vector (1-D), got a %d-D tensor", fn, y->ndim);
    TH_TRY(check_same_dtype(fn, "vec1", x, "vec2", y));
    TH_TRY(check_float_or_int(fn, x->dtype));
    int64_t shape[2] = {x->size[0], y->size[0]};
    return run_product(fn, out, beta, M, alpha, x, y, x->dtype, 2, shape, body_outer);
}

static int body_dot(const char *fn, THTensor *R, double alpha, THTensor *a, THTensor *b, double beta)
{
    THTensor r = mat_view(R, R->offset, 1, 1, 1, 1);
    THTensor av = mat_view(a, a->offset, 1, a->size[0], 1, a->stride[0]);
    THTensor bv = mat_view(b, b->offset, b->size[0], 1, b->stride[0], 1);
    return gemm_views(fn, &r, alpha, &av, &bv, beta);
}

int THTensor_dot(THTensor *out, THTensor *a, THTensor *b)
{
    const char *fn = "dot";
    TH_CHECK(a && b, TH_ERR_VALUE, "%s: input tensor is NULL", fn);
    TH_CHECK(a->ndim == 1 && b->ndim == 1, TH_ERR_VALUE, "%s: 1D tensors expected, but got %dD and %dD tensors",
             fn, a->ndim, b->ndim);
    TH_CHECK(a->size[0] == b->size[0], TH_ERR_VALUE, "%s: inconsistent tensor size, expected tensor [%lld] and src "
             "[%lld] to have the same number of elements, but got %lld and %lld elements respectively", fn,
             (long long)a->size[0], (long long)b->size[0], (long long)a->size[0], (long long)b->size[0]);
    TH_TRY(check_same_dtype(fn, "self", a, "tensor", b));
    TH_TRY(check_float_or_int(fn, a->dtype));
    return run_product(fn, out, 0.0, NULL, 1.0, a, b, a->dtype, 0, NULL, body_dot);
}

/* ------------------------------------------------------------------ batched */

/* Below this many multiply-adds per matrix a batch runs one single-threaded gemm per
 * OpenMP thread: OpenBLAS's own threads cost more than they save on small matrices
 * (and stall when the cores are busy); bigger matrices keep threaded BLAS. */
#define TH_BATCH_PARALLEL_MAX_WORK (1 << 22)

/* Offsets of batch element i's C, A and B matrices. */
typedef void (*BatchOffsets)(const void *ctx, int64_t i, int64_t *oc, int64_t *oa, int64_t *ob);

static int gemm_one(const char *fn, int64_t i, THTensor *C, double alpha, THTensor *A, THTensor *B, double beta,
                    BatchOffsets offsets, const void *ctx)
{
    int64_t oc, oa, ob;
    offsets(ctx, i, &oc, &oa, &ob);
    THTensor c = mat_view(C, oc, C->size[0], C->size[1], C->stride[0], C->stride[1]);
    THTensor a = mat_view(A, oa, A->size[0], A->size[1], A->stride[0], A->stride[1]);
    THTensor b = mat_view(B, ob, B->size[0], B->size[1], B->stride[0], B->stride[1]);
    return gemm_views(fn, &c, alpha, &a, &b, beta);
}

/* nbatch products C_i = beta*C_i + alpha*A_i@B_i; C, A, B are 2-D templates (sizes and
 * strides of one matrix) placed by `offsets`. Small float matrices are spread over the
 * batch (TH_parallelOK decides), each gemm on one BLAS thread. */
static int gemm_batch(const char *fn, int64_t nbatch, THTensor *C, double alpha, THTensor *A, THTensor *B,
                      double beta, BatchOffsets offsets, const void *ctx)
{
    int64_t m = C->size[0], n = C->size[1], k = A->size[1], work, total;
    if (__builtin_mul_overflow(m, n, &work) || __builtin_mul_overflow(work, k > 0 ? k : 1, &work)) work = INT64_MAX;
    if (__builtin_mul_overflow(work, nbatch, &total)) total = INT64_MAX;
    int blas_float = C->dtype == TH_FLOAT32 || C->dtype == TH_FLOAT64;
#ifdef _OPENMP
    if (blas_float && nbatch > 1 && work < TH_BATCH_PARALLEL_MAX_WORK && TH_parallelOK(total)) {
        /* gemms under TH_OMP_THRESHOLD already run on one BLAS thread: leave the count alone */
        int prev = work < TH_OMP_THRESHOLD ? 1 : THBlas_getNumThreads(), err = 0;
        char msg[2048] = "";
        if (prev > 1) THBlas_setNumThreads(1);
        #pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < nbatch; i++) {
            if (__atomic_load_n(&err, __ATOMIC_RELAXED)) continue;
            if (gemm_one(fn, i, C, alpha, A, B, beta, offsets, ctx)) {
                #pragma omp critical(th_gemm_batch_error)
                if (!err) { err = TH_lastErrorCode(); snprintf(msg, sizeof msg, "%s", TH_lastError()); }
            }
        }
        if (prev > 1) THBlas_setNumThreads(prev);
        return err ? TH_setError(err, "%s", msg) : 0;
    }
#endif
    /* one thread-count decision for the whole batch, not one per matrix */
    int nth = blas_float && m > 0 && n > 0 && k > 0 ? THBlas_threadsBegin(total / (n * k), n, k) : 0;
    int st = 0;
    for (int64_t i = 0; i < nbatch && !st; i++) st = gemm_one(fn, i, C, alpha, A, B, beta, offsets, ctx);
    THBlas_threadsEnd(nth);
    return st;
}

/* 3-D operands: batch i lies at offset + i * stride[0] */
typedef struct { int64_t oc, sc, oa, sa, ob, sb; } Strided3;

static void strided3_offsets(const void *ctx, int64_t i, int64_t *oc, int64_t *oa, int64_t *ob)
{
    const Strided3 *s = ctx;
    *oc = s->oc + i * s->sc; *oa = s->oa + i * s->sa; *ob = s->ob + i * s->sb;
}

static int body_bmm(const char *fn, THTensor *R, double alpha, THTensor *a, THTensor *b, double beta)
{
    Strided3 s = {R->offset, R->stride[0], a->offset, a->stride[0], b->offset, b->stride[0]};
    THTensor r = mat_view(R, 0, R->size[1], R->size[2], R->stride[1], R->stride[2]);
    THTensor av = mat_view(a, 0, a->size[1], a->size[2], a->stride[1], a->stride[2]);
    THTensor bv = mat_view(b, 0, b->size[1], b->size[2], b->stride[1], b->stride[2]);
    return gemm_batch(fn, R->size[0], &r, alpha, &av, &bv, beta, strided3_offsets, &s);
}

static int body_addbmm(const char *fn, THTensor *R, double alpha, THTensor *a, THTensor *b, double beta)
{
    /* every product empty or zero: skip the (possibly 2**62) batches */
    if (a->size[0] == 0 || a->size[2] == 0 || THTensor_numel(R) == 0) return scale_tensor(R, beta);
    for (int64_t i = 0; i < a->size[0]; i++) {
        THTensor av = mat_view(a, a->offset + i * a->stride[0], a->size[1], a->size[2], a->stride[1], a->stride[2]);
        THTensor bv = mat_view(b, b->offset + i * b->stride[0], b->size[1], b->size[2], b->stride[1], b->stride[2]);
        TH_TRY(gemm_views(fn, R, alpha, &av, &bv, i == 0 ? beta : 1.0));
    }
    return 0;
}

static int check_batches(const char *fn, THTensor *a, THTensor *b)
{
    TH_CHECK(a && b, TH_ERR_VALUE, "%s: input tensor is NULL", fn);
    TH_CHECK(a->ndim == 3, TH_ERR_VALUE, "%s: batch1 must be a 3-D tensor, got a %d-D tensor", fn, a->ndim);
    TH_CHECK(b->ndim == 3, TH_ERR_VALUE, "%s: batch2 must be a 3-D tensor, got a %d-D tensor", fn, b->ndim);
    TH_CHECK(a->size[0] == b->size[0] && a->size[2] == b->size[1], TH_ERR_VALUE,
             "%s: batch1 and batch2 shapes cannot be multiplied (%lldx%lldx%lld and %lldx%lldx%lld)", fn,
             (long long)a->size[0], (long long)a->size[1], (long long)a->size[2],
             (long long)b->size[0], (long long)b->size[1], (long long)b->size[2]);
    TH_TRY(check_same_dtype(fn, "batch1", a, "batch2", b));
    return check_float_or_int(fn, a->dtype);
}

int THTensor_baddbmm(THTensor *out, double beta, THTensor *M, double alpha, THTensor *a, THTensor *b)
{
    const char *fn = M ? "baddbmm" : "bmm";
    TH_TRY(check_batches(fn, a, b));
    int64_t shape[3] = {a->size[0], a->size[1], b->size[2]};
    return run_product(fn, out, beta, M, alpha, a, b, a->dtype, 3, shape, body_bmm);
}

int THTensor_addbmm(THTensor *out, double beta, THTensor *M, double alpha, THTensor *a, THTensor *b)
{
    const char *fn = "addbmm";
    TH_TRY(check_batches(fn, a, b));
    int64_t shape[2] = {a->size[1], b->size[2]};
    return run_product(fn, out, beta, M, alpha, a, b, a->dtype, 2, shape, body_addbmm);
}

/* ------------------------------------------------------------------ matmul */

/* Promote a 1-D or N-D operand to a (batch..., rows, cols) header expanded to bshape. */
static THTensor matmul_operand(const THTensor *t, int is_left, int nb, const int64_t *bshape)
{
    THTensor v = *t;
    int64_t r, c, sr, sc;
    if (t->ndim == 1) {
        if (is_left) { r = 1; c = t->size[0]; sr = 0; sc = t->stride[0]; }
        else { r = t->size[0]; c = 1; sr = t->stride[0]; sc = 0; }
    } else {
        r = t->size[t->ndim - 2]; c = t->size[t->ndim - 1];
        sr = t->stride[t->ndim - 2]; sc = t->stride[t->ndim - 1];
    }
    int tb = t->ndim > 2 ? t->ndim - 2 : 0;
    for (int d = 0; d < nb; d++) {
        int od = d - (nb - tb);
        v.size[d] = bshape[d];
        v.stride[d] = (od >= 0 && t->size[od] == bshape[d]) ? t->stride[od] : 0;
    }
    v.size[nb] = r; v.size[nb + 1] = c; v.stride[nb] = sr; v.stride[nb + 1] = sc;
    v.ndim = nb + 2;
    return v;
}

/* broadcast batch dims: flat batch index -> per-operand offsets */
typedef struct { int nb; const int64_t *bshape, *rstr; int64_t roff; const THTensor *A, *B; } MatmulBatch;

static void matmul_offsets(const void *ctx, int64_t bi, int64_t *oc, int64_t *oa, int64_t *ob)
{
    const MatmulBatch *c = ctx;
    int64_t rem = bi, a = c->A->offset, b = c->B->offset, r = c->roff;
    for (int d = c->nb - 1; d >= 0; d--) {
        int64_t idx = rem % c->bshape[d];
        rem /= c->bshape[d];
        a += idx * c->A->stride[d]; b += idx * c->B->stride[d]; r += idx * c->rstr[d];
    }
    *oc = r; *oa = a; *ob = b;
}

static int matmul_compute(const char *fn, THTensor *R, THTensor *A, THTensor *B, int nb, const int64_t *bshape)
{
    int64_t m = A->size[nb], k = A->size[nb + 1], n = B->size[nb + 1];
    /* R viewed as (batch..., m, n), contiguous (fresh or checked by the caller) */
    int64_t rstr[TH_MAX_DIMS];
    int64_t st = 1;
    rstr[nb + 1] = 1; rstr[nb] = n; st = m * n;
    for (int d = nb - 1; d >= 0; d--) { rstr[d] = st; st *= bshape[d]; }
    int64_t nbatch = 1;
    for (int d = 0; d < nb; d++) nbatch *= bshape[d];
    if (nbatch == 0 || m == 0 || n == 0) return 0;
    /* b shared by every batch and a's (batch..., m) dims foldable into rows: one big gemm */
    int fold = nb > 0 && m > 1;
    int64_t expect = A->stride[nb] * m;
    for (int d = nb - 1; d >= 0 && fold; d--) {
        if (bshape[d] == 1) continue;
        if (B->stride[d] != 0 || A->stride[d] != expect) fold = 0;
        expect *= bshape[d];
    }
    if (fold) {
        THTensor r = mat_view(R, R->offset, nbatch * m, n, n, 1);
        THTensor av = mat_view(A, A->offset, nbatch * m, k, A->stride[nb], A->stride[nb + 1]);
        THTensor bv = mat_view(B, B->offset, k, n, B->stride[nb], B->stride[nb + 1]);
        return gemm_views(fn, &r, 1.0, &av, &bv, 0.0);
    }
    MatmulBatch mb = {nb, bshape, rstr, R->offset, A, B};
    THTensor r = mat_view(R, 0, m, n, n, 1);
    THTensor av = mat_view(A, 0, m, k, A->stride[nb], A->stride[nb + 1]);
    THTensor bv = mat_view(B, 0, k, n, B->stride[nb], B->stride[nb + 1]);
    return gemm_batch(fn, nbatch, &r, 1.0, &av, &bv, 0.0, matmul_offsets, &mb);
}

int THTensor_matmul(THTensor *out, THTensor *a, THTensor *b)
{
    const char *fn = "matmul";
    TH_CHECK(out && a && b, TH_ERR_VALUE, "%s: tensor is NULL", fn);
    TH_CHECK(a->ndim >= 1 && b->ndim >= 1, TH_ERR_VALUE,
             "%s: both arguments to matmul need to be at least 1D, but they are %dD and %dD", fn, a->ndim, b->ndim);
    if (a->ndim == 1 && b->ndim == 1) return THTensor_dot(out, a, b);
    if (a->ndim == 2 && b->ndim == 2) return THTensor_addmm(out, 0.0, NULL, 1.0, a, b);
    if (a->ndim == 2 && b->ndim == 1) return THTensor_addmv(out, 0.0, NULL, 1.0, a, b);
    TH_TRY(check_same_dtype(fn, "self", a, "other", b));
    TH_TRY(check_float_or_int(fn, a->dtype));
    int64_t k_a = a->size[a->ndim - 1];
    int64_t k_b = b->ndim == 1 ? b->size[0] : b->size[b->ndim - 2];
    if (k_a != k_b) {
        if (a->ndim == 1)
            return TH_setError(TH_ERR_VALUE, "%s: size mismatch, vector of size %lld cannot be multiplied with a "
                               "matrix of %lld rows (shapes [%lld] and [..., %lld, %lld])", fn, (long long)k_a,
                               (long long)k_b, (long long)k_a, (long long)k_b, (long long)b->size[b->ndim - 1]);
        return TH_setError(TH_ERR_VALUE, "%s: mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)", fn,
                           (long long)a->size[a->ndim - 2], (long long)k_a, (long long)k_b,
                           b->ndim == 1 ? 1LL : (long long)b->size[b->ndim - 1]);
    }
    int na = a->ndim > 2 ? a->ndim - 2 : 0, nbb = b->ndim > 2 ? b->ndim - 2 : 0;
    int nb;
    int64_t bshape[TH_MAX_DIMS];
    if (THTensor_broadcastShape(na, a->size, nbb, b->size, &nb, bshape)) {
        char why[256];
        snprintf(why, sizeof why, "%s", TH_lastError());
        return TH_setError(TH_ERR_VALUE, "%s: the batch dimensions of self and other cannot be broadcast together "
                           "(%s)", fn, why);
    }
    TH_CHECK(nb + 2 <= TH_MAX_DIMS, TH_ERR_VALUE, "%s: too many dimensions", fn);
    THTensor A = matmul_operand(a, 1, nb, bshape);
    THTensor B = matmul_operand(b, 0, nb, bshape);
    int64_t m = A.size[nb], n = B.size[nb + 1];
    int64_t shape[TH_MAX_DIMS];
    int nd = 0;
    for (int d = 0; d < nb; d++) shape[nd++] = bshape[d];
    if (a->ndim > 1) shape[nd++] = m;
    if (b->ndim > 1) shape[nd++] = n;
    int dt = a->dtype;
    THTensor *ab[2] = {a, b};
    int full_ab;
    TH_TRY(TH_checkOut(out, nd, shape, 2, ab, &full_ab));
    int need_tmp = (out->dtype >= 0 && out->dtype != dt) || full_ab;
    if (!need_tmp) {
        TH_TRY(TH_prepareOut(out, dt, nd, shape));
        need_tmp = !THTensor_isContiguous(out);
    }
    THTensor *R = out;
    if (need_tmp) {
        R = THTensor_newWithSize(dt, nd, shape);
        if (!R) return TH_lastErrorCode();
    }
    int st = matmul_compute(fn, R, &A, &B, nb, bshape);
    if (!st && need_tmp) st = TH_prepareOut(out, dt, nd, shape);
    if (!st && need_tmp) st = THTensor_copy(out, R);
    if (need_tmp) THTensor_free(R);
    if (!st) THTensor_bumpVersion(out);
    return st;
}
