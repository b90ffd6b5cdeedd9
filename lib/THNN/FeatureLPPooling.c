/* FeatureLPPooling (Torch7): Lp pooling across the feature dimension,
 * out[b][o][r] = (sum_{i<width} in[b][o*stride + i][r]^power)^(1/power), with input
 * batch x features x [d1 x [d2]] in batch mode and features x [d1 x [d2]] otherwise
 * (r runs over the trailing dims). Like THNN, no absolute value is taken and width must lie in
 * [2, 16], stride in [1, 4] (the limits of its CUDA twin). The backward adds
 * gradOutput * (x / out)^(power - 1) and skips windows whose output is 0. */
#ifndef THNN_REAL
#include "THNNPool.h"
#include <math.h>

#define THNN_GENERIC_FILE "FeatureLPPooling.c"
#include "THNNGenerate.h"

static const char *const FN = "FeatureLPPooling";

/* Sizes B (batch or 1), Fin, R; *Fout; oshape/ond the output shape. */
static int flp_check(THTensor *input, double power, int width, int stride, int batchMode, int64_t *B, int64_t *Fin,
                     int64_t *R, int64_t *Fout, int64_t *oshape)
{
    char buf[128];
    THNN_CHECK_FLOAT(FN, input);
    int nd = input->ndim;
    if (batchMode)
        TH_CHECK(nd >= 2 && nd <= 4, TH_ERR_VALUE, "%s: input must be 2-4 dimensions for batch mode, got %s", FN,
                 THNN_sizeDesc(input, buf, sizeof buf));
    else
        TH_CHECK(nd >= 1 && nd <= 3, TH_ERR_VALUE, "%s: input must be 1-3 dimensions for non-batch mode, got %s", FN,
                 THNN_sizeDesc(input, buf, sizeof buf));
    TH_CHECK(width >= 2 && width <= 16, TH_ERR_VALUE, "%s: width must be between 2 and 16, got %d", FN, width);
    TH_CHECK(stride >= 1 && stride <= 4, TH_ERR_VALUE, "%s: stride must be between 1 and 4, got %d", FN, stride);
    TH_CHECK(power > 0 && isfinite(power), TH_ERR_VALUE, "%s: power must be positive, got %g", FN, power);
    int fd = batchMode ? 1 : 0;
    *B = batchMode ? input->size[0] : 1;
    *Fin = input->size[fd];
    TH_CHECK(*Fin >= width, TH_ERR_VALUE, "%s: input feature dimension (%lld, dimension %d of %s) must be >= width %d",
             FN, (long long)*Fin, fd + 1, THNN_sizeDesc(input, buf, sizeof buf), width);
    *R = 1;
    for (int d = fd + 1; d < nd; d++) *R *= input->size[d];
    *Fout = (*Fin - width) / stride + 1;
    for (int d = 0; d < nd; d++) oshape[d] = d == fd ? *Fout : input->size[d];
    return 0;
}

int THNN_FeatureLPPooling_updateOutput(THTensor *input, THTensor *output, double power, int width, int stride,
                                       int batchMode)
{
    int64_t B, Fin, R, Fout, oshape[4];
    TH_TRY(flp_check(input, power, width, stride, batchMode, &B, &Fin, &R, &Fout, oshape));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", FN);
    int dt = input->dtype;
    THTensor *in = THNN_contig(input, dt, output);
    if (!in) return TH_lastErrorCode();
    THTensor *ow = NULL;
    int st = THNN_outOpen(output, dt, input->ndim, oshape, &ow);
    if (!st && THTensor_numel(ow) > 0) {
        if (dt == TH_FLOAT32) flp_fwd_f(THTensor_data(in), THTensor_data(ow), B, Fin, Fout, R, power, width, stride);
        else flp_fwd_d(THTensor_data(in), THTensor_data(ow), B, Fin, Fout, R, power, width, stride);
    }
    st = THNN_outClose(output, ow, st);
    THTensor_free(in);
    return st;
}

int THNN_FeatureLPPooling_updateGradInput(THTensor *gradOutput, THTensor *input, THTensor *output, THTensor *gradInput,
                                          double power, int width, int stride, int batchMode)
{
    int64_t B, Fin, R, Fout, oshape[4];
    TH_TRY(flp_check(input, power, width, stride, batchMode, &B, &Fin, &R, &Fout, oshape));
    TH_TRY(THNN_checkGradOutput(FN, gradOutput, input->ndim, oshape));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", FN);
    THNN_CHECK_SAME_SHAPE(FN, output, gradOutput);
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", FN);
    int dt = input->dtype;
    THTensor *in = THNN_contig(input, dt, gradInput), *go = in ? THNN_contig(gradOutput, dt, gradInput) : NULL;
    THTensor *out = go ? THNN_contig(output, dt, gradInput) : NULL;
    int st = out ? 0 : TH_lastErrorCode();
    THTensor *gw = NULL;
    if (!st) st = THNN_outOpen(gradInput, dt, input->ndim, input->size, &gw);
    if (!st && THTensor_numel(gw) > 0) {
        if (dt == TH_FLOAT32)
            flp_bwd_f(THTensor_data(in), THTensor_data(out), THTensor_data(go), THTensor_data(gw), B, Fin, Fout, R,
                      power, width, stride);
        else
            flp_bwd_d(THTensor_data(in), THTensor_data(out), THTensor_data(go), THTensor_data(gw), B, Fin, Fout, R,
                      power, width, stride);
    }
    st = THNN_outClose(gradInput, gw, st);
    THTensor *all[3] = {in, go, out};
    for (int i = 0; i < 3; i++) if (all[i]) THTensor_free(all[i]);
    return st;
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

static void TNF(flp_fwd)(const real *in, real *out, int64_t B, int64_t Fin, int64_t Fout, int64_t R, double p,
                         int width, int stride)
{
    const int sq = p == 2.0;
    #pragma omp parallel for schedule(static) if (B * Fout > 1 && TH_parallelOK(B * Fout * R * width))
    for (int64_t bo = 0; bo < B * Fout; bo++) {
        const int64_t b = bo / Fout, o = bo % Fout;
        real *orow = out + bo * R;
        for (int64_t r = 0; r < R; r++) {
            double acc = 0;
            for (int i = 0; i < width; i++) {
                double x = in[(b * Fin + o * stride + i) * R + r];
                acc += sq ? x * x : pow(x, p);
            }
            orow[r] = (real)(sq ? sqrt(acc) : pow(acc, 1.0 / p));
        }
    }
}

static void TNF(flp_bwd)(const real *in, const real *out, const real *gout, real *gin, int64_t B, int64_t Fin,
                         int64_t Fout, int64_t R, double p, int width, int stride)
{
    const int sq = p == 2.0;
    /* windows overlap along the features: one thread per sample */
    #pragma omp parallel for schedule(static) if (B > 1 && TH_parallelOK(B * Fout * R * width))
    for (int64_t b = 0; b < B; b++) {
        real *gi = gin + b * Fin * R;
        memset(gi, 0, (size_t)(Fin * R) * sizeof(real));
        for (int64_t o = 0; o < Fout; o++) {
            const real *orow = out + (b * Fout + o) * R, *grow = gout + (b * Fout + o) * R;
            for (int i = 0; i < width; i++) {
                const real *xrow = in + (b * Fin + o * stride + i) * R;
                real *girow = gi + (o * stride + i) * R;
                for (int64_t r = 0; r < R; r++) {
                    double y = orow[r];
                    if (y == 0) continue;
                    double q = (double)xrow[r] / y;
                    girow[r] += (real)(grow[r] * (sq ? q : pow(q, p - 1)));
                }
            }
        }
    }
}

#endif
