/* Time-series kernels: AR(1) coefficient (1-D and per column), non-finite fill, lag matrix.
 * Written once against the vector layer and compiled once per ISA; f32 data is widened to f64
 * lanes on load (SK_LD), so one body serves both element types. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"
#include "simd/simd.h"
#include "protos.h"

/* finite <=> v - v == 0 (Inf - Inf and NaN - NaN are NaN); one compare, no libm */
static inline int kept(double v) { return v - v == 0; }
static inline vdm vd_nonfinite(vd v) { return vd_isnan(vd_sub(v, v)); }

/* ---- AR(1) -----------------------------------------------------------------------------------
 * The kept (finite) values y, shifted by a pivot (the first kept value: no cancellation on offset
 * data), are processed in blocks: pass 1 gives the block mean, pass 2 (cache-hot) sums around
 * it, and blocks merge Chan-style. Per stretch of the sequence, around centre c: n kept values,
 * np neighbour pairs (the first pair of a block may reach back to an earlier block), and over the
 * pairs A = sum e_t e_{t-1}, B = sum e_{t-1}^2, P = sum e_t, Q = sum e_{t-1}, with e = y - c.
 * Moving the centre is exact algebra, so after the last merge (centre = mean of everything)
 * phi = A / B directly: the two-pass estimate, with one read from memory. */
typedef struct { double n, c, np, A, B, P, Q; } ar1_sums;

static inline void ar1_recentre(ar1_sums *s, double c) { /* e -> e + d */
  double d = s->c - c, nd2 = s->np * d * d;
  s->A += d * (s->P + s->Q) + nd2;
  s->B += 2 * d * s->Q + nd2;
  s->P += s->np * d;
  s->Q += s->np * d;
  s->c = c;
}
static inline void ar1_merge(ar1_sums *g, ar1_sums b) {
  if (b.n == 0) return; /* no kept value, hence no pair */
  double n = g->n + b.n, c = g->c + (b.c - g->c) * (b.n / n);
  ar1_recentre(g, c);
  ar1_recentre(&b, c);
  g->n = n, g->np += b.np, g->A += b.A, g->B += b.B, g->P += b.P, g->Q += b.Q;
}
static inline void ar1_finish(const ar1_sums *g, double pivot, double *phi, double *mu) {
  *mu = g->n > 0 ? pivot + g->c : NAN;
  *phi = g->n >= 3 && g->B != 0 ? g->A / g->B : 0.0;
}

#define SK_AR1_BLOCK 2048
/* 1-D: vectors for contiguous blocks without a non-finite value (neighbours are then adjacent:
 * two overlapping loads), scalar code otherwise (strided, or dropped values in the block). */
#define DEFINE_AR1(T, S)                                                                         \
  void SK_FN(ar1_##S)(const T *x, size_t n, size_t stride, double *phi, double *mu) {            \
    size_t i0 = 0;                                                                               \
    while (i0 < n && !kept((double)x[i0 * stride])) i0++;                                        \
    double piv = i0 < n ? (double)x[i0 * stride] : 0.0, prev = NAN; /* prev: last kept - piv */  \
    ar1_sums g = {0, 0, 0, 0, 0, 0, 0};                                                          \
    for (size_t b = i0; b < n; b += SK_AR1_BLOCK) {                                              \
      size_t e = n - b < SK_AR1_BLOCK ? n : b + SK_AR1_BLOCK, i = b;                             \
      double s = 0, c = 0;                                                                       \
      vd z = vd_zero(), sh = vd_set1(piv);                                                       \
      if (stride == 1) {                                                                         \
        vd vs = z, vc = z, one = vd_set1(1.0);                                                   \
        for (; i + SK_VD_N <= e; i += SK_VD_N) {                                                 \
          vd v = SK_LD(x + i);                                                                   \
          vdm nf = vd_nonfinite(v);                                                              \
          vs = vd_add(vs, vd_blend(nf, z, vd_sub(v, sh)));                                       \
          vc = vd_add(vc, vd_blend(nf, z, one));                                                 \
        }                                                                                        \
        s = vd_hsum(vs), c = vd_hsum(vc);                                                        \
      }                                                                                          \
      for (; i < e; i++) {                                                                       \
        double v = (double)x[i * stride];                                                        \
        if (kept(v)) s += v - piv, c += 1;                                                       \
      }                                                                                          \
      if (c == 0) continue;                                                                      \
      double mb = s / c;                                                                         \
      ar1_sums bs = {c, mb, 0, 0, 0, 0, 0};                                                      \
      i = b;                                                                                     \
      if (stride == 1 && c == (double)(e - b) && e - b > 1) {                                    \
        double e0 = ((double)x[b] - piv) - mb;                                                   \
        if (prev == prev) {                                                                      \
          double pe = prev - mb;                                                                 \
          bs.A += e0 * pe, bs.B += pe * pe, bs.P += e0, bs.Q += pe, bs.np += 1;                  \
        }                                                                                        \
        vd va = z, vb = z, vp = z, vq = z, vm = vd_set1(mb);                                     \
        for (i = b + 1; i + SK_VD_N <= e; i += SK_VD_N) {                                        \
          vd et = vd_sub(vd_sub(SK_LD(x + i), sh), vm), ep = vd_sub(vd_sub(SK_LD(x + i - 1), sh), vm); \
          va = vd_fmadd(et, ep, va);                                                             \
          vb = vd_fmadd(ep, ep, vb);                                                             \
          vp = vd_add(vp, et);                                                                   \
          vq = vd_add(vq, ep);                                                                   \
        }                                                                                        \
        bs.A += vd_hsum(va), bs.B += vd_hsum(vb), bs.P += vd_hsum(vp), bs.Q += vd_hsum(vq);      \
        bs.np += (double)(i - b - 1);                                                            \
        for (; i < e; i++) {                                                                     \
          double et = ((double)x[i] - piv) - mb, ep = ((double)x[i - 1] - piv) - mb;             \
          bs.A += et * ep, bs.B += ep * ep, bs.P += et, bs.Q += ep, bs.np += 1;                  \
        }                                                                                        \
        prev = (double)x[e - 1] - piv;                                                           \
      } else {                                                                                   \
        for (; i < e; i++) {                                                                     \
          double v = (double)x[i * stride];                                                      \
          if (!kept(v)) continue;                                                                \
          double d = v - piv, et = d - mb;                                                       \
          if (prev == prev) {                                                                    \
            double pe = prev - mb;                                                               \
            bs.A += et * pe, bs.B += pe * pe, bs.P += et, bs.Q += pe, bs.np += 1;                \
          }                                                                                      \
          prev = d;                                                                              \
        }                                                                                        \
      }                                                                                          \
      ar1_merge(&g, bs);                                                                         \
    }                                                                                            \
    ar1_finish(&g, piv, phi, mu);                                                                \
  }

/* Per column of a row-major matrix: the 1-D algorithm with per-column state in w (SK_AR1_COLW
 * arrays of SK_COLPAD(cols) doubles), vectorised across columns. Blocks of R rows (~256 KiB):
 * pass 1 reads the block from memory in row order; pass 2 re-reads it from cache in strips of
 * SK_VD_N columns (no gathers: each row's strip is one vector load) while prefetching the next
 * block. Tail vectors load zeros (finite) into padding lanes whose state is never read. A column's
 * pivot is its first kept value, looked up at the start of the block where it first appears. */
#define COLS_LOOP(cols, ...)                                                                     \
  {                                                                                              \
    size_t j = 0;                                                                                \
    for (; j + SK_VD_N <= cols; j += SK_VD_N) {                                                  \
      vd v = SK_LD(row + j);                                                                     \
      __VA_ARGS__                                                                                \
    }                                                                                            \
    if (j < cols) {                                                                              \
      vd v = SK_LDN(row + j, cols - j);                                                          \
      __VA_ARGS__                                                                                \
    }                                                                                            \
  }
#define VACC(p, v) vd_storeu(p + j, vd_add(vd_loadu(p + j), v))

#define DEFINE_COL_AR1(T, S)                                                                     \
  static inline void ar1_pass1_##S(const T *row, size_t cols, const double *piv, double *bs,     \
                                   double *bc) {                                                 \
    vd z = vd_zero(), one = vd_set1(1.0);                                                        \
    COLS_LOOP(cols, {                                                                            \
      vdm nf = vd_nonfinite(v);                                                                  \
      VACC(bs, vd_blend(nf, z, vd_sub(v, vd_loadu(piv + j))));                                   \
      VACC(bc, vd_blend(nf, z, one));                                                            \
    })                                                                                           \
  }                                                                                              \
  /* pass 2 over the cache-hot block, one strip of SK_VD_N columns at a time (accumulators stay in \
   * registers), rows b..e; meanwhile the next block's bytes [pf, pfe) are prefetched, so memory  \
   * keeps streaming while this pass computes. n < SK_VD_N: the tail strip. */                    \
  static inline void ar1_strip_##S(const T *x, size_t ldx, size_t b, size_t e, size_t j, size_t n, \
                                   const double *piv, const double *mb, double *prev, double *ba, \
                                   double *bb, double *bp, double *bq, double *bn, const char **pf, \
                                   const char *pfe, size_t pfstep) {                              \
    vd z = vd_zero(), one = vd_set1(1.0), pv = vd_loadu(prev + j), m = vd_loadu(mb + j);         \
    vd sh = vd_loadu(piv + j), a = z, q2 = z, p = z, q = z, c = z;                                \
    for (size_t r = b; r < e; r++) {                                                              \
      for (size_t k = 0; k < pfstep && *pf < pfe; k++, *pf += 64) __builtin_prefetch(*pf);        \
      vd v = n == SK_VD_N ? SK_LD(x + r * ldx + j) : SK_LDN(x + r * ldx + j, n);                 \
      vd d = vd_sub(v, sh), pe = vd_sub(pv, m);                                                   \
      vdm nf = vd_nonfinite(v), bad = vdm_or(nf, vd_isnan(pe)); /* prev is NaN before the first */ \
      vd e0 = vd_blend(bad, z, vd_sub(d, m)), p0 = vd_blend(bad, z, pe);                          \
      a = vd_fmadd(e0, p0, a);                                                                    \
      q2 = vd_fmadd(p0, p0, q2);                                                                  \
      p = vd_add(p, e0);                                                                          \
      q = vd_add(q, p0);                                                                          \
      c = vd_add(c, vd_blend(bad, z, one));                                                       \
      pv = vd_blend(nf, pv, d);                                                                   \
    }                                                                                             \
    vd_storeu(prev + j, pv);                                                                      \
    vd_storeu(ba + j, a), vd_storeu(bb + j, q2), vd_storeu(bp + j, p), vd_storeu(bq + j, q);      \
    vd_storeu(bn + j, c);                                                                         \
  }                                                                                               \
  void SK_FN(col_ar1_##S)(const T *x, size_t rows, size_t cols, size_t ldx, size_t R, double *w, \
                          double *phi, double *mu) {                                             \
    size_t cp = SK_COLPAD(cols);                                                                 \
    double *piv = w, *prev = w + cp, *bs = w + 2 * cp, *bc = w + 3 * cp, *ba = w + 4 * cp,       \
           *bb = w + 5 * cp, *bp = w + 6 * cp, *bq = w + 7 * cp, *bn = w + 8 * cp,               \
           *gn = w + 9 * cp, *gc = w + 10 * cp, *gnp = w + 11 * cp, *gA = w + 12 * cp,           \
           *gB = w + 13 * cp, *gP = w + 14 * cp, *gQ = w + 15 * cp;                              \
    for (size_t j = 0; j < cp; j++) {                                                            \
      piv[j] = j < cols ? NAN : 0.0;                                                             \
      prev[j] = NAN;                                                                             \
      gn[j] = gc[j] = gnp[j] = gA[j] = gB[j] = gP[j] = gQ[j] = 0;                                \
    }                                                                                            \
    for (size_t b = 0; b < rows; b += R) {                                                       \
      size_t e = rows - b < R ? rows : b + R;                                                    \
      for (size_t j = 0; j < cols; j++)                                                          \
        for (size_t r = b; piv[j] != piv[j] && r < e; r++)                                       \
          if (kept((double)x[r * ldx + j])) piv[j] = (double)x[r * ldx + j];                     \
      for (size_t j = 0; j < cp; j++) bs[j] = bc[j] = 0;                                         \
      for (size_t r = b; r < e; r++) ar1_pass1_##S(x + r * ldx, cols, piv, bs, bc);              \
      for (size_t j = 0; j < cp; j++) bs[j] = bc[j] > 0 ? bs[j] / bc[j] : 0.0; /* block mean */  \
      size_t e2 = rows - e < R ? rows : e + R, nstrip = (cols + SK_VD_N - 1) / SK_VD_N;          \
      const char *pf = NULL, *pfe = NULL; /* the next block's extent, if any */                 \
      if (e2 > e) pf = (const char *)(x + e * ldx), pfe = (const char *)(x + (e2 - 1) * ldx + cols); \
      size_t pfstep = ((size_t)(pfe - pf) / 64 + nstrip * (e - b) - 1) / (nstrip * (e - b));      \
      for (size_t j = 0; j < cols; j += SK_VD_N)                                                 \
        ar1_strip_##S(x, ldx, b, e, j, cols - j < SK_VD_N ? cols - j : SK_VD_N, piv, bs, prev,  \
                      ba, bb, bp, bq, bn, &pf, pfe, pfstep);                                     \
      for (size_t j = 0; j < cols; j++) {                                                        \
        ar1_sums g = {gn[j], gc[j], gnp[j], gA[j], gB[j], gP[j], gQ[j]};                         \
        ar1_sums k = {bc[j], bs[j], bn[j], ba[j], bb[j], bp[j], bq[j]};                          \
        ar1_merge(&g, k);                                                                        \
        gn[j] = g.n, gc[j] = g.c, gnp[j] = g.np, gA[j] = g.A, gB[j] = g.B, gP[j] = g.P;          \
        gQ[j] = g.Q;                                                                             \
      }                                                                                          \
    }                                                                                            \
    for (size_t j = 0; j < cols; j++) {                                                          \
      ar1_sums g = {gn[j], gc[j], gnp[j], gA[j], gB[j], gP[j], gQ[j]};                           \
      ar1_finish(&g, piv[j], phi + j, mu + j);                                                   \
    }                                                                                            \
  }

/* ---- fill and lag ----------------------------------------------------------------------------- */
/* Row copy to out: non-temporal from the first vector-aligned element (the output of a lag
 * matrix is many times the input and is not read back soon), plain stores around it. */
static inline void stream_row_f64(double *o, const double *src, size_t n) {
  size_t i = 0;
  while (i < n && (uintptr_t)(o + i) % (SK_VD_N * sizeof(double))) o[i] = src[i], i++;
  for (; i + SK_VD_N <= n; i += SK_VD_N) vd_stream(o + i, vd_loadu(src + i));
  for (; i < n; i++) o[i] = src[i];
}
static inline void stream_row_f32(float *o, const float *src, size_t n) {
  size_t i = 0;
  while (i < n && (uintptr_t)(o + i) % (SK_VF_N * sizeof(float))) o[i] = src[i], i++;
  for (; i + SK_VF_N <= n; i += SK_VF_N) vf_stream(o + i, vf_loadu(src + i));
  for (; i < n; i++) o[i] = src[i];
}

/* Row-by-row transforms to out. With stream, rows are built in buf (L1) and copied out with
 * non-temporal stores, so a big output is written without first being read into cache; when the
 * output rows are contiguous (ldo == cols) a block of `rb` rows goes out as one run, so short rows
 * do not leave partial lines at every row end. buf: rb * cols elements. */
#define ROW_OUT(T, S, BODY)                                                                      \
  size_t pfb, pfa = sk_row_ahead(cols, ldx, sizeof(T), &pfb);                                    \
  for (size_t r0 = 0; r0 < rows; r0 += rb) {                                                     \
    size_t nr = rows - r0 < rb ? rows - r0 : rb;                                                 \
    for (size_t r = r0; r < r0 + nr; r++) {                                                      \
      const T *row = x + r * ldx;                                                                \
      SK_PREFETCH_ROW(row, pfa, pfb);                                                            \
      T *o = stream ? buf + (ldo == cols ? (r - r0) * cols : 0) : out + r * ldo;                 \
      BODY                                                                                       \
      if (stream && ldo != cols) stream_row_##S(out + r * ldo, buf, cols);                       \
    }                                                                                            \
    if (stream && ldo == cols) stream_row_##S(out + r0 * cols, buf, nr * cols);                    \
  }                                                                                              \
  if (stream) sk_stream_fence();

/* out = finite(x) ? x : fill[j]; f32 goes through f64 lanes and back (exact) */
#define DEFINE_FILL(T, S)                                                                        \
  void SK_FN(col_fill_##S)(const T *x, size_t rows, size_t cols, size_t ldx, const double *fill, \
                           T *out, size_t ldo, T *buf, size_t rb, int stream) {                  \
    ROW_OUT(T, S, {                                                                              \
      size_t j = 0;                                                                              \
      for (; j + SK_VD_N <= cols; j += SK_VD_N) {                                                \
        vd v = SK_LD(row + j);                                                                   \
        SK_ST(o + j, vd_blend(vd_nonfinite(v), vd_loadu(fill + j), v));                          \
      }                                                                                          \
      if (j < cols) {                                                                            \
        vd v = SK_LDN(row + j, cols - j);                                                        \
        SK_STN(o + j, vd_blend(vd_nonfinite(v), vd_loadu_n(fill + j, cols - j), v), cols - j);   \
      }                                                                                          \
    })                                                                                           \
  }

/* out = (x - center[j]) / den[j] in f64, rounded once to T (numpy's division, bit for bit) */
#define DEFINE_ZSCORE(T, S)                                                                      \
  void SK_FN(col_zscore_##S)(const T *x, size_t rows, size_t cols, size_t ldx,                   \
                             const double *center, const double *den, T *out, size_t ldo,        \
                             T *buf, size_t rb, int stream) {                                    \
    size_t jt = cols / SK_VD_N * SK_VD_N, m = cols - jt;                                         \
    double cb[SK_VD_N], db[SK_VD_N]; /* the tail's pad lanes divide 0 by 1: no FP flags */      \
    for (size_t l = 0; l < SK_VD_N; l++) cb[l] = l < m ? center[jt + l] : 0, db[l] = l < m ? den[jt + l] : 1; \
    vd ct = vd_loadu(cb), dt = vd_loadu(db);                                                     \
    ROW_OUT(T, S, {                                                                              \
      for (size_t j = 0; j < jt; j += SK_VD_N)                                                   \
        SK_ST(o + j, vd_div(vd_sub(SK_LD(row + j), vd_loadu(center + j)), vd_loadu(den + j)));   \
      if (m) SK_STN(o + jt, vd_div(vd_sub(SK_LDN(row + jt, m), ct), dt), m);                    \
    })                                                                                           \
  }

/* Output row r, group j = (x[r][j], x[r-1][j], ..., x[r-L][j]) is output row r-1 shifted right by
 * one element, with x[r][j] written over each group's first slot (the element shifted in there is
 * the previous group's dropped oldest lag). So each row is assembled in an L1-sized buffer by one
 * memcpy from the previous row's buffer plus cols stores, then copied out once; row -1 is all NaN,
 * which gives the NaN triangle r < L. buf: 2 * cols * (L + 1) elements. The first `skip` rows are
 * assembled but not written (out is row skip's): a block of rows that starts L rows early has
 * its first written row complete, so blocks run on their own. */
#define DEFINE_LAG(T, S)                                                                         \
  void SK_FN(lag_matrix_##S)(const T *x, size_t rows, size_t cols, size_t ldx, size_t L, T *out, \
                             size_t ldo, T *buf, int stream, size_t skip) {                      \
    size_t W = cols * (L + 1);                                                                   \
    T *prev = buf, *cur = buf + W;                                                               \
    for (size_t i = 0; i < W; i++) prev[i] = (T)NAN;                                             \
    for (size_t r = 0; r < rows; r++) {                                                          \
      memcpy(cur + 1, prev, (W - 1) * sizeof(T));                                                \
      const T *xr = x + r * ldx;                                                                 \
      for (size_t j = 0; j < cols; j++) cur[j * (L + 1)] = xr[j];                                \
      if (r >= skip) { /* warm-up rows are built, not written */                                 \
        if (stream) stream_row_##S(out + (r - skip) * ldo, cur, W);                              \
        else memcpy(out + (r - skip) * ldo, cur, W * sizeof(T));                                 \
      }                                                                                          \
      T *t = prev;                                                                               \
      prev = cur, cur = t;                                                                       \
    }                                                                                            \
    if (stream) sk_stream_fence();                                                               \
  }

DEFINE_AR1(float, f32)
DEFINE_AR1(double, f64)
DEFINE_COL_AR1(float, f32)
DEFINE_COL_AR1(double, f64)
DEFINE_FILL(float, f32)
DEFINE_FILL(double, f64)
DEFINE_ZSCORE(float, f32)
DEFINE_ZSCORE(double, f64)
DEFINE_LAG(float, f32)
DEFINE_LAG(double, f64)
