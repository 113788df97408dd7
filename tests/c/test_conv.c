/*
 * test_conv.c - the conv model (model=conv, data=digits) in the float32 build:
 *   - the claims the lesson makes about it, from the engine's own numbers:
 *     a deep plain conv stack with sigmoid vanishes, its residual twin
 *     (form pre) does not, form post still vanishes;
 *   - both residual forms without their shortcut are exactly the plain stack;
 *   - layers, names, chi with fan_in = 9 c_in, determinism, training on the
 *     real digits (test accuracy), predictions on the test split;
 *   - every invalid input gets its error code and a message naming the field;
 *   - the Winograd convolution's float32 rounding against exact sums.
 * Reads web/data/digits-{train,test}.bin (run from the repository root).
 * Run with --quick (under the sanitizers) to skip the deep stacks and the
 * training run.
 */
#include <math.h>

#include "test_util.h"

static int quick;
static unsigned char *train_bytes, *test_bytes;
static size_t train_len, test_len;

static unsigned char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc((size_t)n);
  *len = fread(b, 1, (size_t)n, f);
  fclose(f);
  return b;
}

/* A config from text whose digits are the first n_train training images
 * (0: all of them) and, if with_test, the test split. */
static gl_config *digits_cfg(const char *text, int n_train, int with_test) {
  gl_config *c = cfg_from(text);
  size_t rec = 1 + (size_t)train_bytes[8] * train_bytes[9];
  size_t len = n_train ? 16 + (size_t)n_train * rec : train_len;
  unsigned char *b = malloc(len);
  memcpy(b, train_bytes, len);
  if (n_train) {
    b[12] = (unsigned char)n_train;
    b[13] = (unsigned char)(n_train >> 8);
    b[14] = b[15] = 0;
  }
  int rc = gl_config_set_digits(c, GL_SPLIT_TRAIN, b, len);
  if (rc) CHECK(0, "set_digits: %s", gl_config_errmsg(c));
  free(b);
  if (with_test) gl_config_set_digits(c, GL_SPLIT_TEST, test_bytes, test_len);
  return c;
}

static gl_net *make(const char *text, int arch, int n_train, int with_test) {
  gl_config *c = digits_cfg(text, n_train, with_test);
  gl_net *n = NULL;
  if (gl_create(c, arch, &n)) {
    CHECK(0, "create '%s': %s", text, gl_config_errmsg(c));
    n = NULL;
  }
  gl_config_free(c);
  return n;
}

static int cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Median over seeds 1..5 of log10(grad_norm[conv_1] / grad_norm[fc]) at init,
 * on the first 64 training digits (full batch). */
static double median_log_ratio(const char *text, int arch) {
  double r[5];
  char buf[512];
  for (int s = 0; s < 5; s++) {
    snprintf(buf, sizeof buf, "%s seed=%d", text, s + 1);
    gl_net *n = make(buf, arch, 64, 0);
    if (!n) return NAN;
    gl_measure(n);
    const double *g = gl_record_field(n, GL_GRAD_NORM);
    r[s] = log10(g[0] / g[gl_n_layers(n) - 1]);
    gl_free(n);
  }
  qsort(r, 5, sizeof(double), cmpd);
  return r[2];
}

static void test_vanishing(void) {
  printf("conv lesson claims (blocks 10, channels 8, sigmoid, xavier; medians over seeds 1..5)\n");
  const char *base = "model=conv data=digits blocks=10 channels=8 pool=1 act=sigmoid init=xavier";
  char t[512];
  snprintf(t, sizeof t, "%s form=pre", base);
  double plain = median_log_ratio(t, GL_ARCH_PLAIN), res = median_log_ratio(t, GL_ARCH_RESIDUAL);
  CHECK(plain <= -10, "plain conv stack: log10(grad_norm[conv_1] / grad_norm[fc]) = %.2f <= -10",
        plain);
  CHECK(res >= -3, "its residual twin (form pre): log10 ratio = %.2f >= -3", res);
  snprintf(t, sizeof t, "%s form=post", base);
  double post = median_log_ratio(t, GL_ARCH_RESIDUAL);
  CHECK(post <= -6, "form post (phi after the add) still vanishes: log10 ratio = %.2f <= -6", post);
}

/* Both residual forms without their shortcut are exactly the plain conv stack. */
static void test_no_shortcut_is_plain(void) {
  printf("conv residual without shortcut == plain\n");
  const char *forms[] = {"pre", "post"}, *norms[] = {"none", "batch", "layer"};
  for (int nm = 0; nm < 3; nm++)
  for (int f = 0; f < 2; f++)
    for (int pool = 0; pool <= 1; pool++) {
      char t[256];
      snprintf(t, sizeof t,
               "model=conv data=digits blocks=3 channels=4 pool=%d form=%s act=tanh batch=16 "
               "record_every=1 norm=%s",
               pool, forms[f], norms[nm]);
      gl_config *c = digits_cfg(t, 64, 0);
      gl_net *p = NULL, *r = NULL;
      gl_create(c, GL_ARCH_PLAIN, &p);
      gl_create_ex(c, GL_ARCH_RESIDUAL, 0, &r);
      if (!p || !r) {
        CHECK(0, "create %s", gl_config_errmsg(c));
        return;
      }
      double worst = 0;
      for (int step = 0; step < 4; step++) {
        gl_step(p, 1);
        gl_step(r, 1);
        for (int fd = 0; fd < GL_N_FIELDS; fd++) {
          /* chi and what is made of it (the theory line, the mean-field chain) are wired per architecture */
          if (fd == GL_CHI || fd == GL_GRAD_NORM_THEORY || fd == GL_CHAIN_FACTOR_THEORY || fd == GL_CHAIN_PRODUCT_THEORY ||
              fd == GL_ACT_GRAD_NORM_THEORY || fd == GL_GRAD_FACTOR_THEORY || fd == GL_ACT_SLOPE_SQ)
            continue;
          const double *a = gl_record_field(p, fd), *b = gl_record_field(r, fd);
          for (int l = 0; l < gl_n_layers(p); l++) worst = fmax(worst, fabs(a[l] - b[l]));
        }
        worst = fmax(worst, fabs(gl_record_loss(p) - gl_record_loss(r)));
        worst = fmax(worst, fabs(gl_record_test_loss(p) - gl_record_test_loss(r)));
      }
      CHECK(worst == 0,
            "norm %s form %s pool %d without shortcut: largest difference from plain over 4 steps "
            "(every field but chi and the theory made of it, loss, test loss) %.3g",
            norms[nm], forms[f], pool, worst);
      gl_free(p);
      gl_free(r);
      gl_config_free(c);
    }
}

/* The per-block factors of the conv net (blocks.c): every form, norm and
 * pooling, the rules of block_rules (test_util.h: the telescoped product,
 * the triangle, pre form's exact shortcut share of 1, or 1/2 where a block
 * pools its sum, the layers of each block), and the net without shortcuts,
 * whose blocks pass back only their branch's part, bit for bit. */
static void test_blocks(void) {
  printf("conv residual blocks: block_factor, block_shortcut, block_branch, stem and head\n");
  const char *forms[] = {"pre", "post"}, *norms[] = {"none", "batch", "layer"};
  for (int nm = 0; nm < 3; nm++)
    for (int f = 0; f < 2; f++)
      for (int pool = 0; pool <= 1; pool++) {
        char t[256], why[256] = "";
        snprintf(t, sizeof t, "model=conv data=digits blocks=3 channels=4 pool=%d form=%s act=relu "
                 "init=he batch=16 record_every=1 norm=%s optimizer=momentum lr=0.05", pool, forms[f],
                 norms[nm]);
        gl_config *c = digits_cfg(t, 64, 0);
        gl_net *r = NULL, *w = NULL;
        gl_create(c, GL_ARCH_RESIDUAL, &r);
        gl_create_ex(c, GL_ARCH_RESIDUAL, 0, &w);
        gl_config_free(c);
        if (!r || !w) {
          CHECK(0, "create %s", t);
          gl_free(r);
          gl_free(w);
          return;
        }
        const int ends[3] = {pool, 0, 0}; /* 3 blocks, one pooling: block 0 ends the first stage */
        int bad = 0, twin_bad = 0;
        double tele = 0;
        for (int step = 0; step < 3; step++) {
          gl_step(r, 1);
          gl_step(w, 1);
          bad += block_rules(r, f == 0, 2, 2, ends, &tele, why, sizeof why);
          twin_bad += twin_rules(w);
        }
        CHECK(!bad, "norm %s form %s pool %d, 3 steps: product = chain_product (worst %.1e), triangle, "
              "layers%s %s", norms[nm], forms[f], pool, tele,
              f == 0 ? (pool ? ", stem = chain_factor[1], shortcut 1/2 at the pooling block, else 1"
                             : ", stem = chain_factor[1], shortcut 1")
                     : "",
              why);
        CHECK(twin_bad == 0, "norm %s form %s pool %d without shortcuts: shortcut 0, branch = factor bit "
              "for bit (%d blocks of 3 records differ)", norms[nm], forms[f], pool, twin_bad);
        gl_free(r);
        gl_free(w);
      }
}

/* The per-block factors, stem_factor and head_factor of two nets, bit for bit. */
static int same_blocks(const gl_net *a, const gl_net *b) {
  int same = gl_n_blocks(a) == gl_n_blocks(b);
  for (int f = 0; f < GL_N_BLOCK_FIELDS && same; f++)
    same &= !memcmp(gl_record_block_field(a, f), gl_record_block_field(b, f),
                    sizeof(double) * (size_t)gl_n_blocks(a));
  const double x[] = {gl_record_stem_factor(a), gl_record_head_factor(a)};
  const double y[] = {gl_record_stem_factor(b), gl_record_head_factor(b)};
  return same && !memcmp(x, y, sizeof x);
}

static void test_layers_and_records(void) {
  printf("conv layers, chi, records, determinism\n");
  gl_net *n = make("model=conv data=digits blocks=3 channels=4 act=linear init=he batch=32",
                   GL_ARCH_RESIDUAL, 0, 1);
  if (!n) return;
  CHECK(gl_n_layers(n) == 8 && gl_n_blocks(n) == 3 && !strcmp(gl_layer_name(n, 1), "conv_1") &&
            !strcmp(gl_layer_name(n, 7), "conv_7") && !strcmp(gl_layer_name(n, 8), "fc"),
        "3 blocks: %d layers %s .. %s, %s; %d blocks", gl_n_layers(n), gl_layer_name(n, 1),
        gl_layer_name(n, 7), gl_layer_name(n, 8), gl_n_blocks(n));
  CHECK(gl_n_points(n) == 1000 && gl_n_test_points(n) == 500 && gl_n_inputs(n) == 196 &&
            gl_image_height(n) == 14 && gl_image_width(n) == 14 && gl_n_classes(n) == 10,
        "digits: %d training and %d test images of %dx%d, %d classes", gl_n_points(n),
        gl_n_test_points(n), gl_image_height(n), gl_image_width(n), gl_n_classes(n));
  double lo = 1, hi = 0;
  for (int i = 0; i < gl_n_points(n) * gl_n_inputs(n); i++) {
    lo = fmin(lo, gl_data_x(n)[i]);
    hi = fmax(hi, gl_data_x(n)[i]);
  }
  CHECK(lo == 0 && hi == 1, "pixels in [%g, %g] (background 0, ink 1)", lo, hi);
  gl_measure(n);
  /* linear phi: chi = fan_in * var(W) with fan_in = 9 c_in for a conv */
  const gl_layer *L = &n->layers[1];
  const size_t nw = (size_t)L->in * L->out;
  double s = 0, s2 = 0;
  for (size_t i = 0; i < nw; i++) {
    s += n->params[L->w_off + i];
    s2 += (double)n->params[L->w_off + i] * n->params[L->w_off + i];
  }
  double var = s2 / nw - (s / nw) * (s / nw), chi = gl_record_field(n, GL_CHI)[1];
  CHECK(L->in == 36 && fabs(chi - 36 * var) < 1e-6 * chi && fabs(chi - 2) < 0.5,
        "conv_2 fan_in %d, chi %.4f = 9 c_in var(W) = %.4f (he: about 2)", L->in, chi, 36 * var);
  double ta = gl_record_test_acc(n), tl = gl_record_test_loss(n);
  CHECK(ta >= 0 && ta <= 1 && tl > 0 && isfinite(tl), "test split recorded: test_loss %.3f, test_acc %.3f",
        tl, ta);
  double *p = malloc(sizeof(double) * 10 * 7);
  int rc = gl_predict_test(n, 493, 7, p);
  double worst = 0;
  for (int i = 0; i < 7; i++) {
    double sum = 0;
    for (int c = 0; c < 10; c++) sum += p[i * 10 + c];
    worst = fmax(worst, fabs(sum - 1));
  }
  CHECK(rc == 0 && worst < 1e-9, "predict_test of the last 7 test images: probabilities sum to 1 (worst %.1g)", worst);
  rc = gl_predict_test(n, 495, 6, p);
  CHECK(rc == GL_EINVAL && strstr(gl_errmsg(n), "predict_test"), "predict_test past the end: %s", gl_errmsg(n));
  free(p);
  gl_free(n);
  n = make("model=conv data=digits blocks=2 channels=4 batch=0", GL_ARCH_PLAIN, 40, 0);
  gl_measure(n);
  CHECK(gl_record_test_acc(n) == -1 && gl_n_test_points(n) == 0 && gl_test_x(n) == NULL,
        "without a test split: test_acc %g, %d test points", gl_record_test_acc(n), gl_n_test_points(n));
  gl_free(n);
  const char *t = "model=conv data=digits blocks=2 channels=4 act=relu init=he batch=16 record_every=3 "
                  "optimizer=momentum lr=0.05 clip=1 hist=1";
  gl_net *a = make(t, GL_ARCH_RESIDUAL, 128, 0), *b = make(t, GL_ARCH_RESIDUAL, 128, 0);
  gl_step(a, 7);
  gl_step(b, 7);
  int same = gl_record_step(a) == 6;
  for (int l = 0; l < gl_n_layers(a); l++)
    same &= gl_record_field(a, GL_GRAD_NORM)[l] == gl_record_field(b, GL_GRAD_NORM)[l] &&
            gl_record_field(a, GL_UPDATE_RATIO)[l] > 0;
  CHECK(same && gl_record_loss(a) == gl_record_loss(b),
        "same seed, same numbers after 7 steps (record at step %ld, every update_ratio > 0)",
        gl_record_step(a));
  /* on helper threads the products split by rows or columns: the same bits */
  const int counts[] = {2, 3, 8};
  for (int k = 0; k < 3; k++) {
    gl_threads_set(counts[k]);
    gl_net *c = make(t, GL_ARCH_RESIDUAL, 128, 0);
    gl_step(c, 7);
    int bits = gl_record_step(c) == gl_record_step(a);
    for (int f = 0; f < GL_N_FIELDS; f++)
      bits &= !memcmp(gl_record_field(a, f), gl_record_field(c, f),
                      sizeof(double) * (size_t)gl_n_layers(a));
    bits &= same_blocks(a, c);
    const double la = gl_record_loss(a), lc = gl_record_loss(c);
    bits &= same_hist(a, c);
    CHECK(bits && !memcmp(&la, &lc, sizeof la), "%d threads: every field of the record and its histograms, bit for bit",
          counts[k]);
    gl_free(c);
  }
  gl_threads_set(1);
  gl_free(a);
  gl_free(b);
  /* the same with batch and layer norm (plain and post: pooling before and after the norm) */
  static const char *nt[] = {
      "model=conv data=digits blocks=2 channels=4 act=relu init=he batch=16 record_every=3 "
      "optimizer=adam lr=0.01 norm=batch hist=1",
      "model=conv data=digits blocks=2 channels=4 act=tanh batch=16 record_every=2 form=post "
      "optimizer=momentum lr=0.05 clip=1 norm=layer hist=1",
      "model=conv data=digits blocks=3 channels=4 act=relu init=he batch=16 record_every=1 form=post "
      "optimizer=momentum lr=0.05 norm=batch hist=1",
      /* 16 channels at batch 48: a layer's images in chunks of 8 on one thread, 16 on two, 24 on
       * three, 32 and 16 on more (conv.c's chunk_images): the bits must not follow them */
      "model=conv data=digits blocks=2 channels=16 act=relu init=he batch=48 record_every=2 "
      "optimizer=sgd lr=0.01 hist=1"};
  for (int q = 0; q < 4; q++)
    for (int arch = 0; arch < 2; arch++) {
      gl_threads_set(1);
      gl_net *x = make(nt[q], arch, 128, 1);
      if (!x) continue;
      gl_step(x, 7);
      int bits = 1;
      for (int k = 0; k < 3; k++) {
        gl_threads_set(counts[k]);
        gl_net *c = make(nt[q], arch, 128, 1);
        if (!c) continue;
        gl_step(c, 7);
        bits &= gl_record_step(c) == gl_record_step(x);
        for (int f = 0; f < GL_N_FIELDS; f++)
          bits &= !memcmp(gl_record_field(x, f), gl_record_field(c, f),
                          sizeof(double) * (size_t)gl_n_layers(x));
        bits &= same_blocks(x, c);
        const double lx = gl_record_loss(x), lc = gl_record_loss(c);
        const double tx = gl_record_test_loss(x), tc = gl_record_test_loss(c);
        bits &= !memcmp(&lx, &lc, sizeof lx) && !memcmp(&tx, &tc, sizeof tx) && same_hist(x, c);
        gl_free(c);
      }
      CHECK(bits, "%s %s: 1, 2, 3 and 8 threads, every field, histogram, loss and test loss bit for bit",
            arch ? "residual" : "plain", nt[q]);
      gl_free(x);
    }
  gl_threads_set(1);
}

/* A conv record measures loss and accuracy on the first GL_CONV_EVAL (50)
 * images of each split: net a (all 1,000 training images, batch 32, the
 * whole test split) records at step 0 what net b, given only those first 50
 * images of each split and trained full batch, measures on all of its data. */
static void test_eval_subset(void) {
  enum { EVAL = 50 }; /* gl_internal.h GL_CONV_EVAL, as docs/architecture.md says */
  const char *t = "model=conv data=digits blocks=2 channels=4 act=relu init=he batch=32";
  gl_net *a = make(t, GL_ARCH_RESIDUAL, 0, 1);
  gl_config *c = digits_cfg("model=conv data=digits blocks=2 channels=4 act=relu init=he batch=0", EVAL, 0);
  size_t rec = 1 + (size_t)test_bytes[8] * test_bytes[9], len = 16 + EVAL * rec;
  unsigned char *tb = malloc(len);
  memcpy(tb, test_bytes, len);
  tb[12] = EVAL;
  tb[13] = tb[14] = tb[15] = 0;
  CHECK(gl_config_set_digits(c, GL_SPLIT_TEST, tb, len) == GL_OK, "the first %d test images: %s", EVAL, gl_config_errmsg(c));
  free(tb);
  gl_net *b = NULL;
  CHECK(gl_create(c, GL_ARCH_RESIDUAL, &b) == GL_OK, "create b: %s", gl_config_errmsg(c));
  gl_config_free(c);
  if (!a || !b) return;
  gl_measure(a);
  gl_measure(b);
  const double la = gl_record_loss(a), lb = gl_record_loss(b);
  const double ta = gl_record_test_loss(a), tb2 = gl_record_test_loss(b);
  CHECK(gl_n_points(a) == 1000 && gl_n_test_points(a) == 500 && gl_n_points(b) == EVAL && gl_n_test_points(b) == EVAL,
        "a has %d + %d images, b %d + %d", gl_n_points(a), gl_n_test_points(a), gl_n_points(b), gl_n_test_points(b));
  CHECK(fabs(la - lb) <= 1e-9 * fabs(lb) && gl_record_acc(a) == gl_record_acc(b),
        "training loss %.12g vs %.12g, accuracy %g vs %g: the first %d images", la, lb, gl_record_acc(a), gl_record_acc(b), EVAL);
  CHECK(fabs(ta - tb2) <= 1e-9 * fabs(tb2) && gl_record_test_acc(a) == gl_record_test_acc(b),
        "test loss %.12g vs %.12g, accuracy %g vs %g: the first %d test images", ta, tb2,
        gl_record_test_acc(a), gl_record_test_acc(b), EVAL);
  /* what the readers are told (gl_eval_count): a measures on EVAL of each split; b, full
   * batch without batch norm, on all of its own; a dense net on the whole set */
  CHECK(gl_eval_count(a) == EVAL && gl_eval_test_count(a) == EVAL && gl_eval_count(b) == EVAL &&
            gl_eval_test_count(b) == EVAL,
        "gl_eval_count: a %d + %d, b %d + %d (%d each)", gl_eval_count(a), gl_eval_test_count(a),
        gl_eval_count(b), gl_eval_test_count(b), EVAL);
  {
    gl_net *full = make("model=conv data=digits blocks=1 channels=2 pool=0 batch=0", GL_ARCH_PLAIN, 0, 1);
    gl_net *bn = make("model=conv data=digits blocks=1 channels=2 pool=0 batch=0 norm=batch", GL_ARCH_PLAIN, 0, 1);
    gl_net *dense = make("model=dense data=digits depth=2 width=8 batch=32", GL_ARCH_PLAIN, 0, 1);
    if (full && bn && dense)
      CHECK(gl_eval_count(full) == 1000 && gl_eval_test_count(full) == EVAL && gl_eval_count(bn) == EVAL &&
                gl_eval_count(dense) == 1000 && gl_eval_test_count(dense) == 500,
            "gl_eval_count: conv full batch %d + %d, with batch norm %d, dense %d + %d",
            gl_eval_count(full), gl_eval_test_count(full), gl_eval_count(bn), gl_eval_count(dense),
            gl_eval_test_count(dense));
    gl_free(full);
    gl_free(bn);
    gl_free(dense);
  }
  /* EVAL images: the accuracies are whole multiples of 1/EVAL */
  CHECK(fabs(gl_record_acc(a) * EVAL - round(gl_record_acc(a) * EVAL)) < 1e-9 &&
            fabs(gl_record_test_acc(a) * EVAL - round(gl_record_test_acc(a) * EVAL)) < 1e-9,
        "accuracies %g, %g on %d images", gl_record_acc(a), gl_record_test_acc(a), EVAL);
  gl_free(a);
  gl_free(b);
}

static void test_training(void) {
  printf("training on the digits (blocks 2, channels 8, relu, he, Adam lr 0.01, batch 32)\n");
  const char *t = "model=conv data=digits blocks=2 channels=8 act=relu init=he optimizer=adam "
                  "lr=0.01 batch=32 record_every=1000";
  gl_net *n = make(t, GL_ARCH_RESIDUAL, 0, 1);
  if (!n) return;
  gl_measure(n);
  double acc0 = gl_record_test_acc(n);
  gl_step(n, 200);
  gl_measure(n);
  CHECK(gl_status(n) == GL_STATUS_OK && gl_record_test_acc(n) > 0.6 && acc0 < 0.2,
        "residual, 200 steps: test accuracy %.3f -> %.3f (> 0.6), training loss %.3f", acc0,
        gl_record_test_acc(n), gl_record_loss(n));
  gl_free(n);
}

static void expect_create_error(gl_config *c, int code, const char *needle, const char *what) {
  gl_net *n = (gl_net *)1;
  int rc = gl_create(c, GL_ARCH_FROM_CONFIG, &n);
  CHECK(rc == code && n == NULL && strstr(gl_config_errmsg(c), needle), "%s -> %s: %s", what,
        gl_errstr(rc), gl_config_errmsg(c));
}

static void test_bad_input(void) {
  printf("conv: invalid input\n");
  gl_config *c = cfg_from("model=conv arch=plain data=spiral");
  expect_create_error(c, GL_EINVAL, "model", "model=conv data=spiral");
  gl_config_set(c, "data", "digits");
  expect_create_error(c, GL_EINVAL, "data", "data=digits without images");
  gl_config_free(c);
  c = digits_cfg("model=conv data=digits arch=plain blocks=2 pool=2", 0, 0);
  expect_create_error(c, GL_EINVAL, "pool", "blocks=2 pool=2");
  gl_config_set(c, "blocks", "100");
  gl_config_set(c, "channels", "64");
  gl_config_set(c, "pool", "0");
  expect_create_error(c, GL_ENOMEM, "blocks/channels/batch", "blocks=100 channels=64, full batch of 1000");
  gl_config_free(c);
  gl_config_new(&c);
  struct { const char *name, *value; } bad[] = {{"model", "rnn"}, {"blocks", "0"}, {"blocks", "101"},
                                                {"channels", "0"}, {"channels", "65"}, {"pool", "-1"},
                                                {"pool", "4"}, {"data", "mnist"}};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int rc = gl_config_set(c, bad[i].name, bad[i].value);
    CHECK(rc == GL_EINVAL && strstr(gl_config_errmsg(c), bad[i].name), "set %s='%s' -> %s: %s",
          bad[i].name, bad[i].value, gl_errstr(rc), gl_config_errmsg(c));
  }
  /* malformed digits files */
  unsigned char b[16 + 2 * 5];
  memset(b, 0, sizeof b);
  memcpy(b, "GLDIGITS", 8);
  b[8] = 2; b[9] = 2; b[10] = 3; b[12] = 2;
  struct { int at, value; size_t len; const char *needle, *what; } files[] = {
      {0, 'X', sizeof b, "GLDIGITS", "wrong magic"},
      {-1, 0, 10, "GLDIGITS", "shorter than the header"},
      {-1, 0, sizeof b - 1, "bytes", "one byte short"},
      {8, 1, sizeof b, "2..64", "1-pixel images"},
      {10, 1, sizeof b, "classes", "one class"},
      {12, 0, sizeof b, "images", "no images"},
      {21, 3, sizeof b, "label", "a label past the classes"}};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    unsigned char f[sizeof b];
    memcpy(f, b, sizeof b);
    if (files[i].at >= 0) f[files[i].at] = (unsigned char)files[i].value;
    int rc = gl_config_set_digits(c, GL_SPLIT_TRAIN, f, files[i].len);
    CHECK(rc == GL_EDATA && strstr(gl_config_errmsg(c), "digits") &&
              strstr(gl_config_errmsg(c), files[i].needle),
          "digits file with %s -> %s: %s", files[i].what, gl_errstr(rc), gl_config_errmsg(c));
  }
  CHECK(gl_config_set_digits(c, GL_SPLIT_TRAIN, b, sizeof b) == GL_OK &&
            gl_config_set_digits(c, 2, b, sizeof b) == GL_EMISUSE &&
            gl_config_set_digits(c, GL_SPLIT_TEST, NULL, 5) == GL_EMISUSE,
        "a valid 2x2 file is taken; split 2 and NULL bytes are misuse");
  /* the test split must match the training split */
  gl_config_parse(c, "model=dense data=digits arch=plain depth=2 width=4");
  gl_config_set_digits(c, GL_SPLIT_TEST, test_bytes, test_len);
  expect_create_error(c, GL_EDATA, "test images are 14x14", "2x2 training and 14x14 test images");
  /* pooling that halves 2x2 images twice */
  gl_config_set_digits(c, GL_SPLIT_TEST, NULL, 0);
  gl_config_parse(c, "model=conv blocks=3 pool=2");
  expect_create_error(c, GL_EINVAL, "pool", "pool=2 on 2x2 images");
  /* a copy keeps the images */
  gl_config_parse(c, "pool=1");
  gl_config *d;
  gl_config_copy(c, &d);
  gl_config_free(c);
  gl_net *n = NULL;
  int rc = gl_create(d, GL_ARCH_FROM_CONFIG, &n);
  CHECK(rc == GL_OK && gl_n_points(n) == 2 && gl_image_width(n) == 2,
        "gl_config_copy keeps the digits: %d images of %dx%d", rc ? -1 : gl_n_points(n),
        rc ? -1 : gl_image_height(n), rc ? -1 : gl_image_width(n));
  gl_free(n);
  gl_config_free(d);
  /* model=dense on the digits is a plain MLP on 196 inputs */
  n = make("model=dense data=digits depth=2 width=16 batch=50", GL_ARCH_PLAIN, 0, 1);
  if (n) {
    gl_measure(n);
    CHECK(gl_n_inputs(n) == 196 && !strcmp(gl_layer_name(n, 4), "Lin_out") && gl_record_test_acc(n) >= 0,
          "model=dense data=digits: %d inputs, layer 4 %s, test_acc %.3f", gl_n_inputs(n),
          gl_layer_name(n, 4), gl_record_test_acc(n));
    gl_free(n);
  }
}

/* A layer's card on the conv model (test_util.h card_rules): fan_in = 9 x the
 * channels in, chi's factors and ||W||, plain and residual, with batch norm. */
static void test_card_fields(void) {
  printf("the layer card's fields on conv layers\n");
  for (int norm = 0; norm < 2; norm++) {
    for (int arch = GL_ARCH_PLAIN; arch <= GL_ARCH_RESIDUAL; arch++) {
      gl_net *n = make(norm ? "model=conv data=digits blocks=2 channels=3 batch=16 record_every=1 act=relu init=he norm=batch"
                            : "model=conv data=digits blocks=2 channels=3 batch=16 record_every=1 act=tanh",
                       arch, 64, 0);
      if (!n) continue;
      int bad[4] = {0, 0, 0, 0};
      card_rules(n, 0, bad);
      card_rules(n, 1, bad);
      const double *fan = gl_record_field(n, GL_FAN_IN);
      CHECK(!bad[0] && !bad[1] && !bad[2] && !bad[3] && fan[0] == 9 && fan[1] == 27,
            "conv %s norm=%s: chi's factors (%d), fan_in %g, %g (%d), weight_norm (%d), weight_var (%d)",
            arch == GL_ARCH_PLAIN ? "plain" : "residual", norm ? "batch" : "none", bad[0], fan[0], fan[1], bad[1],
            bad[2], bad[3]);
      gl_free(n);
    }
  }
}

/* The float32 convolution (Winograd's F(2x2, 3x3) for y and dx, conv.c)
 * against the exact sums in double: each output's error over the sum of its
 * terms' magnitudes, the scale float32 rounding works on, next to the same
 * measure of a direct float32 sum in the old order (bias, then ci, ky, kx).
 * Random weights and inputs of both signs, 14x14 and 7x7 maps (odd: the
 * last tiles half off the map), the channel counts of the lesson and W3. */
static void test_winograd_accuracy(void) {
  static const int cases[][4] = {{8, 8, 14, 14}, {16, 16, 7, 7}, {3, 6, 5, 4}, {16, 8, 14, 14}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const int CI = cases[k][0], CO = cases[k][1], H = cases[k][2], W = cases[k][3], B = 5;
    const size_t HW = (size_t)H * W;
    gl_rng r;
    gl_rng_seed(&r, 7, (uint64_t)k);
    float *x = malloc(sizeof(float) * B * CI * HW), *Wt = malloc(sizeof(float) * 9 * CI * CO);
    float *b = malloc(sizeof(float) * CO), *y = malloc(sizeof(float) * B * CO * HW);
    float *g = malloc(sizeof(float) * B * CO * HW), *dx = malloc(sizeof(float) * B * CI * HW);
    float *sc = malloc(sizeof(float) * conv3x3_scratch(B, CI, CO, H, W));
    for (size_t i = 0; i < (size_t)B * CI * HW; i++) x[i] = (float)(2 * gl_rng_uniform(&r) - 1);
    for (size_t i = 0; i < (size_t)9 * CI * CO; i++) Wt[i] = (float)(gl_rng_normal(&r) / sqrt(9.0 * CI));
    for (int i = 0; i < CO; i++) b[i] = (float)(0.1 * gl_rng_normal(&r));
    for (size_t i = 0; i < (size_t)B * CO * HW; i++) g[i] = (float)gl_rng_normal(&r);
    conv3x3_forward(y, x, Wt, b, B, CI, CO, H, W, sc);
    conv3x3_backward_dx(dx, g, Wt, B, CI, CO, H, W, 0, sc);
    double ey = 0, ed = 0, ex = 0; /* Winograd y, direct float32 y, Winograd dx */
    for (int n = 0; n < B; n++)
      for (int co = 0; co < CO; co++)
        for (size_t p = 0; p < HW; p++) {
          const int oy = (int)(p / W), ox = (int)(p % W);
          double s = b[co], mag = fabs(b[co]);
          float f = b[co];
          for (int ci = 0; ci < CI; ci++)
            for (int q = 0; q < 9; q++) {
              const int iy = oy + q / 3 - 1, ix = ox + q % 3 - 1;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              const float a = x[((size_t)n * CI + ci) * HW + iy * W + ix], w = Wt[(size_t)(ci * 9 + q) * CO + co];
              s += (double)a * w;
              mag += fabs((double)a * w);
              f += a * w;
            }
          ey = fmax(ey, fabs(y[((size_t)n * CO + co) * HW + p] - s) / mag);
          ed = fmax(ed, fabs(f - s) / mag);
        }
    for (int n = 0; n < B; n++)
      for (int ci = 0; ci < CI; ci++)
        for (size_t p = 0; p < HW; p++) {
          const int iy = (int)(p / W), ix = (int)(p % W);
          double s = 0, mag = 0;
          for (int co = 0; co < CO; co++)
            for (int q = 0; q < 9; q++) { /* output pixel (iy - ky + 1, ix - kx + 1) saw this one */
              const int oy = iy - q / 3 + 1, ox = ix - q % 3 + 1;
              if (oy < 0 || oy >= H || ox < 0 || ox >= W) continue;
              const double t = (double)g[((size_t)n * CO + co) * HW + oy * W + ox] * Wt[(size_t)(ci * 9 + q) * CO + co];
              s += t;
              mag += fabs(t);
            }
          if (mag > 0) ex = fmax(ex, fabs(dx[((size_t)n * CI + ci) * HW + p] - s) / mag);
        }
    CHECK(ey < 1e-6 && ex < 1e-6,
          "Winograd in float32, c_in %d c_out %d %dx%d: worst error over the sum of |terms| y %.1e, dx %.1e "
          "(a direct float32 sum: %.1e; float32's epsilon 1.2e-7)", CI, CO, H, W, ey, ex, ed);
    free(x); free(Wt); free(b); free(y); free(g); free(dx); free(sc);
  }
}

int main(int argc, char **argv) {
  quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
  train_bytes = read_all("web/data/digits-train.bin", &train_len);
  test_bytes = read_all("web/data/digits-test.bin", &test_len);
  if (!train_bytes || !test_bytes) {
    printf("  FAIL  cannot read web/data/digits-{train,test}.bin (run from the repository root)\n");
    printf("0 passed, 1 failed\n");
    return 1;
  }
  timed(test_bad_input);
  timed(test_layers_and_records);
  timed(test_eval_subset);
  timed(test_no_shortcut_is_plain);
  timed(test_blocks);
  timed(test_card_fields);
  timed(test_winograd_accuracy);
  if (!quick) {
    timed(test_vanishing);
    timed(test_training);
  }
  free(train_bytes);
  free(test_bytes);
  return report();
}
