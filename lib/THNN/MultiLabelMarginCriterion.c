/* MultiLabelMarginCriterion: per sample sum over target classes j and non-target classes k
 * of max(0, 1 - (x[j] - x[k])) / C. The target row lists class indices (index_base) and
 * ends at the first value below index_base (Torch7 pads with 0, PyTorch with -1). */
#include "THNNElementwise.h"
#include <stdlib.h>

typedef struct { int64_t N, C; int out_ndim; int64_t out_shape[1]; } MLGeom;

static int shape_check(THTensor *input, THTensor *target, MLGeom *g)
{
    char b0[128], b1[128];
    TH_CHECK(input && target, TH_ERR_VALUE, "MultiLabelMarginCriterion: input or target is NULL");
    THNN_CHECK_FLOAT("MultiLabelMarginCriterion", input);
    TH_CHECK(target->dtype == TH_INT64, TH_ERR_TYPE, "MultiLabelMarginCriterion: expected an int64 target, got %s",
             target->dtype < 0 ? "an undefined tensor" : TH_dtypeName(target->dtype));
    TH_CHECK(input->ndim == 1 || input->ndim == 2, TH_ERR_VALUE,
             "MultiLabelMarginCriterion: expected 1D (C) or 2D (N x C) input, got %s",
             THNN_sizeDesc(input, b0, sizeof b0));
    THNN_CHECK_SAME_SHAPE("MultiLabelMarginCriterion", target, input);
    (void)b1;
    g->N = input->ndim == 1 ? 1 : input->size[0];
    g->C = input->size[input->ndim - 1];
    g->out_ndim = input->ndim - 1;
    g->out_shape[0] = g->N;
    return 0;
}

static int check_targets(const int64_t *t, const MLGeom *g, int base)
{
    for (int64_t n = 0; n < g->N; n++)
        for (int64_t j = 0; j < g->C; j++) {
            int64_t v = t[n * g->C + j];
            if (v < base) break;
            TH_CHECK(v < g->C + base, TH_ERR_INDEX, "MultiLabelMarginCriterion: target %lld is out of bounds [%d, %lld)",
                     (long long)v, base, (long long)(g->C + base));
        }
    return 0;
}

#define ML_IMPL(CODE, T, NM) \
/* loss[n] per sample; with gscale, gi instead gets the gradient scaled by gscale[n] */ \
static void run_##NM(const T *x, const int64_t *t, const MLGeom *g, int base, double *loss, const double *gscale, \
                     T *gi, T *istgt) \
{ \
    const int64_t C = g->C; \
    _Pragma("omp parallel if (TH_parallelOK(g->N * C * 4))") \
    { \
        char *mark = malloc((size_t)(C > 0 ? C : 1)); \
        _Pragma("omp for") \
        for (int64_t n = 0; n < g->N; n++) { \
            if (!mark) continue; \
            const T *xr = x + n * C; const int64_t *tr = t + n * C; \
            memset(mark, 0, (size_t)C); \
            for (int64_t j = 0; j < C && tr[j] >= base; j++) mark[tr[j] - base] = 1; \
            if (istgt) for (int64_t k = 0; k < C; k++) istgt[n * C + k] = mark[k]; \
            double s = 0; \
            if (gi) for (int64_t k = 0; k < C; k++) gi[n * C + k] = 0; \
            const double f = gscale ? gscale[n] / (double)C : 0; \
            for (int64_t j = 0; j < C && tr[j] >= base; j++) { \
                const int64_t tj = tr[j] - base; \
                for (int64_t k = 0; k < C; k++) { \
                    if (mark[k]) continue; \
                    double z = 1 - (double)xr[tj] + (double)xr[k]; \
                    if (z <= 0) continue; \
                    s += z; \
                    if (gi) { gi[n * C + tj] -= (T)f; gi[n * C + k] += (T)f; } \
                } \
            } \
            if (loss) loss[n] = s / (double)C; \
        } \
        free(mark); \
    } \
}
TH_FORALL_FLOAT_DTYPES(ML_IMPL)

static int run(THTensor *input, THTensor *target, const MLGeom *g, int base, double *loss, const double *gscale,
               THTensor *gi, THTensor *istgt)
{
    THTensor *x = THTensor_newContiguous(input), *t = THTensor_newContiguous(target);
    int st = x && t ? 0 : TH_lastErrorCode();
    if (!st) st = check_targets(THTensor_data(t), g, base);
    if (!st && g->N > 0 && g->C > 0) {
        if (input->dtype == TH_FLOAT32)
            run_Float(THTensor_data(x), THTensor_data(t), g, base, loss, gscale, gi ? THTensor_data(gi) : NULL,
                      istgt ? THTensor_data(istgt) : NULL);
        else
            run_Double(THTensor_data(x), THTensor_data(t), g, base, loss, gscale, gi ? THTensor_data(gi) : NULL,
                       istgt ? THTensor_data(istgt) : NULL);
    }
    THTensor_free(x); THTensor_free(t);
    return st;
}

int THNN_MultiLabelMarginCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output,
                                                THTensor *isTarget, int sizeAverage, int reduce, int index_base)
{
    MLGeom g = {0};
    TH_TRY(shape_check(input, target, &g));
    TH_CHECK(output, TH_ERR_VALUE, "MultiLabelMarginCriterion: output is NULL");
    THTensor *res = THTensor_newWithSize(TH_FLOAT64, 1, &g.N);
    THTensor *it = isTarget ? THTensor_newWithSize(input->dtype, input->ndim, input->size) : NULL;
    int st = res && (it || !isTarget) ? 0 : TH_lastErrorCode();
    if (!st) st = run(input, target, &g, index_base, THTensor_data(res), NULL, NULL, it);
    if (!st && it) {
        st = TH_prepareOut(isTarget, input->dtype, input->ndim, input->size);
        if (!st) st = THTensor_copy(isTarget, it);
    }
    if (!st && reduce) {
        double s = 0;
        const double *l = THTensor_data(res);
        for (int64_t n = 0; n < g.N; n++) s += l[n];
        if (sizeAverage) s /= (double)g.N;
        st = THNN_prepareScalar("MultiLabelMarginCriterion", "output", output, input->dtype);
        if (!st) st = THTensor_fill(output, s);
    } else if (!st) {
        st = TH_prepareOut(output, input->dtype, g.out_ndim, g.out_shape);
        if (!st) {
            THTensor *v = THTensor_newView(res, g.out_ndim, g.out_shape);
            st = v ? THTensor_copy(output, v) : TH_lastErrorCode();
            THTensor_free(v);
        }
    }
    THTensor_free(res); THTensor_free(it);
    return st;
}

/* isTarget is recomputed from target (may be NULL). */
int THNN_MultiLabelMarginCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                                   THTensor *gradInput, THTensor *isTarget, int sizeAverage,
                                                   int reduce, int index_base)
{
    (void)isTarget;
    MLGeom g = {0};
    TH_TRY(shape_check(input, target, &g));
    TH_CHECK(gradInput, TH_ERR_VALUE, "MultiLabelMarginCriterion: gradInput is NULL");
    THTensor *gs = NULL;
    if (reduce) {
        double v;
        TH_TRY(THNN_scalarGrad("MultiLabelMarginCriterion", gradOutput, &v));
        if (sizeAverage) v /= (double)g.N;
        gs = THTensor_newWithSize(TH_FLOAT64, 1, &g.N);
        if (!gs) return TH_lastErrorCode();
        TH_TRY(THTensor_fill(gs, v));
    } else {
        char b[128];
        TH_CHECK(gradOutput, TH_ERR_VALUE, "MultiLabelMarginCriterion: gradOutput is NULL (needed without reduction)");
        TH_CHECK(THTensor_numel(gradOutput) == g.N && gradOutput->ndim == g.out_ndim, TH_ERR_VALUE,
                 "MultiLabelMarginCriterion: gradOutput of size %s does not match the %lld per-sample losses",
                 THNN_sizeDesc(gradOutput, b, sizeof b), (long long)g.N);
        gs = THTensor_newCast(gradOutput, TH_FLOAT64);
        if (!gs) return TH_lastErrorCode();
    }
    THTensor *res = THTensor_newWithSize(input->dtype, input->ndim, input->size);
    int st = res ? 0 : TH_lastErrorCode();
    if (!st) st = THTensor_zero(res);
    if (!st) st = run(input, target, &g, index_base, NULL, THTensor_data(gs), res, NULL);
    if (!st) st = TH_prepareOut(gradInput, input->dtype, input->ndim, input->size);
    if (!st) st = THTensor_copy(gradInput, res);
    THTensor_free(res); THTensor_free(gs);
    return st;
}
