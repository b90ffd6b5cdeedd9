/* TemporalMaxPooling (Torch7): input nFrame x frameSize (or N x nFrame x frameSize); each
 * feature is max-pooled over windows of kW frames with step dW. As in Torch7 the index is the
 * frame offset inside the window (0..kW-1), plus index_base (Torch7 itself stored it 0-based:
 * a bit-exact port passes 0). First maximum wins ties, NaN wins (as the other max poolings). */
#ifndef THNN_REAL
#include "THNNPool.h"

#define THNN_GENERIC_FILE "TemporalMaxPooling.c"
#include "THNNGenerate.h"

int THNN_TemporalMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices, int kW, int dW,
                                         int index_base)
{
    const char *fn = "TemporalMaxPooling";
    TemporalShape s;
    TH_TRY(THNN_temporalShapeCheck(fn, input, kW, dW, -1, &s));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    TH_TRY(THNN_checkIndicesOut(fn, indices));
    int dt = input->dtype;
    THTensor *in = THNN_contig(input, dt, output);
    if (!in) return TH_lastErrorCode();
    THTensor *ow = NULL, *iw = NULL;
    int st = THNN_outOpen(output, dt, s.ond, s.oshape, &ow);
    if (!st) st = THNN_outOpen(indices, TH_INT64, s.ond, s.oshape, &iw);
    if (!st && THTensor_numel(ow) > 0) {
        if (dt == TH_FLOAT32)
            tmp_fwd_f(THTensor_data(in), THTensor_data(ow), THTensor_data(iw), s.nb, s.iT, s.F, s.oT, kW, dW, index_base);
        else
            tmp_fwd_d(THTensor_data(in), THTensor_data(ow), THTensor_data(iw), s.nb, s.iT, s.F, s.oT, kW, dW, index_base);
    }
    st = THNN_outClose(output, ow, st);
    st = THNN_outClose(indices, iw, st);
    THTensor_free(in);
    return st;
}

int THNN_TemporalMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                            THTensor *indices, int kW, int dW, int index_base)
{
    const char *fn = "TemporalMaxPooling";
    TemporalShape s;
    TH_TRY(THNN_temporalShapeCheck(fn, input, kW, dW, -1, &s));
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", fn);
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, s.ond, s.oshape));
    TH_TRY(THNN_checkIndices(fn, "indices", indices, gradOutput));
    int dt = input->dtype;
    THTensor *go = THNN_contig(gradOutput, dt, gradInput);
    if (!go) return TH_lastErrorCode();
    THTensor *ind = THTensor_newContiguous(indices);
    if (!ind) { THTensor_free(go); return TH_lastErrorCode(); }
    THTensor *gw = NULL;
    int st = THNN_outOpen(gradInput, dt, input->ndim, input->size, &gw);
    if (!st && THTensor_numel(gw) > 0) {
        int64_t bad = 0;
        int nbad = dt == TH_FLOAT32
            ? tmp_bwd_f(THTensor_data(gw), THTensor_data(go), THTensor_data(ind), s.nb, s.iT, s.F, s.oT, kW, dW, index_base, &bad)
            : tmp_bwd_d(THTensor_data(gw), THTensor_data(go), THTensor_data(ind), s.nb, s.iT, s.F, s.oT, kW, dW, index_base, &bad);
        if (nbad)
            st = TH_setError(TH_ERR_INDEX, "%s: index %lld in indices is out of bounds [%d, %d) of the window",
                             fn, (long long)bad, index_base, kW + index_base);
    }
    st = THNN_outClose(gradInput, gw, st);
    THTensor_free(go);
    THTensor_free(ind);
    return st;
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

static void TNF(tmp_fwd)(const real *in, real *out, int64_t *ind, int64_t nb, int64_t iT, int64_t F, int64_t oT,
                         int kW, int dW, int64_t base)
{
    #pragma omp parallel for schedule(static) if (nb > 1 && TH_parallelOK(nb * oT * F * kW))
    for (int64_t b = 0; b < nb; b++)
        for (int64_t t = 0; t < oT; t++) {
            const real *ip = in + (b * iT + t * dW) * F;
            real *op = out + (b * oT + t) * F;
            int64_t *xp = ind + (b * oT + t) * F;
            for (int64_t f = 0; f < F; f++) { op[f] = -INFINITY; xp[f] = 0; }
            for (int x = 0; x < kW; x++)
                for (int64_t f = 0; f < F; f++) {
                    real v = ip[x * F + f];
                    if (v > op[f] || isnan(v)) { op[f] = v; xp[f] = x; }
                }
            for (int64_t f = 0; f < F; f++) xp[f] += base;
        }
}

static int TNF(tmp_bwd)(real *gin, const real *gout, const int64_t *ind, int64_t nb, int64_t iT, int64_t F, int64_t oT,
                        int kW, int dW, int64_t base, int64_t *bad)
{
    int nbad = 0;
    #pragma omp parallel for schedule(static) if (nb > 1 && TH_parallelOK(nb * (iT + oT) * F))
    for (int64_t b = 0; b < nb; b++) {
        real *gi = gin + b * iT * F;
        memset(gi, 0, (size_t)(iT * F) * sizeof(real));
        int lbad = 0;
        int64_t lidx = 0;
        for (int64_t t = 0; t < oT; t++) {
            const real *go = gout + (b * oT + t) * F;
            const int64_t *xp = ind + (b * oT + t) * F;
            for (int64_t f = 0; f < F; f++) {
                int64_t x = xp[f] - base;
                if ((uint64_t)x >= (uint64_t)kW) { lbad = 1; lidx = xp[f]; continue; }
                gi[(t * dW + x) * F + f] += go[f];
            }
        }
        if (lbad) {
            #pragma omp critical(thnn_tmp_bad)
            { nbad++; *bad = lidx; }
        }
    }
    return nbad;
}

#endif
