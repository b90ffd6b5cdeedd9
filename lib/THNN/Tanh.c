/* Tanh; the gradient comes from the saved output. */
#include "THNNElementwise.h"

THNN_EW_KERNELS(tanh_fwd, 1, r = TTANH(x))
/* x = gradOutput, y = output */
THNN_EW_KERNELS(tanh_bwd, 2, r = x * (1 - y * y))

int THNN_Tanh_updateOutput(THTensor *input, THTensor *output)
{
    return THNN_EW("Tanh", output, -1, tanh_fwd, THNN_P(0, 0, 0, 0), THNN_NAMES("input"), input);
}

/* input is not read (may be NULL). */
int THNN_Tanh_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output)
{
    (void)input;
    return THNN_EW("Tanh", gradInput, -1, tanh_bwd, THNN_P(0, 0, 0, 0), THNN_NAMES("gradOutput", "output"),
                   gradOutput, output);
}
