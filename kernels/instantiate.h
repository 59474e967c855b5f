/* Includes SK_TILE (a template over T, S, V, VN, V_) once for f64 and once for f32 lanes. */
#define T double
#define S f64
#define V vd
#define VN SK_VD_N
#define V_(op) vd_##op
#include SK_TILE
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
#include SK_TILE
#undef T
#undef S
#undef V
#undef VN
#undef V_
