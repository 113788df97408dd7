/*
 * stats.c - what a record measures: per layer the gradient norm, the mean
 * activation gradient, the activation's mean, std and saturation, chi
 * measured between neighbours; finiteness checks that find where a diverged
 * step went wrong; loss and accuracy on a data set (a conv model's on its
 * first GL_CONV_EVAL images).
 */
#include <float.h>
#include <math.h>
#include <string.h>

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
  int anchor; /* the layer nearest the output whose ||dL/dW|| is not 0 (gl_measure_weights) */
} rec_job;

/* The batch sums of the weight-gradient law (gl_measure_weights) for a layer
 * whose input is x (rows, n), against the anchor layer's output gradient
 * da (rows, m):
 *   D = k sum_r |x_r|^2 |da_r|^2          (each example with itself)
 *   O = k ||x^T da||_F^2 - D  = k sum_{r != s} (x_r . x_s)(da_r . da_s)
 *                                         (each pair of different examples)
 * k = fan_in / n: 1 for a dense layer, 9/(H W) for a conv layer, whose
 * weights meet one 3x3 patch of the map at a time.  x^T da is summed in
 * blocks of 64 of its rows, each a double sum over the examples in order (a
 * stack array: a record allocates nothing), so every build and thread count
 * gives the same bits.  At the anchor itself D + O = k ||dL/dW||^2. */
/* |v|^2 of a short row in double: four partial sums (units 4k, 4k+1, ...),
 * added in that order, so the adds do not wait on one another */
static double row_sq(const gl_real *v, int n) {
  double s[4] = {0, 0, 0, 0};
  int i = 0;
  for (; i + 4 <= n; i += 4)
    for (int k = 0; k < 4; k++) s[k] += (double)v[i + k] * v[i + k];
  for (; i < n; i++) s[0] += (double)v[i] * v[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

/* x^T da's columns c and c + 1 over x's columns i0 .. i0 + w (w <= 64) into
 * a0, a1: each a double sum over the examples in order, exactly the scalar
 * acc[i] += x[r][i] * da[r][c] of law_sums, with 8 x-columns of both
 * columns in vector registers across the examples instead of an array in
 * memory loaded and stored at every example (a conv layer's x has C H W
 * columns; this loop was most of a conv record's statistics). */
typedef double law_vd __attribute__((vector_size(4 * sizeof(double)), aligned(sizeof(double))));
typedef gl_real law_vr __attribute__((vector_size(4 * sizeof(gl_real)), aligned(sizeof(gl_real))));
static void law_pair(const gl_buf *x, const gl_buf *da, int rows, int i0, int w, int c,
                     double *a0, double *a1) {
  const int n = x->n, m = da->n;
  int i = 0;
  for (; i + 8 <= w; i += 8) {
    law_vd p0 = {0}, p1 = {0}, q0 = {0}, q1 = {0};
    for (int r = 0; r < rows; r++) {
      const gl_real *xr = x->v + (size_t)r * n + i0 + i;
      law_vr u0, u1;
      memcpy(&u0, xr, sizeof u0);
      memcpy(&u1, xr + 4, sizeof u1);
      const law_vd x0 = __builtin_convertvector(u0, law_vd), x1 = __builtin_convertvector(u1, law_vd);
      const gl_real *dr = da->g + (size_t)r * m + c;
      const law_vd d0 = (double)dr[0] - (law_vd){0}, d1 = (double)dr[1] - (law_vd){0};
      p0 += x0 * d0;
      p1 += x1 * d0;
      q0 += x0 * d1;
      q1 += x1 * d1;
    }
    memcpy(a0 + i, &p0, sizeof p0);
    memcpy(a0 + i + 4, &p1, sizeof p1);
    memcpy(a1 + i, &q0, sizeof q0);
    memcpy(a1 + i + 4, &q1, sizeof q1);
  }
  for (; i < w; i++) {
    double s0 = 0, s1 = 0;
    for (int r = 0; r < rows; r++) {
      const gl_real xv = x->v[(size_t)r * n + i0 + i];
      s0 += xv * (double)da->g[(size_t)r * m + c];
      s1 += xv * (double)da->g[(size_t)r * m + c + 1];
    }
    a0[i] = s0;
    a1[i] = s1;
  }
}

static void law_sums(const gl_buf *x, const gl_buf *da, int rows, double k, double *D, double *O) {
  enum { BLK = 64 };
  const int n = x->n, m = da->n;
  double diag = 0, full = 0, acc[BLK], acc1[BLK];
  for (int r = 0; r < rows; r++)
    diag += row_sq(x->v + (size_t)r * n, n) * row_sq(da->g + (size_t)r * m, m);
  for (int i0 = 0; i0 < n; i0 += BLK) {
    const int w = n - i0 < BLK ? n - i0 : BLK;
    int c = 0;
    for (; c + 2 <= m; c += 2) {
      law_pair(x, da, rows, i0, w, c, acc, acc1);
      for (int i = 0; i < w; i++) full += acc[i] * acc[i];
      for (int i = 0; i < w; i++) full += acc1[i] * acc1[i];
    }
    for (; c < m; c++) {
      for (int i = 0; i < w; i++) acc[i] = 0;
      for (int r = 0; r < rows; r++) {
        const double dc = da->g[(size_t)r * m + c];
        const gl_real *xr = x->v + (size_t)r * n + i0;
        for (int i = 0; i < w; i++) acc[i] += xr[i] * dc;
      }
      for (int i = 0; i < w; i++) full += acc[i] * acc[i];
    }
  }
  *D = k * diag;
  *O = k * (full - diag);
}

static void measure_layer(void *p, int l, int thread) {
  const rec_job *j = (const rec_job *)p;
  gl_net *n = j->n;
  const int nl = n->n_layers, rows = j->rows;
  double *agn = n->work;            /* [0] = dL/dx, [l+1] = layer l */
  double *msq = n->work + nl + 1;   /* mean phi'^2 of the phi after layer l */
  double *rho = n->work + 4 * nl + 1, *D = rho + nl, *O = D + nl; /* (gl_internal.h) */
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
      rho[l] = act_slope_rho(n->bufs[L->act_pre].v, a->v, rows, N->C, N->S, n->s.act, N->rs,
                             bn ? NULL : N->rstd);
    } else {
      act_slope_stats(n->bufs[L->act_pre].v, a->v, cnt, n->s.act, &sq, &sat);
      rho[l] = act_slope_rho(n->bufs[L->act_pre].v, a->v, rows, 1, a->n, n->s.act, NULL, NULL);
    }
    msq[l] = sq / cnt;
    n->rec[GL_SATURATION * nl + l] = (double)sat / cnt;
  } else {
    msq[l] = 1;
    rho[l] = 1;
    n->rec[GL_SATURATION * nl + l] = 0;
  }
  if (l <= j->anchor) {
    const gl_buf *x = &n->bufs[L->in_buf];
    law_sums(x, &n->bufs[n->layers[j->anchor].out_buf], rows, (double)L->in / x->n, &D[l], &O[l]);
  } else {
    D[l] = O[l] = 0;
  }
}

void gl_measure_batch(gl_net *n, int rows) {
  const int nl = n->n_layers;
  double *agn = n->work;
  agn[0] = mean_row_norm(n->bufs[0].g, rows, n->data.d);
  int anchor = nl - 1;
  while (anchor > 0 && !(n->layer_sumsq[anchor] > 0)) anchor--;
  rec_job j = {n, rows, anchor};
  gl_parallel(nl, measure_layer, &j);
  /* dead: every layer's ||dL/dW_l|| is 0 or below the smallest normal number
   * (underflow = 1 in every layer): no weight gets a gradient it can use */
  int dead = 1;
  for (int l = 0; l < nl; l++) dead &= n->rec[GL_UNDERFLOW * nl + l] == 1.0;
  n->rec_dead = dead;
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
 *   weight_norm_l = ||W_l||, weight_var_l = var(W_l), act_slope_sq_l = mean phi'^2 and
 *   fan_in_l: chi's factors and update_ratio's denominator, each on its own
 * and the theory lines (theory_lines, below). */
/* x clamped to a double's range (NaN only from NaN) */
static double clamp_max(double x) { return x > DBL_MAX ? DBL_MAX : x; }

/* The two theory lines of the record, from the output down: mean field
 * (Schoenholz et al. 2017) with the record's chi, anchored at a measured
 * number and 0 above the anchor.
 *
 * act_grad_norm_theory predicts act_grad_norm, the back-propagated
 * ||dL/dh_l||: one layer down delta_{l-1} = phi'(h_{l-1}) (W_l^T delta_l), so
 * with W_l's entries independent of delta_l, E|delta_{l-1}|^2 = chi_l
 * E|delta_l|^2.  From the anchor a (the layer nearest the output whose
 * act_grad_norm is not 0):
 *   act_grad_norm_theory_l = act_grad_norm_a * prod_{m=l+1..a} sqrt(chi_m)
 *
 * grad_norm_theory predicts grad_norm, ||dL/dW_l||.  dL/dW_l = X_l^T Delta_l
 * with X_l (B, n) the layer's inputs and Delta_l (B, m) its output
 * gradients, one row per example, so
 *   ||dL/dW_l||^2 = sum_{r,s} (x_r . x_s)(delta_r . delta_s).
 * A term r = s is one example's |x_r|^2 |delta_r|^2: mean field's
 * E[x_l^2] E[delta_l^2].  Mean field carries the products of two examples'
 * gradients down as it carries the squares (expectations over W_l):
 *   E delta_{l-1,r} . delta_{l-1,s} = fan_in var(W_l) mean_u phi'_ru phi'_su delta_{l,r} . delta_{l,s},
 * that is chi_l for r = s and, on average over the pairs r != s, chi_l rho_l
 * (rho_l of the phi feeding layer l, as chi_l's phi'^2: how alike two
 * examples' slopes are, act_slope_rho; 1 for a linear phi, less where
 * different examples pass through different units).  So with
 * the anchor a (nearest the output with a nonzero grad_norm), its output
 * gradients Delta_a and each layer's own inputs X_l, as measured:
 *   ||dL/dW_l||^2 ~ P_l S_l,   P_l = prod_{m=l+1..a} chi_m,   S_l = D_l + R_l O_l,
 *   D_l = sum_r |x_r|^2 |Delta_a,r|^2,  O_l = sum_{r != s} (x_r . x_s)(Delta_a,r . Delta_a,s),
 *   R_l = prod_{m=l+1..a} rho_m   (law_sums; at the anchor S_a = ||dL/dW_a||^2),
 *   grad_norm_theory_l   = grad_norm_a * prod_{m=l+1..a} sqrt(chi_m) * sqrt(S_l / S_a)
 *   grad_factor_theory_l = grad_norm_theory_{l-1} / grad_norm_theory_l = sqrt(chi_l S_{l-1} / S_l)
 *                          (layers 2..a; 0 at layer 1, above the anchor and where S_l is 0).
 * The first factor is the back-propagated gradient's (the act line's), the
 * second the forward signal's: where that grows as fast as the gradient
 * shrinks (relu or linear with large weights) they cancel and the weight
 * gradients stay level while ||dL/dh|| climbs.  The forward signal is
 * measured, not the mean-field recursion q_l = var(W) E[phi(z)^2]: chi too
 * uses the batch's own phi', the measurement is exact for every network
 * (residual adds, normalisations, poolings), and for the plain stacks the
 * recursion and the measurement agree within half a decade.  The
 * pairs r != s are the batch: deep layers' inputs are alike across the
 * examples (a sigmoid's sit near 1/2) and their gradients add up, the first
 * layer's (the data) are not; without them the line misses relu's by 1.1
 * decades at depth 20, with them by 0.6 (docs/architecture.md, "Statistics").
 * Running products are clamped to a double's range (never inf, never
 * 0 * inf). */
static void theory_lines(gl_net *n) {
  const int nl = n->n_layers;
  const double *chi = n->rec + GL_CHI * nl, *gn = n->rec + GL_GRAD_NORM * nl;
  const double *agn = n->rec + GL_ACT_GRAD_NORM * nl;
  const double *rho = n->work + 4 * nl + 1, *D = rho + nl, *O = D + nl;
  double *act_th = n->rec + GL_ACT_GRAD_NORM_THEORY * nl, *th = n->rec + GL_GRAD_NORM_THEORY * nl;
  double *fac = n->rec + GL_GRAD_FACTOR_THEORY * nl;
  int a = nl - 1;
  while (a > 0 && !(agn[a] > 0)) a--;
  double back = 1; /* prod_{m=l+1..a} sqrt(chi_m) */
  for (int l = nl - 1; l >= 0; l--) {
    /* act_grad_norm_theory_l = act_grad_norm_a prod_{m=l+1..a} sqrt(chi_m) */
    act_th[l] = l > a ? 0 : clamp_max(agn[a] * back);
    if (l <= a) back = clamp_max(back * sqrt(chi[l]));
  }
  a = nl - 1;
  while (a > 0 && !(gn[a] > 0)) a--;
  const double Sa = D[a] + O[a];
  double R = 1, S_above = 0; /* R_l = prod_{m=l+1..a} rho_m; S_{l+1} */
  back = 1;                  /* sqrt(P_l) */
  for (int l = nl - 1; l >= 0; l--) {
    fac[l] = 0;
    if (l > a) {
      th[l] = 0;
      continue;
    }
    /* S_l = D_l + R_l O_l;  grad_norm_theory_l = grad_norm_a sqrt(P_l) sqrt(S_l / S_a) */
    double S = D[l] + R * O[l];
    if (!(S > 0)) S = 0; /* >= 0 in exact arithmetic (a Hadamard product of two Gram matrices) */
    th[l] = Sa > 0 ? clamp_max(gn[a] * back * sqrt(S / Sa)) : 0;
    if (l < a) fac[l + 1] = S_above > 0 ? clamp_max(sqrt(chi[l + 1] * (S / S_above))) : 0;
    S_above = S;
    back = clamp_max(back * sqrt(chi[l]));
    const int from = n->layers[l].in_from;
    R *= from >= 0 ? rho[from] : 1.0;
  }
}

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
    /* chi's factors one by one, for a layer's card (the page multiplies nothing) */
    n->rec[GL_FAN_IN * nl + l] = L->in;
    n->rec[GL_WEIGHT_VAR * nl + l] = var;
    n->rec[GL_ACT_SLOPE_SQ * nl + l] = e;
    n->rec[GL_WEIGHT_NORM * nl + l] = sqrt(w2);
    n->rec[GL_UPDATE_RATIO * nl + l] = update && w2 > 0 ? sqrt(upd[l] / w2) : 0;
    n->rec[GL_GAMMA_GRAD_NORM * nl + l] = sqrt(n->gamma_sumsq[l]);
  }
  theory_lines(n);
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
