/* Tensor headers: geometry, resizing and views (no element math here). */
#include "THGeneral.h"
#include <stdlib.h>

/* Next contiguous stride. Only tensors with a zero-size dim can make it overflow (their
 * element count is 0, so any stride is valid): saturate instead of overflowing. */
static inline int64_t stride_step(int64_t st, int64_t size)
{
    int64_t r;
    if (size <= 1) return st;
    return __builtin_mul_overflow(st, size, &r) ? INT64_MAX : r;
}

static THTensor *tensor_header(int dtype)
{
    THTensor *t = malloc(sizeof(THTensor));
    if (!t) { TH_setError(TH_ERR_MEMORY, "not enough memory for a tensor header"); return NULL; }
    t->storage = NULL;
    t->offset = 0;
    t->ndim = 1;
    t->dtype = dtype;
    t->refcount = 1;
    t->flags = 0;
    t->size[0] = 0;
    t->stride[0] = 1;
    return t;
}

THTensor *THTensor_new(int dtype)
{
    if (dtype != -1 && !TH_validDtype(dtype)) { TH_setError(TH_ERR_TYPE, "tensor: invalid dtype %d", dtype); return NULL; }
    return tensor_header(dtype);
}

static int check_sizes(const char *fn, int ndim, const int64_t *size, int64_t *numel)
{
    TH_CHECK(ndim >= 0 && ndim <= TH_MAX_DIMS, TH_ERR_VALUE,
             "%s: number of dimensions must be in [0, %d], got %d", fn, TH_MAX_DIMS, ndim);
    int64_t n = 1;
    int empty = 0;
    for (int d = 0; d < ndim; d++) {
        TH_CHECK(size[d] >= 0, TH_ERR_VALUE, "%s: size of dimension %d must be non-negative, got %lld",
                 fn, d, (long long)size[d]);
        empty |= size[d] == 0;
    }
    for (int d = 0; d < ndim && !empty; d++) {
        if (n > INT64_MAX / size[d])
            return TH_setError(TH_ERR_VALUE, "%s: the number of elements overflows 64 bits", fn);
        n *= size[d];
    }
    if (empty) n = 0;
    /* keep byte counts representable too */
    TH_CHECK(n <= INT64_MAX / 16, TH_ERR_VALUE, "%s: %lld elements is too many", fn, (long long)n);
    *numel = n;
    return 0;
}

static void set_contiguous_strides(THTensor *t)
{
    int64_t st = 1;
    for (int d = t->ndim - 1; d >= 0; d--) { t->stride[d] = st; st = stride_step(st, t->size[d]); }
}

THTensor *THTensor_newWithSize(int dtype, int ndim, const int64_t *size)
{
    if (!TH_validDtype(dtype)) { TH_setError(TH_ERR_TYPE, "tensor: invalid dtype %d", dtype); return NULL; }
    THTensor *t = tensor_header(dtype);
    if (!t) return NULL;
    if (THTensor_resize(t, ndim, size)) { THTensor_free(t); return NULL; }
    return t;
}

static int check_geometry(const char *fn, const THStorage *s, int64_t offset, int ndim,
                          const int64_t *size, const int64_t *stride)
{
    int64_t numel;
    TH_TRY(check_sizes(fn, ndim, size, &numel));
    TH_CHECK(offset >= 0, TH_ERR_VALUE, "%s: storage offset must be non-negative, got %lld", fn, (long long)offset);
    if (numel == 0) return 0;
    int64_t lo = offset;
    for (int d = 0; d < ndim; d++) {
        TH_CHECK(stride[d] >= 0, TH_ERR_VALUE, "%s: stride of dimension %d must be non-negative, got %lld",
                 fn, d, (long long)stride[d]);
    }
    /* last element's index, overflow-checked: a huge stride must not wrap into bounds */
    int64_t hi = offset;
    for (int d = 0; d < ndim; d++) {
        int64_t step;
        if (__builtin_mul_overflow(size[d] - 1, stride[d], &step) || __builtin_add_overflow(hi, step, &hi))
            return TH_setError(TH_ERR_INDEX, "%s: geometry out of bounds (stride %lld of dimension %d overflows)",
                               fn, (long long)stride[d], d);
    }
    int64_t ssize = s ? s->size : 0;
    TH_CHECK(lo >= 0 && hi < ssize, TH_ERR_INDEX,
             "%s: geometry (offset %lld, last element %lld) out of bounds for a storage of %lld elements",
             fn, (long long)offset, (long long)hi, (long long)ssize);
    return 0;
}

THTensor *THTensor_newWithStorage(THStorage *s, int64_t offset, int ndim,
                                  const int64_t *size, const int64_t *stride)
{
    if (!s) { TH_setError(TH_ERR_VALUE, "tensor: storage is NULL"); return NULL; }
    THTensor *t = tensor_header(s->dtype);
    if (!t) return NULL;
    if (THTensor_setStorage(t, s, offset, ndim, size, stride)) { THTensor_free(t); return NULL; }
    return t;
}

THTensor *THTensor_newWithData(int dtype, void *data, int64_t span,
                               void (*deleter)(void *, void *), void *ctx,
                               int ndim, const int64_t *size, const int64_t *stride)
{
    THStorage *s = THStorage_newWithData(dtype, data, span, deleter, ctx);
    if (!s) {
        if (deleter) deleter(ctx, data);   /* the caller handed data over: release it on every path */
        return NULL;
    }
    THTensor *t = THTensor_newWithStorage(s, 0, ndim, size, stride);
    THStorage_free(s);
    return t;
}

void THTensor_retain(THTensor *t)
{
    if (t) __atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED);
}

void THTensor_free(THTensor *t)
{
    if (!t) return;
    if (__atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) != 0) return;
    THStorage_free(t->storage);
    free(t);
}

int64_t THTensor_numel(const THTensor *t)
{
    int64_t n = 1;
    for (int d = 0; d < t->ndim; d++) n *= t->size[d];
    return n;
}

int THTensor_isSameSizeAs(const THTensor *a, const THTensor *b)
{
    if (a->ndim != b->ndim) return 0;
    for (int d = 0; d < a->ndim; d++)
        if (a->size[d] != b->size[d]) return 0;
    return 1;
}

int THTensor_isContiguous(const THTensor *t)
{
    int64_t expected = 1;
    for (int d = t->ndim - 1; d >= 0; d--) {
        if (t->size[d] == 0) return 1;
        if (t->size[d] == 1) continue;
        if (t->stride[d] != expected) return 0;
        expected *= t->size[d];
    }
    return 1;
}

void *THTensor_data(const THTensor *t)
{
    if (!t->storage) return NULL;
    return t->storage->data + t->offset * TH_dtypeSize(t->dtype);
}

int THTensor_resize(THTensor *t, int ndim, const int64_t *size)
{
    TH_CHECK(t, TH_ERR_VALUE, "resize: tensor is NULL");
    TH_CHECK(TH_validDtype(t->dtype), TH_ERR_TYPE, "resize: tensor has no dtype yet");
    int64_t numel;
    TH_TRY(check_sizes("resize", ndim, size, &numel));
    if (t->ndim == ndim && (t->storage || numel == 0)) {
        int same = 1;
        for (int d = 0; d < ndim; d++) if (t->size[d] != size[d]) { same = 0; break; }
        if (same) return 0;
    }
    /* memory first: a refused resize (out of memory, a foreign or guarded storage) must leave
     * the tensor's shape matching its storage, or later ops would run past its end */
    if (numel > 0 && !t->storage) {
        THStorage *s = THStorage_new(t->dtype, numel);
        if (!s) return TH_lastErrorCode();
        t->storage = s;
        t->offset = 0;
    } else if (numel > 0 && t->offset + numel > t->storage->size) {
        TH_TRY(THStorage_resize(t->storage, t->offset + numel));
    }
    t->ndim = ndim;
    for (int d = 0; d < ndim; d++) t->size[d] = size[d];
    set_contiguous_strides(t);
    return 0;
}

int THTensor_resizeAs(THTensor *t, const THTensor *like)
{
    return THTensor_resize(t, like->ndim, like->size);
}

int THTensor_setDtype(THTensor *t, int dtype)
{
    TH_CHECK(TH_validDtype(dtype), TH_ERR_TYPE, "setDtype: invalid dtype %d", dtype);
    TH_CHECK(!t->storage || t->dtype == dtype, TH_ERR_TYPE,
             "setDtype: cannot change the dtype of a tensor that holds data (%s to %s)",
             TH_dtypeName(t->dtype), TH_dtypeName(dtype));
    t->dtype = dtype;
    return 0;
}

int THTensor_set(THTensor *t, THTensor *src)
{
    if (t == src) return 0;
    if (src->storage) THStorage_retain(src->storage);
    THStorage_free(t->storage);
    t->storage = src->storage;
    t->offset = src->offset;
    t->dtype = src->dtype;
    t->ndim = src->ndim;
    memcpy(t->size, src->size, sizeof(int64_t) * (size_t)src->ndim);
    memcpy(t->stride, src->stride, sizeof(int64_t) * (size_t)src->ndim);
    return 0;
}

int THTensor_setStorage(THTensor *t, THStorage *s, int64_t offset, int ndim,
                        const int64_t *size, const int64_t *stride)
{
    int64_t cstride[TH_MAX_DIMS];
    int64_t numel;
    TH_TRY(check_sizes("set", ndim, size, &numel));
    if (!stride) {
        int64_t st = 1;
        for (int d = ndim - 1; d >= 0; d--) { cstride[d] = st; st = stride_step(st, size[d]); }
        stride = cstride;
    }
    TH_TRY(check_geometry("set", s, offset, ndim, size, stride));
    if (s) THStorage_retain(s);
    THStorage_free(t->storage);
    t->storage = s;
    if (s) t->dtype = s->dtype;
    t->offset = offset;
    t->ndim = ndim;
    for (int d = 0; d < ndim; d++) { t->size[d] = size[d]; t->stride[d] = stride[d]; }
    return 0;
}

int THTensor_bumpVersion(THTensor *t)
{
    if (t->storage) t->storage->version++;
    return 0;
}

/* ------------------------------------------------------------------ views */

THTensor *THTensor_newAlias(THTensor *t)
{
    THTensor *r = tensor_header(t->dtype);
    if (!r) return NULL;
    THTensor_set(r, t);
    return r;
}

#define CHECK_DIM(fn, t, dim, ret) do { if ((dim) < 0 || (dim) >= (t)->ndim) { \
    TH_setError(TH_ERR_INDEX, "%s: dimension %d out of range (expected to be in range of [0, %d] for a %d-D tensor)", \
                fn, (dim), (t)->ndim - 1, (t)->ndim); return ret; } } while (0)

THTensor *THTensor_newNarrow(THTensor *t, int dim, int64_t start, int64_t length)
{
    CHECK_DIM("narrow", t, dim, NULL);
    if (start < 0 || length < 0 || start > t->size[dim] || length > t->size[dim] - start) {
        TH_setError(TH_ERR_INDEX, "narrow: start %lld and length %lld out of range for dimension %d of size %lld",
                    (long long)start, (long long)length, dim, (long long)t->size[dim]);
        return NULL;
    }
    THTensor *r = THTensor_newAlias(t);
    if (!r) return NULL;
    r->offset += start * t->stride[dim];
    r->size[dim] = length;
    return r;
}

THTensor *THTensor_newSelect(THTensor *t, int dim, int64_t index)
{
    CHECK_DIM("select", t, dim, NULL);
    if (index < 0 || index >= t->size[dim]) {
        TH_setError(TH_ERR_INDEX, "select: index %lld out of range for dimension %d of size %lld",
                    (long long)index, dim, (long long)t->size[dim]);
        return NULL;
    }
    THTensor *r = THTensor_newAlias(t);
    if (!r) return NULL;
    r->offset += index * t->stride[dim];
    for (int d = dim; d < t->ndim - 1; d++) { r->size[d] = t->size[d + 1]; r->stride[d] = t->stride[d + 1]; }
    r->ndim--;
    return r;
}

THTensor *THTensor_newTranspose(THTensor *t, int dim0, int dim1)
{
    CHECK_DIM("transpose", t, dim0, NULL);
    CHECK_DIM("transpose", t, dim1, NULL);
    THTensor *r = THTensor_newAlias(t);
    if (!r) return NULL;
    r->size[dim0] = t->size[dim1]; r->stride[dim0] = t->stride[dim1];
    r->size[dim1] = t->size[dim0]; r->stride[dim1] = t->stride[dim0];
    return r;
}

THTensor *THTensor_newPermute(THTensor *t, int ndim, const int *dims)
{
    if (ndim != t->ndim) {
        TH_setError(TH_ERR_VALUE, "permute: number of dims don't match (got %d dims for a %d-D tensor)", ndim, t->ndim);
        return NULL;
    }
    int seen[TH_MAX_DIMS] = {0};
    for (int i = 0; i < ndim; i++) {
        CHECK_DIM("permute", t, dims[i], NULL);
        if (seen[dims[i]]++) { TH_setError(TH_ERR_VALUE, "permute: dimension %d repeats in dims", dims[i]); return NULL; }
    }
    THTensor *r = THTensor_newAlias(t);
    if (!r) return NULL;
    for (int i = 0; i < ndim; i++) { r->size[i] = t->size[dims[i]]; r->stride[i] = t->stride[dims[i]]; }
    return r;
}

/* Resolve one -1 entry against numel; error names the shape. */
static int infer_size(const char *fn, int64_t numel, int ndim, const int64_t *size, int64_t *out)
{
    TH_CHECK(ndim >= 0 && ndim <= TH_MAX_DIMS, TH_ERR_VALUE, "%s: number of dimensions must be in [0, %d], got %d",
             fn, TH_MAX_DIMS, ndim);
    int infer = -1;
    int64_t prod = 1;
    for (int d = 0; d < ndim; d++) {
        if (size[d] == -1) {
            TH_CHECK(infer < 0, TH_ERR_VALUE, "%s: only one dimension can be inferred (-1)", fn);
            infer = d;
        } else {
            TH_CHECK(size[d] >= 0, TH_ERR_VALUE, "%s: invalid shape dimension %lld", fn, (long long)size[d]);
            if (size[d] && prod > INT64_MAX / size[d]) return TH_setError(TH_ERR_VALUE, "%s: shape overflows", fn);
            prod *= size[d];
        }
        out[d] = size[d];
    }
    if (infer >= 0) {
        TH_CHECK(prod != 0 && numel % prod == 0, TH_ERR_VALUE,
                 "%s: shape is invalid for input of size %lld (cannot infer the -1 dimension)", fn, (long long)numel);
        out[infer] = numel / prod;
    } else {
        TH_CHECK(prod == numel, TH_ERR_VALUE, "%s: shape of %lld elements is invalid for input of size %lld",
                 fn, (long long)prod, (long long)numel);
    }
    return 0;
}

/* PyTorch's computeStride: strides for viewing t with a new shape without copying,
 * or 0 if the memory layout does not allow it. */
static int compute_view_strides(const THTensor *t, int ndim, const int64_t *newsize, int64_t *newstride)
{
    int64_t numel = THTensor_numel(t);
    if (numel == 0) {
        if (ndim == t->ndim && memcmp(newsize, t->size, sizeof(int64_t) * (size_t)ndim) == 0) {
            memcpy(newstride, t->stride, sizeof(int64_t) * (size_t)ndim);  /* PyTorch keeps the strides */
            return 1;
        }
        int64_t st = 1;
        for (int d = ndim - 1; d >= 0; d--) { newstride[d] = st; st = stride_step(st, newsize[d]); }
        return 1;
    }
    if (t->ndim == 0) {
        for (int d = 0; d < ndim; d++) newstride[d] = 1;
        return 1;
    }
    int view_d = ndim - 1;
    int64_t chunk_base_stride = t->stride[t->ndim - 1];
    int64_t tensor_numel = 1, view_numel = 1;
    for (int td = t->ndim - 1; td >= 0; td--) {
        tensor_numel *= t->size[td];
        if (td == 0 || (t->size[td - 1] != 1 && t->stride[td - 1] != tensor_numel * chunk_base_stride)) {
            while (view_d >= 0 && (view_numel < tensor_numel || newsize[view_d] == 1)) {
                newstride[view_d] = view_numel * chunk_base_stride;
                view_numel *= newsize[view_d];
                view_d--;
            }
            if (view_numel != tensor_numel) return 0;
            if (td > 0) { chunk_base_stride = t->stride[td - 1]; tensor_numel = 1; view_numel = 1; }
        }
    }
    return view_d == -1;
}

THTensor *THTensor_newView(THTensor *t, int ndim, const int64_t *size)
{
    int64_t shape[TH_MAX_DIMS], stride[TH_MAX_DIMS];
    if (infer_size("view", THTensor_numel(t), ndim, size, shape)) return NULL;
    if (!compute_view_strides(t, ndim, shape, stride)) {
        TH_setError(TH_ERR_RUNTIME, "view size is not compatible with input tensor's size and stride (at least one "
                    "dimension spans across two contiguous subspaces). Use reshape instead.");
        return NULL;
    }
    THTensor *r = THTensor_newAlias(t);
    if (!r) return NULL;
    r->ndim = ndim;
    for (int d = 0; d < ndim; d++) { r->size[d] = shape[d]; r->stride[d] = stride[d]; }
    return r;
}

THTensor *THTensor_newReshape(THTensor *t, int ndim, const int64_t *size)
{
    int64_t shape[TH_MAX_DIMS], stride[TH_MAX_DIMS];
    if (infer_size("reshape", THTensor_numel(t), ndim, size, shape)) return NULL;
    if (compute_view_strides(t, ndim, shape, stride)) return THTensor_newView(t, ndim, shape);
    THTensor *c = THTensor_newClone(t);
    if (!c) return NULL;
    THTensor *r = THTensor_newView(c, ndim, shape);
    THTensor_free(c);
    return r;
}

THTensor *THTensor_newExpand(THTensor *t, int ndim, const int64_t *size)
{
    if (ndim < t->ndim || ndim > TH_MAX_DIMS) {
        TH_setError(TH_ERR_VALUE, "expand: the number of sizes provided (%d) must be greater or equal to the number "
                    "of dimensions in the tensor (%d)", ndim, t->ndim);
        return NULL;
    }
    THTensor *r = THTensor_newAlias(t);
    if (!r) return NULL;
    int lead = ndim - t->ndim;
    for (int d = ndim - 1; d >= 0; d--) {
        int od = d - lead;
        int64_t want = size[d];
        if (od < 0) {
            if (want < 0) {
                TH_setError(TH_ERR_VALUE, "expand: the expanded size %lld is not allowed in a leading, non-existing dimension %d",
                            (long long)want, d);
                THTensor_free(r); return NULL;
            }
            r->size[d] = want; r->stride[d] = 0;
        } else {
            int64_t have = t->size[od];
            if (want == -1) want = have;
            if (have == want) { r->size[d] = have; r->stride[d] = t->stride[od]; }
            else if (have == 1 && want >= 0) { r->size[d] = want; r->stride[d] = 0; }
            else {
                TH_setError(TH_ERR_VALUE, "expand: the expanded size of the tensor (%lld) must match the existing size "
                            "(%lld) at non-singleton dimension %d", (long long)want, (long long)have, d);
                THTensor_free(r); return NULL;
            }
        }
    }
    r->ndim = ndim;
    int64_t numel;
    if (check_sizes("expand", ndim, r->size, &numel)) { THTensor_free(r); return NULL; }
    return r;
}

THTensor *THTensor_newUnfold(THTensor *t, int dim, int64_t size, int64_t step)
{
    int ndim0 = t->ndim == 0 ? 1 : t->ndim;
    if (dim < 0 || dim >= ndim0) {
        TH_setError(TH_ERR_INDEX, "unfold: dimension %d out of range for a %d-D tensor", dim, t->ndim);
        return NULL;
    }
    int64_t dsize = t->ndim == 0 ? 1 : t->size[dim];
    int64_t dstride = t->ndim == 0 ? 1 : t->stride[dim];
    if (t->ndim + 1 > TH_MAX_DIMS) { TH_setError(TH_ERR_VALUE, "unfold: at most %d dimensions are supported", TH_MAX_DIMS); return NULL; }
    if (size < 0 || size > dsize) {
        TH_setError(TH_ERR_VALUE, "unfold: size %lld exceeds the size %lld of dimension %d", (long long)size, (long long)dsize, dim);
        return NULL;
    }
    if (step <= 0) { TH_setError(TH_ERR_VALUE, "unfold: step must be positive, got %lld", (long long)step); return NULL; }
    THTensor *r = THTensor_newAlias(t);
    if (!r) return NULL;
    if (t->ndim == 0) {  /* PyTorch: a 0-dim tensor unfolds to shape (size,) */
        r->ndim = 1; r->size[0] = size; r->stride[0] = 1;
        return r;
    }
    r->size[r->ndim] = size;
    r->stride[r->ndim] = dstride;
    r->size[dim] = (dsize - size) / step + 1;
    /* step * dstride overflows only for a step past the end, which leaves one window (stride unused) */
    if (__builtin_mul_overflow(step, dstride, &r->stride[dim])) r->stride[dim] = dstride;
    r->ndim++;
    return r;
}

THTensor *THTensor_newSqueeze(THTensor *t)
{
    THTensor *r = THTensor_newAlias(t);
    if (!r) return NULL;
    int k = 0;
    for (int d = 0; d < t->ndim; d++)
        if (t->size[d] != 1) { r->size[k] = t->size[d]; r->stride[k] = t->stride[d]; k++; }
    r->ndim = k;
    return r;
}

THTensor *THTensor_newSqueezeDim(THTensor *t, int dim)
{
    if (t->ndim == 0 && (dim == 0 || dim == -1)) return THTensor_newAlias(t);
    CHECK_DIM("squeeze", t, dim, NULL);
    if (t->size[dim] != 1) return THTensor_newAlias(t);
    THTensor *r = THTensor_newAlias(t);
    if (!r) return NULL;
    for (int d = dim; d < t->ndim - 1; d++) { r->size[d] = t->size[d + 1]; r->stride[d] = t->stride[d + 1]; }
    r->ndim--;
    return r;
}

THTensor *THTensor_newUnsqueeze(THTensor *t, int dim)
{
    if (dim < 0 || dim > t->ndim) {
        TH_setError(TH_ERR_INDEX, "unsqueeze: dimension %d out of range (expected to be in range of [0, %d])", dim, t->ndim);
        return NULL;
    }
    if (t->ndim + 1 > TH_MAX_DIMS) { TH_setError(TH_ERR_VALUE, "unsqueeze: at most %d dimensions are supported", TH_MAX_DIMS); return NULL; }
    THTensor *r = THTensor_newAlias(t);
    if (!r) return NULL;
    for (int d = t->ndim; d > dim; d--) { r->size[d] = t->size[d - 1]; r->stride[d] = t->stride[d - 1]; }
    r->size[dim] = 1;
    r->stride[dim] = dim < t->ndim ? t->size[dim] * t->stride[dim] : 1;
    r->ndim++;
    return r;
}

THTensor *THTensor_newFlatten(THTensor *t, int start_dim, int end_dim)
{
    if (t->ndim == 0) {
        int64_t one = 1;
        return THTensor_newReshape(t, 1, &one);
    }
    if (start_dim < 0 || start_dim >= t->ndim || end_dim < 0 || end_dim >= t->ndim) {
        TH_setError(TH_ERR_INDEX, "flatten: dimensions [%d, %d] out of range for a %d-D tensor", start_dim, end_dim, t->ndim);
        return NULL;
    }
    if (start_dim > end_dim) { TH_setError(TH_ERR_VALUE, "flatten: start_dim (%d) cannot come after end_dim (%d)", start_dim, end_dim); return NULL; }
    int64_t shape[TH_MAX_DIMS];
    int k = 0;
    for (int d = 0; d < start_dim; d++) shape[k++] = t->size[d];
    int64_t p = 1;
    for (int d = start_dim; d <= end_dim; d++)
        if (__builtin_mul_overflow(p, t->size[d], &p)) {   /* possible when another dim is 0 */
            TH_setError(TH_ERR_VALUE, "flatten: the product of dimensions %d..%d overflows 64 bits", start_dim, end_dim);
            return NULL;
        }
    shape[k++] = p;
    for (int d = end_dim + 1; d < t->ndim; d++) shape[k++] = t->size[d];
    return THTensor_newReshape(t, k, shape);
}

THTensor *THTensor_newDiagonal(THTensor *t, int64_t offset, int dim0, int dim1)
{
    CHECK_DIM("diagonal", t, dim0, NULL);
    CHECK_DIM("diagonal", t, dim1, NULL);
    if (dim0 == dim1) { TH_setError(TH_ERR_VALUE, "diagonal: dimensions cannot be identical %d, %d", dim0, dim1); return NULL; }
    int64_t n;
    int64_t off = t->offset;
    if (offset >= 0) {
        n = t->size[dim0] < t->size[dim1] - offset ? t->size[dim0] : t->size[dim1] - offset;
        if (n > 0) off += offset * t->stride[dim1];
    } else {
        n = t->size[dim0] + offset < t->size[dim1] ? t->size[dim0] + offset : t->size[dim1];
        if (n > 0) off -= offset * t->stride[dim0];
    }
    if (n < 0) n = 0;
    THTensor *r = THTensor_newAlias(t);
    if (!r) return NULL;
    int k = 0;
    for (int d = 0; d < t->ndim; d++)
        if (d != dim0 && d != dim1) { r->size[k] = t->size[d]; r->stride[k] = t->stride[d]; k++; }
    r->size[k] = n;
    r->stride[k] = t->stride[dim0] + t->stride[dim1];
    r->ndim = k + 1;
    r->offset = n > 0 ? off : t->offset;
    return r;
}

THTensor *THTensor_newAsStrided(THTensor *t, int ndim, const int64_t *size, const int64_t *stride, int64_t offset)
{
    THTensor *r = THTensor_new(t->dtype);
    if (!r) return NULL;
    if (t->storage) {
        if (THTensor_setStorage(r, t->storage, offset, ndim, size, stride)) { THTensor_free(r); return NULL; }
    } else {
        int64_t n;
        if (check_sizes("as_strided", ndim, size, &n)) { THTensor_free(r); return NULL; }
        if (n != 0) { TH_setError(TH_ERR_INDEX, "as_strided: tensor has no storage"); THTensor_free(r); return NULL; }
        r->ndim = ndim;
        for (int d = 0; d < ndim; d++) { r->size[d] = size[d]; r->stride[d] = stride[d]; }
    }
    return r;
}

THTensor *THTensor_newContiguous(THTensor *t)
{
    if (THTensor_isContiguous(t)) { THTensor_retain(t); return t; }
    return THTensor_newClone(t);
}

THTensor *THTensor_newClone(THTensor *t)
{
    return THTensor_newCast(t, t->dtype);
}

THTensor *THTensor_newCast(THTensor *t, int dtype)
{
    THTensor *r = THTensor_newWithSize(dtype, t->ndim, t->size);
    if (!r) return NULL;
    if (THTensor_copy(r, t)) { THTensor_free(r); return NULL; }
    return r;
}

int THTensor_broadcastShape(int na, const int64_t *a, int nb, const int64_t *b, int *nout, int64_t *out)
{
    int n = na > nb ? na : nb;
    TH_CHECK(n <= TH_MAX_DIMS, TH_ERR_VALUE, "broadcast: too many dimensions (%d)", n);
    for (int i = 0; i < n; i++) {
        int ia = na - n + i, ib = nb - n + i;
        int64_t sa = ia >= 0 ? a[ia] : 1, sb = ib >= 0 ? b[ib] : 1;
        if (sa == sb || sb == 1) out[i] = sa;
        else if (sa == 1) out[i] = sb;
        else return TH_setError(TH_ERR_VALUE,
                                "The size of tensor a (%lld) must match the size of tensor b (%lld) at non-singleton dimension %d",
                                (long long)sa, (long long)sb, i);
    }
    *nout = n;
    return 0;
}
