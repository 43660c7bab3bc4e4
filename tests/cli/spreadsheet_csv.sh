# spreadsheet_csv.sh — formula injection: a value such as
# =HYPERLINK("http://x","y") comes back with a quote in front in every CSV
# meant for a spreadsheet (monitor figures and lists, the import report),
# and exactly in the exchange-format export, which imports again byte for
# byte.
source "$(dirname "$0")/lib.sh"
export INBEELD_DB=$TMP/t.db
"$IB" init >/dev/null
F='"=HYPERLINK(""http://x"",""y"")"'        # the value, CSV-quoted
G='"'"'"'=HYPERLINK(""http://x"",""y"")"'   # the same, guarded

mkdir in
cat > in/persons.csv <<CSV
person_ref,family_name,given_names,birth_date,nationality
$F,$F,@SUM(1+1),1990-01-01,PL
P2,-Nowak,+Anna,1991-01-01,PL
CSV
cat > in/stays.csv <<CSV
person_ref,arrival_date,departure_date
$F,2024-01-01,
P2,2024-02-01,2024-12-01
CSV
expect_exit 0 "$IB" import --sender s --quiet in

# ---------------------------------------------------------------- exact
expect_exit 0 "$IB" export exp
grep -qxF "$F,,$F,@SUM(1+1),1990-01-01,,PL,,labour" exp/s/persons.csv ||
  { cat exp/s/persons.csv >&2; fail "export changed the values"; }
grep -qxF "P2,,-Nowak,+Anna,1991-01-01,,PL,,labour" exp/s/persons.csv || fail "export: P2"
INBEELD_DB=$TMP/again.db "$IB" init >/dev/null
INBEELD_DB=$TMP/again.db "$IB" import --sender s --quiet exp/s
INBEELD_DB=$TMP/again.db "$IB" export again >/dev/null
diff -r exp again >&2 || fail "the export does not import to the same bytes"
ok "exchange export keeps formulas exactly and round-trips"

# ---------------------------------------------------------------- guarded
expect_exit 0 "$IB" monitor registration --unregistered --format csv --at 2025-01-01 --no-suppress
grep -qF "$G,367," "$TMP/out" || { cat "$TMP/out" >&2; fail "unregistered list not guarded"; }
grep -qF "$F," "$TMP/out" && fail "unregistered list holds the formula raw"
expect_exit 0 "$IB" monitor intervals --at 2025-01-01
grep -qF "$G,1,1,0,367," "$TMP/out" || { cat "$TMP/out" >&2; fail "intervals not guarded"; }
ok "monitor CSVs guard the formula"

cat > in/persons.csv <<CSV
person_ref,birth_date,nationality,sex
P3,@SUM(1+1),PL,V
P4,1990-01-01,PL,-1+2
CSV
expect_exit 2 "$IB" import --sender s --report rep.csv --format csv in/persons.csv
for f in rep.csv "$TMP/out"; do
  grep -qF ",birth_date,''@SUM(1+1)' is geen datum" "$f" || { cat "$f" >&2; fail "$f: not guarded"; }
  grep -qF ",sex,\"''-1+2' is geen geldige waarde" "$f" || { cat "$f" >&2; fail "$f: sex not guarded"; }
done
ok "import report CSV guards the values it quotes"
