/*
 * test_util.h - a tiny test harness: CHECK prints what was compared and
 * counts; the runner ends with "N passed, N failed" and exits non-zero on
 * any failure.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../c_src/gl_internal.h"

static int t_pass, t_fail;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) {                                            \
      t_pass++;                                            \
      printf("  ok    ");                                  \
    } else {                                               \
      t_fail++;                                            \
      printf("  FAIL  ");                                  \
    }                                                      \
    printf(__VA_ARGS__);                                   \
    printf("   [%s:%d]\n", __FILE__, __LINE__);            \
  } while (0)

static inline gl_config *cfg_from(const char *text) {
  gl_config *c;
  if (gl_config_new(&c)) { printf("out of memory\n"); exit(1); }
  if (gl_config_parse(c, text)) {
    printf("  FAIL  config '%s': %s\n", text, gl_config_errmsg(c));
    t_fail++;
  }
  return c;
}

/* Runs one group of checks and prints its CPU time. */
static inline void timed(void (*f)(void)) {
  clock_t c = clock();
  f();
  printf("  (%.2f s)\n", (double)(clock() - c) / CLOCKS_PER_SEC);
}

/* The per-block factors of a residual net's last record (blocks.c), against
 * what they must be whatever the net:
 *   - stem_factor * prod_b block_factor_b * head_factor = chain_product of
 *     layer 1 (the telescoped ratio); worst relative difference in *tele;
 *   - |shortcut - branch| <= factor <= shortcut + branch (the triangle
 *     inequality, per example and so for the means), relative slack 1e-5;
 *   - pre form: block 0's input is Lin_1's (conv_1's) output, so stem_factor
 *     is chain_factor of layer 1 bit for bit; the shortcut share is 1
 *     exactly where the block ends in the add itself (ends_pool[b] = 0) and
 *     1/2 within 1e-6 where it pools (each of four pixels gets dy/4);
 *   - every block's layers are first_of(b) .. first_of(b) + per_block - 1.
 * ends_pool: per block, 1 when it ends a stage (conv; NULL: none). Returns
 * the number of broken rules and names the first in why. */
static inline int block_rules(const gl_net *n, int pre, int first_of0, int per_block,
                              const int *ends_pool, double *tele, char *why, size_t cap) {
  const int nb = gl_n_blocks(n), nl = gl_n_layers(n);
  const double *f = gl_record_block_field(n, GL_BLOCK_FACTOR);
  const double *s = gl_record_block_field(n, GL_BLOCK_SHORTCUT);
  const double *br = gl_record_block_field(n, GL_BLOCK_BRANCH);
  const double cp = gl_record_field(n, GL_CHAIN_PRODUCT)[0], cf = gl_record_field(n, GL_CHAIN_FACTOR)[0];
  double prod = gl_record_stem_factor(n) * gl_record_head_factor(n);
  int bad = 0;
  for (int b = 0; b < nb; b++) prod *= f[b];
  const double t = cp > 0 ? fabs(prod / cp - 1) : fabs(prod);
  if (t > *tele) *tele = t;
#define RULE(cond, ...) do { if (!(cond)) { if (!bad++) snprintf(why, cap, __VA_ARGS__); } } while (0)
  RULE(t <= 1e-12, "telescoped product %.17g vs chain_product %.17g", prod, cp);
  RULE(!pre || memcmp(&cf, &n->rec_stem, sizeof cf) == 0, "pre: stem_factor %.17g vs chain_factor[1] %.17g",
       gl_record_stem_factor(n), cf);
  for (int b = 0; b < nb; b++) {
    RULE(fabs(s[b] - br[b]) <= f[b] * (1 + 1e-5) + 1e-300 && f[b] <= (s[b] + br[b]) * (1 + 1e-5),
         "block %d: factor %.9g, shortcut %.9g, branch %.9g break the triangle", b, f[b], s[b], br[b]);
    const int pooled = ends_pool && ends_pool[b];
    RULE(!pre || (pooled ? fabs(s[b] - 0.5) < 1e-6 : s[b] == 1.0), "pre: block %d shortcut %.17g (pool %d)",
         b, s[b], pooled);
    RULE(gl_block_first_layer(n, b) == first_of0 + per_block * b &&
             gl_block_last_layer(n, b) == first_of0 + per_block * (b + 1) - 1,
         "block %d: layers %d..%d", b, gl_block_first_layer(n, b), gl_block_last_layer(n, b));
  }
  RULE(gl_block_last_layer(n, nb - 1) < nl && gl_block_first_layer(n, nb) == 0, "layers past the end");
#undef RULE
  return bad;
}

/* The residual net without shortcuts (gl_create_ex keep_shortcut = 0):
 * dL/dh_in is the branch's part alone, so block_branch is block_factor bit
 * for bit (the branch's part recomputed on its own equals what backward
 * wrote) and the shortcut share is 0.  Returns the blocks that break it. */
static inline int twin_rules(const gl_net *n) {
  const int nb = gl_n_blocks(n);
  const double *f = gl_record_block_field(n, GL_BLOCK_FACTOR);
  const double *s = gl_record_block_field(n, GL_BLOCK_SHORTCUT);
  const double *br = gl_record_block_field(n, GL_BLOCK_BRANCH);
  int bad = 0;
  for (int b = 0; b < nb; b++) bad += !(s[b] == 0 && memcmp(&f[b], &br[b], sizeof(double)) == 0 && f[b] > 0);
  return bad;
}

/* The record's histograms of two nets, count for count (hist.c). */
static inline int same_hist(const gl_net *a, const gl_net *b) {
  if (gl_n_layers(a) != gl_n_layers(b) || gl_record_hist_on(a) != gl_record_hist_on(b)) return 0;
  for (int k = 0; k < GL_N_HISTS; k++)
    if (gl_hist_bins(a, k) != gl_hist_bins(b, k) ||
        memcmp(gl_record_hist(a, k), gl_record_hist(b, k),
               sizeof(uint32_t) * (size_t)gl_n_layers(a) * gl_hist_bins(a, k)))
      return 0;
  return 1;
}

/* A layer's card (issue 25): chi's factors one by one and ||W||.  Measures n
 * (update = 0: gl_measure, the weights now; 1: one recorded step, the weights
 * the gradient was taken at, before its update) and counts the layers where
 * chi != fan_in * weight_var * act_slope_sq bit for bit (and layer 1's
 * act_slope_sq != 1: its input is x), fan_in is not the layer's, or
 * weight_norm, weight_var are not ||W||, var(W) of those weights.  bad[4]. */
static inline void card_rules(gl_net *n, int update, int bad[4]) {
  const int nl = gl_n_layers(n);
  double *w2 = malloc(sizeof(double) * (size_t)nl), *wv = malloc(sizeof(double) * (size_t)nl);
  for (int l = 0; l < nl; l++) {
    const gl_layer *L = &n->layers[l];
    const size_t nw = (size_t)L->in * L->out;
    double s = 0, m = 0;
    for (size_t i = 0; i < nw; i++) m += n->params[L->w_off + i];
    m /= (double)nw;
    for (size_t i = 0; i < nw; i++) s += (double)n->params[L->w_off + i] * n->params[L->w_off + i];
    w2[l] = s;
    wv[l] = s / (double)nw - m * m;
  }
  if (update) gl_step(n, 1);
  else gl_measure(n);
  const double *chi = gl_record_field(n, GL_CHI), *fan = gl_record_field(n, GL_FAN_IN);
  const double *var = gl_record_field(n, GL_WEIGHT_VAR), *e = gl_record_field(n, GL_ACT_SLOPE_SQ);
  const double *wn = gl_record_field(n, GL_WEIGHT_NORM);
  for (int l = 0; l < nl; l++) {
    bad[0] += fan[l] * var[l] * e[l] != chi[l];
    bad[1] += fan[l] != n->layers[l].in;
    bad[2] += !(fabs(wn[l] - sqrt(w2[l])) <= 1e-6 * sqrt(w2[l]));
    bad[3] += !(fabs(var[l] - wv[l]) <= 1e-5 * wv[l]);
  }
  bad[0] += e[0] != 1.0;
  free(w2);
  free(wv);
}

static inline int report(void) {
  printf("%d passed, %d failed\n", t_pass, t_fail);
  return t_fail ? 1 : 0;
}
#endif
