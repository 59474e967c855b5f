#!/bin/sh
# The shared library exports sk_* symbols only (kernels and helpers stay hidden).
lib=$1
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^sk_' | grep -v '^_')
count=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -c '^sk_')
echo "exported sk_ symbols: $count"
if [ -n "$bad" ] || [ "$count" -lt 10 ]; then echo "unexpected exports: $bad"; exit 1; fi
nm -D --defined-only "$lib" | grep -q ' sk_k_' && { echo "kernel symbols exported"; exit 1; }
exit 0
