/*
 * conv.c - the kernels of the convolutional network, in forward/backward
 * pairs: a 3x3 convolution (stride 1, zero padding 1), 2x2 average pooling
 * and global average pooling.
 *
 * Layout: NCHW, one buffer row per image, so an activation of B images with
 * C channels on an H x W map is (B, C, H, W) = (B, C*H*W) reals, the same
 * (rows, features) tensors the dense layers use.
 *
 * The forward convolution and the input gradient dx run by Winograd's
 * F(2x2, 3x3) (below): 16 matrix products over the channels per chunk of
 * images, 2.25 times fewer multiplications than the direct sum, with additions
 * around them (W3 in WebAssembly: a step 0.80x, docs/performance.md).  Since
 * 2026-12 the forward values and dx round differently from the direct sum
 * (in the last bits of float32: docs/experiments.md's conv numbers were
 * measured again).  The weight gradient stays a direct matrix product: im2col
 * copies, for every output pixel of every image of a chunk of n images, the
 * 3 x 3 x c_in input patch it sees into a column of a (9 c_in, n*H*W) matrix,
 * and gemm_nn (gemm.c, the engine's one register-blocked product) computes
 *   dW (9 c_in, c_out) += cols (9 c_in, n*H*W) dY^T (n*H*W, c_out)
 * A chunk's patch matrix stays in the L2 caches (about 1 MB per thread), and
 * n*H*W is a multiple of 32 where that is possible so that gemm_nn's vector
 * tiles cover every column.  Every sum runs in the same order whatever the
 * chunks, so every build and thread count gives the same bits.
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

/* Winograd's 2x2 output tiles of an H x W map (an odd map's last row or
 * column of tiles half off it) */
static inline int wg_tiles(int H, int W) { return ((H + 1) / 2) * ((W + 1) / 2); }

/* Winograd's chunk: images whose tiles' transforms (16 per tile and channel,
 * of the wider side) fill about a patch matrix per thread.  It bounds the
 * scratch; the units of a chunk (wg_group) are independent of each other. */
static int wg_chunk(int B, int c_in, int c_out, int H, int W, int t) {
  const int c = c_in > c_out ? c_in : c_out;
  return chunk_images(B, 16 * c, (size_t)wg_tiles(H, W), t);
}

/* Reals from one of the 16 planes of V or M to the next: T rows of C, and a
 * cache line more, so that the 16 values a tile writes or reads are not all
 * a power of two apart (when a plane held a chunk's 32 images of 7x7 x 16
 * channels they were 32 KB apart, one L1 set, and the input transform took
 * twice as long). */
#define WG_PLANE(T, C) ((size_t)(T) * (C) + 16)

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

/* ---- Winograd F(2x2, 3x3): the forward convolution and dx ----
 *
 * Lavin & Gray (2016): a 2 x 2 block of outputs of a 3 x 3 convolution is
 * A^T [ (G g G^T) .* (B^T d B) ] A for the 4 x 4 input tile d around it and
 * the kernel g, with
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
 *   G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
 *   A^T = [1 1 1 0; 0 1 -1 -1]
 * so the sum over input channels is 16 matrix products, one per point xi of
 * the 4 x 4 transform, over the chunk's T tiles:
 *   M_xi (T, n_out) = V_xi (T, n_in) U_xi (n_in, n_out)
 * 16 n_in n_out multiply-adds per 2 x 2 outputs instead of 36 n_in n_out.
 * The same numbers as the direct sum in exact arithmetic; in float32 they
 * round differently (the transforms add and subtract neighbours): an
 * output's error is 1-2e-7 of the sum of its terms' magnitudes, as a direct
 * float32 sum's is (tests/c/test_conv.c, against exact sums; its bound 1e-6;
 * tests/c/test_gradcheck.c, every kernel in double against direct loops).  Every
 * tile's transforms are fixed sequences of additions and every product sums
 * over channels in order, so the bits do not depend on the chunks or the
 * threads.
 * The transforms run with the channels innermost (a tile's 16 values of one
 * channel are 4 x 4 pixels apart in NCHW, but neighbours across channels in
 * an image laid out (H, W, C)): each image is transposed to (H, W, C) into a
 * zero-bordered copy first, and its outputs come back through a transpose,
 * so that every transform is a loop over channels, in vectors.
 * dx is the same convolution of dy with the kernel turned by 180 degrees and
 * its channels swapped: dx[ci] = sum_co conv(dy[co], rot180 W[ci, :, co]).
 *
 * Layouts: U (16, n_in, n_out), V (16, T, n_in), M (16, T, n_out); a tile
 * (ty, tx) of image r of the chunk is row r*th*tw + ty*tw + tx. */

/* U_xi[i, o] = (G g G^T)[xi] for every pair; g the kernel from input channel
 * i to output channel o: W[i*9 + k, o] forward, W[o*9 + 8 - k, i] for dx. */
static void wg_kernels(gl_real *restrict U, const gl_real *restrict W, int n_in, int n_out,
                       int c_out, int for_dx) {
  const gl_real h = (gl_real)0.5;
  const size_t plane = (size_t)n_out * n_in;
  for (int i = 0; i < n_in; i++)
    for (int o = 0; o < n_out; o++) {
      gl_real g[9], a[4][3];
      for (int k = 0; k < 9; k++)
        g[k] = for_dx ? W[(size_t)(o * 9 + 8 - k) * c_out + i] : W[(size_t)(i * 9 + k) * c_out + o];
      for (int x = 0; x < 3; x++) { /* G g: the kernel's columns */
        a[0][x] = g[x];
        a[1][x] = h * (g[x] + g[3 + x] + g[6 + x]);
        a[2][x] = h * (g[x] - g[3 + x] + g[6 + x]);
        a[3][x] = g[6 + x];
      }
      gl_real *u = U + (size_t)i * n_out + o;
      for (int y = 0; y < 4; y++) { /* (G g) G^T: its rows */
        u[(size_t)(4 * y + 0) * plane] = a[y][0];
        u[(size_t)(4 * y + 1) * plane] = h * (a[y][0] + a[y][1] + a[y][2]);
        u[(size_t)(4 * y + 2) * plane] = h * (a[y][0] - a[y][1] + a[y][2]);
        u[(size_t)(4 * y + 3) * plane] = a[y][2];
      }
    }
}

/* Reals of an image's zero-bordered (H, W, C) copy: 2 th + 2 rows of 2 tw + 2
 * pixels (a pixel of zeros each side, two below and right of an odd map). */
static size_t wg_padded(int C, int H, int W) {
  return (size_t)(2 * ((H + 1) / 2) + 2) * (2 * ((W + 1) / 2) + 2) * C;
}

/* Four channels at a time in a vector (v4real, kernels.h: the same operations
 * on each lane as on one channel, so the same bits as one at a time), the
 * rest one by one. */
#define WG_LOAD1(p) (*(p))
#define WG_STORE1(p, v) (*(p) = (v))

/* B^T d B of channels c.. (one value or a vector of them) of the tile whose
 * top-left pixel d points at (rows `row` reals apart, pixels C apart) into
 * v's 16 planes */
#define WG_INPUT(T, LOAD, STORE)                                                                  \
  do {                                                                                            \
    T t[4][4];                                                                                    \
    for (int k = 0; k < 4; k++) { /* B^T d: down each column k of the tile */                     \
      const gl_real *q = d + (size_t)k * C + c;                                                   \
      const T a0 = LOAD(q), a1 = LOAD(q + row), a2 = LOAD(q + 2 * row), a3 = LOAD(q + 3 * row);   \
      t[0][k] = a0 - a2;                                                                          \
      t[1][k] = a1 + a2;                                                                          \
      t[2][k] = a2 - a1;                                                                          \
      t[3][k] = a1 - a3;                                                                          \
    }                                                                                             \
    for (int k = 0; k < 4; k++) { /* (B^T d) B: along each row k */                               \
      gl_real *o = v + (size_t)(4 * k) * plane + c;                                               \
      STORE(o, t[k][0] - t[k][2]);                                                                \
      STORE(o + plane, t[k][1] + t[k][2]);                                                        \
      STORE(o + 2 * plane, t[k][2] - t[k][1]);                                                    \
      STORE(o + 3 * plane, t[k][1] - t[k][3]);                                                    \
    }                                                                                             \
  } while (0)

/* One image's rows of V: its (C, H, W) map x transposed into Xp (H, W, C)
 * with a border of zeros (tmp: H W C reals), then for every tile B^T d B, the
 * 16 values of each channel into the 16 planes (V points at the image's first
 * tile row; planes T*C apart). */
static void wg_input(gl_real *restrict V, size_t plane, gl_real *restrict Xp, gl_real *restrict tmp,
                     const gl_real *restrict x, int C, int H, int W) {
  const int th = (H + 1) / 2, tw = (W + 1) / 2, Wp = 2 * tw + 2, Hp = 2 * th + 2;
  const size_t row = (size_t)Wp * C;
  transpose(tmp, x, C, H * W);
  memset(Xp, 0, sizeof(gl_real) * row);
  for (int iy = 0; iy < H; iy++) {
    gl_real *d = Xp + (size_t)(iy + 1) * row;
    memset(d, 0, sizeof(gl_real) * C);
    memcpy(d + C, tmp + (size_t)iy * W * C, sizeof(gl_real) * W * C);
    memset(d + (size_t)(W + 1) * C, 0, sizeof(gl_real) * (Wp - W - 1) * C);
  }
  memset(Xp + (size_t)(H + 1) * row, 0, sizeof(gl_real) * row * (Hp - H - 1));
  for (int ty = 0; ty < th; ty++)
    for (int tx = 0; tx < tw; tx++) {
      const gl_real *d = Xp + (size_t)(2 * ty) * row + (size_t)(2 * tx) * C;
      gl_real *v = V + (size_t)(ty * tw + tx) * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) WG_INPUT(v4real, v4load, v4store);
      for (; c < C; c++) WG_INPUT(gl_real, WG_LOAD1, WG_STORE1);
    }
}

/* A^T m A (+ the bias) of channels c.. of the tile whose 16 planes of M m
 * points at, into its four pixels o00 .. o11 (an odd map's edge: tmp) */
#define WG_OUTPUT(T, LOAD, STORE)                                                                 \
  do {                                                                                            \
    T s0[4], s1[4];                                                                               \
    for (int j = 0; j < 4; j++) { /* A^T m: down each column j */                                 \
      const gl_real *q = m + (size_t)j * plane + c;                                               \
      const T m0 = LOAD(q), m1 = LOAD(q + 4 * plane), m2 = LOAD(q + 8 * plane),                   \
              m3 = LOAD(q + 12 * plane);                                                          \
      s0[j] = m0 + m1 + m2;                                                                       \
      s1[j] = m1 - m2 - m3;                                                                       \
    }                                                                                             \
    T y00 = s0[0] + s0[1] + s0[2], y01 = s0[1] - s0[2] - s0[3]; /* (A^T m) A */                   \
    T y10 = s1[0] + s1[1] + s1[2], y11 = s1[1] - s1[2] - s1[3];                                   \
    if (b) {                                                                                      \
      const T bias = LOAD(b + c);                                                                 \
      y00 = y00 + bias;                                                                           \
      y01 = y01 + bias;                                                                           \
      y10 = y10 + bias;                                                                           \
      y11 = y11 + bias;                                                                           \
    }                                                                                             \
    STORE(o00 + c, y00);                                                                          \
    STORE(o01 + c, y01);                                                                          \
    STORE(o10 + c, y10);                                                                          \
    STORE(o11 + c, y11);                                                                          \
  } while (0)

/* One image's outputs from its rows of M: for every tile A^T m A (+ b[c]
 * when b) into Yb (H, W, C), the row and column past an odd map's edge left
 * out, then Yb transposed into y (C, H, W): written, or added to y when acc
 * (through tmp, H W C reals). */
static void wg_output(gl_real *restrict y, const gl_real *restrict Mx, size_t plane,
                      gl_real *restrict Yb, gl_real *restrict tmp, int C, int H, int W,
                      const gl_real *restrict b, int acc) {
  const int th = (H + 1) / 2, tw = (W + 1) / 2;
  const size_t HW = (size_t)H * W;
  for (int ty = 0; ty < th; ty++)
    for (int tx = 0; tx < tw; tx++) {
      const gl_real *m = Mx + (size_t)(ty * tw + tx) * C;
      gl_real *o00 = Yb + ((size_t)(2 * ty) * W + 2 * tx) * C;
      const int right = 2 * tx + 1 < W, below = 2 * ty + 1 < H;
      gl_real *o01 = right ? o00 + C : tmp, *o10 = below ? o00 + (size_t)W * C : tmp;
      gl_real *o11 = right && below ? o00 + (size_t)(W + 1) * C : tmp;
      int c = 0;
      for (; c + 4 <= C; c += 4) WG_OUTPUT(v4real, v4load, v4store);
      for (; c < C; c++) WG_OUTPUT(gl_real, WG_LOAD1, WG_STORE1);
    }
  if (!acc) {
    transpose(y, Yb, (int)HW, C);
    return;
  }
  transpose(tmp, Yb, (int)HW, C);
  for (size_t k = 0; k < HW * C; k++) y[k] += tmp[k];
}

/* Reals of an image's copies while it is transformed: the padded (H, W, C) image and
 * one (H, W, C) buffer, of the wider side. */
static size_t wg_img_reals(int n_in, int n_out, int H, int W) {
  const int c = n_in > n_out ? n_in : n_out;
  return wg_padded(c, H, W) + (size_t)H * W * c;
}

/* Images per unit of work: the fewest whose tiles make a whole number of
 * gemm_nn's 4-row register tiles (49 tiles of a 14x14 map: 4 images, 196
 * rows; one image's 49 rows left its last one to the row-at-a-time edge
 * path, a convolution 1.05-1.12x slower) */
static int wg_group(int H, int W) {
  const int tiles = wg_tiles(H, W);
  int g = 1;
  while ((g * tiles) % 4) g++;
  return g;
}

/* Reals of one unit's part of the scratch: its V and M (16 planes each, of
 * the wider side) and one image's copies (its images take turns with them) */
static size_t wg_unit_reals(int n_in, int n_out, int H, int W) {
  const int c = n_in > n_out ? n_in : n_out;
  const size_t rows = (size_t)wg_group(H, W) * wg_tiles(H, W);
  return 2 * 16 * WG_PLANE(rows, c) + wg_img_reals(n_in, n_out, H, W);
}

typedef struct {
  gl_real *out;              /* the chunk's first image in y or dx */
  const gl_real *in, *b;     /* the chunk's first image in x or dy; the bias or NULL */
  const gl_real *U;
  gl_real *area;             /* the chunk's first unit's part of the scratch */
  int n_in, n_out, H, W, acc, nb;
} wg_job;

/* Unit u of the chunk (wg_group's images) from start to end on one thread:
 * its images' input transforms, its 16 products (its tiles' rows of V and M:
 * no other image's rows enter them), its output transforms.  One meeting of
 * the threads per chunk (a product per meeting measured 0.9x of one thread's
 * speed on two in WebAssembly). */
static void wg_unit(void *p, int u, int thread) {
  (void)thread;
  const wg_job *j = p;
  const int g = wg_group(j->H, j->W), tiles = wg_tiles(j->H, j->W);
  const int cmax = j->n_in > j->n_out ? j->n_in : j->n_out;
  const int r0 = u * g, n = j->nb - r0 < g ? j->nb - r0 : g;
  const size_t HW = (size_t)j->H * j->W, pv = WG_PLANE(g * tiles, j->n_in),
               pm = WG_PLANE(g * tiles, j->n_out);
  gl_real *V = j->area + (size_t)u * wg_unit_reals(j->n_in, j->n_out, j->H, j->W);
  gl_real *M = V + 16 * WG_PLANE(g * tiles, cmax), *Xp = M + 16 * WG_PLANE(g * tiles, cmax);
  gl_real *buf = Xp + wg_padded(cmax, j->H, j->W); /* Xp and buf: each image in turn */
  for (int i = 0; i < n; i++)
    wg_input(V + (size_t)i * tiles * j->n_in, pv, Xp, buf,
             j->in + (size_t)(r0 + i) * j->n_in * HW, j->n_in, j->H, j->W);
  for (int xi = 0; xi < 16; xi++)
    gemm_nn_1(n * tiles, j->n_out, j->n_in, V + xi * pv, j->n_in,
              j->U + (size_t)xi * j->n_in * j->n_out, j->n_out, M + xi * pm, j->n_out, 0);
  for (int i = 0; i < n; i++)
    wg_output(j->out + (size_t)(r0 + i) * j->n_out * HW, M + (size_t)i * tiles * j->n_out, pm,
              buf, Xp, j->n_out, j->H, j->W, j->b, j->acc);
}

/* out (B, n_out, H, W) (+)= conv3x3(in (B, n_in, H, W)) (+ b) by Winograd,
 * the kernels from W (c_out columns; for_dx: turned and transposed). */
static void wg_conv(gl_real *out, const gl_real *in, const gl_real *W, const gl_real *b, int B,
                    int n_in, int n_out, int c_out, int H, int Wd, int for_dx, int acc,
                    gl_real *scratch) {
  const size_t HW = (size_t)H * Wd;
  const int chunk = wg_chunk(B, n_in, n_out, H, Wd, gl_threads_get());
  gl_real *U = scratch;                                    /* (16, n_in, n_out) */
  wg_kernels(U, W, n_in, n_out, c_out, for_dx);
  const int g = wg_group(H, Wd);
  for (int r0 = 0; r0 < B; r0 += chunk) {
    const int nb = B - r0 < chunk ? B - r0 : chunk;
    wg_job j = {out + (size_t)r0 * n_out * HW, in + (size_t)r0 * n_in * HW, b, U,
                U + (size_t)16 * n_in * n_out, n_in, n_out, H, Wd, acc, nb};
    gl_parallel((nb + g - 1) / g, wg_unit, &j);
  }
}

size_t conv3x3_scratch(int B, int c_in, int c_out, int H, int W) {
  const size_t HW = (size_t)H * W, K = (size_t)9 * c_in;
  const size_t N = (size_t)chunk_images(B, (int)K, HW, CHUNK_THREADS) * HW;
  const size_t gemm = (K + 2 * (size_t)c_out) * N + (size_t)c_out * K;
  const size_t units = ((size_t)wg_chunk(B, c_in, c_out, H, W, CHUNK_THREADS) + wg_group(H, W) - 1) /
                       wg_group(H, W);
  const size_t wino = 16 * (size_t)c_in * c_out + units * wg_unit_reals(c_in, c_out, H, W);
  return gemm > wino ? gemm : wino;
}

/* A chunk of images for dW's products: each image's copies are a chunk of
 * gl_parallel (copies that no other image touches, so the bits do not depend
 * on the threads). */
typedef struct {
  const gl_real *x, *dy;            /* the chunk's first image in x / dy */
  gl_real *cols, *out;              /* patch matrix (K, N) or (N, K); dY (c_out, N) */
  gl_real *outT;                    /* dY transposed, (N, c_out) */
  int c_in, c_out, H, W;
  size_t N;
} conv_job;

/* image r's dy into dY's layout */
static void bwd_gather_dy(const conv_job *j, int r) {
  const size_t HW = (size_t)j->H * j->W;
  for (int co = 0; co < j->c_out; co++)
    memcpy(j->out + (size_t)co * j->N + (size_t)r * HW, j->dy + ((size_t)r * j->c_out + co) * HW,
           sizeof(gl_real) * HW);
}

/* image r's dy into dY's layout and its patch rows */
static void bwd_gather(void *p, int r, int thread) {
  (void)thread;
  const conv_job *j = (const conv_job *)p;
  const size_t HW = (size_t)j->H * j->W;
  bwd_gather_dy(j, r);
  im2row(j->cols + (size_t)r * HW * 9 * j->c_in, j->x + (size_t)r * j->c_in * HW, j->c_in, j->H,
         j->W);
}

/* when dW is cols dY^T: image r's dy into dY's layout and into dY^T's rows,
 * and its patches into the columns of cols */
static void bwd_gather_cols(void *p, int r, int thread) {
  (void)thread;
  const conv_job *j = (const conv_job *)p;
  const size_t HW = (size_t)j->H * j->W;
  bwd_gather_dy(j, r);
  transpose(j->outT + (size_t)r * HW * j->c_out, j->dy + (size_t)r * j->c_out * HW, j->c_out,
            (int)HW);
  im2col(j->cols + (size_t)r * HW, j->N, j->x + (size_t)r * j->c_in * HW, j->c_in, j->H, j->W);
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

/* y (B, c_out, H, W) = conv3x3(x (B, c_in, H, W); W (9 c_in, c_out)) + b (c_out),
 * by Winograd (above). */
void conv3x3_forward(gl_real *y, const gl_real *x, const gl_real *W, const gl_real *b, int B,
                     int c_in, int c_out, int H, int Wd, gl_real *scratch) {
  wg_conv(y, x, W, b, B, c_in, c_out, c_out, H, Wd, 0, 0, scratch);
}

/* backward of y = conv3x3(x; W) + b:
 *   dW (9 c_in, c_out) = sum over chunks of cols dY^T
 *                            cols (9 c_in, n*HW): the patches, im2col's columns,
 *                            dY (c_out, n*HW): the chunk's dy, laid out like cols
 *   db (c_out)         = sum of dY over every pixel of every image
 *   dx (+)= conv3x3_backward_dx (Winograd), after dW and db
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
  gl_real *colsR = dWT + (size_t)c_out * K;             /* (n*HW, K) or (K, n*HW) */
  gl_real *dY = colsR + (size_t)K * chunk * HW;         /* (c_out, n*HW) */
  gl_real *dYT = dY + (size_t)c_out * chunk * HW;       /* (n*HW, c_out) */
  const int by_cols = c_out % gemm_tile_cols() == 0;
  for (int co = 0; co < c_out; co++) db[co] = 0;
  for (int r0 = 0; r0 < B; r0 += chunk) {
    const int nb = B - r0 < chunk ? B - r0 : chunk;
    const size_t N = (size_t)nb * HW;
    conv_job j = {x + (size_t)r0 * c_in * HW, dy + (size_t)r0 * c_out * HW, colsR, dY, dYT, c_in,
                  c_out, H, Wd, N};
    gl_parallel(nb, by_cols ? bwd_gather_cols : bwd_gather, &j);
    db_job dj = {db, dY, N};
    if ((size_t)c_out * N < DB_PAR_MIN) for (int co = 0; co < c_out; co++) db_channel(&dj, co, 0);
    else gl_parallel(c_out, db_channel, &dj);
    if (by_cols) gemm_nn(K, c_out, (int)N, colsR, (int)N, dYT, c_out, dW, c_out, r0 > 0);
    else gemm_nn(c_out, K, (int)N, dY, (int)N, colsR, K, dWT, K, r0 > 0);
  }
  if (!by_cols) transpose(dW, dWT, c_out, K);
  if (dx) conv3x3_backward_dx(dx, dy, W, B, c_in, c_out, H, Wd, acc_dx, scratch);
}

/* conv3x3_backward's dx alone, dx (+)= conv3x3(dy; W turned by 180 degrees,
 * channels swapped), by Winograd, without dW and db: also what a residual
 * branch's first convolution passes back on its own (blocks.c). */
void conv3x3_backward_dx(gl_real *dx, const gl_real *dy, const gl_real *W, int B, int c_in,
                         int c_out, int H, int Wd, int acc_dx, gl_real *scratch) {
  wg_conv(dx, dy, W, NULL, B, c_out, c_in, c_out, H, Wd, 1, acc_dx, scratch);
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
