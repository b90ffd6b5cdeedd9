/* SoftMax over one dimension (THNN's feature dim when dim < 0). */
#include "THNNSoftMax.h"

THNN_SOFTMAX_IMPL(float, Float, 0)
THNN_SOFTMAX_IMPL(double, Double, 0)

int THNN_SoftMax_updateOutput(THTensor *input, THTensor *output, int dim)
{
    return thnn_softmax_run("SoftMax", output, input, NULL, dim, 0, (void (*)())sm_fwd_Float, (void (*)())sm_fwd_Double);
}

/* The gradient comes from the saved output; input is not read (may be NULL). */
int THNN_SoftMax_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output,
                                 int dim)
{
    (void)input;
    TH_CHECK(output, TH_ERR_VALUE, "SoftMax: output is NULL");
    return thnn_softmax_run("SoftMax", gradInput, output, gradOutput, dim, 1, (void (*)())sm_bwd_Float,
                            (void (*)())sm_bwd_Double);
}
