/* Public matrix-multiply entry points (f64 and f32, instantiated from api_gemm_impl.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SK_CAT_(a, b) a##b
#define SK_CAT(a, b) SK_CAT_(a, b)

/* Packing workspace (about 1-2 MB per thread for big products): kept between calls
 * (dispatch/workspace.c). */
static sk_ws sk_gemm_ws;

/* Bytes of L2 per core as detected (cpuinfo, else sysconf), 0 if unknown; looked up once. */
static size_t sk_gemm_l2(void) {
  static atomic_size_t cached = SIZE_MAX;
  size_t v = atomic_load_explicit(&cached, memory_order_relaxed);
  if (v == SIZE_MAX) {
    sk_cpu_info ci;
    v = sk_cpu_info_get(&ci) == SK_OK ? ci.l2_bytes : 0;
    atomic_store_explicit(&cached, v, memory_order_relaxed);
  }
  return v;
}

/* The table's nc assumes the smallest L2 its ISA ships with (AVX2: Haswell's 256 KB). With a
 * known L2, the packed B block takes half of it instead (the rest is for C and A traffic):
 * measured 0.79 -> 0.90 of OpenBLAS-Haswell at 2048 with AVX2 kernels on a 2 MB L2. Only block
 * sizes change, never the k order, so results stay bitwise identical. */
static size_t sk_gemm_nc(size_t nc, size_t nr, size_t kc, size_t esz) {
  size_t l2 = sk_gemm_l2();
  if (!l2) return nc;
  size_t fit = l2 / 2 / (kc * esz) / nr * nr;
  if (fit < nr) fit = nr;
  if (fit > 4096) fit = 4096 / nr * nr;
  return fit;
}

#define T double
#define S f64
#include "api_gemm_impl.h"
#undef T
#undef S

#define T float
#define S f32
#include "api_gemm_impl.h"
