/* SpatialFractionalMaxPooling and VolumetricFractionalMaxPooling (Graham 2014) with the
 * caller's random samples, as THNN: randomSamples holds one sample in [0, 1) per pooled dim and
 * plane (N x C x nsp, or C x nsp without a batch dim), ordered (u_w, u_h) for planes and
 * (u_t, u_h, u_w) for volumes (THNN's code, which PyTorch kept). Window starts along a dim: int((i + u) * a) - int(u * a) with
 * a = (in - pool) / (out - 1), the last window at in - pool (computed in the input's dtype, as
 * THNN/PyTorch). Indices: flat offset inside the input plane (h*W + w) or volume
 * (t*H*W + h*W + w) plus index_base. */
#ifndef THNN_REAL
#include "THNNPool.h"

/* Position of the T, H, W samples inside a plane's samples. */
static const int sampleSlot[2][3] = {{-1, 1, 0}, {0, 1, 2}};

#define THNN_GENERIC_FILE "FractionalMaxPooling.c"
#include "THNNGenerate.h"

static const char *const fracDim[3] = {"T", "H", "W"};
static const char *const fracSize[3] = {"time", "height", "width"};

/* o and k: output and pool sizes ordered T, H, W (T = 1 for planes). */
static int frac_shapeCheck(const char *fn, int nsp, THTensor *input, const int64_t *o, const int64_t *k,
                           int64_t *np, int64_t *is, int64_t *oshape)
{
    TH_TRY(THNN_batchInputCheck(fn, input, nsp));
    int nd = input->ndim;
    is[0] = 1;
    for (int i = 3 - nsp; i < 3; i++) {
        TH_CHECK(k[i] > 0, TH_ERR_VALUE, "%s: pool size must be positive, got poolSize%s = %lld", fn, fracDim[i], (long long)k[i]);
        TH_CHECK(o[i] > 0, TH_ERR_VALUE, "%s: output size must be positive, got output%s = %lld", fn, fracDim[i], (long long)o[i]);
        is[i] = input->size[nd - 3 + i];
        TH_CHECK(o[i] + k[i] - 1 <= is[i], TH_ERR_VALUE, "%s: pool %s %lld too large relative to input %s %lld for output %s %lld",
                 fn, fracSize[i], (long long)k[i], fracSize[i], (long long)is[i], fracSize[i], (long long)o[i]);
    }
    *np = 1;
    for (int d = 0; d < nd - nsp; d++) { *np *= input->size[d]; oshape[d] = input->size[d]; }
    for (int i = 3 - nsp; i < 3; i++) oshape[nd - 3 + i] = o[i];
    return 0;
}

static int frac_updateOutput(const char *fn, int nsp, THTensor *input, THTensor *output, const int64_t *o,
                             const int64_t *k, THTensor *indices, THTensor *randomSamples, int index_base)
{
    int64_t np = 0, is[3], oshape[5];
    char buf[128];
    TH_TRY(frac_shapeCheck(fn, nsp, input, o, k, &np, is, oshape));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    TH_TRY(THNN_checkIndicesOut(fn, indices));
    TH_CHECK(randomSamples, TH_ERR_VALUE, "%s: randomSamples is NULL", fn);
    THNN_CHECK_FLOAT(fn, randomSamples);
    int dt = input->dtype, nd = input->ndim;
    {
        THTensor *r = randomSamples;
        int64_t nb = nd == nsp + 2 ? input->size[0] : 1, C = input->size[nd - nsp - 1];
        int ok = (r->ndim == 3 && r->size[0] == nb && r->size[1] == C && r->size[2] == nsp) ||
                 (nd == nsp + 1 && r->ndim == 2 && r->size[0] == C && r->size[1] == nsp);
        TH_CHECK(ok, TH_ERR_VALUE, "%s: expected randomSamples of size [%lld x %lld x %d] (batch x planes x %d), got %s",
                 fn, (long long)nb, (long long)C, nsp, nsp, THNN_sizeDesc(r, buf, sizeof buf));
    }
    THTensor *in = THNN_contig(input, dt, output);
    if (!in) return TH_lastErrorCode();
    THTensor *smp = THNN_contig(randomSamples, dt, output);
    if (!smp) { THTensor_free(in); return TH_lastErrorCode(); }
    THTensor *ow = NULL, *iw = NULL;
    int st = THNN_outOpen(output, dt, nd, oshape, &ow);
    if (!st) st = THNN_outOpen(indices, TH_INT64, nd, oshape, &iw);
    if (!st && THTensor_numel(ow) > 0) {
        int r = dt == TH_FLOAT32
            ? frac_fwd_f(THTensor_data(in), THTensor_data(ow), THTensor_data(iw), THTensor_data(smp), nsp, np, is, o, k, index_base)
            : frac_fwd_d(THTensor_data(in), THTensor_data(ow), THTensor_data(iw), THTensor_data(smp), nsp, np, is, o, k, index_base);
        if (r) st = TH_setError(TH_ERR_VALUE, "%s: randomSamples must lie in [0, 1)", fn);
    }
    st = THNN_outClose(output, ow, st);
    st = THNN_outClose(indices, iw, st);
    THTensor_free(in);
    THTensor_free(smp);
    return st;
}

static int frac_updateGradInput(const char *fn, int nsp, THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                const int64_t *o, const int64_t *k, THTensor *indices, int index_base)
{
    int64_t np = 0, is[3], oshape[5];
    TH_TRY(frac_shapeCheck(fn, nsp, input, o, k, &np, is, oshape));
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, input->ndim, oshape));
    TH_TRY(THNN_checkIndices(fn, "indices", indices, gradOutput));
    return THNN_argmaxBackward(fn, input, gradOutput, gradInput, indices, np, is[0] * is[1] * is[2],
                               o[0] * o[1] * o[2], index_base);
}

#define SZ3(t, h, w) ((const int64_t[3]){(t), (h), (w)})

int THNN_SpatialFractionalMaxPooling_updateOutput(THTensor *input, THTensor *output, int outputW, int outputH,
                                                  int poolSizeW, int poolSizeH, THTensor *indices,
                                                  THTensor *randomSamples, int index_base)
{
    return frac_updateOutput("SpatialFractionalMaxPooling", 2, input, output, SZ3(1, outputH, outputW),
                             SZ3(1, poolSizeH, poolSizeW), indices, randomSamples, index_base);
}

int THNN_SpatialFractionalMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                     int outputW, int outputH, int poolSizeW, int poolSizeH,
                                                     THTensor *indices, int index_base)
{
    return frac_updateGradInput("SpatialFractionalMaxPooling", 2, input, gradOutput, gradInput, SZ3(1, outputH, outputW),
                                SZ3(1, poolSizeH, poolSizeW), indices, index_base);
}

int THNN_VolumetricFractionalMaxPooling_updateOutput(THTensor *input, THTensor *output, int outputT, int outputW,
                                                     int outputH, int poolSizeT, int poolSizeW, int poolSizeH,
                                                     THTensor *indices, THTensor *randomSamples, int index_base)
{
    return frac_updateOutput("VolumetricFractionalMaxPooling", 3, input, output, SZ3(outputT, outputH, outputW),
                             SZ3(poolSizeT, poolSizeH, poolSizeW), indices, randomSamples, index_base);
}

int THNN_VolumetricFractionalMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                        int outputT, int outputW, int outputH, int poolSizeT,
                                                        int poolSizeW, int poolSizeH, THTensor *indices, int index_base)
{
    return frac_updateGradInput("VolumetricFractionalMaxPooling", 3, input, gradOutput, gradInput,
                                SZ3(outputT, outputH, outputW), SZ3(poolSizeT, poolSizeH, poolSizeW), indices, index_base);
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

/* Start of window i of out along a dim of size in (pool size pool, sample u). */
static inline int64_t TNF(frac_start)(real u, int64_t i, int64_t in, int64_t out, int64_t pool)
{
    if (i == out - 1) return in - pool;
    real alpha = (real)(in - pool) / (real)(out - 1);
    return (int64_t)(int)((i + u) * alpha) - (int64_t)(int)(u * alpha);
}

/* Returns nonzero if a sample is outside [0, 1). is, os, ks: T, H, W. */
static int TNF(frac_fwd)(const real *in, real *out, int64_t *ind, const real *smp, int nsp, int64_t np,
                         const int64_t *is, const int64_t *os, const int64_t *ks, int64_t base)
{
    for (int64_t i = 0; i < nsp * np; i++) if (!(smp[i] >= 0 && smp[i] < 1)) return 1;
    const int *slot = sampleSlot[nsp - 2];
    const int64_t iT = is[0], iH = is[1], iW = is[2], oT = os[0], oH = os[1], oW = os[2];
    const int64_t ipl = iT * iH * iW, opl = oT * oH * oW;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * opl * ks[0] * ks[1] * ks[2]))
    for (int64_t pl = 0; pl < np; pl++) {
        const real *u = smp + pl * nsp;
        const real *ip = in + pl * ipl;
        for (int64_t ot = 0; ot < oT; ot++) {
            int64_t t0 = nsp == 3 ? TNF(frac_start)(u[slot[0]], ot, iT, oT, ks[0]) : 0;
            for (int64_t oh = 0; oh < oH; oh++) {
                int64_t h0 = TNF(frac_start)(u[slot[1]], oh, iH, oH, ks[1]);
                for (int64_t ow = 0; ow < oW; ow++) {
                    int64_t w0 = TNF(frac_start)(u[slot[2]], ow, iW, oW, ks[2]);
                    real m = -INFINITY;
                    int64_t mi = (t0 * iH + h0) * iW + w0;
                    for (int64_t t = t0; t < t0 + ks[0]; t++)
                        for (int64_t h = h0; h < h0 + ks[1]; h++)
                            for (int64_t w = w0; w < w0 + ks[2]; w++) {
                                real v = ip[(t * iH + h) * iW + w];
                                if (v > m || isnan(v)) { m = v; mi = (t * iH + h) * iW + w; }
                            }
                    int64_t o = pl * opl + (ot * oH + oh) * oW + ow;
                    out[o] = m;
                    ind[o] = mi + base;
                }
            }
        }
    }
    return 0;
}

#endif
