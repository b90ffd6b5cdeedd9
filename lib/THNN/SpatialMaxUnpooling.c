/* SpatialMaxUnpooling: output plane = 0 except output[indices[i] - index_base] = input[i]
 * (indices as written by max pooling, flat h*oW + w inside the output plane). */
#ifndef THNN_REAL
#include "THNNPool.h"

#define THNN_REAL float
#define TNF(n) n##_f
#include "SpatialMaxUnpooling.c"
#undef THNN_REAL
#undef TNF
#define THNN_REAL double
#define TNF(n) n##_d
#include "SpatialMaxUnpooling.c"
#undef THNN_REAL
#undef TNF

static int unpool_shapeCheck(const char *fn, THTensor *input, THTensor *indices, int oW, int oH, int64_t *oshape)
{
    char buf[128];
    THNN_CHECK_FLOAT(fn, input);
    TH_CHECK(input->ndim == 3 || input->ndim == 4, TH_ERR_VALUE, "%s: expected 3D or 4D input (batch mode), got %s",
             fn, THNN_sizeDesc(input, buf, sizeof buf));
    TH_CHECK(oW > 0 && oH > 0, TH_ERR_VALUE, "%s: output size must be positive, got owidth = %d, oheight = %d", fn, oW, oH);
    TH_TRY(THNN_checkIndices(fn, "indices", indices, input));
    for (int d = 0; d < input->ndim - 2; d++) oshape[d] = input->size[d];
    oshape[input->ndim - 2] = oH;
    oshape[input->ndim - 1] = oW;
    return 0;
}

static int unpool_badIndex(const char *fn, int64_t bad, int base, int oW, int oH)
{
    return TH_setError(TH_ERR_INDEX, "%s: index %lld in indices is out of bounds [%d, %lld) of the output plane (%d x %d)",
                       fn, (long long)bad, base, (long long)oH * oW + base, oH, oW);
}

int THNN_SpatialMaxUnpooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices,
                                          int owidth, int oheight, int index_base)
{
    const char *fn = "SpatialMaxUnpooling";
    int64_t oshape[4];
    TH_TRY(unpool_shapeCheck(fn, input, indices, owidth, oheight, oshape));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    int dt = input->dtype, nd = input->ndim;
    int64_t ipl = input->size[nd - 2] * input->size[nd - 1], opl = (int64_t)owidth * oheight;
    int64_t np = 1;
    for (int d = 0; d < nd - 2; d++) np *= input->size[d];
    THTensor *in = THNN_contig(input, dt, output);
    if (!in) return TH_lastErrorCode();
    THTensor *ind = THTensor_newContiguous(indices);
    if (!ind) { THTensor_free(in); return TH_lastErrorCode(); }
    THTensor *ow = NULL;
    int st = THNN_outOpen(output, dt, nd, oshape, &ow);
    if (!st && THTensor_numel(ow) > 0) {
        int64_t bad = 0;
        int nbad = dt == TH_FLOAT32
            ? unpool_fwd_f(THTensor_data(in), THTensor_data(ow), THTensor_data(ind), np, ipl, opl, index_base, &bad)
            : unpool_fwd_d(THTensor_data(in), THTensor_data(ow), THTensor_data(ind), np, ipl, opl, index_base, &bad);
        if (nbad) st = unpool_badIndex(fn, bad, index_base, owidth, oheight);
    }
    st = THNN_outClose(output, ow, st);
    THTensor_free(in);
    THTensor_free(ind);
    return st;
}

int THNN_SpatialMaxUnpooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                             THTensor *indices, int owidth, int oheight, int index_base)
{
    const char *fn = "SpatialMaxUnpooling";
    int64_t oshape[4];
    TH_TRY(unpool_shapeCheck(fn, input, indices, owidth, oheight, oshape));
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", fn);
    int dt = input->dtype, nd = input->ndim;
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, nd, oshape));
    int64_t ipl = input->size[nd - 2] * input->size[nd - 1], opl = (int64_t)owidth * oheight;
    int64_t np = 1;
    for (int d = 0; d < nd - 2; d++) np *= input->size[d];
    THTensor *go = THNN_contig(gradOutput, dt, gradInput);
    if (!go) return TH_lastErrorCode();
    THTensor *ind = THTensor_newContiguous(indices);
    if (!ind) { THTensor_free(go); return TH_lastErrorCode(); }
    THTensor *gw = NULL;
    int st = THNN_outOpen(gradInput, dt, nd, input->size, &gw);
    if (!st && THTensor_numel(gw) > 0) {
        int64_t bad = 0;
        int nbad = dt == TH_FLOAT32
            ? unpool_bwd_f(THTensor_data(gw), THTensor_data(go), THTensor_data(ind), np, ipl, opl, index_base, &bad)
            : unpool_bwd_d(THTensor_data(gw), THTensor_data(go), THTensor_data(ind), np, ipl, opl, index_base, &bad);
        if (nbad) st = unpool_badIndex(fn, bad, index_base, owidth, oheight);
    }
    st = THNN_outClose(gradInput, gw, st);
    THTensor_free(go);
    THTensor_free(ind);
    return st;
}

#else /* ---------------------------------------------------------------- per-dtype kernels */
#define real THNN_REAL

static int TNF(unpool_fwd)(const real *in, real *out, const int64_t *ind, int64_t np, int64_t ipl, int64_t opl,
                           int64_t base, int64_t *bad)
{
    int nbad = 0;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * (ipl + opl)))
    for (int64_t pl = 0; pl < np; pl++) {
        real *op = out + pl * opl;
        memset(op, 0, (size_t)opl * sizeof(real));
        int lbad = 0;
        int64_t lidx = 0;
        for (int64_t i = 0; i < ipl; i++) {
            int64_t j = ind[pl * ipl + i] - base;
            if ((uint64_t)j >= (uint64_t)opl) { lbad = 1; lidx = j + base; continue; }
            op[j] = in[pl * ipl + i];
        }
        if (lbad) {
            #pragma omp critical(thnn_unpool_bad)
            { nbad++; *bad = lidx; }
        }
    }
    return nbad;
}

static int TNF(unpool_bwd)(real *gin, const real *gout, const int64_t *ind, int64_t np, int64_t ipl, int64_t opl,
                           int64_t base, int64_t *bad)
{
    int nbad = 0;
    #pragma omp parallel for schedule(static) if (np > 1 && TH_parallelOK(np * ipl))
    for (int64_t pl = 0; pl < np; pl++) {
        const real *gp = gout + pl * opl;
        int lbad = 0;
        int64_t lidx = 0;
        for (int64_t i = 0; i < ipl; i++) {
            int64_t j = ind[pl * ipl + i] - base;
            if ((uint64_t)j >= (uint64_t)opl) { lbad = 1; lidx = j + base; gin[pl * ipl + i] = 0; continue; }
            gin[pl * ipl + i] = gp[j];
        }
        if (lbad) {
            #pragma omp critical(thnn_unpool_bad)
            { nbad++; *bad = lidx; }
        }
    }
    return nbad;
}

#undef real
#endif
