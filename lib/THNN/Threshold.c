/* Threshold: x > threshold ? x : val (ReLU is threshold 0, val 0). */
#include "THNNElementwise.h"

THNN_EW_MEM_KERNELS(threshold_fwd, 1, r = x > A ? x : B)
/* val == threshold (ReLU): the same select in the form that compiles to one vmaxps */
THNN_EW_MEM_KERNELS(threshold_max, 1, r = x > A ? x : A)
/* x = gradOutput, y = input (inplace: the output, same mask since val <= threshold) */
THNN_EW_MEM_KERNELS(threshold_bwd, 2, r = y > A ? x : 0)

int THNN_Threshold_updateOutput(THTensor *input, THTensor *output, double threshold, double val, int inplace)
{
    TH_CHECK(!inplace || val <= threshold, TH_ERR_VALUE,
             "Threshold: in-place computation requires val (%g) not to exceed threshold (%g)", val, threshold);
    if (val == threshold)
        return THNN_EW("Threshold", output, inplace ? 0 : -1, threshold_max, THNN_P(threshold, val, 0, 0),
                       THNN_NAMES("input"), input);
    return THNN_EW("Threshold", output, inplace ? 0 : -1, threshold_fwd, THNN_P(threshold, val, 0, 0),
                   THNN_NAMES("input"), input);
}

int THNN_Threshold_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, double threshold,
                                   double val, int inplace)
{
    TH_CHECK(!inplace || val <= threshold, TH_ERR_VALUE,
             "Threshold: in-place computation requires val (%g) not to exceed threshold (%g)", val, threshold);
    return THNN_EW("Threshold", gradInput, inplace ? 0 : -1, threshold_bwd, THNN_P(threshold, val, 0, 0),
                   THNN_NAMES("gradOutput", "input"), gradOutput, input);
}
