/* GEMM packing, macro-kernel and direct (unpacked-A) kernels, compiled once per ISA: gemm_tile.h
 * instantiated for f64 and f32. The block loops, buffers and threads live in dispatch/ (kernels
 * never allocate); only what touches the vector registers is here, so the micro-kernel inlines
 * into the loops that call it. Block sizes per ISA reach dispatch/ through the
 * table (gemm_blk_S); they are in gemm_blocks.h. */
#include "kernels.h"
#include "simd/simd.h"
#include "protos.h"

#include "gemm_blocks.h"

#define SK_TILE "gemm_tile.h"
#include "instantiate.h"
