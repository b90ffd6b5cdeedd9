/* The iteration engine. */
#include "THIter.h"
#include <stdlib.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Splitting an op across threads pays only while cores are free: on an oversubscribed
 * machine every op waits for its slowest, descheduled thread (a scheduler tick, ~4 ms) and
 * runs 2-4x slower than on one thread (10M-element add: 8-16 ms against 3.4 ms). As
 * libgomp's dynamic mode does, the load average decides; it is re-read at most every 100 ms.
 * Our own threads count in it (a 2-thread loop on 2 cores makes it ~2), so only load beyond
 * one runnable task per core turns the split off. */
int TH_parallelOK(int64_t numel)
{
    static int64_t next_check_ns = 0;
    static int free_cores = 1;
    if (numel < TH_OMP_THRESHOLD) return 0;
#ifdef _OPENMP
    if (omp_get_max_threads() < 2 || omp_in_parallel()) return 0;
#endif
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (now >= __atomic_load_n(&next_check_ns, __ATOMIC_RELAXED)) {
        double la[1];
        int ok = 1;
        if (getloadavg(la, 1) == 1) ok = la[0] < TH_getNumCores() + 0.5;
        __atomic_store_n(&free_cores, ok, __ATOMIC_RELAXED);
        __atomic_store_n(&next_check_ns, now + 100000000, __ATOMIC_RELAXED);
    }
    return __atomic_load_n(&free_cores, __ATOMIC_RELAXED);
}


int THIter_build(THIter *it, int nt, THTensor *const *ts, int ndim, const int64_t *shape, int order_operand)
{
    TH_CHECK(nt > 0 && nt <= TH_ITER_MAX, TH_ERR_RUNTIME, "iterator: bad operand count %d", nt);
    TH_CHECK(ndim >= 0 && ndim <= TH_MAX_DIMS, TH_ERR_VALUE, "iterator: bad number of dimensions %d", ndim);
    it->ntensors = nt;
    it->numel = 1;
    for (int d = 0; d < ndim; d++) it->numel *= shape[d];
    /* dim i of the iterator = row-major dim ndim-1-i (innermost first) */
    for (int i = 0; i < ndim; i++) it->shape[i] = shape[ndim - 1 - i];
    for (int k = 0; k < nt; k++) {
        const THTensor *t = ts[k];
        int es = TH_dtypeSize(t->dtype);
        TH_CHECK(t->ndim <= ndim, TH_ERR_VALUE,
                 "iterator: operand %d has %d dimensions, more than the %d of the result", k, t->ndim, ndim);
        for (int i = 0; i < ndim; i++) {
            int td = t->ndim - 1 - i;
            if (td < 0) { it->strides[k][i] = 0; continue; }
            int64_t sz = t->size[td];
            if (sz == it->shape[i]) it->strides[k][i] = sz == 1 ? 0 : t->stride[td] * es;
            else if (sz == 1) it->strides[k][i] = 0;
            else return TH_setError(TH_ERR_VALUE,
                                    "operand %d of size %lld cannot be broadcast to size %lld at dimension %d",
                                    k, (long long)sz, (long long)it->shape[i], td + (ndim - t->ndim));
        }
        it->data[k] = it->numel ? (char *)THTensor_data(t) : NULL;
    }
    it->ndim = ndim;
    if (it->numel == 0) return 0;

    /* reorder: insertion sort of dims by |stride| of the order operand (innermost smallest) */
    if (order_operand >= 0 && order_operand < nt) {
        int64_t *key = it->strides[order_operand];
        for (int i = 1; i < ndim; i++) {
            for (int j = i; j > 0; j--) {
                int64_t a = key[j - 1] < 0 ? -key[j - 1] : key[j - 1];
                int64_t b = key[j] < 0 ? -key[j] : key[j];
                /* stride-0 (broadcast) dims keep their place relative to others */
                if (a == 0 || b == 0 || a <= b) break;
                int64_t tmp = it->shape[j]; it->shape[j] = it->shape[j - 1]; it->shape[j - 1] = tmp;
                for (int k = 0; k < nt; k++) {
                    tmp = it->strides[k][j]; it->strides[k][j] = it->strides[k][j - 1]; it->strides[k][j - 1] = tmp;
                }
            }
        }
    }

    /* drop size-1 dims, then coalesce neighbours that are contiguous for every operand */
    int n = 0;
    for (int i = 0; i < ndim; i++) {
        if (it->shape[i] == 1) continue;
        it->shape[n] = it->shape[i];
        for (int k = 0; k < nt; k++) it->strides[k][n] = it->strides[k][i];
        n++;
    }
    if (n > 1) {
        int m = 0;
        for (int i = 1; i < n; i++) {
            int ok = 1;
            for (int k = 0; k < nt; k++)
                if (it->strides[k][i] != it->strides[k][m] * it->shape[m]) { ok = 0; break; }
            if (ok) it->shape[m] *= it->shape[i];
            else {
                m++;
                it->shape[m] = it->shape[i];
                for (int k = 0; k < nt; k++) it->strides[k][m] = it->strides[k][i];
            }
        }
        n = m + 1;
    }
    it->ndim = n;
    return 0;
}

/* Visit linear positions [begin, end) of the iteration space. */
static void run_range(const THIter *it, THLoop loop, void *ctx, int64_t begin, int64_t end, char **base)
{
    int nt = it->ntensors, nd = it->ndim;
    int64_t inner_stride[TH_ITER_MAX];
    char *ptr[TH_ITER_MAX];
    if (nd == 0) {
        for (int k = 0; k < nt; k++) { ptr[k] = base[k]; inner_stride[k] = 0; }
        loop(ptr, inner_stride, 1, ctx);
        return;
    }
    int64_t idx[TH_MAX_DIMS];
    int64_t rem = begin;
    for (int i = 0; i < nd; i++) { idx[i] = rem % it->shape[i]; rem /= it->shape[i]; }
    for (int k = 0; k < nt; k++) {
        inner_stride[k] = it->strides[k][0];
        ptr[k] = base[k];
        for (int i = 0; i < nd; i++) ptr[k] += idx[i] * it->strides[k][i];
    }
    int64_t pos = begin;
    int64_t inner = it->shape[0];
    while (pos < end) {
        int64_t n = inner - idx[0];
        if (n > end - pos) n = end - pos;
        loop(ptr, inner_stride, n, ctx);
        pos += n;
        if (pos >= end) break;
        /* advance: inner dim wraps to 0, carry into outer dims */
        for (int k = 0; k < nt; k++) ptr[k] -= idx[0] * it->strides[k][0];
        idx[0] = 0;
        for (int i = 1; i < nd; i++) {
            idx[i]++;
            for (int k = 0; k < nt; k++) ptr[k] += it->strides[k][i];
            if (idx[i] < it->shape[i]) break;
            for (int k = 0; k < nt; k++) ptr[k] -= idx[i] * it->strides[k][i];
            idx[i] = 0;
        }
    }
}

/* Transposed layouts (an operand whose inner dim is not its densest, as in b.t() or
 * contiguous() of a transpose) thrash the cache when walked row by row. Such runs visit
 * TILE x TILE blocks of dims 0 and 1 instead: every operand then reuses the cache lines
 * it touched within a block. Only for order-insensitive (parallel) runs. */
enum { TH_TILE = 64 };

static int wants_tiling(const THIter *it)
{
    if (it->ndim < 2 || it->shape[0] < TH_TILE / 2 || it->shape[1] < TH_TILE / 2) return 0;
    for (int k = 0; k < it->ntensors; k++) {
        int64_t s0 = it->strides[k][0] < 0 ? -it->strides[k][0] : it->strides[k][0];
        int64_t s1 = it->strides[k][1] < 0 ? -it->strides[k][1] : it->strides[k][1];
        if (s1 != 0 && s1 < s0) return 1;
    }
    return 0;
}

static void run_tiled(const THIter *it, THLoop loop, void *ctx, int parallel)
{
    int nt = it->ntensors, nd = it->ndim;
    int64_t n0 = it->shape[0], n1 = it->shape[1];
    int64_t b0 = (n0 + TH_TILE - 1) / TH_TILE, b1 = (n1 + TH_TILE - 1) / TH_TILE;
    int64_t outer = it->numel / (n0 * n1);
    int64_t nblocks = outer * b0 * b1;
    (void)parallel;
#ifdef _OPENMP
    #pragma omp parallel for schedule(static) if (parallel)
#endif
    for (int64_t blk = 0; blk < nblocks; blk++) {
        int64_t ib = blk % b0, jb = (blk / b0) % b1, o = blk / (b0 * b1);
        char *ptr[TH_ITER_MAX];
        int64_t inner_stride[TH_ITER_MAX];
        for (int k = 0; k < nt; k++) {
            inner_stride[k] = it->strides[k][0];
            ptr[k] = it->data[k] + ib * TH_TILE * it->strides[k][0] + jb * TH_TILE * it->strides[k][1];
        }
        for (int i = 2; i < nd && o; i++) {
            int64_t idx = o % it->shape[i];
            o /= it->shape[i];
            for (int k = 0; k < nt; k++) ptr[k] += idx * it->strides[k][i];
        }
        int64_t len0 = n0 - ib * TH_TILE < TH_TILE ? n0 - ib * TH_TILE : TH_TILE;
        int64_t len1 = n1 - jb * TH_TILE < TH_TILE ? n1 - jb * TH_TILE : TH_TILE;
        for (int64_t j = 0; j < len1; j++) {
            char *p[TH_ITER_MAX];
            for (int k = 0; k < nt; k++) p[k] = ptr[k] + j * it->strides[k][1];
            loop(p, inner_stride, len0, ctx);
        }
    }
}

void THIter_run(THIter *it, THLoop loop, void *ctx, int parallel)
{
    if (it->numel == 0) return;
    if (parallel && wants_tiling(it)) {
#ifdef _OPENMP
        run_tiled(it, loop, ctx, TH_parallelOK(it->numel));
#else
        run_tiled(it, loop, ctx, 0);
#endif
        return;
    }
#ifdef _OPENMP
    if (parallel && TH_parallelOK(it->numel)) {
        #pragma omp parallel
        {
            int nth = omp_get_num_threads(), tid = omp_get_thread_num();
            int64_t chunk = (it->numel + nth - 1) / nth;
            int64_t b = tid * chunk, e = b + chunk < it->numel ? b + chunk : it->numel;
            if (b < e) run_range(it, loop, ctx, b, e, it->data);
        }
        return;
    }
#else
    (void)parallel;
#endif
    run_range(it, loop, ctx, 0, it->numel, it->data);
}

/* Visit the whole iteration space, handing dims 0 and 1 to a 2-D loop at once. */
static void run_2d(const THIter *it, THLoop2d loop2d, void *ctx, char **base)
{
    int nt = it->ntensors, nd = it->ndim;
    int64_t s0[TH_ITER_MAX], s1[TH_ITER_MAX], idx[TH_MAX_DIMS] = {0};
    char *ptr[TH_ITER_MAX];
    int64_t n0 = nd > 0 ? it->shape[0] : 1, n1 = nd > 1 ? it->shape[1] : 1;
    for (int k = 0; k < nt; k++) {
        s0[k] = nd > 0 ? it->strides[k][0] : 0;
        s1[k] = nd > 1 ? it->strides[k][1] : 0;
        ptr[k] = base[k];
    }
    int64_t outer = it->numel / (n0 * n1);
    for (int64_t o = 0; o < outer; o++) {
        loop2d(ptr, s0, n0, s1, n1, ctx);
        for (int i = 2; i < nd; i++) {
            idx[i]++;
            for (int k = 0; k < nt; k++) ptr[k] += it->strides[k][i];
            if (idx[i] < it->shape[i]) break;
            for (int k = 0; k < nt; k++) ptr[k] -= idx[i] * it->strides[k][i];
            idx[i] = 0;
        }
    }
}

void THIter_reduce(THIter *it, const THReduceOps *ops, void *ctx, int parallel)
{
    if (it->numel == 0) return;
#ifdef _OPENMP
    int out_is_scalar = 1;
    for (int i = 0; i < it->ndim; i++) if (it->strides[0][i] != 0) { out_is_scalar = 0; break; }
    if (parallel && TH_parallelOK(it->numel)) {
        if (out_is_scalar && ops->init && ops->combine) {
            int nth = omp_get_max_threads();
            /* one cache line per private accumulator: no false sharing between threads */
            size_t pad = ((size_t)ops->acc_size + 63) & ~(size_t)63;
            char *accs = malloc((size_t)nth * pad + 64);
            if (accs) {
                int used = 1;
                #pragma omp parallel
                {
                    int n = omp_get_num_threads(), tid = omp_get_thread_num();
                    #pragma omp single
                    used = n;
                    char *acc = accs + (size_t)tid * pad;
                    ops->init(acc, ctx);
                    int64_t chunk = (it->numel + n - 1) / n;
                    int64_t b = tid * chunk, e = b + chunk < it->numel ? b + chunk : it->numel;
                    char *base[TH_ITER_MAX];
                    for (int k = 0; k < it->ntensors; k++) base[k] = it->data[k];
                    base[0] = acc;
                    if (b < e) run_range(it, ops->loop, ctx, b, e, base);
                }
                for (int t = 0; t < used; t++) ops->combine(it->data[0], accs + (size_t)t * pad, ctx);
                free(accs);
                return;
            }
        } else if (!out_is_scalar) {
            /* Split a dim along which the output advances, so every thread owns distinct
             * outputs: the outermost such dim when it has a chunk per thread, else the
             * largest (a reduction over the outer dim splits the inner output row). */
            int nth = omp_get_max_threads(), sd = -1;
            for (int i = it->ndim - 1; i >= 0; i--)
                if (it->strides[0][i] != 0 && it->shape[i] >= nth) { sd = i; break; }
            if (sd < 0)
                for (int i = 0; i < it->ndim; i++)
                    if (it->strides[0][i] != 0 && (sd < 0 || it->shape[i] > it->shape[sd])) sd = i;
            if (sd >= 0 && it->shape[sd] > 1) {
                int64_t len = it->shape[sd], per = it->numel / len;
                #pragma omp parallel
                {
                    int n = omp_get_num_threads(), tid = omp_get_thread_num();
                    int64_t chunk = (len + n - 1) / n;
                    int64_t b = tid * chunk, e = b + chunk < len ? b + chunk : len;
                    if (b < e) {
                        THIter sub = *it;
                        sub.shape[sd] = e - b;
                        sub.numel = per * (e - b);
                        for (int k = 0; k < it->ntensors; k++) sub.data[k] = it->data[k] + b * it->strides[k][sd];
                        if (ops->loop2d) run_2d(&sub, ops->loop2d, ctx, sub.data);
                        else run_range(&sub, ops->loop, ctx, 0, sub.numel, sub.data);
                    }
                }
                return;
            }
        }
    }
#else
    (void)parallel;
#endif
    if (ops->loop2d) run_2d(it, ops->loop2d, ctx, it->data);
    else run_range(it, ops->loop, ctx, 0, it->numel, it->data);
}

typedef struct {
    THDimLoop fn;
    void *ctx;
    int nt;
    int64_t len[TH_ITER_MAX], stride[TH_ITER_MAX];
} DimCtx;

static void dim_loop(char **data, const int64_t *strides, int64_t n, void *vctx)
{
    DimCtx *c = vctx;
    char *p[TH_ITER_MAX];
    for (int k = 0; k < c->nt; k++) p[k] = data[k];
    for (int64_t i = 0; i < n; i++) {
        c->fn(p, c->len, c->stride, c->ctx);
        for (int k = 0; k < c->nt; k++) p[k] += strides[k];
    }
}

int THIter_dimApply(int nt, THTensor *const *ts, int dim, THDimLoop fn, void *ctx, int parallel)
{
    TH_CHECK(nt > 0 && nt <= TH_ITER_MAX, TH_ERR_RUNTIME, "dimApply: bad operand count %d", nt);
    const THTensor *t0 = ts[0];
    int nd = t0->ndim == 0 ? 1 : t0->ndim;
    TH_CHECK(dim >= 0 && dim < nd, TH_ERR_INDEX, "dimension %d out of range for a %d-D tensor", dim, t0->ndim);
    DimCtx c;
    c.fn = fn; c.ctx = ctx; c.nt = nt;
    THTensor views[TH_ITER_MAX];
    THTensor *vp[TH_ITER_MAX];
    int64_t shape[TH_MAX_DIMS];
    for (int k = 0; k < nt; k++) {
        const THTensor *t = ts[k];
        int tnd = t->ndim == 0 ? 1 : t->ndim;
        TH_CHECK(tnd == nd, TH_ERR_VALUE, "operand %d has %d dimensions, expected %d", k, t->ndim, nd);
        views[k] = *t;
        if (t->ndim == 0) { views[k].ndim = 1; views[k].size[0] = 1; views[k].stride[0] = 1; }
        for (int d = 0; d < nd; d++)
            if (d != dim) {
                if (k == 0) shape[d] = views[k].size[d];
                else TH_CHECK(views[k].size[d] == shape[d], TH_ERR_VALUE,
                              "operand %d has size %lld at dimension %d, expected %lld", k,
                              (long long)views[k].size[d], d, (long long)shape[d]);
            }
        c.len[k] = views[k].size[dim];
        c.stride[k] = views[k].stride[dim] * TH_dtypeSize(t->dtype);
        views[k].size[dim] = 1;
        vp[k] = &views[k];
    }
    shape[dim] = 1;
    for (int d = 0; d < nd; d++) if (shape[d] == 0) return 0;
    /* every slice empty: nothing to read or write, however many slices (2**62 x 0 would hang) */
    int any_len = 0;
    for (int k = 0; k < nt; k++) any_len |= c.len[k] != 0;
    if (!any_len) return 0;
    /* an empty slice still visits (e.g. sum of nothing), but data may be NULL */
    THIter it;
    int64_t total = 1;
    for (int d = 0; d < nd; d++) total *= shape[d];
    TH_TRY(THIter_build(&it, nt, vp, nd, shape, 0));
    for (int k = 0; k < nt; k++) if (!it.data[k]) it.data[k] = (char *)THTensor_data(ts[k]);
    int64_t maxlen = 1;
    for (int k = 0; k < nt; k++) if (c.len[k] > maxlen) maxlen = c.len[k];
    int64_t work = total * maxlen;
#ifdef _OPENMP
    /* the work is in the slices: split the slices even when they are few */
    if (parallel && TH_parallelOK(work) && total > 1) {
        #pragma omp parallel
        {
            int n = omp_get_num_threads(), tid = omp_get_thread_num();
            int64_t chunk = (it.numel + n - 1) / n;
            int64_t b = tid * chunk, e = b + chunk < it.numel ? b + chunk : it.numel;
            if (b < e) run_range(&it, dim_loop, &c, b, e, it.data);
        }
        return 0;
    }
#endif
    (void)work;
    run_range(&it, dim_loop, &c, 0, it.numel, it.data);
    return 0;
}

THTensor *TH_asDtype(THTensor *t, int dtype)
{
    if (t->dtype == dtype) { THTensor_retain(t); return t; }
    return THTensor_newCast(t, dtype);
}
