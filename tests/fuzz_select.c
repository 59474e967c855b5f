/* libFuzzer target for selection: bytes -> length (up to a few thousand, so sampling, brackets
 * and recursion all run), stride, value palette (few distinct values, infinities, NaN, any bits),
 * q values and method, on every supported ISA, f32 and f64, 1-D and per column. Invariants: no
 * crash or sanitizer report; SK_OK; inputs unchanged; every order statistic equals the one of a
 * sorted copy (checked through method 'lower', which returns an element); median and the column
 * forms agree with the 1-D calls. */
#include <math.h>
#include <simdkern.h>

#include "fuzz_common.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
static int same(double a, double b) { return (a != a && b != b) || a == b; }

#define DEFINE_RUN(T, S)                                                                        \
  static void run_##S(stream *s) {                                                              \
    size_t n = (take(s) | take(s) << 8) % 6000, stride = 1 + take(s) % 3;                       \
    unsigned pal = take(s) % 4;                                                                 \
    size_t len = n * stride + 1;                                                                \
    T *x = malloc(len * sizeof(T)), *c = malloc(len * sizeof(T));                               \
    uint64_t h = 0x12345 + s->n;                                                                \
    for (size_t i = 0; i < len; i++) {                                                          \
      h = h * 6364136223846793005ULL + (s->n ? take(s) : 1442695040888963407ULL);              \
      unsigned r = (unsigned)(h >> 33);                                                         \
      double v = pal == 0 ? (double)(r % 4)                                     /* few values */ \
               : pal == 1 ? (r % 11 == 0 ? NAN : r % 13 == 0 ? -INFINITY : r % 17 == 0 ? INFINITY \
                                                                       : (double)r * 1e-6)      \
               : pal == 2 ? (double)(int)r                                                      \
                          : 0;                                                                  \
      if (pal == 3) memcpy(&x[i], &h, sizeof(T)); /* any bits */                               \
      else x[i] = (T)v;                                                                         \
    }                                                                                           \
    memcpy(c, x, len * sizeof(T));                                                              \
    double q[7]; /* up to 7 ranks: 5-7 brackets take the bins / float-key passes */            \
    int nq = 1 + take(s) % 7;                                                                   \
    for (int i = 0; i < nq; i++) q[i] = (double)take(s) / 255.0;                                \
    double *sorted = malloc((n + 1) * sizeof(double));                                          \
    size_t m = 0, nan = 0;                                                                      \
    for (size_t i = 0; i < n; i++) {                                                            \
      double v = (double)x[i * stride];                                                         \
      if (v != v) nan++;                                                                        \
      else sorted[m++] = v;                                                                     \
    }                                                                                           \
    qsort(sorted, m, sizeof(double), cmp_d);                                                    \
    for (int isa = SK_ISA_SCALAR; isa <= SK_ISA_NEON; isa++) {                                  \
      if (sk_isa_use((sk_isa)isa) != SK_OK) continue;                                           \
      for (int omit = 0; omit < 2; omit++) {                                                    \
        sk_nan_policy pol = omit ? SK_NAN_OMIT : SK_NAN_PROPAGATE;                              \
        double out[7], med, mad, med2;                                                          \
        CHECK(sk_quantile_##S(x, n, stride, q, (size_t)nq, SK_QUANTILE_LOWER, pol, out) == SK_OK); \
        for (int i = 0; i < nq; i++) {                                                          \
          double want = (!m || (!omit && nan)) ? NAN : sorted[(size_t)floor((double)(m - 1) * q[i])]; \
          CHECK(same(out[i], want));                                                            \
        }                                                                                       \
        CHECK(sk_median_##S(x, n, stride, pol, &med) == SK_OK);                                 \
        CHECK(sk_median_mad_##S(x, n, stride, pol, &med2, &mad) == SK_OK);                      \
        CHECK(same(med, med2));                                                                 \
        if (n && stride > 1) { /* the same data as one column of a stride-wide matrix */       \
          double cm[3], cd[3];                                                                  \
          CHECK(sk_col_median_mad_##S(n, stride, x, stride, pol, cm, cd) == SK_OK);             \
          CHECK(same(cm[0], med) && same(cd[0], mad));                                          \
          size_t ci[3], i1;                                                                     \
          for (int largest = 0; largest < 2; largest++) { /* column argmin/argmax = 1-D */     \
            CHECK((largest ? sk_col_argmax_##S : sk_col_argmin_##S)(n, stride, x, stride, pol, ci) == SK_OK); \
            CHECK((largest ? sk_argmax_##S : sk_argmin_##S)(x, n, stride, pol, &i1) == SK_OK);  \
            CHECK(ci[0] == i1);                                                                 \
          }                                                                                     \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
    CHECK(memcmp(c, x, len * sizeof(T)) == 0);                                                  \
    free(x), free(c), free(sorted);                                                             \
  }

DEFINE_RUN(float, f32)
DEFINE_RUN(double, f64)

SK_FUZZ_ENTRY
