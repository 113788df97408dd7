/*
 * init.c - the initial weights of a network, from its seed: xavier
 * (uniform, variance 2/(fan_in + fan_out)), he (normal, 2/fan_in), normal
 * (init_std) or orthogonal (Gram-Schmidt on a normal matrix, gain sqrt(2) for
 * the relu family); biases 0; each residual scale a at its start value
 * (0 for rezero).  One RNG stream (seed, 1) walks the layers in order, so a
 * seed gives the same weights in every build.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gl_internal.h"

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

/* Orthogonal init's gain: sqrt(2) for the relu family, whose phi passes half
 * of a unit's second moment on (He et al. 2015); 1 otherwise. */
static double orthogonal_gain(gl_act act) {
  switch (act) {
  case ACT_RELU:
  case ACT_LEAKY_RELU: return sqrt(2.0);
  case ACT_SIGMOID:
  case ACT_TANH:
  case ACT_LINEAR:
  case ACT_GELU: return 1.0;
  }
  return 1.0; /* not reached: the settings table admits only the names above */
}

int gl_init_weights(gl_net *n) {
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
      const double gain = orthogonal_gain(n->s.act);
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
