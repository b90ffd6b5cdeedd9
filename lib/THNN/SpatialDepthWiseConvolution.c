/* SpatialDepthWiseConvolution (Torch7): input plane k is convolved with nOutputPlane (the depth
 * multiplier) kernels weight[m][k] (weight nOutputPlane x nInputPlane x kH x kW, bias
 * nOutputPlane x nInputPlane), giving output plane k*nOutputPlane + m. This is the grouped
 * convolution engine with groups = nInputPlane on the weight and bias transposed to
 * (nInputPlane*nOutputPlane) x 1 x kH x kW and (nInputPlane*nOutputPlane). finput, fgradInput:
 * per-thread scratch. */
#include "THNNConv.h"

static const char *const FN = "SpatialDepthWiseConvolution";

static THNNConvGeom geom(int kW, int kH, int dW, int dH, int padW, int padH, int64_t nIn, const char *cols)
{
    return (THNNConvGeom){.name = FN, .colsName = cols, .nsp = 2, .k = {1, kH, kW}, .s = {1, dH, dW},
                          .p = {0, padH, padW}, .d = {1, 1, 1}, .groups = nIn};
}

/* Check weight / bias (Torch7's layouts) and the input's planes; *nIn, *mult from weight. */
static int dw_check(THTensor *input, THTensor *w, const char *wname, THTensor *b, const char *bname, int kW, int kH,
                    int64_t *nIn, int64_t *mult)
{
    char buf[128];
    THNN_CHECK_FLOAT(FN, input);
    TH_CHECK(w, TH_ERR_VALUE, "%s: %s is NULL", FN, wname);
    TH_CHECK(w->ndim == 4 && w->size[2] == kH && w->size[3] == kW, TH_ERR_VALUE,
             "%s: expected %s of size [nOutputPlane x nInputPlane x %d x %d], got %s", FN, wname, kH, kW,
             THNN_sizeDesc(w, buf, sizeof buf));
    *mult = w->size[0];
    *nIn = w->size[1];
    TH_CHECK(*mult > 0 && *nIn > 0, TH_ERR_VALUE, "%s: %s of size %s is empty", FN, wname, THNN_sizeDesc(w, buf, sizeof buf));
    if (b)
        TH_CHECK(b->ndim == 2 && b->size[0] == *mult && b->size[1] == *nIn, TH_ERR_VALUE,
                 "%s: expected %s of size [%lld x %lld] (nOutputPlane x nInputPlane), got %s", FN, bname,
                 (long long)*mult, (long long)*nIn, THNN_sizeDesc(b, buf, sizeof buf));
    TH_CHECK(input->ndim == 3 || input->ndim == 4, TH_ERR_VALUE, "%s: expected 3D or 4D input (batch mode), got %s",
             FN, THNN_sizeDesc(input, buf, sizeof buf));
    TH_CHECK(input->size[input->ndim - 3] == *nIn, TH_ERR_VALUE,
             "%s: expected input with %lld planes (nInputPlane of %s), got input of size %s", FN, (long long)*nIn,
             wname, THNN_sizeDesc(input, buf, sizeof buf));
    return 0;
}

/* t (a x b x rest...) transposed to b x a x rest, as a contiguous copy (*copy) and its view with
 * the first two dims merged (and a dim of 1 after them when unit). NULL on error. */
static THTensor *dw_grouped(THTensor *t, int unit, THTensor **copy)
{
    THTensor *tr = THTensor_newTranspose(t, 0, 1);
    if (!tr) return NULL;
    *copy = THTensor_newClone(tr);
    THTensor_free(tr);
    if (!*copy) return NULL;
    int64_t sz[5];
    int nd = 0;
    sz[nd++] = t->size[0] * t->size[1];
    if (unit) sz[nd++] = 1;
    for (int d = 2; d < t->ndim; d++) sz[nd++] = t->size[d];
    THTensor *v = THTensor_newView(*copy, nd, sz);
    if (!v) { THTensor_free(*copy); *copy = NULL; }
    return v;
}

int THNN_SpatialDepthWiseConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                                  THTensor *finput, THTensor *fgradInput, int kW, int kH, int dW, int dH,
                                                  int padW, int padH)
{
    (void)fgradInput;
    int64_t nIn, mult;
    TH_TRY(dw_check(input, weight, "weight", bias, "bias", kW, kH, &nIn, &mult));
    THTensor *wc = NULL, *bc = NULL, *w = dw_grouped(weight, 1, &wc), *b = NULL;
    int st = w ? 0 : TH_lastErrorCode();
    if (!st && bias) { b = dw_grouped(bias, 0, &bc); if (!b) st = TH_lastErrorCode(); }
    if (!st) {
        THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, nIn, "finput");
        st = THNNConv_updateOutput(&g, input, output, w, b, finput, 0);
    }
    THTensor *all[4] = {w, wc, b, bc};
    for (int i = 0; i < 4; i++) if (all[i]) THTensor_free(all[i]);
    return st;
}

int THNN_SpatialDepthWiseConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                     THTensor *weight, THTensor *finput, THTensor *fgradInput, int kW,
                                                     int kH, int dW, int dH, int padW, int padH)
{
    (void)finput;
    int64_t nIn, mult;
    TH_TRY(dw_check(input, weight, "weight", NULL, NULL, kW, kH, &nIn, &mult));
    THTensor *wc = NULL, *w = dw_grouped(weight, 1, &wc);
    if (!w) return TH_lastErrorCode();
    THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, nIn, "fgradInput");
    int st = THNNConv_updateGradInput(&g, input, gradOutput, gradInput, w, fgradInput);
    THTensor_free(w);
    THTensor_free(wc);
    return st;
}

int THNN_SpatialDepthWiseConvolution_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                                       THTensor *gradBias, THTensor *finput, THTensor *fgradInput,
                                                       int kW, int kH, int dW, int dH, int padW, int padH, double scale)
{
    (void)fgradInput;
    int64_t nIn, mult;
    TH_TRY(dw_check(input, gradWeight, "gradWeight", gradBias, "gradBias", kW, kH, &nIn, &mult));
    /* accumulate into grouped copies of the gradients, then write them back transposed */
    THTensor *gwc = NULL, *gbc = NULL, *gw = dw_grouped(gradWeight, 1, &gwc), *gb = NULL;
    int st = gw ? 0 : TH_lastErrorCode();
    if (!st && gradBias) { gb = dw_grouped(gradBias, 0, &gbc); if (!gb) st = TH_lastErrorCode(); }
    if (!st) {
        THNNConvGeom g = geom(kW, kH, dW, dH, padW, padH, nIn, "finput");
        st = THNNConv_accGradParameters(&g, input, gradOutput, gw, gb, finput, 0, scale);
    }
    THTensor *back[2] = {gradWeight, gradBias}, *src[2] = {gwc, gbc};
    for (int i = 0; i < 2 && !st; i++) {
        if (!back[i]) continue;
        THTensor *tr = THTensor_newTranspose(back[i], 0, 1);
        st = tr ? THTensor_copy(tr, src[i]) : TH_lastErrorCode();
        if (tr) THTensor_free(tr);
    }
    THTensor *all[4] = {gw, gwc, gb, gbc};
    for (int i = 0; i < 4; i++) if (all[i]) THTensor_free(all[i]);
    return st;
}
