/* Functions declared in TH.h whose implementation has not landed yet: each reports
 * TH_ERR_NOTIMPL. An entry is deleted when its real implementation lands; the
 * file goes away when it is empty. */
#include "THGeneral.h"


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

