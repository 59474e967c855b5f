/* Distance-matrix kernels, compiled once per ISA: dist_tile.h instantiated for f64 and f32. */
#include <float.h>
#include <math.h>

#include "kernels.h"
#include "simd/simd.h"
#include "protos.h"

#define SK_TILE "dist_tile.h"
#include "instantiate.h"
