/* Internal header shared by the THNN kernels: the ABI plus shape-check helpers. */
#ifndef THNN_INTERNAL_H
#define THNN_INTERNAL_H
#include "../TH/THGeneral.h"
#include "../TH/THIter.h"
#include <stdio.h>

/* "[2 x 3 x 4]" into buf (for error messages). */
static inline const char *THNN_sizeDesc(const THTensor *t, char *buf, size_t n)
{
    size_t k = 0;
    k += (size_t)snprintf(buf + k, n - k, "[");
    for (int d = 0; d < t->ndim && k < n; d++)
        k += (size_t)snprintf(buf + k, n - k, d ? " x %lld" : "%lld", (long long)t->size[d]);
    if (k < n) snprintf(buf + k, n - k, "]");
    return buf;
}

/* Fail unless t is float32/float64. */
#define THNN_CHECK_FLOAT(fn, t) \
    TH_CHECK((t) && ((t)->dtype == TH_FLOAT32 || (t)->dtype == TH_FLOAT64), TH_ERR_TYPE, \
             "%s: expected a float32 or float64 tensor for %s, got %s", fn, #t, (t) ? TH_dtypeName((t)->dtype) : "NULL")

/* Fail unless a and b have the same shape. */
#define THNN_CHECK_SAME_SHAPE(fn, a, b) do { \
    int same_ = (a)->ndim == (b)->ndim; \
    for (int d_ = 0; same_ && d_ < (a)->ndim; d_++) same_ = (a)->size[d_] == (b)->size[d_]; \
    if (!same_) { char ba_[128], bb_[128]; \
        return TH_setError(TH_ERR_VALUE, "%s: %s of size %s does not match %s of size %s", fn, #a, \
                           THNN_sizeDesc((a), ba_, sizeof ba_), #b, THNN_sizeDesc((b), bb_, sizeof bb_)); } \
} while (0)

#endif
