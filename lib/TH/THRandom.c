/* The generator (Torch7's MT19937 with its exact seeding, state layout and Box-Muller
 * cache) and the scalar distributions. Bit-exact with Torch7's THRandom.c
 * (reference/torch7-core.md section 4). */
/* No fused multiply-add where the target has one: values must round exactly as Torch7's
 * separate operations (x86-64 without -march has no FMA, and the pragma costs speed). */
#if defined(__FP_FAST_FMA)
#pragma GCC optimize("fp-contract=off")
#endif
#include "THRandom.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <pthread.h>

/* The struct is saved and restored as raw bytes, so its layout is part of the format. */
_Static_assert(sizeof(THGenerator) == 5048, "THGenerator must mirror Torch7's LP64 layout (5048 bytes)");
_Static_assert(offsetof(THGenerator, state) == 24, "THGenerator layout");
_Static_assert(offsetof(THGenerator, normal_x) == 5016, "THGenerator layout");
_Static_assert(offsetof(THGenerator, normal_is_valid) == 5040, "THGenerator layout");

#define MATRIX_A 0x9908b0dfUL
#define UMASK 0x80000000UL
#define LMASK 0x7fffffffUL
#define MIXBITS(u, v) (((u) & UMASK) | ((v) & LMASK))

THGenerator *THRandom_resolve(THGenerator *g) { return g ? g : THGenerator_default(); }

void THRandom_nextState(THGenerator *g)
{
    /* Torch7's twist, written with indices so the compiler vectorises it */
    uint64_t *s = g->state;
    int k;
    for (k = 0; k < TH_MT_N - TH_MT_M; k++)
        s[k] = s[k + TH_MT_M] ^ (MIXBITS(s[k], s[k + 1]) >> 1) ^ (-(s[k + 1] & 1UL) & MATRIX_A);
    for (; k < TH_MT_N - 1; k++)
        s[k] = s[k + TH_MT_M - TH_MT_N] ^ (MIXBITS(s[k], s[k + 1]) >> 1) ^ (-(s[k + 1] & 1UL) & MATRIX_A);
    s[TH_MT_N - 1] = s[TH_MT_M - 1] ^ (MIXBITS(s[TH_MT_N - 1], s[0]) >> 1) ^ (-(s[0] & 1UL) & MATRIX_A);
    g->left = TH_MT_N;
    g->next = 0;
}

void THRandom_rawBlock(THGenerator *g, uint32_t *out, int64_t n)
{
    while (n > 0) {
        /* left and next read once and bounded (as TH_mtNext): threads racing on one generator
         * draw poor numbers but never read outside state[] nor write outside out */
        int64_t left = g->left;
        uint64_t next = g->next;
        if (left <= 1 || next >= TH_MT_N) {
            /* the draw that regenerates: left stays 624 (its decrement is consumed) */
            THRandom_nextState(g);
            *out++ = TH_mtTemper(g->state[0]);
            g->next = 1;
            n--;
            continue;
        }
        int64_t k = left - 1;
        if (k > (int64_t)(TH_MT_N - next)) k = (int64_t)(TH_MT_N - next);
        if (k > n) k = n;
        const uint64_t *s = g->state + next;
        for (int64_t i = 0; i < k; i++) out[i] = TH_mtTemper(s[i]);
        out += k;
        n -= k;
        g->next = next + (uint64_t)k;
        g->left = (int)(left - k);
    }
}

void THGenerator_manualSeed(THGenerator *g, uint64_t seed)
{
    g = THRandom_resolve(g);
    /* reseeding resets everything, the Box-Muller cache included (Torch7 copies a blank) */
    memset(g, 0, sizeof *g);
    g->the_initial_seed = seed;
    g->state[0] = seed & 0xffffffffUL;
    for (int j = 1; j < TH_MT_N; j++) {
        g->state[j] = (1812433253UL * (g->state[j - 1] ^ (g->state[j - 1] >> 30)) + (uint64_t)j);
        g->state[j] &= 0xffffffffUL;
    }
    g->left = 1;
    g->seeded = 1;
}

static uint64_t urandom_seed(const void *salt)
{
    uint64_t s = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        size_t got = fread(&s, sizeof s, 1, f);
        fclose(f);
        if (got == 1) return s;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_sec * 1000000007ULL + (uint64_t)ts.tv_nsec) ^ (uint64_t)(uintptr_t)salt;
}

uint64_t THGenerator_seed(THGenerator *g)
{
    g = THRandom_resolve(g);
    uint64_t s = urandom_seed(g);
    THGenerator_manualSeed(g, s);
    return s;
}

THGenerator *THGenerator_new(void)
{
    THGenerator *g = TH_alloc(sizeof(THGenerator));
    if (!g) return NULL;
    THGenerator_seed(g);
    return g;
}

void THGenerator_free(THGenerator *g)
{
    if (g && g != THGenerator_default()) TH_free(g);
}

static THGenerator th_default_gen;
static pthread_once_t th_default_once = PTHREAD_ONCE_INIT;
static void default_init(void) { THGenerator_manualSeed(&th_default_gen, urandom_seed(&th_default_gen)); }

THGenerator *THGenerator_default(void)
{
    pthread_once(&th_default_once, default_init);
    return &th_default_gen;
}

int THGenerator_copy(THGenerator *dst, const THGenerator *src)
{
    TH_CHECK(dst && src, TH_ERR_VALUE, "THGenerator_copy: generator is NULL");
    if (dst != src) memcpy(dst, src, sizeof *dst);
    return 0;
}

uint64_t THGenerator_initialSeed(THGenerator *g) { return THRandom_resolve(g)->the_initial_seed; }

int64_t THGenerator_stateSize(void) { return (int64_t)sizeof(THGenerator); }

int THGenerator_getState(THGenerator *g, void *bytes, int64_t n)
{
    g = THRandom_resolve(g);
    TH_CHECK(n == (int64_t)sizeof *g, TH_ERR_VALUE,
             "get_state: the state buffer must hold %d bytes, got %lld", (int)sizeof *g, (long long)n);
    TH_CHECK(bytes, TH_ERR_VALUE, "get_state: destination buffer is NULL");
    memcpy(bytes, g, sizeof *g);
    return 0;
}

int THGenerator_setState(THGenerator *g, const void *bytes, int64_t n)
{
    g = THRandom_resolve(g);
    TH_CHECK(n == (int64_t)sizeof *g, TH_ERR_VALUE,
             "set_state: the RNG state must be %d bytes (a Torch7 THGenerator), got %lld",
             (int)sizeof *g, (long long)n);
    TH_CHECK(bytes, TH_ERR_VALUE, "set_state: source buffer is NULL");
    THGenerator tmp;
    memcpy(&tmp, bytes, sizeof tmp);
    /* Torch7's validity checks, plus next + left <= 625: every state Torch7 produces meets
     * it, and it keeps the draws before the next regeneration inside state[] */
    TH_CHECK(tmp.seeded == 1 && tmp.left > 0 && tmp.left <= TH_MT_N && tmp.next <= TH_MT_N &&
             tmp.next + (uint64_t)tmp.left <= TH_MT_N + 1,
             TH_ERR_VALUE, "set_state: invalid RNG state (expected seeded == 1, 0 < left <= 624, next <= 624; "
             "got seeded=%d left=%d next=%llu)", tmp.seeded, tmp.left, (unsigned long long)tmp.next);
    for (int i = 0; i < TH_MT_N; i++)
        TH_CHECK(tmp.state[i] <= 0xffffffffUL, TH_ERR_VALUE,
                 "set_state: invalid RNG state (state word %d exceeds 32 bits)", i);
    memcpy(g, &tmp, sizeof tmp);
    return 0;
}

uint32_t THRandom_random(THGenerator *g) { return TH_mtNext(THRandom_resolve(g)); }

uint64_t THRandom_random64(THGenerator *g)
{
    g = THRandom_resolve(g);
    uint64_t hi = TH_mtNext(g);
    uint64_t lo = TH_mtNext(g);
    return (hi << 32) | lo;
}

double THRandom_uniform(THGenerator *g, double a, double b)
{
    return TH_mtUniform01(THRandom_resolve(g)) * (b - a) + a;
}

/* Scalar forms cannot return a status: a bad parameter sets the error and gives NaN. */
double THRandom_normal(THGenerator *g, double mean, double stdv)
{
    if (!(stdv >= 0)) { TH_setError(TH_ERR_VALUE, "normal: std must be >= 0, got %g", stdv); return NAN; }
    return TH_mtNormal01(THRandom_resolve(g)) * stdv + mean;
}

double THRandom_exponential(THGenerator *g, double lambda)
{
    if (!(lambda > 0)) { TH_setError(TH_ERR_VALUE, "exponential: lambda must be > 0, got %g", lambda); return NAN; }
    return -1. / lambda * log(1 - TH_mtUniform01(THRandom_resolve(g)));
}

double THRandom_cauchy(THGenerator *g, double median, double sigma)
{
    return median + sigma * tan(M_PI * (TH_mtUniform01(THRandom_resolve(g)) - 0.5));
}

double THRandom_logNormal(THGenerator *g, double mean, double stdv)
{
    if (!(stdv > 0)) { TH_setError(TH_ERR_VALUE, "logNormal: std must be > 0, got %g", stdv); return NAN; }
    return exp(TH_mtNormal01(THRandom_resolve(g)) * stdv + mean);
}

int THRandom_geometric(THGenerator *g, double p)
{
    if (!(p > 0 && p < 1)) { TH_setError(TH_ERR_VALUE, "geometric: p must be in (0, 1), got %g", p); return 0; }
    /* Torch7 casts to int; saturate where that would overflow instead of undefined behaviour */
    double v = log(1 - TH_mtUniform01(THRandom_resolve(g))) / log(p);
    return v >= 2147483646.0 ? 2147483647 : (int)v + 1;
}

int THRandom_bernoulli(THGenerator *g, double p)
{
    if (!(p >= 0 && p <= 1)) { TH_setError(TH_ERR_VALUE, "bernoulli: p must be in [0, 1], got %g", p); return 0; }
    return TH_mtUniform01(THRandom_resolve(g)) <= p;
}
