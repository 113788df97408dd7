/*
 * loss.c - the losses at the top of every network, forward and backward in
 * one pass: softmax cross-entropy and MSE on one-hot targets.  Each row's
 * loss is written apart (the caller sums the rows in order), and the rows
 * whose largest logit is the label are counted.
 */
#include <math.h>

#include "gl_internal.h"

/* ---- losses ---- */

static int argmax(const gl_real *z, int C) {
  int best = 0;
  for (int c = 1; c < C; c++)
    if (z[c] > z[best]) best = c;
  return best;
}

/* loss_r = -log softmax(z_r)[y_r];  dz_r = (softmax(z_r) - onehot(y_r)) * scale.
 * In double, with the max subtracted. */
void softmax_xent_forward_backward(gl_real *dlogits, const gl_real *logits, const int32_t *y,
                                   int B, int C, double scale, long *correct, double *row_loss) {
  long ok = 0;
  for (int r = 0; r < B; r++) {
    const gl_real *z = logits + (size_t)r * C;
    double m = z[0];
    for (int c = 1; c < C; c++) m = z[c] > m ? z[c] : m;
    double s = 0;
    for (int c = 0; c < C; c++) s += exp((double)z[c] - m);
    double lse = m + log(s);
    row_loss[r] = lse - z[y[r]];
    ok += argmax(z, C) == y[r];
    if (dlogits) {
      gl_real *g = dlogits + (size_t)r * C;
      for (int c = 0; c < C; c++)
        g[c] = (gl_real)((exp((double)z[c] - lse) - (c == y[r])) * scale);
    }
  }
  *correct = ok;
}

/* loss_r = mean_c (z_rc - onehot_rc)^2;  dz = 2 (z - t) / C * scale */
void mse_forward_backward(gl_real *dlogits, const gl_real *logits, const int32_t *y, int B, int C,
                          double scale, long *correct, double *row_loss) {
  long ok = 0;
  for (int r = 0; r < B; r++) {
    const gl_real *z = logits + (size_t)r * C;
    double s = 0;
    for (int c = 0; c < C; c++) {
      double e = (double)z[c] - (c == y[r]);
      s += e * e;
      if (dlogits) dlogits[(size_t)r * C + c] = (gl_real)(2.0 * e / C * scale);
    }
    row_loss[r] = s / C;
    ok += argmax(z, C) == y[r];
  }
  *correct = ok;
}
