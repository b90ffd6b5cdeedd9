/* BLAS/LAPACK glue (internal): OpenBLAS from the scipy-openblas32 wheel, 32-bit ints,
 * symbols prefixed scipy_. Float arrays are void * so one call site serves float32 and
 * float64 (THLapack_pick chooses the s/d routine by dtype). */
#ifndef TH_BLAS_H
#define TH_BLAS_H
#include "THGeneral.h"

/* Largest dimension or leading dimension the 32-bit BLAS accepts. */
#define TH_BLAS_INT_MAX 2147483647LL

/* Row-major C (m x n, ldc) = alpha * op(A) op(B) + beta * C for float32/float64.
 * trans 'N' or 'T'; lda/ldb are the row-major leading dimensions of A and B as stored.
 * Callers check every size against TH_BLAS_INT_MAX. */
void THBlas_gemm(int dtype, char transa, char transb, int64_t m, int64_t n, int64_t k, double alpha,
                 const void *a, int64_t lda, const void *b, int64_t ldb, double beta, void *c, int64_t ldc);

/* OpenBLAS's own thread pool (separate from OpenMP's); TH_setNumThreads sets both. */
void THBlas_setNumThreads(int n);
int THBlas_getNumThreads(void);

/* Around one BLAS/LAPACK call of about m*n*k multiply-adds: OpenBLAS's threads follow the one
 * threading policy, TH_parallelOK. On a busy machine its threads wait for each other at every
 * barrier (a 256^3 sgemm or a 512x512 LU runs 10-100x slower than on one thread), so there the
 * call runs on one. Begin returns what End restores. */
int THBlas_threadsBegin(int64_t m, int64_t n, int64_t k);
void THBlas_threadsEnd(int prev);

/* LAPACK (Fortran interface: everything by pointer, column-major, hidden string lengths last). */
#define TH_LAPACK_DECL(x) \
void scipy_##x##gesv_(int *n, int *nrhs, void *a, int *lda, int *ipiv, void *b, int *ldb, int *info); \
void scipy_##x##getrf_(int *m, int *n, void *a, int *lda, int *ipiv, int *info); \
void scipy_##x##getrs_(char *trans, int *n, int *nrhs, void *a, int *lda, int *ipiv, void *b, int *ldb, \
                       int *info, size_t); \
void scipy_##x##getri_(int *n, void *a, int *lda, int *ipiv, void *work, int *lwork, int *info); \
void scipy_##x##potrf_(char *uplo, int *n, void *a, int *lda, int *info, size_t); \
void scipy_##x##potrs_(char *uplo, int *n, int *nrhs, void *a, int *lda, void *b, int *ldb, int *info, size_t); \
void scipy_##x##potri_(char *uplo, int *n, void *a, int *lda, int *info, size_t); \
void scipy_##x##geqrf_(int *m, int *n, void *a, int *lda, void *tau, void *work, int *lwork, int *info); \
void scipy_##x##orgqr_(int *m, int *n, int *k, void *a, int *lda, void *tau, void *work, int *lwork, int *info); \
void scipy_##x##ormqr_(char *side, char *trans, int *m, int *n, int *k, void *a, int *lda, void *tau, void *c, \
                       int *ldc, void *work, int *lwork, int *info, size_t, size_t); \
void scipy_##x##pstrf_(char *uplo, int *n, void *a, int *lda, int *piv, int *rank, void *tol, void *work, \
                       int *info, size_t); \
void scipy_##x##gesdd_(char *jobz, int *m, int *n, void *a, int *lda, void *s, void *u, int *ldu, void *vt, \
                       int *ldvt, void *work, int *lwork, int *iwork, int *info, size_t); \
void scipy_##x##syevd_(char *jobz, char *uplo, int *n, void *a, int *lda, void *w, void *work, int *lwork, \
                       int *iwork, int *liwork, int *info, size_t, size_t); \
void scipy_##x##geev_(char *jobvl, char *jobvr, int *n, void *a, int *lda, void *wr, void *wi, void *vl, \
                      int *ldvl, void *vr, int *ldvr, void *work, int *lwork, int *info, size_t, size_t); \
void scipy_##x##trtrs_(char *uplo, char *trans, char *diag, int *n, int *nrhs, void *a, int *lda, void *b, \
                       int *ldb, int *info, size_t, size_t, size_t); \
void scipy_##x##gels_(char *trans, int *m, int *n, int *nrhs, void *a, int *lda, void *b, int *ldb, \
                      void *work, int *lwork, int *info, size_t);
TH_LAPACK_DECL(s)
TH_LAPACK_DECL(d)
#undef TH_LAPACK_DECL

/* The s or d variant of a LAPACK routine for a float32/float64 dtype. */
#define THLapack_pick(dtype, name) ((dtype) == TH_FLOAT32 ? scipy_s##name##_ : scipy_d##name##_)

#endif
