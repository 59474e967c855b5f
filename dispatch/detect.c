/* CPU feature detection: cpuinfo when built with it, else a built-in CPUID+XGETBV (x86) or
 * getauxval (aarch64) check. OS support (XCR0) is always verified here, whatever cpuinfo says,
 * so an ISA whose registers the OS does not save is never selected. Never runs a kernel. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* SK_NO_CPUINFO: a test build that exercises the built-in detector even where cpuinfo exists. */
#if defined(SK_HAVE_CPUINFO) && !defined(SK_NO_CPUINFO)
#define SK_USE_CPUINFO 1
#include <cpuinfo.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#define SK_X86 1
#include <cpuid.h>

typedef struct { unsigned ecx1, ebx7, ecx7, edx7, eax7_1; unsigned long long xcr0; } x86_regs;

static x86_regs x86_read(void) {
  x86_regs r = {0};
  unsigned a, b, c, d;
  if (__get_cpuid(1, &a, &b, &c, &d)) r.ecx1 = c;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) { r.ebx7 = b; r.ecx7 = c; r.edx7 = d; }
  if (__get_cpuid_count(7, 1, &a, &b, &c, &d)) r.eax7_1 = a;
  if (r.ecx1 & (1u << 27)) { /* OSXSAVE: XGETBV is allowed */
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    r.xcr0 = ((unsigned long long)hi << 32) | lo;
  }
  return r;
}

#define BIT(reg, n) (((reg) >> (n)) & 1u)
/* OS saves XMM+YMM (bits 1,2) / also opmask+ZMM (bits 5,6,7). */
static int os_ymm(const x86_regs *r) { return (r->xcr0 & 0x6) == 0x6; }
static int os_zmm(const x86_regs *r) { return (r->xcr0 & 0xE6) == 0xE6; }

static unsigned detect_raw(const char **how) {
  x86_regs r = x86_read();
  int sse42, avx2, avx512;
#ifdef SK_USE_CPUINFO
  if (cpuinfo_initialize()) {
    *how = "cpuinfo";
    sse42 = cpuinfo_has_x86_sse4_2();
    avx2 = cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3();
    avx512 = avx2 && cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512bw() &&
             cpuinfo_has_x86_avx512dq() && cpuinfo_has_x86_avx512vl();
  } else
#endif
  {
    *how = "cpuid";
    sse42 = BIT(r.ecx1, 20);
    avx2 = BIT(r.ecx1, 28) && BIT(r.ecx1, 12) && BIT(r.ebx7, 5); /* AVX, FMA, AVX2 */
    avx512 = avx2 && BIT(r.ebx7, 16) && BIT(r.ebx7, 17) && BIT(r.ebx7, 30) && BIT(r.ebx7, 31);
  }
  avx2 = avx2 && BIT(r.ecx1, 27) && os_ymm(&r);
  avx512 = avx512 && avx2 && os_zmm(&r);
  return (1u << SK_ISA_SCALAR) | (sse42 ? 1u << SK_ISA_SSE42 : 0) | (avx2 ? 1u << SK_ISA_AVX2 : 0) |
         (avx512 ? 1u << SK_ISA_AVX512 : 0);
}

static void describe_arch(sk_cpu_info *o) {
  unsigned a, b, c, d, brand[12] = {0};
  if (__get_cpuid(0, &a, &b, &c, &d)) {
    memcpy(o->vendor, &b, 4); memcpy(o->vendor + 4, &d, 4); memcpy(o->vendor + 8, &c, 4);
  }
  if ((unsigned)__get_cpuid_max(0x80000000u, NULL) >= 0x80000004u) {
    for (unsigned i = 0; i < 3; i++)
      __get_cpuid(0x80000002u + i, &brand[4 * i], &brand[4 * i + 1], &brand[4 * i + 2], &brand[4 * i + 3]);
    memcpy(o->model, brand, sizeof brand < sizeof o->model - 1 ? sizeof brand : sizeof o->model - 1);
  }
  x86_regs r = x86_read();
  static const struct { const char *name; int word; int bit; } f[] = {
      {"sse4.2", 0, 20}, {"avx", 0, 28}, {"fma", 0, 12}, {"osxsave", 0, 27}, {"avx2", 1, 5},
      {"avx512f", 1, 16}, {"avx512dq", 1, 17}, {"avx512bw", 1, 30}, {"avx512vl", 1, 31},
      {"avx512vnni", 2, 11}, {"avx512vbmi2", 2, 6}, {"avx512bf16", 3, 5}, {"avx512fp16", 4, 23},
  };
  unsigned words[5] = {r.ecx1, r.ebx7, r.ecx7, r.eax7_1, r.edx7};
  size_t len = 0;
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    if (BIT(words[f[i].word], f[i].bit) && len + strlen(f[i].name) + 2 < sizeof o->features)
      len += (size_t)snprintf(o->features + len, sizeof o->features - len, "%s%s", len ? " " : "", f[i].name);
  snprintf(o->features + len, sizeof o->features - len, "%sxcr0=0x%llx", len ? " " : "", r.xcr0);
}

#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif

static unsigned detect_raw(const char **how) {
  int neon;
#ifdef SK_USE_CPUINFO
  if (cpuinfo_initialize()) {
    *how = "cpuinfo";
    neon = cpuinfo_has_arm_neon();
  } else
#endif
  {
    *how = "hwcap";
    neon = (getauxval(AT_HWCAP) & HWCAP_ASIMD) != 0;
  }
  return (1u << SK_ISA_SCALAR) | (neon ? 1u << SK_ISA_NEON : 0);
}

static void describe_arch(sk_cpu_info *o) {
  unsigned long hw = getauxval(AT_HWCAP);
  snprintf(o->vendor, sizeof o->vendor, "arm");
  snprintf(o->features, sizeof o->features, "%s%s%s", (hw & HWCAP_ASIMD) ? "asimd" : "",
           (hw & (1ul << 0)) ? " fp" : "", (hw & (1ul << 22)) ? " sve" : "");
}

#else
static unsigned detect_raw(const char **how) { *how = "none"; return 1u << SK_ISA_SCALAR; }
static void describe_arch(sk_cpu_info *o) { (void)o; }
#endif

static _Atomic unsigned g_mask;             /* 0 = not detected yet (scalar bit is always set) */
static _Atomic(const char *) g_how;

unsigned sk_detect_mask(void) {
  unsigned m = atomic_load_explicit(&g_mask, memory_order_acquire);
  if (m == 0) { /* racing threads compute the same value; no lock needed */
    const char *how = "none";
    m = detect_raw(&how);
    atomic_store_explicit(&g_how, how, memory_order_relaxed);
    atomic_store_explicit(&g_mask, m, memory_order_release);
  }
  return m;
}

static size_t sysconf_size(int name) {
  long v = sysconf(name);
  return v > 0 ? (size_t)v : 0;
}

void sk_detect_describe(sk_cpu_info *o) {
  memset(o, 0, sizeof *o);
  sk_detect_mask();
  o->detector = atomic_load_explicit(&g_how, memory_order_relaxed);
  describe_arch(o);
#ifdef SK_USE_CPUINFO
  if (cpuinfo_initialize()) {
    const struct cpuinfo_package *p = cpuinfo_get_package(0);
    if (p && p->name[0] && !o->model[0]) snprintf(o->model, sizeof o->model, "%s", p->name);
    if (cpuinfo_get_l1d_caches_count()) o->l1d_bytes = cpuinfo_get_l1d_cache(0)->size;
    if (cpuinfo_get_l2_caches_count()) o->l2_bytes = cpuinfo_get_l2_cache(0)->size;
    if (cpuinfo_get_l3_caches_count()) o->l3_bytes = cpuinfo_get_l3_cache(0)->size;
  }
#endif
#ifdef _SC_LEVEL1_DCACHE_SIZE
  if (!o->l1d_bytes) o->l1d_bytes = sysconf_size(_SC_LEVEL1_DCACHE_SIZE);
  if (!o->l2_bytes) o->l2_bytes = sysconf_size(_SC_LEVEL2_CACHE_SIZE);
  if (!o->l3_bytes) o->l3_bytes = sysconf_size(_SC_LEVEL3_CACHE_SIZE);
#endif
  o->cores = sysconf_size(_SC_NPROCESSORS_ONLN);
  if (!o->cores) o->cores = 1;
  /* trim the padding spaces CPUID brand strings carry */
  size_t s = strspn(o->model, " ");
  memmove(o->model, o->model + s, strlen(o->model + s) + 1);
}
