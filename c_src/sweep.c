/*
 * sweep.c - sweeps: one numeric setting measured at a list of values, or two
 * settings at every pair of values (a plane), over a range of seeds, for the
 * plain and the residual stack (gradlab.h, "sweeps", "two-setting sweeps").
 *
 * Written against the public API only: a sweep is a loop of gl_create /
 * gl_step / gl_measure / gl_free, one network alive at a time, and the
 * settings table (gl_settings_json, gl_config_set) decides which settings are
 * numeric and which values are legal.  The loop is cut into pieces
 * (gl_sweep_run) so a caller can show progress and cancel between them.
 *
 * The law a sweep shows: the gradient reaching layer 1 is a product of one
 * factor per layer above it, so for the plain stack
 *   log10(grad_norm[1] / grad_norm[out]) ~ depth * log10(sqrt(chi)),
 * a straight line in depth, while the residual stack's identity term keeps
 * every factor near 1.  Over weight scale x depth (a plane) the same law
 * draws the phase diagram of Schoenholz et al. 2017: the depth a plain stack
 * trains to is set by the mean-field depth scale xi (meanfield.c), which
 * diverges at the edge of chaos, chi = 1.
 *
 * A sweep has one or two axes, each a setting and its values; a 1-D sweep is
 * a plane of one row (axis 1 has one value and no setting), so one loop runs
 * both.  A cell is a pair (i on axis 0, j on axis 1), cell = j n0 + i.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradlab.h"

#define SW_ERRLEN 256
#define SW_NAMELEN 32
#define SW_TEXTLEN 40

/* One swept setting and its values. */
typedef struct {
  char name[SW_NAMELEN];        /* the setting; "" for the one-value axis 1 of a 1-D sweep */
  int is_int;                   /* an integer setting: values rounded */
  int n_values;
  double values[GL_SWEEP_MAX_VALUES];
  char texts[GL_SWEEP_MAX_VALUES][SW_TEXTLEN]; /* each value as gl_config_set reads it */
  int has_mf;                   /* a weight-scale axis: mf holds the mean field per value */
  gl_meanfield mf[GL_SWEEP_MAX_VALUES];
} sweep_axis;

struct gl_sweep {
  gl_config *cfg;               /* own copy; the swept settings and seed change per unit */
  int n_axes;                   /* 1 or 2 */
  sweep_axis ax[2];             /* ax[0]: the columns; ax[1]: the rows (1 value in 1-D) */
  long n_cells;                 /* ax[0].n_values * ax[1].n_values */
  double seed_a, seed_b;        /* uint32 range, kept exactly in doubles */
  int n_seeds;
  int archs[2], n_archs;        /* GL_ARCH_PLAIN / GL_ARCH_RESIDUAL, in that order */
  long steps;
  long n_units, done;           /* unit u = (seed * n_cells + cell) * n_archs + arch */
  gl_net *net;                  /* the unit in progress, or NULL */
  double *m;                    /* (n_units, GL_SWEEP_N_METRICS); NAN = null */
  signed char *status;          /* (n_units): -1 not run, GL_STATUS_OK, GL_STATUS_DIVERGED */
  double *tmp;                  /* (n_seeds) scratch for the percentiles */
  char *json;
  size_t json_len, json_cap;
  int code;
  char errmsg[SW_ERRLEN];
};

static const char *METRIC_NAMES[GL_SWEEP_N_METRICS] = {
    "grad_ratio_log10", "act_grad_ratio_log10", "chi_geomean", "grad_ratio_theory_log10",
    "act_grad_ratio_theory_log10", "final_loss", "final_acc"};

const char *gl_sweep_metric_name(int metric) {
  return metric >= 0 && metric < GL_SWEEP_N_METRICS ? METRIC_NAMES[metric] : NULL;
}

static int fail(gl_sweep *sw, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(sw->errmsg, sizeof sw->errmsg, fmt, ap);
  va_end(ap);
  sw->code = code;
  return code;
}

/* ---- the settings table: is NAME a setting, and of which type? ---- */

/* The "type" of setting `name` in gl_settings_json ("int", "real", "choice",
 * "bool", "scale") into type; 0 when there is no such setting. */
static int setting_type(const char *name, char *type, size_t cap) {
  char key[SW_NAMELEN + 16];
  snprintf(key, sizeof key, "\"name\": \"%s\"", name);
  const char *at = strstr(gl_settings_json(), key);
  if (!at) return 0;
  const char *t = strstr(at, "\"type\": \"");
  if (!t) return 0;
  t += 9;
  size_t n = strcspn(t, "\"");
  if (n >= cap) n = cap - 1;
  memcpy(type, t, n);
  type[n] = '\0';
  return 1;
}

/* ---- parsing the sweep text ---- */

/* The whole of [s, e) as a finite number. */
static int number(const char *s, const char *e, double *out) {
  char buf[64];
  size_t n = (size_t)(e - s);
  if (n == 0 || n >= sizeof buf || isspace((unsigned char)*s)) return 0;
  memcpy(buf, s, n);
  buf[n] = '\0';
  char *end;
  errno = 0;
  double x = strtod(buf, &end);
  if (*end || errno == ERANGE || !isfinite(x)) return 0;
  *out = x;
  return 1;
}

static void value_text(const sweep_axis *ax, double v, char *buf) {
  if (ax->is_int) {
    snprintf(buf, SW_TEXTLEN, "%.0f", v);
    return;
  }
  /* the shortest text that reads back as v: fixed-point for everyday
   * magnitudes (20, not 2e+01), else the exponent form */
  if (fabs(v) >= 1e-4 && fabs(v) < 1e15)
    for (int dec = 0; dec <= 17; dec++) {
      snprintf(buf, SW_TEXTLEN, "%.*f", dec, v);
      if (strtod(buf, NULL) == v) return;
    }
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, SW_TEXTLEN, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) return;
  }
}

/* "A..B:N": N values from A to B, log-spaced when 0 < A, B and the ratio of
 * the larger to the smaller is over 10 (one decade), else linear:
 *   log:    v_i = A * (B/A)^(i/(N-1))        linear: v_i = A + (B-A) i/(N-1)
 * An integer setting's values are rounded and repeats dropped. */
static int parse_range(gl_sweep *sw, sweep_axis *ax, const char *text, const char *dots) {
  const char *colon = strchr(dots + 2, ':');
  double a, b, nd;
  if (!colon || !number(text, dots, &a) || !number(dots + 2, colon, &b) ||
      !number(colon + 1, colon + 1 + strlen(colon + 1), &nd))
    return fail(sw, GL_EINVAL, "sweep: %s: '%.60s' is not a range A..B:N of numbers", ax->name,
                text);
  if (nd != floor(nd) || nd < 1)
    return fail(sw, GL_EINVAL, "sweep: %s: the count N in '%.60s' must be a whole number >= 1",
                ax->name, text);
  if (nd > GL_SWEEP_MAX_VALUES)
    return fail(sw, GL_EINVAL, "sweep: %s: %.0f values, at most %d", ax->name, nd,
                GL_SWEEP_MAX_VALUES);
  const int n = (int)nd;
  if (n == 1 && a != b)
    return fail(sw, GL_EINVAL, "sweep: %s: a range from %g to %g needs N >= 2 values", ax->name, a,
                b);
  const double lo = a < b ? a : b, hi = a < b ? b : a;
  const int logspaced = lo > 0 && hi / lo > 10;
  ax->n_values = 0;
  for (int i = 0; i < n; i++) {
    const double f = n == 1 ? 0 : (double)i / (n - 1);
    double v = logspaced ? a * pow(b / a, f) : a + (b - a) * f;
    if (i == n - 1) v = b; /* the end point exactly */
    if (ax->is_int) v = floor(v + 0.5);
    if (ax->is_int && ax->n_values && v == ax->values[ax->n_values - 1]) continue;
    ax->values[ax->n_values++] = v;
  }
  return GL_OK;
}

/* "V1,V2,...": each a number (the table then checks its type and range). */
static int parse_list(gl_sweep *sw, sweep_axis *ax, const char *text) {
  ax->n_values = 0;
  for (const char *p = text;;) {
    const char *comma = strchr(p, ',');
    const char *e = comma ? comma : p + strlen(p);
    double v;
    if (e == p) return fail(sw, GL_EINVAL, "sweep: %s: an empty value in '%.60s'", ax->name, text);
    if (!number(p, e, &v))
      return fail(sw, GL_EINVAL, "sweep: %s: '%.*s' is not a number", ax->name,
                  (int)(e - p < 60 ? e - p : 60), p);
    if (ax->n_values == GL_SWEEP_MAX_VALUES)
      return fail(sw, GL_EINVAL, "sweep: %s: more than %d values", ax->name, GL_SWEEP_MAX_VALUES);
    if (ax->is_int && v != floor(v))
      return fail(sw, GL_EINVAL, "sweep: %s: '%.*s' is not an integer", ax->name,
                  (int)(e - p < 60 ? e - p : 60), p);
    ax->values[ax->n_values++] = v;
    if (!comma) break;
    p = comma + 1;
  }
  return GL_OK;
}

static const char *arch_name(int arch) { return arch == GL_ARCH_PLAIN ? "plain" : "residual"; }

/* Settings whose value a sweep cannot vary, or that would change nothing. */
static int check_meaningful(gl_sweep *sw, const char *n) {
  if (!strcmp(n, "seed"))
    return fail(sw, GL_EINVAL, "sweep: seed is swept by the seeds range (A..B), not as a setting");
  if (!strcmp(n, "steps"))
    return fail(sw, GL_EINVAL, "sweep: steps is the sweep's own number of training steps, not a "
                               "setting to sweep");
  if (!strcmp(n, "init_std") && strcmp(gl_config_get(sw->cfg, "init"), "normal"))
    return fail(sw, GL_EINVAL, "sweep: init_std sets the weights only when init=normal (init is %s)",
                gl_config_get(sw->cfg, "init"));
  if ((!strcmp(n, "lr") || !strcmp(n, "momentum") || !strcmp(n, "clip")) && sw->steps == 0)
    return fail(sw, GL_EINVAL, "sweep: %s changes nothing at initialisation; give steps > 0", n);
  if (!strcmp(n, "res_scale") && sw->n_archs == 1 && sw->archs[0] == GL_ARCH_PLAIN)
    return fail(sw, GL_EINVAL, "sweep: res_scale changes only the residual stack (arch is plain)");
  return GL_OK;
}

/* One axis from its text "NAME=V1,V2,..." or "NAME=A..B:N": the setting (a
 * numeric one of the table, not the other axis's), its values, and every
 * value through the settings table (a value out of its range is named as
 * such), on a scratch copy of the config. */
static int parse_axis(gl_sweep *sw, sweep_axis *ax, const char *text, const sweep_axis *other) {
  if (!text) return fail(sw, GL_EMISUSE, "sweep: no sweep given (NAME=V1,V2,... or NAME=A..B:N)");
  const char *eq = strchr(text, '=');
  if (!eq) return fail(sw, GL_EINVAL, "sweep: '%.60s' is not NAME=V1,V2,... or NAME=A..B:N", text);
  size_t nl = (size_t)(eq - text);
  if (nl == 0 || nl >= SW_NAMELEN)
    return fail(sw, GL_EINVAL, "sweep: '%.60s' does not start with a setting name", text);
  memcpy(ax->name, text, nl);
  ax->name[nl] = '\0';
  for (char *p = ax->name; *p; p++)
    if (*p == '-') *p = '_';
  char type[16];
  if (!setting_type(ax->name, type, sizeof type))
    return fail(sw, GL_EINVAL, "sweep: unknown setting '%s'", ax->name);
  if (strcmp(type, "int") && strcmp(type, "real") && strcmp(type, "scale"))
    return fail(sw, GL_EINVAL, "sweep: %s is not a numeric setting (it is a %s)", ax->name, type);
  if (other && !strcmp(other->name, ax->name))
    return fail(sw, GL_EINVAL, "sweep: %s is swept twice; a plane needs two different settings",
                ax->name);
  ax->is_int = !strcmp(type, "int");
  int rc = check_meaningful(sw, ax->name);
  if (rc) return rc;
  const char *v = eq + 1;
  if (!*v) return fail(sw, GL_EINVAL, "sweep: %s: no values after '='", ax->name);
  const char *dots = strstr(v, "..");
  rc = dots ? parse_range(sw, ax, v, dots) : parse_list(sw, ax, v);
  if (rc) return rc;
  gl_config *probe;
  if (gl_config_copy(sw->cfg, &probe)) {
    gl_config_free(probe);
    return fail(sw, GL_ENOMEM, "sweep: out of memory");
  }
  for (int i = 0; i < ax->n_values && !rc; i++) {
    value_text(ax, ax->values[i], ax->texts[i]);
    if ((rc = gl_config_set(probe, ax->name, ax->texts[i])))
      fail(sw, rc, "%s", gl_config_errmsg(probe));
  }
  gl_config_free(probe);
  return rc;
}

/* "depth=3" or "init_std=0.1, depth=3": the cell's values as a message names them */
static void cell_text(const gl_sweep *sw, int i, int j, char *buf, size_t cap) {
  if (sw->n_axes == 1)
    snprintf(buf, cap, "%s=%s", sw->ax[0].name, sw->ax[0].texts[i]);
  else
    snprintf(buf, cap, "%s=%s, %s=%s", sw->ax[0].name, sw->ax[0].texts[i], sw->ax[1].name,
             sw->ax[1].texts[j]);
}

/* The cell's values into cfg (both were accepted by the table already). */
static int set_cell(const gl_sweep *sw, gl_config *cfg, int i, int j) {
  int rc = gl_config_set(cfg, sw->ax[0].name, sw->ax[0].texts[i]);
  if (!rc && sw->n_axes == 2) rc = gl_config_set(cfg, sw->ax[1].name, sw->ax[1].texts[j]);
  return rc;
}

/* A plane's budget, before anything runs: its units (the metrics' memory)
 * and its work, sum over units of n_layers x (steps + 1), n_layers read from
 * each cell's config (dense: depth + 2; conv: 2 blocks + 2). */
static int check_budget(gl_sweep *sw, gl_config *probe) {
  const double units = (double)sw->n_cells * sw->n_seeds * sw->n_archs;
  if (units > (double)GL_SWEEP_MAX_UNITS)
    return fail(sw, GL_EINVAL,
                "sweep: %d x %d values x %d seeds x %d archs = %.0f units, at most %ld (the "
                "results' memory)",
                sw->ax[0].n_values, sw->ax[1].n_values, sw->n_seeds, sw->n_archs, units,
                GL_SWEEP_MAX_UNITS);
  double work = 0;
  for (int j = 0; j < sw->ax[1].n_values; j++)
    for (int i = 0; i < sw->ax[0].n_values; i++) {
      set_cell(sw, probe, i, j);
      const int conv = !strcmp(gl_config_get(probe, "model"), "conv");
      const double layers = conv ? 2 * strtod(gl_config_get(probe, "blocks"), NULL) + 2
                                 : strtod(gl_config_get(probe, "depth"), NULL) + 2;
      work += layers * (double)(sw->steps + 1) * sw->n_seeds * sw->n_archs;
    }
  if (work > GL_SWEEP_MAX_LAYER_STEPS)
    return fail(sw, GL_EINVAL,
                "sweep: %.3g layer-steps of work (units x layers x (steps + 1)), at most %.0e: "
                "fewer values, seeds or steps",
                work, GL_SWEEP_MAX_LAYER_STEPS);
  return GL_OK;
}

/* Every unit's network through gl_create's checks (the cross-field rules,
 * the memory budget) on a scratch copy, found now rather than at that unit
 * after the others have trained.  The seeds change none of them: one check
 * per cell and arch. */
static int check_cells(gl_sweep *sw) {
  gl_config *probe;
  if (gl_config_copy(sw->cfg, &probe)) {
    gl_config_free(probe);
    return fail(sw, GL_ENOMEM, "sweep: out of memory");
  }
  int rc = sw->n_axes == 2 ? check_budget(sw, probe) : GL_OK;
  for (int j = 0; j < sw->ax[1].n_values && !rc; j++)
    for (int i = 0; i < sw->ax[0].n_values && !rc; i++) {
      set_cell(sw, probe, i, j); /* accepted by the table in parse_axis */
      for (int a = 0; a < sw->n_archs && !rc; a++)
        if ((rc = gl_config_check(probe, sw->archs[a]))) {
          char cell[2 * (SW_NAMELEN + SW_TEXTLEN) + 8];
          cell_text(sw, i, j, cell, sizeof cell);
          fail(sw, rc, "sweep: %s (%s): %s", cell, arch_name(sw->archs[a]), gl_config_errmsg(probe));
        }
    }
  gl_config_free(probe);
  return rc;
}

/* Is axis a a weight-scale axis (gradlab.h, gl_sweep_meanfield)?  Then the
 * mean field of every value: sigma_w = sqrt(fan_in) init_std with fan_in =
 * width (the hidden layers'), sigma_b = 0 (biases start at 0). */
static void axis_meanfield(gl_sweep *sw, int a) {
  sweep_axis *ax = &sw->ax[a];
  const char *other = sw->n_axes == 2 ? sw->ax[1 - a].name : "";
  ax->has_mf = !strcmp(ax->name, "init_std") && !strcmp(gl_config_get(sw->cfg, "init"), "normal") &&
               !strcmp(gl_config_get(sw->cfg, "model"), "dense") &&
               !strcmp(gl_config_get(sw->cfg, "norm"), "none") && strcmp(other, "width");
  if (!ax->has_mf) return;
  const double fan_in = strtod(gl_config_get(sw->cfg, "width"), NULL);
  const char *act = gl_config_get(sw->cfg, "act");
  for (int i = 0; i < ax->n_values; i++)
    if (gl_meanfield_compute(act, sqrt(fan_in) * ax->values[i], 0, &ax->mf[i])) ax->has_mf = 0;
}

/* "A..B" with 0 <= A <= B <= 2^32-1 and at most GL_SWEEP_MAX_SEEDS seeds. */
static int parse_seeds(gl_sweep *sw, const char *text) {
  if (!text || !*text) {
    sw->seed_a = sw->seed_b = strtod(gl_config_get(sw->cfg, "seed"), NULL);
    sw->n_seeds = 1;
    return GL_OK;
  }
  const char *dots = strstr(text, "..");
  double a, b;
  if (!dots || !number(text, dots, &a) || !number(dots + 2, dots + 2 + strlen(dots + 2), &b) ||
      a != floor(a) || b != floor(b) || a < 0 || b < a || b > 4294967295.0 ||
      b - a >= GL_SWEEP_MAX_SEEDS)
    return fail(sw, GL_EINVAL,
                "seeds: '%.60s' must be A..B with whole numbers 0 <= A <= B and at most %d seeds",
                text, GL_SWEEP_MAX_SEEDS);
  sw->seed_a = a;
  sw->seed_b = b;
  sw->n_seeds = (int)(b - a) + 1;
  return GL_OK;
}

static int parse_arch(gl_sweep *sw, const char *arch) {
  const char *a = arch ? arch : gl_config_get(sw->cfg, "arch");
  sw->n_archs = 0;
  if (!strcmp(a, "plain") || !strcmp(a, "both")) sw->archs[sw->n_archs++] = GL_ARCH_PLAIN;
  if (!strcmp(a, "residual") || !strcmp(a, "both")) sw->archs[sw->n_archs++] = GL_ARCH_RESIDUAL;
  if (!sw->n_archs)
    return fail(sw, GL_EINVAL, "arch: unknown value '%.60s' (choose one of plain|residual|both)", a);
  return GL_OK;
}

int gl_sweep_new2(const gl_config *cfg, const char *sweep1, const char *sweep2, const char *seeds,
                  const char *arch, int steps, gl_sweep **out) {
  if (!out) return GL_EMISUSE;
  gl_sweep *sw = (gl_sweep *)calloc(1, sizeof *sw);
  *out = sw;
  if (!sw) return GL_ENOMEM;
  if (!cfg) return fail(sw, GL_EMISUSE, "sweep: no configuration (NULL)");
  if (gl_config_copy(cfg, &sw->cfg)) return fail(sw, GL_ENOMEM, "sweep: out of memory");
  int rc;
  if ((rc = parse_arch(sw, arch))) return rc;
  if (steps < 0 || steps > 10000000)
    return fail(sw, GL_EINVAL, "steps: %d is out of range [0, 10000000]", steps);
  sw->steps = steps;
  if ((rc = parse_seeds(sw, seeds))) return rc;
  /* after parse_arch and steps: check_meaningful reads both */
  sw->n_axes = sweep2 ? 2 : 1;
  if ((rc = parse_axis(sw, &sw->ax[0], sweep1, NULL))) return rc;
  if (sweep2) {
    if ((rc = parse_axis(sw, &sw->ax[1], sweep2, &sw->ax[0]))) return rc;
  } else {
    sw->ax[1].n_values = 1; /* one row, no setting */
  }
  sw->n_cells = (long)sw->ax[0].n_values * sw->ax[1].n_values;
  if ((rc = check_cells(sw))) return rc;
  for (int a = 0; a < sw->n_axes; a++) axis_meanfield(sw, a);
  sw->n_units = sw->n_cells * sw->n_seeds * sw->n_archs;
  sw->m = (double *)malloc(sizeof(double) * GL_SWEEP_N_METRICS * (size_t)sw->n_units);
  sw->status = (signed char *)malloc((size_t)sw->n_units);
  sw->tmp = (double *)malloc(sizeof(double) * (size_t)sw->n_seeds);
  if (!sw->m || !sw->status || !sw->tmp) return fail(sw, GL_ENOMEM, "sweep: out of memory");
  for (long i = 0; i < GL_SWEEP_N_METRICS * sw->n_units; i++) sw->m[i] = NAN;
  memset(sw->status, -1, (size_t)sw->n_units);
  return GL_OK;
}

int gl_sweep_new(const gl_config *cfg, const char *sweep, const char *seeds, const char *arch,
                 int steps, gl_sweep **out) {
  return gl_sweep_new2(cfg, sweep, NULL, seeds, arch, steps, out);
}

void gl_sweep_free(gl_sweep *sw) {
  if (!sw) return;
  gl_free(sw->net);
  gl_config_free(sw->cfg);
  free(sw->m);
  free(sw->status);
  free(sw->tmp);
  free(sw->json);
  free(sw);
}

int gl_sweep_errcode(const gl_sweep *sw) { return sw ? sw->code : GL_EMISUSE; }
const char *gl_sweep_errmsg(const gl_sweep *sw) {
  if (!sw) return "no sweep (NULL)";
  return sw->errmsg[0] ? sw->errmsg : "no error";
}

/* ---- running ---- */

/* log10(a / b), or NAN (null) when either is zero or not finite */
static double ratio_log10(double a, double b) {
  if (!(a > 0) || !(b > 0) || !isfinite(a) || !isfinite(b)) return NAN;
  return log10(a) - log10(b);
}

/* The measured network's metrics into m (GL_SWEEP_N_METRICS). */
static void unit_metrics(const gl_net *net, long steps, double *m) {
  const int nl = gl_n_layers(net);
  const double *g = gl_record_field(net, GL_GRAD_NORM);
  const double *ag = gl_record_field(net, GL_ACT_GRAD_NORM);
  const double *chi = gl_record_field(net, GL_CHI);
  m[GL_SWEEP_GRAD_RATIO_LOG10] = ratio_log10(g[0], g[nl - 1]);
  m[GL_SWEEP_ACT_GRAD_RATIO_LOG10] = ratio_log10(ag[0], ag[nl - 1]);
  /* geometric mean over the hidden layers 2..nl-1 (1-based) = exp(mean ln chi_l);
   * a zero factor makes the product, and so the mean, zero */
  double sum_ln = 0;
  int zero = 0;
  for (int l = 1; l < nl - 1; l++) {
    if (!(chi[l] > 0)) zero = 1;
    else sum_ln += log(chi[l]);
  }
  m[GL_SWEEP_CHI_GEOMEAN] = nl < 3 ? NAN : zero ? 0 : exp(sum_ln / (nl - 2));
  /* the mean-field lines, summed in logs (no underflow at depth 1000; a zero factor: null):
   *   act_grad_norm[1] ~ act_grad_norm[out] * prod_{l=2..nl} sqrt(chi_l)
   *   grad_norm[1]     ~ grad_norm[out] * prod_{l=2..nl} grad_factor_theory_l
   * (the record's act_grad_norm_theory and grad_norm_theory lines, end to end) */
  const double *fac = gl_record_field(net, GL_GRAD_FACTOR_THEORY);
  double sum_log = 0, sum_fac = 0;
  int zero_fac = 0;
  zero = 0;
  for (int l = 1; l < nl; l++) {
    if (!(chi[l] > 0)) zero = 1;
    else sum_log += 0.5 * log10(chi[l]);
    if (!(fac[l] > 0)) zero_fac = 1;
    else sum_fac += log10(fac[l]);
  }
  m[GL_SWEEP_ACT_GRAD_RATIO_THEORY_LOG10] = zero ? NAN : sum_log;
  m[GL_SWEEP_GRAD_RATIO_THEORY_LOG10] = zero_fac ? NAN : sum_fac;
  m[GL_SWEEP_FINAL_LOSS] = steps > 0 ? gl_record_loss(net) : NAN;
  m[GL_SWEEP_FINAL_ACC] = steps > 0 ? gl_record_acc(net) : NAN;
}

/* unit u -> (cell, arch index, seed index): u = (seed * n_cells + cell) * n_archs + arch */
static void unit_coords(const gl_sweep *sw, long u, long *cell, int *arch_index, int *seed) {
  *arch_index = (int)(u % sw->n_archs);
  *cell = (u / sw->n_archs) % sw->n_cells;
  *seed = (int)(u / ((long)sw->n_archs * sw->n_cells));
}

int gl_sweep_run(gl_sweep *sw, int max_steps) {
  if (!sw) return GL_EMISUSE;
  if (sw->code) return sw->code;
  if (max_steps < 1) {
    /* a misuse the sweep survives: the message is set, the sweep goes on */
    snprintf(sw->errmsg, sizeof sw->errmsg, "sweep: max_steps must be >= 1 (got %d)", max_steps);
    return GL_EMISUSE;
  }
  if (sw->done == sw->n_units) return GL_OK;
  long cell;
  int ai, si;
  unit_coords(sw, sw->done, &cell, &ai, &si);
  const int i = (int)(cell % sw->ax[0].n_values), j = (int)(cell / sw->ax[0].n_values);
  const int arch = sw->archs[ai];
  char seed[24], where[2 * (SW_NAMELEN + SW_TEXTLEN) + 8];
  snprintf(seed, sizeof seed, "%.0f", sw->seed_a + si);
  cell_text(sw, i, j, where, sizeof where);
  if (!sw->net) {
    int rc = set_cell(sw, sw->cfg, i, j);
    if (!rc) rc = gl_config_set(sw->cfg, "seed", seed);
    if (!rc) rc = gl_create(sw->cfg, arch, &sw->net);
    if (rc)
      return fail(sw, rc, "%s (%s, seed %s): %s", where, arch_name(arch), seed,
                  gl_config_errmsg(sw->cfg));
  }
  gl_net *net = sw->net;
  const long left = sw->steps - gl_steps_done(net);
  if (left > 0 && gl_status(net) == GL_STATUS_OK) {
    int rc = gl_step(net, left < max_steps ? (int)left : max_steps);
    if (rc) return fail(sw, rc, "%s (%s, seed %s): %s", where, arch_name(arch), seed, gl_errmsg(net));
    if (gl_steps_done(net) < sw->steps && gl_status(net) == GL_STATUS_OK) return GL_OK;
  }
  gl_measure(net); /* the state after the last update (at init: the record of step 0) */
  const long u = sw->done;
  if (gl_status(net) == GL_STATUS_OK) unit_metrics(net, sw->steps, sw->m + u * GL_SWEEP_N_METRICS);
  sw->status[u] = (signed char)gl_status(net);
  gl_free(net);
  sw->net = NULL;
  sw->done++;
  return GL_OK;
}

long gl_sweep_units_done(const gl_sweep *sw) { return sw ? sw->done : 0; }
long gl_sweep_units_total(const gl_sweep *sw) { return sw ? sw->n_units : 0; }

double gl_sweep_progress(const gl_sweep *sw) {
  if (!sw || !sw->n_units) return 0;
  double d = (double)sw->done;
  if (sw->net && sw->steps > 0) d += (double)gl_steps_done(sw->net) / (double)(sw->steps + 1);
  return d / (double)sw->n_units;
}

const char *gl_sweep_name(const gl_sweep *sw) { return sw ? sw->ax[0].name : NULL; }
int gl_sweep_n_values(const gl_sweep *sw) { return sw ? sw->ax[0].n_values : 0; }
double gl_sweep_value(const gl_sweep *sw, int i) { return gl_sweep_axis_value(sw, 0, i); }
int gl_sweep_n_seeds(const gl_sweep *sw) { return sw ? sw->n_seeds : 0; }
long gl_sweep_steps(const gl_sweep *sw) { return sw ? sw->steps : 0; }

int gl_sweep_n_axes(const gl_sweep *sw) { return sw ? sw->n_axes : 0; }
const char *gl_sweep_axis_name(const gl_sweep *sw, int axis) {
  return sw && axis >= 0 && axis < sw->n_axes ? sw->ax[axis].name : NULL;
}
int gl_sweep_axis_n_values(const gl_sweep *sw, int axis) {
  return sw && axis >= 0 && axis < 2 ? sw->ax[axis].n_values : 0;
}
double gl_sweep_axis_value(const gl_sweep *sw, int axis, int i) {
  if (!sw || axis < 0 || axis >= sw->n_axes || i < 0 || i >= sw->ax[axis].n_values) return 0;
  return sw->ax[axis].values[i];
}

int gl_sweep_meanfield(const gl_sweep *sw, int axis, int i, gl_meanfield *out) {
  if (!sw || axis < 0 || axis >= sw->n_axes || !sw->ax[axis].has_mf || i < 0 ||
      i >= sw->ax[axis].n_values)
    return 0;
  if (out) *out = sw->ax[axis].mf[i];
  return 1;
}

static int arch_index(const gl_sweep *sw, int arch) {
  for (int a = 0; a < sw->n_archs; a++)
    if (sw->archs[a] == arch) return a;
  return -1;
}

int gl_sweep_has_arch(const gl_sweep *sw, int arch) { return sw && arch_index(sw, arch) >= 0; }

/* Unit index of (cell (i, j), arch, seed s), or -1 when out of range. */
static long unit_index(const gl_sweep *sw, int i, int j, int arch, int s) {
  if (!sw || !sw->m) return -1;
  const int a = arch_index(sw, arch);
  if (a < 0 || i < 0 || i >= sw->ax[0].n_values || j < 0 || j >= sw->ax[1].n_values || s < 0 ||
      s >= sw->n_seeds)
    return -1;
  const long cell = (long)j * sw->ax[0].n_values + i;
  return ((long)s * sw->n_cells + cell) * sw->n_archs + a;
}

int gl_sweep_unit2(const gl_sweep *sw, int i, int j, int arch, int s, int metric, double *out) {
  const long u = unit_index(sw, i, j, arch, s);
  if (u < 0 || metric < 0 || metric >= GL_SWEEP_N_METRICS) return 0;
  const double v = sw->m[u * GL_SWEEP_N_METRICS + metric];
  if (isnan(v)) return 0;
  if (out) *out = v;
  return 1;
}

int gl_sweep_unit(const gl_sweep *sw, int i, int arch, int s, int metric, double *out) {
  return gl_sweep_unit2(sw, i, 0, arch, s, metric, out);
}

int gl_sweep_unit_status2(const gl_sweep *sw, int i, int j, int arch, int s) {
  const long u = unit_index(sw, i, j, arch, s);
  return u < 0 ? -1 : sw->status[u];
}

int gl_sweep_unit_status(const gl_sweep *sw, int i, int arch, int s) {
  return gl_sweep_unit_status2(sw, i, 0, arch, s);
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Percentile q of sorted v[0..n): linear between order statistics,
 * v[floor(p)] + (p - floor(p)) (v[floor(p)+1] - v[floor(p)]), p = q (n-1). */
static double percentile(const double *v, int n, double q) {
  const double pos = q * (n - 1);
  const int i = (int)floor(pos);
  if (i >= n - 1) return v[n - 1];
  return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

int gl_sweep_summary2(const gl_sweep *sw, int i, int j, int arch, int metric, double out[3],
                      int *nulls) {
  if (nulls) *nulls = 0;
  if (unit_index(sw, i, j, arch, 0) < 0 || metric < 0 || metric >= GL_SWEEP_N_METRICS) return 0;
  int n = 0, nn = 0;
  for (int s = 0; s < sw->n_seeds; s++) {
    const long u = unit_index(sw, i, j, arch, s);
    if (sw->status[u] < 0) continue;
    const double v = sw->m[u * GL_SWEEP_N_METRICS + metric];
    if (isnan(v)) nn++;
    else sw->tmp[n++] = v;
  }
  if (nulls) *nulls = nn;
  if (n && out) {
    qsort(sw->tmp, (size_t)n, sizeof(double), cmp_double);
    out[0] = percentile(sw->tmp, n, 0.5);
    out[1] = percentile(sw->tmp, n, 0.1);
    out[2] = percentile(sw->tmp, n, 0.9);
  }
  return n;
}

int gl_sweep_summary(const gl_sweep *sw, int i, int arch, int metric, double out[3], int *nulls) {
  return gl_sweep_summary2(sw, i, 0, arch, metric, out, nulls);
}

double gl_sweep_diverged_share2(const gl_sweep *sw, int i, int j, int arch) {
  if (unit_index(sw, i, j, arch, 0) < 0) return -1;
  int n = 0, d = 0;
  for (int s = 0; s < sw->n_seeds; s++) {
    const int st = sw->status[unit_index(sw, i, j, arch, s)];
    if (st < 0) continue;
    n++;
    d += st == GL_STATUS_DIVERGED;
  }
  return n ? (double)d / n : -1;
}

double gl_sweep_diverged_share(const gl_sweep *sw, int i, int arch) {
  return gl_sweep_diverged_share2(sw, i, 0, arch);
}

/* ---- JSON ---- */

static void put(gl_sweep *sw, const char *fmt, ...) {
  if (!sw->json) return; /* an earlier growth failed */
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    const size_t room = sw->json_cap - sw->json_len;
    const int n = vsnprintf(sw->json + sw->json_len, room, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < room) {
      sw->json_len += (size_t)n;
      return;
    }
    char *grown = (char *)realloc(sw->json, 2 * sw->json_cap + (size_t)n);
    if (!grown) {
      free(sw->json);
      sw->json = NULL;
      return;
    }
    sw->json = grown;
    sw->json_cap = 2 * sw->json_cap + (size_t)n;
  }
}

static void put_number(gl_sweep *sw, int first, int have, double v) {
  if (have) put(sw, "%s%.9g", first ? "" : ", ", v);
  else put(sw, "%snull", first ? "" : ", ");
}

/* One cell's number: q = 0, 1, 2 the median, p10, p90 of metric k; 3 its
 * count of nulls; 4 the diverged share. */
static void put_cell(gl_sweep *sw, int first, int i, int j, int arch, int k, int q) {
  if (q == 3) {
    int nulls;
    gl_sweep_summary2(sw, i, j, arch, k, NULL, &nulls);
    put(sw, "%s%d", first ? "" : ", ", nulls);
  } else if (q == 4) {
    const double d = gl_sweep_diverged_share2(sw, i, j, arch);
    put_number(sw, first, d >= 0, d);
  } else {
    double s[3] = {0, 0, 0};
    const int have = gl_sweep_summary2(sw, i, j, arch, k, s, NULL);
    put_number(sw, first, have, s[q]);
  }
}

/* One number per cell: [v_0, v_1, ...] along the values of a 1-D sweep; a
 * plane's grid [[row 0], [row 1], ...], a row per value of axis 1 (j), a
 * column per value of axis 0 (i): grid[j][i]. */
static void put_cells(gl_sweep *sw, int arch, int k, int q) {
  put(sw, "[");
  for (int j = 0; j < sw->ax[1].n_values; j++) {
    if (sw->n_axes == 2) put(sw, "%s[", j ? ", " : "");
    for (int i = 0; i < sw->ax[0].n_values; i++) put_cell(sw, i == 0, i, j, arch, k, q);
    if (sw->n_axes == 2) put(sw, "]");
  }
  put(sw, "]");
}

/* A plane's axis: its name and values, and for a weight-scale axis the mean
 * field per value (gl_meanfield; INFINITY and NAN are null). */
static void put_axis(gl_sweep *sw, const sweep_axis *ax) {
  put(sw, "{\"name\": \"%s\", \"values\": [", ax->name);
  for (int i = 0; i < ax->n_values; i++) put(sw, "%s%s", i ? ", " : "", ax->texts[i]);
  put(sw, "]");
  if (ax->has_mf) {
    static const char *F[9] = {"sigma_w", "q_star", "chi_mf", "xi", "depth_6xi",
                               "c_star",  "chi_c",  "xi_c",   "depth_6xi_c"};
    for (int f = 0; f < 9; f++) {
      put(sw, ",\n   \"%s\": [", F[f]);
      for (int i = 0; i < ax->n_values; i++) {
        const gl_meanfield *m = &ax->mf[i];
        const double v[9] = {m->sigma_w, m->q_star, m->chi, m->xi, 6 * m->xi,
                             m->c_star,  m->chi_c,  m->xi_c, 6 * m->xi_c};
        put_number(sw, i == 0, isfinite(v[f]), v[f]);
      }
      put(sw, "]");
    }
  }
  put(sw, "}");
}

const char *gl_sweep_json(gl_sweep *sw) {
  if (!sw || !sw->m) return NULL;
  if (!sw->json) {
    sw->json_cap = 4096;
    sw->json = (char *)malloc(sw->json_cap);
    if (!sw->json) return NULL;
  }
  sw->json_len = 0;
  sw->json[0] = '\0';
  if (sw->n_axes == 1) {
    put(sw, "{\"name\": \"%s\", \"values\": [", sw->ax[0].name);
    for (int i = 0; i < sw->ax[0].n_values; i++) put(sw, "%s%s", i ? ", " : "", sw->ax[0].texts[i]);
    put(sw, "]");
  } else {
    put(sw, "{\"axes\": [\n  ");
    put_axis(sw, &sw->ax[0]);
    put(sw, ",\n  ");
    put_axis(sw, &sw->ax[1]);
    put(sw, "]");
  }
  put(sw, ", \"seeds\": [%.0f, %.0f], \"steps\": %ld", sw->seed_a, sw->seed_b, sw->steps);
  const int n_metrics = sw->steps > 0 ? GL_SWEEP_N_METRICS : GL_SWEEP_FINAL_LOSS;
  for (int a = 0; a < sw->n_archs; a++) {
    const int arch = sw->archs[a];
    put(sw, ",\n \"%s\": {", arch_name(arch));
    for (int k = 0; k < n_metrics; k++) {
      put(sw, "%s\n  \"%s\": {", k ? "," : "", METRIC_NAMES[k]);
      static const char *Q[3] = {"median", "p10", "p90"};
      for (int q = 0; q < 3; q++) {
        put(sw, "%s\"%s\": ", q ? ", " : "", Q[q]);
        put_cells(sw, arch, k, q);
      }
      put(sw, ", \"nulls\": ");
      put_cells(sw, arch, k, 3);
      put(sw, "}");
    }
    if (sw->steps > 0) {
      put(sw, ",\n  \"diverged_share\": ");
      put_cells(sw, arch, 0, 4);
    }
    put(sw, "}");
  }
  put(sw, "}");
  return sw->json;
}
