/* SpatialUpSamplingNearest (integer scale_factor: output[i][j] = input[i/s][j/s]) and
 * SpatialUpSamplingBilinear (output size given). Bilinear source coordinates as PyTorch:
 * align_corners = 1 (THNN's only mode): src = dst * (in-1)/(out-1); align_corners = 0
 * (PyTorch's default): src = max((dst + 0.5) * in/out - 0.5, 0). */
#ifndef THNN_REAL
#include "THNNPool.h"

#define THNN_REAL float
#define TNF(n) n##_f
#include "SpatialUpSampling.c"
#undef THNN_REAL
#undef TNF
#define THNN_REAL double
#define TNF(n) n##_d
#include "SpatialUpSampling.c"
#undef THNN_REAL
#undef TNF

static int up_shapeCheck(const char *fn, THTensor *input, int64_t oH, int64_t oW, int64_t *oshape, int64_t *np)
{
    char buf[128];
    THNN_CHECK_FLOAT(fn, input);
    int nd = input->ndim;
    TH_CHECK(nd == 3 || nd == 4, TH_ERR_VALUE, "%s: expected 3D or 4D input (batch mode), got %s",
             fn, THNN_sizeDesc(input, buf, sizeof buf));
    for (int d = nd - 2; d < nd; d++)
        TH_CHECK(input->size[d] > 0, TH_ERR_VALUE, "%s: expected input with non-empty spatial dims, got %s",
                 fn, THNN_sizeDesc(input, buf, sizeof buf));
    TH_CHECK(oH > 0 && oW > 0, TH_ERR_VALUE, "%s: output size should be greater than 0, but got outputHeight = %lld, outputWidth = %lld",
             fn, (long long)oH, (long long)oW);
    *np = 1;
    for (int d = 0; d < nd - 2; d++) { *np *= input->size[d]; oshape[d] = input->size[d]; }
    oshape[nd - 2] = oH;
    oshape[nd - 1] = oW;
    return 0;
}

static int up_run(const char *fn, int bilinear, int backward, THTensor *input, THTensor *gradOutput, THTensor *out,
                  int64_t oH, int64_t oW, int align_corners, int scale)
{
    int64_t oshape[4], np = 0;
    TH_TRY(up_shapeCheck(fn, input, oH, oW, oshape, &np));
    int nd = input->ndim, dt = input->dtype;
    int64_t iH = input->size[nd - 2], iW = input->size[nd - 1];
    TH_CHECK(out, TH_ERR_VALUE, "%s: %s is NULL", fn, backward ? "gradInput" : "output");
    if (backward) TH_TRY(THNN_checkGradOutput(fn, gradOutput, nd, oshape));
    THTensor *src = THNN_contig(backward ? gradOutput : input, dt, out);
    if (!src) return TH_lastErrorCode();
    THTensor *w = NULL;
    int st = THNN_outOpen(out, dt, nd, backward ? input->size : oshape, &w);
    if (!st && THTensor_numel(w) > 0) {
        void *a = THTensor_data(src), *b = THTensor_data(w);
        if (!bilinear) {
            if (backward) { if (dt == TH_FLOAT32) near_bwd_f(b, a, np, iH, iW, scale); else near_bwd_d(b, a, np, iH, iW, scale); }
            else { if (dt == TH_FLOAT32) near_fwd_f(a, b, np, iH, iW, scale); else near_fwd_d(a, b, np, iH, iW, scale); }
        } else {
            st = dt == TH_FLOAT32 ? bil_run_f(a, b, np, iH, iW, oH, oW, align_corners, backward)
                                  : bil_run_d(a, b, np, iH, iW, oH, oW, align_corners, backward);
        }
    }
    st = THNN_outClose(out, w, st);
    THTensor_free(src);
    return st;
}

static int near_check(const char *fn, THTensor *input, int scale_factor)
{
    TH_CHECK(scale_factor > 0, TH_ERR_VALUE, "%s: scale_factor should be greater than 0, but got %d", fn, scale_factor);
    THNN_CHECK_FLOAT(fn, input);
    return 0;
}

int THNN_SpatialUpSamplingNearest_updateOutput(THTensor *input, THTensor *output, int scale_factor)
{
    const char *fn = "SpatialUpSamplingNearest";
    TH_TRY(near_check(fn, input, scale_factor));
    int64_t iH = input->ndim >= 2 ? input->size[input->ndim - 2] : 0, iW = input->ndim >= 1 ? input->size[input->ndim - 1] : 0;
    return up_run(fn, 0, 0, input, NULL, output, iH * scale_factor, iW * scale_factor, 0, scale_factor);
}

int THNN_SpatialUpSamplingNearest_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, int scale_factor)
{
    const char *fn = "SpatialUpSamplingNearest";
    TH_TRY(near_check(fn, input, scale_factor));
    int64_t iH = input->ndim >= 2 ? input->size[input->ndim - 2] : 0, iW = input->ndim >= 1 ? input->size[input->ndim - 1] : 0;
    return up_run(fn, 0, 1, input, gradOutput, gradInput, iH * scale_factor, iW * scale_factor, 0, scale_factor);
}

int THNN_SpatialUpSamplingBilinear_updateOutput(THTensor *input, THTensor *output, int outputHeight, int outputWidth,
                                                int align_corners)
{
    return up_run("SpatialUpSamplingBilinear", 1, 0, input, NULL, output, outputHeight, outputWidth, align_corners, 0);
}

int THNN_SpatialUpSamplingBilinear_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                   int outputHeight, int outputWidth, int align_corners)
{
    return up_run("SpatialUpSamplingBilinear", 1, 1, input, gradOutput, gradInput, outputHeight, outputWidth, align_corners, 0);
}

#else /* ---------------------------------------------------------------- per-dtype kernels */
#define real THNN_REAL

static void TNF(near_fwd)(const real *in, real *out, int64_t np, int64_t iH, int64_t iW, int s)
{
    int64_t oH = iH * s, oW = iW * s;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * oH * oW))
    for (int64_t pl = 0; pl < np; pl++) {
        const real *ip = in + pl * iH * iW;
        real *op = out + pl * oH * oW;
        for (int64_t i = 0; i < oH; i++) {
            const real *row = ip + (i / s) * iW;
            real *orow = op + i * oW;
            if (i % s) { memcpy(orow, orow - oW, (size_t)oW * sizeof(real)); continue; }
            for (int64_t j = 0; j < iW; j++)
                for (int k = 0; k < s; k++) orow[j * s + k] = row[j];
        }
    }
}

static void TNF(near_bwd)(real *gin, const real *gout, int64_t np, int64_t iH, int64_t iW, int s)
{
    int64_t oH = iH * s, oW = iW * s;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * oH * oW))
    for (int64_t pl = 0; pl < np; pl++) {
        real *gi = gin + pl * iH * iW;
        const real *go = gout + pl * oH * oW;
        for (int64_t i = 0; i < iH; i++)
            for (int64_t j = 0; j < iW; j++) {
                double sum = 0;
                for (int a = 0; a < s; a++)
                    for (int b = 0; b < s; b++) sum += go[(i * s + a) * oW + j * s + b];
                gi[i * iW + j] = (real)sum;
            }
    }
}

/* Per output position along one axis: lower source index, step to the upper one (0 or 1), weight of the upper. */
static void TNF(bil_axis)(int64_t in, int64_t out, int align, int64_t *i0, int64_t *step, real *l1)
{
    real scale = align ? (out > 1 ? (real)(in - 1) / (real)(out - 1) : (real)0) : (real)in / (real)out;
    for (int64_t o = 0; o < out; o++) {
        real src = align ? scale * (real)o : scale * ((real)o + (real)0.5) - (real)0.5;
        if (src < 0) src = 0;
        int64_t i = (int64_t)src;
        if (i > in - 1) i = in - 1;
        real l = src - (real)i;
        if (l < 0) l = 0;
        if (l > 1) l = 1;
        i0[o] = i;
        step[o] = i < in - 1 ? 1 : 0;
        l1[o] = l;
    }
}

static int TNF(bil_run)(const real *src, real *dst, int64_t np, int64_t iH, int64_t iW, int64_t oH, int64_t oW,
                        int align, int backward)
{
    int64_t n = oH + oW;
    int64_t *ix = (int64_t *)TH_alloc(2 * n * (int64_t)sizeof(int64_t));
    real *lam = (real *)TH_alloc(n * (int64_t)sizeof(real));
    if (!ix || !lam) { TH_free(ix); TH_free(lam); return TH_lastErrorCode(); }
    int64_t *h0 = ix, *hs = ix + oH, *w0 = ix + 2 * oH, *ws = w0 + oW;
    real *hl = lam, *wl = lam + oH;
    TNF(bil_axis)(iH, oH, align, h0, hs, hl);
    TNF(bil_axis)(iW, oW, align, w0, ws, wl);
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * oH * oW))
    for (int64_t pl = 0; pl < np; pl++) {
        if (!backward) {
            const real *ip = src + pl * iH * iW;
            real *op = dst + pl * oH * oW;
            for (int64_t i = 0; i < oH; i++) {
                const real *r0 = ip + h0[i] * iW, *r1 = r0 + hs[i] * iW;
                real a1 = hl[i], a0 = 1 - a1;
                for (int64_t j = 0; j < oW; j++) {
                    real b1 = wl[j], b0 = 1 - b1;
                    int64_t c = w0[j], c1 = c + ws[j];
                    op[i * oW + j] = a0 * (b0 * r0[c] + b1 * r0[c1]) + a1 * (b0 * r1[c] + b1 * r1[c1]);
                }
            }
        } else {
            const real *go = src + pl * oH * oW;
            real *gi = dst + pl * iH * iW;
            memset(gi, 0, (size_t)(iH * iW) * sizeof(real));
            for (int64_t i = 0; i < oH; i++) {
                real *r0 = gi + h0[i] * iW, *r1 = r0 + hs[i] * iW;
                real a1 = hl[i], a0 = 1 - a1;
                for (int64_t j = 0; j < oW; j++) {
                    real b1 = wl[j], b0 = 1 - b1, g = go[i * oW + j];
                    int64_t c = w0[j], c1 = c + ws[j];
                    r0[c] += a0 * b0 * g;
                    r0[c1] += a0 * b1 * g;
                    r1[c] += a1 * b0 * g;
                    r1[c1] += a1 * b1 * g;
                }
            }
        }
    }
    TH_free(ix);
    TH_free(lam);
    return 0;
}

#undef real
#endif
