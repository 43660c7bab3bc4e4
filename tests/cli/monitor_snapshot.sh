# monitor_snapshot.sh — the monitor's snapshot beside the database
# (<db>.monitor): every figure prints byte for byte the same with and
# without it; it is written with mode 0600, used while the data is
# unchanged, rebuilt after an import or when damaged, left alone with
# --no-snapshot or $INBEELD_SNAPSHOT=off, and deleted by `person erase`.
source "$(dirname "$0")/lib.sh"
export INBEELD_DB=$TMP/m.db
SNAP=$TMP/m.db.monitor
AT=2025-01-01
"$IB" init >/dev/null
"$IB" demo --persons 1500 --seed 5 --out demo >/dev/null
"$IB" import --sender demo --quiet demo
M() { "$IB" monitor "$@" --at "$AT" --timing; }
# where_from: the load's source from the --timing line on stderr
where_from() { sed -n 's/^tijd: laden [0-9.]* s ([^;]*; \([^:)]*\).*/\1/p' "$TMP/err"; }

figures=(
  "survival --by eu --format json --curve"
  "survival --by nationality --format csv"
  "survival --by first_brp"
  "typology --by category"
  "registration --by municipality --format csv"
  "housing --view locations --format csv"
  "housing --view worklive"
  "intervals"
)

expect_exit 0 M survival --by eu --no-snapshot
[ ! -e "$SNAP" ] || fail "--no-snapshot wrote a snapshot"
[ "$(where_from)" = "database" ] || fail "--no-snapshot: loaded from '$(where_from)'"
expect_exit 0 M survival --by eu
[ -f "$SNAP" ] || fail "no snapshot written"
[ "$(stat -c %a "$SNAP")" = 600 ] || fail "snapshot mode $(stat -c %a "$SNAP"), not 600"
[ "$(where_from)" = "momentopname geschreven" ] || fail "first run: '$(where_from)'"
ok "the first monitor command writes the snapshot, mode 0600"

for f in "${figures[@]}"; do
  # shellcheck disable=SC2086
  expect_exit 0 M $f --no-snapshot
  cp "$TMP/out" "$TMP/want"
  # shellcheck disable=SC2086
  expect_exit 0 M $f
  [ "$(where_from)" = "uit de momentopname" ] || fail "$f: loaded from '$(where_from)'"
  cmp -s "$TMP/out" "$TMP/want" || fail "$f: differs with the snapshot"
done
ok "every figure byte for byte the same from the snapshot"

INBEELD_SNAPSHOT=off expect_exit 0 M survival --by eu
[ "$(where_from)" = "database" ] || fail "INBEELD_SNAPSHOT=off: loaded from '$(where_from)'"
ok "\$INBEELD_SNAPSHOT=off reads the database"

size=$(stat -c %s "$SNAP")
head -c $((size / 2)) "$SNAP" >"$TMP/half" && cat "$TMP/half" >"$SNAP"
expect_exit 0 M survival --by cee --format csv
[ "$(where_from)" = "momentopname geschreven" ] || fail "truncated: '$(where_from)'"
cp "$TMP/out" "$TMP/want"
expect_exit 0 M survival --by cee --format csv
[ "$(where_from)" = "uit de momentopname" ] || fail "after rebuild: '$(where_from)'"
cmp -s "$TMP/out" "$TMP/want" || fail "rebuilt snapshot gives other figures"
ok "a damaged snapshot is ignored and rebuilt"

"$IB" demo --persons 300 --seed 6 --out demo2 >/dev/null
"$IB" import --sender demo2 --quiet demo2
expect_exit 0 M survival --by eu --format csv --no-snapshot
cp "$TMP/out" "$TMP/want"
expect_exit 0 M survival --by eu --format csv
[ "$(where_from)" = "momentopname geschreven" ] || fail "after import: '$(where_from)'"
cmp -s "$TMP/out" "$TMP/want" || fail "after import: figures differ from the database's"
ok "an import makes the snapshot stale: rebuilt with the new data"

ref=$(sed -n '2s/,.*//p' demo/persons.csv)
expect_exit 0 "$IB" person erase "$ref" --sender demo --reason "verzoek betrokkene"
[ ! -e "$SNAP" ] || fail "person erase left the snapshot"
ok "person erase deletes the snapshot"
