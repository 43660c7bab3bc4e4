# lib.sh — shared helpers for the CLI tests (sourced). $1 of the test is the
# inbeeld binary; every test works in its own temporary folder.
set -euo pipefail
IB=$(realpath "$1")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
checks=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
# expect_exit CODE COMMAND...: runs COMMAND, asserts its exit code.
expect_exit() {
  local want=$1; shift
  set +e; "$@" >"$TMP/out" 2>"$TMP/err"; local got=$?; set -e
  [ "$got" -eq "$want" ] || { cat "$TMP/out" "$TMP/err" >&2; fail "exit $got, expected $want: $*"; }
}
# Content fingerprint of a database: a full export, hashed.
fingerprint() {
  rm -rf "$TMP/fp" && "$IB" export --db "$1" "$TMP/fp" >/dev/null
  (cd "$TMP/fp" && find . -type f -name '*.csv' | sort | xargs cat | sha256sum | cut -c1-16)
}
