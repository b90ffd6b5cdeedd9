/* SpatialFullDilatedConvolution: 2-D transposed convolution with dilation (gemm + col2im),
 * groups. weight nInputPlane x nOutputPlane/groups x kH x kW.
 * Column buffers are per-thread scratch; accGradParameters unfolds again, as THNN. */
#include "THNNConv.h"

static THNNConvGeom geom(int kW, int kH, int dW, int dH, int padW, int padH, int dilationW, int dilationH, int adjW, int adjH, int groups, const char *cols)
{
    return (THNNConvGeom){.name = "SpatialFullDilatedConvolution", .colsName = cols, .nsp = 2, .transposed = 1,
                          .k = {1, kH, kW}, .s = {1, dH, dW}, .p = {0, padH, padW}, .d = {1, dilationH, dilationW},
                          .adj = {0, adjH, adjW}, .groups = groups};
}

int THNN_SpatialFullDilatedConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
        THTensor *columns, THTensor *ones, int kW, int kH, int dW, int dH, int padW, int padH, int dilationW, int dilationH, int adjW, int adjH, int groups)
{
    (void)ones;
    THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, dilationW, dilationH, adjW, adjH, groups, "columns");
    return THNNConv_updateOutput(&g, input, output, weight, bias, columns, 0);
}

int THNN_SpatialFullDilatedConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight,
        THTensor *gradColumns, int kW, int kH, int dW, int dH, int padW, int padH, int dilationW, int dilationH, int adjW, int adjH, int groups)
{
    THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, dilationW, dilationH, adjW, adjH, groups, "gradColumns");
    return THNNConv_updateGradInput(&g, input, gradOutput, gradInput, weight, gradColumns);
}

int THNN_SpatialFullDilatedConvolution_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight, THTensor *gradBias,
        THTensor *columns, THTensor *ones, int kW, int kH, int dW, int dH, int padW, int padH, int dilationW, int dilationH, int adjW, int adjH, double scale, int groups)
{
    (void)ones;
    THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, dilationW, dilationH, adjW, adjH, groups, "columns");
    return THNNConv_accGradParameters(&g, input, gradOutput, gradWeight, gradBias, columns, 0, scale);
}
