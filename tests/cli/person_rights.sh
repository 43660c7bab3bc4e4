#!/usr/bin/env bash
# A person's GDPR rights: `person export` (access: everything stored about
# them, the full BSN, and who looked at them) and `person erase` (the person
# and every record of theirs removed, the erasure audited, the audit chain
# still verifiable, everyone else untouched).
source "$(dirname "$0")/lib.sh"
GOOD=$IB_TEST_DATA/import/good

"$IB" init --db t.db >/dev/null
"$IB" import --db t.db --sender s "$GOOD" >/dev/null
sql() { sqlite3 t.db "$1"; }

# ---- usage
expect_exit 1 "$IB" person erase P001 --db t.db
grep -q -- "--reason" "$TMP/err" || fail "erase without --reason not explained"
expect_exit 1 "$IB" person erase P001 --db t.db --reason "  "
expect_exit 1 "$IB" person export P001 --db t.db --reason x
expect_exit 1 "$IB" person show P001 --db t.db --out x.json
expect_exit 3 "$IB" person export NOBODY --db t.db
expect_exit 3 "$IB" person erase NOBODY --db t.db --reason "verzoek"
expect_exit 4 "$IB" person export P001 --db t.db --out /no/such/dir/p.json
expect_exit 0 "$IB" help person
grep -q "person export REF" "$TMP/out" || fail "help lacks export"
ok "usage: erase needs a reason, unknown persons exit 3, bad output paths 4"

# ---- export: everything about the person, and who looked
expect_exit 0 "$IB" person show P001 --db t.db
grep -q "2020-03-10  *contact: informatie (balie, in pl, begrepen: ja); onderwerpen: registration housing health" \
  "$TMP/out" || fail "person show lacks the contact moment: $(cat "$TMP/out")"
expect_exit 0 "$IB" person export P001 --db t.db --out p.json
[ ! -s "$TMP/out" ] || fail "--out still wrote to the screen"
id=$(sql "SELECT id FROM persons WHERE ref = 'P001'")
python3 - p.json "$(sql "SELECT count(*) FROM stays WHERE person_id = $id")" \
  "$(sql "SELECT count(*) FROM employments WHERE person_id = $id")" \
  "$(sql "SELECT count(*) FROM housings WHERE person_id = $id")" \
  "$(sql "SELECT count(*) FROM contacts WHERE person_id = $id")" <<'PY' || fail "export content"
import json, sys
d = json.load(open(sys.argv[1]))
p = d["person"]
assert p["person_ref"] == "P001" and p["bsn"] == "111222333" and p["sender"] == "s", p
assert p["family_name"] == "Wiśniewska" and p["birth_date"] == "1990-04-12", p
assert len(d["stays"]) == int(sys.argv[2]) > 0, d["stays"]
assert len(d["employments"]) == int(sys.argv[3]) > 0, d["employments"]
assert len(d["housings"]) == int(sys.argv[4]), d["housings"]
assert len(d["contacts"]) == int(sys.argv[5]) > 0, d["contacts"]
assert d["contacts"][0] == {"date": "2020-03-10", "kind": "information", "channel": "desk",
                             "topics": "registration housing health", "language": "pl",
                             "understood": "yes"}, d["contacts"][0]
actions = [a["action"] for a in d["audit"]]
assert "read" in actions and actions[-1] == "export", actions
PY
expect_exit 0 "$IB" person export P001 --db t.db
python3 -c 'import json,sys; json.load(sys.stdin)' < "$TMP/out" || fail "export to the screen is not JSON"
ok "show and export: person with BSN, every episode and contact, and the audit of who looked (the export itself last)"

# ---- erase
persons=$(sql "SELECT count(*) FROM persons")
others=$(sql "SELECT (SELECT count(*) FROM stays WHERE person_id <> $id) || '/' ||
                     (SELECT count(*) FROM employments WHERE person_id <> $id) || '/' ||
                     (SELECT count(*) FROM housings WHERE person_id <> $id)")
expect_exit 0 "$IB" person erase P001 --db t.db --reason "verzoek betrokkene 2026-12"
grep -q "gewist" "$TMP/out" || fail "erase says nothing"
grep -q ", 2 contactmomenten;" "$TMP/out" || fail "erase does not count the contacts: $(cat "$TMP/out")"
for t in stays registrations employments housings life_events contacts; do
  [ "$(sql "SELECT count(*) FROM $t WHERE person_id = $id")" = 0 ] || fail "$t of P001 left"
done
[ "$(sql "SELECT count(*) FROM persons")" = $((persons - 1)) ] || fail "not exactly one person erased"
[ "$(sql "SELECT (SELECT count(*) FROM stays) || '/' || (SELECT count(*) FROM employments)
               || '/' || (SELECT count(*) FROM housings)")" = "$others" ] || fail "others touched"
expect_exit 3 "$IB" person show P001 --db t.db
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'erase' AND person_id = $id AND
          detail LIKE 'reden: verzoek betrokkene 2026-12; verwijderd: persoon, %'")" = 1 ] \
  || fail "erasure not audited with its reason"
expect_exit 0 "$IB" audit verify --db t.db
ok "erase: the person and every record of theirs gone, others untouched, audited, chain intact"

# ---- the same ref delivered again is a new person
expect_exit 0 "$IB" import --db t.db --sender s "$GOOD"
expect_exit 0 "$IB" person show P001 --db t.db
ok "after erasure the sender may deliver the ref again"
