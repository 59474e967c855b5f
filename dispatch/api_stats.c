/* Public 1-D statistics entry points: validate, call the active table, apply the NaN policy. */
#include <math.h>

#include "internal.h"

/* x of n elements at stride: NULL only when empty, stride >= 1, byte extent fits size_t. */
static sk_status check_vec(const void *x, size_t n, size_t stride, size_t esz, sk_nan_policy nan) {
  size_t bytes;
  if (stride == 0 || (n && !x) || (nan != SK_NAN_PROPAGATE && nan != SK_NAN_OMIT)) return SK_EINVAL;
  if (!sk_mul_ok(n, stride, esz, &bytes)) return SK_EOVERFLOW;
  return SK_OK;
}

#define DEFINE_STATS(T, S)                                                                     \
  static sk_status argbest_##S(const T *x, size_t n, size_t stride, sk_nan_policy nan,         \
                               size_t *index, int largest) {                                   \
    sk_status st = check_vec(x, n, stride, sizeof(T), nan);                                    \
    if (st != SK_OK || !index) return st != SK_OK ? st : SK_EINVAL;                            \
    *index = n ? SK_K->argbest1d_##S(x, n, stride, largest, nan == SK_NAN_PROPAGATE) : SK_NO_INDEX; \
    return SK_OK;                                                                              \
  }                                                                                            \
  sk_status sk_argmin_##S(const T *x, size_t n, size_t stride, sk_nan_policy nan, size_t *index) { \
    return argbest_##S(x, n, stride, nan, index, 0);                                           \
  }                                                                                            \
  sk_status sk_argmax_##S(const T *x, size_t n, size_t stride, sk_nan_policy nan, size_t *index) { \
    return argbest_##S(x, n, stride, nan, index, 1);                                           \
  }                                                                                            \
  sk_status sk_mean_var_##S(const T *x, size_t n, size_t stride, size_t ddof, sk_nan_policy nan, \
                            double *mean, double *var) {                                       \
    sk_status st = check_vec(x, n, stride, sizeof(T), nan);                                    \
    if (st != SK_OK) return st;                                                                \
    double m[3] = {0, NAN, 0};                                                                 \
    int saw_nan = 0;                                                                           \
    if (n) SK_K->moments_##S(x, n, stride, m, &saw_nan);                                       \
    int bad = nan == SK_NAN_PROPAGATE && saw_nan;                                              \
    if (mean) *mean = bad || m[0] == 0 ? NAN : m[1];                                           \
    if (var) *var = bad || m[0] <= (double)ddof ? NAN : m[2] / (m[0] - (double)ddof);          \
    return SK_OK;                                                                              \
  }

DEFINE_STATS(float, f32)
DEFINE_STATS(double, f64)
