/* The per-ISA kernel table: the only interface between dispatch/ (baseline flags) and kernels/
 * (compiled once per ISA). Kernels get validated arguments; they never allocate or fail. */
#ifndef SK_KERNELS_H
#define SK_KERNELS_H
#include <stddef.h>

typedef struct sk_kernels {
  double (*dot_f32)(const float *a, const float *b, size_t n);
  double (*dot_f64)(const double *a, const double *b, size_t n);
  double (*sqeuclidean_f32)(const float *a, const float *b, size_t n);
  double (*sqeuclidean_f64)(const double *a, const double *b, size_t n);
  /* s[0] = a.b, s[1] = a.a, s[2] = b.b */
  void (*cos_sums_f32)(const float *a, const float *b, size_t n, double s[3]);
  void (*cos_sums_f64)(const double *a, const double *b, size_t n, double s[3]);
} sk_kernels;

/* One table per compiled ISA, defined by kernels/table.c built with that ISA's flags. */
extern const sk_kernels sk_k_table_scalar, sk_k_table_sse42, sk_k_table_avx2, sk_k_table_avx512,
    sk_k_table_neon;

#endif
