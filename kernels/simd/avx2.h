/* AVX2 + FMA layer: 4 x f64. Tails use the generic zeroed-buffer load, not vmaskmov: qemu 7.2's
 * TCG (our Haswell test CPU) faults on masked-off lanes across a page end, so a maskload tail
 * could not be tested there; the buffer costs one store-forwarding stall per call. */
#include <immintrin.h>
typedef __m256d vd;
#define SK_VD_N 4
#define SK_U 8
#define SK_U3 4
static inline vd vd_zero(void) { return _mm256_setzero_pd(); }
static inline vd vd_set1(double x) { return _mm256_set1_pd(x); }
static inline vd vd_loadu(const double *p) { return _mm256_loadu_pd(p); }
static inline vd vd_load_f32(const float *p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
static inline vd vd_add(vd a, vd b) { return _mm256_add_pd(a, b); }
static inline vd vd_sub(vd a, vd b) { return _mm256_sub_pd(a, b); }
static inline vd vd_mul(vd a, vd b) { return _mm256_mul_pd(a, b); }
static inline vd vd_fmadd(vd a, vd b, vd c) { return _mm256_fmadd_pd(a, b, c); }
static inline double vd_hsum(vd a) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
static inline void vd_storeu(double *p, vd v) { _mm256_storeu_pd(p, v); }
static inline vd vd_sqrt(vd a) { return _mm256_sqrt_pd(a); }
static inline vd vd_div(vd a, vd b) { return _mm256_div_pd(a, b); }
static inline vd vd_min(vd a, vd b) { return _mm256_min_pd(a, b); }
static inline double vd_hmin(vd a) {
  __m128d m = _mm_min_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
  return _mm_cvtsd_f64(_mm_min_sd(m, _mm_unpackhi_pd(m, m)));
}

typedef __m256 vf;
#define SK_VF_N 8
static inline vf vf_zero(void) { return _mm256_setzero_ps(); }
static inline vf vf_set1(float x) { return _mm256_set1_ps(x); }
static inline vf vf_loadu(const float *p) { return _mm256_loadu_ps(p); }
static inline void vf_storeu(float *p, vf v) { _mm256_storeu_ps(p, v); }
static inline vf vf_add(vf a, vf b) { return _mm256_add_ps(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm256_sub_ps(a, b); }
static inline vf vf_mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf vf_fmadd(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf vf_sqrt(vf a) { return _mm256_sqrt_ps(a); }
static inline vf vf_min(vf a, vf b) { return _mm256_min_ps(a, b); }
static inline float vf_hmin(vf a) {
  __m128 m = _mm_min_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  m = _mm_min_ps(m, _mm_movehl_ps(m, m));
  return _mm_cvtss_f32(_mm_min_ss(m, _mm_shuffle_ps(m, m, 1)));
}
#define SK_MR 4
#define SK_NV 2
#define SK_SLEEF_EXPD Sleef_expd4_u10avx2
#define SK_SLEEF_EXPF Sleef_expf8_u10avx2
#define SK_SLEEF_ERFCD Sleef_erfcd4_u15avx2
#define SK_SLEEF_SINCOSPID Sleef_sincospid4_u05avx2
/* narrowing f64 -> f32 store (f32 results computed in f64 lanes) and non-temporal stores */
static inline void vd_storeu_f32(float *p, vd v) { _mm_storeu_ps(p, _mm256_cvtpd_ps(v)); }
static inline void vd_stream(double *p, vd v) { _mm256_stream_pd(p, v); } /* p 32-byte aligned */
static inline void vf_stream(float *p, vf v) { _mm256_stream_ps(p, v); }
static inline void sk_stream_fence(void) { _mm_sfence(); }
static inline int vd_any_lt(vd a, vd b) { return _mm256_movemask_pd(_mm256_cmp_pd(a, b, _CMP_LT_OQ)) != 0; }
static inline int vd_any_gt(vd a, vd b) { return _mm256_movemask_pd(_mm256_cmp_pd(a, b, _CMP_GT_OQ)) != 0; }
static inline int vf_any_lt(vf a, vf b) { return _mm256_movemask_ps(_mm256_cmp_ps(a, b, _CMP_LT_OQ)) != 0; }
static inline unsigned vf_lt_bits(vf a, vf b) { return (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a, b, _CMP_LT_OQ)); }
static inline int vf_any_gt(vf a, vf b) { return _mm256_movemask_ps(_mm256_cmp_ps(a, b, _CMP_GT_OQ)) != 0; }
typedef __m256d vdm;
static inline vdm vd_lt(vd a, vd b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
static inline vdm vd_gt(vd a, vd b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
static inline vdm vd_isnan(vd a) { return _mm256_cmp_pd(a, a, _CMP_UNORD_Q); }
static inline vdm vdm_or(vdm a, vdm b) { return _mm256_or_pd(a, b); }
static inline int vdm_any(vdm m) { return _mm256_movemask_pd(m) != 0; }
static inline vd vd_blend(vdm m, vd a, vd b) { return _mm256_blendv_pd(b, a, m); }
/* m ? a : b given b >= a where m is clear: b | m is NaN where m is set, and vmaxpd returns its
 * second operand on NaN; 2 uops where vblendvpd is 3 on Golden Cove (the fast selection pass
 * runs one per bracket per vector) */
#define SK_VD_HAVE_BLEND_UP 1
static inline vd vd_blend_up(vdm m, vd a, vd b) { return _mm256_max_pd(_mm256_or_pd(b, m), a); }
/* selection: counters of lanes where a mask holds (a true lane is -1), closed compares */
typedef __m256i vdc;
static inline vdc vdc_zero(void) { return _mm256_setzero_si256(); }
static inline vdc vdc_add(vdc c, vdm m) { return _mm256_sub_epi64(c, _mm256_castpd_si256(m)); }
static inline size_t vdc_sum(vdc c) {
  __m128i s = _mm_add_epi64(_mm256_castsi256_si128(c), _mm256_extracti128_si256(c, 1));
  return (size_t)(_mm_cvtsi128_si64(s) + _mm_extract_epi64(s, 1));
}
static inline vdm vd_le(vd a, vd b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
static inline vdm vdm_andnot(vdm a, vdm b) { return _mm256_andnot_pd(a, b); }
static inline unsigned vdm_bits(vdm m) { return (unsigned)_mm256_movemask_pd(m); }
static inline vd vd_abs(vd a) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a); }
static inline vd vd_round_f32(vd a) { return _mm256_cvtps_pd(_mm256_cvtpd_ps(a)); }
static inline void vdc_lanes(uint64_t *out, vdc c) { _mm256_storeu_si256((__m256i *)(void *)out, c); }
/* compress through a 16-entry lane permutation (no branch on the data): dst needs 4 slots */
#define SK_VD_HAVE_COMPRESS 1
static const int32_t sk_avx2_compress_idx[16][8] = {
    {0,0,0,0,0,0,0,0}, {0,1,0,0,0,0,0,0}, {2,3,0,0,0,0,0,0}, {0,1,2,3,0,0,0,0},
    {4,5,0,0,0,0,0,0}, {0,1,4,5,0,0,0,0}, {2,3,4,5,0,0,0,0}, {0,1,2,3,4,5,0,0},
    {6,7,0,0,0,0,0,0}, {0,1,6,7,0,0,0,0}, {2,3,6,7,0,0,0,0}, {0,1,2,3,6,7,0,0},
    {4,5,6,7,0,0,0,0}, {0,1,4,5,6,7,0,0}, {2,3,4,5,6,7,0,0}, {0,1,2,3,4,5,6,7}};
static inline size_t vd_compress_bits(double *dst, unsigned bits, vd v) {
  __m256i idx = _mm256_loadu_si256((const __m256i *)(const void *)sk_avx2_compress_idx[bits]);
  _mm256_storeu_ps((float *)(void *)dst, _mm256_permutevar8x32_ps(_mm256_castpd_ps(v), idx));
  return (size_t)__builtin_popcount(bits);
}
static inline size_t vd_compress(double *dst, vdm m, vd v) {
  return vd_compress_bits(dst, (unsigned)_mm256_movemask_pd(m), v);
}

/* selection on float keys (kernels/select.c): vf_keys(a, b) = a's and b's lanes rounded to
 * float (lanes 0-3, 4-7); vfm masks (vf_le, vf_eq: ordered; vf_isnan); vfc 8 x 32-bit lanes
 * (bin numbers, counters); vf_lut8(t, g) = t[g]; vfc_add(c, m) adds 1 where m holds; vfc_of(m)
 * = -1 where m holds, else 0; vfc_plus, vfc_neg; vfc_lanes stores the lanes;
 * vfc_bin2 adds 1 << 8g to lo for bins 0-3 and 1 << 8(g - 4) to hi for bins 4-7 (byte counters:
 * vpsllvd gives 0 for a shift count past 31, so each value lands in exactly one of the two) */
#define SK_VF_HAVE_KEYS 1
typedef __m256 vfm;
typedef __m256i vfc;
static inline vf vf_keys(vd a, vd b) {
  return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(a)), _mm256_cvtpd_ps(b), 1);
}
static inline vfm vf_le(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
static inline vfm vf_eq(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
static inline vfm vf_isnan(vf a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
static inline unsigned vfm_bits(vfm m) { return (unsigned)_mm256_movemask_ps(m); }
static inline vf vf_lut8(vf t, vfc g) { return _mm256_permutevar8x32_ps(t, g); }
static inline vfc vfc_zero(void) { return _mm256_setzero_si256(); }
static inline vfc vfc_add(vfc c, vfm m) { return _mm256_sub_epi32(c, _mm256_castps_si256(m)); }
static inline vfc vfc_of(vfm m) { return _mm256_castps_si256(m); } /* -1 where m holds */
static inline vfc vfc_plus(vfc a, vfc b) { return _mm256_add_epi32(a, b); }
static inline vfc vfc_neg(vfc a) { return _mm256_sub_epi32(_mm256_setzero_si256(), a); }
static inline void vfc_bin2(vfc *lo, vfc *hi, vfc g) {
  __m256i s = _mm256_slli_epi32(g, 3), one = _mm256_set1_epi32(1);
  *lo = _mm256_add_epi32(*lo, _mm256_sllv_epi32(one, s));
  *hi = _mm256_add_epi32(*hi, _mm256_sllv_epi32(one, _mm256_sub_epi32(s, _mm256_set1_epi32(32))));
}
static inline void vfc_lanes(uint32_t *out, vfc c) { _mm256_storeu_si256((__m256i *)(void *)out, c); }
