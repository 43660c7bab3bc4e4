#!/usr/bin/env bash
# pipeline.sh — the monitor against R on real pipeline data: demo data
# imported into a fresh database, the intervals exported by `inbeeld monitor
# intervals`, and every survival and Cox figure `inbeeld monitor ... --format
# json` prints compared with R survival on those intervals (pipeline.R).
# Then a self-check: a result with one number changed in the 7th digit must
# make the comparison fail.
# usage: tests/r/pipeline.sh PATH_TO_inbeeld [PERSONS] [SEED]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IB=$(realpath "${1:?usage: pipeline.sh PATH_TO_inbeeld [PERSONS] [SEED]}")
persons=${2:-5000}
seed=${3:-3}
AT=2025-01-01
command -v Rscript >/dev/null || { echo "pipeline.sh: Rscript not found" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
export INBEELD_DB=$TMP/monitor.db

"$IB" init >/dev/null
# The demo as a chain delivers it: a municipality, agencies, employers and
# housing providers, linked into persons (docs/linkage.md), so that R
# checks the monitor over linked persons.
"$IB" demo --persons "$persons" --seed "$seed" --layout chain --out demo >/dev/null
bash "$here/../../scripts/import-demo.sh" "$IB" "$INBEELD_DB" demo >/dev/null
"$IB" monitor intervals --at "$AT" --out intervals.csv

json=()
for by in all eu nationality age cohort; do
  "$IB" monitor survival --at "$AT" --by "$by" --curve --no-suppress --format json \
    >"survival_$by.json"
  json+=("survival_$by.json")
done
"$IB" monitor survival --at "$AT" --by eu --cohort 2017 --curve --no-suppress \
  --format json >survival_eu_2017.json
json+=(survival_eu_2017.json)
all=employed,permanent,agency,self_employed,wage_ratio,income_130,income_200,partner,children,home_owner,eu
for ties in efron breslow; do
  "$IB" monitor cox --at "$AT" --ties "$ties" --covariates "$all" --format json \
    >"cox_$ties.json"
  json+=("cox_$ties.json")
done
# the default covariates with group dummies, and one cohort
"$IB" monitor cox --at "$AT" --by age --format json >cox_by_age.json
"$IB" monitor cox --at "$AT" --cohort 2017 --ties breslow --by nationality \
  --covariates employed,partner,children --format json >cox_2017_nationality.json
json+=(cox_by_age.json cox_2017_nationality.json)

Rscript "$here/pipeline.R" intervals.csv "${json[@]}"

# Self-check: change the first coefficient in its 7th significant digit.
awk '!done && /"coef": /{ match($0, /-?[0-9.]+(e-?[0-9]+)?/); v = substr($0, RSTART, RLENGTH);
     sub(/-?[0-9.]+(e-?[0-9]+)?/, sprintf("%.17g", v * (1 + 3e-6))); done = 1 } { print }' \
  cox_efron.json >cox_perturbed.json
cmp -s cox_efron.json cox_perturbed.json && { echo "self-check: nothing perturbed" >&2; exit 1; }
if Rscript "$here/pipeline.R" intervals.csv cox_perturbed.json >perturbed.out 2>&1; then
  echo "self-check FAILED: a coefficient off by 3e-6 (relative) went unnoticed" >&2
  exit 1
fi
grep -q "differ" perturbed.out
echo "self-check: a coefficient off by 3e-6 (relative) is caught:"
grep -m1 "coef" perturbed.out
