/* Reductions (sum, prod, mean, max, min, all, any, norm, logsumexp, var, std,
 * count_nonzero), max/min with indices, cumsum/cumprod and dist -- all on THIter.
 *
 * Plain reductions accumulate into a tensor of the accumulator dtype (double for
 * floating sums and norms, int64 for integer sums, the input dtype for max/min) shaped
 * like the result with size-1 (stride-0) reduced dims; THIter_reduce broadcasts it over
 * the input, a finalisation pass (divide, root, log) follows, and a copy converts it to
 * the output dtype unless the output can serve as the accumulator itself. */
#include "THIter.h"
#include <stdio.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define TH_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TH_CLONES
#endif

static const char *const red_names[TH_REDUCE_COUNT] = {
    "sum", "prod", "mean", "max", "min", "all", "any", "norm", "logsumexp", "var", "std", "count_nonzero", "nansum"};

/* PyTorch's scalar type names, as its error messages print them */
static const char *torch_name(int dt)
{
    static const char *const n[TH_NDTYPES] = {"Float", "Double", "Half", "Byte", "Char", "Short", "Int", "Long", "Bool"};
    return TH_validDtype(dt) ? n[dt] : "Undefined";
}

typedef struct {
    double p;          /* norm exponent */
    char ident[8];     /* accumulator identity (bytes of the accumulator dtype) */
} RCtx;

/* ------------------------------------------------------------------ kernel templates */

/* independent partial results per contiguous run: 4 vectors of 32 bytes */
#define NLANES(A) ((int)(128 / sizeof(A)))

/* Operand 0 accumulates (type A), operand 1 is the input (type T). UPD(acc, v) folds one
 * element in; COMB(acc, part) merges two partial results. Summing a contiguous run into
 * one output keeps NLANES independent partials so the compiler can vectorise without
 * reassociating one dependency chain; a contiguous output row accumulates elementwise
 * (reductions over an outer dim). */
#define DEF_RED(NAME, T, A, IDENT, UPD, COMB) \
static TH_CLONES void NAME(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    const RCtx *ctx = vctx; (void)ctx; \
    char *op = d[0]; const char *ip = d[1]; \
    if (s[0] == 0) { \
        A acc = *(A *)op; \
        int64_t i = 0; \
        if (s[1] == (int64_t)sizeof(T)) { \
            const T *x = (const T *)ip; \
            if (n >= 2 * NLANES(A)) { \
                A lane[NLANES(A)]; \
                for (int j = 0; j < NLANES(A); j++) lane[j] = (IDENT); \
                for (; i + NLANES(A) <= n; i += NLANES(A)) \
                    for (int j = 0; j < NLANES(A); j++) { T v = x[i + j]; UPD(lane[j], v); } \
                for (int w = NLANES(A) / 2; w >= 1; w /= 2) \
                    for (int j = 0; j < w; j++) { COMB(lane[j], lane[j + w]); } \
                COMB(acc, lane[0]); \
            } \
            for (; i < n; i++) { T v = x[i]; UPD(acc, v); } \
        } else { \
            for (; i < n; i++) { T v = *(const T *)(ip + i * s[1]); UPD(acc, v); } \
        } \
        *(A *)op = acc; \
    } else if (s[0] == (int64_t)sizeof(A) && s[1] == (int64_t)sizeof(T)) { \
        A *o = (A *)op; const T *x = (const T *)ip; \
        _Pragma("GCC ivdep") \
        for (int64_t i = 0; i < n; i++) { A acc = o[i]; T v = x[i]; UPD(acc, v); o[i] = acc; } \
    } else { \
        for (int64_t i = 0; i < n; i++) { \
            A *o = (A *)(op + i * s[0]); A acc = *o; T v = *(const T *)(ip + i * s[1]); \
            UPD(acc, v); *o = acc; \
        } \
    } \
} \
static void NAME##_comb(char *dst, const char *src, void *vctx) \
{ \
    (void)vctx; A acc = *(A *)dst; A part = *(const A *)src; COMB(acc, part); *(A *)dst = acc; \
} \
static TH_CLONES void NAME##_2d(char **d, const int64_t *s, int64_t n, const int64_t *os, int64_t m, void *vctx) \
{ \
    const RCtx *ctx = vctx; (void)ctx; \
    int64_t r = 0; \
    if (s[0] == (int64_t)sizeof(A) && s[1] == (int64_t)sizeof(T) && os[0] == 0) { \
        /* reduction over the outer dim: fold 4 input rows per pass over the output row */ \
        A *o = (A *)d[0]; \
        for (; r + 4 <= m; r += 4) { \
            const T *x0 = (const T *)(d[1] + r * os[1]), *x1 = (const T *)(d[1] + (r + 1) * os[1]); \
            const T *x2 = (const T *)(d[1] + (r + 2) * os[1]), *x3 = (const T *)(d[1] + (r + 3) * os[1]); \
            _Pragma("GCC ivdep") \
            for (int64_t i = 0; i < n; i++) { \
                A acc = o[i]; T v0 = x0[i], v1 = x1[i], v2 = x2[i], v3 = x3[i]; \
                UPD(acc, v0); UPD(acc, v1); UPD(acc, v2); UPD(acc, v3); o[i] = acc; \
            } \
        } \
    } \
    for (; r < m; r++) { \
        char *p[2] = {d[0] + r * os[0], d[1] + r * os[1]}; \
        NAME(p, s, n, vctx); \
    } \
}

/* Three operands: accumulator (A), input (T), and a second input w (type B) -- the
 * per-output mean/max for var/logsumexp (stride 0 along the reduced dims) or the other
 * tensor of dist. UPD3(acc, v, w). */
#define DEF_RED3(NAME, T, A, B, IDENT, UPD3, COMB) \
static TH_CLONES void NAME(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    const RCtx *ctx = vctx; (void)ctx; \
    char *op = d[0]; const char *ip = d[1], *wp = d[2]; \
    if (s[0] == 0) { \
        A acc = *(A *)op; \
        int64_t i = 0; \
        if (s[1] == (int64_t)sizeof(T) && (s[2] == 0 || s[2] == (int64_t)sizeof(B)) && n >= 2 * NLANES(A)) { \
            const T *x = (const T *)ip; \
            A lane[NLANES(A)]; \
            for (int j = 0; j < NLANES(A); j++) lane[j] = (IDENT); \
            if (s[2] == 0) { \
                B w = *(const B *)wp; \
                for (; i + NLANES(A) <= n; i += NLANES(A)) \
                    for (int j = 0; j < NLANES(A); j++) { T v = x[i + j]; UPD3(lane[j], v, w); } \
            } else { \
                const B *y = (const B *)wp; \
                for (; i + NLANES(A) <= n; i += NLANES(A)) \
                    for (int j = 0; j < NLANES(A); j++) { T v = x[i + j]; B w = y[i + j]; UPD3(lane[j], v, w); } \
            } \
            for (int w = NLANES(A) / 2; w >= 1; w /= 2) \
                for (int j = 0; j < w; j++) { COMB(lane[j], lane[j + w]); } \
            COMB(acc, lane[0]); \
        } \
        for (; i < n; i++) { \
            T v = *(const T *)(ip + i * s[1]); B w = *(const B *)(wp + i * s[2]); UPD3(acc, v, w); \
        } \
        *(A *)op = acc; \
    } else { \
        for (int64_t i = 0; i < n; i++) { \
            A *o = (A *)(op + i * s[0]); A acc = *o; \
            T v = *(const T *)(ip + i * s[1]); B w = *(const B *)(wp + i * s[2]); \
            UPD3(acc, v, w); *o = acc; \
        } \
    } \
} \
static void NAME##_comb(char *dst, const char *src, void *vctx) \
{ \
    (void)vctx; A acc = *(A *)dst; A part = *(const A *)src; COMB(acc, part); *(A *)dst = acc; \
}

/* element folds */
#define U_ADD(acc, v) acc += (v)
#define U_MUL(acc, v) acc *= (v)
#define U_NANADD(acc, v) acc += (v) != (v) ? 0 : (v)
#define U_AND(acc, v) acc &= (uint8_t)((v) != 0)
#define U_OR(acc, v) acc |= (uint8_t)((v) != 0)
#define U_CNZ(acc, v) acc += ((v) != 0)
/* NaN wins (PyTorch): once acc is NaN no comparison replaces it, and a NaN v replaces
 * acc. The NaN select is a bit blend so scalar loops stay branch-free (random data
 * would mispredict a branch half the time); the compare-select maps to maxss/minss. */
#define DEF_FSEL(T, U, N) \
static inline T fmax_##N(T acc, T v) \
{ \
    T m = v > acc ? v : acc; \
    U bv, bm, k = (U)0 - (U)(v != v); \
    memcpy(&bv, &v, sizeof bv); memcpy(&bm, &m, sizeof bm); \
    bm = (bv & k) | (bm & ~k); \
    memcpy(&m, &bm, sizeof m); \
    return m; \
} \
static inline T fmin_##N(T acc, T v) \
{ \
    T m = v < acc ? v : acc; \
    U bv, bm, k = (U)0 - (U)(v != v); \
    memcpy(&bv, &v, sizeof bv); memcpy(&bm, &m, sizeof bm); \
    bm = (bv & k) | (bm & ~k); \
    memcpy(&m, &bm, sizeof m); \
    return m; \
}
DEF_FSEL(float, uint32_t, f)
DEF_FSEL(double, uint64_t, d)
#define U_FMAX(acc, v) acc = _Generic(acc, float: fmax_f, double: fmax_d)(acc, v)
#define U_FMIN(acc, v) acc = _Generic(acc, float: fmin_f, double: fmin_d)(acc, v)
#define U_IMAX(acc, v) acc = (v) > acc ? (v) : acc
#define U_IMIN(acc, v) acc = (v) < acc ? (v) : acc
/* norms of a double x */
#define X_N0(acc, x) acc += ((x) != 0)
#define X_N1(acc, x) acc += fabs(x)
#define X_N2(acc, x) acc += (x) * (x)
#define X_NINF(acc, x) acc = fmax_d(acc, fabs(x))
#define X_NNINF(acc, x) acc = fmin_d(acc, fabs(x))
#define X_NP(acc, x) acc += pow(fabs(x), ctx->p)
#define N0_1(acc, v) X_N0(acc, (double)(v))
#define N1_1(acc, v) X_N1(acc, (double)(v))
#define N2_1(acc, v) X_N2(acc, (double)(v))
#define NINF_1(acc, v) X_NINF(acc, (double)(v))
#define NNINF_1(acc, v) X_NNINF(acc, (double)(v))
#define NP_1(acc, v) X_NP(acc, (double)(v))
#define N0_3(acc, v, w) X_N0(acc, (double)(v) - (double)(w))
#define N1_3(acc, v, w) X_N1(acc, (double)(v) - (double)(w))
#define N2_3(acc, v, w) X_N2(acc, (double)(v) - (double)(w))
#define NINF_3(acc, v, w) X_NINF(acc, (double)(v) - (double)(w))
#define NNINF_3(acc, v, w) X_NNINF(acc, (double)(v) - (double)(w))
#define NP_3(acc, v, w) X_NP(acc, (double)(v) - (double)(w))
#define VAR_3(acc, v, w) do { double d_ = (double)(v) - (w); acc += d_ * d_; } while (0)
#define LSE_3(acc, v, w) acc += exp((double)(v) - (w))

#define LOWEST_Float (-INFINITY)
#define LOWEST_Double (-INFINITY)
#define LOWEST_Byte 0
#define LOWEST_Char INT8_MIN
#define LOWEST_Short INT16_MIN
#define LOWEST_Int INT32_MIN
#define LOWEST_Long INT64_MIN
#define LOWEST_Bool 0
#define HIGHEST_Float INFINITY
#define HIGHEST_Double INFINITY
#define HIGHEST_Byte UINT8_MAX
#define HIGHEST_Char INT8_MAX
#define HIGHEST_Short INT16_MAX
#define HIGHEST_Int INT32_MAX
#define HIGHEST_Long INT64_MAX
#define HIGHEST_Bool 1

/* every dtype */
#define DEF_ANY_DTYPE(CODE, T, N) \
    DEF_RED(all_##N, T, uint8_t, 1, U_AND, U_AND) \
    DEF_RED(any_##N, T, uint8_t, 0, U_OR, U_OR) \
    DEF_RED(cnz_##N, T, int64_t, 0, U_CNZ, U_ADD)
TH_FORALL_DTYPES(DEF_ANY_DTYPE)

/* floating dtypes */
#define DEF_FLOAT_DTYPE(CODE, T, N) \
    DEF_RED(sum_##N, T, double, 0, U_ADD, U_ADD) \
    DEF_RED(nansum_##N, T, double, 0, U_NANADD, U_ADD) \
    DEF_RED(prod_##N, T, double, 1, U_MUL, U_MUL) \
    DEF_RED(max_##N, T, T, LOWEST_##N, U_FMAX, U_FMAX) \
    DEF_RED(min_##N, T, T, HIGHEST_##N, U_FMIN, U_FMIN) \
    DEF_RED(n0_##N, T, double, 0, N0_1, U_ADD) \
    DEF_RED(n1_##N, T, double, 0, N1_1, U_ADD) \
    DEF_RED(n2_##N, T, double, 0, N2_1, U_ADD) \
    DEF_RED(ninf_##N, T, double, 0, NINF_1, X_NINF) \
    DEF_RED(nninf_##N, T, double, INFINITY, NNINF_1, X_NNINF) \
    DEF_RED(np_##N, T, double, 0, NP_1, U_ADD) \
    DEF_RED3(d0_##N, T, double, T, 0, N0_3, U_ADD) \
    DEF_RED3(d1_##N, T, double, T, 0, N1_3, U_ADD) \
    DEF_RED3(d2_##N, T, double, T, 0, N2_3, U_ADD) \
    DEF_RED3(dinf_##N, T, double, T, 0, NINF_3, X_NINF) \
    DEF_RED3(dninf_##N, T, double, T, INFINITY, NNINF_3, X_NNINF) \
    DEF_RED3(dp_##N, T, double, T, 0, NP_3, U_ADD) \
    DEF_RED3(var_##N, T, double, double, 0, VAR_3, U_ADD) \
    DEF_RED3(lse_##N, T, double, double, 0, LSE_3, U_ADD)
TH_FORALL_FLOAT_DTYPES(DEF_FLOAT_DTYPE)

/* float32 sum over an outer dim: converting every element to double is the bottleneck,
 * so 8 input rows are first added pairwise in float, then folded into the double row. */
static TH_CLONES void sum_Float_rows(char **d, const int64_t *s, int64_t n, const int64_t *os, int64_t m, void *vctx)
{
    int64_t r = 0;
    if (s[0] == (int64_t)sizeof(double) && s[1] == (int64_t)sizeof(float) && os[0] == 0) {
        double *o = (double *)d[0];
        for (; r + 8 <= m; r += 8) {
            const char *b = d[1] + r * os[1];
            const float *x0 = (const float *)b, *x1 = (const float *)(b + os[1]);
            const float *x2 = (const float *)(b + 2 * os[1]), *x3 = (const float *)(b + 3 * os[1]);
            const float *x4 = (const float *)(b + 4 * os[1]), *x5 = (const float *)(b + 5 * os[1]);
            const float *x6 = (const float *)(b + 6 * os[1]), *x7 = (const float *)(b + 7 * os[1]);
            _Pragma("GCC ivdep")
            for (int64_t i = 0; i < n; i++) {
                float blk = ((x0[i] + x1[i]) + (x2[i] + x3[i])) + ((x4[i] + x5[i]) + (x6[i] + x7[i]));
                o[i] += (double)blk;
            }
        }
    }
    for (; r < m; r++) {
        char *p[2] = {d[0] + r * os[0], d[1] + r * os[1]};
        sum_Float(p, s, n, vctx);
    }
}

/* integer and bool dtypes: sums and products wrap in int64 (PyTorch) */
#define DEF_INT_DTYPE(CODE, T, N) \
    DEF_RED(sum_##N, T, int64_t, 0, U_ADD, U_ADD) \
    DEF_RED(prod_##N, T, int64_t, 1, U_MUL, U_MUL) \
    DEF_RED(max_##N, T, T, LOWEST_##N, U_IMAX, U_IMAX) \
    DEF_RED(min_##N, T, T, HIGHEST_##N, U_IMIN, U_IMIN)
TH_FORALL_INT_DTYPES(DEF_INT_DTYPE)
DEF_INT_DTYPE(TH_BOOL, uint8_t, Bool)

/* ------------------------------------------------------------------ kernel choice */

enum { K_SUM, K_NANSUM, K_PROD, K_MAX, K_MIN, K_ALL, K_ANY, K_CNZ, K_N0, K_N1, K_N2, K_NINF, K_NNINF, K_NP,
       K_VAR, K_LSE, K_D0, K_D1, K_D2, K_DINF, K_DNINF, K_DP };

typedef struct { THLoop loop; void (*comb)(char *, const char *, void *); THLoop2d loop2d; } Kern;

static Kern pick_kernel(int kind, int dt)
{
    Kern k = {NULL, NULL, NULL};
#define KCASE(K, fn, N) case K: k.loop = fn##_##N; k.comb = fn##_##N##_comb; break;
#define KCASE2(K, fn, N) case K: k.loop = fn##_##N; k.comb = fn##_##N##_comb; k.loop2d = fn##_##N##_2d; break;
#define COMMON(N) KCASE2(K_SUM, sum, N) KCASE2(K_PROD, prod, N) KCASE2(K_MAX, max, N) KCASE2(K_MIN, min, N) \
    KCASE2(K_ALL, all, N) KCASE2(K_ANY, any, N) KCASE2(K_CNZ, cnz, N)
#define FLOATS(N) KCASE2(K_NANSUM, nansum, N) KCASE2(K_N0, n0, N) KCASE2(K_N1, n1, N) KCASE2(K_N2, n2, N) \
    KCASE2(K_NINF, ninf, N) KCASE2(K_NNINF, nninf, N) KCASE2(K_NP, np, N) KCASE(K_VAR, var, N) KCASE(K_LSE, lse, N) \
    KCASE(K_D0, d0, N) KCASE(K_D1, d1, N) KCASE(K_D2, d2, N) KCASE(K_DINF, dinf, N) \
    KCASE(K_DNINF, dninf, N) KCASE(K_DP, dp, N)
#define FLOAT_DT(CODE, T, N) case CODE: switch (kind) { COMMON(N) FLOATS(N) } break;
#define INT_DT(CODE, T, N) case CODE: switch (kind) { COMMON(N) KCASE2(K_NANSUM, sum, N) } break;
    switch (dt) {
    TH_FORALL_FLOAT_DTYPES(FLOAT_DT)
    TH_FORALL_INT_DTYPES(INT_DT)
    INT_DT(TH_BOOL, uint8_t, Bool)
    }
    if (kind == K_SUM && dt == TH_FLOAT32) k.loop2d = sum_Float_rows;
#undef KCASE
#undef KCASE2
#undef COMMON
#undef FLOATS
#undef FLOAT_DT
#undef INT_DT
    return k;
}

static int norm_kind(double p, int dist)
{
    if (p == 0) return dist ? K_D0 : K_N0;
    if (p == 1) return dist ? K_D1 : K_N1;
    if (p == 2) return dist ? K_D2 : K_N2;
    if (isinf(p)) return p > 0 ? (dist ? K_DINF : K_NINF) : (dist ? K_DNINF : K_NNINF);
    return dist ? K_DP : K_NP;
}

/* accumulator dtype and identity of a kernel kind over input dtype dt */
static int kind_acc(int kind, int dt)
{
    switch (kind) {
    case K_SUM: case K_NANSUM: case K_PROD: return TH_isFloat(dt) ? TH_FLOAT64 : TH_INT64;
    case K_MAX: case K_MIN: return dt;
    case K_ALL: case K_ANY: return TH_BOOL;
    case K_CNZ: return TH_INT64;
    default: return TH_FLOAT64;
    }
}

static void set_ident(RCtx *c, int kind, int accdt)
{
    memset(c->ident, 0, sizeof c->ident);
    switch (kind) {
    case K_PROD: case K_ALL: TH_storeInt64(c->ident, accdt, 1); break;
    case K_NNINF: case K_DNINF: TH_storeDouble(c->ident, accdt, INFINITY); break;
    case K_MAX: case K_MIN: {
        int hi = kind == K_MIN;
        switch (accdt) {
#define ID_(CODE, T, N) case CODE: { T v = hi ? HIGHEST_##N : LOWEST_##N; memcpy(c->ident, &v, sizeof v); } break;
        TH_FORALL_DTYPES(ID_)
#undef ID_
        }
        break;
    }
    default: break;   /* zero */
    }
}

static void init_acc(char *acc, void *vctx)
{
    const RCtx *c = vctx;
    memcpy(acc, c->ident, 8);
}

/* Run one reduction pass: acc (a view shaped like `in` with size-1 reduced dims) folds
 * in `in` (and w, broadcast the same way, when given). */
static int run_pass(THTensor *acc, THTensor *in, THTensor *w, int kind, double p)
{
    Kern k = pick_kernel(kind, in->dtype);
    TH_CHECK(k.loop, TH_ERR_TYPE, "reduce: no kernel for %s", TH_dtypeName(in->dtype));
    RCtx c;
    c.p = p;
    set_ident(&c, kind, acc->dtype);
    THIter it;
    THTensor *ops[3] = {acc, in, w};
    TH_TRY(THIter_build(&it, w ? 3 : 2, ops, in->ndim, in->size, 1));
    THReduceOps ro = {k.loop, init_acc, k.comb, TH_dtypeSize(acc->dtype), k.loop2d};
    THIter_reduce(&it, &ro, &c, 1);
    return 0;
}

/* ------------------------------------------------------------------ finalisation */

enum { F_MEAN, F_ROOT, F_LSE, F_VAR, F_STD, F_ZERO_INF };
typedef struct { int op; double count, dof, p; } FinCtx;

static void fin_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const FinCtx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        double *x = (double *)(d[0] + i * s[0]);
        double v = *x;
        switch (c->op) {
        case F_MEAN: v /= c->count; break;
        case F_ROOT: v = c->p == 2 ? sqrt(v) : pow(v, 1.0 / c->p); break;
        case F_LSE: v = log(v) + *(const double *)(d[1] + i * s[1]); break;
        case F_VAR: v /= c->dof; break;
        case F_STD: v = sqrt(v / c->dof); break;
        case F_ZERO_INF: if (isinf(v)) v = 0; break;
        }
        *x = v;
    }
}

/* acc (double) = f(acc[, aux]) elementwise; acc and aux share a shape */
static int finalize(THTensor *acc, THTensor *aux, int op, double count, double dof, double p)
{
    if (THTensor_numel(acc) == 0) return 0;
    FinCtx c = {op, count, dof, p};
    THIter it;
    THTensor *ops[2] = {acc, aux};
    TH_TRY(THIter_build(&it, aux ? 2 : 1, ops, acc->ndim, acc->size, 0));
    THIter_run(&it, fin_loop, &c, 1);
    return 0;
}

static int needs_root(double p) { return !(p == 0 || p == 1 || isinf(p)); }

/* ------------------------------------------------------------------ THTensor_reduce */

static int shares_memory(const THTensor *a, const THTensor *b)
{
    return TH_memOverlap(a, b) != TH_OVERLAP_NO;
}

/* Validate a dim list into red[] (ndims == 0: all dims). 0-dim tensors accept dim 0. */
static int parse_dims(const char *name, const THTensor *a, int ndims, const int *dims, int *red)
{
    int nd = a->ndim, lim = nd > 0 ? nd : 1;
    TH_CHECK(ndims >= 0 && ndims <= TH_MAX_DIMS, TH_ERR_VALUE, "%s(): bad number of dims %d", name, ndims);
    TH_CHECK(ndims == 0 || dims, TH_ERR_VALUE, "%s(): dims is NULL", name);
    int seen[TH_MAX_DIMS] = {0};
    for (int d = 0; d < TH_MAX_DIMS; d++) red[d] = ndims == 0;
    for (int i = 0; i < ndims; i++) {
        int d = dims[i];
        TH_CHECK(d >= 0 && d < lim, TH_ERR_INDEX,
                 "%s(): Dimension out of range (expected to be in range of [%d, %d], but got %d)",
                 name, -lim, lim - 1, d);
        TH_CHECK(!seen[d], TH_ERR_RUNTIME, "dim %d appears multiple times in the list of dims", d);
        seen[d] = 1;
        red[d] = 1;
    }
    return 0;
}

/* A view of acc (shaped like the result) with in's rank: reduced dims get size 1. */
static THTensor *keepdim_view(THTensor *acc, const THTensor *in, const int *red, int keepdim)
{
    int64_t size[TH_MAX_DIMS], stride[TH_MAX_DIMS];
    int j = 0;
    for (int d = 0; d < in->ndim; d++) {
        if (red[d]) { size[d] = 1; stride[d] = 0; if (keepdim) j++; }
        else { size[d] = in->size[d]; stride[d] = acc->stride[j++]; }
    }
    THTensor *v = THTensor_new(acc->dtype);
    if (!v) return NULL;
    if (acc->storage) {
        THStorage_retain(acc->storage);
        v->storage = acc->storage;
    }
    v->offset = acc->offset;
    v->ndim = in->ndim;
    for (int d = 0; d < in->ndim; d++) { v->size[d] = size[d]; v->stride[d] = stride[d]; }
    return v;
}

static int fill_identity(THTensor *t, int kind)
{
    RCtx c;
    set_ident(&c, kind, t->dtype);
    switch (t->dtype) {
    case TH_FLOAT32: { float v; memcpy(&v, c.ident, 4); return THTensor_fill(t, v); }
    case TH_FLOAT64: { double v; memcpy(&v, c.ident, 8); return THTensor_fill(t, v); }
    default: return THTensor_fillInt(t, TH_loadInt64(c.ident, t->dtype));
    }
}

/* A new accumulator of dtype dt shaped like the result, filled with kind's identity. */
static THTensor *new_acc(int dt, int ond, const int64_t *oshape, int kind)
{
    THTensor *t = THTensor_newWithSize(dt, ond, oshape);
    if (!t) return NULL;
    if (fill_identity(t, kind)) { THTensor_free(t); return NULL; }
    return t;
}

/* One reduction pass into a fresh accumulator. */
static THTensor *reduce_pass(THTensor *in, THTensor *w, const int *red, int keepdim, int ond,
                             const int64_t *oshape, int kind, int accdt, double p)
{
    THTensor *acc = new_acc(accdt, ond, oshape, kind);
    if (!acc) return NULL;
    if (THTensor_numel(acc) == 0) return acc;
    THTensor *kv = keepdim_view(acc, in, red, keepdim);
    THTensor *wv = w ? keepdim_view(w, in, red, keepdim) : NULL;
    int st = (!kv || (w && !wv)) ? TH_lastErrorCode() : run_pass(kv, in, wv, kind, p);
    THTensor_free(kv);
    THTensor_free(wv);
    if (st) { THTensor_free(acc); return NULL; }
    return acc;
}

int THTensor_reduce(THTensor *out, int op, THTensor *a, int ndims, const int *dims, int keepdim, double arg)
{
    TH_CHECK(out && a, TH_ERR_VALUE, "reduce: tensor is NULL");
    TH_CHECK(op >= 0 && op < TH_REDUCE_COUNT, TH_ERR_VALUE, "reduce: unknown operation %d", op);
    const char *name = red_names[op];
    int adt = a->dtype;
    TH_CHECK(TH_validDtype(adt), TH_ERR_TYPE, "%s(): the input tensor has no dtype", name);
    TH_CHECK(out->dtype == -1 || TH_validDtype(out->dtype), TH_ERR_TYPE, "%s(): invalid output dtype %d", name, out->dtype);
    int red[TH_MAX_DIMS];
    TH_TRY(parse_dims(name, a, ndims, dims, red));
    int nd = a->ndim;
    keepdim = keepdim != 0;

    /* result dtype */
    int isf = TH_isFloat(adt), resdt;
    switch (op) {
    case TH_REDUCE_SUM: case TH_REDUCE_NANSUM: case TH_REDUCE_PROD: resdt = isf ? adt : TH_INT64; break;
    case TH_REDUCE_MEAN:
        TH_CHECK(isf || out->dtype >= 0, TH_ERR_TYPE,
                 "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
                 "dtype. Got: %s", torch_name(adt));
        resdt = adt;
        break;
    case TH_REDUCE_ALL: case TH_REDUCE_ANY: resdt = adt == TH_UINT8 ? TH_UINT8 : TH_BOOL; break;
    case TH_REDUCE_COUNT_NONZERO: resdt = TH_INT64; break;
    case TH_REDUCE_NORM:
        TH_CHECK(isf, TH_ERR_TYPE, "linalg.vector_norm: Expected a floating point or complex tensor as input. Got %s",
                 torch_name(adt));
        resdt = adt;
        break;
    case TH_REDUCE_LOGSUMEXP: resdt = isf ? adt : TH_FLOAT32; break;
    case TH_REDUCE_VAR: case TH_REDUCE_STD:
        TH_CHECK(isf, TH_ERR_TYPE, "std and var only support floating point and complex dtypes");
        resdt = adt;
        break;
    default: resdt = adt; break;   /* max, min */
    }
    int float_result = op == TH_REDUCE_MEAN || op == TH_REDUCE_NORM || op == TH_REDUCE_LOGSUMEXP ||
                       op == TH_REDUCE_VAR || op == TH_REDUCE_STD;
    if (out->dtype >= 0) {
        if (float_result && !TH_isFloat(out->dtype)) {
            if (op == TH_REDUCE_MEAN)
                return TH_setError(TH_ERR_TYPE, "mean(): could not infer output dtype. Optional dtype must be either "
                                   "a floating point or complex dtype. Got: %s", torch_name(out->dtype));
            return TH_setError(TH_ERR_TYPE, "%s(): the result dtype must be floating point, got %s",
                               name, TH_dtypeName(out->dtype));
        }
        resdt = out->dtype;
    }

    /* shapes and the number of elements folded into each output */
    int64_t oshape[TH_MAX_DIMS], count = 1;
    int ond = 0, zero_dim = -1;
    for (int d = 0; d < nd; d++) {
        if (red[d]) {
            count *= a->size[d];
            if (a->size[d] == 0 && zero_dim < 0) zero_dim = d;
            if (keepdim) oshape[ond++] = 1;
        } else oshape[ond++] = a->size[d];
    }
    if (count == 0) {
        if (op == TH_REDUCE_MAX || op == TH_REDUCE_MIN) {
            if (ndims == 0)
                return TH_setError(TH_ERR_RUNTIME, "%s(): Expected reduction dim to be specified for input.numel() == 0. "
                                   "Specify the reduction dim with the 'dim' argument.", name);
            return TH_setError(TH_ERR_INDEX, "%s(): Expected reduction dim %d to have non-zero size.", name, zero_dim);
        }
        if (op == TH_REDUCE_NORM && isinf(arg))
            return TH_setError(TH_ERR_RUNTIME, "linalg.vector_norm cannot compute the %s norm on an empty tensor "
                               "because the operation does not have an identity", arg > 0 ? "inf" : "-inf");
    }
    TH_CHECK(op != TH_REDUCE_NORM || !isnan(arg), TH_ERR_VALUE, "norm(): the order p must not be nan");

    /* the dtype the kernels read */
    int cdt = adt == TH_FLOAT16 ? TH_FLOAT32 : adt;
    if (op == TH_REDUCE_SUM || op == TH_REDUCE_NANSUM || op == TH_REDUCE_PROD) {
        /* PyTorch casts to an explicit result dtype first (sum(x, dtype=int64) truncates) */
        if (resdt == TH_BOOL || (TH_isFloat(adt) != TH_isFloat(resdt)))
            cdt = resdt == TH_FLOAT16 ? TH_FLOAT32 : resdt;
    } else if (float_result && !isf) {
        cdt = resdt == TH_FLOAT16 ? TH_FLOAT32 : resdt;
    }

    int kind;
    switch (op) {
    case TH_REDUCE_SUM: case TH_REDUCE_MEAN: kind = K_SUM; break;
    case TH_REDUCE_NANSUM: kind = K_NANSUM; break;
    case TH_REDUCE_PROD: kind = K_PROD; break;
    case TH_REDUCE_MAX: kind = K_MAX; break;
    case TH_REDUCE_MIN: kind = K_MIN; break;
    case TH_REDUCE_ALL: kind = K_ALL; break;
    case TH_REDUCE_ANY: kind = K_ANY; break;
    case TH_REDUCE_COUNT_NONZERO: kind = K_CNZ; break;
    case TH_REDUCE_NORM: kind = norm_kind(arg, 0); break;
    case TH_REDUCE_LOGSUMEXP: kind = K_LSE; break;
    default: kind = K_VAR; break;
    }
    int accdt = kind_acc(kind, cdt);

    THTensor *in = TH_asDtype(a, cdt);
    if (!in) return TH_lastErrorCode();
    THTensor *acc = NULL, *aux = NULL;
    int st = 0;
    st = TH_checkOut(out, ond, oshape, 1, &a, NULL);
    if (st) goto done;
    /* the output itself accumulates when it has the accumulator's dtype and layout */
    int direct = !shares_memory(out, a) && (out->dtype < 0 ? resdt : out->dtype) == accdt &&
                 kind != K_VAR && kind != K_LSE;
    if (direct) {
        st = TH_prepareOut(out, resdt, ond, oshape);
        if (st) goto done;
        if (THTensor_isContiguous(out)) {
            st = fill_identity(out, kind);
            if (st) goto done;
            THTensor_retain(out);
            acc = out;
            if (THTensor_numel(out)) {
                THTensor *kv = keepdim_view(out, in, red, keepdim);
                st = kv ? run_pass(kv, in, NULL, kind, arg) : TH_lastErrorCode();
                THTensor_free(kv);
                if (st) goto done;
            }
        } else direct = 0;
    }
    if (!direct) {
        if (kind == K_VAR) {
            THTensor *mean = reduce_pass(in, NULL, red, keepdim, ond, oshape, K_SUM, TH_FLOAT64, 0);
            if (!mean) { st = TH_lastErrorCode(); goto done; }
            aux = mean;
            st = finalize(mean, NULL, F_MEAN, (double)count, 0, 0);
            if (st) goto done;
        } else if (kind == K_LSE) {
            THTensor *m = reduce_pass(in, NULL, red, keepdim, ond, oshape, K_MAX, cdt, 0);
            if (!m) { st = TH_lastErrorCode(); goto done; }
            aux = TH_asDtype(m, TH_FLOAT64);
            THTensor_free(m);
            if (!aux) { st = TH_lastErrorCode(); goto done; }
            st = finalize(aux, NULL, F_ZERO_INF, 0, 0, 0);
            if (st) goto done;
        }
        acc = reduce_pass(in, aux, red, keepdim, ond, oshape, kind, accdt, arg);
        if (!acc) { st = TH_lastErrorCode(); goto done; }
    }

    switch (op) {
    case TH_REDUCE_MEAN: st = finalize(acc, NULL, F_MEAN, (double)count, 0, 0); break;
    case TH_REDUCE_NORM: if (needs_root(arg)) st = finalize(acc, NULL, F_ROOT, 0, 0, arg); break;
    case TH_REDUCE_LOGSUMEXP: st = finalize(acc, aux, F_LSE, 0, 0, 0); break;
    case TH_REDUCE_VAR: case TH_REDUCE_STD: {
        double dof = (double)count - arg;
        st = finalize(acc, NULL, op == TH_REDUCE_VAR ? F_VAR : F_STD, 0, dof > 0 ? dof : 0, 0);
        break;
    }
    default: break;
    }
    if (st) goto done;
    if (direct) THTensor_bumpVersion(out);
    else {
        st = TH_prepareOut(out, resdt, ond, oshape);
        if (!st) st = THTensor_copy(out, acc);
    }
done:
    THTensor_free(acc);
    THTensor_free(aux);
    THTensor_free(in);
    return st;
}

/* ------------------------------------------------------------------ max/min with indices */

typedef struct { int64_t base; } IdxCtx;

#define DEF_ARG(N, T, CMP, ISNAN, RED, IDENT) \
static void argred_##N##_##CMP(char **d, const int64_t *len, const int64_t *st, void *vctx) \
{ \
    const IdxCtx *c = vctx; \
    const char *x = d[2]; \
    int64_t n = len[2], s = st[2], best_i = 0; \
    T best = *(const T *)x; \
    if (s == (int64_t)sizeof(T) && n >= 64) { \
        /* contiguous: the vectorised extreme first, then the first position holding it */ \
        T ext = IDENT; \
        char *p[2] = {(char *)&ext, (char *)x}; \
        int64_t ks[2] = {0, s}; \
        RED(p, ks, n, NULL); \
        const T *xv = (const T *)x; \
        int want_nan = ISNAN(ext); \
        int64_t i = 0; \
        /* find the block holding it with a vectorisable test, then scan the block */ \
        for (; i + 64 <= n; i += 64) { \
            int hit = 0; \
            for (int j = 0; j < 64; j++) hit |= want_nan ? ISNAN(xv[i + j]) : xv[i + j] == ext; \
            if (hit) break; \
        } \
        for (; i < n; i++) if (want_nan ? ISNAN(xv[i]) : xv[i] == ext) break; \
        best_i = i < n ? i : 0; \
        best = xv[best_i]; \
    } else if (!(ISNAN(best))) { \
        for (int64_t i = 1; i < n; i++) { \
            T v = *(const T *)(x + i * s); \
            if (ISNAN(v)) { best = v; best_i = i; break; } \
            if (v CMP##_OP best) { best = v; best_i = i; } \
        } \
    } \
    *(T *)d[0] = best; \
    *(int64_t *)d[1] = best_i + c->base; \
}
#define gt_OP >
#define lt_OP <
#define F_ISNAN(v) ((v) != (v))
#define I_ISNAN(v) 0
#define DEF_ARG_F(CODE, T, N) DEF_ARG(N, T, gt, F_ISNAN, max_##N, LOWEST_##N) DEF_ARG(N, T, lt, F_ISNAN, min_##N, HIGHEST_##N)
#define DEF_ARG_I(CODE, T, N) DEF_ARG(N, T, gt, I_ISNAN, max_##N, LOWEST_##N) DEF_ARG(N, T, lt, I_ISNAN, min_##N, HIGHEST_##N)
TH_FORALL_FLOAT_DTYPES(DEF_ARG_F)
TH_FORALL_INT_DTYPES(DEF_ARG_I)
DEF_ARG_I(TH_BOOL, uint8_t, Bool)

static THDimLoop pick_arg(int dt, int is_max)
{
    switch (dt) {
#define C_(CODE, T, N) case CODE: return is_max ? argred_##N##_gt : argred_##N##_lt;
    TH_FORALL_DTYPES(C_)
#undef C_
    }
    return NULL;
}

/* dst receives src (converting dtype) when dst is given and differs from src. */
static int deliver(THTensor *dst, THTensor *src, int natural, int ond, const int64_t *oshape)
{
    if (!dst || dst == src) return 0;
    TH_TRY(TH_prepareOut(dst, natural, ond, oshape));
    return THTensor_copy(dst, src);
}

/* The input and dim checks of every op along one dim (0-dim inputs take dim 0 or -1 wrapped). */
static int check_dim_op(const char *name, const THTensor *a, int dim)
{
    TH_CHECK(a, TH_ERR_VALUE, "%s(): input tensor is NULL", name);
    TH_CHECK(TH_validDtype(a->dtype), TH_ERR_TYPE, "%s(): the input tensor has no dtype", name);
    int lim = a->ndim > 0 ? a->ndim : 1;
    TH_CHECK(dim >= 0 && dim < lim, TH_ERR_INDEX,
             "%s(): Dimension out of range (expected to be in range of [%d, %d], but got %d)", name, -lim, lim - 1, dim);
    return 0;
}

static int maxmin_dim(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim, int index_base,
                      int is_max)
{
    const char *name = is_max ? "max" : "min";
    TH_TRY(check_dim_op(name, a, dim));
    int nd = a->ndim;
    TH_CHECK(!values || values->dtype == -1 || TH_validDtype(values->dtype), TH_ERR_TYPE, "%s(): invalid values dtype", name);
    TH_CHECK(!indices || indices->dtype == -1 || TH_isIntegral(indices->dtype), TH_ERR_TYPE,
             "%s(): indices must be an integer tensor, got %s", name, indices ? TH_dtypeName(indices->dtype) : "");
    int64_t len = nd ? a->size[dim] : 1;
    if (len == 0) return TH_setError(TH_ERR_INDEX, "%s(): Expected reduction dim %d to have non-zero size.", name, dim);
    keepdim = keepdim != 0;
    int64_t oshape[TH_MAX_DIMS], kshape[TH_MAX_DIMS];
    int ond = 0;
    for (int d = 0; d < nd; d++) {
        kshape[d] = d == dim ? 1 : a->size[d];
        if (d != dim || keepdim) oshape[ond++] = kshape[d];
    }
    int cdt = a->dtype == TH_FLOAT16 ? TH_FLOAT32 : a->dtype;
    THTensor *in = TH_asDtype(a, cdt);
    if (!in) return TH_lastErrorCode();
    /* outputs computed in place when they are fresh or have the right dtype and no overlap */
    int vdt = values && values->dtype >= 0 ? values->dtype : a->dtype;
    THTensor *v = NULL, *ix = NULL, *vk = NULL, *ik = NULL;
    int st = values ? TH_checkOut(values, ond, oshape, 1, &a, NULL) : 0;
    if (!st && indices) st = TH_checkOut(indices, ond, oshape, 1, &a, NULL);
    if (!st) st = TH_checkApart(values, indices);
    if (st) goto done;
    if (values && vdt == cdt && !shares_memory(values, a)) {
        st = TH_prepareOut(values, cdt, ond, oshape);
        if (st) goto done;
        THTensor_retain(values);
        v = values;
    } else {
        v = THTensor_newWithSize(cdt, ond, oshape);
        if (!v) { st = TH_lastErrorCode(); goto done; }
    }
    if (indices && (indices->dtype == -1 || indices->dtype == TH_INT64) && !shares_memory(indices, a) &&
        !(values && shares_memory(indices, values))) {
        st = TH_prepareOut(indices, TH_INT64, ond, oshape);
        if (st) goto done;
        THTensor_retain(indices);
        ix = indices;
    } else {
        ix = THTensor_newWithSize(TH_INT64, ond, oshape);
        if (!ix) { st = TH_lastErrorCode(); goto done; }
    }
    if (THTensor_numel(v)) {
        /* views of the outputs with the input's rank (size 1 along dim) */
        int red[TH_MAX_DIMS] = {0};
        red[dim] = 1;
        vk = keepdim_view(v, in, red, keepdim);
        ik = keepdim_view(ix, in, red, keepdim);
        if (!vk || !ik) { st = TH_lastErrorCode(); goto done; }
        IdxCtx c = {index_base};
        THTensor *ops[3] = {vk, ik, in};
        st = THIter_dimApply(3, ops, dim, pick_arg(cdt, is_max), &c, 1);
        if (st) goto done;
    }
    if (v == values) THTensor_bumpVersion(values);
    else if ((st = deliver(values, v, a->dtype, ond, oshape))) goto done;
    if (ix == indices) THTensor_bumpVersion(indices);
    else st = deliver(indices, ix, TH_INT64, ond, oshape);
done:
    THTensor_free(vk);
    THTensor_free(ik);
    THTensor_free(v);
    THTensor_free(ix);
    THTensor_free(in);
    return st;
}

int THTensor_maxDim(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim, int index_base)
{
    return maxmin_dim(values, indices, a, dim, keepdim, index_base, 1);
}

int THTensor_minDim(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim, int index_base)
{
    return maxmin_dim(values, indices, a, dim, keepdim, index_base, 0);
}

/* ------------------------------------------------------------------ cumsum / cumprod */

#define STORE_Float(x) ((float)(x))
#define STORE_Double(x) ((double)(x))
#define STORE_Byte(x) ((uint8_t)(x))
#define STORE_Char(x) ((int8_t)(x))
#define STORE_Short(x) ((int16_t)(x))
#define STORE_Int(x) ((int32_t)(x))
#define STORE_Long(x) ((int64_t)(x))
#define STORE_Bool(x) ((uint8_t)((x) != 0))

/* operand 0 the result, operand 1 the input (same dtype); floats accumulate in double */
#define DEF_CUM(N, T, A) \
static void cumsum_##N(char **d, const int64_t *len, const int64_t *st, void *vctx) \
{ \
    (void)vctx; A acc = 0; \
    for (int64_t i = 0; i < len[1]; i++) { \
        acc += (A)*(const T *)(d[1] + i * st[1]); \
        *(T *)(d[0] + i * st[0]) = STORE_##N(acc); \
    } \
} \
static void cumprod_##N(char **d, const int64_t *len, const int64_t *st, void *vctx) \
{ \
    (void)vctx; A acc = 1; \
    for (int64_t i = 0; i < len[1]; i++) { \
        acc *= (A)*(const T *)(d[1] + i * st[1]); \
        *(T *)(d[0] + i * st[0]) = STORE_##N(acc); \
    } \
}
#define DEF_CUM_F(CODE, T, N) DEF_CUM(N, T, double)
#define DEF_CUM_I(CODE, T, N) DEF_CUM(N, T, int64_t)
TH_FORALL_FLOAT_DTYPES(DEF_CUM_F)
TH_FORALL_INT_DTYPES(DEF_CUM_I)
DEF_CUM_I(TH_BOOL, uint8_t, Bool)

/* PyTorch's log-add-exp step of logcumsumexp: NaN propagates, equal infinities stay */
static inline double log_add_exp(double x, double cum)
{
    double mn = isnan(cum) ? cum : (cum < x ? cum : x);
    double mx = isnan(cum) ? cum : (x < cum ? cum : x);
    if (mn != mx || isfinite(mn)) return log1p(exp(mn - mx)) + mx;
    return x;
}
#define DEF_LCSE(CODE, T, N) \
static void logcumsumexp_##N(char **d, const int64_t *len, const int64_t *st, void *vctx) \
{ \
    (void)vctx; double acc = -INFINITY; \
    for (int64_t i = 0; i < len[1]; i++) { \
        acc = log_add_exp((double)*(const T *)(d[1] + i * st[1]), acc); \
        *(T *)(d[0] + i * st[0]) = (T)acc; \
    } \
}
TH_FORALL_FLOAT_DTYPES(DEF_LCSE)

enum { CUM_SUM, CUM_PROD, CUM_LOGSUMEXP };

static int cumulative(THTensor *out, THTensor *a, int dim, int kind)
{
    static const char *const names[] = {"cumsum", "cumprod", "logcumsumexp"};
    const char *name = names[kind];
    TH_CHECK(out, TH_ERR_VALUE, "%s(): output tensor is NULL", name);
    TH_TRY(check_dim_op(name, a, dim));
    TH_CHECK(out->dtype == -1 || TH_validDtype(out->dtype), TH_ERR_TYPE, "%s(): invalid output dtype", name);
    int nd = a->ndim;
    int resdt = out->dtype >= 0 ? out->dtype : (TH_isFloat(a->dtype) ? a->dtype : TH_INT64);
    TH_CHECK(kind != CUM_LOGSUMEXP || (TH_isFloat(a->dtype) && TH_isFloat(resdt)), TH_ERR_TYPE,
             "\"logcumsumexp_out_cpu\" not implemented for '%s'", torch_name(TH_isFloat(a->dtype) ? resdt : a->dtype));
    int cdt = resdt == TH_FLOAT16 ? TH_FLOAT32 : resdt;
    /* PyTorch casts the input to the result dtype first */
    THTensor *in = TH_asDtype(a, cdt);
    if (!in) return TH_lastErrorCode();
    THTensor *r;
    int st = 0;
    /* a full overlap is fine: each slice element is read before its place is written */
    int full;
    st = TH_checkOut(out, nd, a->size, 1, &a, &full);
    if (st) { THTensor_free(in); return st; }
    int inplace_ok = resdt == cdt && full != 2;
    if (inplace_ok) {
        st = TH_prepareOut(out, resdt, nd, a->size);
        if (st) { THTensor_free(in); return st; }
        THTensor_retain(out);
        r = out;
    } else {
        r = THTensor_newWithSize(cdt, nd, a->size);
        if (!r) { THTensor_free(in); return TH_lastErrorCode(); }
    }
    if (THTensor_numel(a)) {
        THDimLoop fn = NULL;
        switch (cdt) {
#define C_(CODE, T, N) case CODE: fn = kind == CUM_PROD ? cumprod_##N : cumsum_##N; break;
        TH_FORALL_DTYPES(C_)
#undef C_
        }
        if (kind == CUM_LOGSUMEXP) fn = cdt == TH_FLOAT32 ? logcumsumexp_Float : logcumsumexp_Double;
        THTensor *ops[2] = {r, in};
        st = THIter_dimApply(2, ops, dim, fn, NULL, 1);
    }
    if (!st) {
        if (r == out) THTensor_bumpVersion(out);
        else {
            st = TH_prepareOut(out, resdt, nd, a->size);
            if (!st) st = THTensor_copy(out, r);
        }
    }
    THTensor_free(r);
    THTensor_free(in);
    return st;
}

int THTensor_cumsum(THTensor *out, THTensor *a, int dim) { return cumulative(out, a, dim, CUM_SUM); }
int THTensor_cumprod(THTensor *out, THTensor *a, int dim) { return cumulative(out, a, dim, CUM_PROD); }
int THTensor_logcumsumexp(THTensor *out, THTensor *a, int dim) { return cumulative(out, a, dim, CUM_LOGSUMEXP); }

/* ------------------------------------------------------------------ cummax / cummin */

/* operands: values, indices (int64), input. PyTorch's rule: a NaN or a value at least as
 * large (small) as the running one takes over, so ties report the latest index. While the
 * running value is a number that is "x is not strictly worse" (NaN compares false); after a
 * NaN only a later NaN moves the index. Two loops keep the common step a predictable branch. */
#define DEF_CUMEXT(N, T, ISNAN, OPN, WORSE) \
static TH_CLONES void OPN##_##N(char **d, const int64_t *len, const int64_t *st, void *vctx) \
{ \
    const int64_t base = *(const int64_t *)vctx, n = len[2], sv = st[0], si = st[1], sx = st[2]; \
    char *pv = d[0], *pi = d[1]; const char *px = d[2]; \
    T best = *(const T *)px; \
    int64_t bi = 0, i = 0; \
    for (; i < n; i++) { \
        T xi = *(const T *)(px + i * sx); \
        if (!(xi WORSE best)) { best = xi; bi = i; if (ISNAN(xi)) break; } \
        *(T *)(pv + i * sv) = best; \
        *(int64_t *)(pi + i * si) = bi + base; \
    } \
    for (; i < n; i++) { \
        if (ISNAN(*(const T *)(px + i * sx))) bi = i; \
        *(T *)(pv + i * sv) = best; \
        *(int64_t *)(pi + i * si) = bi + base; \
    } \
}
#define DEF_CUMEXT_F(CODE, T, N) DEF_CUMEXT(N, T, F_ISNAN, cummax, <) DEF_CUMEXT(N, T, F_ISNAN, cummin, >)
#define DEF_CUMEXT_I(CODE, T, N) DEF_CUMEXT(N, T, I_ISNAN, cummax, <) DEF_CUMEXT(N, T, I_ISNAN, cummin, >)
TH_FORALL_FLOAT_DTYPES(DEF_CUMEXT_F)
TH_FORALL_INT_DTYPES(DEF_CUMEXT_I)
DEF_CUMEXT_I(TH_BOOL, uint8_t, Bool)

static int cum_extreme(THTensor *values, THTensor *indices, THTensor *a, int dim, int index_base, int is_max)
{
    const char *name = is_max ? "cummax" : "cummin";
    TH_TRY(check_dim_op(name, a, dim));
    int nd = a->ndim;
    TH_CHECK(!indices || indices->dtype == -1 || indices->dtype == TH_INT64, TH_ERR_RUNTIME,
             "%s(): Expected out tensor to have dtype Long, but got %s instead", name,
             indices ? torch_name(indices->dtype) : "");
    TH_CHECK(!values || values->dtype == -1 || values->dtype == a->dtype, TH_ERR_RUNTIME,
             "%s(): Expected out tensor to have dtype %s, but got %s instead", name, torch_name(a->dtype),
             values ? torch_name(values->dtype) : "");
    TH_TRY(TH_checkApart(values, indices));
    int cdt = a->dtype == TH_FLOAT16 ? TH_FLOAT32 : a->dtype;
    THTensor *in = TH_asDtype(a, cdt), *vt = NULL, *it = NULL, *vtmp = NULL, *itmp = NULL;
    if (!in) return TH_lastErrorCode();
    int st = 0;
    /* each slice element is read before its place is written: a full overlap may be written directly */
    vt = values ? TH_outBegin(values, a->dtype, nd, a->size, 1, &a, 1) : (vtmp = THTensor_newWithSize(cdt, nd, a->size));
    if (!vt) { st = TH_lastErrorCode(); goto done; }
    it = indices ? TH_outBegin(indices, TH_INT64, nd, a->size, 1, &a, 1)
                 : (itmp = THTensor_newWithSize(TH_INT64, nd, a->size));
    if (!it) { st = TH_lastErrorCode(); goto done; }
    if (THTensor_numel(a)) {
        /* float16 results are computed in float32, then rounded */
        THTensor *vk = vt->dtype == cdt ? vt : THTensor_newWithSize(cdt, nd, a->size);
        if (!vk) { st = TH_lastErrorCode(); goto done; }
        THDimLoop fn = NULL;
        switch (cdt) {
#define C_(CODE, T, N) case CODE: fn = is_max ? cummax_##N : cummin_##N; break;
        TH_FORALL_DTYPES(C_)
#undef C_
        }
        int64_t base = index_base;
        THTensor *ops[3] = {vk, it, in};
        st = THIter_dimApply(3, ops, dim, fn, &base, 1);
        if (vk != vt) {
            if (!st) st = THTensor_copy(vt, vk);
            THTensor_free(vk);
        }
    }
done:
    if (values) st = TH_outEnd(values, vt, st);
    if (indices) st = TH_outEnd(indices, it, st);
    THTensor_free(vtmp);
    THTensor_free(itmp);
    THTensor_free(in);
    return st;
}

int THTensor_cummax(THTensor *values, THTensor *indices, THTensor *a, int dim, int index_base)
{
    return cum_extreme(values, indices, a, dim, index_base, 1);
}

int THTensor_cummin(THTensor *values, THTensor *indices, THTensor *a, int dim, int index_base)
{
    return cum_extreme(values, indices, a, dim, index_base, 0);
}

/* ------------------------------------------------------------------ dist */

int THTensor_dist(THTensor *out, THTensor *a, THTensor *b, double p)
{
    TH_CHECK(out && a && b, TH_ERR_VALUE, "dist(): tensor is NULL");
    TH_CHECK(TH_validDtype(a->dtype) && TH_validDtype(b->dtype), TH_ERR_TYPE, "dist(): an input tensor has no dtype");
    int pdt = TH_promoteTypes(a->dtype, b->dtype);
    TH_CHECK(TH_isFloat(pdt), TH_ERR_TYPE,
             "norm(): input dtype should be either floating point or complex. Got %s instead.", torch_name(pdt));
    TH_CHECK(!isnan(p), TH_ERR_VALUE, "dist(): the order p must not be nan");
    int resdt = out->dtype >= 0 ? out->dtype : pdt;
    TH_CHECK(TH_isFloat(resdt), TH_ERR_TYPE, "dist(): the result dtype must be floating point, got %s",
             TH_dtypeName(resdt));
    int bnd;
    int64_t bshape[TH_MAX_DIMS];
    TH_TRY(THTensor_broadcastShape(a->ndim, a->size, b->ndim, b->size, &bnd, bshape));
    int64_t n = 1;
    for (int d = 0; d < bnd; d++) n *= bshape[d];
    if (n == 0 && isinf(p))
        return TH_setError(TH_ERR_RUNTIME, "linalg.vector_norm cannot compute the %s norm on an empty tensor "
                           "because the operation does not have an identity", p > 0 ? "inf" : "-inf");
    int cdt = pdt == TH_FLOAT16 ? TH_FLOAT32 : pdt;
    THTensor *x = TH_asDtype(a, cdt), *y = x ? TH_asDtype(b, cdt) : NULL;
    int kind = norm_kind(p, 1);
    THTensor *acc = y ? new_acc(TH_FLOAT64, 0, NULL, kind) : NULL;
    int st = acc ? 0 : TH_lastErrorCode();
    if (!st && n) {
        /* x and y are broadcast views of the common shape; acc is 0-dim (stride 0 everywhere) */
        THTensor *xe = THTensor_newExpand(x, bnd, bshape);
        THTensor *ye = xe ? THTensor_newExpand(y, bnd, bshape) : NULL;
        st = ye ? run_pass(acc, xe, ye, kind, p) : TH_lastErrorCode();
        THTensor_free(xe);
        THTensor_free(ye);
    }
    if (!st && needs_root(p)) st = finalize(acc, NULL, F_ROOT, 0, 0, p);
    if (!st) st = TH_prepareOut(out, resdt, 0, NULL);
    if (!st) st = THTensor_copy(out, acc);
    THTensor_free(acc);
    THTensor_free(x);
    THTensor_free(y);
    return st;
}
