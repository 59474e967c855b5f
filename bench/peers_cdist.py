#!/usr/bin/env python3
"""simdkern's distance-matrix kernels against scipy / scikit-learn (and numkong, if installed).

Run from anywhere, with OpenBLAS left to choose its own kernel for this CPU:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/peers_cdist.py [--quick]

This machine exports OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE. OpenBLAS reads them once, when it is
loaded (at `import numpy`), so the script cannot and does not change them; only the caller can.
It warns if they are still set and prints the core type OpenBLAS actually picked (threadpoolctl),
which is the kernel the README has to quote for the sklearn/numpy peers.

Method
- Each simdkern call and its peers run on the same arrays in this process: one warm-up call, then
  the median of --reps calls timed with time.perf_counter.
- simdkern writes into outputs allocated with np.empty before timing (and touched by the warm-up);
  the peers allocate their result inside the timed call, as a user calls them. For big outputs the
  page faults of that allocation are part of the peer's time; --alloc puts simdkern's allocation
  inside the timed call as well.
- Threads: simdkern via sk_set_num_threads(n); peers via threadpoolctl.threadpool_limits(n), which
  caps BLAS and OpenMP, so the 1-thread rows are single-threaded on both sides (scipy's cdist is
  always single-threaded).
- Every simdkern result is checked (PASS/FAIL in the table, details below it); any FAIL makes the
  exit status 1. Kernels not yet in the library are reported as "missing: NAME" and skipped.
"""
import argparse
import ctypes
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import scipy
import scipy.spatial.distance as ssd
import sklearn
import sklearn.metrics as skm
import sklearn.metrics.pairwise as skp
import threadpoolctl
from threadpoolctl import threadpool_info, threadpool_limits

try:
    import numkong
except ImportError:
    numkong = None

ISAS = ["scalar", "sse42", "avx2", "avx512", "neon"]                 # sk_isa values 0..4
METRIC = {"sqeuclidean": 0, "euclidean": 1, "dot": 2, "cosine_similarity": 3, "cosine_distance": 4}
S, I = ctypes.c_size_t, ctypes.c_int
CTYPE = {np.dtype(np.float64): ctypes.c_double, np.dtype(np.float32): ctypes.c_float,
         np.dtype(np.uintp): ctypes.c_size_t}
SUFFIX = {np.dtype(np.float64): "f64", np.dtype(np.float32): "f32"}


def kernel_protos(P):
    """argtypes from API.md; P is the element pointer type (double* for _f64, float* for _f32)."""
    PZ, PD = ctypes.POINTER(S), ctypes.POINTER(ctypes.c_double)
    return {
        "cdist": [I, S, S, S, P, S, P, S, P, S],
        "cdist_self": [I, S, S, P, S, P, S],
        "cdist_argmin": [I, S, S, S, P, S, P, S, PZ, P],
        "topk": [P, S, S, I, PZ, P],
        "silhouette": [S, S, P, S, PZ, S, PD, P],          # score stays double* for _f32
        "rbf_kernel": [S, S, S, P, S, P, S, ctypes.c_double, P, S],
    }


class Simdkern:
    """ctypes binding that tolerates symbols which have not landed yet (self.fns lacks them)."""

    def __init__(self, path):
        self.dll = ctypes.CDLL(str(path))
        self.fns = {}
        PI = ctypes.POINTER(ctypes.c_int)
        for name, res, argt in [("sk_isa_use", I, [I]), ("sk_isa_name", ctypes.c_char_p, [I]),
                                ("sk_isa_active", I, []), ("sk_isa_supported", I, [I]),
                                ("sk_set_num_threads", I, [S]), ("sk_status_str", ctypes.c_char_p, [I]),
                                ("sk_version", None, [PI, PI, PI])]:
            self._bind(name, res, argt)
        for ctype, sfx in ((ctypes.c_double, "f64"), (ctypes.c_float, "f32")):
            for base, argt in kernel_protos(ctypes.POINTER(ctype)).items():
                self._bind(f"sk_{base}_{sfx}", I, argt)

    def _bind(self, name, restype, argtypes):
        fn = getattr(self.dll, name, None)
        if fn is not None:
            fn.restype, fn.argtypes = restype, argtypes
            self.fns[name] = fn

    def __call__(self, name, *args):
        status = self.fns[name](*args)
        if status != 0:
            why = self.fns["sk_status_str"](status).decode() if "sk_status_str" in self.fns else "?"
            raise RuntimeError(f"{name} returned {status} ({why})")

    def isa_name(self, isa):
        return self.fns["sk_isa_name"](isa).decode()


def ptr(a):
    """Typed element pointer, so a dtype mix-up is a ctypes error instead of garbage numbers."""
    if a is None:
        return None
    assert a.flags.c_contiguous, "leading dimensions below assume C-contiguous rows"
    return a.ctypes.data_as(ctypes.POINTER(CTYPE[a.dtype]))


def time_it(fn, reps):
    t0 = time.perf_counter()
    out = fn()                      # warm-up: code, caches, page faults of preallocated outputs
    if time.perf_counter() - t0 > 2.0:
        reps = min(reps, 3)         # multi-second calls (scalar ISA, scipy) vary little; bound the run
    times = []
    for _ in range(reps):
        out = None                  # drop the last result first: two 800 MB matrices never coexist
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, out


def close(got, want, rtol, atol=0.0):
    """np.allclose semantics (NaN never passes) plus the worst error, in blocks so a 10k x 10k
    check does not allocate several more full-size temporaries."""
    g, w = np.asarray(got).reshape(-1), np.asarray(want).reshape(-1)
    if g.shape != w.shape:
        return False, f"shape {got.shape} vs {want.shape}"
    nbad, nnan, max_abs, max_rel, step = 0, 0, 0.0, 0.0, 1 << 22
    for s in range(0, g.size, step):
        gb, wb = g[s:s + step].astype(np.float64), w[s:s + step].astype(np.float64)
        err = np.abs(gb - wb)
        nbad += int(np.count_nonzero(~(err <= atol + rtol * np.abs(wb))))
        nnan += int(np.count_nonzero(np.isnan(gb) & ~np.isnan(wb)))
        if err.size:
            max_abs = max(max_abs, float(np.nanmax(err, initial=0.0)))
            max_rel = max(max_rel, float(np.nanmax(err / np.maximum(np.abs(wb), 1e-300), initial=0.0)))
    return nbad == 0, (f"max abs err {max_abs:.2e}, max rel err {max_rel:.2e}, {nbad} outside "
                       f"rtol={rtol:g} atol={atol:g}" + (f" ({nnan} NaN where the reference is not)" if nnan else ""))


class Bench:
    def __init__(self, lib, args, isa_best, isa_all):
        self.lib, self.args, self.best, self.all = lib, args, isa_best, isa_all
        self.rows, self.checks, self.missing, self.buffers = [], [], [], []

    def out(self, shape, dtype):
        """Getter for a simdkern output: one buffer allocated outside the timed calls (registered
        so run() can poison it), or with --alloc a fresh np.empty inside each call."""
        if self.args.alloc:
            return lambda: np.empty(shape, dtype)
        buf = np.empty(shape, dtype)
        self.buffers.append(buf)
        return lambda: buf

    def isas(self, sweep):
        if self.args.isa:
            return [ISAS.index(self.args.isa)]
        return self.all if sweep else [self.best]

    def run(self, case, dtype, needs, sk_fn, peers, check, threads=None, sweep=False,
            ref_peer=None, reference=None):
        """Time sk_fn and every peer at each thread count (simdkern also at each ISA) and check
        simdkern's output against ref_peer's last output or reference() (computed untimed)."""
        absent = [n for n in needs if n not in self.lib.fns]
        if absent:
            for n in absent:
                print(f"missing: {n}  (case '{case}' skipped)", flush=True)
                self.missing.append(n)
            return
        ref = None
        for t in threads or [self.args.threads]:
            with threadpool_limits(limits=t):
                self.lib("sk_set_num_threads", t)
                peer_ms = []
                for label, fn in peers(t):
                    print(f"  [{case} {dtype} {t}t] {label} ...", file=sys.stderr, flush=True)
                    ms, out = time_it(fn, self.args.reps)
                    peer_ms.append((label, ms))
                    if label == ref_peer and ref is None:
                        ref = out
                    del out
                if ref is None:
                    ref = reference()
                for isa in self.isas(sweep):
                    name = self.lib.isa_name(isa)
                    if self.lib.fns["sk_isa_use"](isa) != 0:
                        print(f"  {case}: ISA {name} not usable here, skipped", file=sys.stderr)
                        continue
                    print(f"  [{case} {dtype} {t}t] simdkern {name} ...", file=sys.stderr, flush=True)
                    # poison reused outputs: a kernel that writes nothing must not pass on the
                    # previous ISA's results (NaN, or SK_NO_INDEX for index arrays)
                    for buf in self.buffers:
                        buf.fill(np.nan if buf.dtype.kind == "f" else np.iinfo(buf.dtype).max)
                    try:
                        ms, out = time_it(sk_fn, self.args.reps)
                        ok, detail = check(out, ref)
                    except RuntimeError as e:   # a non-zero sk_status fails this row, not the run
                        ms, ok, detail = None, False, str(e)
                    verdict = "PASS" if ok else "FAIL"
                    print(f"{verdict} {case} {dtype} {t}t {name}: {detail}", flush=True)
                    self.checks.append(dict(case=case, dtype=dtype, threads=t, isa=name, ok=ok, detail=detail))
                    for label, pms in peer_ms:
                        self.rows.append(dict(case=case, dtype=dtype, threads=t, isa=name, simdkern_ms=ms,
                                              peer=label, peer_ms=pms, ratio=pms / ms if ms else None,
                                              check=verdict))
        self.lib("sk_isa_use", self.best)
        self.buffers.clear()


def cdist_call(lib, metric, x, y, out):
    lib(f"sk_cdist_{SUFFIX[x.dtype]}", METRIC[metric], x.shape[0], y.shape[0], x.shape[1],
        ptr(x), x.shape[1], ptr(y), y.shape[1], ptr(out), out.shape[1])
    return out


def numkong_peer(metric, probe_dtype):
    """numkong.cdist as a peer if it exists and agrees with scipy on a tiny input; else None.
    'angular' is numkong's name for the cosine distance (1 - similarity)."""
    if numkong is None or not hasattr(numkong, "cdist"):
        return None
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((5, 16)).astype(probe_dtype), rng.standard_normal((4, 16)).astype(probe_dtype)
    try:
        got = np.asarray(numkong.cdist(a, b, metric=metric, threads=1), dtype=np.float64)
        want = ssd.cdist(a, b, "cosine" if metric == "angular" else metric)
        if not np.allclose(got, want, rtol=1e-3, atol=1e-4):
            raise ValueError("results differ from scipy")
    except Exception as e:                                  # any API mismatch: skip, don't crash
        print(f"numkong.cdist({metric}, {np.dtype(probe_dtype).name}) skipped: {e}", file=sys.stderr)
        return None
    label = "numkong cdist angular (cosine distance)" if metric == "angular" else f"numkong cdist {metric}"
    return lambda x, y, t: (label, lambda: numkong.cdist(x, y, metric=metric, threads=t))


def exact_dist(x, c, idx):
    """f64 difference-form distance from each x row to c[idx], in row blocks to bound memory."""
    out = np.empty(len(x))
    for s in range(0, len(x), 1 << 16):
        diff = x[s:s + (1 << 16)].astype(np.float64) - c[idx[s:s + (1 << 16)]].astype(np.float64)
        out[s:s + (1 << 16)] = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    return out


def cases(b, lib, n, rng):
    """All benchmark cases; n(k) scales a row count down for --quick. d is never scaled."""
    want = set(b.args.cases.split(",")) if b.args.cases else None
    on = lambda k: want is None or str(k) in want

    if on(1):   # 10k x 10k, d=50: BLAS-friendly shape for sklearn, every ISA, 1 and 2 threads
        x, y = rng.standard_normal((n(10000), 50)), rng.standard_normal((n(10000), 50))
        for metric in ("sqeuclidean", "euclidean"):
            get = b.out((len(x), len(y)), np.float64)
            nk = numkong_peer(metric, np.float64)
            scipy_label = f"scipy cdist {metric}"

            def peers(t, metric=metric, nk=nk, scipy_label=scipy_label):
                sq = metric == "sqeuclidean"
                p = [(f"sklearn euclidean_distances{'(squared=True)' if sq else ''}",
                      lambda: skp.euclidean_distances(x, y, squared=sq)),
                     (scipy_label, lambda: ssd.cdist(x, y, metric))]
                return p + ([nk(x, y, t)] if nk else [])
            b.run(f"1 {metric} {len(x)}x{len(y)} d=50", "f64", ["sk_cdist_f64"],
                  lambda metric=metric, get=get: cdist_call(lib, metric, x, y, get()), peers,
                  lambda out, ref: close(out, ref, 1e-10), threads=[1, 2], sweep=True, ref_peer=scipy_label)
        del x, y

    if on(2):   # wide rows (embedding-sized d): sklearn's GEMM trick at its best
        x, y = rng.standard_normal((n(2000), 768)), rng.standard_normal((n(2000), 768))
        get = b.out((len(x), len(y)), np.float64)
        b.run(f"2 euclidean {len(x)}x{len(y)} d=768", "f64", ["sk_cdist_f64"],
              lambda: cdist_call(lib, "euclidean", x, y, get()),
              lambda t: [("sklearn euclidean_distances", lambda: skp.euclidean_distances(x, y))],
              lambda out, ref: close(out, ref, 1e-10), reference=lambda: ssd.cdist(x, y, "euclidean"))
        del x, y

    if on(3):   # k-means assignment step: many points, few centres, no nx x ny matrix
        x64, c64 = rng.standard_normal((n(1000000), 50)), rng.standard_normal((100, 50))
        for dt, rtol in ((np.float64, 1e-10), (np.float32, 1e-5)):
            x, c = x64.astype(dt, copy=False), c64.astype(dt)
            sfx = SUFFIX[np.dtype(dt)]
            idx, dist = b.out(len(x), np.uintp), b.out(len(x), dt)

            def sk(x=x, c=c, sfx=sfx, idx=idx, dist=dist):
                i, d = idx(), dist()
                lib(f"sk_cdist_argmin_{sfx}", METRIC["euclidean"], len(x), len(c), x.shape[1],
                    ptr(x), x.shape[1], ptr(c), c.shape[1], ptr(i), ptr(d))
                return i, d

            def check(out, ref, x=x, c=c, rtol=rtol):
                # sklearn's distances come from the GEMM trick, so near-ties may pick another
                # centre: accept any index whose exact distance is no worse than sklearn's pick.
                i, d = out
                if np.any(i >= len(c)):
                    return False, "index out of range (SK_NO_INDEX?)"
                mine, theirs = exact_dist(x, c, i), exact_dist(x, c, ref[0])
                ok, detail = close(d, mine, rtol)
                worse = int(np.count_nonzero(mine > theirs * (1 + rtol)))
                return ok and worse == 0, (f"dist vs exact: {detail}; {worse} rows farther than sklearn's "
                                           f"centre; index agreement {np.mean(i == ref[0]):.6f}")
            b.run(f"3 argmin euclidean {len(x)}x{len(c)} d=50", sfx, [f"sk_cdist_argmin_{sfx}"], sk,
                  lambda t, x=x, c=c: [("sklearn pairwise_distances_argmin_min",
                                        lambda: skm.pairwise_distances_argmin_min(x, c, metric="euclidean"))],
                  check, sweep=True, ref_peer="sklearn pairwise_distances_argmin_min")
        del x64, c64, x, c

    if on(4):   # silhouette: 4 separated blobs so the score is far from 0 and meaningful
        centres = 3.0 * rng.standard_normal((4, 50))
        labels = rng.integers(0, 4, n(10000))
        x = centres[labels] + rng.standard_normal((len(labels), 50))
        lab = labels.astype(np.uintp)

        def sk():
            score = ctypes.c_double()
            lib("sk_silhouette_f64", len(x), x.shape[1], ptr(x), x.shape[1], ptr(lab), 4,
                ctypes.byref(score), None)
            return score.value
        b.run(f"4 silhouette {len(x)} d=50 k=4", "f64", ["sk_silhouette_f64"], sk,
              lambda t: [("sklearn silhouette_score", lambda: skm.silhouette_score(x, labels))],
              # sklearn's pairwise distances use the GEMM trick: agreement to ~1e-6, not 1e-10
              lambda out, ref: close(np.array([out]), np.array([ref]), 1e-6),
              ref_peer="sklearn silhouette_score")

    if on(5):   # cosine: one query against a corpus, then a block of queries (f32 embeddings)
        q, corpus = rng.standard_normal((1, 768), np.float32), rng.standard_normal((n(100000), 768), np.float32)
        get = b.out((1, len(corpus)), np.float32)
        nk = numkong_peer("angular", np.float32)
        b.run(f"5 cosine similarity 1x{len(corpus)} d=768", "f32", ["sk_cdist_f32"],
              lambda: cdist_call(lib, "cosine_similarity", q, corpus, get()),
              # scipy returns the distance and computes in f64 (its conversion is in its time)
              lambda t: [("scipy cdist cosine", lambda: ssd.cdist(q, corpus, "cosine"))]
              + ([nk(q, corpus, t)] if nk else []),
              lambda out, ref: close(out, 1.0 - ref, 0.0, 1e-5), ref_peer="scipy cdist cosine")
        del q, corpus
        x, y = rng.standard_normal((n(1000), 384), np.float32), rng.standard_normal((n(1000), 384), np.float32)
        get = b.out((len(x), len(y)), np.float32)

        def ref64():
            xn = x / np.linalg.norm(x.astype(np.float64), axis=1, keepdims=True)
            yn = y / np.linalg.norm(y.astype(np.float64), axis=1, keepdims=True)
            return xn @ yn.T
        b.run(f"5 cosine similarity {len(x)}x{len(y)} d=384", "f32", ["sk_cdist_f32"],
              lambda: cdist_call(lib, "cosine_similarity", x, y, get()),
              lambda t: [("sklearn cosine_similarity", lambda: skp.cosine_similarity(x, y))]
              + ([nk(x, y, t)] if nk else []),
              lambda out, ref: close(out, ref, 0.0, 1e-5), reference=ref64)
        del x, y

    if on(6):   # rbf kernel: distance plus SLEEF exp; reference uses exact distances
        x, y, gamma = rng.standard_normal((n(2000), 50)), rng.standard_normal((n(2000), 50)), 0.1
        get = b.out((len(x), len(y)), np.float64)

        def sk():
            out = get()
            lib("sk_rbf_kernel_f64", len(x), len(y), x.shape[1], ptr(x), x.shape[1], ptr(y), y.shape[1],
                gamma, ptr(out), out.shape[1])
            return out
        b.run(f"6 rbf_kernel gamma=0.1 {len(x)}x{len(y)} d=50", "f64", ["sk_rbf_kernel_f64"], sk,
              lambda t: [("sklearn rbf_kernel", lambda: skp.rbf_kernel(x, y, gamma=gamma))],
              lambda out, ref: close(out, ref, 1e-10),
              reference=lambda: np.exp(-gamma * ssd.cdist(x, y, "sqeuclidean")))


def header(lib, isa_best, isa_all):
    """Versions and the BLAS actually loaded; returned for --json as well as printed."""
    cpu = platform.processor()
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
    info = dict(python=platform.python_version(), numpy=np.__version__, scipy=scipy.__version__,
                sklearn=sklearn.__version__, threadpoolctl=threadpoolctl.__version__,
                numkong=getattr(numkong, "__version__", "?") if numkong else None, cpu=cpu,
                simdkern=str(lib.dll._name), isa_active=lib.isa_name(isa_best),
                isa_supported=[lib.isa_name(i) for i in isa_all])
    if "sk_version" in lib.fns:
        v = [ctypes.c_int() for _ in range(3)]
        lib.fns["sk_version"](*[ctypes.byref(i) for i in v])
        info["simdkern_version"] = ".".join(str(i.value) for i in v)
    print("# simdkern distance kernels vs peers\n")
    for k, v in info.items():
        print(f"- {k}: {v}")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            print(f"- WARNING: {var}={os.environ[var]} is set, so OpenBLAS did not pick its own kernel; "
                  "rerun under `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`")
    info["blas"] = []
    for p in threadpool_info():     # only libraries already loaded: numpy, scipy, sklearn's OpenMP
        owner = Path(p["filepath"]).parent.name.removesuffix(".libs")
        entry = dict(owner=owner, internal_api=p.get("internal_api"), version=p.get("version"),
                     core=p.get("architecture") or p.get("corename"), threading=p.get("threading_layer"),
                     threads=p.get("num_threads"), file=Path(p["filepath"]).name)
        info["blas"].append(entry)
        print(f"- {owner} uses {entry['internal_api']} {entry['version'] or ''} core={entry['core']} "
              f"threading={entry['threading']} ({entry['file']})")
    print()
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lib", type=Path, default=Path(__file__).resolve().parent.parent / "build" / "libsimdkern.so")
    ap.add_argument("--quick", action="store_true", help="every row count / 10 (whole run < 30 s)")
    ap.add_argument("--isa", choices=ISAS, help="only this ISA (default: all supported for cases 1 and 3, "
                                                "the best one for the rest)")
    ap.add_argument("--threads", type=int, default=1, help="threads for cases 2-6 (case 1 runs 1 and 2)")
    ap.add_argument("--reps", type=int, help="timed repetitions after the warm-up (default 5, --quick 3)")
    ap.add_argument("--cases", help="comma-separated case numbers, e.g. 1,3")
    ap.add_argument("--alloc", action="store_true", help="allocate simdkern's outputs inside the timed call")
    ap.add_argument("--json", type=Path, help="also write header, rows and checks to this file")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    args.reps = args.reps or (3 if args.quick else 5)

    try:
        lib = Simdkern(args.lib)
    except OSError as e:
        sys.exit(f"cannot load simdkern from {args.lib}: {e} (build it, or pass --lib)")
    isa_best = lib.fns["sk_isa_active"]()           # before any sk_isa_use: honours SIMDKERN_ISA
    isa_all = [i for i in range(len(ISAS)) if lib.fns["sk_isa_supported"](i)]
    if args.isa and ISAS.index(args.isa) not in isa_all:
        sys.exit(f"ISA {args.isa} is not supported by this build/CPU (supported: {[ISAS[i] for i in isa_all]})")
    info = header(lib, isa_best, isa_all)

    b = Bench(lib, args, isa_best, isa_all)
    scale = 10 if args.quick else 1
    cases(b, lib, lambda k: max(1, k // scale), np.random.default_rng(args.seed))

    print("\n| case | dtype | threads | ISA | simdkern ms | peer | peer ms | ratio = peer/simdkern | check |")
    print("|---|---|---|---|---:|---|---:|---:|---|")
    fmt = lambda v, spec: "-" if v is None else format(v, spec)     # None: simdkern call failed
    for r in b.rows:
        print(f"| {r['case']} | {r['dtype']} | {r['threads']} | {r['isa']} | {fmt(r['simdkern_ms'], '.3f')} | "
              f"{r['peer']} | {r['peer_ms']:.3f} | {fmt(r['ratio'], '.2f')} | {r['check']} |")
    fails = [c for c in b.checks if not c["ok"]]
    print(f"\nchecks: {len(b.checks) - len(fails)} PASS, {len(fails)} FAIL"
          + (f"; missing symbols: {', '.join(dict.fromkeys(b.missing))}" if b.missing else ""))
    for c in fails:
        print(f"FAIL {c['case']} {c['dtype']} {c['threads']}t {c['isa']}: {c['detail']}")
    if args.json:
        args.json.write_text(json.dumps(dict(header=info, args={k: str(v) for k, v in vars(args).items()},
                                             rows=b.rows, checks=b.checks,
                                             missing=sorted(set(b.missing))), indent=1))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
