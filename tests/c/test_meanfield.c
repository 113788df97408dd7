/*
 * test_meanfield.c - the mean-field theory of meanfield.c (gl_meanfield_compute)
 * against values known in closed form and against an independent quadrature:
 *   - the homogeneous activations: relu chi = sigma_w^2 / 2, leaky relu
 *     sigma_w^2 (1 + 0.01^2) / 2, linear sigma_w^2, whatever q*; q* = 0 below
 *     their critical sigma_w, infinite above; with sigma_b > 0 the closed
 *     fixed points q* = sigma_b^2 / (1 - sigma_w^2 E[phi(z)^2]);
 *   - tanh with sigma_b = 0: q* = 0 and chi = sigma_w^2 in the ordered phase,
 *     chi = 1 at sigma_w = 1 (the edge of chaos), chi > 1 beyond it;
 *   - the paper's number: tanh with sigma_b^2 = 0.05 is critical at
 *     sigma_w^2 = 1.76 (Schoenholz et al. 2017, section 3);
 *   - tanh, sigmoid and gelu at weight scales where no closed form exists,
 *     against q*, chi and chi_c computed here by a 24001-point trapezoid rule
 *     and plain fixed-point iteration (a different rule and a different
 *     solver from the engine's Gauss-Hermite and bisection);
 *   - the depth scales xi = -1/ln chi, infinite at chi >= 1; bad arguments.
 */
#include <math.h>

#include "test_util.h"

typedef double (*fn)(double);
static double tanh_(double x) { return tanh(x); }
static double dtanh_(double x) { return 1 - tanh(x) * tanh(x); }
static double sigm_(double x) { return 1 / (1 + exp(-x)); }
static double dsigm_(double x) { return sigm_(x) * (1 - sigm_(x)); }
static double gelu_(double x) { return 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))); }
static double dgelu_(double x) {
  const double k = 0.7978845608028654, c = 0.044715, t = tanh(k * (x + c * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * c * x * x);
}

/* E_z[f(a z)^p] over N(0, 1) by the trapezoid rule on [-12, 12], 24001 points */
static double trap(fn f, double a, int p) {
  const int n = 24000;
  const double h = 24.0 / n;
  double s = 0;
  for (int k = 0; k <= n; k++) {
    const double z = -12 + k * h, v = pow(f(a * z), p) * exp(-0.5 * z * z);
    s += (k == 0 || k == n) ? 0.5 * v : v;
  }
  return s * h / sqrt(2 * M_PI);
}

/* q* by fixed-point iteration of the length map from q = 1 (stable there:
 * it converges geometrically) until it stops moving */
static double q_iter(fn f, double sw, double sb) {
  double q = 1;
  for (int it = 0; it < 3000; it++) {
    const double next = sw * sw * trap(f, sqrt(q), 2) + sb * sb;
    if (fabs(next - q) <= 1e-14 * q) return next;
    q = next;
  }
  return q;
}

static double rel(double a, double b) { return fabs(a - b) / fmax(fabs(b), 1e-300); }

static void test_homogeneous(void) {
  printf("relu, leaky relu, linear: chi in closed form, q* = 0 or infinite\n");
  const double sws[] = {0.3, 0.9, 1.0, 1.3, 1.41, 1.5, 2.0, 3.0};
  double worst = 0;
  int bad_q = 0;
  for (size_t k = 0; k < sizeof sws / sizeof sws[0]; k++) {
    const double sw = sws[k], s2 = sw * sw;
    gl_meanfield r, l, n;
    gl_meanfield_compute("relu", sw, 0, &r);
    gl_meanfield_compute("leaky_relu", sw, 0, &l);
    gl_meanfield_compute("linear", sw, 0, &n);
    worst = fmax(worst, rel(r.chi, s2 / 2));
    worst = fmax(worst, rel(l.chi, s2 * (1 + 1e-4) / 2));
    worst = fmax(worst, rel(n.chi, s2));
    /* below the critical scale the signal shrinks to 0, above it grows without bound */
    if (r.q_star != (s2 < 2 ? 0 : INFINITY)) bad_q++;
    if (n.q_star != (s2 < 1 ? 0 : s2 == 1 ? 0 : INFINITY)) bad_q++;
  }
  CHECK(worst < 1e-14 && bad_q == 0,
        "relu chi = sigma_w^2/2, leaky (1+1e-4) sigma_w^2/2, linear sigma_w^2 at 8 scales (largest "
        "relative difference %.2g); q* 0 below, infinite above the critical scale (%d wrong)",
        worst, bad_q);
  gl_meanfield r;
  gl_meanfield_compute("relu", sqrt(2.0), 0, &r);
  CHECK(fabs(r.chi - 1) < 1e-15 && isinf(r.xi),
        "relu at sigma_w = sqrt(2) (He's scale): chi = %.17g (1 to rounding), xi infinite", r.chi);
  /* with biases the fixed point is finite: q* = sigma_b^2 / (1 - sigma_w^2 E[phi(z)^2]) */
  gl_meanfield a, b;
  gl_meanfield_compute("relu", 1.2, 0.3, &a);
  gl_meanfield_compute("linear", 0.8, 0.5, &b);
  const double qa = 0.09 / (1 - 1.44 / 2), qb = 0.25 / (1 - 0.64);
  CHECK(rel(a.q_star, qa) < 1e-12 && rel(b.q_star, qb) < 1e-12,
        "sigma_b > 0: relu q* %.15g (closed form %.15g), linear q* %.15g (%.15g)", a.q_star, qa,
        b.q_star, qb);
}

static void test_tanh_closed_forms(void) {
  printf("tanh with sigma_b = 0: the ordered phase and the edge of chaos\n");
  double worst = 0;
  int bad = 0;
  for (double sw = 0.2; sw < 0.999; sw += 0.1) {
    gl_meanfield m;
    gl_meanfield_compute("tanh", sw, 0, &m);
    worst = fmax(worst, rel(m.chi, sw * sw));
    worst = fmax(worst, rel(m.xi, -1 / log(sw * sw)));
    if (m.q_star != 0 || m.c_star != 1 || m.chi_c != m.chi || m.xi_c != m.xi) bad++;
  }
  CHECK(worst < 1e-14 && bad == 0,
        "sigma_w 0.2 .. 0.9: q* = 0, chi = sigma_w^2, xi = -1/ln chi, c* = 1, chi_c = chi (largest "
        "relative difference %.2g, %d wrong)",
        worst, bad);
  gl_meanfield e;
  gl_meanfield_compute("tanh", 1.0, 0, &e);
  CHECK(e.q_star == 0 && fabs(e.chi - 1) < 1e-15 && isinf(e.xi) && isinf(e.xi_c),
        "sigma_w = 1: q* = %g, chi = %.17g (the edge of chaos), xi and xi_c infinite", e.q_star,
        e.chi);
  /* chi rises through 1 at sigma_w = 1, and above it xi is infinite (chi >= 1) */
  double prev = 0;
  int monotone = 1, above = 1;
  for (double sw = 0.5; sw <= 3.0; sw += 0.05) {
    gl_meanfield m;
    gl_meanfield_compute("tanh", sw, 0, &m);
    monotone &= m.chi > prev;
    prev = m.chi;
    if (sw > 1.02) above &= m.chi > 1 && isinf(m.xi) && m.q_star > 0 && m.c_star == 0 && m.chi_c < 1;
  }
  CHECK(monotone && above,
        "sigma_w 0.5 .. 3: chi rises; above 1, q* > 0, chi > 1 (xi infinite), c* = 0 (an odd phi, "
        "sigma_b = 0) and chi_c < 1");
  /* the paper: "for tanh with sigma_b^2 = 0.05 the critical point is sigma_w^2 = 1.76" */
  double lo = 1, hi = 3;
  for (int it = 0; it < 60; it++) {
    const double mid = 0.5 * (lo + hi);
    gl_meanfield m;
    gl_meanfield_compute("tanh", sqrt(mid), sqrt(0.05), &m);
    if (m.chi < 1) lo = mid;
    else hi = mid;
  }
  CHECK(fabs(lo - 1.76) < 0.005,
        "tanh, sigma_b^2 = 0.05: chi = 1 at sigma_w^2 = %.4f (Schoenholz et al.: 1.76)", lo);
}

static void test_against_trapezoid(void) {
  printf("no closed form: against a trapezoid rule and fixed-point iteration\n");
  struct {
    const char *act;
    fn f, df;
    double sw, sb;
  } cases[] = {
      {"tanh", tanh_, dtanh_, 1.5, 0},  {"tanh", tanh_, dtanh_, 2.5, 0},
      {"tanh", tanh_, dtanh_, 4.0, 0},
      {"tanh", tanh_, dtanh_, 1.2, 0.3}, {"sigmoid", sigm_, dsigm_, 3.0, 0},
      {"sigmoid", sigm_, dsigm_, 8.0, 0.1}, {"gelu", gelu_, dgelu_, 1.3, 0.2},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    gl_meanfield m;
    int rc = gl_meanfield_compute(cases[k].act, cases[k].sw, cases[k].sb, &m);
    const double q = q_iter(cases[k].f, cases[k].sw, cases[k].sb);
    const double chi = cases[k].sw * cases[k].sw * trap(cases[k].df, sqrt(q), 2);
    CHECK(rc == GL_OK && rel(m.q_star, q) < 1e-9 && rel(m.chi, chi) < 1e-9,
          "%s sigma_w %g sigma_b %g: q* %.12g (iterated %.12g), chi %.12g (trapezoid %.12g)",
          cases[k].act, cases[k].sw, cases[k].sb, m.q_star, q, m.chi, chi);
  }
  /* the chaotic phase of tanh at sigma_b = 0: c* = 0, so chi_c = sigma_w^2 E[phi'(sqrt(q*) z)]^2 */
  for (double sw = 1.5; sw <= 2.5; sw += 0.5) {
    gl_meanfield m;
    gl_meanfield_compute("tanh", sw, 0, &m);
    const double e = trap(dtanh_, sqrt(q_iter(tanh_, sw, 0)), 1);
    const double chi_c = sw * sw * e * e;
    CHECK(m.c_star == 0 && rel(m.chi_c, chi_c) < 1e-9 && rel(m.xi_c, -1 / log(chi_c)) < 1e-8,
          "tanh sigma_w %.1f (chaotic): c* %g, chi_c %.12g (trapezoid %.12g), 6 xi_c = %.2f layers",
          sw, m.c_star, m.chi_c, chi_c, 6 * m.xi_c);
  }
  /* sigma_b > 0 in the chaotic phase: 0 < c* < 1, a fixed point of the correlation map,
   * checked with a 2-D trapezoid rule (h = 0.01 on [-10, 10]^2) */
  gl_meanfield m;
  gl_meanfield_compute("tanh", 2.0, 0.5, &m);
  const double q = m.q_star, c = m.c_star, sc = sqrt(1 - c * c), h = 0.01;
  double cov = 0, slope = 0, wsum = 0;
  for (int a = 0; a <= 2000; a++)
    for (int b = 0; b <= 2000; b++) {
      const double z1 = -10 + a * h, z2 = -10 + b * h;
      const double w = exp(-0.5 * (z1 * z1 + z2 * z2)) * (a % 2000 ? 1 : 0.5) * (b % 2000 ? 1 : 0.5);
      const double u1 = sqrt(q) * z1, u2 = sqrt(q) * (c * z1 + sc * z2);
      cov += w * tanh(u1) * tanh(u2);
      slope += w * dtanh_(u1) * dtanh_(u2);
      wsum += w;
    }
  const double fc = (4 * cov / wsum + 0.25) / q, chi_c = 4 * slope / wsum;
  CHECK(m.chi > 1 && c > 0 && c < 1 && fabs(fc - c) < 1e-9 && rel(m.chi_c, chi_c) < 1e-9,
        "tanh sigma_w 2, sigma_b 0.5: chi %.4f, c* %.9f in (0, 1) maps to %.9f (2-D trapezoid), "
        "chi_c %.10f (trapezoid %.10f)",
        m.chi, c, fc, m.chi_c, chi_c);
}

static void test_bad_arguments(void) {
  printf("bad arguments\n");
  gl_meanfield m;
  CHECK(gl_meanfield_compute("swish", 1, 0, &m) == GL_EINVAL &&
            gl_meanfield_compute(NULL, 1, 0, &m) == GL_EINVAL &&
            gl_meanfield_compute("tanh", 0, 0, &m) == GL_EINVAL &&
            gl_meanfield_compute("tanh", NAN, 0, &m) == GL_EINVAL &&
            gl_meanfield_compute("tanh", INFINITY, 0, &m) == GL_EINVAL &&
            gl_meanfield_compute("tanh", 1, -0.1, &m) == GL_EINVAL &&
            gl_meanfield_compute("tanh", 1, 0, NULL) == GL_EMISUSE,
        "unknown act, sigma_w 0 / NaN / inf, sigma_b < 0: GL_EINVAL; NULL out: GL_EMISUSE");
}

int main(void) {
  timed(test_homogeneous);
  timed(test_tanh_closed_forms);
  timed(test_against_trapezoid);
  timed(test_bad_arguments);
  return report();
}
