/* AVX-512 sort of packed 64-bit items (THSortVec.c), used by THTensorSort.c. */
#ifndef TH_SORT_VEC_H
#define TH_SORT_VEC_H
#include <stdint.h>

/* 1 when this CPU runs the AVX-512 sort (TH_SORT_NO_AVX512 in the environment forces 0). */
int THSortVec_available(void);

/* Sorts a[0..n) ascending as unsigned 64-bit integers; tmp holds n items of scratch.
 * Only call when THSortVec_available(). */
void THSortVec_u64(uint64_t *a, uint64_t *tmp, int64_t n);

/* Loads n contiguous float32 (isfloat) or int32 values as items (key ^ flip) << 32 | position,
 * keys as THTensorSort.c makes them; returns the number of NaNs. hist, when not NULL: the
 * 3 x 2048 zeroed counts of the keys' 11-bit radix digits, followed by 3 x 2048 more of scratch. */
int64_t THSortVec_load32(const void *src, int64_t n, uint32_t flip, int isfloat, uint64_t *a, uint32_t *hist);

/* Writes sorted items out: values (contiguous, decoded from the keys; zeros and NaNs read from
 * src with its byte stride) and/or contiguous int64 positions + base; either may be NULL. */
void THSortVec_write32(void *vals, int64_t *idx, const uint64_t *it, int64_t n, uint32_t flip, int isfloat,
                       const void *src, int64_t src_stride, int64_t base);

#endif
