/* TemporalConvolution: 1-D convolution over frames (input nFrame x inputFrameSize, batch
 * N x nFrame x inputFrameSize; weight outputFrameSize x (kW*inputFrameSize)). No im2col: as
 * THNN, the kW-frame windows are read in place as rows of a strided matrix, in passes whose
 * windows do not overlap so every pass is one gemm. */
#include "THNNConv.h"
#include "../TH/THBlas.h"
#include <omp.h>

typedef struct {
    int64_t N, nIn, nOut, iFS, oFS, kW, dW;
    int batch;
} TGeom;

static int shapeCheck(const char *nm, TGeom *g, THTensor *input, THTensor *weight, const char *wname, THTensor *bias,
                      const char *bname, THTensor *gradOutput, int kW, int dW, int64_t inputFrameSize)
{
    char b1[128], b2[128];
    TH_CHECK(kW > 0, TH_ERR_VALUE, "%s: kernel size kW should be greater than zero, got %d", nm, kW);
    TH_CHECK(dW > 0, TH_ERR_VALUE, "%s: stride dW should be greater than zero, got %d", nm, dW);
    THNN_CHECK_FLOAT(nm, input);
    TH_CHECK(input->ndim == 2 || input->ndim == 3, TH_ERR_VALUE,
             "%s: expected 2D or 3D input (batch mode), got %s", nm, THNN_sizeDesc(input, b1, sizeof b1));
    g->batch = input->ndim == 3;
    g->N = g->batch ? input->size[0] : 1;
    g->nIn = input->size[input->ndim - 2];
    g->iFS = input->size[input->ndim - 1];
    g->kW = kW; g->dW = dW;
    TH_CHECK(weight, TH_ERR_VALUE, "%s: %s is NULL", nm, wname);
    TH_CHECK(weight->dtype == input->dtype, TH_ERR_TYPE, "%s: %s has dtype %s but input has dtype %s", nm, wname,
             TH_dtypeName(weight->dtype), TH_dtypeName(input->dtype));
    if (inputFrameSize < 0) inputFrameSize = g->iFS;
    TH_CHECK(weight->ndim == 2 && weight->size[1] == (int64_t)kW * inputFrameSize, TH_ERR_VALUE,
             "%s: expected %s of size [outputFrameSize x %lld] (kW*inputFrameSize), got %s", nm, wname,
             (long long)kW * inputFrameSize, THNN_sizeDesc(weight, b1, sizeof b1));
    g->oFS = weight->size[0];
    TH_CHECK(g->iFS == inputFrameSize, TH_ERR_VALUE, "%s: expected input frame size %lld, got input of size %s", nm,
             (long long)inputFrameSize, THNN_sizeDesc(input, b1, sizeof b1));
    const int64_t span = g->nIn - kW;
    g->nOut = (span >= 0 ? span / dW : -((-span + dW - 1) / dW)) + 1;
    TH_CHECK(g->nOut >= 1, TH_ERR_VALUE,
             "%s: calculated output size (%lld) is too small: input has %lld frames, kernel width kW is %d", nm,
             (long long)g->nOut, (long long)g->nIn, kW);
    if (bias) {
        TH_CHECK(bias->dtype == input->dtype, TH_ERR_TYPE, "%s: %s has dtype %s but input has dtype %s", nm, bname,
                 TH_dtypeName(bias->dtype), TH_dtypeName(input->dtype));
        TH_CHECK(bias->ndim == 1 && bias->size[0] == g->oFS, TH_ERR_VALUE, "%s: expected %s of size [%lld], got %s",
                 nm, bname, (long long)g->oFS, THNN_sizeDesc(bias, b1, sizeof b1));
    }
    if (gradOutput) {
        TH_CHECK(gradOutput->dtype == input->dtype, TH_ERR_TYPE, "%s: gradOutput has dtype %s but input has dtype %s",
                 nm, TH_dtypeName(gradOutput->dtype), TH_dtypeName(input->dtype));
        int ok = gradOutput->ndim == input->ndim && gradOutput->size[gradOutput->ndim - 2] == g->nOut &&
                 gradOutput->size[gradOutput->ndim - 1] == g->oFS && (!g->batch || gradOutput->size[0] == g->N);
        if (!ok) {
            if (g->batch) snprintf(b2, sizeof b2, "[%lld x %lld x %lld]", (long long)g->N, (long long)g->nOut, (long long)g->oFS);
            else snprintf(b2, sizeof b2, "[%lld x %lld]", (long long)g->nOut, (long long)g->oFS);
            return TH_setError(TH_ERR_VALUE, "%s: expected gradOutput of size %s, got %s", nm, b2,
                               THNN_sizeDesc(gradOutput, b1, sizeof b1));
        }
    }
    return 0;
}

/* Output frame t = k + m*ofs (pass k, m-th window) reads input frames [t*dW, t*dW + kW):
 * with ofs = ceil(kW/dW) consecutive windows of one pass are at least kW frames apart. */
#define PASSES(g) const int64_t ofs = ((g)->kW - 1) / (g)->dW + 1; \
    for (int64_t k = 0; k < ofs && k < (g)->nOut; k++) { \
        const int64_t cnt = ((g)->nOut - k + ofs - 1) / ofs, istep = ofs * (g)->dW * (g)->iFS, \
                      ioff = k * (g)->dW * (g)->iFS, ooff = k * (g)->oFS, ostep = ofs * (g)->oFS;

#define DEFINE_TEMPORAL(T, DT, S) \
static void fwd_##S(const TGeom *g, const T *in, T *out, const T *w, const T *b) \
{ \
    for (int64_t t = 0; t < g->nOut; t++) \
        for (int64_t o = 0; o < g->oFS; o++) out[t * g->oFS + o] = b ? b[o] : 0; \
    PASSES(g) \
        THBlas_gemm(DT, 'N', 'T', cnt, g->oFS, g->kW * g->iFS, 1.0, in + ioff, istep, w, g->kW * g->iFS, 1.0, \
                    out + ooff, ostep); \
    } \
} \
static void bwd_##S(const TGeom *g, const T *gout, T *gin, const T *w) \
{ \
    memset(gin, 0, sizeof(T) * (size_t)(g->nIn * g->iFS)); \
    PASSES(g) \
        THBlas_gemm(DT, 'N', 'N', cnt, g->kW * g->iFS, g->oFS, 1.0, gout + ooff, ostep, w, g->kW * g->iFS, 1.0, \
                    gin + ioff, istep); \
    } \
} \
static void acc_##S(const TGeom *g, const T *in, const T *gout, T *gw, double scale) \
{ \
    PASSES(g) \
        THBlas_gemm(DT, 'T', 'N', g->oFS, g->kW * g->iFS, cnt, scale, gout + ooff, ostep, in + ioff, istep, 1.0, \
                    gw, g->kW * g->iFS); \
    } \
}
DEFINE_TEMPORAL(float, TH_FLOAT32, f)
DEFINE_TEMPORAL(double, TH_FLOAT64, d)

static int nThreads(const TGeom *g)
{
    int n = omp_in_parallel() || !TH_parallelOK(g->N * g->nIn * g->nOut) ? 1 : TH_getNumThreads();
    if (n > g->N) n = (int)g->N;
    return n < 1 ? 1 : n;
}

static int empty(const TGeom *g) { return g->N == 0 || g->oFS == 0 || g->iFS == 0; }

int THNN_TemporalConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                          int kW, int dW, int inputFrameSize, int outputFrameSize)
{
    const char *nm = "TemporalConvolution";
    TGeom g;
    TH_TRY(shapeCheck(nm, &g, input, weight, "weight", bias, "bias", NULL, kW, dW, inputFrameSize));
    TH_CHECK(g.oFS == outputFrameSize, TH_ERR_VALUE, "%s: weight has %lld output frames, outputFrameSize is %d", nm,
             (long long)g.oFS, outputFrameSize);
    int64_t sz[3] = {g.N, g.nOut, g.oFS};
    THTensor *out;
    TH_TRY(THNN_outBegin(nm, "output", output, input->dtype, g.batch ? 3 : 2, g.batch ? sz : sz + 1, &out));
    THTensor *in = THTensor_newContiguous(input), *w = THTensor_newContiguous(weight);
    THTensor *b = bias ? THTensor_newContiguous(bias) : NULL;
    int st = (!in || !w || (bias && !b)) ? TH_lastErrorCode() : 0;
    if (!st && !empty(&g)) {
        const int nthr = nThreads(&g), par = nthr > 1;
        const int saved = THNNConv_blasThreadsBegin(par);
        const int64_t inN = g.nIn * g.iFS, outN = g.nOut * g.oFS;
        #pragma omp parallel for if (par) num_threads(nthr) schedule(static)
        for (int64_t n = 0; n < g.N; n++) {
            if (input->dtype == TH_FLOAT32)
                fwd_f(&g, (float *)THTensor_data(in) + n * inN, (float *)THTensor_data(out) + n * outN,
                      THTensor_data(w), b ? THTensor_data(b) : NULL);
            else
                fwd_d(&g, (double *)THTensor_data(in) + n * inN, (double *)THTensor_data(out) + n * outN,
                      THTensor_data(w), b ? THTensor_data(b) : NULL);
        }
        THNNConv_blasThreadsEnd(par, saved);
    }
    if (in) THTensor_free(in);
    if (w) THTensor_free(w);
    if (b) THTensor_free(b);
    return THNN_outEnd(output, out, st);
}

int THNN_TemporalConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                             THTensor *weight, int kW, int dW)
{
    const char *nm = "TemporalConvolution";
    TGeom g;
    TH_TRY(shapeCheck(nm, &g, input, weight, "weight", NULL, NULL, gradOutput, kW, dW, -1));
    THTensor *gin;
    TH_TRY(THNN_outBegin(nm, "gradInput", gradInput, input->dtype, input->ndim, input->size, &gin));
    THTensor *go = THTensor_newContiguous(gradOutput), *w = THTensor_newContiguous(weight);
    int st = (!go || !w) ? TH_lastErrorCode() : 0;
    if (!st && empty(&g)) st = THTensor_zero(gin);
    else if (!st) {
        const int nthr = nThreads(&g), par = nthr > 1;
        const int saved = THNNConv_blasThreadsBegin(par);
        const int64_t inN = g.nIn * g.iFS, outN = g.nOut * g.oFS;
        #pragma omp parallel for if (par) num_threads(nthr) schedule(static)
        for (int64_t n = 0; n < g.N; n++) {
            if (input->dtype == TH_FLOAT32)
                bwd_f(&g, (float *)THTensor_data(go) + n * outN, (float *)THTensor_data(gin) + n * inN, THTensor_data(w));
            else
                bwd_d(&g, (double *)THTensor_data(go) + n * outN, (double *)THTensor_data(gin) + n * inN, THTensor_data(w));
        }
        THNNConv_blasThreadsEnd(par, saved);
    }
    if (go) THTensor_free(go);
    if (w) THTensor_free(w);
    return THNN_outEnd(gradInput, gin, st);
}

int THNN_TemporalConvolution_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                               THTensor *gradBias, int kW, int dW, double scale)
{
    const char *nm = "TemporalConvolution";
    TGeom g;
    TH_TRY(shapeCheck(nm, &g, input, gradWeight, "gradWeight", gradBias, "gradBias", gradOutput, kW, dW, -1));
    THTensor *in = THTensor_newContiguous(input), *go = THTensor_newContiguous(gradOutput);
    THTensor *gw = THTensor_newContiguous(gradWeight), *gb = gradBias ? THTensor_newContiguous(gradBias) : NULL;
    int st = (!in || !go || !gw || (gradBias && !gb)) ? TH_lastErrorCode() : 0;
    if (!st && !empty(&g)) {
        /* serial over samples (they all add into gradWeight); OpenBLAS threads the gemms */
        const int saved = THNNConv_blasThreadsBegin(0);
        const int64_t inN = g.nIn * g.iFS, outN = g.nOut * g.oFS;
        for (int64_t n = 0; n < g.N; n++) {
            if (input->dtype == TH_FLOAT32)
                acc_f(&g, (float *)THTensor_data(in) + n * inN, (float *)THTensor_data(go) + n * outN,
                      THTensor_data(gw), scale);
            else
                acc_d(&g, (double *)THTensor_data(in) + n * inN, (double *)THTensor_data(go) + n * outN,
                      THTensor_data(gw), scale);
        }
        THNNConv_blasThreadsEnd(0, saved);
    }
    if (!st && gb) {
        const int64_t rows = g.N * g.nOut;
        for (int64_t o = 0; o < g.oFS; o++) {
            double acc = 0;
            if (input->dtype == TH_FLOAT32) { const float *p = THTensor_data(go); for (int64_t r = 0; r < rows; r++) acc += p[r * g.oFS + o]; }
            else { const double *p = THTensor_data(go); for (int64_t r = 0; r < rows; r++) acc += p[r * g.oFS + o]; }
            if (input->dtype == TH_FLOAT32) ((float *)THTensor_data(gb))[o] += (float)(scale * acc);
            else ((double *)THTensor_data(gb))[o] += scale * acc;
        }
    }
    if (!st && gw != gradWeight) st = THTensor_copy(gradWeight, gw);
    if (!st && gb && gb != gradBias) st = THTensor_copy(gradBias, gb);
    if (!st) { THTensor_bumpVersion(gradWeight); if (gradBias) THTensor_bumpVersion(gradBias); }
    if (in) THTensor_free(in);
    if (go) THTensor_free(go);
    if (gw) THTensor_free(gw);
    if (gb) THTensor_free(gb);
    return st;
}
