/* AVX2 + FMA layer: 4 x f64; tails through maskload (never touches memory past the tail). */
#include <immintrin.h>
typedef __m256d vd;
#define SK_VD_N 4
#define SK_U 8
#define SK_U3 4
#define SK_VD_HAVE_PARTIAL 1
static inline vd vd_zero(void) { return _mm256_setzero_pd(); }
static inline vd vd_set1(double x) { return _mm256_set1_pd(x); }
static inline vd vd_loadu(const double *p) { return _mm256_loadu_pd(p); }
static inline vd vd_load_f32(const float *p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
static inline __m128i sk_avx2_tailmask(size_t n) { /* lanes < n all-ones, n < 4 */
  return _mm_cmpgt_epi32(_mm_set1_epi32((int)n), _mm_setr_epi32(0, 1, 2, 3));
}
static inline vd vd_loadu_n(const double *p, size_t n) {
  return _mm256_maskload_pd(p, _mm256_cvtepi32_epi64(sk_avx2_tailmask(n)));
}
static inline vd vd_load_f32_n(const float *p, size_t n) {
  return _mm256_cvtps_pd(_mm_maskload_ps(p, sk_avx2_tailmask(n)));
}
static inline vd vd_add(vd a, vd b) { return _mm256_add_pd(a, b); }
static inline vd vd_sub(vd a, vd b) { return _mm256_sub_pd(a, b); }
static inline vd vd_mul(vd a, vd b) { return _mm256_mul_pd(a, b); }
static inline vd vd_fmadd(vd a, vd b, vd c) { return _mm256_fmadd_pd(a, b, c); }
static inline double vd_hsum(vd a) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
