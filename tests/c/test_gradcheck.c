/*
 * test_gradcheck.c - finite-difference checks of every backward pass, in the
 * double build (-DGL_DOUBLE): every activation, both losses, block sizes 1
 * and 2, plain and both residual forms, fixed and learned (ReZero) residual
 * scales.  For each parameter p: analytic dL/dp from gl_backward against the
 * fourth-order central difference
 *   (8 (L(p+h) - L(p-h)) - (L(p+2h) - L(p-2h))) / 12h
 * (truncation error O(h^4), so h can be large enough that rounding in L
 * stays far below the gradients of a deep sigmoid stack); h = 1e-3 for
 * smooth activations.  relu and leaky_relu nets are piecewise smooth: there
 * h starts at 1e-3 and shrinks until no pre-activation changes sign between
 * the five evaluations (a difference across a kink measures nothing).  The largest
 * relative error |a - n| / max(|a|, |n|, 1e-7) over all weights, biases and
 * residual scales of the net must be below 1e-6.  (The 1e-7 floor: a double
 * loss of size ~1 resolves differences of ~1e-16, so a difference quotient
 * cannot resolve a gradient of 1e-8 to six digits; such gradients must agree
 * to 1e-13 absolute.)
 */
#include <math.h>

#include "test_util.h"

#ifndef GL_DOUBLE
#error "build the gradient checks with -DGL_DOUBLE"
#endif

static double full_loss(gl_net *n) {
  long c;
  return gl_forward(n, n->data.x, n->data.y, n->data.n, &c, 0) / n->data.n;
}

/* A hash of the sign pattern of every activation's input (after a forward). */
static uint64_t kink_pattern(const gl_net *n) {
  uint64_t h = 1469598103934665603ULL;
  for (int i = 0; i < n->n_ops; i++) {
    if (n->ops[i].type != OP_ACT) continue;
    const gl_buf *b = &n->bufs[n->ops[i].in];
    for (size_t k = 0; k < (size_t)n->data.n * b->n; k++) h = (h ^ (b->v[k] > 0)) * 1099511628211ULL;
  }
  return h;
}

/* Returns the largest relative error; *where names the parameter. */
static double check_net(gl_net *n, char *where, size_t wcap) {
  long c;
  gl_forward(n, n->data.x, n->data.y, n->data.n, &c, 1);
  gl_backward(n, n->data.n);
  const size_t np = n->n_params;
  double *an = malloc(sizeof(double) * np);
  for (size_t i = 0; i < np; i++) an[i] = n->grads[i];
  /* biases start at 0 and ReZero scales at 0: move them off so every path
   * is exercised, then recompute */
  double worst = 0;
  snprintf(where, wcap, "-");
  const int kinks = n->s.act == ACT_RELU || n->s.act == ACT_LEAKY_RELU;
  full_loss(n);
  const uint64_t base = kink_pattern(n);
  for (size_t i = 0; i < np; i++) {
    if (i >= n->alpha_off && n->s.res_scale_kind != SCALE_REZERO) continue; /* fixed scales */
    double p0 = n->params[i], l[4], h = 1e-3;
    for (;;) {
      const double at[4] = {h, -h, 2 * h, -2 * h};
      int crossed = 0;
      for (int k = 0; k < 4; k++) {
        n->params[i] = p0 + at[k];
        l[k] = full_loss(n);
        if (kinks && kink_pattern(n) != base) crossed = 1;
      }
      if (!crossed || h < 1e-9) break;
      h /= 10;
    }
    n->params[i] = p0;
    double num = (8 * (l[0] - l[1]) - (l[2] - l[3])) / (12 * h);
    double den = fmax(fmax(fabs(num), fabs(an[i])), 1e-7);
    double rel = fabs(num - an[i]) / den;
    if (rel > worst) {
      worst = rel;
      int l = 0;
      while (l + 1 < n->n_layers && n->layers[l + 1].w_off <= i) l++;
      snprintf(where, wcap, "param %zu (%s, analytic %.6e, numeric %.6e)", i,
               i >= n->alpha_off ? "residual scale" : n->names[l], an[i], num);
    }
  }
  free(an);
  return worst;
}

static void perturb(gl_net *n) {
  gl_rng r;
  gl_rng_seed(&r, 99, 7);
  for (int l = 0; l < n->n_layers; l++)
    for (int j = 0; j < n->layers[l].out; j++)
      n->params[n->layers[l].b_off + j] = 0.1 * gl_rng_normal(&r);
  for (int b = 0; b < n->n_blocks; b++) n->params[n->alpha_off + b] = 0.3 + 0.5 * gl_rng_uniform(&r);
}

int main(void) {
  static const char *acts[] = {"sigmoid", "tanh", "relu", "leaky_relu", "linear", "gelu"};
  static const struct { int arch; const char *form; } archs[] = {
      {GL_ARCH_PLAIN, "pre"}, {GL_ARCH_RESIDUAL, "pre"}, {GL_ARCH_RESIDUAL, "post"}};
  char text[512], where[256];
  printf("gradient checks (double, 4th-order central differences)\n");
  for (size_t a = 0; a < sizeof acts / sizeof *acts; a++)
    for (size_t k = 0; k < 3; k++)
      for (int block = 1; block <= 2; block++)
        for (int loss = 0; loss < 2; loss++) {
          const char *scale = (a + block + loss) % 2 ? "rezero" : "0.7";
          snprintf(text, sizeof text,
                   "depth=4 width=5 block=%d act=%s form=%s res_scale=%s loss=%s points=12 "
                   "data=gauss noise=0.3 init=%s seed=%zu",
                   block, acts[a], archs[k].form, scale, loss ? "mse" : "xent",
                   (a == 2 || a == 3) ? "he" : "xavier", a * 7 + k);
          gl_config *cfg = cfg_from(text);
          gl_net *n;
          int rc = gl_create(cfg, archs[k].arch, &n);
          if (rc) {
            CHECK(0, "create %s: %s", text, gl_config_errmsg(cfg));
            gl_config_free(cfg);
            continue;
          }
          perturb(n);
          double worst = check_net(n, where, sizeof where);
          CHECK(worst < 1e-6, "%-8s %-10s %-4s block=%d loss=%-4s scale=%-6s max rel err %.2e at %s",
                archs[k].arch == GL_ARCH_PLAIN ? "plain" : "residual", acts[a],
                archs[k].arch == GL_ARCH_PLAIN ? "" : archs[k].form, block, loss ? "mse" : "xent",
                archs[k].arch == GL_ARCH_PLAIN ? "-" : scale, worst, where);
          gl_free(n);
          gl_config_free(cfg);
        }
  /* the input-gradient of layer 1 (used for chi_measured) against differences in x */
  {
    gl_config *cfg = cfg_from("depth=2 width=4 act=tanh points=6 data=spiral");
    gl_net *n;
    gl_create(cfg, GL_ARCH_PLAIN, &n);
    long c;
    gl_forward(n, n->data.x, n->data.y, n->data.n, &c, 1);
    gl_backward(n, n->data.n);
    double worst = 0;
    for (int i = 0; i < n->data.n * n->data.d; i++) {
      double an = n->bufs[0].g[i], x0 = n->data.x[i];
      n->data.x[i] = x0 + 1e-6;
      double lp = full_loss(n);
      n->data.x[i] = x0 - 1e-6;
      double lm = full_loss(n);
      n->data.x[i] = x0;
      double num = (lp - lm) / 2e-6;
      double rel = fabs(num - an) / fmax(fmax(fabs(num), fabs(an)), 1e-7);
      if (rel > worst) worst = rel;
    }
    CHECK(worst < 1e-6, "dLoss/dx of the input (for chi_measured): max rel err %.2e", worst);
    gl_free(n);
    gl_config_free(cfg);
  }
  return report();
}
