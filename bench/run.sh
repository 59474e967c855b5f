#!/usr/bin/env bash
# Runs simdkern-bench with its peers loaded in-process: SimSIMD and NumKong (their PyPI wheels
# export their C kernels; libpython is loaded first only to satisfy their Python symbols) and
# OpenBLAS with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for this command only, so it picks its
# own kernels for this CPU (the bench prints which). Usage: bench/run.sh BUILD_DIR [bench args]
set -euo pipefail
build=${1:-build}; shift || true
py=${PYTHON:-python3}
eval "$("$py" - <<'PY' 2>/dev/null || true
import sysconfig, os
libdir = sysconfig.get_config_var('LIBDIR') or ''
lib = sysconfig.get_config_var('LDLIBRARY') or ''
p = os.path.join(libdir, lib)
if lib.endswith('.so') and os.path.exists(p): print(f"export SK_BENCH_LIBPYTHON='{p}'")
try:
    import simsimd; print(f"export SK_BENCH_SIMSIMD='{simsimd.__file__}'")
except Exception: pass
try:
    import numkong._numkong as nk; print(f"export SK_BENCH_NUMKONG='{nk.__file__}'")
except Exception:
    try:
        import numkong as nk; print(f"export SK_BENCH_NUMKONG='{nk.__file__}'")
    except Exception: pass
PY
)"
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$build/bench/simdkern-bench" "$@"
