#!/usr/bin/env bash
# The main job: install what is needed, build, show this CPU's dispatch (simdkern-info), then the
# per-ISA benchmark table against peers in the same process, and a hyperfine ISA sweep.
# QUICK=1 shortens the benchmark (d = 128 and 768 only, fewer repetitions).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
# Peers for the table (SimSIMD, NumKong); the table is still printed without them.
python3 -m pip install -q --disable-pip-version-check simsimd numkong numpy threadpoolctl \
  >/dev/null 2>&1 || echo "note: pip install of the Python peers failed; benchmarking without them"
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
echo "== simdkern-info"
build/tools/simdkern-info
echo
echo "== per-ISA benchmark (bench/run.sh; results also in build/bench-results.json)"
bench/run.sh build ${QUICK:+--quick} --json build/bench-results.json
echo
echo "== hyperfine: whole-process ISA sweep (bench/hyperfine.sh)"
bench/hyperfine.sh build
