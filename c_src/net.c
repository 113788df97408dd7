/*
 * net.c - the network: build a plain or residual stack from a config, lay out
 * its one allocation, run training steps, measure per-layer statistics.
 *
 * A network is a list of ops (OP_LIN, OP_ACT, OP_ADD) over numbered buffers
 * (rows, features), built once at create.  Forward runs the list in order;
 * backward runs it in reverse, each op writing (first contribution) or adding
 * (later ones) into the gradient of its inputs, so a residual add's backward
 * simply feeds both of its branches.
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
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gl_internal.h"

#ifdef GL_DOUBLE
#define GL_REAL_MIN DBL_MIN
#else
#define GL_REAL_MIN FLT_MIN
#endif

/* ---- graph building (run twice: counting, then filling) ---- */

static int new_buf(gl_net *n, int features) {
  if (n->bufs) n->bufs[n->n_bufs].n = features;
  n->n_features += (size_t)features;
  return n->n_bufs++;
}

static void add_op_map(gl_net *n, int type, int in, int in2, int out, int layer, int c, int h,
                       int w) {
  if (n->ops) n->ops[n->n_ops] = (gl_op){type, in, in2, out, layer, c, h, w, 0, 0};
  n->n_ops++;
}

static void add_op(gl_net *n, int type, int in, int in2, int out, int layer) {
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
  if (n->norms) n->norms[k] = (gl_norm){layer, c, s, 0, 0, 0, 0, 0, 0};
  n->alpha_off += 2 * (size_t)c;
  /* batch norm: mean, rstd, var, running mean and variance, scratch (c each);
   * layer norm: mean and rstd per row, scratch (c) */
  n->n_norm_state += n->s.norm == NORM_BATCH ? 6 * (size_t)c : 2 * (size_t)n->cap + (size_t)c;
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

static void build_graph(gl_net *n) {
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

/* ---- memory plan: one allocation, carved in order ---- */

typedef struct {
  char *base;
  size_t off;
} plan;

static void *carve(plan *p, size_t bytes) {
  size_t at = (p->off + 63) & ~(size_t)63;
  p->off = at + bytes;
  return p->base ? p->base + at : NULL;
}

/* Lays out everything; with p->base == NULL it only measures. */
static void layout(gl_net *n, plan *p) {
  const int nl = n->n_layers;
  n->layers = (gl_layer *)carve(p, sizeof(gl_layer) * nl);
  n->ops = (gl_op *)carve(p, sizeof(gl_op) * n->n_ops);
  n->bufs = (gl_buf *)carve(p, sizeof(gl_buf) * n->n_bufs);
  n->names = (char(*)[GL_NAME_LEN])carve(p, GL_NAME_LEN * (size_t)nl);
  n->norms = (gl_norm *)carve(p, sizeof(gl_norm) * (size_t)n->n_norms);
  const int nd = n->data.n, d = n->data.d;
  n->data.x = (gl_real *)carve(p, sizeof(gl_real) * (size_t)nd * d);
  n->data.y = (int32_t *)carve(p, sizeof(int32_t) * (size_t)nd);
  n->test.x = (gl_real *)carve(p, sizeof(gl_real) * (size_t)n->test.n * d);
  n->test.y = (int32_t *)carve(p, sizeof(int32_t) * (size_t)n->test.n);
  n->batch_x = (gl_real *)carve(p, sizeof(gl_real) * (size_t)n->cap * d);
  n->batch_y = (int32_t *)carve(p, sizeof(int32_t) * (size_t)n->cap);
  n->perm = (int32_t *)carve(p, sizeof(int32_t) * (size_t)nd);
  const size_t np = n->n_params;
  n->params = (gl_real *)carve(p, sizeof(gl_real) * np);
  n->grads = (gl_real *)carve(p, sizeof(gl_real) * np);
  n->m1 = n->s.optimizer != OPT_SGD ? (gl_real *)carve(p, sizeof(gl_real) * np) : NULL;
  n->m2 = n->s.optimizer == OPT_ADAM ? (gl_real *)carve(p, sizeof(gl_real) * np) : NULL;
  n->written = (unsigned char *)carve(p, (size_t)n->n_bufs);
  n->tscratch = (gl_real *)carve(p, sizeof(gl_real) * n->ts_each * gl_threads_max());
  n->row_loss = (double *)carve(p, sizeof(double) * (size_t)n->cap);
  n->layer_sumsq = (double *)carve(p, sizeof(double) * nl);
  n->bias_sumsq = (double *)carve(p, sizeof(double) * nl);
  n->norm_sumsq = (double *)carve(p, sizeof(double) * nl);
  n->gamma_sumsq = (double *)carve(p, sizeof(double) * nl);
  n->rec = (double *)carve(p, sizeof(double) * GL_N_FIELDS * nl);
  n->work = (double *)carve(p, sizeof(double) * (4 * (size_t)nl + 1));
}

/* Sizes of the buffers and scratch once the graph is known (second carve). */
static void layout_buffers(gl_net *n, plan *p) {
  for (int b = 0; b < n->n_bufs; b++) {
    size_t sz = sizeof(gl_real) * (size_t)n->cap * n->bufs[b].n;
    gl_real *v = (gl_real *)carve(p, sz), *g = (gl_real *)carve(p, sz);
    if (p->base) { n->bufs[b].v = v; n->bufs[b].g = g; }
  }
  gl_real *sc = (gl_real *)carve(p, sizeof(gl_real) * n->n_scratch);
  if (p->base) n->scratch = sc;
  gl_real *ns = (gl_real *)carve(p, sizeof(gl_real) * n->n_norm_state);
  if (!p->base) return;
  n->norm_state = ns;
  for (int k = 0; k < n->n_norms; k++) { /* each norm's statistics, in order */
    gl_norm *N = &n->norms[k];
    const size_t c = (size_t)N->C, each = n->s.norm == NORM_BATCH ? c : (size_t)n->cap;
    N->mean = ns;
    N->rstd = ns + each;
    ns += 2 * each;
    if (n->s.norm != NORM_BATCH) {
      N->rs = ns;
      ns += c;
      continue;
    }
    N->var = ns;
    N->run_mean = ns + c;
    N->run_var = ns + 2 * c;
    N->rs = ns + 3 * c;
    for (size_t i = 0; i < c; i++) N->run_var[i] = 1; /* PyTorch's start, before the first batch */
    ns += 4 * c;
  }
}

/* What the graph fixes for every pass, worked out once at create:
 *   - which backward ops add into a gradient another op has already written
 *     (a buffer read by two ops: a residual block's input) and which
 *     overwrite it (n->written: per buffer, zeroed by create);
 *   - row_align, the rows per block boundary that keep every buffer's
 *     blocks (and the per-row losses, doubles) on 64-byte lines of their own. */
static void plan_passes(gl_net *n) {
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

/* ---- initialisation ---- */

/* Columns of A (rows x cols, rows >= cols, row-major) made orthonormal by
 * modified Gram-Schmidt. */
static void orthonormalize(double *A, int rows, int cols) {
  for (int j = 0; j < cols; j++) {
    for (int i = 0; i < j; i++) {
      double dot = 0;
      for (int r = 0; r < rows; r++) dot += A[(size_t)r * cols + i] * A[(size_t)r * cols + j];
      for (int r = 0; r < rows; r++) A[(size_t)r * cols + j] -= dot * A[(size_t)r * cols + i];
    }
    double nrm = 0;
    for (int r = 0; r < rows; r++) nrm += A[(size_t)r * cols + j] * A[(size_t)r * cols + j];
    nrm = sqrt(nrm);
    if (nrm < 1e-12) nrm = 1;
    for (int r = 0; r < rows; r++) A[(size_t)r * cols + j] /= nrm;
  }
}

static int init_weights(gl_net *n) {
  gl_rng r;
  gl_rng_seed(&r, n->s.seed, 1);
  memset(n->params, 0, sizeof(gl_real) * n->n_params);
  for (int l = 0; l < n->n_layers; l++) {
    const gl_layer *L = &n->layers[l];
    gl_real *W = n->params + L->w_off;
    const size_t nw = (size_t)L->in * L->out;
    switch (n->s.init) {
    case INIT_XAVIER: {
      double a = sqrt(6.0 / (L->in + L->k2 * L->out)); /* conv: fan_out = 9 c_out */
      for (size_t i = 0; i < nw; i++) W[i] = (gl_real)((2.0 * gl_rng_uniform(&r) - 1.0) * a);
      break;
    }
    case INIT_HE: {
      double sd = sqrt(2.0 / L->in);
      for (size_t i = 0; i < nw; i++) W[i] = (gl_real)(sd * gl_rng_normal(&r));
      break;
    }
    case INIT_NORMAL:
      for (size_t i = 0; i < nw; i++) W[i] = (gl_real)(n->s.init_std * gl_rng_normal(&r));
      break;
    default: { /* orthogonal, gain sqrt(2) for the relu family */
      const int big = L->in > L->out ? L->in : L->out, small = L->in + L->out - big;
      double *A = (double *)malloc(sizeof(double) * (size_t)big * small);
      if (!A) return GL_ENOMEM;
      for (size_t i = 0; i < (size_t)big * small; i++) A[i] = gl_rng_normal(&r);
      orthonormalize(A, big, small);
      double gain = (n->s.act == ACT_RELU || n->s.act == ACT_LEAKY_RELU) ? sqrt(2.0) : 1.0;
      for (int i = 0; i < L->in; i++)
        for (int j = 0; j < L->out; j++)
          W[(size_t)i * L->out + j] = (gl_real)(
              gain * (L->in >= L->out ? A[(size_t)i * small + j] : A[(size_t)j * small + i]));
      free(A);
    }
    }
  }
  for (int k = 0; k < n->n_norms; k++) { /* gamma = 1, beta = 0 */
    gl_real *gamma = n->params + n->layers[n->norms[k].layer].g_off;
    for (int c = 0; c < n->norms[k].C; c++) gamma[c] = 1;
  }
  for (int b = 0; b < n->n_blocks; b++)
    n->params[n->alpha_off + b] =
        (gl_real)(n->s.res_scale_kind == SCALE_REZERO ? 0.0 : n->scale_value);
  return GL_OK;
}

/* ---- create / free ---- */

static int validate(const gl_config *cfg, int arch, char *err) {
  const gl_settings *s = &cfg->s;
  if (arch == GL_ARCH_FROM_CONFIG && s->arch == ARCHSET_BOTH) {
    gl_seterr(err, "arch: 'both' means two networks; create one with arch plain and one with "
                   "arch residual");
    return GL_EINVAL;
  }
  if (arch != GL_ARCH_FROM_CONFIG && arch != GL_ARCH_PLAIN && arch != GL_ARCH_RESIDUAL) {
    gl_seterr(err, "arch: %d is not GL_ARCH_PLAIN or GL_ARCH_RESIDUAL", arch);
    return GL_EINVAL;
  }
  if (s->model == MODEL_DENSE && s->depth % s->block) {
    gl_seterr(err, "depth: %d is not a multiple of block (%d)", s->depth, s->block);
    return GL_EINVAL;
  }
  if (s->data == DATA_CSV && !cfg->csv) {
    gl_seterr(err, "data: csv needs CSV text (none was given)");
    return GL_EINVAL;
  }
  if (s->model == MODEL_CONV && s->data != DATA_DIGITS) {
    gl_seterr(err, "model: conv needs image data (data=digits)");
    return GL_EINVAL;
  }
  if (s->data == DATA_DIGITS && !cfg->digits[GL_SPLIT_TRAIN]) {
    gl_seterr(err, "data: digits needs the training images (gl_config_set_digits; the CLI reads "
                   "web/data/digits-train.bin)");
    return GL_EINVAL;
  }
  if (s->model == MODEL_CONV && s->blocks < s->pool + 1) {
    gl_seterr(err, "pool: %d poolings make %d stages, more than the %d blocks (blocks >= pool + 1)",
              s->pool, s->pool + 1, s->blocks);
    return GL_EINVAL;
  }
  return GL_OK;
}

/* The digits splits' shapes (data=digits): train into d->data, test into d->test. */
static int digits_shape(gl_config *cfg, gl_net *n) {
  gl_dataset *tr = &n->data, *te = &n->test;
  int rc = gl_digits_scan(cfg->digits[GL_SPLIT_TRAIN], cfg->digits_len[GL_SPLIT_TRAIN], &tr->n,
                          &tr->h, &tr->w, &tr->classes, NULL, NULL, cfg->errmsg);
  if (rc) return rc;
  tr->d = tr->h * tr->w;
  if (!cfg->digits[GL_SPLIT_TEST]) return GL_OK;
  rc = gl_digits_scan(cfg->digits[GL_SPLIT_TEST], cfg->digits_len[GL_SPLIT_TEST], &te->n, &te->h,
                      &te->w, &te->classes, NULL, NULL, cfg->errmsg);
  if (rc) return rc;
  te->d = te->h * te->w;
  if (te->h != tr->h || te->w != tr->w || te->classes != tr->classes) {
    gl_seterr(cfg->errmsg,
              "digits: the test images are %dx%d with %d classes, the training images %dx%d "
              "with %d classes",
              te->h, te->w, te->classes, tr->h, tr->w, tr->classes);
    return GL_EDATA;
  }
  return GL_OK;
}

int gl_create(gl_config *cfg, int arch, gl_net **out) {
  return gl_create_ex(cfg, arch, 1, out);
}

int gl_create_ex(gl_config *cfg, int arch, int keep_shortcut, gl_net **out) {
  if (!out) return GL_EMISUSE;
  *out = NULL;
  if (!cfg) return GL_EMISUSE;
  cfg->errmsg[0] = '\0';
  int rc = validate(cfg, arch, cfg->errmsg);
  if (rc) return rc;
  gl_net tmp;
  memset(&tmp, 0, sizeof tmp);
  gl_net *n = &tmp;
  n->s = cfg->s;
  n->arch = arch == GL_ARCH_FROM_CONFIG ? (cfg->s.arch == ARCHSET_PLAIN ? GL_ARCH_PLAIN
                                                                        : GL_ARCH_RESIDUAL)
                                        : arch;
  n->keep_shortcut = keep_shortcut;
  /* data shape */
  if (n->s.data == DATA_CSV) {
    rc = gl_csv_scan(cfg->csv, cfg->csv_len, &n->data.n, &n->data.d, &n->data.classes, NULL, NULL,
                     cfg->errmsg);
    if (rc) return rc;
    if (n->data.d > 1024) {
      gl_seterr(cfg->errmsg, "data: %d feature columns, at most 1024", n->data.d);
      return GL_EINVAL;
    }
  } else if (n->s.data == DATA_DIGITS) {
    rc = digits_shape(cfg, n);
    if (rc) return rc;
    if (n->s.model == MODEL_DENSE && n->data.d > 1024) {
      gl_seterr(cfg->errmsg, "data: %d inputs per image, at most 1024 for model dense", n->data.d);
      return GL_EINVAL;
    }
    if (n->s.model == MODEL_CONV &&
        ((n->data.h >> n->s.pool) < 1 || (n->data.w >> n->s.pool) < 1)) {
      gl_seterr(cfg->errmsg, "pool: %d halvings of a %dx%d image leave no pixels", n->s.pool,
                n->data.h, n->data.w);
      return GL_EINVAL;
    }
  } else {
    n->data.n = n->s.points;
    n->data.d = 2;
    n->data.classes = 2;
  }
  const int npts = n->data.n;
  const int conv_net = n->s.model == MODEL_CONV;
  if (n->s.batch > npts) {
    gl_seterr(cfg->errmsg, "batch: %d is larger than the data set (%d points); 0 means full batch",
              n->s.batch, npts);
    return GL_EINVAL;
  }
  n->B = n->s.batch ? n->s.batch : npts;
  if (n->B > 4096) {
    gl_seterr(cfg->errmsg, "batch: a full batch of %d points is above the limit of 4096; set batch",
              n->B);
    return GL_EINVAL;
  }
  if (n->s.norm == NORM_BATCH && n->B < 2) {
    gl_seterr(cfg->errmsg,
              "batch: norm=batch needs at least 2 examples per step (got 1): it normalises %s by "
              "its mean and variance over the batch, and %s; use batch >= 2 or norm=layer",
              conv_net ? "each channel" : "each feature",
              conv_net ? "one image's statistics are not the batch's" : "over one example the variance is 0");
    return GL_EINVAL;
  }
  /* rows the buffers hold: the batch, or more for evaluating the whole set in
   * chunks (a conv net's activations are C*H*W per row: smaller chunks) */
  const int chunk = conv_net ? 64 : 256;
  n->cap = n->B == npts ? n->B : (n->B > chunk ? n->B : (npts < chunk ? npts : chunk));
  n->n_layers = conv_net ? 2 * n->s.blocks + 2 : n->s.depth + 2;
  n->n_blocks = n->arch != GL_ARCH_RESIDUAL ? 0 : conv_net ? n->s.blocks : n->s.depth / n->s.block;
  n->scale_value = n->s.res_scale_kind == SCALE_INVSQRT
                       ? (n->n_blocks ? 1.0 / sqrt((double)n->n_blocks) : 1.0)
                       : n->s.res_scale;
  build_graph(n); /* counting pass: buffers, ops, parameters (alpha_off), scratch */
  n->n_params = n->alpha_off + n->n_blocks;
  /* measure */
  plan p = {NULL, 0};
  carve(&p, sizeof(gl_net));
  layout(n, &p);
  const size_t feat = n->n_features; /* summed over buffers by the counting pass */
  double need = (double)p.off + 2.0 * sizeof(gl_real) * (double)feat * n->cap +
                sizeof(gl_real) * (double)(n->n_scratch + n->n_norm_state) +
                64.0 * (2 * n->n_bufs + 3);
  if (need > (double)GL_MAX_BYTES) {
    if (conv_net)
      gl_seterr(cfg->errmsg,
                "blocks/channels/batch: this network needs %.0f MB, above the %zu MB budget; "
                "reduce blocks, channels or batch (0 = all %d images at once)",
                need / 1048576.0, GL_MAX_BYTES >> 20, npts);
    else
      gl_seterr(cfg->errmsg,
                "depth/width/batch: this network needs %.0f MB, above the %zu MB budget; "
                "reduce depth, width, batch or points",
                need / 1048576.0, GL_MAX_BYTES >> 20);
    return GL_ENOMEM;
  }
  size_t total = (size_t)need + 4096;
  char *mem = (char *)malloc(total);
  if (!mem) {
    gl_seterr(cfg->errmsg, "out of memory allocating %.1f MB", total / 1048576.0);
    return GL_ENOMEM;
  }
  memset(mem, 0, total);
  p.base = mem;
  p.off = 0;
  n = (gl_net *)carve(&p, sizeof(gl_net));
  *n = tmp;
  layout(n, &p);
  build_graph(n); /* filling pass */
  layout_buffers(n, &p);
  if (p.off > total) { /* cannot happen: `need` bounds every carve */
    free(mem);
    gl_seterr(cfg->errmsg, "internal error: memory plan overflow");
    return GL_ENOMEM;
  }
  n->mem = mem;
  n->bytes = p.off;
  plan_passes(n);
  /* parameter offsets and names */
  size_t off = 0;
  for (int l = 0; l < n->n_layers; l++) {
    gl_layer *Ly = &n->layers[l];
    Ly->w_off = off;
    off += (size_t)Ly->in * Ly->out;
    Ly->b_off = off;
    off += (size_t)Ly->out;
    Ly->g_off = off;
    if (Ly->norm >= 0) off += 2 * (size_t)n->norms[Ly->norm].C;
    const int last = l == n->n_layers - 1;
    if (conv_net && last) snprintf(n->names[l], GL_NAME_LEN, "fc");
    else if (conv_net) snprintf(n->names[l], GL_NAME_LEN, "conv_%d", l + 1);
    else if (last) snprintf(n->names[l], GL_NAME_LEN, "Lin_out");
    else snprintf(n->names[l], GL_NAME_LEN, "Lin_%d", l + 1);
  }
  /* data */
  int a, b, c, e;
  if (n->s.data == DATA_CSV) {
    gl_csv_scan(cfg->csv, cfg->csv_len, &a, &b, &c, n->data.x, n->data.y, cfg->errmsg);
  } else if (n->s.data == DATA_DIGITS) {
    gl_digits_scan(cfg->digits[GL_SPLIT_TRAIN], cfg->digits_len[GL_SPLIT_TRAIN], &a, &b, &c, &e,
                   n->data.x, n->data.y, cfg->errmsg);
    if (n->test.n)
      gl_digits_scan(cfg->digits[GL_SPLIT_TEST], cfg->digits_len[GL_SPLIT_TEST], &a, &b, &c, &e,
                     n->test.x, n->test.y, cfg->errmsg);
  } else {
    gl_make_builtin(n->s.data, npts, n->s.noise, n->s.data_seed, n->data.x, n->data.y);
  }
  /* the test split is standardised with the training split's statistics */
  if (n->s.standardize) gl_standardize2(n->data.x, npts, n->test.x, n->test.n, n->data.d);
  for (int i = 0; i < npts; i++) n->perm[i] = i;
  n->perm_pos = npts; /* shuffle before the first mini-batch */
  gl_rng_seed(&n->rng_batch, n->s.seed, 2);
  rc = init_weights(n);
  if (rc) {
    free(mem);
    gl_seterr(cfg->errmsg, "out of memory during initialisation");
    return rc;
  }
  n->rec_step = -1;
  n->rec_test_loss = n->rec_test_acc = -1;
  n->div_step = -1;
  n->div_where = "";
  *out = n;
  return GL_OK;
}

void gl_free(gl_net *net) {
  if (net) free(net->mem);
}

/* ---- forward / backward ---- */

gl_real gl_block_scale(const gl_net *net, int block) { return net->params[net->alpha_off + block]; }

/* On helper threads (pool.c) a dense network's batch is cut into blocks of
 * rows, one per thread: the forward pass, the loss and the backward chain
 * dL/dx only ever mix values within a row, so each block runs through every
 * op on one thread, without waiting for the others.  The sums over rows (dW,
 * db, a residual scale's gradient, the loss) are not cut: dW and db go by
 * layer, one thread per layer, and the loss is summed row by row afterwards.
 * So every thread count gives the same bits.  A conv network stays one block
 * (its kernels share n->scratch); its products split instead (gemm_nn), and
 * the copies around them go image by image (conv.c). */
static int row_blocks(const gl_net *n, int rows, int *step) {
  const int t = gl_threads_get(), r = n->row_align;
  /* batch norm in training mode: its statistics are sums over all rows */
  if (n->s.model == MODEL_CONV || t <= 1 || rows < 2 * r ||
      (n->s.norm == NORM_BATCH && !n->norm_eval)) {
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

typedef struct {
  gl_net *n;
  const gl_real *x;
  const int32_t *y;
  int rows, step, want_grad;
  long correct[GL_MAX_THREADS];
} fwd_job;

static void forward_block(void *p, int blk, int thread) {
  fwd_job *j = (fwd_job *)p;
  gl_net *n = j->n;
  const int r0 = blk * j->step, m = j->rows - r0 < j->step ? j->rows - r0 : j->step;
  const int d = n->data.d;
  memcpy(VAL(0), j->x + (size_t)r0 * d, sizeof(gl_real) * (size_t)m * d);
  for (int i = 0; i < n->n_ops; i++) {
    const gl_op *op = &n->ops[i];
    const size_t cnt = (size_t)m * n->bufs[op->in].n;
    switch (op->type) {
    case OP_LIN: {
      const gl_layer *L = &n->layers[op->layer];
      dense_forward(VAL(op->out), VAL(op->in), n->params + L->w_off, n->params + L->b_off, m, L->in,
                    L->out);
      break;
    }
    case OP_ACT: act_forward(VAL(op->out), VAL(op->in), cnt, n->s.act); break;
    case OP_CONV: {
      const gl_layer *L = &n->layers[op->layer];
      conv3x3_forward(VAL(op->out), VAL(op->in), n->params + L->w_off, n->params + L->b_off, m,
                      L->in / 9, L->out, L->h, L->w, n->scratch);
      break;
    }
    case OP_POOL: avgpool2_forward(VAL(op->out), VAL(op->in), m, op->c, op->h, op->w); break;
    case OP_GAP: gap_forward(VAL(op->out), VAL(op->in), m, op->c, op->h * op->w); break;
    case OP_NORM: {
      gl_norm *N = &n->norms[op->layer];
      const gl_real *gamma = n->params + n->layers[N->layer].g_off, *beta = gamma + N->C;
      if (n->s.norm == NORM_LAYER) {
        layernorm_forward(VAL(op->out), N->mean + r0, N->rstd + r0, VAL(op->in), gamma, beta, m,
                          N->C, N->S);
      } else if (n->norm_eval) {
        batchnorm_eval_forward(VAL(op->out), VAL(op->in), gamma, beta, N->run_mean, N->run_var,
                               N->rs, m, N->C, N->S);
      } else { /* training: the whole batch is this one block (row_blocks) */
        batchnorm_forward(VAL(op->out), N->mean, N->rstd, N->var, VAL(op->in), gamma, beta, m,
                          N->C, N->S);
        if (n->norm_update)
          batchnorm_running_update(N->run_mean, N->run_var, N->mean, N->var, N->C,
                                   (double)m * N->S, !n->norm_started);
      }
      break;
    }
    default:
      residual_forward(VAL(op->out), VAL(op->in), VAL(op->in2), gl_block_scale(n, op->layer),
                       (gl_real)n->keep_shortcut, cnt);
    }
  }
  if (!j->y) return;
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
  fwd_job j = {n, x, y, rows, 0, want_grad, {0}};
  const int nb = row_blocks(n, rows, &j.step);
  gl_parallel(nb, forward_block, &j);
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
} bwd_job;

static void backward_block(void *p, int blk, int thread) {
  bwd_job *j = (bwd_job *)p;
  gl_net *n = j->n;
  const int r0 = blk * j->step, m = j->rows - r0 < j->step ? j->rows - r0 : j->step;
  for (int i = n->n_ops - 1; i >= 0; i--) {
    const gl_op *op = &n->ops[i];
    const size_t cnt = (size_t)m * n->bufs[op->in].n;
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
    case OP_ACT:
      act_backward(GRD(op->in), GRD(op->out), VAL(op->in), VAL(op->out), cnt, n->s.act,
                   op->acc_in);
      break;
    case OP_CONV: {
      const gl_layer *L = &n->layers[op->layer];
      conv3x3_backward(GRD(op->in), n->grads + L->w_off, n->grads + L->b_off, GRD(op->out),
                       VAL(op->in), n->params + L->w_off, m, L->in / 9, L->out, L->h, L->w,
                       op->acc_in, n->scratch);
      break;
    }
    case OP_POOL: avgpool2_backward(GRD(op->in), GRD(op->out), m, op->c, op->h, op->w, op->acc_in); break;
    case OP_GAP: gap_backward(GRD(op->in), GRD(op->out), m, op->c, op->h * op->w, op->acc_in); break;
    case OP_NORM: { /* batch norm: dgamma, dbeta too (one block); layer norm: in weight_grads */
      const gl_norm *N = &n->norms[op->layer];
      const size_t go = n->layers[N->layer].g_off;
      if (n->s.norm == NORM_LAYER)
        layernorm_backward(GRD(op->in), NULL, NULL, GRD(op->out), VAL(op->in), n->params + go,
                           N->mean + r0, N->rstd + r0, m, N->C, N->S, op->acc_in);
      else
        batchnorm_backward(GRD(op->in), n->grads + go, n->grads + go + N->C, GRD(op->out),
                           VAL(op->in), n->params + go, N->mean, N->rstd, m, N->C, N->S,
                           op->acc_in);
      break;
    }
    default:
      residual_backward(GRD(op->in), GRD(op->in2), GRD(op->out), gl_block_scale(n, op->layer),
                        (gl_real)n->keep_shortcut, cnt, op->acc_in, op->acc_in2);
    }
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
  bwd_job j = {n, rows, 0};
  const int nb = row_blocks(n, rows, &j.step);
  for (int k = 0; k < n->n_norms; k++) /* dgamma, dbeta accumulate */
    memset(n->grads + n->layers[n->norms[k].layer].g_off, 0,
           sizeof(gl_real) * 2 * (size_t)n->norms[k].C);
  gl_parallel(nb, backward_block, &j);
  gl_parallel(n->n_layers, weight_grads, &j);
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

/* ---- statistics helpers ---- */

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

static void diverge(gl_net *n, const char *where, int layer) {
  n->status = GL_STATUS_DIVERGED;
  n->div_step = n->t;
  n->div_where = where;
  n->div_layer = layer;
}

/* First non-finite value in forward order -> its layer (1-based), 0 if none. */
static int first_nonfinite_forward(gl_net *n, int rows) {
  int layer = 0;
  for (int i = 0; i < n->n_ops; i++) {
    const gl_op *op = &n->ops[i];
    if (op->type == OP_LIN || op->type == OP_CONV) layer = op->layer + 1;
    const gl_buf *o = &n->bufs[op->out];
    if (!all_finite(o->v, (size_t)rows * o->n)) return layer;
  }
  return 0;
}

/* Loss and accuracy on a whole data set (the training or the test split) at
 * the current parameters, in chunks of cap rows. */
static void evaluate(gl_net *n, const gl_dataset *ds, double *loss, double *acc) {
  double L = 0;
  long ok = 0;
  const int d = ds->d;
  n->norm_eval = 1; /* batch norm: the running statistics (PyTorch's model.eval()) */
  for (int r0 = 0; r0 < ds->n; r0 += n->cap) {
    int rows = ds->n - r0 < n->cap ? ds->n - r0 : n->cap;
    long c = 0;
    L += gl_forward(n, ds->x + (size_t)r0 * d, ds->y + r0, rows, &c, 0);
    ok += c;
  }
  n->norm_eval = 0;
  *loss = L / ds->n;
  *acc = (double)ok / ds->n;
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

static void measure_batch(gl_net *n, int rows) {
  const int nl = n->n_layers;
  double *agn = n->work;
  agn[0] = mean_row_norm(n->bufs[0].g, rows, n->data.d);
  rec_job j = {n, rows};
  gl_parallel(nl, measure_layer, &j);
  for (int l = 0; l < nl; l++) {
    double below = agn[l], here = agn[l + 1];
    n->rec[GL_CHI_MEASURED * nl + l] = here > 0 ? (below / here) * (below / here) : 0;
  }
}

/* ---- the training step ---- */

static void next_batch(gl_net *n, const gl_real **x, const int32_t **y) {
  const int npts = n->data.n, d = n->data.d;
  if (n->B == npts) {
    *x = n->data.x;
    *y = n->data.y;
    return;
  }
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
  *x = n->batch_x;
  *y = n->batch_y;
}

/* One step; record = measure it; update = apply the optimiser. */
static void one_step(gl_net *n, int record, int update) {
  const gl_real *bx;
  const int32_t *by;
  const int rows = n->B, nl = n->n_layers;
  next_batch(n, &bx, &by);
  long correct = 0;
  /* training mode; batch norm's running statistics take this batch when the
   * step updates, or start from it (the first step, or a measurement before it) */
  n->norm_update = update || !n->norm_started;
  double loss = gl_forward(n, bx, by, rows, &correct, 1) / rows;
  n->norm_update = 0;
  n->norm_started = 1;
  if (!isfinite(loss)) {
    int layer = first_nonfinite_forward(n, rows);
    diverge(n, layer ? "forward" : "loss", layer);
    return;
  }
  gl_backward(n, rows); /* also ||dW||^2, ||db||^2 per layer */
  double total = 0;
  int bad = 0;
  for (int l = nl - 1; l >= 0; l--) {
    const double wsq = n->layer_sumsq[l], bsq = n->bias_sumsq[l];
    const double nsq = n->norm_sumsq[l];
    if (!bad && !(isfinite(wsq) && isfinite(bsq) && isfinite(nsq))) bad = l + 1;
    total += wsq + bsq + nsq;
  }
  if (n->s.res_scale_kind == SCALE_REZERO) total += sum_sq(n->grads + n->alpha_off, (size_t)n->n_blocks);
  if (bad || !isfinite(total)) {
    diverge(n, "backward", bad ? bad : nl);
    return;
  }
  double clip_scale = 1;
  if (n->s.clip > 0 && sqrt(total) > n->s.clip) clip_scale = n->s.clip / sqrt(total);
  double rec_loss = loss, rec_acc = (double)correct / rows;
  if (record) {
    measure_batch(n, rows);
    /* loss and accuracy in evaluation mode: batch norm differs from the training batch's */
    if (rows != n->data.n || n->s.norm == NORM_BATCH) evaluate(n, &n->data, &rec_loss, &rec_acc);
    if (n->test.n) evaluate(n, &n->test, &n->rec_test_loss, &n->rec_test_acc);
  }
  double *upd = n->work + 2 * nl + 1, *wvar = upd + nl, *wmean = n->work; /* agn no longer needed */
  if (update) gl_optim_step(n, clip_scale, record ? upd : NULL, record ? wvar : NULL, record ? wmean : NULL);
  if (record) {
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
    /* theory line: anchored at the layer nearest the output whose gradient is
     * not zero (the output layer, unless training has zeroed its gradient),
     * one factor sqrt(chi) per layer below it; 0 above the anchor */
    int anchor = nl - 1;
    while (anchor > 0 && !(n->rec[GL_GRAD_NORM * nl + anchor] > 0)) anchor--;
    double pred = n->rec[GL_GRAD_NORM * nl + anchor];
    for (int l = nl - 1; l >= 0; l--) {
      n->rec[GL_GRAD_NORM_THEORY * nl + l] = l > anchor ? 0 : pred;
      if (l <= anchor) pred *= sqrt(n->rec[GL_CHI * nl + l]);
    }
    n->rec_step = n->t;
    n->rec_loss = rec_loss;
    n->rec_acc = rec_acc;
  }
  if (update) n->t++;
}

int gl_step(gl_net *net, int n) {
  if (!net) return GL_EMISUSE;
  if (n < 0) {
    gl_seterr(net->errmsg, "step: the number of steps must be >= 0 (got %d)", n);
    return GL_EMISUSE;
  }
  for (int i = 0; i < n && net->status == GL_STATUS_OK; i++)
    one_step(net, net->t % net->s.record_every == 0, 1);
  return GL_OK;
}

int gl_measure(gl_net *net) {
  if (!net) return GL_EMISUSE;
  if (net->status == GL_STATUS_OK) one_step(net, 1, 0);
  return GL_OK;
}

/* ---- accessors ---- */

const char *gl_errmsg(const gl_net *net) {
  if (!net) return "no network (NULL)";
  return net->errmsg[0] ? net->errmsg : "no error";
}
size_t gl_memory_bytes(const gl_net *net) { return net ? net->bytes : 0; }
int gl_status(const gl_net *net) { return net ? net->status : GL_STATUS_OK; }
long gl_steps_done(const gl_net *net) { return net ? net->t : 0; }
long gl_diverged_step(const gl_net *net) { return net ? net->div_step : -1; }
int gl_diverged_layer(const gl_net *net) { return net ? net->div_layer : 0; }
const char *gl_diverged_where(const gl_net *net) { return net ? net->div_where : ""; }
int gl_n_layers(const gl_net *net) { return net ? net->n_layers : 0; }
int gl_n_blocks(const gl_net *net) { return net ? net->n_blocks : 0; }
int gl_n_classes(const gl_net *net) { return net ? net->data.classes : 0; }
int gl_n_points(const gl_net *net) { return net ? net->data.n : 0; }
int gl_n_inputs(const gl_net *net) { return net ? net->data.d : 0; }
const gl_real *gl_data_x(const gl_net *net) { return net ? net->data.x : NULL; }
const int32_t *gl_data_y(const gl_net *net) { return net ? net->data.y : NULL; }
const char *gl_layer_name(const gl_net *net, int layer) {
  if (!net || layer < 1 || layer > net->n_layers) return NULL;
  return net->names[layer - 1];
}
const double *gl_record_field(const gl_net *net, int field) {
  if (!net || field < 0 || field >= GL_N_FIELDS) return NULL;
  return net->rec + (size_t)field * net->n_layers;
}
long gl_record_step(const gl_net *net) { return net ? net->rec_step : -1; }
double gl_record_loss(const gl_net *net) { return net ? net->rec_loss : 0; }
double gl_record_acc(const gl_net *net) { return net ? net->rec_acc : 0; }
double gl_record_test_loss(const gl_net *net) { return net ? net->rec_test_loss : -1; }
double gl_record_test_acc(const gl_net *net) { return net ? net->rec_test_acc : -1; }
int gl_image_height(const gl_net *net) { return net ? net->data.h : 0; }
int gl_image_width(const gl_net *net) { return net ? net->data.w : 0; }
int gl_n_test_points(const gl_net *net) { return net ? net->test.n : 0; }
const gl_real *gl_test_x(const gl_net *net) { return net && net->test.n ? net->test.x : NULL; }
const int32_t *gl_test_y(const gl_net *net) { return net && net->test.n ? net->test.y : NULL; }
double gl_record_res_scale(const gl_net *net, int block) {
  if (!net || block < 0 || block >= net->n_blocks) return 0;
  return gl_block_scale(net, block);
}

static const char *FIELD_NAMES[GL_N_FIELDS] = {
    "grad_norm", "act_grad_norm", "act_mean", "act_std", "saturation",
    "update_ratio", "chi", "chi_measured", "underflow", "grad_norm_theory", "gamma_grad_norm"};
const char *gl_field_name(int field) {
  return field >= 0 && field < GL_N_FIELDS ? FIELD_NAMES[field] : NULL;
}

const char *gl_version(void) { return GL_VERSION; }

const char *gl_errstr(int code) {
  switch (code) {
  case GL_OK: return "ok";
  case GL_EINVAL: return "invalid setting";
  case GL_ENOMEM: return "out of memory";
  case GL_EDATA: return "malformed data";
  case GL_ESTATE: return "not allowed in this state";
  case GL_EMISUSE: return "API misuse";
  default: return "unknown error code";
  }
}

/* softmax of each row of z (rows, C) into out, in double (MSE: the outputs as they are) */
static void probabilities(const gl_net *n, const gl_real *z, int rows, int C, double *out) {
  for (int r = 0; r < rows; r++, z += C, out += C) {
    if (n->s.loss == LOSS_MSE) {
      for (int c = 0; c < C; c++) out[c] = z[c];
      continue;
    }
    double m = z[0], s = 0;
    for (int c = 1; c < C; c++) m = z[c] > m ? z[c] : m;
    for (int c = 0; c < C; c++) s += (out[c] = exp((double)z[c] - m));
    for (int c = 0; c < C; c++) out[c] = isfinite(s) && s > 0 ? out[c] / s : 1.0 / C;
  }
}

int gl_predict_grid(gl_net *n, double x0, double x1, double y0, double y1, int nx, int ny,
                    double *out) {
  if (!n || !out) return GL_EMISUSE;
  if (n->data.d != 2) {
    gl_seterr(n->errmsg, "predict_grid: the data has %d inputs, a grid needs 2", n->data.d);
    return GL_EINVAL;
  }
  if (nx < 1 || ny < 1 || nx > 1024 || ny > 1024 || !(x1 > x0) || !(y1 > y0) ||
      !isfinite(x0 + x1 + y0 + y1)) {
    gl_seterr(n->errmsg, "predict_grid: need 1 <= nx, ny <= 1024 and finite x0 < x1, y0 < y1");
    return GL_EINVAL;
  }
  const int total = nx * ny, C = n->data.classes;
  const gl_buf *lg = &n->bufs[n->ops[n->n_ops - 1].out];
  for (int p0 = 0; p0 < total; p0 += n->cap) {
    int rows = total - p0 < n->cap ? total - p0 : n->cap;
    for (int r = 0; r < rows; r++) {
      int p = p0 + r, ix = p % nx, iy = p / nx;
      n->batch_x[2 * r] = (gl_real)(nx > 1 ? x0 + (x1 - x0) * ix / (nx - 1) : 0.5 * (x0 + x1));
      n->batch_x[2 * r + 1] = (gl_real)(ny > 1 ? y0 + (y1 - y0) * iy / (ny - 1) : 0.5 * (y0 + y1));
    }
    n->norm_eval = 1;
    gl_forward(n, n->batch_x, NULL, rows, NULL, 0);
    n->norm_eval = 0;
    probabilities(n, lg->v, rows, C, out + (size_t)p0 * C);
  }
  return GL_OK;
}

int gl_predict_test(gl_net *n, int first, int count, double *out) {
  if (!n || !out) return GL_EMISUSE;
  if (first < 0 || count < 0 || first > n->test.n - count) {
    gl_seterr(n->errmsg, "predict_test: images %d .. %d are outside the %d test images", first,
              first + count - 1, n->test.n);
    return GL_EINVAL;
  }
  const int C = n->data.classes, d = n->data.d;
  const gl_buf *lg = &n->bufs[n->ops[n->n_ops - 1].out];
  for (int p0 = 0; p0 < count; p0 += n->cap) {
    int rows = count - p0 < n->cap ? count - p0 : n->cap;
    n->norm_eval = 1;
    gl_forward(n, n->test.x + (size_t)(first + p0) * d, NULL, rows, NULL, 0);
    n->norm_eval = 0;
    probabilities(n, lg->v, rows, C, out + (size_t)p0 * C);
  }
  return GL_OK;
}
