/* simdkern-bench: every vector-pair kernel x ISA x d, L1-resident and streaming from DRAM, with
 * peers timed by the same harness in the same process (OpenBLAS cblas_*dot, and SimSIMD/NumKong's
 * exported C kernels when their libraries are named in the environment; see bench/run.sh).
 *
 *   simdkern-bench [--quick] [--json FILE]        full table
 *   simdkern-bench --kernel dot_f32 --d 768 --calls N   run one kernel N times (for hyperfine)
 *   simdkern-bench --gemm [...]                   GEMM against OpenBLAS and BLIS (gemm_bench.c)
 *
 * Reports median ns/call, GB/s of input read, and the fraction of the machine's limit: L1 load
 * bandwidth = 2 loads x vector width per cycle at the measured clock; DRAM = measured read
 * bandwidth of a plain streaming sum. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <simdkern.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_time.h"
#include "openblas_core.h"

static volatile double sink;

/* ---- what is timed: simdkern's kernels and the peers, behind one signature ------------------ */
typedef void (*call_fn)(const void *a, const void *b, size_t n, void *ctx);
typedef struct { const char *name; int f32; call_fn fn; void *ctx; } subject;

#define SK_CALL(K, T)                                                           \
  static void call_##K(const void *a, const void *b, size_t n, void *ctx) {    \
    (void)ctx;                                                                  \
    double r;                                                                   \
    sk_##K((const T *)a, (const T *)b, n, &r);                                  \
    sink = r;                                                                   \
  }
SK_CALL(dot_f32, float)
SK_CALL(dot_f64, double)
SK_CALL(sqeuclidean_f32, float)
SK_CALL(sqeuclidean_f64, double)
SK_CALL(cosine_similarity_f32, float)
SK_CALL(cosine_similarity_f64, double)
SK_CALL(euclidean_f32, float)
SK_CALL(euclidean_f64, double)

static const struct { const char *name; int f32; call_fn fn; } kernels[] = {
    {"dot_f32", 1, call_dot_f32}, {"dot_f64", 0, call_dot_f64},
    {"sqeuclidean_f32", 1, call_sqeuclidean_f32}, {"sqeuclidean_f64", 0, call_sqeuclidean_f64},
    {"cosine_f32", 1, call_cosine_similarity_f32}, {"cosine_f64", 0, call_cosine_similarity_f64},
    {"euclidean_f32", 1, call_euclidean_f32}, {"euclidean_f64", 0, call_euclidean_f64},
};
#define NKERN (sizeof kernels / sizeof kernels[0])

/* Peers: C entry points found with dlsym. SimSIMD/NumKong write a double (their distance type)
 * or a float; a 16-byte result buffer covers both. */
typedef void (*pair_fn)(const void *, const void *, size_t, void *);
static void call_pair(const void *a, const void *b, size_t n, void *ctx) {
  double r[2];
  ((pair_fn)ctx)(a, b, n, r);
  sink = r[0];
}
typedef double (*blas_d)(int, const double *, int, const double *, int);
typedef double (*blas_ds)(int, const float *, int, const float *, int);
typedef float (*blas_s)(int, const float *, int, const float *, int);
static void *blas_ddot, *blas_dsdot, *blas_sdot;
static void call_ddot(const void *a, const void *b, size_t n, void *c) {
  (void)c; sink = ((blas_d)blas_ddot)((int)n, a, 1, b, 1);
}
static void call_dsdot(const void *a, const void *b, size_t n, void *c) {
  (void)c; sink = ((blas_ds)blas_dsdot)((int)n, a, 1, b, 1);
}
static void call_sdot(const void *a, const void *b, size_t n, void *c) {
  (void)c; sink = ((blas_s)blas_sdot)((int)n, a, 1, b, 1);
}

typedef struct { const char *kernel; const char *peer; const char *symbol; } peer_sym;
static const peer_sym peer_syms[] = {
    {"dot_f32", "simsimd", "simsimd_dot_f32"}, {"dot_f64", "simsimd", "simsimd_dot_f64"},
    {"sqeuclidean_f32", "simsimd", "simsimd_l2sq_f32"}, {"sqeuclidean_f64", "simsimd", "simsimd_l2sq_f64"},
    {"cosine_f32", "simsimd", "simsimd_cos_f32"}, {"cosine_f64", "simsimd", "simsimd_cos_f64"},
    {"euclidean_f32", "simsimd", "simsimd_l2_f32"}, {"euclidean_f64", "simsimd", "simsimd_l2_f64"},
    {"dot_f32", "numkong", "nk_dot_f32"}, {"dot_f64", "numkong", "nk_dot_f64"},
    {"sqeuclidean_f32", "numkong", "nk_sqeuclidean_f32"}, {"sqeuclidean_f64", "numkong", "nk_sqeuclidean_f64"},
    {"cosine_f32", "numkong", "nk_angular_f32"}, {"cosine_f64", "numkong", "nk_angular_f64"},
    {"euclidean_f32", "numkong", "nk_euclidean_f32"}, {"euclidean_f64", "numkong", "nk_euclidean_f64"},
};
static void *peer_lib[2]; /* simsimd, numkong */
static const char *openblas_core = NULL;

static void load_peers(void) {
  const char *py = getenv("SK_BENCH_LIBPYTHON"); /* their libraries are Python extensions */
  if (py && *py && !dlopen(py, RTLD_NOW | RTLD_GLOBAL))
    fprintf(stderr, "bench: cannot load %s: %s\n", py, dlerror());
  const char *env[2] = {"SK_BENCH_SIMSIMD", "SK_BENCH_NUMKONG"};
  for (int i = 0; i < 2; i++) {
    const char *p = getenv(env[i]);
    if (p && *p && !(peer_lib[i] = dlopen(p, RTLD_NOW | RTLD_LOCAL)))
      fprintf(stderr, "bench: cannot load %s: %s\n", p, dlerror());
  }
  const char *ob = getenv("SK_BENCH_OPENBLAS");
  void *blas = dlopen(ob && *ob ? ob : "libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
  if (blas) {
    blas_ddot = dlsym(blas, "cblas_ddot");
    blas_dsdot = dlsym(blas, "cblas_dsdot");
    blas_sdot = dlsym(blas, "cblas_sdot");
    char *(*core)(void) = (char *(*)(void))dlsym(blas, "openblas_get_corename");
    if (core) openblas_core = core();
  }
}

/* Peer subjects for one kernel; returns the count. */
static size_t peers_for(const char *kernel, subject *out) {
  size_t n = 0;
  for (size_t i = 0; i < sizeof peer_syms / sizeof peer_syms[0]; i++) {
    if (strcmp(peer_syms[i].kernel, kernel) != 0) continue;
    void *lib = peer_lib[strcmp(peer_syms[i].peer, "numkong") == 0];
    void *f = lib ? dlsym(lib, peer_syms[i].symbol) : NULL;
    if (f) out[n++] = (subject){peer_syms[i].peer, strstr(kernel, "f32") != NULL, call_pair, f};
  }
  if (strcmp(kernel, "dot_f64") == 0 && blas_ddot) out[n++] = (subject){"openblas_ddot", 0, call_ddot, NULL};
  if (strcmp(kernel, "dot_f32") == 0 && blas_dsdot) out[n++] = (subject){"openblas_dsdot", 1, call_dsdot, NULL};
  if (strcmp(kernel, "dot_f32") == 0 && blas_sdot) out[n++] = (subject){"openblas_sdot(f32 acc)", 1, call_sdot, NULL};
  return n;
}

/* ---- machine limits -------------------------------------------------------------------------- */
static double measure_ghz(void) {
#if defined(__x86_64__)
  /* a chain of dependent 3-cycle imuls (add chains are not: Golden Cove folds add-immediate) */
  double best = 0;
  for (int rep = 0; rep < 5; rep++) {
    uint64_t n = 20000000, x = 3;
    double t = bench_now_ns();
    __asm__ volatile("1: imul %0, %0\n imul %0, %0\n dec %1\n jnz 1b" : "+r"(x), "+r"(n));
    double ghz = 6.0 * 20000000 / (bench_now_ns() - t);
    if (ghz > best) best = ghz;
  }
  return best;
#elif defined(__aarch64__)
  double best = 0;
  for (int rep = 0; rep < 5; rep++) {
    uint64_t n = 50000000, x = 0;
    double t = bench_now_ns();
    __asm__ volatile("1: add %0, %0, #1\n add %0, %0, #1\n add %0, %0, #1\n add %0, %0, #1\n subs %1, %1, #1\n b.ne 1b"
                     : "+r"(x), "+r"(n) : : "cc");
    double ghz = 4.0 * 50000000 / (bench_now_ns() - t);
    if (ghz > best) best = ghz;
  }
  return best;
#else
  return 0;
#endif
}

/* Read bandwidth of a plain 8-accumulator sum over a buffer far larger than the caches. */
static double measure_dram_gbs(const double *buf, size_t n) {
  double best = 0;
  for (int rep = 0; rep < 3; rep++) {
    double s[8] = {0};
    double t = bench_now_ns();
    for (size_t i = 0; i + 8 <= n; i += 8)
      for (int k = 0; k < 8; k++) s[k] += buf[i + k];
    double gbs = (double)n * 8 / (bench_now_ns() - t);
    sink = s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
    if (gbs > best) best = gbs;
  }
  return best;
}

static size_t vec_bytes(sk_isa isa) {
  switch (isa) {
  case SK_ISA_AVX512: return 64;
  case SK_ISA_AVX2: return 32;
  case SK_ISA_SSE42: case SK_ISA_NEON: return 16;
  default: /* portable C: the compiler may use the baseline vector unit (SSE2 on x86-64) */
#if defined(__x86_64__) || defined(__aarch64__)
    return 16;
#else
    return 8;
#endif
  }
}

/* ---- timing ------------------------------------------------------------------------------------ */
/* The subjects are timed round-robin (one batch each per round, `reps` rounds) and each gets the
 * median of its rounds: on a shared, noisy machine a slow spell then hits every subject alike.
 * L1: a batch repeats the call on the same two vectors for about 20 us. DRAM: one query against
 * every row of a buffer several times the L3. Result: ns per call. */
typedef struct {
  const subject *s; const sk_isa *isa; size_t n;
  const void *a, *b; size_t d;          /* L1 */
  const char *rows; size_t nrows, esz;  /* DRAM when rows != NULL */
} timing;

static double run_once(const timing *t, size_t i, size_t batch) {
  const subject *s = &t->s[i];
  sk_isa_use(t->isa[i]);
  double t0 = bench_now_ns();
  if (t->rows)
    for (size_t r = 0; r < t->nrows; r++) s->fn(t->a, t->rows + r * t->d * t->esz, t->d, s->ctx);
  else
    for (size_t k = 0; k < batch; k++) s->fn(t->a, t->b, t->d, s->ctx);
  return (bench_now_ns() - t0) / (double)(t->rows ? t->nrows : batch);
}

static void time_all(const timing *t, int reps, double *out) {
  size_t batch[16];
  for (size_t i = 0; i < t->n; i++) {
    batch[i] = 1;
    while (!t->rows && run_once(t, i, batch[i]) * (double)batch[i] < 20000 && batch[i] < (1u << 24))
      batch[i] *= 2;
  }
  double v[16][64];
  for (int r = 0; r < reps; r++)
    for (size_t i = 0; i < t->n; i++) v[i][r] = run_once(t, i, batch[i]);
  for (size_t i = 0; i < t->n; i++) {
    qsort(v[i], (size_t)reps, sizeof v[i][0], bench_cmp_d);
    out[i] = v[i][reps / 2];
  }
}

static void *alloc_fill(size_t bytes, int f32, uint64_t seed) {
  void *p = aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!p) { fprintf(stderr, "bench: out of memory\n"); exit(1); }
  size_t n = bytes / (f32 ? 4 : 8);
  for (size_t i = 0; i < n; i++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    double x = (double)(seed >> 11) * 0x1p-53 - 0.5;
    if (f32) ((float *)p)[i] = (float)x; else ((double *)p)[i] = x;
  }
  return p;
}

int gemm_bench_main(int argc, char **argv);

int main(int argc, char **argv) {
  openblas_fair_core(argv);
  if (argc > 1 && !strcmp(argv[1], "--gemm")) return gemm_bench_main(argc, argv);
  const char *only = NULL, *json_path = NULL;
  size_t one_d = 768, calls = 0;
  int quick = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--kernel") && i + 1 < argc) only = argv[++i];
    else if (!strcmp(argv[i], "--d") && i + 1 < argc) one_d = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--calls") && i + 1 < argc) calls = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--json") && i + 1 < argc) json_path = argv[++i];
    else if (!strcmp(argv[i], "--quick")) quick = 1;
    else { fprintf(stderr, "usage: %s [--quick] [--json FILE] | --kernel NAME --d D --calls N\n", argv[0]); return 2; }
  }

  /* hyperfine mode: the active ISA (SIMDKERN_ISA) runs one kernel `calls` times */
  if (only && calls) {
    for (size_t k = 0; k < NKERN; k++)
      if (!strcmp(kernels[k].name, only)) {
        size_t esz = kernels[k].f32 ? 4 : 8;
        void *a = alloc_fill(one_d * esz, kernels[k].f32, 1), *b = alloc_fill(one_d * esz, kernels[k].f32, 2);
        subject s = {"simdkern", kernels[k].f32, kernels[k].fn, NULL};
        for (size_t i = 0; i < calls; i++) s.fn(a, b, one_d, NULL);
        return 0;
      }
    fprintf(stderr, "unknown kernel %s\n", only);
    return 2;
  }

  load_peers();
  sk_isa start = sk_isa_active();
  double ghz = measure_ghz();
  size_t big_bytes = (size_t)(quick ? 256 : 512) << 20; /* several times any L3 here */
  /* rows to stream, as valid doubles and as valid floats (f64 bits read as floats would be
   * NaN, Inf and subnormals half the time) */
  double *big = alloc_fill(big_bytes, 0, 3);
  float *big32 = alloc_fill(big_bytes, 1, 4);
  double dram = measure_dram_gbs(big, big_bytes / 8);
  int reps = quick ? 9 : 31;

  sk_cpu_info ci;
  sk_cpu_info_get(&ci);
  printf("# simdkern-bench: %s, clock %.2f GHz (measured), DRAM read %.1f GB/s (measured, 1 core)\n",
         ci.model, ghz, dram);
  printf("# OpenBLAS core: %s%s | peers loaded: simsimd %s, numkong %s\n", openblas_core ? openblas_core : "not loaded",
         openblas_core ? openblas_core_note() : "", peer_lib[0] ? "yes" : "no", peer_lib[1] ? "yes" : "no");
  printf("# L1 limit = 2 loads x vector width per cycle; ratio = peer time / simdkern time (>1: simdkern faster)\n\n");

  FILE *js = json_path ? fopen(json_path, "w") : NULL;
  if (js) fprintf(js, "{\"ghz\": %.3f, \"dram_gbs\": %.2f, \"results\": [\n", ghz, dram);
  int first_json = 1;

  static const size_t dims[] = {50, 128, 384, 768, 1536};
  printf("| kernel | d | where | who | ns/call | GB/s | %% of limit | best-ISA speedup vs this |\n");
  printf("|---|---|---|---|---|---|---|---|\n");
  for (size_t k = 0; k < NKERN; k++) {
    if (only && strcmp(only, kernels[k].name)) continue;
    int f32 = kernels[k].f32;
    size_t esz = f32 ? 4 : 8;
    subject peers[8];
    size_t np = peers_for(kernels[k].name, peers);
    for (size_t di = 0; di < sizeof dims / sizeof dims[0]; di++) {
      size_t d = dims[di];
      if (quick && d != 768 && d != 128) continue;
      for (int where = 0; where < 2; where++) { /* 0 = L1-resident, 1 = streaming from DRAM */
        if (where == 1 && quick && d != 768) continue;
        size_t nrows = big_bytes / (d * esz);
        void *a = alloc_fill(d * esz, f32, 1), *b = alloc_fill(d * esz, f32, 2);
        const char *rows = f32 ? (const char *)big32 : (const char *)big;
        double bytes = where == 0 ? 2.0 * (double)(d * esz) : (double)(d * esz);
        /* subjects: simdkern per supported ISA, then peers */
        subject subj[16];
        sk_isa sisa[16];
        size_t ns = 0;
        for (int isa = SK_ISA_SCALAR; isa <= SK_ISA_NEON; isa++)
          if (sk_isa_supported((sk_isa)isa)) {
            sisa[ns] = (sk_isa)isa;
            subj[ns++] = (subject){sk_isa_name((sk_isa)isa), f32, kernels[k].fn, NULL};
          }
        size_t nsk = ns;
        for (size_t p = 0; p < np; p++) { sisa[ns] = start; subj[ns++] = peers[p]; }
        double t[16];
        timing tm = {subj, sisa, ns, a, b, d, where ? rows : NULL, nrows, esz};
        time_all(&tm, where ? 3 : reps, t);
        sk_isa_use(start);
        double best = t[nsk - 1]; /* the strongest ISA */
        for (size_t s = 0; s < ns; s++) {
          double gbs = bytes / t[s];
          double limit = where == 0 ? (s < nsk ? 2.0 * (double)vec_bytes(sisa[s]) * ghz : 0) : dram;
          char pct[16] = "-";
          if (limit > 0) snprintf(pct, sizeof pct, "%.0f%%", 100.0 * gbs / limit);
          printf("| %s | %zu | %s | %s%s | %.1f | %.1f | %s | %.2fx |\n", kernels[k].name, d,
                 where ? "DRAM" : "L1", s < nsk ? "simdkern " : "", subj[s].name, t[s], gbs, pct,
                 t[s] / best);
          if (js)
            fprintf(js, "%s{\"kernel\": \"%s\", \"d\": %zu, \"where\": \"%s\", \"who\": \"%s%s\", \"ns\": %.3f, \"gbs\": %.3f}",
                    first_json ? "" : ",\n", kernels[k].name, d, where ? "dram" : "l1",
                    s < nsk ? "simdkern-" : "", subj[s].name, t[s], gbs), first_json = 0;
        }
        free(a);
        free(b);
      }
    }
  }
  if (js) { fprintf(js, "\n]}\n"); fclose(js); }
  free(big);
  free(big32);
  return 0;
}
