/*
 * sums.c - the deterministic sums: sum of squares, and mean and variance
 * (with SGD's update fused into the same pass), added in a fixed order so
 * that every build (native, WASM, 1 or more threads) gets the same bits.
 * The statistics of every record (stats.c) and the update sizes (optim.c)
 * are made of them.  No libm, no intrinsics: the compiler may vectorise the
 * lanes, never reassociate them.
 */

#include <string.h>

#include "gl_internal.h"

/* ---- reductions ----
 * Sums in double with 8 independent lanes, added in a fixed order at the
 * end: the compiler may vectorise them without reassociating anything, so
 * the result is the same natively and in WebAssembly. */
#define LANES 8

/* the double lanes as one vector, and as many gl_real values to convert */
typedef double vd8 __attribute__((vector_size(LANES * sizeof(double)), aligned(sizeof(double))));
typedef gl_real vr8 __attribute__((vector_size(LANES * sizeof(gl_real)), aligned(sizeof(gl_real))));

/* Sums of d = v - c and d^2 over v[0..n) in double, the shift c = v[0]
 * taken out first so that the variance keeps its digits when it is tiny
 * next to the mean (saturated sigmoid units sit near 1 with spread 1e-4). */
__attribute__((noinline)) static void shifted_sums_double(const gl_real *v, size_t n, gl_real c,
                                                         double *s1, double *s2) {
  /* the lanes as one vector: lane k adds values k, k + LANES, ... in order */
  const vd8 cv = (double)c - (vd8){0};
  vd8 a = {0}, b = {0};
  double x1 = 0, x2 = 0;
  size_t i = 0;
  for (; i + LANES <= n; i += LANES) {
    vr8 u;
    memcpy(&u, v + i, sizeof u);
    const vd8 d = __builtin_convertvector(u, vd8) - cv;
    a += d;
    b += d * d;
  }
  for (; i < n; i++) {
    double d = (double)v[i] - c;
    x1 += d;
    x2 += d * d;
  }
  for (int k = 0; k < LANES; k++) {
    x1 += a[k];
    x2 += b[k];
  }
  *s1 = x1;
  *s2 = x2;
}

/* Sum of squares in double: shifted_sums_double's s2 about c = 0, the same
 * lanes and the same order (d = v - 0 as there), without its unused s1. */
__attribute__((noinline)) static double sum_sq_double(const gl_real *v, size_t n) {
  const vd8 cv = 0.0 - (vd8){0};
  vd8 b = {0};
  double x2 = 0;
  size_t i = 0;
  for (; i + LANES <= n; i += LANES) {
    vr8 u;
    memcpy(&u, v + i, sizeof u);
    const vd8 d = __builtin_convertvector(u, vd8) - cv;
    b += d * d;
  }
  for (; i < n; i++) {
    double d = (double)v[i] - 0.0;
    x2 += d * d;
  }
  for (int k = 0; k < LANES; k++) x2 += b[k];
  return x2;
}

#ifdef GL_DOUBLE
double sum_sq(const gl_real *v, size_t n) { return sum_sq_double(v, n); }
#else
/* The float lanes of the block sums below as one GCC/Clang vector (as
 * gemm.c's): lane k adds the values k, k + LANES, ... of its block in order,
 * exactly the scalar loop's arithmetic, but the compiler cannot turn it into
 * the scalar adds and shuffles it made of an array of LANES accumulators. */
typedef float vf8 __attribute__((vector_size(LANES * sizeof(float)), aligned(sizeof(float))));
static inline vf8 load_vf8(const float *p) {
  vf8 u;
  memcpy(&u, p, sizeof u);
  return u;
}

/* Blocks of 256 values summed in float (8 lanes of 32 terms, so at most
 * ~2e-6 relative error), the blocks added in double.  A block whose float sum
 * is not a comfortably normal number is summed again in double: vanishing
 * gradients (squares below 1e-28 would lose digits or underflow to 0) and
 * huge ones (squares that overflow float but not double) keep their exact
 * double result, and NaN/Inf still poison the total.  Float arithmetic is
 * four times denser in a v128 than double, which is why this pays. */
double sum_sq(const gl_real *v, size_t n) {
  enum { BLOCK = 256 };
  if (n < LANES) {
    /* a row shorter than the lanes (one example's gradient in a width-2 net, whose
     * statistics measure it row by row): the loop below with its lanes at 0, which
     * add nothing (b >= +0 or NaN; b + 0 = b), and s = 0 + b = b: the same bits */
    float b = 0;
    for (size_t j = 0; j < n; j++) b += v[j] * v[j];
    return b >= 1e-28f && b <= 1e37f ? (double)b : sum_sq_double(v, n);
  }
  double s = 0;
  for (size_t i = 0; i < n; i += BLOCK) {
    const size_t m = n - i < BLOCK ? n - i : BLOCK;
    const float *x = v + i;
    vf8 acc = {0};
    float b = 0;
    size_t j = 0;
    for (; j + LANES <= m; j += LANES) {
      const vf8 u = load_vf8(x + j);
      acc += u * u;
    }
    for (; j < m; j++) b += x[j] * x[j];
    for (int k = 0; k < LANES; k++) b += acc[k];
    s += b >= 1e-28f && b <= 1e37f ? (double)b : sum_sq_double(x, m);
  }
  return s;
}
#endif

/* Mean and (population) variance of v[0..n), n >= 1.  In the float32 build
 * the shifted sums run in float lanes over blocks of 256 and the blocks add
 * up in double; a block whose sum of squares is tiny but not exactly zero,
 * huge or not finite is summed again in double, as in sum_sq. */
void mean_var_update(gl_real *v, size_t n, double *mean, double *var, const gl_real *g,
                     gl_real a, gl_real cs) {
  const gl_real c = v[0];
  double s1 = 0, s2 = 0;
#ifdef GL_DOUBLE
  shifted_sums_double(v, n, c, &s1, &s2);
  if (g)
    for (size_t i = 0; i < n; i++) v[i] += a * (g[i] * cs);
#else
  enum { BLOCK = 256 };
  for (size_t i = 0; i < n; i += BLOCK) {
    const size_t m = n - i < BLOCK ? n - i : BLOCK;
    float *x = v + i;
    const vf8 cv = c - (vf8){0}; /* c - 0 is c: a broadcast */
    vf8 a1 = {0}, q = {0};
    float b1 = 0, b2 = 0;
    size_t j = 0;
    for (; j + LANES <= m; j += LANES) {
      const vf8 d = load_vf8(x + j) - cv;
      a1 += d;
      q += d * d;
    }
    for (; j < m; j++) {
      const float d = x[j] - c;
      b1 += d;
      b2 += d * d;
    }
    for (int k = 0; k < LANES; k++) {
      b1 += a1[k];
      b2 += q[k];
    }
    if ((b2 >= 1e-28f && b2 <= 1e37f) || (b2 == 0 && b1 == 0)) {
      s1 += b1;
      s2 += b2;
    } else {
      double d1, d2;
      shifted_sums_double(x, m, c, &d1, &d2);
      s1 += d1;
      s2 += d2;
    }
    if (g) { /* the block is still in cache: update it now */
      const float *gb = g + i;
      for (j = 0; j < m; j++) x[j] += a * (gb[j] * cs);
    }
  }
#endif
  const double m1 = s1 / (double)n, v2 = s2 / (double)n - m1 * m1;
  *mean = c + m1;
  *var = v2 > 0 ? v2 : (v2 == v2 ? 0 : v2); /* NaN stays NaN */
}

void mean_var(const gl_real *v, size_t n, double *mean, double *var) {
  mean_var_update((gl_real *)v, n, mean, var, NULL, 0, 0); /* g == NULL: v is only read */
}
