#!/usr/bin/env bash
# bench/import — national-size import benchmark.
# Generates PERSONS persons (default 1,000,000) with their stays, jobs,
# housing and events in the exchange format, then in the same run measures
#   1. inbeeld import   (full validation, upserts, BSN encryption, audit)
#   2. sqlite3 .import  (the sqlite3 shell loading the same CSVs as text,
#                        no validation, no keys): the peer
# reporting rows per second and peak memory (max RSS) of each.
# Usage: bench/import/run.sh [PERSONS] (from the repository root, after make)
set -euo pipefail
persons=${1:-1000000}
inbeeld=${INBEELD:-build/src/inbeeld}
work=${BENCH_DIR:-var/bench-import}
data="$work/data-$persons"

mkdir -p "$work"
if [ ! -f "$data/.complete" ]; then
  rm -rf "$data"
  echo "generating $persons persons into $data ..."
  /usr/bin/time -f "%e s, %M KB" "$inbeeld" demo --persons "$persons" --seed 42 --out "$data"
  touch "$data/.complete"
fi

rows=0
for f in "$data"/*.csv; do
  n=$(($(wc -l < "$f") - 1)); rows=$((rows + n))
  printf '  %-20s %10d rows\n' "$(basename "$f")" "$n"
done
printf '  %-20s %10d rows, %s\n' total "$rows" "$(du -sh "$data" | cut -f1)"

measure() {  # measure NAME COMMAND... -> prints seconds and peak KB
  local out; out=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$out" "$@" >/dev/null
  read -r secs kb < "$out"; rm -f "$out"
  echo "$secs $kb"
}

rm -f "$work/inbeeld.db" "$work/inbeeld.db.key" "$work/inbeeld.db-wal" "$work/inbeeld.db-shm"
"$inbeeld" init --db "$work/inbeeld.db" >/dev/null
read -r ib_s ib_kb < <(measure "$inbeeld" import --db "$work/inbeeld.db" --sender bench "$data")

rm -f "$work/peer.db"
peer_script=$(mktemp)
{ echo ".mode csv"; for f in "$data"/*.csv; do echo ".import $f $(basename "$f" .csv)"; done; } > "$peer_script"
read -r pe_s pe_kb < <(measure sqlite3 "$work/peer.db" ".read $peer_script")
rm -f "$peer_script"

rate() { awk -v r="$rows" -v s="$1" 'BEGIN { printf "%.0f", r / s }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

echo
echo "| program | what it does | rows | seconds | rows/s | peak memory |"
echo "|---|---|---:|---:|---:|---:|"
echo "| inbeeld import | full validation, upserts, encryption, audit | $rows | $ib_s | $(rate "$ib_s") | $(mb "$ib_kb") MB |"
echo "| sqlite3 .import | text columns, no validation | $rows | $pe_s | $(rate "$pe_s") | $(mb "$pe_kb") MB |"
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), $("$inbeeld" version | head -1)"
