/*
 * hist.c - what the values inside a layer look like, beyond their mean and
 * std: per layer, exact counts of four histograms on fixed bins, and the
 * spread of an activation across the layer's units (act_unit_std).
 *
 * The four histograms of a record (every layer, the step's training batch,
 * the same values the other statistics of the record see):
 *
 *   hist_pre    z, the input of the phi that consumes the layer's output
 *               (after the normalisation, where there is one: the values the
 *               saturation counts); the output layer, which has no phi: its
 *               logits.  Bins 0.25 wide over (-8, 8].
 *   hist_act    phi(z).  Bounded activations (sigmoid (0, 1], tanh (-1, 1]):
 *               40 bins over that range; the others (relu, leaky_relu, linear,
 *               gelu): hist_pre's bins.  The output layer: all zero (no phi).
 *   hist_grad   log10 |dL/dh| of the gradient back-propagated to the layer's
 *               output h (the values act_grad_norm sums), half-decade bins
 *               over (-46, 6].
 *   hist_wgrad  log10 |dL/dW| of the weight gradient's elements (not the
 *               bias, gamma or beta; before clipping, as grad_norm), the same
 *               bins.
 * A conv layer counts every element of its map (images x C x H x W); its
 * weight gradient is (9 c_in, c_out).
 *
 * Bins.  A histogram with E edges e_0 < ... < e_{E-1} has E + 1 counts:
 *   count 0     v <= e_0                 ("below"; for hist_grad/wgrad: |g| <=
 *                                         10^-46, which in float32 is exactly 0,
 *                                         the gradient lost to underflow)
 *   count i     e_{i-1} < v <= e_i       (1 <= i <= E - 1)
 *   count E     v > e_{E-1}              ("above")
 * Every bin is right-closed, (a, b], so that relu's slow region z <= 0 (its
 * phi'(0) is 0) is a union of whole bins and its saturation is exactly the
 * mass of the bins at or below 0.  The log bins compare |g| itself with
 * 10^(k/2), never a rounded log10.  A NaN counts as above, in every
 * histogram (a record holds none: a step with one diverges and records
 * nothing), +-inf as above/below (|inf| above).
 *
 * The double build (gradient checks) bins the uniform histograms in double
 * and the log ones on |g| rounded to float32.
 */
#include <math.h>
#include <string.h>

#include "gl_internal.h"

/* ---- the bins ---- */

/* Uniform bins of width 1/M starting at -OFF/M: value v is in count
 * ceil(v M) + OFF, clamped to [0, E].  hist_pre: M = 4, OFF = 32, E = 65
 * edges -8, -7.75, ..., 8. */
#define PRE_M 4
#define PRE_OFF 32
#define PRE_EDGES 65
#define ACT_BOUNDED_EDGES 41 /* 40 bins: sigmoid M = 40, OFF = 0; tanh M = 20, OFF = 20 */
/* Log bins: edges 10^(k/2) for k = LOG_K0 .. LOG_K1, i.e. log10 edges -46, -45.5, ..., 6. */
#define LOG_K0 (-92)
#define LOG_K1 12
#define LOG_EDGES (LOG_K1 - LOG_K0 + 1) /* 105 */

/* LOG_THR[k - LOG_K0] = the largest float32 <= 10^(k/2), as its bits.  A
 * float |g| is above the edge 10^(k/2) exactly when |g| > LOG_THR (if the
 * power is itself a float, the two are equal; otherwise no float lies
 * between them), and for non-negative floats the bits order as the values
 * do, so the comparison is an integer one.  Computed exactly (rational
 * arithmetic on 80-digit decimal powers, a bisection over the float32 bit
 * patterns); tests/c/test_engine.c checks every entry against powl.  The
 * first three are 0: 10^-46, 10^-45.5 and 10^-45 are below float32's
 * smallest denormal number (1.4e-45). */
static const uint32_t LOG_THR[LOG_EDGES] = {
    0x00000000, 0x00000000, 0x00000000, 0x00000002, 0x00000007, 0x00000016, 0x00000047,
    0x000000e1, 0x000002c9, 0x000008d0, 0x00001be0, 0x00005826, 0x000116c2, 0x00037183,
    0x000ae397, 0x00226f24, 0x006ce3ee, 0x012c2bb7, 0x02081cea, 0x02d736a5, 0x03aa2424,
    0x04868227, 0x0554ad2d, 0x062822b1, 0x0704ec3c, 0x07d22b5d, 0x08a6274b, 0x09835b1a,
    0x0a4fb11e, 0x0b2431e1, 0x0c01ceb3, 0x0ccd3e59, 0x0da2425f, 0x0e8046f7, 0x0f4ad2f7,
    0x102058b5, 0x10fd87b5, 0x11c86ee3, 0x129e74d1, 0x137a8a9c, 0x14461206, 0x151c96a1,
    0x15f79687, 0x16c3bc4a, 0x179abe14, 0x1874ab5c, 0x19416d9a, 0x1a18eb19, 0x1af1c900,
    0x1bbf25e0, 0x1c971da0, 0x1d6eef58, 0x1e3ce508, 0x1f155597, 0x1fec1e4a, 0x20baaafd,
    0x219392ee, 0x226955bc, 0x233877aa, 0x2411d595, 0x24e69594, 0x25b64afb, 0x26901d7c,
    0x2763ddba, 0x283424dc, 0x290e6a94, 0x29e12e13, 0x2ab20539, 0x2b8cbccc, 0x2c5e8687,
    0x2d2febff, 0x2e0b1414, 0x2edbe6fe, 0x2fadd919, 0x3089705f, 0x31594f60, 0x322bcc77,
    0x3307d19c, 0x33d6bf94, 0x34a9c603, 0x358637bd, 0x36543784, 0x3727c5ac, 0x3804a2b2,
    0x38d1b717, 0x39a5cb5f, 0x3a83126e, 0x3b4f3e37, 0x3c23d70a, 0x3d0186e2, 0x3dcccccc,
    0x3ea1e89b, 0x3f800000, 0x404a62c1, 0x41200000, 0x41fcfb72, 0x42c80000, 0x439e1d27,
    0x447a0000, 0x4545a471, 0x461c4000, 0x46f70d8d, 0x47c35000, 0x489a6878, 0x49742400,
};

const uint32_t *gl_hist_log_thresholds(void) { return LOG_THR; }

/* The uniform bins of hist_act: M and OFF per activation (0 M: hist_pre's). */
static void act_bins(int act, int *m, int *off) {
  switch (act) {
  case ACT_SIGMOID: *m = 40; *off = 0; return;  /* (0, 1]: phi(z) in (k/40 - 1/40, k/40] */
  case ACT_TANH: *m = 20; *off = 20; return;    /* (-1, 1]: 40 bins of 0.05 */
  default: *m = PRE_M; *off = PRE_OFF; return;
  }
}

void gl_hist_size(gl_net *n) {
  gl_hists *h = &n->hist;
  int m, off;
  act_bins(n->s.act, &m, &off);
  h->on = n->s.hist;
  h->bins[GL_HIST_PRE] = PRE_EDGES + 1;
  h->bins[GL_HIST_ACT] = (m == PRE_M ? PRE_EDGES : ACT_BOUNDED_EDGES) + 1;
  h->bins[GL_HIST_GRAD] = h->bins[GL_HIST_WGRAD] = LOG_EDGES + 1;
  size_t at = 0, e = 0;
  for (int k = 0; k < GL_N_HISTS; k++) {
    h->at[k] = at;
    h->edge_at[k] = e;
    at += (size_t)n->n_layers * h->bins[k];
    e += (size_t)h->bins[k] - 1;
  }
  h->total = at;
  h->n_edges = e;
}

/* The edges (for the readers) and the log bins' table, into the carved arrays.
 * Per float32 exponent e = 1..254 the binade [2^(e-127), 2^(e-126)) spans
 * log10(2) = 0.3 decades, less than a bin, so it holds at most one
 * threshold: a value u in it is in count base[e] + (u > inside[e]), with
 * base[e] = the count of the binade's lowest value and inside[e] the
 * threshold in the binade (or UINT32_MAX, above every u).  The exponent 0
 * (zero and the denormal numbers, below 1.2e-38) spans seven decades and
 * takes a short loop instead; 255 (inf, NaN) is above. */
void gl_hist_init(gl_net *n) {
  gl_hists *h = &n->hist;
  int m, off;
  act_bins(n->s.act, &m, &off);
  double *pre = h->edges + h->edge_at[GL_HIST_PRE], *ac = h->edges + h->edge_at[GL_HIST_ACT];
  for (int i = 0; i < PRE_EDGES; i++) pre[i] = (double)(i - PRE_OFF) / PRE_M;
  for (int i = 0; i < h->bins[GL_HIST_ACT] - 1; i++) ac[i] = (double)(i - off) / m;
  for (int k = GL_HIST_GRAD; k <= GL_HIST_WGRAD; k++)
    for (int i = 0; i < LOG_EDGES; i++) h->edges[h->edge_at[k] + i] = (LOG_K0 + i) / 2.0;
  for (uint32_t e = 0; e < 256; e++) {
    const uint32_t lo = e << 23;
    uint32_t base = 0, inside = UINT32_MAX;
    for (int k = 0; k < LOG_EDGES; k++) {
      if (lo > LOG_THR[k]) base++;
      else if (e < 255 && LOG_THR[k] < lo + (1u << 23) && inside == UINT32_MAX) inside = LOG_THR[k];
    }
    h->log_tab[e] = (uint64_t)base << 32 | (e == 0 || e == 255 ? UINT32_MAX : inside);
  }
}

/* ---- counting ---- */

/* Consecutive values often fall in one bin; four copies of the counts, value
 * i adding into copy i % 4, keep the increments of neighbours independent
 * (one copy's increment waits for the last store into it), added up at the
 * end.  CHUNK values' bins are worked out first, in a loop the compiler can
 * vectorise, then counted. */
enum { COPIES = 4, CHUNK = 256, MAXB = LOG_EDGES + 1 };

static void tally(uint32_t (*c)[MAXB], const int32_t *idx, size_t m) {
  size_t i = 0;
  for (; i + COPIES <= m; i += COPIES) {
    c[0][idx[i]]++;
    c[1][idx[i + 1]]++;
    c[2][idx[i + 2]]++;
    c[3][idx[i + 3]]++;
  }
  for (; i < m; i++) c[0][idx[i]]++;
}

static void clear_copies(uint32_t (*c)[MAXB], int nb) {
  for (int k = 0; k < COPIES; k++) memset(c[k], 0, sizeof(uint32_t) * (size_t)nb);
}

static void add_copies(uint32_t *counts, uint32_t (*c)[MAXB], int nb) {
  for (int b = 0; b < nb; b++) counts[b] = c[0][b] + c[1][b] + c[2][b] + c[3][b];
}

/* Uniform right-closed bins of width 1/m: v counts in ceil(v m) + off,
 * clamped to [0, nb - 1] (below and above), with m = 4 (hist_pre), 20 (tanh)
 * or 40 (sigmoid), the bin of the real number v m, not of a rounded product:
 *   v m = a + b, a = v p1, b = v p2 with p1 >= p2 powers of two (4 = 2 + 2,
 *   20 = 16 + 4, 40 = 32 + 8), each product exact; t = a + b rounds, and
 *   err = b - (t - a) is exactly what it dropped (Fast2Sum, |a| >= |b|), so
 *   t + err = v m.  ceil(v m) = ceil(t) unless t is an integer (an integer
 *   between t and v m would be nearer to v m than t is), and then it is t
 *   when err <= 0, t + 1 when err > 0.
 * ceil(t) is trunc(t) + (t above it); t is first clamped to [-off - 1,
 * nb - off] so the conversion cannot overflow (a NaN fails the first
 * comparison and goes above), then the count to [0, nb - 1].  All in v's
 * type, lane by lane: the compilers vectorise it. */
static void count_uniform(uint32_t *counts, const gl_real *v, size_t n, int m, int off, int nb) {
  uint32_t c[COPIES][MAXB];
  clear_copies(c, nb);
  int32_t idx[CHUNK];
  const int q = m % 5 ? 0 : m / 5; /* m = 4q + q, or a power of two: m/2 + m/2 */
  const gl_real p1 = (gl_real)(q ? 4 * q : m / 2), p2 = (gl_real)(q ? q : m / 2);
  const gl_real lo = (gl_real)(-off - 1), hi = (gl_real)(nb - off);
  for (size_t i0 = 0; i0 < n; i0 += CHUNK) {
    const size_t len = n - i0 < CHUNK ? n - i0 : CHUNK;
    const gl_real *x = v + i0;
    for (size_t i = 0; i < len; i++) {
      const gl_real a = x[i] * p1, b = x[i] * p2, t = a + b, err = b - (t - a);
      gl_real tc = t < hi ? t : hi; /* a NaN fails this comparison and goes above */
      tc = tc > lo ? tc : lo;
      const int32_t k = (int32_t)tc;
      int32_t j = k + ((gl_real)k < tc) + (((gl_real)k == tc) & (err > 0)) + off;
      j = j > 0 ? j : 0;
      idx[i] = j < nb - 1 ? j : nb - 1;
    }
    tally(c, idx, len);
  }
  add_copies(counts, c, nb);
}

/* The count of |g| on the log bins: the number of thresholds it is above.
 * tab[e] = base << 32 | inside, one load per value. */
static inline int32_t log_bin(const uint64_t *tab, uint32_t u) {
  const uint32_t e = u >> 23;
  if (e) return (int32_t)((tab[e] >> 32) + (u > (uint32_t)tab[e]));
  int32_t b = 0; /* zero or denormal */
  while (b < LOG_EDGES && u > LOG_THR[b]) b++;
  return b;
}

/* |g| as its float32 bits, the sign bit off (the double build: rounded to float32) */
static inline uint32_t abs_bits(gl_real g) {
  const float f = (float)g;
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u & 0x7fffffffu;
}

/* The table lookups are scalar anyway: each bin is counted as it is found. */
static void count_log(uint32_t *counts, const gl_real *v, size_t n, const uint64_t *tab) {
  uint32_t c[COPIES][MAXB];
  clear_copies(c, LOG_EDGES + 1);
  size_t i = 0;
  for (; i + COPIES <= n; i += COPIES) {
    c[0][log_bin(tab, abs_bits(v[i]))]++;
    c[1][log_bin(tab, abs_bits(v[i + 1]))]++;
    c[2][log_bin(tab, abs_bits(v[i + 2]))]++;
    c[3][log_bin(tab, abs_bits(v[i + 3]))]++;
  }
  for (; i < n; i++) c[0][log_bin(tab, abs_bits(v[i]))]++;
  add_copies(counts, c, LOG_EDGES + 1);
}

/* Histogram `which` of net n over v[0..count): its gl_hist_bins counts into out. */
void gl_hist_count(const gl_net *n, int which, const gl_real *v, size_t count, uint32_t *out) {
  const gl_hists *h = &n->hist;
  int m = PRE_M, off = PRE_OFF;
  switch (which) {
  case GL_HIST_ACT: act_bins(n->s.act, &m, &off); /* fallthrough */
  case GL_HIST_PRE: count_uniform(out, v, count, m, off, h->bins[which]); break;
  default: count_log(out, v, count, h->log_tab); break;
  }
}

/* Layer l's four histograms from the batch of `rows` rows just
 * back-propagated (stats.c's measure_layer, on the thread that has layer l). */
void gl_hist_layer(gl_net *n, int l, int rows) {
  gl_hists *h = &n->hist;
  if (l == 0) h->rec_on = h->on; /* one writer: the thread that has layer 0 */
  const gl_layer *L = &n->layers[l];
  uint32_t *c[GL_N_HISTS];
  for (int k = 0; k < GL_N_HISTS; k++) c[k] = h->counts + h->at[k] + (size_t)l * h->bins[k];
  if (!h->on) return; /* every count is 0 already: zeroed at create, and when switched off */
  const gl_buf *z = &n->bufs[L->act_pre >= 0 ? L->act_pre : L->out_buf]; /* the logits: no phi */
  gl_hist_count(n, GL_HIST_PRE, z->v, (size_t)rows * z->n, c[GL_HIST_PRE]);
  if (L->act_post >= 0) {
    const gl_buf *a = &n->bufs[L->act_post];
    gl_hist_count(n, GL_HIST_ACT, a->v, (size_t)rows * a->n, c[GL_HIST_ACT]);
  } else {
    memset(c[GL_HIST_ACT], 0, sizeof(uint32_t) * h->bins[GL_HIST_ACT]);
  }
  const gl_buf *o = &n->bufs[L->out_buf];
  gl_hist_count(n, GL_HIST_GRAD, o->g, (size_t)rows * o->n, c[GL_HIST_GRAD]);
  gl_hist_count(n, GL_HIST_WGRAD, n->grads + L->w_off, (size_t)L->in * L->out, c[GL_HIST_WGRAD]);
}

/* ---- the spread across units ---- */

/* act_unit_std of layer l: the activation the record's act_mean/act_std
 * describe (phi's output; the logits for the output layer), per example the
 * population standard deviation across the layer's units (a conv map: across
 * its C channels, at each pixel), averaged over the examples (and pixels):
 *   (1/(rows S)) sum_{r, p} sqrt( (1/C) sum_c (a_rcp - abar_rp)^2 ).
 * It is 0 exactly when every unit computes the same number for every example
 * (a symmetric initialisation: init=zeros or constant), however much the
 * examples differ, which act_std (over every value of the batch) mixes in.
 * The deviations are taken from the first unit's value (d = a_c - a_0), so
 * identical units give d = 0 and a standard deviation of exactly 0. */
typedef double vd8 __attribute__((vector_size(8 * sizeof(double)), aligned(sizeof(double))));
typedef gl_real vr8 __attribute__((vector_size(8 * sizeof(gl_real)), aligned(sizeof(gl_real))));

/* The 8 lanes added as a tree, (0+4 + 2+6) + (1+5 + 3+7): a fixed order (the
 * same bits in every build) three additions deep instead of eight. */
static inline double hsum8(vd8 a) {
  typedef double vd4 __attribute__((vector_size(4 * sizeof(double))));
  typedef double vd2 __attribute__((vector_size(2 * sizeof(double))));
  const vd4 b = __builtin_shufflevector(a, a, 0, 1, 2, 3) + __builtin_shufflevector(a, a, 4, 5, 6, 7);
  const vd2 c = __builtin_shufflevector(b, b, 0, 1) + __builtin_shufflevector(b, b, 2, 3);
  return c[0] + c[1];
}

/* n times the population variance of v[0..n), the squared deviations from
 * their mean summed: s2 - s1^2 / n with s1, s2 the sums of d = v - v[0] and
 * d^2 in double (8 lanes for a wide row: lane k takes values k, k + 8, ...,
 * the lanes added as a tree at the end: the same bits in every build), so
 * identical values give exactly 0 and an exploding layer's 1e20s do not
 * overflow. */
static double row_ss(const gl_real *v, int n) {
  double s1 = 0, s2 = 0;
  int i = 1; /* v[0]'s own d is 0 */
  if (n >= 16) {
    const vd8 c = (double)v[0] - (vd8){0}; /* v[0] - 0 is v[0]: a broadcast */
    vd8 a1 = {0}, a2 = {0};
    for (i = 0; i + 8 <= n; i += 8) {
      vr8 u;
      memcpy(&u, v + i, sizeof u);
      const vd8 d = __builtin_convertvector(u, vd8) - c;
      a1 += d;
      a2 += d * d;
    }
    s1 = hsum8(a1);
    s2 = hsum8(a2);
  }
  for (; i < n; i++) { /* a narrow row, or a wide one's last values */
    const double d = (double)v[i] - v[0];
    s1 += d;
    s2 += d * d;
  }
  const double ss = s2 - s1 * s1 / n;
  return ss > 0 ? ss : 0;
}

/* act_unit_std of layer l: the activation the record's act_mean/act_std
 * describe (phi's output; the logits for the output layer), per example the
 * population variance across the layer's units (a conv map: across its C
 * channels, at each pixel), averaged over the examples (and pixels), and the
 * root of that mean:
 *   sqrt( (1/(rows S)) sum_{r, p} (1/C) sum_c (a_rcp - abar_rp)^2 ).
 * It is 0 exactly when every unit computes the same number for every example
 * (a symmetric initialisation: init=zeros or constant), however much the
 * examples differ, which act_std (over every value of the batch) mixes in.
 * The deviations are taken from the first unit's value (d = a_c - a_0), so
 * identical units give d = 0 and a variance of exactly 0.  One root per
 * layer, not per example: in a deep, narrow net (1,000 layers of 2 units)
 * recorded every step, one root and one lane reduction per row took 13.5% of
 * the time; now about 5%. */
double gl_act_unit_std(const gl_net *n, int l, int rows) {
  const gl_layer *L = &n->layers[l];
  const gl_buf *a = &n->bufs[L->act_post >= 0 ? L->act_post : L->out_buf];
  const int F = a->n;
  const int C = L->k2 == 9 && L->act_post >= 0 ? n->s.channels : F, S = F / C;
  double total = 0;
  if (S == 1) { /* a dense layer: each row's F units side by side */
    for (int r = 0; r < rows; r++) total += row_ss(a->v + (size_t)r * F, F);
    return sqrt(total / ((double)rows * F));
  }
  enum { P = 64 };
  for (int r = 0; r < rows; r++) {
    const gl_real *row = a->v + (size_t)r * F;
    for (int p0 = 0; p0 < S; p0 += P) { /* P pixels at a time, their channels in turn */
      const int np = S - p0 < P ? S - p0 : P;
      double s1[P], s2[P];
      const gl_real *first = row + p0;
      for (int p = 0; p < np; p++) s1[p] = s2[p] = 0;
      for (int ch = 1; ch < C; ch++) {
        const gl_real *u = row + (size_t)ch * S + p0;
        for (int p = 0; p < np; p++) {
          const double d = (double)u[p] - first[p];
          s1[p] += d;
          s2[p] += d * d;
        }
      }
      for (int p = 0; p < np; p++) {
        const double ss = s2[p] - s1[p] * s1[p] / C;
        total += ss > 0 ? ss : 0;
      }
    }
  }
  return sqrt(total / ((double)rows * S * C));
}

/* ---- the public read side ---- */

static const char *HIST_NAMES[GL_N_HISTS] = {"hist_pre", "hist_act", "hist_grad", "hist_wgrad"};

const char *gl_hist_name(int which) {
  return which >= 0 && which < GL_N_HISTS ? HIST_NAMES[which] : NULL;
}

int gl_hist_bins(const gl_net *net, int which) {
  if (!net || which < 0 || which >= GL_N_HISTS) return 0;
  return net->hist.bins[which];
}

const double *gl_hist_edges(const gl_net *net, int which) {
  if (!net || which < 0 || which >= GL_N_HISTS) return NULL;
  return net->hist.edges + net->hist.edge_at[which];
}

const uint32_t *gl_record_hist(const gl_net *net, int which) {
  if (!net || which < 0 || which >= GL_N_HISTS) return NULL;
  return net->hist.counts + net->hist.at[which];
}

int gl_record_hist_on(const gl_net *net) { return net ? net->hist.rec_on : 0; }

int gl_record_hist_set(gl_net *net, int on) {
  if (!net) return GL_EMISUSE;
  gl_hists *h = &net->hist;
  if (h->on && !on) memset(h->counts, 0, sizeof(uint32_t) * h->total); /* the next records have none */
  h->on = on != 0;
  return gl_net_result(net, GL_OK);
}

/* phi'(z) of gelu (the engine's tanh form), in double */
static double gelu_slope_d(double z) {
  const double K = 0.7978845608028654, C = 0.044715;
  const double t = tanh(K * (z + C * z * z * z));
  return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * K * (1 + 3 * C * z * z);
}

/* Where phi'(z) < max phi' / 10 (the saturation's threshold):
 *   sigmoid  phi' = s(1 - s) < 1/40  <=>  |z| > 2 atanh(sqrt(0.9)) = 3.6369
 *   tanh     1 - t^2 < 1/10          <=>  |z| > atanh(sqrt(0.9))   = 1.8184
 *   relu, leaky_relu   phi' = 0 or 0.01 for z <= 0 (phi'(0) is the left slope)
 *   gelu     phi' < 0.11289 for z < -0.5327 (phi' is negative below -0.75, rises to
 *            1.1289 near 1.42 and falls back to 1; found by bisection)
 *   linear   nowhere. */
int gl_act_slow_region(const gl_net *net, double *lo, double *hi) {
  if (!net || !lo || !hi) return GL_EMISUSE;
  const double z_tanh = atanh(sqrt(0.9));
  *lo = -HUGE_VAL;
  *hi = HUGE_VAL;
  switch (net->s.act) {
  case ACT_SIGMOID: *lo = -2 * z_tanh; *hi = 2 * z_tanh; break;
  case ACT_TANH: *lo = -z_tanh; *hi = z_tanh; break;
  case ACT_RELU:
  case ACT_LEAKY_RELU: *lo = 0; break;
  case ACT_GELU: {
    const double thr = 0.1 * act_max_slope(ACT_GELU);
    double a = -1.5, b = 0; /* slope(a) < thr < slope(b) */
    for (int i = 0; i < 100; i++) {
      const double mid = 0.5 * (a + b);
      if (gelu_slope_d(mid) < thr) a = mid;
      else b = mid;
    }
    *lo = a;
    break;
  }
  default: break;
  }
  return GL_OK;
}

/* phi and phi' of the net's activation at n points evenly spread over
 * [z0, z1] (both ends included): the very kernels a step runs (act_forward,
 * act_backward with dL/dy = 1), in gl_real, a chunk at a time on the stack:
 * nothing allocated.  The curves the z histogram is drawn over. */
int gl_act_curve(const gl_net *net, double z0, double z1, int n, double *phi, double *dphi) {
  if (!net || !phi || !dphi || n < 2 || !(z0 < z1) || !isfinite(z0) || !isfinite(z1)) return GL_EMISUSE;
  enum { CHUNK = 64 };
  gl_real x[CHUNK], y[CHUNK], one[CHUNK], d[CHUNK];
  for (int k = 0; k < CHUNK; k++) one[k] = 1;
  for (int i0 = 0; i0 < n; i0 += CHUNK) {
    const int m = n - i0 < CHUNK ? n - i0 : CHUNK;
    for (int k = 0; k < m; k++) x[k] = (gl_real)(z0 + (z1 - z0) * (double)(i0 + k) / (double)(n - 1));
    act_forward(y, x, (size_t)m, net->s.act);
    act_backward(d, one, x, y, (size_t)m, net->s.act, 0);
    for (int k = 0; k < m; k++) {
      phi[i0 + k] = (double)y[k];
      dphi[i0 + k] = (double)d[k];
    }
  }
  return GL_OK;
}
