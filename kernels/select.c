/* The streaming pass of selection (compiled once per ISA): each value is compared with every
 * bracket's two pivots, counted below/at each, and appended to the bracket's buffer when strictly
 * between them. Values equal to a pivot are only counted, so long runs of duplicates (all-equal or
 * few-distinct data) never fill a buffer. NaN fails every compare and is counted on its own.
 * f32 data is widened on load (exact), so buffers are double for both element types. */
#include "kernels.h"
#include "simd/simd.h"
#include "protos.h"

#define SK_SEL_CHUNK 256 /* strided runs and the tail go through a contiguous stack chunk */

static inline vd transform(vd v, int mode, vd c) {
  if (mode == SK_SEL_RAW) return v;
  v = vd_abs(vd_sub(v, c));
  return mode == SK_SEL_ABSDEV_F32 ? vd_round_f32(v) : v;
}

#ifdef SK_VD_HAVE_LUT8
/* Adds the eight byte counters of each lane of cnt (bin k in byte k) to acc[0..8). */
#define BIN_BYTES(acc, cnt)                                                                  \
  do {                                                                                       \
    uint64_t l_[SK_VD_N];                                                                    \
    vdc_lanes(l_, cnt);                                                                      \
    for (size_t j_ = 0; j_ < SK_VD_N; j_++)                                                  \
      for (size_t k_ = 0; k_ < 8; k_++) acc[k_] += (size_t)(l_[j_] >> (8 * k_) & 255);       \
  } while (0)
/* The search tables of K <= 7 sorted brackets: t0[i] = lo[i], t1[i] = lo[i + 1] (NaN past K). */
static inline void bin_tables(const sk_bracket *b, size_t K, vd *lo0, vd *lo1, vd *lo3) {
  double t0[8], t1[8];
  for (size_t i = 0; i < 8; i++) {
    t0[i] = i < K ? b[i].lo : __builtin_nan("");
    t1[i] = i + 1 < K ? b[i + 1].lo : __builtin_nan("");
  }
  *lo0 = vd_loadu(t0), *lo1 = vd_loadu(t1), *lo3 = vd_set1(t0[3]);
}
/* g = #(lo[i] <= e), i < 7: a three-step binary search (lo[3], then lo[g+1], then lo[g]) */
static inline vdc bin_of(vd e, vd lo0, vd lo1, vd lo3) {
  vdc g = vdc_step(vdc_zero(), vd_le(lo3, e), 4);
  g = vdc_step(g, vd_le(vd_lut8(lo1, g), e), 2);
  return vdc_step(g, vd_le(vd_lut8(lo0, g), e), 1);
}
/* The table of bracket g - 1's lo (or hi) for each bin g; bin 0 and bins past K: NaN. */
static inline vd bin_bracket_table(const sk_bracket *b, size_t K, int hi) {
  double t[8];
  for (size_t i = 0; i < 8; i++) t[i] = i && i <= K ? (hi ? b[i - 1].hi : b[i - 1].lo) : __builtin_nan("");
  return vd_loadu(t);
}

/* Fast pass for 5-7 brackets on an 8-lane layer. Each value's bin g = #(lo[i] <= e) comes from a
 * three-step binary search with in-register lookups (lo[3], then lo[g+1], then lo[g]); a byte
 * counter per bin and one compare with hi[g-1] replace K counters and K-1 blends: ~18 port-0/5
 * operations per vector instead of ~27. Missing brackets' lo are NaN (never <= e), so the
 * search never enters them; NaN values land in bin 0 and are taken off it (cn counts them).
 * #(e < lo[i]) = values in bins 0..i. */
#define SEL_BINS(T)                                                                          \
  static inline __attribute__((always_inline)) void sel_bins_##T(                           \
      const T *x, size_t nvec, int mode, vd c, sk_bracket *b, size_t K, sk_bracket *sh,      \
      const int FAST, vdc *nanc) {                                                           \
    vd lo0, lo1, lo3, his = bin_bracket_table(b, K, 1); /* bin 0: inside nothing */         \
    bin_tables(b, K, &lo0, &lo1, &lo3);                                                      \
    vdc cn = vdc_zero();                                                                     \
    size_t bins[8] = {0};                                                                    \
    double *sbuf = sh->buf;                                                                  \
    size_t snb = sh->nbuf, scap = sh->cap;                                                   \
    for (size_t v0 = 0; v0 < nvec; v0 += 255) { /* 255 vectors fill a byte counter */       \
      size_t v1 = nvec - v0 < 255 ? nvec : v0 + 255;                                         \
      vdc cnt = vdc_zero();                                                                  \
      for (size_t v = v0; v < v1; v++) {                                                     \
        SK_PREFETCH(x + v * SK_VD_N);                                                        \
        vd e = transform(SK_LD(x + v * SK_VD_N), mode, c);                                   \
        cn = vdc_add(cn, vd_isnan(e));                                                       \
        vdc g = bin_of(e, lo0, lo1, lo3);                                                    \
        cnt = vdc_bin(cnt, g);                                                               \
        vdm in = vd_le(e, vd_lut8(his, g));                                                  \
        if ((FAST == 1 || vdm_any(in)) && snb <= scap) snb += vd_compress(sbuf + snb, in, e); \
      }                                                                                      \
      BIN_BYTES(bins, cnt);                                                                  \
    }                                                                                        \
    size_t below = 0, nan = vdc_sum(cn);                                                     \
    for (size_t i = 0; i < K; i++) b[i].lt_lo += (below += bins[i]) - nan;                   \
    sh->nbuf = snb;                                                                          \
    *nanc = cn;                                                                              \
  }
#define SEL_HAVE_BINS 1
#define SEL_RUN_BINS(T, FAST) sel_bins_##T(x, nvec, mode, c, b, K, sh, FAST, &cn)
#else
#define SEL_BINS(T)
#define SEL_HAVE_BINS 0
#define SEL_RUN_BINS(T, FAST) (void)0
#endif

#ifdef SK_VF_HAVE_KEYS
/* The planner widens fast brackets to whole float roundings (sk_key_floor/ceil, kernels.h);
 * keys are exact for these K brackets if that held (sorted disjoint brackets made of whole
 * roundings have disjoint float pivots too). */
static int keys_exact(const sk_bracket *b, size_t K) {
  for (size_t i = 0; i < K; i++)
    if (sk_key_floor(b[i].lo) != b[i].lo || sk_key_ceil(b[i].hi) != b[i].hi) return 0;
  return 1;
}
/* Bin g's bracket (g - 1) lo or hi as a float key, for each bin g; bin 0 and bins past K: NaN. */
static inline vf keys_table(const sk_bracket *b, size_t K, int hi) {
  float t[SK_VF_N];
  for (size_t i = 0; i < SK_VF_N; i++)
    t[i] = i && i <= K ? (float)(hi ? b[i - 1].hi : b[i - 1].lo) : __builtin_nanf("");
  return vf_loadu(t);
}
/* The float keys of the K <= 7 brackets' lo, NaN past K (no key is above a NaN pivot). */
static inline void key_los(const sk_bracket *b, size_t K, vf lk[7]) {
  for (size_t i = 0; i < 7; i++) lk[i] = vf_set1(i < K ? (float)b[i].lo : __builtin_nanf(""));
}
/* A key's bin g = #(lo[i] <= key): seven compares summed as a tree. The binary search of
 * sel_bins (lookups of lo[3], lo[g+1], lo[g]) is one chain of ~27 cycles per vector; this was
 * 1.06-1.09x faster in the pass and 1.02-1.03x in the deal, for 5 more operations. */
static inline vfc key_bin(vf k, const vf lk[7]) {
  vfc s0 = vfc_plus(vfc_of(vf_le(lk[0], k)), vfc_of(vf_le(lk[1], k)));
  vfc s1 = vfc_plus(vfc_of(vf_le(lk[2], k)), vfc_of(vf_le(lk[3], k)));
  vfc s2 = vfc_plus(vfc_of(vf_le(lk[4], k)), vfc_of(vf_le(lk[5], k)));
  return vfc_neg(vfc_plus(vfc_plus(s0, s1), vfc_plus(s2, vfc_of(vf_le(lk[6], k)))));
}
/* Adds the byte counters of vfc_bin2 (bins 0-3 in lo, 4-7 in hi) to acc[0..8). */
#define BIN_BYTES2(acc, lo, hi)                                                              \
  do {                                                                                       \
    uint32_t l_[SK_VF_N], h_[SK_VF_N];                                                       \
    vfc_lanes(l_, lo), vfc_lanes(h_, hi);                                                    \
    for (size_t j_ = 0; j_ < SK_VF_N; j_++)                                                  \
      for (size_t k_ = 0; k_ < 4; k_++)                                                      \
        acc[k_] += l_[j_] >> (8 * k_) & 255, acc[k_ + 4] += h_[j_] >> (8 * k_) & 255;        \
  } while (0)
/* sel_bins on float keys, 8 per vector (two of the layer's double vectors; nvec of those, even):
 * a key is below a widened pivot exactly when the value is, so the counts and the values
 * appended are those of the double compares, at ~33 vector operations per 8 values instead of
 * ~36 per 4. The double values are what the buffer receives. */
#define SEL_KEYS(T)                                                                          \
  static void sel_keys_##T(const T *x, size_t nvec, int mode, vd c, sk_bracket *b, size_t K, \
                           sk_bracket *sh, const int FAST, size_t *nan) {                    \
    vf his = keys_table(b, K, 1), lk[7];                                                  \
    key_los(b, K, lk);                                                                       \
    size_t bins[8] = {0}, nn = 0;                                                            \
    double *sbuf = sh->buf;                                                                  \
    size_t snb = sh->nbuf, scap = sh->cap;                                                   \
    for (size_t v0 = 0; v0 < nvec; v0 += 510) { /* 255 pairs fill a byte counter */         \
      size_t v1 = nvec - v0 < 510 ? nvec : v0 + 510;                                         \
      vfc clo = vfc_zero(), chi = vfc_zero(), cn = vfc_zero();                               \
      for (size_t v = v0; v < v1; v += 2) {                                                  \
        const T *p = x + v * SK_VD_N;                                                        \
        SK_PREFETCH(p);                                                                      \
        vd e0 = transform(SK_LD(p), mode, c), e1 = transform(SK_LD(p + SK_VD_N), mode, c);   \
        vf k = vf_keys(e0, e1);                                                              \
        cn = vfc_add(cn, vf_isnan(k));                                                       \
        vfc g = key_bin(k, lk);                                                              \
        vfc_bin2(&clo, &chi, g);                                                             \
        unsigned in = vfm_bits(vf_le(k, vf_lut8(his, g)));                                   \
        if ((FAST == 1 || in) && snb <= scap) {                                              \
          snb += vd_compress_bits(sbuf + snb, in & ((1u << SK_VD_N) - 1), e0);               \
          snb += vd_compress_bits(sbuf + snb, in >> SK_VD_N, e1);                            \
        }                                                                                    \
      }                                                                                      \
      uint32_t q[SK_VF_N];                                                                   \
      vfc_lanes(q, cn);                                                                      \
      for (size_t j = 0; j < SK_VF_N; j++) nn += q[j];                                       \
      BIN_BYTES2(bins, clo, chi);                                                            \
    }                                                                                        \
    size_t below = 0;                                                                        \
    for (size_t i = 0; i < K; i++) b[i].lt_lo += (below += bins[i]) - nn;                    \
    sh->nbuf = snb;                                                                          \
    *nan += nn;                                                                              \
  }
#define SEL_HAVE_KEYS 1
_Static_assert(2 * SK_VD_N <= SK_SEL_SLACK, "the key pass stores two vectors after one cap check");
#ifndef SK_VD_HAVE_LUT8
#define SK_DEAL_KEYS 1 /* sel_deal on keys where the layer has no 8-lane double lookups */
#endif
#else
#define SEL_KEYS(T)
#define SEL_HAVE_KEYS 0
#define sel_keys_float(...) (void)0
#define sel_keys_double(...) (void)0
#define keys_exact(b, K) 0
#endif

/* K brackets, K and FAST constants after inlining, so the counters live in registers.
 * Robust (FAST 0): four counts per bracket, open-interval values to each bracket's buffer.
 * Fast (FAST 1): #(v < lo) per bracket, and values in any closed [lo, hi] to one shared buffer;
 * FAST 2 is the same for narrow brackets, where a vector rarely holds an inside value: a
 * predictable branch skips the compress (the port-5 bottleneck) most of the time. */
#define SEL_BODY(T)                                                                          \
  SEL_BINS(T)                                                                                \
  SEL_KEYS(T)                                                                                \
  static inline __attribute__((always_inline)) void sel_run_##T(                            \
      const T *x, size_t nvec, int mode, vd c, sk_bracket *b, const size_t K,               \
      sk_bracket *sh, const int FAST, vdc *nanc) {                                           \
    vd lo[SK_SEL_MAXB], hi[SK_SEL_MAXB];                                                     \
    vdc c1[SK_SEL_MAXB], c2[SK_SEL_MAXB], c3[SK_SEL_MAXB], c4[SK_SEL_MAXB];                  \
    vdc cn = vdc_zero();                                                                     \
    double *buf[SK_SEL_MAXB];                                                                \
    size_t nbuf[SK_SEL_MAXB], cap[SK_SEL_MAXB];                                              \
    for (size_t i = 0; i < K; i++) {                                                         \
      lo[i] = vd_set1(b[i].lo), hi[i] = vd_set1(b[i].hi);                                    \
      buf[i] = b[i].buf, nbuf[i] = b[i].nbuf, cap[i] = b[i].cap;                             \
      c1[i] = c2[i] = c3[i] = c4[i] = vdc_zero();                                            \
    }                                                                                        \
    double *sbuf = FAST ? sh->buf : NULL;                                                    \
    size_t snb = FAST ? sh->nbuf : 0, scap = FAST ? sh->cap : 0;                             \
    for (size_t v = 0; v < nvec; v++) {                                                      \
      SK_PREFETCH(x + v * SK_VD_N);                                                          \
      vd e = transform(SK_LD(x + v * SK_VD_N), mode, c);                                     \
      cn = vdc_add(cn, vd_isnan(e));                                                         \
      if (FAST) {                                                                            \
        /* brackets are sorted and disjoint, so (v < lo[i]) holds from some i on: raising    \
         * the hi from the bottom while v >= lo[i] leaves each lane the hi of the last bracket \
         * starting at or below it (each hi is above the ones before: vd_blend_up), and one   \
         * compare with that says whether it is inside any bracket */                        \
        vdm lt0 = vd_lt(e, lo[0]);                                                           \
        c1[0] = vdc_add(c1[0], lt0);                                                         \
        vd hs = hi[0];                                                                       \
        for (size_t i = 1; i < K; i++) {                                                     \
          vdm lt = vd_lt(e, lo[i]);                                                          \
          c1[i] = vdc_add(c1[i], lt);                                                        \
          hs = vd_blend_up(lt, hs, hi[i]);                                                   \
        }                                                                                    \
        vdm in = vdm_andnot(lt0, vd_le(e, hs));                                              \
        if ((FAST == 1 || vdm_any(in)) && snb <= scap) snb += vd_compress(sbuf + snb, in, e); \
        continue;                                                                            \
      }                                                                                      \
      for (size_t i = 0; i < K; i++) {                                                       \
        vdm le_lo = vd_le(e, lo[i]), lt_hi = vd_lt(e, hi[i]);                                \
        c1[i] = vdc_add(c1[i], vd_lt(e, lo[i]));                                             \
        c2[i] = vdc_add(c2[i], le_lo);                                                       \
        c3[i] = vdc_add(c3[i], lt_hi);                                                       \
        c4[i] = vdc_add(c4[i], vd_le(e, hi[i]));                                             \
        if (nbuf[i] <= cap[i])                                                               \
          nbuf[i] += vd_compress(buf[i] + nbuf[i], vdm_andnot(le_lo, lt_hi), e);             \
      }                                                                                      \
    }                                                                                        \
    for (size_t i = 0; i < K; i++) {                                                         \
      b[i].lt_lo += vdc_sum(c1[i]);                                                          \
      if (FAST) continue;                                                                    \
      b[i].le_lo += vdc_sum(c2[i]), b[i].lt_hi += vdc_sum(c3[i]), b[i].le_hi += vdc_sum(c4[i]); \
      b[i].nbuf = nbuf[i];                                                                   \
    }                                                                                        \
    if (FAST) sh->nbuf = snb;                                                                \
    *nanc = cn;                                                                              \
  }                                                                                          \
  static void sel_any_##T(const T *x, size_t nvec, int mode, vd c, sk_bracket *b, size_t K, \
                          sk_bracket *sh, size_t *nan) {                                     \
    vdc cn;                                                                                  \
    /* rare: the shared buffer was sized for under 1/16 of the values */                    \
    int f = sh ? (sh->cap < nvec * SK_VD_N / 16 ? 2 : 1) : 0;                                 \
    if (SEL_HAVE_KEYS && f && K >= 5 && K <= 7 && nvec >= 2 && keys_exact(b, K)) {           \
      if (f == 2) sel_keys_##T(x, nvec & ~(size_t)1, mode, c, b, K, sh, 2, nan);             \
      else sel_keys_##T(x, nvec & ~(size_t)1, mode, c, b, K, sh, 1, nan);                    \
      if (!(nvec & 1)) return;                                                               \
      x += (nvec - 1) * SK_VD_N, nvec = 1; /* the odd vector: below */                      \
    }                                                                                        \
    if (SEL_HAVE_BINS && f && K >= 5 && K <= 7) {                                            \
      if (f == 2) SEL_RUN_BINS(T, 2);                                                        \
      else SEL_RUN_BINS(T, 1);                                                               \
      *nan += vdc_sum(cn);                                                                   \
      return;                                                                                \
    }                                                                                        \
    switch (K * 3 + f) {                                                                     \
    case 3: sel_run_##T(x, nvec, mode, c, b, 1, sh, 0, &cn); break;                          \
    case 4: sel_run_##T(x, nvec, mode, c, b, 1, sh, 1, &cn); break;                          \
    case 5: sel_run_##T(x, nvec, mode, c, b, 1, sh, 2, &cn); break;                          \
    case 6: sel_run_##T(x, nvec, mode, c, b, 2, sh, 0, &cn); break;                          \
    case 7: sel_run_##T(x, nvec, mode, c, b, 2, sh, 1, &cn); break;                          \
    case 8: sel_run_##T(x, nvec, mode, c, b, 2, sh, 2, &cn); break;                          \
    case 9: sel_run_##T(x, nvec, mode, c, b, 3, sh, 0, &cn); break;                          \
    case 10: sel_run_##T(x, nvec, mode, c, b, 3, sh, 1, &cn); break;                         \
    case 11: sel_run_##T(x, nvec, mode, c, b, 3, sh, 2, &cn); break;                         \
    case 12: sel_run_##T(x, nvec, mode, c, b, 4, sh, 0, &cn); break;                         \
    case 13: sel_run_##T(x, nvec, mode, c, b, 4, sh, 1, &cn); break;                         \
    case 14: sel_run_##T(x, nvec, mode, c, b, 4, sh, 2, &cn); break;                         \
    /* seven quantiles (a common set: 1, 5, 25, 50, 75, 95, 99 %) without an eighth, padding \
     * bracket: 1/8 less work per value in the compute-bound fast pass */                   \
    case 22: sel_run_##T(x, nvec, mode, c, b, 7, sh, 1, &cn); break;                         \
    case 23: sel_run_##T(x, nvec, mode, c, b, 7, sh, 2, &cn); break;                         \
    default: /* padded to SK_SEL_MAXB */                                                     \
      if (f == 2) sel_run_##T(x, nvec, mode, c, b, SK_SEL_MAXB, sh, 2, &cn);                 \
      else if (f) sel_run_##T(x, nvec, mode, c, b, SK_SEL_MAXB, sh, 1, &cn);                 \
      else sel_run_##T(x, nvec, mode, c, b, SK_SEL_MAXB, sh, 0, &cn);                        \
      break;                                                                                 \
    }                                                                                        \
    *nan += vdc_sum(cn);                                                                     \
  }                                                                                          \
  /* Whole vectors in place; a strided run or the tail through a chunk padded with NaN (which \
   * no compare counts; the pad is taken off the NaN count). */                              \
  static void sel_pass_##T(const T *x, size_t n, size_t stride, int mode, double center,    \
                           sk_bracket *b, size_t nb, sk_bracket *sh, size_t *nan) {          \
    sk_bracket pad[SK_SEL_MAXB];                                                             \
    /* pad with empty brackets [+Inf, last hi] above every value, so the sorted order the   \
     * fast pass relies on still holds. A pad's hi is the last real one: the fast pass gives  \
     * +Inf the hi of the last bracket it reaches, a pad's, and +Inf is inside exactly when   \
     * the last real bracket is closed at +Inf (the robust pass never buffers a pad's value:  \
     * nothing is above +Inf). The fast pass takes 7 as they are, and 5-7 where it counts    \
     * bins. */                                                                              \
    if (nb > 4 && nb < SK_SEL_MAXB && !(sh && (nb == 7 || SEL_HAVE_BINS))) {                \
      memcpy(pad, b, nb * sizeof *b);                                                        \
      for (size_t i = nb; i < SK_SEL_MAXB; i++)                                              \
        pad[i] = (sk_bracket){.lo = __builtin_inf(), .hi = b[nb - 1].hi, .nbuf = 1};       \
      sel_pass_##T(x, n, stride, mode, center, pad, SK_SEL_MAXB, sh, nan);                   \
      memcpy(b, pad, nb * sizeof *b);                                                        \
      return;                                                                                \
    }                                                                                        \
    vd c = vd_set1(center);                                                                  \
    size_t i = 0;                                                                            \
    if (stride == 1) {                                                                       \
      i = n / SK_VD_N * SK_VD_N;                                                             \
      sel_any_##T(x, n / SK_VD_N, mode, c, b, nb, sh, nan);                                  \
    }                                                                                        \
    T chunk[SK_SEL_CHUNK];                                                                   \
    while (i < n) {                                                                          \
      size_t m = n - i < SK_SEL_CHUNK ? n - i : SK_SEL_CHUNK, mv = (m + SK_VD_N - 1) / SK_VD_N; \
      for (size_t j = 0; j < m; j++) chunk[j] = x[(i + j) * stride];                         \
      for (size_t j = m; j < mv * SK_VD_N; j++) chunk[j] = (T)__builtin_nan("");             \
      sel_any_##T(chunk, mv, mode, c, b, nb, sh, nan);                                       \
      *nan -= mv * SK_VD_N - m;                                                              \
      i += m;                                                                                \
    }                                                                                        \
  }

/* Staged rows with values inside their column's bracket: each set lane is appended to its
 * column's buffer (counted past cap too, so the caller sees an overflow). */
#define SK_COL_STAGE 64
static void col_flush(const double *stage, const unsigned *bits, size_t ns, sk_bracket *b) {
  for (size_t i = 0; i < ns; i++)
    for (unsigned m = bits[i]; m; m &= m - 1) {
      int l = __builtin_ctz(m);
      if (b[l].nbuf < b[l].cap) b[l].buf[b[l].nbuf] = stage[i * SK_VD_N + l];
      b[l].nbuf++;
    }
}

/* Columns as lanes: each vector is SK_VD_N neighbouring columns of one row, each lane holding its
 * column's pivots and counters; values inside a bracket (rare) are staged and appended lane by
 * lane. Lanes past the last column never count or stage (NaN pivots).
 * The matrix is read in order: a chunk of rows (L1-sized) goes through every column group
 * before the next chunk, the groups' counters parked on the stack in between, and each step
 * prefetches its own slice one chunk ahead. Sweeping each column group over a whole L2 block
 * instead left memory idle while the later groups ran from cache, and its prefetches of the
 * next block competed with those cache reads (1e6 x 50 f64 ran at about the sum of both). */
#define COL_SUPER 16          /* column groups one sweep carries */
#define COL_CHUNK_BYTES 12288 /* rows per chunk: about this many bytes of the sweep's columns */
typedef struct {
  vd lo, hi, c;
  vdc c1, c2, c3, c4, cn;
} col_state;
#define COL_BODY(T)                                                                           \
  static void col_pass_##T(const T *x, size_t rows, size_t cols, size_t ldx, int mode,       \
                           const double *center, sk_bracket *b, size_t *nan) {               \
    for (size_t g0 = 0; g0 < cols; g0 += COL_SUPER * SK_VD_N) {                             \
      size_t gc = cols - g0 < COL_SUPER * SK_VD_N ? cols - g0 : COL_SUPER * SK_VD_N;        \
      size_t ng = (gc + SK_VD_N - 1) / SK_VD_N;                                              \
      size_t ch = COL_CHUNK_BYTES / (gc * sizeof(T));                                       \
      ch = ch < 1 ? 1 : ch > SK_COL_STAGE ? SK_COL_STAGE : ch;                              \
      const size_t ahead = ch * ldx * sizeof(T); /* bytes: the same slice one chunk on */    \
      col_state st[COL_SUPER];                                                               \
      for (size_t g = 0; g < ng; g++) {                                                      \
        size_t j0 = g0 + g * SK_VD_N, w = cols - j0 < SK_VD_N ? cols - j0 : SK_VD_N;        \
        double lo_[SK_VD_N], hi_[SK_VD_N], c_[SK_VD_N];                                      \
        for (size_t l = 0; l < SK_VD_N; l++) {                                               \
          lo_[l] = l < w ? b[j0 + l].lo : __builtin_nan("");                                \
          hi_[l] = l < w ? b[j0 + l].hi : __builtin_nan("");                                \
          c_[l] = l < w && center ? center[j0 + l] : 0;                                     \
        }                                                                                    \
        st[g].lo = vd_loadu(lo_), st[g].hi = vd_loadu(hi_), st[g].c = vd_loadu(c_);          \
        st[g].c1 = st[g].c2 = st[g].c3 = st[g].c4 = st[g].cn = vdc_zero();                   \
      }                                                                                      \
      for (size_t r0 = 0; r0 < rows; r0 += ch) {                                            \
        size_t r1 = rows - r0 < ch ? rows : r0 + ch;                                        \
        for (size_t g = 0; g < ng; g++) {                                                    \
          size_t j0 = g0 + g * SK_VD_N, w = cols - j0 < SK_VD_N ? cols - j0 : SK_VD_N;      \
          vd lo = st[g].lo, hi = st[g].hi, c = st[g].c;                                      \
          vdc c1 = st[g].c1, c2 = st[g].c2, c3 = st[g].c3, c4 = st[g].c4, cn = st[g].cn;     \
          double stage[SK_COL_STAGE * SK_VD_N];                                              \
          unsigned sbits[SK_COL_STAGE];                                                      \
          size_t ns = 0;                                                                     \
          for (size_t r = r0; r < r1; r++) {                                                 \
            const T *p = x + r * ldx + j0;                                                  \
            __builtin_prefetch((const char *)p + ahead, 0, 3); /* past the end: harmless */  \
            vd e = transform(w == SK_VD_N ? SK_LD(p) : SK_LDN(p, w), mode, c);              \
            vdm le_lo = vd_le(e, lo), lt_hi = vd_lt(e, hi);                                  \
            cn = vdc_add(cn, vd_isnan(e));                                                   \
            c1 = vdc_add(c1, vd_lt(e, lo)), c2 = vdc_add(c2, le_lo);                         \
            c3 = vdc_add(c3, lt_hi), c4 = vdc_add(c4, vd_le(e, hi));                         \
            /* every row is staged, but the slot only advances when a lane is inside: no    \
             * branch on data (a few % of the rows, unpredictable) in the streaming loop */  \
            unsigned in = vdm_bits(vdm_andnot(le_lo, lt_hi));                                \
            vd_storeu(stage + ns * SK_VD_N, e);                                              \
            sbits[ns] = in;                                                                  \
            ns += in != 0;                                                                   \
          }                                                                                  \
          col_flush(stage, sbits, ns, b + j0);                                               \
          st[g].c1 = c1, st[g].c2 = c2, st[g].c3 = c3, st[g].c4 = c4, st[g].cn = cn;         \
        }                                                                                    \
      }                                                                                      \
      for (size_t g = 0; g < ng; g++) {                                                      \
        size_t j0 = g0 + g * SK_VD_N, w = cols - j0 < SK_VD_N ? cols - j0 : SK_VD_N;        \
        uint64_t k1[SK_VD_N], k2[SK_VD_N], k3[SK_VD_N], k4[SK_VD_N], kn[SK_VD_N];            \
        vdc_lanes(k1, st[g].c1), vdc_lanes(k2, st[g].c2), vdc_lanes(k3, st[g].c3);            \
        vdc_lanes(k4, st[g].c4), vdc_lanes(kn, st[g].cn);                                    \
        for (size_t l = 0; l < w; l++) {                                                     \
          sk_bracket *bb = &b[j0 + l];                                                       \
          bb->lt_lo += k1[l], bb->le_lo += k2[l], bb->lt_hi += k3[l], bb->le_hi += k4[l];     \
          nan[j0 + l] += kn[l];                                                              \
        }                                                                                    \
      }                                                                                      \
    }                                                                                        \
  }

SEL_BODY(float)
SEL_BODY(double)
COL_BODY(float)
COL_BODY(double)

void SK_FN(col_sel_pass_f32)(const float *x, size_t rows, size_t cols, size_t ldx, int mode,
                             const double *center, sk_bracket *b, size_t *nan) {
  col_pass_float(x, rows, cols, ldx, mode, center, b, nan);
}
void SK_FN(col_sel_pass_f64)(const double *x, size_t rows, size_t cols, size_t ldx, int mode,
                             const double *center, sk_bracket *b, size_t *nan) {
  col_pass_double(x, rows, cols, ldx, mode, center, b, nan);
}

void SK_FN(sel_pass_f32)(const float *x, size_t n, size_t stride, int mode, double center,
                         sk_bracket *b, size_t nb, size_t *nan) {
  sel_pass_float(x, n, stride, mode, center, b, nb, NULL, nan);
}
void SK_FN(sel_pass_f64)(const double *x, size_t n, size_t stride, int mode, double center,
                         sk_bracket *b, size_t nb, size_t *nan) {
  sel_pass_double(x, n, stride, mode, center, b, nb, NULL, nan);
}
void SK_FN(sel_fast_f32)(const float *x, size_t n, size_t stride, int mode, double center,
                         sk_bracket *b, size_t nb, sk_bracket *shared, size_t *nan) {
  sel_pass_float(x, n, stride, mode, center, b, nb, shared, nan);
}
void SK_FN(sel_fast_f64)(const double *x, size_t n, size_t stride, int mode, double center,
                         sk_bracket *b, size_t nb, sk_bracket *shared, size_t *nan) {
  sel_pass_double(x, n, stride, mode, center, b, nb, shared, nan);
}

#ifdef SK_VD_HAVE_LUT8
/* The fast pass's shared buffer dealt to its brackets (dispatch/select.c, complete_fast): each
 * value's bin g by the same search as sel_bins, then one lookup each for its bracket's lo and hi;
 * the three counts per bracket are byte counters per bin, and a value strictly inside goes to
 * its bracket's buffer from a scalar loop over the lanes (one compress per bracket measured
 * 0.97x end to end). The robust pass it replaces ran K brackets' four compares and a
 * compress for every value: ~60 cycles per vector at K = 7. */
void SK_FN(sel_deal)(const double *x, size_t n, sk_bracket *b, size_t nb) {
  size_t eq[8] = {0}, lt[8] = {0}, le[8] = {0}, cnt[8], cap[8];
  double *dst[8], dummy[1]; /* by bin: bracket g - 1's buffer; bin 0 never appends */
  for (size_t g = 0; g < 8; g++) {
    int real = g && g <= nb;
    dst[g] = real ? b[g - 1].buf : dummy, cnt[g] = real ? b[g - 1].nbuf : 0;
    cap[g] = real ? b[g - 1].cap : 0;
  }
  vd lo0, lo1, lo3, los = bin_bracket_table(b, nb, 0), his = bin_bracket_table(b, nb, 1);
  bin_tables(b, nb, &lo0, &lo1, &lo3);
  double chunk[SK_VD_N];
  for (size_t v0 = 0; v0 < n; v0 += 255 * SK_VD_N) { /* 255 vectors fill a byte counter */
    size_t v1 = n - v0 < 255 * SK_VD_N ? n : v0 + 255 * SK_VD_N;
    vdc ceq = vdc_zero(), clt = vdc_zero(), cle = vdc_zero();
    for (size_t v = v0; v < v1; v += SK_VD_N) {
      const double *p = x + v;
      if (v1 - v < SK_VD_N) { /* the tail, padded with NaN: bin 0, in no count */
        for (size_t j = 0; j < SK_VD_N; j++) chunk[j] = j < v1 - v ? p[j] : __builtin_nan("");
        p = chunk;
      }
      vd e = vd_loadu(p);
      vdc g = bin_of(e, lo0, lo1, lo3), bit = vdc_bin_bits(g);
      vd lo = vd_lut8(los, g), hi = vd_lut8(his, g);
      vdm m_eq = vd_eq(e, lo), m_lt = vd_lt(e, hi), in = vdm_andnot(m_eq, m_lt);
      ceq = vdc_add_if(ceq, m_eq, bit);
      clt = vdc_add_if(clt, m_lt, bit);
      cle = vdc_add_if(cle, vd_le(e, hi), bit);
      uint64_t gl[SK_VD_N];
      double el[SK_VD_N];
      unsigned bits = vdm_bits(in);
      vdc_lanes(gl, g);
      vd_storeu(el, e);
      for (size_t j = 0; j < SK_VD_N; j++) { /* each lane to its bracket (past cap: full) */
        size_t k = (size_t)gl[j];
        if (cnt[k] <= cap[k]) dst[k][cnt[k]] = el[j], cnt[k] += bits >> j & 1;
      }
    }
    BIN_BYTES(eq, ceq);
    BIN_BYTES(lt, clt);
    BIN_BYTES(le, cle);
  }
  for (size_t i = 0; i < nb; i++) {
    b[i].lt_lo = 0, b[i].le_lo = eq[i + 1], b[i].lt_hi = lt[i + 1], b[i].le_hi = le[i + 1];
    b[i].nbuf = cnt[i + 1];
  }
}
#endif

#ifdef SK_DEAL_KEYS
/* The deal on float keys (AVX2, brackets of whole float roundings): each value's bin as in
 * sel_keys, 8 at a time, then a scalar loop over the lanes appends it to its bracket.
 * Every value here is inside its bracket, so #(v <= hi) is the bracket's total (byte counters
 * per bin), and a key strictly between its bracket's pivot keys is strictly inside: only the
 * rare vectors with a key equal to one go through the lane loop that compares with the pivots.
 * Other brackets take the robust pass. */
void SK_FN(sel_deal)(const double *x, size_t n, sk_bracket *b, size_t nb) {
  if (!keys_exact(b, nb)) { /* the robust pass, its counts made relative to lo */
    size_t nan = 0;
    sel_pass_double(x, n, 1, SK_SEL_RAW, 0, b, nb, NULL, &nan);
    for (size_t i = 0; i < nb; i++)
      b[i].le_lo -= b[i].lt_lo, b[i].lt_hi -= b[i].lt_lo, b[i].le_hi -= b[i].lt_lo, b[i].lt_lo = 0;
    return;
  }
  double lo[8], hi[8], dummy[1], *dst[8]; /* by bin: bracket g - 1; bin 0 (NaN pad) appends nothing */
  size_t cnt[8], cap[8], tot[8] = {0}, eqlo[8] = {0}, eqhi[8] = {0}, v0 = 0;
  for (size_t g = 0; g < 8; g++) {
    int real = g && g <= nb;
    lo[g] = real ? b[g - 1].lo : __builtin_nan(""), hi[g] = real ? b[g - 1].hi : __builtin_nan("");
    dst[g] = real ? b[g - 1].buf : dummy, cnt[g] = real ? b[g - 1].nbuf : 0, cap[g] = real ? b[g - 1].cap : 0;
  }
  vf lk[7], los = keys_table(b, nb, 0), his = keys_table(b, nb, 1);
  key_los(b, nb, lk);
  double el[2 * SK_VD_N];
  vfc clo = vfc_zero(), chi = vfc_zero();
  for (size_t v = 0; v < n; v += 2 * SK_VD_N) {
    if (v - v0 == 255 * 2 * SK_VD_N) { /* 255 vectors fill a byte counter */
      BIN_BYTES2(tot, clo, chi);
      clo = chi = vfc_zero(), v0 = v;
    }
    const double *p = x + v;
    if (n - v < 2 * SK_VD_N) { /* the tail, padded with NaN */
      for (size_t j = 0; j < 2 * SK_VD_N; j++) el[j] = j < n - v ? p[j] : __builtin_nan("");
      p = el;
    }
    vd e0 = vd_loadu(p), e1 = vd_loadu(p + SK_VD_N);
    vf k = vf_keys(e0, e1);
    vfc g = key_bin(k, lk);
    vfc_bin2(&clo, &chi, g);
    unsigned eq = vfm_bits(vf_eq(k, vf_lut8(los, g))) | vfm_bits(vf_eq(k, vf_lut8(his, g)));
    uint32_t gl[2 * SK_VD_N];
    vfc_lanes(gl, g);
    vd_storeu(el, e0), vd_storeu(el + SK_VD_N, e1);
    if (!eq) {
      for (size_t j = 0; j < 2 * SK_VD_N; j++) {
        size_t q = gl[j];
        if (cnt[q] <= cap[q]) dst[q][cnt[q]] = el[j];
        cnt[q]++; /* bin 0 (NaN pad): never read */
      }
      continue;
    }
    for (size_t j = 0; j < 2 * SK_VD_N; j++) {
      size_t q = gl[j];
      double e = el[j];
      if (cnt[q] <= cap[q]) dst[q][cnt[q]] = e;
      cnt[q] += (e > lo[q]) & (e < hi[q]);
      eqlo[q] += e == lo[q], eqhi[q] += e == hi[q];
    }
  }
  BIN_BYTES2(tot, clo, chi);
  for (size_t i = 0; i < nb; i++) {
    b[i].lt_lo = 0, b[i].le_lo = eqlo[i + 1], b[i].lt_hi = tot[i + 1] - eqhi[i + 1];
    b[i].le_hi = tot[i + 1], b[i].nbuf = cnt[i + 1];
  }
}
#endif

/* Two compares and two compressing stores per vector; the tail goes through a NaN-padded chunk
 * (NaN is neither < p nor > p, so the pad lanes land nowhere). */
void SK_FN(sel_split)(const double *a, size_t n, double p, double *lt, double *gt, size_t cnt[2]) {
  vd pv = vd_set1(p);
  size_t nl = 0, ng = 0, i = 0;
  for (; i + SK_VD_N <= n; i += SK_VD_N) {
    vd e = vd_loadu(a + i);
    nl += vd_compress(lt + nl, vd_lt(e, pv), e);
    ng += vd_compress(gt + ng, vd_gt(e, pv), e);
  }
  if (i < n) {
    double t[SK_VD_N];
    for (size_t j = 0; j < SK_VD_N; j++) t[j] = i + j < n ? a[i + j] : __builtin_nan("");
    vd e = vd_loadu(t);
    nl += vd_compress(lt + nl, vd_lt(e, pv), e);
    ng += vd_compress(gt + ng, vd_gt(e, pv), e);
  }
  cnt[0] = nl, cnt[1] = ng;
}
