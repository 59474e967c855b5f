/* Public matrix-multiply entry points (f64 and f32, instantiated from api_gemm_impl.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SK_CAT_(a, b) a##b
#define SK_CAT(a, b) SK_CAT_(a, b)

#define T double
#define S f64
#include "api_gemm_impl.h"
#undef T
#undef S

#define T float
#define S f32
#include "api_gemm_impl.h"
