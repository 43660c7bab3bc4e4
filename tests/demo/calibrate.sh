#!/usr/bin/env bash
# Prints the demo generator's calibration table (docs/demo-data.md): runs
# the unit test's calibration at N persons (default 100,000, seed 42),
# i.e. generate, import into a temporary database, and compute retention
# and typology with the monitor. Usage: tests/demo/calibrate.sh BUILD [N]
set -euo pipefail
build=${1:-build}
persons=${2:-100000}
IB_DEMO_PERSONS=$persons CMOCKA_MESSAGE_OUTPUT=stdout "$build/tests/test_demo" |
  grep -v '^\[' 
