"""sk_gemm_f64/f32 (through ctypes) against numpy's matmul, round-robin in one process.

    python bench/gemm_numpy.py build/libsimdkern.so [--threads N] [--shapes 10000x50x5,...] [--cpu-time]

Shapes are m x n x k: C (m x n) = A (m x k) @ B (k x n). numpy is timed both as users call it
(`a @ b`, which allocates C) and into a preallocated C (`np.matmul(a, b, out=c)`); simdkern
writes into a preallocated C, and "+alloc" adds an np.empty for C to match `a @ b`. Ratio =
numpy's time / simdkern's (> 1: simdkern faster). Prints numpy's BLAS (threadpoolctl).
"""
import argparse
import ctypes
import statistics
import time

import numpy as np
import threadpoolctl

p = argparse.ArgumentParser()
p.add_argument("lib")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--shapes", default="10000x50x5,10000x5x50,100000x16x8,2048x2048x2048")
p.add_argument("--seconds", type=float, default=0.6)
p.add_argument("--cpu-time", action="store_true",
               help="process CPU time instead of wall time (1 thread, oversubscribed machine)")
args = p.parse_args()
clock = time.process_time if args.cpu_time else time.perf_counter

sk = ctypes.CDLL(args.lib)
sz, vp = ctypes.c_size_t, ctypes.c_void_p
sk.sk_gemm_f64.argtypes = [ctypes.c_int, ctypes.c_int, sz, sz, sz, ctypes.c_double, vp, sz, vp, sz,
                           ctypes.c_double, vp, sz]
sk.sk_gemm_f32.argtypes = [ctypes.c_int, ctypes.c_int, sz, sz, sz, ctypes.c_float, vp, sz, vp, sz,
                           ctypes.c_float, vp, sz]
sk.sk_set_num_threads.argtypes = [sz]
sk.sk_isa_active.restype = ctypes.c_int
sk.sk_isa_name.restype = ctypes.c_char_p
sk.sk_set_num_threads(args.threads)

info = threadpoolctl.threadpool_info()
print(f"# numpy {np.__version__}, BLAS: " + "; ".join(
    f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')}" for i in info)
      + f"; simdkern ISA {sk.sk_isa_name(sk.sk_isa_active()).decode()}; {args.threads} thread(s); "
      + ("process CPU" if args.cpu_time else "wall") + " time")
print("| op | m x n x k | who | us | GFLOP/s | ratio (numpy `a @ b` / who) |")
print("|---|---|---|---|---|---|")

with threadpoolctl.threadpool_limits(args.threads):
    for dt, name in ((np.float64, "dgemm"), (np.float32, "sgemm")):
        fn = sk.sk_gemm_f64 if dt == np.float64 else sk.sk_gemm_f32
        for shape in args.shapes.split(","):
            m, n, k = (int(x) for x in shape.split("x"))
            rng = np.random.default_rng(1)
            a = rng.standard_normal((m, k)).astype(dt)
            b = rng.standard_normal((k, n)).astype(dt)
            c = np.empty((m, n), dt)
            pa, pb, pc = a.ctypes.data, b.ctypes.data, c.ctypes.data

            def sk_call():
                fn(0, 0, m, n, k, 1.0, pa, k, pb, n, 0.0, pc, n)

            def sk_alloc():
                out = np.empty((m, n), dt)
                fn(0, 0, m, n, k, 1.0, pa, k, pb, n, 0.0, out.ctypes.data, n)

            subjects = {
                "numpy a @ b": lambda: a @ b,
                "numpy matmul(out=)": lambda: np.matmul(a, b, out=c),
                "simdkern": sk_call,
                "simdkern +alloc": sk_alloc,
            }
            sk_call()
            ref = a.astype(np.float64) @ b.astype(np.float64)
            tol = 1e-10 if dt == np.float64 else 1e-3
            assert np.allclose(c, ref, rtol=tol, atol=tol * np.abs(ref).max()), "mismatch"
            t0 = clock()
            a @ b
            one = clock() - t0
            batch = max(1, int(2e-3 / max(one, 1e-7)))
            rounds = max(3, min(41, int(args.seconds / (len(subjects) * one * batch + 1e-9))))
            times = {s: [] for s in subjects}
            for _ in range(rounds):
                for s, f in subjects.items():
                    t = clock()
                    for _ in range(batch):
                        f()
                    times[s].append((clock() - t) / batch)
            med = {s: statistics.median(v) for s, v in times.items()}
            flops = 2.0 * m * n * k
            for s in subjects:
                print(f"| {name} | {m}x{n}x{k} | {s} | {med[s] * 1e6:.1f} | {flops / med[s] * 1e-9:.1f} "
                      f"| {med['numpy a @ b'] / med[s]:.2f} |")
