/* The active kernel table: chosen once (first use), thread-safely, from detection and
 * SIMDKERN_ISA; switchable with sk_isa_use. One atomic pointer to a const (isa, table) entry, so
 * readers never see a torn or half-initialised table (the SimSIMD/valkey-search race). */
#include <stdatomic.h>
#include <stdlib.h>
#include <strings.h>

#include "internal.h"

#define SK_NISA 5
static const sk_active_t entries[SK_NISA] = {
    [SK_ISA_SCALAR] = {SK_ISA_SCALAR, &sk_k_table_scalar},
#ifdef SK_HAVE_SSE42
    [SK_ISA_SSE42] = {SK_ISA_SSE42, &sk_k_table_sse42},
#endif
#ifdef SK_HAVE_AVX2
    [SK_ISA_AVX2] = {SK_ISA_AVX2, &sk_k_table_avx2},
#endif
#ifdef SK_HAVE_AVX512
    [SK_ISA_AVX512] = {SK_ISA_AVX512, &sk_k_table_avx512},
#endif
#ifdef SK_HAVE_NEON
    [SK_ISA_NEON] = {SK_ISA_NEON, &sk_k_table_neon},
#endif
};
static const char *const names[SK_NISA] = {"scalar", "sse42", "avx2", "avx512", "neon"};

/* Each architecture's ISAs from weakest to strongest: "the best one not above the cap". */
#if defined(__aarch64__)
static const sk_isa chain[] = {SK_ISA_SCALAR, SK_ISA_NEON};
#else
static const sk_isa chain[] = {SK_ISA_SCALAR, SK_ISA_SSE42, SK_ISA_AVX2, SK_ISA_AVX512};
#endif
#define NCHAIN (sizeof chain / sizeof chain[0])

static int valid(sk_isa isa) { return (unsigned)isa < SK_NISA; }

const char *sk_isa_name(sk_isa isa) { return valid(isa) ? names[isa] : "unknown"; }
int sk_isa_compiled(sk_isa isa) { return valid(isa) && entries[isa].k != NULL; }
int sk_isa_supported(sk_isa isa) {
  return sk_isa_compiled(isa) && (sk_detect_mask() >> isa & 1u);
}

static sk_isa choose(void) {
  size_t cap = NCHAIN - 1;
  const char *env = getenv("SIMDKERN_ISA");
  if (env)
    for (size_t i = 0; i < NCHAIN; i++)
      if (strcasecmp(env, names[chain[i]]) == 0) cap = i;
  for (size_t i = cap + 1; i-- > 0;)
    if (sk_isa_supported(chain[i])) return chain[i];
  return SK_ISA_SCALAR;
}

_Atomic(const sk_active_t *) sk_g_active;

const sk_active_t *sk_table_resolve(void) {
  const sk_active_t *want = &entries[choose()], *expected = NULL;
  /* the first thread to finish wins; a concurrent sk_isa_use is never overwritten */
  return atomic_compare_exchange_strong(&sk_g_active, &expected, want) ? want : expected;
}

sk_isa sk_isa_active(void) { return sk_active()->isa; }

sk_status sk_isa_use(sk_isa isa) {
  if (!valid(isa)) return SK_EINVAL;
  if (!sk_isa_supported(isa)) return SK_ENOTSUP;
  atomic_store_explicit(&sk_g_active, &entries[isa], memory_order_release);
  return SK_OK;
}
