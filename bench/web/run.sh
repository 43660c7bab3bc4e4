#!/usr/bin/env bash
# bench/web — how fast the staff dashboard shows its first chart after
# login: inbeeld demo (PERSONS, default 1,000,000, seed 42) imported into a
# fresh database, inbeeld serve with the built web application, and
# first_chart.mjs timing login -> first chart drawn and login -> every
# figure shown in Debian's chromium (median of RUNS, default 5, after a
# warm-up). Prints one JSON line per size.
# Usage: bench/web/run.sh [PERSONS...]   (repository root, after make)
# Env: INBEELD (binary, default build/src/inbeeld), BENCH_DIR (work folder,
# default var/bench-web; data and databases are reused), RUNS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/serve.sh"
inbeeld=$(realpath "${INBEELD:-build/src/inbeeld}")
work=${BENCH_DIR:-var/bench-web}
runs=${RUNS:-5}
mkdir -p "$work"
work=$(realpath "$work")
web=$work/web
bash "$root/scripts/web.sh" "$web" >/dev/null
password=bench-password-123

for persons in "${@:-1000000}"; do
  data=$work/data-$persons
  db=$work/web-$persons.db
  if [ ! -f "$data/.complete" ]; then
    rm -rf "$data"
    echo "generating $persons persons ..." >&2
    "$inbeeld" demo --persons "$persons" --seed 42 --out "$data" >/dev/null
    touch "$data/.complete"
  fi
  if [ ! -f "$db.complete" ]; then
    rm -f "$db" "$db.key" "$db-wal" "$db-shm"
    "$inbeeld" init --db "$db" >/dev/null
    echo "importing ..." >&2
    "$inbeeld" import --db "$db" --sender demo --quiet "$data"
    printf '%s\n' "$password" | "$inbeeld" user add analist --db "$db" --role analyst --organisation bench >/dev/null
    touch "$db.complete"
  fi
  log=$work/serve-$persons.log
  start_server "$inbeeld" "$db" "$web" "$log"
  printf '{"persons": %s, "result": %s}\n' "$persons" \
    "$(node "$here/first_chart.mjs" "http://127.0.0.1:$port" analist "$password" "$runs")"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  trap - EXIT
done
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(lscpu | sed -n 's/^Model name: *//p'), $(. /etc/os-release && echo "$PRETTY_NAME"), $(/usr/bin/chromium --version 2>/dev/null)"
