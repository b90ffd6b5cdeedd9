/* Direct float32 convolution for stride-1 2-D convolutions on AVX-512 CPUs: forward, gradInput
 * and gradWeight read a zero-padded copy of one sample's planes (per-thread scratch) instead of
 * an unfolded (im2col) buffer, so they neither write nor re-read K x P columns per sample and
 * the caller's finput stays small. gradInput of a stride-1 convolution is itself a stride-1
 * convolution of gradOutput with the flipped, transposed weights, so one pass serves both: a
 * register-tiled direct kernel, or Winograd F(2x2, 3x3) for 3x3 kernels with enough planes
 * (which gradWeight uses too). The engine (unfolded.c) picks this path where THNNConv_directOK
 * says so. */
#include "THNNConv.h"
#include <omp.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_DIRECT 1
#endif

#define VL 16          /* float lanes per vector */
#define MR 12          /* output planes per register tile (x 2 vectors of pixels = 24 accumulators) */
#define MR_SMALL 8     /* the other tile height: blocks of 12 and 8 cover 64 planes without waste */
#define BN 6           /* gradWeight tile: taps (input plane, kh, kw) x 4 vectors of planes */
#define SLACK 64       /* floats after a padded copy: full-vector loads past the last row stay inside */
#define WT 32          /* Winograd tiles per gemm block: two vectors, the width of the 12 x 2 tile kernel */
#define SEG 8          /* Winograd tiles per segment (half a vector) */

/* Planes of one convolution pass: C input planes iH x iW, zero padded by pH/pW into Hp x Wp,
 * kernel kH x kW with dilation dH/dW, stride 1, giving oH x oW. */
typedef struct {
    int64_t C, iH, iW, pH, pW, Hp, Wp, kH, kW, dH, dW, oH, oW;
} Pass;

static Pass mkPass(int64_t C, int64_t iH, int64_t iW, int64_t pH, int64_t pW, int64_t kH, int64_t kW, int64_t dH,
                   int64_t dW)
{
    Pass q = {.C = C, .iH = iH, .iW = iW, .pH = pH, .pW = pW, .Hp = iH + 2 * pH, .Wp = iW + 2 * pW,
              .kH = kH, .kW = kW, .dH = dH, .dW = dW};
    q.oH = q.Hp - dH * (kH - 1);
    q.oW = q.Wp - dW * (kW - 1);
    return q;
}

static Pass fwdPass(const THNNConvGeom *g)
{
    return mkPass(g->nIn, g->isz[1], g->isz[2], g->p[1], g->p[2], g->k[1], g->k[2], g->d[1], g->d[2]);
}

/* gradInput = stride-1 convolution of gradOutput padded by d*(k-1)-p with the flipped kernel. */
static Pass bwdPass(const THNNConvGeom *g)
{
    return mkPass(g->nOut, g->osz[1], g->osz[2], g->d[1] * (g->k[1] - 1) - g->p[1],
                  g->d[2] * (g->k[2] - 1) - g->p[2], g->k[1], g->k[2], g->d[1], g->d[2]);
}

static int64_t padFloats(const Pass *q) { return q->C * q->Hp * q->Wp + SLACK; }

int THNNConv_directOK(const THNNConvGeom *g, int gradInput)
{
#ifdef HAVE_DIRECT
    if (!THNNConv_haveAVX512() || g->transposed) return 0;
    if (g->isz[0] != 1 || g->k[0] != 1 || g->p[0] != 0 || g->s[0] != 1 || g->s[1] != 1 || g->s[2] != 1) return 0;
    /* narrower outputs leave most vector lanes idle: the unfolded gemm does better there */
    if (g->osz[2] < 12) return 0;
    if (gradInput && (g->p[1] > g->d[1] * (g->k[1] - 1) || g->p[2] > g->d[2] * (g->k[2] - 1))) return 0;
    return 1;
#else
    (void)g; (void)gradInput;
    return 0;
#endif
}

static Pass winoPass(Pass q);
static int64_t winoScratch(const Pass *q, int64_t Cg, int64_t Og);

/* 3x3 kernels without dilation, with enough planes that the gemms outweigh the transforms. */
static int winogradOK(const THNNConvGeom *g)
{
    return g->k[1] == 3 && g->k[2] == 3 && g->d[1] == 1 && g->d[2] == 1 && g->nIn / g->groups >= 16 &&
           g->nOut / g->groups >= 16;
}

int64_t THNNConv_directScratch(const THNNConvGeom *g, int pass)
{
    const int64_t Cg = g->nIn / g->groups, Og = g->nOut / g->groups;
#ifdef HAVE_DIRECT
    if (pass < 2 && winogradOK(g)) {
        const Pass q = winoPass(pass == 1 ? bwdPass(g) : fwdPass(g));
        return pass == 1 ? winoScratch(&q, Og, Cg) : winoScratch(&q, Cg, Og);
    }
#endif
    Pass q = pass == 1 ? bwdPass(g) : fwdPass(g);
    const int64_t P = q.oH * q.oW, ldo = (Og + VL - 1) / VL * VL;
    if (pass < 2) return padFloats(&q);
#ifdef HAVE_DIRECT
    if (winogradOK(g)) {
        q = winoPass(q);
        return padFloats(&q) + g->groups * P * ldo + 16 * WT * ((Cg + BN - 1) / BN * BN + ldo);
    }
#endif
    return padFloats(&q) + g->groups * P * ldo;
}

#ifdef HAVE_DIRECT
/* q->C planes of iH x iW into the centre of Hp x Wp planes with a zero border. */
static void padCopy(const Pass *q, const float *in, float *dst)
{
    const int64_t HW = q->Hp * q->Wp;
    for (int64_t c = 0; c < q->C; c++) {
        float *p = dst + c * HW;
        memset(p, 0, sizeof(float) * (size_t)(q->pH * q->Wp));
        for (int64_t h = 0; h < q->iH; h++) {
            float *row = p + (q->pH + h) * q->Wp;
            for (int64_t w = 0; w < q->pW; w++) row[w] = 0;
            memcpy(row + q->pW, in + (c * q->iH + h) * q->iW, sizeof(float) * (size_t)q->iW);
            for (int64_t w = q->pW + q->iW; w < q->Wp; w++) row[w] = 0;
        }
        memset(p + (q->pH + q->iH) * q->Wp, 0, sizeof(float) * (size_t)((q->Hp - q->pH - q->iH) * q->Wp));
    }
    memset(dst + q->C * HW, 0, sizeof(float) * SLACK);
}

/* Height of the next block of output planes when `left` remain: 12 while that leaves more than
 * 16 or a multiple of 12, then 8s, so few tiles compute planes that do not exist. */
static int64_t blockRows(int64_t left) { return left > 16 || left % MR == 0 ? MR : MR_SMALL; }

/* Weights of one group (w: its nO x nC x kH x kW slice) as the kernel reads them: blocks of
 * blockRows planes of the pass's output, then for each tap (input plane, kh, kw) the block's
 * weights (zero past the last plane). Forward: output plane o, input plane c, value
 * w[o][c][kh][kw]. flip (gradInput, whose output planes are the nC and inputs the nO): value
 * w[o][c][kH-1-kh][kW-1-kw] for output plane c, input plane o. */
static void packWeights(const float *w, int64_t nO, int64_t nC, int64_t kH, int64_t kW, int flip, float *dst)
{
    const int64_t kv = kH * kW, rows = flip ? nC : nO, cin = flip ? nO : nC, K = cin * kv;
    for (int64_t b0 = 0, mr; b0 < rows; b0 += mr) {
        mr = blockRows(rows - b0);
        float *blk = dst + b0 * K;
        for (int64_t c = 0; c < cin; c++)
            for (int64_t t = 0; t < kv; t++) {
                float *d = blk + (c * kv + t) * mr;
                for (int64_t r = 0; r < mr; r++) {
                    const int64_t o = b0 + r;
                    if (o >= rows) { d[r] = 0; continue; }
                    d[r] = flip ? w[(c * nC + o) * kv + (kv - 1 - t)] : w[(o * nC + c) * kv + t];
                }
            }
    }
}

static int64_t packedFloats(int64_t rows, int64_t K)
{
    int64_t n = 0;
    for (int64_t left = rows; left > 0; left -= blockRows(left)) n += blockRows(left);
    return n * K;
}

/* One tile: M planes x NV vectors of pixels of one output row. src: padded planes at the tile's
 * first pixel; a: the block's packed weights; out: first pixel of the block's first plane. Only
 * `rows` planes and the lanes in m0/m1 are stored. */
static inline __attribute__((always_inline, target("avx512f")))
void tile(const Pass *q, const float *src, const float *a, const float *bias, float *out, int64_t ostride,
          int rows, const int M, const int NV, __mmask16 m0, __mmask16 m1)
{
    __m512 c0[MR], c1[MR];
    #pragma GCC unroll 12
    for (int r = 0; r < M; r++) {
        c0[r] = bias && r < rows ? _mm512_set1_ps(bias[r]) : _mm512_setzero_ps();
        c1[r] = c0[r];
    }
    const int64_t HW = q->Hp * q->Wp, rowStep = q->dH * q->Wp, kH = q->kH, kW = q->kW, dW = q->dW;
    for (int64_t c = 0; c < q->C; c++, src += HW)
        for (int64_t kh = 0; kh < kH; kh++) {
            const float *b = src + kh * rowStep;
            for (int64_t kw = 0; kw < kW; kw++, b += dW, a += M) {
                const __m512 b0 = _mm512_loadu_ps(b);
                const __m512 b1 = NV == 2 ? _mm512_loadu_ps(b + VL) : b0;
                #pragma GCC unroll 12
                for (int r = 0; r < M; r++) {
                    const __m512 ar = _mm512_set1_ps(a[r]);
                    c0[r] = _mm512_fmadd_ps(ar, b0, c0[r]);
                    if (NV == 2) c1[r] = _mm512_fmadd_ps(ar, b1, c1[r]);
                }
            }
        }
    #pragma GCC unroll 12
    for (int r = 0; r < M; r++) {
        if (r >= rows) break;
        _mm512_mask_storeu_ps(out + r * ostride, m0, c0[r]);
        if (NV == 2) _mm512_mask_storeu_ps(out + r * ostride + VL, m1, c1[r]);
    }
}

static __mmask16 laneMask(int64_t n) { return n >= VL ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1); }

/* The tile variants: height (12 or 8) x width (2 vectors, the last one masked, or 1 masked). */
#define TILE_FN(name, M, NV) \
    __attribute__((target("avx512f"))) static void name(const Pass *q, const float *src, const float *a, \
        const float *bias, float *out, int64_t os, int rows, __mmask16 m0, __mmask16 m1) \
    { tile(q, src, a, bias, out, os, rows, M, NV, m0, m1); }
TILE_FN(tile12x2, MR, 2)
TILE_FN(tile12x1, MR, 1)
TILE_FN(tile8x2, MR_SMALL, 2)
TILE_FN(tile8x1, MR_SMALL, 1)
#undef TILE_FN

/* One block of `rows` output planes (tile height mr): out = conv(padded planes, block weights a)
 * + bias; out is the block's first plane. */
static void convBlock(const Pass *q, const float *pad, const float *a, int64_t mr, int rows, const float *bias,
                      float *out)
{
    const int64_t P = q->oH * q->oW;
    void (*t2)(const Pass *, const float *, const float *, const float *, float *, int64_t, int, __mmask16,
               __mmask16) = mr == MR ? tile12x2 : tile8x2;
    void (*t1)(const Pass *, const float *, const float *, const float *, float *, int64_t, int, __mmask16,
               __mmask16) = mr == MR ? tile12x1 : tile8x1;
    for (int64_t oh = 0; oh < q->oH; oh++) {
        const float *src = pad + oh * q->Wp;
        float *dst = out + oh * q->oW;
        int64_t ow = 0;
        for (; ow + 2 * VL <= q->oW; ow += 2 * VL) t2(q, src + ow, a, bias, dst + ow, P, rows, 0xFFFF, 0xFFFF);
        const int64_t rem = q->oW - ow;
        if (rem > VL) t2(q, src + ow, a, bias, dst + ow, P, rows, 0xFFFF, laneMask(rem - VL));
        else if (rem > 0) t1(q, src + ow, a, bias, dst + ow, P, rows, laneMask(rem), 0);
    }
}

/* ---- Winograd F(2x2, 3x3): 3x3 kernels without dilation. Each 2x2 output tile comes from a 4x4
 * input tile through 16 independent sums over input planes (a gemm per tile point xi, 2.25x fewer
 * multiply-adds than the direct kernel), between cheap transforms (Lavin & Gray 2015):
 * V = B^T d B, U = G g G^T, Y = A^T (sum_c U V) A; for gradWeight, with e the 2x2 gradOutput
 * tiles, gw = G^T (sum over tiles of (A e A^T) V) G. A vector holds two segments of 8 tiles along
 * a row (the next 8 of the row, or the start of the next tile row when rows are short). */

/* U[xi][block][c][mr] for one group, packed as packWeights does (taps = input planes). */
static void packWinograd(const float *w, int64_t nO, int64_t nC, int flip, float *dst)
{
    const int64_t rows = flip ? nC : nO, cin = flip ? nO : nC, per = packedFloats(rows, cin);
    for (int64_t b0 = 0, mr; b0 < rows; b0 += mr) {
        mr = blockRows(rows - b0);
        for (int64_t c = 0; c < cin; c++)
            for (int64_t r = 0; r < mr; r++) {
                const int64_t o = b0 + r;
                float gg[3][3], t[4][3], u[4][4];
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++)
                        gg[i][j] = o >= rows ? 0 : flip ? w[(c * nC + o) * 9 + (2 - i) * 3 + (2 - j)]
                                                        : w[(o * nC + c) * 9 + i * 3 + j];
                for (int j = 0; j < 3; j++) {
                    t[0][j] = gg[0][j];
                    t[1][j] = 0.5f * (gg[0][j] + gg[1][j] + gg[2][j]);
                    t[2][j] = 0.5f * (gg[0][j] - gg[1][j] + gg[2][j]);
                    t[3][j] = gg[2][j];
                }
                for (int i = 0; i < 4; i++) {
                    u[i][0] = t[i][0];
                    u[i][1] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
                    u[i][2] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
                    u[i][3] = t[i][2];
                }
                for (int xi = 0; xi < 16; xi++) dst[xi * per + b0 * cin + c * mr + r] = u[xi / 4][xi % 4];
            }
    }
}

/* V[xi][c][lane] of two segments s0, s1 (tile row th, first tile column tw0) for planes [0, C):
 * tile (th, tw) reads rows 2th..2th+3, columns 2tw..2tw+3 of the padded planes (lanes past a row
 * read neighbours: their tiles are never stored). v: the vector's place in the block; ldv:
 * floats per xi. */
__attribute__((target("avx512f")))
static void winoIn(const Pass *q, const float *pad, const int64_t *s0, const int64_t *s1, float *v, int64_t ldv)
{
    const __m512i ev = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i od = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
    const int64_t HW = q->Hp * q->Wp;
    const int64_t off0 = 2 * s0[0] * q->Wp + 2 * s0[1], off1 = 2 * s1[0] * q->Wp + 2 * s1[1];
    for (int64_t c = 0; c < q->C; c++) {
        const float *plane = pad + c * HW;
        __m512 t[4][4];
        for (int r = 0; r < 4; r++) {
            const float *R0 = plane + off0 + r * q->Wp, *R1 = plane + off1 + r * q->Wp;
            const __m512 l0 = _mm512_loadu_ps(R0), l1 = _mm512_loadu_ps(R1);
            const __m512 l2 = _mm512_loadu_ps(R0 + 2), l3 = _mm512_loadu_ps(R1 + 2);
            const __m512 d0 = _mm512_permutex2var_ps(l0, ev, l1), d1 = _mm512_permutex2var_ps(l0, od, l1);
            const __m512 d2 = _mm512_permutex2var_ps(l2, ev, l3), d3 = _mm512_permutex2var_ps(l2, od, l3);
            t[r][0] = _mm512_sub_ps(d0, d2);
            t[r][1] = _mm512_add_ps(d1, d2);
            t[r][2] = _mm512_sub_ps(d2, d1);
            t[r][3] = _mm512_sub_ps(d1, d3);
        }
        float *vc = v + c * WT;
        for (int j = 0; j < 4; j++) {
            _mm512_storeu_ps(vc + (0 * 4 + j) * ldv, _mm512_sub_ps(t[0][j], t[2][j]));
            _mm512_storeu_ps(vc + (1 * 4 + j) * ldv, _mm512_add_ps(t[1][j], t[2][j]));
            _mm512_storeu_ps(vc + (2 * 4 + j) * ldv, _mm512_sub_ps(t[2][j], t[1][j]));
            _mm512_storeu_ps(vc + (3 * 4 + j) * ldv, _mm512_sub_ps(t[1][j], t[3][j]));
        }
    }
}

/* Output pixels of a segment (tile row th, first tile column tw0): where each of its two rows
 * starts in a plane (-1: outside the image) and which of the 16 columns are inside. */
static void segDest(const Pass *q, const int64_t *seg, int64_t *row, __mmask16 *mask)
{
    const int64_t col = 2 * seg[1], h0 = 2 * seg[0];
    *mask = col < q->oW ? laneMask(q->oW - col) : 0;
    row[0] = h0 * q->oW + col;
    row[1] = h0 + 1 < q->oH ? row[0] + q->oW : -1;
}

/* Output tiles of nO planes from M[xi][o][lane] (ldm floats per xi) for a vector of segments s0
 * and s1 (s1 NULL: none): Y = A^T m A + bias, stored into out (nO planes of oH x oW) where
 * inside the image. */
__attribute__((target("avx512f")))
static void winoOut(const Pass *q, const float *m, int64_t ldm, int64_t nO, const float *bias, const int64_t *s0,
                    const int64_t *s1, float *out)
{
    const __m512i lo = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    const __m512i hi = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
    const int64_t P = q->oH * q->oW;
    int64_t r0[2], r1[2] = {-1, -1};
    __mmask16 m0, m1 = 0;
    segDest(q, s0, r0, &m0);
    if (s1) segDest(q, s1, r1, &m1);
    for (int64_t o = 0; o < nO; o++) {
        const float *mo = m + o * WT;
        __m512 z[2][4];
        for (int j = 0; j < 4; j++) {
            const __m512 a0 = _mm512_loadu_ps(mo + (0 * 4 + j) * ldm), a1 = _mm512_loadu_ps(mo + (1 * 4 + j) * ldm);
            const __m512 a2 = _mm512_loadu_ps(mo + (2 * 4 + j) * ldm), a3 = _mm512_loadu_ps(mo + (3 * 4 + j) * ldm);
            z[0][j] = _mm512_add_ps(_mm512_add_ps(a0, a1), a2);
            z[1][j] = _mm512_sub_ps(_mm512_sub_ps(a1, a2), a3);
        }
        const __m512 b = _mm512_set1_ps(bias ? bias[o] : 0.0f);
        float *plane = out + o * P;
        for (int i = 0; i < 2; i++) {
            const __m512 y0 = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(z[i][0], z[i][1]), z[i][2]), b);
            const __m512 y1 = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(z[i][1], z[i][2]), z[i][3]), b);
            if (r0[i] >= 0) _mm512_mask_storeu_ps(plane + r0[i], m0, _mm512_permutex2var_ps(y0, lo, y1));
            if (r1[i] >= 0) _mm512_mask_storeu_ps(plane + r1[i], m1, _mm512_permutex2var_ps(y0, hi, y1));
        }
    }
}

/* One block of WT tiles (segs: nseg <= 4 segments as (th, tw0) pairs) of one group: input
 * transform into V, 16 gemms into M, output transform. wu: the group's U; work: V then M. */
static void winoBlock(const Pass *q, const float *pad, const float *wu, int64_t nO, const float *bias,
                      const int64_t (*segs)[2], int nseg, float *work, float *out)
{
    const int64_t C = q->C, ldv = C * WT, ldm = nO * WT, per = packedFloats(nO, C);
    float *V = work, *M = work + 16 * ldv;
    /* missing segments repeat the first: computed, never stored */
    for (int k = 0; k < 2; k++)
        winoIn(q, pad, segs[2 * k < nseg ? 2 * k : 0], segs[2 * k + 1 < nseg ? 2 * k + 1 : 0], V + k * VL, ldv);
    /* the gemm reads V[xi] as C planes of 1 x WT: a 1x1 "convolution" */
    const Pass g1 = {.C = C, .iH = 1, .iW = WT, .Hp = 1, .Wp = WT, .kH = 1, .kW = 1, .dH = 1, .dW = 1,
                     .oH = 1, .oW = WT};
    for (int xi = 0; xi < 16; xi++)
        for (int64_t o0 = 0, mr; o0 < nO; o0 += mr) {
            mr = blockRows(nO - o0);
            const int rows = (int)(nO - o0 < mr ? nO - o0 : mr);
            (mr == MR ? tile12x2 : tile8x2)(&g1, V + xi * ldv, wu + xi * per + o0 * C, NULL, M + xi * ldm + o0 * WT,
                                           WT, rows, 0xFFFF, 0xFFFF);
        }
    for (int k = 0; 2 * k < nseg; k++)
        winoOut(q, M + k * VL, ldm, nO, bias, segs[2 * k], 2 * k + 1 < nseg ? segs[2 * k + 1] : NULL, out);
}

static int64_t winoScratch(const Pass *q, int64_t Cg, int64_t Og)
{
    return q->C * q->Hp * q->Wp + SLACK + 16 * WT * (Cg + Og);
}

/* The padded planes of a Winograd pass: whole 4x4 input tiles for every 2x2 output tile. */
static Pass winoPass(Pass q)
{
    q.Hp = 2 * ((q.oH + 1) / 2) + 2;
    q.Wp = 2 * ((q.oW + 1) / 2) + 2;
    return q;
}

/* None of n floats is inf or NaN. */
static int allFinite(const float *x, int64_t n)
{
    float acc = 0;
    #pragma omp simd reduction(+:acc)
    for (int64_t i = 0; i < n; i++) acc += x[i] * 0.0f;
    return acc == 0;
}

/* What the threads of one forward / gradInput pass share. */
typedef struct {
    Pass q, qg;                      /* padded planes of a sample (all groups) and of one group */
    int64_t G, rows, inN, outN, outPl;
    const float *in, *bias;
    float *out;
    const float *wp, *wu;            /* direct weights (packWeights), Winograd U (packWinograd) */
    int64_t wpG, uG, nb, wblocks, segPerRow, nsegs;
    const int64_t *bs;               /* direct: first plane of each block, then rows */
    int wino;
} PassCtx;

/* Unit u of sample n: a (group, plane block) of the direct kernel, or a (group, tile block) of
 * Winograd. */
static void passUnit(const PassCtx *x, int64_t n, int64_t u, int useW, float *pad)
{
    const Pass *qg = &x->qg;
    const int64_t HW = qg->Hp * qg->Wp, Cg = qg->C;
    float *out = x->out + n * x->outN;
    if (!useW) {
        const int64_t gi = u / x->nb, b = u % x->nb, o0 = x->bs[b];
        convBlock(qg, pad + gi * Cg * HW, x->wp + gi * x->wpG + o0 * Cg * qg->kH * qg->kW, blockRows(x->rows - o0),
                  (int)(x->bs[b + 1] - o0), x->bias ? x->bias + gi * x->rows + o0 : NULL,
                  out + (gi * x->rows + o0) * x->outPl);
        return;
    }
    const int64_t gi = u / x->wblocks, b = u % x->wblocks;
    int64_t segs[4][2];
    const int nseg = (int)(x->nsegs - 4 * b < 4 ? x->nsegs - 4 * b : 4);
    for (int k = 0; k < nseg; k++) {
        segs[k][0] = (4 * b + k) / x->segPerRow;
        segs[k][1] = (4 * b + k) % x->segPerRow * SEG;
    }
    winoBlock(qg, pad + gi * Cg * HW, x->wu + gi * x->uG, x->rows, x->bias ? x->bias + gi * x->rows : NULL,
              (const int64_t (*)[2])segs, nseg, pad + padFloats(&x->q), out + gi * x->rows * x->outPl);
}

/* Sample n into this thread's scratch; its units all here, or (split) shared with the other
 * threads of the region, which all pad the same sample and so take the same branch. Samples
 * holding inf or NaN take the direct kernel: Winograd's transforms would spread them over whole
 * tiles, where the direct kernel keeps them to the outputs that read them, as PyTorch does. */
static void passSample(const PassCtx *x, int64_t n, float *pad, int split)
{
    const float *in = x->in + n * x->inN;
    padCopy(&x->q, in, pad);
    const int useW = x->wino && allFinite(in, x->inN);
    const int64_t units = x->G * (useW ? x->wblocks : x->nb);
    if (split) {
        #pragma omp for schedule(static) nowait
        for (int64_t u = 0; u < units; u++) passUnit(x, n, u, useW, pad);
    } else {
        for (int64_t u = 0; u < units; u++) passUnit(x, n, u, useW, pad);
    }
}

/* Forward (gradInput when flip) of the whole batch: Winograd where winogradOK (and the weights
 * are finite), else the direct kernel. in: N x (groups x C) planes; out: N x (groups x rows)
 * planes. Threads take whole samples, or with fewer samples than threads, the units of each. */
static int runPass(const THNNConvGeom *g, int flip, const float *in, float *out, const float *w, const float *bias,
                   float *scratch, int nthr)
{
    const int64_t G = g->groups, nInG = g->nIn / G, nOutG = g->nOut / G, kv = g->k[1] * g->k[2];
    PassCtx x = {.G = G, .rows = flip ? nInG : nOutG, .in = in, .out = out, .bias = bias};
    x.wino = winogradOK(g) && allFinite(w, g->nOut * nInG * kv);
    x.q = flip ? bwdPass(g) : fwdPass(g);
    if (x.wino) x.q = winoPass(x.q);
    x.qg = x.q;
    x.qg.C = x.q.C / G;
    const int64_t Cg = x.qg.C;
    x.outPl = x.q.oH * x.q.oW;
    x.inN = x.q.C * x.q.iH * x.q.iW;
    x.outN = x.rows * G * x.outPl;
    x.wpG = packedFloats(x.rows, Cg * kv);
    x.uG = 16 * packedFloats(x.rows, Cg);
    for (int64_t left = x.rows; left > 0; left -= blockRows(left)) x.nb++;
    x.segPerRow = ((x.q.oW + 1) / 2 + SEG - 1) / SEG;
    x.nsegs = (x.q.oH + 1) / 2 * x.segPerRow;
    x.wblocks = (x.nsegs + 3) / 4;
    float *wp = TH_alloc((int64_t)sizeof(float) * (x.wpG * G + (x.wino ? x.uG * G : 0) + 1));
    int64_t *bs = TH_alloc((int64_t)sizeof(int64_t) * (x.nb + 1));
    if (!wp || !bs) { TH_free(wp); TH_free(bs); return TH_lastErrorCode(); }
    for (int64_t b = 0, o0 = 0; b < x.nb; o0 += blockRows(x.rows - o0), b++) bs[b] = o0;
    bs[x.nb] = x.rows;
    for (int64_t gi = 0; gi < G; gi++) {
        packWeights(w + gi * nOutG * nInG * kv, nOutG, nInG, g->k[1], g->k[2], flip, wp + gi * x.wpG);
        if (x.wino) packWinograd(w + gi * nOutG * nInG * 9, nOutG, nInG, flip, wp + x.wpG * G + gi * x.uG);
    }
    x.wp = wp;
    x.wu = wp + x.wpG * G;
    x.bs = bs;
    const int64_t perThread = x.wino ? winoScratch(&x.q, Cg, x.rows) : padFloats(&x.q);
    const int bySample = g->N >= nthr;
    #pragma omp parallel num_threads(nthr) if (nthr > 1)
    {
        float *pad = scratch + (int64_t)omp_get_thread_num() * perThread;
        if (bySample) {
            #pragma omp for schedule(static)
            for (int64_t n = 0; n < g->N; n++) passSample(&x, n, pad, 0);
        } else {
            for (int64_t n = 0; n < g->N; n++) passSample(&x, n, pad, 1);
        }
    }
    TH_free(wp);
    TH_free(bs);
    return 0;
}

/* gwT[j][o] += sum over pixels of (padded input shifted by tap j) x gout plane o, for BN taps
 * and NV vectors of planes. goT: the sample's gradOutput transposed (pixel-major, rows of ldo
 * planes) at the block's first plane; off: BN tap offsets into pad. Planes are the vector lanes,
 * so the sum over pixels needs no horizontal reductions. */
static inline __attribute__((always_inline, target("avx512f")))
void gwTile(const Pass *q, const float *goT, int64_t ldo, const float *pad, const int64_t *off, float *gwT,
            const int NV)
{
    __m512 acc[BN][4];
    #pragma GCC unroll 6
    for (int j = 0; j < BN; j++)
        #pragma GCC unroll 4
        for (int v = 0; v < NV; v++) acc[j][v] = _mm512_loadu_ps(gwT + j * ldo + v * VL);
    const float *pj[BN];
    #pragma GCC unroll 6
    for (int j = 0; j < BN; j++) pj[j] = pad + off[j];
    for (int64_t oh = 0; oh < q->oH; oh++) {
        const int64_t r = oh * q->Wp;
        for (int64_t ow = 0; ow < q->oW; ow++, goT += ldo) {
            __m512 x[4];
            #pragma GCC unroll 4
            for (int v = 0; v < NV; v++) x[v] = _mm512_loadu_ps(goT + v * VL);
            /* one broadcast live at a time: 24 accumulators + 4 + 1 fit the 32 registers */
            #pragma GCC unroll 6
            for (int j = 0; j < BN; j++) {
                const __m512 b = _mm512_set1_ps(pj[j][r + ow]);
                #pragma GCC unroll 4
                for (int v = 0; v < NV; v++) acc[j][v] = _mm512_fmadd_ps(b, x[v], acc[j][v]);
            }
        }
    }
    #pragma GCC unroll 6
    for (int j = 0; j < BN; j++)
        #pragma GCC unroll 4
        for (int v = 0; v < NV; v++) _mm512_storeu_ps(gwT + j * ldo + v * VL, acc[j][v]);
}

#define GW_FN(name, NV) \
    __attribute__((target("avx512f"))) static void name(const Pass *q, const float *goT, int64_t ldo, \
        const float *pad, const int64_t *off, float *gwT) { gwTile(q, goT, ldo, pad, off, gwT, NV); }
GW_FN(gwTile1, 1)
GW_FN(gwTile2, 2)
GW_FN(gwTile3, 3)
GW_FN(gwTile4, 4)
#undef GW_FN

/* gradOutput planes of one group, transposed to pixel-major rows of ldo floats (zero past nO). */
static void transposeOut(const float *go, int64_t nO, int64_t P, int64_t ldo, float *dst)
{
    for (int64_t q0 = 0; q0 < P; q0 += 64) {
        const int64_t q1 = q0 + 64 < P ? q0 + 64 : P;
        for (int64_t o = 0; o < nO; o++)
            for (int64_t qq = q0; qq < q1; qq++) dst[qq * ldo + o] = go[o * P + qq];
        for (int64_t qq = q0; qq < q1; qq++)
            for (int64_t o = nO; o < ldo; o++) dst[qq * ldo + o] = 0;
    }
}

static int64_t roundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

/* E[xi][t][o] = A e_t A^T for the WT tiles t of a block (segs as winoBlock), e_t the 2x2 gradOutput
 * tile of plane o (zero outside the image, all zero for missing tiles). goT: the group's gradOutput
 * transposed (pixel-major rows of ldo planes). */
__attribute__((target("avx512f")))
static void winoGradOut(const Pass *q, const float *goT, int64_t ldo, const int64_t (*segs)[2], int nseg,
                        float *E)
{
    const int64_t ldE = WT * ldo, nTW = (q->oW + 1) / 2;
    for (int t = 0; t < WT; t++) {
        const int s = t / SEG;
        const int64_t th = s < nseg ? segs[s][0] : 0, tw = s < nseg ? segs[s][1] + t % SEG : nTW;
        for (int64_t o = 0; o < ldo; o += VL) {
            __m512 e[2][2];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) {
                    const int64_t h = 2 * th + i, w = 2 * tw + j;
                    e[i][j] = tw < nTW && h < q->oH && w < q->oW ? _mm512_loadu_ps(goT + (h * q->oW + w) * ldo + o)
                                                                : _mm512_setzero_ps();
                }
            __m512 f[2][4];
            for (int i = 0; i < 2; i++) {
                f[i][0] = e[i][0];
                f[i][1] = _mm512_add_ps(e[i][0], e[i][1]);
                f[i][2] = _mm512_sub_ps(e[i][0], e[i][1]);
                f[i][3] = _mm512_sub_ps(_mm512_setzero_ps(), e[i][1]);
            }
            float *dst = E + t * ldo + o;
            for (int b = 0; b < 4; b++) {
                _mm512_storeu_ps(dst + (0 * 4 + b) * ldE, f[0][b]);
                _mm512_storeu_ps(dst + (1 * 4 + b) * ldE, _mm512_add_ps(f[0][b], f[1][b]));
                _mm512_storeu_ps(dst + (2 * 4 + b) * ldE, _mm512_sub_ps(f[0][b], f[1][b]));
                _mm512_storeu_ps(dst + (3 * 4 + b) * ldE, _mm512_sub_ps(_mm512_setzero_ps(), f[1][b]));
            }
        }
    }
}

/* acc (BN rows of ldo floats, planes o0..) += the tap rows at off x gradOutput rows goT over the
 * pixels of q: the gwTile variant for the block's plane count. */
static void gwTileN(const Pass *q, const float *goT, int64_t ldo, int64_t o0, const float *src, const int64_t *off,
                    float *acc)
{
    const int64_t nv = (ldo - o0) / VL < 4 ? (ldo - o0) / VL : 4;
    if (nv == 4) gwTile4(q, goT + o0, ldo, src, off, acc + o0);
    else if (nv == 3) gwTile3(q, goT + o0, ldo, src, off, acc + o0);
    else if (nv == 2) gwTile2(q, goT + o0, ldo, src, off, acc + o0);
    else gwTile1(q, goT + o0, ldo, src, off, acc + o0);
}

/* What the threads of one gradWeight pass share. */
typedef struct {
    Pass q;                                   /* padded planes of a sample (all groups) */
    int64_t G, nInG, nOutG, HW, P, ldo, inN, outN, kBlocks, oBlocks, segPerRow, nsegs, wblocks, Cpad;
    int64_t dN, gwN, perThread, padN;
    const float *in, *gout;
    const int64_t *off, *offV;                /* direct tap offsets; Winograd V row offsets */
    int wino;
} GwCtx;

/* Unit u of the sample in pad / goT: a direct (group, tap block, plane block) into the tap-major
 * sum dsum, or a Winograd (group, tile block) into the GW sum wsum. */
static void gwUnit(const GwCtx *x, int64_t u, int useW, const float *pad, const float *goT, float *V, float *E,
                   float *dsum, float *wsum)
{
    const int64_t HW = x->HW, P = x->P, ldo = x->ldo, nInG = x->nInG;
    if (!useW) {
        const int64_t gi = u / (x->kBlocks * x->oBlocks), kb = u / x->oBlocks % x->kBlocks, ob = u % x->oBlocks;
        gwTileN(&x->q, goT + gi * P * ldo, ldo, ob * 4 * VL, pad + gi * nInG * HW, x->off + kb * BN,
                dsum + (gi * x->kBlocks + kb) * BN * ldo);
        return;
    }
    /* the Winograd sums read V[xi] and E[xi] as one row of WT "pixels" */
    const Pass row = {.C = 1, .iH = 1, .iW = WT, .Hp = 1, .Wp = WT, .kH = 1, .kW = 1, .dH = 1, .dW = 1,
                      .oH = 1, .oW = WT};
    const int64_t gi = u / x->wblocks, b = u % x->wblocks, Cpad = x->Cpad;
    int64_t segs[4][2];
    const int nseg = (int)(x->nsegs - 4 * b < 4 ? x->nsegs - 4 * b : 4);
    for (int k = 0; k < nseg; k++) {
        segs[k][0] = (4 * b + k) / x->segPerRow;
        segs[k][1] = (4 * b + k) % x->segPerRow * SEG;
    }
    Pass qg = x->q;
    qg.C = nInG;
    for (int k = 0; k < 2; k++)
        winoIn(&qg, pad + gi * nInG * HW, segs[2 * k < nseg ? 2 * k : 0], segs[2 * k + 1 < nseg ? 2 * k + 1 : 0],
               V + k * VL, Cpad * WT);
    winoGradOut(&x->q, goT + gi * P * ldo, ldo, (const int64_t (*)[2])segs, nseg, E);
    for (int xi = 0; xi < 16; xi++)
        for (int64_t c0 = 0; c0 < Cpad; c0 += BN)
            for (int64_t o0 = 0; o0 < ldo; o0 += 4 * VL)
                gwTileN(&row, E + xi * WT * ldo, ldo, o0, V + xi * WT * Cpad, x->offV + c0,
                        wsum + ((gi * 16 + xi) * Cpad + c0) * ldo);
}

/* Sample n into this thread's scratch; its units all here, or (split) shared with the other
 * threads of the region, which all see the same sample and so take the same branch. */
static void gwSample(const GwCtx *x, int64_t n, float *scr, float *dsum, float *wsum, int split)
{
    float *pad = scr, *goT = pad + x->padN, *V = goT + x->G * x->P * x->ldo, *E = V + 16 * WT * x->Cpad;
    const float *in = x->in + n * x->inN, *go = x->gout + n * x->outN;
    padCopy(&x->q, in, pad);
    for (int64_t gi = 0; gi < x->G; gi++)
        transposeOut(go + gi * x->nOutG * x->P, x->nOutG, x->P, x->ldo, goT + gi * x->P * x->ldo);
    const int useW = x->wino && allFinite(in, x->inN) && allFinite(go, x->outN);
    const int64_t units = x->G * (useW ? x->wblocks : x->kBlocks * x->oBlocks);
    if (split) {
        #pragma omp for schedule(static) nowait
        for (int64_t u = 0; u < units; u++) gwUnit(x, u, useW, pad, goT, V, E, dsum, wsum);
    } else {
        for (int64_t u = 0; u < units; u++) gwUnit(x, u, useW, pad, goT, V, E, dsum, wsum);
    }
}

/* gradWeight += scale * dL/dW. Direct units (group, tap block, plane block) add into a tap-major
 * sum; Winograd units (group, tile block; where winogradOK and the sample is finite) add
 * GW[xi][c][o] = sum over tiles of E V, and gw gets G^T GW G. With Winograd and at least as many
 * samples as threads, threads take whole samples into sums of their own; else every thread pads
 * and transposes each sample and takes a share of its units (direct units own their part of one
 * shared sum). Per-thread sums are added in thread order. */
static int runGradWeight(const THNNConvGeom *g, const float *in, const float *gout, float *gw, float scale,
                         float *scratch, int nthr)
{
    GwCtx x = {.G = g->groups, .in = in, .gout = gout, .wino = winogradOK(g)};
    const int64_t G = x.G, nInG = g->nIn / G, nOutG = g->nOut / G, kv = g->k[1] * g->k[2], K = nInG * kv;
    x.nInG = nInG;
    x.nOutG = nOutG;
    x.q = x.wino ? winoPass(fwdPass(g)) : fwdPass(g);
    x.HW = x.q.Hp * x.q.Wp;
    x.P = x.q.oH * x.q.oW;
    x.ldo = roundUp(nOutG, VL);
    x.kBlocks = (K + BN - 1) / BN;
    x.oBlocks = (x.ldo + 4 * VL - 1) / (4 * VL);
    x.segPerRow = ((x.q.oW + 1) / 2 + SEG - 1) / SEG;
    x.nsegs = (x.q.oH + 1) / 2 * x.segPerRow;
    x.wblocks = (x.nsegs + 3) / 4;
    x.Cpad = roundUp(nInG, BN);
    x.padN = padFloats(&x.q);
    x.perThread = x.padN + G * x.P * x.ldo + (x.wino ? 16 * WT * (x.Cpad + x.ldo) : 0);
    x.inN = g->nIn * x.q.iH * x.q.iW;
    x.outN = g->nOut * x.P;
    const int bySample = x.wino && g->N >= nthr, nD = bySample ? nthr : 1;
    const int64_t ldo = x.ldo, Cpad = x.Cpad, kBlocks = x.kBlocks;
    x.dN = G * kBlocks * BN * ldo;
    x.gwN = G * 16 * Cpad * ldo;
    const int64_t sums = nD * x.dN + (x.wino ? nthr * x.gwN : 0);
    int64_t *off = TH_alloc((int64_t)sizeof(int64_t) * (kBlocks * BN + Cpad));
    float *dsum = TH_alloc((int64_t)sizeof(float) * sums);
    if (!off || !dsum) { TH_free(off); TH_free(dsum); return TH_lastErrorCode(); }
    memset(dsum, 0, sizeof(float) * (size_t)sums);
    for (int64_t k = 0; k < kBlocks * BN; k++) {
        const int64_t kk = k < K ? k : K - 1;  /* ragged last block: repeat the last tap, not copied out */
        const int64_t c = kk / kv, kh = kk % kv / x.q.kW, kw = kk % x.q.kW;
        off[k] = c * x.HW + kh * x.q.dH * x.q.Wp + kw * x.q.dW;
    }
    for (int64_t c = 0; c < Cpad; c++) off[kBlocks * BN + c] = c * WT;
    x.off = off;
    x.offV = off + kBlocks * BN;
    float *wsum = dsum + nD * x.dN;
    #pragma omp parallel num_threads(nthr) if (nthr > 1)
    {
        const int tid = omp_get_thread_num();
        float *scr = scratch + tid * x.perThread, *ds = dsum + (bySample ? tid : 0) * x.dN, *ws = wsum + tid * x.gwN;
        if (x.wino) memset(scr + x.padN + G * x.P * ldo, 0, sizeof(float) * (size_t)(16 * WT * Cpad));  /* V */
        if (bySample) {
            #pragma omp for schedule(static)
            for (int64_t n = 0; n < g->N; n++) gwSample(&x, n, scr, ds, ws, 0);
        } else {
            for (int64_t n = 0; n < g->N; n++) gwSample(&x, n, scr, ds, ws, 1);
        }
    }
    for (int64_t gi = 0; gi < G; gi++)
        for (int64_t o = 0; o < nOutG; o++)
            for (int64_t k = 0; k < K; k++) {
                float acc = 0;
                for (int t = 0; t < nD; t++) acc += dsum[t * x.dN + (gi * kBlocks * BN + k) * ldo + o];
                gw[(gi * nOutG + o) * K + k] += scale * acc;
            }
    if (x.wino) {
        static const float Gm[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
        for (int64_t gi = 0; gi < G; gi++)
            for (int64_t o = 0; o < nOutG; o++)
                for (int64_t c = 0; c < nInG; c++) {
                    float m[16];
                    for (int xi = 0; xi < 16; xi++) {
                        float acc = 0;
                        for (int t = 0; t < nthr; t++) acc += wsum[t * x.gwN + ((gi * 16 + xi) * Cpad + c) * ldo + o];
                        m[xi] = acc;
                    }
                    float *dst = gw + ((gi * nOutG + o) * nInG + c) * 9;
                    for (int kh = 0; kh < 3; kh++)
                        for (int kw = 0; kw < 3; kw++) {
                            float acc = 0;
                            for (int a = 0; a < 4; a++)
                                for (int b = 0; b < 4; b++) acc += Gm[a][kh] * Gm[b][kw] * m[a * 4 + b];
                            dst[kh * 3 + kw] += scale * acc;
                        }
                }
    }
    TH_free(off);
    TH_free(dsum);
    return 0;
}
#endif

int THNNConv_directForward(const THNNConvGeom *g, const float *in, float *out, const float *w, const float *bias,
                           float *scratch, int nthr)
{
#ifdef HAVE_DIRECT
    return runPass(g, 0, in, out, w, bias, scratch, nthr);
#else
    (void)g; (void)in; (void)out; (void)w; (void)bias; (void)scratch; (void)nthr;
    return TH_setError(TH_ERR_RUNTIME, "THNNConv_directForward: not built for this CPU");
#endif
}

int THNNConv_directGradInput(const THNNConvGeom *g, const float *gout, float *gin, const float *w, float *scratch,
                             int nthr)
{
#ifdef HAVE_DIRECT
    return runPass(g, 1, gout, gin, w, NULL, scratch, nthr);
#else
    (void)g; (void)gout; (void)gin; (void)w; (void)scratch; (void)nthr;
    return TH_setError(TH_ERR_RUNTIME, "THNNConv_directGradInput: not built for this CPU");
#endif
}

int THNNConv_directGradWeight(const THNNConvGeom *g, const float *in, const float *gout, float *gw, double scale,
                              float *scratch, int nthr)
{
#ifdef HAVE_DIRECT
    return runGradWeight(g, in, gout, gw, (float)scale, scratch, nthr);
#else
    (void)g; (void)in; (void)gout; (void)gw; (void)scale; (void)scratch; (void)nthr;
    return TH_setError(TH_ERR_RUNTIME, "THNNConv_directGradWeight: not built for this CPU");
#endif
}
