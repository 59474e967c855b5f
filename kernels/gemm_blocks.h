/* GEMM block sizes of the ISA this translation unit is compiled for (kernels/gemm.c and
 * kernels/table.c include it; dispatch/ reads them from the table).
 *
 * Per element type S (f64, f32), register tile GMR_S x (GNV_S vectors): the accumulators, GNV_S
 * B vectors and a broadcast must fit the register file. Cache blocks (BLIS's roles): the
 * GKC_S x GMR_S packed A micro-panel stays in L1 while the B micro-panels of a GKC_S x GNC_S
 * packed B block (L2) stream past it; a (GMR_S * GMC_BLOCKS) x GKC_S packed A block lives in L3
 * and is reused across every B block. */
#ifndef SK_GEMM_BLOCKS_H
#define SK_GEMM_BLOCKS_H
#if defined(SK_TARGET_AVX512)
/* f64 6 x 4 zmm: 24 accumulators + 4 B vectors + a broadcast, no spill; 10 loads per 24 FMAs
 * where 14 x 2 took 16 per 28: A/B at 2048 1.05x (8 x 3, 7 x 4 and 9 x 3 within 2% of it; 7 x 4
 * spills). f32 keeps 14 x 2: 6 x 4 is 64 floats wide, so n = 96 ran 0.80x, and 2048 gained <= 3%.
 * L2 >= 1 MB (Skylake-SP and later): B block 256 x 512 x 8 = 1 MB. f32 kc 384 (A micro-panel
 * 21 KB): 2-6% over 256 at 1024-2048; f64 kc 384: no change. */
#define GMR_f64 6
#define GNV_f64 4
#define GMR_f32 14
#define GNV_f32 2
#define GKC_f64 256
#define GKC_f32 384
#define GNC_f64 512
#define GNC_f32 672
#elif defined(SK_TARGET_AVX2)
/* 12 ymm accumulators + 2 B + 1 broadcast of 16; L2 256 KB (Haswell): B block <= 192 KB */
#define GMR_f64 6
#define GNV_f64 2
#define GMR_f32 6
#define GNV_f32 2
#define GKC_f64 256
#define GKC_f32 256
#define GNC_f64 96
#define GNC_f32 192
#elif defined(SK_TARGET_SSE42)
/* no FMA: mul + add needs a temporary; 8 accumulators + 2 B + broadcast + temp of 16 */
#define GMR_f64 4
#define GNV_f64 2
#define GMR_f32 4
#define GNV_f32 2
#define GKC_f64 256
#define GKC_f32 256
#define GNC_f64 64
#define GNC_f32 128
#elif defined(SK_TARGET_NEON)
/* 32 q registers: 16 accumulators + 2 B + broadcasts */
#define GMR_f64 8
#define GNV_f64 2
#define GMR_f32 8
#define GNV_f32 2
#define GKC_f64 256
#define GKC_f32 256
#define GNC_f64 128
#define GNC_f32 256
#else
/* plain C: 16 scalar accumulators (x86-64 has 16 xmm, aarch64 32 d registers) */
#define GMR_f64 4
#define GNV_f64 4
#define GMR_f32 4
#define GNV_f32 4
#define GKC_f64 256
#define GKC_f32 256
#define GNC_f64 64
#define GNC_f32 128
#endif
/* rows of a packed A block (L3): a multiple of the tile's rows */
#define GMC_BLOCKS 192
/* prefetch distance of the streamed B micro-panel, in k steps */
#ifndef GKC_PF
#define GKC_PF 32
#endif
#endif
