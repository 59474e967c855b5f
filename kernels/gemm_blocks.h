/* GEMM block sizes of the ISA this translation unit is compiled for (kernels/gemm.c and
 * kernels/table.c include it; dispatch/ reads them from the table). */
#ifndef SK_GEMM_BLOCKS_H
#define SK_GEMM_BLOCKS_H
/* Register tile MR x (GNV vectors): accumulators + GNV B vectors + a broadcast must fit the
 * register file. KC: a KC x NR packed B micro-panel stays in L1 while A micro-panels stream past
 * it; MC x KC of packed A stays in L2; NC x KC of packed B in L3. */
#if defined(SK_TARGET_AVX512)
/* 28 zmm accumulators + 2 B vectors; the A broadcast folds into the FMA ({1to8}) */
#define GMR 14
#define GNV 2
#define GKC_F64 256
#define GKC_F32 256
#define GMC 336
#elif defined(SK_TARGET_AVX2)
/* 12 ymm accumulators + 2 B + 1 broadcast of 16 */
#define GMR 6
#define GNV 2
#define GKC_F64 256
#define GKC_F32 256
#define GMC 144
#elif defined(SK_TARGET_SSE42)
/* no FMA: mul + add needs a temporary; 8 accumulators + 2 B + broadcast + temp of 16 */
#define GMR 4
#define GNV 2
#define GKC_F64 256
#define GKC_F32 256
#define GMC 128
#elif defined(SK_TARGET_NEON)
/* 32 q registers: 16 accumulators + 2 B + broadcasts */
#define GMR 8
#define GNV 2
#define GKC_F64 256
#define GKC_F32 256
#define GMC 128
#else
/* plain C: 16 scalar accumulators (x86-64 has 16 xmm, aarch64 32 d registers) */
#define GMR 4
#define GNV 4
#define GKC_F64 256
#define GKC_F32 256
#define GMC 128
#endif
#define GNC 4096

/* prefetch distance of packed A in k steps */
#ifndef GKC_PF
#define GKC_PF 32
#endif
#endif
