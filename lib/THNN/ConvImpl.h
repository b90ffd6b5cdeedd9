/* Template body of the im2col convolution engine, included by unfolded.c once per dtype
 * with T (element type), DT (TH dtype code) and F(x) (name suffixer) defined. */

/* im2col (THNN's unfolded_copy, generalised to 3 spatial dims and dilation):
 * col[(c, kt, kh, kw), (ot, oh, ow)] = img[c, ot*s0-p0+kt*d0, oh*s1-p1+kh*d1, ow*s2-p2+kw*d2]
 * (0 outside the image). */
static void F(im2col)(const T *img, int64_t C, const int64_t *isz, const int64_t *osz, const int64_t *k,
                      const int64_t *s, const int64_t *p, const int64_t *d, T *col)
{
    const int64_t iT = isz[0], iH = isz[1], iW = isz[2], oT = osz[0], oH = osz[1], oW = osz[2];
    const int64_t P = oT * oH * oW, s2 = s[2];
    int64_t r = 0;
    for (int64_t c = 0; c < C; c++)
        for (int64_t kt = 0; kt < k[0]; kt++)
            for (int64_t kh = 0; kh < k[1]; kh++)
                for (int64_t kw = 0; kw < k[2]; kw++, r++) {
                    T *row = col + r * P;
                    const int64_t offw = kw * d[2] - p[2];
                    int64_t lo, hi;
                    conv_validRange(offw, s2, iW, oW, &lo, &hi);
                    if (s[1] == 1 && s2 == 1 && iW == oW && hi > lo) {
                        /* "same" width, unit strides: the valid rows of a plane are one shifted
                         * block of the image; copy it whole, then clear the wrapped columns */
                        for (int64_t ot = 0; ot < oT; ot++) {
                            const int64_t it = ot * s[0] - p[0] + kt * d[0];
                            T *base = row + ot * oH * oW;
                            if (it < 0 || it >= iT) { memset(base, 0, sizeof(T) * (size_t)(oH * oW)); continue; }
                            const int64_t sh = kh * d[1] - p[1];   /* ih = oh + sh */
                            int64_t hlo = -sh > 0 ? -sh : 0, hhi = iH - sh < oH ? iH - sh : oH;
                            if (hlo > oH) hlo = oH;
                            if (hhi < hlo) hhi = hlo;
                            memset(base, 0, sizeof(T) * (size_t)(hlo * oW));
                            memset(base + hhi * oW, 0, sizeof(T) * (size_t)((oH - hhi) * oW));
                            if (hhi == hlo) continue;
                            T *dst = base + hlo * oW;
                            const T *src = img + ((c * iT + it) * iH + hlo + sh) * iW + offw;
                            const int64_t n = (hhi - hlo) * oW;
                            memcpy(dst + lo, src + lo, sizeof(T) * (size_t)(n - lo - (oW - hi)));
                            for (int64_t rr = 0; rr < hhi - hlo; rr++) {
                                T *d0 = dst + rr * oW;
                                for (int64_t ow = 0; ow < lo; ow++) d0[ow] = 0;
                                for (int64_t ow = hi; ow < oW; ow++) d0[ow] = 0;
                            }
                        }
                        continue;
                    }
                    for (int64_t ot = 0; ot < oT; ot++) {
                        const int64_t it = ot * s[0] - p[0] + kt * d[0];
                        for (int64_t oh = 0; oh < oH; oh++) {
                            const int64_t ih = oh * s[1] - p[1] + kh * d[1];
                            T *dst = row + (ot * oH + oh) * oW;
                            if (it < 0 || it >= iT || ih < 0 || ih >= iH) {
                                memset(dst, 0, sizeof(T) * (size_t)oW);
                                continue;
                            }
                            const T *src = img + ((c * iT + it) * iH + ih) * iW + offw;
                            for (int64_t ow = 0; ow < lo; ow++) dst[ow] = 0;
                            if (s2 == 1) memcpy(dst + lo, src + lo, sizeof(T) * (size_t)(hi - lo));
                            else for (int64_t ow = lo; ow < hi; ow++) dst[ow] = src[ow * s2];
                            for (int64_t ow = hi; ow < oW; ow++) dst[ow] = 0;
                        }
                    }
                }
}

/* col2im (THNN's unfolded_acc): the adjoint of im2col, accumulated into img. */
static void F(col2im)(const T *col, int64_t C, const int64_t *isz, const int64_t *osz, const int64_t *k,
                      const int64_t *s, const int64_t *p, const int64_t *d, T *img)
{
    const int64_t iT = isz[0], iH = isz[1], iW = isz[2], oT = osz[0], oH = osz[1], oW = osz[2];
    const int64_t P = oT * oH * oW, s2 = s[2];
    int64_t r = 0;
    for (int64_t c = 0; c < C; c++)
        for (int64_t kt = 0; kt < k[0]; kt++)
            for (int64_t kh = 0; kh < k[1]; kh++)
                for (int64_t kw = 0; kw < k[2]; kw++, r++) {
                    const T *row = col + r * P;
                    const int64_t offw = kw * d[2] - p[2];
                    int64_t lo, hi;
                    conv_validRange(offw, s2, iW, oW, &lo, &hi);
                    for (int64_t ot = 0; ot < oT; ot++) {
                        const int64_t it = ot * s[0] - p[0] + kt * d[0];
                        if (it < 0 || it >= iT) continue;
                        for (int64_t oh = 0; oh < oH; oh++) {
                            const int64_t ih = oh * s[1] - p[1] + kh * d[1];
                            if (ih < 0 || ih >= iH) continue;
                            const T *src = row + (ot * oH + oh) * oW;
                            T *dst = img + ((c * iT + it) * iH + ih) * iW + offw;
                            if (s2 == 1) {
                                #pragma omp simd
                                for (int64_t ow = lo; ow < hi; ow++) dst[ow] += src[ow];
                            } else {
                                for (int64_t ow = lo; ow < hi; ow++) dst[ow * s2] += src[ow];
                            }
                        }
                    }
                }
}

/* gemm with empty-dimension guards (BLAS rejects leading dimensions of 0). */
static void F(gemm)(char ta, char tb, int64_t m, int64_t n, int64_t k, double alpha, const T *a, int64_t lda,
                    const T *b, int64_t ldb, double beta, T *c, int64_t ldc)
{
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : (T)(beta * c[i * ldc + j]);
        return;
    }
    GEMM(ta, tb, m, n, k, alpha, a, lda > 0 ? lda : 1, b, ldb > 0 ? ldb : 1, beta, c, ldc > 0 ? ldc : 1);
}

/* Forward for one sample. Direct: cols = im2col(in); out_g = W_g cols_g + b. Transposed:
 * cols_g = W_g^T in_g; out = col2im(cols) + b. */
static void F(fwdSample)(const THNNConvGeom *g, const T *in, T *out, const T *w, const T *bias, T *cols)
{
    const int64_t G = g->groups, kvol = g->k[0] * g->k[1] * g->k[2];
    const int64_t Pin = g->isz[0] * g->isz[1] * g->isz[2], Pout = g->osz[0] * g->osz[1] * g->osz[2];
    const int64_t nInG = g->nIn / G, nOutG = g->nOut / G;
    if (!g->transposed) {
        const int64_t Kg = nInG * kvol;
        if (bias)
            for (int64_t o = 0; o < g->nOut; o++) {
                T *row = out + o * Pout, b = bias[o];
                for (int64_t j = 0; j < Pout; j++) row[j] = b;
            }
        /* unfold a few input planes at a time and multiply them at once, while they are in cache */
        int64_t cc = CHUNK_ELEMS / (kvol * Pout);
        if (cc < 1) cc = 1;
        for (int64_t gi = 0; gi < G; gi++)
            for (int64_t c0 = 0; c0 < nInG; c0 += cc) {
                const int64_t n = nInG - c0 < cc ? nInG - c0 : cc;
                T *ch = cols + (gi * Kg + c0 * kvol) * Pout;
                F(im2col)(in + (gi * nInG + c0) * Pin, n, g->isz, g->osz, g->k, g->s, g->p, g->d, ch);
                F(gemm)('N', 'N', nOutG, Pout, n * kvol, 1.0, w + gi * nOutG * Kg + c0 * kvol, Kg, ch, Pout,
                        (bias || c0) ? 1.0 : 0.0, out + gi * nOutG * Pout, Pout);
            }
    } else {
        const int64_t Mg = nOutG * kvol;
        for (int64_t gi = 0; gi < G; gi++)
            F(gemm)('T', 'N', Mg, Pin, nInG, 1.0, w + gi * nInG * Mg, Mg, in + gi * nInG * Pin, Pin, 0.0,
                    cols + gi * Mg * Pin, Pin);
        for (int64_t o = 0; o < g->nOut; o++) {
            T *row = out + o * Pout, b = bias ? bias[o] : 0;
            for (int64_t j = 0; j < Pout; j++) row[j] = b;
        }
        F(col2im)(cols, g->nOut, g->osz, g->isz, g->k, g->s, g->p, g->d, out);
    }
}

/* gradInput for one sample (the adjoint of fwdSample without bias). */
static void F(bwdSample)(const THNNConvGeom *g, const T *gout, T *gin, const T *w, T *cols)
{
    const int64_t G = g->groups, kvol = g->k[0] * g->k[1] * g->k[2];
    const int64_t Pin = g->isz[0] * g->isz[1] * g->isz[2], Pout = g->osz[0] * g->osz[1] * g->osz[2];
    const int64_t nInG = g->nIn / G, nOutG = g->nOut / G;
    if (!g->transposed) {
        const int64_t Kg = nInG * kvol;
        for (int64_t gi = 0; gi < G; gi++)
            F(gemm)('T', 'N', Kg, Pout, nOutG, 1.0, w + gi * nOutG * Kg, Kg, gout + gi * nOutG * Pout, Pout, 0.0,
                    cols + gi * Kg * Pout, Pout);
        memset(gin, 0, sizeof(T) * (size_t)(g->nIn * Pin));
        F(col2im)(cols, g->nIn, g->isz, g->osz, g->k, g->s, g->p, g->d, gin);
    } else {
        const int64_t Mg = nOutG * kvol;
        F(im2col)(gout, g->nOut, g->osz, g->isz, g->k, g->s, g->p, g->d, cols);
        for (int64_t gi = 0; gi < G; gi++)
            F(gemm)('N', 'N', nInG, Pin, Mg, 1.0, w + gi * nInG * Mg, Mg, cols + gi * Mg * Pin, Pin, 0.0,
                    gin + gi * nInG * Pin, Pin);
    }
}

/* gw += scale * dL/dW for one sample; cols holds im2col(in) (direct) or is filled with
 * im2col(gout) (transposed) unless haveCols. */
static void F(accSample)(const THNNConvGeom *g, const T *in, const T *gout, T *gw, T *cols, int haveCols,
                         double scale)
{
    const int64_t G = g->groups, kvol = g->k[0] * g->k[1] * g->k[2];
    const int64_t Pin = g->isz[0] * g->isz[1] * g->isz[2], Pout = g->osz[0] * g->osz[1] * g->osz[2];
    const int64_t nInG = g->nIn / G, nOutG = g->nOut / G;
    if (!g->transposed) {
        const int64_t Kg = nInG * kvol;
        if (!haveCols) F(im2col)(in, g->nIn, g->isz, g->osz, g->k, g->s, g->p, g->d, cols);
        for (int64_t gi = 0; gi < G; gi++)
            F(gemm)('N', 'T', nOutG, Kg, Pout, scale, gout + gi * nOutG * Pout, Pout, cols + gi * Kg * Pout, Pout,
                    1.0, gw + gi * nOutG * Kg, Kg);
    } else {
        const int64_t Mg = nOutG * kvol;
        F(im2col)(gout, g->nOut, g->osz, g->isz, g->k, g->s, g->p, g->d, cols);
        for (int64_t gi = 0; gi < G; gi++)
            F(gemm)('N', 'T', nInG, Mg, Pin, scale, in + gi * nInG * Pin, Pin, cols + gi * Mg * Pin, Pin, 1.0,
                    gw + gi * nInG * Mg, Mg);
    }
}

static int64_t F(colsPerSample)(const THNNConvGeom *g)
{
    const int64_t kvol = g->k[0] * g->k[1] * g->k[2];
    const int64_t Pin = g->isz[0] * g->isz[1] * g->isz[2], Pout = g->osz[0] * g->osz[1] * g->osz[2];
    return g->transposed ? g->nOut * kvol * Pin : g->nIn * kvol * Pout;
}

static void F(forward)(const THNNConvGeom *g, const T *in, T *out, const T *w, const T *bias, T *cols,
                       int keepCols, int nthr)
{
    const int64_t inN = g->nIn * g->isz[0] * g->isz[1] * g->isz[2];
    const int64_t outN = g->nOut * g->osz[0] * g->osz[1] * g->osz[2], colN = F(colsPerSample)(g);
    const int par = nthr > 1;
    const int saved = THNNConv_blasThreadsBegin(par);
    #pragma omp parallel for if (par) num_threads(nthr) schedule(static)
    for (int64_t n = 0; n < g->N; n++) {
        T *c = cols + (keepCols ? n : (int64_t)omp_get_thread_num()) * colN;
        F(fwdSample)(g, in + n * inN, out + n * outN, w, bias, c);
    }
    THNNConv_blasThreadsEnd(par, saved);
}

static void F(backward)(const THNNConvGeom *g, const T *gout, T *gin, const T *w, T *cols, int nthr)
{
    const int64_t inN = g->nIn * g->isz[0] * g->isz[1] * g->isz[2];
    const int64_t outN = g->nOut * g->osz[0] * g->osz[1] * g->osz[2], colN = F(colsPerSample)(g);
    const int par = nthr > 1;
    const int saved = THNNConv_blasThreadsBegin(par);
    #pragma omp parallel for if (par) num_threads(nthr) schedule(static)
    for (int64_t n = 0; n < g->N; n++)
        F(bwdSample)(g, gout + n * outN, gin + n * inN, w, cols + (int64_t)omp_get_thread_num() * colN);
    THNNConv_blasThreadsEnd(par, saved);
}

/* gradWeight only (accBias does gradBias). Parallel over the batch, each thread summing into a private gradWeight that is then added
 * (in thread order, so results do not depend on timing). */
static int F(accGrad)(const THNNConvGeom *g, const T *in, const T *gout, T *gw, int64_t gwN, T *cols,
                      int reuseCols, double scale, int nthr)
{
    const int64_t inN = g->nIn * g->isz[0] * g->isz[1] * g->isz[2];
    const int64_t Pout = g->osz[0] * g->osz[1] * g->osz[2];
    const int64_t outN = g->nOut * Pout, colN = F(colsPerSample)(g);
    const int par = nthr > 1;
    T *priv = NULL;
    if (par) {
        priv = TH_alloc((int64_t)sizeof(T) * gwN * nthr);
        if (!priv) return TH_lastErrorCode();
        memset(priv, 0, sizeof(T) * (size_t)(gwN * nthr));
    }
    const int saved = THNNConv_blasThreadsBegin(par);
    #pragma omp parallel num_threads(nthr) if (par)
    {
        const int tid = omp_get_thread_num();
        T *mine = par ? priv + tid * gwN : gw;
        #pragma omp for schedule(static)
        for (int64_t n = 0; n < g->N; n++)
            F(accSample)(g, in + n * inN, gout + n * outN, mine,
                         cols + (reuseCols ? n : (int64_t)tid) * colN, reuseCols, scale);
        if (par) {
            /* each thread owns a slice of gradWeight and sums the partials over it */
            #pragma omp barrier
            #pragma omp for schedule(static)
            for (int64_t i = 0; i < gwN; i++) {
                T acc = gw[i];
                for (int t = 0; t < nthr; t++) acc += priv[t * gwN + i];
                gw[i] = acc;
            }
        }
    }
    THNNConv_blasThreadsEnd(par, saved);
    TH_free(priv);
    return 0;
}

/* gb += scale * dL/db: gradOutput summed over samples and pixels. */
static void F(accBias)(const THNNConvGeom *g, const T *gout, T *gb, double scale)
{
    const int64_t Pout = g->osz[0] * g->osz[1] * g->osz[2], outN = g->nOut * Pout;
    #pragma omp parallel for if (TH_parallelOK(g->nOut * g->N * Pout))
    for (int64_t o = 0; o < g->nOut; o++) {
        double acc = 0;
        for (int64_t n = 0; n < g->N; n++) {
            const T *row = gout + n * outN + o * Pout;
            #pragma omp simd reduction(+:acc)
            for (int64_t j = 0; j < Pout; j++) acc += row[j];
        }
        gb[o] = (T)(gb[o] + scale * acc);
    }
}
