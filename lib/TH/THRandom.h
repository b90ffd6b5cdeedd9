/* Internal header of the random family: the MT19937 core shared by THRandom.c (generator,
 * scalar distributions) and THTensorRandom.c (fills), inlined into the fill loops. */
#ifndef TH_RANDOM_H
#define TH_RANDOM_H
#include "THGeneral.h"

#define TH_MT_N 624
#define TH_MT_M 397
#define TH_TWO_POW_M32 (1.0 / 4294967296.0)

/* Regenerate all 624 words (left = 624, next = 0), as Torch7's THRandom_nextState. */
void THRandom_nextState(THGenerator *g);
/* n consecutive raw draws, identical to n calls of THRandom_random. */
void THRandom_rawBlock(THGenerator *g, uint32_t *out, int64_t n);
/* g, or the process-wide generator when g is NULL. */
THGenerator *THRandom_resolve(THGenerator *g);

static inline uint32_t TH_mtTemper(uint64_t y)
{
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680UL;
    y ^= (y << 15) & 0xefc60000UL;
    y ^= (y >> 18);
    return (uint32_t)y;
}

/* The bounds checks cost nothing in step and matter when Python threads (the GIL released)
 * race on one generator: their draws are then poor, but never read outside state[]. */
static inline uint32_t TH_mtNext(THGenerator *g)
{
    if (--g->left <= 0 || g->next >= TH_MT_N) THRandom_nextState(g);
    uint64_t i = g->next;
    g->next = i + 1;
    return TH_mtTemper(g->state[i < TH_MT_N ? i : TH_MT_N - 1]);
}

/* u() of Torch7: 32-bit resolution in [0, 1) */
static inline double TH_mtUniform01(THGenerator *g) { return TH_mtNext(g) * TH_TWO_POW_M32; }

/* Box-Muller with Torch7's one-value cache (cos first, sin cached). */
static inline double TH_mtNormal01(THGenerator *g)
{
    if (!g->normal_is_valid) {
        g->normal_x = TH_mtUniform01(g);
        g->normal_y = TH_mtUniform01(g);
        g->normal_rho = sqrt(-2. * log(1. - g->normal_y));
        g->normal_is_valid = 1;
        return g->normal_rho * cos(2. * M_PI * g->normal_x);
    }
    g->normal_is_valid = 0;
    return g->normal_rho * sin(2. * M_PI * g->normal_x);
}

#endif
