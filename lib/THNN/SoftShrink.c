/* SoftShrink: x - lambda above lambda, x + lambda below -lambda, 0 between. */
#include "THNNElementwise.h"

THNN_EW_KERNELS(softshrink_fwd, 1, r = x > A ? x - A : (x < -A ? x + A : 0))
THNN_EW_KERNELS(softshrink_bwd, 2, r = (y > A || y < -A) ? x : 0)

int THNN_SoftShrink_updateOutput(THTensor *input, THTensor *output, double lambda)
{
    TH_CHECK(lambda >= 0, TH_ERR_VALUE, "SoftShrink: lambda must be non-negative, got %g", lambda);
    return THNN_EW("SoftShrink", output, -1, softshrink_fwd, THNN_P(lambda, 0, 0, 0), THNN_NAMES("input"), input);
}

int THNN_SoftShrink_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, double lambda)
{
    TH_CHECK(lambda >= 0, TH_ERR_VALUE, "SoftShrink: lambda must be non-negative, got %g", lambda);
    return THNN_EW("SoftShrink", gradInput, -1, softshrink_bwd, THNN_P(lambda, 0, 0, 0),
                   THNN_NAMES("gradOutput", "input"), gradOutput, input);
}
