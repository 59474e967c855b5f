#!/usr/bin/env python3
"""Markdown summary of a simdkern-bench JSON file: one row per kernel at one d and place,
simdkern's time per ISA and each peer's time with its ratio to simdkern's best ISA."""
import json, sys

path = sys.argv[1]
d = int(sys.argv[2]) if len(sys.argv) > 2 else 768
where = sys.argv[3] if len(sys.argv) > 3 else "l1"
res = json.load(open(path))
rows = [r for r in res["results"] if r["d"] == d and r["where"] == where]
isas = [i for i in ["scalar", "sse42", "avx2", "avx512", "neon"] if any(r["who"] == "simdkern-" + i for r in rows)]
peers = []
for r in rows:
    if not r["who"].startswith("simdkern-") and r["who"] not in peers:
        peers.append(r["who"])
print(f"d = {d}, {'L1-resident' if where == 'l1' else 'streaming rows from DRAM'}; "
      f"clock {res['ghz']:.2f} GHz, DRAM read {res['dram_gbs']:.1f} GB/s (both measured)\n")
print("| kernel | " + " | ".join(f"simdkern {i} ns" for i in isas) + " | " +
      " | ".join(f"{p} ns (ratio)" for p in peers) + " |")
print("|---" * (1 + len(isas) + len(peers)) + "|")
for k in dict.fromkeys(r["kernel"] for r in rows):
    t = {r["who"]: r["ns"] for r in rows if r["kernel"] == k}
    best = min(t["simdkern-" + i] for i in isas if "simdkern-" + i in t)
    cells = [f"{t['simdkern-' + i]:.1f}" if "simdkern-" + i in t else "-" for i in isas]
    cells += [f"{t[p]:.1f} ({t[p] / best:.2f}x)" if p in t else "-" for p in peers]
    print(f"| {k} | " + " | ".join(cells) + " |")
