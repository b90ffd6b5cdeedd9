/* Internal: the shared body of SoftMax.c and LogSoftMax.c. Rows along the softmax dim are
 * processed in parallel (OpenMP over the outer positions); the exp of float32 rows uses the
 * vectorisable thnn_expf; sums accumulate in double. */
#ifndef THNN_SOFTMAX_H
#define THNN_SOFTMAX_H
#include "THNNElementwise.h"
#include <stdlib.h>

typedef struct { int64_t outer, n, inner; } SMGeom;

/* dim < 0 picks THNN's feature dim: dim 0 of 1-D/3-D inputs, dim 1 of 2-D/4-D inputs. */
static inline int thnn_softmax_geom(const char *fn, const THTensor *t, int dim, SMGeom *g)
{
    int nd = t->ndim;
    if (dim < 0) {
        char buf[128];
        TH_CHECK(nd >= 1 && nd <= 4, TH_ERR_VALUE, "%s: expected 1D, 2D, 3D or 4D input (or an explicit dim), got %s",
                 fn, THNN_sizeDesc(t, buf, sizeof buf));
        dim = (nd == 1 || nd == 3) ? 0 : 1;
    }
    TH_CHECK(dim < (nd ? nd : 1), TH_ERR_INDEX, "%s: dim %d out of range for a %d-D input", fn, dim, nd);
    g->outer = 1; g->n = nd ? t->size[dim] : 1; g->inner = 1;
    for (int d = 0; d < dim; d++) g->outer *= t->size[d];
    for (int d = dim + 1; d < nd; d++) g->inner *= t->size[d];
    return 0;
}

/* Rows (inner == 1): contiguous vectors of length n. Strided (inner > 1): for every outer
 * position, inner columns processed together so the inner loops stay contiguous. */
/* One row (inner == 1) of length n: separate simple loops so each one vectorises. */
#define THNN_SOFTMAX_ROWS(T, N, LOG) \
THNN_CLONES static void sm_row_fwd_##N(const T *x, T *y, int64_t n) \
{ \
    T mx = -INFINITY; \
    _Pragma("omp simd reduction(max:mx)") \
    for (int64_t k = 0; k < n; k++) mx = x[k] > mx ? x[k] : mx; \
    double s = 0; \
    if (LOG) { \
        _Pragma("omp simd reduction(+:s)") \
        for (int64_t k = 0; k < n; k++) s += TEXP((T)(x[k] - mx)); \
        const T ls = (T)log(s); \
        _Pragma("omp simd") \
        for (int64_t k = 0; k < n; k++) y[k] = (x[k] - mx) - ls; \
    } else { \
        _Pragma("omp simd reduction(+:s)") \
        for (int64_t k = 0; k < n; k++) { T e = TEXP((T)(x[k] - mx)); y[k] = e; s += e; } \
        const T inv = (T)(1.0 / s); \
        _Pragma("omp simd") \
        for (int64_t k = 0; k < n; k++) y[k] *= inv; \
    } \
} \
THNN_CLONES static void sm_row_bwd_##N(const T *y, const T *go, T *gi, int64_t n) \
{ \
    double s = 0; \
    if (LOG) { \
        _Pragma("omp simd reduction(+:s)") \
        for (int64_t k = 0; k < n; k++) s += go[k]; \
        const T ts = (T)s; \
        _Pragma("omp simd") \
        for (int64_t k = 0; k < n; k++) gi[k] = go[k] - TEXP(y[k]) * ts; \
    } else { \
        _Pragma("omp simd reduction(+:s)") \
        for (int64_t k = 0; k < n; k++) s += (double)(go[k] * y[k]); \
        const T ts = (T)s; \
        _Pragma("omp simd") \
        for (int64_t k = 0; k < n; k++) gi[k] = y[k] * (go[k] - ts); \
    } \
}

/* Rows (inner == 1): contiguous vectors of length n. Strided (inner > 1): for every outer
 * position, inner columns processed together so the inner loops stay contiguous. */
#define THNN_SOFTMAX_IMPL(T, N, LOG) \
THNN_SOFTMAX_ROWS(T, N, LOG) \
static void sm_fwd_##N(const T *x, T *y, SMGeom g) \
{ \
    const int64_t n = g.n, inner = g.inner; \
    if (inner == 1) { \
        _Pragma("omp parallel for if (TH_parallelOK(2 * (g.outer * n)))") \
        for (int64_t o = 0; o < g.outer; o++) sm_row_fwd_##N(x + o * n, y + o * n, n); \
        return; \
    } \
    _Pragma("omp parallel if (TH_parallelOK(2 * (g.outer * n * inner)))") \
    { \
        T *mx = malloc(sizeof(T) * (size_t)inner); double *s = malloc(sizeof(double) * (size_t)inner); \
        _Pragma("omp for") \
        for (int64_t o = 0; o < g.outer; o++) { \
            if (!mx || !s) continue; \
            const T *xb = x + o * n * inner; T *yb = y + o * n * inner; \
            for (int64_t i = 0; i < inner; i++) { mx[i] = -INFINITY; s[i] = 0; } \
            for (int64_t k = 0; k < n; k++) for (int64_t i = 0; i < inner; i++) \
                mx[i] = xb[k * inner + i] > mx[i] ? xb[k * inner + i] : mx[i]; \
            for (int64_t k = 0; k < n; k++) for (int64_t i = 0; i < inner; i++) { \
                T e = TEXP((T)(xb[k * inner + i] - mx[i])); if (!(LOG)) yb[k * inner + i] = e; s[i] += e; } \
            if (LOG) { for (int64_t i = 0; i < inner; i++) s[i] = log(s[i]); \
                       for (int64_t k = 0; k < n; k++) for (int64_t i = 0; i < inner; i++) \
                           yb[k * inner + i] = (xb[k * inner + i] - mx[i]) - (T)s[i]; } \
            else { for (int64_t i = 0; i < inner; i++) mx[i] = (T)(1.0 / s[i]); \
                   for (int64_t k = 0; k < n; k++) for (int64_t i = 0; i < inner; i++) yb[k * inner + i] *= mx[i]; } \
        } \
        free(mx); free(s); \
    } \
} \
/* softmax: gi = y * (go - sum(go * y)); log-softmax: gi = go - exp(y) * sum(go) */ \
static void sm_bwd_##N(const T *y, const T *go, T *gi, SMGeom g) \
{ \
    const int64_t n = g.n, inner = g.inner; \
    if (inner == 1) { \
        _Pragma("omp parallel for if (TH_parallelOK(2 * (g.outer * n)))") \
        for (int64_t o = 0; o < g.outer; o++) sm_row_bwd_##N(y + o * n, go + o * n, gi + o * n, n); \
        return; \
    } \
    _Pragma("omp parallel if (TH_parallelOK(2 * (g.outer * n * inner)))") \
    { \
        double *s = malloc(sizeof(double) * (size_t)inner); \
        _Pragma("omp for") \
        for (int64_t o = 0; o < g.outer; o++) { \
            if (!s) continue; \
            const T *yb = y + o * n * inner, *gb = go + o * n * inner; T *ib = gi + o * n * inner; \
            for (int64_t i = 0; i < inner; i++) s[i] = 0; \
            for (int64_t k = 0; k < n; k++) for (int64_t i = 0; i < inner; i++) \
                s[i] += LOG ? (double)gb[k * inner + i] : (double)gb[k * inner + i] * yb[k * inner + i]; \
            for (int64_t k = 0; k < n; k++) for (int64_t i = 0; i < inner; i++) { \
                const int64_t j = k * inner + i; \
                ib[j] = LOG ? gb[j] - TEXP(yb[j]) * (T)s[i] : yb[j] * (gb[j] - (T)s[i]); } \
        } \
        free(s); \
    } \
}

/* Run f on contiguous copies of the inputs, into out (a temporary when out overlaps). */
static inline int thnn_softmax_run(const char *fn, THTensor *out, THTensor *a, THTensor *b, int dim, int backward,
                                   void (*ff)(), void (*fd)())
{
    SMGeom g = {0};
    TH_CHECK(a && out, TH_ERR_VALUE, "%s: a tensor argument is NULL", fn);
    THNN_CHECK_FLOAT(fn, a);
    if (b) {
        TH_CHECK(b->dtype == a->dtype, TH_ERR_TYPE, "%s: gradOutput has dtype %s but output has dtype %s", fn,
                 TH_dtypeName(b->dtype), TH_dtypeName(a->dtype));
        int same = b->ndim == a->ndim;
        for (int d = 0; same && d < a->ndim; d++) same = b->size[d] == a->size[d];
        char b0[128], b1[128];
        TH_CHECK(same, TH_ERR_VALUE, "%s: gradOutput of size %s does not match output of size %s", fn,
                 THNN_sizeDesc(b, b0, sizeof b0), THNN_sizeDesc(a, b1, sizeof b1));
    }
    TH_TRY(thnn_softmax_geom(fn, a, dim, &g));
    THTensor *ac = THTensor_newContiguous(a), *bc = b ? THTensor_newContiguous(b) : NULL;
    int st = ac && (bc || !b) ? 0 : TH_lastErrorCode();
    THTensor *res = out;
    int direct = !st && (out->dtype < 0 || out->dtype == a->dtype) && !TH_overlapsDifferently(out, a) &&
                 !(b && TH_overlapsDifferently(out, b)) && (out->storage == NULL || THTensor_isContiguous(out));
    if (!st && direct) st = TH_prepareOut(out, a->dtype, a->ndim, a->size);
    if (!st && (!direct || !THTensor_isContiguous(out))) {
        res = THTensor_newWithSize(a->dtype, a->ndim, a->size);
        if (!res) st = TH_lastErrorCode();
    }
    if (!st && THTensor_numel(a) > 0) {
        if (backward) {
            if (a->dtype == TH_FLOAT32)
                ((void (*)(const float *, const float *, float *, SMGeom))ff)(THTensor_data(ac), THTensor_data(bc), THTensor_data(res), g);
            else
                ((void (*)(const double *, const double *, double *, SMGeom))fd)(THTensor_data(ac), THTensor_data(bc), THTensor_data(res), g);
        } else {
            if (a->dtype == TH_FLOAT32)
                ((void (*)(const float *, float *, SMGeom))ff)(THTensor_data(ac), THTensor_data(res), g);
            else
                ((void (*)(const double *, double *, SMGeom))fd)(THTensor_data(ac), THTensor_data(res), g);
        }
    }
    if (!st && res != out) {
        st = TH_prepareOut(out, a->dtype, a->ndim, a->size);
        if (!st) st = THTensor_copy(out, res);
    }
    if (!st) THTensor_bumpVersion(out);
    if (res != out) THTensor_free(res);
    THTensor_free(ac); THTensor_free(bc);
    return st;
}

#endif
