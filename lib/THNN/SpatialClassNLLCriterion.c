/* SpatialClassNLLCriterion: ClassNLL at every pixel of N x C x H x W log-probabilities. */
#include "THNNClassNLL.h"

static int shape_check(THTensor *input, THTensor *target, NLLGeom *g)
{
    char b0[128], b1[128];
    g->fn = "SpatialClassNLLCriterion";
    TH_CHECK(input && target, TH_ERR_VALUE, "SpatialClassNLLCriterion: input or target is NULL");
    THNN_CHECK_FLOAT("SpatialClassNLLCriterion", input);
    TH_CHECK(input->ndim == 4, TH_ERR_VALUE, "SpatialClassNLLCriterion: expected 4D input (N x C x H x W), got %s",
             THNN_sizeDesc(input, b0, sizeof b0));
    TH_CHECK(target->ndim == 3 && target->size[0] == input->size[0] && target->size[1] == input->size[2] &&
             target->size[2] == input->size[3], TH_ERR_VALUE,
             "SpatialClassNLLCriterion: expected target of size [%lld x %lld x %lld] for input of size %s, got %s",
             (long long)input->size[0], (long long)input->size[2], (long long)input->size[3],
             THNN_sizeDesc(input, b0, sizeof b0), THNN_sizeDesc(target, b1, sizeof b1));
    g->N = input->size[0]; g->C = input->size[1]; g->inner = input->size[2] * input->size[3];
    g->out_ndim = 3;
    for (int d = 0; d < 3; d++) g->out_shape[d] = target->size[d];
    return 0;
}

int THNN_SpatialClassNLLCriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output,
                                               int sizeAverage, THTensor *weights, THTensor *total_weight,
                                               int64_t ignore_index, int reduce, int index_base)
{
    NLLGeom g = {0};
    TH_TRY(shape_check(input, target, &g));
    return nll_forward(&g, input, target, output, sizeAverage, weights, total_weight, ignore_index, reduce,
                       index_base);
}

int THNN_SpatialClassNLLCriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput,
                                                  THTensor *gradInput, int sizeAverage, THTensor *weights,
                                                  THTensor *total_weight, int64_t ignore_index, int reduce,
                                                  int index_base)
{
    NLLGeom g = {0};
    TH_TRY(shape_check(input, target, &g));
    return nll_backward(&g, input, target, gradOutput, gradInput, sizeAverage, weights, total_weight,
                        ignore_index, reduce, index_base);
}
