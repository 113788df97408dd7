/*
 * net.c - a network's life: gl_create in named steps (validate the config,
 * check the data's shape, size everything, carve the one allocation, fill it)
 * and gl_free.
 *
 * Everything a network holds lives in one allocation, laid out by one
 * function (layout) that runs twice: once measuring (no base pointer), once
 * carving the real block.  The graph it holds is built in graph.c, the
 * weights set in init.c; the passes, statistics and the step are in
 * passes.c, stats.c and step.c, the read side in api.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gl_internal.h"

/* ---- memory plan: one allocation, carved in order ---- */

typedef struct {
  char *base;
  size_t off;
} plan;

#define PAGE_ALIGN ((size_t)4096) /* the one allocation's base (carve_net) */

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
  n->grid_x = d == 2 ? (gl_real *)carve(p, sizeof(gl_real) * (size_t)n->cap * 2) : NULL;
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
  n->work = (double *)carve(p, sizeof(double) * (7 * (size_t)nl + 1));
  /* residual blocks (blocks.c): their wiring, per-block record, a branch's scratch */
  n->blocks = (gl_block *)carve(p, sizeof(gl_block) * (size_t)n->n_blocks);
  n->rec_block = (double *)carve(p, sizeof(double) * GL_N_BLOCK_FIELDS * (size_t)n->n_blocks);
  n->blk_trunk = (double *)carve(p, sizeof(double) * ((size_t)n->n_blocks + 1));
  n->bscratch = (gl_real *)carve(p, sizeof(gl_real) * gl_blocks_scratch(n));
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
    N->run_rstd = ns + 3 * c;
    N->rs = ns + 4 * c;
    for (size_t i = 0; i < c; i++) { /* PyTorch's start, before the first batch: mean 0, var 1 */
      N->run_var[i] = 1;
      N->run_rstd[i] = (gl_real)(1.0 / sqrt(1.0 + GL_NORM_EPS));
    }
    N->ca = ns + 5 * c;
    N->ck1 = ns + 6 * c;
    N->ck2 = ns + 7 * c;
    ns += 8 * c;
  }
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

/* The data set's shape (n, d, classes; image size) from the config, and
 * the checks that need it: feature and pixel limits, the batch.  Sets n->B. */
static int check_shape(gl_config *cfg, gl_net *n) {
  int rc;
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
    const int conv_net = n->s.model == MODEL_CONV;
    gl_seterr(cfg->errmsg,
              "batch: norm=batch needs at least 2 examples per step (got 1): it normalises %s by "
              "its mean and variance over the batch, and %s; use batch >= 2 or norm=layer",
              conv_net ? "each channel" : "each feature",
              conv_net ? "one image's statistics are not the batch's" : "over one example the variance is 0");
    return GL_EINVAL;
  }
  return GL_OK;
}

/* Everything's size, allocating nothing: rows held, layers, blocks, the
 * graph (counting pass), the parameters; *need = the bytes of the one
 * allocation, refused with GL_ENOMEM above the budget GL_MAX_BYTES. */
static int size_net(gl_config *cfg, gl_net *n, double *need) {
  const int npts = n->data.n;
  const int conv_net = n->s.model == MODEL_CONV;
  /* rows the buffers hold: the batch, or more for evaluating the whole set in
   * chunks (a conv net's activations are C*H*W per row: smaller chunks) */
  const int chunk = conv_net ? 64 : 256;
  n->cap = n->B == npts ? n->B : (n->B > chunk ? n->B : (npts < chunk ? npts : chunk));
  n->n_layers = conv_net ? 2 * n->s.blocks + 2 : n->s.depth + 2;
  n->n_blocks = n->arch != GL_ARCH_RESIDUAL ? 0 : conv_net ? n->s.blocks : n->s.depth / n->s.block;
  n->scale_value = n->s.res_scale_kind == SCALE_INVSQRT
                       ? (n->n_blocks ? 1.0 / sqrt((double)n->n_blocks) : 1.0)
                       : n->s.res_scale;
  gl_build_graph(n); /* counting pass: buffers, ops, parameters (alpha_off), scratch */
  n->n_params = n->alpha_off + n->n_blocks;
  plan p = {NULL, 0};
  carve(&p, sizeof(gl_net));
  layout(n, &p);
  const size_t feat = n->n_features; /* summed over buffers by the counting pass */
  *need = (double)p.off + 2.0 * sizeof(gl_real) * (double)feat * n->cap +
          sizeof(gl_real) * (double)(n->n_scratch + n->n_norm_state) + 64.0 * (2 * n->n_bufs + 3);
  if (*need <= (double)GL_MAX_BYTES) return GL_OK;
  if (conv_net)
    gl_seterr(cfg->errmsg,
              "blocks/channels/batch: this network needs %.0f MB, above the %zu MB budget; "
              "reduce blocks, channels or batch (0 = all %d images at once)",
              *need / 1048576.0, GL_MAX_BYTES >> 20, npts);
  else
    gl_seterr(cfg->errmsg,
              "depth/width/batch: this network needs %.0f MB, above the %zu MB budget; "
              "reduce depth, width, batch or points",
              *need / 1048576.0, GL_MAX_BYTES >> 20);
  return GL_ENOMEM;
}

/* The one allocation (zeroed), carved: the gl_net itself first (a copy of
 * the sized *tmp), its arrays, the graph (filling pass), the buffers; then
 * the passes' plan.  *out is the net inside the allocation. */
static int carve_net(gl_config *cfg, const gl_net *tmp, double need, gl_net **out) {
  size_t total = (size_t)need + 4096;
  /* the plan's 64-byte offsets are 64-byte addresses only from an aligned
   * base: malloc's is 16-byte aligned, and with it every 64-byte vector load
   * of a misaligned net straddled two cache lines and row_align's blocks
   * shared lines (graph.c), so a net ran up to 1.5x slower or faster than its
   * twin by where malloc put it (docs/performance.md).  A page-aligned base
   * gives every net of a configuration the same addresses modulo 4096. */
  char *raw = (char *)malloc(total + PAGE_ALIGN);
  if (!raw) {
    gl_seterr(cfg->errmsg, "out of memory allocating %.1f MB", (total + PAGE_ALIGN) / 1048576.0);
    return GL_ENOMEM;
  }
  char *mem = raw + (PAGE_ALIGN - (uintptr_t)raw % PAGE_ALIGN) % PAGE_ALIGN;
  memset(mem, 0, total);
  plan p = {mem, 0};
  gl_net *n = (gl_net *)carve(&p, sizeof(gl_net));
  *n = *tmp;
  layout(n, &p);
  gl_build_graph(n); /* filling pass */
  layout_buffers(n, &p);
  if (p.off > total) { /* cannot happen: `need` bounds every carve */
    free(raw);
    gl_seterr(cfg->errmsg, "internal error: memory plan overflow");
    return GL_ENOMEM;
  }
  n->mem = raw;
  n->bytes = p.off;
  gl_plan_passes(n);
  gl_blocks_wire(n);
  *out = n;
  return GL_OK;
}

/* Parameter offsets and layer names, the data (standardised if asked), the
 * batch order, the initial weights and an empty record. */
static int fill_net(gl_config *cfg, gl_net *n) {
  const int conv_net = n->s.model == MODEL_CONV, npts = n->data.n;
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
  int a, b, c, e; /* the shapes, known already */
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
  n->batch_held = 0;
  gl_rng_seed(&n->rng_batch, n->s.seed, 2);
  int rc = gl_init_weights(n);
  if (rc) {
    gl_seterr(cfg->errmsg, "out of memory during initialisation");
    return rc;
  }
  n->rec_step = -1;
  n->rec_dead = 0;
  n->dead_step = -1;
  n->rec_test_loss = n->rec_test_acc = -1;
  n->div_step = -1;
  n->div_where = "";
  return GL_OK;
}

/* gl_create's checks, in order, with nothing allocated: the rules, the
 * data's shape, the size against the budget.  *tmp is the sized net that
 * carve_net copies into the allocation; *need its bytes. */
static int prepare(gl_config *cfg, int arch, int keep_shortcut, gl_net *tmp, double *need) {
  int rc = validate(cfg, arch, cfg->errmsg);
  if (rc) return rc;
  memset(tmp, 0, sizeof *tmp);
  tmp->s = cfg->s;
  tmp->arch = arch == GL_ARCH_FROM_CONFIG ? (cfg->s.arch == ARCHSET_PLAIN ? GL_ARCH_PLAIN
                                                                          : GL_ARCH_RESIDUAL)
                                          : arch;
  tmp->keep_shortcut = keep_shortcut;
  if ((rc = check_shape(cfg, tmp))) return rc;
  return size_net(cfg, tmp, need);
}

/* gl_create's steps in order; the first failure's code and message stay on cfg. */
static int create(gl_config *cfg, int arch, int keep_shortcut, gl_net **out) {
  gl_net tmp; /* sized here, then copied into the allocation */
  double need;
  gl_net *n;
  int rc = prepare(cfg, arch, keep_shortcut, &tmp, &need);
  if (rc) return rc;
  if ((rc = carve_net(cfg, &tmp, need, &n))) return rc;
  if ((rc = fill_net(cfg, n))) {
    free(n->mem);
    return rc;
  }
  *out = n;
  return GL_OK;
}

int gl_create_ex(gl_config *cfg, int arch, int keep_shortcut, gl_net **out) {
  if (!out) return GL_EMISUSE;
  *out = NULL;
  if (!cfg) return GL_EMISUSE;
  return gl_config_result(cfg, create(cfg, arch, keep_shortcut, out));
}

int gl_config_check(gl_config *cfg, int arch) {
  if (!cfg) return GL_EMISUSE;
  gl_net tmp;
  double need;
  return gl_config_result(cfg, prepare(cfg, arch, 1, &tmp, &need));
}

void gl_free(gl_net *net) {
  if (net) free(net->mem);
}
