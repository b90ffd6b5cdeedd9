/* SIMD float32 transcendental kernels for contiguous arrays (AVX2 + FMA, chosen at run
 * time; the build has no -march). Lanes outside the polynomial's safe range (overflow,
 * underflow to subnormals, inf, nan) fall back to libm for their 8-wide block, so the
 * special cases are exactly libm's. Accuracy in range: within 2 ulp of expf. erfinv is Giles'
 * approximation on a Cephes logf, within 4 ULP of the true values like its scalar form; i0 is
 * the scalar form's Chebyshev series, 8 lanes at a time (its latency chain is the cost). */
#include "THGeneral.h"
#include "THSpecialMath.h"
#include <math.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TH_HAVE_X86 1
#endif

int THVector_expf(float *out, const float *in, int64_t n);
int THVector_sigmoidf(float *out, const float *in, int64_t n);
int THVector_binaryfStream(int op, float *out, const float *a, const float *b, int64_t n);
int THVector_erfinvf(float *out, const float *in, int64_t n);
int THVector_i0f(float *out, const float *in, int64_t n);
int THVector_logaddexpf(float *out, const float *a, const float *b, int64_t n, int base2);
int THVector_sqrtf(float *out, const float *in, int64_t n);

#ifdef TH_HAVE_X86
static int th_vec_level = -1;

static int vec_level(void)
{
    int l = __atomic_load_n(&th_vec_level, __ATOMIC_RELAXED);
    if (l < 0) {
        __builtin_cpu_init();
        l = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
        __atomic_store_n(&th_vec_level, l, __ATOMIC_RELAXED);
    }
    return l;
}

/* e^x for x in [-87, 88] (n = round(x/ln2) stays a normal exponent): Cody-Waite reduction
 * with a two-part ln2, then Cephes' degree-6 polynomial. ok gets the lanes in range. */
__attribute__((target("avx2,fma"))) static inline __m256 exp8(__m256 x, int *all_ok)
{
    const __m256 hi = _mm256_set1_ps(88.0f), lo = _mm256_set1_ps(-87.0f);
    __m256 ok = _mm256_and_ps(_mm256_cmp_ps(x, hi, _CMP_LE_OQ), _mm256_cmp_ps(x, lo, _CMP_GE_OQ));
    *all_ok = _mm256_movemask_ps(ok) == 0xff;
    __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500E-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507E-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073E-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894E-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459E-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201E-1f));
    __m256 r2 = _mm256_mul_ps(r, r);
    __m256 y = _mm256_fmadd_ps(p, r2, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

__attribute__((target("avx2,fma"))) static void expf_avx2(float *out, const float *in, int64_t n)
{
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        int ok;
        __m256 y = exp8(_mm256_loadu_ps(in + i), &ok);
        if (ok) _mm256_storeu_ps(out + i, y);
        else for (int j = 0; j < 8; j++) out[i + j] = expf(in[i + j]);
    }
    for (; i < n; i++) out[i] = expf(in[i]);
}

static inline float sigmoidf_1(float x)
{
    if (x >= 0) return 1.0f / (1.0f + expf(-x));
    float e = expf(x);
    return e / (1.0f + e);
}

/* z = e^-|x|, r = 1/(1+z): sigmoid is r for x >= 0 and z*r below (keeps the subnormal tail) */
__attribute__((target("avx2,fma"))) static void sigmoidf_avx2(float *out, const float *in, int64_t n)
{
    const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f), zero = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        int ok;
        __m256 x = _mm256_loadu_ps(in + i);
        __m256 z = exp8(_mm256_or_ps(x, sign), &ok);
        if (ok) {
            __m256 r = _mm256_div_ps(one, _mm256_add_ps(one, z));
            __m256 neg = _mm256_cmp_ps(x, zero, _CMP_LT_OQ);
            _mm256_storeu_ps(out + i, _mm256_blendv_ps(r, _mm256_mul_ps(z, r), neg));
        } else {
            for (int j = 0; j < 8; j++) out[i + j] = sigmoidf_1(in[i + j]);
        }
    }
    for (; i < n; i++) out[i] = sigmoidf_1(in[i]);
}

/* log(v) for normal v > 0 (Cephes logf: mantissa in [sqrt(1/2), sqrt(2)), degree-8 polynomial) */
__attribute__((target("avx2,fma"))) static inline __m256 log8(__m256 v)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256i bits = _mm256_castps_si256(v);
    __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(126)));
    __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)),
                                                   _mm256_set1_epi32(0x3f000000)));   /* [0.5, 1) */
    __m256 small = _mm256_cmp_ps(m, _mm256_set1_ps(0.707106781186547524f), _CMP_LT_OQ);
    e = _mm256_sub_ps(e, _mm256_and_ps(one, small));
    m = _mm256_add_ps(_mm256_sub_ps(m, one), _mm256_and_ps(m, small));
    __m256 z = _mm256_mul_ps(m, m);
    __m256 y = _mm256_set1_ps(7.0376836292E-2f);
    y = _mm256_fmadd_ps(y, m, _mm256_set1_ps(-1.1514610310E-1f));
    y = _mm256_fmadd_ps(y, m, _mm256_set1_ps(1.1676998740E-1f));
    y = _mm256_fmadd_ps(y, m, _mm256_set1_ps(-1.2420140846E-1f));
    y = _mm256_fmadd_ps(y, m, _mm256_set1_ps(1.4249322787E-1f));
    y = _mm256_fmadd_ps(y, m, _mm256_set1_ps(-1.6668057665E-1f));
    y = _mm256_fmadd_ps(y, m, _mm256_set1_ps(2.0000714765E-1f));
    y = _mm256_fmadd_ps(y, m, _mm256_set1_ps(-2.4999993993E-1f));
    y = _mm256_fmadd_ps(y, m, _mm256_set1_ps(3.3333331174E-1f));
    y = _mm256_mul_ps(_mm256_mul_ps(y, m), z);
    y = _mm256_fmadd_ps(e, _mm256_set1_ps(-2.12194440e-4f), y);
    y = _mm256_fnmadd_ps(_mm256_set1_ps(0.5f), z, y);
    return _mm256_fmadd_ps(e, _mm256_set1_ps(0.693359375f), _mm256_add_ps(m, y));
}

/* Giles' single-precision erfinv, as THSpecial_erfinv_f, both branches evaluated and blended;
 * blocks holding |y| >= 1 or nan go through the scalar function for its special values */
__attribute__((target("avx2,fma"))) static void erfinvf_avx2(float *out, const float *in, int64_t n)
{
    static const float P1[9] = {2.81022636e-08f, 3.43273939e-07f, -3.5233877e-06f, -4.39150654e-06f, 0.00021858087f,
                                -0.00125372503f, -0.00417768164f, 0.246640727f, 1.50140941f};
    static const float P2[9] = {-0.000200214257f, 0.000100950558f, 0.00134934322f, -0.00367342844f, 0.00573950773f,
                                -0.0076224613f, 0.00943887047f, 1.00167406f, 2.83297682f};
    const __m256 one = _mm256_set1_ps(1.0f), absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 y = _mm256_loadu_ps(in + i);
        if (_mm256_movemask_ps(_mm256_cmp_ps(_mm256_and_ps(y, absmask), one, _CMP_LT_OQ)) != 0xff) {
            for (int j = 0; j < 8; j++) out[i + j] = THSpecial_erfinv_f(in[i + j]);
            continue;
        }
        __m256 w = _mm256_sub_ps(_mm256_setzero_ps(), log8(_mm256_mul_ps(_mm256_sub_ps(one, y), _mm256_add_ps(one, y))));
        __m256 a = _mm256_sub_ps(w, _mm256_set1_ps(2.5f));
        __m256 b = _mm256_sub_ps(_mm256_sqrt_ps(w), _mm256_set1_ps(3.0f));
        __m256 p = _mm256_set1_ps(P1[0]), q = _mm256_set1_ps(P2[0]);
        for (int k = 1; k < 9; k++) {
            p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(P1[k]));
            q = _mm256_fmadd_ps(q, b, _mm256_set1_ps(P2[k]));
        }
        __m256 central = _mm256_cmp_ps(w, _mm256_set1_ps(5.0f), _CMP_LT_OQ);
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_blendv_ps(q, p, central), y));
    }
    for (; i < n; i++) out[i] = THSpecial_erfinv_f(in[i]);
}

/* Clenshaw sum 0.5 (b0 - b2) of the Chebyshev series c[0..len) at t, as THSpecialMath.c's chbevl */
__attribute__((target("avx2,fma"))) static inline __m256 chbevl8(__m256 t, const float *c, int len)
{
    __m256 b0 = _mm256_set1_ps(c[0]), b1 = _mm256_setzero_ps(), b2 = b1;
    for (int i = 1; i < len; i++) {
        b2 = b1;
        b1 = b0;
        b0 = _mm256_add_ps(_mm256_fmsub_ps(t, b1, b2), _mm256_set1_ps(c[i]));
    }
    return _mm256_mul_ps(_mm256_set1_ps(0.5f), _mm256_sub_ps(b0, b2));
}

/* i0 as THSpecial_i0_f: exp(|x|) times the series on [0, 8], or times the inverted-interval series
 * over sqrt(|x|) above; blocks with |x| beyond exp8's range or nan go through the scalar function */
__attribute__((target("avx2,fma"))) static void i0f_avx2(float *out, const float *in, int64_t n)
{
    const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)), eight = _mm256_set1_ps(8.0f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 x = _mm256_and_ps(_mm256_loadu_ps(in + i), absmask);
        int ok;
        __m256 e = exp8(x, &ok);
        if (!ok) {
            for (int j = 0; j < 8; j++) out[i + j] = THSpecial_i0_f(in[i + j]);
            continue;
        }
        int low = _mm256_movemask_ps(_mm256_cmp_ps(x, eight, _CMP_LE_OQ));
        __m256 a = _mm256_setzero_ps(), b = a;
        if (low)
            a = chbevl8(_mm256_sub_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.5f)), _mm256_set1_ps(2.0f)),
                        THSpecial_i0e_A_f, 30);
        if (low != 0xff)
            b = _mm256_div_ps(chbevl8(_mm256_sub_ps(_mm256_div_ps(_mm256_set1_ps(32.0f), x), _mm256_set1_ps(2.0f)),
                                      THSpecial_i0e_B_f, 25), _mm256_sqrt_ps(x));
        __m256 s = _mm256_blendv_ps(b, a, _mm256_cmp_ps(x, eight, _CMP_LE_OQ));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(e, s));
    }
    for (; i < n; i++) out[i] = THSpecial_i0_f(in[i]);
}

int THVector_i0f(float *out, const float *in, int64_t n)
{
    if (vec_level() < 1) return 0;
    i0f_avx2(out, in, n);
    return 1;
}

int THVector_erfinvf(float *out, const float *in, int64_t n)
{
    if (vec_level() < 1) return 0;
    erfinvf_avx2(out, in, n);
    return 1;
}

static inline float logaddexpf_1(float a, float b, int base2)
{
    if (isinf(a) && a == b) return a;
    float m = a < b ? b : a, d = fabsf(a - b);
    return base2 ? m + log1pf(exp2f(-d)) * 1.44269504088896341f : m + log1pf(expf(-d));
}

/* m + log1p(e^-|a-b|) (base 2: m + log1p(2^-|a-b|)/ln2); log1p(z) as log(u) z / (u - 1), u = 1 + z,
 * which keeps the small-z digits. Blocks with a non-finite operand or e^-|a-b| below the
 * polynomial's range go through libm. */
__attribute__((target("avx2,fma"))) static void logaddexpf_avx2(float *o, const float *a, const float *b, int64_t n,
                                                                 int base2)
{
    const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f), big = _mm256_set1_ps(3.0e38f);
    const __m256 ln2 = _mm256_set1_ps(0.693147180559945309f), inv_ln2 = _mm256_set1_ps(1.44269504088896341f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 x = _mm256_loadu_ps(a + i), y = _mm256_loadu_ps(b + i);
        __m256 m = _mm256_max_ps(x, y);
        __m256 nd = _mm256_or_ps(_mm256_sub_ps(x, y), sign);          /* -|a - b| */
        __m256 fin = _mm256_and_ps(_mm256_cmp_ps(_mm256_andnot_ps(sign, m), big, _CMP_LE_OQ),
                                   _mm256_cmp_ps(nd, _mm256_set1_ps(-3.0e38f), _CMP_GE_OQ));
        int ok;
        __m256 z = exp8(base2 ? _mm256_mul_ps(nd, ln2) : nd, &ok);
        if (ok && _mm256_movemask_ps(fin) == 0xff) {
            __m256 u = _mm256_add_ps(one, z);
            __m256 um1 = _mm256_sub_ps(u, one);
            __m256 l = _mm256_div_ps(_mm256_mul_ps(log8(u), z), um1);
            l = _mm256_blendv_ps(l, z, _mm256_cmp_ps(um1, _mm256_setzero_ps(), _CMP_EQ_OQ));
            _mm256_storeu_ps(o + i, base2 ? _mm256_fmadd_ps(l, inv_ln2, m) : _mm256_add_ps(m, l));
        } else {
            for (int j = 0; j < 8; j++) o[i + j] = logaddexpf_1(a[i + j], b[i + j], base2);
        }
    }
    for (; i < n; i++) o[i] = logaddexpf_1(a[i], b[i], base2);
}

/* libm's sqrtf may set errno, which keeps GCC from vectorising it; vsqrtps is exact (IEEE) too */
__attribute__((target("avx2"))) static void sqrtf_avx2(float *o, const float *in, int64_t n)
{
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(o + i, _mm256_sqrt_ps(_mm256_loadu_ps(in + i)));
    for (; i < n; i++) o[i] = _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(in[i])));
}

int THVector_sqrtf(float *out, const float *in, int64_t n)
{
    if (vec_level() < 1) return 0;
    sqrtf_avx2(out, in, n);
    return 1;
}

int THVector_logaddexpf(float *out, const float *a, const float *b, int64_t n, int base2)
{
    if (vec_level() < 1) return 0;
    logaddexpf_avx2(out, a, b, n, base2);
    return 1;
}

int THVector_expf(float *out, const float *in, int64_t n)
{
    if (vec_level() < 1) return 0;
    expf_avx2(out, in, n);
    return 1;
}

int THVector_sigmoidf(float *out, const float *in, int64_t n)
{
    if (vec_level() < 1) return 0;
    sigmoidf_avx2(out, in, n);
    return 1;
}
#else
int THVector_sqrtf(float *out, const float *in, int64_t n) { (void)out; (void)in; (void)n; return 0; }
int THVector_logaddexpf(float *out, const float *a, const float *b, int64_t n, int base2)
{
    (void)out; (void)a; (void)b; (void)n; (void)base2; return 0;
}
int THVector_expf(float *out, const float *in, int64_t n) { (void)out; (void)in; (void)n; return 0; }
int THVector_erfinvf(float *out, const float *in, int64_t n) { (void)out; (void)in; (void)n; return 0; }
int THVector_i0f(float *out, const float *in, int64_t n) { (void)out; (void)in; (void)n; return 0; }
int THVector_sigmoidf(float *out, const float *in, int64_t n) { (void)out; (void)in; (void)n; return 0; }
#endif

#ifdef TH_HAVE_X86
/* Large contiguous float32 add/sub/mul/div with non-temporal stores: an output far larger
 * than the caches is not read before it is written (a third less memory traffic) and does
 * not evict the inputs. The scalar head aligns the output to 32 bytes. */
__attribute__((target("avx2"))) static void binf_stream(int op, float *o, const float *a, const float *b, int64_t n)
{
    int64_t i = 0;
#define TH_SCALAR_OP(k) (op == 0 ? a[k] + b[k] : op == 1 ? a[k] - b[k] : op == 2 ? a[k] * b[k] : a[k] / b[k])
    for (; i < n && ((uintptr_t)(o + i) & 31); i++) o[i] = TH_SCALAR_OP(i);
    switch (op) {
#define TH_STREAM_CASE(K, F) case K: { \
        for (; i + 8 <= n; i += 8) \
            _mm256_stream_ps(o + i, F(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i))); \
        break; }
    TH_STREAM_CASE(0, _mm256_add_ps) TH_STREAM_CASE(1, _mm256_sub_ps)
    TH_STREAM_CASE(2, _mm256_mul_ps) TH_STREAM_CASE(3, _mm256_div_ps)
#undef TH_STREAM_CASE
    }
    _mm_sfence();
    for (; i < n; i++) o[i] = TH_SCALAR_OP(i);
#undef TH_SCALAR_OP
}

int THVector_binaryfStream(int op, float *out, const float *a, const float *b, int64_t n)
{
    if (vec_level() < 1) return 0;
    binf_stream(op, out, a, b, n);
    return 1;
}
#else
int THVector_binaryfStream(int op, float *out, const float *a, const float *b, int64_t n)
{
    (void)op; (void)out; (void)a; (void)b; (void)n; return 0;
}
#endif
