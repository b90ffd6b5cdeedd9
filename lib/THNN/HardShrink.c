/* HardShrink: x where |x| > lambda, else 0. */
#include "THNNElementwise.h"

THNN_EW_KERNELS(hardshrink_fwd, 1, r = (x > A || x < -A) ? x : 0)
THNN_EW_KERNELS(hardshrink_bwd, 2, r = (y > A || y < -A) ? x : 0)

int THNN_HardShrink_updateOutput(THTensor *input, THTensor *output, double lambda)
{
    return THNN_EW("HardShrink", output, -1, hardshrink_fwd, THNN_P(lambda, 0, 0, 0), THNN_NAMES("input"), input);
}

int THNN_HardShrink_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, double lambda)
{
    return THNN_EW("HardShrink", gradInput, -1, hardshrink_bwd, THNN_P(lambda, 0, 0, 0),
                   THNN_NAMES("gradOutput", "input"), gradOutput, input);
}
