#!/usr/bin/env bash
# bench/import/memory.sh — peak memory of importing one large valid file,
# for files of growing length: employments.csv of `inbeeld demo --persons
# N --seed 3` for each N given, imported into a database that already holds
# that data set's organisations, locations and persons (so that only the
# one file's import is measured). In the same run, the sqlite3 shell's
# .import of the same file (no validation, no keys) as the peer. Reports
# rows, bytes, wall seconds and peak resident memory (/usr/bin/time's
# maximum RSS), and the machine.
# Usage: bench/import/memory.sh [PERSONS...] (from the repository root,
# after make; default 700000 1400000)
set -euo pipefail
inbeeld=${INBEELD:-build/src/inbeeld}
work=${BENCH_DIR:-var/bench-import}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(700000 1400000)
mkdir -p "$work"

measure() {  # measure COMMAND... -> wall seconds, peak KB
  local out; out=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$out" "$@" >/dev/null
  cat "$out"; rm -f "$out"
}

echo "| persons | employments.csv | rows | inbeeld import: wall s | peak RSS | sqlite3 .import: wall s | peak RSS |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  data="$work/memory-$n"
  if [ ! -f "$data/.complete" ]; then
    rm -rf "$data"
    "$inbeeld" demo --persons "$n" --seed 3 --layout single --out "$data" >/dev/null
    touch "$data/.complete"
  fi
  db="$work/memory-$n.db"
  rm -f "$db" "$db".* "$db"-*
  "$inbeeld" init --db "$db" >/dev/null
  "$inbeeld" import --db "$db" --sender demo --quiet \
    "$data/organisations.csv" "$data/locations.csv" "$data/persons.csv" >/dev/null
  file="$data/employments.csv"
  rows=$(( $(wc -l < "$file") - 1 ))
  mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.0f MB", b / 1e6 }')
  read -r s kb < <(measure "$inbeeld" import --db "$db" --sender demo --quiet "$file")
  rm -f "$work/memory-peer.db"
  read -r ps pkb < <(measure sqlite3 "$work/memory-peer.db" ".mode csv" ".import $file e")
  rm -f "$work/memory-peer.db"
  echo "| $n | $mb | $rows | $s | $((kb / 1024)) MB | $ps | $((pkb / 1024)) MB |"
done
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), $("$inbeeld" version | head -1)"
