/* Kept scratch blocks for calls that need a big one every time. A block past malloc's mmap
 * threshold, freshly allocated per call, costs a page fault and the kernel zeroing a page per 4 KB
 * touched (and glibc trims freed heap tops, so a big block freed between calls comes back as
 * fresh pages too): measured 1.6x a whole 256^3 multiply, and ~3,000 faults (1.5-5 ms) in a 7
 * percentile call of 1e7 that ran after numpy had freed its own temporaries. Each slot keeps
 * the last block returned to it (taken and returned with atomic exchanges, so concurrent calls
 * each get their own), the bigger one when two meet; capped so an occasional huge call does
 * not pin its memory. Layout: a 64-byte header holding the capacity, then the data. */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

#define SK_WS_KEEP ((size_t)64 << 20)

void *sk_ws_get(sk_ws *slot, size_t bytes) {
  unsigned char *h = atomic_exchange_explicit(slot, NULL, memory_order_acquire);
  if (h && *(size_t *)h >= bytes) return h + 64;
  free(h);
  size_t cap = (bytes + 63) / 64 * 64;
  if (cap < bytes || cap > SIZE_MAX - 64) return NULL;
  h = aligned_alloc(64, cap + 64);
  if (!h) return NULL;
  *(size_t *)h = cap;
  return h + 64;
}

void sk_ws_put(sk_ws *slot, void *p) {
  if (!p) return;
  unsigned char *h = (unsigned char *)p - 64;
  if (*(size_t *)h > SK_WS_KEEP) {
    free(h);
    return;
  }
  unsigned char *old = atomic_exchange_explicit(slot, h, memory_order_acq_rel);
  if (old && *(size_t *)old > *(size_t *)h) /* keep the bigger one: a small call must not */
    old = atomic_exchange_explicit(slot, old, memory_order_acq_rel); /* evict a big block */
  free(old);
}
