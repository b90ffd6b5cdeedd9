/* MSECriterion: (input - target)^2, summed or averaged over all elements, or per element. */
#include "THNNElementwise.h"

THNN_CRIT_KERNELS(k_MSECriterion, 2, r = (x - y) * (x - y), r = 2 * (x - y))

int THNN_MSECriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage, int reduce)
{
    return THNN_critForward("MSECriterion", output, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                            sizeAverage, reduce, &k_MSECriterion, 0);
}

int THNN_MSECriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput, THTensor *gradInput,
                            int sizeAverage, int reduce)
{
    return THNN_critBackward("MSECriterion", gradInput, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                             gradOutput, sizeAverage, reduce, &k_MSECriterion, 0);
}
