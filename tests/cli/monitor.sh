# monitor.sh — `inbeeld monitor`: every figure in every format on demo data,
# small-cell suppression on and off, the intervals file, and bad command
# lines (exit 1 with a message that says what is wrong).
source "$(dirname "$0")/lib.sh"
export INBEELD_DB=$TMP/m.db
AT=2025-01-01
"$IB" init >/dev/null
"$IB" demo --persons 1500 --seed 5 --out demo >/dev/null
"$IB" import --sender demo --quiet demo
M() { "$IB" monitor "$@" --at "$AT"; }

# ---------------------------------------------------------------- help
expect_exit 0 "$IB" monitor --help
for w in survival cox typology registration housing intervals --no-suppress --ties --basis --long-after; do
  grep -q -- "$w" "$TMP/out" || fail "help does not mention $w"
done
ok "help explains every figure and option"

# ---------------------------------------------------------------- survival
expect_exit 0 M survival --by eu
grep -q "^EU — " "$TMP/out" && grep -q "^non-EU — " "$TMP/out" || fail "survival: no EU/non-EU blocks"
grep -q "1 jaar .* %" "$TMP/out" || fail "survival: no retention in percent"
grep -q "gemiddelde verblijfsduur binnen 10 jaar: .* jaar (SE" "$TMP/out" || fail "survival: no restricted mean"
grep -q "Log-rank-toets .*chi² = .*vrijheidsgraden 1, p" "$TMP/out" || fail "survival: no log-rank"
ok "survival table: retention, CI, at risk, restricted mean, log-rank"

expect_exit 0 M survival --by eu --format csv
head -1 "$TMP/out" | grep -qx "group,figure,value" || fail "survival csv header"
grep -q "^EU,retention_1y,0\.[0-9]" "$TMP/out" || fail "survival csv: no EU retention_1y"
grep -q "^log-rank,df,1$" "$TMP/out" || fail "survival csv: no log-rank df"
ok "survival csv in long form"

expect_exit 0 M survival --by eu --format json --curve
for k in '"figure": "survival"' '"by": "eu"' '"retention"' '"restricted_mean"' '"logrank"' '"curve"' '"surv": \['; do
  grep -q "$k" "$TMP/out" || fail "survival json lacks $k"
done
ok "survival json with curve"

# suppression: small nationality groups hide their figures; --no-suppress shows them
expect_exit 0 M survival --by nationality
grep -q "<10 verblijven: te weinig" "$TMP/out" || fail "survival: no suppressed small group"
expect_exit 0 M survival --by nationality --no-suppress
grep -q "<10" "$TMP/out" && fail "survival --no-suppress still suppresses"
expect_exit 0 M survival --by eu --k 100000 --format json
grep -q '"n": "<100000"' "$TMP/out" || fail "survival --k 100000 does not suppress the groups"
ok "survival suppression: default k=10, --k, --no-suppress"

expect_exit 0 M survival --by age --cohort 2017 --stays first --horizon 5
grep -q "aankomstcohort 2017" "$TMP/out" || fail "survival --cohort not shown"
grep -q "binnen 5 jaar" "$TMP/out" || fail "survival --horizon not used"
ok "survival --cohort, --stays, --horizon"

expect_exit 2 M survival --cohort 1950
grep -q "geen verblijven" "$TMP/err" || fail "empty selection message"
ok "survival on an empty selection: exit 2 with a reason"

# ---------------------------------------------------------------- cox
expect_exit 0 M cox
for w in employed permanent agency income_130 partner children home_owner eu; do
  grep -q "^$w " "$TMP/out" || fail "cox: default covariate $w missing"
done
grep -q "likelihood-ratio" "$TMP/out" && grep -q "Concordantie" "$TMP/out" || fail "cox: tests"
grep -q "werkend, alleenstaand (EU) .* jaar" "$TMP/out" || fail "cox: expected stay profiles"
ok "cox table: coefficients, HR, tests, concordance, profiles"

expect_exit 0 M cox --covariates employed,partner --ties breslow --format json
grep -q '"ties": "breslow"' "$TMP/out" && grep -q '"name": "partner"' "$TMP/out" || fail "cox json"
grep -q '"expected_stay_days"' "$TMP/out" || fail "cox json: profiles"
expect_exit 0 M cox --covariates employed --by age --format csv
head -1 "$TMP/out" | grep -qx "term,figure,value" || fail "cox csv header"
grep -q "^age_[0-9]*_[0-9]*,coef," "$TMP/out" || fail "cox --by age: no dummy"
ok "cox json, csv, breslow, group dummies"

# ---------------------------------------------------------------- day-R tables
for fig in typology registration housing; do
  for fmt in table csv json; do
    expect_exit 0 M "$fig" --format "$fmt"
    [ -s "$TMP/out" ] || fail "$fig --format $fmt printed nothing"
  done
done
expect_exit 0 M typology --by municipality
grep -q "Aandeel in het rijtotaal" "$TMP/out" || fail "typology: no shares"
grep -q "Aantallen licht verstoord" "$TMP/out" || fail "typology by municipality: not perturbed"
grep -q "<10" "$TMP/out" && fail "typology by municipality: a table still suppresses"
expect_exit 0 M typology --by municipality --format csv
cp "$TMP/out" "$TMP/perturbed1.csv"
awk -F, 'NR > 1 { for (i = 2; i <= NF; i++) if ($i == 1 || $i == 2) bad = 1 } END { exit bad }' \
  "$TMP/perturbed1.csv" || fail "typology: a perturbed table shows a 1 or a 2"
expect_exit 0 M typology --by municipality --format csv
cmp -s "$TMP/out" "$TMP/perturbed1.csv" || fail "typology: the same table perturbed differently"
expect_exit 0 M typology --by municipality --no-suppress
grep -q "verstoord" "$TMP/out" && fail "typology --no-suppress still perturbs"
expect_exit 0 M typology --basis all-months --long-after 365 --format json
grep -q '"vulnerable_passer_by"' "$TMP/out" || fail "typology json"
ok "typology: table/csv/json, shares, perturbation on and off (the same every time, no 1 or 2), basis, long-after"

expect_exit 0 M registration --by eu
grep -q "Langer dan 120 dagen hier zonder BRP-inschrijving" "$TMP/out" || fail "registration: 120 days"
expect_exit 0 M registration --unregistered --no-suppress --format csv
head -1 "$TMP/out" | grep -qx "person_ref,days_present,registration,housing_municipality" ||
  fail "registration --unregistered csv"
ok "registration table and the list of those without BRP"

for v in municipalities locations providers worklive; do
  expect_exit 0 M housing --view "$v" --format csv --no-suppress
  [ "$(wc -l <"$TMP/out")" -gt 1 ] || fail "housing --view $v is empty"
done
expect_exit 0 M housing --m2-per-person 20
ok "housing: every view, m2 norm"

# ---------------------------------------------------------------- intervals
expect_exit 0 M intervals --out iv.csv
head -1 iv.csv | grep -qx "person_ref,sender_id,stay,start,stop,event,nationality,eu,cee,south,sex,category,age_band,cohort,first_brp,employed,permanent,agency,self_employed,wage_ratio,income_130,income_200,partner,children,home_owner" ||
  fail "intervals header"
awk -F, 'NR > 1 && !($5 > $4) { bad = 1 } END { exit bad }' iv.csv || fail "intervals: stop <= start"
expect_exit 0 M intervals --cohort 2017 --out iv2017.csv
awk -F, 'NR > 1 && $14 != 2017 { bad = 1 } END { exit bad }' iv2017.csv || fail "intervals --cohort"
[ "$(wc -l <iv2017.csv)" -lt "$(wc -l <iv.csv)" ] || fail "intervals --cohort selects nothing less"
expect_exit 4 M intervals --out /nonexistent/dir/iv.csv
ok "intervals: header, cohort filter, unwritable file exit 4"

# --covariates: the intervals cox fits with them, cut only where one changes
covs=employed,partner,eu
expect_exit 0 M intervals --covariates "$covs" --out ivc.csv
head -1 ivc.csv | grep -qx "person_ref,sender_id,stay,start,stop,event,nationality,eu,cee,south,sex,category,age_band,cohort,first_brp,employed,partner" ||
  fail "intervals --covariates header"
[ "$(wc -l <ivc.csv)" -lt "$(wc -l <iv.csv)" ] || fail "intervals --covariates: no fewer cuts"
expect_exit 0 M cox --covariates "$covs" --format json
grep -q "\"n_intervals\": $(($(wc -l <ivc.csv) - 1))," "$TMP/out" ||
  fail "intervals --covariates: not the intervals cox fits"
# every stay's intervals adjoin, and neighbours differ in a chosen factor
awk -F, 'NR > 2 && $1 == p && $2 == g && $3 == s && ($4 != stop || ($16 == e && $17 == q)) { bad = 1 }
         { p = $1; g = $2; s = $3; stop = $5; e = $16; q = $17 } END { exit bad }' ivc.csv ||
  fail "intervals --covariates: a cut where nothing chosen changes"
ok "intervals --covariates: the chosen factors' columns and cuts, as cox"

# ---------------------------------------------------------------- bad command lines
bad() {  # bad "message part" ARGS...
  local want=$1; shift
  expect_exit 1 "$IB" monitor "$@"
  grep -q -- "$want" "$TMP/err" || { cat "$TMP/err" >&2; fail "no '$want' for: $*"; }
}
bad "welk cijfer" --at "$AT"
bad "onbekend cijfer 'survial'" survial
bad "--format: kies table, csv of json" survival --format xml
bad "--at:" survival --at 2025-13-01
bad "--by: onbekende groepering" survival --by planet
bad "--cohort: 'abc' is geen jaartal" survival --cohort abc
bad "--k: '0'" survival --k 0
bad "--k en --no-suppress" survival --k 5 --no-suppress
bad "--ties: kies efron of breslow" cox --ties exact
bad "onbekende covariaat 'bogus'" cox --covariates employed,bogus
bad "onbekende covariaat 'bogus'" intervals --covariates employed,bogus
bad "--curve hoort niet bij monitor cox" cox --curve
bad "--out hoort niet bij monitor survival" survival --out x.csv
bad "--basis: kies point of all-months" typology --basis daily
bad "--long-after:" typology --long-after -3
bad "--view: kies" housing --view rooms
# An empty name in the covariate list is refused (as by the API), not skipped.
expect_exit 2 M cox --covariates employed,,partner
grep -q "covariaten: 1 tot 64 namen" "$TMP/err" || fail "empty covariate name not refused"
bad "--unregistered toont personen" registration --unregistered
bad "onbekende optie" survival --frobnicate
bad "mist een waarde" survival --by
bad "één cijfer tegelijk" survival cox
ok "bad command lines: exit 1 with a clear message"

expect_exit 4 "$IB" monitor survival --db "$TMP/none.db"
ok "missing database: exit 4"
echo "monitor CLI: $checks checks passed"
