/*
 * test_sweep.c - the sweep API (gradlab.h, "sweeps"), in the float32 build:
 *   - every metric of every unit against the same config run on its own
 *     (gl_create, gl_step, gl_measure), and every summary (median, p10, p90,
 *     nulls, diverged_share) against percentiles computed here from those
 *     single runs;
 *   - an underflowed gradient gives a null ratio, counted, never -inf;
 *   - the value lists a range expands to (log-spaced, linear, integers);
 *   - the pieces of gl_sweep_run: progress, one unit at a time, cancel;
 *   - the laws a sweep shows: the plain sigmoid stack's straight line in
 *     depth (and the residual stack's flat one), and tanh's chi = 1 crossing
 *     at sigma_w = 1 (init_std = 1/sqrt(256) at width 256);
 *   - every bad sweep gets its code and a message naming the problem.
 * Run with --quick (under the sanitizers) for a smaller chi-crossing sweep.
 */
#include <math.h>

#include "test_util.h"

static int quick;

static int cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* numpy's default percentile: sorted v, position q (n-1), linear between neighbours */
static double pct(double *v, int n, double q) {
  qsort(v, (size_t)n, sizeof(double), cmpd);
  double pos = q * (n - 1);
  int i = (int)pos;
  if (i + 1 >= n) return v[n - 1];
  return v[i] * (1 - (pos - i)) + v[i + 1] * (pos - i);
}

static gl_sweep *sweep_of(const char *config, const char *sweep, const char *seeds,
                          const char *arch, int steps) {
  gl_config *c = cfg_from(config);
  gl_sweep *sw = NULL;
  int rc = gl_sweep_new(c, sweep, seeds, arch, steps, &sw);
  CHECK(rc == GL_OK, "sweep '%s' over '%s': %s", sweep, config, gl_sweep_errmsg(sw));
  gl_config_free(c);
  if (rc) {
    gl_sweep_free(sw);
    return NULL;
  }
  return sw;
}

static int run_all(gl_sweep *sw, int max_steps) {
  while (gl_sweep_units_done(sw) < gl_sweep_units_total(sw)) {
    int rc = gl_sweep_run(sw, max_steps);
    if (rc) return rc;
  }
  return GL_OK;
}

/* The metrics of one single run, computed here from its record. */
typedef struct {
  int diverged;
  double m[GL_SWEEP_N_METRICS]; /* NAN = null */
} single;

static single single_run(const char *config, const char *name, const char *value, int seed,
                         int arch, int steps) {
  char text[512];
  snprintf(text, sizeof text, "%s %s=%s seed=%d", config, name, value, seed);
  gl_config *c = cfg_from(text);
  gl_net *n = NULL;
  single r;
  for (int k = 0; k < GL_SWEEP_N_METRICS; k++) r.m[k] = NAN;
  r.diverged = 0;
  if (gl_create(c, arch, &n)) {
    CHECK(0, "single run '%s': %s", text, gl_config_errmsg(c));
    gl_config_free(c);
    return r;
  }
  gl_step(n, steps);
  gl_measure(n);
  r.diverged = gl_status(n) == GL_STATUS_DIVERGED;
  if (!r.diverged) {
    const int nl = gl_n_layers(n);
    const double *g = gl_record_field(n, GL_GRAD_NORM), *a = gl_record_field(n, GL_ACT_GRAD_NORM);
    const double *chi = gl_record_field(n, GL_CHI);
    if (g[0] > 0 && g[nl - 1] > 0) r.m[GL_SWEEP_GRAD_RATIO_LOG10] = log10(g[0] / g[nl - 1]);
    if (a[0] > 0 && a[nl - 1] > 0) r.m[GL_SWEEP_ACT_GRAD_RATIO_LOG10] = log10(a[0] / a[nl - 1]);
    double prod = 1; /* the hidden layers 2..nl-1; a product is fine at these depths */
    for (int l = 1; l < nl - 1; l++) prod *= chi[l];
    r.m[GL_SWEEP_CHI_GEOMEAN] = pow(prod, 1.0 / (nl - 2));
    /* the engine's theory lines grad_norm_theory and act_grad_norm_theory, end to end */
    const double *th = gl_record_field(n, GL_GRAD_NORM_THEORY);
    const double *ath = gl_record_field(n, GL_ACT_GRAD_NORM_THEORY);
    if (th[0] > 0 && th[nl - 1] > 0) /* a zero factor (chi = 0): null, as for the others */
      r.m[GL_SWEEP_GRAD_RATIO_THEORY_LOG10] = log10(th[0] / th[nl - 1]);
    if (ath[0] > 0 && ath[nl - 1] > 0)
      r.m[GL_SWEEP_ACT_GRAD_RATIO_THEORY_LOG10] = log10(ath[0] / ath[nl - 1]);
    if (steps > 0) {
      r.m[GL_SWEEP_FINAL_LOSS] = gl_record_loss(n);
      r.m[GL_SWEEP_FINAL_ACC] = gl_record_acc(n);
    }
  }
  gl_free(n);
  gl_config_free(c);
  return r;
}

static int close_to(double a, double b, double rel) {
  return fabs(a - b) <= rel * fmax(fmax(fabs(a), fabs(b)), 1e-300);
}

/* Every unit and every summary of a finished sweep against single runs. */
static void check_against_single(gl_sweep *sw, const char *config, int seed_a, int steps) {
  const int nv = gl_sweep_n_values(sw), ns = gl_sweep_n_seeds(sw);
  const char *name = gl_sweep_name(sw);
  const int n_metrics = steps > 0 ? GL_SWEEP_N_METRICS : GL_SWEEP_FINAL_LOSS;
  double worst_unit = 0, worst_summary = 0;
  int mismatches = 0, compared = 0, nulls_seen = 0, diverged_seen = 0;
  for (int arch = 0; arch < 2; arch++) {
    if (!gl_sweep_has_arch(sw, arch)) continue;
    for (int i = 0; i < nv; i++) {
      char value[40];
      snprintf(value, sizeof value, "%.17g", gl_sweep_value(sw, i));
      single runs[16];
      int ndiv = 0;
      for (int s = 0; s < ns; s++) {
        runs[s] = single_run(config, name, value, seed_a + s, arch, steps);
        ndiv += runs[s].diverged;
        if (gl_sweep_unit_status(sw, i, arch, s) != runs[s].diverged) mismatches++;
      }
      diverged_seen += ndiv;
      if (steps > 0 && !close_to(gl_sweep_diverged_share(sw, i, arch), (double)ndiv / ns, 1e-12))
        mismatches++;
      for (int k = 0; k < n_metrics; k++) {
        double have[16];
        int n = 0;
        for (int s = 0; s < ns; s++) {
          double v;
          const int got = gl_sweep_unit(sw, i, arch, s, k, &v);
          const int want = !isnan(runs[s].m[k]);
          compared++;
          if (got != want) mismatches++;
          else if (got) {
            /* chi_geomean: exp(mean ln) against pow(product): rounding only */
            double d = fabs(v - runs[s].m[k]) / fmax(fabs(runs[s].m[k]), 1.0);
            if (k >= GL_SWEEP_FINAL_LOSS && v != runs[s].m[k]) mismatches++;
            if (d > worst_unit) worst_unit = d;
            have[n++] = runs[s].m[k];
          }
        }
        double q[3];
        int nulls;
        const int got = gl_sweep_summary(sw, i, arch, k, q, &nulls);
        nulls_seen += nulls;
        if (got != n || nulls != ns - n) mismatches++;
        if (n && got == n) {
          double want[3] = {pct(have, n, 0.5), pct(have, n, 0.1), pct(have, n, 0.9)};
          for (int j = 0; j < 3; j++) {
            double d = fabs(q[j] - want[j]) / fmax(fabs(want[j]), 1e-12);
            if (d > worst_summary) worst_summary = d;
          }
          if (!(q[1] <= q[0] && q[0] <= q[2])) mismatches++;
        }
      }
    }
  }
  CHECK(mismatches == 0 && worst_unit < 1e-12 && worst_summary < 1e-9,
        "%s sweep, %d seeds, steps %d: %d unit metrics against single runs (largest relative "
        "difference %.2g), medians/p10/p90 against percentiles of the single runs (%.2g); "
        "%d nulls, %d diverged; %d mismatches",
        name, ns, steps, compared, worst_unit, worst_summary, nulls_seen, diverged_seen, mismatches);
}

static void test_against_single_runs(void) {
  printf("sweep metrics against single runs of the same configs\n");
  const char *c1 = "width=16 act=tanh points=64 block=1";
  gl_sweep *sw = sweep_of(c1, "depth=2,5,9", "3..7", "both", 0);
  if (sw) {
    CHECK(run_all(sw, 1) == GL_OK && gl_sweep_units_done(sw) == 30 && gl_sweep_units_total(sw) == 30,
          "depth=2,5,9 x seeds 3..7 x both: %ld of %ld units", gl_sweep_units_done(sw),
          gl_sweep_units_total(sw));
    check_against_single(sw, c1, 3, 0);
    gl_sweep_free(sw);
  }
  /* after training: final_loss, final_acc, and runs that diverge (relu, large weights) */
  const char *c2 = "depth=8 width=16 act=relu init=normal points=64 lr=0.1 record_every=4";
  sw = sweep_of(c2, "init_std=0.2,0.45,0.8", "1..5", "both", 25);
  if (sw) {
    CHECK(run_all(sw, 7) == GL_OK, "init_std sweep with steps 25 in pieces of 7 steps");
    check_against_single(sw, c2, 1, 25);
    int some = 0, none = 0;
    for (int i = 0; i < 3; i++) {
      double d = gl_sweep_diverged_share(sw, i, GL_ARCH_PLAIN);
      some += d > 0;
      none += d == 0;
    }
    CHECK(some && none, "relu init_std 0.2 .. 0.8: some values diverge (%d), some do not (%d)",
          some, none);
    const char *j = gl_sweep_json(sw);
    CHECK(j && strstr(j, "\"final_loss\": {\"median\": [") && strstr(j, "\"diverged_share\": [") &&
              strstr(j, "\"residual\": {"),
          "JSON with steps > 0 has final_loss, diverged_share, both archs");
    gl_sweep_free(sw);
  }
  /* an underflowed gradient: null, counted, never -inf */
  const char *c3 = "width=32 act=sigmoid init=xavier";
  sw = sweep_of(c3, "depth=10,100", "1..3", "plain", 0);
  if (sw) {
    run_all(sw, 1);
    double q[3], v = 0;
    int nulls;
    int n = gl_sweep_summary(sw, 1, GL_ARCH_PLAIN, GL_SWEEP_GRAD_RATIO_LOG10, q, &nulls);
    int n10 = gl_sweep_summary(sw, 0, GL_ARCH_PLAIN, GL_SWEEP_GRAD_RATIO_LOG10, q, NULL);
    CHECK(n == 0 && nulls == 3 && n10 == 3 &&
              !gl_sweep_unit(sw, 1, GL_ARCH_PLAIN, 0, GL_SWEEP_GRAD_RATIO_LOG10, &v),
          "plain sigmoid depth 100: grad_ratio_log10 null for all 3 seeds (counted %d), depth 10 "
          "has %d numbers",
          nulls, n10);
    const char *j = gl_sweep_json(sw);
    CHECK(j && strstr(j, "\"median\": [") && strstr(j, ", null]") && strstr(j, "\"nulls\": [0, 3]") &&
              !strstr(j, "inf") && !strstr(j, "nan") && !strstr(j, "final_loss"),
          "JSON: null median and nulls [0, 3] for depth 100, no inf/nan, no final_loss at init");
    check_against_single(sw, c3, 1, 0);
    gl_sweep_free(sw);
  }
}

static void test_values(void) {
  printf("the values of a sweep\n");
  gl_config *c = cfg_from("block=1");
  struct {
    const char *sweep;
    int n;
    double first, second, last;
  } cases[] = {
      {"depth=1..100:20", 17, 1, 2, 100},        /* log-spaced, rounded, repeats dropped */
      {"lr=0.001..1:4", 4, 0.001, 0.01, 1},      /* log-spaced: three decades */
      {"res_scale=0.5..2:4", 4, 0.5, 1, 2},      /* a factor 4: linear */
      {"width=8..16:3", 3, 8, 12, 16},           /* linear */
      {"depth=64..4:5", 5, 64, 32, 4},           /* descending, log-spaced */
      {"init_std=0.25,0.5,0.25", 3, 0.25, 0.5, 0.25}, /* a list as given */
      {"depth=7..7:1", 1, 7, 7, 7},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    gl_sweep *sw = NULL;
    gl_config_set(c, "init", strstr(cases[k].sweep, "init_std") ? "normal" : "xavier");
    int rc = gl_sweep_new(c, cases[k].sweep, NULL, NULL, strncmp(cases[k].sweep, "lr", 2) ? 0 : 1, &sw);
    int n = gl_sweep_n_values(sw);
    int ok = rc == GL_OK && n == cases[k].n && close_to(gl_sweep_value(sw, 0), cases[k].first, 1e-12) &&
             close_to(gl_sweep_value(sw, n - 1), cases[k].last, 1e-12) &&
             (n < 2 || close_to(gl_sweep_value(sw, 1), cases[k].second, 1e-12));
    for (int i = 1; i < n && strstr(cases[k].sweep, "depth=1.."); i++)
      ok = ok && gl_sweep_value(sw, i) > gl_sweep_value(sw, i - 1);
    CHECK(ok, "%s: %d values %g, %g .. %g (%s)", cases[k].sweep, n, gl_sweep_value(sw, 0),
          gl_sweep_value(sw, 1), gl_sweep_value(sw, n - 1), gl_sweep_errmsg(sw));
    gl_sweep_free(sw);
  }
  gl_sweep *sw = NULL;
  gl_sweep_new(c, "depth=1..100:20", "1..5", "both", 0, &sw);
  CHECK(gl_sweep_units_total(sw) == 17 * 5 * 2 && gl_sweep_n_seeds(sw) == 5 &&
            gl_sweep_has_arch(sw, GL_ARCH_PLAIN) && gl_sweep_has_arch(sw, GL_ARCH_RESIDUAL) &&
            !strcmp(gl_sweep_name(sw), "depth"),
        "17 depths x 5 seeds x both = %ld units", gl_sweep_units_total(sw));
  const char *j = gl_sweep_json(sw);
  CHECK(j && strstr(j, "{\"name\": \"depth\", \"values\": [1, 2, 3, 4, 5, 7, 9, 11, 14,") &&
            strstr(j, "\"seeds\": [1, 5], \"steps\": 0"),
        "JSON before any unit: name, values, seeds, steps, null summaries");
  gl_sweep_free(sw);
  gl_config_free(c);
}

static void test_pieces(void) {
  printf("the pieces of a sweep: progress, one unit per call, cancel\n");
  gl_sweep *sw = sweep_of("depth=4 width=8 points=32 act=tanh", "width=4,8", "1..2", "plain", 10);
  if (!sw) return;
  double last = -1;
  int calls = 0, monotone = 1, at_most_one = 1;
  long done = 0;
  while (gl_sweep_units_done(sw) < gl_sweep_units_total(sw) && calls < 1000) {
    if (gl_sweep_run(sw, 3) != GL_OK) break;
    calls++;
    const double p = gl_sweep_progress(sw);
    if (!(p > last)) monotone = 0;
    last = p;
    if (gl_sweep_units_done(sw) - done > 1) at_most_one = 0;
    done = gl_sweep_units_done(sw);
  }
  /* 4 units of 10 steps in pieces of 3: 4 calls each (3+3+3+1, the last one measures) */
  CHECK(calls == 16 && monotone && at_most_one && last == 1.0,
        "4 units x 10 steps in pieces of 3 steps: %d calls, progress rises to %g, at most one "
        "unit per call",
        calls, last);
  CHECK(gl_sweep_run(sw, 3) == GL_OK && gl_sweep_units_done(sw) == 4,
        "a finished sweep's run does nothing");
  gl_sweep_free(sw);
  /* cancel in the middle of a unit: free with a live network (the sanitizers check leaks) */
  sw = sweep_of("depth=40 width=32", "depth=40,80", "1..3", "both", 100);
  if (!sw) return;
  gl_sweep_run(sw, 5);
  gl_sweep_run(sw, 5);
  CHECK(gl_sweep_units_done(sw) == 0 && gl_sweep_progress(sw) > 0,
        "cancel mid-unit: 0 units done, progress %.4f", gl_sweep_progress(sw));
  gl_sweep_free(sw);
  gl_sweep_free(NULL);
}

/* the straight line of the plain sigmoid stack, the flat residual one */
static void test_depth_law(void) {
  printf("the depth law of the plain sigmoid stack (width 32, spiral, xavier, at init)\n");
  gl_sweep *sw = sweep_of("width=32 act=sigmoid init=xavier data=spiral", "depth=4,8,16,32,64",
                          "1..10", "both", 0);
  if (!sw) return;
  run_all(sw, 1);
  const double depth[5] = {4, 8, 16, 32, 64};
  const double issue[5] = {-4.0, -6.4, -11.5, -21.8, -42.2}; /* issue 14, measured on main */
  double p[5], r[5], th[5], ath[5], q[3];
  int ok = 1, near = 1;
  for (int i = 0; i < 5; i++) {
    ok &= gl_sweep_summary(sw, i, GL_ARCH_PLAIN, GL_SWEEP_GRAD_RATIO_THEORY_LOG10, q, NULL) > 0;
    th[i] = q[0];
    ok &= gl_sweep_summary(sw, i, GL_ARCH_PLAIN, GL_SWEEP_ACT_GRAD_RATIO_THEORY_LOG10, q, NULL) > 0;
    ath[i] = q[0];
    ok &= gl_sweep_summary(sw, i, GL_ARCH_PLAIN, GL_SWEEP_GRAD_RATIO_LOG10, q, NULL) > 0;
    p[i] = q[0];
    ok &= gl_sweep_summary(sw, i, GL_ARCH_RESIDUAL, GL_SWEEP_GRAD_RATIO_LOG10, q, NULL) > 0;
    r[i] = q[0];
    near &= fabs(p[i] - issue[i]) < 0.5;
  }
  /* least-squares slope of the median against depth */
  double mx = 0, my = 0, ry = 0, ty = 0, ay = 0, sxx = 0, sxy = 0, rxy = 0, txy = 0, axy = 0;
  for (int i = 0; i < 5; i++)
    mx += depth[i] / 5, my += p[i] / 5, ry += r[i] / 5, ty += th[i] / 5, ay += ath[i] / 5;
  for (int i = 0; i < 5; i++) {
    sxx += (depth[i] - mx) * (depth[i] - mx);
    sxy += (depth[i] - mx) * (p[i] - my);
    rxy += (depth[i] - mx) * (r[i] - ry);
    txy += (depth[i] - mx) * (th[i] - ty);
    axy += (depth[i] - mx) * (ath[i] - ay);
  }
  const double slope = sxy / sxx, rslope = rxy / sxx, tslope = txy / sxx, aslope = axy / sxx;
  double worst = 0; /* largest distance of a median from the fitted line */
  for (int i = 0; i < 5; i++) worst = fmax(worst, fabs(p[i] - (my + slope * (depth[i] - mx))));
  int monotone = 1;
  for (int i = 1; i < 5; i++) monotone &= p[i] < p[i - 1];
  CHECK(ok && monotone && slope < -0.55 && slope > -0.75 && worst < 1.0 && near,
        "plain medians %.2f %.2f %.2f %.2f %.2f at depths 4..64 fall monotonically, slope %.3f "
        "per layer (a line within %.2f), within 0.5 of the issue's -4.0 .. -42.2",
        p[0], p[1], p[2], p[3], p[4], slope, worst);
  CHECK(ok && fabs(tslope - slope) < 0.05 * fabs(slope),
        "the weight-gradient law (grad_ratio_theory_log10: sum of log10 grad_factor_theory) has "
        "slope %.3f per layer, within 5%% of the measured %.3f; medians %.2f .. %.2f",
        tslope, slope, th[0], th[4]);
  CHECK(ok && fabs(aslope - slope) < 0.05 * fabs(slope),
        "the back-propagated law (act_grad_ratio_theory_log10: sum of log10 sqrt(chi)) has slope "
        "%.3f per layer: for sigmoid, whose forward signal stays put, the same as the weights' %.3f",
        aslope, slope);
  int flat = 1;
  for (int i = 0; i < 5; i++) flat &= r[i] > -2.5 && r[i] < -0.5;
  CHECK(ok && flat && fabs(rslope) < 0.02,
        "residual medians %.2f %.2f %.2f %.2f %.2f stay in (-2.5, -0.5), slope %.4f per layer", r[0],
        r[1], r[2], r[3], r[4], rslope);
  gl_sweep_free(sw);
}

/* tanh at width 256: the median chi crosses 1 at sigma_w = sqrt(256) init_std = 1 */
static void test_chi_crossing(void) {
  printf("tanh's chi = 1 crossing at width 256 (init=normal, sigma_w = 16 init_std)\n");
  const char *seeds = quick ? "1..2" : "1..5";
  gl_sweep *sw = sweep_of(quick ? "width=256 act=tanh init=normal depth=6 points=64"
                                : "width=256 act=tanh init=normal depth=20",
                          "init_std=0.05..0.08:7", seeds, "plain", 0);
  if (!sw) return;
  run_all(sw, 1);
  double prev_v = 0, prev_c = 0, cross = NAN, q[3];
  int monotone = 1;
  char line[256] = "";
  for (int i = 0; i < gl_sweep_n_values(sw); i++) {
    const double v = gl_sweep_value(sw, i);
    gl_sweep_summary(sw, i, GL_ARCH_PLAIN, GL_SWEEP_CHI_GEOMEAN, q, NULL);
    snprintf(line + strlen(line), sizeof line - strlen(line), " %.3f", q[0]);
    if (i && q[0] <= prev_c) monotone = 0;
    if (i && prev_c < 1 && q[0] >= 1) cross = prev_v + (1 - prev_c) * (v - prev_v) / (q[0] - prev_c);
    prev_v = v;
    prev_c = q[0];
  }
  CHECK(monotone && fabs(16 * cross - 1) < 0.05,
        "median chi_geomean at init_std 0.05..0.08:%s rises through 1 at init_std %.5f, "
        "sigma_w = %.3f (1/sqrt(256) = 0.0625)",
        line, cross, 16 * cross);
  gl_sweep_free(sw);
}

static void bad(const char *config, const char *sweep, const char *seeds, const char *arch,
                int steps, int code, const char *want) {
  gl_config *c = cfg_from(config);
  gl_sweep *sw = NULL;
  int rc = gl_sweep_new(c, sweep, seeds, arch, steps, &sw);
  CHECK(rc == code && sw && gl_sweep_errcode(sw) == code && strstr(gl_sweep_errmsg(sw), want) &&
            gl_sweep_run(sw, 1) == code && gl_sweep_json(sw) == NULL,
        "%s (seeds %s, arch %s, steps %d) -> %s: %s", sweep ? sweep : "NULL", seeds ? seeds : "-",
        arch ? arch : "-", steps, gl_errstr(rc), gl_sweep_errmsg(sw));
  gl_sweep_free(sw);
  gl_config_free(c);
}

static void test_bad_sweeps(void) {
  printf("bad sweeps: a code and a message naming the problem\n");
  char many[2048] = "depth=";
  for (int i = 1; i <= 201; i++) snprintf(many + strlen(many), sizeof many - strlen(many), "%s%d", i > 1 ? "," : "", i);
  bad("", "colour=1,2", NULL, NULL, 0, GL_EINVAL, "unknown setting 'colour'");
  bad("", "act=1,2", NULL, NULL, 0, GL_EINVAL, "act is not a numeric setting");
  bad("", "standardize=0,1", NULL, NULL, 0, GL_EINVAL, "not a numeric setting");
  bad("", "depth=", NULL, NULL, 0, GL_EINVAL, "no values");
  bad("", "depth=4,,8", NULL, NULL, 0, GL_EINVAL, "empty value");
  bad("", "depth=4,eight", NULL, NULL, 0, GL_EINVAL, "'eight' is not a number");
  bad("", "depth=4.5", NULL, NULL, 0, GL_EINVAL, "'4.5' is not an integer");
  bad("", "depth=0..10:5", NULL, NULL, 0, GL_EINVAL, "depth: 0 is out of range [1, 1000]");
  bad("", "depth=2,1002", NULL, NULL, 0, GL_EINVAL, "depth: 1002 is out of range");
  bad("", "width=1..2048:3", NULL, NULL, 0, GL_EINVAL, "width: 2048 is out of range");
  bad("", "lr=0.1..20:3", NULL, NULL, 5, GL_EINVAL, "lr: 20 is out of range");
  bad("", many, NULL, NULL, 0, GL_EINVAL, "more than 200 values");
  bad("", "depth=1..1000:201", NULL, NULL, 0, GL_EINVAL, "201 values, at most 200");
  bad("", "depth=1..10:0", NULL, NULL, 0, GL_EINVAL, "whole number >= 1");
  bad("", "depth=1..10:1", NULL, NULL, 0, GL_EINVAL, "needs N >= 2");
  bad("", "depth=1..x:3", NULL, NULL, 0, GL_EINVAL, "not a range A..B:N");
  bad("", "depth=1..10", NULL, NULL, 0, GL_EINVAL, "not a range A..B:N");
  bad("", "depth", NULL, NULL, 0, GL_EINVAL, "is not NAME=V1,V2");
  bad("", NULL, NULL, NULL, 0, GL_EMISUSE, "no sweep given");
  bad("", "seed=1,2", NULL, NULL, 0, GL_EINVAL, "seeds range");
  bad("", "steps=1,2", NULL, NULL, 0, GL_EINVAL, "steps is the sweep's own");
  bad("init=xavier", "init_std=0.1,0.2", NULL, NULL, 0, GL_EINVAL, "only when init=normal");
  bad("", "lr=0.1,0.2", NULL, NULL, 0, GL_EINVAL, "lr changes nothing at initialisation");
  bad("", "res_scale=0.5,1", NULL, "plain", 0, GL_EINVAL, "only the residual stack");
  bad("", "res_scale=invsqrt", NULL, NULL, 0, GL_EINVAL, "'invsqrt' is not a number");
  bad("", "depth=4,8", "5..1", NULL, 0, GL_EINVAL, "seeds: '5..1'");
  bad("", "depth=4,8", "0..1000", NULL, 0, GL_EINVAL, "at most 1000 seeds");
  bad("", "depth=4,8", "1-3", NULL, 0, GL_EINVAL, "seeds: '1-3' must be A..B");
  bad("", "depth=4,8", NULL, "twin", 0, GL_EINVAL, "arch: unknown value 'twin'");
  bad("", "depth=4,8", NULL, NULL, -1, GL_EINVAL, "steps: -1 is out of range");
  gl_sweep *sw = NULL;
  CHECK(gl_sweep_new(NULL, "depth=4", NULL, NULL, 0, &sw) == GL_EMISUSE && strstr(gl_sweep_errmsg(sw), "NULL"),
        "a NULL config: GL_EMISUSE (%s)", gl_sweep_errmsg(sw));
  gl_sweep_free(sw);
  CHECK(gl_sweep_new(NULL, "depth=4", NULL, NULL, 0, NULL) == GL_EMISUSE && gl_sweep_run(NULL, 1) == GL_EMISUSE &&
            gl_sweep_json(NULL) == NULL && gl_sweep_units_done(NULL) == 0,
        "NULL handles: GL_EMISUSE, NULL, 0");
  /* a unit that cannot be made (a cross-field rule): refused when the sweep is made, before
   * anything trains, naming the value and the arch; the handle stays failed */
  gl_config *c = cfg_from("block=2 width=8 points=16");
  int made = gl_sweep_new(c, "depth=2,3", "1..1", "plain", 0, &sw);
  int first = gl_sweep_run(sw, 1), second = gl_sweep_run(sw, 1);
  CHECK(made == GL_EINVAL && first == GL_EINVAL && second == GL_EINVAL &&
            strstr(gl_sweep_errmsg(sw), "depth=3 (plain): depth: 3 is not a multiple of block (2)") &&
            gl_sweep_units_done(sw) == 0,
        "depth=2,3 with block 2: refused at gl_sweep_new (%s), and every later call", gl_sweep_errmsg(sw));
  CHECK(gl_sweep_run(sw, 0) == GL_EINVAL, "a failed sweep returns its code whatever the call");
  gl_sweep_free(sw);
  CHECK(gl_config_check(c, GL_ARCH_PLAIN) == GL_OK && gl_config_set(c, "depth", "3") == GL_OK &&
            gl_config_check(c, GL_ARCH_PLAIN) == GL_EINVAL && strstr(gl_config_errmsg(c), "multiple of block") &&
            gl_config_errcode(c) == GL_EINVAL,
        "gl_config_check: gl_create's rules without a network (%s)", gl_config_errmsg(c));
  gl_config_set(c, "depth", "2");
  gl_sweep_new(c, "depth=2,4", NULL, "plain", 3, &sw);
  CHECK(gl_sweep_run(sw, 0) == GL_EMISUSE && strstr(gl_sweep_errmsg(sw), "max_steps") &&
            gl_sweep_errcode(sw) == GL_OK && run_all(sw, 2) == GL_OK,
        "max_steps 0: GL_EMISUSE (%s); the sweep goes on", gl_sweep_errmsg(sw));
  gl_sweep_free(sw);
  /* the memory budget: refused when the sweep is made, with the engine's message */
  gl_config_set(c, "block", "1");
  gl_config_set(c, "depth", "1000");
  int rc = gl_sweep_new(c, "width=64,1024", NULL, "plain", 0, &sw);
  CHECK(rc == GL_ENOMEM && gl_sweep_run(sw, 1) == GL_ENOMEM && gl_sweep_units_done(sw) == 0 &&
            strstr(gl_sweep_errmsg(sw), "width=1024 (plain): depth/width/batch"),
        "depth 1000 x width 1024: GL_ENOMEM at gl_sweep_new (%s)", gl_sweep_errmsg(sw));
  gl_sweep_free(sw);
  gl_config_free(c);
}

/* depth 1000 in a sweep: one network at a time */
static void test_deep(void) {
  printf("a sweep to depth 1000\n");
  gl_sweep *sw = sweep_of("width=16 points=64 act=tanh block=1", "depth=10,1000", "1..1", "both", 0);
  if (!sw) return;
  int rc = run_all(sw, 1);
  double q[3];
  int n = gl_sweep_summary(sw, 1, GL_ARCH_RESIDUAL, GL_SWEEP_CHI_GEOMEAN, q, NULL);
  CHECK(rc == GL_OK && n == 1 && q[0] > 0, "depth 10 and 1000, plain and residual: chi_geomean %.3f at depth 1000 (%s)",
        q[0], gl_sweep_errmsg(sw));
  gl_sweep_free(sw);
}

/* ---- planes: two settings at every pair of values (gl_sweep_new2) ---- */

static gl_sweep *plane_of(const char *config, const char *s1, const char *s2, const char *seeds,
                          const char *arch, int steps) {
  gl_config *c = cfg_from(config);
  gl_sweep *sw = NULL;
  int rc = gl_sweep_new2(c, s1, s2, seeds, arch, steps, &sw);
  CHECK(rc == GL_OK, "plane '%s' x '%s' over '%s': %s", s1, s2, config, gl_sweep_errmsg(sw));
  gl_config_free(c);
  if (rc) {
    gl_sweep_free(sw);
    return NULL;
  }
  return sw;
}

/* Same bits: the number of one unit (or its null) in two sweeps. */
static int same_unit(const gl_sweep *a, int ai, int aj, const gl_sweep *b, int bi, int bj, int arch,
                     int s, int k) {
  double x = 0, y = 0;
  const int hx = gl_sweep_unit2(a, ai, aj, arch, s, k, &x), hy = gl_sweep_unit2(b, bi, bj, arch, s, k, &y);
  return hx == hy && (!hx || memcmp(&x, &y, sizeof x) == 0) &&
         gl_sweep_unit_status2(a, ai, aj, arch, s) == gl_sweep_unit_status2(b, bi, bj, arch, s);
}

/* Same bits: a cell's summaries (median, p10, p90, nulls) and diverged share. */
static int same_cell(const gl_sweep *a, int ai, int aj, const gl_sweep *b, int bi, int bj, int arch,
                     int k) {
  double x[3] = {0, 0, 0}, y[3] = {0, 0, 0};
  int nx, ny;
  const int hx = gl_sweep_summary2(a, ai, aj, arch, k, x, &nx);
  const int hy = gl_sweep_summary2(b, bi, bj, arch, k, y, &ny);
  const double dx = gl_sweep_diverged_share2(a, ai, aj, arch), dy = gl_sweep_diverged_share2(b, bi, bj, arch);
  return hx == hy && nx == ny && memcmp(x, y, sizeof x) == 0 && memcmp(&dx, &dy, sizeof dx) == 0;
}

/* Every row of a plane is the 1-D sweep over axis 0 with axis 1's value in
 * the config, every column the 1-D sweep over axis 1: unit for unit, the
 * same bits (a unit is a network made from its config; where it sits in the
 * sweep changes nothing). */
static void test_plane_rows_and_columns(void) {
  printf("a plane's rows and columns against 1-D sweeps, bit for bit\n");
  const char *base = "width=16 act=tanh init=normal points=64 block=1 lr=0.2 record_every=5";
  const char *s1 = "init_std=0.12,0.3,0.5", *s2 = "depth=2,5,9";
  const int steps = 12, ns = 3;
  gl_sweep *pl = plane_of(base, s1, s2, "1..3", "both", steps);
  if (!pl) return;
  CHECK(run_all(pl, 5) == GL_OK && gl_sweep_units_total(pl) == 3 * 3 * 3 * 2 && gl_sweep_n_axes(pl) == 2 &&
            !strcmp(gl_sweep_axis_name(pl, 0), "init_std") && !strcmp(gl_sweep_axis_name(pl, 1), "depth") &&
            gl_sweep_axis_n_values(pl, 1) == 3 && gl_sweep_axis_value(pl, 1, 2) == 9,
        "init_std=0.12,0.3,0.5 x depth=2,5,9 x seeds 1..3 x both, 12 steps in pieces of 5: %ld units",
        gl_sweep_units_done(pl));
  int compared = 0, differ = 0, some_null = 0;
  for (int line = 0; line < 2; line++)   /* 0: rows (fixed depth), 1: columns (fixed init_std) */
    for (int f = 0; f < 3; f++) {
      char config[256];
      snprintf(config, sizeof config, "%s %s=%s", base, line ? "init_std" : "depth",
               line ? (const char *[]){"0.12", "0.3", "0.5"}[f] : (const char *[]){"2", "5", "9"}[f]);
      gl_sweep *one = sweep_of(config, line ? s2 : s1, "1..3", "both", steps);
      if (!one) continue;
      run_all(one, 7); /* other pieces: where a unit's steps are cut changes nothing */
      for (int v = 0; v < 3; v++) {
        const int pi = line ? f : v, pj = line ? v : f;
        for (int arch = 0; arch < 2; arch++)
          for (int k = 0; k < GL_SWEEP_N_METRICS; k++) {
            for (int s = 0; s < ns; s++) {
              compared++;
              differ += !same_unit(pl, pi, pj, one, v, 0, arch, s, k);
              some_null += !gl_sweep_unit2(pl, pi, pj, arch, s, k, NULL);
            }
            differ += !same_cell(pl, pi, pj, one, v, 0, arch, k);
          }
      }
      gl_sweep_free(one);
    }
  CHECK(compared == 2 * 3 * 3 * 2 * GL_SWEEP_N_METRICS * ns && differ == 0,
        "3 rows and 3 columns: %d unit numbers and every cell's median/p10/p90/nulls/diverged_share "
        "the same bits as the 1-D sweeps' (%d nulls among them); %d differ",
        compared, some_null, differ);
  gl_sweep_free(pl);
}

/* One value on an axis: a 1-D sweep, unit for unit, whichever axis it is. */
static void test_plane_of_one_line(void) {
  printf("a plane with one value on an axis is the 1-D sweep\n");
  const char *base = "width=8 act=sigmoid points=32 block=1";
  gl_sweep *one = sweep_of(base, "depth=3,6,12", "1..2", "both", 0);
  gl_sweep *row = plane_of(base, "depth=3,6,12", "width=8", "1..2", "both", 0);
  gl_sweep *col = plane_of(base, "width=8", "depth=3,6,12", "1..2", "both", 0);
  if (!one || !row || !col) {
    gl_sweep_free(one), gl_sweep_free(row), gl_sweep_free(col);
    return;
  }
  /* the same units in the same order: the progress after every call agrees too */
  int order = 1;
  while (gl_sweep_units_done(one) < gl_sweep_units_total(one)) {
    gl_sweep_run(one, 1);
    gl_sweep_run(row, 1);
    gl_sweep_run(col, 1);
    order &= gl_sweep_progress(one) == gl_sweep_progress(row) && gl_sweep_progress(one) == gl_sweep_progress(col);
  }
  int differ = 0;
  for (int v = 0; v < 3; v++)
    for (int arch = 0; arch < 2; arch++)
      for (int k = 0; k < GL_SWEEP_FINAL_LOSS; k++) {
        for (int s = 0; s < 2; s++)
          differ += !same_unit(one, v, 0, row, v, 0, arch, s, k) + !same_unit(one, v, 0, col, 0, v, arch, s, k);
        differ += !same_cell(one, v, 0, row, v, 0, arch, k) + !same_cell(one, v, 0, col, 0, v, arch, k);
        /* the 1-D calls on a plane are its first row */
        double a[3], b[3];
        gl_sweep_summary(row, v, arch, k, a, NULL);
        gl_sweep_summary2(row, v, 0, arch, k, b, NULL);
        differ += memcmp(a, b, sizeof a) != 0;
      }
  const char *j = gl_sweep_json(row);
  CHECK(order && differ == 0 && j && strstr(j, "{\"axes\": [") &&
            strstr(j, "{\"name\": \"depth\", \"values\": [3, 6, 12]}") &&
            strstr(j, "{\"name\": \"width\", \"values\": [8]}") && strstr(j, "\"median\": [[") &&
            strstr(j, "\"nulls\": [[0, 0, 0]]}") && !strstr(j, "diverged_share"),
        "depth=3,6,12 x width=8 and width=8 x depth=3,6,12 against depth=3,6,12: the same units in "
        "the same order, every number and summary the same bits (%d differ); the JSON has axes and "
        "grids of one row, [[v_3, v_6, v_12]]",
        differ);
  gl_sweep_free(one);
  gl_sweep_free(row);
  gl_sweep_free(col);
}

/* Pieces, progress and cancel on a plane (the sanitizers check the cancel frees everything). */
static void test_plane_pieces(void) {
  printf("a plane's pieces: progress, at most one unit per call, cancel\n");
  gl_sweep *sw = plane_of("depth=4 width=8 points=32 act=tanh block=1", "width=4,8", "depth=2,3",
                          "1..2", "plain", 10);
  if (!sw) return;
  double last = -1;
  int calls = 0, monotone = 1, at_most_one = 1;
  long done = 0;
  char grids[2][4096];
  int partial_json = 0;
  while (gl_sweep_units_done(sw) < gl_sweep_units_total(sw) && calls < 1000) {
    if (gl_sweep_run(sw, 3) != GL_OK) break;
    calls++;
    const double p = gl_sweep_progress(sw);
    if (!(p > last)) monotone = 0;
    last = p;
    if (gl_sweep_units_done(sw) - done > 1) at_most_one = 0;
    done = gl_sweep_units_done(sw);
    if (done == 3 && partial_json == 0) {
      /* a partial grid: three cells of seed 1 have numbers, the fourth is null */
      const char *j = gl_sweep_json(sw);
      snprintf(grids[0], sizeof grids[0], "%s", j ? j : "");
      partial_json = strstr(grids[0], "\"diverged_share\": [[0, 0], [0, null]]") != NULL ? 1 : -1;
    }
  }
  /* 8 units of 10 steps in pieces of 3: 4 calls each (3+3+3+1, the last one measures) */
  CHECK(calls == 32 && monotone && at_most_one && last == 1.0 && partial_json == 1,
        "8 units x 10 steps in pieces of 3 steps: %d calls, progress rises to %g, at most one unit "
        "per call; after 3 units the JSON's grids are partial (%s)",
        calls, last, partial_json == 1 ? "null where no seed has run" : grids[0]);
  gl_sweep_free(sw);
  sw = plane_of("depth=40 width=32 block=1", "depth=40,80", "width=16,32", "1..2", "both", 100);
  if (!sw) return;
  gl_sweep_run(sw, 5);
  gl_sweep_run(sw, 5);
  CHECK(gl_sweep_units_done(sw) == 0 && gl_sweep_progress(sw) > 0,
        "cancel a plane mid-unit: 0 units done, progress %.4f; freed with its live network",
        gl_sweep_progress(sw));
  gl_sweep_free(sw);
}

static void bad_plane(const char *config, const char *s1, const char *s2, const char *seeds,
                      const char *arch, int steps, int code, const char *want) {
  gl_config *c = cfg_from(config);
  gl_sweep *sw = NULL;
  int rc = gl_sweep_new2(c, s1, s2, seeds, arch, steps, &sw);
  CHECK(rc == code && sw && gl_sweep_errcode(sw) == code && strstr(gl_sweep_errmsg(sw), want) &&
            gl_sweep_run(sw, 1) == code && gl_sweep_units_done(sw) == 0 && gl_sweep_json(sw) == NULL,
        "%s x %s (seeds %s, steps %d) -> %s: %s", s1 ? s1 : "NULL", s2, seeds ? seeds : "-", steps,
        gl_errstr(rc), gl_sweep_errmsg(sw));
  gl_sweep_free(sw);
  gl_config_free(c);
}

static void test_bad_planes(void) {
  printf("bad planes: refused before any unit runs, one message\n");
  bad_plane("", "depth=2,4", "depth=8,16", NULL, NULL, 0, GL_EINVAL, "depth is swept twice");
  bad_plane("init=normal", "init_std=0.1", "init-std=0.2", NULL, NULL, 0, GL_EINVAL, "init_std is swept twice");
  bad_plane("", "depth=2,4", "act=1,2", NULL, NULL, 0, GL_EINVAL, "act is not a numeric setting");
  bad_plane("", "depth=2,4", "colour=1", NULL, NULL, 0, GL_EINVAL, "unknown setting 'colour'");
  bad_plane("", "depth=2,4", "width=8,x", NULL, NULL, 0, GL_EINVAL, "'x' is not a number");
  bad_plane("", "depth=2,4", "width=1..2048:3", NULL, NULL, 0, GL_EINVAL, "width: 2048 is out of range");
  bad_plane("", "depth=2,4", "lr=0.1,1", NULL, NULL, 0, GL_EINVAL, "lr changes nothing at initialisation");
  bad_plane("", "depth=2,4", "seed=1,2", NULL, NULL, 0, GL_EINVAL, "seeds range");
  bad_plane("", "depth=2,4", "", NULL, NULL, 0, GL_EINVAL, "is not NAME=V1,V2");
  bad_plane("", NULL, "depth=2", NULL, NULL, 0, GL_EMISUSE, "no sweep given");
  /* a pair whose network gl_create refuses, named by both values */
  bad_plane("width=8 points=16", "depth=2,3", "block=1,2", NULL, "plain", 0, GL_EINVAL,
            "depth=3, block=2 (plain): depth: 3 is not a multiple of block (2)");
  bad_plane("block=1", "depth=10,1000", "width=64,1024", NULL, "plain", 0, GL_ENOMEM,
            "depth=1000, width=1024 (plain): depth/width/batch");
  /* the units: 20 x 20 cells x 1000 seeds x 2 archs = 800000 > 400000 (linear ranges: 20 values each) */
  bad_plane("block=1", "depth=5..24:20", "width=5..24:20", "1..1000", "both", 0, GL_EINVAL,
            "20 x 20 values x 1000 seeds x 2 archs = 800000 units, at most 400000");
  /* the work, sum of units x layers x (steps + 1): 10 units x 1000 layers x 10000 = 1e8 is
   * allowed, 11 units are not */
  gl_config *c = cfg_from("block=1 width=8 points=8");
  gl_sweep *sw = NULL;
  int rc = gl_sweep_new2(c, "depth=998", "width=8..17:10", "1..1", "plain", 9999, &sw);
  CHECK(rc == GL_OK && gl_sweep_units_total(sw) == 10,
        "depth 998 (1000 layers) x 10 widths x 10000 steps = 1e8 layer-steps: allowed (%s)",
        gl_sweep_errmsg(sw));
  gl_sweep_free(sw);
  gl_config_free(c);
  bad_plane("block=1 width=8 points=8", "depth=998", "width=8..18:11", "1..1", "plain", 9999, GL_EINVAL,
            "1.1e+08 layer-steps of work (units x layers x (steps + 1)), at most 1e+08");
  /* at initialisation each unit still counts its measurement: 100 x 1000 seeds x 1002 layers x 1 */
  bad_plane("block=1 points=8", "depth=1000", "width=100..199:100", "1..1000", "plain", 0, GL_EINVAL,
            "1e+08 layer-steps of work");
}

/* The mean field of a weight-scale axis: the engine's theory per value. */
static void test_plane_meanfield(void) {
  printf("the mean field of a weight-scale axis\n");
  gl_sweep *sw = plane_of("width=16 act=tanh init=normal points=32 block=1", "init_std=0.125,0.25,0.5",
                          "depth=2,4", NULL, "plain", 0);
  if (!sw) return;
  int same = 1;
  for (int i = 0; i < 3; i++) {
    gl_meanfield a, b;
    same &= gl_sweep_meanfield(sw, 0, i, &a) == 1;
    gl_meanfield_compute("tanh", 4 * gl_sweep_axis_value(sw, 0, i), 0, &b); /* sqrt(16) init_std */
    same &= memcmp(&a, &b, sizeof a) == 0;
  }
  gl_meanfield m;
  run_all(sw, 1);
  const char *j = gl_sweep_json(sw);
  CHECK(same && !gl_sweep_meanfield(sw, 1, 0, &m) && !gl_sweep_meanfield(sw, 0, 3, &m) && j &&
            strstr(j, "\"sigma_w\": [0.5, 1, 2]") && strstr(j, "\"chi_mf\": [0.25, 1, ") &&
            strstr(j, "\"xi\": [0.72134752, null, null]") &&
            strstr(j, "\"depth_6xi\": [4.32808512, null, null]") && strstr(j, "\"c_star\": [1, 1, 0]") &&
            strstr(j, "\"q_star\": [0, 0, 2.12"),
        "init_std=0.125,0.25,0.5 at width 16 (sigma_w 0.5, 1, 2): gl_meanfield_compute's numbers per "
        "value; chi_mf 0.25, 1 (the edge), > 1; xi and depth_6xi null at chi >= 1; depth has none");
  gl_sweep_free(sw);
  /* no weight-scale axis: sigma_w would change with the other axis (width), or the theory does not apply */
  struct {
    const char *config, *s1, *s2;
  } none[] = {
      {"init=normal block=1", "init_std=0.1,0.2", "width=8,16"},
      {"init=normal norm=batch block=1", "init_std=0.1,0.2", "depth=2,4"},
      {"init=xavier block=1", "depth=2,4", "width=8,16"},
  };
  int found = 0;
  for (size_t k = 0; k < sizeof none / sizeof none[0]; k++) {
    gl_sweep *x = plane_of(none[k].config, none[k].s1, none[k].s2, NULL, "plain", 0);
    found += gl_sweep_meanfield(x, 0, 0, &m) + gl_sweep_meanfield(x, 1, 0, &m);
    const char *jx = gl_sweep_json(x);
    found += jx && strstr(jx, "chi_mf") != NULL;
    gl_sweep_free(x);
  }
  /* a 1-D init_std sweep: the mean field in C, its JSON as before (no axes, no chi_mf) */
  gl_sweep *one = sweep_of("width=16 act=tanh init=normal points=32", "init_std=0.25", NULL, "plain", 0);
  const int one_has = one && gl_sweep_meanfield(one, 0, 0, &m) && fabs(m.chi - 1) < 1e-15;
  const char *jo = one ? gl_sweep_json(one) : NULL;
  CHECK(found == 0 && one_has && jo && !strstr(jo, "chi_mf") && !strstr(jo, "axes"),
        "init_std x width, batch norm, xavier: no mean field (%d found); a 1-D init_std sweep has it "
        "in C (chi %.17g) and not in its JSON",
        found, one_has ? m.chi : NAN);
  gl_sweep_free(one);
}

/* The engine's measured chi against the sweep's mean field at width 256.
 * The 2-D input enters far below q* (Lin_1's fan-in is 2), so the signal
 * needs a few layers to reach q*: in the chaotic phase the first layers
 * multiply by about sigma_w^2 (the linear regime of tanh), which lifts the
 * sweep's chi_geomean above chi_mf.  Compared: the median of the record's
 * chi over hidden layers 16 .. depth, where q has settled. */
static void test_plane_theory_meets_measure(void) {
  const int depth = quick ? 24 : 30;
  printf("measured chi against chi_mf (tanh, width 256, depth %d)\n", depth);
  char config[128];
  snprintf(config, sizeof config, "width=256 act=tanh init=normal points=%d block=1", quick ? 64 : 256);
  gl_sweep *sw = plane_of(config, "init_std=0.03125,0.0546875,0.09375,0.125", "depth=30", NULL,
                          "plain", 0);
  if (!sw) return;
  char line[320] = "";
  double worst = 0;
  for (int i = 0; i < 4; i++) {
    gl_meanfield m;
    gl_sweep_meanfield(sw, 0, i, &m);
    char text[192];
    snprintf(text, sizeof text, "%s depth=%d init_std=%.17g", config, depth, gl_sweep_axis_value(sw, 0, i));
    gl_config *c = cfg_from(text);
    gl_net *n = NULL;
    if (gl_create(c, GL_ARCH_PLAIN, &n) == GL_OK) {
      gl_measure(n);
      const double *chi = gl_record_field(n, GL_CHI);
      double v[64];
      int k = 0;
      for (int l = 15; l <= depth; l++) v[k++] = chi[l]; /* hidden layers 16 .. depth (0-based l) */
      const double med = pct(v, k, 0.5);
      snprintf(line + strlen(line), sizeof line - strlen(line), " sigma_w %.2f: %.3f vs %.3f;",
               m.sigma_w, med, m.chi);
      worst = fmax(worst, fabs(med / m.chi - 1));
    }
    gl_free(n);
    gl_config_free(c);
  }
  CHECK(worst < 0.05, "median chi of hidden layers 16..%d vs chi_mf:%s largest relative gap %.3f", depth,
        line, worst);
  gl_sweep_free(sw);
}

int main(int argc, char **argv) {
  quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
  timed(test_values);
  timed(test_bad_sweeps);
  timed(test_pieces);
  timed(test_against_single_runs);
  timed(test_deep);
  timed(test_depth_law);
  timed(test_chi_crossing);
  timed(test_plane_rows_and_columns);
  timed(test_plane_of_one_line);
  timed(test_plane_pieces);
  timed(test_bad_planes);
  timed(test_plane_meanfield);
  timed(test_plane_theory_meets_measure);
  return report();
}
