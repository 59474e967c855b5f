/* Vector-pair reductions (dot, squared euclidean, the three cosine sums), written once against
 * the vector layer and compiled once per ISA. SK_U independent accumulators hide the FMA latency;
 * the reduction order depends only on n and the ISA, so results are deterministic. */
#include "kernels.h"
#include "simd/simd.h"

/* Runs STEP(u, va, vb) over SK_U-vector blocks, then single vectors, then a zero-padded tail
 * (which goes to accumulator 1 % U: zero lanes add nothing). Accumulators are named by the caller. */
#define SK_PAIR_LOOP(U, a, b, n, STEP)                                                    \
  do {                                                                                 \
    size_t i_ = 0;                                                                     \
    for (; i_ + (U) * SK_VD_N <= (n); i_ += (U) * SK_VD_N) {                         \
      _Pragma("GCC unroll 8") for (int u = 0; u < (U); u++) {                          \
        vd va = SK_LD((a) + i_ + (size_t)u * SK_VD_N);                                 \
        vd vb = SK_LD((b) + i_ + (size_t)u * SK_VD_N);                                 \
        STEP(u, va, vb);                                                               \
      }                                                                                \
    }                                                                                  \
    for (; i_ + SK_VD_N <= (n); i_ += SK_VD_N) {                                       \
      vd va = SK_LD((a) + i_), vb = SK_LD((b) + i_);                                   \
      STEP(0, va, vb);                                                                 \
    }                                                                                  \
    if (i_ < (n)) {                                                                    \
      vd va = SK_LDN((a) + i_, (n)-i_), vb = SK_LDN((b) + i_, (n)-i_);                 \
      STEP(1 % (U), va, vb);                                                            \
    }                                                                                  \
  } while (0)

static inline double reduce(vd *acc, int nacc) { /* pairwise, fixed order */
  _Pragma("GCC unroll 8") for (int w = nacc / 2; w >= 1; w /= 2)
    _Pragma("GCC unroll 8") for (int u = 0; u < w; u++) acc[u] = vd_add(acc[u], acc[u + w]);
  return vd_hsum(acc[0]);
}

#define ZERO_ACC(acc, U) \
  vd acc[U];             \
  _Pragma("GCC unroll 8") for (int u = 0; u < (U); u++) acc[u] = vd_zero()

#define DOT_STEP(u, va, vb) (acc[u] = vd_fmadd(va, vb, acc[u]))
#define SQE_STEP(u, va, vb) \
  do { vd d_ = vd_sub(va, vb); acc[u] = vd_fmadd(d_, d_, acc[u]); } while (0)
#define COS_STEP(u, va, vb)               \
  do {                                    \
    ab[u] = vd_fmadd(va, vb, ab[u]);      \
    aa[u] = vd_fmadd(va, va, aa[u]);      \
    bb[u] = vd_fmadd(vb, vb, bb[u]);      \
  } while (0)

#define DEFINE_PAIRS(T, S)                                                           \
  double SK_FN(dot_##S)(const T *a, const T *b, size_t n) {                          \
    ZERO_ACC(acc, SK_U);                                                                       \
    SK_PAIR_LOOP(SK_U, a, b, n, DOT_STEP);                                                 \
    return reduce(acc, SK_U);                                                              \
  }                                                                                  \
  double SK_FN(sqeuclidean_##S)(const T *a, const T *b, size_t n) {                  \
    ZERO_ACC(acc, SK_U);                                                                       \
    SK_PAIR_LOOP(SK_U, a, b, n, SQE_STEP);                                                 \
    return reduce(acc, SK_U);                                                              \
  }                                                                                  \
  void SK_FN(cos_sums_##S)(const T *a, const T *b, size_t n, double s[3]) {          \
    ZERO_ACC(ab, SK_U3);                                                                        \
    ZERO_ACC(aa, SK_U3);                                                                        \
    ZERO_ACC(bb, SK_U3);                                                                        \
    SK_PAIR_LOOP(SK_U3, a, b, n, COS_STEP);                                                 \
    s[0] = reduce(ab, SK_U3);                                                               \
    s[1] = reduce(aa, SK_U3);                                                               \
    s[2] = reduce(bb, SK_U3);                                                               \
  }

DEFINE_PAIRS(float, f32)
DEFINE_PAIRS(double, f64)

const sk_kernels SK_FN(table) = {
    .dot_f32 = SK_FN(dot_f32),
    .dot_f64 = SK_FN(dot_f64),
    .sqeuclidean_f32 = SK_FN(sqeuclidean_f32),
    .sqeuclidean_f64 = SK_FN(sqeuclidean_f64),
    .cos_sums_f32 = SK_FN(cos_sums_f32),
    .cos_sums_f64 = SK_FN(cos_sums_f64),
};
