/*
 * gradlab.h - the whole public API of GradLab's neural-network engine.
 *
 * GradLab trains small deep networks (a plain stack and its residual twin) and
 * records, for every layer, how large the gradient is.  This header is all a
 * caller (the native CLI, the WebAssembly exports, the C tests) ever sees.
 *
 * Model of use (the same as SQLite's):
 *   gl_config *cfg;  gl_config_new(&cfg);          defaults from the settings table
 *   gl_config_set(cfg, "depth", "30");              validated at once, by name
 *   gl_net *net;     gl_create(cfg, GL_ARCH_PLAIN, &net);  cross-field checks, one allocation
 *   gl_step(net, 10);                               10 updates; every record_every-th is measured
 *   gl_record_field(net, GL_GRAD_NORM)[l]           read the last record (owned by net)
 *   gl_free(net); gl_config_free(cfg);              both accept NULL
 *
 * Sections: result codes; the library (version, settings table, threads);
 * gl_config; gl_net (create, train, status, shape); the record; data and
 * predictions.
 *
 * Errors: every call that can fail returns an int code (GL_OK = 0) and
 * records it on the handle it was called on, with a message, the way SQLite
 * does: gl_config_errcode(cfg) / gl_config_errmsg(cfg) after a gl_config_*
 * call or gl_create (whose failures happen before a net exists),
 * gl_errcode(net) / gl_errmsg(net) after a call on a net.  Each such call
 * replaces the handle's code: GL_OK, and the message "no error", after a
 * success.  A NULL handle gets GL_EMISUSE and records nothing.
 * gl_errstr(code) names a code.  The engine never prints, exits or aborts.
 *
 * Memory: a gl_config and a gl_net own everything they point to; a gl_net
 * owns one allocation sized at create (parameters, gradients, optimiser
 * state, activations, data, scratch) and gl_step allocates nothing.  Every
 * returned pointer says below how long it lives.  The caller owns only the
 * `out` arrays it passes in.
 *
 * Limits (also in the settings table): depth <= 1000, width <= 1024,
 * batch <= 4096, points <= 65536; model=conv: blocks <= 100, channels <= 64,
 * pool <= 3, digit images of 2..64 pixels a side, at most 65536 of them.
 * gl_memory_bytes() reports what a network holds (depth 30 x width 32 on
 * 256 points: 6.0 MB; the conv net of 8 blocks x 16 channels at batch 32 on
 * the digits: 43 MB); the largest legal dense shape (1000 x 1024: a billion
 * weights, about 13 GB at batch 64) is refused with GL_ENOMEM by gl_create's
 * budget check (GL_MAX_BYTES, 1 GiB) before anything is allocated.
 *
 * Numbers: float32 by default; compile with -DGL_DOUBLE to build the whole
 * engine in double (used by the finite-difference gradient checks).
 * Statistics are always doubles.
 */
#ifndef GRADLAB_H
#define GRADLAB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GL_VERSION "0.1.0"

#ifdef GL_DOUBLE
typedef double gl_real;
#else
typedef float gl_real;
#endif

/* ==== result codes ====================================================== */
#define GL_OK       0  /* success */
#define GL_EINVAL   1  /* a setting's name or value is invalid (message names the field) */
#define GL_ENOMEM   2  /* allocation failed or the network exceeds the memory budget */
#define GL_EDATA    3  /* the data (CSV text, a digits file) is malformed (message names the line) */
#define GL_ESTATE   4  /* not allowed in the handle's state: gl_step or gl_measure on a diverged net */
#define GL_EMISUSE  5  /* NULL handle or argument, index out of range */

/* Static text naming a code ("invalid setting", ...; "unknown error code"). */
const char *gl_errstr(int code);

#define GL_MAX_BYTES ((size_t)1 << 30)

/* ==== the library ======================================================= */
const char *gl_version(void);                 /* static: GL_VERSION */

/* The settings table as JSON (static text, lives as long as the program): an
 * array of {name, type, default, min, max, choices, help}.  The CLI's flags,
 * the page's controls and URL state are all built from it. */
const char *gl_settings_json(void);
int gl_settings_count(void);
const char *gl_settings_name(int i);          /* static; NULL past the end */
const char *gl_settings_help(int i);          /* static; NULL past the end */

/* Threads: the matrix products of every network run on gl_threads_get()
 * threads, the caller's included (default 1).  The thread count never
 * changes a result: every count gives the same bits.  gl_threads_max() is 1
 * in a build without threads (the single-threaded WebAssembly module) and 8
 * otherwise.  gl_threads_set returns GL_EINVAL outside 1..max and GL_ENOMEM
 * when a helper thread cannot start; the message is in gl_threads_errmsg()
 * (process-wide, like the thread count: valid until the next
 * gl_threads_set).  Call it between steps, not while another thread is
 * stepping a network. */
int gl_threads_set(int n);
int gl_threads_get(void);
int gl_threads_max(void);
const char *gl_threads_errmsg(void);

/* ==== gl_config: the settings of one experiment ========================= */
typedef struct gl_config gl_config;

int gl_config_new(gl_config **out);           /* all defaults; GL_ENOMEM (*out NULL) */
void gl_config_free(gl_config *cfg);          /* NULL is fine */
/* A new config with src's settings and data; GL_ENOMEM leaves *out NULL. */
int gl_config_copy(const gl_config *src, gl_config **out);
/* Set one setting from its text form; the value is validated at once against
 * the table (type, range, choices): GL_EINVAL names the field, and a failed
 * set changes nothing.  Cross-field rules are checked by gl_create. */
int gl_config_set(gl_config *cfg, const char *name, const char *value);
/* Several settings at once: "name=value" pairs separated by '&', ';',
 * newlines or spaces.  Stops at the first invalid pair (the ones before it
 * are set). */
int gl_config_parse(gl_config *cfg, const char *text);
/* The current value of a setting in canonical text form ("500", "sigmoid",
 * "0.1"), NULL if the name is unknown.  The text is in cfg's own buffer:
 * valid until the next gl_config_get on cfg or gl_config_free. */
const char *gl_config_get(gl_config *cfg, const char *name);
/* CSV data text used when data=csv: the engine keeps a copy. */
int gl_config_set_csv(gl_config *cfg, const char *text, size_t len);
/* Digit images used when data=digits: the bytes of a digits file (format in
 * docs/data.md: "GLDIGITS", height, width, classes, count, then a label byte
 * and height*width pixel bytes per image; web/data/digits-{train,test}.bin).
 * split is GL_SPLIT_TRAIN (trained on) or GL_SPLIT_TEST (held out: its loss
 * and accuracy are recorded as test_loss/test_acc).  The file is checked at
 * once (GL_EDATA with a message starting "digits"); the engine keeps a copy;
 * len = 0 removes the split. */
#define GL_SPLIT_TRAIN 0
#define GL_SPLIT_TEST 1
int gl_config_set_digits(gl_config *cfg, int split, const void *bytes, size_t len);
/* Canonical JSON object of every setting, in cfg's own buffer: valid until
 * the next gl_config_json on cfg or gl_config_free.  NULL when out of memory. */
const char *gl_config_json(gl_config *cfg);
/* The code of the last gl_config_* call or gl_create on cfg (GL_OK after a
 * success), and its message ("no error" after a success), owned by cfg:
 * valid until the next call on cfg.  NULL cfg: GL_EMISUSE, a static text. */
int gl_config_errcode(const gl_config *cfg);
const char *gl_config_errmsg(const gl_config *cfg);

/* ==== gl_net: one network ================================================ */
typedef struct gl_net gl_net;

/* Which network gl_create builds. */
#define GL_ARCH_FROM_CONFIG (-1) /* use the config's arch (must be plain or residual) */
#define GL_ARCH_PLAIN 0
#define GL_ARCH_RESIDUAL 1

/* Validates every cross-field rule, builds the data set, allocates the whole
 * network and initialises it from the seed.  The net keeps nothing of cfg
 * (free or change cfg at will).  On failure *out is NULL and the code and
 * message are on cfg (gl_config_errcode, gl_config_errmsg). */
int gl_create(gl_config *cfg, int arch, gl_net **out);
/* Every check gl_create makes (the cross-field rules, the data's shape, the
 * memory budget) without allocating the network: GL_OK, or the code and
 * message gl_create would give, on cfg.  A sweep checks each of its values
 * with it before it trains anything. */
int gl_config_check(gl_config *cfg, int arch);
void gl_free(gl_net *net);                   /* NULL is fine */
/* The code of the last call on net that returns one (gl_step, gl_measure,
 * gl_predict_*; GL_OK after a success) and its message, owned by net: valid
 * until the next such call or gl_free.  NULL net: GL_EMISUSE, a static text. */
int gl_errcode(const gl_net *net);
const char *gl_errmsg(const gl_net *net);
size_t gl_memory_bytes(const gl_net *net);   /* bytes of the net's one allocation */

/* Runs n training steps (n >= 0).  A step whose index t (0 at init) is a
 * multiple of record_every is measured: its record holds the statistics of
 * the gradient at the parameters before the update, loss and accuracy on the
 * whole training set at those parameters, and the update that step made.
 * If the loss or a gradient stops being finite the net stops updating and
 * its status becomes diverged; that is not an error (gl_step returns GL_OK),
 * but a net that is diverged already takes no more steps: gl_step and
 * gl_measure on it return GL_ESTATE and change nothing. */
int gl_step(gl_net *net, int n);
/* Measures the current parameters without updating (update_ratio is 0), on
 * the batch the next gl_step trains on: measuring changes nothing the run
 * computes later (a run measured before each step has every bit of one that
 * is not). */
int gl_measure(gl_net *net);

/* Changing course mid-run: sets lr, clip or momentum of a live network, the
 * settings the optimiser reads at every step, from its text form ("0.01").
 * The value is validated by the settings table, as gl_config_set does
 * (GL_EINVAL, the message naming the field and its range: "lr: 20 is out of
 * range [1e-09, 10]"); any other name is GL_EINVAL with a message naming the
 * three; NULL name or value GL_EMISUSE.  A failed call changes nothing.
 * Call it between steps: the value applies from the next step on, so update
 * gl_steps_done(net) is the first made with it, and a run changed at step k
 * has every bit of a run created with the new value that starts from the
 * state at step k (tests/c/test_engine.c).  momentum is read by
 * optimizer=momentum only: sgd and adam ignore it (adam's betas are fixed),
 * as they do at create. */
int gl_net_set(gl_net *net, const char *name, const char *value);

#define GL_STATUS_OK 0
#define GL_STATUS_DIVERGED 1
int gl_status(const gl_net *net);
long gl_steps_done(const gl_net *net);        /* updates applied so far */
long gl_diverged_step(const gl_net *net);     /* -1 unless diverged */
int gl_diverged_layer(const gl_net *net);     /* 1-based layer, 0 = the loss itself */
/* "forward", "loss" or "backward" ("" unless diverged): static text */
const char *gl_diverged_where(const gl_net *net);

/* Layers with weights: L + 2 for model=dense (Lin_1, L hidden, Lin_out),
 * 2*blocks + 2 for model=conv (conv_1 .. conv_{2B+1}, fc). */
int gl_n_layers(const gl_net *net);
/* "Lin_1", ..., "Lin_out" / "conv_1", ..., "fc"; layer is 1-based, NULL
 * outside 1..n_layers.  Owned by net: valid until gl_free. */
const char *gl_layer_name(const gl_net *net, int layer);
int gl_n_blocks(const gl_net *net);           /* residual blocks (0 for a plain net) */
int gl_n_classes(const gl_net *net);

/* ==== the record: the statistics of the last measured step ============== */
/* Same names in C, JSON, JS and the page. */
typedef enum {
  GL_GRAD_NORM = 0,   /* ||dLoss/dW_l||_F */
  GL_ACT_GRAD_NORM,   /* mean over the batch of ||dLoss/dh_l||_2, h_l = layer l's output */
  GL_ACT_MEAN,        /* mean of the activation that consumes h_l (logits for the last layer) */
  GL_ACT_STD,         /* its standard deviation */
  GL_SATURATION,      /* fraction of units with phi'(z) < 10% of phi's maximum slope */
  GL_UPDATE_RATIO,    /* ||delta W_l|| / ||W_l|| of the recorded step's update */
  GL_CHI,             /* fan_in * var(W_l) * mean phi'(z_in)^2: mean-field factor */
  GL_CHI_MEASURED,    /* (act_grad_norm of the layer below / this layer's)^2 */
  GL_UNDERFLOW,       /* 1 when grad_norm is below float32's smallest normal number */
  GL_GRAD_NORM_THEORY,/* mean-field prediction of grad_norm itself, the theory line of the
                         page's chart: grad_norm at the anchor (the layer nearest the output
                         with a nonzero grad_norm; 0 above it) times prod_{m > l} sqrt(chi_m)
                         (the back-propagated gradient's factor, as act_grad_norm_theory)
                         times the forward signal's: sqrt(S_l / S_anchor), S_l the sum over
                         the batch's pairs of examples of (x_r . x_s)(delta_r . delta_s),
                         x the layer's inputs, delta the anchor's output gradients carried
                         down (stats.c, theory_lines; docs/architecture.md "Statistics") */
  GL_GAMMA_GRAD_NORM, /* ||dLoss/dgamma||_2 of the normalisation on layer l's way out
                         (norm = batch or layer; 0 for a layer without one) */
  /* The chain rule, layer by layer: the factor each layer applied to the
   * back-propagated gradient and their running product from the output down
   * (layer 0 = the input x; the output layer's product is its own factor).   */
  GL_CHAIN_FACTOR,    /* sqrt(chi_measured) = act_grad_norm[l-1] / act_grad_norm[l] (0 if [l] is 0) */
  GL_CHAIN_FACTOR_THEORY, /* sqrt(chi): the mean-field factor of layer l */
  GL_CHAIN_PRODUCT,   /* prod_{m >= l} chain_factor_m = act_grad_norm[l-1] / act_grad_norm[last] */
  GL_CHAIN_PRODUCT_THEORY, /* prod_{m >= l} sqrt(chi_m) (0 where it underflows a double,
                         DBL_MAX where it overflows) */
  /* Added after the chain: the mean-field law of the back-propagated gradient
   * beside the quantity it predicts, and the weight-gradient law's factors. */
  GL_ACT_GRAD_NORM_THEORY, /* mean-field prediction of act_grad_norm: act_grad_norm at the
                         anchor (the layer nearest the output whose act_grad_norm is not 0)
                         times prod_{m > l} sqrt(chi_m); 0 above the anchor */
  GL_GRAD_FACTOR_THEORY, /* grad_norm_theory[l-1] / grad_norm_theory[l]: the weight-gradient
                         law's factor at layer l, sqrt(chi_l) times the forward signal's
                         (layers 2 .. anchor; 0 elsewhere); see GL_GRAD_NORM_THEORY */
  GL_ACT_UNIT_STD,    /* the activation act_mean describes: per example, its variance across the
                         layer's units (conv: across channels, per pixel), averaged over the
                         batch, square-rooted; exactly 0 when every unit computes the same
                         (a symmetric init) */
  /* Added for a layer's card: the factors of chi = fan_in * var(W_l) * mean phi'^2 one by
   * one (chi is their product, computed in that order) and the norm update_ratio divides
   * by; all of the weights the recorded gradient was taken at (before its update). */
  GL_WEIGHT_NORM,     /* ||W_l||_F */
  GL_WEIGHT_VAR,      /* var(W_l): the variance of the layer's weights (about their mean) */
  GL_ACT_SLOPE_SQ,    /* mean phi'(z)^2 of the phi feeding layer l (times (gamma rstd)^2 per
                         unit where a normalisation feeds that phi; 1 for Lin_1, whose input is x) */
  GL_FAN_IN,          /* inputs per unit: the width before the layer (9 x channels for a conv) */
  GL_N_FIELDS
} gl_field;

const char *gl_field_name(int field);          /* static: "grad_norm", ...; NULL past the end */
/* Per-layer values of the last record, n_layers doubles (never NaN), input
 * to output.  Owned by net: the values change with the next gl_step or
 * gl_measure, the pointer lives until gl_free.  NULL for a bad field. */
const double *gl_record_field(const gl_net *net, int field);
long gl_record_step(const gl_net *net);        /* -1 before the first record */
/* 1 when the record is dead: every layer's weight gradient ||dLoss/dW_l|| is
 * exactly 0 or below float32's smallest normal number (GL_UNDERFLOW is 1 in
 * every layer; in a -DGL_DOUBLE build, double's), so the stack gets no
 * gradient it can change its weights with; 0 otherwise and for NULL. */
int gl_record_dead(const gl_net *net);
/* The first recorded step whose record was dead (it stays set once set: a
 * stack that died and revives still died there); -1 if none has been, and
 * for NULL.  Only recorded steps are seen: with record_every 10, a stack dead
 * from step 1 has gl_dead_step 10. */
long gl_dead_step(const gl_net *net);
double gl_record_loss(const gl_net *net);
double gl_record_acc(const gl_net *net);
/* Loss and accuracy on the test split at the recorded parameters (data=digits
 * with a test split); -1 without a test split. */
double gl_record_test_loss(const gl_net *net);
double gl_record_test_acc(const gl_net *net);
/* How many examples every record's loss and accuracy are measured on: the
 * whole training set (dense), or a conv model's first GL_CONV_EVAL images
 * (all of them when a full batch without batch norm gives its own figures
 * for free); of the test split likewise (0 without one).  Fixed at create. */
int gl_eval_count(const gl_net *net);
int gl_eval_test_count(const gl_net *net);
/* The residual scale a of a block (0-based; ReZero learns it), now. */
double gl_record_res_scale(const gl_net *net, int block);
/* The largest slope of the network's activation, max phi'(z): 1/4 for
 * sigmoid, 1 for tanh and relu (leaky_relu too), 1.1289 for gelu; the bound
 * on phi' in every chain factor.  0 for NULL. */
double gl_act_max_slope(const gl_net *net);

/* ---- residual blocks: the chain rule one block at a time ---------------- */
/* Block b (0-based, as gl_record_res_scale) of a residual net maps its input
 * h_in on the trunk to its output h_out: h_out = h_in + a*F(h_in) (pre), its
 * 2x2 pool where the block ends a stage (conv), phi(h_in + a*G(h_in)) (post),
 * phi(pool(...)) (conv post ending a stage).  Backward, dL/dh_in is the
 * shortcut's part (what the add passes on unchanged: dL/d(sum), which in
 * post form is already multiplied by phi') plus the branch's part (the
 * branch's own backward pass of a*dL/d(sum), computed on its own, exactly).
 * Each norm below is the mean over the batch of the per-example L2 norm, as
 * act_grad_norm is measured; a ratio is 0 where its denominator is.  With
 * stem_factor = ||dL/dx|| / ||dL/dh_in of block 0|| and head_factor =
 * ||dL/dh_out of the last block|| / ||dL/dlogits||, the product
 * stem_factor * prod_b block_factor_b * head_factor telescopes to
 * chain_product of layer 1 (equal to rounding).  docs/architecture.md
 * ("Statistics") has each form worked out. */
typedef enum {
  GL_BLOCK_FACTOR = 0, /* ||dL/dh_in|| / ||dL/dh_out||: what the whole block multiplies by */
  GL_BLOCK_SHORTCUT,   /* ||the shortcut's part of dL/dh_in|| / ||dL/dh_out|| */
  GL_BLOCK_BRANCH,     /* ||the branch's part of dL/dh_in|| / ||dL/dh_out|| */
  GL_N_BLOCK_FIELDS
} gl_block_field;

const char *gl_block_field_name(int field);    /* static: "block_factor", ...; NULL past the end */
/* Per-block values of the last record, gl_n_blocks(net) doubles (none for a
 * plain net), input to output.  Owned by net as gl_record_field's arrays.
 * NULL for a bad field. */
const double *gl_record_block_field(const gl_net *net, int field);
/* The record's stem_factor and head_factor (-1 for a plain net). */
double gl_record_stem_factor(const gl_net *net);
double gl_record_head_factor(const gl_net *net);
/* The 1-based layers inside block b (0-based): Lin_{2+kb} .. Lin_{1+k(b+1)}
 * of a dense net with k layers a block, conv_{2+2b} .. conv_{3+2b} of a conv
 * net; 0 outside 0..n_blocks-1.  Fixed at create. */
int gl_block_first_layer(const gl_net *net, int block);
int gl_block_last_layer(const gl_net *net, int block);

/* ==== the record's histograms (hist.c) ================================== */
/* Per layer, exact counts of four distributions of the recorded batch (they
 * sum to the number of values; nothing is dropped), on fixed bins:
 *   GL_HIST_PRE    z, the input of the phi that consumes layer l's output
 *                  (after its normalisation); the output layer: the logits.
 *                  Edges -8, -7.75, ..., 8 (65).
 *   GL_HIST_ACT    phi(z): 40 bins over (0, 1] (sigmoid) or (-1, 1] (tanh), else
 *                  GL_HIST_PRE's edges; all 0 for the output layer (no phi).
 *   GL_HIST_GRAD   log10 |dL/dh| of the gradient at layer l's output: edges
 *                  -46, -45.5, ..., 6 (105), in log10 units.
 *   GL_HIST_WGRAD  log10 |dL/dW| of the weight gradient's elements: the same.
 * A conv layer counts every element of its map.  With E edges a histogram
 * has E + 1 counts per layer: count 0 holds v <= edge[0] (for the log ones
 * |g| <= 1e-46: in float32 exactly 0, the gradient lost to underflow),
 * count i holds edge[i-1] < v <= edge[i], count E holds v > edge[E-1]:
 * every bin is right-closed, (a, b].
 * Counted when the setting hist is 1, or from gl_record_hist_set(net, 1) on
 * (hist=0, the default, skips them: a record of the W1 benchmark costs about
 * 1.5x with them; every other number is the same either way).  A record made
 * without them has every count 0: gl_record_hist_on says which. */
typedef enum { GL_HIST_PRE = 0, GL_HIST_ACT, GL_HIST_GRAD, GL_HIST_WGRAD, GL_N_HISTS } gl_hist;
/* "hist_pre", "hist_act", "hist_grad", "hist_wgrad": static; NULL outside. */
const char *gl_hist_name(int which);
/* Counts per layer (edges + 1) of histogram `which` of net; 0 for NULL or a bad which.
 * Fixed at create (hist_act's depends on the activation). */
int gl_hist_bins(const gl_net *net, int which);
/* Its gl_hist_bins - 1 edges, ascending.  Owned by net, constant: valid until gl_free. */
const double *gl_hist_edges(const gl_net *net, int which);
/* The last record's counts: n_layers x gl_hist_bins(net, which), layer-major
 * (row l - 1 is layer l), input to output.  Owned by net: the counts change
 * with the next gl_step or gl_measure that records, the pointer lives until
 * gl_free.  NULL for NULL or a bad which. */
const uint32_t *gl_record_hist(const gl_net *net, int which);
/* 1 when the last record holds histograms (counted at that record), else 0
 * (0 before the first record, and for NULL). */
int gl_record_hist_on(const gl_net *net);
/* Counts the histograms (on != 0) or not at every record from the next one
 * on, between steps, whatever the setting hist said at create (the memory is
 * the net's either way; switching off zeroes the counts at once).  GL_OK;
 * GL_EMISUSE for NULL. */
int gl_record_hist_set(gl_net *net, int on);
/* Where the net's activation is slow: phi'(z) < max phi' / 10 (what
 * saturation counts) exactly for z <= *lo or z > *hi; -HUGE_VAL / HUGE_VAL
 * where there is no such side.  sigmoid +-3.6369, tanh +-1.8184, relu and
 * leaky_relu lo = 0 (phi'(0) is 0 resp. 0.01), gelu lo = -0.5327, linear
 * none.  GL_EMISUSE for a NULL argument. */
int gl_act_slow_region(const gl_net *net, double *lo, double *hi);
/* phi(z) and phi'(z) of the net's activation at n >= 2 points evenly
 * spread over [z0, z1] (ends included: z_i = z0 + (z1 - z0) i / (n - 1)),
 * computed by the training step's own kernels in the engine's precision;
 * phi and dphi hold n doubles each (the caller's).  The curves drawn over
 * the z histogram.  GL_EMISUSE for NULL, n < 2 or not z0 < z1 (finite). */
int gl_act_curve(const gl_net *net, double z0, double z1, int n, double *phi, double *dphi);

/* ==== data and predictions ============================================== */
/* The training set as trained on (standardised if asked).  The arrays are
 * owned by net and never change: valid until gl_free. */
int gl_n_points(const gl_net *net);
int gl_n_inputs(const gl_net *net);
const gl_real *gl_data_x(const gl_net *net);   /* (points, inputs) */
const int32_t *gl_data_y(const gl_net *net);   /* (points) labels */
/* Image data (data=digits): each input row is one height x width image; 0 otherwise. */
int gl_image_height(const gl_net *net);
int gl_image_width(const gl_net *net);
/* The test split (data=digits): 0 points and NULL arrays without one;
 * owned by net, valid until gl_free. */
int gl_n_test_points(const gl_net *net);
const gl_real *gl_test_x(const gl_net *net);   /* (test points, inputs) */
const int32_t *gl_test_y(const gl_net *net);
/* Class probabilities of test images first .. first+count-1 at the current
 * parameters: out[i*classes + c] (count*classes doubles, the caller's). */
int gl_predict_test(gl_net *net, int first, int count, double *out);
/* Class probabilities on an nx x ny grid over [x0,x1] x [y0,y1] (2-input data
 * only): out[(iy*nx + ix)*classes + c], row iy = 0 at y0 (nx*ny*classes
 * doubles, the caller's). */
int gl_predict_grid(gl_net *net, double x0, double x1, double y0, double y1,
                    int nx, int ny, double *out);

/* ---- sweeps: one setting over a list of values, seeds and both stacks ---- */
/* A sweep measures one numeric setting (depth, width, init_std, res_scale,
 * lr, ...) at a list of values, over a range of seeds, for the plain and/or
 * the residual stack, at initialisation (steps 0) or after `steps` training
 * steps.  It is incremental: each gl_sweep_run call does a bounded piece of
 * work, so a caller can report progress and cancel (gl_sweep_free) between
 * calls.  One network exists at a time: a unit (value, seed, arch) is made,
 * measured and freed before the next, so depth 1000 fits the memory budget.
 * Units run seed by seed (every value of the first seed, then the second...).
 *
 *   gl_sweep *sw;
 *   if (gl_sweep_new(cfg, "depth=4..64:5", "1..10", "both", 0, &sw)) puts(gl_sweep_errmsg(sw));
 *   while (!gl_sweep_run(sw, 100) && gl_sweep_units_done(sw) < gl_sweep_units_total(sw)) ;
 *   puts(gl_sweep_json(sw));   gl_sweep_free(sw);
 *
 * Per unit (from the record of the measured network, layers 1..n_layers):
 *   grad_ratio_log10     = log10(grad_norm[1] / grad_norm[n_layers])
 *   act_grad_ratio_log10 = log10(act_grad_norm[1] / act_grad_norm[n_layers])
 *   chi_geomean          = exp(mean of ln chi over the hidden layers 2..n_layers-1)
 *   grad_ratio_theory_log10 = sum over layers 2..n_layers of log10 grad_factor_theory:
 *                          the mean-field prediction of grad_ratio_log10 (the slope
 *                          of the grad_norm_theory line, without its underflow)
 *   act_grad_ratio_theory_log10 = sum over layers 2..n_layers of log10 sqrt(chi): the
 *                          mean-field prediction of act_grad_ratio_log10 (the slope of
 *                          the act_grad_norm_theory line; grad_ratio_theory_log10's
 *                          value before the weight-gradient law)
 *   final_loss, final_acc (steps > 0): loss and accuracy on the training set
 * A ratio with a zero (underflowed) gradient is null, never -inf; a diverged
 * run gives null for every metric and counts in diverged_share.  Per value
 * and arch the summaries are the median, p10 and p90 over the seeds that
 * gave a number (linear interpolation between order statistics) and the
 * count of nulls. */
typedef struct gl_sweep gl_sweep;

typedef enum {
  GL_SWEEP_GRAD_RATIO_LOG10 = 0,
  GL_SWEEP_ACT_GRAD_RATIO_LOG10,
  GL_SWEEP_CHI_GEOMEAN,
  GL_SWEEP_GRAD_RATIO_THEORY_LOG10,
  GL_SWEEP_ACT_GRAD_RATIO_THEORY_LOG10,
  GL_SWEEP_FINAL_LOSS,   /* steps > 0 only */
  GL_SWEEP_FINAL_ACC,    /* steps > 0 only */
  GL_SWEEP_N_METRICS
} gl_sweep_metric;

#define GL_SWEEP_MAX_VALUES 200
#define GL_SWEEP_MAX_SEEDS 1000

/* sweep: "NAME=V1,V2,..." or "NAME=A..B:N" (N values: log-spaced when A and
 *   B are positive and more than a decade apart, else linear; rounded and
 *   deduplicated for an integer setting).  Every value is validated by the
 *   settings table (GL_EINVAL with the table's message naming it), and
 *   every unit's network by gl_create's checks (gl_config_check: the
 *   cross-field rules, the memory budget; the message names value and arch),
 *   so a bad value is refused here, not after the units before it trained.
 * seeds: "A..B" (at most 1000 seeds), or NULL/"" for the config's seed.
 * arch: "plain", "residual", "both", or NULL for the config's arch.
 * steps: training steps per unit, 0 = at initialisation.
 * The config is copied; cfg may be freed afterwards.  On failure *out is
 * still a handle holding the code and message (free it), or NULL when out of
 * memory. */
int gl_sweep_new(const gl_config *cfg, const char *sweep, const char *seeds, const char *arch,
                 int steps, gl_sweep **out);
void gl_sweep_free(gl_sweep *sw);             /* NULL is fine; frees the unit in progress */
int gl_sweep_errcode(const gl_sweep *sw);     /* GL_OK unless the sweep failed */
const char *gl_sweep_errmsg(const gl_sweep *sw);
/* Runs the next piece: makes the next unit's network if none is live, trains
 * it at most max_steps (>= 1) steps, and once it has done `steps` measures it,
 * keeps its metrics and frees it.  So each call finishes at most one unit
 * (exactly one when steps is 0).  Does nothing once every unit is done.  A
 * unit that cannot be made (a cross-field rule such as depth % block, the
 * memory budget) fails the sweep: the code is returned now and by every later
 * call, the message names the value, arch and seed. */
int gl_sweep_run(gl_sweep *sw, int max_steps);
long gl_sweep_units_done(const gl_sweep *sw);
long gl_sweep_units_total(const gl_sweep *sw);  /* values x seeds x archs */
double gl_sweep_progress(const gl_sweep *sw);   /* 0..1, the unit in training counted in part */
const char *gl_sweep_name(const gl_sweep *sw);  /* the swept setting */
int gl_sweep_n_values(const gl_sweep *sw);
double gl_sweep_value(const gl_sweep *sw, int i); /* 0-based; 0 outside */
int gl_sweep_n_seeds(const gl_sweep *sw);
long gl_sweep_steps(const gl_sweep *sw);
int gl_sweep_has_arch(const gl_sweep *sw, int arch); /* GL_ARCH_PLAIN / GL_ARCH_RESIDUAL */
const char *gl_sweep_metric_name(int metric);    /* "grad_ratio_log10", ...; NULL outside */
/* One unit's metric (value i, arch, seed index s = 0..n_seeds-1): 1 and *out
 * when it is a number, 0 when null or not run yet. */
int gl_sweep_unit(const gl_sweep *sw, int i, int arch, int s, int metric, double *out);
/* -1 not run yet, GL_STATUS_OK or GL_STATUS_DIVERGED */
int gl_sweep_unit_status(const gl_sweep *sw, int i, int arch, int s);
/* Summary over the seeds done so far: returns how many gave a number; when
 * > 0, out[0..2] = median, p10, p90.  *nulls (may be NULL) = seeds done that
 * gave null. */
int gl_sweep_summary(const gl_sweep *sw, int i, int arch, int metric, double out[3], int *nulls);
/* Share of the seeds done so far whose run diverged; -1 before the first. */
double gl_sweep_diverged_share(const gl_sweep *sw, int i, int arch);
/* Everything so far as JSON (owned by sw, valid until the next call on sw):
 * {"name", "values", "seeds": [A, B], "steps", "plain": {metric: {"median":
 * [...], "p10": [...], "p90": [...], "nulls": [...]}, ..., "diverged_share":
 * [...] (steps > 0)}, "residual": {...}}, one entry per value, null where no
 * seed gave a number; only the archs swept. */
const char *gl_sweep_json(gl_sweep *sw);

/* ---- two-setting sweeps: a plane of value pairs (issue 27) ---- */
/* The same sweep over two numeric settings: every pair (value i of the first,
 * value j of the second) for every seed and arch, one network at a time.
 * sweep1 is axis 0 (the columns), sweep2 axis 1 (the rows); sweep2 NULL is
 * exactly gl_sweep_new.  Units run seed by seed and, within a seed, row by
 * row: unit u = ((seed * n_rows + j) * n_cols + i) * n_archs + arch, so a
 * plane with one row is the 1-D sweep over its columns, unit for unit.
 *
 *   gl_sweep_new2(cfg, "init_std=0.09..0.44:11", "depth=2..100:10", "1..3", "both", 300, &sw);
 *   while (gl_sweep_units_done(sw) < gl_sweep_units_total(sw)) gl_sweep_run(sw, 100);
 *   gl_sweep_summary2(sw, i, j, GL_ARCH_PLAIN, GL_SWEEP_FINAL_ACC, q, &nulls);
 *
 * Refused here, before any unit runs (GL_EINVAL, one message): the same
 * setting on both axes, anything gl_sweep_new refuses on either axis, a pair
 * whose network gl_create would refuse ("sweep: depth=3, block=2 (plain):
 * ..."), more than GL_SWEEP_MAX_UNITS units (the metrics' memory, 49 bytes
 * a unit), or more than GL_SWEEP_MAX_LAYER_STEPS of work, counted as
 *   sum over units of n_layers (depth + 2; conv 2 blocks + 2) x (steps + 1)
 * (one layer through one training step, or through the final measurement:
 * about 16 us natively at width 32 and batch 32, so 1e8 is 30-60 minutes).
 * The 1-D sweep keeps its own limits (200 values x 1000 seeds) and no work
 * budget. */
#define GL_SWEEP_MAX_UNITS 400000L
#define GL_SWEEP_MAX_LAYER_STEPS 100000000.0

int gl_sweep_new2(const gl_config *cfg, const char *sweep1, const char *sweep2, const char *seeds,
                  const char *arch, int steps, gl_sweep **out);
int gl_sweep_n_axes(const gl_sweep *sw);                     /* 1 or 2; 0 for NULL */
const char *gl_sweep_axis_name(const gl_sweep *sw, int axis); /* NULL outside */
int gl_sweep_axis_n_values(const gl_sweep *sw, int axis);    /* 0 outside; 1 for axis 1 of a 1-D sweep */
double gl_sweep_axis_value(const gl_sweep *sw, int axis, int i); /* 0 outside */
/* The calls of the 1-D sweep for the cell (i, j): i on axis 0, j on axis 1.
 * (gl_sweep_unit, _unit_status, _summary, _diverged_share are these with
 * j = 0: on a plane, its first row.) */
int gl_sweep_unit2(const gl_sweep *sw, int i, int j, int arch, int s, int metric, double *out);
int gl_sweep_unit_status2(const gl_sweep *sw, int i, int j, int arch, int s);
int gl_sweep_summary2(const gl_sweep *sw, int i, int j, int arch, int metric, double out[3],
                      int *nulls);
double gl_sweep_diverged_share2(const gl_sweep *sw, int i, int j, int arch);

/* ---- mean-field theory (meanfield.c) ---- */
/* A wide plain stack at initialisation with weights N(0, sigma_w^2/fan_in),
 * biases N(0, sigma_b^2) and activation act (the settings' names): the
 * length map's stable fixed point q* of q = sigma_w^2 E[phi(sqrt(q) z)^2] +
 * sigma_b^2, chi = sigma_w^2 E[phi'(sqrt(q*) z)^2] (z ~ N(0,1); Schoenholz
 * et al. 2017's chi_1), the correlation map's stable fixed point c* and its
 * slope chi_c there, and the depth scales xi = -1/ln chi, xi_c = -1/ln chi_c
 * (the paper's trainable depth is about 6 xi_c).  Gauss-Hermite quadrature
 * in double.  INFINITY: q* when the signal grows without bound, xi and xi_c
 * at chi >= 1; NAN: c*, chi_c and xi_c when q* is infinite. */
typedef struct {
  double sigma_w, q_star, chi, xi, c_star, chi_c, xi_c;
} gl_meanfield;
/* GL_EINVAL for an unknown act, sigma_w <= 0 or sigma_b < 0 (or not
 * finite); GL_EMISUSE for a NULL out. */
int gl_meanfield_compute(const char *act, double sigma_w, double sigma_b, gl_meanfield *out);
/* The mean field per value of a weight-scale axis: axis `init_std` with
 * init=normal on a dense model without normalisation, whose other axis (if
 * any) is not width, so sigma_w = sqrt(width) init_std is one number per
 * value (fan_in = width for the hidden layers), sigma_b = 0 (biases start at
 * 0).  Returns 1 and *out for such an axis, else 0.  It describes the plain
 * stack (the residual stack's identity path is not in this theory). */
int gl_sweep_meanfield(const gl_sweep *sw, int axis, int i, gl_meanfield *out);

#ifdef __cplusplus
}
#endif
#endif /* GRADLAB_H */
