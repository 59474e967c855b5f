/* The per-ISA kernel table: the only interface between dispatch/ (baseline flags) and kernels/
 * (compiled once per ISA). Kernels get validated arguments; they never allocate or fail. */
#ifndef SK_KERNELS_H
#define SK_KERNELS_H
#include <stddef.h>

#include "simdkern.h"

/* What a distance tile computes; the first five equal the sk_metric values. */
enum { SK_KIND_SQE = 0, SK_KIND_EUC = 1, SK_KIND_DOT = 2, SK_KIND_COS_SIM = 3, SK_KIND_COS_DIST = 4,
       SK_KIND_RBF = 5 };

/* Selection bracket: a pass counts values against the pivots and appends those strictly between
 * them to buf (while nbuf <= cap; buf holds cap + SK_SEL_SLACK slots, so an overflowing pass
 * leaves nbuf > cap and the caller falls back). Counts accumulate across calls. */
#define SK_SEL_SLACK 8
#define SK_SEL_MAXB 8 /* brackets one pass can serve */
typedef struct sk_bracket {
  double lo, hi;
  size_t lt_lo, le_lo, lt_hi, le_hi; /* #(v < lo), #(v <= lo), #(v < hi), #(v <= hi) */
  double *buf;
  size_t nbuf, cap;
} sk_bracket;
/* Float keys: rounding to float (to nearest, ties to even) keeps the order of doubles, so the
 * doubles that round to one float form an interval. sk_key_floor(v) / sk_key_ceil(v) are the
 * least / greatest double rounding to the same float as v (+-0 count as one float). A bracket
 * with lo == sk_key_floor(lo) and hi == sk_key_ceil(hi) is a union of such intervals: a pass may
 * then compare float keys with float pivots and count exactly what the double compares count.
 * The planner widens fast brackets so; the AVX2 pass then compares 8 keys per vector. */
static inline double sk_key_floor(double v) {
  float f = (float)v;
  if (f == -__builtin_inff()) return -__builtin_inf();
  if (f == __builtin_inff()) return 0x1.ffffffp127; /* a tie with FLT_MAX: rounds to even, inf */
  float p = __builtin_nextafterf(f, -__builtin_inff());
  /* the midpoint of two neighbouring floats is exact in double */
  double m = p == -__builtin_inff() ? -0x1.ffffffp127 : ((double)f + (double)p) * 0.5;
  return (float)m == f ? m : __builtin_nextafter(m, __builtin_inf());
}
static inline double sk_key_ceil(double v) { return -sk_key_floor(-v); }

/* What a pass sees: the value itself, |x - center|, or |x - center| rounded to float (f32 MAD) */
enum { SK_SEL_RAW = 0, SK_SEL_ABSDEV = 1, SK_SEL_ABSDEV_F32 = 2 };

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
  /* nearest row by squared distance through the expanded-form filter (dist_tile.h): certain  \
     rows get idx/best (exact-form bits; best NULL: idx only), the others amb[r] = 1; work: 2 nx */                  \
  void (*argmin_filt_##S)(const T *x, size_t ldx, size_t nx, const T *yp, size_t ny, size_t d,   \
                          const double *xn, const T *ylo, const T *yhi, double c, size_t *idx,  \
                          T *best, unsigned char *amb, double *work, const void *next,           \
                          size_t next_bytes);                                                      \
  /* out[i] = sum of squares of x row i (f64); cvt != NULL: the rows rounded to f32 there */   \
  void (*row_sqnorms_##S)(const T *x, size_t ldx, size_t m, size_t d, double *out, float *cvt); \
  /* best = the exact squared distance to y row idx[r] for the rows with amb[r] == 0 */          \
  void (*argmin_sums_##S)(const T *x, size_t ldx, size_t nx, const T *yp, size_t d,            \
                          const size_t *idx, const unsigned char *amb, T *best);               \
  /* silhouette: one block of rows [r0, r1) of the label-sorted matrix, each pair once (see  \
     dist_tile.h): row-side sums into rs, column-side sums (j >= r1) into cs */                \
  void (*sil_tri_##S)(const T *x, size_t ldx, size_t r0, size_t r1, const T *yp, size_t n,     \
                      size_t d, const size_t *lab, size_t k, double *rs, double *cs, size_t ldc, \
                      size_t c0);                                                                \
  /* first j >= i with x[j] strictly better than thr (NaN never), else n */                     \
  size_t (*topk_next_##S)(const T *x, size_t i, size_t n, T thr, int largest);                   \
  /* dot products in out (m x ny) -> cosine similarity (dist: distance), see dist_tile.h */      \
  void (*cos_rows_##S)(int dist, T *out, size_t ldo, size_t m, size_t ny, const double *rx,      \
                       const double *ry);                                                        \
  size_t nr_##S; /* rows per packed panel */

/* Time series and SLEEF vector math (series.c, vecmath.c). Column kernels keep per-column state
 * in w: SK_AR1_COLW arrays of SK_COLPAD(cols) doubles (padded so tail vectors stay inside). */
#define SK_COLPAD(c) (((c) + 15) / 16 * 16)
/* Rows per block of the blocked column kernels (col_moments, col_ar1): ~256 KiB of doubles. The
 * caller passes it, computed from all the columns, so a slice of columns blocks its rows as the
 * whole matrix would and threads cannot change the bits. */
#define SK_COL_BLOCK_ROWS(cols) ((cols) >= 32768 ? 1 : 32768 / (cols) > 1024 ? 1024 : 32768 / (cols))
#define SK_AR1_COLW 16
#define SK_SERIES_KERNELS(T, S)                                                                  \
  void (*ar1_##S)(const T *x, size_t n, size_t stride, double *phi, double *mu);                 \
  /* blocks of R rows merged (a column's bits depend on R, not on the other columns) */         \
  void (*col_ar1_##S)(const T *x, size_t rows, size_t cols, size_t ldx, size_t R, double *w,     \
                      double *phi, double *mu);                                                  \
  /* row transforms; with stream (non-temporal stores) buf holds rb * cols elements and, when  \
   * ldo == cols, rb rows go out as one run (dispatch: sk_row_block) */                          \
  void (*col_fill_##S)(const T *x, size_t rows, size_t cols, size_t ldx, const double *fill,     \
                       T *out, size_t ldo, T *buf, size_t rb, int stream);                       \
  void (*col_zscore_##S)(const T *x, size_t rows, size_t cols, size_t ldx, const double *center, \
                         const double *den, T *out, size_t ldo, T *buf, size_t rb, int stream);  \
  /* buf: 2 * cols * (max_lag + 1) elements; stream: non-temporal stores; the first skip rows  \
   * only warm up (out is row skip's output row) */                                              \
  void (*lag_matrix_##S)(const T *x, size_t rows, size_t cols, size_t ldx, size_t max_lag,       \
                         T *out, size_t ldo, T *buf, int stream, size_t skip);                   \
  void (*norm_pvalue_##S)(const T *z, size_t n, T *out);
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
  /* ab[j], bb[j] = cos_sums(a, row j)'s s[0], s[2] for ny rows of y, bitwise; a is the query
   * widened to f64 */
  void (*cos_many_f32)(const double *a, const float *y, size_t ldy, size_t ny, size_t n,
                       double *ab, double *bb);
  void (*cos_many_f64)(const double *a, const double *y, size_t ldy, size_t ny, size_t n,
                       double *ab, double *bb);
  /* 1-D statistics (stats.c): first index of the min/max (SK_NO_INDEX if none), and
   * out = {count, mean, M2} of the non-NaN elements with *saw_nan set if any was NaN */
  size_t (*argbest1d_f32)(const float *x, size_t n, size_t stride, int largest, int propagate);
  size_t (*argbest1d_f64)(const double *x, size_t n, size_t stride, int largest, int propagate);
  /* per column: w = 3 * SK_COLPAD(cols) doubles, w[j] = best row or -1, w[pad + j] = first NaN
   * row or +Inf (propagate only) */
  void (*col_argbest_f32)(const float *x, size_t rows, size_t cols, size_t ldx, int largest,
                          int propagate, double *w);
  void (*col_argbest_f64)(const double *x, size_t rows, size_t cols, size_t ldx, int largest,
                          int propagate, double *w);
  void (*moments_f32)(const float *x, size_t n, size_t stride, double out[3], int *saw_nan);
  void (*moments_f64)(const double *x, size_t n, size_t stride, double out[3], int *saw_nan);
  /* per column of a row-major matrix: N, mean, M2 of the non-NaN values, nan[j] if any NaN;
   * blocks of R rows merged (a column's bits depend on R, not on the other columns); w: scratch
   * of 4 * cols doubles */
  void (*col_moments_f32)(const float *x, size_t rows, size_t cols, size_t ldx, size_t R, double *w,
                          double *N, double *M, double *M2, unsigned char *nan);
  void (*col_moments_f64)(const double *x, size_t rows, size_t cols, size_t ldx, size_t R, double *w,
                          double *N, double *M, double *M2, unsigned char *nan);
  /* one streaming pass of selection over x[i * stride], i < n, against nb <= SK_SEL_MAXB brackets;
   * *nan += the NaN values seen */
  void (*sel_pass_f32)(const float *x, size_t n, size_t stride, int mode, double center,
                       sk_bracket *b, size_t nb, size_t *nan);
  void (*sel_pass_f64)(const double *x, size_t n, size_t stride, int mode, double center,
                       sk_bracket *b, size_t nb, size_t *nan);
  /* the cheaper first pass for continuous data: counts only #(v < lo) per bracket and appends
   * every value inside any closed bracket [lo, hi] to one shared buffer (shared->buf, nbuf, cap);
   * sel_pass over that buffer then completes the counts (dispatch/select.c) */
  void (*sel_fast_f32)(const float *x, size_t n, size_t stride, int mode, double center,
                       sk_bracket *b, size_t nb, sk_bracket *shared, size_t *nan);
  void (*sel_fast_f64)(const double *x, size_t n, size_t stride, int mode, double center,
                       sk_bracket *b, size_t nb, sk_bracket *shared, size_t *nan);
  /* quickselect's partition step, out of place: the n NaN-free values of a that are < p packed
   * into lt, those > p into gt (each needs n + SK_VD_N slots); cnt[0], cnt[1] = how many */
  void (*sel_split)(const double *a, size_t n, double p, double *lt, double *gt, size_t cnt[2]);
  /* the fast pass's shared buffer x[0..n) (every value inside one of the nb <= 7 sorted closed
   * brackets) dealt to the brackets: lt_lo = 0, le_lo / lt_hi / le_hi = its values == lo, < hi,
   * <= hi, and those strictly inside appended to its buffer (nbuf > cap: it overflowed). NULL
   * where the layer has no 8-lane lookups; the robust pass does the same work there. */
  void (*sel_deal)(const double *x, size_t n, sk_bracket *b, size_t nb);
  /* the same per column of a row-major matrix, one bracket per column (b[j]), lanes = columns,
   * read in row order; nan[j] += NaN values of column j */
  void (*col_sel_pass_f32)(const float *x, size_t rows, size_t cols, size_t ldx, int mode,
                           const double *center, sk_bracket *b, size_t *nan);
  void (*col_sel_pass_f64)(const double *x, size_t rows, size_t cols, size_t ldx, int mode,
                           const double *center, sk_bracket *b, size_t *nan);
  SK_MATRIX_KERNELS(float, f32)
  SK_MATRIX_KERNELS(double, f64)
  SK_GEMM_KERNELS(float, f32)
  SK_GEMM_KERNELS(double, f64)
  size_t mr; /* x rows per register tile */
  SK_SERIES_KERNELS(float, f32)
  SK_SERIES_KERNELS(double, f64)
  /* DFT: cs = cos then sin of 2 pi m / n (2n doubles); |X_k|^2 of contiguous x for k < n */
  void (*dft_twiddles)(size_t n, double *cs);
  double (*dft_bin)(const double *x, size_t n, const double *cs, size_t k);
} sk_kernels;

/* One table per compiled ISA, defined by kernels/table.c built with that ISA's flags. */
extern const sk_kernels sk_k_table_scalar, sk_k_table_sse42, sk_k_table_avx2, sk_k_table_avx512,
    sk_k_table_neon;

#endif
