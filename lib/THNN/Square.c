/* Square: x * x. */
#include "THNNElementwise.h"

THNN_EW_KERNELS(square_fwd, 1, r = x * x)
/* x = gradOutput, y = input */
THNN_EW_KERNELS(square_bwd, 2, r = 2 * y * x)

int THNN_Square_updateOutput(THTensor *input, THTensor *output)
{
    return THNN_EW("Square", output, -1, square_fwd, THNN_P(0, 0, 0, 0), THNN_NAMES("input"), input);
}

int THNN_Square_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput)
{
    return THNN_EW("Square", gradInput, -1, square_bwd, THNN_P(0, 0, 0, 0), THNN_NAMES("gradOutput", "input"),
                   gradOutput, input);
}
