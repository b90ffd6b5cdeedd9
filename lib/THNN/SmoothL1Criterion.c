/* SmoothL1Criterion: Huber loss with beta 1: 0.5 d^2 where |d| < 1, |d| - 0.5 elsewhere (d = input - target). */
#include "THNNElementwise.h"

#define T_HALF_ 0.5f

THNN_CRIT_KERNELS(k_SmoothL1Criterion, 2, r = (x - y) * (x - y) < 1 ? (T_HALF_ * (x - y) * (x - y)) : ((x > y ? x - y : y - x) - T_HALF_), r = x - y < -1 ? -1 : (x - y > 1 ? 1 : x - y))

int THNN_SmoothL1Criterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage, int reduce)
{
    return THNN_critForward("SmoothL1Criterion", output, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                            sizeAverage, reduce, &k_SmoothL1Criterion, 0);
}

int THNN_SmoothL1Criterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput, THTensor *gradInput,
                            int sizeAverage, int reduce)
{
    return THNN_critBackward("SmoothL1Criterion", gradInput, 2, (THTensor *[]){input, target}, THNN_NAMES("input", "target"),
                             gradOutput, sizeAverage, reduce, &k_SmoothL1Criterion, 0);
}
