/* Functions declared in TH.h whose implementation has not landed yet: each reports
 * TH_ERR_NOTIMPL. An entry is deleted when its real implementation lands; the
 * file goes away when it is empty. */
#include "THGeneral.h"

/* ---- pointwise */
int THTensor_unary(THTensor *out, int op, THTensor *a)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_unary is not implemented yet"); }
int THTensor_binary(THTensor *out, int op, THTensor *a, THTensor *b, double alpha)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_binary is not implemented yet"); }
int THTensor_binaryScalar(THTensor *out, int op, THTensor *a, double s, int reversed)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_binaryScalar is not implemented yet"); }
int THTensor_clamp(THTensor *out, THTensor *a, double min, double max, int has_min, int has_max)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_clamp is not implemented yet"); }
int THTensor_addcmul(THTensor *out, THTensor *a, THTensor *t1, THTensor *t2, double value)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_addcmul is not implemented yet"); }
int THTensor_addcdiv(THTensor *out, THTensor *a, THTensor *t1, THTensor *t2, double value)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_addcdiv is not implemented yet"); }
int THTensor_lerp(THTensor *out, THTensor *a, THTensor *b, THTensor *weight)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_lerp is not implemented yet"); }
int THTensor_lerpScalar(THTensor *out, THTensor *a, THTensor *b, double weight)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_lerpScalar is not implemented yet"); }
int THTensor_where(THTensor *out, THTensor *cond, THTensor *a, THTensor *b)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_where is not implemented yet"); }

/* ---- reduce */
int THTensor_reduce(THTensor *out, int op, THTensor *a, int ndims, const int *dims, int keepdim, double arg)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_reduce is not implemented yet"); }
int THTensor_maxDim(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_maxDim is not implemented yet"); }
int THTensor_minDim(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_minDim is not implemented yet"); }
int THTensor_cumsum(THTensor *out, THTensor *a, int dim)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_cumsum is not implemented yet"); }
int THTensor_cumprod(THTensor *out, THTensor *a, int dim)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_cumprod is not implemented yet"); }
int THTensor_dist(THTensor *out, THTensor *a, THTensor *b, double p)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_dist is not implemented yet"); }

/* ---- index */
int THTensor_indexSelect(THTensor *out, THTensor *src, int dim, THTensor *index, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_indexSelect is not implemented yet"); }
int THTensor_indexCopy(THTensor *self, int dim, THTensor *index, THTensor *src, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_indexCopy is not implemented yet"); }
int THTensor_indexAdd(THTensor *self, int dim, THTensor *index, THTensor *src, double alpha, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_indexAdd is not implemented yet"); }
int THTensor_indexFill(THTensor *self, int dim, THTensor *index, double value, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_indexFill is not implemented yet"); }
int THTensor_gather(THTensor *out, THTensor *src, int dim, THTensor *index, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_gather is not implemented yet"); }
int THTensor_scatter(THTensor *self, int dim, THTensor *index, THTensor *src, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_scatter is not implemented yet"); }
int THTensor_scatterAdd(THTensor *self, int dim, THTensor *index, THTensor *src, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_scatterAdd is not implemented yet"); }
int THTensor_scatterFill(THTensor *self, int dim, THTensor *index, double value, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_scatterFill is not implemented yet"); }
int THTensor_maskedFill(THTensor *self, THTensor *mask, double value)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_maskedFill is not implemented yet"); }
int THTensor_maskedSelect(THTensor *out, THTensor *src, THTensor *mask)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_maskedSelect is not implemented yet"); }
int THTensor_maskedScatter(THTensor *self, THTensor *mask, THTensor *src)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_maskedScatter is not implemented yet"); }
int THTensor_nonzero(THTensor *out, THTensor *src, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_nonzero is not implemented yet"); }
int THTensor_take(THTensor *out, THTensor *src, THTensor *index, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_take is not implemented yet"); }
int THTensor_put(THTensor *self, THTensor *index, THTensor *src, int accumulate, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_put is not implemented yet"); }

/* ---- sort */
int THTensor_sort(THTensor *values, THTensor *indices, THTensor *a, int dim, int descending, int stable, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_sort is not implemented yet"); }
int THTensor_topk(THTensor *values, THTensor *indices, THTensor *a, int64_t k, int dim, int largest, int sorted, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_topk is not implemented yet"); }
int THTensor_kthvalue(THTensor *values, THTensor *indices, THTensor *a, int64_t k, int dim, int keepdim, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_kthvalue is not implemented yet"); }
int THTensor_median(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_median is not implemented yet"); }
int THTensor_mode(THTensor *values, THTensor *indices, THTensor *a, int dim, int keepdim, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_mode is not implemented yet"); }

