/* 1-D statistics kernels, written once against the vector layer, compiled once per ISA. f32 data
 * is widened to f64 lanes on load (exact), so one body serves both element types. Contiguous
 * data (stride 1) runs in vectors; strided data in scalar code (strided loads beat gathers). */
#include <math.h>

#include "kernels.h"
#include "simd/simd.h"
#include "protos.h"

static const double iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

/* Index of the smallest (largest) element, first occurrence. NaN: with `propagate` the first NaN
 * is the answer (numpy argmin); otherwise NaN is skipped (nanargmin) and SK_NO_INDEX means no
 * number at all. Lanes keep their own best value and index (indices are exact in f64 lanes);
 * comparisons are strict, so each lane keeps its first occurrence, and the lane reduction takes
 * the lowest index among equal values. */
#define DEFINE_ARGBEST(T, S)                                                                   \
  size_t SK_FN(argbest1d_##S)(const T *x, size_t n, size_t stride, int largest, int propagate) { \
    const double start = largest ? -INFINITY : INFINITY;                                       \
    double bv = start;                                                                         \
    size_t bi = SK_NO_INDEX, i = 0;                                                            \
    if (stride == 1 && n >= SK_VD_N) {                                                         \
      vd best = vd_set1(start), bidx = vd_set1(-1.0), vi = vd_loadu(iota),                     \
         step = vd_set1((double)SK_VD_N);                                                      \
      for (; i + SK_VD_N <= n; i += SK_VD_N) {                                                 \
        SK_PREFETCH(x + i);                                                                    \
        vd v = SK_LD(x + i);                                                                   \
        if (propagate && vdm_any(vd_isnan(v))) {                                               \
          for (size_t j = i;; j++)                                                             \
            if (x[j] != x[j]) return j; /* earlier vectors had none: the first NaN */         \
        }                                                                                      \
        vdm m = largest ? vd_gt(v, best) : vd_lt(v, best);                                     \
        best = vd_blend(m, v, best);                                                           \
        bidx = vd_blend(m, vi, bidx);                                                          \
        vi = vd_add(vi, step);                                                                 \
      }                                                                                        \
      double lv[SK_VD_N], li[SK_VD_N];                                                         \
      vd_storeu(lv, best);                                                                     \
      vd_storeu(li, bidx);                                                                     \
      for (int l = 0; l < SK_VD_N; l++) {                                                      \
        if (li[l] < 0) continue;                                                               \
        size_t idx = (size_t)li[l];                                                            \
        if (bi == SK_NO_INDEX || (largest ? lv[l] > bv : lv[l] < bv) || (lv[l] == bv && idx < bi)) { \
          bv = lv[l];                                                                          \
          bi = idx;                                                                            \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
    for (; i < n; i++) {                                                                       \
      double v = (double)x[i * stride];                                                        \
      if (v != v) {                                                                            \
        if (propagate) return i;                                                               \
        continue;                                                                              \
      }                                                                                        \
      if (largest ? v > bv : v < bv) {                                                         \
        bv = v;                                                                                \
        bi = i;                                                                                \
      }                                                                                        \
    }                                                                                          \
    if (bi == SK_NO_INDEX) /* nothing beat the start: every number is the start value (+-Inf) */ \
      for (i = 0; i < n; i++)                                                                  \
        if ((double)x[i * stride] == start) return i;                                          \
    return bi;                                                                                 \
  }

/* Count, mean and sum of squared deviations of the non-NaN elements, and whether a NaN was
 * seen. Shifted by the first number (no cancellation on offset data), then blocks of SK_BLOCK:
 * one pass for the block mean, a second (cache-hot) pass for the deviations, and Chan's merge
 * across blocks. */
#define SK_BLOCK 2048
#define DEFINE_MOMENTS(T, S)                                                                   \
  void SK_FN(moments_##S)(const T *x, size_t n, size_t stride, double out[3], int *saw_nan) {   \
    double shift = 0, N = 0, M = 0, M2 = 0;                                                    \
    size_t i0 = 0;                                                                             \
    *saw_nan = 0;                                                                              \
    while (i0 < n && x[i0 * stride] != x[i0 * stride]) i0++, *saw_nan = 1;                     \
    if (i0 < n) shift = (double)x[i0 * stride];                                                \
    for (size_t b = i0; b < n; b += SK_BLOCK) {                                                \
      size_t e = n - b < SK_BLOCK ? n : b + SK_BLOCK, i = b;                                   \
      double s = 0, c = 0, q = 0;                                                              \
      if (stride == 1) {                                                                       \
        /* 4 independent sums: one add chain would bound the pass by add latency */           \
        vd vs[4], vc[4], one = vd_set1(1.0), sh = vd_set1(shift), z = vd_zero();               \
        for (int u = 0; u < 4; u++) vs[u] = vc[u] = z;                                         \
        vdm nanv = vd_isnan(z);                                                                \
        for (size_t step = 4 * SK_VD_N, k = 0; k < 2; k++, step = SK_VD_N) /* 4 vectors, then 1 */ \
          for (; i + step <= e; i += step)                                                     \
            for (size_t u = 0; u < step / SK_VD_N; u++) {                                      \
              SK_PREFETCH(x + i + u * SK_VD_N);                                                \
              vd v = SK_LD(x + i + u * SK_VD_N);                                               \
              vdm nm = vd_isnan(v);                                                            \
              nanv = vdm_or(nanv, nm);                                                         \
              vs[u] = vd_add(vs[u], vd_blend(nm, z, vd_sub(v, sh)));                           \
              vc[u] = vd_add(vc[u], vd_blend(nm, z, one));                                     \
            }                                                                                  \
        s = vd_hsum(vd_add(vd_add(vs[0], vs[1]), vd_add(vs[2], vs[3])));                       \
        c = vd_hsum(vd_add(vd_add(vc[0], vc[1]), vd_add(vc[2], vc[3])));                       \
        *saw_nan |= vdm_any(nanv);                                                             \
      }                                                                                        \
      for (; i < e; i++) {                                                                     \
        double v = (double)x[i * stride];                                                      \
        if (v != v) { *saw_nan = 1; continue; }                                                \
        s += v - shift;                                                                        \
        c += 1;                                                                                \
      }                                                                                        \
      if (c == 0) continue;                                                                    \
      double mb = s / c;                                                                       \
      i = b;                                                                                   \
      if (stride == 1) {                                                                       \
        vd vq[4], sh = vd_set1(shift), vm = vd_set1(mb), z = vd_zero();                        \
        for (int u = 0; u < 4; u++) vq[u] = z;                                                 \
        for (size_t step = 4 * SK_VD_N, k = 0; k < 2; k++, step = SK_VD_N)                  \
          for (; i + step <= e; i += step)                                                     \
            for (size_t u = 0; u < step / SK_VD_N; u++) {                                      \
              /* keep memory busy: the next block, while this one is reread from L1 */         \
              __builtin_prefetch(x + i + u * SK_VD_N + SK_BLOCK, 0, 3);                        \
              vd v = SK_LD(x + i + u * SK_VD_N);                                               \
              vd d = vd_sub(vd_sub(v, sh), vm); /* x - shift is exact near the shift */        \
              vq[u] = vd_add(vq[u], vd_blend(vd_isnan(v), z, vd_mul(d, d)));                   \
            }                                                                                  \
        q = vd_hsum(vd_add(vd_add(vq[0], vq[1]), vd_add(vq[2], vq[3])));                       \
      }                                                                                        \
      for (; i < e; i++) {                                                                     \
        double v = (double)x[i * stride];                                                      \
        if (v != v) continue;                                                                  \
        double d = (v - shift) - mb;                                                           \
        q += d * d;                                                                            \
      }                                                                                        \
      double delta = mb - M, Nn = N + c;                                                       \
      M += delta * (c / Nn);                                                                   \
      M2 += q + delta * delta * (N * c / Nn);                                                  \
      N = Nn;                                                                                  \
    }                                                                                          \
    out[0] = N;                                                                                \
    out[1] = shift + M;                                                                        \
    out[2] = M2;                                                                               \
  }

/* Per-column count, mean and M2 of a row-major matrix, read in row order (never a column at a
 * time): the 1-D algorithm above with per-column shifts, block sums and Chan merges held in
 * arrays, R rows a block. w is scratch of 4 * cols doubles; nan[j] is set if column j had a NaN. */
#define DEFINE_COL_MOMENTS(T, S)                                                                  \
  static inline void col_pass_##S(const T *row, size_t cols, const double *sh, const double *mb, \
                                  double *acc, double *cnt, int second, int pf) {                 \
    size_t j = 0;                                                                                 \
    vd z = vd_zero(), one = vd_set1(1.0);                                                         \
    for (; j + SK_VD_N <= cols; j += SK_VD_N) {                                                   \
      if (pf) SK_PREFETCH(row + j);                                                               \
      vd v = SK_LD(row + j), d = vd_sub(v, vd_loadu(sh + j));                                     \
      vdm nm = vd_isnan(v);                                                                       \
      if (second) {                                                                               \
        d = vd_sub(d, vd_loadu(mb + j));                                                          \
        vd_storeu(acc + j, vd_add(vd_loadu(acc + j), vd_blend(nm, z, vd_mul(d, d))));             \
      } else {                                                                                    \
        vd_storeu(acc + j, vd_add(vd_loadu(acc + j), vd_blend(nm, z, d)));                        \
        vd_storeu(cnt + j, vd_add(vd_loadu(cnt + j), vd_blend(nm, z, one)));                      \
      }                                                                                           \
    }                                                                                             \
    for (; j < cols; j++) {                                                                       \
      double v = (double)row[j];                                                                  \
      if (v != v) continue;                                                                       \
      double d = v - sh[j];                                                                       \
      if (second) d -= mb[j], acc[j] += d * d;                                                    \
      else acc[j] += d, cnt[j] += 1;                                                              \
    }                                                                                             \
  }                                                                                               \
  void SK_FN(col_moments_##S)(const T *x, size_t rows, size_t cols, size_t ldx, size_t R, double *w, \
                              double *N, double *M, double *M2, unsigned char *nan) {             \
    double *sh = w, *bs = w + cols, *bc = w + 2 * cols, *bq = w + 3 * cols;                       \
    size_t pfb, pfa = sk_row_ahead(cols, ldx, sizeof(T), &pfb); /* long rows: per vector */   \
    for (size_t j = 0; j < cols; j++) {                                                           \
      size_t r = 0;                                                                               \
      nan[j] = 0;                                                                                 \
      while (r < rows && x[r * ldx + j] != x[r * ldx + j]) r++, nan[j] = 1;                       \
      sh[j] = r < rows ? (double)x[r * ldx + j] : 0.0;                                            \
      N[j] = M[j] = M2[j] = 0;                                                                    \
    }                                                                                             \
    for (size_t b = 0; b < rows; b += R) {                                                        \
      size_t e = rows - b < R ? rows : b + R;                                                     \
      for (size_t j = 0; j < cols; j++) bs[j] = bc[j] = bq[j] = 0;                                \
      for (size_t r = b; r < e; r++) { /* the second pass reads the block from cache */          \
        SK_PREFETCH_ROW(x + r * ldx, pfa, pfb);                                                   \
        col_pass_##S(x + r * ldx, cols, sh, bs, bs, bc, 0, !pfb);                                 \
      }                                                                                           \
      for (size_t j = 0; j < cols; j++) {                                                         \
        nan[j] |= bc[j] < (double)(e - b);                                                        \
        bs[j] = bc[j] > 0 ? bs[j] / bc[j] : 0.0; /* the block's shifted mean */                   \
      }                                                                                           \
      for (size_t r = b; r < e; r++) col_pass_##S(x + r * ldx, cols, sh, bs, bq, bc, 1, 0);       \
      for (size_t j = 0; j < cols; j++) {                                                         \
        double c = bc[j];                                                                         \
        if (c == 0) continue;                                                                     \
        double delta = bs[j] - M[j], Nn = N[j] + c;                                               \
        M[j] += delta * (c / Nn);                                                                 \
        M2[j] += bq[j] + delta * delta * (N[j] * c / Nn);                                         \
        N[j] = Nn;                                                                                \
      }                                                                                           \
    }                                                                                             \
    for (size_t j = 0; j < cols; j++) M[j] += sh[j];                                              \
  }

DEFINE_COL_MOMENTS(float, f32)
DEFINE_COL_MOMENTS(double, f64)
DEFINE_ARGBEST(float, f32)
DEFINE_ARGBEST(double, f64)
DEFINE_MOMENTS(float, f32)
DEFINE_MOMENTS(double, f64)

/* Per column of a row-major matrix, lanes = columns, read in row order: each lane keeps its best
 * value and row (strict compares keep the first occurrence) and, for `propagate`, the first row
 * holding a NaN. w: 3 * SK_COLPAD(cols) doubles, out as w[0..cols) = best row or -1 (nothing
 * beat the start value: all NaN or all +-Inf), w[pad..] = first NaN row or +Inf. Each group
 * prefetches its slice of the next row block: without that only the first group of a block read
 * memory, one strided line at a time (2x slower on an AVX2 Zen 3, 1e6 x 50 f64). */
#define DEFINE_COL_ARGBEST(T, S)                                                                  \
  void SK_FN(col_argbest_##S)(const T *x, size_t rows, size_t cols, size_t ldx, int largest,     \
                              int propagate, double *w) {                                         \
    size_t pad = SK_COLPAD(cols);                                                                 \
    double *bi = w, *ni = w + pad, *bv = w + 2 * pad;                                             \
    const double start = largest ? -INFINITY : INFINITY;                                          \
    for (size_t j = 0; j < pad; j++) bi[j] = -1, ni[j] = INFINITY, bv[j] = start;                 \
    size_t rb = cols ? 16384 / cols + 1 : 1; /* ~128 KiB row blocks stay in L2 across groups */   \
    vd inf = vd_set1(INFINITY), one = vd_set1(1.0);                                               \
    for (size_t r0 = 0; r0 < rows; r0 += rb) {                                                    \
      size_t r1 = rows - r0 < rb ? rows : r0 + rb;                                                \
      for (size_t j = 0; j < cols; j += SK_VD_N) {                                                \
        size_t m = cols - j < SK_VD_N ? cols - j : SK_VD_N;                                       \
        vd best = vd_loadu(bv + j), bidx = vd_loadu(bi + j), nidx = vd_loadu(ni + j);             \
        vd rv = vd_set1((double)r0);                                                              \
        for (size_t r = r0; r < r1; r++, rv = vd_add(rv, one)) {                                  \
          const T *p = x + r * ldx + j;                                                           \
          __builtin_prefetch(p + rb * ldx, 0, 3); /* this lane group, one row block ahead */      \
          vd v = m == SK_VD_N ? SK_LD(p) : SK_LDN(p, m);                                          \
          if (propagate) nidx = vd_min(nidx, vd_blend(vd_isnan(v), rv, inf));                    \
          vdm b = largest ? vd_gt(v, best) : vd_lt(v, best);                                      \
          best = vd_blend(b, v, best);                                                            \
          bidx = vd_blend(b, rv, bidx);                                                           \
        }                                                                                         \
        vd_storeu(bv + j, best), vd_storeu(bi + j, bidx), vd_storeu(ni + j, nidx);                \
      }                                                                                           \
    }                                                                                             \
  }
DEFINE_COL_ARGBEST(float, f32)
DEFINE_COL_ARGBEST(double, f64)
