/* ClassNLLCriterion: -weights[t] * input[t] per sample for log-probability inputs. */
#include "THNNClassNLL.h"

static int shape_check(THTensor *input, THTensor *target, NLLGeom *g)
{
    char b0[128], b1[128];
    g->fn = "ClassNLLCriterion";
    TH_CHECK(input && target, TH_ERR_VALUE, "ClassNLLCriterion: input or target is NULL");
    THNN_CHECK_FLOAT("ClassNLLCriterion", input);
    TH_CHECK(input->ndim == 1 || input->ndim == 2, TH_ERR_VALUE,
             "ClassNLLCriterion: expected 1D (C) or 2D (N x C) input, got %s", THNN_sizeDesc(input, b0, sizeof b0));
    if (input->ndim == 1) {
        TH_CHECK(target->ndim <= 1 && THTensor_numel(target) == 1, TH_ERR_VALUE,
                 "ClassNLLCriterion: a 1D input needs a target of one element, got %s",
                 THNN_sizeDesc(target, b1, sizeof b1));
        g->N = 1; g->C = input->size[0];
    } else {
        TH_CHECK(target->ndim == 1 && target->size[0] == input->size[0], TH_ERR_VALUE,
                 "ClassNLLCriterion: expected target of size [%lld] for input of size %s, got %s",
                 (long long)input->size[0], THNN_sizeDesc(input, b0, sizeof b0), THNN_sizeDesc(target, b1, sizeof b1));
        g->N = input->size[0]; g->C = input->size[1];
    }
    g->inner = 1;
    g->out_ndim = target->ndim;
    for (int d = 0; d < target->ndim; d++) g->out_shape[d] = target->size[d];
    return 0;
}

int THNN_ClassNLLCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage,
                                        THTensor *weights, THTensor *total_weight, int64_t ignore_index,
                                        int reduce, int index_base)
{
    NLLGeom g = {0};
    TH_TRY(shape_check(input, target, &g));
    return nll_forward(&g, input, target, output, sizeAverage, weights, total_weight, ignore_index, reduce,
                       index_base);
}

int THNN_ClassNLLCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                           THTensor *gradInput, int sizeAverage, THTensor *weights,
                                           THTensor *total_weight, int64_t ignore_index, int reduce,
                                           int index_base)
{
    NLLGeom g = {0};
    TH_TRY(shape_check(input, target, &g));
    return nll_backward(&g, input, target, gradOutput, gradInput, sizeAverage, weights, total_weight,
                        ignore_index, reduce, index_base);
}
