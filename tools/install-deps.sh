#!/usr/bin/env bash
# Installs what the build, every test setup and the benchmarks need on a fresh Debian machine
# (run as root). Idempotent: does nothing when everything is present.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
native="meson ninja-build pkg-config cmake gcc libtsan2 clang libclang-rt-14-dev binutils python3 libsleef-dev libcpuinfo-dev libcriterion-dev
        valgrind qemu-user hyperfine libopenblas-dev libblis-dev"
# arm64 runtime libraries that co-install with the amd64 ones; Criterion and nanomsg for arm64 do
# not (Debian ships them without Multi-Arch co-installability), so tools/arm64-sysroot.sh unpacks
# those into the build tree instead.
cross="gcc-aarch64-linux-gnu libc6-dev-arm64-cross libc6:arm64 libsleef-dev:arm64
       libgit2-1.5:arm64 libffi8:arm64"
missing=""
for p in $native $cross; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends $native $cross >/dev/null
fi
