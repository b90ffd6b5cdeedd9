/* Sqrt: sqrt(x + eps); the gradient 0.5 / output (0 where the output is 0, as THNN). */
#include "THNNElementwise.h"

THNN_EW_KERNELS(sqrt_fwd, 1, r = TSQRT(x + A))
/* x = gradOutput, y = output */
THNN_EW_KERNELS(sqrt_bwd, 2, r = y == 0 ? 0 : x / (y + y))

int THNN_Sqrt_updateOutput(THTensor *input, THTensor *output, double eps)
{
    return THNN_EW("Sqrt", output, -1, sqrt_fwd, THNN_P(eps, 0, 0, 0), THNN_NAMES("input"), input);
}

/* input is not read (may be NULL). */
int THNN_Sqrt_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output)
{
    (void)input;
    return THNN_EW("Sqrt", gradInput, -1, sqrt_bwd, THNN_P(0, 0, 0, 0), THNN_NAMES("gradOutput", "output"),
                   gradOutput, output);
}
