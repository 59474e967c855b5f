/* Distance-matrix kernels, compiled once per ISA: dist_tile.h instantiated for f64 and f32. */
#include <math.h>

#include "kernels.h"
#include "simd/simd.h"
#include "protos.h"

#define T double
#define S f64
#define V vd
#define VN SK_VD_N
#define V_(op) vd_##op
#include "dist_tile.h"
#undef T
#undef S
#undef V
#undef VN
#undef V_

#define T float
#define S f32
#define V vf
#define VN SK_VF_N
#define V_(op) vf_##op
#include "dist_tile.h"
