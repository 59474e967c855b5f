/* Prototypes of one ISA's kernels (SK_FN adds the ISA suffix); table.c collects them. */
#ifndef SK_PROTOS_H
#define SK_PROTOS_H
#include "kernels.h"

#define SK_PAIR_PROTOS(T, S)                                                    \
  double SK_FN(dot_##S)(const T *a, const T *b, size_t n);                      \
  double SK_FN(sqeuclidean_##S)(const T *a, const T *b, size_t n);              \
  void SK_FN(cos_sums_##S)(const T *a, const T *b, size_t n, double s[3]);                  \
  void SK_FN(cos_many_##S)(const double *a, const T *y, size_t ldy, size_t ny, size_t n,      \
                           double *ab, double *bb);                                         \
  size_t SK_FN(argbest1d_##S)(const T *x, size_t n, size_t stride, int largest, int propagate); \
  void SK_FN(col_argbest_##S)(const T *x, size_t rows, size_t cols, size_t ldx, int largest,     \
                              int propagate, double *w);                                          \
  void SK_FN(moments_##S)(const T *x, size_t n, size_t stride, double out[3], int *saw_nan);  \
  void SK_FN(col_moments_##S)(const T *x, size_t rows, size_t cols, size_t ldx, size_t R, double *w, \
                              double *N, double *M, double *M2, unsigned char *nan);    \
  void SK_FN(sel_pass_##S)(const T *x, size_t n, size_t stride, int mode, double center,      \
                           sk_bracket *b, size_t nb, size_t *nan);                              \
  void SK_FN(sel_fast_##S)(const T *x, size_t n, size_t stride, int mode, double center,      \
                           sk_bracket *b, size_t nb, sk_bracket *shared, size_t *nan);         \
  void SK_FN(col_sel_pass_##S)(const T *x, size_t rows, size_t cols, size_t ldx, int mode,      \
                               const double *center, sk_bracket *b, size_t *nan);
void SK_FN(sel_split)(const double *a, size_t n, double p, double *lt, double *gt, size_t cnt[2]);
void SK_FN(sel_deal)(const double *x, size_t n, sk_bracket *b, size_t nb);
#define SK_MATRIX_PROTOS(T, S)                                                                    \
  void SK_FN(pack_##S)(const T *y, size_t ldy, size_t ny, size_t d, T *yp);                       \
  void SK_FN(dist_##S)(int kind, const T *x, size_t ldx, size_t nx, const T *yp, size_t ny,       \
                       size_t d, double gamma, T *out, size_t ldo);                               \
  void SK_FN(argbest_##S)(int kind, const T *x, size_t ldx, size_t nx, const T *yp, size_t ny,    \
                          size_t d, const double *xn, const double *yn, size_t j0, size_t *idx,   \
                          T *best);                                                               \
  void SK_FN(argmin_filt_##S)(const T *x, size_t ldx, size_t nx, const T *yp, size_t ny,        \
                              size_t d, const double *xn, const T *ylo, const T *yhi, double c,  \
                              size_t *idx, T *best, unsigned char *amb, double *work,          \
                              const void *next, size_t next_bytes);                            \
  void SK_FN(row_sqnorms_##S)(const T *x, size_t ldx, size_t m, size_t d, double *out,          \
                              float *cvt);                                                     \
  void SK_FN(argmin_sums_##S)(const T *x, size_t ldx, size_t nx, const T *yp, size_t d,         \
                              const size_t *idx, const unsigned char *amb, T *best);           \
  void SK_FN(sil_tri_##S)(const T *x, size_t ldx, size_t r0, size_t r1, const T *yp, size_t n,   \
                          size_t d, const size_t *lab, size_t k, double *rs, double *cs,          \
                          size_t ldc, size_t c0);                                                 \
  size_t SK_FN(topk_next_##S)(const T *x, size_t i, size_t n, T thr, int largest);              \
  void SK_FN(cos_rows_##S)(int dist, T *out, size_t ldo, size_t m, size_t ny, const double *rx,  \
                           const double *ry);
#define SK_SERIES_PROTOS(T, S)                                                                   \
  void SK_FN(ar1_##S)(const T *x, size_t n, size_t stride, double *phi, double *mu);              \
  void SK_FN(col_ar1_##S)(const T *x, size_t rows, size_t cols, size_t ldx, size_t R, double *w, \
                          double *phi, double *mu);                                              \
  void SK_FN(col_fill_##S)(const T *x, size_t rows, size_t cols, size_t ldx, const double *fill, \
                           T *out, size_t ldo, T *buf, size_t rb, int stream);                   \
  void SK_FN(col_zscore_##S)(const T *x, size_t rows, size_t cols, size_t ldx,                  \
                             const double *center, const double *den, T *out, size_t ldo,       \
                             T *buf, size_t rb, int stream);                                    \
  void SK_FN(lag_matrix_##S)(const T *x, size_t rows, size_t cols, size_t ldx, size_t max_lag,   \
                             T *out, size_t ldo, T *buf, int stream, size_t skip);               \
  void SK_FN(norm_pvalue_##S)(const T *z, size_t n, T *out);
SK_SERIES_PROTOS(float, f32)
SK_SERIES_PROTOS(double, f64)
void SK_FN(dft_twiddles)(size_t n, double *cs);
double SK_FN(dft_bin)(const double *x, size_t n, const double *cs, size_t k);
#define SK_GEMM_PROTOS(T, S)                                                                      \
  void SK_FN(gemm_pack_a_##S)(int ta, const T *a, size_t lda, size_t mc, size_t kc, T *ap);         \
  void SK_FN(gemm_pack_b_##S)(int tb, const T *b, size_t ldb, size_t kc, size_t nc, T alpha,        \
                              T *bp);                                                               \
  void SK_FN(gemm_macro_##S)(size_t mc, size_t nc, size_t kc, const T *ap, const T *bp, T beta,     \
                             T *c, size_t ldc);                                                     \
  void SK_FN(gemm_direct_##S)(int ta, const T *a, size_t lda, size_t m, size_t n, size_t k,         \
                              const T *bp, T beta, T *c, size_t ldc);
SK_GEMM_PROTOS(float, f32)
SK_GEMM_PROTOS(double, f64)
SK_PAIR_PROTOS(float, f32)
SK_PAIR_PROTOS(double, f64)
SK_MATRIX_PROTOS(float, f32)
SK_MATRIX_PROTOS(double, f64)
#endif
