#!/usr/bin/env python3
"""simdkern's statistics calls against numpy/scipy on the same arrays in one process.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/peers_stats.py [--quick]

Uses the installed package (`pip install .`). Median of several runs after a warm-up; ratio =
peer / simdkern. Every result is checked against the peer (exit status 1 on a mismatch).
"""
import argparse
import ctypes
import statistics
import sys
import time

import numpy as np
import scipy.stats

import simdkern


def timeit(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()
    scale = 10 if args.quick else 1
    rng = np.random.default_rng(0)
    lib = simdkern._lib
    simdkern.set_num_threads(1)
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, simdkern isa {simdkern.isa()}\n")
    print("| case | simdkern ms | peer | peer ms | peer / simdkern | check |")
    print("|---|---:|---|---:|---:|---|")
    failed = 0

    def row(name, f_sk, peer, f_peer, ok):
        nonlocal failed
        a, b = timeit(f_sk, args.reps), timeit(f_peer, args.reps)
        failed += not ok
        print(f"| {name} | {a:.2f} | {peer} | {b:.2f} | {b / a:.2f}x | {'PASS' if ok else 'FAIL'} |")

    x = rng.standard_normal(10_000_000 // scale) + 1e8
    mean, var = ctypes.c_double(), ctypes.c_double()
    sk_mv = lambda: lib.sk_mean_var_f64(x.ctypes.data, x.size, 1, 0, 0, ctypes.addressof(mean), ctypes.addressof(var))
    sk_mv()
    ok = abs(mean.value - x.mean()) <= 1e-12 * abs(x.mean()) and abs(var.value - x.var()) <= 1e-6 * x.var()
    row(f"mean+var of {x.size:.0e} f64 (offset 1e8)", sk_mv, "numpy mean()+var()", lambda: (x.mean(), x.var()), ok)
    row(f"argmin of {x.size:.0e} f64", lambda: simdkern.argmin(x), "numpy argmin", lambda: np.argmin(x),
        simdkern.argmin(x) == np.argmin(x))
    m = rng.standard_normal((1_000_000 // scale, 50)) * 3 + 7
    row(f"zscore {m.shape[0]:.0e} x 50 f64", lambda: simdkern.zscore(m), "scipy.stats.zscore",
        lambda: scipy.stats.zscore(m), np.allclose(simdkern.zscore(m), scipy.stats.zscore(m), rtol=1e-9, atol=1e-9))
    row(f"argmax axis=0 {m.shape[0]:.0e} x 50 f64", lambda: simdkern.argmax(m, axis=0), "numpy argmax(axis=0)",
        lambda: np.argmax(m, axis=0), np.array_equal(simdkern.argmax(m, axis=0), np.argmax(m, axis=0)))
    print(f"\nchecks: {'all PASS' if not failed else f'{failed} FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
