/* Where ops write their results: output preparation and the one memory-overlap check
 * every out= path uses. Like PyTorch's assert_no_internal_overlap, an output whose
 * elements alias each other is refused; unlike its assert_no_partial_overlap, an output
 * sharing memory with an input is not refused but computed through a temporary (every
 * op reads its inputs whole before out is written), so the result is always right.
 * Sharing is decided exactly, by address, not by storage identity. */
#include "THIter.h"
#include <stdlib.h>

static const char INTERNAL_MSG[] =
    "unsupported operation: more than one element of the written-to tensor refers to a single memory location. "
    "Please clone() the tensor before performing the operation.";
static const char PARTIAL_MSG[] =
    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory "
    "location. Please clone() the tensor before performing the operation.";

/* Above this many runs per tensor the exact sweep is skipped and sharing is assumed. */
#define MAX_RUNS ((int64_t)1 << 22)

/* A tensor's dims with size > 1, outermost (largest stride) first, adjacent ones merged
 * where they walk memory as one. Returns the number of dims kept. */
static int layout(const THTensor *t, int64_t *size, int64_t *stride)
{
    int n = 0;
    for (int d = 0; d < t->ndim; d++)
        if (t->size[d] > 1) { size[n] = t->size[d]; stride[n] = t->stride[d]; n++; }
    for (int i = 1; i < n; i++)      /* insertion sort by stride, descending */
        for (int j = i; j > 0 && stride[j] > stride[j - 1]; j--) {
            int64_t s = size[j]; size[j] = size[j - 1]; size[j - 1] = s;
            s = stride[j]; stride[j] = stride[j - 1]; stride[j - 1] = s;
        }
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (m > 0 && stride[m - 1] == stride[i] * size[i] && stride[i] > 0) {
            size[m - 1] *= size[i];
            stride[m - 1] = stride[i];
        } else { size[m] = size[i]; stride[m] = stride[i]; m++; }
    }
    return m;
}

static int64_t numel_of(const THTensor *t)
{
    return t->storage ? THTensor_numel(t) : 0;
}

/* byte range [lo, hi) spanned by t (strides are never negative) */
static void extent(const THTensor *t, uintptr_t *lo, uintptr_t *hi)
{
    int64_t last = 0;
    for (int d = 0; d < t->ndim; d++) last += (t->size[d] - 1) * t->stride[d];
    int es = TH_dtypeSize(t->dtype);
    *lo = (uintptr_t)THTensor_data(t);
    *hi = *lo + (uintptr_t)((last + 1) * es);
}

static int same_layout(const THTensor *a, const THTensor *b)
{
    if (THTensor_data(a) != THTensor_data(b) || TH_dtypeSize(a->dtype) != TH_dtypeSize(b->dtype)) return 0;
    if (a->ndim != b->ndim) return 0;
    for (int d = 0; d < a->ndim; d++)
        if (a->size[d] != b->size[d] || (a->size[d] > 1 && a->stride[d] != b->stride[d])) return 0;
    return 1;
}

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) { int64_t t = a % b; a = b; b = t; }
    return a;
}

typedef struct { uintptr_t lo, hi; } Run;

static int run_cmp(const void *x, const void *y)
{
    uintptr_t a = ((const Run *)x)->lo, b = ((const Run *)y)->lo;
    return a < b ? -1 : a > b;
}

/* The byte intervals t occupies, sorted by start: one per innermost row when it is
 * dense, else one per element. NULL when there would be too many (or no memory). */
static Run *runs_of(const THTensor *t, int64_t *count)
{
    int64_t size[TH_MAX_DIMS], stride[TH_MAX_DIMS];
    int n = layout(t, size, stride);
    int es = TH_dtypeSize(t->dtype);
    int64_t rowlen = 1;
    int outer = n;
    if (n > 0 && stride[n - 1] == 1) { rowlen = size[n - 1]; outer = n - 1; }
    int64_t nruns = 1;
    for (int d = 0; d < outer; d++) nruns *= size[d];
    if (nruns > MAX_RUNS) return NULL;
    Run *r = malloc(sizeof(Run) * (size_t)nruns);
    if (!r) return NULL;
    uintptr_t base = (uintptr_t)THTensor_data(t);
    int64_t idx[TH_MAX_DIMS] = {0}, off = 0;
    int sorted = 1;
    for (int64_t k = 0; k < nruns; k++) {
        r[k].lo = base + (uintptr_t)(off * es);
        r[k].hi = r[k].lo + (uintptr_t)(rowlen * es);
        if (k && r[k].lo < r[k - 1].lo) sorted = 0;
        for (int d = outer - 1; d >= 0; d--) {
            off += stride[d];
            if (++idx[d] < size[d]) break;
            off -= stride[d] * size[d];
            idx[d] = 0;
        }
    }
    if (!sorted) qsort(r, (size_t)nruns, sizeof(Run), run_cmp);
    *count = nruns;
    return r;
}

int TH_memOverlap(const THTensor *a, const THTensor *b)
{
    if (!a || !b || numel_of(a) == 0 || numel_of(b) == 0) return TH_OVERLAP_NO;
    if (a == b || same_layout(a, b)) return TH_OVERLAP_FULL;
    uintptr_t alo, ahi, blo, bhi;
    extent(a, &alo, &ahi);
    extent(b, &blo, &bhi);
    if (ahi <= blo || bhi <= alo) return TH_OVERLAP_NO;
    /* interleaved views (x[::2] and x[1::2]): every element sits on its own residue */
    int ea = TH_dtypeSize(a->dtype), eb = TH_dtypeSize(b->dtype);
    int64_t g = 0;
    for (int d = 0; d < a->ndim; d++) if (a->size[d] > 1) g = gcd64(g, a->stride[d] * ea);
    for (int d = 0; d < b->ndim; d++) if (b->size[d] > 1) g = gcd64(g, b->stride[d] * eb);
    if (g > 0) {
        int64_t r = (int64_t)((blo - alo) % (uintptr_t)g);
        if (blo < alo) r = (g - (int64_t)((alo - blo) % (uintptr_t)g)) % g;
        if (r >= ea && g - r >= eb) return TH_OVERLAP_NO;
    }
    /* exact sweep over the sorted byte intervals of both */
    int64_t na, nb;
    Run *ra = runs_of(a, &na);
    Run *rb = ra ? runs_of(b, &nb) : NULL;
    int res = TH_OVERLAP_PARTIAL;    /* assumed when the runs are too many to list */
    if (ra && rb) {
        res = TH_OVERLAP_NO;
        for (int64_t i = 0, j = 0; i < na && j < nb;) {
            if (ra[i].hi <= rb[j].lo) i++;
            else if (rb[j].hi <= ra[i].lo) j++;
            else { res = TH_OVERLAP_PARTIAL; break; }
        }
    }
    free(ra);
    free(rb);
    return res;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

int TH_internalOverlap(const THTensor *t)
{
    if (!t || numel_of(t) <= 1) return 0;
    int64_t size[TH_MAX_DIMS], stride[TH_MAX_DIMS];
    int n = layout(t, size, stride);
    /* each dim (innermost first) must step past everything the inner ones span */
    int64_t span = 1;
    int clear = 1;
    for (int d = n - 1; d >= 0; d--) {
        if (stride[d] == 0) return 1;
        if (stride[d] < span) clear = 0;
        span += (size[d] - 1) * stride[d];
    }
    if (clear) return 0;
    int64_t numel = numel_of(t);
    if (numel > MAX_RUNS) return 1;
    int64_t *offs = malloc(sizeof(int64_t) * (size_t)numel);
    if (!offs) return 1;
    int64_t idx[TH_MAX_DIMS] = {0}, off = 0;
    for (int64_t k = 0; k < numel; k++) {
        offs[k] = off;
        for (int d = n - 1; d >= 0; d--) {
            off += stride[d];
            if (++idx[d] < size[d]) break;
            off -= stride[d] * size[d];
            idx[d] = 0;
        }
    }
    qsort(offs, (size_t)numel, sizeof(int64_t), cmp_i64);
    int dup = 0;
    for (int64_t k = 1; k < numel && !dup; k++) dup = offs[k] == offs[k - 1];
    free(offs);
    return dup;
}

int TH_overlapsDifferently(const THTensor *out, const THTensor *in)
{
    return TH_memOverlap(out, in) == TH_OVERLAP_PARTIAL;
}

int TH_prepareOut(THTensor *out, int dtype, int ndim, const int64_t *shape)
{
    TH_CHECK(out, TH_ERR_VALUE, "output tensor is NULL");
    if (out->dtype < 0) TH_TRY(THTensor_setDtype(out, dtype));
    TH_TRY(THTensor_resize(out, ndim, shape));
    TH_CHECK(!TH_internalOverlap(out), TH_ERR_RUNTIME, "%s", INTERNAL_MSG);
    return 0;
}

static int needs_resize(const THTensor *out, int ndim, const int64_t *shape)
{
    if (ndim < 0) return 0;
    int same = out->ndim == ndim;
    for (int d = 0; same && d < ndim; d++) same = out->size[d] == shape[d];
    return !same;
}

int TH_checkOut(const THTensor *out, int ndim, const int64_t *shape, int nin, THTensor *const *ins, int *full)
{
    if (full) *full = 0;
    TH_CHECK(out, TH_ERR_VALUE, "output tensor is NULL");
    if (!out->storage) return 0;       /* a fresh output: nothing to share */
    /* an out of another shape is replaced by the result, not updated */
    int resized = needs_resize(out, ndim, shape);
    TH_CHECK(resized || !TH_internalOverlap(out), TH_ERR_RUNTIME, "%s", INTERNAL_MSG);
    for (int k = 0; k < nin && full; k++) {
        if (!ins[k]) continue;
        int ov = TH_memOverlap(out, ins[k]);
        if (ov == TH_OVERLAP_NO) continue;
        *full = ov == TH_OVERLAP_FULL && !resized && *full < 2 ? 1 : 2;
    }
    return 0;
}

int TH_checkApart(const THTensor *a, const THTensor *b)
{
    TH_CHECK(!a || !b || TH_memOverlap(a, b) == TH_OVERLAP_NO, TH_ERR_RUNTIME, "%s", PARTIAL_MSG);
    return 0;
}

THTensor *TH_outBegin(THTensor *out, int dtype, int ndim, const int64_t *shape, int nin, THTensor *const *ins,
                      int inplace_ok)
{
    int full;
    if (TH_checkOut(out, ndim, shape, nin, ins, &full)) return NULL;
    if (out->dtype < 0 && THTensor_setDtype(out, dtype)) return NULL;
    if (out->dtype == dtype && (!full || (full == 1 && inplace_ok))) {
        if (TH_prepareOut(out, dtype, ndim, shape)) return NULL;
        THTensor_retain(out);
        return out;
    }
    return THTensor_newWithSize(dtype, ndim, shape);
}

int TH_outEnd(THTensor *out, THTensor *target, int status)
{
    if (!target) return status;
    if (target != out && status == 0) {
        status = TH_prepareOut(out, target->dtype, target->ndim, target->size);
        if (!status) status = THTensor_copy(out, target);
    } else if (status == 0) THTensor_bumpVersion(out);
    THTensor_free(target);
    return status;
}
