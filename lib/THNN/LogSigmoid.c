/* LogSigmoid: log(1 / (1 + exp(-x))), computed as min(x, 0) - log1p(exp(-|x|)) so it never
 * overflows; buffer keeps exp(-|x|) for the backward pass. */
#include "THNNElementwise.h"

THNN_EW_KERNELS(logsigmoid_buf, 1, r = TEXP(x < 0 ? x : -x))
/* x = input, y = buffer */
THNN_EW_KERNELS(logsigmoid_fwd, 2, r = (x < 0 ? x : 0) - TLOG1P(y))
/* x = gradOutput, y = input, z = buffer: d/dx = sigmoid(-x) */
THNN_EW_KERNELS(logsigmoid_bwd, 3, r = x * (y < 0 ? 1 : z) / (1 + z))

int THNN_LogSigmoid_updateOutput(THTensor *input, THTensor *output, THTensor *buffer)
{
    TH_CHECK(buffer, TH_ERR_VALUE, "LogSigmoid: buffer is NULL");
    TH_TRY(THNN_EW("LogSigmoid", buffer, -1, logsigmoid_buf, THNN_P(0, 0, 0, 0), THNN_NAMES("input"), input));
    return THNN_EW("LogSigmoid", output, -1, logsigmoid_fwd, THNN_P(0, 0, 0, 0), THNN_NAMES("input", "buffer"),
                   input, buffer);
}

int THNN_LogSigmoid_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *buffer)
{
    return THNN_EW("LogSigmoid", gradInput, -1, logsigmoid_bwd, THNN_P(0, 0, 0, 0),
                   THNN_NAMES("gradOutput", "input", "buffer"), gradOutput, input, buffer);
}
