/*
 * cli_sweep.c - the CLI's --sweep mode: `gradlab --sweep NAME=V1,V2,...` or
 * `--sweep NAME=A..B:N`, with --arch, --seeds A..B, --steps N and every other
 * setting as usual; a second --sweep makes a plane (gl_sweep_new2: every pair
 * of values, rows = the second setting).  A thin loop over the engine's sweep
 * API (gradlab.h): with --json it prints {"sweep": gl_sweep_json(...)}, else
 * a short table of medians and [p10, p90] over the seeds (a plane: grids of
 * medians).  A bad sweep exits 2 with one line on stderr naming the problem.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gradlab.h"

int cli_sweep(gl_config *cfg, const char *sweep, const char *sweep2, const char *seeds, int steps,
              int json);

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

/* A plane's grid of one statistic's medians: a row per value of the second
 * setting, a column per value of the first; metric < 0: the diverged share. */
static void grid(const gl_sweep *sw, int arch, int metric, const char *fmt) {
  const int n0 = gl_sweep_axis_n_values(sw, 0), n1 = gl_sweep_axis_n_values(sw, 1);
  printf("  %10s \\ %-10s", gl_sweep_axis_name(sw, 1), gl_sweep_axis_name(sw, 0));
  for (int i = 0; i < n0; i++) printf(" %8.4g", gl_sweep_axis_value(sw, 0, i));
  printf("\n");
  for (int j = 0; j < n1; j++) {
    printf("  %23.6g", gl_sweep_axis_value(sw, 1, j));
    for (int i = 0; i < n0; i++) {
      double s[3], v = 0;
      int have;
      if (metric < 0) have = (v = gl_sweep_diverged_share2(sw, i, j, arch)) >= 0;
      else if ((have = gl_sweep_summary2(sw, i, j, arch, metric, s, NULL) > 0)) v = s[0];
      char cell[24];
      if (have) snprintf(cell, sizeof cell, fmt, v);
      else snprintf(cell, sizeof cell, "null");
      printf(" %8s", cell);
    }
    printf("\n");
  }
}

/* A plane: the mean field of a weight-scale axis, then per arch the grid of
 * the headline statistic (grad_ratio_log10 at init, final_acc after
 * training) and, after training, of the diverged share. */
static void plane_table(const gl_sweep *sw) {
  const int steps = (int)gl_sweep_steps(sw);
  printf("sweep %s x %s: %d x %d values x %d seeds, %s; medians over the seeds, rows = %s\n",
         gl_sweep_axis_name(sw, 0), gl_sweep_axis_name(sw, 1), gl_sweep_axis_n_values(sw, 0),
         gl_sweep_axis_n_values(sw, 1), gl_sweep_n_seeds(sw),
         steps ? "after training" : "at initialisation", gl_sweep_axis_name(sw, 1));
  if (steps) printf("steps %d\n", steps);
  for (int a = 0; a < 2; a++) {
    gl_meanfield m;
    if (!gl_sweep_meanfield(sw, a, 0, &m)) continue;
    static const char *rows[4] = {"sigma_w", "chi_mf", "depth_6xi", "depth_6xi_c"};
    printf("mean field of the plain stack per %s:\n", gl_sweep_axis_name(sw, a));
    for (int r = 0; r < 4; r++) {
      printf("  %-12s", rows[r]);
      for (int i = 0; i < gl_sweep_axis_n_values(sw, a); i++) {
        gl_sweep_meanfield(sw, a, i, &m);
        const double v = r == 0 ? m.sigma_w : r == 1 ? m.chi : r == 2 ? 6 * m.xi : 6 * m.xi_c;
        if (isfinite(v)) printf(" %8.4g", v);
        else printf(" %8s", "null");
      }
      printf("\n");
    }
  }
  static const int archs[2] = {GL_ARCH_PLAIN, GL_ARCH_RESIDUAL};
  static const char *names[2] = {"plain", "residual"};
  for (int a = 0; a < 2; a++) {
    if (!gl_sweep_has_arch(sw, archs[a])) continue;
    printf("%s: %s\n", names[a], steps ? "final_acc" : "grad_ratio_log10");
    grid(sw, archs[a], steps ? GL_SWEEP_FINAL_ACC : GL_SWEEP_GRAD_RATIO_LOG10, "%.3g");
    if (steps) {
      printf("%s: diverged_share\n", names[a]);
      grid(sw, archs[a], -1, "%.2f");
    }
  }
}

/* Runs the sweep over cfg (the config's own arch; steps 0 unless --steps). */
int cli_sweep(gl_config *cfg, const char *sweep, const char *sweep2, const char *seeds, int steps,
              int json) {
  gl_sweep *sw;
  int rc = gl_sweep_new2(cfg, sweep, sweep2, seeds, NULL, steps, &sw);
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
  } else if (gl_sweep_n_axes(sw) == 2) {
    plane_table(sw);
  } else {
    table(sw);
  }
  gl_sweep_free(sw);
  return 0;
}
