#!/usr/bin/env bash
# One person across the chain at the command line (docs/linkage.md): two
# senders deliver look-alikes; `person review` lists them side by side, a
# decision links them or keeps them apart for good; `person link` refuses
# two BSNs; `person unlink` restores the persons as they were and refuses a
# shared BSN; `person links` shows the records and their disagreements;
# every decision and every read is in the audit.
source "$(dirname "$0")/lib.sh"
GOOD=$IB_TEST_DATA/import/good
sql() { sqlite3 t.db "$1"; }

mkdir b
cat > b/persons.csv <<'CSV'
person_ref,bsn,family_name,given_names,birth_date,sex,nationality,language
B1,,Wisniewska,Ana Maria,1990-04-12,V,PL,pl
B2,,Popescu,Ion,1985-11-30,M,RO,ro
B3,123456782,Kowalski,Piotr,2001-02-28,M,PL,
B4,,Nowak,Ewa,1995-12-30,V,XX,
CSV
"$IB" init --db t.db >/dev/null
"$IB" import --db t.db --sender a "$GOOD" >/dev/null
"$IB" import --db t.db --sender b b >/dev/null
rec() { sql "SELECT x.id FROM persons x JOIN senders s ON s.id = x.sender_id WHERE s.ref = '$1' AND x.ref = '$2'"; }
person() { sql "SELECT people_id FROM persons x JOIN senders s ON s.id = x.sender_id WHERE s.ref = '$1' AND x.ref = '$2'"; }

# ---- usage
expect_exit 0 "$IB" help person
grep -q "person review ID --same|--different --reason TEKST" "$TMP/out" || fail "help lacks review"
expect_exit 1 "$IB" person link 1 2 --db t.db
grep -q -- "--reason" "$TMP/err" || fail "link without a reason not explained"
expect_exit 1 "$IB" person review 1 --db t.db --reason x
expect_exit 1 "$IB" person review 1 --same --different --db t.db --reason x
expect_exit 1 "$IB" person review --state maybe --db t.db
expect_exit 1 "$IB" person links P001 --db t.db
expect_exit 3 "$IB" person links 999 --db t.db
expect_exit 3 "$IB" person review 999 --same --reason x --db t.db
ok "usage: reasons required, --same or --different, unknown ids exit 3"

# ---- the look-alikes, side by side
expect_exit 0 "$IB" person review --db t.db
out=$(cat "$TMP/out")
grep -q "^2 paren$" <<<"$out" || fail "not two open pairs: $out"
grep -q "ref  *P001  *B1" <<<"$out" || fail "P001 and B1 not side by side: $out"
grep -q "naam  *Wiśniewska, Anna Maria  *Wisniewska, Ana Maria   <- wijkt af" <<<"$out" \
  || fail "differing names not marked: $out"
grep -q "geboren  *1995-12-31  *1995-12-30   <- wijkt af" <<<"$out" || fail "birth dates: $out"
grep -q "geboren  *1990-04-12  *1990-04-12$" <<<"$out" || fail "equal dates marked: $out"
"$IB" audit show --person B4 --sender b --db t.db >audit.txt
grep -q "read .*inbeeld person review" audit.txt || fail "the pairs' records not audited as read"
ok "review lists both look-alikes side by side, differences marked, reads audited"

p1=$(sql "SELECT id FROM link_reviews WHERE record_a = $(rec a P001)")
p2=$(sql "SELECT id FROM link_reviews WHERE record_a = $(rec a P005)")
expect_exit 0 "$IB" person review "$p1" --same --reason "zelfde paspoort gezien" --db t.db
grep -q "zelfde persoon" "$TMP/out" || fail "decision not reported"
[ "$(person a P001)" = "$(person b B1)" ] || fail "same: not linked"
expect_exit 0 "$IB" person review "$p2" --different --reason "andere moeder" --db t.db
[ "$(person a P005)" != "$(person b B4)" ] || fail "different: linked anyway"
expect_exit 2 "$IB" person review "$p2" --same --reason "toch" --db t.db
grep -q "al beoordeeld" "$TMP/err" || fail "second decision not refused clearly"
expect_exit 0 "$IB" person review --db t.db
grep -q "^0 paren$" "$TMP/out" || fail "decided pairs still open"
# B4 delivered again with another spelling: still a look-alike of P005, never proposed again
sed -i 's/^B4,,Nowak,Ewa,/B4,,Nowakk,Ewa,/' b/persons.csv
"$IB" import --db t.db --sender b b >/dev/null
expect_exit 0 "$IB" person review --db t.db
grep -q "^0 paren$" "$TMP/out" || fail "a pair declared different came back: $(cat "$TMP/out")"
expect_exit 0 "$IB" person review --state all --db t.db
grep -q "besluit  *niet dezelfde persoon door cli op .*: andere moeder" "$TMP/out" || fail "decision not shown"
ok "decide: same links, different keeps apart and is never proposed again"

# ---- links: the records of a person and their disagreements
expect_exit 0 "$IB" person links "$(person a P001)" --db t.db
out=$(cat "$TMP/out")
grep -q "^Persoon $(person a P001): 2 records$" <<<"$out" || fail "links header: $out"
grep -q "^Verschillen tussen de records: naam$" <<<"$out" || fail "disagreement not named: $out"
grep -q "Record $(rec b B1) (afzender b, ref B1)" <<<"$out" || fail "B1 missing: $out"
grep -q "Gekoppeld       met de hand (regel 5)" <<<"$out" || fail "how linked: $out"
grep -q "Naam            Wisniewska, Ana Maria   <- wijkt af" <<<"$out" || fail "mark: $out"
grep -q "BSN             \*\*\*\*\*2333" <<<"$out" || fail "BSN not masked: $out"
ok "links: every record with sender, ref, how linked; disagreements marked"

# ---- link and unlink by hand
expect_exit 2 "$IB" person link "$(person a P001)" "$(person a P003)" --reason "test" --db t.db
grep -q "verschillende BSN's (regel 2)" "$TMP/err" || fail "two BSNs: no clear refusal"
expect_exit 2 "$IB" person unlink "$(rec b B3)" --reason "test" --db t.db
grep -q "hetzelfde BSN (regel 1)" "$TMP/err" || fail "shared BSN: no clear refusal"
before=$(person b B2)
[ "$before" = "$(person a P002)" ] || fail "B2 not linked to P002 by identity"
expect_exit 0 "$IB" person unlink B2 --sender b --reason "andere persoon, zelfde naam" --db t.db
[ "$(person a P002)" = "$before" ] || fail "P002 changed person"
[ "$(person b B2)" != "$before" ] || fail "B2 still linked"
b2=$(person b B2)
expect_exit 0 "$IB" person link "$before" "$b2" --reason "toch dezelfde" --db t.db
[ "$(person b B2)" = "$before" ] || fail "link by hand failed"
expect_exit 0 "$IB" person unlink "$(rec b B2)" --reason "weer los" --db t.db
[ "$(person b B2)" = "$b2" ] || fail "unlink did not restore B2's own person"
ok "link refused across BSNs, unlink refused on a shared BSN, unlink restores the persons"

# ---- the audit shows each decision
expect_exit 0 "$IB" audit show --person P001 --sender a --db t.db
grep -q "cli .* review .*regel 4: paar $p1 .*dezelfde persoon: zelfde paspoort gezien" "$TMP/out" \
  || fail "same decision not in the audit: $(cat "$TMP/out")"
grep -q "read .*inbeeld person links" "$TMP/out" || fail "links read not in the audit"
expect_exit 0 "$IB" audit show --person P005 --sender a --db t.db
grep -q "review .*niet dezelfde persoon: andere moeder" "$TMP/out" || fail "different not audited"
expect_exit 0 "$IB" audit show --person P002 --sender a --db t.db
grep -q "unlink .*andere persoon, zelfde naam" "$TMP/out" || fail "unlink not audited"
grep -q "link .*regel 5: .*toch dezelfde" "$TMP/out" || fail "link not audited"
expect_exit 0 "$IB" audit verify --db t.db
ok "audit show lists every decision, link and unlink with its reason; chain intact"
