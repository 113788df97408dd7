/*
 * test_util.h - a tiny test harness: CHECK prints what was compared and
 * counts; the runner ends with "N passed, N failed" and exits non-zero on
 * any failure.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H
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

static inline int report(void) {
  printf("%d passed, %d failed\n", t_pass, t_fail);
  return t_fail ? 1 : 0;
}
#endif
