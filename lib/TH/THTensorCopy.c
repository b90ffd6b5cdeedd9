/* copy (any dtype to any dtype, broadcasting), fill, item, equal -- all on THIter. */
#include "THIter.h"
#include <stdlib.h>
#include <stdio.h>

#define CONVERT_TO_Float(x) ((float)(x))
#define CONVERT_TO_Double(x) ((double)(x))
#define CONVERT_TO_Byte(x) ((uint8_t)(x))
#define CONVERT_TO_Char(x) ((int8_t)(x))
#define CONVERT_TO_Short(x) ((int16_t)(x))
#define CONVERT_TO_Int(x) ((int32_t)(x))
#define CONVERT_TO_Long(x) ((int64_t)(x))
#define CONVERT_TO_Bool(x) ((uint8_t)((x) != 0))

#define DEFINE_COPY_(DCODE, DT, DN, SCODE, ST, SN) \
static void copy_##DN##_##SN(char **d, const int64_t *s, int64_t n, void *ctx) \
{ \
    (void)ctx; \
    char *dp = d[0]; const char *sp = d[1]; \
    const int64_t s0 = s[0], s1 = s[1]; \
    if (s0 == sizeof(DT) && s1 == sizeof(ST)) { \
        DT *o = (DT *)dp; const ST *in = (const ST *)sp; \
        for (int64_t i = 0; i < n; i++) o[i] = CONVERT_TO_##DN(in[i]); \
    } else if (s1 == 0) { \
        DT v = CONVERT_TO_##DN(*(const ST *)sp); \
        for (int64_t i = 0; i < n; i++) *(DT *)(dp + i * s0) = v; \
    } else { \
        for (int64_t i = 0; i < n; i++) *(DT *)(dp + i * s0) = CONVERT_TO_##DN(*(const ST *)(sp + i * s1)); \
    } \
}
#define PAIR_FOR(DCODE, DT, DN) \
    DEFINE_COPY_(DCODE, DT, DN, TH_FLOAT32, float, Float) DEFINE_COPY_(DCODE, DT, DN, TH_FLOAT64, double, Double) \
    DEFINE_COPY_(DCODE, DT, DN, TH_UINT8, uint8_t, Byte) DEFINE_COPY_(DCODE, DT, DN, TH_INT8, int8_t, Char) \
    DEFINE_COPY_(DCODE, DT, DN, TH_INT16, int16_t, Short) DEFINE_COPY_(DCODE, DT, DN, TH_INT32, int32_t, Int) \
    DEFINE_COPY_(DCODE, DT, DN, TH_INT64, int64_t, Long) DEFINE_COPY_(DCODE, DT, DN, TH_BOOL, uint8_t, Bool)
TH_FORALL_DTYPES(PAIR_FOR)

/* same-dtype copy of raw bytes: memcpy on contiguous runs, typed moves otherwise */
#define DEFINE_COPY_SAME_(T, ES) \
static void copy_same_##ES(char **d, const int64_t *s, int64_t n, void *ctx) \
{ \
    (void)ctx; \
    char *dp = d[0]; const char *sp = d[1]; \
    const int64_t s0 = s[0], s1 = s[1];  /* locals: -fno-strict-aliasing would reload them per element */ \
    if (s0 == ES && s1 == ES) { memcpy(dp, sp, (size_t)(n * ES)); return; } \
    if (s1 == 0) { T v = *(const T *)sp; for (int64_t i = 0; i < n; i++) *(T *)(dp + i * s0) = v; return; } \
    if (s0 == ES) { T *o = (T *)dp; for (int64_t i = 0; i < n; i++) o[i] = *(const T *)(sp + i * s1); return; } \
    for (int64_t i = 0; i < n; i++) *(T *)(dp + i * s0) = *(const T *)(sp + i * s1); \
}
DEFINE_COPY_SAME_(uint8_t, 1) DEFINE_COPY_SAME_(uint16_t, 2) DEFINE_COPY_SAME_(uint32_t, 4) DEFINE_COPY_SAME_(uint64_t, 8)

static THLoop copy_same_kernel(int es)
{
    switch (es) { case 1: return copy_same_1; case 2: return copy_same_2; case 4: return copy_same_4; }
    return copy_same_8;
}

/* float16 <-> float32 are the common half conversions (.half(), .float()): direct loops */
static void copy_Half_Float(char **d, const int64_t *s, int64_t n, void *ctx)
{
    (void)ctx;
    char *dp = d[0]; const char *sp = d[1];
    const int64_t s0 = s[0], s1 = s[1];
    for (int64_t i = 0; i < n; i++) *(uint16_t *)(dp + i * s0) = TH_floatToHalf(*(const float *)(sp + i * s1));
}
static void copy_Float_Half(char **d, const int64_t *s, int64_t n, void *ctx)
{
    (void)ctx;
    char *dp = d[0]; const char *sp = d[1];
    const int64_t s0 = s[0], s1 = s[1];
    for (int64_t i = 0; i < n; i++) *(float *)(dp + i * s0) = TH_halfToFloat(*(const uint16_t *)(sp + i * s1));
}

typedef struct { int ddt, sdt; } SlowCtx;
static void copy_slow(char **d, const int64_t *s, int64_t n, void *vctx)
{
    SlowCtx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        const char *sp = d[1] + i * s[1];
        char *dp = d[0] + i * s[0];
        if (TH_isFloat(c->sdt) || TH_isFloat(c->ddt)) TH_storeDouble(dp, c->ddt, TH_loadDouble(sp, c->sdt));
        else TH_storeInt64(dp, c->ddt, TH_loadInt64(sp, c->sdt));
    }
}

static THLoop copy_kernel(int ddt, int sdt)
{
#define CASE_SRC(DN) \
    switch (sdt) { \
    case TH_FLOAT32: return copy_##DN##_Float; case TH_FLOAT64: return copy_##DN##_Double; \
    case TH_UINT8: return copy_##DN##_Byte; case TH_INT8: return copy_##DN##_Char; \
    case TH_INT16: return copy_##DN##_Short; case TH_INT32: return copy_##DN##_Int; \
    case TH_INT64: return copy_##DN##_Long; case TH_BOOL: return copy_##DN##_Bool; } break;
    switch (ddt) {
    case TH_FLOAT32: CASE_SRC(Float) case TH_FLOAT64: CASE_SRC(Double) case TH_UINT8: CASE_SRC(Byte)
    case TH_INT8: CASE_SRC(Char) case TH_INT16: CASE_SRC(Short) case TH_INT32: CASE_SRC(Int)
    case TH_INT64: CASE_SRC(Long) case TH_BOOL: CASE_SRC(Bool)
    }
#undef CASE_SRC
    return NULL;
}

int THTensor_copy(THTensor *dst, THTensor *src)
{
    TH_CHECK(dst && src, TH_ERR_VALUE, "copy: tensor is NULL");
    TH_CHECK(TH_validDtype(dst->dtype), TH_ERR_TYPE, "copy: destination has no dtype");
    if (dst == src) return 0;
    TH_CHECK(!TH_internalOverlap(dst), TH_ERR_RUNTIME,
             "unsupported operation: more than one element of the written-to tensor refers to a single "
             "memory location. Please clone() the tensor before performing the operation.");
    THTensor *tmp = NULL;
    if (TH_overlapsDifferently(dst, src)) {
        tmp = THTensor_newClone(src);
        if (!tmp) return TH_lastErrorCode();
        src = tmp;
    }
    THIter it;
    THTensor *ops[2] = {dst, src};
    int st = THIter_build(&it, 2, ops, dst->ndim, dst->size, 0);
    if (st) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", TH_lastError());
        THTensor_free(tmp);
        return TH_setError(TH_ERR_VALUE, "copy: the source cannot be broadcast to the destination's shape: %s", msg);
    }
    if (dst->dtype == src->dtype) {
        THIter_run(&it, copy_same_kernel(TH_dtypeSize(dst->dtype)), NULL, 1);
    } else if (dst->dtype == TH_FLOAT16 && src->dtype == TH_FLOAT32) {
        THIter_run(&it, copy_Half_Float, NULL, 1);
    } else if (dst->dtype == TH_FLOAT32 && src->dtype == TH_FLOAT16) {
        THIter_run(&it, copy_Float_Half, NULL, 1);
    } else if (dst->dtype == TH_FLOAT16 || src->dtype == TH_FLOAT16) {
        SlowCtx c = {dst->dtype, src->dtype};
        THIter_run(&it, copy_slow, &c, 1);
    } else {
        THIter_run(&it, copy_kernel(dst->dtype, src->dtype), NULL, 1);
    }
    THTensor_bumpVersion(dst);
    THTensor_free(tmp);
    return 0;
}

#define DEFINE_FILL_(CODE, T, N) \
static void fill_##N(char **d, const int64_t *s, int64_t n, void *ctx) \
{ \
    T v = *(T *)ctx; \
    char *dp = d[0]; const int64_t s0 = s[0]; \
    if (s0 == sizeof(T)) { T *o = (T *)dp; for (int64_t i = 0; i < n; i++) o[i] = v; } \
    else for (int64_t i = 0; i < n; i++) *(T *)(dp + i * s0) = v; \
}
TH_FORALL_DTYPES(DEFINE_FILL_)
static void fill_Half(char **d, const int64_t *s, int64_t n, void *ctx)
{
    uint16_t v = *(uint16_t *)ctx;
    char *dp = d[0]; const int64_t s0 = s[0];
    for (int64_t i = 0; i < n; i++) *(uint16_t *)(dp + i * s0) = v;
}

static int fill_bytes(THTensor *t, const char *value)
{
    THIter it;
    TH_TRY(THIter_build(&it, 1, &t, t->ndim, t->size, 0));
    THLoop fn = NULL;
    switch (t->dtype) {
#define CASE_(CODE, T, N) case CODE: fn = fill_##N; break;
    TH_FORALL_DTYPES(CASE_)
#undef CASE_
    case TH_FLOAT16: fn = fill_Half; break;
    }
    TH_CHECK(fn, TH_ERR_TYPE, "fill: tensor has no dtype");
    THIter_run(&it, fn, (void *)value, 1);
    THTensor_bumpVersion(t);
    return 0;
}

int THTensor_fill(THTensor *t, double value)
{
    TH_CHECK(t && TH_validDtype(t->dtype), TH_ERR_TYPE, "fill: tensor has no dtype");
    char buf[8];
    TH_storeDouble(buf, t->dtype, value);
    return fill_bytes(t, buf);
}

int THTensor_fillInt(THTensor *t, int64_t value)
{
    TH_CHECK(t && TH_validDtype(t->dtype), TH_ERR_TYPE, "fill: tensor has no dtype");
    char buf[8];
    TH_storeInt64(buf, t->dtype, value);
    return fill_bytes(t, buf);
}

int THTensor_zero(THTensor *t) { return THTensor_fillInt(t, 0); }

int THTensor_itemDouble(THTensor *t, double *out)
{
    TH_CHECK(THTensor_numel(t) == 1, TH_ERR_VALUE,
             "a Tensor with %lld elements cannot be converted to Scalar", (long long)THTensor_numel(t));
    *out = TH_loadDouble(THTensor_data(t), t->dtype);
    return 0;
}

int THTensor_itemInt64(THTensor *t, int64_t *out)
{
    TH_CHECK(THTensor_numel(t) == 1, TH_ERR_VALUE,
             "a Tensor with %lld elements cannot be converted to Scalar", (long long)THTensor_numel(t));
    *out = TH_loadInt64(THTensor_data(t), t->dtype);
    return 0;
}

typedef struct { int adt, bdt; int differ; } EqCtx;
static void equal_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    EqCtx *c = vctx;
    if (c->differ) return;
    for (int64_t i = 0; i < n; i++) {
        const char *a = d[0] + i * s[0], *b = d[1] + i * s[1];
        if (TH_isFloat(c->adt) || TH_isFloat(c->bdt)) {
            if (TH_loadDouble(a, c->adt) != TH_loadDouble(b, c->bdt)) { c->differ = 1; return; }
        } else if (TH_loadInt64(a, c->adt) != TH_loadInt64(b, c->bdt)) { c->differ = 1; return; }
    }
}

int THTensor_equal(THTensor *a, THTensor *b, int *result)
{
    *result = 0;
    if (a->ndim != b->ndim) return 0;
    for (int d = 0; d < a->ndim; d++) if (a->size[d] != b->size[d]) return 0;
    THIter it;
    THTensor *ops[2] = {a, b};
    TH_TRY(THIter_build(&it, 2, ops, a->ndim, a->size, 0));
    EqCtx c = {a->dtype, b->dtype, 0};
    THIter_run(&it, equal_loop, &c, 0);
    *result = !c.differ;
    return 0;
}
