/*
 * meanfield.c - the mean-field theory of a deep plain stack at
 * initialisation (Poole et al. 2016; Schoenholz, Gilmer, Ganguli and
 * Sohl-Dickstein 2017, "Deep Information Propagation"), so that a sweep over
 * the weight scale can draw the theory next to what the networks did.
 *
 * A wide plain stack with weights N(0, sigma_w^2 / fan_in) and biases
 * N(0, sigma_b^2) has, at every layer, Gaussian pre-activations whose second
 * moment q follows the
 *
 *   length map        q_{l+1} = sigma_w^2 E_z[phi(sqrt(q_l) z)^2] + sigma_b^2,   z ~ N(0, 1)
 *
 * to a stable fixed point q*.  There a back-propagated gradient's square is
 * multiplied, in expectation, by
 *
 *   chi = sigma_w^2 E_z[phi'(sqrt(q*) z)^2]                  (the paper's chi_1)
 *
 * per layer: chi < 1 vanishes (the ordered phase), chi > 1 explodes (the
 * chaotic phase), chi = 1 is the edge of chaos.  The correlation c of two
 * inputs' pre-activations follows the
 *
 *   correlation map   c_{l+1} = (sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2) / q*,
 *                     u1 = sqrt(q*) z1,  u2 = sqrt(q*) (c z1 + sqrt(1 - c^2) z2)
 *
 * whose slope chi_c = sigma_w^2 E[phi'(u1) phi'(u2)] at its stable fixed point
 * c* sets how fast two inputs become indistinguishable (c* = 1, chi_c = chi in
 * the ordered phase; c* < 1 in the chaotic one).  The depth scales are
 *
 *   xi   = -1 / ln chi     layers over which the gradient's square falls by e
 *   xi_c = -1 / ln chi_c   the paper's correlation depth: a plain stack deeper
 *                          than about 6 xi_c does not train (their Figure 5/6)
 *
 * both infinite at the edge of chaos.  With sigma_b = 0 (GradLab's biases
 * start at 0) and an odd phi (tanh), q* = 0 in the whole ordered phase: the
 * signal itself shrinks by sigma_w^2 per layer, chi = sigma_w^2 phi'(0)^2,
 * and the chaotic phase has c* = 0.
 *
 * Expectations over N(0, 1) use the midpoint rule on z,
 *   E_z[f(z)] = sum_k w_k f(z_k) / sum_k w_k,   z_k = +-(k + 1/2) h,  w_k = e^{-z_k^2/2},
 * over |z| < 12, summed in mirror pairs (f(z_k) + f(-z_k)).  For a Gaussian
 * times a function analytic in the strip |Im z| < d its error falls like
 * e^{-2 pi d / h} (Trefethen & Weideman 2014, "The exponentially convergent
 * trapezoidal rule"); phi(sqrt(q) z) has d = pi / (2 sqrt(q)) for tanh, so
 * h = 0.3 / sqrt(q) keeps it below 1e-13.  No node sits at 0, so relu's kink
 * there splits the mass exactly in half.  (Gauss-Hermite, the textbook rule
 * for this weight, converges only like e^{-c d sqrt(n)}: 80 nodes were off by
 * 3e-5 for tanh at q* = 4 and 3e-3 at q* = 12, measured against this rule.)
 * Written in double with libm's functions: this is theory, not the engine's
 * float32 arithmetic.
 */
#include <math.h>
#include <string.h>

#include "gradlab.h"

#define MF_Z_MAX 12.0  /* the rule's half-width: e^{-72} of the mass lies beyond */
#define MF_K_MAX 4000  /* nodes per half-line at most (q above 2.5e4 is not resolved further) */
#define MF_Q_MIN 1e-30
#define MF_Q_MAX 1e250 /* no fixed point below this: q* is infinite */

typedef enum { MF_SIGMOID, MF_TANH, MF_RELU, MF_LEAKY_RELU, MF_LINEAR, MF_GELU } mf_act;

/* phi and phi' in double, the definitions of elementwise.c (leaky slope 0.01,
 * gelu's tanh form) with libm's functions */
static double phi(mf_act a, double x) {
  switch (a) {
  case MF_SIGMOID: return 1.0 / (1.0 + exp(-x));
  case MF_TANH: return tanh(x);
  case MF_RELU: return x > 0 ? x : 0;
  case MF_LEAKY_RELU: return x > 0 ? x : 0.01 * x;
  case MF_LINEAR: return x;
  case MF_GELU: return 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
  }
  return 0;
}

static double dphi(mf_act a, double x) {
  switch (a) {
  case MF_SIGMOID: {
    const double s = 1.0 / (1.0 + exp(-x));
    return s * (1 - s);
  }
  case MF_TANH: {
    const double t = tanh(x);
    return 1 - t * t;
  }
  case MF_RELU: return x > 0 ? 1 : 0;
  case MF_LEAKY_RELU: return x > 0 ? 1 : 0.01;
  case MF_LINEAR: return 1;
  case MF_GELU: {
    const double k = 0.7978845608028654, c = 0.044715;
    const double t = tanh(k * (x + c * x * x * x));
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * c * x * x);
  }
  }
  return 0;
}

static int act_of(const char *name, mf_act *a) {
  static const char *NAMES[] = {"sigmoid", "tanh", "relu", "leaky_relu", "linear", "gelu"};
  for (int i = 0; i < 6; i++)
    if (name && !strcmp(name, NAMES[i])) {
      *a = (mf_act)i;
      return 1;
    }
  return 0;
}

typedef struct {
  mf_act act;
  double sw2, sb2; /* sigma_w^2, sigma_b^2 */
} mf_ctx;

/* The rule's step for phi(sqrt(q) z): h = 0.3/sqrt(q), at most 0.1; relu,
 * leaky relu and linear (straight lines on each side of 0) need no more
 * than 0.1 at any q. */
static int rule_nodes(const mf_ctx *m, double q, double *h) {
  const int straight = m->act == MF_RELU || m->act == MF_LEAKY_RELU || m->act == MF_LINEAR;
  double step = straight ? 0.1 : fmin(0.1, 0.3 / sqrt(q));
  int k = (int)ceil(MF_Z_MAX / step);
  if (k > MF_K_MAX) k = MF_K_MAX;
  *h = MF_Z_MAX / k;
  return k;
}

/* E_z[phi(sqrt(q) z)^2] (what = 0) or E_z[phi'(sqrt(q) z)^2] (what = 1) */
static double expect_1d(const mf_ctx *m, double q, int what) {
  double h;
  const int k = rule_nodes(m, q, &h);
  const double s = sqrt(q);
  double sum = 0, wsum = 0;
  for (int i = 0; i < k; i++) {
    const double z = (i + 0.5) * h, w = exp(-0.5 * z * z);
    double a, b;
    if (what == 0) a = phi(m->act, s * z), b = phi(m->act, -s * z);
    else a = dphi(m->act, s * z), b = dphi(m->act, -s * z);
    sum += w * (a * a + b * b);
    wsum += 2 * w;
  }
  return sum / wsum;
}

/* h(q) = sigma_w^2 E[phi(sqrt(q) z)^2] + sigma_b^2 - q: the length map's step */
static double length_gap(const mf_ctx *m, double q) {
  return m->sw2 * expect_1d(m, q, 0) + m->sb2 - q;
}

/* E[f(u1) f(u2)] with u1 = sqrt(q) z1, u2 = sqrt(q) (c z1 + sqrt(1-c^2) z2),
 * f = phi (what = 0) or phi' (what = 1): the 1-D rule in z1 times the 1-D
 * rule in z2, each in mirror pairs. */
static double expect_2d(const mf_ctx *m, double q, double c, int what) {
  double h;
  const int k = rule_nodes(m, q, &h);
  const double s = sqrt(q), sc = sqrt(fmax(0, 1 - c * c));
  double sum = 0, wsum = 0;
  for (int i = 0; i < k; i++)
    for (int sign = -1; sign <= 1; sign += 2) {
      const double z1 = sign * (i + 0.5) * h, w1 = exp(-0.5 * z1 * z1);
      const double f1 = what ? dphi(m->act, s * z1) : phi(m->act, s * z1);
      double inner = 0, iw = 0;
      for (int j = 0; j < k; j++) {
        const double z2 = (j + 0.5) * h, w2 = exp(-0.5 * z2 * z2);
        const double a = s * (c * z1 + sc * z2), b = s * (c * z1 - sc * z2);
        inner += w2 * (what ? dphi(m->act, a) + dphi(m->act, b) : phi(m->act, a) + phi(m->act, b));
        iw += 2 * w2;
      }
      sum += w1 * f1 * (inner / iw);
      wsum += w1;
    }
  return sum / wsum;
}

/* The length map's stable fixed point: 0 when h < 0 just above 0 (the map
 * shrinks every small q), else the first q where h turns from + to -, found
 * on a geometric scan (factor 10 from MF_Q_MIN) and refined by bisection;
 * INFINITY when h stays positive up to MF_Q_MAX (relu above sigma_w^2 = 2). */
static double fixed_point_q(const mf_ctx *m) {
  double lo = MF_Q_MIN;
  if (length_gap(m, lo) <= 0) return 0;
  double hi = lo * 10;
  while (length_gap(m, hi) > 0) {
    lo = hi;
    hi *= 10;
    if (hi > MF_Q_MAX) return INFINITY;
  }
  for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
    const double mid = 0.5 * (lo + hi);
    if (length_gap(m, mid) > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

int gl_meanfield_compute(const char *act, double sigma_w, double sigma_b, gl_meanfield *out) {
  if (!out) return GL_EMISUSE;
  memset(out, 0, sizeof *out);
  mf_ctx m;
  if (!act_of(act, &m.act)) return GL_EINVAL;
  if (!(sigma_w > 0) || !isfinite(sigma_w) || !(sigma_b >= 0) || !isfinite(sigma_b))
    return GL_EINVAL;
  m.sw2 = sigma_w * sigma_w;
  m.sb2 = sigma_b * sigma_b;

  const double q = fixed_point_q(&m);
  out->sigma_w = sigma_w;
  out->q_star = q;
  /* chi at q*; at q* = 0 its limit from above (phi'(0)^2 for a smooth phi,
   * 1/2 for relu's two halves), at q* = infinity its limit for large q */
  const double q_eval = q == 0 ? 1e-300 : isinf(q) ? MF_Q_MAX : q;
  out->chi = m.sw2 * expect_1d(&m, q_eval, 1);

  /* the correlation map's stable fixed point and slope */
  if (isinf(q)) {
    out->c_star = NAN; /* the signal grows without bound: no fixed point to linearise at */
    out->chi_c = NAN;
  } else if (out->chi <= 1 || q == 0) {
    out->c_star = 1; /* ordered: inputs' correlations converge to 1, at rate chi */
    out->chi_c = out->chi;
  } else {
    /* chaotic: c* in [0, 1), where g(c) = f(c) - c turns from + to -.
     * g(0) = (sigma_w^2 E[phi(sqrt(q*) z)]^2 + sigma_b^2) / q* >= 0, and
     * g(1 - d) ~ d (1 - chi) < 0 just below 1 (c = 1 is unstable) */
    const double top = 1 - 1e-9;
    double lo = 0, hi = top;
    /* f(c) over f(1) under the same rule, so that f(1) = 1 exactly */
    const double f1 = m.sw2 * expect_2d(&m, q, 1, 0) + m.sb2;
#define CORR_GAP(c) ((m.sw2 * expect_2d(&m, q, (c), 0) + m.sb2) / f1 - (c))
    if (CORR_GAP(0.0) <= 0) {
      hi = 0; /* c* = 0: an odd phi with sigma_b = 0 maps c = 0 to itself */
    } else if (CORR_GAP(top) >= 0) {
      lo = hi = 1; /* too near the edge to resolve: c* = 1 */
    } else {
      for (int it = 0; it < 60 && hi - lo > 1e-13; it++) {
        const double mid = 0.5 * (lo + hi);
        if (CORR_GAP(mid) > 0) lo = mid;
        else hi = mid;
      }
    }
#undef CORR_GAP
    out->c_star = hi == 0 ? 0 : 0.5 * (lo + hi);
    out->chi_c = out->c_star == 1 ? out->chi : m.sw2 * expect_2d(&m, q, out->c_star, 1);
  }
  /* the depth scales: infinite (INFINITY) at chi >= 1 */
  out->xi = out->chi > 0 && out->chi < 1 ? -1 / log(out->chi) : INFINITY;
  out->xi_c = out->chi_c > 0 && out->chi_c < 1 ? -1 / log(out->chi_c) : isnan(out->chi_c) ? NAN : INFINITY;
  return GL_OK;
}
