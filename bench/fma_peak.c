/* Measured multiply-add peak of each x86 ISA this CPU runs (f64 lanes, 1 thread): independent
 * accumulator chains, enough to cover the latency, and nothing else in the loop. GEMM rows read
 * against it include this core's real clock and ports. SSE4.2 has no FMA: its peak is a multiply
 * and an add per two flops, as its GEMM micro-kernel runs them (here an add shares a port with
 * the multiplies, so 3 per cycle, not 4). f32 lanes: twice these. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fma_peak.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static volatile double sink;
#define ITERS 40000000L

/* FMA ISAs: acc = acc * b + c in 12 chains (latency 4 x 2 ports needs 8) */
#define FMA_PEAK(NAME, TARGET, V, SET1, FMA, LANES)                                         \
  __attribute__((target(TARGET))) static double NAME(void) {                               \
    volatile double vb = 0.999999999, vc = 1e-9;                                           \
    V b = SET1(vb), c = SET1(vc), a[12];                                                   \
    for (int i = 0; i < 12; i++) a[i] = SET1((double)i);                                   \
    double t = now_s();                                                                    \
    for (long k = 0; k < ITERS; k++)                                                       \
      _Pragma("GCC unroll 12") for (int i = 0; i < 12; i++) a[i] = FMA(a[i], b, c);        \
    t = now_s() - t;                                                                       \
    double s[LANES];                                                                       \
    for (int i = 1; i < 12; i++) a[0] = FMA(a[0], b, a[i]);                                \
    memcpy(s, &a[0], sizeof s);                                                            \
    sink = s[0];                                                                           \
    return 2.0 * LANES * 12 * (double)ITERS / t * 1e-9;                                    \
  }
FMA_PEAK(peak_avx512, "avx512f", __m512d, _mm512_set1_pd, _mm512_fmadd_pd, 8)
FMA_PEAK(peak_avx2, "avx2,fma", __m256d, _mm256_set1_pd, _mm256_fmadd_pd, 4)

/* SSE: 7 multiply chains and 7 add chains (16 xmm registers with b and c) */
static double peak_sse(void) {
  volatile double vb = 0.999999999, vc = 1e-9;
  __m128d b = _mm_set1_pd(vb), c = _mm_set1_pd(vc), m[7], a[7];
  for (int i = 0; i < 7; i++) m[i] = _mm_set1_pd(1.0 + i), a[i] = _mm_set1_pd((double)i);
  double t = now_s();
  for (long k = 0; k < ITERS; k++)
    _Pragma("GCC unroll 7") for (int i = 0; i < 7; i++) m[i] = _mm_mul_pd(m[i], b), a[i] = _mm_add_pd(a[i], c);
  t = now_s() - t;
  for (int i = 1; i < 7; i++) m[0] = _mm_add_pd(_mm_add_pd(m[0], m[i]), a[i]);
  sink = _mm_cvtsd_f64(_mm_add_pd(m[0], a[0]));
  return 2.0 * 14 * (double)ITERS / t * 1e-9;
}

void fma_peak_line(void) {
  printf("# measured f64 multiply-add peak, 1 thread, GFLOP/s (f32: twice):");
  if (sk_isa_supported(SK_ISA_AVX512)) printf(" avx512 %.1f", peak_avx512());
  if (sk_isa_supported(SK_ISA_AVX2)) printf(" avx2 %.1f", peak_avx2());
  if (sk_isa_supported(SK_ISA_SSE42)) printf(" sse42 (mul + add) %.1f", peak_sse());
  printf("\n");
}
#else
void fma_peak_line(void) {} /* aarch64: not measured */
#endif
