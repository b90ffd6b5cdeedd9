/* BatchNormalization over dim 1 of N x C or N x C x ... inputs. Channels run in parallel;
 * statistics accumulate in double. save_std holds the inverse standard deviation. */
#include "THNNElementwise.h"

typedef struct { int64_t N, C, inner; } BNGeom;

/* element c of a 1-D parameter / statistics tensor (any stride), or dflt when t is NULL */
#define VEC_GET(T, t, c, dflt) ((t) ? (double)((T *)THTensor_data(t))[(c) * (t)->stride[0]] : (dflt))
#define VEC_PTR(T, t, c) (((T *)THTensor_data(t)) + (c) * (t)->stride[0])

static int check_vec(THTensor *t, const char *name, const THTensor *input, int64_t C)
{
    if (!t) return 0;
    TH_CHECK(t->dtype == input->dtype, TH_ERR_TYPE, "BatchNormalization: %s has dtype %s but input has dtype %s",
             name, t->dtype < 0 ? "undefined" : TH_dtypeName(t->dtype), TH_dtypeName(input->dtype));
    char b[128];
    TH_CHECK(t->ndim == 1 && t->size[0] == C, TH_ERR_VALUE,
             "BatchNormalization: expected %s of size [%lld] (one per channel), got %s", name, (long long)C,
             THNN_sizeDesc(t, b, sizeof b));
    return 0;
}

static int shape_check(THTensor *input, BNGeom *g)
{
    char b[128];
    TH_CHECK(input, TH_ERR_VALUE, "BatchNormalization: input is NULL");
    THNN_CHECK_FLOAT("BatchNormalization", input);
    TH_CHECK(input->ndim >= 2, TH_ERR_VALUE, "BatchNormalization: expected 2D (N x C) or higher (N x C x ...) input, "
             "got %s", THNN_sizeDesc(input, b, sizeof b));
    g->N = input->size[0]; g->C = input->size[1]; g->inner = 1;
    for (int d = 2; d < input->ndim; d++) g->inner *= input->size[d];
    return 0;
}

#define BN_IMPL(CODE, T, NM) \
static void fwd_##NM(const T *x, T *y, BNGeom g, THTensor *weight, THTensor *bias, THTensor *rm, THTensor *rv, \
                     THTensor *sm, THTensor *ss, int train, double momentum, double eps) \
{ \
    const int64_t n = g.N * g.inner, inner = g.inner, C = g.C; \
    _Pragma("omp parallel for if (TH_coresAreFree(n * C))") \
    for (int64_t c = 0; c < C; c++) { \
        double mean, invstd; \
        if (train) { \
            double s = 0; \
            for (int64_t b = 0; b < g.N; b++) { \
                const T *p = x + (b * C + c) * inner; \
                _Pragma("omp simd reduction(+:s)") \
                for (int64_t i = 0; i < inner; i++) s += p[i]; \
            } \
            mean = s / (double)n; \
            double v = 0; \
            for (int64_t b = 0; b < g.N; b++) { \
                const T *p = x + (b * C + c) * inner; \
                _Pragma("omp simd reduction(+:v)") \
                for (int64_t i = 0; i < inner; i++) v += ((double)p[i] - mean) * ((double)p[i] - mean); \
            } \
            invstd = 1.0 / sqrt(v / (double)n + eps); \
            *VEC_PTR(T, sm, c) = (T)mean; \
            *VEC_PTR(T, ss, c) = (T)invstd; \
            if (rm) { T *r = VEC_PTR(T, rm, c); *r = (T)(momentum * mean + (1 - momentum) * (double)*r); } \
            if (rv) { T *r = VEC_PTR(T, rv, c); \
                      *r = (T)(momentum * v / (double)(n - 1) + (1 - momentum) * (double)*r); } \
        } else { \
            mean = VEC_GET(T, rm, c, 0); \
            invstd = 1.0 / sqrt(VEC_GET(T, rv, c, 1) + eps); \
        } \
        const double w = VEC_GET(T, weight, c, 1), bb = VEC_GET(T, bias, c, 0); \
        const T a = (T)(invstd * w), sh = (T)(bb - mean * invstd * w); \
        for (int64_t b = 0; b < g.N; b++) { \
            const T *p = x + (b * C + c) * inner; T *q = y + (b * C + c) * inner; \
            _Pragma("omp simd") \
            for (int64_t i = 0; i < inner; i++) q[i] = p[i] * a + sh; \
        } \
    } \
} \
static void bwd_##NM(const T *x, const T *go, T *gi, BNGeom g, THTensor *gw, THTensor *gb, THTensor *weight, \
                     THTensor *rm, THTensor *rv, THTensor *sm, THTensor *ss, int train, double scale, double eps) \
{ \
    const int64_t n = g.N * g.inner, inner = g.inner, C = g.C; \
    _Pragma("omp parallel for if (TH_coresAreFree(n * C))") \
    for (int64_t c = 0; c < C; c++) { \
        double mean, invstd; \
        if (train) { mean = VEC_GET(T, sm, c, 0); invstd = VEC_GET(T, ss, c, 1); } \
        else { mean = VEC_GET(T, rm, c, 0); invstd = 1.0 / sqrt(VEC_GET(T, rv, c, 1) + eps); } \
        const double w = VEC_GET(T, weight, c, 1); \
        double sum = 0, dotp = 0; \
        for (int64_t b = 0; b < g.N; b++) { \
            const T *p = x + (b * C + c) * inner, *q = go + (b * C + c) * inner; \
            _Pragma("omp simd reduction(+:sum, dotp)") \
            for (int64_t i = 0; i < inner; i++) { sum += q[i]; dotp += ((double)p[i] - mean) * q[i]; } \
        } \
        if (gi) { \
            if (train) { \
                const double k = dotp * invstd * invstd / (double)n, gm = sum / (double)n; \
                for (int64_t b = 0; b < g.N; b++) { \
                    const T *p = x + (b * C + c) * inner, *q = go + (b * C + c) * inner; \
                    T *r = gi + (b * C + c) * inner; \
                    for (int64_t i = 0; i < inner; i++) \
                        r[i] = (T)(((double)q[i] - gm - ((double)p[i] - mean) * k) * invstd * w); \
                } \
            } else { \
                const T f = (T)(invstd * w); \
                for (int64_t b = 0; b < g.N; b++) { \
                    const T *q = go + (b * C + c) * inner; T *r = gi + (b * C + c) * inner; \
                    for (int64_t i = 0; i < inner; i++) r[i] = q[i] * f; \
                } \
            } \
        } \
        if (gw) { T *r = VEC_PTR(T, gw, c); *r = (T)((double)*r + scale * dotp * invstd); } \
        if (gb) { T *r = VEC_PTR(T, gb, c); *r = (T)((double)*r + scale * sum); } \
    } \
}
TH_FORALL_FLOAT_DTYPES(BN_IMPL)

int THNN_BatchNormalization_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                         THTensor *running_mean, THTensor *running_var, THTensor *save_mean,
                                         THTensor *save_std, int train, double momentum, double eps)
{
    BNGeom g = {0};
    TH_TRY(shape_check(input, &g));
    TH_CHECK(output, TH_ERR_VALUE, "BatchNormalization: output is NULL");
    TH_TRY(check_vec(weight, "weight", input, g.C));
    TH_TRY(check_vec(bias, "bias", input, g.C));
    TH_TRY(check_vec(running_mean, "running_mean", input, g.C));
    TH_TRY(check_vec(running_var, "running_var", input, g.C));
    TH_CHECK(eps > 0 || (eps == 0 && train), TH_ERR_VALUE, "BatchNormalization: eps must be positive, got %g", eps);
    if (train) {
        TH_CHECK(g.N * g.inner > 1, TH_ERR_VALUE,
                 "BatchNormalization: expected more than 1 value per channel when training, got input of %lld x %lld",
                 (long long)g.N, (long long)g.inner);
        TH_CHECK(save_mean && save_std, TH_ERR_VALUE, "BatchNormalization: save_mean/save_std buffers are NULL");
        TH_TRY(TH_prepareOut(save_mean, input->dtype, 1, &g.C));
        TH_TRY(TH_prepareOut(save_std, input->dtype, 1, &g.C));
        TH_TRY(check_vec(save_mean, "save_mean", input, g.C));
        TH_TRY(check_vec(save_std, "save_std", input, g.C));
    } else {
        TH_CHECK(running_mean && running_var, TH_ERR_VALUE,
                 "BatchNormalization: running_mean and running_var are needed in evaluation mode");
    }
    THTensor *x = THTensor_newContiguous(input);
    THTensor *y = x ? THTensor_newWithSize(input->dtype, input->ndim, input->size) : NULL;
    int st = y ? 0 : TH_lastErrorCode();
    if (!st && THTensor_numel(input) > 0) {
        if (input->dtype == TH_FLOAT32)
            fwd_Float(THTensor_data(x), THTensor_data(y), g, weight, bias, running_mean, running_var, save_mean,
                      save_std, train, momentum, eps);
        else
            fwd_Double(THTensor_data(x), THTensor_data(y), g, weight, bias, running_mean, running_var, save_mean,
                       save_std, train, momentum, eps);
        if (train) {
            THTensor_bumpVersion(save_mean); THTensor_bumpVersion(save_std);
            if (running_mean) THTensor_bumpVersion(running_mean);
            if (running_var) THTensor_bumpVersion(running_var);
        }
    }
    if (!st) st = TH_prepareOut(output, input->dtype, input->ndim, input->size);
    if (!st) st = THTensor_copy(output, y);
    THTensor_free(x); THTensor_free(y);
    return st;
}

int THNN_BatchNormalization_backward(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                     THTensor *gradWeight, THTensor *gradBias, THTensor *weight,
                                     THTensor *running_mean, THTensor *running_var, THTensor *save_mean,
                                     THTensor *save_std, int train, double scale, double eps)
{
    BNGeom g = {0};
    TH_TRY(shape_check(input, &g));
    TH_CHECK(gradOutput, TH_ERR_VALUE, "BatchNormalization: gradOutput is NULL");
    TH_CHECK(gradOutput->dtype == input->dtype, TH_ERR_TYPE, "BatchNormalization: gradOutput has dtype %s, expected %s",
             TH_dtypeName(gradOutput->dtype), TH_dtypeName(input->dtype));
    THNN_CHECK_SAME_SHAPE("BatchNormalization", gradOutput, input);
    TH_TRY(check_vec(weight, "weight", input, g.C));
    TH_TRY(check_vec(gradWeight, "gradWeight", input, g.C));
    TH_TRY(check_vec(gradBias, "gradBias", input, g.C));
    if (train) {
        TH_CHECK(save_mean && save_std, TH_ERR_VALUE, "BatchNormalization: save_mean/save_std are needed in training mode");
        TH_TRY(check_vec(save_mean, "save_mean", input, g.C));
        TH_TRY(check_vec(save_std, "save_std", input, g.C));
    } else {
        TH_CHECK(running_mean && running_var, TH_ERR_VALUE,
                 "BatchNormalization: running_mean and running_var are needed in evaluation mode");
        TH_TRY(check_vec(running_mean, "running_mean", input, g.C));
        TH_TRY(check_vec(running_var, "running_var", input, g.C));
    }
    THTensor *x = THTensor_newContiguous(input), *go = THTensor_newContiguous(gradOutput);
    THTensor *gi = gradInput ? THTensor_newWithSize(input->dtype, input->ndim, input->size) : NULL;
    int st = x && go && (gi || !gradInput) ? 0 : TH_lastErrorCode();
    if (!st && THTensor_numel(input) > 0) {
        if (input->dtype == TH_FLOAT32)
            bwd_Float(THTensor_data(x), THTensor_data(go), gi ? THTensor_data(gi) : NULL, g, gradWeight, gradBias,
                      weight, running_mean, running_var, save_mean, save_std, train, scale, eps);
        else
            bwd_Double(THTensor_data(x), THTensor_data(go), gi ? THTensor_data(gi) : NULL, g, gradWeight, gradBias,
                       weight, running_mean, running_var, save_mean, save_std, train, scale, eps);
        if (gradWeight) THTensor_bumpVersion(gradWeight);
        if (gradBias) THTensor_bumpVersion(gradBias);
    }
    if (!st && gradInput) {
        st = TH_prepareOut(gradInput, input->dtype, input->ndim, input->size);
        if (!st) st = THTensor_copy(gradInput, gi);
    }
    THTensor_free(x); THTensor_free(go); THTensor_free(gi);
    return st;
}
