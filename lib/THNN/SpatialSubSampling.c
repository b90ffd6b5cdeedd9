/* SpatialSubSampling (Torch7): output[k] = bias[k] + weight[k] * (sum of the kH x kW window of
 * input plane k), no padding, floor mode; weight and bias hold one value per input plane. */
#ifndef THNN_REAL
#include "THNNPool.h"

#define THNN_GENERIC_FILE "SpatialSubSampling.c"
#include "THNNGenerate.h"

typedef struct { int64_t nb, np, iH, iW, oH, oW; int64_t oshape[4]; int ond; } SubShape;

static int sub_shapeCheck(const char *fn, THTensor *input, int64_t nplanes, int kW, int kH, int dW, int dH, SubShape *s)
{
    char buf[128];
    THNN_CHECK_FLOAT(fn, input);
    int nd = input->ndim;
    TH_CHECK(nd == 3 || nd == 4, TH_ERR_VALUE, "%s: expected 3D or 4D input (batch mode), got %s",
             fn, THNN_sizeDesc(input, buf, sizeof buf));
    TH_CHECK(kW > 0 && kH > 0, TH_ERR_VALUE, "%s: kernel size should be greater than zero, but got kW = %d, kH = %d", fn, kW, kH);
    TH_CHECK(dW > 0 && dH > 0, TH_ERR_VALUE, "%s: stride should be greater than zero, but got dW = %d, dH = %d", fn, dW, dH);
    s->nb = nd == 4 ? input->size[0] : 1;
    s->np = input->size[nd - 3];
    s->iH = input->size[nd - 2];
    s->iW = input->size[nd - 1];
    TH_CHECK(s->np == nplanes, TH_ERR_VALUE, "%s: expected input with %lld planes (the size of weight), got %s",
             fn, (long long)nplanes, THNN_sizeDesc(input, buf, sizeof buf));
    TH_CHECK(s->iH >= kH && s->iW >= kW, TH_ERR_VALUE, "%s: input image %s smaller than kernel size (kW = %d, kH = %d)",
             fn, THNN_sizeDesc(input, buf, sizeof buf), kW, kH);
    s->oH = (s->iH - kH) / dH + 1;
    s->oW = (s->iW - kW) / dW + 1;
    s->ond = nd;
    for (int d = 0; d < nd - 2; d++) s->oshape[d] = input->size[d];
    s->oshape[nd - 2] = s->oH;
    s->oshape[nd - 1] = s->oW;
    return 0;
}

int THNN_SpatialSubSampling_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                         int kW, int kH, int dW, int dH)
{
    const char *fn = "SpatialSubSampling";
    SubShape s;
    TH_CHECK(weight, TH_ERR_VALUE, "%s: weight is NULL", fn);
    TH_TRY(sub_shapeCheck(fn, input, THTensor_numel(weight), kW, kH, dW, dH, &s));
    int dt = input->dtype;
    TH_TRY(THNN_checkPerPlaneParam(fn, "weight", weight, s.np, "input plane", dt, 0));
    if (bias) TH_TRY(THNN_checkPerPlaneParam(fn, "bias", bias, s.np, "input plane", dt, 0));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    THTensor *t[4] = {THNN_contig(input, dt, output), THNN_contig(weight, dt, output), bias ? THNN_contig(bias, dt, output) : NULL, NULL};
    if (!t[0] || !t[1] || (bias && !t[2])) { THNN_freeAll(t, 3); return TH_lastErrorCode(); }
    int st = THNN_outOpen(output, dt, s.ond, s.oshape, &t[3]);
    if (!st && THTensor_numel(t[3]) > 0) {
        if (dt == TH_FLOAT32)
            sub_fwd_f(THTensor_data(t[0]), THTensor_data(t[3]), THTensor_data(t[1]), bias ? THTensor_data(t[2]) : NULL,
                      s.nb, s.np, s.iH, s.iW, s.oH, s.oW, kH, kW, dH, dW);
        else
            sub_fwd_d(THTensor_data(t[0]), THTensor_data(t[3]), THTensor_data(t[1]), bias ? THTensor_data(t[2]) : NULL,
                      s.nb, s.np, s.iH, s.iW, s.oH, s.oW, kH, kW, dH, dW);
    }
    st = THNN_outClose(output, t[3], st);
    THNN_freeAll(t, 3);
    return st;
}

int THNN_SpatialSubSampling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight,
                                            int kW, int kH, int dW, int dH)
{
    const char *fn = "SpatialSubSampling";
    SubShape s;
    TH_CHECK(weight, TH_ERR_VALUE, "%s: weight is NULL", fn);
    TH_TRY(sub_shapeCheck(fn, input, THTensor_numel(weight), kW, kH, dW, dH, &s));
    int dt = input->dtype;
    TH_TRY(THNN_checkPerPlaneParam(fn, "weight", weight, s.np, "input plane", dt, 0));
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, s.ond, s.oshape));
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", fn);
    THTensor *t[3] = {THNN_contig(gradOutput, dt, gradInput), THNN_contig(weight, dt, gradInput), NULL};
    if (!t[0] || !t[1]) { THNN_freeAll(t, 2); return TH_lastErrorCode(); }
    int st = THNN_outOpen(gradInput, dt, input->ndim, input->size, &t[2]);
    if (!st && THTensor_numel(t[2]) > 0) {
        if (dt == TH_FLOAT32)
            sub_bwd_f(THTensor_data(t[2]), THTensor_data(t[0]), THTensor_data(t[1]), s.nb, s.np, s.iH, s.iW, s.oH, s.oW, kH, kW, dH, dW);
        else
            sub_bwd_d(THTensor_data(t[2]), THTensor_data(t[0]), THTensor_data(t[1]), s.nb, s.np, s.iH, s.iW, s.oH, s.oW, kH, kW, dH, dW);
    }
    st = THNN_outClose(gradInput, t[2], st);
    THNN_freeAll(t, 2);
    return st;
}

int THNN_SpatialSubSampling_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                              THTensor *gradBias, int kW, int kH, int dW, int dH, double scale)
{
    const char *fn = "SpatialSubSampling";
    SubShape s;
    TH_CHECK(gradWeight, TH_ERR_VALUE, "%s: gradWeight is NULL", fn);
    TH_TRY(sub_shapeCheck(fn, input, THTensor_numel(gradWeight), kW, kH, dW, dH, &s));
    int dt = input->dtype;
    TH_TRY(THNN_checkPerPlaneParam(fn, "gradWeight", gradWeight, s.np, "input plane", dt, 1));
    if (gradBias) TH_TRY(THNN_checkPerPlaneParam(fn, "gradBias", gradBias, s.np, "input plane", dt, 1));
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, s.ond, s.oshape));
    THTensor *t[2] = {THNN_contig(input, dt, NULL), THNN_contig(gradOutput, dt, NULL)};
    if (!t[0] || !t[1]) { THNN_freeAll(t, 2); return TH_lastErrorCode(); }
    if (dt == TH_FLOAT32)
        sub_acc_f(THTensor_data(t[0]), THTensor_data(t[1]), THTensor_data(gradWeight), gradBias ? THTensor_data(gradBias) : NULL,
                  s.nb, s.np, s.iH, s.iW, s.oH, s.oW, kH, kW, dH, dW, scale);
    else
        sub_acc_d(THTensor_data(t[0]), THTensor_data(t[1]), THTensor_data(gradWeight), gradBias ? THTensor_data(gradBias) : NULL,
                  s.nb, s.np, s.iH, s.iW, s.oH, s.oW, kH, kW, dH, dW, scale);
    THTensor_bumpVersion(gradWeight);
    if (gradBias) THTensor_bumpVersion(gradBias);
    THNN_freeAll(t, 2);
    return 0;
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

static inline double TNF(sub_window)(const real *ip, int64_t iW, int64_t h0, int64_t w0, int kH, int kW)
{
    double sum = 0;
    for (int64_t h = h0; h < h0 + kH; h++)
        for (int64_t w = w0; w < w0 + kW; w++) sum += ip[h * iW + w];
    return sum;
}

static void TNF(sub_fwd)(const real *in, real *out, const real *weight, const real *bias, int64_t nb, int64_t np,
                         int64_t iH, int64_t iW, int64_t oH, int64_t oW, int kH, int kW, int dH, int dW)
{
    int64_t ipl = iH * iW, opl = oH * oW, n = nb * np;
    #pragma omp parallel for schedule(static) if (n > 1 && TH_parallelOK(n * opl * kH * kW))
    for (int64_t pl = 0; pl < n; pl++) {
        int64_t k = pl % np;
        const real *ip = in + pl * ipl;
        double wk = weight[k], bk = bias ? bias[k] : 0;
        for (int64_t oh = 0; oh < oH; oh++)
            for (int64_t ow = 0; ow < oW; ow++)
                out[pl * opl + oh * oW + ow] = (real)(bk + wk * TNF(sub_window)(ip, iW, oh * dH, ow * dW, kH, kW));
    }
}

static void TNF(sub_bwd)(real *gin, const real *gout, const real *weight, int64_t nb, int64_t np,
                         int64_t iH, int64_t iW, int64_t oH, int64_t oW, int kH, int kW, int dH, int dW)
{
    int64_t ipl = iH * iW, opl = oH * oW, n = nb * np;
    #pragma omp parallel for schedule(static) if (n > 1 && TH_parallelOK(n * opl * kH * kW))
    for (int64_t pl = 0; pl < n; pl++) {
        real *gi = gin + pl * ipl;
        memset(gi, 0, (size_t)ipl * sizeof(real));
        real wk = weight[pl % np];
        for (int64_t oh = 0; oh < oH; oh++)
            for (int64_t ow = 0; ow < oW; ow++) {
                real g = wk * gout[pl * opl + oh * oW + ow];
                for (int64_t h = oh * dH; h < oh * dH + kH; h++)
                    for (int64_t w = ow * dW; w < ow * dW + kW; w++) gi[h * iW + w] += g;
            }
    }
}

/* gradWeight[k] += scale * sum(gradOutput * window sums), gradBias[k] += scale * sum(gradOutput),
 * over the batch; planes in parallel (each owns its k). */
static void TNF(sub_acc)(const real *in, const real *gout, real *gw, real *gb, int64_t nb, int64_t np,
                         int64_t iH, int64_t iW, int64_t oH, int64_t oW, int kH, int kW, int dH, int dW, double scale)
{
    int64_t ipl = iH * iW, opl = oH * oW;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(nb * np * opl * kH * kW))
    for (int64_t k = 0; k < np; k++) {
        double sw = 0, sb = 0;
        for (int64_t b = 0; b < nb; b++) {
            const real *ip = in + (b * np + k) * ipl;
            const real *go = gout + (b * np + k) * opl;
            for (int64_t oh = 0; oh < oH; oh++)
                for (int64_t ow = 0; ow < oW; ow++) {
                    double g = go[oh * oW + ow];
                    sb += g;
                    sw += g * TNF(sub_window)(ip, iW, oh * dH, ow * dW, kH, kW);
                }
        }
        gw[k] = (real)(gw[k] + scale * sw);
        if (gb) gb[k] = (real)(gb[k] + scale * sb);
    }
}

#endif
