/* SpatialReflectionPadding, SpatialReplicationPadding (pad_l, pad_r, pad_t, pad_b) and
 * VolumetricReplicationPadding (+ pad_front, pad_back); a negative pad crops, as THNN/PyTorch.
 * All are a gather through per-axis index maps: output[t][i][j] = input[tmap[t]][ymap[i]][xmap[j]]
 * (a plane is a volume of depth 1); the backward scatter-adds through the same maps. */
#ifndef THNN_REAL
#include "THNNPool.h"
#include <stdlib.h>

#define THNN_GENERIC_FILE "Padding.c"
#include "THNNGenerate.h"

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

/* pads: l, r, t, b, front, back; nsp = 2 (planes) or 3 (volumes). */
static int pad_run(const char *fn, int nsp, int reflect, int backward, THTensor *input, THTensor *gradOutput,
                   THTensor *out, const int *pads)
{
    char buf[128];
    TH_TRY(THNN_batchInputCheck(fn, input, nsp));
    int nd = input->ndim;
    const int pl = pads[0], pr = pads[1], pt = pads[2], pb = pads[3], pf = nsp == 3 ? pads[4] : 0, pk = nsp == 3 ? pads[5] : 0;
    int64_t iT = nsp == 3 ? input->size[nd - 3] : 1, iH = input->size[nd - 2], iW = input->size[nd - 1];
    if (reflect)
        TH_CHECK(pl < iW && pr < iW && pt < iH && pb < iH, TH_ERR_VALUE,
                 "%s: padding size should be less than the corresponding input dimension, but got pad_l = %d, pad_r = %d, "
                 "pad_t = %d, pad_b = %d for input %s", fn, pl, pr, pt, pb, THNN_sizeDesc(input, buf, sizeof buf));
    int64_t oT = iT + pf + pk, oH = iH + pt + pb, oW = iW + pl + pr;
    if (nsp == 2)
        TH_CHECK(oH >= 1 && oW >= 1, TH_ERR_VALUE, "%s: input %s is too small for pads (%d, %d, %d, %d): calculated output H = %lld, W = %lld",
                 fn, THNN_sizeDesc(input, buf, sizeof buf), pl, pr, pt, pb, (long long)oH, (long long)oW);
    else
        TH_CHECK(oT >= 1 && oH >= 1 && oW >= 1, TH_ERR_VALUE,
                 "%s: input %s is too small for pads (%d, %d, %d, %d, %d, %d): calculated output T = %lld, H = %lld, W = %lld",
                 fn, THNN_sizeDesc(input, buf, sizeof buf), pl, pr, pt, pb, pf, pk, (long long)oT, (long long)oH, (long long)oW);
    TH_CHECK(out, TH_ERR_VALUE, "%s: %s is NULL", fn, backward ? "gradInput" : "output");
    int64_t oshape[5];
    for (int d = 0; d < nd - nsp; d++) oshape[d] = input->size[d];
    if (nsp == 3) oshape[nd - 3] = oT;
    oshape[nd - 2] = oH;
    oshape[nd - 1] = oW;
    if (backward) TH_TRY(THNN_checkGradOutput(fn, gradOutput, nd, oshape));
    int64_t np = 1;
    for (int d = 0; d < nd - nsp; d++) np *= input->size[d];
    int dt = input->dtype;
    int64_t *map = (int64_t *)TH_alloc((oT + oH + oW) * (int64_t)sizeof(int64_t));
    if (!map) return TH_lastErrorCode();
    int64_t *tm = map, *ym = map + oT, *xm = ym + oH;
    pad_map(tm, iT, pf, pk, reflect);
    pad_map(ym, iH, pt, pb, reflect);
    pad_map(xm, iW, pl, pr, reflect);
    const int64_t is[3] = {iT, iH, iW}, os[3] = {oT, oH, oW};
    THTensor *src = THNN_contig(backward ? gradOutput : input, dt, out);
    if (!src) { TH_free(map); return TH_lastErrorCode(); }
    THTensor *w = NULL;
    int st = THNN_outOpen(out, dt, nd, backward ? input->size : oshape, &w);
    if (!st && THTensor_numel(w) > 0) {
        if (backward) {
            if (dt == TH_FLOAT32) pad_bwd_f(THTensor_data(w), THTensor_data(src), tm, ym, xm, np, is, os);
            else pad_bwd_d(THTensor_data(w), THTensor_data(src), tm, ym, xm, np, is, os);
        } else {
            if (dt == TH_FLOAT32) pad_fwd_f(THTensor_data(src), THTensor_data(w), tm, ym, xm, np, is, os);
            else pad_fwd_d(THTensor_data(src), THTensor_data(w), tm, ym, xm, np, is, os);
        }
    }
    st = THNN_outClose(out, w, st);
    THTensor_free(src);
    TH_free(map);
    return st;
}

#define PADS2(l, r, t, b) ((const int[4]){(l), (r), (t), (b)})

int THNN_SpatialReflectionPadding_updateOutput(THTensor *input, THTensor *output, int pad_l, int pad_r, int pad_t, int pad_b)
{
    return pad_run("SpatialReflectionPadding", 2, 1, 0, input, NULL, output, PADS2(pad_l, pad_r, pad_t, pad_b));
}

int THNN_SpatialReflectionPadding_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                  int pad_l, int pad_r, int pad_t, int pad_b)
{
    return pad_run("SpatialReflectionPadding", 2, 1, 1, input, gradOutput, gradInput, PADS2(pad_l, pad_r, pad_t, pad_b));
}

int THNN_SpatialReplicationPadding_updateOutput(THTensor *input, THTensor *output, int pad_l, int pad_r, int pad_t, int pad_b)
{
    return pad_run("SpatialReplicationPadding", 2, 0, 0, input, NULL, output, PADS2(pad_l, pad_r, pad_t, pad_b));
}

int THNN_SpatialReplicationPadding_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                   int pad_l, int pad_r, int pad_t, int pad_b)
{
    return pad_run("SpatialReplicationPadding", 2, 0, 1, input, gradOutput, gradInput, PADS2(pad_l, pad_r, pad_t, pad_b));
}

int THNN_VolumetricReplicationPadding_updateOutput(THTensor *input, THTensor *output, int pleft, int pright,
                                                   int ptop, int pbottom, int pfront, int pback)
{
    return pad_run("VolumetricReplicationPadding", 3, 0, 0, input, NULL, output,
                   (const int[6]){pleft, pright, ptop, pbottom, pfront, pback});
}

int THNN_VolumetricReplicationPadding_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                      int pleft, int pright, int ptop, int pbottom, int pfront, int pback)
{
    return pad_run("VolumetricReplicationPadding", 3, 0, 1, input, gradOutput, gradInput,
                   (const int[6]){pleft, pright, ptop, pbottom, pfront, pback});
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

static void TNF(pad_fwd)(const real *in, real *out, const int64_t *tm, const int64_t *ym, const int64_t *xm,
                         int64_t np, const int64_t *is, const int64_t *os)
{
    const int64_t iH = is[1], iW = is[2], oT = os[0], oH = os[1], oW = os[2], ipl = is[0] * iH * iW;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * oT * oH * oW))
    for (int64_t pl = 0; pl < np; pl++) {
        real *op = out + pl * oT * oH * oW;
        for (int64_t t = 0; t < oT; t++) {
            const real *ip = in + pl * ipl + tm[t] * iH * iW;
            for (int64_t i = 0; i < oH; i++) {
                const real *row = ip + ym[i] * iW;
                real *orow = op + (t * oH + i) * oW;
                for (int64_t j = 0; j < oW; j++) orow[j] = row[xm[j]];
            }
        }
    }
}

static void TNF(pad_bwd)(real *gin, const real *gout, const int64_t *tm, const int64_t *ym, const int64_t *xm,
                         int64_t np, const int64_t *is, const int64_t *os)
{
    const int64_t iH = is[1], iW = is[2], oT = os[0], oH = os[1], oW = os[2], ipl = is[0] * iH * iW;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * oT * oH * oW))
    for (int64_t pl = 0; pl < np; pl++) {
        const real *go = gout + pl * oT * oH * oW;
        memset(gin + pl * ipl, 0, (size_t)ipl * sizeof(real));
        for (int64_t t = 0; t < oT; t++) {
            real *gi = gin + pl * ipl + tm[t] * iH * iW;
            for (int64_t i = 0; i < oH; i++) {
                real *row = gi + ym[i] * iW;
                const real *grow = go + (t * oH + i) * oW;
                for (int64_t j = 0; j < oW; j++) row[xm[j]] += grow[j];
            }
        }
    }
}

#endif
