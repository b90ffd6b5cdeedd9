/* Linear: output = input @ weight^T + bias, with weight out x in; input in or N x in.
 * The products go through THTensor_addmm / addmv (BLAS). */
#include "THNNElementwise.h"

static int shape_check(THTensor *input, THTensor *weight)
{
    char b0[128], b1[128];
    TH_CHECK(input && weight, TH_ERR_VALUE, "Linear: input or weight is NULL");
    THNN_CHECK_FLOAT("Linear", input);
    TH_CHECK(weight->dtype == input->dtype, TH_ERR_TYPE, "Linear: weight has dtype %s but input has dtype %s",
             TH_dtypeName(weight->dtype), TH_dtypeName(input->dtype));
    TH_CHECK(weight->ndim == 2, TH_ERR_VALUE, "Linear: expected 2D weight (out x in), got %s",
             THNN_sizeDesc(weight, b0, sizeof b0));
    TH_CHECK((input->ndim == 1 || input->ndim == 2) && input->size[input->ndim - 1] == weight->size[1], TH_ERR_VALUE,
             "Linear: expected 1D (%lld) or 2D (N x %lld) input for weight of size %s, got %s",
             (long long)weight->size[1], (long long)weight->size[1], THNN_sizeDesc(weight, b0, sizeof b0),
             THNN_sizeDesc(input, b1, sizeof b1));
    return 0;
}

static int check_vec(THTensor *t, const char *name, THTensor *like, int64_t n)
{
    char b[128];
    if (!t) return 0;
    TH_CHECK(t->dtype == like->dtype, TH_ERR_TYPE, "Linear: %s has dtype %s, expected %s", name,
             t->dtype < 0 ? "undefined" : TH_dtypeName(t->dtype), TH_dtypeName(like->dtype));
    TH_CHECK(t->ndim == 1 && t->size[0] == n, TH_ERR_VALUE, "Linear: expected %s of size [%lld], got %s", name,
             (long long)n, THNN_sizeDesc(t, b, sizeof b));
    return 0;
}

int THNN_Linear_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                             THTensor *addBuffer)
{
    (void)addBuffer;
    TH_TRY(shape_check(input, weight));
    TH_TRY(check_vec(bias, "bias", input, weight->size[0]));
    if (input->ndim == 1) return THTensor_addmv(output, 1, bias, 1, weight, input);
    THTensor *wt = THTensor_newTranspose(weight, 0, 1);
    if (!wt) return TH_lastErrorCode();
    int st = THTensor_addmm(output, 1, bias, 1, input, wt);
    THTensor_free(wt);
    return st;
}

/* gradOutput must be shaped like the output of input (dtype and sizes). */
static int check_gradOutput(THTensor *input, THTensor *gradOutput, THTensor *weight)
{
    char b0[128], b1[128];
    TH_CHECK(gradOutput->dtype == input->dtype, TH_ERR_TYPE, "Linear: gradOutput has dtype %s, expected %s",
             TH_dtypeName(gradOutput->dtype), TH_dtypeName(input->dtype));
    TH_CHECK(gradOutput->ndim == input->ndim && gradOutput->size[0] == (input->ndim == 1 ? weight->size[0] : input->size[0])
             && gradOutput->size[gradOutput->ndim - 1] == weight->size[0], TH_ERR_VALUE,
             "Linear: gradOutput of size %s does not match the output for input of size %s",
             THNN_sizeDesc(gradOutput, b0, sizeof b0), THNN_sizeDesc(input, b1, sizeof b1));
    return 0;
}

int THNN_Linear_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight)
{
    TH_TRY(shape_check(input, weight));
    TH_CHECK(gradOutput && gradInput, TH_ERR_VALUE, "Linear: gradOutput or gradInput is NULL");
    TH_TRY(check_gradOutput(input, gradOutput, weight));
    if (input->ndim == 1) {
        THTensor *wt = THTensor_newTranspose(weight, 0, 1);
        if (!wt) return TH_lastErrorCode();
        int st = THTensor_addmv(gradInput, 0, NULL, 1, wt, gradOutput);
        THTensor_free(wt);
        return st;
    }
    return THTensor_addmm(gradInput, 0, NULL, 1, gradOutput, weight);
}

/* gradWeight += scale * gradOutput^T @ input; gradBias += scale * column sums of gradOutput.
 * gradInput and addBuffer are not used (NULL ok); gradBias may be NULL. */
int THNN_Linear_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *weight,
                                  THTensor *bias, THTensor *gradWeight, THTensor *gradBias, THTensor *addBuffer,
                                  double scale)
{
    (void)gradInput; (void)addBuffer; (void)bias;
    char b0[128], b1[128];
    TH_TRY(shape_check(input, weight));
    TH_CHECK(gradOutput && gradWeight, TH_ERR_VALUE, "Linear: gradOutput or gradWeight is NULL");
    TH_TRY(check_gradOutput(input, gradOutput, weight));
    TH_CHECK(gradWeight->dtype == input->dtype && gradWeight->ndim == 2 && gradWeight->size[0] == weight->size[0] &&
             gradWeight->size[1] == weight->size[1], TH_ERR_VALUE,
             "Linear: expected gradWeight shaped like weight %s, got %s", THNN_sizeDesc(weight, b0, sizeof b0),
             THNN_sizeDesc(gradWeight, b1, sizeof b1));
    TH_TRY(check_vec(gradBias, "gradBias", input, weight->size[0]));
    int st;
    if (input->ndim == 1) {
        st = THTensor_addr(gradWeight, 1, gradWeight, scale, gradOutput, input);
        if (!st && gradBias) {
            /* gradBias += scale * gradOutput, as an (out x 1) @ [1] product */
            int64_t one = 1, sz[2] = {gradOutput->size[0], 1};
            THTensor *g2 = THTensor_newView(gradOutput, 2, sz);
            THTensor *ones = THTensor_newWithSize(input->dtype, 1, &one);
            st = g2 && ones ? THTensor_fill(ones, 1) : TH_lastErrorCode();
            if (!st) st = THTensor_addmv(gradBias, 1, gradBias, scale, g2, ones);
            THTensor_free(g2); THTensor_free(ones);
        }
        return st;
    }
    THTensor *got = THTensor_newTranspose(gradOutput, 0, 1);
    if (!got) return TH_lastErrorCode();
    st = THTensor_addmm(gradWeight, 1, gradWeight, scale, got, input);
    if (!st && gradBias) {
        int64_t n = input->size[0];
        THTensor *ones = THTensor_newWithSize(input->dtype, 1, &n);
        st = ones ? THTensor_fill(ones, 1) : TH_lastErrorCode();
        if (!st) st = THTensor_addmv(gradBias, 1, gradBias, scale, got, ones);
        THTensor_free(ones);
    }
    THTensor_free(got);
    return st;
}
