/* SparseLinear (Torch7): a Linear layer on sparse input. Two input formats, indices stored as
 * reals in the input tensor itself (as Torch7) and read with index_base:
 *   COO:    nnz x 3 rows (sample, feature, value); output must be pre-sized batchSize x outDim
 *           by the caller (trailing samples may have no entries);
 *   legacy: batchSize x nnz x 2 rows (feature, value); output is resized to batchSize x outDim.
 * weight outDim x inDim, bias outDim. zeroGradParameters / updateParameters touch only the
 * weight columns of the features in lastInput (and all of the bias). */
#ifndef THNN_REAL
#include "THNNPool.h"
#include <math.h>
#include <stdint.h>

/* The input's layout: legacy (B x perSample x 2) or COO (nnz x 3). */
typedef struct { int legacy; int64_t nnz, perSample; } SpFormat;

#define THNN_GENERIC_FILE "SparseLinear.c"
#include "THNNGenerate.h"

/* Validate the input's format; *f describes it. */
static int sp_format(const char *fn, THTensor *input, int legacy, SpFormat *f)
{
    char buf[128];
    THNN_CHECK_FLOAT(fn, input);
    f->legacy = legacy;
    if (legacy) {
        TH_CHECK(input->ndim == 3 && input->size[2] == 2, TH_ERR_VALUE,
                 "%s: expected input of size [batchSize x nnz x 2] (feature, value), got %s", fn,
                 THNN_sizeDesc(input, buf, sizeof buf));
        f->perSample = input->size[1];
        f->nnz = input->size[0] * input->size[1];
    } else {
        TH_CHECK(input->ndim == 2 && input->size[1] == 3, TH_ERR_VALUE,
                 "%s: expected input in COO format of size [nnz x 3] (sample, feature, value), got %s", fn,
                 THNN_sizeDesc(input, buf, sizeof buf));
        f->perSample = 0;
        f->nnz = input->size[0];
    }
    return 0;
}

static int sp_checkParams(const char *fn, THTensor *input, THTensor *w, const char *wn, THTensor *b, const char *bn)
{
    char buf[128];
    TH_CHECK(w && w->ndim == 2, TH_ERR_VALUE, "%s: expected %s of size [outDim x inDim], got %s", fn, wn,
             w ? THNN_sizeDesc(w, buf, sizeof buf) : "NULL");
    TH_CHECK(w->dtype == input->dtype, TH_ERR_TYPE, "%s: %s has dtype %s but input has dtype %s", fn, wn,
             TH_dtypeName(w->dtype), TH_dtypeName(input->dtype));
    TH_CHECK(THTensor_isContiguous(w), TH_ERR_VALUE, "%s: %s must be contiguous", fn, wn);
    if (b) {
        TH_CHECK(b->ndim == 1 && b->size[0] == w->size[0], TH_ERR_VALUE, "%s: expected %s of size [%lld], got %s", fn,
                 bn, (long long)w->size[0], THNN_sizeDesc(b, buf, sizeof buf));
        TH_CHECK(b->dtype == input->dtype && THTensor_isContiguous(b), TH_ERR_TYPE,
                 "%s: %s must be a contiguous tensor of the input's dtype", fn, bn);
    }
    return 0;
}

/* Check every entry's sample (< B) and feature (< inDim) index. */
static int sp_checkIndices(const char *fn, int dt, const void *in, const SpFormat *f, int64_t B, int64_t inDim, int base)
{
    int64_t bad = 0;
    double what = 0;
    int r = dt == TH_FLOAT32 ? sp_check_f(in, f, B, inDim, base, &bad, &what)
                             : sp_check_d(in, f, B, inDim, base, &bad, &what);
    if (r == 1)
        return TH_setError(TH_ERR_INDEX, "%s: feature index %lld is out of range [%d, %lld]", fn, (long long)bad, base,
                           (long long)inDim - 1 + base);
    if (r == 2)
        return TH_setError(TH_ERR_INDEX, "%s: sample index %lld is out of range [%d, %lld] (batchSize %lld)", fn,
                           (long long)bad, base, (long long)B - 1 + base, (long long)B);
    if (r == 3)
        return TH_setError(TH_ERR_VALUE, "%s: index %g in row %lld of input is not an integer", fn, what,
                           (long long)bad + 1);
    return 0;
}

static int sp_updateOutput(const char *fn, int legacy, THTensor *input, THTensor *output, THTensor *weight,
                           THTensor *bias, int base)
{
    SpFormat f;
    char buf[128];
    TH_TRY(sp_format(fn, input, legacy, &f));
    TH_TRY(sp_checkParams(fn, input, weight, "weight", bias, "bias"));
    TH_CHECK(bias, TH_ERR_VALUE, "%s: bias is NULL", fn);
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    const int64_t outDim = weight->size[0], inDim = weight->size[1];
    int64_t B;
    if (legacy) {
        B = input->size[0];
        TH_TRY(TH_prepareOut(output, input->dtype, 2, (const int64_t[2]){B, outDim}));
    } else {
        TH_CHECK(output->ndim == 2 && output->size[1] == outDim, TH_ERR_VALUE,
                 "%s: expected output pre-sized [batchSize x %lld], got %s", fn, (long long)outDim,
                 THNN_sizeDesc(output, buf, sizeof buf));
        B = output->size[0];
    }
    TH_CHECK(output->dtype == input->dtype, TH_ERR_TYPE, "%s: output has dtype %s but input has dtype %s", fn,
             TH_dtypeName(output->dtype), TH_dtypeName(input->dtype));
    THTensor *in = THTensor_newContiguous(input);
    if (!in) return TH_lastErrorCode();
    int st = sp_checkIndices(fn, input->dtype, THTensor_data(in), &f, B, inDim, base);
    THTensor *ow = NULL;
    if (!st) st = THNN_outOpen(output, input->dtype, 2, (const int64_t[2]){B, outDim}, &ow);
    if (!st && THTensor_numel(ow) > 0) {
        if (input->dtype == TH_FLOAT32)
            sp_fwd_f(THTensor_data(in), &f, THTensor_data(weight), THTensor_data(bias), THTensor_data(ow), B, outDim, inDim, base);
        else
            sp_fwd_d(THTensor_data(in), &f, THTensor_data(weight), THTensor_data(bias), THTensor_data(ow), B, outDim, inDim, base);
    }
    st = THNN_outClose(output, ow, st);
    THTensor_free(in);
    return st;
}

static int sp_accGradParameters(const char *fn, int legacy, THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                THTensor *gradBias, THTensor *weight, THTensor *bias, double weightDecay, double scale,
                                int base)
{
    SpFormat f;
    char buf[128];
    TH_TRY(sp_format(fn, input, legacy, &f));
    TH_TRY(sp_checkParams(fn, input, gradWeight, "gradWeight", gradBias, "gradBias"));
    TH_CHECK(gradBias, TH_ERR_VALUE, "%s: gradBias is NULL", fn);
    TH_TRY(sp_checkParams(fn, input, weight, "weight", bias, "bias"));
    THNN_CHECK_SAME_SHAPE(fn, gradWeight, weight);
    const int64_t outDim = weight->size[0], inDim = weight->size[1];
    TH_CHECK(gradOutput && gradOutput->ndim == 2 && gradOutput->size[1] == outDim &&
             (!legacy || gradOutput->size[0] == input->size[0]), TH_ERR_VALUE,
             "%s: expected gradOutput of size [batchSize x %lld], got %s", fn, (long long)outDim,
             gradOutput ? THNN_sizeDesc(gradOutput, buf, sizeof buf) : "NULL");
    const int64_t B = gradOutput->size[0];
    THTensor *in = THTensor_newContiguous(input);
    THTensor *go = in ? THNN_contig(gradOutput, input->dtype, NULL) : NULL;
    int st = go ? sp_checkIndices(fn, input->dtype, THTensor_data(in), &f, B, inDim, base) : TH_lastErrorCode();
    if (!st) {
        if (input->dtype == TH_FLOAT32)
            sp_acc_f(THTensor_data(in), &f, THTensor_data(go), THTensor_data(gradWeight), THTensor_data(gradBias),
                     THTensor_data(weight), B, outDim, inDim, weightDecay, scale, base);
        else
            sp_acc_d(THTensor_data(in), &f, THTensor_data(go), THTensor_data(gradWeight), THTensor_data(gradBias),
                     THTensor_data(weight), B, outDim, inDim, weightDecay, scale, base);
        THTensor_bumpVersion(gradWeight);
        THTensor_bumpVersion(gradBias);
    }
    if (in) THTensor_free(in);
    if (go) THTensor_free(go);
    return st;
}

/* weight[:, c] -= lr * gradWeight[:, c] for the features c of lastInput (lr = 0: zero gradWeight's
 * columns instead) and bias -= lr * gradBias (zero gradBias). */
static int sp_touchColumns(const char *fn, int legacy, THTensor *weight, THTensor *bias, THTensor *gradWeight,
                           THTensor *gradBias, THTensor *lastInput, double lr, int zero, int base)
{
    SpFormat f;
    TH_TRY(sp_format(fn, lastInput, legacy, &f));
    TH_TRY(sp_checkParams(fn, lastInput, gradWeight, "gradWeight", gradBias, "gradBias"));
    TH_CHECK(gradBias, TH_ERR_VALUE, "%s: gradBias is NULL", fn);
    if (!zero) {
        TH_TRY(sp_checkParams(fn, lastInput, weight, "weight", bias, "bias"));
        TH_CHECK(bias, TH_ERR_VALUE, "%s: bias is NULL", fn);
        THNN_CHECK_SAME_SHAPE(fn, gradWeight, weight);
    }
    const int64_t outDim = gradWeight->size[0], inDim = gradWeight->size[1];
    THTensor *in = THTensor_newContiguous(lastInput);
    if (!in) return TH_lastErrorCode();
    /* sample indices are not needed here: any batch size passes */
    int st = sp_checkIndices(fn, lastInput->dtype, THTensor_data(in), &f, INT64_MAX, inDim, base);
    if (!st) {
        int oom = lastInput->dtype == TH_FLOAT32
            ? sp_cols_f(THTensor_data(in), &f, zero ? NULL : THTensor_data(weight), zero ? NULL : THTensor_data(bias),
                        THTensor_data(gradWeight), THTensor_data(gradBias), outDim, inDim, lr, base)
            : sp_cols_d(THTensor_data(in), &f, zero ? NULL : THTensor_data(weight), zero ? NULL : THTensor_data(bias),
                        THTensor_data(gradWeight), THTensor_data(gradBias), outDim, inDim, lr, base);
        if (oom) st = TH_lastErrorCode();
        else if (zero) { THTensor_bumpVersion(gradWeight); THTensor_bumpVersion(gradBias); }
        else { THTensor_bumpVersion(weight); THTensor_bumpVersion(bias); }
    }
    THTensor_free(in);
    return st;
}

int THNN_SparseLinear_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias, int index_base)
{
    return sp_updateOutput("SparseLinear", 0, input, output, weight, bias, index_base);
}

int THNN_SparseLinear_legacyUpdateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                         int index_base)
{
    return sp_updateOutput("SparseLinear", 1, input, output, weight, bias, index_base);
}

int THNN_SparseLinear_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight, THTensor *gradBias,
                                        THTensor *weight, THTensor *bias, double weightDecay, double scale,
                                        int index_base)
{
    return sp_accGradParameters("SparseLinear", 0, input, gradOutput, gradWeight, gradBias, weight, bias, weightDecay,
                                scale, index_base);
}

int THNN_SparseLinear_legacyAccGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                              THTensor *gradBias, THTensor *weight, THTensor *bias, double weightDecay,
                                              double scale, int index_base)
{
    return sp_accGradParameters("SparseLinear", 1, input, gradOutput, gradWeight, gradBias, weight, bias, weightDecay,
                                scale, index_base);
}

int THNN_SparseLinear_zeroGradParameters(THTensor *gradWeight, THTensor *gradBias, THTensor *lastInput, int index_base)
{
    return sp_touchColumns("SparseLinear", 0, NULL, NULL, gradWeight, gradBias, lastInput, 0, 1, index_base);
}

int THNN_SparseLinear_legacyZeroGradParameters(THTensor *gradWeight, THTensor *gradBias, THTensor *lastInput,
                                               int index_base)
{
    return sp_touchColumns("SparseLinear", 1, NULL, NULL, gradWeight, gradBias, lastInput, 0, 1, index_base);
}

int THNN_SparseLinear_updateParameters(THTensor *weight, THTensor *bias, THTensor *gradWeight, THTensor *gradBias,
                                       THTensor *lastInput, double learningRate, int index_base)
{
    return sp_touchColumns("SparseLinear", 0, weight, bias, gradWeight, gradBias, lastInput, learningRate, 0, index_base);
}

int THNN_SparseLinear_legacyUpdateParameters(THTensor *weight, THTensor *bias, THTensor *gradWeight, THTensor *gradBias,
                                             THTensor *lastInput, double learningRate, int index_base)
{
    return sp_touchColumns("SparseLinear", 1, weight, bias, gradWeight, gradBias, lastInput, learningRate, 0, index_base);
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

/* Entry e: sample *b, feature *c (0-based), value. */
static inline real TNF(sp_entry)(const real *in, const SpFormat *f, int64_t e, int base, int64_t *b, int64_t *c)
{
    if (f->legacy) {
        *b = e / f->perSample;
        *c = (int64_t)in[2 * e] - base;
        return in[2 * e + 1];
    }
    *b = (int64_t)in[3 * e] - base;
    *c = (int64_t)in[3 * e + 1] - base;
    return in[3 * e + 2];
}

/* 0 ok; 1 bad feature, 2 bad sample (*bad the index as given), 3 not an integer (*bad its row). */
static int TNF(sp_check)(const real *in, const SpFormat *f, int64_t B, int64_t inDim, int base, int64_t *bad,
                         double *what)
{
    const int w = f->legacy ? 2 : 3;
    for (int64_t e = 0; e < f->nnz; e++) {
        for (int k = 0; k < w - 1; k++) {
            real v = in[w * e + k];
            if (!(v == floor(v)) || fabs((double)v) > 9e15) { *bad = e; *what = (double)v; return 3; }
        }
        int64_t b, c;
        TNF(sp_entry)(in, f, e, base, &b, &c);
        if (c < 0 || c >= inDim) { *bad = c + base; return 1; }
        if (b < 0 || b >= B) { *bad = b + base; return 2; }
    }
    return 0;
}

static void TNF(sp_fwd)(const real *in, const SpFormat *f, const real *w, const real *bias, real *out, int64_t B,
                        int64_t outDim, int64_t inDim, int base)
{
    for (int64_t b = 0; b < B; b++) memcpy(out + b * outDim, bias, (size_t)outDim * sizeof(real));
    /* each thread owns a slice of the output units, so entries of one sample never collide */
    #pragma omp parallel for schedule(static) if (outDim > 1 && TH_parallelOK(f->nnz * outDim))
    for (int64_t o = 0; o < outDim; o++) {
        const real *wrow = w + o * inDim;
        for (int64_t e = 0; e < f->nnz; e++) {
            int64_t b, c;
            real v = TNF(sp_entry)(in, f, e, base, &b, &c);
            if (v != 0) out[b * outDim + o] += v * wrow[c];
        }
    }
}

static void TNF(sp_acc)(const real *in, const SpFormat *f, const real *gout, real *gw, real *gb, const real *w,
                        int64_t B, int64_t outDim, int64_t inDim, double decay, double scale, int base)
{
    #pragma omp parallel for schedule(static) if (outDim > 1 && TH_parallelOK(f->nnz * outDim))
    for (int64_t o = 0; o < outDim; o++) {
        real *grow = gw + o * inDim;
        for (int64_t e = 0; e < f->nnz; e++) {
            int64_t b, c;
            real v = TNF(sp_entry)(in, f, e, base, &b, &c);
            if (v != 0) grow[c] += (real)(scale * v * gout[b * outDim + o]);
        }
        double acc = 0;
        for (int64_t b = 0; b < B; b++) acc += gout[b * outDim + o];
        gb[o] += (real)(scale * acc);
        if (decay != 0)
            for (int64_t c = 0; c < inDim; c++) grow[c] += (real)(decay * w[o * inDim + c]);
    }
}

/* See sp_touchColumns: w == NULL zeroes the gradients' columns, else steps the weight columns
 * (each distinct feature once, as Torch7). Returns nonzero when out of memory. */
static int TNF(sp_cols)(const real *in, const SpFormat *f, real *w, real *bias, real *gw, real *gb, int64_t outDim,
                        int64_t inDim, double lr, int base)
{
    unsigned char *seen = (unsigned char *)TH_alloc(inDim > 0 ? inDim : 1);
    int64_t *cols = (int64_t *)TH_alloc((f->nnz > 0 ? f->nnz : 1) * (int64_t)sizeof(int64_t));
    if (!seen || !cols) { TH_free(seen); TH_free(cols); return 1; }
    memset(seen, 0, (size_t)inDim);
    int64_t n = 0;
    for (int64_t e = 0; e < f->nnz; e++) {
        int64_t b, c;
        TNF(sp_entry)(in, f, e, base, &b, &c);
        if (!seen[c]) { seen[c] = 1; cols[n++] = c; }
    }
    if (w) for (int64_t o = 0; o < outDim; o++) bias[o] -= (real)(lr * gb[o]);
    else memset(gb, 0, (size_t)outDim * sizeof(real));
    #pragma omp parallel for schedule(static) if (outDim > 1 && TH_parallelOK(n * outDim))
    for (int64_t o = 0; o < outDim; o++)
        for (int64_t k = 0; k < n; k++) {
            const int64_t i = o * inDim + cols[k];
            if (w) w[i] -= (real)(lr * gw[i]);
            else gw[i] = 0;
        }
    TH_free(seen);
    TH_free(cols);
    return 0;
}

#endif
