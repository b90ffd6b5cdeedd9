/* LeakyReLU: x > 0 ? x : negval * x. */
#include "THNNElementwise.h"

THNN_EW_KERNELS(leakyrelu_fwd, 1, r = x > 0 ? x : x * A)
/* x = gradOutput, y = input (inplace: the output, whose sign matches for negval > 0) */
THNN_EW_KERNELS(leakyrelu_bwd, 2, r = y > 0 ? x : x * A)

int THNN_LeakyReLU_updateOutput(THTensor *input, THTensor *output, double negval, int inplace)
{
    TH_CHECK(!inplace || negval > 0, TH_ERR_VALUE,
             "LeakyReLU: in-place computation needs a positive negval (the gradient is read from the output), got %g",
             negval);
    return THNN_EW("LeakyReLU", output, inplace ? 0 : -1, leakyrelu_fwd, THNN_P(negval, 0, 0, 0),
                   THNN_NAMES("input"), input);
}

int THNN_LeakyReLU_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, double negval,
                                   int inplace)
{
    return THNN_EW("LeakyReLU", gradInput, inplace ? 0 : -1, leakyrelu_bwd, THNN_P(negval, 0, 0, 0),
                   THNN_NAMES("gradOutput", "input"), gradOutput, input);
}
