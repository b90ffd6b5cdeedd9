/* GatedLinear (Torch7's GatedLinearUnit): input split in halves a, b along dim,
 * output = a * sigmoid(b); dim counts from index_base. */
#ifndef THNN_REAL
#include "THNNPool.h"
#include <math.h>

#define THNN_GENERIC_FILE "GatedLinearUnit.c"
#include "THNNGenerate.h"

static const char *const FN = "GatedLinear";

/* outer x 2*half x inner around dim d (0-based); oshape: the output's shape. */
static int glu_check(THTensor *input, int dim, int base, int *d, int64_t *outer, int64_t *half, int64_t *inner,
                     int64_t *oshape)
{
    char buf[128];
    THNN_CHECK_FLOAT(FN, input);
    TH_CHECK(input->ndim >= 1, TH_ERR_VALUE, "%s: expected a non-empty input, got %s", FN,
             THNN_sizeDesc(input, buf, sizeof buf));
    *d = dim - base;
    TH_CHECK(*d >= 0 && *d < input->ndim, TH_ERR_INDEX, "%s: dim %d is out of range [%d, %d] for input %s", FN, dim,
             base, input->ndim - 1 + base, THNN_sizeDesc(input, buf, sizeof buf));
    int64_t n = input->size[*d];
    TH_CHECK(n % 2 == 0, TH_ERR_VALUE, "%s: halving dimension must be even, but dim %d is of size %lld (input %s)", FN,
             dim, (long long)n, THNN_sizeDesc(input, buf, sizeof buf));
    *half = n / 2;
    *outer = 1; *inner = 1;
    for (int i = 0; i < input->ndim; i++) {
        oshape[i] = i == *d ? *half : input->size[i];
        if (i < *d) *outer *= input->size[i];
        if (i > *d) *inner *= input->size[i];
    }
    return 0;
}

int THNN_GatedLinear_updateOutput(THTensor *input, THTensor *output, int dim, int index_base)
{
    int d;
    int64_t outer, half, inner, oshape[TH_MAX_DIMS];
    TH_CHECK(input && input->ndim <= TH_MAX_DIMS, TH_ERR_VALUE, "%s: input is NULL or has too many dims", FN);
    TH_TRY(glu_check(input, dim, index_base, &d, &outer, &half, &inner, oshape));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", FN);
    int dt = input->dtype;
    THTensor *in = THNN_contig(input, dt, output);
    if (!in) return TH_lastErrorCode();
    THTensor *ow = NULL;
    int st = THNN_outOpen(output, dt, input->ndim, oshape, &ow);
    if (!st && THTensor_numel(ow) > 0) {
        if (dt == TH_FLOAT32) glu_fwd_f(THTensor_data(in), THTensor_data(ow), outer, half, inner);
        else glu_fwd_d(THTensor_data(in), THTensor_data(ow), outer, half, inner);
    }
    st = THNN_outClose(output, ow, st);
    THTensor_free(in);
    return st;
}

int THNN_GatedLinear_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, int dim, int index_base)
{
    int d;
    int64_t outer, half, inner, oshape[TH_MAX_DIMS];
    TH_CHECK(input && input->ndim <= TH_MAX_DIMS, TH_ERR_VALUE, "%s: input is NULL or has too many dims", FN);
    TH_TRY(glu_check(input, dim, index_base, &d, &outer, &half, &inner, oshape));
    TH_TRY(THNN_checkGradOutput(FN, gradOutput, input->ndim, oshape));
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", FN);
    int dt = input->dtype;
    THTensor *in = THNN_contig(input, dt, gradInput), *go = in ? THNN_contig(gradOutput, dt, gradInput) : NULL;
    int st = go ? 0 : TH_lastErrorCode();
    THTensor *gw = NULL;
    if (!st) st = THNN_outOpen(gradInput, dt, input->ndim, input->size, &gw);
    if (!st && THTensor_numel(gw) > 0) {
        if (dt == TH_FLOAT32) glu_bwd_f(THTensor_data(in), THTensor_data(go), THTensor_data(gw), outer, half, inner);
        else glu_bwd_d(THTensor_data(in), THTensor_data(go), THTensor_data(gw), outer, half, inner);
    }
    st = THNN_outClose(gradInput, gw, st);
    if (in) THTensor_free(in);
    if (go) THTensor_free(go);
    return st;
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

static inline real TNF(glu_sig)(real x) { return (real)(1 / (1 + exp(-(double)x))); }

static void TNF(glu_fwd)(const real *in, real *out, int64_t outer, int64_t half, int64_t inner)
{
    const int64_t n = half * inner;
    #pragma omp parallel for schedule(static) if (outer > 1 && TH_parallelOK(outer * n * 4))
    for (int64_t o = 0; o < outer; o++) {
        const real *a = in + o * 2 * n, *b = a + n;
        real *y = out + o * n;
        for (int64_t i = 0; i < n; i++) y[i] = a[i] * TNF(glu_sig)(b[i]);
    }
}

/* d/da = sigmoid(b); d/db = a * sigmoid(b) * (1 - sigmoid(b)) */
static void TNF(glu_bwd)(const real *in, const real *gout, real *gin, int64_t outer, int64_t half, int64_t inner)
{
    const int64_t n = half * inner;
    #pragma omp parallel for schedule(static) if (outer > 1 && TH_parallelOK(outer * n * 4))
    for (int64_t o = 0; o < outer; o++) {
        const real *a = in + o * 2 * n, *b = a + n, *g = gout + o * n;
        real *ga = gin + o * 2 * n, *gb = ga + n;
        for (int64_t i = 0; i < n; i++) {
            real s = TNF(glu_sig)(b[i]);
            ga[i] = g[i] * s;
            gb[i] = g[i] * a[i] * s * (1 - s);
        }
    }
}

#endif
