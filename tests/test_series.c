/* AR(1), non-finite fill, lag matrix, normal p-values and DFT power on every supported ISA,
 * against long-double references; inputs checked unchanged, tails against guard pages. */
#include <float.h>
#include <math.h>

#include "common.h"

/* Under valgrind long double arithmetic is only binary64: references are then no better than
 * the code under test, and the tolerances that rely on them widen. */
static int ldbl_precise(void) {
  volatile long double one = 1.0L, tiny = LDBL_EPSILON;
  return one + tiny != one && LDBL_MANT_DIG > DBL_MANT_DIG;
}

static int finite_d(double v) { return v - v == 0; }

Test(series, report_isas) { sk_test_report_isas("series"); }

/* ---- AR(1) --------------------------------------------------------------------------------- */
/* Reference: kept values, mean via a pivot and a Neumaier sum, then the centred sums, all in
 * long double (exact enough even as binary64, since the pivot removes the offset). */
static void ref_ar1(const double *x, size_t n, size_t stride, long double *phi, long double *mu) {
  long double piv = 0, s = 0, c = 0;
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    double v = x[i * stride];
    if (!finite_d(v)) continue;
    if (!m) piv = v;
    long double d = (long double)v - piv, t = s + d;
    c += fabsl(s) >= fabsl(d) ? (s - t) + d : (d - t) + s;
    s = t;
    m++;
  }
  *mu = m ? piv + (s + c) / m : NAN;
  *phi = 0;
  if (m < 3) return;
  long double ms = (s + c) / m, num = 0, den = 0, prev = 0;
  int have = 0;
  for (size_t i = 0; i < n; i++) {
    double v = x[i * stride];
    if (!finite_d(v)) continue;
    long double e = ((long double)v - piv) - ms;
    if (have) num += e * prev, den += prev * prev;
    prev = e, have = 1;
  }
  *phi = den != 0 ? num / den : 0;
}

static void check_ar1_value(double phi, double mu, long double rphi, long double rmu, const char *what,
                            sk_isa isa, size_t n, size_t stride) {
  if (isnan((double)rmu)) {
    cr_assert(isnan(mu) && phi == 0, "%s isa=%s n=%zu stride=%zu: want mu NaN phi 0, got %g %g", what,
              sk_isa_name(isa), n, stride, mu, phi);
    return;
  }
  cr_assert(fabsl(mu - rmu) <= 1e-14L * fabsl(rmu) + 1e-300L, "%s mu isa=%s n=%zu stride=%zu: %.17g vs %.17Lg",
            what, sk_isa_name(isa), n, stride, mu, rmu);
  cr_assert(fabsl(phi - rphi) <= 1e-11L, "%s phi isa=%s n=%zu stride=%zu: %.17g vs %.17Lg", what,
            sk_isa_name(isa), n, stride, phi, rphi);
}

Test(series, ar1_offset_data_nonfinite_strides) {
  size_t nmax = sk_test_small() ? 30011 : 200003;
  double *x = malloc(3 * nmax * sizeof *x), *xd = malloc(3 * nmax * sizeof *xd);
  float *xf = malloc(3 * nmax * sizeof *xf);
  uint64_t s = 3;
  FOR_EACH_ISA(isa) {
    for (int pattern = 0; pattern < 5; pattern++)
      for (size_t n = 0; n <= nmax;
           n = n < 40 ? n + 1 : n < 2040 ? 2047 : n < 2049 ? n + 1 : n < 5000 ? 5000 : n == nmax ? nmax + 1 : nmax) {
        double a = 0;
        for (size_t i = 0; i < 3 * n; i++) {
          a = 0.7 * a + sk_unif(&s);
          x[i] = 1e8 + a; /* AR(1) around a large offset: naive sums cancel catastrophically */
          if (pattern == 1 && sk_rng(&s) % 11 == 0) x[i] = NAN;
          if (pattern == 2 && sk_rng(&s) % 7 == 0) x[i] = sk_rng(&s) % 2 ? INFINITY : -INFINITY;
          if (pattern == 3 && i < 2500) x[i] = NAN; /* the first kept value comes late */
          if (pattern == 4) x[i] = i % 5 == 0 ? NAN : 1e8; /* constant: zero denominator */
          xf[i] = finite_d(x[i]) ? (float)(x[i] - 1e8 + 1e4) : (float)x[i];
          xd[i] = xf[i];
        }
        uint64_t h = checksum(x, 3 * n * sizeof *x), hf = checksum(xf, 3 * n * sizeof *xf);
        for (size_t stride = 1; stride <= 3; stride += 2) {
          long double rphi, rmu;
          double phi = -7, mu = -7;
          ref_ar1(x, n, stride, &rphi, &rmu);
          cr_assert_eq(sk_ar1_f64(x, n, stride, &phi, &mu), SK_OK);
          check_ar1_value(phi, mu, rphi, rmu, "ar1 f64", isa, n, stride);
          if (pattern == 4) cr_assert_eq(phi, 0.0, "constant data: phi %g", phi);
          ref_ar1(xd, n, stride, &rphi, &rmu);
          cr_assert_eq(sk_ar1_f32(xf, n, stride, &phi, &mu), SK_OK);
          check_ar1_value(phi, mu, rphi, rmu, "ar1 f32", isa, n, stride);
        }
        cr_assert(h == checksum(x, 3 * n * sizeof *x) && hf == checksum(xf, 3 * n * sizeof *xf),
                  "input modified");
      }
    /* guard page right after the last element; few kept values */
    for (size_t n = 0; n < 70; n++) {
      sk_guard g;
      double *gx = sk_guard_alloc(&g, n * sizeof *gx);
      for (size_t i = 0; i < n; i++) gx[i] = i % 3 ? 5e7 + (double)(i * i % 17) : NAN;
      long double rphi, rmu;
      double phi, mu;
      ref_ar1(gx, n, 1, &rphi, &rmu);
      cr_assert_eq(sk_ar1_f64(gx, n, 1, &phi, &mu), SK_OK);
      check_ar1_value(phi, mu, rphi, rmu, "ar1 guard", isa, n, 1);
      sk_guard_free(&g);
    }
  }
  double two[2] = {1, 2}, phi, mu;
  cr_assert_eq(sk_ar1_f64(two, 2, 1, &phi, &mu), SK_OK);
  cr_assert(phi == 0 && mu == 1.5, "two values: phi 0, mu 1.5; got %g %g", phi, mu);
  cr_assert_eq(sk_ar1_f64(NULL, 0, 1, &phi, &mu), SK_OK);
  cr_assert(phi == 0 && isnan(mu));
  cr_assert_eq(sk_ar1_f64(two, 2, 1, NULL, NULL), SK_OK);
  cr_assert_eq(sk_ar1_f64(two, 2, 0, &phi, &mu), SK_EINVAL);
  cr_assert_eq(sk_ar1_f64(NULL, 2, 1, &phi, &mu), SK_EINVAL);
  cr_assert_eq(sk_ar1_f32(NULL, 2, 1, &phi, &mu), SK_EINVAL);
  cr_assert_eq(sk_ar1_f64(two, SIZE_MAX / 4, 1, &phi, &mu), SK_EOVERFLOW);
  free(x); free(xd); free(xf);
}

Test(series, col_ar1_matches_columns) {
  static const size_t ROWS[] = {0, 1, 2, 3, 7, 300, 2500}, COLS[] = {1, 3, 8, 17, 50};
  uint64_t s = 5;
  FOR_EACH_ISA(isa) {
    for (size_t ri = 0; ri < 7; ri++)
      for (size_t ci = 0; ci < 5; ci++) {
        size_t rows = ROWS[ri], cols = COLS[ci], ld = cols + 2;
        double *x = malloc((rows * ld + 1) * sizeof *x), *xd = malloc((rows * ld + 1) * sizeof *xd);
        float *xf = malloc((rows * ld + 1) * sizeof *xf);
        double *a = calloc(ld, sizeof *a);
        for (size_t r = 0; r < rows; r++)
          for (size_t j = 0; j < ld; j++) {
            size_t i = r * ld + j;
            a[j] = (0.9 - 0.1 * (double)(j % 9)) * a[j] + sk_unif(&s);
            x[i] = 1e8 + 1e3 * (double)j + a[j];
            if (j == 2 && sk_rng(&s) % 5 == 0) x[i] = NAN;
            if (j == 3 && sk_rng(&s) % 9 == 0) x[i] = -INFINITY;
            if (j == 4) x[i] = NAN;               /* all NaN */
            if (j == 5 && r < 1000) x[i] = NAN;   /* first kept value beyond the first block */
            if (j == 6) x[i] = 42;                /* constant */
            xf[i] = finite_d(x[i]) ? (float)(x[i] - 1e8) : (float)x[i];
            xd[i] = xf[i];
          }
        uint64_t h = checksum(x, rows * ld * sizeof *x);
        double *phi = malloc(cols * sizeof *phi), *mu = malloc(cols * sizeof *mu);
        cr_assert_eq(sk_col_ar1_f64(rows, cols, x, ld, phi, mu), SK_OK);
        for (size_t j = 0; j < cols; j++) {
          long double rphi, rmu;
          ref_ar1(x + j, rows, ld, &rphi, &rmu);
          check_ar1_value(phi[j], mu[j], rphi, rmu, "col_ar1 f64", isa, rows, cols * 100 + j);
        }
        cr_assert_eq(sk_col_ar1_f32(rows, cols, xf, ld, phi, NULL), SK_OK);
        cr_assert_eq(sk_col_ar1_f32(rows, cols, xf, ld, NULL, mu), SK_OK);
        for (size_t j = 0; j < cols; j++) {
          long double rphi, rmu;
          ref_ar1(xd + j, rows, ld, &rphi, &rmu);
          check_ar1_value(phi[j], mu[j], rphi, rmu, "col_ar1 f32", isa, rows, cols * 100 + j);
        }
        cr_assert_eq(h, checksum(x, rows * ld * sizeof *x), "input modified");
        if (rows > 1) cr_assert_eq(sk_col_ar1_f64(rows, cols, x, ld, x + 1, mu), SK_EINVAL);
        free(x); free(xd); free(xf); free(a); free(phi); free(mu);
      }
    /* the matrix ends at a guard page (ld == cols) */
    for (size_t cols = 1; cols <= 19; cols++) {
      size_t rows = 37;
      sk_guard g;
      float *gx = sk_guard_alloc(&g, rows * cols * sizeof *gx);
      for (size_t i = 0; i < rows * cols; i++) gx[i] = (float)sk_unif(&s);
      double phi[19], mu[19];
      cr_assert_eq(sk_col_ar1_f32(rows, cols, gx, cols, phi, mu), SK_OK);
      for (size_t j = 0; j < cols; j++) {
        double p1, m1;
        cr_assert_eq(sk_ar1_f32(gx + j, rows, cols, &p1, &m1), SK_OK);
        cr_assert(fabs(p1 - phi[j]) <= 1e-13 && fabs(m1 - mu[j]) <= 1e-15, "guard col %zu", j);
      }
      sk_guard_free(&g);
    }
  }
  double m[4], p[2];
  cr_assert_eq(sk_col_ar1_f64(2, 2, m, 1, p, NULL), SK_EINVAL); /* ld < cols */
  cr_assert_eq(sk_col_ar1_f64(2, 2, NULL, 2, p, NULL), SK_EINVAL);
  cr_assert_eq(sk_col_ar1_f64(2, 2, m, 2, NULL, NULL), SK_EINVAL);
  cr_assert_eq(sk_col_ar1_f64(SIZE_MAX / 8, 4, m, 4, p, NULL), SK_EOVERFLOW);
  cr_assert_eq(sk_col_ar1_f64(0, 2, NULL, 2, p, m), SK_OK);
  cr_assert(p[0] == 0 && p[1] == 0 && isnan(m[0]) && isnan(m[1]), "rows == 0: phi 0, mu NaN");
}

/* ---- fill and lag -------------------------------------------------------------------------- */
/* Column AR(1) runs slices of columns in parallel (32 + 9 and 16 + 16 + 9 of 41; every slice
 * blocks its rows as the whole matrix would): 1, 2 and 3 threads give the same bits. */
Test(series, col_ar1_threads_identical) {
  uint64_t s = 18;
  size_t rows = 20001, cols = 41;
  double *x = malloc(rows * cols * sizeof *x);
  float *xf = malloc(rows * cols * sizeof *xf);
  for (size_t j = 0; j < cols; j++) { /* AR(1) paths around an offset, some non-finite values */
    double v = 0;
    for (size_t r = 0; r < rows; r++) {
      v = 0.3 + 0.01 * (double)j * v + sk_unif(&s) - 0.5;
      size_t i = r * cols + j;
      x[i] = i % 3001 == 11 ? INFINITY : i % 2999 == 5 ? NAN : 1e4 + v;
      xf[i] = (float)x[i];
    }
  }
  FOR_EACH_ISA(isa) {
    double r[3][4 * 41];
    for (size_t t = 1; t <= 3; t++) {
      sk_set_num_threads(t);
      double *o = r[t - 1];
      cr_assert_eq(sk_col_ar1_f64(rows, cols, x, cols, o, o + cols), SK_OK);
      cr_assert_eq(sk_col_ar1_f32(rows, cols, xf, cols, o + 2 * cols, o + 3 * cols), SK_OK);
      if (t > 1) cr_assert(!memcmp(r[0], o, sizeof r[0]), "col ar1 threads=%zu isa=%s", t, sk_isa_name(isa));
    }
    sk_set_num_threads(1);
    double phi, mu;
    cr_assert_eq(sk_ar1_f64(x + 40, rows, cols, &phi, &mu), SK_OK);
    cr_assert(fabs(r[2][40] - phi) <= 1e-12 && fabs(r[2][cols + 40] - mu) <= 1e-12 * fabs(mu),
              "threaded col ar1 vs 1-D isa=%s: %.17g %.17g", sk_isa_name(isa), r[2][40], phi);
  }
  free(x), free(xf);
}

Test(series, col_fill_nonfinite) {
  static const size_t ROWS[] = {0, 1, 5, 33}, COLS[] = {1, 2, 7, 8, 9, 17, 50};
  uint64_t s = 6;
  FOR_EACH_ISA(isa) {
    for (size_t ri = 0; ri < 4; ri++)
      for (size_t ci = 0; ci < 7; ci++)
        for (size_t pad = 0; pad < 3; pad += 2) {
          size_t rows = ROWS[ri], cols = COLS[ci], ld = cols + pad, ldo = cols + 1, tot = rows * ld + 1;
          double *x = malloc(tot * sizeof *x), *o = malloc((rows * ldo + 1) * sizeof *o);
          float *xf = malloc(tot * sizeof *xf), *of = malloc((rows * ldo + 1) * sizeof *of);
          double *fill = malloc(cols * sizeof *fill);
          for (size_t j = 0; j < cols; j++) fill[j] = j % 3 == 1 ? NAN : 0.1 * (double)j - 1; /* NaN fill is allowed */
          for (size_t i = 0; i < tot; i++) {
            uint64_t k = sk_rng(&s) % 10;
            x[i] = k == 0 ? NAN : k == 1 ? INFINITY : k == 2 ? -INFINITY : k == 3 ? -0.0 : sk_unif(&s) * 1e300;
            xf[i] = k < 4 ? (float)x[i] : (float)sk_unif(&s) * 1e30f;
          }
          uint64_t h = checksum(x, tot * sizeof *x), hf = checksum(xf, tot * sizeof *xf);
          cr_assert_eq(sk_col_fill_nonfinite_f64(rows, cols, x, ld, fill, o, ldo), SK_OK);
          cr_assert_eq(sk_col_fill_nonfinite_f32(rows, cols, xf, ld, fill, of, ldo), SK_OK);
          for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < cols; j++) {
              double v = x[r * ld + j], want = finite_d(v) ? v : fill[j];
              float vf = xf[r * ld + j], wantf = finite_d(vf) ? vf : (float)fill[j];
              cr_assert(!memcmp(&o[r * ldo + j], &want, sizeof want) || (isnan(want) && isnan(o[r * ldo + j])),
                        "fill f64 isa=%s (%zu,%zu) of %zux%zu: %g want %g", sk_isa_name(isa), r, j, rows, cols,
                        o[r * ldo + j], want);
              cr_assert(!memcmp(&of[r * ldo + j], &wantf, sizeof wantf) || (isnan(wantf) && isnan(of[r * ldo + j])),
                        "fill f32 isa=%s (%zu,%zu)", sk_isa_name(isa), r, j);
            }
          cr_assert(h == checksum(x, tot * sizeof *x) && hf == checksum(xf, tot * sizeof *xf), "input modified");
          /* in place gives the same */
          cr_assert_eq(sk_col_fill_nonfinite_f64(rows, cols, x, ld, fill, x, ld), SK_OK);
          for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < cols; j++)
              cr_assert(!memcmp(&x[r * ld + j], &o[r * ldo + j], sizeof(double)) || isnan(x[r * ld + j]),
                        "in place isa=%s", sk_isa_name(isa));
          if (rows > 1) {
            cr_assert_eq(sk_col_fill_nonfinite_f64(rows, cols, x, ld, fill, x + 1, ld), SK_EINVAL);
          }
          free(x); free(o); free(xf); free(of); free(fill);
        }
    /* big enough for the streaming path (>= 8 MiB out, rows >= 4 KiB), ldo odd so rows start
     * misaligned */
    for (size_t ldo = 1100; ldo <= 1101; ldo++) {
      size_t rows = 1000, cols = 1100;
      double *x = malloc(rows * cols * sizeof *x), *o = malloc(rows * ldo * sizeof *o), fill[1100];
      float *xf = malloc(rows * cols * sizeof *xf), *of = malloc(rows * ldo * 2 * sizeof *of);
      for (size_t j = 0; j < cols; j++) fill[j] = -(double)j;
      for (size_t i = 0; i < rows * cols; i++) x[i] = i % 7 == 0 ? NAN : (double)i, xf[i] = (float)x[i];
      cr_assert_eq(sk_col_fill_nonfinite_f64(rows, cols, x, cols, fill, o, ldo), SK_OK);
      cr_assert_eq(sk_col_fill_nonfinite_f32(rows, cols, xf, cols, fill, of, 2 * ldo), SK_OK);
      for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < cols; j++) {
          size_t i = r * cols + j;
          cr_assert(o[r * ldo + j] == (i % 7 ? (double)i : fill[j]), "big fill isa=%s (%zu,%zu)", sk_isa_name(isa), r, j);
          cr_assert(of[r * 2 * ldo + j] == (i % 7 ? (float)i : (float)fill[j]), "big fill f32 isa=%s", sk_isa_name(isa));
        }
      free(x); free(o); free(xf); free(of);
    }
    { /* >= 8 MiB of short contiguous rows: streamed in multi-row runs from a misaligned start */
      size_t rows = 200003, cols = 7;
      double *x = malloc(rows * cols * sizeof *x), *o = malloc((rows * cols + 1) * sizeof *o), fill[7];
      for (size_t j = 0; j < cols; j++) fill[j] = -(double)j;
      for (size_t i = 0; i < rows * cols; i++) x[i] = i % 5 == 0 ? INFINITY : (double)i;
      cr_assert_eq(sk_col_fill_nonfinite_f64(rows, cols, x, cols, fill, o + 1, cols), SK_OK);
      for (size_t i = 0; i < rows * cols; i++)
        cr_assert(o[i + 1] == (i % 5 ? (double)i : fill[i % cols]), "short-row stream fill isa=%s i=%zu", sk_isa_name(isa), i);
      free(x); free(o);
    }
    /* input and output both end at guard pages */
    for (size_t cols = 1; cols <= 19; cols++) {
      size_t rows = 3;
      sk_guard gi, go;
      float *gx = sk_guard_alloc(&gi, rows * cols * sizeof *gx), *gz = sk_guard_alloc(&go, rows * cols * sizeof *gz);
      double fill[19];
      for (size_t j = 0; j < cols; j++) fill[j] = (double)j;
      for (size_t i = 0; i < rows * cols; i++) gx[i] = i % 4 ? (float)i : NAN;
      cr_assert_eq(sk_col_fill_nonfinite_f32(rows, cols, gx, cols, fill, gz, cols), SK_OK);
      for (size_t i = 0; i < rows * cols; i++)
        cr_assert_eq(gz[i], i % 4 ? (float)i : (float)(i % cols), "guard fill isa=%s cols=%zu", sk_isa_name(isa), cols);
      sk_guard_free(&gi);
      sk_guard_free(&go);
    }
  }
  double m[8], f[2] = {0, 0};
  cr_assert_eq(sk_col_fill_nonfinite_f64(2, 2, m, 2, NULL, m + 4, 2), SK_EINVAL);
  cr_assert_eq(sk_col_fill_nonfinite_f64(2, 2, m, 2, f, m + 4, 1), SK_EINVAL);
  cr_assert_eq(sk_col_fill_nonfinite_f64(2, 2, NULL, 2, f, m + 4, 2), SK_EINVAL);
  cr_assert_eq(sk_col_fill_nonfinite_f64(2, 2, m, 2, m + 4, m + 4, 2), SK_EINVAL); /* fill inside out */
  cr_assert_eq(sk_col_fill_nonfinite_f64(SIZE_MAX / 8, 2, m, 2, f, m + 4, 2), SK_EOVERFLOW);
  cr_assert_eq(sk_col_fill_nonfinite_f64(0, 2, NULL, 2, NULL, NULL, 2), SK_OK);
}

static int same_or_both_nan(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

#define CHECK_LAG(T, fn, rows, cols, x, ld, L, out, ldo, isa)                                      \
  do {                                                                                           \
    cr_assert_eq(fn(rows, cols, x, ld, L, out, ldo), SK_OK);                                     \
    for (size_t r = 0; r < (rows); r++)                                                          \
      for (size_t j = 0; j < (cols); j++)                                                        \
        for (size_t l = 0; l <= (L); l++) {                                                      \
          T got = out[r * (ldo) + j * ((L) + 1) + l];                                            \
          T want = r >= l ? x[(r - l) * (ld) + j] : (T)NAN;                                      \
          cr_assert(same_or_both_nan(got, want), #fn " isa=%s rows=%zu cols=%zu L=%zu (%zu,%zu,%zu)", \
                    sk_isa_name(isa), (size_t)(rows), (size_t)(cols), (size_t)(L), r, j, l);     \
        }                                                                                        \
  } while (0)

/* Blocks of rows in parallel, each starting L rows early: 1, 2 and 3 threads write the same bits
 * (ragged blocks; big enough to be worth threads; streamed output, odd ldo) */
Test(series, lag_matrix_threads_identical) {
  size_t rows = 60001, cols = 13, L = 5, W = cols * (L + 1), ldo = W + 1;
  uint64_t s = 19;
  double *x = malloc(rows * cols * sizeof *x), *o[3];
  float *xf = malloc(rows * cols * sizeof *xf), *of[3];
  for (size_t i = 0; i < rows * cols; i++) x[i] = i % 977 == 3 ? NAN : sk_unif(&s), xf[i] = (float)x[i];
  for (int t = 0; t < 3; t++) o[t] = malloc(rows * ldo * sizeof *o[t]), of[t] = malloc(rows * ldo * sizeof *of[t]);
  FOR_EACH_ISA(isa) {
    for (size_t t = 1; t <= 3; t++) {
      sk_set_num_threads(t);
      memset(o[t - 1], 0, rows * ldo * sizeof *o[0]), memset(of[t - 1], 0, rows * ldo * sizeof *of[0]);
      cr_assert_eq(sk_lag_matrix_f64(rows, cols, x, cols, L, o[t - 1], ldo), SK_OK);
      cr_assert_eq(sk_lag_matrix_f32(rows, cols, xf, cols, L, of[t - 1], ldo), SK_OK);
      for (size_t r = 0; r < rows; r++) { /* the written part of every row (the gap is not ours) */
        cr_assert(!memcmp(o[0] + r * ldo, o[t - 1] + r * ldo, W * sizeof *o[0]), "lag f64 threads=%zu row %zu isa=%s", t, r, sk_isa_name(isa));
        cr_assert(!memcmp(of[0] + r * ldo, of[t - 1] + r * ldo, W * sizeof *of[0]), "lag f32 threads=%zu row %zu isa=%s", t, r, sk_isa_name(isa));
      }
    }
    double *g = o[2]; /* and the 3-thread output against the definition */
    for (size_t r = 0; r < rows; r++)
      for (size_t j = 0; j < cols; j++)
        for (size_t l = 0; l <= L; l++) {
          double want = r >= l ? x[(r - l) * cols + j] : NAN, got = g[r * ldo + j * (L + 1) + l];
          cr_assert(same_or_both_nan(got, want), "threaded lag isa=%s (%zu,%zu,%zu)", sk_isa_name(isa), r, j, l);
        }
    sk_set_num_threads(1);
  }
  for (int t = 0; t < 3; t++) free(o[t]), free(of[t]);
  free(x), free(xf);
}

Test(series, lag_matrix) {
  static const size_t ROWS[] = {0, 1, 2, 5, 40}, COLS[] = {1, 3, 8, 50}, LAGS[] = {0, 1, 3, 10};
  uint64_t s = 7;
  FOR_EACH_ISA(isa) {
    for (size_t ri = 0; ri < 5; ri++)
      for (size_t ci = 0; ci < 4; ci++)
        for (size_t li = 0; li < 4; li++) {
          size_t rows = ROWS[ri], cols = COLS[ci], L = LAGS[li], ld = cols + 1, W = cols * (L + 1), ldo = W + 3;
          double *x = malloc((rows * ld + 1) * sizeof *x), *o = malloc((rows * ldo + 1) * sizeof *o);
          float *xf = malloc((rows * ld + 1) * sizeof *xf), *of = malloc((rows * ldo + 1) * sizeof *of);
          for (size_t i = 0; i < rows * ld; i++) x[i] = sk_unif(&s), xf[i] = (float)x[i];
          if (rows * ld > 3) x[3] = NAN, xf[3] = INFINITY; /* non-finite input is copied as is */
          uint64_t h = checksum(x, rows * ld * sizeof *x);
          CHECK_LAG(double, sk_lag_matrix_f64, rows, cols, x, ld, L, o, ldo, isa);
          CHECK_LAG(float, sk_lag_matrix_f32, rows, cols, xf, ld, L, of, ldo, isa);
          cr_assert_eq(h, checksum(x, rows * ld * sizeof *x), "input modified");
          free(x); free(o); free(xf); free(of);
        }
    /* big enough for the streaming path; odd ldo so rows start misaligned */
    size_t rows = sk_test_small() ? 2000 : 20000, cols = 50, L = 2, W = cols * (L + 1);
    for (size_t ldo = W; ldo <= W + 1; ldo++) {
      double *x = malloc(rows * cols * sizeof *x), *o = malloc(rows * ldo * sizeof *o);
      float *xf = malloc(rows * cols * sizeof *xf), *of = malloc(rows * ldo * sizeof *of);
      for (size_t i = 0; i < rows * cols; i++) x[i] = sk_unif(&s), xf[i] = (float)x[i];
      CHECK_LAG(double, sk_lag_matrix_f64, rows, cols, x, cols, L, o, ldo, isa);
      CHECK_LAG(float, sk_lag_matrix_f32, rows, cols, xf, cols, L, of, ldo, isa);
      free(x); free(o); free(xf); free(of);
    }
    /* output ends at a guard page */
    for (size_t c = 1; c <= 9; c++) {
      size_t r = 4, l = 2, w = c * (l + 1);
      double x[4 * 9];
      for (size_t i = 0; i < r * c; i++) x[i] = (double)i;
      sk_guard g;
      double *o = sk_guard_alloc(&g, r * w * sizeof *o);
      CHECK_LAG(double, sk_lag_matrix_f64, r, c, x, c, l, o, w, isa);
      sk_guard_free(&g);
    }
  }
  double x[8], o[64];
  cr_assert_eq(sk_lag_matrix_f64(2, 2, x, 2, 3, o, 7), SK_EINVAL);  /* ldo < cols * (L + 1) */
  cr_assert_eq(sk_lag_matrix_f64(2, 2, x, 1, 3, o, 8), SK_EINVAL);  /* ldx < cols */
  cr_assert_eq(sk_lag_matrix_f64(2, 2, NULL, 2, 3, o, 8), SK_EINVAL);
  cr_assert_eq(sk_lag_matrix_f64(2, 2, x, 2, 3, NULL, 8), SK_EINVAL);
  cr_assert_eq(sk_lag_matrix_f64(2, 2, o, 2, 3, o + 2, 8), SK_EINVAL); /* overlap */
  cr_assert_eq(sk_lag_matrix_f64(2, 2, x, 2, SIZE_MAX, o, 8), SK_EOVERFLOW);
  cr_assert_eq(sk_lag_matrix_f64(2, 4, x, 4, SIZE_MAX / 2, o, 8), SK_EOVERFLOW);
  cr_assert_eq(sk_lag_matrix_f64(SIZE_MAX / 32, 2, x, 2, 3, o, 8), SK_EOVERFLOW);
  cr_assert_eq(sk_lag_matrix_f64(0, 2, NULL, 2, 3, NULL, 8), SK_OK);
}

/* ---- normal p-values ------------------------------------------------------------------------- */
static long double ref_pvalue(double z) { return erfcl(fabsl((long double)z) / sqrtl(2.0L)); }

static void check_pvalue(double got, double z, int precise, sk_isa isa, size_t i, size_t n) {
  long double want = ref_pvalue(z);
  if (isnan(z)) {
    cr_assert(isnan(got), "pvalue(NaN) isa=%s: %g", sk_isa_name(isa), got);
    return;
  }
  long double x = fminl(fabsl((long double)z) / sqrtl(2.0L), 40.0L); /* the result is 0 beyond */
  /* 4 ulp (SLEEF's 1.5, the first-order correction, rounding); subnormal results: absolute.
   * With a binary64 reference, its own z / sqrt(2) rounding costs it ~2 x^2 ulp. */
  long double tol = (4 * DBL_EPSILON * (precise ? 1 : 1 + 2 * x * x)) * want + 8 * DBL_TRUE_MIN;
  cr_assert(fabsl(got - want) <= tol, "pvalue isa=%s z=%.17g (i=%zu n=%zu): %.17g vs %.17Lg (%.2Lg ulp)",
            sk_isa_name(isa), z, i, n, got, want, fabsl(got - want) / (DBL_EPSILON * want));
}

Test(series, norm_pvalue) {
  int precise = ldbl_precise();
  size_t nmax = sk_test_small() ? 10007 : 100003;
  double *z = malloc(nmax * sizeof *z), *o = malloc(nmax * sizeof *o);
  float *zf = malloc(nmax * sizeof *zf), *of = malloc(nmax * sizeof *of);
  static const double special[] = {0.0, -0.0, NAN, INFINITY, -INFINITY, 1e-310, 1e-20, 0.5, 1, 1.4142135623730951,
                                   5, 10, 20, 30, 37, 38, 38.4, 38.6, 39, 50, 1e10, 1e300, -37.5, -8.25};
  uint64_t s = 8;
  FOR_EACH_ISA(isa) {
    for (size_t n = 0; n <= nmax; n = n < 40 ? n + 1 : n == nmax ? nmax + 1 : nmax) {
      for (size_t i = 0; i < n; i++) {
        z[i] = i < 24 && n < 40 ? special[(i + n) % 24] : sk_unif(&s) * (i % 2 ? 40 : 4);
        zf[i] = (float)z[i];
      }
      uint64_t h = checksum(z, n * sizeof *z);
      cr_assert_eq(sk_norm_pvalue_f64(z, n, o), SK_OK);
      cr_assert_eq(sk_norm_pvalue_f32(zf, n, of), SK_OK);
      for (size_t i = 0; i < n; i++) {
        check_pvalue(o[i], z[i], precise, isa, i, n);
        /* f32: computed in f64, rounded once: within one float ulp (absolute below FLT_MIN) */
        long double w = ref_pvalue((double)zf[i]);
        if (isnan(zf[i])) cr_assert(isnan(of[i]));
        else
          cr_assert(fabsl(of[i] - w) <= FLT_EPSILON * w + 2e-45L, "pvalue f32 isa=%s z=%.9g: %.9g vs %.12Lg",
                    sk_isa_name(isa), zf[i], of[i], w);
      }
      cr_assert_eq(h, checksum(z, n * sizeof *z), "input modified");
      /* in place: same bits */
      double *zz = malloc((n + 1) * sizeof *zz);
      memcpy(zz, z, n * sizeof *z);
      cr_assert_eq(sk_norm_pvalue_f64(zz, n, zz), SK_OK);
      cr_assert(!memcmp(zz, o, n * sizeof *o), "in place differs isa=%s n=%zu", sk_isa_name(isa), n);
      free(zz);
    }
    /* the input ends at a guard page */
    for (size_t n = 0; n < 40; n++) {
      sk_guard g;
      float *gz = sk_guard_alloc(&g, n * sizeof *gz);
      for (size_t i = 0; i < n; i++) gz[i] = (float)i * 0.25f;
      cr_assert_eq(sk_norm_pvalue_f32(gz, n, gz), SK_OK);
      for (size_t i = 0; i < n; i++)
        cr_assert(fabsl(gz[i] - ref_pvalue(i * 0.25)) <= FLT_EPSILON * ref_pvalue(i * 0.25) + 2e-45L);
      sk_guard_free(&g);
    }
  }
  cr_assert_eq(sk_norm_pvalue_f64(NULL, 3, o), SK_EINVAL);
  cr_assert_eq(sk_norm_pvalue_f64(z, 3, NULL), SK_EINVAL);
  cr_assert_eq(sk_norm_pvalue_f64(z, 3, z + 1), SK_EINVAL);
  cr_assert_eq(sk_norm_pvalue_f64(z, SIZE_MAX / 4, o), SK_EOVERFLOW);
  cr_assert_eq(sk_norm_pvalue_f64(NULL, 0, NULL), SK_OK);
  free(z); free(o); free(zf); free(of);
}

/* ---- DFT power ------------------------------------------------------------------------------- */
static const long double PI_L = 3.141592653589793238462643383279502884L;

/* power[k] for k < nbins in long double, with the angle reduced exactly as the code does */
static void ref_dft(const double *x, size_t n, size_t stride, size_t nbins, long double *p) {
  long double *c = malloc((n + 1) * sizeof *c), *sn = malloc((n + 1) * sizeof *sn);
  for (size_t m = 0; m < n; m++) c[m] = cosl(2 * PI_L * m / n), sn[m] = sinl(2 * PI_L * m / n);
  for (size_t k = 0; k < nbins; k++) {
    long double re = 0, im = 0;
    size_t kk = n ? k % n : 0, idx = 0;
    for (size_t t = 0; t < n; t++) {
      re += x[t * stride] * c[idx], im += x[t * stride] * sn[idx];
      idx += kk;
      if (idx >= n) idx -= n;
    }
    p[k] = re * re + im * im;
  }
  free(c); free(sn);
}

Test(series, dft_power) {
  static const size_t NS[] = {0, 1, 2, 3, 5, 7, 8, 16, 31, 32, 33, 63, 64, 65, 100, 257, 1000};
  size_t nn = sk_test_small() ? 16 : 17;
  uint64_t s = 10;
  FOR_EACH_ISA(isa) {
    for (size_t ni = 0; ni < nn; ni++)
      for (size_t stride = 1; stride <= 2; stride++) {
        size_t n = NS[ni], nbins = n + 5;
        double *x = malloc((n * stride + 1) * sizeof *x), *p = malloc(nbins * sizeof *p), *xd = malloc((n * stride + 1) * sizeof *xd);
        float *xf = malloc((n * stride + 1) * sizeof *xf), *pf = malloc(nbins * sizeof *pf);
        long double *rp = malloc(nbins * sizeof *rp), s1 = 0, s1f = 0;
        for (size_t i = 0; i < n * stride; i++) {
          x[i] = cos(2 * M_PI * 3 * (double)(i / stride) / (double)n) + 0.3 * sk_unif(&s) + 2.0; /* tone + noise + DC */
          xf[i] = (float)x[i];
          xd[i] = xf[i];
        }
        for (size_t t = 0; t < n; t++) s1 += fabs(x[t * stride]), s1f += fabsf(xf[t * stride]);
        uint64_t h = checksum(x, n * stride * sizeof *x);
        ref_dft(x, n, stride, nbins, rp);
        cr_assert_eq(sk_dft_power_f64(x, n, stride, nbins, p), SK_OK);
        for (size_t k = 0; k < nbins; k++) {
          long double tol = 8.0L * (n + 1) * DBL_EPSILON * s1 * s1 + 1e-300L;
          cr_assert(fabsl(p[k] - rp[k]) <= tol, "dft isa=%s n=%zu stride=%zu k=%zu: %.17g vs %.17Lg", sk_isa_name(isa),
                    n, stride, k, p[k], rp[k]);
          if (k >= n && n) cr_assert_eq(p[k], p[k % n], "periodic bins isa=%s n=%zu k=%zu", sk_isa_name(isa), n, k);
        }
        ref_dft(xd, n, stride, nbins, rp);
        cr_assert_eq(sk_dft_power_f32(xf, n, stride, nbins, pf), SK_OK);
        for (size_t k = 0; k < nbins; k++) {
          long double tol = 8.0L * (n + 1) * DBL_EPSILON * s1f * s1f + FLT_EPSILON * rp[k] + 1e-30L;
          cr_assert(fabsl(pf[k] - rp[k]) <= tol, "dft f32 isa=%s n=%zu k=%zu: %.9g vs %.12Lg", sk_isa_name(isa), n, k,
                    pf[k], rp[k]);
        }
        cr_assert_eq(h, checksum(x, n * stride * sizeof *x), "input modified");
        free(x); free(p); free(xd); free(xf); free(pf); free(rp);
      }
    /* a long signal, a few bins (the last ones near n / 2); input at a guard page */
    size_t n = sk_test_small() ? 1024 : 4096, nb = 40;
    sk_guard g;
    double *x = sk_guard_alloc(&g, n * sizeof *x), p[40];
    long double rp[40], s1 = 0;
    for (size_t t = 0; t < n; t++) x[t] = sin(2 * M_PI * 37.0 * (double)t / (double)n) + 1e-3 * sk_unif(&s), s1 += fabs(x[t]);
    ref_dft(x, n, 1, nb, rp);
    cr_assert_eq(sk_dft_power_f64(x, n, 1, nb, p), SK_OK);
    for (size_t k = 0; k < nb; k++)
      cr_assert(fabsl(p[k] - rp[k]) <= 8.0L * n * DBL_EPSILON * s1 * s1, "dft long isa=%s k=%zu: %.17g vs %.17Lg",
                sk_isa_name(isa), k, p[k], rp[k]);
    cr_assert(fabs(p[37] - (double)(n * n) / 4) <= 1e-2 * (double)(n * n) / 4, "tone bin: %g", p[37]);
    sk_guard_free(&g);
    double nanx[5] = {1, 2, NAN, 4, 5}, pn[7];
    cr_assert_eq(sk_dft_power_f64(nanx, 5, 1, 7, pn), SK_OK);
    for (int k = 0; k < 7; k++) cr_assert(isnan(pn[k]), "NaN propagates to bin %d", k);
  }
  double x[4] = {1, 2, 3, 4}, p[8] = {-1, -1, -1};
  cr_assert_eq(sk_dft_power_f64(NULL, 0, 1, 3, p), SK_OK);
  cr_assert(p[0] == 0 && p[1] == 0 && p[2] == 0, "n == 0: bins are 0");
  cr_assert_eq(sk_dft_power_f64(x, 4, 0, 3, p), SK_EINVAL);
  cr_assert_eq(sk_dft_power_f64(NULL, 4, 1, 3, p), SK_EINVAL);
  cr_assert_eq(sk_dft_power_f64(x, 4, 1, 3, NULL), SK_EINVAL);
  cr_assert_eq(sk_dft_power_f64(x, 4, 1, 3, x + 2), SK_EINVAL);
  cr_assert_eq(sk_dft_power_f64(x, 4, 1, SIZE_MAX / 4, p), SK_EOVERFLOW);
  cr_assert_eq(sk_dft_power_f64(x, SIZE_MAX / 8, 2, 3, p), SK_EOVERFLOW);
  cr_assert_eq(sk_dft_power_f64(x, 4, 1, 0, NULL), SK_OK);
}
