/* VolumetricFullConvolution: 3-D transposed convolution (gemm + col2vol), adjT/adjW/adjH,
 * groups. weight nInputPlane x nOutputPlane/groups x kT x kH x kW.
 * Column buffers are per-thread scratch; accGradParameters unfolds again, as THNN. */
#include "THNNConv.h"

static THNNConvGeom geom(int kT, int kW, int kH, int dT, int dW, int dH, int pT, int pW, int pH, int aT, int aW, int aH, int groups, const char *cols)
{
    return (THNNConvGeom){.name = "VolumetricFullConvolution", .colsName = cols, .nsp = 3, .transposed = 1,
                          .k = {kT, kH, kW}, .s = {dT, dH, dW}, .p = {pT, pH, pW}, .d = {1, 1, 1},
                          .adj = {aT, aH, aW}, .groups = groups};
}

int THNN_VolumetricFullConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
        THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH, int dT, int dW, int dH, int pT, int pW, int pH, int aT, int aW, int aH, int groups)
{
    (void)fgradInput;
    THNNConvGeom g = geom(kT, kW, kH, dT, dW, dH, pT, pW, pH, aT, aW, aH, groups, "finput");
    return THNNConv_updateOutput(&g, input, output, weight, bias, finput, 0);
}

int THNN_VolumetricFullConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight,
        THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH, int dT, int dW, int dH, int pT, int pW, int pH, int aT, int aW, int aH, int groups)
{
    (void)finput;
    THNNConvGeom g = geom(kT, kW, kH, dT, dW, dH, pT, pW, pH, aT, aW, aH, groups, "fgradInput");
    return THNNConv_updateGradInput(&g, input, gradOutput, gradInput, weight, fgradInput);
}

int THNN_VolumetricFullConvolution_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight, THTensor *gradBias,
        THTensor *finput, THTensor *fgradInput, int kT, int kW, int kH, int dT, int dW, int dH, int pT, int pW, int pH, int aT, int aW, int aH, double scale, int groups)
{
    (void)fgradInput;
    THNNConvGeom g = geom(kT, kW, kH, dT, dW, dH, pT, pW, pH, aT, aW, aH, groups, "finput");
    return THNNConv_accGradParameters(&g, input, gradOutput, gradWeight, gradBias, finput, 0, scale);
}
