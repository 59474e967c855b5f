/* Non-destructive selection (order statistics) on top of the per-ISA bracket pass.
 * Plan: sample the source, bracket each wanted rank between two sample values; one streaming pass
 * counts values below/at the pivots and copies the few strictly inside into small buffers; resolve:
 * each rank is a pivot or lies in a buffer, where the same method recurses (the buffer is ours).
 * A rank the sample missed falls back to copying the non-NaN values and sorting them: the worst
 * case stays O(n log n), and the input is never written. */
#ifndef SK_SELECT_H
#define SK_SELECT_H
#include "internal.h"

/* The values the ranks are taken from: x[i * stride] (float or double), seen through mode. */
typedef struct {
  const void *x;
  int f32;
  size_t n, stride;
  int mode; /* SK_SEL_RAW / SK_SEL_ABSDEV / SK_SEL_ABSDEV_F32 */
  double center;
} sk_sel_src;

/* Which order statistics are wanted once the count m >= 1 of non-NaN values is known: writes at
 * most max ascending ranks (< m) and returns how many. */
typedef size_t (*sk_rank_fn)(size_t m, const void *ctx, size_t *ranks, size_t max);

#define SK_SEL_JOBB 64
/* Rank planning and resolution for one source (a 1-D input or one matrix column). */
typedef struct {
  sk_sel_src src;
  sk_rank_fn ranks;
  const void *ctx;
  size_t maxr;          /* the most ranks ranks() can return */
  sk_bracket b[SK_SEL_JOBB];
  size_t nb;            /* brackets planned; a pass serves SK_SEL_MAXB of them at a time */
  size_t nan;           /* NaN values the pass saw */
  double *mem;          /* bracket buffers */
  int defer;            /* plans only size them (words); the caller binds them (sk_sel_bind) */
  size_t words;         /* doubles the buffers take */
  int borrowed;         /* mem is the caller's (bound): never released here */
  int attempt;          /* 0 for the first plan; retries widen the margin */
  int allow_fast;       /* the caller runs passes through sk_sel_pass (not the column kernel) */
  int fast;             /* planned: the first pass is sel_fast into `shared` */
  sk_bracket shared;
  const double *sample; /* optional first-plan sample (transformed values), nsample of them */
  size_t nsample;
  int keep_sample;      /* the plan hands its sample (non-NaN, transformed) to kept/nkept */
  double *kept;         /* freed by sk_sel_free */
  size_t nkept;
} sk_sel_job;

/* Plans brackets for job (src, ranks, ctx, maxr set by the caller); more than SK_SEL_JOBB wanted
 * brackets are merged into SK_SEL_JOBB wider ones. */
sk_status sk_sel_plan(sk_sel_job *job);
/* The pass over source elements [i0, i0 + cnt), every planned bracket; counts accumulate. */
void sk_sel_pass(sk_sel_job *job, size_t i0, size_t cnt);
/* After the pass(es): m = src.n - nan non-NaN values; vals[i] = the value of rank r[i] for the
 * r = ranks(m) (returns their count through *nr; 0 when m == 0). */
sk_status sk_sel_resolve(sk_sel_job *job, size_t *r, double *vals, size_t *nr);
void sk_sel_free(sk_sel_job *job);
/* Lays out a deferred plan's buffers in mem (job->words doubles; the caller's, kept past
 * sk_sel_free). */
void sk_sel_bind(sk_sel_job *job, double *mem);
/* Replaces the planned brackets by nb <= SK_SEL_MAXB sorted, disjoint closed brackets
 * [lohi[2i], lohi[2i+1]], sized from the kept sample (which must be there). A bracket equal to
 * a planned one keeps its planned size. */
sk_status sk_sel_rebracket(sk_sel_job *job, const double *lohi, size_t nb);
/* Values at ascending ranks r of a NaN-free buffer we own (reordered). */
sk_status sk_sel_select(double *a, size_t n, const size_t *r, size_t nr, double *vals);
/* How many values a plan samples from n. */
size_t sk_sel_sample_size(size_t n);
/* One sample for every column of a rows x cols matrix, gathered from whole random rows (the
 * matrix is read row by row, not column by column): *out = cols runs of *ns transformed values
 * (NULL when the columns are small enough to need none); free() it. */
sk_status sk_sel_col_sample(const void *x, int f32, size_t rows, size_t cols, size_t ldx, int mode,
                            const double *center, double **out, size_t *ns);
/* A value seen through a mode: itself, |v - center|, or that rounded to float (what the pass
 * kernels compute). */
double sk_sel_view(double v, int mode, double center);
/* The value of `rank` given ascending ranks r[0..nr) and their values v (rank must be listed). */
double sk_value_at(const size_t *r, const double *v, size_t nr, size_t rank);
/* Sorts a short rank list ascending and drops repeats; returns the new length. */
size_t sk_sort_unique(size_t *r, size_t n);

#endif
