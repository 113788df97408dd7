/*
 * test_gradcheck.c - finite-difference checks of every backward pass, in the
 * double build (-DGL_DOUBLE): every activation, both losses, block sizes 1
 * and 2, plain and both residual forms, fixed and learned (ReZero) residual
 * scales.  For each parameter p: analytic dL/dp from gl_backward against the
 * fourth-order central difference
 *   (8 (L(p+h) - L(p-h)) - (L(p+2h) - L(p-2h))) / 12h
 * (truncation error O(h^4), so h can be large enough that rounding in L
 * stays far below the gradients of a deep sigmoid stack); h = 1e-3 for
 * smooth activations, and where that misses (a gradient near the floor
 * below, where rounding in L, about 1e-16 / h, dominates) h = 4e-3 is tried
 * too and the better estimate kept.  relu and leaky_relu nets are piecewise smooth: there
 * h starts at 1e-3 and shrinks until no pre-activation changes sign between
 * the five evaluations (a difference across a kink measures nothing).  The largest
 * relative error |a - n| / max(|a|, |n|, 1e-7) over all weights, biases and
 * residual scales of the net must be below 1e-6.  (The 1e-7 floor: a double
 * loss of size ~1 resolves differences of ~1e-16, so a difference quotient
 * cannot resolve a gradient of 1e-8 to six digits; such gradients must agree
 * to 1e-13 absolute.)
 *
 * The conv model's kernels (conv.c) are checked on their own first: for a
 * random G, L = sum(G * y) against the analytic dx, dW, db of the backward
 * pass given dy = G, in both write (acc = 0) and accumulate (acc = 1) modes;
 * then whole conv nets (plain, pre, post; with and without pooling) like the
 * dense ones, on small synthetic images handed over as a digits file.
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

/* Whether phi has kinks (a slope that jumps), where a finite difference
 * across one is wrong: then a step that changes the sign pattern is made
 * smaller.  A switch with no default: a new activation must say. */
static int has_kinks(gl_act act) {
  switch (act) {
  case ACT_RELU:
  case ACT_LEAKY_RELU: return 1;
  case ACT_SIGMOID:
  case ACT_TANH:
  case ACT_LINEAR:
  case ACT_GELU: return 0;
  }
  return 1;
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
  const int kinks = has_kinks(n->s.act);
  const double L0 = fabs(full_loss(n)); /* rounding in L scales with |L| */
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
    /* the floor grows as h shrinks and as |L| grows: rounding in L, divided by h */
    const double floor = 1e-7 * fmax(1.0, 1e-3 / h) * fmax(1.0, L0);
    double den = fmax(fmax(fabs(num), fabs(an[i])), floor);
    double rel = fabs(num - an[i]) / den;
    /* rounding-limited: a 4x wider step has 4x less rounding error;
     * truncation-limited (batch norm of a few rows: a small variance makes
     * the loss curve on a scale near h): a 4x narrower step, 256x less */
    for (int t = 0; t < 2 && rel > 1e-6; t++) {
      const double H = t ? 2.5e-4 : 4e-3, at[4] = {H, -H, 2 * H, -2 * H};
      int crossed = 0;
      for (int k = 0; k < 4; k++) {
        n->params[i] = p0 + at[k];
        l[k] = full_loss(n);
        if (kinks && kink_pattern(n) != base) crossed = 1; /* relu: only a step that crosses no kink */
      }
      n->params[i] = p0;
      if (crossed) continue;
      double num2 = (8 * (l[0] - l[1]) - (l[2] - l[3])) / (12 * H);
      double rel2 = fabs(num2 - an[i]) / fmax(fmax(fabs(num2), fabs(an[i])), 1e-7 * fmax(1.0, 1e-3 / H) * fmax(1.0, L0));
      if (rel2 < rel) {
        rel = rel2;
        num = num2;
      }
    }
    if (rel > worst) {
      worst = rel;
      int l = 0;
      while (l + 1 < n->n_layers && n->layers[l + 1].w_off <= i) l++;
      snprintf(where, wcap, "param %zu (%s%s, analytic %.6e, numeric %.6e)", i,
               i >= n->alpha_off ? "residual scale" : n->names[l],
               i < n->alpha_off && i >= n->layers[l].g_off ? " gamma/beta" : "", an[i], num);
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
  for (int k = 0; k < n->n_norms; k++) { /* gamma around 1, beta around 0 */
    double *g = n->params + n->layers[n->norms[k].layer].g_off;
    for (int c = 0; c < n->norms[k].C; c++) {
      g[c] = 1 + 0.3 * gl_rng_normal(&r);
      g[n->norms[k].C + c] = 0.1 * gl_rng_normal(&r);
    }
  }
}

/* ---- the conv kernels on their own ---- */

static void fill(gl_rng *r, double *v, size_t n) {
  for (size_t i = 0; i < n; i++) v[i] = gl_rng_normal(r);
}

/* L(y) = sum G*y for one forward of kernel k on (x, W, b); k = 0 conv, 1 pool, 2 gap */
typedef struct {
  int kind, B, ci, co, H, W;
  double *x, *Wt, *b, *G, *y, *scratch;
} kcase;

static size_t kc_out(const kcase *k) {
  if (k->kind == 0) return (size_t)k->B * k->co * k->H * k->W;
  if (k->kind == 1) return (size_t)k->B * k->ci * (k->H / 2) * (k->W / 2);
  return (size_t)k->B * k->ci;
}

static double kc_loss(kcase *k) {
  if (k->kind == 0) conv3x3_forward(k->y, k->x, k->Wt, k->b, k->B, k->ci, k->co, k->H, k->W, k->scratch);
  else if (k->kind == 1) avgpool2_forward(k->y, k->x, k->B, k->ci, k->H, k->W);
  else gap_forward(k->y, k->x, k->B, k->ci, k->H * k->W);
  double L = 0;
  for (size_t i = 0; i < kc_out(k); i++) L += k->G[i] * k->y[i];
  return L;
}

/* worst relative error of analytic a[i] against the difference quotient of L in v[i] */
static double kc_compare(kcase *k, double *v, const double *a, size_t n) {
  double worst = 0;
  for (size_t i = 0; i < n; i++) {
    const double v0 = v[i], h = 1e-3;
    v[i] = v0 + h; double lp = kc_loss(k);
    v[i] = v0 - h; double lm = kc_loss(k);
    v[i] = v0 + 2 * h; double lp2 = kc_loss(k);
    v[i] = v0 - 2 * h; double lm2 = kc_loss(k);
    v[i] = v0;
    double num = (8 * (lp - lm) - (lp2 - lm2)) / (12 * h);
    double rel = fabs(num - a[i]) / fmax(fmax(fabs(num), fabs(a[i])), 1e-7);
    if (rel > worst) worst = rel;
  }
  return worst;
}

static void check_kernel(int kind, int B, int ci, int co, int H, int W) {
  static const char *names[] = {"conv3x3", "avgpool2", "gap"};
  kcase k = {kind, B, ci, co, H, W, 0, 0, 0, 0, 0, 0};
  const size_t nx = (size_t)B * ci * H * W, nw = (size_t)9 * ci * co;
  gl_rng r;
  gl_rng_seed(&r, 5 + kind, 11);
  k.x = malloc(sizeof(double) * nx);
  k.Wt = malloc(sizeof(double) * nw);
  k.b = malloc(sizeof(double) * co);
  k.G = malloc(sizeof(double) * kc_out(&k));
  k.y = malloc(sizeof(double) * kc_out(&k));
  k.scratch = malloc(sizeof(double) * conv3x3_scratch(B, ci, co, H, W));
  fill(&r, k.x, nx);
  fill(&r, k.Wt, nw);
  fill(&r, k.b, co);
  fill(&r, k.G, kc_out(&k));
  double *dx = malloc(sizeof(double) * nx), *dx0 = malloc(sizeof(double) * nx);
  double *dW = malloc(sizeof(double) * nw), *db = malloc(sizeof(double) * co);
  fill(&r, dx0, nx);
  for (int acc = 0; acc < 2; acc++) {
    /* acc = 1: dx starts from dx0 and must end at dx0 + the gradient */
    for (size_t i = 0; i < nx; i++) dx[i] = acc ? dx0[i] : NAN;
    if (kind == 0) conv3x3_backward(dx, dW, db, k.G, k.x, k.Wt, B, ci, co, H, W, acc, k.scratch);
    else if (kind == 1) avgpool2_backward(dx, k.G, B, ci, H, W, acc);
    else gap_backward(dx, k.G, B, ci, H * W, acc);
    if (acc)
      for (size_t i = 0; i < nx; i++) dx[i] -= dx0[i];
    double e = kc_compare(&k, k.x, dx, nx);
    CHECK(e < 1e-6, "%-8s B=%d C=%d H=%d W=%d dx (%s): max rel err %.2e", names[kind], B, ci, H, W,
          acc ? "accumulate onto random values" : "write", e);
  }
  if (kind == 0) {
    double ew = kc_compare(&k, k.Wt, dW, nw), eb = kc_compare(&k, k.b, db, co);
    CHECK(ew < 1e-6 && eb < 1e-6, "conv3x3  B=%d c_in=%d c_out=%d H=%d W=%d dW max rel err %.2e, db %.2e",
          B, ci, co, H, W, ew, eb);
  }
  free(k.x); free(k.Wt); free(k.b); free(k.G); free(k.y); free(k.scratch);
  free(dx); free(dx0); free(dW); free(db);
}

/* The conv kernels against a direct (six nested loops) convolution on a batch
 * large enough to be split: 11 images of 16 x 14 x 14 make dW's chunks of 8
 * and 3 images in conv.c and Winograd's units of 4, 4 and 3 (the last one
 * short).  CO outputs: 3, and a whole number of gemm_nn's column tiles, where
 * dW is cols dY^T instead of (dY colsR)^T. */
static void check_conv_reference(const int CO) {
  enum { B = 11, CI = 16, H = 14, W = 14, HW = H * W, K = 9 * CI };
  gl_rng r;
  gl_rng_seed(&r, 21, 5);
  double *x = malloc(sizeof(double) * B * CI * HW), *Wt = malloc(sizeof(double) * K * CO);
  double *b = malloc(sizeof(double) * CO), *G = malloc(sizeof(double) * B * CO * HW);
  double *y = malloc(sizeof(double) * B * CO * HW), *dx = malloc(sizeof(double) * B * CI * HW);
  double *dW = malloc(sizeof(double) * K * CO), *db = malloc(sizeof(double) * CO);
  double *sc = malloc(sizeof(double) * conv3x3_scratch(B, CI, CO, H, W));
  fill(&r, x, (size_t)B * CI * HW);
  fill(&r, Wt, (size_t)K * CO);
  fill(&r, b, CO);
  fill(&r, G, (size_t)B * CO * HW);
  conv3x3_forward(y, x, Wt, b, B, CI, CO, H, W, sc);
  conv3x3_backward(dx, dW, db, G, x, Wt, B, CI, CO, H, W, 0, sc);
  double ey = 0, ex = 0, ew = 0, eb = 0;
  double *rdx = calloc((size_t)B * CI * HW, sizeof(double)), *rdW = calloc((size_t)K * CO, sizeof(double));
  for (int n = 0; n < B; n++)
    for (int co = 0; co < CO; co++)
      for (int oy = 0; oy < H; oy++)
        for (int ox = 0; ox < W; ox++) {
          const size_t o = ((size_t)n * CO + co) * HW + oy * W + ox;
          double v = b[co];
          for (int ci = 0; ci < CI; ci++)
            for (int ky = 0; ky < 3; ky++)
              for (int kx = 0; kx < 3; kx++) {
                int iy = oy + ky - 1, ix = ox + kx - 1;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                const size_t xi = ((size_t)n * CI + ci) * HW + iy * W + ix;
                const size_t wi = (size_t)(ci * 9 + ky * 3 + kx) * CO + co;
                v += x[xi] * Wt[wi];
                rdx[xi] += G[o] * Wt[wi];
                rdW[wi] += G[o] * x[xi];
              }
          ey = fmax(ey, fabs(v - y[o]));
        }
  for (int co = 0; co < CO; co++) {
    double sb = 0;
    for (int n = 0; n < B; n++)
      for (int p = 0; p < HW; p++) sb += G[((size_t)n * CO + co) * HW + p];
    eb = fmax(eb, fabs(sb - db[co]));
  }
  for (size_t i = 0; i < (size_t)B * CI * HW; i++) ex = fmax(ex, fabs(rdx[i] - dx[i]));
  for (size_t i = 0; i < (size_t)K * CO; i++) ew = fmax(ew, fabs(rdW[i] - dW[i]));
  CHECK(ey < 1e-11 && ex < 1e-11 && ew < 1e-10 && eb < 1e-11,
        "conv3x3 in chunks (B=%d, c_in=%d, c_out=%d, %dx%d) against direct loops: max abs diff y %.1e, "
        "dx %.1e, dW %.1e, db %.1e", B, CI, CO, H, W, ey, ex, ew, eb);
  free(x); free(Wt); free(b); free(G); free(y); free(dx); free(dW); free(db); free(sc);
  free(rdx); free(rdW);
}

/* ---- the normalisation kernels on their own (norm.c) ---- */

/* L(y) = sum G*y of one training-mode forward: kind 0 batch norm, 1 layer norm */
typedef struct {
  int kind, B, C, S;
  double *x, *gamma, *beta, *G, *y, *mean, *rstd;
} ncase;

static double nc_loss(ncase *k) {
  if (k->kind == 0) batchnorm_forward(k->y, k->mean, k->rstd, NULL, k->x, k->gamma, k->beta, k->B, k->C, k->S);
  else layernorm_forward(k->y, k->mean, k->rstd, k->x, k->gamma, k->beta, k->B, k->C, k->S);
  double L = 0;
  for (size_t i = 0; i < (size_t)k->B * k->C * k->S; i++) L += k->G[i] * k->y[i];
  return L;
}

static double nc_compare(ncase *k, double *v, const double *a, size_t n) {
  double worst = 0;
  for (size_t i = 0; i < n; i++) {
    const double v0 = v[i], h = 1e-3;
    v[i] = v0 + h; double lp = nc_loss(k);
    v[i] = v0 - h; double lm = nc_loss(k);
    v[i] = v0 + 2 * h; double lp2 = nc_loss(k);
    v[i] = v0 - 2 * h; double lm2 = nc_loss(k);
    v[i] = v0;
    double num = (8 * (lp - lm) - (lp2 - lm2)) / (12 * h);
    double rel = fabs(num - a[i]) / fmax(fmax(fabs(num), fabs(a[i])), 1e-7);
    if (rel > worst) worst = rel;
  }
  return worst;
}

/* dx, dgamma, dbeta of one kernel against differences of L = sum G*y, with x
 * given an offset and a scale per channel (batch norm must take them out);
 * dx written and accumulated onto random values; layer norm also split the
 * way the engine calls it (dx by blocks of rows, then dgamma/dbeta). */
static void check_norm_kernel(int kind, int B, int C, int S) {
  static const char *names[] = {"batchnorm", "layernorm"};
  const size_t nx = (size_t)B * C * S;
  ncase k = {kind, B, C, S, 0, 0, 0, 0, 0, 0, 0};
  gl_rng r;
  gl_rng_seed(&r, 31 + kind, (uint64_t)(B * 100 + C * 10 + S));
  k.x = malloc(sizeof(double) * nx);
  k.G = malloc(sizeof(double) * nx);
  k.y = malloc(sizeof(double) * nx);
  k.gamma = malloc(sizeof(double) * C);
  k.beta = malloc(sizeof(double) * C);
  k.mean = malloc(sizeof(double) * (B > C ? B : C));
  k.rstd = malloc(sizeof(double) * (B > C ? B : C));
  for (size_t i = 0; i < nx; i++) {
    const int c = (int)(i / S % C);
    k.x[i] = 3.0 - c + (0.5 + 0.3 * c) * gl_rng_normal(&r);
  }
  fill(&r, k.G, nx);
  for (int c = 0; c < C; c++) {
    k.gamma[c] = 1 + 0.5 * gl_rng_normal(&r);
    k.beta[c] = 0.3 * gl_rng_normal(&r);
  }
  double *dx = malloc(sizeof(double) * nx), *dx0 = malloc(sizeof(double) * nx);
  double *dg = malloc(sizeof(double) * C), *db = malloc(sizeof(double) * C);
  fill(&r, dx0, nx);
  for (int mode = 0; mode < (kind ? 3 : 2); mode++) {
    /* 0 write, 1 accumulate onto random values (also dgamma/dbeta onto 0.5), 2 split calls */
    nc_loss(&k);
    for (size_t i = 0; i < nx; i++) dx[i] = mode == 1 ? dx0[i] : NAN;
    for (int c = 0; c < C; c++) dg[c] = db[c] = mode == 1 ? 0.5 : 0;
    if (kind == 0) {
      batchnorm_backward(dx, dg, db, k.G, k.x, k.gamma, k.mean, k.rstd, B, C, S, mode == 1);
    } else if (mode < 2) {
      layernorm_backward(dx, dg, db, k.G, k.x, k.gamma, k.mean, k.rstd, B, C, S, mode == 1);
    } else {
      const size_t F = (size_t)C * S;
      for (int r0 = 0; r0 < B; r0 += 2) /* blocks of two rows */
        layernorm_backward(dx + r0 * F, NULL, NULL, k.G + r0 * F, k.x + r0 * F, k.gamma,
                           k.mean + r0, k.rstd + r0, B - r0 < 2 ? B - r0 : 2, C, S, 0);
      layernorm_backward(NULL, dg, db, k.G, k.x, k.gamma, k.mean, k.rstd, B, C, S, 0);
    }
    if (mode == 1) {
      for (size_t i = 0; i < nx; i++) dx[i] -= dx0[i];
      for (int c = 0; c < C; c++) {
        dg[c] -= 0.5;
        db[c] -= 0.5;
      }
    }
    const double ex = nc_compare(&k, k.x, dx, nx), eg = nc_compare(&k, k.gamma, dg, C),
                 eb = nc_compare(&k, k.beta, db, C);
    static const char *modes[] = {"write", "accumulate", "split by rows"};
    CHECK(ex < 1e-6 && eg < 1e-6 && eb < 1e-6,
          "%s B=%d C=%d S=%d (%s): max rel err dx %.2e, dgamma %.2e, dbeta %.2e", names[kind], B,
          C, S, modes[mode], ex, eg, eb);
  }
  free(k.x); free(k.G); free(k.y); free(k.gamma); free(k.beta); free(k.mean); free(k.rstd);
  free(dx); free(dx0); free(dg); free(db);
}

static void check_norm_kernels(void) {
  printf("normalisation kernels (L = sum G*y; dy = G; training mode)\n");
  static const int shapes[][3] = {{2, 3, 1}, {3, 5, 1}, {7, 4, 1}, {5, 70, 1}, /* dense: S = 1 */
                                  {2, 2, 9}, {3, 3, 6}, {1, 2, 10}};         /* conv maps */
  for (int kind = 0; kind < 2; kind++)
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
      if (kind == 0 && shapes[i][0] * shapes[i][2] < 2) continue; /* one value per channel */
      check_norm_kernel(kind, shapes[i][0], shapes[i][1], shapes[i][2]);
    }
}

/* A digits file of n random h x w images with labels i % classes. */
static unsigned char *synthetic_digits(int n, int h, int w, int classes, uint32_t seed, size_t *len) {
  *len = 16 + (size_t)n * (1 + h * w);
  unsigned char *b = calloc(1, *len);
  memcpy(b, "GLDIGITS", 8);
  b[8] = (unsigned char)h;
  b[9] = (unsigned char)w;
  b[10] = (unsigned char)classes;
  b[12] = (unsigned char)n;
  gl_rng r;
  gl_rng_seed(&r, seed, 13);
  for (int i = 0; i < n; i++) {
    unsigned char *rec = b + 16 + (size_t)i * (1 + h * w);
    rec[0] = (unsigned char)(i % classes);
    for (int p = 0; p < h * w; p++) rec[1 + p] = (unsigned char)gl_rng_below(&r, 256);
  }
  return b;
}

static gl_net *conv_net(const char *text, int arch, int n_img, int h, int w) {
  size_t len;
  unsigned char *bytes = synthetic_digits(n_img, h, w, 3, 17, &len);
  gl_config *cfg = cfg_from(text);
  gl_config_set_digits(cfg, GL_SPLIT_TRAIN, bytes, len);
  free(bytes);
  gl_net *n = NULL;
  if (gl_create(cfg, arch, &n)) CHECK(0, "create %s: %s", text, gl_config_errmsg(cfg));
  gl_config_free(cfg);
  return n;
}

static void check_conv_kernels(void) {
  printf("conv kernels (L = sum G*y; dy = G)\n");
  check_kernel(0, 2, 2, 3, 5, 4);
  check_kernel(0, 3, 1, 2, 3, 3);
  check_kernel(0, 1, 3, 1, 2, 6);
  /* c_out a whole number of column tiles: dW as cols dY^T (conv3x3_backward) */
  check_kernel(0, 2, 2, gemm_tile_cols(), 5, 4);
  check_kernel(0, 3, 3, 2 * gemm_tile_cols(), 4, 3);
  check_kernel(1, 2, 3, 0, 5, 4);
  check_kernel(1, 1, 2, 0, 4, 6);
  check_kernel(2, 2, 3, 0, 5, 4);
  check_conv_reference(3);
  check_conv_reference(gemm_tile_cols());
}

/* Whole networks with batch and layer norm: dense and conv, plain and both
 * residual forms, several batch sizes (the checks differentiate the loss of
 * the full batch, so the points are the batch: batch norm's rows coupled). */
static void check_norm_nets(void) {
  printf("networks with normalisation (training mode, the whole batch)\n");
  static const char *norms[] = {"batch", "layer"};
  static const char *acts[] = {"tanh", "relu", "sigmoid"};
  static const struct { int arch; const char *form; } archs[] = {
      {GL_ARCH_PLAIN, "pre"}, {GL_ARCH_RESIDUAL, "pre"}, {GL_ARCH_RESIDUAL, "post"}};
  static const int points[] = {4, 7, 13};
  char text[512], where[256];
  for (int nm = 0; nm < 2; nm++)
    for (size_t a = 0; a < 3; a++)
      for (size_t k = 0; k < 3; k++) {
        const int block = 1 + (int)((a + k) % 2), pts = points[(a + k + nm) % 3];
        const char *scale = (a + k) % 2 ? "rezero" : "0.7";
        snprintf(text, sizeof text,
                 "norm=%s depth=4 width=5 block=%d act=%s form=%s res_scale=%s loss=%s points=%d "
                 "data=gauss noise=0.3 init=%s seed=%zu",
                 norms[nm], block, acts[a], archs[k].form, scale, (a + nm) % 2 ? "mse" : "xent",
                 pts, a == 1 ? "he" : "xavier", a * 3 + k + 40);
        gl_config *cfg = cfg_from(text);
        gl_net *n;
        if (gl_create(cfg, archs[k].arch, &n)) {
          CHECK(0, "create %s: %s", text, gl_config_errmsg(cfg));
          gl_config_free(cfg);
          continue;
        }
        perturb(n);
        double worst = check_net(n, where, sizeof where);
        CHECK(worst < 1e-6, "norm=%s %-8s %-7s %-4s block=%d batch=%2d max rel err %.2e at %s",
              norms[nm], archs[k].arch == GL_ARCH_PLAIN ? "plain" : "residual", acts[a],
              archs[k].arch == GL_ARCH_PLAIN ? "" : archs[k].form, block, pts, worst, where);
        gl_free(n);
        gl_config_free(cfg);
      }
  for (int nm = 0; nm < 2; nm++)
    for (size_t k = 0; k < 3; k++)
      for (int pool = 0; pool < 2; pool++) {
        const int imgs = pool ? 3 : 5;
        snprintf(text, sizeof text,
                 "norm=%s model=conv data=digits blocks=2 channels=2 pool=%d act=%s form=%s "
                 "res_scale=%s seed=%zu",
                 norms[nm], pool, (k + pool) % 2 ? "tanh" : "gelu", archs[k].form,
                 pool ? "rezero" : "0.7", k * 2 + pool + 60);
        gl_net *n = conv_net(text, archs[k].arch, imgs, 6, 6);
        if (!n) continue;
        perturb(n);
        double worst = check_net(n, where, sizeof where);
        CHECK(worst < 1e-6, "norm=%s conv %-8s %-4s pool=%d batch=%d max rel err %.2e at %s",
              norms[nm], archs[k].arch == GL_ARCH_PLAIN ? "plain" : "residual",
              archs[k].arch == GL_ARCH_PLAIN ? "" : archs[k].form, pool, imgs, worst, where);
        gl_free(n);
      }
}

static void check_conv_nets(void) {
  printf("conv networks (6x6 synthetic images, 3 classes, channels 2, 2 blocks)\n");
  static const char *acts[] = {"sigmoid", "tanh", "relu", "gelu"};
  static const struct { int arch; const char *form; } archs[] = {
      {GL_ARCH_PLAIN, "pre"}, {GL_ARCH_RESIDUAL, "pre"}, {GL_ARCH_RESIDUAL, "post"}};
  char text[512], where[256];
  /* every form meets pool 0 and 1, both losses and both kinds of scale across the activations */
  for (size_t a = 0; a < sizeof acts / sizeof *acts; a++)
    for (size_t k = 0; k < 3; k++) {
      const int pool = (a + k) % 2, loss = (a / 2 + k) % 2;
      const char *scale = a % 2 ? "rezero" : "0.7";
      snprintf(text, sizeof text,
               "model=conv data=digits blocks=2 channels=2 pool=%d act=%s form=%s res_scale=%s "
               "loss=%s init=%s seed=%zu",
               pool, acts[a], archs[k].form, scale, loss ? "mse" : "xent",
               a == 2 ? "he" : "xavier", a * 5 + k);
      gl_net *n = conv_net(text, archs[k].arch, 6, 6, 6);
      if (!n) continue;
      perturb(n);
      double worst = check_net(n, where, sizeof where);
      CHECK(worst < 1e-6, "conv %-8s %-8s %-4s pool=%d loss=%-4s scale=%-6s max rel err %.2e at %s",
            archs[k].arch == GL_ARCH_PLAIN ? "plain" : "residual", acts[a],
            archs[k].arch == GL_ARCH_PLAIN ? "" : archs[k].form, pool, loss ? "mse" : "xent",
            archs[k].arch == GL_ARCH_PLAIN ? "-" : scale, worst, where);
      gl_free(n);
    }
  /* an odd map (7x5: pooling drops the last row and column) and the input gradient */
  gl_net *n = conv_net("model=conv data=digits blocks=3 channels=2 pool=2 act=tanh form=pre "
                       "res_scale=0.7 seed=3", GL_ARCH_RESIDUAL, 6, 7, 5);
  if (!n) return;
  perturb(n);
  double worst = check_net(n, where, sizeof where);
  CHECK(worst < 1e-6, "conv residual tanh 7x5 images, pool=2 (odd maps): max rel err %.2e at %s",
        worst, where);
  long c;
  gl_forward(n, n->data.x, n->data.y, n->data.n, &c, 1);
  gl_backward(n, n->data.n);
  worst = 0;
  for (int i = 0; i < n->data.n * n->data.d; i++) {
    double an = n->bufs[0].g[i], x0 = n->data.x[i], l[4];
    const double h = 1e-3, at[4] = {h, -h, 2 * h, -2 * h};
    for (int k = 0; k < 4; k++) {
      n->data.x[i] = x0 + at[k];
      l[k] = full_loss(n);
    }
    n->data.x[i] = x0;
    double num = (8 * (l[0] - l[1]) - (l[2] - l[3])) / (12 * h);
    worst = fmax(worst, fabs(num - an) / fmax(fmax(fabs(num), fabs(an)), 1e-7));
  }
  CHECK(worst < 1e-6, "conv net dLoss/dx of the input images: max rel err %.2e", worst);
  gl_free(n);
}

int main(void) {
  static const char *acts[] = {"sigmoid", "tanh", "relu", "leaky_relu", "linear", "gelu"};
  _Static_assert(sizeof acts / sizeof *acts == ACT_COUNT, "every activation is gradient-checked");
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
  check_conv_kernels();
  check_conv_nets();
  check_norm_kernels();
  check_norm_nets();
  return report();
}
