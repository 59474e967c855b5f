/* GEMM kernels for one element type, included by gemm.c with T = double and T = float (GEMM
 * accumulates in the input type, like BLAS). Expects T, S, V, VN, V_(op) and gemm_blocks.h.
 *
 * Row-major C, vectors along its rows: the micro-kernel keeps a GMR x NR tile of C in GMR x GNV
 * vector accumulators, and per k step loads GNV vectors of one packed B row and broadcasts GMR
 * elements of one packed A column. Packed layouts (both zero-padded to whole panels):
 *   A: panels of GMR rows, ap[panel * kc * GMR + p * GMR + i] = op(A)[i0 + i][p]
 *   B: panels of NR columns, bp[panel * kc * NR + p * NR + j] = alpha * op(B)[p][j0 + j]
 * Alpha is folded into B: the direct path (A read in place) needs it there, and for the tall
 * shapes where packing cost shows B is the smaller operand. */

#define GMR SK_CAT(GMR_, S) /* this type's tile (gemm_blocks.h) */
#define GNV SK_CAT(GNV_, S)
#define NR (GNV * VN)
#define FN(name) SK_CAT(name##_, S)

/* op(B)[0..kc) x [0..nc) (b already points at its first element) -> NR-column panels, times alpha. */
void SK_FN(SK_CAT(gemm_pack_b_, S))(int tb, const T *b, size_t ldb, size_t kc, size_t nc, T alpha,
                                    T *bp) {
  V va = V_(set1)(alpha);
  for (size_t j0 = 0; j0 < nc; j0 += NR) {
    size_t nr = nc - j0 < NR ? nc - j0 : NR;
    T *dst = bp + j0 * kc;
    if (!tb) { /* rows of B are contiguous: whole vectors, the last one partial */
      for (size_t p = 0; p < kc; p++) {
        const T *src = b + p * ldb + j0;
        _Pragma("GCC unroll 4") for (int v = 0; v < GNV; v++) {
          size_t o = (size_t)v * VN;
          V x = o + VN <= nr ? V_(loadu)(src + o) : o < nr ? V_(loadu_n)(src + o, nr - o) : V_(zero)();
          V_(storeu)(dst + p * NR + o, V_(mul)(x, va));
        }
      }
    } else { /* op(B)[p][j] = b[j * ldb + p]: NR row streams of B, the panel written in order
              * (a column at a time scattered every store to its own line: 3x slower) */
      const T *r[NR]; /* rows past nr repeat the first (valid memory; zeros are stored) */
      for (size_t j = 0; j < NR; j++) r[j] = b + (j0 + (j < nr ? j : 0)) * ldb;
      if (nr == NR)
        for (size_t p = 0; p < kc; p++)
          _Pragma("GCC unroll 64") for (size_t j = 0; j < NR; j++) dst[p * NR + j] = alpha * r[j][p];
      else
        for (size_t p = 0; p < kc; p++)
          for (size_t j = 0; j < NR; j++) dst[p * NR + j] = j < nr ? alpha * r[j][p] : (T)0;
    }
  }
}

/* op(A)[0..mc) x [0..kc) -> GMR-row panels. */
void SK_FN(SK_CAT(gemm_pack_a_, S))(int ta, const T *a, size_t lda, size_t mc, size_t kc, T *ap) {
  for (size_t i0 = 0; i0 < mc; i0 += GMR) {
    size_t mr = mc - i0 < GMR ? mc - i0 : GMR;
    T *dst = ap + i0 * kc;
    if (!ta) { /* GMR row streams of A, one panel column per k */
      const T *r[GMR];
      _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++)
        r[i] = a + (i0 + ((size_t)i < mr ? (size_t)i : 0)) * lda;
      if (mr == GMR) {
        for (size_t p = 0; p < kc; p++)
          _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++) dst[p * GMR + i] = r[i][p];
      } else {
        for (size_t p = 0; p < kc; p++)
          _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++)
            dst[p * GMR + i] = (size_t)i < mr ? r[i][p] : (T)0;
      }
    } else { /* op(A)[i][p] = a[p * lda + i]: GMR contiguous elements per k */
      for (size_t p = 0; p < kc; p++) {
        const T *src = a + p * lda + i0;
        for (size_t i = 0; i < GMR; i++) dst[p * GMR + i] = i < mr ? src[i] : (T)0;
      }
    }
  }
}

/* The register tile: acc = sum over p < kc of A column p (GMR broadcasts) x B row p (GNV
 * vectors), with A(i, p) read as the expression AEL. One body, two instances: packed A (one
 * pointer walking the panel, so the loop needs no per-row address registers) and A in place
 * (row pointers, for the direct path). */
#define KLOOP(kc, AEL, PF, bp, acc, NV)                                                            \
  do {                                                                                           \
    _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++)                                      \
      _Pragma("GCC unroll 4") for (int j = 0; j < GNV; j++) acc[i][j] = V_(zero)();             \
    const T *pb_ = (bp);                                                                         \
    for (size_t p = 0; p < (kc); p++, pb_ += NR) {                                               \
      V bv[GNV];                                                                                 \
      PF;                                                                                        \
      _Pragma("GCC unroll 4") for (int j = 0; j < (NV); j++) bv[j] = V_(loadu)(pb_ + j * VN);  \
      _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++) {                                  \
        V av = V_(set1)(AEL);                                                                    \
        _Pragma("GCC unroll 4") for (int j = 0; j < (NV); j++)                                  \
          acc[i][j] = V_(fmadd)(av, bv[j], acc[i][j]);                                           \
      }                                                                                          \
    }                                                                                            \
  } while (0)

static inline __attribute__((always_inline)) void FN(kloop_packed)(size_t kc, const T *ap,
                                                                   const T *bp, V acc[GMR][GNV]) {
  /* B micro-panels stream from L2: fetch GKC_PF k steps ahead (a prefetch past the end of the
   * block is harmless: prefetches never fault) */
  KLOOP(kc, ap[p * GMR + (size_t)i],
        (__builtin_prefetch(bp + (p + GKC_PF) * NR, 0, 3),
         __builtin_prefetch(bp + (p + GKC_PF) * NR + 64 / sizeof(T), 0, 3)), bp, acc, GNV);
}
/* nv (a constant where inlined) = vectors of the panel in use: a panel of <= VN columns (n
 * small, or the last panel) runs one vector per row instead of GNV, halving its multiplies
 * (the unused accumulators are still zeroed: free, and the store never reads them). */
static inline __attribute__((always_inline)) void FN(kloop_rows)(size_t kc, const T *const *ar,
                                                                 size_t cs, const T *bp,
                                                                 V acc[GMR][GNV], int nv) {
  if (nv == 1) KLOOP(kc, ar[i][p * cs], (void)0, bp, acc, 1);
  else KLOOP(kc, ar[i][p * cs], (void)0, bp, acc, GNV);
}
#undef KLOOP

/* C tile (mr x nr valid) = acc + beta * C; beta == 0 never reads C. Partial rows are skipped and
 * partial vectors go through the layer's _n loads/stores (masked where the ISA has them), so an
 * edge tile costs about what a full one does. */
static inline __attribute__((always_inline)) void FN(store)(V acc[GMR][GNV], T beta, T *c,
                                                            size_t ldc, size_t mr, size_t nr) {
  V vb = V_(set1)(beta);
  int b0 = beta == 0, b1 = beta == 1;
  _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++) {
    if ((size_t)i >= mr) break;
    T *cr = c + (size_t)i * ldc;
    _Pragma("GCC unroll 4") for (int j = 0; j < GNV; j++) {
      size_t o = (size_t)j * VN;
      if (o >= nr) break;
      if (nr - o >= VN) {
        V r = b0 ? acc[i][j] : b1 ? V_(add)(V_(loadu)(cr + o), acc[i][j])
                                  : V_(fmadd)(vb, V_(loadu)(cr + o), acc[i][j]);
        V_(storeu)(cr + o, r);
      } else {
        size_t n = nr - o;
        V r = b0 ? acc[i][j] : b1 ? V_(add)(V_(loadu_n)(cr + o, n), acc[i][j])
                                  : V_(fmadd)(vb, V_(loadu_n)(cr + o, n), acc[i][j]);
        V_(storeu_n)(cr + o, r, n);
      }
    }
  }
}

/* The C tile is needed only after the k loop: ask for its lines now so their latency (C is
 * usually in L3 or memory) hides behind the multiply. */
static inline __attribute__((always_inline)) void FN(prefetch_c)(T *c, size_t ldc, size_t mr,
                                                                 size_t nr) {
  for (size_t i = 0; i < mr; i++)
    for (size_t o = 0; o < nr; o += 64 / sizeof(T)) __builtin_prefetch(c + i * ldc + o, 1, 3);
  __builtin_prefetch(c + (mr - 1) * ldc + nr - 1, 1, 3);
}

/* C[0..mc) x [0..nc) = packed A block x packed B block + beta * C. The A micro-panel
 * (kc x GMR) stays in L1 while the B micro-panels of the block (in L2) stream past it, as in
 * BLIS: the streamed side is then read with whole-line vector loads, and measured ~8% faster on
 * AVX-512 than the other order (B micro-panel resident, A broadcasts streamed). */
void SK_FN(SK_CAT(gemm_macro_, S))(size_t mc, size_t nc, size_t kc, const T *ap, const T *bp,
                                   T beta, T *c, size_t ldc) {
  for (size_t i0 = 0; i0 < mc; i0 += GMR) {
    size_t mr = mc - i0 < GMR ? mc - i0 : GMR;
    for (size_t j0 = 0; j0 < nc; j0 += NR) {
      size_t nr = nc - j0 < NR ? nc - j0 : NR;
      V acc[GMR][GNV];
      FN(prefetch_c)(c + i0 * ldc + j0, ldc, mr, nr);
      FN(kloop_packed)(kc, ap + i0 * kc, bp + j0 * kc, acc);
      FN(store)(acc, beta, c + i0 * ldc + j0, ldc, mr, nr);
    }
  }
}

/* Tall-skinny / short-k path: A read in place (no packing; op(A)(i, p) = a[i * rs + p * cs]),
 * all of op(B) packed in bp (k x n, alpha folded). Each GMR-row strip of A (GMR x k) stays in L1
 * while it meets every B panel; C is written once, row strip by row strip. (Streaming C out with
 * non-temporal stores from an L1 strip buffer was tried: 0.83-0.93x when C fits L3.) */
void SK_FN(SK_CAT(gemm_direct_, S))(int ta, const T *a, size_t lda, size_t m, size_t n, size_t k,
                                    const T *bp, T beta, T *c, size_t ldc) {
  size_t rs = ta ? 1 : lda;
  for (size_t i0 = 0; i0 < m; i0 += GMR) {
    size_t mr = m - i0 < GMR ? m - i0 : GMR;
    const T *ar[GMR]; /* rows past mr repeat the first (valid memory; results discarded) */
    _Pragma("GCC unroll 16") for (int i = 0; i < GMR; i++)
      ar[i] = a + (i0 + ((size_t)i < mr ? (size_t)i : 0)) * rs;
    for (size_t j0 = 0; j0 < n; j0 += NR) {
      size_t nr = n - j0 < NR ? n - j0 : NR;
      V acc[GMR][GNV];
      /* C streams through once here: ask for the next strip's tile a strip ahead */
      if (m - i0 > GMR) {
        size_t mr2 = m - i0 - GMR < GMR ? m - i0 - GMR : GMR;
        FN(prefetch_c)(c + (i0 + GMR) * ldc + j0, ldc, mr2, nr);
      }
      int nv = nr <= VN ? 1 : GNV;
      if (ta) FN(kloop_rows)(k, ar, lda, bp + j0 * k, acc, nv);
      else FN(kloop_rows)(k, ar, 1, bp + j0 * k, acc, nv);
      FN(store)(acc, beta, c + i0 * ldc + j0, ldc, mr, nr);
    }
  }
}

#undef GMR
#undef GNV
#undef NR
#undef FN
