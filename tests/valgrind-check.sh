#!/bin/sh
# Runs a test under memcheck, following the workers Criterion starts with exec, and fails if any
# process reported an error (Criterion does not see a worker's valgrind exit code).
supp=$(dirname "$0")/valgrind.supp
dir=$(mktemp -d)
valgrind --trace-children=yes --leak-check=full --errors-for-leak-kinds=definite \
  --suppressions="$supp" --log-file="$dir/vg.%p" -q "$@"
rc=$?
for f in "$dir"/vg.*; do
  if [ -s "$f" ]; then cat "$f" >&2; rc=1; fi
done
rm -rf "$dir"
exit $rc
