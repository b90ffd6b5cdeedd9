/* The im2col convolution engine behind SpatialConvolutionMM, SpatialDilatedConvolution,
 * SpatialFullConvolution and the Volumetric variants: shape checks, buffer management and
 * the batch loop (OpenMP over samples, single-threaded gemm inside; OpenBLAS threads only
 * where the batch loop is serial). Float32 stride-1 2-D cases that THNNConv_directOK accepts
 * go to the kernels of ConvDirect.c instead, with finput / columns as their per-thread scratch. */
#include "THNNConv.h"
#include "../TH/THBlas.h"
#include <omp.h>
#include <stdio.h>

int THNNConv_blasThreadsBegin(int parallel)
{
    int saved = THBlas_getNumThreads();
    int want = parallel || omp_in_parallel() || !TH_parallelOK(TH_OMP_THRESHOLD) ? 1 : TH_getNumThreads();
    if (want < 1) want = 1;
    if (want != saved) THBlas_setNumThreads(want);
    return saved;
}

void THNNConv_blasThreadsEnd(int parallel, int saved)
{
    (void)parallel;
    if (THBlas_getNumThreads() != saved) THBlas_setNumThreads(saved);
}

static inline int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }
static inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* Output columns ow in [lo, hi) read inside the row: 0 <= ow*s + off < iW. */
static inline void conv_validRange(int64_t off, int64_t s, int64_t iW, int64_t oW, int64_t *lo, int64_t *hi)
{
    int64_t l = off >= 0 ? 0 : ceil_div(-off, s);
    int64_t h = iW - off > 0 ? ceil_div(iW - off, s) : 0;
    if (h > oW) h = oW;
    if (l > h) l = h;
    *lo = l; *hi = h;
}

static void dgemm_(char ta, char tb, int64_t m, int64_t n, int64_t k, double alpha, const double *a, int64_t lda,
                   const double *b, int64_t ldb, double beta, double *c, int64_t ldc)
{
    THBlas_gemm(TH_FLOAT64, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* unfolded-input elements per forward gemm (512 KB of float32: the chunk is still in L2 when
 * the gemm packs it; about 5% off the forward of the benchmark case) */
#ifndef CHUNK_ELEMS
#define CHUNK_ELEMS (1 << 17)
#endif

#define T float
#define DT TH_FLOAT32
#define F(x) x##_f
#define GEMM THNNConv_sgemm
#include "ConvImpl.h"
#undef GEMM
#undef T
#undef DT
#undef F
#define T double
#define DT TH_FLOAT64
#define F(x) x##_d
#define GEMM dgemm_
#include "ConvImpl.h"
#undef GEMM
#undef T
#undef DT
#undef F

void THNNConv_im2col(int dtype, const void *img, int64_t C, const int64_t *isz, const int64_t *osz,
                     const int64_t *k, const int64_t *s, const int64_t *p, const int64_t *d, void *col)
{
    if (dtype == TH_FLOAT32) im2col_f(img, C, isz, osz, k, s, p, d, col);
    else im2col_d(img, C, isz, osz, k, s, p, d, col);
}

void THNNConv_col2im(int dtype, const void *col, int64_t C, const int64_t *isz, const int64_t *osz,
                     const int64_t *k, const int64_t *s, const int64_t *p, const int64_t *d, void *img)
{
    if (dtype == TH_FLOAT32) col2im_f(col, C, isz, osz, k, s, p, d, img);
    else col2im_d(col, C, isz, osz, k, s, p, d, img);
}

/* ------------------------------------------------------------------ tensor helpers */

int THNN_outBegin(const char *fn, const char *what, THTensor *out, int dtype, int ndim,
                  const int64_t *size, THTensor **work)
{
    *work = NULL;
    TH_CHECK(out, TH_ERR_VALUE, "%s: %s is NULL", fn, what);
    TH_TRY(TH_prepareOut(out, dtype, ndim, size));
    TH_CHECK(out->dtype == dtype, TH_ERR_TYPE, "%s: expected %s of dtype %s, got %s", fn, what,
             TH_dtypeName(dtype), TH_dtypeName(out->dtype));
    if (THTensor_isContiguous(out)) { THTensor_retain(out); *work = out; return 0; }
    *work = THTensor_newWithSize(dtype, ndim, size);
    return *work ? 0 : TH_lastErrorCode();
}

int THNN_outEnd(THTensor *out, THTensor *work, int status)
{
    if (!work) return status;
    if (!status && work != out) status = THTensor_copy(out, work);
    if (!status) THTensor_bumpVersion(out);
    THTensor_free(work);
    return status;
}

int THNN_buffer(const char *fn, const char *what, THTensor *buf, int dtype, int ndim, const int64_t *size)
{
    TH_CHECK(buf, TH_ERR_VALUE, "%s: buffer %s is NULL", fn, what);
    if (buf->dtype < 0) TH_TRY(THTensor_setDtype(buf, dtype));
    TH_CHECK(buf->dtype == dtype, TH_ERR_TYPE, "%s: expected buffer %s of dtype %s, got %s", fn, what,
             TH_dtypeName(dtype), TH_dtypeName(buf->dtype));
    TH_TRY(THTensor_resize(buf, ndim, size));
    TH_CHECK(THTensor_isContiguous(buf), TH_ERR_VALUE, "%s: buffer %s must be contiguous", fn, what);
    return 0;
}

/* ------------------------------------------------------------------ shape checks */

static const char *dimsDesc(int n, const int64_t *v, char *buf, size_t len)
{
    size_t k = 0;
    for (int i = 0; i < n && k < len; i++) k += (size_t)snprintf(buf + k, len - k, i ? " x %lld" : "%lld", (long long)v[i]);
    return buf;
}

int THNNConv_checkArgs(const THNNConvGeom *g)
{
    const char *nm = g->name;
    for (int i = 3 - g->nsp; i < 3; i++) {
        TH_CHECK(g->k[i] > 0, TH_ERR_VALUE, "%s: kernel size should be greater than zero, got %lld", nm, (long long)g->k[i]);
        TH_CHECK(g->s[i] > 0, TH_ERR_VALUE, "%s: stride should be greater than zero, got %lld", nm, (long long)g->s[i]);
        TH_CHECK(g->d[i] > 0, TH_ERR_VALUE, "%s: dilation should be greater than zero, got %lld", nm, (long long)g->d[i]);
        TH_CHECK(g->p[i] >= 0, TH_ERR_VALUE, "%s: padding should be non-negative, got %lld", nm, (long long)g->p[i]);
        TH_CHECK(g->adj[i] >= 0 && (g->adj[i] == 0 || g->adj[i] < g->s[i] || g->adj[i] < g->d[i]), TH_ERR_VALUE,
                 "%s: output padding (adj) must be smaller than either stride or dilation, got adj %lld, "
                 "stride %lld, dilation %lld", nm, (long long)g->adj[i], (long long)g->s[i], (long long)g->d[i]);
    }
    TH_CHECK(g->groups > 0, TH_ERR_VALUE, "%s: groups should be greater than zero, got %lld", nm, (long long)g->groups);
    return 0;
}

/* Validate input/weight/bias/gradOutput and fill nIn, nOut, N, isz, osz. */
static int conv_shapeCheck(THNNConvGeom *g, THTensor *input, THTensor *weight, const char *wname,
                           THTensor *bias, const char *bname, THTensor *gradOutput)
{
    const char *nm = g->name;
    char b1[160], b2[160];
    TH_TRY(THNNConv_checkArgs(g));
    THNN_CHECK_FLOAT(nm, input);
    const int nsp = g->nsp;
    TH_CHECK(input->ndim == nsp + 1 || input->ndim == nsp + 2, TH_ERR_VALUE,
             "%s: expected %dD or %dD input (batch mode), got %s", nm, nsp + 1, nsp + 2,
             THNN_sizeDesc(input, b1, sizeof b1));
    g->batch = input->ndim == nsp + 2;
    g->N = g->batch ? input->size[0] : 1;
    const int cd = g->batch ? 1 : 0;
    for (int i = 0; i < 3; i++) g->isz[i] = i < 3 - nsp ? 1 : input->size[cd + 1 + i - (3 - nsp)];

    TH_CHECK(weight, TH_ERR_VALUE, "%s: %s is NULL", nm, wname);
    TH_CHECK(weight->dtype == input->dtype, TH_ERR_TYPE, "%s: %s has dtype %s but input has dtype %s", nm, wname,
             TH_dtypeName(weight->dtype), TH_dtypeName(input->dtype));
    const int64_t kvol = g->k[0] * g->k[1] * g->k[2], G = g->groups;
    int ok = 0;
    if (weight->ndim == nsp + 2) {
        ok = 1;
        for (int i = 0; i < nsp; i++) ok &= weight->size[2 + i] == g->k[3 - nsp + i];
        if (ok) {
            if (!g->transposed) { g->nOut = weight->size[0]; g->nIn = weight->size[1] * G; }
            else { g->nIn = weight->size[0]; g->nOut = weight->size[1] * G; }
        }
    } else if (weight->ndim == 2 && g->weight2d && !g->transposed) {
        ok = weight->size[1] % kvol == 0;
        g->nOut = weight->size[0]; g->nIn = weight->size[1] / kvol * G;
    }
    if (!ok) {
        char kd[64];
        dimsDesc(nsp, g->k + 3 - nsp, kd, sizeof kd);
        if (g->transposed)
            return TH_setError(TH_ERR_VALUE, "%s: expected %s of size [nInputPlane x nOutputPlane/groups x %s], got %s",
                               nm, wname, kd, THNN_sizeDesc(weight, b1, sizeof b1));
        if (g->weight2d)
            return TH_setError(TH_ERR_VALUE, "%s: expected %s of size [nOutputPlane x nInputPlane/groups*%lld] or "
                               "[nOutputPlane x nInputPlane/groups x %s], got %s", nm, wname, (long long)kvol, kd,
                               THNN_sizeDesc(weight, b1, sizeof b1));
        return TH_setError(TH_ERR_VALUE, "%s: expected %s of size [nOutputPlane x nInputPlane/groups x %s], got %s",
                           nm, wname, kd, THNN_sizeDesc(weight, b1, sizeof b1));
    }
    if (g->transposed)
        TH_CHECK(g->nIn % G == 0, TH_ERR_VALUE, "%s: nInputPlane %lld is not divisible by groups %lld", nm,
                 (long long)g->nIn, (long long)G);
    else
        TH_CHECK(g->nOut % G == 0, TH_ERR_VALUE, "%s: nOutputPlane %lld is not divisible by groups %lld", nm,
                 (long long)g->nOut, (long long)G);
    TH_CHECK(input->size[cd] == g->nIn, TH_ERR_VALUE,
             "%s: expected input with %lld planes (channels) to match %s, got input of size %s", nm,
             (long long)g->nIn, wname, THNN_sizeDesc(input, b1, sizeof b1));

    int small = 0;
    for (int i = 0; i < 3; i++) {
        int64_t keff = g->d[i] * (g->k[i] - 1) + 1;
        if (!g->transposed) g->osz[i] = floor_div(g->isz[i] + 2 * g->p[i] - keff, g->s[i]) + 1;
        else g->osz[i] = (g->isz[i] - 1) * g->s[i] - 2 * g->p[i] + keff + g->adj[i];
        if (g->osz[i] < 1 && !(i < 3 - nsp)) small = 1;
        if (g->transposed && g->isz[i] < 1) small = 1;
    }
    if (small)
        return TH_setError(TH_ERR_VALUE, "%s: calculated output size (%s) is too small (input size %s)", nm,
                           dimsDesc(nsp, g->osz + 3 - nsp, b1, sizeof b1), THNN_sizeDesc(input, b2, sizeof b2));
    const int64_t P = g->transposed ? g->isz[0] * g->isz[1] * g->isz[2] : g->osz[0] * g->osz[1] * g->osz[2];
    const int64_t K = (g->transposed ? g->nOut : g->nIn) * kvol;
    TH_CHECK(P < TH_BLAS_INT_MAX && K < TH_BLAS_INT_MAX, TH_ERR_VALUE, "%s: problem too large for 32-bit BLAS", nm);

    if (bias) {
        TH_CHECK(bias->dtype == input->dtype, TH_ERR_TYPE, "%s: %s has dtype %s but input has dtype %s", nm, bname,
                 TH_dtypeName(bias->dtype), TH_dtypeName(input->dtype));
        TH_CHECK(bias->ndim == 1 && bias->size[0] == g->nOut, TH_ERR_VALUE, "%s: expected %s of size [%lld], got %s",
                 nm, bname, (long long)g->nOut, THNN_sizeDesc(bias, b1, sizeof b1));
    }
    if (gradOutput) {
        TH_CHECK(gradOutput->dtype == input->dtype, TH_ERR_TYPE, "%s: gradOutput has dtype %s but input has dtype %s",
                 nm, TH_dtypeName(gradOutput->dtype), TH_dtypeName(input->dtype));
        int64_t want[5]; int nd = 0;
        if (g->batch) want[nd++] = g->N;
        want[nd++] = g->nOut;
        for (int i = 3 - nsp; i < 3; i++) want[nd++] = g->osz[i];
        int same = gradOutput->ndim == nd;
        for (int i = 0; same && i < nd; i++) same = gradOutput->size[i] == want[i];
        if (!same) {
            b2[0] = '['; dimsDesc(nd, want, b2 + 1, sizeof b2 - 2); strcat(b2, "]");
            return TH_setError(TH_ERR_VALUE, "%s: expected gradOutput of size %s, got %s", nm, b2,
                               THNN_sizeDesc(gradOutput, b1, sizeof b1));
        }
    }
    return 0;
}

static int outShape(const THNNConvGeom *g, int64_t *sz)
{
    int nd = 0;
    if (g->batch) sz[nd++] = g->N;
    sz[nd++] = g->nOut;
    for (int i = 3 - g->nsp; i < 3; i++) sz[nd++] = g->osz[i];
    return nd;
}

static int inShape(const THNNConvGeom *g, int64_t *sz)
{
    int nd = 0;
    if (g->batch) sz[nd++] = g->N;
    sz[nd++] = g->nIn;
    for (int i = 3 - g->nsp; i < 3; i++) sz[nd++] = g->isz[i];
    return nd;
}

static int64_t colRows(const THNNConvGeom *g)
{
    return (g->transposed ? g->nOut : g->nIn) * g->k[0] * g->k[1] * g->k[2];
}

static int64_t colCols(const THNNConvGeom *g)
{
    return g->transposed ? g->isz[0] * g->isz[1] * g->isz[2] : g->osz[0] * g->osz[1] * g->osz[2];
}

/* Threads for the batch loop: never nested, and never more than samples unless the loop also
 * splits within a sample (the direct path). */
static int batchThreads(const THNNConvGeom *g, int perSample)
{
    const int64_t work = g->N * colRows(g) * colCols(g);
    int n = omp_in_parallel() || !TH_parallelOK(work) ? 1 : TH_getNumThreads();
    if (!perSample && n > g->N) n = (int)g->N;
    return n < 1 ? 1 : n;
}

/* Per-sample slabs (keep) as THNN: N x K x P, or K x P for a single sample; else one slab
 * per thread: nthr x K x P. */
static int prepCols(const THNNConvGeom *g, THTensor *cols, int dtype, int keep, int nthr)
{
    int64_t sz[3];
    if (keep && !g->batch) { sz[0] = colRows(g); sz[1] = colCols(g); return THNN_buffer(g->name, g->colsName, cols, dtype, 2, sz); }
    sz[0] = keep ? g->N : nthr; sz[1] = colRows(g); sz[2] = colCols(g);
    return THNN_buffer(g->name, g->colsName, cols, dtype, 3, sz);
}

/* The direct path's scratch: nthr x directScratch floats. */
static int directCols(const THNNConvGeom *g, THTensor *cols, int pass, int nthr)
{
    const int64_t sz[2] = {nthr, THNNConv_directScratch(g, pass)};
    return THNN_buffer(g->name, g->colsName, cols, TH_FLOAT32, 2, sz);
}

/* ------------------------------------------------------------------ entry points */

int THNNConv_updateOutput(THNNConvGeom *g, THTensor *input, THTensor *output, THTensor *weight,
                          THTensor *bias, THTensor *cols, int keepCols)
{
    TH_TRY(conv_shapeCheck(g, input, weight, "weight", bias, "bias", NULL));
    const char *nm = g->name;
    const int direct = input->dtype == TH_FLOAT32 && THNNConv_directOK(g, 0);
    const int nthr = batchThreads(g, direct);
    if (direct) TH_TRY(directCols(g, cols, 0, nthr));
    else TH_TRY(prepCols(g, cols, input->dtype, keepCols, nthr));
    int64_t osz[5];
    int ond = outShape(g, osz);
    THTensor *out;
    TH_TRY(THNN_outBegin(nm, "output", output, input->dtype, ond, osz, &out));
    THTensor *in = THTensor_newContiguous(input), *w = THTensor_newContiguous(weight);
    THTensor *b = bias ? THTensor_newContiguous(bias) : NULL;
    int st = (!in || !w || (bias && !b)) ? TH_lastErrorCode() : 0;
    if (!st) {
        if (direct)
            st = THNNConv_directForward(g, THTensor_data(in), THTensor_data(out), THTensor_data(w),
                                        b ? THTensor_data(b) : NULL, THTensor_data(cols), nthr);
        else if (input->dtype == TH_FLOAT32)
            forward_f(g, THTensor_data(in), THTensor_data(out), THTensor_data(w), b ? THTensor_data(b) : NULL,
                      THTensor_data(cols), keepCols, nthr);
        else
            forward_d(g, THTensor_data(in), THTensor_data(out), THTensor_data(w), b ? THTensor_data(b) : NULL,
                      THTensor_data(cols), keepCols, nthr);
        THTensor_bumpVersion(cols);
    }
    if (in) THTensor_free(in);
    if (w) THTensor_free(w);
    if (b) THTensor_free(b);
    return THNN_outEnd(output, out, st);
}

int THNNConv_updateGradInput(THNNConvGeom *g, THTensor *input, THTensor *gradOutput,
                             THTensor *gradInput, THTensor *weight, THTensor *cols)
{
    TH_TRY(conv_shapeCheck(g, input, weight, "weight", NULL, NULL, gradOutput));
    const char *nm = g->name;
    const int direct = input->dtype == TH_FLOAT32 && THNNConv_directOK(g, 1);
    const int nthr = batchThreads(g, direct);
    if (direct) TH_TRY(directCols(g, cols, 1, nthr));
    else TH_TRY(prepCols(g, cols, input->dtype, 0, nthr));
    int64_t isz[5];
    int ind = inShape(g, isz);
    THTensor *gin;
    TH_TRY(THNN_outBegin(nm, "gradInput", gradInput, input->dtype, ind, isz, &gin));
    THTensor *go = THTensor_newContiguous(gradOutput), *w = THTensor_newContiguous(weight);
    int st = (!go || !w) ? TH_lastErrorCode() : 0;
    if (!st) {
        if (direct)
            st = THNNConv_directGradInput(g, THTensor_data(go), THTensor_data(gin), THTensor_data(w),
                                          THTensor_data(cols), nthr);
        else if (input->dtype == TH_FLOAT32)
            backward_f(g, THTensor_data(go), THTensor_data(gin), THTensor_data(w), THTensor_data(cols), nthr);
        else
            backward_d(g, THTensor_data(go), THTensor_data(gin), THTensor_data(w), THTensor_data(cols), nthr);
        THTensor_bumpVersion(cols);
    }
    if (go) THTensor_free(go);
    if (w) THTensor_free(w);
    return THNN_outEnd(gradInput, gin, st);
}

int THNNConv_accGradParameters(THNNConvGeom *g, THTensor *input, THTensor *gradOutput,
                               THTensor *gradWeight, THTensor *gradBias, THTensor *cols,
                               int reuseCols, double scale)
{
    TH_TRY(conv_shapeCheck(g, input, gradWeight, "gradWeight", gradBias, "gradBias", gradOutput));
    const char *nm = g->name;
    TH_CHECK(cols, TH_ERR_VALUE, "%s: buffer %s is NULL", nm, g->colsName);
    /* the direct path reads the input itself: finput is its scratch, whatever it held */
    const int direct = input->dtype == TH_FLOAT32 && THNNConv_directOK(g, 0);
    const int nthr = batchThreads(g, direct);
    if (direct) {
        TH_TRY(directCols(g, cols, 2, nthr));
    } else if (reuseCols) {
        /* THNN's contract: finput holds the unfolded input of the matching updateOutput */
        int64_t want[3]; int nd = 0;
        if (g->batch) want[nd++] = g->N;
        want[nd++] = colRows(g); want[nd++] = colCols(g);
        int same = cols->dtype == input->dtype && cols->ndim == nd && THTensor_isContiguous(cols);
        for (int i = 0; same && i < nd; i++) same = cols->size[i] == want[i];
        if (!same) {
            char b1[128];
            return TH_setError(TH_ERR_VALUE, "%s: %s of size %s does not hold the unfolded input (call updateOutput "
                               "with the same input and buffers first)", nm, g->colsName, THNN_sizeDesc(cols, b1, sizeof b1));
        }
    } else {
        TH_TRY(prepCols(g, cols, input->dtype, 0, nthr));
    }
    THTensor *in = THTensor_newContiguous(input), *go = THTensor_newContiguous(gradOutput);
    THTensor *gw = THTensor_newContiguous(gradWeight), *gb = gradBias ? THTensor_newContiguous(gradBias) : NULL;
    int st = (!in || !go || !gw || (gradBias && !gb)) ? TH_lastErrorCode() : 0;
    if (!st) {
        if (direct)
            st = THNNConv_directGradWeight(g, THTensor_data(in), THTensor_data(go), THTensor_data(gw), scale,
                                           THTensor_data(cols), nthr);
        else if (input->dtype == TH_FLOAT32)
            st = accGrad_f(g, THTensor_data(in), THTensor_data(go), THTensor_data(gw), THTensor_numel(gw),
                           THTensor_data(cols), reuseCols, scale, nthr);
        else
            st = accGrad_d(g, THTensor_data(in), THTensor_data(go), THTensor_data(gw), THTensor_numel(gw),
                           THTensor_data(cols), reuseCols, scale, nthr);
    }
    if (!st && gb) {
        if (input->dtype == TH_FLOAT32) accBias_f(g, THTensor_data(go), THTensor_data(gb), scale);
        else accBias_d(g, THTensor_data(go), THTensor_data(gb), scale);
    }
    if (!st && gw != gradWeight) st = THTensor_copy(gradWeight, gw);
    if (!st && gb && gb != gradBias) st = THTensor_copy(gradBias, gb);
    if (!st) {
        THTensor_bumpVersion(gradWeight);
        if (gradBias) THTensor_bumpVersion(gradBias);
        if (!reuseCols) THTensor_bumpVersion(cols);
    }
    if (in) THTensor_free(in);
    if (go) THTensor_free(go);
    if (gw) THTensor_free(gw);
    if (gb) THTensor_free(gb);
    return st;
}
