/* Fused optimizer updates: one pass over a parameter and its state, where the unfused
 * update is a chain of elementwise ops that each read and write whole tensors (and
 * allocate temporaries). Runs on THIter. The arithmetic, its order and its rounding points
 * are those of PyTorch's single-tensor update, so the results match the unfused ops. */
#include "THIter.h"
#include <math.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TH_OPTIM_X86 1
#endif

typedef struct {
    double w1;          /* lerp weight of exp_avg: 1 - beta1 */
    double beta2, c2;   /* exp_avg_sq = exp_avg_sq * beta2 + c2 * g * g, c2 = 1 - beta2 */
    double neg_step;    /* -lr / bias_correction1 */
    double bc2_sqrt;    /* sqrt(bias_correction2) */
    double eps;
    int amsgrad;
} AdamCtx;

/* The contiguous default case (no amsgrad, |1 - beta1| < 0.5), 8 floats / 4 doubles at a
 * time. Intrinsics rather than a loop left to the compiler: libm's sqrt may set errno,
 * which stops GCC vectorising, and the build has no -fno-math-errno. Separate mul and add
 * (no FMA) keep the scalar loop's rounding. Returns how many elements it did. */
#ifdef TH_OPTIM_X86
static int avx2_level = -1;

static int have_avx2(void)
{
    int l = __atomic_load_n(&avx2_level, __ATOMIC_RELAXED);
    if (l < 0) {
        __builtin_cpu_init();
        l = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&avx2_level, l, __ATOMIC_RELAXED);
    }
    return l;
}

#define ADAM_AVX2(NAME, T, V, W, SFX) \
__attribute__((target("avx2"))) static int64_t NAME(T *P, T *M, T *Q, const T *G, int64_t n, const AdamCtx *c) \
{ \
    const V w = _mm256_set1_##SFX((T)c->w1), b2 = _mm256_set1_##SFX((T)c->beta2); \
    const V c2 = _mm256_set1_##SFX((T)c->c2), ns = _mm256_set1_##SFX((T)c->neg_step); \
    const V bc = _mm256_set1_##SFX((T)c->bc2_sqrt), eps = _mm256_set1_##SFX((T)c->eps); \
    int64_t i = 0; \
    for (; i + W <= n; i += W) { \
        V g = _mm256_loadu_##SFX(G + i), m = _mm256_loadu_##SFX(M + i), v = _mm256_loadu_##SFX(Q + i); \
        m = _mm256_add_##SFX(m, _mm256_mul_##SFX(w, _mm256_sub_##SFX(g, m))); \
        v = _mm256_add_##SFX(_mm256_mul_##SFX(v, b2), _mm256_mul_##SFX(_mm256_mul_##SFX(c2, g), g)); \
        _mm256_storeu_##SFX(M + i, m); \
        _mm256_storeu_##SFX(Q + i, v); \
        V den = _mm256_add_##SFX(_mm256_div_##SFX(_mm256_sqrt_##SFX(v), bc), eps); \
        V p = _mm256_add_##SFX(_mm256_loadu_##SFX(P + i), _mm256_div_##SFX(_mm256_mul_##SFX(ns, m), den)); \
        _mm256_storeu_##SFX(P + i, p); \
    } \
    return i; \
}
ADAM_AVX2(adam_avx2_float, float, __m256, 8, ps)
ADAM_AVX2(adam_avx2_double, double, __m256d, 4, pd)
#else
static int have_avx2(void) { return 0; }
#define adam_avx2_float(P, M, Q, G, n, c) 0
#define adam_avx2_double(P, M, Q, G, n, c) 0
#endif

/* operands: 0 param, 1 exp_avg, 2 exp_avg_sq, 3 grad, 4 max_exp_avg_sq (amsgrad) */
#define ADAM_KERNEL(NAME, T, SQRT, VEC) \
static void NAME(char **d, const int64_t *s, int64_t n, void *vc) \
{ \
    const AdamCtx *c = vc; \
    const T w = (T)c->w1, omw = (T)1 - (T)c->w1, b2 = (T)c->beta2, c2 = (T)c->c2; \
    const T ns = (T)c->neg_step, bc = (T)c->bc2_sqrt, eps = (T)c->eps; \
    const int small = fabs(c->w1) < 0.5, ams = c->amsgrad; \
    int contig = 1; \
    for (int k = 0; k < (ams ? 5 : 4); k++) contig &= s[k] == (int64_t)sizeof(T); \
    int64_t i0 = 0; \
    if (contig && small && !ams && have_avx2()) \
        i0 = VEC((T *)d[0], (T *)d[1], (T *)d[2], (const T *)d[3], n, c); \
    for (int64_t i = i0; i < n; i++) { \
        T *p = (T *)(d[0] + i * s[0]), *pm = (T *)(d[1] + i * s[1]), *pv = (T *)(d[2] + i * s[2]); \
        T g = *(const T *)(d[3] + i * s[3]); \
        T m0 = *pm; \
        T m = small ? m0 + w * (g - m0) : g - (g - m0) * omw; \
        T v = *pv * b2; \
        v = v + c2 * g * g; \
        *pm = m; *pv = v; \
        if (ams) {   /* torch.maximum: nan wins */ \
            T *px = (T *)(d[4] + i * s[4]); \
            T x = *px; \
            x = (x > v || x != x) ? x : v; \
            *px = x; v = x; \
        } \
        *p = *p + ns * m / (SQRT(v) / bc + eps); \
    } \
}
ADAM_KERNEL(adam_float, float, sqrtf, adam_avx2_float)
ADAM_KERNEL(adam_double, double, sqrt, adam_avx2_double)

static int check_operand(const char *name, THTensor *t, THTensor *param, int written)
{
    TH_CHECK(t, TH_ERR_VALUE, "adam_update: %s must be a tensor", name);
    TH_CHECK(t->dtype == param->dtype, TH_ERR_TYPE, "adam_update: %s must have the parameter's dtype (%s), got %s",
             name, TH_dtypeName(param->dtype), TH_dtypeName(t->dtype));
    TH_CHECK(t->ndim == param->ndim && !memcmp(t->size, param->size, sizeof(int64_t) * (size_t)t->ndim),
             TH_ERR_VALUE, "adam_update: %s must have the parameter's shape", name);
    if (written)
        for (int k = 0; k < t->ndim; k++)
            TH_CHECK(t->stride[k] != 0 || t->size[k] <= 1, TH_ERR_VALUE,
                     "adam_update: %s is written in place and must not be an expanded (stride 0) tensor", name);
    return 0;
}

int THTensor_adamUpdate(THTensor *param, THTensor *grad, THTensor *exp_avg, THTensor *exp_avg_sq,
                        THTensor *max_exp_avg_sq, double beta1, double beta2, double step_size,
                        double bias_correction2_sqrt, double eps)
{
    TH_CHECK(param, TH_ERR_VALUE, "adam_update: param must be a tensor");
    TH_CHECK(param->dtype == TH_FLOAT32 || param->dtype == TH_FLOAT64, TH_ERR_TYPE,
             "adam_update: expected a float32 or float64 parameter, got %s", TH_dtypeName(param->dtype));
    TH_TRY(check_operand("param", param, param, 1));
    TH_TRY(check_operand("grad", grad, param, 0));
    TH_TRY(check_operand("exp_avg", exp_avg, param, 1));
    TH_TRY(check_operand("exp_avg_sq", exp_avg_sq, param, 1));
    if (max_exp_avg_sq) TH_TRY(check_operand("max_exp_avg_sq", max_exp_avg_sq, param, 1));
    AdamCtx ctx = {.w1 = 1 - beta1, .beta2 = beta2, .c2 = 1 - beta2, .neg_step = -step_size,
                   .bc2_sqrt = bias_correction2_sqrt, .eps = eps, .amsgrad = max_exp_avg_sq != NULL};
    THTensor *ops[5] = {param, exp_avg, exp_avg_sq, grad, max_exp_avg_sq};
    THIter it;
    TH_TRY(THIter_build(&it, ctx.amsgrad ? 5 : 4, ops, param->ndim, param->size, 0));
    THIter_run(&it, param->dtype == TH_FLOAT32 ? adam_float : adam_double, &ctx, 1);
    THTensor_bumpVersion(param);
    THTensor_bumpVersion(exp_avg);
    THTensor_bumpVersion(exp_avg_sq);
    if (max_exp_avg_sq) THTensor_bumpVersion(max_exp_avg_sq);
    return 0;
}
