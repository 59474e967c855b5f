/* Distance matrices, nearest row, top-k, silhouette and RBF on every supported ISA, against
 * long-double references and brute-force definitions. */
#include <float.h>
#include <math.h>

#include "common.h"

static const sk_metric METRICS[] = {SK_METRIC_SQEUCLIDEAN, SK_METRIC_EUCLIDEAN, SK_METRIC_DOT,
                                    SK_METRIC_COSINE_SIMILARITY, SK_METRIC_COSINE_DISTANCE};
static const char *MNAME[] = {"sqeuclidean", "euclidean", "dot", "cos_sim", "cos_dist"};

/* Reference value of metric m between rows a and b (length d), and an error bound for an
 * evaluation in a type with unit roundoff u: (d + 4) u times the sum of |terms|. */
typedef struct { long double v, tol; } ref_t;
#define DEFINE_REF(T, S)                                                                        \
  static ref_t ref_##S(sk_metric m, const T *a, const T *b, size_t d, long double u) {          \
    long double ab = 0, sab = 0, sq = 0, ca = 0, cs = 0;                                        \
    int bad = 0, ea = 0, eb = 0;                                                                \
    double ma = 0, mb = 0;                                                                      \
    for (size_t k = 0; k < d; k++) { /* compares, not fmax: gcc 12 aarch64 ICEs on that */     \
      double va = fabs((double)a[k]), vb = fabs((double)b[k]);                                  \
      ma = va > ma || va != va ? va : ma;                                                       \
      mb = vb > mb || vb != vb ? vb : mb;                                                       \
    }                                                                                           \
    if (isfinite(ma) && ma > 0) frexp(ma, &ea);                                                 \
    if (isfinite(mb) && mb > 0) frexp(mb, &eb);                                                 \
    for (size_t k = 0; k < d; k++) {                                                            \
      long double x = a[k], y = b[k], t = x - y;                                                \
      ab += x * y; sab += fabsl(x * y); sq += t * t;                                            \
      bad |= !isfinite((double)a[k]) || !isfinite((double)b[k]);                                \
      /* cosine is scale-free: scaled by powers of two it never leaves the range of a binary64  \
         long double (valgrind's) */                                                            \
      long double xs = ldexpl(x, -ea), ys = ldexpl(y, -eb);                                     \
      ca += xs * ys; cs += fabsl(xs * ys);                                                      \
    }                                                                                           \
    long double g = (long double)(d + 4) * u;                                                   \
    ref_t r;                                                                                    \
    switch (m) {                                                                                \
    case SK_METRIC_SQEUCLIDEAN: r.v = sq; r.tol = 3 * g * sq; break;                             \
    case SK_METRIC_EUCLIDEAN: r.v = sqrtl(sq); r.tol = (2 * g + u) * r.v; break;                \
    case SK_METRIC_DOT: r.v = ab; r.tol = 2 * g * sab; break;                                   \
    default: {                                                                                  \
      long double na = 0, nb = 0;                                                               \
      for (size_t k = 0; k < d && !bad; k++) {                                                  \
        long double xs = ldexpl(a[k], -ea), ys = ldexpl(b[k], -eb);                             \
        na += xs * xs; nb += ys * ys;                                                           \
      }                                                                                         \
      long double den = sqrtl(na) * sqrtl(nb);                                                  \
      long double c = bad || !(den > 0) ? NAN : fminl(1, fmaxl(-1, ca / den));                  \
      r.v = m == SK_METRIC_COSINE_DISTANCE ? 1 - c : c;                                         \
      r.tol = bad || !(den > 0) ? 0 : 4 * g * cs / den + 4 * u;                                 \
    }                                                                                           \
    }                                                                                           \
    r.tol += (long double)(d + 1) * 4 * (u == 0x1p-24L ? 0x1p-149L : 0x1p-1074L);               \
    return r;                                                                                   \
  }
DEFINE_REF(double, f64)
DEFINE_REF(float, f32)

static void check(double got, ref_t r, const char *what, sk_isa isa, size_t i, size_t j) {
  if (isnan((double)r.v)) {
    cr_assert(isnan(got), "%s isa=%s (%zu,%zu): want NaN got %.17g", what, sk_isa_name(isa), i, j, got);
  } else {
    long double err = fabsl((long double)got - r.v);
    cr_assert(err <= r.tol, "%s isa=%s (%zu,%zu): got %.17g want %.17Lg err %Lg tol %Lg", what,
              sk_isa_name(isa), i, j, got, r.v, err, r.tol);
  }
}

/* Random rows with a padding column pattern beyond d (ld > d) that must never be read into a
 * result: it is set to huge values so any stray read shows. */
#define DEFINE_FILL(T, S)                                                                      \
  static T *fill_##S(size_t rows, size_t d, size_t ld, uint64_t seed, double scale) {         \
    T *p = malloc((rows * ld + 1) * sizeof(T));                                                \
    for (size_t i = 0; i < rows * ld + 1; i++) p[i] = (T)1e30;                                 \
    for (size_t i = 0; i < rows; i++)                                                          \
      for (size_t k = 0; k < d; k++) p[i * ld + k] = (T)(sk_unif(&seed) * scale);              \
    return p;                                                                                  \
  }
DEFINE_FILL(double, f64)
DEFINE_FILL(float, f32)

/* cdist against the reference for every metric, sizes around the tile edges, ld > cols; the
 * padding of out (columns ny..ldo) must stay untouched; inputs unchanged. */
#define DEFINE_CDIST_SWEEP(T, S, U)                                                              \
  static void cdist_sweep_##S(void) {                                                            \
    static const size_t NX[] = {0, 1, 2, 3, 7, 9, 17, 40}, NY[] = {0, 1, 2, 5, 16, 17, 33, 70},  \
                        D[] = {0, 1, 3, 8, 17, 50};                                              \
    FOR_EACH_ISA(isa) {                                                                          \
      for (size_t a = 0; a < 8; a++)                                                             \
        for (size_t b = 0; b < 8; b++)                                                           \
          for (size_t c = 0; c < 6; c++) {                                                       \
            size_t nx = NX[a], ny = NY[b], d = D[c], ldx = d + 3, ldy = d + 1, ldo = ny + 2;     \
            T *x = fill_##S(nx, d, ldx, a * 100 + c, 1.0), *y = fill_##S(ny, d, ldy, b * 7 + c, 1.0); \
            T *cx = malloc(nx * ldx * sizeof(T) + 1), *cy = malloc(ny * ldy * sizeof(T) + 1);    \
            memcpy(cx, x, nx * ldx * sizeof(T));                                                 \
            memcpy(cy, y, ny * ldy * sizeof(T));                                                 \
            T *out = malloc(nx * ldo * sizeof(T) + 1);                                           \
            for (int mi = 0; mi < 5; mi++) {                                                     \
              for (size_t i = 0; i < nx * ldo; i++) out[i] = (T)-7;                              \
              cr_assert_eq(sk_cdist_##S(METRICS[mi], nx, ny, d, x, ldx, y, ldy, out, ldo), SK_OK); \
              for (size_t i = 0; i < nx; i++) {                                                  \
                for (size_t j = 0; j < ny; j++)                                                  \
                  check(out[i * ldo + j], ref_##S(METRICS[mi], x + i * ldx, y + j * ldy, d, U),  \
                        MNAME[mi], isa, i, j);                                                   \
                cr_assert(out[i * ldo + ny] == (T)-7 && out[i * ldo + ny + 1] == (T)-7,          \
                          "padding of out written (%s isa=%s)", MNAME[mi], sk_isa_name(isa));    \
              }                                                                                  \
            }                                                                                    \
            cr_assert(!memcmp(cx, x, nx * ldx * sizeof(T)) && !memcmp(cy, y, ny * ldy * sizeof(T))); \
            free(x); free(y); free(cx); free(cy); free(out);                                     \
          }                                                                                      \
    }                                                                                            \
  }
DEFINE_CDIST_SWEEP(double, f64, 0x1p-53L)
DEFINE_CDIST_SWEEP(float, f32, 0x1p-24L)

TestSuite(dist);

Test(dist, report_isas) { sk_test_report_isas("dist"); }
Test(dist, cdist_f64) { cdist_sweep_f64(); }
Test(dist, cdist_f32) { cdist_sweep_f32(); }

/* Euclidean is the correctly rounded root of the same squared distance, bit for bit: the tiles
 * take each root during the next tile (straight into out for whole tiles, through a buffer for
 * edge tiles, the last tile after the loop). Shapes around the tile edges, d = 1, and d = 768
 * with enough rows and columns to cross the L2 chunks of packed panels; out has padding
 * columns that must stay untouched. */
#define DEFINE_EUC_ROOT(T, S, SQRT)                                                              \
  static void euc_root_##S(void) {                                                               \
    static const size_t SH[][3] = {{3, 3, 1},   {3, 17, 1},   {9, 33, 2},   {17, 16, 5},          \
                                   {16, 32, 50}, {40, 70, 50}, {41, 129, 3}, {24, 200, 768},      \
                                   {13, 77, 768}};                                               \
    FOR_EACH_ISA(isa) {                                                                          \
      for (size_t s = 0; s < sizeof SH / sizeof SH[0]; s++) {                                   \
        size_t nx = SH[s][0], ny = SH[s][1], d = SH[s][2], ldo = ny + 3;                        \
        T *x = fill_##S(nx, d, d, s + 11, 1.0), *y = fill_##S(ny, d, d, s + 23, 1.0);             \
        T *sq = malloc(nx * ldo * sizeof(T)), *eu = malloc(nx * ldo * sizeof(T));                \
        for (size_t i = 0; i < nx * ldo; i++) eu[i] = (T)-7;                                     \
        cr_assert_eq(sk_cdist_##S(SK_METRIC_SQEUCLIDEAN, nx, ny, d, x, d, y, d, sq, ldo), SK_OK); \
        cr_assert_eq(sk_cdist_##S(SK_METRIC_EUCLIDEAN, nx, ny, d, x, d, y, d, eu, ldo), SK_OK);  \
        for (size_t i = 0; i < nx; i++) {                                                        \
          for (size_t j = 0; j < ny; j++) {                                                      \
            T want = SQRT(sq[i * ldo + j]);                                                      \
            cr_assert(!memcmp(&eu[i * ldo + j], &want, sizeof(T)),                               \
                      "euclidean != root of sqeuclidean isa=%s %zux%zu d=%zu (%zu,%zu): %.17g vs %.17g", \
                      sk_isa_name(isa), nx, ny, d, i, j, (double)eu[i * ldo + j], (double)want); \
          }                                                                                      \
          for (size_t j = ny; j < ldo; j++)                                                      \
            cr_assert(eu[i * ldo + j] == (T)-7, "padding of out written isa=%s", sk_isa_name(isa)); \
        }                                                                                        \
        free(x); free(y); free(sq); free(eu);                                                    \
      }                                                                                          \
    }                                                                                            \
  }
DEFINE_EUC_ROOT(double, f64, sqrt)
DEFINE_EUC_ROOT(float, f32, sqrtf)
Test(dist, euclidean_is_root_f64) { euc_root_f64(); }
Test(dist, euclidean_is_root_f32) { euc_root_f32(); }

/* Near-duplicate points 1e-9 apart at offset 1e6: the difference form keeps full relative
 * accuracy (the |x|^2 + |y|^2 - 2xy form would return noise or 0). Self-distance exactly 0. */
Test(dist, near_duplicates_exact) {
  size_t n = 9, d = 13;
  double *x = malloc(n * d * sizeof *x);
  uint64_t s = 5;
  for (size_t i = 0; i < n * d; i++) x[i] = 1e6 + (double)(i % d) + (i / d) * 1e-9 * (1 + sk_unif(&s));
  double *out = malloc(n * n * sizeof *out);
  FOR_EACH_ISA(isa) {
    cr_assert_eq(sk_cdist_f64(SK_METRIC_SQEUCLIDEAN, n, n, d, x, d, x, d, out, n), SK_OK);
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < n; j++) {
        ref_t r = ref_f64(SK_METRIC_SQEUCLIDEAN, x + i * d, x + j * d, d, 0x1p-53L);
        long double rel = r.v > 0 ? fabsl(out[i * n + j] - r.v) / r.v : fabsl((long double)out[i * n + j]);
        cr_assert(rel <= (d + 2) * 0x1p-53L, "near-duplicate isa=%s (%zu,%zu): %.17g vs %.17Lg",
                  sk_isa_name(isa), i, j, out[i * n + j], r.v);
        if (i == j) cr_assert(out[i * n + j] == 0.0);
      }
  }
  free(x); free(out);
}

/* cdist_self: symmetric bit for bit, diagonal exactly 0 (distances) / 1 (cosine similarity),
 * NaN on zero or NaN rows for cosine, and equal to the reference off the diagonal. */
Test(dist, cdist_self) {
  size_t n = 37, d = 11, ld = 12;
  double *x = fill_f64(n, d, ld, 9, 1.0);
  float *xf = fill_f32(n, d, ld, 9, 1.0);
  for (size_t k = 0; k < d; k++) x[3 * ld + k] = 0, xf[3 * ld + k] = 0; /* a zero row */
  x[5 * ld + 2] = NAN, xf[5 * ld + 2] = NAN;                                /* a NaN row */
  double *o = malloc(n * n * sizeof *o);
  float *of = malloc(n * n * sizeof *of);
  FOR_EACH_ISA(isa) {
    for (int mi = 0; mi < 5; mi++) {
      cr_assert_eq(sk_cdist_self_f64(METRICS[mi], n, d, x, ld, o, n), SK_OK);
      cr_assert_eq(sk_cdist_self_f32(METRICS[mi], n, d, xf, ld, of, n), SK_OK);
      for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
          cr_assert(!memcmp(&o[i * n + j], &o[j * n + i], sizeof(double)), "asymmetric %s", MNAME[mi]);
          cr_assert(!memcmp(&of[i * n + j], &of[j * n + i], sizeof(float)), "asymmetric f32 %s", MNAME[mi]);
          if (i == j && METRICS[mi] != SK_METRIC_DOT) {
            int cos = METRICS[mi] >= SK_METRIC_COSINE_SIMILARITY;
            int nanrow = i == 5 || (cos && i == 3);
            double want = nanrow ? NAN : METRICS[mi] == SK_METRIC_COSINE_SIMILARITY ? 1.0 : 0.0;
            cr_assert(nanrow ? isnan(o[i * n + i]) && isnan(of[i * n + i])
                             : o[i * n + i] == want && of[i * n + i] == (float)want,
                      "diagonal %s isa=%s row %zu: %g %g", MNAME[mi], sk_isa_name(isa), i, o[i * n + i],
                      (double)of[i * n + i]);
          } else {
            check(o[i * n + j], ref_f64(METRICS[mi], x + i * ld, x + j * ld, d, 0x1p-53L), MNAME[mi], isa, i, j);
            check(of[i * n + j], ref_f32(METRICS[mi], xf + i * ld, xf + j * ld, d, 0x1p-24L), MNAME[mi], isa, i, j);
          }
        }
    }
  }
  free(x); free(xf); free(o); free(of);
}

/* Huge and tiny magnitudes: cosine rescales rows, so it stays accurate at 1e+-300 (f64) and
 * 1e+-30 (f32, whose products would overflow or underflow in f32). */
Test(dist, cosine_extreme_magnitudes) {
  size_t nx = 5, ny = 6, d = 9;
  static const double sc[] = {1e300, 1e-300, 1e-310};
  static const float scf[] = {1e30f, 1e-30f, 1e-41f};
  for (int si = 0; si < 3; si++) {
    double *x = fill_f64(nx, d, d, 1, sc[si]), *y = fill_f64(ny, d, d, 2, 1.0), *o = malloc(nx * ny * sizeof *o);
    float *xf = fill_f32(nx, d, d, 1, scf[si]), *yf = fill_f32(ny, d, d, 2, 1.0f), *of = malloc(nx * ny * sizeof *of);
    FOR_EACH_ISA(isa) {
      for (int mi = 3; mi < 5; mi++) {
        cr_assert_eq(sk_cdist_f64(METRICS[mi], nx, ny, d, x, d, y, d, o, ny), SK_OK);
        cr_assert_eq(sk_cdist_f32(METRICS[mi], nx, ny, d, xf, d, yf, d, of, ny), SK_OK);
        for (size_t i = 0; i < nx; i++)
          for (size_t j = 0; j < ny; j++) {
            check(o[i * ny + j], ref_f64(METRICS[mi], x + i * d, y + j * d, d, 0x1p-53L), "cos extreme", isa, i, j);
            ref_t r = ref_f32(METRICS[mi], xf + i * d, yf + j * d, d, 0x1p-24L);
            r.tol += si == 2 ? 1e-2L : 0; /* subnormal floats carry few bits */
            check(of[i * ny + j], r, "cos extreme f32", isa, i, j);
          }
      }
    }
    free(x); free(y); free(o); free(xf); free(yf); free(of);
  }
}

/* A query or two (the streaming cosine path) gives each pair's sk_cosine_similarity bit for
 * bit: past one 256-row block, odd d, ld > d, a zero and a NaN row, and magnitudes that send
 * the sums to the scaled slow path. */
#define DEFINE_COS_QUERY_TEST(T, S)                                                              \
  static void cos_queries_##S(void) {                                                            \
    size_t ny = 300, d = 37, ld = 40;                                                            \
    static const double sc[] = {1.0, sizeof(T) == 4 ? 1e30 : 1e300, sizeof(T) == 4 ? 1e-41 : 1e-310}; \
    T *y = fill_##S(ny, d, ld, 5, 1.0), *o = malloc(2 * ny * sizeof(T));                          \
    memset(y + 10 * ld, 0, d * sizeof(T));                                                       \
    y[20 * ld + 3] = (T)NAN;                                                                     \
    for (int si = 0; si < 3; si++) {                                                             \
      T *x = fill_##S(2, d, ld, 6 + si, sc[si]);                                                 \
      FOR_EACH_ISA(isa) {                                                                        \
        for (int mi = 3; mi < 5; mi++)                                                           \
          for (size_t nx = 1; nx <= 2; nx++) {                                                   \
            cr_assert_eq(sk_cdist_##S(METRICS[mi], nx, ny, d, x, ld, y, ld, o, ny), SK_OK);      \
            for (size_t i = 0; i < nx; i++)                                                      \
              for (size_t j = 0; j < ny; j++) {                                                  \
                double c;                                                                        \
                cr_assert_eq(sk_cosine_similarity_##S(x + i * ld, y + j * ld, d, &c), SK_OK);    \
                T want = (T)(METRICS[mi] == SK_METRIC_COSINE_DISTANCE ? 1.0 - c : c);            \
                T got = o[i * ny + j];                                                           \
                cr_assert(got == want || (got != got && want != want),                           \
                          "%s isa=%s scale %g (%zu,%zu): %.9g want %.9g", MNAME[mi],             \
                          sk_isa_name(isa), sc[si], i, j, (double)got, (double)want);            \
              }                                                                                  \
          }                                                                                      \
      }                                                                                          \
      free(x);                                                                                   \
    }                                                                                            \
    free(y), free(o);                                                                            \
  }
DEFINE_COS_QUERY_TEST(double, f64)
DEFINE_COS_QUERY_TEST(float, f32)
Test(dist, cosine_queries_bitwise) { cos_queries_f64(); cos_queries_f32(); }

/* Nearest row: ties to the lowest index, NaN never wins, all-NaN -> SK_NO_INDEX, and the same
 * choice as a brute-force scan of the matching cdist output. */
#define DEFINE_ARGMIN_TEST(T, S)                                                                 \
  static void argmin_sweep_##S(void) {                                                           \
    size_t nx = 23, ny = 41, d = 7, ld = 8;                                                      \
    T *x = fill_##S(nx, d, ld, 3, 1.0), *y = fill_##S(ny, d, ld, 4, 1.0);                        \
    memcpy(y + 20 * ld, y + 3 * ld, d * sizeof(T));  /* duplicate centres: 3 must win */         \
    memcpy(y + 35 * ld, y + 20 * ld, d * sizeof(T));                                             \
    y[7 * ld + 1] = (T)NAN;                          /* a NaN centre never wins */               \
    memcpy(x + 4 * ld, y + 3 * ld, d * sizeof(T));   /* exact hit on the duplicated centre */    \
    x[9 * ld] = (T)NAN;                              /* all distances NaN */                     \
    T *mat = malloc(nx * ny * sizeof(T)), *dist = malloc(nx * sizeof(T));                       \
    size_t *idx = malloc(nx * sizeof *idx);                                                      \
    FOR_EACH_ISA(isa) {                                                                          \
      for (int mi = 0; mi < 5; mi++) {                                                           \
        cr_assert_eq(sk_cdist_##S(METRICS[mi], nx, ny, d, x, ld, y, ld, mat, ny), SK_OK);        \
        cr_assert_eq(sk_cdist_argmin_##S(METRICS[mi], nx, ny, d, x, ld, y, ld, idx, dist), SK_OK); \
        int largest = METRICS[mi] == SK_METRIC_DOT || METRICS[mi] == SK_METRIC_COSINE_SIMILARITY; \
        for (size_t i = 0; i < nx; i++) {                                                        \
          size_t want = SK_NO_INDEX;                                                             \
          for (size_t j = 0; j < ny; j++) {                                                      \
            T v = mat[i * ny + j];                                                               \
            if (v == v && (want == SK_NO_INDEX || (largest ? v > mat[i * ny + want] : v < mat[i * ny + want]))) \
              want = j;                                                                          \
          }                                                                                      \
          cr_assert_eq(idx[i], want, "argmin %s isa=%s row %zu: %zu want %zu", MNAME[mi],        \
                       sk_isa_name(isa), i, idx[i], want);                                       \
          if (want == SK_NO_INDEX) cr_assert(isnan(dist[i]));                                     \
          else cr_assert(dist[i] == mat[i * ny + want], "argmin value %s row %zu", MNAME[mi], i); \
        }                                                                                        \
        cr_assert_eq(idx[9], SK_NO_INDEX);                                                       \
        if (METRICS[mi] <= SK_METRIC_EUCLIDEAN) cr_assert_eq(idx[4], 3, "tie -> lowest index");  \
        /* dist may be NULL */                                                                   \
        size_t idx2[23];                                                                         \
        cr_assert_eq(sk_cdist_argmin_##S(METRICS[mi], nx, ny, d, x, ld, y, ld, idx2, NULL), SK_OK); \
        cr_assert(!memcmp(idx, idx2, sizeof idx2));                                              \
      }                                                                                          \
    }                                                                                            \
    free(x); free(y); free(mat); free(dist); free(idx);                                          \
  }
DEFINE_ARGMIN_TEST(double, f64)
DEFINE_ARGMIN_TEST(float, f32)
Test(dist, argmin_f64) { argmin_sweep_f64(); }
Test(dist, argmin_f32) { argmin_sweep_f32(); }

/* argmin SQEUCLIDEAN / EUCLIDEAN filters with the expanded form and keeps the exact kernel's
 * answer: index and distance bits against the exact path alone (SIMDKERN_ARGMIN_EXACT=1), and
 * for SQEUCLIDEAN against a first-minimum scan of sk_cdist (the same difference-form tile), on
 * data made to break a loose bound; 1 and 2 threads bitwise. */
static double amf_unif(uint64_t *s) { return sk_unif(s); }
static const int AMF_EXP[6] = {60, 70, -60, -75, -130, -160}; /* kind 8: f32 range edges */
#define DEFINE_AMF_TEST(T, S, HUGE_, TINY_)                                                      \
  static void amf_make_##S(int kind, size_t nx, size_t ny, size_t d, size_t ldx, size_t ldy,     \
                           uint64_t seed, T *x, T *y) {                                          \
    uint64_t s = seed * 7919 + 17;                                                                \
    for (size_t j = 0; j < ny; j++)                                                               \
      for (size_t k = 0; k < ldy; k++) y[j * ldy + k] = (T)(k < d ? amf_unif(&s) : 777);         \
    for (size_t i = 0; i < nx; i++)                                                               \
      for (size_t k = 0; k < ldx; k++) x[i * ldx + k] = (T)(k < d ? amf_unif(&s) : -777);        \
    switch (kind) {                                                                               \
    case 1: /* near-duplicates 1e-9 apart at offset 1e6 (centres too) */                          \
      for (size_t j = 0; j < ny; j++)                                                             \
        for (size_t k = 0; k < d; k++)                                                            \
          y[j * ldy + k] = j % 3 == 2 ? y[(j - 1) * ldy + k] + (T)1e-9 * (T)amf_unif(&s)          \
                                      : (T)1e6 + y[j * ldy + k];                                  \
      for (size_t i = 0; i < nx && ny; i++)                                                       \
        for (size_t k = 0; k < d; k++)                                                            \
          x[i * ldx + k] = y[(i % ny) * ldy + k] + (T)(i % 4 == 0 ? 0 : 1e-9 * amf_unif(&s));     \
      break;                                                                                      \
    case 2: /* duplicate centres, x rows on centres and halfway between two */                   \
      for (size_t j = 1; j < ny; j++)                                                             \
        if (j % 3 != 0) memcpy(y + j * ldy, y + (j / 3) * ldy, d * sizeof(T));                    \
      for (size_t i = 0; i < nx && ny; i++) {                                                     \
        const T *a = y + (i % ny) * ldy, *b = y + ((i * 7) % ny) * ldy;                           \
        for (size_t k = 0; k < d; k++) x[i * ldx + k] = i % 2 ? a[k] : (T)((a[k] + b[k]) / 2);    \
      }                                                                                           \
      break;                                                                                      \
    case 3: /* NaN rows: one NaN element, all NaN */                                              \
      for (size_t i = 0; i < nx && d; i++)                                                        \
        if (i % 5 == 1) x[i * ldx + i % d] = (T)NAN;                                              \
        else if (i % 5 == 3)                                                                      \
          for (size_t k = 0; k < d; k++) x[i * ldx + k] = (T)NAN;                                 \
      break;                                                                                      \
    case 4: /* NaN inside centres (the nearest one too), an infinite centre */                   \
      for (size_t j = 0; j < ny && d; j++)                                                        \
        if (j % 3 == 0) y[j * ldy + j % d] = (T)NAN;                                              \
      if (ny > 4 && d) y[4 * ldy] = (T)INFINITY;                                                  \
      for (size_t i = 0; i < nx && ny; i++)                                                       \
        for (size_t k = 0; k < d; k++) x[i * ldx + k] = y[(i % ny) * ldy + k] * (T)1.0001;        \
      break;                                                                                      \
    case 5: /* huge: squares overflow; some rows only */                                          \
      for (size_t j = 0; j < ny; j++)                                                             \
        for (size_t k = 0; k < d; k++) y[j * ldy + k] *= (T)(j % 2 ? HUGE_ : 1);                  \
      for (size_t i = 0; i < nx; i++)                                                             \
        for (size_t k = 0; k < d; k++) x[i * ldx + k] *= (T)(i % 3 ? HUGE_ : 1);                  \
      break;                                                                                      \
    case 6: /* tiny: squares underflow */                                                         \
      for (size_t j = 0; j < ny; j++)                                                             \
        for (size_t k = 0; k < d; k++) y[j * ldy + k] *= (T)(j % 4 ? TINY_ : 1);                  \
      for (size_t i = 0; i < nx; i++)                                                             \
        for (size_t k = 0; k < d; k++) x[i * ldx + k] *= (T)TINY_;                                \
      break;                                                                                      \
    case 8: /* magnitudes at f32's range limits (f64's narrow filter gates them) */            \
      for (size_t j = 0; j < ny; j++)                                                             \
        for (size_t k = 0; k < d; k++)                                                            \
          y[j * ldy + k] = (T)ldexp((double)y[j * ldy + k], AMF_EXP[j % 6]);                      \
      for (size_t i = 0; i < nx; i++)                                                             \
        for (size_t k = 0; k < d; k++)                                                            \
          x[i * ldx + k] = (T)ldexp((double)x[i * ldx + k], AMF_EXP[(i / 2) % 6]);                \
      break;                                                                                      \
    case 7: /* rows of mixed magnitude (powers of two), zero rows and zero centres */            \
      for (size_t j = 0; j < ny; j++)                                                             \
        for (size_t k = 0; k < d; k++)                                                            \
          y[j * ldy + k] = j % 7 == 6 ? 0 : (T)ldexp((double)y[j * ldy + k], (int)(j % 9) * 7 - 28); \
      for (size_t i = 0; i < nx; i++)                                                             \
        for (size_t k = 0; k < d; k++)                                                            \
          x[i * ldx + k] = i % 5 == 4 ? 0 : (T)ldexp((double)x[i * ldx + k], (int)(i % 11) * 5 - 25); \
      break;                                                                                      \
    }                                                                                             \
  }                                                                                               \
  /* one call, filtered (threads 1 and 2) and exact; returns the rows that differ */             \
  static size_t amf_check_##S(sk_isa isa, sk_metric m, int kind, size_t nx, size_t ny, size_t d,  \
                              const T *x, size_t ldx, const T *y, size_t ldy) {                   \
    size_t n1 = nx ? nx : 1, bad = 0;                                                             \
    size_t *i1 = malloc(n1 * sizeof *i1), *i2 = malloc(n1 * sizeof *i2), *ir = malloc(n1 * sizeof *ir); \
    T *d1 = malloc(n1 * sizeof(T)), *d2 = malloc(n1 * sizeof(T)), *dr = malloc(n1 * sizeof(T));  \
    sk_set_num_threads(1);                                                                        \
    cr_assert_eq(sk_cdist_argmin_##S(m, nx, ny, d, x, ldx, y, ldy, i1, d1), SK_OK);               \
    sk_set_num_threads(2);                                                                        \
    cr_assert_eq(sk_cdist_argmin_##S(m, nx, ny, d, x, ldx, y, ldy, i2, d2), SK_OK);               \
    sk_set_num_threads(1);                                                                        \
    setenv("SIMDKERN_ARGMIN_EXACT", "1", 1);                                                      \
    cr_assert_eq(sk_cdist_argmin_##S(m, nx, ny, d, x, ldx, y, ldy, ir, dr), SK_OK);               \
    unsetenv("SIMDKERN_ARGMIN_EXACT");                                                            \
    cr_assert(!memcmp(i1, i2, nx * sizeof *i1) && !memcmp(d1, d2, nx * sizeof(T)),                \
              "threads differ: isa=%s kind=%d nx=%zu ny=%zu d=%zu", sk_isa_name(isa), kind, nx, ny, d); \
    for (size_t i = 0; i < nx; i++)                                                               \
      bad += i1[i] != ir[i] || memcmp(d1 + i, dr + i, sizeof(T)) != 0;                            \
    cr_assert_eq(sk_cdist_argmin_##S(m, nx, ny, d, x, ldx, y, ldy, i2, NULL), SK_OK); /* indices only */ \
    for (size_t i = 0; i < nx; i++) bad += i2[i] != ir[i];                                        \
    if (sizeof(T) == 8 && kind % 4 == 1) { /* f64 without its f32 stage: the f64 filter alone */  \
      setenv("SIMDKERN_ARGMIN_NARROW", "0", 1);                                                   \
      cr_assert_eq(sk_cdist_argmin_##S(m, nx, ny, d, x, ldx, y, ldy, i2, d2), SK_OK);             \
      unsetenv("SIMDKERN_ARGMIN_NARROW");                                                         \
      for (size_t i = 0; i < nx; i++)                                                             \
        bad += i2[i] != ir[i] || memcmp(d2 + i, dr + i, sizeof(T)) != 0;                          \
    }                                                                                             \
    if (m == SK_METRIC_SQEUCLIDEAN && nx > 2 && ny && d) { /* the exact path is cdist's tile */   \
      T *mat = malloc(nx * ny * sizeof(T));                                                       \
      cr_assert_eq(sk_cdist_##S(m, nx, ny, d, x, ldx, y, ldy, mat, ny), SK_OK);                   \
      for (size_t i = 0; i < nx; i++) {                                                           \
        size_t w = SK_NO_INDEX;                                                                   \
        for (size_t j = 0; j < ny; j++) {                                                         \
          T v = mat[i * ny + j];                                                                  \
          if (v == v && (w == SK_NO_INDEX || v < mat[i * ny + w])) w = j;                         \
        }                                                                                         \
        cr_assert_eq(ir[i], w, "exact path vs cdist scan: isa=%s kind=%d row %zu", sk_isa_name(isa), kind, i); \
        if (w != SK_NO_INDEX)                                                                     \
          cr_assert(!memcmp(dr + i, mat + i * ny + w, sizeof(T)), "exact path value vs cdist row %zu", i); \
        else cr_assert(isnan(dr[i]));                                                             \
      }                                                                                           \
      free(mat);                                                                                  \
    }                                                                                             \
    free(i1); free(i2); free(ir); free(d1); free(d2); free(dr);                                   \
    return bad;                                                                                   \
  }                                                                                               \
  static void amf_sweep_##S(void) {                                                               \
    static const size_t ds[] = {0, 1, 3, 7, 50, 768}, shp[][2] = {{0, 5}, {1, 1}, {2, 7}, {3, 0}, \
                                                                   {3, 17}, {67, 100}, {130, 33}, \
                                                                   {40, 300}}; /* 300: groups */ \
    size_t bad = 0, calls = 0;                                                                    \
    FOR_EACH_ISA(isa) {                                                                           \
      for (int kind = 0; kind < 9; kind++)                                                        \
        for (size_t di = 0; di < sizeof ds / sizeof *ds; di++)                                    \
          for (size_t si = 0; si < sizeof shp / sizeof *shp; si++) {                              \
            size_t d = ds[di], nx = shp[si][0], ny = shp[si][1], ldx = d + 3, ldy = si % 2 && d ? d : d + 1; \
            if (d == 768 && (nx > 67 || ny > 100)) continue; /* emulated setups: time */          \
            T *x = malloc((nx * ldx + 1) * sizeof(T)), *y = malloc((ny * ldy + 1) * sizeof(T));   \
            amf_make_##S(kind, nx, ny, d, ldx, ldy, (uint64_t)(kind * 1000 + di * 10 + si), x, y); \
            for (int mi = 0; mi < 2; mi++) {                                                      \
              size_t b = amf_check_##S(isa, METRICS[mi], kind, nx, ny, d, x, ldx, y, ldy);        \
              if (b) fprintf(stderr, "argmin filter: isa=%s %s kind=%d nx=%zu ny=%zu d=%zu: %zu rows differ\n", \
                             sk_isa_name(isa), MNAME[mi], kind, nx, ny, d, b);                    \
              bad += b, calls++;                                                                  \
            }                                                                                     \
            free(x); free(y);                                                                     \
          }                                                                                       \
      /* larger blocks (several per thread) on random and near-duplicate data */                 \
      for (int kind = 0; kind < 3; kind++) {                                                      \
        size_t nx = 1000, ny = 100, d = 50;                                                       \
        T *x = malloc(nx * d * sizeof(T)), *y = malloc(ny * d * sizeof(T));                       \
        amf_make_##S(kind, nx, ny, d, d, d, 99 + (uint64_t)kind, x, y);                           \
        for (int mi = 0; mi < 2; mi++) bad += amf_check_##S(isa, METRICS[mi], kind, nx, ny, d, x, d, y, d); \
        free(x); free(y);                                                                         \
      }                                                                                           \
    }                                                                                             \
    sk_set_num_threads(0);                                                                        \
    cr_assert_eq(bad, 0, "%zu rows differ from the exact kernel (%zu calls)", bad, calls);        \
  }
DEFINE_AMF_TEST(double, f64, 1e200, 1e-200)
DEFINE_AMF_TEST(float, f32, 1e25, 1e-30)
/* under qemu on a loaded host the f64 sweep took over 600 s (meson allows the binary 3600 s there) */
Test(dist, argmin_filter_exact_f64, .timeout = 2400) { amf_sweep_f64(); }
Test(dist, argmin_filter_exact_f32, .timeout = 2400) { amf_sweep_f32(); }

Test(dist, argmin_edges) {
  double x[4] = {1, 2, 3, 4}, y[4] = {INFINITY, 0, INFINITY, 0}, dist[2];
  size_t idx[2];
  FOR_EACH_ISA(isa) {
    /* every distance is +Inf: the first (a number, not NaN) wins */
    cr_assert_eq(sk_cdist_argmin_f64(SK_METRIC_SQEUCLIDEAN, 2, 2, 2, x, 2, y, 2, idx, dist), SK_OK);
    cr_assert(idx[0] == 0 && idx[1] == 0 && isinf(dist[0]), "isa=%s %zu %zu", sk_isa_name(isa), idx[0], idx[1]);
    /* no y rows */
    cr_assert_eq(sk_cdist_argmin_f64(SK_METRIC_EUCLIDEAN, 2, 0, 2, x, 2, y, 2, idx, dist), SK_OK);
    cr_assert(idx[0] == SK_NO_INDEX && isnan(dist[1]));
    /* d = 0: all tie at 0 */
    cr_assert_eq(sk_cdist_argmin_f64(SK_METRIC_EUCLIDEAN, 2, 2, 0, x, 1, y, 1, idx, dist), SK_OK);
    cr_assert(idx[0] == 0 && dist[0] == 0);
  }
}

/* top-k against a full sort with the same order: value (largest or smallest), NaN last, ties
 * by lower index. */
static int ORDER_LARGEST;
static const double *ORDER_X;
static int cmp_rank(const void *pa, const void *pb) {
  size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
  double va = ORDER_X[a], vb = ORDER_X[b];
  int na = va != va, nb = vb != vb;
  if (na != nb) return na - nb;
  if (!na && va != vb) return (ORDER_LARGEST ? va > vb : va < vb) ? -1 : 1;
  return a < b ? -1 : 1;
}
/* order = the indices of x, best first */
static void rank_order(const double *x, size_t n, int largest, size_t *order) {
  for (size_t i = 0; i < n; i++) order[i] = i;
  ORDER_LARGEST = largest;
  ORDER_X = x;
  qsort(order, n, sizeof *order, cmp_rank);
}
Test(dist, topk) {
  size_t n = 300;
  double *x = malloc(n * sizeof *x);
  float *xf = malloc(n * sizeof *xf);
  uint64_t s = 77;
  for (size_t i = 0; i < n; i++) {
    x[i] = (double)(sk_rng(&s) % 40) - 20; /* many duplicates */
    if (i % 29 == 3) x[i] = NAN;
    if (i % 31 == 4) x[i] = i % 2 ? INFINITY : -INFINITY;
    xf[i] = (float)x[i];
  }
  size_t *order = malloc(n * sizeof *order), *idx = malloc(n * sizeof *idx);
  double *val = malloc(n * sizeof *val);
  float *valf = malloc(n * sizeof *valf);
  for (int largest = 0; largest < 2; largest++) {
    rank_order(x, n, largest, order);
    static const size_t K[] = {0, 1, 2, 10, 150, 299, 300};
    FOR_EACH_ISA(isa) {
      for (size_t ki = 0; ki < 7; ki++) {
        size_t k = K[ki];
        cr_assert_eq(sk_topk_f64(x, n, k, largest, idx, val), SK_OK);
        for (size_t i = 0; i < k; i++) {
          cr_assert_eq(idx[i], order[i], "topk isa=%s k=%zu largest=%d pos %zu: %zu want %zu",
                       sk_isa_name(isa), k, largest, i, idx[i], order[i]);
          cr_assert(!memcmp(&val[i], &x[order[i]], sizeof(double)) || (isnan(val[i]) && isnan(x[order[i]])));
        }
        cr_assert_eq(sk_topk_f32(xf, n, k, largest, idx, valf), SK_OK);
        for (size_t i = 0; i < k; i++)
          cr_assert_eq(idx[i], order[i], "topk f32 isa=%s k=%zu pos %zu", sk_isa_name(isa), k, i);
        cr_assert_eq(sk_topk_f64(x, n, k, largest, idx, NULL), SK_OK);
      }
    }
  }
  /* all equal: the lowest indices, in order, whatever the direction and vector tail */
  for (size_t i = 0; i < n; i++) x[i] = 5.0, xf[i] = 5.0f;
  FOR_EACH_ISA(isa) {
    for (int largest = 0; largest < 2; largest++) {
      cr_assert_eq(sk_topk_f64(x, 37, 3, largest, idx, val), SK_OK);
      cr_assert(idx[0] == 0 && idx[1] == 1 && idx[2] == 2, "ties isa=%s", sk_isa_name(isa));
      cr_assert_eq(sk_topk_f32(xf, 37, 3, largest, idx, valf), SK_OK);
      cr_assert(idx[0] == 0 && idx[1] == 1 && idx[2] == 2, "ties f32 isa=%s", sk_isa_name(isa));
    }
  }
  cr_assert_eq(sk_topk_f64(x, n, n + 1, 1, idx, val), SK_EINVAL);
  cr_assert_eq(sk_topk_f64(NULL, 0, 0, 1, NULL, NULL), SK_OK);
  cr_assert_eq(sk_topk_f64(x, n, 3, 1, NULL, val), SK_EINVAL);
  free(x); free(xf); free(order); free(idx); free(val); free(valf);
}

/* Long inputs run one chunk per thread and merge the chunks' k best: 1, 2 and 3 threads give the
 * sorted reference order (ties across chunk borders, NaN, infinities; k small and large). */
Test(dist, topk_threads) {
  size_t n = 2100001;
  double *x = malloc(n * sizeof *x);
  uint64_t s = 78;
  for (size_t i = 0; i < n; i++) {
    x[i] = (double)(sk_rng(&s) % 5000) - 2500; /* ~420 copies of each value */
    if (i % 997 == 3) x[i] = NAN;
    if (i % 100003 == 4) x[i] = i % 2 ? INFINITY : -INFINITY;
  }
  for (size_t t = 2; t <= 3; t++) /* extreme values on both sides of every chunk border */
    for (size_t c = 1; c < t; c++)
      for (size_t b = c * n / t - 1, e = b + 2; b <= e; b++) x[b] = b % 2 ? 1e6 : -1e6;
  size_t *order = malloc(n * sizeof *order), *idx = malloc(n * sizeof *idx);
  double *val = malloc(n * sizeof *val);
  for (int largest = 0; largest < 2; largest++) {
    rank_order(x, n, largest, order);
    FOR_EACH_ISA(isa) {
      for (size_t k = 1; k <= 4000; k *= 63) /* 1, 63, 3969: ties cut by the index */
        for (size_t t = 1; t <= 3; t++) {
          sk_set_num_threads(t);
          cr_assert_eq(sk_topk_f64(x, n, k, largest, idx, val), SK_OK);
          for (size_t i = 0; i < k; i++)
            cr_assert(idx[i] == order[i] && (val[i] == x[order[i]] || (isnan(val[i]) && isnan(x[order[i]]))),
                      "threaded topk isa=%s threads=%zu k=%zu largest=%d pos %zu: %zu want %zu",
                      sk_isa_name(isa), t, k, largest, i, idx[i], order[i]);
        }
      sk_set_num_threads(1);
    }
  }
  /* every value NaN but a few: the NaN ranked last, by index */
  for (size_t i = 0; i < n; i++) x[i] = i % 500000 == 7 ? (double)i : NAN;
  sk_set_num_threads(2);
  cr_assert_eq(sk_topk_f64(x, n, 8, 1, idx, val), SK_OK);
  cr_assert(idx[0] == 2000007 && idx[4] == 7 && idx[5] == 0 && idx[6] == 1 && idx[7] == 2,
            "NaN order: %zu %zu %zu %zu", idx[0], idx[4], idx[5], idx[7]);
  sk_set_num_threads(1);
  free(x); free(order); free(idx); free(val);
}

/* scikit-learn's silhouette, brute force in long double */
static long double silhouette_ref(size_t n, size_t d, const double *x, const size_t *lab, size_t k, long double *samp) {
  long double total = 0;
  for (size_t i = 0; i < n; i++) {
    long double *sum = calloc(k, sizeof *sum);
    size_t *cnt = calloc(k, sizeof *cnt);
    for (size_t j = 0; j < n; j++) {
      long double q = 0;
      for (size_t c = 0; c < d; c++) q += ((long double)x[i * d + c] - x[j * d + c]) * ((long double)x[i * d + c] - x[j * d + c]);
      sum[lab[j]] += sqrtl(q);
      cnt[lab[j]]++;
    }
    long double s = 0;
    if (cnt[lab[i]] > 1) {
      long double a = sum[lab[i]] / (cnt[lab[i]] - 1), b = INFINITY;
      for (size_t c = 0; c < k; c++)
        if (c != lab[i] && cnt[c]) b = fminl(b, sum[c] / cnt[c]);
      s = fmaxl(a, b) > 0 ? (b - a) / fmaxl(a, b) : 0;
    }
    samp[i] = s;
    total += s;
    free(sum); free(cnt);
  }
  return total / n;
}

Test(dist, silhouette_hand_checked) {
  /* 1-D points {0, 1} and {4, 5}: s = 3.5/4.5, 2.5/3.5, 2.5/3.5, 3.5/4.5 */
  double x[4] = {0, 1, 4, 5}, samples[4], score;
  size_t lab[4] = {0, 0, 1, 1};
  FOR_EACH_ISA(isa) {
    cr_assert_eq(sk_silhouette_f64(4, 1, x, 1, lab, 2, &score, samples), SK_OK);
    double want = (3.5 / 4.5 + 2.5 / 3.5) / 2;
    cr_assert(fabs(score - want) < 1e-15, "isa=%s score %.17g want %.17g", sk_isa_name(isa), score, want);
    cr_assert(fabs(samples[0] - 3.5 / 4.5) < 1e-15 && fabs(samples[1] - 2.5 / 3.5) < 1e-15);
    /* a singleton cluster scores 0: {0}, {4, 5} */
    size_t lab2[3] = {1, 0, 0};
    double x2[3] = {0, 4, 5}, s2[3];
    cr_assert_eq(sk_silhouette_f64(3, 1, x2, 1, lab2, 2, &score, s2), SK_OK);
    cr_assert(s2[0] == 0.0, "singleton: %g", s2[0]);
    cr_assert(fabs(s2[1] - (4.0 - 1.0) / 4.0) < 1e-15 && fabs(s2[2] - (5.0 - 1.0) / 5.0) < 1e-15);
    cr_assert(fabs(score - (0.75 + 0.8) / 3) < 1e-15);
  }
}

Test(dist, silhouette_random) {
  size_t n = 203, d = 6, k = 5; /* cluster 3 unused, cluster 4 a singleton */
  double *x = fill_f64(n, d, d, 11, 1.0), samples[203];
  float *xf = malloc(n * d * sizeof *xf), sf[203];
  size_t lab[203];
  uint64_t s = 3;
  for (size_t i = 0; i < n; i++) {
    lab[i] = sk_rng(&s) % 3;
    for (size_t c = 0; c < d; c++) x[i * d + c] += (double)lab[i]; /* some structure */
  }
  lab[100] = 4;
  for (size_t i = 0; i < n * d; i++) xf[i] = (float)x[i];
  long double ref[203];
  long double want = silhouette_ref(n, d, x, lab, k, ref);
  FOR_EACH_ISA(isa) {
    double score, scoref;
    cr_assert_eq(sk_silhouette_f64(n, d, x, d, lab, k, &score, samples), SK_OK);
    cr_assert(fabsl(score - want) < 1e-13L, "isa=%s %.17g vs %.17Lg", sk_isa_name(isa), score, want);
    for (size_t i = 0; i < n; i++) cr_assert(fabsl(samples[i] - ref[i]) < 1e-12L);
    cr_assert_eq(sk_silhouette_f32(n, d, xf, d, lab, k, &scoref, sf), SK_OK);
    cr_assert(fabsl(scoref - want) < 1e-4L, "f32 isa=%s %.9g vs %.9Lg", sk_isa_name(isa), scoref, want);
  }
  /* invalid: one cluster, a label out of range, NaN, every point its own cluster */
  double score;
  size_t one[203] = {0};
  cr_assert_eq(sk_silhouette_f64(n, d, x, d, one, k, &score, NULL), SK_EINVAL);
  lab[7] = k;
  cr_assert_eq(sk_silhouette_f64(n, d, x, d, lab, k, &score, NULL), SK_EINVAL);
  lab[7] = 0;
  x[5] = NAN;
  cr_assert_eq(sk_silhouette_f64(n, d, x, d, lab, k, &score, NULL), SK_EINVAL);
  size_t own[3] = {0, 1, 2};
  double x3[3] = {0, 1, 2};
  cr_assert_eq(sk_silhouette_f64(3, 1, x3, 1, own, 3, &score, NULL), SK_EINVAL);
  free(x); free(xf);
}

/* The same reference for any element type and row stride (long double from the stored values). */
#define DEFINE_SIL_REF(T, S)                                                                      \
  static long double sil_ref_##S(size_t n, size_t d, const T *x, size_t ld, const size_t *lab,    \
                                 size_t k, long double *samp) {                                   \
    long double total = 0, *sum = malloc(k * sizeof *sum);                                        \
    size_t *cnt = calloc(k, sizeof *cnt);                                                         \
    for (size_t j = 0; j < n; j++) cnt[lab[j]]++;                                                 \
    for (size_t i = 0; i < n; i++) {                                                              \
      for (size_t c = 0; c < k; c++) sum[c] = 0;                                                  \
      for (size_t j = 0; j < n; j++) {                                                            \
        long double q = 0;                                                                        \
        for (size_t c = 0; c < d; c++) {                                                          \
          long double t = (long double)x[i * ld + c] - x[j * ld + c];                             \
          q += t * t;                                                                             \
        }                                                                                         \
        sum[lab[j]] += sqrtl(q);                                                                  \
      }                                                                                           \
      long double s = 0;                                                                          \
      if (cnt[lab[i]] > 1) {                                                                      \
        long double a = sum[lab[i]] / (cnt[lab[i]] - 1), b = INFINITY;                            \
        for (size_t c = 0; c < k; c++)                                                            \
          if (c != lab[i] && cnt[c]) b = fminl(b, sum[c] / cnt[c]);                               \
        s = fmaxl(a, b) > 0 ? (b - a) / fmaxl(a, b) : 0;                                          \
      }                                                                                           \
      samp[i] = s;                                                                                \
      total += s;                                                                                 \
    }                                                                                             \
    free(sum); free(cnt);                                                                         \
    return total / n;                                                                             \
  }
DEFINE_SIL_REF(double, f64)
DEFINE_SIL_REF(float, f32)

/* Labels for a sweep case: random in [0, k) with cluster k-1 unused and, for n > 4, one
 * singleton (cluster k-2); 0 and 1 always present. */
static void sil_labels(size_t n, size_t k, uint64_t seed, size_t *lab) {
  for (size_t i = 0; i < n; i++) lab[i] = k > 3 ? sk_rng(&seed) % (k - 2) : sk_rng(&seed) % 2;
  lab[0] = 0;
  lab[n - 1] = 1;
  if (n > 4 && k > 3) lab[n / 2] = k - 2;
}

/* Sizes around every panel width (4..32 columns) and the 64-row blocks, strided rows (ld > d),
 * shuffled labels, singleton and unused clusters, f64 and f32, every ISA. Per-sample tolerance:
 * each distance is good to (2d + 8) ulp of its type (difference form, then the root), each sum adds
 * n ulp of f64, and s = (b - a) / max(a, b) doubles a relative error. */
Test(dist, silhouette_sweep) {
  static const size_t NS[] = {3, 4, 5, 7, 16, 17, 31, 33, 63, 64, 65, 97, 129, 200, 257};
  static const size_t DS[] = {1, 5, 13};
  for (size_t ni = 0; ni < sizeof NS / sizeof *NS; ni++)
    for (size_t di = 0; di < 3; di++) {
      size_t n = NS[ni], d = DS[di], ld = d + 3, k = n < 6 ? 2 : 3 + ni % 5;
      double *x = fill_f64(n, d, ld, 100 + ni * 7 + di, 1.0), score, *samp = malloc(n * sizeof *samp);
      float *xf = fill_f32(n, d, ld, 100 + ni * 7 + di, 1.0), *sampf = malloc(n * sizeof *sampf);
      size_t *lab = malloc(n * sizeof *lab);
      long double *ref = malloc(n * sizeof *ref), *reff = malloc(n * sizeof *reff);
      sil_labels(n, k, ni * 31 + di, lab);
      for (size_t i = 0; i < n; i++) /* some structure, so scores are not all near 0 */
        for (size_t c = 0; c < d; c++) x[i * ld + c] += 0.7 * (double)lab[i], xf[i * ld + c] = (float)x[i * ld + c];
      long double want = sil_ref_f64(n, d, x, ld, lab, k, ref), wantf = sil_ref_f32(n, d, xf, ld, lab, k, reff);
      long double tol = 4 * ((2 * d + 8) * 0x1p-53L + n * 0x1p-52L), tolf = 4 * ((2 * d + 8) * 0x1p-24L + n * 0x1p-52L);
      FOR_EACH_ISA(isa) {
        cr_assert_eq(sk_silhouette_f64(n, d, x, ld, lab, k, &score, samp), SK_OK, "n=%zu d=%zu", n, d);
        cr_assert(fabsl(score - want) <= tol, "isa=%s n=%zu d=%zu k=%zu: %.17g vs %.17Lg", sk_isa_name(isa), n, d, k, score, want);
        for (size_t i = 0; i < n; i++)
          cr_assert(fabsl(samp[i] - ref[i]) <= tol, "isa=%s n=%zu d=%zu sample %zu: %.17g vs %.17Lg",
                    sk_isa_name(isa), n, d, i, samp[i], ref[i]);
        cr_assert_eq(sk_silhouette_f32(n, d, xf, ld, lab, k, &score, sampf), SK_OK);
        cr_assert(fabsl(score - wantf) <= tolf, "f32 isa=%s n=%zu d=%zu: %.9g vs %.9Lg", sk_isa_name(isa), n, d, score, wantf);
        for (size_t i = 0; i < n; i++)
          cr_assert(fabsl(sampf[i] - reff[i]) <= tolf + 0x1p-24L, "f32 isa=%s n=%zu d=%zu sample %zu: %.9g vs %.9Lg",
                    sk_isa_name(isa), n, d, i, (double)sampf[i], reff[i]);
      }
      free(x); free(xf); free(samp); free(sampf); free(lab); free(ref); free(reff);
    }
}

/* Data scaled by powers of two (exact): squared distances near both ends of the range; the
 * score is scale-free. */
Test(dist, silhouette_scaled) {
  size_t n = 129, d = 7, k = 4;
  double *x = fill_f64(n, d, d, 5, 1.0), *xs = malloc(n * d * sizeof *xs), score;
  float *xf = malloc(n * d * sizeof *xf);
  size_t lab[129];
  long double ref[129], reff[129];
  sil_labels(n, k, 9, lab);
  for (size_t i = 0; i < n * d; i++) x[i] += lab[i / d];
  long double want = sil_ref_f64(n, d, x, d, lab, k, ref);
  static const int E64[] = {-500, -480, -300, 300, 500}, E32[] = {-55, -40, 40, 55};
  FOR_EACH_ISA(isa) {
    for (int e = 0; e < 5; e++) {
      for (size_t i = 0; i < n * d; i++) xs[i] = ldexp(x[i], E64[e]);
      cr_assert_eq(sk_silhouette_f64(n, d, xs, d, lab, k, &score, NULL), SK_OK);
      cr_assert(fabsl(score - want) < 1e-12L, "isa=%s 2^%d: %.17g vs %.17Lg", sk_isa_name(isa), E64[e], score, want);
    }
    for (int e = 0; e < 4; e++) {
      for (size_t i = 0; i < n * d; i++) xf[i] = ldexpf((float)x[i], E32[e]);
      long double wf = sil_ref_f32(n, d, xf, d, lab, k, reff);
      cr_assert_eq(sk_silhouette_f32(n, d, xf, d, lab, k, &score, NULL), SK_OK);
      cr_assert(fabsl(score - wf) < 1e-5L, "f32 isa=%s 2^%d: %.9g vs %.9Lg", sk_isa_name(isa), E32[e], score, wf);
    }
  }
  free(x); free(xs); free(xf);
}

/* Silhouette splits the triangle into fixed groups: 1, 2 and 3 threads give the same bits, for
 * every ISA and both types (n large enough to pass the threading threshold). */
Test(dist, silhouette_threads_bitwise) {
  size_t n = sk_test_small() ? 530 : 1100, d = 16, k = 5, ld = 19;
  double *x = fill_f64(n, d, ld, 21, 1.0), score[3], *samp[3];
  float *xf = fill_f32(n, d, ld, 21, 1.0), *sampf[3];
  size_t *lab = malloc(n * sizeof *lab);
  sil_labels(n, k, 4, lab);
  for (int t = 0; t < 3; t++) samp[t] = malloc(n * sizeof(double)), sampf[t] = malloc(n * sizeof(float));
  FOR_EACH_ISA(isa) {
    for (int t = 0; t < 3; t++) {
      sk_set_num_threads((size_t)t + 1);
      cr_assert_eq(sk_silhouette_f64(n, d, x, ld, lab, k, &score[t], samp[t]), SK_OK);
    }
    for (int t = 1; t < 3; t++)
      cr_assert(score[0] == score[t] && !memcmp(samp[0], samp[t], n * sizeof(double)),
                "isa=%s f64 differs with %d threads", sk_isa_name(isa), t + 1);
    for (int t = 0; t < 3; t++) {
      sk_set_num_threads((size_t)t + 1);
      cr_assert_eq(sk_silhouette_f32(n, d, xf, ld, lab, k, &score[t], sampf[t]), SK_OK);
    }
    for (int t = 1; t < 3; t++)
      cr_assert(score[0] == score[t] && !memcmp(sampf[0], sampf[t], n * sizeof(float)),
                "isa=%s f32 differs with %d threads", sk_isa_name(isa), t + 1);
  }
  sk_set_num_threads(1);
  for (int t = 0; t < 3; t++) free(samp[t]), free(sampf[t]);
  free(x); free(xf); free(lab);
}

Test(dist, silhouette_bad_input) {
  double x[8] = {0, 1, 2, 3, 4, 5, 6, 7}, score, samp[4];
  float xf[8] = {0};
  size_t lab[4] = {0, 1, 0, 1}, two[2] = {0, 1};
  FOR_EACH_ISA(isa) {
    cr_assert_eq(sk_silhouette_f64(2, 1, x, 1, two, 2, &score, NULL), SK_EINVAL); /* n = 2: no valid labelling */
    cr_assert_eq(sk_silhouette_f64(0, 1, x, 1, lab, 2, &score, NULL), SK_EINVAL);
    cr_assert_eq(sk_silhouette_f64(4, 2, NULL, 2, lab, 2, &score, NULL), SK_EINVAL);
    cr_assert_eq(sk_silhouette_f64(4, 2, x, 2, lab, 2, NULL, NULL), SK_EINVAL);
    cr_assert_eq(sk_silhouette_f64(4, 2, x, 1, lab, 2, &score, NULL), SK_EINVAL);  /* ldx < d */
    cr_assert_eq(sk_silhouette_f64(4, 2, x, 2, lab, 0, &score, NULL), SK_EINVAL);
    cr_assert_eq(sk_silhouette_f64(4, 2, x, 2, lab, 1, &score, NULL), SK_EINVAL);  /* label >= k */
    cr_assert_neq(sk_silhouette_f64(4, 2, x, 2, lab, SIZE_MAX, &score, NULL), SK_OK);
    cr_assert_neq(sk_silhouette_f64(SIZE_MAX / 4, 2, x, 2, lab, 2, &score, NULL), SK_OK);
    cr_assert_eq(sk_silhouette_f64(4, 2, x, 2, lab, 2, &score, (double *)x), SK_EINVAL); /* overlap */
    cr_assert_eq(sk_silhouette_f32(4, 2, xf, 2, lab, 2, &score, NULL), SK_OK); /* all points equal */
    cr_assert(score == 0.0, "isa=%s coincident points: %g", sk_isa_name(isa), score);
    cr_assert_eq(sk_silhouette_f64(4, 0, x, 1, lab, 2, &score, samp), SK_OK); /* d = 0: all 0 */
    cr_assert(score == 0.0);
  }
}

Test(dist, rbf) {
  size_t nx = 13, ny = 21, d = 5;
  double *x = fill_f64(nx, d, d, 1, 1.0), *y = fill_f64(ny, d, d, 2, 1.0), *o = malloc(nx * ny * sizeof *o);
  float *xf = fill_f32(nx, d, d, 1, 1.0), *yf = fill_f32(ny, d, d, 2, 1.0), *of = malloc(nx * ny * sizeof *of);
  FOR_EACH_ISA(isa) {
    for (double gamma = 0.0; gamma < 3; gamma += 0.7) {
      cr_assert_eq(sk_rbf_kernel_f64(nx, ny, d, x, d, y, d, gamma, o, ny), SK_OK);
      cr_assert_eq(sk_rbf_kernel_f32(nx, ny, d, xf, d, yf, d, gamma, of, ny), SK_OK);
      for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++) {
          ref_t r = ref_f64(SK_METRIC_SQEUCLIDEAN, x + i * d, y + j * d, d, 0x1p-53L);
          long double want = expl(-gamma * r.v);
          cr_assert(fabsl(o[i * ny + j] - want) <= want * (gamma * r.tol + 0x1p-50L),
                    "rbf isa=%s (%zu,%zu) %.17g vs %.17Lg", sk_isa_name(isa), i, j, o[i * ny + j], want);
          ref_t rf = ref_f32(SK_METRIC_SQEUCLIDEAN, xf + i * d, yf + j * d, d, 0x1p-24L);
          long double wf = expl(-(long double)(float)gamma * rf.v);
          cr_assert(fabsl(of[i * ny + j] - wf) <= wf * (gamma * rf.tol + 0x1p-20L),
                    "rbf f32 isa=%s (%zu,%zu) %.9g vs %.9Lg", sk_isa_name(isa), i, j, (double)of[i * ny + j], wf);
        }
    }
  }
  free(x); free(y); free(o); free(xf); free(yf); free(of);
}

/* Same results, bit for bit, on 1, 2 and 3 threads. */
Test(dist, threads_bitwise) {
  size_t nx = 301, ny = 203, d = 37;
  double *x = fill_f64(nx, d, d, 1, 1.0), *y = fill_f64(ny, d, d, 2, 1.0);
  double *o[3], dist[3][301], score[3];
  size_t idx[3][301], lab[301];
  for (size_t i = 0; i < nx; i++) lab[i] = i % 3;
  for (int t = 0; t < 3; t++) {
    sk_set_num_threads((size_t)t + 1);
    o[t] = malloc(nx * ny * sizeof(double));
    cr_assert_eq(sk_cdist_f64(SK_METRIC_EUCLIDEAN, nx, ny, d, x, d, y, d, o[t], ny), SK_OK);
    cr_assert_eq(sk_cdist_argmin_f64(SK_METRIC_COSINE_DISTANCE, nx, ny, d, x, d, y, d, idx[t], dist[t]), SK_OK);
    cr_assert_eq(sk_silhouette_f64(nx, d, x, d, lab, 3, &score[t], NULL), SK_OK);
  }
  for (int t = 1; t < 3; t++) {
    cr_assert(!memcmp(o[0], o[t], nx * ny * sizeof(double)), "cdist differs with %d threads", t + 1);
    cr_assert(!memcmp(idx[0], idx[t], sizeof idx[0]) && !memcmp(dist[0], dist[t], sizeof dist[0]));
    cr_assert(score[0] == score[t]);
  }
  for (int t = 0; t < 3; t++) free(o[t]);
  free(x); free(y);
}

Test(dist, bad_arguments) {
  double x[12] = {0}, out[16];
  size_t idx[4];
  cr_assert_eq(sk_cdist_f64((sk_metric)5, 2, 2, 3, x, 3, x, 3, out, 2), SK_EINVAL);
  cr_assert_eq(sk_cdist_f64((sk_metric)-1, 2, 2, 3, x, 3, x, 3, out, 2), SK_EINVAL);
  cr_assert_eq(sk_cdist_f64(SK_METRIC_DOT, 2, 2, 3, x, 2, x, 3, out, 2), SK_EINVAL);  /* ldx < d */
  cr_assert_eq(sk_cdist_f64(SK_METRIC_DOT, 2, 2, 3, x, 3, x, 3, out, 1), SK_EINVAL);  /* ldo < ny */
  cr_assert_eq(sk_cdist_f64(SK_METRIC_DOT, 0, 0, 0, x, 0, x, 1, out, 1), SK_EINVAL);  /* ld >= 1 */
  cr_assert_eq(sk_cdist_f64(SK_METRIC_DOT, 2, 2, 3, NULL, 3, x, 3, out, 2), SK_EINVAL);
  cr_assert_eq(sk_cdist_f64(SK_METRIC_DOT, 2, 2, 3, x, 3, x, 3, NULL, 2), SK_EINVAL);
  cr_assert_eq(sk_cdist_f64(SK_METRIC_DOT, 2, 2, 3, x, 3, x, 3, x + 2, 2), SK_EINVAL); /* out overlaps x */
  cr_assert_eq(sk_cdist_f64(SK_METRIC_DOT, SIZE_MAX / 8, 2, 3, x, 3, x, 3, out, 2), SK_EOVERFLOW);
  cr_assert_eq(sk_cdist_self_f64(SK_METRIC_DOT, 2, 3, x, 3, x, 2), SK_EINVAL);
  cr_assert_eq(sk_cdist_argmin_f64(SK_METRIC_DOT, 2, 2, 3, x, 3, x, 3, NULL, NULL), SK_EINVAL);
  cr_assert_eq(sk_cdist_argmin_f64((sk_metric)9, 2, 2, 3, x, 3, x, 3, idx, NULL), SK_EINVAL);
  cr_assert_eq(sk_rbf_kernel_f64(2, 2, 3, x, 3, x, 3, 1.0, out, 1), SK_EINVAL);
  cr_assert_eq(sk_silhouette_f64(4, 3, x, 3, NULL, 2, out, NULL), SK_EINVAL);
  /* empty is fine */
  cr_assert_eq(sk_cdist_f64(SK_METRIC_DOT, 0, 5, 3, NULL, 3, x, 3, NULL, 5), SK_OK);
  cr_assert_eq(sk_cdist_argmin_f64(SK_METRIC_DOT, 0, 2, 3, NULL, 3, x, 3, NULL, NULL), SK_OK);
}
