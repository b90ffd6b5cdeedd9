/* Scalar special functions used by the pointwise kernels (THTensorPointwise.c): float and
 * double forms THSpecial_<name>_f / THSpecial_<name>_d, defined by generic/THSpecialMath.c. */
#ifndef TH_SPECIAL_MATH_H
#define TH_SPECIAL_MATH_H
#include <stdint.h>

/* f(x) */
#define TH_SPECIAL_UNARY(M) \
    M(digamma) M(erfinv) M(ndtri) M(log_ndtr) M(erfcx) M(i0) M(i0e) M(i1) M(i1e) \
    M(bessel_j0) M(bessel_j1) M(bessel_y0) M(bessel_y1) M(modified_bessel_i0) M(modified_bessel_i1) \
    M(modified_bessel_k0) M(modified_bessel_k1) M(scaled_modified_bessel_k0) M(scaled_modified_bessel_k1) \
    M(spherical_bessel_j0) M(airy_ai)
/* f(x, y) */
#define TH_SPECIAL_BINARY(M) M(zeta) M(igamma) M(igammac)
/* f(x, n): polynomials of integer degree n */
#define TH_SPECIAL_POLY(M) \
    M(chebyshev_polynomial_t) M(chebyshev_polynomial_u) M(chebyshev_polynomial_v) M(chebyshev_polynomial_w) \
    M(shifted_chebyshev_polynomial_t) M(shifted_chebyshev_polynomial_u) M(shifted_chebyshev_polynomial_v) \
    M(shifted_chebyshev_polynomial_w) M(hermite_polynomial_h) M(hermite_polynomial_he) \
    M(laguerre_polynomial_l) M(legendre_polynomial_p)

#define TH_SPECIAL_DECL1(N) float THSpecial_##N##_f(float x); double THSpecial_##N##_d(double x);
#define TH_SPECIAL_DECL2(N) float THSpecial_##N##_f(float x, float y); double THSpecial_##N##_d(double x, double y);
#define TH_SPECIAL_DECLP(N) float THSpecial_##N##_f(float x, int64_t n); double THSpecial_##N##_d(double x, int64_t n);
TH_SPECIAL_UNARY(TH_SPECIAL_DECL1)
TH_SPECIAL_BINARY(TH_SPECIAL_DECL2)
TH_SPECIAL_POLY(TH_SPECIAL_DECLP)
float THSpecial_polygamma_f(int64_t n, float x);
/* Chebyshev coefficients of exp(-x) i0(x) on [0, 8] and of exp(-x) sqrt(x) i0(x) on (8, inf) (Cephes),
 * for the SIMD i0 of THVectorMath.c */
extern const float THSpecial_i0e_A_f[30], THSpecial_i0e_B_f[25];
double THSpecial_polygamma_d(int64_t n, double x);

#endif
