/* This ISA's kernel table (compiled once per ISA, like every kernel source). */
#include "kernels.h"
#include "simd/simd.h"
#include "protos.h"
#include "gemm_blocks.h"

#define PAIRS(S) .dot_##S = SK_FN(dot_##S), .sqeuclidean_##S = SK_FN(sqeuclidean_##S), \
                 .cos_sums_##S = SK_FN(cos_sums_##S), .cos_many_##S = SK_FN(cos_many_##S), .argbest1d_##S = SK_FN(argbest1d_##S), \
                 .col_argbest_##S = SK_FN(col_argbest_##S),                     \
                 .moments_##S = SK_FN(moments_##S), .col_moments_##S = SK_FN(col_moments_##S),      \
                 .sel_pass_##S = SK_FN(sel_pass_##S),                           \
                 .col_sel_pass_##S = SK_FN(col_sel_pass_##S),                   \
                 .sel_fast_##S = SK_FN(sel_fast_##S)
#define MATRIX(S, LANES) .pack_##S = SK_FN(pack_##S), .dist_##S = SK_FN(dist_##S), \
                         .argbest_##S = SK_FN(argbest_##S),                         \
                         .argmin_filt_##S = SK_FN(argmin_filt_##S),                 \
                         .argmin_sums_##S = SK_FN(argmin_sums_##S),                 \
                         .row_sqnorms_##S = SK_FN(row_sqnorms_##S),                 \
                         .sil_tri_##S = SK_FN(sil_tri_##S),                         \
                         .topk_next_##S = SK_FN(topk_next_##S),                     \
                         .cos_rows_##S = SK_FN(cos_rows_##S), .nr_##S = SK_NV * (LANES)

#define SERIES(S) .ar1_##S = SK_FN(ar1_##S), .col_ar1_##S = SK_FN(col_ar1_##S),           \
                  .col_fill_##S = SK_FN(col_fill_##S), .col_zscore_##S = SK_FN(col_zscore_##S), .lag_matrix_##S = SK_FN(lag_matrix_##S), \
                  .norm_pvalue_##S = SK_FN(norm_pvalue_##S)
#define GEMM(S, LANES)         .gemm_pack_a_##S = SK_FN(gemm_pack_a_##S),                          \
                           .gemm_pack_b_##S = SK_FN(gemm_pack_b_##S),                          \
                           .gemm_macro_##S = SK_FN(gemm_macro_##S),                            \
                           .gemm_direct_##S = SK_FN(gemm_direct_##S),                          \
                           .gemm_blk_##S = {GMR_##S, GNV_##S * (LANES),                        \
                                            GMR_##S * GMC_BLOCKS, GKC_##S, GNC_##S}

#if defined(SK_VD_HAVE_LUT8) || defined(SK_VF_HAVE_KEYS)
#define SEL_DEAL SK_FN(sel_deal)
#else
#define SEL_DEAL NULL
#endif
const sk_kernels SK_FN(table) = {
    PAIRS(f32), PAIRS(f64), .sel_split = SK_FN(sel_split), .sel_deal = SEL_DEAL, MATRIX(f32, SK_VF_N), MATRIX(f64, SK_VD_N), .mr = SK_MR,
    SERIES(f32), SERIES(f64), .dft_twiddles = SK_FN(dft_twiddles), .dft_bin = SK_FN(dft_bin),
    GEMM(f32, SK_VF_N), GEMM(f64, SK_VD_N),
};
