/* Indexing: index_select/copy/add/fill, gather/scatter, masked ops, nonzero, take/put.
 *
 * Every op is one THIter pass. The indexed operand enters the iteration as a view whose
 * stride along the indexed dimension is 0 (it stays at "position 0" of that dimension);
 * the kernel adds index * stride_bytes to reach the element. So one kernel per dtype
 * serves index_select, gather and take (reads) and index_copy, scatter and put (writes).
 */
#include "THIter.h"
#include <stdlib.h>
#include <stdio.h>

/* Gathers and fills are memory-bound: a second thread buys little below a few million
 * elements, while waking a team on a busy machine costs milliseconds. */
#define IDX_PARALLEL_MIN ((int64_t)1 << 22)

typedef struct {
    int64_t stride;      /* bytes between positions of the indexed dimension */
    int64_t size;        /* valid indices are [0, size) after subtracting base */
    int64_t base;        /* index_base */
    int wrap;            /* negative indices count from the end (take, put) */
    int bad;             /* an index was out of range */
    int64_t badval;      /* the first offending index as the caller wrote it */
    double alpha;        /* index_add's scale */
    int64_t ialpha;
    char value[8];       /* fill value stored in the tensor's dtype */
} IdxCtx;

/* Resolve one raw index to an offset in [0, size); 0 and a recorded error when outside. */
static inline int idx_resolve(IdxCtx *c, int64_t raw, int64_t *out)
{
    int64_t i = raw - c->base;
    if (i < 0 && c->wrap) i += c->size;
    if (__builtin_expect(i < 0 || i >= c->size, 0)) {
        if (!__atomic_exchange_n(&c->bad, 1, __ATOMIC_RELAXED)) c->badval = raw;
        return 0;
    }
    *out = i;
    return 1;
}

/* ---------------------------------------------------------------- kernels */

/* gather-like: d[0] = out, d[1] = indexed source (at position 0 of the dim), d[2] = index */
#define DEFINE_GATHER_(T, N) \
static void gather_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    IdxCtx *c = vctx; \
    int64_t st = c->stride, v; \
    if (s[2] == 0) {   /* one index for the whole run (index_select of rows): a block copy */ \
        if (!idx_resolve(c, *(const int64_t *)d[2], &v)) return; \
        const char *sp = d[1] + v * st; \
        if (s[0] == sizeof(T) && s[1] == sizeof(T)) { memcpy(d[0], sp, (size_t)n * sizeof(T)); return; } \
        for (int64_t i = 0; i < n; i++) *(T *)(d[0] + i * s[0]) = *(const T *)(sp + i * s[1]); \
        return; \
    } \
    if (s[0] == sizeof(T) && s[1] == 0 && s[2] == 8) { \
        T *o = (T *)d[0]; const char *src = d[1]; const int64_t *ix = (const int64_t *)d[2]; \
        for (int64_t i = 0; i < n; i++) \
            if (idx_resolve(c, ix[i], &v)) o[i] = *(const T *)(src + v * st); \
        return; \
    } \
    for (int64_t i = 0; i < n; i++) \
        if (idx_resolve(c, *(const int64_t *)(d[2] + i * s[2]), &v)) \
            *(T *)(d[0] + i * s[0]) = *(const T *)(d[1] + i * s[1] + v * st); \
}
/* scatter-like: d[0] = indexed destination (position 0), d[1] = index, d[2] = source */
#define DEFINE_SCATTER_(T, N) \
static void scatter_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    IdxCtx *c = vctx; \
    int64_t st = c->stride, v; \
    if (s[1] == 0) {   /* one index for the whole run (index_copy of rows) */ \
        if (!idx_resolve(c, *(const int64_t *)d[1], &v)) return; \
        char *dp = d[0] + v * st; \
        if (s[0] == sizeof(T) && s[2] == sizeof(T)) { memcpy(dp, d[2], (size_t)n * sizeof(T)); return; } \
        for (int64_t i = 0; i < n; i++) *(T *)(dp + i * s[0]) = *(const T *)(d[2] + i * s[2]); \
        return; \
    } \
    for (int64_t i = 0; i < n; i++) \
        if (idx_resolve(c, *(const int64_t *)(d[1] + i * s[1]), &v)) \
            *(T *)(d[0] + i * s[0] + v * st) = *(const T *)(d[2] + i * s[2]); \
}
/* scatter of one value: d[0] = indexed destination, d[1] = index */
#define DEFINE_SCATTER_FILL_(T, N) \
static void scatterfill_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    IdxCtx *c = vctx; \
    int64_t st = c->stride, v; \
    T val; memcpy(&val, c->value, sizeof(T)); \
    if (s[1] == 0) {   /* one index for the whole run (index_fill of rows) */ \
        if (!idx_resolve(c, *(const int64_t *)d[1], &v)) return; \
        char *dp = d[0] + v * st; \
        if (s[0] == sizeof(T)) { T *o = (T *)dp; for (int64_t i = 0; i < n; i++) o[i] = val; } \
        else for (int64_t i = 0; i < n; i++) *(T *)(dp + i * s[0]) = val; \
        return; \
    } \
    for (int64_t i = 0; i < n; i++) \
        if (idx_resolve(c, *(const int64_t *)(d[1] + i * s[1]), &v)) \
            *(T *)(d[0] + i * s[0] + v * st) = val; \
}
/* masked fill: d[0] = self, d[1] = mask */
#define DEFINE_MASKED_FILL_(T, N) \
static void maskedfill_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    T val; memcpy(&val, vctx, sizeof(T)); \
    if (s[0] == sizeof(T) && s[1] == 1) { \
        T *o = (T *)d[0]; const uint8_t *m = (const uint8_t *)d[1]; \
        for (int64_t i = 0; i < n; i++) o[i] = m[i] ? val : o[i]; \
        return; \
    } \
    for (int64_t i = 0; i < n; i++) \
        if (*(const uint8_t *)(d[1] + i * s[1])) *(T *)(d[0] + i * s[0]) = val; \
}

/* Copy-like kernels depend only on the element size. */
#define TH_FORALL_ELEMSIZES(_) _(uint8_t, S1) _(uint16_t, S2) _(uint32_t, S4) _(uint64_t, S8)
TH_FORALL_ELEMSIZES(DEFINE_GATHER_)
TH_FORALL_ELEMSIZES(DEFINE_SCATTER_)
TH_FORALL_ELEMSIZES(DEFINE_SCATTER_FILL_)
TH_FORALL_ELEMSIZES(DEFINE_MASKED_FILL_)

#define SIZE_DISPATCH(prefix, es) \
    ((es) == 1 ? prefix##S1 : (es) == 2 ? prefix##S2 : (es) == 4 ? prefix##S4 : prefix##S8)

/* accumulate: d[0] = indexed destination, d[1] = index, d[2] = source; += alpha * src */
#define ACC_Float(o, v, c) ((o) + (float)(c)->alpha * (v))
#define ACC_Double(o, v, c) ((o) + (c)->alpha * (v))
#define ACC_INT_(T) (T)((o) + (T)(c)->ialpha * (v))
#define ACC_Byte(o, v, c) (uint8_t)((o) + (uint8_t)(c)->ialpha * (v))
#define ACC_Char(o, v, c) (int8_t)((o) + (int8_t)(c)->ialpha * (v))
#define ACC_Short(o, v, c) (int16_t)((o) + (int16_t)(c)->ialpha * (v))
#define ACC_Int(o, v, c) (int32_t)((o) + (int32_t)(c)->ialpha * (v))
#define ACC_Long(o, v, c) (int64_t)((uint64_t)(o) + (uint64_t)(c)->ialpha * (uint64_t)(v))
#define ACC_Bool(o, v, c) (uint8_t)((o) || ((c)->ialpha && (v)))
#define DEFINE_SCATTER_ADD_(CODE, T, N) \
static void scatteradd_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    IdxCtx *c = vctx; \
    int64_t st = c->stride, v; \
    for (int64_t i = 0; i < n; i++) \
        if (idx_resolve(c, *(const int64_t *)(d[1] + i * s[1]), &v)) { \
            T *o = (T *)(d[0] + i * s[0] + v * st); \
            *o = ACC_##N(*o, *(const T *)(d[2] + i * s[2]), c); \
        } \
}
TH_FORALL_DTYPES(DEFINE_SCATTER_ADD_)

static THLoop scatteradd_kernel(int dtype)
{
    switch (dtype) {
#define CASE_(CODE, T, N) case CODE: return scatteradd_##N;
    TH_FORALL_DTYPES(CASE_)
#undef CASE_
    }
    return NULL;
}

/* validation pass over an index tensor alone: d[0] = index */
static void validate_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    IdxCtx *c = vctx;
    int64_t v;
    for (int64_t i = 0; i < n; i++) idx_resolve(c, *(const int64_t *)(d[0] + i * s[0]), &v);
}

/* ---------------------------------------------------------------- helpers */

/* A 0-dim tensor seen as 1-D of size 1 (the ops below accept dim 0 on scalars). */
static THTensor as1d(const THTensor *t)
{
    THTensor v = *t;
    if (v.ndim == 0) { v.ndim = 1; v.size[0] = 1; v.stride[0] = 1; }
    return v;
}

static int check_dtype_ok(const char *fn, const char *arg, const THTensor *t)
{
    TH_CHECK(t, TH_ERR_VALUE, "%s(): %s is NULL", fn, arg);
    TH_CHECK(TH_validDtype(t->dtype), TH_ERR_TYPE, "%s(): %s has no dtype", fn, arg);
    return 0;
}

static int check_index(const char *fn, const THTensor *index)
{
    TH_CHECK(index, TH_ERR_VALUE, "%s(): index is NULL", fn);
    TH_CHECK(index->dtype == TH_INT64, TH_ERR_TYPE, "%s(): Expected dtype int64 for index, got %s",
             fn, TH_dtypeName(index->dtype));
    return 0;
}

static int check_dim(const char *fn, int dim, int ndim)
{
    int n = ndim == 0 ? 1 : ndim;
    TH_CHECK(dim >= 0 && dim < n, TH_ERR_INDEX,
             "%s(): dimension %d out of range (expected to be in range of [0, %d])", fn, dim, n - 1);
    return 0;
}

static int check_mask(const char *fn, const THTensor *mask)
{
    TH_CHECK(mask, TH_ERR_VALUE, "%s(): mask is NULL", fn);
    TH_CHECK(mask->dtype == TH_BOOL || mask->dtype == TH_UINT8, TH_ERR_TYPE,
             "%s(): expected mask to be a bool or uint8 tensor, got %s", fn, TH_dtypeName(mask->dtype));
    return 0;
}

/* "[2, 3]" */
static const char *shape_str(char *buf, size_t cap, const THTensor *t)
{
    size_t k = (size_t)snprintf(buf, cap, "[");
    for (int d = 0; d < t->ndim && k < cap; d++)
        k += (size_t)snprintf(buf + k, cap - k, d ? ", %lld" : "%lld", (long long)t->size[d]);
    if (k < cap) snprintf(buf + k, cap - k, "]");
    return buf;
}

static int dim_bounds_error(const char *fn, IdxCtx *c, int dim)
{
    return TH_setError(TH_ERR_INDEX, "%s(): index %lld is out of bounds for dimension %d with size %lld",
                       fn, (long long)c->badval, dim, (long long)c->size);
}

/* Where an op writes: out, or a temporary when out holds an input's elements (gathers
 * read anywhere in their inputs while writing). */
static THTensor *begin_out(THTensor *out, int dtype, int ndim, const int64_t *shape, THTensor *in1, THTensor *in2)
{
    THTensor *ins[2] = {in1, in2};
    return TH_outBegin(out, dtype, ndim, shape, 2, ins, 0);
}

static int run_validate(THTensor *index, IdxCtx *c)
{
    THIter it;
    TH_TRY(THIter_build(&it, 1, &index, index->ndim, index->size, 0));
    THIter_run(&it, validate_loop, c, it.numel >= IDX_PARALLEL_MIN);
    return 0;
}

/* ---------------------------------------------------------------- index_* along a dim */

/* View of t whose dim has the given size and stride 0 (the kernel supplies the offset). */
static THTensor pinned_view(const THTensor *t, int dim, int64_t len)
{
    THTensor v = as1d(t);
    v.size[dim] = len;
    v.stride[dim] = 0;
    return v;
}

/* The 1-D (or 0-D) index spread along dim of a tensor shaped like `like`. */
static THTensor index_along(const THTensor *index, const THTensor *like, int dim)
{
    THTensor v = *index;
    v.ndim = like->ndim;
    for (int d = 0; d < like->ndim; d++) { v.size[d] = like->size[d]; v.stride[d] = 0; }
    v.stride[dim] = index->ndim ? index->stride[0] : 0;
    return v;
}

static int check_index_vector(const char *fn, const THTensor *index)
{
    TH_TRY(check_index(fn, index));
    TH_CHECK(index->ndim <= 1, TH_ERR_VALUE, "%s(): Index is supposed to be a vector (0-D or 1-D), got %d-D",
             fn, index->ndim);
    return 0;
}

/* o[...] = src's element along dim at (index operand iv - index_base), iterating over o's shape with
 * sv (src's view, dim pinned) and iv laid over it; shared by index_select and gather. */
static int gather_along(const char *fn, THTensor *o, THTensor *sv, THTensor *iv, const THTensor *src, int dim,
                        int index_base)
{
    THTensor s1 = as1d(src);
    IdxCtx c = {0};
    c.stride = s1.stride[dim] * TH_dtypeSize(src->dtype);
    c.size = s1.size[dim];
    c.base = index_base;
    THTensor *ops[3] = {o, sv, iv};
    THIter it;
    int st = THIter_build(&it, 3, ops, o->ndim, o->size, 0);
    if (!st) {
        THIter_run(&it, SIZE_DISPATCH(gather_, TH_dtypeSize(src->dtype)), &c, it.numel >= IDX_PARALLEL_MIN);
        if (c.bad) st = dim_bounds_error(fn, &c, dim);
    }
    return st;
}

int THTensor_indexSelect(THTensor *out, THTensor *src, int dim, THTensor *index, int index_base)
{
    const char *fn = "index_select";
    TH_TRY(check_dtype_ok(fn, "self", src));
    TH_TRY(check_index_vector(fn, index));
    TH_TRY(check_dim(fn, dim, src->ndim));
    int64_t n = THTensor_numel(index);
    THTensor s1 = as1d(src);
    int64_t shape[TH_MAX_DIMS];
    for (int d = 0; d < s1.ndim; d++) shape[d] = s1.size[d];
    shape[dim] = n;
    TH_CHECK(src->ndim > 0 || n == 1, TH_ERR_VALUE,
             "index_select(): a 0-dim source takes exactly one index, got %lld", (long long)n);
    int ondim = src->ndim;
    THTensor *t = begin_out(out, src->dtype, ondim, shape, src, index);
    if (!t) return TH_lastErrorCode();
    THTensor o1 = as1d(t);
    THTensor sv = pinned_view(src, dim, n);
    THTensor iv = index_along(index, &o1, dim);
    return TH_outEnd(out, t, gather_along(fn, &o1, &sv, &iv, src, dim, index_base));
}

/* Shared body of index_copy / index_add / index_fill: self's dim is addressed by index. */
static int index_scatter(const char *fn, THTensor *self, int dim, THTensor *index, THTensor *src,
                         THLoop loop, IdxCtx *c, int index_base)
{
    TH_TRY(check_dtype_ok(fn, "self", self));
    TH_TRY(check_index_vector(fn, index));
    TH_TRY(check_dim(fn, dim, self->ndim));
    int64_t n = THTensor_numel(index);
    THTensor s1 = as1d(self);
    THTensor shaped = s1;              /* self's shape with dim -> n: the iteration space */
    shaped.size[dim] = n;
    if (src) {
        TH_TRY(check_dtype_ok(fn, "source", src));
        TH_CHECK(src->dtype == self->dtype, TH_ERR_TYPE,
                 "%s(): self (%s) and source (%s) must have the same dtype", fn,
                 TH_dtypeName(self->dtype), TH_dtypeName(src->dtype));
        THTensor r1 = as1d(src);
        int same = r1.ndim == s1.ndim;
        for (int d = 0; same && d < s1.ndim; d++) same = r1.size[d] == shaped.size[d];
        TH_CHECK(same || (src->ndim == 0 && n == 1 && THTensor_numel(self) == 1), TH_ERR_VALUE,
                 "%s(): source must have the shape of self with dimension %d of size %lld (the number of "
                 "indices)", fn, dim, (long long)n);
    }
    c->stride = s1.stride[dim] * TH_dtypeSize(self->dtype);
    c->size = s1.size[dim];
    c->base = index_base;
    TH_TRY(run_validate(index, c));
    if (c->bad) return dim_bounds_error(fn, c, dim);
    THTensor *tmp = NULL;
    if (src && TH_overlapsDifferently(self, src)) {
        tmp = THTensor_newClone(src);
        if (!tmp) return TH_lastErrorCode();
        src = tmp;
    }
    THTensor dv = pinned_view(self, dim, n);
    THTensor iv = index_along(index, &shaped, dim);
    THTensor rv = src ? as1d(src) : shaped;
    THTensor *ops[3] = {&dv, &iv, &rv};
    THIter it;
    int st = THIter_build(&it, src ? 3 : 2, ops, shaped.ndim, shaped.size, 2 * (src != NULL));
    if (!st) {
        THIter_run(&it, loop, c, 0);   /* serial: repeated indices write the same element */
        THTensor_bumpVersion(self);
    }
    THTensor_free(tmp);
    return st;
}

int THTensor_indexCopy(THTensor *self, int dim, THTensor *index, THTensor *src, int index_base)
{
    IdxCtx c = {0};
    TH_TRY(check_dtype_ok("index_copy", "self", self));
    return index_scatter("index_copy", self, dim, index, src,
                         SIZE_DISPATCH(scatter_, TH_dtypeSize(self->dtype)), &c, index_base);
}

int THTensor_indexAdd(THTensor *self, int dim, THTensor *index, THTensor *src, double alpha, int index_base)
{
    IdxCtx c = {0};
    TH_TRY(check_dtype_ok("index_add", "self", self));
    THLoop k = scatteradd_kernel(self->dtype);
    TH_CHECK(k, TH_ERR_TYPE, "index_add(): not implemented for %s", TH_dtypeName(self->dtype));
    c.alpha = alpha;
    c.ialpha = (int64_t)alpha;
    return index_scatter("index_add", self, dim, index, src, k, &c, index_base);
}

int THTensor_indexFill(THTensor *self, int dim, THTensor *index, double value, int index_base)
{
    IdxCtx c = {0};
    TH_TRY(check_dtype_ok("index_fill", "self", self));
    TH_storeDouble(c.value, self->dtype, value);
    return index_scatter("index_fill", self, dim, index, NULL,
                         SIZE_DISPATCH(scatterfill_, TH_dtypeSize(self->dtype)), &c, index_base);
}

/* ---------------------------------------------------------------- gather / scatter */

/* index has self's number of dims and fits inside `limit` (every dim, or every dim but `dim`). */
static int check_gather_shapes(const char *fn, const THTensor *index, const THTensor *t, const char *tname,
                               int dim, int skip_dim)
{
    THTensor i1 = as1d(index), t1 = as1d(t);
    TH_CHECK(i1.ndim == t1.ndim || THTensor_numel(index) == 0, TH_ERR_VALUE,
             "%s(): Index tensor must have the same number of dimensions as %s tensor (%d vs %d)",
             fn, tname, index->ndim, t->ndim);
    if (THTensor_numel(index) == 0) return 0;
    for (int d = 0; d < i1.ndim; d++) {
        if (skip_dim && d == dim) continue;
        if (i1.size[d] > t1.size[d]) {
            char a[256], b[256];
            return TH_setError(TH_ERR_VALUE, "%s(): Size does not match at dimension %d expected index %s to be "
                               "smaller than %s %s apart from dimension %d", fn, d, shape_str(a, sizeof a, index),
                               tname, shape_str(b, sizeof b, t), dim);
        }
    }
    return 0;
}

/* t re-shaped to index's sizes (a window of t) with dim pinned. */
static THTensor window_view(const THTensor *t, const THTensor *index, int dim)
{
    THTensor v = as1d(t), i1 = as1d(index);
    for (int d = 0; d < v.ndim; d++) v.size[d] = i1.size[d];
    v.stride[dim] = 0;
    return v;
}

int THTensor_gather(THTensor *out, THTensor *src, int dim, THTensor *index, int index_base)
{
    const char *fn = "gather";
    TH_TRY(check_dtype_ok(fn, "self", src));
    TH_TRY(check_index(fn, index));
    TH_TRY(check_dim(fn, dim, src->ndim));
    TH_TRY(check_gather_shapes(fn, index, src, "input", dim, 1));
    THTensor *t = begin_out(out, src->dtype, index->ndim, index->size, src, index);
    if (!t) return TH_lastErrorCode();
    int st = 0;
    if (THTensor_numel(index) > 0) {
        THTensor o1 = as1d(t), i1 = as1d(index);
        THTensor sv = window_view(src, index, dim);
        st = gather_along(fn, &o1, &sv, &i1, src, dim, index_base);
    }
    return TH_outEnd(out, t, st);
}

static int scatter_common(const char *fn, THTensor *self, int dim, THTensor *index, THTensor *src,
                          THLoop loop, IdxCtx *c, int index_base)
{
    TH_TRY(check_dtype_ok(fn, "self", self));
    TH_TRY(check_index(fn, index));
    TH_TRY(check_dim(fn, dim, self->ndim));
    TH_TRY(check_gather_shapes(fn, index, self, "self", dim, 1));
    if (src) {
        TH_TRY(check_dtype_ok(fn, "src", src));
        TH_CHECK(src->dtype == self->dtype, TH_ERR_TYPE,
                 "%s(): Expected self.dtype to be equal to src.dtype (%s vs %s)", fn,
                 TH_dtypeName(self->dtype), TH_dtypeName(src->dtype));
        TH_TRY(check_gather_shapes(fn, index, src, "src", dim, 0));
    }
    if (THTensor_numel(index) == 0) return 0;
    THTensor s1 = as1d(self);
    c->stride = s1.stride[dim] * TH_dtypeSize(self->dtype);
    c->size = s1.size[dim];
    c->base = index_base;
    TH_TRY(run_validate(index, c));
    if (c->bad) return dim_bounds_error(fn, c, dim);
    THTensor *tmp = NULL;
    if (src && TH_overlapsDifferently(self, src)) {
        tmp = THTensor_newClone(src);
        if (!tmp) return TH_lastErrorCode();
        src = tmp;
    }
    THTensor dv = window_view(self, index, dim), i1 = as1d(index);
    THTensor rv = src ? window_view(src, index, dim) : i1;
    if (src) { THTensor r1 = as1d(src); rv.stride[dim] = r1.stride[dim]; }
    THTensor *ops[3] = {&dv, &i1, &rv};
    THIter it;
    int st = THIter_build(&it, src ? 3 : 2, ops, i1.ndim, i1.size, 1);
    if (!st) {
        THIter_run(&it, loop, c, 0);
        THTensor_bumpVersion(self);
    }
    THTensor_free(tmp);
    return st;
}

int THTensor_scatter(THTensor *self, int dim, THTensor *index, THTensor *src, int index_base)
{
    IdxCtx c = {0};
    TH_TRY(check_dtype_ok("scatter", "self", self));
    return scatter_common("scatter", self, dim, index, src, SIZE_DISPATCH(scatter_, TH_dtypeSize(self->dtype)),
                          &c, index_base);
}

int THTensor_scatterAdd(THTensor *self, int dim, THTensor *index, THTensor *src, int index_base)
{
    IdxCtx c = {0};
    TH_TRY(check_dtype_ok("scatter_add", "self", self));
    THLoop k = scatteradd_kernel(self->dtype);
    TH_CHECK(k, TH_ERR_TYPE, "scatter_add(): not implemented for %s", TH_dtypeName(self->dtype));
    TH_CHECK(src, TH_ERR_VALUE, "scatter_add(): src is NULL");
    c.alpha = 1; c.ialpha = 1;
    return scatter_common("scatter_add", self, dim, index, src, k, &c, index_base);
}

int THTensor_scatterFill(THTensor *self, int dim, THTensor *index, double value, int index_base)
{
    IdxCtx c = {0};
    TH_TRY(check_dtype_ok("scatter", "self", self));
    TH_storeDouble(c.value, self->dtype, value);
    return scatter_common("scatter", self, dim, index, NULL, SIZE_DISPATCH(scatterfill_, TH_dtypeSize(self->dtype)),
                          &c, index_base);
}

/* ---------------------------------------------------------------- take / put */

int THTensor_take(THTensor *out, THTensor *src, THTensor *index, int index_base)
{
    const char *fn = "take";
    TH_TRY(check_dtype_ok(fn, "self", src));
    TH_TRY(check_index(fn, index));
    THTensor *t = begin_out(out, src->dtype, index->ndim, index->size, src, index);
    if (!t) return TH_lastErrorCode();
    int st = 0;
    THTensor *flat = THTensor_numel(index) ? THTensor_newContiguous(src) : NULL;
    if (THTensor_numel(index) && !flat) st = TH_lastErrorCode();
    if (flat) {
        IdxCtx c = {0};
        c.stride = TH_dtypeSize(src->dtype);
        c.size = THTensor_numel(src);
        c.base = index_base;
        c.wrap = 1;
        /* the source is a 0-D operand at element 0: every offset comes from the index */
        THTensor sv = *flat;
        sv.ndim = 0;
        THTensor *ops[3] = {t, &sv, index};
        THIter it;
        if (c.size == 0) sv.storage = NULL;
        st = THIter_build(&it, 3, ops, index->ndim, index->size, 0);
        if (!st) {
            static char nothing[8];
            if (!it.data[1]) it.data[1] = nothing;   /* empty source: every index is out of range */
            THIter_run(&it, SIZE_DISPATCH(gather_, TH_dtypeSize(src->dtype)), &c, it.numel >= IDX_PARALLEL_MIN);
            if (c.bad)
                st = TH_setError(TH_ERR_INDEX, "take(): index %lld is out of bounds for a tensor with %lld elements",
                                 (long long)c.badval, (long long)c.size);
        }
        THTensor_free(flat);
    }
    return TH_outEnd(out, t, st);
}

int THTensor_put(THTensor *self, THTensor *index, THTensor *src, int accumulate, int index_base)
{
    const char *fn = "put";
    TH_TRY(check_dtype_ok(fn, "self", self));
    TH_TRY(check_dtype_ok(fn, "source", src));
    TH_TRY(check_index(fn, index));
    TH_CHECK(src->dtype == self->dtype, TH_ERR_TYPE, "put(): self (%s) and source (%s) must have the same dtype",
             TH_dtypeName(self->dtype), TH_dtypeName(src->dtype));
    TH_CHECK(THTensor_numel(index) == THTensor_numel(src), TH_ERR_VALUE,
             "put(): Expected source and index to have the same number of elements, but got source.numel() = %lld, "
             "index.numel() = %lld", (long long)THTensor_numel(src), (long long)THTensor_numel(index));
    IdxCtx c = {0};
    c.size = THTensor_numel(self);
    c.base = index_base;
    c.wrap = 1;
    c.alpha = 1; c.ialpha = 1;
    c.stride = TH_dtypeSize(self->dtype);
    TH_TRY(run_validate(index, &c));
    if (c.bad)
        return TH_setError(TH_ERR_INDEX, "put(): index %lld is out of bounds for a tensor with %lld elements",
                           (long long)c.badval, (long long)c.size);
    if (THTensor_numel(index) == 0) return 0;
    THLoop loop = accumulate ? scatteradd_kernel(self->dtype) : SIZE_DISPATCH(scatter_, TH_dtypeSize(self->dtype));
    TH_CHECK(loop, TH_ERR_TYPE, "put(): accumulate is not implemented for %s", TH_dtypeName(self->dtype));
    /* a non-contiguous self is updated through a contiguous copy (put addresses row-major positions) */
    THTensor *dst = THTensor_newContiguous(self);
    if (!dst) return TH_lastErrorCode();
    THTensor *srcc = src->storage && src->storage == dst->storage ? THTensor_newClone(src) : NULL;
    THTensor *s = srcc ? srcc : src;
    THTensor dv = *dst;
    dv.ndim = 0;
    THTensor *ops[3] = {&dv, index, s};
    THIter it;
    /* src may have another shape than index: both are walked in row-major order */
    THTensor sflat = *s;
    THTensor *sc = NULL;
    int st = 0;
    if (s->ndim != index->ndim || memcmp(s->size, index->size, sizeof(int64_t) * (size_t)index->ndim)) {
        sc = THTensor_newReshape(s, index->ndim, index->size);
        if (!sc) st = TH_lastErrorCode();
        else sflat = *sc;
    }
    ops[2] = &sflat;
    if (!st) st = THIter_build(&it, 3, ops, index->ndim, index->size, 1);
    if (!st) {
        THIter_run(&it, loop, &c, 0);
        if (dst != self) st = THTensor_copy(self, dst);
        else THTensor_bumpVersion(self);
    }
    THTensor_free(sc);
    THTensor_free(srcc);
    THTensor_free(dst);
    return st;
}

/* ---------------------------------------------------------------- masks */

int THTensor_maskedFill(THTensor *self, THTensor *mask, double value)
{
    const char *fn = "masked_fill";
    TH_TRY(check_dtype_ok(fn, "self", self));
    TH_TRY(check_mask(fn, mask));
    char val[8];
    TH_storeDouble(val, self->dtype, value);
    THTensor *tmp = NULL;
    if (TH_overlapsDifferently(self, mask)) {
        tmp = THTensor_newClone(mask);
        if (!tmp) return TH_lastErrorCode();
        mask = tmp;
    }
    THTensor *ops[2] = {self, mask};
    THIter it;
    int st = THIter_build(&it, 2, ops, self->ndim, self->size, 0);
    if (st) {
        char a[256], b[256];
        THTensor_free(tmp);
        return TH_setError(TH_ERR_VALUE, "masked_fill(): mask of shape %s cannot be broadcast to self of shape %s",
                           shape_str(a, sizeof a, mask), shape_str(b, sizeof b, self));
    }
    THIter_run(&it, SIZE_DISPATCH(maskedfill_, TH_dtypeSize(self->dtype)), val, it.numel >= IDX_PARALLEL_MIN);
    THTensor_bumpVersion(self);
    THTensor_free(tmp);
    return 0;
}

typedef struct { int64_t count; } CountCtx;
static void count_mask_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    CountCtx *c = vctx;
    int64_t k = 0;
    if (s[0] == 1) { const uint8_t *m = (const uint8_t *)d[0]; for (int64_t i = 0; i < n; i++) k += m[i] != 0; }
    else for (int64_t i = 0; i < n; i++) k += *(const uint8_t *)(d[0] + i * s[0]) != 0;
    c->count += k;
}

/* Number of true entries of mask broadcast to shape (counted with multiplicity). */
static int count_mask(THTensor *mask, int ndim, const int64_t *shape, int64_t *count)
{
    THIter it;
    TH_TRY(THIter_build(&it, 1, &mask, ndim, shape, -1));
    CountCtx c = {0};
    THIter_run(&it, count_mask_loop, &c, 0);
    *count = c.count;
    return 0;
}

typedef struct { char *out; int64_t k, cap; } SelectCtx;
/* row-major walk: d[0] = src, d[1] = mask; selected elements are appended to out */
#define DEFINE_MASKED_SELECT_(T, N) \
static void maskedselect_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    SelectCtx *c = vctx; \
    T *o = (T *)c->out; \
    int64_t k = c->k, cap = c->cap; \
    if (s[0] == sizeof(T) && s[1] == 1) { \
        const T *x = (const T *)d[0]; const uint8_t *m = (const uint8_t *)d[1]; \
        for (int64_t i = 0; i < n && k < cap; i++) { o[k] = x[i]; k += m[i] != 0; } \
    } else { \
        for (int64_t i = 0; i < n && k < cap; i++) { \
            o[k] = *(const T *)(d[0] + i * s[0]); \
            k += *(const uint8_t *)(d[1] + i * s[1]) != 0; \
        } \
    } \
    c->k = k; \
}
/* row-major walk: d[0] = self, d[1] = mask; selected positions take consecutive source values */
#define DEFINE_MASKED_SCATTER_(T, N) \
static void maskedscatter_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    SelectCtx *c = vctx; \
    const T *src = (const T *)c->out; \
    int64_t k = c->k; \
    for (int64_t i = 0; i < n; i++) \
        if (*(const uint8_t *)(d[1] + i * s[1])) *(T *)(d[0] + i * s[0]) = src[k++]; \
    c->k = k; \
}
TH_FORALL_ELEMSIZES(DEFINE_MASKED_SELECT_)
TH_FORALL_ELEMSIZES(DEFINE_MASKED_SCATTER_)

int THTensor_maskedSelect(THTensor *out, THTensor *src, THTensor *mask)
{
    const char *fn = "masked_select";
    TH_TRY(check_dtype_ok(fn, "self", src));
    TH_TRY(check_mask(fn, mask));
    int ndim;
    int64_t shape[TH_MAX_DIMS];
    TH_TRY(THTensor_broadcastShape(src->ndim, src->size, mask->ndim, mask->size, &ndim, shape));
    int64_t count;
    TH_TRY(count_mask(mask, ndim, shape, &count));
    THTensor *t = begin_out(out, src->dtype, 1, &count, src, mask);
    if (!t) return TH_lastErrorCode();
    int st = 0;
    if (count > 0) {
        THTensor *ops[2] = {src, mask};
        THIter it;
        st = THIter_build(&it, 2, ops, ndim, shape, -1);
        if (!st) {
            SelectCtx c = {THTensor_data(t), 0, count};
            THIter_run(&it, SIZE_DISPATCH(maskedselect_, TH_dtypeSize(src->dtype)), &c, 0);
        }
    }
    return TH_outEnd(out, t, st);
}

int THTensor_maskedScatter(THTensor *self, THTensor *mask, THTensor *src)
{
    const char *fn = "masked_scatter";
    TH_TRY(check_dtype_ok(fn, "self", self));
    TH_TRY(check_dtype_ok(fn, "source", src));
    TH_TRY(check_mask(fn, mask));
    TH_CHECK(src->dtype == self->dtype, TH_ERR_TYPE,
             "masked_scatter(): expected self and source to have the same dtype, but got self %s and source %s",
             TH_dtypeName(self->dtype), TH_dtypeName(src->dtype));
    int64_t count;
    int st = count_mask(mask, self->ndim, self->size, &count);
    if (st) {
        char a[256], b[256];
        return TH_setError(TH_ERR_VALUE, "masked_scatter(): mask of shape %s cannot be broadcast to self of shape %s",
                           shape_str(a, sizeof a, mask), shape_str(b, sizeof b, self));
    }
    TH_CHECK(THTensor_numel(src) >= count, TH_ERR_VALUE,
             "masked_scatter(): Number of elements of source < number of ones in mask (%lld < %lld)",
             (long long)THTensor_numel(src), (long long)count);
    if (count == 0) return 0;
    THTensor *flat = THTensor_newClone(src);   /* a copy also protects against aliasing self */
    if (!flat) return TH_lastErrorCode();
    THTensor *mtmp = NULL;
    if (mask->storage && mask->storage == self->storage) {
        mtmp = THTensor_newClone(mask);
        if (!mtmp) { THTensor_free(flat); return TH_lastErrorCode(); }
        mask = mtmp;
    }
    THTensor *ops[2] = {self, mask};
    THIter it;
    st = THIter_build(&it, 2, ops, self->ndim, self->size, -1);
    if (!st) {
        SelectCtx c = {THTensor_data(flat), 0, count};
        THIter_run(&it, SIZE_DISPATCH(maskedscatter_, TH_dtypeSize(self->dtype)), &c, 0);
        THTensor_bumpVersion(self);
    }
    THTensor_free(mtmp);
    THTensor_free(flat);
    return st;
}

/* ---------------------------------------------------------------- nonzero */

typedef struct {
    int64_t count, pos;            /* nonzeros so far; linear position of the next element */
    int64_t *out;
    int ndim;
    int64_t size[TH_MAX_DIMS];
    int64_t base;
} NonzeroCtx;

#define IS_NONZERO_(T, x) ((x) != (T)0)
#define DEFINE_NONZERO_(CODE, T, N) \
static void nzcount_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    NonzeroCtx *c = vctx; \
    int64_t k = 0; \
    if (s[0] == sizeof(T)) { const T *x = (const T *)d[0]; for (int64_t i = 0; i < n; i++) k += IS_NONZERO_(T, x[i]); } \
    else for (int64_t i = 0; i < n; i++) k += IS_NONZERO_(T, *(const T *)(d[0] + i * s[0])); \
    c->count += k; \
} \
static void nzwrite_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    NonzeroCtx *c = vctx; \
    for (int64_t i = 0; i < n; i++) { \
        if (IS_NONZERO_(T, *(const T *)(d[0] + i * s[0]))) { \
            /* unravel the row-major position into coordinates */ \
            int64_t rem = c->pos + i, *row = c->out + c->count * c->ndim; \
            for (int dd = c->ndim - 1; dd >= 0; dd--) { row[dd] = rem % c->size[dd] + c->base; rem /= c->size[dd]; } \
            c->count++; \
        } \
    } \
    c->pos += n; \
}
TH_FORALL_DTYPES(DEFINE_NONZERO_)

int THTensor_nonzero(THTensor *out, THTensor *src, int index_base)
{
    const char *fn = "nonzero";
    TH_TRY(check_dtype_ok(fn, "self", src));
    THLoop count_fn = NULL, write_fn = NULL;
    switch (src->dtype) {
#define CASE_(CODE, T, N) case CODE: count_fn = nzcount_##N; write_fn = nzwrite_##N; break;
    TH_FORALL_DTYPES(CASE_)
#undef CASE_
    }
    TH_CHECK(count_fn, TH_ERR_TYPE, "nonzero(): not implemented for %s", TH_dtypeName(src->dtype));
    THIter it;
    TH_TRY(THIter_build(&it, 1, &src, src->ndim, src->size, -1));
    NonzeroCtx c = {0};
    THIter_run(&it, count_fn, &c, 0);
    int64_t shape[2] = {c.count, src->ndim};
    THTensor *t = begin_out(out, TH_INT64, 2, shape, src, NULL);
    if (!t) return TH_lastErrorCode();
    if (c.count > 0 && src->ndim > 0) {
        c.out = THTensor_data(t);
        c.ndim = src->ndim;
        memcpy(c.size, src->size, sizeof(int64_t) * (size_t)src->ndim);
        c.base = index_base;
        c.count = 0;
        c.pos = 0;
        THIter_run(&it, write_fn, &c, 0);
    }
    return TH_outEnd(out, t, 0);
}
