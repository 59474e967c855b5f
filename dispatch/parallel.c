/* Parallel loop over blocks for the matrix kernels. Blocks are handed out through an atomic
 * counter, and a block's result never depends on which thread ran it, so outputs are
 * bitwise-identical for any thread count. A thread that cannot be created is not an error: the
 * calling thread does its share. */
#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <stdint.h>

#include "internal.h"

typedef struct {
  size_t nblocks;
  atomic_size_t next;
  sk_block_fn fn;
  void *ctx;
} job_t;

static void *worker(void *arg) {
  job_t *j = arg;
  for (;;) {
    size_t b = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed);
    if (b >= j->nblocks) break;
    j->fn(j->ctx, b);
  }
  return NULL;
}

void sk_parallel_blocks(size_t nblocks, double work, sk_block_fn fn, void *ctx) {
  size_t nt = sk_get_num_threads();
  /* threads cost ~10-50 us to start: only for work worth several times that */
  if (work < 4e6) nt = 1;
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
  size_t nb = work < 4e6 ? 1 : sk_get_num_threads();
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
