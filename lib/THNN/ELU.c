/* ELU: x > 0 ? x : alpha * (exp(x) - 1); the gradient comes from the saved output. */
#include "THNNElementwise.h"

THNN_EW_KERNELS(elu_fwd, 1, r = x > 0 ? x : A * TEXPM1(x))
/* x = gradOutput, y = output */
THNN_EW_KERNELS(elu_bwd, 2, r = y <= 0 ? x * (y + A) : x)

int THNN_ELU_updateOutput(THTensor *input, THTensor *output, double alpha, int inplace)
{
    return THNN_EW("ELU", output, inplace ? 0 : -1, elu_fwd, THNN_P(alpha, 0, 0, 0), THNN_NAMES("input"), input);
}

int THNN_ELU_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output,
                             double alpha, int inplace)
{
    (void)input;
    return THNN_EW("ELU", gradInput, inplace ? 0 : -1, elu_bwd, THNN_P(alpha, 0, 0, 0),
                   THNN_NAMES("gradOutput", "output"), gradOutput, output);
}
