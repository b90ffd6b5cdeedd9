/* HardTanh: clamp(x, min_val, max_val); gradient passes strictly inside (min_val, max_val). */
#include "THNNElementwise.h"

THNN_EW_KERNELS(hardtanh_fwd, 1, r = x < A ? A : (x > B ? B : x))
/* x = gradOutput, y = input (or output when inplace: the same mask) */
THNN_EW_KERNELS(hardtanh_bwd, 2, r = (y <= A || y >= B) ? 0 : x)

static int check_range(double min_val, double max_val)
{
    TH_CHECK(min_val <= max_val, TH_ERR_VALUE, "HardTanh: min_val (%g) must not exceed max_val (%g)", min_val, max_val);
    return 0;
}

int THNN_HardTanh_updateOutput(THTensor *input, THTensor *output, double min_val, double max_val, int inplace)
{
    TH_TRY(check_range(min_val, max_val));
    return THNN_EW("HardTanh", output, inplace ? 0 : -1, hardtanh_fwd, THNN_P(min_val, max_val, 0, 0),
                   THNN_NAMES("input"), input);
}

int THNN_HardTanh_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, double min_val,
                                  double max_val, int inplace)
{
    TH_TRY(check_range(min_val, max_val));
    return THNN_EW("HardTanh", gradInput, inplace ? 0 : -1, hardtanh_bwd, THNN_P(min_val, max_val, 0, 0),
                   THNN_NAMES("gradOutput", "input"), gradOutput, input);
}
