/* SpatialReflectionPadding and SpatialReplicationPadding (pad_l, pad_r, pad_t, pad_b; a
 * negative pad crops, as THNN/PyTorch). Both are a gather through per-axis index maps:
 * output[i][j] = input[ymap[i]][xmap[j]]; the backward scatter-adds through the same maps. */
#ifndef THNN_REAL
#include "THNNPool.h"
#include <stdlib.h>

#define THNN_REAL float
#define TNF(n) n##_f
#include "SpatialPadding.c"
#undef THNN_REAL
#undef TNF
#define THNN_REAL double
#define TNF(n) n##_d
#include "SpatialPadding.c"
#undef THNN_REAL
#undef TNF

/* Source index of output position j along an axis of input size n (THNN's formulas). */
static void pad_map(int64_t *map, int64_t n, int pl, int pr, int reflect)
{
    int64_t on = n + pl + pr, istart = pl < 0 ? -pl : 0, ostart = pl > 0 ? pl : 0;
    for (int64_t j = 0; j < on; j++) {
        int64_t i;
        if (j < pl) i = reflect ? 2 * (int64_t)pl - j : pl;
        else if (j < n + pl) i = j;
        else i = reflect ? 2 * (n + pl - 1) - j : n + pl - 1;
        map[j] = i - ostart + istart;
    }
}

static int pad_run(const char *fn, int reflect, int backward, THTensor *input, THTensor *gradOutput, THTensor *out,
                   int pl, int pr, int pt, int pb)
{
    char buf[128];
    THNN_CHECK_FLOAT(fn, input);
    int nd = input->ndim;
    TH_CHECK(nd == 3 || nd == 4, TH_ERR_VALUE, "%s: expected 3D or 4D input (batch mode), got %s",
             fn, THNN_sizeDesc(input, buf, sizeof buf));
    for (int d = nd - 3; d < nd; d++)
        TH_CHECK(input->size[d] > 0, TH_ERR_VALUE, "%s: expected non-empty 3D or 4D input (only the batch dim may be 0), got %s",
                 fn, THNN_sizeDesc(input, buf, sizeof buf));
    int64_t iH = input->size[nd - 2], iW = input->size[nd - 1];
    if (reflect)
        TH_CHECK(pl < iW && pr < iW && pt < iH && pb < iH, TH_ERR_VALUE,
                 "%s: padding size should be less than the corresponding input dimension, but got pad_l = %d, pad_r = %d, "
                 "pad_t = %d, pad_b = %d for input %s", fn, pl, pr, pt, pb, THNN_sizeDesc(input, buf, sizeof buf));
    int64_t oH = iH + pt + pb, oW = iW + pl + pr;
    TH_CHECK(oH >= 1 && oW >= 1, TH_ERR_VALUE, "%s: input %s is too small for pads (%d, %d, %d, %d): calculated output H = %lld, W = %lld",
             fn, THNN_sizeDesc(input, buf, sizeof buf), pl, pr, pt, pb, (long long)oH, (long long)oW);
    TH_CHECK(out, TH_ERR_VALUE, "%s: %s is NULL", fn, backward ? "gradInput" : "output");
    int64_t oshape[4];
    for (int d = 0; d < nd - 2; d++) oshape[d] = input->size[d];
    oshape[nd - 2] = oH;
    oshape[nd - 1] = oW;
    if (backward) TH_TRY(THNN_checkGradOutput(fn, gradOutput, nd, oshape));
    int64_t np = 1;
    for (int d = 0; d < nd - 2; d++) np *= input->size[d];
    int dt = input->dtype;
    int64_t *map = (int64_t *)TH_alloc((oH + oW) * (int64_t)sizeof(int64_t));
    if (!map) return TH_lastErrorCode();
    pad_map(map, iH, pt, pb, reflect);
    pad_map(map + oH, iW, pl, pr, reflect);
    THTensor *src = THNN_contig(backward ? gradOutput : input, dt, out);
    if (!src) { TH_free(map); return TH_lastErrorCode(); }
    THTensor *w = NULL;
    int st = THNN_outOpen(out, dt, nd, backward ? input->size : oshape, &w);
    if (!st && THTensor_numel(w) > 0) {
        if (backward) {
            if (dt == TH_FLOAT32) pad_bwd_f(THTensor_data(w), THTensor_data(src), map, map + oH, np, iH, iW, oH, oW);
            else pad_bwd_d(THTensor_data(w), THTensor_data(src), map, map + oH, np, iH, iW, oH, oW);
        } else {
            if (dt == TH_FLOAT32) pad_fwd_f(THTensor_data(src), THTensor_data(w), map, map + oH, np, iH, iW, oH, oW);
            else pad_fwd_d(THTensor_data(src), THTensor_data(w), map, map + oH, np, iH, iW, oH, oW);
        }
    }
    st = THNN_outClose(out, w, st);
    THTensor_free(src);
    TH_free(map);
    return st;
}

int THNN_SpatialReflectionPadding_updateOutput(THTensor *input, THTensor *output, int pad_l, int pad_r, int pad_t, int pad_b)
{
    return pad_run("SpatialReflectionPadding", 1, 0, input, NULL, output, pad_l, pad_r, pad_t, pad_b);
}

int THNN_SpatialReflectionPadding_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                  int pad_l, int pad_r, int pad_t, int pad_b)
{
    return pad_run("SpatialReflectionPadding", 1, 1, input, gradOutput, gradInput, pad_l, pad_r, pad_t, pad_b);
}

int THNN_SpatialReplicationPadding_updateOutput(THTensor *input, THTensor *output, int pad_l, int pad_r, int pad_t, int pad_b)
{
    return pad_run("SpatialReplicationPadding", 0, 0, input, NULL, output, pad_l, pad_r, pad_t, pad_b);
}

int THNN_SpatialReplicationPadding_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                   int pad_l, int pad_r, int pad_t, int pad_b)
{
    return pad_run("SpatialReplicationPadding", 0, 1, input, gradOutput, gradInput, pad_l, pad_r, pad_t, pad_b);
}

#else /* ---------------------------------------------------------------- per-dtype kernels */
#define real THNN_REAL

static void TNF(pad_fwd)(const real *in, real *out, const int64_t *ym, const int64_t *xm, int64_t np, int64_t iH,
                         int64_t iW, int64_t oH, int64_t oW)
{
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * oH * oW))
    for (int64_t pl = 0; pl < np; pl++) {
        const real *ip = in + pl * iH * iW;
        real *op = out + pl * oH * oW;
        for (int64_t i = 0; i < oH; i++) {
            const real *row = ip + ym[i] * iW;
            for (int64_t j = 0; j < oW; j++) op[i * oW + j] = row[xm[j]];
        }
    }
}

static void TNF(pad_bwd)(real *gin, const real *gout, const int64_t *ym, const int64_t *xm, int64_t np, int64_t iH,
                         int64_t iW, int64_t oH, int64_t oW)
{
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * oH * oW))
    for (int64_t pl = 0; pl < np; pl++) {
        real *gi = gin + pl * iH * iW;
        const real *go = gout + pl * oH * oW;
        memset(gi, 0, (size_t)(iH * iW) * sizeof(real));
        for (int64_t i = 0; i < oH; i++) {
            real *row = gi + ym[i] * iW;
            for (int64_t j = 0; j < oW; j++) row[xm[j]] += go[i * oW + j];
        }
    }
}

#undef real
#endif
