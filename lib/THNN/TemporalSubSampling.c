/* TemporalSubSampling (Torch7): input nFrame x frameSize (or N x nFrame x frameSize);
 * output[t][f] = bias[f] + weight[f] * sum_{x < kW} input[t*dW + x][f]. */
#ifndef THNN_REAL
#include "THNNPool.h"

#define THNN_GENERIC_FILE "TemporalSubSampling.c"
#include "THNNGenerate.h"

int THNN_TemporalSubSampling_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                          int kW, int dW, int inputFrameSize)
{
    const char *fn = "TemporalSubSampling";
    TemporalShape s;
    TH_TRY(THNN_temporalShapeCheck(fn, input, kW, dW, inputFrameSize, &s));
    int dt = input->dtype;
    TH_TRY(THNN_checkPerPlaneParam(fn, "weight", weight, s.F, "feature", dt, 0));
    if (bias) TH_TRY(THNN_checkPerPlaneParam(fn, "bias", bias, s.F, "feature", dt, 0));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    THTensor *t[4] = {THNN_contig(input, dt, output), THNN_contig(weight, dt, output), bias ? THNN_contig(bias, dt, output) : NULL, NULL};
    if (!t[0] || !t[1] || (bias && !t[2])) { THNN_freeAll(t, 3); return TH_lastErrorCode(); }
    int st = THNN_outOpen(output, dt, s.ond, s.oshape, &t[3]);
    if (!st && THTensor_numel(t[3]) > 0) {
        if (dt == TH_FLOAT32)
            tss_fwd_f(THTensor_data(t[0]), THTensor_data(t[3]), THTensor_data(t[1]), bias ? THTensor_data(t[2]) : NULL,
                      s.nb, s.iT, s.F, s.oT, kW, dW);
        else
            tss_fwd_d(THTensor_data(t[0]), THTensor_data(t[3]), THTensor_data(t[1]), bias ? THTensor_data(t[2]) : NULL,
                      s.nb, s.iT, s.F, s.oT, kW, dW);
    }
    st = THNN_outClose(output, t[3], st);
    THNN_freeAll(t, 3);
    return st;
}

int THNN_TemporalSubSampling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                             THTensor *weight, int kW, int dW)
{
    const char *fn = "TemporalSubSampling";
    TemporalShape s;
    TH_CHECK(weight, TH_ERR_VALUE, "%s: weight is NULL", fn);
    TH_TRY(THNN_temporalShapeCheck(fn, input, kW, dW, THTensor_numel(weight), &s));
    int dt = input->dtype;
    TH_TRY(THNN_checkPerPlaneParam(fn, "weight", weight, s.F, "feature", dt, 0));
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, s.ond, s.oshape));
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", fn);
    THTensor *t[3] = {THNN_contig(gradOutput, dt, gradInput), THNN_contig(weight, dt, gradInput), NULL};
    if (!t[0] || !t[1]) { THNN_freeAll(t, 2); return TH_lastErrorCode(); }
    int st = THNN_outOpen(gradInput, dt, input->ndim, input->size, &t[2]);
    if (!st && THTensor_numel(t[2]) > 0) {
        if (dt == TH_FLOAT32)
            tss_bwd_f(THTensor_data(t[2]), THTensor_data(t[0]), THTensor_data(t[1]), s.nb, s.iT, s.F, s.oT, kW, dW);
        else
            tss_bwd_d(THTensor_data(t[2]), THTensor_data(t[0]), THTensor_data(t[1]), s.nb, s.iT, s.F, s.oT, kW, dW);
    }
    st = THNN_outClose(gradInput, t[2], st);
    THNN_freeAll(t, 2);
    return st;
}

int THNN_TemporalSubSampling_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                               THTensor *gradBias, int kW, int dW, double scale)
{
    const char *fn = "TemporalSubSampling";
    TemporalShape s;
    TH_CHECK(gradWeight, TH_ERR_VALUE, "%s: gradWeight is NULL", fn);
    TH_TRY(THNN_temporalShapeCheck(fn, input, kW, dW, THTensor_numel(gradWeight), &s));
    int dt = input->dtype;
    TH_TRY(THNN_checkPerPlaneParam(fn, "gradWeight", gradWeight, s.F, "feature", dt, 1));
    if (gradBias) TH_TRY(THNN_checkPerPlaneParam(fn, "gradBias", gradBias, s.F, "feature", dt, 1));
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, s.ond, s.oshape));
    THTensor *t[2] = {THNN_contig(input, dt, NULL), THNN_contig(gradOutput, dt, NULL)};
    if (!t[0] || !t[1]) { THNN_freeAll(t, 2); return TH_lastErrorCode(); }
    if (dt == TH_FLOAT32)
        tss_acc_f(THTensor_data(t[0]), THTensor_data(t[1]), THTensor_data(gradWeight), gradBias ? THTensor_data(gradBias) : NULL,
                  s.nb, s.iT, s.F, s.oT, kW, dW, scale);
    else
        tss_acc_d(THTensor_data(t[0]), THTensor_data(t[1]), THTensor_data(gradWeight), gradBias ? THTensor_data(gradBias) : NULL,
                  s.nb, s.iT, s.F, s.oT, kW, dW, scale);
    THTensor_bumpVersion(gradWeight);
    if (gradBias) THTensor_bumpVersion(gradBias);
    THNN_freeAll(t, 2);
    return 0;
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

static void TNF(tss_fwd)(const real *in, real *out, const real *weight, const real *bias, int64_t nb, int64_t iT,
                         int64_t F, int64_t oT, int kW, int dW)
{
    #pragma omp parallel for schedule(static) if (nb * oT > 1 && TH_parallelOK(nb * oT * F * kW))
    for (int64_t bt = 0; bt < nb * oT; bt++) {
        int64_t b = bt / oT, t = bt % oT;
        const real *ip = in + (b * iT + t * dW) * F;
        real *op = out + bt * F;
        for (int64_t f = 0; f < F; f++) {
            double sum = 0;
            for (int x = 0; x < kW; x++) sum += ip[x * F + f];
            op[f] = (real)((bias ? (double)bias[f] : 0.0) + (double)weight[f] * sum);
        }
    }
}

static void TNF(tss_bwd)(real *gin, const real *gout, const real *weight, int64_t nb, int64_t iT, int64_t F,
                         int64_t oT, int kW, int dW)
{
    #pragma omp parallel for schedule(static) if (nb > 1 && TH_parallelOK(nb * oT * F * kW))
    for (int64_t b = 0; b < nb; b++) {
        real *gi = gin + b * iT * F;
        memset(gi, 0, (size_t)(iT * F) * sizeof(real));
        for (int64_t t = 0; t < oT; t++) {
            const real *go = gout + (b * oT + t) * F;
            for (int x = 0; x < kW; x++) {
                real *row = gi + (t * dW + x) * F;
                for (int64_t f = 0; f < F; f++) row[f] += weight[f] * go[f];
            }
        }
    }
}

static void TNF(tss_acc)(const real *in, const real *gout, real *gw, real *gb, int64_t nb, int64_t iT, int64_t F,
                         int64_t oT, int kW, int dW, double scale)
{
    #pragma omp parallel for schedule(static) if (F > 1 && TH_parallelOK(nb * oT * F * kW))
    for (int64_t f = 0; f < F; f++) {
        double sw = 0, sb = 0;
        for (int64_t b = 0; b < nb; b++)
            for (int64_t t = 0; t < oT; t++) {
                double g = gout[(b * oT + t) * F + f], sum = 0;
                const real *ip = in + (b * iT + t * dW) * F + f;
                for (int x = 0; x < kW; x++) sum += ip[x * F];
                sw += g * sum;
                sb += g;
            }
        gw[f] = (real)(gw[f] + scale * sw);
        if (gb) gb[f] = (real)(gb[f] + scale * sb);
    }
}

#endif
