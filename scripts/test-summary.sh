#!/usr/bin/env bash
# Adds up the test counts of every suite `make test` ran and prints the
# closing line "N passed, N failed". Each suite leaves a line
# "SUITE: P passed, F failed" in build*/test-counts/*.
set -uo pipefail
passed=0 failed=0
for f in build*/test-counts/*.txt; do
  [ -f "$f" ] || continue
  read -r p fl < <(sed -E 's/^.*: ([0-9]+) passed, ([0-9]+) failed.*$/\1 \2/' "$f")
  echo "  $(cat "$f")"
  passed=$((passed + p)); failed=$((failed + fl))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
