/* Errors, allocation accounting, threads, dtype facts. */
#include "THGeneral.h"
#include "THBlas.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static _Thread_local char th_error_msg[2048];
static _Thread_local int th_error_code = 0;
static int64_t th_allocated = 0;

int TH_setError(int code, const char *fmt, ...)
{
    /* format aside first: an argument may be TH_lastError() itself (wrapping the previous message) */
    char buf[sizeof th_error_msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    memcpy(th_error_msg, buf, sizeof buf);
    th_error_code = code ? code : TH_ERR_RUNTIME;
    return th_error_code;
}

const char *TH_lastError(void) { return th_error_msg; }
int TH_lastErrorCode(void) { return th_error_code; }
void TH_clearError(void) { th_error_msg[0] = 0; th_error_code = 0; }

void TH_trackBytes(int64_t delta) { __atomic_add_fetch(&th_allocated, delta, __ATOMIC_RELAXED); }
int64_t TH_allocatedBytes(void) { return __atomic_load_n(&th_allocated, __ATOMIC_RELAXED); }

/* 64-byte aligned blocks carved from plain malloc (the raw pointer sits just before the
 * block): unlike posix_memalign, plain malloc lets glibc serve a repeated large request
 * from memory it already faulted in, so a fresh output of a big op costs no page faults
 * in steady state. Big blocks also ask for transparent huge pages, as numpy does. */
/* Freed big blocks kept for reuse. glibc recycles a freed block only below its mmap
 * threshold (32 MiB at most), so results just above it (8M float32 plus the huge-page
 * padding) came back as fresh zeroed pages, each faulted in at first touch: a cat of
 * 32 MB cost twice numpy's. Blocks up to CACHE_BLOCK (a little more than glibc keeps),
 * the latest CACHE_BYTES of them, go to the next request they fit without wasting half
 * of them; bigger ones still go back to the system at once. One slot per smallest block
 * the budget holds: with fewer, freeing a model of 4 MiB tensors kept only a few of them,
 * and glibc gave the rest back, so every other reload faulted in 32 MiB of fresh pages. */
#define CACHE_MIN ((int64_t)4 << 20)      /* also where blocks start on a huge page */
#define CACHE_BLOCK ((int64_t)40 << 20)
#define CACHE_BYTES ((int64_t)96 << 20)
enum { CACHE_SLOTS = (int)(CACHE_BYTES / CACHE_MIN) };
static struct { char *p; int64_t cap; uint64_t when; } cache[CACHE_SLOTS];
static int64_t cache_total;
static uint64_t cache_clock;
/* A mutex, not a spin lock: with more threads than cores (OpenMP workers plus the caller on a
 * shared machine) a spinning waiter can burn its whole time slice while the holder is
 * descheduled; the mutex sleeps instead, and uncontended it costs one atomic, like the spin. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void cache_acquire(void) { pthread_mutex_lock(&cache_lock); }
static void cache_release(void) { pthread_mutex_unlock(&cache_lock); }

static char *cache_take(int64_t nbytes)
{
    char *p = NULL;
    cache_acquire();
    int best = -1;
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (cache[i].p && cache[i].cap >= nbytes && cache[i].cap / 2 <= nbytes &&
            (best < 0 || cache[i].cap < cache[best].cap)) best = i;
    if (best >= 0) {
        p = cache[best].p;
        cache_total -= cache[best].cap;
        cache[best].p = NULL;
    }
    cache_release();
    return p;
}

/* Keep a freed block, evicting the longest-kept ones to make room (the block just freed
 * is the likeliest to be asked for again: a loop's result of the same size). */
static void cache_put(char *p, int64_t cap)
{
    char *evicted[CACHE_SLOTS];
    int nev = 0;
    cache_acquire();
    for (;;) {
        int free_slot = -1, oldest = -1;
        for (int i = 0; i < CACHE_SLOTS; i++) {
            if (!cache[i].p) { if (free_slot < 0) free_slot = i; }
            else if (oldest < 0 || cache[i].when < cache[oldest].when) oldest = i;
        }
        if (free_slot >= 0 && cache_total + cap <= CACHE_BYTES) {
            cache[free_slot].p = p;
            cache[free_slot].cap = cap;
            cache[free_slot].when = ++cache_clock;
            cache_total += cap;
            break;
        }
        evicted[nev++] = cache[oldest].p;     /* cap <= CACHE_BLOCK < CACHE_BYTES: room comes */
        cache_total -= cache[oldest].cap;
        cache[oldest].p = NULL;
    }
    cache_release();
    for (int i = 0; i < nev; i++) free(((void **)evicted[i])[-1]);
}

void *TH_alloc(int64_t nbytes)
{
    /* Blocks of 4 MiB and more start on a 2 MiB boundary, so huge pages cover them whole:
     * filling a fresh big block (e.g. reading a file into it) then faults 2 MiB at a time,
     * about 3x faster than a block straddling huge-page boundaries. */
    const int64_t big = CACHE_MIN, huge = (int64_t)1 << 21;
    int64_t extra = nbytes >= big ? huge + 64 : 64;
    if (nbytes < 0 || nbytes > INT64_MAX - extra) {
        TH_setError(TH_ERR_MEMORY, "invalid memory size %lld -- maybe an overflow?", (long long)nbytes);
        return NULL;
    }
    if (nbytes == 0) nbytes = 1;
    if (nbytes >= big && nbytes <= CACHE_BLOCK) {
        char *c = cache_take(nbytes);
        if (c) return c;
    }
    char *raw = malloc((size_t)(nbytes + extra));
    if (!raw) {
        TH_setError(TH_ERR_MEMORY, "not enough memory: failed to allocate %lld bytes", (long long)nbytes);
        return NULL;
    }
    /* at least raw + 16 (malloc aligns 16): the raw pointer and the size sit just before the block */
    char *p = nbytes >= big ? (char *)(((uintptr_t)raw + 64 + (uintptr_t)huge - 1) & ~(uintptr_t)(huge - 1))
                            : (char *)(((uintptr_t)raw + 64) & ~(uintptr_t)63);
    ((void **)p)[-1] = raw;
    ((int64_t *)p)[-2] = nbytes;
#ifdef MADV_HUGEPAGE
    if (nbytes >= big) {
        uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
        madvise((void *)a, (size_t)((uintptr_t)p + (uintptr_t)nbytes - a) & ~(size_t)4095, MADV_HUGEPAGE);
    }
#endif
    return p;
}

void *TH_realloc(void *p, int64_t old_nbytes, int64_t nbytes)
{
    void *q = TH_alloc(nbytes);
    if (!q) return NULL;
    if (p) { memcpy(q, p, (size_t)(old_nbytes < nbytes ? old_nbytes : nbytes)); TH_free(p); }
    return q;
}

void TH_free(void *p)
{
    if (!p) return;
    int64_t cap = ((int64_t *)p)[-2];
    if (cap >= CACHE_MIN && cap <= CACHE_BLOCK) { cache_put(p, cap); return; }
    free(((void **)p)[-1]);
}

int TH_getNumThreads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

enum { TH_MAX_THREADS = 1024 };

void TH_setNumThreads(int n)
{
    /* libgomp sizes per-team arrays on the stack and dies when it cannot start the
     * threads, so an absurd count would crash the next parallel region */
    if (n > TH_MAX_THREADS) n = TH_MAX_THREADS;
    THBlas_setNumThreads(n);   /* OpenBLAS keeps its own pool: keep the two in step */
#ifdef _OPENMP
    if (n > 0) omp_set_num_threads(n);
#else
    (void)n;
#endif
}

int TH_getNumCores(void)
{
#ifdef _OPENMP
    return omp_get_num_procs();
#else
    return 1;
#endif
}

static const char *const th_dtype_names[TH_NDTYPES] = {
    "float32", "float64", "float16", "uint8", "int8", "int16", "int32", "int64", "bool"};
static const int th_dtype_sizes[TH_NDTYPES] = {4, 8, 2, 1, 1, 2, 4, 8, 1};

int TH_dtypeSize(int dtype) { return TH_validDtype(dtype) ? th_dtype_sizes[dtype] : 0; }
const char *TH_dtypeName(int dtype) { return TH_validDtype(dtype) ? th_dtype_names[dtype] : "undefined"; }
int TH_isFloatingType(int dtype) { return TH_isFloat(dtype); }

/* PyTorch's promotion lattice: bool < integers < floating; within a category the
 * wider type wins; uint8 with a signed integer type goes to the next signed size. */
int TH_promoteTypes(int a, int b)
{
    if (a == b) return a;
    if (a < 0) return b;
    if (b < 0) return a;
    if (a == TH_BOOL) return b;
    if (b == TH_BOOL) return a;
    int fa = TH_isFloat(a), fb = TH_isFloat(b);
    if (fa && fb) {
        if (a == TH_FLOAT64 || b == TH_FLOAT64) return TH_FLOAT64;
        return TH_FLOAT32;  /* float16 with float32 */
    }
    if (fa) return a;
    if (fb) return b;
    /* both integral */
    if (a == TH_UINT8 || b == TH_UINT8) {
        int o = a == TH_UINT8 ? b : a;
        return o == TH_INT8 ? TH_INT16 : o;
    }
    return a > b ? a : b;   /* INT8 < INT16 < INT32 < INT64 in enum order */
}

float TH_halfToFloat(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
    if (exp == 0) {
        if (mant == 0) bits = sign;
        else {  /* subnormal: normalise */
            exp = 127 - 15 + 1;
            while (!(mant & 0x400)) { mant <<= 1; exp--; }
            mant &= 0x3ff;
            bits = sign | (exp << 23) | (mant << 13);
        }
    } else if (exp == 31) bits = sign | 0x7f800000 | (mant << 13);
    else bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    float f; memcpy(&f, &bits, 4); return f;
}

uint16_t TH_floatToHalf(float f)
{
    uint32_t x; memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000;
    int32_t exp = (int32_t)((x >> 23) & 0xff) - 127 + 15;
    uint32_t mant = x & 0x7fffff;
    if (((x >> 23) & 0xff) == 0xff) return (uint16_t)(sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0));
    if (exp >= 31) return (uint16_t)(sign | 0x7c00);
    if (exp <= 0) {
        if (exp < -10) return (uint16_t)sign;
        mant |= 0x800000;
        uint32_t shift = (uint32_t)(14 - exp);
        uint32_t h = mant >> shift, rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1))) h++;
        return (uint16_t)(sign | h);
    }
    uint32_t h = sign | ((uint32_t)exp << 10) | (mant >> 13), rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) h++;  /* round to nearest even; may carry into exp */
    return (uint16_t)h;
}

double TH_loadDouble(const char *p, int dtype)
{
    switch (dtype) {
#define TH_LOAD_(CODE, T, N) case CODE: return (double)*(const T *)p;
    TH_FORALL_DTYPES(TH_LOAD_)
#undef TH_LOAD_
    case TH_FLOAT16: return TH_halfToFloat(*(const uint16_t *)p);
    }
    return 0;
}

int64_t TH_loadInt64(const char *p, int dtype)
{
    switch (dtype) {
#define TH_LOAD_(CODE, T, N) case CODE: return (int64_t)*(const T *)p;
    TH_FORALL_DTYPES(TH_LOAD_)
#undef TH_LOAD_
    case TH_FLOAT16: return (int64_t)TH_halfToFloat(*(const uint16_t *)p);
    }
    return 0;
}

void TH_storeDouble(char *p, int dtype, double v)
{
    switch (dtype) {
    case TH_BOOL: *(uint8_t *)p = v != 0; return;
    case TH_FLOAT16: *(uint16_t *)p = TH_floatToHalf((float)v); return;
#define TH_STORE_(CODE, T, N) case CODE: *(T *)p = (T)v; return;
    TH_FORALL_FLOAT_DTYPES(TH_STORE_) TH_FORALL_INT_DTYPES(TH_STORE_)
#undef TH_STORE_
    }
}

void TH_storeInt64(char *p, int dtype, int64_t v)
{
    switch (dtype) {
    case TH_BOOL: *(uint8_t *)p = v != 0; return;
    case TH_FLOAT16: *(uint16_t *)p = TH_floatToHalf((float)v); return;
#define TH_STORE_(CODE, T, N) case CODE: *(T *)p = (T)v; return;
    TH_FORALL_FLOAT_DTYPES(TH_STORE_) TH_FORALL_INT_DTYPES(TH_STORE_)
#undef TH_STORE_
    }
}
