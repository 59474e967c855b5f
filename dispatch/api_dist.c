/* Public distance-matrix, nearest-row, top-k, silhouette and RBF entry points (f64 and f32,
 * instantiated from api_dist_impl.h). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SK_CAT_(a, b) a##b
#define SK_CAT(a, b) SK_CAT_(a, b)

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
