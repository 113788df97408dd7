/*
 * gemm.c - the matrix product every layer runs on (gemm_nn), the transpose
 * the backward pass feeds it, and the dense layer made of the two.
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
 * float32 hot paths, so native and WASM builds run the same arithmetic.
 * The other kernels: sums.c, elementwise.c, loss.c, conv.c, norm.c (kernels.h).
 */
#include <string.h>

#include "gl_internal.h"

#if defined(__AVX512F__) && !defined(GL_VBYTES)
#define VBYTES 64 /* one zmm register per vector */
#elif defined(GL_VBYTES)
#define VBYTES GL_VBYTES
#else
#define VBYTES 32 /* AVX2 natively; two v128 operations in WebAssembly */
#endif
GL_VECTOR(vreal, VBYTES / sizeof(gl_real), v) /* vload, vstore, vsplat (kernels.h) */
#define VL ((int)(VBYTES / sizeof(gl_real)))
#define NR (2 * VL)
#ifndef GL_MR
#define MR 4
#else
#define MR GL_MR
#endif

/* 8 reals: the columns gemm_tiles takes 8 at a time where its tiles are wider
 * (natively 16 or 32 columns; in WebAssembly its tiles are 8 wide already) */
GL_VECTOR(v8real, 8, v8)

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
    const int N8 = Nv + (N - Nv) / 8 * 8;
    for (int j = Nv; j < N8; j += 8) { /* 8 columns at a time: Winograd's 8 and 16 channels natively */
      v8real s[MR];
#pragma GCC unroll 8
      for (int r = 0; r < MR; r++) s[r] = acc ? v8load(c + (size_t)r * ldc + j) : v8splat(0);
      const gl_real *b = B + j;
      for (int k = 0; k < K; k++, b += ldb) {
        const v8real bv = v8load(b);
#pragma GCC unroll 8
        for (int r = 0; r < MR; r++) s[r] += v8splat(ar[r][k]) * bv;
      }
#pragma GCC unroll 8
      for (int r = 0; r < MR; r++) v8store(c + (size_t)r * ldc + j, s[r]);
    }
    if (N8 < N) gemm_rows(i, i + MR, N8, N, K, A, lda, B, ldb, C, ldc, acc);
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

void gemm_nn_1(int M, int N, int K, const gl_real *A, int lda, const gl_real *B, int ldb,
               gl_real *C, int ldc, int acc) {
  gemm_tiles(M, N, K, A, lda, B, ldb, C, ldc, acc);
}

/* 4x4 blocks through four 4-lane vectors and eight shuffles (WebAssembly's
 * i8x16.shuffle, SSE's unpck/shufps natively); the rim is copied one value
 * at a time.  A copy: the same bits in every build. */
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
