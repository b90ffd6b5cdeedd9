/* Sigmoid: 1 / (1 + exp(-x)); the gradient comes from the saved output. */
#include "THNNElementwise.h"

THNN_EW_KERNELS(sigmoid_fwd, 1, r = TSIGMOID(x))
/* x = gradOutput, y = output */
THNN_EW_KERNELS(sigmoid_bwd, 2, r = x * (1 - y) * y)

int THNN_Sigmoid_updateOutput(THTensor *input, THTensor *output)
{
    return THNN_EW("Sigmoid", output, -1, sigmoid_fwd, THNN_P(0, 0, 0, 0), THNN_NAMES("input"), input);
}

/* input is not read (may be NULL). */
int THNN_Sigmoid_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output)
{
    (void)input;
    return THNN_EW("Sigmoid", gradInput, -1, sigmoid_bwd, THNN_P(0, 0, 0, 0), THNN_NAMES("gradOutput", "output"),
                   gradOutput, output);
}
