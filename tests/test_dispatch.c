/* Dispatch: the table chosen by real CPUID (checked against /proc/cpuinfo or the setup's expected
 * ISA), SIMDKERN_ISA capping, sk_isa_use, names, version, status strings, threads. */
#include <math.h>

#include "common.h"

static sk_isa isa_by_name(const char *s) {
  for (int i = SK_ISA_SCALAR; i <= SK_ISA_NEON; i++)
    if (strcmp(s, sk_isa_name((sk_isa)i)) == 0) return (sk_isa)i;
  return (sk_isa)-1;
}

#if defined(__aarch64__)
static const sk_isa chain[] = {SK_ISA_SCALAR, SK_ISA_NEON};
#else
static const sk_isa chain[] = {SK_ISA_SCALAR, SK_ISA_SSE42, SK_ISA_AVX2, SK_ISA_AVX512};
#endif
#define NCHAIN (sizeof chain / sizeof chain[0])
static size_t rank(sk_isa isa) {
  for (size_t i = 0; i < NCHAIN; i++)
    if (chain[i] == isa) return i;
  return NCHAIN;
}

/* Does the kernel's /proc/cpuinfo (its own CPUID + XCR0 view) list every flag in `flags`? */
static int cpu_has(const char *flags) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return 0;
  static char line[8192];
  int ok = 0;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "flags", 5) == 0 || strncmp(line, "Features", 8) == 0) {
      ok = 1;
      char want[128];
      snprintf(want, sizeof want, "%s", flags);
      for (char *t = strtok(want, " "); t; t = strtok(NULL, " ")) {
        char pat[40];
        snprintf(pat, sizeof pat, " %s", t);
        char *p = strstr(line, pat);
        if (!p || (p[strlen(pat)] != ' ' && p[strlen(pat)] != '\n')) ok = 0;
      }
      break;
    }
  fclose(f);
  return ok;
}

/* The ISA the setup's CPU must select before any cap: SK_EXPECT_ISA (qemu, valgrind, cross
 * setups) or, natively, what /proc/cpuinfo reports. */
static sk_isa expected_best(void) {
  const char *e = getenv("SK_EXPECT_ISA");
  if (e && *e) return isa_by_name(e);
#if defined(__aarch64__)
  return cpu_has("asimd") ? SK_ISA_NEON : SK_ISA_SCALAR;
#else
  if (cpu_has("avx512f avx512dq avx512bw avx512vl")) return SK_ISA_AVX512;
  if (cpu_has("avx2 fma")) return SK_ISA_AVX2;
  if (cpu_has("sse4_2")) return SK_ISA_SSE42;
  return SK_ISA_SCALAR;
#endif
}

Test(dispatch, selects_by_cpuid) {
  sk_isa best = expected_best();
  cr_assert(rank(best) < NCHAIN, "SK_EXPECT_ISA names no ISA of this architecture");
  size_t cap = rank(best);
  const char *force = getenv("SIMDKERN_ISA");
  if (force && rank(isa_by_name(force)) < cap) cap = rank(isa_by_name(force));
  while (cap > 0 && !sk_isa_compiled(chain[cap])) cap--; /* a build without that variant */
  sk_isa want = chain[cap];
  sk_isa got = sk_isa_active();
  fprintf(stderr, "[dispatch] active=%s expected=%s (best here %s, SIMDKERN_ISA=%s)\n", sk_isa_name(got),
          sk_isa_name(want), sk_isa_name(best), force ? force : "unset");
  cr_assert_eq(got, want, "active %s, expected %s", sk_isa_name(got), sk_isa_name(want));
  /* the CPU supports exactly the chain up to its best, as far as compiled */
  for (size_t i = 0; i < NCHAIN; i++)
    cr_assert_eq(sk_isa_supported(chain[i]), i <= rank(best) && sk_isa_compiled(chain[i]),
                 "supported(%s)", sk_isa_name(chain[i]));
  double a[3] = {1, 2, 3}, d;
  cr_assert_eq(sk_dot_f64(a, a, 3, &d), SK_OK);
  cr_assert_eq(d, 14.0);
}

Test(dispatch, isa_use) {
  sk_isa start = sk_isa_active();
  cr_assert_eq(sk_isa_use((sk_isa)99), SK_EINVAL);
  cr_assert_eq(sk_isa_use((sk_isa)-1), SK_EINVAL);
  cr_assert_eq(sk_isa_active(), start);
  for (int i = SK_ISA_SCALAR; i <= SK_ISA_NEON; i++) {
    sk_status st = sk_isa_use((sk_isa)i);
    if (sk_isa_supported((sk_isa)i)) {
      cr_assert_eq(st, SK_OK, "use(%s)", sk_isa_name((sk_isa)i));
      cr_assert_eq(sk_isa_active(), (sk_isa)i);
    } else {
      cr_assert_eq(st, SK_ENOTSUP, "use(%s) not supported", sk_isa_name((sk_isa)i));
      cr_assert_neq(sk_isa_active(), (sk_isa)i, "an unrunnable table became active");
    }
  }
  cr_assert(sk_isa_compiled(SK_ISA_SCALAR) && sk_isa_supported(SK_ISA_SCALAR));
}

Test(dispatch, names_version_status) {
  static const char *n[] = {"scalar", "sse42", "avx2", "avx512", "neon"};
  for (int i = 0; i < 5; i++) cr_assert_str_eq(sk_isa_name((sk_isa)i), n[i]);
  cr_assert_str_eq(sk_isa_name((sk_isa)5), "unknown");
  cr_assert_str_eq(sk_isa_name((sk_isa)-7), "unknown");
  int ma = -1, mi = -1, pa = -1;
  sk_version(&ma, &mi, &pa);
  cr_assert(ma == SK_VERSION_MAJOR && mi == SK_VERSION_MINOR && pa == SK_VERSION_PATCH);
  sk_version(NULL, NULL, NULL);
  for (int s = -10; s <= 10; s++) cr_assert_not_null(sk_status_str((sk_status)s));
  cr_assert_str_eq(sk_status_str(SK_EINVAL), "invalid argument");
  for (int i = 0; i < 5; i++)
    if (sk_isa_supported((sk_isa)i)) cr_assert(sk_isa_compiled((sk_isa)i));
  cr_assert(!sk_isa_compiled((sk_isa)9) && !sk_isa_supported((sk_isa)9));
}

Test(dispatch, cpu_info) {
  sk_cpu_info ci;
  cr_assert_eq(sk_cpu_info_get(NULL), SK_EINVAL);
  cr_assert_eq(sk_cpu_info_get(&ci), SK_OK);
  cr_assert(ci.cores >= 1);
  cr_assert_not_null(ci.detector);
  const char *want = getenv("SK_EXPECT_DETECTOR");
  if (want) cr_assert_str_eq(ci.detector, want, "detector %s, expected %s", ci.detector, want);
  cr_assert(memchr(ci.model, 0, sizeof ci.model) && memchr(ci.features, 0, sizeof ci.features));
}

Test(dispatch, threads) {
  const char *env = getenv("SIMDKERN_NUM_THREADS");
  if (env) cr_assert_eq(sk_get_num_threads(), (size_t)strtoull(env, NULL, 10), "SIMDKERN_NUM_THREADS=%s", env);
  else cr_assert_eq(sk_get_num_threads(), 1);
  cr_assert_eq(sk_set_num_threads(3), SK_OK);
  cr_assert_eq(sk_get_num_threads(), 3);
  cr_assert_eq(sk_set_num_threads(0), SK_OK);
  sk_cpu_info ci;
  sk_cpu_info_get(&ci);
  cr_assert_eq(sk_get_num_threads(), ci.cores);
}
