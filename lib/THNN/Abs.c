/* Abs: |x|; gradient sign(x) * gradOutput. */
#include "THNNElementwise.h"

THNN_EW_KERNELS(abs_fwd, 1, r = x < 0 ? -x : x)
THNN_EW_KERNELS(abs_bwd, 2, r = x > 0 ? y : (x < 0 ? -y : 0))

int THNN_Abs_updateOutput(THTensor *input, THTensor *output)
{
    return THNN_EW("Abs", output, -1, abs_fwd, THNN_P(0, 0, 0, 0), THNN_NAMES("input"), input);
}

int THNN_Abs_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput)
{
    return THNN_EW("Abs", gradInput, -1, abs_bwd, THNN_P(0, 0, 0, 0), THNN_NAMES("input", "gradOutput"),
                   input, gradOutput);
}
