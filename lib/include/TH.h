/* The one ABI header of pytorch_like.
 *
 * This text is passed verbatim to cffi's cdef() (Python frontend) and to LuaJIT's
 * ffi.cdef() (Lua frontend); the C sources include it too. So: plain C declarations
 * only -- no #include, no macros, no inline code, fixed-size integer types.
 *
 * Conventions (see DESIGN.md):
 *  - A function that can fail returns int (0 = ok, else a TH_ERR_* code) or a pointer
 *    (NULL = failed); the message is in TH_lastError() (thread-local).
 *  - Indices are 0-based in C. Functions that read or write element indices take an
 *    index_base argument (Lua passes 1, Python 0).
 *  - Functions returning THTensor* / THStorage* hand the caller one new reference.
 *  - An output tensor `out` is resized to the result shape. If out->dtype is -1
 *    (THTensor_new(-1)) it takes the natural result dtype (PyTorch promotion rules);
 *    otherwise the result is computed in, and stored as, out's dtype.
 */

enum {
    TH_FLOAT32 = 0, TH_FLOAT64 = 1, TH_FLOAT16 = 2, TH_UINT8 = 3, TH_INT8 = 4,
    TH_INT16 = 5, TH_INT32 = 6, TH_INT64 = 7, TH_BOOL = 8, TH_NDTYPES = 9
};

enum {
    TH_OK = 0, TH_ERR_RUNTIME = 1, TH_ERR_VALUE = 2, TH_ERR_INDEX = 3,
    TH_ERR_TYPE = 4, TH_ERR_MEMORY = 5, TH_ERR_NOTIMPL = 6
};

enum { TH_MAX_DIMS = 32 };

/* ---------------------------------------------------------------- general */
const char *TH_lastError(void);
int TH_lastErrorCode(void);
void TH_clearError(void);
int TH_getNumThreads(void);
void TH_setNumThreads(int n);
int TH_getNumCores(void);
int64_t TH_allocatedBytes(void);        /* bytes currently held by storages */
int TH_dtypeSize(int dtype);
const char *TH_dtypeName(int dtype);     /* "float32", ... */
int TH_isFloatingType(int dtype);
int TH_promoteTypes(int a, int b);
float TH_halfToFloat(uint16_t h);
uint16_t TH_floatToHalf(float f);

/* ---------------------------------------------------------------- storage */
/* Torch7's THAllocator: how a storage gets, grows and frees its bytes; ctx is the
 * allocator's own state. realloc may be NULL (a resize then mallocs, copies and frees). */
typedef struct THAllocator {
    void *(*malloc)(void *ctx, int64_t nbytes);
    void *(*realloc)(void *ctx, void *ptr, int64_t nbytes);
    void (*free)(void *ctx, void *ptr);
} THAllocator;
extern THAllocator THDefaultAllocator;     /* TH_alloc / TH_free: what THStorage_new uses */
/* An allocator that may run only on its owner's thread while the owner lives (a Lua session's
 * FFI callbacks, which crash when called from another thread or after the session closed).
 * Storages made with THAllocatorGuard_allocator(g) and ctx g: other threads' frees are queued
 * until the owner calls THAllocatorGuard_drain, their allocations fail with an error; after
 * THAllocatorGuard_close, allocations fail and frees are dropped (the bytes leak, no crash).
 * A guard is never freed: storages may hold it for as long as they live. */
typedef struct THAllocatorGuard THAllocatorGuard;
THAllocatorGuard *THAllocatorGuard_new(THAllocator *inner, void *ctx);   /* owner: the calling thread */
THAllocator *THAllocatorGuard_allocator(THAllocatorGuard *g);
int64_t THAllocatorGuard_drain(THAllocatorGuard *g);   /* runs the queued frees (owner's thread); their count or -1 */
void THAllocatorGuard_close(THAllocatorGuard *g);

typedef struct THStorage {
    char *data;
    int64_t size;                  /* elements */
    int dtype;
    int flags;                     /* 1 owns data (freed), 2 resizable */
    int refcount;
    int views;                     /* live storage views into this one (it must not move) */
    int64_t version;               /* bumped by every write through any view (autograd) */
    struct THStorage *base;        /* storage this one views into (retained), or NULL */
    void (*deleter)(void *ctx, void *data);  /* frees foreign memory, or NULL */
    void *deleter_ctx;
    THAllocator *allocator;        /* owned data from this allocator (NULL: TH_alloc) */
    void *allocator_ctx;
} THStorage;

THStorage *THStorage_new(int dtype, int64_t size);
THStorage *THStorage_newWithData(int dtype, void *data, int64_t size,
                                 void (*deleter)(void *ctx, void *data), void *ctx);
THStorage *THStorage_newView(THStorage *base, int64_t offset, int64_t size);
/* owned, resizable data from an allocator (Torch7's newWithAllocator); NULL: THDefaultAllocator */
THStorage *THStorage_newWithAllocator(int dtype, int64_t size, THAllocator *allocator, void *ctx);
/* file-backed storage: shared=1 MAP_SHARED read-write (file created/extended to size), 0 MAP_PRIVATE;
 * size 0 maps the whole file (file bytes / element size) */
THStorage *THStorage_newMapped(int dtype, const char *filename, int shared, int64_t size);
void THStorage_retain(THStorage *s);
void THStorage_free(THStorage *s);
int THStorage_resize(THStorage *s, int64_t size);
int THStorage_fill(THStorage *s, double value);
int THStorage_copy(THStorage *dst, THStorage *src);   /* any dtypes, same size */

/* ---------------------------------------------------------------- tensor */
typedef struct THTensor {
    THStorage *storage;            /* NULL only for a tensor with no elements */
    int64_t offset;                /* elements */
    int ndim;
    int dtype;                     /* -1: not yet decided (fresh output) */
    int refcount;
    int flags;
    int64_t size[32];
    int64_t stride[32];            /* elements */
} THTensor;

THTensor *THTensor_new(int dtype);   /* 1-D, size 0, no storage */
THTensor *THTensor_newWithSize(int dtype, int ndim, const int64_t *size);  /* uninitialised */
THTensor *THTensor_newWithStorage(THStorage *s, int64_t offset, int ndim,
                                  const int64_t *size, const int64_t *stride); /* stride NULL: contiguous */
/* a tensor over foreign memory in one call (numpy interop): a storage of span elements at data;
 * deleter(ctx, data) runs when it is freed, or before returning NULL if this fails */
THTensor *THTensor_newWithData(int dtype, void *data, int64_t span,
                               void (*deleter)(void *ctx, void *data), void *ctx,
                               int ndim, const int64_t *size, const int64_t *stride);
void THTensor_retain(THTensor *t);
void THTensor_free(THTensor *t);
int64_t THTensor_numel(const THTensor *t);
int THTensor_isContiguous(const THTensor *t);
int THTensor_isSameSizeAs(const THTensor *a, const THTensor *b);   /* same ndim and sizes (strides may differ) */
void *THTensor_data(const THTensor *t);          /* pointer to element [0,...,0] */
int THTensor_resize(THTensor *t, int ndim, const int64_t *size);  /* contiguous; may realloc */
int THTensor_resizeAs(THTensor *t, const THTensor *like);
int THTensor_setDtype(THTensor *t, int dtype);   /* only while t has no storage */
int THTensor_set(THTensor *t, THTensor *src);    /* t views src's storage and geometry */
int THTensor_setStorage(THTensor *t, THStorage *s, int64_t offset, int ndim,
                        const int64_t *size, const int64_t *stride);
int THTensor_bumpVersion(THTensor *t);

/* views: new header on the same storage; NULL on error */
THTensor *THTensor_newAlias(THTensor *t);
THTensor *THTensor_newNarrow(THTensor *t, int dim, int64_t start, int64_t length);
THTensor *THTensor_newSelect(THTensor *t, int dim, int64_t index);
THTensor *THTensor_newTranspose(THTensor *t, int dim0, int dim1);
THTensor *THTensor_newPermute(THTensor *t, int ndim, const int *dims);
THTensor *THTensor_newView(THTensor *t, int ndim, const int64_t *size);   /* one -1 allowed */
THTensor *THTensor_newReshape(THTensor *t, int ndim, const int64_t *size); /* view if possible, else copy */
THTensor *THTensor_newExpand(THTensor *t, int ndim, const int64_t *size);  /* -1 keeps a dim */
THTensor *THTensor_newUnfold(THTensor *t, int dim, int64_t size, int64_t step);
THTensor *THTensor_newSqueeze(THTensor *t);
THTensor *THTensor_newSqueezeDim(THTensor *t, int dim);
THTensor *THTensor_newUnsqueeze(THTensor *t, int dim);
THTensor *THTensor_newFlatten(THTensor *t, int start_dim, int end_dim);
THTensor *THTensor_newDiagonal(THTensor *t, int64_t offset, int dim0, int dim1);
THTensor *THTensor_newAsStrided(THTensor *t, int ndim, const int64_t *size,
                                const int64_t *stride, int64_t offset);
THTensor *THTensor_newContiguous(THTensor *t);   /* same tensor retained if contiguous */
THTensor *THTensor_newClone(THTensor *t);         /* contiguous copy, same dtype */
THTensor *THTensor_newCast(THTensor *t, int dtype); /* contiguous copy in dtype */

/* copy and fill: src is broadcast to dst's shape; any dtypes */
int THTensor_copy(THTensor *dst, THTensor *src);
int THTensor_fill(THTensor *t, double value);
int THTensor_fillInt(THTensor *t, int64_t value);
int THTensor_zero(THTensor *t);
int THTensor_itemDouble(THTensor *t, double *out);   /* t has exactly one element */
int THTensor_itemInt64(THTensor *t, int64_t *out);
int THTensor_equal(THTensor *a, THTensor *b, int *result);  /* same shape and values */
int THTensor_broadcastShape(int ndim_a, const int64_t *a, int ndim_b, const int64_t *b,
                            int *ndim_out, int64_t *out);

/* ---------------------------------------------------------------- pointwise */
enum {
    TH_UNARY_NEG = 0, TH_UNARY_ABS, TH_UNARY_SIGN, TH_UNARY_EXP, TH_UNARY_EXPM1,
    TH_UNARY_EXP2, TH_UNARY_LOG, TH_UNARY_LOG1P, TH_UNARY_LOG2, TH_UNARY_LOG10,
    TH_UNARY_SQRT, TH_UNARY_RSQRT, TH_UNARY_SIN, TH_UNARY_COS, TH_UNARY_TAN,
    TH_UNARY_ASIN, TH_UNARY_ACOS, TH_UNARY_ATAN, TH_UNARY_SINH, TH_UNARY_COSH,
    TH_UNARY_TANH, TH_UNARY_SIGMOID, TH_UNARY_FLOOR, TH_UNARY_CEIL, TH_UNARY_ROUND,
    TH_UNARY_TRUNC, TH_UNARY_FRAC, TH_UNARY_RECIPROCAL, TH_UNARY_SQUARE, TH_UNARY_ERF,
    TH_UNARY_ERFC, TH_UNARY_LGAMMA, TH_UNARY_BITWISE_NOT, TH_UNARY_LOGICAL_NOT,
    TH_UNARY_ISNAN, TH_UNARY_ISINF, TH_UNARY_ISFINITE, TH_UNARY_ROUND_HALF_AWAY, TH_UNARY_DIGAMMA,
    TH_UNARY_ERFINV, TH_UNARY_NDTRI, TH_UNARY_LOG_NDTR, TH_UNARY_ERFCX, TH_UNARY_I0, TH_UNARY_I0E,
    TH_UNARY_I1, TH_UNARY_I1E, TH_UNARY_BESSEL_J0, TH_UNARY_BESSEL_J1, TH_UNARY_BESSEL_Y0,
    TH_UNARY_BESSEL_Y1, TH_UNARY_MODIFIED_BESSEL_I0, TH_UNARY_MODIFIED_BESSEL_I1,
    TH_UNARY_MODIFIED_BESSEL_K0, TH_UNARY_MODIFIED_BESSEL_K1, TH_UNARY_SCALED_MODIFIED_BESSEL_K0,
    TH_UNARY_SCALED_MODIFIED_BESSEL_K1, TH_UNARY_SPHERICAL_BESSEL_J0, TH_UNARY_AIRY_AI,
    TH_UNARY_COUNT
};
/* ROUND is round-half-to-even (PyTorch, numpy); ROUND_HALF_AWAY is C round() (Torch7).
 * DIGAMMA and polygamma follow PyTorch at the poles: digamma(+-0) = -+inf, nan at negative integers.
 * ERFINV .. AIRY_AI are torch.special's functions of the same names (I0 is i0, the modified Bessel
 * function of order 0), computed as PyTorch's CPU kernels do (lib/TH/THSpecialMath.c). */

enum {
    TH_BINARY_ADD = 0, TH_BINARY_SUB, TH_BINARY_MUL, TH_BINARY_DIV, TH_BINARY_FLOOR_DIVIDE,
    TH_BINARY_POW, TH_BINARY_FMOD, TH_BINARY_REMAINDER, TH_BINARY_ATAN2, TH_BINARY_MINIMUM,
    TH_BINARY_MAXIMUM, TH_BINARY_BITAND, TH_BINARY_BITOR, TH_BINARY_BITXOR,
    TH_BINARY_LSHIFT, TH_BINARY_RSHIFT, TH_BINARY_LOGICAL_AND, TH_BINARY_LOGICAL_OR,
    TH_BINARY_LOGICAL_XOR, TH_BINARY_EQ, TH_BINARY_NE, TH_BINARY_LT, TH_BINARY_LE,
    TH_BINARY_GT, TH_BINARY_GE, TH_BINARY_HYPOT, TH_BINARY_TRUNC_DIVIDE,
    TH_BINARY_ZETA, TH_BINARY_IGAMMA, TH_BINARY_IGAMMAC, TH_BINARY_CHEBYSHEV_T, TH_BINARY_CHEBYSHEV_U,
    TH_BINARY_CHEBYSHEV_V, TH_BINARY_CHEBYSHEV_W, TH_BINARY_SHIFTED_CHEBYSHEV_T,
    TH_BINARY_SHIFTED_CHEBYSHEV_U, TH_BINARY_SHIFTED_CHEBYSHEV_V, TH_BINARY_SHIFTED_CHEBYSHEV_W,
    TH_BINARY_HERMITE_H, TH_BINARY_HERMITE_HE, TH_BINARY_LAGUERRE_L, TH_BINARY_LEGENDRE_P,
    TH_BINARY_LOGADDEXP, TH_BINARY_LOGADDEXP2,
    TH_BINARY_COUNT
};
/* DIV is true division (a float result for integer inputs when out->dtype is -1);
 * with an integer out dtype it truncates (Torch7's div on integer tensors).
 * ADD/SUB compute a + alpha*b / a - alpha*b; other ops ignore alpha.
 * Comparisons give bool when out->dtype is -1.
 * Integer DIV/FLOOR_DIVIDE/TRUNC_DIVIDE/FMOD/REMAINDER by zero fail (TH_ERR_RUNTIME, the message
 * starts with "ZeroDivisionError") before anything is written; INT_MIN / -1 wraps.
 * FLOOR_DIVIDE and REMAINDER follow Python (floor, sign of the divisor), FMOD follows C.
 * In binaryScalar an integral scalar joins an integer tensor's dtype (wrapping, as PyTorch);
 * a fractional one makes a comparison compute in float64.
 * ZETA (Hurwitz zeta(a, b)), IGAMMA/IGAMMAC (regularized lower/upper incomplete gamma of a at b)
 * and the polynomials (CHEBYSHEV_T .. LEGENDRE_P of a, degree b truncated to an integer, 0 for a
 * negative or non-finite degree) give a float result for integer inputs, as PyTorch's special ops. */

int THTensor_unary(THTensor *out, int op, THTensor *a);
int THTensor_binary(THTensor *out, int op, THTensor *a, THTensor *b, double alpha);
/* a op b into a new tensor of the natural dtype (one call for the frontends' operator fast path); NULL on error */
THTensor *THTensor_newBinary(int op, THTensor *a, THTensor *b);
/* tensor op scalar, or scalar op tensor when reversed != 0 */
int THTensor_binaryScalar(THTensor *out, int op, THTensor *a, double s, int reversed);
/* the same into a new tensor of the natural dtype, as newBinary; NULL on error */
THTensor *THTensor_newBinaryScalar(int op, THTensor *a, double s, int reversed);
THTensor *THTensor_newUnary(int op, THTensor *a);
/* the n-th derivative of digamma (n >= 0, else TH_ERR_RUNTIME); float result for integer input */
int THTensor_polygamma(THTensor *out, int64_t n, THTensor *a);
int THTensor_clamp(THTensor *out, THTensor *a, double min, double max, int has_min, int has_max);
int THTensor_addcmul(THTensor *out, THTensor *a, THTensor *t1, THTensor *t2, double value);
int THTensor_addcdiv(THTensor *out, THTensor *a, THTensor *t1, THTensor *t2, double value);
int THTensor_lerp(THTensor *out, THTensor *a, THTensor *b, THTensor *weight);
int THTensor_lerpScalar(THTensor *out, THTensor *a, THTensor *b, double weight);
int THTensor_where(THTensor *out, THTensor *cond, THTensor *a, THTensor *b);

/* ---------------------------------------------------------------- fused optimizer updates */
/* One Adam/AdamW step of PyTorch's single-tensor update, in place, in one pass (THTensorOptim.c):
 * exp_avg lerps toward grad by 1 - beta1; exp_avg_sq = exp_avg_sq * beta2 + (1 - beta2) grad^2;
 * max_exp_avg_sq (amsgrad; NULL without) keeps the running maximum; then
 * param += -step_size * exp_avg / (sqrt(second moment) / bias_correction2_sqrt + eps).
 * Maximize, weight decay and the bias corrections are the caller's. All tensors: the
 * parameter's float32/float64 dtype and shape; the written ones not expanded. */
int THTensor_adamUpdate(THTensor *param, THTensor *grad, THTensor *exp_avg, THTensor *exp_avg_sq,
                        THTensor *max_exp_avg_sq, double beta1, double beta2, double step_size,
                        double bias_correction2_sqrt, double eps);

/* ---------------------------------------------------------------- reductions */
enum {
    TH_REDUCE_SUM = 0, TH_REDUCE_PROD, TH_REDUCE_MEAN, TH_REDUCE_MAX, TH_REDUCE_MIN,
    TH_REDUCE_ALL, TH_REDUCE_ANY, TH_REDUCE_NORM, TH_REDUCE_LOGSUMEXP, TH_REDUCE_VAR,
    TH_REDUCE_STD, TH_REDUCE_COUNT_NONZERO, TH_REDUCE_NANSUM, TH_REDUCE_COUNT
};
/* dims/ndims select the reduced dimensions (ndims == 0: all). arg is p for NORM
 * (inf allowed) and the correction (0 biased, 1 unbiased) for VAR/STD. NANSUM is SUM
 * with NaN counted as zero. */
int THTensor_reduce(THTensor *out, int op, THTensor *a, int ndims, const int *dims,
                    int keepdim, double arg);
/* values and/or indices may be NULL */
int THTensor_maxDim(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim, int index_base);
int THTensor_minDim(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim, int index_base);
int THTensor_cumsum(THTensor *out, THTensor *a, int dim);
int THTensor_cumprod(THTensor *out, THTensor *a, int dim);
/* log(cumsum(exp(a))) along dim, stably (floating inputs only) */
int THTensor_logcumsumexp(THTensor *out, THTensor *a, int dim);
/* running max/min along dim and where it was last reached (a NaN sticks); values or indices may be NULL */
int THTensor_cummax(THTensor *values, THTensor *indices, THTensor *a, int dim, int index_base);
int THTensor_cummin(THTensor *values, THTensor *indices, THTensor *a, int dim, int index_base);
int THTensor_dist(THTensor *out, THTensor *a, THTensor *b, double p);
/* out[b,i,j] = ||x1[b,i,:] - x2[b,j,:]||_p for (B, P, M) x1 and (B, R, M) x2 (float32/float64, any p >= 0) */
int THTensor_cdist(THTensor *out, THTensor *x1, THTensor *x2, double p);

/* ---------------------------------------------------------------- BLAS */
/* out = beta*M + alpha*(a @ b); M may be NULL (then beta is ignored) */
int THTensor_addmm(THTensor *out, double beta, THTensor *M, double alpha, THTensor *a, THTensor *b);
int THTensor_addmv(THTensor *out, double beta, THTensor *v, double alpha, THTensor *mat, THTensor *vec);
int THTensor_addr(THTensor *out, double beta, THTensor *M, double alpha, THTensor *x, THTensor *y);
int THTensor_baddbmm(THTensor *out, double beta, THTensor *M, double alpha, THTensor *a, THTensor *b);
int THTensor_addbmm(THTensor *out, double beta, THTensor *M, double alpha, THTensor *a, THTensor *b);
int THTensor_dot(THTensor *out, THTensor *a, THTensor *b);     /* out is 0-dim */
int THTensor_matmul(THTensor *out, THTensor *a, THTensor *b);  /* numpy matmul rules */

/* ---------------------------------------------------------------- LAPACK (float32/float64) */
/* Inputs are never modified; b may be 1-D (x is then 1-D). Not requested outputs (lu,
 * v without eigenvectors) may be NULL or are resized to empty. Failures (singular, not
 * positive-definite, no convergence) are TH_ERR_RUNTIME naming the function. */
int THTensor_gesv(THTensor *x, THTensor *lu, THTensor *b, THTensor *a);   /* solve a x = b; lu may be NULL */
int THTensor_inverse(THTensor *out, THTensor *a);
int THTensor_potrf(THTensor *out, THTensor *a, int upper);     /* Cholesky factor */
int THTensor_potrs(THTensor *out, THTensor *b, THTensor *chol, int upper);
int THTensor_potri(THTensor *out, THTensor *chol, int upper);
int THTensor_qr(THTensor *q, THTensor *r, THTensor *a);        /* reduced QR */
int THTensor_svd(THTensor *u, THTensor *s, THTensor *v, THTensor *a, int some);  /* a = u diag(s) v^T */
int THTensor_symeig(THTensor *e, THTensor *v, THTensor *a, int eigenvectors, int upper); /* ascending */
int THTensor_eig(THTensor *e, THTensor *v, THTensor *a, int eigenvectors); /* e: n x 2 (re, im) */
int THTensor_det(THTensor *out, THTensor *a);
int THTensor_trtrs(THTensor *x, THTensor *b, THTensor *a, int upper, int transpose, int unitriangular);
/* least squares / least norm; x: n rows; a_out (may be NULL): A's QR (m >= n) or LQ (m < n) factor
 * as LAPACK gels leaves it (Torch7's second result) */
int THTensor_gels(THTensor *x, THTensor *a_out, THTensor *b, THTensor *a);
int THTensor_geqrf(THTensor *a_out, THTensor *tau, THTensor *a);  /* QR in LAPACK's Householder form */
int THTensor_orgqr(THTensor *q, THTensor *a, THTensor *tau);      /* Q (m x n) from geqrf's reflectors */
int THTensor_ormqr(THTensor *out, THTensor *a, THTensor *tau, THTensor *c, int left, int transpose); /* op(Q) c or c op(Q) */
int THTensor_pstrf(THTensor *u, THTensor *piv, THTensor *a, int upper, double tol, int index_base); /* P^T A P = U^T U; piv int32 */
/* LU with partial pivoting of each matrix of a (..., m, n): A = P L U. lu (..., m, n) holds L below the
 * unit diagonal and U on and above it; piv (..., min(m, n)) int32: row i was swapped with row piv[i]
 * (index_base); info (..., int32; may be NULL): 0, or the 1-based k of the first zero U(k,k). */
int THTensor_getrf(THTensor *lu, THTensor *piv, THTensor *info, THTensor *a, int index_base);
/* Solve op(A) X = B for each square A of a batch from getrf's lu and piv (batch shapes equal to b's);
 * b (..., n, k); trans: 0 A, 1 A^T. A zero on U's diagonal gives inf/nan, as LAPACK getrs does. */
int THTensor_getrs(THTensor *x, THTensor *lu, THTensor *piv, THTensor *b, int trans, int index_base);
/* Cholesky factor of each matrix of a (..., n, n): lower L (upper: U), the other triangle zero. info
 * (..., int32): 0, or the order k of the first leading minor that is not positive-definite (that
 * matrix's factor is then partial). */
int THTensor_potrfBatched(THTensor *out, THTensor *info, THTensor *a, int upper);

/* ---------------------------------------------------------------- indexing */
int THTensor_indexSelect(THTensor *out, THTensor *src, int dim, THTensor *index, int index_base);
int THTensor_indexCopy(THTensor *self, int dim, THTensor *index, THTensor *src, int index_base);
int THTensor_indexAdd(THTensor *self, int dim, THTensor *index, THTensor *src, double alpha, int index_base);
int THTensor_indexFill(THTensor *self, int dim, THTensor *index, double value, int index_base);
int THTensor_gather(THTensor *out, THTensor *src, int dim, THTensor *index, int index_base);
int THTensor_scatter(THTensor *self, int dim, THTensor *index, THTensor *src, int index_base);
int THTensor_scatterAdd(THTensor *self, int dim, THTensor *index, THTensor *src, int index_base);
int THTensor_scatterFill(THTensor *self, int dim, THTensor *index, double value, int index_base);
int THTensor_maskedFill(THTensor *self, THTensor *mask, double value);   /* mask bool/uint8, broadcast */
int THTensor_maskedSelect(THTensor *out, THTensor *src, THTensor *mask); /* 1-D result */
int THTensor_maskedScatter(THTensor *self, THTensor *mask, THTensor *src);
int THTensor_nonzero(THTensor *out, THTensor *src, int index_base);      /* n x ndim int64 */
int THTensor_take(THTensor *out, THTensor *src, THTensor *index, int index_base); /* negative wraps */
int THTensor_put(THTensor *self, THTensor *index, THTensor *src, int accumulate, int index_base);

/* ---------------------------------------------------------------- sort and selection */
int THTensor_sort(THTensor *values, THTensor *indices, THTensor *a, int dim, int descending,
                  int stable, int index_base);
int THTensor_topk(THTensor *values, THTensor *indices, THTensor *a, int64_t k, int dim,
                  int largest, int sorted, int index_base);
int THTensor_kthvalue(THTensor *values, THTensor *indices, THTensor *a, int64_t k, int dim,
                      int keepdim, int index_base);   /* k-th smallest, k >= 1 */
int THTensor_median(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim,
                    int index_base);                  /* lower median */
int THTensor_mode(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim,
                  int index_base);

/* ---------------------------------------------------------------- construction and shape */
int THTensor_cat(THTensor *out, int n, THTensor **inputs, int dim);
int THTensor_stack(THTensor *out, int n, THTensor **inputs, int dim);
/* [start, end) when inclusive == 0 (PyTorch arange), [start, end] otherwise (Torch7 range) */
int THTensor_arange(THTensor *out, double start, double end, double step, int inclusive);
int THTensor_linspace(THTensor *out, double start, double end, int64_t steps);
int THTensor_logspace(THTensor *out, double start, double end, int64_t steps, double base);
int THTensor_eye(THTensor *out, int64_t n, int64_t m);
int THTensor_diag(THTensor *out, THTensor *a, int64_t k);
int THTensor_tril(THTensor *out, THTensor *a, int64_t k);
int THTensor_triu(THTensor *out, THTensor *a, int64_t k);
int THTensor_trace(THTensor *out, THTensor *a);
int THTensor_cross(THTensor *out, THTensor *a, THTensor *b, int dim);
int THTensor_histc(THTensor *out, THTensor *a, int64_t bins, double min, double max);
int THTensor_renorm(THTensor *out, THTensor *a, double p, int dim, double maxnorm);
int THTensor_flip(THTensor *out, THTensor *a, int ndims, const int *dims);
int THTensor_roll(THTensor *out, THTensor *a, int nshifts, const int64_t *shifts, const int *dims);
int THTensor_repeat(THTensor *out, THTensor *a, int nrepeats, const int64_t *repeats);

/* ---------------------------------------------------------------- random (Torch7 MT19937) */
typedef struct THGenerator {       /* byte layout of Torch7's THGenerator on LP64 */
    uint64_t the_initial_seed;
    int left;
    int seeded;
    uint64_t next;
    uint64_t state[624];
    double normal_x;
    double normal_y;
    double normal_rho;
    int normal_is_valid;
} THGenerator;

THGenerator *THGenerator_new(void);          /* seeded from /dev/urandom */
void THGenerator_free(THGenerator *g);
THGenerator *THGenerator_default(void);      /* process-wide generator, never freed */
int THGenerator_copy(THGenerator *dst, const THGenerator *src);
void THGenerator_manualSeed(THGenerator *g, uint64_t seed);
uint64_t THGenerator_seed(THGenerator *g);   /* reseed from /dev/urandom, return the seed */
uint64_t THGenerator_initialSeed(THGenerator *g);
int64_t THGenerator_stateSize(void);
int THGenerator_getState(THGenerator *g, void *bytes, int64_t n);
int THGenerator_setState(THGenerator *g, const void *bytes, int64_t n);
uint32_t THRandom_random(THGenerator *g);                 /* raw 32-bit MT output */
uint64_t THRandom_random64(THGenerator *g);               /* two draws: hi << 32 | lo */
double THRandom_uniform(THGenerator *g, double a, double b);
double THRandom_normal(THGenerator *g, double mean, double stdv);
double THRandom_exponential(THGenerator *g, double lambda);
double THRandom_cauchy(THGenerator *g, double median, double sigma);
double THRandom_logNormal(THGenerator *g, double mean, double stdv);
int THRandom_geometric(THGenerator *g, double p);
int THRandom_bernoulli(THGenerator *g, double p);

/* fills visit elements in row-major order, one draw each (Torch7's order) */
int THTensor_uniform(THTensor *t, THGenerator *g, double a, double b);
int THTensor_normal(THTensor *t, THGenerator *g, double mean, double stdv);
int THTensor_exponential(THTensor *t, THGenerator *g, double lambda);
int THTensor_cauchy(THTensor *t, THGenerator *g, double median, double sigma);
int THTensor_logNormal(THTensor *t, THGenerator *g, double mean, double stdv);
int THTensor_geometric(THTensor *t, THGenerator *g, double p);
int THTensor_bernoulli(THTensor *t, THGenerator *g, double p);
int THTensor_bernoulliTensor(THTensor *t, THGenerator *g, THTensor *probs);
int THTensor_random(THTensor *t, THGenerator *g);   /* Torch7's per-dtype reduction of the raw draw */
int THTensor_randomRange(THTensor *t, THGenerator *g, int64_t low, int64_t high); /* [low, high] */
int THTensor_randperm(THTensor *out, THGenerator *g, int64_t n, int index_base);
int THTensor_multinomial(THTensor *out, THGenerator *g, THTensor *probs, int64_t n,
                         int replacement, int index_base);

/* ================================================================ THNN (lib/THNN)
 * Stateless neural-network kernels in THNN's style (torch7-nn.md §3), one symbol per op
 * for float32 and float64 (dispatched on the input's dtype; other dtypes TH_ERR_TYPE):
 *   int THNN_<Op>_updateOutput(input, output, [weight], [bias], [buffers], [args])
 *   int THNN_<Op>_updateGradInput(input, gradOutput, gradInput, ...)
 *   int THNN_<Op>_accGradParameters(input, gradOutput, gradWeight, gradBias, ..., double scale)
 *   criterions: updateOutput(input, target, output, ...), updateGradInput(input, target, gradInput, ...)
 * No THNNState argument; Torch7's `accreal`/`bool`/`long` become double/int/int64_t.
 * Outputs and buffers are resized by the callee (a fresh THTensor_new(-1) takes the input's
 * dtype). Optional tensors may be NULL. Index tensors (targets, pooling indices, lookup
 * inputs) are int64 and come with an index_base argument (Lua 1, Python 0). Errors name
 * the module, the argument and the expected shape. */

/* ---------------------------------------------------------------- THNN: activations, criterions, normalization, lookup */

/* Elementwise activations (THIter; inplace != 0 makes output a view of input, and the
 * gradient a view of gradOutput). Float32/float64, any shape. */
int THNN_Abs_updateOutput(THTensor *input, THTensor *output);
int THNN_Abs_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput);
int THNN_ELU_updateOutput(THTensor *input, THTensor *output, double alpha, int inplace);
int THNN_ELU_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output,
                             double alpha, int inplace);   /* from output; input unused (may be NULL) */
int THNN_HardTanh_updateOutput(THTensor *input, THTensor *output, double min_val, double max_val, int inplace);
int THNN_HardTanh_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, double min_val,
                                  double max_val, int inplace);
int THNN_LeakyReLU_updateOutput(THTensor *input, THTensor *output, double negval, int inplace);
int THNN_LeakyReLU_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, double negval,
                                   int inplace);
int THNN_LogSigmoid_updateOutput(THTensor *input, THTensor *output, THTensor *buffer);
int THNN_LogSigmoid_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *buffer);
int THNN_Sigmoid_updateOutput(THTensor *input, THTensor *output);
int THNN_Sigmoid_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output);
int THNN_Tanh_updateOutput(THTensor *input, THTensor *output);
int THNN_Tanh_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output);
int THNN_SoftPlus_updateOutput(THTensor *input, THTensor *output, double beta, double threshold);
int THNN_SoftPlus_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output,
                                  double beta, double threshold);  /* from input; output unused */
int THNN_SoftShrink_updateOutput(THTensor *input, THTensor *output, double lambda);
int THNN_SoftShrink_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, double lambda);
int THNN_HardShrink_updateOutput(THTensor *input, THTensor *output, double lambda);
int THNN_HardShrink_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, double lambda);
int THNN_Sqrt_updateOutput(THTensor *input, THTensor *output, double eps);
int THNN_Sqrt_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output);
int THNN_Square_updateOutput(THTensor *input, THTensor *output);
int THNN_Square_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput);
int THNN_Threshold_updateOutput(THTensor *input, THTensor *output, double threshold, double val, int inplace);
int THNN_Threshold_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, double threshold,
                                   double val, int inplace);
/* RReLU: train draws noise (slopes in [lower, upper] for x <= 0, else 1) in row-major
 * order from generator (NULL: the default one); eval uses the slope (lower + upper) / 2. */
int THNN_RReLU_updateOutput(THTensor *input, THTensor *output, THTensor *noise, double lower, double upper,
                            int train, int inplace, THGenerator *generator);
int THNN_RReLU_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *noise,
                               double lower, double upper, int train, int inplace);
/* PReLU: nOutputPlane 0 = one shared slope, else one per channel; channels are dim 0 of
 * 1-D/3-D inputs and dim 1 of 2-D and >= 4-D inputs (THNN). gradWeightBuf* unused (NULL ok);
 * accGradParameters adds scale * dL/dweight into gradWeight. */
int THNN_PReLU_updateOutput(THTensor *input, THTensor *output, THTensor *weight, int64_t nOutputPlane);
int THNN_PReLU_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight,
                               int64_t nOutputPlane);
int THNN_PReLU_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight,
                                 THTensor *gradWeight, THTensor *gradWeightBuf, THTensor *gradWeightBuf2,
                                 int64_t nOutputPlane, double scale);

/* SoftMax / LogSoftMax over dim; dim < 0 picks THNN's feature dim (dim 0 of 1-D/3-D,
 * dim 1 of 2-D/4-D inputs). The gradient comes from the saved output (input may be NULL). */
int THNN_SoftMax_updateOutput(THTensor *input, THTensor *output, int dim);
int THNN_SoftMax_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output,
                                 int dim);
int THNN_LogSoftMax_updateOutput(THTensor *input, THTensor *output, int dim);
int THNN_LogSoftMax_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output,
                                    int dim);

/* Criterions. reduce != 0: output holds one value (an existing one-element output keeps its
 * shape, else it becomes 0-D): the sum, or the mean when sizeAverage. reduce == 0: the
 * per-element (per-sample for the class criterions) losses. updateGradInput takes the
 * gradient of the loss: one value when reduce (NULL means 1), else shaped like output. */
int THNN_MSECriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage, int reduce);
int THNN_MSECriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput, THTensor *gradInput,
                                      int sizeAverage, int reduce);
int THNN_AbsCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage, int reduce);
int THNN_AbsCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput, THTensor *gradInput,
                                      int sizeAverage, int reduce);
int THNN_SmoothL1Criterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage,
                                        int reduce);
int THNN_SmoothL1Criterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                           THTensor *gradInput, int sizeAverage, int reduce);
int THNN_SoftMarginCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage,
                                          int reduce);
int THNN_SoftMarginCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                             THTensor *gradInput, int sizeAverage, int reduce);
int THNN_DistKLDivCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage,
                                         int reduce);
int THNN_DistKLDivCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                            THTensor *gradInput, int sizeAverage, int reduce);
int THNN_MarginCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage,
                                      double margin, int reduce);
int THNN_MarginCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                         THTensor *gradInput, int sizeAverage, double margin, int reduce);
/* weights (optional) broadcast to the input */
int THNN_BCECriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage,
                                   THTensor *weights, int reduce);
int THNN_BCECriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput, THTensor *gradInput,
                                      int sizeAverage, THTensor *weights, int reduce);
/* ClassNLL: input C or N x C log-probabilities, int64 target () / (1) or (N) in index_base;
 * weights optional (C); total_weight [BUFFER] gets the summed weight of the counted targets
 * (mean = sum / total_weight); a target equal to ignore_index (compared raw) is skipped. */
int THNN_ClassNLLCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage,
                                        THTensor *weights, THTensor *total_weight, int64_t ignore_index,
                                        int reduce, int index_base);
int THNN_ClassNLLCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                           THTensor *gradInput, int sizeAverage, THTensor *weights,
                                           THTensor *total_weight, int64_t ignore_index, int reduce,
                                           int index_base);
/* SpatialClassNLL: input N x C x H x W, target N x H x W (no reduction: output N x H x W). */
int THNN_SpatialClassNLLCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output,
                                               int sizeAverage, THTensor *weights, THTensor *total_weight,
                                               int64_t ignore_index, int reduce, int index_base);
int THNN_SpatialClassNLLCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                                  THTensor *gradInput, int sizeAverage, THTensor *weights,
                                                  THTensor *total_weight, int64_t ignore_index, int reduce,
                                                  int index_base);
/* MultiMargin: sum_{j != y} w[y] * max(0, margin - x[y] + x[j])^p / C per sample, p 1 or 2;
 * mean over samples when sizeAverage. */
int THNN_MultiMarginCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage,
                                           int p, THTensor *weights, double margin, int reduce, int index_base);
int THNN_MultiMarginCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                              THTensor *gradInput, int sizeAverage, int p, THTensor *weights,
                                              double margin, int reduce, int index_base);
/* MultiLabelMargin: target shaped like input, class indices ended by the first value below
 * index_base (Lua pads with 0, Python with -1); isTarget [BUFFER] marks the target classes. */
int THNN_MultiLabelMarginCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output,
                                                THTensor *isTarget, int sizeAverage, int reduce, int index_base);
int THNN_MultiLabelMarginCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                                   THTensor *gradInput, THTensor *isTarget, int sizeAverage,
                                                   int reduce, int index_base);

/* BatchNormalization: input N x C or N x C x ...; weight/bias optional (C); train: batch
 * statistics, running_* (optional in train) <- momentum * batch + (1 - momentum) * running
 * with the unbiased variance, save_mean/save_std [BUFFER] = batch mean / inverse std;
 * eval: running statistics. backward fills whichever of gradInput, gradWeight, gradBias are
 * non-NULL (the last two accumulate scale * gradient). */
int THNN_BatchNormalization_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                         THTensor *running_mean, THTensor *running_var, THTensor *save_mean,
                                         THTensor *save_std, int train, double momentum, double eps);
int THNN_BatchNormalization_backward(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                     THTensor *gradWeight, THTensor *gradBias, THTensor *weight,
                                     THTensor *running_mean, THTensor *running_var, THTensor *save_mean,
                                     THTensor *save_std, int train, double scale, double eps);

/* LookupTable: input int64 indices (any shape, index_base), gradOutput numel(input) x D rows;
 * gradWeight[idx] += scale * row (divided by the index's count when scaleGradByFreq);
 * indices equal to paddingValue (raw, caller's base) get nothing. count [BUFFER, optional]
 * receives the per-index counts; sorted/indices are unused on the CPU (NULL ok). */
int THNN_LookupTable_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                       THTensor *count, THTensor *sorted, THTensor *indices,
                                       int scaleGradByFreq, int64_t paddingValue, double scale, int index_base);
/* rows of weight named in idx with a normType-norm above maxNorm are scaled to maxNorm */
int THNN_LookupTable_renorm(THTensor *idx, THTensor *weight, double maxNorm, double normType, int index_base);

/* Linear: weight out x in, bias optional (out), input in or N x in; addBuffer unused
 * (NULL ok). accGradParameters adds scale * gradients into gradWeight / gradBias. */
int THNN_Linear_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                             THTensor *addBuffer);
int THNN_Linear_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight);
int THNN_Linear_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight,
                                  THTensor *bias, THTensor *gradWeight, THTensor *gradBias, THTensor *addBuffer,
                                  double scale);

/* (end of THNN activations section) */



/* ---------------------------------------------------------------- THNN: convolutions */

/* Conventions of this section: the spatial ops end with `int groups` (after `scale` in
 * accGradParameters; Lua passes 1): channels split into `groups` independent convolutions,
 * as PyTorch's Conv*d(groups=g). Direct-convolution weights are nOutputPlane x
 * nInputPlane/groups x k..., transposed ("Full") ones nInputPlane x nOutputPlane/groups x k...
 * (PyTorch's layouts); the MM ops and SpatialDilatedConvolution also take the 2-D
 * nOutputPlane x (nInputPlane/groups*k...). finput [BUFFER] of the MM ops (and Local): the
 * unfolded input, N x (nInputPlane*k...) x (output volume) (2-D for one sample), written by
 * updateOutput and re-read by accGradParameters; every other column buffer (fgradInput,
 * columns, gradColumns, the Volumetric Full ops' finput) is scratch, one slab per thread.
 * `ones` is kept for Torch7's signatures and unused (may be NULL). Bias optional. */
int THNN_SpatialConvolutionMM_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
    THTensor *finput, THTensor *fgradInput, int kW, int kH, int dW, int dH, int padW, int padH, int groups);
int THNN_SpatialConvolutionMM_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
    THTensor *weight, THTensor *finput, THTensor *fgradInput, int kW, int kH, int dW, int dH, int padW,
    int padH, int groups);
int THNN_SpatialConvolutionMM_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
    THTensor *gradBias, THTensor *finput, THTensor *fgradInput, int kW, int kH, int dW, int dH, int padW,
    int padH, double scale, int groups);
int THNN_SpatialDilatedConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight,
    THTensor *bias, THTensor *columns, THTensor *ones, int kW, int kH, int dW, int dH, int padW, int padH,
    int dilationW, int dilationH, int groups);
int THNN_SpatialDilatedConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
    THTensor *weight, THTensor *gradColumns, int kW, int kH, int dW, int dH, int padW, int padH, int dilationW,
    int dilationH, int groups);
int THNN_SpatialDilatedConvolution_accGradParameters(THTensor *input, THTensor *gradOutput,
    THTensor *gradWeight, THTensor *gradBias, THTensor *columns, THTensor *ones, int kW, int kH, int dW, int dH,
    int padW, int padH, int dilationW, int dilationH, double scale, int groups);
int THNN_SpatialFullConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight,
    THTensor *bias, THTensor *columns, THTensor *ones, int kW, int kH, int dW, int dH, int padW, int padH,
    int adjW, int adjH, int groups);
int THNN_SpatialFullConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
    THTensor *weight, THTensor *gradColumns, int kW, int kH, int dW, int dH, int padW, int padH, int adjW,
    int adjH, int groups);
int THNN_SpatialFullConvolution_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
    THTensor *gradBias, THTensor *columns, THTensor *ones, int kW, int kH, int dW, int dH, int padW, int padH,
    int adjW, int adjH, double scale, int groups);
int THNN_VolumetricConvolutionMM_updateOutput(THTensor *input, THTensor *output, THTensor *weight,
    THTensor *bias, THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH, int dT, int dW, int dH,
    int pT, int pW, int pH, int groups);
int THNN_VolumetricConvolutionMM_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
    THTensor *weight, THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH, int dT, int dW, int dH,
    int pT, int pW, int pH, int groups);
int THNN_VolumetricConvolutionMM_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
    THTensor *gradBias, THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH, int dT, int dW, int dH,
    int pT, int pW, int pH, double scale, int groups);
int THNN_SpatialFullDilatedConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight,
    THTensor *bias, THTensor *columns, THTensor *ones, int kW, int kH, int dW, int dH, int padW, int padH,
    int dilationW, int dilationH, int adjW, int adjH, int groups);
int THNN_SpatialFullDilatedConvolution_updateGradInput(THTensor *input, THTensor *gradOutput,
    THTensor *gradInput, THTensor *weight, THTensor *gradColumns, int kW, int kH, int dW, int dH, int padW,
    int padH, int dilationW, int dilationH, int adjW, int adjH, int groups);
int THNN_SpatialFullDilatedConvolution_accGradParameters(THTensor *input, THTensor *gradOutput,
    THTensor *gradWeight, THTensor *gradBias, THTensor *columns, THTensor *ones, int kW, int kH, int dW, int dH,
    int padW, int padH, int dilationW, int dilationH, int adjW, int adjH, double scale, int groups);
int THNN_VolumetricDilatedConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight,
    THTensor *bias, THTensor *columns, THTensor *ones, int kT, int kW, int kH, int dT, int dW, int dH, int padT,
    int padW, int padH, int dilationT, int dilationW, int dilationH, int groups);
int THNN_VolumetricDilatedConvolution_updateGradInput(THTensor *input, THTensor *gradOutput,
    THTensor *gradInput, THTensor *weight, THTensor *gradColumns, int kT, int kW, int kH, int dT, int dW,
    int dH, int padT, int padW, int padH, int dilationT, int dilationW, int dilationH, int groups);
int THNN_VolumetricDilatedConvolution_accGradParameters(THTensor *input, THTensor *gradOutput,
    THTensor *gradWeight, THTensor *gradBias, THTensor *columns, THTensor *ones, int kT, int kW, int kH, int dT,
    int dW, int dH, int padT, int padW, int padH, int dilationT, int dilationW, int dilationH, double scale,
    int groups);
int THNN_VolumetricFullConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight,
    THTensor *bias, THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH, int dT, int dW, int dH,
    int pT, int pW, int pH, int aT, int aW, int aH, int groups);
int THNN_VolumetricFullConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
    THTensor *weight, THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH, int dT, int dW, int dH,
    int pT, int pW, int pH, int aT, int aW, int aH, int groups);
int THNN_VolumetricFullConvolution_accGradParameters(THTensor *input, THTensor *gradOutput,
    THTensor *gradWeight, THTensor *gradBias, THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH,
    int dT, int dW, int dH, int pT, int pW, int pH, int aT, int aW, int aH, double scale, int groups);
int THNN_VolumetricFullDilatedConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight,
    THTensor *bias, THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH, int dT, int dW, int dH,
    int pT, int pW, int pH, int dilationT, int dilationW, int dilationH, int aT, int aW, int aH, int groups);
int THNN_VolumetricFullDilatedConvolution_updateGradInput(THTensor *input, THTensor *gradOutput,
    THTensor *gradInput, THTensor *weight, THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH,
    int dT, int dW, int dH, int pT, int pW, int pH, int dilationT, int dilationW, int dilationH, int aT, int aW,
    int aH, int groups);
int THNN_VolumetricFullDilatedConvolution_accGradParameters(THTensor *input, THTensor *gradOutput,
    THTensor *gradWeight, THTensor *gradBias, THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH,
    int dT, int dW, int dH, int pT, int pW, int pH, int dilationT, int dilationW, int dilationH, int aT, int aW,
    int aH, double scale, int groups);
/* SpatialConvolutionLocal: untied weights (oH*oW) x nOutputPlane x (nInputPlane*kH*kW) or
 * oH x oW x nOutputPlane x nInputPlane x kH x kW; bias nOutputPlane x oH x oW [OPTIONAL];
 * finput as SpatialConvolutionMM's. */
int THNN_SpatialConvolutionLocal_updateOutput(THTensor *input, THTensor *output, THTensor *weight,
    THTensor *bias, THTensor *finput, THTensor *fgradInput, int kW, int kH, int dW, int dH, int padW, int padH,
    int64_t inputWidth, int64_t inputHeight, int64_t outputWidth, int64_t outputHeight);
int THNN_SpatialConvolutionLocal_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
    THTensor *weight, THTensor *finput, THTensor *fgradInput, int kW, int kH, int dW, int dH, int padW,
    int padH, int64_t inputWidth, int64_t inputHeight, int64_t outputWidth, int64_t outputHeight);
int THNN_SpatialConvolutionLocal_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
    THTensor *gradBias, THTensor *finput, THTensor *fgradInput, int kW, int kH, int dW, int dH, int padW,
    int padH, int64_t inputWidth, int64_t inputHeight, int64_t outputWidth, int64_t outputHeight, double scale);
/* TemporalConvolution: input nFrame x inputFrameSize (batch N x nFrame x inputFrameSize),
 * weight outputFrameSize x (kW*inputFrameSize), bias [OPTIONAL]; no buffers. */
int THNN_TemporalConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
    int kW, int dW, int inputFrameSize, int outputFrameSize);
int THNN_TemporalConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
    THTensor *weight, int kW, int dW);
int THNN_TemporalConvolution_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
    THTensor *gradBias, int kW, int dW, double scale);
/* (end of THNN convolutions section) */



/* ---------------------------------------------------------------- THNN: pooling, sampling, padding */

/* Pooling conventions: spatial args are ordered W before H (kW, kH, dW, dH, padW, padH) and
 * volumetric T, W, H, as THNN; inputs are C x H x W or N x C x H x W (volumetric C x T x H x W or
 * N x C x T x H x W). ceil_mode uses THNN's (= PyTorch's) rule: the last window must start inside
 * the input plus the left padding. Max-pooling indices are int64: the flat offset inside the
 * input plane (h*W + w; volumes t*H*W + h*W + w) plus index_base; ties: first maximum; NaN wins.
 * A 1-D max pooling (PyTorch MaxPool1d) is SpatialMaxPooling on an N x C x 1 x L view with
 * kH = dH = 1, padH = 0 (the indices are then the positions along L). */
int THNN_SpatialMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices, int kW, int kH,
                                        int dW, int dH, int padW, int padH, int ceil_mode, int index_base);
int THNN_SpatialMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *indices,
                                           int kW, int kH, int dW, int dH, int padW, int padH, int ceil_mode, int index_base);
int THNN_SpatialDilatedMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices,
                                               int kW, int kH, int dW, int dH, int padW, int padH,
                                               int dilationW, int dilationH, int ceil_mode, int index_base);
int THNN_SpatialDilatedMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                  THTensor *indices, int kW, int kH, int dW, int dH, int padW, int padH,
                                                  int dilationW, int dilationH, int ceil_mode, int index_base);
int THNN_VolumetricMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices,
                                           int kT, int kW, int kH, int dT, int dW, int dH, int pT, int pW, int pH,
                                           int ceilMode, int index_base);
int THNN_VolumetricMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                              THTensor *indices, int kT, int kW, int kH, int dT, int dW, int dH,
                                              int pT, int pW, int pH, int ceilMode, int index_base);
int THNN_VolumetricDilatedMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices,
                                                  int kT, int kW, int kH, int dT, int dW, int dH, int pT, int pW, int pH,
                                                  int dilationT, int dilationW, int dilationH, int ceilMode, int index_base);
int THNN_VolumetricDilatedMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                     THTensor *indices, int kT, int kW, int kH, int dT, int dW, int dH,
                                                     int pT, int pW, int pH, int dilationT, int dilationW, int dilationH,
                                                     int ceilMode, int index_base);
/* Average pooling: divisor as THNN/PyTorch (count_include_pad: window clipped to the padded input).
 * Torch7's VolumetricAveragePooling took only (kT, kW, kH, dT, dW, dH): pass pads 0, ceil_mode 0,
 * count_include_pad 1 for its behaviour (padding/ceil are PyTorch's additions). */
int THNN_SpatialAveragePooling_updateOutput(THTensor *input, THTensor *output, int kW, int kH, int dW, int dH,
                                            int padW, int padH, int ceil_mode, int count_include_pad);
int THNN_SpatialAveragePooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                               int kW, int kH, int dW, int dH, int padW, int padH,
                                               int ceil_mode, int count_include_pad);
int THNN_VolumetricAveragePooling_updateOutput(THTensor *input, THTensor *output, int kT, int kW, int kH,
                                               int dT, int dW, int dH, int padT, int padW, int padH,
                                               int ceil_mode, int count_include_pad);
int THNN_VolumetricAveragePooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                  int kT, int kW, int kH, int dT, int dW, int dH,
                                                  int padT, int padW, int padH, int ceil_mode, int count_include_pad);
/* Adaptive pooling: cell i pools [floor(i*in/out), ceil((i+1)*in/out)); the output size of the
 * backward is gradOutput's. */
int THNN_SpatialAdaptiveMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices,
                                                int osizeW, int osizeH, int index_base);
int THNN_SpatialAdaptiveMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                   THTensor *indices, int index_base);
int THNN_SpatialAdaptiveAveragePooling_updateOutput(THTensor *input, THTensor *output, int osizeW, int osizeH);
int THNN_SpatialAdaptiveAveragePooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput);
/* Unpooling: indices (input's shape) index the owidth x oheight output plane. */
int THNN_SpatialMaxUnpooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices,
                                          int owidth, int oheight, int index_base);
int THNN_SpatialMaxUnpooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                             THTensor *indices, int owidth, int oheight, int index_base);
/* Fractional max pooling: randomSamples (N x C x 2, or C x 2; (u_w, u_h) in [0, 1) per plane)
 * come from the caller; the output size (or ratio) is the caller's to compute. */
int THNN_SpatialFractionalMaxPooling_updateOutput(THTensor *input, THTensor *output, int outputW, int outputH,
                                                  int poolSizeW, int poolSizeH, THTensor *indices,
                                                  THTensor *randomSamples, int index_base);
int THNN_SpatialFractionalMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                     int outputW, int outputH, int poolSizeW, int poolSizeH,
                                                     THTensor *indices, int index_base);
/* SubSampling: weight and bias hold one value per input plane (bias may be NULL);
 * accGradParameters adds scale * grad into gradWeight / gradBias (contiguous, input's dtype). */
int THNN_SpatialSubSampling_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                         int kW, int kH, int dW, int dH);
int THNN_SpatialSubSampling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight,
                                            int kW, int kH, int dW, int dH);
int THNN_SpatialSubSampling_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                              THTensor *gradBias, int kW, int kH, int dW, int dH, double scale);
/* Upsampling. Bilinear: align_corners = 1 is THNN's behaviour, 0 PyTorch's default; unlike THNN
 * the backward takes input (for its shape) instead of (nbatch, nchannels, inputHeight, inputWidth). */
int THNN_SpatialUpSamplingNearest_updateOutput(THTensor *input, THTensor *output, int scale_factor);
int THNN_SpatialUpSamplingNearest_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, int scale_factor);
int THNN_SpatialUpSamplingBilinear_updateOutput(THTensor *input, THTensor *output, int outputHeight, int outputWidth,
                                                int align_corners);
int THNN_SpatialUpSamplingBilinear_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                   int outputHeight, int outputWidth, int align_corners);
/* Padding: negative pads crop; reflection needs every pad < the input size along its dim. */
int THNN_SpatialReflectionPadding_updateOutput(THTensor *input, THTensor *output, int pad_l, int pad_r, int pad_t, int pad_b);
int THNN_SpatialReflectionPadding_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                  int pad_l, int pad_r, int pad_t, int pad_b);
int THNN_SpatialReplicationPadding_updateOutput(THTensor *input, THTensor *output, int pad_l, int pad_r, int pad_t, int pad_b);
int THNN_SpatialReplicationPadding_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                   int pad_l, int pad_r, int pad_t, int pad_b);
/* Temporal: input nFrame x frameSize or N x nFrame x frameSize. TemporalMaxPooling indices are
 * Torch7's offset inside the window (0..kW-1) plus index_base (Torch7 stored them 0-based). */
int THNN_TemporalMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices, int kW, int dW,
                                         int index_base);
int THNN_TemporalMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                            THTensor *indices, int kW, int dW, int index_base);
int THNN_TemporalSubSampling_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                          int kW, int dW, int inputFrameSize);
int THNN_TemporalSubSampling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                             THTensor *weight, int kW, int dW);
int THNN_TemporalSubSampling_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                               THTensor *gradBias, int kW, int dW, double scale);
/* -- Volumetric / depthwise / row / feature-pooling kernels (Torch7's remaining THNN families).
 * VolumetricMaxUnpooling: indices as VolumetricMaxPooling writes them (flat t*H*W + h*W + w of
 * the otime x oheight x owidth output volume, plus index_base); the strides and pads (Torch7's
 * signature) are only validated. VolumetricReplicationPadding: pads l, r, t, b, front, back
 * (negative crops). VolumetricFractionalMaxPooling: randomSamples N x C x 3 (or C x 3) ordered
 * (u_t, u_h, u_w), each in [0, 1). SpatialDepthWiseConvolution: weight nOutputPlane x
 * nInputPlane x kH x kW (nOutputPlane = depth multiplier), bias nOutputPlane x nInputPlane
 * [OPTIONAL], output plane k*nOutputPlane + m; finput/fgradInput scratch. TemporalRowConvolution:
 * weight inputFrameSize x 1 x kW, bias inputFrameSize [OPTIONAL], input (N x) nFrame x
 * inputFrameSize, or (N x) inputFrameSize x nFrame with featFirst; output in the input's layout.
 * FeatureLPPooling: Lp pooling over the feature dim (dim 0, or 1 in batchMode), width 2..16,
 * stride 1..4; its backward takes gradOutput first, as Torch7. */
int THNN_VolumetricMaxUnpooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices, int oT, int oW,
                                             int oH, int dT, int dW, int dH, int pT, int pW, int pH, int index_base);
int THNN_VolumetricMaxUnpooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                THTensor *indices, int oT, int oW, int oH, int dT, int dW, int dH,
                                                int pT, int pW, int pH, int index_base);
int THNN_VolumetricReplicationPadding_updateOutput(THTensor *input, THTensor *output, int pleft, int pright,
                                                   int ptop, int pbottom, int pfront, int pback);
int THNN_VolumetricReplicationPadding_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                      int pleft, int pright, int ptop, int pbottom, int pfront, int pback);
int THNN_VolumetricFractionalMaxPooling_updateOutput(THTensor *input, THTensor *output, int outputT, int outputW,
                                                     int outputH, int poolSizeT, int poolSizeW, int poolSizeH,
                                                     THTensor *indices, THTensor *randomSamples, int index_base);
int THNN_VolumetricFractionalMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                        int outputT, int outputW, int outputH, int poolSizeT,
                                                        int poolSizeW, int poolSizeH, THTensor *indices, int index_base);
int THNN_SpatialDepthWiseConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                                  THTensor *finput, THTensor *fgradInput, int kW, int kH, int dW, int dH,
                                                  int padW, int padH);
int THNN_SpatialDepthWiseConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                     THTensor *weight, THTensor *finput, THTensor *fgradInput, int kW,
                                                     int kH, int dW, int dH, int padW, int padH);
int THNN_SpatialDepthWiseConvolution_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                                       THTensor *gradBias, THTensor *finput, THTensor *fgradInput,
                                                       int kW, int kH, int dW, int dH, int padW, int padH, double scale);
int THNN_TemporalRowConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                             THTensor *finput, THTensor *fgradInput, int kW, int dW, int padW,
                                             int featFirst);
int THNN_TemporalRowConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                THTensor *weight, THTensor *finput, THTensor *fgradInput, int kW,
                                                int dW, int padW, int featFirst);
int THNN_TemporalRowConvolution_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                                  THTensor *gradBias, THTensor *finput, THTensor *fgradInput, int kW,
                                                  int dW, int padW, int featFirst, double scale);
int THNN_FeatureLPPooling_updateOutput(THTensor *input, THTensor *output, double power, int width, int stride,
                                       int batchMode);
int THNN_FeatureLPPooling_updateGradInput(THTensor *gradOutput, THTensor *input, THTensor *output, THTensor *gradInput,
                                          double power, int width, int stride, int batchMode);
/* VolumetricUpSamplingNearest / Trilinear: the 3-D twins of the Spatial ones above (input
 * C x T x H x W or N x C x T x H x W; align_corners as SpatialUpSamplingBilinear's).
 * SpatialGridSamplerBilinear: input N x C x IH x IW sampled at grid N x H x W x 2 ((x, y) in
 * [-1, 1], corners at the pixel centres: PyTorch's align_corners=True), zeros outside; output
 * N x C x H x W; the backward fills gradInput and gradGrid (argument order as THNN). */
int THNN_VolumetricUpSamplingNearest_updateOutput(THTensor *input, THTensor *output, int scale_factor);
int THNN_VolumetricUpSamplingNearest_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                     int scale_factor);
int THNN_VolumetricUpSamplingTrilinear_updateOutput(THTensor *input, THTensor *output, int outputDepth,
                                                    int outputHeight, int outputWidth, int align_corners);
int THNN_VolumetricUpSamplingTrilinear_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                       int outputDepth, int outputHeight, int outputWidth,
                                                       int align_corners);
int THNN_SpatialGridSamplerBilinear_updateOutput(THTensor *input, THTensor *grid, THTensor *output);
int THNN_SpatialGridSamplerBilinear_updateGradInput(THTensor *input, THTensor *gradInput, THTensor *grid,
                                                    THTensor *gradGrid, THTensor *gradOutput);
/* SparseLinear: weight outDim x inDim, bias outDim; sparse input with its indices stored as
 * values (read with index_base): COO nnz x 3 (sample, feature, value) with output pre-sized
 * batchSize x outDim by the caller, or legacy* batchSize x nnz x 2 (feature, value).
 * accGradParameters adds weightDecay * weight to gradWeight when weightDecay != 0;
 * zeroGradParameters / updateParameters touch the whole bias and only the weight columns of the
 * features present in lastInput (each once). */
int THNN_SparseLinear_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias, int index_base);
int THNN_SparseLinear_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight, THTensor *gradBias,
                                        THTensor *weight, THTensor *bias, double weightDecay, double scale,
                                        int index_base);
int THNN_SparseLinear_zeroGradParameters(THTensor *gradWeight, THTensor *gradBias, THTensor *lastInput, int index_base);
int THNN_SparseLinear_updateParameters(THTensor *weight, THTensor *bias, THTensor *gradWeight, THTensor *gradBias,
                                       THTensor *lastInput, double learningRate, int index_base);
int THNN_SparseLinear_legacyUpdateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                         int index_base);
int THNN_SparseLinear_legacyAccGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                              THTensor *gradBias, THTensor *weight, THTensor *bias, double weightDecay,
                                              double scale, int index_base);
int THNN_SparseLinear_legacyZeroGradParameters(THTensor *gradWeight, THTensor *gradBias, THTensor *lastInput,
                                               int index_base);
int THNN_SparseLinear_legacyUpdateParameters(THTensor *weight, THTensor *bias, THTensor *gradWeight, THTensor *gradBias,
                                             THTensor *lastInput, double learningRate, int index_base);
/* GatedLinear (nn.GatedLinearUnit): input halves a, b along dim (counted from index_base),
 * output = a * sigmoid(b). */
int THNN_GatedLinear_updateOutput(THTensor *input, THTensor *output, int dim, int index_base);
int THNN_GatedLinear_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, int dim,
                                     int index_base);
/* IndexLinear: keys (int64 1-D; weight row = key - index_base + keysOffset), values (1-D) and
 * sizes (int64, keys per sample) describe a batch; weight inputSize x outputSize (normalize:
 * inputSize x (outputSize + 4): maxAbs, 1/maxAbs, update scale, feature bias, weights), bias
 * outputSize. accGradParameters writes gradWeight (keys x outputSize, or x 2*outputSize with
 * normalize: [g, g*v]) and adds into gradBias; updateParameters applies such rows to the rows of
 * runningKeys (with weightDecay); accUpdateGradParameters does both for one batch. */
int THNN_IndexLinear_updateOutput(THTensor *keys, int64_t keysOffset, THTensor *values, THTensor *sizes,
                                  THTensor *output, THTensor *weight, THTensor *bias, THTensor *normalizedValues,
                                  int train, int index_base);
int THNN_IndexLinear_accGradParameters(THTensor *keys, int64_t keysOffset, THTensor *values, THTensor *sizes,
                                       THTensor *gradOutput, THTensor *gradWeight, THTensor *gradBias,
                                       THTensor *weight, THTensor *bias, double scale, int index_base);
int THNN_IndexLinear_updateParameters(THTensor *gradWeight, THTensor *gradBias, THTensor *weight, THTensor *bias,
                                      THTensor *runningKeys, int64_t keysOffset, double weightDecay,
                                      double learningRate, int index_base);
int THNN_IndexLinear_accUpdateGradParameters(THTensor *keys, int64_t keysOffset, THTensor *values, THTensor *sizes,
                                             THTensor *gradOutput, THTensor *weight, THTensor *bias,
                                             double weightDecay, double learningRate, int index_base);
/* (end of THNN pooling section) */



/* ================================================================ .t7 serialization */
/* Torch7's .t7 object graph (torch7-core.md §3), read and written here only. A stream is
 * parsed into a THT7Graph of THT7Nodes and written back from one. Shared references and
 * cycles are shared node pointers; every node belongs to its graph and is freed with it
 * (no per-node refcounts: cycles would leak them). Frontends convert nodes to their own
 * objects with a memo keyed by node->id (which indexes graph->nodes), so sharing and
 * cycles survive; to write, they build nodes with the constructors below (reusing one node
 * for one shared object). The writer memoizes nodes by identity and storages by THStorage*,
 * so tensor views of one storage write it once and read back sharing it.
 * Formats: THT7_BINARY (little-endian, `long` of 4 or 8 bytes) or THT7_ASCII (§3.2). */
enum { THT7_NIL = 0, THT7_NUMBER = 1, THT7_STRING = 2, THT7_TABLE = 3, THT7_TORCH = 4,
       THT7_BOOLEAN = 5, THT7_FUNCTION = 6, THT7_RAW = 7 /* bytes written as they are */ };
/* what a TORCH node holds, from its class name; CUSTOM: written by a class write method */
enum { THT7_OBJECT = 0, THT7_TENSOR = 1, THT7_STORAGE = 2, THT7_TDS_HASH = 3, THT7_TDS_VEC = 4,
       THT7_GENERATOR = 5, THT7_CUSTOM = 6 };
enum { THT7_BINARY = 0, THT7_ASCII = 1 };

typedef struct THT7Node {
    int kind;                   /* THT7_NIL ... THT7_FUNCTION */
    int cls;                    /* TORCH: THT7_OBJECT ... THT7_GENERATOR; FUNCTION: type code 6, 7 or 8 */
    int version;                /* TORCH: class version ("V n" in the file; 0 when absent) */
    int boolean;                /* BOOLEAN: 0 or 1 */
    int64_t id;                 /* index of this node in its graph's nodes[] */
    double number;              /* NUMBER */
    char *str;                  /* STRING bytes; FUNCTION bytecode; TORCH class name (NUL-terminated) */
    int64_t len;                /* bytes in str */
    int64_t n;                  /* TABLE: number of key/value pairs */
    struct THT7Node **kv;       /* TABLE: key i is kv[2i], its value kv[2i+1] */
    THTensor *tensor;           /* TORCH TENSOR: held by the node (THTensor_retain to keep it) */
    THStorage *storage;         /* TORCH STORAGE: held by the node */
    struct THT7Node *payload;   /* TORCH OBJECT: its field TABLE; TDS_HASH / TDS_VEC: a TABLE of the
                                   elements (Vec: keys 1..n in order); GENERATOR: a STRING of the raw
                                   THGenerator bytes; FUNCTION: the upvalues object; CUSTOM: a
                                   TABLE of items in order (as Vec); read CUSTOM/suspended OBJECT:
                                   NULL (the frontend read it) */
    int64_t cap;                /* private (kv capacity) */
} THT7Node;

typedef struct THT7Graph {
    THT7Node *root;             /* the object THT7_read* returned (NULL otherwise) */
    THT7Node **nodes;           /* every node of the graph, by id */
    int64_t nnodes;
    int64_t cap;                /* private */
    int64_t consumed;           /* bytes THT7_read* consumed */
    int long_size;              /* `long` size THT7_read* used (4 or 8) */
    int format;                 /* format THT7_read* used */
} THT7Graph;

THT7Graph *THT7Graph_new(void);
void THT7Graph_free(THT7Graph *g);   /* frees every node; releases their tensors and storages */

/* node constructors (NULL on error); the node joins g */
THT7Node *THT7_newNil(THT7Graph *g);
THT7Node *THT7_newNumber(THT7Graph *g, double value);
THT7Node *THT7_newBoolean(THT7Graph *g, int value);
THT7Node *THT7_newString(THT7Graph *g, const char *bytes, int64_t len);
THT7Node *THT7_newTable(THT7Graph *g);
int THT7_tableAppend(THT7Node *table, THT7Node *key, THT7Node *value);
/* class_name NULL: torch.<Type>Tensor/Storage of the dtype (bool is written as Byte);
 * else it must name a tensor/storage class of that dtype (torch.Cuda* names allowed) */
THT7Node *THT7_newTensor(THT7Graph *g, const char *class_name, THTensor *t);
THT7Node *THT7_newStorage(THT7Graph *g, const char *class_name, THStorage *s);
/* any other class: payload is its field TABLE (tds.Hash/tds.Vec: element TABLE;
 * torch.Generator: STRING of THGenerator_stateSize() raw bytes) */
THT7Node *THT7_newObject(THT7Graph *g, const char *class_name, int version, THT7Node *payload);
/* what a class write method wrote: items is a TABLE whose values, in order, are RAW nodes
 * (primitives, already encoded in the stream's format) and objects (written with references) */
THT7Node *THT7_newCustom(THT7Graph *g, const char *class_name, int version, THT7Node *items);
THT7Node *THT7_newRaw(THT7Graph *g, const char *bytes, int64_t len);
/* type_code 6, 7 or 8; upvalues NULL: an empty table */
THT7Node *THT7_newFunction(THT7Graph *g, int type_code, const char *bytecode, int64_t len,
                           THT7Node *upvalues);

/* Bulk access for frontends converting big graphs: kinds[i] is the kind of node i (TORCH
 * nodes: 16 + cls), numbers[i] its number (BOOLEAN: 0 or 1; else 0); ids gets the 2n node
 * ids of a table's pairs (key, value, key, value...). */
void THT7Graph_kinds(THT7Graph *g, int32_t *kinds, double *numbers);
void THT7_tableIds(THT7Node *table, int64_t *ids);

/* Read one object (torch.load). long_size: 4 or 8, or 0 = binary: try 8 then 4 (the one
 * that parses and consumes the whole input wins). functions == 0 refuses Lua functions
 * (bytecode runs arbitrary code). NULL on error; the message names the byte offset. */
THT7Graph *THT7_readBuffer(const char *data, int64_t size, int format, int long_size, int functions);
THT7Graph *THT7_readFile(const char *path, int format, int long_size, int functions);
/* torch.save, atomically: writes a temporary file next to path, fsyncs it and renames it over
 * path; on any failure the temporary is removed and path is untouched. long_size 0 means 8. */
int THT7_writeFile(const char *path, THT7Node *root, int format, int long_size);

/* Streams (File:readObject / File:writeObject): the reference memo persists across calls
 * on one reader/writer, as in Torch7. referenced == 0 is Torch7's referenced(false). */
typedef struct THT7Reader THT7Reader;
THT7Reader *THT7Reader_new(int format, int long_size, int functions, int referenced);
THT7Graph *THT7Reader_graph(THT7Reader *r);       /* owns every node read so far */
/* one object from data[*pos .. size), advancing *pos */
THT7Node *THT7Reader_readBuffer(THT7Reader *r, const char *data, int64_t size, int64_t *pos);
/* one object from the file at byte *pos, advancing *pos */
THT7Node *THT7Reader_readFile(THT7Reader *r, const char *path, int64_t *pos);
void THT7Reader_free(THT7Reader *r);
/* Reading with class read methods (the Lua frontend): with setSuspend(r, 1), an object of a
 * plain class (not tensor/storage/tds/Generator) stops the walk right after its header and is
 * returned with *pending = 1 (already in the reference memo). The frontend then either calls
 * resume(r, 0, ...) to read its one field table, or reads the payload itself (readRaw and
 * nested begin calls) and calls resume(r, 1, ...). begin reads one object from the open
 * source's position; it nests when called while an object is suspended. A returned node
 * with *pending = 0 is complete. Errors name the byte offset; after one, the reader is failed. */
void THT7Reader_setSuspend(THT7Reader *r, int on);
int THT7Reader_openFile(THT7Reader *r, const char *path, int64_t pos);
int THT7Reader_openBuffer(THT7Reader *r, const char *data, int64_t size, int64_t pos);  /* data must outlive the reads */
THT7Node *THT7Reader_begin(THT7Reader *r, int *pending);
THT7Node *THT7Reader_resume(THT7Reader *r, int custom, int *pending);
int64_t THT7Reader_readRaw(THT7Reader *r, void *dst, int64_t n);   /* up to n bytes (fewer at the end); -1 on error */
int64_t THT7Reader_close(THT7Reader *r);   /* ends the source; returns the position; an unfinished object fails the reader */

typedef struct THT7Writer THT7Writer;
THT7Writer *THT7Writer_new(int format, int long_size, int referenced);
int THT7Writer_write(THT7Writer *w, THT7Node *node);    /* appends one object to the buffer */
const char *THT7Writer_data(THT7Writer *w, int64_t *size);
void THT7Writer_clear(THT7Writer *w);                   /* empties the buffer, keeps the memo */
void THT7Writer_free(THT7Writer *w);

/* (end of serialization section) */
