/* Test helpers: the ISA sweep, deterministic random data, guard-paged buffers, size scaling. */
#ifndef SK_TEST_COMMON_H
#define SK_TEST_COMMON_H
#include <criterion/criterion.h>
#include <simdkern.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Criterion starts every test's worker with fork + execve. Under qemu-user an exec leaves the
 * emulator: an x86-64 worker would run natively (wrong CPUID), an aarch64 one not at all (no
 * binfmt_misc). Setups that run under an emulator set SK_EXEC_WRAP to its command line (e.g.
 * "/usr/bin/qemu-x86_64 -cpu Haswell"); this definition interposes libc's execve so the worker
 * is started through it again. Without SK_EXEC_WRAP it is a plain execve. */
int execve(const char *path, char *const argv[], char *const envp[]) {
  const char *wrap = getenv("SK_EXEC_WRAP");
  if (!wrap || !*wrap) return (int)syscall(SYS_execve, path, argv, envp);
  static char words[512], exe[4096];
  static char *args[256];
  snprintf(words, sizeof words, "%s", wrap);
  size_t n = 0;
  for (char *t = strtok(words, " "); t && n < 8; t = strtok(NULL, " ")) args[n++] = t;
  ssize_t len = readlink(path, exe, sizeof exe - 1); /* /proc/self/exe would name the emulator */
  if (len > 0) exe[len] = 0;
  else snprintf(exe, sizeof exe, "%s", path);
  args[n++] = exe;
  for (size_t i = 1; argv[0] && argv[i] && n < 255; i++) args[n++] = argv[i];
  args[n] = NULL;
  return (int)syscall(SYS_execve, args[0], args, envp);
}

/* Under qemu/valgrind SK_TEST_SCALE=small shrinks the largest sizes. */
static inline int sk_test_small(void) {
  const char *s = getenv("SK_TEST_SCALE");
  return s && strcmp(s, "small") == 0;
}

/* Every ISA this CPU supports, in order; the others are listed as skipped (printed once per suite). */
static inline size_t sk_test_isas(sk_isa *out) {
  size_t n = 0;
  for (int i = SK_ISA_SCALAR; i <= SK_ISA_NEON; i++)
    if (sk_isa_supported((sk_isa)i)) out[n++] = (sk_isa)i;
  return n;
}
static inline void sk_test_report_isas(const char *suite) {
  char ran[64] = "", skipped[64] = "";
  for (int i = SK_ISA_SCALAR; i <= SK_ISA_NEON; i++) {
    char *dst = sk_isa_supported((sk_isa)i) ? ran : skipped;
    strcat(dst, " ");
    strcat(dst, sk_isa_name((sk_isa)i));
  }
  fprintf(stderr, "[%s] ISAs tested:%s | skipped (not compiled or not runnable here):%s\n", suite,
          ran, skipped[0] ? skipped : " none");
}

static inline int sk_test_use(sk_isa isa) {
  cr_assert_eq(sk_isa_use(isa), SK_OK, "sk_isa_use(%s)", sk_isa_name(isa));
  return 1;
}

/* Runs the following statement once per supported ISA with that ISA's table active. */
#define FOR_EACH_ISA(isa)                                          \
  for (sk_isa isa = SK_ISA_SCALAR; isa <= SK_ISA_NEON; isa++)      \
    if (sk_isa_supported(isa) && sk_test_use(isa))

/* C11 aligned_alloc wants a size that is a multiple of the alignment */
static inline void *sk_aligned(size_t bytes) { return aligned_alloc(64, (bytes + 63) / 64 * 64); }

/* xorshift64*: reproducible data on every platform */
static inline uint64_t sk_rng(uint64_t *s) {
  *s ^= *s >> 12; *s ^= *s << 25; *s ^= *s >> 27;
  return *s * 2685821657736338717ull;
}
static inline double sk_unif(uint64_t *s) { /* [-1, 1) */
  return (double)(sk_rng(s) >> 11) * 0x1p-52 - 1.0;
}

/* n bytes ending exactly at a PROT_NONE page: any read past the end faults. */
typedef struct { void *map; size_t len; } sk_guard;
static inline void *sk_guard_alloc(sk_guard *g, size_t bytes) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  size_t data = (bytes + pg - 1) / pg * pg;
  g->len = data + pg;
  g->map = mmap(NULL, g->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  cr_assert(g->map != MAP_FAILED);
  cr_assert_eq(mprotect((char *)g->map + data, pg, PROT_NONE), 0);
  return (char *)g->map + data - bytes;
}
static inline void sk_guard_free(sk_guard *g) { munmap(g->map, g->len); }

/* FNV-1a over bytes: "inputs unchanged" checks */
static inline uint64_t checksum(const void *p, size_t bytes) {
  const unsigned char *b = p;
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < bytes; i++) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

#endif
