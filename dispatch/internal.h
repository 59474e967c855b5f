/* Internal interface of dispatch/: detection results and the active kernel table. */
#ifndef SK_INTERNAL_H
#define SK_INTERNAL_H
#include "../kernels/kernels.h"
#include "simdkern.h"

/* Bit (1u << isa) for every ISA this CPU + OS can run (whether compiled or not). Cached. */
unsigned sk_detect_mask(void);
/* Fills what detection knows about the CPU; never fails. */
void sk_detect_describe(sk_cpu_info *out);

/* The active table; resolves it on first use. */
const sk_kernels *sk_table(void);
#define SK_K (sk_table())

#endif
