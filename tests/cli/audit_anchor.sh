#!/usr/bin/env bash
# The audit logs' heads and the anchor: deleting the last rows of the change
# log or of the read log with the sqlite3 shell, emptying either, or putting
# back an older read log makes `audit verify` fail (exit 4) with a message
# that names the log, and `status` no longer says the chains are intact;
# `audit anchor` prints the heads for safekeeping and `verify --anchor FILE`
# passes on the untouched database and fails after a truncation, even one
# that put back an older copy of both files.
source "$(dirname "$0")/lib.sh"
GOOD=$IB_TEST_DATA/import/good

"$IB" init --db t.db >/dev/null
"$IB" import --db t.db --sender s "$GOOD" >/dev/null
"$IB" person show P001 --db t.db >/dev/null
"$IB" person show P002 --db t.db >/dev/null
printf 'geheim-wachtwoord-42\n' > pw
"$IB" user add jansen --role analyst --organisation s --password-file pw --db t.db \
  >/dev/null 2>&1

# Copies of the database and its read log (the commands have closed them,
# so their write-ahead logs are folded in), and putting them back.
save() { cp t.db "$1.db"; cp t.db.reads "$1.reads"; }
restore() {
  rm -f t.db-wal t.db-shm t.db.reads-wal t.db.reads-shm
  cp "$1.db" t.db; cp "$1.reads" t.db.reads
}
restore_reads() { rm -f t.db.reads-wal t.db.reads-shm; cp "$1.reads" t.db.reads; }
# expect_broken WHAT: verify exits 4 naming WHAT, status does not say intact.
expect_broken() {
  expect_exit 4 "$IB" audit verify --db t.db
  grep -q "$1" "$TMP/err" || { cat "$TMP/err" >&2; fail "verify does not say '$1'"; }
  expect_exit 4 "$IB" status --db t.db
  ! grep -q "ketens intact" "$TMP/out" || fail "status still says intact"
  grep -q "$1" "$TMP/out" || { cat "$TMP/out" >&2; fail "status does not say '$1'"; }
}

expect_exit 0 "$IB" audit verify --db t.db
grep -q "auditlog in orde" "$TMP/out" || fail "verify of an untouched database"
expect_exit 0 "$IB" status --db t.db
grep -q "ketens intact" "$TMP/out" || fail "status of an untouched database"
save good
ok "untouched: verify exit 0, status 'ketens intact'"

# ---- the change log
sqlite3 t.db "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)"
expect_broken "wijzigingslog ingekort"
restore good
sqlite3 t.db "DELETE FROM audit WHERE id > (SELECT max(id) - 3 FROM audit)"
expect_broken "wijzigingslog ingekort"
restore good
sqlite3 t.db "DELETE FROM audit"
expect_broken "wijzigingslog ingekort"
# A later change does not paper over the gap.
"$IB" user add pietersen --role analyst --organisation s --password-file pw --db t.db \
  >/dev/null 2>&1
expect_broken "wijzigingslog"
restore good
sqlite3 t.db "DELETE FROM store_meta WHERE name = 'audit_head'"
expect_broken "de kop (hoeveel regels er zijn) ontbreekt"
restore good
ok "change log: last row, last rows, all rows or its head deleted: verify exit 4, status not intact"

# ---- the read log
sqlite3 t.db.reads "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)"
expect_broken "leeslog ingekort"
restore good
sqlite3 t.db.reads "DELETE FROM audit"
expect_broken "leeslog ingekort"
"$IB" person show P001 --db t.db >/dev/null
expect_broken "leeslog"
restore good
ok "read log: last row or all rows deleted: verify exit 4, status not intact"

# An older read log put back, after a change has seen the newer one.
"$IB" person show P003 --db t.db >/dev/null
"$IB" person show P001 --db t.db >/dev/null
"$IB" user disable jansen --db t.db >/dev/null 2>&1
expect_exit 0 "$IB" audit verify --db t.db
restore_reads good
expect_broken "leeslog ingekort: volgens het wijzigingslog"
restore good
ok "an older copy of the read log put back: verify exit 4, status not intact"

# ---- the anchor, taken after more than the saved copy holds
"$IB" person show P003 --db t.db >/dev/null
"$IB" user enable jansen --db t.db >/dev/null 2>&1
expect_exit 0 "$IB" audit anchor --db t.db
cp "$TMP/out" anchor.txt
head -1 anchor.txt | grep -q "^inbeeld-auditanker 1$" || fail "anchor format"
grep -q "^wijzigingslog [0-9][0-9]* [0-9a-f]\{64\}$" anchor.txt || fail "anchor: change log"
grep -q "^leeslog [0-9a-f]\{32\} [0-9][0-9]* [0-9a-f]\{64\}$" anchor.txt || fail "anchor: read log"
expect_exit 0 "$IB" audit verify --db t.db --anchor anchor.txt
grep -q "het anker klopt" "$TMP/out" || fail "verify --anchor does not confirm"
# More entries after the anchor are fine.
"$IB" person show P002 --db t.db >/dev/null
"$IB" user disable jansen --db t.db >/dev/null 2>&1
expect_exit 0 "$IB" audit verify --db t.db --anchor anchor.txt
# Deleting the last rows: the anchor says so too (the head says it first).
sqlite3 t.db.reads "DELETE FROM audit WHERE id > 1"
expect_exit 4 "$IB" audit verify --db t.db --anchor anchor.txt
grep -q "leeslog ingekort" "$TMP/err" || fail "verify --anchor after truncation"
# Both files put back from before the anchor: consistent in themselves,
# so only the anchor shows it.
restore good
expect_exit 0 "$IB" audit verify --db t.db
expect_exit 4 "$IB" audit verify --db t.db --anchor anchor.txt
grep -q "volgens het anker" "$TMP/err" || { cat "$TMP/err" >&2; fail "older copy vs anchor"; }
printf 'geen anker\n' > bad.txt
expect_exit 2 "$IB" audit verify --db t.db --anchor bad.txt
grep -q "geen auditanker" "$TMP/err" || fail "a file that is no anchor"
expect_exit 1 "$IB" audit show --db t.db --person P001 --anchor anchor.txt
expect_exit 0 "$IB" help audit
grep -q "verify --anchor" "$TMP/out" || fail "help audit lacks --anchor"
ok "audit anchor: verify --anchor passes untouched, fails after truncation and on an older copy"

echo "$checks checks passed"
