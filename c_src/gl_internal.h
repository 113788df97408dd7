/*
 * gl_internal.h - what the engine's own files share: the settings record,
 * the RNG, the data sets, the helper threads, the network layout and the
 * functions the network's files (net.c graph.c init.c passes.c stats.c
 * step.c optim.c api.c) call in one another.  The kernels' prototypes are in
 * kernels.h.  Nothing here is part of the public API (see gradlab.h).
 */
#ifndef GL_INTERNAL_H
#define GL_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include "gradlab.h"
#include "kernels.h"

#define GL_ERRMSG_LEN 256

/* ---- settings (one record; the table in settings.c describes every field) ---- */
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
  gl_act act;         /* kernels.h: the index of its name in the table's choices */
  int init;
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
  char value[64];     /* gl_config_get's buffer */
  int errcode;        /* result code of the last call on cfg (gl_config_errcode) */
  char errmsg[GL_ERRMSG_LEN]; /* its message; empty after a success */
};

/* Writes a message (printf-style, cut at GL_ERRMSG_LEN) into dst, a handle's errmsg (err.c). */
void gl_seterr(char *dst, const char *fmt, ...);
/* The end of every public call on a handle that returns a code: records rc
 * as the handle's code (SQLite's way); a success clears the message, a
 * failure keeps the one written with it.  Returns rc. */
int gl_config_result(gl_config *cfg, int rc);

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

/* ---- the network ---- */
/* The op types of a network's list (graph.c).  Every switch over one lists
 * every type and has no default: -Wswitch (in -Wall) then names the pass
 * that a new type forgets. */
typedef enum {
  OP_LIN,   /* dense layer: out = in W + b */
  OP_ACT,   /* out = phi(in) */
  OP_ADD,   /* residual add: out = keep * in + a * in2 */
  OP_CONV,  /* 3x3 convolution, stride 1, zero padding 1 */
  OP_POOL,  /* 2x2 average pooling */
  OP_GAP,   /* global average pooling: (C, H, W) -> (C) */
  OP_NORM   /* batch or layer normalisation of a layer's output (norm.c) */
} gl_op_type;

typedef struct {
  gl_op_type type;
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
 * mean, variance and 1/sqrt(variance + eps) (C each), and backward's
 * coefficients of dx (a, k1, k2: C each, passes.c); layer norm keeps mean and
 * rstd per row (cap each); both have C reals of scratch (rs). */
typedef struct {
  int layer, C, S;
  gl_real *mean, *rstd, *var, *run_mean, *run_var, *run_rstd, *rs;
  gl_real *ca, *ck1, *ck2;
} gl_norm;

/* One residual block's place in the op list (blocks.c, wired at create).
 * The trunk runs h_in -> [the add: sum = keep*h_in + a*branch(h_in)] -> h_out,
 * where h_out is the sum itself (dense pre), pool(sum) (conv pre, a block
 * that ends a stage), phi(sum) (post) or phi(pool(sum)) (conv post, ending a
 * stage).  h_in is read by two ops: the add (the shortcut) and branch_op, the
 * branch's first op; backward, each passes its own part of dL/dh_in back. */
typedef struct {
  int add_op;         /* the block's OP_ADD */
  int branch_op;      /* the branch's first op (OP_ACT or OP_NORM in pre form, OP_LIN or OP_CONV in post) */
  int h_in, sum, h_out; /* buffers: the block's input, the add's output, the block's output */
  int first_layer, last_layer; /* 0-based layers inside the block */
} gl_block;

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
  int norm_update;         /* a training forward updates the running statistics (step.c) */
  int norm_started;        /* the running statistics hold a batch's: 0 not yet, 1 a measurement's
                              (provisional: the step that trains on that batch starts them again,
                              so measuring first changes no bit), 2 a training step's */
  gl_dataset data;
  gl_dataset test;    /* held-out split (digits), n = 0 without one */
  gl_real *batch_x;   /* (cap, d) the step's mini-batch (step.c's next_batch only) */
  int32_t *batch_y;   /* (cap) */
  int batch_held;     /* batch_x/y hold the batch a measurement drew: the next step trains on it */
  gl_real *grid_x;    /* (cap, 2) the decision boundary's grid points (api.c); NULL unless d = 2 */
  int32_t *perm;      /* (n) epoch order for mini-batches */
  int perm_pos;
  size_t n_params;
  gl_real *params, *grads, *m1, *m2; /* one layout: [W_1 b_1 (gamma_1 beta_1) ... W_L+2 b_L+2
                                         alpha_1..alpha_nb]; gamma/beta where a layer has a norm */
  size_t alpha_off;
  gl_real *scratch;
  size_t n_scratch;        /* reals of scratch: the most a conv layer's kernels need */
  /* residual blocks (blocks.c): their wiring, the record's per-block factors and the area a
   * branch's own part of dL/dh_in is computed in (one per thread for a dense net, one for conv) */
  gl_block *blocks;        /* n_blocks */
  double *rec_block;       /* GL_N_BLOCK_FIELDS x n_blocks: the last record's per-block factors */
  double rec_stem, rec_head; /* its stem_factor and head_factor (-1 for a plain net) */
  double *blk_trunk;       /* n_blocks + 1: ||dL/dh|| at each block's input, and the last one's output */
  gl_real *bscratch;
  size_t bs_each;          /* reals per area: rows x the block input's features, + 2 x channels */
  unsigned char *written;  /* per buffer, at create: its gradient has a writer (plan_passes) */
  gl_real *tscratch;       /* per thread (gl_threads_max()): transposes of dense layers' blocks */
  size_t ts_each;
  double *row_loss;        /* (cap) each row's loss, summed in row order */
  int row_align;           /* rows of a block of the threaded passes: a multiple of this (graph.c) */
  double *layer_sumsq;     /* per layer: ||dW||^2 of the current step */
  double *bias_sumsq;      /* per layer: ||db||^2 of the current step */
  double *norm_sumsq;      /* per layer: ||dgamma||^2 + ||dbeta||^2 of its normalisation (0: none) */
  double *gamma_sumsq;     /* per layer: ||dgamma||^2 */
  double *rec;             /* GL_N_FIELDS x n_layers: the last record */
  double *work;            /* 7 n_layers + 1 doubles of scratch for a record (nl = n_layers):
                              [0, nl]       act_grad_norm, [0] of dL/dx (stats.c), then
                                            W's mean per layer (step.c: wmean)
                              nl+1 ..       mean phi'^2 of the phi after each layer (chi)
                              2nl+1 ..      ||delta W||^2 per layer (step.c: upd)
                              3nl+1 ..      var(W) per layer (step.c: wvar)
                              4nl+1 ..      rho of the phi after each layer
                              5nl+1 ..      the weight-gradient law's per-example sums D_l
                              6nl+1 .. 7nl  and its cross-example sums O_l (stats.c) */
  long rec_step;
  double rec_loss, rec_acc;
  int rec_dead;            /* the record's every weight gradient underflows (gl_record_dead) */
  long dead_step;          /* the first recorded step with rec_dead; -1 never (gl_dead_step) */
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
  int errcode;             /* result code of the last call on net (gl_errcode) */
  char errmsg[GL_ERRMSG_LEN]; /* its message; empty after a success */
};

/* gl_config_result for a network (api.c). */
int gl_net_result(gl_net *net, int rc);

/* net.c: gl_create, and (keep_shortcut = 0) the residual net without its
 * shortcuts, which the tests compare with the plain net. */
int gl_create_ex(gl_config *cfg, int arch, int keep_shortcut, gl_net **out);

/* graph.c: the op list and layers (counting pass when n->layers is NULL,
 * filling pass otherwise), then acc_in/acc_in2 and row_align. */
void gl_build_graph(gl_net *n);
void gl_plan_passes(gl_net *n);

/* init.c: the weights from the seed; GL_ENOMEM (orthogonal's scratch). */
int gl_init_weights(gl_net *n);

/* passes.c */
/* One forward pass over `rows` rows of x (copied into the input buffer).  With
 * y: returns the summed loss and counts correct rows; with want_grad also
 * writes dLoss/dlogits (mean over rows).  Without y: logits only. */
double gl_forward(gl_net *net, const gl_real *x, const int32_t *y, int rows, long *correct,
                  int want_grad);
/* All gradients of the rows gl_forward just ran, and per layer ||dW||^2
 * (layer_sumsq) and ||db||^2 (bias_sumsq). */
void gl_backward(gl_net *net, int rows);
gl_real gl_block_scale(const gl_net *net, int block);

/* stats.c */
/* First non-finite value in forward order after gl_forward -> its layer
 * (1-based), 0 if none. */
int gl_first_nonfinite_forward(gl_net *n, int rows);
/* A conv model's records measure loss and accuracy on the first GL_CONV_EVAL
 * images of the training set and of the test split (the digits files
 * alternate the classes 0..9, so these are five of each): a record then costs
 * about one more training step at batch 32 (the forward pass of 100 images
 * against a step's forward and backward of 32) instead of a pass over all
 * 1,000 + 500 images.  A full-batch step's training figures are its batch's
 * (all the images, at no cost) unless batch norm is on.  The dense model
 * measures the whole set. */
#define GL_CONV_EVAL 50
/* Loss and accuracy on the first count examples of a data set (count >= its
 * size: all of it) at the current parameters, in evaluation mode (stats.c). */
void gl_evaluate(gl_net *n, const gl_dataset *ds, int count, double *loss, double *acc);
/* 1 when a record's training loss and accuracy are the step's own (a full
 * batch without batch norm: the whole set, already through the forward pass
 * in the mode a record measures), so no evaluation pass is needed (api.c;
 * step.c measures by it, gl_eval_count reports by it). */
int gl_record_is_batch(const gl_net *n);
/* The record's per-layer numbers from the batch gl_backward just ran. */
void gl_measure_batch(gl_net *n, int rows);
/* The record's chi, update_ratio and theory line, after the optimiser. */
void gl_measure_weights(gl_net *n, int update, const double *upd, const double *wvar,
                        const double *wmean);

/* blocks.c: the per-block statistics of a residual net */
/* Reals of bscratch (sets bs_each; 0 for a plain net): net.c's memory plan. */
size_t gl_blocks_scratch(gl_net *n);
/* Finds every block's ops, buffers and layers in the op list (after gl_build_graph's filling pass). */
void gl_blocks_wire(gl_net *n);
/* The record's block_factor, block_shortcut, block_branch, stem_factor and head_factor from the
 * batch gl_backward just ran (before anything overwrites its buffers: step.c calls it right
 * after gl_measure_batch). */
void gl_measure_blocks(gl_net *n, int rows);

/* settings.c: one setting of a settings record from its text form, with
 * gl_config_set's checks and messages (into err); a failure changes nothing.
 * gl_net_set (change.c) uses it on a live network's settings. */
int gl_settings_set(gl_settings *s, char *err, const char *name, const char *value);

/* optimiser (optim.c): one flat pass; fills per-layer update statistics */
void gl_optim_step(gl_net *net, double clip_scale, double *upd_sumsq, double *w_var,
                   double *w_mean);

#endif
