#!/usr/bin/env bash
# compare.sh — runs the R comparison of the survival engine over every case
# in tests/r/cases: inbeeld's figures (ib_surv_driver) beside R survival's.
# usage: tests/r/compare.sh BUILD_DIR   (BUILD_DIR holds tests/r/ib_surv_driver
#        or ib_surv_driver; or give the driver's path itself)
set -u
here=$(cd "$(dirname "$0")" && pwd)
arg=${1:?usage: compare.sh BUILD_DIR}
if [[ -x $arg && ! -d $arg ]]; then
  driver=$arg
elif [[ -x $arg/tests/r/ib_surv_driver ]]; then
  driver=$arg/tests/r/ib_surv_driver
elif [[ -x $arg/ib_surv_driver ]]; then
  driver=$arg/ib_surv_driver
else
  echo "compare.sh: no ib_surv_driver in $arg" >&2
  exit 2
fi
command -v Rscript >/dev/null || { echo "compare.sh: Rscript not found" >&2; exit 2; }
Rscript -e 'suppressPackageStartupMessages(library(survival))' >/dev/null 2>&1 ||
  { echo "compare.sh: R package survival not installed" >&2; exit 2; }
fail=0
for case in "$here"/cases/*.csv; do
  if ! Rscript "$here/compare.R" "$driver" "$case" 2>/dev/null; then
    fail=1
  fi
done
if (( fail )); then
  echo "R comparison: FAILED"
  exit 1
fi
echo "R comparison: all cases match R survival $(Rscript -e 'cat(as.character(packageVersion("survival")))')"
