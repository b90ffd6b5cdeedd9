/* SpatialDilatedConvolution: 2-D convolution with dilation (im2col + gemm), with groups.
 * columns is per-thread scratch (accGradParameters unfolds the input again, as THNN);
 * ones is kept for Torch7's signature and not used on CPU (may be NULL). */
#include "THNNConv.h"

static THNNConvGeom geom(int kW, int kH, int dW, int dH, int padW, int padH, int dilW, int dilH, int groups,
                         const char *cols)
{
    return (THNNConvGeom){.name = "SpatialDilatedConvolution", .colsName = cols, .nsp = 2, .weight2d = 1,
                          .k = {1, kH, kW}, .s = {1, dH, dW}, .p = {0, padH, padW}, .d = {1, dilH, dilW},
                          .groups = groups};
}

int THNN_SpatialDilatedConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight,
                                                THTensor *bias, THTensor *columns, THTensor *ones, int kW, int kH,
                                                int dW, int dH, int padW, int padH, int dilationW, int dilationH,
                                                int groups)
{
    (void)ones;
    THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, dilationW, dilationH, groups, "columns");
    return THNNConv_updateOutput(&g, input, output, weight, bias, columns, 0);
}

int THNN_SpatialDilatedConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                   THTensor *weight, THTensor *gradColumns, int kW, int kH, int dW,
                                                   int dH, int padW, int padH, int dilationW, int dilationH,
                                                   int groups)
{
    THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, dilationW, dilationH, groups, "gradColumns");
    return THNNConv_updateGradInput(&g, input, gradOutput, gradInput, weight, gradColumns);
}

int THNN_SpatialDilatedConvolution_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                                     THTensor *gradBias, THTensor *columns, THTensor *ones, int kW,
                                                     int kH, int dW, int dH, int padW, int padH, int dilationW,
                                                     int dilationH, double scale, int groups)
{
    (void)ones;
    THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, dilationW, dilationH, groups, "columns");
    return THNNConv_accGradParameters(&g, input, gradOutput, gradWeight, gradBias, columns, 0, scale);
}
