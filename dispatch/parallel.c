/* Parallel loop over blocks for the matrix kernels. Blocks are handed out through an atomic
 * counter, and a block's result never depends on which thread ran it, so outputs are
 * bitwise-identical for any thread count. A thread that cannot be created is not an error: the
 * calling thread does its share. */
#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <stdint.h>

#include "internal.h"

/* threads cost ~10-50 us to start: only for work (flops, roughly) worth several times that */
#define SK_PAR_MIN_WORK 4e6

typedef struct {
  size_t nblocks;
  atomic_size_t next;
  sk_block_fn fn;
  void *ctx;
} job_t;

/* set while this thread runs blocks: a parallel loop inside one runs on the calling thread
 * (every thread is busy already, and nesting would multiply them) */
static _Thread_local int in_blocks;

size_t sk_parallel_width(double work) {
  return work < SK_PAR_MIN_WORK || in_blocks ? 1 : sk_get_num_threads();
}

static void *worker(void *arg) {
  job_t *j = arg;
  int outer = in_blocks;
  in_blocks = 1;
  for (;;) {
    size_t b = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed);
    if (b >= j->nblocks) break;
    j->fn(j->ctx, b);
  }
  in_blocks = outer;
  return NULL;
}

void sk_parallel_blocks(size_t nblocks, double work, sk_block_fn fn, void *ctx) {
  size_t nt = sk_parallel_width(work);
  if (nt > nblocks) nt = nblocks;
  if (nt > 256) nt = 256;
  job_t job = {nblocks, 0, fn, ctx};
  pthread_t th[256];
  size_t started = 0;
  for (size_t t = 1; t < nt; t++) {
    if (pthread_create(&th[started], NULL, worker, &job) != 0) break;
    started++;
  }
  worker(&job);
  for (size_t t = 0; t < started; t++) pthread_join(th[t], NULL);
}

/* Row blocks, one per thread, each with its own staging buffer (allocated up front, so a failure
 * is reported before any output is written). */
typedef struct {
  size_t rows, nb, buf_bytes;
  unsigned char *bufs;
  sk_rows_fn fn;
  void *ctx;
} rows_job;

static void rows_block(void *v, size_t i) {
  const rows_job *j = v;
  size_t r0 = i * j->rows / j->nb, r1 = (i + 1) * j->rows / j->nb;
  j->fn(j->ctx, r0, r1 - r0, j->bufs ? j->bufs + i * j->buf_bytes : NULL);
}

sk_status sk_parallel_rows(size_t rows, double work, size_t buf_bytes, sk_rows_fn fn, void *ctx) {
  size_t nb = sk_parallel_width(work);
  if (nb > rows) nb = rows ? rows : 1;
  if (nb > 256) nb = 256;
  rows_job j = {rows, nb, buf_bytes, NULL, fn, ctx};
  if (buf_bytes) {
    if (buf_bytes > SIZE_MAX / nb || !(j.bufs = malloc(nb * buf_bytes))) return SK_ENOMEM;
  }
  sk_parallel_blocks(nb, work, rows_block, &j);
  free(j.bufs);
  return SK_OK;
}

/* Slices of columns, one per thread, a multiple of `unit` wide (whole vectors on every ISA). */
typedef struct {
  size_t cols, w;
  sk_cols_fn fn;
  void *ctx;
} cols_job;

static void cols_block(void *v, size_t i) {
  const cols_job *j = v;
  size_t j0 = i * j->w;
  j->fn(j->ctx, j0, j->cols - j0 < j->w ? j->cols - j0 : j->w);
}

void sk_parallel_cols(size_t cols, size_t unit, double work, sk_cols_fn fn, void *ctx) {
  if (!cols) return;
  size_t nt = sk_parallel_width(work);
  size_t w = ((cols + nt - 1) / nt + unit - 1) / unit * unit;
  cols_job j = {cols, w, fn, ctx};
  sk_parallel_blocks((cols + w - 1) / w, work, cols_block, &j);
}
