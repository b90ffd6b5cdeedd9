/* MarginCriterion: hinge loss max(0, margin - input * target) for targets +-1. */
#include "THNNElementwise.h"

THNN_CRIT_KERNELS(k_MarginCriterion, 2, r = A - x * y > 0 ? A - x * y : 0, r = x * y < A ? -y : 0)

int THNN_MarginCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage, double margin, int reduce)
{
    return THNN_critForward("MarginCriterion", output, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                            sizeAverage, reduce, &k_MarginCriterion, margin);
}

int THNN_MarginCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput, THTensor *gradInput,
                            int sizeAverage, double margin, int reduce)
{
    return THNN_critBackward("MarginCriterion", gradInput, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                             gradOutput, sizeAverage, reduce, &k_MarginCriterion, margin);
}
