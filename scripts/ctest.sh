#!/usr/bin/env bash
# Runs ctest in a build folder and records "LABEL: P passed, F failed" in
# BUILD/test-counts/ctest.txt for the closing summary of `make test`.
# Usage: scripts/ctest.sh BUILD LABEL [ctest args...]
set -uo pipefail
build=$1 label=$2; shift 2
mkdir -p "$build/test-counts"
(cd "$build" && ctest --output-on-failure "$@") 2>&1 | tee "$build/ctest.log"
rc=${PIPESTATUS[0]}
line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$build/ctest.log" | tail -1)
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
failed=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
if [ -z "$line" ]; then total=0 failed=1; fi
echo "$label: $((total - failed)) passed, $failed failed" > "$build/test-counts/ctest.txt"
exit "$rc"
