/* Construction and shape ops: cat, stack, arange, linspace, logspace, eye, diag, tril,
 * triu, trace, cross, histc, renorm, flip, roll, repeat. Data movement goes through
 * THTensor_copy on views of the output (which runs on THIter); the few computing
 * kernels run on THIter too. */
#include "THIter.h"
#include <stdlib.h>
#include <stdio.h>

/* ------------------------------------------------------------------ helpers */

/* Decide out's dtype and pick where the op writes: out itself, or a fresh temporary
 * when out holds an input's elements (TH_outEnd copies it back); partial overlaps and
 * self-aliasing outputs are refused (TH_checkOut). ndim/shape: the result's. When allow_same, out == ins[0] is fine
 * (in-place ops that read each element before writing it). The caller resizes the
 * result with TH_prepareOut. Returns NULL on error. */
static THTensor *out_begin(THTensor *out, int dtype, int ndim, const int64_t *shape, int n, THTensor *const *ins,
                           int allow_same)
{
    int full;
    if (TH_checkOut(out, ndim, shape, n, ins, &full)) return NULL;
    if (out->dtype < 0 && THTensor_setDtype(out, dtype)) return NULL;
    if (full == 2 || (full && !(allow_same && n == 1))) return THTensor_new(out->dtype);
    THTensor_retain(out);
    return out;
}

static const char *dims_str(const THTensor *t, char *buf, size_t n)
{
    size_t k = (size_t)snprintf(buf, n, "[");
    for (int d = 0; d < t->ndim && k < n; d++)
        k += (size_t)snprintf(buf + k, n - k, "%s%lld", d ? ", " : "", (long long)t->size[d]);
    if (k < n) snprintf(buf + k, n - k, "]");
    return buf;
}

static int computable(const char *fn, int dtype)
{
    TH_CHECK(TH_validDtype(dtype) && dtype != TH_FLOAT16, TH_ERR_TYPE,
             "%s: not implemented for '%s'", fn, TH_validDtype(dtype) ? TH_dtypeName(dtype) : "undecided dtype");
    return 0;
}

/* ------------------------------------------------------------------ cat / stack */

/* Torch7/PyTorch legacy: 1-D tensors of size 0 take no part in cat. */
static int cat_skipped(const THTensor *t) { return t->ndim == 1 && t->size[0] == 0; }

/* Concatenate inputs along dim (copies into narrowed views of out). */
int THTensor_cat(THTensor *out, int n, THTensor **inputs, int dim)
{
    TH_CHECK(out, TH_ERR_VALUE, "cat(): output tensor is NULL");
    TH_CHECK(n > 0, TH_ERR_VALUE, "cat(): expected a non-empty list of Tensors");
    int dtype = -1, ref = -1;
    for (int i = 0; i < n; i++) {
        TH_CHECK(inputs[i], TH_ERR_VALUE, "cat(): tensor number %d in the list is NULL", i);
        TH_CHECK(inputs[i]->ndim > 0, TH_ERR_RUNTIME,
                 "cat(): zero-dimensional tensor (at position %d) cannot be concatenated", i);
        dtype = dtype < 0 ? inputs[i]->dtype : TH_promoteTypes(dtype, inputs[i]->dtype);
        if (ref < 0 && !cat_skipped(inputs[i])) ref = i;
    }
    if (ref < 0) {
        int64_t zero = 0;
        THTensor *res = out_begin(out, dtype, 1, &zero, n, inputs, 0);
        if (!res) return TH_lastErrorCode();
        return TH_outEnd(out, res, TH_prepareOut(res, res->dtype, 1, &zero));
    }
    const THTensor *r = inputs[ref];
    TH_CHECK(dim >= 0 && dim < r->ndim, TH_ERR_INDEX,
             "cat(): dimension %d out of range (expected to be in range of [0, %d])", dim, r->ndim - 1);
    int64_t shape[TH_MAX_DIMS];
    memcpy(shape, r->size, sizeof(int64_t) * (size_t)r->ndim);
    shape[dim] = 0;
    for (int i = 0; i < n; i++) {
        const THTensor *t = inputs[i];
        if (cat_skipped(t)) continue;
        TH_CHECK(t->ndim == r->ndim, TH_ERR_RUNTIME,
                 "cat(): Tensors must have same number of dimensions: got %d and %d", r->ndim, t->ndim);
        for (int d = 0; d < r->ndim; d++)
            TH_CHECK(d == dim || t->size[d] == r->size[d], TH_ERR_RUNTIME,
                     "cat(): Sizes of tensors must match except in dimension %d. Expected size %lld but got "
                     "size %lld for tensor number %d in the list.", dim, (long long)r->size[d],
                     (long long)t->size[d], i);
        TH_CHECK(!__builtin_add_overflow(shape[dim], t->size[dim], &shape[dim]), TH_ERR_VALUE,
                 "cat(): the total size of dimension %d overflows 64 bits", dim);
    }
    THTensor *res = out_begin(out, dtype, r->ndim, shape, n, inputs, 0);
    if (!res) return TH_lastErrorCode();
    int st = TH_prepareOut(res, res->dtype, r->ndim, shape);
    int64_t pos = 0;
    for (int i = 0; i < n && !st; i++) {
        if (cat_skipped(inputs[i])) continue;
        int64_t len = inputs[i]->size[dim];
        if (len == 0) continue;
        THTensor *v = THTensor_newNarrow(res, dim, pos, len);
        st = v ? THTensor_copy(v, inputs[i]) : TH_lastErrorCode();
        THTensor_free(v);
        pos += len;
    }
    if (!st) THTensor_bumpVersion(res);
    return TH_outEnd(out, res, st);
}

/* Stack equal-shaped inputs along a new dimension dim (cat of unsqueezed views). */
int THTensor_stack(THTensor *out, int n, THTensor **inputs, int dim)
{
    TH_CHECK(n > 0, TH_ERR_RUNTIME, "stack expects a non-empty TensorList");
    for (int i = 0; i < n; i++) TH_CHECK(inputs[i], TH_ERR_VALUE, "stack(): tensor %d in the list is NULL", i);
    const THTensor *r = inputs[0];
    TH_CHECK(dim >= 0 && dim <= r->ndim, TH_ERR_INDEX,
             "stack(): dimension %d out of range (expected to be in range of [0, %d])", dim, r->ndim);
    TH_CHECK(r->ndim < TH_MAX_DIMS, TH_ERR_VALUE, "stack(): at most %d dimensions are supported", TH_MAX_DIMS);
    for (int i = 1; i < n; i++) {
        const THTensor *t = inputs[i];
        int same = t->ndim == r->ndim;
        for (int d = 0; same && d < r->ndim; d++) same = t->size[d] == r->size[d];
        if (!same) {
            char b0[256], b1[256];
            return TH_setError(TH_ERR_RUNTIME, "stack expects each tensor to be equal size, but got %s at entry 0 "
                               "and %s at entry %d", dims_str(r, b0, sizeof b0), dims_str(t, b1, sizeof b1), i);
        }
    }
    THTensor **views = calloc((size_t)n, sizeof(THTensor *));
    TH_CHECK(views, TH_ERR_MEMORY, "stack(): out of memory");
    int st = 0;
    for (int i = 0; i < n && !st; i++) {
        views[i] = THTensor_newUnsqueeze(inputs[i], dim);
        if (!views[i]) st = TH_lastErrorCode();
    }
    if (!st) st = THTensor_cat(out, n, views, dim);
    for (int i = 0; i < n; i++) THTensor_free(views[i]);
    free(views);
    return st;
}

/* ------------------------------------------------------------------ ranges */

typedef struct { double start, step, end, logbase; int64_t istart, istep, n, half; char *base; int dt; } RangeCtx;

/* Arithmetic sequences: the element index comes from the pointer (out is contiguous).
 * The value is start + k*step with k = i0 + i; i runs as int32 in blocks so the
 * int -> double conversion vectorises (k0 + i is exact below 2^53). */
#define DEFINE_RANGE_(CODE, T, N) \
__attribute__((target_clones("avx2", "default"))) \
static void arange_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    const RangeCtx *c = vctx; \
    int64_t i0 = (d[0] - c->base) / (int64_t)sizeof(T); \
    T *o = (T *)d[0]; (void)s; \
    if (TH_isIntegral(CODE)) { \
        int64_t v0 = c->istart + i0 * c->istep, st = c->istep; \
        for (int64_t i = 0; i < n; i++) o[i] = (T)(v0 + i * st); \
        return; \
    } \
    double start = c->start, step = c->step; \
    for (int64_t b = 0; b < n; b += (1 << 30)) { \
        int32_t m = (int32_t)(n - b < (1 << 30) ? n - b : (1 << 30)); \
        double k0 = (double)(i0 + b); \
        T *ob = o + b; \
        for (int32_t i = 0; i < m; i++) ob[i] = (T)(start + (k0 + (double)i) * step); \
    } \
}
TH_FORALL_DTYPES(DEFINE_RANGE_)

static THLoop range_kernel(int dt)
{
    switch (dt) {
#define CASE_(CODE, T, N) case CODE: return arange_##N;
    TH_FORALL_DTYPES(CASE_)
#undef CASE_
    }
    return NULL;
}

/* Fill a contiguous tensor by kernel (or a temporary when out is not contiguous). */
static int fill_indexed(THTensor *out, THLoop fn, RangeCtx *c)
{
    THTensor *res = out;
    if (!THTensor_isContiguous(out)) {
        res = THTensor_newWithSize(out->dtype, out->ndim, out->size);
        if (!res) return TH_lastErrorCode();
    }
    int st = 0;
    if (THTensor_numel(res)) {
        THIter it;
        c->base = THTensor_data(res);
        st = THIter_build(&it, 1, &res, res->ndim, res->size, 0);
        if (!st) THIter_run(&it, fn, c, 1);
    }
    if (res != out) {
        if (!st) st = THTensor_copy(out, res);
        THTensor_free(res);
    } else THTensor_bumpVersion(out);
    return st;
}

/* PyTorch arange ([start, end)) or Torch7 range ([start, end]) into a 1-D out. */
int THTensor_arange(THTensor *out, double start, double end, double step, int inclusive)
{
    const char *fn = inclusive ? "range" : "arange";
    TH_CHECK(out, TH_ERR_VALUE, "%s: output tensor is NULL", fn);
    if (out->dtype < 0) TH_TRY(THTensor_setDtype(out, TH_FLOAT32));
    TH_TRY(computable(fn, out->dtype));
    TH_CHECK(out->dtype != TH_BOOL, TH_ERR_TYPE, "%s: not implemented for 'bool'", fn);
    int integral = TH_isIntegral(out->dtype);
    RangeCtx c;
    memset(&c, 0, sizeof c);
    double size_d;
    TH_CHECK(step != 0, TH_ERR_RUNTIME, "step must be nonzero");
    TH_CHECK(isfinite(start) && isfinite(end), TH_ERR_RUNTIME, "unsupported range: %g -> %g", start, end);
    TH_CHECK(!isnan(step), TH_ERR_RUNTIME, "%s: step must be a number, got nan", fn);
    if (integral) {
        /* integer results use int64 arithmetic on the truncated bounds, like PyTorch */
        TH_CHECK(fabs(start) < 9.2e18 && fabs(end) < 9.2e18 && fabs(step) < 9.2e18, TH_ERR_RUNTIME,
                 "%s: bounds out of the int64 range", fn);
        int64_t s = (int64_t)start, e = (int64_t)end, st = (int64_t)step;
        TH_CHECK(st != 0, TH_ERR_RUNTIME, "step must be nonzero");
        TH_CHECK((st > 0 && e >= s) || (st < 0 && e <= s), TH_ERR_RUNTIME,
                 "upper bound and lower bound inconsistent with step sign");
        int64_t sgn = st > 0 ? 1 : -1;
        size_d = inclusive ? (double)((e - s) / st + 1) : (double)((e - s + st - sgn) / st);
        c.istart = s; c.istep = st;
    } else {
        TH_CHECK(step != 0, TH_ERR_RUNTIME, "step must be nonzero");
        TH_CHECK((step > 0 && end >= start) || (step < 0 && end <= start), TH_ERR_RUNTIME,
                 "upper bound and lower bound inconsistent with step sign");
        size_d = inclusive ? floor((end - start) / step) + 1 : ceil((end - start) / step);
        c.start = start; c.step = step;
    }
    TH_CHECK(size_d >= 0 && size_d <= 4.0e18, TH_ERR_RUNTIME,
             "invalid size, possible overflow? (%s from %g to %g by %g)", fn, start, end, step);
    int64_t size = (int64_t)size_d;
    TH_TRY(TH_prepareOut(out, out->dtype, 1, &size));
    return fill_indexed(out, range_kernel(out->dtype), &c);
}

/* PyTorch's symmetric linspace: the first half counts up from start, the second half
 * down from end, so both ends are exact. Float32 steps in float, like PyTorch. */
#define DEFINE_LINSPACE_(CODE, T, N) \
static void linspace_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    const RangeCtx *c = vctx; (void)s; \
    int64_t i0 = (d[0] - c->base) / (int64_t)sizeof(T); \
    T *o = (T *)d[0]; \
    if (CODE == TH_FLOAT32) { \
        float st = (float)c->start, en = (float)c->end, step = (float)c->step; \
        for (int64_t i = 0; i < n; i++) { int64_t k = i0 + i; \
            o[i] = (T)(k < c->half ? st + step * (float)k : en - step * (float)(c->n - k - 1)); } \
    } else if (TH_isIntegral(CODE)) { \
        T st = (T)c->istart, en = (T)c->istep; \
        for (int64_t i = 0; i < n; i++) { int64_t k = i0 + i; \
            o[i] = (T)(k < c->half ? st + c->step * (double)k : en - c->step * (double)(c->n - k - 1)); } \
    } else { \
        for (int64_t i = 0; i < n; i++) { int64_t k = i0 + i; \
            o[i] = (T)(k < c->half ? c->start + c->step * (double)k : c->end - c->step * (double)(c->n - k - 1)); } \
    } \
}
TH_FORALL_DTYPES(DEFINE_LINSPACE_)

/* logspace: base ** (PyTorch's symmetric exponents), in double. */
static void logspace_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const RangeCtx *c = vctx;
    int es = TH_dtypeSize(c->dt);
    int64_t i0 = (d[0] - c->base) / es;
    for (int64_t i = 0; i < n; i++) {
        int64_t k = i0 + i;
        double e = k < c->half ? c->start + c->step * (double)k : c->end - c->step * (double)(c->n - k - 1);
        double v = pow(c->logbase, e);
        char *q = d[0] + i * s[0];
        if (TH_isIntegral(c->dt)) TH_storeInt64(q, c->dt, (int64_t)v);
        else TH_storeDouble(q, c->dt, v);
    }
}

static int check_steps(const char *fn, THTensor *out, int64_t steps)
{
    TH_CHECK(out, TH_ERR_VALUE, "%s: output tensor is NULL", fn);
    TH_CHECK(steps >= 0, TH_ERR_RUNTIME, "%s: number of steps must be non-negative, got %lld", fn, (long long)steps);
    if (out->dtype < 0) TH_TRY(THTensor_setDtype(out, TH_FLOAT32));
    TH_TRY(computable(fn, out->dtype));
    TH_CHECK(out->dtype != TH_BOOL, TH_ERR_TYPE, "%s: not implemented for 'bool'", fn);
    return TH_prepareOut(out, out->dtype, 1, &steps);
}

/* steps evenly spaced values from start to end inclusive. */
int THTensor_linspace(THTensor *out, double start, double end, int64_t steps)
{
    TH_TRY(check_steps("linspace", out, steps));
    if (steps == 0) return 0;
    if (steps == 1) return THTensor_fill(out, start);
    RangeCtx c;
    memset(&c, 0, sizeof c);
    c.n = steps; c.half = steps / 2; c.start = start; c.end = end;
    if (out->dtype == TH_FLOAT32) c.step = (double)(((float)end - (float)start) / (float)(steps - 1));
    else if (TH_isIntegral(out->dtype)) {
        /* PyTorch converts the bounds to the integer type first, steps in double */
        char b0[8], b1[8];
        TH_storeDouble(b0, out->dtype, start); TH_storeDouble(b1, out->dtype, end);
        c.istart = TH_loadInt64(b0, out->dtype); c.istep = TH_loadInt64(b1, out->dtype);
        c.step = ((double)c.istep - (double)c.istart) / (double)(steps - 1);
    } else c.step = (end - start) / (double)(steps - 1);
    THLoop fn = NULL;
    switch (out->dtype) {
#define CASE_(CODE, T, N) case CODE: fn = linspace_##N; break;
    TH_FORALL_DTYPES(CASE_)
#undef CASE_
    }
    return fill_indexed(out, fn, &c);
}

/* base ** linspace(start, end, steps). */
int THTensor_logspace(THTensor *out, double start, double end, int64_t steps, double base)
{
    TH_TRY(check_steps("logspace", out, steps));
    if (steps == 0) return 0;
    if (steps == 1) {
        double v = pow(base, start);
        return TH_isIntegral(out->dtype) ? THTensor_fillInt(out, (int64_t)v) : THTensor_fill(out, v);
    }
    if (TH_isIntegral(out->dtype)) {
        char b0[8], b1[8];
        TH_storeDouble(b0, out->dtype, start); TH_storeDouble(b1, out->dtype, end);
        start = (double)TH_loadInt64(b0, out->dtype); end = (double)TH_loadInt64(b1, out->dtype);
    } else if (out->dtype == TH_FLOAT32) {
        start = (float)start; end = (float)end;
    }
    RangeCtx c;
    memset(&c, 0, sizeof c);
    c.start = start; c.end = end; c.step = (end - start) / (double)(steps - 1);
    c.n = steps; c.half = steps / 2; c.logbase = base; c.dt = out->dtype;
    return fill_indexed(out, logspace_loop, &c);
}

/* ------------------------------------------------------------------ eye / diag / tril / triu / trace */

/* n x m identity (zeros, then ones on a diagonal view). */
int THTensor_eye(THTensor *out, int64_t n, int64_t m)
{
    TH_CHECK(out, TH_ERR_VALUE, "eye: output tensor is NULL");
    TH_CHECK(n >= 0, TH_ERR_RUNTIME, "eye: n must be greater or equal to 0, got %lld", (long long)n);
    TH_CHECK(m >= 0, TH_ERR_RUNTIME, "eye: m must be greater or equal to 0, got %lld", (long long)m);
    if (out->dtype < 0) TH_TRY(THTensor_setDtype(out, TH_FLOAT32));
    int64_t shape[2] = {n, m};
    TH_TRY(TH_prepareOut(out, out->dtype, 2, shape));
    TH_TRY(THTensor_zero(out));
    THTensor *dg = THTensor_newDiagonal(out, 0, 0, 1);
    if (!dg) return TH_lastErrorCode();
    int st = THTensor_fillInt(dg, 1);
    THTensor_free(dg);
    return st;
}

/* 1-D a: square matrix with a on diagonal k; 2-D a: its diagonal k as a vector. */
int THTensor_diag(THTensor *out, THTensor *a, int64_t k)
{
    TH_CHECK(a, TH_ERR_VALUE, "diag(): input is NULL");
    TH_CHECK(a->ndim == 1 || a->ndim == 2, TH_ERR_RUNTIME, "diag(): Supports 1D or 2D tensors. Got %dD", a->ndim);
    int64_t shape[2];
    THTensor *dg = NULL;
    if (a->ndim == 1) {
        /* |k| + size must not overflow (-INT64_MIN alone would) */
        TH_CHECK(k > INT64_MIN + a->size[0] && k < INT64_MAX - a->size[0], TH_ERR_VALUE,
                 "diag(): diagonal %lld is out of range for a vector of %lld elements", (long long)k,
                 (long long)a->size[0]);
        shape[0] = shape[1] = a->size[0] + (k < 0 ? -k : k);
    } else {
        dg = THTensor_newDiagonal(a, k, 0, 1);
        if (!dg) return TH_lastErrorCode();
        shape[0] = dg->size[0];
    }
    THTensor *res = out_begin(out, a->dtype, dg ? 1 : 2, shape, 1, &a, 0);
    if (!res) { THTensor_free(dg); return TH_lastErrorCode(); }
    int st = TH_prepareOut(res, res->dtype, dg ? 1 : 2, shape);
    if (!dg) {
        if (!st) st = THTensor_zero(res);
        if (!st) {
            THTensor *v = THTensor_newDiagonal(res, k, 0, 1);
            st = v ? THTensor_copy(v, a) : TH_lastErrorCode();
            THTensor_free(v);
        }
    } else {
        if (!st) st = THTensor_copy(res, dg);
        THTensor_free(dg);
    }
    return TH_outEnd(out, res, st);
}

/* Zero the elements of every matrix (last two dims) on the wrong side of diagonal k.
 * Row i keeps columns [0, i+k] (lower) or [i+k, cols) (upper): one narrow per row. */
static int tri(const char *fn, THTensor *out, THTensor *a, int64_t k, int upper)
{
    TH_CHECK(a, TH_ERR_VALUE, "%s: input is NULL", fn);
    TH_CHECK(a->ndim >= 2, TH_ERR_RUNTIME, "%s: input tensor must have at least 2 dimensions", fn);
    THTensor *res = out_begin(out, a->dtype, a->ndim, a->size, 1, &a, 1);
    if (!res) return TH_lastErrorCode();
    int st = 0;
    if (res != a) {
        st = TH_prepareOut(res, res->dtype, a->ndim, a->size);
        if (!st) st = THTensor_copy(res, a);
    }
    int rd = a->ndim - 2, cd = a->ndim - 1;
    int64_t rows = a->size[rd], cols = a->size[cd];
    /* diagonals beyond the matrix all act alike; clamping keeps i + k from overflowing */
    if (k > cols) k = cols;
    if (k < -rows) k = -rows;
    if (!st && THTensor_numel(a) > 0) {
        for (int64_t i = 0; i < rows && !st; i++) {
            int64_t lo, hi;     /* columns to zero: [lo, hi) */
            if (upper) { lo = 0; hi = i + k; }
            else { lo = i + k + 1; hi = cols; }
            if (lo < 0) lo = 0;
            if (hi > cols) hi = cols;
            if (lo >= hi) continue;
            THTensor *row = THTensor_newSelect(res, rd, i);
            THTensor *seg = row ? THTensor_newNarrow(row, cd - 1, lo, hi - lo) : NULL;
            st = seg ? THTensor_zero(seg) : TH_lastErrorCode();
            THTensor_free(seg);
            THTensor_free(row);
        }
    }
    THTensor_bumpVersion(res);
    return TH_outEnd(out, res, st);
}

int THTensor_tril(THTensor *out, THTensor *a, int64_t k) { return tri("tril", out, a, k, 0); }
int THTensor_triu(THTensor *out, THTensor *a, int64_t k) { return tri("triu", out, a, k, 1); }

typedef struct { int dt; double fsum; int64_t isum; } SumCtx;
static void sum_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    SumCtx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        const char *p = d[0] + i * s[0];
        if (TH_isFloat(c->dt)) c->fsum += TH_loadDouble(p, c->dt);
        else c->isum += TH_loadInt64(p, c->dt);
    }
}

/* Sum of the main diagonal of a matrix; integer inputs give int64 (PyTorch). */
int THTensor_trace(THTensor *out, THTensor *a)
{
    TH_CHECK(a, TH_ERR_VALUE, "trace: input is NULL");
    TH_CHECK(a->ndim == 2, TH_ERR_RUNTIME, "trace: expected a matrix, but got tensor with dim %d", a->ndim);
    TH_TRY(computable("trace", a->dtype));
    THTensor *dg = THTensor_newDiagonal(a, 0, 0, 1);
    if (!dg) return TH_lastErrorCode();
    SumCtx c = {a->dtype, 0.0, 0};
    THIter it;
    int st = THIter_build(&it, 1, &dg, dg->ndim, dg->size, 0);
    if (!st) THIter_run(&it, sum_loop, &c, 0);
    THTensor_free(dg);
    TH_TRY(st);
    THTensor *res = out_begin(out, TH_isFloat(a->dtype) ? a->dtype : TH_INT64, 0, NULL, 0, NULL, 0);
    if (!res) return TH_lastErrorCode();
    st = TH_prepareOut(res, res->dtype, 0, NULL);
    if (!st) st = TH_isFloat(a->dtype) ? THTensor_fill(res, c.fsum) : THTensor_fillInt(res, c.isum);
    return TH_outEnd(out, res, st);
}

/* ------------------------------------------------------------------ cross */

/* o = a_i * b_j - a_j * b_i over one component (operands: o, a_i, b_j, a_j, b_i) */
#define DEFINE_CROSS_(CODE, T, N) \
static void cross_##N(char **d, const int64_t *s, int64_t n, void *ctx) \
{ \
    (void)ctx; \
    for (int64_t i = 0; i < n; i++) \
        *(T *)(d[0] + i * s[0]) = (T)(*(T *)(d[1] + i * s[1]) * *(T *)(d[2] + i * s[2]) \
                                     - *(T *)(d[3] + i * s[3]) * *(T *)(d[4] + i * s[4])); \
}
TH_FORALL_DTYPES(DEFINE_CROSS_)

/* Cross product of 3-vectors along dim (a and b broadcast). */
int THTensor_cross(THTensor *out, THTensor *a, THTensor *b, int dim)
{
    TH_CHECK(a && b, TH_ERR_VALUE, "cross: input is NULL");
    int nd;
    int64_t shape[TH_MAX_DIMS];
    TH_TRY(THTensor_broadcastShape(a->ndim, a->size, b->ndim, b->size, &nd, shape));
    TH_CHECK(dim >= 0 && dim < nd, TH_ERR_INDEX,
             "cross: dimension %d out of range (expected to be in range of [0, %d])", dim, nd - 1);
    int64_t sa = dim - (nd - a->ndim) >= 0 ? a->size[dim - (nd - a->ndim)] : 1;
    int64_t sb = dim - (nd - b->ndim) >= 0 ? b->size[dim - (nd - b->ndim)] : 1;
    TH_CHECK(sa == 3 && sb == 3, TH_ERR_RUNTIME,
             "linalg.cross: inputs dimension %d must have length 3. Got %lld and %lld", dim, (long long)sa, (long long)sb);
    int dt = TH_promoteTypes(a->dtype, b->dtype);
    TH_TRY(computable("cross", dt));
    TH_CHECK(dt != TH_BOOL, TH_ERR_TYPE, "cross: not implemented for 'bool'");
    THTensor *ins[2] = {a, b};
    THTensor *res = out_begin(out, dt, nd, shape, 2, ins, 0);
    if (!res) return TH_lastErrorCode();
    int st = TH_prepareOut(res, res->dtype, nd, shape);
    if (st) return TH_outEnd(out, res, st);
    /* compute in the promoted dtype; a different out dtype goes through a temporary */
    THTensor *work = res;
    if (res->dtype != dt) {
        work = THTensor_newWithSize(dt, nd, shape);
        if (!work) return TH_outEnd(out, res, TH_lastErrorCode());
    }
    THTensor *ca = TH_asDtype(a, dt), *cb = ca ? TH_asDtype(b, dt) : NULL;
    if (!ca || !cb) st = TH_lastErrorCode();
    THLoop fn = NULL;
    switch (dt) {
#define CASE_(CODE, T, N) case CODE: fn = cross_##N; break;
    TH_FORALL_DTYPES(CASE_)
#undef CASE_
    }
    int da = dim - (nd - a->ndim), db = dim - (nd - b->ndim);
    for (int c = 0; c < 3 && !st && THTensor_numel(work); c++) {
        int i = (c + 1) % 3, j = (c + 2) % 3;
        THTensor *v[5] = {THTensor_newSelect(work, dim, c), THTensor_newSelect(ca, da, i),
                          THTensor_newSelect(cb, db, j), THTensor_newSelect(ca, da, j),
                          THTensor_newSelect(cb, db, i)};
        for (int q = 0; q < 5; q++) if (!v[q]) st = TH_lastErrorCode();
        THIter it;
        if (!st) st = THIter_build(&it, 5, v, v[0]->ndim, v[0]->size, 0);
        if (!st) THIter_run(&it, fn, NULL, 1);
        for (int q = 0; q < 5; q++) THTensor_free(v[q]);
    }
    THTensor_free(ca);
    THTensor_free(cb);
    if (work != res) {
        if (!st) st = THTensor_copy(res, work);
        THTensor_free(work);
    }
    THTensor_bumpVersion(res);
    return TH_outEnd(out, res, st);
}

/* ------------------------------------------------------------------ histc */

typedef struct { double lo, hi; int nan; int any; } MinMaxCtx;
#define DEFINE_MINMAX_(CODE, T, N) \
static void minmax_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    MinMaxCtx *c = vctx; \
    for (int64_t i = 0; i < n; i++) { \
        double v = (double)*(const T *)(d[0] + i * s[0]); \
        if (v != v) { c->nan = 1; continue; } \
        if (!c->any || v < c->lo) c->lo = v; \
        if (!c->any || v > c->hi) c->hi = v; \
        c->any = 1; \
    } \
}
TH_FORALL_FLOAT_DTYPES(DEFINE_MINMAX_)

typedef struct { double lo, hi; int64_t bins; int64_t *counts; } HistCtx;
/* bin = (x - min) * bins / (max - min) in the input's precision, like PyTorch */
#define DEFINE_HIST_(CODE, T, N) \
static void hist_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    HistCtx *c = vctx; \
    T lo = (T)c->lo, hi = (T)c->hi, nb = (T)c->bins; \
    for (int64_t i = 0; i < n; i++) { \
        T v = *(const T *)(d[0] + i * s[0]); \
        if (!(v >= lo && v <= hi)) continue; \
        int64_t pos = (int64_t)((v - lo) * nb / (hi - lo)); \
        if (pos >= c->bins) pos = c->bins - 1; \
        if (pos < 0) pos = 0; \
        c->counts[pos]++; \
    } \
}
TH_FORALL_FLOAT_DTYPES(DEFINE_HIST_)

/* Histogram of a's values in bins equal-width bins over [min, max] (min == max: data range). */
int THTensor_histc(THTensor *out, THTensor *a, int64_t bins, double min, double max)
{
    TH_CHECK(a, TH_ERR_VALUE, "histc: input is NULL");
    TH_CHECK(a->dtype == TH_FLOAT32 || a->dtype == TH_FLOAT64, TH_ERR_TYPE,
             "histc: expected a floating point input (float32 or float64), got %s", TH_dtypeName(a->dtype));
    TH_CHECK(bins > 0, TH_ERR_RUNTIME, "histc: bins must be > 0, but got %lld for 'bins'", (long long)bins);
    TH_CHECK(!(min > max), TH_ERR_RUNTIME, "histc: max must be larger than min, got min %g and max %g", min, max);
    THIter it;
    int nd = a->ndim;
    if (min == max && THTensor_numel(a) > 0) {
        MinMaxCtx mc = {0, 0, 0, 0};
        TH_TRY(THIter_build(&it, 1, &a, nd, a->size, 0));
        THIter_run(&it, a->dtype == TH_FLOAT32 ? minmax_Float : minmax_Double, &mc, 0);
        if (mc.nan) { min = NAN; max = NAN; }
        else { min = mc.lo; max = mc.hi; }
    }
    if (a->dtype == TH_FLOAT32) { min = (float)min; max = (float)max; }
    if (min == max) { min -= 1; max += 1; }
    TH_CHECK(isfinite(min) && isfinite(max), TH_ERR_RUNTIME, "torch.histc: range of [%g, %g] is not finite", min, max);
    int64_t *counts = calloc((size_t)bins, sizeof(int64_t));
    TH_CHECK(counts, TH_ERR_MEMORY, "histc: cannot allocate %lld bins", (long long)bins);
    HistCtx hc = {min, max, bins, counts};
    int st = 0;
    if (THTensor_numel(a) > 0) {
        st = THIter_build(&it, 1, &a, nd, a->size, 0);
        if (!st) THIter_run(&it, a->dtype == TH_FLOAT32 ? hist_Float : hist_Double, &hc, 0);
    }
    THTensor *ct = NULL;
    if (!st) {
        THStorage *s = THStorage_newWithData(TH_INT64, counts, bins, NULL, NULL);
        if (s) { ct = THTensor_newWithStorage(s, 0, 1, &bins, NULL); THStorage_free(s); }
        if (!ct) st = TH_lastErrorCode();
    }
    THTensor *res = NULL;
    if (!st) {
        res = out_begin(out, a->dtype, 1, &bins, 1, &a, 0);
        if (!res) st = TH_lastErrorCode();
    }
    if (res) {
        st = TH_prepareOut(res, res->dtype, 1, &bins);
        if (!st) st = THTensor_copy(res, ct);
        st = TH_outEnd(out, res, st);
    }
    THTensor_free(ct);
    free(counts);
    return st;
}

/* ------------------------------------------------------------------ renorm */

typedef struct { double p; int dt; double acc; } NormCtx;
static void norm_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    NormCtx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        double v = fabs(TH_loadDouble(d[0] + i * s[0], c->dt));
        if (isinf(c->p)) { if (v > c->acc || v != v) c->acc = v; }
        else if (c->p == 1) c->acc += v;
        else if (c->p == 2) c->acc += v * v;
        else c->acc += pow(v, c->p);
    }
}

#define DEFINE_SCALE_(CODE, T, N) \
static void scale_##N(char **d, const int64_t *s, int64_t n, void *ctx) \
{ \
    T f = (T)*(const double *)ctx; \
    if (s[0] == sizeof(T) && s[1] == sizeof(T)) { \
        T *o = (T *)d[0]; const T *in = (const T *)d[1]; \
        for (int64_t i = 0; i < n; i++) o[i] = in[i] * f; \
    } else for (int64_t i = 0; i < n; i++) *(T *)(d[0] + i * s[0]) = *(const T *)(d[1] + i * s[1]) * f; \
}
TH_FORALL_FLOAT_DTYPES(DEFINE_SCALE_)

/* Scale every slice along dim whose p-norm exceeds maxnorm down to norm maxnorm. */
int THTensor_renorm(THTensor *out, THTensor *a, double p, int dim, double maxnorm)
{
    TH_CHECK(a, TH_ERR_VALUE, "renorm: input is NULL");
    TH_CHECK(a->dtype == TH_FLOAT32 || a->dtype == TH_FLOAT64, TH_ERR_TYPE,
             "renorm: expected a floating point input (float32 or float64), got %s", TH_dtypeName(a->dtype));
    TH_CHECK(p > 0, TH_ERR_RUNTIME, "renorm: non-positive-norm not supported (p = %g)", p);
    TH_CHECK(maxnorm >= 0, TH_ERR_RUNTIME, "renorm: expected maxnorm to be >= 0 but got %g", maxnorm);
    TH_CHECK(a->ndim >= 2, TH_ERR_RUNTIME, "renorm: input needs at least 2 dimensions, got %d dimensions", a->ndim);
    TH_CHECK(dim >= 0 && dim < a->ndim, TH_ERR_INDEX,
             "renorm: dimension %d out of range (expected to be in range of [0, %d])", dim, a->ndim - 1);
    THTensor *res = out_begin(out, a->dtype, a->ndim, a->size, 1, &a, 1);
    if (!res) return TH_lastErrorCode();
    int st = res == a ? 0 : TH_prepareOut(res, res->dtype, a->ndim, a->size);
    THTensor *work = res;
    if (!st && res->dtype != a->dtype) {   /* compute in a's dtype, convert at the end */
        work = THTensor_newWithSize(a->dtype, a->ndim, a->size);
        if (!work) st = TH_lastErrorCode();
    }
    THLoop fn = a->dtype == TH_FLOAT32 ? scale_Float : scale_Double;
    int64_t nslices = THTensor_numel(a) ? a->size[dim] : 0;  /* empty slices: up to 2**62 of them */
    for (int64_t i = 0; i < nslices && !st; i++) {
        THTensor *sa = THTensor_newSelect(a, dim, i);
        THTensor *so = sa ? THTensor_newSelect(work, dim, i) : NULL;
        if (!so) { st = TH_lastErrorCode(); THTensor_free(sa); break; }
        NormCtx nc = {p, a->dtype, 0.0};
        THIter it;
        st = THIter_build(&it, 1, &sa, sa->ndim, sa->size, 0);
        if (!st) {
            THIter_run(&it, norm_loop, &nc, 0);
            double norm = isinf(p) || p == 1 ? nc.acc : p == 2 ? sqrt(nc.acc) : pow(nc.acc, 1.0 / p);
            double f = norm > maxnorm ? maxnorm / (norm + 1e-7) : 1.0;
            THTensor *ops[2] = {so, sa};
            st = THIter_build(&it, 2, ops, so->ndim, so->size, 0);
            if (!st) THIter_run(&it, fn, &f, 1);
        }
        THTensor_free(sa);
        THTensor_free(so);
    }
    if (work != res) {
        if (!st) st = THTensor_copy(res, work);
        THTensor_free(work);
    }
    THTensor_bumpVersion(res);
    return TH_outEnd(out, res, st);
}

/* ------------------------------------------------------------------ flip / roll / repeat */

/* Copy with a source that may step backwards (operand 1 has negative strides). */
#define DEFINE_FLIPCOPY_(T, N) \
__attribute__((target_clones("avx2", "default"))) \
static void flipcopy_##N(char **d, const int64_t *s, int64_t n, void *ctx) \
{ \
    (void)ctx; \
    T *o = (T *)d[0]; const T *in = (const T *)d[1]; \
    if (s[0] == sizeof(T) && s[1] == -(int64_t)sizeof(T)) { \
        for (int64_t i = 0; i < n; i++) o[i] = in[-i]; \
    } else if (s[0] == sizeof(T) && s[1] == sizeof(T)) { \
        memcpy(o, in, (size_t)n * sizeof(T)); \
    } else { \
        for (int64_t i = 0; i < n; i++) *(T *)(d[0] + i * s[0]) = *(const T *)(d[1] + i * s[1]); \
    } \
}
DEFINE_FLIPCOPY_(uint8_t, 1) DEFINE_FLIPCOPY_(uint16_t, 2) DEFINE_FLIPCOPY_(uint32_t, 4) DEFINE_FLIPCOPY_(uint64_t, 8)

/* Reverse the order of elements along each of dims. The reversed source is a header on
 * the stack with negative strides, which only the iterator ever sees. */
int THTensor_flip(THTensor *out, THTensor *a, int ndims, const int *dims)
{
    TH_CHECK(a, TH_ERR_VALUE, "flip: input is NULL");
    int nd = a->ndim;
    int seen[TH_MAX_DIMS] = {0};
    for (int i = 0; i < ndims; i++) {
        int d = dims[i];
        TH_CHECK(d >= 0 && d < (nd ? nd : 1), TH_ERR_INDEX,
                 "flip: dimension %d out of range (expected to be in range of [0, %d])", d, (nd ? nd : 1) - 1);
        TH_CHECK(!seen[d], TH_ERR_RUNTIME, "flip: dim %d appears multiple times in the list of dims", d);
        seen[d] = 1;
    }
    THTensor *res = out_begin(out, a->dtype, nd, a->size, 1, &a, 0);
    if (!res) return TH_lastErrorCode();
    int st = TH_prepareOut(res, res->dtype, nd, a->size);
    if (st || THTensor_numel(a) == 0) return TH_outEnd(out, res, st);
    THTensor *work = res;
    if (res->dtype != a->dtype) {
        work = THTensor_newWithSize(a->dtype, nd, a->size);
        if (!work) return TH_outEnd(out, res, TH_lastErrorCode());
    }
    THTensor rev = *a;
    for (int d = 0; d < nd; d++)
        if (seen[d] && a->size[d] > 1) {
            rev.offset += (a->size[d] - 1) * a->stride[d];
            rev.stride[d] = -a->stride[d];
        }
    THTensor *ops[2] = {work, &rev};
    THIter it;
    st = THIter_build(&it, 2, ops, nd, a->size, 0);
    if (!st) {
        THLoop fn = NULL;
        switch (TH_dtypeSize(a->dtype)) {
        case 1: fn = flipcopy_1; break; case 2: fn = flipcopy_2; break;
        case 4: fn = flipcopy_4; break; case 8: fn = flipcopy_8; break;
        }
        THIter_run(&it, fn, NULL, 1);
        THTensor_bumpVersion(work);
    }
    if (work != res) {
        if (!st) st = THTensor_copy(res, work);
        THTensor_free(work);
    }
    return TH_outEnd(out, res, st);
}

/* Roll elements along dims by shifts (nshifts == 0 or dims NULL: roll the flattened tensor).
 * Each shifted dim splits into two blocks, so the result is 2^k block copies. */
int THTensor_roll(THTensor *out, THTensor *a, int nshifts, const int64_t *shifts, const int *dims)
{
    TH_CHECK(a, TH_ERR_VALUE, "roll: input is NULL");
    if (!dims) {
        TH_CHECK(nshifts == 1, TH_ERR_RUNTIME, "roll: expected one shift to roll the flattened tensor, got %d", nshifts);
        THTensor *res = out_begin(out, a->dtype, a->ndim, a->size, 1, &a, 0);
        if (!res) return TH_lastErrorCode();
        int64_t n = THTensor_numel(a);
        THTensor *flat = THTensor_newReshape(a, 1, &n);
        THTensor *tmp = flat ? THTensor_new(res->dtype) : NULL;
        int d0 = 0;
        int st = tmp ? THTensor_roll(tmp, flat, 1, shifts, &d0) : TH_lastErrorCode();
        if (!st) {
            THTensor *back = THTensor_newView(tmp, a->ndim, a->size);
            st = back ? TH_prepareOut(res, res->dtype, a->ndim, a->size) : TH_lastErrorCode();
            if (!st) st = THTensor_copy(res, back);
            THTensor_free(back);
        }
        THTensor_free(tmp);
        THTensor_free(flat);
        return TH_outEnd(out, res, st);
    }
    int nd = a->ndim;
    int64_t shift[TH_MAX_DIMS] = {0};
    TH_CHECK(nshifts >= 0, TH_ERR_RUNTIME, "roll: bad number of shifts %d", nshifts);
    for (int i = 0; i < nshifts; i++) {
        TH_CHECK(dims[i] >= 0 && dims[i] < (nd ? nd : 1), TH_ERR_INDEX,
                 "roll: dimension %d out of range (expected to be in range of [0, %d])", dims[i], (nd ? nd : 1) - 1);
        if (nd == 0) continue;
        int64_t sz = a->size[dims[i]];
        if (sz == 0) continue;
        int64_t sh = shifts[i] % sz;
        if (sh < 0) sh += sz;
        shift[dims[i]] = (shift[dims[i]] + sh) % sz;
    }
    int sdims[TH_MAX_DIMS], k = 0;
    for (int d = 0; d < nd; d++) if (shift[d]) sdims[k++] = d;
    TH_CHECK(k <= 20, TH_ERR_VALUE, "roll: at most 20 dimensions can be shifted at once, got %d", k);
    THTensor *res = out_begin(out, a->dtype, nd, a->size, 1, &a, 0);
    if (!res) return TH_lastErrorCode();
    int st = TH_prepareOut(res, res->dtype, nd, a->size);
    for (int64_t mask = 0; mask < ((int64_t)1 << k) && !st && THTensor_numel(a); mask++) {
        /* bit j set: the block of dim sdims[j] that wraps around (source tail -> dest head) */
        THTensor *src = THTensor_newAlias(a), *dst = THTensor_newAlias(res);
        if (!src || !dst) st = TH_lastErrorCode();
        for (int j = 0; j < k && !st; j++) {
            int d = sdims[j];
            int64_t n = a->size[d], sh = shift[d];
            int64_t s0 = (mask >> j) & 1 ? n - sh : 0, d0 = (mask >> j) & 1 ? 0 : sh;
            int64_t len = (mask >> j) & 1 ? sh : n - sh;
            src->offset += s0 * src->stride[d]; src->size[d] = len;
            dst->offset += d0 * dst->stride[d]; dst->size[d] = len;
        }
        if (!st) st = THTensor_copy(dst, src);
        THTensor_free(src);
        THTensor_free(dst);
    }
    THTensor_bumpVersion(res);
    return TH_outEnd(out, res, st);
}

/* Tile a: repeats[i] copies along dim i (leading dims added when nrepeats > a->ndim).
 * out is viewed as (r0, s0, r1, s1, ...) and a broadcast copy fills it. */
int THTensor_repeat(THTensor *out, THTensor *a, int nrepeats, const int64_t *repeats)
{
    TH_CHECK(a, TH_ERR_VALUE, "repeat: input is NULL");
    TH_CHECK(nrepeats >= a->ndim, TH_ERR_RUNTIME, "Number of dimensions of repeat dims can not be smaller than "
             "number of dimensions of tensor (got %d repeat dims for a %d-D tensor)", nrepeats, a->ndim);
    TH_CHECK(nrepeats <= TH_MAX_DIMS, TH_ERR_VALUE, "repeat: at most %d dimensions are supported", TH_MAX_DIMS);
    int lead = nrepeats - a->ndim;
    int64_t shape[TH_MAX_DIMS], asz[TH_MAX_DIMS];
    for (int d = 0; d < nrepeats; d++) {
        TH_CHECK(repeats[d] >= 0, TH_ERR_RUNTIME, "repeat: repeats must be non-negative, got %lld at dimension %d",
                 (long long)repeats[d], d);
        asz[d] = d < lead ? 1 : a->size[d - lead];
        TH_CHECK(!__builtin_mul_overflow(asz[d], repeats[d], &shape[d]), TH_ERR_VALUE,
                 "repeat: the number of elements overflows 64 bits (size %lld repeated %lld times at dimension %d)",
                 (long long)asz[d], (long long)repeats[d], d);
    }
    THTensor *res = out_begin(out, a->dtype, nrepeats, shape, 1, &a, 0);
    if (!res) return TH_lastErrorCode();
    int st = TH_prepareOut(res, res->dtype, nrepeats, shape);
    int64_t total = 1;
    for (int d = 0; d < nrepeats; d++) total *= shape[d];
    if (st || total == 0) return TH_outEnd(out, res, st);
    THTensor *work = res;
    if (!THTensor_isContiguous(res)) {
        work = THTensor_newWithSize(res->dtype, nrepeats, shape);
        if (!work) return TH_outEnd(out, res, TH_lastErrorCode());
    }
    /* geometry of work as (r, s) pairs; r dims of 1 are left out */
    THTensor wv = *work, av = *a;
    int m = 0;
    int64_t st_in = 1;
    int64_t wsize[2 * TH_MAX_DIMS], wstride[2 * TH_MAX_DIMS], asize[2 * TH_MAX_DIMS], astride[2 * TH_MAX_DIMS];
    for (int d = nrepeats - 1; d >= 0; d--) {
        int64_t ad_stride = d < lead ? 0 : a->stride[d - lead];
        wsize[m] = asz[d]; wstride[m] = st_in; asize[m] = asz[d]; astride[m] = asz[d] == 1 ? 0 : ad_stride; m++;
        if (repeats[d] != 1) {
            wsize[m] = repeats[d]; wstride[m] = st_in * asz[d]; asize[m] = repeats[d]; astride[m] = 0; m++;
        }
        st_in *= shape[d];
    }
    if (m > TH_MAX_DIMS) {
        if (work != res) THTensor_free(work);
        return TH_outEnd(out, res, TH_setError(TH_ERR_VALUE, "repeat: too many repeated dimensions (%d) for %d "
                                                           "dimensions", m, TH_MAX_DIMS));
    }
    wv.ndim = av.ndim = m;
    for (int i = 0; i < m; i++) {   /* stored innermost first above: reverse to row-major */
        wv.size[i] = wsize[m - 1 - i]; wv.stride[i] = wstride[m - 1 - i];
        av.size[i] = asize[m - 1 - i]; av.stride[i] = astride[m - 1 - i];
    }
    st = THTensor_copy(&wv, &av);
    if (work != res) {
        if (!st) st = THTensor_copy(res, work);
        THTensor_free(work);
    }
    return TH_outEnd(out, res, st);
}
