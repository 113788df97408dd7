/*
 * conv.c - the kernels of the convolutional network, in forward/backward
 * pairs: a 3x3 convolution (stride 1, zero padding 1), 2x2 average pooling
 * and global average pooling.
 *
 * Layout: NCHW, one buffer row per image, so an activation of B images with
 * C channels on an H x W map is (B, C, H, W) = (B, C*H*W) reals, the same
 * (rows, features) tensors the dense layers use.
 *
 * The convolution is a matrix product: im2col copies, for every output pixel
 * of every image in the batch, the 3 x 3 x c_in input patch it sees into a
 * column of a (9 c_in, n*H*W) matrix for a chunk of n images, and then
 * gemm_nn (gemm.c, the engine's one register-blocked product) computes
 * all n*H*W outputs at once:
 *   out (c_out, n*H*W) = W^T (c_out, 9 c_in) cols (9 c_in, n*H*W)
 * A chunk's patch matrix stays in the L2 caches (about 1 MB per thread), and
 * n*H*W is a multiple of 32 where that is possible so that gemm_nn's vector
 * tiles cover every column (16 channels, one thread: 8 images at 14x14, 32 at
 * 7x7).  Every sum runs in the same order whatever the chunks, so every build
 * and thread count gives the same bits.
 * The weights are stored (9 c_in, c_out), row ci*9 + ky*3 + kx, exactly like
 * a dense layer's (in, out) with fan_in = 9 c_in, so initialisation,
 * optimiser and statistics treat both kinds of layer alike.
 *
 * Backward follows the engine's convention: dW and db are overwritten, dx is
 * written (acc = 0, the first contribution) or added to (acc = 1).
 */
#include <string.h>

#include "gl_internal.h"

#define CHUNK_REALS ((size_t)1 << 18) /* patch matrix of a chunk per thread: 1 MB in float */
#define CHUNK_THREADS 4               /* chunks grow with the threads up to this many */
#define CHUNK_COLS 32                 /* a chunk's columns: a multiple of this if possible */

/* Images per chunk for patches of K reals on maps of HW pixels, on t threads:
 * a patch matrix of about CHUNK_REALS per thread, so that each thread's share
 * of a product stays in its core's L2, with fewer chunks, so fewer meetings of
 * the threads, on more threads (W3 on two: 16 images a chunk instead of 8, a
 * step 0.92x paired when the other core is busy, 0.98x when not).  Every
 * element sums its products in the same order whatever the chunks (dW and db
 * carry their sums from chunk to chunk, pixel by pixel; y and dx are per
 * pixel), so the bits do not depend on them. */
static int chunk_images(int B, int K, size_t HW, int t) {
  if (t > CHUNK_THREADS) t = CHUNK_THREADS;
  size_t c = CHUNK_REALS * (size_t)(t < 1 ? 1 : t) / ((size_t)K * HW);
  if (c < 1) c = 1;
  size_t q = 1; /* the fewest images whose pixels fill whole tiles of CHUNK_COLS */
  while ((q * HW) % CHUNK_COLS) q++;
  if (c >= q) c -= c % q;
  return c < (size_t)B ? (int)c : B;
}

size_t conv3x3_scratch(int B, int c_in, int c_out, int H, int W) {
  const size_t HW = (size_t)H * W, K = (size_t)9 * c_in;
  const size_t N = (size_t)chunk_images(B, (int)K, HW, CHUNK_THREADS) * HW;
  return (K + 2 * (size_t)c_out) * N + (size_t)c_out * K;
}

/* Kernel offset (ky, kx) on an H x W map: output pixel p = oy*W + ox reads
 * input pixel p + sh, sh = (ky-1) W + (kx-1), when oy is in [oy0, oy1) and
 * ox in [lo, hi); [p0, p1) is the run from the first such pixel to the last,
 * which also holds the column the shift wraps round to the neighbouring row
 * (ox = 0 for kx = 0, ox = W-1 for kx = 2) on every row but one. */
typedef struct {
  int oy0, oy1, lo, hi;
  ptrdiff_t sh;
  size_t p0, p1;
} kshift;

static kshift kernel_shift(int ky, int kx, int H, int W) {
  kshift k;
  k.oy0 = ky == 0 ? 1 : 0;
  k.oy1 = ky == 2 ? H - 1 : H;
  k.lo = kx == 0 ? 1 : 0;
  k.hi = kx == 2 ? W - 1 : W;
  k.sh = (ptrdiff_t)(ky - 1) * W + (kx - 1);
  k.p0 = (size_t)k.oy0 * W + k.lo;
  k.p1 = k.oy1 > k.oy0 ? (size_t)(k.oy1 - 1) * W + k.hi : k.p0;
  return k;
}

/* One image's patches into the columns of a patch matrix with N columns:
 * cols[(ci*9 + ky*3 + kx), oy*W + ox] = x[ci, oy+ky-1, ox+kx-1], 0 outside the map
 * (cols points at the image's first column).  Row (ky, kx) is the channel's map
 * shifted (kernel_shift): one contiguous copy of the run, then zeros for the
 * rows above or below the map and for the wrapped-round column. */
static void im2col(gl_real *restrict cols, size_t N, const gl_real *restrict x, int c_in, int H,
                   int W) {
  const size_t HW = (size_t)H * W;
  for (int ci = 0; ci < c_in; ci++)
    for (int ky = 0; ky < 3; ky++)
      for (int kx = 0; kx < 3; kx++) {
        const gl_real *img = x + (size_t)ci * HW;
        gl_real *o = cols + (size_t)(ci * 9 + ky * 3 + kx) * N;
        const kshift k = kernel_shift(ky, kx, H, W);
        if (k.p1 > k.p0)
          memcpy(o + k.p0, img + (ptrdiff_t)k.p0 + k.sh, sizeof(gl_real) * (k.p1 - k.p0));
        if (k.lo) for (int oy = k.oy0; oy < k.oy1; oy++) o[(size_t)oy * W] = 0;
        if (k.hi < W) for (int oy = k.oy0; oy < k.oy1; oy++) o[(size_t)oy * W + W - 1] = 0;
        if (k.oy0) memset(o, 0, sizeof(gl_real) * (size_t)W);
        if (k.oy1 < H) memset(o + (size_t)(H - 1) * W, 0, sizeof(gl_real) * (size_t)W);
      }
}

/* The same patches of one image, one row per output pixel: colsR (H*W, 9 c_in).
 * Away from the border a patch is three runs of three contiguous pixels per channel. */
static void im2row(gl_real *restrict colsR, const gl_real *restrict x, int c_in, int H, int W) {
  const size_t HW = (size_t)H * W, K = (size_t)9 * c_in;
  for (int oy = 0; oy < H; oy++)
    for (int ox = 0; ox < W; ox++) {
      gl_real *o = colsR + ((size_t)oy * W + ox) * K;
      const gl_real *img = x;
      if (oy > 0 && oy < H - 1 && ox > 0 && ox < W - 1) {
        const gl_real *p = img + (size_t)(oy - 1) * W + (ox - 1);
        for (int ci = 0; ci < c_in; ci++, p += HW, o += 9) {
          o[0] = p[0]; o[1] = p[1]; o[2] = p[2];
          o[3] = p[W]; o[4] = p[W + 1]; o[5] = p[W + 2];
          o[6] = p[2 * W]; o[7] = p[2 * W + 1]; o[8] = p[2 * W + 2];
        }
        continue;
      }
      for (int ci = 0; ci < c_in; ci++, img += HW)
        for (int ky = 0; ky < 3; ky++) {
          const int iy = oy + ky - 1;
          for (int kx = 0; kx < 3; kx++) {
            const int ix = ox + kx - 1;
            *o++ = (iy < 0 || iy >= H || ix < 0 || ix >= W) ? 0 : img[(size_t)iy * W + ix];
          }
        }
    }
}

/* dx pixel (iy, ix) of one channel += its patch gradients, kernel rows
 * [ky0, ky1) (those whose output row iy - ky + 1 is on the map): (ky, kx) in
 * order, each from output pixel (iy - ky + 1, ix - kx + 1) of dcols row
 * (ky, kx) (g: the channel's first row, N columns), skipping columns off the
 * map.  The sum starts from dx's old value. */
static inline gl_real col2im_px(gl_real s, const gl_real *restrict g, size_t N, int iy, int ix,
                                int W, int ky0, int ky1) {
  for (int ky = ky0; ky < ky1; ky++) {
    const gl_real *gr = g + (size_t)(ky * 3) * N + (size_t)(iy - ky + 1) * W;
    for (int kx = 0; kx < 3; kx++) {
      const int ox = ix - kx + 1;
      if (ox >= 0 && ox < W) s += gr[(size_t)kx * N + ox];
    }
  }
  return s;
}

/* One row iy of one channel's dx: the two edge pixels one at a time, the
 * rest with every kx on the map (a loop the compiler vectorises; with ky0,
 * ky1 constants where it is inlined). */
static inline __attribute__((always_inline)) void col2im_row(gl_real *restrict d,
                                                             const gl_real *restrict g, size_t N,
                                                             int iy, int W, int ky0, int ky1) {
  d[0] = col2im_px(d[0], g, N, iy, 0, W, ky0, ky1);
  if (W < 2) return;
  /* kernel row ky reads output row iy - ky + 1 (only where that is on the map) */
  const gl_real *r0 = ky0 == 0 ? g + (size_t)(iy + 1) * W : g;
  const gl_real *r1 = g + 3 * N + (size_t)iy * W;
  const gl_real *r2 = ky1 == 3 ? g + 6 * N + (size_t)(iy - 1) * W : g;
  for (int ix = 1; ix < W - 1; ix++) {
    gl_real s = d[ix];
    if (ky0 == 0) { s += r0[ix + 1]; s += r0[N + ix]; s += r0[2 * N + ix - 1]; }
    s += r1[ix + 1]; s += r1[N + ix]; s += r1[2 * N + ix - 1];
    if (ky1 == 3) { s += r2[ix + 1]; s += r2[N + ix]; s += r2[2 * N + ix - 1]; }
    d[ix] = s;
  }
  d[W - 1] = col2im_px(d[W - 1], g, N, iy, W - 1, W, ky0, ky1);
}

/* One image's dx (c_in, H, W) += its patch gradients, columns of dcols (N
 * columns), put back where im2col took them: each dx pixel takes the (up to)
 * 9 values that came from it in one pass, kernel offset (ky, kx) in order,
 * the order in which nine passes of one shifted map each (until 2026-12)
 * added them, so the same bits; one load and store of dx instead of nine. */
static void col2im_add(gl_real *restrict dx, const gl_real *restrict dcols, size_t N, int c_in,
                       int H, int W) {
  const size_t HW = (size_t)H * W;
  for (int ci = 0; ci < c_in; ci++) {
    gl_real *img = dx + (size_t)ci * HW;
    const gl_real *g = dcols + (size_t)(ci * 9) * N;
    for (int iy = 0; iy < H; iy++) {
      gl_real *d = img + (size_t)iy * W;
      if (iy > 0 && iy < H - 1) col2im_row(d, g, N, iy, W, 0, 3);
      else if (H == 1) col2im_row(d, g, N, iy, W, 1, 2);
      else if (iy == 0) col2im_row(d, g, N, iy, W, 0, 2);
      else col2im_row(d, g, N, iy, W, 1, 3);
    }
  }
}

/* A chunk of images, for the per-image copies around its products: each image
 * is a chunk of gl_parallel (a copy or a sum that no other image touches, so
 * the bits do not depend on the threads). */
typedef struct {
  gl_real *y, *dx;                  /* the chunk's first image in the layer's output / dx */
  const gl_real *x, *dy, *b;        /* the chunk's first image in x / dy; the bias */
  gl_real *cols, *out;              /* patch matrix (K, N) or (N, K); (c_out, N) product */
  gl_real *outT;                    /* backward: dY transposed, (N, c_out) */
  int c_in, c_out, H, W, acc_dx;
  size_t N;
} conv_job;

/* forward, before the product: image r's patches and its columns of out set to the bias */
static void fwd_gather(void *p, int r, int thread) {
  (void)thread;
  const conv_job *j = (const conv_job *)p;
  const size_t HW = (size_t)j->H * j->W;
  im2col(j->cols + (size_t)r * HW, j->N, j->x + (size_t)r * j->c_in * HW, j->c_in, j->H, j->W);
  for (int co = 0; co < j->c_out; co++) {
    gl_real *o = j->out + (size_t)co * j->N + (size_t)r * HW;
    const gl_real bias = j->b[co];
    for (size_t k = 0; k < HW; k++) o[k] = bias;
  }
}

/* forward, after the product: image r's (c_out, HW) block to its row of y */
static void fwd_scatter(void *p, int r, int thread) {
  (void)thread;
  const conv_job *j = (const conv_job *)p;
  const size_t HW = (size_t)j->H * j->W;
  for (int co = 0; co < j->c_out; co++)
    memcpy(j->y + ((size_t)r * j->c_out + co) * HW, j->out + (size_t)co * j->N + (size_t)r * HW,
           sizeof(gl_real) * HW);
}

/* backward, before the products: image r's dy into dY's layout */
static void bwd_gather_dy(void *p, int r, int thread) {
  (void)thread;
  const conv_job *j = (const conv_job *)p;
  const size_t HW = (size_t)j->H * j->W;
  for (int co = 0; co < j->c_out; co++)
    memcpy(j->out + (size_t)co * j->N + (size_t)r * HW, j->dy + ((size_t)r * j->c_out + co) * HW,
           sizeof(gl_real) * HW);
}

/* backward, before the products: image r's dy into dY's layout and its patch rows */
static void bwd_gather(void *p, int r, int thread) {
  const conv_job *j = (const conv_job *)p;
  const size_t HW = (size_t)j->H * j->W;
  bwd_gather_dy(p, r, thread);
  im2row(j->cols + (size_t)r * HW * 9 * j->c_in, j->x + (size_t)r * j->c_in * HW, j->c_in, j->H,
         j->W);
}

/* backward, before the products, when dW is cols dY^T: image r's dy into dY's
 * layout and into dY^T's rows, and its patches into the columns of cols */
static void bwd_gather_cols(void *p, int r, int thread) {
  const conv_job *j = (const conv_job *)p;
  const size_t HW = (size_t)j->H * j->W;
  bwd_gather_dy(p, r, thread);
  transpose(j->outT + (size_t)r * HW * j->c_out, j->dy + (size_t)r * j->c_out * HW, j->c_out,
            (int)HW);
  im2col(j->cols + (size_t)r * HW, j->N, j->x + (size_t)r * j->c_in * HW, j->c_in, j->H, j->W);
}

/* backward, after the products: image r's patch gradients into its dx */
static void bwd_scatter(void *p, int r, int thread) {
  (void)thread;
  const conv_job *j = (const conv_job *)p;
  const size_t HW = (size_t)j->H * j->W;
  gl_real *dxr = j->dx + (size_t)r * j->c_in * HW;
  if (!j->acc_dx) memset(dxr, 0, sizeof(gl_real) * HW * j->c_in);
  col2im_add(dxr, j->cols + (size_t)r * HW, j->N, j->c_in, j->H, j->W);
}

/* The bias gradient of a chunk: channel co's sum carried on over the chunk's
 * pixels in order, one channel per chunk of gl_parallel, so the order of
 * every channel's sum is the one-thread order whatever the threads.  Below
 * DB_PAR_MIN values it stays on the calling thread. */
#define DB_PAR_MIN 16384
typedef struct {
  gl_real *db;
  const gl_real *dY;
  size_t N;
} db_job;

static void db_channel(void *p, int co, int thread) {
  (void)thread;
  const db_job *j = (const db_job *)p;
  gl_real s = j->db[co];
  const gl_real *g = j->dY + (size_t)co * j->N;
  for (size_t k = 0; k < j->N; k++) s += g[k];
  j->db[co] = s;
}

/* y (B, c_out, H, W) = conv3x3(x (B, c_in, H, W); W (9 c_in, c_out)) + b (c_out)
 *   per chunk of images: out (c_out, n*HW) = b + W^T cols, then each image's
 *   (c_out, HW) block is copied to its row of y. */
void conv3x3_forward(gl_real *y, const gl_real *x, const gl_real *W, const gl_real *b, int B,
                     int c_in, int c_out, int H, int Wd, gl_real *scratch) {
  const size_t HW = (size_t)H * Wd;
  const int K = 9 * c_in, chunk = chunk_images(B, K, HW, gl_threads_get());
  gl_real *WT = scratch;                                /* (c_out, K) */
  gl_real *cols = WT + (size_t)c_out * K;               /* (K, n*HW) */
  gl_real *out = cols + (size_t)K * chunk * HW;         /* (c_out, n*HW) */
  transpose(WT, W, K, c_out);
  for (int r0 = 0; r0 < B; r0 += chunk) {
    const int nb = B - r0 < chunk ? B - r0 : chunk;
    const size_t N = (size_t)nb * HW;
    conv_job j = {y + (size_t)r0 * c_out * HW, NULL, x + (size_t)r0 * c_in * HW, NULL, b,
                  cols, out, NULL, c_in, c_out, H, Wd, 0, N};
    gl_parallel(nb, fwd_gather, &j);
    gemm_nn(c_out, (int)N, K, WT, K, cols, (int)N, out, (int)N, 1);
    gl_parallel(nb, fwd_scatter, &j);
  }
}

/* backward of y = conv3x3(x; W) + b, per chunk of images, with dY (c_out, n*HW)
 * the chunk's gradient laid out like out:
 *   dW (9 c_in, c_out) = sum over chunks of cols dY^T
 *                            cols (9 c_in, n*HW): the patches, im2col's columns
 *   db (c_out)         = sum of dY over every pixel of every image
 *   dx (+)= col2im(W dY)     W dY (9 c_in, n*HW): each patch's gradient
 * When c_out is not a whole number of gemm_nn's column tiles (8 channels with
 * AVX-512's 32-column tiles), dW is (dY colsR)^T instead, with colsR
 * (n*HW, 9 c_in) the patches one per row (im2row), whose 9 c_in columns fill
 * the tiles.  Both sum the same products (a*b = b*a) in the same order, pixel
 * by pixel over the chunks: the same bits.  im2col's row copies cost a third
 * of im2row's gathers (WebAssembly, W3: a step 0.93x; docs/performance.md). */
void conv3x3_backward(gl_real *dx, gl_real *dW, gl_real *db, const gl_real *dy, const gl_real *x,
                      const gl_real *W, int B, int c_in, int c_out, int H, int Wd, int acc_dx,
                      gl_real *scratch) {
  const size_t HW = (size_t)H * Wd;
  const int K = 9 * c_in, chunk = chunk_images(B, K, HW, gl_threads_get());
  gl_real *dWT = scratch;                               /* (c_out, K) */
  gl_real *colsR = dWT + (size_t)c_out * K;             /* (n*HW, K); later dcols (K, n*HW) */
  gl_real *dY = colsR + (size_t)K * chunk * HW;         /* (c_out, n*HW) */
  gl_real *dYT = dY + (size_t)c_out * chunk * HW;       /* (n*HW, c_out) */
  const int by_cols = c_out % gemm_tile_cols() == 0;
  for (int co = 0; co < c_out; co++) db[co] = 0;
  for (int r0 = 0; r0 < B; r0 += chunk) {
    const int nb = B - r0 < chunk ? B - r0 : chunk;
    const size_t N = (size_t)nb * HW;
    conv_job j = {NULL, dx ? dx + (size_t)r0 * c_in * HW : NULL, x + (size_t)r0 * c_in * HW,
                  dy + (size_t)r0 * c_out * HW, NULL, colsR, dY, dYT, c_in, c_out, H, Wd, acc_dx, N};
    gl_parallel(nb, by_cols ? bwd_gather_cols : bwd_gather, &j);
    db_job dj = {db, dY, N};
    if ((size_t)c_out * N < DB_PAR_MIN) for (int co = 0; co < c_out; co++) db_channel(&dj, co, 0);
    else gl_parallel(c_out, db_channel, &dj);
    if (by_cols) gemm_nn(K, c_out, (int)N, colsR, (int)N, dYT, c_out, dW, c_out, r0 > 0);
    else gemm_nn(c_out, K, (int)N, dY, (int)N, colsR, K, dWT, K, r0 > 0);
    if (!dx) continue;
    gemm_nn(K, (int)N, c_out, W, c_out, dY, (int)N, colsR, (int)N, 0); /* dcols, over colsR */
    gl_parallel(nb, bwd_scatter, &j);
  }
  if (!by_cols) transpose(dW, dWT, c_out, K);
}

/* conv3x3_backward's dx alone, dx (+)= col2im(W dY), without dW and db: what
 * a residual branch's first convolution passes back on its own (blocks.c).
 * Each patch gradient is a sum over c_out in order and each image's col2im
 * its own, so the chunking does not matter: the same bits as
 * conv3x3_backward's dx. */
void conv3x3_backward_dx(gl_real *dx, const gl_real *dy, const gl_real *W, int B, int c_in,
                         int c_out, int H, int Wd, int acc_dx, gl_real *scratch) {
  const size_t HW = (size_t)H * Wd;
  const int K = 9 * c_in, chunk = chunk_images(B, K, HW, gl_threads_get());
  gl_real *dcols = scratch + (size_t)c_out * K;         /* (K, n*HW): where conv3x3_backward has it */
  gl_real *dY = dcols + (size_t)K * chunk * HW;         /* (c_out, n*HW) */
  for (int r0 = 0; r0 < B; r0 += chunk) {
    const int nb = B - r0 < chunk ? B - r0 : chunk;
    const size_t N = (size_t)nb * HW;
    conv_job j = {NULL, dx + (size_t)r0 * c_in * HW, NULL, dy + (size_t)r0 * c_out * HW, NULL,
                  dcols, dY, NULL, c_in, c_out, H, Wd, acc_dx, N};
    gl_parallel(nb, bwd_gather_dy, &j);
    gemm_nn(K, (int)N, c_out, W, c_out, dY, (int)N, dcols, (int)N, 0);
    gl_parallel(nb, bwd_scatter, &j);
  }
}

/* ---- 2x2 average pooling, stride 2 ---- */

/* y[r, c, oy, ox] = (x[2oy, 2ox] + x[2oy, 2ox+1] + x[2oy+1, 2ox] + x[2oy+1, 2ox+1]) / 4 */
void avgpool2_forward(gl_real *restrict y, const gl_real *restrict x, int B, int C, int H, int W) {
  const int Ho = H / 2, Wo = W / 2;
  for (size_t m = 0; m < (size_t)B * C; m++) {
    const gl_real *in = x + m * H * W;
    gl_real *o = y + m * Ho * Wo;
    for (int oy = 0; oy < Ho; oy++) {
      const gl_real *a = in + (size_t)(2 * oy) * W, *b = a + W;
      for (int ox = 0; ox < Wo; ox++)
        o[oy * Wo + ox] =
            (gl_real)0.25 * (a[2 * ox] + a[2 * ox + 1] + b[2 * ox] + b[2 * ox + 1]);
    }
  }
}

/* backward: each of the four inputs of a window gets dy / 4; a dropped odd
 * row or column gets 0. */
void avgpool2_backward(gl_real *restrict dx, const gl_real *restrict dy, int B, int C, int H, int W,
                       int acc) {
  const int Ho = H / 2, Wo = W / 2;
  if (!acc) memset(dx, 0, sizeof(gl_real) * (size_t)B * C * H * W);
  for (size_t m = 0; m < (size_t)B * C; m++) {
    gl_real *out = dx + m * H * W;
    const gl_real *g = dy + m * Ho * Wo;
    for (int oy = 0; oy < Ho; oy++) {
      gl_real *a = out + (size_t)(2 * oy) * W, *b = a + W;
      for (int ox = 0; ox < Wo; ox++) {
        const gl_real q = (gl_real)0.25 * g[oy * Wo + ox];
        a[2 * ox] += q;
        a[2 * ox + 1] += q;
        b[2 * ox] += q;
        b[2 * ox + 1] += q;
      }
    }
  }
}

/* ---- global average pooling ---- */

/* y[r, c] = sum_p x[r, c, p] / HW */
void gap_forward(gl_real *restrict y, const gl_real *restrict x, int B, int C, int HW) {
  const gl_real inv = (gl_real)1 / (gl_real)HW;
  for (size_t m = 0; m < (size_t)B * C; m++) {
    const gl_real *in = x + m * HW;
    gl_real s = 0;
    for (int p = 0; p < HW; p++) s += in[p];
    y[m] = s * inv;
  }
}

/* dx[r, c, p] (+)= dy[r, c] / HW */
void gap_backward(gl_real *restrict dx, const gl_real *restrict dy, int B, int C, int HW, int acc) {
  const gl_real inv = (gl_real)1 / (gl_real)HW;
  for (size_t m = 0; m < (size_t)B * C; m++) {
    gl_real *out = dx + m * HW;
    const gl_real g = dy[m] * inv;
    if (acc)
      for (int p = 0; p < HW; p++) out[p] += g;
    else
      for (int p = 0; p < HW; p++) out[p] = g;
  }
}
