#!/usr/bin/env bash
# bench/import/chain.sh — the national import as a chain delivers it: a
# municipality, agencies, employers and housing providers, each its own
# refs and spelling, imported sender by sender with record linkage
# (docs/linkage.md), in the same run beside
#   1. the same persons delivered by one sender (`--layout single`: the
#      import without linkage work, the baseline the issue compares with),
#   2. sqlite3 .import of the chain's CSV files (text columns, no
#      validation, no keys): the peer.
# Reports wall and CPU seconds, rows per second, peak memory, the linkage
# result (records, persons, links by rule, review pairs) and the machine.
# Usage: bench/import/chain.sh [PERSONS] (from the repository root, after make)
set -euo pipefail
persons=${1:-1000000}
inbeeld=${INBEELD:-build/src/inbeeld}
work=${BENCH_DIR:-var/bench-import}
chain="$work/chain-$persons" single="$work/data-$persons"

mkdir -p "$work"
if [ ! -f "$chain/.complete" ]; then
  rm -rf "$chain"
  echo "generating the chain of $persons persons into $chain ..."
  "$inbeeld" demo --persons "$persons" --seed 42 --layout chain --out "$chain" >/dev/null
  touch "$chain/.complete"
fi
if [ ! -f "$single/.complete" ]; then
  rm -rf "$single"
  echo "generating $persons persons for one sender into $single ..."
  "$inbeeld" demo --persons "$persons" --seed 42 --out "$single" >/dev/null
  touch "$single/.complete"
fi

count_rows() { local n=0 f; for f in "$@"; do n=$((n + $(wc -l < "$f") - 1)); done; echo "$n"; }
mapfile -t chain_files < <(find "$chain" -name '*.csv' | sort)
chain_rows=$(count_rows "${chain_files[@]}")
single_rows=$(count_rows "$single"/*.csv)
senders=$(grep -vc '^#' "$chain/senders.txt")

measure() {  # measure COMMAND... -> wall seconds, peak KB, CPU seconds
  local out; out=$(mktemp)
  /usr/bin/time -f "%e %M %U %S" -o "$out" "$@" >/dev/null
  read -r secs kb user sys < "$out"; rm -f "$out"
  echo "$secs $kb $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
}
load() { cut -d' ' -f1 /proc/loadavg; }
fresh() { rm -f "$1" "$1.key" "$1-wal" "$1-shm" "$1.reads" "$1.reads-wal" "$1.reads-shm" "$1.monitor"; "$inbeeld" init --db "$1" >/dev/null; }

fresh "$work/chain.db"
load0=$(load)
read -r ch_s ch_kb ch_cpu < <(measure bash scripts/import-demo.sh "$inbeeld" "$work/chain.db" "$chain")
fresh "$work/single.db"
load1=$(load)
read -r si_s si_kb si_cpu < <(measure "$inbeeld" import --db "$work/single.db" --sender bench --quiet "$single")
rm -f "$work/peer.db"
peer_script=$(mktemp)
{ echo ".mode csv"; i=0; for f in "${chain_files[@]}"; do i=$((i + 1)); echo ".import $f t$i"; done; } > "$peer_script"
load2=$(load)
read -r pe_s pe_kb pe_cpu < <(measure sqlite3 "$work/peer.db" ".read $peer_script")
load3=$(load)
rm -f "$peer_script"

rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", r / s }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
echo
echo "| program | rows | wall s | CPU s | rows/s (wall) | rows/s (CPU) | peak memory |"
echo "|---|---:|---:|---:|---:|---:|---:|"
echo "| inbeeld import, chain of $senders senders, with linkage | $chain_rows | $ch_s | $ch_cpu | $(rate "$chain_rows" "$ch_s") | $(rate "$chain_rows" "$ch_cpu") | $(mb "$ch_kb") MB |"
echo "| inbeeld import, the same persons from one sender | $single_rows | $si_s | $si_cpu | $(rate "$single_rows" "$si_s") | $(rate "$single_rows" "$si_cpu") | $(mb "$si_kb") MB |"
echo "| sqlite3 .import of the chain's files | $chain_rows | $pe_s | $pe_cpu | $(rate "$chain_rows" "$pe_s") | $(rate "$chain_rows" "$pe_cpu") | $(mb "$pe_kb") MB |"
echo
awk -v a="$ch_cpu" -v ra="$chain_rows" -v b="$si_cpu" -v rb="$single_rows" \
  'BEGIN { printf "CPU per row, chain with linkage / one sender: %.2f\n", (a / ra) / (b / rb) }'
echo
echo "linkage: $(sqlite3 "$work/chain.db" "SELECT count(*) || ' records, ' || count(DISTINCT people_id) || ' persons' FROM persons"); links by rule: $(sqlite3 "$work/chain.db" "SELECT group_concat(coalesce(nullif(link_rule, ''), 'own') || ' ' || n, ', ') FROM (SELECT link_rule, count(*) n FROM persons GROUP BY 1)"); review pairs: $(sqlite3 "$work/chain.db" "SELECT group_concat(reason || ' ' || n, ', ') FROM (SELECT reason, count(*) n FROM link_reviews GROUP BY 1)")"
echo "load average (1 min) before / after chain / after single / before and after sqlite3: $load0 / $load1 / $load2 / $load3"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), $("$inbeeld" version | head -1)"
