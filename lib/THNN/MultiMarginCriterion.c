/* MultiMarginCriterion: per sample sum_{j != y} w[y] * max(0, margin - x[y] + x[j])^p / C,
 * p 1 or 2; input C or N x C, int64 target () / (1) or (N) in index_base. */
#include "THNNElementwise.h"
#include <stdlib.h>

typedef struct { int64_t N, C; int out_ndim; int64_t out_shape[1]; } MMGeom;

static int shape_check(THTensor *input, THTensor *target, int p, THTensor *weights, MMGeom *g)
{
    char b0[128], b1[128];
    TH_CHECK(input && target, TH_ERR_VALUE, "MultiMarginCriterion: input or target is NULL");
    THNN_CHECK_FLOAT("MultiMarginCriterion", input);
    TH_CHECK(p == 1 || p == 2, TH_ERR_VALUE, "MultiMarginCriterion: only p == 1 and p == 2 are supported, got %d", p);
    TH_CHECK(target->dtype == TH_INT64, TH_ERR_TYPE, "MultiMarginCriterion: expected an int64 target, got %s",
             target->dtype < 0 ? "an undefined tensor" : TH_dtypeName(target->dtype));
    TH_CHECK(input->ndim == 1 || input->ndim == 2, TH_ERR_VALUE,
             "MultiMarginCriterion: expected 1D (C) or 2D (N x C) input, got %s", THNN_sizeDesc(input, b0, sizeof b0));
    if (input->ndim == 1) {
        TH_CHECK(target->ndim <= 1 && THTensor_numel(target) == 1, TH_ERR_VALUE,
                 "MultiMarginCriterion: a 1D input needs a target of one element, got %s",
                 THNN_sizeDesc(target, b1, sizeof b1));
        g->N = 1; g->C = input->size[0];
        g->out_ndim = target->ndim; g->out_shape[0] = 1;   /* the per-sample loss takes the target's shape */
    } else {
        TH_CHECK(target->ndim == 1 && target->size[0] == input->size[0], TH_ERR_VALUE,
                 "MultiMarginCriterion: expected target of size [%lld] for input of size %s, got %s",
                 (long long)input->size[0], THNN_sizeDesc(input, b0, sizeof b0), THNN_sizeDesc(target, b1, sizeof b1));
        g->N = input->size[0]; g->C = input->size[1];
        g->out_ndim = 1; g->out_shape[0] = g->N;
    }
    TH_CHECK(g->C > 0 || g->N == 0, TH_ERR_VALUE, "MultiMarginCriterion: input has no classes");
    if (weights) {
        TH_CHECK(weights->dtype == input->dtype, TH_ERR_TYPE,
                 "MultiMarginCriterion: weights have dtype %s but input has dtype %s", TH_dtypeName(weights->dtype),
                 TH_dtypeName(input->dtype));
        TH_CHECK(weights->ndim == 1 && weights->size[0] == g->C, TH_ERR_VALUE,
                 "MultiMarginCriterion: expected weights of size %lld (one per class), got %lld elements",
                 (long long)g->C, (long long)THTensor_numel(weights));
    }
    return 0;
}

static int check_targets(const int64_t *t, const MMGeom *g, int base)
{
    for (int64_t n = 0; n < g->N; n++)
        TH_CHECK(t[n] >= base && t[n] < g->C + base, TH_ERR_INDEX,
                 "MultiMarginCriterion: target %lld is out of bounds [%d, %lld)", (long long)t[n], base,
                 (long long)(g->C + base));
    return 0;
}

#define MM_IMPL(CODE, T, NM) \
static void fwd_##NM(const T *x, const int64_t *t, const T *w, const MMGeom *g, int p, double margin, int base, \
                    double *loss) \
{ \
    const int64_t C = g->C; \
    _Pragma("omp parallel for if (TH_parallelOK(g->N * C))") \
    for (int64_t n = 0; n < g->N; n++) { \
        const T *xr = x + n * C; const int64_t y = t[n] - base; \
        double s = 0; \
        for (int64_t j = 0; j < C; j++) { \
            if (j == y) continue; \
            double z = margin - (double)xr[y] + (double)xr[j]; \
            if (z > 0) s += (p == 1 ? z : z * z) * (w ? (double)w[y] : 1.0); \
        } \
        loss[n] = s / (double)C; \
    } \
} \
static void bwd_##NM(const T *x, const int64_t *t, const T *w, const MMGeom *g, int p, double margin, int base, \
                    const double *gscale, T *gi) \
{ \
    const int64_t C = g->C; \
    _Pragma("omp parallel for if (TH_parallelOK(g->N * C))") \
    for (int64_t n = 0; n < g->N; n++) { \
        const T *xr = x + n * C; T *gr = gi + n * C; const int64_t y = t[n] - base; \
        const double f = gscale[n] * (w ? (double)w[y] : 1.0) / (double)C; \
        double gy = 0; \
        for (int64_t j = 0; j < C; j++) { \
            double z = margin - (double)xr[y] + (double)xr[j]; \
            if (j == y || z <= 0) { gr[j] = 0; continue; } \
            double h = (p == 1 ? 1.0 : 2 * z) * f; \
            gr[j] = (T)h; gy -= h; \
        } \
        gr[y] = (T)gy; \
    } \
}
TH_FORALL_FLOAT_DTYPES(MM_IMPL)

typedef struct { THTensor *x, *t, *w; double *buf; } Work;
static void work_free(Work *k) { THTensor_free(k->x); THTensor_free(k->t); THTensor_free(k->w); free(k->buf); }
static int work_init(Work *k, THTensor *input, THTensor *target, THTensor *weights, const MMGeom *g, int base)
{
    k->x = THTensor_newContiguous(input); k->t = THTensor_newContiguous(target);
    k->w = weights ? THTensor_newContiguous(weights) : NULL;
    k->buf = malloc(sizeof(double) * (size_t)(g->N > 0 ? g->N : 1));
    if (!k->buf) return TH_setError(TH_ERR_MEMORY, "MultiMarginCriterion: out of memory");
    if (!k->x || !k->t || (weights && !k->w)) return TH_lastErrorCode();
    return check_targets(THTensor_data(k->t), g, base);
}

int THNN_MultiMarginCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage,
                                           int p, THTensor *weights, double margin, int reduce, int index_base)
{
    MMGeom g = {0};
    TH_TRY(shape_check(input, target, p, weights, &g));
    TH_CHECK(output, TH_ERR_VALUE, "MultiMarginCriterion: output is NULL");
    Work k = {0};
    int st = work_init(&k, input, target, weights, &g, index_base);
    if (!st && g.N > 0) {
        if (input->dtype == TH_FLOAT32)
            fwd_Float(THTensor_data(k.x), THTensor_data(k.t), k.w ? THTensor_data(k.w) : NULL, &g, p, margin,
                      index_base, k.buf);
        else
            fwd_Double(THTensor_data(k.x), THTensor_data(k.t), k.w ? THTensor_data(k.w) : NULL, &g, p, margin,
                       index_base, k.buf);
    }
    if (!st && reduce) {
        double s = 0;
        for (int64_t n = 0; n < g.N; n++) s += k.buf[n];
        if (sizeAverage) s /= (double)g.N;
        st = THNN_prepareScalar("MultiMarginCriterion", "output", output, input->dtype);
        if (!st) st = THTensor_fill(output, s);
    } else if (!st) {
        THTensor *res = THTensor_newWithSize(TH_FLOAT64, g.out_ndim, g.out_shape);
        if (!res) st = TH_lastErrorCode();
        if (!st && g.N) memcpy(THTensor_data(res), k.buf, sizeof(double) * (size_t)g.N);
        if (!st) st = TH_prepareOut(output, input->dtype, g.out_ndim, g.out_shape);
        if (!st) st = THTensor_copy(output, res);
        THTensor_free(res);
    }
    work_free(&k);
    return st;
}

int THNN_MultiMarginCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                              THTensor *gradInput, int sizeAverage, int p, THTensor *weights,
                                              double margin, int reduce, int index_base)
{
    MMGeom g = {0};
    TH_TRY(shape_check(input, target, p, weights, &g));
    TH_CHECK(gradInput, TH_ERR_VALUE, "MultiMarginCriterion: gradInput is NULL");
    Work k = {0};
    int st = work_init(&k, input, target, weights, &g, index_base);
    if (!st && reduce) {
        double gs;
        st = THNN_scalarGrad("MultiMarginCriterion", gradOutput, &gs);
        if (sizeAverage) gs /= (double)g.N;
        for (int64_t n = 0; n < g.N; n++) k.buf[n] = gs;
    } else if (!st) {
        char b[128];
        if (!gradOutput) st = TH_setError(TH_ERR_VALUE, "MultiMarginCriterion: gradOutput is NULL (needed without reduction)");
        else if (THTensor_numel(gradOutput) != g.N || gradOutput->ndim != g.out_ndim)
            st = TH_setError(TH_ERR_VALUE, "MultiMarginCriterion: gradOutput of size %s does not match the %lld "
                             "per-sample losses", THNN_sizeDesc(gradOutput, b, sizeof b), (long long)g.N);
        else {
            THTensor *gd = THTensor_newCast(gradOutput, TH_FLOAT64);
            if (!gd) st = TH_lastErrorCode();
            else { if (g.N) memcpy(k.buf, THTensor_data(gd), sizeof(double) * (size_t)g.N); THTensor_free(gd); }
        }
    }
    THTensor *res = st ? NULL : THTensor_newWithSize(input->dtype, input->ndim, input->size);
    if (!st && !res) st = TH_lastErrorCode();
    if (!st && g.N > 0) {
        if (input->dtype == TH_FLOAT32)
            bwd_Float(THTensor_data(k.x), THTensor_data(k.t), k.w ? THTensor_data(k.w) : NULL, &g, p, margin,
                      index_base, k.buf, THTensor_data(res));
        else
            bwd_Double(THTensor_data(k.x), THTensor_data(k.t), k.w ? THTensor_data(k.w) : NULL, &g, p, margin,
                       index_base, k.buf, THTensor_data(res));
    }
    if (!st) st = TH_prepareOut(gradInput, input->dtype, input->ndim, input->size);
    if (!st) st = THTensor_copy(gradInput, res);
    THTensor_free(res);
    work_free(&k);
    return st;
}
