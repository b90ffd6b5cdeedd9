/* float32 gemm for the convolution engine. On CPUs with AVX-512 it uses a packed GotoBLAS-style
 * loop nest around an 8x32 AVX-512 micro-kernel: the OpenBLAS build we link may run its AVX2
 * kernels on AVX-512 machines (OPENBLAS_CORETYPE, or CPUs it does not recognise), which halves
 * the throughput of the conv gemms there. Elsewhere it calls OpenBLAS. Inside the engine's
 * OpenMP batch loop it runs single-threaded; called serially it splits columns over threads. */
#include "THNNConv.h"
#include "../TH/THBlas.h"
#include <stdlib.h>
#include <omp.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX512_PATH 1
#endif

#ifdef HAVE_AVX512_PATH
#define MR 8
#define NR 32
#define KC 256
#define MC 128
#define NC 512

/* op(A) rows [i0, i0+mc) x cols [p0, p0+kc) into MR-row panels, k-major, zero-padded, times alpha. */
static void packA(char ta, const float *A, int64_t lda, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float alpha,
                  float *out)
{
    for (int64_t ip = 0; ip < mc; ip += MR) {
        const int64_t rows = mc - ip < MR ? mc - ip : MR;
        float *dst = out + ip * kc;
        if (ta == 'N') {
            for (int64_t r = 0; r < MR; r++) {
                if (r < rows) {
                    const float *src = A + (i0 + ip + r) * lda + p0;
                    for (int64_t p = 0; p < kc; p++) dst[p * MR + r] = alpha * src[p];
                } else {
                    for (int64_t p = 0; p < kc; p++) dst[p * MR + r] = 0;
                }
            }
        } else {
            for (int64_t p = 0; p < kc; p++) {
                const float *src = A + (p0 + p) * lda + i0 + ip;
                int64_t r = 0;
                for (; r < rows; r++) dst[p * MR + r] = alpha * src[r];
                for (; r < MR; r++) dst[p * MR + r] = 0;
            }
        }
    }
}

/* op(B) rows [p0, p0+kc) x cols [j0, j0+nc) into NR-column panels, k-major, zero-padded. */
static void packB(char tb, const float *B, int64_t ldb, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float *out)
{
    for (int64_t jp = 0; jp < nc; jp += NR) {
        const int64_t cols = nc - jp < NR ? nc - jp : NR;
        float *dst = out + jp * kc;
        if (tb == 'N') {
            for (int64_t p = 0; p < kc; p++) {
                const float *src = B + (p0 + p) * ldb + j0 + jp;
                float *d = dst + p * NR;
                if (cols == NR) memcpy(d, src, sizeof(float) * NR);
                else { int64_t c = 0; for (; c < cols; c++) d[c] = src[c]; for (; c < NR; c++) d[c] = 0; }
            }
        } else {
            for (int64_t c = 0; c < NR; c++) {
                if (c < cols) {
                    const float *src = B + (j0 + jp + c) * ldb + p0;
                    for (int64_t p = 0; p < kc; p++) dst[p * NR + c] = src[p];
                } else {
                    for (int64_t p = 0; p < kc; p++) dst[p * NR + c] = 0;
                }
            }
        }
    }
}

/* C[0:rows, 0:cols] = (first ? beta*C : C) + Apanel * Bpanel over kc. */
__attribute__((target("avx512f")))
static void ukernel(int64_t kc, const float *a, const float *b, float *C, int64_t ldc, int rows, int cols, int first,
                    float beta)
{
    __m512 c0[MR], c1[MR];
    #pragma GCC unroll 8
    for (int r = 0; r < MR; r++) { c0[r] = _mm512_setzero_ps(); c1[r] = _mm512_setzero_ps(); }
    for (int64_t p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
        #pragma GCC unroll 8
        for (int r = 0; r < MR; r++) {
            const __m512 ar = _mm512_set1_ps(a[r]);
            c0[r] = _mm512_fmadd_ps(ar, b0, c0[r]);
            c1[r] = _mm512_fmadd_ps(ar, b1, c1[r]);
        }
        a += MR;
        b += NR;
    }
    if (rows == MR && cols == NR) {
        #pragma GCC unroll 8
        for (int r = 0; r < MR; r++) {
            float *cr = C + r * ldc;
            __m512 x0 = c0[r], x1 = c1[r];
            if (!first) {
                x0 = _mm512_add_ps(x0, _mm512_loadu_ps(cr));
                x1 = _mm512_add_ps(x1, _mm512_loadu_ps(cr + 16));
            } else if (beta != 0) {
                x0 = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_loadu_ps(cr), x0);
                x1 = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_loadu_ps(cr + 16), x1);
            }
            _mm512_storeu_ps(cr, x0);
            _mm512_storeu_ps(cr + 16, x1);
        }
        return;
    }
    float tile[MR * NR] __attribute__((aligned(64)));
    for (int r = 0; r < MR; r++) { _mm512_store_ps(tile + r * NR, c0[r]); _mm512_store_ps(tile + r * NR + 16, c1[r]); }
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            float *x = C + r * ldc + c;
            *x = first ? (beta != 0 ? beta * *x : 0) + tile[r * NR + c] : *x + tile[r * NR + c];
        }
}

/* C += alpha A B^T with A (m x k) and B (n x k) read along k in place (dot-product form, no
 * packing): the accGradParameters product gradOutput x finput^T, whose B operand would be
 * expensive to pack transposed. 4 x 6 tiles of 16-lane accumulators, reduced at the end. */
__attribute__((target("avx512f")))
static void ntTile(int64_t k, const float *A, int64_t lda, const float *B, int64_t ldb, float *C, int64_t ldc,
                   float alpha)
{
    __m512 acc[4][6];
    #pragma GCC unroll 4
    for (int i = 0; i < 4; i++)
        #pragma GCC unroll 6
        for (int j = 0; j < 6; j++) acc[i][j] = _mm512_setzero_ps();
    int64_t p = 0;
    for (; p + 16 <= k; p += 16) {
        __m512 b[6];
        #pragma GCC unroll 6
        for (int j = 0; j < 6; j++) b[j] = _mm512_loadu_ps(B + j * ldb + p);
        #pragma GCC unroll 4
        for (int i = 0; i < 4; i++) {
            const __m512 a = _mm512_loadu_ps(A + i * lda + p);
            #pragma GCC unroll 6
            for (int j = 0; j < 6; j++) acc[i][j] = _mm512_fmadd_ps(a, b[j], acc[i][j]);
        }
    }
    if (p < k) {
        const __mmask16 mk = (__mmask16)((1u << (k - p)) - 1);
        __m512 b[6];
        for (int j = 0; j < 6; j++) b[j] = _mm512_maskz_loadu_ps(mk, B + j * ldb + p);
        for (int i = 0; i < 4; i++) {
            const __m512 a = _mm512_maskz_loadu_ps(mk, A + i * lda + p);
            for (int j = 0; j < 6; j++) acc[i][j] = _mm512_fmadd_ps(a, b[j], acc[i][j]);
        }
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 6; j++) C[i * ldc + j] += alpha * _mm512_reduce_add_ps(acc[i][j]);
}

__attribute__((target("avx512f")))
static float ntDot(int64_t k, const float *a, const float *b)
{
    __m512 acc = _mm512_setzero_ps();
    int64_t p = 0;
    for (; p + 16 <= k; p += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(a + p), _mm512_loadu_ps(b + p), acc);
    if (p < k) {
        const __mmask16 mk = (__mmask16)((1u << (k - p)) - 1);
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mk, a + p), _mm512_maskz_loadu_ps(mk, b + p), acc);
    }
    return _mm512_reduce_add_ps(acc);
}

static void sgemmNT(int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t lda, const float *B,
                    int64_t ldb, float beta, float *C, int64_t ldc)
{
    if (beta != 1)
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) C[i * ldc + j] = beta == 0 ? 0 : beta * C[i * ldc + j];
    const int64_t m4 = m / 4 * 4, n6 = n / 6 * 6;
    const int par = !omp_in_parallel() && omp_get_max_threads() > 1 && m * n * k >= (1 << 22) &&
                    TH_parallelOK(m * n);
    /* B rows outer: each B row block is read from memory once, A (the smaller gradOutput) from cache */
    #pragma omp parallel for schedule(static) if (par)
    for (int64_t j = 0; j < n6; j += 6)
        for (int64_t i = 0; i < m4; i += 4) ntTile(k, A + i * lda, lda, B + j * ldb, ldb, C + i * ldc + j, ldc, alpha);
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = (i < m4 ? n6 : 0); j < n; j++) C[i * ldc + j] += alpha * ntDot(k, A + i * lda, B + j * ldb);
}

/* Packing buffers, one pair per thread, allocated on first use and kept (640 KB for each thread
 * that ever ran a float32 conv gemm): no allocation, page faults or locks per call. */
static __thread float *tl_apack, *tl_bpack;

int THNNConv_haveAVX512(void)
{
    static int ok = -1;
    if (ok < 0) {
        __builtin_cpu_init();
        /* THNN_CONV_NO_AVX512 forces the OpenBLAS path (tests of the fallback) */
        ok = __builtin_cpu_supports("avx512f") && !getenv("THNN_CONV_NO_AVX512") ? 1 : 0;
    }
    return ok;
}

static int sgemm512(char ta, char tb, int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t lda,
                    const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
    const int par = !omp_in_parallel() && omp_get_max_threads() > 1 && m * n * k >= (1 << 22) &&
                    TH_parallelOK(m * n);
    if (!tl_apack) {
        tl_apack = aligned_alloc(64, sizeof(float) * MC * KC);
        tl_bpack = aligned_alloc(64, sizeof(float) * KC * NC);
        if (!tl_apack || !tl_bpack) { free(tl_apack); free(tl_bpack); tl_apack = tl_bpack = NULL; return 0; }
    }
    for (int64_t jc = 0; jc < n; jc += NC) {
        const int64_t nc = n - jc < NC ? n - jc : NC;
        for (int64_t pc = 0; pc < k; pc += KC) {
            const int64_t kc = k - pc < KC ? k - pc : KC;
            packB(tb, B, ldb, pc, kc, jc, nc, tl_bpack);
            for (int64_t ic = 0; ic < m; ic += MC) {
                const int64_t mc = m - ic < MC ? m - ic : MC;
                packA(ta, A, lda, ic, mc, pc, kc, alpha, tl_apack);
                float *ap = tl_apack, *bp = tl_bpack;
                /* threads only when the caller is not already a parallel batch loop */
                #pragma omp parallel for schedule(static) if (par && nc >= 4 * NR)
                for (int64_t jr = 0; jr < nc; jr += NR)
                    for (int64_t ir = 0; ir < mc; ir += MR)
                        ukernel(kc, ap + ir * kc, bp + jr * kc, C + (ic + ir) * ldc + jc + jr, ldc,
                                (int)(mc - ir < MR ? mc - ir : MR), (int)(nc - jr < NR ? nc - jr : NR), pc == 0,
                                beta);
            }
        }
    }
    return 1;
}
#else
int THNNConv_haveAVX512(void) { return 0; }
#endif

void THNNConv_sgemm(char ta, char tb, int64_t m, int64_t n, int64_t k, double alpha, const float *A, int64_t lda,
                    const float *B, int64_t ldb, double beta, float *C, int64_t ldc)
{
#ifdef HAVE_AVX512_PATH
    if (THNNConv_haveAVX512() && ta == 'N' && tb == 'T' && k >= 64) {
        sgemmNT(m, n, k, (float)alpha, A, lda, B, ldb, (float)beta, C, ldc);
        return;
    }
    if (THNNConv_haveAVX512() && sgemm512(ta, tb, m, n, k, (float)alpha, A, lda, B, ldb, (float)beta, C, ldc)) return;
#endif
    THBlas_gemm(TH_FLOAT32, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
