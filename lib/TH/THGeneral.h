/* Internal header of lib/TH: the ABI, error reporting, dtype dispatch. */
#ifndef TH_GENERAL_H
#define TH_GENERAL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#include <math.h>
#include "../include/TH.h"

/* Record an error (printf-style) and evaluate to its code. C never aborts. */
int TH_setError(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define TH_ERROR(code, ...) TH_setError((code), __VA_ARGS__)
/* Return the error code from the enclosing int function when cond is false. */
#define TH_CHECK(cond, code, ...) do { if (!(cond)) return TH_setError((code), __VA_ARGS__); } while (0)
/* Propagate a failed status. */
#define TH_TRY(expr) do { int th_st_ = (expr); if (th_st_) return th_st_; } while (0)

void *TH_alloc(int64_t nbytes);        /* 64-byte aligned; NULL + error on failure; release with TH_free only */
void *TH_realloc(void *p, int64_t old_nbytes, int64_t nbytes);
void TH_free(void *p);
void TH_trackBytes(int64_t delta);

/* Elements above which loops are split across OpenMP threads. */
#define TH_OMP_THRESHOLD 32768

/* X-macro over every computable dtype: _(CODE, ctype, Name). float16 is storage-only. */
#define TH_FORALL_DTYPES(_) \
    _(TH_FLOAT32, float, Float) _(TH_FLOAT64, double, Double) \
    _(TH_UINT8, uint8_t, Byte) _(TH_INT8, int8_t, Char) _(TH_INT16, int16_t, Short) \
    _(TH_INT32, int32_t, Int) _(TH_INT64, int64_t, Long) _(TH_BOOL, uint8_t, Bool)
#define TH_FORALL_FLOAT_DTYPES(_) _(TH_FLOAT32, float, Float) _(TH_FLOAT64, double, Double)
#define TH_FORALL_INT_DTYPES(_) \
    _(TH_UINT8, uint8_t, Byte) _(TH_INT8, int8_t, Char) _(TH_INT16, int16_t, Short) \
    _(TH_INT32, int32_t, Int) _(TH_INT64, int64_t, Long)

static inline int TH_isFloat(int dt) { return dt == TH_FLOAT32 || dt == TH_FLOAT64 || dt == TH_FLOAT16; }
static inline int TH_isIntegral(int dt) { return dt >= TH_UINT8 && dt <= TH_INT64; }
static inline int TH_validDtype(int dt) { return dt >= 0 && dt < TH_NDTYPES; }

/* Read/write one element of any dtype as double or int64 (slow path helpers). */
double TH_loadDouble(const char *p, int dtype);
int64_t TH_loadInt64(const char *p, int dtype);
void TH_storeDouble(char *p, int dtype, double v);
void TH_storeInt64(char *p, int dtype, int64_t v);

#endif
