/* BCECriterion: -w * (t * log(x) + (1 - t) * log(1 - x)), logs clamped at -100 and the
 * gradient's denominator at 1e-12 like PyTorch. Optional weights broadcast to the input. */
#include "THNNElementwise.h"

#define BCE_LOSS(x, y) -((y) * (TLOG(x) > -100 ? TLOG(x) : -100) + (1 - (y)) * (TLOG(1 - (x)) > -100 ? TLOG(1 - (x)) : -100))
#define BCE_GRAD(x, y) ((x) - (y)) / ((1 - (x)) * (x) > 1e-12 ? (1 - (x)) * (x) : 1e-12)

THNN_CRIT_KERNELS(k_bce, 2, r = BCE_LOSS(x, y), r = BCE_GRAD(x, y))
THNN_CRIT_KERNELS(k_bce_w, 3, r = z * BCE_LOSS(x, y), r = z * BCE_GRAD(x, y))
/* counts inputs outside [0, 1] (NaN included) */
THNN_EW_SUM_KERNELS(bce_outside, 1, r = (x >= 0 && x <= 1) ? 0 : 1)

static int check_range(THTensor *input)
{
    double bad;
    TH_TRY(THNN_ewSum("BCECriterion", 1, &input, THNN_NAMES("input"), bce_outside_Float, bce_outside_Double,
                      THNN_P(0, 0, 0, 0), &bad));
    TH_CHECK(bad == 0, TH_ERR_VALUE, "BCECriterion: all elements of input should be between 0 and 1");
    return 0;
}

/* weights expanded to input's shape (a stride-0 view), or NULL */
static THTensor *expand_weights(THTensor *input, THTensor *weights)
{
    if (!input || !weights) { TH_setError(TH_ERR_VALUE, "BCECriterion: input is NULL"); return NULL; }
    if (weights->ndim > input->ndim) {
        char b0[128], b1[128];
        TH_setError(TH_ERR_VALUE, "BCECriterion: weights of size %s cannot be broadcast to input of size %s",
                    THNN_sizeDesc(weights, b0, sizeof b0), THNN_sizeDesc(input, b1, sizeof b1));
        return NULL;
    }
    THTensor *w = THTensor_newExpand(weights, input->ndim, input->size);
    if (!w) {
        char b0[128], b1[128];
        TH_setError(TH_ERR_VALUE, "BCECriterion: weights of size %s cannot be broadcast to input of size %s",
                    THNN_sizeDesc(weights, b0, sizeof b0), THNN_sizeDesc(input, b1, sizeof b1));
    }
    return w;
}

int THNN_BCECriterion_updateOutput(THTensor *input, THTensor *target, THTensor *output, int sizeAverage,
                                   THTensor *weights, int reduce)
{
    TH_CHECK(input, TH_ERR_VALUE, "BCECriterion: input is NULL");
    TH_TRY(check_range(input));
    if (!weights)
        return THNN_critForward("BCECriterion", output, 2, (THTensor *[]){input, target},
                                THNN_NAMES("input", "target"), sizeAverage, reduce, &k_bce, 0);
    THTensor *w = expand_weights(input, weights);
    if (!w) return TH_lastErrorCode();
    int st = THNN_critForward("BCECriterion", output, 3, (THTensor *[]){input, target, w},
                              THNN_NAMES("input", "target", "weights"), sizeAverage, reduce, &k_bce_w, 0);
    THTensor_free(w);
    return st;
}

int THNN_BCECriterion_updateGradInput(THTensor *input, THTensor *target, THTensor *gradOutput, THTensor *gradInput,
                                      int sizeAverage, THTensor *weights, int reduce)
{
    if (!weights)
        return THNN_critBackward("BCECriterion", gradInput, 2, (THTensor *[]){input, target},
                                 THNN_NAMES("input", "target"), gradOutput, sizeAverage, reduce, &k_bce, 0);
    THTensor *w = expand_weights(input, weights);
    if (!w) return TH_lastErrorCode();
    int st = THNN_critBackward("BCECriterion", gradInput, 3, (THTensor *[]){input, target, w},
                               THNN_NAMES("input", "target", "weights"), gradOutput, sizeAverage, reduce, &k_bce_w, 0);
    THTensor_free(w);
    return st;
}
