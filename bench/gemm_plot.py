#!/usr/bin/env python3
"""Square GEMM, sizes 64..4096: simdkern against OpenBLAS and BLIS as a CSV, a PNG and a table.

    python3 bench/gemm_plot.py [--bench build/bench/simdkern-bench] [--sizes 64,128,...] [--quick]
                               [--isas avx512,avx2] [--openblas-core NAME] [--csv F] [--png F]

One run of `simdkern-bench --gemm --threads 1 --no-skinny --cpu-time` (f64 and f32, subjects timed
round-robin in one process; process CPU time because the VM is shared) under
`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE BLIS_ARCH_TYPE=skx` (an OpenBLAS that does not know
the CPU and falls back to a core without AVX-512 is re-run by the bench itself with its Cooperlake
kernels, and the header says so); --openblas-core NAME sets OPENBLAS_CORETYPE=NAME. The CSV starts with the bench's '# gemm: ...' line (OpenBLAS core, BLIS arch). The table gives
the first ISA's GFLOP/s and peer time / simdkern time (> 1: simdkern faster).
"""
import argparse
import csv
import os
import re
import subprocess
import sys

SIZES = "64,96,128,192,256,384,512,768,1024,1536,2048,3072,4096"
QUICK_SIZES = "64,128,256,512,1024"
ROW = re.compile(r"^\| (dgemm|sgemm) \| (\d+)x\2x\2 \| (\S+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$")


def cpu_model():
    info = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            key, _, val = line.partition(":")
            info.setdefault(key.strip(), val.strip())
    return f"{info.get('model name', '?')} (family {info.get('cpu family', '?')} model {info.get('model', '?')})"


def run_bench(args):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env["BLIS_ARCH_TYPE"] = "skx"
    if args.openblas_core:
        env["OPENBLAS_CORETYPE"] = args.openblas_core
    cmd = [args.bench, "--gemm", "--threads", "1", "--isas", args.isas, "--sizes", args.sizes,
           "--no-skinny", "--cpu-time"] + (["--quick"] if args.quick else [])
    print("running:", " ".join(cmd), file=sys.stderr)
    header, rows = None, []
    try:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    except OSError as e:
        sys.exit(f"bench failed to start: {e}")
    with proc:
        for line in proc.stdout:
            print(line, end="", file=sys.stderr)  # progress: the bench prints a size at a time
            line = line.strip()
            if line.startswith("# gemm"):
                header = line
            elif m := ROW.match(line):
                op, size, who, ms, gf, ratio = m.groups()  # square shapes only: m x m x m
                rows.append(dict(op=op, size=int(size), who=who, ms=float(ms), gflops=float(gf), ratio=float(ratio)))
    if proc.returncode != 0 or header is None or not rows:
        sys.exit(f"bench failed (exit status {proc.returncode}, {len(rows)} rows parsed)")
    return header, rows


def plot(header, rows, path):
    import matplotlib.pyplot as plt  # Agg when there is no display
    core = re.search(r"OpenBLAS core: ([^;]+); BLIS arch: (\S+)", header)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5), dpi=100)
    for ax, op in zip(axes, ("dgemm", "sgemm")):
        mine = [r for r in rows if r["op"] == op]
        for who in dict.fromkeys(r["who"] for r in mine):
            pts = sorted((r["size"], r["gflops"]) for r in mine if r["who"] == who)
            ax.plot(*zip(*pts), marker="o", ms=3, label=who)
        sizes = sorted({r["size"] for r in mine})
        ax.set_xscale("log", base=2)
        ax.set_xticks(sizes, [str(s) for s in sizes], rotation=45, fontsize=7)
        ax.minorticks_off()
        ax.set(title=op, xlabel="m = n = k", ylabel="GFLOP/s", ylim=(0, None))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"{cpu_model()}; OpenBLAS {core[1] if core else '?'}, BLIS {core[2] if core else '?'}; "
                 "1 thread, process CPU time", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def table(rows):
    by = {(r["op"], r["size"], r["who"]): r for r in rows}
    base = rows[0]["who"]  # the bench's ratios are relative to its first subject
    cols = ["size"] + [f"{op} {base} GFLOP/s | {op} openblas/sk | {op} blis/sk" for op in ("dgemm", "sgemm")]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * 7]
    for size in sorted({r["size"] for r in rows}):
        cells = [str(size)]
        for op in ("dgemm", "sgemm"):
            sk, ob, bl = (by.get((op, size, who)) for who in (base, "openblas", "blis"))
            cells += [f"{sk['gflops']:.1f}" if sk else "-"] + [f"{r['ratio']:.2f}" if r else "-" for r in (ob, bl)]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default="build/bench/simdkern-bench")
    ap.add_argument("--sizes", help=f"comma-separated square sizes (default {SIZES}; --quick: {QUICK_SIZES})")
    ap.add_argument("--quick", action="store_true", help="fewer sizes, fewer rounds")
    ap.add_argument("--isas", default="avx512,avx2")
    ap.add_argument("--openblas-core", help="set OPENBLAS_CORETYPE (default: unset, OpenBLAS detects)")
    ap.add_argument("--csv", default="bench/results/gemm_sizes.csv")
    ap.add_argument("--png", default="bench/results/gemm_sizes.png")
    args = ap.parse_args()
    args.sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    header, rows = run_bench(args)
    if "not loaded" in header:
        print(f"warning: {header}", file=sys.stderr)
    for d in {os.path.dirname(args.csv), os.path.dirname(args.png)} - {""}:
        os.makedirs(d, exist_ok=True)
    with open(args.csv, "w", newline="") as f:
        f.write(header + "\n")
        w = csv.DictWriter(f, fieldnames=["op", "size", "who", "ms", "gflops", "ratio"])
        w.writeheader()
        w.writerows(rows)
    plot(header, rows, args.png)
    print(header)
    print(table(rows))
    print(f"\nwrote {args.csv} and {args.png}", file=sys.stderr)


if __name__ == "__main__":
    main()
