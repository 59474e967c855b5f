#!/bin/sh
# Installs into a scratch DESTDIR and builds a consumer three ways: pkg-config (shared), the static
# archive with pkg-config --static's dependencies, and CMake find_package(simdkern). Each must compile, link and compute a dot product.
# Usage: check_install.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
meson install -C "$build" --destdir "$tmp/root" --no-rebuild >/dev/null
prefix=$(meson introspect "$build" --buildoptions | python3 -c "import json,sys; print([o['value'] for o in json.load(sys.stdin) if o['name']=='prefix'][0])")
root="$tmp/root$prefix"
pc=$(dirname "$(find "$root" -name simdkern.pc)")
libdir=$(dirname "$pc")
cat > "$tmp/c.c" <<'C'
#include <simdkern.h>
#include <stdio.h>
int main(void) {
  double a[3] = {1, 2, 3}, r;
  if (sk_dot_f64(a, a, 3, &r) != SK_OK || r != 14.0) return 1;
  printf("consumer ok (%s)\n", sk_isa_name(sk_isa_active()));
  return 0;
}
C
pcflags() { PKG_CONFIG_PATH="$pc" pkg-config --define-variable=prefix="$root" "$@" simdkern; }
cc "$tmp/c.c" $(pcflags --cflags --libs) -o "$tmp/shared"
LD_LIBRARY_PATH="$libdir" "$tmp/shared"
# the static archive (Debian's cpuinfo has no .a, so the rest links dynamically)
cc "$tmp/c.c" $(pcflags --cflags) "$libdir/libsimdkern.a" $(pcflags --static --libs | sed 's/-lsimdkern//') -o "$tmp/static"
"$tmp/static"
mkdir "$tmp/cm"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(c C)\nfind_package(simdkern 0.1 REQUIRED)\nadd_executable(c %s)\ntarget_link_libraries(c simdkern::simdkern)\n' "$tmp/c.c" > "$tmp/cm/CMakeLists.txt"
cmake -S "$tmp/cm" -B "$tmp/cm/b" -DCMAKE_PREFIX_PATH="$root" >/dev/null
cmake --build "$tmp/cm/b" >/dev/null
LD_LIBRARY_PATH="$libdir" "$tmp/cm/b/c"
