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

