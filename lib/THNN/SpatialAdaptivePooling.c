/* SpatialAdaptiveMaxPooling and SpatialAdaptiveAveragePooling. Output cell i of a dim of
 * input size n and output size m pools [floor(i*n/m), ceil((i+1)*n/m)) (THNN/PyTorch).
 * Max indices: flat h*W + w inside the input plane plus index_base. */
#ifndef THNN_REAL
#include "THNNPool.h"

#define THNN_GENERIC_FILE "SpatialAdaptivePooling.c"
#include "THNNGenerate.h"

typedef struct { int batch; int64_t np, iH, iW, oH, oW; } AdaShape;

static int adaptive_shapeCheck(const char *fn, THTensor *input, int64_t oW, int64_t oH, AdaShape *s)
{
    TH_TRY(THNN_batchInputCheck(fn, input, 2));
    s->batch = input->ndim == 4;
    TH_CHECK(oW >= 0 && oH >= 0, TH_ERR_VALUE, "%s: output size must be non-negative, got owidth = %lld, oheight = %lld",
             fn, (long long)oW, (long long)oH);
    s->np = input->size[s->batch] * (s->batch ? input->size[0] : 1);
    s->iH = input->size[input->ndim - 2];
    s->iW = input->size[input->ndim - 1];
    s->oH = oH;
    s->oW = oW;
    return 0;
}

static int adaptive_outShape(THTensor *input, const AdaShape *s, int64_t *shape)
{
    int n = input->ndim;
    for (int d = 0; d < n - 2; d++) shape[d] = input->size[d];
    shape[n - 2] = s->oH;
    shape[n - 1] = s->oW;
    return n;
}

int THNN_SpatialAdaptiveMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices,
                                                int osizeW, int osizeH, int index_base)
{
    const char *fn = "SpatialAdaptiveMaxPooling";
    AdaShape s;
    TH_TRY(adaptive_shapeCheck(fn, input, osizeW, osizeH, &s));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    TH_TRY(THNN_checkIndicesOut(fn, indices));
    int dt = input->dtype;
    int64_t oshape[4];
    int ond = adaptive_outShape(input, &s, oshape);
    THTensor *in = THNN_contig(input, dt, output);
    if (!in) return TH_lastErrorCode();
    THTensor *ow = NULL, *iw = NULL;
    int st = THNN_outOpen(output, dt, ond, oshape, &ow);
    if (!st) st = THNN_outOpen(indices, TH_INT64, ond, oshape, &iw);
    if (!st && THTensor_numel(ow) > 0) {
        if (dt == TH_FLOAT32)
            adamax_fwd_f(THTensor_data(in), THTensor_data(ow), THTensor_data(iw), s.np, s.iH, s.iW, s.oH, s.oW, index_base);
        else
            adamax_fwd_d(THTensor_data(in), THTensor_data(ow), THTensor_data(iw), s.np, s.iH, s.iW, s.oH, s.oW, index_base);
    }
    st = THNN_outClose(output, ow, st);
    st = THNN_outClose(indices, iw, st);
    THTensor_free(in);
    return st;
}

int THNN_SpatialAdaptiveMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                   THTensor *indices, int index_base)
{
    const char *fn = "SpatialAdaptiveMaxPooling";
    AdaShape s;
    TH_CHECK(gradOutput, TH_ERR_VALUE, "%s: gradOutput is NULL", fn);
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", fn);
    TH_TRY(adaptive_shapeCheck(fn, input, gradOutput->ndim == input->ndim ? gradOutput->size[input->ndim - 1] : 0,
                               gradOutput->ndim == input->ndim ? gradOutput->size[input->ndim - 2] : 0, &s));
    int64_t oshape[4];
    int ond = adaptive_outShape(input, &s, oshape);
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, ond, oshape));
    TH_TRY(THNN_checkIndices(fn, "indices", indices, gradOutput));
    return THNN_argmaxBackward(fn, input, gradOutput, gradInput, indices, s.np, s.iH * s.iW, s.oH * s.oW, index_base);
}

int THNN_SpatialAdaptiveAveragePooling_updateOutput(THTensor *input, THTensor *output, int osizeW, int osizeH)
{
    const char *fn = "SpatialAdaptiveAveragePooling";
    AdaShape s;
    TH_TRY(adaptive_shapeCheck(fn, input, osizeW, osizeH, &s));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    int dt = input->dtype;
    int64_t oshape[4];
    int ond = adaptive_outShape(input, &s, oshape);
    THTensor *in = THNN_contig(input, dt, output);
    if (!in) return TH_lastErrorCode();
    THTensor *ow = NULL;
    int st = THNN_outOpen(output, dt, ond, oshape, &ow);
    if (!st && THTensor_numel(ow) > 0) {
        if (dt == TH_FLOAT32) adaavg_fwd_f(THTensor_data(in), THTensor_data(ow), s.np, s.iH, s.iW, s.oH, s.oW);
        else adaavg_fwd_d(THTensor_data(in), THTensor_data(ow), s.np, s.iH, s.iW, s.oH, s.oW);
    }
    st = THNN_outClose(output, ow, st);
    THTensor_free(in);
    return st;
}

int THNN_SpatialAdaptiveAveragePooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput)
{
    const char *fn = "SpatialAdaptiveAveragePooling";
    AdaShape s;
    TH_CHECK(gradOutput, TH_ERR_VALUE, "%s: gradOutput is NULL", fn);
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", fn);
    TH_TRY(adaptive_shapeCheck(fn, input, gradOutput->ndim == input->ndim ? gradOutput->size[input->ndim - 1] : 0,
                               gradOutput->ndim == input->ndim ? gradOutput->size[input->ndim - 2] : 0, &s));
    int dt = input->dtype;
    int64_t oshape[4];
    int ond = adaptive_outShape(input, &s, oshape);
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, ond, oshape));
    THTensor *go = THNN_contig(gradOutput, dt, gradInput);
    if (!go) return TH_lastErrorCode();
    THTensor *gw = NULL;
    int st = THNN_outOpen(gradInput, dt, input->ndim, input->size, &gw);
    if (!st && THTensor_numel(gw) > 0) {
        if (dt == TH_FLOAT32) adaavg_bwd_f(THTensor_data(gw), THTensor_data(go), s.np, s.iH, s.iW, s.oH, s.oW);
        else adaavg_bwd_d(THTensor_data(gw), THTensor_data(go), s.np, s.iH, s.iW, s.oH, s.oW);
    }
    st = THNN_outClose(gradInput, gw, st);
    THTensor_free(go);
    return st;
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

static inline int64_t TNF(ada_start)(int64_t i, int64_t out, int64_t in) { return (i * in) / out; }
static inline int64_t TNF(ada_end)(int64_t i, int64_t out, int64_t in) { return ((i + 1) * in + out - 1) / out; }

static void TNF(adamax_fwd)(const real *in, real *out, int64_t *ind, int64_t np, int64_t iH, int64_t iW,
                            int64_t oH, int64_t oW, int64_t base)
{
    int64_t ipl = iH * iW, opl = oH * oW;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * ipl))
    for (int64_t pl = 0; pl < np; pl++) {
        const real *ip = in + pl * ipl;
        for (int64_t oh = 0; oh < oH; oh++) {
            int64_t h0 = TNF(ada_start)(oh, oH, iH), h1 = TNF(ada_end)(oh, oH, iH);
            for (int64_t ow = 0; ow < oW; ow++) {
                int64_t w0 = TNF(ada_start)(ow, oW, iW), w1 = TNF(ada_end)(ow, oW, iW);
                real m = -INFINITY;
                int64_t mi = h0 * iW + w0;
                for (int64_t h = h0; h < h1; h++)
                    for (int64_t w = w0; w < w1; w++) {
                        real v = ip[h * iW + w];
                        if (v > m || isnan(v)) { m = v; mi = h * iW + w; }
                    }
                out[pl * opl + oh * oW + ow] = m;
                ind[pl * opl + oh * oW + ow] = mi + base;
            }
        }
    }
}

static void TNF(adaavg_fwd)(const real *in, real *out, int64_t np, int64_t iH, int64_t iW, int64_t oH, int64_t oW)
{
    int64_t ipl = iH * iW, opl = oH * oW;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * ipl))
    for (int64_t pl = 0; pl < np; pl++) {
        const real *ip = in + pl * ipl;
        for (int64_t oh = 0; oh < oH; oh++) {
            int64_t h0 = TNF(ada_start)(oh, oH, iH), h1 = TNF(ada_end)(oh, oH, iH);
            for (int64_t ow = 0; ow < oW; ow++) {
                int64_t w0 = TNF(ada_start)(ow, oW, iW), w1 = TNF(ada_end)(ow, oW, iW);
                double sum = 0;
                for (int64_t h = h0; h < h1; h++)
                    for (int64_t w = w0; w < w1; w++) sum += ip[h * iW + w];
                out[pl * opl + oh * oW + ow] = (real)(sum / (double)((h1 - h0) * (w1 - w0)));
            }
        }
    }
}

static void TNF(adaavg_bwd)(real *gin, const real *gout, int64_t np, int64_t iH, int64_t iW, int64_t oH, int64_t oW)
{
    int64_t ipl = iH * iW, opl = oH * oW;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * ipl))
    for (int64_t pl = 0; pl < np; pl++) {
        real *gi = gin + pl * ipl;
        memset(gi, 0, (size_t)ipl * sizeof(real));
        for (int64_t oh = 0; oh < oH; oh++) {
            int64_t h0 = TNF(ada_start)(oh, oH, iH), h1 = TNF(ada_end)(oh, oH, iH);
            for (int64_t ow = 0; ow < oW; ow++) {
                int64_t w0 = TNF(ada_start)(ow, oW, iW), w1 = TNF(ada_end)(ow, oW, iW);
                real g = (real)(gout[pl * opl + oh * oW + ow] / (double)((h1 - h0) * (w1 - w0)));
                for (int64_t h = h0; h < h1; h++)
                    for (int64_t w = w0; w < w1; w++) gi[h * iW + w] += g;
            }
        }
    }
}

#endif
