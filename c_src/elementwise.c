/*
 * elementwise.c - the kernels that act on each value alone, in
 * forward/backward pairs: the activations (phi, phi' and the slope
 * statistics of a record) and the residual add y = keep*x + s*f.
 *
 * The float32 tanh is a rational approximation, not libm's, so native and
 * WASM builds compute the same bits; the double build (gradcheck) uses libm.
 */
#include <math.h>
#include <string.h>

#include "gl_internal.h"

/* the independent lanes of the slope statistics' sums, added in a fixed
 * order at the end (as in sums.c) */
#define LANES 8

/* ---- activations ---- */

#ifdef GL_DOUBLE
static inline gl_real tanh_r(gl_real x) { return tanh(x); }
static inline gl_real sigmoid_r(gl_real x) { return 1.0 / (1.0 + exp(-x)); }
#else
/* tanh as a 13/6 rational function (the minimax fit used by Eigen's
 * generic_fast_tanh_float); max abs error ~1e-7 on the clamped range; beyond
 * it the value stays at the fit's value at the clamp, +-0.99999982. */
static inline float tanh_r(float x) {
  const float c = 7.99881172180175781f;
  x = x > c ? c : (x < -c ? -c : x);
  const float x2 = x * x;
  float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
  p = x2 * p + -8.60467152213735e-11f;
  p = x2 * p + 5.12229709037114e-08f;
  p = x2 * p + 1.48572235717979e-05f;
  p = x2 * p + 6.37261928875436e-04f;
  p = x2 * p + 4.89352455891786e-03f;
  p = x * p;
  float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
  q = x2 * q + 2.26843463243900e-03f;
  q = x2 * q + 4.89352518554385e-03f;
  return p / q;
}
static inline float sigmoid_r(float x) { return 0.5f + 0.5f * tanh_r(0.5f * x); }
#endif

#define GELU_K ((gl_real)0.7978845608028654) /* sqrt(2/pi) */
#define GELU_C ((gl_real)0.044715)
#define LEAKY ((gl_real)0.01)

/* Every switch over act below lists each gl_act and has no default, so the
 * build (-Werror=switch) names each one a new activation still needs. */
void act_forward(gl_real *restrict y, const gl_real *restrict x, size_t n, gl_act act) {
  switch (act) {
  case ACT_SIGMOID: for (size_t i = 0; i < n; i++) y[i] = sigmoid_r(x[i]); break;
  case ACT_TANH: for (size_t i = 0; i < n; i++) y[i] = tanh_r(x[i]); break;
  case ACT_RELU: for (size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0; break;
  case ACT_LEAKY_RELU: for (size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : LEAKY * x[i]; break;
  case ACT_GELU:
    for (size_t i = 0; i < n; i++) {
      gl_real v = x[i];
      y[i] = (gl_real)0.5 * v * (1 + tanh_r(GELU_K * (v + GELU_C * v * v * v)));
    }
    break;
  case ACT_LINEAR: memcpy(y, x, n * sizeof(gl_real)); break;
  }
}

static inline gl_real gelu_slope(gl_real v) {
  gl_real t = tanh_r(GELU_K * (v + GELU_C * v * v * v));
  return (gl_real)0.5 * (1 + t) + (gl_real)0.5 * v * (1 - t * t) * GELU_K * (1 + 3 * GELU_C * v * v);
}

/* dx (+)= dy * phi'(x) */
void act_backward(gl_real *restrict dx, const gl_real *restrict dy, const gl_real *restrict x,
                  const gl_real *restrict y, size_t n, gl_act act, int acc) {
#define ACT_BWD(EXPR)                                                     \
  do {                                                                    \
    if (acc) for (size_t i = 0; i < n; i++) dx[i] += dy[i] * (EXPR);      \
    else for (size_t i = 0; i < n; i++) dx[i] = dy[i] * (EXPR);           \
  } while (0)
  switch (act) {
  case ACT_SIGMOID: ACT_BWD(y[i] * (1 - y[i])); break;
  case ACT_TANH: ACT_BWD(1 - y[i] * y[i]); break;
  case ACT_RELU: ACT_BWD(x[i] > 0 ? (gl_real)1 : (gl_real)0); break;
  case ACT_LEAKY_RELU: ACT_BWD(x[i] > 0 ? (gl_real)1 : LEAKY); break;
  case ACT_GELU: ACT_BWD(gelu_slope(x[i])); break;
  case ACT_LINEAR: ACT_BWD((gl_real)1); break;
  }
#undef ACT_BWD
}

double act_max_slope(gl_act act) {
  switch (act) {
  case ACT_SIGMOID: return 0.25;
  case ACT_TANH: return 1.0;
  case ACT_RELU: return 1.0;
  case ACT_LEAKY_RELU: return 1.0;
  case ACT_LINEAR: return 1.0;
  case ACT_GELU: return 1.1289;  /* at x ~ 1.4 */
  }
  return 1.0; /* not reached: the settings table admits only the names above */
}

/* Over a run of n units weighted by w: sum of (phi'(x) w)^2 into *sq and the
 * count of phi' < thr into *sat (w == NULL: every weight is w1).  LANES
 * float lanes, lane k taking units k, k + LANES, ...; the units past the
 * last full group of lanes go into t first, then the lanes are added to t in
 * order.  The lanes are GCC/Clang vectors (as gemm.c's), so the loop
 * vectorises whatever the compiler makes of the comparisons; each lane's
 * arithmetic is the scalar one, so the bits are those of a plain loop. */
GL_VECTOR(lreal, LANES, l) /* lload, lsplat (kernels.h) */
#ifdef GL_DOUBLE
typedef int64_t lmask __attribute__((vector_size(LANES * sizeof(int64_t)), aligned(sizeof(int64_t))));
#else
typedef int32_t lmask __attribute__((vector_size(LANES * sizeof(int32_t)), aligned(sizeof(int32_t))));
#endif
/* m ? a : b per lane, m from a comparison (all ones or all zeros) */
static inline lreal lselect(lmask m, lreal a, lreal b) {
  return (lreal)(((lmask)a & m) | ((lmask)b & ~m));
}

/* gelu's slope lane by lane (tanh_r is scalar) */
static inline lreal gelu_slope_lanes(lreal xv) {
  lreal d;
  for (int k = 0; k < LANES; k++) d[k] = gelu_slope(xv[k]);
  return d;
}

static void slope_run(const gl_real *restrict x, const gl_real *restrict y, size_t n, gl_act act,
                      const gl_real *restrict w, gl_real w1, gl_real thr, double *sq, long *sat) {
  const lreal one = lsplat(1), zero = lsplat(0), thrv = lsplat(thr), w1v = lsplat(w1);
  lreal acc = zero;
  lmask cnt = {0};
  gl_real t = 0;
  int ct = 0;
  size_t i = 0;
#define SLOPE_LOOPS(VEXPR, EXPR, WV, WS)                                \
  do {                                                                  \
    for (; i + LANES <= n; i += LANES) {                                \
      const lreal xv = lload(x + i), yv = lload(y + i);                 \
      (void)xv, (void)yv; /* not every slope reads both */              \
      const lreal d = (VEXPR), e = d * (WV);                            \
      acc += e * e;                                                     \
      cnt -= (lmask)(d < thrv); /* true is -1 in every lane */          \
    }                                                                   \
    for (size_t j = i; j < n; j++) {                                    \
      const gl_real d = (EXPR), e = d * (WS);                           \
      t += e * e;                                                       \
      ct += d < thr;                                                    \
    }                                                                   \
  } while (0)
  /* the weights' branch outside the loops, so that neither loop has one */
#define SLOPE_RUN(VEXPR, EXPR)                                          \
  do {                                                                  \
    if (w) SLOPE_LOOPS(VEXPR, EXPR, lload(w + i), w[j]);                \
    else SLOPE_LOOPS(VEXPR, EXPR, w1v, w1);                             \
  } while (0)
  switch (act) {
  case ACT_SIGMOID: SLOPE_RUN(yv * (one - yv), y[j] * (1 - y[j])); break;
  case ACT_TANH: SLOPE_RUN(one - yv * yv, 1 - y[j] * y[j]); break;
  case ACT_RELU:
    SLOPE_RUN(lselect((lmask)(xv > zero), one, zero), x[j] > 0 ? (gl_real)1 : (gl_real)0);
    break;
  case ACT_LEAKY_RELU:
    SLOPE_RUN(lselect((lmask)(xv > zero), one, lsplat(LEAKY)), x[j] > 0 ? (gl_real)1 : LEAKY);
    break;
  case ACT_GELU: SLOPE_RUN(gelu_slope_lanes(xv), gelu_slope(x[j])); break;
  case ACT_LINEAR: SLOPE_RUN(one, (gl_real)1); break;
  }
#undef SLOPE_LOOPS
#undef SLOPE_RUN
  for (int k = 0; k < LANES; k++) {
    t += acc[k];
    ct += (int)cnt[k];
  }
  *sq = t;
  *sat = ct;
}

/* Statistics of phi'(x) over n units: sum of phi'^2 and the number below
 * 10% of the maximum slope (saturated, or dead for relu).  Blocks of 256
 * summed in float lanes (slope_run with weight 1: d * 1 is d), the blocks in
 * double: a slope is at most ~1.13 and, where not exactly 0, at least ~1e-8
 * in float (sigmoid and tanh round to their limits first), so no square
 * underflows. */
void act_slope_stats(const gl_real *x, const gl_real *y, size_t n, gl_act act, double *sum_sq,
                     long *n_sat) {
  enum { BLOCK = 256 };
  const gl_real thr = (gl_real)(0.1 * act_max_slope(act));
  double s = 0;
  long c = 0;
  for (size_t i = 0; i < n; i += BLOCK) {
    const size_t m = n - i < BLOCK ? n - i : BLOCK;
    double b;
    long cb;
    slope_run(x + i, y + i, m, act, NULL, 1, thr, &b, &cb);
    s += b;
    c += cb;
  }
  *sum_sq = s;
  *n_sat = c;
}

/* act_slope_stats where a normalisation feeds phi, over (B, C, S) units:
 * the sum of (phi'(x) w_c rr_r)^2, with w_c = gamma_c (times rstd_c for batch
 * norm) and rr_r the row's rstd (layer norm; NULL: 1), and the count of units
 * with phi' below 10% of its maximum.  A dense row (S = 1) or a conv map's
 * channel is one run in float lanes; runs add up in double, rows in order. */
void act_slope_stats_norm(const gl_real *x, const gl_real *y, int B, int C, int S, gl_act act,
                          const gl_real *w_c, const gl_real *rr_r, double *sum_sq, long *n_sat) {
  const gl_real thr = (gl_real)(0.1 * act_max_slope(act));
  const size_t F = (size_t)C * S;
  double total = 0;
  long cnt = 0;
  for (int r = 0; r < B; r++) {
    const gl_real *xr = x + (size_t)r * F, *yr = y + (size_t)r * F;
    double row = 0, sq;
    long sat;
    if (S == 1) {
      slope_run(xr, yr, (size_t)C, act, w_c, 0, thr, &sq, &sat);
      row = sq;
      cnt += sat;
    } else {
      for (int c = 0; c < C; c++) {
        slope_run(xr + (size_t)c * S, yr + (size_t)c * S, (size_t)S, act, NULL, w_c[c], thr, &sq,
                  &sat);
        row += sq;
        cnt += sat;
      }
    }
    const double rr = rr_r ? (double)rr_r[r] : 1.0;
    total += row * rr * rr;
  }
  *sum_sq = total;
  *n_sat = cnt;
}

/* rho of (B, C, S) units (kernels.h).  In blocks of 64 units (stack arrays: a
 * record allocates nothing), rows in order: per unit the sum of d over the
 * rows and the sum of d^2, in double; then the blocks' columns in unit order.
 * The same bits in every build.  A record's cost only: O(B C S). */
double act_slope_rho(const gl_real *x, const gl_real *y, int B, int C, int S, gl_act act,
                     const gl_real *w_c, const gl_real *rr_r) {
  enum { BLK = 64 };
  const size_t F = (size_t)C * S;
  double cross = 0, diag = 0, col[BLK], sq[BLK], wu[BLK];
  for (size_t u0 = 0; u0 < F; u0 += BLK) {
    const int w = F - u0 < BLK ? (int)(F - u0) : BLK;
    for (int i = 0; i < w; i++) {
      col[i] = sq[i] = 0;
      wu[i] = w_c ? (double)w_c[(u0 + i) / S] : 1.0;
    }
#define RHO_ROWS(EXPR)                                                      \
  for (int r = 0; r < B; r++) {                                             \
    const gl_real *xr = x + (size_t)r * F + u0, *yr = y + (size_t)r * F + u0; \
    const double rr = rr_r ? (double)rr_r[r] : 1.0;                         \
    (void)xr, (void)yr; /* not every slope reads both */                    \
    for (int i = 0; i < w; i++) {                                           \
      const double d = (double)(EXPR) * wu[i] * rr;                         \
      col[i] += d;                                                          \
      sq[i] += d * d;                                                       \
    }                                                                       \
  }
    /* phi' as act_backward computes it */
    switch (act) {
    case ACT_SIGMOID: RHO_ROWS(yr[i] * (1 - yr[i])); break;
    case ACT_TANH: RHO_ROWS(1 - yr[i] * yr[i]); break;
    case ACT_RELU: RHO_ROWS(xr[i] > 0 ? (gl_real)1 : (gl_real)0); break;
    case ACT_LEAKY_RELU: RHO_ROWS(xr[i] > 0 ? (gl_real)1 : LEAKY); break;
    case ACT_LINEAR: RHO_ROWS((gl_real)1); break;
    case ACT_GELU: RHO_ROWS(gelu_slope(xr[i])); break;
    }
#undef RHO_ROWS
    for (int i = 0; i < w; i++) {
      cross += col[i] * col[i];
      diag += sq[i];
    }
  }
  return B > 1 && diag > 0 ? (cross - diag) / ((B - 1) * diag) : 0;
}

/* ---- residual add ---- */

/* y = keep * x + s * f */
void residual_forward(gl_real *restrict y, const gl_real *restrict x, const gl_real *restrict f,
                      gl_real s, gl_real keep, size_t n) {
  if (keep != 0)
    for (size_t i = 0; i < n; i++) y[i] = x[i] + s * f[i];
  else
    for (size_t i = 0; i < n; i++) y[i] = s * f[i];
}

/* backward of y = keep*x + s*f: dx (+)= keep*dy, df (+)= s*dy */
void residual_backward(gl_real *restrict dx, gl_real *restrict df, const gl_real *restrict dy,
                       gl_real s, gl_real keep, size_t n, int acc_dx, int acc_df) {
  if (keep != 0) {
    if (acc_dx) for (size_t i = 0; i < n; i++) dx[i] += dy[i];
    else memcpy(dx, dy, n * sizeof(gl_real));
  }
  if (acc_df) for (size_t i = 0; i < n; i++) df[i] += s * dy[i];
  else for (size_t i = 0; i < n; i++) df[i] = s * dy[i];
}

/* dLoss/ds of y = keep*x + s*f: sum(dy * f), in order, in double */
double residual_dscale(const gl_real *restrict dy, const gl_real *restrict f, size_t n) {
  double ds = 0;
  for (size_t i = 0; i < n; i++) ds += (double)dy[i] * f[i];
  return ds;
}
