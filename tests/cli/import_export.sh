#!/usr/bin/env bash
# The import and export commands as a user meets them: help, exit codes,
# the three report formats with line and column, --dry-run, --partial,
# idempotent re-import, and import(export(db)) reproducing the content.
source "$(dirname "$0")/lib.sh"
GOOD=$IB_TEST_DATA/import/good
BAD=$IB_TEST_DATA/import/bad

# ---- command line
expect_exit 1 "$IB"
expect_exit 1 "$IB" no-such-command
grep -q "onbekende opdracht" "$TMP/err" || fail "unknown command not named"
for cmd in init import export status person location version help; do
  expect_exit 0 "$IB" help "$cmd"
  grep -q "Gebruik: inbeeld" "$TMP/out" || fail "help $cmd shows no usage"
  expect_exit 0 "$IB" "$cmd" --help
done
ok "every command has help; unknown commands exit 1"

"$IB" init --db t.db >/dev/null
expect_exit 1 "$IB" import --db t.db "$GOOD"
grep -q -- "--sender" "$TMP/err" || fail "missing --sender not explained"
expect_exit 1 "$IB" import --db t.db --sender s
expect_exit 1 "$IB" import --db t.db --sender s --format xml "$GOOD"
expect_exit 4 "$IB" import --db t.db --sender s no-such-dir
expect_exit 4 "$IB" status --db nope.db
grep -qx "inbeeld: database nope.db: bestaat niet; maak hem met 'inbeeld init --db nope.db'" \
  "$TMP/err" || fail "missing database not explained once: $(cat "$TMP/err")"
ok "import: usage errors exit 1, a missing path exits 4"

# ---- dry run stores nothing
before=$(fingerprint t.db)
expect_exit 0 "$IB" import --db t.db --sender s --dry-run "$GOOD"
[ "$(fingerprint t.db)" = "$before" ] || fail "--dry-run stored rows"
ok "--dry-run validates and stores nothing"

# ---- import, in any argument order, and again (idempotent)
expect_exit 0 "$IB" import --db t.db --sender s "$GOOD"/stays.csv "$GOOD"/persons.csv \
  "$GOOD"/organisations.csv "$GOOD"/locations.csv "$GOOD"/registrations.csv \
  "$GOOD"/employments.csv "$GOOD"/housings.csv "$GOOD"/life_events.csv "$GOOD"/contacts.csv
grep -q "0 afgewezen" "$TMP/out" || fail "summary line missing"
first=$(fingerprint t.db)
[ "$first" != "$before" ] || fail "import stored nothing"
expect_exit 0 "$IB" import --db t.db --sender s --format json "$GOOD"
python3 - "$TMP/out" <<'EOF' || fail "re-import was not all-unchanged"
import json, sys
r = json.load(open(sys.argv[1]))
t = r["totals"]
assert r["ok"] and t["inserted"] == 0 and t["updated"] == 0 and t["unchanged"] == t["read"] > 0, t
EOF
[ "$(fingerprint t.db)" = "$first" ] || fail "re-import changed the content"
ok "import in any order; re-import leaves everything unchanged"

# ---- a rejected file: exit 2, nothing stored, line and column in every format
mkdir bad
cat > bad/persons.csv <<'EOF'
person_ref,bsn,family_name,given_names,birth_date,sex,nationality,language,category
N1,,Nowak,Anna,1990-02-30,V,PL,pl,labour
N2,,Kowalski,Jan,1988-05-01,M,QQ,pl,labour
N3,,Lis,Ewa,1991-01-01,V,PL,pl,labour
EOF
expect_exit 2 "$IB" import --db t.db --sender s --report rep.csv bad
grep -q "regel 2" "$TMP/out" || fail "text report names no line"
[ "$(fingerprint t.db)" = "$first" ] || fail "a rejected file stored rows"
head -1 rep.csv | grep -q "^file,line,column,field,message" || fail "CSV report header"
grep -q ",2,5,birth_date," rep.csv || { cat rep.csv >&2; fail "CSV report: line 2 column 5"; }
grep -q ",3,7,nationality," rep.csv || { cat rep.csv >&2; fail "CSV report: line 3 column 7"; }
expect_exit 2 "$IB" import --db t.db --sender s --quiet --report rep.json bad
[ ! -s "$TMP/out" ] || fail "--quiet printed a report"
python3 - rep.json <<'EOF' || fail "JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
assert not r["ok"]
rej = r["files"][0]["rejections"]
assert [(x["line"], x["column"], x["field"]) for x in rej] == [(2, 5, "birth_date"), (3, 7, "nationality")], rej
EOF
ok "rejected rows: exit 2, nothing stored, line/column in text, CSV and JSON"

# ---- --partial keeps the good rows
expect_exit 2 "$IB" import --db t.db --sender s --partial bad
[ "$(sqlite3 t.db "SELECT count(*) FROM persons")" -eq 6 ] || fail "--partial did not store N3"
ok "--partial stores the good row and reports the bad ones"

# ---- imports run without SQLite's foreign-key checks (every ref is resolved
# by the import itself): unknown refs are rejected rows, and nothing dangles
mkdir refs
cat > refs/employments.csv <<'EOF'
person_ref,employer_ref,agency_ref,contract,start_date,end_date,hours_per_week,monthly_wage,sector
P001,WG01,,permanent,2024-01-01,,40,2900,A
P404,WG01,,permanent,2024-01-01,,40,2900,A
P001,WG404,,permanent,2024-02-01,,40,2900,A
P001,WG01,UB404,agency,2024-03-01,,40,2900,A
EOF
jobs=$(sqlite3 t.db "SELECT count(*) FROM employments")
expect_exit 2 "$IB" import --db t.db --sender s --partial refs
grep -q "regel 3.*onbekende persoon 'P404'" "$TMP/out" || fail "unknown person not rejected"
grep -q "regel 4.*onbekende organisatie 'WG404'" "$TMP/out" || fail "unknown employer not rejected"
grep -q "regel 5.*onbekende organisatie 'UB404'" "$TMP/out" || fail "unknown agency not rejected"
[ "$(sqlite3 t.db "SELECT count(*) FROM employments")" -eq $((jobs + 1)) ] ||
  fail "--partial stored other than the one good employment"
[ -z "$(sqlite3 t.db 'PRAGMA foreign_key_check;')" ] || fail "foreign key violations after the imports"
ok "unknown refs are rejected rows; no foreign key violations after the imports"

# ---- a bad-corpus case through the CLI: its expected message is printed
case_dir=$BAD/05-bad-date-format
"$IB" init --db c.db >/dev/null
if [ -d "$case_dir/pre" ]; then "$IB" import --db c.db --sender s "$case_dir/pre" >/dev/null; fi
files=$(find "$case_dir" -maxdepth 1 -name '*.csv')
expect_exit 2 "$IB" import --db c.db --sender s $files
msg=$(sed -n 2p "$case_dir/expected.txt" | sed -E "s/^[^:]*: //")
grep -qF -- "$msg" "$TMP/out" || { cat "$TMP/out" "$case_dir/expected.txt" >&2; fail "expected message not shown"; }
ok "the bad-corpus message reaches the user"

# ---- round trip: export, import into a fresh database, export again
expect_exit 0 "$IB" export --db t.db out1
grep -q "totaal" "$TMP/out" || fail "export summary"
"$IB" init --db u.db >/dev/null
expect_exit 0 "$IB" import --db u.db --sender s out1/s
expect_exit 0 "$IB" export --db u.db out2
diff -r out1 out2 >/dev/null || { diff -r out1 out2 | head >&2; fail "round trip differs"; }
expect_exit 3 "$IB" export --db t.db --sender nobody out3
ok "import(export(db)) reproduces the content byte for byte"

# ---- contacts.csv comes back exactly as sent (topics in the catalogue's
# order); topics in another order or spacing are the same content
mkdir con
cat > con/contacts.csv <<'EOF'
person_ref,date,kind,channel,topics,language,understood
P001,2024-03-01,career_offer,,,,
P001,2024-03-01,information,desk,registration housing health,pl,yes
P002,2024-04-02,language_course_offer,letter,dutch_language,,
P003,2024-05-03,other,visit,work_contract help leave,en,partly
EOF
expect_exit 0 "$IB" import --db t.db --sender s con/contacts.csv
expect_exit 0 "$IB" export --db t.db --sender s out5
grep -e '^person_ref,' -e ',2024-' out5/s/contacts.csv > con/back.csv
diff con/contacts.csv con/back.csv >&2 || fail "contacts.csv not given back as sent"
mkdir con2
printf 'person_ref,kind,date,topics\nP003,other,2024-05-03,"leave  work_contract help"\n' \
  > con2/contacts.csv
expect_exit 0 "$IB" import --db t.db --sender s con2/contacts.csv
grep -q "1 gewijzigd" "$TMP/out" || fail "dropping channel, language and outcome is no change: $(cat "$TMP/out")"
printf 'person_ref,kind,date,channel,topics,language,understood\nP003,other,2024-05-03,visit,"leave  work_contract help",en,partly\n' \
  > con2/contacts.csv
expect_exit 0 "$IB" import --db t.db --sender s con2/contacts.csv
grep -q "1 gewijzigd" "$TMP/out" || fail "the contact was not restored: $(cat "$TMP/out")"
expect_exit 0 "$IB" export --db t.db --sender s out6
cmp -s out5/s/contacts.csv out6/s/contacts.csv || fail "topics in another order are other content"
expect_exit 0 "$IB" import --db t.db --sender s con/contacts.csv
grep -q "4 ongewijzigd" "$TMP/out" || fail "re-sent contacts changed: $(cat "$TMP/out")"
ok "contacts.csv is given back as sent; its topics are a set"

[ "$(sqlite3 t.db.reads "SELECT count(*) FROM audit WHERE action = 'export'")" -ge 1 ] ||
  fail "export not audited"
ok "an export is recorded in the audit log"

# The read log belongs to its database: without it (or with another
# database's) verify and serve refuse, and nothing starts a fresh one.
expect_exit 0 "$IB" audit verify --db t.db
mv t.db.reads t.db.reads.away
expect_exit 4 "$IB" audit verify --db t.db
grep -q "leeslog .*t.db.reads ontbreekt" "$TMP/err" || fail "missing read log not named: $(cat "$TMP/err")"
expect_exit 4 "$IB" serve --db t.db --listen 127.0.0.1:0
grep -q "ontbreekt" "$TMP/err" || fail "serve started without its read log: $(cat "$TMP/err")"
[ ! -e t.db.reads ] || fail "a fresh read log was made"
cp u.db.reads t.db.reads                 # u.db's export made it one
expect_exit 4 "$IB" audit verify --db t.db
grep -q "andere database" "$TMP/err" || fail "foreign read log accepted: $(cat "$TMP/err")"
rm -f t.db.reads
mv t.db.reads.away t.db.reads
expect_exit 0 "$IB" audit verify --db t.db
ok "a missing or foreign read log is refused, its own one accepted"

# A read log lost beyond repair: forgotten on record, then a new one.
expect_exit 1 "$IB" audit forget-reads --db t.db
expect_exit 4 "$IB" audit forget-reads --db t.db --reason "schijf kapot"
grep -q "is er nog" "$TMP/err" || fail "forgot a read log that is there: $(cat "$TMP/err")"
mv t.db.reads t.db.reads.away
rm -f t.db.reads-wal t.db.reads-shm
expect_exit 0 "$IB" audit forget-reads --db t.db --reason "schijf kapot"
[ "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'forget-reads'
                   AND detail LIKE '%schijf kapot'")" = 1 ] || fail "forgetting not in the change log"
expect_exit 0 "$IB" audit verify --db t.db
expect_exit 0 "$IB" export --db t.db out4            # a read: a new read log
# (the export's entry, and one per person in it)
[ "$(sqlite3 t.db.reads "SELECT count(*) FROM audit")" = \
  $((1 + $(sqlite3 t.db "SELECT count(*) FROM persons"))) ] || fail "no new read log"
expect_exit 4 "$IB" audit forget-reads --db t.db --reason "nog eens"
ok "a lost read log can be forgotten on record, and a new one begins"
echo "import_export: $checks checks passed"
