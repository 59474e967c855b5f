/* simdkern-bench --gemm: sk_gemm_f64/f32 against OpenBLAS and BLIS (cblas_dgemm/cblas_sgemm
 * through dlopen; each peer optional), timed round-robin in one process so a noisy spell hits
 * every subject alike; median of the rounds.
 *
 *   simdkern-bench --gemm [--threads N] [--isas avx512,avx2] [--sizes 64,256,2048] [--type f64|f32]
 *                         [--no-skinny] [--cpu-time] [--rounds N (minimum)] [--quick]
 *
 * SK_BENCH_OPENBLAS / SK_BENCH_BLIS name the libraries (defaults libopenblas.so.0, libblis.so.4);
 * BLIS_ARCH_TYPE / OPENBLAS_CORETYPE select their kernels as usual. Ratio = peer time / simdkern
 * time of the first ISA listed (> 1: simdkern faster). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <simdkern.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_time.h"
#include "fma_peak.h"
#include "openblas_core.h"

/* CBLAS: order 101 = row-major, 111 = no transpose */
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int, const double *,
                         int, double, double *, int);
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int,
                         float, float *, int);
typedef struct { const char *name; void *lib; dgemm_fn d; sgemm_fn s; } peer;

typedef struct { size_t m, n, k; int f32; const void *a, *b; void *c; } problem;

/* who: -1..-P peers (index -1 - who), else an sk_isa */
static void run(const problem *p, int who, const peer *peers) {
  if (who >= 0) {
    sk_isa_use((sk_isa)who);
    if (p->f32) sk_gemm_f32(SK_NO_TRANS, SK_NO_TRANS, p->m, p->n, p->k, 1.0f, p->a, p->k, p->b, p->n, 0.0f, p->c, p->n);
    else sk_gemm_f64(SK_NO_TRANS, SK_NO_TRANS, p->m, p->n, p->k, 1.0, p->a, p->k, p->b, p->n, 0.0, p->c, p->n);
  } else {
    const peer *q = &peers[-1 - who];
    if (p->f32) q->s(101, 111, 111, (int)p->m, (int)p->n, (int)p->k, 1.0f, p->a, (int)p->k, p->b, (int)p->n, 0.0f, p->c, (int)p->n);
    else q->d(101, 111, 111, (int)p->m, (int)p->n, (int)p->k, 1.0, p->a, (int)p->k, p->b, (int)p->n, 0.0, p->c, (int)p->n);
  }
}

static void *gb_fill(size_t n, int f32, uint64_t seed) {
  size_t bytes = n * (f32 ? 4 : 8);
  void *p = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
  if (!p) { fprintf(stderr, "bench: out of memory\n"); exit(1); }
  for (size_t i = 0; i < n; i++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    double x = (double)(seed >> 11) * 0x1p-53 - 0.5;
    if (f32) ((float *)p)[i] = (float)x; else ((double *)p)[i] = x;
  }
  return p;
}

int gemm_bench_main(int argc, char **argv) {
  size_t threads = 1;
  int quick = 0, skinny = 1, min_rounds = 3;
  const char *type = "both";
  const char *isas = NULL, *sizes = "64,128,256,512,1024,2048";
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--gemm")) continue;
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--isas") && i + 1 < argc) isas = argv[++i];
    else if (!strcmp(argv[i], "--sizes") && i + 1 < argc) sizes = argv[++i];
    else if (!strcmp(argv[i], "--quick")) quick = 1;
    else if (!strcmp(argv[i], "--type") && i + 1 < argc) type = argv[++i];
    else if (!strcmp(argv[i], "--no-skinny")) skinny = 0;
    /* process CPU time: an oversubscribed machine does not charge a 1-thread run for the time
     * others hold its core (a multithreaded run would sum its threads) */
    else if (!strcmp(argv[i], "--cpu-time")) bench_clock = CLOCK_PROCESS_CPUTIME_ID;
    else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) min_rounds = atoi(argv[++i]);
    else { fprintf(stderr, "usage: %s --gemm [--threads N] [--isas a,b] [--sizes s,t] [--type f64|f32] [--no-skinny] [--cpu-time] [--rounds N] [--quick]\n", argv[0]); return 2; }
  }
  /* subjects: simdkern per requested (supported) ISA, then the peers found */
  int who[16];
  size_t nw = 0;
  for (int isa = SK_ISA_NEON; isa >= SK_ISA_SCALAR; isa--) {
    if (!sk_isa_supported((sk_isa)isa)) continue;
    if (isas ? strstr(isas, sk_isa_name((sk_isa)isa)) == NULL : isa != (int)sk_isa_active()) continue;
    who[nw++] = isa;
  }
  if (!nw) { fprintf(stderr, "bench: no requested ISA is supported\n"); return 2; }
  peer peers[2] = {{"openblas", NULL, NULL, NULL}, {"blis", NULL, NULL, NULL}};
  const char *libs[2] = {getenv("SK_BENCH_OPENBLAS"), getenv("SK_BENCH_BLIS")};
  const char *defaults[2] = {"libopenblas.so.0", "libblis.so.4"};
  char core[2][64] = {"", ""};
  for (int i = 0; i < 2; i++) {
    const char *path = libs[i] && *libs[i] ? libs[i] : defaults[i];
    if (!strcmp(path, "none")) continue;
    peers[i].lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!peers[i].lib) { fprintf(stderr, "bench: %s not loaded: %s\n", path, dlerror()); continue; }
    peers[i].d = (dgemm_fn)dlsym(peers[i].lib, "cblas_dgemm");
    peers[i].s = (sgemm_fn)dlsym(peers[i].lib, "cblas_sgemm");
  }
  if (peers[0].lib) {
    void (*set)(int) = (void (*)(int))dlsym(peers[0].lib, "openblas_set_num_threads");
    char *(*name)(void) = (char *(*)(void))dlsym(peers[0].lib, "openblas_get_corename");
    if (set) set((int)threads);
    if (name) snprintf(core[0], sizeof core[0], "%s", name());
  }
  if (peers[1].lib) {
    void (*set)(long) = (void (*)(long))dlsym(peers[1].lib, "bli_thread_set_num_threads");
    int (*id)(void) = (int (*)(void))dlsym(peers[1].lib, "bli_arch_query_id");
    const char *(*str)(int) = (const char *(*)(int))dlsym(peers[1].lib, "bli_arch_string");
    if (set) set((long)threads);
    if (id && str) snprintf(core[1], sizeof core[1], "%s", str(id()));
  }
  for (int i = 0; i < 2; i++)
    if (peers[i].lib && peers[i].d && peers[i].s) who[nw++] = -1 - i;
  sk_set_num_threads(threads);
  sk_isa start = sk_isa_active();
  printf("# gemm: row-major C = A B (no transposes), alpha 1, beta 0; %zu thread(s); %s time; "
         "OpenBLAS core: %s%s; BLIS arch: %s\n", threads, bench_clock == CLOCK_MONOTONIC ? "wall" : "process CPU",
         core[0][0] ? core[0] : "not loaded", core[0][0] ? openblas_core_note() : "", core[1][0] ? core[1] : "not loaded");
  fma_peak_line(); /* what each ISA's core sustains here: read GFLOP/s against it */
  printf("| op | m x n x k | who | ms | GFLOP/s | ratio (who's time / simdkern-%s's) |\n|---|---|---|---|---|---|\n",
         sk_isa_name((sk_isa)who[0]));

  /* shapes: the square sizes, then the tall-skinny (10000 x 5) @ (5 x 50) */
  size_t shp[32][3], nshp = 0;
  for (const char *s = sizes; *s && nshp < 31;) {
    size_t v = strtoull(s, (char **)&s, 10);
    if (v) { shp[nshp][0] = shp[nshp][1] = shp[nshp][2] = v; nshp++; }
    while (*s == ',') s++;
    if (!v) break;
  }
  if (skinny) { shp[nshp][0] = 10000; shp[nshp][1] = 50; shp[nshp][2] = 5; nshp++; }
  { /* ~0.3 s of 256^3 first: the first sizes timed otherwise ran at half speed (clocks, pools) */
    problem w = {256, 256, 256, 0, gb_fill(256 * 256, 0, 1), gb_fill(256 * 256, 0, 2), gb_fill(256 * 256, 0, 3)};
    for (double t0 = bench_now_ns(); bench_now_ns() - t0 < 3e8;)
      for (size_t i = 0; i < nw; i++) run(&w, who[i], peers);
    free((void *)w.a), free((void *)w.b), free(w.c);
  }
  for (int f32 = 0; f32 < 2; f32++)
    for (size_t si = 0; si < nshp; si++) {
      if (strcmp(type, "both") && strcmp(type, f32 ? "f32" : "f64")) continue;
      problem p = {shp[si][0], shp[si][1], shp[si][2], f32, NULL, NULL, NULL};
      p.a = gb_fill(p.m * p.k, f32, 1);
      p.b = gb_fill(p.k * p.n, f32, 2);
      p.c = gb_fill(p.m * p.n, f32, 3);
      double flops = 2.0 * (double)p.m * (double)p.n * (double)p.k;
      /* batch: calls per timing so one lasts >= ~2 ms; rounds: ~0.6 s per subject in all */
      double t0 = bench_now_ns();
      run(&p, who[0], peers);
      double one = bench_now_ns() - t0;
      size_t batch = one < 2e6 ? (size_t)(2e6 / (one + 1)) + 1 : 1;
      int rounds = (int)(6e8 / ((one + 1) * (double)batch));
      if (quick) rounds /= 4;
      rounds = rounds < min_rounds ? min_rounds : rounds;
      rounds = rounds > 41 ? 41 : rounds;
      double v[16][41];
      for (size_t w = 0; w < nw; w++) run(&p, who[w], peers); /* warm-up */
      for (int r = 0; r < rounds; r++)
        for (size_t w = 0; w < nw; w++) {
          double t = bench_now_ns();
          for (size_t b = 0; b < batch; b++) run(&p, who[w], peers);
          v[w][r] = (bench_now_ns() - t) / (double)batch;
        }
      double med[16];
      for (size_t w = 0; w < nw; w++) {
        qsort(v[w], (size_t)rounds, sizeof v[w][0], bench_cmp_d);
        med[w] = v[w][rounds / 2];
      }
      for (size_t w = 0; w < nw; w++) {
        char name[48];
        if (who[w] >= 0) snprintf(name, sizeof name, "simdkern-%s", sk_isa_name((sk_isa)who[w]));
        else snprintf(name, sizeof name, "%s", peers[-1 - who[w]].name);
        printf("| %s | %zux%zux%zu | %s | %.3f | %.1f | %.2f |\n", f32 ? "sgemm" : "dgemm", p.m, p.n,
               p.k, name, med[w] * 1e-6, flops / med[w], med[w] / med[0]);
      }
      fflush(stdout);
      free((void *)p.a);
      free((void *)p.b);
      free(p.c);
    }
  sk_isa_use(start);
  return 0;
}
