#!/usr/bin/env bash
# bench/signals/inbox.sh — a caseworker's inbox (docs/inbox.md): the
# signals of `inbeeld demo --persons PERSONS --seed 42` (default 50,000,
# one sender) evaluated into the inbox, a caseworker whose municipalities
# hold at least 10,000 open signals, and GET /api/v1/signals as that
# caseworker (its first page; with filters; a page deep in the list),
# each asked REPEAT times one after the other on a warm server (median and
# 95th percentile of the server's own time from its access log, and of the
# client's; the server's CPU time per request, which a busy machine does
# not inflate as it does the wall times). Beside it in the same run, the peer: the same query (the same
# scope, filters, page and count) through the sqlite3 shell on the same
# database. Also timed: the first evaluation (every signal new), one
# with nothing to change, and one on the next day (every signal found
# again). Goal: the first page under 200 ms. Prints a markdown table and
# the machine line.
# Usage: bench/signals/inbox.sh [PERSONS]   (repository root, after make)
# Env: INBEELD (binary, default build/src/inbeeld), BENCH_DIR (default
# var/bench-inbox; data and database are reused when complete), REPEAT
# (default 50).
set -euo pipefail
persons=${1:-50000}
repeat=${REPEAT:-50}
inbeeld=$(realpath "${INBEELD:-build/src/inbeeld}")
importer=$(realpath scripts/import-demo.sh)
work=${BENCH_DIR:-var/bench-inbox}
mkdir -p "$work"
work=$(realpath "$work")
cd "$work"
today=$(date -u +%F)
yesterday=$(date -u -d '-1 day' +%F)

# ---- data, cached; the inbox evaluated on the day before today, so that
# today's evaluation finds every signal again.
if [ ! -f data/.complete ]; then
  rm -rf data
  echo "generating $persons persons ..."
  "$inbeeld" demo --persons "$persons" --seed 42 --out data >/dev/null
  touch data/.complete
fi
if [ ! -f inbox.db.complete ]; then
  rm -f inbox.db inbox.db.key inbox.db-wal inbox.db-shm inbox.db.reads* inbox.db.users
  "$inbeeld" init --db inbox.db >/dev/null
  echo "importing ..."
  bash "$importer" "$inbeeld" inbox.db data >/dev/null
  touch inbox.db.complete
fi
cp inbox.db run.db
cp inbox.db.key run.db.key
rm -f run.db-wal run.db-shm run.db.reads*

measure() {   # measure OUT COMMAND...: "wall_s cpu_s" in OUT.time
  local out=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$out.time" "$@" >"$out" 2>"$out.err"
}
wall() { cut -d' ' -f1 "$1.time"; }
cpu() { awk '{ printf "%.2f", $2 + $3 }' "$1.time"; }

echo "evaluating ..."
measure ev1 "$inbeeld" signals evaluate --db run.db --at "$yesterday"
measure ev2 "$inbeeld" signals evaluate --db run.db --at "$yesterday"
measure ev3 "$inbeeld" signals evaluate --db run.db --at "$today"
grep -q "niets gewijzigd" ev2 || { echo "the second evaluation changed something" >&2; exit 1; }
found=$(sed -n 's/.*: \([0-9]*\) actief.*/\1/p' ev1)

# ---- the caseworker: municipalities with the most open persons' signals
# until their signals make at least 10,000 (its scope holds more: a
# person in one of them has all its signals there).
munis=$(sqlite3 run.db "SELECT municipality, count(*) FROM signals WHERE state = 'open'
  AND subject = 'person' AND municipality <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 16" |
  awk -F'|' '{ sum += $2; list = list (list ? "," : "") $1; if (sum >= 10000) { print list; exit } }
             END { if (sum < 10000) print list }')
printf 'Bench-Inbox-Wachtwoord-7\n' | "$inbeeld" user add bench-cw --db run.db --role caseworker \
  --organisation bench-elders --municipalities "$munis" >/dev/null
json_munis=$(echo "$munis" | sed 's/\([^,]*\)/"\1"/g')

# ---- the server
"$inbeeld" serve --db run.db --listen 127.0.0.1:0 --threads 4 2>serve.err &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 300); do
  port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' serve.err | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat serve.err >&2; exit 1; }

cat > client.py <<'EOF'
import http.client, json, os, sys, time
port, repeat, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
queries = sys.argv[4:]
def cpu_ms():                         # the server's user + system time
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")
conn = http.client.HTTPConnection("127.0.0.1", port)
def ask(method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    return r, r.read()
r, body = ask("POST", "/api/v1/sessions", json.dumps({"username": "bench-cw", "password": "Bench-Inbox-Wachtwoord-7"}),
              {"Content-Type": "application/json"})
cookie = r.getheader("Set-Cookie").split(";")[0]
time.sleep(3)                         # the monitor's first load done
for q in queries:
    times = []
    for i in range(repeat + 3):
        if i == 3:
            c0 = cpu_ms()
        t0 = time.perf_counter()
        r, body = ask("GET", "/api/v1/signals" + q, headers={"Cookie": cookie, "X-Purpose": "bench"})
        t = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            sys.exit("%s: %d %s" % (q, r.status, body[:200]))
        if i >= 3:                    # warm-up
            times.append(t)
    cpu = (cpu_ms() - c0) / repeat
    times.sort()
    page = json.loads(body)
    print("%s\t%d\t%d\t%.1f\t%.1f\t%.1f" % (q or "-", page["total"], len(page["items"]),
                                            times[len(times) // 2],
                                            times[int(len(times) * 0.95) - 1], cpu))
EOF
# first page; filters; a page deep in the list
queries=("" "?state=open&overdue=true" "?kind=one_year_offer&state=open" "?owner=me"
         "?page=400&pageSize=20")
python3 client.py "$port" "$repeat" "$server" "${queries[@]}" > client.out
kill $server
wait $server 2>/dev/null || true
trap - EXIT

# The server's own time per request (the access log's "ms"): the
# requests come one after the other, query by query, REPEAT + 3 each.
python3 - "$repeat" "${#queries[@]}" > server.out <<'EOF'
import json, sys
repeat, nq = int(sys.argv[1]), int(sys.argv[2])
ms = [json.loads(l)["ms"] for l in open("serve.err")
      if l.startswith("{") and '"path":"/api/v1/signals"' in l and '"method":"GET"' in l]
assert len(ms) == nq * (repeat + 3), len(ms)
for i in range(nq):
    v = sorted(ms[i * (repeat + 3) + 3:(i + 1) * (repeat + 3)])
    print("%.1f %.1f" % (v[len(v) // 2], v[int(len(v) * 0.95) - 1]))
EOF

# ---- the peer: the same query in the sqlite3 shell, REPEAT times each,
# as the server asks it (src/store/sqlite_signals.c) with the values in
# the text: the filters, then (in a CASE, as the server) the scope (a
# record of the person from the caseworker's organisation, here none, or a
# registration or housing in its municipalities), the order, the page and
# the count.
peer_sql() {   # peer_sql WHERE-EXTRA LIMIT OFFSET
  local scope="EXISTS (SELECT 1 FROM persons pp WHERE pp.people_id = s.subject_id AND
    (pp.sender_id = 0
     OR EXISTS (SELECT 1 FROM registrations r WHERE r.sender_id = pp.sender_id
                AND r.person_id = pp.id AND r.municipality IN (SELECT value FROM json_each('[$json_munis]')))
     OR EXISTS (SELECT 1 FROM housings h JOIN locations l ON l.id = h.location_id
                WHERE h.sender_id = pp.sender_id AND h.person_id = pp.id
                AND l.municipality IN (SELECT value FROM json_each('[$json_munis]')))))"
  cat <<EOF
SELECT s.id, s.kind, s.subject, s.subject_id, s.subject_sender_id, coalesce(se.ref, ''),
 s.subject_ref, s.key, s.municipality, s.state, s.owner_kind, s.owner_id, s.outcome,
 s.reason, s.since, s.due, s.first_found, s.last_found, s.closed_on, s.event_date,
 s.occupancy, s.capacity, s.floor_area, s.subject_record_id, p.total
FROM (SELECT s.id AS id, count(*) OVER () AS total FROM signals s
      WHERE CASE WHEN s.subject = 'person' $1 THEN $scope ELSE 0 END
      ORDER BY s.due, s.id LIMIT $2 OFFSET $3) p
JOIN signals s ON s.id = p.id LEFT JOIN senders se ON se.id = s.subject_sender_id
ORDER BY s.due, s.id;
EOF
}
peer() {   # peer NAME WHERE-EXTRA LIMIT OFFSET: median p95 (ms)
  { echo ".timer on"; echo ".output /dev/null";
    for _ in $(seq $((repeat + 3))); do peer_sql "$2" "$3" "$4"; done; } > "peer_$1.sql"
  sqlite3 run.db < "peer_$1.sql" 2>&1 |
    sed -n 's/^Run Time: real \([0-9.]*\) user \([0-9.]*\) sys \([0-9.]*\).*/\1 \2 \3/p' |
    tail -n "$repeat" | sort -n |
    awk -v n="$repeat" '{ v[NR] = $1 * 1000; c += ($2 + $3) * 1000 }
      END { printf "%.1f %.1f %.1f\n", v[int(n / 2) + 1], v[int(n * 0.95)], c / n }'
}
echo "sqlite3 peer ..."
p_first=$(peer first "" 20 0)
today_n=$(($(date -u -d "$today" +%s) / 86400))     # the day number of today
p_overdue=$(peer overdue "AND s.state IN ('open', 'in_progress') AND s.due < $today_n" 20 0)
p_kind=$(peer kind "AND s.kind = 'one_year_offer' AND s.state = 'open'" 20 0)
p_deep=$(peer deep "" 20 7980)

names=("first page" "open and overdue" "one kind, open" "owner=me (none)" "page 400")
peers=("$p_first" "$p_overdue" "$p_kind" "" "$p_deep")
echo
echo "| GET /api/v1/signals as a caseworker | signals in answer / matching | server median ms | server p95 ms | server CPU ms per request | client median ms | client p95 ms | sqlite3 shell, same query: median ms | p95 ms | CPU ms per query |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
i=0
while IFS=$'\t' read -r q total items cmed cp95 scpu; do
  read -r smed sp95 < <(sed -n "$((i + 1))p" server.out)
  read -r pmed pp95 pcpu <<< "${peers[$i]:-- - -}"
  [ "$q" = - ] && q="(no filter)"
  echo "| ${names[$i]} (\`$q\`) | $items / $total | $smed | $sp95 | $scpu | $cmed | $cp95 | $pmed | $pp95 | $pcpu |"
  i=$((i + 1))
done < client.out
echo
echo "| evaluation | signals | wall s | CPU s |"
echo "|---|---:|---:|---:|"
echo "| first (every signal new), $yesterday | $found | $(wall ev1) | $(cpu ev1) |"
echo "| again, nothing to change | $found | $(wall ev2) | $(cpu ev2) |"
echo "| next day (every signal found again), $today | $found | $(wall ev3) | $(cpu ev3) |"
echo
echo "caseworker's municipalities: $munis; $persons persons, one sender; $repeat requests per query after 3 to warm up"
echo "load average (1 min) now: $(cut -d' ' -f1 /proc/loadavg)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), $("$inbeeld" version | head -1)"
