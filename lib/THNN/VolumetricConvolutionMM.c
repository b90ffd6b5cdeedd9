/* VolumetricConvolutionMM: 3-D convolution by vol2col + gemm, with groups. finput keeps the
 * unfolded input of every sample for accGradParameters. */
#include "THNNConv.h"

static THNNConvGeom geom(int kT, int kW, int kH, int dT, int dW, int dH, int pT, int pW, int pH, int groups,
                         const char *cols)
{
    return (THNNConvGeom){.name = "VolumetricConvolutionMM", .colsName = cols, .nsp = 3, .weight2d = 1,
                          .k = {kT, kH, kW}, .s = {dT, dH, dW}, .p = {pT, pH, pW}, .d = {1, 1, 1},
                          .groups = groups};
}

int THNN_VolumetricConvolutionMM_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                              THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH,
                                              int dT, int dW, int dH, int pT, int pW, int pH, int groups)
{
    (void)fgradInput;
    THNNConvGeom g = geom(kT, kW, kH, dT, dW, dH, pT, pW, pH, groups, "finput");
    return THNNConv_updateOutput(&g, input, output, weight, bias, finput, 1);
}

int THNN_VolumetricConvolutionMM_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                 THTensor *weight, THTensor *finput, THTensor *fgradInput, int kT,
                                                 int kW, int kH, int dT, int dW, int dH, int pT, int pW, int pH,
                                                 int groups)
{
    (void)finput;
    THNNConvGeom g = geom(kT, kW, kH, dT, dW, dH, pT, pW, pH, groups, "fgradInput");
    return THNNConv_updateGradInput(&g, input, gradOutput, gradInput, weight, fgradInput);
}

int THNN_VolumetricConvolutionMM_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                                   THTensor *gradBias, THTensor *finput, THTensor *fgradInput,
                                                   int kT, int kW, int kH, int dT, int dW, int dH, int pT, int pW,
                                                   int pH, double scale, int groups)
{
    (void)fgradInput;
    THNNConvGeom g = geom(kT, kW, kH, dT, dW, dH, pT, pW, pH, groups, "finput");
    return THNNConv_accGradParameters(&g, input, gradOutput, gradWeight, gradBias, finput, 1, scale);
}
