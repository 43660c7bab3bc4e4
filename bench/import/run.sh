#!/usr/bin/env bash
# bench/import — national-size import benchmark.
# Generates PERSONS persons (default 1,000,000) with their stays, jobs,
# housing and events in the exchange format, then in the same run measures
#   1. inbeeld import   (full validation, upserts, BSN encryption, audit)
#   2. sqlite3 .import  (the sqlite3 shell loading the same CSVs as text,
#                        no validation, no keys): the peer
# reporting wall and CPU (user + system) seconds, rows per second of each
# and peak memory (max RSS), and the load of the machine during the run.
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
printf '  %-20s %10d rows, %s\n' total "$rows" "$(du -shL "$data" | cut -f1)"

measure() {  # measure COMMAND... -> prints wall seconds, peak KB, CPU seconds
  local out; out=$(mktemp)
  /usr/bin/time -f "%e %M %U %S" -o "$out" "$@" >/dev/null
  read -r secs kb user sys < "$out"; rm -f "$out"
  echo "$secs $kb $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
}
load() { cut -d' ' -f1 /proc/loadavg; }

rm -f "$work/inbeeld.db" "$work/inbeeld.db.key" "$work/inbeeld.db-wal" "$work/inbeeld.db-shm"
"$inbeeld" init --db "$work/inbeeld.db" >/dev/null
load0=$(load)
read -r ib_s ib_kb ib_cpu < <(measure "$inbeeld" import --db "$work/inbeeld.db" --sender bench "$data")
load1=$(load)

rm -f "$work/peer.db"
peer_script=$(mktemp)
{ echo ".mode csv"; for f in "$data"/*.csv; do echo ".import $f $(basename "$f" .csv)"; done; } > "$peer_script"
read -r pe_s pe_kb pe_cpu < <(measure sqlite3 "$work/peer.db" ".read $peer_script")
load2=$(load)
rm -f "$peer_script"

rate() { awk -v r="$rows" -v s="$1" 'BEGIN { printf "%.0f", r / s }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

echo
echo "| program | what it does | rows | wall s | CPU s | rows/s (wall) | rows/s (CPU) | peak memory |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
echo "| inbeeld import | full validation, upserts, encryption, audit | $rows | $ib_s | $ib_cpu | $(rate "$ib_s") | $(rate "$ib_cpu") | $(mb "$ib_kb") MB |"
echo "| sqlite3 .import | text columns, no validation | $rows | $pe_s | $pe_cpu | $(rate "$pe_s") | $(rate "$pe_cpu") | $(mb "$pe_kb") MB |"
echo
echo "load average (1 min) before / after inbeeld / after sqlite3: $load0 / $load1 / $load2"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), $("$inbeeld" version | head -1)"
