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

int main(int argc, char **argv) {
  quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
  timed(test_values);
  timed(test_bad_sweeps);
  timed(test_pieces);
  timed(test_against_single_runs);
  timed(test_deep);
  timed(test_depth_law);
  timed(test_chi_crossing);
  return report();
}
