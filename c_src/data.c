/*
 * data.c - training data: four built-in two-class 2-D sets, a CSV loader and
 * the digits file reader (14x14 handwritten digits; format in docs/data.md).
 *
 * Built-in sets lie in about [-1, 1]^2, classes alternate (balanced), and are
 * generated from their own seed, so changing the network's seed never
 * changes the data.  CSV: optional header, numeric feature columns, then an
 * integer class label (0, 1, ...) last; a malformed row is refused with its
 * line number.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gl_internal.h"

#define PI 3.14159265358979323846

void gl_make_builtin(int kind, int n, double noise, uint32_t seed, gl_real *x, int32_t *y) {
  gl_rng r;
  gl_rng_seed(&r, seed, 3);
  for (int i = 0; i < n; i++) {
    int c = i % 2;
    double px = 0, py = 0;
    switch (kind) {
    case DATA_SPIRAL: {
      /* two interleaved arms, 1.5 turns, radius 0.05 .. 1 */
      double t = (double)(i / 2) / (double)((n + 1) / 2);
      double rad = 0.05 + 0.95 * t;
      double ang = 3.0 * PI * t + c * PI;
      px = rad * sin(ang) + noise * 0.5 * gl_rng_normal(&r);
      py = rad * cos(ang) + noise * 0.5 * gl_rng_normal(&r);
      break;
    }
    case DATA_CIRCLES: {
      /* class 0 inside radius 0.5, class 1 in the ring 0.7 .. 1 */
      double rad = c == 0 ? 0.5 * gl_rng_uniform(&r) : 0.7 + 0.3 * gl_rng_uniform(&r);
      double ang = 2.0 * PI * gl_rng_uniform(&r);
      px = rad * sin(ang) + noise * 0.5 * gl_rng_normal(&r);
      py = rad * cos(ang) + noise * 0.5 * gl_rng_normal(&r);
      break;
    }
    case DATA_XOR: {
      /* quadrants: class 0 where x*y > 0 */
      double ax = 0.05 + 0.95 * gl_rng_uniform(&r), ay = 0.05 + 0.95 * gl_rng_uniform(&r);
      int sx = gl_rng_uniform(&r) < 0.5 ? -1 : 1;
      int sy = c == 0 ? sx : -sx;
      px = sx * ax + noise * 0.5 * gl_rng_normal(&r);
      py = sy * ay + noise * 0.5 * gl_rng_normal(&r);
      break;
    }
    default: { /* DATA_GAUSS: two blobs around (+-0.4, +-0.4) */
      double m = c == 0 ? 0.4 : -0.4, sd = 0.15 + 0.5 * noise;
      px = m + sd * gl_rng_normal(&r);
      py = m + sd * gl_rng_normal(&r);
      break;
    }
    }
    x[2 * i] = (gl_real)px;
    x[2 * i + 1] = (gl_real)py;
    y[i] = c;
  }
}

void gl_standardize(gl_real *x, int n, int d) { gl_standardize2(x, n, NULL, 0, d); }

void gl_standardize2(gl_real *x, int n, gl_real *x2, int n2, int d) {
  for (int j = 0; j < d; j++) {
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) s += x[(size_t)i * d + j];
    double mean = s / n;
    for (int i = 0; i < n; i++) {
      double t = x[(size_t)i * d + j] - mean;
      s2 += t * t;
    }
    double sd = sqrt(s2 / n);
    if (sd < 1e-12) sd = 1;
    for (int i = 0; i < n; i++) x[(size_t)i * d + j] = (gl_real)((x[(size_t)i * d + j] - mean) / sd);
    for (int i = 0; i < n2; i++)
      x2[(size_t)i * d + j] = (gl_real)((x2[(size_t)i * d + j] - mean) / sd);
  }
}

/* ---- digits files ----
 * "GLDIGITS", h, w, classes, 0, n (uint32 little-endian), then n records of a
 * label byte and h*w pixel bytes (row by row, 255 = ink).  Pixels are read
 * as value / 255, in [0, 1]: the background is 0, like the zero padding of
 * the convolutions. */
#define DIGITS_HEADER 16
#define DIGITS_MAX_SIDE 64
#define DIGITS_MAX_IMAGES 65536

int gl_digits_scan(const unsigned char *b, size_t len, int *n_out, int *h_out, int *w_out,
                   int *classes_out, gl_real *x, int32_t *y, char *err) {
  if (!b || len < DIGITS_HEADER || memcmp(b, "GLDIGITS", 8) != 0) {
    gl_seterr(err, "digits: not a digits file (%zu bytes; it must start with GLDIGITS)", len);
    return GL_EDATA;
  }
  const int h = b[8], w = b[9], classes = b[10];
  const uint32_t n = (uint32_t)b[12] | (uint32_t)b[13] << 8 | (uint32_t)b[14] << 16 |
                     (uint32_t)b[15] << 24;
  if (h < 2 || w < 2 || h > DIGITS_MAX_SIDE || w > DIGITS_MAX_SIDE) {
    gl_seterr(err, "digits: images of %dx%d, need 2..%d pixels a side", h, w, DIGITS_MAX_SIDE);
    return GL_EDATA;
  }
  if (classes < 2) {
    gl_seterr(err, "digits: %d classes, need at least 2", classes);
    return GL_EDATA;
  }
  if (n < 1 || n > DIGITS_MAX_IMAGES) {
    gl_seterr(err, "digits: %u images, need 1..%d", (unsigned)n, DIGITS_MAX_IMAGES);
    return GL_EDATA;
  }
  const size_t rec = 1 + (size_t)h * w;
  if (len != DIGITS_HEADER + (size_t)n * rec) {
    gl_seterr(err, "digits: %zu bytes, but %u images of %dx%d need %zu", len, (unsigned)n, h, w,
              DIGITS_HEADER + (size_t)n * rec);
    return GL_EDATA;
  }
  for (uint32_t i = 0; i < n; i++) {
    const unsigned char *r = b + DIGITS_HEADER + i * rec;
    if (r[0] >= classes) {
      gl_seterr(err, "digits: image %u has label %d, not below the %d classes", (unsigned)i, r[0],
                classes);
      return GL_EDATA;
    }
    if (y) y[i] = r[0];
    if (x)
      for (size_t p = 0; p < rec - 1; p++) x[i * (rec - 1) + p] = (gl_real)(r[1 + p] / 255.0);
  }
  *n_out = (int)n;
  *h_out = h;
  *w_out = w;
  *classes_out = classes;
  return GL_OK;
}

#define CSV_MAX_FIELDS 1025
#define CSV_MAX_CLASSES 256
#define CSV_MAX_ROWS 65536

/* Splits one line into fields (in place); returns the count or -1 if too many. */
static int split_fields(char *line, char **f) {
  int k = 0;
  char *p = line;
  for (;;) {
    if (k == CSV_MAX_FIELDS) return -1;
    while (*p == ' ' || *p == '\t') p++;
    f[k++] = p;
    char *comma = strchr(p, ',');
    char *end = comma ? comma : p + strlen(p);
    char *t = end;
    while (t > p && (t[-1] == ' ' || t[-1] == '\t')) t--;
    *t = '\0';
    if (!comma) break;
    p = comma + 1;
  }
  return k;
}

static int parse_number(const char *s, double *v) {
  if (!*s) return 0;
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (*end || errno == ERANGE || !isfinite(x)) return 0;
  *v = x;
  return 1;
}

int gl_csv_scan(const char *text, size_t len, int *n_out, int *d_out, int *classes_out, gl_real *x,
                int32_t *y, char *err) {
  char *fields[CSV_MAX_FIELDS];
  char line[16384];
  int n = 0, d = -1, maxlab = -1, lineno = 0;
  size_t pos = 0;
  if (!text || len == 0) {
    gl_seterr(err, "CSV: the data is empty");
    return GL_EDATA;
  }
  while (pos < len) {
    size_t end = pos;
    while (end < len && text[end] != '\n') end++;
    size_t ll = end - pos;
    lineno++;
    if (ll >= sizeof line) {
      gl_seterr(err, "CSV line %d: longer than %zu characters", lineno, sizeof line - 1);
      return GL_EDATA;
    }
    if (memchr(text + pos, '\0', ll)) {
      gl_seterr(err, "CSV line %d: contains a NUL byte", lineno);
      return GL_EDATA;
    }
    memcpy(line, text + pos, ll);
    line[ll] = '\0';
    pos = end + 1;
    if (ll && line[ll - 1] == '\r') line[--ll] = '\0';
    char *s = line;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) continue; /* blank line */
    int k = split_fields(s, fields);
    if (k < 0) {
      gl_seterr(err, "CSV line %d: more than %d columns", lineno, CSV_MAX_FIELDS);
      return GL_EDATA;
    }
    /* header: the first non-blank line, if none of its fields reads as a number */
    double v;
    int any_number = 0;
    for (int j = 0; j < k; j++) {
      char *e;
      strtod(fields[j], &e);
      if (*fields[j] && !*e) any_number = 1;
    }
    if (!any_number && n == 0 && d < 0) {
      d = k - 1;
      if (d < 1) {
        gl_seterr(err, "CSV line %d: need at least one feature column and a label column", lineno);
        return GL_EDATA;
      }
      continue;
    }
    if (k < 2) {
      gl_seterr(err, "CSV line %d: need at least one feature column and a label column", lineno);
      return GL_EDATA;
    }
    if (d < 0) d = k - 1;
    if (k != d + 1) {
      gl_seterr(err, "CSV line %d: expected %d columns, found %d", lineno, d + 1, k);
      return GL_EDATA;
    }
    for (int j = 0; j < d; j++) {
      if (!parse_number(fields[j], &v)) {
        gl_seterr(err, "CSV line %d, column %d: '%.40s' is not a finite number", lineno, j + 1,
                  fields[j]);
        return GL_EDATA;
      }
      if (x) x[(size_t)n * d + j] = (gl_real)v;
    }
    const char *lab = fields[d];
    char *e;
    errno = 0;
    long L = strtol(lab, &e, 10);
    if (!*lab || *e || errno || L < 0 || L >= CSV_MAX_CLASSES) {
      gl_seterr(err, "CSV line %d: label '%.40s' is not an integer class in [0, %d]", lineno, lab,
                CSV_MAX_CLASSES - 1);
      return GL_EDATA;
    }
    if (y) y[n] = (int32_t)L;
    if (L > maxlab) maxlab = (int)L;
    n++;
    if (n > CSV_MAX_ROWS) {
      gl_seterr(err, "CSV: more than %d rows", CSV_MAX_ROWS);
      return GL_EDATA;
    }
  }
  if (n == 0) {
    gl_seterr(err, "CSV: no data rows");
    return GL_EDATA;
  }
  if (maxlab < 1) {
    gl_seterr(err, "CSV: every label is %d; need at least two classes (labels 0 and 1)", maxlab);
    return GL_EDATA;
  }
  *n_out = n;
  *d_out = d;
  *classes_out = maxlab + 1;
  return GL_OK;
}
