/* SpatialMaxUnpooling and VolumetricMaxUnpooling: output plane (volume) = 0 except
 * output[indices[i] - index_base] = input[i] (indices as written by max pooling: the flat
 * offset h*oW + w, or t*oH*oW + h*oW + w, inside the output plane or volume). */
#ifndef THNN_REAL
#include "THNNPool.h"

#define THNN_GENERIC_FILE "MaxUnpooling.c"
#include "THNNGenerate.h"

/* Check input ((nsp+1)-D or (nsp+2)-D) and indices; oshape gets the output shape, *np the
 * number of planes, *ipl / *opl the input / output plane (volume) sizes. osz: T, H, W. */
static int unpool_shapeCheck(const char *fn, int nsp, THTensor *input, THTensor *indices, const int64_t *osz,
                             int64_t *oshape, int64_t *np, int64_t *ipl, int64_t *opl)
{
    char buf[128];
    THNN_CHECK_FLOAT(fn, input);
    int nd = input->ndim;
    TH_CHECK(nd == nsp + 1 || nd == nsp + 2, TH_ERR_VALUE, "%s: expected %dD or %dD input (batch mode), got %s",
             fn, nsp + 1, nsp + 2, THNN_sizeDesc(input, buf, sizeof buf));
    if (nsp == 2)
        TH_CHECK(osz[1] > 0 && osz[2] > 0, TH_ERR_VALUE, "%s: output size must be positive, got owidth = %lld, oheight = %lld",
                 fn, (long long)osz[2], (long long)osz[1]);
    else
        TH_CHECK(osz[0] > 0 && osz[1] > 0 && osz[2] > 0, TH_ERR_VALUE,
                 "%s: output size must be positive, got otime = %lld, owidth = %lld, oheight = %lld",
                 fn, (long long)osz[0], (long long)osz[2], (long long)osz[1]);
    TH_TRY(THNN_checkIndices(fn, "indices", indices, input));
    *np = 1; *ipl = 1; *opl = 1;
    for (int d = 0; d < nd - nsp; d++) { oshape[d] = input->size[d]; *np *= input->size[d]; }
    for (int i = 0; i < nsp; i++) {
        oshape[nd - nsp + i] = osz[3 - nsp + i];
        *ipl *= input->size[nd - nsp + i];
        *opl *= osz[3 - nsp + i];
    }
    return 0;
}

static int unpool_badIndex(const char *fn, int64_t bad, int base, int64_t opl)
{
    return TH_setError(TH_ERR_INDEX, "%s: index %lld in indices is out of bounds [%d, %lld) of the output plane",
                       fn, (long long)bad, base, (long long)opl + base);
}

static int unpool_updateOutput(const char *fn, int nsp, THTensor *input, THTensor *output, THTensor *indices,
                               const int64_t *osz, int index_base)
{
    int64_t oshape[5], np, ipl, opl;
    TH_TRY(unpool_shapeCheck(fn, nsp, input, indices, osz, oshape, &np, &ipl, &opl));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", fn);
    int dt = input->dtype, nd = input->ndim;
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
        if (nbad) st = unpool_badIndex(fn, bad, index_base, opl);
    }
    st = THNN_outClose(output, ow, st);
    THTensor_free(in);
    THTensor_free(ind);
    return st;
}

static int unpool_updateGradInput(const char *fn, int nsp, THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                  THTensor *indices, const int64_t *osz, int index_base)
{
    int64_t oshape[5], np, ipl, opl;
    TH_TRY(unpool_shapeCheck(fn, nsp, input, indices, osz, oshape, &np, &ipl, &opl));
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", fn);
    int dt = input->dtype, nd = input->ndim;
    TH_TRY(THNN_checkGradOutput(fn, gradOutput, nd, oshape));
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
        if (nbad) st = unpool_badIndex(fn, bad, index_base, opl);
    }
    st = THNN_outClose(gradInput, gw, st);
    THTensor_free(go);
    THTensor_free(ind);
    return st;
}

int THNN_SpatialMaxUnpooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices,
                                          int owidth, int oheight, int index_base)
{
    return unpool_updateOutput("SpatialMaxUnpooling", 2, input, output, indices, (const int64_t[3]){1, oheight, owidth},
                               index_base);
}

int THNN_SpatialMaxUnpooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                             THTensor *indices, int owidth, int oheight, int index_base)
{
    return unpool_updateGradInput("SpatialMaxUnpooling", 2, input, gradOutput, gradInput, indices,
                                  (const int64_t[3]){1, oheight, owidth}, index_base);
}

/* Torch7's stride and padding arguments: its indices were window offsets that needed them; ours
 * are flat offsets, so they are only validated. */
static int vunpool_checkArgs(const char *fn, int dT, int dW, int dH, int pT, int pW, int pH)
{
    TH_CHECK(dT > 0 && dW > 0 && dH > 0, TH_ERR_VALUE,
             "%s: stride should be greater than zero, but got dT = %d, dW = %d, dH = %d", fn, dT, dW, dH);
    TH_CHECK(pT >= 0 && pW >= 0 && pH >= 0, TH_ERR_VALUE,
             "%s: padding should be non-negative, but got pT = %d, pW = %d, pH = %d", fn, pT, pW, pH);
    return 0;
}

int THNN_VolumetricMaxUnpooling_updateOutput(THTensor *input, THTensor *output, THTensor *indices, int oT, int oW,
                                             int oH, int dT, int dW, int dH, int pT, int pW, int pH, int index_base)
{
    const char *fn = "VolumetricMaxUnpooling";
    TH_TRY(vunpool_checkArgs(fn, dT, dW, dH, pT, pW, pH));
    return unpool_updateOutput(fn, 3, input, output, indices, (const int64_t[3]){oT, oH, oW}, index_base);
}

int THNN_VolumetricMaxUnpooling_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                THTensor *indices, int oT, int oW, int oH, int dT, int dW, int dH,
                                                int pT, int pW, int pH, int index_base)
{
    const char *fn = "VolumetricMaxUnpooling";
    TH_TRY(vunpool_checkArgs(fn, dT, dW, dH, pT, pW, pH));
    return unpool_updateGradInput(fn, 3, input, gradOutput, gradInput, indices, (const int64_t[3]){oT, oH, oW},
                                  index_base);
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

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

#endif
