/* BatchNormalization over dim 1 of N x C or N x C x ... inputs. Channels run in parallel;
 * statistics accumulate in double. save_std holds the inverse standard deviation. */
#include "THNNElementwise.h"
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

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

/* Per-dtype kernels, compiled for AVX-512/AVX2/baseline (THNN_CLONES). E1/E2 read xv = x,
 * gv = gradOutput (x where there is none) and mv = the channel's mean or pivot; sums are double.
 * cols_*: an N x C block, channels on the contiguous axis: BN_BK channels at a time keep their
 * sums in registers across all rows. run_*: one channel of N x C x ...: N runs of len values. */
#define BN_BK 32

#define BN_COLS_BLOCK(T, E1, E2, nb) do { \
    double a1[BN_BK] = {0}, a2[BN_BK] = {0}, mk[BN_BK] = {0}; \
    for (int k = 0; k < (nb); k++) mk[k] = m[k0 + k]; \
    for (int64_t r = 0; r < rows; r++) { \
        const T *xr = x + r * ld + k0, *gr = go + r * ld + k0; \
        _Pragma("omp simd") \
        for (int k = 0; k < (nb); k++) { const double xv = xr[k], gv = gr[k], mv = mk[k]; \
            (void)xv; (void)gv; (void)mv; a1[k] += (E1); a2[k] += (E2); } \
    } \
    for (int k = 0; k < (nb); k++) { s1[k0 + k] = a1[k]; s2[k0 + k] = a2[k]; } \
} while (0)

/* *s1, *s2 = sums of E1, E2 over rows runs of len values (xv = x, gv = gradOutput). BN_LANES
 * partial sums per quantity stay in vector registers across all rows: one running sum per
 * quantity would make each row a chain of dependent adds ending in a horizontal reduction. */
#define BN_LANES 32
#define BN_RUN_SUM2(T, E1, E2) do { \
    double a1[BN_LANES] = {0}, a2[BN_LANES] = {0}; \
    for (int64_t r = 0; r < rows; r++) { \
        const T *xr = x + r * ld, *gr = go + r * ld; \
        int64_t i = 0; \
        for (; i + BN_LANES <= len; i += BN_LANES) { \
            _Pragma("omp simd") \
            for (int j = 0; j < BN_LANES; j++) { const double xv = xr[i + j], gv = gr[i + j]; \
                (void)xv; (void)gv; a1[j] += (E1); a2[j] += (E2); } \
        } \
        for (; i < len; i++) { const double xv = xr[i], gv = gr[i]; (void)xv; (void)gv; a1[0] += (E1); a2[0] += (E2); } \
    } \
    double t1 = 0, t2 = 0; \
    for (int j = 0; j < BN_LANES; j++) { t1 += a1[j]; t2 += a2[j]; } \
    *s1 = t1; *s2 = t2; \
} while (0)
#define BN_KERNELS(NM, T) \
THNN_CLONES static void cols_stats_##NM(const T *restrict x, const T *restrict go, int64_t rows, int64_t ld, \
                                        int64_t nc, const double *restrict m, double *restrict s1, \
                                        double *restrict s2) \
{ \
    int64_t k0 = 0; \
    for (; k0 + BN_BK <= nc; k0 += BN_BK) BN_COLS_BLOCK(T, xv - mv, (xv - mv) * (xv - mv), BN_BK); \
    if (k0 < nc) BN_COLS_BLOCK(T, xv - mv, (xv - mv) * (xv - mv), nc - k0); \
    (void)go; \
} \
THNN_CLONES static void cols_grads_##NM(const T *restrict x, const T *restrict go, int64_t rows, int64_t ld, \
                                        int64_t nc, const double *restrict m, double *restrict s1, \
                                        double *restrict s2) \
{ \
    int64_t k0 = 0; \
    for (; k0 + BN_BK <= nc; k0 += BN_BK) BN_COLS_BLOCK(T, gv, (xv - mv) * gv, BN_BK); \
    if (k0 < nc) BN_COLS_BLOCK(T, gv, (xv - mv) * gv, nc - k0); \
} \
/* out = in * A[k] + S[k] (+ xin * X[k] when xin) over rows x nc */ \
THNN_CLONES_MEM static void cols_affine_##NM(T *restrict out, const T *restrict in, const T *restrict xin, int64_t rows, \
                                         int64_t ld, int64_t nc, const T *restrict A, const T *restrict S, \
                                         const T *restrict X) \
{ \
    for (int64_t r = 0; r < rows; r++) { \
        const T *ir = in + r * ld; T *orow = out + r * ld; \
        if (xin) { const T *xr = xin + r * ld; \
            _Pragma("omp simd") for (int64_t k = 0; k < nc; k++) orow[k] = ir[k] * A[k] + S[k] + xr[k] * X[k]; } \
        else { _Pragma("omp simd") for (int64_t k = 0; k < nc; k++) orow[k] = ir[k] * A[k] + S[k]; } \
    } \
} \
THNN_CLONES static void run_stats_##NM(const T *restrict x, const T *restrict go, int64_t rows, int64_t ld, \
                                       int64_t len, double m, double *s1, double *s2) \
{ \
    BN_RUN_SUM2(T, xv - m, (xv - m) * (xv - m)); (void)go; \
} \
THNN_CLONES static void run_grads_##NM(const T *restrict x, const T *restrict go, int64_t rows, int64_t ld, \
                                       int64_t len, double m, double *s1, double *s2) \
{ \
    BN_RUN_SUM2(T, gv, (xv - m) * gv); \
} \
THNN_CLONES_MEM static void run_affine_##NM(T *restrict out, const T *restrict in, const T *restrict xin, int64_t rows, \
                                        int64_t ld, int64_t len, T a, T s, T xx) \
{ \
    for (int64_t r = 0; r < rows; r++) { \
        const T *ir = in + r * ld; T *orow = out + r * ld; \
        if (xin) { const T *xr = xin + r * ld; \
            _Pragma("omp simd") for (int64_t i = 0; i < len; i++) orow[i] = ir[i] * a + s + xr[i] * xx; } \
        else { _Pragma("omp simd") for (int64_t i = 0; i < len; i++) orow[i] = ir[i] * a + s; } \
    } \
}
BN_KERNELS(Float, float)
BN_KERNELS(Double, double)

/* acc1/acc2[k] = sums (KIND stats: of x - m and its square; grads: of go and (x - m) * go) over
 * batch and inner positions of channel c0 + k */
#define BN_CHANNEL_SUM2(NM, KIND, acc1, acc2) do { \
    if (inner == 1) cols_##KIND##_##NM(x + c0, (go ? go : x) + c0, g.N, C, nc, mean, acc1, acc2); \
    else \
        for (int64_t k = 0; k < nc; k++) { \
            const int64_t o_ = (c0 + k) * inner; \
            run_##KIND##_##NM(x + o_, (go ? go : x) + o_, g.N, C * inner, inner, mean[k], acc1 + k, acc2 + k); \
        } \
} while (0)

/* out = in * A[k] + S[k] (+ xin * X[k] when xin) per channel */
#define BN_CHANNEL_AFFINE(NM, out, in, A, S, xin, X) do { \
    if (inner == 1) cols_affine_##NM(out + c0, in + c0, xin ? xin + c0 : NULL, g.N, C, nc, A + 0, S + 0, X + 0); \
    else \
        for (int64_t k = 0; k < nc; k++) { \
            const int64_t o_ = (c0 + k) * inner; \
            run_affine_##NM(out + o_, in + o_, xin ? xin + o_ : NULL, g.N, C * inner, inner, A[k], S[k], \
                            xin ? X[k] : 0); \
        } \
} while (0)

#ifdef _OPENMP
#define BN_THREAD_RANGE() int nth_ = omp_get_num_threads(), tid_ = omp_get_thread_num()
#else
#define BN_THREAD_RANGE() int nth_ = 1, tid_ = 0
#endif

#define BN_IMPL(CODE, T, NM) \
static int fwd_##NM(const T *x, T *y, BNGeom g, THTensor *weight, THTensor *bias, THTensor *rm, THTensor *rv, \
                    THTensor *sm, THTensor *ss, int train, double momentum, double eps) \
{ \
    const int64_t n = g.N * g.inner, inner = g.inner, C = g.C; \
    const T *go = NULL; \
    int failed = 0; \
    _Pragma("omp parallel if (TH_parallelOK(n * C))") \
    { \
        BN_THREAD_RANGE(); \
        const int64_t c0 = C * tid_ / nth_, c1 = C * (tid_ + 1) / nth_, nc = c1 - c0; \
        double *mean = calloc((size_t)(nc + 1), sizeof(double)), *acc = malloc(sizeof(double) * (size_t)(nc + 1)); \
        double *acc2 = malloc(sizeof(double) * (size_t)(nc + 1)); \
        T *A = malloc(sizeof(T) * (size_t)(nc + 1)), *S = malloc(sizeof(T) * (size_t)(nc + 1)); \
        if (!mean || !acc || !acc2 || !A || !S) { _Pragma("omp atomic write") failed = 1; } \
        else { \
            if (train) { \
                /* one pass: sums around a pivot (the channel's first value) keep the variance \
                 * E[(x-p)^2] - E[x-p]^2 free of the cancellation of E[x^2] - E[x]^2 */ \
                for (int64_t k = 0; k < nc; k++) mean[k] = x[(c0 + k) * inner]; \
                BN_CHANNEL_SUM2(NM, stats, acc, acc2); \
                for (int64_t k = 0; k < nc; k++) { \
                    const double d = acc[k] / (double)n; \
                    mean[k] += d; \
                    acc[k] = acc2[k] - d * d * (double)n; \
                    acc[k] = acc[k] > 0 ? acc[k] : 0; \
                } \
            } \
            for (int64_t k = 0; k < nc; k++) { \
                const int64_t c = c0 + k; \
                double invstd; \
                if (train) { \
                    invstd = 1.0 / sqrt(acc[k] / (double)n + eps); \
                    *VEC_PTR(T, sm, c) = (T)mean[k]; \
                    *VEC_PTR(T, ss, c) = (T)invstd; \
                    if (rm) { T *r = VEC_PTR(T, rm, c); *r = (T)(momentum * mean[k] + (1 - momentum) * (double)*r); } \
                    if (rv) { T *r = VEC_PTR(T, rv, c); \
                              *r = (T)(momentum * acc[k] / (double)(n - 1) + (1 - momentum) * (double)*r); } \
                } else { \
                    mean[k] = VEC_GET(T, rm, c, 0); \
                    invstd = 1.0 / sqrt(VEC_GET(T, rv, c, 1) + eps); \
                } \
                const double w = VEC_GET(T, weight, c, 1), bb = VEC_GET(T, bias, c, 0); \
                A[k] = (T)(invstd * w); S[k] = (T)(bb - mean[k] * invstd * w); \
            } \
            BN_CHANNEL_AFFINE(NM, y, x, A, S, (const T *)NULL, A); \
        } \
        free(mean); free(acc); free(acc2); free(A); free(S); \
    } \
    return failed ? TH_setError(TH_ERR_MEMORY, "BatchNormalization: out of memory") : 0; \
} \
/* train: gi = (go - mean(go) - (x - mean) * k) * invstd * w with k = dotp * invstd^2 / n, \
 * i.e. gi = go * F + x * X + S0 per channel; eval: gi = go * invstd * w */ \
static int bwd_##NM(const T *x, const T *go, T *gi, BNGeom g, THTensor *gw, THTensor *gb, THTensor *weight, \
                    THTensor *rm, THTensor *rv, THTensor *sm, THTensor *ss, int train, double scale, double eps) \
{ \
    const int64_t n = g.N * g.inner, inner = g.inner, C = g.C; \
    int failed = 0; \
    _Pragma("omp parallel if (TH_parallelOK(n * C))") \
    { \
        BN_THREAD_RANGE(); \
        const int64_t c0 = C * tid_ / nth_, c1 = C * (tid_ + 1) / nth_, nc = c1 - c0; \
        double *mean = calloc((size_t)(nc + 1), sizeof(double)), *sum = malloc(sizeof(double) * (size_t)(nc + 1)); \
        double *dotp = malloc(sizeof(double) * (size_t)(nc + 1)); \
        T *F = malloc(sizeof(T) * (size_t)(nc + 1)), *X = malloc(sizeof(T) * (size_t)(nc + 1)); \
        T *S = malloc(sizeof(T) * (size_t)(nc + 1)); \
        if (!mean || !sum || !dotp || !F || !X || !S) { _Pragma("omp atomic write") failed = 1; } \
        else { \
            double *invstd = F == NULL ? NULL : malloc(sizeof(double) * (size_t)(nc + 1)); \
            if (!invstd) { _Pragma("omp atomic write") failed = 1; } \
            else { \
                for (int64_t k = 0; k < nc; k++) { \
                    const int64_t c = c0 + k; \
                    if (train) { mean[k] = VEC_GET(T, sm, c, 0); invstd[k] = VEC_GET(T, ss, c, 1); } \
                    else { mean[k] = VEC_GET(T, rm, c, 0); invstd[k] = 1.0 / sqrt(VEC_GET(T, rv, c, 1) + eps); } \
                } \
                BN_CHANNEL_SUM2(NM, grads, sum, dotp); \
                for (int64_t k = 0; k < nc; k++) { \
                    const int64_t c = c0 + k; \
                    const double w = VEC_GET(T, weight, c, 1); \
                    if (train) { \
                        const double kk = dotp[k] * invstd[k] * invstd[k] / (double)n, gm = sum[k] / (double)n; \
                        F[k] = (T)(invstd[k] * w); X[k] = (T)(-kk * invstd[k] * w); \
                        S[k] = (T)((mean[k] * kk - gm) * invstd[k] * w); \
                    } else { F[k] = (T)(invstd[k] * w); X[k] = 0; S[k] = 0; } \
                    if (gw) { T *r = VEC_PTR(T, gw, c); *r = (T)((double)*r + scale * dotp[k] * invstd[k]); } \
                    if (gb) { T *r = VEC_PTR(T, gb, c); *r = (T)((double)*r + scale * sum[k]); } \
                } \
                if (gi) BN_CHANNEL_AFFINE(NM, gi, go, F, S, x, X); \
                free(invstd); \
            } \
        } \
        free(mean); free(sum); free(dotp); free(F); free(X); free(S); \
    } \
    return failed ? TH_setError(TH_ERR_MEMORY, "BatchNormalization: out of memory") : 0; \
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
    THTensor *y = x ? THNN_beginOut(output, input->dtype, input->ndim, input->size, 1, &input) : NULL;
    int st = y ? 0 : TH_lastErrorCode();
    if (!st && THTensor_numel(input) > 0) {
        if (input->dtype == TH_FLOAT32)
            st = fwd_Float(THTensor_data(x), THTensor_data(y), g, weight, bias, running_mean, running_var, save_mean,
                           save_std, train, momentum, eps);
        else
            st = fwd_Double(THTensor_data(x), THTensor_data(y), g, weight, bias, running_mean, running_var,
                            save_mean, save_std, train, momentum, eps);
        if (train) {
            THTensor_bumpVersion(save_mean); THTensor_bumpVersion(save_std);
            if (running_mean) THTensor_bumpVersion(running_mean);
            if (running_var) THTensor_bumpVersion(running_var);
        }
    }
    if (y) st = THNN_finishOut(output, y, st);
    THTensor_free(x);
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
    THTensor *gi = gradInput ? THNN_beginOut(gradInput, input->dtype, input->ndim, input->size, 2,
                                             (THTensor *[]){input, gradOutput}) : NULL;
    int st = x && go && (gi || !gradInput) ? 0 : TH_lastErrorCode();
    if (!st && THTensor_numel(input) > 0) {
        if (input->dtype == TH_FLOAT32)
            st = bwd_Float(THTensor_data(x), THTensor_data(go), gi ? THTensor_data(gi) : NULL, g, gradWeight, gradBias,
                      weight, running_mean, running_var, save_mean, save_std, train, scale, eps);
        else
            st = bwd_Double(THTensor_data(x), THTensor_data(go), gi ? THTensor_data(gi) : NULL, g, gradWeight, gradBias,
                       weight, running_mean, running_var, save_mean, save_std, train, scale, eps);
        if (gradWeight) THTensor_bumpVersion(gradWeight);
        if (gradBias) THTensor_bumpVersion(gradBias);
    }
    if (gi) st = THNN_finishOut(gradInput, gi, st);
    THTensor_free(x); THTensor_free(go);
    return st;
}
