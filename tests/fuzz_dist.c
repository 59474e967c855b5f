/* libFuzzer target for the distance family: bytes -> shapes, leading dimensions, metric, k,
 * labels and matrix contents (any bit pattern), then cdist / cdist_self / argmin / top-k /
 * silhouette / RBF on every supported ISA, f32 and f64. Invariants: never a crash or a sanitizer
 * report; SK_OK for valid arguments; inputs unchanged; results identical on 1 and 2 threads;
 * cdist_self symmetric; argmin's index and value agree with the cdist matrix; top-k sorted. */
#include <math.h>
#include <stdio.h>
#include <simdkern.h>

#include "fuzz_common.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>



#define DEFINE_RUN(T, S)                                                                          \
  static void run_##S(stream *s) {                                                                \
    size_t nx = take(s) % 19, ny = take(s) % 23, d = take(s) % 11;                                \
    size_t ldx = d + take(s) % 3, ldy = d + take(s) % 3, ldo = ny + take(s) % 3;                   \
    if (!ldx) ldx = 1;                                                                            \
    if (!ldy) ldy = 1;                                                                            \
    if (!ldo) ldo = 1;                                                                            \
    sk_metric m = (sk_metric)(take(s) % 5);                                                       \
    size_t nxa = nx * ldx + 1, nya = ny * ldy + 1;                                                \
    T *x = calloc(nxa, sizeof(T)), *y = calloc(nya, sizeof(T));                                   \
    for (size_t i = 0; i < nxa && s->n >= sizeof(T); i++) {                                       \
      memcpy(&x[i], s->p, sizeof(T)); s->p += sizeof(T); s->n -= sizeof(T);                       \
    }                                                                                             \
    for (size_t i = 0; i < nya && s->n >= sizeof(T); i++) {                                       \
      memcpy(&y[i], s->p, sizeof(T)); s->p += sizeof(T); s->n -= sizeof(T);                      \
    }                                                                                             \
    T *cx = malloc(nxa * sizeof(T)), *cy = malloc(nya * sizeof(T));                               \
    memcpy(cx, x, nxa * sizeof(T));                                                               \
    memcpy(cy, y, nya * sizeof(T));                                                               \
    T *o1 = malloc((nx * ldo + 1) * sizeof(T)), *o2 = malloc((nx * ldo + 1) * sizeof(T));         \
    T *sq = malloc((nx * nx + 1) * sizeof(T)), *dist = malloc((nx + 1) * sizeof(T));              \
    size_t *idx = malloc((nx + 1) * sizeof(size_t)), *lab = malloc((nx + 1) * sizeof(size_t));    \
    size_t *idx2 = malloc((nx + 1) * sizeof(size_t));                                             \
    size_t *tk = malloc((nya + 1) * sizeof(size_t));                                              \
    T *tv = malloc((nya + 1) * sizeof(T));                                                        \
    for (size_t i = 0; i < nx; i++) lab[i] = take(s) % 3;                                         \
    size_t k = nya ? take(s) % (nya + 1) : 0;                                                     \
    for (int isa = SK_ISA_SCALAR; isa <= SK_ISA_NEON; isa++) {                                    \
      if (sk_isa_use((sk_isa)isa) != SK_OK) continue;                                             \
      memset(o1, 0, (nx * ldo + 1) * sizeof(T));                                                  \
      memset(o2, 0, (nx * ldo + 1) * sizeof(T));                                                  \
      sk_set_num_threads(1);                                                                      \
      CHECK(sk_cdist_##S(m, nx, ny, d, x, ldx, y, ldy, o1, ldo) == SK_OK);                        \
      sk_set_num_threads(2);                                                                      \
      CHECK(sk_cdist_##S(m, nx, ny, d, x, ldx, y, ldy, o2, ldo) == SK_OK);                        \
      CHECK(memcmp(o1, o2, (nx * ldo + 1) * sizeof(T)) == 0);                                     \
      CHECK(sk_cdist_argmin_##S(m, nx, ny, d, x, ldx, y, ldy, idx, dist) == SK_OK);               \
      CHECK(sk_cdist_argmin_##S(m, nx, ny, d, x, ldx, y, ldy, idx2, NULL) == SK_OK); /* indices only */ \
      CHECK(memcmp(idx, idx2, nx * sizeof(size_t)) == 0);                                         \
      int largest = m == SK_METRIC_DOT || m == SK_METRIC_COSINE_SIMILARITY;                       \
      for (size_t i = 0; i < nx && nx > 2; i++) { /* cdist on >2 rows uses the same tiles */      \
        if (idx[i] == SK_NO_INDEX) { CHECK(isnan(dist[i])); continue; }                           \
        CHECK(idx[i] < ny);                                                                       \
        T v = o1[i * ldo + idx[i]];                                                               \
        CHECK(!memcmp(&v, &dist[i], sizeof(T)));                                                  \
        for (size_t j = 0; j < ny; j++) {                                                         \
          T w = o1[i * ldo + j];                                                                  \
          CHECK(w != w || (largest ? !(w > v) : !(w < v)));                                       \
          if (j < idx[i]) CHECK(w != w || w != v);                                                \
        }                                                                                         \
      }                                                                                           \
      CHECK(sk_cdist_self_##S(m, nx, d, x, ldx, sq, nx ? nx : 1) == SK_OK);                       \
      for (size_t i = 0; i < nx; i++)                                                             \
        for (size_t j = 0; j < nx; j++) CHECK(!memcmp(&sq[i * nx + j], &sq[j * nx + i], sizeof(T))); \
      CHECK(sk_rbf_kernel_##S(nx, ny, d, x, ldx, y, ldy, 0.5, o1, ldo) == SK_OK);                 \
      double score;                                                                               \
      sk_status st = sk_silhouette_##S(nx, d, x, ldx, lab, 3, &score, dist);                      \
      CHECK(st == SK_OK || st == SK_EINVAL);                                                      \
      if (st == SK_OK) CHECK(score != score || (score >= -1 && score <= 1));                     \
      CHECK(sk_topk_##S(y, nya, k, (int)(take(s) & 1), tk, tv) == SK_OK);                          \
      for (size_t i = 0; i + 1 < k; i++) CHECK(tk[i] != tk[i + 1]);                               \
    }                                                                                             \
    sk_set_num_threads(1);                                                                        \
    CHECK(!memcmp(cx, x, nxa * sizeof(T)) && !memcmp(cy, y, nya * sizeof(T)));                    \
    free(x); free(y); free(cx); free(cy); free(o1); free(o2); free(sq); free(dist);               \
    free(idx); free(idx2); free(lab); free(tk); free(tv);                                         \
  }
DEFINE_RUN(double, f64)
DEFINE_RUN(float, f32)

SK_FUZZ_ENTRY
