/* LAPACK-level tensor ops (float32/float64): gesv, inverse, potrf/potrs/potri, qr, svd,
 * symeig, eig, det, trtrs, gels, batched LU (getrf/getrs).
 *
 * LAPACK wants column-major: every input is copied into a private column-major buffer
 * (a transposed contiguous tensor, strides (1, ld)), so inputs are never modified and an
 * output may alias an input. Results are copied into the outputs, resized row-major. */
#include "THIter.h"
#include "THBlas.h"
#include <stdlib.h>
#include <stdio.h>
#include <float.h>
#include <string.h>

#define ONE_CHAR ((size_t)1)

static int check_matrix(const char *fn, const char *name, const THTensor *a, int square)
{
    TH_CHECK(a, TH_ERR_VALUE, "%s: %s is NULL", fn, name);
    TH_CHECK(a->dtype == TH_FLOAT32 || a->dtype == TH_FLOAT64, TH_ERR_TYPE,
             "%s: %s must be a float32 or float64 tensor, got %s", fn, name, TH_dtypeName(a->dtype));
    TH_CHECK(a->ndim == 2, TH_ERR_VALUE, "%s: %s must be a 2-D matrix, got a %d-D tensor", fn, name, a->ndim);
    TH_CHECK(!square || a->size[0] == a->size[1], TH_ERR_VALUE, "%s: %s must be a square matrix, got %lldx%lld",
             fn, name, (long long)a->size[0], (long long)a->size[1]);
    TH_CHECK(a->size[0] <= TH_BLAS_INT_MAX && a->size[1] <= TH_BLAS_INT_MAX, TH_ERR_VALUE,
             "%s: %s of size %lldx%lld is beyond the 32-bit LAPACK's limit of 2^31-1 per dimension", fn, name,
             (long long)a->size[0], (long long)a->size[1]);
    return 0;
}

/* b as right-hand sides for an a with `rows` rows: 1-D (rows) or 2-D (rows x k). */
static int check_rhs(const char *fn, const THTensor *b, const THTensor *a, int64_t rows)
{
    TH_CHECK(b, TH_ERR_VALUE, "%s: b is NULL", fn);
    TH_CHECK(b->dtype == a->dtype, TH_ERR_TYPE, "%s: expected b and A to have the same dtype, but got %s and %s",
             fn, TH_dtypeName(b->dtype), TH_dtypeName(a->dtype));
    TH_CHECK(b->ndim == 1 || b->ndim == 2, TH_ERR_VALUE, "%s: b must be a 1-D or 2-D tensor, got a %d-D tensor",
             fn, b->ndim);
    TH_CHECK(b->size[0] == rows, TH_ERR_VALUE, "%s: b has %lld rows but A is %lldx%lld (they must match)",
             fn, (long long)b->size[0], (long long)a->size[0], (long long)a->size[1]);
    TH_CHECK(b->ndim == 1 || b->size[1] <= TH_BLAS_INT_MAX, TH_ERR_VALUE, "%s: too many right-hand sides", fn);
    return 0;
}

/* b viewed as a matrix (a 1-D b becomes one column), on the stack. */
static THTensor rhs_matrix(const THTensor *b)
{
    THTensor v = *b;
    if (b->ndim == 1) { v.ndim = 2; v.size[1] = 1; v.stride[1] = 1; }
    return v;
}

/* A new rows x cols column-major buffer (strides (1, ld), ld >= max(1, rows)) holding a
 * copy of src (NULL: uninitialised). Never has a NULL data pointer. */
static THTensor *colmajor(THTensor *src, int dtype, int64_t rows, int64_t cols, int64_t ld)
{
    if (ld < 1) ld = 1;
    int64_t size[2] = {cols > 0 ? cols : 1, ld};
    THTensor *buf = THTensor_newWithSize(dtype, 2, size);
    if (!buf) return NULL;
    int64_t vs[2] = {rows, cols}, vst[2] = {1, ld};
    THTensor *t = THTensor_newAsStrided(buf, 2, vs, vst, buf->offset);
    THTensor_free(buf);
    if (!t) return NULL;
    if (src && THTensor_copy(t, src)) { THTensor_free(t); return NULL; }
    return t;
}

/* out = src (resized, converted to out's dtype if it has one). */
static int store(THTensor *out, THTensor *src)
{
    if (!out) return 0;
    TH_TRY(TH_prepareOut(out, src->dtype, src->ndim, src->size));
    TH_TRY(THTensor_copy(out, src));
    THTensor_bumpVersion(out);
    return 0;
}

/* store a result for a right-hand side shaped like b (1-D b: column 0 only). */
static int store_like_rhs(THTensor *out, THTensor *X, const THTensor *b)
{
    if (b->ndim == 2) return store(out, X);
    THTensor col = *X;
    col.ndim = 1;
    return store(out, &col);
}

static int store_empty(THTensor *out, int dtype, int ndim, int64_t r, int64_t c)
{
    if (!out) return 0;
    int64_t size[2] = {r, c};
    TH_TRY(TH_prepareOut(out, dtype, ndim, size));
    THTensor_bumpVersion(out);
    return 0;
}

/* Workspace size from a LAPACK query (float32 results are rounded: add a margin). */
static int work_count(int dtype, const void *w)
{
    double v = dtype == TH_FLOAT32 ? (double)*(const float *)w : *(const double *)w;
    double n = v * (1.0 + 1e-6) + 1.0;
    return n > 2147483647.0 ? 2147483647 : (int)n;
}

static void *work_alloc(int dtype, int count)
{
    return TH_alloc((int64_t)(count > 1 ? count : 1) * TH_dtypeSize(dtype));
}

static double get2(const THTensor *t, int64_t i, int64_t j)
{
    const char *p = (const char *)THTensor_data(t) + (i * t->stride[0] + j * t->stride[1]) * TH_dtypeSize(t->dtype);
    return t->dtype == TH_FLOAT32 ? (double)*(const float *)p : *(const double *)p;
}

static void set2(THTensor *t, int64_t i, int64_t j, double v)
{
    char *p = (char *)THTensor_data(t) + (i * t->stride[0] + j * t->stride[1]) * TH_dtypeSize(t->dtype);
    if (t->dtype == TH_FLOAT32) *(float *)p = (float)v; else *(double *)p = v;
}

/* Zero the triangle LAPACK leaves untouched: below the diagonal (keep_upper) or above. */
static void zero_triangle(THTensor *t, int keep_upper)
{
    for (int64_t j = 0; j < t->size[1]; j++)
        for (int64_t i = 0; i < t->size[0]; i++)
            if (keep_upper ? i > j : i < j) set2(t, i, j, 0.0);
}

/* Fill the other triangle of a symmetric matrix from the stored one. */
static void symmetrize(THTensor *t, int from_upper)
{
    int64_t n = t->size[0];
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = j + 1; i < n; i++) {
            if (from_upper) set2(t, i, j, get2(t, j, i));
            else set2(t, j, i, get2(t, i, j));
        }
}

/* LAPACK's eigen/SVD drivers reject or loop on NaN/Inf: refuse them up front.
 * tri: 0 the whole matrix, 1 the upper triangle only, 2 the lower one (what is read). */
static int check_finite(const char *fn, const THTensor *t, int tri)
{
    for (int64_t j = 0; j < t->size[1]; j++)
        for (int64_t i = 0; i < t->size[0]; i++)
            if ((tri == 0 || (tri == 1 ? i <= j : i >= j)) && !isfinite(get2(t, i, j)))
                return TH_setError(TH_ERR_VALUE, "%s: the input matrix contains non-finite values (NaN or Inf) at "
                                   "(%lld, %lld)", fn, (long long)i, (long long)j);
    return 0;
}

static void set_identity(THTensor *t)
{
    THTensor_zero(t);
    int64_t k = t->size[0] < t->size[1] ? t->size[0] : t->size[1];
    for (int64_t i = 0; i < k; i++) set2(t, i, i, 1.0);
}

static int illegal(const char *fn, const char *routine, int info)
{
    return TH_setError(TH_ERR_RUNTIME, "%s: LAPACK %s rejected argument %d (internal error)", fn, routine, -info);
}

/* The status for a routine's info: < 0 an internal error naming the routine, > 0 its own
 * failure, described by fail (a format given fn, then info twice; NULL: not a failure). */
static int lapack_status(const char *fn, const char *routine, int info, const char *fail)
{
    if (info < 0) return illegal(fn, routine, info);
    if (info > 0 && fail) return TH_setError(TH_ERR_RUNTIME, fail, fn, info, info);
    return 0;
}

/* Run a LAPACK routine that takes a workspace: a size query (LWORK = -1, WORK a small
 * scratch), then the call proper with a buffer of the size asked for, freed after it.
 * CALL is the routine's call written with WORK and LWORK for its workspace arguments.
 * Evaluates to 0, or the error code when the buffer cannot be allocated. */
#define LAPACK_WITH_WORK(dt, CALL) ({ \
        double q_[2]; \
        void *WORK = q_; \
        int LWORK = -1; \
        CALL; \
        LWORK = work_count((dt), q_); \
        WORK = work_alloc((dt), LWORK); \
        int st_ = WORK ? 0 : TH_lastErrorCode(); \
        if (WORK) { CALL; TH_free(WORK); } \
        st_; })

/* ------------------------------------------------------------------ gesv / inverse / det */

int THTensor_gesv(THTensor *x, THTensor *lu, THTensor *b, THTensor *a)
{
    const char *fn = "gesv";
    TH_TRY(check_matrix(fn, "A", a, 1));
    TH_TRY(check_rhs(fn, b, a, a->size[0]));
    int dt = a->dtype;
    int n = (int)a->size[0];
    THTensor bm = rhs_matrix(b);
    int nrhs = (int)bm.size[1];
    THTensor *A = colmajor(a, dt, n, n, n);
    THTensor *B = A ? colmajor(&bm, dt, n, nrhs, n) : NULL;
    int *ipiv = B ? TH_alloc((int64_t)sizeof(int) * (n > 0 ? n : 1)) : NULL;
    int st = ipiv ? 0 : TH_lastErrorCode();
    if (!st && n > 0 && nrhs > 0) {
        int lda = n, ldb = n, info = 0, nth = THBlas_threadsBegin(n, n, n);
        THLapack_pick(dt, gesv)(&n, &nrhs, THTensor_data(A), &lda, ipiv, THTensor_data(B), &ldb, &info);
        THBlas_threadsEnd(nth);
        st = lapack_status(fn, "gesv", info, "%s: the matrix A is singular (U(%d,%d) is zero), cannot solve");
    } else if (!st && n > 0 && lu) {
        int lda = n, info = 0;
        THLapack_pick(dt, getrf)(&n, &n, THTensor_data(A), &lda, ipiv, &info);
        st = lapack_status(fn, "getrf", info, NULL);
    }
    if (!st) st = store_like_rhs(x, B, b);
    if (!st) st = store(lu, A);
    TH_free(ipiv);
    THTensor_free(A);
    THTensor_free(B);
    return st;
}

int THTensor_inverse(THTensor *out, THTensor *a)
{
    const char *fn = "inverse";
    TH_TRY(check_matrix(fn, "A", a, 1));
    int dt = a->dtype;
    int n = (int)a->size[0];
    THTensor *A = colmajor(a, dt, n, n, n);
    if (!A) return TH_lastErrorCode();
    int *ipiv = TH_alloc((int64_t)sizeof(int) * (n > 0 ? n : 1));
    int st = ipiv ? 0 : TH_lastErrorCode();
    if (!st && n > 0) {
        static const char singular[] = "%s: the matrix is singular (U(%d,%d) is zero), it has no inverse";
        int lda = n, info = 0, nth = THBlas_threadsBegin(n, n, n);
        THLapack_pick(dt, getrf)(&n, &n, THTensor_data(A), &lda, ipiv, &info);
        st = lapack_status(fn, "getrf", info, singular);
        if (!st) st = LAPACK_WITH_WORK(dt, THLapack_pick(dt, getri)(&n, THTensor_data(A), &lda, ipiv, WORK, &LWORK,
                                                                     &info));
        THBlas_threadsEnd(nth);
        if (!st) st = lapack_status(fn, "getri", info, singular);
    }
    if (!st) st = store(out, A);
    TH_free(ipiv);
    THTensor_free(A);
    return st;
}

int THTensor_det(THTensor *out, THTensor *a)
{
    const char *fn = "det";
    TH_CHECK(out, TH_ERR_VALUE, "%s: output tensor is NULL", fn);
    TH_TRY(check_matrix(fn, "A", a, 1));
    int dt = a->dtype;
    int n = (int)a->size[0];
    double det = 1.0;
    if (n > 0) {
        THTensor *A = colmajor(a, dt, n, n, n);
        if (!A) return TH_lastErrorCode();
        int *ipiv = TH_alloc((int64_t)sizeof(int) * n);
        if (!ipiv) { THTensor_free(A); return TH_lastErrorCode(); }
        int lda = n, info = 0;
        THLapack_pick(dt, getrf)(&n, &n, THTensor_data(A), &lda, ipiv, &info);
        int st = 0;
        if (info < 0) st = illegal(fn, "getrf", info);
        else if (info > 0) det = 0.0;   /* exactly singular */
        else
            for (int i = 0; i < n; i++) det *= ipiv[i] != i + 1 ? -get2(A, i, i) : get2(A, i, i);
        TH_free(ipiv);
        THTensor_free(A);
        if (st) return st;
    }
    TH_TRY(TH_prepareOut(out, dt, 0, NULL));
    TH_TRY(THTensor_fill(out, det));
    THTensor_bumpVersion(out);
    return 0;
}

/* ------------------------------------------------------------------ Cholesky family */

/* potrf and potri: routine (uplo, n, A, lda, info) over a column-major copy of square a,
 * then finish (the triangle LAPACK left alone) and store the result in out. */
typedef void (*UploRoutine)(char *uplo, int *n, void *a, int *lda, int *info, size_t);
static int uplo_square(const char *fn, const char *what, UploRoutine routine, const char *fail,
                       void (*finish)(THTensor *, int), THTensor *out, THTensor *a, int upper)
{
    TH_TRY(check_matrix(fn, what, a, 1));
    int dt = a->dtype;
    int n = (int)a->size[0];
    THTensor *A = colmajor(a, dt, n, n, n);
    if (!A) return TH_lastErrorCode();
    int st = 0;
    if (n > 0) {
        char uplo = upper ? 'U' : 'L';
        int lda = n, info = 0;
        routine(&uplo, &n, THTensor_data(A), &lda, &info, ONE_CHAR);
        st = lapack_status(fn, fn, info, fail);
        if (!st) finish(A, upper);
    }
    if (!st) st = store(out, A);
    THTensor_free(A);
    return st;
}

int THTensor_potrf(THTensor *out, THTensor *a, int upper)
{
    return uplo_square("potrf", "A", THLapack_pick(a ? a->dtype : TH_FLOAT64, potrf),
                       "cholesky (%s): the leading minor of order %d is not positive-definite, the matrix is not "
                       "positive-definite", zero_triangle, out, a, upper);
}

int THTensor_potrs(THTensor *out, THTensor *b, THTensor *chol, int upper)
{
    const char *fn = "potrs";
    TH_TRY(check_matrix(fn, "the Cholesky factor", chol, 1));
    TH_TRY(check_rhs(fn, b, chol, chol->size[0]));
    int dt = chol->dtype;
    int n = (int)chol->size[0];
    THTensor bm = rhs_matrix(b);
    int nrhs = (int)bm.size[1];
    THTensor *A = colmajor(chol, dt, n, n, n);
    THTensor *B = A ? colmajor(&bm, dt, n, nrhs, n) : NULL;
    int st = B ? 0 : TH_lastErrorCode();
    if (!st && n > 0 && nrhs > 0) {
        char uplo = upper ? 'U' : 'L';
        int lda = n, ldb = n, info = 0;
        THLapack_pick(dt, potrs)(&uplo, &n, &nrhs, THTensor_data(A), &lda, THTensor_data(B), &ldb, &info, ONE_CHAR);
        st = lapack_status(fn, "potrs", info, NULL);
    }
    if (!st) st = store_like_rhs(out, B, b);
    THTensor_free(A);
    THTensor_free(B);
    return st;
}

int THTensor_potri(THTensor *out, THTensor *chol, int upper)
{
    return uplo_square("potri", "the Cholesky factor", THLapack_pick(chol ? chol->dtype : TH_FLOAT64, potri),
                       "%s: the matrix is singular (diagonal element %d of the Cholesky factor is zero), it has no "
                       "inverse", symmetrize, out, chol, upper);
}

/* ------------------------------------------------------------------ QR */

int THTensor_qr(THTensor *q, THTensor *r, THTensor *a)
{
    const char *fn = "qr";
    TH_TRY(check_matrix(fn, "A", a, 0));
    int dt = a->dtype;
    int m = (int)a->size[0], n = (int)a->size[1];
    int k = m < n ? m : n;
    if (k == 0) {
        TH_TRY(store_empty(q, dt, 2, m, 0));
        TH_TRY(store_empty(r, dt, 2, 0, n));
        return 0;
    }
    THTensor *A = colmajor(a, dt, m, n, m);
    if (!A) return TH_lastErrorCode();
    void *tau = work_alloc(dt, k), *work = NULL;
    THTensor *R = NULL;
    int st = tau ? 0 : TH_lastErrorCode();
    int lda = m, info = 0;
    if (!st) {
        double qw[2];
        int lwork = -1;
        THLapack_pick(dt, geqrf)(&m, &n, THTensor_data(A), &lda, tau, qw, &lwork, &info);
        int l1 = work_count(dt, qw);
        lwork = -1;
        THLapack_pick(dt, orgqr)(&m, &k, &k, THTensor_data(A), &lda, tau, qw, &lwork, &info);
        int l2 = work_count(dt, qw);
        lwork = l1 > l2 ? l1 : l2;
        work = work_alloc(dt, lwork);
        if (!work) st = TH_lastErrorCode();
        if (!st) {
            THLapack_pick(dt, geqrf)(&m, &n, THTensor_data(A), &lda, tau, work, &lwork, &info);
            st = lapack_status(fn, "geqrf", info, NULL);
        }
        if (!st) {
            THTensor top = *A;
            top.size[0] = k;                     /* R: the first k rows, upper triangle */
            int64_t rs[2] = {k, n};
            R = THTensor_newWithSize(dt, 2, rs);
            if (!R || THTensor_copy(R, &top)) st = TH_lastErrorCode();
            else zero_triangle(R, 1);
        }
        if (!st) {
            THLapack_pick(dt, orgqr)(&m, &k, &k, THTensor_data(A), &lda, tau, work, &lwork, &info);
            st = lapack_status(fn, "orgqr", info, NULL);
        }
    }
    if (!st) {
        THTensor Q = *A;
        Q.size[1] = k;
        st = store(q, &Q);
    }
    if (!st) st = store(r, R);
    THTensor_free(R);
    TH_free(work);
    TH_free(tau);
    THTensor_free(A);
    return st;
}

/* ------------------------------------------------------------------ SVD */

int THTensor_svd(THTensor *u, THTensor *s, THTensor *v, THTensor *a, int some)
{
    const char *fn = "svd";
    TH_TRY(check_matrix(fn, "A", a, 0));
    int dt = a->dtype;
    int m = (int)a->size[0], n = (int)a->size[1];
    int k = m < n ? m : n;
    int ucols = some ? k : m, vtrows = some ? k : n;
    if (k == 0) {
        TH_TRY(store_empty(s, dt, 1, 0, 0));
        THTensor *U = colmajor(NULL, dt, m, ucols, m), *V = colmajor(NULL, dt, n, vtrows, n);
        int st = U && V ? 0 : TH_lastErrorCode();
        if (!st) { set_identity(U); set_identity(V); }
        if (!st) st = store(u, U);
        if (!st) st = store(v, V);
        THTensor_free(U);
        THTensor_free(V);
        return st;
    }
    THTensor *A = colmajor(a, dt, m, n, m);
    THTensor *S = A ? colmajor(NULL, dt, k, 1, k) : NULL;
    THTensor *U = S ? colmajor(NULL, dt, m, ucols, m) : NULL;
    THTensor *VT = U ? colmajor(NULL, dt, vtrows, n, vtrows) : NULL;
    int *iwork = VT ? TH_alloc((int64_t)sizeof(int) * 8 * k) : NULL;
    int st = iwork ? 0 : TH_lastErrorCode();
    if (!st) st = check_finite(fn, A, 0);
    if (!st) {
        char jobz = some ? 'S' : 'A';
        int lda = m, ldu = m, ldvt = vtrows, info = 0, nth = THBlas_threadsBegin(m, n, k);
        st = LAPACK_WITH_WORK(dt, THLapack_pick(dt, gesdd)(&jobz, &m, &n, THTensor_data(A), &lda, THTensor_data(S),
                                                            THTensor_data(U), &ldu, THTensor_data(VT), &ldvt, WORK,
                                                            &LWORK, iwork, &info, ONE_CHAR));
        THBlas_threadsEnd(nth);
        if (!st) st = lapack_status(fn, "gesdd", info, "%s: the algorithm did not converge (the input may contain "
                                    "NaN or Inf, or be too ill-conditioned)");
    }
    if (!st) { THTensor sv = *S; sv.ndim = 1; st = store(s, &sv); }
    if (!st) st = store(u, U);
    if (!st) {
        THTensor vv = *VT;   /* V = VT^T */
        vv.size[0] = VT->size[1]; vv.size[1] = VT->size[0];
        vv.stride[0] = VT->stride[1]; vv.stride[1] = VT->stride[0];
        st = store(v, &vv);
    }
    TH_free(iwork);
    THTensor_free(A);
    THTensor_free(S);
    THTensor_free(U);
    THTensor_free(VT);
    return st;
}

/* ------------------------------------------------------------------ eigen */

int THTensor_symeig(THTensor *e, THTensor *v, THTensor *a, int eigenvectors, int upper)
{
    const char *fn = "symeig";
    TH_TRY(check_matrix(fn, "A", a, 1));
    int dt = a->dtype;
    int n = (int)a->size[0];
    THTensor *A = colmajor(a, dt, n, n, n);
    THTensor *W = A ? colmajor(NULL, dt, n, 1, n) : NULL;
    int st = W ? 0 : TH_lastErrorCode();
    void *work = NULL;
    int *iwork = NULL;
    if (!st) st = check_finite(fn, A, upper ? 1 : 2);
    if (!st && n > 0) {
        char jobz = eigenvectors ? 'V' : 'N', uplo = upper ? 'U' : 'L';
        int lda = n, info = 0, lwork = -1, liwork = -1, qi = 0;
        double qw[2];
        THLapack_pick(dt, syevd)(&jobz, &uplo, &n, THTensor_data(A), &lda, THTensor_data(W), qw, &lwork, &qi,
                                 &liwork, &info, ONE_CHAR, ONE_CHAR);
        lwork = work_count(dt, qw);
        liwork = qi > 1 ? qi : 1;
        work = work_alloc(dt, lwork);
        iwork = work ? TH_alloc((int64_t)sizeof(int) * liwork) : NULL;
        if (!iwork) st = TH_lastErrorCode();
        if (!st) {
            int nth = THBlas_threadsBegin(n, n, n);
            THLapack_pick(dt, syevd)(&jobz, &uplo, &n, THTensor_data(A), &lda, THTensor_data(W), work, &lwork, iwork,
                                     &liwork, &info, ONE_CHAR, ONE_CHAR);
            THBlas_threadsEnd(nth);
            st = lapack_status(fn, "syevd", info, "%s: the algorithm failed to converge (%d elements did not "
                               "converge; the input may contain NaN or Inf)");
        }
    }
    if (!st) { THTensor w = *W; w.ndim = 1; st = store(e, &w); }
    if (!st) st = eigenvectors ? store(v, A) : store_empty(v, dt, 1, 0, 0);
    TH_free(work);
    TH_free(iwork);
    THTensor_free(A);
    THTensor_free(W);
    return st;
}

int THTensor_eig(THTensor *e, THTensor *v, THTensor *a, int eigenvectors)
{
    const char *fn = "eig";
    TH_TRY(check_matrix(fn, "A", a, 1));
    int dt = a->dtype;
    int n = (int)a->size[0];
    THTensor *A = colmajor(a, dt, n, n, n);
    THTensor *E = A ? colmajor(NULL, dt, n, 2, n) : NULL;     /* columns: real, imaginary parts */
    THTensor *VR = E ? colmajor(NULL, dt, n, eigenvectors ? n : 0, n) : NULL;
    int st = VR ? 0 : TH_lastErrorCode();
    if (!st) st = check_finite(fn, A, 0);
    if (!st && n > 0) {
        char jobvl = 'N', jobvr = eigenvectors ? 'V' : 'N';
        int lda = n, ldvl = 1, ldvr = n, info = 0;
        char *wr = THTensor_data(E), *wi = wr + (int64_t)n * TH_dtypeSize(dt);
        double vl[2];
        st = LAPACK_WITH_WORK(dt, THLapack_pick(dt, geev)(&jobvl, &jobvr, &n, THTensor_data(A), &lda, wr, wi, vl,
                                                           &ldvl, THTensor_data(VR), &ldvr, WORK, &LWORK, &info,
                                                           ONE_CHAR, ONE_CHAR));
        if (!st) st = lapack_status(fn, "geev", info, "%s: the QR algorithm failed to compute all the eigenvalues "
                                    "(the input may contain NaN or Inf)");
    }
    if (!st) st = store(e, E);
    if (!st) st = eigenvectors ? store(v, VR) : store_empty(v, dt, 1, 0, 0);
    THTensor_free(A);
    THTensor_free(E);
    THTensor_free(VR);
    return st;
}

/* ------------------------------------------------------------------ triangular and least squares */

int THTensor_trtrs(THTensor *x, THTensor *b, THTensor *a, int upper, int transpose, int unitriangular)
{
    const char *fn = "trtrs";
    TH_TRY(check_matrix(fn, "A", a, 1));
    TH_TRY(check_rhs(fn, b, a, a->size[0]));
    int dt = a->dtype;
    int n = (int)a->size[0];
    THTensor bm = rhs_matrix(b);
    int nrhs = (int)bm.size[1];
    THTensor *A = colmajor(a, dt, n, n, n);
    THTensor *B = A ? colmajor(&bm, dt, n, nrhs, n) : NULL;
    int st = B ? 0 : TH_lastErrorCode();
    if (!st && n > 0 && nrhs > 0) {
        char uplo = upper ? 'U' : 'L', trans = transpose ? 'T' : 'N', diag = unitriangular ? 'U' : 'N';
        int lda = n, ldb = n, info = 0;
        THLapack_pick(dt, trtrs)(&uplo, &trans, &diag, &n, &nrhs, THTensor_data(A), &lda, THTensor_data(B), &ldb,
                                 &info, ONE_CHAR, ONE_CHAR, ONE_CHAR);
        st = lapack_status(fn, "trtrs", info, "%s: the triangular matrix A is singular (A(%d,%d) is zero)");
    }
    if (!st) st = store_like_rhs(x, B, b);
    THTensor_free(A);
    THTensor_free(B);
    return st;
}

/* x (n, or n x k) minimises ||A x - b|| for a tall A (m >= n), or is the least-norm
 * solution of A x = b for a wide A (m < n). A must have full rank. a_out gets the factored A
 * (R above the diagonal and Householder vectors below for m >= n, L and vectors for m < n). */
int THTensor_gels(THTensor *x, THTensor *a_out, THTensor *b, THTensor *a)
{
    const char *fn = "gels";
    TH_TRY(check_matrix(fn, "A", a, 0));
    TH_TRY(check_rhs(fn, b, a, a->size[0]));
    int dt = a->dtype;
    int m = (int)a->size[0], n = (int)a->size[1];
    THTensor bm = rhs_matrix(b);
    int nrhs = (int)bm.size[1];
    int ldb = m > n ? m : n;
    if (ldb < 1) ldb = 1;
    THTensor *A = colmajor(a, dt, m, n, m);
    THTensor *B = A ? colmajor(&bm, dt, m, nrhs, ldb) : NULL;
    int st = B ? 0 : TH_lastErrorCode();
    if (!st && nrhs > 0) {
        char trans = 'N';
        int lda = m > 1 ? m : 1, info = 0;
        st = LAPACK_WITH_WORK(dt, THLapack_pick(dt, gels)(&trans, &m, &n, &nrhs, THTensor_data(A), &lda,
                                                           THTensor_data(B), &ldb, WORK, &LWORK, &info, ONE_CHAR));
        if (!st) st = lapack_status(fn, "gels", info, "%s: the matrix A does not have full rank (diagonal element "
                                    "%d of its triangular factor is zero)");
    }
    if (!st) {
        THTensor X = *B;    /* the solution: the first n rows of the ldb-row buffer */
        X.size[0] = n;
        if (nrhs == 0 || m == 0 || n == 0) {
            THTensor *Z = colmajor(NULL, dt, n, nrhs, n);
            if (!Z) st = TH_lastErrorCode();
            else { THTensor_zero(Z); st = store_like_rhs(x, Z, b); THTensor_free(Z); }
        } else {
            st = store_like_rhs(x, &X, b);
        }
    }
    if (!st) st = store(a_out, A);
    THTensor_free(A);
    THTensor_free(B);
    return st;
}

/* ------------------------------------------------------------------ Householder QR / pivoted Cholesky */

/* QR in LAPACK's compact form: R on and above the diagonal, reflectors below; tau: min(m, n). */
int THTensor_geqrf(THTensor *a_out, THTensor *tau, THTensor *a)
{
    const char *fn = "geqrf";
    TH_TRY(check_matrix(fn, "A", a, 0));
    int dt = a->dtype;
    int m = (int)a->size[0], n = (int)a->size[1];
    int k = m < n ? m : n;
    THTensor *A = colmajor(a, dt, m, n, m);
    if (!A) return TH_lastErrorCode();
    int64_t ts = k;
    THTensor *T = THTensor_newWithSize(dt, 1, &ts);
    int st = T ? 0 : TH_lastErrorCode();
    if (!st && k > 0) {
        int lda = m, info = 0;
        st = LAPACK_WITH_WORK(dt, THLapack_pick(dt, geqrf)(&m, &n, THTensor_data(A), &lda, THTensor_data(T), WORK,
                                                            &LWORK, &info));
        if (!st) st = lapack_status(fn, "geqrf", info, NULL);
    }
    if (!st) st = store(a_out, A);
    if (!st) st = store(tau, T);
    THTensor_free(T);
    THTensor_free(A);
    return st;
}

static int check_tau(const char *fn, const THTensor *tau, const THTensor *a, int64_t kmax)
{
    TH_CHECK(tau, TH_ERR_VALUE, "%s: tau is NULL", fn);
    TH_CHECK(tau->dtype == a->dtype, TH_ERR_TYPE, "%s: expected tau and A to have the same dtype, but got %s and %s",
             fn, TH_dtypeName(tau->dtype), TH_dtypeName(a->dtype));
    TH_CHECK(tau->ndim == 1, TH_ERR_VALUE, "%s: tau must be a 1-D tensor, got a %d-D tensor", fn, tau->ndim);
    TH_CHECK(tau->size[0] <= kmax, TH_ERR_VALUE, "%s: tau must have at most %lld elements (the number of "
             "reflectors A can hold), got %lld", fn, (long long)kmax, (long long)tau->size[0]);
    return 0;
}

/* Q = H_1 ... H_k as its first n columns (m x n, m >= n); k = tau's length. */
int THTensor_orgqr(THTensor *q, THTensor *a, THTensor *tau)
{
    const char *fn = "orgqr";
    TH_TRY(check_matrix(fn, "A", a, 0));
    TH_CHECK(a->size[0] >= a->size[1], TH_ERR_VALUE, "%s: A must have at least as many rows as columns, got %lldx%lld",
             fn, (long long)a->size[0], (long long)a->size[1]);
    TH_TRY(check_tau(fn, tau, a, a->size[1]));
    int dt = a->dtype;
    int m = (int)a->size[0], n = (int)a->size[1], k = (int)tau->size[0];
    THTensor *A = colmajor(a, dt, m, n, m);
    if (!A) return TH_lastErrorCode();
    THTensor *T = colmajor(NULL, dt, k, 1, k);   /* contiguous copy of tau */
    if (T && k > 0) {
        THTensor tv = *T; tv.ndim = 1;
        if (THTensor_copy(&tv, tau)) { THTensor_free(T); T = NULL; }
    }
    int st = T ? 0 : TH_lastErrorCode();
    if (!st && n > 0) {
        int lda = m, info = 0;
        st = LAPACK_WITH_WORK(dt, THLapack_pick(dt, orgqr)(&m, &n, &k, THTensor_data(A), &lda, THTensor_data(T),
                                                            WORK, &LWORK, &info));
        if (!st) st = lapack_status(fn, "orgqr", info, NULL);
    }
    if (!st) st = store(q, A);
    THTensor_free(T);
    THTensor_free(A);
    return st;
}

/* out = op(Q) c (left) or c op(Q), Q = H_1 ... H_k from geqrf's a and tau, op = transpose or identity. */
int THTensor_ormqr(THTensor *out, THTensor *a, THTensor *tau, THTensor *c, int left, int transpose)
{
    const char *fn = "ormqr";
    TH_TRY(check_matrix(fn, "A", a, 0));
    TH_TRY(check_matrix(fn, "C", c, 0));
    TH_CHECK(c->dtype == a->dtype, TH_ERR_TYPE, "%s: expected C and A to have the same dtype, but got %s and %s",
             fn, TH_dtypeName(c->dtype), TH_dtypeName(a->dtype));
    int m = (int)c->size[0], n = (int)c->size[1];
    int nq = left ? m : n;
    TH_CHECK(a->size[0] == nq, TH_ERR_VALUE, "%s: A must have %d rows (the number of %s of C), got %lld", fn, nq,
             left ? "rows" : "columns", (long long)a->size[0]);
    TH_TRY(check_tau(fn, tau, a, a->size[1] < nq ? a->size[1] : nq));
    int dt = a->dtype;
    int k = (int)tau->size[0], ka = (int)a->size[1];
    THTensor *A = colmajor(a, dt, nq, ka, nq);
    THTensor *C = A ? colmajor(c, dt, m, n, m) : NULL;
    THTensor *T = C ? colmajor(NULL, dt, k, 1, k) : NULL;
    int st = T ? 0 : TH_lastErrorCode();
    if (!st && k > 0) {
        THTensor tv = *T; tv.ndim = 1;
        st = THTensor_copy(&tv, tau);
    }
    if (!st && m > 0 && n > 0 && k > 0) {
        char side = left ? 'L' : 'R', trans = transpose ? 'T' : 'N';
        int lda = nq, ldc = m, info = 0;
        st = LAPACK_WITH_WORK(dt, THLapack_pick(dt, ormqr)(&side, &trans, &m, &n, &k, THTensor_data(A), &lda,
                                                            THTensor_data(T), THTensor_data(C), &ldc, WORK, &LWORK,
                                                            &info, ONE_CHAR, ONE_CHAR));
        if (!st) st = lapack_status(fn, "ormqr", info, NULL);
    }
    if (!st) st = store(out, C);
    THTensor_free(T);
    THTensor_free(C);
    THTensor_free(A);
    return st;
}

/* Pivoted Cholesky of a positive semi-definite a: P^T a P = U^T U (upper) or L L^T, with P[piv[j], j] = 1.
 * Rows (upper) / columns (lower) past the computed rank are zero. tol < 0: LAPACK's default. */
int THTensor_pstrf(THTensor *u, THTensor *piv, THTensor *a, int upper, double tol, int index_base)
{
    const char *fn = "pstrf";
    TH_TRY(check_matrix(fn, "A", a, 1));
    TH_CHECK(piv, TH_ERR_VALUE, "%s: piv is NULL", fn);
    TH_CHECK(piv->dtype == -1 || piv->dtype == TH_INT32 || piv->dtype == TH_INT64, TH_ERR_TYPE,
             "%s: piv must be an int32 or int64 tensor, got %s", fn, TH_dtypeName(piv->dtype));
    TH_TRY(check_finite(fn, a, upper ? 1 : 2));
    int dt = a->dtype;
    int n = (int)a->size[0];
    THTensor *A = colmajor(a, dt, n, n, n);
    if (!A) return TH_lastErrorCode();
    int64_t ns = n;
    THTensor *P = THTensor_newWithSize(TH_INT32, 1, &ns);
    int st = P ? 0 : TH_lastErrorCode();
    if (!st && n > 0) {
        void *work = work_alloc(dt, 2 * n);
        if (!work) st = TH_lastErrorCode();
        else {
            char uplo = upper ? 'U' : 'L';
            int lda = n, rank = 0, info = 0;
            float tolf = (float)tol;
            void *tp = dt == TH_FLOAT32 ? (void *)&tolf : (void *)&tol;
            THLapack_pick(dt, pstrf)(&uplo, &n, THTensor_data(A), &lda, (int *)THTensor_data(P), &rank, tp, work,
                                     &info, ONE_CHAR);
            TH_free(work);
            if (info < 0) st = illegal(fn, "pstrf", info);
            else {
                zero_triangle(A, upper);
                /* the trailing block holds the unfactored remainder (below tol): drop it */
                for (int64_t i = rank; i < n; i++)
                    for (int64_t j = rank; j < n; j++) set2(A, i, j, 0.0);
                int *pd = (int *)THTensor_data(P);
                for (int i = 0; i < n; i++) pd[i] += index_base - 1;
            }
        }
    }
    if (!st) st = store(u, A);
    if (!st) st = store(piv, P);
    THTensor_free(P);
    THTensor_free(A);
    return st;
}

/* ------------------------------------------------------------------ batched LU */

/* The b-th item (row-major order over the leading dims) of t's trailing item_dims dims, as a
 * view on the stack sharing t's storage. */
static THTensor batch_item(const THTensor *t, int item_dims, int64_t b)
{
    THTensor v = *t;
    int nb = t->ndim - item_dims;
    for (int d = nb - 1; d >= 0; d--) {
        v.offset += (b % t->size[d]) * t->stride[d];
        b /= t->size[d];
    }
    v.ndim = item_dims;
    for (int d = 0; d < item_dims; d++) {
        v.size[d] = t->size[nb + d];
        v.stride[d] = t->stride[nb + d];
    }
    return v;
}

static int64_t batch_count(const THTensor *t, int item_dims)
{
    int64_t n = 1;
    for (int d = 0; d < t->ndim - item_dims; d++) n *= t->size[d];
    return n;
}

static int *int32_at(const THTensor *v, int64_t i)
{
    return (int *)THTensor_data(v) + i * (v->ndim ? v->stride[0] : 0);
}

static int check_batch_float(const char *fn, const char *name, const THTensor *t, int square)
{
    TH_CHECK(t, TH_ERR_VALUE, "%s: %s is NULL", fn, name);
    TH_CHECK(t->dtype == TH_FLOAT32 || t->dtype == TH_FLOAT64, TH_ERR_TYPE,
             "%s: %s must be a float32 or float64 tensor, got %s", fn, name, TH_dtypeName(t->dtype));
    TH_CHECK(t->ndim >= 2, TH_ERR_VALUE, "%s: %s must have at least 2 dimensions, got a %d-D tensor", fn, name,
             t->ndim);
    int64_t r = t->size[t->ndim - 2], c = t->size[t->ndim - 1];
    TH_CHECK(!square || r == c, TH_ERR_VALUE, "%s: %s must be batches of square matrices, but they are %lld by %lld "
             "matrices", fn, name, (long long)r, (long long)c);
    TH_CHECK(r <= TH_BLAS_INT_MAX && c <= TH_BLAS_INT_MAX, TH_ERR_VALUE,
             "%s: %s of size %lldx%lld is beyond the 32-bit LAPACK's limit of 2^31-1 per dimension", fn, name,
             (long long)r, (long long)c);
    return 0;
}

/* Small matrices (both sides <= LU_SMALL) skip LAPACK: the per-call overhead and the two
 * column-major copies cost more than the O(n^3) work. The factorisation is LAPACK's getf2
 * (first largest |pivot| of the column, rows swapped only for a nonzero pivot, info = first
 * zero pivot, scaled by the reciprocal unless it would overflow) on a row-major copy of each
 * item; items are spread over threads as TH_parallelOK allows. */
#define LU_SMALL 32
#define LU_PARALLEL_MIN_ITEMS 16

#define SMALL_ABS(v) ((v) < 0 ? -(v) : (v))

#define SMALL_LU_KERNELS(T, S, TINY)                                                                   \
/* xi -= s * xr on distinct rows (restrict lets the compiler vectorise) */                           \
static inline void small_axpy_##S(T *restrict xi, const T *restrict xr, T s, int w)               \
{                                                                                                  \
    for (int c = 0; c < w; c++) xi[c] -= s * xr[c];                                                \
}                                                                                                  \
                                                                                                   \
/* index of the first largest |x[i*ld]|, i < len, as isamax (a NaN is passed over unless first);   \
 * four running maxima (with their first indices) break the compare chain */                       \
static inline int small_pivot_##S(const T *x, int len, int ld)                                     \
{                                                                                                  \
    T m[4];                                                                                        \
    int at[4] = {0, 0, 0, 0};                                                                      \
    m[0] = m[1] = m[2] = m[3] = SMALL_ABS(x[0]);                                                   \
    if (m[0] != m[0]) return 0;                                                                    \
    int r = 1;                                                                                     \
    for (; r + 3 < len; r += 4)                                                                    \
        for (int q = 0; q < 4; q++)                                                                \
            if (SMALL_ABS(x[(r + q) * ld]) > m[q]) { m[q] = SMALL_ABS(x[(r + q) * ld]); at[q] = r + q; }\
    for (; r < len; r++)                                                                           \
        if (SMALL_ABS(x[r * ld]) > m[0]) { m[0] = SMALL_ABS(x[r * ld]); at[0] = r; }               \
    int best = 0;                                                                                  \
    for (int q = 1; q < 4; q++)                                                                    \
        if (m[q] > m[best] || (m[q] == m[best] && at[q] < at[best])) best = q;                     \
    return at[best];                                                                               \
}                                                                                                  \
                                                                                                   \
static int small_getrf_##S(T *a, int m, int n, int *ipiv)                                         \
{                                                                                                  \
    int k = m < n ? m : n, info = 0;                                                               \
    for (int j = 0; j < k; j++) {                                                                  \
        int p = small_pivot_##S(a + j * n + j, m - j, n) + j;                                      \
        ipiv[j] = p;                                                                               \
        T piv = a[p * n + j];                                                                      \
        if (piv != 0) {                                                                            \
            if (p != j)                                                                            \
                for (int c = 0; c < n; c++) {                                                      \
                    T t = a[j * n + c]; a[j * n + c] = a[p * n + c]; a[p * n + c] = t;             \
                }                                                                                  \
            if ((piv < 0 ? -piv : piv) >= TINY) {                                                  \
                T r = 1 / piv;                                                                     \
                for (int i = j + 1; i < m; i++) a[i * n + j] *= r;                                 \
            } else {                                                                               \
                for (int i = j + 1; i < m; i++) a[i * n + j] /= piv;                               \
            }                                                                                      \
        } else if (!info) {                                                                        \
            info = j + 1;                                                                          \
        }                                                                                          \
        for (int i = j + 1; i < m; i++) {                                                          \
            T l = a[i * n + j], *restrict ri = a + i * n;                                          \
            const T *restrict rj = a + j * n;                                                      \
            for (int c = j + 1; c < n; c++) ri[c] -= l * rj[c];                                    \
        }                                                                                          \
    }                                                                                              \
    return info;                                                                                   \
}                                                                                                  \
                                                                                                   \
static inline void small_swap_##S(T *restrict p, T *restrict q, int w)                             \
{                                                                                                  \
    for (int c = 0; c < w; c++) { T t = p[c]; p[c] = q[c]; q[c] = t; }                             \
}                                                                                                  \
                                                                                                   \
static inline void small_scale_##S(T *x, T d, int w)                                               \
{                                                                                                  \
    for (int c = 0; c < w; c++) x[c] /= d;                                                         \
}                                                                                                  \
                                                                                                   \
/* x (n x w, row stride ldx) := op(A)^-1 x for A = P L U packed in lu (n x n row-major) */       \
static void small_getrs_##S(const T *lu, const int *ipiv, T *x, int n, int w, int ldx, int trans)  \
{                                                                                                  \
    if (!trans) {                                                                                  \
        for (int i = 0; i < n; i++)                                                                \
            if (ipiv[i] != i) small_swap_##S(x + i * ldx, x + ipiv[i] * ldx, w);                   \
        for (int r = 0; r < n; r++)                                                                \
            for (int i = r + 1; i < n; i++) small_axpy_##S(x + i * ldx, x + r * ldx, lu[i * n + r], w);\
        for (int i = n - 1; i >= 0; i--) {                                                         \
            small_scale_##S(x + i * ldx, lu[i * n + i], w);                                        \
            for (int r = 0; r < i; r++) small_axpy_##S(x + r * ldx, x + i * ldx, lu[r * n + i], w);\
        }                                                                                          \
    } else {                                                                                       \
        for (int i = 0; i < n; i++) {                                                              \
            small_scale_##S(x + i * ldx, lu[i * n + i], w);                                        \
            for (int r = i + 1; r < n; r++) small_axpy_##S(x + r * ldx, x + i * ldx, lu[i * n + r], w);\
        }                                                                                          \
        for (int i = n - 1; i > 0; i--)                                                            \
            for (int r = 0; r < i; r++) small_axpy_##S(x + r * ldx, x + i * ldx, lu[i * n + r], w);\
        for (int i = n - 1; i >= 0; i--)                                                           \
            if (ipiv[i] != i) small_swap_##S(x + i * ldx, x + ipiv[i] * ldx, w);                   \
    }                                                                                              \
}                                                                                                  \
                                                                                                   \
/* matrix v (2-D view) <-> row-major buffer */                                                    \
static void small_load_##S(T *buf, const THTensor *v, int c0, int w)                               \
{                                                                                                  \
    const T *p = (const T *)THTensor_data(v);                                                      \
    int64_t s0 = v->stride[0], s1 = v->stride[1];                                                  \
    if (s1 == 1)                                                                                   \
        for (int64_t i = 0; i < v->size[0]; i++) memcpy(buf + i * w, p + i * s0 + c0, sizeof(T) * w);\
    else                                                                                           \
        for (int64_t i = 0; i < v->size[0]; i++)                                                   \
            for (int c = 0; c < w; c++) buf[i * w + c] = p[i * s0 + (c0 + c) * s1];                \
}                                                                                                  \
                                                                                                   \
static void small_store_##S(THTensor *v, const T *buf, int c0, int w)                              \
{                                                                                                  \
    T *p = (T *)THTensor_data(v);                                                                  \
    int64_t s0 = v->stride[0], s1 = v->stride[1];                                                  \
    if (s1 == 1)                                                                                   \
        for (int64_t i = 0; i < v->size[0]; i++) memcpy(p + i * s0 + c0, buf + i * w, sizeof(T) * w);\
    else                                                                                           \
        for (int64_t i = 0; i < v->size[0]; i++)                                                   \
            for (int c = 0; c < w; c++) p[i * s0 + (c0 + c) * s1] = buf[i * w + c];                \
}

SMALL_LU_KERNELS(float, f, FLT_MIN)
SMALL_LU_KERNELS(double, d, DBL_MIN)

/* getrf of every item of a on the small path; the outputs are prepared */
static void small_getrf_batch(THTensor *lu, THTensor *piv, THTensor *info, const THTensor *a, int64_t nbatch,
                              int index_base)
{
    int nd = a->ndim, m = (int)a->size[nd - 2], n = (int)a->size[nd - 1], k = m < n ? m : n;
    int par = nbatch >= LU_PARALLEL_MIN_ITEMS && TH_parallelOK(nbatch * m * n * k);
    (void)par;
#ifdef _OPENMP
    #pragma omp parallel for schedule(static) if (par)
#endif
    for (int64_t b = 0; b < nbatch; b++) {
        double buf[LU_SMALL * LU_SMALL];
        int ipiv[LU_SMALL], inf = 0;
        THTensor src = batch_item(a, 2, b), dst = batch_item(lu, 2, b), p = batch_item(piv, 1, b);
        if (k > 0) {
            if (a->dtype == TH_FLOAT32) {
                small_load_f((float *)buf, &src, 0, n);
                inf = small_getrf_f((float *)buf, m, n, ipiv);
                small_store_f(&dst, (float *)buf, 0, n);
            } else {
                small_load_d(buf, &src, 0, n);
                inf = small_getrf_d(buf, m, n, ipiv);
                small_store_d(&dst, buf, 0, n);
            }
            for (int i = 0; i < k; i++) *int32_at(&p, i) = ipiv[i] + index_base;
        }
        if (info) {
            THTensor in = batch_item(info, 0, b);
            *int32_at(&in, 0) = inf;
        }
    }
}

/* getrs of every item on the small path (pivots already validated); x is prepared. The right-hand
 * sides go through the buffer LU_SMALL columns at a time. */
static void small_getrs_batch(THTensor *x, const THTensor *lu, const THTensor *piv, const THTensor *b, int trans,
                              int64_t nbatch, int index_base)
{
    int nd = lu->ndim, n = (int)lu->size[nd - 1], nrhs = (int)b->size[nd - 1];
    int par = nbatch >= LU_PARALLEL_MIN_ITEMS && TH_parallelOK(nbatch * n * n * (int64_t)(n + nrhs));
    (void)par;
#ifdef _OPENMP
    #pragma omp parallel for schedule(static) if (par)
#endif
    for (int64_t bi = 0; bi < nbatch; bi++) {
        double A[LU_SMALL * LU_SMALL], X[LU_SMALL * LU_SMALL];
        int ipiv[LU_SMALL];
        THTensor l = batch_item(lu, 2, bi), p = batch_item(piv, 1, bi), rhs = batch_item(b, 2, bi);
        THTensor dst = batch_item(x, 2, bi);
        for (int i = 0; i < n; i++) ipiv[i] = *int32_at(&p, i) - index_base;
        int f32 = lu->dtype == TH_FLOAT32;
        if (f32) small_load_f((float *)A, &l, 0, n); else small_load_d(A, &l, 0, n);
        for (int c0 = 0; c0 < nrhs; c0 += LU_SMALL) {
            int w = nrhs - c0 < LU_SMALL ? nrhs - c0 : LU_SMALL;
            if (f32) {
                small_load_f((float *)X, &rhs, c0, w);
                small_getrs_f((float *)A, ipiv, (float *)X, n, w, w, trans);
                small_store_f(&dst, (float *)X, c0, w);
            } else {
                small_load_d(X, &rhs, c0, w);
                small_getrs_d(A, ipiv, X, n, w, w, trans);
                small_store_d(&dst, X, c0, w);
            }
        }
    }
}

int THTensor_getrf(THTensor *lu, THTensor *piv, THTensor *info, THTensor *a, int index_base)
{
    const char *fn = "lu_factor";
    TH_TRY(check_batch_float(fn, "A", a, 0));
    TH_CHECK(lu && piv, TH_ERR_VALUE, "%s: lu and piv must not be NULL", fn);
    int dt = a->dtype, nd = a->ndim;
    int m = (int)a->size[nd - 2], n = (int)a->size[nd - 1], k = m < n ? m : n;
    int64_t shape[32];
    for (int d = 0; d < nd - 2; d++) shape[d] = a->size[d];
    int64_t nbatch = batch_count(a, 2);
    /* inputs are copied before any output is written: an output may alias the input */
    THTensor *A = colmajor(NULL, dt, m, n, m);
    int *ipiv = A ? TH_alloc((int64_t)sizeof(int) * (k > 0 ? k : 1)) : NULL;
    int st = ipiv ? 0 : TH_lastErrorCode();
    if (!st) st = TH_prepareOut(lu, dt, nd, a->size);
    shape[nd - 2] = k;
    if (!st) st = TH_prepareOut(piv, TH_INT32, nd - 1, shape);
    if (!st && info) st = TH_prepareOut(info, TH_INT32, nd - 2, shape);
    int small = m <= LU_SMALL && n <= LU_SMALL;
    if (!st && small) small_getrf_batch(lu, piv, info, a, nbatch, index_base);
    int nth = small ? 1 : THBlas_threadsBegin(m, n, k);
    for (int64_t b = 0; !st && !small && b < nbatch; b++) {
        THTensor src = batch_item(a, 2, b), dst = batch_item(lu, 2, b), p = batch_item(piv, 1, b);
        int inf = 0;
        if (k > 0) {
            st = THTensor_copy(A, &src);
            int lda = m > 1 ? m : 1;
            if (!st) THLapack_pick(dt, getrf)(&m, &n, THTensor_data(A), &lda, ipiv, &inf);
            if (!st && inf < 0) st = illegal(fn, "getrf", inf);
            if (!st) st = THTensor_copy(&dst, A);
            for (int i = 0; !st && i < k; i++) *int32_at(&p, i) = ipiv[i] + index_base - 1;
        }
        if (!st && info) {
            THTensor in = batch_item(info, 0, b);
            *int32_at(&in, 0) = inf;
        }
    }
    if (!small) THBlas_threadsEnd(nth);
    if (!st) {
        THTensor_bumpVersion(lu);
        THTensor_bumpVersion(piv);
        if (info) THTensor_bumpVersion(info);
    }
    TH_free(ipiv);
    THTensor_free(A);
    return st;
}

int THTensor_getrs(THTensor *x, THTensor *lu, THTensor *piv, THTensor *b, int trans, int index_base)
{
    const char *fn = "lu_solve";
    TH_TRY(check_batch_float(fn, "LU", lu, 1));
    TH_TRY(check_batch_float(fn, "B", b, 0));
    TH_CHECK(x, TH_ERR_VALUE, "%s: x is NULL", fn);
    TH_CHECK(b->dtype == lu->dtype, TH_ERR_TYPE, "%s: expected B and LU to have the same dtype, but got %s and %s",
             fn, TH_dtypeName(b->dtype), TH_dtypeName(lu->dtype));
    TH_CHECK(piv && piv->dtype == TH_INT32, TH_ERR_TYPE, "%s: pivots must be an int32 tensor, got %s", fn,
             piv ? TH_dtypeName(piv->dtype) : "NULL");
    int nd = lu->ndim, n = (int)lu->size[nd - 1];
    TH_CHECK(b->ndim == nd && piv->ndim == nd - 1, TH_ERR_VALUE, "%s: LU (%d-D), pivots (%d-D) and B (%d-D) must "
             "have the same batch dimensions", fn, nd, piv->ndim, b->ndim);
    for (int d = 0; d < nd - 2; d++)
        TH_CHECK(b->size[d] == lu->size[d] && piv->size[d] == lu->size[d], TH_ERR_VALUE,
                 "%s: the batch dimensions of LU, pivots and B must be equal, got %lld, %lld and %lld at dim %d", fn,
                 (long long)lu->size[d], (long long)piv->size[d], (long long)b->size[d], d);
    TH_CHECK(piv->size[nd - 2] == n, TH_ERR_VALUE, "%s: pivots must have %d entries per matrix, got %lld", fn, n,
             (long long)piv->size[nd - 2]);
    TH_CHECK(b->size[nd - 2] == n, TH_ERR_VALUE, "%s: Incompatible shapes of A and B for the equation AX = B "
             "(%dx%d and %lldx%lld)", fn, n, n, (long long)b->size[nd - 2], (long long)b->size[nd - 1]);
    int dt = lu->dtype, nrhs = (int)b->size[nd - 1];
    int64_t nbatch = batch_count(lu, 2);
    THTensor *A = colmajor(NULL, dt, n, n, n);
    THTensor *B = A ? colmajor(NULL, dt, n, nrhs, n) : NULL;
    int *ipiv = B ? TH_alloc((int64_t)sizeof(int) * (n > 0 ? n : 1)) : NULL;
    int st = ipiv ? 0 : TH_lastErrorCode();
    /* validate every pivot before writing anything: LAPACK would index out of bounds */
    for (int64_t bi = 0; !st && bi < nbatch; bi++) {
        THTensor p = batch_item(piv, 1, bi);
        for (int i = 0; i < n; i++) {
            int v = *int32_at(&p, i) - index_base + 1;
            if (v < 1 || v > n) {
                st = TH_setError(TH_ERR_VALUE, "%s: pivots must be between %d and %d (index base %d), got %d at "
                                 "position %d of matrix %lld", fn, index_base, n - 1 + index_base,
                                 index_base, v + index_base - 1, i, (long long)bi);
                break;
            }
        }
    }
    if (!st) st = TH_prepareOut(x, dt, nd, b->size);
    int small = n <= LU_SMALL;
    if (!st && small && n > 0 && nrhs > 0) small_getrs_batch(x, lu, piv, b, trans, nbatch, index_base);
    int nth = small ? 1 : THBlas_threadsBegin(n, n, nrhs);
    for (int64_t bi = 0; !st && !small && bi < nbatch; bi++) {
        if (n == 0 || nrhs == 0) break;
        THTensor l = batch_item(lu, 2, bi), p = batch_item(piv, 1, bi), rhs = batch_item(b, 2, bi);
        THTensor dst = batch_item(x, 2, bi);
        st = THTensor_copy(A, &l);
        if (!st) st = THTensor_copy(B, &rhs);
        if (st) break;
        for (int i = 0; i < n; i++) ipiv[i] = *int32_at(&p, i) - index_base + 1;
        char tr = trans ? 'T' : 'N';
        int lda = n, ldb = n, inf = 0;
        THLapack_pick(dt, getrs)(&tr, &n, &nrhs, THTensor_data(A), &lda, ipiv, THTensor_data(B), &ldb, &inf,
                                 ONE_CHAR);
        st = lapack_status(fn, "getrs", inf, NULL);
        if (!st) st = THTensor_copy(&dst, B);
    }
    if (!small) THBlas_threadsEnd(nth);
    if (!st) THTensor_bumpVersion(x);
    TH_free(ipiv);
    THTensor_free(A);
    THTensor_free(B);
    return st;
}

int THTensor_potrfBatched(THTensor *out, THTensor *info, THTensor *a, int upper)
{
    const char *fn = "cholesky";
    TH_TRY(check_batch_float(fn, "A", a, 1));
    TH_CHECK(out && info, TH_ERR_VALUE, "%s: out and info must not be NULL", fn);
    int dt = a->dtype, nd = a->ndim, n = (int)a->size[nd - 1];
    int64_t nbatch = batch_count(a, 2);
    /* each input matrix is copied before its output is written: out may alias a */
    THTensor *A = colmajor(NULL, dt, n, n, n);
    int st = A ? 0 : TH_lastErrorCode();
    if (!st) st = TH_prepareOut(out, dt, nd, a->size);
    if (!st) st = TH_prepareOut(info, TH_INT32, nd - 2, a->size);
    char uplo = upper ? 'U' : 'L';
    int nth = THBlas_threadsBegin(n, n, n);
    for (int64_t b = 0; !st && b < nbatch; b++) {
        THTensor src = batch_item(a, 2, b), dst = batch_item(out, 2, b), in = batch_item(info, 0, b);
        int inf = 0;
        if (n > 0) {
            st = THTensor_copy(A, &src);
            int lda = n;
            if (!st) THLapack_pick(dt, potrf)(&uplo, &n, THTensor_data(A), &lda, &inf, ONE_CHAR);
            if (!st && inf < 0) st = illegal(fn, "potrf", inf);
            if (!st) zero_triangle(A, upper);
            if (!st) st = THTensor_copy(&dst, A);
        }
        if (!st) *int32_at(&in, 0) = inf;
    }
    THBlas_threadsEnd(nth);
    if (!st) {
        THTensor_bumpVersion(out);
        THTensor_bumpVersion(info);
    }
    THTensor_free(A);
    return st;
}
