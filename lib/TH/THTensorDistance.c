/* Pairwise distances (cdist's p-norm path): out[b,i,j] = (sum_k |x1[b,i,k] - x2[b,j,k]|^p)^(1/p).
 * One reduction on THIter over (B, P, M, R): out broadcast along k, x1 along j, x2 along i,
 * with x2 laid out k-major so the inner loop runs along j over contiguous rows of out and x2
 * (vectorisable, no reassociation needed), and threads split the output. */
#include "THIter.h"
#include <math.h>

#define TH_CLONES __attribute__((target_clones("avx2", "default")))

enum { P_ZERO, P_ONE, P_TWO, P_INF, P_GEN };

typedef struct { double p; } DistCtx;

/* operands: out (accumulates), x1, x2. The fast path is the planned one (along j: x1 fixed,
 * out and x2 rows contiguous); the engine drops size-1 dims, so other inner dims (k when
 * R == 1) take the general path. */
#define DEF_DIST(N, T, KIND, ACC) \
static TH_CLONES void dist_##KIND##_##N(char **d, const int64_t *s, int64_t n, void *vc) \
{ \
    typedef T T_; (void)sizeof(T_); \
    const T p = (T)((DistCtx *)vc)->p; (void)p; \
    if (s[0] == sizeof(T) && s[1] == 0 && s[2] == sizeof(T)) { \
        T *o = (T *)d[0]; const T a = *(const T *)d[1]; const T *b = (const T *)d[2]; \
        for (int64_t j = 0; j < n; j++) { T x = a - b[j]; o[j] = ACC(o[j], x); } \
    } else { \
        for (int64_t j = 0; j < n; j++) { \
            T x = *(const T *)(d[1] + j * s[1]) - *(const T *)(d[2] + j * s[2]); \
            T *o = (T *)(d[0] + j * s[0]); \
            *o = ACC(*o, x); \
        } \
    } \
}
#define ACC_ZERO(o, x) ((o) + (T_)((x) != 0))
#define ACC_ONE(o, x) ((o) + ((x) < 0 ? -(x) : (x)))
#define ACC_TWO(o, x) ((o) + (x) * (x))
#define ACC_INF(o, x) ({ T_ ax_ = (x) < 0 ? -(x) : (x); ax_ > (o) || ax_ != ax_ ? ax_ : (o); })
#define ACC_GEN(o, x) ((o) + (T_)pow((double)((x) < 0 ? -(x) : (x)), (double)p))
#define DEF_DIST_ALL(CODE, T, N) DEF_DIST(N, T, P_ZERO, ACC_ZERO) DEF_DIST(N, T, P_ONE, ACC_ONE) \
    DEF_DIST(N, T, P_TWO, ACC_TWO) DEF_DIST(N, T, P_INF, ACC_INF) DEF_DIST(N, T, P_GEN, ACC_GEN)
TH_FORALL_FLOAT_DTYPES(DEF_DIST_ALL)

/* the root: sqrt for p = 2, x^(1/p) for other finite p > 0 (p = 0, 1, inf need none) */
#define DEF_ROOT(CODE, T, N) \
static void root_##N(char **d, const int64_t *s, int64_t n, void *vc) \
{ \
    double p = ((DistCtx *)vc)->p; \
    for (int64_t i = 0; i < n; i++) { \
        T *o = (T *)(d[0] + i * s[0]); \
        *o = p == 2 ? (T)sqrt((double)*o) : (T)pow((double)*o, 1.0 / p); \
    } \
}
TH_FORALL_FLOAT_DTYPES(DEF_ROOT)

static THLoop pick(int dt, int kind)
{
    static const THLoop f32[] = {dist_P_ZERO_Float, dist_P_ONE_Float, dist_P_TWO_Float, dist_P_INF_Float,
                                 dist_P_GEN_Float};
    static const THLoop f64[] = {dist_P_ZERO_Double, dist_P_ONE_Double, dist_P_TWO_Double, dist_P_INF_Double,
                                 dist_P_GEN_Double};
    return dt == TH_FLOAT32 ? f32[kind] : f64[kind];
}

/* a 4-D view (sizes, strides in elements) of t's storage */
static THTensor view4(const THTensor *t, const int64_t *size, const int64_t *stride)
{
    THTensor v = *t;
    v.ndim = 4;
    for (int d = 0; d < 4; d++) { v.size[d] = size[d]; v.stride[d] = stride[d]; }
    return v;
}

int THTensor_cdist(THTensor *out, THTensor *x1, THTensor *x2, double p)
{
    TH_CHECK(out && x1 && x2, TH_ERR_VALUE, "cdist(): tensor is NULL");
    TH_CHECK(x1->ndim == 3 && x2->ndim == 3, TH_ERR_VALUE, "cdist(): expected 3-D (batch, rows, columns) inputs, "
             "got %d-D and %d-D", x1->ndim, x2->ndim);
    TH_CHECK(x1->dtype == x2->dtype && (x1->dtype == TH_FLOAT32 || x1->dtype == TH_FLOAT64), TH_ERR_TYPE,
             "cdist(): expected two float32 or two float64 inputs, got %s and %s", TH_dtypeName(x1->dtype),
             TH_dtypeName(x2->dtype));
    TH_CHECK(x1->size[0] == x2->size[0] && x1->size[2] == x2->size[2], TH_ERR_VALUE,
             "cdist(): X1 and X2 must have the same batch size and number of columns, got [%lld, %lld, %lld] and "
             "[%lld, %lld, %lld]", (long long)x1->size[0], (long long)x1->size[1], (long long)x1->size[2],
             (long long)x2->size[0], (long long)x2->size[1], (long long)x2->size[2]);
    TH_CHECK(!(p < 0) && !isnan(p), TH_ERR_VALUE, "cdist only supports non-negative p values");
    int dt = x1->dtype;
    int64_t nb = x1->size[0], np_ = x1->size[1], m = x1->size[2], nr = x2->size[1];
    int64_t oshape[3] = {nb, np_, nr};
    THTensor *ins[2] = {x1, x2};
    THTensor *r = TH_outBegin(out, dt, 3, oshape, 2, ins, 0);
    if (!r) return TH_lastErrorCode();
    int st = THTensor_zero(r);
    int kind = p == 0 ? P_ZERO : p == 1 ? P_ONE : p == 2 ? P_TWO : isinf(p) ? P_INF : P_GEN;
    DistCtx ctx = {p};
    THTensor *xt = NULL;
    if (!st && nb * np_ * nr * m > 0) {
        /* x2 as (B, M, R) contiguous: rows of the inner loop are contiguous */
        THTensor *tr = THTensor_newTranspose(x2, 1, 2);
        xt = tr ? THTensor_newContiguous(tr) : NULL;
        THTensor_free(tr);
        if (!xt) st = TH_lastErrorCode();
    }
    if (!st && xt) {
        int64_t shape[4] = {nb, np_, m, nr};
        int64_t os[4] = {nb, np_, 1, nr}, ost[4] = {r->stride[0], r->stride[1], 0, r->stride[2]};
        int64_t as[4] = {nb, np_, m, 1}, ast[4] = {x1->stride[0], x1->stride[1], x1->stride[2], 0};
        int64_t bs[4] = {nb, 1, m, nr}, bst[4] = {xt->stride[0], 0, xt->stride[1], xt->stride[2]};
        THTensor ov = view4(r, os, ost), av = view4(x1, as, ast), bv = view4(xt, bs, bst);
        THTensor *ops[3] = {&ov, &av, &bv};
        THIter it;
        st = THIter_build(&it, 3, ops, 4, shape, 2);
        if (!st) {
            THReduceOps red = {pick(dt, kind), NULL, NULL, 0, NULL};
            THIter_reduce(&it, &red, &ctx, 1);
        }
    }
    if (!st && (kind == P_TWO || kind == P_GEN) && THTensor_numel(r)) {
        THIter it;
        st = THIter_build(&it, 1, &r, r->ndim, r->size, 0);
        if (!st) THIter_run(&it, dt == TH_FLOAT32 ? root_Float : root_Double, &ctx, 1);
    }
    THTensor_free(xt);
    return TH_outEnd(out, r, st);
}
