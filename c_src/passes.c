/*
 * passes.c - the forward and backward passes over a network's op list
 * (graph.c), cut into blocks of rows for the helper threads (pool.c).
 *
 * Forward runs the ops in order and ends in the loss; backward runs them in
 * reverse, each op writing (op->acc_in = 0: the first contribution) or adding
 * (1: another op wrote it first) into the gradient of its inputs; then dW and
 * db layer by layer, and a residual scale's gradient.
 */
#include <string.h>

#include "gl_internal.h"

gl_real gl_block_scale(const gl_net *net, int block) { return net->params[net->alpha_off + block]; }

/* On helper threads (pool.c) a dense network's batch is cut into blocks of
 * rows, one per thread: the forward pass, the loss and the backward chain
 * dL/dx only ever mix values within a row, so each block runs through every
 * op on one thread, without waiting for the others.  The sums over rows (dW,
 * db, a residual scale's gradient, the loss) are not cut: dW and db go by
 * layer, one thread per layer, and the loss is summed row by row afterwards.
 * So every thread count gives the same bits.  Batch norm in training mode
 * mixes the rows: around it the list runs in phases (batch_phases).  A conv
 * network stays one block
 * (its kernels share n->scratch); its products split instead (gemm_nn), the
 * copies around them go image by image (conv.c), the bias gradient by
 * channel, and its other ops by contiguous runs (ew_op, below). */
static int row_blocks(const gl_net *n, int rows, int *step) {
  const int t = gl_threads_get(), r = n->row_align;
  if (n->s.model == MODEL_CONV || t <= 1 || rows < 2 * r) {
    *step = rows;
    return 1;
  }
  /* one block per thread (more, so that a slowed thread loses only its
   * last, measured no better here), a whole number of row_align rows, so
   * that no two blocks share a cache line of any buffer (blocks of 4 rows
   * of W1 did: 3x slower) */
  int st = (rows + t - 1) / t;
  st = (st + r - 1) / r * r;
  *step = st;
  return (rows + st - 1) / st;
}

#define VAL(buf) (n->bufs[buf].v + (size_t)r0 * n->bufs[buf].n)
#define GRD(buf) (n->bufs[buf].g + (size_t)r0 * n->bufs[buf].n)

/* Batch norm in training mode sums over every row: on several blocks of
 * rows the op list runs in phases.  Forward, at each batch norm:
 *   on one thread, over all rows:   mu_c, rstd_c (and the running statistics)
 *   then by blocks of rows:         y = gamma_c (z - mu_c) rstd_c + beta_c and
 *                                   every op up to the next batch norm
 * Backward, from the output down, at each batch norm:
 *   on one thread, over all rows:   dgamma, dbeta and dz's coefficients
 *                                   a = gamma rstd, k1 = sum(dy)/B, k2 = sum(dy zhat)/B
 *   then by blocks of rows:         dz (+)= a (dy - k1 - zhat k2) and every op
 *                                   down to the next batch norm
 * The sums are whole, as in one block (the same bits), and only the
 * serial step reads other blocks' rows: each block's normalised rows and
 * its dz stay on its own thread (docs/performance.md has the measurements,
 * and a cut of each layer by features that measured slower).  Layer norm
 * and evaluation mode are row by row. */
static int batch_phases(const gl_net *n, int nb) {
  return nb > 1 && n->s.norm == NORM_BATCH && !n->norm_eval;
}

/* A conv net's batch norm (one block of rows, N*H*W values per channel):
 * one channel per chunk on the threads, each channel's sums on one thread
 * (called from inside a block, a helper's call runs serially: pool.c). */
typedef struct {
  gl_net *n;
  const gl_op *op;
  int rows;
} norm_job;

static void norm_channels_forward(void *p, int c, int thread) {
  const norm_job *j = (const norm_job *)p;
  gl_net *n = j->n;
  gl_norm *N = &n->norms[j->op->layer];
  const gl_real *gamma = n->params + n->layers[N->layer].g_off, *beta = gamma + N->C;
  batchnorm_forward_channels(n->bufs[j->op->out].v, N->mean, N->rstd, N->var, n->bufs[j->op->in].v,
                             gamma, beta, j->rows, N->C, N->S, c, c + 1);
}

static void norm_channels_backward(void *p, int c, int thread) {
  const norm_job *j = (const norm_job *)p;
  gl_net *n = j->n;
  const gl_norm *N = &n->norms[j->op->layer];
  const size_t go = n->layers[N->layer].g_off;
  batchnorm_backward_channels(n->bufs[j->op->in].g, n->grads + go, n->grads + go + N->C,
                              n->bufs[j->op->out].g, n->bufs[j->op->in].v, n->params + go, N->mean,
                              N->rstd, j->rows, N->C, N->S, j->op->acc_in, c, c + 1);
}

/* The running statistics take the batch's just computed, when the step
 * says so (step.c: norm_update; started from it until a training step has). */
static void norm_running(gl_net *n, gl_norm *N, int rows) {
  if (n->norm_update)
    batchnorm_running_update(N->run_mean, N->run_var, N->run_rstd, N->mean, N->var, N->C,
                             (double)rows * N->S, n->norm_started < 2);
}

/* Training mode over all rows: mu, rstd, var of the batch, then the running
 * statistics take it. */
static void norm_stats(gl_net *n, gl_norm *N, const gl_op *op, int rows) {
  batchnorm_stats_channels(N->mean, N->rstd, N->var, n->bufs[op->in].v, rows, N->C, N->S, 0, N->C);
  norm_running(n, N, rows);
}

/* A conv network is one block of rows (row_blocks), so its ops that are
 * not products would run on one thread: activations, residual adds, 2x2 and
 * global average pooling, and (evaluation mode, layer norm) normalisation.
 * They split instead into contiguous runs of units -- elements, whole
 * (image, channel) maps for pooling, rows for a normalisation -- a run per
 * chunk of gl_parallel.  Each output element is computed from its own inputs
 * alone, in the same order as on one thread (a map's pooling sum, a row's
 * layer norm statistics stay on one thread), so which thread computes it
 * changes no bit.  An op of fewer than EW_MIN values (a few microseconds'
 * work: the wake-up would cost more) stays on the calling thread. */
#define EW_MIN 16384
#define EW_CHUNKS_PER_THREAD 2

typedef struct {
  gl_net *n;
  const gl_op *op;
  int r0, bwd;
  size_t units, step; /* units in all; per chunk */
} ew_job;

#define EVAL(buf) (n->bufs[buf].v + (size_t)j->r0 * n->bufs[buf].n)
#define EGRD(buf) (n->bufs[buf].g + (size_t)j->r0 * n->bufs[buf].n)

/* units [a, b) of op: elements (activation, residual add), maps of h x w
 * (pooling) or rows (normalisation) */
static void ew_run(const ew_job *j, size_t a, size_t b) {
  gl_net *n = j->n;
  const gl_op *op = j->op;
  const size_t len = b - a;
  switch (op->type) {
  case OP_ACT:
    if (j->bwd)
      act_backward(EGRD(op->in) + a, EGRD(op->out) + a, EVAL(op->in) + a, EVAL(op->out) + a, len,
                   n->s.act, op->acc_in);
    else act_forward(EVAL(op->out) + a, EVAL(op->in) + a, len, n->s.act);
    break;
  case OP_ADD:
    if (j->bwd)
      residual_backward(EGRD(op->in) + a, EGRD(op->in2) + a, EGRD(op->out) + a,
                        gl_block_scale(n, op->layer), (gl_real)n->keep_shortcut, len, op->acc_in,
                        op->acc_in2);
    else
      residual_forward(EVAL(op->out) + a, EVAL(op->in) + a, EVAL(op->in2) + a,
                       gl_block_scale(n, op->layer), (gl_real)n->keep_shortcut, len);
    break;
  case OP_POOL: {
    const size_t hw = (size_t)op->h * op->w, ohw = (size_t)(op->h / 2) * (op->w / 2);
    if (j->bwd)
      avgpool2_backward(EGRD(op->in) + a * hw, EGRD(op->out) + a * ohw, 1, (int)len, op->h, op->w,
                        op->acc_in);
    else avgpool2_forward(EVAL(op->out) + a * ohw, EVAL(op->in) + a * hw, 1, (int)len, op->h, op->w);
    break;
  }
  case OP_GAP: {
    const int hw = op->h * op->w;
    if (j->bwd)
      gap_backward(EGRD(op->in) + a * hw, EGRD(op->out) + a, 1, (int)len, hw, op->acc_in);
    else gap_forward(EVAL(op->out) + a, EVAL(op->in) + a * hw, 1, (int)len, hw);
    break;
  }
  case OP_NORM: { /* rows: evaluation-mode batch norm, layer norm */
    gl_norm *N = &n->norms[op->layer];
    const size_t go = n->layers[N->layer].g_off, f = (size_t)N->C * N->S;
    const gl_real *gamma = n->params + go, *beta = gamma + N->C;
    if (j->bwd)
      layernorm_backward(EGRD(op->in) + a * f, NULL, NULL, EGRD(op->out) + a * f,
                         EVAL(op->in) + a * f, gamma, N->mean + j->r0 + a, N->rstd + j->r0 + a,
                         (int)len, N->C, N->S, op->acc_in);
    else if (n->s.norm == NORM_LAYER)
      layernorm_forward(EVAL(op->out) + a * f, N->mean + j->r0 + a, N->rstd + j->r0 + a,
                        EVAL(op->in) + a * f, gamma, beta, (int)len, N->C, N->S);
    else
      batchnorm_eval_forward(EVAL(op->out) + a * f, EVAL(op->in) + a * f, gamma, beta,
                             N->run_mean, N->run_rstd, (int)len, N->C, N->S);
    break;
  }
  case OP_LIN:
  case OP_CONV: break; /* not split here */
  }
}

#undef EVAL
#undef EGRD

static void ew_chunk(void *p, int c, int thread) {
  (void)thread;
  const ew_job *j = (const ew_job *)p;
  const size_t a = (size_t)c * j->step, b = a + j->step < j->units ? a + j->step : j->units;
  ew_run(j, a, b);
}

/* op over its m rows from row r0, split when split is set (one block of rows
 * on several threads) and the op is large enough */
static void ew_op(gl_net *n, const gl_op *op, int r0, int m, int bwd, int split) {
  const gl_buf *in = &n->bufs[op->in];
  ew_job j = {n, op, r0, bwd, 0, 0};
  size_t per = 1; /* values of the input per unit */
  switch (op->type) {
  case OP_POOL: case OP_GAP: j.units = (size_t)m * op->c; per = (size_t)op->h * op->w; break;
  case OP_NORM: j.units = (size_t)m; per = (size_t)in->n; break;
  default: j.units = (size_t)m * in->n;
  }
  const int t = split ? gl_threads_get() : 1;
  size_t chunks = (size_t)t * EW_CHUNKS_PER_THREAD;
  if (chunks > j.units * per / EW_MIN) chunks = j.units * per / EW_MIN;
  if (chunks > j.units) chunks = j.units;
  if (chunks <= 1) {
    ew_run(&j, 0, j.units);
    return;
  }
  j.step = (j.units + chunks - 1) / chunks;
  if (per == 1) j.step = (j.step + 15) / 16 * 16; /* whole 64-byte lines of floats per chunk */
  gl_parallel((int)((j.units + j.step - 1) / j.step), ew_chunk, &j);
}

typedef struct {
  gl_net *n;
  const gl_real *x;
  const int32_t *y;
  int rows, step, want_grad;
  int op0, op1;       /* the ops this call runs: [op0, op1) */
  int phased;         /* batch norm in phases: op0's statistics are done (batch_phases) */
  int split;          /* one block on several threads: ops split by ew_op */
  long correct[GL_MAX_THREADS];
} fwd_job;

static void forward_block(void *p, int blk, int thread) {
  fwd_job *j = (fwd_job *)p;
  gl_net *n = j->n;
  const int r0 = blk * j->step, m = j->rows - r0 < j->step ? j->rows - r0 : j->step;
  const int d = n->data.d;
  if (j->op0 == 0) memcpy(VAL(0), j->x + (size_t)r0 * d, sizeof(gl_real) * (size_t)m * d);
  for (int i = j->op0; i < j->op1; i++) {
    const gl_op *op = &n->ops[i];
    switch (op->type) {
    case OP_LIN: {
      const gl_layer *L = &n->layers[op->layer];
      dense_forward(VAL(op->out), VAL(op->in), n->params + L->w_off, n->params + L->b_off, m, L->in,
                    L->out);
      break;
    }
    case OP_ACT: ew_op(n, op, r0, m, 0, j->split); break;
    case OP_CONV: {
      const gl_layer *L = &n->layers[op->layer];
      conv3x3_forward(VAL(op->out), VAL(op->in), n->params + L->w_off, n->params + L->b_off, m,
                      L->in / 9, L->out, L->h, L->w, n->scratch);
      break;
    }
    case OP_POOL:
    case OP_GAP: ew_op(n, op, r0, m, 0, j->split); break;
    case OP_NORM: {
      gl_norm *N = &n->norms[op->layer];
      const gl_real *gamma = n->params + n->layers[N->layer].g_off, *beta = gamma + N->C;
      if (n->s.norm == NORM_LAYER || n->norm_eval) { /* row by row */
        ew_op(n, op, r0, m, 0, j->split);
      } else if (j->phased) { /* training, several blocks: the statistics are done */
        batchnorm_normalise(VAL(op->out), VAL(op->in), gamma, beta, N->mean, N->rstd, m, N->C,
                            N->S);
      } else if (N->S > 1) { /* training, a conv net (one block): by channel */
        norm_job nj = {n, op, m};
        gl_parallel(N->C, norm_channels_forward, &nj);
        norm_running(n, N, m);
      } else { /* training, one block */
        norm_stats(n, N, op, m);
        batchnorm_normalise(VAL(op->out), VAL(op->in), gamma, beta, N->mean, N->rstd, m, N->C,
                            N->S);
      }
      break;
    }
    case OP_ADD: ew_op(n, op, r0, m, 0, j->split);
    }
  }
  if (!j->y || j->op1 < n->n_ops) return;
  const int lg = n->ops[n->n_ops - 1].out, C = n->bufs[lg].n;
  gl_real *dl = j->want_grad ? GRD(lg) : NULL;
  if (n->s.loss == LOSS_MSE)
    mse_forward_backward(dl, VAL(lg), j->y + r0, m, C, 1.0 / j->rows, &j->correct[blk],
                         n->row_loss + r0);
  else
    softmax_xent_forward_backward(dl, VAL(lg), j->y + r0, m, C, 1.0 / j->rows, &j->correct[blk],
                                  n->row_loss + r0);
}

double gl_forward(gl_net *n, const gl_real *x, const int32_t *y, int rows, long *correct,
                  int want_grad) {
  fwd_job j = {n, x, y, rows, 0, want_grad, 0, n->n_ops, 0, 0, {0}};
  const int nb = row_blocks(n, rows, &j.step);
  j.split = nb == 1 && gl_threads_get() > 1;
  if (batch_phases(n, nb)) { /* phases [i, next batch norm), i = 0 or a batch norm */
    for (int i = 0; i < n->n_ops;) {
      int k = i + 1;
      while (k < n->n_ops && n->ops[k].type != OP_NORM) k++;
      j.phased = n->ops[i].type == OP_NORM;
      if (j.phased) norm_stats(n, &n->norms[n->ops[i].layer], &n->ops[i], rows);
      j.op0 = i;
      j.op1 = k;
      gl_parallel(nb, forward_block, &j);
      i = k;
    }
  } else {
    gl_parallel(nb, forward_block, &j);
  }
  if (!y) return 0;
  double loss = 0;
  long ok = 0;
  for (int r = 0; r < rows; r++) loss += n->row_loss[r];
  for (int b = 0; b < nb; b++) ok += j.correct[b];
  *correct = ok;
  return loss;
}

typedef struct {
  gl_net *n;
  int rows, step;
  int op0, op1;       /* the ops this call runs, last to first: [op0, op1) */
  int phased;         /* batch norm in phases: the coefficients of the batch norm at op1 - 1 are done */
  int dw_now;         /* one thread: each layer's dW right after its dx (gl_backward) */
  int split;          /* one block on several threads: ops split by ew_op */
} bwd_job;

static void weight_grads(void *p, int l, int thread);

static void backward_block(void *p, int blk, int thread) {
  bwd_job *j = (bwd_job *)p;
  gl_net *n = j->n;
  const int r0 = blk * j->step, m = j->rows - r0 < j->step ? j->rows - r0 : j->step;
  for (int i = j->op1 - 1; i >= j->op0; i--) {
    const gl_op *op = &n->ops[i];
    switch (op->type) {
    case OP_LIN: {
      /* dx (+)= dy W^T, computed as dx^T (+)= W dy^T: W is read as it is,
       * already in this core's cache from the forward pass (a W^T written
       * by another core would have to travel); the two transposes are of
       * this block's rows only.  Each element still sums its products in
       * order k = 0 .. out-1, onto the old dx when adding: the same bits.
       * dW and db go by layer, in weight_grads. */
      const gl_layer *L = &n->layers[op->layer];
      gl_real *sc = n->tscratch + (size_t)thread * n->ts_each;
      if (m < gemm_tile_cols()) { /* too few rows for a tile (AVX-512: 32): dy W^T, W^T of our own */
        transpose(sc, n->params + L->w_off, L->in, L->out);
        gemm_nn(m, L->in, L->out, GRD(op->out), L->out, sc, L->in, GRD(op->in), L->in, op->acc_in);
        break;
      }
      gl_real *dyT = sc, *dxT = sc + (size_t)L->out * m;
      transpose(dyT, GRD(op->out), m, L->out);
      if (op->acc_in) transpose(dxT, GRD(op->in), m, L->in);
      gemm_nn(L->in, m, L->out, n->params + L->w_off, L->out, dyT, m, dxT, m, op->acc_in);
      transpose(GRD(op->in), dxT, L->in, m);
      break;
    }
    case OP_ACT: ew_op(n, op, r0, m, 1, j->split); break;
    case OP_CONV: {
      const gl_layer *L = &n->layers[op->layer];
      conv3x3_backward(GRD(op->in), n->grads + L->w_off, n->grads + L->b_off, GRD(op->out),
                       VAL(op->in), n->params + L->w_off, m, L->in / 9, L->out, L->h, L->w,
                       op->acc_in, n->scratch);
      break;
    }
    case OP_POOL:
    case OP_GAP: ew_op(n, op, r0, m, 1, j->split); break;
    case OP_NORM: { /* batch norm: dgamma, dbeta too (one block); layer norm: in weight_grads */
      const gl_norm *N = &n->norms[op->layer];
      const size_t go = n->layers[N->layer].g_off;
      if (n->s.norm == NORM_LAYER) /* row by row; dgamma, dbeta in weight_grads */
        ew_op(n, op, r0, m, 1, j->split);
      else if (j->phased) /* several blocks: the coefficients are done */
        batchnorm_backward_rows(GRD(op->in), GRD(op->out), VAL(op->in), N->ca, N->ck1, N->ck2,
                                N->mean, N->rstd, m, N->C, op->acc_in);
      else if (N->S > 1) { /* a conv net (one block): by channel */
        norm_job nj = {n, op, m};
        gl_parallel(N->C, norm_channels_backward, &nj);
      } else
        batchnorm_backward(GRD(op->in), n->grads + go, n->grads + go + N->C, GRD(op->out),
                           VAL(op->in), n->params + go, N->mean, N->rstd, m, N->C, N->S,
                           op->acc_in);
      break;
    }
    case OP_ADD: ew_op(n, op, r0, m, 1, j->split);
    }
    if (j->dw_now && (op->type == OP_LIN || op->type == OP_CONV)) weight_grads(j, op->layer, thread);
  }
}

/* dW (in, out) = x^T dy and db = the sum of dy's rows, for dense layer l
 * (a conv layer's came with its backward op); then ||dW||^2 and ||db||^2
 * of layer l, while they are in this core's cache. */
static void weight_grads(void *p, int l, int thread) {
  bwd_job *j = (bwd_job *)p;
  gl_net *n = j->n;
  const gl_layer *L = &n->layers[l];
  gl_real *dW = n->grads + L->w_off, *db = n->grads + L->b_off;
  if (L->k2 == 1) {
    const int rows = j->rows, out = L->out;
    gl_real *xT = n->tscratch + (size_t)thread * n->ts_each;
    transpose(xT, n->bufs[L->in_buf].v, rows, L->in);
    gemm_nn(L->in, out, rows, xT, rows, n->bufs[L->out_buf].g, out, dW, out, 0);
    for (int c = 0; c < out; c++) db[c] = 0;
    for (int r = 0; r < rows; r++) {
      const gl_real *g = n->bufs[L->out_buf].g + (size_t)r * out;
      for (int c = 0; c < out; c++) db[c] += g[c];
    }
  }
  n->layer_sumsq[l] = sum_sq(dW, (size_t)L->in * L->out);
  n->bias_sumsq[l] = sum_sq(db, (size_t)L->out);
  n->norm_sumsq[l] = n->gamma_sumsq[l] = 0;
  if (L->norm < 0) return;
  /* the normalisation's dgamma, dbeta (layer norm: sums over every row, here) */
  const gl_norm *N = &n->norms[L->norm];
  gl_real *dg = n->grads + L->g_off;
  if (n->s.norm == NORM_LAYER) {
    const gl_op *op = &n->ops[0];
    while (!(op->type == OP_NORM && op->layer == L->norm)) op++;
    layernorm_backward(NULL, dg, dg + N->C, n->bufs[op->out].g, n->bufs[op->in].v,
                       n->params + L->g_off, N->mean, N->rstd, j->rows, N->C, N->S, 0);
  }
  n->gamma_sumsq[l] = sum_sq(dg, (size_t)N->C);
  n->norm_sumsq[l] = n->gamma_sumsq[l] + sum_sq(dg + N->C, (size_t)N->C);
}

void gl_backward(gl_net *n, int rows) {
  /* On one thread each layer's dW = x^T dy is taken as soon as its dy is
   * complete (its backward op has run): dy is then in cache, and x is what
   * the phi below reads next.  On several threads, by layer at the end. */
  bwd_job j = {n, rows, 0, 0, n->n_ops, 0, gl_threads_get() == 1, 0};
  const int nb = row_blocks(n, rows, &j.step);
  j.split = nb == 1 && !j.dw_now;
  for (int k = 0; k < n->n_norms; k++) /* dgamma, dbeta accumulate */
    memset(n->grads + n->layers[n->norms[k].layer].g_off, 0,
           sizeof(gl_real) * 2 * (size_t)n->norms[k].C);
  if (batch_phases(n, nb)) {
    /* from the output down: phases [a, b), each after the first topped by a
     * batch norm (ops[b - 1]) whose coefficients come first, over all rows */
    for (int b = n->n_ops; b > 0;) {
      int a = b - 1;
      while (a > 0 && n->ops[a - 1].type != OP_NORM) a--;
      const gl_op *top = &n->ops[b - 1];
      j.phased = top->type == OP_NORM;
      if (j.phased) {
        gl_norm *N = &n->norms[top->layer];
        const size_t go = n->layers[N->layer].g_off;
        batchnorm_backward_coeffs(N->ca, N->ck1, N->ck2, n->grads + go, n->grads + go + N->C,
                                  n->bufs[top->out].g, n->bufs[top->in].v, n->params + go,
                                  N->mean, N->rstd, rows, N->C);
      }
      j.op0 = a;
      j.op1 = b;
      gl_parallel(nb, backward_block, &j);
      b = a;
    }
  } else {
    gl_parallel(nb, backward_block, &j);
  }
  if (!j.dw_now) gl_parallel(n->n_layers, weight_grads, &j);
  for (int i = 0; i < n->n_ops; i++) { /* a residual scale's gradient: a sum over all rows */
    const gl_op *op = &n->ops[i];
    if (op->type != OP_ADD) continue;
    n->grads[n->alpha_off + op->layer] =
        n->s.res_scale_kind == SCALE_REZERO
            ? (gl_real)residual_dscale(n->bufs[op->out].g, n->bufs[op->in2].v,
                                       (size_t)rows * n->bufs[op->in].n)
            : 0;
  }
}

#undef VAL
#undef GRD
