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

/* ---- blas */
int THTensor_addmm(THTensor *out, double beta, THTensor *M, double alpha, THTensor *a, THTensor *b)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_addmm is not implemented yet"); }
int THTensor_addmv(THTensor *out, double beta, THTensor *v, double alpha, THTensor *mat, THTensor *vec)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_addmv is not implemented yet"); }
int THTensor_addr(THTensor *out, double beta, THTensor *M, double alpha, THTensor *x, THTensor *y)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_addr is not implemented yet"); }
int THTensor_baddbmm(THTensor *out, double beta, THTensor *M, double alpha, THTensor *a, THTensor *b)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_baddbmm is not implemented yet"); }
int THTensor_addbmm(THTensor *out, double beta, THTensor *M, double alpha, THTensor *a, THTensor *b)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_addbmm is not implemented yet"); }
int THTensor_dot(THTensor *out, THTensor *a, THTensor *b)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_dot is not implemented yet"); }
int THTensor_matmul(THTensor *out, THTensor *a, THTensor *b)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_matmul is not implemented yet"); }

/* ---- lapack */
int THTensor_gesv(THTensor *x, THTensor *lu, THTensor *b, THTensor *a)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_gesv is not implemented yet"); }
int THTensor_inverse(THTensor *out, THTensor *a)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_inverse is not implemented yet"); }
int THTensor_potrf(THTensor *out, THTensor *a, int upper)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_potrf is not implemented yet"); }
int THTensor_potrs(THTensor *out, THTensor *b, THTensor *chol, int upper)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_potrs is not implemented yet"); }
int THTensor_potri(THTensor *out, THTensor *chol, int upper)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_potri is not implemented yet"); }
int THTensor_qr(THTensor *q, THTensor *r, THTensor *a)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_qr is not implemented yet"); }
int THTensor_svd(THTensor *u, THTensor *s, THTensor *v, THTensor *a, int some)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_svd is not implemented yet"); }
int THTensor_symeig(THTensor *e, THTensor *v, THTensor *a, int eigenvectors, int upper)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_symeig is not implemented yet"); }
int THTensor_eig(THTensor *e, THTensor *v, THTensor *a, int eigenvectors)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_eig is not implemented yet"); }
int THTensor_det(THTensor *out, THTensor *a)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_det is not implemented yet"); }
int THTensor_trtrs(THTensor *x, THTensor *b, THTensor *a, int upper, int transpose, int unitriangular)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_trtrs is not implemented yet"); }
int THTensor_gels(THTensor *x, THTensor *b, THTensor *a)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_gels is not implemented yet"); }

/* ---- shape */
int THTensor_cat(THTensor *out, int n, THTensor **inputs, int dim)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_cat is not implemented yet"); }
int THTensor_stack(THTensor *out, int n, THTensor **inputs, int dim)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_stack is not implemented yet"); }
int THTensor_arange(THTensor *out, double start, double end, double step, int inclusive)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_arange is not implemented yet"); }
int THTensor_linspace(THTensor *out, double start, double end, int64_t steps)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_linspace is not implemented yet"); }
int THTensor_logspace(THTensor *out, double start, double end, int64_t steps, double base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_logspace is not implemented yet"); }
int THTensor_eye(THTensor *out, int64_t n, int64_t m)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_eye is not implemented yet"); }
int THTensor_diag(THTensor *out, THTensor *a, int64_t k)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_diag is not implemented yet"); }
int THTensor_tril(THTensor *out, THTensor *a, int64_t k)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_tril is not implemented yet"); }
int THTensor_triu(THTensor *out, THTensor *a, int64_t k)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_triu is not implemented yet"); }
int THTensor_trace(THTensor *out, THTensor *a)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_trace is not implemented yet"); }
int THTensor_cross(THTensor *out, THTensor *a, THTensor *b, int dim)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_cross is not implemented yet"); }
int THTensor_histc(THTensor *out, THTensor *a, int64_t bins, double min, double max)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_histc is not implemented yet"); }
int THTensor_renorm(THTensor *out, THTensor *a, double p, int dim, double maxnorm)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_renorm is not implemented yet"); }
int THTensor_flip(THTensor *out, THTensor *a, int ndims, const int *dims)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_flip is not implemented yet"); }
int THTensor_roll(THTensor *out, THTensor *a, int nshifts, const int64_t *shifts, const int *dims)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_roll is not implemented yet"); }
int THTensor_repeat(THTensor *out, THTensor *a, int nrepeats, const int64_t *repeats)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_repeat is not implemented yet"); }

/* ---- random */
THGenerator *THGenerator_new(void)
{ TH_setError(TH_ERR_NOTIMPL, "THGenerator_new is not implemented yet"); return NULL; }
void THGenerator_free(THGenerator *g)
{ }
THGenerator *THGenerator_default(void)
{ TH_setError(TH_ERR_NOTIMPL, "THGenerator_default is not implemented yet"); return NULL; }
int THGenerator_copy(THGenerator *dst, const THGenerator *src)
{ return TH_setError(TH_ERR_NOTIMPL, "THGenerator_copy is not implemented yet"); }
void THGenerator_manualSeed(THGenerator *g, uint64_t seed)
{ }
uint64_t THGenerator_seed(THGenerator *g)
{ TH_setError(TH_ERR_NOTIMPL, "THGenerator_seed is not implemented yet"); return 0; }
uint64_t THGenerator_initialSeed(THGenerator *g)
{ TH_setError(TH_ERR_NOTIMPL, "THGenerator_initialSeed is not implemented yet"); return 0; }
int64_t THGenerator_stateSize(void)
{ TH_setError(TH_ERR_NOTIMPL, "THGenerator_stateSize is not implemented yet"); return 0; }
int THGenerator_getState(THGenerator *g, void *bytes, int64_t n)
{ return TH_setError(TH_ERR_NOTIMPL, "THGenerator_getState is not implemented yet"); }
int THGenerator_setState(THGenerator *g, const void *bytes, int64_t n)
{ return TH_setError(TH_ERR_NOTIMPL, "THGenerator_setState is not implemented yet"); }
uint32_t THRandom_random(THGenerator *g)
{ TH_setError(TH_ERR_NOTIMPL, "THRandom_random is not implemented yet"); return 0; }
uint64_t THRandom_random64(THGenerator *g)
{ TH_setError(TH_ERR_NOTIMPL, "THRandom_random64 is not implemented yet"); return 0; }
double THRandom_uniform(THGenerator *g, double a, double b)
{ TH_setError(TH_ERR_NOTIMPL, "THRandom_uniform is not implemented yet"); return 0; }
double THRandom_normal(THGenerator *g, double mean, double stdv)
{ TH_setError(TH_ERR_NOTIMPL, "THRandom_normal is not implemented yet"); return 0; }
double THRandom_exponential(THGenerator *g, double lambda)
{ TH_setError(TH_ERR_NOTIMPL, "THRandom_exponential is not implemented yet"); return 0; }
double THRandom_cauchy(THGenerator *g, double median, double sigma)
{ TH_setError(TH_ERR_NOTIMPL, "THRandom_cauchy is not implemented yet"); return 0; }
double THRandom_logNormal(THGenerator *g, double mean, double stdv)
{ TH_setError(TH_ERR_NOTIMPL, "THRandom_logNormal is not implemented yet"); return 0; }
int THRandom_geometric(THGenerator *g, double p)
{ return TH_setError(TH_ERR_NOTIMPL, "THRandom_geometric is not implemented yet"); }
int THRandom_bernoulli(THGenerator *g, double p)
{ return TH_setError(TH_ERR_NOTIMPL, "THRandom_bernoulli is not implemented yet"); }
int THTensor_uniform(THTensor *t, THGenerator *g, double a, double b)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_uniform is not implemented yet"); }
int THTensor_normal(THTensor *t, THGenerator *g, double mean, double stdv)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_normal is not implemented yet"); }
int THTensor_exponential(THTensor *t, THGenerator *g, double lambda)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_exponential is not implemented yet"); }
int THTensor_cauchy(THTensor *t, THGenerator *g, double median, double sigma)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_cauchy is not implemented yet"); }
int THTensor_logNormal(THTensor *t, THGenerator *g, double mean, double stdv)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_logNormal is not implemented yet"); }
int THTensor_geometric(THTensor *t, THGenerator *g, double p)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_geometric is not implemented yet"); }
int THTensor_bernoulli(THTensor *t, THGenerator *g, double p)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_bernoulli is not implemented yet"); }
int THTensor_bernoulliTensor(THTensor *t, THGenerator *g, THTensor *probs)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_bernoulliTensor is not implemented yet"); }
int THTensor_random(THTensor *t, THGenerator *g)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_random is not implemented yet"); }
int THTensor_randomRange(THTensor *t, THGenerator *g, int64_t low, int64_t high)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_randomRange is not implemented yet"); }
int THTensor_randperm(THTensor *out, THGenerator *g, int64_t n, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_randperm is not implemented yet"); }
int THTensor_multinomial(THTensor *out, THGenerator *g, THTensor *probs, int64_t n, int replacement, int index_base)
{ return TH_setError(TH_ERR_NOTIMPL, "THTensor_multinomial is not implemented yet"); }
