/* SpatialUpSamplingNearest / VolumetricUpSamplingNearest (integer scale_factor:
 * output[t][i][j] = input[t/s][i/s][j/s]) and SpatialUpSamplingBilinear /
 * VolumetricUpSamplingTrilinear (output size given). Linear source coordinates as PyTorch:
 * align_corners = 1 (THNN's only mode): src = dst * (in-1)/(out-1); align_corners = 0
 * (PyTorch's default): src = max((dst + 0.5) * in/out - 0.5, 0). A plane is a volume of depth 1. */
#ifndef THNN_REAL
#include "THNNPool.h"

#define THNN_GENERIC_FILE "UpSampling.c"
#include "THNNGenerate.h"

/* osz: output T, H, W (T = 1 for planes); is: the input's. */
static int up_shapeCheck(const char *fn, int nsp, THTensor *input, const int64_t *osz, int64_t *oshape, int64_t *np,
                         int64_t *is)
{
    char buf[128];
    THNN_CHECK_FLOAT(fn, input);
    int nd = input->ndim;
    TH_CHECK(nd == nsp + 1 || nd == nsp + 2, TH_ERR_VALUE, "%s: expected %dD or %dD input (batch mode), got %s",
             fn, nsp + 1, nsp + 2, THNN_sizeDesc(input, buf, sizeof buf));
    for (int d = nd - nsp; d < nd; d++)
        TH_CHECK(input->size[d] > 0, TH_ERR_VALUE, "%s: expected input with non-empty spatial dims, got %s",
                 fn, THNN_sizeDesc(input, buf, sizeof buf));
    if (nsp == 2)
        TH_CHECK(osz[1] > 0 && osz[2] > 0, TH_ERR_VALUE,
                 "%s: output size should be greater than 0, but got outputHeight = %lld, outputWidth = %lld",
                 fn, (long long)osz[1], (long long)osz[2]);
    else
        TH_CHECK(osz[0] > 0 && osz[1] > 0 && osz[2] > 0, TH_ERR_VALUE,
                 "%s: output size should be greater than 0, but got outputDepth = %lld, outputHeight = %lld, "
                 "outputWidth = %lld", fn, (long long)osz[0], (long long)osz[1], (long long)osz[2]);
    *np = 1;
    for (int d = 0; d < nd - nsp; d++) { *np *= input->size[d]; oshape[d] = input->size[d]; }
    is[0] = 1;
    for (int i = 3 - nsp; i < 3; i++) { oshape[nd - 3 + i] = osz[i]; is[i] = input->size[nd - 3 + i]; }
    return 0;
}

static int up_run(const char *fn, int nsp, int linear, int backward, THTensor *input, THTensor *gradOutput,
                  THTensor *out, const int64_t *osz, int align_corners, int scale)
{
    int64_t oshape[5], np = 0, is[3] = {1, 1, 1};
    TH_TRY(up_shapeCheck(fn, nsp, input, osz, oshape, &np, is));
    int nd = input->ndim, dt = input->dtype;
    TH_CHECK(out, TH_ERR_VALUE, "%s: %s is NULL", fn, backward ? "gradInput" : "output");
    if (backward) TH_TRY(THNN_checkGradOutput(fn, gradOutput, nd, oshape));
    THTensor *src = THNN_contig(backward ? gradOutput : input, dt, out);
    if (!src) return TH_lastErrorCode();
    THTensor *w = NULL;
    int st = THNN_outOpen(out, dt, nd, backward ? input->size : oshape, &w);
    if (!st && THTensor_numel(w) > 0) {
        void *a = THTensor_data(src), *b = THTensor_data(w);
        if (!linear) {
            if (backward) { if (dt == TH_FLOAT32) near_bwd_f(b, a, np, is, osz, scale); else near_bwd_d(b, a, np, is, osz, scale); }
            else { if (dt == TH_FLOAT32) near_fwd_f(a, b, np, is, osz, scale); else near_fwd_d(a, b, np, is, osz, scale); }
        } else if (nsp == 2) {
            st = dt == TH_FLOAT32 ? bil_run_f(a, b, np, is[1], is[2], osz[1], osz[2], align_corners, backward)
                                  : bil_run_d(a, b, np, is[1], is[2], osz[1], osz[2], align_corners, backward);
        } else {
            st = dt == TH_FLOAT32 ? tril_run_f(a, b, np, is, osz, align_corners, backward)
                                  : tril_run_d(a, b, np, is, osz, align_corners, backward);
        }
    }
    st = THNN_outClose(out, w, st);
    THTensor_free(src);
    return st;
}

/* The nearest output size of input (nsp spatial dims) for scale_factor into osz (T, H, W). */
static int near_size(const char *fn, int nsp, THTensor *input, int scale_factor, int64_t *osz)
{
    TH_CHECK(scale_factor > 0, TH_ERR_VALUE, "%s: scale_factor should be greater than 0, but got %d", fn, scale_factor);
    THNN_CHECK_FLOAT(fn, input);
    osz[0] = 1;
    for (int i = 3 - nsp; i < 3; i++) {
        int d = input->ndim - 3 + i;
        osz[i] = d >= 0 ? input->size[d] * scale_factor : 0;
    }
    return 0;
}

int THNN_SpatialUpSamplingNearest_updateOutput(THTensor *input, THTensor *output, int scale_factor)
{
    const char *fn = "SpatialUpSamplingNearest";
    int64_t osz[3];
    TH_TRY(near_size(fn, 2, input, scale_factor, osz));
    return up_run(fn, 2, 0, 0, input, NULL, output, osz, 0, scale_factor);
}

int THNN_SpatialUpSamplingNearest_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, int scale_factor)
{
    const char *fn = "SpatialUpSamplingNearest";
    int64_t osz[3];
    TH_TRY(near_size(fn, 2, input, scale_factor, osz));
    return up_run(fn, 2, 0, 1, input, gradOutput, gradInput, osz, 0, scale_factor);
}

int THNN_SpatialUpSamplingBilinear_updateOutput(THTensor *input, THTensor *output, int outputHeight, int outputWidth,
                                                int align_corners)
{
    return up_run("SpatialUpSamplingBilinear", 2, 1, 0, input, NULL, output,
                  (const int64_t[3]){1, outputHeight, outputWidth}, align_corners, 0);
}

int THNN_SpatialUpSamplingBilinear_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                   int outputHeight, int outputWidth, int align_corners)
{
    return up_run("SpatialUpSamplingBilinear", 2, 1, 1, input, gradOutput, gradInput,
                  (const int64_t[3]){1, outputHeight, outputWidth}, align_corners, 0);
}

int THNN_VolumetricUpSamplingNearest_updateOutput(THTensor *input, THTensor *output, int scale_factor)
{
    const char *fn = "VolumetricUpSamplingNearest";
    int64_t osz[3];
    TH_TRY(near_size(fn, 3, input, scale_factor, osz));
    return up_run(fn, 3, 0, 0, input, NULL, output, osz, 0, scale_factor);
}

int THNN_VolumetricUpSamplingNearest_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                     int scale_factor)
{
    const char *fn = "VolumetricUpSamplingNearest";
    int64_t osz[3];
    TH_TRY(near_size(fn, 3, input, scale_factor, osz));
    return up_run(fn, 3, 0, 1, input, gradOutput, gradInput, osz, 0, scale_factor);
}

int THNN_VolumetricUpSamplingTrilinear_updateOutput(THTensor *input, THTensor *output, int outputDepth,
                                                    int outputHeight, int outputWidth, int align_corners)
{
    return up_run("VolumetricUpSamplingTrilinear", 3, 1, 0, input, NULL, output,
                  (const int64_t[3]){outputDepth, outputHeight, outputWidth}, align_corners, 0);
}

int THNN_VolumetricUpSamplingTrilinear_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                       int outputDepth, int outputHeight, int outputWidth,
                                                       int align_corners)
{
    return up_run("VolumetricUpSamplingTrilinear", 3, 1, 1, input, gradOutput, gradInput,
                  (const int64_t[3]){outputDepth, outputHeight, outputWidth}, align_corners, 0);
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

static void TNF(near_fwd)(const real *in, real *out, int64_t np, const int64_t *is, const int64_t *os, int s)
{
    const int64_t iT = is[0], iH = is[1], iW = is[2], oT = os[0], oH = os[1], oW = os[2];
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * oT * oH * oW))
    for (int64_t pl = 0; pl < np; pl++) {
        const real *ip = in + pl * iT * iH * iW;
        real *op = out + pl * oT * oH * oW;
        for (int64_t t = 0; t < oT; t++) {
            real *oplane = op + t * oH * oW;
            if (t % s && oT > 1) { memcpy(oplane, oplane - oH * oW, (size_t)(oH * oW) * sizeof(real)); continue; }
            for (int64_t i = 0; i < oH; i++) {
                const real *row = ip + ((oT > 1 ? t / s : 0) * iH + i / s) * iW;
                real *orow = oplane + i * oW;
                if (i % s) { memcpy(orow, orow - oW, (size_t)oW * sizeof(real)); continue; }
                for (int64_t j = 0; j < iW; j++)
                    for (int k = 0; k < s; k++) orow[j * s + k] = row[j];
            }
        }
    }
}

static void TNF(near_bwd)(real *gin, const real *gout, int64_t np, const int64_t *is, const int64_t *os, int s)
{
    const int64_t iT = is[0], iH = is[1], iW = is[2], oT = os[0], oH = os[1], oW = os[2];
    const int st = oT > iT ? s : 1;   /* a plane (iT = oT = 1) has no depth window */
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * oT * oH * oW))
    for (int64_t pl = 0; pl < np; pl++) {
        real *gi = gin + pl * iT * iH * iW;
        const real *go = gout + pl * oT * oH * oW;
        for (int64_t t = 0; t < iT; t++)
            for (int64_t i = 0; i < iH; i++)
                for (int64_t j = 0; j < iW; j++) {
                    double sum = 0;
                    for (int c = 0; c < st; c++)
                        for (int a = 0; a < s; a++)
                            for (int b = 0; b < s; b++) sum += go[((t * st + c) * oH + i * s + a) * oW + j * s + b];
                    gi[(t * iH + i) * iW + j] = (real)sum;
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

/* Trilinear: the separable product of three bil_axis interpolations. is, os: T, H, W. */
static int TNF(tril_run)(const real *src, real *dst, int64_t np, const int64_t *is, const int64_t *os, int align,
                         int backward)
{
    const int64_t iT = is[0], iH = is[1], iW = is[2], oT = os[0], oH = os[1], oW = os[2], n = oT + oH + oW;
    int64_t *ix = (int64_t *)TH_alloc(2 * n * (int64_t)sizeof(int64_t));
    real *lam = (real *)TH_alloc(n * (int64_t)sizeof(real));
    if (!ix || !lam) { TH_free(ix); TH_free(lam); return TH_lastErrorCode(); }
    int64_t *t0 = ix, *ts = t0 + oT, *h0 = ts + oT, *hs = h0 + oH, *w0 = hs + oH, *ws = w0 + oW;
    real *tl = lam, *hl = tl + oT, *wl = hl + oH;
    TNF(bil_axis)(iT, oT, align, t0, ts, tl);
    TNF(bil_axis)(iH, oH, align, h0, hs, hl);
    TNF(bil_axis)(iW, oW, align, w0, ws, wl);
    const int64_t ipl = iT * iH * iW, opl = oT * oH * oW, HW = iH * iW;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * opl * 8))
    for (int64_t pl = 0; pl < np; pl++) {
        if (backward) memset(dst + pl * ipl, 0, (size_t)ipl * sizeof(real));
        for (int64_t t = 0; t < oT; t++) {
            const real c1 = tl[t], c0 = 1 - c1;
            const int64_t p0 = t0[t] * HW, p1 = p0 + ts[t] * HW;
            for (int64_t i = 0; i < oH; i++) {
                const real a1 = hl[i], a0 = 1 - a1;
                const int64_t r0 = h0[i] * iW, r1 = r0 + hs[i] * iW;
                for (int64_t j = 0; j < oW; j++) {
                    const real b1 = wl[j], b0 = 1 - b1;
                    const int64_t c = w0[j], cc = c + ws[j];
                    const int64_t o = (t * oH + i) * oW + j;
                    const int64_t k[8] = {p0 + r0 + c, p0 + r0 + cc, p0 + r1 + c, p0 + r1 + cc,
                                          p1 + r0 + c, p1 + r0 + cc, p1 + r1 + c, p1 + r1 + cc};
                    const real wt[8] = {c0 * a0 * b0, c0 * a0 * b1, c0 * a1 * b0, c0 * a1 * b1,
                                        c1 * a0 * b0, c1 * a0 * b1, c1 * a1 * b0, c1 * a1 * b1};
                    if (!backward) {
                        const real *ip = src + pl * ipl;
                        real v = 0;
                        for (int q = 0; q < 8; q++) v += wt[q] * ip[k[q]];
                        dst[pl * opl + o] = v;
                    } else {
                        real *gi = dst + pl * ipl, g = src[pl * opl + o];
                        for (int q = 0; q < 8; q++) gi[k[q]] += wt[q] * g;
                    }
                }
            }
        }
    }
    TH_free(ix);
    TH_free(lam);
    return 0;
}

#endif
