/* AbsCriterion: |input - target|, summed or averaged over all elements, or per element. */
#include "THNNElementwise.h"

THNN_CRIT_KERNELS(k_AbsCriterion, 2, r = x > y ? x - y : y - x, r = x > y ? 1 : (x < y ? -1 : 0))

int THNN_AbsCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage, int reduce)
{
    return THNN_critForward("AbsCriterion", output, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                            sizeAverage, reduce, &k_AbsCriterion, 0);
}

int THNN_AbsCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput, THTensor *gradInput,
                            int sizeAverage, int reduce)
{
    return THNN_critBackward("AbsCriterion", gradInput, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                             gradOutput, sizeAverage, reduce, &k_AbsCriterion, 0);
}
