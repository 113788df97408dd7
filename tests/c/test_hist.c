/*
 * test_hist.c - the record's histograms (hist.c) and the symmetric
 * initialisations (init=zeros, init=constant), in the float32 build:
 *   - the log bins' thresholds against powl, and the bin of single values at,
 *     just below and just above every edge (and zero, denormals, inf, NaN,
 *     random bit patterns) against the definition, a plain double loop over
 *     the edges;
 *   - every layer's four histograms against that loop over the same buffers,
 *     and their counts summing to the number of values: dense and conv, norm
 *     none/batch/layer, plain and residual, every activation;
 *   - hist=0 changes no other number; the API's edges and misuse;
 *   - the z histograms the lesson quotes (sigmoid xavier vs normal:4 at init);
 *   - saturation against the mass of hist_pre in the activation's slow region;
 *   - zeros and constant: every unit of a layer the same after training.
 * Run with --quick (under the sanitizers) for fewer random values.
 * Reads web/data/digits-train.bin for the conv model (from the repository root).
 */
#include <float.h>
#include <math.h>

#include "test_util.h"

static int quick;
static unsigned char *train_bytes;
static size_t train_len;

/* ---- the definition: a plain double loop over the edges ---- */

/* The count a value falls in: bins are right-closed, (e[i-1], e[i]]; count 0
 * is v <= e[0], count E is v > e[E-1] (and a NaN, which no edge is above).  Exact for float32 values: an edge
 * that is not a double (k/40) is off by less than 1e-17 relative, and no
 * float lies that close to k/40 or k/20 without being it. */
static int ref_bin(double v, const double *e, int E) {
  for (int i = 0; i < E; i++)
    if (v <= e[i]) return i;
  return E;
}

/* The log histograms' value: log10 |g| in double (-inf for 0).  A float32 |g|
 * is either a power of ten (1 .. 1e6, where glibc's log10 is exact) or at
 * least ~1e-8 relative away from every 10^(k/2), far beyond double's 1e-16. */
static double log_value(gl_real g) { return log10(fabs((double)g)); }

/* The single count that one value falls in, as the engine bins it. */
static int engine_bin(const gl_net *n, int which, gl_real v) {
  uint32_t c[128];
  gl_hist_count(n, which, &v, 1, c);
  for (int i = 0; i < gl_hist_bins(n, which); i++)
    if (c[i]) return i;
  return -1;
}

/* A net from text, counting its histograms (hist=1) unless the text says hist. */
static gl_net *make(const char *text, int arch) {
  gl_config *c = cfg_from(text);
  if (!strstr(text, "hist=")) gl_config_set(c, "hist", "1");
  gl_net *n = NULL;
  if (gl_create(c, arch, &n)) {
    CHECK(0, "create '%s': %s", text, gl_config_errmsg(c));
    n = NULL;
  }
  gl_config_free(c);
  return n;
}

static float next_up(float f) { return nextafterf(f, INFINITY); }
static float next_down(float f) { return nextafterf(f, -INFINITY); }
static float from_bits(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* ---- the bins of single values ---- */

static void test_log_bins(void) {
  printf("log bins: thresholds and single values\n");
  const uint32_t *thr = gl_hist_log_thresholds();
  int bad = 0;
  for (int i = 0; i < 105; i++) {
    const long double x = powl(10.0L, (-92 + i) / 2.0L);
    const float t = from_bits(thr[i]);
    if (!((long double)t <= x && (long double)next_up(t) > x)) {
      bad++;
      printf("    threshold %d: %a is not the largest float <= 10^(%d/2)\n", i, t, -92 + i);
    }
  }
  CHECK(bad == 0, "the 105 thresholds are the largest float32 <= 10^(k/2), k = -92..12 (powl): %d wrong",
        bad);
  gl_net *n = make("depth=2 width=4 points=8", GL_ARCH_PLAIN);
  if (!n) return;
  const double *e = gl_hist_edges(n, GL_HIST_GRAD);
  const int E = gl_hist_bins(n, GL_HIST_GRAD) - 1;
  CHECK(E == 105 && e[0] == -46 && e[1] == -45.5 && e[104] == 6 &&
            gl_hist_bins(n, GL_HIST_WGRAD) == 106 &&
            !memcmp(e, gl_hist_edges(n, GL_HIST_WGRAD), sizeof(double) * 105),
        "hist_grad and hist_wgrad: edges -46, -45.5, ..., 6 (%d), %d counts", E, E + 1);
  /* every threshold and its neighbours, zero, denormals, the normal range's
   * ends, inf, and random bit patterns; each with both signs */
  long tried = 0, wrong = 0;
  float worst = 0;
  uint32_t r = 2463534242u;
  const int n_random = quick ? 20000 : 400000;
  for (int i = -12; i < 3 * 105 + n_random; i++) {
    float f;
    if (i < 0) {
      static const uint32_t special[12] = {0, 1, 2, 3, 0x7fffff, 0x800000, 0x7f7fffff, 0x7f800000,
                                           0x3f800000, 0x49742400, 0x49742401, 0x497423ff};
      f = from_bits(special[i + 12]);
    } else if (i < 3 * 105) {
      const float t = from_bits(thr[i / 3]);
      f = i % 3 == 0 ? t : i % 3 == 1 ? next_up(t) : next_down(t);
      if (f < 0) f = 0;
    } else {
      r ^= r << 13, r ^= r >> 17, r ^= r << 5; /* xorshift32 */
      f = from_bits(r % 0x7f800000u);         /* any finite non-negative float */
    }
    for (int s = 0; s < 2; s++, tried++) {
      const float v = s ? -f : f;
      const int got = engine_bin(n, GL_HIST_GRAD, v), want = ref_bin(log_value(v), e, E);
      if (got != want || engine_bin(n, GL_HIST_WGRAD, v) != want) {
        if (!wrong) worst = v;
        wrong++;
      }
    }
  }
  CHECK(wrong == 0,
        "%ld values (every edge, one float above and below it, 0, denormals, inf, random bits; both "
        "signs): log bin = the double loop's, %ld differ (first %a)",
        tried, wrong, worst);
  /* 0 and what underflows to it: the first count; a denormal is not 0 */
  CHECK(engine_bin(n, GL_HIST_GRAD, 0.0f) == 0 && engine_bin(n, GL_HIST_GRAD, -0.0f) == 0 &&
            engine_bin(n, GL_HIST_GRAD, from_bits(1)) == 3 &&
            engine_bin(n, GL_HIST_GRAD, 1e6f) == 104 &&
            engine_bin(n, GL_HIST_GRAD, next_up(1e6f)) == 105 &&
            engine_bin(n, GL_HIST_GRAD, INFINITY) == 105 && engine_bin(n, GL_HIST_GRAD, NAN) == 105 &&
            engine_bin(n, GL_HIST_GRAD, 1.0f) == 92,
        "|g| = 0: count 0 (exact zeros); 1.4e-45: count 3, (10^-45, 10^-44.5]; 1 in (10^-0.5, 1]; "
        "1e6 in the last bin, the next float, inf and NaN above");
  gl_free(n);
}

/* The uniform bins of one histogram of a net with activation act. */
static void check_uniform(const char *act, int which, int want_edges, double first, double last) {
  char t[96];
  snprintf(t, sizeof t, "depth=2 width=4 points=8 act=%s", act);
  gl_net *n = make(t, GL_ARCH_PLAIN);
  if (!n) return;
  const double *e = gl_hist_edges(n, which);
  const int E = gl_hist_bins(n, which) - 1;
  long tried = 0, wrong = 0;
  float first_wrong = 0;
  uint32_t r = 88172645u;
  const int n_random = quick ? 5000 : 100000;
  for (int i = -10; i < 3 * E + n_random; i++) {
    float f;
    if (i < 0) {
      static const float special[10] = {0.0f, -0.0f, 1e-45f, -1e-45f, 1e-38f, -1e-38f, 1e30f, -1e30f,
                                        INFINITY, -INFINITY};
      f = special[i + 10];
    } else if (i < 3 * E) {
      const float c = (float)e[i / 3]; /* the float nearest the edge, and its neighbours */
      f = i % 3 == 0 ? c : i % 3 == 1 ? next_up(c) : next_down(c);
    } else {
      r ^= r << 13, r ^= r >> 17, r ^= r << 5;
      f = (float)(((double)r / 4294967296.0 - 0.5) * 2.5 * (e[E - 1] - e[0]));
    }
    tried++;
    if (engine_bin(n, which, f) != ref_bin(f, e, E)) {
      if (!wrong) first_wrong = f;
      wrong++;
    }
  }
  CHECK(E == want_edges && e[0] == first && e[E - 1] == last && wrong == 0 &&
            engine_bin(n, which, NAN) == E,
        "%s %s: %d edges %g .. %g; %ld values (every edge's nearest float and its neighbours, 0, "
        "denormals, +-inf, random): the double loop's count, %ld differ (first %a); NaN counts above",
        act, gl_hist_name(which), E, e[0], e[E - 1], tried, wrong, first_wrong);
  gl_free(n);
}

static void test_uniform_bins(void) {
  printf("uniform bins: single values\n");
  check_uniform("sigmoid", GL_HIST_PRE, 65, -8, 8);
  check_uniform("sigmoid", GL_HIST_ACT, 41, 0, 1);
  check_uniform("tanh", GL_HIST_ACT, 41, -1, 1);
  check_uniform("relu", GL_HIST_ACT, 65, -8, 8);
  check_uniform("gelu", GL_HIST_ACT, 65, -8, 8);
  /* right-closed: an edge's own value counts in the bin it closes */
  gl_net *n = make("depth=2 width=4 points=8 act=relu", GL_ARCH_PLAIN);
  if (!n) return;
  CHECK(engine_bin(n, GL_HIST_PRE, 0.0f) == 32 && engine_bin(n, GL_HIST_PRE, 1e-45f) == 33 &&
            engine_bin(n, GL_HIST_PRE, -1e-45f) == 32 && engine_bin(n, GL_HIST_PRE, -8.0f) == 0 &&
            engine_bin(n, GL_HIST_PRE, 8.0f) == 64 && engine_bin(n, GL_HIST_PRE, next_up(8.0f)) == 65,
        "hist_pre: 0 and -1e-45 in (-0.25, 0] (count 32), 1e-45 in (0, 0.25]; -8 below, 8 in the "
        "last bin, above it: above");
  gl_free(n);
}

/* ---- every layer against the double loop over the same buffers ---- */

/* The record of one training batch, the way a step makes it (forward in
 * training mode, backward, the per-layer statistics), with the buffers left
 * as the histograms saw them (gl_measure would then evaluate, and overwrite
 * them). */
static void record_batch(gl_net *n) {
  long c;
  gl_forward(n, n->data.x, n->data.y, n->B, &c, 1);
  gl_backward(n, n->B);
  gl_measure_batch(n, n->B);
}

/* The four histograms of every layer against ref_bin over the buffers the
 * engine documents (z: phi's input, or the logits; phi(z); dL/dh at the
 * layer's output; dW), and each summing to its number of values.  Returns
 * the number of histograms that differ. */
static int layers_match(gl_net *n, long *values) {
  int bad = 0;
  const int rows = n->B;
  uint32_t *want = malloc(sizeof(uint32_t) * 128);
  for (int l = 0; l < n->n_layers; l++) {
    const gl_layer *L = &n->layers[l];
    const gl_buf *z = &n->bufs[L->act_pre >= 0 ? L->act_pre : L->out_buf];
    const gl_buf *o = &n->bufs[L->out_buf];
    const gl_real *src[GL_N_HISTS] = {z->v, L->act_post >= 0 ? n->bufs[L->act_post].v : NULL, o->g,
                                      n->grads + L->w_off};
    const size_t cnt[GL_N_HISTS] = {(size_t)rows * z->n,
                                    L->act_post >= 0 ? (size_t)rows * n->bufs[L->act_post].n : 0,
                                    (size_t)rows * o->n, (size_t)L->in * L->out};
    for (int k = 0; k < GL_N_HISTS; k++) {
      const int B = gl_hist_bins(n, k);
      const double *e = gl_hist_edges(n, k);
      memset(want, 0, sizeof(uint32_t) * B);
      for (size_t i = 0; i < cnt[k]; i++) {
        const double v = k >= GL_HIST_GRAD ? log_value(src[k][i]) : (double)src[k][i];
        want[ref_bin(v, e, B - 1)]++;
      }
      const uint32_t *got = gl_record_hist(n, k) + (size_t)l * B;
      uint64_t sum = 0;
      for (int b = 0; b < B; b++) sum += got[b];
      if (memcmp(got, want, sizeof(uint32_t) * B) || sum != cnt[k]) {
        if (bad < 3)
          printf("    %s layer %d: counts differ from the double loop (sum %llu of %zu)\n",
                 gl_hist_name(k), l + 1, (unsigned long long)sum, cnt[k]);
        bad++;
      }
      *values += (long)cnt[k];
    }
    /* act_unit_std: per example (and pixel) the variance across units (channels), in
     * double, averaged, square-rooted */
    const gl_buf *a = &n->bufs[L->act_post >= 0 ? L->act_post : L->out_buf];
    const int C = L->k2 == 9 && L->act_post >= 0 ? n->s.channels : a->n, S = a->n / C;
    double ref = 0;
    for (int r = 0; r < rows; r++)
      for (int p = 0; p < S; p++) {
        double m = 0, q = 0;
        for (int c = 0; c < C; c++) m += a->v[(size_t)r * a->n + (size_t)c * S + p];
        m /= C;
        for (int c = 0; c < C; c++) {
          const double d = a->v[(size_t)r * a->n + (size_t)c * S + p] - m;
          q += d * d;
        }
        ref += q / C;
      }
    ref = sqrt(ref / ((double)rows * S));
    const double got = gl_record_field(n, GL_ACT_UNIT_STD)[l];
    if (!(fabs(got - ref) <= 1e-5 * ref + 1e-9)) {
      if (bad < 3) printf("    act_unit_std layer %d: %.9g, the double loop's %.9g\n", l + 1, got, ref);
      bad++;
    }
  }
  free(want);
  return bad;
}

/* A config from text whose digits are the first n_train training images. */
static gl_config *digits_cfg(const char *text, int n_train) {
  gl_config *c = cfg_from(text);
  const size_t rec = 1 + (size_t)train_bytes[8] * train_bytes[9], len = 16 + (size_t)n_train * rec;
  unsigned char *b = malloc(len);
  memcpy(b, train_bytes, len);
  b[12] = (unsigned char)n_train;
  b[13] = (unsigned char)(n_train >> 8);
  b[14] = b[15] = 0;
  if (gl_config_set_digits(c, GL_SPLIT_TRAIN, b, len)) CHECK(0, "digits: %s", gl_config_errmsg(c));
  free(b);
  return c;
}

static gl_net *make_conv(const char *text, int arch, int images) {
  gl_config *c = digits_cfg(text, images);
  gl_config_set(c, "hist", "1");
  gl_net *n = NULL;
  if (gl_create(c, arch, &n)) {
    CHECK(0, "create '%s': %s", text, gl_config_errmsg(c));
    n = NULL;
  }
  gl_config_free(c);
  return n;
}

static void test_layers(void) {
  printf("every layer's histograms against the double loop over its buffers\n");
  static const char *acts[] = {"sigmoid", "tanh", "relu", "leaky_relu", "linear", "gelu"};
  static const char *norms[] = {"none", "batch", "layer"};
  for (int nm = 0; nm < 3; nm++)
    for (int a = 0; a < 6; a++)
      for (int arch = 0; arch < 2; arch++) {
        char t[256];
        snprintf(t, sizeof t,
                 "depth=6 width=12 block=%d form=%s act=%s norm=%s init=%s data=spiral points=48 "
                 "batch=0 lr=0.5 seed=%d",
                 1 + (a % 2), a == 3 && arch ? "post" : "pre", acts[a], norms[nm],
                 a == 5 ? "normal:1.5" : "xavier", 1 + a);
        gl_net *n = make(t, arch);
        if (!n) continue;
        gl_step(n, 3);
        record_batch(n);
        long values = 0;
        const int bad = layers_match(n, &values);
        CHECK(bad == 0, "%s %s: 4 x %d histograms = the double loop's, sums = %ld values; act_unit_std "
              "within 1e-5 of it",
              arch ? "residual" : "plain", t, n->n_layers, values);
        gl_free(n);
      }
  if (!train_bytes) {
    CHECK(0, "web/data/digits-train.bin: cannot read it (run from the repository root)");
    return;
  }
  static const char *cacts[] = {"relu", "sigmoid", "tanh"};
  for (int nm = 0; nm < 3; nm++)
    for (int arch = 0; arch < 2; arch++) {
      char t[256];
      snprintf(t, sizeof t,
               "model=conv data=digits blocks=2 channels=3 pool=1 form=%s act=%s norm=%s init=he "
               "batch=0 lr=0.1",
               nm == 2 ? "post" : "pre", cacts[nm], norms[nm]);
      gl_net *n = make_conv(t, arch, 24);
      if (!n) continue;
      gl_step(n, 2);
      record_batch(n);
      long values = 0;
      const int bad = layers_match(n, &values);
      CHECK(bad == 0, "%s %s: 4 x %d histograms (conv: every element of each map) = the double "
            "loop's, sums = %ld values; act_unit_std (across channels) within 1e-5 of it",
            arch ? "residual" : "plain", t, n->n_layers, values);
      gl_free(n);
    }
}

/* hist=0: no counting, every other number the same; switched between
 * steps; the API around it. */
static void test_off_and_api(void) {
  printf("hist=0, gl_record_hist_set, the API\n");
  const char *t = "depth=8 width=16 act=tanh norm=batch points=64 batch=16 record_every=1";
  char t0[160];
  snprintf(t0, sizeof t0, "%s hist=0", t);
  {
    gl_config *c = cfg_from(t);
    CHECK(!strcmp(gl_config_get(c, "hist"), "0"), "hist is 0 by default");
    gl_config_free(c);
  }
  gl_net *a = make(t, GL_ARCH_RESIDUAL), *b = make(t0, GL_ARCH_RESIDUAL);
  if (!a || !b) return;
  gl_step(a, 7);
  gl_step(b, 7);
  int same = gl_record_loss(a) == gl_record_loss(b), zero = 1;
  for (int f = 0; f < GL_N_FIELDS; f++)
    same &= !memcmp(gl_record_field(a, f), gl_record_field(b, f), sizeof(double) * a->n_layers);
  for (int k = 0; k < GL_N_HISTS; k++)
    for (int i = 0; i < gl_n_layers(b) * gl_hist_bins(b, k); i++) zero &= gl_record_hist(b, k)[i] == 0;
  CHECK(gl_record_hist_on(a) == 1 && gl_record_hist_on(b) == 0 && zero && same &&
            gl_hist_bins(b, GL_HIST_PRE) == 66,
        "hist=0: gl_record_hist_on 0, every count 0, every field and the loss bit for bit those of "
        "hist=1 (7 steps)");
  /* switched on and off between steps: the next record has them, or not */
  gl_net *c = make(t0, GL_ARCH_PLAIN);
  if (!c) return;
  const int on0 = gl_record_hist_on(c);
  gl_step(c, 1);
  const int on1 = gl_record_hist_on(c);
  const int set = gl_record_hist_set(c, 1);
  const int on2 = gl_record_hist_on(c); /* the last record was made without them */
  gl_step(c, 1);
  uint64_t sum = 0;
  for (int i = 0; i < gl_hist_bins(c, GL_HIST_GRAD); i++) sum += gl_record_hist(c, GL_HIST_GRAD)[i];
  const int on3 = gl_record_hist_on(c);
  gl_record_hist_set(c, 0);
  gl_step(c, 1);
  int cleared = gl_record_hist_on(c) == 0;
  for (int i = 0; i < gl_n_layers(c) * gl_hist_bins(c, GL_HIST_GRAD); i++) cleared &= gl_record_hist(c, GL_HIST_GRAD)[i] == 0;
  CHECK(!on0 && !on1 && set == GL_OK && !on2 && on3 && sum == 16 * 16 && cleared &&
            gl_record_hist_set(NULL, 1) == GL_EMISUSE,
        "gl_record_hist_set: created with hist=0, no histograms; set 1, the next record has them (layer "
        "1's dL/dh: %llu values); set 0, the next has none and every count is 0; NULL: GL_EMISUSE",
        (unsigned long long)sum);
  gl_free(c);
  CHECK(!strcmp(gl_hist_name(GL_HIST_PRE), "hist_pre") && !strcmp(gl_hist_name(GL_HIST_WGRAD), "hist_wgrad") &&
            !gl_hist_name(-1) && !gl_hist_name(GL_N_HISTS) && gl_hist_bins(NULL, 0) == 0 &&
            gl_hist_bins(a, 4) == 0 && !gl_hist_edges(a, -1) && !gl_record_hist(a, 4) &&
            !gl_record_hist(NULL, 0) && gl_record_hist_on(NULL) == 0,
        "names hist_pre .. hist_wgrad; NULL and out-of-range: 0 / NULL");
  double lo, hi;
  CHECK(gl_act_slow_region(NULL, &lo, &hi) == GL_EMISUSE && gl_act_slow_region(a, NULL, &hi) == GL_EMISUSE &&
            gl_act_slow_region(a, &lo, &hi) == GL_OK && fabs(lo + 1.8184464592320668) < 1e-12 &&
            fabs(hi - 1.8184464592320668) < 1e-12,
        "gl_act_slow_region: GL_EMISUSE for NULL; tanh: |z| > atanh(sqrt(0.9)) = %.6f", hi);
  gl_free(a);
  gl_free(b);
}

/* ---- what the lesson quotes ---- */

/* The share of layers first..last's z (0-based) with lo < z <= hi (lo, hi:
 * edges), from the record's hist_pre; *least and *most: one layer's. */
static double z_share(const gl_net *n, int first, int last, double lo, double hi, double *least,
                      double *most) {
  const int B = gl_hist_bins(n, GL_HIST_PRE);
  const double *e = gl_hist_edges(n, GL_HIST_PRE);
  double in = 0, all = 0;
  *least = 1;
  *most = 0;
  for (int l = first; l <= last; l++) {
    const uint32_t *c = gl_record_hist(n, GL_HIST_PRE) + (size_t)l * B;
    double li = 0, la = 0;
    for (int b = 0; b < B; b++) {
      const double a = b ? e[b - 1] : -INFINITY, z = b < B - 1 ? e[b] : INFINITY;
      la += c[b];
      if (a >= lo && z <= hi) li += c[b];
    }
    in += li;
    all += la;
    *least = fmin(*least, li / la);
    *most = fmax(*most, li / la);
  }
  return in / all;
}

static void test_lesson_shares(void) {
  printf("the z histograms the lesson quotes (depth 30 x 32, spiral, at init)\n");
  const char *base = "depth=30 width=32 block=2 data=spiral points=256 act=sigmoid";
  double x[2], xl[2], xm[2], o[2], ol[2], om[2];
  for (int arch = 0; arch < 2; arch++) {
    char t[256];
    snprintf(t, sizeof t, "%s init=xavier", base);
    gl_net *n = make(t, arch);
    if (!n) return;
    gl_measure(n);
    x[arch] = z_share(n, 0, 29, -2, 2, &xl[arch], &xm[arch]); /* layers 1..L = Lin_1 .. Lin_30 */
    gl_free(n);
    snprintf(t, sizeof t, "%s init=normal init_std=4.0", base);
    n = make(t, arch);
    if (!n) return;
    gl_measure(n);
    double in_least, in_most;
    o[arch] = 1 - z_share(n, 0, 29, -4, 4, &in_least, &in_most);
    ol[arch] = 1 - in_most;
    om[arch] = 1 - in_least;
    gl_free(n);
  }
  CHECK(x[0] >= 0.9, "plain sigmoid xavier: %.4f of layers 1..30's z in (-2, 2] (>= 0.9; one layer "
        "%.4f .. %.4f; the residual twin %.4f)", x[0], xl[0], xm[0], x[1]);
  CHECK(o[0] >= 0.5, "plain sigmoid normal:4.0: %.4f of layers 1..30's z outside (-4, 4] (>= 0.5; one "
        "layer %.4f .. %.4f; the residual twin %.4f)", o[0], ol[0], om[0], o[1]);
}

/* saturation against hist_pre's mass in the slow region (z <= lo or z > hi):
 * the saturated count lies between the mass of the bins inside the region
 * and that of the bins meeting it, and equals both where the region's edges
 * are bin edges (relu, leaky_relu: 0; linear: no region). */
static void test_saturation(void) {
  printf("saturation = hist_pre's mass in the slow region, where the bins allow\n");
  static const char *acts[] = {"sigmoid", "tanh", "relu", "leaky_relu", "linear", "gelu"};
  static const char *inits[] = {"normal:2", "normal:0.6", "he", "he", "xavier", "normal:1"};
  static const char *norms[] = {"none", "batch"};
  for (int a = 0; a < 6; a++)
    for (int nm = 0; nm < 2; nm++)
      for (int arch = 0; arch < 2; arch++) {
        char t[256];
        snprintf(t, sizeof t, "depth=10 width=24 act=%s init=%s norm=%s data=spiral points=128 "
                 "batch=0 lr=0.2", acts[a], inits[a], norms[nm]);
        gl_net *n = make(t, arch);
        if (!n) continue;
        gl_step(n, 5);
        gl_measure(n);
        double lo, hi;
        gl_act_slow_region(n, &lo, &hi);
        const int B = gl_hist_bins(n, GL_HIST_PRE);
        const double *e = gl_hist_edges(n, GL_HIST_PRE);
        int ok = 1, exact = 1, layers = 0;
        double worst_gap = 0, sat_all = 0;
        for (int l = 0; l < n->n_layers; l++) {
          if (n->layers[l].act_pre < 0) continue; /* the output layer: no phi */
          const uint32_t *c = gl_record_hist(n, GL_HIST_PRE) + (size_t)l * B;
          double inside = 0, meeting = 0, total = 0;
          for (int b = 0; b < B; b++) {
            const double bl = b ? e[b - 1] : -INFINITY, bh = b < B - 1 ? e[b] : INFINITY;
            total += c[b];
            if (bh <= lo || bl >= hi) inside += c[b];
            if (bl < lo || bh > hi) meeting += c[b];
          }
          const double sat = gl_record_field(n, GL_SATURATION)[l] * total;
          ok &= sat >= inside - 0.5 && sat <= meeting + 0.5;
          exact &= inside == meeting ? fabs(sat - inside) < 0.5 : 1;
          if ((meeting - inside) / total > worst_gap) worst_gap = (meeting - inside) / total;
          sat_all += sat / total;
          layers++;
        }
        const int on_edges = a >= 2 && a <= 4;
        CHECK(ok && exact && (!on_edges || worst_gap == 0),
              "%s %s: %d layers, mean saturation %.3f; %s (boundary bins hold at most %.3f of a layer)",
              arch ? "residual" : "plain", t, layers, sat_all / layers,
              on_edges ? "equal to the mass of the region's bins" : "between the mass inside and meeting it",
              worst_gap);
        gl_free(n);
      }
}

/* ---- symmetric starts ---- */

/* 1 when every unit (column j of W, fan_in x fan_out) of layer l has the same
 * incoming weights, bit for bit. */
static int columns_equal(const gl_net *n, int l) {
  const gl_layer *L = &n->layers[l];
  const gl_real *W = n->params + L->w_off;
  for (int i = 0; i < L->in; i++)
    for (int j = 1; j < L->out; j++)
      if (memcmp(&W[(size_t)i * L->out + j], &W[(size_t)i * L->out], sizeof(gl_real))) return 0;
  return 1;
}

/* 1 when every row of W (what each input unit sends on) is the same. */
static int rows_equal(const gl_net *n, int l) {
  const gl_layer *L = &n->layers[l];
  const gl_real *W = n->params + L->w_off;
  for (int i = 1; i < L->in; i++)
    if (memcmp(W, W + (size_t)i * L->out, sizeof(gl_real) * L->out)) return 0;
  return 1;
}

static void test_symmetry(void) {
  printf("symmetric starts: init=zeros, init=constant\n");
  /* zeros at init: every z is 0, so phi's output is one number over the whole batch */
  for (int arch = 0; arch < 2; arch++) {
    gl_net *n = make("depth=8 width=16 act=sigmoid init=zeros data=spiral points=64", arch);
    if (!n) return;
    gl_measure(n);
    const int nl = n->n_layers;
    int zero_std = 1, spike = 1;
    for (int l = 0; l < nl - 1; l++) {
      zero_std &= gl_record_field(n, GL_ACT_STD)[l] == 0 && gl_record_field(n, GL_ACT_UNIT_STD)[l] == 0;
      spike &= gl_record_hist(n, GL_HIST_PRE)[(size_t)l * 66 + 32] == (uint32_t)(64 * 16);
    }
    CHECK(zero_std && spike, "%s init=zeros at init: layers 1..%d have act_std = act_unit_std = 0 "
          "exactly, and every z in hist_pre's bin (-0.25, 0] (a single spike)",
          arch ? "residual" : "plain", nl - 1);
    gl_free(n);
  }
  /* zeros on the whole balanced spiral: phi's output is the same for every
   * example, the logits too, and the two classes' errors cancel: no gradient
   * at all, ever */
  {
    gl_net *n = make("depth=8 width=16 act=sigmoid init=zeros data=spiral points=64", GL_ARCH_PLAIN);
    if (!n) return;
    gl_step(n, 30);
    gl_measure(n);
    double most = 0;
    for (int l = 0; l < n->n_layers; l++) most = fmax(most, gl_record_field(n, GL_GRAD_NORM)[l]);
    CHECK(most == 0 && fabs(gl_record_loss(n) - log(2.0)) < 1e-6,
          "plain sigmoid init=zeros, full batch of the balanced spiral, 30 steps: every grad_norm "
          "%g, loss %.6f = ln 2: nothing moves", most, gl_record_loss(n));
    gl_free(n);
  }
  /* after training: units stay identical (zeros and constant, dense and conv, with batch norm) */
  static const char *texts[] = {
      "depth=8 width=16 block=2 act=sigmoid init=zeros optimizer=sgd lr=1 data=spiral points=64 batch=16",
      "depth=8 width=16 block=1 act=tanh init=constant:0.3 optimizer=momentum lr=0.1 data=spiral points=64 batch=16",
      "depth=6 width=12 act=relu init=constant init_value=0.2 optimizer=adam lr=0.01 data=circles points=64",
      "depth=6 width=12 act=tanh init=constant:-0.25 norm=batch optimizer=sgd lr=0.3 data=spiral points=64",
  };
  for (int k = 0; k < 4; k++)
    for (int arch = 0; arch < 2; arch++) {
      gl_net *n = make(texts[k], arch);
      if (!n) return;
      gl_step(n, 30);
      gl_measure(n);
      const int nl = n->n_layers;
      int cols = 1, unit = 1, moved = 0;
      double act_std = 0;
      for (int l = 0; l < nl - 1; l++) {
        cols &= columns_equal(n, l);
        unit &= gl_record_field(n, GL_ACT_UNIT_STD)[l] == 0;
        act_std = fmax(act_std, gl_record_field(n, GL_ACT_STD)[l]);
      }
      for (size_t i = 0; i < n->n_params; i++) moved |= n->params[i] != 0 && n->params[i] != n->params[0];
      CHECK(cols && unit && rows_equal(n, nl - 1) && moved && gl_status(n) == GL_STATUS_OK,
            "%s %s, 30 steps: every hidden unit's incoming weights identical (W's rows constant), "
            "Lin_out's rows identical, act_unit_std = 0 in layers 1..%d (act_std, over the whole "
            "batch, up to %.3g)", arch ? "residual" : "plain", texts[k], nl - 1, act_std);
      gl_free(n);
    }
  /* a random start is not symmetric: the statistic is not 0 by construction */
  gl_net *n = make("depth=8 width=16 act=tanh data=spiral points=64", GL_ARCH_PLAIN);
  if (!n) return;
  gl_measure(n);
  double least = INFINITY;
  for (int l = 0; l < n->n_layers - 1; l++) least = fmin(least, gl_record_field(n, GL_ACT_UNIT_STD)[l]);
  CHECK(least > 0.05, "xavier (random) start: act_unit_std >= %.3f in every hidden layer", least);
  gl_free(n);
  /* conv: every channel the same */
  if (!train_bytes) return;
  for (int arch = 0; arch < 2; arch++) {
    gl_net *c = make_conv("model=conv data=digits blocks=2 channels=4 act=tanh init=constant:0.1 "
                          "batch=0 optimizer=sgd lr=0.5", arch, 32);
    if (!c) return;
    gl_step(c, 10);
    gl_measure(c);
    int cols = 1, unit = 1;
    for (int l = 0; l < c->n_layers - 1; l++) {
      cols &= columns_equal(c, l);
      unit &= gl_record_field(c, GL_ACT_UNIT_STD)[l] == 0;
    }
    CHECK(cols && unit, "conv %s init=constant:0.1, 10 steps: every output channel's kernel "
          "identical, act_unit_std (across channels, per pixel) = 0 in conv_1..conv_5",
          arch ? "residual" : "plain");
    gl_free(c);
  }
}

static unsigned char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc((size_t)n);
  *len = fread(b, 1, (size_t)n, f);
  fclose(f);
  return b;
}

/* gl_act_curve: phi and phi' from the step's kernels; phi' is below a tenth
 * of its peak exactly in gl_act_slow_region (away from the edges' rounding) */
static void test_act_curve(void) {
  printf("gl_act_curve: phi, phi' and the slow region\n");
  static const char *acts[] = {"sigmoid", "tanh", "relu", "leaky_relu", "gelu", "linear"};
  static const double peak[] = {0.25, 1, 1, 1, 1.1289, 1};
  enum { N = 161 };
  double phi[N], dphi[N];
  for (int a = 0; a < 6; a++) {
    char t[120];
    snprintf(t, sizeof t, "depth=4 width=4 act=%s points=16 batch=16", acts[a]);
    gl_net *n = make(t, GL_ARCH_PLAIN);
    if (!n) return;
    double lo, hi;
    gl_act_slow_region(n, &lo, &hi);
    CHECK(gl_act_curve(n, -8, 8, N, phi, dphi) == GL_OK, "%s: GL_OK", acts[a]);
    int bad = 0;
    double top = 0;
    for (int i = 0; i < N; i++) {
      const double z = -8 + 16.0 * i / (N - 1);
      if (dphi[i] > top) top = dphi[i];
      if (fabs(z - lo) < 1e-3 || fabs(z - hi) < 1e-3) continue;
      if ((dphi[i] < peak[a] / 10) != (z <= lo || z > hi)) bad++;
    }
    CHECK(bad == 0, "%s: phi' < peak/10 exactly where z <= %.4f or z > %.4f (%d samples disagree)", acts[a], lo, hi, bad);
    CHECK(top <= peak[a] * (1 + 1e-4) && top >= peak[a] * 0.97, "%s: largest phi' sampled %.5f, the engine's peak %.4f", acts[a], top, peak[a]);
    const int mid = N / 2; /* z = 0 */
    if (a == 0) CHECK(fabs(phi[mid] - 0.5) < 1e-7 && fabs(dphi[mid] - 0.25) < 1e-7 && phi[0] < 4e-4 && phi[N - 1] > 1 - 4e-4,
                      "sigmoid: phi(0) = %.7f, phi'(0) = %.7f, phi(-8) = %.2e", phi[mid], dphi[mid], phi[0]);
    if (a == 2) CHECK(phi[mid] == 0 && dphi[mid] == 0 && dphi[mid + 1] == 1 && phi[N - 1] == 8,
                      "relu: phi(0) = 0, phi'(0) = 0 (the left slope), phi'(0.1) = 1, phi(8) = 8");
    CHECK(gl_act_curve(n, -8, 8, 1, phi, dphi) == GL_EMISUSE && gl_act_curve(NULL, -8, 8, N, phi, dphi) == GL_EMISUSE &&
              gl_act_curve(n, 8, -8, N, phi, dphi) == GL_EMISUSE && gl_act_curve(n, -8, 8, N, NULL, dphi) == GL_EMISUSE,
          "%s: GL_EMISUSE for n < 2, NULL, z0 >= z1", acts[a]);
    gl_free(n);
  }
}

int main(int argc, char **argv) {
  quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
  train_bytes = read_all("web/data/digits-train.bin", &train_len);
  timed(test_log_bins);
  timed(test_uniform_bins);
  timed(test_layers);
  timed(test_off_and_api);
  timed(test_lesson_shares);
  timed(test_saturation);
  timed(test_symmetry);
  timed(test_act_curve);
  free(train_bytes);
  return report();
}
