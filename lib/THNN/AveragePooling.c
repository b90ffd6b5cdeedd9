/* Average pooling: SpatialAveragePooling and VolumetricAveragePooling (one 3-D kernel; a
 * plane is a volume with T = 1). Divisor as THNN/PyTorch: with count_include_pad the window
 * clipped to the padded input, else the window clipped to the input; a window lying wholly in
 * the padding (possible in ceil mode) gives 0. */
#ifndef THNN_REAL
#include "THNNPool.h"

#define THNN_GENERIC_FILE "AveragePooling.c"
#include "THNNGenerate.h"

static int avgpool_updateOutput(const char *fn, int nsp, THTensor *input, THTensor *output, const int *k,
                                const int *d, const int *p, int ceil_mode, int count_include_pad)
{
    PoolShape s;
    const int dil[3] = {1, 1, 1};
    TH_TRY(THNN_poolShapeCheck(fn, input, nsp, k, d, p, dil, ceil_mode, &s));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    int dt = input->dtype;
    int64_t oshape[5];
    int ond = THNN_poolOutShape(&s, nsp, oshape);
    THTensor *in = THNN_contig(input, dt, output);
    if (!in) return TH_lastErrorCode();
    THTensor *ow = NULL;
    int st = THNN_outOpen(output, dt, ond, oshape, &ow);
    if (!st && THTensor_numel(ow) > 0) {
        int64_t np = s.nbatch * s.nplanes;
        if (dt == TH_FLOAT32)
            avgpool_fwd_f(THTensor_data(in), THTensor_data(ow), np, s.in, s.out, k, d, p, count_include_pad);
        else
            avgpool_fwd_d(THTensor_data(in), THTensor_data(ow), np, s.in, s.out, k, d, p, count_include_pad);
    }
    st = THNN_outClose(output, ow, st);
    THTensor_free(in);
    return st;
}

static int avgpool_updateGradInput(const char *fn, int nsp, THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                   const int *k, const int *d, const int *p, int ceil_mode, int count_include_pad)
{
    PoolShape s;
    const int dil[3] = {1, 1, 1};
    TH_TRY(THNN_poolShapeCheck(fn, input, nsp, k, d, p, dil, ceil_mode, &s));
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", fn);
    int dt = input->dtype;
    int64_t oshape[5];
    int ond = THNN_poolOutShape(&s, nsp, oshape);
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, ond, oshape));
    THTensor *go = THNN_contig(gradOutput, dt, gradInput);
    if (!go) return TH_lastErrorCode();
    THTensor *gw = NULL;
    int st = THNN_outOpen(gradInput, dt, input->ndim, input->size, &gw);
    if (!st && THTensor_numel(gw) > 0) {
        int64_t np = s.nbatch * s.nplanes;
        if (dt == TH_FLOAT32)
            avgpool_bwd_f(THTensor_data(gw), THTensor_data(go), np, s.in, s.out, k, d, p, count_include_pad);
        else
            avgpool_bwd_d(THTensor_data(gw), THTensor_data(go), np, s.in, s.out, k, d, p, count_include_pad);
    }
    st = THNN_outClose(gradInput, gw, st);
    THTensor_free(go);
    return st;
}

#define ARR3(a, b, c) ((const int[3]){(a), (b), (c)})

int THNN_SpatialAveragePooling_updateOutput(THTensor *input, THTensor *output, int kW, int kH, int dW, int dH,
                                            int padW, int padH, int ceil_mode, int count_include_pad)
{
    return avgpool_updateOutput("SpatialAveragePooling", 2, input, output, ARR3(1, kH, kW), ARR3(1, dH, dW),
                                ARR3(0, padH, padW), ceil_mode, count_include_pad);
}

int THNN_SpatialAveragePooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                               int kW, int kH, int dW, int dH, int padW, int padH,
                                               int ceil_mode, int count_include_pad)
{
    return avgpool_updateGradInput("SpatialAveragePooling", 2, input, gradOutput, gradInput, ARR3(1, kH, kW),
                                   ARR3(1, dH, dW), ARR3(0, padH, padW), ceil_mode, count_include_pad);
}

int THNN_VolumetricAveragePooling_updateOutput(THTensor *input, THTensor *output, int kT, int kW, int kH,
                                               int dT, int dW, int dH, int padT, int padW, int padH,
                                               int ceil_mode, int count_include_pad)
{
    return avgpool_updateOutput("VolumetricAveragePooling", 3, input, output, ARR3(kT, kH, kW), ARR3(dT, dH, dW),
                                ARR3(padT, padH, padW), ceil_mode, count_include_pad);
}

int THNN_VolumetricAveragePooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                  int kT, int kW, int kH, int dT, int dW, int dH,
                                                  int padT, int padW, int padH, int ceil_mode, int count_include_pad)
{
    return avgpool_updateGradInput("VolumetricAveragePooling", 3, input, gradOutput, gradInput, ARR3(kT, kH, kW),
                                   ARR3(dT, dH, dW), ARR3(padT, padH, padW), ceil_mode, count_include_pad);
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

/* Window [lo, hi) of output position o along one dim, clipped; *full gets the extent clipped
 * only to the padded input. */
static inline void TNF(avg_window)(int64_t o, int d, int p, int k, int64_t in, int64_t *lo, int64_t *hi, int64_t *full)
{
    int64_t a = o * d - p, b = a + k;
    if (b > in + p) b = in + p;
    *full = b - a;
    if (a < 0) a = 0;
    if (b > in) b = in;
    *lo = a;
    *hi = b;
}

static void TNF(avgpool_fwd)(const real *in, real *out, int64_t nplanes, const int64_t *is, const int64_t *os,
                             const int *k, const int *d, const int *p, int count_include_pad)
{
    int64_t iT = is[0], iH = is[1], iW = is[2], oT = os[0], oH = os[1], oW = os[2];
    int64_t ipl = iT * iH * iW, opl = oT * oH * oW;
    #pragma omp parallel for schedule(static) if (nplanes > 1 && TH_parallelOK(nplanes * opl * k[0] * k[1] * k[2]))
    for (int64_t pl = 0; pl < nplanes; pl++) {
        const real *ip = in + pl * ipl;
        real *op = out + pl * opl;
        for (int64_t ot = 0; ot < oT; ot++) {
            int64_t t0, t1, ft;
            TNF(avg_window)(ot, d[0], p[0], k[0], iT, &t0, &t1, &ft);
            for (int64_t oh = 0; oh < oH; oh++) {
                int64_t h0, h1, fh;
                TNF(avg_window)(oh, d[1], p[1], k[1], iH, &h0, &h1, &fh);
                for (int64_t ow = 0; ow < oW; ow++) {
                    int64_t w0, w1, fw;
                    TNF(avg_window)(ow, d[2], p[2], k[2], iW, &w0, &w1, &fw);
                    int64_t o = (ot * oH + oh) * oW + ow;
                    if (t0 >= t1 || h0 >= h1 || w0 >= w1) { op[o] = 0; continue; }
                    double sum = 0;
                    for (int64_t t = t0; t < t1; t++)
                        for (int64_t h = h0; h < h1; h++) {
                            const real *row = ip + (t * iH + h) * iW;
                            for (int64_t w = w0; w < w1; w++) sum += row[w];
                        }
                    int64_t div = count_include_pad ? ft * fh * fw : (t1 - t0) * (h1 - h0) * (w1 - w0);
                    op[o] = (real)(sum / (double)div);
                }
            }
        }
    }
}

static void TNF(avgpool_bwd)(real *gin, const real *gout, int64_t nplanes, const int64_t *is, const int64_t *os,
                             const int *k, const int *d, const int *p, int count_include_pad)
{
    int64_t iT = is[0], iH = is[1], iW = is[2], oT = os[0], oH = os[1], oW = os[2];
    int64_t ipl = iT * iH * iW, opl = oT * oH * oW;
    #pragma omp parallel for schedule(static) if (nplanes > 1 && TH_parallelOK(nplanes * opl * k[0] * k[1] * k[2]))
    for (int64_t pl = 0; pl < nplanes; pl++) {
        real *gi = gin + pl * ipl;
        const real *go = gout + pl * opl;
        memset(gi, 0, (size_t)ipl * sizeof(real));
        for (int64_t ot = 0; ot < oT; ot++) {
            int64_t t0, t1, ft;
            TNF(avg_window)(ot, d[0], p[0], k[0], iT, &t0, &t1, &ft);
            for (int64_t oh = 0; oh < oH; oh++) {
                int64_t h0, h1, fh;
                TNF(avg_window)(oh, d[1], p[1], k[1], iH, &h0, &h1, &fh);
                for (int64_t ow = 0; ow < oW; ow++) {
                    int64_t w0, w1, fw;
                    TNF(avg_window)(ow, d[2], p[2], k[2], iW, &w0, &w1, &fw);
                    if (t0 >= t1 || h0 >= h1 || w0 >= w1) continue;
                    int64_t div = count_include_pad ? ft * fh * fw : (t1 - t0) * (h1 - h0) * (w1 - w0);
                    real g = (real)(go[(ot * oH + oh) * oW + ow] / (double)div);
                    for (int64_t t = t0; t < t1; t++)
                        for (int64_t h = h0; h < h1; h++) {
                            real *row = gi + (t * iH + h) * iW;
                            for (int64_t w = w0; w < w1; w++) row[w] += g;
                        }
                }
            }
        }
    }
}

#endif
