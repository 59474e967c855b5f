/* Distance-matrix kernels for one element type, included by dist.c once with T = double and once
 * with T = float (matrix kernels accumulate in the input type, like BLAS). Expects:
 *   T, S (f32/f64), V (vector type), VN (lanes), V_(op) (vector op name), SK_MR, SK_NV.
 *
 * Structure of a GEMM micro-kernel: y is packed into panels of NR = SK_NV * VN rows stored
 * column-major (panel[k * NR + j] = y[j][k]), x rows are broadcast one element at a time, and an
 * SK_MR x SK_NV tile of accumulators stays in registers for the whole d loop. Distances use the
 * exact difference form (x - y)^2, so a self-distance is exactly 0 and near-duplicate points keep
 * their relative accuracy; the epilogue (sqrt, exp) is fused before the store. */

#define NR (SK_NV * VN)
#define FN(name) SK_CAT(name##_, S)

/* Copy rows y[0..ny) into ceil(ny / NR) panels of d x NR, zero-padded. The panel is written in
 * order while NR row streams are read (each row's cache line serves the next k steps): writing
 * one row at a time instead scattered every store to its own line, 3x slower at d = 384. */
void SK_FN(SK_CAT(pack_, S))(const T *y, size_t ldy, size_t ny, size_t d, T *yp) {
  for (size_t p = 0; p * NR < ny; p++) {
    T *dst = yp + p * NR * d;
    size_t nr = ny - p * NR < NR ? ny - p * NR : NR;
    const T *r[NR]; /* rows past nr repeat the first (valid memory; zeros are stored instead) */
    for (size_t j = 0; j < NR; j++) r[j] = y + (p * NR + (j < nr ? j : 0)) * ldy;
    if (nr == NR)
      for (size_t k = 0; k < d; k++)
        _Pragma("GCC unroll 32") for (size_t j = 0; j < NR; j++) dst[k * NR + j] = r[j][k];
    else
      for (size_t k = 0; k < d; k++)
        for (size_t j = 0; j < NR; j++) dst[k * NR + j] = j < nr ? r[j][k] : (T)0;
  }
}

/* One k step of the difference form over the tile's first nv vectors (a constant where inlined):
 * acc[i][j] += (x[i][k] - y[k][j])^2. */
static inline __attribute__((always_inline)) void FN(sqe_step)(const T *const xr[SK_MR], const T *yp,
                                                                size_t k, V acc[SK_MR][SK_NV],
                                                                const int nv) {
  V yv[SK_NV];
  _Pragma("GCC unroll 4") for (int j = 0; j < nv; j++) yv[j] = V_(loadu)(yp + k * NR + (size_t)j * VN);
  _Pragma("GCC unroll 16") for (int i = 0; i < SK_MR; i++) {
    V xb = V_(set1)(xr[i][k]);
    _Pragma("GCC unroll 4") for (int j = 0; j < nv; j++) {
      V t = V_(sub)(xb, yv[j]);
      acc[i][j] = V_(fmadd)(t, t, acc[i][j]);
    }
  }
}

/* The d loop of FN(tile) over the first nv vectors of the panel (a constant where inlined). */
static inline __attribute__((always_inline)) void FN(tile_nv)(int diff, const T *const xr[SK_MR],
                                                               const T *yp, size_t d,
                                                               V acc[SK_MR][SK_NV], const int nv) {
  if (diff) {
    for (size_t k = 0; k < d; k++) FN(sqe_step)(xr, yp, k, acc, nv);
  } else {
    for (size_t k = 0; k < d; k++) {
      V yv[SK_NV];
      _Pragma("GCC unroll 4") for (int j = 0; j < nv; j++) yv[j] = V_(loadu)(yp + k * NR + (size_t)j * VN);
      _Pragma("GCC unroll 16") for (int i = 0; i < SK_MR; i++) {
        V xb = V_(set1)(xr[i][k]);
        _Pragma("GCC unroll 4") for (int j = 0; j < nv; j++) acc[i][j] = V_(fmadd)(xb, yv[j], acc[i][j]);
      }
    }
  }
}

static inline __attribute__((always_inline)) void FN(tile_rows)(const T *x, size_t ldx, size_t mr,
                                                                 const T *xr[SK_MR],
                                                                 V acc[SK_MR][SK_NV]) {
  _Pragma("GCC unroll 16") for (int i = 0; i < SK_MR; i++) {
    xr[i] = x + ((size_t)i < mr ? (size_t)i : 0) * ldx;
    _Pragma("GCC unroll 4") for (int j = 0; j < SK_NV; j++) acc[i][j] = V_(zero)();
  }
}

/* FN(tile) for a panel with at most half its columns valid: out of line, so that the full tile's
 * inlined loop keeps its registers (inlining both made GCC spill an accumulator: 0.89x). */
static __attribute__((noinline)) void FN(tile_half)(int diff, const T *x, size_t ldx, size_t mr,
                                                    const T *yp, size_t d, V acc[SK_MR][SK_NV]) {
  const T *xr[SK_MR];
  V a[SK_MR][SK_NV]; /* local: through acc, every k step stored the accumulators */
  FN(tile_rows)(x, ldx, mr, xr, a);
  FN(tile_nv)(diff, xr, yp, d, a, (SK_NV + 1) / 2);
  memcpy(acc, a, sizeof a);
}

/* acc = tile of x rows [0, mr) (rows past mr repeat row 0; their results are discarded) against
 * one packed panel with nr valid columns; diff != 0: sum (x - y)^2, else sum x * y. A panel with
 * at most half its columns valid (the last one, e.g. 100 centres = 6 x 16 + 4) runs only the
 * first half of the vectors; the rest of acc stays 0. Each lane's sum is the same either way. */
static inline void FN(tile)(int diff, const T *x, size_t ldx, size_t mr, const T *yp, size_t nr,
                            size_t d, V acc[SK_MR][SK_NV]) {
  if (SK_NV > 1 && nr <= (size_t)(SK_NV + 1) / 2 * VN) {
    FN(tile_half)(diff, x, ldx, mr, yp, d, acc);
    return;
  }
  const T *xr[SK_MR];
  FN(tile_rows)(x, ldx, mr, xr, acc);
  FN(tile_nv)(diff, xr, yp, d, acc, SK_NV);
}

/* FN(tile)'s difference-form sums, and meanwhile the roots of the previous tile's squared
 * distances sq (SK_MR * NR, row i at sq + i * NR) into dst (row i at dst + i * ldd; dst == sq,
 * ldd == NR: in place), one vector per slice of the d loop: the divider computes exact roots
 * while the FMA ports run, instead of after them. */
static inline void FN(root_tile)(const T *x, size_t ldx, size_t mr, const T *yp, size_t d,
                                 V acc[SK_MR][SK_NV], const T *sq, T *dst, size_t ldd) {
  enum { NS = SK_MR * SK_NV };
  const T *xr[SK_MR];
  _Pragma("GCC unroll 16") for (int i = 0; i < SK_MR; i++) {
    xr[i] = x + ((size_t)i < mr ? (size_t)i : 0) * ldx;
    _Pragma("GCC unroll 4") for (int j = 0; j < SK_NV; j++) acc[i][j] = V_(zero)();
  }
  size_t k = 0;
  _Pragma("GCC unroll 1") for (int s = 0; s < NS; s++) {
    V r = V_(sqrt)(V_(loadu)(sq + (size_t)s * VN));
    V_(storeu)(dst + (size_t)(s / SK_NV) * ldd + (size_t)(s % SK_NV) * VN, r);
    for (size_t ke = d * (size_t)(s + 1) / NS; k < ke; k++) FN(sqe_step)(xr, yp, k, acc, SK_NV);
  }
}

/* Epilogue for one accumulator vector. */
static inline V FN(finish)(int kind, V v, V neg_gamma) {
  if (kind == SK_KIND_EUC) return V_(sqrt)(v);
  if (kind == SK_KIND_RBF) return V_(exp)(V_(mul)(v, neg_gamma));
  return v;
}

/* Panels per cache chunk: the chunk of packed y stays in L2 while every x block passes over it. */
static inline size_t FN(chunk)(size_t d) {
  size_t bytes = (size_t)NR * (d ? d : 1) * sizeof(T);
  size_t pc = (256u << 10) / bytes;
  return pc ? pc : 1;
}

/* Runs the body for every block of SK_MR x rows (i0: its first row, mr: its rows) within every
 * L2-sized chunk [p0, p1) of packed y panels, chunks outer: a chunk stays cached while every x
 * block passes over it. */
#define FOR_EACH_BLOCK(nx, ny, d, ...)                                                     \
  do {                                                                                     \
    size_t np_ = ((ny) + NR - 1) / NR, pc_ = FN(chunk)(d);                                 \
    for (size_t p0 = 0; p0 < np_; p0 += pc_) {                                             \
      size_t p1 = p0 + pc_ < np_ ? p0 + pc_ : np_;                                         \
      for (size_t i0 = 0; i0 < (nx); i0 += SK_MR) {                                        \
        size_t mr = (nx) - i0 < SK_MR ? (nx) - i0 : SK_MR;                                 \
        __VA_ARGS__                                                                        \
      }                                                                                    \
    }                                                                                      \
  } while (0)

/* Runs the body for every (block of SK_MR x rows, packed y panel) pair in FOR_EACH_BLOCK's
 * order. The body sees i0 and mr, p and nr (the panel and its valid columns) and acc, the
 * block's tile (FN(tile)). */
#define FOR_EACH_TILE(diff, x, ldx, nx, yp, ny, d, ...)                                   \
  FOR_EACH_BLOCK(nx, ny, d, for (size_t p = p0; p < p1; p++) {                             \
    V acc[SK_MR][SK_NV];                                                                   \
    size_t nr = (ny) - p * NR < NR ? (ny) - p * NR : NR;                                   \
    FN(tile)(diff, (x) + i0 * (ldx), ldx, mr, (yp) + p * NR * (d), nr, d, acc);            \
    __VA_ARGS__                                                                            \
  })

/* The register tile to memory, row i at buf + i * ld. */
static inline __attribute__((always_inline)) void FN(keep_tile)(T *buf, size_t ld,
                                                                V acc[SK_MR][SK_NV]) {
  _Pragma("GCC unroll 16") for (int i = 0; i < SK_MR; i++)
    _Pragma("GCC unroll 4") for (int j = 0; j < SK_NV; j++)
      V_(storeu)(buf + (size_t)i * ld + (size_t)j * VN, acc[i][j]);
}

/* Copies the roots of a partial tile (rows [0, mr), columns [0, nr)) from sq to out. */
static inline void FN(put_tile)(const T *sq, size_t mr, size_t nr, T *o, size_t ldo) {
  for (size_t i = 0; i < mr; i++)
    _Pragma("GCC unroll 4") for (int j = 0; j < SK_NV; j++) {
      size_t j0 = (size_t)j * VN;
      if (j0 >= nr) break;
      V v = V_(loadu)(sq + i * NR + j0);
      if (nr - j0 >= VN) V_(storeu)(o + i * ldo + j0, v);
      else V_(storeu_n)(o + i * ldo + j0, v, nr - j0);
    }
}

/* Euclidean dist_: the tiles of FOR_EACH_TILE in the same order, each tile's squared distances
 * kept in sq and their exact roots taken during the next tile (root_tile), straight into out for
 * a whole tile, through sq for an edge tile. */
static void FN(dist_euc)(const T *x, size_t ldx, size_t nx, const T *yp, size_t ny, size_t d,
                         T *out, size_t ldo) {
  T sq[SK_MR * NR] = {0}; /* the pending tile's squared distances */
  T *dst = sq, *po = NULL; /* where its roots go; an edge tile's place in out */
  size_t ldd = NR, pm = 0, pn = 0; /* dst's row stride; an edge tile's rows and columns */
  FOR_EACH_BLOCK(nx, ny, d, for (size_t p = p0; p < p1; p++) {
    V acc[SK_MR][SK_NV];
    FN(root_tile)(x + i0 * ldx, ldx, mr, yp + p * NR * d, d, acc, sq, dst, ldd);
    if (pn) FN(put_tile)(sq, pm, pn, po, ldo);
    FN(keep_tile)(sq, NR, acc);
    size_t nr = ny - p * NR < NR ? ny - p * NR : NR;
    T *o = out + i0 * ldo + p * NR;
    if (mr == SK_MR && nr == NR) dst = o, ldd = ldo, pn = 0;
    else dst = sq, ldd = NR, po = o, pm = mr, pn = nr;
  });
  for (int s = 0; s < SK_MR * SK_NV; s++)
    V_(storeu)(dst + (size_t)(s / SK_NV) * ldd + (size_t)(s % SK_NV) * VN, V_(sqrt)(V_(loadu)(sq + (size_t)s * VN)));
  if (pn) FN(put_tile)(sq, pm, pn, po, ldo);
}

/* out[i * ldo + j] = metric(x_i, y_j) for i < nx, j < ny (y packed by pack_S). */
void SK_FN(SK_CAT(dist_, S))(int kind, const T *x, size_t ldx, size_t nx, const T *yp, size_t ny,
                             size_t d, double gamma, T *out, size_t ldo) {
  if (kind == SK_KIND_EUC) {
    FN(dist_euc)(x, ldx, nx, yp, ny, d, out, ldo);
    return;
  }
  int diff = kind != SK_KIND_DOT;
  V ng = V_(set1)((T)-gamma);
  FOR_EACH_TILE(diff, x, ldx, nx, yp, ny, d, {
    for (size_t i = 0; i < mr; i++) {
      T *o = out + (i0 + i) * ldo + p * NR;
      _Pragma("GCC unroll 4") for (int j = 0; j < SK_NV; j++) {
        size_t j0 = (size_t)j * VN;
        if (j0 >= nr) break;
        V v = FN(finish)(kind, acc[i][j], ng);
        if (nr - j0 >= VN) V_(storeu)(o + j0, v);
        else V_(storeu_n)(o + j0, v, nr - j0);
      }
    }
  });
}

/* For each x row: the best y row over this call's rows, merged into (idx, best): smallest value,
 * or largest if `largest`; ties keep the lower index, NaN never wins. y index j is reported as
 * j0 + j. Cosine kinds multiply the dot product by xn[i] * yn[j] (reciprocal f64 norms).
 * EUC works in squared distances (best holds sqe; the caller takes the root): a candidate
 * replaces the best only if its root is smaller too, so ties of the reported euclidean value
 * still go to the lower index. A row whose tile cannot beat its current best (one vector compare
 * per accumulator, NaN compares false) is skipped without a scalar scan. */
void SK_FN(SK_CAT(argbest_, S))(int kind, const T *x, size_t ldx, size_t nx, const T *yp,
                                size_t ny, size_t d, const double *xn, const double *yn, size_t j0,
                                size_t *idx, T *best) {
  int cos = kind == SK_KIND_COS_SIM || kind == SK_KIND_COS_DIST;
  int largest = kind == SK_KIND_DOT || kind == SK_KIND_COS_SIM;
  int diff = kind == SK_KIND_SQE || kind == SK_KIND_EUC;
  FOR_EACH_TILE(diff, x, ldx, nx, yp, ny, d, {
    for (size_t i = 0; i < mr; i++) {
      size_t r = i0 + i, bi = idx[r];
      T bv = best[r];
      if (!cos && bi != SK_NO_INDEX && nr == NR) {
        V thr = V_(set1)(bv);
        int any = 0;
        _Pragma("GCC unroll 4") for (int j = 0; j < SK_NV; j++)
          any |= largest ? V_(any_gt)(acc[i][j], thr) : V_(any_lt)(acc[i][j], thr);
        if (!any) continue;
      }
      T vals[NR];
      _Pragma("GCC unroll 4") for (int j = 0; j < SK_NV; j++) V_(storeu)(vals + j * VN, acc[i][j]);
      for (size_t j = 0; j < nr; j++) {
        T v = vals[j];
        if (cos) {
          double c = (double)v * (xn[r] * yn[p * NR + j]); /* reciprocal norms: as cos_rows */
          c = c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c;
          v = (T)(kind == SK_KIND_COS_DIST ? 1.0 - c : c);
        }
        if (v != v) continue;
        if (bi == SK_NO_INDEX ||
            (largest ? v > bv : v < bv && (kind != SK_KIND_EUC || (T)sqrt(v) < (T)sqrt(bv)))) {
          bi = j0 + p * NR + j;
          bv = v;
        }
      }
      idx[r] = bi;
      best[r] = bv;
    }
  });
}

/* Nearest row by squared distance (SQE/EUC), the expanded form as a filter in front of the exact
 * one. Per x row the dot tile (1 FMA per term) gives bounds lo_j <= Dhat_j <= hi_j on the value
 * Dhat_j that the exact difference-form tile would compute:
 *   lo_j = fl(fl(xlo + ylo_j) - 2 dot_j),  xlo = xn (1 - c), ylo_j = yn_j (1 - c)   (hi: 1 + c)
 * Derivation (N = ||x||^2 + ||y||^2, D = ||x - y||^2 <= 2N, g = gamma_{d+3}, u of T): the norms
 * and the dot tile are within g of their sums of |terms| (|x.y| <= N/2), the four roundings of
 * the bound itself add <= 6uN, so |fl(xn + yn - 2 dot) - D| <= (2g + 6u)N (1 + O(g)); the exact
 * tile has Dhat in D (1 +- g) (x - y and its square: 2 roundings, the sum: d). Hence
 * c = 5g + 16u >= 2g + 6u + 2g(D/N <= 2) + 8u slack makes lo <= Dhat <= hi, underflow included
 * when N >= 4 E0 / u (E0 = (8d + 32) eta; the caller checks) and no overflow when xn, yn <=
 * Tmax / 1024 (larger centres are given +inf bounds: with such x they are farther than any hi).
 * A row's winner b is certain when every other j has lo_j > thr = hi_b (1 + 16u) (also splits
 * the rounded roots of EUC); a row with two candidates is ambiguous (amb[r] = 1). Bad centres
 * (NaN, too large) and padding have +inf bounds and zeros in the filter's panels, so for a row
 * with a finite xn every bound is a number (never NaN) or +inf. Certain rows get Dhat_b
 * recomputed with the tile's lane operations in its order (x - y, then fmadd from k = 0), so
 * the bits are the tile's.
 * xn[r]: the row's squared norm, NaN for rows to leave to the exact path; work: 2 nx. */
/* Panels per filter group: their dot tiles wait in an L1 buffer (SK_MR x AF_G x NR) so that each
 * row's bounds over the whole group are judged in one branch-free sweep. */
#define AF_G 8

/* One row's verdict over a group of W lanes (dots dv, bound terms at ylo/yhi + L0), in T as the
 * derivation assumes: thr = min(thr, least hi * up), then the lanes with lo < thr are counted
 * from mask bits, without branches (which vector holds the winner is random). The old winner
 * (lo_b = w[0]) stays a candidate while lo_b < thr. One candidate: the row's winner so far; none
 * (impossible with finite bounds: the nearest centre's lo <= its exact-tile value <= the least
 * hi) or two: ambiguous, to the exact path. w[0], w[1] = lo_b, thr (T values, held in double). */
static inline T FN(filt_hi)(const T *dv, const T *yhi, size_t W, size_t L0, double xn, double c) {
  V m2 = V_(set1)((T)-2), xh = V_(set1)((T)(xn * (1 + c)));
  V hm0 = V_(set1)((T)INFINITY), hm1 = hm0; /* two chains: W is a multiple of 2 vectors (NR) */
  for (size_t q = 0; q < W; q += 2 * VN) {
    hm0 = V_(min)(hm0, V_(fmadd)(V_(loadu)(dv + q), m2, V_(add)(xh, V_(loadu)(yhi + L0 + q))));
    hm1 = V_(min)(hm1, V_(fmadd)(V_(loadu)(dv + q + VN), m2, V_(add)(xh, V_(loadu)(yhi + L0 + q + VN))));
  }
  return V_(hmin)(V_(min)(hm0, hm1)); /* never NaN: finite dots, finite or +inf bounds */
}

static inline void FN(filt_row)(const T *dv, const T *ylo, size_t W, size_t L0, double xn,
                                double c, T up, T hmin, size_t *idx, unsigned char *amb,
                                double *w) {
  V m2 = V_(set1)((T)-2), xl = V_(set1)((T)(xn * (1 - c)));
  T tn = hmin * up, thr = tn < (T)w[1] ? tn : (T)w[1];
  size_t b = *idx, cnt = b != SK_NO_INDEX && (T)w[0] < thr, first = SIZE_MAX;
  V tv = V_(set1)(thr);
  enum { PER = 64 / VN }; /* vectors whose mask bits share one 64-bit word */
  for (size_t q0 = 0; q0 < W; q0 += PER * VN) {
    uint64_t word = 0; /* scanned once per word, not once per vector */
    _Pragma("GCC unroll 16") for (int v = 0; v < PER; v++) {
      size_t q = q0 + (size_t)v * VN;
      if (q >= W) break;
      V lo = V_(fmadd)(V_(loadu)(dv + q), m2, V_(add)(xl, V_(loadu)(ylo + L0 + q)));
      word |= (uint64_t)V_(lt_bits)(lo, tv) << (v * VN % 64);
    }
    first = first == SIZE_MAX && word ? q0 + (size_t)__builtin_ctzll(word) : first;
    cnt += (size_t)__builtin_popcountll(word);
  }
  if (cnt != 1) {
    *amb = 1;
    return;
  }
  if (first != SIZE_MAX) { /* the candidate is new: its lo by the same lane ops */
    T lv[VN];
    V_(storeu)(lv, V_(fmadd)(V_(set1)(dv[first]), m2, V_(add)(xl, V_(set1)(ylo[L0 + first]))));
    *idx = L0 + first, w[0] = lv[0];
  }
  w[1] = thr;
}

void SK_FN(SK_CAT(argmin_filt_, S))(const T *x, size_t ldx, size_t nx, const T *yp, size_t ny,
                                    size_t d, const double *xn, const T *ylo, const T *yhi,
                                    double c, size_t *idx, T *best, unsigned char *amb, double *work,
                                    const void *next, size_t next_bytes) {
  const T up = (T)1 + 16 * (T)(sizeof(T) == 4 ? 0x1p-24 : 0x1p-53);
  const double lim = (sizeof(T) == 4 ? FLT_MAX : DBL_MAX) / 256;
  for (size_t r = 0; r < nx; r++) {
    idx[r] = SK_NO_INDEX;
    amb[r] = !(xn[r] < INFINITY); /* NaN: left to the exact path by the caller */
    work[2 * r] = work[2 * r + 1] = INFINITY; /* lo_b, thr */
  }
  T dots[SK_MR * AF_G * NR];
  size_t np = (ny + NR - 1) / NR;
  /* The caller's next block of rows (next, next_bytes) comes from memory while these tiles
   * compute: a few of its lines per tile, instead of all at once when its norms are taken. */
  const char *pf = next, *pfe = pf ? pf + next_bytes : pf;
  size_t pfstep = (next_bytes / 64) / ((nx + SK_MR - 1) / SK_MR * np) + 1;
  FOR_EACH_BLOCK(nx, ny, d, for (size_t g0 = p0; g0 < p1; g0 += AF_G) {
    size_t g1 = g0 + AF_G < p1 ? g0 + AF_G : p1, W = (g1 - g0) * NR;
    for (size_t p = g0; p < g1; p++) {
      V acc[SK_MR][SK_NV];
      for (size_t q = 0; q < pfstep && pf < pfe; q++, pf += 64) __builtin_prefetch(pf, 0, 2);
      FN(tile)(0, x + i0 * ldx, ldx, mr, yp + p * NR * d, ny - p * NR < NR ? ny - p * NR : NR, d, acc);
      FN(keep_tile)(dots + (p - g0) * NR, W, acc);
    }
    /* every row's least hi first: independent chains, ahead of the counts that wait on them */
    T hmin[SK_MR];
    for (size_t i = 0; i < mr; i++) hmin[i] = FN(filt_hi)(dots + i * W, yhi, W, g0 * NR, xn[i0 + i], c);
    for (size_t i = 0; i < mr; i++)
      if (!amb[i0 + i])
        FN(filt_row)(dots + i * W, ylo, W, g0 * NR, xn[i0 + i], c, up, hmin[i], idx + i0 + i,
                     amb + i0 + i, work + 2 * (i0 + i));
  });
  for (size_t r = 0; r < nx; r++)
    if (!amb[r] && (idx[r] == SK_NO_INDEX || !(work[2 * r + 1] <= lim))) amb[r] = 1;
  if (best) SK_FN(SK_CAT(argmin_sums_, S))(x, ldx, nx, yp, d, idx, amb, best);
}

/* out[i] = the f64 sum of squares of x row i, 4 rows at a time (independent chains: one row per
 * call was latency-bound); any order of the f64 sum serves the filter's bounds. With cvt, the
 * rows are also written there rounded to f32 (row i at cvt + i * d): f64's narrow filter. */
static inline __attribute__((always_inline)) void FN(sqnorms)(const T *x, size_t ldx, size_t m,
                                                              size_t d, double *out, float *cvt,
                                                              const int wcvt) {
  enum { G = 4 };
  size_t dv = d / SK_VD_N * SK_VD_N;
  for (size_t i = 0; i < m; i += G) {
    size_t g = m - i < G ? m - i : G;
    const T *r[G];
    float *o[G];
    vd a[G];
    for (size_t q = 0; q < G; q++) {
      r[q] = x + (i + (q < g ? q : 0)) * ldx, a[q] = vd_zero();
      o[q] = wcvt && q < g ? cvt + (i + q) * d : NULL;
    }
    for (size_t k = 0; k < dv; k += SK_VD_N)
      _Pragma("GCC unroll 4") for (int q = 0; q < G; q++) {
        vd v = SK_LD(r[q] + k);
        a[q] = vd_fmadd(v, v, a[q]);
        if (wcvt && o[q]) vd_storeu_f32(o[q] + k, v);
      }
    if (dv < d)
      _Pragma("GCC unroll 4") for (int q = 0; q < G; q++) {
        vd v = SK_LDN(r[q] + dv, d - dv);
        a[q] = vd_fmadd(v, v, a[q]);
        if (wcvt && o[q]) vd_storeu_f32_n(o[q] + dv, v, d - dv);
      }
    for (size_t q = 0; q < g; q++) out[i + q] = vd_hsum(a[q]);
  }
}

void SK_FN(SK_CAT(row_sqnorms_, S))(const T *x, size_t ldx, size_t m, size_t d, double *out,
                                    float *cvt) {
  if (cvt) FN(sqnorms)(x, ldx, m, d, out, cvt, 1);
  else FN(sqnorms)(x, ldx, m, d, out, NULL, 0);
}

/* best[r] = the exact tile's squared distance from x row r to y row idx[r] (yp: y packed by
 * pack_S), for the rows with amb[r] == 0, in the tile's order (x - y, then fmadd from k = 0). */
void SK_FN(SK_CAT(argmin_sums_, S))(const T *x, size_t ldx, size_t nx, const T *yp, size_t d,
                                    const size_t *idx, const unsigned char *amb, T *best) {
  /* 8 rows at a time (independent chains) */
  enum { G = 8 };
  size_t rows[G];
  size_t n = 0;
  for (size_t r = 0; r <= nx; r++) {
    if (r < nx) {
      if (amb[r]) continue;
      rows[n++] = r;
      if (n < G) continue;
    }
    if (!n) break;
    const T *xr[G], *yr[G];
    T a[G];
    for (size_t q = 0; q < G; q++) {
      size_t rq = rows[q < n ? q : 0], j = idx[rq];
      xr[q] = x + rq * ldx;
      yr[q] = yp + j / NR * NR * d + j % NR;
      a[q] = 0;
    }
    /* scalar: a lane's IEEE sub and fused multiply-add do not depend on the vector width, and
     * scalar ops issue on more ports than full-width ones (argmin 1.08x f32, 1.10x f64) */
    for (size_t k = 0; k < d; k++)
      _Pragma("GCC unroll 8") for (int q = 0; q < G; q++) {
        T t = xr[q][k] - yr[q][k * NR];
        a[q] = SK_FMADD(t, t, a[q]);
      }
    for (size_t q = 0; q < n; q++) best[rows[q]] = a[q];
    n = 0;
  }
}

/* Where one tile's distances go (see sil_tri). Row-side sums of single-label panels stay in f64
 * vectors while a row tile sweeps its panels: one horizontal sum per row per label run. */
typedef struct {
  double *rs, *cs;
  const size_t *lab;
  size_t k, ldc, c0, r0, r1;
  vd racc[SK_MR];
  size_t rl, ri, rm; /* label, first row, rows of racc; rl == SIZE_MAX: empty */
} FN(sil_ctx);

static inline void FN(sil_flush)(FN(sil_ctx) *c) {
  if (c->rl != SIZE_MAX)
    for (size_t i = 0; i < c->rm; i++) c->rs[(c->ri + i) * c->k + c->rl] += vd_hsum(c->racc[i]);
  c->rl = SIZE_MAX;
}

/* Adds the tile of roots vals (rows i0.. of the block, mr valid; panel columns ca.., nr valid). */
static inline void FN(sil_sums)(FN(sil_ctx) *c, const T *vals, size_t i0, size_t mr, size_t ca,
                                size_t nr) {
  enum { NQ = NR / SK_VD_N }; /* f64 vectors per tile row */
  const size_t *lc = c->lab + ca, *lr = c->lab + c->r0 + i0;
  size_t k = c->k;
  if (nr == NR && lc[0] == lc[NR - 1]) {
    if (c->rl != lc[0] || c->ri != i0) {
      FN(sil_flush)(c);
      c->rl = lc[0], c->ri = i0, c->rm = mr;
      _Pragma("GCC unroll 16") for (int i = 0; i < SK_MR; i++) c->racc[i] = vd_zero();
    }
    _Pragma("GCC unroll 16") for (int i = 0; i < SK_MR; i++)
      _Pragma("GCC unroll 8") for (int q = 0; q < NQ; q++)
        c->racc[i] = vd_add(c->racc[i], SK_LD(vals + i * NR + q * SK_VD_N));
  } else {
    for (size_t i = 0; i < mr; i++)
      for (size_t j = 0; j < nr; j++) c->rs[(i0 + i) * k + lc[j]] += (double)vals[i * NR + j];
  }
  if (ca < c->r1) return; /* inside the block's own square: row side only */
  double *col = c->cs + (ca - c->c0);
  if (mr == SK_MR && lr[0] == lr[SK_MR - 1]) {
    double *o = col + lr[0] * c->ldc;
    _Pragma("GCC unroll 8") for (int q = 0; q < NQ; q++) {
      vd u = SK_LD(vals + q * SK_VD_N);
      _Pragma("GCC unroll 16") for (int i = 1; i < SK_MR; i++) u = vd_add(u, SK_LD(vals + i * NR + q * SK_VD_N));
      vd_storeu(o + q * SK_VD_N, vd_add(vd_loadu(o + q * SK_VD_N), u));
    }
  } else {
    for (size_t i = 0; i < mr; i++)
      for (size_t j = 0; j < nr; j++) col[lr[i] * c->ldc + j] += (double)vals[i * NR + j];
  }
}

/* Silhouette, each pair once: rows [r0, r1) of the label-sorted matrix x (r0 a multiple of NR)
 * against the packed columns j >= r0 (yp holds all n rows; lab is sorted, so a tile's rows or
 * columns almost always share one label and sum as whole vectors; mixed tiles go lane by lane).
 *   row side:    rs[(i - r0) * k + lab[j]] += d(i, j) for every j >= r0 (the block's own columns
 *                too, so a pair inside the block is seen from both of its rows);
 *   column side: cs[lab[i] * ldc + j - c0] += d(i, j) for j >= r1 only (cs has room up to the
 *                last panel's padding, which absorbs the padded lanes).
 * A tile's roots are taken during the next tile (root_tile) and summed right after it. Sums are
 * in f64 lanes, tile by tile in a fixed order: the result never depends on threads. */
void SK_FN(SK_CAT(sil_tri_, S))(const T *x, size_t ldx, size_t r0, size_t r1, const T *yp,
                                size_t n, size_t d, const size_t *lab, size_t k, double *rs,
                                double *cs, size_t ldc, size_t c0) {
  FN(sil_ctx) c = {.rs = rs, .cs = cs, .lab = lab, .k = k, .ldc = ldc, .c0 = c0, .r0 = r0,
                   .r1 = r1, .rl = SIZE_MAX};
  T sq[SK_MR * NR] = {0}; /* the pending tile: squared distances, then roots */
  size_t pi = 0, pm = 0, pc = 0, pn = 0; /* its first row, rows, first column, columns */
  const T *xb = x + r0 * ldx, *yb = yp + r0 * d;
  size_t nx = r1 - r0, ny = n - r0;
  FOR_EACH_BLOCK(nx, ny, d, for (size_t p = p0; p < p1; p++) {
    V acc[SK_MR][SK_NV];
    FN(root_tile)(xb + i0 * ldx, ldx, mr, yb + p * NR * d, d, acc, sq, sq, NR);
    if (pn) FN(sil_sums)(&c, sq, pi, pm, pc, pn);
    FN(keep_tile)(sq, NR, acc);
    pi = i0, pm = mr, pc = r0 + p * NR, pn = ny - p * NR < NR ? ny - p * NR : NR;
  });
  if (pn) {
    for (size_t s = 0; s < SK_MR * NR; s += VN) V_(storeu)(sq + s, V_(sqrt)(V_(loadu)(sq + s)));
    FN(sil_sums)(&c, sq, pi, pm, pc, pn);
  }
  FN(sil_flush)(&c);
}

/* Dot products -> cosine in place, rows [0, m) of out, columns [0, ny): c = dot * (rx[i] * ry[j])
 * in f64 (rx, ry: reciprocal norms; a division per element cost ~2 cycles, as much as the whole
 * d = 50 tile per element, for 3 roundings of 2^-53 against the dot's own d of them), clamped to
 * [-1, 1] (NaN stays NaN: both compares are false), 1 - c for the distance, rounded once to T. */
void SK_FN(SK_CAT(cos_rows_, S))(int dist, T *out, size_t ldo, size_t m, size_t ny,
                                 const double *rx, const double *ry) {
  vd one = vd_set1(1.0), mone = vd_set1(-1.0);
  for (size_t i = 0; i < m; i++) {
    T *o = out + i * ldo;
    vd rxi = vd_set1(rx[i]);
    for (size_t j = 0; j < ny; j += SK_VD_N) {
      size_t n = ny - j < SK_VD_N ? ny - j : SK_VD_N;
      vd sc = vd_mul(rxi, n == SK_VD_N ? vd_loadu(ry + j) : vd_loadu_n(ry + j, n));
      vd c = vd_mul(n == SK_VD_N ? SK_LD((const T *)o + j) : SK_LDN((const T *)o + j, n), sc);
      c = vd_blend(vd_gt(c, one), one, vd_blend(vd_lt(c, mone), mone, c));
      if (dist) c = vd_sub(one, c);
      if (n == SK_VD_N) SK_ST(o + j, c);
      else SK_STN(o + j, c, n);
    }
  }
}

/* Top-k support: the first j >= i whose x[j] is strictly better than thr (greater if largest,
 * else smaller; NaN never is), or n. Whole vectors that cannot enter are skipped with one
 * compare. */
size_t SK_FN(SK_CAT(topk_next_, S))(const T *x, size_t i, size_t n, T thr, int largest) {
  V t = V_(set1)(thr);
  for (; i + VN <= n; i += VN) {
    V v = V_(loadu)(x + i);
    if (largest ? V_(any_gt)(v, t) : V_(any_lt)(v, t)) break;
  }
  for (; i < n; i++)
    if (largest ? x[i] > thr : x[i] < thr) return i;
  return n;
}

#undef FOR_EACH_TILE
#undef FOR_EACH_BLOCK
#undef NR
#undef FN
