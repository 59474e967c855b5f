/* simdkern-info: what this build contains, what the CPU offers, and which table runs and why. */
#include <simdkern.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  int ma, mi, pa;
  sk_version(&ma, &mi, &pa);
  sk_cpu_info ci;
  sk_cpu_info_get(&ci);
  printf("simdkern %d.%d.%d\n", ma, mi, pa);
  printf("cpu        %s%s%s\n", ci.vendor, ci.model[0] ? " / " : "", ci.model);
  printf("features   %s\n", ci.features);
  printf("detector   %s\n", ci.detector);
  printf("caches     L1d %zu KiB, L2 %zu KiB, L3 %zu KiB (per instance; 0 = unknown)\n",
         ci.l1d_bytes >> 10, ci.l2_bytes >> 10, ci.l3_bytes >> 10);
  printf("cores      %zu online; kernels use %zu thread(s)\n", ci.cores, sk_get_num_threads());
  printf("isa        compiled  supported\n");
  sk_isa best = SK_ISA_SCALAR;
  for (int i = SK_ISA_SCALAR; i <= SK_ISA_NEON; i++) {
    printf("  %-8s %-9s %s\n", sk_isa_name((sk_isa)i), sk_isa_compiled((sk_isa)i) ? "yes" : "no",
           sk_isa_supported((sk_isa)i) ? "yes" : "no");
    if (sk_isa_supported((sk_isa)i)) best = (sk_isa)i;
  }
  sk_isa act = sk_isa_active();
  const char *env = getenv("SIMDKERN_ISA");
  if (env && act != best)
    printf("active     %s (SIMDKERN_ISA=%s caps the best supported, %s)\n", sk_isa_name(act), env,
           sk_isa_name(best));
  else if (env)
    printf("active     %s (best supported; SIMDKERN_ISA=%s does not lower it)\n", sk_isa_name(act), env);
  else
    printf("active     %s (best supported by this CPU and OS)\n", sk_isa_name(act));
  return 0;
}
