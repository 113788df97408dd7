/*
 * rng.c - PCG32 (M. O'Neill, "PCG: A Family of Simple Fast Space-Efficient
 * Statistically Good Algorithms for Random Number Generation", 2014).
 * Integer arithmetic only, so the same seed gives the same stream natively
 * and in WebAssembly.  Normals use Box-Muller in double.
 */
#include <math.h>

#include "gl_internal.h"

void gl_rng_seed(gl_rng *r, uint64_t seed, uint64_t stream) {
  r->state = 0u;
  r->inc = (stream << 1u) | 1u;
  gl_rng_u32(r);
  r->state += seed;
  gl_rng_u32(r);
}

uint32_t gl_rng_u32(gl_rng *r) {
  uint64_t old = r->state;
  r->state = old * 6364136223846793005ULL + r->inc;
  uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
  uint32_t rot = (uint32_t)(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

double gl_rng_uniform(gl_rng *r) {
  uint64_t hi = gl_rng_u32(r) >> 5, lo = gl_rng_u32(r) >> 6; /* 27 + 26 = 53 bits */
  return ((double)hi * 67108864.0 + (double)lo) * (1.0 / 9007199254740992.0);
}

double gl_rng_normal(gl_rng *r) {
  double u1 = gl_rng_uniform(r), u2 = gl_rng_uniform(r);
  if (u1 < 1e-300) u1 = 1e-300;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Unbiased integer in [0, n) (Lemire's rejection on the low bits). */
uint32_t gl_rng_below(gl_rng *r, uint32_t n) {
  uint32_t threshold = (uint32_t)(-n) % n;
  for (;;) {
    uint32_t x = gl_rng_u32(r);
    if (x >= threshold) return x % n;
  }
}
