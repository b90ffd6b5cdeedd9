/* AVX-512 sort of unsigned 64-bit items, 8 to a zmm register, and the vectorized loading and
 * writing of contiguous 32-bit slices for it (THTensorSort.c).
 *
 * A quicksort whose partitions are split out of place (source -> the other buffer, see split)
 * and whose leaves of at most LEAF items are sorted in registers by a bitonic network. Each
 * level moves the data to the other buffer; a flag says which one the result must land in,
 * and the leaves store there. The pivot is the median of 8 samples, so every split is at least
 * 4:n-4, and a run of lopsided ones (depth limit) turns to heapsort: O(n log n) in all cases.
 * THTensorSort.c packs (key << 32 | position) items, all distinct, so the order is unique and
 * this sort gives the stable order.
 */
#include "THSortVec.h"
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define VS_TARGET __attribute__((target("avx512f,avx512vl")))
#define VS_INLINE static inline __attribute__((always_inline, target("avx512f,avx512vl")))
#define LEAF 128   /* 16 registers: 256 (32, spilling) was 5% faster for 3x the code */

int THSortVec_available(void)
{
    static int ok = -1;
    int l = __atomic_load_n(&ok, __ATOMIC_RELAXED);
    if (l < 0) {
        __builtin_cpu_init();
        /* TH_SORT_NO_AVX512 forces the portable paths (tests of the fallback) */
        l = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
            !getenv("TH_SORT_NO_AVX512") ? 1 : 0;
        __atomic_store_n(&ok, l, __ATOMIC_RELAXED);
    }
    return l;
}

/* Compare-exchange of the lanes of v with the same lanes of w (v with its lanes permuted
 * pairwise): the lanes in mx keep the larger item, the others the smaller. */
VS_INLINE __m512i cx(__m512i v, __m512i w, __mmask8 mx)
{
    return _mm512_mask_max_epu64(_mm512_min_epu64(v, w), mx, v, w);
}
VS_INLINE __m512i swap1(__m512i v) { return _mm512_shuffle_epi32(v, (_MM_PERM_ENUM)0x4E); }
VS_INLINE __m512i swap2(__m512i v) { return _mm512_permutex_epi64(v, 0x4E); }
VS_INLINE __m512i swap4(__m512i v) { return _mm512_shuffle_i64x2(v, v, 0x4E); }
VS_INLINE __m512i rev8(__m512i v) { return _mm512_permutexvar_epi64(_mm512_set_epi64(0, 1, 2, 3, 4, 5, 6, 7), v); }

/* The items of each register in order. */
VS_INLINE __m512i sort8(__m512i v)
{
    v = cx(v, swap1(v), 0xAA);
    v = cx(v, _mm512_permutex_epi64(v, 0x1B), 0xCC);   /* i ^ 3 */
    v = cx(v, swap1(v), 0xAA);
    v = cx(v, rev8(v), 0xF0);                            /* i ^ 7 */
    v = cx(v, swap2(v), 0xCC);
    return cx(v, swap1(v), 0xAA);
}

/* Every register's lanes i, i ^ 4, then i ^ 2, then i ^ 1: the end of each merge. */
VS_INLINE __m512i clean8(__m512i v)
{
    v = cx(v, swap4(v), 0xF0);
    v = cx(v, swap2(v), 0xCC);
    return cx(v, swap1(v), 0xAA);
}

/* Merge stage k (items k/2 apart, mirrored: every comparator puts the smaller item first, so
 * the padding registers at r >= NR, all largest items, never change and are skipped). */
VS_INLINE void merge(__m512i *v, const int NR, const int k)
{
    const int kr = k / 8;
#pragma GCC unroll 16
    for (int r = 0; r < NR; r++) {
        int r2 = r ^ (kr - 1);
        if (r2 <= r || r2 >= NR) continue;
        __m512i w = rev8(v[r2]);
        __m512i mn = _mm512_min_epu64(v[r], w), mx = _mm512_max_epu64(v[r], w);
        v[r] = mn;
        v[r2] = rev8(mx);
    }
#pragma GCC unroll 8
    for (int j = kr / 2; j >= 1; j /= 2) {
#pragma GCC unroll 16
        for (int r = 0; r < NR; r++) {
            int r2 = r ^ j;
            if (r2 <= r || r2 >= NR) continue;
            __m512i mn = _mm512_min_epu64(v[r], v[r2]), mx = _mm512_max_epu64(v[r], v[r2]);
            v[r] = mn;
            v[r2] = mx;
        }
    }
#pragma GCC unroll 16
    for (int r = 0; r < NR; r++) v[r] = clean8(v[r]);
}

/* Bitonic sort of the items in v[0..NR), as if padded to N (a power of 2) registers of the
 * largest item. */
VS_INLINE void bitonic(__m512i *v, const int NR, const int N)
{
#pragma GCC unroll 16
    for (int r = 0; r < NR; r++) v[r] = sort8(v[r]);
    if (N >= 2) merge(v, NR, 16);
    if (N >= 4) merge(v, NR, 32);
    if (N >= 8) merge(v, NR, 64);
    if (N >= 16) merge(v, NR, 128);
}

/* Leaf: sorts s[0..n) (8(NR-1) < n <= 8NR) into d (may be s), padding with the largest item. */
#define DEFINE_LEAF_(NR, N) \
static VS_TARGET void leaf##NR(const uint64_t *s, uint64_t *d, int64_t n) \
{ \
    __m512i v[NR]; \
    const __m512i top = _mm512_set1_epi64(-1); \
    const __mmask8 last = (__mmask8)(0xFFu >> (8 * NR - n)); \
    _Pragma("GCC unroll 16") \
    for (int r = 0; r < NR - 1; r++) v[r] = _mm512_loadu_si512(s + 8 * r); \
    v[NR - 1] = _mm512_mask_loadu_epi64(top, last, s + 8 * (NR - 1)); \
    bitonic(v, NR, N); \
    _Pragma("GCC unroll 16") \
    for (int r = 0; r < NR - 1; r++) _mm512_storeu_si512(d + 8 * r, v[r]); \
    _mm512_mask_storeu_epi64(d + 8 * (NR - 1), last, v[NR - 1]); \
}
DEFINE_LEAF_(1, 1)
DEFINE_LEAF_(2, 2)
DEFINE_LEAF_(3, 4)
DEFINE_LEAF_(4, 4)
DEFINE_LEAF_(5, 8)
DEFINE_LEAF_(6, 8)
DEFINE_LEAF_(7, 8)
DEFINE_LEAF_(8, 8)
DEFINE_LEAF_(9, 16)
DEFINE_LEAF_(10, 16)
DEFINE_LEAF_(11, 16)
DEFINE_LEAF_(12, 16)
DEFINE_LEAF_(13, 16)
DEFINE_LEAF_(14, 16)
DEFINE_LEAF_(15, 16)
DEFINE_LEAF_(16, 16)

typedef void (*Leaf)(const uint64_t *s, uint64_t *d, int64_t n);
static const Leaf leaves[17] = {NULL, leaf1, leaf2, leaf3, leaf4, leaf5, leaf6, leaf7, leaf8,
                                leaf9, leaf10, leaf11, leaf12, leaf13, leaf14, leaf15, leaf16};

static void leaf(const uint64_t *s, uint64_t *d, int64_t n) { leaves[(n + 7) / 8](s, d, n); }

/* Median of 8 items spread over s[0..n), n >= 16. */
static VS_TARGET uint64_t pivot(const uint64_t *s, int64_t n)
{
    uint64_t smp[8];
    const int64_t step = n / 8;
    for (int i = 0; i < 8; i++) smp[i] = s[step / 2 + i * step];
    _mm512_storeu_si512(smp, sort8(_mm512_loadu_si512(smp)));
    return smp[4];
}

/* split_perm[m]: the lane order putting the lanes set in m first, the others after (filled once,
 * before the first sort). */
static uint8_t split_perm[256][8];

static void init_split_perm(void)
{
    for (int m = 0; m < 256; m++) {
        int o = 0;
        for (int l = 0; l < 8; l++) if (m >> l & 1) split_perm[m][o++] = (uint8_t)l;
        for (int l = 0; l < 8; l++) if (!(m >> l & 1)) split_perm[m][o++] = (uint8_t)l;
    }
}

/* Items of s[0..n) below p to d[0..k), the others to d[k..n); returns k. While 8 or more
 * items are left, one permute puts the c low items of a register first and whole registers
 * are stored: at d + lo (lanes 0..c-1 count) and at d + hi - 8 (lanes c..7 count); the other
 * lanes land in the gap [lo, hi) that later items fill. (One table permute beats two
 * compresses, and unmasked stores beat masked ones.) */
static VS_TARGET int64_t split(const uint64_t *s, uint64_t *d, int64_t n, uint64_t p)
{
    const __m512i pv = _mm512_set1_epi64((long long)p);
    int64_t lo = 0, hi = n, i = 0;
    for (; i + 16 <= n; i += 8) {
        __m512i v = _mm512_loadu_si512(s + i);
        __mmask8 m = _mm512_cmplt_epu64_mask(v, pv);
        int c = __builtin_popcount(m);
        __m512i w = _mm512_permutexvar_epi64(_mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)split_perm[m])), v);
        _mm512_storeu_si512(d + lo, w);
        _mm512_storeu_si512(d + hi - 8, w);
        lo += c;
        hi -= 8 - c;
    }
    for (; i < n; i += 8) {   /* the last 8 to 15 items */
        __mmask8 valid = n - i >= 8 ? 0xFF : (__mmask8)((1u << (n - i)) - 1);
        __m512i v = _mm512_maskz_loadu_epi64(valid, s + i);
        __mmask8 m = _mm512_mask_cmplt_epu64_mask(valid, v, pv), g = (__mmask8)(valid & ~m);
        int c = __builtin_popcount(m), cg = __builtin_popcount(g);
        _mm512_mask_storeu_epi64(d + lo, (__mmask8)((1u << c) - 1), _mm512_maskz_compress_epi64(m, v));
        hi -= cg;
        _mm512_mask_storeu_epi64(d + hi, (__mmask8)((1u << cg) - 1), _mm512_maskz_compress_epi64(g, v));
        lo += c;
    }
    return lo;
}

static void sift(uint64_t *a, int64_t n, int64_t i)
{
    uint64_t x = a[i];
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && a[c] < a[c + 1]) c++;
        if (x >= a[c]) break;
        a[i] = a[c];
        i = c;
    }
    a[i] = x;
}

static void heapsort_u64(uint64_t *a, int64_t n)
{
    for (int64_t i = n / 2 - 1; i >= 0; i--) sift(a, n, i);
    for (int64_t e = n - 1; e > 0; e--) { uint64_t t = a[0]; a[0] = a[e]; a[e] = t; sift(a, e, 0); }
}

/* Sorts s[0..n) into s (into_s) or o; both buffers are used as scratch. */
static void qsort_vec(uint64_t *s, uint64_t *o, int64_t n, int into_s, int depth)
{
    while (n > LEAF) {
        if (depth-- <= 0) {
            heapsort_u64(s, n);
            if (!into_s) memcpy(o, s, sizeof(uint64_t) * (size_t)n);
            return;
        }
        int64_t k = split(s, o, n, pivot(s, n));
        qsort_vec(o, s, k, !into_s, depth);
        uint64_t *t = o + k;
        o = s + k;
        s = t;
        n -= k;
        into_s = !into_s;
    }
    if (n > 0) leaf(s, into_s ? s : o, n);
}

void THSortVec_u64(uint64_t *a, uint64_t *tmp, int64_t n)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_split_perm);
    int d = 0;
    for (int64_t m = n; m > 1; m >>= 1) d++;
    qsort_vec(a, tmp, n, 1, 2 * d + 4);
}

/* ---------------------------------------------------------------- 32-bit keys in and out */

/* The order-preserving key of 8 values (THTensorSort.c key_Float / key_Int). */
VS_INLINE __m256i keys8(__m256i b, int isfloat, __mmask8 *nan)
{
    const __m256i top = _mm256_set1_epi32((int)0x80000000u);
    if (!isfloat) { *nan = 0; return _mm256_xor_si256(b, top); }
    __m256 x = _mm256_castsi256_ps(b);
    /* negative: all bits flipped; positive: sign bit set */
    __m256i k = _mm256_xor_si256(b, _mm256_or_si256(_mm256_srai_epi32(b, 31), top));
    k = _mm256_mask_mov_epi32(k, _mm256_cmp_ps_mask(x, _mm256_setzero_ps(), _CMP_EQ_OQ), top);   /* -0 == 0 */
    *nan = _mm256_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    return _mm256_mask_mov_epi32(k, *nan, _mm256_set1_epi32(-1));
}

/* Radix digit counts of 8 keys into two sets of counters (even and odd lanes): most keys of
 * real data share their top digit, and one counter taking every increment would chain each
 * read-modify-write on the previous one. */
VS_INLINE void count8(__m256i k, uint32_t *restrict h, uint32_t *restrict g)
{
    uint32_t kk[8];
    _mm256_storeu_si256((__m256i *)kk, k);
    for (int l = 0; l < 8; l += 2) {
        uint32_t x = kk[l], y = kk[l + 1];
        h[x & 2047]++; h[2048 + (x >> 11 & 2047)]++; h[4096 + (x >> 22)]++;
        g[y & 2047]++; g[2048 + (y >> 11 & 2047)]++; g[4096 + (y >> 22)]++;
    }
}

VS_TARGET int64_t THSortVec_load32(const void *src, int64_t n, uint32_t flip, int isfloat, uint64_t *a,
                                   uint32_t *hist)
{
    const uint32_t *p = src;
    const __m256i fl = _mm256_set1_epi32((int)flip);
    __m512i pos = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    uint32_t *g = hist ? hist + 3 * 2048 : NULL;
    if (g) memset(g, 0, sizeof(uint32_t) * 3 * 2048);
    int64_t nans = 0, i = 0;
    for (; i < n; i += 8) {
        __mmask8 valid = n - i >= 8 ? 0xFF : (__mmask8)((1u << (n - i)) - 1), nan;
        __m256i k = _mm256_xor_si256(keys8(_mm256_maskz_loadu_epi32(valid, p + i), isfloat, &nan), fl);
        nans += __builtin_popcount(nan & valid);
        _mm512_mask_storeu_epi64(a + i, valid, _mm512_or_si512(_mm512_slli_epi64(_mm512_cvtepu32_epi64(k), 32), pos));
        pos = _mm512_add_epi64(pos, _mm512_set1_epi64(8));
        if (hist && valid == 0xFF) count8(k, hist, g);
    }
    if (hist) {
        for (int64_t j = n & ~(int64_t)7; j < n; j++) {   /* the last n % 8 keys */
            uint32_t x = (uint32_t)(a[j] >> 32);
            hist[x & 2047]++; hist[2048 + (x >> 11 & 2047)]++; hist[4096 + (x >> 22)]++;
        }
        for (int j = 0; j < 3 * 2048; j++) hist[j] += g[j];
    }
    return nans;
}

VS_TARGET void THSortVec_write32(void *vals, int64_t *idx, const uint64_t *it, int64_t n, uint32_t flip,
                                 int isfloat, const void *src, int64_t src_stride, int64_t base)
{
    const __m256i fl = _mm256_set1_epi32((int)flip), top = _mm256_set1_epi32((int)0x80000000u),
                  ones = _mm256_set1_epi32(-1);
    const __m512i low = _mm512_set1_epi64(0xFFFFFFFFll), b64 = _mm512_set1_epi64(base);
    uint32_t *vp = vals;
    for (int64_t i = 0; i < n; i += 8) {
        __mmask8 valid = n - i >= 8 ? 0xFF : (__mmask8)((1u << (n - i)) - 1);
        __m512i v = _mm512_maskz_loadu_epi64(valid, it + i);
        if (vp) {
            __m256i k = _mm256_xor_si256(_mm512_cvtepi64_epi32(_mm512_srli_epi64(v, 32)), fl), b;
            if (isfloat) {
                b = _mm256_xor_si256(k, _mm256_or_si256(_mm256_andnot_si256(_mm256_srai_epi32(k, 31), ones), top));
                _mm256_mask_storeu_epi32(vp + i, valid, b);
                /* zeros (sign) and NaNs (payload) are not told by the key: read from the source */
                unsigned sp = valid & (_mm256_cmpeq_epi32_mask(k, ones) | _mm256_cmpeq_epi32_mask(k, top));
                for (; sp; sp &= sp - 1) {
                    int l = __builtin_ctz(sp);
                    memcpy(vp + i + l, (const char *)src + (int64_t)(it[i + l] & 0xFFFFFFFFu) * src_stride, 4);
                }
            } else {
                _mm256_mask_storeu_epi32(vp + i, valid, _mm256_xor_si256(k, top));
            }
        }
        if (idx) _mm512_mask_storeu_epi64(idx + i, valid, _mm512_add_epi64(_mm512_and_si512(v, low), b64));
    }
}

#else   /* no AVX-512 code on this platform: the callers keep their portable path */
int THSortVec_available(void) { return 0; }
void THSortVec_u64(uint64_t *a, uint64_t *tmp, int64_t n) { (void)a; (void)tmp; (void)n; abort(); }
int64_t THSortVec_load32(const void *src, int64_t n, uint32_t flip, int isfloat, uint64_t *a, uint32_t *hist)
{
    (void)src; (void)n; (void)flip; (void)isfloat; (void)a; (void)hist; abort();
}
void THSortVec_write32(void *vals, int64_t *idx, const uint64_t *it, int64_t n, uint32_t flip, int isfloat,
                       const void *src, int64_t src_stride, int64_t base)
{
    (void)vals; (void)idx; (void)it; (void)n; (void)flip; (void)isfloat; (void)src; (void)src_stride; (void)base;
    abort();
}
#endif
