/* Public matrix-multiply entry points (f64 and f32, instantiated from api_gemm_impl.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SK_CAT_(a, b) a##b
#define SK_CAT(a, b) SK_CAT_(a, b)

/* Packing workspace. Its size (about 1-2 MB per thread for big products) is past malloc's mmap
 * threshold, so a fresh allocation per call costs an mmap, a page fault per 4 KB and munmap:
 * measured 1.6x the whole 256^3 multiply. One workspace is kept for the next call instead
 * (taken and returned with atomic exchanges, so concurrent calls each get their own); capped
 * so an occasional huge call does not pin its memory. Layout: 64-byte header holding the
 * capacity, then the data. */
#include <stdatomic.h>
#define SK_GEMM_WS_KEEP ((size_t)64 << 20)
static _Atomic(unsigned char *) sk_gemm_ws_cache;

static void *sk_gemm_ws_get(size_t bytes) {
  unsigned char *h = atomic_exchange_explicit(&sk_gemm_ws_cache, NULL, memory_order_acquire);
  if (h && *(size_t *)h >= bytes) return h + 64;
  free(h);
  size_t cap = (bytes + 63) / 64 * 64;
  if (cap < bytes || cap > SIZE_MAX - 64) return NULL;
  h = aligned_alloc(64, cap + 64);
  if (!h) return NULL;
  *(size_t *)h = cap;
  return h + 64;
}

static void sk_gemm_ws_put(void *p) {
  if (!p) return;
  unsigned char *h = (unsigned char *)p - 64;
  if (*(size_t *)h > SK_GEMM_WS_KEEP) {
    free(h);
    return;
  }
  free(atomic_exchange_explicit(&sk_gemm_ws_cache, h, memory_order_acq_rel));
}

#define T double
#define S f64
#include "api_gemm_impl.h"
#undef T
#undef S

#define T float
#define S f32
#include "api_gemm_impl.h"
