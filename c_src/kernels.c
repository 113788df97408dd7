/*
 * kernels.c - the numerical kernels, in forward/backward pairs.
 *
 * Tensors are row-major (rows, features); a dense layer's weights are stored
 * (in, out) so that y = x W + b streams contiguous rows.  Every matrix product
 * goes through one register-blocked kernel, gemm_nn; the two transposed
 * products of the backward pass transpose one operand into scratch first
 * (in*B or in*out reals: small next to the B*in*out product; 4x4 vector
 * blocks).  Reading x in place as a transposed operand instead (one pointer
 * moving by a row per k) measured 8-20% slower in WebAssembly.
 *
 * Portability: the vector type below is GCC/Clang's generic vector
 * extension.  gcc maps it to AVX2/AVX-512 natively; emcc (-msimd128) maps it
 * to pairs of WebAssembly v128 operations.  No intrinsics, no libm in the
 * float32 hot paths (tanh is a rational approximation), so native and WASM
 * builds run the same arithmetic.
 */
#include <math.h>
#include <string.h>

#include "gl_internal.h"

#if defined(__AVX512F__) && !defined(GL_VBYTES)
#define VBYTES 64 /* one zmm register per vector */
#elif defined(GL_VBYTES)
#define VBYTES GL_VBYTES
#else
#define VBYTES 32 /* AVX2 natively; two v128 operations in WebAssembly */
#endif
typedef gl_real vreal __attribute__((vector_size(VBYTES), aligned(sizeof(gl_real))));
#define VL ((int)(VBYTES / sizeof(gl_real)))
#define NR (2 * VL)
#ifndef GL_MR
#define MR 4
#else
#define MR GL_MR
#endif

static inline vreal vload(const gl_real *p) {
  vreal v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline void vstore(gl_real *p, vreal v) { memcpy(p, &v, sizeof v); }
static inline vreal vsplat(gl_real a) {
  /* a - 0 is exactly a for every a (0 + a is not: -0.0 + 0 = +0), so the
   * compiler folds the subtraction and a broadcast remains */
  return a - (vreal){0};
}

/* C[r0:r1, j0:j1] (+)= A B, one row at a time (edges and short matrices). */
static void gemm_rows(int r0, int r1, int j0, int j1, int K, const gl_real *A, int lda,
                      const gl_real *B, int ldb, gl_real *C, int ldc, int acc) {
  for (int r = r0; r < r1; r++) {
    gl_real *restrict c = C + (size_t)r * ldc;
    const gl_real *a = A + (size_t)r * lda;
    if (!acc)
      for (int j = j0; j < j1; j++) c[j] = 0;
    for (int k = 0; k < K; k++) {
      const gl_real ak = a[k];
      const gl_real *restrict b = B + (size_t)k * ldb;
      for (int j = j0; j < j1; j++) c[j] += ak * b[j];
    }
  }
}

/* C(M,N) = (acc ? C : 0) + A(M,K) B(K,N).  MR x NR tiles of C stay in
 * registers while k runs; B's row segment is loaded once per MR rows of A.
 * Each element of C sums its K products in order k = 0, 1, ..., whatever
 * the tiling, so every build (vector width, tile size) gives the same bits. */
static void gemm_tiles(int M, int N, int K, const gl_real *A, int lda, const gl_real *B, int ldb,
                       gl_real *C, int ldc, int acc) {
  int i = 0;
  const int Nv = N - N % NR;
  for (; i + MR <= M; i += MR) {
    const gl_real *ar[MR]; /* the MR rows of A this tile reads */
    for (int r = 0; r < MR; r++) ar[r] = A + (size_t)(i + r) * lda;
    gl_real *c = C + (size_t)i * ldc;
    for (int j = 0; j < Nv; j += NR) {
      vreal s[MR][2];
#pragma GCC unroll 8
      for (int r = 0; r < MR; r++)
#pragma GCC unroll 2
        for (int v = 0; v < 2; v++)
          s[r][v] = acc ? vload(c + (size_t)r * ldc + j + v * VL) : vsplat(0);
      const gl_real *b = B + j;
      for (int k = 0; k < K; k++, b += ldb) {
        vreal bv[2];
#pragma GCC unroll 2
        for (int v = 0; v < 2; v++) bv[v] = vload(b + v * VL);
#pragma GCC unroll 8
        for (int r = 0; r < MR; r++) {
          const vreal x = vsplat(ar[r][k]);
#pragma GCC unroll 2
          for (int v = 0; v < 2; v++) s[r][v] += x * bv[v];
        }
      }
#pragma GCC unroll 8
      for (int r = 0; r < MR; r++)
#pragma GCC unroll 2
        for (int v = 0; v < 2; v++) vstore(c + (size_t)r * ldc + j + v * VL, s[r][v]);
    }
    if (Nv < N) gemm_rows(i, i + MR, Nv, N, K, A, lda, B, ldb, C, ldc, acc);
  }
  if (i < M) gemm_rows(i, M, 0, N, K, A, lda, B, ldb, C, ldc, acc);
}

int gemm_tile_cols(void) { return NR; }

/* On several threads (pool.c) a product is cut into blocks of whole rows of
 * C, or of whole columns when C has more column tiles than row tiles; a cut
 * falls on a tile boundary, and each element is still one thread's sum over
 * k in order, so the bits do not depend on the thread count. */
typedef struct {
  int M, N, K, lda, ldb, ldc, acc, by_rows, step;
  const gl_real *A, *B;
  gl_real *C;
} gemm_job;

static void gemm_chunk(void *p, int c, int thread) {
  (void)thread;
  const gemm_job *g = p;
  const int a = c * g->step;
  if (g->by_rows) {
    const int rows = g->M - a < g->step ? g->M - a : g->step;
    gemm_tiles(rows, g->N, g->K, g->A + (size_t)a * g->lda, g->lda, g->B, g->ldb,
               g->C + (size_t)a * g->ldc, g->ldc, g->acc);
  } else {
    const int cols = g->N - a < g->step ? g->N - a : g->step;
    gemm_tiles(g->M, cols, g->K, g->A, g->lda, g->B + a, g->ldb, g->C + a, g->ldc, g->acc);
  }
}

/* Below this many multiply-adds (a few microseconds) a product stays on the
 * calling thread; chunks per thread: enough to even out a late helper. */
#define PAR_MIN_MACS 32768.0
#define CHUNKS_PER_THREAD 4

void gemm_nn(int M, int N, int K, const gl_real *A, int lda, const gl_real *B, int ldb,
             gl_real *C, int ldc, int acc) {
  const int t = gl_threads_get();
  if (t <= 1 || (double)M * N * K < PAR_MIN_MACS) {
    gemm_tiles(M, N, K, A, lda, B, ldb, C, ldc, acc);
    return;
  }
  const int tiles_m = (M + MR - 1) / MR, tiles_n = (N + NR - 1) / NR;
  const int by_rows = tiles_m >= tiles_n, tiles = by_rows ? tiles_m : tiles_n;
  const int want = t * CHUNKS_PER_THREAD < tiles ? t * CHUNKS_PER_THREAD : tiles;
  const int step = (tiles + want - 1) / want * (by_rows ? MR : NR);
  gemm_job g = {M, N, K, lda, ldb, ldc, acc, by_rows, step, A, B, C};
  gl_parallel(((by_rows ? M : N) + step - 1) / step, gemm_chunk, &g);
}

/* 4x4 blocks through four 4-lane vectors and eight shuffles (WebAssembly's
 * i8x16.shuffle, SSE's unpck/shufps natively); the rim is copied one value
 * at a time.  A copy: the same bits in every build. */
typedef gl_real v4real __attribute__((vector_size(4 * sizeof(gl_real)), aligned(sizeof(gl_real))));
static inline v4real v4load(const gl_real *p) {
  v4real v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline void v4store(gl_real *p, v4real v) { memcpy(p, &v, sizeof v); }

void transpose(gl_real *restrict dst, const gl_real *restrict src, int rows, int cols) {
  enum { T = 16 }; /* 16 x 16 tiles keep the written columns in L1 */
  const int r4 = rows - rows % 4, c4 = cols - cols % 4;
  for (int r0 = 0; r0 < r4; r0 += T)
    for (int c0 = 0; c0 < c4; c0 += T) {
      const int r1 = r0 + T < r4 ? r0 + T : r4, c1 = c0 + T < c4 ? c0 + T : c4;
      for (int r = r0; r < r1; r += 4)
        for (int c = c0; c < c1; c += 4) {
          const gl_real *s = src + (size_t)r * cols + c;
          v4real a = v4load(s), b = v4load(s + cols), e = v4load(s + 2 * (size_t)cols),
                 f = v4load(s + 3 * (size_t)cols);
          v4real ab0 = __builtin_shufflevector(a, b, 0, 4, 1, 5);
          v4real ab1 = __builtin_shufflevector(a, b, 2, 6, 3, 7);
          v4real ef0 = __builtin_shufflevector(e, f, 0, 4, 1, 5);
          v4real ef1 = __builtin_shufflevector(e, f, 2, 6, 3, 7);
          gl_real *d = dst + (size_t)c * rows + r;
          v4store(d, __builtin_shufflevector(ab0, ef0, 0, 1, 4, 5));
          v4store(d + rows, __builtin_shufflevector(ab0, ef0, 2, 3, 6, 7));
          v4store(d + 2 * (size_t)rows, __builtin_shufflevector(ab1, ef1, 0, 1, 4, 5));
          v4store(d + 3 * (size_t)rows, __builtin_shufflevector(ab1, ef1, 2, 3, 6, 7));
        }
    }
  for (int r = 0; r < rows; r++) /* the rim: last rows % 4 rows, last cols % 4 columns */
    for (int c = r < r4 ? c4 : 0; c < cols; c++) dst[(size_t)c * rows + r] = src[(size_t)r * cols + c];
}

/* ---- reductions ----
 * Sums in double with 8 independent lanes, added in a fixed order at the
 * end: the compiler may vectorise them without reassociating anything, so
 * the result is the same natively and in WebAssembly. */
#define LANES 8

/* Sums of d = v - c and d^2 over v[0..n) in double, the shift c = v[0]
 * taken out first so that the variance keeps its digits when it is tiny
 * next to the mean (saturated sigmoid units sit near 1 with spread 1e-4). */
__attribute__((noinline)) static void shifted_sums_double(const gl_real *v, size_t n, gl_real c,
                                                         double *s1, double *s2) {
  double a[LANES] = {0}, b[LANES] = {0}, x1 = 0, x2 = 0;
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int k = 0; k < LANES; k++) {
      double d = (double)v[i + k] - c;
      a[k] += d;
      b[k] += d * d;
    }
  for (; i < n; i++) {
    double d = (double)v[i] - c;
    x1 += d;
    x2 += d * d;
  }
  for (int k = 0; k < LANES; k++) {
    x1 += a[k];
    x2 += b[k];
  }
  *s1 = x1;
  *s2 = x2;
}

/* Sum of squares in double: the shifted sums about 0. */
static double sum_sq_double(const gl_real *v, size_t n) {
  double s1, s2;
  shifted_sums_double(v, n, 0, &s1, &s2);
  return s2;
}

#ifdef GL_DOUBLE
double sum_sq(const gl_real *v, size_t n) { return sum_sq_double(v, n); }
#else
/* Blocks of 256 values summed in float (8 lanes of 32 terms, so at most
 * ~2e-6 relative error), the blocks added in double.  A block whose float sum
 * is not a comfortably normal number is summed again in double: vanishing
 * gradients (squares below 1e-28 would lose digits or underflow to 0) and
 * huge ones (squares that overflow float but not double) keep their exact
 * double result, and NaN/Inf still poison the total.  Float arithmetic is
 * four times denser in a v128 than double, which is why this pays. */
double sum_sq(const gl_real *v, size_t n) {
  enum { BLOCK = 256 };
  double s = 0;
  for (size_t i = 0; i < n; i += BLOCK) {
    const size_t m = n - i < BLOCK ? n - i : BLOCK;
    const float *x = v + i;
    float acc[LANES] = {0}, b = 0;
    size_t j = 0;
    for (; j + LANES <= m; j += LANES)
      for (int k = 0; k < LANES; k++) acc[k] += x[j + k] * x[j + k];
    for (; j < m; j++) b += x[j] * x[j];
    for (int k = 0; k < LANES; k++) b += acc[k];
    s += b >= 1e-28f && b <= 1e37f ? (double)b : sum_sq_double(x, m);
  }
  return s;
}
#endif

/* Mean and (population) variance of v[0..n), n >= 1.  In the float32 build
 * the shifted sums run in float lanes over blocks of 256 and the blocks add
 * up in double; a block whose sum of squares is tiny but not exactly zero,
 * huge or not finite is summed again in double, as in sum_sq. */
void mean_var_update(gl_real *v, size_t n, double *mean, double *var, const gl_real *g,
                     gl_real a, gl_real cs) {
  const gl_real c = v[0];
  double s1 = 0, s2 = 0;
#ifdef GL_DOUBLE
  shifted_sums_double(v, n, c, &s1, &s2);
  if (g)
    for (size_t i = 0; i < n; i++) v[i] += a * (g[i] * cs);
#else
  enum { BLOCK = 256 };
  for (size_t i = 0; i < n; i += BLOCK) {
    const size_t m = n - i < BLOCK ? n - i : BLOCK;
    float *x = v + i;
    float a1[LANES] = {0}, q[LANES] = {0}, b1 = 0, b2 = 0;
    size_t j = 0;
    for (; j + LANES <= m; j += LANES)
      for (int k = 0; k < LANES; k++) {
        const float d = x[j + k] - c;
        a1[k] += d;
        q[k] += d * d;
      }
    for (; j < m; j++) {
      const float d = x[j] - c;
      b1 += d;
      b2 += d * d;
    }
    for (int k = 0; k < LANES; k++) {
      b1 += a1[k];
      b2 += q[k];
    }
    if ((b2 >= 1e-28f && b2 <= 1e37f) || (b2 == 0 && b1 == 0)) {
      s1 += b1;
      s2 += b2;
    } else {
      double d1, d2;
      shifted_sums_double(x, m, c, &d1, &d2);
      s1 += d1;
      s2 += d2;
    }
    if (g) { /* the block is still in cache: update it now */
      const float *gb = g + i;
      for (j = 0; j < m; j++) x[j] += a * (gb[j] * cs);
    }
  }
#endif
  const double m1 = s1 / (double)n, v2 = s2 / (double)n - m1 * m1;
  *mean = c + m1;
  *var = v2 > 0 ? v2 : (v2 == v2 ? 0 : v2); /* NaN stays NaN */
}

void mean_var(const gl_real *v, size_t n, double *mean, double *var) {
  mean_var_update((gl_real *)v, n, mean, var, NULL, 0, 0); /* g == NULL: v is only read */
}

/* ---- dense ---- */

/* y (B, out) = x (B, in) W (in, out) + b (out) */
void dense_forward(gl_real *y, const gl_real *x, const gl_real *W, const gl_real *b, int B, int in,
                   int out) {
  for (int r = 0; r < B; r++) { /* a loop, not memcpy: a call per row (1,632 per W1 step) cost 2% in WASM */
    gl_real *restrict yr = y + (size_t)r * out;
    for (int j = 0; j < out; j++) yr[j] = b[j];
  }
  gemm_nn(B, out, in, x, in, W, out, y, out, 1);
}

/* ---- activations ---- */

#ifdef GL_DOUBLE
static inline gl_real tanh_r(gl_real x) { return tanh(x); }
static inline gl_real sigmoid_r(gl_real x) { return 1.0 / (1.0 + exp(-x)); }
#else
/* tanh as a 13/6 rational function (the minimax fit used by Eigen's
 * generic_fast_tanh_float); max abs error ~1e-7 on the clamped range; beyond
 * it the value stays at the fit's value at the clamp, +-0.99999982. */
static inline float tanh_r(float x) {
  const float c = 7.99881172180175781f;
  x = x > c ? c : (x < -c ? -c : x);
  const float x2 = x * x;
  float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
  p = x2 * p + -8.60467152213735e-11f;
  p = x2 * p + 5.12229709037114e-08f;
  p = x2 * p + 1.48572235717979e-05f;
  p = x2 * p + 6.37261928875436e-04f;
  p = x2 * p + 4.89352455891786e-03f;
  p = x * p;
  float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
  q = x2 * q + 2.26843463243900e-03f;
  q = x2 * q + 4.89352518554385e-03f;
  return p / q;
}
static inline float sigmoid_r(float x) { return 0.5f + 0.5f * tanh_r(0.5f * x); }
#endif

#define GELU_K ((gl_real)0.7978845608028654) /* sqrt(2/pi) */
#define GELU_C ((gl_real)0.044715)
#define LEAKY ((gl_real)0.01)

void act_forward(gl_real *restrict y, const gl_real *restrict x, size_t n, int act) {
  switch (act) {
  case ACT_SIGMOID: for (size_t i = 0; i < n; i++) y[i] = sigmoid_r(x[i]); break;
  case ACT_TANH: for (size_t i = 0; i < n; i++) y[i] = tanh_r(x[i]); break;
  case ACT_RELU: for (size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0; break;
  case ACT_LEAKY_RELU: for (size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : LEAKY * x[i]; break;
  case ACT_GELU:
    for (size_t i = 0; i < n; i++) {
      gl_real v = x[i];
      y[i] = (gl_real)0.5 * v * (1 + tanh_r(GELU_K * (v + GELU_C * v * v * v)));
    }
    break;
  default: memcpy(y, x, n * sizeof(gl_real)); break;
  }
}

static inline gl_real gelu_slope(gl_real v) {
  gl_real t = tanh_r(GELU_K * (v + GELU_C * v * v * v));
  return (gl_real)0.5 * (1 + t) + (gl_real)0.5 * v * (1 - t * t) * GELU_K * (1 + 3 * GELU_C * v * v);
}

/* phi'(x) from x and y = phi(x), the form backward uses */
static inline gl_real slope_xy(gl_real x, gl_real y, int act) {
  switch (act) {
  case ACT_SIGMOID: return y * (1 - y);
  case ACT_TANH: return 1 - y * y;
  case ACT_RELU: return x > 0 ? 1 : 0;
  case ACT_LEAKY_RELU: return x > 0 ? 1 : LEAKY;
  case ACT_GELU: return gelu_slope(x);
  default: return 1;
  }
}

/* dx (+)= dy * phi'(x) */
void act_backward(gl_real *restrict dx, const gl_real *restrict dy, const gl_real *restrict x,
                  const gl_real *restrict y, size_t n, int act, int acc) {
#define ACT_BWD(EXPR)                                                     \
  do {                                                                    \
    if (acc) for (size_t i = 0; i < n; i++) dx[i] += dy[i] * (EXPR);      \
    else for (size_t i = 0; i < n; i++) dx[i] = dy[i] * (EXPR);           \
  } while (0)
  switch (act) {
  case ACT_SIGMOID: ACT_BWD(y[i] * (1 - y[i])); break;
  case ACT_TANH: ACT_BWD(1 - y[i] * y[i]); break;
  case ACT_RELU: ACT_BWD(x[i] > 0 ? (gl_real)1 : (gl_real)0); break;
  case ACT_LEAKY_RELU: ACT_BWD(x[i] > 0 ? (gl_real)1 : LEAKY); break;
  case ACT_GELU: ACT_BWD(gelu_slope(x[i])); break;
  default: ACT_BWD((gl_real)1); break;
  }
#undef ACT_BWD
}

double act_max_slope(int act) {
  switch (act) {
  case ACT_SIGMOID: return 0.25;
  case ACT_GELU: return 1.1289;  /* at x ~ 1.4 */
  default: return 1.0;
  }
}

/* Statistics of phi'(x) over n units: sum of phi'^2 and the number below
 * 10% of the maximum slope (saturated, or dead for relu). */
void act_slope_stats(const gl_real *x, const gl_real *y, size_t n, int act, double *sum_sq,
                     long *n_sat) {
  /* blocks of 256 summed in float lanes, the blocks in double: a slope is at
   * most ~1.13 and, where not exactly 0, at least ~1e-8 in float (sigmoid and
   * tanh round to their limits first), so no square underflows */
  enum { BLOCK = 256 };
  const gl_real thr = (gl_real)(0.1 * act_max_slope(act));
  double s = 0;
  long c = 0;
  for (size_t i = 0; i < n; i += BLOCK) {
    const size_t m = n - i < BLOCK ? n - i : BLOCK;
    const gl_real *xb = x + i, *yb = y + i;
    gl_real acc[LANES] = {0}, b = 0;
    int cnt[LANES] = {0}, cb = 0;
    size_t j = 0;
    for (; j + LANES <= m; j += LANES)
      for (int k = 0; k < LANES; k++) {
        const gl_real d = slope_xy(xb[j + k], yb[j + k], act);
        acc[k] += d * d;
        cnt[k] += d < thr;
      }
    for (; j < m; j++) {
      const gl_real d = slope_xy(xb[j], yb[j], act);
      b += d * d;
      cb += d < thr;
    }
    for (int k = 0; k < LANES; k++) {
      b += acc[k];
      cb += cnt[k];
    }
    s += b;
    c += cb;
  }
  *sum_sq = s;
  *n_sat = c;
}

/* Over a run of n units weighted by w: sum of (phi'(x) w)^2 into *sq and the
 * count of phi' < thr into *sat; float lanes, the lanes summed in order.
 * The switch on phi sits outside the loops so that each one vectorises. */
static void slope_run(const gl_real *restrict x, const gl_real *restrict y, size_t n, int act,
                      const gl_real *restrict w, gl_real w1, gl_real thr, double *sq, long *sat) {
  gl_real acc[LANES] = {0}, t = 0;
  int cnt[LANES] = {0}, ct = 0;
  size_t i = 0;
#define SLOPE_RUN(EXPR)                                                  \
  do {                                                                   \
    for (; i + LANES <= n; i += LANES)                                   \
      for (int k = 0; k < LANES; k++) {                                  \
        const size_t j = i + k;                                          \
        const gl_real d = (EXPR), e = d * (w ? w[j] : w1);               \
        acc[k] += e * e;                                                 \
        cnt[k] += d < thr;                                               \
      }                                                                  \
    for (size_t j = i; j < n; j++) {                                     \
      const gl_real d = (EXPR), e = d * (w ? w[j] : w1);                 \
      t += e * e;                                                        \
      ct += d < thr;                                                     \
    }                                                                    \
  } while (0)
  switch (act) {
  case ACT_SIGMOID: SLOPE_RUN(y[j] * (1 - y[j])); break;
  case ACT_TANH: SLOPE_RUN(1 - y[j] * y[j]); break;
  case ACT_RELU: SLOPE_RUN(x[j] > 0 ? (gl_real)1 : (gl_real)0); break;
  case ACT_LEAKY_RELU: SLOPE_RUN(x[j] > 0 ? (gl_real)1 : LEAKY); break;
  case ACT_GELU: SLOPE_RUN(gelu_slope(x[j])); break;
  default: SLOPE_RUN((gl_real)1); break;
  }
#undef SLOPE_RUN
  for (int k = 0; k < LANES; k++) {
    t += acc[k];
    ct += cnt[k];
  }
  *sq = t;
  *sat = ct;
}

/* act_slope_stats where a normalisation feeds phi, over (B, C, S) units:
 * the sum of (phi'(x) w_c rr_r)^2, with w_c = gamma_c (times rstd_c for batch
 * norm) and rr_r the row's rstd (layer norm; NULL: 1), and the count of units
 * with phi' below 10% of its maximum.  A dense row (S = 1) or a conv map's
 * channel is one run in float lanes; runs add up in double, rows in order. */
void act_slope_stats_norm(const gl_real *x, const gl_real *y, int B, int C, int S, int act,
                          const gl_real *w_c, const gl_real *rr_r, double *sum_sq, long *n_sat) {
  const gl_real thr = (gl_real)(0.1 * act_max_slope(act));
  const size_t F = (size_t)C * S;
  double total = 0;
  long cnt = 0;
  for (int r = 0; r < B; r++) {
    const gl_real *xr = x + (size_t)r * F, *yr = y + (size_t)r * F;
    double row = 0, sq;
    long sat;
    if (S == 1) {
      slope_run(xr, yr, (size_t)C, act, w_c, 0, thr, &sq, &sat);
      row = sq;
      cnt += sat;
    } else {
      for (int c = 0; c < C; c++) {
        slope_run(xr + (size_t)c * S, yr + (size_t)c * S, (size_t)S, act, NULL, w_c[c], thr, &sq,
                  &sat);
        row += sq;
        cnt += sat;
      }
    }
    const double rr = rr_r ? (double)rr_r[r] : 1.0;
    total += row * rr * rr;
  }
  *sum_sq = total;
  *n_sat = cnt;
}

/* ---- residual add ---- */

/* y = keep * x + s * f */
void residual_forward(gl_real *restrict y, const gl_real *restrict x, const gl_real *restrict f,
                      gl_real s, gl_real keep, size_t n) {
  if (keep != 0)
    for (size_t i = 0; i < n; i++) y[i] = x[i] + s * f[i];
  else
    for (size_t i = 0; i < n; i++) y[i] = s * f[i];
}

/* backward of y = keep*x + s*f: dx (+)= keep*dy, df (+)= s*dy */
void residual_backward(gl_real *restrict dx, gl_real *restrict df, const gl_real *restrict dy,
                       gl_real s, gl_real keep, size_t n, int acc_dx, int acc_df) {
  if (keep != 0) {
    if (acc_dx) for (size_t i = 0; i < n; i++) dx[i] += dy[i];
    else memcpy(dx, dy, n * sizeof(gl_real));
  }
  if (acc_df) for (size_t i = 0; i < n; i++) df[i] += s * dy[i];
  else for (size_t i = 0; i < n; i++) df[i] = s * dy[i];
}

/* dLoss/ds of y = keep*x + s*f: sum(dy * f), in order, in double */
double residual_dscale(const gl_real *restrict dy, const gl_real *restrict f, size_t n) {
  double ds = 0;
  for (size_t i = 0; i < n; i++) ds += (double)dy[i] * f[i];
  return ds;
}

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
