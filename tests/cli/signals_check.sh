#!/usr/bin/env bash
# signals_check.sh — `inbeeld signals list` against an independent program
# (signals_reference.py: the rules of docs/signals.md computed from the
# exchange files alone, with its own linkage) on
#   1. tests/data/signals/, a hand-made chain of four senders that hits
#      every kind at its boundaries, whose expected signals on four dates
#      are also written out by hand (expected.csv; expected_without_contacts.csv
#      while the import does not know contacts.csv yet),
#   2. a demo chain (`inbeeld demo --layout chain`) on several dates.
# Also: the table and JSON formats, the audit of the persons listed, the
# help, and wrong command lines.
SRC=${IB_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
source "$(dirname "$0")/lib.sh"
REF="$SRC/tests/cli/signals_reference.py"
DATA="$SRC/tests/data/signals"

import_chain() {   # import_chain DB DIR: every sender of DIR/senders.txt
  "$IB" init --db "$1" >/dev/null
  while read -r folder sender; do
    case $folder in ''|'#'*) continue ;; esac
    "$IB" import --db "$1" --sender "$sender" --quiet "$2/$folder" \
      || fail "import of $2/$folder refused"
  done < "$2/senders.txt"
}

program() {   # program DB DATE...: "DATE,<csv line>" for each date
  local db=$1; shift
  for at in "$@"; do
    "$IB" signals list --db "$db" --at "$at" --format csv > list.csv \
      || fail "signals list --at $at failed"
    [ "$(head -1 list.csv)" = "kind,subject_sender,subject_ref,key,municipality,since" ] \
      || fail "CSV header: $(head -1 list.csv)"
    tail -n +2 list.csv | sed "s/^/$at,/"
  done
}

same() {   # same A B WHAT
  cmp -s "$1" "$2" || { diff "$1" "$2" | head -20 >&2; fail "$3"; }
}

# ---- the hand-made chain
# Contacts need an import that knows contacts.csv; until then the check
# runs without them, on both sides, against the expectation without them.
cp -r "$DATA" data
"$IB" init --db probe.db >/dev/null
if "$IB" import --db probe.db --sender probe --dry-run data/informatiepunt/contacts.csv \
     >/dev/null 2>probe.err || ! grep -q "onbekend bestand" probe.err; then
  expected=expected.csv
  with="with contacts"
else
  rm data/informatiepunt/contacts.csv
  expected=expected_without_contacts.csv
  with="without contacts (this import does not read contacts.csv)"
fi
import_chain hand.db data
dates=(2025-02-28 2025-03-01 2025-03-02 2025-03-05)
program hand.db "${dates[@]}" > hand.program
python3 "$REF" data "${dates[@]}" > hand.reference
same hand.program "$DATA/$expected" "the program differs from the hand-written signals ($expected)"
same hand.reference "$DATA/$expected" "the reference differs from the hand-written signals ($expected)"
for kind in not_registered overcrowded job_and_bed one_year_offer information_moment no_address; do
  grep -q ",$kind," hand.program || fail "the hand-made chain has no $kind"
done
ok "hand-made chain, $with: $(wc -l < hand.program) signals on ${#dates[@]} dates, as written by hand and as the reference"

# ---- the same list as a table and as JSON; every person listed audited
reads_before=$(sqlite3 hand.db.reads "SELECT count(*) FROM audit WHERE detail = 'inbeeld signals list'")
"$IB" signals list --db hand.db --at 2025-03-01 --format json > list.json
python3 - "$DATA/$expected" list.json <<'EOF'
import csv, json, sys
want = [r[1:5] for r in csv.reader(open(sys.argv[1])) if r[0] == "2025-03-01"]
doc = json.load(open(sys.argv[2]))
got = [[s["kind"], s["subject_sender"], s["subject_ref"], s["key"]] for s in doc["signals"]]
assert doc["at"] == "2025-03-01" and doc["count"] == len(got), doc["count"]
assert got == want, (got, want)
for s in doc["signals"]:
    assert s["why"] and s["todo"] and s["why_en"] and s["todo_en"], s
    assert s["subject"] == ("location" if s["kind"] == "overcrowded" else "person"), s
g04 = [s for s in doc["signals"] if s["kind"] == "not_registered" and s["subject_ref"] == "G01"][0]
assert g04["why"] == "In Nederland sinds 31 oktober 2024, niet ingeschreven in de BRP.", g04["why"]
assert g04["why_en"] == "In the Netherlands since 31 October 2024, not registered in the BRP.", g04
EOF
[ $? -eq 0 ] || fail "JSON list"
persons=$(python3 -c "import json; print(sum(s['subject'] == 'person' for s in json.load(open('list.json'))['signals']))")
reads_after=$(sqlite3 hand.db.reads "SELECT count(*) FROM audit WHERE detail = 'inbeeld signals list'")
[ $((reads_after - reads_before)) -eq "$persons" ] \
  || fail "audited $((reads_after - reads_before)) reads for $persons persons listed"
"$IB" signals list --db hand.db --at 2025-03-01 > list.txt
grep -q "^Signalen op 2025-03-01: $(python3 -c "import json; print(json.load(open('list.json'))['count'])")" list.txt \
  || fail "table heading: $(head -1 list.txt)"
grep -q "Overbewoond sinds 15 februari 2025: 4 bewoners op 3 bedden." list.txt \
  || fail "table without the explanation of VHE-1"
ok "JSON and table list the same signals with their explanations; $persons persons listed, $persons reads audited"

# ---- a demo chain, on several dates
"$IB" demo --persons 2500 --seed 7 --layout chain --out demo >/dev/null
[ "$expected" = expected_without_contacts.csv ] || ls demo/*/contacts.csv >/dev/null 2>&1 \
  || fail "the demo chain has no contacts.csv"
import_chain demo.db demo
dates=(2016-06-30 2020-01-31 2023-03-01 2024-12-31 2025-06-30)
program demo.db "${dates[@]}" > demo.program
python3 "$REF" demo "${dates[@]}" > demo.reference
same demo.program demo.reference "the demo chain: program and reference differ"
for kind in not_registered overcrowded one_year_offer information_moment no_address; do
  grep -q ",$kind," demo.program || fail "the demo chain has no $kind"
done
# The reference links on its own; that it found the same persons shows in
# the count.
persons_ref=$(python3 -c "
import sys; sys.path.insert(0, '$SRC/tests/cli')
import signals_reference as r
reg = r.Registry('demo'); print(len(set(reg.link.person)))")
persons_db=$(sqlite3 demo.db "SELECT count(DISTINCT people_id) FROM persons")
[ "$persons_ref" = "$persons_db" ] || fail "the reference found $persons_ref persons, the store $persons_db"
ok "demo chain: $(wc -l < demo.program) signals on ${#dates[@]} dates, as the reference ($persons_db persons)"

# ---- command line
expect_exit 0 "$IB" help signals
grep -q "signals list" "$TMP/out" || fail "help does not show list"
expect_exit 1 "$IB" signals
expect_exit 1 "$IB" signals show
expect_exit 1 "$IB" signals list --db hand.db --format xml
expect_exit 1 "$IB" signals list --db hand.db --at 2025-02-30
expect_exit 1 "$IB" signals list --db hand.db extra
ok "help, and wrong subcommands, formats, dates and arguments exit 1"
