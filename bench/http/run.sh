#!/usr/bin/env bash
# bench/http — the HTTP API under load, with wrk at 64 connections for a
# fixed time, on demo data of PERSONS persons (default 100,000):
#   1. person look-ups: GET /api/v1/persons/{id} of random persons with an
#      API token (each one a read of personal data, so each one audited);
#   2. imports: POST /api/v1/imports?kind=persons of a small exchange-format
#      file (50 persons, re-delivered: validated, compared, audited).
# Reports requests/s, latency p50/p90/p99, errors, the server's CPU seconds
# (user+sys, comparable on a busy machine) and its memory before and after
# (anonymous RSS: what a leak would grow; and the pages of the database
# file its request threads have mapped, which the kernel holds once in its
# page cache however often they are counted), and the load average. Goal: p99 < 50 ms and no errors.
# RUNS picks the runs (default "lookup import"; also "location": GET
# /api/v1/locations/{id}, read only and not audited, for comparison).
# Usage: bench/http/run.sh [PERSONS] (from the repository root, after make)
set -euo pipefail
persons=${1:-100000}
inbeeld=${INBEELD:-build/src/inbeeld}
work=${BENCH_DIR:-var/bench-http}
seconds=${SECONDS_PER_RUN:-30}
connections=${CONNECTIONS:-64}
threads=${SERVER_THREADS:-8}
port=${PORT:-18481}
here=$(cd "$(dirname "$0")" && pwd)
data="$work/data-$persons"
db="$work/inbeeld.db"
url="http://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "bench/http: wrk is missing (make deps)" >&2; exit 1; }

mkdir -p "$work"
if [ ! -f "$data/.complete" ]; then
  rm -rf "$data"
  echo "generating $persons persons into $data ..."
  "$inbeeld" demo --persons "$persons" --seed 42 --out "$data" >/dev/null
  touch "$data/.complete"
fi
if [ ! -f "$work/.loaded-$persons" ]; then
  rm -f "$db" "$db.key" "$db-wal" "$db-shm" "$db.reads"* "$work"/.loaded-*
  "$inbeeld" init --db "$db" >/dev/null
  echo "importing ..."
  "$inbeeld" import --db "$db" --sender bench --quiet "$data" >/dev/null
  password=$(head -c 15 /dev/urandom | base64 | tr '+/' '-_')
  echo "$password" > "$work/password"
  echo "$password" | "$inbeeld" user add bench-agency --role agency --organisation bench --db "$db" >/dev/null
  touch "$work/.loaded-$persons"
fi
password=$(cat "$work/password")
id_min=$(sqlite3 "$db" "SELECT min(id) FROM persons")
id_max=$(sqlite3 "$db" "SELECT max(id) FROM persons")
loc_min=$(sqlite3 "$db" "SELECT min(id) FROM locations")
loc_max=$(sqlite3 "$db" "SELECT max(id) FROM locations")
head -n 51 "$data/persons.csv" > "$work/import-persons.csv"

"$inbeeld" serve --db "$db" --listen "127.0.0.1:$port" --threads "$threads" \
  --max-connections 512 --max-per-client 0 --no-access-log 2>"$work/serve.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.2; done

# An API token of the agency (the daily feed's way in).
jar=$(mktemp)
csrf=$(curl -sf -c "$jar" -H 'Content-Type: application/json' \
  -d "{\"username\": \"bench-agency\", \"password\": \"$password\"}" "$url/api/v1/sessions" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')
token=$(curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
  -d '{"label": "bench"}' "$url/api/v1/tokens" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
rm -f "$jar"

wrk_threads=$(( connections < 2 ? connections : 2 ))   # wrk wants connections >= threads
rss() { awk '/^RssAnon/ {printf "%.0f", $2 / 1024}' "/proc/$server/status"; }
mapped() { awk '/^RssFile/ {printf "%.0f", $2 / 1024}' "/proc/$server/status"; }
hwm() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$server/status"; }
# user+sys clock ticks of the server so far (fields 14 and 15 of stat,
# counted after the command name, which may hold spaces).
cpu_ticks() { sed 's/.*) //' "/proc/$server/stat" | awk '{print $12 + $13}'; }
# At startup the server loads the monitor data and computes the dashboard's
# answers on a thread of its own (seconds of CPU); wait until it is idle
# (under 0.05 s of CPU in 0.5 s, at most 60 s) so that no run counts it.
for _ in $(seq 120); do
  t0=$(cpu_ticks); sleep 0.5
  [ $(( $(cpu_ticks) - t0 )) -le $(( $(getconf CLK_TCK) / 20 )) ] && break
done
export IB_TOKEN=$token IB_BENCH_DIR=$here
export IB_IMPORT_FILE=$work/import-persons.csv

run() {  # run NAME SCRIPT -> one table row
  local before after out ticks
  before=$(rss)
  ticks=$(cpu_ticks)
  out=$(wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --timeout 10s -s "$here/$2" "$url" | tail -n 1)
  ticks=$(( $(cpu_ticks) - ticks ))
  after=$(rss)
  python3 - "$1" "$before" "$after" "$out" "$ticks" "$(getconf CLK_TCK)" "$(mapped)" <<'EOF'
import json, sys
name, before, after, r = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
cpu = int(sys.argv[5]) / int(sys.argv[6])
errors = r["socket_errors"] + r["timeouts"] + r["http_errors"]
print("| %s | %d | %.0f | %.1f | %.1f | %.1f | %d | %.1f | %s → %s MB | %s MB |" % (
    name, r["requests"], r["rps"], r["p50_ms"], r["p90_ms"], r["p99_ms"], errors, cpu,
    before, after, sys.argv[7]))
EOF
}

echo
echo "wrk: $connections connections, $wrk_threads client threads, ${seconds} s per run; server: $threads threads, $persons persons"
echo
echo "load before: $(uptime | sed 's/.*load/load/')"
echo
echo "| what | requests | requests/s | p50 ms | p90 ms | p99 ms | errors | server CPU s | server RSS (anonymous) | file mapped after |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for what in ${RUNS:-lookup import}; do
  case $what in
    lookup)
      export IB_GET_PATH=/api/v1/persons/ IB_GET_MIN=$id_min IB_GET_MAX=$id_max IB_PURPOSE=benchmark
      run "GET /api/v1/persons/{id} (token, audited)" random_get.lua ;;
    import) run "POST /api/v1/imports (50 persons, CSV)" import.lua ;;
    location)
      export IB_GET_PATH=/api/v1/locations/ IB_GET_MIN=$loc_min IB_GET_MAX=$loc_max
      unset IB_PURPOSE
      run "GET /api/v1/locations/{id} (read only, not audited)" random_get.lua ;;
    *) echo "bench/http: unknown run $what" >&2; exit 1 ;;
  esac
done
echo
reads=$(sqlite3 "$db.reads" 'SELECT count(*) FROM audit' 2>/dev/null || echo 0)
echo "server peak RSS: $(hwm) MB (anonymous and file-mapped); audit entries: $(sqlite3 "$db" 'SELECT count(*) FROM audit') changes, $reads reads; WAL: $(stat -c %s "$db-wal" 2>/dev/null || echo 0) bytes, read log's $(stat -c %s "$db.reads-wal" 2>/dev/null || echo 0) bytes"
echo "load after: $(uptime | sed 's/.*load/load/')"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $("$inbeeld" version | head -1)"
