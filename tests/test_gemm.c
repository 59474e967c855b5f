/* sk_gemm_f64/f32 on every supported ISA against a long-double reference: shapes crossed over
 * sizes around every ISA's tile edges, both transposes, alpha/beta special values, padded leading
 * dimensions, operands ending at a guard page; argument errors; inputs unchanged; 1 vs 2 threads
 * bitwise equal. */
#include <float.h>
#include <math.h>

#include "common.h"

static const size_t SIZES[] = {0, 1, 2, 3, 7, 16, 17, 63, 64, 65, 255, 257};
static const size_t SIZES_SMALL[] = {0, 1, 2, 3, 7, 16, 17, 63, 65}; /* under emulation */
static const double ALPHAS[] = {0, 1, -0.5};
static const double BETAS[] = {0, 1, 2.5};

/* One multiply: shape, transposes, scalars, leading dimensions. */
typedef struct { size_t m, n, k, lda, ldb, ldc; int ta, tb; double alpha, beta; } gcase;

/* Stored shape of A and B for a case */
static size_t a_rows(const gcase *g) { return g->ta ? g->k : g->m; }
static size_t a_cols(const gcase *g) { return g->ta ? g->m : g->k; }
static size_t b_rows(const gcase *g) { return g->tb ? g->n : g->k; }
static size_t b_cols(const gcase *g) { return g->tb ? g->k : g->n; }

#define DEFINE_GEMM_CHECK(T, S, U)                                                                \
  /* reference and elementwise bound (k + 2) u (|alpha| sum |a b| + |beta c|) + subnormal slack */ \
  static void ref_##S(const gcase *g, const T *a, const T *b, const T *c0, long double *ref,       \
                      long double *tol) {                                                         \
    for (size_t i = 0; i < g->m; i++)                                                             \
      for (size_t j = 0; j < g->n; j++) {                                                         \
        long double s = 0, sa = 0;                                                                \
        for (size_t p = 0; p < g->k; p++) {                                                       \
          long double x = g->ta ? a[p * g->lda + i] : a[i * g->lda + p];                          \
          long double y = g->tb ? b[j * g->ldb + p] : b[p * g->ldb + j];                          \
          s += x * y;                                                                             \
          sa += fabsl(x * y);                                                                     \
        }                                                                                         \
        long double cv = g->beta == 0 ? 0 : (long double)c0[i * g->ldc + j];                      \
        ref[i * g->n + j] = (long double)(T)g->alpha * s + (long double)(T)g->beta * cv;          \
        tol[i * g->n + j] = (long double)(g->k + 2) * (U) *                                       \
                                (fabsl((long double)g->alpha) * sa + fabsl(g->beta * cv)) +       \
                            (long double)(g->k + 2) * 8 * (U == 0x1p-24L ? 0x1p-149L : 0x1p-1074L); \
      }                                                                                           \
  }                                                                                               \
  static sk_status call_##S(const gcase *g, const T *a, const T *b, T *c) {                       \
    return sk_gemm_##S((sk_trans)g->ta, (sk_trans)g->tb, g->m, g->n, g->k, (T)g->alpha, a,         \
                       g->lda, b, g->ldb, (T)g->beta, c, g->ldc);                                 \
  }                                                                                               \
  /* one case on every ISA: operands end at guard pages, C's padding must stay untouched */      \
  static void run_##S(const gcase *g, uint64_t seed) {                                            \
    size_t na = a_rows(g) * g->lda, nb = b_rows(g) * g->ldb, nc = g->m * g->ldc;                  \
    sk_guard ga, gb, gc;                                                                          \
    T *a = sk_guard_alloc(&ga, (na ? na : 1) * sizeof(T));                                        \
    T *b = sk_guard_alloc(&gb, (nb ? nb : 1) * sizeof(T));                                        \
    T *c = sk_guard_alloc(&gc, (nc ? nc : 1) * sizeof(T));                                        \
    T *c0 = malloc((nc ? nc : 1) * sizeof(T)), *a0 = malloc((na ? na : 1) * sizeof(T));           \
    T *b0 = malloc((nb ? nb : 1) * sizeof(T));                                                    \
    for (size_t i = 0; i < na; i++) a[i] = (T)sk_unif(&seed);                                     \
    for (size_t i = 0; i < nb; i++) b[i] = (T)sk_unif(&seed);                                     \
    for (size_t i = 0; i < nc; i++) /* beta == 0: C holds NaN, which must not leak */             \
      c0[i] = g->beta == 0 ? (T)NAN : (T)sk_unif(&seed);                                          \
    memcpy(a0, a, na * sizeof(T));                                                                \
    memcpy(b0, b, nb * sizeof(T));                                                                \
    size_t mn = g->m * g->n > 0 ? g->m * g->n : 1;                                                  \
    long double *ref = malloc(mn * sizeof *ref), *tol = malloc(mn * sizeof *tol);                 \
    ref_##S(g, a, b, c0, ref, tol);                                                               \
    FOR_EACH_ISA(isa) {                                                                           \
      memcpy(c, c0, nc * sizeof(T));                                                              \
      sk_status st = call_##S(g, a, b, c);                                                        \
      cr_assert_eq(st, SK_OK, #S " isa=%s m=%zu n=%zu k=%zu: status %d", sk_isa_name(isa), g->m,  \
                   g->n, g->k, st);                                                               \
      for (size_t i = 0; i < g->m; i++) {                                                         \
        for (size_t j = 0; j < g->ldc; j++) {                                                     \
          T got = c[i * g->ldc + j];                                                              \
          if (j >= g->n) { /* padding between rows: untouched */                                  \
            cr_assert(memcmp(&got, &c0[i * g->ldc + j], sizeof got) == 0,                         \
                      #S " isa=%s m=%zu n=%zu k=%zu: C padding (%zu,%zu) written",                 \
                      sk_isa_name(isa), g->m, g->n, g->k, i, j);                                  \
            continue;                                                                             \
          }                                                                                       \
          long double err = fabsl((long double)got - ref[i * g->n + j]);                          \
          cr_assert(err <= tol[i * g->n + j],                                                     \
                    #S " isa=%s m=%zu n=%zu k=%zu ta=%d tb=%d alpha=%g beta=%g lda=%zu ldb=%zu "  \
                       "ldc=%zu (%zu,%zu): got %.17g want %.17Lg err %Lg tol %Lg",                \
                    sk_isa_name(isa), g->m, g->n, g->k, g->ta, g->tb, g->alpha, g->beta, g->lda,  \
                    g->ldb, g->ldc, i, j, (double)got, ref[i * g->n + j], err,                    \
                    tol[i * g->n + j]);                                                           \
        }                                                                                         \
      }                                                                                           \
      cr_assert(memcmp(a, a0, na * sizeof(T)) == 0 && memcmp(b, b0, nb * sizeof(T)) == 0,         \
                #S " isa=%s m=%zu n=%zu k=%zu: input modified", sk_isa_name(isa), g->m, g->n,     \
                g->k);                                                                            \
    }                                                                                             \
    free(ref); free(tol); free(a0); free(b0); free(c0);                                           \
    sk_guard_free(&ga); sk_guard_free(&gb); sk_guard_free(&gc);                                   \
  }
DEFINE_GEMM_CHECK(double, f64, 0x1p-53L)
DEFINE_GEMM_CHECK(float, f32, 0x1p-24L)

/* The size cross product; each shape gets one of the 36 (ta, tb, alpha, beta) combinations in
 * rotation (every combination meets many shapes) and leading dimensions padded by 0, 1 or 5. */
static void sweep(int f32) {
  const size_t *sz = sk_test_small() ? SIZES_SMALL : SIZES;
  size_t ns = sk_test_small() ? sizeof SIZES_SMALL / sizeof *sz : sizeof SIZES / sizeof *sz;
  static const size_t pads[] = {0, 1, 5};
  size_t idx = 0;
  for (size_t im = 0; im < ns; im++)
    for (size_t in = 0; in < ns; in++)
      for (size_t ik = 0; ik < ns; ik++, idx++) {
        size_t m = sz[im], n = sz[in], k = sz[ik];
        /* the 255/257 triples cost the reference most: keep those with one small side */
        if (m > 200 && n > 200 && k > 200) continue;
        size_t combo = idx % 36;
        gcase g = {m, n, k, 0, 0, 0, (int)(combo & 1), (int)(combo >> 1 & 1),
                   ALPHAS[combo / 4 % 3], BETAS[combo / 12]};
        size_t pad = pads[idx % 3];
        g.lda = (a_cols(&g) ? a_cols(&g) : 1) + pad;
        g.ldb = (b_cols(&g) ? b_cols(&g) : 1) + pads[(idx + 1) % 3];
        g.ldc = (n ? n : 1) + pads[(idx + 2) % 3];
        if (f32) run_f32(&g, idx + 1);
        else run_f64(&g, idx + 1);
      }
}

TestSuite(gemm, .init = NULL);

Test(gemm, sweep_f64) {
  sk_test_report_isas("gemm");
  sweep(0);
}
Test(gemm, sweep_f32) { sweep(1); }

/* Shapes past one block in each direction: several k blocks (k > KC), several A blocks
 * (m > MC), several B blocks (n > NC), the direct path at large m, both paths' transposes. */
Test(gemm, blocks) {
  static const gcase cases[] = {
      {700, 33, 300, 0, 0, 0, 0, 0, 1, 2.5},  /* packed, 2 k blocks, narrow n */
      {1600, 20, 260, 0, 0, 0, 1, 0, 1, 1},   /* m > MC (L3 block) except on AVX-512 */
      {45, 150, 520, 0, 0, 0, 1, 1, -0.5, 1}, /* 3 k blocks, both transposed */
      {20, 4200, 40, 0, 0, 0, 0, 1, 1, 0},    /* n > NC, packed with k < KC */
      {3000, 70, 9, 0, 0, 0, 1, 0, 1, 2.5},   /* direct, transposed A */
      {1500, 40, 100, 0, 0, 0, 0, 1, -0.5, 0}, /* direct (narrow n), transposed B */
      {2800, 20, 300, 0, 0, 0, 0, 0, 2, 0.5},  /* m > MC on AVX-512 too */
      {30, 700, 200, 0, 0, 0, 1, 1, 1, 0},     /* packed with one k block (B > one L2 block) */
  };
  size_t nc = sk_test_small() ? 2 : sizeof cases / sizeof cases[0];
  for (size_t i = 0; i < nc; i++) {
    gcase g = cases[i];
    g.lda = a_cols(&g) + 3;
    g.ldb = b_cols(&g) + 2;
    g.ldc = g.n + 1;
    run_f64(&g, 100 + i);
    run_f32(&g, 200 + i);
  }
}

/* Bitwise-identical results for 1 and 2 threads, on the packed and the direct path. */
#define DEFINE_THREADS(T, S)                                                                      \
  static void threads_##S(size_t m, size_t n, size_t k, int ta, int tb) {                        \
    size_t lda = ta ? m : k, ldb = tb ? k : n;                                                    \
    T *a = malloc(m * k * sizeof(T)), *b = malloc(k * n * sizeof(T));                             \
    T *c1 = malloc(m * n * sizeof(T)), *c2 = malloc(m * n * sizeof(T));                           \
    uint64_t seed = 7;                                                                            \
    for (size_t i = 0; i < m * k; i++) a[i] = (T)sk_unif(&seed);                                  \
    for (size_t i = 0; i < k * n; i++) b[i] = (T)sk_unif(&seed);                                  \
    for (size_t i = 0; i < m * n; i++) c1[i] = c2[i] = (T)sk_unif(&seed);                         \
    FOR_EACH_ISA(isa) {                                                                           \
      for (size_t i = 0; i < m * n; i++) c2[i] = c1[i];                                           \
      T *c1c = malloc(m * n * sizeof(T));                                                         \
      memcpy(c1c, c1, m * n * sizeof(T));                                                         \
      cr_assert_eq(sk_set_num_threads(1), SK_OK);                                                 \
      cr_assert_eq(sk_gemm_##S((sk_trans)ta, (sk_trans)tb, m, n, k, (T)1.5, a, lda, b, ldb,      \
                               (T)0.5, c1c, n), SK_OK);                                           \
      cr_assert_eq(sk_set_num_threads(2), SK_OK);                                                 \
      cr_assert_eq(sk_gemm_##S((sk_trans)ta, (sk_trans)tb, m, n, k, (T)1.5, a, lda, b, ldb,      \
                               (T)0.5, c2, n), SK_OK);                                            \
      cr_assert(memcmp(c1c, c2, m * n * sizeof(T)) == 0,                                          \
                #S " isa=%s %zux%zux%zu: 1 and 2 threads differ", sk_isa_name(isa), m, n, k);    \
      free(c1c);                                                                                  \
    }                                                                                             \
    sk_set_num_threads(1);                                                                        \
    free(a); free(b); free(c1); free(c2);                                                         \
  }
DEFINE_THREADS(double, f64)
DEFINE_THREADS(float, f32)

Test(gemm, threads_bitwise) {
  size_t s = sk_test_small() ? 1 : 2;
  threads_f64(150 * s + 7, 130 * s + 3, 300 * s + 5, 0, 1); /* packed, several k blocks */
  threads_f32(150 * s + 7, 130 * s + 3, 300 * s + 5, 1, 0);
  threads_f64(20000 * s, 40, 8, 0, 0); /* direct */
  threads_f32(20000 * s, 40, 8, 1, 1);
  threads_f64(5, 3000 * s, 300, 1, 0); /* small m: the columns are split */
  threads_f32(14, 20000 * s, 16, 0, 1);
}

/* alpha == 0 or k == 0: C = beta C without reading A or B (NULL allowed when k == 0);
 * beta == 0 writes zeros over NaN; m or n == 0 leaves C alone. */
Test(gemm, degenerate) {
  FOR_EACH_ISA(isa) {
    double c[6] = {NAN, NAN, NAN, NAN, NAN, NAN}, a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {1, 1, 1, 1, 1, 1};
    cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 3, 0, 1.0, NULL, 1, NULL, 3, 0.0, c, 3), SK_OK);
    for (int i = 0; i < 6; i++) cr_assert(c[i] == 0 && !signbit(c[i]), "isa=%s k=0 beta=0", sk_isa_name(isa));
    for (int i = 0; i < 6; i++) c[i] = i;
    cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 3, 2, 0.0, a, 2, b, 3, 2.0, c, 3), SK_OK);
    for (int i = 0; i < 6; i++) cr_assert_eq(c[i], 2.0 * i, "isa=%s alpha=0", sk_isa_name(isa));
    cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 3, 2, 0.0, a, 2, b, 3, 1.0, c, 3), SK_OK);
    for (int i = 0; i < 6; i++) cr_assert_eq(c[i], 2.0 * i);
    float cf[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
    cr_assert_eq(sk_gemm_f32(SK_TRANS, SK_TRANS, 2, 3, 0, 1.0f, NULL, 2, NULL, 1, 0.0f, cf, 3), SK_OK);
    for (int i = 0; i < 6; i++) cr_assert(cf[i] == 0);
    cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 0, 3, 2, 1.0, NULL, 2, b, 3, 0.0, NULL, 3), SK_OK);
    cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 0, 2, 1.0, a, 2, NULL, 1, 0.0, NULL, 1), SK_OK);
  }
}

Test(gemm, errors) {
  double a[64] = {0}, b[64] = {0}, c[64] = {0};
  float af[64] = {0}, bf[64] = {0}, cf[64] = {0};
  /* trans values */
  cr_assert_eq(sk_gemm_f64((sk_trans)2, SK_NO_TRANS, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2), SK_EINVAL);
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, (sk_trans)-1, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2), SK_EINVAL);
  cr_assert_eq(sk_gemm_f32((sk_trans)7, SK_NO_TRANS, 2, 2, 2, 1, af, 2, bf, 2, 0, cf, 2), SK_EINVAL);
  /* leading dimensions: A m x k (lda >= k) or k x m (lda >= m); B k x n or n x k; ldc >= n */
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 3, 4, 1, a, 3, b, 3, 0, c, 3), SK_EINVAL);
  cr_assert_eq(sk_gemm_f64(SK_TRANS, SK_NO_TRANS, 2, 3, 4, 1, a, 1, b, 3, 0, c, 3), SK_EINVAL);
  cr_assert_eq(sk_gemm_f64(SK_TRANS, SK_NO_TRANS, 2, 3, 4, 1, a, 2, b, 3, 0, c, 3), SK_OK);
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 3, 4, 1, a, 4, b, 2, 0, c, 3), SK_EINVAL);
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_TRANS, 2, 3, 4, 1, a, 4, b, 3, 0, c, 3), SK_EINVAL);
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_TRANS, 2, 3, 4, 1, a, 4, b, 4, 0, c, 3), SK_OK);
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 3, 4, 1, a, 4, b, 3, 0, c, 2), SK_EINVAL);
  cr_assert_eq(sk_gemm_f32(SK_NO_TRANS, SK_NO_TRANS, 2, 3, 4, 1, af, 4, bf, 3, 0, cf, 2), SK_EINVAL);
  /* ld 0 is short even for empty matrices (ld >= max(1, cols)) */
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 0, 0, 0, 1, a, 0, b, 1, 0, c, 1), SK_EINVAL);
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 0, 0, 0, 1, a, 1, b, 1, 0, c, 0), SK_EINVAL);
  /* NULL with a non-zero size */
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 2, 2, 1, NULL, 2, b, 2, 0, c, 2), SK_EINVAL);
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 2, 2, 1, a, 2, NULL, 2, 0, c, 2), SK_EINVAL);
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 2, 2, 1, a, 2, b, 2, 0, NULL, 2), SK_EINVAL);
  cr_assert_eq(sk_gemm_f32(SK_NO_TRANS, SK_NO_TRANS, 2, 2, 0, 1, af, 1, bf, 2, 0, NULL, 2), SK_EINVAL);
  /* C overlapping A or B (also when alpha == 0) */
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 2, 2, 1, a, 2, b, 2, 0, a + 3, 2), SK_EINVAL);
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 2, 2, 2, 0, a, 2, b, 2, 0, b, 2), SK_EINVAL);
  cr_assert_eq(sk_gemm_f32(SK_NO_TRANS, SK_NO_TRANS, 2, 2, 2, 1, af, 2, bf, 2, 0, af, 2), SK_EINVAL);
  /* byte sizes past SIZE_MAX: never dereferenced */
  size_t big = SIZE_MAX / 4;
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, big, 1, 1, 1, a, 1, b, 1, 0, c, 1), SK_EOVERFLOW);
  cr_assert_eq(sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, 1, 1, big, 1, a, big, b, 1, 0, c, 1), SK_EOVERFLOW);
  cr_assert_eq(sk_gemm_f32(SK_NO_TRANS, SK_NO_TRANS, 2, 2, 2, 1, af, 2, bf, 2, 0, cf, SIZE_MAX / 2),
               SK_EOVERFLOW);
  cr_assert_eq(sk_gemm_f32(SK_TRANS, SK_NO_TRANS, 2, 2, big, 1, af, 2, bf, 2, 0, cf, 2), SK_EOVERFLOW);
  /* untouched on error */
  for (int i = 0; i < 64; i++) cr_assert(c[i] == 0 && cf[i] == 0);
}
