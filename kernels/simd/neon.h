/* NEON (AArch64 Advanced SIMD) layer: 2 x f64 with fused multiply-add. */
#include <arm_neon.h>
typedef float64x2_t vd;
#define SK_VD_N 2
#define SK_U 4
#define SK_U3 4
static inline vd vd_zero(void) { return vdupq_n_f64(0.0); }
static inline vd vd_set1(double x) { return vdupq_n_f64(x); }
static inline vd vd_loadu(const double *p) { return vld1q_f64(p); }
static inline vd vd_load_f32(const float *p) { return vcvt_f64_f32(vld1_f32(p)); }
static inline vd vd_add(vd a, vd b) { return vaddq_f64(a, b); }
static inline vd vd_sub(vd a, vd b) { return vsubq_f64(a, b); }
static inline vd vd_mul(vd a, vd b) { return vmulq_f64(a, b); }
static inline vd vd_fmadd(vd a, vd b, vd c) { return vfmaq_f64(c, a, b); }
static inline double vd_hsum(vd a) { return vgetq_lane_f64(a, 0) + vgetq_lane_f64(a, 1); }
static inline void vd_storeu(double *p, vd v) { vst1q_f64(p, v); }
static inline vd vd_sqrt(vd a) { return vsqrtq_f64(a); }
static inline vd vd_div(vd a, vd b) { return vdivq_f64(a, b); }
static inline vd vd_min(vd a, vd b) { return vminq_f64(a, b); }
static inline double vd_hmin(vd a) { return vminvq_f64(a); }

typedef float32x4_t vf;
#define SK_VF_N 4
static inline vf vf_zero(void) { return vdupq_n_f32(0.0f); }
static inline vf vf_set1(float x) { return vdupq_n_f32(x); }
static inline vf vf_loadu(const float *p) { return vld1q_f32(p); }
static inline void vf_storeu(float *p, vf v) { vst1q_f32(p, v); }
static inline vf vf_add(vf a, vf b) { return vaddq_f32(a, b); }
static inline vf vf_sub(vf a, vf b) { return vsubq_f32(a, b); }
static inline vf vf_mul(vf a, vf b) { return vmulq_f32(a, b); }
static inline vf vf_fmadd(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }
static inline vf vf_sqrt(vf a) { return vsqrtq_f32(a); }
static inline vf vf_min(vf a, vf b) { return vminq_f32(a, b); }
static inline float vf_hmin(vf a) { return vminvq_f32(a); }
#define SK_MR 8
#define SK_NV 2
#define SK_SLEEF_EXPD Sleef_expd2_u10advsimd
#define SK_SLEEF_EXPF Sleef_expf4_u10advsimd
#define SK_SLEEF_ERFCD Sleef_erfcd2_u15advsimd
#define SK_SLEEF_SINCOSPID Sleef_sincospid2_u05advsimd
/* narrowing f64 -> f32 store (f32 results computed in f64 lanes); no non-temporal store
 * intrinsic here, so "streaming" stores are plain stores */
static inline void vd_storeu_f32(float *p, vd v) { vst1_f32(p, vcvt_f32_f64(v)); }
static inline void vd_stream(double *p, vd v) { vst1q_f64(p, v); }
static inline void vf_stream(float *p, vf v) { vst1q_f32(p, v); }
static inline void sk_stream_fence(void) {}
static inline int vd_any_lt(vd a, vd b) { return vmaxvq_u32(vreinterpretq_u32_u64(vcltq_f64(a, b))) != 0; }
static inline int vd_any_gt(vd a, vd b) { return vmaxvq_u32(vreinterpretq_u32_u64(vcgtq_f64(a, b))) != 0; }
static inline int vf_any_lt(vf a, vf b) { return vmaxvq_u32(vcltq_f32(a, b)) != 0; }
static inline unsigned vf_lt_bits(vf a, vf b) {
  static const uint32_t w[4] = {1, 2, 4, 8};
  return vaddvq_u32(vandq_u32(vcltq_f32(a, b), vld1q_u32(w)));
}
static inline int vf_any_gt(vf a, vf b) { return vmaxvq_u32(vcgtq_f32(a, b)) != 0; }
typedef uint64x2_t vdm;
static inline vdm vd_lt(vd a, vd b) { return vcltq_f64(a, b); }
static inline vdm vd_gt(vd a, vd b) { return vcgtq_f64(a, b); }
static inline vdm vd_isnan(vd a) {
  return vreinterpretq_u64_u32(vmvnq_u32(vreinterpretq_u32_u64(vceqq_f64(a, a))));
}
static inline vdm vdm_or(vdm a, vdm b) { return vorrq_u64(a, b); }
static inline int vdm_any(vdm m) { return vmaxvq_u32(vreinterpretq_u32_u64(m)) != 0; }
static inline vd vd_blend(vdm m, vd a, vd b) { return vbslq_f64(m, a, b); }
/* selection: counters of lanes where a mask holds (a true lane is all ones), closed compares */
typedef uint64x2_t vdc;
static inline vdc vdc_zero(void) { return vdupq_n_u64(0); }
static inline vdc vdc_add(vdc c, vdm m) { return vsubq_u64(c, m); }
static inline size_t vdc_sum(vdc c) { return (size_t)vaddvq_u64(c); }
static inline vdm vd_le(vd a, vd b) { return vcleq_f64(a, b); }
static inline vdm vdm_andnot(vdm a, vdm b) { return vbicq_u64(b, a); }
static inline unsigned vdm_bits(vdm m) {
  return (unsigned)(vgetq_lane_u64(m, 0) & 1) | (unsigned)(vgetq_lane_u64(m, 1) & 2);
}
static inline vd vd_abs(vd a) { return vabsq_f64(a); }
static inline vd vd_round_f32(vd a) { return vcvt_f64_f32(vcvt_f32_f64(a)); }
static inline void vdc_lanes(uint64_t *out, vdc c) { vst1q_u64(out, c); }
