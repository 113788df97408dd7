/*
 * blocks.c - the chain rule one residual block at a time: where each block
 * sits in the op list, and the record's per-block factors.
 *
 * Layer by layer, a residual stack's chain factors zigzag: inside a block
 * the branch's own layers shrink the gradient and the add restores it (0.4,
 * 2.7, 0.4, 2.9, ... at block size 2).  What a student should see is what a
 * whole block does, so the record also holds, per block b,
 *
 *   block_factor   = ||dL/dh_in|| / ||dL/dh_out||
 *   block_shortcut = ||s|| / ||dL/dh_out||      s = keep * dL/d(sum)
 *   block_branch   = ||f|| / ||dL/dh_out||      f = the branch's own backward
 *                                                   result, J_branch^T (a dL/d(sum))
 *
 * where h_in is the block's input on the trunk, sum = keep*h_in + a*branch(h_in)
 * its add (keep = 1; 0 only in the tests' residual net without shortcuts)
 * and h_out its output on the trunk, so that dL/dh_in = s + f.  Every norm
 * ||v|| is the mean over the batch's rows of the row's L2 norm, as
 * act_grad_norm is measured.  Per form (docs/architecture.md, "Statistics"):
 *
 *   dense pre         h_out = sum               s = dL/dh_out: shortcut 1 exactly
 *   conv pre, ending  h_out = pool(sum)         s = pool^T dL/dh_out: each of the
 *     a stage                                      four pixels gets 1/4, so 1/2
 *   dense/conv post   h_out = phi(sum)          s = phi'(sum) * dL/dh_out: the
 *                                                  slope sits on the shortcut too
 *   conv post, ending h_out = phi(pool(sum))    s = pool^T (phi' * dL/dh_out)
 *
 * and f starts at the branch's first op (phi, or N then phi, in pre form;
 * the first Lin or conv in post form).  The residual scale a multiplies the
 * branch (the add is out = keep*in + a*in2), so it is inside f, never in s.
 *
 * How f is computed.  Backward writes dL/dh_in in two goes: the add first
 * (s, copied), then the branch's first op adds its part on top.  f is not
 * taken as dL/dh_in - s: that difference of two rounded vectors is not f
 * (the sum was rounded, and a Lin or conv adds its products one by one onto
 * s).  Instead, after the step's backward, the branch's first op runs its
 * backward once more on its own, writing (acc = 0) into scratch: exactly the
 * vector it would have written as the only contribution (the residual net
 * without shortcuts has block_branch = block_factor bit for bit, tested).
 * Its input gradient dL/d(out) and the forward values it needs are still in
 * the buffers; nothing is written but the scratch.
 *
 * The telescoped product: with stem_factor = ||dL/dx|| / ||dL/dh_in of
 * block 0|| and head_factor = ||dL/dh_out of the last block|| /
 * ||dL/dlogits||, and h_out of block b the h_in of block b+1,
 *   stem_factor * prod_b block_factor_b * head_factor = ||dL/dx|| / ||dL/dlogits||
 *                                                    = chain_product of layer 1,
 * equal to rounding.  A dense net goes by block on the helper threads (each
 * block's numbers are its own sums); a conv net's blocks run one after
 * another, each convolution split by its own kernels.  So every thread count
 * gives the same bits.
 */
#include <math.h>
#include <string.h>

#include "gl_internal.h"

/* ---- wiring, once at create ---- */

size_t gl_blocks_scratch(gl_net *n) {
  n->bs_each = 0;
  if (!n->n_blocks) return 0;
  const gl_settings *s = &n->s;
  /* the widest block input: W features (dense), C*H*W of the first stage (conv) */
  const size_t f = s->model == MODEL_CONV ? (size_t)s->channels * n->data.h * n->data.w : (size_t)s->width;
  const size_t c = s->model == MODEL_CONV ? (size_t)s->channels : (size_t)s->width;
  n->bs_each = (size_t)n->B * f + 2 * c; /* the branch's dL/dh_in, then batch norm's dgamma, dbeta */
  return n->bs_each * (size_t)(s->model == MODEL_CONV ? 1 : gl_threads_max());
}

void gl_blocks_wire(gl_net *n) {
  if (!n->n_blocks) {
    n->rec_stem = n->rec_head = -1;
    return;
  }
  for (int i = 0; i < n->n_ops; i++) {
    const gl_op *op = &n->ops[i];
    if (op->type != OP_ADD) continue;
    gl_block *B = &n->blocks[op->layer];
    B->add_op = i;
    B->h_in = op->in;
    B->sum = op->out;
    /* the branch's first op: the other reader of h_in (graph.c builds it before the add) */
    B->branch_op = -1;
    for (int j = 0; j < i && B->branch_op < 0; j++)
      if (n->ops[j].in == B->h_in) B->branch_op = j;
    B->first_layer = n->n_layers;
    B->last_layer = -1;
    for (int j = B->branch_op; j < i; j++)
      if (n->ops[j].type == OP_LIN || n->ops[j].type == OP_CONV) {
        if (n->ops[j].layer < B->first_layer) B->first_layer = n->ops[j].layer;
        if (n->ops[j].layer > B->last_layer) B->last_layer = n->ops[j].layer;
      }
    /* the trunk after the add: a stage's pooling, then (post form) phi */
    int h = op->out;
    for (int j = i + 1; j < n->n_ops; j++) {
      const gl_op *q = &n->ops[j];
      if (q->in != h) break;
      if (q->type == OP_POOL || (q->type == OP_ACT && n->s.form == FORM_POST)) h = q->out;
      else break;
    }
    B->h_out = h;
  }
}

/* ---- the record's per-block factors ---- */

/* Mean over rows of the L2 norm of each row of g (rows, f): act_grad_norm's
 * measure (stats.c's mean_row_norm, the same loop, so the same bits). */
static double mean_row_norm(const gl_real *g, int rows, int f) {
  double s = 0;
  for (int r = 0; r < rows; r++) s += sqrt(sum_sq(g + (size_t)r * f, (size_t)f));
  return s / rows;
}

/* f = the branch's own part of dL/dh_in, (rows, features of h_in), into f:
 * the backward of op (the branch's first op, whose input is h_in) from the
 * gradient of its output, written (acc = 0) as if it were the only
 * contribution, by the kernel and arithmetic passes.c runs (so the same bits
 * as that contribution).  Nothing but f and the area after it is written. */
static void branch_part(gl_net *n, const gl_op *op, int rows, int thread, gl_real *f) {
  const gl_buf *in = &n->bufs[op->in], *out = &n->bufs[op->out];
  switch (op->type) {
  case OP_ACT: /* pre form: f = dL/d(phi out) * phi'(h_in) */
    act_backward(f, out->g, in->v, out->v, (size_t)rows * in->n, n->s.act, 0);
    break;
  case OP_NORM: { /* pre form with a normalisation: f = N's backward (its dgamma, dbeta into scratch) */
    const gl_norm *N = &n->norms[op->layer];
    const gl_real *gamma = n->params + n->layers[N->layer].g_off;
    if (n->s.norm == NORM_LAYER) {
      layernorm_backward(f, NULL, NULL, out->g, in->v, gamma, N->mean, N->rstd, rows, N->C, N->S, 0);
    } else {
      gl_real *dg = f + (size_t)rows * in->n; /* batch norm adds into dgamma, dbeta: discarded */
      memset(dg, 0, sizeof(gl_real) * 2 * (size_t)N->C);
      batchnorm_backward(f, dg, dg + N->C, out->g, in->v, gamma, N->mean, N->rstd, rows, N->C, N->S, 0);
    }
    break;
  }
  case OP_LIN: { /* post form: f (rows, in) = dL/dz (rows, out) W^T, W^T in this thread's scratch */
    const gl_layer *L = &n->layers[op->layer];
    gl_real *WT = n->tscratch + (size_t)thread * n->ts_each;
    transpose(WT, n->params + L->w_off, L->in, L->out);
    gemm_nn(rows, L->in, L->out, out->g, L->out, WT, L->in, f, L->in, 0);
    break;
  }
  case OP_CONV: { /* conv post form: f = col2im(W dL/dz), no dW or db */
    const gl_layer *L = &n->layers[op->layer];
    conv3x3_backward_dx(f, out->g, n->params + L->w_off, rows, L->in / 9, L->out, L->h, L->w, 0,
                        n->scratch);
    break;
  }
  case OP_ADD:  /* never the first op of a branch (graph.c): nothing passes back */
  case OP_POOL:
  case OP_GAP:
    memset(f, 0, sizeof(gl_real) * (size_t)rows * in->n);
    break;
  }
}

typedef struct {
  gl_net *n;
  int rows;
} block_job;

/* The trunk's gradient at point k: k < n_blocks the input of block k, k =
 * n_blocks the last block's output (the output of block k is the input of
 * block k+1 in every network graph.c builds, so each is measured once). */
static const gl_buf *trunk_point(const gl_net *n, int k) {
  return &n->bufs[k < n->n_blocks ? n->blocks[k].h_in : n->blocks[n->n_blocks - 1].h_out];
}

static void measure_trunk(void *p, int k, int thread) {
  const block_job *j = (const block_job *)p;
  const gl_buf *t = trunk_point(j->n, k);
  j->n->blk_trunk[k] = mean_row_norm(t->g, j->rows, t->n);
}

/* Block b's three factors (the formulas at the top of the file).  A norm of
 * a buffer measured already is taken, not measured again: ||dL/dh_out|| is
 * the next trunk point's, and in pre form without a pooling s is dL/dh_out
 * itself (the add's output is the block's output). */
static void measure_block(void *p, int b, int thread) {
  const block_job *j = (const block_job *)p;
  gl_net *n = j->n;
  const int rows = j->rows, nb = n->n_blocks;
  const gl_block *B = &n->blocks[b];
  const gl_buf *in = &n->bufs[B->h_in], *sum = &n->bufs[B->sum], *out = &n->bufs[B->h_out];
  gl_real *f = n->bscratch + (size_t)thread * n->bs_each;
  branch_part(n, &n->ops[B->branch_op], rows, thread, f);
  const double g_in = n->blk_trunk[b];                                          /* ||dL/dh_in|| */
  const double g_out = out == trunk_point(n, b + 1) ? n->blk_trunk[b + 1]
                                                    : mean_row_norm(out->g, rows, out->n); /* ||dL/dh_out|| */
  const double g_short = !n->keep_shortcut ? 0
                         : sum == out      ? g_out
                                           : mean_row_norm(sum->g, rows, sum->n);  /* ||s|| */
  const double g_branch = mean_row_norm(f, rows, in->n);                        /* ||f|| */
  n->rec_block[GL_BLOCK_FACTOR * nb + b] = g_out > 0 ? g_in / g_out : 0;
  n->rec_block[GL_BLOCK_SHORTCUT * nb + b] = g_out > 0 ? g_short / g_out : 0;
  n->rec_block[GL_BLOCK_BRANCH * nb + b] = g_out > 0 ? g_branch / g_out : 0;
}

void gl_measure_blocks(gl_net *n, int rows) {
  const int nb = n->n_blocks;
  if (!nb) return;
  block_job j = {n, rows};
  gl_parallel(nb + 1, measure_trunk, &j); /* only reads: any thread */
  if (n->s.model == MODEL_CONV) /* one scratch area; each convolution splits on the threads itself */
    for (int b = 0; b < nb; b++) measure_block(&j, b, 0);
  else
    gl_parallel(nb, measure_block, &j);
  /* stem: x <- h_in of block 0;  head: h_out of the last block <- logits */
  const gl_buf *x = &n->bufs[0], *lg = &n->bufs[n->ops[n->n_ops - 1].out];
  const double g_x = mean_row_norm(x->g, rows, x->n), g_lg = mean_row_norm(lg->g, rows, lg->n);
  n->rec_stem = n->blk_trunk[0] > 0 ? g_x / n->blk_trunk[0] : 0;
  n->rec_head = g_lg > 0 ? n->blk_trunk[nb] / g_lg : 0;
}

/* ---- the read side ---- */

static const char *BLOCK_FIELD_NAMES[GL_N_BLOCK_FIELDS] = {"block_factor", "block_shortcut",
                                                           "block_branch"};

const char *gl_block_field_name(int field) {
  return field >= 0 && field < GL_N_BLOCK_FIELDS ? BLOCK_FIELD_NAMES[field] : NULL;
}

const double *gl_record_block_field(const gl_net *net, int field) {
  if (!net || field < 0 || field >= GL_N_BLOCK_FIELDS) return NULL;
  return net->rec_block + (size_t)field * net->n_blocks;
}

double gl_record_stem_factor(const gl_net *net) { return net ? net->rec_stem : -1; }
double gl_record_head_factor(const gl_net *net) { return net ? net->rec_head : -1; }

int gl_block_first_layer(const gl_net *net, int block) {
  return net && block >= 0 && block < net->n_blocks ? net->blocks[block].first_layer + 1 : 0;
}

int gl_block_last_layer(const gl_net *net, int block) {
  return net && block >= 0 && block < net->n_blocks ? net->blocks[block].last_layer + 1 : 0;
}
