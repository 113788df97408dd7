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
 * Errors: every call that can fail returns an int code (GL_OK = 0).  The
 * message is owned by the handle that failed: gl_config_errmsg(cfg) after a
 * gl_config_* or gl_create failure, gl_errmsg(net) after a gl_net failure;
 * gl_errstr(code) names a code.  The engine never prints, exits or aborts.
 *
 * Memory: a gl_net owns one allocation sized at create (parameters, gradients,
 * optimiser state, activations, data, scratch); gl_step allocates nothing.
 * Pointers returned by gl_record_field, gl_data_x, gl_data_y, gl_layer_name
 * stay valid until the next gl_step/gl_measure/gl_free on that net.
 *
 * Limits (also in the settings table): depth <= 1000, width <= 1024,
 * batch <= 4096, points <= 65536; model=conv: blocks <= 100, channels <= 64,
 * pool <= 3, digit images of 2..64 pixels a side, at most 65536 of them.
 * gl_memory_bytes() reports what a network holds (depth 30 x width 32 on
 * 256 points: 5.1 MB; the conv net of 8 blocks x 16 channels at batch 32 on
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

/* ---- result codes ------------------------------------------------------ */
#define GL_OK       0  /* success */
#define GL_EINVAL   1  /* a setting's name or value is invalid (message names the field) */
#define GL_ENOMEM   2  /* allocation failed or the network exceeds the memory budget */
#define GL_EDATA    3  /* the data set (CSV text) is malformed (message names the line) */
#define GL_ESTATE   4  /* call not allowed now (e.g. step on a diverged net with step budget) */
#define GL_EMISUSE  5  /* NULL handle or argument, index out of range */

#define GL_MAX_BYTES ((size_t)1 << 30)

/* ---- settings and configuration ---------------------------------------- */
typedef struct gl_config gl_config;

/* Which network gl_create builds. */
#define GL_ARCH_FROM_CONFIG (-1) /* use the config's arch (must be plain or residual) */
#define GL_ARCH_PLAIN 0
#define GL_ARCH_RESIDUAL 1

const char *gl_version(void);
const char *gl_errstr(int code);

/* The settings table as JSON (a static string): an array of
 * {name, type, default, min, max, choices, help}.  The CLI's flags, the
 * page's controls and URL state are all built from it. */
const char *gl_settings_json(void);
int gl_settings_count(void);
const char *gl_settings_name(int i);   /* NULL past the end */
const char *gl_settings_help(int i);

int gl_config_new(gl_config **out);           /* all defaults; GL_ENOMEM */
void gl_config_free(gl_config *cfg);          /* NULL is fine */
int gl_config_copy(const gl_config *src, gl_config **out);
/* Set one setting from its text form; the value is validated at once against
 * the table (type, range, choices).  Cross-field rules are checked by gl_create. */
int gl_config_set(gl_config *cfg, const char *name, const char *value);
/* Several settings at once: "name=value" pairs separated by '&', ';',
 * newlines or spaces.  Stops at the first invalid pair. */
int gl_config_parse(gl_config *cfg, const char *text);
/* The current value of a setting in canonical text form (NULL if unknown). */
const char *gl_config_get(const gl_config *cfg, const char *name);
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
/* Canonical JSON object of every setting (owned by cfg, valid until the next call). */
const char *gl_config_json(gl_config *cfg);
const char *gl_config_errmsg(const gl_config *cfg);

/* ---- threads ---------------------------------------------------------- */
/* The matrix products of every network run on gl_threads_get() threads, the
 * caller's included (default 1).  The thread count never changes a result:
 * every count gives the same bits.  gl_threads_max() is 1 in a build without
 * threads (the single-threaded WebAssembly module) and 8 otherwise.
 * gl_threads_set returns GL_EINVAL outside 1..max and GL_ENOMEM when a helper
 * thread cannot start; the message is in gl_threads_errmsg().  Process-wide:
 * call it between steps, not while another thread is stepping a network. */
int gl_threads_set(int n);
int gl_threads_get(void);
int gl_threads_max(void);
const char *gl_threads_errmsg(void);

/* ---- networks --------------------------------------------------------- */
typedef struct gl_net gl_net;

/* Validates every cross-field rule, builds the data set, allocates the whole
 * network and initialises it from the seed.  On failure *out is NULL and the
 * message is in gl_config_errmsg(cfg). */
int gl_create(gl_config *cfg, int arch, gl_net **out);
void gl_free(gl_net *net);                   /* NULL is fine */
const char *gl_errmsg(const gl_net *net);
size_t gl_memory_bytes(const gl_net *net);

/* Runs n training steps (n >= 0).  A step whose index t (0 at init) is a
 * multiple of record_every is measured: its record holds the statistics of
 * the gradient at the parameters before the update, loss and accuracy on the
 * whole training set at those parameters, and the update that step made.
 * If the loss or a gradient stops being finite the net stops updating and
 * its status becomes diverged (not an error: gl_step returns GL_OK). */
int gl_step(gl_net *net, int n);
/* Measures the current parameters without updating (update_ratio is 0). */
int gl_measure(gl_net *net);

#define GL_STATUS_OK 0
#define GL_STATUS_DIVERGED 1
int gl_status(const gl_net *net);
long gl_steps_done(const gl_net *net);        /* updates applied so far */
long gl_diverged_step(const gl_net *net);     /* -1 unless diverged */
int gl_diverged_layer(const gl_net *net);     /* 1-based layer, 0 = the loss itself */
const char *gl_diverged_where(const gl_net *net); /* "forward", "loss" or "backward" */

int gl_n_layers(const gl_net *net);           /* L + 2 */
const char *gl_layer_name(const gl_net *net, int layer); /* 1-based */
int gl_n_classes(const gl_net *net);

/* ---- the statistics record (same names in C, JSON, JS and the page) ---- */
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
  GL_GRAD_NORM_THEORY,/* mean-field prediction: grad_norm of the output layer times
                         prod_{m > l} sqrt(chi_m), the theory line of the page's chart
                         (anchored at the layer nearest the output with a nonzero
                         grad_norm; 0 above it) */
  GL_GAMMA_GRAD_NORM, /* ||dLoss/dgamma||_2 of the normalisation on layer l's way out
                         (norm = batch or layer; 0 for a layer without one) */
  GL_N_FIELDS
} gl_field;

const char *gl_field_name(int field);          /* "grad_norm", ... */
/* Per-layer values of the last record, n_layers doubles (never NaN). */
const double *gl_record_field(const gl_net *net, int field);
long gl_record_step(const gl_net *net);        /* -1 before the first record */
double gl_record_loss(const gl_net *net);
double gl_record_acc(const gl_net *net);
/* Loss and accuracy on the test split at the recorded parameters (data=digits
 * with a test split); -1 without a test split. */
double gl_record_test_loss(const gl_net *net);
double gl_record_test_acc(const gl_net *net);
double gl_record_res_scale(const gl_net *net, int block); /* the residual scale a of a block (ReZero learns it) */
int gl_n_blocks(const gl_net *net);

/* ---- data and predictions ---------------------------------------------- */
int gl_n_points(const gl_net *net);
int gl_n_inputs(const gl_net *net);
const gl_real *gl_data_x(const gl_net *net);   /* (points, inputs), as trained on */
const int32_t *gl_data_y(const gl_net *net);   /* (points) labels */
/* Image data (data=digits): each input row is one height x width image; 0 otherwise. */
int gl_image_height(const gl_net *net);
int gl_image_width(const gl_net *net);
/* The test split (data=digits): 0 points without one. */
int gl_n_test_points(const gl_net *net);
const gl_real *gl_test_x(const gl_net *net);   /* (test points, inputs) */
const int32_t *gl_test_y(const gl_net *net);
/* Class probabilities of test images first .. first+count-1 at the current
 * parameters: out[i*classes + c], out is the caller's. */
int gl_predict_test(gl_net *net, int first, int count, double *out);
/* Class probabilities on an nx x ny grid over [x0,x1] x [y0,y1] (2-input data
 * only): out[(iy*nx + ix)*classes + c], row iy = 0 at y0.  out is the caller's. */
int gl_predict_grid(gl_net *net, double x0, double x1, double y0, double y1,
                    int nx, int ny, double *out);

#ifdef __cplusplus
}
#endif
#endif /* GRADLAB_H */
