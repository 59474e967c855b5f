/* SSE4.2 layer: 2 x f64, no FMA (multiply then add, two roundings). */
#include <nmmintrin.h>
typedef __m128d vd;
#define SK_VD_N 2
#define SK_U 4
#define SK_U3 4
static inline vd vd_zero(void) { return _mm_setzero_pd(); }
static inline vd vd_set1(double x) { return _mm_set1_pd(x); }
static inline vd vd_loadu(const double *p) { return _mm_loadu_pd(p); }
static inline vd vd_load_f32(const float *p) {
  return _mm_cvtps_pd(_mm_castpd_ps(_mm_load_sd((const double *)(const void *)p)));
}
static inline vd vd_add(vd a, vd b) { return _mm_add_pd(a, b); }
static inline vd vd_sub(vd a, vd b) { return _mm_sub_pd(a, b); }
static inline vd vd_mul(vd a, vd b) { return _mm_mul_pd(a, b); }
static inline vd vd_fmadd(vd a, vd b, vd c) { return _mm_add_pd(_mm_mul_pd(a, b), c); }
static inline double vd_hsum(vd a) { return _mm_cvtsd_f64(_mm_add_sd(a, _mm_unpackhi_pd(a, a))); }
static inline void vd_storeu(double *p, vd v) { _mm_storeu_pd(p, v); }
static inline vd vd_sqrt(vd a) { return _mm_sqrt_pd(a); }
static inline vd vd_div(vd a, vd b) { return _mm_div_pd(a, b); }
static inline vd vd_min(vd a, vd b) { return _mm_min_pd(a, b); }
static inline double vd_hmin(vd a) { return _mm_cvtsd_f64(_mm_min_sd(a, _mm_unpackhi_pd(a, a))); }

typedef __m128 vf;
#define SK_VF_N 4
static inline vf vf_zero(void) { return _mm_setzero_ps(); }
static inline vf vf_set1(float x) { return _mm_set1_ps(x); }
static inline vf vf_loadu(const float *p) { return _mm_loadu_ps(p); }
static inline void vf_storeu(float *p, vf v) { _mm_storeu_ps(p, v); }
static inline vf vf_add(vf a, vf b) { return _mm_add_ps(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm_sub_ps(a, b); }
static inline vf vf_mul(vf a, vf b) { return _mm_mul_ps(a, b); }
static inline vf vf_fmadd(vf a, vf b, vf c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
static inline vf vf_sqrt(vf a) { return _mm_sqrt_ps(a); }
static inline vf vf_min(vf a, vf b) { return _mm_min_ps(a, b); }
static inline float vf_hmin(vf a) {
  __m128 m = _mm_min_ps(a, _mm_movehl_ps(a, a));
  return _mm_cvtss_f32(_mm_min_ss(m, _mm_shuffle_ps(m, m, 1)));
}
#define SK_MR 4
#define SK_NV 2
#define SK_SLEEF_EXPD Sleef_expd2_u10sse4
#define SK_SLEEF_EXPF Sleef_expf4_u10sse4
#define SK_SLEEF_ERFCD Sleef_erfcd2_u15sse4
#define SK_SLEEF_SINCOSPID Sleef_sincospid2_u05sse4
/* narrowing f64 -> f32 store (f32 results computed in f64 lanes) and non-temporal stores */
static inline void vd_storeu_f32(float *p, vd v) { _mm_storel_pi((__m64 *)(void *)p, _mm_cvtpd_ps(v)); }
static inline void vd_stream(double *p, vd v) { _mm_stream_pd(p, v); } /* p 16-byte aligned */
static inline void vf_stream(float *p, vf v) { _mm_stream_ps(p, v); }
static inline void sk_stream_fence(void) { _mm_sfence(); }
static inline int vd_any_lt(vd a, vd b) { return _mm_movemask_pd(_mm_cmplt_pd(a, b)) != 0; }
static inline int vd_any_gt(vd a, vd b) { return _mm_movemask_pd(_mm_cmpgt_pd(a, b)) != 0; }
static inline int vf_any_lt(vf a, vf b) { return _mm_movemask_ps(_mm_cmplt_ps(a, b)) != 0; }
static inline unsigned vf_lt_bits(vf a, vf b) { return (unsigned)_mm_movemask_ps(_mm_cmplt_ps(a, b)); }
static inline int vf_any_gt(vf a, vf b) { return _mm_movemask_ps(_mm_cmpgt_ps(a, b)) != 0; }
typedef __m128d vdm;
static inline vdm vd_lt(vd a, vd b) { return _mm_cmplt_pd(a, b); }
static inline vdm vd_gt(vd a, vd b) { return _mm_cmpgt_pd(a, b); }
static inline vdm vd_isnan(vd a) { return _mm_cmpunord_pd(a, a); }
static inline vdm vdm_or(vdm a, vdm b) { return _mm_or_pd(a, b); }
static inline int vdm_any(vdm m) { return _mm_movemask_pd(m) != 0; }
static inline vd vd_blend(vdm m, vd a, vd b) { return _mm_blendv_pd(b, a, m); }
/* selection: counters of lanes where a mask holds (a true lane is -1), closed compares */
typedef __m128i vdc;
static inline vdc vdc_zero(void) { return _mm_setzero_si128(); }
static inline vdc vdc_add(vdc c, vdm m) { return _mm_sub_epi64(c, _mm_castpd_si128(m)); }
static inline size_t vdc_sum(vdc c) { return (size_t)(_mm_cvtsi128_si64(c) + _mm_extract_epi64(c, 1)); }
static inline vdm vd_le(vd a, vd b) { return _mm_cmple_pd(a, b); }
static inline vdm vdm_andnot(vdm a, vdm b) { return _mm_andnot_pd(a, b); }
static inline unsigned vdm_bits(vdm m) { return (unsigned)_mm_movemask_pd(m); }
static inline vd vd_abs(vd a) { return _mm_andnot_pd(_mm_set1_pd(-0.0), a); }
static inline vd vd_round_f32(vd a) { return _mm_cvtps_pd(_mm_cvtpd_ps(a)); }
static inline void vdc_lanes(uint64_t *out, vdc c) { _mm_storeu_si128((__m128i *)(void *)out, c); }
