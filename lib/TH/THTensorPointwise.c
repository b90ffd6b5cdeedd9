/* Elementwise math: unary ops, binary ops with broadcasting, tensor-scalar ops, clamp,
 * addcmul/addcdiv, lerp and where. Every loop runs on THIter; kernels are specialised per
 * dtype by the X-macros below and have contiguous and scalar-broadcast fast paths the
 * compiler vectorises. Float32 exp/sigmoid use the AVX2 code in THVectorMath.c; the special
 * functions (digamma, erfinv, Bessel, zeta, ...) are those of THSpecialMath.c. */
#include "THIter.h"
#include "THSpecialMath.h"
#include <tgmath.h>   /* exp(x) on a float is expf: one kernel text serves float and double */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>

/* from THVectorMath.c: contiguous float32 kernels, 0 when the CPU lacks AVX2/FMA */
int THVector_expf(float *out, const float *in, int64_t n);
int THVector_sigmoidf(float *out, const float *in, int64_t n);
int THVector_binaryfStream(int op, float *out, const float *a, const float *b, int64_t n);
int THVector_erfinvf(float *out, const float *in, int64_t n);
int THVector_i0f(float *out, const float *in, int64_t n);
int THVector_logaddexpf(float *out, const float *a, const float *b, int64_t n, int base2);
int THVector_sqrtf(float *out, const float *in, int64_t n);

typedef struct {
    double alpha;       /* ADD/SUB alpha, addcmul/addcdiv value, lerp weight */
    double lo, hi;      /* clamp bounds (floating) */
    int64_t ilo, ihi;   /* clamp bounds (integers), already within the dtype's range */
    int err;            /* set by a kernel: 1 = integer division by zero */
} PWCtx;

#define SET_ERR(c, v) __atomic_store_n(&(c)->err, (v), __ATOMIC_RELAXED)

/* ------------------------------------------------------------------ scalar helpers */

static inline int64_t i_div_trunc(int64_t x, int64_t y, PWCtx *c)
{
    if (y == 0) { SET_ERR(c, 1); return 0; }
    if (y == -1) return (int64_t)(0 - (uint64_t)x);   /* INT_MIN / -1 wraps instead of trapping */
    return x / y;
}
static inline int64_t i_div_floor(int64_t x, int64_t y, PWCtx *c)
{
    if (y == 0) { SET_ERR(c, 1); return 0; }
    if (y == -1) return (int64_t)(0 - (uint64_t)x);
    int64_t q = x / y, r = x % y;
    if (r != 0 && ((r < 0) != (y < 0))) q--;
    return q;
}
static inline int64_t i_fmod(int64_t x, int64_t y, PWCtx *c)
{
    if (y == 0) { SET_ERR(c, 1); return 0; }
    if (y == -1) return 0;
    return x % y;
}
static inline int64_t i_remainder(int64_t x, int64_t y, PWCtx *c)
{
    if (y == 0) { SET_ERR(c, 1); return 0; }
    if (y == -1) return 0;
    int64_t r = x % y;
    if (r != 0 && ((r < 0) != (y < 0))) r += y;
    return r;
}
/* PyTorch's integer pow: negative exponents give 1, +-1 or 0 (a scalar exponent is refused earlier) */
static inline int64_t i_pow(int64_t b, int64_t e)
{
    if (e < 0) {
        if (b == 1) return 1;
        if (b == -1) return (e & 1) ? -1 : 1;
        return 0;
    }
    uint64_t r = 1, base = (uint64_t)b;
    while (e) {
        if (e & 1) r *= base;
        base *= base;
        e >>= 1;
    }
    return (int64_t)r;
}
static inline int64_t i_shl(int64_t a, int64_t b, int bits)
{
    if (b < 0 || b >= bits) return 0;
    return (int64_t)((uint64_t)a << b);
}
static inline int64_t i_shr(int64_t a, int64_t b, int bits, int is_signed)
{
    int maxs = bits - is_signed;
    if (b < 0 || b >= maxs) b = maxs;
    return a >> b;
}

/* float floor division and Python remainder, as PyTorch (and numpy) compute them */
#define FLOAT_HELPERS(T, SFX) \
static inline T f_floordiv_##SFX(T a, T b) \
{ \
    if (b == 0) return a / b; \
    T mod = fmod(a, b); \
    T div = (a - mod) / b; \
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1; \
    T fl; \
    if (div != 0) { fl = floor(div); if (div - fl > (T)0.5) fl += 1; } \
    else fl = copysign((T)0, a / b); \
    return fl; \
} \
static inline T f_remainder_##SFX(T a, T b) \
{ \
    T mod = fmod(a, b); \
    if (mod != 0 && ((b < 0) != (mod < 0))) mod += b; \
    return mod; \
} \
static inline T f_lgamma_##SFX(T a) { int sg; return (T)lgamma_r((double)a, &sg); } \
static inline T f_lerp_##SFX(T a, T b, T w) \
{ \
    return fabs(w) < (T)0.5 ? a + w * (b - a) : b - (b - a) * ((T)1 - w); \
}
FLOAT_HELPERS(float, f)
FLOAT_HELPERS(double, d)

/* degree of an orthogonal polynomial: PyTorch truncates to int64; the degrees it cannot
 * (nan, inf, beyond int64) count as negative, giving 0 as PyTorch does */
static inline int64_t poly_degree(double n) { return isfinite(n) && fabs(n) < 9.2e18 ? (int64_t)n : -1; }

/* ------------------------------------------------------------------ dtype lists
 * M(ctype, Name, unsigned ctype, min, max, helper suffix, ...) */
#define FLOAT_TYPES(M, ...) \
    M(float, Float, float, -INFINITY, INFINITY, f, __VA_ARGS__) \
    M(double, Double, double, -INFINITY, INFINITY, d, __VA_ARGS__)
#define SINT_TYPES(M, ...) \
    M(int8_t, Char, uint8_t, INT8_MIN, INT8_MAX, i, __VA_ARGS__) \
    M(int16_t, Short, uint16_t, INT16_MIN, INT16_MAX, i, __VA_ARGS__) \
    M(int32_t, Int, uint32_t, INT32_MIN, INT32_MAX, i, __VA_ARGS__) \
    M(int64_t, Long, uint64_t, INT64_MIN, INT64_MAX, i, __VA_ARGS__)
#define INT_TYPES(M, ...) M(uint8_t, Byte, uint8_t, 0, UINT8_MAX, i, __VA_ARGS__) SINT_TYPES(M, __VA_ARGS__)
#define BOOL_TYPES(M, ...) M(uint8_t, Bool, uint8_t, 0, 1, i, __VA_ARGS__)
#define NUM_TYPES(M, ...) FLOAT_TYPES(M, __VA_ARGS__) INT_TYPES(M, __VA_ARGS__)
#define ALL_TYPES(M, ...) NUM_TYPES(M, __VA_ARGS__) BOOL_TYPES(M, __VA_ARGS__)
#define IB_TYPES(M, ...) INT_TYPES(M, __VA_ARGS__) BOOL_TYPES(M, __VA_ARGS__)

#define CODE_Float TH_FLOAT32
#define CODE_Double TH_FLOAT64
#define CODE_Byte TH_UINT8
#define CODE_Char TH_INT8
#define CODE_Short TH_INT16
#define CODE_Int TH_INT32
#define CODE_Long TH_INT64
#define CODE_Bool TH_BOOL

/* ------------------------------------------------------------------ kernel templates
 * Inside EXPR: x, y (, z) are the operands of type T_, U_ the unsigned type, c the ctx. */

#define HOT __attribute__((target_clones("avx2", "default")))

#define BIN_KERNEL(NAME, TYPE, UTYPE, OTYPE, ...) \
static HOT void NAME(char **d, const int64_t *s, int64_t n, void *vc) \
{ \
    typedef TYPE T_; typedef UTYPE U_; typedef OTYPE O_; (void)sizeof(U_); \
    PWCtx *c = vc; (void)c; \
    const double alpha_ = c->alpha; (void)alpha_; \
    char *po = d[0]; const char *pa = d[1], *pb = d[2]; \
    if (s[0] == sizeof(O_) && s[1] == sizeof(T_) && s[2] == sizeof(T_)) { \
        O_ *o = (O_ *)po; const T_ *A = (const T_ *)pa, *B = (const T_ *)pb; \
        for (int64_t i = 0; i < n; i++) { T_ x = A[i], y = B[i]; o[i] = (O_)(__VA_ARGS__); } \
    } else if (s[0] == sizeof(O_) && s[1] == sizeof(T_) && s[2] == 0) { \
        O_ *o = (O_ *)po; const T_ *A = (const T_ *)pa; const T_ y = *(const T_ *)pb; \
        for (int64_t i = 0; i < n; i++) { T_ x = A[i]; o[i] = (O_)(__VA_ARGS__); } \
    } else if (s[0] == sizeof(O_) && s[1] == 0 && s[2] == sizeof(T_)) { \
        O_ *o = (O_ *)po; const T_ x = *(const T_ *)pa; const T_ *B = (const T_ *)pb; \
        for (int64_t i = 0; i < n; i++) { T_ y = B[i]; o[i] = (O_)(__VA_ARGS__); } \
    } else { \
        for (int64_t i = 0; i < n; i++) { \
            T_ x = *(const T_ *)(pa + i * s[1]), y = *(const T_ *)(pb + i * s[2]); \
            *(O_ *)(po + i * s[0]) = (O_)(__VA_ARGS__); \
        } \
    } \
}

#define UN_KERNEL(NAME, TYPE, UTYPE, OTYPE, ...) \
static HOT void NAME(char **d, const int64_t *s, int64_t n, void *vc) \
{ \
    typedef TYPE T_; typedef UTYPE U_; typedef OTYPE O_; (void)sizeof(U_); \
    PWCtx *c = vc; (void)c; \
    char *po = d[0]; const char *pa = d[1]; \
    if (s[0] == sizeof(O_) && s[1] == sizeof(T_)) { \
        O_ *o = (O_ *)po; const T_ *A = (const T_ *)pa; \
        for (int64_t i = 0; i < n; i++) { T_ x = A[i]; o[i] = (O_)(__VA_ARGS__); } \
    } else { \
        for (int64_t i = 0; i < n; i++) { \
            T_ x = *(const T_ *)(pa + i * s[1]); \
            *(O_ *)(po + i * s[0]) = (O_)(__VA_ARGS__); \
        } \
    } \
}

#define TER_KERNEL(NAME, TYPE, UTYPE, OTYPE, ...) \
static HOT void NAME(char **d, const int64_t *s, int64_t n, void *vc) \
{ \
    typedef TYPE T_; typedef UTYPE U_; typedef OTYPE O_; (void)sizeof(U_); \
    PWCtx *c = vc; (void)c; \
    const double alpha_ = c->alpha; (void)alpha_; \
    char *po = d[0]; const char *pa = d[1], *pb = d[2], *pc = d[3]; \
    if (s[0] == sizeof(O_) && s[1] == sizeof(T_) && s[2] == sizeof(T_) && s[3] == sizeof(T_)) { \
        O_ *o = (O_ *)po; const T_ *A = (const T_ *)pa, *B = (const T_ *)pb, *C = (const T_ *)pc; \
        for (int64_t i = 0; i < n; i++) { T_ x = A[i], y = B[i], z = C[i]; o[i] = (O_)(__VA_ARGS__); } \
    } else { \
        for (int64_t i = 0; i < n; i++) { \
            T_ x = *(const T_ *)(pa + i * s[1]), y = *(const T_ *)(pb + i * s[2]), z = *(const T_ *)(pc + i * s[3]); \
            *(O_ *)(po + i * s[0]) = (O_)(__VA_ARGS__); \
        } \
    } \
}

/* Kernel tables: [op][dtype]; NULL = the op is not defined for that dtype. */
enum { BX_ADD_ALPHA = TH_BINARY_COUNT, BX_SUB_ALPHA, BX_COUNT };
enum { TX_ADDCMUL = 0, TX_ADDCDIV, TX_LERP, TX_COUNT };
enum { UX_CLAMP = TH_UNARY_COUNT, UX_POLYGAMMA, UX_COUNT };
static THLoop bin_tab[BX_COUNT][TH_NDTYPES];
static THLoop cmp_tab[BX_COUNT][TH_NDTYPES];   /* comparisons/logical: bool output */
static THLoop un_tab[UX_COUNT][TH_NDTYPES];
static THLoop unb_tab[UX_COUNT][TH_NDTYPES];   /* predicates: bool output */
static THLoop ter_tab[TX_COUNT][TH_NDTYPES];

/* DEF*: define kernel OPN for every type of a list; REG*: its table entry */
#define DEFB_(T, N, UT, MN, MX, SF, OPN, ...) BIN_KERNEL(bin_##OPN##_##N, T, UT, T, __VA_ARGS__)
#define DEFC_(T, N, UT, MN, MX, SF, OPN, ...) BIN_KERNEL(cmp_##OPN##_##N, T, UT, uint8_t, __VA_ARGS__)
#define DEFU_(T, N, UT, MN, MX, SF, OPN, ...) UN_KERNEL(un_##OPN##_##N, T, UT, T, __VA_ARGS__)
#define DEFUB_(T, N, UT, MN, MX, SF, OPN, ...) UN_KERNEL(unb_##OPN##_##N, T, UT, uint8_t, __VA_ARGS__)
#define DEFT_(T, N, UT, MN, MX, SF, OPN, ...) TER_KERNEL(ter_##OPN##_##N, T, UT, T, __VA_ARGS__)

/* ---- binary arithmetic */
FLOAT_TYPES(DEFB_, add, x + y)
INT_TYPES(DEFB_, add, (U_)x + (U_)y)
BOOL_TYPES(DEFB_, add, x | y)
FLOAT_TYPES(DEFB_, adda, x + (T_)alpha_ * y)
INT_TYPES(DEFB_, adda, (U_)x + (U_)(T_)(int64_t)alpha_ * (U_)y)
BOOL_TYPES(DEFB_, adda, x | ((alpha_ != 0) & y))
FLOAT_TYPES(DEFB_, sub, x - y)
INT_TYPES(DEFB_, sub, (U_)x - (U_)y)
FLOAT_TYPES(DEFB_, suba, x - (T_)alpha_ * y)
INT_TYPES(DEFB_, suba, (U_)x - (U_)(T_)(int64_t)alpha_ * (U_)y)
FLOAT_TYPES(DEFB_, mul, x * y)
INT_TYPES(DEFB_, mul, (U_)x * (U_)y)
BOOL_TYPES(DEFB_, mul, x & y)
FLOAT_TYPES(DEFB_, div, x / y)
INT_TYPES(DEFB_, div, i_div_trunc(x, y, c))
FLOAT_TYPES(DEFB_, tdiv, trunc(x / y))
INT_TYPES(DEFB_, tdiv, i_div_trunc(x, y, c))
FLOAT_TYPES(DEFB_, fdiv, (sizeof(T_) == 4 ? (T_)f_floordiv_f((float)x, (float)y) : (T_)f_floordiv_d(x, y)))
INT_TYPES(DEFB_, fdiv, i_div_floor(x, y, c))
FLOAT_TYPES(DEFB_, pow, pow(x, y))
INT_TYPES(DEFB_, pow, i_pow(x, y))
FLOAT_TYPES(DEFB_, fmod, fmod(x, y))
INT_TYPES(DEFB_, fmod, i_fmod(x, y, c))
FLOAT_TYPES(DEFB_, rem, (sizeof(T_) == 4 ? (T_)f_remainder_f((float)x, (float)y) : (T_)f_remainder_d(x, y)))
INT_TYPES(DEFB_, rem, i_remainder(x, y, c))
FLOAT_TYPES(DEFB_, atan2, atan2(x, y))
FLOAT_TYPES(DEFB_, hypot, hypot(x, y))
/* PyTorch's: equal infinities return themselves (inf - inf would give NaN) */
#define LOGADDEXP_(x, y, EXP, SCALE) \
    ((isinf(x) && (x) == (y)) ? (x) : ((x) < (y) ? (y) : (x)) + log1p(EXP(-fabs((x) - (y)))) * (SCALE))
FLOAT_TYPES(DEFB_, logaddexp, LOGADDEXP_(x, y, exp, (T_)1))
FLOAT_TYPES(DEFB_, logaddexp2, LOGADDEXP_(x, y, exp2, (T_)1.4426950408889634))
FLOAT_TYPES(DEFB_, min, (x != x || x < y) ? x : y)
IB_TYPES(DEFB_, min, x < y ? x : y)
FLOAT_TYPES(DEFB_, max, (x != x || x > y) ? x : y)
IB_TYPES(DEFB_, max, x > y ? x : y)
IB_TYPES(DEFB_, band, x & y)
IB_TYPES(DEFB_, bor, x | y)
IB_TYPES(DEFB_, bxor, x ^ y)
INT_TYPES(DEFB_, shl, i_shl(x, y, (int)sizeof(T_) * 8))
INT_TYPES(DEFB_, shr, i_shr(x, y, (int)sizeof(T_) * 8, (T_)-1 < 0))
/* ---- comparisons and logical ops (bool out) */
ALL_TYPES(DEFC_, eq, x == y)
ALL_TYPES(DEFC_, ne, x != y)
ALL_TYPES(DEFC_, lt, x < y)
ALL_TYPES(DEFC_, le, x <= y)
ALL_TYPES(DEFC_, gt, x > y)
ALL_TYPES(DEFC_, ge, x >= y)
ALL_TYPES(DEFC_, land, (x != 0) & (y != 0))
ALL_TYPES(DEFC_, lor, (x != 0) | (y != 0))
ALL_TYPES(DEFC_, lxor, (x != 0) ^ (y != 0))

/* ---- unary */
FLOAT_TYPES(DEFU_, neg, -x)
INT_TYPES(DEFU_, neg, 0 - (U_)x)
FLOAT_TYPES(DEFU_, abs, fabs(x))
INT_TYPES(DEFU_, abs, x < 0 ? (T_)(0 - (U_)x) : x)
FLOAT_TYPES(DEFU_, sign, (0 < x) - (x < 0))
IB_TYPES(DEFU_, sign, (0 < x) - (x < 0))
FLOAT_TYPES(DEFU_, exp, exp(x))
FLOAT_TYPES(DEFU_, expm1, expm1(x))
FLOAT_TYPES(DEFU_, exp2, exp2(x))
FLOAT_TYPES(DEFU_, log, log(x))
FLOAT_TYPES(DEFU_, log1p, log1p(x))
FLOAT_TYPES(DEFU_, log2, log2(x))
FLOAT_TYPES(DEFU_, log10, log10(x))
FLOAT_TYPES(DEFU_, sqrt, sqrt(x))
FLOAT_TYPES(DEFU_, rsqrt, (T_)1 / sqrt(x))
FLOAT_TYPES(DEFU_, sin, sin(x))
FLOAT_TYPES(DEFU_, cos, cos(x))
FLOAT_TYPES(DEFU_, tan, tan(x))
FLOAT_TYPES(DEFU_, asin, asin(x))
FLOAT_TYPES(DEFU_, acos, acos(x))
FLOAT_TYPES(DEFU_, atan, atan(x))
FLOAT_TYPES(DEFU_, sinh, sinh(x))
FLOAT_TYPES(DEFU_, cosh, cosh(x))
FLOAT_TYPES(DEFU_, tanh, tanh(x))
/* e^x / (1 + e^x) below 0 keeps the subnormal tail instead of flushing to 0 */
FLOAT_TYPES(DEFU_, sigmoid, x >= 0 ? (T_)1 / ((T_)1 + exp(-x)) : ({ T_ e_ = exp(x); e_ / ((T_)1 + e_); }))
FLOAT_TYPES(DEFU_, floor, floor(x))
FLOAT_TYPES(DEFU_, ceil, ceil(x))
FLOAT_TYPES(DEFU_, round, nearbyint(x))
FLOAT_TYPES(DEFU_, trunc, trunc(x))
FLOAT_TYPES(DEFU_, rhalf, round(x))
INT_TYPES(DEFU_, ident, x)
FLOAT_TYPES(DEFU_, frac, x - trunc(x))
FLOAT_TYPES(DEFU_, recip, (T_)1 / x)
FLOAT_TYPES(DEFU_, square, x * x)
INT_TYPES(DEFU_, square, (U_)x * (U_)x)
FLOAT_TYPES(DEFU_, erf, erf(x))
FLOAT_TYPES(DEFU_, erfc, erfc(x))
FLOAT_TYPES(DEFU_, lgamma, (sizeof(T_) == 4 ? (T_)f_lgamma_f((float)x) : (T_)f_lgamma_d(x)))
FLOAT_TYPES(DEFU_, polygamma, (sizeof(T_) == 4 ? (T_)THSpecial_polygamma_f(c->ilo, (float)x)
                                                 : (T_)THSpecial_polygamma_d(c->ilo, x)))
/* the special functions f(x), f(x, y) and f(x, degree) */
#define DEFSP1_(N) FLOAT_TYPES(DEFU_, N, (sizeof(T_) == 4 ? (T_)THSpecial_##N##_f((float)x) : (T_)THSpecial_##N##_d(x)))
#define DEFSP2_(N) FLOAT_TYPES(DEFB_, N, (sizeof(T_) == 4 ? (T_)THSpecial_##N##_f((float)x, (float)y) \
                                                       : (T_)THSpecial_##N##_d(x, y)))
#define DEFSPP_(N) FLOAT_TYPES(DEFB_, N, (sizeof(T_) == 4 ? (T_)THSpecial_##N##_f((float)x, poly_degree(y)) \
                                                       : (T_)THSpecial_##N##_d(x, poly_degree(y))))
TH_SPECIAL_UNARY(DEFSP1_)
TH_SPECIAL_BINARY(DEFSP2_)
TH_SPECIAL_POLY(DEFSPP_)
INT_TYPES(DEFU_, bnot, ~x)
BOOL_TYPES(DEFU_, bnot, !x)
FLOAT_TYPES(DEFU_, clamp, ({ T_ v_ = x < (T_)c->lo ? (T_)c->lo : x; v_ > (T_)c->hi ? (T_)c->hi : v_; }))
IB_TYPES(DEFU_, clamp, ({ T_ lo_ = (T_)c->ilo, hi_ = (T_)c->ihi;
                          T_ v_ = x < lo_ ? lo_ : x; v_ > hi_ ? hi_ : v_; }))
ALL_TYPES(DEFUB_, lnot, x == 0)
FLOAT_TYPES(DEFUB_, isnan, x != x)
IB_TYPES(DEFUB_, isnan, 0 * x)
FLOAT_TYPES(DEFUB_, isinf, isinf(x))
IB_TYPES(DEFUB_, isinf, 0 * x)
FLOAT_TYPES(DEFUB_, isfinite, isfinite(x))
IB_TYPES(DEFUB_, isfinite, 1 + 0 * x)

/* ---- ternary */
FLOAT_TYPES(DEFT_, addcmul, x + (T_)alpha_ * y * z)
INT_TYPES(DEFT_, addcmul, (U_)x + (U_)(T_)(int64_t)alpha_ * (U_)y * (U_)z)
BOOL_TYPES(DEFT_, addcmul, x | ((alpha_ != 0) & y & z))
FLOAT_TYPES(DEFT_, addcdiv, x + (T_)alpha_ * y / z)
FLOAT_TYPES(DEFT_, lerp, sizeof(T_) == 4 ? (T_)f_lerp_f((float)x, (float)y, (float)z) : (T_)f_lerp_d(x, y, z))

/* float32 exp, sqrt, sigmoid, erfinv and i0: SIMD when contiguous */
#define VEC_UNARY(OPN, VF) \
static void un_##OPN##_vec(char **d, const int64_t *s, int64_t n, void *c) \
{ \
    if (s[0] == 4 && s[1] == 4 && VF((float *)d[0], (const float *)d[1], n)) return; \
    un_##OPN##_Float(d, s, n, c); \
}
VEC_UNARY(exp, THVector_expf)
VEC_UNARY(sqrt, THVector_sqrtf)
VEC_UNARY(sigmoid, THVector_sigmoidf)
VEC_UNARY(erfinv, THVector_erfinvf)
VEC_UNARY(i0, THVector_i0f)

/* float32 logaddexp/logaddexp2: SIMD when contiguous */
static void bin_logaddexp_vec(char **d, const int64_t *s, int64_t n, void *c)
{
    if (s[0] == 4 && s[1] == 4 && s[2] == 4 &&
        THVector_logaddexpf((float *)d[0], (const float *)d[1], (const float *)d[2], n, 0)) return;
    bin_logaddexp_Float(d, s, n, c);
}
static void bin_logaddexp2_vec(char **d, const int64_t *s, int64_t n, void *c)
{
    if (s[0] == 4 && s[1] == 4 && s[2] == 4 &&
        THVector_logaddexpf((float *)d[0], (const float *)d[1], (const float *)d[2], n, 1)) return;
    bin_logaddexp2_Float(d, s, n, c);
}

/* float32 add/sub/mul/div over contiguous runs far larger than the caches: streaming stores */
enum { TH_STREAM_MIN = 1 << 20 };
#define STREAM_KERNEL(OPN, K) \
static void bin_##OPN##_stream(char **d, const int64_t *s, int64_t n, void *c) \
{ \
    if (n >= TH_STREAM_MIN && s[0] == 4 && s[1] == 4 && s[2] == 4 && \
        THVector_binaryfStream(K, (float *)d[0], (const float *)d[1], (const float *)d[2], n)) return; \
    bin_##OPN##_Float(d, s, n, c); \
}
STREAM_KERNEL(add, 0)
STREAM_KERNEL(sub, 1)
STREAM_KERNEL(mul, 2)
STREAM_KERNEL(div, 3)

/* where: the value is chosen bytewise, so one kernel per element size */
#define WHERE_KERNEL(NAME, T) \
static void NAME(char **d, const int64_t *s, int64_t n, void *vc) \
{ \
    (void)vc; \
    if (s[0] == sizeof(T) && s[1] == 1 && s[2] == sizeof(T) && s[3] == sizeof(T)) { \
        T *o = (T *)d[0]; const uint8_t *m = (const uint8_t *)d[1]; \
        const T *A = (const T *)d[2], *B = (const T *)d[3]; \
        for (int64_t i = 0; i < n; i++) o[i] = m[i] ? A[i] : B[i]; \
    } else { \
        for (int64_t i = 0; i < n; i++) \
            *(T *)(d[0] + i * s[0]) = *(const uint8_t *)(d[1] + i * s[1]) ? \
                *(const T *)(d[2] + i * s[2]) : *(const T *)(d[3] + i * s[3]); \
    } \
}
WHERE_KERNEL(where_1, uint8_t)
WHERE_KERNEL(where_2, uint16_t)
WHERE_KERNEL(where_4, uint32_t)
WHERE_KERNEL(where_8, uint64_t)

#define REGB_(T, N, UT, MN, MX, SF, OP, OPN) bin_tab[OP][CODE_##N] = bin_##OPN##_##N;
#define REGC_(T, N, UT, MN, MX, SF, OP, OPN) cmp_tab[OP][CODE_##N] = cmp_##OPN##_##N;
#define REGU_(T, N, UT, MN, MX, SF, OP, OPN) un_tab[OP][CODE_##N] = un_##OPN##_##N;
#define REGUB_(T, N, UT, MN, MX, SF, OP, OPN) unb_tab[OP][CODE_##N] = unb_##OPN##_##N;
#define REGT_(T, N, UT, MN, MX, SF, OP, OPN) ter_tab[OP][CODE_##N] = ter_##OPN##_##N;

__attribute__((constructor)) static void pointwise_init_tables(void)
{
    FLOAT_TYPES(REGB_, TH_BINARY_ADD, add) INT_TYPES(REGB_, TH_BINARY_ADD, add) BOOL_TYPES(REGB_, TH_BINARY_ADD, add)
    FLOAT_TYPES(REGB_, BX_ADD_ALPHA, adda) INT_TYPES(REGB_, BX_ADD_ALPHA, adda) BOOL_TYPES(REGB_, BX_ADD_ALPHA, adda)
    FLOAT_TYPES(REGB_, TH_BINARY_SUB, sub) INT_TYPES(REGB_, TH_BINARY_SUB, sub)
    FLOAT_TYPES(REGB_, BX_SUB_ALPHA, suba) INT_TYPES(REGB_, BX_SUB_ALPHA, suba)
    FLOAT_TYPES(REGB_, TH_BINARY_MUL, mul) INT_TYPES(REGB_, TH_BINARY_MUL, mul) BOOL_TYPES(REGB_, TH_BINARY_MUL, mul)
    FLOAT_TYPES(REGB_, TH_BINARY_DIV, div) INT_TYPES(REGB_, TH_BINARY_DIV, div)
    FLOAT_TYPES(REGB_, TH_BINARY_TRUNC_DIVIDE, tdiv) INT_TYPES(REGB_, TH_BINARY_TRUNC_DIVIDE, tdiv)
    FLOAT_TYPES(REGB_, TH_BINARY_FLOOR_DIVIDE, fdiv) INT_TYPES(REGB_, TH_BINARY_FLOOR_DIVIDE, fdiv)
    FLOAT_TYPES(REGB_, TH_BINARY_POW, pow) INT_TYPES(REGB_, TH_BINARY_POW, pow)
    FLOAT_TYPES(REGB_, TH_BINARY_FMOD, fmod) INT_TYPES(REGB_, TH_BINARY_FMOD, fmod)
    FLOAT_TYPES(REGB_, TH_BINARY_REMAINDER, rem) INT_TYPES(REGB_, TH_BINARY_REMAINDER, rem)
    FLOAT_TYPES(REGB_, TH_BINARY_ATAN2, atan2)
    FLOAT_TYPES(REGB_, TH_BINARY_HYPOT, hypot)
    FLOAT_TYPES(REGB_, TH_BINARY_LOGADDEXP, logaddexp)
    FLOAT_TYPES(REGB_, TH_BINARY_LOGADDEXP2, logaddexp2)
    FLOAT_TYPES(REGB_, TH_BINARY_MINIMUM, min) IB_TYPES(REGB_, TH_BINARY_MINIMUM, min)
    FLOAT_TYPES(REGB_, TH_BINARY_MAXIMUM, max) IB_TYPES(REGB_, TH_BINARY_MAXIMUM, max)
    IB_TYPES(REGB_, TH_BINARY_BITAND, band)
    IB_TYPES(REGB_, TH_BINARY_BITOR, bor)
    IB_TYPES(REGB_, TH_BINARY_BITXOR, bxor)
    INT_TYPES(REGB_, TH_BINARY_LSHIFT, shl)
    INT_TYPES(REGB_, TH_BINARY_RSHIFT, shr)
    ALL_TYPES(REGC_, TH_BINARY_EQ, eq) ALL_TYPES(REGC_, TH_BINARY_NE, ne)
    ALL_TYPES(REGC_, TH_BINARY_LT, lt) ALL_TYPES(REGC_, TH_BINARY_LE, le)
    ALL_TYPES(REGC_, TH_BINARY_GT, gt) ALL_TYPES(REGC_, TH_BINARY_GE, ge)
    ALL_TYPES(REGC_, TH_BINARY_LOGICAL_AND, land) ALL_TYPES(REGC_, TH_BINARY_LOGICAL_OR, lor)
    ALL_TYPES(REGC_, TH_BINARY_LOGICAL_XOR, lxor)

    FLOAT_TYPES(REGU_, TH_UNARY_NEG, neg) INT_TYPES(REGU_, TH_UNARY_NEG, neg)
    FLOAT_TYPES(REGU_, TH_UNARY_ABS, abs) INT_TYPES(REGU_, TH_UNARY_ABS, abs)
    FLOAT_TYPES(REGU_, TH_UNARY_SIGN, sign) IB_TYPES(REGU_, TH_UNARY_SIGN, sign)
    FLOAT_TYPES(REGU_, TH_UNARY_EXP, exp) FLOAT_TYPES(REGU_, TH_UNARY_EXPM1, expm1)
    FLOAT_TYPES(REGU_, TH_UNARY_EXP2, exp2) FLOAT_TYPES(REGU_, TH_UNARY_LOG, log)
    FLOAT_TYPES(REGU_, TH_UNARY_LOG1P, log1p) FLOAT_TYPES(REGU_, TH_UNARY_LOG2, log2)
    FLOAT_TYPES(REGU_, TH_UNARY_LOG10, log10) FLOAT_TYPES(REGU_, TH_UNARY_SQRT, sqrt)
    FLOAT_TYPES(REGU_, TH_UNARY_RSQRT, rsqrt) FLOAT_TYPES(REGU_, TH_UNARY_SIN, sin)
    FLOAT_TYPES(REGU_, TH_UNARY_COS, cos) FLOAT_TYPES(REGU_, TH_UNARY_TAN, tan)
    FLOAT_TYPES(REGU_, TH_UNARY_ASIN, asin) FLOAT_TYPES(REGU_, TH_UNARY_ACOS, acos)
    FLOAT_TYPES(REGU_, TH_UNARY_ATAN, atan) FLOAT_TYPES(REGU_, TH_UNARY_SINH, sinh)
    FLOAT_TYPES(REGU_, TH_UNARY_COSH, cosh) FLOAT_TYPES(REGU_, TH_UNARY_TANH, tanh)
    FLOAT_TYPES(REGU_, TH_UNARY_SIGMOID, sigmoid)
    FLOAT_TYPES(REGU_, TH_UNARY_FLOOR, floor) INT_TYPES(REGU_, TH_UNARY_FLOOR, ident)
    FLOAT_TYPES(REGU_, TH_UNARY_CEIL, ceil) INT_TYPES(REGU_, TH_UNARY_CEIL, ident)
    FLOAT_TYPES(REGU_, TH_UNARY_ROUND, round) INT_TYPES(REGU_, TH_UNARY_ROUND, ident)
    FLOAT_TYPES(REGU_, TH_UNARY_TRUNC, trunc) INT_TYPES(REGU_, TH_UNARY_TRUNC, ident)
    FLOAT_TYPES(REGU_, TH_UNARY_ROUND_HALF_AWAY, rhalf) INT_TYPES(REGU_, TH_UNARY_ROUND_HALF_AWAY, ident)
    FLOAT_TYPES(REGU_, TH_UNARY_FRAC, frac) FLOAT_TYPES(REGU_, TH_UNARY_RECIPROCAL, recip)
    FLOAT_TYPES(REGU_, TH_UNARY_SQUARE, square) INT_TYPES(REGU_, TH_UNARY_SQUARE, square)
    FLOAT_TYPES(REGU_, TH_UNARY_ERF, erf) FLOAT_TYPES(REGU_, TH_UNARY_ERFC, erfc)
    FLOAT_TYPES(REGU_, TH_UNARY_LGAMMA, lgamma) FLOAT_TYPES(REGU_, TH_UNARY_DIGAMMA, digamma)
    FLOAT_TYPES(REGU_, TH_UNARY_ERFINV, erfinv) FLOAT_TYPES(REGU_, TH_UNARY_NDTRI, ndtri)
    FLOAT_TYPES(REGU_, TH_UNARY_LOG_NDTR, log_ndtr) FLOAT_TYPES(REGU_, TH_UNARY_ERFCX, erfcx)
    FLOAT_TYPES(REGU_, TH_UNARY_I0, i0) FLOAT_TYPES(REGU_, TH_UNARY_I0E, i0e)
    FLOAT_TYPES(REGU_, TH_UNARY_I1, i1) FLOAT_TYPES(REGU_, TH_UNARY_I1E, i1e)
    FLOAT_TYPES(REGU_, TH_UNARY_BESSEL_J0, bessel_j0) FLOAT_TYPES(REGU_, TH_UNARY_BESSEL_J1, bessel_j1)
    FLOAT_TYPES(REGU_, TH_UNARY_BESSEL_Y0, bessel_y0) FLOAT_TYPES(REGU_, TH_UNARY_BESSEL_Y1, bessel_y1)
    FLOAT_TYPES(REGU_, TH_UNARY_MODIFIED_BESSEL_I0, modified_bessel_i0)
    FLOAT_TYPES(REGU_, TH_UNARY_MODIFIED_BESSEL_I1, modified_bessel_i1)
    FLOAT_TYPES(REGU_, TH_UNARY_MODIFIED_BESSEL_K0, modified_bessel_k0)
    FLOAT_TYPES(REGU_, TH_UNARY_MODIFIED_BESSEL_K1, modified_bessel_k1)
    FLOAT_TYPES(REGU_, TH_UNARY_SCALED_MODIFIED_BESSEL_K0, scaled_modified_bessel_k0)
    FLOAT_TYPES(REGU_, TH_UNARY_SCALED_MODIFIED_BESSEL_K1, scaled_modified_bessel_k1)
    FLOAT_TYPES(REGU_, TH_UNARY_SPHERICAL_BESSEL_J0, spherical_bessel_j0)
    FLOAT_TYPES(REGU_, TH_UNARY_AIRY_AI, airy_ai)
    FLOAT_TYPES(REGB_, TH_BINARY_ZETA, zeta) FLOAT_TYPES(REGB_, TH_BINARY_IGAMMA, igamma)
    FLOAT_TYPES(REGB_, TH_BINARY_IGAMMAC, igammac)
    FLOAT_TYPES(REGB_, TH_BINARY_CHEBYSHEV_T, chebyshev_polynomial_t)
    FLOAT_TYPES(REGB_, TH_BINARY_CHEBYSHEV_U, chebyshev_polynomial_u)
    FLOAT_TYPES(REGB_, TH_BINARY_CHEBYSHEV_V, chebyshev_polynomial_v)
    FLOAT_TYPES(REGB_, TH_BINARY_CHEBYSHEV_W, chebyshev_polynomial_w)
    FLOAT_TYPES(REGB_, TH_BINARY_SHIFTED_CHEBYSHEV_T, shifted_chebyshev_polynomial_t)
    FLOAT_TYPES(REGB_, TH_BINARY_SHIFTED_CHEBYSHEV_U, shifted_chebyshev_polynomial_u)
    FLOAT_TYPES(REGB_, TH_BINARY_SHIFTED_CHEBYSHEV_V, shifted_chebyshev_polynomial_v)
    FLOAT_TYPES(REGB_, TH_BINARY_SHIFTED_CHEBYSHEV_W, shifted_chebyshev_polynomial_w)
    FLOAT_TYPES(REGB_, TH_BINARY_HERMITE_H, hermite_polynomial_h)
    FLOAT_TYPES(REGB_, TH_BINARY_HERMITE_HE, hermite_polynomial_he)
    FLOAT_TYPES(REGB_, TH_BINARY_LAGUERRE_L, laguerre_polynomial_l)
    FLOAT_TYPES(REGB_, TH_BINARY_LEGENDRE_P, legendre_polynomial_p)
    FLOAT_TYPES(REGU_, UX_POLYGAMMA, polygamma)
    INT_TYPES(REGU_, TH_UNARY_BITWISE_NOT, bnot) BOOL_TYPES(REGU_, TH_UNARY_BITWISE_NOT, bnot)
    FLOAT_TYPES(REGU_, UX_CLAMP, clamp) IB_TYPES(REGU_, UX_CLAMP, clamp)
    bin_tab[TH_BINARY_ADD][TH_FLOAT32] = bin_add_stream;
    bin_tab[TH_BINARY_SUB][TH_FLOAT32] = bin_sub_stream;
    bin_tab[TH_BINARY_MUL][TH_FLOAT32] = bin_mul_stream;
    bin_tab[TH_BINARY_DIV][TH_FLOAT32] = bin_div_stream;
    un_tab[TH_UNARY_EXP][TH_FLOAT32] = un_exp_vec;
    un_tab[TH_UNARY_SQRT][TH_FLOAT32] = un_sqrt_vec;
    bin_tab[TH_BINARY_LOGADDEXP][TH_FLOAT32] = bin_logaddexp_vec;
    bin_tab[TH_BINARY_LOGADDEXP2][TH_FLOAT32] = bin_logaddexp2_vec;
    un_tab[TH_UNARY_SIGMOID][TH_FLOAT32] = un_sigmoid_vec;
    un_tab[TH_UNARY_ERFINV][TH_FLOAT32] = un_erfinv_vec;
    un_tab[TH_UNARY_I0][TH_FLOAT32] = un_i0_vec;
    ALL_TYPES(REGUB_, TH_UNARY_LOGICAL_NOT, lnot)
    ALL_TYPES(REGUB_, TH_UNARY_ISNAN, isnan) ALL_TYPES(REGUB_, TH_UNARY_ISINF, isinf)
    ALL_TYPES(REGUB_, TH_UNARY_ISFINITE, isfinite)

    NUM_TYPES(REGT_, TX_ADDCMUL, addcmul) BOOL_TYPES(REGT_, TX_ADDCMUL, addcmul)
    FLOAT_TYPES(REGT_, TX_ADDCDIV, addcdiv)
    FLOAT_TYPES(REGT_, TX_LERP, lerp)
}

/* ------------------------------------------------------------------ op facts */

static const char *const bin_names[TH_BINARY_COUNT] = {
    "add", "sub", "mul", "div", "floor_divide", "pow", "fmod", "remainder", "atan2", "minimum",
    "maximum", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift",
    "logical_and", "logical_or", "logical_xor", "eq", "ne", "lt", "le", "gt", "ge", "hypot", "trunc_divide",
    "zeta", "igamma", "igammac", "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
    "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
    "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p", "logaddexp",
    "logaddexp2"};
static const char *const un_names[TH_UNARY_COUNT] = {
    "neg", "abs", "sign", "exp", "expm1", "exp2", "log", "log1p", "log2", "log10", "sqrt", "rsqrt",
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "floor", "ceil",
    "round", "trunc", "frac", "reciprocal", "square", "erf", "erfc", "lgamma", "bitwise_not",
    "logical_not", "isnan", "isinf", "isfinite", "round_half_away", "digamma", "erfinv", "ndtri", "log_ndtr",
    "erfcx", "i0", "i0e", "i1", "i1e", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0",
    "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1", "spherical_bessel_j0", "airy_ai"};

static int bin_is_bool_out(int op)
{
    return (op >= TH_BINARY_LOGICAL_AND && op <= TH_BINARY_GE);
}
static int bin_is_float_out(int op)
{
    return op == TH_BINARY_DIV || op == TH_BINARY_ATAN2 || op == TH_BINARY_HYPOT || (op >= TH_BINARY_ZETA && op < TH_BINARY_COUNT);
}
static int un_is_bool_out(int op)
{
    return op == TH_UNARY_LOGICAL_NOT || op == TH_UNARY_ISNAN || op == TH_UNARY_ISINF || op == TH_UNARY_ISFINITE;
}
/* ops whose result is floating for integer input */
static int un_is_float_op(int op)
{
    switch (op) {
    case TH_UNARY_NEG: case TH_UNARY_ABS: case TH_UNARY_SIGN: case TH_UNARY_FLOOR: case TH_UNARY_CEIL:
    case TH_UNARY_ROUND: case TH_UNARY_TRUNC: case TH_UNARY_ROUND_HALF_AWAY: case TH_UNARY_SQUARE:
    case TH_UNARY_BITWISE_NOT: case TH_UNARY_LOGICAL_NOT: case TH_UNARY_ISNAN: case TH_UNARY_ISINF:
    case TH_UNARY_ISFINITE:
        return 0;
    }
    return 1;
}

/* float16 is storage-only: compute in float32 and let the final copy round */
static inline int compute_dtype(int dt) { return dt == TH_FLOAT16 ? TH_FLOAT32 : dt; }
static inline int float_of(int dt) { return TH_isFloat(dt) ? dt : TH_FLOAT32; }

/* PyTorch's result_type for tensors: dimensioned operands outrank 0-dim ones unless the
 * 0-dim one is of a higher category (bool < integer < floating). */
static int result_type(int n, THTensor *const *ts)
{
    int dimr = -1, zeror = -1;
    for (int k = 0; k < n; k++) {
        if (!ts[k]) continue;
        if (ts[k]->ndim > 0) dimr = TH_promoteTypes(dimr, ts[k]->dtype);
        else zeror = TH_promoteTypes(zeror, ts[k]->dtype);
    }
    if (dimr < 0) return zeror;
    if (zeror < 0) return dimr;
    if (TH_isFloat(dimr)) return dimr;
    if (dimr == TH_BOOL || TH_isFloat(zeror)) return TH_promoteTypes(dimr, zeror);
    return dimr;
}

static int check_input(const char *fn, const char *arg, THTensor *t)
{
    TH_CHECK(t, TH_ERR_VALUE, "%s: %s is NULL", fn, arg);
    TH_CHECK(TH_validDtype(t->dtype), TH_ERR_TYPE, "%s: %s has no dtype", fn, arg);
    return 0;
}

static void shape_str(char *buf, size_t n, int ndim, const int64_t *size)
{
    size_t k = (size_t)snprintf(buf, n, "[");
    for (int d = 0; d < ndim && k < n; d++)
        k += (size_t)snprintf(buf + k, n - k, d ? ", %lld" : "%lld", (long long)size[d]);
    if (k < n) snprintf(buf + k, n - k, "]");
}

/* Prepare out: decide its dtype, refuse in-place writes whose broadcast shape differs
 * from the shape of the tensor being written, and outs that alias themselves or part of
 * an input (PyTorch's rules), and resize. */
static int prepare_out(const char *fn, THTensor *out, int dtype, int ndim, const int64_t *shape,
                       int nin, THTensor *const *in)
{
    TH_CHECK(out, TH_ERR_VALUE, "%s: output tensor is NULL", fn);
    int same = out->ndim == ndim;
    for (int d = 0; same && d < ndim; d++) same = out->size[d] == shape[d];
    if (!same && out->storage) {
        for (int k = 0; k < nin; k++)
            if (in[k] && in[k]->storage == out->storage) {
                char a[256], b[256];
                shape_str(a, sizeof a, out->ndim, out->size);
                shape_str(b, sizeof b, ndim, shape);
                return TH_setError(TH_ERR_RUNTIME, "%s: output with shape %s doesn't match the broadcast shape %s",
                                   fn, a, b);
            }
    }
    TH_TRY(TH_checkOut(out, ndim, shape, nin, in, NULL));
    TH_TRY(TH_prepareOut(out, dtype, ndim, shape));
    return 0;
}

/* Run loop over [out, in...] (inputs already in the kernel's dtype). The kernel writes
 * kdt; when out has another dtype or overlaps an input with another layout, the result
 * goes through a temporary. */
static int exec_loop(const char *fn, THTensor *out, int kdt, int nin, THTensor **in, THLoop loop, PWCtx *ctx)
{
    THTensor *dst = out;
    int need_tmp = out->dtype != kdt;
    for (int k = 0; k < nin && !need_tmp; k++) need_tmp = TH_overlapsDifferently(out, in[k]);
    if (need_tmp) {
        dst = THTensor_newWithSize(kdt, out->ndim, out->size);
        if (!dst) return TH_lastErrorCode();
    }
    THTensor *ops[TH_ITER_MAX];
    ops[0] = dst;
    for (int k = 0; k < nin; k++) ops[k + 1] = in[k];
    THIter it;
    int st = THIter_build(&it, nin + 1, ops, dst->ndim, dst->size, 0);
    if (!st) {
        ctx->err = 0;
        THIter_run(&it, loop, ctx, 1);
        if (ctx->err) st = TH_setError(TH_ERR_RUNTIME, "ZeroDivisionError: %s: integer division by zero", fn);
    }
    if (!st && need_tmp) st = THTensor_copy(out, dst);
    else if (!st) THTensor_bumpVersion(out);
    if (need_tmp) THTensor_free(dst);
    return st;
}

/* Convert the inputs to dtype (new references in conv[]). */
static int convert_inputs(int n, THTensor *const *in, int dtype, THTensor **conv)
{
    for (int k = 0; k < n; k++) conv[k] = NULL;
    for (int k = 0; k < n; k++) {
        conv[k] = TH_asDtype(in[k], dtype);
        if (!conv[k]) {
            for (int j = 0; j < k; j++) THTensor_free(conv[j]);
            return TH_lastErrorCode();
        }
    }
    return 0;
}
static void free_inputs(int n, THTensor **conv)
{
    for (int k = 0; k < n; k++) THTensor_free(conv[k]);
}

static int broadcast(const char *fn, THTensor *a, THTensor *b, int *ndim, int64_t *shape)
{
    if (THTensor_broadcastShape(a->ndim, a->size, b->ndim, b->size, ndim, shape)) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", TH_lastError());
        return TH_setError(TH_ERR_RUNTIME, "%s: %s", fn, msg);
    }
    return 0;
}

/* ------------------------------------------------------------------ binary */

static int is_int_division(int op)
{
    return op == TH_BINARY_DIV || op == TH_BINARY_FLOOR_DIVIDE || op == TH_BINARY_TRUNC_DIVIDE ||
           op == TH_BINARY_FMOD || op == TH_BINARY_REMAINDER;
}

static void zero_scan(char **d, const int64_t *s, int64_t n, void *vc)
{
    int *found = vc;   /* found[0]: element size in, found[1]: result out */
    int es = found[0];
    static const char zeros[8];
    for (int64_t i = 0; i < n && !found[1]; i++)
        if (memcmp(d[0] + i * s[0], zeros, (size_t)es) == 0) found[1] = 1;
}

/* 1 if an integer tensor holds a zero: integer division checks its divisor before writing
 * anything, so a failed in-place division leaves its tensor untouched */
static int has_zero(THTensor *t)
{
    THIter it;
    if (THIter_build(&it, 1, &t, t->ndim, t->size, 0)) return 0;
    int found[2] = {TH_dtypeSize(t->dtype), 0};
    THIter_run(&it, zero_scan, found, 0);
    return found[1];
}

/* Shared by the tensor-tensor and tensor-scalar forms: a and b already broadcastable,
 * natural = the result dtype when out's is undecided, pt = dtype to compute a
 * comparison in. */
static int binary_impl(THTensor *out, int op, THTensor *a, THTensor *b, double alpha,
                       int natural, int pt, int ndim, const int64_t *shape)
{
    const char *fn = bin_names[op];
    int has_bool = a->dtype == TH_BOOL || b->dtype == TH_BOOL;
    if (op == TH_BINARY_SUB && has_bool)
        return TH_setError(TH_ERR_RUNTIME, "Subtraction, the `-` operator, with %s is not supported. %s",
                           a->dtype == TH_BOOL && b->dtype == TH_BOOL ? "two bool tensors" : "a bool tensor",
                           a->dtype == TH_BOOL && b->dtype == TH_BOOL
                               ? "Use the `^` or `logical_xor()` operator instead."
                               : "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
    if ((op >= TH_BINARY_BITAND && op <= TH_BINARY_RSHIFT) && TH_isFloat(pt))
        return TH_setError(TH_ERR_TYPE, "%s: not implemented for %s tensors (integer or bool tensors only)",
                           fn, TH_dtypeName(pt));
    THTensor *ins[2] = {a, b};
    TH_TRY(prepare_out(fn, out, natural, ndim, shape, 2, ins));
    int cdt, kdt;
    THLoop loop;
    if (bin_is_bool_out(op)) {
        cdt = compute_dtype(pt);
        kdt = TH_BOOL;
        loop = cmp_tab[op][cdt];
    } else {
        cdt = compute_dtype(out->dtype);
        if (bin_is_float_out(op) && !TH_isFloat(cdt) && !(op == TH_BINARY_DIV))
            cdt = float_of(natural == TH_FLOAT16 ? TH_FLOAT32 : natural);
        if ((op >= TH_BINARY_BITAND && op <= TH_BINARY_RSHIFT) && TH_isFloat(cdt))
            return TH_setError(TH_ERR_TYPE, "%s: not implemented for a %s output (integer or bool only)",
                               fn, TH_dtypeName(out->dtype));
        kdt = cdt;
        int lop = op;
        if (op == TH_BINARY_ADD && alpha != 1) lop = BX_ADD_ALPHA;
        if (op == TH_BINARY_SUB && alpha != 1) lop = BX_SUB_ALPHA;
        loop = bin_tab[lop][cdt];
    }
    if (!loop)
        return TH_setError(TH_ERR_TYPE, "%s: not implemented for %s tensors", fn, TH_dtypeName(cdt));
    THTensor *conv[2];
    TH_TRY(convert_inputs(2, ins, cdt, conv));
    if (!TH_isFloat(cdt) && is_int_division(op) && has_zero(conv[1])) {
        free_inputs(2, conv);
        return TH_setError(TH_ERR_RUNTIME, "ZeroDivisionError: %s: integer division by zero", fn);
    }
    PWCtx ctx = {.alpha = alpha};
    int st = exec_loop(fn, out, kdt, 2, conv, loop, &ctx);
    free_inputs(2, conv);
    return st;
}

static int binary_natural(int op, int pt)
{
    if (bin_is_bool_out(op)) return TH_BOOL;
    if (bin_is_float_out(op)) return float_of(pt);
    return pt;
}

int THTensor_binary(THTensor *out, int op, THTensor *a, THTensor *b, double alpha)
{
    TH_CHECK(op >= 0 && op < TH_BINARY_COUNT, TH_ERR_VALUE, "binary: unknown op %d", op);
    TH_TRY(check_input(bin_names[op], "input", a));
    TH_TRY(check_input(bin_names[op], "other", b));
    int ndim;
    int64_t shape[TH_MAX_DIMS];
    TH_TRY(broadcast(bin_names[op], a, b, &ndim, shape));
    THTensor *ts[2] = {a, b};
    int pt = result_type(2, ts);
    return binary_impl(out, op, a, b, alpha, binary_natural(op, pt), pt, ndim, shape);
}

THTensor *THTensor_newBinary(int op, THTensor *a, THTensor *b)
{
    THTensor *out = THTensor_new(-1);
    if (!out) return NULL;
    if (THTensor_binary(out, op, a, b, 1.0)) { THTensor_free(out); return NULL; }
    return out;
}

static int is_integral_value(double s) { return s == floor(s) && fabs(s) < 9.2e18; }

/* store a scalar in dtype (integers wrap like a C cast of an int64) */
static void store_scalar(char *p, int dtype, double s)
{
    if (TH_isFloat(dtype)) TH_storeDouble(p, dtype, s);
    else if (dtype == TH_BOOL) *(uint8_t *)p = s != 0;
    else TH_storeInt64(p, dtype, isfinite(s) && fabs(s) < 9.2e18 ? (int64_t)s : 0);
}

/* a scalar as a 0-dim tensor of dtype */
static THTensor *scalar_tensor(int dtype, double s)
{
    THTensor *t = THTensor_newWithSize(dtype, 0, NULL);
    if (!t) return NULL;
    store_scalar(THTensor_data(t), dtype, s);
    return t;
}

int THTensor_binaryScalar(THTensor *out, int op, THTensor *a, double s, int reversed)
{
    TH_CHECK(op >= 0 && op < TH_BINARY_COUNT, TH_ERR_VALUE, "binaryScalar: unknown op %d", op);
    const char *fn = bin_names[op];
    TH_TRY(check_input(fn, "input", a));
    TH_CHECK(out, TH_ERR_VALUE, "%s: output tensor is NULL", fn);
    int adt = a->dtype;
    int natural = binary_natural(op, adt);
    /* the dtype the scalar joins: out's when decided (so int_tensor + 0.5 into a float out
     * adds 0.5), else the input's */
    int sdt;
    if (bin_is_bool_out(op)) {
        /* as PyTorch: an integral scalar joins an integer tensor's dtype (wrapping: uint8 < 300
         * compares with 44), a fractional one compares in floating point, and a bool tensor
         * meets integers other than 0/1 in int64 */
        sdt = compute_dtype(adt);
        if (!TH_isFloat(sdt) && !is_integral_value(s)) sdt = TH_FLOAT64;
        else if (sdt == TH_BOOL && s != 0 && s != 1) sdt = TH_INT64;
    } else {
        int odt = out->dtype >= 0 ? out->dtype : natural;
        sdt = compute_dtype(odt);
        if (bin_is_float_out(op) && !TH_isFloat(sdt) && op != TH_BINARY_DIV) sdt = float_of(compute_dtype(natural));
        if (!TH_isFloat(sdt) && sdt != TH_BOOL && !reversed) {
            if (op == TH_BINARY_POW && s < 0)
                return TH_setError(TH_ERR_RUNTIME, "Integers to negative integer powers are not allowed.");
            if ((op == TH_BINARY_DIV || op == TH_BINARY_FLOOR_DIVIDE || op == TH_BINARY_TRUNC_DIVIDE ||
                 op == TH_BINARY_FMOD || op == TH_BINARY_REMAINDER) && (int64_t)s == 0)
                return TH_setError(TH_ERR_RUNTIME, "ZeroDivisionError: %s: integer division by zero", fn);
        }
    }
    /* the scalar as a 0-dim tensor on the stack: no allocation on this hot path (the
     * references taken while the op runs are all returned before it ends) */
    THStorage sst;
    THTensor stt;
    uint64_t sbuf = 0;
    memset(&sst, 0, sizeof sst);
    sst.data = (char *)&sbuf;
    sst.size = 1;
    sst.dtype = sdt;
    sst.refcount = 1;
    memset(&stt, 0, offsetof(THTensor, size));
    stt.storage = &sst;
    stt.dtype = sdt;
    stt.refcount = 1;
    store_scalar(sst.data, sdt, s);
    THTensor *st = &stt;
    int pt = bin_is_bool_out(op) ? TH_promoteTypes(compute_dtype(adt), sdt) : adt;
    int ndim = a->ndim;
    int64_t shape[TH_MAX_DIMS];
    memcpy(shape, a->size, sizeof(int64_t) * (size_t)ndim);
    int r = reversed ? binary_impl(out, op, st, a, 1.0, natural, pt, ndim, shape)
                     : binary_impl(out, op, a, st, 1.0, natural, pt, ndim, shape);
    return r;
}

THTensor *THTensor_newBinaryScalar(int op, THTensor *a, double s, int reversed)
{
    THTensor *out = THTensor_new(-1);
    if (!out) return NULL;
    if (THTensor_binaryScalar(out, op, a, s, reversed)) { THTensor_free(out); return NULL; }
    return out;
}

/* ------------------------------------------------------------------ unary */

/* op: a TH_UNARY_* or UX_* kernel; ctx carries the op's parameters */
static int unary_impl(THTensor *out, int op, const char *fn, THTensor *a, PWCtx *ctx)
{
    TH_TRY(check_input(fn, "input", a));
    int adt = a->dtype;
    if (adt == TH_BOOL) {
        if (op == TH_UNARY_NEG)
            return TH_setError(TH_ERR_RUNTIME, "Negation, the `-` operator, on a bool tensor is not supported. "
                               "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        if (op == TH_UNARY_ABS || op == TH_UNARY_FLOOR || op == TH_UNARY_CEIL || op == TH_UNARY_ROUND ||
            op == TH_UNARY_TRUNC || op == TH_UNARY_ROUND_HALF_AWAY)
            return TH_setError(TH_ERR_TYPE, "%s: not implemented for bool tensors", fn);
    }
    if (op == TH_UNARY_BITWISE_NOT && TH_isFloat(adt))
        return TH_setError(TH_ERR_TYPE, "bitwise_not: not implemented for %s tensors (integer or bool tensors only)",
                           TH_dtypeName(adt));
    int natural;
    if (un_is_bool_out(op)) natural = TH_BOOL;
    else if (un_is_float_op(op)) natural = float_of(adt);
    else if (op == TH_UNARY_SQUARE && adt == TH_BOOL) natural = TH_INT64;
    else natural = adt;
    TH_TRY(prepare_out(fn, out, natural, a->ndim, a->size, 1, &a));
    int cdt, kdt;
    THLoop loop;
    if (un_is_bool_out(op)) {
        cdt = compute_dtype(adt);
        kdt = TH_BOOL;
        loop = unb_tab[op][cdt];
    } else {
        cdt = compute_dtype(out->dtype);
        if (un_is_float_op(op) && !TH_isFloat(cdt)) cdt = compute_dtype(natural);
        /* rounding a float into an integer out: round first, convert after */
        if (TH_isFloat(adt) && !TH_isFloat(cdt)) cdt = compute_dtype(adt);
        if (op == TH_UNARY_BITWISE_NOT && TH_isFloat(cdt))
            return TH_setError(TH_ERR_TYPE, "bitwise_not: not implemented for a %s output (integer or bool only)",
                               TH_dtypeName(out->dtype));
        kdt = cdt;
        loop = un_tab[op][cdt];
    }
    if (!loop) return TH_setError(TH_ERR_TYPE, "%s: not implemented for %s tensors", fn, TH_dtypeName(cdt));
    THTensor *conv;
    TH_TRY(convert_inputs(1, &a, cdt, &conv));
    int st = exec_loop(fn, out, kdt, 1, &conv, loop, ctx);
    free_inputs(1, &conv);
    return st;
}

int THTensor_unary(THTensor *out, int op, THTensor *a)
{
    TH_CHECK(op >= 0 && op < TH_UNARY_COUNT, TH_ERR_VALUE, "unary: unknown op %d", op);
    PWCtx ctx = {.alpha = 1};
    return unary_impl(out, op, un_names[op], a, &ctx);
}

int THTensor_polygamma(THTensor *out, int64_t n, THTensor *a)
{
    TH_CHECK(n >= 0, TH_ERR_RUNTIME, "polygamma(n, x) does not support negative n.");
    PWCtx ctx = {.alpha = 1, .ilo = n};
    return unary_impl(out, UX_POLYGAMMA, "polygamma", a, &ctx);
}

THTensor *THTensor_newUnary(int op, THTensor *a)
{
    THTensor *out = THTensor_new(-1);
    if (!out) return NULL;
    if (THTensor_unary(out, op, a)) { THTensor_free(out); return NULL; }
    return out;
}

/* ------------------------------------------------------------------ clamp */

/* v truncated to an integer and saturated to [lo, hi] */
static int64_t sat_int64(double v, int64_t lo, int64_t hi)
{
    if (v <= (double)lo) return lo;
    if (v >= (double)hi) return hi;
    return (int64_t)v;
}

int THTensor_clamp(THTensor *out, THTensor *a, double min, double max, int has_min, int has_max)
{
    TH_TRY(check_input("clamp", "input", a));
    TH_CHECK(has_min || has_max, TH_ERR_VALUE, "clamp: at least one of 'min' or 'max' must be given");
    TH_TRY(prepare_out("clamp", out, a->dtype, a->ndim, a->size, 1, &a));
    int cdt = compute_dtype(out->dtype);
    PWCtx ctx = {.alpha = 1};
    if (TH_isFloat(cdt)) {
        ctx.lo = has_min ? min : -INFINITY;
        ctx.hi = has_max ? max : INFINITY;
    } else {
        /* bounds saturate to the integer type's range */
        int64_t tmin, tmax;
        switch (cdt) {
        case TH_UINT8: tmin = 0; tmax = UINT8_MAX; break;
        case TH_INT8: tmin = INT8_MIN; tmax = INT8_MAX; break;
        case TH_INT16: tmin = INT16_MIN; tmax = INT16_MAX; break;
        case TH_INT32: tmin = INT32_MIN; tmax = INT32_MAX; break;
        case TH_BOOL: tmin = 0; tmax = 1; break;
        default: tmin = INT64_MIN; tmax = INT64_MAX; break;
        }
        TH_CHECK(!(has_min && isnan(min)) && !(has_max && isnan(max)), TH_ERR_VALUE,
                 "clamp: a nan bound cannot clamp a %s tensor", TH_dtypeName(cdt));
        ctx.ilo = has_min ? sat_int64(min, tmin, tmax) : tmin;
        ctx.ihi = has_max ? sat_int64(max, tmin, tmax) : tmax;
    }
    THLoop loop = un_tab[UX_CLAMP][cdt];
    TH_CHECK(loop, TH_ERR_TYPE, "clamp: not implemented for %s tensors", TH_dtypeName(cdt));
    THTensor *conv;
    TH_TRY(convert_inputs(1, &a, cdt, &conv));
    int st = exec_loop("clamp", out, cdt, 1, &conv, loop, &ctx);
    free_inputs(1, &conv);
    return st;
}

/* ------------------------------------------------------------------ ternary */

static int ternary(const char *fn, int top, THTensor *out, THTensor *a, THTensor *b, THTensor *w, double value,
                   int need_float)
{
    TH_TRY(check_input(fn, "input", a));
    TH_TRY(check_input(fn, "tensor1", b));
    TH_TRY(check_input(fn, "tensor2", w));
    int nd1, nd2;
    int64_t s1[TH_MAX_DIMS], s2[TH_MAX_DIMS];
    TH_TRY(broadcast(fn, a, b, &nd1, s1));
    THTensor tmp;   /* a header only: shape carrier for the second broadcast */
    tmp.ndim = nd1;
    memcpy(tmp.size, s1, sizeof(int64_t) * (size_t)nd1);
    TH_TRY(broadcast(fn, &tmp, w, &nd2, s2));
    THTensor *ins[3] = {a, b, w};
    int natural = result_type(3, ins);
    if (need_float && !TH_isFloat(natural)) {
        if (top == TX_ADDCDIV)
            return TH_setError(TH_ERR_RUNTIME, "Integer division with addcdiv is no longer supported, and in a future "
                               "release addcdiv will perform a true division of tensor1 and tensor2. Use "
                               "addcmul(input, tensor1, torch.true_divide(tensor2, ...)) or a floating-point input.");
        return TH_setError(TH_ERR_TYPE, "%s: not implemented for %s tensors (floating point only)", fn,
                           TH_dtypeName(natural));
    }
    TH_TRY(prepare_out(fn, out, natural, nd2, s2, 3, ins));
    int cdt = compute_dtype(out->dtype);
    if (need_float && !TH_isFloat(cdt)) cdt = compute_dtype(natural);
    THLoop loop = ter_tab[top][cdt];
    TH_CHECK(loop, TH_ERR_TYPE, "%s: not implemented for %s tensors", fn, TH_dtypeName(cdt));
    THTensor *conv[3];
    TH_TRY(convert_inputs(3, ins, cdt, conv));
    PWCtx ctx = {.alpha = value};
    int st = exec_loop(fn, out, cdt, 3, conv, loop, &ctx);
    free_inputs(3, conv);
    return st;
}

int THTensor_addcmul(THTensor *out, THTensor *a, THTensor *t1, THTensor *t2, double value)
{
    return ternary("addcmul", TX_ADDCMUL, out, a, t1, t2, value, 0);
}

int THTensor_addcdiv(THTensor *out, THTensor *a, THTensor *t1, THTensor *t2, double value)
{
    return ternary("addcdiv", TX_ADDCDIV, out, a, t1, t2, value, 1);
}

int THTensor_lerp(THTensor *out, THTensor *a, THTensor *b, THTensor *weight)
{
    return ternary("lerp", TX_LERP, out, a, b, weight, 1, 1);
}

int THTensor_lerpScalar(THTensor *out, THTensor *a, THTensor *b, double weight)
{
    TH_TRY(check_input("lerp", "input", a));
    TH_TRY(check_input("lerp", "end", b));
    THTensor *ts[2] = {a, b};
    int dt = result_type(2, ts);
    if (!TH_isFloat(dt))
        return TH_setError(TH_ERR_TYPE, "lerp: not implemented for %s tensors (floating point only)", TH_dtypeName(dt));
    /* the weight joins in the inputs' dtype, so it never changes the result dtype */
    THTensor *w = scalar_tensor(dt, weight);
    if (!w) return TH_lastErrorCode();
    int st = ternary("lerp", TX_LERP, out, a, b, w, 1, 1);
    THTensor_free(w);
    return st;
}

/* ------------------------------------------------------------------ where */

int THTensor_where(THTensor *out, THTensor *cond, THTensor *a, THTensor *b)
{
    TH_TRY(check_input("where", "condition", cond));
    TH_TRY(check_input("where", "input", a));
    TH_TRY(check_input("where", "other", b));
    int nd1, nd2;
    int64_t s1[TH_MAX_DIMS], s2[TH_MAX_DIMS];
    TH_TRY(broadcast("where", cond, a, &nd1, s1));
    THTensor tmp;
    tmp.ndim = nd1;
    memcpy(tmp.size, s1, sizeof(int64_t) * (size_t)nd1);
    TH_TRY(broadcast("where", &tmp, b, &nd2, s2));
    THTensor *ab[2] = {a, b};
    int natural = result_type(2, ab);
    THTensor *ins[3] = {cond, a, b};
    TH_TRY(prepare_out("where", out, natural, nd2, s2, 3, ins));
    int cdt = out->dtype;   /* where only moves values: float16 is fine */
    THLoop loop;
    switch (TH_dtypeSize(cdt)) {
    case 1: loop = where_1; break;
    case 2: loop = where_2; break;
    case 4: loop = where_4; break;
    default: loop = where_8; break;
    }
    THTensor *conv[3];
    int cdt_cond = cond->dtype == TH_UINT8 ? TH_UINT8 : TH_BOOL;
    conv[0] = TH_asDtype(cond, cdt_cond);
    if (!conv[0]) return TH_lastErrorCode();
    int st = convert_inputs(2, ab, cdt, conv + 1);
    if (st) { THTensor_free(conv[0]); return st; }
    PWCtx ctx = {.alpha = 1};
    st = exec_loop("where", out, cdt, 3, conv, loop, &ctx);
    free_inputs(3, conv);
    return st;
}
