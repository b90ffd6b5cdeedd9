/* Special functions (erfinv, ndtri, Bessel functions, zeta, incomplete gamma, orthogonal
 * polynomials, ...) in float and double: generic/THSpecialMath.c instantiated twice, Torch7's
 * generic-file way, so each function has one text for both types (float math for float
 * inputs, as PyTorch computes them). */
#include "THSpecialMath.h"
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <tgmath.h>   /* exp(x) on a float is expf */

#define SP_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Sources: PyTorch ATen/native/Math.h (BSD-3-Clause), derived from the Cephes Math Library, SciPy
 * (gammainc, log_ndtr), Boost (Lanczos sums, Boost Software License 1.0) and S. G. Johnson's Faddeeva
 * package (erfcx, MIT).
 *
 * Note [3-Clause BSD License for the Cephes Math Library]
 * Code derived from implementations in the Cephes Math Library should mention its derivation and reference
 * this note (ex. 'This function is derived from the implementation of X in the Cephes Math Library. See note
 * [3-Clause BSD License for the Cephes Math Library]. The license is:
 * Copyright (c) 2018, Steven Moshier
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 * * Redistributions of source code must retain the above copyright
 * notice, this list of conditions and the following disclaimer.
 * * Redistributions in binary form must reproduce the above copyright
 * notice, this list of conditions and the following disclaimer in the
 * documentation and/or other materials provided with the distribution.
 * * Neither the name of the nor the
 * names of its contributors may be used to endorse or promote products
 * derived from this software without specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL Steven Moshier BE LIABLE FOR ANY
 * DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
 * (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
 * LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND
 * ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
 * (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
 * SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

#define T float
#define SP(name) THSpecial_##name##_f
#define SP_IS_DOUBLE 0
#define SP_HERMITE_LIMIT 128
#define SP_EPS FLT_EPSILON
#include "generic/THSpecialMath.c"
#undef T
#undef SP
#undef SP_IS_DOUBLE
#undef SP_HERMITE_LIMIT
#undef SP_EPS

#define T double
#define SP(name) THSpecial_##name##_d
#define SP_IS_DOUBLE 1
#define SP_HERMITE_LIMIT 512
#define SP_EPS DBL_EPSILON
#include "generic/THSpecialMath.c"
#undef T
#undef SP
#undef SP_IS_DOUBLE
#undef SP_HERMITE_LIMIT
#undef SP_EPS
