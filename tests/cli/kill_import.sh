#!/usr/bin/env bash
# A killed import (SIGKILL in the middle of a file, as a power cut would)
# leaves the database exactly as before that file, intact, and running the
# same import again succeeds. The import raises SIGKILL on itself after N
# rows of the file when IB_TEST_KILL_AFTER_ROWS=N is set.
source "$(dirname "$0")/lib.sh"

"$IB" demo --persons 3000 --seed 7 --out demo >/dev/null
mkdir first
for kind in organisations locations persons stays; do
  mv "demo/$kind.csv" first/
done
rows=$(($(wc -l < demo/employments.csv) - 1))
[ "$rows" -gt 2000 ] || fail "demo has too few employments ($rows) for the test"

"$IB" init --db t.db >/dev/null
expect_exit 0 "$IB" import --db t.db --sender demo --quiet first
before=$(fingerprint t.db)
ok "base data imported ($(wc -l < first/persons.csv) person lines)"

# Die after 1000 rows of employments.csv, inside the file's transaction.
set +e
{ IB_TEST_KILL_AFTER_ROWS=1000 "$IB" import --db t.db --sender demo --quiet \
    demo/employments.csv >/dev/null 2>&1; got=$?; } 2>/dev/null
set -e
[ "$got" -eq 137 ] || fail "import was not killed (exit $got, expected 137)"
ok "import killed by SIGKILL after 1000 rows"

check=$(sqlite3 t.db 'PRAGMA integrity_check;')
[ "$check" = ok ] || fail "integrity_check after the kill: $check"
fk=$(sqlite3 t.db 'PRAGMA foreign_key_check;')
[ -z "$fk" ] || fail "foreign key violations after the kill: $fk"
ok "database intact after the kill (integrity and foreign keys)"

[ "$(fingerprint t.db)" = "$before" ] || fail "content changed by the killed import"
n=$(sqlite3 t.db 'SELECT count(*) FROM employments;')
[ "$n" -eq 0 ] || fail "$n employments survived the killed transaction"
ok "content exactly as before the killed file"

expect_exit 0 "$IB" import --db t.db --sender demo --quiet demo/employments.csv
n=$(sqlite3 t.db 'SELECT count(*) FROM employments;')
[ "$n" -eq "$rows" ] || fail "re-run stored $n employments, expected $rows"
ok "re-running the import succeeds and stores all $rows employments"
