/*
 * bench.c - training speed of the native build on fixed workloads (a
 * benchmark, not a test): warm-up, then RUNS timed runs of RUN_S seconds;
 * prints the median as
 *   bench W1 native steps_per_s=NNN gflops=NNN
 *   bench W1 native threads=2 steps_per_s=NNN gflops=NNN   (the same net on THREADS threads)
 * FLOPs per step = 6 * batch * sum over layers of fan_in * fan_out (forward,
 * and the two products of backward), times the map's pixels for a conv layer
 * (fan_in = 9 c_in).  Workloads: tests/bench/workloads.json.  W3 (the conv
 * ResNet) trains on the first `images` digits of web/data/digits-train.bin,
 * full batch, as W1/W2 train on points = batch (`images` is the benchmark's
 * own key, not an engine setting).
 * W1bn and W3bn are W1 and W3 with norm=batch.  Their speed is measured
 * against the workload without normalisation in the same run, the two nets
 * taking turns (a run of each, RUNS times), and printed as the median ratio
 * of step times:
 *   bench W1bn native time_ratio_to_W1=1.NN  (steps/s ...)
 * then the floor of that ratio (eval_pass_floor: the base with one more
 * forward pass per step, the record's evaluation pass without batch norm),
 *   bench W1bn native eval_pass_floor=1.NN  (...)
 * and W1bn once more with record_every=10 for both nets, the line naming it
 * (batch norm's own cost, mostly without the record's evaluation pass):
 *   bench W1bn native record_every=10 time_ratio_to_W1=1.NN  (...)
 * The per-block statistics of a residual net (blocks.c) against the same net
 * without them, the two taking turns, every step recorded:
 *   bench blocks R1 native time_ratio=1.NNN  (...)
 * for R1 (tests/bench/workloads.json: the lesson's dense pre stack) and W3
 * (conv pre), and both in post form (where the branch's part costs one more
 * matrix product or convolution backward per block).
 * The machine's speed drifts by 2x between runs (and within one, when the
 * cores are shared): only a ratio of interleaved runs compares.
 * Environment: RUN_S (default 2), RUNS (default 5), WARM_S (default 1), THREADS (default 2;
 * 1 prints the one-thread line only).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../c_src/gl_internal.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double env_d(const char *name, double def) {
  const char *v = getenv(name);
  return v && *v ? atof(v) : def;
}

/* Reads "NAME": "settings" from workloads.json (one per line). */
static int workload(const char *name, char *out, size_t cap) {
  FILE *f = fopen("tests/bench/workloads.json", "r");
  if (!f) return 0;
  char line[1024], key[32];
  snprintf(key, sizeof key, "\"%s\": \"", name);
  int found = 0;
  while (fgets(line, sizeof line, f)) {
    char *p = strstr(line, key);
    if (!p) continue;
    p += strlen(key);
    char *e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= cap) break;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = '\0';
    found = 1;
    break;
  }
  fclose(f);
  return found;
}

/* Removes "images=N" from the workload text; returns N (0 if absent). */
static int take_images(char *text) {
  char *p = strstr(text, "images=");
  if (!p) return 0;
  int n = atoi(p + 7);
  char *e = p + 7;
  while (*e && *e != ' ') e++;
  memmove(p, e, strlen(e) + 1);
  return n;
}

/* The first n images of the digits training file, as a digits file of its own. */
static int load_digits(gl_config *cfg, int n) {
  FILE *f = fopen("web/data/digits-train.bin", "rb");
  if (!f) return 0;
  unsigned char head[16];
  int ok = fread(head, 1, 16, f) == 16;
  size_t rec = 1 + (size_t)head[8] * head[9], len = 16 + (size_t)n * rec;
  unsigned char *b = malloc(len);
  memcpy(b, head, 16);
  ok = ok && fread(b + 16, 1, len - 16, f) == len - 16;
  fclose(f);
  b[12] = (unsigned char)n;
  b[13] = (unsigned char)(n >> 8);
  b[14] = b[15] = 0;
  ok = ok && gl_config_set_digits(cfg, GL_SPLIT_TRAIN, b, len) == GL_OK;
  free(b);
  return ok;
}

/* Creates the net of workload `name` (extra: more settings, or NULL); NULL on failure. */
static gl_net *make_net(const char *name, const char *extra, gl_config **cfg_out) {
  char text[1024];
  if (!workload(name, text, sizeof text)) {
    fprintf(stderr, "bench: workload %s not found in tests/bench/workloads.json\n", name);
    return NULL;
  }
  gl_config *cfg;
  gl_config_new(&cfg);
  const int images = take_images(text);
  if (images > 0 && !load_digits(cfg, images)) {
    fprintf(stderr, "bench: %s: cannot read %d images from web/data/digits-train.bin\n", name, images);
    return NULL;
  }
  gl_net *net;
  if (gl_config_parse(cfg, text) || (extra && gl_config_parse(cfg, extra)) ||
      gl_create(cfg, GL_ARCH_FROM_CONFIG, &net)) {
    fprintf(stderr, "bench: %s: %s\n", name, gl_config_errmsg(cfg));
    return NULL;
  }
  *cfg_out = cfg;
  return net;
}

/* Steps per second of net over about secs seconds.  With eval > 0 each step
 * is followed by one more forward pass over the first eval training
 * examples, as a batch norm net's record makes (in evaluation mode; without
 * normalisation that is a plain forward pass): the matrix products and
 * activations that the record's evaluation adds, with none of batch norm's
 * own kernels. */
static double rate_of(gl_net *net, int eval, double secs) {
  long steps = 0;
  double s0 = now_s(), el, loss, acc;
  do {
    gl_step(net, 1);
    if (eval) gl_evaluate(net, &net->data, eval, &loss, &acc);
    steps++;
    el = now_s() - s0;
  } while (el < secs);
  return steps / el;
}

/* W1bn / W3bn: the base workload and the same with norm=batch, interleaved;
 * extra (or NULL): more settings for both, named in the line.  Without
 * extra, a third net takes its turn too: the base with one more forward pass
 * per step over the examples the batch norm net's record evaluates on,
 * printed as eval_pass_floor, the least time ratio those semantics allow
 * (what the record's evaluation pass costs, batch norm's kernels free). */
static int bench_norm(const char *name, const char *base, const char *extra, int runs, double run_s,
                      double warm_s) {
  gl_config *ca, *cb;
  char bn[128];
  snprintf(bn, sizeof bn, "norm=batch %s", extra ? extra : "");
  gl_config *cf = NULL;
  gl_net *a = make_net(base, extra, &ca), *b = a ? make_net(base, bn, &cb) : NULL;
  gl_net *f = b && !extra ? make_net(base, NULL, &cf) : NULL;
  if (!a || !b || (!extra && !f)) return 1;
  const int count = gl_eval_count(b);
  const int threads = (int)env_d("THREADS", 2);
  for (int pass = 0; pass < (threads > 1 ? 2 : 1); pass++) {
    if (gl_threads_set(pass ? threads : 1)) {
      fprintf(stderr, "bench: %s\n", gl_threads_errmsg());
      return 1;
    }
    rate_of(a, 0, warm_s / 2);
    rate_of(b, 0, warm_s / 2);
    if (f) rate_of(f, count, warm_s / 2);
    double ra[50], rb[50], ratio[50], floor_r[50];
    for (int r = 0; r < runs; r++) {
      ra[r] = rate_of(a, 0, run_s / 2);
      rb[r] = rate_of(b, 0, run_s / 2);
      ratio[r] = ra[r] / rb[r];
      if (f) floor_r[r] = ra[r] / rate_of(f, count, run_s / 2);
    }
    qsort(ra, (size_t)runs, sizeof(double), cmpd);
    qsort(rb, (size_t)runs, sizeof(double), cmpd);
    qsort(ratio, (size_t)runs, sizeof(double), cmpd);
    if (f) qsort(floor_r, (size_t)runs, sizeof(double), cmpd);
    char where[64] = "native";
    if (pass) snprintf(where, sizeof where, "native threads=%d", threads);
    if (extra) snprintf(where + strlen(where), sizeof where - strlen(where), " %s", extra);
    printf("bench %s %s time_ratio_to_%s=%.3f  (steps/s %.1f with norm=batch, %.1f without; "
           "%d interleaved pairs of %.1f s, ratios %.3f .. %.3f, status %s)\n",
           name, where, base, ratio[runs / 2], rb[runs / 2], ra[runs / 2], runs, run_s / 2,
           ratio[0], ratio[runs - 1], gl_status(b) == GL_STATUS_OK ? "ok" : "diverged");
    if (f)
      printf("bench %s %s eval_pass_floor=%.3f  (%s with one more forward pass over its first %d "
             "examples per step, as the record of norm=batch makes; ratios %.3f .. %.3f)\n",
             name, where, floor_r[runs / 2], base, count, floor_r[0], floor_r[runs - 1]);
    fflush(stdout);
  }
  gl_threads_set(1);
  gl_free(a);
  gl_free(b);
  gl_free(f);
  gl_config_free(ca);
  gl_config_free(cb);
  gl_config_free(cf);
  return 0;
}

/* What the per-block statistics (gl_measure_blocks) add to a recorded step:
 * net a records them; net b is the same net with n_blocks set to 0 after
 * create, which skips gl_measure_blocks and nothing else (its res_scale is
 * not rezero, so no learned scale is counted by n_blocks).  Every step is
 * recorded (record_every=1); the two take turns, RUNS pairs, and the line
 * prints the median ratio of step times.  Afterwards every per-layer field of
 * the two records is compared: the statistics change no other number. */
static int bench_blocks(const char *base, const char *extra, int runs, double run_s, double warm_s) {
  gl_config *ca, *cb;
  gl_net *a = make_net(base, extra, &ca), *b = a ? make_net(base, extra, &cb) : NULL;
  if (!a || !b) return 1;
  if (!a->n_blocks || a->s.res_scale_kind == SCALE_REZERO || a->s.record_every != 1) {
    fprintf(stderr, "bench: blocks %s: needs a residual net without rezero, recording every step\n", base);
    return 1;
  }
  b->n_blocks = 0;
  const int threads = (int)env_d("THREADS", 2);
  for (int pass = 0; pass < (threads > 1 ? 2 : 1); pass++) {
    if (gl_threads_set(pass ? threads : 1)) {
      fprintf(stderr, "bench: %s\n", gl_threads_errmsg());
      return 1;
    }
    rate_of(a, 0, warm_s / 2);
    rate_of(b, 0, warm_s / 2);
    double ratio[50], ra[50], rb[50];
    for (int r = 0; r < runs; r++) {
      ra[r] = rate_of(a, 0, run_s / 2);
      rb[r] = rate_of(b, 0, run_s / 2);
      ratio[r] = rb[r] / ra[r];
    }
    qsort(ra, (size_t)runs, sizeof(double), cmpd);
    qsort(rb, (size_t)runs, sizeof(double), cmpd);
    qsort(ratio, (size_t)runs, sizeof(double), cmpd);
    char where[64] = "native";
    if (pass) snprintf(where, sizeof where, "native threads=%d", threads);
    printf("bench blocks %s%s%s %s time_ratio=%.3f  (recorded steps/s %.1f with the block statistics, "
           "%.1f without; %d blocks; %d interleaved pairs of %.1f s, ratios %.3f .. %.3f)\n",
           base, extra ? " " : "", extra ? extra : "", where, ratio[runs / 2], ra[runs / 2], rb[runs / 2],
           a->n_blocks, runs, run_s / 2, ratio[0], ratio[runs - 1]);
    fflush(stdout);
  }
  gl_threads_set(1);
  /* the same steps apart from the block statistics: one more step each, then every field */
  while (gl_steps_done(b) < gl_steps_done(a)) gl_step(b, 1);
  while (gl_steps_done(a) < gl_steps_done(b)) gl_step(a, 1);
  int same = 1;
  for (int f = 0; f < GL_N_FIELDS; f++)
    same &= !memcmp(gl_record_field(a, f), gl_record_field(b, f), sizeof(double) * (size_t)a->n_layers);
  if (!same) fprintf(stderr, "bench: blocks %s: the two nets' records differ\n", base);
  gl_free(a);
  gl_free(b);
  gl_config_free(ca);
  gl_config_free(cb);
  return !same;
}

int main(int argc, char **argv) {
  const double run_s = env_d("RUN_S", 2), warm_s = env_d("WARM_S", 1);
  int runs = (int)env_d("RUNS", 5);
  if (runs < 1) runs = 1;
  if (runs > 50) runs = 50;
  const char *names[] = {"W1", "W2", "W3"};
  for (int w = 0; w < 3; w++) {
    if (argc > 1 && strcmp(argv[1], names[w]) != 0) continue;
    char text[1024];
    if (!workload(names[w], text, sizeof text)) {
      fprintf(stderr, "bench: workload %s not found in tests/bench/workloads.json\n", names[w]);
      return 1;
    }
    gl_config *cfg;
    gl_config_new(&cfg);
    gl_net *net;
    const int images = take_images(text);
    if (images > 0 && !load_digits(cfg, images)) {
      fprintf(stderr, "bench: %s: cannot read %d images from web/data/digits-train.bin\n",
              names[w], images);
      return 1;
    }
    if (gl_config_parse(cfg, text) || gl_create(cfg, GL_ARCH_FROM_CONFIG, &net)) {
      fprintf(stderr, "bench: %s: %s\n", names[w], gl_config_errmsg(cfg));
      return 1;
    }
    double flops = 0;
    for (int l = 0; l < net->n_layers; l++) {
      const gl_layer *L = &net->layers[l];
      flops += 6.0 * net->B * L->in * L->out * (L->k2 == 9 ? L->h * L->w : 1);
    }
    /* one thread, then (THREADS, default 2) helper threads on the same net */
    const int threads = (int)env_d("THREADS", 2);
    for (int pass = 0; pass < (threads > 1 ? 2 : 1); pass++) {
      if (gl_threads_set(pass ? threads : 1)) {
        fprintf(stderr, "bench: %s\n", gl_threads_errmsg());
        return 1;
      }
      double t0 = now_s();
      while (now_s() - t0 < warm_s) gl_step(net, 1);
      double rate[50];
      for (int r = 0; r < runs; r++) rate[r] = rate_of(net, 0, run_s);
      qsort(rate, (size_t)runs, sizeof(double), cmpd);
      double med = rate[runs / 2];
      char where[32] = "native";
      if (pass) snprintf(where, sizeof where, "native threads=%d", threads);
      printf("bench %s %s steps_per_s=%.1f gflops=%.2f  (runs %d x %.1f s, min %.1f max %.1f, status %s)\n",
             names[w], where, med, med * flops / 1e9, runs, run_s, rate[0], rate[runs - 1],
             gl_status(net) == GL_STATUS_OK ? "ok" : "diverged");
      fflush(stdout);
    }
    gl_threads_set(1);
    gl_free(net);
    gl_config_free(cfg);
  }
  const char *nnames[] = {"W1bn", "W3bn"}, *bases[] = {"W1", "W3"};
  for (int w = 0; w < 2; w++) {
    if (argc > 1 && strcmp(argv[1], nnames[w]) != 0) continue;
    if (bench_norm(nnames[w], bases[w], NULL, runs, run_s, warm_s)) return 1;
  }
  /* W1bn with a record every 10 steps: batch norm's own cost, mostly without
   * the record's evaluation-mode forward pass (docs/performance.md) */
  if (argc <= 1 || strcmp(argv[1], "W1bn") == 0)
    if (bench_norm("W1bn", "W1", "record_every=10", runs, run_s, warm_s)) return 1;
  if (argc <= 1 || strcmp(argv[1], "blocks") == 0) {
    const char *cases[][2] = {{"R1", NULL}, {"R1", "form=post"}, {"W3", NULL}, {"W3", "form=post"}};
    for (int c = 0; c < 4; c++)
      if (bench_blocks(cases[c][0], cases[c][1], runs, run_s, warm_s)) return 1;
  }
  return 0;
}
