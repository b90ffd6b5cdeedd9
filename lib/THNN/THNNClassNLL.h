/* Internal: the shared body of ClassNLLCriterion.c and SpatialClassNLLCriterion.c. The input
 * is seen as N x C x inner log-probabilities and the target as N x inner class indices. */
#ifndef THNN_CLASSNLL_H
#define THNN_CLASSNLL_H
#include "THNNElementwise.h"

typedef struct {
    const char *fn;
    int64_t N, C, inner;
    int out_ndim;               /* shape of the unreduced output (= the target's) */
    int64_t out_shape[TH_MAX_DIMS];
} NLLGeom;

#define NLL_IMPL(T, NAME) \
static void nll_fwd_##NAME(const T *x, const int64_t *t, const T *w, const NLLGeom *g, int64_t ignore, int base, \
                           T *out, double *sum_loss, double *sum_w) \
{ \
    const int64_t C = g->C, inner = g->inner, total = g->N * g->inner; \
    double sl = 0, sw = 0; \
    _Pragma("omp parallel for reduction(+:sl, sw) if (TH_parallelOK(total))") \
    for (int64_t k = 0; k < total; k++) { \
        const int64_t n = k / inner, i = k - n * inner, tv = t[k]; \
        if (tv == ignore) { if (out) out[k] = 0; continue; } \
        const int64_t c = tv - base; \
        const double wt = w ? (double)w[c] : 1.0; \
        const double l = -wt * (double)x[(n * C + c) * inner + i]; \
        if (out) out[k] = (T)l; \
        sl += l; sw += wt; \
    } \
    *sum_loss = sl; *sum_w = sw; \
} \
static void nll_bwd_##NAME(const int64_t *t, const T *w, const NLLGeom *g, int64_t ignore, int base, \
                           const T *go, double gscalar, T *gi) \
{ \
    const int64_t C = g->C, inner = g->inner, total = g->N * g->inner; \
    _Pragma("omp parallel for if (TH_parallelOK(total))") \
    for (int64_t k = 0; k < total; k++) { \
        const int64_t n = k / inner, i = k - n * inner, tv = t[k]; \
        if (tv == ignore) continue; \
        const int64_t c = tv - base; \
        const double wt = w ? (double)w[c] : 1.0; \
        gi[(n * C + c) * inner + i] = (T)(-wt * (go ? (double)go[k] : gscalar)); \
    } \
}
NLL_IMPL(float, Float)
NLL_IMPL(double, Double)

/* dtypes, weights and target values */
static inline int nll_check(const NLLGeom *g, THTensor *input, THTensor *target, THTensor *weights,
                            int64_t ignore_index, int index_base, THTensor **tc)
{
    const char *fn = g->fn;
    TH_CHECK(target, TH_ERR_VALUE, "%s: target is NULL", fn);
    TH_CHECK(target->dtype == TH_INT64, TH_ERR_TYPE, "%s: expected an int64 target, got %s", fn,
             target->dtype < 0 ? "an undefined tensor" : TH_dtypeName(target->dtype));
    if (weights) {
        TH_CHECK(weights->dtype == input->dtype, TH_ERR_TYPE, "%s: weights have dtype %s but input has dtype %s", fn,
                 TH_dtypeName(weights->dtype), TH_dtypeName(input->dtype));
        TH_CHECK(weights->ndim == 1 && weights->size[0] == g->C, TH_ERR_VALUE,
                 "%s: expected weights of size %lld (one per class), got %lld elements", fn, (long long)g->C,
                 (long long)THTensor_numel(weights));
    }
    *tc = THTensor_newContiguous(target);
    if (!*tc) return TH_lastErrorCode();
    const int64_t *t = THTensor_data(*tc);
    const int64_t total = g->N * g->inner;
    for (int64_t k = 0; k < total; k++)
        if (t[k] != ignore_index && (t[k] < index_base || t[k] >= g->C + index_base)) {
            int64_t bad = t[k];
            THTensor_free(*tc);
            *tc = NULL;
            return TH_setError(TH_ERR_INDEX, "%s: target %lld is out of bounds [%d, %lld)", fn, (long long)bad,
                               index_base, (long long)(g->C + index_base));
        }
    return 0;
}

static inline int nll_forward(const NLLGeom *g, THTensor *input, THTensor *target, THTensor *output,
                              int sizeAverage, THTensor *weights, THTensor *total_weight, int64_t ignore_index,
                              int reduce, int index_base)
{
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", g->fn);
    THTensor *tc = NULL;
    TH_TRY(nll_check(g, input, target, weights, ignore_index, index_base, &tc));
    THTensor *xc = THTensor_newContiguous(input), *wc = weights ? THTensor_newContiguous(weights) : NULL;
    THTensor *res = NULL;
    int st = xc && (wc || !weights) ? 0 : TH_lastErrorCode();
    if (!st && !reduce) {
        res = THTensor_newWithSize(input->dtype, g->out_ndim, g->out_shape);
        if (!res) st = TH_lastErrorCode();
    }
    double sl = 0, sw = 0;
    if (!st) {
        if (input->dtype == TH_FLOAT32)
            nll_fwd_Float(THTensor_data(xc), THTensor_data(tc), wc ? THTensor_data(wc) : NULL, g, ignore_index,
                          index_base, res ? THTensor_data(res) : NULL, &sl, &sw);
        else
            nll_fwd_Double(THTensor_data(xc), THTensor_data(tc), wc ? THTensor_data(wc) : NULL, g, ignore_index,
                           index_base, res ? THTensor_data(res) : NULL, &sl, &sw);
    }
    if (!st && total_weight) {
        st = THNN_prepareScalar(g->fn, "total_weight", total_weight, input->dtype);
        if (!st) st = THTensor_fill(total_weight, sw);
    }
    if (!st && reduce) {
        st = THNN_prepareScalar(g->fn, "output", output, input->dtype);
        if (!st) st = THTensor_fill(output, sizeAverage ? sl / sw : sl);
    } else if (!st) {
        st = TH_prepareOut(output, input->dtype, g->out_ndim, g->out_shape);
        if (!st) st = THTensor_copy(output, res);
    }
    THTensor_free(tc); THTensor_free(xc); THTensor_free(wc); THTensor_free(res);
    return st;
}

static inline int nll_backward(const NLLGeom *g, THTensor *input, THTensor *target, THTensor *gradOutput,
                               THTensor *gradInput, int sizeAverage, THTensor *weights, THTensor *total_weight,
                               int64_t ignore_index, int reduce, int index_base)
{
    const char *fn = g->fn;
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", fn);
    double gs = 1;
    if (reduce) {
        TH_TRY(THNN_scalarGrad(fn, gradOutput, &gs));
    } else {
        TH_CHECK(gradOutput, TH_ERR_VALUE, "%s: gradOutput is NULL (needed without reduction)", fn);
        TH_CHECK(gradOutput->dtype == input->dtype, TH_ERR_TYPE, "%s: gradOutput has dtype %s, expected %s", fn,
                 TH_dtypeName(gradOutput->dtype), TH_dtypeName(input->dtype));
        int same = gradOutput->ndim == g->out_ndim;
        for (int d = 0; same && d < g->out_ndim; d++) same = gradOutput->size[d] == g->out_shape[d];
        char buf[128];
        TH_CHECK(same, TH_ERR_VALUE, "%s: gradOutput of size %s does not match the per-sample losses (the target's "
                 "shape)", fn, THNN_sizeDesc(gradOutput, buf, sizeof buf));
    }
    THTensor *tc = NULL;
    TH_TRY(nll_check(g, input, target, weights, ignore_index, index_base, &tc));
    if (reduce && sizeAverage) {
        double tw;
        int st = 0;
        if (total_weight && THTensor_numel(total_weight) == 1) st = THTensor_itemDouble(total_weight, &tw);
        else {
            /* no forward buffer: recount the weight of the counted targets */
            const int64_t *t = THTensor_data(tc);
            tw = 0;
            for (int64_t k = 0; k < g->N * g->inner; k++)
                if (t[k] != ignore_index) tw += weights ? TH_loadDouble((const char *)THTensor_data(weights) +
                    (t[k] - index_base) * weights->stride[0] * TH_dtypeSize(weights->dtype), weights->dtype) : 1.0;
        }
        if (st) { THTensor_free(tc); return st; }
        gs /= tw;
    }
    THTensor *wc = weights ? THTensor_newContiguous(weights) : NULL;
    THTensor *goc = !reduce ? THTensor_newContiguous(gradOutput) : NULL;
    /* write straight into gradInput when it is (or becomes) a contiguous buffer of its own */
    THTensor *res = NULL;
    int st = (wc || !weights) && (goc || reduce) ? 0 : TH_lastErrorCode();
    if (!st && (gradInput->dtype < 0 || gradInput->dtype == input->dtype) && gradInput->storage != input->storage &&
        (!gradOutput || gradInput->storage != gradOutput->storage) &&
        !(gradInput->storage && !THTensor_isContiguous(gradInput))) {
        st = TH_prepareOut(gradInput, input->dtype, input->ndim, input->size);
        if (!st && THTensor_isContiguous(gradInput)) { res = gradInput; THTensor_retain(res); }
    }
    if (!st && !res) {
        res = THTensor_newWithSize(input->dtype, input->ndim, input->size);
        if (!res) st = TH_lastErrorCode();
    }
    if (!st && THTensor_numel(res) > 0)
        memset(THTensor_data(res), 0, (size_t)(THTensor_numel(res) * TH_dtypeSize(input->dtype)));
    if (!st) {
        if (input->dtype == TH_FLOAT32)
            nll_bwd_Float(THTensor_data(tc), wc ? THTensor_data(wc) : NULL, g, ignore_index, index_base,
                          goc ? THTensor_data(goc) : NULL, gs, THTensor_data(res));
        else
            nll_bwd_Double(THTensor_data(tc), wc ? THTensor_data(wc) : NULL, g, ignore_index, index_base,
                           goc ? THTensor_data(goc) : NULL, gs, THTensor_data(res));
    }
    if (!st && res != gradInput) st = TH_prepareOut(gradInput, input->dtype, input->ndim, input->size);
    if (!st && res != gradInput) st = THTensor_copy(gradInput, res);
    if (!st) THTensor_bumpVersion(gradInput);
    THTensor_free(tc); THTensor_free(wc); THTensor_free(goc); THTensor_free(res);
    return st;
}

#endif
