/* Internal header of the elementwise THNN kernels (activations, pointwise criterions):
 * per-dtype THIter loops generated from one expression, the driver that checks shapes,
 * prepares or aliases the output and runs the loop, and branch-free float math that the
 * compiler can vectorise (libm's expf/tanhf are opaque calls that block vectorisation). */
#ifndef THNN_ELEMENTWISE_H
#define THNN_ELEMENTWISE_H
/* The kernels' selects (x > 0 ? a : b) must become vector blends: trapping-math would keep
 * them as branches, and math-errno would keep sqrt a libm call. Neither matters here. */
#pragma GCC optimize("no-trapping-math", "no-math-errno")
#include "THNN.h"

/* exp for float32, Cephes-style polynomial (< 2 ulp), written without calls or branches:
 * rounding by the 1.5 * 2^23 trick and 2^n built in the exponent bits. */
static inline float thnn_expf(float x0)
{
    float x = x0 > 88.3762626647949f ? 88.3762626647949f : x0;
    x = x < -87.3365447505531f ? -87.3365447505531f : x;
    const float magic = 12582912.f;
    float tm = x * 1.44269504088896341f + magic;
    int32_t tb;
    memcpy(&tb, &tm, sizeof tb);
    const int32_t n = tb - 0x4B400000;
    const float fn = tm - magic;
    float r = x - fn * 0.693359375f;
    r = r - fn * -2.12194440e-4f;
    float p = 1.9875691500E-4f;
    p = p * r + 1.3981999507E-3f;
    p = p * r + 8.3334519073E-3f;
    p = p * r + 4.1665795894E-2f;
    p = p * r + 1.6666665459E-1f;
    p = p * r + 5.0000001201E-1f;
    p = p * (r * r) + r + 1.0f;
    int32_t bits = (n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    /* overflow to inf and (denormal) underflow to 0, as exp saturates */
    float res = x0 > 88.7228393554688f ? INFINITY : p * scale;
    return x0 < -87.3365447505531f ? 0.f : res;
}

/* tanh for float32: odd polynomial near 0 (keeps relative accuracy), exp elsewhere. */
static inline float thnn_tanhf(float x)
{
    float ax = x < 0.f ? -x : x;
    float s = x * x;
    float small = ((((-5.70498872745E-3f * s + 2.06390887954E-2f) * s - 5.37397155531E-2f) * s
                    + 1.33314422036E-1f) * s - 3.33332819422E-1f) * s * x + x;
    float e = thnn_expf(2.f * (ax > 10.f ? 10.f : ax));   /* tanh(10) rounds to 1 */
    float big = 1.f - 2.f / (e + 1.f);
    big = x < 0.f ? -big : big;
    return ax < 0.625f ? small : big;
}

static inline float thnn_sigmoidf(float x) { return 1.f / (1.f + thnn_expf(-x)); }
static inline double thnn_sigmoid(double x) { return 1. / (1. + exp(-x)); }

/* log1p(exp(x)) for float32 without overflow (softplus core). */
static inline float thnn_log1pexpf(float x) { return x > 0.f ? x + log1pf(expf(-x)) : log1pf(expf(x)); }
static inline double thnn_log1pexp(double x) { return x > 0. ? x + log1p(exp(-x)) : log1p(exp(x)); }

/* type-generic math inside the kernels (T is float or double) */
#define TEXP(x) _Generic((x), float: thnn_expf, default: exp)(x)
#define TTANH(x) _Generic((x), float: thnn_tanhf, default: tanh)(x)
#define TSIGMOID(x) _Generic((x), float: thnn_sigmoidf, default: thnn_sigmoid)(x)
#define TLOG(x) _Generic((x), float: logf, default: log)(x)
#define TLOG1P(x) _Generic((x), float: log1pf, default: log1p)(x)
#define TEXPM1(x) _Generic((x), float: expm1f, default: expm1)(x)
#define TSQRT(x) _Generic((x), float: sqrtf, default: sqrt)(x)
#define TLOG1PEXP(x) _Generic((x), float: thnn_log1pexpf, default: thnn_log1pexp)(x)

/* Hot loops are compiled for AVX-512, AVX2 and baseline x86-64, picked at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define THNN_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
/* Memory-bound loops (selects, a multiply) stop at 256-bit vectors: their inputs are often
 * numpy arrays 16 bytes off a cache line, and then every 512-bit load straddles two lines,
 * which measured 30% slower than AVX2 on a 16 MiB ReLU (Zen 5); half the 256-bit ones do. */
#define THNN_CLONES_MEM __attribute__((target_clones("avx2", "default")))
#else
#define THNN_CLONES
#define THNN_CLONES_MEM
#endif

/* One elementwise loop for dtype T over NIN inputs (1..4). BODY reads x, y, z, u (the
 * inputs), the scalar parameters A, B, C, D (ctx: double[4], converted to T) and assigns r.
 * The SUM form adds every r into the double accumulator that operand 0 points to. */
#define THNN_EW_HEAD_(T, NIN) \
    const double *P_ = (const double *)ctx_; \
    const T A = (T)P_[0], B = (T)P_[1], C = (T)P_[2], D = (T)P_[3]; \
    (void)A; (void)B; (void)C; (void)D; \
    char *o_ = d_[0]; (void)o_; \
    const char *a_ = d_[1], *b_ = (NIN) > 1 ? d_[2] : d_[1], *c_ = (NIN) > 2 ? d_[3] : d_[1], \
               *e_ = (NIN) > 3 ? d_[4] : d_[1]; \
    const int64_t so_ = s_[0], sa_ = s_[1], sb_ = (NIN) > 1 ? s_[2] : s_[1], sc_ = (NIN) > 2 ? s_[3] : s_[1], \
                  se_ = (NIN) > 3 ? s_[4] : s_[1]; \
    (void)so_; \
    const int contig_ = sa_ == sizeof(T) && sb_ == sizeof(T) && sc_ == sizeof(T) && se_ == sizeof(T); \
    const T *ap_ = (const T *)a_, *bp_ = (const T *)b_, *cp_ = (const T *)c_, *ep_ = (const T *)e_;
#define THNN_EW_FETCH_(T, i) \
    const T x = contig_ ? ap_[i] : *(const T *)(a_ + (i) * sa_); \
    const T y = contig_ ? bp_[i] : *(const T *)(b_ + (i) * sb_); \
    const T z = contig_ ? cp_[i] : *(const T *)(c_ + (i) * sc_); \
    const T u = contig_ ? ep_[i] : *(const T *)(e_ + (i) * se_); \
    T r; (void)x; (void)y; (void)z; (void)u;

#define THNN_EW_LOOP(NAME, T, NIN, BODY) THNN_EW_LOOP_(NAME, T, NIN, BODY, THNN_CLONES)
#define THNN_EW_LOOP_(NAME, T, NIN, BODY, CLONES) \
CLONES static void NAME(char **d_, const int64_t *s_, int64_t n_, void *ctx_) \
{ \
    THNN_EW_HEAD_(T, NIN) \
    if (contig_ && so_ == sizeof(T)) { \
        T *op_ = (T *)o_; \
        _Pragma("omp simd") \
        for (int64_t i_ = 0; i_ < n_; i_++) { \
            const T x = ap_[i_], y = bp_[i_], z = cp_[i_], u = ep_[i_]; T r; (void)x; (void)y; (void)z; (void)u; \
            BODY; \
            op_[i_] = r; \
        } \
    } else { \
        for (int64_t i_ = 0; i_ < n_; i_++) { THNN_EW_FETCH_(T, i_) BODY; *(T *)(o_ + i_ * so_) = r; } \
    } \
}

#define THNN_EW_SUMLOOP(NAME, T, NIN, BODY) \
THNN_CLONES static void NAME(char **d_, const int64_t *s_, int64_t n_, void *ctx_) \
{ \
    THNN_EW_HEAD_(T, NIN) \
    double acc_ = 0; \
    if (contig_) { \
        _Pragma("omp simd reduction(+:acc_)") \
        for (int64_t i_ = 0; i_ < n_; i_++) { \
            const T x = ap_[i_], y = bp_[i_], z = cp_[i_], u = ep_[i_]; T r; (void)x; (void)y; (void)z; (void)u; \
            BODY; \
            acc_ += r; \
        } \
    } else { \
        for (int64_t i_ = 0; i_ < n_; i_++) { THNN_EW_FETCH_(T, i_) BODY; acc_ += r; } \
    } \
    *(double *)o_ += acc_; \
}

/* NAME_Float and NAME_Double from one body. */
#define THNN_EW_KERNELS(NAME, NIN, BODY) \
    THNN_EW_LOOP(NAME##_Float, float, NIN, BODY) \
    THNN_EW_LOOP(NAME##_Double, double, NIN, BODY)
/* The same for memory-bound bodies (see THNN_CLONES_MEM). */
#define THNN_EW_MEM_KERNELS(NAME, NIN, BODY) \
    THNN_EW_LOOP_(NAME##_Float, float, NIN, BODY, THNN_CLONES_MEM) \
    THNN_EW_LOOP_(NAME##_Double, double, NIN, BODY, THNN_CLONES_MEM)
#define THNN_EW_SUM_KERNELS(NAME, NIN, BODY) \
    THNN_EW_SUMLOOP(NAME##_Float, float, NIN, BODY) \
    THNN_EW_SUMLOOP(NAME##_Double, double, NIN, BODY)

/* out = f(ins[0..nin)) elementwise. Every input must have ins[0]'s shape and dtype
 * (float32/float64); names[k] names ins[k] in errors. alias >= 0: out becomes a view of
 * ins[alias] (THNN's inplace) before the loop runs. params: double[4] for the kernel. */
int THNN_ewMap(const char *fn, THTensor *out, int nin, THTensor **ins, const char *const *names,
               int alias, THLoop kfloat, THLoop kdouble, const double *params);
/* *result = sum of f(ins...) over all elements (same checks as THNN_ewMap). */
int THNN_ewSum(const char *fn, int nin, THTensor **ins, const char *const *names,
               THLoop kfloat, THLoop kdouble, const double *params, double *result);

/* Pointwise criterions: loss l(x = input, y = target[, z = weight]) and its derivative
 * g = dl/dx. Kernels: l elementwise, sum of l, g * D (D = the scale), g * gradOutput. */
typedef struct { THLoop l[2], s[2], g[2], gg[2]; } THNN_CritKernels;
#define THNN_CRIT_KERNELS(NAME, NIN, LBODY, GBODY) \
    THNN_EW_KERNELS(NAME##_l, NIN, LBODY) \
    THNN_EW_SUM_KERNELS(NAME##_s, NIN, LBODY) \
    THNN_EW_KERNELS(NAME##_g, NIN, GBODY; r *= D) \
    THNN_EW_KERNELS(NAME##_gg, NIN + 1, THNN_GO_(NIN); GBODY; r *= go_) \
    static const THNN_CritKernels NAME = {{NAME##_l_Float, NAME##_l_Double}, {NAME##_s_Float, NAME##_s_Double}, \
                                          {NAME##_g_Float, NAME##_g_Double}, {NAME##_gg_Float, NAME##_gg_Double}};
/* the gradOutput operand follows the NIN inputs: y (NIN 1), z (NIN 2) or u (NIN 3) */
#define THNN_GO_(NIN) const __typeof__(x) go_ = (NIN) == 1 ? y : ((NIN) == 2 ? z : u)

/* Forward: per-element losses (reduce == 0) or their sum / mean (sizeAverage) into a
 * one-element output. ins = {input, target[, weight]}. */
int THNN_critForward(const char *fn, THTensor *output, int nin, THTensor **ins, const char *const *names,
                     int sizeAverage, int reduce, const THNN_CritKernels *k, double p0);
/* Backward: gradInput = dl/dx * gradOutput (elementwise when reduce == 0; else gradOutput
 * holds one value, NULL meaning 1, divided by the element count under sizeAverage). */
int THNN_critBackward(const char *fn, THTensor *gradInput, int nin, THTensor **ins, const char *const *names,
                      THTensor *gradOutput, int sizeAverage, int reduce, const THNN_CritKernels *k, double p0);
/* A one-element result: an existing one-element out of dtype keeps its shape, else 0-D. */
int THNN_prepareScalar(const char *fn, const char *name, THTensor *out, int dtype);
/* The tensor a kernel should write a result of dtype/shape into: out itself (retained) when
 * it is, or can be made, a contiguous buffer sharing no storage with the n inputs `ins`;
 * else a new contiguous temporary. Finish with THNN_finishOut. NULL on error. */
THTensor *THNN_beginOut(THTensor *out, int dtype, int ndim, const int64_t *shape, int n, THTensor *const *ins);
/* Copies a temporary into out, bumps out's version and releases res. Returns st on failure. */
int THNN_finishOut(THTensor *out, THTensor *res, int st);
/* The single value of gradOutput (1 when NULL). */
int THNN_scalarGrad(const char *fn, THTensor *gradOutput, double *g);

/* THNN_EW(fn, out, alias, K, params4, names, tensors...): THNN_ewMap with K_Float/K_Double. */
#define THNN_EW(fn, out, alias, K, P, NAMES, ...) \
    THNN_ewMap(fn, out, (int)(sizeof((THTensor *[]){__VA_ARGS__}) / sizeof(THTensor *)), \
               (THTensor *[]){__VA_ARGS__}, NAMES, alias, K##_Float, K##_Double, P)
#define THNN_P(a, b, c, d) ((const double[4]){(a), (b), (c), (d)})
#define THNN_NAMES(...) ((const char *const[]){__VA_ARGS__})

#endif
