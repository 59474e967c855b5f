/* AVX-512 (F/BW/DQ/VL) layer: 8 x f64; tails through zero-masked loads (fault-suppressing). */
#include <immintrin.h>
typedef __m512d vd;
#define SK_VD_N 8
#define SK_U 8
#define SK_U3 8
#define SK_VD_HAVE_PARTIAL 1
static inline vd vd_zero(void) { return _mm512_setzero_pd(); }
static inline vd vd_set1(double x) { return _mm512_set1_pd(x); }
static inline vd vd_loadu(const double *p) { return _mm512_loadu_pd(p); }
static inline vd vd_load_f32(const float *p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
static inline vd vd_loadu_n(const double *p, size_t n) {
  return _mm512_maskz_loadu_pd((__mmask8)((1u << n) - 1), p);
}
static inline vd vd_load_f32_n(const float *p, size_t n) {
  return _mm512_cvtps_pd(_mm256_maskz_loadu_ps((__mmask8)((1u << n) - 1), p));
}
static inline vd vd_add(vd a, vd b) { return _mm512_add_pd(a, b); }
static inline vd vd_sub(vd a, vd b) { return _mm512_sub_pd(a, b); }
static inline vd vd_mul(vd a, vd b) { return _mm512_mul_pd(a, b); }
static inline vd vd_fmadd(vd a, vd b, vd c) { return _mm512_fmadd_pd(a, b, c); }
static inline double vd_hsum(vd a) { /* fixed order: halves, then quarters, then pairs */
  __m256d h = _mm256_add_pd(_mm512_castpd512_pd256(a), _mm512_extractf64x4_pd(a, 1));
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
