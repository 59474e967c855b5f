/* One '# measured ... peak' line for the GEMM bench's header (bench/fma_peak.c). */
#ifndef SK_FMA_PEAK_H
#define SK_FMA_PEAK_H
#include <simdkern.h>
void fma_peak_line(void);
#endif
