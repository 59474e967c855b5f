#!/usr/bin/env python3
"""simdkern inside a Dask pipeline: k-means (Lloyd) and block-wise robust z-scores.

    pip install "dask[array,distributed]" scikit-learn scipy
    python3 examples/dask_pipeline.py            # 2,000,000 x 32 float32, chunks of 250,000 rows
    python3 examples/dask_pipeline.py --small    # 200,000 x 32, chunks of 50,000 rows (< 60 s)

A dask.distributed.LocalCluster (2 worker processes, 1 thread each) holds a seeded, clustered
Dask array. Every per-block function runs in the worker processes; the per-block results are
small and are reduced on the client.

(a) k-means: `map_blocks` calls simdkern.pairwise_distances_argmin_min(block, centres) on each
    block and returns per-centre sums, counts and the block's inertia (a (k, d+2) array per
    block); the client sums those and moves the centres (a few Lloyd iterations).
(b) robust statistics: per block, the column median and MAD (simdkern.median(block, axis=0),
    simdkern.median_abs_deviation(block, axis=0)) and robust z = (x - median) / (1.4826 MAD);
    the pipeline reports per-column counts of |z| > 3.5.
    These are BLOCK-LOCAL medians/MADs (each chunk of 250,000 rows is standardised by its own
    median/MAD, a common streaming practice). They are not the global column median/MAD: exact
    global order statistics cannot be combined from block medians, and dask's da.percentile is
    approximate too. The exactness claim made here is per block: on one block simdkern's median
    and MAD equal np.median and scipy.stats.median_abs_deviation bit for bit.

Both stages run twice, once with simdkern and once with the same pipeline on numpy / scipy /
scikit-learn per block, and the timings are printed. Checks (exit status 1 if any fails):
- one block: simdkern's assignment indices equal sklearn.metrics.pairwise_distances_argmin_min's,
  distances allclose;
- one block: median and MAD bit-identical to numpy / scipy;
- the two pipelines end with the same centres (allclose) and the same outlier counts.
"""
import argparse
import sys
import time

import numpy as np

K, D = 16, 32
MAD_NORMAL = 1.482602218505602          # 1 / Phi^-1(3/4): MAD -> standard deviation for normal data


# ---- per-block functions (module level: they are pickled to the worker processes) -----------
def _make_block(noise, labels, true_centres):
    """the true centre of each row's label + noise (float32); noise cells above 3 sigma are
    blown up tenfold, a sprinkling (~0.13%) of gross outliers for the robust statistics"""
    noise = np.where(noise > 3, noise * 10, noise)
    return (noise + true_centres[labels[:, 0]]).astype(np.float32, copy=False)


def _assign(block, centres, impl):
    if impl == "simdkern":
        import simdkern
        simdkern.set_num_threads(1)      # one thread per worker, as the cluster is laid out
        return simdkern.pairwise_distances_argmin_min(block, centres)
    from sklearn.metrics import pairwise_distances_argmin_min
    return pairwise_distances_argmin_min(block, centres)


def _lloyd_block(block, centres, impl):
    """(k, d+2) per block: per-centre coordinate sums | count | squared-distance sum"""
    idx, dist = _assign(block, centres, impl)
    k, d = centres.shape
    out = np.zeros((k, d + 2))
    # per-centre coordinate sums in float64: one bincount over (centre, column) cells
    cell = (idx[:, None] * d + np.arange(d)).ravel()
    out[:, :d] = np.bincount(cell, weights=block.ravel(), minlength=k * d).reshape(k, d)
    out[:, d] = np.bincount(idx, minlength=k)
    out[:, d + 1] = np.bincount(idx, weights=np.square(dist, dtype=np.float64), minlength=k)
    return out


def _disagreements_block(block, centres):
    """(1, 2): rows where simdkern and sklearn pick different centres, and how many of those
    are not near-ties (exact float64 distances to the two picks differ by > 1e-5 relative)"""
    i_a, _ = _assign(block, centres, "simdkern")
    i_b, _ = _assign(block, centres, "sklearn")
    diff = np.flatnonzero(i_a != i_b)
    x = block[diff].astype(np.float64)
    c = centres.astype(np.float64)
    da_ = np.sqrt(((x - c[i_a[diff]]) ** 2).sum(axis=1))
    db_ = np.sqrt(((x - c[i_b[diff]]) ** 2).sum(axis=1))
    real = np.count_nonzero(np.abs(da_ - db_) > 1e-5 * np.maximum(da_, db_))
    return np.array([[diff.size, real]])


def _median_mad(block, impl):
    if impl == "simdkern":
        import simdkern
        return simdkern.median(block, axis=0), simdkern.median_abs_deviation(block, axis=0)
    import scipy.stats
    return np.median(block, axis=0), scipy.stats.median_abs_deviation(block, axis=0)


def _robust_outliers_block(block, impl, thresh):
    """(1, d): per column, the rows of this block with |robust z| > thresh (block-local median/MAD)"""
    med, mad = _median_mad(block, impl)
    z = (block - med) / (mad * np.float32(MAD_NORMAL))
    return np.count_nonzero(np.abs(z) > thresh, axis=0)[None, :]


# ---- pipelines ---------------------------------------------------------------------------------
def kmeans(X, centres, iters, impl):
    """Lloyd iterations; each one a map_blocks over X reduced on the client."""
    nb = X.numblocks[0]
    k, d = centres.shape
    inertia = np.nan
    for _ in range(iters):
        stats = X.map_blocks(_lloyd_block, centres=centres, impl=impl, dtype=np.float64,
                             chunks=((k,) * nb, (d + 2,))).compute()
        tot = stats.reshape(nb, k, d + 2).sum(axis=0)
        counts = tot[:, d]
        inertia = tot[:, d + 1].sum()
        keep = counts > 0                         # an empty cluster keeps its centre
        centres = centres.copy()
        centres[keep] = (tot[keep, :d] / counts[keep, None]).astype(centres.dtype)
    return centres, inertia


def robust_outliers(X, impl, thresh=3.5):
    nb = X.numblocks[0]
    per_block = X.map_blocks(_robust_outliers_block, impl=impl, thresh=thresh, dtype=np.int64,
                             chunks=((1,) * nb, (X.shape[1],))).compute()
    return per_block.sum(axis=0)


def timed(fn):
    t = time.perf_counter()
    r = fn()
    return r, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", action="store_true", help="200,000 rows in chunks of 50,000")
    ap.add_argument("--rows", type=int, help="override the row count")
    ap.add_argument("--chunk", type=int, help="override the rows per chunk")
    ap.add_argument("--iters", type=int, default=5, help="Lloyd iterations (default 5)")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    rows = args.rows or (200_000 if args.small else 2_000_000)
    chunk = args.chunk or (50_000 if args.small else 250_000)

    import dask.array as da
    import scipy.stats
    from dask.distributed import Client, LocalCluster, wait
    from sklearn.metrics import pairwise_distances_argmin_min

    import simdkern

    failed = []

    def check(name, ok, detail=""):
        print(f"  check {name}: {'PASS' if ok else 'FAIL'}{' (' + detail + ')' if detail else ''}")
        if not ok:
            failed.append(name)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        print(f"dask cluster: {len(client.scheduler_info()['workers'])} workers x 1 thread; "
              f"simdkern isa {simdkern.isa()}")
        rng = da.random.default_rng(args.seed)
        true_centres = np.random.default_rng(args.seed).uniform(-8, 8, (K, D)).astype(np.float32)
        noise = rng.standard_normal((rows, D), chunks=(chunk, D), dtype=np.float32)
        labels = rng.integers(0, K, size=(rows, 1), chunks=(chunk, 1))
        X = da.map_blocks(_make_block, noise, labels, true_centres=true_centres, dtype=np.float32)
        t0 = time.perf_counter()
        X = X.persist()
        wait(X)
        t_gen = time.perf_counter() - t0
        print(f"data: {rows:,} x {D} float32, {X.numblocks[0]} chunks of {chunk:,} rows, persisted "
              f"on the workers")

        # ---- verification on one block (in this process) ----------------------------------
        print("verification on block 0:")
        b0 = X.blocks[0].compute()
        init = b0[np.random.default_rng(args.seed + 1).choice(len(b0), K, replace=False)].copy()
        i_sk, d_sk = simdkern.pairwise_distances_argmin_min(b0, init)
        i_ref, d_ref = pairwise_distances_argmin_min(b0, init)
        check("argmin_min indices == sklearn", np.array_equal(i_sk, i_ref),
              f"{np.count_nonzero(i_sk != i_ref)} of {len(b0)} differ")
        check("argmin_min distances allclose sklearn", np.allclose(d_sk, d_ref, rtol=1e-5, atol=1e-5),
              f"max |diff| {np.max(np.abs(d_sk.astype(np.float64) - d_ref)):.2e}")
        m_sk, mad_sk = simdkern.median(b0, axis=0), simdkern.median_abs_deviation(b0, axis=0)
        m_np, mad_sp = np.median(b0, axis=0), scipy.stats.median_abs_deviation(b0, axis=0)
        check("column median == np.median (bitwise)", m_sk.dtype == m_np.dtype and np.array_equal(m_sk, m_np))
        check("column MAD == scipy.stats.median_abs_deviation (bitwise)",
              mad_sk.dtype == mad_sp.dtype and np.array_equal(mad_sk, mad_sp))

        # ---- the two pipelines --------------------------------------------------------------
        res = {}
        for impl in ("simdkern", "numpy/sklearn"):
            (c, inertia), t_km = timed(lambda: kmeans(X, init, args.iters, impl))
            counts, t_rb = timed(lambda: robust_outliers(X, impl))
            res[impl] = dict(centres=c, inertia=inertia, counts=counts, t_km=t_km, t_rb=t_rb)

        a, b = res["simdkern"], res["numpy/sklearn"]
        print("pipeline checks:")
        nb = X.numblocks[0]
        dis = X.map_blocks(_disagreements_block, centres=a["centres"], dtype=np.int64,
                           chunks=((1,) * nb, (2,))).compute().sum(axis=0)
        check("assignment with the final centres: simdkern vs sklearn differ only on near-ties",
              dis[1] == 0, f"{dis[0]} rows differ, {dis[1]} of them not near-ties")
        # a near-tie that flips one row moves its centre by ~|x - c| / count (~1e-3 here)
        check("final centres of the two pipelines close", np.allclose(a["centres"], b["centres"], atol=1e-2),
              f"max |diff| {np.max(np.abs(a['centres'] - b['centres'])):.2e}")
        check("inertia close", np.isclose(a["inertia"], b["inertia"], rtol=1e-5),
              f"{a['inertia']:.6g} vs {b['inertia']:.6g}")
        check("outlier counts equal", np.array_equal(a["counts"], b["counts"]),
              f"{int(a['counts'].sum())} vs {int(b['counts'].sum())} cells with |z| > 3.5")

        print(f"\ntimings (wall, s; 2 worker processes x 1 thread; {rows:,} x {D} f32):")
        print("| stage | simdkern | numpy/scipy/sklearn | ratio |")
        print("|---|---:|---:|---:|")
        for key, name in (("t_km", f"k-means, {args.iters} Lloyd iterations, k={K}"),
                          ("t_rb", "block robust z (median + MAD), outlier counts")):
            print(f"| {name} | {a[key]:.2f} | {b[key]:.2f} | {b[key] / a[key]:.2f}x |")
        print(f"(data generation + persist: {t_gen:.2f} s)")

    print(f"\n{'all checks PASS' if not failed else 'FAILED: ' + ', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
