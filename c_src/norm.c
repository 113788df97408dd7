/*
 * norm.c - the normalisation kernels, in forward/backward pairs: batch norm
 * (Ioffe & Szegedy 2015) and layer norm (Ba et al. 2016).
 *
 * Every tensor is (B, C, S): B rows (examples), C channels, S values per
 * channel.  A dense layer's output is (B, W, 1): a channel is a feature.  A
 * conv layer's map is (B, C, H*W), NCHW as everywhere in the engine.
 *
 *   batch norm, per channel c over the N = B*S values of c in the batch:
 *     mu_c = mean, var_c = (1/N) sum (x - mu_c)^2   (biased), rstd_c = 1/sqrt(var_c + eps)
 *     y = gamma_c * (x - mu_c) * rstd_c + beta_c
 *   evaluation mode uses the running mean and variance instead of the batch's;
 *   they follow PyTorch: r <- (1 - m) r + m * batch, m = 0.1, with the
 *   unbiased batch variance var_c * N / (N - 1).
 *   layer norm, per row r over its C*S values (like PyTorch's GroupNorm(1, C)):
 *     mu_r, var_r, rstd_r the same way; y = gamma_c * (x - mu_r) * rstd_r + beta_c
 *
 * Backward (xhat = (x - mu) * rstd, the sums over the values one mu shares):
 *   dgamma_c += sum dy * xhat;   dbeta_c += sum dy
 *   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),  g = gamma * dy
 * Batch norm's dx couples the rows (its means are over the batch); layer
 * norm's couples only the values of one row.  dx is written (acc = 0) or
 * added to (acc = 1); dgamma and dbeta are always added to (llm.c's rule:
 * the caller zeroes them once per step).  Passing NULL skips an output.
 *
 * Sums are in a fixed order, with a shift (the first value) taken out for
 * the variance: the same bits natively and in WebAssembly, on any number of
 * threads.  A dense layer's features are summed row by row, 64 features side
 * by side, in float over blocks of 64 rows that are added in double; a conv
 * map's runs and a layer-norm row in double lanes.
 */
#include <math.h>
#include <string.h>

#include "gl_internal.h"

#define FEAT_CHUNK 64 /* features summed at once when S = 1 (2 x 512 bytes of double lanes) */

/* Over a run of n values: s1 = sum (a - ka), s2 = sum (a - ka) (b - kb), in
 * double with 8 lanes added in a fixed order. */
static void run_sums(const gl_real *a, const gl_real *b, size_t n, double ka, double kb,
                     double *s1, double *s2) {
  enum { LN = 8 };
  double p[LN] = {0}, q[LN] = {0}, x1 = 0, x2 = 0;
  size_t i = 0;
  for (; i + LN <= n; i += LN)
    for (int k = 0; k < LN; k++) {
      const double u = (double)a[i + k] - ka;
      p[k] += u;
      q[k] += u * ((double)b[i + k] - kb);
    }
  for (; i < n; i++) {
    const double u = (double)a[i] - ka;
    x1 += u;
    x2 += u * ((double)b[i] - kb);
  }
  for (int k = 0; k < LN; k++) {
    x1 += p[k];
    x2 += q[k];
  }
  *s1 = x1;
  *s2 = x2;
}

/* run_sums over RUNS runs at once, a + r*stride and b + r*stride for
 * r = 0 .. RUNS-1, all of n values and the same shifts: run r gets exactly
 * run_sums' arithmetic (its own 8 double lanes, its tail first, then the
 * lanes in order), but the RUNS x 2 chains of additions are independent, so
 * the loop is not held up by the adder's latency as one run's single chain
 * is.  The lanes are GCC/Clang vectors, converted from gl_real in one step. */
#ifdef __wasm__
#define RUNS 1 /* V8 has 16 SIMD registers: 4 runs' 2 x 8 double lanes (32 v128) would spill */
#else
#define RUNS 4
#endif
typedef double vd8 __attribute__((vector_size(8 * sizeof(double)), aligned(sizeof(double))));
typedef gl_real vr8 __attribute__((vector_size(8 * sizeof(gl_real)), aligned(sizeof(gl_real))));
static inline vd8 load_vd8(const gl_real *p) {
  vr8 v;
  memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, vd8);
}
static void run_sums_rows(const gl_real *a, const gl_real *b, size_t stride, size_t n, double ka,
                          double kb, double s1[RUNS], double s2[RUNS]) {
  const vd8 kav = ka - (vd8){0}, kbv = kb - (vd8){0}; /* x - 0 is x: broadcasts */
  vd8 p[RUNS], q[RUNS];
  for (int r = 0; r < RUNS; r++) p[r] = q[r] = (vd8){0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int r = 0; r < RUNS; r++) {
      const vd8 u = load_vd8(a + r * stride + i) - kav;
      p[r] += u;
      q[r] += u * (load_vd8(b + r * stride + i) - kbv);
    }
  for (int r = 0; r < RUNS; r++) {
    const gl_real *ar = a + r * stride, *br = b + r * stride;
    double x1 = 0, x2 = 0;
    for (size_t j = i; j < n; j++) {
      const double u = (double)ar[j] - ka;
      x1 += u;
      x2 += u * ((double)br[j] - kb);
    }
    for (int k = 0; k < 8; k++) {
      x1 += p[r][k];
      x2 += q[r][k];
    }
    s1[r] = x1;
    s2[r] = x2;
  }
}

/* The dense layer's (S = 1) sums over B rows of (B, C) tensors a and b
 * (pointing at the first of nc features), rows in order:
 *   p = sum (a - fa), q = sum (a - fa) (b - fb)   in gl_real lanes over each
 *                                                 block of ROWS rows,
 *   s1 += p, s2 += q                              in double at each block's end
 * (float lanes are 4x denser than double in a vector). */
#define ROWS 64
static void rows_sums(double *restrict s1, double *restrict s2, const gl_real *restrict fa,
                      const gl_real *restrict fb, const gl_real *a, const gl_real *b, int C, int nc,
                      int B) {
  for (int r0 = 0; r0 < B; r0 += ROWS) {
    const int r1 = B - r0 < ROWS ? B : r0 + ROWS;
    gl_real p[FEAT_CHUNK] = {0}, q[FEAT_CHUNK] = {0};
    for (int r = r0; r < r1; r++) {
      const gl_real *ar = a + (size_t)r * C, *br = b + (size_t)r * C;
      for (int c = 0; c < nc; c++) {
        const gl_real u = ar[c] - fa[c];
        p[c] += u;
        q[c] += u * (br[c] - fb[c]);
      }
    }
    for (int c = 0; c < nc; c++) {
      s1[c] += p[c];
      s2[c] += q[c];
    }
  }
}

/* For channels c0 .. c0+nc-1 (nc <= FEAT_CHUNK) of (B, C, S) tensors a and b,
 * sums over the B*S values of each, k = c - c0:
 *   s1[k] = sum (a - ka[k]),  s2[k] = sum (a - ka[k]) (b - kb[k])
 * (ka, kb: gl_real values).  S = 1: rows_sums over all rows, the chunk's
 * features side by side; S > 1: each (row, channel) run with run_sums, rows
 * in order. */
static void channel_sums(const gl_real *a, const gl_real *b, const double *ka, const double *kb,
                         int B, int C, int S, int c0, int nc, double *s1, double *s2) {
  if (S == 1) {
    gl_real fa[FEAT_CHUNK], fb[FEAT_CHUNK];
    for (int c = 0; c < nc; c++) {
      fa[c] = (gl_real)ka[c];
      fb[c] = (gl_real)kb[c];
      s1[c] = s2[c] = 0;
    }
    rows_sums(s1, s2, fa, fb, a + c0, b + c0, C, nc, B);
    return;
  }
  const size_t rs = (size_t)C * S; /* from one row's run of a channel to the next row's */
  for (int c = 0; c < nc; c++) {
    double t1 = 0, t2 = 0;
    int r = 0;
    for (; r + RUNS <= B; r += RUNS) { /* RUNS rows at a time, added in row order */
      const size_t o = ((size_t)r * C + c0 + c) * S;
      double u1[RUNS], u2[RUNS];
      run_sums_rows(a + o, b + o, rs, (size_t)S, ka[c], kb[c], u1, u2);
      for (int k = 0; k < RUNS; k++) {
        t1 += u1[k];
        t2 += u2[k];
      }
    }
    for (; r < B; r++) {
      const size_t o = ((size_t)r * C + c0 + c) * S;
      double u1, u2;
      run_sums(a + o, b + o, (size_t)S, ka[c], kb[c], &u1, &u2);
      t1 += u1;
      t2 += u2;
    }
    s1[c] = t1;
    s2[c] = t2;
  }
}

/* y = gamma_c * ((x - mu) * rstd) + beta_c over one channel's run of S values */
static inline void normalise_run(gl_real *restrict y, const gl_real *restrict x, size_t S,
                                 gl_real mu, gl_real rs, gl_real g, gl_real be) {
  for (size_t s = 0; s < S; s++) y[s] = g * ((x[s] - mu) * rs) + be;
}

/* y = gamma_c * ((x - mu_c) * rstd_c) + beta_c for channels [c0, c1) of
 * (B, C, S) tensors, with per-channel mu, rstd */
static void normalise_channels(gl_real *restrict y, const gl_real *restrict x, const gl_real *mu,
                               const gl_real *rs, const gl_real *gamma, const gl_real *beta, int B,
                               int C, int S, int c0, int c1) {
  if (S == 1) {
    for (int r = 0; r < B; r++) {
      gl_real *restrict yr = y + (size_t)r * C;
      const gl_real *restrict xr = x + (size_t)r * C;
      for (int c = c0; c < c1; c++) yr[c] = gamma[c] * ((xr[c] - mu[c]) * rs[c]) + beta[c];
    }
    return;
  }
  for (int r = 0; r < B; r++)
    for (int c = c0; c < c1; c++) {
      const size_t o = ((size_t)r * C + c) * S;
      normalise_run(y + o, x + o, (size_t)S, mu[c], rs[c], gamma[c], beta[c]);
    }
}

/* ---- batch norm ---- */

/* The statistics of nc channels from their shifted sums, s1 = sum (x - k),
 * s2 = sum (x - k)^2 over N values:
 *   m1 = s1/N = mean - k,  var = s2/N - m1^2 (0 if rounding makes it < 0),
 *   mean = k + m1,  rstd = 1/sqrt(var + eps),  var saved when var != NULL.
 * Separate loops over arrays of their own, so that they vectorise (sqrt too:
 * -fno-math-errno, Makefile). */
static void stats_from_sums(gl_real *mean, gl_real *rstd, gl_real *var, const gl_real *k,
                            const double *s1, const double *s2, int nc, double N) {
  double m1[FEAT_CHUNK], vb[FEAT_CHUNK];
  for (int c0 = 0; c0 < nc; c0 += FEAT_CHUNK) {
    const int w = nc - c0 < FEAT_CHUNK ? nc - c0 : FEAT_CHUNK;
    for (int c = 0; c < w; c++) {
      m1[c] = s1[c0 + c] / N;
      const double v = s2[c0 + c] / N - m1[c] * m1[c];
      vb[c] = v > 0 ? v : 0;
    }
    for (int c = 0; c < w; c++) mean[c0 + c] = (gl_real)((double)k[c0 + c] + m1[c]);
    for (int c = 0; c < w; c++) rstd[c0 + c] = (gl_real)(1.0 / sqrt(vb[c] + GL_NORM_EPS));
    if (var)
      for (int c = 0; c < w; c++) var[c0 + c] = (gl_real)vb[c];
  }
}

/* Training mode: y (B, C, S) from the batch's own statistics; saves mean (C)
 * and rstd (C) for backward and, when var != NULL, the biased variance (C)
 * for the running statistics.  Channels [ch0, ch1) only: each channel's
 * numbers are its own sums, so the engine's threads can take channels apart
 * (passes.c) and every channel gets the bits a whole call gives it. */
void batchnorm_forward_channels(gl_real *y, gl_real *mean, gl_real *rstd, gl_real *var,
                                const gl_real *x, const gl_real *gamma, const gl_real *beta, int B,
                                int C, int S, int ch0, int ch1) {
  batchnorm_stats_channels(mean, rstd, var, x, B, C, S, ch0, ch1);
  normalise_channels(y, x, mean, rstd, gamma, beta, B, C, S, ch0, ch1);
}

/* batchnorm_forward's first half: mean, rstd (and var) of channels [ch0, ch1). */
void batchnorm_stats_channels(gl_real *mean, gl_real *rstd, gl_real *var, const gl_real *x, int B,
                              int C, int S, int ch0, int ch1) {
  const double N = (double)B * S;
  for (int c0 = ch0; c0 < ch1; c0 += FEAT_CHUNK) {
    const int nc = ch1 - c0 < FEAT_CHUNK ? ch1 - c0 : FEAT_CHUNK;
    double kd[FEAT_CHUNK], s1[FEAT_CHUNK], s2[FEAT_CHUNK];
    gl_real k[FEAT_CHUNK];
    /* shift: channel c's first value, so that var keeps its digits next to a large mean */
    for (int c = 0; c < nc; c++) kd[c] = k[c] = x[(size_t)(c0 + c) * S];
    channel_sums(x, x, kd, kd, B, C, S, c0, nc, s1, s2);
    stats_from_sums(mean + c0, rstd + c0, var ? var + c0 : NULL, k, s1, s2, nc, N);
  }
}

/* Its second half, y = gamma_c (x - mean_c) rstd_c + beta_c with given
 * per-channel mean and rstd: row by row, so any block of rows on its own. */
void batchnorm_normalise(gl_real *y, const gl_real *x, const gl_real *gamma, const gl_real *beta,
                         const gl_real *mean, const gl_real *rstd, int B, int C, int S) {
  normalise_channels(y, x, mean, rstd, gamma, beta, B, C, S, 0, C);
}

void batchnorm_forward(gl_real *y, gl_real *mean, gl_real *rstd, gl_real *var, const gl_real *x,
                       const gl_real *gamma, const gl_real *beta, int B, int C, int S) {
  batchnorm_forward_channels(y, mean, rstd, var, x, gamma, beta, B, C, S, 0, C);
}

/* Running statistics after a training batch of n values per channel: start
 * (first batch) copies the batch's mean and unbiased variance, later batches
 * are mixed in with momentum 0.1, as PyTorch's BatchNorm does; run_rstd =
 * 1/sqrt(run_var + eps), what evaluation multiplies by. */
void batchnorm_running_update(gl_real *restrict run_mean, gl_real *restrict run_var,
                              gl_real *restrict run_rstd, const gl_real *restrict mean,
                              const gl_real *restrict var, int C, double n, int start) {
  const double m = GL_NORM_MOMENTUM, unb = n > 1 ? n / (n - 1) : 1;
  for (int c = 0; c < C; c++) {
    const double v = (double)var[c] * unb;
    run_mean[c] = (gl_real)(start ? mean[c] : (1 - m) * run_mean[c] + m * mean[c]);
    run_var[c] = (gl_real)(start ? v : (1 - m) * run_var[c] + m * v);
    run_rstd[c] = (gl_real)(1.0 / sqrt((double)run_var[c] + GL_NORM_EPS));
  }
}

/* Evaluation mode: y = gamma_c (x - run_mean_c) run_rstd_c + beta_c, with
 * run_rstd = 1/sqrt(run_var + eps) (batchnorm_running_update).  Each row on
 * its own, so any block of rows can run on its own thread. */
void batchnorm_eval_forward(gl_real *y, const gl_real *x, const gl_real *gamma, const gl_real *beta,
                            const gl_real *run_mean, const gl_real *run_rstd, int B, int C, int S) {
  batchnorm_normalise(y, x, gamma, beta, run_mean, run_rstd, B, C, S);
}

/* sdy = sum dy and sdyx = sum dy (x - mu) over the B*S values of each of
 * channels c0 .. c0+nc-1 (nc <= FEAT_CHUNK): what backward's dgamma, dbeta
 * and dx coefficients are made of. */
static void dy_sums(const gl_real *dy, const gl_real *x, const gl_real *mean, int B, int C, int S,
                    int c0, int nc, double *sdy, double *sdyx) {
  double zero[FEAT_CHUNK], mu[FEAT_CHUNK];
  for (int c = 0; c < nc; c++) {
    zero[c] = 0;
    mu[c] = mean[c0 + c];
  }
  channel_sums(dy, x, zero, mu, B, C, S, c0, nc, sdy, sdyx);
}

/* From sdy = sum dy and sdyx = sum dy (x - mu) over N values of each of nc
 * channels (sum dy xhat = rstd sdyx):
 *   dgamma += rstd sdyx,  dbeta += sdy            (NULL: skipped)
 *   dx = a (dy - k1 - xhat k2),  a = gamma rstd,  k1 = sdy/N,  k2 = rstd sdyx/N */
static void grads_from_sums(gl_real *dgamma, gl_real *dbeta, gl_real *a, gl_real *k1, gl_real *k2,
                            const double *sdy, const double *sdyx, const gl_real *gamma,
                            const gl_real *rstd, int nc, double N) {
  for (int c = 0; c < nc; c++) {
    const double rs = rstd[c], dg = sdyx[c] * rs;
    if (dgamma) dgamma[c] += (gl_real)dg;
    if (dbeta) dbeta[c] += (gl_real)sdy[c];
    a[c] = (gl_real)(gamma[c] * rs);
    k1[c] = (gl_real)(sdy[c] / N);
    k2[c] = (gl_real)(dg / N);
  }
}

/* dx (+)= a (dy - k1 - ((x - mean) rstd) k2) over B rows of a dense layer's
 * (S = 1) nc features (row stride C; the pointers at the first feature). */
static void dx_rows(gl_real *dx, const gl_real *dy, const gl_real *x, const gl_real *a,
                    const gl_real *k1, const gl_real *k2, const gl_real *mean, const gl_real *rstd,
                    int C, int nc, int B, int acc) {
  for (int r = 0; r < B; r++) {
    gl_real *restrict d = dx + (size_t)r * C;
    const gl_real *restrict g = dy + (size_t)r * C, *restrict xv = x + (size_t)r * C;
    if (acc)
      for (int c = 0; c < nc; c++) d[c] += a[c] * (g[c] - k1[c] - ((xv[c] - mean[c]) * rstd[c]) * k2[c]);
    else
      for (int c = 0; c < nc; c++) d[c] = a[c] * (g[c] - k1[c] - ((xv[c] - mean[c]) * rstd[c]) * k2[c]);
  }
}

/* backward of training-mode batch norm (the batch's mean and rstd):
 *   dgamma_c += sum dy xhat;  dbeta_c += sum dy
 *   dx (+)= gamma_c rstd_c (dy - sum(dy)/N - xhat sum(dy xhat)/N)
 * The sums are over every row: each row's dx depends on all of them; each
 * channel's only on its own, so channels [ch0, ch1) can go to one thread. */
void batchnorm_backward_channels(gl_real *dx, gl_real *dgamma, gl_real *dbeta, const gl_real *dy,
                                 const gl_real *x, const gl_real *gamma, const gl_real *mean,
                                 const gl_real *rstd, int B, int C, int S, int acc, int ch0,
                                 int ch1) {
  const double N = (double)B * S;
  for (int c0 = ch0; c0 < ch1; c0 += FEAT_CHUNK) {
    const int nc = ch1 - c0 < FEAT_CHUNK ? ch1 - c0 : FEAT_CHUNK;
    double sdy[FEAT_CHUNK], sdyx[FEAT_CHUNK];
    dy_sums(dy, x, mean, B, C, S, c0, nc, sdy, sdyx);
    gl_real k1[FEAT_CHUNK], k2[FEAT_CHUNK], a[FEAT_CHUNK];
    grads_from_sums(dgamma ? dgamma + c0 : NULL, dbeta ? dbeta + c0 : NULL, a, k1, k2, sdy, sdyx,
                    gamma + c0, rstd + c0, nc, N);
    if (!dx) continue;
    if (S == 1) { /* a dense layer: the chunk's features side by side */
      dx_rows(dx + c0, dy + c0, x + c0, a, k1, k2, mean + c0, rstd + c0, C, nc, B, acc);
      continue;
    }
    for (int r = 0; r < B; r++)
      for (int c = 0; c < nc; c++) {
        const size_t o = ((size_t)r * C + c0 + c) * S;
        const gl_real m = mean[c0 + c], rs = rstd[c0 + c];
        gl_real *restrict d = dx + o;
        const gl_real *restrict g = dy + o, *restrict xv = x + o;
        if (acc)
          for (int s = 0; s < S; s++) d[s] += a[c] * (g[s] - k1[c] - ((xv[s] - m) * rs) * k2[c]);
        else
          for (int s = 0; s < S; s++) d[s] = a[c] * (g[s] - k1[c] - ((xv[s] - m) * rs) * k2[c]);
      }
  }
}

void batchnorm_backward(gl_real *dx, gl_real *dgamma, gl_real *dbeta, const gl_real *dy,
                        const gl_real *x, const gl_real *gamma, const gl_real *mean,
                        const gl_real *rstd, int B, int C, int S, int acc) {
  batchnorm_backward_channels(dx, dgamma, dbeta, dy, x, gamma, mean, rstd, B, C, S, acc, 0, C);
}

/* A dense layer's (S = 1) batch norm backward in two halves, for blocks of
 * rows on several threads (passes.c): first, over all B rows, dgamma and
 * dbeta (+=) and the coefficients of dx, a = gamma rstd, k1 = sum(dy)/B,
 * k2 = sum(dy xhat)/B (C each); then, any block of rows on its own,
 *   dx (+)= a (dy - k1 - xhat k2).
 * The same arithmetic as batchnorm_backward: the same bits. */
void batchnorm_backward_coeffs(gl_real *a, gl_real *k1, gl_real *k2, gl_real *dgamma,
                               gl_real *dbeta, const gl_real *dy, const gl_real *x,
                               const gl_real *gamma, const gl_real *mean, const gl_real *rstd, int B,
                               int C) {
  for (int c0 = 0; c0 < C; c0 += FEAT_CHUNK) {
    const int nc = C - c0 < FEAT_CHUNK ? C - c0 : FEAT_CHUNK;
    double sdy[FEAT_CHUNK], sdyx[FEAT_CHUNK];
    dy_sums(dy, x, mean, B, C, 1, c0, nc, sdy, sdyx);
    grads_from_sums(dgamma + c0, dbeta + c0, a + c0, k1 + c0, k2 + c0, sdy, sdyx, gamma + c0,
                    rstd + c0, nc, (double)B);
  }
}

void batchnorm_backward_rows(gl_real *dx, const gl_real *dy, const gl_real *x, const gl_real *a,
                             const gl_real *k1, const gl_real *k2, const gl_real *mean,
                             const gl_real *rstd, int B, int C, int acc) {
  dx_rows(dx, dy, x, a, k1, k2, mean, rstd, C, C, B, acc);
}

/* ---- layer norm ---- */

/* y (B, C, S): each row normalised by its own mean and variance over its C*S
 * values, then gamma_c, beta_c per channel; saves mean (B) and rstd (B). */
void layernorm_forward(gl_real *y, gl_real *mean, gl_real *rstd, const gl_real *x,
                       const gl_real *gamma, const gl_real *beta, int B, int C, int S) {
  const size_t F = (size_t)C * S;
  for (int r = 0; r < B; r++) {
    const gl_real *xr = x + (size_t)r * F;
    gl_real *yr = y + (size_t)r * F;
    double s1, s2;
    run_sums(xr, xr, F, xr[0], xr[0], &s1, &s2);
    const double m1 = s1 / (double)F, v = s2 / (double)F - m1 * m1;
    const gl_real mu = (gl_real)(xr[0] + m1), rs = (gl_real)(1.0 / sqrt((v > 0 ? v : 0) + GL_NORM_EPS));
    mean[r] = mu;
    rstd[r] = rs;
    if (S == 1)
      for (int c = 0; c < C; c++) yr[c] = gamma[c] * ((xr[c] - mu) * rs) + beta[c];
    else
      for (int c = 0; c < C; c++)
        normalise_run(yr + (size_t)c * S, xr + (size_t)c * S, (size_t)S, mu, rs, gamma[c], beta[c]);
  }
}

/* backward of layer norm with the rows' saved mean and rstd:
 *   dx (+)= rstd_r (g - mean_r(g) - xhat mean_r(g xhat)),  g = gamma_c dy  (row by row)
 *   dgamma_c += sum over rows and S of dy xhat;  dbeta_c += sum dy      (over all B rows)
 * The engine calls it twice: dx per block of rows on the helper threads
 * (dgamma = dbeta = NULL), then dgamma/dbeta over the whole batch on one
 * thread (dx = NULL), so that no sum over rows is ever cut. */
void layernorm_backward(gl_real *dx, gl_real *dgamma, gl_real *dbeta, const gl_real *dy,
                        const gl_real *x, const gl_real *gamma, const gl_real *mean,
                        const gl_real *rstd, int B, int C, int S, int acc) {
  const size_t F = (size_t)C * S;
  if (dx)
    for (int r = 0; r < B; r++) {
      const gl_real *g = dy + (size_t)r * F, *xr = x + (size_t)r * F;
      const double mu = mean[r];
      double t1 = 0, t2 = 0; /* sum gamma dy, sum gamma dy (x - mu) */
      for (int c = 0; c < C; c++) {
        double u1, u2;
        if (S == 1) {
          u1 = g[c];
          u2 = u1 * ((double)xr[c] - mu);
        } else {
          run_sums(g + (size_t)c * S, xr + (size_t)c * S, (size_t)S, 0, mu, &u1, &u2);
        }
        t1 += (double)gamma[c] * u1;
        t2 += (double)gamma[c] * u2;
      }
      const gl_real rs = rstd[r], m = mean[r];
      const gl_real k1 = (gl_real)(t1 / (double)F), k2 = (gl_real)(t2 * rs / (double)F);
      gl_real *restrict d = dx + (size_t)r * F;
      for (int c = 0; c < C; c++) {
        const gl_real gc = gamma[c];
        const size_t o = (size_t)c * S;
        if (acc)
          for (int s = 0; s < S; s++)
            d[o + s] += rs * (gc * g[o + s] - k1 - ((xr[o + s] - m) * rs) * k2);
        else
          for (int s = 0; s < S; s++)
            d[o + s] = rs * (gc * g[o + s] - k1 - ((xr[o + s] - m) * rs) * k2);
      }
    }
  if (!dgamma && !dbeta) return;
  /* per channel over every row: sum dy and sum dy (x - mu_r) rstd_r */
  for (int c0 = 0; c0 < C; c0 += FEAT_CHUNK) {
    const int nc = C - c0 < FEAT_CHUNK ? C - c0 : FEAT_CHUNK;
    double sdy[FEAT_CHUNK] = {0}, sdyx[FEAT_CHUNK] = {0};
    for (int r = 0; r < B; r++) {
      const double mu = mean[r], rs = rstd[r];
      const gl_real *g = dy + (size_t)r * F, *xr = x + (size_t)r * F;
      for (int c = 0; c < nc; c++) {
        double u1, u2;
        const size_t o = (size_t)(c0 + c) * S;
        if (S == 1) {
          u1 = g[o];
          u2 = u1 * ((double)xr[o] - mu);
        } else {
          run_sums(g + o, xr + o, (size_t)S, 0, mu, &u1, &u2);
        }
        sdy[c] += u1;
        sdyx[c] += u2 * rs;
      }
    }
    for (int c = 0; c < nc; c++) {
      if (dgamma) dgamma[c0 + c] += (gl_real)sdyx[c];
      if (dbeta) dbeta[c0 + c] += (gl_real)sdy[c];
    }
  }
}
