/* sk_gemm_<S> for one element type; included by api_gemm.c with T = double / S = f64 and
 * T = float / S = f32. Validation, buffers, the block loops (Goto/BLIS: jc over NC columns, pc
 * over KC, ic over MC rows; jr/ir inside the table's macro-kernel) and threads are here, written
 * once for every ISA; the table supplies the packing routines, the register-tiled macro-kernel
 * and the block sizes. */

#define F(name) SK_CAT(name, S)

/* C = beta * C (alpha == 0 or k == 0); beta == 0 writes zeros without reading C. */
static void F(gemm_scale_)(size_t m, size_t n, T beta, T *c, size_t ldc) {
  if (beta == 1) return;
  for (size_t i = 0; i < m; i++) {
    T *r = c + i * ldc;
    if (beta == 0) memset(r, 0, n * sizeof *r);
    else for (size_t j = 0; j < n; j++) r[j] = beta * r[j];
  }
}

/* Everything a block of work needs; shared read-only by the threads except each work block's
 * own packing buffers. */
typedef struct {
  const sk_kernels *K;
  sk_gemm_blk blk;
  int ta, tb;
  const T *a, *b;
  size_t lda, ldb, ldc, m, n, k;
  T alpha, beta;
  T *c, *bp, *ap;        /* packing buffers: asz (A) and bsz (B) elements per work block */
  size_t asz, bsz, kcmax;
  size_t nrange, rstep;  /* row ranges (multiples of mr rows, rstep rows each) */
  size_t ncrange, cstep; /* column ranges (multiples of nr) when there are too few row ranges */
} F(gemm_ctx_);

/* Work block w = (row range, column range) of C. */
static int F(gemm_range_)(const F(gemm_ctx_) *x, size_t w, size_t *i0, size_t *i1, size_t *j0,
                          size_t *j1) {
  *i0 = w / x->ncrange * x->rstep;
  *j0 = w % x->ncrange * x->cstep;
  if (*i0 >= x->m || *j0 >= x->n) return 0;
  *i1 = x->m - *i0 < x->rstep ? x->m : *i0 + x->rstep;
  *j1 = x->n - *j0 < x->cstep ? x->n : *j0 + x->cstep;
  return 1;
}

/* One work block of C through the blocked loops: per A block (mc rows, L3) and k block: pack A;
 * per B block (nc columns, L2): pack B, run the macro-kernel. Every k block of every element
 * is the same whatever the work split, and the k blocks are applied in order. */
static void F(gemm_block_)(void *vctx, size_t w) {
  const F(gemm_ctx_) *x = vctx;
  size_t i0, i1, j0, j1;
  if (!F(gemm_range_)(x, w, &i0, &i1, &j0, &j1)) return;
  const sk_kernels *K = x->K;
  T *ap = x->ap + w * x->asz, *bp = x->bp + w * x->bsz;
  for (size_t ic = i0; ic < i1; ic += x->blk.mc) {
    size_t mc = i1 - ic < x->blk.mc ? i1 - ic : x->blk.mc;
    for (size_t pc = 0; pc < x->k; pc += x->kcmax) {
      size_t kc = x->k - pc < x->kcmax ? x->k - pc : x->kcmax;
      T beta = pc == 0 ? x->beta : (T)1; /* later k blocks accumulate into C */
      K->F(gemm_pack_a_)(x->ta, x->ta ? x->a + pc * x->lda + ic : x->a + ic * x->lda + pc, x->lda,
                         mc, kc, ap);
      for (size_t jc = j0; jc < j1; jc += x->blk.nc) {
        size_t nc = j1 - jc < x->blk.nc ? j1 - jc : x->blk.nc;
        K->F(gemm_pack_b_)(x->tb, x->tb ? x->b + jc * x->ldb + pc : x->b + pc * x->ldb + jc,
                           x->ldb, kc, nc, x->alpha, bp);
        K->F(gemm_macro_)(mc, nc, kc, ap, bp, beta, x->c + ic * x->ldc + jc, x->ldc);
      }
    }
  }
}

/* Direct path: one work block of C from A in place and all of op(B) packed. */
static void F(gemm_direct_rows_)(void *vctx, size_t w) {
  F(gemm_ctx_) *x = vctx;
  size_t i0, i1, j0, j1;
  if (!F(gemm_range_)(x, w, &i0, &i1, &j0, &j1)) return;
  const T *a = x->ta ? x->a + i0 : x->a + i0 * x->lda;
  x->K->F(gemm_direct_)(x->ta, a, x->lda, i1 - i0, j1 - j0, x->k, x->bp + j0 * x->k, x->beta,
                        x->c + i0 * x->ldc + j0, x->ldc);
}

static inline size_t F(gemm_ceil_)(size_t a, size_t b) { return (a + b - 1) / b; }

/* n units split into `parts` ranges of whole multiples of `unit`: the range length. */
static inline size_t F(gemm_split_)(size_t n, size_t unit, size_t parts) {
  return F(gemm_ceil_)(F(gemm_ceil_)(n, unit), parts) * unit;
}

/* Workspace of a x b elements (sk_gemm_ws, kept between calls). */
static T *F(gemm_alloc_)(size_t a, size_t b, sk_status *st) {
  size_t bytes;
  if (!sk_mul_ok(a, b, sizeof(T), &bytes)) {
    *st = SK_EOVERFLOW;
    return NULL;
  }
  T *p = sk_ws_get(&sk_gemm_ws, bytes);
  if (!p) *st = SK_ENOMEM;
  return p;
}

SK_API sk_status F(sk_gemm_)(sk_trans ta, sk_trans tb, size_t m, size_t n, size_t k, T alpha,
                             const T *a, size_t lda, const T *b, size_t ldb, T beta, T *c,
                             size_t ldc) {
  if ((unsigned)ta > 1u || (unsigned)tb > 1u) return SK_EINVAL;
  size_t ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;
  sk_status st = sk_check_mat(ar, ac, a, lda, sizeof(T));
  if (st == SK_OK) st = sk_check_mat(br, bc, b, ldb, sizeof(T));
  if (st == SK_OK) st = sk_check_mat(m, n, c, ldc, sizeof(T));
  if (st != SK_OK) return st;
  size_t cbytes = sk_extent(m, n, ldc, sizeof(T));
  if (sk_overlap(c, cbytes, a, sk_extent(ar, ac, lda, sizeof(T))) ||
      sk_overlap(c, cbytes, b, sk_extent(br, bc, ldb, sizeof(T))))
    return SK_EINVAL;
  if (m == 0 || n == 0) return SK_OK;
  if (k == 0 || alpha == 0) {
    F(gemm_scale_)(m, n, beta, c, ldc);
    return SK_OK;
  }

  const sk_kernels *K = SK_K; /* one table for the whole call, whatever sk_isa_use does meanwhile */
  F(gemm_ctx_) x = {.K = K, .blk = K->F(gemm_blk_), .ta = ta, .tb = tb, .a = a, .b = b,
                    .lda = lda, .ldb = ldb, .ldc = ldc, .m = m, .n = n, .k = k, .alpha = alpha,
                    .beta = beta, .c = c};
  x.blk.nc = sk_gemm_nc(x.blk.nc, x.blk.nr, x.blk.kc, sizeof(T));
  const sk_gemm_blk *blk = &x.blk;
  double flops = 2.0 * (double)m * (double)n * (double)k;
  /* the threads this product will run on (1 when small or nested): that many blocks, no more */
  size_t nt = sk_parallel_width(flops);
  if (nt < 1) nt = 1;
  if (nt > 256) nt = 256; /* sk_parallel_blocks' limit; bounds the A buffers */
  /* Row ranges are whole register tiles starting at row 0, and the k blocking below does not
   * depend on them: every element of C sees the same micro-kernel and k order whatever nt is. */
  x.nrange = nt < F(gemm_ceil_)(m, blk->mr) ? nt : F(gemm_ceil_)(m, blk->mr);
  x.rstep = F(gemm_split_)(m, blk->mr, x.nrange);
  /* too few row tiles for the threads (small m): split the columns too */
  x.ncrange = x.nrange < nt ? F(gemm_ceil_)(nt, x.nrange) : 1;
  if (x.ncrange > F(gemm_ceil_)(n, blk->nr)) x.ncrange = F(gemm_ceil_)(n, blk->nr);

  /* Direct path, no A packing: when k is short (packing A would cost as much as the multiply)
   * or all of op(B) fits one L2 block (one k block, k x n <= kc x nc). A's row strips are read in
   * place (a kc x mr strip stays in L1 like a packed micro-panel), B (packed once, with alpha)
   * streams from L2. Measured at least as fast as the packed path up to 256^3, and 1.2-1.3x
   * faster at 32-96 where packing A dominates. */
  if (k <= 16 || (k <= blk->kc && n * k <= blk->nc * blk->kc)) {
    x.bp = F(gemm_alloc_)(k, F(gemm_ceil_)(n, blk->nr) * blk->nr, &st);
    if (!x.bp) return st;
    K->F(gemm_pack_b_)(tb, b, ldb, k, n, alpha, x.bp);
    x.cstep = F(gemm_split_)(n, blk->nr, x.ncrange);
    sk_parallel_blocks(x.nrange * x.ncrange, flops, F(gemm_direct_rows_), &x);
    sk_ws_put(&sk_gemm_ws, x.bp);
    return SK_OK;
  }

  /* k blocks of equal size (257 -> 129 + 128, not 256 + 1): fixed by k and the ISA only. */
  size_t kblocks = F(gemm_ceil_)(k, blk->kc);
  x.kcmax = F(gemm_ceil_)(k, kblocks);
  x.cstep = F(gemm_split_)(n, blk->nr, x.ncrange);
  size_t mcmax = x.rstep < blk->mc ? x.rstep : blk->mc;
  size_t ncmax = x.cstep < blk->nc ? x.cstep : blk->nc;
  size_t nblocks = x.nrange * x.ncrange;
  /* one workspace: every block's A buffer, then every block's B buffer (64-byte multiples) */
  x.asz = (F(gemm_ceil_)(mcmax, blk->mr) * blk->mr * x.kcmax + 15) / 16 * 16;
  x.bsz = (F(gemm_ceil_)(ncmax, blk->nr) * blk->nr * x.kcmax + 15) / 16 * 16;
  x.ap = F(gemm_alloc_)(nblocks, x.asz + x.bsz, &st);
  if (!x.ap) return st;
  x.bp = x.ap + nblocks * x.asz;
  sk_parallel_blocks(nblocks, flops, F(gemm_block_), &x);
  sk_ws_put(&sk_gemm_ws, x.ap);
  return SK_OK;
}

#undef F
