/* Selects the vector layer for the ISA this translation unit is compiled for (-DSK_TARGET_<ISA>)
 * and adds what every layer shares. Everything here is static inline: an object built with AVX-512
 * flags must never hand the linker an out-of-line copy that a baseline caller could pick up.
 *
 * Layer contract (f64 lanes; f32 data is widened on load, so f32 kernels accumulate in f64):
 *   vd, SK_VD_N (lanes), SK_U (independent accumulators a reduction should keep), SK_U3 (the same
 *   when three sums run at once: bounded by the register file)
 *   vd_zero vd_set1 vd_loadu vd_load_f32 vd_add vd_sub vd_mul vd_fmadd(a,b,c)=a*b+c vd_hsum
 *   vd_loadu_n / vd_load_f32_n: load n < SK_VD_N elements, zero the rest, never read past them.
 *   vd_storeu vd_storeu_n vd_sqrt vd_div (IEEE division, correctly rounded),
 *   vd_min (NaN-free operands only: the ISAs disagree on NaN), vd_hmin (its least lane, NaN-free)
 * f32 lanes for matrix kernels (they accumulate in the input type): vf, SK_VF_N, vf_zero vf_set1
 *   vf_loadu vf_loadu_n vf_storeu vf_storeu_n vf_add vf_sub vf_mul vf_fmadd vf_sqrt
 *   vf_min, vf_hmin (NaN-free operands only, like vd_min)
 * vd_any_lt/gt, vf_any_lt/gt: does any lane of a compare (ordered) below/above b;
 *   vd_lt_bits / vf_lt_bits: which lanes are (ordered) below b, lane i -> bit i
 * vdm (lane mask): vd_lt vd_gt vd_isnan vdm_or vdm_any vd_blend(m, a, b) = m ? a : b
 * vd_exp / vf_exp: SLEEF's u10 exp for this ISA (SK_SLEEF_EXPD/F name it in each layer)
 * selection: vd_le, vdm_andnot(a, b) = !a & b, vdc (per-lane counters: vdc_zero, vdc_add(c, m)
 *   adds 1 where m holds, vdc_sum), vd_abs, vd_round_f32 (to float precision and back),
 *   vd_compress(dst, m, v): store the m lanes of v packed at dst (may write SK_VD_N slots), count;
 *   vdm_bits (lane i -> bit i), vdc_lanes (the counters to memory), vd_blend_up(m, a, b) =
 *   vd_blend(m, a, b) for callers whose b >= a wherever m is clear (a layer may use a max)
 * optional, 8-lane layers (SK_VD_HAVE_LUT8): vd_lut8(t, g) = t[g] per lane, vdc_step(g, m, k)
 *   adds k where m holds, vdc_bin_bits(g) = 1 << 8g, vdc_bin(c, g) = c + that, vdc_add_if(c, m, a),
 *   vd_eq: selection by bins (kernels/select.c)
 * vd_erfc (SLEEF u15) and vd_sincospi (sin and cos of pi*a, SLEEF u05): SK_SLEEF_ERFCD and
 *   SK_SLEEF_SINCOSPID in each layer
 * vd_storeu_f32(_n): round f64 lanes to f32 and store; vd_stream / vf_stream: non-temporal store
 *   to a vector-aligned address (plain store where the ISA has none), sk_stream_fence after them
 * SK_MR x SK_NV: the register tile of the matrix kernels (rows x vectors of accumulators). */
#ifndef SK_SIMD_H
#define SK_SIMD_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SK_CAT_(a, b) a##b
#define SK_CAT(a, b) SK_CAT_(a, b)

#if defined(SK_TARGET_AVX512)
#include "avx512.h"
#define SK_ISA_SUFFIX avx512
#elif defined(SK_TARGET_AVX2)
#include "avx2.h"
#define SK_ISA_SUFFIX avx2
#elif defined(SK_TARGET_SSE42)
#include "sse42.h"
#define SK_ISA_SUFFIX sse42
#elif defined(SK_TARGET_NEON)
#include "neon.h"
#define SK_ISA_SUFFIX neon
#elif defined(SK_TARGET_SCALAR)
#include "scalar.h"
#define SK_ISA_SUFFIX scalar
#else
#error "compile kernels with -DSK_TARGET_<ISA>"
#endif

/* SK_FN(dot_f32) -> sk_k_dot_f32_avx2: one source, one symbol per ISA. */
#define SK_FN(name) SK_CAT(SK_CAT(sk_k_, name), SK_CAT(_, SK_ISA_SUFFIX))

#ifndef SK_VD_HAVE_PARTIAL
/* Tail loads and stores through a stack buffer: correct everywhere, used where no masked access
 * exists. */
static inline void vd_storeu_n(double *p, vd v, size_t n) {
  double buf[SK_VD_N];
  vd_storeu(buf, v);
  memcpy(p, buf, n * sizeof *p);
}
static inline vd vd_loadu_n(const double *p, size_t n) {
  double buf[SK_VD_N] = {0};
  memcpy(buf, p, n * sizeof *p);
  return vd_loadu(buf);
}
static inline vd vd_load_f32_n(const float *p, size_t n) {
  float buf[SK_VD_N] = {0};
  memcpy(buf, p, n * sizeof *p);
  return vd_load_f32(buf);
}
#endif

#ifndef SK_VF_HAVE_PARTIAL
static inline vf vf_loadu_n(const float *p, size_t n) {
  float buf[SK_VF_N] = {0};
  memcpy(buf, p, n * sizeof *p);
  return vf_loadu(buf);
}
static inline void vf_storeu_n(float *p, vf v, size_t n) {
  float buf[SK_VF_N];
  vf_storeu(buf, v);
  memcpy(p, buf, n * sizeof *p);
}
#endif

#ifndef SK_VD_HAVE_STORE_F32_N
static inline void vd_storeu_f32_n(float *p, vd v, size_t n) {
  double buf[SK_VD_N];
  vd_storeu(buf, v);
  for (size_t i = 0; i < n; i++) p[i] = (float)buf[i];
}
#endif

/* exp through SLEEF's entry point for this ISA (never SLEEF's own dispatcher, which does not
 * check XCR0); lane by lane through libm when the build has no SLEEF. */
#ifdef SK_HAVE_SLEEF
#include <sleef.h>
static inline vd vd_exp(vd v) { return SK_SLEEF_EXPD(v); }
static inline vf vf_exp(vf v) { return SK_SLEEF_EXPF(v); }
static inline vd vd_erfc(vd v) { return SK_SLEEF_ERFCD(v); }
static inline void vd_sincospi(vd a, vd *s, vd *c) {
  __typeof__(SK_SLEEF_SINCOSPID(a)) r = SK_SLEEF_SINCOSPID(a);
  *s = r.x;
  *c = r.y;
}
#else
#include <math.h>
static inline vd vd_exp(vd v) {
  double b[SK_VD_N];
  vd_storeu(b, v);
  for (int i = 0; i < SK_VD_N; i++) b[i] = exp(b[i]);
  return vd_loadu(b);
}
static inline vf vf_exp(vf v) {
  float b[SK_VF_N];
  vf_storeu(b, v);
  for (int i = 0; i < SK_VF_N; i++) b[i] = expf(b[i]);
  return vf_loadu(b);
}
static inline vd vd_erfc(vd v) {
  double b[SK_VD_N];
  vd_storeu(b, v);
  for (int i = 0; i < SK_VD_N; i++) b[i] = erfc(b[i]);
  return vd_loadu(b);
}
static inline void vd_sincospi(vd a, vd *s, vd *c) { /* less accurate than SLEEF's: pi rounded */
  double b[SK_VD_N], bs[SK_VD_N], bc[SK_VD_N];
  vd_storeu(b, a);
  for (int i = 0; i < SK_VD_N; i++) bs[i] = sin(M_PI * b[i]), bc[i] = cos(M_PI * b[i]);
  *s = vd_loadu(bs);
  *c = vd_loadu(bc);
}
#endif

#ifndef SK_VD_HAVE_COMPRESS
/* Append the lanes where m holds; rare in selection, so a branch beats a permutation table. */
static inline size_t vd_compress(double *dst, vdm m, vd v) {
  unsigned bits = vdm_bits(m);
  if (!bits) return 0;
  double t[SK_VD_N];
  size_t k = 0;
  vd_storeu(t, v);
  for (int i = 0; i < SK_VD_N; i++)
    if (bits >> i & 1) dst[k++] = t[i];
  return k;
}
#endif

static inline unsigned vd_lt_bits(vd a, vd b) { return vdm_bits(vd_lt(a, b)); }

#ifndef SK_VD_HAVE_BLEND_UP
static inline vd vd_blend_up(vdm m, vd a, vd b) { return vd_blend(m, a, b); }
#endif

/* Streaming passes over data larger than the caches prefetch this many bytes ahead: the hardware
 * prefetcher alone left a selection pass at ~60% of DRAM bandwidth (measured: 4 KB+ ahead gave
 * 1.5-2.5x on a 80 MB pass; prefetches never fault, so running past the end is harmless). */
#define SK_PF_BYTES 6144
#define SK_PREFETCH(p) __builtin_prefetch((const char *)(p) + SK_PF_BYTES, 0, 3)
/* Row-major passes over short rows (<= 4 KiB) prefetch whole rows about SK_PF_BYTES ahead, one
 * prefetch per line at the row's start: one per vector cost 1.13-1.20x on AVX2 (Zen 3, 1e6 x 50
 * f64). sk_row_ahead gives the distance in elements and sets *bytes (0: a long row, leave it to
 * the hardware streamer); SK_PREFETCH_ROW(row, ahead, bytes) issues them. */
static inline size_t sk_row_ahead(size_t cols, size_t ldx, size_t size, size_t *bytes) {
  *bytes = cols * size <= 4096 ? cols * size : 0;
  return ldx ? (SK_PF_BYTES + ldx * size - 1) / (ldx * size) * ldx : 0;
}
#define SK_PREFETCH_ROW(row, ahead, bytes)                                                    \
  for (size_t b_ = 0; b_ < (bytes); b_ += 64) __builtin_prefetch((const char *)((row) + (ahead)) + b_, 0, 3)

/* One lane of vd_fmadd / vf_fmadd as a scalar, rounded the same way (fused where the layer fuses),
 * so a scalar loop can reproduce a vector kernel's bits. */
#if defined(SK_TARGET_AVX512) || defined(SK_TARGET_AVX2) || defined(SK_TARGET_NEON)
#define SK_FMADD(a, b, c) _Generic((a), float: __builtin_fmaf, double: __builtin_fma)(a, b, c)
#else
#define SK_FMADD(a, b, c) ((a) * (b) + (c)) /* -ffp-contract=off: not fused */
#endif

/* Loads that follow the pointer's element type, so a kernel body is written once for f32 and f64. */
#define SK_LD(p) _Generic((p), const float *: vd_load_f32, const double *: vd_loadu)(p)
#define SK_LDN(p, n) _Generic((p), const float *: vd_load_f32_n, const double *: vd_loadu_n)(p, n)
/* ... and stores (f64 lanes rounded once to f32 for float outputs) */
#define SK_ST(p, v) _Generic((p), float *: vd_storeu_f32, double *: vd_storeu)(p, v)
#define SK_STN(p, v, n) _Generic((p), float *: vd_storeu_f32_n, double *: vd_storeu_n)(p, v, n)

#endif
