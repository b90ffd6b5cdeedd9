/* SpatialConvolutionLocal: 2-D convolution with untied weights (one filter bank per output
 * location). weight (oH*oW) x nOutputPlane x (nInputPlane*kH*kW), or the module's 6-D
 * oH x oW x nOutputPlane x nInputPlane x kH x kW; bias nOutputPlane x oH x oW.
 * finput keeps the unfolded input of every sample (N x K x P) for accGradParameters;
 * fgradInput is per-thread scratch. */
#include "THNNConv.h"
#include <omp.h>

typedef struct {
    int64_t N, nIn, nOut, iH, iW, oH, oW, K, P;
    int64_t k[3], s[3], p[3], d[3];
    int batch;
} LGeom;

static const char *NM = "SpatialConvolutionLocal";

static int shapeCheck(LGeom *g, THTensor *input, THTensor *weight, const char *wname, THTensor *bias,
                      const char *bname, THTensor *gradOutput, int kW, int kH, int dW, int dH, int padW, int padH,
                      int64_t inputWidth, int64_t inputHeight, int64_t outputWidth, int64_t outputHeight)
{
    char b1[160], b2[160];
    TH_CHECK(kW > 0 && kH > 0, TH_ERR_VALUE, "%s: kernel size should be greater than zero, got kH=%d kW=%d", NM, kH, kW);
    TH_CHECK(dW > 0 && dH > 0, TH_ERR_VALUE, "%s: stride should be greater than zero, got dH=%d dW=%d", NM, dH, dW);
    TH_CHECK(padW >= 0 && padH >= 0, TH_ERR_VALUE, "%s: padding should be non-negative, got padH=%d padW=%d", NM,
             padH, padW);
    THNN_CHECK_FLOAT(NM, input);
    TH_CHECK(input->ndim == 3 || input->ndim == 4, TH_ERR_VALUE, "%s: expected 3D or 4D input (batch mode), got %s",
             NM, THNN_sizeDesc(input, b1, sizeof b1));
    g->batch = input->ndim == 4;
    g->N = g->batch ? input->size[0] : 1;
    const int cd = g->batch;
    g->nIn = input->size[cd]; g->iH = input->size[cd + 1]; g->iW = input->size[cd + 2];
    TH_CHECK(g->iH == inputHeight && g->iW == inputWidth, TH_ERR_VALUE,
             "%s: expected input of height x width %lld x %lld, got input of size %s", NM, (long long)inputHeight,
             (long long)inputWidth, THNN_sizeDesc(input, b1, sizeof b1));
    int64_t oH = (g->iH + 2 * padH - kH), oW = (g->iW + 2 * padW - kW);
    oH = (oH >= 0 ? oH / dH : -((-oH + dH - 1) / dH)) + 1;
    oW = (oW >= 0 ? oW / dW : -((-oW + dW - 1) / dW)) + 1;
    TH_CHECK(oH >= 1 && oW >= 1, TH_ERR_VALUE, "%s: calculated output size (%lld x %lld) is too small (input size %s)",
             NM, (long long)oH, (long long)oW, THNN_sizeDesc(input, b1, sizeof b1));
    TH_CHECK(oH == outputHeight && oW == outputWidth, TH_ERR_VALUE,
             "%s: outputHeight x outputWidth %lld x %lld does not match the calculated output size %lld x %lld", NM,
             (long long)outputHeight, (long long)outputWidth, (long long)oH, (long long)oW);
    g->oH = oH; g->oW = oW; g->P = oH * oW;
    g->K = g->nIn * kH * kW;
    int64_t k[3] = {1, kH, kW}, s[3] = {1, dH, dW}, p[3] = {0, padH, padW}, d[3] = {1, 1, 1};
    memcpy(g->k, k, sizeof k); memcpy(g->s, s, sizeof s); memcpy(g->p, p, sizeof p); memcpy(g->d, d, sizeof d);

    TH_CHECK(weight, TH_ERR_VALUE, "%s: %s is NULL", NM, wname);
    TH_CHECK(weight->dtype == input->dtype, TH_ERR_TYPE, "%s: %s has dtype %s but input has dtype %s", NM, wname,
             TH_dtypeName(weight->dtype), TH_dtypeName(input->dtype));
    int ok = 0;
    if (weight->ndim == 3) {
        ok = weight->size[0] == g->P && weight->size[2] == g->K;
        g->nOut = weight->size[1];
    } else if (weight->ndim == 6) {
        ok = weight->size[0] == oH && weight->size[1] == oW && weight->size[3] == g->nIn && weight->size[4] == kH &&
             weight->size[5] == kW;
        g->nOut = weight->size[2];
    }
    if (!ok)
        return TH_setError(TH_ERR_VALUE, "%s: expected %s of size [%lld x nOutputPlane x %lld] or "
                           "[%lld x %lld x nOutputPlane x %lld x %d x %d], got %s", NM, wname, (long long)g->P,
                           (long long)g->K, (long long)oH, (long long)oW, (long long)g->nIn, kH, kW,
                           THNN_sizeDesc(weight, b1, sizeof b1));
    if (bias) {
        TH_CHECK(bias->dtype == input->dtype, TH_ERR_TYPE, "%s: %s has dtype %s but input has dtype %s", NM, bname,
                 TH_dtypeName(bias->dtype), TH_dtypeName(input->dtype));
        TH_CHECK(bias->ndim == 3 && bias->size[0] == g->nOut && bias->size[1] == oH && bias->size[2] == oW,
                 TH_ERR_VALUE, "%s: expected %s of size [%lld x %lld x %lld], got %s", NM, bname, (long long)g->nOut,
                 (long long)oH, (long long)oW, THNN_sizeDesc(bias, b1, sizeof b1));
    }
    if (gradOutput) {
        TH_CHECK(gradOutput->dtype == input->dtype, TH_ERR_TYPE, "%s: gradOutput has dtype %s but input has dtype %s",
                 NM, TH_dtypeName(gradOutput->dtype), TH_dtypeName(input->dtype));
        const int nd = g->batch ? 4 : 3;
        int64_t want[4] = {g->N, g->nOut, oH, oW};
        const int64_t *w = g->batch ? want : want + 1;
        int same = gradOutput->ndim == nd;
        for (int i = 0; same && i < nd; i++) same = gradOutput->size[i] == w[i];
        if (!same) {
            if (g->batch) snprintf(b2, sizeof b2, "[%lld x %lld x %lld x %lld]", (long long)g->N, (long long)g->nOut, (long long)oH, (long long)oW);
            else snprintf(b2, sizeof b2, "[%lld x %lld x %lld]", (long long)g->nOut, (long long)oH, (long long)oW);
            return TH_setError(TH_ERR_VALUE, "%s: expected gradOutput of size %s, got %s", NM, b2,
                               THNN_sizeDesc(gradOutput, b1, sizeof b1));
        }
    }
    return 0;
}

#define DEFINE_LOCAL(T, DT, S) \
/* out[o, l] = bias[o, l] + sum_k W[l, o, k] cols[k, l] */ \
static void fwd_##S(const LGeom *g, const T *in, T *out, const T *w, const T *b, T *cols) \
{ \
    const int64_t K = g->K, P = g->P, isz[3] = {1, g->iH, g->iW}, osz[3] = {1, g->oH, g->oW}; \
    im2col_##S(in, g->nIn, isz, osz, g->k, g->s, g->p, g->d, cols); \
    for (int64_t l = 0; l < P; l++) \
        for (int64_t o = 0; o < g->nOut; o++) { \
            const T *wr = w + (l * g->nOut + o) * K; \
            double acc = b ? b[o * P + l] : 0; \
            for (int64_t k = 0; k < K; k++) acc += (double)wr[k] * cols[k * P + l]; \
            out[o * P + l] = (T)acc; \
        } \
} \
static void bwd_##S(const LGeom *g, const T *gout, T *gin, const T *w, T *cols) \
{ \
    const int64_t K = g->K, P = g->P, isz[3] = {1, g->iH, g->iW}, osz[3] = {1, g->oH, g->oW}; \
    for (int64_t l = 0; l < P; l++) \
        for (int64_t k = 0; k < K; k++) { \
            double acc = 0; \
            for (int64_t o = 0; o < g->nOut; o++) acc += (double)w[(l * g->nOut + o) * K + k] * gout[o * P + l]; \
            cols[k * P + l] = (T)acc; \
        } \
    memset(gin, 0, sizeof(T) * (size_t)(g->nIn * g->iH * g->iW)); \
    col2im_##S(cols, g->nIn, isz, osz, g->k, g->s, g->p, g->d, gin); \
} \
/* location l's filters only see location l: parallel over l, serial over the batch */ \
static void acc_##S(const LGeom *g, const T *gout, T *gw, T *gb, const T *cols, double scale) \
{ \
    const int64_t K = g->K, P = g->P, outN = g->nOut * P; \
    _Pragma("omp parallel for schedule(static) if (TH_parallelOK(P * K * g->nOut * g->N))") \
    for (int64_t l = 0; l < P; l++) \
        for (int64_t o = 0; o < g->nOut; o++) { \
            T *wr = gw + (l * g->nOut + o) * K; \
            double bacc = 0; \
            for (int64_t k = 0; k < K; k++) { \
                double acc = 0; \
                for (int64_t n = 0; n < g->N; n++) acc += (double)gout[n * outN + o * P + l] * cols[(n * K + k) * P + l]; \
                wr[k] = (T)(wr[k] + scale * acc); \
            } \
            if (gb) { \
                for (int64_t n = 0; n < g->N; n++) bacc += gout[n * outN + o * P + l]; \
                gb[o * P + l] = (T)(gb[o * P + l] + scale * bacc); \
            } \
        } \
}

static void im2col_f(const float *img, int64_t C, const int64_t *isz, const int64_t *osz, const int64_t *k,
                     const int64_t *s, const int64_t *p, const int64_t *d, float *col)
{ THNNConv_im2col(TH_FLOAT32, img, C, isz, osz, k, s, p, d, col); }
static void im2col_d(const double *img, int64_t C, const int64_t *isz, const int64_t *osz, const int64_t *k,
                     const int64_t *s, const int64_t *p, const int64_t *d, double *col)
{ THNNConv_im2col(TH_FLOAT64, img, C, isz, osz, k, s, p, d, col); }
static void col2im_f(const float *col, int64_t C, const int64_t *isz, const int64_t *osz, const int64_t *k,
                     const int64_t *s, const int64_t *p, const int64_t *d, float *img)
{ THNNConv_col2im(TH_FLOAT32, col, C, isz, osz, k, s, p, d, img); }
static void col2im_d(const double *col, int64_t C, const int64_t *isz, const int64_t *osz, const int64_t *k,
                     const int64_t *s, const int64_t *p, const int64_t *d, double *img)
{ THNNConv_col2im(TH_FLOAT64, col, C, isz, osz, k, s, p, d, img); }

DEFINE_LOCAL(float, TH_FLOAT32, f)
DEFINE_LOCAL(double, TH_FLOAT64, d)

static int nThreads(const LGeom *g)
{
    int n = omp_in_parallel() || !TH_parallelOK(g->N * g->nIn * g->nOut) ? 1 : TH_getNumThreads();
    if (n > g->N) n = (int)g->N;
    return n < 1 ? 1 : n;
}

int THNN_SpatialConvolutionLocal_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                              THTensor *finput, THTensor *fgradInput, int kW, int kH, int dW, int dH,
                                              int padW, int padH, int64_t inputWidth, int64_t inputHeight,
                                              int64_t outputWidth, int64_t outputHeight)
{
    (void)fgradInput;
    LGeom g;
    TH_TRY(shapeCheck(&g, input, weight, "weight", bias, "bias", NULL, kW, kH, dW, dH, padW, padH, inputWidth,
                      inputHeight, outputWidth, outputHeight));
    int64_t fsz[3] = {g.N, g.K, g.P};
    TH_TRY(THNN_buffer(NM, "finput", finput, input->dtype, g.batch ? 3 : 2, g.batch ? fsz : fsz + 1));
    int64_t osz[4] = {g.N, g.nOut, g.oH, g.oW};
    THTensor *out;
    TH_TRY(THNN_outBegin(NM, "output", output, input->dtype, g.batch ? 4 : 3, g.batch ? osz : osz + 1, &out));
    THTensor *in = THTensor_newContiguous(input), *w = THTensor_newContiguous(weight);
    THTensor *b = bias ? THTensor_newContiguous(bias) : NULL;
    int st = (!in || !w || (bias && !b)) ? TH_lastErrorCode() : 0;
    if (!st) {
        const int64_t inN = g.nIn * g.iH * g.iW, outN = g.nOut * g.P, colN = g.K * g.P;
        const int nthr = nThreads(&g);
        #pragma omp parallel for if (nthr > 1) num_threads(nthr) schedule(static)
        for (int64_t n = 0; n < g.N; n++) {
            if (input->dtype == TH_FLOAT32)
                fwd_f(&g, (float *)THTensor_data(in) + n * inN, (float *)THTensor_data(out) + n * outN,
                      THTensor_data(w), b ? THTensor_data(b) : NULL, (float *)THTensor_data(finput) + n * colN);
            else
                fwd_d(&g, (double *)THTensor_data(in) + n * inN, (double *)THTensor_data(out) + n * outN,
                      THTensor_data(w), b ? THTensor_data(b) : NULL, (double *)THTensor_data(finput) + n * colN);
        }
        THTensor_bumpVersion(finput);
    }
    if (in) THTensor_free(in);
    if (w) THTensor_free(w);
    if (b) THTensor_free(b);
    return THNN_outEnd(output, out, st);
}

int THNN_SpatialConvolutionLocal_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                 THTensor *weight, THTensor *finput, THTensor *fgradInput, int kW,
                                                 int kH, int dW, int dH, int padW, int padH, int64_t inputWidth,
                                                 int64_t inputHeight, int64_t outputWidth, int64_t outputHeight)
{
    (void)finput;
    LGeom g;
    TH_TRY(shapeCheck(&g, input, weight, "weight", NULL, NULL, gradOutput, kW, kH, dW, dH, padW, padH, inputWidth,
                      inputHeight, outputWidth, outputHeight));
    const int nthr = nThreads(&g);
    int64_t fsz[3] = {nthr, g.K, g.P};
    TH_TRY(THNN_buffer(NM, "fgradInput", fgradInput, input->dtype, 3, fsz));
    THTensor *gin;
    TH_TRY(THNN_outBegin(NM, "gradInput", gradInput, input->dtype, input->ndim, input->size, &gin));
    THTensor *go = THTensor_newContiguous(gradOutput), *w = THTensor_newContiguous(weight);
    int st = (!go || !w) ? TH_lastErrorCode() : 0;
    if (!st) {
        const int64_t inN = g.nIn * g.iH * g.iW, outN = g.nOut * g.P, colN = g.K * g.P;
        #pragma omp parallel for if (nthr > 1) num_threads(nthr) schedule(static)
        for (int64_t n = 0; n < g.N; n++) {
            const int64_t c = (int64_t)omp_get_thread_num() * colN;
            if (input->dtype == TH_FLOAT32)
                bwd_f(&g, (float *)THTensor_data(go) + n * outN, (float *)THTensor_data(gin) + n * inN,
                      THTensor_data(w), (float *)THTensor_data(fgradInput) + c);
            else
                bwd_d(&g, (double *)THTensor_data(go) + n * outN, (double *)THTensor_data(gin) + n * inN,
                      THTensor_data(w), (double *)THTensor_data(fgradInput) + c);
        }
        THTensor_bumpVersion(fgradInput);
    }
    if (go) THTensor_free(go);
    if (w) THTensor_free(w);
    return THNN_outEnd(gradInput, gin, st);
}

int THNN_SpatialConvolutionLocal_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                                   THTensor *gradBias, THTensor *finput, THTensor *fgradInput,
                                                   int kW, int kH, int dW, int dH, int padW, int padH,
                                                   int64_t inputWidth, int64_t inputHeight, int64_t outputWidth,
                                                   int64_t outputHeight, double scale)
{
    (void)fgradInput;
    LGeom g;
    TH_TRY(shapeCheck(&g, input, gradWeight, "gradWeight", gradBias, "gradBias", gradOutput, kW, kH, dW, dH, padW,
                      padH, inputWidth, inputHeight, outputWidth, outputHeight));
    {
        int64_t want[3] = {g.N, g.K, g.P};
        const int nd = g.batch ? 3 : 2;
        const int64_t *w = g.batch ? want : want + 1;
        int same = finput && finput->dtype == input->dtype && finput->ndim == nd && THTensor_isContiguous(finput);
        for (int i = 0; same && i < nd; i++) same = finput->size[i] == w[i];
        char b1[128];
        TH_CHECK(same, TH_ERR_VALUE, "%s: finput of size %s does not hold the unfolded input (call updateOutput with "
                 "the same input and buffers first)", NM, finput ? THNN_sizeDesc(finput, b1, sizeof b1) : "NULL");
    }
    THTensor *go = THTensor_newContiguous(gradOutput);
    THTensor *gw = THTensor_newContiguous(gradWeight), *gb = gradBias ? THTensor_newContiguous(gradBias) : NULL;
    int st = (!go || !gw || (gradBias && !gb)) ? TH_lastErrorCode() : 0;
    if (!st) {
        if (input->dtype == TH_FLOAT32)
            acc_f(&g, THTensor_data(go), THTensor_data(gw), gb ? THTensor_data(gb) : NULL, THTensor_data(finput), scale);
        else
            acc_d(&g, THTensor_data(go), THTensor_data(gw), gb ? THTensor_data(gb) : NULL, THTensor_data(finput), scale);
    }
    if (!st && gw != gradWeight) st = THTensor_copy(gradWeight, gw);
    if (!st && gb && gb != gradBias) st = THTensor_copy(gradBias, gb);
    if (!st) { THTensor_bumpVersion(gradWeight); if (gradBias) THTensor_bumpVersion(gradBias); }
    if (go) THTensor_free(go);
    if (gw) THTensor_free(gw);
    if (gb) THTensor_free(gb);
    return st;
}
