/* Internal helpers of the pooling / sampling / padding kernels (lib/THNN/Spatial*Pooling.c etc.).
 *
 * Each kernel file specialises its per-dtype code through THNNGenerate.h (one file per op
 * family). */
#ifndef THNN_POOL_H
#define THNN_POOL_H
#include "THNN.h"
#include <float.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* A new reference to t as a contiguous tensor of dtype dt (t itself when it already is), or a
 * private copy when t shares memory with the tensor `out` the op is about to write (NULL: none). */
static inline THTensor *THNN_contig(THTensor *t, int dt, const THTensor *out)
{
    if (t->dtype != dt) return THTensor_newCast(t, dt);
    if (out && (out == t || (out->storage && out->storage == t->storage))) return THTensor_newClone(t);
    return THTensor_newContiguous(t);
}

/* Resize out to shape (a fresh out takes dtype dt) and hand back in *work a contiguous tensor
 * of dtype dt to compute into: out itself when possible, else a temporary that
 * THNN_outClose copies back (out kept a non-contiguous layout or has another dtype). */
static inline int THNN_outOpen(THTensor *out, int dt, int ndim, const int64_t *shape, THTensor **work)
{
    *work = NULL;
    TH_TRY(TH_prepareOut(out, dt, ndim, shape));
    if (out->dtype == dt && THTensor_isContiguous(out) && (out->storage || THTensor_numel(out) == 0)) {
        THTensor_retain(out);
        *work = out;
        return 0;
    }
    *work = THTensor_newWithSize(dt, ndim, shape);
    return *work ? 0 : TH_lastErrorCode();
}

/* Finish an output opened by THNN_outOpen: copy back if needed, bump the version, release work.
 * Passes status through (work is released either way). */
static inline int THNN_outClose(THTensor *out, THTensor *work, int status)
{
    if (!work) return status;
    if (!status) {
        if (work != out) status = THTensor_copy(out, work);
        else THTensor_bumpVersion(out);
    }
    THTensor_free(work);
    return status;
}

/* Fail unless input is float32/float64 with nsp + 1 dims, or nsp + 2 in batch mode, and only its
 * batch dim may be 0. */
static inline int THNN_batchInputCheck(const char *fn, const THTensor *input, int nsp)
{
    char buf[128];
    THNN_CHECK_FLOAT(fn, input);
    int nd = input->ndim;
    TH_CHECK(nd == nsp + 1 || nd == nsp + 2, TH_ERR_VALUE, "%s: expected %dD or %dD input (batch mode), got %s",
             fn, nsp + 1, nsp + 2, THNN_sizeDesc(input, buf, sizeof buf));
    for (int d = nd - nsp - 1; d < nd; d++)
        TH_CHECK(input->size[d] > 0, TH_ERR_VALUE, "%s: expected non-empty %dD or %dD input (only the batch dim may be 0), got %s",
                 fn, nsp + 1, nsp + 2, THNN_sizeDesc(input, buf, sizeof buf));
    return 0;
}

static inline void THNN_freeAll(THTensor **ts, int n)
{
    for (int i = 0; i < n; i++) if (ts[i]) THTensor_free(ts[i]);
}

/* Output length of a pooling window sweep (PyTorch's pooling_output_shape == THNN's rule:
 * in ceil mode the last window must start inside the input plus the left padding). */
static inline int64_t THNN_poolOutSize(int64_t in, int k, int d, int pad, int dil, int ceil_mode)
{
    int64_t num = in + 2 * (int64_t)pad - (int64_t)dil * (k - 1) - 1 + (ceil_mode ? d - 1 : 0);
    int64_t q = num >= 0 ? num / d : -((-num + d - 1) / d);   /* floor division */
    int64_t o = q + 1;
    if (ceil_mode && (o - 1) * d >= in + pad) o--;
    return o;
}

/* Fail unless index tensor idx is int64 with the shape of ref. */
static inline int THNN_checkIndices(const char *fn, const char *argname, THTensor *idx, THTensor *ref)
{
    TH_CHECK(idx, TH_ERR_VALUE, "%s: %s is NULL", fn, argname);
    TH_CHECK(idx->dtype == TH_INT64, TH_ERR_TYPE, "%s: expected an int64 tensor for %s, got %s", fn,
             argname, TH_validDtype(idx->dtype) ? TH_dtypeName(idx->dtype) : "an undecided dtype");
    int same = idx->ndim == ref->ndim;
    for (int d = 0; same && d < ref->ndim; d++) same = idx->size[d] == ref->size[d];
    if (!same) {
        char a[128], b[128];
        return TH_setError(TH_ERR_VALUE, "%s: %s of size %s does not match the expected size %s", fn,
                           argname, THNN_sizeDesc(idx, a, sizeof a), THNN_sizeDesc(ref, b, sizeof b));
    }
    return 0;
}

/* The indices output of a max pooling: present, and int64 or not yet typed. */
static inline int THNN_checkIndicesOut(const char *fn, THTensor *indices)
{
    TH_CHECK(indices, TH_ERR_VALUE, "%s: indices is NULL", fn);
    TH_CHECK(indices->dtype == TH_INT64 || indices->dtype < 0, TH_ERR_TYPE,
             "%s: expected an int64 tensor for indices, got %s", fn, TH_dtypeName(indices->dtype));
    return 0;
}

/* Fail unless gradOutput has exactly the given shape. */
static inline int THNN_checkGradOutput(const char *fn, THTensor *g, int ndim, const int64_t *shape)
{
    TH_CHECK(g, TH_ERR_VALUE, "%s: gradOutput is NULL", fn);
    int same = g->ndim == ndim;
    for (int d = 0; same && d < ndim; d++) same = g->size[d] == shape[d];
    if (!same) {
        char a[128], b[256];
        size_t k = (size_t)snprintf(b, sizeof b, "[");
        for (int d = 0; d < ndim && k < sizeof b; d++)
            k += (size_t)snprintf(b + k, sizeof b - k, d ? " x %lld" : "%lld", (long long)shape[d]);
        if (k < sizeof b) snprintf(b + k, sizeof b - k, "]");
        return TH_setError(TH_ERR_VALUE, "%s: expected gradOutput of size %s, got %s", fn, b,
                           THNN_sizeDesc(g, a, sizeof a));
    }
    return 0;
}

/* Sizes of a temporal (frame sequence) call: input nFrame x frameSize or N x nFrame x frameSize. */
typedef struct { int64_t nb, iT, F, oT; int64_t oshape[3]; int ond; } TemporalShape;

/* Shared shape check of TemporalMaxPooling and TemporalSubSampling: a kW-frame window every dW
 * frames; frameSize < 0 accepts any frame size. */
static inline int THNN_temporalShapeCheck(const char *fn, THTensor *input, int kW, int dW, int64_t frameSize,
                                          TemporalShape *s)
{
    char buf[128];
    THNN_CHECK_FLOAT(fn, input);
    int nd = input->ndim;
    TH_CHECK(nd == 2 || nd == 3, TH_ERR_VALUE, "%s: expected 2D or 3D input (batch mode), got %s",
             fn, THNN_sizeDesc(input, buf, sizeof buf));
    TH_CHECK(kW > 0 && dW > 0, TH_ERR_VALUE, "%s: kernel size and stride should be greater than zero, but got kW = %d, dW = %d",
             fn, kW, dW);
    s->nb = nd == 3 ? input->size[0] : 1;
    s->iT = input->size[nd - 2];
    s->F = input->size[nd - 1];
    TH_CHECK(frameSize < 0 || s->F == frameSize, TH_ERR_VALUE, "%s: expected input with frame size %lld, got %s",
             fn, (long long)frameSize, THNN_sizeDesc(input, buf, sizeof buf));
    TH_CHECK(s->iT >= kW, TH_ERR_VALUE, "%s: input sequence of %lld frames (input %s) smaller than kernel size kW = %d",
             fn, (long long)s->iT, THNN_sizeDesc(input, buf, sizeof buf), kW);
    s->oT = (s->iT - kW) / dW + 1;
    s->ond = nd;
    if (nd == 3) s->oshape[0] = s->nb;
    s->oshape[nd - 2] = s->oT;
    s->oshape[nd - 1] = s->F;
    return 0;
}

/* Fail unless p (weight / gradWeight / ...: one value per `per`, e.g. "input plane") holds n
 * values; a gradient (is_grad) must also be contiguous in the input's dtype dt. */
static inline int THNN_checkPerPlaneParam(const char *fn, const char *name, THTensor *p, int64_t n,
                                          const char *per, int dt, int is_grad)
{
    char buf[128];
    TH_CHECK(p, TH_ERR_VALUE, "%s: %s is NULL", fn, name);
    TH_CHECK(p->dtype == TH_FLOAT32 || p->dtype == TH_FLOAT64, TH_ERR_TYPE, "%s: expected a float32 or float64 tensor for %s, got %s",
             fn, name, TH_validDtype(p->dtype) ? TH_dtypeName(p->dtype) : "an undecided dtype");
    TH_CHECK(THTensor_numel(p) == n, TH_ERR_VALUE, "%s: expected %s with %lld elements (one per %s), got %s",
             fn, name, (long long)n, per, THNN_sizeDesc(p, buf, sizeof buf));
    if (is_grad) {
        TH_CHECK(p->dtype == dt, TH_ERR_TYPE, "%s: expected %s of dtype %s (the input's), got %s", fn, name,
                 TH_dtypeName(dt), TH_dtypeName(p->dtype));
        TH_CHECK(THTensor_isContiguous(p), TH_ERR_VALUE, "%s: %s must be contiguous", fn, name);
    }
    return 0;
}

/* The backward of the max poolings that record argmax indices (DilatedMaxPooling.c): gradInput
 * (input's shape) = 0, then per plane gradInput[indices - index_base] += gradOutput. gradOutput
 * and indices (np planes of opl cells) must already be checked; ipl: cells of an input plane. */
int THNN_argmaxBackward(const char *fn, THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                        THTensor *indices, int64_t np, int64_t ipl, int64_t opl, int index_base);

/* Sizes of a pooling call; spatial arrays are ordered T, H, W. */
typedef struct {
    int batch;                 /* input had a batch dim */
    int64_t nbatch, nplanes;   /* nplanes = channels */
    int64_t in[3], out[3];
} PoolShape;

/* Shared shape check of max and average pooling (nsp = 2 or 3 spatial dims). */
int THNN_poolShapeCheck(const char *fn, THTensor *input, int nsp, const int *k, const int *d,
                        const int *p, const int *dil, int ceil_mode, PoolShape *s);

/* Output shape of a pooling call into shape; returns ndim. */
static inline int THNN_poolOutShape(const PoolShape *s, int nsp, int64_t *shape)
{
    int n = 0;
    if (s->batch) shape[n++] = s->nbatch;
    shape[n++] = s->nplanes;
    for (int i = 3 - nsp; i < 3; i++) shape[n++] = s->out[i];
    return n;
}

#endif
