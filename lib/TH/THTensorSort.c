/* sort, topk, kthvalue, median, mode: slice-wise through THIter_dimApply.
 *
 * Every slice is loaded into (key, position) items. The key is an unsigned integer whose
 * order is the value order (floats: sign-flipped bits; NaN maps to the largest key, -0.0
 * to +0.0 so they compare equal; descending: keys complemented). Items compare by key,
 * then by position, so every item is distinct and ANY sort of the items gives the stable
 * order -- the stable and unstable paths are the same code. Long slices use an LSD radix
 * sort on the key bits (stable, O(n)); short ones a quicksort on the whole item: on AVX-512
 * CPUs the vectorized one of THSortVec.c for packed items below VEC_MAX (contiguous
 * float32/int32 slices also load and write through it).
 *
 * Items: dtypes of at most 4 bytes pack key and position into one uint64 (key << 32 |
 * position: half the memory traffic); float64/int64 (and huge slices) use a 16-byte pair.
 */
#include "THIter.h"
#include "THSortVec.h"
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct { uint64_t key, idx; } Wide;

/* ---------------------------------------------------------------- keys per dtype */
static inline uint64_t key_Float(float x)
{
    if (x != x) return 0xFFFFFFFFu;
    if (x == 0) x = 0;
    uint32_t b; memcpy(&b, &x, 4);
    return (b & 0x80000000u) ? (uint32_t)~b : (b | 0x80000000u);
}
static inline uint64_t key_Double(double x)
{
    if (x != x) return ~(uint64_t)0;
    if (x == 0) x = 0;
    uint64_t b; memcpy(&b, &x, 8);
    return (b >> 63) ? ~b : (b | 0x8000000000000000ull);
}
static inline uint64_t key_Byte(uint8_t x) { return x; }
static inline uint64_t key_Char(int8_t x) { return (uint8_t)x ^ 0x80u; }
static inline uint64_t key_Short(int16_t x) { return (uint16_t)x ^ 0x8000u; }
static inline uint64_t key_Int(int32_t x) { return (uint32_t)x ^ 0x80000000u; }
static inline uint64_t key_Long(int64_t x) { return (uint64_t)x ^ 0x8000000000000000ull; }
static inline uint64_t key_Bool(uint8_t x) { return x != 0; }
#define ISNAN_Float(x) ((x) != (x))
#define ISNAN_Double(x) ((x) != (x))
#define ISNAN_Byte(x) 0
#define ISNAN_Char(x) 0
#define ISNAN_Short(x) 0
#define ISNAN_Int(x) 0
#define ISNAN_Long(x) 0
#define ISNAN_Bool(x) 0

/* Loaders fill items for one slice and return the number of NaNs in it. When hist is
 * not NULL they also count the radix digits (passes digits of B bits) on the way. The
 * counting loop keeps the histogram pointers in locals (the build has no strict aliasing:
 * through dg every item store would reload them) and unrolls the digits of 32-bit keys. */
typedef struct { int B, passes; uint32_t *hist; } Digits;   /* radix only runs on slices < 2^32 */
#define LOAD_LOOP_(T, N, STORE, COUNT) \
    for (int64_t i = 0; i < n; i++) { \
        T x = *(const T *)(p + i * st); \
        uint64_t k = key_##N(x) ^ flip; \
        nans += ISNAN_##N(x); \
        STORE; \
        COUNT; \
    }
#define LOAD_BODY_(T, N, STORE) \
    int64_t nans = 0; \
    if (!dg) { LOAD_LOOP_(T, N, STORE, (void)0) return nans; } \
    uint32_t *restrict h0 = dg->hist; \
    const int B = dg->B, passes = dg->passes; \
    const uint64_t mask = ((uint64_t)1 << B) - 1; \
    if (passes == 3 && B == 11) {   /* 32-bit keys of long slices: constant shifts */ \
        uint32_t *restrict h1 = h0 + 2048, *restrict h2 = h0 + 4096; \
        LOAD_LOOP_(T, N, STORE, (h0[k & 2047]++, h1[(k >> 11) & 2047]++, h2[(k >> 22) & 2047]++)) \
    } else if (passes == 4 && B == 8) {   /* 32-bit keys of short slices */ \
        LOAD_LOOP_(T, N, STORE, (h0[k & 255]++, h0[256 + ((k >> 8) & 255)]++, h0[512 + ((k >> 16) & 255)]++, \
                                 h0[768 + ((k >> 24) & 255)]++)) \
    } else { \
        LOAD_LOOP_(T, N, STORE, \
                   for (int q_ = 0; q_ < passes; q_++) h0[((int64_t)q_ << B) + ((k >> (q_ * B)) & mask)]++) \
    } \
    return nans;
typedef int64_t (*LoadPacked)(const char *p, int64_t st, int64_t n, uint64_t flip, uint64_t *a, const Digits *dg);
typedef int64_t (*LoadWide)(const char *p, int64_t st, int64_t n, uint64_t flip, Wide *a, const Digits *dg);
#define DEFINE_LOADERS_(CODE, T, N) \
static int64_t loadp_##N(const char *p, int64_t st, int64_t n, uint64_t flip, uint64_t *restrict a, \
                         const Digits *dg) \
{ \
    LOAD_BODY_(T, N, a[i] = (k << 32) | (uint64_t)i) \
} \
static int64_t loadw_##N(const char *p, int64_t st, int64_t n, uint64_t flip, Wide *restrict a, const Digits *dg) \
{ \
    LOAD_BODY_(T, N, (a[i].key = k, a[i].idx = (uint64_t)i)) \
}
TH_FORALL_DTYPES(DEFINE_LOADERS_)

/* Values back from keys (sequential writes instead of a random gather). 0 when the key
 * does not tell the value: zeros (sign) and NaNs (payload) are read from the source. */
static inline int unkey_Float(uint64_t k, float *x)
{
    if (k == 0xFFFFFFFFu || k == 0x80000000u) return 0;
    uint32_t b = (k & 0x80000000u) ? (uint32_t)(k & 0x7FFFFFFFu) : (uint32_t)~k;
    memcpy(x, &b, 4);
    return 1;
}
static inline int unkey_Double(uint64_t k, double *x)
{
    if (k == ~(uint64_t)0 || k == 0x8000000000000000ull) return 0;
    uint64_t b = (k >> 63) ? (k & 0x7FFFFFFFFFFFFFFFull) : ~k;
    memcpy(x, &b, 8);
    return 1;
}
static inline int unkey_Byte(uint64_t k, uint8_t *x) { *x = (uint8_t)k; return 1; }
static inline int unkey_Char(uint64_t k, int8_t *x) { *x = (int8_t)(uint8_t)(k ^ 0x80u); return 1; }
static inline int unkey_Short(uint64_t k, int16_t *x) { *x = (int16_t)(uint16_t)(k ^ 0x8000u); return 1; }
static inline int unkey_Int(uint64_t k, int32_t *x) { *x = (int32_t)(uint32_t)(k ^ 0x80000000u); return 1; }
static inline int unkey_Long(uint64_t k, int64_t *x) { *x = (int64_t)(k ^ 0x8000000000000000ull); return 1; }
static inline int unkey_Bool(uint64_t k, uint8_t *x) { *x = (uint8_t)k; return 1; }

typedef void (*DecodePacked)(char *vp, int64_t vs, const uint64_t *it, int64_t m, uint64_t flip,
                             const char *src, int64_t ss);
typedef void (*DecodeWide)(char *vp, int64_t vs, const Wide *it, int64_t m, uint64_t flip,
                           const char *src, int64_t ss);
#define DEFINE_DECODERS_(CODE, T, N) \
static void decp_##N(char *vp, int64_t vs, const uint64_t *it, int64_t m, uint64_t flip, const char *src, int64_t ss) \
{ \
    for (int64_t j = 0; j < m; j++) { \
        T x; \
        if (!unkey_##N((it[j] >> 32) ^ flip, &x)) x = *(const T *)(src + (int64_t)(it[j] & 0xFFFFFFFFu) * ss); \
        *(T *)(vp + j * vs) = x; \
    } \
} \
static void decw_##N(char *vp, int64_t vs, const Wide *it, int64_t m, uint64_t flip, const char *src, int64_t ss) \
{ \
    for (int64_t j = 0; j < m; j++) { \
        T x; \
        if (!unkey_##N(it[j].key ^ flip, &x)) x = *(const T *)(src + (int64_t)it[j].idx * ss); \
        *(T *)(vp + j * vs) = x; \
    } \
}
TH_FORALL_DTYPES(DEFINE_DECODERS_)

/* ---------------------------------------------------------------- sort engines */
#define P_LESS(x, y) ((x) < (y))
#define P_KEY(x) ((x) >> 32)
#define P_POS(x) ((x) & 0xFFFFFFFFu)
#define W_LESS(x, y) ((x).key < (y).key || ((x).key == (y).key && (x).idx < (y).idx))
#define W_KEY(x) ((x).key)
#define W_POS(x) ((x).idx)

/* introsort depth budget: 2 log2(n) lopsided partitions before falling back */
static int depth_limit(int64_t n) { int d = 0; while (n > 1) { n >>= 1; d++; } return 2 * d + 4; }

#define DEFINE_ENGINE_(NAME, ITEM, LESS, KEY, VSORT) \
static void insertion_##NAME(ITEM *a, int64_t n) \
{ \
    for (int64_t i = 1; i < n; i++) { \
        ITEM x = a[i]; \
        int64_t j = i; \
        while (j > 0 && LESS(x, a[j - 1])) { a[j] = a[j - 1]; j--; } \
        a[j] = x; \
    } \
} \
/* Hoare partition around the median of three; returns j: [0, j] <= [j+1, n) */ \
static int64_t partition_##NAME(ITEM *a, int64_t n) \
{ \
    int64_t m = n / 2; \
    ITEM t; \
    if (LESS(a[m], a[0])) { t = a[m]; a[m] = a[0]; a[0] = t; } \
    if (LESS(a[n - 1], a[m])) { t = a[n - 1]; a[n - 1] = a[m]; a[m] = t; \
        if (LESS(a[m], a[0])) { t = a[m]; a[m] = a[0]; a[0] = t; } } \
    ITEM p = a[m]; \
    int64_t i = -1, j = n; \
    for (;;) { \
        do i++; while (LESS(a[i], p)); \
        do j--; while (LESS(p, a[j])); \
        if (i >= j) return j; \
        t = a[i]; a[i] = a[j]; a[j] = t; \
    } \
} \
static void sift_##NAME(ITEM *a, int64_t n, int64_t i) \
{ \
    ITEM x = a[i]; \
    for (;;) { \
        int64_t c = 2 * i + 1; \
        if (c >= n) break; \
        if (c + 1 < n && LESS(a[c], a[c + 1])) c++; \
        if (!LESS(x, a[c])) break; \
        a[i] = a[c]; \
        i = c; \
    } \
    a[i] = x; \
} \
static void heapsort_##NAME(ITEM *a, int64_t n) \
{ \
    for (int64_t i = n / 2 - 1; i >= 0; i--) sift_##NAME(a, n, i); \
    for (int64_t e = n - 1; e > 0; e--) { ITEM t = a[0]; a[0] = a[e]; a[e] = t; sift_##NAME(a, e, 0); } \
} \
/* introsort: quicksort that turns to heapsort when partitions keep coming out lopsided */ \
static void intro_##NAME(ITEM *a, int64_t n, int depth) \
{ \
    while (n > 16) { \
        if (depth-- <= 0) { heapsort_##NAME(a, n); return; } \
        int64_t j = partition_##NAME(a, n) + 1; \
        if (j < n - j) { intro_##NAME(a, j, depth); a += j; n -= j; } \
        else { intro_##NAME(a + j, n - j, depth); n = j; } \
    } \
    insertion_##NAME(a, n); \
} \
static void quick_##NAME(ITEM *a, int64_t n) { intro_##NAME(a, n, depth_limit(n)); } \
/* LSD radix on the key bits with the digit counts from the loader; returns the buffer \
 * (a or b) holding the result. */ \
static ITEM *radix_##NAME(ITEM *a, ITEM *b, int64_t n, const Digits *dg) \
{ \
    const int B = dg->B, R = 1 << B; \
    for (int p = 0; p < dg->passes; p++) { \
        uint32_t *h = dg->hist + ((int64_t)p << B); \
        int sh = p * B; \
        if (h[(KEY(a[0]) >> sh) & (uint64_t)(R - 1)] == (uint64_t)n) continue;   /* one digit value: nothing moves */ \
        uint32_t sum = 0; \
        for (int r = 0; r < R; r++) { uint32_t c = h[r]; h[r] = sum; sum += c; } \
        for (int64_t i = 0; i < n; i++) { ITEM x = a[i]; b[h[(KEY(x) >> sh) & (uint64_t)(R - 1)]++] = x; } \
        ITEM *t = a; a = b; b = t; \
    } \
    return a; \
} \
/* Sort n loaded items; dg holds their digit counts when the loader made them, vec says \
 * to use the AVX-512 sort (packed items only). */ \
static ITEM *sort_##NAME(ITEM *a, ITEM *tmp, int64_t n, const Digits *dg, int vec) \
{ \
    if (!dg) { if (vec) VSORT(a, tmp, n); else quick_##NAME(a, n); return a; } \
    return radix_##NAME(a, tmp, n, dg); \
} \
/* Reorder so that a[k] is the k-th item and a[0..k) are the k smaller ones. */ \
static void select_##NAME(ITEM *a, int64_t n, int64_t k) \
{ \
    int64_t lo = 0, hi = n; \
    int depth = depth_limit(n); \
    while (hi - lo > 16) { \
        if (depth-- <= 0) { quick_##NAME(a + lo, hi - lo); return; }   /* guaranteed n log n */ \
        int64_t j = lo + partition_##NAME(a + lo, hi - lo) + 1; \
        if (k < j) hi = j; else lo = j; \
    } \
    insertion_##NAME(a + lo, hi - lo); \
}
#define VSORT_NONE(a, tmp, n) (void)0
DEFINE_ENGINE_(packed, uint64_t, P_LESS, P_KEY, THSortVec_u64)
DEFINE_ENGINE_(wide, Wide, W_LESS, W_KEY, VSORT_NONE)

/* ---------------------------------------------------------------- slice driver */
enum { OP_SORT, OP_TOPK, OP_KTH, OP_MEDIAN, OP_MODE };

typedef struct {
    int op, wide, es, vpos, ipos;
    uint64_t flip;
    int64_t k, base;
    int sorted;
    LoadPacked loadp;
    LoadWide loadw;
    DecodePacked decp;
    DecodeWide decw;
    int keybits;
    int vec;     /* packed items and an AVX-512 CPU: THSortVec_u64 sorts the slices below VEC_MAX */
    int v32;     /* with vec, float32 (1) or int32 (2): contiguous slices load and write vectorized */
    int64_t scratch_bytes;
    char **scratch;
    int nscratch;
    int failed;
} SortCtx;

/* Write items[0..m) out: values decoded from the keys, positions + base. */
#define DEFINE_WRITE_(NAME, ITEM, POS, DEC) \
static void write_generic_##NAME(SortCtx *c, char **d, const int64_t *stride, const ITEM *it, int64_t m) \
{ \
    if (c->vpos >= 0) c->DEC(d[c->vpos], stride[c->vpos], it, m, c->flip, d[0], stride[0]); \
    if (c->ipos >= 0) { \
        char *ip = d[c->ipos]; int64_t is = stride[c->ipos]; \
        for (int64_t j = 0; j < m; j++) *(int64_t *)(ip + j * is) = (int64_t)POS(it[j]) + c->base; \
    } \
}
DEFINE_WRITE_(packed, uint64_t, P_POS, decp)
DEFINE_WRITE_(wide, Wide, W_POS, decw)
#define write_wide write_generic_wide
static void write_packed(SortCtx *c, char **d, const int64_t *stride, const uint64_t *it, int64_t m)
{
    if (c->v32 && (c->vpos < 0 || stride[c->vpos] == 4) && (c->ipos < 0 || stride[c->ipos] == 8)) {
        THSortVec_write32(c->vpos >= 0 ? d[c->vpos] : NULL, c->ipos >= 0 ? (int64_t *)d[c->ipos] : NULL, it, m,
                          (uint32_t)c->flip, c->v32 == 1, d[0], stride[0], c->base);
        return;
    }
    write_generic_packed(c, d, stride, it, m);
}

/* Load a slice into items (see the loaders); returns its NaN count. */
static int64_t load_packed(SortCtx *c, char **d, const int64_t *stride, int64_t n, uint64_t *a, const Digits *dg)
{
    if (c->v32 && stride[0] == 4 && (!dg || (dg->B == 11 && dg->passes == 3)))
        return THSortVec_load32(d[0], n, (uint32_t)c->flip, c->v32 == 1, a, dg ? dg->hist : NULL);
    return c->loadp(d[0], stride[0], n, c->flip, a, dg);
}
static int64_t load_wide(SortCtx *c, char **d, const int64_t *stride, int64_t n, Wide *a, const Digits *dg)
{
    return c->loadw(d[0], stride[0], n, c->flip, a, dg);
}

#define RADIX_MIN 256
/* The AVX-512 quicksort beats the radix passes below this length (2.5x at 1000 items, even
 * at 32768; radix 15% faster at 65536 and 1M: measured on an AMD EPYC with AVX-512) */
#define VEC_MAX 65536
#define DEFINE_SLICE_(NAME, ITEM, KEY) \
static void slice_##NAME(SortCtx *c, char **d, const int64_t *len, const int64_t *stride, char *scr) \
{ \
    int64_t n = len[0]; \
    ITEM *a = (ITEM *)scr, *tmp = a + n; \
    /* a full sort of a long slice goes by radix: digits are counted while loading */ \
    int full = c->op == OP_SORT || c->op == OP_MODE || (c->op == OP_TOPK && c->sorted && 2 * c->k >= n); \
    Digits dgs, *dg = NULL; \
    if (full && n >= RADIX_MIN && n < (int64_t)UINT32_MAX && !(c->vec && n < VEC_MAX)) { \
        dgs.B = n >= 65536 ? 11 : 8; \
        dgs.passes = (c->keybits + dgs.B - 1) / dgs.B; \
        dgs.hist = (uint32_t *)(tmp + n); \
        memset(dgs.hist, 0, sizeof(uint32_t) * ((size_t)dgs.passes << dgs.B)); \
        dg = &dgs; \
    } \
    int64_t nans = load_##NAME(c, d, stride, n, a, dg); \
    switch (c->op) { \
    case OP_SORT: write_##NAME(c, d, stride, sort_##NAME(a, tmp, n, dg, c->vec), n); break; \
    case OP_TOPK: \
        if (c->k == 0) break; \
        if (dg || (full && c->vec)) { write_##NAME(c, d, stride, sort_##NAME(a, tmp, n, dg, c->vec), c->k); break; } \
        if (c->k < n) select_##NAME(a, n, c->k - 1); \
        if (c->sorted) sort_##NAME(a, tmp, c->k, NULL, c->vec); \
        write_##NAME(c, d, stride, a, c->k); \
        break; \
    case OP_KTH: select_##NAME(a, n, c->k - 1); write_##NAME(c, d, stride, a + c->k - 1, 1); break; \
    case OP_MEDIAN: { \
        /* NaN propagates: the first NaN (stable order puts NaNs last, by position) */ \
        int64_t pos = nans ? n - nans : (n - 1) / 2; \
        select_##NAME(a, n, pos); \
        write_##NAME(c, d, stride, a + pos, 1); \
        break; } \
    case OP_MODE: { \
        ITEM *s = sort_##NAME(a, tmp, n, dg, c->vec); \
        int64_t best = 0, best_end = 0, run = 0; \
        for (int64_t i = 0; i < n; i++) { \
            run = (i > 0 && KEY(s[i]) == KEY(s[i - 1])) ? run + 1 : 1; \
            /* strictly more: among equally frequent values the smallest (first) wins; a growing best run \
             * moves best_end to its last element */ \
            if (run > best) { best = run; best_end = i; } \
        } \
        write_##NAME(c, d, stride, s + best_end, 1);   /* last position holding the mode */ \
        break; } \
    } \
}
DEFINE_SLICE_(packed, uint64_t, P_KEY)
DEFINE_SLICE_(wide, Wide, W_KEY)

static void slice_fn(char **d, const int64_t *len, const int64_t *stride, void *vctx)
{
    SortCtx *c = vctx;
    int tid = 0;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
    char *scr, *own = NULL;
    if (tid < c->nscratch) {     /* one buffer per team thread, reused across its slices */
        if (!c->scratch[tid]) c->scratch[tid] = TH_alloc(c->scratch_bytes);
        scr = c->scratch[tid];
    } else {                     /* called from inside someone else's parallel region */
        scr = own = TH_alloc(c->scratch_bytes);
    }
    if (!scr) { __atomic_store_n(&c->failed, 1, __ATOMIC_RELAXED); return; }
    if (c->wide) slice_wide(c, d, len, stride, scr);
    else slice_packed(c, d, len, stride, scr);
    TH_free(own);
}

/* ---------------------------------------------------------------- entry points */

/* t (shaped like the final result) seen with `full` dims: a size-1 dim inserted at dim. */
static THTensor full_view(const THTensor *t, int full, int dim)
{
    THTensor v = *t;
    if (v.ndim < full) {
        for (int d = v.ndim; d > dim; d--) { v.size[d] = v.size[d - 1]; v.stride[d] = v.stride[d - 1]; }
        v.size[dim] = 1;
        v.stride[dim] = 1;
        v.ndim++;
    }
    return v;
}

/* The common driver: m is the result length along dim, keep whether dim stays. */
static int run_select(const char *fn, THTensor *values, THTensor *indices, THTensor *a, int dim,
                      int op, int64_t k, int64_t m, int keep, int descending, int sorted, int index_base)
{
    TH_CHECK(a, TH_ERR_VALUE, "%s(): input is NULL", fn);
    TH_CHECK(TH_validDtype(a->dtype) && a->dtype != TH_FLOAT16, TH_ERR_TYPE,
             "%s(): not implemented for %s", fn, TH_dtypeName(a->dtype));
    int full = a->ndim == 0 ? 1 : a->ndim;
    int64_t shape[TH_MAX_DIMS];
    int fnd = 0;
    for (int d = 0; d < full; d++) {
        int64_t s = a->ndim == 0 ? 1 : a->size[d];
        if (d == dim) { if (!keep) continue; s = m; }
        shape[fnd++] = s;
    }
    if (a->ndim == 0) fnd = 0;
    THTensor *vt = NULL, *it = NULL;
    int st = 0;
    TH_TRY(TH_checkApart(values, indices));
    /* values never in place: NaNs and zeros are decoded from the source after earlier values are written */
    if (values && !(vt = TH_outBegin(values, a->dtype, fnd, shape, 1, &a, 0))) return TH_lastErrorCode();
    if (indices && !(it = TH_outBegin(indices, TH_INT64, fnd, shape, 1, &a, 1))) { st = TH_lastErrorCode(); goto done; }

    int64_t n = a->ndim == 0 ? 1 : a->size[dim];
    SortCtx c = {0};
    c.op = op;
    c.es = TH_dtypeSize(a->dtype);
    c.wide = c.es > 4 || n > (int64_t)UINT32_MAX;
    c.keybits = 8 * c.es;
    c.vec = !c.wide && THSortVec_available();
    c.v32 = !c.vec ? 0 : a->dtype == TH_FLOAT32 ? 1 : a->dtype == TH_INT32 ? 2 : 0;
    c.flip = descending ? (c.keybits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << c.keybits) - 1) : 0;
    c.k = k;
    c.sorted = sorted;
    c.base = index_base;
    switch (a->dtype) {
#define CASE_(CODE, T, N) case CODE: c.loadp = loadp_##N; c.loadw = loadw_##N; c.decp = decp_##N; c.decw = decw_##N; break;
    TH_FORALL_DTYPES(CASE_)
#undef CASE_
    }
    /* items, a second buffer for the radix passes, and the digit histograms */
    c.scratch_bytes = 2 * (n > 0 ? n : 1) * (int64_t)(c.wide ? sizeof(Wide) : sizeof(uint64_t))
                      + (int64_t)sizeof(int64_t) * (64 / 8 + 1) * 2048;
#ifdef _OPENMP
    c.nscratch = omp_get_max_threads();
#else
    c.nscratch = 1;
#endif
    c.scratch = calloc((size_t)c.nscratch, sizeof(char *));
    if (!c.scratch) { st = TH_setError(TH_ERR_MEMORY, "%s(): out of memory", fn); goto done; }
    THTensor vv, iv;
    THTensor *ops[3] = {a, NULL, NULL};
    int nops = 1;
    c.vpos = c.ipos = -1;
    if (vt) { vv = full_view(vt, full, dim); c.vpos = nops; ops[nops++] = &vv; }
    if (it) { iv = full_view(it, full, dim); c.ipos = nops; ops[nops++] = &iv; }
    st = THIter_dimApply(nops, ops, dim, slice_fn, &c, 1);
    for (int t = 0; t < c.nscratch; t++) TH_free(c.scratch[t]);
    free(c.scratch);
    if (!st && c.failed) st = TH_setError(TH_ERR_MEMORY, "%s(): not enough memory for a slice of %lld elements",
                                          fn, (long long)n);
done:
    st = TH_outEnd(values, vt, st);
    st = TH_outEnd(indices, it, st);
    return st;
}

static int check_sel_dim(const char *fn, const THTensor *a, int dim)
{
    TH_CHECK(a, TH_ERR_VALUE, "%s(): input is NULL", fn);
    int n = a->ndim == 0 ? 1 : a->ndim;
    TH_CHECK(dim >= 0 && dim < n, TH_ERR_INDEX,
             "%s(): dimension %d out of range (expected to be in range of [0, %d])", fn, dim, n - 1);
    return 0;
}

static int64_t dim_size(const THTensor *a, int dim) { return a->ndim == 0 ? 1 : a->size[dim]; }

int THTensor_sort(THTensor *values, THTensor *indices, THTensor *a, int dim, int descending,
                  int stable, int index_base)
{
    (void)stable;   /* the one algorithm is stable */
    TH_TRY(check_sel_dim("sort", a, dim));
    return run_select("sort", values, indices, a, dim, OP_SORT, 0, dim_size(a, dim), 1, descending, 1, index_base);
}

int THTensor_topk(THTensor *values, THTensor *indices, THTensor *a, int64_t k, int dim,
                  int largest, int sorted, int index_base)
{
    TH_TRY(check_sel_dim("topk", a, dim));
    int64_t n = dim_size(a, dim);
    TH_CHECK(k >= 0 && k <= n, TH_ERR_INDEX, "topk(): k (%lld) is out of range for dimension %d of size %lld",
             (long long)k, dim, (long long)n);
    /* a 0-dim input gives a 0-dim result holding its one element, whatever k (PyTorch) */
    int64_t kk = a->ndim == 0 ? 1 : k;
    return run_select("topk", values, indices, a, dim, OP_TOPK, kk, kk, 1, largest, sorted, index_base);
}

int THTensor_kthvalue(THTensor *values, THTensor *indices, THTensor *a, int64_t k, int dim,
                      int keepdim, int index_base)
{
    TH_TRY(check_sel_dim("kthvalue", a, dim));
    int64_t n = dim_size(a, dim);
    TH_CHECK(k >= 1 && k <= n, TH_ERR_INDEX, "kthvalue(): k (%lld) is out of range for dimension %d of size %lld",
             (long long)k, dim, (long long)n);
    return run_select("kthvalue", values, indices, a, dim, OP_KTH, k, 1, keepdim, 0, 0, index_base);
}

int THTensor_median(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim, int index_base)
{
    TH_TRY(check_sel_dim("median", a, dim));
    TH_CHECK(dim_size(a, dim) > 0, TH_ERR_INDEX, "median(): Expected reduction dim %d to have non-zero size.", dim);
    return run_select("median", values, indices, a, dim, OP_MEDIAN, 0, 1, keepdim, 0, 0, index_base);
}

int THTensor_mode(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim, int index_base)
{
    TH_TRY(check_sel_dim("mode", a, dim));
    TH_CHECK(dim_size(a, dim) > 0, TH_ERR_INDEX, "mode(): Expected reduction dim %d to have non-zero size.", dim);
    return run_select("mode", values, indices, a, dim, OP_MODE, 0, 1, keepdim, 0, 0, index_base);
}
