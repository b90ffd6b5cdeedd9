/* PReLU: x > 0 ? x : w * x with one learnable slope (nOutputPlane == 0) or one per channel.
 * The channel dimension follows THNN: dim 0 of 1-D (C) and 3-D (C x H x W) inputs, dim 1 of
 * 2-D (N x C) and >= 4-D (N x C x ...) inputs. */
#include "THNNElementwise.h"
#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct { int64_t batch, planes, inner; } Geometry;

static int shape_check(THTensor *input, THTensor *weight, int64_t nOutputPlane, Geometry *g)
{
    THNN_CHECK_FLOAT("PReLU", input);
    TH_CHECK(weight, TH_ERR_VALUE, "PReLU: weight is NULL");
    TH_CHECK(weight->dtype == input->dtype, TH_ERR_TYPE, "PReLU: weight has dtype %s but input has dtype %s",
             TH_dtypeName(weight->dtype), TH_dtypeName(input->dtype));
    TH_CHECK(nOutputPlane >= 0, TH_ERR_VALUE, "PReLU: nOutputPlane must be non-negative, got %lld",
             (long long)nOutputPlane);
    int64_t wn = THTensor_numel(weight);
    int64_t numel = THTensor_numel(input);
    if (nOutputPlane == 0) {
        TH_CHECK(wn == 1, TH_ERR_VALUE, "PReLU: a shared slope needs a weight of 1 element, got %lld",
                 (long long)wn);
        g->batch = 1; g->planes = 1; g->inner = numel;
        return 0;
    }
    TH_CHECK(wn == nOutputPlane, TH_ERR_VALUE, "PReLU: weight has %lld elements, expected nOutputPlane = %lld",
             (long long)wn, (long long)nOutputPlane);
    int nd = input->ndim;
    char buf[128];
    TH_CHECK(nd >= 1, TH_ERR_VALUE, "PReLU: expected an input of at least 1 dimension, got a 0-D tensor");
    int cdim = (nd == 1 || nd == 3) ? 0 : 1;
    TH_CHECK(input->size[cdim] == nOutputPlane, TH_ERR_VALUE,
             "PReLU: expected input of size %lld at dimension %d (the channels), got input of size %s",
             (long long)nOutputPlane, cdim, THNN_sizeDesc(input, buf, sizeof buf));
    g->batch = cdim == 1 ? input->size[0] : 1;
    g->planes = nOutputPlane;
    g->inner = 1;
    for (int d = cdim + 1; d < nd; d++) g->inner *= input->size[d];
    return 0;
}

#define PRELU_IMPL(CODE, T, N) \
static void fwd_##N(const T *x, T *y, const T *w, Geometry g) \
{ \
    _Pragma("omp parallel for if (TH_parallelOK(g.batch * g.planes * g.inner))") \
    for (int64_t bp = 0; bp < g.batch * g.planes; bp++) { \
        const T a = w[bp % g.planes]; \
        const T *xp = x + bp * g.inner; T *yp = y + bp * g.inner; \
        for (int64_t i = 0; i < g.inner; i++) yp[i] = xp[i] > 0 ? xp[i] : a * xp[i]; \
    } \
} \
static void bwd_##N(const T *x, const T *go, T *gi, const T *w, Geometry g) \
{ \
    _Pragma("omp parallel for if (TH_parallelOK(g.batch * g.planes * g.inner))") \
    for (int64_t bp = 0; bp < g.batch * g.planes; bp++) { \
        const T a = w[bp % g.planes]; \
        const int64_t o = bp * g.inner; \
        for (int64_t i = 0; i < g.inner; i++) gi[o + i] = x[o + i] > 0 ? go[o + i] : a * go[o + i]; \
    } \
} \
static void acc_##N(const T *x, const T *go, T *gw, double scale, Geometry g) \
{ \
    _Pragma("omp parallel for if (TH_parallelOK(g.batch * g.planes * g.inner))") \
    for (int64_t c = 0; c < g.planes; c++) { \
        double s = 0; \
        for (int64_t b = 0; b < g.batch; b++) { \
            const int64_t o = (b * g.planes + c) * g.inner; \
            for (int64_t i = 0; i < g.inner; i++) if (x[o + i] <= 0) s += (double)x[o + i] * (double)go[o + i]; \
        } \
        gw[c] = (T)((double)gw[c] + scale * s); \
    } \
}
TH_FORALL_FLOAT_DTYPES(PRELU_IMPL)

int THNN_PReLU_updateOutput(THTensor *input, THTensor *output, THTensor *weight, int64_t nOutputPlane)
{
    Geometry g = {0};
    TH_TRY(shape_check(input, weight, nOutputPlane, &g));
    TH_CHECK(output, TH_ERR_VALUE, "PReLU: output is NULL");
    THTensor *x = THTensor_newContiguous(input), *w = THTensor_newContiguous(weight);
    THTensor *y = x && w ? THNN_beginOut(output, input->dtype, input->ndim, input->size, 2,
                                         (THTensor *[]){input, weight}) : NULL;
    int st = y ? 0 : TH_lastErrorCode();
    if (!st && THTensor_numel(input) > 0) {
        if (input->dtype == TH_FLOAT32) fwd_Float(THTensor_data(x), THTensor_data(y), THTensor_data(w), g);
        else fwd_Double(THTensor_data(x), THTensor_data(y), THTensor_data(w), g);
    }
    if (y) st = THNN_finishOut(output, y, st);
    THTensor_free(x); THTensor_free(w);
    return st;
}

int THNN_PReLU_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight,
                               int64_t nOutputPlane)
{
    Geometry g = {0};
    TH_TRY(shape_check(input, weight, nOutputPlane, &g));
    TH_CHECK(gradOutput && gradInput, TH_ERR_VALUE, "PReLU: gradOutput/gradInput is NULL");
    TH_CHECK(gradOutput->dtype == input->dtype, TH_ERR_TYPE, "PReLU: gradOutput has dtype %s, expected %s",
             TH_dtypeName(gradOutput->dtype), TH_dtypeName(input->dtype));
    THNN_CHECK_SAME_SHAPE("PReLU", gradOutput, input);
    THTensor *x = THTensor_newContiguous(input), *go = THTensor_newContiguous(gradOutput);
    THTensor *w = THTensor_newContiguous(weight);
    THTensor *gi = x && go && w ? THNN_beginOut(gradInput, input->dtype, input->ndim, input->size, 3,
                                                (THTensor *[]){input, gradOutput, weight}) : NULL;
    int st = gi ? 0 : TH_lastErrorCode();
    if (!st && THTensor_numel(input) > 0) {
        if (input->dtype == TH_FLOAT32)
            bwd_Float(THTensor_data(x), THTensor_data(go), THTensor_data(gi), THTensor_data(w), g);
        else bwd_Double(THTensor_data(x), THTensor_data(go), THTensor_data(gi), THTensor_data(w), g);
    }
    if (gi) st = THNN_finishOut(gradInput, gi, st);
    THTensor_free(x); THTensor_free(go); THTensor_free(w);
    return st;
}

/* gradWeight += scale * sum over x <= 0 of x * gradOutput (per channel). gradInput and the
 * two buffers of THNN's signature are not used on the CPU (may be NULL). */
int THNN_PReLU_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight,
                                 THTensor *gradWeight, THTensor *gradWeightBuf, THTensor *gradWeightBuf2,
                                 int64_t nOutputPlane, double scale)
{
    (void)gradInput; (void)gradWeightBuf; (void)gradWeightBuf2;
    Geometry g = {0};
    TH_TRY(shape_check(input, weight, nOutputPlane, &g));
    TH_CHECK(gradOutput && gradWeight, TH_ERR_VALUE, "PReLU: gradOutput/gradWeight is NULL");
    TH_CHECK(gradOutput->dtype == input->dtype, TH_ERR_TYPE, "PReLU: gradOutput has dtype %s, expected %s",
             TH_dtypeName(gradOutput->dtype), TH_dtypeName(input->dtype));
    THNN_CHECK_SAME_SHAPE("PReLU", gradOutput, input);
    if (gradWeight->dtype < 0 || !gradWeight->storage) {
        /* a fresh gradWeight starts at zero, shaped like weight */
        TH_TRY(TH_prepareOut(gradWeight, input->dtype, weight->ndim, weight->size));
        TH_TRY(THTensor_zero(gradWeight));
    }
    TH_CHECK(gradWeight->dtype == input->dtype, TH_ERR_TYPE, "PReLU: gradWeight has dtype %s, expected %s",
             TH_dtypeName(gradWeight->dtype), TH_dtypeName(input->dtype));
    TH_CHECK(THTensor_numel(gradWeight) == THTensor_numel(weight), TH_ERR_VALUE,
             "PReLU: gradWeight has %lld elements, expected %lld like weight", (long long)THTensor_numel(gradWeight),
             (long long)THTensor_numel(weight));
    THTensor *x = THTensor_newContiguous(input), *go = THTensor_newContiguous(gradOutput);
    THTensor *gw = THTensor_newContiguous(gradWeight);
    int st = (x && go && gw) ? 0 : TH_lastErrorCode();
    if (!st) {
        if (input->dtype == TH_FLOAT32) acc_Float(THTensor_data(x), THTensor_data(go), THTensor_data(gw), scale, g);
        else acc_Double(THTensor_data(x), THTensor_data(go), THTensor_data(gw), scale, g);
        if (gw != gradWeight) st = THTensor_copy(gradWeight, gw);
        THTensor_bumpVersion(gradWeight);
    }
    THTensor_free(x); THTensor_free(go); THTensor_free(gw);
    return st;
}
