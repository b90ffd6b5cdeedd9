/* Max pooling: SpatialMaxPooling, SpatialDilatedMaxPooling, VolumetricMaxPooling,
 * VolumetricDilatedMaxPooling. One 3-D kernel serves all four (a spatial plane is a volume
 * with T = 1), plus a fast path for the 2x2 stride-2 spatial case. Indices are the flat
 * offset inside the input plane/volume (t*H*W + h*W + w) plus index_base; the first maximum
 * wins ties and a NaN wins over numbers (the last NaN of a window), as in PyTorch. */
#ifndef THNN_REAL
#include "THNNPool.h"

#define THNN_GENERIC_FILE "DilatedMaxPooling.c"
#include "THNNGenerate.h"

static const char *const dimName[3] = {"T", "H", "W"};

int THNN_poolShapeCheck(const char *fn, THTensor *input, int nsp, const int *k, const int *d,
                        const int *p, const int *dil, int ceil_mode, PoolShape *s)
{
    TH_TRY(THNN_batchInputCheck(fn, input, nsp));
    int nd = input->ndim;
    for (int i = 3 - nsp; i < 3; i++) {
        TH_CHECK(k[i] > 0, TH_ERR_VALUE, "%s: kernel size should be greater than zero, but got k%s = %d", fn, dimName[i], k[i]);
        TH_CHECK(d[i] > 0, TH_ERR_VALUE, "%s: stride should be greater than zero, but got d%s = %d", fn, dimName[i], d[i]);
        TH_CHECK(dil[i] > 0, TH_ERR_VALUE, "%s: dilation should be greater than zero, but got dilation%s = %d", fn, dimName[i], dil[i]);
        TH_CHECK(p[i] >= 0 && p[i] <= k[i] / 2, TH_ERR_VALUE,
                 "%s: pad should be non-negative and at most half of the kernel size, but got pad%s = %d with k%s = %d",
                 fn, dimName[i], p[i], dimName[i], k[i]);
    }
    s->batch = nd == nsp + 2;
    int off = s->batch;
    s->nbatch = s->batch ? input->size[0] : 1;
    s->nplanes = input->size[off];
    for (int i = 0; i < 3; i++) { s->in[i] = 1; s->out[i] = 1; }
    for (int i = 3 - nsp; i < 3; i++) {
        s->in[i] = input->size[off + 1 + i - (3 - nsp)];
        s->out[i] = THNN_poolOutSize(s->in[i], k[i], d[i], p[i], dil[i], ceil_mode);
    }
    for (int i = 3 - nsp; i < 3; i++) {
        if (s->out[i] < 1) {
            if (nsp == 2)
                return TH_setError(TH_ERR_VALUE, "%s: given input size (%lldx%lldx%lld), calculated output size "
                                   "(%lldx%lldx%lld): output size is too small (kernel larger than the padded input?)", fn,
                                   (long long)s->nplanes, (long long)s->in[1], (long long)s->in[2],
                                   (long long)s->nplanes, (long long)s->out[1], (long long)s->out[2]);
            return TH_setError(TH_ERR_VALUE, "%s: given input size (%lldx%lldx%lldx%lld), calculated output size "
                               "(%lldx%lldx%lldx%lld): output size is too small (kernel larger than the padded input?)", fn,
                               (long long)s->nplanes, (long long)s->in[0], (long long)s->in[1], (long long)s->in[2],
                               (long long)s->nplanes, (long long)s->out[0], (long long)s->out[1], (long long)s->out[2]);
        }
    }
    return 0;
}

static int maxpool_updateOutput(const char *fn, int nsp, THTensor *input, THTensor *output, THTensor *indices,
                                const int *k, const int *d, const int *p, const int *dil, int ceil_mode, int index_base)
{
    PoolShape s;
    TH_TRY(THNN_poolShapeCheck(fn, input, nsp, k, d, p, dil, ceil_mode, &s));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    TH_TRY(THNN_checkIndicesOut(fn, indices));
    int dt = input->dtype;
    int64_t oshape[5];
    int ond = THNN_poolOutShape(&s, nsp, oshape);
    THTensor *in = THNN_contig(input, dt, output);
    if (!in) return TH_lastErrorCode();
    THTensor *ow = NULL, *iw = NULL;
    int st = THNN_outOpen(output, dt, ond, oshape, &ow);
    if (!st) st = THNN_outOpen(indices, TH_INT64, ond, oshape, &iw);
    if (!st && THTensor_numel(ow) > 0) {
        int64_t np = s.nbatch * s.nplanes;
        if (dt == TH_FLOAT32)
            maxpool_fwd_f(THTensor_data(in), THTensor_data(ow), THTensor_data(iw), np, s.in, s.out, k, d, p, dil, index_base);
        else
            maxpool_fwd_d(THTensor_data(in), THTensor_data(ow), THTensor_data(iw), np, s.in, s.out, k, d, p, dil, index_base);
    }
    st = THNN_outClose(output, ow, st);
    st = THNN_outClose(indices, iw, st);
    THTensor_free(in);
    return st;
}

static int maxpool_updateGradInput(const char *fn, int nsp, THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                   THTensor *indices, const int *k, const int *d, const int *p, const int *dil,
                                   int ceil_mode, int index_base)
{
    PoolShape s;
    TH_TRY(THNN_poolShapeCheck(fn, input, nsp, k, d, p, dil, ceil_mode, &s));
    int64_t oshape[5];
    int ond = THNN_poolOutShape(&s, nsp, oshape);
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, ond, oshape));
    TH_TRY(THNN_checkIndices(fn, "indices", indices, gradOutput));
    return THNN_argmaxBackward(fn, input, gradOutput, gradInput, indices, s.nbatch * s.nplanes,
                               s.in[0] * s.in[1] * s.in[2], s.out[0] * s.out[1] * s.out[2], index_base);
}

int THNN_argmaxBackward(const char *fn, THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                        THTensor *indices, int64_t np, int64_t ipl, int64_t opl, int index_base)
{
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", fn);
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
            ? maxpool_bwd_f(THTensor_data(gw), THTensor_data(go), THTensor_data(ind), np, ipl, opl, index_base, &bad)
            : maxpool_bwd_d(THTensor_data(gw), THTensor_data(go), THTensor_data(ind), np, ipl, opl, index_base, &bad);
        if (nbad)
            st = TH_setError(TH_ERR_INDEX, "%s: index %lld in indices is out of bounds [%d, %lld) of the input plane",
                             fn, (long long)bad, index_base, (long long)(ipl + index_base));
    }
    st = THNN_outClose(gradInput, gw, st);
    THTensor_free(go);
    THTensor_free(ind);
    return st;
}

#define ARR3(a, b, c) ((const int[3]){(a), (b), (c)})

int THNN_SpatialDilatedMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices,
                                               int kW, int kH, int dW, int dH, int padW, int padH,
                                               int dilationW, int dilationH, int ceil_mode, int index_base)
{
    return maxpool_updateOutput("SpatialDilatedMaxPooling", 2, input, output, indices, ARR3(1, kH, kW), ARR3(1, dH, dW),
                                ARR3(0, padH, padW), ARR3(1, dilationH, dilationW), ceil_mode, index_base);
}

int THNN_SpatialDilatedMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                  THTensor *indices, int kW, int kH, int dW, int dH, int padW, int padH,
                                                  int dilationW, int dilationH, int ceil_mode, int index_base)
{
    return maxpool_updateGradInput("SpatialDilatedMaxPooling", 2, input, gradOutput, gradInput, indices, ARR3(1, kH, kW),
                                   ARR3(1, dH, dW), ARR3(0, padH, padW), ARR3(1, dilationH, dilationW), ceil_mode, index_base);
}

int THNN_SpatialMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices, int kW, int kH,
                                        int dW, int dH, int padW, int padH, int ceil_mode, int index_base)
{
    return maxpool_updateOutput("SpatialMaxPooling", 2, input, output, indices, ARR3(1, kH, kW), ARR3(1, dH, dW),
                                ARR3(0, padH, padW), ARR3(1, 1, 1), ceil_mode, index_base);
}

int THNN_SpatialMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *indices,
                                           int kW, int kH, int dW, int dH, int padW, int padH, int ceil_mode, int index_base)
{
    return maxpool_updateGradInput("SpatialMaxPooling", 2, input, gradOutput, gradInput, indices, ARR3(1, kH, kW),
                                   ARR3(1, dH, dW), ARR3(0, padH, padW), ARR3(1, 1, 1), ceil_mode, index_base);
}

int THNN_VolumetricDilatedMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices,
                                                  int kT, int kW, int kH, int dT, int dW, int dH, int pT, int pW, int pH,
                                                  int dilationT, int dilationW, int dilationH, int ceilMode, int index_base)
{
    return maxpool_updateOutput("VolumetricDilatedMaxPooling", 3, input, output, indices, ARR3(kT, kH, kW),
                                ARR3(dT, dH, dW), ARR3(pT, pH, pW), ARR3(dilationT, dilationH, dilationW), ceilMode, index_base);
}

int THNN_VolumetricDilatedMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                     THTensor *indices, int kT, int kW, int kH, int dT, int dW, int dH,
                                                     int pT, int pW, int pH, int dilationT, int dilationW, int dilationH,
                                                     int ceilMode, int index_base)
{
    return maxpool_updateGradInput("VolumetricDilatedMaxPooling", 3, input, gradOutput, gradInput, indices,
                                   ARR3(kT, kH, kW), ARR3(dT, dH, dW), ARR3(pT, pH, pW),
                                   ARR3(dilationT, dilationH, dilationW), ceilMode, index_base);
}

int THNN_VolumetricMaxPooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices,
                                           int kT, int kW, int kH, int dT, int dW, int dH, int pT, int pW, int pH,
                                           int ceilMode, int index_base)
{
    return maxpool_updateOutput("VolumetricMaxPooling", 3, input, output, indices, ARR3(kT, kH, kW),
                                ARR3(dT, dH, dW), ARR3(pT, pH, pW), ARR3(1, 1, 1), ceilMode, index_base);
}

int THNN_VolumetricMaxPooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                              THTensor *indices, int kT, int kW, int kH, int dT, int dW, int dH,
                                              int pT, int pW, int pH, int ceilMode, int index_base)
{
    return maxpool_updateGradInput("VolumetricMaxPooling", 3, input, gradOutput, gradInput, indices,
                                   ARR3(kT, kH, kW), ARR3(dT, dH, dW), ARR3(pT, pH, pW), ARR3(1, 1, 1), ceilMode, index_base);
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

/* 2x2 stride-2 windows, no padding: the LeNet case. */
static void TNF(maxpool_fwd2x2)(const real *in, real *out, int64_t *ind, int64_t nplanes,
                                int64_t iH, int64_t iW, int64_t oH, int64_t oW, int64_t base)
{
    int64_t ipl = iH * iW, opl = oH * oW;
    #pragma omp parallel for schedule(static) if (nplanes > 1 && TH_parallelOK(nplanes * opl * 4))
    for (int64_t pl = 0; pl < nplanes; pl++) {
        const real *ip = in + pl * ipl;
        real *op = out + pl * opl;
        int64_t *xp = ind + pl * opl;
        for (int64_t oh = 0; oh < oH; oh++) {
            const real *r0 = ip + 2 * oh * iW, *r1 = r0 + iW;
            real *o = op + oh * oW;
            int64_t *x = xp + oh * oW;
            int64_t rowbase = 2 * oh * iW + base;
            /* Branch-free selects through the bit patterns: the argmax of real data defeats branch
             * prediction and gcc turns ?: back into branches (20x slower on random input). */
            for (int64_t ow = 0; ow < oW; ow++) {
                union { real f; ureal u; } A, B, C, E, M;
                A.f = r0[2 * ow]; B.f = r0[2 * ow + 1]; C.f = r1[2 * ow]; E.f = r1[2 * ow + 1];
                int64_t j = 2 * ow;
                ureal t = (ureal)((B.f > A.f) | (B.f != B.f)), mk = -t;
                M.u = (A.u & ~mk) | (B.u & mk);
                int64_t mi = j + (int64_t)t, m64;
                t = (ureal)((C.f > M.f) | (C.f != C.f)); mk = -t; m64 = -(int64_t)t;
                M.u = (M.u & ~mk) | (C.u & mk);
                mi = (mi & ~m64) | ((j + iW) & m64);
                t = (ureal)((E.f > M.f) | (E.f != E.f)); mk = -t; m64 = -(int64_t)t;
                M.u = (M.u & ~mk) | (E.u & mk);
                mi = (mi & ~m64) | ((j + iW + 1) & m64);
                o[ow] = M.f;
                x[ow] = mi + rowbase;
            }
        }
    }
}

static void TNF(maxpool_fwd)(const real *in, real *out, int64_t *ind, int64_t nplanes, const int64_t *is,
                             const int64_t *os, const int *k, const int *d, const int *p, const int *dil, int64_t base)
{
    if (is[0] == 1 && k[0] == 1 && k[1] == 2 && k[2] == 2 && d[1] == 2 && d[2] == 2 && p[1] == 0 && p[2] == 0 &&
        dil[1] == 1 && dil[2] == 1 && os[0] == 1 && 2 * os[1] <= is[1] && 2 * os[2] <= is[2]) {
        TNF(maxpool_fwd2x2)(in, out, ind, nplanes, is[1], is[2], os[1], os[2], base);
        return;
    }
    int64_t iT = is[0], iH = is[1], iW = is[2], oT = os[0], oH = os[1], oW = os[2];
    int64_t ipl = iT * iH * iW, opl = oT * oH * oW;
    int64_t work = nplanes * opl * k[0] * k[1] * k[2];
    #pragma omp parallel for schedule(static) if (nplanes > 1 && TH_parallelOK(work))
    for (int64_t pl = 0; pl < nplanes; pl++) {
        const real *ip = in + pl * ipl;
        real *op = out + pl * opl;
        int64_t *xp = ind + pl * opl;
        for (int64_t ot = 0; ot < oT; ot++) {
            int64_t t0 = ot * d[0] - p[0], t1 = t0 + (int64_t)(k[0] - 1) * dil[0] + 1;
            if (t1 > iT) t1 = iT;
            while (t0 < 0) t0 += dil[0];
            for (int64_t oh = 0; oh < oH; oh++) {
                int64_t h0 = oh * d[1] - p[1], h1 = h0 + (int64_t)(k[1] - 1) * dil[1] + 1;
                if (h1 > iH) h1 = iH;
                while (h0 < 0) h0 += dil[1];
                for (int64_t ow = 0; ow < oW; ow++) {
                    int64_t w0 = ow * d[2] - p[2], w1 = w0 + (int64_t)(k[2] - 1) * dil[2] + 1;
                    if (w1 > iW) w1 = iW;
                    while (w0 < 0) w0 += dil[2];
                    int64_t mi = (t0 * iH + h0) * iW + w0;
                    real m = -INFINITY;
                    for (int64_t t = t0; t < t1; t += dil[0])
                        for (int64_t h = h0; h < h1; h += dil[1]) {
                            const real *row = ip + (t * iH + h) * iW;
                            for (int64_t w = w0; w < w1; w += dil[2]) {
                                real v = row[w];
                                if (v > m || isnan(v)) { m = v; mi = (t * iH + h) * iW + w; }
                            }
                        }
                    int64_t o = (ot * oH + oh) * oW + ow;
                    op[o] = m;
                    xp[o] = mi + base;
                }
            }
        }
    }
}

/* gradInput = 0, then gradInput[indices] += gradOutput per plane. Returns the number of bad
 * indices (one of them in *bad). */
static int TNF(maxpool_bwd)(real *gin, const real *gout, const int64_t *ind, int64_t nplanes, int64_t ipl,
                            int64_t opl, int64_t base, int64_t *bad)
{
    int nbad = 0;
    #pragma omp parallel for schedule(static) if (nplanes > 1 && TH_parallelOK(nplanes * (opl + ipl)))
    for (int64_t pl = 0; pl < nplanes; pl++) {
        real *gi = gin + pl * ipl;
        const real *go = gout + pl * opl;
        const int64_t *xp = ind + pl * opl;
        memset(gi, 0, (size_t)ipl * sizeof(real));
        int lbad = 0;
        int64_t lidx = 0;
        for (int64_t o = 0; o < opl; o++) {
            int64_t j = xp[o] - base;
            if ((uint64_t)j >= (uint64_t)ipl) { lbad = 1; lidx = xp[o]; continue; }
            gi[j] += go[o];
        }
        if (lbad) {
            #pragma omp critical(thnn_maxpool_bad)
            { nbad++; *bad = lidx; }
        }
    }
    return nbad;
}

#endif
