/*
 * optim.c - SGD, SGD with momentum and Adam over the flat parameter array,
 * with global-norm clipping applied as a scale on the gradient.
 *
 * When statistics are wanted, the same call also takes, per layer, the
 * squared update ||delta W||^2 and the weights' mean and variance before the
 * update (for update_ratio and chi's var(W)).
 */
#include <math.h>

#include "gl_internal.h"

typedef struct {
  int kind;
  gl_real lr, mu, b1, b2, eps, c1, c2; /* c1, c2: Adam bias corrections */
} opt_params;

/* Updates p[0..n) from g[0..n) (times cs); returns sum of delta^2 (0 for
 * plain SGD, see gl_optim_step, and without statistics) and, via wm/wv, the
 * mean and variance of p before the update. */
static inline gl_real delta_of(const opt_params *o, size_t i, gl_real gi, gl_real *restrict m1,
                               gl_real *restrict m2) {
  if (o->kind == OPT_SGD) return -o->lr * gi;
  if (o->kind == OPT_MOMENTUM) {
    m1[i] = o->mu * m1[i] + gi; /* v = mu v + g;  p -= lr v */
    return -o->lr * m1[i];
  }
  m1[i] = o->b1 * m1[i] + (1 - o->b1) * gi; /* Adam, bias-corrected */
  m2[i] = o->b2 * m2[i] + (1 - o->b2) * gi * gi;
  return -o->lr * (m1[i] / o->c1) / ((gl_real)sqrt((double)(m2[i] / o->c2)) + o->eps);
}

#define LANES 8

static double update_range(const opt_params *o, gl_real *restrict p, const gl_real *restrict g,
                           gl_real *restrict m1, gl_real *restrict m2, size_t n, gl_real cs,
                           double *wm, double *wv) {
  if (o->kind == OPT_SGD) { /* ||delta||^2: gl_optim_step takes it from ||g||^2 */
    const gl_real lr = o->lr;
    if (wm) mean_var_update(p, n, wm, wv, g, -lr, cs); /* statistics before the update, one pass */
    else
      for (size_t i = 0; i < n; i++) p[i] += -lr * (g[i] * cs);
    return 0;
  }
  if (!wm) { /* no statistics: one elementwise pass */
    for (size_t i = 0; i < n; i++) p[i] += delta_of(o, i, g[i] * cs, m1, m2);
    return 0;
  }
  mean_var(p, n, wm, wv); /* the weights before the update */
  double acc[LANES] = {0}, dsq = 0;
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int k = 0; k < LANES; k++) {
      gl_real d = delta_of(o, i + k, g[i + k] * cs, m1, m2);
      p[i + k] += d;
      acc[k] += (double)d * d;
    }
  for (; i < n; i++) {
    gl_real d = delta_of(o, i, g[i] * cs, m1, m2);
    p[i] += d;
    dsq += (double)d * d;
  }
  for (int k = 0; k < LANES; k++) dsq += acc[k];
  return dsq;
}

typedef struct {
  gl_net *n;
  opt_params o;
  gl_real cs;
  double *upd_sumsq, *w_var, *w_mean;
} step_job;

/* Layer l's weights and bias: its own numbers, on whichever thread takes it. */
static void step_layer(void *p, int l, int thread) {
  const step_job *j = (const step_job *)p;
  gl_net *n = j->n;
  gl_real *m1 = n->m1, *m2 = n->m2;
  const gl_layer *L = &n->layers[l];
  const size_t nw = (size_t)L->in * L->out;
  double dsq = update_range(&j->o, n->params + L->w_off, n->grads + L->w_off,
                            m1 ? m1 + L->w_off : 0, m2 ? m2 + L->w_off : 0, nw, j->cs,
                            j->w_mean ? &j->w_mean[l] : 0, j->w_var ? &j->w_var[l] : 0);
  /* plain SGD: delta = -lr cs g, so ||delta||^2 comes from the gradient's
   * sum of squares already taken for clipping (up to float rounding of
   * delta, ~1e-7 relative) instead of a third double-precision sum */
  if (j->o.kind == OPT_SGD)
    dsq = (double)j->o.lr * j->o.lr * j->cs * j->cs * n->layer_sumsq[l];
  if (j->upd_sumsq) j->upd_sumsq[l] = dsq;
  update_range(&j->o, n->params + L->b_off, n->grads + L->b_off, m1 ? m1 + L->b_off : 0,
               m2 ? m2 + L->b_off : 0, (size_t)L->out, j->cs, 0, 0);
  if (L->norm >= 0) /* its normalisation's gamma and beta, like any weight */
    update_range(&j->o, n->params + L->g_off, n->grads + L->g_off, m1 ? m1 + L->g_off : 0,
                 m2 ? m2 + L->g_off : 0, 2 * (size_t)n->norms[L->norm].C, j->cs, 0, 0);
}

void gl_optim_step(gl_net *n, double clip_scale, double *upd_sumsq, double *w_var,
                   double *w_mean) {
  step_job j = {n, {0}, (gl_real)clip_scale, upd_sumsq, w_var, w_mean};
  opt_params *o = &j.o;
  o->kind = n->s.optimizer;
  o->lr = (gl_real)n->s.lr;
  o->mu = (gl_real)n->s.momentum;
  o->b1 = (gl_real)0.9;
  o->b2 = (gl_real)0.999;
  o->eps = (gl_real)1e-8;
  const double t = (double)n->t + 1;
  o->c1 = (gl_real)(1 - pow(0.9, t));
  o->c2 = (gl_real)(1 - pow(0.999, t));
  gl_parallel(n->n_layers, step_layer, &j);
  gl_real *m1 = n->m1, *m2 = n->m2;
  if (n->s.res_scale_kind == SCALE_REZERO && n->n_blocks)
    update_range(o, n->params + n->alpha_off, n->grads + n->alpha_off,
                 m1 ? m1 + n->alpha_off : 0, m2 ? m2 + n->alpha_off : 0, (size_t)n->n_blocks,
                 j.cs, 0, 0);
}
