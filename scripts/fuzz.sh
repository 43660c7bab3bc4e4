#!/usr/bin/env bash
# fuzz.sh — runs every built libFuzzer target for a while.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS
# Each BUILD_DIR/tests/fuzz_<name> runs SECONDS seconds on a temporary copy
# of tests/fuzz/corpus/<name>/ (the repository is never written to); crash
# artifacts and logs stay under BUILD_DIR/fuzz-artifacts/<name>/. Prints one
# line per target; exits non-zero when any target crashed or none was found.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 BUILD_DIR SECONDS" >&2
    exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || { echo "fuzz: no build dir $1" >&2; exit 2; }
seconds=$2
case $seconds in
    ''|*[!0-9]*) echo "fuzz: SECONDS must be a whole number" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/ib-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

failed=0
found=0
for target in "$build"/tests/fuzz_*; do
    if [ ! -f "$target" ] || [ ! -x "$target" ]; then continue; fi
    found=$((found + 1))
    name=$(basename "$target")
    short=${name#fuzz_}
    corpus="$work/$short"
    mkdir -p "$corpus"
    if [ -d "$root/tests/fuzz/corpus/$short" ]; then
        cp -R "$root/tests/fuzz/corpus/$short/." "$corpus/"
    fi
    seeds=$(find "$corpus" -type f | wc -l)
    artifacts="$build/fuzz-artifacts/$short"
    mkdir -p "$artifacts"
    log="$artifacts/last-run.log"
    "$target" "$corpus" -max_total_time="$seconds" -max_len=65536 \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" >"$log" 2>&1
    rc=$?
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" |
           grep -Eo '[0-9]+$' | tail -n 1)
    if [ $rc -eq 0 ]; then
        printf 'fuzz %-24s ok      %ss, %s runs, %s seeds\n' \
            "$name" "$seconds" "${runs:-?}" "$seeds"
    else
        failed=$((failed + 1))
        printf 'fuzz %-24s CRASHED (exit %d); see %s and %s/\n' \
            "$name" "$rc" "$log" "$artifacts"
    fi
done

# The closing line of `make test` adds this up (scripts/test-summary.sh).
mkdir -p "$build/test-counts"
echo "fuzz (libFuzzer, ${seconds}s each): $((found - failed)) passed, $failed failed" \
    >"$build/test-counts/fuzz.txt"

if [ $found -eq 0 ]; then
    echo "fuzz: no fuzz targets in $build/tests (build with -DIB_FUZZ=ON)" >&2
    exit 1
fi
[ $failed -eq 0 ]
