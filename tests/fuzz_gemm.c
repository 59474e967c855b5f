/* libFuzzer target for sk_gemm_f64/f32: bytes -> shape (k sometimes past one k block),
 * transposes, leading-dimension padding, alpha/beta, and either small integers (every product
 * and sum exact, so the result must equal a naive double loop exactly) or raw bit patterns (no
 * crash, no sanitizer report). On every supported ISA: SK_OK, inputs unchanged, C's padding
 * untouched, 1 and 2 threads bitwise equal. */
#include <math.h>
#include <simdkern.h>

#include "fuzz_common.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



static const double SCALARS[] = {0, 1, -0.5, 2, 0.25, -1};

#define DEFINE_RUN(T, S)                                                                          \
  static void run_##S(stream *s) {                                                                \
    unsigned flags = take(s);                                                                     \
    size_t m = take(s) % 41, n = take(s) % 71, k = take(s) % 41 + (flags & 1 ? 250 : 0);          \
    int ta = flags >> 1 & 1, tb = flags >> 2 & 1, exact = !(flags & 8);                          \
    size_t ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;                    \
    size_t lda = (ac ? ac : 1) + take(s) % 3, ldb = (bc ? bc : 1) + take(s) % 3;                  \
    size_t ldc = (n ? n : 1) + take(s) % 3;                                                       \
    T alpha = (T)SCALARS[take(s) % 6], beta = (T)SCALARS[take(s) % 6];                            \
    size_t na = ar * lda + 1, nb = br * ldb + 1, nc = m * ldc + 1;                                \
    T *a = calloc(na, sizeof(T)), *b = calloc(nb, sizeof(T)), *c0 = calloc(nc, sizeof(T));        \
    T *ca = malloc(na * sizeof(T)), *cb = malloc(nb * sizeof(T));                                 \
    T *c1 = malloc(nc * sizeof(T)), *c2 = malloc(nc * sizeof(T));                                 \
    T *arrs[3] = {a, b, c0};                                                                      \
    size_t lens[3] = {na, nb, nc};                                                                \
    for (int q = 0; q < 3; q++)                                                                   \
      for (size_t i = 0; i < lens[q] && s->n; i++) {                                              \
        if (exact) arrs[q][i] = (T)((int)take(s) % 17 - 8);                                       \
        else if (s->n >= sizeof(T)) { memcpy(&arrs[q][i], s->p, sizeof(T)); s->p += sizeof(T); s->n -= sizeof(T); } \
      }                                                                                           \
    if (beta == 0)                                                                                \
      for (size_t i = 0; i < nc; i++) c0[i] = (T)NAN;                                             \
    memcpy(ca, a, na * sizeof(T));                                                                \
    memcpy(cb, b, nb * sizeof(T));                                                                \
    for (int isa = SK_ISA_SCALAR; isa <= SK_ISA_NEON; isa++) {                                    \
      if (sk_isa_use((sk_isa)isa) != SK_OK) continue;                                             \
      memcpy(c1, c0, nc * sizeof(T));                                                             \
      memcpy(c2, c0, nc * sizeof(T));                                                             \
      sk_set_num_threads(1);                                                                      \
      CHECK(sk_gemm_##S((sk_trans)ta, (sk_trans)tb, m, n, k, alpha, a, lda, b, ldb, beta, c1,     \
                        ldc) == SK_OK);                                                           \
      sk_set_num_threads(2);                                                                      \
      CHECK(sk_gemm_##S((sk_trans)ta, (sk_trans)tb, m, n, k, alpha, a, lda, b, ldb, beta, c2,     \
                        ldc) == SK_OK);                                                           \
      CHECK(memcmp(c1, c2, nc * sizeof(T)) == 0);                                                 \
      CHECK(memcmp(a, ca, na * sizeof(T)) == 0 && memcmp(b, cb, nb * sizeof(T)) == 0);            \
      for (size_t i = 0; i < m; i++)                                                              \
        for (size_t j = 0; j < ldc; j++) {                                                        \
          T got = c1[i * ldc + j];                                                                \
          if (j >= n) { CHECK(memcmp(&got, &c0[i * ldc + j], sizeof got) == 0); continue; }      \
          if (!exact) continue;                                                                   \
          double r = 0;                                                                           \
          for (size_t p = 0; p < k && alpha != 0; p++)                                            \
            r += (double)(ta ? a[p * lda + i] : a[i * lda + p]) *                                 \
                 (double)(tb ? b[j * ldb + p] : b[p * ldb + j]);                                  \
          r = (double)alpha * r + (beta == 0 ? 0.0 : (double)beta * (double)c0[i * ldc + j]);     \
          CHECK((double)got == r);                                                                \
        }                                                                                         \
    }                                                                                             \
    sk_set_num_threads(1);                                                                        \
    free(a); free(b); free(c0); free(ca); free(cb); free(c1); free(c2);                           \
  }
DEFINE_RUN(double, f64)
DEFINE_RUN(float, f32)

SK_FUZZ_ENTRY
