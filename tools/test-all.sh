#!/usr/bin/env bash
# The whole test suite, every setup: native (every ISA this CPU runs, in-process), qemu-x86_64
# CPU models core2duo/Nehalem/Haswell (dispatch by real CPUID: scalar/sse42/avx2), valgrind
# memcheck (avx2), the aarch64 cross build under qemu-aarch64 (neon), and a clang ASan+UBSan build
# with a 30 s libFuzzer run over the pair kernels, and the numpy binding under pytest. Installs what it needs
# on a fresh Debian machine. Ends with 'N passed, N failed'.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh || { echo "dependency install failed"; echo "0 passed, 1 failed"; exit 1; }
bash tools/arm64-sysroot.sh .deps/arm64 >/dev/null || { echo "arm64 sysroot failed"; echo "0 passed, 1 failed"; exit 1; }

build() { # dir, meson args...
  local dir=$1; shift
  [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
  ninja -C "$dir" >"$dir.ninja.log" 2>&1 || { tail -50 "$dir.ninja.log"; return 1; }
}
build build -Dtests=enabled || { echo "0 passed, 1 failed"; exit 1; }
build build-aarch64 --cross-file .deps/arm64/paths.ini --cross-file tools/aarch64-linux-gnu.ini \
  -Dcpuinfo=disabled -Dtests=enabled || { echo "0 passed, 1 failed"; exit 1; }

CC=clang build build-asan -Db_sanitize=address,undefined -Dc_args=-fno-sanitize-recover=all \
  -Db_lundef=false -Dfuzz=true -Dbench=false -Dtests=enabled || { echo "0 passed, 1 failed"; exit 1; }

rm -f build/meson-logs/testlog*.json build-aarch64/meson-logs/testlog*.json build-asan/meson-logs/testlog*.json
run() { # label, meson test args...
  local label=$1; shift
  local t0=$SECONDS
  meson test "$@" --num-processes 2 --print-errorlogs >"/tmp/simdkern-test-$label.log" 2>&1
  echo "setup $label: $(grep -E '^(Ok|Fail):' "/tmp/simdkern-test-$label.log" | tr -s ' ' | tr '\n' ' ')($((SECONDS - t0)) s)"
}
run native -C build
run core2duo -C build --setup core2duo
run nehalem -C build --setup nehalem
run haswell -C build --setup haswell
run valgrind -C build --setup valgrind
run aarch64 -C build-aarch64
run asan-ubsan-fuzz -C build-asan --no-suite abi

# The numpy binding: pip install . (meson-python, the same Meson build), then pytest against
# scipy/scikit-learn. Run from /tmp so the installed package is what gets imported.
t0=$SECONDS
{ python3 -m pip install -q --disable-pip-version-check numpy scipy scikit-learn pytest "dask[array,distributed]" &&
  python3 -m pip install -q --disable-pip-version-check --force-reinstall --no-deps . &&
  (cd /tmp && python3 -m pytest -q -p no:cacheprovider "$OLDPWD/tests/python"); } \
  >/tmp/simdkern-pytest.log 2>&1
echo "setup python: $(tail -1 /tmp/simdkern-pytest.log) ($((SECONDS - t0)) s)"
grep -h "ISAs tested" build/meson-logs/testlog*.txt build-aarch64/meson-logs/testlog.txt | sort | uniq -c
python3 tools/count-tests.py build/meson-logs/testlog*.json build-aarch64/meson-logs/testlog.json \
  build-asan/meson-logs/testlog.json --pytest /tmp/simdkern-pytest.log
