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
static inline void vd_storeu(double *p, vd v) { _mm512_storeu_pd(p, v); }
static inline void vd_storeu_n(double *p, vd v, size_t n) {
  _mm512_mask_storeu_pd(p, (__mmask8)((1u << n) - 1), v);
}
static inline vd vd_sqrt(vd a) { return _mm512_sqrt_pd(a); }
static inline vd vd_div(vd a, vd b) { return _mm512_div_pd(a, b); }
static inline vd vd_min(vd a, vd b) { return _mm512_min_pd(a, b); }
static inline double vd_hmin(vd a) { return _mm512_reduce_min_pd(a); }

typedef __m512 vf;
#define SK_VF_N 16
static inline vf vf_zero(void) { return _mm512_setzero_ps(); }
static inline vf vf_set1(float x) { return _mm512_set1_ps(x); }
static inline vf vf_loadu(const float *p) { return _mm512_loadu_ps(p); }
static inline vf vf_loadu_n(const float *p, size_t n) {
  return _mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1), p);
}
static inline void vf_storeu(float *p, vf v) { _mm512_storeu_ps(p, v); }
static inline void vf_storeu_n(float *p, vf v, size_t n) {
  _mm512_mask_storeu_ps(p, (__mmask16)((1u << n) - 1), v);
}
static inline vf vf_add(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
static inline vf vf_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf vf_fmadd(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
static inline vf vf_sqrt(vf a) { return _mm512_sqrt_ps(a); }
static inline vf vf_min(vf a, vf b) { return _mm512_min_ps(a, b); }
static inline float vf_hmin(vf a) { return _mm512_reduce_min_ps(a); }
#define SK_VF_HAVE_PARTIAL 1
#define SK_MR 8
#define SK_NV 2
#define SK_SLEEF_EXPD Sleef_expd8_u10avx512f
#define SK_SLEEF_EXPF Sleef_expf16_u10avx512f
#define SK_SLEEF_ERFCD Sleef_erfcd8_u15avx512f
#define SK_SLEEF_SINCOSPID Sleef_sincospid8_u05avx512f
/* narrowing f64 -> f32 stores (f32 results computed in f64 lanes) and non-temporal stores */
#define SK_VD_HAVE_STORE_F32_N 1
static inline void vd_storeu_f32(float *p, vd v) { _mm256_storeu_ps(p, _mm512_cvtpd_ps(v)); }
static inline void vd_storeu_f32_n(float *p, vd v, size_t n) {
  _mm256_mask_storeu_ps(p, (__mmask8)((1u << n) - 1), _mm512_cvtpd_ps(v));
}
static inline void vd_stream(double *p, vd v) { _mm512_stream_pd(p, v); } /* p 64-byte aligned */
static inline void vf_stream(float *p, vf v) { _mm512_stream_ps(p, v); }
static inline void sk_stream_fence(void) { _mm_sfence(); }
static inline int vd_any_lt(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ) != 0; }
static inline int vd_any_gt(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ) != 0; }
static inline int vf_any_lt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ) != 0; }
static inline unsigned vf_lt_bits(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
static inline int vf_any_gt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ) != 0; }
typedef __mmask8 vdm;
static inline vdm vd_lt(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
static inline vdm vd_gt(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
static inline vdm vd_isnan(vd a) { return _mm512_cmp_pd_mask(a, a, _CMP_UNORD_Q); }
static inline vdm vdm_or(vdm a, vdm b) { return (vdm)(a | b); }
static inline int vdm_any(vdm m) { return m != 0; }
static inline vd vd_blend(vdm m, vd a, vd b) { return _mm512_mask_blend_pd(m, b, a); }
/* selection: counters of lanes where a mask holds, closed compares, lane compress */
typedef __m512i vdc;
static inline vdc vdc_zero(void) { return _mm512_setzero_si512(); }
static inline vdc vdc_add(vdc c, vdm m) { return _mm512_mask_sub_epi64(c, m, c, _mm512_set1_epi64(-1)); }
static inline size_t vdc_sum(vdc c) { return (size_t)_mm512_reduce_add_epi64(c); }
static inline vdm vd_le(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
static inline vdm vdm_andnot(vdm a, vdm b) { return (vdm)(~a & b); }
static inline vd vd_abs(vd a) { return _mm512_abs_pd(a); }
static inline vd vd_round_f32(vd a) { return _mm512_cvtps_pd(_mm512_cvtpd_ps(a)); }
/* register compress and a full store: dst needs SK_VD_N writable slots */
#define SK_VD_HAVE_COMPRESS 1
static inline size_t vd_compress(double *dst, vdm m, vd v) {
  _mm512_storeu_pd(dst, _mm512_maskz_compress_pd(m, v));
  return (size_t)__builtin_popcount(m);
}
static inline unsigned vdm_bits(vdm m) { return m; }
/* selection by bins (8-lane layers only): vd_lut8(t, g) = t[g] per lane for g in 0..7;
 * vdc_add_if(c, m, a) adds a where m holds, vdc_step(g, m, k) adds the constant k;
 * vdc_bin_bits(g) = 1 << 8g, and vdc_bin(c, g) adds it (a byte counter per bin); vd_eq (ordered) */
#define SK_VD_HAVE_LUT8 1
static inline vd vd_lut8(vd t, vdc g) { return _mm512_permutexvar_pd(g, t); }
static inline vdc vdc_add_if(vdc c, vdm m, vdc a) { return _mm512_mask_add_epi64(c, m, c, a); }
static inline vdc vdc_step(vdc g, vdm m, long long k) { return vdc_add_if(g, m, _mm512_set1_epi64(k)); }
static inline vdc vdc_bin_bits(vdc g) {
  return _mm512_sllv_epi64(_mm512_set1_epi64(1), _mm512_slli_epi64(g, 3));
}
static inline vdc vdc_bin(vdc c, vdc g) { return _mm512_add_epi64(c, vdc_bin_bits(g)); }
static inline vdm vd_eq(vd a, vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
static inline void vdc_lanes(uint64_t *out, vdc c) { _mm512_storeu_si512((void *)out, c); }
