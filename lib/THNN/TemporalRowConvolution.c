/* TemporalRowConvolution (Torch7): every feature row is convolved over time with its own kernel,
 * out[f][t] = sum_k weight[f][0][k] * in[f][t*dW - padW + k] + bias[f]. Input nFrame x
 * inputFrameSize (batch N x nFrame x inputFrameSize), or with featFirst inputFrameSize x nFrame
 * (N x inputFrameSize x nFrame); the output keeps the input's layout. This is the grouped
 * convolution engine (groups = inputFrameSize) on an F x 1 x nFrame plane per sample.
 * finput, fgradInput: per-thread scratch. */
#include "THNNConv.h"

static const char *const FN = "TemporalRowConvolution";

typedef struct {
    int nd, fd, td;        /* input dims, feature dim, time dim */
    int64_t F, T, oT;
    THNNConvGeom g;
} RowShape;

static int row_check(THTensor *input, THTensor *w, const char *wname, THTensor *b, const char *bname, int kW, int dW,
                     int padW, int featFirst, RowShape *s)
{
    char buf[128];
    THNN_CHECK_FLOAT(FN, input);
    TH_CHECK(kW > 0 && dW > 0, TH_ERR_VALUE, "%s: kernel size and stride should be greater than zero, got kW = %d, dW = %d",
             FN, kW, dW);
    TH_CHECK(padW >= 0, TH_ERR_VALUE, "%s: padding should be non-negative, got padW = %d", FN, padW);
    TH_CHECK(w, TH_ERR_VALUE, "%s: %s is NULL", FN, wname);
    TH_CHECK(w->ndim == 3 && w->size[1] == 1 && w->size[2] == kW, TH_ERR_VALUE,
             "%s: expected %s of size [inputFrameSize x 1 x %d], got %s", FN, wname, kW, THNN_sizeDesc(w, buf, sizeof buf));
    s->F = w->size[0];
    TH_CHECK(s->F > 0, TH_ERR_VALUE, "%s: %s is empty", FN, wname);
    if (b)
        TH_CHECK(b->ndim == 1 && b->size[0] == s->F, TH_ERR_VALUE, "%s: expected %s of size [%lld], got %s", FN, bname,
                 (long long)s->F, THNN_sizeDesc(b, buf, sizeof buf));
    s->nd = input->ndim;
    TH_CHECK(s->nd == 2 || s->nd == 3, TH_ERR_VALUE, "%s: expected 2D or 3D input (batch mode), got %s", FN,
             THNN_sizeDesc(input, buf, sizeof buf));
    s->fd = featFirst ? s->nd - 2 : s->nd - 1;
    s->td = featFirst ? s->nd - 1 : s->nd - 2;
    TH_CHECK(input->size[s->fd] == s->F, TH_ERR_VALUE,
             "%s: expected input with inputFrameSize %lld in dimension %d (%s), got input of size %s", FN,
             (long long)s->F, s->fd + 1, featFirst ? "featFirst" : "frames first", THNN_sizeDesc(input, buf, sizeof buf));
    s->T = input->size[s->td];
    int64_t num = s->T + 2 * (int64_t)padW - kW;
    s->oT = num < 0 ? 0 : num / dW + 1;
    TH_CHECK(s->oT >= 1, TH_ERR_VALUE, "%s: %lld input frames are too few for kW = %d, padW = %d (input %s)", FN,
             (long long)s->T, kW, padW, THNN_sizeDesc(input, buf, sizeof buf));
    s->g = (THNNConvGeom){.name = FN, .colsName = "finput", .nsp = 2, .k = {1, 1, kW}, .s = {1, 1, dW},
                          .p = {0, 0, padW}, .d = {1, 1, 1}, .groups = s->F};
    return 0;
}

/* t (in the module's layout, time length len) as a contiguous [N x] F x 1 x len tensor. */
static THTensor *row_planes(const RowShape *s, THTensor *t, int featFirst, int64_t len)
{
    THTensor *tr = featFirst ? THTensor_newAlias(t) : THTensor_newTranspose(t, s->nd - 1, s->nd - 2);
    if (!tr) return NULL;
    THTensor *c = THTensor_newClone(tr);
    THTensor_free(tr);
    if (!c) return NULL;
    int64_t sz[4];
    int nd = 0;
    if (s->nd == 3) sz[nd++] = t->size[0];
    sz[nd++] = s->F; sz[nd++] = 1; sz[nd++] = len;
    THTensor *v = THTensor_newView(c, nd, sz);
    THTensor_free(c);
    return v;
}

/* out (resized to the module's layout for time length len) = planes ([N x] F x 1 x len). */
static int row_store(const RowShape *s, THTensor *out, THTensor *planes, int featFirst, int64_t len, int dtype)
{
    int64_t sz[3];
    int nd = 0;
    if (s->nd == 3) sz[nd++] = planes->size[0];
    sz[nd++] = featFirst ? s->F : len;
    sz[nd++] = featFirst ? len : s->F;
    TH_TRY(TH_prepareOut(out, dtype, nd, sz));
    int64_t vs[3];
    int vn = 0;
    if (s->nd == 3) vs[vn++] = planes->size[0];
    vs[vn++] = s->F; vs[vn++] = len;
    THTensor *src = THTensor_newView(planes, vn, vs);
    if (!src) return TH_lastErrorCode();
    THTensor *dst = featFirst ? THTensor_newAlias(out) : THTensor_newTranspose(out, nd - 1, nd - 2);
    int st = dst ? THTensor_copy(dst, src) : TH_lastErrorCode();
    THTensor_free(src);
    if (dst) THTensor_free(dst);
    return st;
}

/* weight F x 1 x kW as an F x 1 x 1 x kW view (it must be viewable: contiguous). */
static THTensor *row_weight(THTensor *w, const char *wname)
{
    THTensor *v = THTensor_newView(w, 4, (const int64_t[4]){w->size[0], 1, 1, w->size[2]});
    if (!v) TH_setError(TH_ERR_VALUE, "%s: %s must be contiguous", FN, wname);
    return v;
}

static int row_checkGradOutput(const RowShape *s, THTensor *input, THTensor *gradOutput, int featFirst)
{
    int64_t sz[3];
    int nd = 0;
    if (s->nd == 3) sz[nd++] = input->size[0];
    sz[nd++] = featFirst ? s->F : s->oT;
    sz[nd++] = featFirst ? s->oT : s->F;
    TH_CHECK(gradOutput, TH_ERR_VALUE, "%s: gradOutput is NULL", FN);
    int same = gradOutput->ndim == nd;
    for (int d = 0; same && d < nd; d++) same = gradOutput->size[d] == sz[d];
    if (!same) {
        char a[128], want[96];
        if (nd == 3) snprintf(want, sizeof want, "[%lld x %lld x %lld]", (long long)sz[0], (long long)sz[1], (long long)sz[2]);
        else snprintf(want, sizeof want, "[%lld x %lld]", (long long)sz[0], (long long)sz[1]);
        return TH_setError(TH_ERR_VALUE, "%s: expected gradOutput of size %s, got %s", FN, want,
                           THNN_sizeDesc(gradOutput, a, sizeof a));
    }
    return 0;
}

int THNN_TemporalRowConvolution_updateOutput(THTensor *input, THTensor *output, THTensor *weight, THTensor *bias,
                                             THTensor *finput, THTensor *fgradInput, int kW, int dW, int padW,
                                             int featFirst)
{
    (void)fgradInput;
    RowShape s;
    TH_TRY(row_check(input, weight, "weight", bias, "bias", kW, dW, padW, featFirst, &s));
    TH_CHECK(output, TH_ERR_VALUE, "%s: output is NULL", FN);
    THTensor *x = row_planes(&s, input, featFirst, s.T), *w = x ? row_weight(weight, "weight") : NULL;
    THTensor *y = w ? THTensor_new(input->dtype) : NULL;
    int st = y ? THNNConv_updateOutput(&s.g, x, y, w, bias, finput, 0) : TH_lastErrorCode();
    if (!st) st = row_store(&s, output, y, featFirst, s.oT, input->dtype);
    THTensor *all[3] = {x, w, y};
    for (int i = 0; i < 3; i++) if (all[i]) THTensor_free(all[i]);
    return st;
}

int THNN_TemporalRowConvolution_updateGradInput(THTensor *input, THTensor *gradOutput, THTensor *gradInput,
                                                THTensor *weight, THTensor *finput, THTensor *fgradInput, int kW,
                                                int dW, int padW, int featFirst)
{
    (void)finput;
    RowShape s;
    TH_TRY(row_check(input, weight, "weight", NULL, NULL, kW, dW, padW, featFirst, &s));
    TH_TRY(row_checkGradOutput(&s, input, gradOutput, featFirst));
    TH_CHECK(gradInput, TH_ERR_VALUE, "%s: gradInput is NULL", FN);
    s.g.colsName = "fgradInput";
    THTensor *x = row_planes(&s, input, featFirst, s.T), *go = x ? row_planes(&s, gradOutput, featFirst, s.oT) : NULL;
    THTensor *w = go ? row_weight(weight, "weight") : NULL, *gi = w ? THTensor_new(input->dtype) : NULL;
    int st = gi ? THNNConv_updateGradInput(&s.g, x, go, gi, w, fgradInput) : TH_lastErrorCode();
    if (!st) st = row_store(&s, gradInput, gi, featFirst, s.T, input->dtype);
    THTensor *all[4] = {x, go, w, gi};
    for (int i = 0; i < 4; i++) if (all[i]) THTensor_free(all[i]);
    return st;
}

int THNN_TemporalRowConvolution_accGradParameters(THTensor *input, THTensor *gradOutput, THTensor *gradWeight,
                                                  THTensor *gradBias, THTensor *finput, THTensor *fgradInput, int kW,
                                                  int dW, int padW, int featFirst, double scale)
{
    (void)fgradInput;
    RowShape s;
    TH_TRY(row_check(input, gradWeight, "gradWeight", gradBias, "gradBias", kW, dW, padW, featFirst, &s));
    TH_TRY(row_checkGradOutput(&s, input, gradOutput, featFirst));
    THTensor *x = row_planes(&s, input, featFirst, s.T), *go = x ? row_planes(&s, gradOutput, featFirst, s.oT) : NULL;
    THTensor *gw = go ? row_weight(gradWeight, "gradWeight") : NULL;
    int st = gw ? THNNConv_accGradParameters(&s.g, x, go, gw, gradBias, finput, 0, scale) : TH_lastErrorCode();
    if (!st) THTensor_bumpVersion(gradWeight);
    THTensor *all[3] = {x, go, gw};
    for (int i = 0; i < 3; i++) if (all[i]) THTensor_free(all[i]);
    return st;
}
