/*
 * stats.c - what a record measures: per layer the gradient norm, the mean
 * activation gradient, the activation's mean, std and saturation, chi
 * measured between neighbours; finiteness checks that find where a diverged
 * step went wrong; loss and accuracy on a data set (a conv model's on its
 * first GL_CONV_EVAL images).
 */
#include <float.h>
#include <math.h>

#include "gl_internal.h"

#ifdef GL_DOUBLE
#define GL_REAL_MIN DBL_MIN
#else
#define GL_REAL_MIN FLT_MIN
#endif

static int all_finite(const gl_real *v, size_t n) {
  gl_real acc = 0;
  for (size_t i = 0; i < n; i++) acc += v[i] * 0; /* NaN/Inf poison the sum */
  return acc == 0;
}

/* Mean over rows of the L2 norm of each row of g (rows, f). */
static double mean_row_norm(const gl_real *g, int rows, int f) {
  double s = 0;
  for (int r = 0; r < rows; r++) s += sqrt(sum_sq(g + (size_t)r * f, (size_t)f));
  return s / rows;
}

/* First non-finite value in forward order -> its layer (1-based), 0 if none. */
int gl_first_nonfinite_forward(gl_net *n, int rows) {
  int layer = 0;
  for (int i = 0; i < n->n_ops; i++) {
    const gl_op *op = &n->ops[i];
    if (op->type == OP_LIN || op->type == OP_CONV) layer = op->layer + 1;
    const gl_buf *o = &n->bufs[op->out];
    if (!all_finite(o->v, (size_t)rows * o->n)) return layer;
  }
  return 0;
}

/* Loss and accuracy on the first `count` examples of a data set (the
 * training or the test split; count >= ds->n: all of it) at the current
 * parameters, in chunks of cap rows, in evaluation mode:
 *   loss = (1/N) sum_{i<N} loss_i,  acc = (1/N) #{i < N : argmax logits_i = y_i}. */
void gl_evaluate(gl_net *n, const gl_dataset *ds, int count, double *loss, double *acc) {
  double L = 0;
  long ok = 0;
  const int d = ds->d, N = count < ds->n ? count : ds->n;
  n->norm_eval = 1; /* batch norm: the running statistics (PyTorch's model.eval()) */
  for (int r0 = 0; r0 < N; r0 += n->cap) {
    int rows = N - r0 < n->cap ? N - r0 : n->cap;
    long c = 0;
    L += gl_forward(n, ds->x + (size_t)r0 * d, ds->y + r0, rows, &c, 0);
    ok += c;
  }
  n->norm_eval = 0;
  *loss = L / N;
  *acc = (double)ok / N;
}

/* Everything in the record that comes from the batch just back-propagated:
 * layer by layer on the helper threads (each layer's numbers are its own
 * sums, so the thread that takes it does not matter), then chi_measured,
 * which compares neighbours. */
typedef struct {
  gl_net *n;
  int rows;
} rec_job;

static void measure_layer(void *p, int l, int thread) {
  const rec_job *j = (const rec_job *)p;
  gl_net *n = j->n;
  const int nl = n->n_layers, rows = j->rows;
  double *agn = n->work;            /* [0] = dL/dx, [l+1] = layer l */
  double *msq = n->work + nl + 1;   /* mean phi'^2 of the phi after layer l */
  const gl_layer *L = &n->layers[l];
  double gn = sqrt(n->layer_sumsq[l]);
  n->rec[GL_GRAD_NORM * nl + l] = gn;
  n->rec[GL_UNDERFLOW * nl + l] = gn < GL_REAL_MIN ? 1.0 : 0.0;
  agn[l + 1] = mean_row_norm(n->bufs[L->out_buf].g, rows, n->bufs[L->out_buf].n);
  n->rec[GL_ACT_GRAD_NORM * nl + l] = agn[l + 1];
  /* the activation that consumes this layer's output (logits for the last) */
  const gl_buf *a = &n->bufs[L->act_post >= 0 ? L->act_post : L->out_buf];
  const size_t cnt = (size_t)rows * a->n;
  double mean, var;
  mean_var(a->v, cnt, &mean, &var);
  n->rec[GL_ACT_MEAN * nl + l] = mean;
  n->rec[GL_ACT_STD * nl + l] = var > 0 ? sqrt(var) : 0;
  n->rec[GL_ACT_UNIT_STD * nl + l] = gl_act_unit_std(n, l, rows); /* hist.c */
  gl_hist_layer(n, l, rows);                                      /* hist.c */
  if (L->act_pre >= 0) {
    double sq;
    long sat;
    if (L->act_norm >= 0) {
      /* a normalisation feeds phi: chi's factor per unit is phi'(z)^2 (gamma rstd)^2
       * (batch norm: rstd per channel; layer norm: per row) */
      const gl_norm *N = &n->norms[L->act_norm];
      const gl_real *gamma = n->params + n->layers[N->layer].g_off;
      const int bn = n->s.norm == NORM_BATCH;
      for (int c = 0; c < N->C; c++) N->rs[c] = bn ? gamma[c] * N->rstd[c] : gamma[c];
      act_slope_stats_norm(n->bufs[L->act_pre].v, a->v, rows, N->C, N->S, n->s.act, N->rs,
                           bn ? NULL : N->rstd, &sq, &sat);
    } else {
      act_slope_stats(n->bufs[L->act_pre].v, a->v, cnt, n->s.act, &sq, &sat);
    }
    msq[l] = sq / cnt;
    n->rec[GL_SATURATION * nl + l] = (double)sat / cnt;
  } else {
    msq[l] = 1;
    n->rec[GL_SATURATION * nl + l] = 0;
  }
}

void gl_measure_batch(gl_net *n, int rows) {
  const int nl = n->n_layers;
  double *agn = n->work;
  agn[0] = mean_row_norm(n->bufs[0].g, rows, n->data.d);
  rec_job j = {n, rows};
  gl_parallel(nl, measure_layer, &j);
  for (int l = 0; l < nl; l++) {
    double below = agn[l], here = agn[l + 1];
    n->rec[GL_CHI_MEASURED * nl + l] = here > 0 ? (below / here) * (below / here) : 0;
    /* the same factor unsquared: what layer l multiplied ||dL/dh|| by on its way down */
    n->rec[GL_CHAIN_FACTOR * nl + l] = here > 0 ? below / here : 0;
    /* prod_{m >= l} agn[m-1]/agn[m] telescopes to agn[l-1] / agn[last] */
    n->rec[GL_CHAIN_PRODUCT * nl + l] = agn[nl] > 0 ? below / agn[nl] : 0;
  }
}

/* What the record takes from the weights, after the optimiser has run (with
 * update: wmean/wvar are W's mean and variance before the update and upd its
 * ||delta W||^2, from gl_optim_step; without, the mean and variance of W now):
 *   chi_l          = fan_in * var(W_l) * mean phi'(z)^2 of the phi feeding layer l
 *                    (times (gamma rstd)^2 per unit where a normalisation feeds that phi)
 *   gamma_grad_norm_l = ||dgamma|| of the normalisation on layer l's way out
 *   update_ratio_l = ||delta W_l|| / ||W_l||,  ||W||^2 = nw (var + mean^2)
 * and the theory line: anchored at the layer nearest the output whose
 * gradient is not zero (the output layer, unless training has zeroed its
 * gradient), one factor sqrt(chi) per layer below it; 0 above the anchor. */
void gl_measure_weights(gl_net *n, int update, const double *upd, const double *wvar,
                        const double *wmean) {
  const int nl = n->n_layers;
  for (int l = 0; l < nl; l++) {
    const gl_layer *L = &n->layers[l];
    const gl_real *W = n->params + L->w_off;
    const size_t nw = (size_t)L->in * L->out;
    double mean, var;
    if (update) {
      mean = wmean[l];
      var = wvar[l];
    } else {
      mean_var(W, nw, &mean, &var);
    }
    const double w2 = nw * (var + mean * mean); /* ||W||^2 */
    const double *msq = n->work + nl + 1;
    double e = L->in_from >= 0 ? msq[L->in_from] : 1.0;
    n->rec[GL_CHI * nl + l] = L->in * var * e;
    n->rec[GL_UPDATE_RATIO * nl + l] = update && w2 > 0 ? sqrt(upd[l] / w2) : 0;
    n->rec[GL_GAMMA_GRAD_NORM * nl + l] = sqrt(n->gamma_sumsq[l]);
  }
  int anchor = nl - 1;
  while (anchor > 0 && !(n->rec[GL_GRAD_NORM * nl + anchor] > 0)) anchor--;
  double pred = n->rec[GL_GRAD_NORM * nl + anchor];
  for (int l = nl - 1; l >= 0; l--) {
    n->rec[GL_GRAD_NORM_THEORY * nl + l] = l > anchor ? 0 : pred;
    if (l <= anchor) pred *= sqrt(n->rec[GL_CHI * nl + l]);
  }
  /* the mean-field chain: sqrt(chi_l) per layer and prod_{m >= l} sqrt(chi_m) from the
   * output down (a double holds 10^-308 .. 10^308: clamped, never 0 * inf or inf) */
  double prod = 1;
  for (int l = nl - 1; l >= 0; l--) {
    const double f = sqrt(n->rec[GL_CHI * nl + l]);
    n->rec[GL_CHAIN_FACTOR_THEORY * nl + l] = f;
    prod *= f;
    if (!(prod <= DBL_MAX)) prod = DBL_MAX;
    n->rec[GL_CHAIN_PRODUCT_THEORY * nl + l] = prod;
  }
}
