/* SpatialGridSamplerBilinear (THNN, 2017): output[n][c][h][w] samples input[n][c] bilinearly at
 * grid[n][h][w] = (x, y) in [-1, 1], -1 and 1 being the centres of the corner pixels (PyTorch's
 * grid_sample with align_corners=True); points outside read 0 (padding_mode 'zeros').
 * input N x C x IH x IW, grid N x H x W x 2, output N x C x H x W. */
#ifndef THNN_REAL
#include "THNNPool.h"
#include <math.h>

#define THNN_GENERIC_FILE "SpatialGridSamplerBilinear.c"
#include "THNNGenerate.h"

static const char *const FN = "SpatialGridSamplerBilinear";

static int gs_check(THTensor *input, THTensor *grid, THTensor *gradOutput)
{
    char b1[128], b2[128];
    THNN_CHECK_FLOAT(FN, input);
    TH_CHECK(grid, TH_ERR_VALUE, "%s: grid is NULL", FN);
    TH_CHECK(grid->dtype == input->dtype, TH_ERR_TYPE, "%s: grid has dtype %s but input has dtype %s", FN,
             TH_dtypeName(grid->dtype), TH_dtypeName(input->dtype));
    TH_CHECK(input->ndim == 4, TH_ERR_VALUE, "%s: expected 4D input (N x C x IH x IW), got %s", FN,
             THNN_sizeDesc(input, b1, sizeof b1));
    TH_CHECK(grid->ndim == 4 && grid->size[0] == input->size[0] && grid->size[3] == 2, TH_ERR_VALUE,
             "%s: expected grid of size [%lld x H x W x 2] for input %s, got %s", FN, (long long)input->size[0],
             THNN_sizeDesc(input, b1, sizeof b1), THNN_sizeDesc(grid, b2, sizeof b2));
    TH_CHECK(input->size[2] > 0 && input->size[3] > 0, TH_ERR_VALUE, "%s: expected non-empty input planes, got %s", FN,
             THNN_sizeDesc(input, b1, sizeof b1));
    if (gradOutput) {
        const int64_t want[4] = {input->size[0], input->size[1], grid->size[1], grid->size[2]};
        TH_TRY(THNN_checkGradOutput(FN, gradOutput, 4, want));
    }
    return 0;
}

int THNN_SpatialGridSamplerBilinear_updateOutput(THTensor *input, THTensor *grid, THTensor *output)
{
    TH_TRY(gs_check(input, grid, NULL));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", FN);
    int dt = input->dtype;
    const int64_t osz[4] = {input->size[0], input->size[1], grid->size[1], grid->size[2]};
    THTensor *in = THNN_contig(input, dt, output), *g = in ? THNN_contig(grid, dt, output) : NULL;
    int st = g ? 0 : TH_lastErrorCode();
    THTensor *ow = NULL;
    if (!st) st = THNN_outOpen(output, dt, 4, osz, &ow);
    if (!st && THTensor_numel(ow) > 0) {
        if (dt == TH_FLOAT32) gs_fwd_f(THTensor_data(in), THTensor_data(g), THTensor_data(ow), input->size, osz);
        else gs_fwd_d(THTensor_data(in), THTensor_data(g), THTensor_data(ow), input->size, osz);
    }
    st = THNN_outClose(output, ow, st);
    if (in) THTensor_free(in);
    if (g) THTensor_free(g);
    return st;
}

int THNN_SpatialGridSamplerBilinear_updateGradInput(THTensor *input, THTensor *gradInput, THTensor *grid,
                                                    THTensor *gradGrid, THTensor *gradOutput)
{
    TH_TRY(gs_check(input, grid, gradOutput));
    TH_CHECK(gradInput && gradGrid, TH_ERR_VALUE, "%s: %s is NULL", FN, gradInput ? "gradGrid" : "gradInput");
    int dt = input->dtype;
    const int64_t osz[4] = {input->size[0], input->size[1], grid->size[1], grid->size[2]};
    THTensor *in = THNN_contig(input, dt, gradInput), *g = in ? THNN_contig(grid, dt, gradGrid) : NULL;
    THTensor *go = g ? THNN_contig(gradOutput, dt, gradInput) : NULL;
    int st = go ? 0 : TH_lastErrorCode();
    THTensor *giw = NULL, *ggw = NULL;
    if (!st) st = THNN_outOpen(gradInput, dt, 4, input->size, &giw);
    if (!st) st = THNN_outOpen(gradGrid, dt, 4, grid->size, &ggw);
    if (!st) {
        if (dt == TH_FLOAT32)
            gs_bwd_f(THTensor_data(in), THTensor_data(g), THTensor_data(go), THTensor_data(giw), THTensor_data(ggw),
                     input->size, osz);
        else
            gs_bwd_d(THTensor_data(in), THTensor_data(g), THTensor_data(go), THTensor_data(giw), THTensor_data(ggw),
                     input->size, osz);
    }
    st = THNN_outClose(gradInput, giw, st);
    st = THNN_outClose(gradGrid, ggw, st);
    THTensor *all[3] = {in, g, go};
    for (int i = 0; i < 3; i++) if (all[i]) THTensor_free(all[i]);
    return st;
}

#else /* ---------------------------------------------------------------- per-dtype kernels */

/* The four corners of a sample point: flat offsets (-1 when outside) and weights nw, ne, sw, se. */
typedef struct { int64_t off[4]; real w[4]; real ix, iy; int64_t x0, y0; } TNF(Corners);

static inline TNF(Corners) TNF(gs_corners)(real x, real y, int64_t IH, int64_t IW)
{
    TNF(Corners) c;
    c.ix = (x + 1) / 2 * (real)(IW - 1);
    c.iy = (y + 1) / 2 * (real)(IH - 1);
    const int ok = isfinite(c.ix) && isfinite(c.iy) && fabs(c.ix) < 1e15 && fabs(c.iy) < 1e15;
    real fx = ok ? floor(c.ix) : 0, fy = ok ? floor(c.iy) : 0;
    c.x0 = (int64_t)fx; c.y0 = (int64_t)fy;
    real dx = c.ix - fx, dy = c.iy - fy;
    c.w[0] = (1 - dx) * (1 - dy); c.w[1] = dx * (1 - dy); c.w[2] = (1 - dx) * dy; c.w[3] = dx * dy;
    for (int q = 0; q < 4; q++) {
        int64_t xx = c.x0 + (q & 1), yy = c.y0 + (q >> 1);
        c.off[q] = (ok && xx >= 0 && xx < IW && yy >= 0 && yy < IH) ? yy * IW + xx : -1;
    }
    return c;
}

static void TNF(gs_fwd)(const real *in, const real *grid, real *out, const int64_t *isz, const int64_t *osz)
{
    const int64_t N = isz[0], C = isz[1], IH = isz[2], IW = isz[3], H = osz[2], W = osz[3];
    #pragma omp parallel for schedule(static) if (N * H * W > 1 && TH_parallelOK(N * C * H * W * 4))
    for (int64_t p = 0; p < N * H * W; p++) {
        const int64_t n = p / (H * W), hw = p % (H * W);
        TNF(Corners) c = TNF(gs_corners)(grid[2 * p], grid[2 * p + 1], IH, IW);
        for (int64_t ch = 0; ch < C; ch++) {
            const real *ip = in + (n * C + ch) * IH * IW;
            real v = 0;
            for (int q = 0; q < 4; q++) if (c.off[q] >= 0) v += c.w[q] * ip[c.off[q]];
            out[(n * C + ch) * H * W + hw] = v;
        }
    }
}

static void TNF(gs_bwd)(const real *in, const real *grid, const real *gout, real *gin, real *ggrid,
                        const int64_t *isz, const int64_t *osz)
{
    const int64_t N = isz[0], C = isz[1], IH = isz[2], IW = isz[3], H = osz[2], W = osz[3];
    /* the scatter into gradInput collides inside a sample: one thread per sample */
    #pragma omp parallel for schedule(static) if (N > 1 && TH_parallelOK(N * C * H * W * 8))
    for (int64_t n = 0; n < N; n++) {
        memset(gin + n * C * IH * IW, 0, (size_t)(C * IH * IW) * sizeof(real));
        for (int64_t hw = 0; hw < H * W; hw++) {
            const int64_t p = n * H * W + hw;
            TNF(Corners) c = TNF(gs_corners)(grid[2 * p], grid[2 * p + 1], IH, IW);
            const real dx = c.ix - (real)c.x0, dy = c.iy - (real)c.y0;
            /* d w_q / d ix and d w_q / d iy for nw, ne, sw, se */
            const real wx[4] = {-(1 - dy), 1 - dy, -dy, dy}, wy[4] = {-(1 - dx), -dx, 1 - dx, dx};
            real gx = 0, gy = 0;
            for (int64_t ch = 0; ch < C; ch++) {
                const real *ip = in + (n * C + ch) * IH * IW;
                real *gp = gin + (n * C + ch) * IH * IW;
                const real g = gout[(n * C + ch) * H * W + hw];
                for (int q = 0; q < 4; q++) {
                    if (c.off[q] < 0) continue;
                    gp[c.off[q]] += c.w[q] * g;
                    gx += wx[q] * ip[c.off[q]] * g;
                    gy += wy[q] * ip[c.off[q]] * g;
                }
            }
            ggrid[2 * p] = gx * (real)(IW - 1) / 2;
            ggrid[2 * p + 1] = gy * (real)(IH - 1) / 2;
        }
    }
}

#endif
