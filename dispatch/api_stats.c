/* Public 1-D statistics entry points: validate, call the active table, apply the NaN policy. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

#define DEFINE_STATS(T, S)                                                                     \
  static sk_status argbest_##S(const T *x, size_t n, size_t stride, sk_nan_policy nan,         \
                               size_t *index, int largest) {                                   \
    sk_status st = sk_check_vec_nan(x, n, stride, sizeof(T), nan);                                 \
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
  typedef struct {                                                                             \
    const T *x;                                                                                \
    size_t rows, ldx;                                                                          \
    int largest, prop;                                                                         \
    double *w;                                                                                 \
    size_t *index;                                                                             \
  } argbest_job_##S;                                                                           \
  /* a slice of ws columns (a multiple of 16: its padded state lies inside its share of w); an \
   * index is exact, so slices in parallel give the same answers for any thread count */       \
  static void argbest_slice_##S(void *v, size_t j0, size_t n) {                                \
    const argbest_job_##S *a = v;                                                              \
    size_t pad = SK_COLPAD(n);                                                                 \
    double *w = a->w + 3 * j0;                                                                 \
    SK_K->col_argbest_##S(a->x ? a->x + j0 : NULL, a->rows, n, a->ldx, a->largest, a->prop, w); \
    for (size_t j = 0; j < n; j++) {                                                           \
      size_t *ix = &a->index[j0 + j];                                                          \
      if (a->prop && w[pad + j] < INFINITY) *ix = (size_t)w[pad + j]; /* the first NaN */      \
      else if (w[j] >= 0) *ix = (size_t)w[j];                                                  \
      else /* nothing beat the start value (rare): the 1-D kernel finds its first occurrence */ \
        *ix = a->rows ? SK_K->argbest1d_##S(a->x + j0 + j, a->rows, a->ldx, a->largest, 0) : SK_NO_INDEX; \
    }                                                                                          \
  }                                                                                            \
  static sk_status col_argbest_##S(size_t rows, size_t cols, const T *x, size_t ldx,           \
                                   sk_nan_policy nan, size_t *index, int largest) {            \
    sk_status st = sk_check_mat(rows, cols, x, ldx, sizeof(T));                                \
    if (st != SK_OK) return st;                                                                \
    if (!sk_nan_ok(nan) || (cols && !index)) return SK_EINVAL;                                 \
    if (cols && sk_overlap(index, cols * sizeof *index, x, sk_extent(rows, cols, ldx, sizeof(T)))) \
      return SK_EINVAL;                                                                        \
    size_t pad = SK_COLPAD(cols), wb;                                                          \
    if (!sk_mul_ok(pad, 3, sizeof(double), &wb)) return SK_EOVERFLOW;                          \
    if (!cols) return SK_OK;                                                                   \
    double *w = malloc(wb);                                                                    \
    if (!w) return SK_ENOMEM;                                                                  \
    argbest_job_##S a = {x, rows, ldx, largest, nan == SK_NAN_PROPAGATE, w, index};            \
    sk_parallel_cols(cols, 16, 2.0 * (double)rows * (double)cols, argbest_slice_##S, &a);      \
    free(w);                                                                                   \
    return SK_OK;                                                                              \
  }                                                                                            \
  sk_status sk_col_argmin_##S(size_t rows, size_t cols, const T *x, size_t ldx,               \
                              sk_nan_policy nan, size_t *index) {                              \
    return col_argbest_##S(rows, cols, x, ldx, nan, index, 0);                                 \
  }                                                                                            \
  sk_status sk_col_argmax_##S(size_t rows, size_t cols, const T *x, size_t ldx,               \
                              sk_nan_policy nan, size_t *index) {                              \
    return col_argbest_##S(rows, cols, x, ldx, nan, index, 1);                                 \
  }                                                                                            \
  sk_status sk_mean_var_##S(const T *x, size_t n, size_t stride, size_t ddof, sk_nan_policy nan, \
                            double *mean, double *var) {                                       \
    sk_status st = sk_check_vec_nan(x, n, stride, sizeof(T), nan);                                 \
    if (st != SK_OK) return st;                                                                \
    double m[3] = {0, NAN, 0};                                                                 \
    int saw_nan = 0;                                                                           \
    if (n) SK_K->moments_##S(x, n, stride, m, &saw_nan);                                       \
    int bad = nan == SK_NAN_PROPAGATE && saw_nan;                                              \
    if (mean) *mean = bad || m[0] == 0 ? NAN : m[1];                                           \
    if (var) *var = bad || m[0] <= (double)ddof ? NAN : m[2] / (m[0] - (double)ddof);          \
    return SK_OK;                                                                              \
  }

#define DEFINE_COL_STATS(T, S)                                                                 \
  typedef struct {                                                                                \
    const T *x;                                                                                   \
    size_t rows, cols, ldx, R;                                                                    \
    double *w;                                                                                    \
    unsigned char *nan;                                                                           \
  } moments_job_##S;                                                                              \
  static void moments_slice_##S(void *v, size_t j0, size_t n) {                                   \
    const moments_job_##S *m = v;                                                                 \
    size_t c = m->cols;                                                                           \
    SK_K->col_moments_##S(m->x ? m->x + j0 : NULL, m->rows, n, m->ldx, m->R, m->w + 4 * j0, m->w + 4 * c + j0, \
                          m->w + 5 * c + j0, m->w + 6 * c + j0, m->nan + j0);                     \
  }                                                                                               \
  /* slices of columns in parallel under sk_set_num_threads; every slice blocks its rows as the   \
   * whole matrix would (R from all the columns), so any thread count gives the same bits */      \
  sk_status sk_col_mean_var_##S(size_t rows, size_t cols, const T *x, size_t ldx, size_t ddof,    \
                                sk_nan_policy nan, double *mean, double *var) {                   \
    sk_status st = sk_check_mat(rows, cols, x, ldx, sizeof(T));                                      \
    if (st != SK_OK) return st;                                                                   \
    if (!sk_nan_ok(nan) || (cols && !mean && !var)) return SK_EINVAL; \
    if (!cols) return SK_OK;                                                                      \
    size_t xb = sk_extent(rows, cols, ldx, sizeof(T)), ob = cols * sizeof(double);                \
    if (sk_overlap(mean, mean ? ob : 0, x, xb) || sk_overlap(var, var ? ob : 0, x, xb) ||         \
        sk_overlap(mean, mean ? ob : 0, var, var ? ob : 0))                                       \
      return SK_EINVAL;                                                                           \
    double *w = malloc(7 * cols * sizeof(double));                                                \
    unsigned char *nanf = malloc(cols);                                                           \
    if (!w || !nanf) {                                                                            \
      free(w); free(nanf);                                                                        \
      return SK_ENOMEM;                                                                           \
    }                                                                                             \
    double *N = w + 4 * cols, *M = w + 5 * cols, *M2 = w + 6 * cols;                              \
    moments_job_##S mj = {x, rows, cols, ldx, SK_COL_BLOCK_ROWS(cols), w, nanf};                  \
    sk_parallel_cols(cols, 8, 4.0 * (double)rows * (double)cols, moments_slice_##S, &mj);         \
    for (size_t j = 0; j < cols; j++) {                                                           \
      int bad = nan == SK_NAN_PROPAGATE && nanf[j];                                               \
      if (mean) mean[j] = bad || N[j] == 0 ? NAN : M[j];                                          \
      if (var) var[j] = bad || N[j] <= (double)ddof ? NAN : M2[j] / (N[j] - (double)ddof);        \
    }                                                                                             \
    free(w);                                                                                      \
    free(nanf);                                                                                   \
    return SK_OK;                                                                                 \
  }                                                                                               \
  typedef struct {                                                                                \
    const T *x;                                                                                   \
    size_t cols, ldx, ldo, rb;                                                                    \
    const double *center, *den;                                                                   \
    T *out;                                                                                       \
    int stream;                                                                                   \
  } zscore_job_##S;                                                                               \
  static void zscore_rows_##S(void *v, size_t r0, size_t n, void *buf) {                          \
    const zscore_job_##S *z = v;                                                                  \
    SK_K->col_zscore_##S(z->x + r0 * z->ldx, n, z->cols, z->ldx, z->center, z->den,               \
                         z->out + r0 * z->ldo, z->ldo, buf, z->rb, z->stream);                    \
  }                                                                                               \
  /* (x - center) / max(scale, min_scale) in f64, rounded once to T, as numpy's division does;    \
   * blocks of rows in parallel under sk_set_num_threads (element-wise: the same bits) */          \
  sk_status sk_col_zscore_##S(size_t rows, size_t cols, const T *x, size_t ldx,                  \
                              const double *center, const double *scale, double min_scale,        \
                              T *out, size_t ldo) {                                               \
    sk_status st = sk_check_mat(rows, cols, x, ldx, sizeof(T));                                      \
    if (st == SK_OK) st = sk_check_mat(rows, cols, out, ldo, sizeof(T));                             \
    if (st != SK_OK) return st;                                                                   \
    if (rows && cols && (!center || !scale)) return SK_EINVAL;                                    \
    size_t xb = sk_extent(rows, cols, ldx, sizeof(T));                                            \
    if (!((const void *)out == (const void *)x && ldo == ldx) &&                                  \
        sk_overlap(out, sk_extent(rows, cols, ldo, sizeof(T)), x, xb))                            \
      return SK_EINVAL; /* in place must alias exactly */                                         \
    if (!rows || !cols) return SK_OK;                                                             \
    double *den = malloc(cols * sizeof *den);                                                     \
    if (!den) return SK_ENOMEM;                                                                   \
    for (size_t j = 0; j < cols; j++)                                                             \
      den[j] = scale[j] != scale[j] ? NAN : scale[j] > min_scale ? scale[j] : min_scale;          \
    size_t rb, ob = sk_extent(rows, cols, ldo, sizeof(T));                                        \
    int stream = sk_row_stream(cols, ldo, sizeof(T), ob, (const void *)out == (const void *)x, &rb); \
    zscore_job_##S z = {x, cols, ldx, ldo, rb, center, den, out, stream};                         \
    st = sk_parallel_rows(rows, 4.0 * (double)rows * (double)cols, stream ? rb * cols * sizeof(T) : 0, \
                          zscore_rows_##S, &z);                                                   \
    free(den);                                                                                    \
    return st;                                                                                    \
  }

DEFINE_COL_STATS(float, f32)
DEFINE_COL_STATS(double, f64)
DEFINE_STATS(float, f32)
DEFINE_STATS(double, f64)
