#!/usr/bin/env bash
# bench/web/first_visit.sh — the dashboard's first chart on the first visit
# after a change of the data: inbeeld serve on an existing database (e.g.
# the 1M-person one of bench/web/run.sh), and before every run of
# first_chart.mjs a tiny import (one life event) that changes the data
# version. WAIT=prepared (default) logs in once the server says the
# dashboard's answers for the new data are ready (the server spaces its
# own reloads to 4 times what the last one took, so at 1M persons that
# is up to about 90 s after the import); WAIT=none logs in right after
# the import. Prints first_chart.mjs's JSON line, then the server's
# load and preparation times.
# Usage: bench/web/first_visit.sh DB [RUNS]   (repository root, after make;
# DB has the analyst "analist" with bench/web/run.sh's password)
# Env: INBEELD (binary, default build/src/inbeeld), SENDER (default bench),
# WAIT, BENCH_DIR (work folder, default var/bench-web).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/serve.sh"
inbeeld=$(realpath "${INBEELD:-build/src/inbeeld}")
db=$(realpath "$1")
runs=${2:-3}
work=${BENCH_DIR:-var/bench-web}
mkdir -p "$work"
work=$(realpath "$work")
web=$work/web
bash "$root/scripts/web.sh" "$web" >/dev/null
log=$work/serve-first-visit.log
ready="antwoorden voor het dashboard klaar"

start_server "$inbeeld" "$db" "$web" "$log"
until grep -q "$ready" "$log"; do sleep 0.2; done

# One life event on a new date each time: a change of the registry. The
# count is kept beside the database, so that no later run repeats a date
# (an import that changes nothing changes no data version).
person=$(sqlite3 -readonly "$db" "SELECT ref FROM persons ORDER BY id LIMIT 1")
cat >"$work/touch.sh" <<TOUCH
set -euo pipefail
n=\$(grep -c "$ready" "$log")
d=\$(mktemp -d "$work/touch.XXXXXX")
count=\$(( \$(cat "$db.touch-count" 2>/dev/null || echo 0) + 1 ))
echo "\$count" >"$db.touch-count"
day=\$(date -u -d "2000-01-01 + \$count days" +%F)
printf 'person_ref,event,date\n$person,child_birth,%s\n' "\$day" >"\$d/life_events.csv"
"$inbeeld" import --db "$db" --sender "${SENDER:-bench}" --quiet "\$d"
rm -rf "\$d"
if [ "${WAIT:-prepared}" = prepared ]; then
  until [ "\$(grep -c "$ready" "$log")" -gt "\$n" ]; do sleep 0.1; done
fi
TOUCH
BEFORE_EACH="bash $work/touch.sh" node "$here/first_chart.mjs" "http://127.0.0.1:$port" analist \
  bench-password-123 "$runs"
kill "$pid"
wait "$pid" 2>/dev/null || true
trap - EXIT
grep 'inbeeld serve: monitor:' "$log" >&2
echo "monitor answers in the access log: $(grep -oE '"answer":"[a-z]+"' "$log" | sort | uniq -c | tr -s ' ' | tr '\n' ';')" >&2
