/* DistKLDivCriterion: Kullback-Leibler divergence for log-probability input: target * (log(target) - input) where target > 0, 0 elsewhere. */
#include "THNNElementwise.h"

THNN_CRIT_KERNELS(k_DistKLDivCriterion, 2, r = y > 0 ? y * (TLOG(y) - x) : 0, r = y > 0 ? -y : 0)

int THNN_DistKLDivCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage, int reduce)
{
    return THNN_critForward("DistKLDivCriterion", output, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                            sizeAverage, reduce, &k_DistKLDivCriterion, 0);
}

int THNN_DistKLDivCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput, THTensor *gradInput,
                            int sizeAverage, int reduce)
{
    return THNN_critBackward("DistKLDivCriterion", gradInput, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                             gradOutput, sizeAverage, reduce, &k_DistKLDivCriterion, 0);
}
