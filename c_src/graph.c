/*
 * graph.c - the model as code: the list of ops over numbered buffers that a
 * network is, built from its settings, and what the passes need to know about
 * it (which backward op adds into a gradient, the row alignment).
 *
 * A network is a list of ops (gl_op_type: OP_LIN, OP_ACT, OP_ADD, OP_CONV,
 * OP_POOL, OP_GAP, OP_NORM) over numbered buffers (rows, features), built
 * once at create.  Forward runs the list in order; backward runs it in
 * reverse, each op writing (first contribution) or adding (later ones) into
 * the gradient of its inputs, so a residual add's backward simply feeds both
 * of its branches.
 *
 * Layers are numbered 1 .. L+2 (0-based in the arrays): Lin_1 (d -> W), L
 * hidden Lin (W -> W) in blocks of k, Lin_out (W -> C).
 *   plain:          x -> Lin_1 -> phi -> Lin_2 -> phi ... Lin_{L+1} -> phi -> Lin_out
 *   residual pre:   h = Lin_1(x); per block h = h + a*F(h), F = k x (phi, Lin);
 *                   logits = Lin_out(phi(h))
 *   residual post:  h = phi(Lin_1(x)); per block h = phi(h + a*G(h)),
 *                   G = Lin (phi Lin)^(k-1); logits = Lin_out(h)
 * Without the shortcut (keep_shortcut = 0) both residual forms are exactly
 * the plain stack.
 *
 * model = conv (image data; kernels in conv.c) mirrors this with 3x3
 * convolutions of C channels: layers conv_1 (the stem, 1 -> C), conv_2 ..
 * conv_{2B+1} (B blocks of two), fc (C -> classes) after global average
 * pooling (GAP).
 *   plain:          x -> conv_1 -> phi -> conv -> phi ... conv -> phi -> GAP -> fc
 *   residual pre:   h = conv_1(x); per block h = h + a*F(h), F = conv(phi(conv(phi(h))));
 *                   logits = fc(GAP(phi(h)))
 *   residual post:  h = phi(conv_1(x)); per block h = phi(h + a*G(h)), G = conv(phi(conv(h)));
 *                   logits = fc(GAP(h))
 * pool = P splits the blocks into P+1 stages; the block that ends a stage
 * average-pools (2x2) its sum before anything else: pre h = pool(h + a*F(h)),
 * post h = phi(pool(h + a*G(h))), plain ... conv -> pool -> phi.  The maps
 * shrink on the trunk, never inside a block, and the channels stay C, so
 * every shortcut is the identity (no projection layer that only the residual
 * net would have), plain and residual have exactly the same layers, and both
 * residual forms without their shortcut are again exactly the plain stack.
 *
 * gl_build_graph runs twice (net.c): a counting pass with no arrays, which
 * sizes buffers, ops, parameters and scratch, and a filling pass once the
 * one allocation exists.
 */
#include "gl_internal.h"

/* ---- graph building (run twice: counting, then filling) ---- */

static int new_buf(gl_net *n, int features) {
  if (n->bufs) n->bufs[n->n_bufs].n = features;
  n->n_features += (size_t)features;
  return n->n_bufs++;
}

static void add_op_map(gl_net *n, gl_op_type type, int in, int in2, int out, int layer, int c,
                       int h, int w) {
  if (n->ops) n->ops[n->n_ops] = (gl_op){type, in, in2, out, layer, c, h, w, 0, 0};
  n->n_ops++;
}

static void add_op(gl_net *n, gl_op_type type, int in, int in2, int out, int layer) {
  add_op_map(n, type, in, in2, out, layer, 0, 0, 0);
}

/* A layer with weights W (fan_in, fan_out) and bias (fan_out); alpha_off
 * counts the parameters of the layers so far (the residual scales follow). */
static void new_layer(gl_net *n, int layer, int in_buf, int out_buf, int fan_in, int fan_out,
                      int k2, int h, int w) {
  if (n->layers) {
    gl_layer *L = &n->layers[layer];
    L->in = fan_in;
    L->out = fan_out;
    L->k2 = k2;
    L->h = h;
    L->w = w;
    L->in_buf = in_buf;
    L->out_buf = out_buf;
  }
  n->alpha_off += (size_t)fan_in * fan_out + fan_out;
  if (k2 == 9) { /* the conv kernels' im2col buffers */
    size_t sc = conv3x3_scratch(n->cap, fan_in / 9, fan_out, h, w);
    if (sc > n->n_scratch) n->n_scratch = sc;
  } else { /* gl_backward, per thread: dy^T and dx^T of a block, or W^T, or x^T for dW */
    size_t ts = (size_t)(fan_in + fan_out) * n->cap;
    if ((size_t)fan_in * fan_out > ts) ts = (size_t)fan_in * fan_out;
    if (ts > n->ts_each) n->ts_each = ts;
  }
}

static int lin(gl_net *n, int layer, int in_buf, int fan_in, int fan_out) {
  int out = new_buf(n, fan_out);
  new_layer(n, layer, in_buf, out, fan_in, fan_out, 1, 0, 0);
  add_op(n, OP_LIN, in_buf, -1, out, layer);
  return out;
}

/* Activations and residual adds keep the size of their input (`features`:
 * the width of a dense net, C*H*W of a conv net's map). */
static int act_n(gl_net *n, int in_buf, int features) {
  int out = new_buf(n, features);
  add_op(n, OP_ACT, in_buf, -1, out, -1);
  return out;
}

static int add_n(gl_net *n, int x, int f, int block, int features) {
  int out = new_buf(n, features);
  add_op(n, OP_ADD, x, f, out, block);
  return out;
}

/* The normalisation (norm = batch or layer; none: the input itself) of
 * layer `layer`'s output, c channels of s values per row.  Its gamma and
 * beta (c each) follow the layer's bias among the parameters. */
static int norm_n(gl_net *n, int in_buf, int layer, int c, int s) {
  if (n->s.norm == NORM_NONE) return in_buf;
  const int out = new_buf(n, c * s), k = n->n_norms++;
  if (n->norms) n->norms[k] = (gl_norm){layer, c, s, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  n->alpha_off += 2 * (size_t)c;
  /* batch norm: mean, rstd, var, running mean, variance and rstd, scratch,
   * backward's a, k1, k2 (c each); layer norm: mean and rstd per row, scratch (c) */
  n->n_norm_state += n->s.norm == NORM_BATCH ? 10 * (size_t)c : 2 * (size_t)n->cap + (size_t)c;
  add_op(n, OP_NORM, in_buf, -1, out, k);
  return out;
}

static int act(gl_net *n, int in_buf) { return act_n(n, in_buf, n->s.width); }
/* a dense net's normalisation of layer l's output, W features */
static int nrm(gl_net *n, int in_buf, int layer) { return norm_n(n, in_buf, layer, n->s.width, 1); }
static int add(gl_net *n, int x, int f, int block) { return add_n(n, x, f, block, n->s.width); }

/* ---- the conv net's pieces: maps of c channels, h x w pixels ---- */

static int conv(gl_net *n, int layer, int in_buf, int c_in, int c_out, int h, int w) {
  int out = new_buf(n, c_out * h * w);
  new_layer(n, layer, in_buf, out, 9 * c_in, c_out, 9, h, w);
  add_op(n, OP_CONV, in_buf, -1, out, layer);
  return out;
}

static int pool2(gl_net *n, int in_buf, int c, int *h, int *w) {
  int out = new_buf(n, c * (*h / 2) * (*w / 2));
  add_op_map(n, OP_POOL, in_buf, -1, out, -1, c, *h, *w);
  *h /= 2;
  *w /= 2;
  return out;
}

static int gap(gl_net *n, int in_buf, int c, int h, int w) {
  int out = new_buf(n, c);
  add_op_map(n, OP_GAP, in_buf, -1, out, -1, c, h, w);
  return out;
}

/* Block b (0-based) ends a stage when pool = P > 0 splits B blocks into P+1
 * stages of floor-spaced sizes (validate ensures B >= P+1). */
static int ends_stage(const gl_settings *s, int b) {
  for (int k = 1; k <= s->pool; k++)
    if (b + 1 == k * s->blocks / (s->pool + 1)) return 1;
  return 0;
}

static void build_conv(gl_net *n) {
  const gl_settings *s = &n->s;
  const int C = s->channels, NB = s->blocks, K = n->data.classes;
  int h = n->data.h, w = n->data.w, layer = 0;
  int x = new_buf(n, h * w), t;
#define MAP (C * h * w)
  /* N: the normalisation of the last conv's output (layer - 1), on the map as it is now */
#define N(buf) norm_n(n, (buf), layer - 1, C, h * w)
  if (n->arch == GL_ARCH_PLAIN) {
    /* a stage's end: conv -> pool -> N as the pre form without shortcuts
     * makes it, conv -> N -> pool as the post form does */
    const int n_first = s->norm != NORM_NONE && s->form == FORM_POST;
    t = conv(n, layer++, x, 1, C, h, w);
    t = N(t);
    for (int b = 0; b < NB; b++)
      for (int j = 0; j < 2; j++) {
        t = conv(n, layer++, act_n(n, t, MAP), C, C, h, w);
        if (j == 1 && ends_stage(s, b)) {
          if (n_first) t = N(t);
          t = pool2(n, t, C, &h, &w);
          if (!n_first) t = N(t);
        } else {
          t = N(t);
        }
      }
    lin(n, layer++, gap(n, act_n(n, t, MAP), C, h, w), C, K);
  } else if (s->form == FORM_PRE) {
    t = conv(n, layer++, x, 1, C, h, w);
    for (int b = 0; b < NB; b++) {
      int f = act_n(n, N(t), MAP);
      f = conv(n, layer++, f, C, C, h, w);
      f = act_n(n, N(f), MAP);
      f = conv(n, layer++, f, C, C, h, w);
      t = add_n(n, t, f, b, MAP);
      if (ends_stage(s, b)) t = pool2(n, t, C, &h, &w);
    }
    t = act_n(n, N(t), MAP);
    lin(n, layer++, gap(n, t, C, h, w), C, K);
  } else {
    t = conv(n, layer++, x, 1, C, h, w);
    t = act_n(n, N(t), MAP);
    for (int b = 0; b < NB; b++) {
      int g = conv(n, layer++, t, C, C, h, w);
      g = N(g);
      g = conv(n, layer++, act_n(n, g, MAP), C, C, h, w);
      g = N(g);
      int sum = add_n(n, t, g, b, MAP);
      if (ends_stage(s, b)) sum = pool2(n, sum, C, &h, &w);
      t = act_n(n, sum, MAP);
    }
    lin(n, layer++, gap(n, t, C, h, w), C, K);
  }
#undef N
#undef MAP
}

void gl_build_graph(gl_net *n) {
  const gl_settings *s = &n->s;
  const int L = s->depth, k = s->block, W = s->width, d = n->data.d, C = n->data.classes;
  n->n_bufs = n->n_ops = 0;
  n->n_features = 0;
  n->alpha_off = 0;
  n->n_scratch = 0;
  n->ts_each = 0;
  n->n_norms = 0;
  n->n_norm_state = 0;
  int x, h, layer = 0;
  if (s->model == MODEL_CONV) {
    build_conv(n);
  } else if (n->arch == GL_ARCH_PLAIN) {
    x = new_buf(n, d);
    h = x;
    for (int l = 0; l <= L; l++) {
      h = lin(n, layer++, h, l == 0 ? d : W, W);
      h = act(n, nrm(n, h, layer - 1));
    }
    lin(n, layer++, h, W, C);
  } else if (s->form == FORM_PRE) {
    x = new_buf(n, d);
    h = lin(n, layer++, x, d, W);
    for (int b = 0; b < n->n_blocks; b++) {
      int f = h;
      for (int j = 0; j < k; j++) {
        f = act(n, nrm(n, f, layer - 1));
        f = lin(n, layer++, f, W, W);
      }
      h = add(n, h, f, b);
    }
    h = act(n, nrm(n, h, layer - 1));
    lin(n, layer++, h, W, C);
  } else {
    x = new_buf(n, d);
    h = lin(n, layer++, x, d, W);
    h = act(n, nrm(n, h, layer - 1));
    for (int b = 0; b < n->n_blocks; b++) {
      int f = h;
      for (int j = 0; j < k; j++) {
        f = lin(n, layer++, f, W, W);
        f = nrm(n, f, layer - 1);
        if (j < k - 1) f = act(n, f);
      }
      h = act(n, add(n, h, f, b));
    }
    lin(n, layer++, h, W, C);
  }
  if (!n->layers) return;
  /* statistics wiring: the phi that consumes each layer's output is the first
   * OP_ACT after its OP_LIN; the phi that produced its input is the OP_ACT
   * whose output is the layer's input buffer. */
  for (int l = 0; l < n->n_layers; l++) {
    n->layers[l].act_pre = n->layers[l].act_post = -1;
    n->layers[l].norm = n->layers[l].act_norm = -1;
  }
  for (int k = 0; k < n->n_norms; k++) n->layers[n->norms[k].layer].norm = k;
  int last_lin = -1;
  for (int i = 0; i < n->n_ops; i++) {
    const gl_op *op = &n->ops[i];
    if (op->type == OP_LIN || op->type == OP_CONV) last_lin = op->layer;
    if (op->type == OP_ACT && last_lin >= 0 && n->layers[last_lin].act_pre < 0) {
      n->layers[last_lin].act_pre = op->in;
      n->layers[last_lin].act_post = op->out;
      for (int m = 0; m < i; m++) /* phi's input is a normalisation's output */
        if (n->ops[m].type == OP_NORM && n->ops[m].out == op->in)
          n->layers[last_lin].act_norm = n->ops[m].layer;
    }
  }
  for (int l = 0; l < n->n_layers; l++) {
    gl_layer *Ly = &n->layers[l];
    Ly->in_pre = -1;
    Ly->in_from = -1;
    for (int i = 0; i < n->n_ops; i++)
      if (n->ops[i].type == OP_ACT && n->ops[i].out == Ly->in_buf) Ly->in_pre = n->ops[i].in;
    for (int m = 0; m < l; m++)
      if (Ly->in_pre >= 0 && n->layers[m].act_pre == Ly->in_pre) Ly->in_from = m;
  }
}

/* What the graph fixes for every pass, worked out once at create:
 *   - which backward ops add into a gradient another op has already written
 *     (a buffer read by two ops: a residual block's input) and which
 *     overwrite it (n->written: per buffer, zeroed by create);
 *   - row_align, the rows per block boundary that keep every buffer's
 *     blocks (and the per-row losses, doubles) on 64-byte lines of their own. */
void gl_plan_passes(gl_net *n) {
  unsigned char *written = n->written;
  n->row_align = 8;
  for (int b = 0; b < n->n_bufs; b++)
    while ((size_t)n->row_align * n->bufs[b].n * sizeof(gl_real) % 64) n->row_align *= 2;
  written[n->ops[n->n_ops - 1].out] = 1;
  for (int i = n->n_ops - 1; i >= 0; i--) {
    gl_op *op = &n->ops[i];
    op->acc_in = written[op->in];
    if (op->type == OP_ADD) {
      op->acc_in2 = written[op->in2];
      written[op->in2] = 1;
      if (!n->keep_shortcut) continue; /* the shortcut writes nothing into dx */
    }
    written[op->in] = 1;
  }
}
