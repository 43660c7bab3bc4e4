#!/usr/bin/env bash
# linkage.sh — one person across the chain, as a clerk meets it on the
# command line (docs/linkage.md): the municipality and an agency deliver the
# same migrant under their own refs; the person shows both senders' episodes;
# a record without a BSN joins by exact identity; one sender's two refs with
# one BSN are linked with a warning in the import report; each sender's
# export still gives back exactly what it sent.
source "$(dirname "$0")/lib.sh"

db=$TMP/chain.db
"$IB" init --db "$db" >/dev/null

mkdir gemeente bureau
cat > gemeente/persons.csv <<'CSV'
person_ref,bsn,family_name,given_names,birth_date,sex,nationality,language
G-100,111222333,Wiśniewska,Anna Maria,1990-04-12,V,PL,pl
G-200,,Popescu,Ion,1985-11-30,M,RO,ro
CSV
cat > gemeente/stays.csv <<'CSV'
person_ref,arrival_date,departure_date
G-100,2020-03-01,2021-12-20
G-200,2019-06-15,
CSV
cat > bureau/organisations.csv <<'CSV'
org_ref,name,kvk,kind,certified
UB,Uitzendbureau Flex,12345678,agency,nen4400
WG,Kwekerij De Tuin,87654321,employer,
CSV
cat > bureau/persons.csv <<'CSV'
person_ref,bsn,family_name,given_names,birth_date,sex,nationality,language
U7,111222333,WISNIEWSKA,ANNA MARIA,1990-04-12,V,PL,pl
U8,,POPESCU,ION,1985-11-30,M,RO,ro
U9,111222333,WISNIEWSKA,ANNA,1990-04-12,V,PL,pl
CSV
cat > bureau/employments.csv <<'CSV'
person_ref,employer_ref,agency_ref,contract,start_date,end_date,hours_per_week,monthly_wage,sector
U7,WG,UB,agency,2020-03-02,2021-12-15,37.5,2450,A
U8,WG,UB,agency,2019-06-17,,38,2310,A
CSV

"$IB" import --db "$db" --sender gemeente gemeente >/dev/null
"$IB" import --db "$db" --sender bureau bureau > report.txt
grep -q "waarschuwing: persoon 'U9' heeft hetzelfde BSN als persoon 'U7'" report.txt \
  || { cat report.txt; fail "the report warns of one sender's two refs for one BSN"; }
ok "one sender, two refs, one BSN: linked, and the report names both refs"
"$IB" import --db "$db" --sender bureau --format json bureau > report.json
grep -q '"warnings"' report.json || fail "JSON report has warnings"
ok "the JSON report carries the warnings"

# The municipality's record shows the agency's employment: one person.
"$IB" person show G-100 --sender gemeente --db "$db" > g100.txt
grep -q "Kwekerij De Tuin" g100.txt || { cat g100.txt; fail "G-100 shows the agency's job"; }
"$IB" person show U7 --sender bureau --db "$db" > u7.txt
grep -q "2020-03-01" u7.txt || { cat u7.txt; fail "U7 shows the municipality's stay"; }
ok "the same BSN makes one person: both senders' episodes on one timeline"

# Without a BSN: the exact normalised name, birth date and nationality.
"$IB" person show G-200 --sender gemeente --db "$db" > g200.txt
grep -q "Kwekerij De Tuin" g200.txt || { cat g200.txt; fail "G-200 linked by identity"; }
ok "no BSN: linked by normalised name, birth date and nationality"

# Re-importing the same files changes no link.
before=$(sqlite3 "$db" "SELECT group_concat(people_id) FROM (SELECT people_id FROM persons ORDER BY id)")
"$IB" import --db "$db" --sender gemeente gemeente >/dev/null
"$IB" import --db "$db" --sender bureau bureau >/dev/null
after=$(sqlite3 "$db" "SELECT group_concat(people_id) FROM (SELECT people_id FROM persons ORDER BY id)")
[ "$before" = "$after" ] || fail "links changed on re-import: $before -> $after"
ok "re-importing the same files changes no link"

# Each sender gets back exactly what it sent: its own refs, its own
# spelling, none of the other sender's episodes.
"$IB" export --db "$db" --sender bureau exported >/dev/null
refs=$(tail -n +2 exported/bureau/persons.csv | cut -d, -f1 | sort | tr '\n' ' ')
[ "$refs" = "U7 U8 U9 " ] || fail "bureau's persons are its own: $refs"
grep -q "WISNIEWSKA" exported/bureau/persons.csv || fail "bureau's spelling kept"
grep -q "Wiśniewska" exported/bureau/persons.csv && fail "the municipality's spelling leaks into bureau's export"
[ "$(tail -n +2 exported/bureau/stays.csv | wc -l)" -eq 0 ] || fail "bureau gets no stays it did not send"
[ "$(tail -n +2 exported/bureau/employments.csv | wc -l)" -eq 2 ] || fail "bureau's two jobs"
ok "the export gives a sender back exactly what it sent"

# The monitor counts persons: on 2021-01-01 two persons are here (not the
# five records), one of them in the BRP nowhere.
"$IB" monitor registration --db "$db" --at 2021-01-01 --no-suppress --format csv > reg.csv
grep -qx "total,0,0,2,2" reg.csv || { cat reg.csv; fail "two persons here, not five records"; }
ok "the monitor counts persons, not records"
# The right of access lists what every sender holds; erasure removes the
# records of every sender, and the id is never handed out again.
"$IB" person export G-100 --sender gemeente --db "$db" --out inzage.json
python3 - inzage.json <<'PY' || fail "the export lists both senders' records"
import json, sys
d = json.load(open(sys.argv[1]))
refs = sorted((r["sender"], r["person_ref"]) for r in d["records"])
assert refs == [("bureau", "U7"), ("bureau", "U9"), ("gemeente", "G-100")], refs
assert len(d["employments"]) == 1 and len(d["stays"]) == 1, (d["employments"], d["stays"])
PY
ok "the right of access lists every sender's record"
gone=$(sqlite3 "$db" "SELECT people_id FROM persons WHERE ref = 'G-100'")
expect_exit 0 "$IB" person erase G-100 --sender gemeente --reason "verzoek betrokkene" --db "$db"
[ "$(sqlite3 "$db" "SELECT count(*) FROM persons WHERE ref IN ('G-100', 'U7', 'U9')")" = 0 ] \
  || fail "erasure removes the records of every sender"
cat > again.csv <<'CSV'
person_ref,bsn,family_name,given_names,birth_date,sex,nationality,language
G-300,,Nieuw,Iemand,1999-09-09,M,PL,pl
CSV
mkdir again && mv again.csv again/persons.csv
"$IB" import --db "$db" --sender gemeente again >/dev/null
new=$(sqlite3 "$db" "SELECT people_id FROM persons WHERE ref = 'G-300'")
[ "$new" -gt "$gone" ] || fail "a new person gets a new id ($new after erased $gone)"
"$IB" audit show --person G-300 --sender gemeente --db "$db" > audit.txt
grep -q "verzoek betrokkene" audit.txt && fail "the new person's audit lists the erased person's erasure"
ok "erasure removes every sender's record; a new person never gets the erased id or its history"
echo "$checks checks passed"
