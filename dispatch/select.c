/* Selection driver (baseline C): sampling, bracket planning, resolution, recursion and the sort
 * fallback. The streaming pass itself is the active ISA's sel_pass kernel. */
#include "select.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SMALL 2048     /* at or below: copy and sort */
#define MAX_DEPTH 8    /* recursion into bracket buffers; beyond it, sort */
#define MISS ((sk_status)1) /* internal: a wanted rank fell outside the planned brackets */
#define ATTEMPTS 3     /* plans (fresh sample, wider margin) before the sort fallback */

/* ---- sorting NaN-free doubles: introsort (quicksort, heapsort past the depth limit) ---- */
static void sift(double *a, size_t i, size_t n) {
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && a[c + 1] > a[c]) c++;
    if (!(a[c] > a[i])) return;
    double t = a[i]; a[i] = a[c]; a[c] = t;
    i = c;
  }
}
static void heapsort_d(double *a, size_t n) {
  for (size_t i = n / 2; i-- > 0;) sift(a, i, n);
  for (size_t e = n; e-- > 1;) {
    double t = a[0]; a[0] = a[e]; a[e] = t;
    sift(a, 0, e);
  }
}
static void introsort(double *a, size_t n, int depth) {
  while (n > 16) {
    if (depth-- == 0) { heapsort_d(a, n); return; }
    double x = a[0], y = a[n / 2], z = a[n - 1]; /* median of three as the pivot */
    double p = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    size_t i = 0, j = n - 1;
    for (;;) { /* Hoare partition: stops on equal keys, so duplicates split evenly */
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i >= j) break;
      double t = a[i]; a[i] = a[j]; a[j] = t;
      i++, j--;
    }
    introsort(a + j + 1, n - j - 1, depth); /* recurse right, loop left */
    n = j + 1;
  }
  for (size_t i = 1; i < n; i++) { /* insertion sort */
    double v = a[i];
    size_t j = i;
    for (; j > 0 && a[j - 1] > v; j--) a[j] = a[j - 1];
    a[j] = v;
  }
}
static void sort_d(double *a, size_t n) {
  int d = 0;
  for (size_t m = n; m > 1; m >>= 1) d += 2;
  introsort(a, n, d);
}

/* Values at ascending ranks r of a (reordered): quickselect each rank within what is left to its
 * right, sorting outright past a depth limit or when many ranks are wanted. Each step is the
 * ISA's split kernel (compares and compressing stores into two scratch runs) copied back as
 * [< p][== p][> p], so runs of duplicates finish at once and the order around a found rank holds. */
#define SPLIT_SLACK 16 /* the split kernel's vector slack (>= any SK_VD_N) */
static sk_ws split_ws; /* the split's scratch: a kept block, as the bracket buffers */
static sk_status small_select(double *a, size_t n, const size_t *r, size_t nr, double *vals) {
  if (nr > 4) {
    sort_d(a, n);
    for (size_t i = 0; i < nr; i++) vals[i] = a[r[i]];
    return SK_OK;
  }
  double *lt = NULL;
  if (n > 16 && !(lt = sk_ws_get(&split_ws, 2 * (n + SPLIT_SLACK) * sizeof *lt))) return SK_ENOMEM;
  double *gt = lt ? lt + n + SPLIT_SLACK : NULL;
  const sk_kernels *kt = SK_K;
  /* [base, ready) holds final values; [ready, rhi) holds values no smaller than those and no
   * larger than anything from rhi on, so its minimum is the value of rank `ready` (the second
   * middle rank of a median is usually answered from these without another quickselect) */
  size_t base = 0, ready = 0, rhi = 0;
  for (size_t i = 0; i < nr; i++) {
    size_t lo = base, hi = n, k = r[i];
    if (k < ready) { vals[i] = a[k]; base = k; continue; }
    if (k == ready && rhi > ready) {
      size_t m = ready;
      for (size_t u = ready + 1; u < rhi; u++) m = a[u] < a[m] ? u : m;
      double t = a[ready]; a[ready] = a[m], a[m] = t;
      vals[i] = a[k], base = k, ready = k + 1;
      continue;
    }
    int budget = 64, found = 0;
    size_t j = 0, j2 = 0;
    while (hi - lo > 16 && budget-- && !found) {
      double x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi - 1];
      double p = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
      size_t c[2];
      kt->sel_split(a + lo, hi - lo, p, lt, gt, c);
      j = lo + c[0], j2 = hi - c[1];
      memcpy(a + lo, lt, c[0] * sizeof *a);
      for (size_t u = j; u < j2; u++) a[u] = p;
      memcpy(a + j2, gt, c[1] * sizeof *a);
      if (k < j) hi = j;
      else if (k < j2) found = 1; /* a[k] == p, and the order around it holds */
      else lo = j2;
    }
    if (found) { vals[i] = a[k]; base = k; ready = j2, rhi = hi; continue; }
    if (hi - lo > 16) sort_d(a + lo, hi - lo); /* budget spent: bounded by a sort */
    else for (size_t u = lo + 1; u < hi; u++) {
      double v = a[u];
      size_t w = u;
      for (; w > lo && a[w - 1] > v; w--) a[w] = a[w - 1];
      a[w] = v;
    }
    vals[i] = a[k];
    base = k; /* everything left of k is <= a[k]: later ranks look right of it */
    ready = rhi = hi; /* [lo, hi) is sorted */
  }
  sk_ws_put(&split_ws, lt);
  return SK_OK;
}

size_t sk_sort_unique(size_t *r, size_t n) {
  for (size_t i = 1; i < n; i++) { /* insertion sort: rank lists are short */
    size_t v = r[i], j = i;
    for (; j > 0 && r[j - 1] > v; j--) r[j] = r[j - 1];
    r[j] = v;
  }
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (!u || r[u - 1] != r[i]) r[u++] = r[i];
  return u;
}

/* ---- reading the source ---- */
double sk_sel_view(double v, int mode, double center) {
  if (mode == SK_SEL_RAW) return v;
  v = fabs(v - center);
  return mode == SK_SEL_ABSDEV_F32 ? (double)(float)v : v;
}
/* element i of a float or double array, seen through a mode (what the pass kernels compute) */
static double seen(const void *x, int f32, size_t i, int mode, double center) {
  return sk_sel_view(f32 ? (double)((const float *)x)[i] : ((const double *)x)[i], mode, center);
}
static double src_val(const sk_sel_src *s, size_t i) {
  return seen(s->x, s->f32, i * s->stride, s->mode, s->center);
}

double sk_value_at(const size_t *r, const double *v, size_t nr, size_t rank) {
  size_t lo = 0, hi = nr;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (r[mid] <= rank) lo = mid; else hi = mid;
  }
  return v[lo];
}

typedef struct { const size_t *r; size_t nr; } fixed_ranks;
static size_t fixed_fn(size_t m, const void *ctx, size_t *ranks, size_t max) {
  const fixed_ranks *f = ctx;
  (void)m;
  size_t n = f->nr < max ? f->nr : max;
  memcpy(ranks, f->r, n * sizeof *ranks);
  return n;
}

static sk_status select_buf(double *a, size_t n, const size_t *r, size_t nr, double *vals, int depth);

/* The kernels over source elements [i0, i0 + cnt) into brackets b (and shared for the fast pass) */
static void pass_range(const sk_sel_src *s, int fast, sk_bracket *b, size_t nb, sk_bracket *shared,
                       size_t *nan_out, size_t i0, size_t cnt) {
  const sk_kernels *k = SK_K;
  const void *x = (const char *)s->x + i0 * s->stride * (s->f32 ? sizeof(float) : sizeof(double));
  if (fast) { /* one group: the plan allows fast only for nb <= SK_SEL_MAXB */
    size_t nan = 0;
    if (s->f32) k->sel_fast_f32(x, cnt, s->stride, s->mode, s->center, b, nb, shared, &nan);
    else k->sel_fast_f64(x, cnt, s->stride, s->mode, s->center, b, nb, shared, &nan);
    *nan_out += nan;
    return;
  }
  for (size_t g = 0; g < nb; g += SK_SEL_MAXB) {
    size_t nan = 0, ng = nb - g < SK_SEL_MAXB ? nb - g : SK_SEL_MAXB;
    if (s->f32) k->sel_pass_f32(x, cnt, s->stride, s->mode, s->center, b + g, ng, &nan);
    else k->sel_pass_f64(x, cnt, s->stride, s->mode, s->center, b + g, ng, &nan);
    if (g == 0) *nan_out += nan; /* every group sees the same NaN values */
  }
}

/* A long pass runs in chunks of the source, one per thread (sk_set_num_threads). Chunk 0 appends
 * to the job's own buffers, chunk t > 0 counts from zero into its own buffers of the same caps;
 * the merge sums the counts and appends the buffers in chunk order. So every buffer holds its
 * values in source order, as one pass leaves them, and any thread count gives the same bits. */
#define CHUNK_ALIGN 4096 /* elements: chunks start where one pass's blocks would */
typedef struct {
  sk_bracket b[SK_SEL_JOBB], shared;
  size_t nan, i0, cnt;
} sel_chunk;
enum { RUN_PASS, RUN_FAST, RUN_DEAL }; /* sel_pass, sel_fast, or sel_deal of a NaN-free buffer */
typedef struct {
  sk_sel_job *job;
  const sk_sel_src *src;
  int kind;
  sel_chunk *ch;
} chunk_job;
static sk_ws chunk_ws; /* the chunks' buffers: kept, like the job's own (sel_ws) */

static void run_range(int kind, const sk_sel_src *s, sk_bracket *b, size_t nb, sk_bracket *shared,
                      size_t *nan, size_t i0, size_t cnt) {
  if (kind == RUN_DEAL) SK_K->sel_deal((const double *)s->x + i0, cnt, b, nb);
  else pass_range(s, kind == RUN_FAST, b, nb, shared, nan, i0, cnt);
}

static void chunk_run(void *v, size_t t) {
  const chunk_job *cj = v;
  sk_sel_job *job = cj->job;
  sel_chunk *c = &cj->ch[t];
  if (t == 0) run_range(cj->kind, cj->src, job->b, job->nb, &job->shared, &job->nan, c->i0, c->cnt);
  else run_range(cj->kind, cj->src, c->b, job->nb, &c->shared, &c->nan, c->i0, c->cnt);
}

/* b += c: counts summed, c's values appended (none once the sum overflows: then nbuf > cap) */
static void merge_bracket(sk_bracket *b, const sk_bracket *c) {
  b->lt_lo += c->lt_lo, b->le_lo += c->le_lo, b->lt_hi += c->lt_hi, b->le_hi += c->le_hi;
  if (c->nbuf <= c->cap && b->nbuf + c->nbuf <= b->cap)
    memcpy(b->buf + b->nbuf, c->buf, c->nbuf * sizeof *c->buf);
  b->nbuf += c->nbuf;
}

/* 1 when the run over src[i0, i0 + cnt) went in parallel into job's brackets; 0 when it is not
 * worth it or the scratch is not there */
static int run_chunks(sk_sel_job *job, int kind, const sk_sel_src *src, size_t i0, size_t cnt) {
  size_t nb = job->nb;
  double work = (double)cnt * (2.0 + 2.0 * (double)nb); /* compares and counts per value */
  size_t nt = sk_parallel_width(work);
  if (nt < 2 || cnt < 2 * CHUNK_ALIGN) return 0;
  if (nt > cnt / CHUNK_ALIGN) nt = cnt / CHUNK_ALIGN;
  if (nt > 64) nt = 64;
  size_t words = job->words, step = (cnt / nt + CHUNK_ALIGN - 1) / CHUNK_ALIGN * CHUNK_ALIGN;
  sel_chunk *ch = malloc(nt * sizeof *ch);
  double *mem = ch && words <= SIZE_MAX / sizeof(double) / nt ? sk_ws_get(&chunk_ws, (nt - 1) * words * sizeof(double)) : NULL;
  if (!mem) { free(ch); return 0; }
  for (size_t t = 0; t < nt; t++) {
    sel_chunk *c = &ch[t];
    c->i0 = i0 + t * step < i0 + cnt ? i0 + t * step : i0 + cnt;
    c->cnt = t + 1 < nt ? (step < i0 + cnt - c->i0 ? step : i0 + cnt - c->i0) : i0 + cnt - c->i0;
    if (t == 0) continue;
    double *p = mem + (t - 1) * words;
    c->nan = 0;
    for (size_t i = 0; i < nb; i++) {
      c->b[i] = (sk_bracket){.lo = job->b[i].lo, .hi = job->b[i].hi, .buf = p, .cap = job->b[i].cap};
      p += job->b[i].cap + SK_SEL_SLACK;
    }
    c->shared = (sk_bracket){.buf = p, .cap = job->shared.cap};
  }
  chunk_job cj = {job, src, kind, ch};
  sk_parallel_blocks(nt, work, chunk_run, &cj);
  for (size_t t = 1; t < nt; t++) {
    for (size_t i = 0; i < nb; i++) merge_bracket(&job->b[i], &ch[t].b[i]);
    if (kind == RUN_FAST) merge_bracket(&job->shared, &ch[t].shared);
    job->nan += ch[t].nan;
  }
  sk_ws_put(&chunk_ws, mem);
  free(ch);
  return 1;
}

static void run(sk_sel_job *job, int kind, const sk_sel_src *src, size_t i0, size_t cnt) {
  if (!run_chunks(job, kind, src, i0, cnt))
    run_range(kind, src, job->b, job->nb, &job->shared, &job->nan, i0, cnt);
}

void sk_sel_pass(sk_sel_job *job, size_t i0, size_t cnt) {
  if (cnt) run(job, job->fast ? RUN_FAST : RUN_PASS, &job->src, i0, cnt); /* x may be NULL when empty */
}

/* splitmix64: a fixed seed, so the same input always takes the same path (and time); a
 * non-linear mixer, so sample positions do not line up with data made by a linear generator
 * (xorshift data sampled at xorshift positions gave biased samples) */
static inline uint64_t rnd(uint64_t *st) {
  uint64_t z = (*st += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
/* a position below n: the high half of a 64x64-bit product (no division) */
static inline size_t rnd_below(uint64_t *st, size_t n) {
#ifdef __SIZEOF_INT128__
  return (size_t)(((unsigned __int128)rnd(st) * n) >> 64);
#else
  return (size_t)(rnd(st) % n);
#endif
}

size_t sk_sel_sample_size(size_t n) {
  /* ~ n^(2/3): balances selecting in the sample against selecting in the buffer */
  size_t ns = (size_t)pow((double)n, 2.0 / 3.0);
  if (ns < 64) ns = 64;
  if (ns > 32768) ns = 32768;
  return ns > n / 4 ? n / 4 : ns;
}

#define SAMPLE_PF 8 /* rows ahead */
sk_status sk_sel_col_sample(const void *x, int f32, size_t rows, size_t cols, size_t ldx, int mode,
                            const double *center, double **out, size_t *ns) {
  *ns = rows > SMALL ? sk_sel_sample_size(rows) : 0;
  *out = NULL;
  if (!*ns || !cols) return SK_OK;
  size_t *pos = malloc(*ns * sizeof *pos);
  double *smp = malloc(*ns * cols * sizeof *smp);
  if (!pos || !smp) { free(pos), free(smp); return SK_ENOMEM; }
  uint64_t seed = rows;
  /* one random row in each of ns equal strata: ascending, so the reads move forward through
   * the matrix (page walks and DRAM pages shared by neighbours); the sample quantiles vary no
   * more than those of a simple random sample, so the plan's margins still hold (i * rows: a
   * matrix in memory has far fewer than 2^49 rows) */
  for (size_t i = 0; i < *ns; i++) {
    size_t a = i * rows / *ns, b = (i + 1) * rows / *ns;
    pos[i] = a + rnd_below(&seed, b - a);
  }
  size_t esz = f32 ? 4 : 8, rowb = cols * esz;
  for (size_t i = 0; i < *ns; i++) { /* whole rows, so the matrix is read row by row */
    if (i + SAMPLE_PF < *ns) { /* random rows: several misses in flight (1e6 x 50 median 1.01-1.08x) */
      const char *q = (const char *)x + pos[i + SAMPLE_PF] * ldx * esz;
      for (size_t o = 0; o < rowb; o += 64) __builtin_prefetch(q + o);
      __builtin_prefetch(q + rowb - 1);
    }
    for (size_t j = 0; j < cols; j++)
      smp[j * *ns + i] = seen(x, f32, pos[i] * ldx + j, mode, center ? center[j] : 0);
  }
  free(pos);
  *out = smp;
  return SK_OK;
}

/* Fast brackets (5-7 of them, where passes count bins) widened to whole float roundings
 * (kernels.h, sk_key_floor): the same ranks inside, at most a float's rounding more values, and a
 * pass may compare float keys (AVX2: 8 per vector) with exactly the double compares' counts.
 * Left as planned when the widened brackets would touch. */
static void widen_to_keys(sk_sel_job *job) {
  if (job->nb < 5 || job->nb > 7) return;
  for (size_t i = 1; i < job->nb; i++)
    if (!((float)job->b[i - 1].hi < (float)job->b[i].lo)) return;
  for (size_t i = 0; i < job->nb; i++)
    job->b[i].lo = sk_key_floor(job->b[i].lo), job->b[i].hi = sk_key_ceil(job->b[i].hi);
}

/* Bracket buffers come from a kept block: a big selection touches megabytes of them, and fresh
 * pages cost a fault each (dispatch/workspace.c). */
static sk_ws sel_ws;

/* The planned brackets' buffers (and the fast pass's shared buffer) laid out in mem. */
static void carve(sk_sel_job *job, double *mem) {
  double *p = job->mem = mem;
  for (size_t i = 0; i < job->nb; i++) {
    job->b[i].buf = p;
    p += job->b[i].cap + SK_SEL_SLACK;
  }
  job->shared.buf = p;
}

/* Bracket buffers for the planned brackets: from the kept block, or sized only (defer). */
static sk_status plan_alloc(sk_sel_job *job, size_t cap_total) {
  /* The fast first pass suits continuous data: a degenerate bracket (the sample's value repeats
   * across the margin) means runs of duplicates, which would flood its shared buffer. */
  job->fast = job->allow_fast && job->attempt == 0 && job->nb <= SK_SEL_MAXB && job->src.n > SMALL;
  for (size_t i = 0; i < job->nb; i++) job->fast &= job->b[i].lo < job->b[i].hi;
  if (job->fast) widen_to_keys(job);
  size_t shared = job->fast ? cap_total + 64 : 0;
  size_t words = cap_total + job->nb * SK_SEL_SLACK + shared + SK_SEL_SLACK;
  if (words > SIZE_MAX / sizeof(double)) { job->nb = 0; return SK_ENOMEM; }
  job->shared = (sk_bracket){.cap = shared};
  job->words = words, job->borrowed = 0;
  if (job->defer) return SK_OK; /* the caller binds memory (sk_sel_bind) */
  double *mem = sk_ws_get(&sel_ws, words * sizeof(double));
  if (!mem) { job->nb = 0; return SK_ENOMEM; }
  carve(job, mem);
  return SK_OK;
}

void sk_sel_bind(sk_sel_job *job, double *mem) {
  carve(job, mem);
  job->borrowed = 1, job->defer = 0; /* a retry allocates its own */
}

sk_status sk_sel_plan(sk_sel_job *job) {
  const sk_sel_src *s = &job->src;
  size_t n = s->n;
  job->nb = 0, job->nan = 0, job->mem = NULL; /* attempt is kept: set by the caller or a retry */
  size_t *rk = NULL;
  double *smp = NULL;
  sk_status st = SK_ENOMEM;
  size_t cap_total = 0, sv_kept = 0;
  if (n <= SMALL) goto whole;
  {
    int given = job->sample && job->attempt == 0; /* a column sample gathered row by row */
    size_t ns = given ? job->nsample : sk_sel_sample_size(n);
    smp = malloc((ns ? ns : 1) * sizeof *smp);
    rk = malloc((job->maxr + 2 * SK_SEL_JOBB) * sizeof *rk);
    if (!smp || !rk) goto out;
    uint64_t seed = n + (uint64_t)job->attempt * 0x5851F42D4C957F2DULL;
    double widen = 3.0 * (double)(1 << job->attempt);
#ifdef SK_SEL_NARROW /* test build: brackets that miss and buffers that overflow, every time */
    widen = 0;
#endif
    size_t sv = 0;
    for (size_t i = 0; i < ns; i++) {
      double v = given ? job->sample[i] : src_val(s, rnd_below(&seed, n));
      if (v == v) smp[sv++] = v;
    }
    sv_kept = sv;
    size_t m_est = (size_t)((double)n * (double)sv / (double)ns + 0.5);
    size_t nr = sv && m_est ? job->ranks(m_est, job->ctx, rk, job->maxr) : 0;
    if (!nr) goto whole_free; /* nothing sampled to bracket with */
    /* sample positions bracketing each rank, grouped so at most SK_SEL_JOBB brackets remain */
    size_t per = (nr + SK_SEL_JOBB - 1) / SK_SEL_JOBB, nbk = 0;
    long *pos = (long *)(rk + job->maxr); /* 2 per bracket, after the rank list */
    for (size_t i = 0; i < nr; i += per) {
      size_t last = i + per - 1 < nr ? i + per - 1 : nr - 1;
      double p0 = ((double)rk[i] + 0.5) / (double)m_est, p1 = ((double)rk[last] + 0.5) / (double)m_est;
      /* 3 sigma of the sample rank (+3 for tiny samples): a miss per side ~1e-3, then retried */
      double d0 = widen * (sqrt((double)sv * p0 * (1 - p0)) + 1), d1 = widen * (sqrt((double)sv * p1 * (1 - p1)) + 1);
      pos[2 * nbk] = (long)floor(p0 * (double)sv - 0.5 - d0);
      pos[2 * nbk + 1] = (long)ceil(p1 * (double)sv - 0.5 + d1);
      nbk++;
    }
    /* the sample's order statistics at those positions, by the same method */
    size_t *sr = malloc(2 * nbk * sizeof *sr), nsr = 0;
    double *sval = malloc(2 * nbk * sizeof *sval);
    if (!sr || !sval) { free(sr); free(sval); goto out; }
    for (size_t i = 0; i < 2 * nbk; i++) { /* positions are ascending per side; merge both */
      long p = pos[i];
      if (p >= 0 && p < (long)sv) sr[nsr++] = (size_t)p;
    }
    nsr = sk_sort_unique(sr, nsr); /* the wanted sample ranks, ascending */
    st = select_buf(smp, sv, sr, nsr, sval, 0);
    if (st != SK_OK) { free(sr); free(sval); goto out; }
    for (size_t i = 0; i < nbk; i++) {
      double pv[2];
      for (int e = 0; e < 2; e++) {
        long p = pos[2 * i + e];
        if (p < 0) pv[e] = -INFINITY;
        else if (p >= (long)sv) pv[e] = INFINITY;
        else pv[e] = sk_value_at(sr, sval, nsr, (size_t)p);
      }
      double frac = (double)(pos[2 * i + 1] - pos[2 * i]) / (double)sv;
      size_t cap = (size_t)(1.5 * frac * (double)n) + 64;
      if (cap > n) cap = n;
#ifdef SK_SEL_NARROW
      cap = 1;
#endif
      if (job->nb && pv[0] < job->b[job->nb - 1].hi) { /* overlaps the previous: widen it */
        sk_bracket *pb = &job->b[job->nb - 1];
        if (pv[1] > pb->hi) pb->hi = pv[1];
        cap_total -= pb->cap;
        pb->cap = pb->cap + cap > n ? n : pb->cap + cap;
        cap_total += pb->cap;
        continue;
      }
      job->b[job->nb++] = (sk_bracket){.lo = pv[0], .hi = pv[1], .cap = cap};
      cap_total += cap;
    }
    free(sr);
    free(sval);
    goto alloc;
  }
whole_free:
  free(smp), smp = NULL;
whole: /* one bracket holding every finite value (capped when the sample saw only NaN) */
  job->b[0] = (sk_bracket){.lo = -INFINITY, .hi = INFINITY, .cap = n <= SMALL ? n : 64};
  job->nb = 1;
  cap_total = job->b[0].cap;
alloc:
  st = plan_alloc(job, cap_total);
  if (st == SK_OK && job->keep_sample && smp && job->attempt == 0)
    job->kept = smp, job->nkept = sv_kept, smp = NULL;
out:
  free(smp);
  free(rk);
  return st;
}

/* hands the bracket buffers back (to the kept slot, unless a caller's block lent them) */
static void release_mem(sk_sel_job *job) {
  if (!job->borrowed) sk_ws_put(&sel_ws, job->mem);
  job->mem = NULL, job->borrowed = 0;
}

sk_status sk_sel_rebracket(sk_sel_job *job, const double *lohi, size_t nb) {
  size_t n = job->src.n, cap_total = 0, sv = job->nkept;
  sk_bracket old[SK_SEL_JOBB];
  size_t nold = job->nb;
  memcpy(old, job->b, nold * sizeof *old);
  release_mem(job);
  for (size_t i = 0; i < nb; i++) {
    double lo = lohi[2 * i], hi = lohi[2 * i + 1];
    size_t cap = 0;
    for (size_t j = 0; j < nold && !cap; j++)
      if (old[j].lo == lo && old[j].hi == hi) cap = old[j].cap;
    if (!cap) { /* the planner's rule, on the sample's count inside */
      size_t in = 0;
      for (size_t j = 0; j < sv; j++) in += (job->kept[j] > lo) & (job->kept[j] < hi);
      cap = (size_t)(1.5 * (double)in / (double)sv * (double)n) + 64;
      if (cap > n) cap = n;
    }
    job->b[i] = (sk_bracket){.lo = lo, .hi = hi, .cap = cap};
    cap_total += cap;
  }
  job->nb = nb;
  return plan_alloc(job, cap_total);
}

void sk_sel_free(sk_sel_job *job) {
  release_mem(job);
  free(job->kept);
  job->kept = NULL, job->nkept = 0;
}

/* Copy the non-NaN values of the source and sort them: the guaranteed path. */
static sk_status fallback(const sk_sel_src *s, const size_t *r, size_t nr, double *vals) {
  double *a = malloc((s->n ? s->n : 1) * sizeof *a);
  if (!a) return SK_ENOMEM;
  size_t m = 0;
  for (size_t i = 0; i < s->n; i++) {
    double v = src_val(s, i);
    if (v == v) a[m++] = v;
  }
  sort_d(a, m);
  for (size_t i = 0; i < nr; i++) vals[i] = a[r[i]];
  free(a);
  return SK_OK;
}

static sk_status resolve_depth(sk_sel_job *job, size_t *r, double *vals, size_t *nr, int depth) {
  size_t m = job->src.n - job->nan;
  *nr = m ? job->ranks(m, job->ctx, r, job->maxr) : 0;
  size_t i = 0;
  for (size_t bi = 0; bi < job->nb && i < *nr; bi++) {
    sk_bracket *b = &job->b[bi];
    size_t nin = b->lt_hi > b->le_lo ? b->lt_hi - b->le_lo : 0;
    int buf_ok = b->nbuf == nin && nin <= b->cap;
    /* ranks below this bracket were missed by the sample */
    if (r[i] < b->lt_lo) return MISS; /* a rank between brackets: the sample was off */
    size_t first = i, nbuf_ranks = 0;
    for (; i < *nr && r[i] < b->le_hi; i++) {
      if (r[i] < b->le_lo) vals[i] = b->lo;
      else if (r[i] >= b->lt_hi) vals[i] = b->hi;
      else nbuf_ranks++;
    }
    if (!nbuf_ranks) continue;
    if (!buf_ok) return MISS;
    size_t *lr = malloc(nbuf_ranks * sizeof *lr);
    double *lv = malloc(nbuf_ranks * sizeof *lv);
    if (!lr || !lv) { free(lr); free(lv); return SK_ENOMEM; }
    size_t u = 0;
    for (size_t j = first; j < i; j++)
      if (r[j] >= b->le_lo && r[j] < b->lt_hi) lr[u++] = r[j] - b->le_lo;
    /* a buffer that did not shrink the problem is finished by quickselect, not recursion */
    sk_status st = select_buf(b->buf, nin, lr, u, lv, nin * 2 > job->src.n ? MAX_DEPTH : depth + 1);
    u = 0;
    for (size_t j = first; j < i; j++)
      if (r[j] >= b->le_lo && r[j] < b->lt_hi) vals[j] = lv[u++];
    free(lr);
    free(lv);
    if (st != SK_OK) return st;
  }
  if (i < *nr) return MISS; /* ranks above every bracket */
  return SK_OK;
}

/* A miss re-plans with a fresh sample and twice the margin (the pass runs again over the whole
 * source); after ATTEMPTS plans, the sort fallback. */
/* After a fast pass: #(v < lo) is known per bracket and the shared buffer holds every value of
 * every closed bracket, so the robust pass over that buffer (small) gives the other counts and
 * fills the bracket buffers. A full shared buffer is a miss. */
static sk_status complete_fast(sk_sel_job *job) {
  job->fast = 0;
  if (job->shared.nbuf > job->shared.cap) return MISS;
  size_t lt[SK_SEL_MAXB];
  for (size_t i = 0; i < job->nb; i++) {
    sk_bracket *b = &job->b[i];
    lt[i] = b->lt_lo;
    b->lt_lo = b->le_lo = b->lt_hi = b->le_hi = b->nbuf = 0;
  }
  if (job->shared.nbuf) { /* in chunks too when long: the deal was 1/4 of a 2-thread call */
    sk_sel_src sb = {.x = job->shared.buf, .n = job->shared.nbuf, .stride = 1, .mode = SK_SEL_RAW};
    int deal = SK_K->sel_deal && job->nb >= 5 && job->nb <= 7; /* below 5 brackets it was slower */
    size_t nan0 = job->nan;
    run(job, deal ? RUN_DEAL : RUN_PASS, &sb, 0, job->shared.nbuf);
    job->nan = nan0; /* (the buffer holds no NaN) */
  }
  for (size_t i = 0; i < job->nb; i++) { /* buffer counts below lo belong to other brackets */
    sk_bracket *b = &job->b[i];
    size_t below = b->lt_lo;
    b->lt_lo = lt[i];
    b->le_lo = lt[i] + (b->le_lo - below);
    b->lt_hi = lt[i] + (b->lt_hi - below);
    b->le_hi = lt[i] + (b->le_hi - below);
  }
  return SK_OK;
}

static sk_status resolve_retry(sk_sel_job *job, size_t *r, double *vals, size_t *nr, int depth) {
  sk_status st = job->fast ? complete_fast(job) : SK_OK;
  if (st == SK_OK) st = resolve_depth(job, r, vals, nr, depth);
  else *nr = job->src.n - job->nan ? job->ranks(job->src.n - job->nan, job->ctx, r, job->maxr) : 0;
  /* test hook: SIMDKERN_SEL_NO_RETRY=1 fails a miss with SK_ENOTSUP instead of re-planning, so
   * a test can tell counts that were right from counts the retry covered for (read on a miss only) */
  if (st == MISS && getenv("SIMDKERN_SEL_NO_RETRY")) return SK_ENOTSUP;
  while (st == MISS && job->attempt + 1 < ATTEMPTS) {
    sk_sel_free(job);
    job->attempt++;
    if ((st = sk_sel_plan(job)) != SK_OK) return st;
    job->nan = 0;
    sk_sel_pass(job, 0, job->src.n);
    st = resolve_depth(job, r, vals, nr, depth);
  }
  return st == MISS ? fallback(&job->src, r, *nr, vals) : st;
}

sk_status sk_sel_resolve(sk_sel_job *job, size_t *r, double *vals, size_t *nr) {
  return resolve_retry(job, r, vals, nr, 0);
}

sk_status sk_sel_select(double *a, size_t n, const size_t *r, size_t nr, double *vals) {
  return select_buf(a, n, r, nr, vals, 0);
}

/* Order statistics of a buffer we own (no NaN): small ones are sorted, others recurse. */
static sk_status select_buf(double *a, size_t n, const size_t *r, size_t nr, double *vals, int depth) {
  if (n <= SMALL || depth >= MAX_DEPTH) return small_select(a, n, r, nr, vals);
  fixed_ranks f = {r, nr};
  sk_sel_job job = {.src = {.x = a, .f32 = 0, .n = n, .stride = 1, .mode = SK_SEL_RAW},
                    .ranks = fixed_fn, .ctx = &f, .maxr = nr, .allow_fast = 1};
  size_t *rr = malloc((nr ? nr : 1) * sizeof *rr), got;
  if (!rr) return SK_ENOMEM;
  sk_status st = sk_sel_plan(&job);
  if (st == SK_OK) {
    sk_sel_pass(&job, 0, n);
    st = resolve_retry(&job, rr, vals, &got, depth);
  }
  sk_sel_free(&job);
  free(rr);
  return st;
}
