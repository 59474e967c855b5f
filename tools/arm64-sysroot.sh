#!/usr/bin/env bash
# Unpacks Debian's arm64 Criterion (and nanomsg, which it needs) into DIR without installing them,
# since their packages cannot be co-installed with the amd64 ones, and writes DIR/paths.ini (the
# cross file's arm64_lib constant). Usage: arm64-sysroot.sh DIR
set -euo pipefail
dir=$1
lib="$dir/usr/lib/aarch64-linux-gnu"
write_paths() { printf "[constants]\narm64_lib = '%s'\n" "$(cd "$lib" && pwd)" > "$dir/paths.ini"; }
[ -e "$lib/libcriterion.so" ] && { write_paths; exit 0; }
mkdir -p "$dir/debs"
chmod 777 "$dir/debs" # lets apt's _apt user write there (no "unsandboxed" warning)
(cd "$dir/debs" && apt-get download -qq libcriterion3:arm64 libcriterion-dev:arm64 libnanomsg5:arm64)
for d in "$dir"/debs/*.deb; do dpkg-deb -x "$d" "$dir"; done
test -e "$lib/libcriterion.so"
write_paths
