#!/usr/bin/env bash
# The commands whose output holds person-level data leave a read entry per
# person in the audit, as the server's look-ups and downloads do, so that
# `audit show --person` names every person whose data left the system:
# export, location show, monitor registration --unregistered --no-suppress
# and monitor intervals.
source "$(dirname "$0")/lib.sh"
GOOD=$IB_TEST_DATA/import/good

"$IB" init --db t.db >/dev/null
"$IB" import --db t.db --sender s "$GOOD" >/dev/null
sql() { sqlite3 t.db "$1"; }
AT=--at=2025-12-31

# shows_read REF TEXT: the person's audit report lists a read by TEXT.
shows_read() {
  expect_exit 0 "$IB" audit show --db t.db --person "$1"
  grep -E "^[^ ]+ +cli +read +[a-z]+ +$2" "$TMP/out" >/dev/null ||
    { cat "$TMP/out" >&2; fail "audit of $1 lacks a read by '$2'"; }
}
lacks_read() {
  expect_exit 0 "$IB" audit show --db t.db --person "$1"
  ! grep -q "$2" "$TMP/out" || fail "audit of $1 has a read by '$2'"
}

# ---- export: every person in it
expect_exit 0 "$IB" export --db t.db ex
for ref in $(sql "SELECT ref FROM persons ORDER BY ref"); do
  grep -q "^$ref[,;]" ex/s/persons.csv || fail "$ref not in the export"
  shows_read "$ref" "inbeeld export ex"
done
ok "export: every exported person's audit shows the export"

# ---- location show: every resident shown
loc=$(sql "SELECT l.ref FROM locations l JOIN housings h ON h.location_id = l.id
           GROUP BY l.id ORDER BY count(*) DESC, l.ref LIMIT 1")
expect_exit 0 "$IB" location show "$loc" --db t.db
cp "$TMP/out" shown.txt
residents=$(sql "SELECT DISTINCT p.ref FROM housings h JOIN persons p ON p.id = h.person_id
                 JOIN locations l ON l.id = h.location_id WHERE l.ref = '$loc'")
[ -n "$residents" ] || fail "test data: no residents at $loc"
for ref in $residents; do
  grep -q "bewoner $ref" shown.txt || fail "$ref not shown at $loc"
  shows_read "$ref" "inbeeld location show"
done
for ref in $(sql "SELECT ref FROM persons WHERE id NOT IN (SELECT h.person_id FROM housings h
                  JOIN locations l ON l.id = h.location_id WHERE l.ref = '$loc')"); do
  lacks_read "$ref" "inbeeld location show"
done
ok "location show: every resident's audit shows it, no one else's"

# ---- monitor registration --unregistered --no-suppress: every person listed
expect_exit 0 "$IB" monitor registration --unregistered --no-suppress --format csv $AT --db t.db
listed=$(tail -n +2 "$TMP/out" | cut -d, -f1)
[ -n "$listed" ] || fail "test data: no one unregistered"
for ref in $listed; do
  shows_read "$ref" "inbeeld monitor registration --unregistered"
done
for ref in $(sql "SELECT ref FROM persons"); do
  echo "$listed" | grep -qx "$ref" || lacks_read "$ref" "monitor registration"
done
ok "monitor registration --unregistered: every listed person's audit shows it, no one else's"

# ---- monitor intervals: every person in the intervals
expect_exit 0 "$IB" monitor intervals $AT --db t.db --out iv.csv
inside=$(tail -n +2 iv.csv | cut -d, -f1 | sort -u)
[ -n "$inside" ] || fail "test data: no intervals"
for ref in $inside; do
  shows_read "$ref" "inbeeld monitor intervals"
done
ok "monitor intervals: every person in them has the read in their audit"

expect_exit 0 "$IB" audit verify --db t.db
echo "$checks checks passed"
