/* RReLU: randomized leaky ReLU. Train mode draws one slope uniform in [lower, upper] per
 * non-positive element (kept in noise; 1 elsewhere), in row-major order from the given
 * generator like Torch7; eval mode uses the mean slope (lower + upper) / 2. */
#include "THNNElementwise.h"
#include "../TH/THRandom.h"

typedef struct { THGenerator *g; double lower, upper; } NoiseCtx;

#define NOISE_LOOP(CODE, T, N) \
static void rrelu_noise_##N(char **d, const int64_t *s, int64_t n, void *vctx) \
{ \
    NoiseCtx *c = vctx; \
    for (int64_t i = 0; i < n; i++) { \
        T x = *(const T *)(d[1] + i * s[1]); \
        *(T *)(d[0] + i * s[0]) = x <= 0 ? (T)THRandom_uniform(c->g, c->lower, c->upper) : (T)1; \
    } \
}
TH_FORALL_FLOAT_DTYPES(NOISE_LOOP)

/* x = input, y = noise */
THNN_EW_KERNELS(rrelu_train_fwd, 2, r = x * y)
THNN_EW_KERNELS(rrelu_eval_fwd, 1, r = x <= 0 ? x * A : x)
/* x = gradOutput, y = noise */
THNN_EW_KERNELS(rrelu_train_bwd, 2, r = x * y)
/* x = gradOutput, y = input */
THNN_EW_KERNELS(rrelu_eval_bwd, 2, r = y <= 0 ? x * A : x)

static int check_args(double lower, double upper)
{
    TH_CHECK(lower <= upper, TH_ERR_VALUE, "RReLU: lower (%g) must not exceed upper (%g)", lower, upper);
    TH_CHECK(lower >= 0, TH_ERR_VALUE, "RReLU: lower must be non-negative, got %g", lower);
    return 0;
}

int THNN_RReLU_updateOutput(THTensor *input, THTensor *output, THTensor *noise, double lower, double upper,
                            int train, int inplace, THGenerator *generator)
{
    TH_TRY(check_args(lower, upper));
    if (!train)
        return THNN_EW("RReLU", output, inplace ? 0 : -1, rrelu_eval_fwd, THNN_P((lower + upper) / 2, 0, 0, 0),
                       THNN_NAMES("input"), input);
    TH_CHECK(noise, TH_ERR_VALUE, "RReLU: noise is NULL (needed in training mode)");
    THNN_CHECK_FLOAT("RReLU", input);
    TH_TRY(TH_prepareOut(noise, input->dtype, input->ndim, input->size));
    TH_CHECK(noise->dtype == input->dtype, TH_ERR_TYPE, "RReLU: noise has dtype %s, expected %s",
             TH_dtypeName(noise->dtype), TH_dtypeName(input->dtype));
    TH_CHECK(noise->storage != input->storage || !input->storage, TH_ERR_VALUE,
             "RReLU: noise must not share memory with input");
    NoiseCtx c = {THRandom_resolve(generator), lower, upper};
    THTensor *ops[2] = {noise, input};
    THIter it;
    TH_TRY(THIter_build(&it, 2, ops, input->ndim, input->size, -1));
    THIter_run(&it, input->dtype == TH_FLOAT32 ? rrelu_noise_Float : rrelu_noise_Double, &c, 0);
    THTensor_bumpVersion(noise);
    return THNN_EW("RReLU", output, inplace ? 0 : -1, rrelu_train_fwd, THNN_P(0, 0, 0, 0),
                   THNN_NAMES("input", "noise"), input, noise);
}

int THNN_RReLU_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput, THTensor *noise,
                               double lower, double upper, int train, int inplace)
{
    TH_TRY(check_args(lower, upper));
    if (train && upper - lower > 1e-6) {
        TH_CHECK(noise, TH_ERR_VALUE, "RReLU: noise is NULL (needed in training mode)");
        return THNN_EW("RReLU", gradInput, inplace ? 0 : -1, rrelu_train_bwd, THNN_P(0, 0, 0, 0),
                       THNN_NAMES("gradOutput", "noise"), gradOutput, noise);
    }
    return THNN_EW("RReLU", gradInput, inplace ? 0 : -1, rrelu_eval_bwd, THNN_P((lower + upper) / 2, 0, 0, 0),
                   THNN_NAMES("gradOutput", "input"), gradOutput, input);
}
