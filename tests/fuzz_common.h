/* Shared by the libFuzzer targets: a byte stream the run draws its choices from, a check that
 * names the failing line, and the entry point that picks f32 or f64 from the first byte. */
#ifndef SK_FUZZ_COMMON_H
#define SK_FUZZ_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c)                                                                              \
  do {                                                                                        \
    if (!(c)) {                                                                               \
      fprintf(stderr, "%s: check failed at line %d: %s\n", __FILE__, __LINE__, #c);          \
      abort();                                                                                \
    }                                                                                         \
  } while (0)

typedef struct { const uint8_t *p; size_t n; } stream;
static inline unsigned take(stream *s) { /* 0 once the input is used up */
  if (!s->n) return 0;
  s->n--;
  return *s->p++;
}

/* LLVMFuzzerTestOneInput dispatching to run_f32 / run_f64 */
#define SK_FUZZ_ENTRY                                                                         \
  int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {                              \
    stream s = {data, size};                                                                  \
    if (take(&s) & 1) run_f32(&s);                                                            \
    else run_f64(&s);                                                                         \
    return 0;                                                                                 \
  }
#endif
