/* SpatialConvolutionMM: 2-D convolution by im2col + gemm (THNN's MM path), with groups.
 * finput keeps the unfolded input of every sample for accGradParameters. */
#include "THNNConv.h"

static THNNConvGeom geom(int kW, int kH, int dW, int dH, int padW, int padH, int groups, const char *cols)
{
    return (THNNConvGeom){.name = "SpatialConvolutionMM", .colsName = cols, .nsp = 2, .weight2d = 1,
                          .k = {1, kH, kW}, .s = {1, dH, dW}, .p = {0, padH, padW}, .d = {1, 1, 1},
                          .groups = groups};
}

int THNN_SpatialConvolutionMM_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                           THTensor *finput, THTensor *fgradInput, int kW, int kH, int dW, int dH,
                                           int padW, int padH, int groups)
{
    (void)fgradInput;
    THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, groups, "finput");
    return THNNConv_updateOutput(&g, input, output, weight, bias, finput, 1);
}

int THNN_SpatialConvolutionMM_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                              THTensor *weight, THTensor *finput, THTensor *fgradInput, int kW,
                                              int kH, int dW, int dH, int padW, int padH, int groups)
{
    (void)finput;
    THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, groups, "fgradInput");
    return THNNConv_updateGradInput(&g, input, gradOutput, gradInput, weight, fgradInput);
}

int THNN_SpatialConvolutionMM_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                                THTensor *gradBias, THTensor *finput, THTensor *fgradInput, int kW,
                                                int kH, int dW, int dH, int padW, int padH, double scale, int groups)
{
    (void)fgradInput;
    THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, groups, "finput");
    return THNNConv_accGradParameters(&g, input, gradOutput, gradWeight, gradBias, finput, 1, scale);
}
