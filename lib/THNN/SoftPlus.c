/* SoftPlus: log(1 + exp(beta * x)) / beta, linear where beta * x > threshold. */
#include "THNNElementwise.h"

THNN_EW_KERNELS(softplus_fwd, 1, r = x * A > B ? x : TLOG1PEXP(x * A) / A)
/* x = gradOutput, y = input: d/dx = sigmoid(beta * x) */
THNN_EW_KERNELS(softplus_bwd, 2, r = y * A > B ? x : x * TSIGMOID(y * A))

int THNN_SoftPlus_updateOutput(THTensor *input, THTensor *output, double beta, double threshold)
{
    TH_CHECK(beta != 0, TH_ERR_VALUE, "SoftPlus: beta must be non-zero");
    return THNN_EW("SoftPlus", output, -1, softplus_fwd, THNN_P(beta, threshold, 0, 0), THNN_NAMES("input"), input);
}

/* The gradient is computed from input (more accurate than THNN's from-output form); output
 * is not read and may be NULL. */
int THNN_SoftPlus_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *output,
                                  double beta, double threshold)
{
    (void)output;
    TH_CHECK(beta != 0, TH_ERR_VALUE, "SoftPlus: beta must be non-zero");
    return THNN_EW("SoftPlus", gradInput, -1, softplus_bwd, THNN_P(beta, threshold, 0, 0),
                   THNN_NAMES("gradOutput", "input"), gradOutput, input);
}
