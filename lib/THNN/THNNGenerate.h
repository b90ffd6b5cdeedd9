/* Per-dtype instantiation of a THNN kernel file (Torch7's THGenerateFloatTypes pattern): the
 * file defines THNN_GENERIC_FILE as its own name and includes this header from its
 * `#ifndef THNN_REAL` part; its `#else` part is then compiled once for float (names TNF(x) =
 * x_f) and once for double (x_d), with `real` the element type and `ureal` the unsigned integer
 * of real's width (bitwise selects). No include guard: one use per kernel file. */
#ifndef THNN_GENERIC_FILE
#error "define THNN_GENERIC_FILE (the kernel file's name) before including THNNGenerate.h"
#endif

#define THNN_REAL float
#define real float
#define ureal uint32_t
#define TNF(n) n##_f
#include THNN_GENERIC_FILE
#undef THNN_REAL
#undef real
#undef ureal
#undef TNF

#define THNN_REAL double
#define real double
#define ureal uint64_t
#define TNF(n) n##_d
#include THNN_GENERIC_FILE
#undef THNN_REAL
#undef real
#undef ureal
#undef TNF

#undef THNN_GENERIC_FILE
