# signals_inbox.sh — the inbox at the command line (docs/inbox.md): an
# import into a database without an inbox evaluates nothing; `signals
# evaluate` finds the signals and a second evaluation writes nothing; no
# evaluation after today or before the last one; show (with its read in
# the audit log), teams, routes, assign (an owner outside the signal's
# scope refused), close (a step the table does not allow refused, naming
# the allowed ones), release back to the route's team; an import that
# changes data evaluates (the loop closes: a BRP registration lapses
# not_registered, saying so); settings (out of range refused) change what
# the next evaluation finds; list --inbox; erasing a person erases their
# signals; the audit chain holds.
source "$(dirname "$0")/lib.sh"
export INBEELD_DB=$TMP/t.db
"$IB" init >/dev/null
ago() { date -u -d "$1" +%F; }
ARRIVAL=$(ago '-6 months')
YESTERDAY=$(ago '-1 day')
TOMORROW=$(ago '+1 day')

mkdir in
cat > in/persons.csv <<EOF
person_ref,family_name,given_names,birth_date,nationality
P1,Kowalski,Jan,1990-01-01,PL
P2,Nowak,Piotr,1991-02-02,PL
P3,Lis,Adam,1992-03-03,PL
EOF
echo "person_ref,arrival_date" > in/stays.csv
echo "P1,$ARRIVAL" >> in/stays.csv
echo "person_ref,kind,municipality,start_date" > in/registrations.csv
echo "P1,rni,GM0001,$ARRIVAL" >> in/registrations.csv
cat > in/locations.csv <<EOF
location_ref,postcode,house_number,municipality,kind,capacity
L1,2671AA,1,GM0001,shared_house,1
EOF
echo "person_ref,location_ref,start_date" > in/housings.csv
echo "P2,L1,$ARRIVAL" >> in/housings.csv
echo "P3,L1,$ARRIVAL" >> in/housings.csv
expect_exit 0 "$IB" import --sender gemeente in
grep -q "signalen op" "$TMP/err" && fail "a database without an inbox was evaluated"
expect_exit 0 "$IB" signals list --inbox --format csv
[ "$(wc -l < "$TMP/out")" -eq 1 ] || fail "signals stored before an evaluation"
ok "an import into a database without an inbox evaluates nothing"

expect_exit 0 "$IB" signals evaluate
grep -q "3 actief, 3 nieuw" "$TMP/out" || fail "evaluate: $(cat "$TMP/out")"
state() { sqlite3 "$INBEELD_DB" "SELECT count(*), group_concat(state || last_found) FROM signals;
  SELECT count(*) FROM signal_history; SELECT count(*) FROM signal_evaluations;
  SELECT count(*) FROM audit;"; }
before=$(state)
expect_exit 0 "$IB" signals evaluate
grep -q "(niets gewijzigd)" "$TMP/out" || fail "second evaluate: $(cat "$TMP/out")"
[ "$(state)" = "$before" ] || fail "evaluating twice changed the database"
ok "evaluate finds three signals; evaluating again writes nothing"

expect_exit 1 "$IB" signals evaluate --at "$TOMORROW"
expect_exit 2 "$IB" signals evaluate --at "$YESTERDAY"
grep -q "terugdraaien" "$TMP/err" || fail "evaluation back in time: $(cat "$TMP/err")"
ok "no evaluation after today, nor before the last one"

id_of() { sqlite3 "$INBEELD_DB" "SELECT id FROM signals WHERE kind = '$1'"; }
NR=$(id_of not_registered) NA=$(id_of no_address) OC=$(id_of overcrowded)
expect_exit 0 "$IB" signals show "$NR"
grep -q "Waarom .*niet ingeschreven in de BRP" "$TMP/out" || fail "show: $(cat "$TMP/out")"
grep -q "Geschiedenis" "$TMP/out" || fail "show without history"
grep -q "in_progress (in behandeling nemen), unfounded (niet terecht)" "$TMP/out" \
  || fail "show without the allowed steps: $(cat "$TMP/out")"
expect_exit 0 "$IB" audit show --person P1
grep -q "read.*signal" "$TMP/out" || fail "the read of the signal is not in the audit: $(cat "$TMP/out")"
expect_exit 0 "$IB" signals show "$NR" --lang en
grep -q "not registered in the BRP" "$TMP/out" || fail "show --lang en"
expect_exit 3 "$IB" signals show 999
ok "show: why, what to do, the steps, the history; the read is audited"

printf 'Heide-Koffie-Trein-42\n' | "$IB" user add cw --role caseworker --organisation elders \
  --municipalities GM0001 >/dev/null 2>&1
printf 'Heide-Koffie-Trein-42\n' | "$IB" user add verweg --role caseworker --organisation \
  elders --municipalities GM0002 >/dev/null 2>&1
expect_exit 0 "$IB" signals team add west
expect_exit 2 "$IB" signals team add west
expect_exit 0 "$IB" signals team member west cw
expect_exit 0 "$IB" signals team list
grep -q "^west .* cw" "$TMP/out" || fail "team list: $(cat "$TMP/out")"
expect_exit 0 "$IB" signals route add --kind no_address --team west
expect_exit 2 "$IB" signals route add --kind no_address --team west
expect_exit 1 "$IB" signals route add --kind onbekend --team west
expect_exit 0 "$IB" signals route list
grep -q "no_address .* west" "$TMP/out" || fail "route list: $(cat "$TMP/out")"
ok "teams, members and routes"

expect_exit 0 "$IB" signals assign "$NR" --user cw
expect_exit 2 "$IB" signals assign "$NA" --user verweg
grep -q "verweg mag signaal $NA niet zien" "$TMP/err" || fail "out of scope: $(cat "$TMP/err")"
expect_exit 2 "$IB" signals assign "$OC" "$NA" --user cw
grep -q "signaal $OC niet zien" "$TMP/err" || fail "a caseworker owning a location's signal"
[ "$(sqlite3 "$INBEELD_DB" "SELECT state FROM signals WHERE id = $NA")" = open ] \
  || fail "a refused bulk assignment changed a signal"
expect_exit 1 "$IB" signals assign "$NA"
ok "assign: an owner outside the signal's scope is refused, all or none"

expect_exit 2 "$IB" signals close "$OC" --outcome registered
grep -q "toegestaan: in_progress, unfounded" "$TMP/err" || fail "open to done: $(cat "$TMP/err")"
expect_exit 2 "$IB" signals close "$NR" --outcome gedaan
expect_exit 0 "$IB" signals close "$OC" --unfounded "dubbel geteld"
expect_exit 2 "$IB" signals release "$OC"
grep -q "toegestaan: geen" "$TMP/err" || fail "unfounded to open: $(cat "$TMP/err")"
expect_exit 0 "$IB" signals assign "$NA" --team west
expect_exit 0 "$IB" signals release "$NA"
grep -q "open (eigenaar team:west)" "$TMP/out" || fail "release: $(cat "$TMP/out")"
ok "close and release as the transition table allows, and nothing else"

mkdir reg && echo "person_ref,kind,municipality,start_date" > reg/registrations.csv
echo "P1,brp,GM0001,$YESTERDAY" >> reg/registrations.csv
expect_exit 0 "$IB" import --sender gemeente reg
grep -q "signalen op .*: 0 nieuw, 1 vervallen" "$TMP/err" || fail "import: $(cat "$TMP/err")"
expect_exit 0 "$IB" signals show "$NR"
grep -q "in_progress -> lapsed .*vervallen: ingeschreven in de BRP" "$TMP/out" \
  || fail "lapse without its reason: $(cat "$TMP/out")"
ok "an import that changes data evaluates: the BRP registration lapses not_registered"

expect_exit 1 "$IB" signals settings set registration_months 0
expect_exit 1 "$IB" signals settings set nergens 3
expect_exit 0 "$IB" signals settings set address_days 365
expect_exit 0 "$IB" signals settings
grep -q "^address_days .* 365 .* 30 " "$TMP/out" || fail "settings: $(cat "$TMP/out")"
expect_exit 0 "$IB" signals evaluate
grep -q "1 vervallen" "$TMP/out" || fail "setting not applied: $(cat "$TMP/out")"
[ "$(sqlite3 "$INBEELD_DB" "SELECT count(*) FROM audit WHERE entity = 'signal_setting'")" = 1 ] \
  || fail "setting not audited"
ok "settings: audited, out of range refused, the next evaluation applies them"

expect_exit 0 "$IB" signals list --inbox --state lapsed --format csv
[ "$(tail -n +2 "$TMP/out" | cut -d, -f2 | sort | tr '\n' ' ')" = "no_address not_registered " ] \
  || fail "list --inbox --state lapsed: $(cat "$TMP/out")"
expect_exit 0 "$IB" signals list --inbox --format json
grep -q '"count": 3' "$TMP/out" || fail "list --inbox json: $(cat "$TMP/out")"
ok "list --inbox with filters, as CSV and JSON"

expect_exit 0 "$IB" person erase P1 --reason "verzoek van betrokkene"
[ "$(sqlite3 "$INBEELD_DB" "SELECT count(*) FROM signals")" = 1 ] || fail "signals of an erased person left"
[ "$(sqlite3 "$INBEELD_DB" "SELECT count(*) FROM signal_history WHERE signal_id NOT IN (SELECT id FROM signals)")" = 0 ] \
  || fail "history of an erased person's signals left"
expect_exit 0 "$IB" audit verify
ok "erasing a person erases their signals; the audit chain holds"
