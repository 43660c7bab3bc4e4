#!/usr/bin/env bash
# make run: create the database, generate demo data, import it and show
# what was loaded. Usage: scripts/run.sh INBEELD DB DEMO_DIR PERSONS SEED
set -euo pipefail
inbeeld=$1 db=$2 demo=$3 persons=$4 seed=$5

mkdir -p "$(dirname "$db")"
"$inbeeld" init --db "$db"
if [ ! -f "$demo/.complete-$persons-$seed" ]; then
  rm -rf "$demo"
  "$inbeeld" demo --persons "$persons" --seed "$seed" --out "$demo"
  touch "$demo/.complete-$persons-$seed"
fi
"$inbeeld" import --db "$db" --sender demo "$demo"
echo
"$inbeeld" status --db "$db"
echo
echo "Probeer nu bijvoorbeeld:"
echo "  $inbeeld person show P000001 --db $db"
echo "  $inbeeld location show L0001 --db $db"
echo "  $inbeeld help"
