/* The per-ISA kernel table: the only interface between dispatch/ (baseline flags) and kernels/
 * (compiled once per ISA). Kernels get validated arguments; they never allocate or fail. */
#ifndef SK_KERNELS_H
#define SK_KERNELS_H
#include <stddef.h>

#include "simdkern.h"

/* What a distance tile computes; the first five equal the sk_metric values. */
enum { SK_KIND_SQE = 0, SK_KIND_EUC = 1, SK_KIND_DOT = 2, SK_KIND_COS_SIM = 3, SK_KIND_COS_DIST = 4,
       SK_KIND_RBF = 5 };

#define SK_MATRIX_KERNELS(T, S)                                                                  \
  /* y rows -> ceil(ny / nr_S) panels of d x nr_S, column-major, zero-padded */                  \
  void (*pack_##S)(const T *y, size_t ldy, size_t ny, size_t d, T *yp);                          \
  /* out = kind(x rows, packed y rows): SQE, EUC, DOT or RBF (exp(-gamma * sqe)) */               \
  void (*dist_##S)(int kind, const T *x, size_t ldx, size_t nx, const T *yp, size_t ny, size_t d, \
                   double gamma, T *out, size_t ldo);                                             \
  /* per x row, merge the best y row of this call (index offset j0) into idx/best */             \
  void (*argbest_##S)(int kind, const T *x, size_t ldx, size_t nx, const T *yp, size_t ny,       \
                      size_t d, const double *xn, const double *yn, size_t j0, size_t *idx,       \
                      T *best);                                                                   \
  /* sums[i * k + label[j]] += euclidean(x_i, y_j) */                                            \
  void (*cluster_sums_##S)(const T *x, size_t ldx, size_t nx, const T *yp, size_t ny, size_t d,  \
                           const size_t *label, size_t k, double *sums);                         \
  /* first j >= i with x[j] strictly better than thr (NaN never), else n */                     \
  size_t (*topk_next_##S)(const T *x, size_t i, size_t n, T thr, int largest);                   \
  size_t nr_##S; /* rows per packed panel */

/* GEMM (kernels/gemm_tile.h): block sizes and the four kernels the blocked algorithm in
 * dispatch/api_gemm_impl.h drives. mr x nr register tile; kc x mr packed A micro-panel (L1);
 * kc x nc packed B block (L2); mc x kc packed A block (L3). mc and nc are multiples of mr, nr. */
typedef struct { size_t mr, nr, mc, kc, nc; } sk_gemm_blk;
#define SK_GEMM_KERNELS(T, S)                                                                    \
  /* op(A) mc x kc -> mr-row panels (kc x mr each, zero-padded) */                             \
  void (*gemm_pack_a_##S)(int ta, const T *a, size_t lda, size_t mc, size_t kc, T *ap);         \
  /* alpha * op(B) kc x nc -> nr-column panels (kc x nr each, zero-padded) */                   \
  void (*gemm_pack_b_##S)(int tb, const T *b, size_t ldb, size_t kc, size_t nc, T alpha, T *bp); \
  /* C mc x nc = packed A x packed B + beta * C (beta == 0: C not read) */                     \
  void (*gemm_macro_##S)(size_t mc, size_t nc, size_t kc, const T *ap, const T *bp, T beta,     \
                         T *c, size_t ldc);                                                     \
  /* C m x n = op(A) (read in place) x packed B (k x n) + beta * C */                          \
  void (*gemm_direct_##S)(int ta, const T *a, size_t lda, size_t m, size_t n, size_t k,         \
                          const T *bp, T beta, T *c, size_t ldc);                               \
  sk_gemm_blk gemm_blk_##S;

typedef struct sk_kernels {
  double (*dot_f32)(const float *a, const float *b, size_t n);
  double (*dot_f64)(const double *a, const double *b, size_t n);
  double (*sqeuclidean_f32)(const float *a, const float *b, size_t n);
  double (*sqeuclidean_f64)(const double *a, const double *b, size_t n);
  /* s[0] = a.b, s[1] = a.a, s[2] = b.b */
  void (*cos_sums_f32)(const float *a, const float *b, size_t n, double s[3]);
  void (*cos_sums_f64)(const double *a, const double *b, size_t n, double s[3]);
  /* 1-D statistics (stats.c): first index of the min/max (SK_NO_INDEX if none), and
   * out = {count, mean, M2} of the non-NaN elements with *saw_nan set if any was NaN */
  size_t (*argbest1d_f32)(const float *x, size_t n, size_t stride, int largest, int propagate);
  size_t (*argbest1d_f64)(const double *x, size_t n, size_t stride, int largest, int propagate);
  void (*moments_f32)(const float *x, size_t n, size_t stride, double out[3], int *saw_nan);
  void (*moments_f64)(const double *x, size_t n, size_t stride, double out[3], int *saw_nan);
  /* per column of a row-major matrix: N, mean, M2 of the non-NaN values, nan[j] if any NaN;
   * w: scratch of 4 * cols doubles */
  void (*col_moments_f32)(const float *x, size_t rows, size_t cols, size_t ldx, double *w,
                          double *N, double *M, double *M2, unsigned char *nan);
  void (*col_moments_f64)(const double *x, size_t rows, size_t cols, size_t ldx, double *w,
                          double *N, double *M, double *M2, unsigned char *nan);
  SK_MATRIX_KERNELS(float, f32)
  SK_MATRIX_KERNELS(double, f64)
  SK_GEMM_KERNELS(float, f32)
  SK_GEMM_KERNELS(double, f64)
  size_t mr; /* x rows per register tile */
} sk_kernels;

/* One table per compiled ISA, defined by kernels/table.c built with that ISA's flags. */
extern const sk_kernels sk_k_table_scalar, sk_k_table_sse42, sk_k_table_avx2, sk_k_table_avx512,
    sk_k_table_neon;

#endif
