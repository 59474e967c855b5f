/* Vector-pair kernels on every supported ISA against long-double references. */
#include <float.h>
#include <math.h>

#include "common.h"

typedef enum { K_DOT, K_SQE, K_EUC, K_COS, K_N } kind;
static const char *kname[K_N] = {"dot", "sqeuclidean", "euclidean", "cosine"};

typedef sk_status (*fn64)(const double *, const double *, size_t, double *);
typedef sk_status (*fn32)(const float *, const float *, size_t, double *);
static const fn64 F64[K_N] = {sk_dot_f64, sk_sqeuclidean_f64, sk_euclidean_f64, sk_cosine_similarity_f64};
static const fn32 F32[K_N] = {sk_dot_f32, sk_sqeuclidean_f32, sk_euclidean_f32, sk_cosine_similarity_f32};

/* Reference value and an error bound from the standard forward-error analysis of a sum of n terms
 * in binary64: |err| <= (n + 4) u sum|terms| (u = 2^-53), doubled for mul+add without FMA.
 * The reference scales each vector by a power of two (exact) and sums with Neumaier compensation
 * in long double, so it stays exact-enough even where long double is only binary64 (valgrind
 * emulates x87 at 64 bits) and never overflows or underflows on the way. */
/* overflow_ok: some partial sum of |terms| exceeds DBL_MAX, so an f64 accumulation may end in
 * +-Inf or NaN (Inf - Inf); only a finite answer is then checked. */
typedef struct { long double v; long double tol; int overflow_ok; } ref_t;
typedef struct { long double s, c; } nsum;
static void nadd(nsum *n, long double x) {
  long double t = n->s + x;
  if (isfinite(t)) n->c += fabsl(n->s) >= fabsl(x) ? (n->s - t) + x : (x - t) + n->s;
  n->s = t;
}
static long double nval(nsum n) { return isfinite(n.s) ? n.s + n.c : n.s; }
static int exp_of(long double m) { /* power-of-two exponent of a finite max, 0 otherwise */
  int e = 0;
  if (m > 0 && isfinite(m)) frexpl(m, &e);
  return e;
}

/* With a NaN or Inf input the answer is NaN or +-Inf by IEEE rules alone, whatever the order;
 * plain binary64 gets it right (valgrind's long double turns Inf into LDBL_MAX). */
#define DEFINE_REF(T, S)                                                                   \
  static ref_t ref_nonfinite_##S(kind k, const T *a, const T *b, size_t n) {               \
    double ab = 0, sq = 0;                                                                 \
    for (size_t i = 0; i < n; i++) {                                                       \
      double d = (double)a[i] - (double)b[i];                                              \
      ab += (double)a[i] * (double)b[i];                                                   \
      sq += d * d;                                                                         \
    }                                                                                      \
    ref_t r = {k == K_DOT ? ab : k == K_SQE ? sq : k == K_EUC ? sqrt(sq) : NAN, 0, 0};     \
    return r;                                                                              \
  }                                                                                        \
  static ref_t ref_##S(kind k, const T *a, const T *b, size_t n) {                         \
    long double ma = 0, mb = 0, md = 0;                                                    \
    int bad = 0;                                                                           \
    for (size_t i = 0; i < n; i++) {                                                       \
      long double x = a[i], y = b[i];                                                      \
      bad |= !isfinite((double)a[i]) || !isfinite((double)b[i]);                           \
      ma = fmaxl(ma, fabsl(x)); mb = fmaxl(mb, fabsl(y)); md = fmaxl(md, fabsl(x - y));    \
    }                                                                                      \
    if (bad) return ref_nonfinite_##S(k, a, b, n);                                         \
    int ea = exp_of(ma), eb = bad ? 0 : exp_of(mb), ed = bad ? 0 : exp_of(md);  \
    nsum ab = {0, 0}, aa = {0, 0}, bb = {0, 0}, sabs = {0, 0}, sq = {0, 0};                \
    for (size_t i = 0; i < n; i++) {                                                       \
      long double x = ldexpl(a[i], -ea), y = ldexpl(b[i], -eb);                            \
      long double d = ldexpl((long double)a[i] - (long double)b[i], -ed);                  \
      nadd(&ab, x * y); nadd(&aa, x * x); nadd(&bb, y * y); nadd(&sabs, fabsl(x * y));     \
      nadd(&sq, d * d);                                                                    \
    }                                                                                      \
    long double g = (long double)(n + 4) * 0x1p-52L;                                       \
    ref_t r = {0, 0, 0};                                                                   \
    switch (k) {                                                                           \
    case K_DOT:                                                                            \
      r.v = ldexpl(nval(ab), ea + eb);                                                     \
      r.tol = g * ldexpl(nval(sabs), ea + eb);                                             \
      r.overflow_ok = !(ldexpl(nval(sabs), ea + eb) <= DBL_MAX);                           \
      break;                                                                               \
    case K_SQE: r.v = ldexpl(nval(sq), 2 * ed); r.tol = 2 * g * r.v; break;                \
    case K_EUC: r.v = ldexpl(sqrtl(nval(sq)), ed); r.tol = (g + 0x1p-52L) * r.v; break;    \
    default: {                                                                             \
      long double den = sqrtl(nval(aa)) * sqrtl(nval(bb));                                 \
      bad |= !(nval(aa) > 0) || !(nval(bb) > 0);                                           \
      r.v = bad ? NAN : fminl(1, fmaxl(-1, nval(ab) / den));                               \
      r.tol = bad ? 0 : 2 * g * nval(sabs) / den + 0x1p-50L;                               \
    }                                                                                      \
    }                                                                                      \
    /* tiny results: subnormal granularity of the f64 accumulation */                      \
    r.tol += (long double)(n + 1) * 0x1p-1074L * 4;                                        \
    return r;                                                                              \
  }
DEFINE_REF(double, f64)
DEFINE_REF(float, f32)

static void check_val(double got, ref_t r, const char *what, sk_isa isa, size_t n, size_t off) {
  double want = (double)r.v; /* rounding the reference may overflow: that is the true answer */
  if (r.overflow_ok && !isfinite(got)) return;
  if (isnan(want)) {
    cr_assert(isnan(got), "%s isa=%s n=%zu off=%zu: want NaN, got %.17g", what, sk_isa_name(isa), n, off, got);
  } else if (isinf(want)) {
    cr_assert(got == want, "%s isa=%s n=%zu off=%zu: want %g, got %.17g", what, sk_isa_name(isa), n, off, want, got);
  } else {
    long double err = fabsl((long double)got - r.v);
    cr_assert(err <= r.tol, "%s isa=%s n=%zu off=%zu: got %.17g want %.17Lg err %Lg > tol %Lg",
              what, sk_isa_name(isa), n, off, got, r.v, err, r.tol);
  }
}

/* One data set through all four kernels of one element type, inputs checked unchanged. */
#define DEFINE_RUN(T, S)                                                                     \
  static void run_##S(const T *a, const T *b, size_t n, sk_isa isa, size_t off, double *res) { \
    T *ca = malloc(n * sizeof(T) + 1), *cb = malloc(n * sizeof(T) + 1);                     \
    if (n) { memcpy(ca, a, n * sizeof(T)); memcpy(cb, b, n * sizeof(T)); }                   \
    for (int k = 0; k < K_N; k++) {                                                          \
      double got = -12345.0;                                                                 \
      cr_assert_eq(F##S##_CALL(k)(a, b, n, &got), SK_OK);                                    \
      char what[48];                                                                         \
      snprintf(what, sizeof what, "%s_" #S, kname[k]);                                       \
      check_val(got, ref_##S((kind)k, a, b, n), what, isa, n, off);                          \
      if (res) res[k] = got;                                                                 \
    }                                                                                        \
    cr_assert(n == 0 || (memcmp(ca, a, n * sizeof(T)) == 0 && memcmp(cb, b, n * sizeof(T)) == 0), \
              "inputs modified isa=%s n=%zu", sk_isa_name(isa), n);                         \
    free(ca); free(cb);                                                                      \
  }
#define Ff64_CALL(k) F64[k]
#define Ff32_CALL(k) F32[k]
DEFINE_RUN(double, f64)
DEFINE_RUN(float, f32)

/* Lengths 0..4*lanes+3 (lanes up to 16 for f32 in a 512-bit vector), 1000, 100003, every offset
 * within a 64-byte vector for both inputs; results must not depend on the alignment (bitwise). */
#define DEFINE_SWEEP(T, S)                                                                   \
  static void sweep_##S(double scale) {                                                      \
    size_t lanes = 64 / sizeof(T), nmax = 100003;                                           \
    size_t sizes[80], ns = 0;                                                                \
    for (size_t n = 0; n <= 4 * lanes + 3; n++) sizes[ns++] = n;                             \
    sizes[ns++] = 1000;                                                                      \
    sizes[ns++] = sk_test_small() ? 10007 : nmax;                                            \
    T *ba = sk_aligned((nmax + 64) * sizeof(T)), *bb = sk_aligned((nmax + 64) * sizeof(T));       \
    uint64_t seed = 0x9e3779b97f4a7c15ull;                                                   \
    for (size_t i = 0; i < nmax + 64; i++) {                                                 \
      ba[i] = (T)(sk_unif(&seed) * scale);                                                   \
      bb[i] = (T)(sk_unif(&seed) * scale);                                                   \
    }                                                                                        \
    FOR_EACH_ISA(isa) {                                                                      \
      for (size_t si = 0; si < ns; si++) {                                                   \
        size_t n = sizes[si], offs = n > 1000 ? 2 : lanes;                                   \
        double first[K_N], res[K_N];                                                         \
        for (size_t off = 0; off < offs; off++) {                                            \
          run_##S(ba + off, bb + (off * 3) % lanes, n, isa, off, res);                       \
          if (off == 0) memcpy(first, res, sizeof res);                                      \
        }                                                                                    \
        /* same data at another alignment: identical bits */                                 \
        memmove(ba + 1, ba, n * sizeof(T));                                                  \
        run_##S(ba + 1, bb, n, isa, 1, res);                                                 \
        memmove(ba, ba + 1, n * sizeof(T));                                                  \
        for (int k = 0; k < K_N; k++)                                                        \
          cr_assert(memcmp(&res[k], &first[k], sizeof(double)) == 0,                         \
                    "%s_" #S " isa=%s n=%zu depends on alignment: %.17g vs %.17g", kname[k], \
                    sk_isa_name(isa), n, res[k], first[k]);                                  \
      }                                                                                      \
    }                                                                                        \
    free(ba); free(bb);                                                                      \
  }
DEFINE_SWEEP(double, f64)
DEFINE_SWEEP(float, f32)

TestSuite(pairs, .init = NULL);

Test(pairs, report_isas) {
  sk_test_report_isas("pairs");
  sk_isa list[8];
  cr_assert(sk_test_isas(list) >= 1 && list[0] == SK_ISA_SCALAR);
}

Test(pairs, random_f64) { sweep_f64(1.0); }
Test(pairs, random_f32) { sweep_f32(1.0); }
Test(pairs, huge_f64) { sweep_f64(1e300); }   /* sqeuclidean overflows (true value); euclidean and cosine do not */
Test(pairs, tiny_f64) { sweep_f64(1e-300); }  /* squares underflow: euclidean and cosine rescale */
Test(pairs, huge_f32) { sweep_f32(1e30); }
Test(pairs, tiny_f32) { sweep_f32(1e-40); }   /* subnormal floats */

/* Wide dynamic range within one vector: terms spanning 2^-60..2^60. */
Test(pairs, dynamic_range) {
  size_t n = 777;
  double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  float *fa = malloc(n * sizeof *fa), *fb = malloc(n * sizeof *fb);
  uint64_t s = 42;
  for (size_t i = 0; i < n; i++) {
    a[i] = ldexp(sk_unif(&s), (int)(sk_rng(&s) % 121) - 60);
    b[i] = ldexp(sk_unif(&s), (int)(sk_rng(&s) % 121) - 60);
    fa[i] = (float)a[i];
    fb[i] = (float)b[i];
  }
  FOR_EACH_ISA(isa) {
    run_f64(a, b, n, isa, 0, NULL);
    run_f32(fa, fb, n, isa, 0, NULL);
  }
  free(a); free(b); free(fa); free(fb);
}

/* Tails end at a PROT_NONE page: masked/partial loads must never read past the last element. */
Test(pairs, no_read_past_end) {
  FOR_EACH_ISA(isa) {
    for (size_t n = 0; n <= 67; n++) {
      sk_guard ga, gb, gc, gd;
      double *a = sk_guard_alloc(&ga, n * sizeof(double)), *b = sk_guard_alloc(&gb, n * sizeof(double));
      float *fa = sk_guard_alloc(&gc, n * sizeof(float)), *fb = sk_guard_alloc(&gd, n * sizeof(float));
      uint64_t s = n + 1;
      for (size_t i = 0; i < n; i++) {
        a[i] = sk_unif(&s); b[i] = sk_unif(&s); fa[i] = (float)a[i]; fb[i] = (float)b[i];
      }
      run_f64(a, b, n, isa, 0, NULL);
      run_f32(fa, fb, n, isa, 0, NULL);
      sk_guard_free(&ga); sk_guard_free(&gb); sk_guard_free(&gc); sk_guard_free(&gd);
    }
  }
}

/* cos(a, a) of a non-zero finite vector is in [1 - 2^-52, 1], whatever its magnitude. */
Test(pairs, cosine_self_is_one) {
  static const double scales[] = {1.0, 1e300, 1e-300, 1e-310, 3.0e150};
  size_t nmax = 1000;
  double *a = malloc(nmax * sizeof *a);
  float *fa = malloc(nmax * sizeof *fa);
  FOR_EACH_ISA(isa) {
    for (size_t si = 0; si < sizeof scales / sizeof scales[0]; si++) {
      for (size_t n = 1; n <= nmax; n = n < 40 ? n + 1 : n * 3) {
        uint64_t s = n * 7 + si;
        for (size_t i = 0; i < n; i++) {
          a[i] = sk_unif(&s) * scales[si];
          fa[i] = (float)(sk_unif(&s) * (si == 1 ? 1e30 : si == 2 ? 1e-30 : 1.0));
        }
        a[0] = scales[si]; /* never all zero */
        fa[0] = 1.0f;
        double c, cf;
        cr_assert_eq(sk_cosine_similarity_f64(a, a, n, &c), SK_OK);
        cr_assert_eq(sk_cosine_similarity_f32(fa, fa, n, &cf), SK_OK);
        cr_assert(c >= 1.0 - 0x1p-52 && c <= 1.0, "cos(a,a) f64 isa=%s n=%zu scale=%g: %.17g",
                  sk_isa_name(isa), n, scales[si], c);
        cr_assert(cf >= 1.0 - 0x1p-52 && cf <= 1.0, "cos(a,a) f32 isa=%s n=%zu: %.17g", sk_isa_name(isa), n, cf);
        /* a copy, not the same pointer, gives the same answer */
        double c2;
        double *b = malloc(n * sizeof *b);
        memcpy(b, a, n * sizeof *b);
        cr_assert_eq(sk_cosine_similarity_f64(a, b, n, &c2), SK_OK);
        cr_assert(c2 == c, "cos(a, copy of a) isa=%s n=%zu: %.17g vs %.17g", sk_isa_name(isa), n, c2, c);
        free(b);
      }
    }
  }
  free(a); free(fa);
}

/* NaN, +-Inf and zero vectors at every position of short and long vectors. */
Test(pairs, special_values) {
  static const double specials[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0, DBL_MAX, DBL_TRUE_MIN};
  size_t lens[] = {1, 5, 17, 33, 1000};
  FOR_EACH_ISA(isa) {
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
      size_t n = lens[li];
      double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
      float *fa = malloc(n * sizeof *fa), *fb = malloc(n * sizeof *fb);
      for (size_t sp = 0; sp < sizeof specials / sizeof specials[0]; sp++) {
        for (size_t pos = 0; pos < n; pos += (n > 40 ? 97 : 1)) {
          uint64_t s = pos + 11;
          for (size_t i = 0; i < n; i++) {
            a[i] = sk_unif(&s); b[i] = sk_unif(&s); fa[i] = (float)a[i]; fb[i] = (float)b[i];
          }
          a[pos] = specials[sp];
          fa[pos] = (float)specials[sp];
          run_f64(a, b, n, isa, pos, NULL);
          run_f64(b, a, n, isa, pos, NULL);
          run_f32(fa, fb, n, isa, pos, NULL);
          run_f32(fb, fa, n, isa, pos, NULL);
        }
      }
      /* zero vectors */
      memset(a, 0, n * sizeof *a);
      memset(fa, 0, n * sizeof *fa);
      run_f64(a, b, n, isa, 0, NULL);
      run_f64(a, a, n, isa, 0, NULL);
      run_f32(fa, fb, n, isa, 0, NULL);
      double c;
      cr_assert_eq(sk_cosine_similarity_f64(a, b, n, &c), SK_OK);
      cr_assert(isnan(c), "cosine with a zero vector isa=%s n=%zu: %g", sk_isa_name(isa), n, c);
      free(a); free(b); free(fa); free(fb);
    }
  }
}

/* Near-cancelling huge vectors: the exact difference form keeps sqeuclidean exact. */
Test(pairs, difference_form_exact) {
  double a[9], b[9];
  for (int i = 0; i < 9; i++) { a[i] = 1e8 + i; b[i] = 1e8 + i + 1e-8 * (i + 1); }
  FOR_EACH_ISA(isa) {
    run_f64(a, b, 9, isa, 0, NULL);
    double e, s;
    cr_assert_eq(sk_euclidean_f64(a, a, 9, &e), SK_OK);
    cr_assert_eq(sk_sqeuclidean_f64(a, a, 9, &s), SK_OK);
    cr_assert(e == 0.0 && s == 0.0, "self distance isa=%s: %g %g", sk_isa_name(isa), e, s);
  }
}

Test(pairs, bad_arguments) {
  double a[4] = {1, 2, 3, 4}, out = 7.0;
  float fa[4] = {1, 2, 3, 4};
  for (int k = 0; k < K_N; k++) {
    cr_assert_eq(F64[k](NULL, a, 4, &out), SK_EINVAL, "%s_f64 NULL a", kname[k]);
    cr_assert_eq(F64[k](a, NULL, 4, &out), SK_EINVAL, "%s_f64 NULL b", kname[k]);
    cr_assert_eq(F64[k](a, a, 4, NULL), SK_EINVAL, "%s_f64 NULL out", kname[k]);
    cr_assert_eq(F32[k](NULL, fa, 4, &out), SK_EINVAL, "%s_f32 NULL a", kname[k]);
    cr_assert_eq(F32[k](fa, fa, 4, NULL), SK_EINVAL, "%s_f32 NULL out", kname[k]);
    cr_assert_eq(out, 7.0, "out written on error");
    /* n == 0 with NULL inputs is fine: sums are 0, cosine is NaN */
    cr_assert_eq(F64[k](NULL, NULL, 0, &out), SK_OK);
    cr_assert(k == K_COS ? isnan(out) : out == 0.0, "%s of nothing: %g", kname[k], out);
    cr_assert_eq(F32[k](NULL, NULL, 0, &out), SK_OK);
    cr_assert(k == K_COS ? isnan(out) : out == 0.0, "%s_f32 of nothing: %g", kname[k], out);
    out = 7.0;
  }
}
