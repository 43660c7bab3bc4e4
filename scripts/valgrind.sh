#!/usr/bin/env bash
# Runs every unit-test program of a build under valgrind (memcheck): any
# invalid access, use of uninitialised memory or definite leak fails it.
# Usage: scripts/valgrind.sh BUILD
set -uo pipefail
build=$1
mkdir -p "$build/test-counts"
passed=0 failed=0
for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  log="$build/valgrind-$name.log"
  if IB_VALGRIND=1 CMOCKA_MESSAGE_OUTPUT=stdout valgrind --quiet --error-exitcode=99 \
       --leak-check=full --errors-for-leak-kinds=definite \
       "$t" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "  valgrind $name: ok"
  else
    failed=$((failed + 1)); echo "  valgrind $name: FAILED (see $log)"; tail -30 "$log"
  fi
done
echo "valgrind: $passed passed, $failed failed" > "$build/test-counts/valgrind.txt"
[ "$failed" -eq 0 ]
