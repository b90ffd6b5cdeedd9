/* The driver of the elementwise THNN kernels (see THNNElementwise.h). */
#include "THNNElementwise.h"

/* Fail unless tensors a and b (named na, nb) have the same shape. */
#define THNN_CHECK_SAME_SHAPE_N(fn, a, na, b, nb) do { \
    int same_ = (a)->ndim == (b)->ndim; \
    for (int d_ = 0; same_ && d_ < (b)->ndim; d_++) same_ = (a)->size[d_] == (b)->size[d_]; \
    if (!same_) { char b0_[160], b1_[160]; \
        return TH_setError(TH_ERR_VALUE, "%s: %s of size %s does not match %s of size %s", fn, na, \
                           THNN_sizeDesc((a), b1_, sizeof b1_), nb, THNN_sizeDesc((b), b0_, sizeof b0_)); } \
} while (0)

/* The inputs of ewMap / ewSum: all present, float32 or float64, of one dtype and one shape. */
static int ew_checkInputs(const char *fn, int nin, THTensor **ins, const char *const *names)
{
    for (int k = 0; k < nin; k++) {
        TH_CHECK(ins[k], TH_ERR_VALUE, "%s: %s is NULL", fn, names[k]);
        TH_CHECK(ins[k]->dtype == TH_FLOAT32 || ins[k]->dtype == TH_FLOAT64, TH_ERR_TYPE,
                 "%s: expected a float32 or float64 tensor for %s, got %s", fn, names[k],
                 ins[k]->dtype < 0 ? "an undefined tensor" : TH_dtypeName(ins[k]->dtype));
        if (k == 0) continue;
        TH_CHECK(ins[k]->dtype == ins[0]->dtype, TH_ERR_TYPE, "%s: %s has dtype %s but %s has dtype %s", fn,
                 names[k], TH_dtypeName(ins[k]->dtype), names[0], TH_dtypeName(ins[0]->dtype));
        THNN_CHECK_SAME_SHAPE_N(fn, ins[k], names[k], ins[0], names[0]);
    }
    return 0;
}

int THNN_ewMap(const char *fn, THTensor *out, int nin, THTensor **ins, const char *const *names,
               int alias, THLoop kfloat, THLoop kdouble, const double *params)
{
    TH_CHECK(out, TH_ERR_VALUE, "%s: the output tensor is NULL", fn);
    TH_TRY(ew_checkInputs(fn, nin, ins, names));
    const int dt = ins[0]->dtype;
    THTensor *res = out, *tmp = NULL;
    if (alias >= 0) {
        TH_CHECK(out->dtype < 0 || out->dtype == dt || !out->storage, TH_ERR_TYPE,
                 "%s: output has dtype %s, expected %s", fn, TH_dtypeName(out->dtype), TH_dtypeName(dt));
        TH_TRY(THTensor_set(out, ins[alias]));
    } else {
        TH_TRY(TH_prepareOut(out, dt, ins[0]->ndim, ins[0]->size));
        TH_CHECK(out->dtype == dt, TH_ERR_TYPE, "%s: output has dtype %s, expected %s", fn,
                 TH_dtypeName(out->dtype), TH_dtypeName(dt));
        for (int k = 0; k < nin && !tmp; k++)
            if (TH_overlapsDifferently(out, ins[k])) {
                tmp = THTensor_newWithSize(dt, ins[0]->ndim, ins[0]->size);
                if (!tmp) return TH_lastErrorCode();
                res = tmp;
            }
    }
    THTensor *ops[TH_ITER_MAX];
    ops[0] = res;
    for (int k = 0; k < nin; k++) ops[k + 1] = ins[k];
    THIter it;
    int st = THIter_build(&it, nin + 1, ops, ins[0]->ndim, ins[0]->size, 0);
    if (!st) {
        THIter_run(&it, dt == TH_FLOAT32 ? kfloat : kdouble, (void *)params, 1);
        if (tmp) st = THTensor_copy(out, tmp);
        THTensor_bumpVersion(out);
    }
    THTensor_free(tmp);
    return st;
}

static void sum_init(char *acc, void *ctx) { (void)ctx; *(double *)acc = 0; }
static void sum_combine(char *dst, const char *src, void *ctx) { (void)ctx; *(double *)dst += *(const double *)src; }

int THNN_ewSum(const char *fn, int nin, THTensor **ins, const char *const *names,
               THLoop kfloat, THLoop kdouble, const double *params, double *result)
{
    /* the input checks of ewMap; the sum needs no output */
    *result = 0;
    TH_TRY(ew_checkInputs(fn, nin, ins, names));
    double acc = 0;
    THStorage accs = {0};
    accs.data = (char *)&acc; accs.size = 1; accs.dtype = TH_FLOAT64; accs.refcount = 1;
    THTensor acct = {0};
    acct.storage = &accs; acct.ndim = 0; acct.dtype = TH_FLOAT64; acct.refcount = 1;
    THTensor *ops[TH_ITER_MAX];
    ops[0] = &acct;
    for (int k = 0; k < nin; k++) ops[k + 1] = ins[k];
    THIter it;
    TH_TRY(THIter_build(&it, nin + 1, ops, ins[0]->ndim, ins[0]->size, 1));
    THReduceOps ro = {ins[0]->dtype == TH_FLOAT32 ? kfloat : kdouble, sum_init, sum_combine, sizeof(double)};
    THIter_reduce(&it, &ro, (void *)params, 1);
    *result = acc;
    return 0;
}

int THNN_prepareScalar(const char *fn, const char *name, THTensor *out, int dtype)
{
    TH_CHECK(out, TH_ERR_VALUE, "%s: %s is NULL", fn, name);
    if (out->storage && out->dtype == dtype && THTensor_numel(out) == 1) return 0;
    TH_CHECK(out->dtype < 0 || out->dtype == dtype || !out->storage, TH_ERR_TYPE, "%s: %s has dtype %s, expected %s",
             fn, name, TH_dtypeName(out->dtype), TH_dtypeName(dtype));
    if (out->dtype < 0 || !out->storage) TH_TRY(THTensor_setDtype(out, dtype));
    return THTensor_resize(out, 0, NULL);
}

int THNN_scalarGrad(const char *fn, THTensor *gradOutput, double *g)
{
    *g = 1;
    if (!gradOutput) return 0;
    TH_CHECK(THTensor_numel(gradOutput) == 1, TH_ERR_VALUE,
             "%s: expected gradOutput with 1 element for a reduced loss, got %lld elements", fn,
             (long long)THTensor_numel(gradOutput));
    return THTensor_itemDouble(gradOutput, g);
}

int THNN_critForward(const char *fn, THTensor *output, int nin, THTensor **ins, const char *const *names,
                     int sizeAverage, int reduce, const THNN_CritKernels *k, double p0)
{
    const double prm[4] = {p0, 0, 0, 0};
    if (!reduce) return THNN_ewMap(fn, output, nin, ins, names, -1, k->l[0], k->l[1], prm);
    double s;
    TH_TRY(THNN_ewSum(fn, nin, ins, names, k->s[0], k->s[1], prm, &s));
    if (sizeAverage) s /= (double)THTensor_numel(ins[0]);
    TH_TRY(THNN_prepareScalar(fn, "output", output, ins[0]->dtype));
    TH_TRY(THTensor_fill(output, s));
    return 0;
}

int THNN_critBackward(const char *fn, THTensor *gradInput, int nin, THTensor **ins, const char *const *names,
                      THTensor *gradOutput, int sizeAverage, int reduce, const THNN_CritKernels *k, double p0)
{
    if (!reduce) {
        TH_CHECK(gradOutput, TH_ERR_VALUE, "%s: gradOutput is NULL (needed without reduction)", fn);
        THTensor *all[TH_ITER_MAX];
        const char *allnames[TH_ITER_MAX];
        for (int i = 0; i < nin; i++) { all[i] = ins[i]; allnames[i] = names[i]; }
        all[nin] = gradOutput; allnames[nin] = "gradOutput";
        const double prm[4] = {p0, 0, 0, 0};
        return THNN_ewMap(fn, gradInput, nin + 1, all, allnames, -1, k->gg[0], k->gg[1], prm);
    }
    double g;
    TH_TRY(THNN_scalarGrad(fn, gradOutput, &g));
    TH_CHECK(ins[0], TH_ERR_VALUE, "%s: input is NULL", fn);
    if (sizeAverage) g /= (double)THTensor_numel(ins[0]);
    const double prm[4] = {p0, 0, 0, g};
    return THNN_ewMap(fn, gradInput, nin, ins, names, -1, k->g[0], k->g[1], prm);
}

THTensor *THNN_beginOut(THTensor *out, int dtype, int ndim, const int64_t *shape, int n, THTensor *const *ins)
{
    if (!out) { TH_setError(TH_ERR_VALUE, "output tensor is NULL"); return NULL; }
    int direct = (out->dtype < 0 || out->dtype == dtype) && (!out->storage || THTensor_isContiguous(out));
    for (int k = 0; k < n && direct; k++)
        if (ins[k] && out->storage && ins[k]->storage == out->storage) direct = 0;
    if (direct) {
        if (TH_prepareOut(out, dtype, ndim, shape)) return NULL;
        if (THTensor_isContiguous(out)) { THTensor_retain(out); return out; }
    }
    return THTensor_newWithSize(dtype, ndim, shape);
}

int THNN_finishOut(THTensor *out, THTensor *res, int st)
{
    if (!st && res != out) {
        st = TH_prepareOut(out, res->dtype, res->ndim, res->size);
        if (!st && out->dtype != res->dtype)
            st = TH_setError(TH_ERR_TYPE, "output has dtype %s, expected %s", TH_dtypeName(out->dtype),
                             TH_dtypeName(res->dtype));
        if (!st) st = THTensor_copy(out, res);
    }
    if (!st) THTensor_bumpVersion(out);
    THTensor_free(res);
    return st;
}
