/* LookupTable (embedding) gradient and max-norm renormalisation. The forward pass is an
 * index select done by the frontends. */
#include "THNNElementwise.h"
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static int check_indices(const char *fn, const int64_t *idx, int64_t n, int64_t nIndex, int base, int64_t skip,
                         int has_skip)
{
    for (int64_t i = 0; i < n; i++) {
        if (has_skip && idx[i] == skip) continue;
        TH_CHECK(idx[i] >= base && idx[i] < nIndex + base, TH_ERR_INDEX, "%s: index %lld is out of bounds [%d, %lld)",
                 fn, (long long)idx[i], base, (long long)(nIndex + base));
    }
    return 0;
}

#define LT_IMPL(CODE, T, NM) \
static void acc_##NM(const int64_t *idx, int64_t n, const T *go, T *gw, int64_t gw_stride0, int64_t D, \
                     const int64_t *cnt, int64_t pad, int base, double scale, int64_t nIndex) \
{ \
    /* each thread owns a contiguous range of weight rows: no two threads write one row */ \
    _Pragma("omp parallel if (TH_parallelOK(n * D))") \
    { \
        int nth = 1, tid = 0; \
        PAR_IDS(nth, tid); \
        const int64_t lo = nIndex * tid / nth, hi = nIndex * (tid + 1) / nth; \
        for (int64_t i = 0; i < n; i++) { \
            if (idx[i] == pad) continue; \
            const int64_t k = idx[i] - base; \
            if (k < lo || k >= hi) continue; \
            const T s = (T)(cnt ? scale / (double)cnt[k] : scale); \
            T *row = gw + k * gw_stride0; const T *src = go + i * D; \
            for (int64_t d = 0; d < D; d++) row[d] += s * src[d]; \
        } \
    } \
}
#ifdef _OPENMP
#define PAR_IDS(nth, tid) do { nth = omp_get_num_threads(); tid = omp_get_thread_num(); } while (0)
#else
#define PAR_IDS(nth, tid) do { (void)nth; (void)tid; } while (0)
#endif
TH_FORALL_FLOAT_DTYPES(LT_IMPL)

int THNN_LookupTable_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                       THTensor *count, THTensor *sorted, THTensor *indices,
                                       int scaleGradByFreq, int64_t paddingValue, double scale, int index_base)
{
    (void)sorted; (void)indices;
    const char *fn = "LookupTable";
    char b0[128], b1[128];
    TH_CHECK(input && gradOutput && gradWeight, TH_ERR_VALUE, "LookupTable: input, gradOutput or gradWeight is NULL");
    TH_CHECK(input->dtype == TH_INT64, TH_ERR_TYPE, "LookupTable: expected int64 indices for input, got %s",
             input->dtype < 0 ? "an undefined tensor" : TH_dtypeName(input->dtype));
    THNN_CHECK_FLOAT(fn, gradWeight);
    TH_CHECK(gradOutput->dtype == gradWeight->dtype, TH_ERR_TYPE, "LookupTable: gradOutput has dtype %s but gradWeight "
             "has dtype %s", TH_dtypeName(gradOutput->dtype), TH_dtypeName(gradWeight->dtype));
    TH_CHECK(gradWeight->ndim == 2, TH_ERR_VALUE, "LookupTable: expected gradWeight of 2 dimensions (nIndex x D), got %s",
             THNN_sizeDesc(gradWeight, b0, sizeof b0));
    const int64_t nIndex = gradWeight->size[0], D = gradWeight->size[1], n = THTensor_numel(input);
    TH_CHECK(THTensor_numel(gradOutput) == n * D && (gradOutput->ndim == 0 || gradOutput->size[gradOutput->ndim - 1] == D
             || n * D == 0), TH_ERR_VALUE,
             "LookupTable: gradOutput of size %s does not hold one row of %lld values per index of input of size %s",
             THNN_sizeDesc(gradOutput, b0, sizeof b0), (long long)D, THNN_sizeDesc(input, b1, sizeof b1));
    TH_CHECK(gradWeight->stride[1] == 1 || D <= 1, TH_ERR_VALUE, "LookupTable: gradWeight rows must be contiguous");
    THTensor *ic = THTensor_newContiguous(input), *goc = THTensor_newContiguous(gradOutput);
    THTensor *cntT = NULL;
    int64_t *cnt = NULL;
    int st = ic && goc ? 0 : TH_lastErrorCode();
    const int64_t *idx = ic ? THTensor_data(ic) : NULL;
    if (!st) st = check_indices(fn, idx, n, nIndex, index_base, paddingValue, 1);
    if (!st && (scaleGradByFreq || count)) {
        cntT = THTensor_newWithSize(TH_INT64, 1, &nIndex);
        st = cntT ? THTensor_zero(cntT) : TH_lastErrorCode();
        cnt = st ? NULL : THTensor_data(cntT);
        for (int64_t i = 0; !st && i < n; i++) if (idx[i] != paddingValue) cnt[idx[i] - index_base]++;
    }
    if (!st && count) {
        if (count->dtype < 0 && !count->storage) st = THTensor_setDtype(count, TH_INT64);
        if (!st) st = THTensor_resize(count, 1, &nIndex);
        if (!st) st = THTensor_copy(count, cntT);
    }
    if (!st && n * D > 0) {
        if (gradWeight->dtype == TH_FLOAT32)
            acc_Float(idx, n, THTensor_data(goc), THTensor_data(gradWeight), gradWeight->stride[0], D,
                      scaleGradByFreq ? cnt : NULL, paddingValue, index_base, scale, nIndex);
        else
            acc_Double(idx, n, THTensor_data(goc), THTensor_data(gradWeight), gradWeight->stride[0], D,
                       scaleGradByFreq ? cnt : NULL, paddingValue, index_base, scale, nIndex);
        THTensor_bumpVersion(gradWeight);
    }
    THTensor_free(cntT);
    THTensor_free(ic); THTensor_free(goc);
    return st;
}

#define RN_IMPL(CODE, T, NM) \
static void renorm_##NM(T *w, int64_t stride0, int64_t stride1, int64_t D, const char *rows, int64_t nIndex, \
                        double maxNorm, double normType) \
{ \
    _Pragma("omp parallel for if (TH_parallelOK(nIndex * D))") \
    for (int64_t k = 0; k < nIndex; k++) { \
        if (!rows[k]) continue; \
        T *r = w + k * stride0; \
        double norm = 0; \
        if (isinf(normType)) { for (int64_t d = 0; d < D; d++) { double a = fabs((double)r[d * stride1]); norm = a > norm ? a : norm; } } \
        else if (normType == 1) { for (int64_t d = 0; d < D; d++) norm += fabs((double)r[d * stride1]); } \
        else if (normType == 2) { for (int64_t d = 0; d < D; d++) norm += (double)r[d * stride1] * r[d * stride1]; norm = sqrt(norm); } \
        else { for (int64_t d = 0; d < D; d++) norm += pow(fabs((double)r[d * stride1]), normType); norm = pow(norm, 1.0 / normType); } \
        if (norm > maxNorm) { \
            const double f = maxNorm / (norm + 1e-7); \
            for (int64_t d = 0; d < D; d++) r[d * stride1] = (T)(r[d * stride1] * f); \
        } \
    } \
}
TH_FORALL_FLOAT_DTYPES(RN_IMPL)

int THNN_LookupTable_renorm(THTensor *idx, THTensor *weight, double maxNorm, double normType, int index_base)
{
    char b0[128];
    TH_CHECK(idx && weight, TH_ERR_VALUE, "LookupTable: idx or weight is NULL");
    TH_CHECK(idx->dtype == TH_INT64, TH_ERR_TYPE, "LookupTable: expected int64 indices for idx, got %s",
             idx->dtype < 0 ? "an undefined tensor" : TH_dtypeName(idx->dtype));
    THNN_CHECK_FLOAT("LookupTable", weight);
    TH_CHECK(weight->ndim == 2, TH_ERR_VALUE, "LookupTable: expected weight of 2 dimensions (nIndex x D), got %s",
             THNN_sizeDesc(weight, b0, sizeof b0));
    TH_CHECK(normType > 0, TH_ERR_VALUE, "LookupTable: normType must be positive, got %g", normType);
    TH_CHECK(maxNorm >= 0, TH_ERR_VALUE, "LookupTable: maxNorm must be non-negative, got %g", maxNorm);
    const int64_t nIndex = weight->size[0], D = weight->size[1], n = THTensor_numel(idx);
    THTensor *ic = THTensor_newContiguous(idx);
    if (!ic) return TH_lastErrorCode();
    const int64_t *ix = THTensor_data(ic);
    int st = check_indices("LookupTable", ix, n, nIndex, index_base, 0, 0);
    char *rows = st ? NULL : calloc((size_t)(nIndex > 0 ? nIndex : 1), 1);
    if (!st && !rows) st = TH_setError(TH_ERR_MEMORY, "LookupTable: out of memory");
    if (!st) {
        /* each row once, however often it is named */
        for (int64_t i = 0; i < n; i++) rows[ix[i] - index_base] = 1;
        if (weight->dtype == TH_FLOAT32)
            renorm_Float(THTensor_data(weight), weight->stride[0], weight->stride[1], D, rows, nIndex, maxNorm, normType);
        else
            renorm_Double(THTensor_data(weight), weight->stride[0], weight->stride[1], D, rows, nIndex, maxNorm, normType);
        THTensor_bumpVersion(weight);
    }
    free(rows);
    THTensor_free(ic);
    return st;
}
