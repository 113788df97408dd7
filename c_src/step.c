/*
 * step.c - one training step: the next batch, forward and loss, backward,
 * the divergence checks, clipping, the record (stats.c), the optimiser
 * (optim.c); and the public gl_step / gl_measure around it.
 */
#include <math.h>
#include <string.h>

#include "gl_internal.h"

/* The step's batch: the whole training set, or the next B points of the
 * epoch's shuffled order.  A measurement (hold = 1: gl_measure, no update)
 * holds the batch it drew and the next step trains on that same batch, so
 * measuring does not move the run: a run measured before its first step (the
 * page's) takes the batches of one that is not (the CLI's), and the record of
 * step t is the batch step t trains on. */
static void next_batch(gl_net *n, int hold, const gl_real **x, const int32_t **y) {
  const int npts = n->data.n, d = n->data.d;
  if (n->B == npts) {
    *x = n->data.x;
    *y = n->data.y;
    return;
  }
  *x = n->batch_x;
  *y = n->batch_y;
  const int held = n->batch_held;
  n->batch_held = hold;
  if (held) return;
  for (int r = 0; r < n->B; r++) {
    if (n->perm_pos >= npts) { /* new epoch: Fisher-Yates shuffle */
      for (int i = npts - 1; i > 0; i--) {
        int j = (int)gl_rng_below(&n->rng_batch, (uint32_t)i + 1);
        int32_t t = n->perm[i];
        n->perm[i] = n->perm[j];
        n->perm[j] = t;
      }
      n->perm_pos = 0;
    }
    int idx = n->perm[n->perm_pos++];
    memcpy(n->batch_x + (size_t)r * d, n->data.x + (size_t)idx * d, sizeof(gl_real) * d);
    n->batch_y[r] = n->data.y[idx];
  }
}

static void diverge(gl_net *n, const char *where, int layer) {
  n->status = GL_STATUS_DIVERGED;
  n->div_step = n->t;
  n->div_where = where;
  n->div_layer = layer;
}

/* Forward over the batch: 1 with its mean loss in *loss and dLoss/dlogits
 * written; 0 when the loss is not finite (the net is then diverged, in the
 * forward pass or in the loss itself). */
static int forward_loss(gl_net *n, const gl_real *bx, const int32_t *by, double *loss,
                        long *correct) {
  const int rows = n->B;
  *loss = gl_forward(n, bx, by, rows, correct, 1) / rows;
  n->norm_update = 0; /* the record's evaluation forwards leave the running statistics */
  if (isfinite(*loss)) return 1;
  int layer = gl_first_nonfinite_forward(n, rows);
  diverge(n, layer ? "forward" : "loss", layer);
  return 0;
}

/* Backward: 1 with the squared global gradient norm in *total, the sum over
 * layers of ||dW||^2 + ||db||^2 (+ ||dgamma||^2 + ||dbeta||^2 of its
 * normalisation) (+ the residual scales' under rezero); 0 when a gradient is
 * not finite (diverged "backward", at the layer nearest the output whose
 * gradient is not). */
static int backward_norm(gl_net *n, double *total) {
  const int nl = n->n_layers;
  gl_backward(n, n->B); /* also ||dW||^2, ||db||^2 per layer */
  double t = 0;
  int bad = 0;
  for (int l = nl - 1; l >= 0; l--) {
    const double wsq = n->layer_sumsq[l], bsq = n->bias_sumsq[l], nsq = n->norm_sumsq[l];
    if (!bad && !(isfinite(wsq) && isfinite(bsq) && isfinite(nsq))) bad = l + 1;
    t += wsq + bsq + nsq;
  }
  if (n->s.res_scale_kind == SCALE_REZERO) t += sum_sq(n->grads + n->alpha_off, (size_t)n->n_blocks);
  *total = t;
  if (!bad && isfinite(t)) return 1;
  diverge(n, "backward", bad ? bad : nl);
  return 0;
}

/* Global-norm clipping: the gradient is scaled by clip / ||g|| when ||g|| > clip. */
static double clip_scale(const gl_net *n, double total) {
  return n->s.clip > 0 && sqrt(total) > n->s.clip ? n->s.clip / sqrt(total) : 1;
}

/* One step; record = measure it; update = apply the optimiser. */
static void one_step(gl_net *n, int record, int update) {
  const gl_real *bx;
  const int32_t *by;
  const int rows = n->B, nl = n->n_layers;
  long correct = 0;
  double loss, total;
  next_batch(n, !update, &bx, &by);
  /* training mode; batch norm's running statistics take this batch when the
   * step updates, or start from it: at the first training step, or at a
   * measurement before it (provisionally: that step, on the same held batch,
   * starts them again, so a measured run keeps the bits of an unmeasured one) */
  const int norm_now = update || !n->norm_started;
  n->norm_update = norm_now;
  if (!forward_loss(n, bx, by, &loss, &correct)) return;
  if (norm_now) n->norm_started = update ? 2 : 1;
  if (!backward_norm(n, &total)) return;
  const double cs = clip_scale(n, total);
  double rec_loss = loss, rec_acc = (double)correct / rows;
  if (record) {
    /* the batch's statistics; loss and accuracy on the whole training set
     * (the batch's own when it is the whole set and there is no batch norm),
     * a conv model's on its first GL_CONV_EVAL images; the test split's likewise
     * (gl_eval_count, api.c, the one rule the readers are told too) */
    gl_measure_batch(n, rows);
    gl_measure_blocks(n, rows); /* a residual net's per-block factors, from the same buffers */
    /* in evaluation mode: batch norm's loss differs from the training batch's */
    if (!gl_record_is_batch(n))
      gl_evaluate(n, &n->data, gl_eval_count(n), &rec_loss, &rec_acc);
    if (n->test.n) gl_evaluate(n, &n->test, gl_eval_test_count(n), &n->rec_test_loss, &n->rec_test_acc);
  }
  double *upd = n->work + 2 * nl + 1, *wvar = upd + nl, *wmean = n->work; /* agn no longer needed */
  if (update) gl_optim_step(n, cs, record ? upd : NULL, record ? wvar : NULL, record ? wmean : NULL);
  if (record) {
    gl_measure_weights(n, update, upd, wvar, wmean);
    n->rec_step = n->t;
    if (n->rec_dead && n->dead_step < 0) n->dead_step = n->t; /* it stays set */
    n->rec_loss = rec_loss;
    n->rec_acc = rec_acc;
  }
  if (update) n->t++;
}

/* A diverged network takes no more steps: the call is refused (GL_ESTATE). */
static int refuse_diverged(gl_net *net, const char *call) {
  gl_seterr(net->errmsg,
            "%s: the network diverged at step %ld (%s, layer %d) and takes no more steps; "
            "create a new one",
            call, net->div_step, net->div_where, net->div_layer);
  return GL_ESTATE;
}

int gl_step(gl_net *net, int n) {
  if (!net) return GL_EMISUSE;
  if (n < 0) {
    gl_seterr(net->errmsg, "step: the number of steps must be >= 0 (got %d)", n);
    return gl_net_result(net, GL_EMISUSE);
  }
  if (net->status != GL_STATUS_OK) return gl_net_result(net, refuse_diverged(net, "step"));
  for (int i = 0; i < n && net->status == GL_STATUS_OK; i++)
    one_step(net, net->t % net->s.record_every == 0, 1);
  return gl_net_result(net, GL_OK);
}

int gl_measure(gl_net *net) {
  if (!net) return GL_EMISUSE;
  if (net->status != GL_STATUS_OK) return gl_net_result(net, refuse_diverged(net, "measure"));
  one_step(net, 1, 0);
  return gl_net_result(net, GL_OK);
}
