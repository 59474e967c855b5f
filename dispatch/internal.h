/* Internal interface of dispatch/: detection results and the active kernel table. */
#ifndef SK_INTERNAL_H
#define SK_INTERNAL_H
#include "../kernels/kernels.h"
#include "simdkern.h"

/* Bit (1u << isa) for every ISA this CPU + OS can run (whether compiled or not). Cached. */
unsigned sk_detect_mask(void);
/* Fills what detection knows about the CPU; never fails. */
void sk_detect_describe(sk_cpu_info *out);

/* The active table and its ISA, behind one atomic pointer so a reader never sees a torn pair.
 * NULL until the first use resolves it (sk_table_resolve). */
#include <stdatomic.h>
typedef struct { sk_isa isa; const sk_kernels *k; } sk_active_t;
extern _Atomic(const sk_active_t *) sk_g_active;
const sk_active_t *sk_table_resolve(void);
static inline const sk_active_t *sk_active(void) {
  const sk_active_t *a = atomic_load_explicit(&sk_g_active, memory_order_acquire);
  return a ? a : sk_table_resolve();
}
#define SK_K (sk_active()->k)

#endif
