#!/usr/bin/env bash
# demo_chain.sh — `inbeeld demo --layout chain`: one sub-folder per sender
# listed in senders.txt (municipality first), every sender imported with
# `inbeeld import --sender REF DIR` (also through scripts/import-demo.sh,
# the loop `make run LAYOUT=chain` uses); the single layout as before; bad
# --layout values exit 1.
source "$(dirname "$0")/lib.sh"
SRC=${IB_SOURCE_DIR:?}

# ---- command line
expect_exit 0 "$IB" demo --help
grep -q -- "--layout" "$TMP/out" || fail "help does not mention --layout"
expect_exit 1 "$IB" demo --out x --layout tree
grep -q "single of chain" "$TMP/err" || fail "bad --layout not explained: $(cat "$TMP/err")"
ok "demo --help explains --layout; a bad layout exits 1"

# ---- a small chain
expect_exit 0 "$IB" demo --persons 600 --seed 3 --layout chain --out chain
grep -q "^Keten: [0-9]* afzenders" "$TMP/out" || fail "no chain summary: $(cat "$TMP/out")"
[ -f chain/senders.txt ] || fail "no senders.txt"
[ ! -e chain/persons.csv ] || fail "chain layout wrote a single-layout file"
first=$(awk '!/^#/ { print $2; exit }' chain/senders.txt)
[ "$first" = gemeente-GM0599 ] || fail "municipality is not the first sender: $first"
for kind in gemeente uitzendbureau werkgever huisvester; do
  grep -q "^$kind-" chain/senders.txt || fail "no $kind sender"
done
senders=$(grep -vc '^#' chain/senders.txt)
ok "chain: $senders senders in senders.txt, the municipality first"

"$IB" init --db c.db >/dev/null
n=0
while read -r folder sender; do
  case $folder in '#'*) continue ;; esac
  [ -d "chain/$folder" ] || fail "senders.txt names a missing folder $folder"
  expect_exit 0 "$IB" import --db c.db --sender "$sender" "chain/$folder"
  grep -q ", 0 afgewezen$" "$TMP/out" || fail "$sender: rows rejected: $(cat "$TMP/out")"
  n=$((n + 1))
done < chain/senders.txt
[ "$n" -eq "$senders" ] || fail "imported $n of $senders senders"
expect_exit 0 "$IB" status --db c.db
[ "$(grep -c '^  afzender ' "$TMP/out")" -eq "$senders" ] || fail "status does not list every sender"
ok "every sender imports without a rejection under its own ref"

# The municipality's persons are the registered ones; an agency writes
# capitals without diacritics.
agency=$(awk '$1 ~ /^uitzendbureau-/ { print $1; exit }' chain/senders.txt)
if LC_ALL=C grep -q '[^ -~]' <(cut -d, -f3,4 "chain/$agency/persons.csv"); then
  fail "agency $agency writes diacritics"
fi
if tail -n +2 "chain/$agency/persons.csv" | cut -d, -f3,4 | grep -q '[a-z]'; then
  fail "agency $agency writes lower case"
fi
LC_ALL=C grep -q '[^ -~]' chain/gemeente-GM0599/persons.csv || fail "municipality has no diacritics"
ok "each sender its own spelling"

# ---- the loop make run uses
"$IB" init --db loop.db >/dev/null
expect_exit 0 bash "$SRC/scripts/import-demo.sh" "$IB" loop.db chain
grep -q "^$senders afzenders ingelezen" "$TMP/out" || fail "import-demo.sh: $(cat "$TMP/out")"
[ "$(fingerprint loop.db)" = "$(fingerprint c.db)" ] || fail "import-demo.sh stored something else"
ok "scripts/import-demo.sh imports the chain sender by sender"

# ---- the single layout stays one folder, one sender
expect_exit 0 "$IB" demo --persons 300 --seed 3 --out single
[ ! -e single/senders.txt ] || fail "single layout wrote senders.txt"
"$IB" init --db s.db >/dev/null
expect_exit 0 bash "$SRC/scripts/import-demo.sh" "$IB" s.db single
expect_exit 0 "$IB" status --db s.db
grep -q "^  afzender demo " "$TMP/out" || fail "single layout not imported as sender demo"
ok "single layout: one folder, imported as sender demo"
