#!/usr/bin/env bash
# bench/signals/evaluate.sh — every signal rule (docs/signals.md) on the
# national-size data set: `inbeeld demo --persons PERSONS --seed 42`
# (default 1,000,000, one sender) imported into a fresh database, then
#   1. inbeeld signals list --at R --format csv --timing
#      (wall, CPU, peak RSS; --timing splits loading the registry, the
#      evaluation of all six rules, and the audit of the persons listed),
# beside, in the same run,
#   2. the peer: not_registered and no_address as SQL in the sqlite3 shell
#      on the same database (the same rules: "+ 4 months" as the spec
#      counts it, BRP registrations and housings of all the person's
#      records), whose lists must equal inbeeld's for those two kinds,
#   3. the Python reference (tests/cli/signals_reference.py, all rules and
#      its own linkage) on a demo chain of CHAIN_PERSONS (default 20,000)
#      against inbeeld on the same chain, which must agree.
# Prints a markdown table and the machine line.
# Usage: bench/signals/evaluate.sh [PERSONS]   (repository root, after make)
# Env: INBEELD (binary, default build/src/inbeeld), BENCH_DIR (work folder,
# default var/bench-signals; data and databases are reused when complete),
# AT (reference date, default 2025-01-01), CHAIN_PERSONS.
set -euo pipefail
persons=${1:-1000000}
chain_persons=${CHAIN_PERSONS:-20000}
inbeeld=$(realpath "${INBEELD:-build/src/inbeeld}")
reference=$(realpath tests/cli/signals_reference.py)
importer=$(realpath scripts/import-demo.sh)
work=${BENCH_DIR:-var/bench-signals}
AT=${AT:-2025-01-01}
mkdir -p "$work"
work=$(realpath "$work")
cd "$work"

# ---- data, cached
prepare() {   # prepare NAME PERSONS LAYOUT (a complete database is kept as it is)
  local name=$1 n=$2 layout=$3
  [ -f "$name.db.complete" ] && return 0
  if [ ! -f "$name.data/.complete" ]; then
    rm -rf "$name.data"
    echo "generating $n persons ($layout) ..."
    "$inbeeld" demo --persons "$n" --seed 42 --layout "$layout" --out "$name.data" >/dev/null
    touch "$name.data/.complete"
  fi
  if [ ! -f "$name.db.complete" ]; then
    rm -f "$name.db" "$name.db.key" "$name.db-wal" "$name.db-shm" "$name.db.reads"*
    "$inbeeld" init --db "$name.db" >/dev/null
    echo "importing $name ..."
    /usr/bin/time -f "import: %e s wall, %U+%S s CPU" \
      bash "$importer" "$inbeeld" "$name.db" "$name.data" >/dev/null
    touch "$name.db.complete"
  fi
}
prepare national "$persons" single
prepare chain "$chain_persons" chain

# measure OUT COMMAND...: "wall_s max_rss_kb user_s sys_s" in OUT.time
measure() {
  local out=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$out.time" "$@" >"$out" 2>"$out.err"
}
wall() { cut -d' ' -f1 "$1.time"; }
cpu() { awk '{ printf "%.2f", $3 + $4 }' "$1.time"; }
rss_mb() { awk '{ printf "%.0f", $2 / 1024 }' "$1.time"; }
timing() {   # timing OUT FIELD: "wall / CPU" seconds of laden, signalen or auditlog
  sed -n "s/^tijd: .*$2 \([0-9.]*\) s (cpu \([0-9.]*\) s).*/\1 \/ \2/p" "$1.err"
}

# ---- 1. inbeeld, all rules
echo "inbeeld signals list, $persons persons ..."
measure ib.csv "$inbeeld" signals list --db national.db --at "$AT" --format csv --timing
signals=$(($(wc -l < ib.csv) - 1))
echo "again (warm page cache) ..."
measure ib2.csv "$inbeeld" signals list --db national.db --at "$AT" --format csv --timing
cmp -s ib.csv ib2.csv || { echo "two runs differ" >&2; exit 1; }
per_kind=$(tail -n +2 ib.csv | cut -d, -f1 | sort | uniq -c | awk '{ print $2 " " $1 }' | paste -sd, - | sed 's/,/, /g')

# ---- 2. the peer: two rules as SQL
# Day numbers are days since 1970-01-01 (julian day 2440587.5). "+ N months"
# as the spec: the same day N months later, or the first of the next month
# when that month is too short (SQLite's '+4 months' would roll over days).
cat > peer.sql <<EOF
.mode list
.separator ,
.headers off
CREATE TEMP TABLE r AS SELECT CAST(julianday('$AT') - 2440587.5 AS INTEGER) AS at;
CREATE TEMP VIEW open_stays AS
  SELECT p.people_id AS people, p.ref AS ref, s.arrival AS arrival,
         date(2440587.5 + s.arrival) AS arr
  FROM stays s JOIN persons p ON p.id = s.person_id, r
  WHERE s.arrival <= r.at AND (s.departure IS NULL OR s.departure > r.at);
CREATE TEMP VIEW due4 AS
  SELECT o.*, date(arr, 'start of month', '+4 months') AS m0,
         CAST(strftime('%d', arr) AS INTEGER) AS dd FROM open_stays o;
.output peer_not_registered.csv
SELECT 'not_registered', ref, arr FROM due4, r
WHERE (CASE WHEN dd <= CAST(strftime('%d', m0, '+1 month', '-1 day') AS INTEGER)
            THEN date(m0, '+' || (dd - 1) || ' days') ELSE date(m0, '+1 month') END)
      <= '$AT'
  AND NOT EXISTS (SELECT 1 FROM registrations g JOIN persons q ON q.id = g.person_id
                  WHERE q.people_id = due4.people AND g.kind = 'brp'
                    AND g.start_date <= r.at AND (g.end_date IS NULL OR g.end_date >= r.at))
ORDER BY ref;
.output peer_no_address.csv
SELECT 'no_address', ref, arr FROM open_stays o, r
WHERE o.arrival + 30 <= r.at
  AND NOT EXISTS (SELECT 1 FROM housings h JOIN persons q ON q.id = h.person_id
                  WHERE q.people_id = o.people
                    AND h.start_date <= r.at AND (h.end_date IS NULL OR h.end_date >= r.at))
ORDER BY ref;
EOF
echo "sqlite3: not_registered and no_address ..."
measure peer.out sqlite3 national.db ".read peer.sql"
for kind in not_registered no_address; do
  grep "^$kind," ib.csv | cut -d, -f1,3,4 | LC_ALL=C sort > "ib_$kind.csv"
  LC_ALL=C sort "peer_$kind.csv" > "peer_$kind.sorted"
  cmp -s "ib_$kind.csv" "peer_$kind.sorted" \
    || { diff "ib_$kind.csv" "peer_$kind.sorted" | head >&2; echo "$kind: inbeeld and SQL differ" >&2; exit 1; }
done
peer_rows=$(($(wc -l < peer_not_registered.csv) + $(wc -l < peer_no_address.csv)))

# ---- 3. the Python reference on a chain
echo "inbeeld and the Python reference on the chain of $chain_persons persons ..."
measure chain_ib.csv "$inbeeld" signals list --db chain.db --at "$AT" --format csv --timing
measure chain_ref.csv python3 "$reference" chain.data "$AT"
tail -n +2 chain_ib.csv | sed "s/^/$AT,/" > chain_ib.lines
cmp -s chain_ib.lines chain_ref.csv \
  || { diff chain_ib.lines chain_ref.csv | head >&2; echo "chain: inbeeld and the reference differ" >&2; exit 1; }
chain_signals=$(wc -l < chain_ref.csv)
chain_records=$(sqlite3 chain.db "SELECT count(*) || ' records, ' || count(DISTINCT people_id) || ' persons' FROM persons")

echo
echo "| program | data | signals | wall s | CPU s | load s (wall / CPU) | evaluate s (wall / CPU) | audit s (wall / CPU) | peak memory |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for r in ib ib2; do
  echo "| inbeeld signals list, all 6 rules$([ $r = ib2 ] && echo ', again')" \
       "| $persons persons, one sender | $signals | $(wall $r.csv) | $(cpu $r.csv)" \
       "| $(timing $r.csv laden) | $(timing $r.csv signalen) | $(timing $r.csv auditlog) | $(rss_mb $r.csv) MB |"
done
echo "| sqlite3, not_registered + no_address as SQL | same database | $peer_rows | $(wall peer.out) | $(cpu peer.out) | | | | $(rss_mb peer.out) MB |"
echo "| inbeeld signals list, all 6 rules | chain of $chain_persons ($chain_records) | $chain_signals | $(wall chain_ib.csv) | $(cpu chain_ib.csv) | $(timing chain_ib.csv laden) | $(timing chain_ib.csv signalen) | $(timing chain_ib.csv auditlog) | $(rss_mb chain_ib.csv) MB |"
echo "| Python reference, all 6 rules + its own linkage | same chain's files | $chain_signals | $(wall chain_ref.csv) | $(cpu chain_ref.csv) | | | | $(rss_mb chain_ref.csv) MB |"
echo
echo "signals on $AT: $per_kind"
echo "SQL lists of not_registered and no_address equal inbeeld's; the reference's list equals inbeeld's on the chain."
echo "load average (1 min) now: $(cut -d' ' -f1 /proc/loadavg)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), python3 $(python3 -c 'import platform; print(platform.python_version())'), $("$inbeeld" version | head -1)"
