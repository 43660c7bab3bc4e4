#!/usr/bin/env bash
# bench/monitor/snapshot.sh — what the monitor's snapshot (<db>.monitor)
# changes, without the rest of bench/monitor/run.sh (intervals, Cox, R):
# on the bench's database, the 9 `inbeeld monitor survival --by GROUP`
# commands loading the registry from the database (--no-snapshot), the
# first command that writes the snapshot, and the 9 again reading a warm
# snapshot; wall and CPU seconds, the load phase (--timing), peak RSS, and
# whether each figure is byte for byte the same both ways.
# Usage: bench/monitor/snapshot.sh [DB]   (repository root, after make;
# DB default var/bench-monitor/monitor-1000000.db, made by run.sh)
# Env: INBEELD (binary, default build/src/inbeeld). Run it under
# `flock /tmp/inbeeld-bench.lock` on a shared machine.
set -euo pipefail
inbeeld=$(realpath "${INBEELD:-build/src/inbeeld}")
db=$(realpath "${1:-var/bench-monitor/monitor-1000000.db}")
AT=2025-01-01
groups="eu cee south nationality category sex age cohort first_brp"
export INBEELD_DB=$db
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# measure OUT COMMAND...: "wall_s max_rss_kb user_s sys_s" in OUT.time
measure() {
  local out=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$out.time" "$@" >"$out" 2>"$out.err"
}
# "tijd: laden X s (...), survival Y s" from --timing
load_s() { sed -n 's/^tijd: laden \([0-9.]*\) s.*/\1/p' "$1.err"; }
calc_s() { sed -n 's/^tijd: .*, survival \([0-9.]*\) s$/\1/p' "$1.err"; }
source_of() { sed -n 's/^tijd: laden [0-9.]* s ([^;]*; \([^:)]*\).*/\1/p' "$1.err"; }
survival=("$inbeeld" monitor survival --at "$AT" --format json --timing)

# row LABEL PREFIX: sums over the 9 commands of PREFIX_<group>
row() {
  local wall=0 cpu=0 load=0 calc=0 rss=0
  for g in $groups; do
    read -r w m u s <"$2_$g.time"
    wall=$(echo "$wall + $w" | bc -l); cpu=$(echo "$cpu + $u + $s" | bc -l)
    load=$(echo "$load + $(load_s "$2_$g")" | bc -l)
    calc=$(echo "$calc + $(calc_s "$2_$g")" | bc -l)
    [ "$m" -gt "$rss" ] && rss=$m
  done
  printf '| %s | %.2f | %.2f | %.2f | %.2f | %.0f |\n' "$1" "$wall" "$cpu" "$load" \
    "$calc" "$((rss / 1024))"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$db.monitor"
for g in $groups; do
  measure "db_$g" "${survival[@]}" --by "$g" --no-snapshot
  [ "$(source_of "db_$g")" = database ] || { cat "db_$g.err"; exit 1; }
done
measure write "${survival[@]}" --by eu
[ "$(source_of write)" = "momentopname geschreven" ] || { cat write.err; exit 1; }
for g in $groups; do
  measure "snap_$g" "${survival[@]}" --by "$g"
  [ "$(source_of "snap_$g")" = "uit de momentopname" ] || { cat "snap_$g.err"; exit 1; }
  cmp -s "db_$g" "snap_$g" || { echo "survival --by $g differs with the snapshot"; exit 1; }
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| 9 × survival --by GROUP | wall (s) | CPU (s) | of which load (s) | of which KM etc. (s) | peak RSS (MB) |"
echo "|---|---:|---:|---:|---:|---:|"
row "from the database (--no-snapshot)" db
row "from a warm snapshot" snap
read -r w m u s <write.time
printf '\nfirst command with the snapshot (loads the database, writes %s MB): wall %.2f s, CPU %.2f s, load+write %.2f s\n' \
  "$(($(stat -c %s "$db.monitor") / 1000000))" "$w" "$(echo "$u + $s" | bc -l)" "$(load_s write)"
echo "every figure byte for byte the same both ways"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(lscpu | sed -n 's/^Model name: *//p')"
