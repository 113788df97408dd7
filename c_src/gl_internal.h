/*
 * gl_internal.h - what the engine's own files share: the settings record,
 * the RNG, the kernels (forward/backward pairs) and the network layout.
 * Nothing here is part of the public API (see gradlab.h).
 */
#ifndef GL_INTERNAL_H
#define GL_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include "gradlab.h"

#define GL_ERRMSG_LEN 256

/* ---- settings (one record; the table in settings.c describes every field) ---- */
enum { ACT_SIGMOID, ACT_TANH, ACT_RELU, ACT_LEAKY_RELU, ACT_LINEAR, ACT_GELU, ACT_COUNT };
enum { INIT_XAVIER, INIT_HE, INIT_NORMAL, INIT_ORTHOGONAL };
enum { OPT_SGD, OPT_MOMENTUM, OPT_ADAM };
enum { LOSS_XENT, LOSS_MSE };
enum { DATA_SPIRAL, DATA_CIRCLES, DATA_XOR, DATA_GAUSS, DATA_CSV, DATA_DIGITS };
enum { MODEL_DENSE, MODEL_CONV };
enum { FORM_PRE, FORM_POST };
enum { ARCHSET_PLAIN, ARCHSET_RESIDUAL, ARCHSET_BOTH };
enum { SCALE_VALUE, SCALE_INVSQRT, SCALE_REZERO };
enum { NORM_NONE, NORM_BATCH, NORM_LAYER };

typedef struct {
  int model;          /* MODEL_* */
  int arch;           /* ARCHSET_* */
  int form;           /* FORM_* */
  int depth, width, block;
  int blocks, channels, pool; /* model = conv: residual blocks, channels, 2x2 poolings */
  int norm;           /* NORM_* */
  int act, init;
  double init_std;
  int res_scale_kind; /* SCALE_* */
  double res_scale;   /* value when SCALE_VALUE */
  int loss, optimizer;
  double lr, momentum;
  int batch;          /* 0 = full batch */
  double clip;        /* 0 = off */
  uint32_t seed;
  int data, points;
  double noise;
  uint32_t data_seed;
  int standardize;
  int record_every;
  int steps;
} gl_settings;

struct gl_config {
  gl_settings s;
  char *csv;          /* owned copy of the CSV text, or NULL */
  size_t csv_len;
  unsigned char *digits[2]; /* owned copies of the digits files (GL_SPLIT_TRAIN/TEST), or NULL */
  size_t digits_len[2];
  char *json;         /* gl_config_json's buffer */
  char errmsg[GL_ERRMSG_LEN];
};

void gl_seterr(char *dst, const char *fmt, ...);

/* ---- RNG: PCG32 (O'Neill 2014), identical on every platform ---- */
typedef struct { uint64_t state, inc; } gl_rng;
void gl_rng_seed(gl_rng *r, uint64_t seed, uint64_t stream);
uint32_t gl_rng_u32(gl_rng *r);
double gl_rng_uniform(gl_rng *r);   /* [0, 1) with 53 random bits */
double gl_rng_normal(gl_rng *r);    /* N(0, 1), Box-Muller */
uint32_t gl_rng_below(gl_rng *r, uint32_t n);

/* ---- data ---- */
typedef struct {
  int n, d, classes;
  int h, w;     /* image data: d = h*w (one channel); 0 otherwise */
  gl_real *x;   /* (n, d) */
  int32_t *y;   /* (n) */
} gl_dataset;
/* Counts rows/columns of CSV text (first pass) or fills x/y (second pass, x/y
 * non-NULL).  Returns GL_OK or GL_EDATA with a message naming the line. */
int gl_csv_scan(const char *text, size_t len, int *n, int *d, int *classes, gl_real *x, int32_t *y,
                char *err);
void gl_make_builtin(int kind, int n, double noise, uint32_t seed, gl_real *x, int32_t *y);
void gl_standardize(gl_real *x, int n, int d);
/* Standardises x (n, d) by its own per-feature mean and std, and x2 (n2, d)
 * by the same numbers (the test split by the training split's statistics). */
void gl_standardize2(gl_real *x, int n, gl_real *x2, int n2, int d);
/* Checks a digits file (docs/data.md) and reads its header: GL_OK or GL_EDATA
 * with a message; with x/y non-NULL also fills x (n, h*w) with pixels/255 and y. */
int gl_digits_scan(const unsigned char *b, size_t len, int *n, int *h, int *w, int *classes,
                   gl_real *x, int32_t *y, char *err);

/* ---- helper threads (pool.c) ---- */
#define GL_MAX_THREADS 8
typedef void (*gl_chunk_fn)(void *ctx, int chunk, int thread);
/* Runs fn(ctx, chunk, thread) for chunk = 0..n-1 on up to gl_threads_get()
 * threads (thread: 0 the caller, 1.. the helpers, < gl_threads_max()) and
 * returns when all are done.  Called from inside a chunk, it runs serially. */
void gl_parallel(int n, gl_chunk_fn fn, void *ctx);

/* ---- kernels: forward/backward pairs on (rows, features) row-major tensors ---- */
/* C(M,N) = (acc ? C : 0) + A(M,K) B(K,N), all row-major with leading dimensions. */
void gemm_nn(int M, int N, int K, const gl_real *A, int lda, const gl_real *B, int ldb,
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
void act_forward(gl_real *y, const gl_real *x, size_t n, int act);
/* dx (+)= dy * phi'(x), using y = phi(x) where that is cheaper */
void act_backward(gl_real *dx, const gl_real *dy, const gl_real *x, const gl_real *y, size_t n,
                  int act, int acc);
double act_max_slope(int act);
/* Over n units: sum of phi'(x)^2 and the count below 10% of the maximum slope. */
void act_slope_stats(const gl_real *x, const gl_real *y, size_t n, int act, double *sum_sq,
                     long *n_sat);

/* act_slope_stats where a normalisation feeds phi, (B, C, S) units: the sum
 * of (phi'(x) w_c rr_r)^2 (w_c = gamma_c rstd_c for batch norm, gamma_c for
 * layer norm with rr_r = its rows' rstd; rr_r NULL: 1) and the saturated count. */
void act_slope_stats_norm(const gl_real *x, const gl_real *y, int B, int C, int S, int act,
                          const gl_real *w_c, const gl_real *rr_r, double *sum_sq, long *n_sat);

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
void batchnorm_running_update(gl_real *run_mean, gl_real *run_var, const gl_real *mean,
                              const gl_real *var, int C, double n, int start);
void batchnorm_eval_forward(gl_real *y, const gl_real *x, const gl_real *gamma, const gl_real *beta,
                            const gl_real *run_mean, const gl_real *run_var, gl_real *rs, int B,
                            int C, int S);
void batchnorm_backward(gl_real *dx, gl_real *dgamma, gl_real *dbeta, const gl_real *dy,
                        const gl_real *x, const gl_real *gamma, const gl_real *mean,
                        const gl_real *rstd, int B, int C, int S, int acc);
void layernorm_forward(gl_real *y, gl_real *mean, gl_real *rstd, const gl_real *x,
                       const gl_real *gamma, const gl_real *beta, int B, int C, int S);
void layernorm_backward(gl_real *dx, gl_real *dgamma, gl_real *dbeta, const gl_real *dy,
                        const gl_real *x, const gl_real *gamma, const gl_real *mean,
                        const gl_real *rstd, int B, int C, int S, int acc);

/* ---- the network ---- */
enum { OP_LIN, OP_ACT, OP_ADD, OP_CONV, OP_POOL, OP_GAP, OP_NORM };
typedef struct {
  int type;
  int in, in2, out;   /* buffer indices (in2: the branch of OP_ADD) */
  int layer;          /* OP_LIN, OP_CONV: 0-based layer; OP_ADD: block index; OP_NORM: norm index */
  int c, h, w;        /* OP_POOL, OP_GAP: channels and map size of the input */
  unsigned char acc_in, acc_in2; /* backward adds into in's (in2's) gradient: another op wrote it first */
} gl_op;

typedef struct {
  gl_real *v, *g;     /* (cap, n) values and gradients */
  int n;
} gl_buf;

typedef struct {
  int in, out;        /* dense: fan_in, fan_out; conv: 9*c_in, c_out (W is (in, out) either way) */
  int k2;             /* kernel area: 1 dense, 9 conv (xavier's fan_out = k2 * out) */
  int h, w;           /* conv: map size */
  size_t w_off, b_off; /* offsets into params/grads/opt state */
  int in_buf, out_buf;
  int act_pre;        /* buffer fed to the phi that consumes this layer's output (-1: none) */
  int act_post;       /* that phi's output */
  int in_pre;         /* buffer whose phi produced this layer's input (-1: the input x) */
  int in_from;        /* the layer whose act_pre is in_pre (-1: none) */
  int norm;           /* the normalisation on this layer's way out (index into norms, -1: none) */
  int act_norm;       /* the normalisation whose output is act_pre (-1: none): chi's gamma*rstd */
  size_t g_off;       /* norm >= 0: gamma (channels), then beta (channels), after the bias */
} gl_layer;

/* One normalisation op: layer `layer`'s output (rows, C, S) -> (rows, C, S).
 * Batch norm keeps mean, rstd, var of the training batch and the running
 * mean and variance (C each); layer norm keeps mean and rstd per row (cap
 * each); both have C reals of scratch (rs). */
typedef struct {
  int layer, C, S;
  gl_real *mean, *rstd, *var, *run_mean, *run_var, *rs;
} gl_norm;

#define GL_NAME_LEN 24

struct gl_net {
  gl_settings s;
  int arch;           /* GL_ARCH_PLAIN / GL_ARCH_RESIDUAL */
  int keep_shortcut;  /* 1 normally; 0 in the test that removes shortcuts */
  int n_layers, n_blocks, n_ops, n_bufs;
  size_t n_features;  /* summed over buffers: the activation memory per row */
  int B, cap;         /* training rows per step; rows the buffers hold */
  gl_layer *layers;
  gl_op *ops;
  gl_buf *bufs;
  char (*names)[GL_NAME_LEN];
  gl_norm *norms;     /* n_norms normalisation ops (norm != none) */
  int n_norms;
  size_t n_norm_state;     /* reals of their saved and running statistics */
  gl_real *norm_state;
  int norm_eval;           /* forward in evaluation mode: batch norm uses its running statistics */
  int norm_update;         /* a training forward updates the running statistics (net.c) */
  int norm_started;        /* the running statistics hold a batch's (the first training step's) */
  gl_dataset data;
  gl_dataset test;    /* held-out split (digits), n = 0 without one */
  gl_real *batch_x;   /* (cap, d) */
  int32_t *batch_y;   /* (cap) */
  int32_t *perm;      /* (n) epoch order for mini-batches */
  int perm_pos;
  size_t n_params;
  gl_real *params, *grads, *m1, *m2; /* one layout: [W_1 b_1 ... W_L+2 b_L+2 alpha_1..alpha_nb] */
  size_t alpha_off;
  gl_real *scratch;
  size_t n_scratch;        /* reals of scratch: the most a conv layer's kernels need */
  unsigned char *written;  /* per buffer, at create: its gradient has a writer (plan_passes) */
  gl_real *tscratch;       /* per thread (gl_threads_max()): transposes of dense layers' blocks */
  size_t ts_each;
  double *row_loss;        /* (cap) each row's loss, summed in row order */
  int row_align;           /* rows of a block of the threaded passes: a multiple of this (net.c) */
  double *layer_sumsq;     /* per layer: ||dW||^2 of the current step */
  double *bias_sumsq;      /* per layer: ||db||^2 of the current step */
  double *norm_sumsq;      /* per layer: ||dgamma||^2 + ||dbeta||^2 of its normalisation (0: none) */
  double *gamma_sumsq;     /* per layer: ||dgamma||^2 */
  double *rec;             /* GL_N_FIELDS x n_layers: the last record */
  double *work;            /* n_layers + 1 doubles of scratch for statistics */
  long rec_step;
  double rec_loss, rec_acc;
  double rec_test_loss, rec_test_acc; /* on the test split; -1 without one */
  double scale_value;      /* fixed residual scale */
  gl_rng rng_batch;
  long t;                  /* updates done */
  int status;
  long div_step;
  int div_layer;
  const char *div_where;
  size_t bytes;
  void *mem;
  char errmsg[GL_ERRMSG_LEN];
};

int gl_create_ex(gl_config *cfg, int arch, int keep_shortcut, gl_net **out);
/* One forward pass over rows [0, rows) of in_x; returns the summed loss. */
/* One forward pass over `rows` rows of x (copied into the input buffer).  With
 * y: returns the summed loss and counts correct rows; with want_grad also
 * writes dLoss/dlogits (mean over rows).  Without y: logits only. */
double gl_forward(gl_net *net, const gl_real *x, const int32_t *y, int rows, long *correct,
                  int want_grad);
/* All gradients of the rows gl_forward just ran, and per layer ||dW||^2
 * (layer_sumsq) and ||db||^2 (bias_sumsq). */
void gl_backward(gl_net *net, int rows);
gl_real gl_block_scale(const gl_net *net, int block);

/* optimiser (optim.c): one flat pass; fills per-layer update statistics */
void gl_optim_step(gl_net *net, double clip_scale, double *upd_sumsq, double *w_var,
                   double *w_mean);

#endif
