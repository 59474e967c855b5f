#!/usr/bin/env python3
"""simdkern's statistics calls against numpy/scipy on the same arrays in one process.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/peers_stats.py [--quick]

Uses the installed package (`pip install .`). Medians of alternating simdkern/peer rounds after
a warm-up (bench/peers_series.side_by_side_warm); ratio = peer / simdkern. Each round calls each
side twice: "after the peer" times the first call (it runs after the other side's, so our data
is as the peer's temporaries left the caches, and the peer's as ours left them), "warm" the
second (right after itself: the same cache state for both). Every result is checked against the
peer (exit status 1 on a mismatch).
"""
import argparse
import ctypes
import sys

import numpy as np
import scipy.stats

import simdkern
from peers_series import side_by_side_warm  # alternating rounds, medians in ms


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
    print("| case | simdkern ms | peer | peer ms | peer / simdkern | warm: simdkern ms | peer ms | ratio | check |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---|")
    failed = 0

    def row(name, f_sk, peer, f_peer, ok):
        nonlocal failed
        a, b, aw, bw = side_by_side_warm(f_sk, f_peer, args.reps)
        failed += not ok
        print(f"| {name} | {a:.3g} | {peer} | {b:.3g} | {b / a:.2f}x | {aw:.3g} | {bw:.3g} | {bw / aw:.2f}x | "
              f"{'PASS' if ok else 'FAIL'} |")

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
    # order statistics: every result must equal numpy/scipy bit for bit
    eq = lambda a, b: np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    for n in (10_000, 10_000_000 // scale):
        v = rng.standard_normal(n)
        row(f"median of {n:.0e} f64", lambda: simdkern.median(v), "numpy median", lambda: np.median(v),
            eq(simdkern.median(v), np.median(v)))
    # numpy 2.x's selection itself (x86-simd-sort's AVX-512 quickselect), without np.median's
    # overhead; odd n, so the median is the one kth element
    w = rng.standard_normal(10_001)
    row("median of 1e4+1 f64", lambda: simdkern.median(w), "np.partition(kth=n//2)",
        lambda: np.partition(w, 5000)[5000], eq(simdkern.median(w), np.partition(w, 5000)[5000]))
    v32 = v.astype(np.float32)
    row(f"median of {v32.size:.0e} f32", lambda: simdkern.median(v32), "numpy median", lambda: np.median(v32),
        eq(simdkern.median(v32), np.median(v32)))
    pct = [1, 5, 25, 50, 75, 95, 99]
    row(f"7 percentiles of {v.size:.0e} f64", lambda: simdkern.percentile(v, pct), "numpy percentile",
        lambda: np.percentile(v, pct), eq(simdkern.percentile(v, pct), np.percentile(v, pct)))
    for rows in (10_000, 1_000_000 // scale):
        c = rng.standard_normal((rows, 50)) * 2 + 5
        def np_med_mad():
            md = np.median(c, axis=0)
            return md, np.median(np.abs(c - md), axis=0)
        def sk_med_mad():  # both from one call: the MAD's centre is the median
            return simdkern.median_mad(c, axis=0)
        ok = eq(sk_med_mad()[0], np_med_mad()[0]) and eq(sk_med_mad()[1], np_med_mad()[1])
        row(f"column median + MAD {rows:.0e} x 50 f64", sk_med_mad, "numpy median(axis=0) x2", np_med_mad, ok)
    def sk_robust_z():
        md, mad = simdkern.median_mad(m, axis=0)
        out = np.empty_like(m)
        lib.sk_col_zscore_f64(m.shape[0], m.shape[1], m.ctypes.data, m.shape[1], md.ctypes.data,
                              (mad * 1.482602218505602).ctypes.data, 0.0, out.ctypes.data, m.shape[1])
        return out
    def np_robust_z():
        md = np.median(m, axis=0)
        return (m - md) / (np.median(np.abs(m - md), axis=0) * 1.482602218505602)
    row(f"robust z (median/MAD) {m.shape[0]:.0e} x 50 f64", sk_robust_z, "numpy", np_robust_z,
        np.allclose(sk_robust_z(), np_robust_z(), rtol=1e-12, atol=0))
    print(f"\nchecks: {'all PASS' if not failed else f'{failed} FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
