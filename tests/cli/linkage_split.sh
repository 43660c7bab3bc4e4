#!/usr/bin/env bash
# linkage_split.sh — the same data delivered by one sender, and split over a
# municipality, an agency and a housing provider (each with its own refs and
# spelling, tests/cli/split_senders.py), gives the same monitor: the same
# intervals (the person's ref and sender aside) and the same exact figures
# (--no-suppress), for every figure:
# counts exactly, estimates to 1e-9 (the persons come in another order, so
# sums are added in another order).
source "$(dirname "$0")/lib.sh"
HERE=${IB_SOURCE_DIR:-$(dirname "$0")/../..}/tests/cli

"$IB" demo --persons 1500 --seed 11 --at 2025-06-30 --out single >/dev/null
python3 "$HERE/split_senders.py" single chain

"$IB" init --db one.db >/dev/null
"$IB" import --db one.db --sender demo --quiet single
"$IB" init --db chain.db >/dev/null
while read -r folder sender; do
  case $folder in ''|'#'*) continue ;; esac
  "$IB" import --db chain.db --sender "$sender" --quiet "chain/$folder"
done < chain/senders.txt
ok "one delivery, and the same split over three senders, imported"

[ "$(sqlite3 chain.db 'SELECT count(DISTINCT people_id) FROM persons')" = \
  "$(sqlite3 one.db 'SELECT count(*) FROM persons')" ] \
  || fail "every split record linked to its person"
ok "as many persons in the chain as in the single delivery"

at=--at=2025-06-30
for db in one chain; do
  "$IB" monitor intervals --db $db.db $at --out $db.intervals.csv
  # The person's ref is the one of the record its attributes come from:
  # in the chain the agency's or provider's ("A-P000001").
  # The sender's store id differs between the two databases.
  cut -d, -f1,3- $db.intervals.csv | sed -E 's/^(A-|H-)//' | sort > $db.intervals.sorted
done
cmp -s one.intervals.sorted chain.intervals.sorted \
  || { diff one.intervals.sorted chain.intervals.sorted | head >&2; fail "intervals differ"; }
ok "the same intervals ($(wc -l < one.intervals.sorted) lines)"

figures=("survival --by eu" "cox" "typology" "registration" "housing --view municipalities"
         "housing --view locations" "housing --view providers" "housing --view worklive")
for fig in "${figures[@]}"; do
  # Exact figures: the published ones are perturbed with the key of each
  # database, so two databases never publish the same noise.
  modes=(--no-suppress)
  [ "$fig" = cox ] && modes=("")        # cox publishes no counts to protect
  for mode in "${modes[@]}"; do
    # shellcheck disable=SC2086
    "$IB" monitor $fig --db one.db $at --format json $mode > a.json
    # shellcheck disable=SC2086
    "$IB" monitor $fig --db chain.db $at --format json $mode > b.json
    # Locations and providers are listed in the senders' order.
    python3 "$HERE/same_json.py" a.json b.json --any-order || fail "monitor $fig $mode differs"
  done
  ok "monitor $fig: the same figures"
done
echo "$checks checks passed"
