/* Internal interface of dispatch/: detection results and the active kernel table. */
#ifndef SK_INTERNAL_H
#define SK_INTERNAL_H
#include "../kernels/kernels.h"
#include "simdkern.h"

/* Bit (1u << isa) for every ISA this CPU + OS can run (whether compiled or not). Cached. */
unsigned sk_detect_mask(void);
/* Fills what detection knows about the CPU; never fails. */
void sk_detect_describe(sk_cpu_info *out);

/* The active table and its ISA, behind one atomic pointer so a reader never sees a torn pair.
 * NULL until the first use resolves it (sk_table_resolve). */
#include <stdatomic.h>
typedef struct { sk_isa isa; const sk_kernels *k; } sk_active_t;
extern _Atomic(const sk_active_t *) sk_g_active;
const sk_active_t *sk_table_resolve(void);
static inline const sk_active_t *sk_active(void) {
  const sk_active_t *a = atomic_load_explicit(&sk_g_active, memory_order_acquire);
  return a ? a : sk_table_resolve();
}
#define SK_K (sk_active()->k)

/* A big scratch block kept for the next call (dispatch/workspace.c): get returns one of at least
 * `bytes` (64-byte aligned; NULL when out of memory), put hands it back to the slot. */
typedef _Atomic(unsigned char *) sk_ws;
void *sk_ws_get(sk_ws *slot, size_t bytes);
void sk_ws_put(sk_ws *slot, void *p);

/* Runs fn(ctx, b) for b in [0, nblocks) on up to sk_get_num_threads() threads; `work` (flops,
 * roughly) decides whether threads are worth starting. */
typedef void (*sk_block_fn)(void *ctx, size_t block);
void sk_parallel_blocks(size_t nblocks, double work, sk_block_fn fn, void *ctx);
/* The threads a parallel loop of this much work runs on: 1 below the threshold and inside a
 * block of another loop (nested loops run on the calling thread), else sk_get_num_threads(). */
size_t sk_parallel_width(double work);
/* Rows [r0, r0 + n) of an element-wise row transform, blocks of rows in parallel (one per
 * thread when the work is worth it), each block with its own buf of buf_bytes (NULL when 0).
 * Rows must be independent: then any thread count writes the same bits. */
typedef void (*sk_rows_fn)(void *ctx, size_t r0, size_t n, void *buf);
sk_status sk_parallel_rows(size_t rows, double work, size_t buf_bytes, sk_rows_fn fn, void *ctx);
/* Columns [j0, j0 + n) of a column kernel, one slice per thread (a multiple of `unit` columns
 * wide). A slice's result must depend on its own columns only: then any count gives the same bits. */
typedef void (*sk_cols_fn)(void *ctx, size_t j0, size_t n);
void sk_parallel_cols(size_t cols, size_t unit, double work, sk_cols_fn fn, void *ctx);
/* Cosine similarity from the kernels' sums s = {a.b, a.a, b.b}, as sk_cosine_similarity finishes
 * it (the scaled slow path where the sums over- or underflow) */
double sk_cos_finish_f32(const float *a, const float *b, size_t n, const double s[3]);
double sk_cos_finish_f64(const double *a, const double *b, size_t n, const double s[3]);

/* a * b * c without overflow (SK_EOVERFLOW otherwise) */
static inline int sk_mul_ok(size_t a, size_t b, size_t c, size_t *out) {
  size_t ab;
  if (__builtin_mul_overflow(a, b, &ab) || __builtin_mul_overflow(ab, c, out)) return 0;
  return 1;
}

/* Byte extent of a rows x cols matrix with leading dimension ld (0 when empty). */
static inline size_t sk_extent(size_t rows, size_t cols, size_t ld, size_t esz) {
  return rows && cols ? ((rows - 1) * ld + cols) * esz : 0;
}
/* rows x cols matrix at p with leading dimension ld: ld >= max(1, cols) always; p may be NULL
 * only when the matrix is empty; its byte size must fit size_t. */
static inline sk_status sk_check_mat(size_t rows, size_t cols, const void *p, size_t ld, size_t esz) {
  size_t bytes;
  if (ld < (cols ? cols : 1)) return SK_EINVAL;
  if (!p && rows && cols) return SK_EINVAL;
  if (!sk_mul_ok(rows, ld, esz, &bytes)) return SK_EOVERFLOW;
  return SK_OK;
}

/* n elements at x with a stride (>= 1, in elements): x may be NULL only when empty; the byte
 * count n * stride * esz must fit size_t. */
static inline sk_status sk_check_vec(const void *x, size_t n, size_t stride, size_t esz) {
  size_t bytes;
  if (stride == 0 || (n && !x)) return SK_EINVAL;
  if (!sk_mul_ok(n, stride, esz, &bytes)) return SK_EOVERFLOW;
  return SK_OK;
}
static inline int sk_nan_ok(sk_nan_policy nan) { return nan == SK_NAN_PROPAGATE || nan == SK_NAN_OMIT; }
/* the same, for the statistics that also take a NaN policy */
static inline sk_status sk_check_vec_nan(const void *x, size_t n, size_t stride, size_t esz,
                                         sk_nan_policy nan) {
  return sk_nan_ok(nan) ? sk_check_vec(x, n, stride, esz) : SK_EINVAL;
}

/* Do [a, a + na) and [b, b + nb) overlap? */
static inline int sk_overlap(const void *a, size_t na, const void *b, size_t nb) {
  const char *pa = a, *pb = b;
  return na && nb && pa < pb + nb && pb < pa + na;
}

/* Non-temporal output for row transforms: worth it past SK_STREAM_BYTES of output (smaller ones
 * are read back soon) and never in place. Rows of 4 KiB+ stream one by one; shorter rows only when
 * contiguous (ldo == cols), *rb of them (~8 KiB) per run, since streaming each short row leaves
 * partial lines at its ends (measured slower). Returns 0 (plain stores) or 1; *rb >= 1. */
#define SK_STREAM_BYTES ((size_t)8 << 20)
static inline int sk_row_stream(size_t cols, size_t ldo, size_t esz, size_t out_bytes, int in_place,
                                size_t *rb) {
  *rb = 1;
  if (in_place || out_bytes < SK_STREAM_BYTES || !cols) return 0;
  if (cols * esz >= 4096) return 1;
  if (ldo != cols) return 0;
  *rb = (8192 + cols * esz - 1) / (cols * esz);
  return 1;
}

#endif
