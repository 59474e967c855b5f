/* Timing helpers shared by the bench drivers: a clock (wall time by default; gemm_bench can switch
 * it to process CPU time) and the comparator for taking medians with qsort. */
#ifndef SK_BENCH_TIME_H
#define SK_BENCH_TIME_H
#include <time.h>

static clockid_t bench_clock = CLOCK_MONOTONIC;
static inline double bench_now_ns(void) {
  struct timespec t;
  clock_gettime(bench_clock, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}
static inline int bench_cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
#endif
