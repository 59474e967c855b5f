/* Status strings, version, thread count, CPU description. */
#include <stdatomic.h>
#include <stdlib.h>

#include "internal.h"

const char *sk_status_str(sk_status s) {
  switch (s) {
  case SK_OK: return "success";
  case SK_EINVAL: return "invalid argument";
  case SK_ENOMEM: return "out of memory";
  case SK_ENOTSUP: return "not supported by this build or CPU";
  case SK_EOVERFLOW: return "size computation overflows";
  }
  return "unknown status";
}

void sk_version(int *major, int *minor, int *patch) {
  if (major) *major = SK_VERSION_MAJOR;
  if (minor) *minor = SK_VERSION_MINOR;
  if (patch) *patch = SK_VERSION_PATCH;
}

sk_status sk_cpu_info_get(sk_cpu_info *out) {
  if (!out) return SK_EINVAL;
  sk_detect_describe(out);
  return SK_OK;
}

static _Atomic size_t g_threads; /* 0 = not set yet */

static size_t all_cores(void) {
  sk_cpu_info ci;
  sk_detect_describe(&ci);
  return ci.cores;
}

sk_status sk_set_num_threads(size_t n) {
  atomic_store_explicit(&g_threads, n ? n : all_cores(), memory_order_relaxed);
  return SK_OK;
}

size_t sk_get_num_threads(void) {
  size_t n = atomic_load_explicit(&g_threads, memory_order_relaxed);
  if (n) return n;
  n = 1;
  const char *env = getenv("SIMDKERN_NUM_THREADS");
  if (env && *env) {
    char *end;
    unsigned long long v = strtoull(env, &end, 10);
    if (*end == '\0' && env[0] != '-') n = v ? (size_t)v : all_cores();
  }
  size_t expected = 0; /* an explicit sk_set_num_threads in between wins */
  return atomic_compare_exchange_strong(&g_threads, &expected, n) ? n : expected;
}
