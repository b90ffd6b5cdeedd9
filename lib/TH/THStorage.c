/* Refcounted typed buffers. */
#include "THGeneral.h"
#include <stdlib.h>
#include <pthread.h>

enum { ST_OWNS = 1, ST_RESIZABLE = 2 };

static THStorage *storage_header(int dtype)
{
    THStorage *s = calloc(1, sizeof(THStorage));
    if (!s) { TH_setError(TH_ERR_MEMORY, "not enough memory for a storage header"); return NULL; }
    s->dtype = dtype;
    s->refcount = 1;
    return s;
}

THStorage *THStorage_new(int dtype, int64_t size)
{
    if (!TH_validDtype(dtype)) { TH_setError(TH_ERR_TYPE, "storage: invalid dtype %d", dtype); return NULL; }
    if (size < 0) { TH_setError(TH_ERR_VALUE, "storage: size must be non-negative, got %lld", (long long)size); return NULL; }
    int es = TH_dtypeSize(dtype);
    if (size > INT64_MAX / es) { TH_setError(TH_ERR_VALUE, "storage: size %lld overflows", (long long)size); return NULL; }
    THStorage *s = storage_header(dtype);
    if (!s) return NULL;
    s->data = TH_alloc(size * es);
    if (!s->data) { free(s); return NULL; }
    s->size = size;
    s->flags = ST_OWNS | ST_RESIZABLE;
    TH_trackBytes(size * es);
    return s;
}

static void *default_malloc(void *ctx, int64_t nbytes) { (void)ctx; return TH_alloc(nbytes); }
static void default_free(void *ctx, void *ptr) { (void)ctx; TH_free(ptr); }
THAllocator THDefaultAllocator = {default_malloc, NULL, default_free};

/* ---- THAllocatorGuard */
struct THAllocatorGuard {
    THAllocator a;                 /* first: the guard is its own THAllocator */
    THAllocator *inner;
    void *ctx;
    pthread_t owner;
    int closed;
    pthread_mutex_t lock;          /* guards the queue */
    void **queue;                  /* frees from other threads, run by the owner */
    int64_t n, cap;
};

/* 1 when g's functions may run here, else 0 with the error set */
static int guard_usable(THAllocatorGuard *g)
{
    if (__atomic_load_n(&g->closed, __ATOMIC_ACQUIRE)) {
        TH_setError(TH_ERR_RUNTIME, "storage: the allocator of this storage belongs to a closed Lua session");
        return 0;
    }
    if (!pthread_equal(pthread_self(), g->owner)) {
        TH_setError(TH_ERR_RUNTIME, "storage: the allocator of this storage (a Lua session's) runs only on the "
                    "thread that made it");
        return 0;
    }
    return 1;
}

static void *guard_malloc(void *ctx, int64_t nbytes)
{
    THAllocatorGuard *g = ctx;
    return guard_usable(g) ? g->inner->malloc(g->ctx, nbytes) : NULL;
}

static void *guard_realloc(void *ctx, void *ptr, int64_t nbytes)
{
    THAllocatorGuard *g = ctx;
    return guard_usable(g) ? g->inner->realloc(g->ctx, ptr, nbytes) : NULL;
}

static void guard_free(void *ctx, void *ptr)
{
    THAllocatorGuard *g = ctx;
    if (__atomic_load_n(&g->closed, __ATOMIC_ACQUIRE)) return;
    if (pthread_equal(pthread_self(), g->owner)) { g->inner->free(g->ctx, ptr); return; }
    pthread_mutex_lock(&g->lock);
    if (g->n == g->cap) {
        int64_t nc = g->cap ? g->cap * 2 : 16;
        void **q = realloc(g->queue, (size_t)nc * sizeof *q);
        if (!q) { pthread_mutex_unlock(&g->lock); return; }   /* no memory to remember it: it leaks */
        g->queue = q;
        g->cap = nc;
    }
    g->queue[g->n++] = ptr;
    pthread_mutex_unlock(&g->lock);
}

THAllocatorGuard *THAllocatorGuard_new(THAllocator *inner, void *ctx)
{
    if (!inner || !inner->malloc || !inner->free) {
        TH_setError(TH_ERR_VALUE, "allocator guard: the allocator needs malloc and free functions");
        return NULL;
    }
    THAllocatorGuard *g = calloc(1, sizeof *g);
    if (!g) { TH_setError(TH_ERR_MEMORY, "not enough memory for an allocator guard"); return NULL; }
    g->a.malloc = guard_malloc;
    g->a.realloc = inner->realloc ? guard_realloc : NULL;
    g->a.free = guard_free;
    g->inner = inner;
    g->ctx = ctx;
    g->owner = pthread_self();
    pthread_mutex_init(&g->lock, NULL);
    return g;
}

THAllocator *THAllocatorGuard_allocator(THAllocatorGuard *g) { return g ? &g->a : NULL; }

int64_t THAllocatorGuard_drain(THAllocatorGuard *g)
{
    if (!g) { TH_setError(TH_ERR_VALUE, "allocator guard is NULL"); return -1; }
    if (!guard_usable(g)) return -1;
    pthread_mutex_lock(&g->lock);
    void **q = g->queue;
    int64_t n = g->n;
    g->queue = NULL;
    g->n = g->cap = 0;
    pthread_mutex_unlock(&g->lock);
    for (int64_t i = 0; i < n; i++) g->inner->free(g->ctx, q[i]);
    free(q);
    return n;
}

void THAllocatorGuard_close(THAllocatorGuard *g)
{
    if (g) __atomic_store_n(&g->closed, 1, __ATOMIC_RELEASE);
}

THStorage *THStorage_newWithAllocator(int dtype, int64_t size, THAllocator *allocator, void *ctx)
{
    if (!allocator || allocator == &THDefaultAllocator) return THStorage_new(dtype, size);
    if (!TH_validDtype(dtype)) { TH_setError(TH_ERR_TYPE, "storage: invalid dtype %d", dtype); return NULL; }
    if (!allocator->malloc || !allocator->free) {
        TH_setError(TH_ERR_VALUE, "storage: an allocator needs malloc and free functions");
        return NULL;
    }
    if (size < 0) { TH_setError(TH_ERR_VALUE, "storage: size must be non-negative, got %lld", (long long)size); return NULL; }
    int es = TH_dtypeSize(dtype);
    if (size > INT64_MAX / es) { TH_setError(TH_ERR_VALUE, "storage: size %lld overflows", (long long)size); return NULL; }
    THStorage *s = storage_header(dtype);
    if (!s) return NULL;
    /* at least one byte: data is never NULL, as with THStorage_new */
    TH_clearError();
    s->data = allocator->malloc(ctx, size * es > 0 ? size * es : 1);
    if (!s->data) {
        free(s);
        if (!TH_lastErrorCode())   /* a guard's refusal says why */
            TH_setError(TH_ERR_MEMORY, "not enough memory: the allocator failed to allocate %lld bytes", (long long)(size * es));
        return NULL;
    }
    s->size = size;
    s->flags = ST_OWNS | ST_RESIZABLE;
    s->allocator = allocator;
    s->allocator_ctx = ctx;
    TH_trackBytes(size * es);
    return s;
}

THStorage *THStorage_newWithData(int dtype, void *data, int64_t size,
                                 void (*deleter)(void *, void *), void *ctx)
{
    if (!TH_validDtype(dtype)) { TH_setError(TH_ERR_TYPE, "storage: invalid dtype %d", dtype); return NULL; }
    if (size < 0) { TH_setError(TH_ERR_VALUE, "storage: size must be non-negative, got %lld", (long long)size); return NULL; }
    THStorage *s = storage_header(dtype);
    if (!s) return NULL;
    s->data = data;
    s->size = size;
    s->deleter = deleter;
    s->deleter_ctx = ctx;
    return s;
}

THStorage *THStorage_newView(THStorage *base, int64_t offset, int64_t size)
{
    if (!base) { TH_setError(TH_ERR_VALUE, "storage view: base storage is NULL"); return NULL; }
    if (offset < 0 || size < 0 || offset > base->size || size > base->size - offset) {
        TH_setError(TH_ERR_INDEX, "storage view: offset %lld and size %lld out of range for a storage of %lld elements",
                    (long long)offset, (long long)size, (long long)base->size);
        return NULL;
    }
    THStorage *s = storage_header(base->dtype);
    if (!s) return NULL;
    s->data = base->data + offset * TH_dtypeSize(base->dtype);
    s->size = size;
    s->base = base;
    THStorage_retain(base);
    __atomic_add_fetch(&base->views, 1, __ATOMIC_RELAXED);
    return s;
}

void THStorage_retain(THStorage *s)
{
    if (s) __atomic_add_fetch(&s->refcount, 1, __ATOMIC_RELAXED);
}

void THStorage_free(THStorage *s)
{
    if (!s) return;
    if (__atomic_sub_fetch(&s->refcount, 1, __ATOMIC_ACQ_REL) != 0) return;
    if (s->flags & ST_OWNS) {
        TH_trackBytes(-s->size * TH_dtypeSize(s->dtype));
        if (s->allocator) s->allocator->free(s->allocator_ctx, s->data);
        else TH_free(s->data);
    }
    if (s->deleter) s->deleter(s->deleter_ctx, s->data);
    if (s->base) { __atomic_sub_fetch(&s->base->views, 1, __ATOMIC_RELAXED); THStorage_free(s->base); }
    free(s);
}

int THStorage_resize(THStorage *s, int64_t size)
{
    TH_CHECK(s, TH_ERR_VALUE, "storage resize: storage is NULL");
    TH_CHECK(size >= 0, TH_ERR_VALUE, "storage resize: size must be non-negative, got %lld", (long long)size);
    if (size == s->size) return 0;
    TH_CHECK(s->flags & ST_RESIZABLE, TH_ERR_RUNTIME, "Trying to resize storage that is not resizable");
    /* a resize moves the bytes: the views' data pointers would dangle */
    TH_CHECK(!__atomic_load_n(&s->views, __ATOMIC_RELAXED), TH_ERR_RUNTIME,
             "Trying to resize a storage that has storage views into it (%d live)", s->views);
    int es = TH_dtypeSize(s->dtype);
    TH_CHECK(size <= INT64_MAX / es, TH_ERR_VALUE, "storage resize: size %lld overflows", (long long)size);
    char *p;
    THAllocator *a = s->allocator;
    if (a) TH_clearError();   /* so that a refusal's own message (a guard's) is kept */
    if (!a) {
        p = TH_realloc(s->data, s->size * es, size * es);
    } else if (a->realloc) {
        p = a->realloc(s->allocator_ctx, s->data, size * es > 0 ? size * es : 1);
    } else {
        p = a->malloc(s->allocator_ctx, size * es > 0 ? size * es : 1);
        if (p) {
            memcpy(p, s->data, (size_t)((s->size < size ? s->size : size) * es));
            a->free(s->allocator_ctx, s->data);
        }
    }
    if (!p && a && TH_lastErrorCode()) return TH_lastErrorCode();
    if (!p && a) return TH_setError(TH_ERR_MEMORY, "not enough memory: the allocator failed to allocate %lld bytes",
                                    (long long)(size * es));
    if (!p) return TH_ERR_MEMORY;
    TH_trackBytes((size - s->size) * es);
    s->data = p;
    s->size = size;
    s->version++;
    return 0;
}

int THStorage_fill(THStorage *s, double value)
{
    TH_CHECK(s, TH_ERR_VALUE, "storage fill: storage is NULL");
    int64_t sz = s->size;
    THTensor *t = THTensor_newWithStorage(s, 0, 1, &sz, NULL);
    if (!t) return TH_lastErrorCode();
    int st = THTensor_fill(t, value);
    THTensor_free(t);
    return st;
}

int THStorage_copy(THStorage *dst, THStorage *src)
{
    TH_CHECK(dst && src, TH_ERR_VALUE, "storage copy: storage is NULL");
    TH_CHECK(dst->size == src->size, TH_ERR_VALUE, "storage copy: sizes differ (%lld vs %lld)",
             (long long)dst->size, (long long)src->size);
    int64_t sz = dst->size;
    THTensor *a = THTensor_newWithStorage(dst, 0, 1, &sz, NULL);
    THTensor *b = THTensor_newWithStorage(src, 0, 1, &sz, NULL);
    int st = (a && b) ? THTensor_copy(a, b) : TH_lastErrorCode();
    THTensor_free(a);
    THTensor_free(b);
    return st;
}

#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
#include <stdint.h>

/* the mapping length travels in the deleter context */
static void storage_unmap(void *ctx, void *data)
{
    if (data) munmap(data, (size_t)(uintptr_t)ctx);
}

THStorage *THStorage_newMapped(int dtype, const char *filename, int shared, int64_t size)
{
    if (!TH_validDtype(dtype)) { TH_setError(TH_ERR_TYPE, "mapped storage: invalid dtype %d", dtype); return NULL; }
    if (!filename) { TH_setError(TH_ERR_VALUE, "mapped storage: filename is NULL"); return NULL; }
    if (size < 0) { TH_setError(TH_ERR_VALUE, "mapped storage: size must be non-negative, got %lld", (long long)size); return NULL; }
    int es = TH_dtypeSize(dtype);
    if (size > INT64_MAX / es) { TH_setError(TH_ERR_VALUE, "mapped storage: size %lld overflows", (long long)size); return NULL; }
    int fd = shared ? open(filename, O_RDWR | O_CREAT, 0644) : open(filename, O_RDONLY);
    if (fd < 0) {
        TH_setError(TH_ERR_RUNTIME, "mapped storage: cannot open file '%s': %s", filename, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        TH_setError(TH_ERR_RUNTIME, "mapped storage: cannot stat '%s': %s", filename, strerror(errno));
        close(fd); return NULL;
    }
    int64_t fbytes = (int64_t)st.st_size;
    if (size == 0) size = fbytes / es;
    int64_t nbytes = size * es;
    if (nbytes > fbytes) {
        if (!shared) {
            TH_setError(TH_ERR_VALUE, "mapped storage: size %lld (%lld bytes) larger than file '%s' (%lld bytes) in private mode",
                        (long long)size, (long long)nbytes, filename, (long long)fbytes);
            close(fd); return NULL;
        }
        if (ftruncate(fd, (off_t)nbytes) != 0) {
            TH_setError(TH_ERR_RUNTIME, "mapped storage: cannot extend '%s' to %lld bytes: %s",
                        filename, (long long)nbytes, strerror(errno));
            close(fd); return NULL;
        }
    }
    void *data = NULL;
    if (nbytes > 0) {
        data = mmap(NULL, (size_t)nbytes, PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
        if (data == MAP_FAILED) {
            TH_setError(TH_ERR_RUNTIME, "mapped storage: cannot map '%s': %s", filename, strerror(errno));
            close(fd); return NULL;
        }
    }
    close(fd);
    THStorage *s = THStorage_newWithData(dtype, data, size, storage_unmap, (void *)(uintptr_t)nbytes);
    if (!s && data) munmap(data, (size_t)nbytes);
    return s;
}
