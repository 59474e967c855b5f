/* argmin/argmax and mean/variance on every supported ISA against numpy's definitions. */
#include <float.h>
#include <math.h>

#include "common.h"

/* numpy argmin/argmax (propagate: first NaN wins) and nanargmin/nanargmax (omit) */
static size_t ref_argbest(const double *x, size_t n, size_t stride, int largest, int omit) {
  size_t bi = SK_NO_INDEX;
  for (size_t i = 0; i < n; i++) {
    double v = x[i * stride];
    if (v != v) {
      if (!omit) return i;
      continue;
    }
    if (bi == SK_NO_INDEX || (largest ? v > x[bi * stride] : v < x[bi * stride])) bi = i;
  }
  return bi;
}

static void check_argbest(const double *x, const float *xf, size_t n, size_t stride, sk_isa isa) {
  for (int omit = 0; omit < 2; omit++)
    for (int largest = 0; largest < 2; largest++) {
      size_t got, gotf, want = ref_argbest(x, n, stride, largest, omit);
      sk_nan_policy pol = omit ? SK_NAN_OMIT : SK_NAN_PROPAGATE;
      cr_assert_eq((largest ? sk_argmax_f64 : sk_argmin_f64)(x, n, stride, pol, &got), SK_OK);
      cr_assert_eq((largest ? sk_argmax_f32 : sk_argmin_f32)(xf, n, stride, pol, &gotf), SK_OK);
      cr_assert_eq(got, want, "arg%s isa=%s n=%zu stride=%zu omit=%d: %zu want %zu",
                   largest ? "max" : "min", sk_isa_name(isa), n, stride, omit, got, want);
      cr_assert_eq(gotf, want, "arg%s f32 isa=%s n=%zu stride=%zu omit=%d: %zu want %zu",
                   largest ? "max" : "min", sk_isa_name(isa), n, stride, omit, gotf, want);
    }
}

Test(stats, report_isas) { sk_test_report_isas("stats"); }

Test(stats, argmin_argmax) {
  size_t nmax = sk_test_small() ? 20011 : 100003;
  double *x = malloc(3 * nmax * sizeof *x);
  float *xf = malloc(3 * nmax * sizeof *xf);
  uint64_t s = 1;
  FOR_EACH_ISA(isa) {
    for (int pattern = 0; pattern < 6; pattern++) {
      for (size_t n = 0; n <= nmax; n = n < 67 ? n + 1 : n < 1000 ? 1000 : n == 1000 ? nmax : nmax + 1) {
        for (size_t i = 0; i < 3 * n; i++) {
          x[i] = (double)(sk_rng(&s) % 50) - 25; /* many ties */
          if (pattern == 1 && sk_rng(&s) % 17 == 0) x[i] = NAN;
          if (pattern == 2) x[i] = NAN;
          if (pattern == 3) x[i] = i % 2 ? INFINITY : -INFINITY;
          if (pattern == 4) x[i] = INFINITY;
          if (pattern == 5 && i == n / 2) x[i] = NAN;
          xf[i] = (float)x[i];
        }
        for (size_t stride = 1; stride <= 3; stride++) check_argbest(x, xf, n, stride, isa);
      }
    }
  }
  size_t idx;
  cr_assert_eq(sk_argmin_f64(x, 5, 0, SK_NAN_OMIT, &idx), SK_EINVAL);
  cr_assert_eq(sk_argmin_f64(NULL, 5, 1, SK_NAN_OMIT, &idx), SK_EINVAL);
  cr_assert_eq(sk_argmin_f64(x, 5, 1, (sk_nan_policy)2, &idx), SK_EINVAL);
  cr_assert_eq(sk_argmin_f64(x, 5, 1, SK_NAN_OMIT, NULL), SK_EINVAL);
  cr_assert_eq(sk_argmax_f64(x, SIZE_MAX / 4, 2, SK_NAN_OMIT, &idx), SK_EOVERFLOW);
  cr_assert_eq(sk_argmin_f64(NULL, 0, 1, SK_NAN_OMIT, &idx), SK_OK);
  cr_assert_eq(idx, SK_NO_INDEX);
  free(x); free(xf);
}

/* Reference: shifted by the first number (exact differences on offset data), Neumaier-compensated
 * sums, so it stays exact enough even where long double is binary64 (valgrind). */
static void ref_moments(const double *x, size_t n, size_t stride, int omit, long double *mean, long double *m2, size_t *cnt, int *nan) {
  long double s = 0, c = 0, shift = 0;
  size_t k = 0;
  int have = 0;
  *nan = 0;
  for (size_t i = 0; i < n; i++) {
    if (x[i * stride] != x[i * stride]) { *nan = 1; continue; }
    if (!have) shift = x[i * stride], have = 1;
    long double v = (long double)x[i * stride] - shift, t = s + v;
    c += fabsl(s) >= fabsl(v) ? (s - t) + v : (v - t) + s;
    s = t;
    k++;
  }
  *cnt = k;
  long double ms = k ? (s + c) / k : 0;
  *mean = k ? shift + ms : NAN;
  long double q = 0, qc = 0;
  for (size_t i = 0; i < n; i++) {
    if (x[i * stride] != x[i * stride]) continue;
    long double d = ((long double)x[i * stride] - shift) - ms, v = d * d, t = q + v;
    qc += q >= v ? (q - t) + v : (v - t) + q;
    q = t;
  }
  *m2 = q + qc;
  (void)omit;
}

Test(stats, mean_var_offset_data) {
  size_t nmax = sk_test_small() ? 30011 : 200003;
  double *x = malloc(2 * nmax * sizeof *x);
  float *xf = malloc(2 * nmax * sizeof *xf);
  uint64_t s = 9;
  FOR_EACH_ISA(isa) {
    for (int pattern = 0; pattern < 3; pattern++) {
      for (size_t n = 0; n <= nmax; n = n < 40 ? n + 1 : n < 5000 ? n * 3 : n == nmax ? nmax + 1 : nmax) {
        for (size_t i = 0; i < 2 * n; i++) {
          x[i] = 1e8 + sk_unif(&s); /* offset data: the naive sum of squares is garbage here */
          if (pattern == 1 && sk_rng(&s) % 13 == 0) x[i] = NAN;
          if (pattern == 2 && i == 0) x[i] = NAN;
          xf[i] = (float)(x[i] - 1e8 + 1e4); /* f32 data, offset 1e4 */
        }
        for (size_t stride = 1; stride <= 2; stride++)
          for (int omit = 0; omit < 2; omit++)
            for (size_t ddof = 0; ddof < 2; ddof++) {
              long double rm, rm2;
              size_t cnt;
              int hasnan;
              ref_moments(x, n, stride, omit, &rm, &rm2, &cnt, &hasnan);
              double mean = -1, var = -1;
              sk_nan_policy pol = omit ? SK_NAN_OMIT : SK_NAN_PROPAGATE;
              cr_assert_eq(sk_mean_var_f64(x, n, stride, ddof, pol, &mean, &var), SK_OK);
              int nanres = (!omit && hasnan) || cnt == 0;
              if (nanres) {
                cr_assert(isnan(mean) && isnan(var), "isa=%s n=%zu expected NaN", sk_isa_name(isa), n);
                continue;
              }
              long double rv = cnt > ddof ? rm2 / (cnt - ddof) : NAN;
              cr_assert(fabsl(mean - rm) <= 1e-14L * fabsl(rm), "mean isa=%s n=%zu stride=%zu: %.17g vs %.17Lg",
                        sk_isa_name(isa), n, stride, mean, rm);
              if (cnt > ddof)
                cr_assert(fabsl(var - rv) <= 1e-12L * rv + 1e-300L, "var isa=%s n=%zu stride=%zu ddof=%zu: %.17g vs %.17Lg",
                          sk_isa_name(isa), n, stride, ddof, var, rv);
              else
                cr_assert(isnan(var));
              /* f32 input: accumulated in f64, same bound against its own reference */
              double *xd = malloc((n * stride + 1) * sizeof *xd);
              for (size_t i = 0; i < n * stride; i++) xd[i] = xf[i];
              ref_moments(xd, n, stride, omit, &rm, &rm2, &cnt, &hasnan);
              cr_assert_eq(sk_mean_var_f32(xf, n, stride, ddof, pol, &mean, &var), SK_OK);
              if (!((!omit && hasnan) || cnt == 0)) {
                cr_assert(fabsl(mean - rm) <= 1e-14L * fabsl(rm), "mean f32 isa=%s n=%zu", sk_isa_name(isa), n);
                if (cnt > ddof)
                  cr_assert(fabsl(var - rm2 / (cnt - ddof)) <= 1e-12L * (rm2 / (cnt - ddof)) + 1e-300L,
                            "var f32 isa=%s n=%zu", sk_isa_name(isa), n);
              }
              free(xd);
            }
      }
    }
  }
  double m, v;
  cr_assert_eq(sk_mean_var_f64(x, 3, 0, 0, SK_NAN_OMIT, &m, &v), SK_EINVAL);
  cr_assert_eq(sk_mean_var_f64(NULL, 3, 1, 0, SK_NAN_OMIT, &m, &v), SK_EINVAL);
  cr_assert_eq(sk_mean_var_f64(x, 3, 1, 0, (sk_nan_policy)5, &m, &v), SK_EINVAL);
  double inf[3] = {1, INFINITY, 2};
  cr_assert_eq(sk_mean_var_f64(inf, 3, 1, 0, SK_NAN_OMIT, &m, &v), SK_OK);
  cr_assert(isinf(m) && isnan(v), "numpy: mean inf, var nan; got %g %g", m, v);
  free(x); free(xf);
}

/* Column forms equal the 1-D kernel run on each column (same reference bound), for column
 * counts around the vector width, ld > cols, NaN in some columns, both policies. */
Test(stats, col_mean_var_and_zscore) {
  static const size_t ROWS[] = {0, 1, 2, 7, 300, 2500}, COLS[] = {1, 3, 8, 17, 50};
  uint64_t s = 4;
  FOR_EACH_ISA(isa) {
    for (size_t ri = 0; ri < 6; ri++)
      for (size_t ci = 0; ci < 5; ci++) {
        size_t rows = ROWS[ri], cols = COLS[ci], ld = cols + 2;
        double *x = malloc((rows * ld + 1) * sizeof *x);
        float *xf = malloc((rows * ld + 1) * sizeof *xf);
        for (size_t i = 0; i < rows * ld; i++) {
          x[i] = 1e8 + 1e3 * (double)(i % ld) + sk_unif(&s);
          if (i % ld == 2 && sk_rng(&s) % 5 == 0) x[i] = NAN; /* column 2 has NaNs */
          if (i % ld == 4) x[i] = NAN;                        /* column 4 is all NaN */
          xf[i] = (float)(x[i] - 1e8);
        }
        double *mean = malloc(cols * sizeof *mean), *var = malloc(cols * sizeof *var);
        for (int omit = 0; omit < 2; omit++) {
          sk_nan_policy pol = omit ? SK_NAN_OMIT : SK_NAN_PROPAGATE;
          cr_assert_eq(sk_col_mean_var_f64(rows, cols, x, ld, 1, pol, mean, var), SK_OK);
          for (size_t j = 0; j < cols; j++) {
            long double rm, rm2;
            size_t cnt;
            int hasnan;
            ref_moments(x + j, rows, ld, omit, &rm, &rm2, &cnt, &hasnan);
            if ((!omit && hasnan) || cnt == 0) {
              cr_assert(isnan(mean[j]) && isnan(var[j]), "col %zu isa=%s: NaN expected", j, sk_isa_name(isa));
              continue;
            }
            cr_assert(fabsl(mean[j] - rm) <= 1e-14L * fabsl(rm), "col mean isa=%s rows=%zu cols=%zu j=%zu: %.17g vs %.17Lg",
                      sk_isa_name(isa), rows, cols, j, mean[j], rm);
            if (cnt > 1)
              cr_assert(fabsl(var[j] - rm2 / (cnt - 1)) <= 1e-12L * (rm2 / (cnt - 1)) + 1e-300L,
                        "col var isa=%s rows=%zu cols=%zu j=%zu: %.17g vs %.17Lg", sk_isa_name(isa), rows, cols, j,
                        var[j], rm2 / (cnt - 1));
            else
              cr_assert(isnan(var[j]));
          }
          cr_assert_eq(sk_col_mean_var_f32(rows, cols, xf, ld, 0, pol, mean, NULL), SK_OK);
          for (size_t j = 0; j < cols; j++) {
            double m1;
            cr_assert_eq(sk_mean_var_f32(xf + j, rows, ld, 0, pol, &m1, NULL), SK_OK);
            cr_assert(isnan(m1) ? isnan(mean[j]) : fabs(mean[j] - m1) <= 1e-14 * fabs(m1) + 1e-300,
                      "f32 col mean vs 1-D isa=%s j=%zu: %.17g vs %.17g", sk_isa_name(isa), j, mean[j], m1);
          }
        }
        /* z-score against the direct formula; in place; NaN scale -> NaN column */
        double *c = malloc(cols * sizeof *c), *sc = malloc(cols * sizeof *sc), *z = malloc((rows * ld + 1) * sizeof *z);
        for (size_t j = 0; j < cols; j++) c[j] = 1e8 + 1e3 * (double)j, sc[j] = j == 1 ? 0.0 : 0.5 + (double)j;
        if (cols > 3) sc[3] = NAN;
        cr_assert_eq(sk_col_zscore_f64(rows, cols, x, ld, c, sc, 1e-3, z, ld), SK_OK);
        for (size_t r = 0; r < rows; r++)
          for (size_t j = 0; j < cols; j++) {
            double den = j == 3 && cols > 3 ? NAN : fmax(sc[j], 1e-3), want = (x[r * ld + j] - c[j]) / den;
            cr_assert(isnan(want) ? isnan(z[r * ld + j]) : z[r * ld + j] == want, "zscore isa=%s (%zu,%zu)", sk_isa_name(isa), r, j);
          }
        cr_assert_eq(sk_col_zscore_f64(rows, cols, x, ld, c, sc, 1e-3, x, ld), SK_OK); /* in place */
        for (size_t r = 0; r < rows; r++)
          for (size_t j = 0; j < cols; j++)
            cr_assert(!memcmp(&x[r * ld + j], &z[r * ld + j], sizeof(double)), "in place differs");
        if (rows > 1) cr_assert_eq(sk_col_zscore_f64(rows, cols, x, ld, c, sc, 1e-3, x + 1, ld), SK_EINVAL);
        free(c); free(sc); free(z);
        free(x); free(xf); free(mean); free(var);
      }
  }
  double m[2];
  cr_assert_eq(sk_col_mean_var_f64(2, 2, m, 1, 0, SK_NAN_OMIT, m, NULL), SK_EINVAL); /* ld < cols */
  cr_assert_eq(sk_col_mean_var_f64(SIZE_MAX / 8, 4, m, 4, 0, SK_NAN_OMIT, m, NULL), SK_EOVERFLOW);
}

/* z-score: f32 (f64 arithmetic, one rounding), the streamed path (>= 8 MiB of contiguous short
 * rows, written in multi-row runs from a misaligned start), and rows ending at a guard page. */
Test(stats, zscore_f32_streamed_guarded) {
  uint64_t s = 8;
  FOR_EACH_ISA(isa) {
    for (int f32 = 0; f32 < 2; f32++) {
      size_t cols = 9, rows = f32 ? 300001 : 150001;
      double c[9], sc[9], den[9];
      for (size_t j = 0; j < cols; j++) c[j] = 0.25 * (double)j, sc[j] = 0.5 + (double)j, den[j] = sc[j];
      void *x = malloc(rows * cols * (f32 ? 4 : 8)), *o = malloc((rows * cols + 1) * (f32 ? 4 : 8));
      for (size_t i = 0; i < rows * cols; i++) {
        double u = sk_unif(&s) * 10;
        if (f32) ((float *)x)[i] = (float)u; else ((double *)x)[i] = u;
      }
      if (f32) cr_assert_eq(sk_col_zscore_f32(rows, cols, x, cols, c, sc, 0.0, (float *)o + 1, cols), SK_OK);
      else cr_assert_eq(sk_col_zscore_f64(rows, cols, x, cols, c, sc, 0.0, (double *)o + 1, cols), SK_OK);
      for (size_t i = 0; i < rows * cols; i++) {
        size_t j = i % cols;
        if (f32) {
          float want = (float)(((double)((float *)x)[i] - c[j]) / den[j]);
          cr_assert(((float *)o)[i + 1] == want, "zscore f32 isa=%s i=%zu", sk_isa_name(isa), i);
        } else {
          double want = (((double *)x)[i] - c[j]) / den[j];
          cr_assert(((double *)o)[i + 1] == want, "zscore streamed isa=%s i=%zu", sk_isa_name(isa), i);
        }
      }
      free(x), free(o);
    }
    for (size_t cols = 1; cols <= 19; cols++) {
      size_t rows = 3;
      sk_guard gi, go;
      float *gx = sk_guard_alloc(&gi, rows * cols * sizeof *gx), *gz = sk_guard_alloc(&go, rows * cols * sizeof *gz);
      double c[19], sc[19];
      for (size_t j = 0; j < cols; j++) c[j] = (double)j, sc[j] = 2;
      for (size_t i = 0; i < rows * cols; i++) gx[i] = (float)i;
      cr_assert_eq(sk_col_zscore_f32(rows, cols, gx, cols, c, sc, 0.0, gz, cols), SK_OK);
      for (size_t i = 0; i < rows * cols; i++)
        cr_assert_eq(gz[i], (float)(((double)i - (double)(i % cols)) / 2), "guard zscore isa=%s cols=%zu", sk_isa_name(isa), cols);
      sk_guard_free(&gi);
      sk_guard_free(&go);
    }
  }
}

/* z-score and non-finite fill run blocks of rows in parallel: 1, 2 and 3 threads write the same
 * bits, streamed (short contiguous rows in runs, from a misaligned start; long rows, odd ldo) and
 * in place, and the values are the formula's. */
static int same_val(double a, double b) { return a == b || (a != a && b != b); }
Test(stats, row_transforms_threads_identical) {
  uint64_t s = 12;
  size_t shapes[2][3] = {{200003, 7, 7}, {1000, 1100, 1101}}; /* rows, cols, ldo */
  FOR_EACH_ISA(isa) {
    for (int sh = 0; sh < 2; sh++) {
      size_t rows = shapes[sh][0], cols = shapes[sh][1], ldo = shapes[sh][2], n = rows * ldo + 1;
      double *x = malloc(rows * cols * sizeof *x), *c = malloc(cols * sizeof *c), *sc = malloc(cols * sizeof *sc);
      double *o[3], *ip = malloc(rows * cols * sizeof *ip);
      float *xf = malloc(rows * cols * sizeof *xf), *of[3];
      for (size_t j = 0; j < cols; j++) c[j] = 0.5 * (double)j, sc[j] = j % 5 ? 1.5 + (double)j : 0.0;
      for (size_t i = 0; i < rows * cols; i++) {
        double u = sk_unif(&s) * 8 - 4;
        x[i] = i % 11 == 3 ? NAN : i % 13 == 5 ? -INFINITY : u, xf[i] = (float)x[i];
      }
      for (size_t t = 1; t <= 3; t++) {
        sk_set_num_threads(t);
        o[t - 1] = calloc(2 * n, sizeof **o), of[t - 1] = calloc(2 * n, sizeof **of); /* gaps compared too */
        double *od = o[t - 1] + 1; /* misaligned */
        cr_assert_eq(sk_col_zscore_f64(rows, cols, x, cols, c, sc, 0.25, od, ldo), SK_OK);
        cr_assert_eq(sk_col_fill_nonfinite_f64(rows, cols, x, cols, c, od + n, ldo), SK_OK);
        cr_assert_eq(sk_col_zscore_f32(rows, cols, xf, cols, c, sc, 0.25, of[t - 1] + 1, ldo), SK_OK);
        cr_assert_eq(sk_col_fill_nonfinite_f32(rows, cols, xf, cols, c, of[t - 1] + 1 + n, ldo), SK_OK);
        memcpy(ip, x, rows * cols * sizeof *ip); /* in place: plain stores */
        cr_assert_eq(sk_col_zscore_f64(rows, cols, ip, cols, c, sc, 0.25, ip, cols), SK_OK);
        for (size_t r = 0; r < rows; r++)
          for (size_t j = 0; j < cols; j++) {
            size_t i = r * cols + j;
            double want = (x[i] - c[j]) / (sc[j] > 0.25 ? sc[j] : 0.25);
            cr_assert(same_val(ip[i], want) && same_val(od[r * ldo + j], want), "zscore threads=%zu isa=%s (%zu,%zu)", t,
                      sk_isa_name(isa), r, j);
            cr_assert(same_val(od[n + r * ldo + j], isfinite(x[i]) ? x[i] : c[j]), "fill threads=%zu isa=%s", t, sk_isa_name(isa));
          }
        if (t > 1) {
          cr_assert(!memcmp(o[0], o[t - 1], 2 * n * sizeof **o), "f64 threads=%zu isa=%s", t, sk_isa_name(isa));
          cr_assert(!memcmp(of[0], of[t - 1], 2 * n * sizeof **of), "f32 threads=%zu isa=%s", t, sk_isa_name(isa));
        }
      }
      sk_set_num_threads(1);
      for (int t = 0; t < 3; t++) free(o[t]), free(of[t]);
      free(x), free(xf), free(c), free(sc), free(ip);
    }
  }
}

/* Column mean/variance runs slices of columns in parallel: 1, 2 and 3 threads give the same bits
 * (slices 24 + 17 and 16 + 16 + 9 of 41 columns, 552 + 548 of 1100), f64 and f32, with NaN. */
Test(stats, col_mean_var_threads_identical) {
  uint64_t s = 14;
  size_t shapes[2][2] = {{30001, 41}, {1000, 1100}};
  FOR_EACH_ISA(isa) {
    for (int sh = 0; sh < 2; sh++) {
      size_t rows = shapes[sh][0], cols = shapes[sh][1];
      double *x = malloc(rows * cols * sizeof *x), *r = malloc(8 * cols * sizeof *r);
      float *xf = malloc(rows * cols * sizeof *xf);
      for (size_t i = 0; i < rows * cols; i++) {
        x[i] = i % 17 == 4 ? NAN : 1e6 + sk_unif(&s) * 3;
        xf[i] = (float)x[i];
      }
      for (size_t t = 1; t <= 3; t++) {
        sk_set_num_threads(t);
        double *o = r + (t > 1) * 4 * cols;
        cr_assert_eq(sk_col_mean_var_f64(rows, cols, x, cols, 1, SK_NAN_OMIT, o, o + cols), SK_OK);
        cr_assert_eq(sk_col_mean_var_f32(rows, cols, xf, cols, 0, SK_NAN_OMIT, o + 2 * cols, o + 3 * cols), SK_OK);
        if (t > 1)
          cr_assert(!memcmp(r, o, 4 * cols * sizeof *r), "col mean/var threads=%zu isa=%s cols=%zu", t, sk_isa_name(isa), cols);
      }
      sk_set_num_threads(1);
      double m1, v1;
      cr_assert_eq(sk_mean_var_f64(x + cols - 1, rows, cols, 1, SK_NAN_OMIT, &m1, &v1), SK_OK);
      cr_assert(fabs(r[cols - 1] - m1) <= 1e-14 * fabs(m1) && fabs(r[2 * cols - 1] - v1) <= 1e-12 * v1,
                "col mean/var vs 1-D isa=%s", sk_isa_name(isa));
      free(x), free(xf), free(r);
    }
  }
}

/* Column argmin/argmax run slices of columns in parallel (32 + 9 and 16 + 16 + 9 of 41): 1, 2 and
 * 3 threads give the same indices, both NaN policies, ties (values on a coarse grid). */
Test(stats, col_argbest_threads_identical) {
  uint64_t s = 16;
  size_t rows = 50001, cols = 41;
  double *x = malloc(rows * cols * sizeof *x);
  float *xf = malloc(rows * cols * sizeof *xf);
  for (size_t i = 0; i < rows * cols; i++) {
    x[i] = i % 4099 == 7 ? NAN : floor(sk_unif(&s) * 1000);
    xf[i] = (float)x[i];
  }
  FOR_EACH_ISA(isa) {
    size_t r[3][8 * 41];
    for (size_t t = 1; t <= 3; t++) {
      sk_set_num_threads(t);
      size_t *o = r[t - 1];
      for (int p = 0; p < 2; p++) {
        sk_nan_policy pol = p ? SK_NAN_OMIT : SK_NAN_PROPAGATE;
        size_t *q = o + p * 4 * cols;
        cr_assert_eq(sk_col_argmin_f64(rows, cols, x, cols, pol, q), SK_OK);
        cr_assert_eq(sk_col_argmax_f64(rows, cols, x, cols, pol, q + cols), SK_OK);
        cr_assert_eq(sk_col_argmin_f32(rows, cols, xf, cols, pol, q + 2 * cols), SK_OK);
        cr_assert_eq(sk_col_argmax_f32(rows, cols, xf, cols, pol, q + 3 * cols), SK_OK);
      }
      if (t > 1) cr_assert(!memcmp(r[0], o, sizeof r[0]), "col argbest threads=%zu isa=%s", t, sk_isa_name(isa));
    }
    sk_set_num_threads(1);
    size_t i1;
    cr_assert_eq(sk_argmin_f64(x + 40, rows, cols, SK_NAN_OMIT, &i1), SK_OK);
    cr_assert_eq(r[2][4 * cols + 40], i1, "threaded col argmin vs 1-D isa=%s", sk_isa_name(isa));
  }
  free(x), free(xf);
}

/* Column argmin/argmax equal the 1-D calls on each strided column: ties, NaN in some columns, an
 * all-NaN column, columns of only +-Inf, row blocks (rows > the kernel's block), ldx > cols. */
Test(stats, col_argmin_argmax) {
  static const size_t ROWS[] = {0, 1, 2, 7, 300, 5001}, COLS[] = {1, 3, 8, 9, 17};
  uint64_t s = 12;
  FOR_EACH_ISA(isa) {
    for (size_t ri = 0; ri < 6; ri++)
      for (size_t ci = 0; ci < 5; ci++) {
        size_t rows = ROWS[ri], cols = COLS[ci], ld = cols + 3, idx[17], want;
        double *x = malloc((rows * ld + 1) * sizeof *x);
        float *xf = malloc((rows * ld + 1) * sizeof *xf);
        for (size_t i = 0; i < rows * ld; i++) {
          size_t j = i % ld;
          x[i] = (double)(sk_rng(&s) % 50); /* ties */
          if (j == 1 && sk_rng(&s) % 9 == 0) x[i] = NAN;
          if (j == 2) x[i] = NAN;
          if (j == 4) x[i] = sk_rng(&s) % 2 ? INFINITY : -INFINITY;
          if (j == 5) x[i] = INFINITY;
          if (j == 6) x[i] = -INFINITY;
          xf[i] = (float)x[i];
        }
        uint64_t h = checksum(x, rows * ld * sizeof *x);
        for (int f32 = 0; f32 < 2; f32++)
          for (int largest = 0; largest < 2; largest++)
            for (int omit = 0; omit < 2; omit++) {
              sk_nan_policy pol = omit ? SK_NAN_OMIT : SK_NAN_PROPAGATE;
              sk_status st = f32 ? (largest ? sk_col_argmax_f32 : sk_col_argmin_f32)(rows, cols, xf, ld, pol, idx)
                                 : (largest ? sk_col_argmax_f64 : sk_col_argmin_f64)(rows, cols, x, ld, pol, idx);
              cr_assert_eq(st, SK_OK);
              for (size_t j = 0; j < cols; j++) {
                cr_assert_eq(f32 ? (largest ? sk_argmax_f32 : sk_argmin_f32)(xf + j, rows, ld, pol, &want)
                                 : (largest ? sk_argmax_f64 : sk_argmin_f64)(x + j, rows, ld, pol, &want), SK_OK);
                cr_assert_eq(idx[j], want, "col arg%s isa=%s f32=%d omit=%d rows=%zu cols=%zu j=%zu: %zu vs %zu",
                             largest ? "max" : "min", sk_isa_name(isa), f32, omit, rows, cols, j, idx[j], want);
              }
            }
        cr_assert(h == checksum(x, rows * ld * sizeof *x), "input modified");
        free(x), free(xf);
      }
  }
  double m[8] = {0};
  size_t idx[4];
  cr_assert_eq(sk_col_argmin_f64(2, 2, m, 1, SK_NAN_OMIT, idx), SK_EINVAL);          /* ld < cols */
  cr_assert_eq(sk_col_argmin_f64(2, 2, m, 2, SK_NAN_OMIT, NULL), SK_EINVAL);
  cr_assert_eq(sk_col_argmax_f64(2, 2, m, 2, (sk_nan_policy)7, idx), SK_EINVAL);
  cr_assert_eq(sk_col_argmax_f64(2, 2, m, 2, SK_NAN_OMIT, (size_t *)(void *)m), SK_EINVAL); /* aliases x */
  cr_assert_eq(sk_col_argmin_f64(SIZE_MAX / 8, 4, m, 4, SK_NAN_OMIT, idx), SK_EOVERFLOW);
  cr_assert_eq(sk_col_argmin_f64(0, 3, NULL, 3, SK_NAN_OMIT, idx), SK_OK);
  for (size_t j = 0; j < 3; j++) cr_assert_eq(idx[j], (size_t)SK_NO_INDEX);
}
