#!/usr/bin/env bash
# The main job: install what is needed, build, show this CPU's dispatch (simdkern-info), then the
# per-ISA benchmark tables against peers in the same process, and a hyperfine ISA sweep.
# QUICK=1 shortens the benchmark (d = 128 and 768 only, fewer repetitions).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
# Peers (SimSIMD, NumKong, numpy/scipy/scikit-learn); the pair table is still printed without them.
python3 -m pip install -q --disable-pip-version-check simsimd numkong numpy scipy scikit-learn \
  threadpoolctl >/dev/null 2>&1 || echo "note: pip install of the Python peers failed"
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
echo "== simdkern-info"
build/tools/simdkern-info
echo
echo "== per-ISA benchmark (bench/run.sh; results also in build/bench-results.json)"
bench/run.sh build ${QUICK:+--quick} --json build/bench-results.json
echo
echo "== distance matrices, nearest row, silhouette, RBF against scipy/scikit-learn/NumKong"
# numpy's OpenBLAS must pick its own kernels here: unset the machine's overrides for this command
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/peers_cdist.py ${QUICK:+--quick} \
  --json build/peers-cdist.json || echo "note: the distance benchmark reported a failure"
echo
echo "== statistics against numpy/scipy (installs the Python package: pip install .)"
python3 -m pip install -q --disable-pip-version-check --force-reinstall --no-deps . >/dev/null 2>&1 &&
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/peers_stats.py ${QUICK:+--quick} ||
  echo "note: the statistics benchmark reported a failure"
echo
echo "== GEMM per ISA against OpenBLAS and BLIS (simdkern-bench --gemm)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE BLIS_ARCH_TYPE=skx build/bench/simdkern-bench --gemm \
  ${QUICK:+--sizes 256,1024} || echo "note: the GEMM benchmark reported a failure"
echo
echo "== time series and vector math against numpy/scipy (bench/peers_series.py)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/peers_series.py build/libsimdkern.so \
  ${QUICK:+--quick} || echo "note: the series benchmark reported a failure"
echo
echo "== hyperfine: whole-process ISA sweep (bench/hyperfine.sh)"
bench/hyperfine.sh build
