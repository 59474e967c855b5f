/* GEMM block sizes of the ISA this translation unit is compiled for (kernels/gemm.c and
 * kernels/table.c include it; dispatch/ reads them from the table).
 *
 * Register tile GMR x (GNV vectors): accumulators + GNV B vectors + a broadcast must fit the
 * register file. Cache blocks (BLIS's roles): the kc x GMR packed A micro-panel stays in L1 while
 * the kc x NR B micro-panels of a kc x GNC_<T> packed B block (L2) stream past it; a GMC x kc
 * packed A block lives in L3 and is reused across every B block. */
#ifndef SK_GEMM_BLOCKS_H
#define SK_GEMM_BLOCKS_H
#if defined(SK_TARGET_AVX512)
/* 28 zmm accumulators + 2 B vectors + a broadcast; L2 >= 1 MB (Skylake-SP and later): B block
 * 256 x 512 x 8 = 1 MB. f32 kc 384 (A micro-panel 21 KB): 2-6% over 256 at 1024-2048. */
#define GMR 14
#define GNV 2
#define GKC_F64 256
#define GKC_F32 384
#define GNC_F64 512
#define GNC_F32 672
#elif defined(SK_TARGET_AVX2)
/* 12 ymm accumulators + 2 B + 1 broadcast of 16; L2 256 KB (Haswell): B block <= 192 KB */
#define GMR 6
#define GNV 2
#define GKC_F64 256
#define GKC_F32 256
#define GNC_F64 96
#define GNC_F32 192
#elif defined(SK_TARGET_SSE42)
/* no FMA: mul + add needs a temporary; 8 accumulators + 2 B + broadcast + temp of 16 */
#define GMR 4
#define GNV 2
#define GKC_F64 256
#define GKC_F32 256
#define GNC_F64 64
#define GNC_F32 128
#elif defined(SK_TARGET_NEON)
/* 32 q registers: 16 accumulators + 2 B + broadcasts */
#define GMR 8
#define GNV 2
#define GKC_F64 256
#define GKC_F32 256
#define GNC_F64 128
#define GNC_F32 256
#else
/* plain C: 16 scalar accumulators (x86-64 has 16 xmm, aarch64 32 d registers) */
#define GMR 4
#define GNV 4
#define GKC_F64 256
#define GKC_F32 256
#define GNC_F64 64
#define GNC_F32 128
#endif
/* rows of a packed A block (L3): a multiple of GMR */
#define GMC (GMR * 192)
/* prefetch distance of the streamed B micro-panel, in k steps */
#ifndef GKC_PF
#define GKC_PF 32
#endif
#endif
