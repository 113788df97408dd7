/*
 * peak.c - the machine's WebAssembly SIMD128 ceiling for the engine's kind of
 * arithmetic, measured next to the workloads by bench_wasm.mjs: 12
 * independent f32x4 chains of one multiply and one add each (no FMA in
 * SIMD128), so the loop is bound by the CPU's vector ports, not by latency.
 * 8 flops per chain per iteration.  Built to build/bench-peak.wasm by
 * `make bench`; not part of the engine.
 */
typedef float v4 __attribute__((vector_size(16)));
#define CHAINS 12

__attribute__((used)) float peak(int n, float seed) {
  v4 acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = (v4){0} + i * seed;
  const v4 m = (v4){0} + (1.0f - seed), x = (v4){0} + seed;
  for (int k = 0; k < n; k++)
#pragma GCC unroll 16
    for (int i = 0; i < CHAINS; i++) acc[i] = acc[i] * m + x;
  v4 s = acc[0];
  for (int i = 1; i < CHAINS; i++) s += acc[i];
  return s[0] + s[1] + s[2] + s[3]; /* keeps the loop from being removed */
}
