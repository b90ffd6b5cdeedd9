/* Internal header of the im2col convolution engine (lib/THNN/unfolded.c) shared by the
 * SpatialConvolutionMM / Dilated / Full and Volumetric kernels. Spatial geometry is always
 * held as 3 dims (T, H, W); 2-D ops use T = 1 and 1-D callers H = T = 1. */
#ifndef THNN_CONV_H
#define THNN_CONV_H
#include "THNN.h"

typedef struct {
    const char *name;        /* module name for error messages */
    const char *colsName;    /* name of the column buffer argument ("finput", "columns") */
    int transposed;          /* 1: transposed ("full") convolution */
    int nsp;                 /* spatial dims of the op (2 or 3) */
    int weight2d;            /* a 2-D weight nOut x (nIn/g*k) is accepted (MM ops) */
    int64_t k[3], s[3], p[3], d[3], adj[3];
    int64_t groups;
    /* filled by the engine's shape check */
    int64_t nIn, nOut, N;
    int batch;
    int64_t isz[3], osz[3];
} THNNConvGeom;

/* Validate the integer arguments (kernel, stride, padding, dilation, adjustment, groups). */
int THNNConv_checkArgs(const THNNConvGeom *g);

/* Forward: output = conv(input, weight) + bias. cols: the unfolded input, one slab per
 * sample (N x K x P, or K x P for a single sample) when keepCols (re-read by
 * accGradParameters), else one slab per thread. */
int THNNConv_updateOutput(THNNConvGeom *g, THTensor *input, THTensor *output, THTensor *weight,
                          THTensor *bias, THTensor *cols, int keepCols);
/* gradInput = conv^T(gradOutput, weight); cols: per-thread scratch slabs. */
int THNNConv_updateGradInput(THNNConvGeom *g, THTensor *input, THTensor *gradOutput,
                             THTensor *gradInput, THTensor *weight, THTensor *cols);
/* gradWeight += scale * dL/dW, gradBias += scale * dL/db. reuseCols: cols holds the unfolded
 * input written by updateOutput (keepCols); else cols is per-thread scratch. */
int THNNConv_accGradParameters(THNNConvGeom *g, THTensor *input, THTensor *gradOutput,
                               THTensor *gradWeight, THTensor *gradBias, THTensor *cols,
                               int reuseCols, double scale);

/* im2col / col2im (THNN's unfolded_copy / unfolded_acc) of one C x isz image for an
 * osz output grid; col is (C*k0*k1*k2) x (osz volume); col2im adds into img. */
void THNNConv_im2col(int dtype, const void *img, int64_t C, const int64_t *isz, const int64_t *osz,
                     const int64_t *k, const int64_t *s, const int64_t *p, const int64_t *d, void *col);
void THNNConv_col2im(int dtype, const void *col, int64_t C, const int64_t *isz, const int64_t *osz,
                     const int64_t *k, const int64_t *s, const int64_t *p, const int64_t *d, void *img);

/* Row-major float32 C = alpha op(A) op(B) + beta C (THBlas_gemm's contract); an AVX-512
 * kernel where the CPU has it, else OpenBLAS. */
void THNNConv_sgemm(char ta, char tb, int64_t m, int64_t n, int64_t k, double alpha, const float *A, int64_t lda,
                    const float *B, int64_t ldb, double beta, float *C, int64_t ldc);

/* 1 where the AVX-512 kernels may run (the CPU has AVX-512F and THNN_CONV_NO_AVX512 is unset). */
int THNNConv_haveAVX512(void);

/* Direct stride-1 float32 convolution (ConvDirect.c), used instead of im2col + gemm where
 * directOK(g, gradInput) holds after the shape check. Each pass (0 forward, 1 gradInput,
 * 2 gradWeight) takes directScratch(g, pass) floats of scratch per thread (nthr of them) and
 * runs its own thread loop. */
int THNNConv_directOK(const THNNConvGeom *g, int gradInput);
int64_t THNNConv_directScratch(const THNNConvGeom *g, int pass);
int THNNConv_directForward(const THNNConvGeom *g, const float *in, float *out, const float *w, const float *bias,
                           float *scratch, int nthr);
int THNNConv_directGradInput(const THNNConvGeom *g, const float *gout, float *gin, const float *w, float *scratch,
                             int nthr);
/* gw += scale * dL/dW (no bias term). */
int THNNConv_directGradWeight(const THNNConvGeom *g, const float *in, const float *gout, float *gw, double scale,
                              float *scratch, int nthr);

/* Lets OpenMP-parallel loops call single-threaded gemm: returns the previous OpenBLAS count. */
int THNNConv_blasThreadsBegin(int parallel);
void THNNConv_blasThreadsEnd(int parallel, int saved);

/* Prepare a contiguous result: out resized (dtype set if undecided); *work is out itself or a
 * contiguous temporary that THNN_outEnd copies back. */
int THNN_outBegin(const char *fn, const char *what, THTensor *out, int dtype, int ndim,
                  const int64_t *size, THTensor **work);
int THNN_outEnd(THTensor *out, THTensor *work, int status);
/* Resize a scratch buffer (dtype set if undecided); it must then be contiguous of dtype. */
int THNN_buffer(const char *fn, const char *what, THTensor *buf, int dtype, int ndim, const int64_t *size);

#endif
