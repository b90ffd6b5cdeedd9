/* SpatialFractionalMaxPooling (Graham 2014) with the caller's random samples, as THNN:
 * randomSamples holds one (u_w, u_h) pair in [0, 1) per plane (N x C x 2, or C x 2 without a
 * batch dim). Window starts along a dim: int((i + u) * a) - int(u * a) with
 * a = (in - pool) / (out - 1), the last window at in - pool (computed in the input's dtype, as
 * THNN/PyTorch). Indices: flat h*W + w inside the input plane plus index_base. */
#ifndef THNN_REAL
#include "THNNPool.h"

#define THNN_REAL float
#define TNF(n) n##_f
#include "SpatialFractionalMaxPooling.c"
#undef THNN_REAL
#undef TNF
#define THNN_REAL double
#define TNF(n) n##_d
#include "SpatialFractionalMaxPooling.c"
#undef THNN_REAL
#undef TNF

static int frac_shapeCheck(const char *fn, THTensor *input, int oW, int oH, int pW, int pH, int64_t *np,
                           int64_t *oshape)
{
    char buf[128];
    THNN_CHECK_FLOAT(fn, input);
    int nd = input->ndim;
    TH_CHECK(nd == 3 || nd == 4, TH_ERR_VALUE, "%s: expected 3D or 4D input (batch mode), got %s",
             fn, THNN_sizeDesc(input, buf, sizeof buf));
    for (int d = nd - 3; d < nd; d++)
        TH_CHECK(input->size[d] > 0, TH_ERR_VALUE, "%s: expected non-empty 3D or 4D input (only the batch dim may be 0), got %s",
                 fn, THNN_sizeDesc(input, buf, sizeof buf));
    TH_CHECK(pW > 0 && pH > 0, TH_ERR_VALUE, "%s: pool size must be positive, got poolSizeW = %d, poolSizeH = %d", fn, pW, pH);
    TH_CHECK(oW > 0 && oH > 0, TH_ERR_VALUE, "%s: output size must be positive, got outputW = %d, outputH = %d", fn, oW, oH);
    int64_t iH = input->size[nd - 2], iW = input->size[nd - 1];
    TH_CHECK((int64_t)oH + pH - 1 <= iH, TH_ERR_VALUE,
             "%s: pool height %d too large relative to input height %lld for output height %d", fn, pH, (long long)iH, oH);
    TH_CHECK((int64_t)oW + pW - 1 <= iW, TH_ERR_VALUE,
             "%s: pool width %d too large relative to input width %lld for output width %d", fn, pW, (long long)iW, oW);
    *np = 1;
    for (int d = 0; d < nd - 2; d++) { *np *= input->size[d]; oshape[d] = input->size[d]; }
    oshape[nd - 2] = oH;
    oshape[nd - 1] = oW;
    return 0;
}

int THNN_SpatialFractionalMaxPooling_updateOutput(THTensor *input, THTensor *output, int outputW, int outputH,
                                                  int poolSizeW, int poolSizeH, THTensor *indices,
                                                  THTensor *randomSamples, int index_base)
{
    const char *fn = "SpatialFractionalMaxPooling";
    int64_t np = 0, oshape[4];
    char buf[128];
    TH_TRY(frac_shapeCheck(fn, input, outputW, outputH, poolSizeW, poolSizeH, &np, oshape));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    TH_CHECK(indices, TH_ERR_VALUE, "%s: indices is NULL", fn);
    TH_CHECK(indices->dtype == TH_INT64 || indices->dtype < 0, TH_ERR_TYPE,
             "%s: expected an int64 tensor for indices, got %s", fn, TH_dtypeName(indices->dtype));
    TH_CHECK(randomSamples, TH_ERR_VALUE, "%s: randomSamples is NULL", fn);
    THNN_CHECK_FLOAT(fn, randomSamples);
    int dt = input->dtype, nd = input->ndim;
    {
        THTensor *r = randomSamples;
        int64_t nb = nd == 4 ? input->size[0] : 1, C = input->size[nd - 3];
        int ok = (r->ndim == 3 && r->size[0] == nb && r->size[1] == C && r->size[2] == 2) ||
                 (nd == 3 && r->ndim == 2 && r->size[0] == C && r->size[1] == 2);
        TH_CHECK(ok, TH_ERR_VALUE, "%s: expected randomSamples of size [%lld x %lld x 2] (batch x planes x 2), got %s",
                 fn, (long long)nb, (long long)C, THNN_sizeDesc(r, buf, sizeof buf));
    }
    int64_t iH = input->size[nd - 2], iW = input->size[nd - 1];
    THTensor *in = THNN_contig(input, dt, output);
    if (!in) return TH_lastErrorCode();
    THTensor *smp = THNN_contig(randomSamples, dt, output);
    if (!smp) { THTensor_free(in); return TH_lastErrorCode(); }
    THTensor *ow = NULL, *iw = NULL;
    int st = THNN_outOpen(output, dt, nd, oshape, &ow);
    if (!st) st = THNN_outOpen(indices, TH_INT64, nd, oshape, &iw);
    if (!st && THTensor_numel(ow) > 0) {
        int r = dt == TH_FLOAT32
            ? frac_fwd_f(THTensor_data(in), THTensor_data(ow), THTensor_data(iw), THTensor_data(smp), np, iH, iW,
                         outputH, outputW, poolSizeH, poolSizeW, index_base)
            : frac_fwd_d(THTensor_data(in), THTensor_data(ow), THTensor_data(iw), THTensor_data(smp), np, iH, iW,
                         outputH, outputW, poolSizeH, poolSizeW, index_base);
        if (r) st = TH_setError(TH_ERR_VALUE, "%s: randomSamples must lie in [0, 1)", fn);
    }
    st = THNN_outClose(output, ow, st);
    st = THNN_outClose(indices, iw, st);
    THTensor_free(in);
    THTensor_free(smp);
    return st;
}

int THNN_SpatialFractionalMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                     int outputW, int outputH, int poolSizeW, int poolSizeH,
                                                     THTensor *indices, int index_base)
{
    const char *fn = "SpatialFractionalMaxPooling";
    int64_t np = 0, oshape[4];
    TH_TRY(frac_shapeCheck(fn, input, outputW, outputH, poolSizeW, poolSizeH, &np, oshape));
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", fn);
    int dt = input->dtype, nd = input->ndim;
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, nd, oshape));
    TH_TRY(THNN_checkIndices(fn, "indices", indices, gradOutput));
    int64_t ipl = input->size[nd - 2] * input->size[nd - 1], opl = (int64_t)outputH * outputW;
    THTensor *go = THNN_contig(gradOutput, dt, gradInput);
    if (!go) return TH_lastErrorCode();
    THTensor *ind = THTensor_newContiguous(indices);
    if (!ind) { THTensor_free(go); return TH_lastErrorCode(); }
    THTensor *gw = NULL;
    int st = THNN_outOpen(gradInput, dt, nd, input->size, &gw);
    if (!st && THTensor_numel(gw) > 0) {
        int64_t bad = 0;
        int nbad = dt == TH_FLOAT32
            ? frac_bwd_f(THTensor_data(gw), THTensor_data(go), THTensor_data(ind), np, ipl, opl, index_base, &bad)
            : frac_bwd_d(THTensor_data(gw), THTensor_data(go), THTensor_data(ind), np, ipl, opl, index_base, &bad);
        if (nbad)
            st = TH_setError(TH_ERR_INDEX, "%s: index %lld in indices is out of bounds [%d, %lld) of the input plane",
                             fn, (long long)bad, index_base, (long long)(ipl + index_base));
    }
    st = THNN_outClose(gradInput, gw, st);
    THTensor_free(go);
    THTensor_free(ind);
    return st;
}

#else /* ---------------------------------------------------------------- per-dtype kernels */
#define real THNN_REAL

/* Start of window i of out along a dim of size in (pool size pool, sample u). */
static inline int64_t TNF(frac_start)(real u, real alpha, int64_t i, int64_t in, int64_t out, int64_t pool)
{
    if (i == out - 1) return in - pool;
    return (int64_t)(int)((i + u) * alpha) - (int64_t)(int)(u * alpha);
}

/* Returns nonzero if a sample is outside [0, 1). */
static int TNF(frac_fwd)(const real *in, real *out, int64_t *ind, const real *smp, int64_t np, int64_t iH,
                         int64_t iW, int64_t oH, int64_t oW, int64_t pH, int64_t pW, int64_t base)
{
    int nbad = 0;
    for (int64_t i = 0; i < 2 * np; i++) if (!(smp[i] >= 0 && smp[i] < 1)) return 1;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * oH * oW * pH * pW))
    for (int64_t pl = 0; pl < np; pl++) {
        real uw = smp[2 * pl], uh = smp[2 * pl + 1];
        real aw = oW > 1 ? (real)(iW - pW) / (real)(oW - 1) : 0, ah = oH > 1 ? (real)(iH - pH) / (real)(oH - 1) : 0;
        const real *ip = in + pl * iH * iW;
        for (int64_t oh = 0; oh < oH; oh++) {
            int64_t h0 = TNF(frac_start)(uh, ah, oh, iH, oH, pH);
            for (int64_t ow = 0; ow < oW; ow++) {
                int64_t w0 = TNF(frac_start)(uw, aw, ow, iW, oW, pW);
                real m = -INFINITY;
                int64_t mi = h0 * iW + w0;
                for (int64_t h = h0; h < h0 + pH; h++)
                    for (int64_t w = w0; w < w0 + pW; w++) {
                        real v = ip[h * iW + w];
                        if (v > m || isnan(v)) { m = v; mi = h * iW + w; }
                    }
                out[pl * oH * oW + oh * oW + ow] = m;
                ind[pl * oH * oW + oh * oW + ow] = mi + base;
            }
        }
    }
    return nbad;
}

static int TNF(frac_bwd)(real *gin, const real *gout, const int64_t *ind, int64_t np, int64_t ipl, int64_t opl,
                         int64_t base, int64_t *bad)
{
    int nbad = 0;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * (ipl + opl)))
    for (int64_t pl = 0; pl < np; pl++) {
        real *gi = gin + pl * ipl;
        memset(gi, 0, (size_t)ipl * sizeof(real));
        int lbad = 0;
        int64_t lidx = 0;
        for (int64_t o = 0; o < opl; o++) {
            int64_t j = ind[pl * opl + o] - base;
            if ((uint64_t)j >= (uint64_t)ipl) { lbad = 1; lidx = j + base; continue; }
            gi[j] += gout[pl * opl + o];
        }
        if (lbad) {
            #pragma omp critical(thnn_frac_bad)
            { nbad++; *bad = lidx; }
        }
    }
    return nbad;
}

#undef real
#endif
