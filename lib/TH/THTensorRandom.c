/* Random tensor fills, randperm and multinomial, bit-exact with Torch7's
 * THTensorRandom.c: elements are visited in row-major order of the destination, one
 * draw each, on one thread (THIter with order_operand -1 and parallel 0). Raw 32-bit
 * draws are taken in blocks (THRandom_rawBlock) so the conversion loops vectorise. */
/* No fused multiply-add where the target has one: values must round exactly as Torch7's
 * separate operations (x86-64 without -march has no FMA, and the pragma costs speed). */
#if defined(__FP_FAST_FMA)
#pragma GCC optimize("fp-contract=off")
#endif
#include "THRandom.h"
#include "THIter.h"
#include <float.h>
#include <stdlib.h>

#define BLK 512

typedef struct {
    THGenerator *g;
    double a, b;            /* distribution parameters */
    int64_t low;            /* randomRange */
    uint64_t range;         /* randomRange: 0 means the whole 2^64 span */
    int lognormal;          /* normal kernel: exp() of the value */
    int pdtype;             /* bernoulliTensor: dtype of probs */
} RCtx;

static int check_fill(const char *fn, THTensor *t, int float_only)
{
    TH_CHECK(t, TH_ERR_VALUE, "%s: tensor is NULL", fn);
    TH_CHECK(TH_validDtype(t->dtype), TH_ERR_TYPE, "%s: tensor has no dtype", fn);
    TH_CHECK(t->dtype != TH_FLOAT16, TH_ERR_TYPE, "%s: float16 tensors are storage-only; fill a float32 tensor and convert", fn);
    if (float_only)
        TH_CHECK(t->dtype == TH_FLOAT32 || t->dtype == TH_FLOAT64, TH_ERR_TYPE,
                 "%s: expected a float32 or float64 tensor, got %s", fn, TH_dtypeName(t->dtype));
    return 0;
}

static int run_fill(THTensor *t, THLoop fn, RCtx *c)
{
    THIter it;
    TH_TRY(THIter_build(&it, 1, &t, t->ndim, t->size, -1));
    THIter_run(&it, fn, c, 0);
    THTensor_bumpVersion(t);
    return 0;
}

/* ------------------------------------------------------------ continuous (float32/float64) */

#define DEFINE_CONT(CODE, T, N) \
static void uniform_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    RCtx *c = vctx; uint32_t buf[BLK]; char *p = d[0]; int64_t st = s[0]; \
    const double a = c->a, w = c->b - c->a; \
    while (n > 0) { \
        int64_t m = n < BLK ? n : BLK; \
        THRandom_rawBlock(c->g, buf, m); \
        if (st == sizeof(T)) { T *o = (T *)p; for (int64_t i = 0; i < m; i++) o[i] = (T)(buf[i] * TH_TWO_POW_M32 * w + a); } \
        else for (int64_t i = 0; i < m; i++) *(T *)(p + i * st) = (T)(buf[i] * TH_TWO_POW_M32 * w + a); \
        p += m * st; n -= m; \
    } \
} \
static void exponential_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    RCtx *c = vctx; uint32_t buf[BLK]; char *p = d[0]; int64_t st = s[0]; \
    const double k = -1. / c->a; \
    while (n > 0) { \
        int64_t m = n < BLK ? n : BLK; \
        THRandom_rawBlock(c->g, buf, m); \
        for (int64_t i = 0; i < m; i++) *(T *)(p + i * st) = (T)(k * log(1 - buf[i] * TH_TWO_POW_M32)); \
        p += m * st; n -= m; \
    } \
} \
static void cauchy_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    RCtx *c = vctx; uint32_t buf[BLK]; char *p = d[0]; int64_t st = s[0]; \
    const double med = c->a, sig = c->b; \
    while (n > 0) { \
        int64_t m = n < BLK ? n : BLK; \
        THRandom_rawBlock(c->g, buf, m); \
        for (int64_t i = 0; i < m; i++) *(T *)(p + i * st) = (T)(med + sig * tan(M_PI * (buf[i] * TH_TWO_POW_M32 - 0.5))); \
        p += m * st; n -= m; \
    } \
} \
/* Box-Muller pairs; the generator's cache is honoured on entry and left as Torch7 \
 * would leave it (the last pair's x, y, rho are stored even when consumed). */ \
static void normal_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    RCtx *c = vctx; THGenerator *g = c->g; char *p = d[0]; int64_t st = s[0]; \
    const double mean = c->a, sd = c->b; const int ln = c->lognormal; \
    uint32_t buf[BLK]; \
    if (n > 0 && g->normal_is_valid) { \
        double v = TH_mtNormal01(g) * sd + mean; \
        *(T *)p = (T)(ln ? exp(v) : v); p += st; n--; \
    } \
    while (n >= 2) { \
        int64_t pairs = n / 2 < BLK / 2 ? n / 2 : BLK / 2; \
        THRandom_rawBlock(g, buf, 2 * pairs); \
        double x = 0, y = 0, rho = 0; \
        for (int64_t k = 0; k < pairs; k++) { \
            x = buf[2 * k] * TH_TWO_POW_M32; \
            y = buf[2 * k + 1] * TH_TWO_POW_M32; \
            rho = sqrt(-2. * log(1. - y)); \
            double v0 = rho * cos(2. * M_PI * x) * sd + mean; \
            double v1 = rho * sin(2. * M_PI * x) * sd + mean; \
            if (ln) { v0 = exp(v0); v1 = exp(v1); } \
            *(T *)(p + 2 * k * st) = (T)v0; \
            *(T *)(p + (2 * k + 1) * st) = (T)v1; \
        } \
        g->normal_x = x; g->normal_y = y; g->normal_rho = rho; \
        p += 2 * pairs * st; n -= 2 * pairs; \
    } \
    if (n == 1) { \
        double v = TH_mtNormal01(g) * sd + mean; \
        *(T *)p = (T)(ln ? exp(v) : v); \
    } \
}
TH_FORALL_FLOAT_DTYPES(DEFINE_CONT)

static THLoop pick_float(int dt, THLoop f32, THLoop f64) { return dt == TH_FLOAT32 ? f32 : f64; }

int THTensor_uniform(THTensor *t, THGenerator *g, double a, double b)
{
    TH_TRY(check_fill("uniform", t, 1));
    RCtx c = {THRandom_resolve(g), a, b, 0, 0, 0, 0};
    return run_fill(t, pick_float(t->dtype, uniform_Float, uniform_Double), &c);
}

int THTensor_normal(THTensor *t, THGenerator *g, double mean, double stdv)
{
    TH_TRY(check_fill("normal", t, 1));
    TH_CHECK(stdv >= 0, TH_ERR_VALUE, "normal: std must be >= 0, got %g", stdv);
    RCtx c = {THRandom_resolve(g), mean, stdv, 0, 0, 0, 0};
    return run_fill(t, pick_float(t->dtype, normal_Float, normal_Double), &c);
}

int THTensor_logNormal(THTensor *t, THGenerator *g, double mean, double stdv)
{
    TH_TRY(check_fill("logNormal", t, 1));
    TH_CHECK(stdv > 0, TH_ERR_VALUE, "logNormal: std must be > 0, got %g", stdv);
    RCtx c = {THRandom_resolve(g), mean, stdv, 0, 0, 1, 0};
    return run_fill(t, pick_float(t->dtype, normal_Float, normal_Double), &c);
}

int THTensor_exponential(THTensor *t, THGenerator *g, double lambda)
{
    TH_TRY(check_fill("exponential", t, 1));
    TH_CHECK(lambda > 0, TH_ERR_VALUE, "exponential: lambda must be > 0, got %g", lambda);
    RCtx c = {THRandom_resolve(g), lambda, 0, 0, 0, 0, 0};
    return run_fill(t, pick_float(t->dtype, exponential_Float, exponential_Double), &c);
}

int THTensor_cauchy(THTensor *t, THGenerator *g, double median, double sigma)
{
    TH_TRY(check_fill("cauchy", t, 1));
    TH_CHECK(sigma > 0, TH_ERR_VALUE, "cauchy: sigma must be > 0, got %g", sigma);
    RCtx c = {THRandom_resolve(g), median, sigma, 0, 0, 0, 0};
    return run_fill(t, pick_float(t->dtype, cauchy_Float, cauchy_Double), &c);
}

/* ------------------------------------------------------------ integer-valued (every dtype) */

#define STORE_Float(p, v) (*(float *)(p) = (float)(v))
#define STORE_Double(p, v) (*(double *)(p) = (double)(v))
#define STORE_Byte(p, v) (*(uint8_t *)(p) = (uint8_t)(v))
#define STORE_Char(p, v) (*(int8_t *)(p) = (int8_t)(v))
#define STORE_Short(p, v) (*(int16_t *)(p) = (int16_t)(v))
#define STORE_Int(p, v) (*(int32_t *)(p) = (int32_t)(v))
#define STORE_Long(p, v) (*(int64_t *)(p) = (int64_t)(v))
#define STORE_Bool(p, v) (*(uint8_t *)(p) = (uint8_t)((v) != 0))

/* Torch7's reduction of the raw draw per type; bool takes 0/1 */
#define RMOD_Float ((1UL << FLT_MANT_DIG) + 1)
#define RMOD_Double ((1UL << DBL_MANT_DIG) + 1)
#define RMOD_Byte 256UL
#define RMOD_Char 128UL
#define RMOD_Short 32768UL
#define RMOD_Int 2147483648UL
#define RMOD_Long ((uint64_t)INT64_MAX + 1)
#define RMOD_Bool 2UL

#define DEFINE_INTFILL(CODE, T, N) \
static void random_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    RCtx *c = vctx; uint32_t buf[BLK]; char *p = d[0]; int64_t st = s[0]; \
    while (n > 0) { \
        int64_t m = n < BLK ? n : BLK; \
        THRandom_rawBlock(c->g, buf, m); \
        for (int64_t i = 0; i < m; i++) { \
            uint64_t r = buf[i]; \
            r %= RMOD_##N; \
            STORE_##N(p + i * st, r); \
        } \
        p += m * st; n -= m; \
    } \
} \
static void range32_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    RCtx *c = vctx; uint32_t buf[BLK]; char *p = d[0]; int64_t st = s[0]; \
    const uint64_t range = c->range, low = (uint64_t)c->low; \
    while (n > 0) { \
        int64_t m = n < BLK ? n : BLK; \
        THRandom_rawBlock(c->g, buf, m); \
        for (int64_t i = 0; i < m; i++) STORE_##N(p + i * st, (int64_t)(buf[i] % range + low)); \
        p += m * st; n -= m; \
    } \
} \
static void range64_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    RCtx *c = vctx; char *p = d[0]; int64_t st = s[0]; \
    const uint64_t range = c->range, low = (uint64_t)c->low; \
    for (int64_t i = 0; i < n; i++) { \
        uint64_t r = THRandom_random64(c->g); \
        if (range) r %= range; \
        STORE_##N(p + i * st, (int64_t)(r + low)); \
    } \
} \
static void geometric_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    RCtx *c = vctx; uint32_t buf[BLK]; char *p = d[0]; int64_t st = s[0]; \
    const double lp = log(c->a); \
    while (n > 0) { \
        int64_t m = n < BLK ? n : BLK; \
        THRandom_rawBlock(c->g, buf, m); \
        for (int64_t i = 0; i < m; i++) { \
            double v = log(1 - buf[i] * TH_TWO_POW_M32) / lp; \
            int iv = v >= 2147483646.0 ? 2147483647 : (int)v + 1; \
            STORE_##N(p + i * st, iv); \
        } \
        p += m * st; n -= m; \
    } \
} \
static void bernoulli_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    RCtx *c = vctx; uint32_t buf[BLK]; char *p = d[0]; int64_t st = s[0]; \
    const double pr = c->a; \
    while (n > 0) { \
        int64_t m = n < BLK ? n : BLK; \
        THRandom_rawBlock(c->g, buf, m); \
        for (int64_t i = 0; i < m; i++) STORE_##N(p + i * st, buf[i] * TH_TWO_POW_M32 <= pr); \
        p += m * st; n -= m; \
    } \
} \
static void bernoulliT_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    RCtx *c = vctx; \
    for (int64_t i = 0; i < n; i++) { \
        double pr = TH_loadDouble(d[1] + i * s[1], c->pdtype); \
        STORE_##N(d[0] + i * s[0], TH_mtUniform01(c->g) <= pr); \
    } \
}
TH_FORALL_DTYPES(DEFINE_INTFILL)

#define KERNEL_TABLE(NAME) \
    static THLoop NAME##_kernel(int dt) { \
        switch (dt) { \
        case TH_FLOAT32: return NAME##_Float; case TH_FLOAT64: return NAME##_Double; \
        case TH_UINT8: return NAME##_Byte; case TH_INT8: return NAME##_Char; \
        case TH_INT16: return NAME##_Short; case TH_INT32: return NAME##_Int; \
        case TH_INT64: return NAME##_Long; case TH_BOOL: return NAME##_Bool; } \
        return NULL; }
KERNEL_TABLE(random) KERNEL_TABLE(range32) KERNEL_TABLE(range64)
KERNEL_TABLE(geometric) KERNEL_TABLE(bernoulli) KERNEL_TABLE(bernoulliT)

int THTensor_geometric(THTensor *t, THGenerator *g, double p)
{
    TH_TRY(check_fill("geometric", t, 0));
    TH_CHECK(p > 0 && p < 1, TH_ERR_VALUE, "geometric: p must be in (0, 1), got %g", p);
    RCtx c = {THRandom_resolve(g), p, 0, 0, 0, 0, 0};
    return run_fill(t, geometric_kernel(t->dtype), &c);
}

int THTensor_bernoulli(THTensor *t, THGenerator *g, double p)
{
    TH_TRY(check_fill("bernoulli", t, 0));
    TH_CHECK(p >= 0 && p <= 1, TH_ERR_VALUE, "bernoulli: p must be in [0, 1], got %g", p);
    RCtx c = {THRandom_resolve(g), p, 0, 0, 0, 0, 0};
    return run_fill(t, bernoulli_kernel(t->dtype), &c);
}

typedef struct { int dtype; int bad; double badval; } PCheck;
static void check_probs(char **d, const int64_t *s, int64_t n, void *vctx)
{
    PCheck *c = vctx;
    if (c->bad) return;
    for (int64_t i = 0; i < n; i++) {
        double v = TH_loadDouble(d[0] + i * s[0], c->dtype);
        if (!(v >= 0 && v <= 1)) { c->bad = 1; c->badval = v; return; }
    }
}

int THTensor_bernoulliTensor(THTensor *t, THGenerator *g, THTensor *probs)
{
    TH_TRY(check_fill("bernoulli", t, 0));
    TH_CHECK(probs && TH_validDtype(probs->dtype) && probs->dtype != TH_FLOAT16, TH_ERR_TYPE,
             "bernoulli: probs must be a tensor of a computable dtype");
    THTensor *p = probs;
    if (TH_overlapsDifferently(t, probs) || (t->storage && t->storage == probs->storage && t != probs)) {
        p = THTensor_newClone(probs);
        if (!p) return TH_lastErrorCode();
    }
    int st = 0;
    THIter it;
    THTensor *ops[2] = {t, p};
    PCheck pc = {p->dtype, 0, 0};
    {
        THIter pit;
        st = THIter_build(&pit, 1, &p, p->ndim, p->size, -1);
        if (!st) {
            THIter_run(&pit, check_probs, &pc, 0);
            if (pc.bad) st = TH_setError(TH_ERR_VALUE, "bernoulli: every probability must be in [0, 1], found %g", pc.badval);
        }
    }
    if (!st) {
        st = THIter_build(&it, 2, ops, t->ndim, t->size, -1);
        if (st) st = TH_setError(TH_ERR_VALUE, "bernoulli: probs cannot be broadcast to the tensor's shape: %s", TH_lastError());
    }
    if (!st) {
        RCtx c = {THRandom_resolve(g), 0, 0, 0, 0, 0, p->dtype};
        THIter_run(&it, bernoulliT_kernel(t->dtype), &c, 0);
        THTensor_bumpVersion(t);
    }
    if (p != probs) THTensor_free(p);
    return st;
}

int THTensor_random(THTensor *t, THGenerator *g)
{
    TH_TRY(check_fill("random", t, 0));
    RCtx c = {THRandom_resolve(g), 0, 0, 0, 0, 0, 0};
    return run_fill(t, random_kernel(t->dtype), &c);
}

/* the integers [low, high] the dtype holds (floating types: any int64, rounded on store) */
static void dtype_int_bounds(int dt, int64_t *lo, int64_t *hi)
{
    switch (dt) {
    case TH_UINT8: *lo = 0; *hi = 255; return;
    case TH_INT8: *lo = -128; *hi = 127; return;
    case TH_INT16: *lo = -32768; *hi = 32767; return;
    case TH_INT32: *lo = INT32_MIN; *hi = INT32_MAX; return;
    case TH_BOOL: *lo = 0; *hi = 1; return;
    default: *lo = INT64_MIN; *hi = INT64_MAX; return;
    }
}

/* Torch7's random(a, b): random() % (b + 1 - a) + a. Ranges wider than 2^32 (which a
 * 32-bit draw cannot cover) take one 64-bit draw (THRandom_random64) % range instead. */
int THTensor_randomRange(THTensor *t, THGenerator *g, int64_t low, int64_t high)
{
    TH_TRY(check_fill("randomRange", t, 0));
    TH_CHECK(low <= high, TH_ERR_VALUE, "randomRange: expected low <= high, got low=%lld > high=%lld",
             (long long)low, (long long)high);
    int64_t lo, hi;
    dtype_int_bounds(t->dtype, &lo, &hi);
    TH_CHECK(low >= lo && high <= hi, TH_ERR_VALUE,
             "randomRange: the range [%lld, %lld] does not fit dtype %s (it holds [%lld, %lld])",
             (long long)low, (long long)high, TH_dtypeName(t->dtype), (long long)lo, (long long)hi);
    RCtx c = {THRandom_resolve(g), 0, 0, low, (uint64_t)high - (uint64_t)low + 1, 0, 0};
    int wide = c.range == 0 || c.range > (1ULL << 32);
    return run_fill(t, wide ? range64_kernel(t->dtype) : range32_kernel(t->dtype), &c);
}

int THTensor_randperm(THTensor *out, THGenerator *g, int64_t n, int index_base)
{
    TH_CHECK(out, TH_ERR_VALUE, "randperm: output tensor is NULL");
    TH_CHECK(n >= 0, TH_ERR_VALUE, "randperm: n must be non-negative, got %lld", (long long)n);
    if (out->dtype < 0) TH_TRY(THTensor_setDtype(out, TH_INT64));
    TH_TRY(check_fill("randperm", out, 0));
    int64_t lo, hi;
    dtype_int_bounds(out->dtype, &lo, &hi);
    if (out->dtype == TH_FLOAT32) hi = 1LL << 24;       /* beyond, values are not exact */
    if (out->dtype == TH_FLOAT64) hi = 1LL << 53;
    TH_CHECK(n == 0 || (n - 1 + index_base <= hi && index_base >= lo), TH_ERR_VALUE,
             "randperm: n=%lld does not fit dtype %s (largest value %lld)", (long long)n,
             TH_dtypeName(out->dtype), (long long)hi);
    g = THRandom_resolve(g);
    TH_TRY(THTensor_resize(out, 1, &n));
    int64_t *v = TH_alloc(n * (int64_t)sizeof(int64_t));
    if (!v) return TH_lastErrorCode();
    for (int64_t i = 0; i < n; i++) v[i] = i + index_base;
    /* Torch7's forward Fisher-Yates: swap i with i + random() % (n - i) */
    for (int64_t i = 0; i < n - 1; i++) {
        uint64_t m = (uint64_t)(n - i);
        int64_t z = (int64_t)(m <= (1ULL << 32) ? TH_mtNext(g) % m : THRandom_random64(g) % m);
        int64_t sav = v[i]; v[i] = v[z + i]; v[z + i] = sav;
    }
    char *data = THTensor_data(out);
    int64_t es = TH_dtypeSize(out->dtype) * out->stride[0];
    for (int64_t i = 0; i < n; i++) TH_storeInt64(data + i * es, out->dtype, v[i]);
    TH_free(v);
    THTensor_bumpVersion(out);
    return 0;
}

/* Torch7's multinomial: per row a normalised cumulative sum in double; each sample draws
 * uniform(0, 1) and binary-searches the first bucket whose cumulative mass is >= it.
 * Without replacement the drawn bucket's mass is removed and the rest renormalised.
 * One deviation: where rounding or u == 0 lands the search on a bucket of zero mass (or,
 * without replacement, one already drawn) -- which Torch7 would return -- the nearest
 * bucket with mass is taken instead. */
int THTensor_multinomial(THTensor *out, THGenerator *g, THTensor *probs, int64_t n,
                         int replacement, int index_base)
{
    TH_CHECK(out, TH_ERR_VALUE, "multinomial: output tensor is NULL");
    TH_CHECK(probs && TH_validDtype(probs->dtype), TH_ERR_TYPE, "multinomial: probs has no dtype");
    TH_CHECK(probs->dtype != TH_FLOAT16, TH_ERR_TYPE, "multinomial: float16 probs are storage-only; convert them to float32");
    TH_CHECK(probs->ndim == 1 || probs->ndim == 2, TH_ERR_VALUE,
             "multinomial: probs must be 1-D or 2-D, got %d-D", probs->ndim);
    TH_CHECK(n >= 0, TH_ERR_VALUE, "multinomial: number of samples must be non-negative, got %lld", (long long)n);
    int64_t rows = probs->ndim == 2 ? probs->size[0] : 1;
    int64_t K = probs->size[probs->ndim - 1];
    TH_CHECK(K > 0, TH_ERR_VALUE, "multinomial: probs must have at least one category");
    TH_CHECK(replacement || n <= K, TH_ERR_VALUE,
             "multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement "
             "(n_sample=%lld, categories=%lld)", (long long)n, (long long)K);
    int64_t pst0 = probs->ndim == 2 ? probs->stride[0] : 0, pst1 = probs->stride[probs->ndim - 1];
    int pdt = probs->dtype, pes = TH_dtypeSize(pdt);
    const char *pdata = (rows * K) != 0 ? THTensor_data(probs) : NULL;
    /* validate every row before drawing anything, so a failure leaves the generator alone */
    for (int64_t r = 0; r < rows; r++) {
        double sum = 0;
        int64_t nonzero = 0;
        for (int64_t j = 0; j < K; j++) {
            double v = TH_loadDouble(pdata + (r * pst0 + j * pst1) * pes, pdt);
            TH_CHECK(v >= 0 && isfinite(v), TH_ERR_VALUE,
                     "multinomial: probability tensor contains either inf, nan or element < 0 (row %lld: %g)",
                     (long long)r, v);
            sum += v;
            nonzero += v > 0;
        }
        TH_CHECK(sum > 0 && isfinite(sum), TH_ERR_VALUE,
                 "multinomial: invalid distribution (sum of probabilities <= 0) in row %lld", (long long)r);
        TH_CHECK(replacement || n <= nonzero, TH_ERR_VALUE,
                 "multinomial: invalid distribution (with replacement=False, not enough non-zero categories "
                 "to sample %lld in row %lld, which has %lld)", (long long)n, (long long)r, (long long)nonzero);
    }
    THTensor *src = probs;
    if (out->storage && out->storage == probs->storage) {
        src = THTensor_newClone(probs);
        if (!src) return TH_lastErrorCode();
        pdata = THTensor_data(src);
        pst0 = src->ndim == 2 ? src->stride[0] : 0;
        pst1 = src->stride[src->ndim - 1];
    }
    int64_t oshape[2] = {rows, n};
    int st = probs->ndim == 2 ? TH_prepareOut(out, TH_INT64, 2, oshape) : TH_prepareOut(out, TH_INT64, 1, &n);
    double *cum = NULL, *pr = NULL;
    if (!st && (out->dtype == TH_FLOAT16 || !TH_validDtype(out->dtype)))
        st = TH_setError(TH_ERR_TYPE, "multinomial: out must have a computable dtype, got %s", TH_dtypeName(out->dtype));
    if (!st) {
        int64_t lo, hi;
        dtype_int_bounds(out->dtype, &lo, &hi);
        if (K - 1 + index_base > hi) st = TH_setError(TH_ERR_VALUE, "multinomial: out dtype %s cannot hold index %lld",
                                                      TH_dtypeName(out->dtype), (long long)(K - 1 + index_base));
    }
    if (!st) {
        cum = TH_alloc(K * (int64_t)sizeof(double));
        pr = cum ? TH_alloc(K * (int64_t)sizeof(double)) : NULL;
        if (!pr) st = TH_lastErrorCode();
    }
    if (!st && n > 0) {
        g = THRandom_resolve(g);
        int odt = out->dtype, oes = TH_dtypeSize(odt);
        char *odata = THTensor_data(out);
        int64_t ost0 = out->ndim == 2 ? out->stride[0] : 0, ost1 = out->stride[out->ndim - 1];
        for (int64_t r = 0; r < rows; r++) {
            double sum = 0;
            for (int64_t j = 0; j < K; j++) {
                pr[j] = TH_loadDouble(pdata + (r * pst0 + j * pst1) * pes, pdt);
                sum += pr[j];
                cum[j] = sum;
            }
            for (int64_t j = 0; j < K; j++) cum[j] /= sum;
            for (int64_t s = 0; s < n; s++) {
                cum[K - 1] = 1;
                double u = THRandom_uniform(g, 0, 1);
                int64_t left = 0, right = K;
                while (right - left > 0) {
                    int64_t mid = left + (right - left) / 2;
                    if (cum[mid] < u) left = mid + 1;
                    else right = mid;
                }
                int64_t idx = left;
                if (pr[idx] <= 0) {   /* see the deviation note above */
                    int64_t f = idx + 1, b = idx - 1;
                    while (f < K && pr[f] <= 0) f++;
                    while (b >= 0 && pr[b] <= 0) b--;
                    idx = f < K ? f : b;
                }
                TH_storeInt64(odata + (r * ost0 + s * ost1) * oes, odt, idx + index_base);
                if (!replacement) {
                    double prev = idx ? cum[idx - 1] : 0;
                    double diff = cum[idx] - prev;
                    double nsum = 1.0 - diff;
                    for (int64_t k = 0; k < K; k++) {
                        double v = cum[k];
                        if (k >= idx) v -= diff;
                        cum[k] = v / nsum;
                    }
                    pr[idx] = 0;
                }
            }
        }
        THTensor_bumpVersion(out);
    }
    TH_free(cum);
    TH_free(pr);
    if (src != probs) THTensor_free(src);
    return st;
}
