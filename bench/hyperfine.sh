#!/usr/bin/env bash
# Whole-process ISA sweep with hyperfine: each supported ISA (SIMDKERN_ISA) runs one kernel
# N times at d=768 (L1-resident). JSON per kernel in BUILD/hyperfine-KERNEL.json.
# Usage: bench/hyperfine.sh BUILD_DIR [kernel ...]
set -euo pipefail
build=${1:-build}; shift || true
kernels=${*:-dot_f32 dot_f64 sqeuclidean_f64 cosine_f32}
isas=$("$build/tools/simdkern-info" | awk '$1 ~ /^(scalar|sse42|avx2|avx512|neon)$/ && $3 == "yes" {print $1}' | paste -sd, -)
for k in $kernels; do
  hyperfine --style basic --warmup 1 --runs 5 -L isa "$isas" \
    "SIMDKERN_ISA={isa} $build/bench/simdkern-bench --kernel $k --d 768 --calls 1000000" \
    --export-json "$build/hyperfine-$k.json" | grep -E 'Benchmark|Time|±|faster' || true
done
