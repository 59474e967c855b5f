/* libFuzzer target: bytes -> element type, length, alignment and contents (any bit pattern:
 * NaN, Inf, subnormals, huge values), then every vector-pair kernel on every supported ISA.
 * Invariants: SK_OK, inputs unchanged, cosine in [-1, 1] or NaN, distances >= 0 or NaN,
 * euclidean == sqrt(sqeuclidean) when that is a finite normal, results identical twice. */
#include <math.h>
#include <simdkern.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  int f32 = data[0] & 1;
  size_t off = (data[0] >> 1) & 15, esz = f32 ? 4 : 8;
  size_t n = (size - 2) / (2 * esz);
  data += 2;
  unsigned char *buf = aligned_alloc(64, ((2 * (n + 16) * esz) / 64 + 2) * 64);
  unsigned char *a = buf + off * esz, *b = buf + (n + 16) * esz + ((off * 7) % 16) * esz;
  memcpy(a, data, n * esz);
  memcpy(b, data + n * esz, n * esz);
  unsigned char *ca = malloc(n * esz + 1), *cb = malloc(n * esz + 1);
  memcpy(ca, a, n * esz);
  memcpy(cb, b, n * esz);
  for (int isa = SK_ISA_SCALAR; isa <= SK_ISA_NEON; isa++) {
    if (sk_isa_use((sk_isa)isa) != SK_OK) continue;
    double r[2][4];
    for (int rep = 0; rep < 2; rep++) {
      if (f32) {
        CHECK(sk_dot_f32((float *)a, (float *)b, n, &r[rep][0]) == SK_OK);
        CHECK(sk_sqeuclidean_f32((float *)a, (float *)b, n, &r[rep][1]) == SK_OK);
        CHECK(sk_euclidean_f32((float *)a, (float *)b, n, &r[rep][2]) == SK_OK);
        CHECK(sk_cosine_similarity_f32((float *)a, (float *)b, n, &r[rep][3]) == SK_OK);
      } else {
        CHECK(sk_dot_f64((double *)a, (double *)b, n, &r[rep][0]) == SK_OK);
        CHECK(sk_sqeuclidean_f64((double *)a, (double *)b, n, &r[rep][1]) == SK_OK);
        CHECK(sk_euclidean_f64((double *)a, (double *)b, n, &r[rep][2]) == SK_OK);
        CHECK(sk_cosine_similarity_f64((double *)a, (double *)b, n, &r[rep][3]) == SK_OK);
      }
    }
    CHECK(memcmp(r[0], r[1], sizeof r[0]) == 0);
    CHECK(isnan(r[0][1]) || r[0][1] >= 0);
    CHECK(isnan(r[0][2]) || r[0][2] >= 0);
    CHECK(isnan(r[0][3]) || (r[0][3] >= -1 && r[0][3] <= 1));
    if (isfinite(r[0][1]) && r[0][1] >= 0x1p-900)
      CHECK(fabs(r[0][2] - sqrt(r[0][1])) <= 0x1p-50 * r[0][2]);
    CHECK(memcmp(ca, a, n * esz) == 0 && memcmp(cb, b, n * esz) == 0);
  }
  free(ca);
  free(cb);
  free(buf);
  return 0;
}
