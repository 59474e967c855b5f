/* Public vector-pair entry points: validate, call the active table, finish in f64.
 * Rare ranges (f64 sums that overflow or underflow, zero/NaN/Inf vectors) take a scaled scalar
 * path here, so the SIMD kernels stay plain FMA loops. */
#include <float.h>
#include <math.h>

#include "internal.h"

#define CHECK(a, b, n, out) \
  if (!(out) || ((!(a) || !(b)) && (n))) return SK_EINVAL

static double clamp1(double c) { return c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c; }

/* Sums inside this range can be combined without overflow or loss to underflow. sqrt(x*x) == |x|
 * in IEEE arithmetic, so cos(a, a) = s0 / sqrt(s1 * s2) is exactly 1. */
static int cos_safe(const double s[3]) {
  return s[1] >= 0x1p-500 && s[1] <= 0x1p500 && s[2] >= 0x1p-500 && s[2] <= 0x1p500 &&
         isfinite(s[0]);
}

/* Scale by powers of two (exact) from each vector's max |x|, then sum in f64. */
#define DEFINE_SLOW(T, S)                                                                   \
  static double maxabs_##S(const T *x, size_t n) { /* NaN or Inf -> +Inf */                 \
    double m = 0.0;                                                                         \
    for (size_t i = 0; i < n; i++) {                                                        \
      double v = fabs((double)x[i]);                                                        \
      if (!(v <= DBL_MAX)) return INFINITY;                                                 \
      if (v > m) m = v;                                                                     \
    }                                                                                       \
    return m;                                                                               \
  }                                                                                         \
  static double cos_slow_##S(const T *a, const T *b, size_t n) {                            \
    double ma = maxabs_##S(a, n), mb = maxabs_##S(b, n);                                    \
    if (ma == 0.0 || mb == 0.0 || isinf(ma) || isinf(mb)) return NAN;                       \
    int ea, eb;                                                                             \
    frexp(ma, &ea);                                                                         \
    frexp(mb, &eb);                                                                         \
    double s0 = 0, s1 = 0, s2 = 0;                                                          \
    for (size_t i = 0; i < n; i++) {                                                        \
      double x = ldexp((double)a[i], -ea), y = ldexp((double)b[i], -eb);                    \
      s0 += x * y;                                                                          \
      s1 += x * x;                                                                          \
      s2 += y * y;                                                                          \
    }                                                                                       \
    return clamp1(s0 / sqrt(s1 * s2));                                                      \
  }                                                                                         \
  double sk_cos_finish_##S(const T *a, const T *b, size_t n, const double s[3]) {            \
    return cos_safe(s) ? clamp1(s[0] / sqrt(s[1] * s[2])) : cos_slow_##S(a, b, n);          \
  }                                                                                         \
  sk_status sk_cosine_similarity_##S(const T *a, const T *b, size_t n, double *out) {       \
    CHECK(a, b, n, out);                                                                    \
    double s[3] = {0, 0, 0};                                                                \
    if (n) SK_K->cos_sums_##S(a, b, n, s);                                                  \
    *out = sk_cos_finish_##S(a, b, n, s);                                                   \
    return SK_OK;                                                                           \
  }                                                                                         \
  sk_status sk_dot_##S(const T *a, const T *b, size_t n, double *out) {                     \
    CHECK(a, b, n, out);                                                                    \
    *out = n ? SK_K->dot_##S(a, b, n) : 0.0;                                                \
    return SK_OK;                                                                           \
  }                                                                                         \
  sk_status sk_sqeuclidean_##S(const T *a, const T *b, size_t n, double *out) {             \
    CHECK(a, b, n, out);                                                                    \
    *out = n ? SK_K->sqeuclidean_##S(a, b, n) : 0.0;                                        \
    return SK_OK;                                                                           \
  }

DEFINE_SLOW(float, f32)
DEFINE_SLOW(double, f64)

/* f32 differences squared (< 2^258 each, >= 2^-298 unless 0) never leave f64's range: no rescue. */
sk_status sk_euclidean_f32(const float *a, const float *b, size_t n, double *out) {
  sk_status st = sk_sqeuclidean_f32(a, b, n, out);
  if (st == SK_OK) *out = sqrt(*out);
  return st;
}

/* f64: when the sum of squares overflowed, or is so small that squares underflowed, recompute
 * with differences scaled by a power of two from max |a - b|. */
sk_status sk_euclidean_f64(const double *a, const double *b, size_t n, double *out) {
  CHECK(a, b, n, out);
  double s = n ? SK_K->sqeuclidean_f64(a, b, n) : 0.0;
  if (isnan(s) || (s >= 0x1p-960 && s <= DBL_MAX)) {
    *out = sqrt(s);
    return SK_OK;
  }
  double m = 0.0; /* no difference is NaN here: s would have been NaN */
  for (size_t i = 0; i < n; i++) {
    double d = fabs(a[i] - b[i]);
    if (d > m) m = d;
  }
  if (m == 0.0 || isinf(m)) { /* equal vectors, or the difference itself overflows */
    *out = m;
    return SK_OK;
  }
  int e;
  frexp(m, &e);
  double t = 0.0;
  for (size_t i = 0; i < n; i++) {
    double d = ldexp(a[i] - b[i], -e);
    t += d * d;
  }
  *out = ldexp(sqrt(t), e);
  return SK_OK;
}
