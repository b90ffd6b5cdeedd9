/* VolumetricDilatedConvolution: 3-D convolution with dilation (vol2col + gemm), groups.
 * Column buffers are per-thread scratch; accGradParameters unfolds again, as THNN. */
#include "THNNConv.h"

static THNNConvGeom geom(int kT, int kW, int kH, int dT, int dW, int dH, int padT, int padW, int padH, int dilationT, int dilationW, int dilationH, int groups, const char *cols)
{
    return (THNNConvGeom){.name = "VolumetricDilatedConvolution", .colsName = cols, .nsp = 3, .transposed = 0,
                          .k = {kT, kH, kW}, .s = {dT, dH, dW}, .p = {padT, padH, padW}, .d = {dilationT, dilationH, dilationW},
                          .adj = {0, 0, 0}, .groups = groups};
}

int THNN_VolumetricDilatedConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
        THTensor *columns, THTensor *ones, int kT, int kW, int kH, int dT, int dW, int dH, int padT, int padW, int padH, int dilationT, int dilationW, int dilationH, int groups)
{
    (void)ones;
    THNNConvGeom g = geom(kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT, dilationW, dilationH, groups, "columns");
    return THNNConv_updateOutput(&g, input, output, weight, bias, columns, 0);
}

int THNN_VolumetricDilatedConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight,
        THTensor *gradColumns, int kT, int kW, int kH, int dT, int dW, int dH, int padT, int padW, int padH, int dilationT, int dilationW, int dilationH, int groups)
{
    THNNConvGeom g = geom(kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT, dilationW, dilationH, groups, "gradColumns");
    return THNNConv_updateGradInput(&g, input, gradOutput, gradInput, weight, gradColumns);
}

int THNN_VolumetricDilatedConvolution_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight, THTensor *gradBias,
        THTensor *columns, THTensor *ones, int kT, int kW, int kH, int dT, int dW, int dH, int padT, int padW, int padH, int dilationT, int dilationW, int dilationH, double scale, int groups)
{
    (void)ones;
    THNNConvGeom g = geom(kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT, dilationW, dilationH, groups, "columns");
    return THNNConv_accGradParameters(&g, input, gradOutput, gradWeight, gradBias, columns, 0, scale);
}
