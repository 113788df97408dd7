/*
 * settings.c - the one table of settings, and the configuration built from it.
 *
 * Every setting (name, type, range or choices, default, one line of help) is
 * listed once in SETTINGS below.  gl_config_set validates against it, the CLI
 * turns it into flags, and gl_settings_json hands it to the page, which builds
 * its controls and its URL state from it.  Adding a setting touches this table
 * (and the code that uses the value), nothing else.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gl_internal.h"

typedef enum { T_INT, T_REAL, T_CHOICE, T_BOOL, T_U32, T_SCALE } setting_type;

typedef struct {
  const char *name;
  setting_type type;
  const char *def;      /* default, in text form */
  double min, max;      /* T_INT, T_REAL, T_U32, T_SCALE (its numeric form) */
  const char *choices;  /* T_CHOICE: "a|b|c"; T_SCALE: its keywords */
  size_t off;           /* offset of the int/double/uint32 field in gl_settings */
  const char *help;
} setting;

#define OFF(f) offsetof(gl_settings, f)

/* A T_CHOICE setting is stored as the index of its name in `choices`, through
 * an int: the enum fields (act's gl_act) are int-sized, and C lets an int
 * lvalue reach an enum whose type is int or unsigned int (C11 6.5p7). */
_Static_assert(sizeof(gl_act) == sizeof(int), "gl_act is stored through an int");

static const setting SETTINGS[] = {
    {"model", T_CHOICE, "dense", 0, 0, "dense|conv", OFF(model),
     "network kind: dense (fully connected layers) or conv (3x3 convolutions, needs data=digits)"},
    {"arch", T_CHOICE, "both", 0, 0, "plain|residual|both", OFF(arch),
     "plain stack, its residual twin, or both side by side"},
    {"form", T_CHOICE, "pre", 0, 0, "pre|post", OFF(form),
     "residual form: pre = h + a*F(h) (ResNet v2), post = phi(h + a*G(h)) (ResNet v1)"},
    {"depth", T_INT, "20", 1, 1000, NULL, OFF(depth),
     "number of hidden W x W layers L (a multiple of block)"},
    {"width", T_INT, "32", 1, 1024, NULL, OFF(width), "units per hidden layer W"},
    {"block", T_INT, "2", 1, 2, NULL, OFF(block), "layers per residual block k (1 or 2)"},
    {"blocks", T_INT, "4", 1, 100, NULL, OFF(blocks),
     "model = conv: blocks B of two 3x3 convolutions after the stem convolution"},
    {"channels", T_INT, "8", 1, 64, NULL, OFF(channels),
     "model = conv: channels C of every convolution"},
    {"pool", T_INT, "1", 0, 3, NULL, OFF(pool),
     "model = conv: 2x2 average poolings, splitting the blocks into pool+1 stages"},
    {"norm", T_CHOICE, "none", 0, 0, "none|batch|layer", OFF(norm),
     "normalisation of every layer's output but the last layer's (gamma, beta learned): batch = "
     "each feature over the batch (conv: each channel), running mean/variance in evaluation; "
     "layer = each example over its features; none"},
    {"act", T_CHOICE, "sigmoid", 0, 0, "sigmoid|tanh|relu|leaky_relu|linear|gelu", OFF(act),
     "activation function phi"},
    {"init", T_CHOICE, "xavier", 0, 0, "xavier|he|normal|orthogonal", OFF(init),
     "weight initialisation (normal uses init_std; 'normal:S' sets both)"},
    {"init_std", T_REAL, "1", 1e-6, 100, NULL, OFF(init_std),
     "standard deviation of the weights when init = normal"},
    {"res_scale", T_SCALE, "1", 1e-6, 10, "invsqrt|rezero", OFF(res_scale),
     "residual scale a: a number, invsqrt (1/sqrt(blocks)) or rezero (learned, starts at 0)"},
    {"loss", T_CHOICE, "xent", 0, 0, "xent|mse", OFF(loss),
     "softmax cross-entropy or mean squared error on one-hot targets"},
    {"optimizer", T_CHOICE, "momentum", 0, 0, "sgd|momentum|adam", OFF(optimizer), "optimiser"},
    {"lr", T_REAL, "0.1", 1e-9, 10, NULL, OFF(lr), "learning rate"},
    {"momentum", T_REAL, "0.9", 0, 0.999, NULL, OFF(momentum),
     "momentum coefficient (optimizer = momentum)"},
    {"batch", T_INT, "0", 0, 4096, NULL, OFF(batch),
     "examples per step; 0 = the whole training set (full batch)"},
    {"clip", T_REAL, "0", 0, 1e6, NULL, OFF(clip),
     "global gradient-norm clipping threshold; 0 = off"},
    {"seed", T_U32, "1", 0, 4294967295.0, NULL, OFF(seed), "seed of the weights and batches"},
    {"data", T_CHOICE, "circles", 0, 0, "spiral|circles|xor|gauss|csv|digits", OFF(data),
     "training data: a built-in 2-D set, csv text, or digits (14x14 handwritten digits, 10 classes)"},
    {"points", T_INT, "256", 4, 65536, NULL, OFF(points), "points in a built-in data set"},
    {"noise", T_REAL, "0.1", 0, 1, NULL, OFF(noise), "noise of a built-in data set"},
    {"data_seed", T_U32, "1", 0, 4294967295.0, NULL, OFF(data_seed),
     "seed of a built-in data set"},
    {"standardize", T_BOOL, "0", 0, 1, NULL, OFF(standardize),
     "rescale each input feature to mean 0, std 1 (csv data is used as is otherwise)"},
    {"record_every", T_INT, "10", 1, 1000000, NULL, OFF(record_every),
     "record statistics every N steps"},
    {"steps", T_INT, "500", 0, 10000000, NULL, OFF(steps), "training steps of a run"},
};
#define N_SETTINGS ((int)(sizeof SETTINGS / sizeof SETTINGS[0]))

int gl_config_result(gl_config *cfg, int rc) {
  cfg->errcode = rc;
  if (rc == GL_OK) cfg->errmsg[0] = '\0';
  return rc;
}

static const setting *find_setting(const char *name) {
  for (int i = 0; i < N_SETTINGS; i++)
    if (strcmp(SETTINGS[i].name, name) == 0) return &SETTINGS[i];
  return NULL;
}

/* Index of word in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *word) {
  size_t wl = strlen(word);
  int idx = 0;
  for (const char *p = choices; *p;) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == wl && strncmp(p, word, len) == 0) return idx;
    idx++;
    if (!bar) break;
    p = bar + 1;
  }
  return -1;
}

static const char *choice_name(const char *choices, int idx, char *buf, size_t cap) {
  const char *p = choices;
  for (int i = 0; i < idx && p; i++) {
    p = strchr(p, '|');
    if (p) p++;
  }
  if (!p) return "?";
  const char *bar = strchr(p, '|');
  size_t len = bar ? (size_t)(bar - p) : strlen(p);
  if (len >= cap) len = cap - 1;
  memcpy(buf, p, len);
  buf[len] = '\0';
  return buf;
}

/* Strict number parsing: the whole string, finite. */
static int parse_real(const char *v, double *out) {
  if (!*v || isspace((unsigned char)*v)) return 0;
  char *end;
  errno = 0;
  double x = strtod(v, &end);
  if (*end != '\0' || errno == ERANGE || !isfinite(x)) return 0;
  *out = x;
  return 1;
}

static int parse_int(const char *v, double *out) {
  if (!*v) return 0;
  const char *p = v;
  if (*p == '-' || *p == '+') p++;
  if (!*p) return 0;
  for (; *p; p++)
    if (!isdigit((unsigned char)*p)) return 0;
  if (strlen(v) > 12) { *out = v[0] == '-' ? -1e13 : 1e13; return 1; }
  *out = strtod(v, NULL);
  return 1;
}

static int set_value(gl_settings *s, char *err, const setting *st, const char *value) {
  char *base = (char *)s;
  double x;
  switch (st->type) {
  case T_CHOICE: {
    if (strcmp(st->name, "init") == 0 && strncmp(value, "normal:", 7) == 0) {
      double sd;
      if (!parse_real(value + 7, &sd) || sd < 1e-6 || sd > 100) {
        gl_seterr(err, "init: '%s' needs a standard deviation in [1e-06, 100] after 'normal:'",
                  value);
        return GL_EINVAL;
      }
      s->init = INIT_NORMAL;
      s->init_std = sd;
      return GL_OK;
    }
    int idx = choice_index(st->choices, value);
    if (idx < 0) {
      gl_seterr(err, "%s: unknown value '%.60s' (choose one of %s)", st->name, value, st->choices);
      return GL_EINVAL;
    }
    *(int *)(base + st->off) = idx;
    return GL_OK;
  }
  case T_BOOL:
    if (!strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "on")) x = 1;
    else if (!strcmp(value, "0") || !strcmp(value, "false") || !strcmp(value, "off")) x = 0;
    else {
      gl_seterr(err, "%s: '%.60s' is not a boolean (use 0 or 1)", st->name, value);
      return GL_EINVAL;
    }
    *(int *)(base + st->off) = (int)x;
    return GL_OK;
  case T_INT:
  case T_U32:
    if (!parse_int(value, &x)) {
      gl_seterr(err, "%s: '%.60s' is not an integer", st->name, value);
      return GL_EINVAL;
    }
    if (x < st->min || x > st->max) {
      gl_seterr(err, "%s: %.60s is out of range [%.0f, %.0f]", st->name, value, st->min, st->max);
      return GL_EINVAL;
    }
    if (st->type == T_INT) *(int *)(base + st->off) = (int)x;
    else *(uint32_t *)(base + st->off) = (uint32_t)x;
    return GL_OK;
  case T_REAL:
  case T_SCALE:
    if (st->type == T_SCALE) {
      int idx = choice_index(st->choices, value);
      if (idx >= 0) {
        s->res_scale_kind = idx == 0 ? SCALE_INVSQRT : SCALE_REZERO;
        return GL_OK;
      }
    }
    if (!parse_real(value, &x)) {
      gl_seterr(err, "%s: '%.60s' is not a finite number%s", st->name, value,
                st->type == T_SCALE ? " (or invsqrt, rezero)" : "");
      return GL_EINVAL;
    }
    /* lr, init_std and a scale must be positive; clip and momentum may be 0 */
    if (x < st->min || x > st->max) {
      gl_seterr(err, "%s: %.60s is out of range [%g, %g]", st->name, value, st->min, st->max);
      return GL_EINVAL;
    }
    *(double *)(base + st->off) = x;
    if (st->type == T_SCALE) s->res_scale_kind = SCALE_VALUE;
    return GL_OK;
  }
  return GL_EINVAL;
}

static void set_defaults(gl_settings *s) {
  char err[GL_ERRMSG_LEN];
  memset(s, 0, sizeof *s);
  for (int i = 0; i < N_SETTINGS; i++) set_value(s, err, &SETTINGS[i], SETTINGS[i].def);
}

int gl_config_new(gl_config **out) {
  if (!out) return GL_EMISUSE;
  gl_config *c = (gl_config *)calloc(1, sizeof *c);
  *out = c;
  if (!c) return GL_ENOMEM;
  set_defaults(&c->s);
  return GL_OK;
}

void gl_config_free(gl_config *cfg) {
  if (!cfg) return;
  free(cfg->csv);
  free(cfg->digits[0]);
  free(cfg->digits[1]);
  free(cfg->json);
  free(cfg);
}

int gl_config_copy(const gl_config *src, gl_config **out) {
  if (!out) return GL_EMISUSE;
  *out = NULL;
  if (!src) return GL_EMISUSE;
  gl_config *c;
  int rc = gl_config_new(&c);
  if (rc) return rc;
  c->s = src->s;
  for (int k = 0; k < 2 && !rc; k++)
    if (src->digits[k]) rc = gl_config_set_digits(c, k, src->digits[k], src->digits_len[k]);
  if (!rc && src->csv) rc = gl_config_set_csv(c, src->csv, src->csv_len);
  if (rc) { /* out of memory: no half copy */
    gl_config_free(c);
    return rc;
  }
  *out = c;
  return GL_OK;
}

/* One setting by name, validated by the table; a failed set changes nothing.
 * gl_config_set and gl_net_set (change.c) both come here. */
int gl_settings_set(gl_settings *s, char *err, const char *name, const char *value) {
  const setting *st = find_setting(name);
  if (!st) {
    gl_seterr(err, "unknown setting '%.60s'", name);
    return GL_EINVAL;
  }
  gl_settings tmp = *s;
  int rc = set_value(&tmp, err, st, value);
  if (rc == GL_OK) *s = tmp;
  return rc;
}

/* gl_config_set without recording the code (gl_config_parse calls it too). */
static int config_set(gl_config *cfg, const char *name, const char *value) {
  if (!name || !value) {
    gl_seterr(cfg->errmsg, "setting name and value must not be NULL");
    return GL_EMISUSE;
  }
  return gl_settings_set(&cfg->s, cfg->errmsg, name, value);
}

int gl_config_set(gl_config *cfg, const char *name, const char *value) {
  if (!cfg) return GL_EMISUSE;
  return gl_config_result(cfg, config_set(cfg, name, value));
}

static int config_parse(gl_config *cfg, const char *text) {
  if (!text) return GL_OK;
  char pair[256];
  const char *p = text;
  while (*p) {
    while (*p && strchr("&; \t\r\n", *p)) p++;
    if (!*p) break;
    size_t len = strcspn(p, "&; \t\r\n");
    if (len >= sizeof pair) {
      gl_seterr(cfg->errmsg, "setting '%.40s...' is too long", p);
      return GL_EINVAL;
    }
    memcpy(pair, p, len);
    pair[len] = '\0';
    p += len;
    char *eq = strchr(pair, '=');
    if (!eq) {
      gl_seterr(cfg->errmsg, "'%.60s' is not of the form name=value", pair);
      return GL_EINVAL;
    }
    *eq = '\0';
    int rc = config_set(cfg, pair, eq + 1);
    if (rc) return rc;
  }
  return GL_OK;
}

int gl_config_parse(gl_config *cfg, const char *text) {
  if (!cfg) return GL_EMISUSE;
  return gl_config_result(cfg, config_parse(cfg, text));
}

static const char *value_text(const gl_settings *s, const setting *st, char *buf, size_t cap) {
  const char *base = (const char *)s;
  switch (st->type) {
  case T_CHOICE: return choice_name(st->choices, *(const int *)(base + st->off), buf, cap);
  case T_BOOL:
  case T_INT: snprintf(buf, cap, "%d", *(const int *)(base + st->off)); return buf;
  case T_U32: snprintf(buf, cap, "%u", (unsigned)*(const uint32_t *)(base + st->off)); return buf;
  case T_SCALE:
    if (s->res_scale_kind == SCALE_INVSQRT) return "invsqrt";
    if (s->res_scale_kind == SCALE_REZERO) return "rezero";
    /* fallthrough */
  case T_REAL: snprintf(buf, cap, "%.17g", *(const double *)(base + st->off));
    /* shortest text that reads back exactly */
    for (int prec = 1; prec <= 17; prec++) {
      char t[40];
      snprintf(t, sizeof t, "%.*g", prec, *(const double *)(base + st->off));
      if (strtod(t, NULL) == *(const double *)(base + st->off)) { snprintf(buf, cap, "%s", t); break; }
    }
    return buf;
  }
  return "";
}

const char *gl_config_get(gl_config *cfg, const char *name) {
  if (!cfg || !name) return NULL;
  const setting *st = find_setting(name);
  if (!st) return NULL;
  return value_text(&cfg->s, st, cfg->value, sizeof cfg->value);
}

int gl_config_set_csv(gl_config *cfg, const char *text, size_t len) {
  if (!cfg) return GL_EMISUSE;
  if (!text && len) {
    gl_seterr(cfg->errmsg, "csv: the text is NULL but its length is %zu", len);
    return gl_config_result(cfg, GL_EMISUSE);
  }
  char *copy = (char *)malloc(len + 1);
  if (!copy) {
    gl_seterr(cfg->errmsg, "out of memory copying %zu bytes of CSV", len);
    return gl_config_result(cfg, GL_ENOMEM);
  }
  if (len) memcpy(copy, text, len);
  copy[len] = '\0';
  free(cfg->csv);
  cfg->csv = copy;
  cfg->csv_len = len;
  return gl_config_result(cfg, GL_OK);
}

static int config_set_digits(gl_config *cfg, int split, const void *bytes, size_t len) {
  if ((split != GL_SPLIT_TRAIN && split != GL_SPLIT_TEST) || (!bytes && len)) {
    gl_seterr(cfg->errmsg, "digits: split must be GL_SPLIT_TRAIN or GL_SPLIT_TEST and bytes non-NULL");
    return GL_EMISUSE;
  }
  unsigned char *copy = NULL;
  if (len) {
    int n, h, w, classes;
    int rc = gl_digits_scan((const unsigned char *)bytes, len, &n, &h, &w, &classes, NULL, NULL,
                            cfg->errmsg);
    if (rc) return rc;
    copy = (unsigned char *)malloc(len);
    if (!copy) {
      gl_seterr(cfg->errmsg, "digits: out of memory copying %zu bytes", len);
      return GL_ENOMEM;
    }
    memcpy(copy, bytes, len);
  }
  free(cfg->digits[split]);
  cfg->digits[split] = copy;
  cfg->digits_len[split] = len;
  return GL_OK;
}

int gl_config_set_digits(gl_config *cfg, int split, const void *bytes, size_t len) {
  if (!cfg) return GL_EMISUSE;
  return gl_config_result(cfg, config_set_digits(cfg, split, bytes, len));
}

const char *gl_config_errmsg(const gl_config *cfg) {
  if (!cfg) return "no configuration (NULL)";
  return cfg->errmsg[0] ? cfg->errmsg : "no error";
}

int gl_config_errcode(const gl_config *cfg) { return cfg ? cfg->errcode : GL_EMISUSE; }

/* JSON string escaping for the few texts we print (ASCII help lines). */
static size_t json_str(char *dst, size_t cap, const char *s) {
  size_t n = 0;
#define PUT(c) do { if (n + 1 < cap) dst[n] = (c); n++; } while (0)
  PUT('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') { PUT('\\'); PUT(*s); }
    else if ((unsigned char)*s < 0x20) PUT(' ');
    else PUT(*s);
  }
  PUT('"');
  if (n < cap) dst[n] = '\0'; else if (cap) dst[cap - 1] = '\0';
#undef PUT
  return n;
}

static int is_number_type(setting_type t) { return t == T_INT || t == T_REAL || t == T_U32 || t == T_BOOL; }

const char *gl_config_json(gl_config *cfg) {
  if (!cfg) return NULL;
  size_t cap = 4096;
  char *buf = (char *)realloc(cfg->json, cap);
  if (!buf) return NULL;
  cfg->json = buf;
  size_t n = 0;
  n += (size_t)snprintf(buf + n, cap - n, "{");
  for (int i = 0; i < N_SETTINGS; i++) {
    char v[64], q[96];
    const char *t = value_text(&cfg->s, &SETTINGS[i], v, sizeof v);
    int numeric = is_number_type(SETTINGS[i].type) ||
                  (SETTINGS[i].type == T_SCALE && cfg->s.res_scale_kind == SCALE_VALUE);
    if (!numeric) json_str(q, sizeof q, t);
    n += (size_t)snprintf(buf + n, cap - n, "%s\"%s\": %s", i ? ", " : "", SETTINGS[i].name,
                          numeric ? t : q);
  }
  snprintf(buf + n, cap - n, "}");
  return buf;
}

const char *gl_settings_json(void) {
  static char buf[8192];
  if (buf[0]) return buf;
  size_t n = 0, cap = sizeof buf;
  static const char *TYPE_NAMES[] = {"int", "real", "choice", "bool", "int", "scale"};
  n += (size_t)snprintf(buf + n, cap - n, "[");
  for (int i = 0; i < N_SETTINGS; i++) {
    const setting *st = &SETTINGS[i];
    char help[400], def[64];
    json_str(help, sizeof help, st->help);
    n += (size_t)snprintf(buf + n, cap - n, "%s\n{\"name\": \"%s\", \"type\": \"%s\", ", i ? "," : "",
                          st->name, TYPE_NAMES[st->type]);
    if (is_number_type(st->type))
      n += (size_t)snprintf(buf + n, cap - n, "\"default\": %s, ", st->def);
    else
      n += (size_t)snprintf(buf + n, cap - n, "\"default\": %s, ",
                            (json_str(def, sizeof def, st->def), def));
    if (st->type != T_CHOICE)
      n += (size_t)snprintf(buf + n, cap - n, "\"min\": %.17g, \"max\": %.17g, ", st->min, st->max);
    if (st->choices) {
      n += (size_t)snprintf(buf + n, cap - n, "\"choices\": [");
      char w[32];
      int k = 0;
      for (const char *p = st->choices; p; k++) {
        n += (size_t)snprintf(buf + n, cap - n, "%s\"%s\"", k ? ", " : "",
                              choice_name(st->choices, k, w, sizeof w));
        p = strchr(p, '|');
        if (p) p++;
      }
      n += (size_t)snprintf(buf + n, cap - n, "], ");
    }
    n += (size_t)snprintf(buf + n, cap - n, "\"help\": %s}", help);
  }
  snprintf(buf + n, cap - n, "\n]");
  return buf;
}

int gl_settings_count(void) { return N_SETTINGS; }
const char *gl_settings_name(int i) { return i >= 0 && i < N_SETTINGS ? SETTINGS[i].name : NULL; }
const char *gl_settings_help(int i) { return i >= 0 && i < N_SETTINGS ? SETTINGS[i].help : NULL; }
