/* Public time-series and vector-math entry points: AR(1), non-finite fill, lag matrix, normal
 * p-values, DFT power. Validate, allocate scratch, call the active table. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

/* Outputs (lag matrix, out-of-place fill) at least this big are written with non-temporal stores:
 * they would only evict the cache, and skipping the read-for-ownership saves a third of the
 * traffic. Smaller outputs stay cached for the caller. */

#define DEFINE_SERIES(T, S)                                                                      \
  sk_status sk_ar1_##S(const T *x, size_t n, size_t stride, double *phi, double *mu) {           \
    sk_status st = sk_check_vec(x, n, stride, sizeof(T));                                           \
    if (st != SK_OK) return st;                                                                  \
    double p = 0.0, m = NAN;                                                                     \
    if (n) SK_K->ar1_##S(x, n, stride, &p, &m);                                                  \
    if (phi) *phi = p;                                                                           \
    if (mu) *mu = m;                                                                             \
    return SK_OK;                                                                                \
  }                                                                                              \
  typedef struct {                                                                               \
    const T *x;                                                                                  \
    size_t rows, ldx, R;                                                                         \
    double *w, *phi, *mu;                                                                        \
  } ar1_job_##S;                                                                                 \
  /* a slice of columns (a multiple of 16: its padded state lies inside its share of w) */       \
  static void ar1_slice_##S(void *v, size_t j0, size_t n) {                                      \
    const ar1_job_##S *a = v;                                                                    \
    SK_K->col_ar1_##S(a->x ? a->x + j0 : NULL, a->rows, n, a->ldx, a->R, a->w + SK_AR1_COLW * j0, a->phi + j0, \
                      a->mu + j0);                                                               \
  }                                                                                              \
  /* slices of columns in parallel under sk_set_num_threads; every slice blocks its rows as the  \
   * whole matrix would (R from all the columns), so any thread count gives the same bits */     \
  sk_status sk_col_ar1_##S(size_t rows, size_t cols, const T *x, size_t ldx, double *phi,        \
                           double *mu) {                                                         \
    sk_status st = sk_check_mat(rows, cols, x, ldx, sizeof(T));                                  \
    if (st != SK_OK) return st;                                                                  \
    if (cols && !phi && !mu) return SK_EINVAL;                                                   \
    size_t ob, wb;                                                                               \
    if (cols > SIZE_MAX / 2 || !sk_mul_ok(cols, 1, sizeof(double), &ob) ||                       \
        !sk_mul_ok(SK_COLPAD(cols), SK_AR1_COLW + 2, sizeof(double), &wb))                       \
      return SK_EOVERFLOW;                                                                       \
    if (!cols) return SK_OK;                                                                     \
    size_t xb = sk_extent(rows, cols, ldx, sizeof(T));                                           \
    if (sk_overlap(phi, phi ? ob : 0, x, xb) || sk_overlap(mu, mu ? ob : 0, x, xb) ||            \
        sk_overlap(phi, phi ? ob : 0, mu, mu ? ob : 0))                                          \
      return SK_EINVAL;                                                                          \
    if (!rows) { /* no kept value anywhere */                                                    \
      for (size_t j = 0; j < cols; j++) {                                                        \
        if (phi) phi[j] = 0.0;                                                                   \
        if (mu) mu[j] = NAN;                                                                     \
      }                                                                                          \
      return SK_OK;                                                                              \
    }                                                                                            \
    double *w = malloc(wb); /* state, then phi and mu if the caller skipped one */               \
    if (!w) return SK_ENOMEM;                                                                    \
    double *pp = w + SK_AR1_COLW * SK_COLPAD(cols), *pm = pp + SK_COLPAD(cols);                  \
    ar1_job_##S a = {x, rows, ldx, SK_COL_BLOCK_ROWS(cols), w, phi ? phi : pp, mu ? mu : pm};    \
    sk_parallel_cols(cols, 16, 8.0 * (double)rows * (double)cols, ar1_slice_##S, &a);            \
    free(w);                                                                                     \
    return SK_OK;                                                                                \
  }                                                                                              \
  typedef struct {                                                                               \
    const T *x;                                                                                  \
    size_t cols, ldx, ldo, rb;                                                                   \
    const double *fill;                                                                          \
    T *out;                                                                                      \
    int stream;                                                                                  \
  } fill_job_##S;                                                                                \
  static void fill_rows_##S(void *v, size_t r0, size_t n, void *buf) {                           \
    const fill_job_##S *f = v;                                                                   \
    SK_K->col_fill_##S(f->x + r0 * f->ldx, n, f->cols, f->ldx, f->fill, f->out + r0 * f->ldo,     \
                       f->ldo, buf, f->rb, f->stream);                                           \
  }                                                                                              \
  /* blocks of rows in parallel under sk_set_num_threads (element-wise: the same bits) */        \
  sk_status sk_col_fill_nonfinite_##S(size_t rows, size_t cols, const T *x, size_t ldx,          \
                                      const double *fill, T *out, size_t ldo) {                  \
    sk_status st = sk_check_mat(rows, cols, x, ldx, sizeof(T));                                  \
    if (st == SK_OK) st = sk_check_mat(rows, cols, out, ldo, sizeof(T));                         \
    if (st != SK_OK) return st;                                                                  \
    if (!rows || !cols) return SK_OK;                                                            \
    if (!fill) return SK_EINVAL;                                                                 \
    size_t xb = sk_extent(rows, cols, ldx, sizeof(T)), ob = sk_extent(rows, cols, ldo, sizeof(T)); \
    if (!((const void *)out == (const void *)x && ldo == ldx) && sk_overlap(out, ob, x, xb))     \
      return SK_EINVAL; /* in place must alias exactly */                                        \
    if (sk_overlap(out, ob, fill, cols * sizeof(double))) return SK_EINVAL;                      \
    size_t rb;                                                                                   \
    int stream = sk_row_stream(cols, ldo, sizeof(T), ob, (const void *)out == (const void *)x, &rb); \
    fill_job_##S f = {x, cols, ldx, ldo, rb, fill, out, stream}; /* buf: <= 8 KiB or one row */ \
    return sk_parallel_rows(rows, 4.0 * (double)rows * (double)cols, stream ? rb * cols * sizeof(T) : 0, \
                            fill_rows_##S, &f);                                                  \
  }                                                                                              \
  typedef struct {                                                                               \
    const T *x;                                                                                  \
    size_t cols, ldx, L;                                                                         \
    T *out;                                                                                      \
    size_t ldo;                                                                                  \
    int stream;                                                                                  \
  } lag_job_##S;                                                                                 \
  /* output rows [r0, r0 + n): the kernel starts up to L rows early to fill its row buffer */     \
  static void lag_rows_##S(void *v, size_t r0, size_t n, void *buf) {                            \
    const lag_job_##S *g = v;                                                                    \
    size_t s0 = r0 > g->L ? r0 - g->L : 0;                                                       \
    SK_K->lag_matrix_##S(g->x + s0 * g->ldx, r0 + n - s0, g->cols, g->ldx, g->L, g->out + r0 * g->ldo, \
                         g->ldo, buf, g->stream, r0 - s0);                                       \
  }                                                                                              \
  /* blocks of rows in parallel under sk_set_num_threads (copies: the same bits) */             \
  sk_status sk_lag_matrix_##S(size_t rows, size_t cols, const T *x, size_t ldx, size_t max_lag,  \
                              T *out, size_t ldo) {                                              \
    sk_status st = sk_check_mat(rows, cols, x, ldx, sizeof(T));                                  \
    if (st != SK_OK) return st;                                                                  \
    size_t W, bb;                                                                                \
    if (max_lag == SIZE_MAX || !sk_mul_ok(cols, max_lag + 1, 1, &W) ||                           \
        !sk_mul_ok(W, 2, sizeof(T), &bb))                                                        \
      return SK_EOVERFLOW;                                                                       \
    if (ldo < W) return SK_EINVAL;                                                               \
    st = sk_check_mat(rows, W, out, ldo, sizeof(T));                                             \
    if (st != SK_OK) return st;                                                                  \
    if (!rows || !cols) return SK_OK;                                                            \
    size_t ob = sk_extent(rows, W, ldo, sizeof(T));                                              \
    if (sk_overlap(out, ob, x, sk_extent(rows, cols, ldx, sizeof(T)))) return SK_EINVAL;         \
    lag_job_##S g = {x, cols, ldx, max_lag, out, ldo, ob >= SK_STREAM_BYTES};                   \
    return sk_parallel_rows(rows, (double)rows * (double)W, bb, lag_rows_##S, &g);              \
  }                                                                                              \
  sk_status sk_norm_pvalue_##S(const T *z, size_t n, T *out) {                                   \
    sk_status st = sk_check_vec(z, n, 1, sizeof(T));                                                \
    if (st != SK_OK) return st;                                                                  \
    if (n && !out) return SK_EINVAL;                                                             \
    if ((const void *)out != (const void *)z && sk_overlap(out, n * sizeof(T), z, n * sizeof(T))) \
      return SK_EINVAL;                                                                          \
    if (n) SK_K->norm_pvalue_##S(z, n, out);                                                     \
    return SK_OK;                                                                                \
  }                                                                                              \
  sk_status sk_dft_power_##S(const T *x, size_t n, size_t stride, size_t nbins, T *power) {      \
    sk_status st = sk_check_vec(x, n, stride, sizeof(T));                                           \
    size_t pb, wb;                                                                               \
    if (st != SK_OK) return st;                                                                  \
    if (nbins && !power) return SK_EINVAL;                                                       \
    if (!sk_mul_ok(nbins, 1, sizeof(T), &pb) || !sk_mul_ok(n, 3, sizeof(double), &wb))           \
      return SK_EOVERFLOW;                                                                       \
    if (sk_overlap(power, pb, x, n ? ((n - 1) * stride + 1) * sizeof(T) : 0)) return SK_EINVAL;  \
    if (!nbins) return SK_OK;                                                                    \
    if (!n) { /* the empty sum */                                                                \
      for (size_t k = 0; k < nbins; k++) power[k] = 0;                                           \
      return SK_OK;                                                                              \
    }                                                                                            \
    double *w = malloc(wb); /* contiguous f64 copy of x, then the twiddle table */               \
    if (!w) return SK_ENOMEM;                                                                    \
    const sk_kernels *k_ = SK_K;                                                                 \
    for (size_t t = 0; t < n; t++) w[t] = (double)x[t * stride];                                 \
    k_->dft_twiddles(n, w + n);                                                                  \
    for (size_t k = 0; k < nbins; k++) power[k] = (T)k_->dft_bin(w, n, w + n, k % n);            \
    free(w);                                                                                     \
    return SK_OK;                                                                                \
  }

DEFINE_SERIES(float, f32)
DEFINE_SERIES(double, f64)
