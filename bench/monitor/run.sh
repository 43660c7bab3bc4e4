#!/usr/bin/env bash
# bench/monitor — the monitor on the national-size data set: inbeeld demo
# (PERSONS, default 1,000,000, seed 42) imported into a fresh database, then
# timed with /usr/bin/time (wall, CPU and peak RSS):
#   1. inbeeld monitor intervals   (the counting-process intervals as CSV,
#                                   cut for the Cox covariates: the rows cox
#                                   fits, so that R fits the same rows)
#   2. inbeeld monitor survival    (KM + retention + log-rank, every group)
#   3. inbeeld monitor cox         (8 covariates, Efron)
# beside R survival (survfit, survdiff, coxph) on the same exported intervals
# in the same run, with the largest relative difference of the Cox
# coefficients. Prints a markdown table and the machine line.
# Usage: bench/monitor/run.sh [PERSONS]   (repository root, after make)
# Env: INBEELD (binary, default build/src/inbeeld), BENCH_DIR (work folder,
# default var/bench-monitor; data and database are reused when complete).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
persons=${1:-1000000}
inbeeld=$(realpath "${INBEELD:-build/src/inbeeld}")
work=${BENCH_DIR:-var/bench-monitor}
AT=2025-01-01
covs=employed,permanent,agency,income_130,partner,children,home_owner,eu
groups=eu,cee,south,nationality,category,sex,age,cohort,first_brp
mkdir -p "$work"
work=$(realpath "$work")
data=$work/data-$persons
db=$work/monitor-$persons.db
export INBEELD_DB=$db

if [ ! -f "$data/.complete" ]; then
  rm -rf "$data"
  echo "generating $persons persons ..."
  "$inbeeld" demo --persons "$persons" --seed 42 --out "$data" >/dev/null
  touch "$data/.complete"
fi
if [ ! -f "$db.complete" ]; then
  rm -f "$db" "$db.key" "$db-wal" "$db-shm"
  "$inbeeld" init >/dev/null
  echo "importing ..."
  /usr/bin/time -f "import: %e s, %M KB" "$inbeeld" import --sender demo --quiet "$data"
  touch "$db.complete"
fi

# measure OUT COMMAND...: runs it, leaves "wall_s max_rss_kb user_s sys_s"
# in $OUT.time (CPU seconds: what a busy shared machine does not inflate)
measure() {
  local out=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$out.time" "$@" >"$out" 2>"$out.err"
}
wall() { cut -d' ' -f1 "$1.time"; }
cpu() { awk '{ printf "%.2f", $3 + $4 }' "$1.time"; }
rss_mb() { awk '{ printf "%.0f", $2 / 1024 }' "$1.time"; }
# "tijd: laden X s (...), FIGURE Y s" from --timing
load_s() { sed -n 's/^tijd: laden \([0-9.]*\) s.*/\1/p' "$1.err"; }
calc_s() { sed -n 's/^tijd: .*, [a-z]* \([0-9.]*\) s$/\1/p' "$1.err"; }

cd "$work"
echo "inbeeld monitor intervals ..."
measure iv.out "$inbeeld" monitor intervals --at "$AT" --covariates "$covs" \
  --out intervals.csv --timing
intervals=$(($(wc -l <intervals.csv) - 1))

echo "inbeeld monitor survival, every group ..."
km_calc=0 km_wall=0 km_rss=0 km_load=0 km_cpu=0
for g in ${groups//,/ }; do
  measure "km_$g.out" "$inbeeld" monitor survival --at "$AT" --by "$g" --format json --timing
  km_calc=$(echo "$km_calc + $(calc_s "km_$g.out")" | bc -l)
  km_load=$(echo "$km_load + $(load_s "km_$g.out")" | bc -l)
  km_wall=$(echo "$km_wall + $(wall "km_$g.out")" | bc -l)
  km_cpu=$(echo "$km_cpu + $(cpu "km_$g.out")" | bc -l)
  r=$(rss_mb "km_$g.out"); [ "$r" -gt "$km_rss" ] && km_rss=$r
done
n_groups=$(echo "$groups" | tr ',' '\n' | wc -l)

echo "inbeeld monitor cox ($covs) ..."
measure cox.json "$inbeeld" monitor cox --at "$AT" --covariates "$covs" --format json --timing

echo "ib_monitor_bench: each phase in one process ..."
phases=$(dirname "$inbeeld")/../tests/r/ib_monitor_bench
/usr/bin/time -f "%e %M" -o phases.time "$phases" "$db" "$AT" "$covs" "$groups" >phases.out
ph() { awk -v k="$1" '$1 == k { print $2 }' phases.out; }
ph_cpu() { awk -v k="$1" '$1 == k { print $3 }' phases.out; }

echo "R survival on the same intervals ..."
/usr/bin/time -f "%e %M" -o r.time Rscript "$here/bench.R" intervals.csv cox.json "$covs" "$groups" \
  >r.out 2>r.err || { cat r.err >&2; exit 1; }
rv() { awk -v k="$1" '$1 == "R" && $2 == k { print $3 }' r.out; }      # wall
rv_cpu() { awk -v k="$1" '$1 == "R" && $2 == k { print $4 }' r.out; }  # CPU

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
mem=$(free -g | awk '/^Mem:/ { print $2 " GB" }')
os=$(. /etc/os-release && echo "$PRETTY_NAME")
fmt() { printf "%.2f" "$1"; }
echo
echo "### Monitor bench: $persons persons, $(awk '$1=="R" && $2=="intervals" {print $5}' r.out) stays, $intervals intervals (reference date $AT)"
echo
echo "Machine: $cpu, $(nproc) cores, $mem RAM, $os"
echo
echo "| step | inbeeld wall (s) | inbeeld CPU (s) | of which computing (s) | inbeeld peak RSS (MB) | R survival wall (s) | R CPU (s) | R peak RSS (MB) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
echo "| intervals export (CSV, cut for the Cox covariates) | $(fmt "$(wall iv.out)") | $(cpu iv.out) | $(fmt "$(calc_s iv.out)") | $(rss_mb iv.out) | read.csv $(fmt "$(rv read)") | $(fmt "$(rv_cpu read)") | |"
echo "| KM + retention + log-rank, $n_groups groupings | $(fmt "$km_wall") | $(fmt "$km_cpu") | $(fmt "$km_calc") | $km_rss | survfit $(fmt "$(rv km_all_groups)") + survdiff $(fmt "$(rv logrank_all_groups)") | $(fmt "$(rv_cpu km_all_groups)") + $(fmt "$(rv_cpu logrank_all_groups)") | |"
echo "| Cox, 8 covariates, Efron | $(fmt "$(wall cox.json)") | $(cpu cox.json) | $(fmt "$(calc_s cox.json)") | $(rss_mb cox.json) | coxph $(fmt "$(rv cox)") (concordance alone $(fmt "$(rv cox_concordance_only)")) | $(fmt "$(rv_cpu cox)") ($(fmt "$(rv_cpu cox_concordance_only)")) | $(awk '{ printf "%.0f", $2 / 1024 }' r.time) |"
echo
echo "Where inbeeld's time goes (ib_monitor_bench, one process, one load):"
echo
echo "| phase | wall (s) | CPU (s) |"
echo "|---|---:|---:|"
for k in load stays stays_sort_by_time km_retention_all_groupings logrank_all_groupings intervals_cut_all_factors intervals_cut design cox_fit cox_fit_with_concordance expected_stays cox_command_fit; do
  echo "| $k | $(ph "$k") | $(ph_cpu "$k") |"
done
echo "| peak RSS (MB) | $(ph peak_rss_mb) |"
echo
echo "Intervals: $(ph n_intervals) cut for the Cox covariates (cox reports $(sed -n 's/.*"n_intervals": \([0-9]*\).*/\1/p' cox.json)), $(ph n_intervals_all_factors) cut at every factor's change."
echo
echo "Loading the registry (from the snapshot beside the database when it is current, else from SQLite): $(fmt "$(load_s cox.json)") s per command (in the wall times above)."
echo "Cox: largest relative difference of the 8 coefficients, inbeeld vs R: $(rv cox_max_rel_diff)."
fit_ratio=$(echo "$(rv cox) / $(ph cox_fit_with_concordance)" | bc -l)
fit_ratio_cpu=$(echo "$(rv_cpu cox) / $(ph_cpu cox_fit_with_concordance)" | bc -l)
ratio=$(echo "$(rv cox) / $(calc_s cox.json)" | bc -l)
ratio_wall=$(echo "$(rv cox) / $(wall cox.json)" | bc -l)
ratio_cpu=$(echo "$(rv_cpu cox) / $(cpu cox.json)" | bc -l)
echo "Cox speed-up over R coxph: $(fmt "$fit_ratio")× fit against fit in wall time, $(fmt "$fit_ratio_cpu")× in CPU time (both from the intervals in memory, concordance included);"
echo "$(fmt "$ratio")× against the command's computing (intervals cut from the registry + design + fit), $(fmt "$ratio_wall")× against its wall time (load included);"
echo "$(fmt "$ratio_cpu")× coxph's CPU time against the whole command's (load, cut, design, fit, profiles; user + sys)."
