/*
 * cli_sweep.c - the CLI's --sweep mode: `gradlab --sweep NAME=V1,V2,...` or
 * `--sweep NAME=A..B:N`, with --arch, --seeds A..B, --steps N and every other
 * setting as usual.  A thin loop over the engine's sweep API (gradlab.h):
 * with --json it prints {"sweep": gl_sweep_json(...)}, else a short table of
 * medians and [p10, p90] over the seeds.  A bad sweep exits 2 with one line
 * on stderr naming the problem.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "gradlab.h"

int cli_sweep(gl_config *cfg, const char *sweep, const char *seeds, int steps, int json);

static int sweep_error(const gl_sweep *sw, int code) {
  const char *msg = sw ? gl_sweep_errmsg(sw) : gl_errstr(code);
  if (!strncmp(msg, "sweep: ", 7)) msg += 7; /* the flag names it already */
  fprintf(stderr, "gradlab: --sweep: %s\n", msg);
  return 2;
}

/* One table cell: median [p10, p90], or "null" (with the count of nulls). */
static void cell(const gl_sweep *sw, int i, int arch, int metric, const char *fmt) {
  double s[3];
  int nulls;
  char buf[64];
  if (gl_sweep_summary(sw, i, arch, metric, s, &nulls)) {
    char m[20], a[20], b[20];
    snprintf(m, sizeof m, fmt, s[0]);
    snprintf(a, sizeof a, fmt, s[1]);
    snprintf(b, sizeof b, fmt, s[2]);
    snprintf(buf, sizeof buf, "%s [%s, %s]", m, a, b);
  } else {
    snprintf(buf, sizeof buf, "null (%d)", nulls);
  }
  printf("  %-26s", buf);
}

static void table(const gl_sweep *sw) {
  const int n = gl_sweep_n_values(sw), steps = (int)gl_sweep_steps(sw);
  printf("sweep %s: %d values x %d seeds, %s; median [p10, p90] over the seeds\n",
         gl_sweep_name(sw), n, gl_sweep_n_seeds(sw), steps ? "after training" : "at initialisation");
  if (steps) printf("steps %d\n", steps);
  static const int archs[2] = {GL_ARCH_PLAIN, GL_ARCH_RESIDUAL};
  static const char *names[2] = {"plain", "residual"};
  for (int a = 0; a < 2; a++) {
    if (!gl_sweep_has_arch(sw, archs[a])) continue;
    printf("%s\n  %10s  %-26s  %-26s", names[a], gl_sweep_name(sw), "grad_ratio_log10",
           "chi_geomean");
    if (steps) printf("  %-26s  %-26s  %s", "final_loss", "final_acc", "diverged_share");
    printf("\n");
    for (int i = 0; i < n; i++) {
      printf("  %10.6g", gl_sweep_value(sw, i));
      cell(sw, i, archs[a], GL_SWEEP_GRAD_RATIO_LOG10, "%.2f");
      cell(sw, i, archs[a], GL_SWEEP_CHI_GEOMEAN, "%.3g");
      if (steps) {
        cell(sw, i, archs[a], GL_SWEEP_FINAL_LOSS, "%.3f");
        cell(sw, i, archs[a], GL_SWEEP_FINAL_ACC, "%.3f");
        printf("  %.2f", gl_sweep_diverged_share(sw, i, archs[a]));
      }
      printf("\n");
    }
  }
}

/* Runs the sweep over cfg (the config's own arch; steps 0 unless --steps). */
int cli_sweep(gl_config *cfg, const char *sweep, const char *seeds, int steps, int json) {
  gl_sweep *sw;
  int rc = gl_sweep_new(cfg, sweep, seeds, NULL, steps, &sw);
  if (rc) {
    rc = sweep_error(sw, rc);
    gl_sweep_free(sw);
    return rc;
  }
  while (gl_sweep_units_done(sw) < gl_sweep_units_total(sw))
    if (gl_sweep_run(sw, INT_MAX)) {
      rc = sweep_error(sw, gl_sweep_errcode(sw));
      gl_sweep_free(sw);
      return rc;
    }
  if (json) {
    const char *j = gl_sweep_json(sw);
    if (!j) {
      fprintf(stderr, "gradlab: --sweep: out of memory writing the JSON\n");
      gl_sweep_free(sw);
      return 2;
    }
    printf("{\"sweep\": %s}\n", j);
  } else {
    table(sw);
  }
  gl_sweep_free(sw);
  return 0;
}
