/* Public distance-matrix, nearest-row, top-k, silhouette and RBF entry points (f64 and f32,
 * instantiated from api_dist_impl.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SK_CAT_(a, b) a##b
#define SK_CAT(a, b) SK_CAT_(a, b)

/* rows x cols matrix at p with leading dimension ld: ld >= max(1, cols) always; p may be NULL
 * only when the matrix is empty; its byte size must fit size_t. */
static sk_status sk_check_mat(size_t rows, size_t cols, const void *p, size_t ld, size_t esz) {
  size_t bytes;
  if (ld < (cols ? cols : 1)) return SK_EINVAL;
  if (!p && rows && cols) return SK_EINVAL;
  if (!sk_mul_ok(rows, ld, esz, &bytes)) return SK_EOVERFLOW;
  return SK_OK;
}

/* Max |x| of a row for which the tile's dot product in T can neither overflow nor lose the
 * result to underflow (d < 2^20): f64 2^-400..2^400, f32 2^-40..2^40. */
#define T double
#define S f64
#define COS_LO 0x1p-400
#define COS_HI 0x1p400
#define SAMPLE_T double
#include "api_dist_impl.h"
#undef T
#undef S
#undef COS_LO
#undef COS_HI
#undef SAMPLE_T

#define T float
#define S f32
#define COS_LO 0x1p-40
#define COS_HI 0x1p40
#define SAMPLE_T float
#include "api_dist_impl.h"
