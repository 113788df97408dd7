/*
 * cli.c - build/gradlab: run one experiment (or plain and residual side by
 * side) and print its statistics as JSON.
 *
 *   gradlab --arch both --depth 30 --act sigmoid --steps 200 --json
 *
 * Every flag is a setting of the engine's table (--res-scale is res_scale);
 * the few flags of the CLI itself are --json, --seeds A..B, --data FILE.csv,
 * --digits-file / --digits-test-file, --threads N, --change STEP:name=value,
 * --digits N, --settings, --help and --version.  A bad flag or value: one line on
 * stderr, exit status 2.
 *
 * --change STEP:name=value (repeatable) changes lr, clip or momentum from
 * update STEP on (gl_net_set), so a run whose course changed mid-run, as on
 * the page, can be made again here; the JSON lists the changes.
 *
 * --data digits reads web/data/digits-train.bin and digits-test.bin (found
 * next to the executable's ../web/data, else under the current directory)
 * and hands their bytes to the engine (gl_config_set_digits).
 *
 * The CLI is a caller like any other: it includes gradlab.h only and reads
 * the settings it needs back with gl_config_get.  main() is four steps:
 * parse_args, load_digits_files, run_all, then print_json or print_table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradlab.h"

static const char *ARCH_NAMES[2] = {"plain", "residual"};

/* --sweep mode (cli_sweep.c): returns the exit status; sweep2 NULL unless --sweep came twice */
int cli_sweep(gl_config *cfg, const char *sweep, const char *sweep2, const char *seeds, int steps,
              int json);

static void die(const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "gradlab: ");
  fprintf(stderr, fmt, a, b);
  fprintf(stderr, "\n");
  exit(2);
}

/* A numeric setting of cfg, read back through the public API. */
static long setting_long(gl_config *cfg, const char *name) {
  return strtol(gl_config_get(cfg, name), NULL, 10);
}

static int setting_is(gl_config *cfg, const char *name, const char *value) {
  return strcmp(gl_config_get(cfg, name), value) == 0;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (n == cap) {
      if (cap > ((size_t)64 << 20)) { free(buf); fclose(f); return NULL; }
      buf = realloc(buf, cap *= 2);
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  fclose(f);
  *len = n;
  return buf;
}

/* Fields printed per record: all of them, but gamma_grad_norm only with
 * norm = batch or layer (without a norm it is 0 everywhere and says nothing). */
static int print_gamma = 1;
static int printed(int field) { return field != GL_GAMMA_GRAD_NORM || print_gamma; }

/* One record of one run, copied out of the engine. */
typedef struct {
  long step;
  double loss, acc;
  double test_loss, test_acc; /* -1 without a test split */
  int dead;  /* gl_record_dead */
  double *f; /* GL_N_FIELDS x layers */
  double *bf; /* GL_N_BLOCK_FIELDS x blocks (residual), then stem_factor, head_factor; NULL for plain */
} rec;

typedef struct {
  rec *h;
  int n, cap;
  int status;
  long div_step;
  int div_layer;
  const char *div_where;
  long dead_step; /* gl_dead_step: the first recorded step whose record was dead, -1 never */
  int n_blocks;     /* residual blocks (0: plain) */
  int *block_layers; /* first, last layer of each block (1-based) */
} run;

/* --change STEP:name=value, sorted by step (stable: for one step, the command line's order). */
typedef struct {
  long step;
  const char *name, *value; /* pointers into argv */
  const char *text;         /* the flag's value as given, for messages */
} change;

/* The per-block fields of the last record (a residual net): block_factor ..., stem, head. */
static double *copy_blocks(gl_net *net) {
  const int nb = gl_n_blocks(net);
  if (!nb) return NULL;
  double *bf = malloc(sizeof(double) * (GL_N_BLOCK_FIELDS * (size_t)nb + 2));
  for (int k = 0; k < GL_N_BLOCK_FIELDS; k++)
    memcpy(bf + (size_t)k * nb, gl_record_block_field(net, k), sizeof(double) * (size_t)nb);
  bf[GL_N_BLOCK_FIELDS * nb] = gl_record_stem_factor(net);
  bf[GL_N_BLOCK_FIELDS * nb + 1] = gl_record_head_factor(net);
  return bf;
}

static void keep_record(run *r, gl_net *net) {
  int nl = gl_n_layers(net);
  if (r->n == r->cap) {
    r->cap = r->cap ? 2 * r->cap : 64;
    r->h = realloc(r->h, sizeof(rec) * (size_t)r->cap);
  }
  rec *e = &r->h[r->n++];
  e->step = gl_record_step(net);
  e->loss = gl_record_loss(net);
  e->acc = gl_record_acc(net);
  e->test_loss = gl_record_test_loss(net);
  e->test_acc = gl_record_test_acc(net);
  e->dead = gl_record_dead(net);
  e->f = malloc(sizeof(double) * GL_N_FIELDS * (size_t)nl);
  for (int k = 0; k < GL_N_FIELDS; k++)
    memcpy(e->f + (size_t)k * nl, gl_record_field(net, k), sizeof(double) * (size_t)nl);
  e->bf = copy_blocks(net);
}

/* Every --change through the engine's own check (gl_net_set: the name is lr,
 * clip or momentum, the value in the settings table's range) before the run
 * trains: set, then set back to the config's value (gl_config_get's text
 * reads back exactly).  A refused one exits 2 naming the flag. */
static void check_changes(gl_config *cfg, gl_net *net, const change *ch, int nc) {
  for (int i = 0; i < nc; i++) {
    if (gl_net_set(net, ch[i].name, ch[i].value) == GL_OK) {
      gl_net_set(net, ch[i].name, gl_config_get(cfg, ch[i].name));
      continue;
    }
    char msg[512];
    snprintf(msg, sizeof msg, "%s", gl_errmsg(net));
    gl_free(net);
    die("--change %s: %s", ch[i].text, msg);
  }
}

static void run_one(gl_config *cfg, int arch, run *r, int *n_layers, char ***names,
                    const change *ch, int nc) {
  gl_net *net;
  int rc = gl_create(cfg, arch, &net);
  if (rc) die("%s (%s)", gl_config_errmsg(cfg), gl_errstr(rc));
  check_changes(cfg, net, ch, nc);
  const long steps = setting_long(cfg, "steps"), every = setting_long(cfg, "record_every");
  *n_layers = gl_n_layers(net);
  if (!*names) {
    *names = malloc(sizeof(char *) * (size_t)*n_layers);
    for (int l = 0; l < *n_layers; l++) (*names)[l] = strdup(gl_layer_name(net, l + 1));
  }
  memset(r, 0, sizeof *r);
  r->n_blocks = gl_n_blocks(net);
  r->block_layers = malloc(sizeof(int) * (2 * (size_t)r->n_blocks + 1));
  for (int b = 0; b < r->n_blocks; b++) {
    r->block_layers[2 * b] = gl_block_first_layer(net, b);
    r->block_layers[2 * b + 1] = gl_block_last_layer(net, b);
  }
  int next = 0; /* the next --change */
  while (gl_steps_done(net) < steps && gl_status(net) == GL_STATUS_OK) {
    const long done = gl_steps_done(net);
    for (; next < nc && ch[next].step == done; next++) gl_net_set(net, ch[next].name, ch[next].value);
    /* to the next record step (each call holds at most one: keep_record sees it), or the
     * next change, whichever comes first; without changes: record_every steps a call */
    long n = steps - done < every - done % every ? steps - done : every - done % every;
    if (next < nc && ch[next].step - done < n) n = ch[next].step - done;
    long before = gl_record_step(net);
    gl_step(net, (int)n);
    if (gl_record_step(net) != before) keep_record(r, net);
  }
  if (gl_status(net) == GL_STATUS_OK) {
    gl_measure(net); /* the state after the last update */
    if (r->n == 0 || r->h[r->n - 1].step != gl_record_step(net)) keep_record(r, net);
  }
  r->status = gl_status(net);
  r->div_step = gl_diverged_step(net);
  r->div_layer = gl_diverged_layer(net);
  r->div_where = gl_diverged_where(net);
  r->dead_step = gl_dead_step(net);
  gl_free(net);
}

/* Significant digits of every number the JSON prints (--digits; 17 reads back
 * as the same double, which tests/node/parity.test.mjs compares bit for bit). */
static int digits = 9;

static void print_array(FILE *o, const double *v, int n) {
  fputc('[', o);
  for (int i = 0; i < n; i++) fprintf(o, "%s%.*g", i ? ", " : "", digits, v[i]);
  fputc(']', o);
}

static void print_status(FILE *o, const run *r, int n_seeds_diverged, const long *div_seeds) {
  if (r->status == GL_STATUS_OK && !n_seeds_diverged) {
    fprintf(o, "\"status\": \"ok\"");
    return;
  }
  fprintf(o, "\"status\": \"diverged\", \"diverged\": {\"step\": %ld, \"layer\": %d, \"where\": \"%s\"",
          r->div_step, r->div_layer, r->div_where);
  if (div_seeds) {
    fprintf(o, ", \"seeds\": [");
    for (int i = 0; i < n_seeds_diverged; i++) fprintf(o, "%s%ld", i ? ", " : "", div_seeds[i]);
    fprintf(o, "]");
  }
  fprintf(o, "}");
}

/* A residual record's per-block fields and stem/head, after the per-layer ones
 * (bf: GL_N_BLOCK_FIELDS x nb, stem, head; a plain run has none). */
static void print_blocks(FILE *o, const double *bf, int nb) {
  if (!bf) return;
  for (int k = 0; k < GL_N_BLOCK_FIELDS; k++) {
    fprintf(o, ", \"%s\": ", gl_block_field_name(k));
    print_array(o, bf + (size_t)k * nb, nb);
  }
  fprintf(o, ", \"stem_factor\": %.*g, \"head_factor\": %.*g", digits, bf[GL_N_BLOCK_FIELDS * nb],
          digits, bf[GL_N_BLOCK_FIELDS * nb + 1]);
}

static void print_history_entry(FILE *o, const rec *e, int nl, int nb) {
  fprintf(o, "{\"step\": %ld, \"loss\": %.*g, \"acc\": %.*g", e->step, digits, e->loss, digits, e->acc);
  if (e->test_acc >= 0)
    fprintf(o, ", \"test_loss\": %.*g, \"test_acc\": %.*g", digits, e->test_loss, digits, e->test_acc);
  fprintf(o, ", \"dead\": %d", e->dead);
  for (int k = 0; k < GL_N_FIELDS; k++) {
    if (!printed(k)) continue;
    fprintf(o, ", \"%s\": ", gl_field_name(k));
    print_array(o, e->f + (size_t)k * nl, nl);
  }
  print_blocks(o, e->bf, nb);
  fputc('}', o);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Linear-interpolated percentile q in [0,1] of v[0..n) (sorted in place). */
static double percentile(double *v, int n, double q) {
  qsort(v, (size_t)n, sizeof(double), cmp_double);
  double pos = q * (n - 1);
  int i = (int)floor(pos);
  if (i >= n - 1) return v[n - 1];
  return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

/* History over seeds: at each step every seed has reached, the medians of
 * loss, acc, dead (0/1: the majority) and per layer of every field, and the
 * 10th/90th percentiles of grad_norm. */
static void print_seed_history(FILE *o, run *runs, int ns, int nl) {
  const int nb = runs[0].n_blocks, nbf = GL_N_BLOCK_FIELDS * nb + 2;
  int len = runs[0].n;
  for (int s = 1; s < ns; s++) len = runs[s].n < len ? runs[s].n : len;
  double *tmp = malloc(sizeof(double) * (size_t)ns), *out = malloc(sizeof(double) * (size_t)nl);
  fprintf(o, "\"history\": [");
  for (int i = 0; i < len; i++) {
    fprintf(o, "%s\n      {\"step\": %ld, \"seeds\": %d", i ? "," : "", runs[0].h[i].step, ns);
    for (int s = 0; s < ns; s++) tmp[s] = runs[s].h[i].loss;
    fprintf(o, ", \"loss\": %.*g", digits, percentile(tmp, ns, 0.5));
    for (int s = 0; s < ns; s++) tmp[s] = runs[s].h[i].acc;
    fprintf(o, ", \"acc\": %.*g", digits, percentile(tmp, ns, 0.5));
    if (runs[0].h[i].test_acc >= 0) {
      for (int s = 0; s < ns; s++) tmp[s] = runs[s].h[i].test_loss;
      fprintf(o, ", \"test_loss\": %.*g", digits, percentile(tmp, ns, 0.5));
      for (int s = 0; s < ns; s++) tmp[s] = runs[s].h[i].test_acc;
      fprintf(o, ", \"test_acc\": %.*g", digits, percentile(tmp, ns, 0.5));
    }
    for (int s = 0; s < ns; s++) tmp[s] = runs[s].h[i].dead;
    fprintf(o, ", \"dead\": %.*g", digits, percentile(tmp, ns, 0.5));
    for (int k = 0; k < GL_N_FIELDS; k++) {
      if (!printed(k)) continue;
      const double qs[3] = {0.5, 0.1, 0.9};
      const char *suffix[3] = {"", "_p10", "_p90"};
      for (int q = 0; q < (k == GL_GRAD_NORM ? 3 : 1); q++) {
        for (int l = 0; l < nl; l++) {
          for (int s = 0; s < ns; s++) tmp[s] = runs[s].h[i].f[(size_t)k * nl + l];
          out[l] = percentile(tmp, ns, qs[q]);
        }
        fprintf(o, ", \"%s%s\": ", gl_field_name(k), suffix[q]);
        print_array(o, out, nl);
      }
    }
    if (nb) { /* per block and stem/head: the medians over the seeds */
      double *bm = malloc(sizeof(double) * (size_t)nbf);
      for (int j = 0; j < nbf; j++) {
        for (int s = 0; s < ns; s++) tmp[s] = runs[s].h[i].bf[j];
        bm[j] = percentile(tmp, ns, 0.5);
      }
      print_blocks(o, bm, nb);
      free(bm);
    }
    fputc('}', o);
  }
  fprintf(o, "]");
  free(tmp);
  free(out);
}

static void usage(void) {
  printf("usage: gradlab [--SETTING VALUE ...] [--json] [--seeds A..B] [--data FILE.csv]\n"
         "       gradlab --settings | --help | --version\n\n"
         "Runs a plain and/or residual deep network and prints per-layer gradient statistics.\n"
         "Settings (flag: --name VALUE, '_' may be written '-'):\n");
  for (int i = 0; gl_settings_name(i); i++)
    printf("  --%-14s %s\n", gl_settings_name(i), gl_settings_help(i));
  printf("\nCLI flags:\n  --json           print JSON (default: a short table)\n"
         "  --seeds A..B     repeat over seeds A to B; history holds per-layer medians and\n"
         "                   grad_norm_p10 / grad_norm_p90 over the seeds\n"
         "  --data FILE.csv  load a CSV file (features..., integer label); used as is unless\n"
         "                   --standardize 1\n"
         "  --data digits    14x14 handwritten digits: web/data/digits-train.bin (trained on)\n"
         "                   and digits-test.bin (test_loss, test_acc in the history)\n"
         "  --digits-file PATH       another training file (implies --data digits; no test\n"
         "                           split unless --digits-test-file PATH is given too)\n"
         "  --digits-test-file PATH  another test file\n"
         "  --threads N      threads for the matrix products (1 to %d, default 1); every\n"
         "                   count gives the same numbers\n"
         "  --digits N       significant digits of the JSON's numbers (default 9; 17: the\n"
         "                   doubles exactly)\n"
         "  --change STEP:name=value\n"
         "                   from update STEP on, lr, clip or momentum takes the value\n"
         "                   (repeatable; STEP below --steps): a course changed mid-run\n"
         "  --sweep NAME=V1,V2,...  or  --sweep NAME=A..B:N\n"
         "                   measure a numeric setting at each value, over --seeds, for\n"
         "                   --arch; at init unless --steps N; A..B:N is log-spaced for\n"
         "                   positive ranges over a decade, else linear; a second --sweep\n"
         "                   makes a plane (every pair of values; rows = the second)\n",
         gl_threads_max());
}

/* The bytes of a digits file into cfg; exits 2 if it cannot be read or is invalid. */
static void load_digits(gl_config *cfg, int split, const char *path) {
  size_t len;
  char *bytes = read_file(path, &len);
  if (!bytes)
    die("--data digits: cannot read '%s'%s", path,
        split == GL_SPLIT_TRAIN ? " (write it with: node scripts/make-digits.mjs)" : "");
  if (gl_config_set_digits(cfg, split, bytes, len)) die("%s: %s", path, gl_config_errmsg(cfg));
  free(bytes);
}

/* web/data/NAME next to the executable (EXE_DIR/../web/data), else under the current directory. */
static const char *default_digits_path(const char *argv0, const char *name, char *buf, size_t cap) {
  const char *slash = strrchr(argv0, '/');
  if (slash) {
    snprintf(buf, cap, "%.*s/../web/data/%s", (int)(slash - argv0), argv0, name);
    FILE *f = fopen(buf, "rb");
    if (f) {
      fclose(f);
      return buf;
    }
  }
  snprintf(buf, cap, "web/data/%s", name);
  return buf;
}

/* What the command line asks for besides the settings. */
typedef struct {
  int json;
  long seed_a, seed_b; /* --seeds A..B; -1 without */
  const char *digits_file, *digits_test_file;
  const char *sweep, *seeds_text; /* --sweep NAME=..., and --seeds as given */
  int steps_given;                /* --steps was on the command line */
  const char *sweep2;             /* a second --sweep: the plane's rows */
  change *changes;                /* --change STEP:name=value, n_changes of them (argc at most) */
  int n_changes;
} cli_opts;

/* --change STEP:name=value into o->changes; exits 2 unless it has that shape. */
static void parse_change(cli_opts *o, char *value) {
  char *colon = strchr(value, ':'), *eq = colon ? strchr(colon + 1, '=') : NULL, *end;
  const long step = colon ? strtol(value, &end, 10) : -1;
  if (!colon || !eq || end != colon || colon == value || step < 0 || step > 10000000 || eq == colon + 1 ||
      !eq[1])
    die("--change: '%s' is not STEP:name=value (STEP an update from 0, name lr, clip or momentum)%s",
        value, "");
  change *c = &o->changes[o->n_changes++];
  c->step = step;
  c->text = strdup(value);
  *eq = '\0'; /* argv's own text: name and value in place */
  c->name = colon + 1;
  c->value = eq + 1;
}

/* The flags into cfg and o; exits 2 on a bad one.  Returns 1 when a flag
 * that only prints (--help, --version, --settings) has been handled. */
static int parse_args(int argc, char **argv, gl_config *cfg, cli_opts *o) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(); return 1; }
    if (!strcmp(a, "--version")) { printf("gradlab %s\n", gl_version()); return 1; }
    if (!strcmp(a, "--settings")) { printf("%s\n", gl_settings_json()); return 1; }
    if (!strcmp(a, "--json")) { o->json = 1; continue; }
    if (strncmp(a, "--", 2) != 0) die("unexpected argument '%s'%s", a, "");
    char name[64], *value;
    const char *eq = strchr(a + 2, '=');
    size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
    if (nl == 0 || nl >= sizeof name) die("bad flag '%s'%s", a, "");
    memcpy(name, a + 2, nl);
    name[nl] = '\0';
    for (char *p = name; *p; p++) if (*p == '-') *p = '_';
    if (eq) value = (char *)eq + 1;
    else {
      if (i + 1 >= argc) die("--%s needs a value%s", name, "");
      value = argv[++i];
    }
    if (!strcmp(name, "sweep")) {
      if (o->sweep2) die("--sweep: at most two (a plane); '%s' is a third%s", value, "");
      if (o->sweep) o->sweep2 = value;
      else o->sweep = value;
      continue;
    }
    if (!strcmp(name, "change")) { parse_change(o, value); continue; }
    if (!strcmp(name, "digits")) {
      char *end;
      long d = strtol(value, &end, 10);
      if (*end || end == value || d < 1 || d > 17) die("--digits: '%s' is not a whole number in [1, 17]%s", value, "");
      digits = (int)d;
      continue;
    }
    if (!strcmp(name, "steps")) o->steps_given = 1;
    if (!strcmp(name, "seeds")) {
      o->seeds_text = value;
      char *dots = strstr(value, "..");
      char *e1, *e2;
      if (!dots) die("--seeds: '%s' is not of the form A..B%s", value, "");
      o->seed_a = strtol(value, &e1, 10);
      o->seed_b = strtol(dots + 2, &e2, 10);
      if (e1 != dots || *e2 || o->seed_a < 0 || o->seed_b < o->seed_a || o->seed_b - o->seed_a >= 1000 ||
          o->seed_b > 4294967295L)
        die("--seeds: '%s' must be A..B with 0 <= A <= B and at most 1000 seeds%s", value, "");
      continue;
    }
    if (!strcmp(name, "threads")) {
      char *end;
      long n = strtol(value, &end, 10);
      if (*end || end == value || n < -1000000 || n > 1000000)
        die("--threads: '%s' is not a whole number%s", value, "");
      if (gl_threads_set((int)n)) die("%s%s", gl_threads_errmsg(), "");
      continue;
    }
    if (!strcmp(name, "digits_file") || !strcmp(name, "digits_test_file")) {
      if (name[7] == 'f') {
        o->digits_file = value;
        if (gl_config_set(cfg, "data", "digits")) die("%s%s", gl_config_errmsg(cfg), "");
      } else {
        o->digits_test_file = value;
      }
      continue;
    }
    if (!strcmp(name, "data") && strcmp(value, "spiral") && strcmp(value, "circles") &&
        strcmp(value, "xor") && strcmp(value, "gauss") && strcmp(value, "csv") &&
        strcmp(value, "digits")) {
      size_t len;
      char *text = read_file(value, &len);
      if (!text) die("--data: cannot read '%s' (not a built-in set and not a readable file)%s", value, "");
      gl_config_set_csv(cfg, text, len);
      free(text);
      value = "csv";
    }
    if (gl_config_set(cfg, name, value)) die("%s%s", gl_config_errmsg(cfg), "");
  }
  return 0;
}

/* data=digits: the training and test files into cfg (the defaults next to
 * the executable unless --digits-file / --digits-test-file). */
static void load_digits_files(gl_config *cfg, const cli_opts *o, const char *argv0) {
  if (!setting_is(cfg, "data", "digits")) return;
  char buf[4096];
  if (o->digits_file) {
    load_digits(cfg, GL_SPLIT_TRAIN, o->digits_file);
    if (o->digits_test_file) load_digits(cfg, GL_SPLIT_TEST, o->digits_test_file);
  } else {
    load_digits(cfg, GL_SPLIT_TRAIN, default_digits_path(argv0, "digits-train.bin", buf, sizeof buf));
    load_digits(cfg, GL_SPLIT_TEST,
                o->digits_test_file ? o->digits_test_file
                                    : default_digits_path(argv0, "digits-test.bin", buf, sizeof buf));
  }
}

/* Every run of the experiment: the archs (plain and/or residual) x seeds. */
typedef struct {
  int archs[2], na, ns;
  run *runs;        /* (na, ns) */
  int n_layers;
  char **names;     /* the layers' names, n_layers */
  uint32_t base_seed;
} experiment;

static void run_all(gl_config *cfg, const cli_opts *o, experiment *x) {
  x->na = 0;
  if (!setting_is(cfg, "arch", "residual")) x->archs[x->na++] = GL_ARCH_PLAIN;
  if (!setting_is(cfg, "arch", "plain")) x->archs[x->na++] = GL_ARCH_RESIDUAL;
  x->ns = o->seed_a >= 0 ? (int)(o->seed_b - o->seed_a + 1) : 1;
  x->runs = calloc((size_t)(x->na * x->ns), sizeof(run));
  x->n_layers = 0;
  x->names = NULL;
  x->base_seed = (uint32_t)strtoul(gl_config_get(cfg, "seed"), NULL, 10);
  for (int a = 0; a < x->na; a++)
    for (int s = 0; s < x->ns; s++) {
      if (o->seed_a >= 0) {
        char sv[24];
        snprintf(sv, sizeof sv, "%ld", o->seed_a + s);
        gl_config_set(cfg, "seed", sv);
      }
      run_one(cfg, x->archs[a], &x->runs[a * x->ns + s], &x->n_layers, &x->names, o->changes,
              o->n_changes);
    }
  if (o->seed_a < 0) {
    char sv[24];
    snprintf(sv, sizeof sv, "%u", (unsigned)x->base_seed);
    gl_config_set(cfg, "seed", sv);
  }
}

/* "changes": [{"step": S, "settings": {"name": value}}, ...]: each --change, its value in
 * the settings table's canonical form (read back through a scratch config). */
static void print_changes(FILE *o, gl_config *cfg, const cli_opts *opt) {
  gl_config *scratch;
  if (gl_config_copy(cfg, &scratch)) die("%s%s", "out of memory", "");
  fprintf(o, " \"changes\": [");
  for (int i = 0; i < opt->n_changes; i++) {
    const change *c = &opt->changes[i];
    gl_config_set(scratch, c->name, c->value); /* checked already: gl_net_set took it */
    fprintf(o, "%s{\"step\": %ld, \"settings\": {\"%s\": %s}}", i ? ", " : "", c->step, c->name,
            gl_config_get(scratch, c->name));
  }
  fprintf(o, "],\n");
  gl_config_free(scratch);
}

/* A residual run's blocks, each its first and last layer: , "block_layers": [[2, 3], ...] */
static void print_block_layers(FILE *o, const run *r) {
  if (!r->n_blocks) return;
  fprintf(o, ", \"block_layers\": [");
  for (int b = 0; b < r->n_blocks; b++)
    fprintf(o, "%s[%d, %d]", b ? ", " : "", r->block_layers[2 * b], r->block_layers[2 * b + 1]);
  fprintf(o, "]");
}

static void print_json(FILE *o, gl_config *cfg, const cli_opts *opt, const experiment *x) {
  print_gamma = !setting_is(cfg, "norm", "none");
  const int ns = x->ns, n_layers = x->n_layers;
  fprintf(o, "{\"config\": %s,\n", gl_config_json(cfg));
  if (opt->seed_a >= 0) fprintf(o, " \"seeds\": [%ld, %ld],\n", opt->seed_a, opt->seed_b);
  if (opt->n_changes) print_changes(o, cfg, opt);
  fprintf(o, " \"layers\": [");
  for (int l = 0; l < n_layers; l++) fprintf(o, "%s\"%s\"", l ? ", " : "", x->names[l]);
  fprintf(o, "],\n \"runs\": {");
  for (int a = 0; a < x->na; a++) {
    fprintf(o, "%s\n  \"%s\": {", a ? "," : "", ARCH_NAMES[x->archs[a]]);
    run *r0 = &x->runs[a * ns];
    if (ns == 1) {
      print_status(o, r0, 0, NULL);
      fprintf(o, ", \"dead_step\": %ld", r0->dead_step);
      print_block_layers(o, r0);
      fprintf(o, ", \"history\": [");
      for (int i = 0; i < r0->n; i++) {
        fprintf(o, "%s\n      ", i ? "," : "");
        print_history_entry(o, &r0->h[i], n_layers, r0->n_blocks);
      }
      fprintf(o, "]");
    } else {
      long *dseeds = malloc(sizeof(long) * (size_t)ns);
      int nd = 0;
      const run *first_div = r0;
      for (int s = 0; s < ns; s++)
        if (x->runs[a * ns + s].status != GL_STATUS_OK) {
          if (!nd) first_div = &x->runs[a * ns + s];
          dseeds[nd++] = opt->seed_a + s;
        }
      print_status(o, first_div, nd, dseeds);
      fprintf(o, ", \"dead_step\": [");
      for (int s = 0; s < ns; s++) fprintf(o, "%s%ld", s ? ", " : "", x->runs[a * ns + s].dead_step);
      fprintf(o, "]");
      print_block_layers(o, r0);
      fprintf(o, ", ");
      print_seed_history(o, &x->runs[a * ns], ns, n_layers);
      free(dseeds);
    }
    fprintf(o, "}");
  }
  fprintf(o, "\n }\n}\n");
}

static void print_table(FILE *o, const cli_opts *opt, const experiment *x) {
  for (int a = 0; a < x->na; a++) {
    const run *r = &x->runs[a * x->ns];
    fprintf(o, "%s (seed %u): %s", ARCH_NAMES[x->archs[a]],
            x->ns == 1 ? (unsigned)x->base_seed : (unsigned)opt->seed_a,
            r->status == GL_STATUS_OK ? "ok" : "diverged");
    if (r->status != GL_STATUS_OK)
      fprintf(o, " at step %ld, layer %d (%s)", r->div_step, r->div_layer, r->div_where);
    const int has_test = r->n > 0 && r->h[0].test_acc >= 0;
    fprintf(o, "\n  %8s %10s %7s %14s %14s%s\n", "step", "loss", "acc", "grad_norm[1]", "grad_norm[out]",
            has_test ? "  test_acc" : "");
    for (int i = 0; i < r->n; i++) {
      const rec *e = &r->h[i];
      fprintf(o, "  %8ld %10.5f %7.3f %14.4e %14.4e", e->step, e->loss, e->acc, e->f[0],
              e->f[x->n_layers - 1]);
      if (has_test) fprintf(o, "  %8.3f", e->test_acc);
      fprintf(o, "\n");
    }
    if (r->dead_step >= 0)
      fprintf(o, "  died at step %ld: every layer's weight gradient is 0 or below float32's smallest "
                 "normal number\n", r->dead_step);
  }
}

static void free_experiment(experiment *x) {
  for (int i = 0; i < x->na * x->ns; i++) {
    for (int k = 0; k < x->runs[i].n; k++) {
      free(x->runs[i].h[k].f);
      free(x->runs[i].h[k].bf);
    }
    free(x->runs[i].h);
    free(x->runs[i].block_layers);
  }
  free(x->runs);
  for (int l = 0; l < x->n_layers; l++) free(x->names[l]);
  free(x->names);
}

static void free_changes(cli_opts *o) {
  for (int i = 0; i < o->n_changes; i++) free((char *)o->changes[i].text);
  free(o->changes);
}

/* The changes in step order (a stable insertion sort: for one step, the
 * command line's order, so the last flag wins); exits 2 on one at or past
 * the run's end, where it would change nothing. */
static void sort_changes(cli_opts *o, gl_config *cfg) {
  const long steps = setting_long(cfg, "steps");
  for (int i = 0; i < o->n_changes; i++) {
    if (o->changes[i].step >= steps) {
      char s[32];
      snprintf(s, sizeof s, "%ld", steps);
      die("--change %s: the run has %s steps; a change applies from an update before the last", o->changes[i].text, s);
    }
    for (int j = i; j > 0 && o->changes[j - 1].step > o->changes[j].step; j--) {
      change t = o->changes[j];
      o->changes[j] = o->changes[j - 1];
      o->changes[j - 1] = t;
    }
  }
}

/* Errors exit(2) from wherever they are found (die); every other path ends
 * here, with everything freed. */
int main(int argc, char **argv) {
  gl_config *cfg;
  if (gl_config_new(&cfg)) die("%s%s", "out of memory", "");
  cli_opts o = {0, -1, -1, NULL, NULL, NULL, NULL, 0, NULL, NULL, 0};
  o.changes = calloc((size_t)argc, sizeof(change));
  if (parse_args(argc, argv, cfg, &o)) {
    free_changes(&o);
    gl_config_free(cfg);
    return 0;
  }
  sort_changes(&o, cfg);
  load_digits_files(cfg, &o, argv[0]);
  if (o.sweep) {
    if (o.n_changes) die("--change: a sweep has no run to change (drop --change or --sweep)%s", "", "");
    int rc = cli_sweep(cfg, o.sweep, o.sweep2, o.seeds_text,
                       o.steps_given ? (int)setting_long(cfg, "steps") : 0, o.json);
    free_changes(&o);
    gl_config_free(cfg);
    return rc;
  }
  experiment x;
  run_all(cfg, &o, &x);
  if (o.json) print_json(stdout, cfg, &o, &x);
  else print_table(stdout, &o, &x);
  free_experiment(&x);
  free_changes(&o);
  gl_config_free(cfg);
  return 0;
}
