#!/usr/bin/env bash
# bench/import/memory.sh — peak memory of importing one large valid file,
# for files of growing length: an employments.csv of ROWS rows for each
# size given, made from the employments of `inbeeld demo --persons 50000
# --seed 3` by repeating each row with its start and end dates moved on by
# one day per copy (a copy that meets another row's key is left out, so
# every row is valid), imported into a
# database that already holds that data set's organisations, locations and
# persons, so that only the one file's import is measured. In the same run,
# the sqlite3 shell's .import of the same file (no validation, no keys) as
# the peer. Reports rows, bytes, wall seconds and peak resident memory
# (/usr/bin/time's maximum RSS), and the machine.
# Usage: bench/import/memory.sh [ROWS...] (from the repository root, after
# make; default 1000000 3500000 7000000)
set -euo pipefail
inbeeld=${INBEELD:-build/src/inbeeld}
work=${BENCH_DIR:-var/bench-import}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 3500000 7000000)
mkdir -p "$work"
base="$work/memory-base"
if [ ! -f "$base/.complete" ]; then
  rm -rf "$base"
  "$inbeeld" demo --persons 50000 --seed 3 --layout single --out "$base" >/dev/null
  touch "$base/.complete"
fi
db="$work/memory.db"
rm -f "$db" "$db".* "$db"-*
"$inbeeld" init --db "$db" >/dev/null
"$inbeeld" import --db "$db" --sender demo --quiet \
  "$base/organisations.csv" "$base/locations.csv" "$base/persons.csv" >/dev/null

measure() {  # measure COMMAND... -> wall seconds, peak KB
  local out; out=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$out" "$@" >/dev/null
  cat "$out"; rm -f "$out"
}

make_file() {  # make_file ROWS OUT: the demo's employments, repeated with shifted dates
  python3 - "$base/employments.csv" "$1" "$2" <<'PY'
import csv, datetime, sys
src, want, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = list(csv.reader(open(src, newline='')))
head, body = rows[0], rows[1:]
si, ei = head.index('start_date'), head.index('end_date')
pi, mi = head.index('person_ref'), head.index('employer_ref')
day = datetime.timedelta(days=1)
seen = set()                      # a shifted copy may meet another row's key
with open(out, 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(head)
    n, copy = 0, 0
    while n < want:
        for r in body:
            if n == want:
                break
            r = list(r)
            r[si] = (datetime.date.fromisoformat(r[si]) + copy * day).isoformat()
            if r[ei]:
                r[ei] = (datetime.date.fromisoformat(r[ei]) + copy * day).isoformat()
            key = hash((r[pi], r[mi], r[si]))
            if key in seen:
                continue
            seen.add(key)
            w.writerow(r)
            n += 1
        copy += 1
PY
}

echo "| rows | file | inbeeld import: wall s | peak RSS | sqlite3 .import: wall s | peak RSS |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  dir="$work/memory-$n"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    make_file "$n" "$dir/employments.csv"
    touch "$dir/.complete"
  fi
  file="$dir/employments.csv"
  mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.0f MB", b / 1e6 }')
  # each size into the same persons, its rows replacing nothing of another's
  # (a fresh copy of the base database per size)
  sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  cp "$db" "$work/memory-run.db"; cp "$db.key" "$work/memory-run.db.key"
  read -r s kb < <(measure "$inbeeld" import --db "$work/memory-run.db" --sender demo --quiet "$file")
  rm -f "$work/memory-run.db" "$work/memory-run.db".* "$work/memory-run.db"-*
  rm -f "$work/memory-peer.db"
  read -r ps pkb < <(measure sqlite3 "$work/memory-peer.db" ".mode csv" ".import $file e")
  rm -f "$work/memory-peer.db"
  echo "| $n | $mb | $s | $((kb / 1024)) MB | $ps | $((pkb / 1024)) MB |"
done
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), $("$inbeeld" version | head -1)"
