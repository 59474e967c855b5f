#!/usr/bin/env python3
"""simdkern's time-series and SLEEF vector-math calls against numpy/scipy, side by side.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/peers_series.py [build/libsimdkern.so] [--quick]

Loads the built C library through ctypes (path argument, else $SIMDKERN_LIBRARY, else
build/libsimdkern.so). Each case alternates simdkern and peer runs round-robin in one process
(the machine's drift hits both) and reports medians; ratio = peer / simdkern (> 1: simdkern is
faster). simdkern timings include allocating the output with np.empty, as a binding would.
Every result is checked against the peer (exit status 1 on a mismatch).
"""
import argparse
import ctypes
import os
import statistics
import sys
import time

import numpy as np
import scipy.signal
import scipy.stats

P, S, D, I = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_double, ctypes.c_int


def load(path):
    lib = ctypes.CDLL(path)
    for t in ("f64", "f32"):
        getattr(lib, f"sk_col_ar1_{t}").argtypes = [S, S, P, S, P, P]
        getattr(lib, f"sk_ar1_{t}").argtypes = [P, S, S, P, P]
        getattr(lib, f"sk_col_fill_nonfinite_{t}").argtypes = [S, S, P, S, P, P, S]
        getattr(lib, f"sk_lag_matrix_{t}").argtypes = [S, S, P, S, S, P, S]
        getattr(lib, f"sk_norm_pvalue_{t}").argtypes = [P, S, P]
        getattr(lib, f"sk_dft_power_{t}").argtypes = [P, S, S, S, P]
    lib.sk_isa_active.restype = I
    lib.sk_isa_name.restype = ctypes.c_char_p
    lib.sk_isa_name.argtypes = [I]
    return lib


def ptr(a):
    return a.ctypes.data


def side_by_side(f_sk, f_peer, reps):
    """warm-up, then alternate; medians in ms"""
    f_sk(), f_peer()
    a, b = [], []
    for _ in range(reps):
        for fn, ts in ((f_sk, a), (f_peer, b)):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
    return statistics.median(a) * 1e3, statistics.median(b) * 1e3


def side_by_side_warm(f_sk, f_peer, reps):
    """side_by_side, each function called twice a round: the first call runs after the other
    side's (its data as the other left the caches: cold for us when the peer's temporaries
    evicted it), the second right after itself (warm for both). Returns both pairs of medians,
    (sk, peer) after the other and (sk, peer) warm, in ms."""
    f_sk(), f_peer()
    t = [[], [], [], []]
    for _ in range(reps):
        for k, fn in enumerate((f_sk, f_peer)):
            for w in (0, 1):
                t0 = time.perf_counter()
                fn()
                t[2 * w + k].append(time.perf_counter() - t0)
    return tuple(statistics.median(x) * 1e3 for x in t)


def np_ar1(x):
    """the numpy way: centre, then two einsum reductions over neighbouring rows"""
    mu = x.mean(axis=0)
    xc = x - mu
    num = np.einsum("ij,ij->j", xc[1:], xc[:-1])
    den = np.einsum("ij,ij->j", xc[:-1], xc[:-1])
    return num / den, mu


def np_lag(x, L):
    r, c = x.shape
    out = np.full((r, c, L + 1), np.nan)
    for lag in range(L + 1):
        out[lag:, :, lag] = x[: r - lag]
    return out.reshape(r, c * (L + 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lib", nargs="?", default=os.environ.get("SIMDKERN_LIBRARY", "build/libsimdkern.so"))
    ap.add_argument("--quick", action="store_true", help="sizes / 10")
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    lib = load(args.lib)
    sc = 10 if args.quick else 1
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, simdkern isa "
          f"{lib.sk_isa_name(lib.sk_isa_active()).decode()}, library {args.lib}\n")
    print("| case | simdkern ms | peer | peer ms | peer / simdkern | check |")
    print("|---|---:|---|---:|---:|---|")
    failed = 0

    def row(name, f_sk, peer, f_peer, ok, reps=args.reps):
        nonlocal failed
        a, b = side_by_side(f_sk, f_peer, reps)
        failed += not ok
        print(f"| {name} | {a:.2f} | {peer} | {b:.2f} | {b / a:.2f}x | {'PASS' if ok else 'FAIL'} |", flush=True)

    # ---- AR(1) per column: 1e6 x 50 f64, AR(1) data around an offset
    rows, cols = 1_000_000 // sc, 50
    x = scipy.signal.lfilter([1.0], [1.0, -0.6], rng.standard_normal((rows, cols)), axis=0) + 10.0

    def sk_col_ar1():
        phi, mu = np.empty(cols), np.empty(cols)
        assert lib.sk_col_ar1_f64(rows, cols, ptr(x), cols, ptr(phi), ptr(mu)) == 0
        return phi, mu

    (p1, m1), (p2, m2) = sk_col_ar1(), np_ar1(x)
    ok = np.allclose(p1, p2, rtol=0, atol=1e-10) and np.allclose(m1, m2, rtol=1e-13, atol=0)
    row(f"col_ar1 {rows:.0e} x {cols} f64", sk_col_ar1, "numpy mean + 2 einsum", lambda: np_ar1(x), ok)

    # ---- lag matrix: 1e6 x 50, lags 0..10 (the output is 11x the input: 4.4 GB)
    L = 10

    def sk_lag():
        out = np.empty((rows, cols * (L + 1)))
        assert lib.sk_lag_matrix_f64(rows, cols, ptr(x), cols, L, ptr(out), out.shape[1]) == 0
        return out

    ok = np.array_equal(sk_lag(), np_lag(x, L), equal_nan=True)
    row(f"lag_matrix {rows:.0e} x {cols}, lags 0..{L} f64", sk_lag, "np.full(nan) + slicing",
        lambda: np_lag(x, L), ok, reps=max(3, args.reps - 2))
    out = np.empty((rows, cols * (L + 1)))
    row(f"  same, output preallocated (kernel only)", lambda: lib.sk_lag_matrix_f64(
        rows, cols, ptr(x), cols, L, ptr(out), out.shape[1]), "np.full(nan) + slicing", lambda: np_lag(x, L), ok,
        reps=max(3, args.reps - 2))
    del out

    # ---- fill non-finite: 1e6 x 50 f64 with 1% NaN/Inf
    xn = x.copy()
    mask = rng.random(xn.shape) < 0.01
    xn[mask] = np.where(rng.random(mask.sum()) < 0.5, np.nan, np.inf)
    fill = np.arange(cols, dtype=np.float64)

    def sk_fill():
        out = np.empty_like(xn)
        assert lib.sk_col_fill_nonfinite_f64(rows, cols, ptr(xn), cols, ptr(fill), ptr(out), cols) == 0
        return out

    ok = np.array_equal(sk_fill(), np.where(np.isfinite(xn), xn, fill))
    row(f"col_fill_nonfinite {rows:.0e} x {cols} f64", sk_fill, "np.where(np.isfinite)",
        lambda: np.where(np.isfinite(xn), xn, fill), ok)
    out = np.empty_like(xn)
    row(f"  same, output preallocated (kernel only)", lambda: lib.sk_col_fill_nonfinite_f64(
        rows, cols, ptr(xn), cols, ptr(fill), ptr(out), cols), "np.where(np.isfinite)",
        lambda: np.where(np.isfinite(xn), xn, fill), ok)
    del out
    del xn, mask

    # ---- normal p-values, 1e7 f64
    z = rng.standard_normal(10_000_000 // sc) * 3

    def sk_p():
        out = np.empty_like(z)
        assert lib.sk_norm_pvalue_f64(ptr(z), z.size, ptr(out)) == 0
        return out

    ref = scipy.stats.norm.sf(np.abs(z)) * 2
    ok = np.allclose(sk_p(), ref, rtol=1e-12, atol=0)
    row(f"norm_pvalue {z.size:.0e} f64", sk_p, "scipy.stats.norm.sf(|z|)*2",
        lambda: scipy.stats.norm.sf(np.abs(z)) * 2, ok)
    zf = z.astype(np.float32)

    def sk_pf():
        out = np.empty_like(zf)
        assert lib.sk_norm_pvalue_f32(ptr(zf), zf.size, ptr(out)) == 0
        return out

    ok = np.allclose(sk_pf(), scipy.stats.norm.sf(np.abs(zf)) * 2, rtol=2e-6, atol=1e-44)
    row(f"norm_pvalue {z.size:.0e} f32", sk_pf, "scipy.stats.norm.sf(|z|)*2 (f32)",
        lambda: scipy.stats.norm.sf(np.abs(zf)) * 2, ok)
    del z, zf, ref

    # ---- DFT power: n = 4096, bins 0..2047 (O(n * nbins) against an O(n log n) FFT)
    n, nb = 4096, 2048
    s = rng.standard_normal(n)

    def sk_dft():
        out = np.empty(nb)
        assert lib.sk_dft_power_f64(ptr(s), n, 1, nb, ptr(out)) == 0
        return out

    pw = np.abs(np.fft.rfft(s)[:nb]) ** 2
    ok = np.allclose(sk_dft(), pw, rtol=0, atol=1e-9 * np.sum(s * s))
    row(f"dft_power n={n}, {nb} bins f64", sk_dft, "np.abs(np.fft.rfft)**2", lambda: np.abs(np.fft.rfft(s)) ** 2,
        ok, reps=max(args.reps, 21))
    nb2 = 8

    def sk_dft8():
        out = np.empty(nb2)
        assert lib.sk_dft_power_f64(ptr(s), n, 1, nb2, ptr(out)) == 0
        return out

    ok = np.allclose(sk_dft8(), pw[:nb2], rtol=0, atol=1e-9 * np.sum(s * s))
    row(f"dft_power n={n}, {nb2} bins f64", sk_dft8, "np.abs(np.fft.rfft)**2", lambda: np.abs(np.fft.rfft(s)) ** 2,
        ok, reps=max(args.reps, 21))

    print(f"\nchecks: {'all PASS' if not failed else f'{failed} FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
