/*
 * kernels.h - the numerical kernels, in forward/backward pairs on
 * (rows, features) row-major tensors, one header for them all: the matrix
 * product, the transpose and dense layers (gemm.c), the deterministic sums
 * (sums.c), activations and residual adds (elementwise.c), losses (loss.c),
 * 3x3 convolutions and poolings (conv.c), batch and layer normalisation
 * (norm.c).
 *
 * Argument order (llm.c's): outputs first, then inputs, weights, sizes;
 * backward: the gradients it writes, then the incoming gradient, then what
 * forward saved.  acc = 0 overwrites the gradient, 1 adds into it.
 */
#ifndef GL_KERNELS_H
#define GL_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "gradlab.h"

/* A vector of N reals (GCC/Clang's generic vectors: v128 operations in
 * WebAssembly, SSE/AVX natively), with its unaligned load and store and a
 * broadcast: GL_VECTOR(v4real, 4, v4) declares the type v4real and v4load,
 * v4store, v4splat.  Each lane does what a scalar would: the same bits.
 * The broadcast is a - 0, exactly a for every a (0 + a is not: -0.0 + 0 =
 * +0), so the compiler folds the subtraction and a broadcast remains. */
#define GL_VECTOR(T, N, P)                                                                         \
  typedef gl_real T __attribute__((vector_size((N) * sizeof(gl_real)), aligned(sizeof(gl_real)))); \
  static inline T P##load(const gl_real *p) {                                                      \
    T v;                                                                                           \
    memcpy(&v, p, sizeof v);                                                                       \
    return v;                                                                                      \
  }                                                                                                \
  static inline void P##store(gl_real *p, T v) { memcpy(p, &v, sizeof v); }                        \
  static inline T P##splat(gl_real a) { return a - (T){0}; }

/* Four reals, one 128-bit vector: transpose's 4x4 blocks (gemm.c) and
 * Winograd's transforms four channels at a time (conv.c). */
GL_VECTOR(v4real, 4, v4)

/* The activation phi of a network (the setting `act`).  The settings table
 * (settings.c) stores the index of the name in its choices string
 * "sigmoid|tanh|relu|leaky_relu|linear|gelu", so the order here is that
 * string's (test_engine checks it).  Every switch over a gl_act lists every
 * case and has no default: -Werror=switch then names each place a new
 * activation still needs (docs/architecture.md, "Adding an activation"). */
typedef enum { ACT_SIGMOID, ACT_TANH, ACT_RELU, ACT_LEAKY_RELU, ACT_LINEAR, ACT_GELU } gl_act;
#define ACT_COUNT (ACT_GELU + 1)

/* C(M,N) = (acc ? C : 0) + A(M,K) B(K,N), all row-major with leading dimensions. */
void gemm_nn(int M, int N, int K, const gl_real *A, int lda, const gl_real *B, int ldb,
             gl_real *C, int ldc, int acc);
/* gemm_nn on the calling thread alone (inside a chunk of gl_parallel) */
void gemm_nn_1(int M, int N, int K, const gl_real *A, int lda, const gl_real *B, int ldb,
               gl_real *C, int ldc, int acc);
/* Columns of gemm_nn's register tile (2 vectors: 8 in WASM, 32 with AVX-512);
 * a product with fewer columns runs on its row-at-a-time edge path. */
int gemm_tile_cols(void);
/* Deterministic sums in a fixed order, the same bits in every build: sum of
 * squares, and mean and variance (about a shift, v[0]), each in float32
 * blocks of 256 added in double, a block redone in double when its float sum
 * of squares is tiny, huge or not finite. */
double sum_sq(const gl_real *v, size_t n);
void mean_var(const gl_real *v, size_t n, double *mean, double *var);
/* mean_var, and then (g != NULL) v += a * (g * cs), a block of 256 at a time
 * while it is in cache: plain SGD's update and its statistics in one pass. */
void mean_var_update(gl_real *v, size_t n, double *mean, double *var, const gl_real *g,
                     gl_real a, gl_real cs);
void transpose(gl_real *dst, const gl_real *src, int rows, int cols); /* dst (cols, rows) */

/* y (B, out) = x (B, in) W (in, out) + b */
void dense_forward(gl_real *y, const gl_real *x, const gl_real *W, const gl_real *b, int B, int in,
                   int out);
void act_forward(gl_real *y, const gl_real *x, size_t n, gl_act act);
/* dx (+)= dy * phi'(x), using y = phi(x) where that is cheaper */
void act_backward(gl_real *dx, const gl_real *dy, const gl_real *x, const gl_real *y, size_t n,
                  gl_act act, int acc);
double act_max_slope(gl_act act);
/* Over n units: sum of phi'(x)^2 and the count below 10% of the maximum slope. */
void act_slope_stats(const gl_real *x, const gl_real *y, size_t n, gl_act act, double *sum_sq,
                     long *n_sat);

/* act_slope_stats where a normalisation feeds phi, (B, C, S) units: the sum
 * of (phi'(x) w_c rr_r)^2 (w_c = gamma_c rstd_c for batch norm, gamma_c for
 * layer norm with rr_r = its rows' rstd; rr_r NULL: 1) and the saturated count. */
void act_slope_stats_norm(const gl_real *x, const gl_real *y, int B, int C, int S, gl_act act,
                          const gl_real *w_c, const gl_real *rr_r, double *sum_sq, long *n_sat);

/* How alike the slopes of phi are across the examples of a batch, over (B,
 * C, S) units with the weights of act_slope_stats_norm (w_c NULL: 1): with
 * d_ru = phi'(x_ru) w_c(u) rr_r,
 *   rho = mean over pairs r != s of mean_u d_ru d_su / mean over r of mean_u d_ru^2
 *       = (sum_u (sum_r d_ru)^2 - sum d^2) / ((B - 1) sum d^2)
 * in [-1/(B-1), 1]; 0 when every slope is 0 or B = 1.  The mean-field factor
 * by which the back-propagated gradients of two different examples stay
 * alike through this phi, relative to chi's for one example (stats.c). */
double act_slope_rho(const gl_real *x, const gl_real *y, int B, int C, int S, gl_act act,
                     const gl_real *w_c, const gl_real *rr_r);

/* y = keep * x + s * f  (keep = 1 with the shortcut, 0 without) */
void residual_forward(gl_real *y, const gl_real *x, const gl_real *f, gl_real s, gl_real keep,
                      size_t n);
/* dx (+)= keep * dy; df (+)= s * dy */
void residual_backward(gl_real *dx, gl_real *df, const gl_real *dy, gl_real s, gl_real keep,
                       size_t n, int acc_dx, int acc_df);
/* sum(dy * f) = dLoss/ds, in order, in double */
double residual_dscale(const gl_real *dy, const gl_real *f, size_t n);

/* Softmax cross-entropy (or MSE on one-hot targets) of B rows: each row's
 * loss into row_loss[0..B) (the caller sums them in row order), dlogits
 * (times scale) when non-NULL, and the number of rows whose argmax equals the
 * label in *correct. */
void softmax_xent_forward_backward(gl_real *dlogits, const gl_real *logits, const int32_t *y,
                                   int B, int C, double scale, long *correct, double *row_loss);
void mse_forward_backward(gl_real *dlogits, const gl_real *logits, const int32_t *y, int B, int C,
                          double scale, long *correct, double *row_loss);

/* ---- conv kernels (conv.c): NCHW, one buffer row = one image (C, H, W) ---- */
/* Reals of scratch conv3x3_forward/backward need for B images. */
size_t conv3x3_scratch(int B, int c_in, int c_out, int H, int W);
/* y (B, c_out, H, W) = conv3x3(x (B, c_in, H, W)) + b: stride 1, zero padding 1.
 * Weights W (c_in*9, c_out): row ci*9 + ky*3 + kx, the layout of a dense layer
 * with fan_in = 9 c_in. */
void conv3x3_forward(gl_real *y, const gl_real *x, const gl_real *W, const gl_real *b, int B,
                     int c_in, int c_out, int H, int Wd, gl_real *scratch);
/* dW, db overwritten; dx (+)= the input gradient when dx != NULL. */
void conv3x3_backward(gl_real *dx, gl_real *dW, gl_real *db, const gl_real *dy, const gl_real *x,
                      const gl_real *W, int B, int c_in, int c_out, int H, int Wd, int acc_dx,
                      gl_real *scratch);
/* dx (+)= the input gradient alone, no dW or db (the same bits as conv3x3_backward's dx) */
void conv3x3_backward_dx(gl_real *dx, const gl_real *dy, const gl_real *W, int B, int c_in,
                         int c_out, int H, int Wd, int acc_dx, gl_real *scratch);
/* y (B, C, H/2, W/2) = mean of each 2x2 window (an odd last row/column is dropped) */
void avgpool2_forward(gl_real *y, const gl_real *x, int B, int C, int H, int W);
void avgpool2_backward(gl_real *dx, const gl_real *dy, int B, int C, int H, int W, int acc);
/* y (B, C) = mean over the HW pixels of each channel of x (B, C, HW) */
void gap_forward(gl_real *y, const gl_real *x, int B, int C, int HW);
void gap_backward(gl_real *dx, const gl_real *dy, int B, int C, int HW, int acc);

/* ---- normalisation kernels (norm.c): (B, C, S) tensors, S = 1 for a dense
 * layer's features, S = H*W for a conv map; statistics per channel over the
 * batch (batch norm) or per row (layer norm); dgamma/dbeta accumulate, dx is
 * written (acc = 0) or added to (acc = 1); NULL skips an output ---- */
#define GL_NORM_EPS 1e-5
#define GL_NORM_MOMENTUM 0.1
void batchnorm_forward(gl_real *y, gl_real *mean, gl_real *rstd, gl_real *var, const gl_real *x,
                       const gl_real *gamma, const gl_real *beta, int B, int C, int S);
/* the same for channels [c0, c1) only (each channel's result is its own: the same bits) */
void batchnorm_forward_channels(gl_real *y, gl_real *mean, gl_real *rstd, gl_real *var,
                                const gl_real *x, const gl_real *gamma, const gl_real *beta, int B,
                                int C, int S, int c0, int c1);
/* its halves: the statistics of channels [c0, c1); y from given mean, rstd (row by row) */
void batchnorm_stats_channels(gl_real *mean, gl_real *rstd, gl_real *var, const gl_real *x, int B,
                              int C, int S, int c0, int c1);
void batchnorm_normalise(gl_real *y, const gl_real *x, const gl_real *gamma, const gl_real *beta,
                         const gl_real *mean, const gl_real *rstd, int B, int C, int S);
/* running mean/var: start = copy the batch's (unbiased var), else momentum 0.1;
 * run_rstd = 1/sqrt(run_var + eps) for evaluation */
void batchnorm_running_update(gl_real *run_mean, gl_real *run_var, gl_real *run_rstd,
                              const gl_real *mean, const gl_real *var, int C, double n, int start);
void batchnorm_eval_forward(gl_real *y, const gl_real *x, const gl_real *gamma, const gl_real *beta,
                            const gl_real *run_mean, const gl_real *run_rstd, int B, int C, int S);
void batchnorm_backward(gl_real *dx, gl_real *dgamma, gl_real *dbeta, const gl_real *dy,
                        const gl_real *x, const gl_real *gamma, const gl_real *mean,
                        const gl_real *rstd, int B, int C, int S, int acc);
void batchnorm_backward_channels(gl_real *dx, gl_real *dgamma, gl_real *dbeta, const gl_real *dy,
                                 const gl_real *x, const gl_real *gamma, const gl_real *mean,
                                 const gl_real *rstd, int B, int C, int S, int acc, int c0, int c1);
/* a dense layer's (S = 1) backward in halves: over all B rows dgamma, dbeta (+=)
 * and dx's coefficients a, k1, k2 (C each); then any block of rows' dx */
void batchnorm_backward_coeffs(gl_real *a, gl_real *k1, gl_real *k2, gl_real *dgamma,
                               gl_real *dbeta, const gl_real *dy, const gl_real *x,
                               const gl_real *gamma, const gl_real *mean, const gl_real *rstd, int B,
                               int C);
void batchnorm_backward_rows(gl_real *dx, const gl_real *dy, const gl_real *x, const gl_real *a,
                             const gl_real *k1, const gl_real *k2, const gl_real *mean,
                             const gl_real *rstd, int B, int C, int acc);
void layernorm_forward(gl_real *y, gl_real *mean, gl_real *rstd, const gl_real *x,
                       const gl_real *gamma, const gl_real *beta, int B, int C, int S);
void layernorm_backward(gl_real *dx, gl_real *dgamma, gl_real *dbeta, const gl_real *dy,
                        const gl_real *x, const gl_real *gamma, const gl_real *mean,
                        const gl_real *rstd, int B, int C, int S, int acc);

#endif
