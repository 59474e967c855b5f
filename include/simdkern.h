/* simdkern: SIMD numeric kernels with runtime ISA dispatch.
 * Contract: every kernel returns sk_status and writes results through out-parameters; it never
 * aborts, prints, or touches the floating-point environment, and never modifies its inputs. */
#ifndef SIMDKERN_H
#define SIMDKERN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SK_VERSION_MAJOR 0
#define SK_VERSION_MINOR 1
#define SK_VERSION_PATCH 0

#if defined(SK_BUILDING) && defined(__GNUC__)
#define SK_API __attribute__((visibility("default")))
#else
#define SK_API
#endif

typedef enum {
  SK_OK = 0,
  SK_EINVAL = -1,    /* NULL pointer with a non-zero size, unknown enum value, ... */
  SK_ENOMEM = -2,    /* an internal allocation failed; inputs untouched */
  SK_ENOTSUP = -3,   /* ISA not compiled in or not runnable on this CPU/OS */
  SK_EOVERFLOW = -4, /* a size computation would overflow size_t */
} sk_status;

typedef enum { SK_NAN_PROPAGATE = 0, SK_NAN_OMIT = 1 } sk_nan_policy;
#define SK_NO_INDEX ((size_t)-1)

SK_API const char *sk_status_str(sk_status s); /* never NULL */

/* ---- Dispatch, version, threads -------------------------------------------------------------- */

typedef enum {
  SK_ISA_SCALAR = 0,
  SK_ISA_SSE42 = 1,
  SK_ISA_AVX2 = 2, /* AVX2 + FMA */
  SK_ISA_AVX512 = 3, /* AVX-512 F/BW/DQ/VL */
  SK_ISA_NEON = 4,
} sk_isa;

/* The active table is chosen once, at load time or first use, thread-safely: the best ISA this
 * CPU and OS support (CPUID + XCR0 on x86, HWCAP on aarch64), capped by SIMDKERN_ISA=<name> if set
 * (an unknown name, or one of another architecture, is ignored). */
SK_API sk_isa sk_isa_active(void);
SK_API const char *sk_isa_name(sk_isa isa); /* "scalar" "sse42" "avx2" "avx512" "neon"; "unknown" */
SK_API int sk_isa_compiled(sk_isa isa);    /* 1 if this build contains that variant */
SK_API int sk_isa_supported(sk_isa isa);   /* 1 if compiled AND this CPU + OS can run it */
/* Switch the active table (tests, benchmarks). SK_ENOTSUP if not supported (the table in use is
 * kept), SK_EINVAL if isa is not an sk_isa value. Safe to call while other threads run kernels. */
SK_API sk_status sk_isa_use(sk_isa isa);

SK_API void sk_version(int *major, int *minor, int *patch); /* NULL pointers are skipped */

/* Threads for matrix-sized kernels and long 1-D selections (the same bits for any count). 0 = all
 * online cores. Default: SIMDKERN_NUM_THREADS, else 1. */
SK_API sk_status sk_set_num_threads(size_t n);
SK_API size_t sk_get_num_threads(void);

/* Extension: what detection saw (for simdkern-info and bug reports). Strings are NUL-terminated;
 * a cache size of 0 means unknown. */
typedef struct {
  char vendor[32];
  char model[96];
  char features[256]; /* space-separated features relevant to dispatch, as detected */
  const char *detector; /* "cpuinfo" or "cpuid" (built-in) or "hwcap" */
  size_t l1d_bytes, l2_bytes, l3_bytes;
  size_t cores; /* online logical processors */
} sk_cpu_info;
SK_API sk_status sk_cpu_info_get(sk_cpu_info *out);

/* ---- Vector pairs (scalar result, f64 accumulation) ------------------------------------------ */
/* dot = sum a[i]*b[i]; sqeuclidean = sum (a[i]-b[i])^2 in the exact difference form; euclidean =
 * its square root, rescaled so it neither overflows nor underflows while the true value is a
 * finite normal double. Cosine similarity = dot / (|a| |b|), clamped to [-1, 1], robust to huge
 * and tiny magnitudes; a zero vector, any NaN or any infinity gives NaN; cos(a, a) of a non-zero
 * finite vector is in [1 - 2^-52, 1]. n == 0: dot and distances are 0, cosine is NaN.
 * NULL a, b with n > 0, or NULL out: SK_EINVAL. */
SK_API sk_status sk_dot_f32(const float *a, const float *b, size_t n, double *out);
SK_API sk_status sk_cosine_similarity_f32(const float *a, const float *b, size_t n, double *out);
SK_API sk_status sk_sqeuclidean_f32(const float *a, const float *b, size_t n, double *out);
SK_API sk_status sk_euclidean_f32(const float *a, const float *b, size_t n, double *out);
SK_API sk_status sk_dot_f64(const double *a, const double *b, size_t n, double *out);
SK_API sk_status sk_cosine_similarity_f64(const double *a, const double *b, size_t n, double *out);
SK_API sk_status sk_sqeuclidean_f64(const double *a, const double *b, size_t n, double *out);
SK_API sk_status sk_euclidean_f64(const double *a, const double *b, size_t n, double *out);

/* ---- Distance matrices, nearest neighbour, ranking, clustering quality ---------------------- */
/* Row-major matrices: rows, cols, pointer, leading dimension (ld >= max(1, cols) always).
 * Matrix kernels accumulate in the element type (like BLAS); distances use the exact difference
 * form sum (x - y)^2, never |x|^2 + |y|^2 - 2 x.y, so a self-distance is exactly 0. Outputs must
 * not overlap inputs (SK_EINVAL). Threads: sk_set_num_threads; results are bitwise-identical for
 * any thread count. */
typedef enum {
  SK_METRIC_SQEUCLIDEAN = 0,
  SK_METRIC_EUCLIDEAN = 1,
  SK_METRIC_DOT = 2,
  SK_METRIC_COSINE_SIMILARITY = 3,
  SK_METRIC_COSINE_DISTANCE = 4, /* 1 - similarity, as scipy's 'cosine' */
} sk_metric;

/* out[i*ldo + j] = metric(x row i, y row j); out is nx x ny. Cosine of a zero row, or of a row
 * with NaN or Inf, is NaN. d == 0: distances and dot products are 0, cosine is NaN. */
SK_API sk_status sk_cdist_f64(sk_metric m, size_t nx, size_t ny, size_t d, const double *x,
                              size_t ldx, const double *y, size_t ldy, double *out, size_t ldo);
SK_API sk_status sk_cdist_f32(sk_metric m, size_t nx, size_t ny, size_t d, const float *x,
                              size_t ldx, const float *y, size_t ldy, float *out, size_t ldo);
/* x against itself: full symmetric n x n output (one triangle computed, then mirrored); the
 * diagonal is exactly 0 for the three distance metrics on finite rows, cosine similarity's is 1
 * (NaN for zero or non-finite rows). */
SK_API sk_status sk_cdist_self_f64(sk_metric m, size_t n, size_t d, const double *x, size_t ldx,
                                   double *out, size_t ldo);
SK_API sk_status sk_cdist_self_f32(sk_metric m, size_t n, size_t d, const float *x, size_t ldx,
                                   float *out, size_t ldo);
/* For each x row: index of the nearest y row (smallest distance; for DOT and
 * COSINE_SIMILARITY the largest value) and, if dist != NULL, that value. The nx x ny matrix is
 * never materialised. Ties: lowest index. NaN never wins; a row whose values are all NaN (or
 * ny == 0) gets SK_NO_INDEX and dist NaN. dist == NULL is faster for (sq)euclidean: most rows'
 * distances are then never computed. */
SK_API sk_status sk_cdist_argmin_f64(sk_metric m, size_t nx, size_t ny, size_t d, const double *x,
                                     size_t ldx, const double *y, size_t ldy, size_t *index,
                                     double *dist);
SK_API sk_status sk_cdist_argmin_f32(sk_metric m, size_t nx, size_t ny, size_t d, const float *x,
                                     size_t ldx, const float *y, size_t ldy, size_t *index,
                                     float *dist);
/* The k best of n scores (largest if largest != 0, else smallest), sorted best first, ties by
 * lower index in both directions, NaN ranked after every number; value may be NULL; k > n is
 * SK_EINVAL. */
SK_API sk_status sk_topk_f64(const double *x, size_t n, size_t k, int largest, size_t *index,
                             double *value);
SK_API sk_status sk_topk_f32(const float *x, size_t n, size_t k, int largest, size_t *index,
                             float *value);
/* Mean silhouette coefficient, scikit-learn's silhouette_score with the euclidean metric
 * (singleton clusters score 0); per-sample values into samples if not NULL. labels in
 * [0, n_clusters); 2 <= clusters present <= n - 1, and finite x (as scikit-learn requires), else
 * SK_EINVAL. Distances are computed in the element type: coordinates so large that a squared
 * distance overflows (|x| ~ 1e154 for f64, ~ 1e19 for f32) make the score NaN. Extra memory
 * O(n * n_clusters + n * d), never O(n^2). */
SK_API sk_status sk_silhouette_f64(size_t n, size_t d, const double *x, size_t ldx,
                                   const size_t *labels, size_t n_clusters, double *score,
                                   double *samples);
SK_API sk_status sk_silhouette_f32(size_t n, size_t d, const float *x, size_t ldx,
                                   const size_t *labels, size_t n_clusters, double *score,
                                   float *samples);
/* out[i*ldo + j] = exp(-gamma * |x_i - y_j|^2) (scikit-learn rbf_kernel), exp from SLEEF. */
SK_API sk_status sk_rbf_kernel_f64(size_t nx, size_t ny, size_t d, const double *x, size_t ldx,
                                   const double *y, size_t ldy, double gamma, double *out,
                                   size_t ldo);
SK_API sk_status sk_rbf_kernel_f32(size_t nx, size_t ny, size_t d, const float *x, size_t ldx,
                                   const float *y, size_t ldy, double gamma, float *out,
                                   size_t ldo);

/* ---- Vector math through SLEEF (per-ISA entry points; libm when built without SLEEF) --------- */
/* Two-sided normal p-values: out[i] = erfc(|z[i]| / sqrt(2)) (= 2 * scipy.stats.norm.sf(|z|)),
 * within a few ulp of the exact value for f64 (the argument is carried as a double-double, so
 * large |z| loses nothing to rounding z / sqrt(2)); f32 is computed in f64 and rounded once.
 * NaN gives NaN, +-Inf gives 0. out may be z itself; any other overlap is SK_EINVAL. */
SK_API sk_status sk_norm_pvalue_f64(const double *z, size_t n, double *out);
SK_API sk_status sk_norm_pvalue_f32(const float *z, size_t n, float *out);
/* DFT power spectrum: power[k] = |sum_t x[t*stride] exp(-2 pi i k t / n)|^2 for k < nbins (any
 * nbins: bins k >= n repeat periodically). O(n * nbins) in f64 (an FFT is faster for full
 * spectra of long signals; this suits few bins or odd n): the angle is reduced exactly as
 * (k t mod n) / n and twiddles come from SLEEF's sincospi, so the error stays near
 * n * eps * (sum |x|)^2. n == 0: every bin is 0. NaN or Inf in x make the bins NaN or Inf.
 * power must not overlap x. Extra memory: 3n doubles. */
SK_API sk_status sk_dft_power_f64(const double *x, size_t n, size_t stride, size_t nbins,
                                  double *power);
SK_API sk_status sk_dft_power_f32(const float *x, size_t n, size_t stride, size_t nbins,
                                  float *power);

/* ---- Selection and robust statistics --------------------------------------------------------- */
/* 1-D inputs that may be a matrix column take a stride in elements (>= 1). */
/* First index of the smallest / largest element. SK_NAN_PROPAGATE: the first NaN wins (numpy
 * argmin/argmax); SK_NAN_OMIT: NaN ignored (nanargmin). n == 0, or OMIT with every value NaN:
 * SK_NO_INDEX. */
SK_API sk_status sk_argmin_f64(const double *x, size_t n, size_t stride, sk_nan_policy nan, size_t *index);
SK_API sk_status sk_argmax_f64(const double *x, size_t n, size_t stride, sk_nan_policy nan, size_t *index);
SK_API sk_status sk_argmin_f32(const float *x, size_t n, size_t stride, sk_nan_policy nan, size_t *index);
SK_API sk_status sk_argmax_f32(const float *x, size_t n, size_t stride, sk_nan_policy nan, size_t *index);
/* The same per column of a row-major rows x cols matrix (index[j] = a row), read in row order
 * (numpy argmin/argmax(axis=0); nanargmin/nanargmax with OMIT). */
SK_API sk_status sk_col_argmin_f64(size_t rows, size_t cols, const double *x, size_t ldx,
                                   sk_nan_policy nan, size_t *index);
SK_API sk_status sk_col_argmax_f64(size_t rows, size_t cols, const double *x, size_t ldx,
                                   sk_nan_policy nan, size_t *index);
SK_API sk_status sk_col_argmin_f32(size_t rows, size_t cols, const float *x, size_t ldx,
                                   sk_nan_policy nan, size_t *index);
SK_API sk_status sk_col_argmax_f32(size_t rows, size_t cols, const float *x, size_t ldx,
                                   sk_nan_policy nan, size_t *index);
/* Mean and variance (divisor count - ddof) in f64, shifted blocked two-pass with Chan's merge
 * (accurate on offset data). PROPAGATE: any NaN gives NaN (numpy mean/var); OMIT: NaN ignored
 * (nanmean/nanvar). No values: mean NaN; count <= ddof: var NaN. mean or var may be NULL. */
SK_API sk_status sk_mean_var_f64(const double *x, size_t n, size_t stride, size_t ddof,
                                 sk_nan_policy nan, double *mean, double *var);
SK_API sk_status sk_mean_var_f32(const float *x, size_t n, size_t stride, size_t ddof,
                                 sk_nan_policy nan, double *mean, double *var);
/* The same per column of a row-major rows x cols matrix (mean[j], var[j]), read in row order. */
SK_API sk_status sk_col_mean_var_f64(size_t rows, size_t cols, const double *x, size_t ldx,
                                     size_t ddof, sk_nan_policy nan, double *mean, double *var);
SK_API sk_status sk_col_mean_var_f32(size_t rows, size_t cols, const float *x, size_t ldx,
                                     size_t ddof, sk_nan_policy nan, double *mean, double *var);
/* out = (x - center[j]) / max(scale[j], min_scale), computed in f64 and rounded once; out may
 * be x itself (ldo == ldx); a NaN center or scale gives NaN outputs for that column. */
SK_API sk_status sk_col_zscore_f64(size_t rows, size_t cols, const double *x, size_t ldx,
                                   const double *center, const double *scale, double min_scale,
                                   double *out, size_t ldo);
SK_API sk_status sk_col_zscore_f32(size_t rows, size_t cols, const float *x, size_t ldx,
                                   const double *center, const double *scale, double min_scale,
                                   float *out, size_t ldo);

/* Order statistics by non-destructive selection (the input is never written or copied whole,
 * except by the O(n log n) fallback that bounds the worst case). Results equal numpy's bit for
 * bit: median = numpy median / nanmedian (the mean of the middle pair in the element type);
 * quantiles = numpy quantile(method=...) / nanquantile with an array q, its quirks included (where
 * linear interpolation meets an infinity numpy returns NaN, and so does this). +0 and -0 compare
 * equal, so a zero result may carry either sign. PROPAGATE: any NaN gives NaN; OMIT: NaN ignored.
 * No values: NaN. q outside [0, 1] or NaN: SK_EINVAL. */
typedef enum { SK_QUANTILE_LINEAR = 0 /* numpy default */, SK_QUANTILE_LOWER, SK_QUANTILE_HIGHER,
               SK_QUANTILE_NEAREST, SK_QUANTILE_MIDPOINT } sk_quantile_method;
/* Extension: OR into the method to interpolate in the element type, which is numpy's result for a
 * Python scalar q on float32 data (np.quantile(a32, 0.3)); without it f32 data interpolates in
 * double, numpy's result for an array q. No effect on f64. */
#define SK_QUANTILE_INPUT_PRECISION 0x100
/* raw MAD = median(|x - median(x)|) (scipy.stats.median_abs_deviation, scale=1.0, the deviations
 * computed in the element type); times SK_MAD_NORMAL_SCALE it estimates a normal sigma. An infinite
 * median gives a NaN MAD (inf - inf), as in scipy. */
#define SK_MAD_NORMAL_SCALE 1.482602218505602
SK_API sk_status sk_median_f64(const double *x, size_t n, size_t stride, sk_nan_policy nan, double *out);
SK_API sk_status sk_median_f32(const float *x, size_t n, size_t stride, sk_nan_policy nan, double *out);
/* out[i] = quantile q[i]; several q share one sample and one pass */
SK_API sk_status sk_quantile_f64(const double *x, size_t n, size_t stride, const double *q, size_t nq,
                                 sk_quantile_method method, sk_nan_policy nan, double *out);
SK_API sk_status sk_quantile_f32(const float *x, size_t n, size_t stride, const double *q, size_t nq,
                                 sk_quantile_method method, sk_nan_policy nan, double *out);
SK_API sk_status sk_median_mad_f64(const double *x, size_t n, size_t stride, sk_nan_policy nan,
                                   double *median, double *mad);
SK_API sk_status sk_median_mad_f32(const float *x, size_t n, size_t stride, sk_nan_policy nan,
                                   double *median, double *mad);
/* Per column of a row-major rows x cols matrix, read in row order (never a column at a time):
 * columns of up to 262,144 f64 (524,288 f32) rows are copied 8 at a time into contiguous
 * scratch and solved like 1-D inputs, groups in parallel under sk_set_num_threads (results
 * bitwise-identical for any count); taller ones stream through a per-column bracket pass.
 * Quantiles: out[iq * cols + j]. */
SK_API sk_status sk_col_median_f64(size_t rows, size_t cols, const double *x, size_t ldx,
                                   sk_nan_policy nan, double *out);
SK_API sk_status sk_col_median_f32(size_t rows, size_t cols, const float *x, size_t ldx,
                                   sk_nan_policy nan, double *out);
SK_API sk_status sk_col_median_mad_f64(size_t rows, size_t cols, const double *x, size_t ldx,
                                       sk_nan_policy nan, double *median, double *mad);
SK_API sk_status sk_col_median_mad_f32(size_t rows, size_t cols, const float *x, size_t ldx,
                                       sk_nan_policy nan, double *median, double *mad);
SK_API sk_status sk_col_quantile_f64(size_t rows, size_t cols, const double *x, size_t ldx,
                                     const double *q, size_t nq, sk_quantile_method method,
                                     sk_nan_policy nan, double *out);
SK_API sk_status sk_col_quantile_f32(size_t rows, size_t cols, const float *x, size_t ldx,
                                     const double *q, size_t nq, sk_quantile_method method,
                                     sk_nan_policy nan, double *out);

/* ---- Time series: AR(1), non-finite fill, lag matrix ----------------------------------------- */
/* AR(1) coefficient of the finite values of x (NaN and +-Inf are dropped; consecutive kept values
 * are neighbours): mu = their mean, phi = sum xc[t] xc[t-1] / sum xc[t-1]^2 with xc = x - mu.
 * Fewer than 3 kept values, or a zero denominator, give phi = 0; no kept value gives mu = NaN.
 * Accumulated in f64, shifted by the first kept value and blocked two-pass with exact
 * re-centring between blocks (accurate on offset data such as 1e8 + noise), one read of x.
 * phi or mu may be NULL. */
SK_API sk_status sk_ar1_f64(const double *x, size_t n, size_t stride, double *phi, double *mu);
SK_API sk_status sk_ar1_f32(const float *x, size_t n, size_t stride, double *phi, double *mu);
/* The same per column of a row-major rows x cols matrix (phi[j], mu[j]), read in row order;
 * one of phi, mu may be NULL; they must not overlap x or each other. */
SK_API sk_status sk_col_ar1_f64(size_t rows, size_t cols, const double *x, size_t ldx,
                                double *phi, double *mu);
SK_API sk_status sk_col_ar1_f32(size_t rows, size_t cols, const float *x, size_t ldx,
                                double *phi, double *mu);
/* out = x with the non-finite entries (NaN, +-Inf) of column j replaced by fill[j] (rounded to
 * float for _f32). out may be x itself (same pointer and ldo == ldx); any other overlap, with x
 * or with fill, is SK_EINVAL. Big out-of-place outputs (>= 8 MiB, rows >= 4 KiB) use
 * non-temporal stores. */
SK_API sk_status sk_col_fill_nonfinite_f64(size_t rows, size_t cols, const double *x, size_t ldx,
                                           const double *fill, double *out, size_t ldo);
SK_API sk_status sk_col_fill_nonfinite_f32(size_t rows, size_t cols, const float *x, size_t ldx,
                                           const double *fill, float *out, size_t ldo);
/* Lagged copies: out is rows x cols*(max_lag+1), out[r*ldo + j*(max_lag+1) + L] =
 * x[(r-L)*ldx + j], NaN for r < L. ldo >= cols*(max_lag+1) else SK_EINVAL; out must not overlap
 * x. Big outputs (>= 8 MiB) are written with non-temporal stores (not left in cache). */
SK_API sk_status sk_lag_matrix_f64(size_t rows, size_t cols, const double *x, size_t ldx,
                                   size_t max_lag, double *out, size_t ldo);
SK_API sk_status sk_lag_matrix_f32(size_t rows, size_t cols, const float *x, size_t ldx,
                                   size_t max_lag, float *out, size_t ldo);

/* ---- Matrix multiply ------------------------------------------------------------------------ */
typedef enum { SK_NO_TRANS = 0, SK_TRANS = 1 } sk_trans;
/* Row-major C = alpha * op(A) * op(B) + beta * C, op(A) m x k, op(B) k x n (CBLAS dgemm/sgemm with
 * CblasRowMajor). A is stored m x k (lda >= max(1, k)) or, with SK_TRANS, k x m (lda >= max(1, m));
 * B likewise k x n or n x k; ldc >= max(1, n). beta == 0: C is not read (NaN/Inf already in C do
 * not propagate); alpha == 0 or k == 0: C = beta * C (A and B not read); m == 0 or n == 0: no-op.
 * Accumulates in the element type, like BLAS (f32 in f32). C must not overlap A or B; a trans
 * value other than SK_NO_TRANS/SK_TRANS, a short ld, or NULL with a non-zero size: SK_EINVAL; a
 * matrix whose byte size overflows size_t: SK_EOVERFLOW; SK_ENOMEM if the packing buffers cannot
 * be allocated (C untouched). Threads: sk_set_num_threads; results are bitwise-identical for any
 * thread count (the k-sum order of every element is fixed by the ISA's block sizes). */
SK_API sk_status sk_gemm_f64(sk_trans ta, sk_trans tb, size_t m, size_t n, size_t k, double alpha,
                             const double *a, size_t lda, const double *b, size_t ldb, double beta,
                             double *c, size_t ldc);
SK_API sk_status sk_gemm_f32(sk_trans ta, sk_trans tb, size_t m, size_t n, size_t k, float alpha,
                             const float *a, size_t lda, const float *b, size_t ldb, float beta,
                             float *c, size_t ldc);

#ifdef __cplusplus
}
#endif
#endif /* SIMDKERN_H */
