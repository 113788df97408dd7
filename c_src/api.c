/*
 * api.c - the public read side of a network: accessors of its shape, status,
 * data and last record, the names of fields and error codes, and the
 * predictions the page draws (class probabilities on a grid, on test images).
 */
#include <math.h>
#include <stdio.h>

#include "gl_internal.h"

int gl_net_result(gl_net *net, int rc) {
  net->errcode = rc;
  if (rc == GL_OK) net->errmsg[0] = '\0';
  return rc;
}

int gl_errcode(const gl_net *net) { return net ? net->errcode : GL_EMISUSE; }
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
int gl_record_dead(const gl_net *net) { return net ? net->rec_dead : 0; }
long gl_dead_step(const gl_net *net) { return net ? net->dead_step : -1; }
double gl_record_loss(const gl_net *net) { return net ? net->rec_loss : 0; }
double gl_record_acc(const gl_net *net) { return net ? net->rec_acc : 0; }
double gl_record_test_loss(const gl_net *net) { return net ? net->rec_test_loss : -1; }
double gl_record_test_acc(const gl_net *net) { return net ? net->rec_test_acc : -1; }
/* one rule for step.c (what it measures) and for the reader (what to say it measured) */
static int eval_of(const gl_net *n, const gl_dataset *ds, int whole) {
  if (n->s.model != MODEL_CONV || whole) return ds->n;
  return ds->n < GL_CONV_EVAL ? ds->n : GL_CONV_EVAL;
}
int gl_record_is_batch(const gl_net *n) { return n->B == n->data.n && n->s.norm != NORM_BATCH; }
int gl_eval_count(const gl_net *net) {
  return net ? eval_of(net, &net->data, gl_record_is_batch(net)) : 0;
}
int gl_eval_test_count(const gl_net *net) { return net ? eval_of(net, &net->test, 0) : 0; }
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
    "update_ratio", "chi", "chi_measured", "underflow", "grad_norm_theory", "gamma_grad_norm",
    "chain_factor", "chain_factor_theory", "chain_product", "chain_product_theory",
    "act_grad_norm_theory", "grad_factor_theory", "act_unit_std",
    "weight_norm", "weight_var", "act_slope_sq",
    "fan_in"};
double gl_act_max_slope(const gl_net *net) { return net ? act_max_slope(net->s.act) : 0; }

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

static int predict_grid(gl_net *n, double x0, double x1, double y0, double y1, int nx, int ny,
                        double *out) {
  if (!out) {
    gl_seterr(n->errmsg, "predict_grid: out is NULL");
    return GL_EMISUSE;
  }
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
      n->grid_x[2 * r] = (gl_real)(nx > 1 ? x0 + (x1 - x0) * ix / (nx - 1) : 0.5 * (x0 + x1));
      n->grid_x[2 * r + 1] = (gl_real)(ny > 1 ? y0 + (y1 - y0) * iy / (ny - 1) : 0.5 * (y0 + y1));
    }
    n->norm_eval = 1; /* batch norm: the running statistics */
    gl_forward(n, n->grid_x, NULL, rows, NULL, 0);
    n->norm_eval = 0;
    probabilities(n, lg->v, rows, C, out + (size_t)p0 * C);
  }
  return GL_OK;
}

int gl_predict_grid(gl_net *n, double x0, double x1, double y0, double y1, int nx, int ny,
                    double *out) {
  if (!n) return GL_EMISUSE;
  return gl_net_result(n, predict_grid(n, x0, x1, y0, y1, nx, ny, out));
}

static int predict_test(gl_net *n, int first, int count, double *out) {
  if (!out) {
    gl_seterr(n->errmsg, "predict_test: out is NULL");
    return GL_EMISUSE;
  }
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

int gl_predict_test(gl_net *n, int first, int count, double *out) {
  if (!n) return GL_EMISUSE;
  return gl_net_result(n, predict_test(n, first, count, out));
}
