/* BLAS glue: the only file that includes OpenBLAS's cblas.h. */
#include "THBlas.h"
#include "THIter.h"
#include <cblas.h>
#ifdef _OPENMP
#include <omp.h>
#endif

void THBlas_gemm(int dtype, char transa, char transb, int64_t m, int64_t n, int64_t k, double alpha,
                 const void *a, int64_t lda, const void *b, int64_t ldb, double beta, void *c, int64_t ldc)
{
    enum CBLAS_TRANSPOSE ta = transa == 'T' ? CblasTrans : CblasNoTrans;
    enum CBLAS_TRANSPOSE tb = transb == 'T' ? CblasTrans : CblasNoTrans;
    int nth = THBlas_threadsBegin(m, n, k);
    if (dtype == TH_FLOAT32)
        scipy_cblas_sgemm(CblasRowMajor, ta, tb, (blasint)m, (blasint)n, (blasint)k, (float)alpha,
                          (const float *)a, (blasint)lda, (const float *)b, (blasint)ldb, (float)beta,
                          (float *)c, (blasint)ldc);
    else
        scipy_cblas_dgemm(CblasRowMajor, ta, tb, (blasint)m, (blasint)n, (blasint)k, alpha,
                          (const double *)a, (blasint)lda, (const double *)b, (blasint)ldb, beta,
                          (double *)c, (blasint)ldc);
    THBlas_threadsEnd(nth);
}

/* exported by the scipy-openblas32 wheel */
void scipy_openblas_set_num_threads(int n);
int scipy_openblas_get_num_threads(void);

void THBlas_setNumThreads(int n)
{
    if (n > 0) scipy_openblas_set_num_threads(n);
}

int THBlas_getNumThreads(void)
{
    return scipy_openblas_get_num_threads();
}

int THBlas_threadsBegin(int64_t m, int64_t n, int64_t k)
{
    int64_t work = m * n * k;
    if (work < TH_OMP_THRESHOLD) return 0;    /* OpenBLAS runs these on one thread anyway */
#ifdef _OPENMP
    if (omp_in_parallel()) return 0;    /* the count is global: never changed from inside a team */
#endif
    int prev = THBlas_getNumThreads();
    if (prev > 1 && !TH_parallelOK(work)) {
        THBlas_setNumThreads(1);
        return prev;
    }
    return 0;
}

void THBlas_threadsEnd(int prev)
{
    if (prev > 1) THBlas_setNumThreads(prev);
}
