/* SoftMarginCriterion: log(1 + exp(-target * input)) for targets +-1. */
#include "THNNElementwise.h"

THNN_CRIT_KERNELS(k_SoftMarginCriterion, 2, r = TLOG1PEXP(-y * x), r = -y * TSIGMOID(-y * x))

int THNN_SoftMarginCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage, int reduce)
{
    return THNN_critForward("SoftMarginCriterion", output, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                            sizeAverage, reduce, &k_SoftMarginCriterion, 0);
}

int THNN_SoftMarginCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput, THTensor *gradInput,
                            int sizeAverage, int reduce)
{
    return THNN_critBackward("SoftMarginCriterion", gradInput, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                             gradOutput, sizeAverage, reduce, &k_SoftMarginCriterion, 0);
}
