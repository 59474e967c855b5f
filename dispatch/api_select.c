/* Public median / quantile / MAD entry points, 1-D and per column, on the selection driver.
 * Results follow numpy bit for bit: median is the mean of the middle pair in the element type;
 * quantiles use numpy's virtual index, its out-of-range index rule and its _lerp formula
 * (a + d*t, or b - d*(1-t) when t >= 0.5, d = b - a in the element type). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "select.h"

#define METHOD_MASK 0xff

/* ---- which ranks, and the value from them ---- */
typedef struct { size_t prev, next; double t; int lerp; } qidx;

static qidx q_index(size_t m, double q, int method) {
  double v0 = (double)(m - 1) * q, top = (double)(m - 1);
  qidx r = {0, 0, 0, 0};
  switch (method) {
  case SK_QUANTILE_LOWER: r.prev = r.next = (size_t)floor(v0); return r;
  case SK_QUANTILE_HIGHER: r.prev = r.next = (size_t)ceil(v0); return r;
  case SK_QUANTILE_NEAREST: r.prev = r.next = (size_t)nearbyint(v0); return r; /* half to even */
  default: break;
  }
  double v = method == SK_QUANTILE_MIDPOINT ? 0.5 * (floor(v0) + ceil(v0)) : v0;
  r.lerp = 1;
  if (v >= top) { /* numpy takes the last element for both, with gamma = v - (-1) */
    r.prev = r.next = m - 1;
    r.t = v + 1;
  } else {
    r.prev = (size_t)floor(v), r.next = r.prev + 1;
    r.t = v - floor(v);
  }
  if (method == SK_QUANTILE_MIDPOINT) r.t = fmod(v, 1.0) == 0 ? 0 : 0.5;
  return r;
}

/* numpy's _lerp: in double (f64 data, or f32 data with an array q) or in float (f32_lerp) */
static double lerp(double a, double b, double t, int f32, int f32_lerp) {
  if (f32 && f32_lerp) {
    float fa = (float)a, fb = (float)b, d = fb - fa, r = fa + d * (float)t;
    if (t >= 0.5) r = fb - d * (float)(1.0 - t);
    return r;
  }
  double d = f32 ? (double)((float)b - (float)a) : b - a, r = a + d * t;
  if (t >= 0.5) r = b - d * (1 - t);
  return r;
}

static double mid_mean(double a, double b, int f32) { /* numpy's mean of the middle pair */
  return f32 ? (double)(((float)a + (float)b) / 2.0f) : (a + b) / 2.0;
}

typedef struct { const double *q; size_t nq; int method; } qspec;

static size_t quantile_ranks(size_t m, const void *ctx, size_t *r, size_t max) {
  const qspec *s = ctx;
  size_t n = 0;
  for (size_t i = 0; i < s->nq && n + 2 <= max; i++) {
    qidx x = q_index(m, s->q[i], s->method);
    r[n++] = x.prev;
    if (x.next != x.prev) r[n++] = x.next;
  }
  return sk_sort_unique(r, n);
}
static size_t median_ranks(size_t m, const void *ctx, size_t *r, size_t max) {
  (void)ctx, (void)max;
  r[0] = (m - 1) / 2, r[1] = m / 2;
  return r[0] == r[1] ? 1 : 2;
}

/* ---- one source: median or quantiles ---- */
typedef struct {
  sk_sel_job job;
  size_t *r;
  double *v;
} sel_state;

static sk_status state_init(sel_state *s, const sk_sel_src *src, sk_rank_fn fn, const void *ctx,
                            size_t maxr) {
  memset(s, 0, sizeof *s);
  s->job.src = *src, s->job.ranks = fn, s->job.ctx = ctx, s->job.maxr = maxr;
  s->job.allow_fast = 1; /* the column callers turn it off */
  s->r = malloc((maxr ? maxr : 1) * sizeof *s->r);
  s->v = malloc((maxr ? maxr : 1) * sizeof *s->v);
  return s->r && s->v ? SK_OK : SK_ENOMEM;
}
static void state_free(sel_state *s) {
  sk_sel_free(&s->job);
  free(s->r), free(s->v);
}

/* After the pass: m, the resolved ranks, or NaN results when propagating a NaN or m == 0. */
static sk_status finish_median(sel_state *s, sk_nan_policy nan, double *out) {
  size_t nr, m = s->job.src.n - s->job.nan;
  if (!m || (nan == SK_NAN_PROPAGATE && s->job.nan)) { *out = NAN; return SK_OK; }
  sk_status st = sk_sel_resolve(&s->job, s->r, s->v, &nr);
  if (st != SK_OK) return st;
  *out = nr == 1 ? s->v[0] : mid_mean(s->v[0], s->v[1], s->job.src.f32);
  return SK_OK;
}
static sk_status finish_quantile(sel_state *s, const qspec *q, sk_nan_policy nan, int f32_lerp,
                                 double *out, size_t ostride) {
  size_t nr, m = s->job.src.n - s->job.nan;
  if (!m || (nan == SK_NAN_PROPAGATE && s->job.nan)) {
    for (size_t i = 0; i < q->nq; i++) out[i * ostride] = NAN;
    return SK_OK;
  }
  sk_status st = sk_sel_resolve(&s->job, s->r, s->v, &nr);
  if (st != SK_OK) return st;
  for (size_t i = 0; i < q->nq; i++) {
    qidx x = q_index(m, q->q[i], q->method);
    double a = sk_value_at(s->r, s->v, nr, x.prev);
    out[i * ostride] = x.lerp ? lerp(a, sk_value_at(s->r, s->v, nr, x.next), x.t, s->job.src.f32, f32_lerp) : a;
  }
  return SK_OK;
}

/* ---- argument checks ---- */
static sk_status check_q(const double *q, size_t nq, int method) {
  int m = method & METHOD_MASK;
  if ((method & ~(METHOD_MASK | SK_QUANTILE_INPUT_PRECISION)) || m < SK_QUANTILE_LINEAR ||
      m > SK_QUANTILE_MIDPOINT || (nq && !q))
    return SK_EINVAL;
  size_t b;
  if (!sk_mul_ok(nq, 2, sizeof(size_t), &b)) return SK_EOVERFLOW;
  for (size_t i = 0; i < nq; i++)
    if (!(q[i] >= 0 && q[i] <= 1)) return SK_EINVAL;
  return SK_OK;
}

/* ---- 1-D ---- */
/* |v - m| in the element type: exactly what the MAD's second pass would see */
static double absdev(double v, double m, int f32) {
  return sk_sel_view(v, f32 ? SK_SEL_ABSDEV_F32 : SK_SEL_ABSDEV, m);
}

/* Fusing pays where a pass is bound by memory: in cache, the second pass costs less than the
 * wider buffers the fused pass needs (its brackets carry the sample's error twice). Measured
 * (AVX-512, normal data): 1e4 values 0.55x, 1e6 (8 MB) ~1x, 1e7 1.2-1.5x. */
#define FUSE_BYTES ((size_t)16 << 20)
enum { FUSE_NEVER, FUSE_AUTO, FUSE_ALWAYS, FUSE_REQUIRE };
/* Test hook (like SIMDKERN_ARGMIN_EXACT): SIMDKERN_MAD_FUSE=0 always takes the two-pass MAD,
 * =1 fuses whenever the sample allows it (any size), =require also makes a MAD that could not
 * be fused fail with SK_ENOTSUP instead of falling back. */
static int fuse_mode(size_t n, int f32) {
  const char *e = getenv("SIMDKERN_MAD_FUSE");
  if (!e) return n * (f32 ? 4 : 8) >= FUSE_BYTES ? FUSE_AUTO : FUSE_NEVER;
  return e[0] == '0' ? FUSE_NEVER : e[0] == 'r' ? FUSE_REQUIRE : FUSE_ALWAYS;
}

/* One pass for median and MAD. The median's sample also estimates the MAD: [dlo, dhi] brackets
 * it like the median's ranks are bracketed. Whatever the exact median m in [lo, hi] turns out
 * to be, a value with |x - m| in [dlo, dhi] lies in one of the raw-value wings
 * W1 = [lo - dhi, hi - dlo] or W2 = [lo + dlo, hi + dhi]; one strictly between them has
 * |x - m| < dlo, one outside both has |x - m| > dhi. So the pass that brackets the median with
 * M = [lo, hi] also brackets the MAD with W1 and W2: the deviations below dlo are counted, and
 * those of the wing values are computed exactly after it. The wings are widened a little so
 * that the element-type rounding of |x - m| cannot carry a value across dlo or dhi. */
#define WIDEN (0x1p-18) /* relative: well above the rounding of a double or float deviation */
#define WING_MARGIN 4.0 /* sigmas of the sample rank: the MAD's also carries the median's error */

/* Sets job's brackets to {W1, M, W2} and *dlo, *dhi; 0 when the sample does not allow it. */
static int plan_wings(sk_sel_job *job, int f32, double *dlo, double *dhi) {
  size_t sv = job->nkept;
  if (job->nb != 1 || sv < 64) return 0; /* no sample, or a degenerate median bracket */
  double lo = job->b[0].lo, hi = job->b[0].hi;
  if (!(lo <= hi) || isinf(lo) || isinf(hi)) return 0;
  double *d = malloc(sv * sizeof *d);
  if (!d) return 0;
  memcpy(d, job->kept, sv * sizeof *d);
  size_t r[2] = {(sv - 1) / 2, 0};
  double v[2];
  long d0 = (long)ceil(WING_MARGIN * (sqrt((double)sv * 0.25) + 1));
  long klo = (long)(sv / 2) - d0, khi = (long)(sv / 2) + d0;
  int ok = klo >= 0 && khi < (long)sv && sk_sel_select(d, sv, r, 1, v) == SK_OK;
  if (ok) { /* the sample's deviations from its median, at the MAD's rank +- the margin */
    for (size_t i = 0; i < sv; i++) d[i] = absdev(job->kept[i], v[0], f32);
    r[0] = (size_t)klo, r[1] = (size_t)khi;
    ok = sk_sel_select(d, sv, r, 2, v) == SK_OK;
  }
  free(d);
  if (!ok) return 0;
  /* exact: |x - m| < dl for x in (B1, A2) and > dh outside [A1, B2], for any m in [lo, hi];
   * one step outwards covers the rounding of each bound */
  double dl = v[0] * (1 - WIDEN), dh = v[1] * (1 + WIDEN);
  double w[6] = {nextafter(lo - dh, -INFINITY), nextafter(hi - dl, INFINITY), lo, hi,
                 nextafter(lo + dl, -INFINITY), nextafter(hi + dh, INFINITY)};
  /* dlo not tiny (the relative widening holds above the subnormals); sorted, disjoint */
  if (!(v[0] > 0x1p-100 && !isinf(v[1]) && w[0] < w[1] && w[1] < w[2] && w[3] < w[4] && w[4] < w[5]))
    return 0;
  if (sk_sel_rebracket(job, w, 3) != SK_OK) return -1;
  *dlo = v[0], *dhi = v[1];
  return 1;
}

/* The MAD from the fused pass (median m already resolved): 1 when found, 0 when the sample
 * missed (the caller runs the second pass), < 0 on an allocation failure. */
static int finish_wings(sk_sel_job *job, int f32, double m, double dlo, double dhi, double *mad) {
  sk_bracket *w1 = &job->b[0], *mb = &job->b[1], *w2 = &job->b[2];
  /* a retry re-planned the brackets; or m is not where the wings assumed it */
  if (job->attempt || job->nb != 3 || job->fast || !(mb->lo <= m && m <= mb->hi)) return 0;
  size_t cnt = job->src.n - job->nan, r0 = (cnt - 1) / 2, r1 = cnt / 2, tot = 0;
  sk_bracket *wing[2] = {w1, w2};
  for (int k = 0; k < 2; k++) {
    sk_bracket *b = wing[k];
    if (b->lt_hi - b->le_lo != b->nbuf || b->nbuf > b->cap) return 0; /* overflowed */
    tot += b->le_hi - b->lt_lo;
  }
  /* the wings' deviations through the pass kernel (one bracket [dlo, dhi], chunked on threads
   * like any pass): #(d < dlo) is counted and those strictly inside go to dv; the few equal to
   * dlo or dhi (counted only) and a wing bound's copies are added by hand */
  double *dv = malloc((tot + SK_SEL_SLACK) * sizeof *dv);
  if (!dv) return -1;
  sk_sel_job dj = {.src = {.stride = 1, .mode = f32 ? SK_SEL_ABSDEV_F32 : SK_SEL_ABSDEV, .center = m},
                   .nb = 1, .words = tot + 2 * SK_SEL_SLACK};
  sk_bracket *d = &dj.b[0];
  *d = (sk_bracket){.lo = dlo, .hi = dhi, .buf = dv, .cap = tot};
  for (int k = 0; k < 2; k++) {
    dj.src.x = wing[k]->buf, dj.src.n = wing[k]->nbuf;
    sk_sel_pass(&dj, 0, wing[k]->nbuf);
  }
  size_t below = w2->lt_lo - w1->le_hi + d->lt_lo, nd = d->nbuf; /* (B1, A2): |x - m| < dlo */
  /* copies of dev[i]: those equal to dlo, to dhi (the same ones when dlo == dhi), wing bounds */
  size_t add[6] = {d->le_lo - d->lt_lo, dlo < dhi ? d->le_hi - d->lt_hi : 0}, na = 2;
  double dev[6] = {dlo, dhi};
  for (int k = 0; k < 2; k++) {
    const sk_bracket *b = wing[k];
    size_t neq[2] = {b->le_lo - b->lt_lo, b->le_hi - b->lt_hi};
    for (int e = 0; e < 2; e++) {
      double de = absdev(e ? b->hi : b->lo, m, f32);
      if (de < dlo) below += neq[e];
      else if (de <= dhi) dev[na] = de, add[na++] = neq[e];
    }
  }
  for (size_t i = 0; i < na; i++)
    for (size_t c = 0; c < add[i]; c++) dv[nd++] = dev[i];
  /* every deviation below dlo is counted in `below`, every one in [dlo, dhi] is in dv */
  int found = below <= r0 && r1 < below + nd;
  if (found) {
    size_t r[2] = {r0 - below, r1 - below};
    double v[2];
    if (sk_sel_select(dv, nd, r, r0 == r1 ? 1 : 2, v) != SK_OK) found = -1;
    else *mad = r0 == r1 ? v[0] : mid_mean(v[0], v[1], f32);
  }
  free(dv);
  return found;
}

/* median (and MAD when mad != NULL) of checked arguments */
static sk_status median_run(const void *x, int f32, size_t n, size_t stride, sk_nan_policy nan,
                            double *med, double *mad) {
  sk_status st;
  sel_state s;
  sk_sel_src src = {.x = x, .f32 = f32, .n = n, .stride = stride, .mode = SK_SEL_RAW};
  int fuse = mad ? fuse_mode(n, f32) : FUSE_NEVER, fused = 0;
  double dlo = 0, dhi = 0;
  if ((st = state_init(&s, &src, median_ranks, NULL, 2)) == SK_OK) {
    s.job.keep_sample = fuse != 0;
    if ((st = sk_sel_plan(&s.job)) == SK_OK && fuse && (fused = plan_wings(&s.job, f32, &dlo, &dhi)) < 0)
      st = SK_ENOMEM;
  }
  if (st == SK_OK) {
    sk_sel_pass(&s.job, 0, n);
    st = finish_median(&s, nan, med);
  }
  if (st == SK_OK && fused && !isnan(*med) && !isinf(*med)) {
    fused = finish_wings(&s.job, f32, *med, dlo, dhi, mad);
    if (fused < 0) st = SK_ENOMEM;
  } else fused = 0;
  size_t nan1 = s.job.nan;
  state_free(&s);
  if (st != SK_OK || !mad || fused) return st;
  if (isnan(*med)) { *mad = NAN; return SK_OK; }
  if (fuse == FUSE_REQUIRE) return SK_ENOTSUP; /* test hook: the fused path was not taken */
  /* MAD: the median of |x - med|, computed in the element type like scipy; a NaN deviation
   * (an infinite median) makes it NaN, as numpy's median would */
  src.mode = f32 ? SK_SEL_ABSDEV_F32 : SK_SEL_ABSDEV, src.center = *med;
  if ((st = state_init(&s, &src, median_ranks, NULL, 2)) == SK_OK &&
      (st = sk_sel_plan(&s.job)) == SK_OK) {
    sk_sel_pass(&s.job, 0, n);
    st = s.job.nan > nan1 ? (*mad = NAN, SK_OK) : finish_median(&s, SK_NAN_OMIT, mad);
  }
  state_free(&s);
  return st;
}

static sk_status median_1d(const void *x, int f32, size_t n, size_t stride, sk_nan_policy nan,
                           double *med, double *mad) {
  sk_status st = sk_check_vec_nan(x, n, stride, f32 ? 4 : 8, nan);
  if (st != SK_OK) return st;
  if (!med || (mad && mad == med)) return SK_EINVAL;
  return median_run(x, f32, n, stride, nan, med, mad);
}

static sk_status quantile_run(const void *x, int f32, size_t n, size_t stride, const qspec *qs,
                              int f32_lerp, sk_nan_policy nan, double *out, size_t ostride) {
  sel_state s;
  sk_sel_src src = {.x = x, .f32 = f32, .n = n, .stride = stride, .mode = SK_SEL_RAW};
  sk_status st = state_init(&s, &src, quantile_ranks, qs, 2 * qs->nq);
  if (st == SK_OK && (st = sk_sel_plan(&s.job)) == SK_OK) {
    sk_sel_pass(&s.job, 0, n);
    st = finish_quantile(&s, qs, nan, f32_lerp, out, ostride);
  }
  state_free(&s);
  return st;
}

static sk_status quantile_1d(const void *x, int f32, size_t n, size_t stride, const double *q,
                             size_t nq, int method, sk_nan_policy nan, double *out) {
  size_t esz = f32 ? 4 : 8;
  sk_status st = sk_check_vec_nan(x, n, stride, esz, nan);
  if (st == SK_OK) st = check_q(q, nq, method);
  if (st != SK_OK) return st;
  if (nq && !out) return SK_EINVAL;
  if (sk_overlap(out, nq * sizeof(double), x, sk_extent(n, 1, stride, esz)) ||
      sk_overlap(out, nq * sizeof(double), q, nq * sizeof(double)))
    return SK_EINVAL;
  if (!nq) return SK_OK;
  qspec qs = {q, nq, method & METHOD_MASK};
  return quantile_run(x, f32, n, stride, &qs, !!(method & SK_QUANTILE_INPUT_PRECISION), nan, out, 1);
}

/* ---- per column: every column's job planned, one blocked pass in row order, then resolved ---- */
typedef struct {
  size_t rows, cols, ldx, esz;
  int f32;
  const void *x;
} colmat;

/* Columns short enough for a group of them to fit a cache-sized scratch are copied a group of
 * adjacent columns at a time (the matrix read row by row, whole cache lines) into contiguous
 * runs, and each run is solved as a 1-D problem: its sample, pass and MAD pass then stay in
 * cache, and a column costs what a 1-D call costs. Taller columns stream through col_pass.
 * Groups are as wide as L2 allows (at least 8 columns): an unaligned slice of 8 doubles spans two
 * lines 3 times in 4, so narrow groups fetch each line of the matrix about twice. */
#define GROUP 8                     /* columns per transposed block; the narrowest group */
#define GROUP_MAX 64
#define GROUP_L2 ((size_t)3 << 19)  /* 1.5 MB of runs per group: stays in L2 */
#define GROUP_BYTES ((size_t)16 << 20)
typedef sk_status (*col_fn)(const void *run, const colmat *c, size_t j, const void *ctx);

/* w columns of x to w contiguous runs of `rows`, 8 rows at a time: each run gets a whole cache
 * line per block (full-width, vectorisable 8 x 8 copies), the rows CPF ahead prefetched (the
 * strided reads otherwise wait on L3 here) */
#define CPF 32
#define COPY_COLS(T, S)                                                                         \
  static void copy_cols_##S(const T *x, size_t rows, size_t w, size_t ldx, T *d) {              \
    size_t r0 = 0, w8 = w / GROUP * GROUP;                                                    \
    for (; r0 + 8 <= rows; r0 += 8) {                                                         \
      for (size_t r = 0; r < 8; r++) {                                                        \
        const T *q = x + (r0 + r + CPF) * ldx;                                                \
        for (size_t l = 0; l < w; l += 8) __builtin_prefetch(q + l, 0, 3);                    \
        __builtin_prefetch(q + w - 1, 0, 3);                                                  \
      }                                                                                       \
      for (size_t c0 = 0; c0 < w8; c0 += GROUP)                                               \
        for (size_t l = c0; l < c0 + GROUP; l++)                                              \
          for (size_t r = 0; r < 8; r++) d[l * rows + r0 + r] = x[(r0 + r) * ldx + l];         \
      for (size_t l = w8; l < w; l++)                                                         \
        for (size_t r = 0; r < 8; r++) d[l * rows + r0 + r] = x[(r0 + r) * ldx + l];           \
    }                                                                                         \
    for (; r0 < rows; r0++)                                                                   \
      for (size_t l = 0; l < w; l++) d[l * rows + r0] = x[r0 * ldx + l];                      \
  }
COPY_COLS(float, f32)
COPY_COLS(double, f64)

/* Test hook: SIMDKERN_COL_STREAM=1 sends every column through the streaming (lanes) kernel, so
 * tests reach its many-column sweeps without a matrix of hundreds of MB. */
static int col_grouped(const colmat *c) {
  const char *e = getenv("SIMDKERN_COL_STREAM");
  if (e && e[0] == '1') return 0;
  return c->rows <= GROUP_BYTES / (c->esz * GROUP);
}
/* Groups are independent (each column's result depends only on its own values), so they run
 * in parallel under sk_set_num_threads with bitwise-identical results; each has its own copy. */
typedef struct {
  const colmat *c;
  col_fn fn;
  const void *ctx;
  size_t g;
  sk_status *st; /* per group */
} group_job;

/* The groups' column copies come from a kept block (dispatch/workspace.c): fresh pages cost a
 * fault each, ~290 per 1e4 x 50 call after numpy had freed its temporaries (1.5 -> 2.1 ms). */
static sk_ws group_ws;

static void group_block(void *v, size_t gi) {
  const group_job *j = v;
  const colmat *c = j->c;
  size_t j0 = gi * j->g, w = c->cols - j0 < j->g ? c->cols - j0 : j->g;
  char *buf = sk_ws_get(&group_ws, (c->rows ? c->rows : 1) * w * c->esz);
  sk_status st = buf ? SK_OK : SK_ENOMEM;
  if (!buf || !c->rows) {} /* x may be NULL when empty: nothing to copy, every run is empty */
  else if (c->f32) copy_cols_f32((const float *)c->x + j0, c->rows, w, c->ldx, (float *)buf);
  else copy_cols_f64((const double *)c->x + j0, c->rows, w, c->ldx, (double *)buf);
  for (size_t l = 0; l < w && st == SK_OK; l++) st = j->fn(buf + l * c->rows * c->esz, c, j0 + l, j->ctx);
  sk_ws_put(&group_ws, buf);
  j->st[gi] = st;
}

static sk_status col_groups(const colmat *c, col_fn fn, const void *ctx) {
  size_t g = GROUP_L2 / (c->rows * c->esz + 1) / GROUP * GROUP;
  g = g < GROUP ? GROUP : g > GROUP_MAX ? GROUP_MAX : g;
  if (g > c->cols) g = c->cols;
  size_t ng = (c->cols + g - 1) / g;
  sk_status *st = malloc(ng * sizeof *st), r = SK_OK;
  if (!st) return SK_ENOMEM;
  group_job j = {c, fn, ctx, g, st};
  /* work: ~30 element-passes per value (copy, sample, passes, buffer selection) */
  sk_parallel_blocks(ng, 30.0 * (double)c->rows * (double)c->cols, group_block, &j);
  for (size_t i = 0; i < ng && r == SK_OK; i++) r = st[i];
  free(st);
  return r;
}

/* The streaming kernel on a slice of columns: it reads the slice of every row in row order, in
 * L1-sized chunks of its own. Slices run in parallel under sk_set_num_threads; a column's
 * counts and buffer depend on its own values only, so any thread count gives the same bits. */
typedef struct {
  const colmat *c;
  int mode;
  const double *center;
  sk_bracket *b;
  size_t *nan;
} slice_job;
static void col_slice(void *v, size_t j0, size_t w) {
  const slice_job *j = v;
  const colmat *c = j->c;
  const char *x = c->x ? (const char *)c->x + j0 * c->esz : NULL; /* x may be NULL when rows == 0 */
  const double *ce = j->center ? j->center + j0 : NULL;
  if (c->f32) SK_K->col_sel_pass_f32((const float *)x, c->rows, w, c->ldx, j->mode, ce, j->b + j0, j->nan + j0);
  else SK_K->col_sel_pass_f64((const double *)x, c->rows, w, c->ldx, j->mode, ce, j->b + j0, j->nan + j0);
}

/* One bracket per column (median, MAD): the lanes-are-columns kernel over row blocks. Otherwise
 * every column's brackets in turn over row blocks small enough to stay in L2. */
static sk_status col_pass(const colmat *c, sel_state *s, int mode, const double *center) {
  int one = 1;
  for (size_t j = 0; j < c->cols; j++) one &= s[j].job.nb == 1;
  if (!one) {
    size_t rb = (256 * 1024) / (c->ldx * c->esz + 1);
    if (rb < 64) rb = 64;
    for (size_t r0 = 0; r0 < c->rows; r0 += rb) {
      size_t cnt = c->rows - r0 < rb ? c->rows - r0 : rb;
      for (size_t j = 0; j < c->cols; j++) sk_sel_pass(&s[j].job, r0, cnt);
    }
    return SK_OK;
  }
  sk_bracket *b = malloc(c->cols * sizeof *b);
  size_t *nan = calloc(c->cols, sizeof *nan);
  if (!b || !nan) { free(b), free(nan); return SK_ENOMEM; }
  for (size_t j = 0; j < c->cols; j++) b[j] = s[j].job.b[0];
  slice_job sj = {c, mode, center, b, nan};
  sk_parallel_cols(c->cols, 8, 4.0 * (double)c->rows * (double)c->cols, col_slice, &sj);
  for (size_t j = 0; j < c->cols; j++) s[j].job.b[0] = b[j], s[j].job.nan += nan[j];
  free(b), free(nan);
  return SK_OK;
}

/* Every column's plan from one sample of whole rows: a row costs one cache miss for all its
 * columns, where sampling each column on its own would miss once per value. */
static sk_status col_setup(const colmat *c, sel_state *s, sk_rank_fn fn, const void *ctx,
                           size_t maxr, int mode, const double *center) {
  double *smp;
  size_t ns;
  sk_status st = sk_sel_col_sample(c->x, c->f32, c->rows, c->cols, c->ldx, mode, center, &smp, &ns);
  for (size_t j = 0; j < c->cols && st == SK_OK; j++) {
    sk_sel_src src = {.x = c->rows ? (const char *)c->x + j * c->esz : NULL, .f32 = c->f32, .n = c->rows,
                      .stride = c->ldx, .mode = mode, .center = center ? center[j] : 0};
    if ((st = state_init(&s[j], &src, fn, ctx, maxr)) == SK_OK) {
      s[j].job.allow_fast = 0; /* the column kernel makes robust counts */
      s[j].job.defer = 1;      /* every column's buffers in one block: col_bind */
      s[j].job.sample = smp ? smp + j * ns : NULL, s[j].job.nsample = ns;
      st = sk_sel_plan(&s[j].job);
      s[j].job.sample = NULL; /* a retry samples afresh */
    }
  }
  free(smp);
  return st;
}

/* The columns' bracket buffers, all held through the pass, as one kept block: a block per column
 * came back as fresh pages every call (1e6 x 50 median + MAD: 650-870 page faults). */
static sk_ws col_ws;
static double *col_bind(sel_state *s, size_t nc) {
  size_t words = 0;
  for (size_t j = 0; j < nc; j++) {
    if (s[j].job.words > SIZE_MAX / sizeof(double) - words) return NULL;
    words += s[j].job.words;
  }
  double *mem = sk_ws_get(&col_ws, words * sizeof(double));
  for (size_t j = 0, o = 0; mem && j < nc; o += s[j].job.words, j++) sk_sel_bind(&s[j].job, mem + o);
  return mem;
}
/* col_setup, then the buffers bound */
static sk_status col_plan(const colmat *c, sel_state *s, sk_rank_fn fn, const void *ctx, size_t maxr,
                          int mode, const double *center, double **mem) {
  sk_status st = col_setup(c, s, fn, ctx, maxr, mode, center);
  *mem = st == SK_OK ? col_bind(s, c->cols) : NULL;
  return st == SK_OK && !*mem ? SK_ENOMEM : st;
}

static sk_status col_check(const colmat *c, sk_nan_policy nan) {
  sk_status st = sk_check_mat(c->rows, c->cols, c->x, c->ldx, c->esz);
  if (st != SK_OK) return st;
  return sk_nan_ok(nan) ? SK_OK : SK_EINVAL;
}

typedef struct { sk_nan_policy nan; double *med, *mad; } med_ctx;
static sk_status med_col(const void *run, const colmat *c, size_t j, const void *ctx) {
  const med_ctx *m = ctx;
  return median_run(run, c->f32, c->rows, 1, m->nan, &m->med[j], m->mad ? &m->mad[j] : NULL);
}
typedef struct { const qspec *qs; int f32_lerp; sk_nan_policy nan; double *out; } q_ctx;
static sk_status q_col(const void *run, const colmat *c, size_t j, const void *ctx) {
  const q_ctx *q = ctx;
  return quantile_run(run, c->f32, c->rows, 1, q->qs, q->f32_lerp, q->nan, q->out + j, c->cols);
}

static sk_status col_median(const colmat *c, sk_nan_policy nan, double *med, double *mad) {
  sk_status st = col_check(c, nan);
  if (st != SK_OK) return st;
  size_t xb = sk_extent(c->rows, c->cols, c->ldx, c->esz), ob = c->cols * sizeof(double);
  if (c->cols && (!med || sk_overlap(med, ob, c->x, xb) || (mad && (sk_overlap(mad, ob, c->x, xb) ||
                                                                   sk_overlap(mad, ob, med, ob)))))
    return SK_EINVAL;
  if (!c->cols) return SK_OK;
  if (col_grouped(c)) {
    med_ctx m = {nan, med, mad};
    return col_groups(c, med_col, &m);
  }
  sel_state *s = calloc(c->cols, sizeof *s);
  size_t *nan1 = malloc(c->cols * sizeof *nan1);
  if (!s || !nan1) { free(s), free(nan1); return SK_ENOMEM; }
  double *mem;
  st = col_plan(c, s, median_ranks, NULL, 2, SK_SEL_RAW, NULL, &mem);
  if (st == SK_OK) st = col_pass(c, s, SK_SEL_RAW, NULL);
  for (size_t j = 0; j < c->cols; j++) {
    if (st == SK_OK) st = finish_median(&s[j], nan, &med[j]);
    nan1[j] = s[j].job.nan;
    state_free(&s[j]);
  }
  sk_ws_put(&col_ws, mem);
  if (st == SK_OK && mad) {
    memset(s, 0, c->cols * sizeof *s);
    int mode = c->f32 ? SK_SEL_ABSDEV_F32 : SK_SEL_ABSDEV;
    st = col_plan(c, s, median_ranks, NULL, 2, mode, med, &mem);
    if (st == SK_OK) st = col_pass(c, s, mode, med);
    for (size_t j = 0; j < c->cols; j++) {
      if (st == SK_OK) {
        if (isnan(med[j]) || s[j].job.nan > nan1[j]) mad[j] = NAN;
        else st = finish_median(&s[j], SK_NAN_OMIT, &mad[j]);
      }
      state_free(&s[j]);
    }
    sk_ws_put(&col_ws, mem);
  }
  free(s), free(nan1);
  return st;
}

static sk_status col_quantile(const colmat *c, const double *q, size_t nq, int method,
                              sk_nan_policy nan, double *out) {
  sk_status st = col_check(c, nan);
  if (st == SK_OK) st = check_q(q, nq, method);
  if (st != SK_OK) return st;
  size_t ob;
  if (!sk_mul_ok(nq, c->cols, sizeof(double), &ob)) return SK_EOVERFLOW;
  if (ob && (!out || sk_overlap(out, ob, c->x, sk_extent(c->rows, c->cols, c->ldx, c->esz)) ||
             sk_overlap(out, ob, q, nq * sizeof(double))))
    return SK_EINVAL;
  if (!ob) return SK_OK;
  qspec qs = {q, nq, method & METHOD_MASK};
  if (col_grouped(c)) {
    q_ctx qc = {&qs, !!(method & SK_QUANTILE_INPUT_PRECISION), nan, out};
    return col_groups(c, q_col, &qc);
  }
  sel_state *s = calloc(c->cols, sizeof *s);
  if (!s) return SK_ENOMEM;
  double *mem;
  st = col_plan(c, s, quantile_ranks, &qs, 2 * nq, SK_SEL_RAW, NULL, &mem);
  if (st == SK_OK) st = col_pass(c, s, SK_SEL_RAW, NULL);
  for (size_t j = 0; j < c->cols; j++) {
    if (st == SK_OK)
      st = finish_quantile(&s[j], &qs, nan, !!(method & SK_QUANTILE_INPUT_PRECISION), out + j, c->cols);
    state_free(&s[j]);
  }
  sk_ws_put(&col_ws, mem);
  free(s);
  return st;
}

#define DEFINE_SELECT(T, S, F32)                                                                  \
  sk_status sk_median_##S(const T *x, size_t n, size_t stride, sk_nan_policy nan, double *out) {  \
    return median_1d(x, F32, n, stride, nan, out, NULL);                                          \
  }                                                                                               \
  sk_status sk_median_mad_##S(const T *x, size_t n, size_t stride, sk_nan_policy nan,             \
                              double *median, double *mad) {                                      \
    if (!mad) return SK_EINVAL;                                                                   \
    return median_1d(x, F32, n, stride, nan, median, mad);                                        \
  }                                                                                               \
  sk_status sk_quantile_##S(const T *x, size_t n, size_t stride, const double *q, size_t nq,      \
                            sk_quantile_method method, sk_nan_policy nan, double *out) {          \
    return quantile_1d(x, F32, n, stride, q, nq, (int)method, nan, out);                          \
  }                                                                                               \
  sk_status sk_col_median_##S(size_t rows, size_t cols, const T *x, size_t ldx,                   \
                              sk_nan_policy nan, double *out) {                                   \
    colmat c = {rows, cols, ldx, sizeof(T), F32, x};                                              \
    return col_median(&c, nan, out, NULL);                                                        \
  }                                                                                               \
  sk_status sk_col_median_mad_##S(size_t rows, size_t cols, const T *x, size_t ldx,               \
                                  sk_nan_policy nan, double *median, double *mad) {               \
    colmat c = {rows, cols, ldx, sizeof(T), F32, x};                                              \
    if (cols && !mad) return SK_EINVAL;                                                           \
    return col_median(&c, nan, median, mad);                                                      \
  }                                                                                               \
  sk_status sk_col_quantile_##S(size_t rows, size_t cols, const T *x, size_t ldx,                 \
                                const double *q, size_t nq, sk_quantile_method method,            \
                                sk_nan_policy nan, double *out) {                                 \
    colmat c = {rows, cols, ldx, sizeof(T), F32, x};                                              \
    return col_quantile(&c, q, nq, (int)method, nan, out);                                        \
  }

DEFINE_SELECT(float, f32, 1)
DEFINE_SELECT(double, f64, 0)
