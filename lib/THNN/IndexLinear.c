/* IndexLinear (Torch7): a Linear layer on sparse (key, value) batches with the weight stored
 * key-major (inputSize x (outputSize + normalize)) and gradients kept dense per key seen.
 * keys (int64, 1-D), values (1-D) and sizes (int64, one count per sample) describe a batch; the
 * weight row of key k is k - index_base + keysOffset. With normalize (weight has 4 more columns
 * than bias: maxAbs, 1/maxAbs, update scale, per-feature bias, then the outputSize weights), a
 * value v is used as (|v| > maxAbs ? sign(v) : v / maxAbs) + featureBias, maxAbs growing in train
 * mode. accGradParameters writes (not adds) gradWeight = keysSize x outDim rows scale*g*v, or in
 * normalize mode keysSize x 2*outDim rows [scale*g, scale*g*v'] (the per-feature bias gradient
 * is w . scale*g); updateParameters / accUpdateGradParameters apply them to the keys' rows. */
#ifndef THNN_REAL
#include "THNNPool.h"
#include "THNNConv.h"   /* THNN_buffer */
#include <math.h>

typedef struct {
    int64_t batch, nkeys, inDim, outDim, norm;   /* norm: 4 extra weight columns, or 0 */
    int64_t off;                                  /* row = key + off */
} ILShape;

#define THNN_GENERIC_FILE "IndexLinear.c"
#include "THNNGenerate.h"

static const char *const FN = "IndexLinear";

static int il_longVector(THTensor *t, const char *name)
{
    char buf[128];
    TH_CHECK(t, TH_ERR_VALUE, "%s: %s is NULL", FN, name);
    TH_CHECK(t->dtype == TH_INT64, TH_ERR_TYPE, "%s: expected an int64 tensor for %s, got %s", FN, name,
             TH_validDtype(t->dtype) ? TH_dtypeName(t->dtype) : "an undecided dtype");
    TH_CHECK(t->ndim == 1 && THTensor_isContiguous(t), TH_ERR_VALUE, "%s: expected a contiguous 1-D %s, got %s", FN,
             name, THNN_sizeDesc(t, buf, sizeof buf));
    return 0;
}

/* Check the batch description and parameters; keys are range-checked against the weight rows. */
static int il_check(THTensor *keys, int64_t keysOffset, THTensor *values, THTensor *sizes, THTensor *weight,
                    THTensor *bias, int index_base, ILShape *s)
{
    char b1[128], b2[128];
    TH_TRY(il_longVector(keys, "keys"));
    TH_TRY(il_longVector(sizes, "sizes"));
    THNN_CHECK_FLOAT(FN, weight);
    TH_CHECK(weight->ndim == 2 && THTensor_isContiguous(weight), TH_ERR_VALUE,
             "%s: expected a contiguous weight of size [inputSize x outputSize(+4)], got %s", FN,
             THNN_sizeDesc(weight, b1, sizeof b1));
    TH_CHECK(bias && bias->ndim == 1 && bias->dtype == weight->dtype && THTensor_isContiguous(bias), TH_ERR_VALUE,
             "%s: expected a contiguous 1-D bias of the weight's dtype", FN);
    s->inDim = weight->size[0];
    s->outDim = bias->size[0];
    s->norm = weight->size[1] - s->outDim;
    TH_CHECK(s->norm == 0 || s->norm == 4, TH_ERR_VALUE,
             "%s: weight %s must have outputSize (%lld) columns, or 4 more with normalize", FN,
             THNN_sizeDesc(weight, b1, sizeof b1), (long long)s->outDim);
    if (values) {
        TH_CHECK(values->dtype == weight->dtype && THTensor_isContiguous(values) && values->ndim == 1 &&
                 values->size[0] == keys->size[0], TH_ERR_VALUE,
                 "%s: expected contiguous 1-D values of the weight's dtype matching keys %s, got %s", FN,
                 THNN_sizeDesc(keys, b1, sizeof b1), THNN_sizeDesc(values, b2, sizeof b2));
    }
    s->batch = sizes->size[0];
    s->nkeys = keys->size[0];
    s->off = keysOffset - index_base;
    const int64_t *sz = THTensor_data(sizes), *k = THTensor_data(keys);
    int64_t total = 0;
    for (int64_t j = 0; j < s->batch; j++) {
        TH_CHECK(sz[j] >= 0, TH_ERR_VALUE, "%s: sizes[%lld] = %lld is negative", FN, (long long)j, (long long)sz[j]);
        total += sz[j];
    }
    TH_CHECK(total == s->nkeys, TH_ERR_VALUE, "%s: sizes sum to %lld but there are %lld keys", FN, (long long)total,
             (long long)s->nkeys);
    for (int64_t i = 0; i < s->nkeys; i++)
        TH_CHECK(k[i] + s->off >= 0 && k[i] + s->off < s->inDim, TH_ERR_INDEX,
                 "%s: key %lld is out of range [%lld, %lld] (inputSize %lld, keysOffset %lld)", FN, (long long)k[i],
                 (long long)(-s->off), (long long)(s->inDim - 1 - s->off), (long long)s->inDim, (long long)keysOffset);
    return 0;
}

static int il_checkGradOutput(const ILShape *s, THTensor *gradOutput, THTensor *weight)
{
    char buf[128];
    TH_CHECK(gradOutput && gradOutput->dtype == weight->dtype && gradOutput->ndim == 2 &&
             gradOutput->size[0] == s->batch && gradOutput->size[1] == s->outDim, TH_ERR_VALUE,
             "%s: expected gradOutput of size [%lld x %lld], got %s", FN, (long long)s->batch, (long long)s->outDim,
             gradOutput ? THNN_sizeDesc(gradOutput, buf, sizeof buf) : "NULL");
    return 0;
}

int THNN_IndexLinear_updateOutput(THTensor *keys, int64_t keysOffset, THTensor *values, THTensor *sizes,
                                  THTensor *output, THTensor *weight, THTensor *bias, THTensor *normalizedValues,
                                  int train, int index_base)
{
    ILShape s;
    TH_TRY(il_check(keys, keysOffset, values, sizes, weight, bias, index_base, &s));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", FN);
    int dt = weight->dtype;
    if (s.norm) {
        TH_CHECK(normalizedValues, TH_ERR_VALUE, "%s: normalizedValues is NULL", FN);
        TH_TRY(THNN_buffer(FN, "normalizedValues", normalizedValues, dt, 1, (const int64_t[1]){s.nkeys}));
    }
    THTensor *ow = NULL;
    int st = THNN_outOpen(output, dt, 2, (const int64_t[2]){s.batch, s.outDim}, &ow);
    if (!st) {
        void *nv = s.norm ? THTensor_data(normalizedValues) : NULL;
        if (dt == TH_FLOAT32)
            il_fwd_f(&s, THTensor_data(keys), THTensor_data(values), THTensor_data(sizes), THTensor_data(ow),
                     THTensor_data(weight), THTensor_data(bias), nv, train);
        else
            il_fwd_d(&s, THTensor_data(keys), THTensor_data(values), THTensor_data(sizes), THTensor_data(ow),
                     THTensor_data(weight), THTensor_data(bias), nv, train);
        if (s.norm) { THTensor_bumpVersion(normalizedValues); if (train) THTensor_bumpVersion(weight); }
    }
    return THNN_outClose(output, ow, st);
}

int THNN_IndexLinear_accGradParameters(THTensor *keys, int64_t keysOffset, THTensor *values, THTensor *sizes,
                                       THTensor *gradOutput, THTensor *gradWeight, THTensor *gradBias,
                                       THTensor *weight, THTensor *bias, double scale, int index_base)
{
    ILShape s;
    TH_TRY(il_check(keys, keysOffset, values, sizes, weight, bias, index_base, &s));
    TH_TRY(il_checkGradOutput(&s, gradOutput, weight));
    THNN_CHECK_SAME_SHAPE(FN, gradBias, bias);
    TH_CHECK(gradBias->dtype == weight->dtype && THTensor_isContiguous(gradBias), TH_ERR_VALUE,
             "%s: gradBias must be contiguous, of the weight's dtype", FN);
    int dt = weight->dtype;
    TH_TRY(THNN_buffer(FN, "gradWeight", gradWeight, dt, 2, (const int64_t[2]){s.nkeys, s.outDim * (s.norm ? 2 : 1)}));
    THTensor *go = THTensor_newContiguous(gradOutput);
    if (!go) return TH_lastErrorCode();
    if (dt == TH_FLOAT32)
        il_acc_f(&s, THTensor_data(values), THTensor_data(sizes), THTensor_data(go), THTensor_data(gradWeight),
                 THTensor_data(gradBias), scale);
    else
        il_acc_d(&s, THTensor_data(values), THTensor_data(sizes), THTensor_data(go), THTensor_data(gradWeight),
                 THTensor_data(gradBias), scale);
    THTensor_bumpVersion(gradWeight);
    THTensor_bumpVersion(gradBias);
    THTensor_free(go);
    return 0;
}

int THNN_IndexLinear_updateParameters(THTensor *gradWeight, THTensor *gradBias, THTensor *weight, THTensor *bias,
                                      THTensor *runningKeys, int64_t keysOffset, double weightDecay,
                                      double learningRate, int index_base)
{
    ILShape s;
    char buf[128];
    TH_TRY(il_longVector(runningKeys, "runningKeys"));
    /* every running key is one sample of size 1 here: sizes are not needed */
    THTensor *ones = THTensor_newWithSize(TH_INT64, 1, (const int64_t[1]){runningKeys->size[0]});
    if (!ones) return TH_lastErrorCode();
    int st = THTensor_fillInt(ones, 1);
    if (!st) st = il_check(runningKeys, keysOffset, NULL, ones, weight, bias, index_base, &s);
    THTensor_free(ones);
    TH_TRY(st);
    THNN_CHECK_SAME_SHAPE(FN, gradBias, bias);
    const int64_t gcols = s.outDim * (s.norm ? 2 : 1);
    TH_CHECK(gradWeight && gradWeight->dtype == weight->dtype && THTensor_isContiguous(gradWeight) &&
             gradWeight->ndim == 2 && gradWeight->size[0] == s.nkeys && gradWeight->size[1] == gcols, TH_ERR_VALUE,
             "%s: expected a contiguous gradWeight of size [%lld x %lld] (one row per running key), got %s", FN,
             (long long)s.nkeys, (long long)gcols, gradWeight ? THNN_sizeDesc(gradWeight, buf, sizeof buf) : "NULL");
    if (weight->dtype == TH_FLOAT32)
        il_upd_f(&s, THTensor_data(runningKeys), THTensor_data(gradWeight), THTensor_data(gradBias),
                 THTensor_data(weight), THTensor_data(bias), weightDecay, learningRate);
    else
        il_upd_d(&s, THTensor_data(runningKeys), THTensor_data(gradWeight), THTensor_data(gradBias),
                 THTensor_data(weight), THTensor_data(bias), weightDecay, learningRate);
    THTensor_bumpVersion(weight);
    THTensor_bumpVersion(bias);
    return 0;
}

int THNN_IndexLinear_accUpdateGradParameters(THTensor *keys, int64_t keysOffset, THTensor *values, THTensor *sizes,
                                             THTensor *gradOutput, THTensor *weight, THTensor *bias,
                                             double weightDecay, double learningRate, int index_base)
{
    ILShape s;
    TH_TRY(il_check(keys, keysOffset, values, sizes, weight, bias, index_base, &s));
    TH_TRY(il_checkGradOutput(&s, gradOutput, weight));
    int dt = weight->dtype;
    /* the per-key gradients of this batch, applied at once */
    THTensor *gw = THTensor_new(dt), *gb = THTensor_newWithSize(dt, 1, bias->size);
    if (!gw || !gb) { if (gw) THTensor_free(gw); if (gb) THTensor_free(gb); return TH_lastErrorCode(); }
    int st = THTensor_zero(gb);
    if (!st) st = THNN_IndexLinear_accGradParameters(keys, keysOffset, values, sizes, gradOutput, gw, gb, weight, bias, 1.0,
                                                index_base);
    if (!st) st = THNN_IndexLinear_updateParameters(gw, gb, weight, bias, keys, keysOffset, weightDecay, learningRate,
                                                    index_base);
    THTensor_free(gw);
    THTensor_free(gb);
    return st;
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

static void TNF(il_fwd)(const ILShape *s, const int64_t *keys, const real *vals, const int64_t *sizes, real *out,
                        real *w, const real *bias, real *nv, int train)
{
    const int64_t O = s->outDim, W = s->outDim + s->norm;
    /* offsets of each sample's keys */
    int64_t start = 0;
    for (int64_t j = 0; j < s->batch; j++) {
        real *y = out + j * O;
        for (int64_t o = 0; o < O; o++) y[o] = bias[o];
        for (int64_t i = start; i < start + sizes[j]; i++) {
            real *row = w + (keys[i] + s->off) * W;
            real v = vals[i];
            if (s->norm) {
                real a = (real)fabs((double)v);
                if (train) {
                    if (a > row[0]) { row[0] = a; row[1] = 1 / a; }
                    row[2] = 1;
                }
                v = (a > row[0] ? (v > 0 ? 1 : (v < 0 ? -1 : 0)) : v * row[1]) + row[3];
                nv[i] = v;
            }
            const real *wr = row + s->norm;
            for (int64_t o = 0; o < O; o++) y[o] += v * wr[o];
        }
        start += sizes[j];
    }
}

/* vals: the values used in the forward (normalizedValues in normalize mode). */
static void TNF(il_acc)(const ILShape *s, const real *vals, const int64_t *sizes, const real *gout, real *gw, real *gb,
                        double scale)
{
    const int64_t O = s->outDim, G = O * (s->norm ? 2 : 1);
    int64_t start = 0;
    for (int64_t j = 0; j < s->batch; j++) {
        const real *g = gout + j * O;
        for (int64_t i = start; i < start + sizes[j]; i++) {
            real *r = gw + i * G;
            if (s->norm) {
                for (int64_t o = 0; o < O; o++) { r[o] = (real)(scale * g[o]); r[O + o] = (real)(scale * g[o] * vals[i]); }
            } else {
                for (int64_t o = 0; o < O; o++) r[o] = (real)(scale * g[o] * vals[i]);
            }
        }
        start += sizes[j];
    }
    for (int64_t o = 0; o < O; o++) {
        double acc = 0;
        for (int64_t j = 0; j < s->batch; j++) acc += gout[j * O + o];
        gb[o] += (real)(scale * acc);
    }
}

static void TNF(il_upd)(const ILShape *s, const int64_t *keys, const real *gw, const real *gb, real *w, real *bias,
                        double decay, double lr)
{
    const int64_t O = s->outDim, W = s->outDim + s->norm, G = O * (s->norm ? 2 : 1);
    for (int64_t o = 0; o < O; o++) bias[o] -= (real)(lr * gb[o]);
    for (int64_t j = 0; j < s->nkeys; j++) {
        real *row = w + (keys[j] + s->off) * W;
        const real *g = gw + j * G;
        if (s->norm) {
            const double l = lr * row[2];
            real *wr = row + 4;
            double fb = 0;   /* the per-feature bias gradient w . g, with the weights before this step */
            for (int64_t o = 0; o < O; o++) fb += wr[o] * g[o];
            for (int64_t o = 0; o < O; o++) wr[o] -= (real)(l * (g[O + o] + decay * wr[o]));
            row[3] -= (real)(l * fb);
        } else {
            for (int64_t o = 0; o < O; o++) row[o] -= (real)(lr * (g[o] + decay * row[o]));
        }
    }
}

#endif
