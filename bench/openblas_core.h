/* OpenBLAS picks its kernels from the CPU model; a release older than the CPU falls back to a
 * generic core (Debian's 0.3.21 on Emerald Rapids, model 207: Prescott, SSE3), which would make
 * any comparison meaningless. With OPENBLAS_CORETYPE unset, an AVX-512 CPU whose OpenBLAS chose
 * a core without AVX-512 kernels gets the bench re-run once with OPENBLAS_CORETYPE=Cooperlake;
 * the header then reports both (openblas_core_note). */
#ifndef SK_BENCH_OPENBLAS_CORE_H
#define SK_BENCH_OPENBLAS_CORE_H
#include <dlfcn.h>
#include <simdkern.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static inline void openblas_fair_core(char **argv) {
  if (getenv("OPENBLAS_CORETYPE") || !sk_isa_supported(SK_ISA_AVX512)) return;
  const char *ob = getenv("SK_BENCH_OPENBLAS");
  void *blas = dlopen(ob && *ob ? ob : "libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
  char *(*core)(void) = blas ? (char *(*)(void))dlsym(blas, "openblas_get_corename") : NULL;
  const char *c = core ? core() : NULL;
  if (!c || strcasestr(c, "skylakex") || strcasestr(c, "cooperlake") || strcasestr(c, "sapphire")) return;
  char note[96];
  snprintf(note, sizeof note, "forced: it chose %s on this CPU", c);
  setenv("SK_BENCH_OPENBLAS_NOTE", note, 1);
  setenv("OPENBLAS_CORETYPE", "Cooperlake", 1);
  fflush(NULL);
  execv("/proc/self/exe", argv);
  unsetenv("OPENBLAS_CORETYPE"); /* exec failed: go on with what OpenBLAS chose */
  unsetenv("SK_BENCH_OPENBLAS_NOTE");
}

/* " (forced: it chose Prescott on this CPU)" after a re-run, else "" */
static inline const char *openblas_core_note(void) {
  static char buf[112];
  const char *n = getenv("SK_BENCH_OPENBLAS_NOTE");
  snprintf(buf, sizeof buf, n ? " (%s)" : "%s", n ? n : "");
  return buf;
}
#endif
