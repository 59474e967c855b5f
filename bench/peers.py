#!/usr/bin/env python3
"""Every simdkern binding call against its scipy / scikit-learn / numpy counterpart (and NumKong /
SimSIMD cdist where installed), in one process, on the same arrays.

Run it with OpenBLAS left to pick its own kernel for this CPU:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/peers.py [--quick] [--threads N]

This machine exports OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE; OpenBLAS reads them once, when numpy
is imported, so only the caller can remove them. The script warns if they are set and prints the
BLAS library and core type numpy actually uses (threadpoolctl.threadpool_info()), the kernel the
GEMM-based peers (sklearn euclidean_distances, cosine_similarity, rbf_kernel, argmin_min) ran on.

Method
- Uses the installed package (`pip install .`).
- Threads: simdkern.set_num_threads(N) and threadpoolctl.threadpool_limits(N) for the peers (BLAS
  and OpenMP); N = 1 by default, so both sides are single-threaded. NumKong/SimSIMD get threads=N.
- Each case: one warm-up call of each side, then --reps rounds alternating simdkern and the peer
  (drift on this shared VM hits both); medians in ms. Ratio = peer / simdkern (> 1: simdkern faster).
  Both sides allocate their outputs inside the timed call, as a user calls them.
- check: simdkern's result against the reference (the scipy/sklearn/numpy peer, or the f64
  difference-form distance for cdist): 'bitwise' where simdkern promises numpy's exact result
  (order statistics, argmin, topk), else allclose with the stated rtol. A NumKong/SimSIMD row also
  shows the peer's own max relative error against scipy. Any FAIL gives exit status 1.
"""
import argparse
import os
import sys

import numpy as np
import scipy
import scipy.spatial.distance as ssd
import scipy.stats
import sklearn
import sklearn.metrics as skm
import sklearn.metrics.pairwise as skp

import simdkern
from peers_series import np_ar1, side_by_side  # one timing harness, one AR(1) reference

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:                                       # pip install threadpoolctl
    threadpool_info = threadpool_limits = None

PEERS = {}
for _mod in ("numkong", "simsimd"):
    try:
        PEERS[_mod] = __import__(_mod)
    except ImportError:
        pass


def maxrel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))) if a.size else 0.0


def bitwise(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


def blas_report():
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            print(f"WARNING: {var}={os.environ[var]} is set; OpenBLAS is pinned to it. Run with "
                  "`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/peers.py`.")
    if threadpool_info is None:
        print("threadpoolctl not installed (pip install threadpoolctl): BLAS kernel unknown")
        return
    for lib in threadpool_info():
        print(f"threadpool: {lib.get('internal_api')} {lib.get('version')} "
              f"core={lib.get('architecture')} threads={lib.get('num_threads')} "
              f"({os.path.basename(lib.get('filepath', ''))})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    ap.add_argument("--reps", type=int, default=None, help="timed rounds (default 5, quick 5)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    q = args.quick
    reps = args.reps or 5
    T = args.threads
    rng = np.random.default_rng(0)
    simdkern.set_num_threads(T)
    if threadpool_limits:
        threadpool_limits(limits=T)                      # process-wide from here on

    print(f"numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
          + ", ".join(f"{k} {getattr(m, '__version__', '?')}" for k, m in PEERS.items())
          + f"; simdkern isa {simdkern.isa()}; threads {T}; {'--quick' if q else 'full'} sizes")
    blas_report()
    missing = [m for m in ("numkong", "simsimd") if m not in PEERS]
    if missing:
        print(f"not installed (rows skipped): {', '.join(missing)}")
    print()
    print("| case | simdkern ms | peer | peer ms | peer / simdkern | check |")
    print("|---|---:|---|---:|---:|---|")
    failed = []

    def row(case, f_sk, peer, f_peer, ok, note=""):
        t_sk, t_peer = side_by_side(f_sk, f_peer, reps)
        if not ok:
            failed.append(f"{case} vs {peer}")
        print(f"| {case} | {t_sk:.2f} | {peer} | {t_peer:.2f} | {t_peer / t_sk:.2f}x | "
              f"{'PASS' if ok else 'FAIL'}{' ' + note if note else ''} |", flush=True)

    # ---- cdist (f64 out) ----------------------------------------------------------------------
    n = 2000 if q else 10_000
    A = rng.standard_normal((n, 50))
    B = rng.standard_normal((n, 50))
    for metric, n_m in (("euclidean", n), ("sqeuclidean", n // 2), ("cosine", n // 2)):
        a, b = A[:n_m], B[:n_m]
        ref = ssd.cdist(a, b, metric)
        got = simdkern.cdist(a, b, metric)
        ok = np.allclose(got, ref, rtol=1e-9, atol=1e-12)
        case = f"cdist {metric} {n_m}x{n_m} d=50 f64"
        note = f"rtol 1e-9 (max rel {maxrel(got, ref):.1e})"
        row(case, lambda: simdkern.cdist(a, b, metric), "scipy cdist", lambda: ssd.cdist(a, b, metric),
            ok, note)
        for name, mod in PEERS.items():
            pm = "angular" if (name == "numkong" and metric == "cosine") else metric
            try:
                pr = np.asarray(mod.cdist(a[:8], b[:8], metric=pm, threads=T))
                if not np.allclose(pr, ref[:8, :8], rtol=1e-3, atol=1e-6):
                    raise ValueError("disagrees with scipy")
            except Exception as e:  # an API difference: skip the row, don't crash
                print(f"| {case} | | {name} cdist {pm} | skipped: {e} | | |")
                continue
            f_peer = lambda mod=mod, pm=pm: mod.cdist(a, b, metric=pm, threads=T)
            perr = maxrel(np.asarray(f_peer()), ref)
            row(case, lambda: simdkern.cdist(a, b, metric), f"{name} cdist {pm}", f_peer, ok,
                f"(peer max rel {perr:.1e})")

    # ---- scikit-learn pairwise (f32 in, f32 out) -------------------------------------------------
    n = 1000 if q else 4000
    X = rng.standard_normal((n, 50)).astype(np.float32)
    Y = rng.standard_normal((n, 50)).astype(np.float32)
    exact = ssd.cdist(X.astype(np.float64), Y.astype(np.float64))
    got = simdkern.euclidean_distances(X, Y)
    row(f"euclidean_distances {n}x{n} d=50 f32", lambda: simdkern.euclidean_distances(X, Y),
        "sklearn euclidean_distances", lambda: skp.euclidean_distances(X, Y),
        np.allclose(got, exact, rtol=1e-5, atol=1e-6),
        f"vs f64 exact, rtol 1e-5 (simdkern {maxrel(got, exact):.1e}, "
        f"sklearn {maxrel(skp.euclidean_distances(X, Y), exact):.1e})")
    got, ref = simdkern.cosine_similarity(X, Y), skp.cosine_similarity(X, Y)
    row(f"cosine_similarity {n}x{n} d=50 f32", lambda: simdkern.cosine_similarity(X, Y),
        "sklearn cosine_similarity", lambda: skp.cosine_similarity(X, Y),
        np.allclose(got, ref, rtol=1e-4, atol=1e-5), "atol 1e-5")
    got, ref = simdkern.rbf_kernel(X, Y, gamma=0.01), skp.rbf_kernel(X, Y, gamma=0.01)
    row(f"rbf_kernel {n}x{n} d=50 f32 gamma=0.01", lambda: simdkern.rbf_kernel(X, Y, gamma=0.01),
        "sklearn rbf_kernel", lambda: skp.rbf_kernel(X, Y, gamma=0.01),
        np.allclose(got, ref, rtol=1e-4, atol=1e-6), "rtol 1e-4")

    m = 20_000 if q else 200_000
    P = rng.standard_normal((m, 32)).astype(np.float32)
    C = rng.standard_normal((64, 32)).astype(np.float32)
    (i1, d1), (i2, d2) = simdkern.pairwise_distances_argmin_min(P, C), skm.pairwise_distances_argmin_min(P, C)
    nd = int(np.count_nonzero(i1 != i2))
    row(f"pairwise_distances_argmin_min {m}x32 vs 64 f32", lambda: simdkern.pairwise_distances_argmin_min(P, C),
        "sklearn pairwise_distances_argmin_min", lambda: skm.pairwise_distances_argmin_min(P, C),
        nd == 0 and np.allclose(d1, d2, rtol=1e-5, atol=1e-5), f"indices equal ({nd} differ), dist rtol 1e-5")

    n = 2000 if q else 5000
    S = rng.standard_normal((n, 16))
    lab = rng.integers(0, 8, n)
    S += lab[:, None] * 0.5
    a, b = simdkern.silhouette_score(S, lab), skm.silhouette_score(S, lab)
    row(f"silhouette_score {n}x16 f64 8 labels", lambda: simdkern.silhouette_score(S, lab),
        "sklearn silhouette_score", lambda: skm.silhouette_score(S, lab),
        abs(a - b) <= 1e-9 * abs(b), f"rel 1e-9 ({abs(a - b) / abs(b):.1e})")

    # ---- selection, reductions, statistics (f64) ----------------------------------------------------
    N = 1_000_000 if q else 10_000_000
    v = rng.standard_normal(N)
    k = 100

    def np_topk():
        p = np.argpartition(-v, k - 1)[:k]
        p = p[np.argsort(-v[p], kind="stable")]
        return p, v[p]
    (ia, va), (ib, vb) = simdkern.topk(v, k), np_topk()
    row(f"topk k={k} of {N:.0e} f64", lambda: simdkern.topk(v, k), "np.argpartition + argsort", np_topk,
        np.array_equal(ia, ib) and bitwise(va, vb), "bitwise")
    row(f"argmin of {N:.0e} f64", lambda: simdkern.argmin(v), "np.argmin", lambda: np.argmin(v),
        simdkern.argmin(v) == np.argmin(v), "equal")
    row(f"median of {N:.0e} f64", lambda: simdkern.median(v), "np.median", lambda: np.median(v),
        bitwise(simdkern.median(v), np.median(v)), "bitwise")
    pct = [1, 5, 25, 50, 75, 95, 99]
    row(f"percentile (7 values) of {N:.0e} f64", lambda: simdkern.percentile(v, pct), "np.percentile",
        lambda: np.percentile(v, pct), bitwise(simdkern.percentile(v, pct), np.percentile(v, pct)), "bitwise")

    R = 100_000 if q else 1_000_000
    M = rng.standard_normal((R, 50)) * 3 + 7
    row(f"median_abs_deviation axis=0 {R:.0e}x50 f64", lambda: simdkern.median_abs_deviation(M, axis=0),
        "scipy.stats.median_abs_deviation", lambda: scipy.stats.median_abs_deviation(M, axis=0),
        bitwise(simdkern.median_abs_deviation(M, axis=0), scipy.stats.median_abs_deviation(M, axis=0)),
        "bitwise")
    got, ref = simdkern.zscore(M), scipy.stats.zscore(M)
    row(f"zscore axis=0 {R:.0e}x50 f64", lambda: simdkern.zscore(M), "scipy.stats.zscore",
        lambda: scipy.stats.zscore(M), np.allclose(got, ref, rtol=1e-9, atol=1e-9), "rtol 1e-9")
    # serially correlated columns (MA(1) with coefficients -0.9..0.9), so phi is far from 0
    E = rng.standard_normal((R, 50))
    Z = E.copy()
    Z[1:] += np.linspace(-0.9, 0.9, 50) * E[:-1]
    (p1, m1), (p2, m2) = simdkern.ar1(Z, axis=0, return_mean=True), np_ar1(Z)
    row(f"ar1 axis=0 {R:.0e}x50 f64", lambda: simdkern.ar1(Z, axis=0), "numpy mean + 2 einsum",
        lambda: np_ar1(Z), np.allclose(p1, p2, rtol=1e-9, atol=1e-12) and np.allclose(m1, m2, rtol=1e-12, atol=1e-14),
        "rtol 1e-9")
    # matmul: a square product and the tall-skinny shape of a PCA reconstruction
    for (m_, k_, n_), dt in (((1024 if args.quick else 2048,) * 3, np.float64),
                             ((10000, 5, 50), np.float64), ((10000, 5, 50), np.float32)):
        A = rng.standard_normal((m_, k_)).astype(dt)
        B = rng.standard_normal((k_, n_)).astype(dt)
        got, ref = simdkern.matmul(A, B), A @ B
        tol = (1e-12 if dt == np.float64 else 2e-5) * (k_ + 2)
        row(f"matmul ({m_}x{k_})@({k_}x{n_}) {np.dtype(dt).name}", lambda: simdkern.matmul(A, B),
            "numpy @ (OpenBLAS)", lambda: A @ B,
            bool(np.all(np.abs(got - ref) <= tol * (np.abs(A) @ np.abs(B)))), "|err| <= (k+2)u|A||B|")

    print(f"\nchecks: {'all PASS' if not failed else 'FAIL: ' + '; '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
